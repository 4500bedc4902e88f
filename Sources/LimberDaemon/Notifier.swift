import CNotify
import Logging
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// What one desktop notification shows.
public struct NotificationContent: Sendable, Equatable {
    /// How insistently the server presents the notification.
    public enum Urgency: Sendable, Equatable { case low, normal, critical }

    /// When the server takes the notification down by itself.
    public enum Expiry: Sendable, Equatable { case serverDefault, never, after(Duration) }

    /// A button; the key "default" is the action of clicking the notification itself.
    public struct Action: Sendable, Equatable {
        /// Reported to `Notifier.onAction` when invoked.
        public var key: String
        /// The button text (libnotify refuses an empty one; the key stands in for it).
        public var label: String

        /// Creates an action.
        public init(key: String, label: String) {
            self.key = key
            self.label = label
        }
    }

    /// The title line (an empty one is replaced by the app name: libnotify requires one).
    public var summary: String
    /// The text under the title.
    public var body: String
    /// How insistently to present it.
    public var urgency: Urgency
    /// When the server removes it by itself.
    public var expiry: Expiry
    /// Buttons. Their order is not kept: libnotify holds them in a hash table.
    public var actions: [Action]
    /// The "category" hint, e.g. "limber.posture".
    public var category: String?
    /// The "value" hint, 0...100 (values outside are clamped): a progress bar on servers
    /// that draw one.
    public var progress: Int?
    /// The "resident" hint: the server keeps it after an action was invoked.
    public var resident: Bool
    /// The "suppress-sound" hint: shown after a long hold, without a sound.
    public var quiet = false
    /// The "transient" hint: an informational note the server does not keep in its history.
    public var transient: Bool
    /// The "sound-name" hint (a freedesktop sound theme name such as "complete"), sent only
    /// to servers with the "sound" capability (the server profile drops it otherwise).
    public var sound: String? = nil

    /// Creates the content of a notification.
    public init(summary: String, body: String = "", urgency: Urgency = .normal,
                expiry: Expiry = .serverDefault, actions: [Action] = [], category: String? = nil,
                progress: Int? = nil, resident: Bool = false, transient: Bool = false) {
        self.summary = summary
        self.body = body
        self.urgency = urgency
        self.expiry = expiry
        self.actions = actions
        self.category = category
        self.progress = progress
        self.resident = resident
        self.transient = transient
    }
}

/// Why a notification did not reach the screen.
public enum ShowFailure: Error, Sendable, Equatable {
    /// No notification server on the session bus, no session bus, or the server left before
    /// it answered.
    case noServer(String)
    /// A server took the call and did not answer within GLib's call timeout (25 s).
    case timedOut
    /// The server refused the call, or libnotify failed otherwise.
    case failed(String)
    /// A later show or a close of the same tag replaced it before it was sent.
    case superseded

    /// The word the history uses for it.
    public var reason: String {
        switch self {
        case .noServer: "no-server"
        case .timedOut: "timeout"
        case .failed: "error"
        case .superseded: "superseded"
        }
    }

    var message: String {
        switch self {
        case .noServer(let m), .failed(let m): m
        case .timedOut: "the notification server took the call and did not answer within 25 s"
        case .superseded: "replaced before it was sent"
        }
    }
}

