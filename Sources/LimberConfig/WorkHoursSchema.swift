import LimberCore
import TOML

// [work_hours]: when active time counts.
//
//     every_day = ["00:00-24:00"]                 # the default
//     weekdays = ["09:00-12:30", "13:30-17:30"]   # Monday to Friday
//     weekend = []                                # Saturday and Sunday
//     fri = [{ start = 09:00:00, end = 15:00:00 }]
//
// A more specific key wins for its days: a day key over weekdays/weekend over every_day.
// Once any key is written, a day no key covers has no work hours; with no key at all the
// default (every day, all day) stays. A range is "HH:MM-HH:MM" or an inline table with start
// and end (TOML local times or "HH:MM" strings); 24:00 may end a range.

enum WorkHoursSchema {
    /// The keys, the days each covers, and how specific each is.
    static let keys: [(key: String, days: [Weekday], rank: Int)] = [
        ("every_day", Weekday.allCases, 0),
        ("weekdays", [.monday, .tuesday, .wednesday, .thursday, .friday], 1),
        ("weekend", [.saturday, .sunday], 1),
    ] + Weekday.allCases.map { (dayKey($0), [$0], 2) }

    static func dayKey(_ day: Weekday) -> String { day.shortName.lowercased() }

    static let section = Section(name: "work_hours", keys: keys.map(\.key), decode: decode, encode: encode)

    /// Words people write for start and end.
    static let rangeSynonyms = ["from": "start", "begin": "start", "to": "end", "until": "end", "stop": "end"]

    static let rangeExample = "\"09:00-17:30\""
    static let tableExample = "{ start = 09:00:00, end = 17:30:00 }"

    static func decode(_ table: TOMLTable, _ reporter: inout Reporter, _ configuration: inout LimberConfiguration) {
        var chosen: [Weekday: (rank: Int, spans: [DaySpan])] = [:]
        var sawKey = false
        var sawProblem = false
        for entry in table {
            guard let key = keys.first(where: { $0.key == entry.key }) else {
                Schema.reportUnknownKey(entry, inSection: "work_hours", reporter: &reporter)
                sawProblem = true
                continue
            }
            sawKey = true
            guard let spans = readRanges(entry, &reporter) else {
                sawProblem = true
                continue
            }
            for day in key.days where (chosen[day]?.rank ?? -1) < key.rank {
                chosen[day] = (key.rank, spans)
            }
        }
        guard sawKey, !sawProblem else { return }
        let days = Dictionary(uniqueKeysWithValues: Weekday.allCases.map { ($0, chosen[$0]?.spans ?? []) })
        if days.values.allSatisfy(\.isEmpty) {
            reporter.error("work_hours has no time on any day, so reminders would never come; "
                           + "add a range like every_day = [\"09:00-17:00\"], or remove [work_hours] "
                           + "for every day, all day", at: table.position)
            return
        }
        configuration.schedule.workHours = WorkHours(days: days)
    }

    static func encode(_ configuration: LimberConfiguration) -> [(key: String, value: String)] {
        let hours = configuration.schedule.workHours
        let perDay = Weekday.allCases.map { (day: $0, spans: hours.days[$0] ?? []) }
        func list(_ spans: [DaySpan]) -> String {
            "[" + spans.map { quoted($0.description) }.joined(separator: ", ") + "]"
        }
        if perDay.allSatisfy({ $0.spans == perDay[0].spans }) {
            return [("every_day", list(perDay[0].spans))]
        }
        if perDay[0..<5].allSatisfy({ $0.spans == perDay[0].spans }), perDay[5].spans == perDay[6].spans {
            return [("weekdays", list(perDay[0].spans)), ("weekend", list(perDay[5].spans))]
        }
        return perDay.map { (dayKey($0.day), list($0.spans)) }
    }

    // MARK: Ranges

