import Testing
@testable import TOML

// Every error message the parser can produce, with the exact text and line:column.

struct ErrorCase: Sendable, CustomTestStringConvertible {
    let source: [UInt8]
    let line: Int
    let column: Int
    let message: String

    init(_ source: String, _ line: Int, _ column: Int, _ message: String) {
        self.init(bytes: Array(source.utf8), line, column, message)
    }

    init(bytes: [UInt8], _ line: Int, _ column: Int, _ message: String) {
        self.source = bytes
        self.line = line
        self.column = column
        self.message = message
    }

    var testDescription: String { message }
}

func check(_ c: ErrorCase, sourceLocation: SourceLocation = #_sourceLocation) {
    guard let error = parseError(c.source) else {
        Issue.record("accepted: \(String(decoding: c.source, as: UTF8.self))", sourceLocation: sourceLocation)
        return
    }
    #expect(error.message == c.message, sourceLocation: sourceLocation)
    #expect(error.line == c.line, "line", sourceLocation: sourceLocation)
    #expect(error.column == c.column, "column", sourceLocation: sourceLocation)
}

@Suite struct ErrorTests {
    @Test(arguments: [
        ErrorCase("a = 1\rb = 2", 1, 6, "carriage return without a line feed; line ends must be LF or CRLF"),
        ErrorCase("# comment\r", 1, 10, "carriage return without a line feed; line ends must be LF or CRLF"),
        ErrorCase(bytes: [0x61, 0x3D, 0x22, 0x80, 0x22], 1, 4,
                  "invalid UTF-8 (unexpected continuation byte 0x80); save the file as UTF-8"),
        ErrorCase(bytes: [0xC0, 0xAF], 1, 1, "invalid UTF-8 (overlong encoding)"),
        ErrorCase(bytes: Array("a = \"".utf8) + [0xE0, 0x80, 0x80, 0x22], 1, 6, "invalid UTF-8 (overlong encoding)"),
        ErrorCase(bytes: Array("a = \"".utf8) + [0xF0, 0x80, 0x80, 0x80, 0x22], 1, 6, "invalid UTF-8 (overlong encoding)"),
        ErrorCase(bytes: Array("a = \"".utf8) + [0xED, 0xA0, 0x80, 0x22], 1, 6, "invalid UTF-8 (encoded surrogate)"),
        ErrorCase(bytes: Array("a = \"".utf8) + [0xF4, 0x90, 0x80, 0x80, 0x22], 1, 6,
                  "invalid UTF-8 (code point above U+10FFFF)"),
        ErrorCase(bytes: Array("a = 'é".utf8).dropLast(), 1, 6, "invalid UTF-8 (truncated sequence)"),
        ErrorCase(bytes: Array("# ok\n# x".utf8) + [0xE2, 0x82, 0x41], 2, 4, "invalid UTF-8 (truncated sequence)"),
        ErrorCase(bytes: [0xFF, 0xFE, 0x61, 0x00], 1, 1, "invalid UTF-8 (byte 0xFF); save the file as UTF-8"),
        ErrorCase("a = 1 # bell\u{7}", 1, 13, "control character U+0007 is not allowed in a comment"),
        ErrorCase("# del \u{7F}", 1, 7, "control character U+007F is not allowed in a comment"),
        ErrorCase("# nul \u{0} here", 1, 7, "control character U+0000 is not allowed in a comment"),
    ])
    func lineEndsEncodingAndComments(_ c: ErrorCase) {
        check(c)
    }

