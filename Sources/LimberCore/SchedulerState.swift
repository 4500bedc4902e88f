/// Active time accumulated toward one reminder kind.
public struct ReminderTimer: Sendable, Equatable {
    /// Active time since the interval started.
    public var elapsed: Duration
    public var interval: Duration
    /// Snoozes used on the current reminder.
    public var snoozes: Int = 0
    /// The elapsed time at which it comes due instead of `interval`: set by a snooze (which
    /// moves it later) and by `limber now` (due at once), so `elapsed` stays the active time
    /// really spent. Nil when the interval decides.
    public var dueAt: Duration?

    public init(elapsed: Duration, interval: Duration, snoozes: Int = 0, dueAt: Duration? = nil) {
        self.elapsed = elapsed
        self.interval = interval
        self.snoozes = snoozes
        self.dueAt = dueAt
    }

    var isDue: Bool { elapsed >= (dueAt ?? interval) }
    var remaining: Duration { (dueAt ?? interval) - elapsed }
    /// Snoozed and waiting for the snooze to end.
    var isSnoozed: Bool { snoozes > 0 && dueAt != nil && !isDue }
}

/// A reminder on screen, waiting for an answer.
public struct PromptState: Sendable, Equatable {
    public var id: UInt64
    public var kind: ReminderKind
    public var shows: Int
    public var firstShownWall: Duration
    /// Monotonic time of the next re-show, or of recording it missed after the last showing.
    public var nextActionAt: Duration
    public var serial: Int
    /// It waited while the user was away: at `nextActionAt` (the end of the grace period) it
    /// is shown again in place, without counting as a re-show.
    public var held = false
    /// A notification server displayed it at least once: only then can it count as missed.
    public var seen = true
    /// The highest showing the history has a line for (`shown`, `reshown` or `unshown`); 0
    /// while no server has answered for it yet.
    public var recordedShow = 1
    /// A server displays its latest showing now (as far as limber knows: a restarted daemon
    /// shows it again and learns anew).
    public var displayed = false
}

/// A pause; `until` nil means until resumed.
public struct PauseState: Sendable, Equatable {
    /// Wall time the pause ends.
    public var until: Duration?
}

/// Everything the scheduler remembers; saved by the engine so a restart continues the schedule.
public struct SchedulerState: Sendable, Equatable {
    public var posture: ReminderTimer
    public var routine: ReminderTimer
    public var prompt: PromptState?
    public var pause: PauseState?
    public var rng: SplitMix64
    /// Active time is accrued up to this point.
    public var anchorMonotonic: Duration
    /// Boot time at the same point: (boottime − monotonic) growing between two events is
    /// time asleep. Nil in state saved before limber knew about sleep.
    public var anchorBoottime: Duration?
    public var anchorWall: Duration
    public var anchorUTCOffset: Int
    public var nextPromptID: UInt64 = 0
    public var postureSerial = 0
    public var routineSerial = 0
    public var today: DayCounts
    /// A guided routine is under way. Not saved: a restart ends the walkthrough, and a
    /// reminder it held is shown again.
    public var guiding = false
    /// The user's current absence, if any.
    public var away: AwayState?
    /// Boot time of the last sign that the user was here: a return, an answer, the start.
    /// An away period is never dated back before it.
    public var presentSinceBoot: Duration = .zero
    /// Monotonic time until which nothing new is shown after a return.
    public var graceUntil: Duration?
    /// What holds reminders now, if anything. Not saved: the sources report again.
    public var hold: HoldState?
    /// The daily routine offered and not yet answered (Scheduler+Daily).
    public var daily: DailyState?
    /// A reminder waiting for a pause in input (NaturalPause.swift). Not saved.
    public var pauseWait: PauseWaitState?
    /// A source can tell a pause in input on this desktop. Not saved: the engine says so again.
    public var inputPauseSource = false

    init(posture: ReminderTimer, routine: ReminderTimer, rng: SplitMix64, anchorMonotonic: Duration,
         anchorWall: Duration, anchorUTCOffset: Int, today: DayCounts) {
        self.posture = posture
        self.routine = routine
        self.rng = rng
        self.anchorMonotonic = anchorMonotonic
        self.anchorWall = anchorWall
        self.anchorUTCOffset = anchorUTCOffset
        self.today = today
    }
}
