import CNotify

#if canImport(Glibc)
import Glibc
#endif

/// The daemon's event loop: GLib's default main context, which libnotify needs iterated.
///
/// Timers use GLib's monotonic clock (CLOCK_MONOTONIC: it stops during suspend; the engine
/// learns about sleep from logind). Everything runs on the thread that calls `run()`. The
/// default context is process-wide, so keep one `GLibLoop` running at a time.
public final class GLibLoop: EventLoop {
    private let loop: OpaquePointer
    private let registry = SourceRegistry()
    // g_main_loop_run sets is_running again, so a quit before run would be lost.
    private var quitRequested = false

    /// Creates a loop on GLib's default main context; nothing runs until `run()`.
    public init() {
        guard let loop = g_main_loop_new(nil, 0) else {
            fatalError("g_main_loop_new returned NULL (out of memory)")
        }
        self.loop = loop
    }

    deinit {
        for gid in registry.removeAll() { g_source_remove(gid) }
        g_main_loop_unref(loop)
    }

    /// Dispatches events until `quit()`; returns at once if `quit()` came first.
    public func run() {
        defer { quitRequested = false }
        if quitRequested { return }
        g_main_loop_run(loop)
    }

    /// Makes `run()` return after the current callback.
    public func quit() {
        quitRequested = true
        g_main_loop_quit(loop)
    }

    /// Calls `body` when `fd` is ready for `events`; `body` returns false to remove the watch.
    ///
    /// A watch on a descriptor that was closed underneath it (POLLNVAL) is removed after its
    /// body ran, whatever it returned: GLib would otherwise report it again at once, forever.
    @discardableResult
    public func watch(fd: Int32, events: FDEvents, _ body: @escaping (FDEvents) -> Bool) -> SourceID {
        let box = SourceBox(registry: registry, callback: .watch(body))
        let gid = g_unix_fd_add_full(G_PRIORITY_DEFAULT, fd, GLibConversions.condition(events),
                                     GLibTrampolines.fdReady, box.retainedPointer(),
                                     GLibTrampolines.release)
        return registry.add(box, gid: gid)
    }

    /// Calls `body` once after `delay`, to the millisecond (rounded up, so never early).
    @discardableResult
    public func after(_ delay: Duration, _ body: @escaping () -> Void) -> SourceID {
        let box = SourceBox(registry: registry, callback: .once(body))
        let gid = g_timeout_add_full(G_PRIORITY_DEFAULT, GLibConversions.milliseconds(delay),
                                     GLibTrampolines.fireOnce, box.retainedPointer(),
                                     GLibTrampolines.release)
        return registry.add(box, gid: gid)
    }

    /// Calls `body` on the loop each time `signo` arrives, until cancelled.
    ///
    /// GLib supports SIGHUP, SIGINT, SIGTERM, SIGUSR1, SIGUSR2 and SIGWINCH. When the last
    /// handler of a signal is cancelled, GLib restores its default action.
    @discardableResult
    public func onSignal(_ signo: Int32, _ body: @escaping () -> Void) -> SourceID {
        precondition([SIGHUP, SIGINT, SIGTERM, SIGUSR1, SIGUSR2, SIGWINCH].contains(signo),
                     "g_unix_signal_add does not support signal \(signo)")
        let box = SourceBox(registry: registry, callback: .repeating(body))
        let gid = g_unix_signal_add_full(G_PRIORITY_DEFAULT, signo, GLibTrampolines.fireRepeating,
                                         box.retainedPointer(), GLibTrampolines.release)
        return registry.add(box, gid: gid)
    }

    /// Removes a watch, timer or signal handler; removing one that already ended is harmless.
    public func cancel(_ id: SourceID) {
        // g_source_remove on an id that is gone logs a CRITICAL, so only live ids reach it.
        if let gid = registry.forget(id.rawValue) {
            g_source_remove(gid)
        }
    }

    /// How many watches, timers and signal handlers are live (for tests).
    var liveSourceCount: Int { registry.count }
}

/// Maps limber's source ids (never reused) to GLib's (reused after 2^32 sources).
final class SourceRegistry {
    private var nextKey: UInt64 = 1
    private var live: [UInt64: guint] = [:]

    var count: Int { live.count }

