import JSON
import LimberCatalog
import LimberCore
import LimberFiles
import LimberProtocol
import Logging
#if canImport(Glibc)
import Glibc
#endif

/// What the engine needs from a notification service; `Notifier` is the libnotify one.
///
/// Nothing in it waits for the server: `show` returns a ticket at once and `onShown` later
/// reports what the server did with it. Callbacks never come from inside `show` or `close`.
public protocol NotificationPresenter: AnyObject {
    var onAction: ((_ tag: UInt64, _ action: String) -> Void)? { get set }
    /// The server's id for a show's ticket, or why it did not show.
    var onShown: ((_ ticket: UInt64, _ tag: UInt64, _ result: Result<UInt32, ShowFailure>) -> Void)? { get set }
    /// A notification server appeared on the session bus (true) or left it (false).
    var onServerChanged: ((_ present: Bool) -> Void)? { get set }
    /// nil until the first attempt.
    var serverAvailable: Bool? { get }
    @discardableResult
    func show(tag: UInt64, _ content: NotificationContent, replacingServerID: UInt32?) -> UInt64
    func close(tag: UInt64)
}

extension Notifier: NotificationPresenter {}

/// The daemon's settings: the schedule plus how reminders look.
public struct DaemonSettings: Sendable, Equatable {
    public var schedule: ScheduleSettings
    public var expiry: NotificationContent.Expiry
    /// Urgency of the first showings; the last re-show is always critical.
    public var urgency: NotificationContent.Urgency
    /// The file they came from; nil for the built-in defaults.
    public var configPath: String?
    /// Equipment, places, and the optional daily routine, sit/stand reminder and step-up.
    public var coach: CoachSettings
    /// The user's own catalog entries, merged over the built-in catalog.
    public var catalog: Catalog
    /// The built-in catalog (limberd's main passes LimberConfig's, parsed on first use).
    public var builtInCatalog: CatalogProvider = .none
    /// `ConfigDigest` of the file's bytes as read; nil for the built-in defaults.
    public var configDigest: String?
    /// Sounds at the end of a guided routine's timed steps and of the routine.
    public var sound = true
    /// Commands run on events.
    public var hooks: HookSettings = .defaults

    public init(schedule: ScheduleSettings = .defaults, expiry: NotificationContent.Expiry = .serverDefault,
                urgency: NotificationContent.Urgency = .normal, configPath: String? = nil,
                coach: CoachSettings = .defaults, catalog: Catalog = Catalog()) {
        self.schedule = schedule
        self.expiry = expiry
        self.urgency = urgency
        self.configPath = configPath
        self.coach = coach
        self.catalog = catalog
    }
}

/// A configuration that could not be used, with every diagnostic.
public struct ConfigFailure: Error, Sendable {
    public var summary: String
    public var diagnostics: [String]

    public init(summary: String, diagnostics: [String]) {
        self.summary = summary
        self.diagnostics = diagnostics
    }
}

/// What the state file holds.
struct SavedState: Codable {
    static let fileName = "state.json"
    var v = 1
    var bootID: String
    /// True when the daemon that wrote it stopped cleanly.
    var clean: Bool
    var scheduler: SchedulerState
    /// Notification server ids of reminders on screen, by prompt id, so a restarted daemon
    /// replaces them in place instead of showing them twice.
    var notificationIDs: [String: UInt32]
    /// Rotations and what the optional features did; absent in files from before the catalog.
    var coach: CoachState?

    enum CodingKeys: String, CodingKey {
        case v, clean, scheduler, coach
        case bootID = "boot_id"
        case notificationIDs = "notification_ids"
    }
}

/// Drives the scheduler: one event at a time, effects carried out in order, state saved after.
public final class Engine {
    let loop: EventLoop
    let clock: DaemonClock
    let presenter: NotificationPresenter
    let systemd: SystemdNotifier
    let store: StateStore
    let history: HistoryAppending
    let logger: Logger
    let host: String
    let bootID: String
    /// Re-reads the configuration for `limber reload` and SIGHUP.
    let loadSettings: () -> Result<DaemonSettings, ConfigFailure>

