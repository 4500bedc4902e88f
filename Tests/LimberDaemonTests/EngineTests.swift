import Glibc
@testable import LimberFiles
import JSON
import LimberCatalog
import LimberConfig
import LimberCore
@testable import LimberDaemon
import LimberProtocol
import Logging
import Testing
import LimberTestSupport

/// Records what the engine asks of the notification service; the server's answers wait until
/// `answer()` delivers them, as the loop would after the notifier's thread heard back.
final class RecordingPresenter: NotificationPresenter {
    var onAction: ((UInt64, String) -> Void)?
    var onShown: ((UInt64, UInt64, Result<UInt32, ShowFailure>) -> Void)?
    var onServerChanged: ((Bool) -> Void)?
    var serverAvailable: Bool? = true
    /// A server is there: shows are recorded and answered with an id.
    var available = true
    /// The server took the calls and says nothing: `answer()` delivers nothing.
    var hung = false
    var shows: [(tag: UInt64, content: NotificationContent, replacing: UInt32?)] = []
    var closes: [UInt64] = []
    var nextID: UInt32 = 100
    private var nextTicket: UInt64 = 1
    private var unanswered: [(ticket: UInt64, tag: UInt64, result: Result<UInt32, ShowFailure>)] = []

    func show(tag: UInt64, _ content: NotificationContent, replacingServerID: UInt32?) -> UInt64 {
        let ticket = nextTicket
        nextTicket += 1
        if available {
            shows.append((tag, content, replacingServerID))
            nextID += 1
            unanswered.append((ticket, tag, .success(replacingServerID ?? nextID)))
        } else {
            unanswered.append((ticket, tag, .failure(.noServer("org.freedesktop.DBus.Error.ServiceUnknown"))))
        }
        return ticket
    }

    func close(tag: UInt64) { closes.append(tag) }

    /// Delivers the server's answers (and those they lead to), unless it hangs.
    func answer() {
        while !hung, !unanswered.isEmpty {
            let a = unanswered.removeFirst()
            if case .success = a.result { serverAvailable = true } else { serverAvailable = false }
            onShown?(a.ticket, a.tag, a.result)
        }
    }

    /// The hung server finally gives up: every waiting call times out.
    func timeOutAll() {
        let waiting = unanswered
        unanswered = []
        for a in waiting {
            serverAvailable = false
            onShown?(a.ticket, a.tag, .failure(.timedOut))
        }
    }
}

/// A clock the test moves by hand.
final class ManualClock: DaemonClock {
    var moment = Moment(monotonic: .seconds(5000), boottime: .seconds(5000),
                        wall: .seconds(1_795_000_000), utcOffsetSeconds: 0)
    /// Real delays are scheduler delays divided by this (timers of tests that run the loop).
    var realScale: Int64 = 1
    func now() -> Moment { moment }
    func realDelay(_ d: Duration) -> Duration { d / realScale }
    func advance(_ d: Duration) {
        moment.monotonic += d
        moment.boottime += d
        moment.wall += d
    }
}

struct EngineFixture {
    let folder: String
    let loop = PollLoop()
    let clock = ManualClock()
    let presenter = RecordingPresenter()
    let store: StateStore
    let history: HistoryLog

    init(folder: String) throws {
        self.folder = folder
        store = try StateStore(directory: folder + "/state")
        history = try HistoryLog(directory: folder + "/state", host: "testhost")
    }

    func engine(bootID: String = "boot-1", settings: DaemonSettings = DaemonSettings(), safetyNotice: Bool = false,
                load: @escaping () -> Result<DaemonSettings, ConfigFailure> = { .success(DaemonSettings()) }) -> Engine {
        Engine(settings: Self.withBuiltIns(settings), loop: loop, clock: clock, presenter: presenter,
               systemd: SystemdNotifier(), store: store, history: history, logger: Logger(label: "test"), bootID: bootID,
               showsSafetyNotice: safetyNotice, loadSettings: { load().map(Self.withBuiltIns) })
    }

