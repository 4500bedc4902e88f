// The TOML 1.0.0 parser: a byte buffer and an index, one pass, no backtracking beyond a few
// bytes of lookahead. Every read of an input byte goes through `at(_:)` (0 past the end) or
// is guarded by `k < end`; nothing traps on any input. Nesting is capped at `maximumDepth`,
// so recursion (arrays, inline tables, freezing the tree) is bounded too.

/// One part of a dotted key, with where it was written.
struct KeyPart {
    let name: String
    let offset: Int
    let position: TOMLPosition
}

/// A key as written: `first` or `first.rest[0].rest[1]...`; `end` is the offset after it.
struct DottedKey {
    var first: KeyPart
    var rest: [KeyPart] = []
    var end: Int

    var count: Int { rest.count + 1 }
    subscript(n: Int) -> KeyPart { n == 0 ? first : rest[n - 1] }

    /// The key as a user would write it, through part `n`: a."b c".d
    func display(through n: Int) -> String {
        var text = ""
        for k in 0...n {
            if k > 0 { text += "." }
            text += displayKey(self[k].name)
        }
        return text
    }
}

/// `name` bare when it can be, else as a basic string.
func displayKey(_ name: String) -> String {
    if !name.isEmpty, name.utf8.allSatisfy(isBareKeyByte) { return name }
    var text = "\""
    for scalar in name.unicodeScalars {
        switch scalar {
        case "\"": text += "\\\""
        case "\\": text += "\\\\"
        case "\n": text += "\\n"
        case "\t": text += "\\t"
        default:
            if scalar.value < 0x20 || scalar.value == 0x7F {
                text += "\\u" + hex(scalar.value, digits: 4)
            } else {
                text.unicodeScalars.append(scalar)
            }
        }
    }
    return text + "\""
}

@inline(__always) func isBareKeyByte(_ b: UInt8) -> Bool {
    switch b {
    case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
         UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "-"):
        true
    default:
        false
    }
}

@inline(__always) func isDigit(_ b: UInt8) -> Bool {
    b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9")
}

/// `value` in uppercase hexadecimal, zero-padded to `digits`.
func hex(_ value: UInt32, digits: Int) -> String {
    let text = String(value, radix: 16, uppercase: true)
    return text.count >= digits ? text : String(repeating: "0", count: digits - text.count) + text
}

/// Where a key is being read; it words the error when no key is found.
enum KeyContext {
    case statement, header, afterDot, inlineTable

    var expected: String {
        switch self {
        case .statement: "a key or a [table] header"
        case .header: "a table name"
        case .afterDot: "a key after '.'"
        case .inlineTable: "a key"
        }
    }
}

struct Parser {
    let bytes: [UInt8]
    let maximumDepth: Int
    /// The read index.
    var i = 0
    /// The current 1-based line and the offset where it starts.
    var line = 1
    var lineStart = 0
    /// A cache for `position(at:)`: the column of `columnOffset` on the current line.
    var columnOffset = 0
    var columnValue = 1
    /// Reused buffer for strings with escapes or CRLF line ends.
    var scratch: [UInt8] = []
    /// The tables under construction; node 0 is the root.
    var nodes: [TableNode] = []
    var tableArrays: [TableArrayNode] = []

    init(bytes: [UInt8], maximumDepth: Int) {
        self.bytes = bytes
        self.maximumDepth = maximumDepth
    }

    // MARK: Reading bytes and tracking lines

    /// The input length (read from the array each time so the optimizer can merge it with the
    /// array's own bounds checks).
    @inline(__always) var end: Int { bytes.count }

    /// The byte at `k`, or 0 past the end (0 is never valid where it is tested for).
    @inline(__always) func at(_ k: Int) -> UInt8 {
        k < end ? bytes[k] : 0
    }

    @inline(__always) mutating func skipSpaces() {
        while i < end, bytes[i] == UInt8(ascii: " ") || bytes[i] == UInt8(ascii: "\t") { i += 1 }
    }

    /// Records that a line ended just before `i`.
    @inline(__always) mutating func startLine() {
        line += 1
        lineStart = i
    }

