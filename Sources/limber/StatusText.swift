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
        func when(_ seconds: Int64) -> String {
            let t = LocalTime(wall: .seconds(seconds), utcOffsetSeconds: clock.utcOffset(at: seconds))
            let today = LocalTime(wall: .seconds(now), utcOffsetSeconds: clock.utcOffset(at: now))
            let days = t.date.daysSinceEpoch - today.date.daysSinceEpoch
            return (days == 0 ? "" : days == 1 ? "tomorrow " : "\(t.weekday.shortName) \(t.date) ") + t.clockText
        }
        func name(_ k: KindName) -> String { k == .posture ? "posture check" : "routine" }
        var lines: [String] = []
        if let g = s.guide {
            lines.append("Guided routine: \(g.title), step \(g.step) of \(g.steps): \(g.text).")
            lines.append(g.waitsForNext ? "  Run 'limber next' (or press Next) when it is done; 'limber stop' ends the routine."
                         : "  It moves on by itself; 'limber next' moves on sooner, 'limber stop' ends the routine.")
        }
        if let due = s.due {
            var extra = ["shown \(due.shown)×"]
            extra.append(due.snoozesLeft == 0 ? "no snoozes left" : "\(due.snoozesLeft) snooze\(due.snoozesLeft == 1 ? "" : "s") left")
            lines.append("Due now: \(name(due.kind)) since \(when(due.since)) (\(extra.joined(separator: ", "))).")
            lines.append(s.guide != nil ? "  The guided routine answers it when you finish."
                         : "  Answer with 'limber done', 'limber snooze [DURATION]' or 'limber skip'"
                            + (due.kind == .routine ? ", or walk through it with 'limber start'." : "."))
        }
        switch s.state {
        case "paused":
            lines.append(s.pausedUntil.map { "Paused until \(when($0)); 'limber resume' resumes now." }
                         ?? "Paused until you run 'limber resume'.")
        case "off-hours":
            lines.append("Outside work hours: active time is not counting.")
        default:
            break
        }
        let width = s.next.map { name($0.kind).count }.max() ?? 0
        for n in s.next where s.due?.kind != n.kind && !(s.due?.kind == .routine) {
            let label = name(n.kind) + String(repeating: " ", count: width - name(n.kind).count)
            let left = n.inSeconds == 0 ? "due" : "in " + formatDuration(.seconds(n.inSeconds))
            lines.append("Next \(label)  \(left)  (\(formatDuration(.seconds(n.elapsedSeconds))) of \(formatDuration(.seconds(n.intervalSeconds))) active time)")
        }
        let t = s.today
        lines.append("Today: \(t.due) due, \(t.done) done, \(t.snoozed) snoozed, \(t.skipped) skipped, \(t.missed) missed.")
        if s.notifications == "unavailable" {
            lines.append("Notifications: no notification server answered; reminders show here until one does.")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
