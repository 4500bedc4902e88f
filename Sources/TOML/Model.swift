// The public document model: what a schema layer walks after a successful parse.
//
//     let document = try TOMLDocument(parsing: bytes)          // throws TOMLError
//     for entry in document.root {                              // keys in source order
//         switch (entry.key, entry.value) {
//         case ("minutes", .integer(let n)): ...
//         case ("minutes", let other):
//             report(at: entry.valuePosition, "expected an integer, found \(other.typeDescription)")
//         default:
//             report(at: entry.keyPosition, "unknown key '\(entry.key)'")
//         }
//     }
//     // Render a schema error in the parser's shape:
//     TOMLError.render(fileName: path, line: p.line, column: p.column, message: text,
//                      sourceLine: TOMLError.sourceLine(p.line, in: bytes))
//
// Every key and every value carries a `TOMLPosition` so that a later stage can point at the
// exact spot in the file when it rejects something ("work.minutes must be positive").
// Strings are unescaped, multi-line strings have LF line ends, integers are Int64, and
// date-times are small field structs with a canonical `description`. Floats that overflow
// (1e400) are rejected rather than read as infinity.

/// A 1-based line and column in the source; the column counts Unicode scalars, not bytes.
///
/// A tab counts as one column, as does "é" (two UTF-8 bytes) or "😀" (four). The byte order
/// mark, when present, is not counted.
public struct TOMLPosition: Sendable, Hashable, Comparable, CustomStringConvertible {
    // Stored in 32 bits each: positions sit in every entry and element, and smaller entries
    // make parsing measurably faster. Values beyond 2^32 - 1 are clamped.
    private var storedLine: UInt32
    private var storedColumn: UInt32

    /// The 1-based line number; lines end at LF (a CRLF pair counts once).
    public var line: Int {
        get { Int(storedLine) }
        set { storedLine = UInt32(clamping: newValue) }
    }
    /// The 1-based column, counted in Unicode scalars from the start of the line.
    public var column: Int {
        get { Int(storedColumn) }
        set { storedColumn = UInt32(clamping: newValue) }
    }

    /// Creates a position from a 1-based line and column.
    public init(line: Int, column: Int) {
        self.storedLine = UInt32(clamping: line)
        self.storedColumn = UInt32(clamping: column)
    }

    /// Orders positions by line, then column.
    public static func < (a: TOMLPosition, b: TOMLPosition) -> Bool {
        (a.line, a.column) < (b.line, b.column)
    }

    /// The position as "LINE:COLUMN".
    public var description: String { "\(line):\(column)" }
}

/// A parsed TOML document: its root table.
public struct TOMLDocument: Sendable, Equatable {
    /// The top-level table; its position is 1:1.
    public var root: TOMLTable

    /// Wraps an existing root table.
    public init(root: TOMLTable) {
        self.root = root
    }

    /// The deepest nesting of tables and arrays a document may have.
    public static let maximumDepth = 128

    /// Parses TOML 1.0.0 from raw bytes (UTF-8, optionally starting with a BOM).
    public init(parsing bytes: some Collection<UInt8>) throws(TOMLError) {
        var parser = Parser(bytes: Array(bytes), maximumDepth: TOMLDocument.maximumDepth)
        self.root = try parser.parseDocument()
    }

    /// Parses TOML 1.0.0 from a string.
    public init(parsing text: String) throws(TOMLError) {
        try self.init(parsing: Array(text.utf8))
    }

    /// Parses TOML 1.0.0 from a byte array without copying it first.
    public init(parsing bytes: [UInt8]) throws(TOMLError) {
        var parser = Parser(bytes: bytes, maximumDepth: TOMLDocument.maximumDepth)
        self.root = try parser.parseDocument()
    }
}

/// One key of a table with its value and where both were written.
public struct TOMLEntry: Sendable, Equatable {
    /// The key, unescaped (a quoted key "a.b" is the single key `a.b`).
    public var key: String
    /// Where the key was written; for a table, the key in the header that defined it.
    public var keyPosition: TOMLPosition
    /// The value.
    public var value: TOMLValue
    /// Where the value starts (for a table: its header's '[', its '{', or the key that implied it).
    public var valuePosition: TOMLPosition

    /// Creates an entry.
    public init(key: String, keyPosition: TOMLPosition, value: TOMLValue, valuePosition: TOMLPosition) {
        self.key = key
        self.keyPosition = keyPosition
        self.value = value
        self.valuePosition = valuePosition
    }
}

/// A table: keys in the order they were first written, each with its value and positions.
public struct TOMLTable: Sendable, Equatable, RandomAccessCollection {
    /// Where the table was defined: its header's '[', its '{', or the key that implied it.
    public var position: TOMLPosition
    /// The entries in source order; keys are unique.
    public private(set) var entries: [TOMLEntry]
    /// Key -> index into `entries`, kept only for larger tables (small ones are scanned).
    private var lookup: [String: Int]?

    static let indexThreshold = 24

    /// Creates a table; later entries with a key already present are ignored.
    public init(position: TOMLPosition = TOMLPosition(line: 1, column: 1), entries: [TOMLEntry] = []) {
        self.position = position
        self.entries = []
        self.lookup = nil
        self.entries.reserveCapacity(entries.count)
        for entry in entries where self.entry(entry.key) == nil {
            append(entry)
        }
    }

