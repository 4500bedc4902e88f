/// What limber writes as one line of the history file: a `HistoryEvent` (the line's one
/// definition) made from a scheduler record or a pain-journal entry, with the outcome, kind and
/// phase typed. Every other field reads through to the event (`entry.reason`, `entry.ts`).
@dynamicMemberLookup
public struct HistoryEntry: Codable, Sendable, Equatable {
    /// The schema version of history lines.
    public static let schemaVersion = 1

    /// The line itself. Every way to make an entry gives it an outcome, kind and phase this
    /// limber knows.
    public private(set) var event: HistoryEvent

    public subscript<T>(dynamicMember path: KeyPath<HistoryEvent, T>) -> T { event[keyPath: path] }

    /// Unique across machines: time-ordered hex, milliseconds then random bits.
    public var id: String {
        get { event.id }
        set { event.id = newValue }
    }

    public var outcome: Outcome { Outcome(rawValue: event.outcome) ?? .missed }
    public var kind: ReminderKind? { event.kind.flatMap(ReminderKind.init(rawValue:)) }
    /// Pain-journal entries: noted before or after the routine, when the user said which.
    public var phase: PainPhase? { event.phase.flatMap(PainPhase.init(rawValue:)) }

    /// The entry for a scheduler record.
    public init(_ r: HistoryRecord, id: String, host: String) {
        let ts = r.wall.components.seconds * 1000 + r.wall.components.attoseconds / 1_000_000_000_000_000
        event = HistoryEvent(
            v: Self.schemaVersion, id: id, host: host, outcome: r.outcome.rawValue, ts: ts,
            at: LocalTime(wall: r.wall, utcOffsetSeconds: r.utcOffsetSeconds).iso8601(utcOffsetSeconds: r.utcOffsetSeconds),
            kind: r.kind?.rawValue, prompt: r.promptID, show: r.show, early: r.early,
            seconds: r.length?.components.seconds,
            untilTs: r.until.map { $0.components.seconds * 1000 + $0.components.attoseconds / 1_000_000_000_000_000 },
            reason: r.reason, routine: r.routine)
    }

    /// A pain-journal entry at `ts` (milliseconds since 1970 UTC) with the user's UTC offset then.
    public init(painLevel level: Int, phase: PainPhase?, note: String?, ts: Int64, utcOffsetSeconds: Int,
                id: String, host: String) {
        event = HistoryEvent(
            v: Self.schemaVersion, id: id, host: host, outcome: Outcome.pain.rawValue, ts: ts,
            at: LocalTime(wall: .seconds(floorSeconds(ts)), utcOffsetSeconds: utcOffsetSeconds)
                .iso8601(utcOffsetSeconds: utcOffsetSeconds),
            level: level, phase: phase?.rawValue, note: note)
    }

    // Codable through the field table, so it reads and writes what `HistoryEvent` does.

    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ field: HistoryField) { stringValue = field.name }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        var e = HistoryEvent(id: "", host: "", outcome: "", ts: 0)
        // `ts` first: `at` is kept relative to it.
        for field in [HistoryField.ts] + HistoryField.allCases.filter({ $0 != .ts }) {
            let key = Key(field)
            let value: HistoryValue?
            switch field.type {
            case .text: value = try c.decodeIfPresent(String.self, forKey: key).map(HistoryValue.text)
            case .integer: value = try c.decodeIfPresent(Int64.self, forKey: key).map(HistoryValue.integer)
            case .unsigned: value = try c.decodeIfPresent(UInt64.self, forKey: key).map(HistoryValue.unsigned)
            case .flag: value = try c.decodeIfPresent(Bool.self, forKey: key).map(HistoryValue.flag)
            }
            if value == nil, field.isRequired {
                throw DecodingError.keyNotFound(key, .init(codingPath: c.codingPath, debugDescription: "no '\(field.name)'"))
            }
            e[field] = value
        }
        func known(_ ok: Bool, _ field: HistoryField) throws {
            guard ok else {
                throw DecodingError.dataCorruptedError(forKey: Key(field), in: c,
                                                       debugDescription: "not a \(field.name) this limber writes")
            }
        }
        try known(Outcome(rawValue: e.outcome) != nil, .outcome)
        try known(e.kind.map { ReminderKind(rawValue: $0) != nil } ?? true, .kind)
        try known(e.phase.map { PainPhase(rawValue: $0) != nil } ?? true, .phase)
        event = e
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        for field in HistoryField.allCases {
            switch event[field] {
            case .text(let s)?: try c.encode(s, forKey: Key(field))
            case .integer(let n)?: try c.encode(n, forKey: Key(field))
            case .unsigned(let n)?: try c.encode(n, forKey: Key(field))
            case .flag(let b)?: try c.encode(b, forKey: Key(field))
            case nil: break
            }
        }
    }

    /// A history id: 12 hex digits of milliseconds (so ids sort by time) and 20 of randomness.
    public static func makeID(ts: Int64, random: UInt128) -> String {
        let time = String(UInt64(max(0, ts)) & 0xFFFF_FFFF_FFFF, radix: 16)
        let rand = String(random & ((UInt128(1) << 80) - 1), radix: 16)
        return String(repeating: "0", count: 12 - time.count) + time
            + String(repeating: "0", count: 20 - rand.count) + rand
    }
}

/// When a pain level was noted, relative to the day's routine.
public enum PainPhase: String, Codable, Sendable, CaseIterable {
    case before
    case after
}
