import ArgumentParser
import LimberCore
import LimberFiles
import LimberProtocol

struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show what is due, when the next reminders come, and today's answers.",
        discussion: """
            With --json, prints the status object (fields: state, paused_until, work_hours_start, due, next (with snoozed_until and snoozes), today, notifications, version, pid, config_path, config_digest, presence, guide, sandbox).

            For status bars: --follow prints a line now and again whenever something changes (limberd pushes it; nothing is polled), in the --format given: text (one short line), json (the status object) or waybar (text, tooltip, class and percentage of the posture interval; class is due, held, snoozed, paused, away, off-hours, guided, active, or unreachable while limberd is not running). It reconnects when limberd restarts and ends when its output is closed. --format without --follow prints one line.
            """)

    @OptionGroup var options: ConnectionOptions

    @Flag(help: "Print a line now and on every change, until the output is closed.")
    var follow = false

    @Option(help: "The line's format for --follow: text, json or waybar.")
    var format: StatusFormat?

    func validate() throws {
        if options.json, format != nil { throw ValidationError("give --json or --format, not both") }
    }

    func run() throws {
        if follow || format != nil {
            let path: String
            do {
                path = try Client.socketPath()
            } catch {
                printError("limber: " + error.message)
                throw ExitCode(Limber.Exit.unreachable)
            }
            let chosen = format ?? (options.json ? .json : .text)
            if follow { throw ExitCode(StatusFollow(format: chosen, socketPath: path).run()) }
            let response = try Client.run(.status, options: ConnectionOptions(), printMessage: false)
            guard let status = response.status else { throw ExitCode(Limber.Exit.refused) }
            print(TerminalText.safe(StatusLine.render(status, format: chosen, age: 0, clock: SystemLocalClock())))
            return
        }
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
