/// A reminder on screen, as the engine shows it.
public struct Prompt: Sendable, Equatable {
    /// Identifies this reminder across its showings; actions carry it back.
    public var id: UInt64
    public var kind: ReminderKind
    /// 1 for the first showing, then 2, 3... for re-shows (which replace it in place).
    public var show: Int
    /// The last showing before it counts as missed: critical urgency.
    public var isFinal: Bool
    public var snoozesLeft: Int
    /// How many reminders of this kind came before: the engine rotates content with it.
    public var serial: Int
    /// Shown again after a restart or on request: replace what is on screen, count nothing.
    public var isRepeat: Bool
    /// Shown after a long hold (do not disturb): low urgency, no sound.
    public var quiet = false
}

/// What the engine must carry out after an event.
public enum Effect: Sendable, Equatable {
    /// Show the prompt, replacing its earlier showing in place.
    case show(Prompt)
    /// Take the prompt's notification off screen.
    case withdraw(promptID: UInt64)
    /// Append to history.
    case record(HistoryRecord)
    /// A reminder waits for a pause in input: tell the scheduler (`inputPaused`) once there
    /// has been none for this long (NaturalPause.swift).
    case watchInputPause(Duration)
    /// The wait is over: stop watching for a pause.
    case unwatchInputPause
}

/// Why the scheduler refused a request.
public struct Refusal: Error, Sendable, Equatable {
    public enum Code: String, Sendable {
        case nothingDue = "nothing-due"
        case snoozeLimit = "snooze-limit"
        /// A snooze shorter or longer than `ScheduleSettings.snoozeRange`.
        case snoozeLength = "snooze-length"
        case paused = "paused"
        case notPaused = "not-paused"
    }

    public var code: Code
    /// What happened and what to do instead.
    public var message: String
}

/// The scheduler's answer to a request.
public enum Reply: Sendable, Equatable {
    case ok(String)
    case refused(Refusal)
}

/// An answer to a due reminder.
public enum Answer: Sendable, Equatable {
    case done
    /// Snooze for the given length, or the configured default.
    case snooze(Duration?)
    case skip
}

/// How long to pause.
public enum PauseLength: Sendable, Equatable {
    case indefinitely
    case duration(Duration)
    /// Until the next time the local clock shows hour:minute, taking the current UTC offset
    /// to hold until then (tests; the engine resolves it with `Scheduler.nextWall`).
    case until(hour: Int, minute: Int)
    /// Until a wall time, and the UTC offset in force then (for saying it in local time).
    case untilWall(Duration, utcOffsetSeconds: Int)
}

/// Past-tense facts the scheduler reacts to.
public enum Event: Sendable, Equatable {
    /// Time passed (a timer fired or the engine wants fresh figures).
    case tick
    /// The user answered; `promptID` is set when the answer came from a notification, and an
    /// answer to a reminder that is no longer on screen is ignored.
    case answered(Answer, promptID: UInt64?)
    case pauseRequested(PauseLength)
    case resumeRequested
    /// `limber now KIND`.
    case dueNowRequested(ReminderKind)
    /// A new configuration: elapsed time stays; new intervals apply from the next reminder.
    case settingsReplaced(ScheduleSettings)
    /// A guided routine began: nothing is shown or re-shown until it ends (Scheduler+Guide).
    case guideBegan
    /// The guided routine `routine` ended, every step done or stopped early.
    case guideEnded(completed: Bool, routine: String?)
    /// A source reports the user away; they left `idleFor` ago (its idle threshold, or zero).
    case awayBegan(AwaySource, idleFor: Duration)
    /// A source reports the user back.
    case awayEnded(AwaySource)
    /// The daily routine `routine` came due at its time of day (Scheduler+Daily).
    case dailyOffered(routine: String)
    /// A notification server displayed showing `show` of reminder `promptID`: it answered
    /// the call with an id. Only now does the history say the reminder was shown.
    case notificationShown(promptID: UInt64, show: Int)
    /// Showing `show` of reminder `promptID` reached no server; `reason` is `no-server`,
    /// `timeout` (a server took the call and never answered) or `error`.
    case notificationFailed(promptID: UInt64, show: Int, reason: String)
    /// A notification server is on the session bus (it appeared, or limber learned it is there).
    case notificationServerAppeared
    /// The notification server left the session bus: what it displayed is gone with it.
    case notificationServerVanished
    /// A source starts holding reminders (do not disturb, an inhibitor): Holds.swift.
    case holdBegan(HoldSource)
    /// A source stops holding reminders.
    case holdEnded(HoldSource)
    /// No input came for the length `watchInputPause` asked for.
    case inputPaused
    /// Whether a source that can tell a pause in input is there now.
    case inputPauseSource(Bool)
}

