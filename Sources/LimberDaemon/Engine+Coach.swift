import LimberCatalog
import LimberConfig
import LimberCore
import LimberProtocol
import Logging

/// The engine's part that knows what to do in a break: which routine or cue a reminder
/// shows, the guided walkthrough, the first-start safety notice, and the optional daily
/// routine, sit/stand reminder and step-up suggestion. Its state lives in `Engine.coach`;
/// everything runs on the loop thread, and every timer is a one-shot `loop.after` armed only
/// for something that will happen (nothing ticks while limberd waits).
struct CoachRuntime {
    var state: CoachState
    /// The routine being walked through, if any.
    var guide: Walkthrough?
    var guideTimer: SourceID?
    var dailyTimer: SourceID?
    var sitStandTimer: SourceID?
    var sitStandEndTimer: SourceID?
    /// This limberd put the daily routine's notification up (after a restart the server id
    /// saved is one to replace, not one on screen from here).
    var dailyShownHere = false
    /// The daily routine's show sent and not answered yet: the ticket, and which offer.
    var dailyPending: (ticket: UInt64, promptID: UInt64)?
    /// No server showed the daily routine: it is sent again when one appears, not at every
    /// event (each try at a hung server would hold the notifier's thread for 25 s).
    var dailyWaitsForServer = false
    /// Wall time the standing block under way ends.
    var standingUntil: Duration?
    /// Wall time of the next standing block, when the sit/stand reminder is on.
    var standingNext: Duration?
    /// The built-in catalog merged with the user's entries; built on first use, dropped on reload.
    var catalog: Catalog?
    /// The safety notice was sent and the server has not answered yet.
    var safetyNoticePending = false
    /// The server took the safety notice and never answered: it is sent again only when a
    /// server appears, not before every notification (each try would hold the notifier's
    /// thread for 25 s, and the reminder behind it).
    var safetyNoticeHeldBack = false

    init(state: CoachState) { self.state = state }
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
}

extension Engine {
    /// How late a daily routine may still be offered, and a standing block still suggested.
    static let dailyGrace = 2 * 3600
    static let sitStandGrace = 30 * 60

    var catalog: Catalog {
        if let c = coach.catalog { return c }
        let c = settings.catalog.isEmpty ? BuiltInCatalog.catalog : BuiltInCatalog.catalog.merged(with: settings.catalog)
        coach.catalog = c
        return c
    }

    // MARK: Start and stop

    func startCoach(at now: Moment) {
        // A walkthrough does not survive a restart: take its stale notification down.
        if let stale = coach.state.guideServerID {
            presenter.show(tag: CoachTag.guide, PromptContent.guideStoppedByRestart, replacingServerID: stale)
            presenter.close(tag: CoachTag.guide)
            coach.state.guideServerID = nil
        }
        if !coach.state.safetyNoticeShown {
            logger.notice(Logger.Message(stringLiteral: Safety.logLine))
        }
    }

    /// Shows the red flags once, just before limberd's first notification of any kind (a
    /// reminder, a routine, the daily offer): the first start thus shows them before any
    /// exercise, without connecting to the notification server at start-up only for them
    /// (the connection costs about 1.5 MiB that an idle limberd does not otherwise hold).
    /// Remembered in the state once a server answered for it; sent again, without waiting for
    /// anything, before a later notification if no server was there.
    func showSafetyNoticeOnce() {
        guard showsSafetyNotice, !coach.state.safetyNoticeShown, !coach.safetyNoticePending,
              !coach.safetyNoticeHeldBack else { return }
        coach.safetyNoticePending = true
        presenter.show(tag: CoachTag.safety, PromptContent.safetyNotice, replacingServerID: nil)
    }

    /// The server's answer for one of the coach's notifications.
    func coachNotificationShown(ticket: UInt64, tag: UInt64, _ result: Result<UInt32, ShowFailure>) {
        switch (tag, result) {
        case (CoachTag.safety, .success):
            coach.safetyNoticePending = false
            coach.state.safetyNoticeShown = true
            logger.info("safety notice shown")
            save(clean: false)
        case (CoachTag.safety, .failure(.superseded)):
            break
        case (CoachTag.safety, .failure(let failure)):
            coach.safetyNoticePending = false
            if failure == .timedOut { coach.safetyNoticeHeldBack = true }
        case (CoachTag.guide, .success(let id)) where coach.guide != nil:
            coach.state.guideServerID = id
        case (CoachTag.daily, _):
            dailyNotificationShown(ticket: ticket, result)
        default:
            break
        }
    }

