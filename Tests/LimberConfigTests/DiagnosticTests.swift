import Testing
@testable import LimberConfig

// Every rule and every message, with its exact text and line:column.

struct Case: Sendable, CustomTestStringConvertible {
    let text: String
    let expected: String
    init(_ text: String, _ expected: String) {
        self.text = text
        self.expected = expected
    }
    var testDescription: String { expected }
}

@Suite struct DiagnosticTests {
    @Test(arguments: [
        Case("[postur]\ninterval_min = \"30m\"", "1:2: unknown section [postur]; did you mean [posture]?"),
        Case("[Routine]", "1:2: unknown section [Routine]; did you mean [routine]?"),
        Case("[work-hours]", "1:2: unknown section [work-hours]; did you mean [work_hours]?"),
        Case("[history]\nkeep = \"1y\"",
             "1:2: unknown section [history]; the sections are [posture], [routine], [reminders], [notifications], [stats], [idle], [daily_routine], [sit_stand], [step_up], [hooks], [work_hours], [[exercises]], [[routines]] and [[cues]]"),
        Case("[postures.extra]", "1:2: unknown section [postures]; did you mean [posture]?"),
        Case("x = { a = 1 }",
             "1:1: unknown section [x]; the sections are [posture], [routine], [reminders], [notifications], [stats], [idle], [daily_routine], [sit_stand], [step_up], [hooks], [work_hours], [[exercises]], [[routines]] and [[cues]]"),
        Case("intervl_min = \"30m\"", "1:1: unknown key 'intervl_min' at the top level; did you mean 'interval_min' in [posture]?"),
        Case("snooze_limit = 3", "1:1: unknown key 'snooze_limit' at the top level; it belongs in [reminders]"),
        Case("snooze = 3",
             "1:1: unknown key 'snooze' at the top level; did you mean 'snooze_default' in [reminders] or 'snooze_limit' in [reminders]?"),
        Case("postur = 1", "1:1: unknown key 'postur' at the top level; did you mean the section [posture]?"),
        Case("color = \"red\"",
             "1:1: unknown key 'color' at the top level; settings go in the sections [posture], [routine], [reminders], [notifications], [stats], [idle], [daily_routine], [sit_stand], [step_up], [hooks], [work_hours], [[exercises]], [[routines]] and [[cues]]"),
        Case("posture = \"30m\"",
             "1:11: expected a table [posture], found a string (write [posture] on a line of its own, with its keys below it)"),
        Case("[[routine]]\ninterval = \"1h\"",
             "1:1: expected a table [routine], found an array of tables (write [routine] on a line of its own, with its keys below it)"),
    ])
    func sections(_ c: Case) {
        #expect(problem(c.text) == c.expected)
    }

    @Test(arguments: [
        Case("[posture]\nintervl_min = \"30m\"", "2:1: unknown key 'intervl_min' in [posture]; did you mean 'interval_min'?"),
        Case("[posture]\nInterval_Max = \"30m\"", "2:1: unknown key 'Interval_Max' in [posture]; did you mean 'interval_max'?"),
        Case("[posture]\ninterval-min = \"30m\"", "2:1: unknown key 'interval-min' in [posture]; did you mean 'interval_min'?"),
        Case("[posture]\ninterval = \"30m\"",
             "2:1: unknown key 'interval' in [posture]; did you mean 'interval_min' or 'interval_max'?"),
        Case("[posture]\nsnooze_limit = 2", "2:1: unknown key 'snooze_limit' in [posture]; it belongs in [reminders]"),
        Case("[posture]\n  enabled = true", "2:3: unknown key 'enabled' in [posture]; it belongs in [daily_routine], [sit_stand] or [step_up]"),
        Case("[posture]\n  color = true", "2:3: unknown key 'color' in [posture]; the keys there are interval_min and interval_max"),
        Case("[routine]\ninterval_min = \"1h\"", "2:1: unknown key 'interval_min' in [routine]; did you mean 'interval'?"),
        Case("[reminders]\nsnooze_defualt = \"5m\"", "2:1: unknown key 'snooze_defualt' in [reminders]; did you mean 'snooze_default'?"),
        Case("[reminders]\nrepeat = 2",
             "2:1: unknown key 'repeat' in [reminders]; the keys there are reshow_after, reshow_count, snooze_default and snooze_limit"),
        Case("[notifications]\nexpiry = \"never\"", "2:1: unknown key 'expiry' in [notifications]; did you mean 'expire'?"),
        Case("[notifications.colour]\nfile = \"x\"",
             "1:16: unknown key 'colour' in [notifications]; the keys there are urgency, expire and sound"),
        Case("[notifications.sound]\nfile = \"x\"", "1:1: expected true or false, found a table"),
        Case("posture.intervl_max = \"1h\"", "1:9: unknown key 'intervl_max' in [posture]; did you mean 'interval_max'?"),
        Case("[work_hours]\nmonday = []", "2:1: unknown key 'monday' in [work_hours]; did you mean 'mon'?"),
        Case("[work_hours]\nweekday = []", "2:1: unknown key 'weekday' in [work_hours]; did you mean 'weekdays'?"),
        Case("[work_hours]\nholidays = []",
             "2:1: unknown key 'holidays' in [work_hours]; the keys there are every_day, weekdays, weekend, mon, tue, wed, thu, fri, sat and sun"),
    ])
    func unknownKeys(_ c: Case) {
        #expect(problem(c.text) == c.expected)
    }