    func add(_ box: SourceBox, gid: guint) -> SourceID {
        let key = nextKey
        nextKey += 1
        box.key = key
        live[key] = gid
        return SourceID(rawValue: key)
    }

    @discardableResult
    func forget(_ key: UInt64) -> guint? {
        live.removeValue(forKey: key)
    }

    func removeAll() -> [guint] {
        defer { live.removeAll() }
        return Array(live.values)
    }
}

/// A Swift callback handed to GLib as user data; GLib releases it with `GLibTrampolines.release`.
final class SourceBox {
    enum Callback {
        case once(() -> Void)
        case repeating(() -> Void)
        case watch((FDEvents) -> Bool)
    }

    let registry: SourceRegistry
    let callback: Callback
    var key: UInt64 = 0

    init(registry: SourceRegistry, callback: Callback) {
        self.registry = registry
        self.callback = callback
    }

    func retainedPointer() -> UnsafeMutableRawPointer {
        Unmanaged.passRetained(self).toOpaque()
    }

    /// Runs the callback and says whether GLib should keep the source.
    func fire(_ events: FDEvents = []) -> Bool {
        switch callback {
        case .once(let body):
            // Forget first: the body may cancel its own id, which must then be a no-op.
            registry.forget(key)
            body()
            return false
        case .repeating(let body):
            body()
            return true
        case .watch(let body):
            let keep = body(events)
            if !keep { registry.forget(key) }
            return keep
        }
    }
}

/// C entry points GLib calls. Kept in a nonisolated enum: a `@convention(c)` closure written
/// in main.swift is MainActor-isolated and traps when GLib calls it (ARCHITECTURE.md, "Measured facts").
enum GLibTrampolines {
    static let fireOnce: GSourceFunc = { data in
        guard let data else { return 0 }
        return Unmanaged<SourceBox>.fromOpaque(data).takeUnretainedValue().fire() ? 1 : 0
    }

    static let fireRepeating: GSourceFunc = { data in
        guard let data else { return 0 }
        return Unmanaged<SourceBox>.fromOpaque(data).takeUnretainedValue().fire() ? 1 : 0
    }

    static let fdReady: GUnixFDSourceFunc = { _, condition, data in
        guard let data else { return 0 }
        let box = Unmanaged<SourceBox>.fromOpaque(data).takeUnretainedValue()
        let keep = box.fire(GLibConversions.events(condition))
        if condition.rawValue & G_IO_NVAL.rawValue != 0 {
            box.registry.forget(box.key)
            return 0
        }
        return keep ? 1 : 0
    }

    static let release: GDestroyNotify = { data in
        guard let data else { return }
        let box = Unmanaged<SourceBox>.fromOpaque(data).takeRetainedValue()
        box.registry.forget(box.key)
    }
}

enum GLibConversions {
    static func condition(_ events: FDEvents) -> GIOCondition {
        // Errors and hang-ups are always reported, as FDEvents promises.
        var raw = G_IO_HUP.rawValue | G_IO_ERR.rawValue
        if events.contains(.readable) { raw |= G_IO_IN.rawValue }
        if events.contains(.writable) { raw |= G_IO_OUT.rawValue }
        return GIOCondition(rawValue: raw)
    }

    static func events(_ condition: GIOCondition) -> FDEvents {
        var events: FDEvents = []
        if condition.rawValue & (G_IO_IN.rawValue | G_IO_PRI.rawValue) != 0 { events.insert(.readable) }
        if condition.rawValue & G_IO_OUT.rawValue != 0 { events.insert(.writable) }
        if condition.rawValue & (G_IO_HUP.rawValue | G_IO_ERR.rawValue | G_IO_NVAL.rawValue) != 0 {
            events.insert(.hangup)
        }
        return events
    }

    /// Whole milliseconds, rounded up; clamped to GLib's range (about 49 days).
    static func milliseconds(_ delay: Duration) -> guint {
        guard delay > .zero else { return 0 }
        let (seconds, attoseconds) = delay.components
        let (wholeMs, overflow) = seconds.multipliedReportingOverflow(by: 1000)
        if overflow { return .max }
        let partMs = (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
        let total = wholeMs + partMs
        return total >= Int64(guint.max) ? .max : guint(total)
    }
}