/// The result of handling an event.
public struct Transition: Sendable, Equatable {
    public var effects: [Effect] = []
    /// Set for requests (answers, pause, resume, now).
    public var reply: Reply?
}

/// The scheduling state machine: events in, effects out. It never reads a clock.
public struct Scheduler: Sendable, Equatable {
    public private(set) var settings: ScheduleSettings
    public internal(set) var state: SchedulerState

    /// A fresh schedule starting at `now`.
    public init(settings: ScheduleSettings, seed: UInt64, at now: Moment) {
        self.settings = settings
        var rng = SplitMix64(seed: seed)
        let posture = rng.seconds(between: settings.postureMin, and: settings.postureMax)
        state = SchedulerState(
            posture: .init(elapsed: .zero, interval: posture),
            routine: .init(elapsed: .zero, interval: settings.routineInterval),
            rng: rng, anchorMonotonic: now.monotonic, anchorWall: now.wall,
            anchorUTCOffset: now.utcOffsetSeconds, today: DayCounts(day: now.local.date))
        state.anchorBoottime = now.boottime
        state.presentSinceBoot = now.boottime
    }

    /// A schedule restored from a saved state.
    ///
    /// `creditDowntime`: the previous daemon died without saving (no clean stop) in this same
    /// boot, so the saved monotonic anchor is still meaningful and the time since counts as
    /// running, and an away period it knew of continues (the desktop's sources report again
    /// once they are reached). Otherwise the time the daemon was down does not count and
    /// nothing of an absence is kept. A reminder that was on screen is shown again in place,
    /// unless it waits for the user to come back.
    public static func restore(_ saved: SchedulerState, settings: ScheduleSettings, creditDowntime: Bool,
                               at now: Moment) -> (Scheduler, [Effect]) {
        var s = Scheduler(settings: settings, state: saved)
        var effects: [Effect] = []
        // This process has not heard from a server about it yet.
        s.state.prompt?.displayed = false
        if creditDowntime, now.monotonic >= saved.anchorMonotonic {
            effects += s.advance(to: now)
            // A daemon that runs is awake: a sleep logind reported to the last one is over.
            effects += s.endAway(.sleep, at: now)
        } else {
            s.state.anchorMonotonic = now.monotonic
            s.state.anchorBoottime = now.boottime
            s.state.anchorWall = now.wall
            s.state.anchorUTCOffset = now.utcOffsetSeconds
            s.state.away = nil
            s.state.graceUntil = nil
            s.state.presentSinceBoot = now.boottime
            if var p = s.state.prompt {
                p.nextActionAt = now.monotonic + settings.reshowDelay
                p.held = false
                s.state.prompt = p
            }
            effects += s.expirePause(at: now)
            // Back outside work hours (the next morning, say): the reminder left on screen
            // waits for work to start, as if work hours had ended while limberd ran.
            if let p = s.state.prompt, !settings.workHours.contains(now.local) {
                effects += s.settleUnrecorded(at: now)
                s.state.prompt = nil
                var r = HistoryRecord(outcome: .withdrawn, kind: p.kind, promptID: p.id, at: now)
                r.reason = "work-hours"
                effects += [.withdraw(promptID: p.id), s.record(r)]
            }
        }
        if let p = s.state.prompt, s.state.away == nil, !p.held {
            effects.append(.show(s.prompt(p, isRepeat: true)))
        }
        return (s, effects + s.evaluate(at: now))
    }

    private init(settings: ScheduleSettings, state: SchedulerState) {
        self.settings = settings
        self.state = state
    }