    public private(set) var settings: DaemonSettings
    public private(set) var scheduler: Scheduler
    var serverIDs: [UInt64: UInt32] = [:]
    /// Prompts this process has shown; others were shown by an earlier process.
    var shownHere: Set<UInt64> = []
    /// Reminder shows waiting for the server's answer, by ticket: what the scheduler is told.
    var pendingShows: [UInt64: Prompt] = [:]
    var wakeTimer: SourceID?
    /// The wake-up on CLOCK_BOOTTIME (see BootAlarm); nil where timerfd is missing, and then
    /// `wakeTimer` on the loop's monotonic clock stands in.
    var wakeAlarm: BootAlarm?
    var clockSteps: ClockStepWatch?
    var watchdogTimer: SourceID?
    /// Who tells the engine the user is away or back; it also lists the sources for status.
    public var presence: PresenceMonitor?
    /// limberd's own sandbox, as status reports it (set once at start-up).
    public var sandbox: StatusReport.Sandbox?
    /// Called with the new settings after a successful reload.
    public var onReload: ((DaemonSettings) -> Void)?
    /// Runs the [hooks] commands (Engine+Hooks.swift); none without it.
    public var hookRunner: HookRunner?
    /// Called after every change of the schedule or the guided routine (status followers).
    public var onStatusChange: (() -> Void)?
    var lastStatusLine = ""
    var pendingRestore: [Effect] = []
    var stopped = false
    /// Why the last dispatch could not write its history, if it could not: a request is then
    /// not acknowledged as done, because the answer is not on disk.
    var historyFailure: String?
    /// Content rotation, the guided routine and the optional features: a state machine
    /// beside the scheduler (LimberCatalog/Coach.swift), driven from Engine+Coach.swift.
    var coach: Coach
    /// The coach's timers and shows in flight, as the loop and the presenter know them.
    var coachCarrier = CoachCarrier()
    /// Show the red flags once, before the first notification (tests of other things turn it off).
    let showsSafetyNotice: Bool

    public init(settings: DaemonSettings, loop: EventLoop, clock: DaemonClock, presenter: NotificationPresenter,
                systemd: SystemdNotifier, store: StateStore, history: HistoryAppending, logger: Logger,
                bootID: String = currentBootID(), showsSafetyNotice: Bool = true,
                loadSettings: @escaping () -> Result<DaemonSettings, ConfigFailure>) {
        self.settings = settings
        self.loop = loop
        self.clock = clock
        self.presenter = presenter
        self.systemd = systemd
        self.store = store
        self.history = history
        self.logger = logger
        self.host = HistoryLog.hostName()
        self.bootID = bootID
        self.loadSettings = loadSettings
        self.showsSafetyNotice = showsSafetyNotice
        var seeds = SystemRandomNumberGenerator()
        var coachState = CoachState(seed: seeds.next())
        let now = clock.now()
        let saved = Self.readSavedState(store: store, logger: logger)
        if let c = saved?.coach { coachState = c }
        coach = Coach(config: Self.coachConfig(settings, showsSafetyNotice: showsSafetyNotice), state: coachState)
        if let saved {
            let credit = saved.bootID == bootID && !saved.clean
            let (restored, effects) = Scheduler.restore(saved.scheduler, settings: settings.schedule,
                                                        creditDowntime: credit, at: now)
            scheduler = restored
            pendingRestore = effects
            for (key, value) in saved.notificationIDs {
                if let id = UInt64(key) { serverIDs[id] = value }
            }
            logger.info("schedule restored", metadata: ["credited_downtime": "\(credit)"])
        } else {
            var rng = SystemRandomNumberGenerator()
            scheduler = Scheduler(settings: settings.schedule, seed: rng.next(), at: now)
        }
        presenter.onAction = { [unowned self] tag, action in self.notificationAction(tag: tag, action: action) }
        presenter.onShown = { [unowned self] ticket, tag, result in self.notificationShown(ticket: ticket, tag: tag, result) }
        presenter.onServerChanged = { [unowned self] present in self.notificationServerChanged(present: present) }
    }

    static func readSavedState(store: StateStore, logger: Logger) -> SavedState? {
        let bytes: [UInt8]?
        do {
            bytes = try store.read(SavedState.fileName)
        } catch {
            logger.error("cannot read the saved schedule; starting a fresh one", metadata: ["error": "\(error)"])
            return nil
        }
        guard let bytes else { return nil }
        do {
            return try JSON.decode(SavedState.self, from: bytes)
        } catch {
            // Keep the unreadable file for inspection rather than overwriting it.
            let aside = SavedState.fileName + ".unreadable"
            try? store.write(bytes, to: aside)
            logger.error("the saved schedule is unreadable; starting a fresh one (the old file is kept as \(aside))",
                         metadata: ["error": "\(error)"])
            return nil
        }
    }