    @Test(arguments: [
        ErrorCase("  answer 42", 1, 9, "expected '=' after a key"),
        ErrorCase("a.b\n= 1", 1, 4, "expected '=' after a key"),
        ErrorCase("a = 1 b = 2", 1, 7, "expected a newline after the value, found 'b'"),
        ErrorCase("a = \"x\" \"y\"", 1, 9, "expected a newline after the value, found '\"'"),
        ErrorCase("a = 1\u{B}", 1, 6, "expected a newline after the value, found control character U+000B"),
        ErrorCase("[a] b = 1", 1, 5, "expected a newline after the table header, found 'b'"),
        ErrorCase("ké = 1", 1, 2,
                  "invalid character 'é' (U+00E9) in a bare key; quote the key or use only A-Z a-z 0-9 _ -"),
        ErrorCase("\"\"\"k\"\"\" = 1", 1, 1, "a multi-line string cannot be a key; use \"...\" or '...'"),
        ErrorCase("[a.'''b''']", 1, 4, "a multi-line string cannot be a key; use \"...\" or '...'"),
        ErrorCase("= 1", 1, 1, "missing key before '='"),
        ErrorCase("a. = 1", 1, 4, "expected a key after '.', found '='"),
        ErrorCase("a.\n", 1, 3, "expected a key after '.', found the end of the line"),
        ErrorCase("a.", 1, 3, "expected a key after '.', found the end of the file"),
        ErrorCase("!x = 1", 1, 1,
                  "expected a key or a [table] header, found '!'; quote keys that use characters other than A-Z a-z 0-9 _ -"),
        ErrorCase("a = 1\n\u{A0}b = 2", 2, 1,
                  "expected a key or a [table] header, found U+00A0 (no-break space); quote keys that use characters other than A-Z a-z 0-9 _ -"),
        ErrorCase("\u{FEFF}\u{FEFF}a = 1", 1, 1,
                  "expected a key or a [table] header, found U+FEFF (byte order mark); quote keys that use characters other than A-Z a-z 0-9 _ -"),
        ErrorCase("\u{1}", 1, 1, "expected a key or a [table] header, found control character U+0001"),
        ErrorCase("a = \u{200B}1", 1, 5, "expected a value, found U+200B (zero-width space)"),
        ErrorCase("a = \u{3000}1", 1, 5, "expected a value, found U+3000 (an invisible or space character)"),
        ErrorCase("a = \u{85}1", 1, 5, "expected a value, found control character U+0085"),
        ErrorCase("a = {\n", 1, 6, "expected a key, found the end of the line; an inline table must fit on one line"),
        ErrorCase("[]", 1, 2, "empty table name; write a name like [server]"),
        ErrorCase("[[]]", 1, 3, "empty array-of-tables name; write a name like [[task]]"),
        ErrorCase("[ ]", 1, 3, "empty table name; write a name like [server]"),
        ErrorCase("[[a]", 1, 4, "expected ']]' to close the array-of-tables header, found ']'"),
        ErrorCase("[[a] ]", 1, 4, "expected ']]' to close the array-of-tables header, found ']'"),
        ErrorCase("[a\nb]", 1, 3, "expected ']' to close the table header, found the end of the line"),
        ErrorCase("[a b]", 1, 4, "expected ']' to close the table header, found 'b'"),
        ErrorCase("[a", 1, 3, "expected ']' to close the table header, found the end of the file"),
        ErrorCase("[a.]", 1, 4, "expected a key after '.', found ']'"),
        ErrorCase("[.a]", 1, 2, "expected a table name, found '.'"),
    ])
    func statementsKeysAndHeaders(_ c: ErrorCase) {
        check(c)
    }

