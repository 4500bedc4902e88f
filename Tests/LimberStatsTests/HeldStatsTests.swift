import LimberCore
@testable import LimberStats
import Testing

// `limber stats` shows held time: `held` history lines, never counted as due or missed.
@Suite struct HeldStatsTests {
    func held(_ when: String, seconds: Int64?) -> StatsEvent {
        var e = ev("held", when)
        e.seconds = seconds
        return e
    }

    @Test func heldLinesAddUpAndCountNothingElse() {
        let events = [held("2026-11-23 10:00", seconds: 600), ev("shown", "2026-11-23 10:00"),
                      ev("done", "2026-11-23 10:01"), held("2026-11-24 14:00", seconds: 1500),
                      held("2026-11-24 15:00", seconds: nil), held("2026-11-24 16:00", seconds: -5)]
        let s = BreakStats.compute(events, today: date("2026-11-24"), dayCount: 2, goal: 0.8)
        #expect(s.totals.held == 4)
        #expect(s.totals.heldSeconds == 2100)
        #expect(s.totals.due == 1)
        #expect(s.totals.missed == 0)
        #expect(s.days.map(\.held) == [1, 3])
        let text = StatsReport.breaks(s, width: 100)
        #expect(text.contains("Held: 4 reminders waited 35 min in all"), "\(text)")
    }

    @Test func noHeldLineNoHeldSentence() {
        let s = BreakStats.compute(day("2026-11-24", due: 2, done: 1), today: date("2026-11-24"), dayCount: 1, goal: 0.8)
        #expect(s.totals.held == 0)
        #expect(!StatsReport.breaks(s, width: 100).contains("Held:"))
    }
}