    /// Carries out what restoring asked for, saves, arms the timers and tells systemd.
    public func start() {
        wakeAlarm = BootAlarm(loop: loop) { [unowned self] in
            if !self.stopped { self.dispatch(.tick) }
        }
        clockSteps = ClockStepWatch(loop: loop) { [unowned self] in
            guard !self.stopped else { return }
            self.logger.info("the wall clock was set; work hours and pause ends are looked at again")
            self.dispatch(.tick)
        }
        let now = clock.now()
        perform(pendingRestore, at: now)
        pendingRestore = []
        startCoach(at: now)
        save(clean: false)
        rescheduleWake(at: now)
        if let interval = systemd.watchdogInterval {
            armWatchdog(every: interval / 2)
        }
        updateStatus(at: now)
    }

    /// Saves the schedule as a clean stop and cancels timers. Reminders on screen stay there:
    /// the next start takes them over in place.
    public func stop() {
        guard !stopped else { return }
        stopped = true
        if let wakeTimer { loop.cancel(wakeTimer) }
        wakeAlarm = nil
        clockSteps = nil
        if let watchdogTimer { loop.cancel(watchdogTimer) }
        stopCoach()
        let now = clock.now()
        perform(scheduler.handle(.tick, at: now).effects, at: now)
        save(clean: true)
    }

    // MARK: Events

    @discardableResult
    func dispatch(_ event: Event) -> Transition {
        historyFailure = nil
        let now = clock.now()
        let t = scheduler.handle(event, at: now)
        perform(t.effects, at: now)
        save(clean: false)
        rescheduleWake(at: now)
        updateStatus(at: now)
        return t
    }

    func perform(_ effects: [Effect], at now: Moment) {
        for effect in effects {
            switch effect {
            case .show(let p):
                show(p)
            case .withdraw(let id):
                presenter.close(tag: id)
                serverIDs[id] = nil
                shownHere.remove(id)
            case .record(let r):
                append(r)
                coachSaw(r, at: now)
                runHook(for: r)
            case .watchInputPause(let length):
                watchInputPause(clock.realDelay(length))
            case .unwatchInputPause:
                presence?.unwatchPause()
            }
        }
    }

    func show(_ p: Prompt) {
        // The coach chooses what it shows (and puts the safety notice first, once).
        let content = PromptContent.notification(for: p, showing: chosenContent(for: p),
                                                 snoozeDefault: settings.schedule.snoozeDefault,
                                                 expiry: settings.expiry, urgency: settings.urgency)
        let replacing = shownHere.contains(p.id) ? nil : serverIDs[p.id]
        let ticket = presenter.show(tag: p.id, content, replacingServerID: replacing)
        pendingShows[ticket] = p
        shownHere.insert(p.id)
    }

    // MARK: What the notification server did

    /// The server answered a show (or did not): the scheduler records what really happened.
    func notificationShown(ticket: UInt64, tag: UInt64, _ result: Result<UInt32, ShowFailure>) {
        if CoachTag.isCoach(tag) {
            coachNotificationShown(ticket: ticket, tag: tag, result)
            return
        }
        guard let p = pendingShows.removeValue(forKey: ticket), !stopped else { return }
        switch result {
        case .success(let id):
            if scheduler.state.prompt?.id == p.id { serverIDs[p.id] = id }
            logger.info("\(p.kind.displayName) shown", metadata: [
                "kind": "\(p.kind.rawValue)", "prompt": "\(p.id)", "show": "\(p.show)",
                "urgency": "\(p.isFinal ? "critical" : settings.urgency == .low ? "low" : "normal")",
            ])
            dispatch(.notificationShown(promptID: p.id, show: p.show))
        case .failure(.superseded):
            break  // a later show of the same reminder took its place
        case .failure(let failure):
            logger.notice("\(p.kind.displayName) not shown (\(failure.reason)): \(failure.message)", metadata: [
                "kind": "\(p.kind.rawValue)", "prompt": "\(p.id)", "show": "\(p.show)", "reason": "\(failure.reason)",
            ])
            dispatch(.notificationFailed(promptID: p.id, show: p.show, reason: failure.reason))
        }
    }

    /// A server appeared on the session bus or left it.
    func notificationServerChanged(present: Bool) {
        guard !stopped else { return }
        coachServerChanged(present: present)
        if present {
            dispatch(.notificationServerAppeared)
        } else {
            // Its ids mean nothing to the next server.
            serverIDs.removeAll()
            shownHere.removeAll()
            dispatch(.notificationServerVanished)
        }
    }