    /// Settings as limberd's main hands them over: with the built-in catalog.
    static func withBuiltIns(_ settings: DaemonSettings) -> DaemonSettings {
        var s = settings
        s.builtInCatalog = CatalogProvider { BuiltInCatalog.catalog }
        return s
    }

    func request(_ engine: Engine, _ r: Request) -> Response {
        presenter.answer()
        defer { presenter.answer() }
        var line = engine.handle(requestLine: r.encoded().dropLast().map { $0 })
        #expect(line.last == UInt8(ascii: "\n"))
        line.removeLast()
        guard let response = Response.decode(line) else {
            Issue.record("undecodable answer \(String(decoding: line, as: UTF8.self))")
            return .failure(.internal, "undecodable")
        }
        return response
    }

    func outcomes() throws -> [String] {
        try history.readLines().map { try JSON.decode(HistoryEntry.self, from: $0).outcome.rawValue }
    }
}

@Suite(.serialized) struct EngineTests {
    @Test func answersFromTheCLIShowRecordAndClose() throws {
        try withTemporaryFolder { folder in
            let f = try EngineFixture(folder: folder)
            let e = f.engine()
            e.start()
            let now = f.request(e, .now(.posture))
            #expect(now.ok)
            #expect(now.status?.due?.kind == .posture)
            #expect(f.presenter.shows.count == 1)
            let keys = f.presenter.shows[0].content.actions.map(\.key)
            #expect(keys == ["default", "done", "snooze", "skip"])
            let done = f.request(e, .done)
            #expect(done.ok)
            #expect(done.message?.hasPrefix("posture check done") == true)
            #expect(f.presenter.closes == [f.presenter.shows[0].tag])
            #expect(try f.outcomes() == ["shown", "done"])
        }
    }

    @Test func refusalsCarryTheirCodes() throws {
        try withTemporaryFolder { folder in
            let f = try EngineFixture(folder: folder)
            let e = f.engine()
            e.start()
            #expect(f.request(e, .snooze(seconds: nil)).error?.code == .nothingDue)
            #expect(f.request(e, .resume).error?.code == .notPaused)
            #expect(f.request(e, .pause(seconds: nil, until: nil)).ok)
            #expect(f.request(e, .now(.routine)).error?.code == .paused)
            var garbage = Array("{oops".utf8)
            let answer = e.handle(requestLine: garbage)
            garbage = answer.dropLast().map { $0 }
            #expect(Response.decode(garbage)?.error?.code == .badJSON)
        }
    }

    @Test func notificationActionsAnswerTheirOwnReminderOnly() throws {
        try withTemporaryFolder { folder in
            let f = try EngineFixture(folder: folder)
            let e = f.engine()
            e.start()
            _ = f.request(e, .now(.posture))
            let tag = f.presenter.shows[0].tag
            f.presenter.onAction?(tag + 7, "done")  // a stale notification
            #expect(e.scheduler.state.prompt != nil)
            f.presenter.onAction?(tag, "snooze")
            #expect(e.scheduler.state.prompt == nil)
            #expect(try f.outcomes() == ["shown", "snoozed"])
            #expect(f.request(e, .status).status?.next.first { $0.kind == .posture }?.inSeconds == 300)
        }
    }

    @Test func aClickOnAReminderSnoozesAndNeverCountsAsABreak() throws {
        try withTemporaryFolder { folder in
            let f = try EngineFixture(folder: folder)
            let e = f.engine()
            e.start()
            _ = f.request(e, .now(.routine))
            f.presenter.onAction?(f.presenter.shows[0].tag, "default")
            #expect(e.scheduler.state.prompt == nil)
            #expect(try f.outcomes() == ["shown", "snoozed"])
        }
    }

