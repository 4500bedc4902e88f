import LimberCore
#if canImport(Glibc)
import Glibc
#endif

/// The user's time zone as the C library knows it (`TZ`, else /etc/localtime): history time
/// stamps become local dates and times here, so the statistics module never reads a zone.
protocol TimeZoneResolver {
    /// The local date and time of day at `seconds` since 1970 UTC.
    mutating func local(_ seconds: Int64) -> LocalTime
    /// The offset from UTC at `seconds`, in seconds east.
    mutating func utcOffset(_ seconds: Int64) -> Int
    /// The first second (since 1970 UTC) of local `date`; the first existing one when a
    /// daylight-saving change skips midnight.
    func startOfDay(_ date: LocalDate) -> Int64
}

/// `localtime_r` with a cache per UTC hour: history events cluster in working hours, and an
/// hour whose first and last seconds have the same offset has it throughout (no zone changes
/// its offset twice within an hour). An hour with a change in it is resolved event by event.
struct SystemTimeZone: TimeZoneResolver {
    private var cachedHour: Int64 = .min
    private var cachedOffset: Int = 0
    private var cachedUniform = false

    init() { tzset() }

    mutating func utcOffset(_ seconds: Int64) -> Int {
        let hour = seconds >= 0 ? seconds / 3600 : (seconds - 3599) / 3600
        if hour != cachedHour {
            cachedHour = hour
            let start = Self.offset(hour * 3600)
            cachedUniform = start == Self.offset(hour * 3600 + 3599)
            cachedOffset = start
        }
        return cachedUniform ? cachedOffset : Self.offset(seconds)
    }

    mutating func local(_ seconds: Int64) -> LocalTime {
        LocalTime(wall: .seconds(seconds), utcOffsetSeconds: utcOffset(seconds))
    }

    func startOfDay(_ date: LocalDate) -> Int64 {
        var parts = tm()
        parts.tm_year = Int32(date.year - 1900)
        parts.tm_mon = Int32(date.month - 1)
        parts.tm_mday = Int32(date.day)
        parts.tm_isdst = -1
        let t = mktime(&parts)
        // mktime normalizes a skipped midnight forwards; either way it is the day's first second.
        return Int64(t)
    }

    static func offset(_ seconds: Int64) -> Int {
        var t = time_t(seconds)
        var parts = tm()
        guard localtime_r(&t, &parts) != nil else { return 0 }
        return parts.tm_gmtoff
    }
}

/// Now, from the real-time clock.
enum WallClock {
    /// Milliseconds since 1970 UTC.
    static func nowMilliseconds() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000
    }
}
