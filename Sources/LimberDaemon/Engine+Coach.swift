import LimberCatalog
import LimberCore
import LimberProtocol
import Logging

/// What carrying out the coach's effects needs on the loop: the timers it armed and the
/// shows waiting for the server's answer. The coach's own state is in `Coach` (LimberCatalog).
struct CoachCarrier {
    var timers: [CoachTimer: SourceID] = [:]
    /// Coach shows sent, by the presenter's ticket: the slot and the coach's serial.
    var tickets: [UInt64: (slot: CoachSlot, serial: UInt64)] = [:]
}

/// Notification tags of the coach's own notifications, apart from reminders (which use their
/// prompt ids, counting up from 1).
enum CoachTag {
    static let guide: UInt64 = 1 << 62
    static let safety: UInt64 = guide | 1
    static let daily: UInt64 = guide | 2
    static let sitStand: UInt64 = guide | 3
    static let stepUp: UInt64 = guide | 4

    static func isCoach(_ tag: UInt64) -> Bool { tag & guide != 0 }

    static func tag(_ slot: CoachSlot) -> UInt64 {
        switch slot {
        case .guide: guide
        case .safety: safety
        case .daily: daily
        case .sitStand: sitStand
        case .stepUp: stepUp
        }
    }

    static func slot(_ tag: UInt64) -> CoachSlot? {
        CoachSlot.allCases.first { Self.tag($0) == tag }
    }
}

extension Engine {
    /// The coach's settings from the daemon's.
    static func coachConfig(_ s: DaemonSettings, showsSafetyNotice: Bool) -> CoachConfig {
        // Merged on first use: an idle limberd never parses the built-in catalog.
        let catalog = CatalogSource { [builtIn = s.builtInCatalog, own = s.catalog] in
            own.isEmpty ? builtIn.make() : builtIn.make().merged(with: own)
        }
        return CoachConfig(coach: s.coach, catalog: catalog, workHours: s.schedule.workHours,
                           snoozeLimit: s.schedule.snoozeLimit, snoozeDefault: s.schedule.snoozeDefault,
                           sound: s.sound, showsSafetyNotice: showsSafetyNotice)
    }

    var catalog: Catalog { coach.config.catalog }

    /// What the coach sees of the schedule now.
    func scheduleView(at now: Moment) -> ScheduleView {
        ScheduleView(paused: scheduler.state.pause != nil, daily: scheduler.state.daily,
                     dailyShowing: scheduler.dailyShowing, due: scheduler.status(at: now).due?.prompt)
    }

    /// Hands the coach one event and carries its effects out. `settle`: save the coach's state
    /// if it changed and tell status followers (not needed inside a dispatch, which does both).
    @discardableResult
    func coachHandle(_ event: Coach.Event, settle: Bool = true) -> Coach.Reply? {
        let now = clock.now()
        let before = coach.state
        let t = coach.handle(event, schedule: scheduleView(at: now), at: now)
        carryOut(t.effects)
        if settle {
            if coach.state != before { save(clean: false) }
            onStatusChange?()
        }
        return t.reply
    }

    func carryOut(_ effects: [Coach.Effect]) {
        for effect in effects {
            switch effect {
            case .show(let notice, let replacing, let serial):
                let content = PromptContent.coach(notice, next: scheduler.nextSummary(at: clock.now()),
                                                  urgency: settings.urgency, expiry: settings.expiry)
                let ticket = presenter.show(tag: CoachTag.tag(notice.slot), content, replacingServerID: replacing)
                coachCarrier.tickets[ticket] = (notice.slot, serial)
            case .close(let slot):
                presenter.close(tag: CoachTag.tag(slot))
            case .arm(let timer, let after, let scaled):
                if let id = coachCarrier.timers[timer] { loop.cancel(id) }
                coachCarrier.timers[timer] = loop.after(scaled ? clock.realDelay(after) : after) { [unowned self] in
                    self.coachCarrier.timers[timer] = nil
                    self.coachHandle(.timerFired(timer))
                }
            case .cancel(let timer):
                if let id = coachCarrier.timers.removeValue(forKey: timer) { loop.cancel(id) }
            case .scheduler(let event):
                dispatch(event)
            case .guidedStep(let w, let index):
                runGuidedStepHook(w, index: index)
            case .log(let line):
                logger.log(level: line.level == .info ? .info : .notice, Logger.Message(stringLiteral: line.message),
                           metadata: line.metadata.isEmpty ? nil : line.metadata.mapValues { .string($0) })
            }
        }
    }

    // MARK: Where the engine meets the coach

    func startCoach(at now: Moment) { coachHandle(.started, settle: false) }

    func stopCoach() { coachHandle(.stopping, settle: false) }

    /// After a reload: a new catalog and new settings (the timers follow with the dispatch of
    /// the new schedule).
    func coachSettingsReplaced(at now: Moment) {
        coachHandle(.settingsReplaced(Self.coachConfig(settings, showsSafetyNotice: showsSafetyNotice)), settle: false)
    }

