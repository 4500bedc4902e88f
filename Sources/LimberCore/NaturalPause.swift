// A natural pause: a reminder that comes due while the user is typing or moving the mouse
// waits for a short pause in input (`naturalPauseLength` without input, 10 s by default), for
// at most `naturalPauseMax` (3 min), then is shown anyway. A notification at a breakpoint in
// the work costs less than one in the middle of a sentence.
//
// The engine tells the scheduler whether any source can tell a pause in input on this
// desktop (`inputPauseSource`). Without one, nothing waits: a reminder is never held back
// blindly. While a reminder waits, the scheduler asks the engine to watch for the short
// pause (`watchInputPause`), and to stop once the wait is over (`unwatchInputPause`), so
// nothing is armed, and nothing wakes, at any other time.
//
// The wait is only for a reminder about to be shown for the first time; one already on
// screen is re-shown on its own schedule. Away, a hold, a pause, a guided routine or the end
// of work hours end the wait without a showing (those rules take over). Whatever ends it,
// the time waited goes in the history as a held line with reason `natural_pause`.

/// A reminder waiting for a pause in input. Not saved: after a restart the sources report again.
public struct PauseWaitState: Sendable, Equatable {
    /// The reminder that waits: the routine if it came due meanwhile, else the posture check.
    public var kind: ReminderKind
    public var sinceMonotonic: Duration
    public var sinceWall: Duration
    /// The input source reported the pause: the next evaluation shows the reminder.
    public var paused = false
}

extension Scheduler {
    /// Whether `kind`, due now, is held back for a pause in input: nil to show it now, or the
    /// effects of starting (or going on with) the wait. Called only when nothing is on screen
    /// and nothing else holds reminders.
    mutating func waitForPause(_ kind: ReminderKind, at now: Moment) -> [Effect]? {
        let hold = settings.hold
        guard hold.naturalPause == .on, state.inputPauseSource else { return nil }
        if var wait = state.pauseWait {
            guard !wait.paused, now.monotonic - wait.sinceMonotonic < hold.naturalPauseMax else { return nil }
            wait.kind = kind
            state.pauseWait = wait
            return []
        }
        state.pauseWait = PauseWaitState(kind: kind, sinceMonotonic: now.monotonic, sinceWall: now.wall)
        return [.watchInputPause(hold.naturalPauseLength)]
    }

    /// Ends a wait for a pause, if one is under way: the watch is disarmed and the time waited
    /// recorded (a held line; none under a second, as when the user was already still).
    /// `promptID` is the reminder shown now, nil when the wait ends without a showing.
    mutating func endPauseWait(promptID: UInt64?, at now: Moment) -> [Effect] {
        guard let wait = state.pauseWait else { return [] }
        state.pauseWait = nil
        var effects: [Effect] = [.unwatchInputPause]
        let waited = max(.zero, now.monotonic - wait.sinceMonotonic).components.seconds
        if waited >= 1 {
            var r = HistoryRecord(outcome: .held, kind: wait.kind, promptID: promptID, at: now)
            r.length = .seconds(waited)
            r.reason = HoldSource.naturalPause.rawValue
            effects.append(record(r))
        }
        return effects
    }

    /// The wait cannot end in a showing any more (away, held, paused, guided, outside work
    /// hours, something on screen already): it ends here.
    mutating func settlePauseWait(at now: Moment) -> [Effect] {
        guard state.pauseWait != nil else { return [] }
        let showable = !state.guiding && state.away == nil && state.hold == nil && state.prompt == nil
            && isRunning(at: now) && (state.routine.isDue || state.posture.isDue)
        return showable ? [] : endPauseWait(promptID: nil, at: now)
    }

    /// The input source reported a pause while a reminder waited for one.
    mutating func inputPaused(at now: Moment) -> [Effect] {
        guard var wait = state.pauseWait else { return [] }
        wait.paused = true
        state.pauseWait = wait
        return []
    }

    /// A source that can tell a pause in input appeared (true) or is gone (false). Without
    /// one, a waiting reminder is shown at once (`waitForPause` lets it through).
    mutating func inputPauseSourceChanged(_ available: Bool, at now: Moment) -> [Effect] {
        state.inputPauseSource = available
        return []
    }

    /// When a waiting reminder is shown anyway; nil when nothing waits.
    func pauseWaitDeadline(at now: Moment) -> Duration? {
        guard let wait = state.pauseWait else { return nil }
        return wait.sinceMonotonic + settings.hold.naturalPauseMax - now.monotonic
    }
}
