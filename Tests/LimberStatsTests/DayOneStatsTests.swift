import LimberCore
@testable import LimberStats
import Testing

@Suite struct DayOneStatsTests {
    @Test func theFirstDayOfHistoryStartsTheRange() {
        let events = day("2026-03-10", due: 2, done: 1)
        let s = BreakStats.compute(events, today: date("2026-03-10"), dayCount: 14, goal: 0.8)
        #expect(s.days.map(\.date) == [date("2026-03-10")])
        #expect(s.from == date("2026-03-10"))
        // Three days in: three days shown, the first with nothing.
        let later = BreakStats.compute(events, today: date("2026-03-12"), dayCount: 14, goal: 0.8)
        #expect(later.days.map(\.date) == [date("2026-03-10"), date("2026-03-11"), date("2026-03-12")])
        // A range shorter than the history still ends today.
        let short = BreakStats.compute(events, today: date("2026-03-20"), dayCount: 7, goal: 0.8)
        #expect(short.days.count == 7 && short.from == date("2026-03-14"))
        // No history: the whole range, as before.
        #expect(BreakStats.compute([], today: date("2026-03-10"), dayCount: 14, goal: 0.8).days.count == 14)
    }

    @Test func aSnoozedReminderStaysCountedWhileItIsSnoozed() {
        let events = [
            ev("shown", "2026-03-10 09:00"), ev("done", "2026-03-10 09:01"),
            ev("shown", "2026-03-10 10:00"), ev("snoozed", "2026-03-10 10:01"),
            ev("shown", "2026-03-10 10:06"), ev("snoozed", "2026-03-10 10:07"),
            ev("shown", "2026-03-10 10:12"), ev("done", "2026-03-10 10:13"),
        ]
        // The day's figures after each event: due never dips while a reminder is snoozed.
        var dues: [Int] = []
        var rates: [Double?] = []
        for n in 1...events.count {
            let s = BreakStats.compute(Array(events.prefix(n)), today: date("2026-03-10"), dayCount: 1, goal: 0.8)
            dues.append(s.days[0].due)
            rates.append(s.days[0].adherence)
        }
        #expect(dues == [1, 1, 2, 2, 2, 2, 2, 2])
        #expect(rates == [0, 1, 0.5, 0.5, 0.5, 0.5, 0.5, 1])
    }

    @Test func doneOrAwayWhileSnoozedCountsTheReminderOnce() {
        // Done before the snoozed reminder came back: one due, one done.
        let early = BreakStats.compute([
            ev("shown", "2026-03-10 10:00"), ev("snoozed", "2026-03-10 10:01"),
            ev("done", "2026-03-10 10:03", early: true),
            ev("shown", "2026-03-10 11:00"),
        ], today: date("2026-03-10"), dayCount: 1, goal: 0.8)
        #expect(early.days[0].due == 2 && early.days[0].done == 1)
        // Away long enough while it was snoozed: the break answered it; the next one counts.
        let away = BreakStats.compute([
            ev("shown", "2026-03-10 10:00"), ev("snoozed", "2026-03-10 10:01"),
            ev(naturalBreakOutcome, "2026-03-10 10:30"),
            ev("shown", "2026-03-10 11:00"),
        ], today: date("2026-03-10"), dayCount: 1, goal: 0.8)
        #expect(away.days[0].due == 1 && away.days[0].naturalBreaks == 1)
    }
}
