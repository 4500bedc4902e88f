import Testing
@testable import TOML

// The diagnostic shape: "FILE:LINE:COL: error: MESSAGE", the source line, a caret under the column.

@Suite struct RenderTests {
    @Test func rendersTheIssueExampleExactly() throws {
        let source = String(repeating: "# line\n", count: 11) + "  answer 42\n"
        let error = try #require(parseError(source))
        #expect(error.rendered(fileName: "config.toml") == """
            config.toml:12:9: error: expected '=' after a key
              answer 42
                    ^
            """)
        #expect(error.description == "12:9: expected '=' after a key")
        #expect(error.position == pos(12, 9))
        #expect(error.sourceLine == "  answer 42")
    }

    @Test func repeatsTabsSoTheCaretLinesUpAtAnyTabWidth() throws {
        let error = try #require(parseError("[a]\n\tanswer\t42"))
        #expect(error.column == 8)
        #expect(error.rendered(fileName: "f.toml") == "f.toml:2:8: error: expected '=' after a key\n\tanswer\t42\n\t      ^")
    }

    @Test func countsMultiByteCharactersOnce() throws {
        let error = try #require(parseError("\"ключ\" 1"))
        #expect(error.column == 7)
        #expect(error.rendered(fileName: "<stdin>") == "<stdin>:1:7: error: expected '=' after a key\n\"ключ\" 1\n      ^")
    }

    @Test func givesWideCharactersTwoCaretColumns() throws {
        let error = try #require(parseError("\"日本\" 1"))
        #expect(error.column == 5)
        #expect(error.rendered(fileName: "x") == "x:1:5: error: expected '=' after a key\n\"日本\" 1\n      ^")
    }

    @Test func showsControlAndInvisibleCharactersAsReplacementCharacters() throws {
        let error = try #require(parseError("a = \"x\u{1}\""))
        #expect(error.rendered(fileName: "x") ==
                "x:1:7: error: control character U+0001 is not allowed in a string; write it as \\u0001\na = \"x\u{FFFD}\"\n      ^")
        let bom = try #require(parseError("a = \u{FEFF}1"))
        #expect(bom.rendered(fileName: "x") ==
                "x:1:5: error: expected a value, found U+FEFF (byte order mark)\na = \u{FFFD}1\n    ^")
    }

    @Test func dropsTheCarriageReturnOfCRLFLines() throws {
        let error = try #require(parseError("a = 1\r\nb 2\r\n"))
        #expect(error.sourceLine == "b 2")
        #expect(error.rendered(fileName: "x") == "x:2:2: error: expected '=' after a key\nb 2\n ^")
    }

    @Test func cutsLongLinesAroundTheColumn() throws {
        let long = "v = [" + String(repeating: "1, ", count: 100) + "x]"
        let error = try #require(parseError(long))
        #expect(error.column == 306)
        let lines = error.rendered(fileName: "x").split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 3)
        #expect(lines[1].hasPrefix("...") && lines[1].hasSuffix("x]"))
        #expect(lines[1].count == 3 + 120)
        // The caret sits under the 'x'.
        let caret = try #require(lines[2].firstIndex(of: "^"))
        let offset = lines[2].distance(from: lines[2].startIndex, to: caret)
        #expect(Array(lines[1])[offset] == "x")
    }

    @Test func caretAtTheEndOfTheFile() throws {
        let error = try #require(parseError("a ="))
        #expect(error.rendered(fileName: "x") == "x:1:4: error: expected a value after '='\na =\n   ^")
        let empty = try #require(parseError("a = [\n"))
        #expect(empty.rendered(fileName: "x") == "x:1:5: error: unterminated array; add a closing ']'\na = [\n    ^")
    }

    @Test func rendersDiagnosticsForOtherLayers() {
        let source = Array("\u{FEFF}[work]\r\nminutes = -5\r\n".utf8)
        let line = TOMLError.sourceLine(2, in: source)
        #expect(line == "minutes = -5")
        #expect(TOMLError.sourceLine(1, in: source) == "[work]")
        #expect(TOMLError.sourceLine(9, in: source) == "")
        #expect(TOMLError.sourceLine(0, in: source) == "")
        #expect(TOMLError.sourceLine(3, in: source) == "")
        #expect(TOMLError.render(fileName: "limber.toml", line: 2, column: 11, message: "minutes must be positive",
                                 sourceLine: line, severity: "warning")
                == "limber.toml:2:11: warning: minutes must be positive\nminutes = -5\n          ^")
    }
}
