import LimberCore
@testable import LimberStats
import Testing

/// An event at a local "YYYY-MM-DD HH:MM" (the CLI resolves these from time stamps).
func ev(_ outcome: String, _ when: String, early: Bool = false, level: Int? = nil, phase: PainPhase? = nil) -> StatsEvent {
    let parts = when.split(separator: " ")
    let d = parts[0].split(separator: "-").map { Int($0)! }
    let t = parts[1].split(separator: ":").map { Int($0)! }
    return StatsEvent(outcome: outcome, local: LocalTime(date: LocalDate(year: d[0], month: d[1], day: d[2]),
                                                         secondOfDay: t[0] * 3600 + t[1] * 60 + (t.count > 2 ? t[2] : 0)),
                      early: early, level: level, phase: phase)
}

func date(_ text: String) -> LocalDate {
    let d = text.split(separator: "-").map { Int($0)! }
    return LocalDate(year: d[0], month: d[1], day: d[2])
}

/// `n` reminders shown and answered on `day` from 09:00, `done` of them done, the rest skipped.
func day(_ day: String, due n: Int, done: Int) -> [StatsEvent] {
    (0..<n).flatMap { k -> [StatsEvent] in
        let time = "\(day) \(9 + k / 2):\(k % 2 == 0 ? "00" : "30")"
        return [ev("shown", time), ev(k < done ? "done" : "skipped", time)]
    }
}

@Suite struct BreakStatsTests {
    @Test func countsPerDayFollowTheDaemonsRules() {
        let events = [
            ev("shown", "2026-03-10 09:00"), ev("done", "2026-03-10 09:02"),
            // snoozed twice, then done: one reminder, one done
            ev("shown", "2026-03-10 10:00"), ev("snoozed", "2026-03-10 10:01"),
            ev("shown", "2026-03-10 10:06"), ev("snoozed", "2026-03-10 10:07"),
            ev("shown", "2026-03-10 10:12"), ev("done", "2026-03-10 10:13"),
            // shown, shown again twice, missed
            ev("shown", "2026-03-10 11:00"), ev("reshown", "2026-03-10 11:05"), ev("reshown", "2026-03-10 11:10"),
            ev("missed", "2026-03-10 11:15"),
            ev("shown", "2026-03-10 14:00"), ev("skipped", "2026-03-10 14:20"),
            // done before it came due
            ev("done", "2026-03-10 15:00", early: true),
            ev(naturalBreakOutcome, "2026-03-10 16:00"),
            // paused with one showing, which is shown again on resume: one reminder, one done
            ev("shown", "2026-03-10 12:00"), ev("paused", "2026-03-10 12:05"), ev("withdrawn", "2026-03-10 12:05"),
            ev("resumed", "2026-03-10 13:00"), ev("shown", "2026-03-10 13:00"), ev("done", "2026-03-10 13:01"),
            // not breaks: journal entries, outcomes from a newer limber
            ev("pain", "2026-03-10 13:00", level: 5), ev("teleported", "2026-03-10 13:00"),
        ]
        let s = BreakStats.compute(events, today: date("2026-03-10"), dayCount: 1, goal: 0.8)
        let d = s.days[0]
        #expect(d.due == 6)
        #expect(d.done == 4)
        #expect(d.snoozed == 2)
        #expect(d.skipped == 1)
        #expect(d.missed == 1)
        #expect(d.naturalBreaks == 1)
        #expect(d.adherence == 4.0 / 6.0)
        #expect(s.skippedByHour[14] == 1)
        #expect(s.missedByHour[11] == 1)
        #expect(s.skippedByHour.reduce(0, +) == 1)
    }

    @Test func dayCountsMatchLimberStatusForTheSameEvents() {
        // The daemon's 'Today' line counts with DayCounts; stats must agree.
        var counts = DayCounts()
        let outcomes: [(Outcome, Bool)] = [(.snoozed, false), (.shown, false), (.snoozed, false), (.shown, false),
                                           (.done, false), (.done, true), (.shown, false), (.missed, false)]
        var events: [StatsEvent] = []
        for (n, (o, early)) in outcomes.enumerated() {
            counts.count(o, early: early)
            events.append(ev(o.rawValue, "2026-03-10 10:\(10 + n)", early: early))
        }
        let d = BreakStats.compute(events, today: date("2026-03-10"), dayCount: 1, goal: 0.8).days[0]
        #expect([d.due, d.done, d.snoozed, d.skipped, d.missed] == [counts.due, counts.done, counts.snoozed, counts.skipped, counts.missed])
        #expect(d.due == 3, "a snooze of yesterday's reminder does not make today's count negative")
    }

    @Test func midnightSplitsDays() {
        let events = [ev("shown", "2026-03-10 23:59:59"), ev("done", "2026-03-11 00:00:00"),
                      ev("shown", "2026-03-11 00:00:01"), ev("skipped", "2026-03-11 23:59:59")]
        let s = BreakStats.compute(events, today: date("2026-03-11"), dayCount: 2, goal: 0.8)
        #expect(s.days.map(\.date) == [date("2026-03-10"), date("2026-03-11")])
        #expect(s.days.map(\.due) == [1, 1])
        #expect(s.days.map(\.done) == [0, 1])
        #expect(s.days[1].adherence == 1, "done may come the day after; adherence stays at most 100%")
        #expect(s.skippedByHour[23] == 1)
    }

