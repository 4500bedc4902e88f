// The optional daily routine as a reminder like the others: offered at its time of day (the
// engine decides when, from the wall clock), then answered with done (its guided routine
// completed counts), snooze or skip ("Not today"), from the notification or the CLI. It is
// recorded in the history as a routine with reason "daily" and the routine's id, so the day's
// counts and the statistics include it. A reminder of the schedule on screen is answered
// first; the daily routine is answered when it is the only thing showing.

/// The daily routine offered and not yet answered.
public struct DailyState: Sendable, Equatable, Codable {
    /// The routine's catalog id.
    public var routine: String
    /// Its id in the history (from the same sequence as the reminders').
    public var promptID: UInt64
    public var firstShownWall: Duration
    public var snoozes = 0
    /// Monotonic time the snooze ends; nil while it is showing.
    public var snoozedUntil: Duration?

    enum CodingKeys: String, CodingKey {
        case routine, snoozes
        case promptID = "prompt_id", firstShownWallMs = "first_shown_wall_ms"
        case snoozedUntilMs = "snoozed_until_monotonic_ms"
    }

    init(routine: String, promptID: UInt64, firstShownWall: Duration) {
        self.routine = routine
        self.promptID = promptID
        self.firstShownWall = firstShownWall
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        routine = try c.decode(String.self, forKey: .routine)
        guard routine.utf8.count <= 200 else {
            throw DecodingError.dataCorruptedError(forKey: .routine, in: c, debugDescription: "too long")
        }
        promptID = try c.decode(UInt64.self, forKey: .promptID)
        firstShownWall = .milliseconds(try c.decode(Int64.self, forKey: .firstShownWallMs))
        snoozes = try c.decodeCount(forKey: .snoozes)
        snoozedUntil = try c.decodeIfPresent(Int64.self, forKey: .snoozedUntilMs).map { .milliseconds($0) }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(routine, forKey: .routine)
        try c.encode(promptID, forKey: .promptID)
        try c.encode(Self.ms(firstShownWall), forKey: .firstShownWallMs)
        try c.encode(snoozes, forKey: .snoozes)
        try c.encodeIfPresent(snoozedUntil.map(Self.ms), forKey: .snoozedUntilMs)
    }

    static func ms(_ d: Duration) -> Int64 {
        d.components.seconds * 1000 + d.components.attoseconds / 1_000_000_000_000_000
    }
}

/// The daily routine in `limber status`.
public struct DailyStatus: Sendable, Equatable {
    public var routine: String
    public var firstShown: Duration
    /// Scheduler time left of a snooze; nil while it is showing.
    public var snoozeLeft: Duration?
    public var snoozesLeft: Int
}

extension Scheduler {
    /// Whether the daily routine waits for an answer on screen (offered, not snoozed).
    public var dailyShowing: Bool { state.daily != nil && state.daily?.snoozedUntil == nil }

    /// The daily routine's status, as of `now`.
    func dailyStatus(at now: Moment) -> DailyStatus? {
        state.daily.map {
            DailyStatus(routine: $0.routine, firstShown: $0.firstShownWall,
                        snoozeLeft: $0.snoozedUntil.map { max(.zero, $0 - now.monotonic) },
                        snoozesLeft: max(0, settings.snoozeLimit - $0.snoozes))
        }
    }

    mutating func offerDaily(_ routine: String, at now: Moment) -> [Effect] {
        var effects: [Effect] = []
        if let old = state.daily {  // yesterday's, never answered
            var r = HistoryRecord(outcome: .missed, kind: .routine, promptID: old.promptID, at: now)
            r.reason = "daily"
            r.routine = old.routine
            effects.append(record(r))
        }
        state.nextPromptID += 1
        state.daily = DailyState(routine: routine, promptID: state.nextPromptID, firstShownWall: now.wall)
        effects.append(record(dailyShown(at: now)))
        return effects
    }

    private func dailyShown(at now: Moment) -> HistoryRecord {
        var r = HistoryRecord(outcome: .shown, kind: .routine, promptID: state.daily?.promptID, at: now)
        r.reason = "daily"
        r.routine = state.daily?.routine
        r.show = 1
        return r
    }

    /// A snooze that has ended shows the daily routine again. A snooze end far beyond the
    /// longest snooze is from another boot's monotonic clock: it has ended.
    mutating func evaluateDaily(at now: Moment) -> [Effect] {
        guard let until = state.daily?.snoozedUntil,
              now.monotonic >= until || until - now.monotonic > ScheduleSettings.snoozeRange.upperBound
        else { return [] }
        state.daily?.snoozedUntil = nil
        return [record(dailyShown(at: now))]
    }

    /// Answers the daily routine: done (the break it is: both intervals restart), snoozed or
    /// skipped ("Not today").
    mutating func answerDaily(_ answer: Answer, at now: Moment, reply: inout Reply?) -> [Effect] {
        guard let d = state.daily else { return [] }
        var r = HistoryRecord(outcome: .done, kind: .routine, promptID: d.promptID, at: now)
        r.reason = "daily"
        r.routine = d.routine
        switch answer {
        case .done:
            state.daily = nil
            restart(.routine)
            reply = .ok("daily routine done; " + nextSummary(at: now))
        case .skip:
            state.daily = nil
            r.outcome = .skipped
            reply = .ok("daily routine skipped for today; " + nextSummary(at: now))
        case .snooze(let length):
            if let length, !ScheduleSettings.snoozeRange.contains(length) {
                reply = .refused(Refusal(code: .snoozeLength, message: Self.snoozeLengthProblem(length)))
                return []
            }
            guard d.snoozes < settings.snoozeLimit else {
                reply = .refused(Refusal(code: .snoozeLimit, message:
                    "the daily routine was already snoozed \(d.snoozes) times, the limit; start it with "
                    + "'limber start', or answer 'limber done' or 'limber skip'"))
                return []
            }
            let length = length ?? settings.snoozeDefault
            state.daily?.snoozes += 1
            state.daily?.snoozedUntil = now.monotonic + length
            r.outcome = .snoozed
            r.length = length
            let left = settings.snoozeLimit - d.snoozes - 1
            reply = .ok("daily routine snoozed for \(formatDuration(length))"
                        + (left == 0 ? "; that was the last snooze for it" : " (\(left) snooze\(left == 1 ? "" : "s") left)"))
        }
        return [record(r)]
    }

    /// The guided routine `routine` was completed while the daily routine was offered: when
    /// it is that routine, it answers the daily routine (one reminder, done), else nil.
    mutating func completeDailyByGuide(_ routine: String?, at now: Moment) -> HistoryRecord? {
        guard let d = state.daily, d.routine == routine else { return nil }
        state.daily = nil
        var r = HistoryRecord(outcome: .done, kind: .routine, promptID: d.promptID, at: now)
        r.routine = routine
        return r
    }
}
