import JSON

// The history line, defined once: `HistoryField` is its table of fields, `HistoryEvent` its
// value. The daemon's writer and the journal (`HistoryEntry`, a typed view of a `HistoryEvent`),
// the fast reader below and the `limber history --json`/`--csv` exports all go through these
// two, so a field added here is written, read and exported without further edits
// (`HistoryFieldTests` proves it for every field).
//
// Reading is a byte scanner, not Codable: `limber stats` loads every line ever written (five
// years of heavy use is about 100,000) and must answer in well under 200 ms; generic Codable
// decoding of that many objects costs most of the budget (Benchmarks/history_bench.py). It
// accepts any valid JSON object whose values are scalars, skips nested values of keys it does
// not know (a newer limber may add some), and rejects everything else with a reason that names
// the problem.

/// What a history field holds.
public enum HistoryFieldType: Sendable {
    case text
    /// A signed whole number (64 bits).
    case integer
    /// A whole number 0 or above (64 bits).
    case unsigned
    /// True or false; absent means false, and the file leaves it out then.
    case flag
}

/// Every field of a history line, in the order of `limber history --csv`'s columns.
///
/// To add one: a case here, then what the compiler asks for (its `name` and `type`, and its two
/// arms in `HistoryEvent.subscript(_:)` beside a stored property). The writer, the reader, the
/// JSON and CSV exports and `HistoryEntry`'s Codable form follow from this table.
public enum HistoryField: Int, CaseIterable, Sendable {
    case id, host, at, ts, outcome, kind, prompt, show, early, seconds, untilTs, reason, routine, level, phase, note
    /// The schema version: in the file and in --json, not a CSV column.
    case v

    /// The key in the file and in --json, the column in --csv.
    public var staticName: StaticString {
        switch self {
        case .v: "v"
        case .id: "id"
        case .host: "host"
        case .at: "at"
        case .ts: "ts"
        case .outcome: "outcome"
        case .kind: "kind"
        case .prompt: "prompt"
        case .show: "show"
        case .early: "early"
        case .seconds: "seconds"
        case .untilTs: "until_ts"
        case .reason: "reason"
        case .routine: "routine"
        case .level: "level"
        case .phase: "phase"
        case .note: "note"
        }
    }

    public var name: String { staticName.description }

    public var type: HistoryFieldType {
        switch self {
        case .v, .ts, .show, .seconds, .untilTs, .level: .integer
        case .prompt: .unsigned
        case .early: .flag
        case .id, .host, .at, .outcome, .kind, .reason, .routine, .phase, .note: .text
        }
    }

    /// Every line has it; a line without it is not read.
    public var isRequired: Bool {
        switch self {
        case .v, .id, .host, .outcome, .ts: true
        default: false
        }
    }

    /// A column of `limber history --csv`: every field but the schema version.
    public var inCSV: Bool { self != .v }

    /// The CSV columns, in order.
    public static let csvColumns: [HistoryField] = allCases.filter(\.inCSV)

    /// Keys sorted by their UTF-8 bytes, as every JSON limber writes them: the order in the
    /// file and in --json.
    public static let jsonOrder: [HistoryField] = allCases.sorted {
        $0.name.utf8.lexicographicallyPrecedes($1.name.utf8)
    }

    /// `,"name":` for each field, by raw value.
    static let jsonKeys: [[UInt8]] = allCases.map { Array(",\"\($0.name)\":".utf8) }

    /// The field a key names, by length and first byte: 0 for none, 255 when several share
    /// them (then every field is compared), else the field's raw value + 1.
    private static let lookup: [UInt8] = {
        var table = [UInt8](repeating: 0, count: 32 * 256)
        for f in allCases {
            let n = f.staticName.utf8CodeUnitCount
            precondition(n > 0 && n < 32 && f.rawValue < 254, "history field names are short")
            let slot = n << 8 | Int(f.staticName.utf8Start[0])
            table[slot] = table[slot] == 0 ? UInt8(f.rawValue + 1) : 255
        }
        return table
    }()

    /// The field named by the UTF-8 bytes of a key; nil for a key this limber does not know.
    @inline(__always)
    static func named(_ k: UnsafeBufferPointer<UInt8>) -> HistoryField? {
        guard k.count > 0, k.count < 32 else { return nil }
        let hit = lookup[k.count << 8 | Int(k[0])]
        if hit == 0 { return nil }
        if hit != 255 {
            let f = HistoryField(rawValue: Int(hit) - 1)!
            return f.matches(k) ? f : nil
        }
        return allCases.first { $0.matches(k) }
    }

    @inline(__always)
    private func matches(_ k: UnsafeBufferPointer<UInt8>) -> Bool {
        let s = staticName
        guard k.count == s.utf8CodeUnitCount else { return false }
        let p = s.utf8Start
        for n in 0..<k.count where k[n] != p[n] { return false }
        return true
    }
}

