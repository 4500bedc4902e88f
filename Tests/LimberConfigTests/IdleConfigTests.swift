import LimberCore
import Testing
@testable import LimberConfig

// [idle]: how time away from the desk counts.

@Suite struct IdleConfigTests {
    @Test func theDefaults() {
        let a = LimberConfiguration.defaults.schedule.away
        #expect(a.naturalBreak == .seconds(5 * 60))
        #expect(a.routineBreak == .seconds(15 * 60))
        #expect(a.grace == .seconds(30))
        #expect(a.idleThreshold == .seconds(2 * 60))
        #expect(AwaySource.allCases.allSatisfy { a.policy(for: $0) == .count })
    }

    @Test func everyKeyIsRead() {
        let c = loaded("""
            [idle]
            natural_break = "3m"
            routine_break = "3m"
            grace = "0s"
            threshold = "45s"
            logind_idle = "ignore"
            lock = "pause"
            sleep = "count"
            mutter_idle = "ignore"
            wayland_idle = "pause"
            x11_idle = "ignore"
            screensaver = "pause"
            """)
        let a = c?.schedule.away
        #expect(a?.naturalBreak == .seconds(180))
        #expect(a?.routineBreak == .seconds(180))
        #expect(a?.grace == .zero)
        #expect(a?.idleThreshold == .seconds(45))
        #expect(a?.logindIdle == .ignore)
        #expect(a?.lock == .pause)
        #expect(a?.sleep == .count)
        #expect(a?.mutterIdle == .ignore)
        #expect(a?.waylandIdle == .pause)
        #expect(a?.x11Idle == .ignore)
        #expect(a?.screensaver == .pause)
        #expect(c?.differences() == ["idle.natural_break", "idle.routine_break", "idle.grace", "idle.threshold",
                                     "idle.logind_idle", "idle.lock", "idle.mutter_idle", "idle.wayland_idle",
                                     "idle.x11_idle", "idle.screensaver"])
    }

    @Test func theThresholdsOldNameIsStillReadAndWrittenUnderTheNewOne() {
        let c = loaded("[idle]\nmutter_idle_after = \"45s\"")
        #expect(c?.schedule.away.idleThreshold == .seconds(45))
        #expect(c?.differences() == ["idle.threshold"])
        let shown = c.map { Schema.encode($0, notingDefaults: false) } ?? ""
        #expect(shown.contains("threshold = \"45s\""))
        #expect(!shown.contains("mutter_idle_after"))
    }

    @Test(arguments: [
        Case("[idle]\nlock = \"off\"", "2:8: expected \"count\", \"pause\" or \"ignore\", found \"off\" (write \"ignore\" to leave this source out)"),
        Case("[idle]\nlock = false", "2:8: expected \"count\", \"pause\" or \"ignore\", found a boolean (write lock = \"count\")"),
        Case("[idle]\nsleep = \"paus\"", "2:9: expected \"count\", \"pause\" or \"ignore\", found \"paus\"; did you mean \"pause\"?"),
        Case("[idle]\nnatural_break = \"30s\"", "2:17: natural_break must be between 1m and 2h, found 30s"),
        Case("[idle]\ngrace = \"1h\"", "2:9: grace must be between 0s and 10m, found 1h"),
        Case("[idle]\nmutter_idle_after = 120", "2:21: expected a duration like \"30m\", found an integer (write mutter_idle_after = \"120m\")"),
        Case("[idle]\nthreshold = \"5s\"", "2:13: threshold must be between 10s and 1h, found 5s"),
        Case("[idle]\nthreshold = \"1m\"\nmutter_idle_after = \"3m\"",
             "3:1: mutter_idle_after is the old name of threshold, which is set too; remove mutter_idle_after"),
        Case("[idle]\nx11_idle = \"no\"", "2:12: expected \"count\", \"pause\" or \"ignore\", found \"no\" (write \"ignore\")"),
        Case("[idle]\nnatural_break = \"10m\"\nroutine_break = \"5m\"",
             "3:17: routine_break (5m) is below natural_break (10m); make it at least as long (equal: every natural break counts as the routine)"),
        Case("[idle]\nnatural_break = \"20m\"",
             "2:17: natural_break (20m) is above routine_break (15m, the default); set routine_break too"),
        Case("[idle]\nroutine_break = \"2m\"",
             "2:17: routine_break (2m) is below natural_break (5m, the default); set natural_break too"),
        Case("[idle]\nlocked = \"count\"", "2:1: unknown key 'locked' in [idle]; did you mean 'lock'?"),
        Case("[idle]\nnatural-break = \"1m\"", "2:1: unknown key 'natural-break' in [idle]; did you mean 'natural_break'?"),
        Case("grace = \"1m\"", "1:1: unknown key 'grace' at the top level; it belongs in [idle]"),
    ])
    func problems(_ c: Case) {
        #expect(problem(c.text) == c.expected)
    }

    @Test func showWritesTheSectionBack() throws {
        var c = LimberConfiguration.defaults
        c.schedule.away.lock = .pause
        c.schedule.away.grace = .seconds(90)
        let text = c.tomlText()
        #expect(text.contains("[idle]\nnatural_break = \"5m\"\nroutine_break = \"15m\"\ngrace = \"1m30s\"  # default: \"30s\"\n"))
        #expect(text.contains("\nlock = \"pause\"  # default: \"count\"\n"))
        #expect(try LimberConfiguration.load(c.tomlText(notingDefaults: false), fileName: "x").get() == c)
    }
}
