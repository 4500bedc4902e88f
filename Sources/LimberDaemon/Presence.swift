import LimberCore
import Logging

#if canImport(Glibc)
import Glibc
#endif

// Word of the user's presence from the desktop, by signals only:
//   - logind on the system bus: the session's IdleHint and LockedHint (PropertiesChanged)
//     and the manager's PrepareForSleep;
//   - on the session bus: GNOME's org.gnome.Mutter.IdleMonitor (an idle watch, then a
//     user-active watch re-armed after each firing) and org.freedesktop.ScreenSaver's
//     ActiveChanged where a desktop implements it (KDE Plasma; GNOME's proxy does not);
//   - from the display server itself (DisplayIdle.swift): the Wayland compositor's idle
//     protocol, or on X11 the SYNC extension's IDLETIME alarms.
// Sleep is also seen without logind, by the scheduler, in the clocks. Several sources at once
// make one absence (LimberCore's Away.swift): from the first that goes away to the last back.
//
// Whatever is missing is logged once and left alone: limberd runs with none of them. A bus
// that goes away is dropped at once (no dead fd in the loop) and reconnected a few times with
// growing delays; `limber reload` tries again after that. A display server that goes away is
// waited for with inotify on its socket's folder, and reconnected when the socket reappears.

/// One away source as `limber status` reports it.
public struct PresenceSourceInfo: Sendable, Equatable {
    public var source: AwaySource
    /// Where its reports come from now, e.g. "logind session 3"; nil when it is not watched.
    public var via: String?
    /// Why it is not watched, when it is not.
    public var problem: String?
}

/// Watches logind, Mutter, the screen saver and the display server and reports the user away and back.
public final class PresenceMonitor {
    /// A source reports the user away (true) or back (false). The duration is how long, in
    /// real time, they have been away already when the source noticed (an idle threshold).
    public var onReport: ((AwaySource, Bool, Duration) -> Void)?
    /// The set of live sources changed.
    public var onChange: (() -> Void)?
    /// The first attempt to reach every source has finished; called with the live ones.
    public var onProbed: ((Set<AwaySource>) -> Void)?

    let logger: Logger
    let logind: LogindWatcher
    let session: SessionWatcher
    let wayland: DisplayIdleWatcher
    let x11: DisplayIdleWatcher
    let environment: [String: String]
    /// The short watch for a natural pause, while a reminder waits for one.
    private var pauseWatch: DisplayIdleWatcher?
    private var pauseArmed = false
    /// No input came for the length asked in `watchPause` (or the watch failed: nothing waits blindly).
    public var onInputPause: ((_ problem: String?) -> Void)?
    private var announced = false
    private var watchers: [Watcher] { [logind, session, wayland, x11] }

    /// `idleThreshold` is in real time: no input for this long is time away (Mutter, the
    /// Wayland compositor, the X server).
    public init(loop: EventLoop, logger: Logger, environment: [String: String], idleThreshold: Duration) {
        self.logger = logger
        self.environment = environment
        let id = environment["XDG_SESSION_ID"].flatMap { $0.isEmpty ? nil : $0 } ?? "auto"
        logind = LogindWatcher(loop: loop, logger: logger, sessionID: id)
        session = SessionWatcher(loop: loop, logger: logger, mutterIdleAfter: idleThreshold,
                                 graphical: Self.isGraphical(environment))
        wayland = DisplayIdleWatcher(kind: .wayland, loop: loop, logger: logger, environment: environment,
                                     threshold: idleThreshold)
        x11 = DisplayIdleWatcher(kind: .x11, loop: loop, logger: logger, environment: environment,
                                 threshold: idleThreshold)
        for watcher in watchers {
            watcher.report = { [unowned self] source, away, idleFor in self.onReport?(source, away, idleFor) }
            watcher.changed = { [unowned self] in self.watchersChanged() }
        }
    }

    /// Connects to the buses and asks each source for its current state.
    public func start() {
        for watcher in watchers { watcher.start() }
    }