    /// Handles one event at `now`.
    public mutating func handle(_ event: Event, at now: Moment) -> Transition {
        var t = Transition()
        t.effects = advance(to: now)
        switch event {
        case .tick:
            break
        case .answered(let answer, let id):
            if let id, state.prompt?.id != id {
                if id == state.daily?.promptID, dailyShowing {  // the daily routine's own buttons
                    t.effects += answerDaily(answer, at: now, reply: &t.reply)
                    t.effects += evaluate(at: now)
                }
                return t  // else a stale notification: its reminder was already answered or withdrawn
            }
            state.presentSinceBoot = max(state.presentSinceBoot, now.boottime)
            t.effects += answerPrompt(answer, at: now, reply: &t.reply)
        case .pauseRequested(let length):
            t.effects += pause(length, at: now, reply: &t.reply)
        case .resumeRequested:
            if state.pause == nil {
                t.reply = .refused(Refusal(code: .notPaused, message: "reminders are not paused"))
            } else {
                state.pause = nil
                var r = HistoryRecord(outcome: .resumed, kind: nil, promptID: nil, at: now)
                r.reason = "resume"
                t.effects.append(record(r))
                t.reply = .ok("reminders resumed; " + nextSummary(at: now))
            }
        case .dueNowRequested(let kind):
            t.effects += dueNow(kind, at: now, reply: &t.reply)
        case .settingsReplaced(let new):
            settings = new
            t.effects += reapplyPolicies(at: now)
            t.effects += reapplyHoldPolicies(at: now)
        case .guideBegan:
            t.effects += beginGuide(at: now)
        case .guideEnded(let completed, let routine):
            t.effects += endGuide(completed: completed, routine: routine, at: now)
        case .awayBegan(let source, let idleFor):
            t.effects += beginAway(source, idleFor: idleFor, at: now)
        case .awayEnded(let source):
            t.effects += endAway(source, at: now)
        case .dailyOffered(let routine):
            t.effects += offerDaily(routine, at: now)
        case .notificationShown(let id, let show):
            if id == state.daily?.promptID {
                t.effects += dailyNotificationShown(id, at: now)
            } else {
                t.effects += notificationShown(id, show: show, at: now)
            }
        case .notificationFailed(let id, let show, let reason):
            if id == state.daily?.promptID {
                t.effects += dailyNotificationFailed(id, reason: reason, at: now)
            } else {
                t.effects += notificationFailed(id, show: show, reason: reason, at: now)
            }
        case .notificationServerAppeared:
            t.effects += serverAppeared(at: now)
        case .holdBegan(let source):
            t.effects += beginHold(source, at: now)
        case .holdEnded(let source):
            t.effects += endHold(source, at: now)
        case .inputPaused:
            t.effects += inputPaused(at: now)
        case .inputPauseSource(let available):
            t.effects += inputPauseSourceChanged(available, at: now)
        case .notificationServerVanished:
            if var p = state.prompt {
                p.displayed = false
                state.prompt = p
            }
        }
        t.effects += evaluate(at: now)
        t.effects += evaluateDaily(at: now)
        return t
    }

    // MARK: Time

    /// Accrues active time from the anchor to `now`, ends a pause whose time has come, and
    /// notices sleep that no source reported.
    ///
    /// Active time runs on CLOCK_MONOTONIC, so suspend, NTP steps and zone changes neither
    /// add to an interval nor take from it; only the work-hours check reads the wall clock.
    mutating func advance(to now: Moment) -> [Effect] {
        var effects: [Effect] = []
        let last = LocalTime(wall: state.anchorWall, utcOffsetSeconds: state.anchorUTCOffset)
        let delta = max(.zero, now.monotonic - state.anchorMonotonic)
        let slept = state.anchorBoottime.map { (now.boottime - now.monotonic) - ($0 - state.anchorMonotonic) }
        var active = Duration.zero
        if delta > .zero, state.away == nil {
            if let pause = state.pause {
                if let until = pause.until, now.wall >= until {
                    // Credit only the part after the pause ended.
                    active = min(delta, now.wall - until)
                }
            } else {
                active = activeTime(delta, from: last, to: now.local, slept: max(.zero, slept ?? .zero))
            }
        }
        let wasInWork = settings.workHours.contains(last)
        effects += expirePause(at: now)
        if active > .zero {
            state.posture.elapsed += active
            state.routine.elapsed += active
        }
        state.anchorMonotonic = now.monotonic
        state.anchorBoottime = now.boottime
        state.anchorWall = now.wall
        state.anchorUTCOffset = now.utcOffsetSeconds
        if state.today.day != now.local.date {
            state.today = DayCounts(day: now.local.date)
        }
        // Work hours ended with a reminder on screen: take it off; it stays due for next time.
        if wasInWork, !settings.workHours.contains(now.local), let p = state.prompt {
            effects += settleUnrecorded(at: now)
            state.prompt = nil
            var r = HistoryRecord(outcome: .withdrawn, kind: p.kind, promptID: p.id, at: now)
            r.reason = "work-hours"
            effects += [.withdraw(promptID: p.id), record(r)]
        }
        if let slept {
            effects += noticeSleep(slept, at: now)
        }
        return effects
    }

