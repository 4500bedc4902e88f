import ArgumentParser
import JSON
import LimberCore
import LimberFiles
import LimberProtocol
import LimberStats

struct History: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List or export every event: reminders, answers, pauses, natural breaks, journal entries.",
        discussion: """
            Reads every host's history file in $XDG_STATE_HOME/limber, merged by
            time with duplicate events (same id) dropped; limberd need not be
            running. Damaged lines are skipped with a warning on standard error
            naming FILE:LINE.

            --json prints one object: {schema (1), events: [...], files: [names],
            duplicates_dropped, warnings: [text]}. Each event has every key, null
            when it does not apply: v, id, host, outcome, kind, at (local time
            with offset, as written), ts (ms since 1970 UTC), prompt, show, early,
            seconds, until_ts, reason, routine, level, phase, note.

            --csv prints the same fields as CSV (RFC 4180: a header line, CRLF line
            ends, fields with commas, quotes or line breaks quoted).

            Examples:
              limber history --since today
              limber history --since 2026-03-01 --csv > breaks.csv
              limber history --json | jq '.events[] | select(.outcome == "skipped")'

            No history yet is not an error (exit 0). Exit status 1 when the history
            cannot be read, 2 for bad usage.
            """)

    @Option(name: .long, help: ArgumentHelp(
        "Only events from this local day on: YYYY-MM-DD, 'today' or 'yesterday'.", valueName: "date"))
    var since: String?

    @Flag(name: .long, help: "Export as JSON.")
    var json = false

    @Flag(name: .long, help: "Export as CSV.")
    var csv = false

    func validate() throws {
        guard !(json && csv) else { throw ValidationError("choose one of --json and --csv") }
        if let since, Self.sinceDate(since, today: LocalDate(year: 2000, month: 1, day: 1)) == nil {
            throw ValidationError("--since takes a date like 2026-03-01, 'today' or 'yesterday', not '\(since)'")
        }
    }

    /// The local day `text` names.
    static func sinceDate(_ text: String, today: LocalDate) -> LocalDate? {
        switch text {
        case "today": return today
        case "yesterday": return LocalDate(daysSinceEpoch: today.daysSinceEpoch - 1)
        default: break
        }
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]),
              (1...12).contains(m), (1...31).contains(d) else { return nil }
        let date = LocalDate(year: y, month: m, day: d)
        // Reject dates that do not exist (2026-02-30) rather than rolling them over.
        return date.exists ? date : nil
    }

    func run() throws {
        let paths = LimberPaths.current
        let loaded = try HistoryData.load(paths: paths)
        HistoryData.printWarnings(loaded.warnings)
        var zone = SystemTimeZone()
        var events = loaded.events
        if let since {
            let today = zone.local(floorSeconds(WallClock.nowMilliseconds())).date
            if let date = Self.sinceDate(since, today: today) {
                let from = zone.startOfDay(date) * 1000
                if let first = events.firstIndex(where: { $0.ts >= from }) {
                    events.removeFirst(first)
                } else {
                    events = []
                }
            }
        }
        var out = OutputBuffer()
        if json {
            HistoryExport.json(events, loaded: loaded, into: &out)
        } else if csv {
            HistoryExport.csv(events, into: &out)
        } else if loaded.events.isEmpty {
            out.append(HistoryData.noHistoryMessage(paths: paths))
        } else {
            HistoryExport.text(events, zone: &zone, into: &out)
        }
        out.flush()
    }
}

/// Standard output in large writes: an export of 100,000 events should not cost 100,000 writes.
struct OutputBuffer {
    var bytes: [UInt8] = []

    init() { bytes.reserveCapacity(1 << 16) }

    mutating func append(_ s: String) {
        bytes.append(contentsOf: s.utf8)
        if bytes.count >= 1 << 16 { flush() }
    }

    mutating func append(_ byte: UInt8) { bytes.append(byte) }

