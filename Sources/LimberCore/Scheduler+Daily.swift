// The optional daily routine as a reminder like the others: offered at its time of day (the
// engine decides when, from the wall clock), then answered with done (its guided routine
// completed counts), snooze or skip ("Not today"), from the notification or the CLI. It is
// recorded in the history as a routine with reason "daily" and the routine's id, so the day's
// counts and the statistics include it. A reminder of the schedule on screen is answered
// first; the daily routine is answered when it is the only thing showing.
//
// Like the other reminders, it is recorded `shown` only once a notification server answered
// for it (`.notificationShown` with its prompt id), `unshown` when none did, and it counts as
// missed only if a server showed it at some point (`seen`).

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
    /// A notification server displayed it at least once: only then can it count as missed.
    public var seen = false
    /// The history has its line (`shown` or `unshown`) for the current showing, the one since
    /// it was offered or came back from a snooze.
    public var recorded = false

    enum CodingKeys: String, CodingKey {
        case routine, snoozes, seen
        case promptID = "prompt_id", firstShownWallMs = "first_shown_wall_ms"
        case snoozedUntilMs = "snoozed_until_monotonic_ms"
        case recordedShow = "recorded_show"
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
        // State from before limber waited for the server's answer recorded the showing at
        // once: take it as seen and recorded.
        seen = try c.decodeIfPresent(Bool.self, forKey: .seen) ?? true
        recorded = try c.decodeIfPresent(Int.self, forKey: .recordedShow).map { $0 > 0 } ?? true
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(routine, forKey: .routine)
        try c.encode(promptID, forKey: .promptID)
        try c.encode(Self.ms(firstShownWall), forKey: .firstShownWallMs)
        try c.encode(snoozes, forKey: .snoozes)
        try c.encodeIfPresent(snoozedUntil.map(Self.ms), forKey: .snoozedUntilMs)
        try c.encode(seen, forKey: .seen)
        try c.encode(recorded ? 1 : 0, forKey: .recordedShow)
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

    /// Offers the daily routine; the engine shows it (recorded when the server answers).
    mutating func offerDaily(_ routine: String, at now: Moment) -> [Effect] {
        var effects: [Effect] = []
        if let old = state.daily {  // yesterday's, never answered
            effects += settleDaily(at: now)
            if old.seen {
                var r = HistoryRecord(outcome: .missed, kind: .routine, promptID: old.promptID, at: now)
                r.reason = "daily"
                r.routine = old.routine
                effects.append(record(r))
            }
            // Never displayed by a server: nobody can have missed it; it was counted due.
        }
        state.nextPromptID += 1
        state.daily = DailyState(routine: routine, promptID: state.nextPromptID, firstShownWall: now.wall)
        return effects
    }

    private func dailyRecord(_ outcome: Outcome, _ d: DailyState, at now: Moment) -> HistoryRecord {
        var r = HistoryRecord(outcome: outcome, kind: .routine, promptID: d.promptID, at: now)
        r.reason = "daily"
        r.routine = d.routine
        return r
    }

    /// A snooze that has ended brings the daily routine back (the engine shows it again). A
    /// snooze end far beyond the longest snooze is from another boot's monotonic clock: it
    /// has ended.
    mutating func evaluateDaily(at now: Moment) -> [Effect] {
        guard let until = state.daily?.snoozedUntil,
              now.monotonic >= until || until - now.monotonic > ScheduleSettings.snoozeRange.upperBound
        else { return [] }
        state.daily?.snoozedUntil = nil
        state.daily?.recorded = false  // a new showing: recorded when the server answers
        return []
    }

    /// A notification server displayed the daily routine offered (`promptID`): its `shown`
    /// line, or `reshown` (reason `late`) when it was recorded `unshown` before.
    mutating func dailyNotificationShown(_ id: UInt64, at now: Moment) -> [Effect] {
        guard var d = state.daily, d.promptID == id, d.snoozedUntil == nil else { return [] }
        defer { state.daily = d }
        if !d.recorded {
            d.recorded = true
            d.seen = true
            var r = dailyRecord(.shown, d, at: now)
            r.show = 1
            return [record(r)]
        }
        guard !d.seen else { return [] }  // shown again (a server came back): recorded already
        d.seen = true
        var r = dailyRecord(.reshown, d, at: now)
        r.show = 1
        r.reason = "late"
        return [record(r)]
    }

    /// No server displayed the daily routine offered: `unshown`, once per showing.
    mutating func dailyNotificationFailed(_ id: UInt64, reason: String, at now: Moment) -> [Effect] {
        guard var d = state.daily, d.promptID == id, d.snoozedUntil == nil, !d.recorded else { return [] }
        d.recorded = true
        state.daily = d
        var r = dailyRecord(.unshown, d, at: now)
        r.show = 1
        r.reason = reason
        return [record(r)]
    }

    /// Answered (or replaced) before any server replied for its showing: the history first
    /// says it came due unseen, so it counts once as due.
    private mutating func settleDaily(at now: Moment) -> [Effect] {
        guard var d = state.daily, d.snoozedUntil == nil, !d.recorded else { return [] }
        d.recorded = true
        state.daily = d
        var r = HistoryRecord(outcome: .unshown, kind: .routine, promptID: d.promptID, at: now)
        r.routine = d.routine
        r.show = 1
        r.reason = "pending"
        return [record(r)]
    }

    /// Answers the daily routine: done (the break it is: both intervals restart), snoozed or
    /// skipped ("Not today").
    mutating func answerDaily(_ answer: Answer, at now: Moment, reply: inout Reply?) -> [Effect] {
        guard let d = state.daily else { return [] }
        var r = HistoryRecord(outcome: .done, kind: .routine, promptID: d.promptID, at: now)
        r.reason = "daily"
        r.routine = d.routine
        if case .snooze(let length) = answer {
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
        }
        // Answered before any server replied for it: it came due all the same.
        let settled = settleDaily(at: now)
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
            let length = length ?? settings.snoozeDefault
            state.daily?.snoozes += 1
            state.daily?.snoozedUntil = now.monotonic + length
            r.outcome = .snoozed
            r.length = length
            let left = settings.snoozeLimit - d.snoozes - 1
            reply = .ok("daily routine snoozed for \(formatDuration(length))"
                        + (left == 0 ? "; that was the last snooze for it" : " (\(left) snooze\(left == 1 ? "" : "s") left)"))
        }
        return settled + [record(r)]
    }

    /// The guided routine `routine` was completed while the daily routine was offered: when
    /// it is that routine, it answers the daily routine (one reminder, done), else nil.
    mutating func completeDailyByGuide(_ routine: String?, at now: Moment) -> (settled: [Effect], done: HistoryRecord)? {
        guard let d = state.daily, d.routine == routine else { return nil }
        let settled = settleDaily(at: now)
        state.daily = nil
        var r = HistoryRecord(outcome: .done, kind: .routine, promptID: d.promptID, at: now)
        r.routine = routine
        return (settled, r)
    }
}