    /// What reminder `p` shows (the safety notice goes first, once).
    func chosenContent(for p: Prompt) -> ReminderContent {
        guard case .content(let c)? = coachHandle(.reminderShowing(p), settle: false) else { return .plain }
        return c
    }

    /// Sees every history record: routine days for the step-up suggestion.
    func coachSaw(_ r: HistoryRecord, at now: Moment) { coachHandle(.recorded(r), settle: false) }

    /// Arms the next daily-routine and sit/stand timers and puts the daily routine on screen
    /// or takes it down, after every scheduler event.
    func rescheduleCoach(at now: Moment) {
        guard !stopped else { return }
        coachHandle(.scheduleChanged, settle: false)
    }

    /// The server's answer for one of the coach's notifications.
    func coachNotificationShown(ticket: UInt64, tag: UInt64, _ result: Result<UInt32, ShowFailure>) {
        guard let (slot, serial) = coachCarrier.tickets.removeValue(forKey: ticket) else { return }
        if slot == .daily && stopped { return }
        let answer: CoachShowResult = switch result {
        case .success(let id): .shown(serverID: id)
        case .failure(.superseded): .superseded
        case .failure(let f): .failed(reason: f.reason, message: f.message, timedOut: f == .timedOut)
        }
        coachHandle(.notificationAnswered(slot, serial: serial, answer))
    }

    /// A server appeared (true) or left.
    func coachServerChanged(present: Bool) { coachHandle(.serverChanged(present: present), settle: false) }

    /// Handles an action on one of the coach's notifications or a routine's Start; false when
    /// it is not the coach's to handle.
    func coachAction(tag: UInt64, action: String) -> Bool {
        let slot = CoachTag.slot(tag)
        guard slot != nil || action == "start" else { return CoachTag.isCoach(tag) }  // no such slot: ignored
        coachHandle(.action(slot: slot, tag: tag, action: action))
        return true
    }

    // MARK: Requests

    func respondStart(_ routineID: String?) -> Response {
        switch coachHandle(.startRequested(routine: routineID)) {
        case .started(let routine, let timed)?:
            return .success("\(routine.title): \(routine.steps.count) exercises, about \(routine.minutes) min. Follow the "
                            + "notification: 'limber next' when you have done a step's repetitions"
                            + (timed ? ", holds move on by themselves" : "") + "; 'limber stop' ends it. " + Safety.gentle,
                            status: report(at: clock.now()))
        case let other:
            return coachResponse(other)
        }
    }

    func respondNext() -> Response {
        switch coachHandle(.nextRequested) {
        case .step(let i, let count, let step)?:
            return .success("step \(i + 1) of \(count): \(step.exerciseName), \(step.detail)", status: report(at: clock.now()))
        case .routineDone?:
            return .success("routine done; " + scheduler.nextSummary(at: clock.now()), status: report(at: clock.now()))
        case let other:
            return coachResponse(other)
        }
    }

    func respondStop() -> Response {
        switch coachHandle(.stopRequested) {
        case .stopped(let title)?:
            return .success("\(title) stopped; " + scheduler.nextSummary(at: clock.now()), status: report(at: clock.now()))
        case let other:
            return coachResponse(other)
        }
    }

    private func coachResponse(_ reply: Coach.Reply?) -> Response {
        guard case .refused(let r)? = reply else { return .failure(.internal, "the coach did not answer") }
        let code: ErrorCode = switch r.code {
        case .alreadyGuiding: .alreadyGuiding
        case .unknownRoutine: .unknownRoutine
        case .noRoutine: .noRoutine
        case .notGuiding: .notGuiding
        }
        return .failure(code, r.message)
    }

    // MARK: Status

    /// The guide as the status reports it.
    var guideReport: StatusReport.Guide? {
        guard let g = coach.guide, let i = g.current else { return nil }
        let s = g.steps[i]
        return StatusReport.Guide(routine: g.routineID, title: g.title, step: i + 1, steps: g.steps.count,
                                  text: "\(s.exerciseName): \(s.detail)", waitsForNext: s.kind == .counted)
    }

    /// The standing blocks as the status reports it; nil when the sit/stand reminder is off
    /// and no block runs.
    var standingReport: StatusReport.Standing? {
        var until: Duration?
        if case .standing(let since, let block) = coach.standing { until = since + clock.realDelay(.seconds(block)) }
        guard settings.coach.sitStand.enabled || until != nil else { return nil }
        return StatusReport.Standing(until: until?.components.seconds, next: coach.standingNext?.components.seconds)
    }

    /// The daily routine as the status reports it.
    func dailyReport(_ d: DailyStatus?, at now: Moment) -> StatusReport.Daily? {
        guard let d else { return nil }
        return StatusReport.Daily(routine: d.routine, title: coach.title(ofRoutine: d.routine),
                                  since: d.firstShown.components.seconds,
                                  snoozedUntil: d.snoozeLeft.map { (now.wall + clock.realDelay($0)).components.seconds },
                                  snoozesLeft: d.snoozesLeft)
    }
}
