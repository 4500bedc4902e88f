// Parse errors and the compiler-style renderer shared with the config layer:
//
//     config.toml:12:9: error: expected '=' after a key
//       answer 42
//             ^

/// Why a document was rejected, and where: a 1-based line and column (in Unicode scalars).
public struct TOMLError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The 1-based line of the problem.
    public var line: Int
    /// The 1-based column of the problem, counted in Unicode scalars.
    public var column: Int
    /// A short lowercase message that says what was expected and, where it helps, the fix.
    public var message: String
    /// The text of the offending line (no line end; invalid UTF-8 shown as U+FFFD).
    public var sourceLine: String

    /// Creates an error.
    public init(line: Int, column: Int, message: String, sourceLine: String = "") {
        self.line = line
        self.column = column
        self.message = message
        self.sourceLine = sourceLine
    }

    /// The position of the problem.
    public var position: TOMLPosition { TOMLPosition(line: line, column: column) }

    /// "LINE:COLUMN: MESSAGE".
    public var description: String { "\(line):\(column): \(message)" }

    /// The three-line diagnostic: "FILE:LINE:COL: error: MESSAGE", the source line, a caret.
    public func rendered(fileName: String) -> String {
        TOMLError.render(fileName: fileName, line: line, column: column, message: message,
                         sourceLine: sourceLine)
    }

    /// Renders any diagnostic in the same shape; `severity` is "error", "warning" or "note".
    ///
    /// Tabs before the column are repeated in the caret line so the caret lines up at any tab
    /// width; wide characters (CJK, emoji) take two caret columns; control characters and
    /// invisible format characters (BOM, zero-width space...) are shown as U+FFFD; lines longer
    /// than 120 characters are cut around the column, with "..." where text was left out.
    ///
    /// `sourceLine` may be an excerpt of a long line (see `TOMLLineIndex`): `cutBefore` scalars
    /// of the line come before it, and `cutAfter` says that more follow.
    public static func render(fileName: String, line: Int, column: Int, message: String,
                              sourceLine: String, severity: String = "error",
                              cutBefore: Int = 0, cutAfter: Bool = false) -> String {
        let header = "\(fileName):\(line):\(column): \(severity): \(message)"
        var scalars = Array(sourceLine.unicodeScalars)
        var caretIndex = max(0, min(column - 1 - cutBefore, scalars.count))
        var prefix = cutBefore > 0 ? "..." : ""
        var suffix = cutAfter ? "..." : ""
        let window = 120
        if scalars.count > window {
            let first = max(0, min(caretIndex - window / 2, scalars.count - window))
            let last = min(scalars.count, first + window)
            if first > 0 { prefix = "..." }
            if last < scalars.count { suffix = "..." }
            scalars = Array(scalars[first..<last])
            caretIndex -= first
        }
        var shown = prefix
        var caret = String(repeating: " ", count: prefix.count)
        for (k, scalar) in scalars.enumerated() {
            let display: Unicode.Scalar = isInvisible(scalar) ? "\u{FFFD}" : scalar
            shown.unicodeScalars.append(display)
            if k < caretIndex {
                if scalar == "\t" {
                    caret += "\t"
                } else {
                    caret += String(repeating: " ", count: displayWidth(display))
                }
            }
        }
        shown += suffix
        return header + "\n" + shown + "\n" + caret + "^"
    }

    /// The text of 1-based line `line` of `source` (without its line end), for rendering;
    /// empty when there is no such line.
    public static func sourceLine(_ line: Int, in source: some Collection<UInt8>) -> String {
        guard line >= 1 else { return "" }
        let bytes = Array(source)
        var start = hasBOM(bytes) ? 3 : 0
        var current = 1
        while current < line {
            guard let newline = bytes[start...].firstIndex(of: UInt8(ascii: "\n")) else { return "" }
            start = newline + 1
            current += 1
        }
        return lineText(bytes, from: start)
    }

    /// The text from `start` to the end of its line, without a trailing CR.
    static func lineText(_ bytes: [UInt8], from start: Int) -> String {
        guard start < bytes.count else { return "" }
        let stop = bytes[start...].firstIndex(of: UInt8(ascii: "\n")) ?? bytes.count
        var slice = bytes[start..<stop]
        if slice.last == UInt8(ascii: "\r") { slice = slice.dropLast() }
        return String(decoding: slice, as: UTF8.self)
    }

    static func hasBOM(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF
    }
}

/// Control and invisible format characters, which the renderer shows as U+FFFD.
func isInvisible(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.value {
    case 0x09: false
    case 0x00...0x1F, 0x7F...0x9F, 0x200B...0x200F, 0x2028...0x202E, 0x2060...0x206F, 0xFEFF: true
    default: false
    }
}

/// Terminal columns a scalar takes: 0 for combining marks, 2 for wide East Asian and emoji.
func displayWidth(_ scalar: Unicode.Scalar) -> Int {
    let v = scalar.value
    switch v {
    case 0x0300...0x036F, 0xFE00...0xFE0F:
        return 0
    case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF,
         0xA000...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60,
         0xFFE0...0xFFE6, 0x1F300...0x1F64F, 0x1F900...0x1F9FF, 0x20000...0x2FFFD, 0x30000...0x3FFFD:
        return 2
    default:
        return 1
    }
}