/// One field's value.
public enum HistoryValue: Sendable, Equatable {
    case text(String)
    case integer(Int64)
    case unsigned(UInt64)
    case flag(Bool)

    public var text: String? { if case .text(let s) = self { s } else { nil } }

    public var integer: Int64? {
        switch self {
        case .integer(let n): n
        case .unsigned(let n) where n <= UInt64(Int64.max): Int64(n)
        default: nil
        }
    }

    public var unsigned: UInt64? {
        switch self {
        case .unsigned(let n): n
        case .integer(let n) where n >= 0: UInt64(n)
        default: nil
        }
    }

    public var flag: Bool? { if case .flag(let b) = self { b } else { nil } }
}

/// One line of a history file, as written and as read back: the fields of `HistoryField`, with
/// the outcome and kind kept as text so that lines from a newer limber (new outcomes) still load.
public struct HistoryEvent: Sendable, Equatable {
    /// The schema version of the line.
    public var v: Int
    /// Milliseconds since 1970 UTC.
    public var ts: Int64 {
        get { storedTs }
        set {
            // `at` is kept as an offset from `ts` when it can be: keep its text as it was.
            if atOffsetSeconds != nil {
                let text = at
                storedTs = newValue
                at = text
            } else {
                storedTs = newValue
            }
        }
    }
    public var host: String
    /// `shown`, `done`, `natural-break`, `pain`, ...; see `Outcome` for what limber writes.
    public var outcome: String
    public var kind: String?
    public var prompt: UInt64?
    public var show: Int?
    public var early: Bool
    /// Snooze, pause, hold or natural-break length in seconds.
    public var seconds: Int64?
    /// When a pause ends, milliseconds since 1970 UTC.
    public var untilTs: Int64?
    public var reason: String?
    /// The catalog id of the routine a `done` was for.
    public var routine: String?
    /// Pain-journal entries: the level from 0 (none) to 10 (worst).
    public var level: Int?
    /// Pain-journal entries: `before` or `after` the routine.
    public var phase: String?
    /// Pain-journal entries: the user's own words.
    public var note: String?

    private var storedTs: Int64
    // The id and the local time are stored compactly: they are on every line, and two heap
    // strings per event were a third of the time `limber stats` took over 100,000 events.
    // limber's ids are 32 lowercase hex digits; `at` is YYYY-MM-DDTHH:MM:SS+HH:MM for `ts`.
    private var idBits: UInt128
    private var idText: String?
    private var atOffsetSeconds: Int32?
    private var atText: String?

    public init(v: Int = 1, id: String, host: String, outcome: String, ts: Int64, at: String? = nil,
                kind: String? = nil, prompt: UInt64? = nil, show: Int? = nil, early: Bool = false,
                seconds: Int64? = nil, untilTs: Int64? = nil, reason: String? = nil, routine: String? = nil,
                level: Int? = nil, phase: String? = nil, note: String? = nil) {
        self.v = v; self.host = host; self.outcome = outcome; storedTs = ts
        self.kind = kind; self.prompt = prompt; self.show = show; self.early = early
        self.seconds = seconds; self.untilTs = untilTs; self.reason = reason; self.routine = routine
        self.level = level; self.phase = phase; self.note = note
        idBits = 0
        self.id = id
        self.at = at
    }

    /// A field's value; nil when the line does not have it (for `early`: when it is false).
    /// Setting a value of the wrong type is setting nil (the reader checks types first).
    public subscript(field: HistoryField) -> HistoryValue? {
        get {
            switch field {
            case .v: .integer(Int64(v))
            case .id: .text(id)
            case .host: .text(host)
            case .at: at.map(HistoryValue.text)
            case .ts: .integer(ts)
            case .outcome: .text(outcome)
            case .kind: kind.map(HistoryValue.text)
            case .prompt: prompt.map(HistoryValue.unsigned)
            case .show: show.map { .integer(Int64($0)) }
            case .early: early ? .flag(true) : nil
            case .seconds: seconds.map(HistoryValue.integer)
            case .untilTs: untilTs.map(HistoryValue.integer)
            case .reason: reason.map(HistoryValue.text)
            case .routine: routine.map(HistoryValue.text)
            case .level: level.map { .integer(Int64($0)) }
            case .phase: phase.map(HistoryValue.text)
            case .note: note.map(HistoryValue.text)
            }
        }
        set {
            switch field {
            case .v: v = newValue?.integer.map { Int(truncatingIfNeeded: $0) } ?? 0
            case .id: id = newValue?.text ?? ""
            case .host: host = newValue?.text ?? ""
            case .at: at = newValue?.text
            case .ts: ts = newValue?.integer ?? 0
            case .outcome: outcome = newValue?.text ?? ""
            case .kind: kind = newValue?.text
            case .prompt: prompt = newValue?.unsigned
            case .show: show = newValue?.integer.map { Int(truncatingIfNeeded: $0) }
            case .early: early = newValue?.flag ?? false
            case .seconds: seconds = newValue?.integer
            case .untilTs: untilTs = newValue?.integer
            case .reason: reason = newValue?.text
            case .routine: routine = newValue?.text
            case .level: level = newValue?.integer.map { Int(truncatingIfNeeded: $0) }
            case .phase: phase = newValue?.text
            case .note: note = newValue?.text
            }
        }
    }