    @Test(arguments: [
        Case("[posture]\ninterval_min = 30", "2:16: expected a duration like \"30m\", found an integer (write interval_min = \"30m\")"),
        Case("[posture]\ninterval_min = 0", "2:16: expected a duration like \"30m\", found an integer (write interval_min = \"30m\")"),
        Case("[posture]\ninterval_max = 1.5", "2:16: expected a duration like \"30m\", found a float (write interval_max = \"45m\")"),
        Case("[routine]\ninterval = 01:00:00", "2:12: expected a duration like \"30m\", found a local time (write interval = \"1h\")"),
        Case("[routine]\ninterval = [\"1h\"]", "2:12: expected a duration like \"30m\", found an array (write interval = \"1h\")"),
        Case("[posture]\ninterval_min = \"30\"", "2:16: expected a duration like \"30m\", found \"30\" (write interval_min = \"30m\")"),
        Case("[posture]\ninterval_min = \"30 min\"",
             "2:16: expected a duration like \"30m\", found \"30 min\" (write interval_min = \"30m\")"),
        Case("[routine]\ninterval = \"1 hour 30 minutes\"",
             "2:12: expected a duration like \"30m\", found \"1 hour 30 minutes\" (write interval = \"1h30m\")"),
        Case("[routine]\ninterval = \"1H\"", "2:12: expected a duration like \"30m\", found \"1H\" (write interval = \"1h\")"),
        Case("[reminders]\nreshow_after = \"1.5h\"",
             "2:16: expected a duration like \"30m\", \"90s\" or \"1h30m\", found \"1.5h\""),
        Case("[reminders]\nreshow_after = \"30m1h\"",
             "2:16: expected a duration like \"30m\", \"90s\" or \"1h30m\", found \"30m1h\""),
        Case("[reminders]\nreshow_after = \"\"", "2:16: expected a duration like \"30m\", \"90s\" or \"1h30m\", found \"\""),
        Case("[reminders]\nreshow_after = \"a\\\"b\\n\"",
             "2:16: expected a duration like \"30m\", \"90s\" or \"1h30m\", found \"a\\\"b\\n\""),
        Case("[reminders]\nsnooze_default = true",
             "2:18: expected a duration like \"30m\", found a boolean (write snooze_default = \"5m\")"),
        Case("[reminders]\nreshow_count = \"3\"", "2:16: expected an integer, found a string (write reshow_count = 3)"),
        Case("[reminders]\nreshow_count = 2.0", "2:16: expected an integer, found a float (write reshow_count = 2)"),
        Case("[reminders]\nreshow_count = 2.5", "2:16: expected an integer, found a float (write reshow_count = 2)"),
        Case("[reminders]\nsnooze_limit = \"many\"", "2:16: expected an integer, found a string (write snooze_limit = 3)"),
        Case("[reminders]\nsnooze_limit = false", "2:16: expected an integer, found a boolean (write snooze_limit = 3)"),
        Case("[notifications]\nurgency = 1", "2:11: expected \"low\" or \"normal\", found an integer (write urgency = \"normal\")"),
        Case("[notifications]\nurgency = \"critical\"",
             "2:11: expected \"low\" or \"normal\", found \"critical\" (the last re-show is always critical; the first showings cannot be)"),
        Case("[notifications]\nurgency = \"Normal\"", "2:11: expected \"low\" or \"normal\", found \"Normal\"; did you mean \"normal\"?"),
        Case("[notifications]\nurgency = \"lo\"", "2:11: expected \"low\" or \"normal\", found \"lo\"; did you mean \"low\"?"),
        Case("[notifications]\nurgency = \"high\"", "2:11: expected \"low\" or \"normal\", found \"high\""),
        Case("[notifications]\nexpire = 30",
             "2:10: expected \"default\", \"never\" or a duration like \"30s\", found an integer (write expire = \"30s\")"),
        Case("[notifications]\nexpire = false",
             "2:10: expected \"default\", \"never\" or a duration like \"30s\", found a boolean (write expire = \"default\")"),
        Case("[notifications]\nexpire = \"30\"",
             "2:10: expected \"default\", \"never\" or a duration like \"30s\", found \"30\" (write expire = \"30s\")"),
        Case("[notifications]\nexpire = \"nevr\"",
             "2:10: expected \"default\", \"never\" or a duration like \"30s\", found \"nevr\"; did you mean \"never\"?"),
        Case("[notifications]\nexpire = \"forever\"",
             "2:10: expected \"default\", \"never\" or a duration like \"30s\", found \"forever\""),
    ])
    func wrongTypes(_ c: Case) {
        #expect(problem(c.text) == c.expected)
    }