    @Test(arguments: [
        ErrorCase("[a]\nx = 1\n[a]", 3, 2, "table [a] is defined twice (first at line 1)"),
        ErrorCase("# config\n\n[server]\nport = 1\n[server]", 5, 2, "table [server] is defined twice (first at line 3)"),
        ErrorCase("[a.b]\n[a]\n[a.b]", 3, 4, "table [a.b] is defined twice (first at line 1)"),
        ErrorCase("[\"a b\".c]\n[\"a b\".c]", 2, 8, "table [\"a b\".c] is defined twice (first at line 1)"),
        ErrorCase("a = 1\na = 2", 2, 1, "key 'a' is defined twice (first at line 1)"),
        ErrorCase("a = 1\n'a' = 2", 2, 1, "key 'a' is defined twice (first at line 1)"),
        ErrorCase("x.\"a.b\" = 1\nx.'a.b' = 2", 2, 3, "key 'x.\"a.b\"' is defined twice (first at line 1)"),
        ErrorCase("a.b = 1\na = 2", 2, 1, "key 'a' is already a table (line 1)"),
        ErrorCase("[[x.a]]\n[x]\na = 1", 3, 1, "key 'a' is already an array of tables (line 1)"),
        ErrorCase("[a]\n[[a]]", 2, 3, "cannot define [[a]]: [a] is already a table (line 1)"),
        ErrorCase("[a]\nb.c = 1\n[a.b]", 3, 4,
                  "table [a.b] was already created by dotted keys (line 2); a header cannot reopen it"),
        ErrorCase("[[a]]\n[a]", 2, 2, "table [a] is already an array of tables (line 1); use [[a]] to add an element"),
        ErrorCase("a = {}\n[a]", 2, 2, "cannot define table [a]: it is already an inline table (line 1)"),
        ErrorCase("a = {}\n[a.b]", 2, 2, "cannot add to inline table 'a' (line 1); an inline table is complete once written"),
        ErrorCase("a = {}\n[[a.b]]", 2, 3,
                  "cannot add to inline table 'a' (line 1); an inline table is complete once written"),
        ErrorCase("a = { b = {} }\n[[a.b]]", 2, 3,
                  "cannot add to inline table 'a' (line 1); an inline table is complete once written"),
        ErrorCase("a = []\n[[a]]", 2, 3,
                  "cannot append to static array 'a' (line 1) with [[a]]; write every element in the array"),
        ErrorCase("a = []\n[a.b]", 2, 2, "cannot add to array 'a' (line 1); it is a static array, not an array of tables"),
        ErrorCase("a = 1\n[a.b]", 2, 2, "key 'a' is already an integer (line 1), not a table"),
        ErrorCase("a = 'x'\n[a]", 2, 2, "key 'a' is already a string (line 1), not a table"),
        ErrorCase("a = 1979-05-27\n[[a]]", 2, 3, "key 'a' is already a local date (line 1), not a table"),
        ErrorCase("a = {b = 1}\na.c = 2", 2, 1,
                  "cannot add to inline table 'a' (line 1); an inline table is complete once written"),
        ErrorCase("[a.b]\n[a]\nb.c = 1", 3, 1,
                  "cannot add to table 'b' with a dotted key: it has its own header at line 1; add the key there"),
        ErrorCase("[[a.b]]\n[a]\nb.c = 1", 3, 1, "cannot add to array of tables 'b' (line 1) with a dotted key"),
        ErrorCase("a = true\na.b = 1", 2, 1, "key 'a' is already a boolean (line 1), not a table"),
        ErrorCase("a.b.c = 1\na.b = 2", 2, 3, "key 'a.b' is already a table (line 1)"),
        ErrorCase("t = { a.b = 1, a = 2 }", 1, 16, "key 'a' is already a table (line 1)"),
        ErrorCase("t = { a = 1, a = 2 }", 1, 14, "key 'a' is defined twice (first at line 1)"),
        ErrorCase("t = { a = {}, a.b = 2 }", 1, 15,
                  "cannot add to inline table 'a' (line 1); an inline table is complete once written"),
        ErrorCase("[fruit]\napple.color = 'red'\n\n[fruit.apple]", 4, 8,
                  "table [fruit.apple] was already created by dotted keys (line 2); a header cannot reopen it"),
    ])
    func redefinitions(_ c: ErrorCase) {
        check(c)
    }

    @Test(arguments: [
        ErrorCase("a =", 1, 4, "expected a value after '='"),
        ErrorCase("a = # c", 1, 5, "expected a value after '='"),
        ErrorCase("a = .5", 1, 5, "a float needs a digit before the '.' (write 0.5, not .5)"),
        ErrorCase("a = }", 1, 5, "expected a value, found '}'"),
        ErrorCase("a = True", 1, 5, "booleans are lowercase: write true, not True"),
        ErrorCase("a = FALSE", 1, 5, "booleans are lowercase: write false, not FALSE"),
        ErrorCase("a = NaN", 1, 5, "write nan in lowercase, not NaN"),
        ErrorCase("a = hello", 1, 5, "expected a value, found 'hello'; strings must be quoted: \"hello\""),
        ErrorCase("a = tru", 1, 5, "expected a value, found 'tru'; strings must be quoted: \"tru\""),
        ErrorCase("a = [1,", 1, 5, "unterminated array; add a closing ']'"),
        ErrorCase("a = [1", 1, 5, "unterminated array; add a closing ']'"),
        ErrorCase("a = [1 2]", 1, 8, "expected ',' or ']' after an array element, found '2'"),
        ErrorCase("a = [,]", 1, 6, "expected a value, found ','"),
        ErrorCase("a = [1,,2]", 1, 8, "expected a value, found ','"),
        ErrorCase("a = {b = 1,}", 1, 11, "trailing comma is not allowed in an inline table"),
        ErrorCase("a = {b = 1\n}", 1, 11,
                  "expected ',' or '}' before the end of the line; an inline table must fit on one line"),
        ErrorCase("a = {b = 1 # c\n}", 1, 12, "comments are not allowed inside an inline table"),
        ErrorCase("a = {b = 1", 1, 5, "unterminated inline table; add a closing '}'"),
        ErrorCase("a = {b = 1 c = 2}", 1, 12, "expected ',' or '}' in an inline table, found 'c'"),
        ErrorCase("a = {,}", 1, 6, "expected a key, found ','"),
    ])
    func values(_ c: ErrorCase) {
        check(c)
    }