    /// The part of `delta` (monotonic time between two local times) that was inside work hours.
    /// The engine wakes at each work-hours boundary, so one boundary at most lies between.
    /// `slept`: the machine was asleep for this long in between; the engine notices a wake-up
    /// at once, so the sleep is taken to have ended at `now` (a suspend from before the start
    /// of work hours to after it leaves no awake time inside them).
    func activeTime(_ delta: Duration, from last: LocalTime, to now: LocalTime, slept: Duration = .zero) -> Duration {
        let hours = settings.workHours
        if hours.isAlways { return delta }
        if hours.contains(last) {
            guard let left = hours.secondsUntilChange(from: last) else { return delta }
            return min(delta, .seconds(left))
        }
        if hours.contains(now) {
            guard let since = hours.secondsSinceChange(at: now) else { return delta }
            return min(delta, max(.zero, .seconds(since) - slept))
        }
        return .zero
    }

    private mutating func expirePause(at now: Moment) -> [Effect] {
        guard let until = state.pause?.until, now.wall >= until else { return [] }
        state.pause = nil
        var r = HistoryRecord(outcome: .resumed, kind: nil, promptID: nil, at: now)
        r.reason = "pause-ended"
        return [record(r)]
    }

    /// Whether active time is accruing now.
    func isRunning(at now: Moment) -> Bool {
        state.pause == nil && state.away == nil && settings.workHours.contains(now.local)
    }

    /// Shows what came due, re-shows what is unanswered, and records what was missed.
    ///
    /// Nothing happens at an empty chair: while the user is away no reminder is shown, none
    /// is re-shown and none is recorded as missed; after a return, the grace period passes
    /// first.
    mutating func evaluate(at now: Moment) -> [Effect] {
        var effects = settlePauseWait(at: now)
        guard !state.guiding else { return effects }
        guard state.away == nil else { return effects }
        if state.hold != nil { return effects + evaluateHeld(at: now) }
        if var p = state.prompt, p.held {
            guard now.monotonic >= p.nextActionAt else { return effects }
            p.held = false
            p.nextActionAt = now.monotonic + settings.reshowDelay
            state.prompt = p
            return [.show(prompt(p, isRepeat: true))]
        }
        if var p = state.prompt {
            if p.kind == .posture, state.routine.isDue, state.pause == nil {
                // The routine came due too: one prompt, the routine, which counts as the check.
                effects += replace(p, at: now)
                effects += showNew(.routine, at: now)
                return effects
            }
            if now.monotonic >= p.nextActionAt {
                if !p.displayed {
                    // No server shows it (none there, or the last call failed or is still
                    // waiting): try the same showing again; nobody can have missed it yet.
                    p.nextActionAt = now.monotonic + settings.reshowDelay
                    state.prompt = p
                    effects.append(.show(prompt(p, isRepeat: true)))
                } else if p.shows <= settings.reshowCount {
                    // Recorded `reshown` when a server answers (notificationShown).
                    p.shows += 1
                    p.nextActionAt = now.monotonic + settings.reshowDelay
                    p.displayed = false
                    state.prompt = p
                    effects.append(.show(prompt(p, isRepeat: false)))
                } else {
                    effects += resolve(p, .missed, at: now)
                }
            }
            return effects
        }
        guard isRunning(at: now) else { return effects }
        if let grace = state.graceUntil, now.monotonic < grace { return effects }
        state.graceUntil = nil
        let due: ReminderKind? = state.routine.isDue ? .routine : state.posture.isDue ? .posture : nil
        guard let kind = due else { return effects }
        if let waiting = waitForPause(kind, at: now) { return effects + waiting }
        return effects + showNew(kind, at: now)
    }

    mutating func showNew(_ kind: ReminderKind, at now: Moment) -> [Effect] {
        // What waited for a pause in input is shown now (or `limber now` came first).
        let waited = endPauseWait(promptID: state.nextPromptID + 1, at: now)
        state.nextPromptID += 1
        let p = PromptState(id: state.nextPromptID, kind: kind, shows: 1, firstShownWall: now.wall,
                            nextActionAt: now.monotonic + settings.reshowDelay,
                            serial: kind == .posture ? state.postureSerial : state.routineSerial)
        if kind == .posture { state.postureSerial += 1 } else { state.routineSerial += 1 }
        var fresh = p
        fresh.seen = false
        fresh.recordedShow = 0
        state.prompt = fresh
        // Recorded `shown` or `unshown` when the server answers (or does not).
        return waited + [.show(prompt(fresh, isRepeat: false))]
    }