    /// The server's answer for the daily routine: the scheduler records it like a reminder's.
    private func dailyNotificationShown(ticket: UInt64, _ result: Result<UInt32, ShowFailure>) {
        guard let pending = coach.dailyPending, pending.ticket == ticket, !stopped else { return }
        coach.dailyPending = nil
        switch result {
        case .success(let id):
            guard scheduler.state.daily?.promptID == pending.promptID else { return }  // answered meanwhile
            coach.state.dailyServerID = id
            coach.dailyShownHere = true
            logger.info("daily routine shown", metadata: ["prompt": "\(pending.promptID)"])
            dispatch(.notificationShown(promptID: pending.promptID, show: 1))
        case .failure(.superseded):
            break
        case .failure(let failure):
            coach.dailyWaitsForServer = true
            logger.notice("daily routine not shown (\(failure.reason)): \(failure.message)",
                          metadata: ["prompt": "\(pending.promptID)", "reason": "\(failure.reason)"])
            dispatch(.notificationFailed(promptID: pending.promptID, show: 1, reason: failure.reason))
        }
    }

    /// A server appeared (true) or left: the daily routine is shown to the new one.
    func coachServerChanged(present: Bool) {
        if present {
            coach.dailyWaitsForServer = false
        } else {
            // What it displayed went with it; its ids mean nothing to the next server, and
            // with none there the daily routine waits for one.
            coach.dailyShownHere = false
            coach.state.dailyServerID = nil
            coach.dailyWaitsForServer = true
        }
    }

    func stopCoach() {
        for id in [coach.guideTimer, coach.dailyTimer, coach.sitStandTimer, coach.sitStandEndTimer].compactMap({ $0 }) {
            loop.cancel(id)
        }
        coach.guideTimer = nil
        if coach.guide != nil {
            coach.guide = nil
            presenter.close(tag: CoachTag.guide)
            coach.state.guideServerID = nil
            logger.info("guided routine ended: limberd stopped")
        }
    }

    /// After a reload: a new catalog and new settings.
    func coachSettingsReplaced(at now: Moment) {
        coach.catalog = nil  // the timers follow with the dispatch of the new settings
    }

    // MARK: Reminder content

    /// What reminder `p` shows: chosen from the rotation on its first showing, the same on
    /// every re-show and after a restart.
    func chosenContent(for p: Prompt) -> PromptContent.Chosen {
        let catalog = self.catalog
        if let chosen = coach.state.chosen(for: p.id) {
            if p.kind == .routine, let id = chosen.routine, let r = catalog.routine(id).flatMap(catalog.resolve) {
                return .routine(r)
            }
            if p.kind == .posture, let id = chosen.cue, let cue = catalog.cue(id) { return .cue(cue) }
        }
        switch p.kind {
        case .routine:
            let eligible = catalog.rotation(for: settings.coach.setup)
            guard let id = coach.state.chooseRoutine(for: p.id, among: eligible.map(\.id)),
                  let r = eligible.first(where: { $0.id == id }) else { return .plain }
            return .routine(r)
        case .posture:
            guard let id = coach.state.chooseCue(for: p.id, among: catalog.cues.map(\.id)),
                  let cue = catalog.cue(id) else { return .plain }
            return .cue(cue)
        }
    }

    /// Sees every history record: routine days for the step-up suggestion.
    func coachSaw(_ r: HistoryRecord, at now: Moment) {
        guard r.outcome == .done, r.kind == .routine || r.routine != nil else { return }
        let today = now.local.date
        let plan = settings.coach.stepUp.plan
        coach.state.routineDays = plan.remembering(today, in: coach.state.routineDays)
        guard settings.coach.stepUp.enabled, coach.state.stepUpSuggested == nil,
              plan.isDue(days: coach.state.routineDays, today: today) else { return }
        coach.state.stepUpSuggested = today
        let text = "You have finished routines on at least \(plan.daysPerWeek) days a week for \(plan.weeks) weeks. "
            + "Once they feel easy, make them a little harder: add a set, do rows with a resistance band, or hold "
            + "light dumbbells for the Y and T raises (add what you have to [routine] equipment in your config so "
            + "limber offers it)."
        logger.notice("step-up suggested: \(text)")
        presenter.show(tag: CoachTag.stepUp, PromptContent.stepUp(text), replacingServerID: nil)
    }

    // MARK: Guided routines