    /// The ranges of one key, or nil when any is invalid (every problem is reported).
    static func readRanges(_ entry: TOMLEntry, _ reporter: inout Reporter) -> [DaySpan]? {
        let elements: [TOMLElement]
        switch entry.value {
        case .array(let array):
            elements = array.elements
        case .string, .table:
            elements = [TOMLElement(value: entry.value, position: entry.valuePosition)]
        default:
            reporter.error("expected a list of time ranges like [\(rangeExample)], found \(entry.value.typeDescription)",
                           at: entry.valuePosition)
            return nil
        }
        var spans: [(span: DaySpan, position: TOMLPosition)] = []
        var valid = true
        for element in elements {
            if let span = readRange(element.value, at: element.position, &reporter) {
                spans.append((span, element.position))
            } else {
                valid = false
            }
        }
        // Overlaps: in start order, each range against the one reaching furthest so far.
        var reach: (span: DaySpan, position: TOMLPosition)?
        for current in spans.sorted(by: { ($0.span.start, $0.position) < ($1.span.start, $1.position) }) {
            if let r = reach, current.span.start < r.span.end {
                let (later, earlier) = current.position > r.position ? (current, r) : (r, current)
                let joined = DaySpan(start: r.span.start, end: max(r.span.end, current.span.end))
                reporter.error("\(later.span) overlaps \(earlier.span) (to join them, write \(quoted(joined.description)))",
                               at: later.position, notes: [("\(earlier.span) is here", earlier.position)])
                valid = false
            }
            if reach.map({ current.span.end > $0.span.end }) ?? true {
                reach = current
            }
        }
        return valid ? spans.map(\.span) : nil
    }

    /// One range: "HH:MM-HH:MM" or { start = ..., end = ... }.
    static func readRange(_ value: TOMLValue, at position: TOMLPosition, _ reporter: inout Reporter) -> DaySpan? {
        let start: Int
        let end: Int
        switch value {
        case .string(let text):
            let parts = text.split(separator: "-", omittingEmptySubsequences: false).map { String($0).trimmingSpaces }
            let times = parts.map(ClockText.parse)
            guard parts.count == 2, case .time(let s) = times[0], case .time(let e) = times[1] else {
                var message = "expected a time range like \(rangeExample), found \(quoted(text))"
                if parts.count == 2, let bad = zip(parts, times).first(where: { $0.1 == .outOfRange }) {
                    message += " (\(bad.0) is not a time of day)"
                }
                reporter.error(message, at: position)
                return nil
            }
            (start, end) = (s, e)
        case .table(let table):
            var found: [String: Int] = [:]
            var valid = true
            for entry in table {
                guard entry.key == "start" || entry.key == "end" else {
                    Values.reportUnknownKey(entry, in: "a time range", keys: ["start", "end"], synonyms: rangeSynonyms,
                                            &reporter)
                    valid = false
                    continue
                }
                if let minute = Values.timeOfDay(entry.value, at: entry.valuePosition, key: entry.key, latest: 1440, &reporter) {
                    found[entry.key] = minute
                } else {
                    valid = false
                }
            }
            guard valid else { return nil }
            guard let s = found["start"], let e = found["end"] else {
                let missing = listed(["start", "end"].filter { found[$0] == nil })
                reporter.error("this time range has no \(missing); write it like \(tableExample)", at: position)
                return nil
            }
            (start, end) = (s, e)
        default:
            reporter.error("expected a time range like \(rangeExample) or \(tableExample), found \(value.typeDescription)",
                           at: position)
            return nil
        }
        let span = DaySpan(start: start * 60, end: end * 60)
        guard end > start else {
            if end == start {
                reporter.error("\(span) is empty; a range must end after it starts", at: position)
            } else {
                let first = DaySpan(start: start * 60, end: 86_400), second = DaySpan(start: 0, end: end * 60)
                reporter.error("\(span) ends before it starts; past midnight, split it: "
                               + "\(quoted(first.description)) on one day and \(quoted(second.description)) on the next",
                               at: position)
            }
            return nil
        }
        return span
    }
}

/// "H:MM" or "HH:MM" from 00:00 to 24:00.
enum ClockText: Equatable {
    /// Minutes since midnight, 0...1440.
    case time(Int)
    /// Shaped like a time, but no time of day ("25:00", "12:60", "24:30").
    case outOfRange
    /// Not shaped like a time.
    case invalid

    static func parse(_ text: String) -> ClockText {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, (1...2).contains(parts[0].count), parts[1].count == 2,
              parts[0].allSatisfy(\.isASCIIDigit), parts[1].allSatisfy(\.isASCIIDigit),
              let h = Int(parts[0]), let m = Int(parts[1]) else { return .invalid }
        guard m < 60, h < 24 || (h == 24 && m == 0) else { return .outOfRange }
        return .time(h * 60 + m)
    }
}

func pad2(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
