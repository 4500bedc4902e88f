import LimberCore
import Testing
@testable import LimberConfig

@Suite struct HooksConfigTests {
    @Test func commandsAndTimeoutAreRead() throws {
        let c = try #require(loaded("[hooks]\ndue = \"notify-send due\"\nnatural_break = \"echo $LIMBER_AWAY_SECONDS\"\ntimeout = \"30s\""))
        #expect(c.hooks.command(for: .due) == "notify-send due")
        #expect(c.hooks.command(for: .naturalBreak) == "echo $LIMBER_AWAY_SECONDS")
        #expect(c.hooks.command(for: .done) == nil)
        #expect(c.hooks.timeout == .seconds(30))
        #expect(c.differences() == ["hooks.due", "hooks.natural_break", "hooks.timeout"])
    }

    @Test func anEmptyCommandIsTheDefault() {
        #expect(loaded("[hooks]\ndue = \"\"") == .defaults)
    }

    @Test func configShowWritesHooksBack() throws {
        var c = LimberConfiguration.defaults
        c.hooks.commands[.guidedStep] = "printf '%s\\n' \"$LIMBER_STEP\""
        let text = c.tomlText()
        #expect(text.contains("[hooks]"))
        #expect(try LimberConfiguration.load(text, fileName: "x").get() == c)
    }

    @Test(arguments: [
        Case("[hooks]\ndue = 3", "2:7: expected a shell command as a string for due, found an integer (write due = \"notify-send limber $LIMBER_EVENT\", or \"\" for none)"),
        Case("[hooks]\ntimeout = \"20m\"", "2:11: timeout must be between 1s and 10m, found 20m"),
        Case("[hooks]\nshown = \"x\"", "2:1: unknown key 'shown' in [hooks]; the keys there are due, done, snoozed, skipped, missed, natural_break, guided_step and timeout"),
        Case("[hooks]\ndone = \"\(String(repeating: "x", count: 5000))\"", "2:8: the done hook is 5000 bytes long; at most 4096 are accepted (put a longer script in a file and name the file here)"),
    ])
    func badHooksSayHowToWriteThem(_ c: Case) {
        #expect(problem(c.text) == c.expected)
    }
}
