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
        #expect(String(decoding: StatusJSON.encode(report()), as: UTF8.self).hasPrefix(#"{"config_digest":null,"config_path":null,"daily":null,"due":null,"guide":null,"next":[{"elapsed_seconds":1080,"#))
    }

    @Test func durationArgumentsReadLikeTheConfig() throws {
        #expect(try parseDurationArgument("1h30m") == 5400)
        #expect(throws: (any Error).self) { try parseDurationArgument("0s") }
        #expect(throws: (any Error).self) { try parseDurationArgument("ten") }
    }
}

@Suite struct PresenceTextTests {
    let clock = FixedClock()

    func report(away: Bool) -> StatusReport {
        let sources: [StatusReport.Presence.Source] = [
            .init(name: "logind_idle", live: true, policy: "count", via: "logind session 2", problem: nil),
            .init(name: "lock", live: true, policy: "pause", via: "logind session 2", problem: nil),
            .init(name: "sleep", live: true, policy: "count", via: "logind, clocks", problem: nil),
            .init(name: "mutter_idle", live: false, policy: "count", via: nil, problem: "no Mutter idle monitor"),
            .init(name: "screensaver", live: false, policy: "ignore", via: nil, problem: "no screen saver"),
        ]
        let since = clock.nowSeconds - 25 * 60
        return StatusReport(
            state: "active", pausedUntil: nil, due: nil,
            next: [.init(kind: .posture, inSeconds: 0, elapsedSeconds: 1800, intervalSeconds: 1800)],
            today: .init(due: 1, done: 0, naturalBreaks: 2), notifications: "available", version: "0.1.0", pid: 1,
            configPath: nil,
            presence: .init(state: away ? "away" : "present", awaySince: away ? since : nil,
                            lastActive: away ? since : clock.nowSeconds, awayBy: away ? ["lock", "sleep"] : [],
                            sources: sources))
    }

    @Test func awaySaysSinceWhenAndWhy() {
        let text = StatusText.render(report(away: true), clock: clock)
        #expect(text.hasPrefix("""
            Last seen active 09:35; away since then (screen locked, asleep).
              Reminders wait until you are back.

            """))
        #expect(text.contains("Today: 1 due, 0 done, 0 snoozed, 0 skipped, 0 missed, 2 natural breaks.\n"))
        #expect(text.hasSuffix("""
            Time away: watching logind_idle, lock [pause] (logind session 2), sleep (logind, clocks); \
            not found: mutter_idle, screensaver [ignored].

            """))
    }

    @Test func presentSaysNothingOfAnAbsence() {
        let text = StatusText.render(report(away: false), clock: clock)
        #expect(!text.contains("Last seen active"))
        #expect(text.contains("Time away: watching"))
    }

    @Test func presenceJSONHasEveryKey() throws {
        let json = String(decoding: StatusJSON.encode(report(away: false)), as: UTF8.self)
        #expect(json.contains(#""presence":{"away_by":[],"away_since":null,"last_active":"#))
        #expect(json.contains(#"{"live":false,"name":"mutter_idle","policy":"count","problem":"no Mutter idle monitor","via":null}"#))
        #expect(json.contains(#""natural_breaks":2"#))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        for away in [true, false] {
            #expect(StatusJSON.encode(report(away: away)) == [UInt8](try encoder.encode(report(away: away))))
            #expect(try JSON.decode(StatusReport.self, from: StatusJSON.encode(report(away: away))) == report(away: away))
        }
        // A status from a limberd without presence still decodes.
        let old = #"{"config_path":null,"due":null,"next":[],"notifications":"unknown","paused_until":null,"pid":1,"state":"active","today":{"done":0,"due":0,"missed":0,"skipped":0,"snoozed":0},"version":"0.1.0"}"#
        let decoded = try JSON.decode(StatusReport.self, from: Array(old.utf8))
        #expect(decoded.presence == nil)
        #expect(decoded.today.naturalBreaks == 0)
    }
}