/// Shows limber's prompts as desktop notifications through libnotify, without ever making
/// the daemon's loop wait for the notification server.
///
/// libnotify's calls are synchronous D-Bus calls: a server that takes a call and never
/// answers blocks them for GLib's call timeout (25 s). So they run on a thread of their own
/// with its own GLib main context, pushed as that thread's default: libnotify's proxy, its
/// signal subscriptions (ActionInvoked, NotificationClosed) and the watch on the server's
/// name are dispatched there. What happened comes back to the loop's thread through a pipe
/// the loop watches; `onShown`, `onAction`, `onClosed` and `onServerChanged` are called only
/// there. The thread starts with the first show (no D-Bus connection before: an idle limberd
/// that never showed anything does not hold one) and, while nothing happens, sleeps in
/// poll(): no wake-ups.
///
/// Calls run in the order they were made: a close after a show still waiting for its answer
/// runs after it, and an update of a tag replaces the notification whose id the earlier show
/// got. A show not yet sent is replaced by a later show or close of the same tag (its ticket
/// is reported `superseded`), so a hung server never piles calls up.
public final class Notifier {
    /// Called with the tag and the action key when the user invokes an action.
    ///
    /// Servers usually close a notification after an action, so `onClosed` follows unless
    /// the content was `resident`.
    public var onAction: ((_ tag: UInt64, _ action: String) -> Void)?
    /// Called when the server closed a notification: 1 expired, 2 dismissed by the user,
    /// 3 closed by a call, 4 undefined. The tag is forgotten by then.
    public var onClosed: ((_ tag: UInt64, _ reason: Int32) -> Void)?
    /// Called once per `show`, with its ticket: the server's id, or why it did not show.
    public var onShown: ((_ ticket: UInt64, _ tag: UInt64, _ result: Result<UInt32, ShowFailure>) -> Void)?
    /// Called when a notification server appears on the session bus (true) or leaves it
    /// (false), and once with what the watch found when it began (after the first show).
    public var onServerChanged: ((_ present: Bool) -> Void)?
    /// Whether the notification server worked the last time limber heard of it; nil before.
    public private(set) var serverAvailable: Bool?
    /// What the server draws; content is adapted to it (markup, buttons, hints). Without
    /// it, content goes as given.
    var serverProfile: (() -> ServerProfile)?

    private let appName: String
    private let logger: Logger
    private let loop: EventLoop
    private let channel: NotifierChannel
    private var readerWatch: SourceID?
    private var started = false
    private var nextTicket: UInt64 = 1

    /// Creates a notifier whose notifications carry `appName`; results come back on `loop`.
    public init(appName: String, loop: EventLoop, logger: Logger) {
        self.appName = appName.isEmpty ? "limber" : appName
        self.logger = logger
        self.loop = loop
        channel = NotifierChannel()
        // Only refuses a NULL or empty name; it connects to nothing yet.
        if notify_init(self.appName) == 0 {
            logger.error("libnotify refused to initialise (notify_init failed); notifications will not show")
        }
    }

    deinit {
        if let readerWatch { loop.cancel(readerWatch) }
        // Notifications stay on screen (a restarted daemon takes them over with
        // `replacingServerID`); the thread lets go of them after the call it may be on.
        if started {
            NotifierWorker.shared.enqueue(.detach(channel))
        } else {
            channel.detached()
        }
        channel.closeWhenDetached()
    }

    /// Shows the prompt `tag`, or updates it in place if it is showing, and returns a ticket
    /// that `onShown` reports with the outcome.
    ///
    /// `replacingServerID` is used only when `tag` is not showing yet: a restarted daemon
    /// passes the id the previous process got, so the server replaces that notification.
    @discardableResult
    public func show(tag: UInt64, _ content: NotificationContent, replacingServerID: UInt32? = nil) -> UInt64 {
        startIfNeeded()
        let ticket = nextTicket
        nextTicket += 1
        // Adapted here, on the loop, where the profile is kept; the server is asked once per
        // appearance (ServerProfileProbe), never from the notifier's thread.
        let profile = serverProfile?()
        let content = profile?.adapt(content) ?? content
        let summary = content.summary.isEmpty ? appName : content.summary
        var c = content
        c.summary = summary
        NotifierWorker.shared.enqueue(.show(channel, ticket: ticket, tag: tag, content: c, replacing: replacingServerID,
                                            retire: profile?.closesAfterAction == true))
        return ticket
    }

    /// Takes the notification of `tag` down and forgets the tag; unknown tags are ignored.
    ///
    /// `onClosed` is not called for it: the caller knows.
    public func close(tag: UInt64) {
        guard started else { return }  // nothing was ever shown
        NotifierWorker.shared.enqueue(.close(channel, tag: tag))
    }

    /// Waits, at most `limit`, until every call made so far has run; true if they did. Only
    /// for shutdown, so that the last close reaches the server: the loop never waits on it.
    @discardableResult
    public func drain(within limit: Duration) -> Bool {
        guard started else { return true }
        let clock = ContinuousClock()
        let deadline = clock.now + limit
        while !NotifierWorker.shared.idle {
            if clock.now >= deadline { return false }
            usleep(2000)
        }
        return true
    }

