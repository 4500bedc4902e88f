import ArgumentParser
import Testing
@testable import limber

@Suite struct CommandLineTests {
    @Test func aMistypedCommandIsNamedWithASuggestion() {
        #expect(Limber.unknownCommand(["stauts"]) == "limber: unknown command 'stauts'; did you mean 'status'?\nSee 'limber --help'.")
        #expect(Limber.unknownCommand(["stats", "pain"]) == nil)
        #expect(Limber.unknownCommand(["statu"]) == "limber: unknown command 'statu'; did you mean 'status' or 'stats'?\nSee 'limber --help'.")
        #expect(Limber.unknownCommand(["stat"]) == "limber: unknown command 'stat'; did you mean 'start' or 'stats'?\nSee 'limber --help'.")
        #expect(Limber.unknownCommand(["frobnicate", "--json"]) == "limber: unknown command 'frobnicate'\nSee 'limber --help'.")
    }

    @Test func optionsAndKnownCommandsAreLeftToTheParser() {
        // No arguments and options alone run the default command, status.
        #expect(Limber.unknownCommand([]) == nil)
        #expect(Limber.unknownCommand(["--json"]) == nil)
        #expect(Limber.unknownCommand(["--help"]) == nil)
        #expect(Limber.unknownCommand(["help", "stats"]) == nil)
        #expect(Limber.unknownCommand(["config", "check"]) == nil)
        for name in Limber.commandNames {
            #expect(Limber.unknownCommand([name]) == nil, "\(name)")
        }
    }

    @Test func theNamesAreArgumentParsersNames() {
        let commands = Limber.configuration.subcommands
        for command in commands {
            let usage = Limber.usageString(for: command)
            #expect(Limber.commandNames.contains { usage == "limber \($0)" || usage.hasPrefix("limber \($0) ") }, "\(usage)")
        }
        // Each command's name and aliases, and argument-parser's own 'help'.
        let aliases = commands.reduce(0) { $0 + $1.configuration.aliases.count }
        #expect(Limber.commandNames.count == commands.count + aliases + 1)
    }
}