    /// Unique across machines and copies of a file: the key that duplicates share.
    public var id: String {
        get { idText ?? Self.hex(idBits) }
        set {
            var utf8 = Array(newValue.utf8)
            if let bits = utf8.withUnsafeMutableBufferPointer({ Self.parseHexID(UnsafeBufferPointer($0)) }) {
                idBits = bits
                idText = nil
            } else {
                idBits = 0
                idText = newValue
            }
        }
    }

    /// Local time with offset as the writer saw it, e.g. `2026-11-21T10:15:03+01:00`.
    public var at: String? {
        get {
            if let atText { return atText }
            guard let off = atOffsetSeconds else { return nil }
            return Self.iso8601(seconds: floorSeconds(ts), offset: Int(off))
        }
        set {
            atText = nil
            atOffsetSeconds = nil
            guard let newValue else { return }
            var utf8 = Array(newValue.utf8)
            if let off = utf8.withUnsafeMutableBufferPointer({ Self.offsetIfCanonical(UnsafeBufferPointer($0), seconds: floorSeconds(ts)) }) {
                atOffsetSeconds = off
            } else {
                atText = newValue
            }
        }
    }

    /// Appends the id's UTF-8 to `b` without building a String (exports write 100,000 of them).
    public func appendID(to b: inout [UInt8]) {
        if let idText {
            b.append(contentsOf: idText.utf8)
            return
        }
        let digits: StaticString = "0123456789abcdef"
        let p = digits.utf8Start
        for k in stride(from: 124, through: 0, by: -4) {
            b.append(p[Int((idBits >> UInt128(k)) & 0xF)])
        }
    }