    /// Tags shown or waiting to be (for tests).
    var pendingCalls: Int { NotifierWorker.shared.pendingCount }

    private func startIfNeeded() {
        guard !started else { return }
        started = true
        readerWatch = loop.watch(fd: channel.readFD, events: .readable) { [weak self] _ in
            self?.deliver()
            return true
        }
        NotifierWorker.shared.start()
    }

    /// On the loop: everything the worker reported since the last time.
    private func deliver() {
        for report in channel.takeReports() {
            switch report {
            case .shown(let ticket, let tag, let result):
                switch result {
                case .success: noteServerAvailable()
                case .failure(.superseded): break
                case .failure(let failure): noteServerUnavailable(failure)
                }
                onShown?(ticket, tag, result)
            case .action(let tag, let key):
                onAction?(tag, key)
            case .closed(let tag, let reason):
                onClosed?(tag, reason)
            case .server(let present):
                if present {
                    if serverAvailable == false {
                        logger.info("a notification server is on the session bus again; reminders show as notifications")
                    }
                } else if serverAvailable != false {
                    logger.warning("no notification server on the session bus; reminders stay visible in 'limber status' and show when one starts")
                }
                serverAvailable = present
                onServerChanged?(present)
            }
        }
    }

    private func noteServerUnavailable(_ failure: ShowFailure) {
        if serverAvailable != false {
            switch failure {
            case .timedOut:
                logger.warning("the notification server did not answer within 25 s; reminders stay visible in 'limber status'")
            default:
                logger.warning("no notification server answered (\(failure.message)); reminders stay visible in 'limber status'")
            }
        }
        serverAvailable = false
    }

    private func noteServerAvailable() {
        if serverAvailable == false {
            logger.info("a notification server answers again; reminders show as notifications")
        }
        serverAvailable = true
    }

    static func timeout(_ expiry: NotificationContent.Expiry) -> Int32 {
        switch expiry {
        case .serverDefault: return NOTIFY_EXPIRES_DEFAULT
        case .never: return NOTIFY_EXPIRES_NEVER
        case .after(let delay):
            let milliseconds = min(GLibConversions.milliseconds(delay), UInt32(Int32.max))
            return max(Int32(milliseconds), 1)  // 0 would mean "never"
        }
    }

    static func urgency(_ urgency: NotificationContent.Urgency) -> NotifyUrgency {
        switch urgency {
        case .low: return NOTIFY_URGENCY_LOW
        case .normal: return NOTIFY_URGENCY_NORMAL
        case .critical: return NOTIFY_URGENCY_CRITICAL
        }
    }

    /// The "id" property: the server's id after a show, 0 before or after "closed".
    static func serverID(_ notification: OpaquePointer) -> Int32 {
        var value = GValue()
        g_value_init(&value, LIMBER_G_TYPE_INT)
        g_object_get_property(notification, "id", &value)
        defer { g_value_unset(&value) }
        return g_value_get_int(&value)
    }

    // g_object_set is variadic, so the property goes through a GValue.
    static func setServerID(_ notification: OpaquePointer, _ id: Int32) {
        var value = GValue()
        g_value_init(&value, LIMBER_G_TYPE_INT)
        g_value_set_int(&value, id)
        g_object_set_property(notification, "id", &value)
        g_value_unset(&value)
    }
}

// MARK: - Between the loop's thread and the notifier's

enum NotifierCommand: Sendable {
    /// `retire`: the server closes it after any action, even a resident one (so what the
    /// action shows next must be a new notification, not an update the close takes down).
    case show(NotifierChannel, ticket: UInt64, tag: UInt64, content: NotificationContent, replacing: UInt32?,
              retire: Bool)
    case close(NotifierChannel, tag: UInt64)
    /// The notifier of this channel is gone: let go of its notifications (they stay on screen).
    case detach(NotifierChannel)
}

enum NotifierReport: Sendable {
    case shown(ticket: UInt64, tag: UInt64, result: Result<UInt32, ShowFailure>)
    case action(tag: UInt64, key: String)
    case closed(tag: UInt64, reason: Int32)
    case server(present: Bool)
}