    func respondStart(_ routineID: String?) -> Response {
        if let g = coach.guide {
            return .failure(.alreadyGuiding, "\(g.title) is under way; 'limber stop' ends it first")
        }
        let catalog = self.catalog
        let routine: ResolvedRoutine
        if let routineID {
            guard let r = catalog.routine(routineID).flatMap(catalog.resolve) else {
                let ids = catalog.routines.map(\.id)
                let close = ids.filter { $0.hasPrefix(routineID) || routineID.hasPrefix($0) || editDistance($0, routineID) <= 2 }
                let hint = close.isEmpty ? "'limber routines' lists them" : "did you mean \(close.joined(separator: " or "))?"
                return .failure(.unknownRoutine, "there is no routine '\(routineID)'; \(hint)")
            }
            routine = r
        } else if let due = scheduler.status(at: clock.now()).due, due.prompt.kind == .routine,
                  case .routine(let r) = chosenContent(for: due.prompt) {
            routine = r  // the routine of the reminder on screen
        } else if scheduler.dailyShowing, let r = offeredDailyRoutine {
            routine = r  // the daily routine on screen
        } else {
            let eligible = catalog.rotation(for: settings.coach.setup)
            guard let id = coach.state.routines.next(from: eligible.map(\.id)),
                  let r = eligible.first(where: { $0.id == id }) else {
                return .failure(.noRoutine, "no routine fits your equipment and places ([routine] in the config); "
                                + "'limber routines' says what each one needs")
            }
            routine = r
        }
        beginGuide(routine)
        let timed = coach.guide?.steps.contains { if case .timed = $0.kind { true } else { false } } ?? false
        return .success("\(routine.title): \(routine.steps.count) exercises, about \(routine.minutes) min. Follow the "
                        + "notification: 'limber next' when you have done a step's repetitions"
                        + (timed ? ", holds move on by themselves" : "") + "; 'limber stop' ends it. " + Safety.gentle,
                        status: report(at: clock.now()))
    }

    func beginGuide(_ routine: ResolvedRoutine) {
        showSafetyNoticeOnce()
        var w = Walkthrough(routine)
        let effects = w.handle(.begin)
        coach.guide = w
        syncDaily()  // the daily routine waits off screen while a routine is walked through
        logger.info("guided routine started", metadata: ["routine": "\(routine.id)", "steps": "\(w.steps.count)"])
        dispatch(.guideBegan)
        performGuide(effects)
    }

    func respondNext() -> Response {
        guard coach.guide != nil else {
            return .failure(.notGuiding, "no routine is under way; 'limber start' begins one")
        }
        performGuide(guideHandle(.next))
        if let g = coach.guide, let i = g.current {
            return .success("step \(i + 1) of \(g.steps.count): \(g.steps[i].exerciseName), \(g.steps[i].detail)",
                            status: report(at: clock.now()))
        }
        return .success("routine done; " + scheduler.nextSummary(at: clock.now()), status: report(at: clock.now()))
    }

    func respondStop() -> Response {
        guard let g = coach.guide else {
            return .failure(.notGuiding, "no routine is under way")
        }
        performGuide(guideHandle(.stop))
        return .success("\(g.title) stopped; " + scheduler.nextSummary(at: clock.now()), status: report(at: clock.now()))
    }

    private func guideHandle(_ event: Walkthrough.Event) -> [Walkthrough.Effect] {
        guard var g = coach.guide else { return [] }
        let effects = g.handle(event)
        coach.guide = g
        return effects
    }

    /// Carries out the walkthrough's effects. `timerEnded`: a timed step just ended by itself,
    /// so the next step's notification makes a sound (the user may be in a doorway, not
    /// looking at the screen).
    func performGuide(_ effects: [Walkthrough.Effect], timerEnded: Bool = false) {
        guard let g = coach.guide else { return }
        for effect in effects {
            switch effect {
            case .show(let i):
                let content = PromptContent.guideStep(g, index: i, sound: timerEnded && settings.sound)
                // The id comes with the server's answer (coachNotificationShown).
                presenter.show(tag: CoachTag.guide, content, replacingServerID: coach.state.guideServerID)
                logger.info("guided step \(i + 1)/\(g.steps.count): \(g.steps[i].exerciseName), \(g.steps[i].detail)")
                runGuidedStepHook(g, index: i)
            case .startTimer(let seconds, let token):
                if let t = coach.guideTimer { loop.cancel(t) }
                coach.guideTimer = loop.after(clock.realDelay(.seconds(seconds))) { [unowned self] in
                    self.coach.guideTimer = nil
                    self.performGuide(self.guideHandle(.timerFired(token: token)), timerEnded: true)
                }
            case .cancelTimer:
                if let t = coach.guideTimer { loop.cancel(t) }
                coach.guideTimer = nil
            case .completed:
                coach.guide = nil
                logger.info("guided routine done", metadata: ["routine": "\(g.routineID)"])
                dispatch(.guideEnded(completed: true, routine: g.routineID))
                let content = PromptContent.guideDone(g, next: scheduler.nextSummary(at: clock.now()),
                                                      sound: settings.sound)
                presenter.show(tag: CoachTag.guide, content, replacingServerID: coach.state.guideServerID)
                coach.state.guideServerID = nil  // it expires by itself: nothing to take down after a restart
            case .stopped:
                coach.guide = nil
                presenter.close(tag: CoachTag.guide)
                coach.state.guideServerID = nil
                logger.info("guided routine stopped", metadata: ["routine": "\(g.routineID)"])
                dispatch(.guideEnded(completed: false, routine: g.routineID))
            }
        }
        save(clean: false)
        onStatusChange?()
    }

