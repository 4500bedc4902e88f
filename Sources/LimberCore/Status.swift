/// What `limber status` and the systemd STATUS= line report.
public struct ScheduleStatus: Sendable, Equatable {
    public enum Mode: Sendable, Equatable {
        case active
        /// Paused; `until` is the wall time it ends, nil for indefinitely.
        case paused(until: Duration?)
        /// Outside work hours; `until` is when they start again.
        case offHours(until: Duration?)
    }

    /// A reminder on screen.
    public struct Due: Sendable, Equatable {
        public var prompt: Prompt
        public var firstShown: Duration
        /// It waits while the user is away or for the grace period after.
        public var held: Bool = false
    }

    /// Progress toward one kind's next reminder.
    public struct Next: Sendable, Equatable {
        public var kind: ReminderKind
        /// Active time left; zero when due.
        public var remaining: Duration
        public var elapsed: Duration
        public var interval: Duration
        /// Snoozed: `remaining` is the rest of the snooze.
        public var snoozed = false
        /// Snoozes of the current reminder of this kind.
        public var snoozes: Int = 0
    }

    /// Whether the user is at the desk, as the away sources tell.
    public struct Presence: Sendable, Equatable {
        /// Sources that report the user away now; empty when present.
        public var awayBy: [AwaySource]
        /// Wall time the absence began; nil when present.
        public var awaySince: Duration?
        /// Wall time the user was last seen active: now when present, else when they left.
        public var lastActive: Duration

        public var isAway: Bool { awaySince != nil }
    }

    public var mode: Mode
    public var due: Due?
    public var presence: Presence
    /// The daily routine offered and not yet answered.
    public var daily: DailyStatus?
    public var next: [Next]
    public var today: DayCounts

    /// One line: "posture check in 12 min, routine in 40 min", "posture check due (shown 2×)",
    /// "paused until 14:30", "away since 12:05 (screen locked); the posture check waits".
    public func summary(at now: Moment) -> String {
        func clock(_ wall: Duration) -> String {
            let t = LocalTime(wall: wall, utcOffsetSeconds: now.utcOffsetSeconds)
            let days = t.date.daysSinceEpoch - now.local.date.daysSinceEpoch
            let day = days == 0 ? "" : days == 1 ? "tomorrow " : "\(t.weekday.shortName) "
            return day + t.clockText
        }
        if let since = presence.awaySince {
            let waiting = due?.prompt.kind ?? next.first { $0.remaining == .zero }?.kind
            let why = presence.awayBy.map(\.displayName).joined(separator: ", ")
            return "away since " + clock(since) + (why.isEmpty ? "" : " (\(why))")
                + (waiting.map { "; the \($0.displayName) waits" } ?? "")
        }
        if let due {
            let shown = due.prompt.show > 1 ? " (shown \(due.prompt.show)×)" : ""
            return "\(due.prompt.kind.displayName) due\(shown)"
        }
        switch mode {
        case .paused(let until):
            return until.map { "paused until " + clock($0) } ?? "paused until resumed"
        case .offHours(let until):
            return "outside work hours" + (until.map { " until " + clock($0) } ?? "")
        case .active:
            let posture = next.first { $0.kind == .posture }
            let routine = next.first { $0.kind == .routine }
            var parts: [String] = []
            for n in [posture, routine].compactMap({ $0 }) {
                parts.append(n.kind.displayName + (n.snoozed ? " snoozed (\(formatDuration(n.remaining)) left)"
                                                             : " in " + formatDuration(n.remaining)))
            }
            return parts.joined(separator: ", ")
        }
    }
}

/// "45 s", "12 min", "1 h 5 min": rounded up to the minute from a minute on, so "in 1 min"
/// never means "now".
public func formatDuration(_ d: Duration) -> String {
    let total = max(0, d.components.seconds + (d.components.attoseconds > 0 ? 1 : 0))
    if total < 60 { return "\(total) s" }
    let minutes = (total + 59) / 60
    if minutes < 60 { return "\(minutes) min" }
    let h = minutes / 60, m = minutes % 60
    return m == 0 ? "\(h) h" : "\(h) h \(m) min"
}