/// GMainContext pointers are used from both threads only through GLib's thread-safe calls.
struct ContextPointer: @unchecked Sendable {
    let raw: OpaquePointer
}

/// What the notifier's thread reports to one `Notifier`, and the pipe that wakes its loop.
final class NotifierChannel: Sendable {
    private struct State {
        var reports: [NotifierReport] = []
        var detached = false
        var closed = false
    }

    private let state = Mutex(State())
    let readFD: Int32
    let writeFD: Int32

    init() {
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else { fatalError("cannot create the notifier's pipe: errno \(errno)") }
        for fd in fds {
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        }
        readFD = fds[0]
        writeFD = fds[1]
    }

    /// From the notifier's thread (or `enqueue`): hands reports to the loop.
    func post(_ reports: [NotifierReport]) {
        state.withLock { s in
            guard !s.closed else { return }
            let wasEmpty = s.reports.isEmpty
            s.reports += reports
            if wasEmpty {
                var byte: UInt8 = 1
                _ = write(writeFD, &byte, 1)  // a full pipe already holds a wake-up
            }
        }
    }

    /// On the loop: empties the pipe first, then takes the reports, so that a report posted
    /// in between always leaves a byte behind.
    func takeReports() -> [NotifierReport] {
        var buffer = [UInt8](repeating: 0, count: 64)
        while read(readFD, &buffer, buffer.count) > 0 {}
        return state.withLock { s in
            defer { s.reports.removeAll() }
            return s.reports
        }
    }

    /// The notifier is gone: the pipe closes once the thread let go of it too (`detached`).
    func closeWhenDetached() { finish { $0.closed = true } }

    /// From the notifier's thread, after `.detach`.
    func detached() { finish { $0.detached = true } }

    private func finish(_ change: (inout State) -> Void) {
        let both = state.withLock { s in
            let before = s.closed && s.detached
            change(&s)
            if s.closed { s.reports.removeAll() }
            return !before && s.closed && s.detached
        }
        if both {
            close(readFD)
            close(writeFD)
        }
    }
}

/// The calls waiting for the notifier's thread.
private struct CommandQueue {
    var commands: [NotifierCommand] = []
    var busy = false
}

// MARK: - The notifier's thread

/// The notifier's thread: one per process, as libnotify's proxy is one per process (its
/// signal subscriptions belong to the context it was made in, which must keep running).
///
/// `enqueue`, `idle` and `pendingCount` are called from any thread; everything else runs only
/// on the notifier's thread.
final class NotifierWorker: @unchecked Sendable {
    static let shared = NotifierWorker()

    private let queue = Mutex(CommandQueue())
    private let context: ContextPointer
    private let startOnce = Mutex(false)
    // The notifier's thread only:
    private var shown: [UInt64: Shown] = [:]
    private var current: NotifierChannel?
    private var serverPresent: Bool?
    /// Notifications whose server closes them after any action, resident or not: an update
    /// would be taken down with them, so what the action shows next is a new one. Released
    /// when their "closed" arrives.
    private var retired: [(entry: Shown, serverID: Int32)] = []

    private init() {
        guard let context = g_main_context_new() else { fatalError("g_main_context_new returned NULL (out of memory)") }
        self.context = ContextPointer(raw: context)
    }

    /// Starts the thread, once.
    func start() {
        let first = startOnce.withLock { started in
            defer { started = true }
            return !started
        }
        guard first else { return }
        let thread = g_thread_new("limber-notify", NotifierTrampolines.threadMain,
                                  Unmanaged.passUnretained(self).toOpaque())
        g_thread_unref(thread)  // it runs for the life of the process
    }