    /// Applies a new idle threshold (real time) and tries again to reach what is missing.
    public func reload(idleThreshold: Duration) {
        session.setThreshold(idleThreshold)
        wayland.setThreshold(idleThreshold)
        x11.setThreshold(idleThreshold)
        for watcher in watchers { watcher.retryIfMissing() }
    }

    public func stop() {
        unwatchPause()
        for watcher in watchers { watcher.stop() }
    }

    // MARK: A natural pause

    /// What can tell a short pause in input now: the display server's idle protocol (a second
    /// connection with the short threshold, made only while a reminder waits), or Mutter's
    /// idle monitor (a second idle watch). logind's IdleHint and the screen saver cannot: their
    /// threshold is the desktop's own, minutes long. Nil when none is live.
    public var pauseSource: String? {
        if wayland.live { return "wayland_idle" }
        if x11.live { return "x11_idle" }
        if session.mutterLive { return "mutter_idle" }
        return nil
    }

    /// Arms the short watch: `onInputPause` once there has been no input for `length` (real time).
    public func watchPause(_ length: Duration) {
        unwatchPause()
        pauseArmed = true
        logger.debug("watching for a pause in input of \(length)")
        // Called from inside the source's own dispatch (the C library's callback): the watch
        // is taken down, and the engine told, from the loop, once that call has returned.
        let fired: (String?) -> Void = { [unowned self] problem in
            guard self.pauseArmed else { return }
            self.pauseArmed = false
            self.logger.debug("pause in input\(problem.map { " not watched: \($0)" } ?? "")")
            _ = self.wayland.loop.after(.zero) { [unowned self] in
                guard !self.pauseArmed else { return }  // armed again meanwhile
                self.unwatchPause()
                self.onInputPause?(problem)
            }
        }
        if wayland.live || x11.live {
            let w = DisplayIdleWatcher(kind: wayland.live ? .wayland : .x11, loop: wayland.loop, logger: logger,
                                       environment: environment, threshold: length)
            w.quiet = true
            w.report = { _, away, _ in if away { fired(nil) } }
            w.changed = { [unowned w] in
                if w.probed, !w.live { fired("the \(w.source.rawValue) pause watch failed: \(w.problem ?? "?")") }
            }
            pauseWatch = w
            w.start()
        } else if session.mutterLive {
            session.watchPause(length) { problem in fired(problem) }
        } else {
            fired("no source can tell a pause in input")
        }
    }

    /// Disarms the short watch (the wait is over).
    public func unwatchPause() {
        pauseArmed = false
        if let w = pauseWatch {
            pauseWatch = nil
            w.report = { _, _, _ in }
            w.changed = {}
            w.stop()
        }
        session.unwatchPause()
    }

    /// Every source, in the config's order, with where its reports come from.
    public var sources: [PresenceSourceInfo] {
        AwaySource.allCases.map { source in
            switch source {
            case .logindIdle, .lock:
                return PresenceSourceInfo(source: source, via: logind.sessionLive ? logind.sessionDescription : nil,
                                          problem: logind.sessionLive ? nil : logind.problem)
            case .sleep:
                return PresenceSourceInfo(source: source, via: logind.managerLive ? "logind, clocks" : "clocks",
                                          problem: nil)
            case .mutterIdle:
                return PresenceSourceInfo(source: source, via: session.mutterLive ? "Mutter idle monitor" : nil,
                                          problem: session.mutterLive ? nil : session.mutterProblem)
            case .waylandIdle, .x11Idle:
                let w = source == .waylandIdle ? wayland : x11
                return PresenceSourceInfo(source: source, via: w.via, problem: w.via == nil ? w.problem : nil)
            case .screensaver:
                return PresenceSourceInfo(source: source,
                                          via: session.screenSaverLive ? "org.freedesktop.ScreenSaver" : nil,
                                          problem: session.screenSaverLive ? nil : session.screenSaverProblem)
            }
        }
    }

