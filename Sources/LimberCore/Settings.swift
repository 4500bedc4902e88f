/// The reminder kinds.
public enum ReminderKind: String, Sendable, Codable, CaseIterable, Comparable {
    /// A short check of how one sits, with one cue.
    case posture
    /// A short guided movement routine; it also counts as a posture check.
    case routine

    /// How messages name it: "posture check", "routine".
    public var displayName: String {
        switch self {
        case .posture: "posture check"
        case .routine: "routine"
        }
    }

    public static func < (a: ReminderKind, b: ReminderKind) -> Bool { a.rawValue < b.rawValue }
}

/// Everything the scheduler is told by the configuration.
public struct ScheduleSettings: Sendable, Equatable {
    /// Posture checks come due after active time drawn uniformly from this window.
    public var postureMin: Duration = .seconds(30 * 60)
    public var postureMax: Duration = .seconds(45 * 60)
    /// Routines come due after this much active time.
    public var routineInterval: Duration = .seconds(60 * 60)
    /// An unanswered reminder is shown again after this delay...
    public var reshowDelay: Duration = .seconds(5 * 60)
    /// ...this many times (the last time critical), then recorded as missed.
    public var reshowCount: Int = 2
    /// `snooze` without a length.
    public var snoozeDefault: Duration = .seconds(5 * 60)
    /// How long a snooze may be, given or by default: longer is a pause, not a snooze.
    public static let snoozeRange: ClosedRange<Duration> = .seconds(60) ... .seconds(2 * 3600)
    /// Snoozes allowed per reminder.
    public var snoozeLimit: Int = 3
    /// When active time counts.
    public var workHours: WorkHours = .always
    /// How time away from the desk (idle, locked, asleep) counts.
    public var away = AwaySettings()
    /// What holds reminders while the user is at the desk (do not disturb, a call).
    public var hold = HoldSettings()

    public init() {}

    /// The built-in defaults.
    public static let defaults = ScheduleSettings()
}
