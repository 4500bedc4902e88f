@testable import LimberDaemon
import LimberProtocol
import Logging
import Testing
import LimberTestSupport

/// The debug-only request that moves the scaled clock on, which the integration tests use
/// instead of sleeping.
@Suite(.serialized) struct DebugAdvanceTests {
    func send(_ engine: Engine, _ f: EngineFixture, _ text: String) -> Response? {
        var line = engine.handle(requestLine: Array(text.utf8))
        f.presenter.answer()
        #expect(line.last == UInt8(ascii: "\n"))
        line.removeLast()
        return Response.decode(line)
    }

    func engine(_ f: EngineFixture, clock: DaemonClock) -> Engine {
        Engine(settings: DaemonSettings(), loop: f.loop, clock: clock, presenter: f.presenter,
               systemd: SystemdNotifier(), store: f.store, history: f.history, logger: Logger(label: "test"),
               bootID: "boot-1", showsSafetyNotice: false, loadSettings: { .success(DaemonSettings()) })
    }

    @Test func advancingTheScaledClockBringsTheNextReminderDueAtOnce() throws {
        try withTemporaryFolder { folder in
            let f = try EngineFixture(folder: folder)
            let clock = ScaledClock(scale: 60)
            let e = engine(f, clock: clock)
            e.start()
            defer { e.stop() }
            let before = try #require(send(e, f, #"{"v":1,"cmd":"status"}"#)?.status)
            let posture = try #require(before.next.first { $0.kind == .posture })
            #expect(f.presenter.shows.isEmpty)

            let halfway = try #require(send(e, f, #"{"v":1,"cmd":"debug-advance","seconds":\#(posture.inSeconds / 2)}"#))
            #expect(halfway.ok, "\(halfway)")
            let waiting = try #require(halfway.status?.next.first { $0.kind == .posture })
            #expect(waiting.elapsedSeconds >= posture.inSeconds / 2, "the active time moved on")
            #expect(f.presenter.shows.isEmpty, "not due yet")
            #expect(clock.skipped == .seconds(posture.inSeconds / 2))

            let due = try #require(send(e, f, #"{"v":1,"cmd":"debug-advance","seconds":\#(posture.inSeconds - posture.inSeconds / 2 + 5)}"#))
            #expect(due.status?.due?.kind == .posture, "\(due)")
            #expect(f.presenter.shows.count == 1, "shown by the advance, with no timer run")
            #expect(try f.outcomes() == ["shown"])
        }
    }

    @Test func withoutTheScaledClockOrWithoutSecondsItIsRefused() throws {
        try withTemporaryFolder { folder in
            let f = try EngineFixture(folder: folder)
            let e = f.engine()
            e.start()
            defer { e.stop() }
            let plain = send(e, f, #"{"v":1,"cmd":"debug-advance","seconds":60}"#)
            #expect(plain?.error?.code == .badRequest)
            #expect(plain?.error?.message.contains("LIMBER_TEST_SCALE") == true)
            #expect(f.presenter.shows.isEmpty)

            let scaled = engine(f, clock: ScaledClock(scale: 60))
            for bad in [#"{"v":1,"cmd":"debug-advance"}"#, #"{"v":1,"cmd":"debug-advance","seconds":0}"#,
                        #"{"v":1,"cmd":"debug-advance","seconds":-5}"#] {
                #expect(send(scaled, f, bad)?.error?.code == .badRequest, "\(bad)")
            }
        }
    }

    @Test func theProtocolItselfDoesNotKnowIt() {
        // A release build has no testing hook in front of the protocol: it answers this.
        guard case .failure(let e) = Request.decode(Array(#"{"v":1,"cmd":"debug-advance","seconds":60}"#.utf8)) else {
            Issue.record("the protocol decoded debug-advance")
            return
        }
        #expect(e.code == .unknownCommand)
    }

    @Test func scaledTimeNeverRunsBackwards() {
        let clock = ScaledClock(scale: 60, skipped: .seconds(120))
        let first = clock.now()
        clock.advance(by: .seconds(-600))
        let second = clock.now()
        #expect(clock.skipped == .seconds(120))
        #expect(second.monotonic >= first.monotonic)
        // Both clocks move together, so an advance is never taken for a suspend (the two are
        // read a few microseconds apart, times the scale).
        let drift = (second.boottime - second.monotonic) - (first.boottime - first.monotonic)
        #expect(drift < .seconds(1) && drift > .seconds(-1), "\(drift)")
    }
}