    /// Consumes LF or CRLF at `i` and returns true; false for anything else; throws on a lone CR.
    @inline(__always) mutating func consumeLineEnd() throws(TOMLError) -> Bool {
        let b = at(i)
        if b == UInt8(ascii: "\n") {
            i += 1
            startLine()
            return true
        }
        if b == UInt8(ascii: "\r") {
            guard at(i + 1) == UInt8(ascii: "\n") else { throw bareCarriageReturn(at: i) }
            i += 2
            startLine()
            return true
        }
        return false
    }

    /// The position of offset `k`, which must lie on the current line at or after its start.
    mutating func position(at k: Int) -> TOMLPosition {
        if columnOffset < lineStart || columnOffset > k {
            columnOffset = lineStart
            columnValue = 1
        }
        var column = columnValue
        var j = columnOffset
        while j < k, j < end {
            if bytes[j] & 0xC0 != 0x80 { column += 1 }
            j += 1
        }
        columnOffset = k
        columnValue = column
        return TOMLPosition(line: line, column: column)
    }

    // MARK: Errors

    /// An error at byte offset `offset`; line and column are recounted from the start.
    func fail(_ message: String, at offset: Int) -> TOMLError {
        let offset = max(0, min(offset, end))
        let bom = TOMLError.hasBOM(bytes)
        var start = bom ? 3 : 0
        var line = 1
        var k = start
        while k < offset {
            if bytes[k] == UInt8(ascii: "\n") {
                line += 1
                start = k + 1
            }
            k += 1
        }
        var column = 1
        k = start
        while k < offset {
            if bytes[k] & 0xC0 != 0x80 { column += 1 }
            k += 1
        }
        return TOMLError(line: line, column: column, message: message,
                         sourceLine: TOMLError.lineText(bytes, from: start))
    }

    func bareCarriageReturn(at k: Int) -> TOMLError {
        fail("carriage return without a line feed; line ends must be LF or CRLF", at: k)
    }

    /// How to name the character at `k` in a message: 'x', 'é' (U+00E9), the end of the line...
    func describe(at k: Int) -> String {
        guard k < end else { return "the end of the file" }
        let b = bytes[k]
        if b == UInt8(ascii: "\n") || (b == UInt8(ascii: "\r") && at(k + 1) == UInt8(ascii: "\n")) {
            return "the end of the line"
        }
        if b == UInt8(ascii: " ") { return "a space" }
        if b == UInt8(ascii: "\t") { return "a tab" }
        if b < 0x20 || b == 0x7F { return "control character U+" + hex(UInt32(b), digits: 4) }
        if b < 0x80 { return "'" + String(Unicode.Scalar(b)) + "'" }
        let scalar = scalar(at: k)
        let code = "U+" + hex(scalar.value, digits: 4)
        switch scalar.value {
        case 0x80...0x9F: return "control character " + code
        case 0xA0: return code + " (no-break space)"
        case 0xFEFF: return code + " (byte order mark)"
        case 0x200B: return code + " (zero-width space)"
        case 0x1680, 0x2000...0x200F, 0x2028...0x202F, 0x205F...0x206F, 0x3000:
            return code + " (an invisible or space character)"
        default: return "'" + String(scalar) + "' (" + code + ")"
        }
    }

    /// The Unicode scalar starting at `k` (the buffer was validated as UTF-8).
    func scalar(at k: Int) -> Unicode.Scalar {
        guard k < end else { return "\u{FFFD}" }
        let b = at(k)
        let length = b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4
        let text = String(decoding: bytes[k..<min(k + length, end)], as: UTF8.self)
        return text.unicodeScalars.first ?? "\u{FFFD}"
    }

    /// Text of bytes `from..<to`, for quoting source in messages; long text is shortened.
    func sourceText(_ from: Int, _ to: Int) -> String {
        let to = min(to, end, from + 40)
        guard from < to else { return "" }
        return String(decoding: bytes[from..<to], as: UTF8.self)
    }

    // MARK: UTF-8

