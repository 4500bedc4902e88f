import LimberCore

// Small pure planners for the optional features (the daily routine, sit/stand blocks, the
// step-up suggestion). They stay out of the scheduler: they work on the local wall clock and
// on dates, and the engine composes them.

/// A time of day that fired: the day and the minute of its slot.
public struct SlotStamp: Sendable, Equatable, Comparable, Codable {
    /// Days since 1970-01-01 in local time.
    public var day: Int64
    /// Minutes since local midnight.
    public var minute: Int

    public init(day: Int64, minute: Int) {
        self.day = day
        self.minute = minute
    }

    public static func < (a: SlotStamp, b: SlotStamp) -> Bool { (a.day, a.minute) < (b.day, b.minute) }
}

/// Times of day at which something happens once each day.
public struct DailySlots: Sendable, Equatable {
    /// What to do now.
    public enum Decision: Sendable, Equatable {
        /// The slot came (at most `grace` ago) and has not fired yet.
        case fire(SlotStamp)
        /// Nothing now; the next slot comes in this many seconds.
        case wait(seconds: Int)
        /// There are no slots.
        case never
    }

    /// Minutes since midnight.
    public var minutes: [Int]
    /// How late a slot may still fire (the machine was asleep, or limberd was not running).
    public var graceSeconds: Int

    public init(minutes: [Int], graceSeconds: Int) {
        self.minutes = Set(minutes).sorted()
        self.graceSeconds = graceSeconds
    }

    /// What to do at `now`, when `lastFired` is the latest slot that already fired.
    public func decide(at now: LocalTime, lastFired: SlotStamp?) -> Decision {
        guard !minutes.isEmpty else { return .never }
        let today = now.date.daysSinceEpoch
        // Yesterday's late slots can still be within their grace just after midnight.
        for day in [today - 1, today] {
            for minute in minutes {
                let stamp = SlotStamp(day: day, minute: minute)
                let since = Int(today - day) * 86_400 + now.secondOfDay - minute * 60
                if since >= 0, since < graceSeconds, lastFired.map({ stamp > $0 }) ?? true {
                    return .fire(stamp)
                }
            }
        }
        let wait = minutes.map { m -> Int in
            let ahead = m * 60 - now.secondOfDay
            return ahead > 0 ? ahead : ahead + 86_400
        }.min() ?? 86_400
        return .wait(seconds: wait)
    }
}

/// How long the standing blocks of the sit/stand reminder are: they start short and grow each
/// week, as the sources advise, up to a limit.
public struct SitStandPlan: Sendable, Equatable {
    public var firstBlockSeconds: Int
    public var growthPerWeekSeconds: Int
    public var longestSeconds: Int

    public init(firstBlockSeconds: Int, growthPerWeekSeconds: Int, longestSeconds: Int) {
        self.firstBlockSeconds = firstBlockSeconds
        self.growthPerWeekSeconds = growthPerWeekSeconds
        self.longestSeconds = longestSeconds
    }

    /// The block on `today`, for a reminder first used on `start`.
    public func blockSeconds(startedOn start: LocalDate, today: LocalDate) -> Int {
        let weeks = max(0, Int(today.daysSinceEpoch - start.daysSinceEpoch) / 7)
        return min(longestSeconds, max(firstBlockSeconds, firstBlockSeconds + weeks * growthPerWeekSeconds))
    }
}

/// When to suggest stepping up: after some weeks in a row with enough routine days each.
public struct StepUpPlan: Sendable, Equatable {
    public var weeks: Int
    public var daysPerWeek: Int

    public init(weeks: Int, daysPerWeek: Int) {
        self.weeks = weeks
        self.daysPerWeek = daysPerWeek
    }

    /// True when each of the last `weeks` seven-day windows ending on `today` has at least
    /// `daysPerWeek` days in `days` (the days with a completed routine).
    public func isDue(days: [LocalDate], today: LocalDate) -> Bool {
        let t = today.daysSinceEpoch
        let set = Set(days.map(\.daysSinceEpoch))
        for w in 0..<weeks {
            let end = t - Int64(7 * w)
            let count = (0..<7).filter { set.contains(end - Int64($0)) }.count
            if count < daysPerWeek { return false }
        }
        return true
    }

    /// `days` with `today` added (once) and days older than the plan can look at dropped.
    public func remembering(_ today: LocalDate, in days: [LocalDate]) -> [LocalDate] {
        let oldest = today.daysSinceEpoch - Int64(7 * max(weeks, 1))
        var out = days.filter { $0.daysSinceEpoch > oldest && $0 != today }
        out.append(today)
        return out.sorted()
    }
}
