/// A point in time as the scheduler sees it: the three clocks that matter, read by the engine.
public struct Moment: Sendable, Equatable {
    /// CLOCK_MONOTONIC since boot: stops while the machine is suspended. Intervals run on it.
    public var monotonic: Duration
    /// CLOCK_BOOTTIME since boot: keeps counting through suspend.
    public var boottime: Duration
    /// Wall time since 1970-01-01 UTC: work hours, pause deadlines and history use it.
    public var wall: Duration
    /// The user's offset from UTC at `wall`, in seconds east (3600 for CET).
    public var utcOffsetSeconds: Int

    public init(monotonic: Duration, boottime: Duration, wall: Duration, utcOffsetSeconds: Int) {
        self.monotonic = monotonic
        self.boottime = boottime
        self.wall = wall
        self.utcOffsetSeconds = utcOffsetSeconds
    }

    /// The local calendar date and time of day at this moment.
    public var local: LocalTime { LocalTime(wall: wall, utcOffsetSeconds: utcOffsetSeconds) }
}

/// Days of the week, Monday first (ISO 8601 numbering 1...7).
public enum Weekday: Int, Sendable, CaseIterable, Codable, Comparable {
    case monday = 1, tuesday, wednesday, thursday, friday, saturday, sunday

    /// Three-letter English name, as the config and messages write it.
    public var shortName: String {
        switch self {
        case .monday: "Mon"
        case .tuesday: "Tue"
        case .wednesday: "Wed"
        case .thursday: "Thu"
        case .friday: "Fri"
        case .saturday: "Sat"
        case .sunday: "Sun"
        }
    }

    public static func < (a: Weekday, b: Weekday) -> Bool { a.rawValue < b.rawValue }
}

/// A calendar date in the user's zone.
public struct LocalDate: Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    public var year: Int
    public var month: Int
    public var day: Int

    public init(year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// Days since 1970-01-01 (proleptic Gregorian).
    public var daysSinceEpoch: Int64 {
        // Howard Hinnant's days_from_civil.
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let m = Int64(month)
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + Int64(day) - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The date `daysSinceEpoch` days after 1970-01-01.
    public init(daysSinceEpoch days: Int64) {
        // Howard Hinnant's civil_from_days.
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        year = Int(yoe + era * 400 + (m <= 2 ? 1 : 0))
        month = Int(m)
        day = Int(d)
    }

    /// The weekday of this date.
    public var weekday: Weekday {
        // 1970-01-01 was a Thursday (ISO 4).
        let iso = ((daysSinceEpoch % 7) + 7 + 3) % 7 + 1
        return Weekday(rawValue: Int(iso)) ?? .monday
    }

    public static func < (a: LocalDate, b: LocalDate) -> Bool { a.daysSinceEpoch < b.daysSinceEpoch }

    /// `YYYY-MM-DD`.
    public var description: String { "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))" }
}

/// A wall time broken down in the user's zone.
public struct LocalTime: Sendable, Equatable {
    public var date: LocalDate
    /// Seconds since local midnight, 0..<86400 (fractions dropped).
    public var secondOfDay: Int

    public init(date: LocalDate, secondOfDay: Int) {
        self.date = date
        self.secondOfDay = secondOfDay
    }

    /// Breaks down a wall time with a fixed UTC offset.
    public init(wall: Duration, utcOffsetSeconds: Int) {
        let total = wall.components.seconds + Int64(utcOffsetSeconds)
        let days = total >= 0 ? total / 86_400 : (total - 86_399) / 86_400
        date = LocalDate(daysSinceEpoch: days)
        secondOfDay = Int(total - days * 86_400)
    }

    /// The weekday of the date.
    public var weekday: Weekday { date.weekday }

    /// `HH:MM`.
    public var clockText: String { "\(pad(secondOfDay / 3600, 2)):\(pad(secondOfDay / 60 % 60, 2))" }

    /// `2026-11-21T10:15:03+01:00` for this local time and offset.
    public func iso8601(utcOffsetSeconds off: Int) -> String {
        let sign = off < 0 ? "-" : "+"
        let a = abs(off)
        return "\(date)T\(clockText):\(pad(secondOfDay % 60, 2))\(sign)\(pad(a / 3600, 2)):\(pad(a / 60 % 60, 2))"
    }
}

func pad(_ n: Int, _ width: Int) -> String {
    let s = String(n)
    return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
}
