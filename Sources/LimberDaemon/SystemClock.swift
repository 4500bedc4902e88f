import LimberCore
#if canImport(Glibc)
import Glibc
#endif

/// Reads the clocks the scheduler needs.
public protocol DaemonClock {
    func now() -> Moment
    /// Converts a delay in scheduler time to real time (differs only under the testing aid).
    func realDelay(_ schedulerDelay: Duration) -> Duration
    /// Converts real time (an idle time a desktop service reports) to scheduler time.
    func schedulerDuration(_ real: Duration) -> Duration
    /// The local zone's UTC offset at a wall time: tells the scheduler where DST changes lie.
    func utcOffset(atWall wall: Duration) -> Int
}

extension DaemonClock {
    public func schedulerDuration(_ real: Duration) -> Duration { real }
    public func utcOffset(atWall wall: Duration) -> Int { now().utcOffsetSeconds }
}

/// The machine's clocks: CLOCK_MONOTONIC, CLOCK_BOOTTIME, CLOCK_REALTIME and the local zone.
public struct SystemClock: DaemonClock {
    public init() {}

    static func read(_ id: clockid_t) -> Duration {
        var ts = timespec()
        clock_gettime(id, &ts)
        return .seconds(Int64(ts.tv_sec)) + .nanoseconds(Int64(ts.tv_nsec))
    }

    public func now() -> Moment {
        let wall = Self.read(CLOCK_REALTIME)
        // glibc's localtime_r reads the zone once; tzset re-reads TZ and, when it changed,
        // /etc/localtime (one stat per event), so a time-zone change is seen at once.
        tzset()
        return Moment(monotonic: Self.read(CLOCK_MONOTONIC), boottime: Self.read(CLOCK_BOOTTIME),
                      wall: wall, utcOffsetSeconds: Self.offset(at: wall))
    }

    static func offset(at wall: Duration) -> Int {
        var t = time_t(wall.components.seconds)
        var parts = tm()
        return localtime_r(&t, &parts) != nil ? parts.tm_gmtoff : 0
    }

    public func realDelay(_ schedulerDelay: Duration) -> Duration { schedulerDelay }

    public func utcOffset(atWall wall: Duration) -> Int { Self.offset(at: wall) }
}

#if LIMBER_TESTING
/// The end-to-end tests' aid (debug builds only): monotonic and boot time run `scale` times
/// faster, so a 30-minute interval passes in 30 s at scale 60. Wall time is real.
///
/// A test may also move scheduler time on at once (`{"cmd":"debug-advance","seconds":N}`),
/// rather than sleep: a sleep on a loaded machine slips by a minute of schedule a second.
/// A class, so the engine and everything else holding the clock see the same skip.
public final class ScaledClock: DaemonClock {
    public let scale: Int64
    let base = SystemClock()
    /// Scheduler time added by `advance`, on both monotonic and boot time (so it is never
    /// taken for a suspend).
    public private(set) var skipped: Duration

    public init(scale: Int64, skipped: Duration = .zero) {
        self.scale = max(1, scale)
        self.skipped = max(.zero, skipped)
    }

    public func now() -> Moment {
        var m = base.now()
        m.monotonic = m.monotonic * scale + skipped
        m.boottime = m.boottime * scale + skipped
        return m
    }

    /// Moves scheduler time forward; it never goes back.
    public func advance(by d: Duration) {
        if d > .zero { skipped += d }
    }

    public func realDelay(_ schedulerDelay: Duration) -> Duration { schedulerDelay / scale }

    public func schedulerDuration(_ real: Duration) -> Duration { real * scale }

    public func utcOffset(atWall wall: Duration) -> Int { SystemClock.offset(at: wall) }
}
#endif

/// The kernel's id of this boot: saved state from another boot has a meaningless monotonic clock.
public func currentBootID() -> String {
    guard let f = fopen("/proc/sys/kernel/random/boot_id", "r") else { return "" }
    defer { fclose(f) }
    var buffer = [CChar](repeating: 0, count: 64)
    guard fgets(&buffer, Int32(buffer.count), f) != nil else { return "" }
    let bytes = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
    return String(decoding: bytes, as: UTF8.self).trimmingTrailingNewline()
}

extension String {
    func trimmingTrailingNewline() -> String {
        var s = self
        while s.last == "\n" || s.last == "\r" { s.removeLast() }
        return s
    }
}
