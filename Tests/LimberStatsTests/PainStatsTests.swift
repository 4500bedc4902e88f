import LimberCore
@testable import LimberStats
import Testing

/// Two weeks of journal: first week around 5, second around 3.4.
func twoWeeksOfPain() -> [StatsEvent] {
    [
        ev("pain", "2026-03-02 09:00", level: 6, phase: .before), ev("pain", "2026-03-02 09:20", level: 5, phase: .after),
        ev("pain", "2026-03-03 09:00", level: 6, phase: .before), ev("pain", "2026-03-03 09:20", level: 4, phase: .after),
        ev("pain", "2026-03-05 18:00", level: 5),
        ev("pain", "2026-03-08 09:00", level: 5, phase: .before),
        ev("pain", "2026-03-10 09:00", level: 4, phase: .before), ev("pain", "2026-03-10 09:20", level: 3, phase: .after),
        ev("pain", "2026-03-12 09:00", level: 4, phase: .before), ev("pain", "2026-03-12 09:20", level: 2, phase: .after),
        ev("pain", "2026-03-15 21:00", level: 4),
        // not journal entries, and one before the range
        ev("done", "2026-03-12 09:20"), ev("pain", "2026-03-01 09:00", level: 10),
    ]
}

@Suite struct PainStatsTests {
    @Test func averagesByDayByPhaseAndByWeek() {
        let s = PainStats.compute(twoWeeksOfPain(), today: date("2026-03-15"))
        #expect(s.days.count == 14)
        #expect(s.days.first?.date == date("2026-03-02"))
        #expect(s.days[0].average == 5.5)
        #expect(s.days[0].before == 6)
        #expect(s.days[0].after == 5)
        #expect(s.days[2].average == nil)
        #expect(s.levels.count == 11)
        // before: 6 6 5 4 4 = 25/5; after: 5 4 3 2 = 14/4
        #expect(s.beforeAverage == 5)
        #expect(s.afterAverage == 3.5)
        // first week (03-02..03-08): 6 5 6 4 5 5 = 31/6; second: 4 3 4 2 4 = 17/5
        #expect(s.firstHalfAverage == 31.0 / 6)
        #expect(s.secondHalfAverage == 3.4)
        #expect(s.summary == "Average pain 5.2 in the first week, 3.4 in the second (down 1.8).")
    }

    @Test func oneSentenceForEveryCase() {
        let first = [ev("pain", "2026-03-02 09:00", level: 5)]
        let second = [ev("pain", "2026-03-14 09:00", level: 3)]
        let today = date("2026-03-15")
        #expect(PainStats.compute(first, today: today).summary
                == "Average pain 5.0 in the first week; nothing noted in the second week.")
        #expect(PainStats.compute(second, today: today).summary
                == "Average pain 3.0 in the second week; nothing noted in the first week.")
        #expect(PainStats.compute(first + [ev("pain", "2026-03-14 09:00", level: 5)], today: today).summary
                == "Average pain 5.0 in the first week, 5.0 in the second (no change).")
        #expect(PainStats.compute(first + [ev("pain", "2026-03-14 09:00", level: 7)], today: today).summary
                == "Average pain 5.0 in the first week, 7.0 in the second (up 2.0).")
        #expect(PainStats.compute([], today: today).summary == "No pain noted in the last 14 days.")
    }

    @Test func numbersAreRoundedHalfAwayFromZero() {
        #expect(fixed1(5.25) == "5.3")
        #expect(fixed1(5.1666) == "5.2")
        #expect(fixed1(0) == "0.0")
        #expect(fixed1(-1.25) == "-1.3")
        #expect(percent(0.835) == "84%")
        #expect(percent(1) == "100%")
    }
}
