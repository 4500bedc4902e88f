import JSON
import LimberCore
import LimberFiles
import LimberStats

// The --json schemas of `limber stats` and `limber stats pain`. Every key is always present
// (null when there is no value: `@Nullable`); `schema` changes only when a key changes meaning
// or goes away.
// Averages are rounded to 2 decimals, adherence to 4.

/// `limber stats --json`.
struct BreakStatsJSON: Encodable {
    static let schema = 1
    let schema = BreakStatsJSON.schema

    struct Day: Encodable {
        var date: String
        var weekday: String
        var due, done, snoozed, skipped, missed, naturalBreaks: Int
        @Nullable var adherence: Double?
        @Nullable var metGoal: Bool?

        enum CodingKeys: String, CodingKey {
            case date, weekday, due, done, snoozed, skipped, missed, adherence
            case naturalBreaks = "natural_breaks"
            case metGoal = "met_goal"
        }
    }

    struct Totals: Encodable {
        var due, done, snoozed, skipped, missed, naturalBreaks: Int
        @Nullable var adherence: Double?

        enum CodingKeys: String, CodingKey {
            case due, done, snoozed, skipped, missed, adherence
            case naturalBreaks = "natural_breaks"
        }
    }

    struct Streak: Encodable {
        var current: Int
        var best: Int
    }

    struct History: Encodable {
        var events: Int
        @Nullable var firstDay: String?
        var daysOfUse: Int
        var files: [String]
        var duplicatesDropped: Int

        enum CodingKeys: String, CodingKey {
            case events, files
            case firstDay = "first_day"
            case daysOfUse = "days_of_use"
            case duplicatesDropped = "duplicates_dropped"
        }
    }

    struct ReviewJSON: Codable {
        var weeks: Int
        var message: String
    }

    var from: String
    var to: String
    var goal: Double
    var days: [Day]
    var totals: Totals
    var streak: Streak
    var skippedByHour: [Int]
    var missedByHour: [Int]
    var history: History
    @Nullable var review: ReviewJSON?
    var warnings: [String]

    enum CodingKeys: String, CodingKey {
        case schema, from, to, goal, days, totals, streak, history, review, warnings
        case skippedByHour = "skipped_by_hour"
        case missedByHour = "missed_by_hour"
    }

    init(_ s: BreakStats, loaded: HistoryStore.Loaded, warnings: [String]) {
        from = s.from.description
        to = s.today.description
        goal = s.goal
        days = s.days.map {
            Day(date: $0.date.description, weekday: $0.date.weekday.shortName, due: $0.due, done: $0.done,
                snoozed: $0.snoozed, skipped: $0.skipped, missed: $0.missed, naturalBreaks: $0.naturalBreaks,
                adherence: $0.adherence.map { round($0, 4) }, metGoal: $0.meets(goal: s.goal))
        }
        let t = s.totals
        totals = Totals(due: t.due, done: t.done, snoozed: t.snoozed, skipped: t.skipped, missed: t.missed,
                        naturalBreaks: t.naturalBreaks, adherence: t.adherence.map { round($0, 4) })
        streak = Streak(current: s.currentStreak, best: s.bestStreak)
        skippedByHour = s.skippedByHour
        missedByHour = s.missedByHour
        history = History(events: loaded.events.count, firstDay: s.firstDay?.description, daysOfUse: s.daysOfUse,
                          files: loaded.files.map { TerminalText.safe($0) }, duplicatesDropped: loaded.duplicates)
        review = s.review.map { ReviewJSON(weeks: $0.weeks, message: $0.message) }
        // Human text naming files from a synced folder: shown, never obeyed, by whatever prints it.
        self.warnings = warnings.map { TerminalText.safe($0) }
    }
}

/// `limber stats pain --json`.
struct PainStatsJSON: Encodable {
    static let schema = 1
    let schema = PainStatsJSON.schema

    struct Day: Encodable {
        var date: String
        var weekday: String
        var levels: [Int]
        @Nullable var average: Double?
        @Nullable var before: Double?
        @Nullable var after: Double?

        enum CodingKeys: String, CodingKey { case date, weekday, levels, average, before, after }
    }

    var from: String
    var to: String
    var days: [Day]
    var entries: Int
    @Nullable var average: Double?
    @Nullable var beforeAverage: Double?
    @Nullable var afterAverage: Double?
    @Nullable var firstWeekAverage: Double?
    @Nullable var secondWeekAverage: Double?
    var summary: String
    var warnings: [String]

    enum CodingKeys: String, CodingKey {
        case schema, from, to, days, entries, average, summary, warnings
        case beforeAverage = "before_average"
        case afterAverage = "after_average"
        case firstWeekAverage = "first_week_average"
        case secondWeekAverage = "second_week_average"
    }

    init(_ s: PainStats, warnings: [String]) {
        from = (s.days.first?.date ?? s.today).description
        to = s.today.description
        days = s.days.map {
            Day(date: $0.date.description, weekday: $0.date.weekday.shortName, levels: $0.levels,
                average: $0.average.map { round($0, 2) }, before: $0.before.map { round($0, 2) },
                after: $0.after.map { round($0, 2) })
        }
        entries = s.levels.count
        average = s.average.map { round($0, 2) }
        beforeAverage = s.beforeAverage.map { round($0, 2) }
        afterAverage = s.afterAverage.map { round($0, 2) }
        firstWeekAverage = s.firstHalfAverage.map { round($0, 2) }
        secondWeekAverage = s.secondHalfAverage.map { round($0, 2) }
        summary = s.summary
        // Human text naming files from a synced folder: shown, never obeyed, by whatever prints it.
        self.warnings = warnings.map { TerminalText.safe($0) }
    }
}

/// `x` rounded to `places` decimals.
func round(_ x: Double, _ places: Int) -> Double {
    var scale = 1.0
    for _ in 0..<places { scale *= 10 }
    return (x * scale).rounded(.toNearestOrAwayFromZero) / scale
}

/// Encodes a JSON value as one line of text.
func jsonLine<T: Encodable>(_ value: T) -> String {
    String(decoding: (try? JSON.encode(value)) ?? Array("{}".utf8), as: UTF8.self)
}