    /// Builds a table from entries the parser already checked for duplicate keys, with the
    /// parser's key index when it kept one.
    init(uniqueEntries: [TOMLEntry], lookup: [String: Int]?, position: TOMLPosition) {
        self.position = position
        self.entries = uniqueEntries
        self.lookup = lookup
        if lookup == nil && uniqueEntries.count > TOMLTable.indexThreshold {
            var lookup = [String: Int](minimumCapacity: uniqueEntries.count)
            for (i, entry) in uniqueEntries.enumerated() { lookup[entry.key] = i }
            self.lookup = lookup
        }
    }

    private mutating func append(_ entry: TOMLEntry) {
        entries.append(entry)
        if lookup != nil {
            lookup?[entry.key] = entries.count - 1
        } else if entries.count > TOMLTable.indexThreshold {
            var lookup = [String: Int](minimumCapacity: entries.count)
            for (i, entry) in entries.enumerated() { lookup[entry.key] = i }
            self.lookup = lookup
        }
    }

    /// The entry for `key`, or nil.
    public func entry(_ key: String) -> TOMLEntry? {
        if let lookup {
            guard let i = lookup[key] else { return nil }
            return entries[i]
        }
        for entry in entries where entry.key == key { return entry }
        return nil
    }

    /// The value for `key`, or nil.
    public subscript(key: String) -> TOMLValue? {
        entry(key)?.value
    }

    /// The keys in source order.
    public var keys: [String] { entries.map(\.key) }

    /// The first entry index (always 0).
    public var startIndex: Int { entries.startIndex }
    /// One past the last entry index.
    public var endIndex: Int { entries.endIndex }
    /// The entry at `i` in source order.
    public subscript(i: Int) -> TOMLEntry { entries[i] }

    /// Tables are equal when they have the same position and the same entries in the same order.
    public static func == (a: TOMLTable, b: TOMLTable) -> Bool {
        a.position == b.position && a.entries == b.entries
    }
}

/// One element of an array with its position.
public struct TOMLElement: Sendable, Equatable {
    /// The element's value.
    public var value: TOMLValue
    /// Where the element starts (for an array of tables: the '[[' of its header).
    public var position: TOMLPosition

    /// Creates an element.
    public init(value: TOMLValue, position: TOMLPosition) {
        self.value = value
        self.position = position
    }
}

/// An array: a static `[...]` value or an array of tables built from `[[...]]` headers.
public struct TOMLArray: Sendable, Equatable, RandomAccessCollection {
    /// Where the array starts: its '[' or the '[[' of its first header.
    public var position: TOMLPosition
    /// The elements in source order.
    public var elements: [TOMLElement]
    /// True when the array was built from `[[name]]` headers.
    public var isArrayOfTables: Bool

    /// Creates an array.
    public init(position: TOMLPosition, elements: [TOMLElement] = [], isArrayOfTables: Bool = false) {
        self.position = position
        self.elements = elements
        self.isArrayOfTables = isArrayOfTables
    }

    /// The element values without positions.
    public var values: [TOMLValue] { elements.map(\.value) }

    /// The first element index (always 0).
    public var startIndex: Int { elements.startIndex }
    /// One past the last element index.
    public var endIndex: Int { elements.endIndex }
    /// The element at `i`.
    public subscript(i: Int) -> TOMLElement { elements[i] }
}

/// A TOML value.
public enum TOMLValue: Sendable, Equatable {
    /// A string (all escapes resolved; multi-line strings have LF line ends).
    case string(String)
    /// A 64-bit integer.
    case integer(Int64)
    /// A 64-bit float (may be infinite or NaN when written as inf or nan).
    case float(Double)
    /// A boolean.
    case bool(Bool)
    /// A date and time with a UTC offset, e.g. 1979-05-27T07:32:00-08:00.
    case offsetDateTime(TOMLOffsetDateTime)
    /// A date and time without an offset, e.g. 1979-05-27T07:32:00.
    case localDateTime(TOMLLocalDateTime)
    /// A date without a time, e.g. 1979-05-27.
    case localDate(TOMLLocalDate)
    /// A time of day without a date, e.g. 07:32:00.
    case localTime(TOMLLocalTime)
    /// An array.
    case array(TOMLArray)
    /// A table (standard, inline, implicit or an element of an array of tables).
    case table(TOMLTable)

    /// The string, if this is a string.
    public var stringValue: String? { if case .string(let v) = self { return v }; return nil }
    /// The integer, if this is an integer.
    public var integerValue: Int64? { if case .integer(let v) = self { return v }; return nil }
    /// The float, if this is a float (integers are not converted).
    public var floatValue: Double? { if case .float(let v) = self { return v }; return nil }
    /// The boolean, if this is a boolean.
    public var boolValue: Bool? { if case .bool(let v) = self { return v }; return nil }
    /// The array, if this is an array.
    public var arrayValue: TOMLArray? { if case .array(let v) = self { return v }; return nil }
    /// The table, if this is a table.
    public var tableValue: TOMLTable? { if case .table(let v) = self { return v }; return nil }

    /// A short name of the value's type for messages: "a string", "an integer", "a table", ...
    public var typeDescription: String {
        switch self {
        case .string: "a string"
        case .integer: "an integer"
        case .float: "a float"
        case .bool: "a boolean"
        case .offsetDateTime: "an offset date-time"
        case .localDateTime: "a local date-time"
        case .localDate: "a local date"
        case .localTime: "a local time"
        case .array(let a): a.isArrayOfTables ? "an array of tables" : "an array"
        case .table: "a table"
        }
    }
}
