import LimberProtocol
import Testing
@testable import LimberDaemon
import LimberTestSupport

@Suite(.serialized) struct StatusReportTests {
    @Test func aSnoozeIsReportedWithItsEndInRealTime() throws {
        try withTemporaryFolder { folder in
            let f = try EngineFixture(folder: folder)
            f.clock.realScale = 60  // the debug build's scaled clock: 5 min of active time in 5 s
            let e = f.engine()
            e.start()
            _ = f.request(e, .now(.posture))
            #expect(f.request(e, .snooze(seconds: 300)).ok)
            let status = try #require(f.request(e, .status).status)
            let posture = try #require(status.next.first { $0.kind == .posture })
            #expect(posture.snoozedUntil == f.clock.moment.wall.components.seconds + 5)
            #expect(posture.inSeconds == 300)
            #expect(posture.elapsedSeconds == 0)
            #expect(status.next.first { $0.kind == .routine }?.snoozedUntil == nil)
            #expect(status.workHoursStart == nil)
        }
    }

    @Test func theStatusNamesTheConfigAsRead() throws {
        try withTemporaryFolder { folder in
            let f = try EngineFixture(folder: folder)
            var settings = DaemonSettings(configPath: "/c/config.toml")
            settings.configDigest = "0123456789abcdef"
            let e = f.engine(settings: settings)
            e.start()
            let status = try #require(f.request(e, .status).status)
            #expect(status.configPath == "/c/config.toml")
            #expect(status.configDigest == "0123456789abcdef")
        }
    }
}
