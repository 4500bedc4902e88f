import Testing
@testable import TOML
import LimberTestSupport

// Scalars: every string form and escape, every integer base, floats, booleans, date-times.

@Suite struct StringTests {
    @Test func basicStringEscapes() throws {
        #expect(try value(#""a\bb\tc\nd\fe\rf\"g\\h""#) == .string("a\u{8}b\tc\nd\u{C}e\rf\"g\\h"))
        #expect(try value(#""\u00E9\u00e9 \U0001F600""#) == .string("éé 😀"))
        #expect(try value(#""\u0000""#) == .string("\u{0}"))
        #expect(try value(#""tab\there""#) == .string("tab\there"))
        #expect(try value("\"raw\ttab\"") == .string("raw\ttab"))
        #expect(try value(#""""#) == .string(""))
        #expect(try value(##""# not a comment""##) == .string("# not a comment"))
        #expect(try value(#""héllo wörld ✓""#) == .string("héllo wörld ✓"))
    }

    @Test func literalStringsKeepBackslashes() throws {
        #expect(try value(#"'C:\Users\nodejs\templates'"#) == .string(#"C:\Users\nodejs\templates"#))
        #expect(try value(#"'<\i\c*\s*>'"#) == .string(#"<\i\c*\s*>"#))
        #expect(try value("''") == .string(""))
        #expect(try value("'tab\tinside'") == .string("tab\tinside"))
    }

    @Test func multilineBasicStrings() throws {
        // The newline right after the opening quotes is trimmed; the others are kept.
        #expect(try value("\"\"\"\nRoses are red\nViolets are blue\"\"\"") == .string("Roses are red\nViolets are blue"))
        // CRLF inside the string becomes LF.
        #expect(try value("\"\"\"\r\none\r\ntwo\"\"\"") == .string("one\ntwo"))
        // A line-ending backslash removes the line end and the whitespace after it.
        #expect(try value("\"\"\"\nThe quick brown \\\n\n\n  fox jumps \\   \n   over.\"\"\"")
                == .string("The quick brown fox jumps over."))
        #expect(try value("\"\"\"a \\\r\n   b\"\"\"") == .string("a b"))
        // Up to two quotes may sit right before the closing delimiter.
        #expect(try value(#""""Here are two quotation marks: "". Simple enough.""""#)
                == .string(#"Here are two quotation marks: "". Simple enough."#))
        #expect(try value(#""""x"""""#) == .string(#"x""#))
        #expect(try value(#"""""x""""""#) == .string(#""x"""#))
        #expect(try value(#""""Here are fifteen quotation marks: \"\"\"\"\"\"\"\"\"\"\"\"\"\"\".""""#)
                == .string("Here are fifteen quotation marks: " + String(repeating: "\"", count: 15) + "."))
        #expect(try value("\"\"\"tab\tand \\u00E9\"\"\"") == .string("tab\tand é"))
        #expect(try value("\"\"\"\"\"\"") == .string(""))
    }

    @Test func multilineLiteralStrings() throws {
        #expect(try value("'''\nThe first newline is\ntrimmed in raw strings.\n   All other whitespace\n   is preserved.\n'''")
                == .string("The first newline is\ntrimmed in raw strings.\n   All other whitespace\n   is preserved.\n"))
        #expect(try value("'''I [dw]on't need \\d{2} apples'''") == .string("I [dw]on't need \\d{2} apples"))
        #expect(try value("''''That,' she said, 'is still pointless.''''")
                == .string("'That,' she said, 'is still pointless.'"))
        #expect(try value("'''a\r\nb'''") == .string("a\nb"))
    }
}

@Suite struct IntegerTests {
    @Test func decimal() throws {
        #expect(try value("+99") == .integer(99))
        #expect(try value("42") == .integer(42))
        #expect(try value("0") == .integer(0))
        #expect(try value("-17") == .integer(-17))
        #expect(try value("+0") == .integer(0))
        #expect(try value("-0") == .integer(0))
        #expect(try value("1_000") == .integer(1000))
        #expect(try value("5_349_221") == .integer(5_349_221))
        #expect(try value("1_2_3_4_5") == .integer(12345))
    }

    @Test func limits() throws {
        #expect(try value("9223372036854775807") == .integer(Int64.max))
        #expect(try value("-9223372036854775808") == .integer(Int64.min))
        #expect(try value("9_223_372_036_854_775_807") == .integer(Int64.max))
        #expect(try value("0x7FFFFFFFFFFFFFFF") == .integer(Int64.max))
        #expect(try value("0o777777777777777777777") == .integer(Int64.max))
    }