    @Test func theRangeEndsTodayAndIncludesEmptyDays() {
        let events = day("2026-03-01", due: 4, done: 4) + day("2026-03-09", due: 5, done: 3)
        let s = BreakStats.compute(events, today: date("2026-03-10"), dayCount: 7, goal: 0.8)
        #expect(s.days.count == 7)
        #expect(s.from == date("2026-03-04"))
        #expect(s.totals.due == 5, "2026-03-01 is outside the last 7 days")
        #expect(s.days.last?.due == 0)
        #expect(s.days.last?.adherence == nil)
        #expect(s.firstDay == date("2026-03-01"))
        #expect(s.daysOfUse == 10)
    }

    @Test func streaksPassOverEmptyDaysAndWaitForToday() {
        let events = day("2026-03-01", due: 5, done: 5)   // met
            + day("2026-03-02", due: 5, done: 3)             // missed the goal
            + day("2026-03-03", due: 5, done: 4)             // met (80%)
            + day("2026-03-04", due: 4, done: 4)             // met
            // 03-05 and 03-06: nothing due (weekend): neither extends nor breaks
            + day("2026-03-07", due: 3, done: 3)             // met
            + day("2026-03-08", due: 6, done: 1)             // today, so far short of the goal
        let s = BreakStats.compute(events, today: date("2026-03-08"), dayCount: 14, goal: 0.8)
        #expect(s.currentStreak == 3)
        #expect(s.bestStreak == 3)
        let strict = BreakStats.compute(events, today: date("2026-03-08"), dayCount: 14, goal: 0.9)
        #expect(strict.currentStreak == 2)
        let later = BreakStats.compute(events, today: date("2026-03-09"), dayCount: 14, goal: 0.8)
        #expect(later.currentStreak == 0, "once the day is over, falling short breaks the streak")
        #expect(later.bestStreak == 3)
        let todayMet = BreakStats.compute(events + day("2026-03-08", due: 0, done: 0) +
                                          [ev("done", "2026-03-08 20:00"), ev("done", "2026-03-08 20:01"),
                                           ev("done", "2026-03-08 20:02"), ev("done", "2026-03-08 20:03")],
                                          today: date("2026-03-08"), dayCount: 14, goal: 0.8)
        #expect(todayMet.currentStreak == 4)
        #expect(todayMet.bestStreak == 4)
    }

    @Test func theGoalIsReachedExactly() {
        let d = BreakStats.compute(day("2026-03-01", due: 5, done: 4), today: date("2026-03-01"), dayCount: 1, goal: 0.8).days[0]
        #expect(d.meets(goal: 0.8) == true)
        #expect(d.meets(goal: 0.81) == false)
        #expect(DayStats(date: date("2026-03-01")).meets(goal: 0.8) == nil)
    }

    @Test func noHistoryIsAllZeros() {
        let s = BreakStats.compute([], today: date("2026-03-10"), dayCount: 14, goal: 0.8)
        #expect(s.days.count == 14)
        #expect(s.totals.due == 0)
        #expect(s.firstDay == nil)
        #expect(s.daysOfUse == 0)
        #expect(s.currentStreak == 0)
        #expect(s.review == nil)
    }

    @Test func eventsAfterTodayAreIgnored() {
        let s = BreakStats.compute(day("2026-03-11", due: 2, done: 2), today: date("2026-03-10"), dayCount: 3, goal: 0.8)
        #expect(s.totals.due == 0)
        #expect(s.firstDay == nil)
    }
}

@Suite struct ReviewTests {
    @Test func theReviewComesAfterFourToSixWeeksAndEverySixWeeksAfter() {
        let shown = (1...100).filter { Review.due(daysOfUse: $0, hasJournal: true) != nil }
        #expect(shown == Array(29...42) + Array(71...84))
        #expect(Review.due(daysOfUse: 35, hasJournal: true)?.weeks == 5)
    }

    @Test func itAsksForAJournalWhenThereIsNone() throws {
        let with = try #require(Review.due(daysOfUse: 30, hasJournal: true))
        let without = try #require(Review.due(daysOfUse: 30, hasJournal: false))
        #expect(with.message.contains("limber stats pain"))
        #expect(without.message.contains("limber journal"))
    }

    @Test func statsCarryTheReviewFromTheFirstDayOfUse() {
        let events = day("2026-02-01", due: 2, done: 2) + [ev("pain", "2026-02-02 10:00", level: 4)]
        // February 2026 has 28 days: 03-01 is the 29th day of use.
        #expect(BreakStats.compute(events, today: date("2026-02-28"), dayCount: 7, goal: 0.8).review == nil)
        let review = BreakStats.compute(events, today: date("2026-03-01"), dayCount: 7, goal: 0.8).review
        #expect(review?.weeks == 4)
        #expect(review?.message.contains("limber stats pain") == true)
    }
}