    /// Mutter and a screen saver exist only in a graphical session. Without any sign of one
    /// (ssh, a container, a headless machine) the session bus is not asked: logind and the
    /// clocks still work, and limberd carries no second D-Bus client for nothing. GNOME and
    /// KDE import these variables into the systemd user manager before
    /// graphical-session.target, which limber.service is tied to.
    static func isGraphical(_ environment: [String: String]) -> Bool {
        ["WAYLAND_DISPLAY", "DISPLAY", "XDG_CURRENT_DESKTOP"].contains { !(environment[$0] ?? "").isEmpty }
    }

    private func watchersChanged() {
        if !announced, watchers.allSatisfy(\.probed) {
            announced = true
            logger.info("\(Self.describe(sources))")
            onProbed?(Set(sources.filter { $0.via != nil }.map(\.source)))
        }
        onChange?()
    }

    /// "time away is watched through lock, logind_idle (logind session 2), sleep (clocks);
    /// not found: mutter_idle (no Mutter idle monitor on the session bus), ..."
    static func describe(_ sources: [PresenceSourceInfo]) -> String {
        var live: [(String, String)] = []
        for s in sources {
            guard let via = s.via else { continue }
            if let i = live.firstIndex(where: { $0.1 == via }) {
                live[i].0 += ", " + s.source.rawValue
            } else {
                live.append((s.source.rawValue, via))
            }
        }
        var text = "time away is watched through " + live.map { "\($0.0) (\($0.1))" }.joined(separator: ", ")
        // Sources missing for the same reason are named together: "lock, logind_idle (no system bus)".
        var missing: [(String, String?)] = []
        for s in sources where s.via == nil {
            if let i = missing.firstIndex(where: { $0.1 == s.problem }) {
                missing[i].0 += ", " + s.source.rawValue
            } else {
                missing.append((s.source.rawValue, s.problem))
            }
        }
        if !missing.isEmpty {
            text += "; not found: " + missing.map { $0.0 + ($0.1.map { " (\($0))" } ?? "") }.joined(separator: ", ")
        }
        return text
    }
}

/// What the monitor needs from each watcher.
class Watcher {
    var report: (AwaySource, Bool, Duration) -> Void = { _, _, _ in }
    var changed: () -> Void = {}
    let loop: EventLoop
    let logger: Logger
    var bus: BusConnection?
    /// The first attempt to reach the sources has finished.
    var probed = false
    private var retries = 0
    private var retryTimer: SourceID?

    /// After losing a bus: try again after these delays, then leave it to `limber reload`.
    static let retryDelays: [Duration] = [.seconds(10), .seconds(60), .seconds(600)]

    init(loop: EventLoop, logger: Logger) {
        self.loop = loop
        self.logger = logger
    }

    /// Connects and probes; overridden.
    func start() {}

    /// Reports every source of this watcher back and forgets their state; overridden.
    func releaseAll() {}

    /// Whether every source this watcher can give is live; overridden.
    var complete: Bool { true }

    func stop() {
        if let retryTimer { loop.cancel(retryTimer) }
        retryTimer = nil
        bus?.close()
        bus = nil
    }

    /// Starts over after `limber reload` when something is missing.
    func retryIfMissing() {
        guard !complete else { return }
        retries = 0
        stop()
        releaseAll()
        start()
    }

    /// Opens the bus and hands it over; false (with `problem` set by the caller) when it is not there.
    func connect(_ kind: BusConnection.Kind, onFailure: (BusError) -> Void) -> BusConnection? {
        switch BusConnection.open(kind, loop: loop) {
        case .failure(let e):
            onFailure(e)
            probed = true
            retryLater()
            changed()
            return nil
        case .success(let b):
            b.onLost = { [unowned self] why in
                self.bus = nil
                self.logger.warning("lost the \(kind.rawValue) bus (\(why)); trying again in \(Self.retryDelays[0])")
                self.lost(why)
                self.releaseAll()
                self.retries = 0
                self.retryLater(afterLoss: true)
                self.changed()
            }
            bus = b
            return b
        }
    }

    /// Sets what the status says after a loss; overridden.
    func lost(_ why: String) {}

