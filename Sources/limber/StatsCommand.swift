import ArgumentParser
import LimberCore
import LimberFiles
import LimberProtocol
import LimberStats
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

struct Stats: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show how the habit is going: breaks due and done, streaks, the pain journal.",
        discussion: """
            Reads the history files in $XDG_STATE_HOME/limber (every host's,
            merged); limberd need not be running. Days are your local days (TZ is
            honoured).

            Examples:
              limber stats                 the last 14 days
              limber stats --week          the last 7 days (--month: the last 30)
              limber stats --days 60 --json
              limber stats pain            the pain journal of the last 14 days

            No history yet is not an error: limber says so and exits 0. Exit
            status 1 when the history cannot be read, 2 for bad usage.
            """,
        subcommands: [Breaks.self, Pain.self],
        defaultSubcommand: Breaks.self)

    /// The range and output options of `limber stats`.
    struct RangeOptions: ParsableArguments {
        @Option(name: .long, help: ArgumentHelp("Show the last N days, today included (1 to 3660).", valueName: "N"))
        var days: Int?

        @Flag(name: .long, help: "Show the last 7 days.")
        var week = false

        @Flag(name: .long, help: "Show the last 30 days.")
        var month = false

        func validate() throws {
            let chosen = (days == nil ? 0 : 1) + (week ? 1 : 0) + (month ? 1 : 0)
            guard chosen <= 1 else { throw ValidationError("choose one of --days, --week and --month") }
            if let days, !(1...3660).contains(days) {
                throw ValidationError("--days must be from 1 to 3660, not \(days)")
            }
        }

        /// How many days to show: 14 unless told otherwise.
        var dayCount: Int { days ?? (week ? 7 : month ? 30 : 14) }
    }

    struct OutputOptions: ParsableArguments {
        @Flag(name: .long, help: "Print the figures as JSON (a stable schema, described above).")
        var json = false

        @Option(name: .long, help: ArgumentHelp(
            "Colour: auto (only on a terminal), always, never. NO_COLOR, when set, turns it off whatever this says.",
            valueName: "when"))
        var color: ColorChoice = .auto
    }

    struct Breaks: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Reminders due and done per day, adherence, streaks, and when breaks get skipped (the default).",
            discussion: """
                For each local day: reminders due (a first showing, or 'limber done'
                before the reminder came; a reminder that comes back after a snooze
                is still one), done, snoozed, skipped, missed, and natural breaks
                (time away from the desk that counted as a break). Adherence is done
                over due. A day meets the goal when its adherence reaches [stats]
                goal in the config file (default 0.8, i.e. 80%); the streak counts
                such days in a row. Days with nothing due (weekends, days off)
                neither extend nor break it, and an unfinished today does not.

                After 4 to 6 weeks of use (and in the same weeks of every six-week
                cycle after that) it suggests the review the guidance recommends.

                The chart follows the terminal's width (else COLUMNS, else 80 columns).

                --json prints one object; every key is always there (null when there
                is no value):
                  schema (1), from, to (YYYY-MM-DD), goal (a fraction),
                  days: [{date, weekday, due, done, snoozed, skipped, missed,
                          natural_breaks, adherence (fraction or null),
                          met_goal (true, false or null)}],
                  totals: {due, done, snoozed, skipped, missed, natural_breaks,
                           adherence, held (reminders that waited for do not
                           disturb), held_seconds},
                  streak: {current, best},
                  skipped_by_hour, missed_by_hour (24 counts, local hours 0-23),
                  history: {events, first_day, days_of_use, files,
                            duplicates_dropped},
                  review: {weeks, message} or null, warnings: [text].

                Examples:
                  limber stats
                  limber stats --month --color always | less -R
                  limber stats --week --json | jq .totals.adherence
                """)

        @OptionGroup var range: RangeOptions
        @OptionGroup var output: OutputOptions

        func run() throws {
            let paths = LimberPaths.current
            let loaded = try HistoryData.load(paths: paths)
            var warnings = loaded.warnings
            let (goal, goalWarning) = HistoryData.goal(paths: paths)
            if let goalWarning { warnings.append(goalWarning) }
            if !output.json { HistoryData.printWarnings(warnings) }

            var zone = SystemTimeZone()
            let today = zone.local(floorSeconds(WallClock.nowMilliseconds())).date
            let events = HistoryData.statsEvents(loaded.events, zone: &zone)
            let stats = BreakStats.compute(events, today: today, dayCount: range.dayCount, goal: goal)
            if output.json {
                print(jsonLine(BreakStatsJSON(stats, loaded: loaded, warnings: warnings)))
                return
            }
            if loaded.events.isEmpty {
                print(HistoryData.noHistoryMessage(paths: paths), terminator: "")
                return
            }
            let terminal = TerminalInfo.current(output.color, environment: ProcessInfo.processInfo.environment)
            print(StatsReport.breaks(stats, width: terminal.width, palette: Palette(enabled: terminal.color)),
                  terminator: "")
        }
    }

    struct Pain: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The pain journal of the last 14 days: daily averages, before and after the routine.",
            discussion: """
                Shows each day's average of the levels noted with 'limber journal',
                the averages of the levels marked --before and --after the routine,
                and one sentence comparing the first week with the second.

                --json prints one object; every key is always there (null when there
                is no value):
                  schema (1), from, to,
                  days: [{date, weekday, levels: [0-10], average, before, after}],
                  entries, average, before_average, after_average, first_week_average,
                  second_week_average, summary (the sentence), warnings: [text].

                Examples:
                  limber journal 6 --before    then, after the routine:
                  limber journal 4 --after --note "neck looser"
                  limber stats pain
                """)

        @OptionGroup var output: OutputOptions

        func run() throws {
            let paths = LimberPaths.current
            let loaded = try HistoryData.load(paths: paths)
            if !output.json { HistoryData.printWarnings(loaded.warnings) }
            var zone = SystemTimeZone()
            let today = zone.local(floorSeconds(WallClock.nowMilliseconds())).date
            // Only journal entries matter here: resolve the zone for those alone.
            let events = HistoryData.statsEvents(loaded.events.filter { $0.outcome == Outcome.pain.rawValue }, zone: &zone)
            let stats = PainStats.compute(events, today: today)
            if output.json {
                print(jsonLine(PainStatsJSON(stats, warnings: loaded.warnings)))
                return
            }
            let terminal = TerminalInfo.current(output.color, environment: ProcessInfo.processInfo.environment)
            print(StatsReport.pain(stats, width: terminal.width, palette: Palette(enabled: terminal.color)),
                  terminator: "")
        }
    }
}
