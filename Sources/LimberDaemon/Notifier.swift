import CNotify
import Logging

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
    /// The "transient" hint: an informational note the server does not keep in its history.
    public var transient: Bool

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

/// Shows limber's prompts as desktop notifications through libnotify.
///
/// Prompts are identified by limber's tag; showing a tag again updates the notification in
/// place. `onAction` and `onClosed` are called only while `GLibLoop.run()` iterates GLib's
/// default context, on that thread. Without a notification server `show` returns nil and
/// the daemon carries on; the first failure after success logs one warning.
///
/// `show` and `close` are synchronous D-Bus calls: a server that hangs blocks them for
/// GLib's default call timeout (25 s).
public final class Notifier {
    /// Called with the tag and the action key when the user invokes an action.
    ///
    /// Servers usually close a notification after an action, so `onClosed` follows unless
    /// the content was `resident`.
    public var onAction: ((_ tag: UInt64, _ action: String) -> Void)?
    /// Called when the server closed a notification: 1 expired, 2 dismissed by the user,
    /// 3 closed by a call, 4 undefined. The tag is forgotten by then.
    public var onClosed: ((_ tag: UInt64, _ reason: Int32) -> Void)?
    /// Whether the last attempt to reach the notification server worked; nil before any.
    public private(set) var serverAvailable: Bool?
    /// What the server draws; content is adapted to it (markup, buttons, hints). Without
    /// it, content goes as given.
    var serverProfile: (() -> ServerProfile)?

    private let appName: String
    private let logger: Logger
    private var shown: [UInt64: Shown] = [:]
    /// Notifications whose server closes them after any action, resident or not: an update
    /// would be taken down with them, so what the action shows next is a new one. Released
    /// when their "closed" arrives.
    private var retired: [(entry: Shown, serverID: Int32)] = []

    /// Creates a notifier whose notifications carry `appName`.
    public init(appName: String, logger: Logger) {
        self.appName = appName.isEmpty ? "limber" : appName
        self.logger = logger
        // Only refuses a NULL or empty name; it connects to nothing yet.
        if notify_init(self.appName) == 0 {
            logger.error("libnotify refused to initialise (notify_init failed); notifications will not show")
        }
    }

    deinit {
        // Leave them on screen: a restarted daemon takes them over with `replacingServerID`.
        for entry in shown.values { entry.release() }
        for r in retired { r.entry.release() }
    }

    /// Shows the prompt `tag`, or updates it in place if it is showing; returns the
    /// server's id for it, or nil if no server answered.
    ///
    /// `replacingServerID` is used only when `tag` is not showing yet: a restarted daemon
    /// passes the id the previous process got, so the server replaces that notification.
    @discardableResult
    public func show(tag: UInt64, _ content: NotificationContent, replacingServerID: UInt32? = nil) -> UInt32? {
        let content = serverProfile?().adapt(content) ?? content
        let replacingServerID = retired.contains { UInt32(bitPattern: $0.serverID) == replacingServerID }
            ? nil : replacingServerID
        let summary = content.summary.isEmpty ? appName : content.summary
        let entry: Shown
        if let existing = shown[tag] {
            entry = existing
            notify_notification_update(entry.notification, summary, content.body, nil)
        } else {
            guard let notification = notify_notification_new(summary, content.body, nil) else {
                logger.error("libnotify could not create a notification (out of memory?)")
                return nil
            }
            if let replacingServerID, replacingServerID > 0 {
                if replacingServerID <= UInt32(Int32.max) {
                    Self.setServerID(notification, Int32(replacingServerID))
                } else {
                    logger.debug("cannot take over notification \(replacingServerID): libnotify ids stop at 2^31-1")
                }
            }
            entry = Shown(notification: notification, target: CallbackTarget(notifier: self, tag: tag))
            shown[tag] = entry
        }
        apply(content, to: entry)

        var error: UnsafeMutablePointer<GError>?
        guard notify_notification_show(entry.notification, &error) != 0 else {
            noteServerUnavailable(Self.consume(error))
            return nil
        }
        Self.consume(error).map { logger.debug("libnotify reported success with an error: \($0)") }
        noteServerAvailable()
        let id = Self.serverID(entry.notification)
        return id > 0 ? UInt32(id) : nil
    }

    /// Takes the notification of `tag` down and forgets the tag; unknown tags are ignored.
    ///
    /// `onClosed` is not called for it: the caller knows.
    public func close(tag: UInt64) {
        guard let entry = shown.removeValue(forKey: tag) else { return }
        entry.disconnect()
        if Self.serverID(entry.notification) > 0 {
            var error: UnsafeMutablePointer<GError>?
            if notify_notification_close(entry.notification, &error) == 0 {
                let message = Self.consume(error) ?? "unknown error"
                logger.debug("could not close notification \(tag): \(message)",
                             metadata: ["tag": "\(tag)"])
            }
        }
        entry.release()
    }