    @Test(arguments: [
        ErrorCase("a = \"abc\nb = 1", 1, 5,
                  "unterminated string; add a closing \" before the end of the line, or use \"\"\" for a multi-line string"),
        ErrorCase("a = \"abc", 1, 5, "unterminated string; add a closing \""),
        ErrorCase("a = \"abc\\", 1, 5, "unterminated string; add a closing \""),
        ErrorCase("a = 'abc\n", 1, 5,
                  "unterminated string; add a closing ' before the end of the line, or use ''' for a multi-line string"),
        ErrorCase("a = 'abc", 1, 5, "unterminated string; add a closing '"),
        ErrorCase("a = \"x\u{1}\"", 1, 7, "control character U+0001 is not allowed in a string; write it as \\u0001"),
        ErrorCase("a = \"x\u{7F}\"", 1, 7, "control character U+007F is not allowed in a string; write it as \\u007F"),
        ErrorCase("a = \"x\ry\"", 1, 7, "carriage return without a line feed; line ends must be LF or CRLF"),
        ErrorCase("a = 'x\u{1}'", 1, 7,
                  "control character U+0001 is not allowed in a literal string; use a basic string with \\u0001"),
        ErrorCase("a = \"\"\"abc", 1, 5, "unterminated multi-line string; add the closing \"\"\""),
        ErrorCase("a = \"\"\"abc\\", 1, 5, "unterminated multi-line string; add the closing \"\"\""),
        ErrorCase("a = '''abc\n", 1, 5, "unterminated multi-line string; add the closing '''"),
        ErrorCase("a = \"\"\"\u{7F}\"\"\"", 1, 8, "control character U+007F is not allowed in a string; write it as \\u007F"),
        ErrorCase("a = '''x\n\u{8}'''", 2, 1,
                  "control character U+0008 is not allowed in a literal string; use a basic string with \\u0008"),
        ErrorCase("a = \"\"\"x\ry\"\"\"", 1, 9, "carriage return without a line feed; line ends must be LF or CRLF"),
        ErrorCase("a = '''x\ry'''", 1, 9, "carriage return without a line feed; line ends must be LF or CRLF"),
        ErrorCase("a = \"x\\\ny\"", 1, 7, "a backslash at the end of a line is only allowed in multi-line strings (\"\"\")"),
        ErrorCase("a = \"a\\ b\"", 1, 7, "invalid escape: '\\' followed by a space; write '\\\\' for a backslash"),
        ErrorCase("a = \"\\q\"", 1, 6, "invalid escape '\\q' in a string; write '\\\\' for a backslash"),
        ErrorCase("a = \"\\x41\"", 1, 6, "invalid escape '\\x' in a string; write '\\\\' for a backslash"),
        ErrorCase("a = \"\\é\"", 1, 6, "invalid escape '\\é' in a string; write '\\\\' for a backslash"),
        ErrorCase("a = \"\\\u{1}\"", 1, 6,
                  "invalid escape: '\\' followed by control character U+0001; write '\\\\' for a backslash"),
        ErrorCase("a = \"\\u12\"", 1, 6, "'\\u' needs 4 hex digits, like \\u00E9"),
        ErrorCase("a = \"\\U1234\"", 1, 6, "'\\U' needs 8 hex digits, like \\U0001F600"),
        ErrorCase("a = \"\\uD800\"", 1, 6, "invalid escape '\\uD800': surrogates (D800-DFFF) are not Unicode scalar values"),
        ErrorCase("a = \"\\U00110000\"", 1, 6, "invalid escape '\\U00110000': the largest code point is 10FFFF"),
        ErrorCase("a = \"\"\"x\\ y\"\"\"", 1, 9,
                  "invalid escape: '\\' followed by a space; a line-ending backslash must be the last character on its line"),
        ErrorCase("a = \"\"\"x\\ \ry\"\"\"", 1, 11, "carriage return without a line feed; line ends must be LF or CRLF"),
        ErrorCase("a = \"\"\"x\"\"\"\"\"\"", 1, 14,
                  "too many quotes at the end of a multi-line string; at most two can come right before the closing \"\"\""),
        ErrorCase("a = '''x''''''", 1, 14,
                  "too many quotes at the end of a multi-line string; at most two can come right before the closing '''"),
        ErrorCase("a = \"\"\"\nok\nbad \\q\"\"\"", 3, 5, "invalid escape '\\q' in a string; write '\\\\' for a backslash"),
    ])
    func strings(_ c: ErrorCase) {
        check(c)
    }

