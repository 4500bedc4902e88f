import Testing
@testable import LimberConfig

@Suite struct StatsSettingsTests {
    @Test func theGoalIsAFraction() {
        #expect(loaded("[stats]\ngoal = 0.9")?.stats.goal == 0.9)
        #expect(loaded("[stats]\ngoal = 1.0")?.stats.goal == 1)
        #expect(loaded("")?.stats.goal == 0.8)
        #expect(loaded("[stats]\ngoal = 0.9")?.differences() == ["stats.goal"])
    }

    @Test(arguments: [
        Case("[stats]\ngoal = 80", "2:8: expected a fraction like 0.8 (for 80%), found an integer (write goal = 0.8)"),
        Case("[stats]\ngoal = \"80%\"", "2:8: expected a fraction like 0.8 (for 80%), found a string (write goal = 0.8)"),
        Case("[stats]\ngoal = \"0.75\"", "2:8: expected a fraction like 0.8 (for 80%), found a string (write goal = 0.75)"),
        Case("[stats]\ngoal = 1", "2:8: expected a fraction like 0.8 (for 80%), found an integer (write goal = 1.0)"),
        Case("[stats]\ngoal = 85.0", "2:8: goal must be between 0.1 and 1.0, found 85.0 (a percentage? write goal = 0.85)"),
        Case("[stats]\ngoal = 0.05", "2:8: goal must be between 0.1 and 1.0, found 0.05"),
        Case("[stats]\ngoal = true", "2:8: expected a fraction like 0.8 (for 80%), found a boolean (write goal = 0.8)"),
        Case("[stats]\ngaol = 0.8", "2:1: unknown key 'gaol' in [stats]; did you mean 'goal'?"),
        Case("goal = 0.8", "1:1: unknown key 'goal' at the top level; it belongs in [stats]"),
    ])
    func wrongGoalsSayHowToWriteThem(_ c: Case) {
        #expect(problem(c.text) == c.expected)
    }

    @Test func configShowWritesTheGoalBack() throws {
        var c = LimberConfiguration.defaults
        c.stats.goal = 0.75
        let text = c.tomlText()
        #expect(text.contains("[stats]\ngoal = 0.75  # default: 0.8\n"))
        #expect(try LimberConfiguration.load(text, fileName: "x.toml").get() == c)
    }
}