    @Test func theLastSnoozeRemovesTheSnoozeButton() throws {
        try withTemporaryFolder { folder in
            let f = try EngineFixture(folder: folder)
            let e = f.engine()
            e.start()
            for _ in 0..<3 {
                _ = f.request(e, .now(.posture))
                #expect(f.request(e, .snooze(seconds: 60)).ok)
            }
            _ = f.request(e, .now(.posture))
            #expect(f.presenter.shows.last?.content.actions.map(\.key) == ["done", "skip"], "a click only dismisses")
            #expect(f.request(e, .snooze(seconds: 60)).error?.code == .snoozeLimit)
        }
    }

    @Test func aRestartTakesOverTheReminderOnScreenInPlace() throws {
        try withTemporaryFolder { folder in
            let f = try EngineFixture(folder: folder)
            let first = f.engine()
            first.start()
            _ = f.request(first, .now(.posture))
            let serverID: UInt32 = 101
            #expect(f.presenter.shows.last?.replacing == nil)
            // Killed: no stop(). The next daemon of the same boot continues.
            f.clock.advance(.seconds(2))
            let second = f.engine()
            second.start()
            #expect(f.presenter.shows.count == 2)
            #expect(f.presenter.shows[1].replacing == serverID, "replaced in place, not shown twice")
            #expect(try f.outcomes() == ["shown"], "a take-over is not a new reminder")
            #expect(f.request(second, .status).status?.due?.shown == 1)
        }
    }

    @Test func aCleanStopDoesNotCountTheDowntimeButKeepsTheElapsedTime() throws {
        try withTemporaryFolder { folder in
            let f = try EngineFixture(folder: folder)
            let first = f.engine()
            first.start()
            f.clock.advance(.seconds(600))
            first.stop()
            f.clock.advance(.seconds(900))
            let second = f.engine()
            second.start()
            let posture = f.request(second, .status).status?.next.first { $0.kind == .posture }
            #expect(posture?.elapsedSeconds == 600)
        }
    }

    @Test func aKillInTheSameBootCountsUpToTheRestart() throws {
        try withTemporaryFolder { folder in
            let f = try EngineFixture(folder: folder)
            let first = f.engine()
            first.start()
            f.clock.advance(.seconds(600))  // running; nothing saved since the start
            let second = f.engine()
            second.start()
            let posture = f.request(second, .status).status?.next.first { $0.kind == .posture }
            #expect(posture?.elapsedSeconds == 600)
            // A different boot: the old monotonic clock means nothing, so only what was saved counts.
            f.clock.advance(.seconds(300))
            let third = f.engine(bootID: "boot-2")
            third.start()
            #expect(f.request(third, .status).status?.next.first { $0.kind == .posture }?.elapsedSeconds == 600)
        }
    }

    @Test func anUnreadableStateFileIsKeptAsideAndAFreshScheduleStarts() throws {
        try withTemporaryFolder { folder in
            let f = try EngineFixture(folder: folder)
            try f.store.write(Array("{not json".utf8), to: "state.json")
            let e = f.engine()
            e.start()
            #expect(try f.store.read("state.json.unreadable") == Array("{not json".utf8))
            #expect(f.request(e, .status).ok)
        }
    }

    @Test func aFailedReloadKeepsTheOldSettingsAndReportsEveryDiagnostic() throws {
        try withTemporaryFolder { folder in
            let f = try EngineFixture(folder: folder)
            var outcome: Result<DaemonSettings, ConfigFailure> = .failure(
                ConfigFailure(summary: "config.toml has 2 errors", diagnostics: ["config.toml:1:1: error: a", "config.toml:2:1: error: b"]))
            let e = f.engine(load: { outcome })
            e.start()
            let refused = f.request(e, .reload)
            #expect(refused.error?.code == .configInvalid)
            #expect(refused.error?.details?.count == 2)
            #expect(e.settings == EngineFixture.withBuiltIns(DaemonSettings()))
            var schedule = ScheduleSettings()
            schedule.snoozeDefault = .seconds(600)
            outcome = .success(DaemonSettings(schedule: schedule, configPath: "/x/config.toml"))
            let ok = f.request(e, .reload)
            #expect(ok.ok)
            #expect(ok.status?.configPath == "/x/config.toml")
            _ = f.request(e, .now(.posture))
            #expect(f.presenter.shows.last?.content.actions.first { $0.key == "snooze" }?.label == "Snooze 10 min")
        }
    }

