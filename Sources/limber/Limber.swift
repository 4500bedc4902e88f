import ArgumentParser
import LimberFiles
import LimberProtocol
#if canImport(Glibc)
import Glibc
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
            written; 2 bad usage; 3 limberd unreachable; 4 request refused (the
            message says why).
            """,
        version: "limber \(LimberVersion.current)",
        subcommands: [Status.self, Done.self, Snooze.self, Skip.self, Pause.self, Resume.self, Now.self,
                      Start.self, Next.self, Stop.self, Routines.self, Exercises.self, Reload.self,
                      Stats.self, History.self, Journal.self, ConfigCommand.self, About.self],
        defaultSubcommand: Status.self)

    /// Exit statuses beyond argument-parser's own.
    enum Exit {
        static let usage: Int32 = 2
        static let unreachable: Int32 = 3
        static let refused: Int32 = 4
    }

    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let code as ExitCode {
            Glibc.exit(code.rawValue)
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                exit(withError: error)  // --help, --version
            }
            // Usage errors exit 2, as is usual for command-line tools (argument-parser uses 64).
            let message = fullMessage(for: error)
            if !message.isEmpty { printError(message) }
            Glibc.exit(Exit.usage)
        }
    }
}

