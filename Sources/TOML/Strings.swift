// The four string forms. Strings without escapes (the common case) are cut straight from the
// buffer; the others are assembled in `scratch`. Multi-line strings turn CRLF into LF.

extension Parser {
    @inline(__always) func isForbiddenControl(_ b: UInt8) -> Bool {
        (b < 0x20 && b != UInt8(ascii: "\t")) || b == 0x7F
    }

    /// The error for a control byte at `i` inside a string that started at `open`.
    func stringControlError(open: Int, literal: Bool, multiline: Bool) -> TOMLError {
        let b = at(i)
        if !multiline && (b == UInt8(ascii: "\n") || (b == UInt8(ascii: "\r") && at(i + 1) == UInt8(ascii: "\n"))) {
            let quote = literal ? "'" : "\""
            return fail("unterminated string; add a closing \(quote) before the end of the line, "
                        + "or use \(quote)\(quote)\(quote) for a multi-line string", at: open)
        }
        if b == UInt8(ascii: "\r") { return bareCarriageReturn(at: i) }
        let code = hex(UInt32(b), digits: 4)
        if literal {
            return fail("control character U+\(code) is not allowed in a literal string; "
                        + "use a basic string with \\u\(code)", at: i)
        }
        return fail("control character U+\(code) is not allowed in a string; write it as \\u\(code)", at: i)
    }

    func unterminated(open: Int, literal: Bool, multiline: Bool) -> TOMLError {
        let quote = literal ? "'" : "\""
        if multiline {
            return fail("unterminated multi-line string; add the closing \(quote)\(quote)\(quote)", at: open)
        }
        return fail("unterminated string; add a closing \(quote)", at: open)
    }

    /// "..." with `i` at the opening quote.
    mutating func parseBasicString() throws(TOMLError) -> String {
        let open = i
        i += 1
        let start = i
        while i < end {
            let b = bytes[i]
            if b == UInt8(ascii: "\"") {
                let text = String(decoding: bytes[start..<i], as: UTF8.self)
                i += 1
                return text
            }
            if b == UInt8(ascii: "\\") { return try parseBasicStringWithEscapes(open: open, start: start) }
            if isForbiddenControl(b) { throw stringControlError(open: open, literal: false, multiline: false) }
            i += 1
        }
        throw unterminated(open: open, literal: false, multiline: false)
    }

    mutating func parseBasicStringWithEscapes(open: Int, start: Int) throws(TOMLError) -> String {
        scratch.removeAll(keepingCapacity: true)
        scratch.append(contentsOf: bytes[start..<i])
        while i < end {
            let b = bytes[i]
            if b == UInt8(ascii: "\"") {
                i += 1
                return String(decoding: scratch, as: UTF8.self)
            }
            if b == UInt8(ascii: "\\") {
                try appendEscape(open: open, multiline: false)
                continue
            }
            if isForbiddenControl(b) { throw stringControlError(open: open, literal: false, multiline: false) }
            scratch.append(b)
            i += 1
        }
        throw unterminated(open: open, literal: false, multiline: false)
    }

    /// Resolves the escape at `i` (a backslash) into `scratch`.
    mutating func appendEscape(open: Int, multiline: Bool) throws(TOMLError) {
        let escape = i
        let c = at(i + 1)
        if multiline && (c == UInt8(ascii: " ") || c == UInt8(ascii: "\t") || c == UInt8(ascii: "\n")
                         || c == UInt8(ascii: "\r")) {
            try skipLineEndingBackslash()
            return
        }
        switch c {
        case UInt8(ascii: "b"): scratch.append(0x08)
        case UInt8(ascii: "t"): scratch.append(0x09)
        case UInt8(ascii: "n"): scratch.append(0x0A)
        case UInt8(ascii: "f"): scratch.append(0x0C)
        case UInt8(ascii: "r"): scratch.append(0x0D)
        case UInt8(ascii: "\""): scratch.append(0x22)
        case UInt8(ascii: "\\"): scratch.append(0x5C)
        case UInt8(ascii: "u"), UInt8(ascii: "U"):
            try appendUnicodeEscape(width: c == UInt8(ascii: "u") ? 4 : 8)
            return
        default:
            if i + 1 >= end { throw unterminated(open: open, literal: false, multiline: multiline) }
            if c == UInt8(ascii: "\n") || c == UInt8(ascii: "\r") {
                throw fail("a backslash at the end of a line is only allowed in multi-line strings (\"\"\")",
                           at: escape)
            }
            let fix = "; write '\\\\' for a backslash"
            if c < 0x20 || c == 0x7F || c == UInt8(ascii: " ") {
                throw fail("invalid escape: '\\' followed by \(describe(at: i + 1))" + fix, at: escape)
            }
            throw fail("invalid escape '\\\(String(scalar(at: i + 1)))' in a string" + fix, at: escape)
        }
        i += 2
    }