    @Test(arguments: [
        Case("[posture]\ninterval_min = \"4m59s\"", "2:16: interval_min must be between 5m and 4h, found 4m59s"),
        Case("[posture]\ninterval_max = \"4h1s\"", "2:16: interval_max must be between 5m and 4h, found 4h1s"),
        Case("[posture]\ninterval_min = \"0s\"", "2:16: interval_min must be between 5m and 4h, found 0s"),
        Case("[routine]\ninterval = \"9m\"", "2:12: interval must be between 10m and 8h, found 9m"),
        Case("[routine]\ninterval = \"8h1m\"", "2:12: interval must be between 10m and 8h, found 8h1m"),
        Case("[reminders]\nreshow_after = \"59s\"", "2:16: reshow_after must be between 1m and 1h, found 59s"),
        Case("[reminders]\nreshow_after = \"61m\"", "2:16: reshow_after must be between 1m and 1h, found 1h1m"),
        Case("[reminders]\nreshow_count = 6", "2:16: reshow_count must be between 0 and 5, found 6"),
        Case("[reminders]\nreshow_count = -1", "2:16: reshow_count must be between 0 and 5, found -1"),
        Case("[reminders]\nsnooze_default = \"30s\"", "2:18: snooze_default must be between 1m and 2h, found 30s"),
        Case("[reminders]\nsnooze_default = \"2h30m\"", "2:18: snooze_default must be between 1m and 2h, found 2h30m"),
        Case("[reminders]\nsnooze_limit = 11", "2:16: snooze_limit must be between 0 and 10, found 11"),
        Case("[reminders]\nsnooze_limit = 9223372036854775807",
             "2:16: snooze_limit must be between 0 and 10, found 9223372036854775807"),
        Case("[notifications]\nexpire = \"0s\"", "2:10: expire must be between 1s and 1h, found 0s"),
        Case("[notifications]\nexpire = \"2h\"", "2:10: expire must be between 1s and 1h, found 2h"),
    ])
    func outOfRange(_ c: Case) {
        #expect(problem(c.text) == c.expected)
    }

    @Test(arguments: [
        ("[posture]\ninterval_min = \"5m\"\ninterval_max = \"4h\"", 300, 14_400),
        ("[posture]\ninterval_min = \"20m\"\ninterval_max = \"20m\"", 1200, 1200),
        ("[posture]\ninterval_min = \"40m\"", 2400, 2700),
        ("[posture]\ninterval_max = \"1h30m\"", 1800, 5400),
    ])
    func postureWindowsThatAreAccepted(_ text: String, _ low: Int64, _ high: Int64) {
        let s = loaded(text)?.schedule
        #expect(s?.postureMin == .seconds(low))
        #expect(s?.postureMax == .seconds(high))
    }