    /// Appends the UTF-8 of `at` to `b`; false (and nothing appended) when there is none.
    @discardableResult
    public func appendAt(to b: inout [UInt8]) -> Bool {
        if let atText {
            b.append(contentsOf: atText.utf8)
            return true
        }
        guard let off = atOffsetSeconds else { return false }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 25) { buffer in
            guard LocalTime.iso8601(seconds: floorSeconds(ts), offset: Int(off), into: buffer) else { return false }
            b.append(contentsOf: buffer)
            return true
        }
    }

    /// Whether the id or `at` text holds characters that JSON or CSV must escape or quote
    /// (never for the ones limber writes).
    public var hasUnusualIDOrAt: Bool { idText != nil || atText != nil }

    /// Whether the two have the same id.
    public func sameID(as other: HistoryEvent) -> Bool {
        idText == nil && other.idText == nil ? idBits == other.idBits : id == other.id
    }

    public static func == (a: HistoryEvent, b: HistoryEvent) -> Bool {
        HistoryField.allCases.allSatisfy { a[$0] == b[$0] }
    }

    // MARK: Writing

    /// The line for the history file (without its newline): the fields it has, keys sorted.
    public func line() -> [UInt8] {
        var b: [UInt8] = []
        b.reserveCapacity(192)
        appendJSON(to: &b, everyKey: false)
        return b
    }

    /// Appends the event as one JSON object, keys sorted. `everyKey`: every field, null when
    /// absent and `early` false (`limber history --json`); otherwise only the fields it has
    /// (the history file).
    public func appendJSON(to b: inout [UInt8], everyKey: Bool) {
        b.append(UInt8(ascii: "{"))
        var first = true
        let plain = !hasUnusualIDOrAt
        for field in HistoryField.jsonOrder {
            if plain, field == .id || field == .at {
                // On every line: written without building a String.
                if field == .at, atOffsetSeconds == nil, !everyKey { continue }
                Self.key(field, first: &first, to: &b)
                if field == .id {
                    b.append(UInt8(ascii: "\""))
                    appendID(to: &b)
                    b.append(UInt8(ascii: "\""))
                } else if atOffsetSeconds != nil {
                    b.append(UInt8(ascii: "\""))
                    appendAt(to: &b)
                    b.append(UInt8(ascii: "\""))
                } else {
                    Self.literal("null", to: &b)
                }
                continue
            }
            let value = self[field]
            if value == nil, !everyKey { continue }
            Self.key(field, first: &first, to: &b)
            switch value {
            case .text(let s)?: JSON.appendString(s, to: &b)
            case .integer(let n)?: Self.appendDecimal(n, to: &b)
            case .unsigned(let n)?: Self.appendDecimal(n, to: &b)
            case .flag(let f)?: Self.literal(f ? "true" : "false", to: &b)
            case nil: Self.literal(field.type == .flag ? "false" : "null", to: &b)
            }
        }
        b.append(UInt8(ascii: "}"))
    }

    /// The CSV header line of `appendCSVRow`, without its line end.
    public static var csvHeader: String { HistoryField.csvColumns.map(\.name).joined(separator: ",") }

    /// Appends the event as one CSV row (RFC 4180) in the order of `HistoryField.csvColumns`,
    /// ending in CRLF: absent fields empty, `early` true or false, text quoted when it holds a
    /// comma, a quote or a line break, and nothing a terminal would act on (a CSV file gets
    /// printed too).
    public func appendCSVRow(to b: inout [UInt8]) {
        let plain = !hasUnusualIDOrAt
        for (n, field) in HistoryField.csvColumns.enumerated() {
            if n > 0 { b.append(UInt8(ascii: ",")) }
            if plain, field == .id {
                appendID(to: &b)
                continue
            }
            if plain, field == .at {
                appendAt(to: &b)
                continue
            }
            switch self[field] {
            case .text(let s)?: Self.appendCSVField(s, to: &b)
            case .integer(let n)?: Self.appendDecimal(n, to: &b)
            case .unsigned(let n)?: Self.appendDecimal(n, to: &b)
            case .flag(let f)?: Self.literal(f ? "true" : "false", to: &b)
            case nil: if field.type == .flag { Self.literal("false", to: &b) }
            }
        }
        b.append(0x0D)
        b.append(0x0A)
    }

    /// Appends a CSV field: quoted when it holds a comma, a quote or a line break; anything a
    /// terminal would act on replaced (line feeds stay, quoted, as RFC 4180 allows).
    public static func appendCSVField(_ text: String, to b: inout [UInt8]) {
        let s = TerminalText.safe(text, keepingNewlines: true)
        let quote = s.utf8.contains { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 0x0A || $0 == 0x0D }
        guard quote else { return b.append(contentsOf: s.utf8) }
        b.append(UInt8(ascii: "\""))
        for c in s.utf8 {
            if c == UInt8(ascii: "\"") { b.append(c) }
            b.append(c)
        }
        b.append(UInt8(ascii: "\""))
    }

    /// Appends `n` in decimal.
    public static func appendDecimal<T: BinaryInteger>(_ n: T, to b: inout [UInt8]) {
        if n < 0 { b.append(UInt8(ascii: "-")) }
        var m = UInt64(n.magnitude)
        var divisor: UInt64 = 1
        while m / divisor >= 10 { divisor *= 10 }
        repeat {
            b.append(UInt8(ascii: "0") + UInt8(m / divisor))
            m %= divisor
            divisor /= 10
        } while divisor > 0
    }

    @inline(__always)
    private static func key(_ field: HistoryField, first: inout Bool, to b: inout [UInt8]) {
        // One copy per key: exports write 1.7 million of them for 100,000 events.
        HistoryField.jsonKeys[field.rawValue].withUnsafeBufferPointer {
            b.append(contentsOf: first ? UnsafeBufferPointer(rebasing: $0.dropFirst()) : $0)
        }
        first = false
    }

    @inline(__always)
    private static func literal(_ s: StaticString, to b: inout [UInt8]) {
        b.append(contentsOf: UnsafeBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount))
    }

    // MARK: Compact id and time

    /// 32 lowercase hex digits as a number; nil for any other id.
    static func parseHexID(_ b: UnsafeBufferPointer<UInt8>) -> UInt128? {
        guard b.count == 32, let p = b.baseAddress else { return nil }
        // Two 64-bit halves and no early exits: this runs for every line of the history.
        // Branch-free: ids are random, so a branch on digit-or-letter mispredicts half the time.
        func half(_ q: UnsafePointer<UInt8>) -> (value: UInt64, bad: UInt8) {
            var value: UInt64 = 0
            var bad: UInt8 = 0
            for k in 0..<16 {
                let c = q[k]
                // '0'...'9' are 0x30...0x39, 'a'...'f' 0x61...0x66: the low nibble, plus 9 for letters.
                let isLetter = c >> 6
                value = value << 4 | UInt64((c & 0x0F) &+ 9 &* isLetter)
                let notDigit: UInt8 = c &- UInt8(ascii: "0") >= 10 ? 1 : 0
                let notLetter: UInt8 = c &- UInt8(ascii: "a") >= 6 ? 1 : 0
                bad |= notDigit & notLetter
            }
            return (value, bad)
        }
        let high = half(p), low = half(p + 16)
        return high.bad | low.bad != 0 ? nil : UInt128(high.value) << 64 | UInt128(low.value)
    }

    static func hex(_ bits: UInt128) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8](repeating: 0, count: 32)
        var v = bits
        for k in stride(from: 31, through: 0, by: -1) {
            out[k] = digits[Int(v & 0xF)]
            v >>= 4
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The offset of `at` when it is exactly the canonical text for `seconds` with that offset
    /// (`YYYY-MM-DDTHH:MM:SS+HH:MM`, the local time of `seconds` at that offset); nil otherwise.
    static func offsetIfCanonical(_ b: UnsafeBufferPointer<UInt8>, seconds: Int64) -> Int32? {
        guard b.count == 25, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"), b[10] == UInt8(ascii: "T"),
              b[13] == UInt8(ascii: ":"), b[16] == UInt8(ascii: ":"), b[22] == UInt8(ascii: ":"),
              b[19] == UInt8(ascii: "+") || b[19] == UInt8(ascii: "-") else { return nil }
        var bad = false
        func number(_ from: Int, _ width: Int) -> Int {
            var v = 0
            for k in from..<(from + width) {
                let d = b[k] &- UInt8(ascii: "0")
                if d > 9 { bad = true }
                v = v * 10 + Int(d)
            }
            return v
        }
        let year = number(0, 4), month = number(5, 2), day = number(8, 2)
        let hour = number(11, 2), minute = number(14, 2), second = number(17, 2)
        let offset = (number(20, 2) * 3600 + number(23, 2) * 60) * (b[19] == UInt8(ascii: "-") ? -1 : 1)
        // The day must exist (no 02-30), which the day count would roll over.
        guard !bad, (1...12).contains(month), day >= 1, day <= LocalDate.daysIn(month: month, year: year),
              hour < 24, minute < 60, second < 60,
              offset != 0 || b[19] == UInt8(ascii: "+") else { return nil }
        let days = LocalDate(year: year, month: month, day: day).daysSinceEpoch
        let local = days * 86_400 + Int64(hour * 3600 + minute * 60 + second)
        guard local - Int64(offset) == seconds else { return nil }
        return Int32(offset)
    }

    /// `YYYY-MM-DDTHH:MM:SS+HH:MM` for a time and offset.
    static func iso8601(seconds: Int64, offset: Int) -> String {
        LocalTime(wall: .seconds(seconds), utcOffsetSeconds: offset).iso8601(utcOffsetSeconds: offset)
    }

    /// Sets the id from its bytes in a line without building a String for limber's own ids.
    mutating func setID(bytes: UnsafeBufferPointer<UInt8>) {
        if let bits = Self.parseHexID(bytes) {
            idBits = bits
            idText = nil
        } else {
            idBits = 0
            idText = String(decoding: bytes, as: UTF8.self)
        }
    }

    /// Sets `at` from its bytes in a line (after `ts`), storing only the offset when it can.
    mutating func setAt(bytes: UnsafeBufferPointer<UInt8>) {
        if let off = Self.offsetIfCanonical(bytes, seconds: floorSeconds(ts)) {
            atOffsetSeconds = off
            atText = nil
        } else {
            atOffsetSeconds = nil
            atText = String(decoding: bytes, as: UTF8.self)
        }
    }

    // MARK: Reading

    /// The newest schema version this limber reads.
    public static let supportedVersion = 1

    /// Parses one line (without its newline); the error says what is wrong with it.
    public static func parse(_ line: UnsafeBufferPointer<UInt8>) -> Result<HistoryEvent, HistoryLineError> {
        var one: [HistoryEvent] = []
        if let problem = parse(line, appendingTo: &one) { return .failure(problem) }
        return .success(one[0])
    }

    /// Parses one line (without its newline) and appends its event to `events`; the error
    /// says what is wrong with a line that is not one. The history reader calls this for every
    /// line: the event is built where it is stored, not copied out through a `Result` (an
    /// event is about 270 bytes; returning 100,000 of them across modules cost 10 ms).
    public static func parse(_ line: UnsafeBufferPointer<UInt8>, appendingTo events: inout [HistoryEvent]) -> HistoryLineError? {
        var scanner = LineScanner(bytes: line)
        do {
            events.append(try scanner.event())
            return nil
        } catch {
            var problem = error
            // Ran out of bytes inside the object: the write of this line was cut short.
            problem.truncated = scanner.i >= line.count && problem.newerVersion == nil
                && !(line.last == UInt8(ascii: "}"))
            return problem
        }
    }

    /// Parses one line (without its newline).
    public static func parse(_ line: [UInt8]) -> Result<HistoryEvent, HistoryLineError> {
        line.withUnsafeBufferPointer { parse($0) }
    }
}