    /// Queues a call and wakes the thread. A show not yet sent is replaced by a later show of
    /// its tag (in its place) or dropped for a close; its ticket is reported `superseded`.
    func enqueue(_ command: NotifierCommand) {
        var dropped: [(NotifierChannel, NotifierReport)] = []
        queue.withLock { q in
            switch command {
            case .show(let channel, let ticket, let tag, let content, let replacing, let retire):
                if let i = q.commands.firstIndex(where: {
                    if case .show(let c, _, tag, _, _, _) = $0 { c === channel } else { false }
                }), case .show(_, let old, _, _, let oldReplacing, _) = q.commands[i] {
                    q.commands[i] = .show(channel, ticket: ticket, tag: tag, content: content,
                                          replacing: oldReplacing ?? replacing, retire: retire)
                    dropped.append((channel, .shown(ticket: old, tag: tag, result: .failure(.superseded))))
                } else {
                    q.commands.append(command)
                }
            case .close(let channel, let tag):
                q.commands.removeAll { c in
                    guard case .show(let other, let old, tag, _, _, _) = c, other === channel else { return false }
                    dropped.append((channel, .shown(ticket: old, tag: tag, result: .failure(.superseded))))
                    return true
                }
                q.commands.append(command)
            case .detach:
                q.commands.append(command)
            }
        }
        for (channel, report) in dropped { channel.post([report]) }
        g_main_context_wakeup(context.raw)
    }

    var idle: Bool { queue.withLock { $0.commands.isEmpty && !$0.busy } }
    var pendingCount: Int { queue.withLock { $0.commands.count + ($0.busy ? 1 : 0) } }

    private func nextCommand() -> NotifierCommand? {
        queue.withLock { q in
            guard !q.commands.isEmpty else {
                q.busy = false
                return nil
            }
            q.busy = true
            return q.commands.removeFirst()
        }
    }

    fileprivate func run() {
        let context = self.context.raw
        g_main_context_push_thread_default(context)
        _ = g_bus_watch_name(G_BUS_TYPE_SESSION, "org.freedesktop.Notifications", G_BUS_NAME_WATCHER_FLAGS_NONE,
                             NotifierTrampolines.nameAppeared, NotifierTrampolines.nameVanished,
                             Unmanaged.passUnretained(self).toOpaque(), nil)
        while true {
            while let command = nextCommand() { execute(command) }
            g_main_context_iteration(context, 1)
        }
    }

    private func execute(_ command: NotifierCommand) {
        switch command {
        case .show(let channel, let ticket, let tag, let content, let replacing, let retire):
            adopt(channel)
            let result = show(tag: tag, content, replacingServerID: replacing, retireAfterAction: retire)
            channel.post([.shown(ticket: ticket, tag: tag, result: result)])
        case .close(let channel, let tag):
            if channel === current { close(tag: tag) }
        case .detach(let channel):
            if channel === current {
                // Notifications stay on screen: only our references go.
                releaseAll()
                current = nil
            }
            channel.detached()
        }
    }

    /// Reports go to the notifier that called last; a new one learns whether a server is there.
    private func adopt(_ channel: NotifierChannel) {
        guard channel !== current else { return }
        releaseAll()
        current = channel
        if let serverPresent { channel.post([.server(present: serverPresent)]) }
    }

    /// Lets go of every notification (they stay on screen).
    private func releaseAll() {
        for entry in shown.values { entry.release() }
        shown = [:]
        for r in retired { r.entry.release() }
        retired = []
    }

    private func show(tag: UInt64, _ content: NotificationContent, replacingServerID: UInt32?,
                      retireAfterAction: Bool) -> Result<UInt32, ShowFailure> {
        // A retired notification's id is about to be closed by its server: never replace it.
        let replacingServerID = retired.contains { UInt32(bitPattern: $0.serverID) == replacingServerID }
            ? nil : replacingServerID
        let entry: Shown
        if let existing = shown[tag] {
            entry = existing
            entry.retireAfterAction = retireAfterAction
            notify_notification_update(entry.notification, content.summary, content.body, nil)
        } else {
            guard let notification = notify_notification_new(content.summary, content.body, nil) else {
                return .failure(.failed("libnotify could not create a notification (out of memory?)"))
            }
            if let replacingServerID, replacingServerID > 0, replacingServerID <= UInt32(Int32.max) {
                // (libnotify's ids stop at 2^31-1: a larger one cannot be taken over.)
                Notifier.setServerID(notification, Int32(replacingServerID))
            }
            entry = Shown(notification: notification, target: CallbackTarget(worker: self, tag: tag))
            entry.retireAfterAction = retireAfterAction
            shown[tag] = entry
        }
        apply(content, to: entry)

        var error: UnsafeMutablePointer<GError>?
        guard notify_notification_show(entry.notification, &error) != 0 else {
            return .failure(Self.failure(error))
        }
        if let error { g_error_free(error) }
        let id = Notifier.serverID(entry.notification)
        return id > 0 ? .success(UInt32(id)) : .failure(.failed("the server answered without an id"))
    }

