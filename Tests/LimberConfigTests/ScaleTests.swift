import Testing
import TOML
@testable import LimberConfig

// Files with very many errors: the cost stays linear in the file, a bounded number of errors is
// kept and shown, and the rest are counted in one line. (Each diagnostic used to copy its whole
// source line and rescan the file from its start: 16,000 errors on one 165 KB line took
// minutes and gigabytes.)
@Suite struct ScaleTests {
    func diagnostics(_ text: String) -> ConfigDiagnostics? {
        if case .failure(let d) = LimberConfiguration.load(text, fileName: "config.toml") { return d }
        Issue.record("the file loaded")
        return nil
    }

    @Test func manyErrorsOnManyLinesAreCountedAndTheFirstShown() throws {
        let lines = (0..<5600).map { "unknown_key_\($0) = 1" }
        let d = try #require(diagnostics("[posture]\n" + lines.joined(separator: "\n") + "\n"))
        #expect(d.count == 5600)
        #expect(d.errors.count <= Reporter.storedLimit)
        let rendered = d.rendered
        #expect(rendered.count == ConfigDiagnostics.shownLimit + 1)
        #expect(rendered[0].hasPrefix("config.toml:2:1: error: unknown key 'unknown_key_0' in [posture]"))
        #expect(rendered[0].contains("\nunknown_key_0 = 1\n^"))
        #expect(rendered[49].contains("\nunknown_key_49 = 1\n^"))
        #expect(rendered[50] == "config.toml: and 5,550 more errors; fix these first, then run 'limber config check' again")
        #expect(d.summary == "config.toml has 5,600 errors")
        #expect(d.description.hasSuffix("and 5,550 more errors; fix these first, then run 'limber config check' again\nconfig.toml has 5,600 errors"))
    }

    @Test func hundredsOfThousandsOfErrorsOnOneLongLine() throws {
        // 3.4 MB on one line, 425,000 errors.
        let entries = Array(repeating: "\"9:7x\"", count: 425_000).joined(separator: ", ")
        let text = "[sit_stand]\nenabled = true\nat = [" + entries + "]\n"
        #expect(text.utf8.count > 3_400_000)
        let d = try #require(diagnostics(text))
        #expect(d.count == 425_000)
        let rendered = d.rendered
        #expect(rendered.count == 51)
        #expect(rendered[50].contains("and 424,950 more errors"))
        // Each shows only a window of the line around its column.
        for r in rendered.prefix(50) {
            let lines = r.split(separator: "\n", omittingEmptySubsequences: false)
            #expect(lines.count == 3)
            #expect(lines[1].count <= 130)
            #expect(lines[1].hasSuffix("..."))
        }
    }

    @Test func aHugeKeyMakesABoundedMessage() throws {
        let key = String(repeating: "k", count: 100_000)
        let d = try #require(diagnostics("[posture]\n" + key + " = 1\n"))
        let message = try #require(d.errors.first?.message)
        #expect(message.count < 600)
        #expect(message.hasPrefix("unknown key 'kkk"))
        #expect(message.hasSuffix("the keys there are interval_min and interval_max"))
        #expect(d.rendered.joined().utf8.count < 1000)
    }

    @Test func aLongLineIsShownAroundTheColumnWithTheCaretUnderIt() throws {
        let filler = String(repeating: "a", count: 5000)
        let index = TOMLLineIndex(Array("x\n\u{FEFF}".utf8) + Array(("y = \"" + filler + "\" é z\r\nlast").utf8))
        let e = index.excerpt(line: 2, column: 4000, radius: 10)
        #expect(e.cutBefore == 3989)
        #expect(e.text == String(repeating: "a", count: 20))
        #expect(e.cutAfter)
        // The end of the line, without its CR; a multi-byte scalar counts once.
        let end = index.excerpt(line: 2, column: 5009, radius: 3)
        #expect(end.text == "a\" é z")
        #expect(end.cutBefore == 5005)
        #expect(!end.cutAfter)
        #expect(index.excerpt(line: 3, column: 1).text == "last")
        #expect(index.excerpt(line: 4, column: 1).text == "")
        // Bytes that are not UTF-8 (a run of continuation bytes) still make a bounded excerpt.
        let garbage = TOMLLineIndex([UInt8](repeating: 0x80, count: 100_000)).excerpt(line: 1, column: 1, radius: 10)
        #expect(garbage.text.utf8.count <= 10 * 4 * 3)
        #expect(garbage.cutAfter)
        // A byte order mark is not part of line 1.
        #expect(TOMLLineIndex(Array("\u{FEFF}ab".utf8)).excerpt(line: 1, column: 1).text == "ab")

        let rendered = TOMLError.render(fileName: "f", line: 2, column: 4000, message: "m",
                                        sourceLine: e.text, cutBefore: e.cutBefore, cutAfter: e.cutAfter)
        #expect(rendered == "f:2:4000: error: m\n..." + e.text + "...\n" + String(repeating: " ", count: 13) + "^")
    }
}