/// Why a line is not a history event.
public struct HistoryLineError: Error, Sendable, Equatable, CustomStringConvertible {
    public var reason: String
    /// The schema version of a well-formed line from a newer limber than this one.
    public var newerVersion: Int?
    /// True when the line ends before its object does: a write cut short.
    public var truncated = false

    public init(_ reason: String, newerVersion: Int? = nil) {
        self.reason = reason
        self.newerVersion = newerVersion
    }

    public var description: String { reason }
}

private enum Scalar {
    case string(String)
    case integer(Int64)
    case unsigned(UInt64)
    case fraction(Double)
    case bool(Bool)
    case null
    case nested
}

private struct LineScanner {
    let bytes: UnsafeBufferPointer<UInt8>
    var i = 0

    init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    mutating func event() throws(HistoryLineError) -> HistoryEvent {
        var seen: UInt64 = 0
        var id: RawText?, at: RawText?
        var e = HistoryEvent(id: "", host: "", outcome: "", ts: 0)
        skipSpace()
        guard peek() == UInt8(ascii: "{") else { throw HistoryLineError("not a JSON object") }
        i += 1
        skipSpace()
        if peek() == UInt8(ascii: "}") {
            i += 1
        } else {
            while true {
                skipSpace()
                guard peek() == UInt8(ascii: "\"") else { throw HistoryLineError("expected a key at byte \(i + 1)") }
                let field = try readKey()
                skipSpace()
                guard peek() == UInt8(ascii: ":") else { throw HistoryLineError("expected ':' at byte \(i + 1)") }
                i += 1
                skipSpace()
                if field == .id || field == .at {
                    // On every line: kept as bytes, so that no String is built for them.
                    if peek() == UInt8(ascii: "\"") {
                        let text = try readRawText()
                        if field == .id { id = text } else { at = text }
                    } else if field == .at, peek() == UInt8(ascii: "n") {
                        try literal("null")
                        at = nil
                    } else {
                        throw HistoryLineError("'\(field!.name)' must be a string")
                    }
                    seen |= 1 << UInt64(field!.rawValue)
                } else if let field {
                    e[field] = try Self.value(try readValue(nestedAllowed: false), for: field)
                    seen |= 1 << UInt64(field.rawValue)
                } else {
                    _ = try readValue(nestedAllowed: true)
                }
                skipSpace()
                guard let c = peek() else { throw HistoryLineError("the object is not closed") }
                i += 1
                if c == UInt8(ascii: "}") { break }
                guard c == UInt8(ascii: ",") else { throw HistoryLineError("expected ',' or '}' at byte \(i)") }
            }
        }
        skipSpace()
        guard i == bytes.count else { throw HistoryLineError("unexpected text after the object at byte \(i + 1)") }
        func has(_ f: HistoryField) -> Bool { seen & 1 << UInt64(f.rawValue) != 0 }
        guard has(.v) else { throw HistoryLineError("no schema version 'v'") }
        guard e.v >= 1 else { throw HistoryLineError("schema version \(e.v) is not one limber writes") }
        guard e.v <= HistoryEvent.supportedVersion else {
            throw HistoryLineError("written by a newer limber (schema version \(e.v))", newerVersion: e.v)
        }
        guard let id, id.count > 0 else { throw HistoryLineError("no 'id'") }
        guard has(.host) else { throw HistoryLineError("no 'host'") }
        guard !e.outcome.isEmpty else { throw HistoryLineError("no 'outcome'") }
        guard has(.ts) else { throw HistoryLineError("no time stamp 'ts'") }
        withBytes(id) { e.setID(bytes: $0) }
        if let at { withBytes(at) { e.setAt(bytes: $0) } }
        return e
    }