    @Test func postureMinimumAboveMaximumPointsAtBoth() throws {
        let text = "[posture]\ninterval_max = \"40m\"\ninterval_min = \"50m\"\n"
        guard case .failure(let d) = LimberConfiguration.load(text, fileName: "config.toml") else {
            Issue.record("accepted")
            return
        }
        #expect(d.errors.count == 1)
        let e = try #require(d.errors.first)
        #expect(e.description == "3:16: interval_min (50m) is above interval_max (40m)")
        #expect(e.notes.map(\.description) == ["2:16: interval_max is set here"])
        #expect(e.notes.first?.severity == .note)
    }

    @Test(arguments: [
        Case("[posture]\ninterval_min = \"50m\"",
             "2:16: interval_min (50m) is above interval_max (45m, the default); set interval_max too"),
        Case("[posture]\ninterval_max = \"20m\"",
             "2:16: interval_max (20m) is below interval_min (30m, the default); set interval_min too"),
    ])
    func postureMinimumAboveTheOtherDefault(_ c: Case) {
        #expect(problem(c.text) == c.expected)
    }

    @Test func anInvalidBoundIsNotComparedWithTheOther() {
        #expect(problems("[posture]\ninterval_min = \"3h\"\ninterval_max = \"5h\"")
                 == ["3:16: interval_max must be between 5m and 4h, found 5h"])
        #expect(problems("[posture]\ninterval_min = \"3h\"\ninterval_max = 5")
                 == ["3:16: expected a duration like \"30m\", found an integer (write interval_max = \"5m\")"])
    }

    @Test func aSyntaxErrorIsReportedInTheSameShape() throws {
        guard case .failure(let d) = LimberConfiguration.load("[posture]\ninterval_min \"30m\"\n", fileName: "config.toml") else {
            Issue.record("accepted")
            return
        }
        #expect(d.errors.map(\.description) == ["2:13: expected '=' after a key"])
        #expect(d.rendered == ["config.toml:2:13: error: expected '=' after a key\ninterval_min \"30m\"\n            ^"])
    }

    @Test func aDuplicateKeyIsTheParsersError() {
        #expect(problems("[routine]\ninterval = \"1h\"\ninterval = \"2h\"").count == 1)
    }

    @Test func everyProblemIsReportedSortedByPosition() {
        let text = """
            [work_hours]
            mon = ["9-5"]
            [reminders]
            snooze_limit = 11
            reshow_count = "x"
            [posture]
            interval_min = 3
            [nope]
            """
        #expect(problems(text) == [
            "2:8: expected a time range like \"09:00-17:30\", found \"9-5\"",
            "4:16: snooze_limit must be between 0 and 10, found 11",
            "5:16: expected an integer, found a string (write reshow_count = 2)",
            "7:16: expected a duration like \"30m\", found an integer (write interval_min = \"3m\")",
            "8:2: unknown section [nope]; the sections are [posture], [routine], [reminders], [notifications], [stats], [idle], [daily_routine], [sit_stand], [step_up], [hooks], [work_hours], [[exercises]], [[routines]] and [[cues]]",
        ])
    }

    @Test func validValuesAreRead() {
        let c = loaded("""
            [posture]
            interval_min = "20m"
            interval_max = "1h"
            [routine]
            interval = "1h30m"
            [reminders]
            reshow_after = "90s"
            reshow_count = 0
            snooze_default = "10m"
            snooze_limit = 10
            [notifications]
            urgency = "low"
            expire = "45s"
            """)
        #expect(c?.schedule == schedule {
            $0.postureMin = .seconds(1200)
            $0.postureMax = .seconds(3600)
            $0.routineInterval = .seconds(5400)
            $0.reshowDelay = .seconds(90)
            $0.reshowCount = 0
            $0.snoozeDefault = .seconds(600)
            $0.snoozeLimit = 10
        })
        #expect(c?.notifications == NotificationSettings(urgency: .low, expire: .after(.seconds(45))))
        #expect(loaded("[notifications]\nexpire = \"never\"")?.notifications.expire == .never)
        #expect(loaded("[notifications]\nexpire = \"1h\"")?.notifications.expire == .after(.seconds(3600)))
        #expect(loaded("notifications.expire = \"default\"")?.notifications.expire == .serverDefault)
        #expect(loaded("posture = { interval_min = \"10m\", interval_max = \"10m\" }")?.schedule.postureMax == .seconds(600))
    }
}