    /// Rejects invalid UTF-8 anywhere in the input: stray or missing continuation bytes,
    /// overlong forms, encoded surrogates and code points above U+10FFFF.
    func validateUTF8() throws(TOMLError) {
        var k = i
        while k < end {
            // Skip ASCII eight bytes at a time.
            while k + 8 <= bytes.count,
                  (bytes[k] | bytes[k + 1] | bytes[k + 2] | bytes[k + 3] | bytes[k + 4] | bytes[k + 5]
                   | bytes[k + 6] | bytes[k + 7]) & 0x80 == 0 {
                k += 8
            }
            guard k < end else { break }
            let b = bytes[k]
            if b < 0x80 {
                k += 1
                continue
            }
            var need = 0
            var low: UInt8 = 0x80
            var high: UInt8 = 0xBF
            switch b {
            case 0xC2...0xDF: need = 1
            case 0xE0: need = 2; low = 0xA0
            case 0xE1...0xEC, 0xEE, 0xEF: need = 2
            case 0xED: need = 2; high = 0x9F
            case 0xF0: need = 3; low = 0x90
            case 0xF1...0xF3: need = 3
            case 0xF4: need = 3; high = 0x8F
            case 0x80...0xBF:
                throw fail("invalid UTF-8 (unexpected continuation byte 0x\(hex(UInt32(b), digits: 2))); "
                           + "save the file as UTF-8", at: k)
            case 0xC0, 0xC1:
                throw fail("invalid UTF-8 (overlong encoding)", at: k)
            default:
                throw fail("invalid UTF-8 (byte 0x\(hex(UInt32(b), digits: 2))); save the file as UTF-8", at: k)
            }
            let second = at(k + 1)
            if k + 1 >= end || second < low || second > high {
                if second >= 0x80 && second <= 0xBF {
                    if b == 0xED { throw fail("invalid UTF-8 (encoded surrogate)", at: k) }
                    if b == 0xF4 { throw fail("invalid UTF-8 (code point above U+10FFFF)", at: k) }
                    throw fail("invalid UTF-8 (overlong encoding)", at: k)
                }
                throw fail("invalid UTF-8 (truncated sequence)", at: k)
            }
            var n = 2
            while n <= need {
                let next = at(k + n)
                guard k + n < end, next >= 0x80, next <= 0xBF else {
                    throw fail("invalid UTF-8 (truncated sequence)", at: k)
                }
                n += 1
            }
            k += need + 1
        }
    }

    // MARK: Document

    mutating func parseDocument() throws(TOMLError) -> TOMLTable {
        if TOMLError.hasBOM(bytes) {
            i = 3
            lineStart = 3
            columnOffset = 3
        }
        try validateUTF8()
        let root = makeNode(kind: .header, position: TOMLPosition(line: 1, column: 1), depth: 0)
        var current = root
        while true {
            skipSpaces()
            guard i < end else { break }
            switch bytes[i] {
            case UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                _ = try consumeLineEnd()
            case UInt8(ascii: "#"):
                try skipComment()
            case UInt8(ascii: "["):
                current = try parseHeader()
                try expectLineEnd(after: "the table header")
            default:
                try parseKeyValue(into: current, context: .statement)
                try expectLineEnd(after: "the value")
            }
        }
        return freeze(root)
    }

    /// Skips a comment from '#' up to (not including) its line end.
    mutating func skipComment() throws(TOMLError) {
        i += 1
        while i < end {
            let b = bytes[i]
            if (b >= 0x20 && b != 0x7F) || b == UInt8(ascii: "\t") {
                i += 1
                continue
            }
            if b == UInt8(ascii: "\n") { return }
            if b == UInt8(ascii: "\r") {
                if at(i + 1) == UInt8(ascii: "\n") { return }
                throw bareCarriageReturn(at: i)
            }
            throw fail("control character U+\(hex(UInt32(b), digits: 4)) is not allowed in a comment", at: i)
        }
    }

    /// After a statement: spaces, an optional comment, then a line end or the end of the file.
    mutating func expectLineEnd(after what: String) throws(TOMLError) {
        skipSpaces()
        guard i < end else { return }
        switch bytes[i] {
        case UInt8(ascii: "\n"), UInt8(ascii: "\r"):
            return
        case UInt8(ascii: "#"):
            try skipComment()
        default:
            throw fail("expected a newline after \(what), found \(describe(at: i))", at: i)
        }
    }