    /// A scalar as the value of `field`, or why it cannot be.
    @inline(__always)
    static func value(_ value: Scalar, for field: HistoryField) throws(HistoryLineError) -> HistoryValue? {
        switch (field.type, value) {
        case (_, .null) where !field.isRequired: return nil
        case (.text, .string(let s)): return .text(s)
        case (.integer, .integer(let n)): return .integer(n)
        case (.integer, .unsigned(let n)) where n <= UInt64(Int64.max): return .integer(Int64(n))
        case (.integer, .fraction(let d)) where d.rounded() == d && abs(d) < 9e15: return .integer(Int64(d))
        case (.unsigned, .unsigned(let n)): return .unsigned(n)
        case (.unsigned, .integer(let n)) where n >= 0: return .unsigned(UInt64(n))
        case (.flag, .bool(let b)): return .flag(b)
        case (.text, _): throw HistoryLineError("'\(field.name)' must be a string")
        case (.integer, _), (.unsigned, _): throw HistoryLineError("'\(field.name)' must be a whole number")
        case (.flag, _): throw HistoryLineError("'\(field.name)' must be true or false")
        }
    }

    // MARK: Values

    /// A string value as bytes: a slice of the line, or its decoded bytes when it had escapes.
    enum RawText {
        case slice(Range<Int>)
        case decoded([UInt8])