    /// The guide as the status reports it.
    var guideReport: StatusReport.Guide? {
        guard let g = coach.guide, let i = g.current else { return nil }
        let s = g.steps[i]
        return StatusReport.Guide(routine: g.routineID, title: g.title, step: i + 1, steps: g.steps.count,
                                  text: "\(s.exerciseName): \(s.detail)", waitsForNext: s.kind == .counted)
    }

    // MARK: Notification actions

    /// Handles an action on one of the coach's notifications or a routine's Start; false when
    /// it is not the coach's to handle.
    func coachAction(tag: UInt64, action: String) -> Bool {
        switch (tag, action) {
        case (CoachTag.guide, "next"):
            if coach.guide != nil { performGuide(guideHandle(.next)) }
        case (CoachTag.guide, "stop"):
            if coach.guide != nil { performGuide(guideHandle(.stop)) }
        case (CoachTag.daily, "start"):
            if coach.guide == nil, let r = offeredDailyRoutine { beginGuide(r) }
            syncDaily()
        case (CoachTag.daily, "skip"), (CoachTag.daily, "snooze"):
            // "Not today" and Snooze answer the daily routine as 'limber skip' and 'snooze' do.
            if let d = scheduler.state.daily {
                dispatch(.answered(action == "skip" ? .skip : .snooze(nil), promptID: d.promptID))
            }
            syncDaily()
        case (CoachTag.sitStand, "skip"):
            presenter.close(tag: CoachTag.sitStand)
            if let t = coach.sitStandEndTimer { loop.cancel(t) }
            coach.sitStandEndTimer = nil
            coach.standingUntil = nil
        case (_, _) where CoachTag.isCoach(tag):
            presenter.close(tag: tag)
        case (_, "start"):
            // Start on a routine reminder: walk through the routine it shows.
            guard coach.guide == nil, let due = scheduler.status(at: clock.now()).due, due.prompt.id == tag,
                  case .routine(let r) = chosenContent(for: due.prompt) else { return true }
            beginGuide(r)
        default:
            return false
        }
        return true
    }

    // MARK: Daily routine and sit/stand

    /// Arms the next daily-routine and sit/stand timers from the wall clock (or fires what is due).
    func rescheduleCoach(at now: Moment) {
        if let t = coach.dailyTimer { loop.cancel(t) }
        if let t = coach.sitStandTimer { loop.cancel(t) }
        coach.dailyTimer = nil
        coach.sitStandTimer = nil
        guard !stopped else { return }
        syncDaily()
        let c = settings.coach
        if c.daily.enabled {
            let slots = DailySlots(minutes: [c.daily.at], graceSeconds: Self.dailyGrace)
            coach.dailyTimer = arm(slots, last: coach.state.dailyFired, at: now) { [unowned self] stamp in
                self.coach.state.dailyFired = stamp
                self.offerDaily()
            }
        }
        coach.standingNext = nil
        if c.sitStand.enabled {
            let slots = DailySlots(minutes: c.sitStand.at, graceSeconds: Self.sitStandGrace)
            if case .wait(let seconds) = slots.decide(at: now.local, lastFired: coach.state.sitStandFired) {
                coach.standingNext = now.wall + .seconds(seconds)
            }
            coach.sitStandTimer = arm(slots, last: coach.state.sitStandFired, at: now) { [unowned self] stamp in
                self.coach.state.sitStandFired = stamp
                self.suggestStanding()
            }
        }
    }

    /// A one-shot timer for the next slot; a slot due now fires at once (from the loop).
    private func arm(_ slots: DailySlots, last: SlotStamp?, at now: Moment,
                     fire: @escaping (SlotStamp) -> Void) -> SourceID? {
        switch slots.decide(at: now.local, lastFired: last) {
        case .never:
            return nil
        case .fire(let stamp):
            return loop.after(.zero) { [unowned self] in
                fire(stamp)
                self.save(clean: false)
                self.rescheduleCoach(at: self.clock.now())
            }
        case .wait(let seconds):
            // Wall-clock slots: real seconds, not scaled by the testing aid.
            return loop.after(.seconds(seconds)) { [unowned self] in self.rescheduleCoach(at: self.clock.now()) }
        }
    }

