// Small date and time values for TOML's four date-time types. They only hold and validate
// fields; they know nothing of time zones or clocks (this module reads no clock).

/// A calendar date (proleptic Gregorian), e.g. 1979-05-27.
public struct TOMLLocalDate: Sendable, Hashable, Comparable, CustomStringConvertible {
    private let storedYear: UInt16
    private let storedMonth: UInt8
    private let storedDay: UInt8

    /// The year, 0...9999.
    public var year: Int { Int(storedYear) }
    /// The month, 1...12.
    public var month: Int { Int(storedMonth) }
    /// The day of the month, 1...28/29/30/31.
    public var day: Int { Int(storedDay) }

    /// Creates a date, or nil when a field is out of range (including February 29 in non-leap years).
    public init?(year: Int, month: Int, day: Int) {
        guard (0...9999).contains(year), (1...12).contains(month),
              day >= 1, day <= TOMLLocalDate.daysIn(month: month, year: year) else { return nil }
        self.storedYear = UInt16(year)
        self.storedMonth = UInt8(month)
        self.storedDay = UInt8(day)
    }

    /// Whether `year` is a Gregorian leap year.
    public static func isLeapYear(_ year: Int) -> Bool {
        year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
    }

    /// The number of days in `month` (1...12) of `year`; 0 for a month out of range.
    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 1, 3, 5, 7, 8, 10, 12: 31
        case 4, 6, 9, 11: 30
        case 2: isLeapYear(year) ? 29 : 28
        default: 0
        }
    }

    /// Orders dates chronologically.
    public static func < (a: TOMLLocalDate, b: TOMLLocalDate) -> Bool {
        (a.year, a.month, a.day) < (b.year, b.month, b.day)
    }

    /// The canonical form YYYY-MM-DD.
    public var description: String {
        pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2)
    }
}

/// A time of day, e.g. 07:32:00.999999.
public struct TOMLLocalTime: Sendable, Hashable, Comparable, CustomStringConvertible {
    private let storedHour: UInt8
    private let storedMinute: UInt8
    private let storedSecond: UInt8
    private let storedNanosecond: UInt32

    /// The hour, 0...23.
    public var hour: Int { Int(storedHour) }
    /// The minute, 0...59.
    public var minute: Int { Int(storedMinute) }
    /// The second, 0...60 (60 only for a leap second).
    public var second: Int { Int(storedSecond) }
    /// The fraction of the second in nanoseconds, 0...999_999_999 (finer digits are truncated).
    public var nanosecond: Int { Int(storedNanosecond) }

    /// Creates a time, or nil when a field is out of range.
    public init?(hour: Int, minute: Int, second: Int, nanosecond: Int = 0) {
        guard (0...23).contains(hour), (0...59).contains(minute), (0...60).contains(second),
              (0...999_999_999).contains(nanosecond) else { return nil }
        self.storedHour = UInt8(hour)
        self.storedMinute = UInt8(minute)
        self.storedSecond = UInt8(second)
        self.storedNanosecond = UInt32(nanosecond)
    }

    /// Orders times within a day.
    public static func < (a: TOMLLocalTime, b: TOMLLocalTime) -> Bool {
        (a.hour, a.minute, a.second, a.nanosecond) < (b.hour, b.minute, b.second, b.nanosecond)
    }

    /// The canonical form HH:MM:SS, then '.' and the fraction without trailing zeros if nonzero.
    public var description: String {
        var text = pad(hour, 2) + ":" + pad(minute, 2) + ":" + pad(second, 2)
        if nanosecond != 0 {
            var digits = pad(nanosecond, 9)
            while digits.last == "0" { digits.removeLast() }
            text += "." + digits
        }
        return text
    }
}

/// A date and a time without an offset, e.g. 1979-05-27T07:32:00.
public struct TOMLLocalDateTime: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The date part.
    public var date: TOMLLocalDate
    /// The time part.
    public var time: TOMLLocalTime

    /// Combines a date and a time.
    public init(date: TOMLLocalDate, time: TOMLLocalTime) {
        self.date = date
        self.time = time
    }

    /// Orders by date, then time.
    public static func < (a: TOMLLocalDateTime, b: TOMLLocalDateTime) -> Bool {
        (a.date, a.time) < (b.date, b.time)
    }

    /// The canonical form YYYY-MM-DDTHH:MM:SS[.fraction].
    public var description: String { date.description + "T" + time.description }
}

/// A date and a time at a UTC offset, e.g. 1979-05-27T07:32:00-08:00.
///
/// Equality compares the fields as written: 08:00Z and 09:00+01:00 are the same instant but
/// not equal values.
public struct TOMLOffsetDateTime: Sendable, Hashable, CustomStringConvertible {
    /// The date part, in the local time of the offset.
    public var date: TOMLLocalDate
    /// The time part, in the local time of the offset.
    public var time: TOMLLocalTime
    private let storedOffset: Int16

    /// The offset from UTC in minutes, -1439...1439 (0 for Z).
    public var offsetMinutes: Int { Int(storedOffset) }

    /// Creates an offset date-time, or nil when the offset is a day or more.
    public init?(date: TOMLLocalDate, time: TOMLLocalTime, offsetMinutes: Int) {
        guard (-1439...1439).contains(offsetMinutes) else { return nil }
        self.date = date
        self.time = time
        self.storedOffset = Int16(offsetMinutes)
    }

    /// The canonical form YYYY-MM-DDTHH:MM:SS[.fraction] then Z or +HH:MM / -HH:MM.
    public var description: String {
        var text = date.description + "T" + time.description
        if offsetMinutes == 0 {
            text += "Z"
        } else {
            let magnitude = offsetMinutes < 0 ? -offsetMinutes : offsetMinutes
            text += (offsetMinutes < 0 ? "-" : "+") + pad(magnitude / 60, 2) + ":" + pad(magnitude % 60, 2)
        }
        return text
    }
}

/// `value` in decimal, left-padded with zeros to `width` digits.
private func pad(_ value: Int, _ width: Int) -> String {
    let digits = String(value)
    return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
}
