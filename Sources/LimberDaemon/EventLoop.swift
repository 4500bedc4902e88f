/// What the daemon's adapters need from an event loop: fd watches, one-shot timers, cancel.
///
/// The daemon runs on `GLibLoop` (GLib owns the main thread so libnotify callbacks fire);
/// tests of single adapters may use `PollLoop`. Everything runs on the loop's thread:
/// callbacks are never invoked concurrently.
public protocol EventLoop: AnyObject {
    /// Calls `body` when `fd` is ready for `events`; `body` returns false to remove the watch.
    @discardableResult
    func watch(fd: Int32, events: FDEvents, _ body: @escaping (FDEvents) -> Bool) -> SourceID
    /// Calls `body` once after `delay` (monotonic; may be coalesced by up to a few ms).
    @discardableResult
    func after(_ delay: Duration, _ body: @escaping () -> Void) -> SourceID
    /// Removes a watch or timer; removing one that already ended is harmless.
    func cancel(_ id: SourceID)
}

/// Readiness conditions of a file descriptor.
public struct FDEvents: OptionSet, Sendable, Hashable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    public static let readable = FDEvents(rawValue: 1 << 0)
    public static let writable = FDEvents(rawValue: 1 << 1)
    /// Hang-up or error; always reported, whether asked for or not.
    public static let hangup = FDEvents(rawValue: 1 << 2)
}

/// Identifies a watch or timer for `cancel`.
public struct SourceID: Hashable, Sendable {
    public let rawValue: UInt64
    public init(rawValue: UInt64) { self.rawValue = rawValue }
}