    // MARK: The notification server

    private mutating func notificationShown(_ id: UInt64, show: Int, at now: Moment) -> [Effect] {
        guard var p = state.prompt, p.id == id else { return [] }  // answered or withdrawn since
        p.displayed = true
        var effects: [Effect] = []
        if !p.seen {
            p.seen = true
            var r = HistoryRecord(outcome: p.recordedShow == 0 ? .shown : .reshown, kind: p.kind, promptID: p.id, at: now)
            r.show = show
            if p.recordedShow > 0 {
                r.reason = "late"
                // Seen only now: the user gets the whole re-show delay from here, not what was
                // left of it while no server showed the reminder.
                p.nextActionAt = now.monotonic + settings.reshowDelay
            }
            p.recordedShow = max(p.recordedShow, show)
            effects.append(record(r))
        } else if show > p.recordedShow {
            var r = HistoryRecord(outcome: .reshown, kind: p.kind, promptID: p.id, at: now)
            r.show = show
            p.recordedShow = show
            effects.append(record(r))
        }
        state.prompt = p
        return effects
    }

    private mutating func notificationFailed(_ id: UInt64, show: Int, reason: String, at now: Moment) -> [Effect] {
        guard var p = state.prompt, p.id == id else { return [] }
        p.displayed = false
        // One line per reminder that came due unseen; later failures are only logged.
        guard p.recordedShow == 0 else {
            state.prompt = p
            return []
        }
        p.recordedShow = max(1, show)
        state.prompt = p
        var r = HistoryRecord(outcome: .unshown, kind: p.kind, promptID: p.id, at: now)
        r.show = show
        r.reason = reason
        return [record(r)]
    }

    /// Shows the reminder on screen that no server displays now (one appeared after none was
    /// there, or came back after leaving), with its re-show clock starting over.
    private mutating func serverAppeared(at now: Moment) -> [Effect] {
        guard var p = state.prompt, !p.displayed, !p.held, state.away == nil, state.hold == nil, !state.guiding else { return [] }
        p.nextActionAt = now.monotonic + settings.reshowDelay
        state.prompt = p
        return [.show(prompt(p, isRepeat: true))]
    }

    /// The prompt on screen is taken off (answered, withdrawn, replaced): if no server had
    /// answered for it yet, the history first says it came due unseen, so every reminder
    /// counts once as due.
    mutating func settleUnrecorded(at now: Moment) -> [Effect] {
        guard var p = state.prompt, p.recordedShow == 0 else { return [] }
        p.recordedShow = p.shows
        state.prompt = p
        var r = HistoryRecord(outcome: .unshown, kind: p.kind, promptID: p.id, at: now)
        r.show = p.shows
        r.reason = "pending"
        return [record(r)]
    }

    func prompt(_ p: PromptState, isRepeat: Bool) -> Prompt {
        Prompt(id: p.id, kind: p.kind, show: p.shows, isFinal: p.shows > settings.reshowCount,
               snoozesLeft: max(0, settings.snoozeLimit - timer(p.kind).snoozes),
               serial: p.serial, isRepeat: isRepeat)
    }

    /// Takes a posture check off screen for the routine shown in its place (the routine covers
    /// it), recorded as withdrawn so that the day counts one reminder due, not two.
    private mutating func replace(_ p: PromptState, at now: Moment) -> [Effect] {
        let settled = settleUnrecorded(at: now)
        state.prompt = nil
        var r = HistoryRecord(outcome: .withdrawn, kind: p.kind, promptID: p.id, at: now)
        r.reason = "replaced"
        return settled + [.withdraw(promptID: p.id), record(r)]
    }

    /// Ends a prompt with `outcome`: records it and restarts the interval(s) it covers.
    private mutating func resolve(_ p: PromptState, _ outcome: Outcome, at now: Moment) -> [Effect] {
        let settled = settleUnrecorded(at: now)
        state.prompt = nil
        restart(p.kind)
        return settled + [.withdraw(promptID: p.id), record(HistoryRecord(outcome: outcome, kind: p.kind, promptID: p.id, at: now))]
    }