    /// Another attempt after a delay, but only after a bus was lost: a machine that never had
    /// the bus (containers, the tests) is not woken up for it again and again.
    private var hadBus = false
    func retryLater(afterLoss: Bool = false) {
        if afterLoss { hadBus = true }
        guard hadBus, retryTimer == nil else { return }
        guard retries < Self.retryDelays.count else {
            logger.notice("giving up on reaching the bus again; 'limber reload' tries once more")
            return
        }
        let delay = Self.retryDelays[retries]
        retries += 1
        retryTimer = loop.after(delay) { [unowned self] in
            self.retryTimer = nil
            self.start()
        }
    }

    func connected() {
        retries = 0
    }
}

/// logind on the system bus: the session's idle and lock hints and the manager's sleep signal.
final class LogindWatcher: Watcher {
    static let name = "org.freedesktop.login1"
    static let managerPath = "/org/freedesktop/login1"
    static let manager = "org.freedesktop.login1.Manager"
    static let sessionInterface = "org.freedesktop.login1.Session"

    /// XDG_SESSION_ID when limberd runs inside a session; else "auto": logind's choice of
    /// the caller's session or, for a user service, the user's graphical session.
    let sessionID: String
    private(set) var managerLive = false
    private(set) var sessionLive = false
    private(set) var problem: String?
    private(set) var sessionPath: String?
    private var sessionName: String?
    private var idle = false
    private var locked = false
    private var asleep = false

    init(loop: EventLoop, logger: Logger, sessionID: String) {
        self.sessionID = sessionID
        super.init(loop: loop, logger: logger)
    }

    var sessionDescription: String { "logind session " + (sessionName ?? sessionPath ?? sessionID) }

    override var complete: Bool { managerLive && sessionLive }

    override func start() {
        guard let b = connect(.system, onFailure: { problem = "no system bus: \($0.message)" }) else { return }
        b.match(BusConnection.signalRule(sender: Self.name, path: Self.managerPath, interface: Self.manager,
                                         member: "PrepareForSleep")) { [unowned self] m in
            guard let going = m.readBool() else { return }
            self.asleep = going
            self.report(.sleep, going, .zero)
        }
        b.match(BusConnection.signalRule(sender: "org.freedesktop.DBus", path: "/org/freedesktop/DBus",
                                         interface: "org.freedesktop.DBus", member: "NameOwnerChanged",
                                         arg0: Self.name)) { [unowned self] m in
            _ = m.readString()
            let old = m.readString() ?? "", new = m.readString() ?? ""
            if new.isEmpty {
                self.logger.warning("logind left the system bus; idle, lock and sleep signals stop until it is back")
                self.managerLive = false
                self.sessionLive = false
                self.problem = "logind left the system bus"
                self.releaseAll()
                self.changed()
            } else if old.isEmpty {
                self.logger.info("logind is back on the system bus")
                self.stop()
                self.start()
            }
        }
        b.call(Self.name, Self.managerPath, Self.manager, "GetSession", [.string(sessionID)]) { [unowned self] result in
            self.gotSession(result)
        }
    }

    private func gotSession(_ result: Result<BusMessage, BusError>) {
        switch result {
        case .failure(let e) where e.isNoService:
            managerLive = false
            sessionLive = false
            problem = "logind is not running"
            finish()
        case .failure(let e):
            managerLive = true  // logind answered: its sleep signal is there
            sessionLive = false
            problem = "no logind session for this user (\(e.message.isEmpty ? e.name : e.message))"
            finish()
        case .success(let m):
            guard let path = m.readString(), let bus else { return finish() }
            managerLive = true
            sessionPath = path
            bus.match(BusConnection.signalRule(sender: Self.name, path: path, interface: "org.freedesktop.DBus.Properties",
                                               member: "PropertiesChanged", arg0: Self.sessionInterface)) { [unowned self] m in
                self.propertiesChanged(m)
            }
            readSession(initial: true)
        }
    }

