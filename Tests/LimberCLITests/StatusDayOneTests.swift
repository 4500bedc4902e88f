import LimberCore
import LimberFiles
import LimberProtocol
import Testing
@testable import limber

/// `limber status` after a snooze, with no snoozes left, and outside work hours.
@Suite struct StatusDayOneTests {
    let clock = FixedClock()  // Monday 10:00, UTC+1

    func report(state: String = "active", due: StatusReport.Due? = nil, snoozedUntil: Int64? = nil,
                workHoursStart: Int64? = nil) -> StatusReport {
        var r = StatusReport(state: state, pausedUntil: nil, due: due,
                             next: [.init(kind: .posture, inSeconds: 300, elapsedSeconds: 60, intervalSeconds: 1980,
                                          snoozedUntil: snoozedUntil),
                                    .init(kind: .routine, inSeconds: 2400, elapsedSeconds: 1200, intervalSeconds: 3600)],
                             today: .init(due: 3, done: 2, snoozed: 1, skipped: 0, missed: 0),
                             notifications: "available", version: "0.1.0", pid: 1, configPath: nil)
        r.workHoursStart = workHoursStart
        return r
    }

    @Test func aSnoozedCheckSaysUntilWhen() {
        let text = StatusText.render(report(snoozedUntil: clock.nowSeconds + 300), clock: clock)
        #expect(text.contains("Next posture check  snoozed until 10:05  (1 min of 33 min active time)"), "\(text)")
        #expect(text.contains("Next routine        in 40 min"), "\(text)")
    }

    @Test func noSnoozesLeftSuggestsNoSnooze() {
        let due = StatusReport.Due(kind: .posture, promptID: 4, shown: 3, snoozesLeft: 0, since: clock.nowSeconds - 300)
        let text = StatusText.render(report(due: due), clock: clock)
        #expect(text.contains("no snoozes left"))
        #expect(!text.contains("limber snooze"), "\(text)")
        #expect(text.contains("Answer with 'limber done' or 'limber skip'."), "\(text)")
        let some = StatusReport.Due(kind: .posture, promptID: 4, shown: 1, snoozesLeft: 2, since: clock.nowSeconds)
        #expect(StatusText.render(report(due: some), clock: clock).contains("'limber snooze [DURATION]'"))
    }

    @Test func outsideWorkHoursTheNextCheckComesAfterTheyStart() {
        // Work starts again tomorrow at 09:00 local (08:00 UTC).
        let start = clock.nowSeconds - 3600 + 86_400
        let text = StatusText.render(report(state: "off-hours", workHoursStart: start), clock: clock)
        #expect(text.contains("Outside work hours until tomorrow 09:00: active time is not counting."), "\(text)")
        #expect(text.contains("Next posture check  tomorrow after 09:00  (1 min of 33 min active time)"), "\(text)")
        #expect(!text.contains("in 5 min"), "\(text)")
    }

    @Test func theDailyRoutineIsInTheStatus() {
        var r = report()
        r.daily = .init(routine: "daily-upper-back-standing", title: "Daily upper-back routine (standing)",
                        since: clock.nowSeconds - 600, snoozedUntil: nil, snoozesLeft: 3)
        let text = StatusText.render(r, clock: clock)
        #expect(text.contains("Daily routine: Daily upper-back routine (standing), offered at 09:50 (3 snoozes left)."),
                "\(text)")
        #expect(text.contains("Walk through it with 'limber start', or answer with 'limber done', "
                              + "'limber snooze [DURATION]' or 'limber skip' (not today)."), "\(text)")
        r.daily?.snoozedUntil = clock.nowSeconds + 900
        #expect(StatusText.render(r, clock: clock).contains("Daily routine: Daily upper-back routine (standing), "
                                                           + "snoozed until 10:15."))
    }

    @Test func theDailyRoutineInTheHistory() {
        func event(_ outcome: String, seconds: Int64? = nil) -> HistoryEvent {
            HistoryEvent(id: "d", host: "h", outcome: outcome, ts: 0, kind: "routine", seconds: seconds, reason: "daily",
                         routine: "daily-upper-back")
        }
        #expect(HistoryExport.describe(event("shown")) == "daily routine offered (daily-upper-back)")
        #expect(HistoryExport.describe(event("skipped")) == "daily routine skipped (not today) (daily-upper-back)")
        #expect(HistoryExport.describe(event("snoozed", seconds: 600)) == "daily routine snoozed for 10 min (daily-upper-back)")
        #expect(HistoryExport.describe(HistoryEvent(id: "p", host: "h", outcome: "paused", ts: 0, untilTs: 1),
                                       until: "14:30") == "reminders paused until 14:30")
        #expect(HistoryExport.describe(HistoryEvent(id: "p", host: "h", outcome: "paused", ts: 0, seconds: 90_000,
                                                    untilTs: 1), until: "tomorrow") == "reminders paused for 25 h")
    }

    @Test func standingBlocks() {
        var r = report()
        r.standing = .init(until: clock.nowSeconds + 900, next: clock.nowSeconds + 5 * 3600)
        #expect(StatusText.render(r, clock: clock).contains("Standing block until 10:15.\n"))
        r.standing = .init(until: nil, next: clock.nowSeconds + 5 * 3600)
        #expect(StatusText.render(r, clock: clock).contains("Next standing block at 15:00.\n"))
    }
}
