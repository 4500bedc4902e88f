import Testing
@testable import LimberConfig

@Suite struct RenderTests {
    @Test func diagnosticsRenderWithTheSourceLineACaretAndNotes() throws {
        let text = "[posture]\ninterval_min = \"50m\"\ninterval_max = \"40m\"\n[reminders]\nsnooze_limit = 12\n"
        let result = LimberConfiguration.load(Array(text.utf8), fileName: "/home/ann/.config/limber/config.toml")
        guard case .failure(let d) = result else {
            Issue.record("accepted")
            return
        }
        #expect(d.rendered == [
            """
            /home/ann/.config/limber/config.toml:2:16: error: interval_min (50m) is above interval_max (40m)
            interval_min = "50m"
                           ^
            /home/ann/.config/limber/config.toml:3:16: note: interval_max is set here
            interval_max = "40m"
                           ^
            """,
            """
            /home/ann/.config/limber/config.toml:5:16: error: snooze_limit must be between 0 and 10, found 12
            snooze_limit = 12
                           ^
            """,
        ])
        #expect(d.summary == "/home/ann/.config/limber/config.toml has 2 errors")
        #expect(d.description == (d.rendered + [d.summary]).joined(separator: "\n"))
    }

    @Test func oneErrorIsSingular() {
        guard case .failure(let d) = LimberConfiguration.load("x = 1", fileName: "c.toml") else {
            Issue.record("accepted")
            return
        }
        #expect(d.summary == "c.toml has 1 error")
    }

    @Test func tabsAndCRLFKeepTheCaretInPlace() {
        guard case .failure(let d) = LimberConfiguration.load("[routine]\r\n\tinterval = 5\r\n", fileName: "c.toml") else {
            Issue.record("accepted")
            return
        }
        #expect(d.rendered == ["c.toml:2:13: error: expected a duration like \"30m\", found an integer (write interval = \"5m\")\n"
                               + "\tinterval = 5\n\t           ^"])
    }

    @Test func diagnosticsAreSortedByLineThenColumn() {
        let d = ConfigDiagnostics(fileName: "f", errors: [
            ConfigDiagnostic(line: 3, column: 1, message: "c"),
            ConfigDiagnostic(line: 1, column: 9, message: "b"),
            ConfigDiagnostic(line: 1, column: 2, message: "a"),
            ConfigDiagnostic(line: 3, column: 1, message: "d"),
        ])
        #expect(d.errors.map(\.message) == ["a", "b", "c", "d"])
    }
}

@Suite struct SuggestTests {
    @Test(arguments: [
        ("kitten", "sitting", 3), ("", "abc", 3), ("abc", "", 3), ("abc", "abc", 0),
        ("intreval", "interval", 1), ("ab", "ba", 1), ("ca", "abc", 3),
    ])
    func distance(_ a: String, _ b: String, _ d: Int) {
        #expect(Suggest.distance(Array(a), Array(b)) == d)
    }

    @Test func suggestions() {
        #expect(Suggest.closest(to: "mon", in: ["mon", "tue"]) == ["mon"])
        #expect(Suggest.closest(to: "thur", in: ["tue", "thu"]) == ["thu"])
        #expect(Suggest.closest(to: "xyz", in: ["mon", "tue"]) == [])
        #expect(Suggest.closest(to: "su", in: ["sun", "sat"]) == ["sun"])
        #expect(Suggest.closest(to: "snooze", in: ["snooze_default", "snooze_limit", "reshow_count"])
                == ["snooze_default", "snooze_limit"])
        #expect(Suggest.closest(to: "REshow_After", in: ["reshow_after"]) == ["reshow_after"])
        #expect(Suggest.closest(to: "interval", in: ["urgency", "expire"]) == [])
    }
}