    private func readSession(initial: Bool) {
        guard let bus, let path = sessionPath else { return }
        bus.call(Self.name, path, "org.freedesktop.DBus.Properties", "GetAll", [.string(Self.sessionInterface)]) {
            [unowned self] result in
            switch result {
            case .failure(let e):
                self.sessionLive = false
                self.problem = "cannot read the logind session (\(e))"
            case .success(let m):
                var idle: Bool?, locked: Bool?, since: UInt64?
                _ = m.readProperties { name, value in
                    switch (name, value) {
                    case ("IdleHint", .bool(let b)): idle = b
                    case ("LockedHint", .bool(let b)): locked = b
                    case ("IdleSinceHintMonotonic", .uint64(let t)): since = t
                    case ("Id", .string(let s)): self.sessionName = s
                    default: break
                    }
                }
                self.sessionLive = true
                self.problem = nil
                self.connected()
                self.apply(idle: idle ?? false, locked: locked ?? false, idleSince: since, initial: initial)
            }
            self.finish()
        }
    }

    private func propertiesChanged(_ m: BusMessage) {
        _ = m.readString()
        var idle: Bool?, locked: Bool?, since: UInt64?
        _ = m.readProperties { name, value in
            switch (name, value) {
            case ("IdleHint", .bool(let b)): idle = b
            case ("LockedHint", .bool(let b)): locked = b
            case ("IdleSinceHintMonotonic", .uint64(let t)): since = t
            default: break
            }
        }
        apply(idle: idle, locked: locked, idleSince: since, initial: false)
        // Properties sent without their values: read them.
        if let invalidated = m.readStrings(), invalidated.contains(where: { $0 == "IdleHint" || $0 == "LockedHint" }) {
            readSession(initial: false)
        }
    }

    /// `initial` reports both, changed or not, so an absence restored from a killed daemon is
    /// ended when the session says the user is back.
    private func apply(idle newIdle: Bool?, locked newLocked: Bool?, idleSince: UInt64?, initial: Bool) {
        if let newLocked, initial || newLocked != locked {
            locked = newLocked
            report(.lock, newLocked, .zero)
        }
        if let newIdle, initial || newIdle != idle {
            idle = newIdle
            var idleFor = Duration.zero
            // logind stamps the hint with CLOCK_MONOTONIC when the desktop set it.
            if newIdle, let since = idleSince, since > 0 {
                let now = BusConnection.monotonicMicroseconds()
                if now > since { idleFor = .microseconds(Int64(now - since)) }
            }
            report(.logindIdle, newIdle, idleFor)
        }
    }

    private func finish() {
        probed = true
        changed()
    }

    override func releaseAll() {
        if locked { report(.lock, false, .zero) }
        if idle { report(.logindIdle, false, .zero) }
        if asleep { report(.sleep, false, .zero) }
        locked = false
        idle = false
        asleep = false
    }

    override func lost(_ why: String) {
        managerLive = false
        sessionLive = false
        problem = "lost the system bus (\(why))"
    }
}

/// The session bus: GNOME's Mutter idle monitor and org.freedesktop.ScreenSaver.
final class SessionWatcher: Watcher {
    static let mutter = "org.gnome.Mutter.IdleMonitor"
    static let mutterPath = "/org/gnome/Mutter/IdleMonitor/Core"
    static let screenSaver = "org.freedesktop.ScreenSaver"
    static let screenSaverPath = "/org/freedesktop/ScreenSaver"

    /// Real time without input before Mutter's idle watch fires.
    private(set) var threshold: Duration
    private(set) var mutterLive = false
    private(set) var mutterProblem: String?
    private(set) var screenSaverLive = false
    private(set) var screenSaverProblem: String?
    private var idleWatch: UInt32?
    private var activeWatch: UInt32?
    /// The short idle watch for a natural pause, and what to call when it fires.
    private var pauseWatchID: UInt32?
    private var pauseFired: ((String?) -> Void)?
    private var mutterAway = false
    private var screenSaverActive = false
    private var pending = 0

    /// Whether the session looks graphical (see PresenceMonitor.isGraphical).
    let graphical: Bool

    init(loop: EventLoop, logger: Logger, mutterIdleAfter: Duration, graphical: Bool) {
        threshold = mutterIdleAfter
        self.graphical = graphical
        super.init(loop: loop, logger: logger)
    }

