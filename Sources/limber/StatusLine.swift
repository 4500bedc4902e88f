import ArgumentParser
import JSON
import LimberCore
import LimberProtocol

/// What `limber status --follow` (or `--format`) prints per change.
enum StatusFormat: String, ExpressibleByArgument, CaseIterable {
    /// One short line: "posture check in 12 min".
    case text
    /// The status object, as `limber status --json`.
    case json
    /// A waybar custom-module line: text, tooltip, class, percentage.
    case waybar
}

/// One status line for bars, from a status the daemon pushed `age` seconds ago. Pure: the
/// time since the status arrived and the local clock are passed in.
enum StatusLine {
    /// The waybar class: what state the reminders are in.
    static func stateClass(_ s: StatusReport) -> String {
        if let due = s.due { return due.held ? "held" : "due" }
        if s.presence?.state == "away" { return "away" }
        switch s.state {
        case "paused": return "paused"
        case "off-hours": return "off-hours"
        default: break
        }
        if s.guide != nil { return "guided" }
        if s.next.contains(where: { $0.snoozes > 0 }) { return "snoozed" }
        return "active"
    }

    /// Whether active time runs now, so the countdowns move between pushes.
    static func counting(_ s: StatusReport) -> Bool {
        s.state == "active" && s.due == nil && s.guide == nil && s.presence?.state != "away"
    }

    /// Seconds left of `n` after `age` seconds, counting only while active time runs.
    static func left(_ n: StatusReport.Next, _ s: StatusReport, age: Int) -> Int {
        counting(s) ? max(0, n.inSeconds - age) : n.inSeconds
    }

    /// The reminder that comes first.
    static func soonest(_ s: StatusReport, age: Int) -> StatusReport.Next? {
        s.next.min { left($0, s, age: age) < left($1, s, age: age) }
    }

    /// Whole minutes, rounded up: "12 min".
    static func minutes(_ seconds: Int) -> String {
        "\((seconds + 59) / 60) min"
    }

    static func name(_ k: KindName) -> String { k == .posture ? "posture check" : "routine" }

    static func text(_ s: StatusReport, age: Int, clock: LocalClock) -> String {
        func clockText(_ wall: Int64) -> String {
            LocalTime(wall: .seconds(wall), utcOffsetSeconds: clock.utcOffset(at: wall)).clockText
        }
        if let g = s.guide { return "\(g.title) \(g.step)/\(g.steps)" }
        if let due = s.due {
            return name(due.kind) + (due.held ? " due when you are back" : " due")
        }
        if s.presence?.state == "away" {
            let since = s.presence?.awaySince ?? s.presence?.lastActive
            return since.map { "away since \(clockText($0))" } ?? "away"
        }
        switch s.state {
        case "paused": return s.pausedUntil.map { "paused until \(clockText($0))" } ?? "paused"
        case "off-hours": return "outside work hours"
        default: break
        }
        guard let n = soonest(s, age: age) else { return "limber" }
        let snoozed = n.snoozes > 0 ? "snoozed: " : ""
        let l = left(n, s, age: age)
        return snoozed + name(n.kind) + (l > 0 ? " in " + minutes(l) : " due")
    }

    /// The posture interval done, 0 to 100.
    static func percentage(_ s: StatusReport, age: Int) -> Int {
        guard let p = s.next.first(where: { $0.kind == .posture }), p.intervalSeconds > 0 else { return 0 }
        if s.due?.kind == .posture || s.due?.kind == .routine { return 100 }
        let elapsed = counting(s) ? p.elapsedSeconds + min(age, p.inSeconds) : p.elapsedSeconds
        return max(0, min(100, elapsed * 100 / p.intervalSeconds))
    }

    private struct Waybar: Encodable {
        var text: String
        var tooltip: String
        var `class`: String
        var percentage: Int
    }

    static func render(_ s: StatusReport, format: StatusFormat, age: Int, clock: LocalClock) -> String {
        switch format {
        case .json:
            return String(decoding: StatusJSON.encode(s), as: UTF8.self)
        case .text:
            return text(s, age: age, clock: clock)
        case .waybar:
            var tooltip = StatusText.render(s, clock: clock)
            if tooltip.hasSuffix("\n") { tooltip.removeLast() }
            let line = Waybar(text: text(s, age: age, clock: clock), tooltip: tooltip, class: stateClass(s),
                              percentage: percentage(s, age: age))
            return String(decoding: (try? JSON.encode(line)) ?? Array("{}".utf8), as: UTF8.self)
        }
    }

    /// What to print while limberd cannot be reached.
    static func unreachable(format: StatusFormat, message: String) -> String {
        switch format {
        case .json:
            return #"{"state":"unreachable"}"#
        case .text:
            return "limberd not running"
        case .waybar:
            let line = Waybar(text: "limberd not running", tooltip: message, class: "unreachable", percentage: 0)
            return String(decoding: (try? JSON.encode(line)) ?? Array("{}".utf8), as: UTF8.self)
        }
    }

    /// Seconds from `age` until the line would read differently (the minutes go down), or
    /// nil when nothing moves until the daemon says so (and for JSON, which has no countdown).
    static func nextChange(_ s: StatusReport, format: StatusFormat, age: Int) -> Int? {
        guard format != .json, counting(s), let n = soonest(s, age: age) else { return nil }
        let remaining = left(n, s, age: age)
        guard remaining > 0 else { return nil }
        // Minutes shown are rounded up: "12 min" becomes "11 min" when remaining crosses 660.
        // (waybar's percentage is refreshed with it: once a minute is enough for a bar.)
        return remaining % 60 == 0 ? 60 : remaining % 60
    }
}
