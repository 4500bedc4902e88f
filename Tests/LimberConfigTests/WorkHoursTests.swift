import LimberCore
import Testing
@testable import LimberConfig

@Suite struct WorkHoursTests {
    func hours(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> [Weekday: [String]]? {
        guard let c = loaded("[work_hours]\n" + text, sourceLocation: sourceLocation) else { return nil }
        return c.schedule.workHours.days.mapValues { $0.map(\.description) }
    }

    func week(_ weekdays: [String], _ weekend: [String]) -> [Weekday: [String]] {
        Dictionary(uniqueKeysWithValues: Weekday.allCases.map { ($0, $0.rawValue <= 5 ? weekdays : weekend) })
    }

    @Test func everyDayAllDayIsTheDefault() {
        #expect(loaded("[work_hours]\nevery_day = [\"00:00-24:00\"]")?.schedule.workHours == .always)
        #expect(loaded("[work_hours]\n")?.schedule.workHours == .always)
    }

    @Test func weekdaysAndWeekend() {
        #expect(hours("weekdays = [\"09:00-12:30\", \"13:30-17:30\"]")
                == week(["09:00-12:30", "13:30-17:30"], []))
        #expect(hours("weekdays = [\"09:00-17:00\"]\nweekend = [\"10:00-12:00\"]")
                == week(["09:00-17:00"], ["10:00-12:00"]))
    }

    @Test func aMoreSpecificKeyWinsWhateverTheOrder() {
        var expected = week(["08:00-16:00"], ["08:00-16:00"])
        expected[.friday] = ["08:00-12:00"]
        expected[.sunday] = []
        #expect(hours("fri = [\"08:00-12:00\"]\nevery_day = [\"08:00-16:00\"]\nsun = []") == expected)
        expected[.saturday] = ["10:00-11:00"]
        expected[.sunday] = ["10:00-11:00"]
        #expect(hours("weekend = [\"10:00-11:00\"]\nfri = [\"08:00-12:00\"]\nevery_day = [\"08:00-16:00\"]") == expected)
    }

    @Test func aDayNoKeyCoversHasNoHours() {
        var expected = week([], [])
        expected[.monday] = ["09:00-17:00"]
        #expect(hours("mon = [\"09:00-17:00\"]") == expected)
    }

    @Test func rangesAreSortedAndMayTouch() {
        let h = hours("every_day = [\"13:00-17:00\", \"09:00-13:00\", \"17:00-24:00\"]")
        #expect(h?[.wednesday] == ["09:00-13:00", "13:00-17:00", "17:00-24:00"])
    }

    @Test func rangeForms() {
        #expect(hours("every_day = [{ start = 09:00:00, end = 17:30:00 }]")?[.monday] == ["09:00-17:30"])
        #expect(hours("every_day = [{ start = \"9:00\", end = \"24:00\" }]")?[.monday] == ["09:00-24:00"])
        #expect(hours("every_day = [\" 9:05 - 17:30 \"]")?[.monday] == ["09:05-17:30"])
        #expect(hours("every_day = \"09:00-17:00\"")?[.monday] == ["09:00-17:00"])
        #expect(hours("every_day = { start = 08:00:00, end = 09:00:00 }")?[.monday] == ["08:00-09:00"])
        #expect(loaded("[work_hours.mon]\nstart = 08:00:00\nend = 12:00:00")?.schedule.workHours.days[.monday]
                == [span("08:00-12:00")])
        #expect(loaded("[[work_hours.tue]]\nstart = 08:00:00\nend = 12:00:00\n[[work_hours.tue]]\nstart = \"13:00\"\nend = \"14:00\"")?
            .schedule.workHours.days[.tuesday] == [span("08:00-12:00"), span("13:00-14:00")])
    }

    @Test(arguments: [
        Case("wed = 5", "2:7: expected a list of time ranges like [\"09:00-17:30\"], found an integer"),
        Case("wed = [5]",
             "2:8: expected a time range like \"09:00-17:30\" or { start = 09:00:00, end = 17:30:00 }, found an integer"),
        Case("wed = [\"9-5\"]", "2:8: expected a time range like \"09:00-17:30\", found \"9-5\""),
        Case("wed = [\"09:00\"]", "2:8: expected a time range like \"09:00-17:30\", found \"09:00\""),
        Case("wed = [\"09:00-12:00-13:00\"]", "2:8: expected a time range like \"09:00-17:30\", found \"09:00-12:00-13:00\""),
        Case("wed = [\"9am-5pm\"]", "2:8: expected a time range like \"09:00-17:30\", found \"9am-5pm\""),
        Case("wed = [\"09:00-25:00\"]",
             "2:8: expected a time range like \"09:00-17:30\", found \"09:00-25:00\" (25:00 is not a time of day)"),
        Case("wed = [\"09:60-12:00\"]",
             "2:8: expected a time range like \"09:00-17:30\", found \"09:60-12:00\" (09:60 is not a time of day)"),
        Case("wed = [\"09:00-24:01\"]",
             "2:8: expected a time range like \"09:00-17:30\", found \"09:00-24:01\" (24:01 is not a time of day)"),
        Case("wed = [\"17:00-09:00\"]",
             "2:8: 17:00-09:00 ends before it starts; past midnight, split it: \"17:00-24:00\" on one day and \"00:00-09:00\" on the next"),
        Case("wed = [\"09:00-09:00\"]", "2:8: 09:00-09:00 is empty; a range must end after it starts"),
        Case("wed = [\"24:00-24:00\"]", "2:8: 24:00-24:00 is empty; a range must end after it starts"),
        Case("wed = [{ start = 09:00:00 }]",
             "2:8: this time range has no end; write it like { start = 09:00:00, end = 17:30:00 }"),
        Case("wed = [{}]",
             "2:8: this time range has no start and end; write it like { start = 09:00:00, end = 17:30:00 }"),
        Case("wed = [{ from = 09:00:00, end = 10:00:00 }]", "2:10: unknown key 'from' in a time range; did you mean 'start'?"),
        Case("wed = [{ start = 09:00:00, ende = 10:00:00 }]", "2:28: unknown key 'ende' in a time range; did you mean 'end'?"),
        Case("wed = [{ start = 09:00:00, end = 10:00:00, note = \"x\" }]",
             "2:44: unknown key 'note' in a time range; the keys there are start and end"),
        Case("wed = [{ start = 09:00:30, end = 10:00:00 }]",
             "2:18: times of day are whole minutes, found 09:00:30 (write start = 09:00:00)"),
        Case("wed = [{ start = 09:00:00, end = 10:00:00.5 }]",
             "2:34: times of day are whole minutes, found 10:00:00.5 (write end = 10:00:00)"),
        Case("wed = [{ start = 9, end = 10:00:00 }]", "2:18: expected a time of day like 09:00:00 or \"09:00\", found an integer"),
        Case("wed = [{ start = \"9am\", end = 10:00:00 }]",
             "2:18: expected a time of day like 09:00:00 or \"09:00\", found \"9am\""),
        Case("wed = [{ start = 2026-01-01T09:00:00, end = 10:00:00 }]",
             "2:18: expected a time of day like 09:00:00 or \"09:00\", found a local date-time"),
        Case("wed = [{ start = \"09:00\", end = \"24:30\" }]",
             "2:33: expected a time of day from 00:00 to 24:00, found \"24:30\""),
        Case("wed = [{ start = 10:00:00, end = 09:00:00 }]",
             "2:8: 10:00-09:00 ends before it starts; past midnight, split it: \"10:00-24:00\" on one day and \"00:00-09:00\" on the next"),
        Case("every_day = []\nweekdays = []",
             "1:1: work_hours has no time on any day, so reminders would never come; add a range like every_day = [\"09:00-17:00\"], or remove [work_hours] for every day, all day"),
    ])
    func rangeErrors(_ c: Case) {
        #expect(problem("[work_hours]\n" + c.text) == c.expected)
    }

    @Test func overlapsPointAtBothRanges() throws {
        let text = "[work_hours]\nmon = [\"09:00-13:00\", \"12:00-17:00\"]\n"
        guard case .failure(let d) = LimberConfiguration.load(text, fileName: "config.toml") else {
            Issue.record("accepted")
            return
        }
        #expect(d.errors.map(\.description) == ["2:23: 12:00-17:00 overlaps 09:00-13:00 (to join them, write \"09:00-17:00\")"])
        #expect(d.errors.first?.notes.map(\.description) == ["2:8: 09:00-13:00 is here"])
    }

    @Test func theErrorIsAtTheRangeWrittenLater() {
        let text = "[work_hours]\ntue = [\"12:00-17:00\",\n  \"09:00-13:00\"]\n"
        guard case .failure(let d) = LimberConfiguration.load(text, fileName: "config.toml") else {
            Issue.record("accepted")
            return
        }
        #expect(d.errors.map(\.description) == ["3:3: 09:00-13:00 overlaps 12:00-17:00 (to join them, write \"09:00-17:00\")"])
        #expect(d.errors.first?.notes.map(\.description) == ["2:8: 12:00-17:00 is here"])
    }

    @Test func everyOverlapIsReported() {
        #expect(problems("[work_hours]\nthu = [\"08:00-18:00\", \"09:00-10:00\", \"11:00-12:00\", \"11:30-11:45\"]") == [
            "2:23: 09:00-10:00 overlaps 08:00-18:00 (to join them, write \"08:00-18:00\")",
            "2:38: 11:00-12:00 overlaps 08:00-18:00 (to join them, write \"08:00-18:00\")",
            "2:53: 11:30-11:45 overlaps 08:00-18:00 (to join them, write \"08:00-18:00\")",
        ])
        #expect(problems("[work_hours]\nsat = [\"10:00-11:00\", \"10:00-11:00\"]") == [
            "2:23: 10:00-11:00 overlaps 10:00-11:00 (to join them, write \"10:00-11:00\")",
        ])
    }

    @Test func overlapsAreOnlyWithinOneDayList() {
        // weekdays and mon both cover Monday, but mon replaces weekdays there: no overlap.
        #expect(hours("weekdays = [\"09:00-17:00\"]\nmon = [\"10:00-18:00\"]")?[.monday] == ["10:00-18:00"])
    }

    @Test func aBadRangeElsewhereDoesNotAlsoClaimAnEmptyWeek() {
        #expect(problems("[work_hours]\nevery_day = [\"bad\"]") == [
            "2:14: expected a time range like \"09:00-17:30\", found \"bad\"",
        ])
        #expect(problems("[work_hours]\nevery_day = []\nholiday = []") == [
            "3:1: unknown key 'holiday' in [work_hours]; the keys there are every_day, weekdays, weekend, mon, tue, wed, thu, fri, sat and sun",
        ])
    }
}