    override var complete: Bool { !graphical || (mutterLive && screenSaverLive) }

    override func start() {
        guard graphical else {
            mutterProblem = "no graphical session (WAYLAND_DISPLAY, DISPLAY and XDG_CURRENT_DESKTOP are unset)"
            screenSaverProblem = mutterProblem
            probed = true
            changed()
            return
        }
        guard let b = connect(.session, onFailure: { e in
            mutterProblem = "no session bus: \(e.message)"
            screenSaverProblem = mutterProblem
        }) else { return }
        b.match(BusConnection.signalRule(sender: Self.mutter, path: Self.mutterPath, interface: Self.mutter,
                                         member: "WatchFired")) { [unowned self] m in
            if let id = m.readUInt32() { self.watchFired(id) }
        }
        // KDE sends it from /ScreenSaver and /org/freedesktop/ScreenSaver alike: any path.
        b.match(BusConnection.signalRule(sender: Self.screenSaver, path: nil, interface: Self.screenSaver,
                                         member: "ActiveChanged")) { [unowned self] m in
            if let active = m.readBool() { self.screenSaverChanged(active) }
        }
        for name in [Self.mutter, Self.screenSaver] {
            b.match(BusConnection.signalRule(sender: "org.freedesktop.DBus", path: "/org/freedesktop/DBus",
                                             interface: "org.freedesktop.DBus", member: "NameOwnerChanged",
                                             arg0: name)) { [unowned self] m in
                _ = m.readString()
                let old = m.readString() ?? "", new = m.readString() ?? ""
                self.ownerChanged(name, appeared: old.isEmpty && !new.isEmpty, gone: new.isEmpty)
            }
        }
        pending = 2
        probeMutter()
        probeScreenSaver()
    }

    /// Watches for `threshold` without input; the reply says whether Mutter is there.
    private func probeMutter() {
        let ms = UInt64(max(1, threshold.components.seconds * 1000 + threshold.components.attoseconds / 1_000_000_000_000_000))
        bus?.call(Self.mutter, Self.mutterPath, Self.mutter, "AddIdleWatch", [.uint64(ms)]) { [unowned self] result in
            switch result {
            case .success(let m):
                self.idleWatch = m.readUInt32()
                self.mutterLive = self.idleWatch != nil
                self.mutterProblem = self.mutterLive ? nil : "Mutter's idle monitor answered without a watch id"
                self.connected()
            case .failure(let e):
                self.mutterLive = false
                self.mutterProblem = e.isNoService ? "no Mutter idle monitor on the session bus"
                    : "Mutter's idle monitor refused a watch (\(e))"
            }
            self.probeDone()
        }
    }

    private func probeScreenSaver() {
        bus?.call(Self.screenSaver, Self.screenSaverPath, Self.screenSaver, "GetActive") { [unowned self] result in
            switch result {
            case .success(let m):
                if let active = m.readBool() {
                    self.screenSaverLive = true
                    self.screenSaverProblem = nil
                    self.connected()
                    self.screenSaverActive = active
                    self.report(.screensaver, active, .zero)  // reported even when false: see LogindWatcher.apply
                }
            case .failure(let e):
                self.screenSaverLive = false
                // GNOME's org.freedesktop.ScreenSaver is a proxy for inhibitors only: it
                // answers GetActive with NotSupported and never sends ActiveChanged.
                self.screenSaverProblem = e.isNoService ? "no org.freedesktop.ScreenSaver on the session bus"
                    : "org.freedesktop.ScreenSaver does not report its state (\(e.name))"
            }
            self.probeDone()
        }
    }

    private func probeDone() {
        pending -= 1
        if pending <= 0, !probed { probed = true }
        changed()
    }

