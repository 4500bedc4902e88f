import ArgumentParser
import LimberCore
import LimberProtocol

/// Reads a duration argument like `5m` into whole seconds.
func parseDurationArgument(_ text: String) throws -> Int {
    if let problem = DurationText.problem(text) { throw ValidationError(problem) }
    guard let d = DurationText.parse(text), d > .zero else {
        throw ValidationError("'\(text)' is no time at all; give a length like 5m")
    }
    return Int(d.components.seconds)
}

/// A snooze length: a duration within `ScheduleSettings.snoozeRange`.
func parseSnoozeArgument(_ text: String) throws -> Int {
    let seconds = try parseDurationArgument(text)
    guard ScheduleSettings.snoozeRange.contains(.seconds(seconds)) else {
        throw ValidationError(Scheduler.snoozeLengthProblem(.seconds(seconds)))
    }
    return seconds
}

struct Done: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Mark the due reminder done, or, with nothing due, take the next one early.",
        discussion: "\"I just stretched\": with nothing due, the next reminder counts as done now and its interval starts over.")

    @OptionGroup var options: ConnectionOptions

    func run() throws { try Client.run(.done, options: options) }
}

struct Snooze: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Put the due reminder off for a while (default 5m; at most 3 times per reminder).")

    @Argument(help: ArgumentHelp("How long, from 1m to 2h, like 90s, 10m or 1h30m.", valueName: "duration"),
              transform: parseSnoozeArgument)
    var seconds: Int?

    @OptionGroup var options: ConnectionOptions

    func run() throws { try Client.run(.snooze(seconds: seconds), options: options) }
}

struct Skip: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Skip the due reminder; the next one is scheduled as usual.")

    @OptionGroup var options: ConnectionOptions

    func run() throws { try Client.run(.skip, options: options) }
}

struct Pause: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Pause reminders for a while, until a time of day, or until 'limber resume'.",
        discussion: """
            Examples:
              limber pause            until you run 'limber resume'
              limber pause 1h         for an hour
              limber pause --until 14:30
            """)

    @Argument(help: ArgumentHelp("How long, like 45m or 2h.", valueName: "duration"),
              transform: parseDurationArgument)
    var seconds: Int?

    @Option(name: .long, help: ArgumentHelp("Pause until this local time (24-hour HH:MM).", valueName: "HH:MM"))
    var until: String?

    @OptionGroup var options: ConnectionOptions

    func validate() throws {
        if seconds != nil, until != nil {
            throw ValidationError("give a duration or --until, not both")
        }
        if let until, LocalClockTime(parsing: until) == nil {
            throw ValidationError("--until takes a 24-hour time like 14:30, not '\(until)'")
        }
    }

    func run() throws { try Client.run(.pause(seconds: seconds, until: until), options: options) }
}

struct Resume: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Resume paused reminders.")

    @OptionGroup var options: ConnectionOptions

    func run() throws { try Client.run(.resume, options: options) }
}

extension KindName: ExpressibleByArgument {}

struct Now: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Make a reminder due right now (default: a posture check).")

    @Argument(help: "posture or routine.")
    var kind: KindName = .posture

    @OptionGroup var options: ConnectionOptions

    func run() throws { try Client.run(.now(kind), options: options) }
}

struct Reload: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Make limberd re-read its configuration file.",
        discussion: "A file with errors is refused: limberd keeps its current settings and the errors are printed (exit 4).")

    @OptionGroup var options: ConnectionOptions

    func run() throws { try Client.run(.reload, options: options) }
}