    /// Spaces, tabs, line ends and comments (inside arrays).
    mutating func skipBlank() throws(TOMLError) {
        while true {
            skipSpaces()
            if try consumeLineEnd() { continue }
            if at(i) == UInt8(ascii: "#") {
                try skipComment()
                continue
            }
            return
        }
    }

    // MARK: Keys

    mutating func parseDottedKey(context: KeyContext) throws(TOMLError) -> DottedKey {
        let first = try parseSimpleKey(context: context)
        var key = DottedKey(first: first, end: i)
        while true {
            var k = i
            while at(k) == UInt8(ascii: " ") || at(k) == UInt8(ascii: "\t") { k += 1 }
            guard at(k) == UInt8(ascii: ".") else { break }
            i = k + 1
            skipSpaces()
            key.rest.append(try parseSimpleKey(context: .afterDot))
            key.end = i
        }
        return key
    }

    mutating func parseSimpleKey(context: KeyContext) throws(TOMLError) -> KeyPart {
        let start = i
        let b = at(i)
        if isBareKeyByte(b) {
            let position = position(at: i)
            repeat { i += 1 } while isBareKeyByte(at(i))
            if i < end {
                switch bytes[i] {
                case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "="), UInt8(ascii: "."),
                     UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "{"), UInt8(ascii: "}"),
                     UInt8(ascii: ","), UInt8(ascii: "#"), UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                    break
                default:
                    throw fail("invalid character \(describe(at: i)) in a bare key; quote the key "
                               + "or use only A-Z a-z 0-9 _ -", at: i)
                }
            }
            return KeyPart(name: String(decoding: bytes[start..<i], as: UTF8.self), offset: start,
                           position: position)
        }
        if b == UInt8(ascii: "\"") || b == UInt8(ascii: "'") {
            if at(i + 1) == b && at(i + 2) == b {
                throw fail("a multi-line string cannot be a key; use \"...\" or '...'", at: i)
            }
            let position = position(at: i)
            let name: String
            if b == UInt8(ascii: "\"") {
                name = try parseBasicString()
            } else {
                name = try parseLiteralString()
            }
            return KeyPart(name: name, offset: start, position: position)
        }
        throw keyError(context: context)
    }

    func keyError(context: KeyContext) -> TOMLError {
        let b = at(i)
        if i >= end { return fail("expected \(context.expected), found the end of the file", at: i) }
        if b == UInt8(ascii: "=") && context != .afterDot { return fail("missing key before '='", at: i) }
        var message = "expected \(context.expected), found \(describe(at: i))"
        if b == UInt8(ascii: "\n") || b == UInt8(ascii: "\r") {
            if context == .inlineTable { message += "; an inline table must fit on one line" }
        } else if b >= 0x80 || (b > 0x20 && b < 0x7F && !"[]{}#=,.".utf8.contains(b)) {
            message += "; quote keys that use characters other than A-Z a-z 0-9 _ -"
        }
        return fail(message, at: i)
    }

    // MARK: Tables

    /// Reads `[name]` or `[[name]]` and returns the node that following keys go into.
    mutating func parseHeader() throws(TOMLError) -> Int {
        let headerPosition = position(at: i)
        let isArray = at(i + 1) == UInt8(ascii: "[")
        i += isArray ? 2 : 1
        skipSpaces()
        if at(i) == UInt8(ascii: "]") {
            throw fail(isArray ? "empty array-of-tables name; write a name like [[task]]"
                               : "empty table name; write a name like [server]", at: i)
        }
        let key = try parseDottedKey(context: .header)
        skipSpaces()
        if isArray {
            guard at(i) == UInt8(ascii: "]"), at(i + 1) == UInt8(ascii: "]") else {
                throw fail("expected ']]' to close the array-of-tables header, found \(describe(at: i))", at: i)
            }
            i += 2
        } else {
            guard at(i) == UInt8(ascii: "]") else {
                throw fail("expected ']' to close the table header, found \(describe(at: i))", at: i)
            }
            i += 1
        }
        return try openTable(key, isArray: isArray, headerPosition: headerPosition)
    }

    mutating func newNode(kind: TableKind, position: TOMLPosition, depth: Int, at offset: Int)
        throws(TOMLError) -> Int {
        guard depth <= maximumDepth else { throw tooDeep(at: offset) }
        return makeNode(kind: kind, position: position, depth: depth)
    }

    func tooDeep(at offset: Int) -> TOMLError {
        fail("nesting is too deep (more than \(maximumDepth) levels)", at: offset)
    }

    /// Why `value`, defined at `line`, cannot be opened as a table by a header or a dotted key.
    func cannotExtend(_ value: TOMLValue, path: String, line: Int, appending: Bool = false) -> String {
        switch value {
        case .table:
            return "cannot add to inline table '\(path)' (line \(line)); an inline table is complete once written"
        case .array where appending:
            return "cannot append to static array '\(path)' (line \(line)) with [[\(path)]]; "
                + "write every element in the array"
        case .array:
            return "cannot add to array '\(path)' (line \(line)); it is a static array, not an array of tables"
        default:
            return "key '\(path)' is already \(value.typeDescription) (line \(line)), not a table"
        }
    }

    /// Follows a header's key from the root, creating implicit tables, and defines its table.
    mutating func openTable(_ key: DottedKey, isArray: Bool, headerPosition: TOMLPosition)
        throws(TOMLError) -> Int {
        var table = 0
        let last = key.count - 1
        for n in 0..<last {
            let part = key[n]
            if let k = nodes[table].find(part.name) {
                switch nodes[table].slot(k) {
                case .table(let child):
                    table = child
                case .tables(let array):
                    guard let element = tableArrays[array].tables.last else {
                        throw fail("empty array of tables", at: part.offset)
                    }
                    table = element
                case .value:
                    let entry = nodes[table].entries[k]
                    throw fail(cannotExtend(entry.value, path: key.display(through: n), line: entry.keyPosition.line),
                               at: part.offset)
                }
            } else {
                let child = try newNode(kind: .implicit, position: part.position, depth: nodes[table].depth + 1,
                                        at: part.offset)
                addTable(to: table, part.name, keyPosition: part.position, child: child)
                table = child
            }
        }
        let part = key[last]
        if let k = nodes[table].find(part.name) {
            var path: String { key.display(through: last) }
            switch nodes[table].slot(k) {
            case .table(let child):
                if isArray {
                    throw fail("cannot define [[\(path)]]: [\(path)] is already a table "
                               + "(line \(nodes[child].position.line))", at: part.offset)
                }
                switch nodes[child].kind {
                case .implicit:
                    nodes[child].kind = .header
                    nodes[child].position = headerPosition
                    nodes[table].entries[k].keyPosition = part.position
                    return child
                case .header:
                    throw fail("table [\(path)] is defined twice (first at line \(nodes[child].position.line))",
                               at: part.offset)
                case .dotted:
                    throw fail("table [\(path)] was already created by dotted keys "
                               + "(line \(nodes[child].position.line)); a header cannot reopen it", at: part.offset)
                }
            case .tables(let array):
                if isArray {
                    let element = try newNode(kind: .header, position: headerPosition,
                                              depth: nodes[table].depth + 2, at: part.offset)
                    tableArrays[array].tables.append(element)
                    return element
                }
                throw fail("table [\(path)] is already an array of tables (line \(tableArrays[array].position.line)); "
                           + "use [[\(path)]] to add an element", at: part.offset)
            case .value:
                let entry = nodes[table].entries[k]
                if !isArray, case .table = entry.value {
                    throw fail("cannot define table [\(path)]: it is already an inline table "
                               + "(line \(entry.keyPosition.line))", at: part.offset)
                }
                throw fail(cannotExtend(entry.value, path: path, line: entry.keyPosition.line, appending: isArray),
                           at: part.offset)
            }
        }
        if isArray {
            let element = try newNode(kind: .header, position: headerPosition, depth: nodes[table].depth + 2,
                                      at: part.offset)
            tableArrays.append(TableArrayNode(position: headerPosition, tables: [element]))
            addTableArray(to: table, part.name, keyPosition: part.position, array: tableArrays.count - 1)
            return element
        }
        let child = try newNode(kind: .header, position: headerPosition, depth: nodes[table].depth + 1,
                                at: part.offset)
        addTable(to: table, part.name, keyPosition: part.position, child: child)
        return child
    }

    // MARK: Key/value pairs

    mutating func parseKeyValue(into table: Int, context: KeyContext) throws(TOMLError) {
        let key = try parseDottedKey(context: context)
        skipSpaces()
        guard at(i) == UInt8(ascii: "=") else { throw fail("expected '=' after a key", at: key.end) }
        i += 1
        skipSpaces()
        let valuePosition = position(at: i)
        let value = try parseValue(depth: nodes[table].depth + key.count, inArray: false)
        try insert(key, value: value, valuePosition: valuePosition, into: table)
    }

    /// Adds `key = value` under node `base`, creating or entering the tables a dotted key names.
    mutating func insert(_ key: DottedKey, value: TOMLValue, valuePosition: TOMLPosition,
                         into base: Int) throws(TOMLError) {
        var table = base
        let last = key.count - 1
        for n in 0..<last {
            let part = key[n]
            if let k = nodes[table].find(part.name) {
                switch nodes[table].slot(k) {
                case .table(let child):
                    switch nodes[child].kind {
                    case .header:
                        throw fail("cannot add to table '\(key.display(through: n))' with a dotted key: it has its "
                                   + "own header at line \(nodes[child].position.line); add the key there",
                                   at: part.offset)
                    case .implicit:
                        nodes[child].kind = .dotted
                    case .dotted:
                        break
                    }
                    table = child
                case .tables(let array):
                    throw fail("cannot add to array of tables '\(key.display(through: n))' "
                               + "(line \(tableArrays[array].position.line)) with a dotted key", at: part.offset)
                case .value:
                    let entry = nodes[table].entries[k]
                    throw fail(cannotExtend(entry.value, path: key.display(through: n), line: entry.keyPosition.line),
                               at: part.offset)
                }
            } else {
                let child = try newNode(kind: .dotted, position: part.position, depth: nodes[table].depth + 1,
                                        at: part.offset)
                addTable(to: table, part.name, keyPosition: part.position, child: child)
                table = child
            }
        }
        let part = key[last]
        if let k = nodes[table].find(part.name) {
            var path: String { key.display(through: last) }
            switch nodes[table].slot(k) {
            case .value:
                throw fail("key '\(path)' is defined twice (first at line \(nodes[table].entries[k].keyPosition.line))",
                           at: part.offset)
            case .table(let child):
                throw fail("key '\(path)' is already a table (line \(nodes[child].position.line))", at: part.offset)
            case .tables(let array):
                throw fail("key '\(path)' is already an array of tables (line \(tableArrays[array].position.line))",
                           at: part.offset)
            }
        }
        addValue(to: table, part.name, keyPosition: part.position, value: value, valuePosition: valuePosition)
    }

    // MARK: Values

    /// Reads one value; `depth` is the nesting level it would occupy (checked for arrays and
    /// inline tables).
    mutating func parseValue(depth: Int, inArray: Bool) throws(TOMLError) -> TOMLValue {
        let b = at(i)
        switch b {
        case UInt8(ascii: "\""):
            if at(i + 1) == b && at(i + 2) == b { return .string(try parseMultilineString(quote: b)) }
            return .string(try parseBasicString())
        case UInt8(ascii: "'"):
            if at(i + 1) == b && at(i + 2) == b { return .string(try parseMultilineString(quote: b)) }
            return .string(try parseLiteralString())
        case UInt8(ascii: "["):
            return try parseArray(depth: depth)
        case UInt8(ascii: "{"):
            return try parseInlineTable(depth: depth)
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "+"), UInt8(ascii: "-"):
            return try parseNumberOrDate()
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "_"):
            return try parseWord()
        default:
            if !inArray && (i >= end || b == UInt8(ascii: "\n") || b == UInt8(ascii: "\r") || b == UInt8(ascii: "#")) {
                throw fail("expected a value after '='", at: i)
            }
            if b == UInt8(ascii: ".") && isDigit(at(i + 1)) {
                throw fail("a float needs a digit before the '.' (write 0.5, not .5)", at: i)
            }
            throw fail("expected a value, found \(describe(at: i))", at: i)
        }
    }

    /// Whether bytes `start..<stop` spell the ASCII `word`.
    func isWord(_ start: Int, _ stop: Int, _ word: StaticString) -> Bool {
        guard stop - start == word.utf8CodeUnitCount else { return false }
        return word.withUTF8Buffer { expected in
            for n in 0..<expected.count where at(start + n) != expected[n] { return false }
            return true
        }
    }

    /// true, false, inf, nan, or a helpful error for an unquoted word.
    mutating func parseWord() throws(TOMLError) -> TOMLValue {
        let start = i
        var k = i
        while isBareKeyByte(at(k)) { k += 1 }
        if isWord(start, k, "true") { i = k; return .bool(true) }
        if isWord(start, k, "false") { i = k; return .bool(false) }
        if isWord(start, k, "inf") { i = k; return .float(.infinity) }
        if isWord(start, k, "nan") { i = k; return .float(.nan) }
        let word = String(decoding: bytes[start..<k], as: UTF8.self)
        let shown = sourceText(start, k)
        switch word.lowercased() {
        case "true", "false":
            throw fail("booleans are lowercase: write \(word.lowercased()), not \(shown)", at: start)
        case "inf", "nan":
            throw fail("write \(word.lowercased()) in lowercase, not \(shown)", at: start)
        default:
            throw fail("expected a value, found '\(shown)'; strings must be quoted: \"\(shown)\"", at: start)
        }
    }

    mutating func parseArray(depth: Int) throws(TOMLError) -> TOMLValue {
        let open = i
        let position = position(at: i)
        guard depth <= maximumDepth else { throw tooDeep(at: open) }
        i += 1
        var elements: [TOMLElement] = []
        while true {
            try skipBlank()
            if at(i) == UInt8(ascii: "]") {
                i += 1
                break
            }
            if i >= end { throw fail("unterminated array; add a closing ']'", at: open) }
            let elementPosition = self.position(at: i)
            let value = try parseValue(depth: depth + 1, inArray: true)
            if elements.isEmpty { elements.reserveCapacity(4) }
            elements.append(TOMLElement(value: value, position: elementPosition))
            try skipBlank()
            switch at(i) {
            case UInt8(ascii: ","):
                i += 1
            case UInt8(ascii: "]"):
                i += 1
                return .array(TOMLArray(position: position, elements: elements))
            default:
                if i >= end { throw fail("unterminated array; add a closing ']'", at: open) }
                throw fail("expected ',' or ']' after an array element, found \(describe(at: i))", at: i)
            }
        }
        return .array(TOMLArray(position: position, elements: elements))
    }

    mutating func parseInlineTable(depth: Int) throws(TOMLError) -> TOMLValue {
        let open = i
        let position = position(at: i)
        guard depth <= maximumDepth else { throw tooDeep(at: open) }
        i += 1
        let node = makeNode(kind: .header, position: position, depth: depth)
        skipSpaces()
        if at(i) == UInt8(ascii: "}") {
            i += 1
            return .table(freeze(node))
        }
        while true {
            try parseKeyValue(into: node, context: .inlineTable)
            skipSpaces()
            switch at(i) {
            case UInt8(ascii: ","):
                let comma = i
                i += 1
                skipSpaces()
                if at(i) == UInt8(ascii: "}") {
                    throw fail("trailing comma is not allowed in an inline table", at: comma)
                }
            case UInt8(ascii: "}"):
                i += 1
                return .table(freeze(node))
            case UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                throw fail("expected ',' or '}' before the end of the line; an inline table must fit on one line",
                           at: i)
            case UInt8(ascii: "#"):
                throw fail("comments are not allowed inside an inline table", at: i)
            default:
                if i >= end { throw fail("unterminated inline table; add a closing '}'", at: open) }
                throw fail("expected ',' or '}' in an inline table, found \(describe(at: i))", at: i)
            }
        }
    }
}