    /// A second idle watch with the short length of a natural pause.
    func watchPause(_ length: Duration, fired: @escaping (String?) -> Void) {
        unwatchPause()
        pauseFired = fired
        let ms = UInt64(max(1, length.components.seconds * 1000 + length.components.attoseconds / 1_000_000_000_000_000))
        bus?.call(Self.mutter, Self.mutterPath, Self.mutter, "AddIdleWatch", [.uint64(ms)]) { [unowned self] result in
            guard let fired = self.pauseFired else {
                // Disarmed before the answer came: take the watch back.
                if case .success(let m) = result, let id = m.readUInt32() {
                    self.bus?.call(Self.mutter, Self.mutterPath, Self.mutter, "RemoveWatch", [.uint32(id)]) { _ in }
                }
                return
            }
            if case .success(let m) = result, let id = m.readUInt32() {
                self.pauseWatchID = id
            } else {
                self.pauseFired = nil
                fired("Mutter's idle monitor refused the pause watch")
            }
        }
    }

    func unwatchPause() {
        pauseFired = nil
        guard let id = pauseWatchID else { return }
        pauseWatchID = nil
        bus?.call(Self.mutter, Self.mutterPath, Self.mutter, "RemoveWatch", [.uint32(id)]) { _ in }
    }

    private func watchFired(_ id: UInt32) {
        if let pause = pauseWatchID, id == pause {
            pauseWatchID = nil
            let fired = pauseFired
            pauseFired = nil
            bus?.call(Self.mutter, Self.mutterPath, Self.mutter, "RemoveWatch", [.uint32(id)]) { _ in }
            fired?(nil)
            return
        }
        if id == idleWatch, !mutterAway {
            mutterAway = true
            report(.mutterIdle, true, threshold)
            // A user-active watch fires once, at the next input, and is then gone.
            bus?.call(Self.mutter, Self.mutterPath, Self.mutter, "AddUserActiveWatch") { [unowned self] result in
                if case .success(let m) = result, let active = m.readUInt32() {
                    self.activeWatch = active
                } else if self.mutterAway {
                    // No way to hear of the return: do not leave the user away for ever.
                    self.mutterAway = false
                    self.report(.mutterIdle, false, .zero)
                }
            }
        } else if let active = activeWatch, id == active {
            activeWatch = nil
            if mutterAway {
                mutterAway = false
                report(.mutterIdle, false, .zero)
            }
        }
    }

    private func screenSaverChanged(_ active: Bool) {
        if !screenSaverLive {
            screenSaverLive = true
            screenSaverProblem = nil
            changed()
        }
        guard active != screenSaverActive else { return }
        screenSaverActive = active
        report(.screensaver, active, .zero)
    }

    private func ownerChanged(_ name: String, appeared: Bool, gone: Bool) {
        if name == Self.mutter {
            if gone {
                mutterLive = false
                mutterProblem = "Mutter's idle monitor left the session bus"
                idleWatch = nil
                activeWatch = nil
                if mutterAway {
                    mutterAway = false
                    report(.mutterIdle, false, .zero)
                }
                changed()
            } else if appeared {
                pending = 1
                probeMutter()
            }
        } else {
            if gone {
                screenSaverLive = false
                screenSaverProblem = "org.freedesktop.ScreenSaver left the session bus"
                if screenSaverActive {
                    screenSaverActive = false
                    report(.screensaver, false, .zero)
                }
                changed()
            } else if appeared {
                pending = 1
                probeScreenSaver()
            }
        }
    }

    /// A new threshold replaces the idle watch.
    func setThreshold(_ new: Duration) {
        guard new != threshold else { return }
        threshold = new
        guard mutterLive, let old = idleWatch else { return }
        bus?.call(Self.mutter, Self.mutterPath, Self.mutter, "RemoveWatch", [.uint32(old)]) { _ in }
        idleWatch = nil
        pending = 1
        probeMutter()
    }

    override func releaseAll() {
        if mutterAway { report(.mutterIdle, false, .zero) }
        if screenSaverActive { report(.screensaver, false, .zero) }
        mutterAway = false
        screenSaverActive = false
        idleWatch = nil
        activeWatch = nil
    }

    override func lost(_ why: String) {
        mutterLive = false
        screenSaverLive = false
        mutterProblem = "lost the session bus (\(why))"
        screenSaverProblem = mutterProblem
    }
}
