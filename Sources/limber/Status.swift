import ArgumentParser
import LimberCore
import LimberFiles
import LimberProtocol

struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show what is due, when the next reminders come, and today's answers.",
        discussion: "With --json, prints the status object (fields: state, paused_until, work_hours_start, due, next (with snoozed_until), today, notifications, version, pid, config_path, config_digest, presence, guide).")

    @OptionGroup var options: ConnectionOptions

    func run() throws {
        var quiet = options
        quiet.json = false
        let response = try Client.run(.status, options: quiet, printMessage: false)
        guard let status = response.status else {
            printError("limber: limberd answered without a status")
            throw ExitCode(Limber.Exit.refused)
        }
        if options.json {
            print(String(decoding: StatusJSON.encode(status), as: UTF8.self))
        } else {
            // Routine titles and presence sources come from limberd's answer.
            print(TerminalText.safe(StatusText.render(status, clock: SystemLocalClock()), keepingNewlines: true),
                  terminator: "")
        }
    }
}