    /// A routine covers the posture check too, so finishing one restarts both intervals.
    mutating func restart(_ kind: ReminderKind) {
        state.posture = .init(elapsed: .zero,
                              interval: state.rng.seconds(between: settings.postureMin, and: settings.postureMax))
        if kind == .routine {
            state.routine = .init(elapsed: .zero, interval: settings.routineInterval)
        }
    }

    private func timer(_ kind: ReminderKind) -> ReminderTimer {
        kind == .posture ? state.posture : state.routine
    }

    mutating func record(_ r: HistoryRecord) -> Effect {
        state.today.count(r)
        return .record(r)
    }

    // MARK: Requests

    private mutating func answerPrompt(_ answer: Answer, at now: Moment, reply: inout Reply?) -> [Effect] {
        guard let p = state.prompt else {
            if dailyShowing { return answerDaily(answer, at: now, reply: &reply) }
            switch answer {
            case .done:
                return doneEarly(at: now, reply: &reply)
            case .snooze, .skip:
                reply = .refused(Refusal(code: .nothingDue,
                    message: "nothing is due to \(answer == .skip ? "skip" : "snooze"); " + nextSummary(at: now)))
                return []
            }
        }
        switch answer {
        case .done, .skip:
            let effects = resolve(p, answer == .done ? .done : .skipped, at: now)
            reply = .ok("\(p.kind.displayName) \(answer == .done ? "done" : "skipped"); " + nextSummary(at: now))
            return effects
        case .snooze(let length):
            if let length, !ScheduleSettings.snoozeRange.contains(length) {
                reply = .refused(Refusal(code: .snoozeLength, message: Self.snoozeLengthProblem(length)))
                return []
            }
            let used = timer(p.kind).snoozes
            guard used < settings.snoozeLimit else {
                reply = .refused(Refusal(code: .snoozeLimit, message:
                    "this \(p.kind.displayName) was already snoozed \(used) times, the limit; "
                    + "answer it with 'limber done' or 'limber skip', or pause reminders with 'limber pause'"))
                return []
            }
            let d = length ?? settings.snoozeDefault
            let settled = settleUnrecorded(at: now)
            state.prompt = nil
            if p.kind == .posture { state.posture.snoozes += 1 } else { state.routine.snoozes += 1 }
            // Nothing comes due before the snooze ends: push every reminder to at least `d` away.
            for kind in ReminderKind.allCases {
                var t = timer(kind)
                if t.remaining < d { t.dueAt = t.elapsed + d }
                if kind == .posture { state.posture = t } else { state.routine = t }
            }
            var r = HistoryRecord(outcome: .snoozed, kind: p.kind, promptID: p.id, at: now)
            r.length = d
            let left = settings.snoozeLimit - used - 1
            reply = .ok("\(p.kind.displayName) snoozed for \(formatDuration(d))"
                        + (left == 0 ? "; that was the last snooze for it" : " (\(left) snooze\(left == 1 ? "" : "s") left)"))
            return settled + [.withdraw(promptID: p.id), record(r)]
        }
    }

    /// Why a snooze of `length` is refused, and what to do instead.
    public static func snoozeLengthProblem(_ length: Duration) -> String {
        let range = ScheduleSettings.snoozeRange
        return "a snooze lasts \(DurationText.format(range.lowerBound)) to \(DurationText.format(range.upperBound)), "
            + "not \(DurationText.format(length)); "
            + (length > range.upperBound ? "to stop reminders for longer, run 'limber pause \(DurationText.format(length))'"
                                          : "for a shorter break, answer with 'limber done' when you are back")
    }

    private mutating func doneEarly(at now: Moment, reply: inout Reply?) -> [Effect] {
        // The break was taken before the reminder: complete whichever comes due first.
        let kind: ReminderKind = state.routine.remaining <= state.posture.remaining ? .routine : .posture
        restart(kind)
        var r = HistoryRecord(outcome: .done, kind: kind, promptID: nil, at: now)
        r.early = true
        reply = .ok("\(kind.displayName) done early; " + nextSummary(at: now))
        return [record(r)]
    }