    private func close(tag: UInt64) {
        guard let entry = shown.removeValue(forKey: tag) else { return }
        entry.disconnect()
        if Notifier.serverID(entry.notification) > 0 {
            var error: UnsafeMutablePointer<GError>?
            if notify_notification_close(entry.notification, &error) == 0, let error {
                g_error_free(error)  // gone already, or no server: nothing to take down
            }
        }
        entry.release()
    }

    // MARK: Callbacks (on this thread, from its context)

    fileprivate func actionInvoked(tag: UInt64, key: String) {
        if let entry = shown[tag], entry.retireAfterAction {
            shown[tag] = nil
            retired.append((entry, Notifier.serverID(entry.notification)))
            // Bounded, should a server never say "closed"; the oldest is not the one calling.
            if retired.count > 8 {
                let old = retired.removeFirst().entry
                old.disconnect()
                old.release()
            }
        }
        current?.post([.action(tag: tag, key: key)])
    }

    fileprivate func closedByServer(tag: UInt64, notification: OpaquePointer, reason: Int32) {
        // The object of a closed notification cannot be shown again under its old id
        // (libnotify resets it to 0), so forget it; a new show of the tag starts afresh.
        if let i = retired.firstIndex(where: { $0.entry.notification == notification }) {
            let entry = retired.remove(at: i).entry
            entry.disconnect()
            entry.release()  // libnotify holds its own reference meanwhile
            return
        }
        guard let entry = shown[tag], entry.notification == notification else { return }
        shown[tag] = nil
        entry.disconnect()
        entry.release()  // libnotify holds its own reference while it emits "closed"
        current?.post([.closed(tag: tag, reason: reason)])
    }

    fileprivate func serverChanged(present: Bool) {
        if !present {
            // What it showed went with it: a new server gets new notifications, not
            // replacements of ids it never gave out.
            for entry in shown.values { Notifier.setServerID(entry.notification, 0) }
            for r in retired {
                r.entry.disconnect()
                r.entry.release()
            }
            retired = []
        }
        serverPresent = present
        current?.post([.server(present: present)])
    }

    // MARK: Helpers

    private func apply(_ content: NotificationContent, to entry: Shown) {
        let notification = entry.notification
        notify_notification_set_timeout(notification, Notifier.timeout(content.expiry))
        // Hints are all rebuilt: an update must not keep a stale progress or category.
        notify_notification_clear_hints(notification)
        notify_notification_set_urgency(notification, Notifier.urgency(content.urgency))
        if content.quiet {
            notify_notification_set_hint(notification, "suppress-sound", g_variant_new_boolean(1))
        }
        if let category = content.category, !category.isEmpty {
            notify_notification_set_category(notification, category)
        }
        if let progress = content.progress {
            notify_notification_set_hint(notification, "value",
                                         g_variant_new_int32(Int32(min(max(progress, 0), 100))))
        }
        if content.resident {
            notify_notification_set_hint(notification, "resident", g_variant_new_boolean(1))
        }
        if content.transient {
            notify_notification_set_hint(notification, "transient", g_variant_new_boolean(1))
        }
        // Only servers with the "sound" capability get it: the profile dropped it otherwise.
        if let sound = content.sound {
            notify_notification_set_hint(notification, "sound-name", g_variant_new_string(sound))
        }
        notify_notification_clear_actions(notification)  // releases the old callback targets
        for action in content.actions where !action.key.isEmpty {
            notify_notification_add_action(notification, action.key,
                                           action.label.isEmpty ? action.key : action.label,
                                           NotifierTrampolines.action,
                                           Unmanaged.passRetained(entry.target).toOpaque(),
                                           NotifierTrampolines.releaseTarget)
        }
    }

