/// What happened, for the history file: every transition of the schedule is one record.
public enum Outcome: String, Sendable, Codable, CaseIterable {
    /// A reminder came due and a notification server showed it (answered with an id).
    case shown
    /// A reminder came due but no notification server showed it (`reason`: `no-server`,
    /// `timeout`, `error`, or `pending` when it was answered before any server replied). It
    /// stays due; when a server shows it later, a `reshown` line with reason `late` follows.
    case unshown
    /// An unanswered reminder was shown again; with reason `late`, a server showed for the
    /// first time a reminder recorded `unshown`.
    case reshown
    case done
    case snoozed
    case skipped
    /// Shown and re-shown without an answer.
    case missed
    /// Taken off screen without an answer: reminders were paused or work hours ended.
    case withdrawn
    case paused
    case resumed
    /// A pain-journal entry (`limber journal`): a 0 to 10 level, not a schedule transition.
    case pain
    /// Time away from the desk long enough to count as a break (`length`; `reason` lists the
    /// sources, e.g. "lock,sleep"). `kind` is what it restarted: posture, or routine (which
    /// covers the posture check); `promptID` the reminder on screen it answered, if any.
    case naturalBreak = "natural-break"
}

/// One history record, without the id and host the engine adds when it writes it.
public struct HistoryRecord: Sendable, Equatable {
    public var outcome: Outcome
    public var kind: ReminderKind?
    public var promptID: UInt64?
    /// When it happened.
    public var wall: Duration
    public var utcOffsetSeconds: Int
    /// `done` with nothing due: the user took the break before the reminder.
    public var early: Bool = false
    /// Which showing (1 is the first) for shown/reshown.
    public var show: Int?
    /// The snooze length, the pause length when it has one, or the counted time away of a
    /// natural break.
    public var length: Duration?
    /// The wall time a pause ends.
    public var until: Duration?
    /// Why a reminder was withdrawn or a pause ended: `paused`, `work-hours`, `replaced` (by
    /// the routine, which covers it), `pause-ended`, `resume`; for a natural break, the away
    /// sources that reported it, comma-separated; `guided` for a routine done step by step;
    /// `daily` for the daily routine offered, snoozed, skipped ("Not today") or done.
    public var reason: String?
    /// The routine done, by its catalog id.
    public var routine: String?

    public init(outcome: Outcome, kind: ReminderKind?, promptID: UInt64?, at now: Moment) {
        self.outcome = outcome
        self.kind = kind
        self.promptID = promptID
        wall = now.wall
        utcOffsetSeconds = now.utcOffsetSeconds
    }
}

/// Today's answers, in the user's local day.
public struct DayCounts: Sendable, Equatable, Codable {
    public var day: LocalDate?
    public var due = 0
    public var done = 0
    public var snoozed = 0
    public var skipped = 0
    public var missed = 0
    /// Time away that counted as a break.
    public var naturalBreaks = 0
    /// Reminders snoozed today that have not come back yet: each is already counted due, so
    /// its next showing (or a `done` before it) is not counted again.
    public var snoozedPending = 0

    public init(day: LocalDate? = nil) { self.day = day }

    enum CodingKeys: String, CodingKey {
        case day, due, done, snoozed, skipped, missed
        case naturalBreaks = "natural_breaks"
        case snoozedPending = "snoozed_pending"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        day = try c.decodeIfPresent(LocalDate.self, forKey: .day)
        due = try c.decodeCount(forKey: .due)
        done = try c.decodeCount(forKey: .done)
        snoozed = try c.decodeCount(forKey: .snoozed)
        skipped = try c.decodeCount(forKey: .skipped)
        missed = try c.decodeCount(forKey: .missed)
        // State saved before natural breaks existed has none.
        naturalBreaks = try c.decodeIfPresent(Int.self, forKey: .naturalBreaks) ?? 0
        // State saved before it existed counted a snooze by taking one off `due` at once.
        snoozedPending = min(max(0, try c.decodeIfPresent(Int.self, forKey: .snoozedPending) ?? 0), 1_000_000)
    }

    mutating func count(_ r: HistoryRecord) {
        count(r.outcome, early: r.early)
    }

    /// Counts one event of the day; events must come in the order they happened.
    /// `limber stats` counts history with this too, so its days agree with `limber status`.
    public mutating func count(_ outcome: Outcome, early: Bool) {
        switch outcome {
        case .naturalBreak:
            naturalBreaks += 1
            // Away long enough while a reminder was snoozed: the break answered it, and it
            // does not come back. It counts as neither due nor done, as before snoozes were
            // held open.
            if snoozedPending > 0 {
                snoozedPending -= 1
                due = max(0, due - 1)
            }
        case .shown, .unshown:
            // One of the two per reminder: it came due, whether or not a server showed it.
            // A snoozed reminder comes back as a new showing: it is still one reminder due,
            // so a reminder snoozed twice and then done counts as one due and one done. It
            // stays counted while it is snoozed, so the day's figures do not dip meanwhile.
            if snoozedPending > 0 { snoozedPending -= 1 } else { due += 1 }
        case .done:
            done += 1
            if early {
                // Done before a snoozed reminder came back: that reminder, counted already.
                if snoozedPending > 0 { snoozedPending -= 1 } else { due += 1 }
            }
        case .snoozed:
            snoozed += 1
            // A reminder shown yesterday and snoozed today is not counted today yet: its next
            // showing is.
            if snoozedPending < due { snoozedPending += 1 }
        case .skipped: skipped += 1
        case .missed: missed += 1
        case .withdrawn:
            // Taken off screen unanswered (a pause, the end of work hours, a routine shown in
            // its place): when it comes back it is a new showing of the same reminder, so
            // pausing and resuming does not count it again.
            due = max(0, due - 1)
        default: break
        }
    }
}
