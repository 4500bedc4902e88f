import ArgumentParser
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
        guard LocalDate(daysSinceEpoch: date.daysSinceEpoch) == date else { return nil }
        return date
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

/// The three forms of `limber history`.
enum HistoryExport {
    static let fields = ["id", "host", "at", "ts", "outcome", "kind", "prompt", "show", "early", "seconds",
                         "until_ts", "reason", "routine", "level", "phase", "note"]

    // MARK: JSON

    static func json(_ events: [HistoryEvent], loaded: HistoryStore.Loaded, into out: inout OutputBuffer) {
        out.append("{\"duplicates_dropped\":\(loaded.duplicates),\"events\":[")
        for (n, e) in events.enumerated() {
            if n > 0 { out.append(UInt8(ascii: ",")) }
            eventJSON(e, into: &out.bytes)
            out.flushIfFull()
        }
        out.append("],\"files\":[" + loaded.files.map(jsonString).joined(separator: ",") + "]")
        out.append(",\"schema\":1,\"warnings\":[" + loaded.warnings.map(jsonString).joined(separator: ",") + "]}\n")
    }

    /// One event with every key, sorted by name as the other --json outputs are.
    static func eventJSON(_ e: HistoryEvent) -> String {
        var bytes: [UInt8] = []
        eventJSON(e, into: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends one event as JSON to `b`, byte by byte: 100,000 of them should take milliseconds.
    static func eventJSON(_ e: HistoryEvent, into b: inout [UInt8]) {
        func key(_ k: StaticString) {
            b.append(contentsOf: UnsafeBufferPointer(start: k.utf8Start, count: k.utf8CodeUnitCount))
        }
        func string(_ s: String?) {
            guard let s else { return key("null") }
            appendJSONString(s, to: &b)
        }
        func number<T: BinaryInteger>(_ n: T?) {
            guard let n else { return key("null") }
            if n < 0 { b.append(UInt8(ascii: "-")) }
            appendDecimal(UInt64(n.magnitude), to: &b)
        }
        key("{\"at\":")
        if e.hasUnusualIDOrAt {
            string(e.at)
        } else {
            b.append(UInt8(ascii: "\""))
            if e.appendAt(to: &b) { b.append(UInt8(ascii: "\"")) } else { b.removeLast(); key("null") }
        }
        key(",\"early\":"); key(e.early ? "true" : "false")
        key(",\"host\":"); string(e.host)
        key(",\"id\":")
        if e.hasUnusualIDOrAt {
            string(e.id)
        } else {
            b.append(UInt8(ascii: "\""))
            e.appendID(to: &b)
            b.append(UInt8(ascii: "\""))
        }
        key(",\"kind\":"); string(e.kind)
        key(",\"level\":"); number(e.level)
        key(",\"note\":"); string(e.note)
        key(",\"outcome\":"); string(e.outcome)
        key(",\"phase\":"); string(e.phase)
        key(",\"prompt\":")
        if let p = e.prompt { appendDecimal(p, to: &b) } else { key("null") }
        key(",\"reason\":"); string(e.reason)
        key(",\"routine\":"); string(e.routine)
        key(",\"seconds\":"); number(e.seconds)
        key(",\"show\":"); number(e.show)
        key(",\"ts\":"); number(e.ts)
        key(",\"until_ts\":"); number(e.untilTs)
        key(",\"v\":"); number(e.v)
        b.append(UInt8(ascii: "}"))
    }

    static func appendDecimal(_ n: UInt64, to b: inout [UInt8]) {
        var m = n
        var divisor: UInt64 = 1
        while m / divisor >= 10 { divisor *= 10 }
        repeat {
            b.append(UInt8(ascii: "0") + UInt8(m / divisor))
            m %= divisor
            divisor /= 10
        } while divisor > 0
    }

    /// Appends a JSON string literal: quotes, backslashes and control characters escaped;
    /// DEL, C1 controls and bidirectional overrides too (JSON allows them raw, but `jq -r`
    /// or a pager would hand them to a terminal).
    static func appendJSONString(_ s: String, to b: inout [UInt8]) {
        b.append(UInt8(ascii: "\""))
        let hex = Array("0123456789abcdef".utf8)
        if s.utf8.contains(where: { $0 == 0x7F || $0 == 0xC2 || $0 == 0xE2 }) {
            for scalar in s.unicodeScalars {
                if scalar.value >= 0x7F, TerminalText.isUnsafe(scalar) {
                    b.append(contentsOf: Array("\\u".utf8))
                    for shift in [12, 8, 4, 0] { b.append(hex[Int((scalar.value >> UInt32(shift)) & 0xF)]) }
                } else {
                    appendJSONEscaped(String(scalar), to: &b)
                }
            }
        } else {
            appendJSONEscaped(s, to: &b)
        }
        b.append(UInt8(ascii: "\""))
    }

    private static func appendJSONEscaped(_ s: String, to b: inout [UInt8]) {
        for c in s.utf8 {
            switch c {
            case UInt8(ascii: "\""): b.append(UInt8(ascii: "\\")); b.append(UInt8(ascii: "\""))
            case UInt8(ascii: "\\"): b.append(UInt8(ascii: "\\")); b.append(UInt8(ascii: "\\"))
            case 0x0A: b.append(UInt8(ascii: "\\")); b.append(UInt8(ascii: "n"))
            case 0x0D: b.append(UInt8(ascii: "\\")); b.append(UInt8(ascii: "r"))
            case 0x09: b.append(UInt8(ascii: "\\")); b.append(UInt8(ascii: "t"))
            case 0x08: b.append(UInt8(ascii: "\\")); b.append(UInt8(ascii: "b"))
            case 0x0C: b.append(UInt8(ascii: "\\")); b.append(UInt8(ascii: "f"))
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                b.append(contentsOf: Array("\\u00".utf8))
                b.append(hex[Int(c >> 4)])
                b.append(hex[Int(c & 0xF)])
            default:
                b.append(c)
            }
        }
    }

    /// A JSON string literal.
    static func jsonString(_ s: String) -> String {
        var b: [UInt8] = []
        appendJSONString(s, to: &b)
        return String(decoding: b, as: UTF8.self)
    }

    // MARK: CSV

    static func csv(_ events: [HistoryEvent], into out: inout OutputBuffer) {
        out.append(fields.joined(separator: ",") + "\r\n")
        for e in events {
            csvRow(e, into: &out.bytes)
            out.flushIfFull()
        }
    }

    /// One event as a CSV row, in the order of `fields`, ending in CRLF.
    static func csvRow(_ e: HistoryEvent, into b: inout [UInt8]) {
        func text(_ s: String?) {
            if let s { appendCSVField(s, to: &b) }
            b.append(UInt8(ascii: ","))
        }
        func number<T: BinaryInteger>(_ n: T?) {
            if let n {
                if n < 0 { b.append(UInt8(ascii: "-")) }
                appendDecimal(UInt64(n.magnitude), to: &b)
            }
            b.append(UInt8(ascii: ","))
        }
        if e.hasUnusualIDOrAt {
            text(e.id)
            text(e.host)
            text(e.at)
        } else {
            e.appendID(to: &b)
            b.append(UInt8(ascii: ","))
            text(e.host)
            e.appendAt(to: &b)
            b.append(UInt8(ascii: ","))
        }
        number(e.ts)
        text(e.outcome)
        text(e.kind)
        number(e.prompt)
        number(e.show)
        text(e.early ? "true" : "false")
        number(e.seconds)
        number(e.untilTs)
        text(e.reason)
        text(e.routine)
        number(e.level)
        text(e.phase)
        if let note = e.note { appendCSVField(note, to: &b) }
        b.append(0x0D)
        b.append(0x0A)
    }

    static func appendCSVField(_ text: String, to b: inout [UInt8]) {
        // A CSV file gets printed too (cat, less): no field may carry a terminal escape. Line
        // feeds stay, quoted, as RFC 4180 allows.
        let s = TerminalText.safe(text, keepingNewlines: true)
        let quote = s.utf8.contains { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 0x0A || $0 == 0x0D }
        guard quote else { return b.append(contentsOf: s.utf8) }
        b.append(UInt8(ascii: "\""))
        for c in s.utf8 {
            if c == UInt8(ascii: "\"") { b.append(c) }
            b.append(c)
        }
        b.append(UInt8(ascii: "\""))
    }

    /// A CSV field, quoted when it holds a comma, a quote or a line break (RFC 4180).
    static func csvField(_ s: String) -> String {
        guard s.utf8.contains(where: { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"")
                                       || $0 == UInt8(ascii: "\n") || $0 == UInt8(ascii: "\r") }) else { return s }
        var out = "\""
        for c in s {
            out += c == "\"" ? "\"\"" : String(c)
        }
        return out + "\""
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