    mutating func flushIfFull() {
        if bytes.count >= 1 << 16 { flush() }
    }

    mutating func flush() {
        guard !bytes.isEmpty else { return }
        Limber.writeOutput(bytes)
        bytes.removeAll(keepingCapacity: true)
    }
}

/// The three forms of `limber history`. The JSON and CSV forms are `HistoryEvent`'s own, from
/// the one field table (`HistoryField`).
enum HistoryExport {
    /// The CSV columns.
    static let fields = HistoryField.csvColumns.map(\.name)

    // MARK: JSON

    static func json(_ events: [HistoryEvent], loaded: HistoryStore.Loaded, into out: inout OutputBuffer) {
        out.append("{\"duplicates_dropped\":\(loaded.duplicates),\"events\":[")
        for (n, e) in events.enumerated() {
            if n > 0 { out.append(UInt8(ascii: ",")) }
            e.appendJSON(to: &out.bytes, everyKey: true)
            out.flushIfFull()
        }
        out.append("],\"files\":[" + loaded.files.map(jsonString).joined(separator: ",") + "]")
        out.append(",\"schema\":1,\"warnings\":[" + loaded.warnings.map(jsonString).joined(separator: ",") + "]}\n")
    }

    /// One event with every key, sorted by name as the other --json outputs are.
    static func eventJSON(_ e: HistoryEvent) -> String {
        var bytes: [UInt8] = []
        e.appendJSON(to: &bytes, everyKey: true)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// A JSON string literal.
    static func jsonString(_ s: String) -> String { JSON.quoted(s) }

    // MARK: CSV

    static func csv(_ events: [HistoryEvent], into out: inout OutputBuffer) {
        out.append(HistoryEvent.csvHeader + "\r\n")
        for e in events {
            e.appendCSVRow(to: &out.bytes)
            out.flushIfFull()
        }
    }

    /// One event as a CSV row, in the order of `fields`, ending in CRLF.
    static func csvRow(_ e: HistoryEvent, into b: inout [UInt8]) { e.appendCSVRow(to: &b) }

    /// A CSV field, quoted when it holds a comma, a quote or a line break (RFC 4180).
    static func csvField(_ s: String) -> String {
        var b: [UInt8] = []
        HistoryEvent.appendCSVField(s, to: &b)
        return String(decoding: b, as: UTF8.self)
    }

    // MARK: Text

    static func text(_ events: [HistoryEvent], zone: inout some TimeZoneResolver, into out: inout OutputBuffer) {
        let hosts = Set(events.map(\.host))
        let hostWidth = hosts.count > 1 ? (hosts.map(\.count).max() ?? 0) : 0
        for e in events {
            let local = zone.local(floorSeconds(e.ts))
            var line = "\(local.date) \(local.clockText):\(two(local.secondOfDay % 60))  "
            if hostWidth > 0 {
                line += e.host + String(repeating: " ", count: max(0, hostWidth - e.host.count)) + "  "
            }
            // A pause to a time of day ('pause --until 14:30') has no length to tell: say its end.
            let until = e.untilTs.map { ts -> String in
                let end = zone.local(floorSeconds(ts))
                return end.date == local.date ? end.clockText : "\(end.date) \(end.clockText)"
            }
            line += describe(e, until: until)
            // Every part but the time comes from a file that may have been synced from elsewhere.
            out.append(TerminalText.safe(line) + "\n")
        }
        if events.isEmpty { out.append("No events in that range.\n") }
    }

    /// One event in words: "posture check snoozed for 5 min".
    /// `until`: the local time a pause ends, as text.
    static func describe(_ e: HistoryEvent, until: String? = nil) -> String {
        var what = e.kind.flatMap(ReminderKind.init(rawValue:))?.displayName ?? e.kind ?? "reminder"
        // The daily routine's lines say "daily"; its `unshown` and late `reshown` lines give
        // there why no server showed it, and only they name a routine among those outcomes.
        let dailyUnseen = e.routine != nil
            && (e.outcome == Outcome.unshown.rawValue || e.outcome == Outcome.reshown.rawValue)
        if e.reason == "daily" || dailyUnseen {
            // The daily routine: "daily routine skipped (daily-upper-back)" for 'Not today'.
            what = "daily routine"
            let id = e.routine.map { " (\($0))" } ?? ""
            switch e.outcome {
            case Outcome.shown.rawValue: return what + " offered" + id
            case Outcome.unshown.rawValue:
                return what + " offered, not shown" + (e.reason.map { " (\($0))" } ?? "") + id
            case Outcome.reshown.rawValue: return what + " shown (late)" + id
            case Outcome.snoozed.rawValue:
                return what + " snoozed" + (e.seconds.map { " for " + formatDuration(.seconds($0)) } ?? "") + id
            case Outcome.skipped.rawValue: return what + " skipped (not today)" + id
            case Outcome.done.rawValue, Outcome.missed.rawValue: return what + " \(e.outcome)" + id
            default: break
            }
        }
        func length(_ seconds: Int64?) -> String? {
            seconds.map { formatDuration(.seconds($0)) }
        }
        switch e.outcome {
        case Outcome.shown.rawValue: return "\(what) shown"
        case Outcome.unshown.rawValue: return "\(what) due, not shown" + (e.reason.map { " (\($0))" } ?? "")
        case Outcome.reshown.rawValue where e.reason == "late": return "\(what) shown (late)"
        case Outcome.reshown.rawValue: return "\(what) shown again" + (e.show.map { " (showing \($0))" } ?? "")
        case Outcome.done.rawValue:
            return "\(what) done" + (e.early ? " early" : "") + (e.routine.map { " (\($0)" + (e.reason == "guided" ? ", guided)" : ")") } ?? "")
        case Outcome.snoozed.rawValue: return "\(what) snoozed" + (length(e.seconds).map { " for \($0)" } ?? "")
        case Outcome.skipped.rawValue: return "\(what) skipped"
        case Outcome.missed.rawValue: return "\(what) missed"
        case Outcome.held.rawValue where e.reason == HoldSource.naturalPause.rawValue:
            return "\(what) waited for a pause in typing" + (length(e.seconds).map { " (\($0))" } ?? "")
        case Outcome.held.rawValue:
            // "posture check held 12 min (do not disturb, camera in use)".
            let by = e.reason.map { $0.split(separator: ",").map { HoldSource(rawValue: String($0))?.displayName ?? String($0) } }
            return "\(what) held" + (length(e.seconds).map { " \($0)" } ?? "") + (by.map { " (" + $0.joined(separator: ", ") + ")" } ?? "")
        case Outcome.withdrawn.rawValue: return "\(what) withdrawn" + (e.reason.map { " (\($0))" } ?? "")
        case Outcome.paused.rawValue:
            return "reminders paused" + (length(e.seconds).map { " for \($0)" } ?? until.map { " until \($0)" } ?? "")
        case Outcome.resumed.rawValue: return "reminders resumed" + (e.reason.map { " (\($0))" } ?? "")
        case naturalBreakOutcome:
            // The sources that saw the absence: "natural break (6 min away: lock, x11_idle)".
            let by = e.reason.map { $0.split(separator: ",").joined(separator: ", ") }
            return "natural break" + (length(e.seconds).map { " (\($0) away" + (by.map { ": " + $0 } ?? "") + ")" } ?? "")
        case Outcome.pain.rawValue:
            var s = "pain \(e.level.map(String.init) ?? "?")/10"
            if let phase = e.phase { s += " \(phase) the routine" }
            if let note = e.note { s += ": " + note.split(whereSeparator: \.isNewline).joined(separator: " ") }
            return s
        default:
            return e.outcome + (e.kind.map { " (\($0))" } ?? "")
        }
    }

    static func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
}