    /// \uXXXX or \UXXXXXXXX at `i`.
    mutating func appendUnicodeEscape(width: Int) throws(TOMLError) {
        let escape = i
        var value: UInt32 = 0
        for n in 0..<width {
            let b = at(i + 2 + n)
            let digit: UInt8
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = b - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = b - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = b - UInt8(ascii: "A") + 10
            default:
                throw fail(width == 4 ? "'\\u' needs 4 hex digits, like \\u00E9"
                                      : "'\\U' needs 8 hex digits, like \\U0001F600", at: escape)
            }
            value = value << 4 | UInt32(digit)
        }
        guard let scalar = Unicode.Scalar(value) else {
            let text = String(decoding: bytes[escape..<min(escape + 2 + width, end)], as: UTF8.self)
            if value >= 0xD800 && value <= 0xDFFF {
                throw fail("invalid escape '\(text)': surrogates (D800-DFFF) are not Unicode scalar values",
                           at: escape)
            }
            throw fail("invalid escape '\(text)': the largest code point is 10FFFF", at: escape)
        }
        UTF8.encode(scalar) { scratch.append($0) }
        i = escape + 2 + width
    }

    /// A backslash that ends a line in a multi-line basic string: it swallows the line end and
    /// all spaces, tabs and line ends after it.
    mutating func skipLineEndingBackslash() throws(TOMLError) {
        let escape = i
        var k = i + 1
        while at(k) == UInt8(ascii: " ") || at(k) == UInt8(ascii: "\t") { k += 1 }
        guard at(k) == UInt8(ascii: "\n") || (at(k) == UInt8(ascii: "\r") && at(k + 1) == UInt8(ascii: "\n")) else {
            if at(k) == UInt8(ascii: "\r") { throw bareCarriageReturn(at: k) }
            throw fail("invalid escape: '\\' followed by a space; a line-ending backslash must be the last "
                       + "character on its line", at: escape)
        }
        i = k
        while true {
            let b = at(i)
            if b == UInt8(ascii: " ") || b == UInt8(ascii: "\t") {
                i += 1
            } else if try !consumeLineEnd() {
                return
            }
        }
    }

    /// Skips the line end right after an opening """ or ''', which is not part of the string.
    mutating func skipFirstLineEnd() {
        if at(i) == UInt8(ascii: "\n") {
            i += 1
            startLine()
        } else if at(i) == UInt8(ascii: "\r") && at(i + 1) == UInt8(ascii: "\n") {
            i += 2
            startLine()
        }
    }

    /// At a run of 3 or more quotes that closes a multi-line string: 1 or 2 extra quotes belong
    /// to the text; returns how many quotes the run has.
    func closingQuoteRun(_ quote: UInt8) throws(TOMLError) -> Int {
        var count = 3
        while at(i + count) == quote { count += 1 }
        if count > 5 {
            let q = String(Unicode.Scalar(quote))
            throw fail("too many quotes at the end of a multi-line string; at most two can come right "
                       + "before the closing \(q)\(q)\(q)", at: i + 5)
        }
        return count
    }

    /// """...""" or '''...''' with `i` at the first quote: the basic form reads escapes, the
    /// literal form takes every byte as written; both turn CRLF into LF.
    mutating func parseMultilineString(quote: UInt8) throws(TOMLError) -> String {
        let literal = quote == UInt8(ascii: "'")
        let open = i
        i += 3
        skipFirstLineEnd()
        scratch.removeAll(keepingCapacity: true)
        var run = i
        while i < end {
            let b = bytes[i]
            switch b {
            case quote:
                if at(i + 1) == b && at(i + 2) == b {
                    let count = try closingQuoteRun(b)
                    scratch.append(contentsOf: bytes[run..<i])
                    for _ in 3..<count { scratch.append(b) }
                    i += count
                    return String(decoding: scratch, as: UTF8.self)
                }
                i += 1
            case UInt8(ascii: "\\") where !literal:
                scratch.append(contentsOf: bytes[run..<i])
                try appendEscape(open: open, multiline: true)
                run = i
            case UInt8(ascii: "\n"):
                i += 1
                startLine()
            case UInt8(ascii: "\r"):
                guard at(i + 1) == UInt8(ascii: "\n") else { throw bareCarriageReturn(at: i) }
                scratch.append(contentsOf: bytes[run..<i])
                scratch.append(UInt8(ascii: "\n"))
                i += 2
                startLine()
                run = i
            default:
                if isForbiddenControl(b) { throw stringControlError(open: open, literal: literal, multiline: true) }
                i += 1
            }
        }
        throw unterminated(open: open, literal: literal, multiline: true)
    }

    /// '...' with `i` at the opening quote.
    mutating func parseLiteralString() throws(TOMLError) -> String {
        let open = i
        i += 1
        let start = i
        while i < end {
            let b = bytes[i]
            if b == UInt8(ascii: "'") {
                let text = String(decoding: bytes[start..<i], as: UTF8.self)
                i += 1
                return text
            }
            if isForbiddenControl(b) { throw stringControlError(open: open, literal: true, multiline: false) }
            i += 1
        }
        throw unterminated(open: open, literal: true, multiline: false)
    }
}