    @Test func theConfiguredUrgencyAppliesUntilTheLastShowing() throws {
        try withTemporaryFolder { folder in
            let f = try EngineFixture(folder: folder)
            let e = f.engine(settings: DaemonSettings(urgency: .low))
            e.start()
            _ = f.request(e, .now(.posture))
            #expect(f.presenter.shows.last?.content.urgency == .low)
            for _ in 0..<2 {
                f.clock.advance(.seconds(300))
                e.dispatch(.tick)
                f.presenter.answer()
            }
            #expect(f.presenter.shows.map(\.content.urgency) == [.low, .low, .critical])
        }
    }

    @Test func aHungServerLeavesNoShownLineAndTheAnswerStillCounts() throws {
        try withTemporaryFolder { folder in
            let f = try EngineFixture(folder: folder)
            let e = f.engine()
            e.start()
            f.presenter.hung = true
            _ = f.request(e, .now(.posture))
            #expect(f.presenter.shows.count == 1, "sent; the engine did not wait for it")
            #expect(try f.outcomes() == [], "nothing says shown while the server says nothing")
            let s = try #require(f.request(e, .status).status)
            #expect(s.due?.kind == .posture)
            f.presenter.timeOutAll()
            #expect(try f.outcomes() == ["unshown"])
            #expect(try f.history.readLines().last.map { try JSON.decode(HistoryEntry.self, from: $0).reason } == "timeout")
            // Re-shows are tries of the same showing: never missed, never "reshown".
            for _ in 0..<4 {
                f.clock.advance(.seconds(300))
                e.dispatch(.tick)
                f.presenter.timeOutAll()
            }
            #expect(try f.outcomes() == ["unshown"])
            #expect(f.request(e, .status).status?.due?.shown == 1)
            #expect(f.request(e, .done).ok)
            #expect(try f.outcomes() == ["unshown", "done"])
            #expect(f.request(e, .status).status?.today.due == 1)
        }
    }

    @Test func aServerThatAppearsShowsTheReminderNobodySaw() throws {
        try withTemporaryFolder { folder in
            let f = try EngineFixture(folder: folder)
            f.presenter.available = false
            let e = f.engine()
            e.start()
            _ = f.request(e, .now(.posture))
            #expect(f.presenter.shows.isEmpty)
            #expect(try f.outcomes() == ["unshown"])
            f.presenter.available = true
            f.presenter.onServerChanged?(true)
            #expect(f.presenter.shows.count == 1, "shown as the server appears")
            f.presenter.answer()
            #expect(try f.outcomes() == ["unshown", "reshown"])
            f.presenter.onServerChanged?(true)  // told again: it is on screen already
            #expect(f.presenter.shows.count == 1)
            // The server leaves and comes back: what it showed went with it.
            f.presenter.onServerChanged?(false)
            f.presenter.onServerChanged?(true)
            #expect(f.presenter.shows.count == 2)
            #expect(f.presenter.shows[1].replacing == nil, "the old server's id means nothing to the new one")
        }
    }

    @Test func theSafetyNoticeWaitsForNothingAndIsNotRetriedIntoAHungServer() throws {
        try withTemporaryFolder { folder in
            let f = try EngineFixture(folder: folder)
            f.presenter.hung = true
            let e = f.engine(safetyNotice: true)
            e.start()
            _ = f.request(e, .now(.posture))
            #expect(f.presenter.shows.map(\.tag) == [CoachTag.safety, 1])
            f.presenter.timeOutAll()
            #expect(!e.coach.state.safetyNoticeShown)
            f.clock.advance(.seconds(300))
            e.dispatch(.tick)
            #expect(f.presenter.shows.map(\.tag) == [CoachTag.safety, 1, 1], "no new try into a hung server")
            f.presenter.hung = false
            f.presenter.onServerChanged?(true)
            f.presenter.answer()
            f.clock.advance(.seconds(300))
            e.dispatch(.tick)
            f.presenter.answer()
            #expect(f.presenter.shows.map(\.tag).filter { $0 == CoachTag.safety }.count == 2)
            #expect(e.coach.state.safetyNoticeShown, "shown once a server answered for it")
        }
    }

