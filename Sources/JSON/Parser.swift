/// A parsed JSON value. Numbers keep their text so each type converts it exactly.
enum Value: Sendable {
    case null
    case bool(Bool)
    case number(String)
    case string(String)
    case array([Value])
    /// When a key repeats, the first value is kept (as Foundation does).
    case object([String: Value])

    var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// How Foundation names the kind of value in a type mismatch.
    var kindDescription: String {
        switch self {
        case .null: "null"
        case .bool: "bool"
        case .number: "number"
        case .string: "a string"
        case .array: "an array"
        case .object: "a dictionary"
        }
    }
}

/// A strict RFC 8259 parser: no comments, no trailing commas, no leading zeros, exact escapes,
/// valid UTF-8 only, nesting at most `JSON.maximumDepth` deep. A leading UTF-8 byte order
/// mark is skipped (RFC 8259 section 8.1 allows that; Foundation does it too).
/// Every byte read is bounds-checked: no input traps.
struct Parser {
    private let bytes: [UInt8]
    private var index = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    mutating func document() throws(JSON.SyntaxError) -> Value {
        if byte(at: 0) == 0xEF, byte(at: 1) == 0xBB, byte(at: 2) == 0xBF { index = 3 }
        skipWhitespace()
        let value = try parseValue(depth: 0)
        skipWhitespace()
        guard index == bytes.count else { throw error("unexpected text after the JSON value") }
        return value
    }

    // MARK: Reading bytes

    private func byte(at i: Int) -> UInt8? { i >= 0 && i < bytes.count ? bytes[i] : nil }
    private var current: UInt8? { byte(at: index) }

    private func error(_ reason: String) -> JSON.SyntaxError { JSON.SyntaxError(offset: index, reason: reason) }

    private mutating func skipWhitespace() {
        while let b = current, b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 { index += 1 }
    }

    private static func isDigit(_ b: UInt8?) -> Bool {
        guard let b else { return false }
        return b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9")
    }

    // MARK: Values

    private mutating func parseValue(depth: Int) throws(JSON.SyntaxError) -> Value {
        guard let b = current else { throw error("unexpected end of input") }
        switch b {
        case UInt8(ascii: "{"): return try parseObject(depth: depth)
        case UInt8(ascii: "["): return try parseArray(depth: depth)
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
        default: throw error("unexpected character")
        }
    }

    private mutating func literal(_ word: String) throws(JSON.SyntaxError) {
        for b in word.utf8 {
            guard current == b else { throw error("invalid literal") }
            index += 1
        }
    }

    private mutating func parseArray(depth: Int) throws(JSON.SyntaxError) -> Value {
        guard depth < JSON.maximumDepth else { throw error("nested more than \(JSON.maximumDepth) levels deep") }
        index += 1
        skipWhitespace()
        var elements: [Value] = []
        if current == UInt8(ascii: "]") {
            index += 1
            return .array(elements)
        }
        while true {
            skipWhitespace()
            elements.append(try parseValue(depth: depth + 1))
            skipWhitespace()
            switch current {
            case UInt8(ascii: ",")?: index += 1
            case UInt8(ascii: "]")?: index += 1; return .array(elements)
            case nil: throw error("unexpected end of input in an array")
            default: throw error("expected ',' or ']' in an array")
            }
        }
    }

