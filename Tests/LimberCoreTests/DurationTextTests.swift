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

    @Test func formatReadsBack() {
        for s in [1, 59, 60, 90, 3600, 3661, 5400, 86_400] {
            let text = DurationText.format(.seconds(s))
            #expect(DurationText.parse(text) == .seconds(s), "\(text)")
        }
        #expect(DurationText.format(.seconds(5400)) == "1h30m")
    }
}
