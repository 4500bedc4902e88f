/// ANSI colours, or nothing: the caller decides whether the output is a terminal that wants them.
public struct Palette: Sendable, Equatable {
    public var enabled: Bool

    public init(enabled: Bool) { self.enabled = enabled }

    /// No colour at all.
    public static let plain = Palette(enabled: false)

    public func green(_ s: String) -> String { wrap(s, "32") }
    public func yellow(_ s: String) -> String { wrap(s, "33") }
    public func red(_ s: String) -> String { wrap(s, "31") }
    public func dim(_ s: String) -> String { wrap(s, "2") }
    public func bold(_ s: String) -> String { wrap(s, "1") }

    private func wrap(_ s: String, _ code: String) -> String {
        enabled && !s.isEmpty ? "\u{1B}[\(code)m\(s)\u{1B}[0m" : s
    }
}

/// Block-character drawing.
public enum Blocks {
    /// Left-aligned horizontal eighths, one to eight: ▏▎▍▌▋▊▉█.
    static let horizontal: [Character] = ["▏", "▎", "▍", "▌", "▋", "▊", "▉", "█"]
    /// Bottom-aligned vertical eighths, one to eight: ▁▂▃▄▅▆▇█.
    static let vertical: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]

    /// A horizontal bar `fraction` (0...1) of `width` cells long, to an eighth of a cell; a
    /// nonzero fraction always shows at least a sliver.
    public static func bar(_ fraction: Double, width: Int) -> String {
        guard width > 0 else { return "" }
        let f = min(1, max(0, fraction.isFinite ? fraction : 0))
        var eighths = Int((f * Double(width * 8)).rounded(.toNearestOrAwayFromZero))
        if f > 0, eighths == 0 { eighths = 1 }
        var s = String(repeating: "█", count: eighths / 8)
        if eighths % 8 > 0 { s.append(horizontal[eighths % 8 - 1]) }
        return s
    }

    /// Columns of `values` drawn `rows` high, tallest = `rows` full cells, each value `columnWidth`
    /// cells wide; one string per row, top first. A nonzero value shows at least ▁.
    public static func columns(_ values: [Int], rows: Int, columnWidth: Int) -> [String] {
        let top = values.max() ?? 0
        let heights = values.map { v -> Int in
            guard v > 0, top > 0 else { return 0 }
            return max(1, Int((Double(v) / Double(top) * Double(rows * 8)).rounded(.toNearestOrAwayFromZero)))
        }
        return (0..<rows).map { r in
            let base = (rows - 1 - r) * 8
            var line = ""
            for h in heights {
                let fill = min(8, max(0, h - base))
                let cell: Character = fill == 0 ? " " : vertical[fill - 1]
                line += String(repeating: String(cell), count: columnWidth)
            }
            return line
        }
    }
}

/// Text layout helpers: widths count characters (every character limber draws is one column).
enum Layout {
    static func right(_ s: String, _ width: Int) -> String {
        s.count >= width ? s : String(repeating: " ", count: width - s.count) + s
    }

    static func left(_ s: String, _ width: Int) -> String {
        s.count >= width ? s : s + String(repeating: " ", count: width - s.count)
    }

    /// Removes trailing spaces from every line.
    static func trimmed(_ lines: [String]) -> String {
        lines.map { line in
            var l = Substring(line)
            while l.last == " " { l = l.dropLast() }
            return String(l)
        }.joined(separator: "\n") + "\n"
    }
}
