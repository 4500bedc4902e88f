import CSystemd

#if canImport(Glibc)
import Glibc
#endif

/// Tells systemd what the daemon is doing (`Type=notify`) and feeds its watchdog.
///
/// Every call is a no-op returning false when NOTIFY_SOCKET is unset, which is the case
/// whenever limberd runs outside systemd.
public struct SystemdNotifier: Sendable {
    /// Creates a notifier; it reads NOTIFY_SOCKET and WATCHDOG_USEC at each call.
    public init() {}

    /// Whether a service manager listens (NOTIFY_SOCKET is set).
    public var isActive: Bool { getenv("NOTIFY_SOCKET") != nil }

    /// Says start-up is complete: config, state and the control socket are ready.
    @discardableResult
    public func ready() -> Bool { send("READY=1") }

    /// Sets the one-line status `systemctl status` shows, e.g. "posture check in 12 min".
    @discardableResult
    public func status(_ text: String) -> Bool {
        // The protocol is newline-separated: a newline would end STATUS and start garbage.
        send("STATUS=" + String(text.map { $0.isNewline ? " " : $0 }))
    }

    /// Says the daemon is shutting down (SIGTERM received).
    @discardableResult
    public func stopping() -> Bool { send("STOPPING=1") }

    /// Says a reload began; systemd 253 and later need the monotonic timestamp with it.
    @discardableResult
    public func reloading() -> Bool {
        send("RELOADING=1\nMONOTONIC_USEC=\(Self.monotonicMicroseconds())")
    }

    /// Says a reload finished (successfully or not: the daemon runs either way).
    @discardableResult
    public func reloadDone() -> Bool { send("READY=1") }

    /// How often systemd expects `pingWatchdog()`; nil when the unit has no WatchdogSec=.
    ///
    /// Ping at half this interval, as sd_watchdog_enabled(3) recommends.
    public var watchdogInterval: Duration? {
        var usec: UInt64 = 0
        guard sd_watchdog_enabled(0, &usec) > 0, usec > 0, usec <= UInt64(Int64.max) else {
            return nil
        }
        return .microseconds(Int64(usec))
    }

    /// Tells the watchdog the daemon is alive.
    @discardableResult
    public func pingWatchdog() -> Bool { send("WATCHDOG=1") }

    private func send(_ state: String) -> Bool {
        sd_notify(0, state) > 0
    }

    static func monotonicMicroseconds() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) * 1_000_000 + UInt64(ts.tv_nsec) / 1_000
    }
}
