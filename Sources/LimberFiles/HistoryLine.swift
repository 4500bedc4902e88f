import Glibc

// Reading one line of a history file, without Codable.
//
// `limber stats` loads every line ever written (five years of heavy use is about 100,000) and
// must answer in well under 200 ms; generic Codable decoding of that many objects costs most
// of the budget (measured: see Benchmarks/history_bench.py), so the known, flat schema gets a
// direct byte scanner. It accepts any valid JSON object whose values are scalars, skips nested
// values of keys it does not know (a newer limber may add some), and rejects everything else
// with a reason that names the problem.

/// One event read back from a history file: the fields of `HistoryEntry`, with the outcome
/// and kind kept as text so that lines from a newer limber (new outcomes) still load.
public struct HistoryEvent: Sendable, Equatable {
    /// The schema version of the line.
    public var v: Int
    /// Milliseconds since 1970 UTC.
    public var ts: Int64
    public var host: String
    /// `shown`, `done`, `natural-break`, `pain`, ...; see `Outcome` for what limber writes.
    public var outcome: String
    public var kind: String?
    public var prompt: UInt64?
    public var show: Int?
    public var early: Bool
    public var seconds: Int64?
    public var untilTs: Int64?
    public var reason: String?
    /// The catalog id of the routine a `done` was for.
    public var routine: String?
    public var level: Int?
    public var phase: String?
    public var note: String?

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
        self.v = v; self.host = host; self.outcome = outcome; self.ts = ts
        self.kind = kind; self.prompt = prompt; self.show = show; self.early = early
        self.seconds = seconds; self.untilTs = untilTs; self.reason = reason; self.routine = routine
        self.level = level; self.phase = phase; self.note = note
        idBits = 0
        self.id = id
        self.at = at
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
            let seconds = ts >= 0 ? ts / 1000 : (ts - 999) / 1000
            return Self.iso8601(seconds: seconds, offset: Int(off))
        }
        set {
            atText = nil
            atOffsetSeconds = nil
            guard let newValue else { return }
            var utf8 = Array(newValue.utf8)
            let seconds = ts >= 0 ? ts / 1000 : (ts - 999) / 1000
            if let off = utf8.withUnsafeMutableBufferPointer({ Self.offsetIfCanonical(UnsafeBufferPointer($0), seconds: seconds) }) {
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
        let seconds = ts >= 0 ? ts / 1000 : (ts - 999) / 1000
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 25) { buffer in
            guard Self.iso8601(seconds: seconds, offset: Int(off), into: buffer) else { return false }
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
        a.v == b.v && a.ts == b.ts && a.host == b.host && a.outcome == b.outcome && a.kind == b.kind
            && a.prompt == b.prompt && a.show == b.show && a.early == b.early && a.seconds == b.seconds
            && a.untilTs == b.untilTs && a.reason == b.reason && a.routine == b.routine && a.level == b.level && a.phase == b.phase
            && a.note == b.note && a.id == b.id && a.at == b.at
    }

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
        guard !bad, (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 60,
              offset != 0 || b[19] == UInt8(ascii: "+") else { return nil }
        // Howard Hinnant's days_from_civil.
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = Int64((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1)
        let days = era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719_468
        let local = days * 86_400 + Int64(hour * 3600 + minute * 60 + second)
        // The day must exist (no 02-30), which days_from_civil would roll over.
        guard local - Int64(offset) == seconds, day <= daysIn(month: month, year: year) else { return nil }
        return Int32(offset)
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// `YYYY-MM-DDTHH:MM:SS+HH:MM` for a time and offset.
    static func iso8601(seconds: Int64, offset: Int) -> String {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 25) { buffer in
            guard iso8601(seconds: seconds, offset: offset, into: buffer) else { return "" }
            return String(decoding: buffer, as: UTF8.self)
        }
    }

    /// Writes the 25 bytes of `iso8601(seconds:offset:)`; false for a year outside 0...9999.
    static func iso8601(seconds: Int64, offset: Int, into out: UnsafeMutableBufferPointer<UInt8>) -> Bool {
        let total = seconds + Int64(offset)
        let days = total >= 0 ? total / 86_400 : (total - 86_399) / 86_400
        let sod = Int(total - days * 86_400)
        // Howard Hinnant's civil_from_days.
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = Int(doy - (153 * mp + 2) / 5 + 1)
        let m = Int(mp < 10 ? mp + 3 : mp - 9)
        let y = Int(yoe + era * 400 + (m <= 2 ? 1 : 0))
        guard (0...9999).contains(y), out.count >= 25 else { return false }
        var k = 0
        func put(_ n: Int, _ width: Int) {
            var v = n
            for j in stride(from: k + width - 1, through: k, by: -1) {
                out[j] = UInt8(ascii: "0") + UInt8(v % 10)
                v /= 10
            }
            k += width
        }
        func sep(_ c: UInt8) {
            out[k] = c
            k += 1
        }
        put(y, 4); sep(UInt8(ascii: "-")); put(m, 2); sep(UInt8(ascii: "-")); put(d, 2); sep(UInt8(ascii: "T"))
        put(sod / 3600, 2); sep(UInt8(ascii: ":")); put(sod / 60 % 60, 2); sep(UInt8(ascii: ":")); put(sod % 60, 2)
        sep(offset < 0 ? UInt8(ascii: "-") : UInt8(ascii: "+"))
        let a = abs(offset)
        put(a / 3600, 2); sep(UInt8(ascii: ":")); put(a / 60 % 60, 2)
        return true
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
        let seconds = ts >= 0 ? ts / 1000 : (ts - 999) / 1000
        if let off = Self.offsetIfCanonical(bytes, seconds: seconds) {
            atOffsetSeconds = off
            atText = nil
        } else {
            atOffsetSeconds = nil
            atText = String(decoding: bytes, as: UTF8.self)
        }
    }

    /// The newest schema version this limber reads.
    public static let supportedVersion = 1

    /// Parses one line (without its newline); the error says what is wrong with it.
    public static func parse(_ line: UnsafeBufferPointer<UInt8>) -> Result<HistoryEvent, HistoryLineError> {
        var scanner = LineScanner(bytes: line)
        do {
            return .success(try scanner.event())
        } catch {
            var problem = error
            // Ran out of bytes inside the object: the write of this line was cut short.
            problem.truncated = scanner.i >= line.count && problem.newerVersion == nil
                && !(line.last == UInt8(ascii: "}"))
            return .failure(problem)
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

private enum Key {
    case v, id, host, outcome, ts, at, kind, prompt, show, early, seconds, untilTs, reason, routine, level, phase, note
    case other
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
        var v: Int?, id: RawText?, host: String?, outcome: String?, ts: Int64?
        var at: RawText?
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
                let key = try readKey()
                skipSpace()
                guard peek() == UInt8(ascii: ":") else { throw HistoryLineError("expected ':' at byte \(i + 1)") }
                i += 1
                skipSpace()
                if key == .id || key == .at {
                    // On every line: kept as bytes, so that no String is built for them.
                    if peek() == UInt8(ascii: "\"") {
                        let text = try readRawText()
                        if key == .id { id = text } else { at = text }
                    } else if key == .at, peek() == UInt8(ascii: "n") {
                        try literal("null")
                        at = nil
                    } else {
                        throw HistoryLineError("'\(key == .id ? "id" : "at")' must be a string")
                    }
                } else {
                let value = try readValue(nestedAllowed: key == .other)
                switch key {
                case .v: v = Int(try integer(value, "v"))
                case .id, .at: break
                case .host: host = try string(value, "host")
                case .outcome: outcome = try string(value, "outcome")
                case .ts: ts = try integer(value, "ts")
                case .kind: e.kind = try optionalString(value, "kind")
                case .prompt:
                    switch value {
                    case .null: e.prompt = nil
                    case .unsigned(let n): e.prompt = n
                    case .integer(let n) where n >= 0: e.prompt = UInt64(n)
                    default: throw HistoryLineError("'prompt' must be a whole number")
                    }
                case .show: e.show = try optionalInteger(value, "show").map { Int($0) }
                case .early:
                    switch value {
                    case .bool(let b): e.early = b
                    case .null: e.early = false
                    default: throw HistoryLineError("'early' must be true or false")
                    }
                case .seconds: e.seconds = try optionalInteger(value, "seconds")
                case .untilTs: e.untilTs = try optionalInteger(value, "until_ts")
                case .reason: e.reason = try optionalString(value, "reason")
                case .routine: e.routine = try optionalString(value, "routine")
                case .level: e.level = try optionalInteger(value, "level").map { Int($0) }
                case .phase: e.phase = try optionalString(value, "phase")
                case .note: e.note = try optionalString(value, "note")
                case .other: break
                }
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
        guard let v else { throw HistoryLineError("no schema version 'v'") }
        guard v >= 1 else { throw HistoryLineError("schema version \(v) is not one limber writes") }
        guard v <= HistoryEvent.supportedVersion else {
            throw HistoryLineError("written by a newer limber (schema version \(v))", newerVersion: v)
        }
        guard let id, id.count > 0 else { throw HistoryLineError("no 'id'") }
        guard let host else { throw HistoryLineError("no 'host'") }
        guard let outcome, !outcome.isEmpty else { throw HistoryLineError("no 'outcome'") }
        guard let ts else { throw HistoryLineError("no time stamp 'ts'") }
        e.v = v
        e.host = host
        e.outcome = outcome
        e.ts = ts
        withBytes(id) { e.setID(bytes: $0) }
        if let at { withBytes(at) { e.setAt(bytes: $0) } }
        return e
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

    func integer(_ value: Scalar, _ name: String) throws(HistoryLineError) -> Int64 {
        switch value {
        case .integer(let n): return n
        case .unsigned(let n) where n <= UInt64(Int64.max): return Int64(n)
        case .fraction(let d) where d.rounded() == d && abs(d) < 9e15: return Int64(d)
        default: throw HistoryLineError("'\(name)' must be a whole number")
        }
    }

    func optionalInteger(_ value: Scalar, _ name: String) throws(HistoryLineError) -> Int64? {
        if case .null = value { return nil }
        return try integer(value, name)
    }

    func string(_ value: Scalar, _ name: String) throws(HistoryLineError) -> String {
        guard case .string(let s) = value else { throw HistoryLineError("'\(name)' must be a string") }
        return s
    }

    func optionalString(_ value: Scalar, _ name: String) throws(HistoryLineError) -> String? {
        if case .null = value { return nil }
        return try string(value, name)
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

    /// Reads a key and names it without building a String for the keys limber writes.
    mutating func readKey() throws(HistoryLineError) -> Key {
        let start = i + 1
        var j = start
        while j < bytes.count, bytes[j] != UInt8(ascii: "\""), bytes[j] != UInt8(ascii: "\\") { j += 1 }
        if j < bytes.count, bytes[j] == UInt8(ascii: "\"") {
            i = j + 1
            return Self.name(UnsafeBufferPointer(rebasing: bytes[start..<j]))
        }
        // An escaped key: decode it, then name it.
        let s = try readString()
        var utf8 = Array(s.utf8)
        return utf8.withUnsafeMutableBufferPointer { Self.name(UnsafeBufferPointer($0)) }
    }

    static func name(_ k: UnsafeBufferPointer<UInt8>) -> Key {
        func eq(_ s: StaticString) -> Bool {
            guard k.count == s.utf8CodeUnitCount else { return false }
            let p = s.utf8Start
            for n in 0..<k.count where k[n] != p[n] { return false }
            return true
        }
        switch k.count {
        case 1: return eq("v") ? .v : .other
        case 2: return eq("id") ? .id : eq("ts") ? .ts : eq("at") ? .at : .other
        case 4: return eq("host") ? .host : eq("kind") ? .kind : eq("show") ? .show : eq("note") ? .note : .other
        case 5: return eq("early") ? .early : eq("level") ? .level : eq("phase") ? .phase : .other
        case 6: return eq("prompt") ? .prompt : eq("reason") ? .reason : .other
        case 7: return eq("outcome") ? .outcome : eq("seconds") ? .seconds : eq("routine") ? .routine : .other
        case 8: return eq("until_ts") ? .untilTs : .other
        default: return .other
        }
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
