import TOML

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

    /// Whether `year` is a Gregorian leap year (the TOML parser's rule: one calendar).
    public static func isLeapYear(_ year: Int) -> Bool { TOMLLocalDate.isLeapYear(year) }

    /// The number of days in `month` (1...12) of `year`; 0 for a month out of range.
    public static func daysIn(month: Int, year: Int) -> Int { TOMLLocalDate.daysIn(month: month, year: year) }

    /// Whether the date exists (no February 30): the day count would roll such a date over.
    public var exists: Bool { day >= 1 && day <= Self.daysIn(month: month, year: year) }

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
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 25) { buffer in
            guard write(utcOffsetSeconds: off, into: buffer) else {
                // A year outside 0...9999: not for the fixed-width writer.
                let sign = off < 0 ? "-" : "+"
                let a = abs(off)
                return "\(date)T\(clockText):\(pad(secondOfDay % 60, 2))\(sign)\(pad(a / 3600, 2)):\(pad(a / 60 % 60, 2))"
            }
            return String(decoding: buffer, as: UTF8.self)
        }
    }

    /// Writes the 25 bytes of `iso8601(utcOffsetSeconds:)` for the wall time `seconds` (since
    /// 1970 UTC) at `offset`, without building a String; false for a year outside 0...9999.
    public static func iso8601(seconds: Int64, offset: Int, into out: UnsafeMutableBufferPointer<UInt8>) -> Bool {
        LocalTime(wall: .seconds(seconds), utcOffsetSeconds: offset).write(utcOffsetSeconds: offset, into: out)
    }

    private func write(utcOffsetSeconds offset: Int, into out: UnsafeMutableBufferPointer<UInt8>) -> Bool {
        guard (0...9999).contains(date.year), out.count >= 25 else { return false }
        var k = 0
        func put(_ n: Int, _ width: Int) {
            var v = n
            for j in stride(from: k + width - 1, through: k, by: -1) {
                out[j] = UInt8(ascii: "0") + UInt8(v % 10)
                v /= 10
            }
            k += width
        }
        func sep(_ c: UInt8) {
            out[k] = c
            k += 1
        }
        put(date.year, 4); sep(UInt8(ascii: "-")); put(date.month, 2); sep(UInt8(ascii: "-")); put(date.day, 2)
        sep(UInt8(ascii: "T"))
        put(secondOfDay / 3600, 2); sep(UInt8(ascii: ":")); put(secondOfDay / 60 % 60, 2); sep(UInt8(ascii: ":"))
        put(secondOfDay % 60, 2)
        sep(offset < 0 ? UInt8(ascii: "-") : UInt8(ascii: "+"))
        let a = abs(offset)
        put(a / 3600 % 100, 2); sep(UInt8(ascii: ":")); put(a / 60 % 60, 2)
        return true
    }
}

/// Seconds since 1970 UTC of a time in milliseconds, rounded towards the past (also before 1970).
@inline(__always) public func floorSeconds(_ ms: Int64) -> Int64 { ms >= 0 ? ms / 1000 : (ms - 999) / 1000 }

func pad(_ n: Int, _ width: Int) -> String {
    let s = String(n)
    return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
}