    /// Appends to history durably: an answer acknowledged to the CLI is on disk first.
    func append(_ r: HistoryRecord) {
        var rng = SystemRandomNumberGenerator()
        let entry = HistoryEntry(r, id: "", host: host)
        var withID = entry
        withID.id = HistoryEntry.makeID(ts: entry.ts, random: UInt128(rng.next()) << 64 | UInt128(rng.next()))
        do {
            var line = withID.event.line()
            line.append(UInt8(ascii: "\n"))
            try history.append([line], durable: true)
        } catch {
            historyFailure = "\(error)"
            logger.error("cannot append to the history file", metadata: ["error": "\(error)"])
        }
        if r.outcome != .shown, r.outcome != .reshown {
            var meta: Logger.Metadata = ["outcome": "\(r.outcome.rawValue)"]
            if let k = r.kind { meta["kind"] = "\(k.rawValue)" }
            if let id = r.promptID { meta["prompt"] = "\(id)" }
            logger.info("\(r.kind.map { $0.displayName + " " } ?? "reminders ")\(r.outcome.rawValue)", metadata: meta)
        }
    }

    func save(clean: Bool) {
        let ids = Dictionary(uniqueKeysWithValues: serverIDs.filter { $0.key == scheduler.state.prompt?.id }
            .map { (String($0.key), $0.value) })
        let saved = SavedState(bootID: bootID, clean: clean, scheduler: scheduler.state, notificationIDs: ids,
                               coach: coach.state)
        do {
            try store.write(JSON.encode(saved), to: SavedState.fileName)
        } catch {
            logger.error("cannot save the schedule", metadata: ["error": "\(error)"])
        }
    }

