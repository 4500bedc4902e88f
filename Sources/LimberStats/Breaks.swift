import LimberCore

/// One history event as the statistics see it: what happened and when, in the user's zone.
///
/// The caller resolves the local date and time of each event (the CLI uses `localtime_r`, so
/// `TZ` and daylight-saving changes apply); this module never reads a clock or a time zone.
public struct StatsEvent: Sendable, Equatable {
    /// The history outcome: `shown`, `done`, `snoozed`, `natural-break`, `pain`, ...
    public var outcome: String
    /// The local date and time of day of the event.
    public var local: LocalTime
    /// `done` before the reminder came due.
    public var early: Bool
    /// Pain-journal entries: the level, 0 to 10.
    public var level: Int?
    /// Pain-journal entries: before or after the routine.
    public var phase: PainPhase?
    /// The length in seconds the history gives (a hold: how long a reminder waited).
    public var seconds: Int64?

    public init(outcome: String, local: LocalTime, early: Bool = false, level: Int? = nil, phase: PainPhase? = nil,
                seconds: Int64? = nil) {
        self.seconds = seconds
        self.outcome = outcome
        self.local = local
        self.early = early
        self.level = level
        self.phase = phase
    }
}

/// The outcome limberd records when the user was away from the desk long enough to count as a
/// break taken without a reminder.
public let naturalBreakOutcome = "natural-break"

/// One local day's reminders and answers.
public struct DayStats: Sendable, Equatable {
    public var date: LocalDate
    /// The day's reminders and answers, counted by the rules of `limber status`'s "today"
    /// (`DayCounts`), so the two never disagree about the same events.
    public var counts: DayCounts
    /// Reminders that waited for a hold (do not disturb, a call), and how long in all.
    public var held = 0
    public var heldSeconds: Int64 = 0

    public init(date: LocalDate) {
        self.date = date
        counts = DayCounts(day: date)
    }

    /// Reminders that came due (a first showing, or a `done` before the reminder); a reminder
    /// that comes back after a snooze is still one reminder.
    public var due: Int { counts.due }
    public var done: Int { counts.done }
    public var snoozed: Int { counts.snoozed }
    public var skipped: Int { counts.skipped }
    public var missed: Int { counts.missed }
    /// Breaks taken away from the desk without a reminder (idle long enough).
    public var naturalBreaks: Int { counts.naturalBreaks }

    /// Done over due, at most 1; nil with nothing due.
    public var adherence: Double? {
        due > 0 ? min(1, Double(done) / Double(due)) : nil
    }

    /// Whether the day met `goal` (a fraction); nil with nothing due (such a day neither
    /// extends nor breaks a streak).
    public func meets(goal: Double) -> Bool? {
        guard due > 0 else { return nil }
        return Double(done) >= goal * Double(due) - 1e-9
    }

    /// Adds another day's figures (for the totals of a range).
    mutating func add(_ other: DayStats) {
        counts.due += other.due
        counts.done += other.done
        counts.snoozed += other.snoozed
        counts.skipped += other.skipped
        counts.missed += other.missed
        counts.naturalBreaks += other.naturalBreaks
        held += other.held
        heldSeconds += other.heldSeconds
    }
}

/// Reminders, answers, adherence and streaks over a range of days ending today.
public struct BreakStats: Sendable, Equatable {
    /// The last day of the range (today).
    public var today: LocalDate
    /// Every day of the range, oldest first, days without events included; the range starts
    /// no earlier than the first day of history.
    public var days: [DayStats]
    /// The range summed.
    public var totals: DayStats
    /// The adherence a day must reach to count towards a streak.
    public var goal: Double
    /// Days meeting the goal in a row up to today (today counts once it meets the goal; an
    /// unfinished today does not break the streak; days with nothing due are passed over).
    public var currentStreak: Int
    /// The longest run of days meeting the goal in the whole history.
    public var bestStreak: Int
    /// Skipped reminders in the range by local hour of day, 0 to 23.
    public var skippedByHour: [Int]
    /// Missed reminders in the range by local hour of day, 0 to 23.
    public var missedByHour: [Int]
    /// The first day with any event in the history; nil with no history.
    public var firstDay: LocalDate?
    /// The review the guidance recommends every 4 to 6 weeks, when it is time for one.
    public var review: Review?

    /// Days from the first day of history to today, both counted; 0 with no history.
    public var daysOfUse: Int {
        guard let firstDay else { return 0 }
        return max(0, Int(today.daysSinceEpoch - firstDay.daysSinceEpoch) + 1)
    }

