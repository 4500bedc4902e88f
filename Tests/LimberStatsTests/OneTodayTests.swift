import LimberCore
@testable import LimberStats
import Testing

/// `limber status`'s "today" (the scheduler's `DayCounts`) and `limber stats`'s day (counted
/// from the history records the scheduler wrote) are one definition: they agree after every
/// event, also while a reminder is snoozed, and start over together at midnight.
@Suite struct OneTodayTests {
    struct Day {
        var now: Moment
        var scheduler: Scheduler
        var records: [HistoryRecord] = []

        init() {
            var settings = ScheduleSettings()
            settings.postureMin = .seconds(30 * 60)
            settings.postureMax = .seconds(30 * 60)
            // Monday 2026-11-23 21:00 in CET, three hours before midnight.
            now = Moment(monotonic: .seconds(10_000), boottime: .seconds(10_000),
                         wall: .seconds(LocalDate(year: 2026, month: 11, day: 23).daysSinceEpoch * 86_400 + 20 * 3600),
                         utcOffsetSeconds: 3600)
            scheduler = Scheduler(settings: settings, seed: 7, at: now)
        }

        /// Handles `e`, answering every show as a notification server would.
        mutating func handle(_ e: Event) {
            var pending = [e]
            while !pending.isEmpty {
                for effect in scheduler.handle(pending.removeFirst(), at: now).effects {
                    switch effect {
                    case .record(let r): records.append(r)
                    case .show(let p): pending.append(.notificationShown(promptID: p.id, show: p.show))
                    default: break
                    }
                }
            }
        }

        /// Status's today and the stats' today from the records, side by side.
        func both() -> (status: DayCounts, stats: DayCounts?) {
            let events = records.map {
                StatsEvent(outcome: $0.outcome.rawValue, local: LocalTime(wall: $0.wall, utcOffsetSeconds: $0.utcOffsetSeconds),
                           early: $0.early, seconds: $0.length?.components.seconds)
            }
            let stats = BreakStats.compute(events, today: now.local.date, dayCount: 1, goal: 0.8)
            return (scheduler.status(at: now).today, stats.days.last?.counts)
        }
    }

    @Test func statusAndStatsAgreeAfterEveryEvent() {
        var d = Day()
        var steps = 0
        func step(_ what: String, _ change: (inout Day) -> Void) {
            change(&d)
            let (status, stats) = d.both()
            #expect(stats == status, "after \(what): status says \(status), stats say \(String(describing: stats))")
            steps += 1
        }
        func minutes(_ n: Int, _ what: String) {
            for k in 0..<n {
                step("\(what), minute \(k + 1)") {
                    $0.now.monotonic += .seconds(60)
                    $0.now.boottime += .seconds(60)
                    $0.now.wall += .seconds(60)
                    $0.handle(.tick)
                }
            }
        }
        minutes(31, "working")
        step("snooze") { $0.handle(.answered(.snooze(nil), promptID: nil)) }
        minutes(12, "snoozed")
        step("done") { $0.handle(.answered(.done, promptID: nil)) }
        step("done early") { $0.handle(.answered(.done, promptID: nil)) }
        step("routine now") { $0.handle(.dueNowRequested(.routine)) }
        step("routine skipped") { $0.handle(.answered(.skip, promptID: nil)) }
        minutes(31, "working")
        step("snoozed again") { $0.handle(.answered(.snooze(nil), promptID: nil)) }
        // Into the next day with that snooze open, and on.
        minutes(130, "past midnight")
        #expect(d.now.local.date == LocalDate(year: 2026, month: 11, day: 24))
        let outcomes = Set(d.records.map(\.outcome))
        #expect(outcomes.isSuperset(of: [.shown, .snoozed, .done, .skipped]), "the script covers the answers")
        #expect(d.records.contains { $0.outcome == .done && $0.early }, "and a break taken early")
        #expect(steps > 200)
    }
}