        var count: Int {
            switch self {
            case .slice(let r): r.count
            case .decoded(let b): b.count
            }
        }
    }

    mutating func readRawText() throws(HistoryLineError) -> RawText {
        let start = i + 1
        var j = start
        while j < bytes.count, bytes[j] != UInt8(ascii: "\""), bytes[j] != UInt8(ascii: "\\") {
            if bytes[j] < 0x20 { throw HistoryLineError("a control character inside a string at byte \(j + 1)") }
            j += 1
        }
        if j < bytes.count, bytes[j] == UInt8(ascii: "\"") {
            i = j + 1
            return .slice(start..<j)
        }
        return .decoded(Array(try readString().utf8))
    }

    func withBytes(_ text: RawText, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        switch text {
        case .slice(let r): body(UnsafeBufferPointer(rebasing: bytes[r]))
        case .decoded(let b): b.withUnsafeBufferPointer(body)
        }
    }

    // MARK: Bytes

    @inline(__always) func peek() -> UInt8? { i < bytes.count ? bytes[i] : nil }

    @inline(__always) mutating func skipSpace() {
        while i < bytes.count {
            switch bytes[i] {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"), UInt8(ascii: "\n"): i += 1
            default: return
            }
        }
    }

    /// Reads a key and names its field without building a String for the keys limber writes;
    /// nil for a key this limber does not know.
    mutating func readKey() throws(HistoryLineError) -> HistoryField? {
        let start = i + 1
        var j = start
        while j < bytes.count, bytes[j] != UInt8(ascii: "\""), bytes[j] != UInt8(ascii: "\\") { j += 1 }
        if j < bytes.count, bytes[j] == UInt8(ascii: "\"") {
            i = j + 1
            return HistoryField.named(UnsafeBufferPointer(rebasing: bytes[start..<j]))
        }
        // An escaped key: decode it, then name it.
        let s = try readString()
        var utf8 = Array(s.utf8)
        return utf8.withUnsafeMutableBufferPointer { HistoryField.named(UnsafeBufferPointer($0)) }
    }