    /// The range's first day.
    public var from: LocalDate { days.first?.date ?? today }

    /// Counts `events` (oldest first) over the `dayCount` days ending `today`, or from the
    /// first day of history when that is later; streaks and the first day look at the whole
    /// history.
    public static func compute(_ events: [StatsEvent], today: LocalDate, dayCount: Int, goal: Double) -> BreakStats {
        let count = max(1, dayCount)
        let firstInRange = today.daysSinceEpoch - Int64(count - 1)
        var byDay: [Int64: DayStats] = [:]
        var skippedByHour = [Int](repeating: 0, count: 24)
        var missedByHour = [Int](repeating: 0, count: 24)
        var firstDay: LocalDate?
        var journaled = false
        for e in events {
            let d = e.local.date.daysSinceEpoch
            guard d <= today.daysSinceEpoch else { continue }  // a clock that was wrong, or another zone
            if firstDay == nil || d < firstDay!.daysSinceEpoch { firstDay = e.local.date }
            if e.outcome == Outcome.pain.rawValue {
                journaled = true
                continue
            }
            var day = byDay[d] ?? DayStats(date: e.local.date)
            if e.outcome == Outcome.held.rawValue {
                day.held += 1
                day.heldSeconds += min(max(0, e.seconds ?? 0), 7 * 86_400)  // one wild line stays bounded
            } else if let outcome = Outcome(rawValue: e.outcome) {
                day.counts.count(outcome, early: e.early)
                if d >= firstInRange {
                    let hour = min(23, max(0, e.local.secondOfDay / 3600))
                    if outcome == .skipped { skippedByHour[hour] += 1 }
                    if outcome == .missed { missedByHour[hour] += 1 }
                }
            } else {
                continue  // an outcome from a newer limber: not counted
            }
            byDay[d] = day
        }

        var days: [DayStats] = []
        var totals = DayStats(date: today)
        // The days before the first one with history were before limber: not days with nothing due.
        let start = min(today.daysSinceEpoch, max(firstInRange, firstDay?.daysSinceEpoch ?? firstInRange))
        for d in start...today.daysSinceEpoch {
            let day = byDay[d] ?? DayStats(date: LocalDate(daysSinceEpoch: d))
            days.append(day)
            totals.add(day)
        }

        let (current, best) = streaks(byDay, today: today, goal: goal)
        var stats = BreakStats(today: today, days: days, totals: totals, goal: goal, currentStreak: current,
                               bestStreak: best, skippedByHour: skippedByHour, missedByHour: missedByHour,
                               firstDay: firstDay, review: nil)
        stats.review = Review.due(daysOfUse: stats.daysOfUse, hasJournal: journaled)
        return stats
    }

    static func streaks(_ byDay: [Int64: DayStats], today: LocalDate, goal: Double) -> (current: Int, best: Int) {
        let ordered = byDay.keys.sorted()
        var best = 0
        var run = 0
        for d in ordered {
            switch byDay[d]?.meets(goal: goal) {
            case true?:
                run += 1
                best = max(best, run)
            case false?:
                // Today is not over: falling short so far does not end a run.
                if d != today.daysSinceEpoch { run = 0 }
            case nil:
                break
            }
        }
        var current = 0
        for d in ordered.reversed() {
            guard let met = byDay[d]?.meets(goal: goal) else { continue }
            if met {
                current += 1
            } else if d != today.daysSinceEpoch {
                break
            }
        }
        return (current, best)
    }
}

/// The check-in the guidance recommends: take stock every 4 to 6 weeks.
public struct Review: Sendable, Equatable {
    /// Whole weeks of use so far.
    public var weeks: Int
    /// What to do, in plain words.
    public var message: String

    /// A review is suggested from the 29th to the 42nd day of use, and in the same two weeks
    /// of every following six-week cycle; nil outside those windows.
    public static func due(daysOfUse: Int, hasJournal: Bool) -> Review? {
        guard daysOfUse >= 29 else { return nil }
        let position = (daysOfUse - 1) % 42
        guard position >= 28 else { return nil }
        let weeks = daysOfUse / 7
        var text = "You have kept at it for \(weeks) weeks: time for the review the guidance suggests every "
            + "4 to 6 weeks. "
        if hasJournal {
            text += "Compare your pain journal with how you started ('limber stats pain'); if it is "
                + "improving, make the strengthening exercises a little harder."
        } else {
            text += "Note your pain before and after the routine for two weeks ('limber journal 4 --before', "
                + "'limber journal 3 --after') to see whether the routine is helping."
        }
        return Review(weeks: weeks, message: text)
    }
}