    @Test func otherBases() throws {
        #expect(try value("0xDEADBEEF") == .integer(0xDEADBEEF))
        #expect(try value("0xdeadbeef") == .integer(0xDEADBEEF))
        #expect(try value("0xdead_beef") == .integer(0xDEADBEEF))
        #expect(try value("0x00FF") == .integer(255))
        #expect(try value("0o01234567") == .integer(0o1234567))
        #expect(try value("0o755") == .integer(493))
        #expect(try value("0b11010110") == .integer(214))
        #expect(try value("0b1_0") == .integer(2))
        #expect(try value("0x0") == .integer(0))
    }
}

@Suite struct FloatTests {
    @Test func fractionsAndExponents() throws {
        #expect(try value("+1.0") == .float(1.0))
        #expect(try value("3.1415") == .float(3.1415))
        #expect(try value("-0.01") == .float(-0.01))
        #expect(try value("5e+22") == .float(5e+22))
        #expect(try value("1e06") == .float(1e6))
        #expect(try value("-2E-2") == .float(-2e-2))
        #expect(try value("6.626e-34") == .float(6.626e-34))
        #expect(try value("224_617.445_991_228") == .float(224_617.445_991_228))
        #expect(try value("3e1_4") == .float(3e14))
        #expect(try value("9_007_199_254_740_991.0") == .float(9_007_199_254_740_991.0))
        #expect(try value("1.7976931348623157e308") == .float(Double.greatestFiniteMagnitude))
        #expect(try value("5e-324") == .float(Double.leastNonzeroMagnitude))
        #expect(try value("0.1") == .float(0.1))
        #expect(try value("123456789012345678901234567890.5") == .float(123456789012345678901234567890.5))
    }

    @Test func signedZeros() throws {
        let positive = try #require(try value("+0.0")?.floatValue)
        let negative = try #require(try value("-0.0")?.floatValue)
        #expect(positive == 0 && positive.sign == .plus)
        #expect(negative == 0 && negative.sign == .minus)
        #expect(try value("-0e0")?.floatValue?.sign == .minus)
    }

    @Test func infinityAndNaN() throws {
        #expect(try value("inf") == .float(.infinity))
        #expect(try value("+inf") == .float(.infinity))
        #expect(try value("-inf") == .float(-.infinity))
        #expect(try value("nan")?.floatValue?.isNaN == true)
        #expect(try value("+nan")?.floatValue?.isNaN == true)
        #expect(try value("-nan")?.floatValue?.isNaN == true)
    }

    /// The fast path (15 digits, exponent within ±22) must agree with the standard library.
    @Test func fastPathMatchesStandardLibrary() throws {
        var generator = SeededRandom(seed: 7)
        for _ in 0..<3000 {
            let digits = Int(generator.next() % 17) + 1
            var text = ""
            for n in 0..<digits {
                text += String(generator.next() % 10)
                if n == 0, generator.next() % 3 == 0 { text += "." }
            }
            while text.hasPrefix("0"), text.count > 1, !text.hasPrefix("0.") { text.removeFirst() }
            if text.hasSuffix(".") { text += "5" }
            let exponent = Int(generator.next() % 61) - 30
            if generator.next() % 2 == 0 {
                text += "e\(exponent)"
            } else if !text.contains(".") {
                text += ".0"
            }
            let expected = try #require(Double(text), "\(text)")
            #expect(try value(text) == .float(expected), "\(text)")
        }
    }
}

@Suite struct BooleanTests {
    @Test func booleans() throws {
        #expect(try value("true") == .bool(true))
        #expect(try value("false") == .bool(false))
        let table = try parse("a = [true,false]")
        #expect(table["a"]?.arrayValue?.values == [.bool(true), .bool(false)])
    }
}

@Suite struct DateTimeTests {
    @Test func offsetDateTimes() throws {
        guard case .offsetDateTime(let a) = try value("1979-05-27T07:32:00Z") else {
            Issue.record("not an offset date-time")
            return
        }
        #expect(a.date.year == 1979 && a.date.month == 5 && a.date.day == 27)
        #expect(a.time.hour == 7 && a.time.minute == 32 && a.time.second == 0 && a.time.nanosecond == 0)
        #expect(a.offsetMinutes == 0)
        #expect(a.description == "1979-05-27T07:32:00Z")

        guard case .offsetDateTime(let b) = try value("1979-05-27T00:32:00.999999-07:00") else {
            Issue.record("not an offset date-time")
            return
        }
        #expect(b.offsetMinutes == -420)
        #expect(b.time.nanosecond == 999_999_000)
        #expect(b.description == "1979-05-27T00:32:00.999999-07:00")

        // Space separator, lowercase t and z, +05:30.
        #expect(try value("1979-05-27 07:32:00Z").map(describe) == "1979-05-27T07:32:00Z")
        #expect(try value("1979-05-27t07:32:00z").map(describe) == "1979-05-27T07:32:00Z")
        #expect(try value("2024-02-29T23:59:60+05:30").map(describe) == "2024-02-29T23:59:60+05:30")
        #expect(try value("1979-05-27T07:32:00-00:00").map(describe) == "1979-05-27T07:32:00Z")
    }