    private mutating func pause(_ length: PauseLength, at now: Moment, reply: inout Reply?) -> [Effect] {
        var effects: [Effect] = []
        let until: Duration?
        var endOffset = now.utcOffsetSeconds
        switch length {
        case .indefinitely:
            until = nil
        case .duration(let d):
            until = now.wall + d
        case .until(let hour, let minute):
            (until, endOffset) = Self.nextWall(hour: hour, minute: minute, after: now)
        case .untilWall(let wall, let offset):
            (until, endOffset) = (wall, offset)
        }
        state.pause = PauseState(until: until)
        if let p = state.prompt {
            effects += settleUnrecorded(at: now)
            state.prompt = nil
            var w = HistoryRecord(outcome: .withdrawn, kind: p.kind, promptID: p.id, at: now)
            w.reason = "paused"
            effects += [.withdraw(promptID: p.id), record(w)]
        }
        var r = HistoryRecord(outcome: .paused, kind: nil, promptID: nil, at: now)
        r.until = until
        if case .duration(let d) = length { r.length = d }
        effects.append(record(r))
        if let until {
            let end = LocalTime(wall: until, utcOffsetSeconds: endOffset)
            let day = end.date == now.local.date ? "" : (end.date.daysSinceEpoch - now.local.date.daysSinceEpoch == 1
                ? "tomorrow " : "\(end.date) ")
            reply = .ok("reminders paused until \(day)\(end.clockText); 'limber resume' resumes them sooner")
        } else {
            reply = .ok("reminders paused until you run 'limber resume'")
        }
        return effects
    }

    /// The next wall time after `now` at which the local clock shows hour:minute, and the UTC
    /// offset then. `utcOffsetAt` gives the zone's offset at a wall time (the engine reads the
    /// time-zone database), so across a DST change 08:00 is still 08:00 on the clock.
    ///
    /// A time the clock skips (02:30 on a spring-forward night in Europe/Berlin) resolves
    /// forward, to the first instant after the gap (03:00), as it would come on a wall clock.
    public static func nextWall(hour: Int, minute: Int, after now: Moment,
                                utcOffsetAt: ((Duration) -> Int)? = nil) -> (wall: Duration, utcOffsetSeconds: Int) {
        var ahead = hour * 3600 + minute * 60 - now.local.secondOfDay
        if ahead <= 0 { ahead += 86_400 }
        let wall = now.wall + .seconds(ahead)
        guard let utcOffsetAt else { return (wall, now.utcOffsetSeconds) }
        let offset = utcOffsetAt(wall)
        guard offset != now.utcOffsetSeconds else { return (wall, offset) }
        // The clocks change in between: the same local time comes sooner (spring forward) or
        // later (fall back) in real time.
        let shifted = wall - .seconds(offset - now.utcOffsetSeconds)
        if utcOffsetAt(shifted) == offset, shifted > now.wall { return (shifted, offset) }
        // Under the old offset hour:minute is after the change, under the new one before it:
        // the clock never shows it. The change lies between the two; find it to the second.
        var before = min(shifted, wall)
        var after = max(shifted, wall)
        while after - before > .seconds(1) {
            let middle = before + (after - before) / 2
            if utcOffsetAt(middle) == offset { after = middle } else { before = middle }
        }
        let (seconds, attoseconds) = after.components
        let whole = Duration.seconds(seconds + (attoseconds > 0 ? 1 : 0))
        let change = utcOffsetAt(whole - .seconds(1)) == offset ? whole - .seconds(1) : whole
        return (max(change, now.wall + .seconds(1)), offset)
    }

    private mutating func dueNow(_ kind: ReminderKind, at now: Moment, reply: inout Reply?) -> [Effect] {
        if let until = state.pause.map({ $0.until }) {
            let when = until.map { " until " + LocalTime(wall: $0, utcOffsetSeconds: now.utcOffsetSeconds).clockText } ?? ""
            reply = .refused(Refusal(code: .paused,
                message: "reminders are paused\(when); run 'limber resume' first"))
            return []
        }
        if var p = state.prompt, p.kind == kind || p.kind == .routine {
            if p.held {  // asked for, so no longer waiting for the grace period
                p.held = false
                p.nextActionAt = now.monotonic + settings.reshowDelay
                state.prompt = p
            }
            reply = .ok("the \(p.kind.displayName) is showing again")
            return [.show(prompt(p, isRepeat: true))]
        }
        // Due at once, while the active time spent stays what it was.
        if kind == .posture { state.posture.dueAt = state.posture.elapsed } else {
            state.routine.dueAt = state.routine.elapsed
        }
        var effects: [Effect] = []
        if let p = state.prompt {  // a posture check is showing and a routine was asked for
            effects += replace(p, at: now)
        }
        effects += showNew(kind, at: now)
        reply = .ok("\(kind.displayName) due now")
        return effects
    }