    /// What a failed call means, after freeing the error.
    static func failure(_ error: UnsafeMutablePointer<GError>?) -> ShowFailure {
        guard let error else { return .failed("libnotify failed without an error message") }
        defer { g_error_free(error) }
        let message = error.pointee.message.map { String(cString: $0) } ?? "no error message"
        let domain = error.pointee.domain, code = error.pointee.code
        if domain == g_io_error_quark() {
            // Timed out: a server took the call. Anything else: no bus or a broken connection.
            return code == LIMBER_G_IO_ERROR_TIMED_OUT ? .timedOut : .noServer(message)
        }
        if domain == g_dbus_error_quark(),
           [LIMBER_G_DBUS_ERROR_SERVICE_UNKNOWN, LIMBER_G_DBUS_ERROR_NAME_HAS_NO_OWNER,
            LIMBER_G_DBUS_ERROR_NO_REPLY].contains(code) {
            return .noServer(message)
        }
        return .failed(message)
    }
}

/// One NotifyNotification and our "closed" connection on it.
private final class Shown {
    let notification: OpaquePointer
    let target: CallbackTarget
    /// Its server closes it after any action (see `NotifierWorker.retired`).
    var retireAfterAction = false
    private var closedHandler: gulong

    init(notification: OpaquePointer, target: CallbackTarget) {
        self.notification = notification
        self.target = target
        closedHandler = g_signal_connect_data(
            UnsafeMutableRawPointer(notification), "closed",
            unsafeBitCast(NotifierTrampolines.closed, to: GCallback.self),
            Unmanaged.passRetained(target).toOpaque(), NotifierTrampolines.releaseClosureData,
            G_CONNECT_DEFAULT)
    }

    func disconnect() {
        guard closedHandler != 0 else { return }
        g_signal_handler_disconnect(UnsafeMutableRawPointer(notification), closedHandler)
        closedHandler = 0
    }

    /// Drops our reference; libnotify then frees it and the action targets it holds.
    func release() {
        disconnect()
        g_object_unref(UnsafeMutableRawPointer(notification))
    }
}

/// User data of libnotify's callbacks: which prompt, and a weak way back to the worker.
private final class CallbackTarget {
    weak var worker: NotifierWorker?
    let tag: UInt64

    init(worker: NotifierWorker, tag: UInt64) {
        self.worker = worker
        self.tag = tag
    }
}

/// C entry points GLib, GIO, libnotify and GObject call; nonisolated, see `GLibTrampolines`.
private enum NotifierTrampolines {
    static let threadMain: GThreadFunc = { data in
        guard let data else { return nil }
        Unmanaged<NotifierWorker>.fromOpaque(data).takeUnretainedValue().run()
        return nil
    }

    static let nameAppeared: GBusNameAppearedCallback = { _, _, _, data in
        guard let data else { return }
        Unmanaged<NotifierWorker>.fromOpaque(data).takeUnretainedValue().serverChanged(present: true)
    }

    static let nameVanished: GBusNameVanishedCallback = { _, _, data in
        guard let data else { return }
        Unmanaged<NotifierWorker>.fromOpaque(data).takeUnretainedValue().serverChanged(present: false)
    }

    static let action: NotifyActionCallback = { _, action, data in
        guard let action, let data else { return }
        let target = Unmanaged<CallbackTarget>.fromOpaque(data).takeUnretainedValue()
        target.worker?.actionInvoked(tag: target.tag, key: String(cString: action))
    }

    static let releaseTarget: GFreeFunc = { data in
        guard let data else { return }
        Unmanaged<CallbackTarget>.fromOpaque(data).release()
    }

    /// The "closed" signal handler: void (*)(NotifyNotification *, gpointer user_data).
    static let closed: @convention(c) (OpaquePointer?, UnsafeMutableRawPointer?) -> Void = { notification, data in
        guard let notification, let data else { return }
        let target = Unmanaged<CallbackTarget>.fromOpaque(data).takeUnretainedValue()
        target.worker?.closedByServer(tag: target.tag, notification: notification,
                                      reason: notify_notification_get_closed_reason(notification))
    }

    static let releaseClosureData: GClosureNotify = { data, _ in
        guard let data else { return }
        Unmanaged<CallbackTarget>.fromOpaque(data).release()
    }
}
