import Glibc
@testable import LimberFiles
import JSON
import LimberCore
@testable import LimberDaemon
import LimberProtocol
import Logging
import Testing
import LimberTestSupport

/// A clock whose scheduler time runs `scale` times faster than real time, like ScaledClock.
final class ScaledManualClock: DaemonClock {
    let base = ManualClock()
    let scale: Int64
    init(scale: Int64) { self.scale = scale }
    func now() -> Moment { base.now() }
    func realDelay(_ d: Duration) -> Duration { d / scale }
    func schedulerDuration(_ real: Duration) -> Duration { real * scale }
}

@Suite(.serialized) struct PresenceEngineTests {
    @Test func awayReportsDriveTheSchedulerInItsOwnTime() throws {
        try withTemporaryFolder { folder in
            let f = try EngineFixture(folder: folder)
            let clock = ScaledManualClock(scale: 60)
            let e = Engine(settings: DaemonSettings(), loop: f.loop, clock: clock, presenter: f.presenter,
                           systemd: SystemdNotifier(), store: f.store, history: f.history, logger: Logger(label: "test"),
                           bootID: "boot-1", loadSettings: { .success(DaemonSettings()) })
            e.start()
            clock.base.advance(.seconds(600))
            // Mutter's two real seconds are two minutes of scheduler time at 60x.
            e.awayReported(.mutterIdle, away: true, idleFor: .seconds(2))
            let away = e.report(at: clock.now()).presence
            #expect(away?.state == "away")
            #expect(away?.awayBy == ["mutter_idle"])
            #expect(away?.awaySince == clock.now().wall.components.seconds - 120)
            #expect(e.scheduler.status(at: clock.now()).next.first { $0.kind == .posture }?.elapsed == .seconds(480))
            clock.base.advance(.seconds(240))
            e.awayReported(.mutterIdle, away: false, idleFor: .zero)
            #expect(try f.outcomes() == ["natural-break"])
            let entry = try JSON.decode(HistoryEntry.self, from: try f.history.readLines()[0])
            #expect(entry.seconds == 360)
            #expect(entry.reason == "mutter_idle")
            #expect(e.report(at: clock.now()).today.naturalBreaks == 1)
        }
    }

    @Test func withoutAMonitorOnlyTheClocksAreWatched() throws {
        try withTemporaryFolder { folder in
            let f = try EngineFixture(folder: folder)
            let e = f.engine()
            e.start()
            let p = try #require(e.report(at: f.clock.now()).presence)
            #expect(p.state == "present")
            #expect(p.lastActive == f.clock.now().wall.components.seconds)
            #expect(p.sources.map(\.name) == ["logind_idle", "lock", "sleep", "mutter_idle", "wayland_idle", "x11_idle",
                                             "screensaver"])
            #expect(p.sources.filter(\.live).map(\.name) == ["sleep"])
            #expect(p.sources.first { $0.name == "sleep" }?.via == "clocks")
        }
    }

    @Test func policiesComeFromTheSettingsAndReloadReachesTheMonitor() throws {
        try withTemporaryFolder { folder in
            let f = try EngineFixture(folder: folder)
            var changed = DaemonSettings()
            changed.schedule.away.lock = .ignore
            let e = f.engine(load: { .success(changed) })
            var reloaded: DaemonSettings?
            e.onReload = { reloaded = $0 }
            e.start()
            e.reload()
            #expect(reloaded == EngineFixture.withBuiltIns(changed))
            #expect(e.report(at: f.clock.now()).presence?.sources.first { $0.name == "lock" }?.policy == "ignore")
            e.awayReported(.lock, away: true, idleFor: .zero)
            #expect(e.report(at: f.clock.now()).presence?.state == "present")
        }
    }

    @Test func anAbsenceOnASourceThatIsGoneEndsOnceTheSourcesAnswered() throws {
        try withTemporaryFolder { folder in
            let f = try EngineFixture(folder: folder)
            let e = f.engine()
            e.start()
            e.awayReported(.lock, away: true, idleFor: .zero)
            e.awayReported(.screensaver, away: true, idleFor: .zero)
            e.presenceProbed(live: [.lock, .sleep])
            #expect(e.scheduler.state.away?.sources == [.lock])
            e.presenceProbed(live: [.sleep])
            #expect(e.scheduler.state.away == nil)
        }
    }

    @Test func reportsAfterStopAreIgnored() throws {
        try withTemporaryFolder { folder in
            let f = try EngineFixture(folder: folder)
            let e = f.engine()
            e.start()
            e.stop()
            e.awayReported(.lock, away: true, idleFor: .zero)
            #expect(e.scheduler.state.away == nil)
        }
    }

    @Test func theSourcesLineGroupsByOriginAndReason() {
        let line = PresenceMonitor.describe([
            PresenceSourceInfo(source: .logindIdle, via: nil, problem: "no system bus: No such file or directory"),
            PresenceSourceInfo(source: .lock, via: nil, problem: "no system bus: No such file or directory"),
            PresenceSourceInfo(source: .sleep, via: "clocks", problem: nil),
            PresenceSourceInfo(source: .mutterIdle, via: "Mutter idle monitor", problem: nil),
            PresenceSourceInfo(source: .screensaver, via: nil, problem: "no org.freedesktop.ScreenSaver on the session bus"),
        ])
        #expect(line == "time away is watched through sleep (clocks), mutter_idle (Mutter idle monitor); "
                + "not found: logind_idle, lock (no system bus: No such file or directory), "
                + "screensaver (no org.freedesktop.ScreenSaver on the session bus)")
    }
}

@Suite struct AlarmTests {
    @Test func theBootAlarmFiresOnceAndCanBeMovedOrDisarmed() throws {
        let loop = PollLoop()
        var fired = 0
        let alarm = try #require(BootAlarm(loop: loop) { fired += 1 })
        alarm.arm(after: .milliseconds(30))
        #expect(loop.run(until: { fired == 1 }, timeout: .seconds(5)))
        loop.run(for: .milliseconds(80))
        #expect(fired == 1, "one-shot")
        alarm.arm(after: .seconds(60))
        alarm.arm(after: .milliseconds(10))  // replaces the earlier arming
        #expect(loop.run(until: { fired == 2 }, timeout: .seconds(5)))
        alarm.arm(after: .milliseconds(20))
        alarm.disarm()
        loop.run(for: .milliseconds(80))
        #expect(fired == 2)
    }

    @Test func theClockStepWatchStaysQuietWhileNobodySetsTheClock() throws {
        // Setting the machine's clock to prove the other half is not something a test may do.
        let loop = PollLoop()
        var steps = 0
        let watch = try #require(ClockStepWatch(loop: loop) { steps += 1 })
        loop.run(for: .milliseconds(100))
        #expect(steps == 0)
        withExtendedLifetime(watch) {}
    }
}