    // MARK: Queries

    /// A snapshot for `limber status`, as of `now` (accrual included).
    public func status(at now: Moment) -> ScheduleStatus {
        var s = self
        _ = s.advance(to: now)
        let mode: ScheduleStatus.Mode
        if let pause = s.state.pause {
            mode = .paused(until: pause.until)
        } else if !s.settings.workHours.contains(now.local) {
            let back = s.settings.workHours.secondsUntilChange(from: now.local).map { now.wall + .seconds($0) }
            mode = .offHours(until: back)
        } else {
            mode = .active
        }
        let due = s.state.prompt.map {
            ScheduleStatus.Due(prompt: s.prompt($0, isRepeat: false), firstShown: $0.firstShownWall,
                               held: $0.held || s.state.away != nil)
        }
        let presence = ScheduleStatus.Presence(
            awayBy: s.state.away.map { $0.sources.sorted() } ?? [],
            awaySince: s.state.away?.sinceWall,
            lastActive: s.state.away?.sinceWall ?? now.wall)
        return ScheduleStatus(
            mode: mode, due: due, presence: presence, hold: s.holdStatus,
            daily: s.dailyStatus(at: now),
            next: ReminderKind.allCases.map { kind in
                let t = s.timer(kind)
                return .init(kind: kind, remaining: max(.zero, t.remaining),
                             elapsed: max(.zero, t.elapsed), interval: t.interval, snoozed: t.isSnoozed,
                             snoozes: t.snoozes)
            },
            today: s.state.today)
    }

    /// How long until something needs the scheduler's attention, measured from `now`:
    /// a reminder due, a re-show, the end of a pause or of a grace period, or a work-hours
    /// boundary.
    ///
    /// `utcOffsetAt` gives the zone's offset at a wall time (the engine reads the time-zone
    /// database): a work-hours boundary past a DST change is then woken for at its local
    /// time, not an hour early or late. Without it the current offset is assumed to hold.
    public func nextWake(at now: Moment, utcOffsetAt: ((Duration) -> Int)? = nil) -> Duration? {
        var s = self
        _ = s.advance(to: now)
        var candidates: [Duration] = []
        if let wait = s.holdWake(at: now) { candidates.append(wait) }
        if let p = s.state.prompt, s.state.away == nil, !s.state.guiding, s.state.hold == nil {
            candidates.append(p.nextActionAt - now.monotonic)
        }
        if let grace = s.state.graceUntil, grace > now.monotonic, s.state.away == nil {
            candidates.append(grace - now.monotonic)
        }
        if let until = s.state.daily?.snoozedUntil {
            candidates.append(min(until - now.monotonic, ScheduleSettings.snoozeRange.upperBound))
        }
        if let pause = s.state.pause {
            if let until = pause.until { candidates.append(until - now.wall) }
        } else {
            if let change = s.settings.workHours.secondsUntilChange(from: now.local) {
                var wait = Duration.seconds(change)
                if let offset = utcOffsetAt?(now.wall + wait), offset != now.utcOffsetSeconds {
                    // The clocks change before the boundary: the same local time comes
                    // sooner (spring forward) or later (fall back) in real time.
                    wait -= .seconds(offset - now.utcOffsetSeconds)
                }
                candidates.append(max(.seconds(1), wait))
            }
            if let deadline = s.pauseWaitDeadline(at: now) {
                // Waiting for a pause in input: the input source wakes it sooner, else this.
                candidates.append(deadline)
            } else if s.isRunning(at: now), !s.state.guiding, s.state.hold == nil {
                // Nothing new is shown before a grace period ends.
                let notBefore = s.state.graceUntil.map { max(.zero, $0 - now.monotonic) } ?? .zero
                for kind in ReminderKind.allCases where s.state.prompt?.kind != kind {
                    if kind == .posture, s.state.prompt?.kind == .routine { continue }
                    candidates.append(max(notBefore, s.timer(kind).remaining))
                }
            }
        }
        return candidates.map { max(.zero, $0) }.min()
    }

    /// "posture check in 12 min, routine in 40 min" (or paused, or due).
    public func nextSummary(at now: Moment) -> String {
        status(at: now).summary(at: now)
    }
}
