// Integers, floats and the four date-time forms. A value that starts with a digit or a sign is
// a date if it starts YYYY-, a time if it starts HH:, else a number token.

extension Parser {
    /// Bytes that can continue a number token; anything else ends it.
    @inline(__always) func isNumberByte(_ b: UInt8) -> Bool {
        isBareKeyByte(b) || b == UInt8(ascii: ".") || b == UInt8(ascii: "+")
    }

    @inline(__always) func digitValue(_ b: UInt8, radix: Int) -> Int? {
        let value: Int
        switch b {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): value = Int(b - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): value = Int(b - UInt8(ascii: "a")) + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): value = Int(b - UInt8(ascii: "A")) + 10
        default: return nil
        }
        return value < radix ? value : nil
    }

    /// Digits of `radix` with single underscores between digits, from `k` up to `limit`;
    /// returns the offset after the run.
    func scanDigits(from start: Int, to limit: Int, radix: Int) throws(TOMLError) -> Int {
        var k = start
        while k < limit {
            let b = bytes[k]
            if digitValue(b, radix: radix) != nil {
                k += 1
            } else if b == UInt8(ascii: "_") {
                guard k > start, digitValue(at(k - 1), radix: radix) != nil,
                      k + 1 < limit, digitValue(at(k + 1), radix: radix) != nil else {
                    throw fail("'_' must be between two digits", at: k)
                }
                k += 1
            } else {
                break
            }
        }
        return k
    }

    mutating func parseNumberOrDate() throws(TOMLError) -> TOMLValue {
        let start = i
        if isDigit(at(start)) && isDigit(at(start + 1)) {
            if at(start + 2) == UInt8(ascii: ":") {
                let (time, after) = try parseTime(at: start)
                i = after
                try checkAfterDateTime(what: "time")
                return .localTime(time)
            }
            if isDigit(at(start + 2)) && isDigit(at(start + 3)) && at(start + 4) == UInt8(ascii: "-") {
                return try parseDateValue()
            }
        }
        var stop = start
        while isNumberByte(at(stop)) { stop += 1 }
        let value = try parseNumber(start, stop)
        i = stop
        return value
    }

    func parseNumber(_ start: Int, _ stop: Int) throws(TOMLError) -> TOMLValue {
        var k = start
        let sign = at(k)
        let signed = sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-")
        if signed { k += 1 }
        if k == stop {
            throw fail("expected digits after '\(String(Unicode.Scalar(sign)))'", at: k)
        }
        let first = bytes[k]
        if first == UInt8(ascii: "i") || first == UInt8(ascii: "n") {
            let word = String(decoding: bytes[k..<stop], as: UTF8.self)
            if word == "inf" { return .float(sign == UInt8(ascii: "-") ? -.infinity : .infinity) }
            if word == "nan" { return .float(.nan) }
            throw fail("expected a number, found '\(sourceText(start, stop))'", at: start)
        }
        if first == UInt8(ascii: "0") && k + 1 < stop {
            switch bytes[k + 1] {
            case UInt8(ascii: "x"): return try parseRadixInteger(start, stop, radix: 16, signed: signed)
            case UInt8(ascii: "o"): return try parseRadixInteger(start, stop, radix: 8, signed: signed)
            case UInt8(ascii: "b"): return try parseRadixInteger(start, stop, radix: 2, signed: signed)
            case UInt8(ascii: "X"), UInt8(ascii: "O"), UInt8(ascii: "B"):
                throw fail("write the base prefix in lowercase: 0x, 0o or 0b", at: k + 1)
            default: break
            }
        }
        if at(stop) == UInt8(ascii: ":") {
            throw fail("invalid time; write hours, minutes and seconds with two digits each, like 07:30:00",
                       at: start)
        }
        if !signed, let dash = bytes[k..<stop].firstIndex(of: UInt8(ascii: "-")),
           bytes[k..<dash].allSatisfy(isDigit), dash - k != 4 {
            throw fail("invalid date; write it as YYYY-MM-DD with a four-digit year, like 1979-05-27", at: start)
        }
        let integerEnd = try scanDigits(from: k, to: stop, radix: 10)
        if integerEnd == k {
            if first == UInt8(ascii: ".") {
                throw fail("a float needs a digit before the '.' (write 0.5, not .5)", at: k)
            }
            throw fail("invalid character \(describe(at: k)) in a number", at: k)
        }
        var j = integerEnd
        var isFloat = false
        if j < stop && bytes[j] == UInt8(ascii: ".") {
            isFloat = true
            let fractionEnd = try scanDigits(from: j + 1, to: stop, radix: 10)
            if fractionEnd == j + 1 { throw fail("a float needs a digit after the '.' (write 1.0, not 1.)", at: j + 1) }
            j = fractionEnd
        }
        if j < stop && (bytes[j] == UInt8(ascii: "e") || bytes[j] == UInt8(ascii: "E")) {
            isFloat = true
            var exponentStart = j + 1
            if at(exponentStart) == UInt8(ascii: "+") || at(exponentStart) == UInt8(ascii: "-") { exponentStart += 1 }
            let exponentEnd = try scanDigits(from: exponentStart, to: stop, radix: 10)
            if exponentEnd == exponentStart { throw fail("expected digits in the exponent of a float", at: exponentStart) }
            j = exponentEnd
        }
        if first == UInt8(ascii: "0") && integerEnd - k > 1 {
            throw fail(isFloat ? "leading zeros are not allowed in floats"
                               : "leading zeros are not allowed in decimal integers", at: k)
        }
        if j < stop {
            throw fail("invalid character \(describe(at: j)) in a number", at: j)
        }
        if isFloat {
            if let value = fastFloat(start, stop) { return .float(value) }
            var text = ""
            text.reserveCapacity(stop - start)
            for b in bytes[start..<stop] where b != UInt8(ascii: "_") && b != UInt8(ascii: "+") {
                text.unicodeScalars.append(Unicode.Scalar(b))
            }
            guard let value = Double(text), value.isFinite else {
                throw fail("float \(sourceText(start, stop)) is out of range (64-bit)", at: start)
            }
            return .float(value)
        }
        let negative = sign == UInt8(ascii: "-")
        var value: Int64 = 0
        for b in bytes[k..<integerEnd] where b != UInt8(ascii: "_") {
            let digit = Int64(b - UInt8(ascii: "0"))
            let (shifted, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (next, overflow2) = negative ? shifted.subtractingReportingOverflow(digit)
                                             : shifted.addingReportingOverflow(digit)
            if overflow1 || overflow2 {
                throw fail("integer \(sourceText(start, stop)) is out of range (64-bit)", at: start)
            }
            value = next
        }
        return .integer(value)
    }

    /// The float in `start..<stop` (already checked against the grammar) when it has at most
    /// 15 significant digits and a decimal exponent within ±22: then mantissa and power of ten
    /// are exact doubles and one multiplication or division rounds correctly (Clinger's fast
    /// path). Nil otherwise; the caller falls back to the standard library's parser.
    func fastFloat(_ start: Int, _ stop: Int) -> Double? {
        var k = start
        let negative = at(k) == UInt8(ascii: "-")
        if negative || at(k) == UInt8(ascii: "+") { k += 1 }
        var mantissa: UInt64 = 0
        var significant = 0
        var exponent = 0
        var inFraction = false
        while k < stop {
            let b = bytes[k]
            if isDigit(b) {
                if mantissa != 0 || b != UInt8(ascii: "0") {
                    significant += 1
                    if significant > 15 { return nil }
                    mantissa = mantissa * 10 + UInt64(b - UInt8(ascii: "0"))
                }
                if inFraction { exponent -= 1 }
            } else if b == UInt8(ascii: ".") {
                inFraction = true
            } else if b == UInt8(ascii: "e") || b == UInt8(ascii: "E") {
                break
            }
            k += 1
        }
        if k < stop {
            k += 1
            var explicit = 0
            let negativeExponent = at(k) == UInt8(ascii: "-")
            if negativeExponent || at(k) == UInt8(ascii: "+") { k += 1 }
            while k < stop {
                let b = bytes[k]
                if isDigit(b) {
                    explicit = explicit * 10 + Int(b - UInt8(ascii: "0"))
                    if explicit > 1000 { return nil }
                }
                k += 1
            }
            exponent += negativeExponent ? -explicit : explicit
        }
        var value: Double
        if mantissa == 0 {
            value = 0
        } else {
            guard exponent >= -22, exponent <= 22 else { return nil }
            var power = 1.0
            for _ in 0..<(exponent < 0 ? -exponent : exponent) { power *= 10 }
            value = exponent < 0 ? Double(mantissa) / power : Double(mantissa) * power
        }
        return negative ? -value : value
    }

    func parseRadixInteger(_ start: Int, _ stop: Int, radix: Int, signed: Bool) throws(TOMLError) -> TOMLValue {
        let name = radix == 16 ? "hexadecimal" : radix == 8 ? "octal" : "binary"
        let prefix = radix == 16 ? "0x" : radix == 8 ? "0o" : "0b"
        if signed {
            throw fail("'+' and '-' are not allowed on \(name) integers", at: start)
        }
        let digitsStart = start + 2
        if digitsStart >= stop { throw fail("expected \(name) digits after '\(prefix)'", at: digitsStart) }
        let digitsEnd = try scanDigits(from: digitsStart, to: stop, radix: radix)
        if digitsEnd < stop {
            throw fail("invalid digit \(describe(at: digitsEnd)) in \(radix == 8 ? "an" : "a") \(name) integer",
                       at: digitsEnd)
        }
        var value: Int64 = 0
        for b in bytes[digitsStart..<digitsEnd] where b != UInt8(ascii: "_") {
            guard let digit = digitValue(b, radix: radix) else { continue }
            let (shifted, overflow1) = value.multipliedReportingOverflow(by: Int64(radix))
            let (next, overflow2) = shifted.addingReportingOverflow(Int64(digit))
            if overflow1 || overflow2 {
                throw fail("integer \(sourceText(start, stop)) is out of range (64-bit)", at: start)
            }
            value = next
        }
        return .integer(value)
    }

    // MARK: Dates and times

    /// The two-digit number at `k`, or nil.
    func twoDigits(at k: Int) -> Int? {
        let a = at(k), b = at(k + 1)
        guard isDigit(a), isDigit(b) else { return nil }
        return Int(a - UInt8(ascii: "0")) * 10 + Int(b - UInt8(ascii: "0"))
    }

    func pad2(_ value: Int) -> String {
        value < 10 ? "0\(value)" : "\(value)"
    }

    /// A date, date-time or offset date-time with `i` at its first digit (YYYY- already seen).
    mutating func parseDateValue() throws(TOMLError) -> TOMLValue {
        let start = i
        var year = 0
        for k in start..<start + 4 { year = year * 10 + Int(at(k) &- UInt8(ascii: "0")) }
        guard let month = twoDigits(at: start + 5), !isDigit(at(start + 7)) else {
            throw fail("expected a two-digit month, like 1979-05-27", at: start + 5)
        }
        guard at(start + 7) == UInt8(ascii: "-") else {
            throw fail("expected '-' after the month, like 1979-05-27", at: start + 7)
        }
        guard let day = twoDigits(at: start + 8) else {
            throw fail("expected a two-digit day, like 1979-05-27", at: start + 8)
        }
        guard (1...12).contains(month) else {
            throw fail("month \(pad2(month)) is out of range (01-12)", at: start + 5)
        }
        let days = TOMLLocalDate.daysIn(month: month, year: year)
        guard (1...days).contains(day), let date = TOMLLocalDate(year: year, month: month, day: day) else {
            throw fail("day \(pad2(day)) is out of range for \(sourceText(start, start + 7)) (01-\(days))",
                       at: start + 8)
        }
        var k = start + 10
        let separator = at(k)
        let hasTime = separator == UInt8(ascii: "T") || separator == UInt8(ascii: "t")
            || (separator == UInt8(ascii: " ") && isDigit(at(k + 1)))
        guard hasTime else {
            i = k
            try checkAfterDateTime(what: "date")
            return .localDate(date)
        }
        let (time, afterTime) = try parseTime(at: k + 1)
        k = afterTime
        var offset: Int?
        switch at(k) {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            offset = 0
            k += 1
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            guard let hours = twoDigits(at: k + 1), at(k + 3) == UInt8(ascii: ":"),
                  let minutes = twoDigits(at: k + 4), !isDigit(at(k + 6)) else {
                throw fail("expected an offset like +05:30, -08:00 or Z", at: k)
            }
            guard hours < 24 else { throw fail("offset hour \(pad2(hours)) is out of range (00-23)", at: k + 1) }
            guard minutes < 60 else { throw fail("offset minute \(pad2(minutes)) is out of range (00-59)", at: k + 4) }
            offset = (at(k) == UInt8(ascii: "-") ? -1 : 1) * (hours * 60 + minutes)
            k += 6
        default:
            offset = nil
        }
        i = k
        guard let offset else {
            try checkAfterDateTime(what: "date-time")
            return .localDateTime(TOMLLocalDateTime(date: date, time: time))
        }
        try checkAfterDateTime(what: "date-time")
        guard let value = TOMLOffsetDateTime(date: date, time: time, offsetMinutes: offset) else {
            throw fail("expected an offset like +05:30, -08:00 or Z", at: k)
        }
        return .offsetDateTime(value)
    }

    /// HH:MM:SS[.fraction] at `k`; returns the time and the offset after it.
    func parseTime(at k: Int) throws(TOMLError) -> (TOMLLocalTime, Int) {
        let example = ", like 07:32:00"
        guard let hour = twoDigits(at: k), !isDigit(at(k + 2)) else {
            throw fail("expected a two-digit hour" + example, at: k)
        }
        guard at(k + 2) == UInt8(ascii: ":") else { throw fail("expected ':' after the hour" + example, at: k + 2) }
        guard let minute = twoDigits(at: k + 3), !isDigit(at(k + 5)) else {
            throw fail("expected a two-digit minute" + example, at: k + 3)
        }
        guard at(k + 5) == UInt8(ascii: ":") else {
            throw fail("seconds are required in a time: write \(pad2(hour)):\(pad2(minute)):00", at: k + 5)
        }
        guard let second = twoDigits(at: k + 6), !isDigit(at(k + 8)) else {
            throw fail("expected a two-digit second" + example, at: k + 6)
        }
        guard hour < 24 else { throw fail("hour \(pad2(hour)) is out of range (00-23)", at: k) }
        guard minute < 60 else { throw fail("minute \(pad2(minute)) is out of range (00-59)", at: k + 3) }
        guard second <= 60 else { throw fail("second \(pad2(second)) is out of range (00-60)", at: k + 6) }
        var stop = k + 8
        var nanosecond = 0
        if at(stop) == UInt8(ascii: ".") {
            var d = stop + 1
            var digits = 0
            while isDigit(at(d)) {
                if digits < 9 {
                    nanosecond = nanosecond * 10 + Int(at(d) - UInt8(ascii: "0"))
                    digits += 1
                }
                d += 1
            }
            if d == stop + 1 {
                throw fail("expected digits after the '.' in the seconds", at: d)
            }
            while digits < 9 {
                nanosecond *= 10
                digits += 1
            }
            stop = d
        }
        guard let time = TOMLLocalTime(hour: hour, minute: minute, second: second, nanosecond: nanosecond) else {
            throw fail("invalid time" + example, at: k)
        }
        return (time, stop)
    }

    /// A date or time must not run into more letters, digits or punctuation.
    func checkAfterDateTime(what: String) throws(TOMLError) {
        let b = at(i)
        if isNumberByte(b) || b == UInt8(ascii: ":") {
            throw fail("invalid character \(describe(at: i)) after a \(what)", at: i)
        }
    }
}
