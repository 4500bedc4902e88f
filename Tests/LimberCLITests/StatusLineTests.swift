import JSON
import LimberCore
import LimberProtocol
import Testing
@testable import limber

@Suite struct StatusLineTests {
    let clock = FixedClock()

    func report(state: String = "active", due: StatusReport.Due? = nil, away: Bool = false,
                postureSnoozes: Int = 0, pausedUntil: Int64? = nil) -> StatusReport {
        StatusReport(state: state, pausedUntil: pausedUntil, due: due,
                     next: [.init(kind: .posture, inSeconds: 720, elapsedSeconds: 1080, intervalSeconds: 1800,
                                  snoozes: postureSnoozes),
                            .init(kind: .routine, inSeconds: 2400, elapsedSeconds: 1200, intervalSeconds: 3600)],
                     today: .init(), notifications: "available", version: "0.1.0", pid: 1, configPath: nil,
                     presence: .init(state: away ? "away" : "present", awaySince: away ? clock.nowSeconds - 600 : nil,
                                     lastActive: clock.nowSeconds, awayBy: away ? ["lock"] : [], sources: []))
    }

    func due(held: Bool = false) -> StatusReport.Due {
        .init(kind: .posture, promptID: 3, shown: 1, snoozesLeft: 3, since: clock.nowSeconds, held: held)
    }

    @Test func eachStateHasItsClassAndLine() {
        let cases: [(StatusReport, String, String)] = [
            (report(), "active", "posture check in 12 min"),
            (report(due: due()), "due", "posture check due"),
            (report(due: due(held: true), away: true), "held", "posture check due when you are back"),
            (report(away: true), "away", "away since 09:50"),
            (report(state: "paused", pausedUntil: clock.nowSeconds + 3600), "paused", "paused until 11:00"),
            (report(state: "paused"), "paused", "paused"),
            (report(state: "off-hours"), "off-hours", "outside work hours"),
            (report(postureSnoozes: 1), "snoozed", "snoozed: posture check in 12 min"),
        ]
        for (s, cls, text) in cases {
            #expect(StatusLine.stateClass(s) == cls)
            #expect(StatusLine.render(s, format: .text, age: 0, clock: clock) == text)
        }
    }

    @Test func theCountdownMovesOnlyWhileActiveTimeRuns() {
        #expect(StatusLine.render(report(), format: .text, age: 61, clock: clock) == "posture check in 11 min")
        #expect(StatusLine.render(report(), format: .text, age: 720, clock: clock) == "posture check due")
        #expect(StatusLine.render(report(away: true), format: .text, age: 61, clock: clock) == "away since 09:50")
        #expect(StatusLine.percentage(report(), age: 0) == 60)
        #expect(StatusLine.percentage(report(), age: 180) == 70)
        #expect(StatusLine.percentage(report(state: "paused"), age: 180) == 60)
        #expect(StatusLine.percentage(report(due: due()), age: 0) == 100)
    }

    @Test func theNextWakeIsWhenTheMinutesChange() {
        // 720 s left shows "12 min" until 660 s left: 60 s; after 30 s, 30 s more.
        #expect(StatusLine.nextChange(report(), format: .text, age: 0) == 60)
        #expect(StatusLine.nextChange(report(), format: .text, age: 30) == 30)
        #expect(StatusLine.nextChange(report(), format: .waybar, age: 1) == 59)
        // Nothing moves by itself: no timer at all.
        #expect(StatusLine.nextChange(report(), format: .json, age: 0) == nil)
        #expect(StatusLine.nextChange(report(due: due()), format: .text, age: 0) == nil)
        #expect(StatusLine.nextChange(report(state: "paused"), format: .waybar, age: 0) == nil)
        #expect(StatusLine.nextChange(report(away: true), format: .text, age: 0) == nil)
    }

    @Test func waybarLinesAreOneJSONObjectWithTheFourFields() throws {
        struct Line: Decodable { var text: String; var tooltip: String; var `class`: String; var percentage: Int }
        let text = StatusLine.render(report(due: due()), format: .waybar, age: 0, clock: clock)
        #expect(!text.contains("\n"))
        let line = try JSON.decode(Line.self, from: Array(text.utf8))
        #expect(line.text == "posture check due")
        #expect(line.class == "due")
        #expect(line.percentage == 100)
        #expect(line.tooltip.hasPrefix("Due now: posture check since 10:00"))
        let down = try JSON.decode(Line.self, from: Array(StatusLine.unreachable(format: .waybar, message: "m").utf8))
        #expect(down.class == "unreachable")
    }
}