    @Test(arguments: [
        ErrorCase("a = 1__0", 1, 6, "'_' must be between two digits"),
        ErrorCase("a = 1_", 1, 6, "'_' must be between two digits"),
        ErrorCase("a = 0x_1", 1, 7, "'_' must be between two digits"),
        ErrorCase("a = 1_.5", 1, 6, "'_' must be between two digits"),
        ErrorCase("a = 1._5", 1, 7, "'_' must be between two digits"),
        ErrorCase("a = 1e_5", 1, 7, "'_' must be between two digits"),
        ErrorCase("a = +", 1, 6, "expected digits after '+'"),
        ErrorCase("a = -", 1, 6, "expected digits after '-'"),
        ErrorCase("a = +in", 1, 5, "expected a number, found '+in'"),
        ErrorCase("a = 0X1F", 1, 6, "write the base prefix in lowercase: 0x, 0o or 0b"),
        ErrorCase("a = 7:30:00", 1, 5,
                  "invalid time; write hours, minutes and seconds with two digits each, like 07:30:00"),
        ErrorCase("a = 100-01-01", 1, 5, "invalid date; write it as YYYY-MM-DD with a four-digit year, like 1979-05-27"),
        ErrorCase("a = 12x", 1, 7, "invalid character 'x' in a number"),
        ErrorCase("a = 1.5.2", 1, 8, "invalid character '.' in a number"),
        ErrorCase("a = +_1", 1, 6, "'_' must be between two digits"),
        ErrorCase("a = 1.", 1, 7, "a float needs a digit after the '.' (write 1.0, not 1.)"),
        ErrorCase("a = 1.e5", 1, 7, "a float needs a digit after the '.' (write 1.0, not 1.)"),
        ErrorCase("a = 1e", 1, 7, "expected digits in the exponent of a float"),
        ErrorCase("a = 1e+", 1, 8, "expected digits in the exponent of a float"),
        ErrorCase("a = 01.5", 1, 5, "leading zeros are not allowed in floats"),
        ErrorCase("a = 012", 1, 5, "leading zeros are not allowed in decimal integers"),
        ErrorCase("a = -012", 1, 6, "leading zeros are not allowed in decimal integers"),
        ErrorCase("a = 0_1", 1, 5, "leading zeros are not allowed in decimal integers"),
        ErrorCase("a = 1e400", 1, 5, "float 1e400 is out of range (64-bit)"),
        ErrorCase("a = -1.5e999", 1, 5, "float -1.5e999 is out of range (64-bit)"),
        ErrorCase("a = 9223372036854775808", 1, 5, "integer 9223372036854775808 is out of range (64-bit)"),
        ErrorCase("a = -9223372036854775809", 1, 5, "integer -9223372036854775809 is out of range (64-bit)"),
        ErrorCase("a = 99999999999999999999999", 1, 5, "integer 99999999999999999999999 is out of range (64-bit)"),
        ErrorCase("a = 0x8000000000000000", 1, 5, "integer 0x8000000000000000 is out of range (64-bit)"),
        ErrorCase("a = -0x1", 1, 5, "'+' and '-' are not allowed on hexadecimal integers"),
        ErrorCase("a = +0o7", 1, 5, "'+' and '-' are not allowed on octal integers"),
        ErrorCase("a = 0x", 1, 7, "expected hexadecimal digits after '0x'"),
        ErrorCase("a = 0b", 1, 7, "expected binary digits after '0b'"),
        ErrorCase("a = 0o8", 1, 7, "invalid digit '8' in an octal integer"),
        ErrorCase("a = 0xg", 1, 7, "invalid digit 'g' in a hexadecimal integer"),
        ErrorCase("a = 0b102", 1, 9, "invalid digit '2' in a binary integer"),
        ErrorCase("a = 0x1.5", 1, 8, "invalid digit '.' in a hexadecimal integer"),
    ])
    func numbers(_ c: ErrorCase) {
        check(c)
    }