    func offerDaily() {
        guard scheduler.state.pause == nil, coach.guide == nil else { return }
        guard let r = catalog.dailyRoutine(settings.coach) else {
            logger.notice("daily routine not offered: none fits your equipment and places ([routine] in the config); name one with [daily_routine] routine")
            return
        }
        logger.info("daily routine offered", metadata: ["routine": "\(r.id)"])
        dispatch(.dailyOffered(routine: r.id))  // recorded; syncDaily shows it
    }

    /// The standing blocks as the status reports them; nil when the sit/stand reminder is off
    /// and no block runs.
    var standingReport: StatusReport.Standing? {
        guard settings.coach.sitStand.enabled || coach.standingUntil != nil else { return nil }
        return StatusReport.Standing(until: coach.standingUntil?.components.seconds,
                                     next: coach.standingNext?.components.seconds)
    }

    /// The daily routine as the status reports it.
    func dailyReport(_ d: DailyStatus?, at now: Moment) -> StatusReport.Daily? {
        guard let d else { return nil }
        let title = catalog.routine(d.routine)?.title ?? d.routine
        return StatusReport.Daily(routine: d.routine, title: title, since: d.firstShown.components.seconds,
                                  snoozedUntil: d.snoozeLeft.map { (now.wall + clock.realDelay($0)).components.seconds },
                                  snoozesLeft: d.snoozesLeft)
    }

    /// The routine of the daily routine offered, if it is still in the catalog.
    var offeredDailyRoutine: ResolvedRoutine? {
        scheduler.state.daily.flatMap { catalog.routine($0.routine) }.flatMap(catalog.resolve)
    }

    /// Puts the daily routine's notification on screen while it waits for an answer, and
    /// takes it down once answered, snoozed, or while reminders are paused or a routine is
    /// walked through.
    func syncDaily() {
        let wanted = scheduler.dailyShowing && scheduler.state.pause == nil && coach.guide == nil
        if wanted, !coach.dailyShownHere, coach.dailyPending == nil, !coach.dailyWaitsForServer,
           let d = scheduler.state.daily, let r = offeredDailyRoutine {
            showSafetyNoticeOnce()
            let snooze = d.snoozes < settings.schedule.snoozeLimit ? settings.schedule.snoozeDefault : nil
            // Recorded shown (or not) when the server answers (dailyNotificationShown).
            let ticket = presenter.show(tag: CoachTag.daily,
                                        PromptContent.dailyOffer(r, urgency: settings.urgency, snooze: snooze),
                                        replacingServerID: coach.state.dailyServerID)
            coach.dailyPending = (ticket, d.promptID)
        } else if !wanted, coach.state.dailyServerID != nil || coach.dailyShownHere || coach.dailyPending != nil {
            presenter.close(tag: CoachTag.daily)  // a show still waiting is dropped (superseded)
            coach.state.dailyServerID = nil
            coach.dailyShownHere = false
            coach.dailyPending = nil
        }
    }

    func suggestStanding() {
        let now = clock.now()
        guard scheduler.state.pause == nil, settings.schedule.workHours.contains(now.local) else { return }
        let today = now.local.date
        if coach.state.sitStandSince == nil { coach.state.sitStandSince = today }
        let block = settings.coach.sitStand.plan.blockSeconds(startedOn: coach.state.sitStandSince ?? today, today: today)
        showSafetyNoticeOnce()
        logger.info("standing block suggested", metadata: ["seconds": "\(block)"])
        presenter.show(tag: CoachTag.sitStand,
                       PromptContent.standingBlock(block, urgency: settings.urgency, expiry: settings.expiry),
                       replacingServerID: nil)
        if let t = coach.sitStandEndTimer { loop.cancel(t) }
        coach.standingUntil = now.wall + clock.realDelay(.seconds(block))
        coach.sitStandEndTimer = loop.after(clock.realDelay(.seconds(block))) { [unowned self] in
            self.coach.sitStandEndTimer = nil
            self.coach.standingUntil = nil
            self.presenter.show(tag: CoachTag.sitStand, PromptContent.standingDone(block), replacingServerID: nil)
        }
    }
}

/// Edit distance for "did you mean" on routine ids.
func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previous = Array(0...b.count)
    for i in 1...a.count {
        var current = [i] + Array(repeating: 0, count: b.count)
        for j in 1...b.count {
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        }
        previous = current
    }
    return previous[b.count]
}
