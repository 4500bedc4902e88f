import ArgumentParser
import LimberConfig
import LimberFiles
import LimberProtocol
#if canImport(Glibc)
// @preconcurrency: Glibc's `stdout` is a plain C global; only the main thread writes to it.
@preconcurrency import Glibc
#endif

@main
struct Limber: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "limber",
        abstract: "Answer and inspect limber's posture checks and movement routines.",
        discussion: """
            limber talks to the limberd daemon over $XDG_RUNTIME_DIR/limber/control.sock.
            With no subcommand it shows the status.

            Durations read like 90s, 5m, 1h30m.

            'limber stats', 'limber history' and 'limber journal' work on the history files
            in $XDG_STATE_HOME/limber and need no daemon.

            Exit status: 0 ok; 1 'limber config' found errors in the file or could
            not read or write it, or the history could not be read or the journal
            written, or the output could not be written (a full disk, say); 2 bad
            usage; 3 limberd unreachable; 4 request refused (the message says why).
            """,
        version: "limber \(LimberVersion.current)",
        subcommands: [Status.self, Done.self, Snooze.self, Skip.self, Pause.self, Resume.self, Now.self,
                      Start.self, Next.self, Stop.self, Routines.self, Exercises.self, Cues.self, Reload.self,
                      Stats.self, History.self, Journal.self, ConfigCommand.self, Doctor.self, About.self],
        defaultSubcommand: Status.self)

    /// Exit statuses beyond argument-parser's own.
    enum Exit {
        static let usage: Int32 = 2
        static let unreachable: Int32 = 3
        static let refused: Int32 = 4
    }

    /// Bad usage that a command finds only while running (an unknown id): prints the message
    /// with the command's own usage line, as argument-parser does for what it finds itself
    /// (a ValidationError thrown from run() would show the top-level usage instead); exit 2.
    static func usageError(_ message: String, command: ParsableCommand.Type, name: String) -> ExitCode {
        printError("limber: " + message)
        printError("Usage: " + usageString(for: command))
        printError("  See 'limber \(name) --help' for more information.")
        return ExitCode(Exit.usage)
    }

    static func main() {
        Glibc.exit(flushOutput(status: runCommandLine()))
    }

    /// Parses the arguments and runs the command; the exit status.
    static func runCommandLine() -> Int32 {
        if let message = unknownCommand(Array(CommandLine.arguments.dropFirst())) {
            printError(message)
            return Exit.usage
        }
        do {
            var command = try parseAsRoot(Journal.protectingNegativeLevel(Array(CommandLine.arguments.dropFirst())))
            try command.run()
            return 0
        } catch let code as ExitCode {
            return code.rawValue
        } catch {
            let message = fullMessage(for: error)
            if exitCode(for: error) == .success {  // --help, --version
                if !message.isEmpty { print(message) }
                return 0
            }
            // Usage errors exit 2, as is usual for command-line tools (argument-parser uses 64).
            if !message.isEmpty { printError(message) }
            return Exit.usage
        }
    }

    /// The commands' names and aliases, and argument-parser's own `help`.
    static var commandNames: [String] {
        ["help"] + configuration.subcommands.flatMap { command in
            // argument-parser names a command after its type, in lower case, unless told otherwise.
            [command.configuration.commandName ?? String(describing: command).lowercased()]
                + command.configuration.aliases
        }
    }

    /// What to say when the first argument names no command, or nil when it does or is an
    /// option. argument-parser would take the word for an argument of the default command,
    /// status, and answer "Unexpected argument 'stauts'" with status's usage.
    static func unknownCommand(_ arguments: [String]) -> String? {
        guard let word = arguments.first, !word.hasPrefix("-"), !commandNames.contains(word) else { return nil }
        var message = "limber: unknown command '\(word)'"
        var close = Suggest.closest(to: word, in: commandNames)
        // Two letters swapped ('stauts' for 'status') is a likelier slip than a letter too many
        // ('stauts' for 'stats'), though both are one edit away.
        let swapped = close.filter { $0.sorted() == word.sorted() }
        if !swapped.isEmpty { close = swapped }
        if !close.isEmpty { message += "; did you mean " + close.map { "'\($0)'" }.joined(separator: " or ") + "?" }
        return message + "\nSee 'limber --help'."
    }

    /// Flushes standard output and reports output that could not be written (a full disk,
    /// a closed pipe): print() passes over such failures in silence, and a script would take
    /// a truncated export for a whole one. Exits 1 then, unless the command already failed.
    static func flushOutput(status: Int32) -> Int32 {
        let flushed = fflush(stdout) == 0
        // The flush's, or when stdio dropped its buffer at an earlier failed write, that write's:
        // nothing else that can fail runs between the command's output and here.
        let code = errno
        guard !flushed || ferror(stdout) != 0 else { return status }
        printError("limber: cannot write the output: \(errnoText(code != 0 ? code : EIO))")
        return status == 0 ? 1 : status
    }

    /// Writes bytes to standard output through stdio, as print() does, so that
    /// `flushOutput` sees a failed write.
    static func writeOutput(_ bytes: [UInt8]) {
        _ = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, stdout) }
    }
}
