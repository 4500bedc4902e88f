import Testing
import LimberCore

@Suite struct DurationTextTests {
    @Test(arguments: [("90s", 90), ("5m", 300), ("1h30m", 5400), ("2h", 7200), ("1h1m1s", 3661), ("0m", 0),
                      ("45m30s", 2730)])
    func parses(text: String, seconds: Int) {
        #expect(DurationText.parse(text) == .seconds(seconds))
    }

    @Test(arguments: ["", "5", "m", "5x", "1m1h", "5m5m", "1.5h", " 5m", "5 m", "-5m", "99999999999h", "5M"])
    func rejects(text: String) {
        #expect(DurationText.parse(text) == nil)
    }

    @Test(arguments: ["99999999999h", "9223372036854775807s", "99999999999999999999999m", "2778h", "10000001s",
                      "2777h46m41s"])
    func tooLongIsNotMalformed(text: String) {
        #expect(DurationText.read(text) == .tooLong)
        #expect(DurationText.problem(text) == "'\(text)' is too long: at most 2777h46m40s (115 days)")
    }

    @Test func theLongestIsRead() {
        #expect(DurationText.read("2777h46m40s") == .duration(DurationText.longest))
        #expect(DurationText.read("10000000s") == .duration(.seconds(10_000_000)))
    }

    @Test(arguments: ["5x", "1m1h", "99999999999x", "h99999999999"])
    func malformedSaysWhatADurationLooksLike(text: String) {
        #expect(DurationText.read(text) == .malformed)
        #expect(DurationText.problem(text) == "'\(text)' is not a duration like \"30m\", \"90s\" or \"1h30m\"")
    }

    @Test func formatReadsBack() {
        for s in [1, 59, 60, 90, 3600, 3661, 5400, 86_400] {
            let text = DurationText.format(.seconds(s))
            #expect(DurationText.parse(text) == .seconds(s), "\(text)")
        }
        #expect(DurationText.format(.seconds(5400)) == "1h30m")
    }
}
