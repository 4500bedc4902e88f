import Glibc

/// A small `poll(2)` event loop with CLOCK_MONOTONIC timers, for tests of single adapters.
///
/// It sleeps in `poll` until the next fd event or timer: no busy-waiting. Callbacks run on the
/// thread that calls `run`/`runOnce`, one at a time, in registration order within one wake-up.
public final class PollLoop: EventLoop {
    private struct Watch {
        let fd: Int32
        let events: FDEvents
        let body: (FDEvents) -> Bool
    }

    private struct Timer {
        let deadline: UInt64
        let body: () -> Void
    }

    private var watches: [UInt64: Watch] = [:]
    private var timers: [UInt64: Timer] = [:]
    private var nextID: UInt64 = 1
    private var quitRequested = false
    /// How many times `poll` was entered; tests use it to show the loop sleeps rather than spins.
    private(set) var wakeups = 0

    /// An empty loop.
    public init() {}

    /// Watches and timers still registered.
    public var sourceCount: Int { watches.count + timers.count }

    @discardableResult
    public func watch(fd: Int32, events: FDEvents, _ body: @escaping (FDEvents) -> Bool) -> SourceID {
        let id = allocateID()
        watches[id] = Watch(fd: fd, events: events, body: body)
        return SourceID(rawValue: id)
    }

    @discardableResult
    public func after(_ delay: Duration, _ body: @escaping () -> Void) -> SourceID {
        let id = allocateID()
        timers[id] = Timer(deadline: Self.now() &+ Self.nanoseconds(delay), body: body)
        return SourceID(rawValue: id)
    }

    public func cancel(_ id: SourceID) {
        watches[id.rawValue] = nil
        timers[id.rawValue] = nil
    }

    /// Makes the running `run()` return after the current callback.
    public func quit() { quitRequested = true }

    /// Runs until `quit()` is called or nothing is left to wait for.
    public func run() {
        quitRequested = false
        while !quitRequested, sourceCount > 0 {
            runOnce(timeout: nil)
        }
    }

    /// Runs until `condition` holds or `timeout` passes; returns whether `condition` holds.
    @discardableResult
    public func run(until condition: () -> Bool, timeout: Duration) -> Bool {
        let deadline = Self.now() &+ Self.nanoseconds(timeout)
        while !condition() {
            let now = Self.now()
            guard now < deadline else { return condition() }
            runOnce(timeout: .nanoseconds(Int64(clamping: deadline - now)))
        }
        return true
    }

    /// Runs callbacks for `duration`, whatever happens.
    public func run(for duration: Duration) {
        _ = run(until: { false }, timeout: duration)
    }

    /// Waits once for fd events or the next timer (at most `timeout`; nil waits as long as needed)
    /// and runs what became ready; returns whether any callback ran.
    @discardableResult
    public func runOnce(timeout: Duration?) -> Bool {
        var waitNanos: UInt64? = timeout.map(Self.nanoseconds)
        if let next = timers.values.map(\.deadline).min() {
            let now = Self.now()
            let untilTimer = next > now ? next - now : 0
            waitNanos = min(waitNanos ?? untilTimer, untilTimer)
        }
        // Round up: waking a little early would find the timer not yet due and spin through poll again.
        let waitMillis: Int32 = waitNanos.map { Int32(clamping: ($0 + 999_999) / 1_000_000) } ?? -1

        let registered = watches.sorted { $0.key < $1.key }
        let ids = registered.map(\.key)
        var fds = registered.map { _, w -> pollfd in
            var events: Int16 = 0
            if w.events.contains(.readable) { events |= Int16(POLLIN) }
            if w.events.contains(.writable) { events |= Int16(POLLOUT) }
            return pollfd(fd: w.fd, events: events, revents: 0)
        }
        wakeups += 1
        let ready = fds.withUnsafeMutableBufferPointer { poll($0.baseAddress, nfds_t($0.count), waitMillis) }
        var ran = false
        if ready > 0 {
            for (index, id) in ids.enumerated() where fds[index].revents != 0 {
                // An earlier callback in this round may have cancelled it.
                guard let w = watches[id] else { continue }
                let revents = Int32(fds[index].revents)
                var happened: FDEvents = []
                if revents & Int32(POLLIN | POLLPRI) != 0 { happened.insert(.readable) }
                if revents & Int32(POLLOUT) != 0 { happened.insert(.writable) }
                if revents & Int32(POLLHUP | POLLERR | POLLNVAL) != 0 { happened.insert(.hangup) }
                happened.formIntersection(w.events.union(.hangup))
                guard !happened.isEmpty else { continue }
                ran = true
                let keep = w.body(happened)
                // A closed fd reports POLLNVAL forever; keeping its watch would spin.
                if !keep || revents & Int32(POLLNVAL) != 0 { watches[id] = nil }
            }
        }
        // ready < 0 is EINTR (or EINVAL for absurd fd counts); timers still get their turn.

        let now = Self.now()
        let due = timers.filter { $0.value.deadline <= now }
            .sorted { ($0.value.deadline, $0.key) < ($1.value.deadline, $1.key) }
        for (id, _) in due {
            // Timers added by these callbacks, even with zero delay, wait for the next round.
            guard let timer = timers.removeValue(forKey: id) else { continue }
            ran = true
            timer.body()
        }
        return ran
    }

    private func allocateID() -> UInt64 {
        defer { nextID += 1 }
        return nextID
    }

    static func now() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }

    static func nanoseconds(_ d: Duration) -> UInt64 {
        let (seconds, attoseconds) = d.components
        guard seconds >= 0, attoseconds >= 0 else { return 0 }
        let (whole, overflow) = UInt64(seconds).multipliedReportingOverflow(by: 1_000_000_000)
        return overflow ? .max / 2 : whole + UInt64(attoseconds / 1_000_000_000)
    }
}