    /// Tags currently shown (or waiting for a server), for tests and status.
    var shownTags: Set<UInt64> { Set(shown.keys) }

    // MARK: - libnotify callbacks (on the loop thread)

    fileprivate func actionInvoked(tag: UInt64, key: String) {
        if serverProfile?().closesAfterAction == true, let entry = shown.removeValue(forKey: tag) {
            retired.append((entry, Self.serverID(entry.notification)))
            // Bounded, should a server never say "closed"; the oldest is not the one calling.
            if retired.count > 8 { retired.removeFirst().entry.release() }
        }
        onAction?(tag, key)
    }

    fileprivate func closedByServer(tag: UInt64, notification: OpaquePointer, reason: Int32) {
        // The object of a closed notification cannot be shown again under its old id
        // (libnotify resets it to 0), so forget it; a new show of the tag starts afresh.
        if let i = retired.firstIndex(where: { $0.entry.notification == notification }) {
            retired.remove(at: i).entry.release()  // libnotify holds its own reference meanwhile
            return
        }
        guard let entry = shown[tag], entry.notification == notification else { return }
        shown[tag] = nil
        entry.disconnect()
        entry.release()  // libnotify holds its own reference while it emits "closed"
        onClosed?(tag, reason)
    }

    // MARK: - Helpers

    private func apply(_ content: NotificationContent, to entry: Shown) {
        let notification = entry.notification
        notify_notification_set_timeout(notification, Self.timeout(content.expiry))
        // Hints are all rebuilt: an update must not keep a stale progress or category.
        notify_notification_clear_hints(notification)
        notify_notification_set_urgency(notification, Self.urgency(content.urgency))
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
        notify_notification_clear_actions(notification)  // releases the old callback targets
        for action in content.actions where !action.key.isEmpty {
            notify_notification_add_action(notification, action.key,
                                           action.label.isEmpty ? action.key : action.label,
                                           NotifierTrampolines.action,
                                           Unmanaged.passRetained(entry.target).toOpaque(),
                                           NotifierTrampolines.releaseTarget)
        }
    }

    private func noteServerUnavailable(_ message: String?) {
        if serverAvailable != false {
            logger.warning("no notification server answered (\(message ?? "no error message")); reminders stay visible in 'limber status'")
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

    /// The error's message, after freeing it.
    private static func consume(_ error: UnsafeMutablePointer<GError>?) -> String? {
        guard let error else { return nil }
        defer { g_error_free(error) }
        return error.pointee.message.map { String(cString: $0) }
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
    private static func setServerID(_ notification: OpaquePointer, _ id: Int32) {
        var value = GValue()
        g_value_init(&value, LIMBER_G_TYPE_INT)
        g_value_set_int(&value, id)
        g_object_set_property(notification, "id", &value)
        g_value_unset(&value)
    }
}

/// One NotifyNotification and our "closed" connection on it.
private final class Shown {
    let notification: OpaquePointer
    let target: CallbackTarget
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

/// User data of libnotify's callbacks: which prompt, and a weak way back to the notifier.
private final class CallbackTarget {
    weak var notifier: Notifier?
    let tag: UInt64

    init(notifier: Notifier, tag: UInt64) {
        self.notifier = notifier
        self.tag = tag
    }
}

/// C entry points libnotify and GObject call; nonisolated, see `GLibTrampolines`.
private enum NotifierTrampolines {
    static let action: NotifyActionCallback = { _, action, data in
        guard let action, let data else { return }
        let target = Unmanaged<CallbackTarget>.fromOpaque(data).takeUnretainedValue()
        target.notifier?.actionInvoked(tag: target.tag, key: String(cString: action))
    }

    static let releaseTarget: GFreeFunc = { data in
        guard let data else { return }
        Unmanaged<CallbackTarget>.fromOpaque(data).release()
    }

    /// The "closed" signal handler: void (*)(NotifyNotification *, gpointer user_data).
    static let closed: @convention(c) (OpaquePointer?, UnsafeMutableRawPointer?) -> Void = { notification, data in
        guard let notification, let data else { return }
        let target = Unmanaged<CallbackTarget>.fromOpaque(data).takeUnretainedValue()
        target.notifier?.closedByServer(tag: target.tag, notification: notification,
                                        reason: notify_notification_get_closed_reason(notification))
    }

    static let releaseClosureData: GClosureNotify = { data, _ in
        guard let data else { return }
        Unmanaged<CallbackTarget>.fromOpaque(data).release()
    }
}
