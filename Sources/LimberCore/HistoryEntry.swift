/// One line of the history file: a record plus the id and host that make lines from several
/// machines mergeable. Field names are the file's schema (version `v`).
public struct HistoryEntry: Codable, Sendable, Equatable {
    /// The schema version of history lines.
    public static let schemaVersion = 1

    public var v: Int
    /// Unique across machines: time-ordered hex, milliseconds then random bits.
    public var id: String
    public var host: String
    public var kind: ReminderKind?
    public var outcome: Outcome
    /// Local time with offset, e.g. `2026-11-21T10:15:03+01:00`.
    public var at: String
    /// Milliseconds since 1970 UTC.
    public var ts: Int64
    public var prompt: UInt64?
    public var show: Int?
    public var early: Bool?
    /// Snooze or pause length in seconds.
    public var seconds: Int64?
    /// When a pause ends, milliseconds since 1970 UTC.
    public var untilTs: Int64?
    public var reason: String?
    /// Pain-journal entries (`outcome` `pain`): the level from 0 (none) to 10 (worst).
    public var level: Int?
    /// Pain-journal entries: noted before or after the routine, when the user said which.
    public var phase: PainPhase?
    /// Pain-journal entries: the user's own words.
    public var note: String?

    enum CodingKeys: String, CodingKey {
        case v, id, host, kind, outcome, at, ts, prompt, show, early, seconds, reason, level, phase, note
        case untilTs = "until_ts"
    }

    /// The entry for a scheduler record.
    public init(_ r: HistoryRecord, id: String, host: String) {
        v = Self.schemaVersion
        self.id = id
        self.host = host
        kind = r.kind
        outcome = r.outcome
        at = LocalTime(wall: r.wall, utcOffsetSeconds: r.utcOffsetSeconds).iso8601(utcOffsetSeconds: r.utcOffsetSeconds)
        ts = r.wall.components.seconds * 1000 + r.wall.components.attoseconds / 1_000_000_000_000_000
        prompt = r.promptID
        show = r.show
        early = r.early ? true : nil
        seconds = r.length?.components.seconds
        untilTs = r.until.map { $0.components.seconds * 1000 + $0.components.attoseconds / 1_000_000_000_000_000 }
        reason = r.reason
    }

    /// A pain-journal entry at `ts` (milliseconds since 1970 UTC) with the user's UTC offset then.
    public init(painLevel level: Int, phase: PainPhase?, note: String?, ts: Int64, utcOffsetSeconds: Int,
                id: String, host: String) {
        v = Self.schemaVersion
        self.id = id
        self.host = host
        outcome = .pain
        let seconds = ts >= 0 ? ts / 1000 : (ts - 999) / 1000
        at = LocalTime(wall: .seconds(seconds), utcOffsetSeconds: utcOffsetSeconds).iso8601(utcOffsetSeconds: utcOffsetSeconds)
        self.ts = ts
        self.level = level
        self.phase = phase
        self.note = note
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