    private mutating func parseObject(depth: Int) throws(JSON.SyntaxError) -> Value {
        guard depth < JSON.maximumDepth else { throw error("nested more than \(JSON.maximumDepth) levels deep") }
        index += 1
        skipWhitespace()
        var members: [String: Value] = [:]
        if current == UInt8(ascii: "}") {
            index += 1
            return .object(members)
        }
        while true {
            skipWhitespace()
            guard current == UInt8(ascii: "\"") else {
                throw error(current == nil ? "unexpected end of input in an object" : "expected a string key in an object")
            }
            let key = try parseString()
            skipWhitespace()
            guard current == UInt8(ascii: ":") else { throw error("expected ':' after an object key") }
            index += 1
            skipWhitespace()
            let value = try parseValue(depth: depth + 1)
            if members[key] == nil { members[key] = value }
            skipWhitespace()
            switch current {
            case UInt8(ascii: ",")?: index += 1
            case UInt8(ascii: "}")?: index += 1; return .object(members)
            case nil: throw error("unexpected end of input in an object")
            default: throw error("expected ',' or '}' in an object")
            }
        }
    }

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`
    private mutating func parseNumber() throws(JSON.SyntaxError) -> String {
        let start = index
        if current == UInt8(ascii: "-") { index += 1 }
        guard Self.isDigit(current) else { throw error("expected a digit") }
        if current == UInt8(ascii: "0") {
            index += 1
            guard !Self.isDigit(current) else { throw error("leading zero in a number") }
        } else {
            while Self.isDigit(current) { index += 1 }
        }
        if current == UInt8(ascii: ".") {
            index += 1
            guard Self.isDigit(current) else { throw error("expected a digit after '.'") }
            while Self.isDigit(current) { index += 1 }
        }
        if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
            index += 1
            if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { index += 1 }
            guard Self.isDigit(current) else { throw error("expected a digit in the exponent") }
            while Self.isDigit(current) { index += 1 }
        }
        return String(decoding: bytes[start..<index], as: UTF8.self)
    }

    // MARK: Strings

    private mutating func parseString() throws(JSON.SyntaxError) -> String {
        index += 1  // the opening quote
        var text: [UInt8] = []
        while true {
            guard let b = current else { throw error("unterminated string") }
            switch b {
            case UInt8(ascii: "\""):
                index += 1
                // Valid UTF-8 by construction: checked byte by byte below.
                return String(decoding: text, as: UTF8.self)
            case UInt8(ascii: "\\"):
                index += 1
                try parseEscape(into: &text)
            case 0x00...0x1F:
                throw error("unescaped control character in a string")
            case 0x20...0x7F:
                text.append(b)
                index += 1
            default:
                try copyMultibyte(lead: b, into: &text)
            }
        }
    }

    /// Copies one multi-byte UTF-8 sequence, accepting only the well-formed ones
    /// (Unicode table 3-7: no overlong forms, no surrogates, nothing above U+10FFFF).
    private mutating func copyMultibyte(lead: UInt8, into text: inout [UInt8]) throws(JSON.SyntaxError) {
        let continuation: Int
        var secondRange: ClosedRange<UInt8> = 0x80...0xBF
        switch lead {
        case 0xC2...0xDF: continuation = 1
        case 0xE0: continuation = 2; secondRange = 0xA0...0xBF
        case 0xE1...0xEC, 0xEE...0xEF: continuation = 2
        case 0xED: continuation = 2; secondRange = 0x80...0x9F
        case 0xF0: continuation = 3; secondRange = 0x90...0xBF
        case 0xF1...0xF3: continuation = 3
        case 0xF4: continuation = 3; secondRange = 0x80...0x8F
        default: throw error("invalid UTF-8")
        }
        for k in 1...continuation {
            guard let c = byte(at: index + k), (k == 1 ? secondRange : 0x80...0xBF).contains(c) else {
                throw error("invalid UTF-8")
            }
        }
        text.append(contentsOf: bytes[index...(index + continuation)])
        index += continuation + 1
    }

    private mutating func parseEscape(into text: inout [UInt8]) throws(JSON.SyntaxError) {
        guard let b = current else { throw error("unterminated string") }
        index += 1
        switch b {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): text.append(b)
        case UInt8(ascii: "b"): text.append(0x08)
        case UInt8(ascii: "f"): text.append(0x0C)
        case UInt8(ascii: "n"): text.append(0x0A)
        case UInt8(ascii: "r"): text.append(0x0D)
        case UInt8(ascii: "t"): text.append(0x09)
        case UInt8(ascii: "u"):
            let unit = try hex4()
            var scalarValue = unit
            switch unit {
            case 0xD800...0xDBFF:
                guard current == UInt8(ascii: "\\"), byte(at: index + 1) == UInt8(ascii: "u") else {
                    throw error("a high surrogate escape without a low one")
                }
                index += 2
                let low = try hex4()
                guard (0xDC00...0xDFFF).contains(low) else { throw error("a high surrogate escape without a low one") }
                scalarValue = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
            case 0xDC00...0xDFFF:
                throw error("a low surrogate escape without a high one")
            default:
                break
            }
            guard let scalar = Unicode.Scalar(scalarValue) else { throw error("invalid \\u escape") }
            UTF8.encode(scalar) { text.append($0) }
        default:
            throw error("invalid escape")
        }
    }

    private mutating func hex4() throws(JSON.SyntaxError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard let b = current else { throw error("unterminated \\u escape") }
            let digit: UInt8
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = b - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = b - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = b - UInt8(ascii: "A") + 10
            default: throw error("invalid hex digit in a \\u escape")
            }
            value = value << 4 | UInt32(digit)
            index += 1
        }
        return value
    }
}