    mutating func readValue(nestedAllowed: Bool) throws(HistoryLineError) -> Scalar {
        guard let c = peek() else { throw HistoryLineError("a value is missing at the end") }
        switch c {
        case UInt8(ascii: "\""):
            return .string(try readString())
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return try readNumber()
        case UInt8(ascii: "t"):
            try literal("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try literal("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try literal("null")
            return .null
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            guard nestedAllowed else { throw HistoryLineError("unexpected object or array at byte \(i + 1)") }
            try skipNested()
            return .nested
        default:
            throw HistoryLineError("unexpected character at byte \(i + 1)")
        }
    }

    mutating func literal(_ word: StaticString) throws(HistoryLineError) {
        let n = word.utf8CodeUnitCount
        guard i + n <= bytes.count else {
            i = bytes.count
            throw HistoryLineError("unexpected end of line")
        }
        let p = word.utf8Start
        for k in 0..<n where bytes[i + k] != p[k] { throw HistoryLineError("unexpected word at byte \(i + 1)") }
        i += n
    }

    mutating func readNumber() throws(HistoryLineError) -> Scalar {
        let start = i
        var negative = false
        if bytes[i] == UInt8(ascii: "-") {
            negative = true
            i += 1
        }
        let digitsStart = i
        var magnitude: UInt64 = 0
        var overflow = false
        while i < bytes.count, bytes[i] >= UInt8(ascii: "0"), bytes[i] <= UInt8(ascii: "9") {
            let (m1, o1) = magnitude.multipliedReportingOverflow(by: 10)
            let (m2, o2) = m1.addingReportingOverflow(UInt64(bytes[i] - UInt8(ascii: "0")))
            overflow = overflow || o1 || o2
            magnitude = m2
            i += 1
        }
        let digits = i - digitsStart
        guard digits > 0 else { throw HistoryLineError("a number without digits at byte \(start + 1)") }
        guard !(digits > 1 && bytes[digitsStart] == UInt8(ascii: "0")) else {
            throw HistoryLineError("a number with a leading zero at byte \(start + 1)")
        }
        var isFraction = false
        if i < bytes.count, bytes[i] == UInt8(ascii: ".") {
            isFraction = true
            i += 1
            let f = i
            while i < bytes.count, bytes[i] >= UInt8(ascii: "0"), bytes[i] <= UInt8(ascii: "9") { i += 1 }
            guard i > f else { throw HistoryLineError("a number without digits after '.' at byte \(start + 1)") }
        }
        if i < bytes.count, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
            isFraction = true
            i += 1
            if i < bytes.count, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i += 1 }
            let e = i
            while i < bytes.count, bytes[i] >= UInt8(ascii: "0"), bytes[i] <= UInt8(ascii: "9") { i += 1 }
            guard i > e else { throw HistoryLineError("a number without an exponent at byte \(start + 1)") }
        }
        if isFraction || overflow {
            let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self)
            guard let d = Double(text) else { throw HistoryLineError("an unreadable number at byte \(start + 1)") }
            return .fraction(d)
        }
        if negative {
            guard magnitude <= UInt64(Int64.max) + 1 else { return .fraction(-Double(magnitude)) }
            return .integer(magnitude == UInt64(Int64.max) + 1 ? Int64.min : -Int64(magnitude))
        }
        return magnitude <= UInt64(Int64.max) ? .integer(Int64(magnitude)) : .unsigned(magnitude)
    }

    /// Reads a string at `i` (which is at its opening quote), escapes decoded.
    mutating func readString() throws(HistoryLineError) -> String {
        let start = i + 1
        var j = start
        while j < bytes.count {
            let b = bytes[j]
            if b == UInt8(ascii: "\"") {
                i = j + 1
                return Self.text(UnsafeBufferPointer(rebasing: bytes[start..<j]))
            }
            if b == UInt8(ascii: "\\") { break }
            if b < 0x20 { throw HistoryLineError("a control character inside a string at byte \(j + 1)") }
            j += 1
        }
        guard j < bytes.count else {
            i = bytes.count  // ran out of line: a cut-off write
            throw HistoryLineError("a string is not closed")
        }
        // Slow path: escapes.
        var out = Array(UnsafeBufferPointer(rebasing: bytes[start..<j]))
        while j < bytes.count {
            let b = bytes[j]
            if b == UInt8(ascii: "\"") {
                i = j + 1
                return out.withUnsafeBufferPointer { Self.text($0) }
            }
            if b < 0x20 { throw HistoryLineError("a control character inside a string at byte \(j + 1)") }
            if b != UInt8(ascii: "\\") {
                out.append(b)
                j += 1
                continue
            }
            j += 1
            guard j < bytes.count else { break }
            switch bytes[j] {
            case UInt8(ascii: "\""): out.append(UInt8(ascii: "\""))
            case UInt8(ascii: "\\"): out.append(UInt8(ascii: "\\"))
            case UInt8(ascii: "/"): out.append(UInt8(ascii: "/"))
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try hex4(at: j + 1)
                j += 4
                if (0xD800..<0xDC00).contains(scalar) {
                    // A high surrogate must be followed by \u and a low one.
                    guard j + 6 < bytes.count, bytes[j + 1] == UInt8(ascii: "\\"), bytes[j + 2] == UInt8(ascii: "u") else {
                        throw HistoryLineError("a lone surrogate in a string at byte \(j + 1)")
                    }
                    let low = try hex4(at: j + 3)
                    guard (0xDC00..<0xE000).contains(low) else {
                        throw HistoryLineError("a lone surrogate in a string at byte \(j + 1)")
                    }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    j += 6
                } else if (0xDC00..<0xE000).contains(scalar) {
                    throw HistoryLineError("a lone surrogate in a string at byte \(j + 1)")
                }
                guard let u = Unicode.Scalar(scalar) else { throw HistoryLineError("a bad \\u escape at byte \(j + 1)") }
                out.append(contentsOf: Array(String(Character(u)).utf8))
            default:
                throw HistoryLineError("an unknown escape in a string at byte \(j + 1)")
            }
            j += 1
        }
        i = bytes.count  // ran out of line: a cut-off write
        throw HistoryLineError("a string is not closed")
    }

    func hex4(at k: Int) throws(HistoryLineError) -> UInt32 {
        guard k + 4 <= bytes.count else { throw HistoryLineError("a short \\u escape") }
        var value: UInt32 = 0
        for n in k..<(k + 4) {
            let b = bytes[n]
            let digit: UInt8
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = b - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = b - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = b - UInt8(ascii: "A") + 10
            default: throw HistoryLineError("a bad \\u escape at byte \(n + 1)")
            }
            value = value << 4 | UInt32(digit)
        }
        return value
    }

    /// Skips a nested object or array (of a key limber does not know), strings included.
    mutating func skipNested() throws(HistoryLineError) {
        var depth = 0
        while i < bytes.count {
            switch bytes[i] {
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
                guard depth <= 64 else { throw HistoryLineError("values nested too deeply") }
                i += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
                i += 1
                if depth == 0 { return }
            case UInt8(ascii: "\""):
                _ = try readString()
            default:
                i += 1
            }
        }
        throw HistoryLineError("an object or array is not closed")
    }

    /// Text from bytes; invalid UTF-8 (a damaged file) becomes U+FFFD rather than failing.
    static func text(_ b: UnsafeBufferPointer<UInt8>) -> String {
        String(decoding: b, as: UTF8.self)
    }
}