    @Test func withoutAServerRemindersStayInTheStatus() throws {
        try withTemporaryFolder { folder in
            let f = try EngineFixture(folder: folder)
            f.presenter.available = false
            let e = f.engine()
            e.start()
            _ = f.request(e, .now(.posture))
            let s = f.request(e, .status).status
            #expect(s?.due?.kind == .posture)
            #expect(s?.notifications == "unavailable")
        }
    }

    @Test func theWakeTimerTicksTheSchedulerAtTheDueTime() throws {
        try withTemporaryFolder { folder in
            let f = try EngineFixture(folder: folder)
            let e = f.engine()
            e.start()
            // Move the clock to the due time, then let the loop fire the armed timer.
            let remaining = e.scheduler.state.posture.interval
            f.clock.advance(remaining)
            e.rescheduleWake(at: f.clock.now())
            #expect(f.loop.run(until: { !f.presenter.shows.isEmpty }, timeout: .seconds(5)))
            #expect(f.presenter.shows.first?.content.summary == "Posture check")
        }
    }
}

/// A history that can be told to fail, as a full or broken disk would.
final class FlakyHistory: HistoryAppending {
    var failing = false
    var lines: [[UInt8]] = []
    var durableFlags: [Bool] = []

    func append(_ lines: [[UInt8]], durable: Bool) throws {
        if failing {
            throw PathError(path: "/state/history-testhost.jsonl", code: ENOSPC,
                            message: "cannot append to the history file /state/history-testhost.jsonl: No space left on device")
        }
        self.lines += lines
        durableFlags.append(durable)
    }
}

@Suite(.serialized) struct EngineHistoryDurabilityTests {
    func engine(_ f: EngineFixture, history: FlakyHistory) -> Engine {
        Engine(settings: DaemonSettings(), loop: f.loop, clock: f.clock, presenter: f.presenter, systemd: SystemdNotifier(),
               store: f.store, history: history, logger: Logger(label: "test"), bootID: "boot-1",
               loadSettings: { .success(DaemonSettings()) })
    }

    @Test func everyAnswerIsWrittenDurablyBeforeItIsAcknowledged() throws {
        try withTemporaryFolder { folder in
            let f = try EngineFixture(folder: folder)
            let history = FlakyHistory()
            let e = engine(f, history: history)
            e.start()
            #expect(f.request(e, .now(.posture)).ok)
            #expect(f.request(e, .done).ok)
            #expect(f.request(e, .done).ok)  // early
            let outcomes = try history.lines.map { try JSON.decode(HistoryEntry.self, from: $0).outcome }
            #expect(outcomes == [.shown, .done, .done])
            #expect(history.durableFlags == [true, true, true])
        }
    }

    @Test func anAnswerThatCannotBeSavedIsNotAcknowledged() throws {
        try withTemporaryFolder { folder in
            let f = try EngineFixture(folder: folder)
            let history = FlakyHistory()
            let e = engine(f, history: history)
            e.start()
            #expect(f.request(e, .now(.posture)).ok)
            history.failing = true
            let done = f.request(e, .done)
            #expect(!done.ok)
            #expect(done.error?.code == .internal)
            #expect(done.error?.message.contains("could not save it to the history file") == true)
            #expect(done.error?.message.contains("No space left on device") == true)
            // Requests that write nothing are unaffected, and the next good write is acknowledged.
            #expect(f.request(e, .status).ok)
            history.failing = false
            #expect(f.request(e, .done).ok)
        }
    }
}
