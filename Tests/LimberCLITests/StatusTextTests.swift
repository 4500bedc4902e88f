import Foundation
import JSON
import LimberCore
import LimberProtocol
import Testing
@testable import limber

struct FixedClock: LocalClock {
    /// Monday 2026-11-23 10:00 in UTC+1.
    var nowSeconds: Int64 = LocalDate(year: 2026, month: 11, day: 23).daysSinceEpoch * 86_400 + 9 * 3600
    func utcOffset(at seconds: Int64) -> Int { 3600 }
}

@Suite struct StatusTextTests {
    let clock = FixedClock()

    func report(state: String = "active", pausedUntil: Int64? = nil, due: StatusReport.Due? = nil,
                notifications: String = "available") -> StatusReport {
        StatusReport(state: state, pausedUntil: pausedUntil, due: due,
                     next: [.init(kind: .posture, inSeconds: 720, elapsedSeconds: 1080, intervalSeconds: 1800),
                            .init(kind: .routine, inSeconds: 2400, elapsedSeconds: 1200, intervalSeconds: 3600)],
                     today: .init(due: 3, done: 2, snoozed: 1, skipped: 0, missed: 0),
                     notifications: notifications, version: "0.1.0", pid: 1, configPath: nil)
    }

    @Test func activeShowsBothNextRemindersAndToday() {
        #expect(StatusText.render(report(), clock: clock) == """
            Next posture check  in 12 min  (18 min of 30 min active time)
            Next routine        in 40 min  (20 min of 1 h active time)
            Today: 3 due, 2 done, 1 snoozed, 0 skipped, 0 missed.

            """)
    }

    @Test func dueSaysHowToAnswer() {
        let due = StatusReport.Due(kind: .posture, promptID: 4, shown: 2, snoozesLeft: 1, since: clock.nowSeconds - 300)
        let text = StatusText.render(report(due: due), clock: clock)
        #expect(text.hasPrefix("Due now: posture check since 09:55 (shown 2×, 1 snooze left).\n  Answer with 'limber done'"))
        #expect(!text.contains("Next posture check"))
        #expect(text.contains("Next routine"))
    }

    @Test func pausedAndNoServer() {
        let text = StatusText.render(report(state: "paused", pausedUntil: clock.nowSeconds + 86_400,
                                            notifications: "unavailable"), clock: clock)
        #expect(text.contains("Paused until tomorrow 10:00; 'limber resume' resumes now."))
        #expect(text.contains("no notification server answered"))
        #expect(StatusText.render(report(state: "paused"), clock: clock).contains("Paused until you run 'limber resume'."))
    }

    @Test func statusJSONIsWhatFoundationWrote() throws {
        let due = StatusReport.Due(kind: .routine, promptID: 9, shown: 1, snoozesLeft: 3, since: clock.nowSeconds)
        for s in [report(), report(state: "paused", pausedUntil: clock.nowSeconds + 60, due: due, notifications: "unknown")] {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            #expect(StatusJSON.encode(s) == [UInt8](try encoder.encode(s)))
            #expect(try JSON.decode(StatusReport.self, from: StatusJSON.encode(s)) == s)
        }
        #expect(String(decoding: StatusJSON.encode(report()), as: UTF8.self).hasPrefix(#"{"config_path":null,"due":null,"guide":null,"next":[{"elapsed_seconds":1080,"#))
    }

    @Test func durationArgumentsReadLikeTheConfig() throws {
        #expect(try parseDurationArgument("1h30m") == 5400)
        #expect(throws: (any Error).self) { try parseDurationArgument("0s") }
        #expect(throws: (any Error).self) { try parseDurationArgument("ten") }
    }
}