    func rescheduleWake(at now: Moment) {
        rescheduleCoach(at: now)
        if let wakeTimer { loop.cancel(wakeTimer) }
        wakeTimer = nil
        wakeAlarm?.disarm()
        let clock = self.clock
        guard !stopped, let wait = scheduler.nextWake(at: now, utcOffsetAt: { clock.utcOffset(atWall: $0) }) else {
            return
        }
        // Round up to whole milliseconds so the timer never fires just before the due time.
        var real = clock.realDelay(wait)
        let ms = real.components.seconds * 1000 + (real.components.attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
        real = .milliseconds(max(1, ms))
        if let wakeAlarm {
            wakeAlarm.arm(after: real)
        } else {
            wakeTimer = loop.after(real) { [unowned self] in
                self.wakeTimer = nil
                self.dispatch(.tick)
            }
        }
    }

    // MARK: Presence

    /// The sources answered for the first time: an absence restored from a killed daemon
    /// that rests on a source no longer there would otherwise never end.
    public func presenceProbed(live: Set<AwaySource>) {
        guard !stopped, let away = scheduler.state.away else { return }
        for source in away.sources.sorted() where !live.contains(source) {
            dispatch(.awayEnded(source))
        }
    }

    /// A source says the user is away (or back). `idleFor` is real time, as the desktop
    /// measures it; the scheduler gets it in its own time.
    public func awayReported(_ source: AwaySource, away: Bool, idleFor: Duration) {
        guard !stopped else { return }
        logger.debug("\(away ? "away" : "back"): \(source.rawValue)", metadata: [
            "source": "\(source.rawValue)", "idle_for_ms": "\(idleFor.components.seconds * 1000 + idleFor.components.attoseconds / 1_000_000_000_000_000)",
        ])
        dispatch(away ? .awayBegan(source, idleFor: clock.schedulerDuration(idleFor)) : .awayEnded(source))
    }

    /// The set of live presence sources changed: tells the scheduler whether a reminder can
    /// wait for a pause in input on this desktop.
    public func presenceChanged() {
        guard !stopped else { return }
        let available = presence?.pauseSource != nil
        if scheduler.state.inputPauseSource != available { dispatch(.inputPauseSource(available)) }
    }

    /// Arms the short watch for a natural pause. The monitor reports from the loop, never
    /// from inside the dispatch that armed it.
    func watchInputPause(_ length: Duration) {
        guard let presence else { return }
        presence.onInputPause = { [unowned self] problem in
            if let problem { self.logger.notice("\(problem); the reminder is shown now") }
            if !self.stopped, self.scheduler.state.pauseWait != nil { self.dispatch(.inputPaused) }
        }
        presence.watchPause(length)
    }

    /// A source holds reminders (do not disturb) or lets go.
    public func holdReported(_ source: HoldSource, on: Bool) {
        guard !stopped else { return }
        _ = dispatch(on ? .holdBegan(source) : .holdEnded(source))
    }

    func armWatchdog(every interval: Duration) {
        watchdogTimer = loop.after(interval) { [unowned self] in
            self.systemd.pingWatchdog()
            self.armWatchdog(every: interval)
        }
    }

    /// STATUS= names what comes next with clock times, so it stays true between events.
    func updateStatus(at now: Moment) {
        let s = scheduler.status(at: now)
        var line: String
        switch s.mode {
        case .active where s.due == nil && !s.presence.isAway && s.hold == nil:
            let parts = s.next.map { n -> String in
                let at = now.wall + clock.realDelay(n.remaining)
                return "\(n.kind.displayName) at \(LocalTime(wall: at, utcOffsetSeconds: now.utcOffsetSeconds).clockText)"
            }
            line = "next: " + parts.joined(separator: ", ")
        default:
            line = s.summary(at: now)
        }
        if let g = guideReport {
            line = "guided routine: \(g.title), step \(g.step) of \(g.steps)"
        }
        if line != lastStatusLine {
            lastStatusLine = line
            systemd.status(line)
        }
        onStatusChange?()
    }

    func notificationAction(tag: UInt64, action: String) {
        if coachAction(tag: tag, action: action) { return }
        let answer: Answer
        switch action {
        case "done": answer = .done
        // A click on the reminder: it may be meant to dismiss, so it never counts as a break.
        case "snooze", "default": answer = .snooze(nil)
        case "skip": answer = .skip
        default:
            logger.notice("unknown notification action ignored", metadata: ["action": "\(action)"])
            return
        }
        let t = dispatch(.answered(answer, promptID: tag))
        if case .refused(let r)? = t.reply {
            logger.notice("notification answer refused: \(r.message)")
        }
    }

    // MARK: Requests

    /// Answers one control-socket request line.
    public func handle(requestLine line: [UInt8]) -> [UInt8] {
        #if LIMBER_TESTING
        if let answer = handleTestingRequest(line) { return answer.encoded() }
        #endif
        switch Request.decode(line) {
        case .failure(let e):
            return Response.failure(e.code, e.message).encoded()
        case .success(let request):
            return respond(to: request).encoded()
        }
    }

    func respond(to request: Request) -> Response {
        switch request {
        case .status:
            return .success(status: report(at: clock.now()))
        case .done:
            return reply(dispatch(.answered(.done, promptID: nil)))
        case .skip:
            return reply(dispatch(.answered(.skip, promptID: nil)))
        case .snooze(let seconds):
            return reply(dispatch(.answered(.snooze(seconds.map { .seconds($0) }), promptID: nil)))
        case .pause(let seconds, let until):
            let length: PauseLength
            if let seconds {
                length = .duration(.seconds(seconds))
            } else if let until, let t = LocalClockTime(parsing: until) {
                let end = Scheduler.nextWall(hour: t.hour, minute: t.minute, after: clock.now(),
                                             utcOffsetAt: { [clock] in clock.utcOffset(atWall: $0) })
                length = .untilWall(end.wall, utcOffsetSeconds: end.utcOffsetSeconds)
            } else {
                length = .indefinitely
            }
            return reply(dispatch(.pauseRequested(length)))
        case .resume:
            return reply(dispatch(.resumeRequested))
        case .now(let kind):
            return reply(dispatch(.dueNowRequested(kind == .routine ? .routine : .posture)))
        case .reload:
            return reload()
        case .start(let routine):
            return respondStart(routine)
        case .next:
            return respondNext()
        case .stop:
            return respondStop()
        case .subscribe:
            // The control socket hands subscribers to StatusFollowers before this is reached.
            return .failure(.badRequest, "this connection cannot follow the status; connect to limberd's control socket")
        }
    }

    func reply(_ t: Transition) -> Response {
        if let failure = historyFailure {
            // The schedule moved on, but the history did not get it: say so rather than
            // acknowledge an answer that a power cut would lose.
            return .failure(.internal, "limberd took the answer but could not save it to the history file: "
                            + failure)
        }
        switch t.reply {
        case .ok(let message)?:
            return .success(message, status: report(at: clock.now()))
        case .refused(let r)?:
            let code: ErrorCode = switch r.code {
            case .nothingDue: .nothingDue
            case .snoozeLimit: .snoozeLimit
            case .snoozeLength: .snoozeLength
            case .paused: .paused
            case .notPaused: .notPaused
            }
            return .failure(code, r.message)
        case nil:
            return .success(status: report(at: clock.now()))
        }
    }

    /// Re-reads the configuration; swaps it in only when it is valid.
    @discardableResult
    public func reload() -> Response {
        systemd.reloading()
        defer { systemd.reloadDone() }
        switch loadSettings() {
        case .success(let new):
            settings = new
            coachSettingsReplaced(at: clock.now())
            dispatch(.settingsReplaced(new.schedule))
            onReload?(new)
            let source = new.configPath.map { "from \($0)" } ?? "(no config file: built-in defaults)"
            logger.info("configuration reloaded \(source)")
            return .success("configuration reloaded \(source)", status: report(at: clock.now()))
        case .failure(let f):
            logger.error("\(f.summary); keeping the current configuration")
            for d in f.diagnostics {
                for record in ConfigLog.records(d) { logger.error("\(record)") }
            }
            return .failure(.configInvalid, f.summary + "; limberd keeps its current configuration", details: f.diagnostics)
        }
    }

    /// The status as the protocol reports it.
    public func report(at now: Moment) -> StatusReport {
        let s = scheduler.status(at: now)
        func seconds(_ d: Duration) -> Int {
            Int(d.components.seconds) + (d.components.attoseconds > 0 ? 1 : 0)
        }
        let state: String
        var pausedUntil: Int64?
        switch s.mode {
        case .active: state = "active"
        case .paused(let until):
            state = "paused"
            pausedUntil = until?.components.seconds
        case .offHours: state = "off-hours"
        }
        var workHoursStart: Int64?
        if case .offHours(let until?) = s.mode { workHoursStart = until.components.seconds }
        let due = s.due.map {
            StatusReport.Due(kind: $0.prompt.kind == .routine ? .routine : .posture, promptID: $0.prompt.id,
                             shown: $0.prompt.show, snoozesLeft: $0.prompt.snoozesLeft,
                             since: $0.firstShown.components.seconds, held: $0.held)
        }
        let next = s.next.map {
            StatusReport.Next(kind: $0.kind == .routine ? .routine : .posture, inSeconds: seconds($0.remaining),
                              elapsedSeconds: Int($0.elapsed.components.seconds),
                              intervalSeconds: Int($0.interval.components.seconds),
                              snoozedUntil: $0.snoozed ? (now.wall + clock.realDelay($0.remaining)).components.seconds : nil,
                              snoozes: $0.snoozes)
        }
        let t = s.today
        var report = StatusReport(
            state: state, pausedUntil: pausedUntil, due: due, next: next,
            today: .init(due: t.due, done: t.done, snoozed: t.snoozed, skipped: t.skipped, missed: t.missed,
                         naturalBreaks: t.naturalBreaks),
            notifications: presenter.serverAvailable.map { $0 ? "available" : "unavailable" } ?? "unknown",
            version: LimberVersion.current, pid: getpid(), configPath: settings.configPath,
            presence: presenceReport(s.presence, hold: s.hold), guide: guideReport, sandbox: sandbox)
        report.workHoursStart = workHoursStart
        report.configDigest = settings.configDigest
        report.daily = dailyReport(s.daily, at: now)
        report.standing = standingReport
        return report
    }

    func presenceReport(_ p: ScheduleStatus.Presence, hold: ScheduleStatus.Hold? = nil) -> StatusReport.Presence {
        // Without a monitor (tests, or before it started) only the clocks are watched.
        let infos = presence?.sources ?? AwaySource.allCases.map {
            PresenceSourceInfo(source: $0, via: $0 == .sleep ? "clocks" : nil, problem: $0 == .sleep ? nil : "not watched")
        }
        let away = settings.schedule.away
        var report = StatusReport.Presence(
            state: p.isAway ? "away" : "present", awaySince: p.awaySince?.components.seconds,
            lastActive: p.lastActive.components.seconds, awayBy: p.awayBy.map(\.rawValue),
            sources: infos.map {
                .init(name: $0.source.rawValue, live: $0.via != nil, policy: away.policy(for: $0.source).rawValue,
                      via: $0.via, problem: $0.problem)
            })
        report.heldBy = hold?.by.map(\.rawValue) ?? []
        report.heldSince = hold?.since.components.seconds
        report.heldWaiting = hold?.waiting?.rawValue
        report.naturalPause = settings.schedule.hold.naturalPause.rawValue
        report.pauseSource = presence?.pauseSource
        return report
    }
}