    @Test func fractionalSecondsAreTruncatedToNanoseconds() throws {
        guard case .localTime(let t) = try value("00:32:00.1234567899") else {
            Issue.record("not a local time")
            return
        }
        #expect(t.nanosecond == 123_456_789)
        #expect(t.description == "00:32:00.123456789")
        #expect(try value("07:32:00.5").map(describe) == "07:32:00.5")
        #expect(try value("07:32:00.000").map(describe) == "07:32:00")
    }

    @Test func localForms() throws {
        #expect(try value("1979-05-27T07:32:00") == .localDateTime(TOMLLocalDateTime(
            date: try #require(TOMLLocalDate(year: 1979, month: 5, day: 27)),
            time: try #require(TOMLLocalTime(hour: 7, minute: 32, second: 0)))))
        #expect(try value("1979-05-27 07:32:00.25").map(describe) == "1979-05-27T07:32:00.25")
        #expect(try value("1979-05-27") == .localDate(try #require(TOMLLocalDate(year: 1979, month: 5, day: 27))))
        #expect(try value("07:32:00") == .localTime(try #require(TOMLLocalTime(hour: 7, minute: 32, second: 0))))
        #expect(try value("0001-01-01").map(describe) == "0001-01-01")
        #expect(try value("9999-12-31 23:59:59").map(describe) == "9999-12-31T23:59:59")
    }

    @Test func dateFollowedBySpaceAndCommentIsADate() throws {
        let table = try parse("d = 1979-05-27 # a comment\nl = [1979-05-27 , 1979-05-28]")
        #expect(table["d"].map(describe) == "1979-05-27")
        #expect(table["l"]?.arrayValue?.count == 2)
    }

    @Test func leapYears() throws {
        #expect(try value("2000-02-29").map(describe) == "2000-02-29")
        #expect(try value("2024-02-29").map(describe) == "2024-02-29")
        #expect(parseError("v = 1900-02-29")?.message == "day 29 is out of range for 1900-02 (01-28)")
        #expect(parseError("v = 2023-02-29")?.message == "day 29 is out of range for 2023-02 (01-28)")
        #expect(parseError("v = 2023-04-31")?.message == "day 31 is out of range for 2023-04 (01-30)")
        #expect(TOMLLocalDate.isLeapYear(2000) && !TOMLLocalDate.isLeapYear(1900) && TOMLLocalDate.isLeapYear(2024))
    }

    @Test func validatingInitializers() {
        #expect(TOMLLocalDate(year: 2023, month: 2, day: 29) == nil)
        #expect(TOMLLocalDate(year: 2023, month: 13, day: 1) == nil)
        #expect(TOMLLocalDate(year: 10000, month: 1, day: 1) == nil)
        #expect(TOMLLocalTime(hour: 24, minute: 0, second: 0) == nil)
        #expect(TOMLLocalTime(hour: 0, minute: 0, second: 61) == nil)
        #expect(TOMLLocalTime(hour: 0, minute: 0, second: 0, nanosecond: 1_000_000_000) == nil)
        let date = TOMLLocalDate(year: 2020, month: 1, day: 2)!
        let time = TOMLLocalTime(hour: 3, minute: 4, second: 5)!
        #expect(TOMLOffsetDateTime(date: date, time: time, offsetMinutes: 1440) == nil)
        #expect(TOMLOffsetDateTime(date: date, time: time, offsetMinutes: -90)?.description == "2020-01-02T03:04:05-01:30")
        #expect(TOMLLocalDate(year: 2020, month: 1, day: 2)! < TOMLLocalDate(year: 2020, month: 1, day: 3)!)
    }
}

/// The canonical text of a date-time value, for compact assertions.
func describe(_ value: TOMLValue) -> String {
    switch value {
    case .offsetDateTime(let v): v.description
    case .localDateTime(let v): v.description
    case .localDate(let v): v.description
    case .localTime(let v): v.description
    default: "not a date-time: \(value)"
    }
}