    @Test(arguments: [
        ErrorCase("a = 1979-5-27", 1, 10, "expected a two-digit month, like 1979-05-27"),
        ErrorCase("a = 1979-05/27", 1, 12, "expected '-' after the month, like 1979-05-27"),
        ErrorCase("a = 1979-05-7", 1, 13, "expected a two-digit day, like 1979-05-27"),
        ErrorCase("a = 1979-13-01", 1, 10, "month 13 is out of range (01-12)"),
        ErrorCase("a = 1979-00-01", 1, 10, "month 00 is out of range (01-12)"),
        ErrorCase("a = 1979-01-00", 1, 13, "day 00 is out of range for 1979-01 (01-31)"),
        ErrorCase("a = 1979-01-32", 1, 13, "day 32 is out of range for 1979-01 (01-31)"),
        ErrorCase("a = 1979-05-27T07:32:00+0530", 1, 24, "expected an offset like +05:30, -08:00 or Z"),
        ErrorCase("a = 1979-05-27T07:32:00+5:30", 1, 24, "expected an offset like +05:30, -08:00 or Z"),
        ErrorCase("a = 1979-05-27T07:32:00+24:00", 1, 25, "offset hour 24 is out of range (00-23)"),
        ErrorCase("a = 1979-05-27T07:32:00+05:60", 1, 28, "offset minute 60 is out of range (00-59)"),
        ErrorCase("a = 1979-05-27T7:32:00", 1, 16, "expected a two-digit hour, like 07:32:00"),
        ErrorCase("a = 1979-05-27T", 1, 16, "expected a two-digit hour, like 07:32:00"),
        ErrorCase("a = 1979-05-27T07-32", 1, 18, "expected ':' after the hour, like 07:32:00"),
        ErrorCase("a = 07:3:00", 1, 8, "expected a two-digit minute, like 07:32:00"),
        ErrorCase("a = 07:32", 1, 10, "seconds are required in a time: write 07:32:00"),
        ErrorCase("a = 1979-05-27 07:32Z", 1, 21, "seconds are required in a time: write 07:32:00"),
        ErrorCase("a = 07:32:5", 1, 11, "expected a two-digit second, like 07:32:00"),
        ErrorCase("a = 24:00:00", 1, 5, "hour 24 is out of range (00-23)"),
        ErrorCase("a = 23:60:00", 1, 8, "minute 60 is out of range (00-59)"),
        ErrorCase("a = 23:59:61", 1, 11, "second 61 is out of range (00-60)"),
        ErrorCase("a = 07:32:00.", 1, 14, "expected digits after the '.' in the seconds"),
        ErrorCase("a = 1979-05-27x", 1, 15, "invalid character 'x' after a date"),
        ErrorCase("a = 1979-05-27T07:32:00Zx", 1, 25, "invalid character 'x' after a date-time"),
        ErrorCase("a = 1979-05-27T07:32:00.5.5", 1, 26, "invalid character '.' after a date-time"),
        ErrorCase("a = 07:32:00x", 1, 13, "invalid character 'x' after a time"),
    ])
    func datesAndTimes(_ c: ErrorCase) {
        check(c)
    }

    @Test func nestingIsCapped() {
        let depth = TOMLDocument.maximumDepth
        // 128 levels of arrays parse; one more is rejected at the bracket that goes too deep.
        let deepest = "a = " + String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        #expect(parseError(deepest) == nil)
        check(ErrorCase("a = " + String(repeating: "[", count: depth + 1) + String(repeating: "]", count: depth + 1),
                        1, 5 + depth, "nesting is too deep (more than 128 levels)"))
        // Inline tables count the same way.
        var inline = "a = "
        for _ in 0..<(depth + 1) { inline += "{b = " }
        inline += "1" + String(repeating: "}", count: depth + 1)
        check(ErrorCase(inline, 1, 5 + 5 * depth, "nesting is too deep (more than 128 levels)"))
        // So do header and dotted-key paths.
        let path = Array(repeating: "k", count: depth + 1).joined(separator: ".")
        check(ErrorCase("[" + path + "]", 1, 2 + 2 * depth, "nesting is too deep (more than 128 levels)"))
        // A dotted key's last part names a value, so it takes one part more to nest too deep.
        let longer = path + ".k"
        #expect(parseError(path + " = 1") == nil)
        check(ErrorCase(longer + " = 1", 1, 1 + 2 * depth, "nesting is too deep (more than 128 levels)"))
        let fits = Array(repeating: "k", count: depth).joined(separator: ".")
        #expect(parseError("[" + fits + "]\n" + "x = 1") == nil)
        // A static array of inline tables under a deep header is still limited.
        let nearLimit = Array(repeating: "k", count: depth - 1).joined(separator: ".")
        check(ErrorCase("[" + nearLimit + "]\nx = [{}]", 2, 6, "nesting is too deep (more than 128 levels)"))
    }
}
