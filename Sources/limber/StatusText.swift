import JSON
import LimberCore
import LimberProtocol
#if canImport(Glibc)
import Glibc
#endif

/// The local clock, injected so the status text can be tested with a fixed time and zone.
protocol LocalClock {
    var nowSeconds: Int64 { get }
    func utcOffset(at seconds: Int64) -> Int
}

struct SystemLocalClock: LocalClock {
    var nowSeconds: Int64 { Int64(time(nil)) }

    func utcOffset(at seconds: Int64) -> Int {
        var t = time_t(seconds)
        var parts = tm()
        guard localtime_r(&t, &parts) != nil else { return 0 }
        return parts.tm_gmtoff
    }
}

enum StatusJSON {
    static func encode(_ s: StatusReport) -> [UInt8] {
        (try? JSON.encode(s)) ?? Array("{}".utf8)
    }
}

/// `limber status` for people.
enum StatusText {
    static func render(_ s: StatusReport, clock: LocalClock) -> String {
        let now = clock.nowSeconds
        func parts(_ seconds: Int64) -> (day: String, clock: String) {
            let t = LocalTime(wall: .seconds(seconds), utcOffsetSeconds: clock.utcOffset(at: seconds))
            let today = LocalTime(wall: .seconds(now), utcOffsetSeconds: clock.utcOffset(at: now))
            let days = t.date.daysSinceEpoch - today.date.daysSinceEpoch
            return (days == 0 ? "" : days == 1 ? "tomorrow " : "\(t.weekday.shortName) \(t.date) ", t.clockText)
        }
        func when(_ seconds: Int64) -> String { parts(seconds).day + parts(seconds).clock }
        /// "tomorrow after 09:00".
        func after(_ seconds: Int64) -> String { parts(seconds).day + "after " + parts(seconds).clock }
        func name(_ k: KindName) -> String { k == .posture ? "posture check" : "routine" }
        var lines: [String] = []
        if let g = s.guide {
            lines.append("Guided routine: \(g.title), step \(g.step) of \(g.steps): \(g.text).")
            lines.append(g.waitsForNext ? "  Run 'limber next' (or press Next) when it is done; 'limber stop' ends the routine."
                         : "  It moves on by itself; 'limber next' moves on sooner, 'limber stop' ends the routine.")
        }
        if let p = s.presence, p.state == "away" {
            let why = p.awayBy.map { AwaySource(rawValue: $0)?.displayName ?? $0 }.joined(separator: ", ")
            let since = p.awaySince ?? p.lastActive
            lines.append("Last seen active \(when(since)); away since then\(why.isEmpty ? "" : " (\(why))").")
            lines.append("  Reminders wait until you are back.")
        }
        if let p = s.presence, let since = p.heldSince {
            let why = p.heldBy.map { HoldSource(rawValue: $0)?.displayName ?? $0 }.joined(separator: ", ")
            lines.append("Held since \(when(since)) (\(why))"
                         + (p.heldWaiting.map { ": the \(ReminderKind(rawValue: $0)?.displayName ?? $0) waits until it ends." } ?? "."))
            lines.append("  Active time counts; what comes due is shown after the hold, never counted missed.")
        }
        if let due = s.due {
            var extra = ["shown \(due.shown)×"]
            extra.append(due.snoozesLeft == 0 ? "no snoozes left" : "\(due.snoozesLeft) snooze\(due.snoozesLeft == 1 ? "" : "s") left")
            lines.append("Due now: \(name(due.kind)) since \(when(due.since)) (\(extra.joined(separator: ", "))).")
            let answers = due.snoozesLeft > 0 ? "'limber done', 'limber snooze [DURATION]' or 'limber skip'"
                : "'limber done' or 'limber skip'"
            lines.append(s.guide != nil ? "  The guided routine answers it when you finish."
                         : "  Answer with \(answers)"
                            + (due.kind == .routine ? ", or walk through it with 'limber start'." : "."))
        }
        if let d = s.daily {
            if let until = d.snoozedUntil {
                lines.append("Daily routine: \(d.title), snoozed until \(when(until)).")
            } else {
                let left = d.snoozesLeft == 0 ? "no snoozes left" : "\(d.snoozesLeft) snooze\(d.snoozesLeft == 1 ? "" : "s") left"
                lines.append("Daily routine: \(d.title), offered at \(when(d.since)) (\(left)).")
                if s.guide == nil {
                    lines.append(s.due != nil ? "  Answered after the reminder due now; 'limber start \(d.routine)' walks you through it."
                                 : "  Walk through it with 'limber start', or answer with 'limber done', "
                                    + (d.snoozesLeft > 0 ? "'limber snooze [DURATION]' " : "")
                                    + "or 'limber skip' (not today).")
                }
            }
        }
        if let st = s.standing {
            if let until = st.until {
                lines.append("Standing block until \(when(until)).")
            } else if let next = st.next {
                lines.append("Next standing block at \(when(next)).")
            }
        }
        switch s.state {
        case "paused":
            lines.append(s.pausedUntil.map { "Paused until \(when($0)); 'limber resume' resumes now." }
                         ?? "Paused until you run 'limber resume'.")
        case "off-hours":
            lines.append("Outside work hours" + (s.workHoursStart.map { " until \(when($0))" } ?? "")
                         + ": active time is not counting.")
        default:
            break
        }
        let width = s.next.map { name($0.kind).count }.max() ?? 0
        for n in s.next where s.due?.kind != n.kind && !(s.due?.kind == .routine) {
            let label = name(n.kind) + String(repeating: " ", count: width - name(n.kind).count)
            var left = n.inSeconds == 0 ? "due" : "in " + formatDuration(.seconds(n.inSeconds))
            if let until = n.snoozedUntil { left = "snoozed until \(when(until))" }
            // No active time counts until work hours start or the pause ends: say when it resumes,
            // not a number of minutes that will not run out before then.
            if s.state == "off-hours", let start = s.workHoursStart { left = after(start) }
            if s.state == "paused" { left = s.pausedUntil.map(after) ?? "after 'limber resume'" }
            lines.append("Next \(label)  \(left)  (\(formatDuration(.seconds(n.elapsedSeconds))) of \(formatDuration(.seconds(n.intervalSeconds))) active time)")
        }
        let t = s.today
        let breaks = t.naturalBreaks == 0 ? "" : ", \(t.naturalBreaks) natural break\(t.naturalBreaks == 1 ? "" : "s")"
        lines.append("Today: \(t.due) due, \(t.done) done, \(t.snoozed) snoozed, \(t.skipped) skipped, \(t.missed) missed\(breaks).")
        if s.notifications == "unavailable" {
            lines.append("Notifications: no notification server answered; reminders show here until one does.")
        }
        if let p = s.presence {
            lines.append(sourcesLine(p.sources))
            if let line = naturalPauseLine(p) { lines.append(line) }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Whether a reminder due while the user types waits for a pause in input, and through what.
    /// Nothing when it is off (as the user asked, and as a limberd older than it reports).
    static func naturalPauseLine(_ p: StatusReport.Presence) -> String? {
        guard p.naturalPause == "on" else { return nil }
        guard let source = p.pauseSource else {
            return "Natural pause: no source can tell a pause in input here; reminders are shown the moment they are due."
        }
        return "Natural pause: a reminder due while you type waits for a pause (watched through \(source))."
    }

    /// "Time away: watching lock, logind_idle (logind session 2), sleep (clocks); not found:
    /// mutter_idle, screensaver." Sources with another policy than count say so.
    static func sourcesLine(_ sources: [StatusReport.Presence.Source]) -> String {
        func name(_ s: StatusReport.Presence.Source) -> String {
            s.policy == "count" ? s.name : s.name + (s.policy == "ignore" ? " [ignored]" : " [\(s.policy)]")
        }
        var groups: [(names: [String], via: String)] = []
        for s in sources {
            guard let via = s.via else { continue }
            if let i = groups.firstIndex(where: { $0.via == via }) {
                groups[i].names.append(name(s))
            } else {
                groups.append(([name(s)], via))
            }
        }
        var line = "Time away: " + (groups.isEmpty ? "nothing to watch"
            : "watching " + groups.map { "\($0.names.joined(separator: ", ")) (\($0.via))" }.joined(separator: ", "))
        let missing = sources.filter { $0.via == nil }.map(name)
        if !missing.isEmpty { line += "; not found: " + missing.joined(separator: ", ") }
        return line + "."
    }
}
