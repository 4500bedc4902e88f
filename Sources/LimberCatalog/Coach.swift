import LimberCore
import Synchronization

// The coach beside the scheduler: which routine or cue a reminder shows, the guided
// walkthrough, the first start's safety notice, and the optional daily routine, sit/stand
// blocks and step-up suggestion. Like `Scheduler`, a state machine: events in, effects out,
// no clock reads, and `handle` is the only place its state changes. The engine carries the
// effects out (notifications, timers, scheduler events, log lines) and tells it what happened.
//
// Contract with the engine: after every scheduler event the engine handles, it tells the coach
// `.scheduleChanged` (the daily routine's notification follows the schedule, and the
// time-of-day timers are armed again). An effect `.scheduler(e)` is therefore followed by that
// event; the coach never adds effects after one that would depend on the schedule it changes.

/// What a reminder shows, chosen from the catalog.
public enum ReminderContent: Sendable, Equatable {
    case cue(Cue)
    case routine(ResolvedRoutine)
    /// Nothing in the catalog fits (no cue, or no routine for the equipment and places).
    case plain
}

/// The coach's notifications apart from reminders: one slot each, a new show replaces the
/// slot's earlier one.
public enum CoachSlot: Sendable, Hashable, CaseIterable {
    case guide, safety, daily, sitStand, stepUp
}

/// What a coach notification says; the engine lays it out (`PromptContent.coach`).
public enum CoachNotice: Sendable, Equatable {
    /// The red flags, once before the first exercise.
    case safety
    /// Step `index` of a walkthrough; `sound`: a timed step just ended by itself.
    case guideStep(Walkthrough, index: Int, sound: Bool)
    /// Every step done: a note that goes by itself and says what comes next.
    case guideDone(Walkthrough, sound: Bool)
    /// Replaces a walkthrough's notification left from before a restart.
    case guideStoppedByRestart
    /// The daily routine offered; Snooze offered for this long while snoozes are left.
    case dailyOffer(ResolvedRoutine, snooze: Duration?)
    /// Work standing for `block` seconds.
    case standing(block: Int)
    /// The standing block of `block` seconds is over.
    case standingDone(block: Int)
    /// Make the routines harder.
    case stepUp(StepUpPlan)

    public var slot: CoachSlot {
        switch self {
        case .safety: .safety
        case .guideStep, .guideDone, .guideStoppedByRestart: .guide
        case .dailyOffer: .daily
        case .standing, .standingDone: .sitStand
        case .stepUp: .stepUp
        }
    }
}

/// The coach's one-shot timers. Arming one replaces the earlier one of the same kind.
public enum CoachTimer: Sendable, Hashable, CaseIterable {
    /// The guided step's hold ran out.
    case guideStep
    /// The daily routine's time of day (or the next look at the clock).
    case dailySlot
    /// The next standing block's time of day.
    case sitStandSlot
    /// The standing block under way ends.
    case standingEnd
}

/// What the server did with a coach notification.
public enum CoachShowResult: Sendable, Equatable {
    case shown(serverID: UInt32)
    /// A later show or close of the same slot took its place before it was sent.
    case superseded
    /// No server showed it; `timedOut`: a server took the call and never answered.
    case failed(reason: String, message: String, timedOut: Bool)
}

/// What the coach needs to know of the schedule and the world at an event.
public struct ScheduleView: Sendable, Equatable {
    /// Reminders are paused.
    public var paused: Bool
    /// The daily routine offered and not yet answered.
    public var daily: DailyState?
    /// It waits for an answer on screen (offered, not snoozed).
    public var dailyShowing: Bool
    /// The reminder due now, if any.
    public var due: Prompt?

    public init(paused: Bool = false, daily: DailyState? = nil, dailyShowing: Bool = false, due: Prompt? = nil) {
        self.paused = paused
        self.daily = daily
        self.dailyShowing = dailyShowing
        self.due = due
    }
}

/// Where the built-in catalog comes from: LimberConfig parses config/catalog.toml on first
/// use, and only where the configuration is read. Every provider compares equal: there is one
/// built-in catalog.
public struct CatalogProvider: Sendable, Equatable {
    public let make: @Sendable () -> Catalog

    public init(_ make: @escaping @Sendable () -> Catalog) { self.make = make }

    /// No built-in catalog: the user's entries only.
    public static let none = CatalogProvider { Catalog() }

    public static func == (_: CatalogProvider, _: CatalogProvider) -> Bool { true }
}

/// A catalog built on first use. An idle limberd never needs one (no reminder, routine or
/// daily offer yet), and parsing the built-in catalog at start-up would cost it resident
/// memory it otherwise does not touch.
public final class CatalogSource: Sendable, Equatable {
    private let make: @Sendable () -> Catalog
    private let built = Mutex<Catalog?>(nil)

    public init(_ make: @escaping @Sendable () -> Catalog) { self.make = make }

    /// A catalog already built.
    public convenience init(_ catalog: Catalog) { self.init { catalog } }

    public var catalog: Catalog {
        built.withLock { c in
            if let c { return c }
            let made = make()
            c = made
            return made
        }
    }

    public static func == (a: CatalogSource, b: CatalogSource) -> Bool { a === b }
}

/// The coach's settings.
public struct CoachConfig: Sendable, Equatable {
    public var coach: CoachSettings
    /// The built-in catalog merged with the user's entries, built on first use.
    public var catalogSource: CatalogSource
    public var catalog: Catalog { catalogSource.catalog }
    public var workHours: WorkHours
    public var snoozeLimit: Int
    public var snoozeDefault: Duration
    /// Sounds at the end of timed steps and of a routine.
    public var sound: Bool
    /// Show the red flags once, before the first notification.
    public var showsSafetyNotice: Bool

    public init(coach: CoachSettings = CoachSettings(), catalog: CatalogSource, workHours: WorkHours = .always,
                snoozeLimit: Int = 3, snoozeDefault: Duration = .seconds(300), sound: Bool = true,
                showsSafetyNotice: Bool = true) {
        self.coach = coach
        self.catalogSource = catalog
        self.workHours = workHours
        self.snoozeLimit = snoozeLimit
        self.snoozeDefault = snoozeDefault
        self.sound = sound
        self.showsSafetyNotice = showsSafetyNotice
    }
}

/// A line for the log.
public struct CoachLog: Sendable, Equatable {
    public enum Level: Sendable, Equatable { case info, notice }
    public var level: Level
    public var message: String
    public var metadata: [String: String]

    public init(_ level: Level, _ message: String, _ metadata: [String: String] = [:]) {
        self.level = level
        self.message = message
        self.metadata = metadata
    }
}

/// The coach's state machine.
public struct Coach: Sendable, Equatable {
    /// Past-tense facts the coach reacts to.
    public enum Event: Sendable, Equatable {
        /// limberd started (with the saved state).
        case started
        /// limberd is stopping.
        case stopping
        case settingsReplaced(CoachConfig)
        /// A reminder is about to be shown: the reply says what it shows.
        case reminderShowing(Prompt)
        /// A history record was written.
        case recorded(HistoryRecord)
        /// `limber start [ROUTINE]`.
        case startRequested(routine: String?)
        /// `limber next`.
        case nextRequested
        /// `limber stop`.
        case stopRequested
        /// An action on a coach notification (`slot`), or `start` on a reminder (`slot` nil,
        /// `tag` the reminder's prompt id).
        case action(slot: CoachSlot?, tag: UInt64, action: String)
        case timerFired(CoachTimer)
        /// The scheduler handled an event.
        case scheduleChanged
        /// The server's answer for the show with this serial.
        case notificationAnswered(CoachSlot, serial: UInt64, CoachShowResult)
        /// A notification server appeared (true) or left the session bus.
        case serverChanged(present: Bool)
    }

    /// What the engine must carry out, in order.
    public enum Effect: Sendable, Equatable {
        /// Show `notice` in its slot (replacing `replacing`, a server id from before a restart);
        /// the answer comes back as `.notificationAnswered` with `serial`.
        case show(CoachNotice, replacing: UInt32?, serial: UInt64)
        case close(CoachSlot)
        /// Fire `.timerFired(timer)` after `after`; `scaled`: in the schedule's time (the
        /// testing aid scales it), else real seconds (times of day).
        case arm(CoachTimer, after: Duration, scaled: Bool)
        case cancel(CoachTimer)
        /// Tell the scheduler.
        case scheduler(LimberCore.Event)
        /// A guided step is on screen (the [hooks] command for it runs).
        case guidedStep(Walkthrough, index: Int)
        case log(CoachLog)
    }

    /// The answer to a request or a question.
    public enum Reply: Sendable, Equatable {
        /// What a reminder shows.
        case content(ReminderContent)
        /// A walkthrough began; `timed`: some steps move on by themselves.
        case started(ResolvedRoutine, timed: Bool)
        /// The walkthrough is on step `index` (from 0).
        case step(Int, of: Int, GuidedStep)
        /// The walkthrough's last step was done.
        case routineDone
        /// The walkthrough `title` was stopped.
        case stopped(title: String)
        case refused(Refusal)
    }

    public struct Refusal: Sendable, Equatable, Error {
        public enum Code: String, Sendable {
            case alreadyGuiding = "already-guiding", unknownRoutine = "unknown-routine"
            case noRoutine = "no-routine", notGuiding = "not-guiding"
        }
        public var code: Code
        public var message: String

        public init(code: Code, message: String) {
            self.code = code
            self.message = message
        }
    }

    public struct Transition: Sendable, Equatable {
        public var effects: [Effect] = []
        public var reply: Reply?
    }

    /// The first start's safety notice, while it is not remembered as shown.
    public enum SafetyNotice: Sendable, Equatable {
        /// Shown before the next notification.
        case due
        /// Sent; the server has not answered yet.
        case sending
        /// A server took it and never answered: sent again only when a server appears (each
        /// try at a hung server would hold the notifier's thread for 25 s).
        case heldBack
    }

    /// The daily routine's notification, as far as this limberd knows.
    public enum DailyNotice: Sendable, Equatable {
        /// Not on screen from here (after a restart, `CoachState.dailyServerID` may name one
        /// to replace).
        case offScreen
        /// Sent for offer `promptID`; `serverLeft`: the server went away meanwhile, so once
        /// off screen it waits for the next one.
        case sending(serial: UInt64, promptID: UInt64, serverLeft: Bool)
        /// A server showed it.
        case onScreen(serverLeft: Bool)
        /// No server showed it: sent again when one appears, not at every event.
        case waitingForServer
    }

    /// The sit/stand reminder's block.
    public enum Standing: Sendable, Equatable {
        case sitting
        /// A block of `block` seconds suggested at wall time `since`.
        case standing(since: Duration, block: Int)
    }

    public private(set) var config: CoachConfig
    /// What is saved with the schedule.
    public private(set) var state: CoachState
    /// The routine being walked through, if any. Not saved: a restart ends it.
    public private(set) var guide: Walkthrough?
    public private(set) var safety: SafetyNotice = .due
    public private(set) var daily: DailyNotice = .offScreen
    public private(set) var standing: Standing = .sitting
    /// Wall time of the next standing block, when the sit/stand reminder is on.
    public private(set) var standingNext: Duration?
    /// Serial of the latest show.
    public private(set) var serial: UInt64 = 0

    /// How late a daily routine may still be offered, and a standing block still suggested.
    public static let dailyGrace = 2 * 3600
    public static let sitStandGrace = 30 * 60

    public init(config: CoachConfig, state: CoachState) {
        self.config = config
        self.state = state
    }

    // MARK: Questions (no change)

    /// The routine of the daily routine offered, if it is still in the catalog.
    public func offeredDailyRoutine(_ s: ScheduleView) -> ResolvedRoutine? {
        s.daily.flatMap { config.catalog.routine($0.routine) }.flatMap(config.catalog.resolve)
    }

    /// The title of routine `id`, or the id.
    public func title(ofRoutine id: String) -> String { config.catalog.routine(id)?.title ?? id }

    // MARK: Events

    /// Handles one event at `now`, with the schedule as it is.
    public mutating func handle(_ event: Event, schedule s: ScheduleView, at now: Moment) -> Transition {
        var t = Transition()
        switch event {
        case .started:
            // A walkthrough does not survive a restart: take its stale notification down.
            if let stale = state.guideServerID {
                t.effects += [show(.guideStoppedByRestart, replacing: stale), .close(.guide)]
                state.guideServerID = nil
            }
            if !state.safetyNoticeShown { t.effects.append(.log(CoachLog(.notice, Safety.logLine))) }
        case .stopping:
            t.effects = CoachTimer.allCases.map { .cancel($0) }
            if guide != nil {
                guide = nil
                state.guideServerID = nil
                t.effects += [.close(.guide), .log(CoachLog(.info, "guided routine ended: limberd stopped"))]
            }
        case .settingsReplaced(let c):
            config = c  // the timers follow with the scheduler's settingsReplaced
        case .reminderShowing(let p):
            t.effects = safetyNoticeOnce()
            t.reply = .content(content(for: p))
        case .recorded(let r):
            t.effects = saw(r, at: now)
        case .startRequested(let id):
            t = start(id, s, at: now)
        case .nextRequested:
            guard guide != nil else {
                t.reply = .refused(Refusal(code: .notGuiding, message: "no routine is under way; 'limber start' begins one"))
                break
            }
            t.effects = walk(.next, s)
            if let g = guide, let i = g.current {
                t.reply = .step(i, of: g.steps.count, g.steps[i])
            } else {
                t.reply = .routineDone
            }
        case .stopRequested:
            guard let g = guide else {
                t.reply = .refused(Refusal(code: .notGuiding, message: "no routine is under way"))
                break
            }
            t.effects = walk(.stop, s)
            t.reply = .stopped(title: g.title)
        case .action(let slot, let tag, let action):
            t.effects = act(slot, tag: tag, action: action, s, at: now)
        case .timerFired(let timer):
            t.effects = fired(timer, s, at: now)
        case .scheduleChanged:
            t.effects = reschedule(s, at: now)
        case .notificationAnswered(let slot, let serial, let result):
            t.effects = answered(slot, serial: serial, result, s)
        case .serverChanged(let present):
            serverChanged(present: present)
        }
        return t
    }

    private mutating func show(_ notice: CoachNotice, replacing: UInt32? = nil) -> Effect {
        serial += 1
        return .show(notice, replacing: replacing, serial: serial)
    }

    // MARK: Safety notice

    /// The red flags, just before the first notification of any kind (a reminder, a routine,
    /// the daily offer): the first start thus shows them before any exercise without
    /// connecting to the notification server only for them. Remembered once a server
    /// answered for it; sent again before a later notification if none was there.
    private mutating func safetyNoticeOnce() -> [Effect] {
        guard config.showsSafetyNotice, !state.safetyNoticeShown, safety == .due else { return [] }
        safety = .sending
        return [show(.safety)]
    }

    // MARK: Reminder content

    /// What reminder `p` shows: chosen from the rotation on its first showing, the same on
    /// every re-show and after a restart.
    private mutating func content(for p: Prompt) -> ReminderContent {
        let catalog = config.catalog
        if let chosen = state.chosen(for: p.id) {
            if p.kind == .routine, let id = chosen.routine, let r = catalog.routine(id).flatMap(catalog.resolve) {
                return .routine(r)
            }
            if p.kind == .posture, let id = chosen.cue, let cue = catalog.cue(id) { return .cue(cue) }
        }
        switch p.kind {
        case .routine:
            let eligible = catalog.rotation(for: config.coach.setup)
            guard let id = state.chooseRoutine(for: p.id, among: eligible.map(\.id)),
                  let r = eligible.first(where: { $0.id == id }) else { return .plain }
            return .routine(r)
        case .posture:
            guard let id = state.chooseCue(for: p.id, among: catalog.cues.map(\.id)),
                  let cue = catalog.cue(id) else { return .plain }
            return .cue(cue)
        }
    }

    // MARK: Step-up

    /// Every history record: days with a routine done, for the step-up suggestion (made once).
    private mutating func saw(_ r: HistoryRecord, at now: Moment) -> [Effect] {
        guard r.outcome == .done, r.kind == .routine || r.routine != nil else { return [] }
        let today = now.local.date
        let plan = config.coach.stepUp.plan
        state.routineDays = plan.remembering(today, in: state.routineDays)
        guard config.coach.stepUp.enabled, state.stepUpSuggested == nil,
              plan.isDue(days: state.routineDays, today: today) else { return [] }
        state.stepUpSuggested = today
        return [.log(CoachLog(.notice, "step-up suggested", ["weeks": "\(plan.weeks)", "days_per_week": "\(plan.daysPerWeek)"])),
                show(.stepUp(plan))]
    }

    // MARK: Guided routines

    private mutating func start(_ routineID: String?, _ s: ScheduleView, at now: Moment) -> Transition {
        var t = Transition()
        if let g = guide {
            t.reply = .refused(Refusal(code: .alreadyGuiding, message: "\(g.title) is under way; 'limber stop' ends it first"))
            return t
        }
        let catalog = config.catalog
        let routine: ResolvedRoutine
        if let routineID {
            guard let r = catalog.routine(routineID).flatMap(catalog.resolve) else {
                let ids = catalog.routines.map(\.id)
                let close = ids.filter { $0.hasPrefix(routineID) || routineID.hasPrefix($0) || editDistance($0, routineID) <= 2 }
                let hint = close.isEmpty ? "'limber routines' lists them" : "did you mean \(close.joined(separator: " or "))?"
                t.reply = .refused(Refusal(code: .unknownRoutine, message: "there is no routine '\(routineID)'; \(hint)"))
                return t
            }
            routine = r
        } else if let due = s.due, due.kind == .routine, case .routine(let r) = content(for: due) {
            routine = r  // the routine of the reminder on screen
        } else if s.dailyShowing, let r = offeredDailyRoutine(s) {
            routine = r  // the daily routine on screen
        } else {
            let eligible = catalog.rotation(for: config.coach.setup)
            guard let id = state.routines.next(from: eligible.map(\.id)),
                  let r = eligible.first(where: { $0.id == id }) else {
                t.reply = .refused(Refusal(code: .noRoutine, message:
                    "no routine fits your equipment and places ([routine] in the config); "
                    + "'limber routines' says what each one needs"))
                return t
            }
            routine = r
        }
        t.effects = begin(routine, s)
        let timed = guide?.steps.contains { if case .timed = $0.kind { true } else { false } } ?? false
        t.reply = .started(routine, timed: timed)
        return t
    }

    private mutating func begin(_ routine: ResolvedRoutine, _ s: ScheduleView) -> [Effect] {
        var effects = safetyNoticeOnce()
        var w = Walkthrough(routine)
        let steps = w.handle(.begin)
        guide = w
        effects += syncDaily(s)  // the daily routine waits off screen while a routine is walked through
        effects.append(.log(CoachLog(.info, "guided routine started", ["routine": routine.id, "steps": "\(w.steps.count)"])))
        effects.append(.scheduler(.guideBegan))
        return effects + carry(steps, of: w)
    }

    /// The walkthrough handles `event`; its effects become the coach's.
    private mutating func walk(_ event: Walkthrough.Event, _ s: ScheduleView, timerEnded: Bool = false) -> [Effect] {
        guard var g = guide else { return [] }
        let steps = g.handle(event)
        guide = g
        return carry(steps, of: g, timerEnded: timerEnded)
    }

    /// The walkthrough's effects as the coach's. `timerEnded`: a timed step just ended by
    /// itself, so the next step's notification makes a sound (the user may be in a doorway,
    /// not looking at the screen).
    private mutating func carry(_ steps: [Walkthrough.Effect], of g: Walkthrough, timerEnded: Bool = false) -> [Effect] {
        var effects: [Effect] = []
        for step in steps {
            switch step {
            case .show(let i):
                // The server id comes with the answer (notificationAnswered).
                effects.append(show(.guideStep(g, index: i, sound: timerEnded && config.sound), replacing: state.guideServerID))
                effects.append(.log(CoachLog(.info, "guided step \(i + 1)/\(g.steps.count): \(g.steps[i].exerciseName), \(g.steps[i].detail)")))
                effects.append(.guidedStep(g, index: i))
            case .startTimer(let seconds, _):
                effects.append(.arm(.guideStep, after: .seconds(seconds), scaled: true))
            case .cancelTimer:
                effects.append(.cancel(.guideStep))
            case .completed:
                guide = nil
                effects.append(.log(CoachLog(.info, "guided routine done", ["routine": g.routineID])))
                effects.append(.scheduler(.guideEnded(completed: true, routine: g.routineID)))
                effects.append(show(.guideDone(g, sound: config.sound), replacing: state.guideServerID))
                state.guideServerID = nil  // it expires by itself: nothing to take down after a restart
            case .stopped:
                guide = nil
                state.guideServerID = nil
                effects.append(.close(.guide))
                effects.append(.log(CoachLog(.info, "guided routine stopped", ["routine": g.routineID])))
                effects.append(.scheduler(.guideEnded(completed: false, routine: g.routineID)))
            }
        }
        return effects
    }

    // MARK: Notification actions

    private mutating func act(_ slot: CoachSlot?, tag: UInt64, action: String, _ s: ScheduleView, at now: Moment) -> [Effect] {
        switch (slot, action) {
        case (.guide?, "next"):
            return walk(.next, s)
        case (.guide?, "stop"):
            return walk(.stop, s)
        case (.daily?, "start"):
            var effects: [Effect] = []
            if guide == nil, let r = offeredDailyRoutine(s) { effects = begin(r, s) }
            return effects + syncDaily(s)
        case (.daily?, "skip"), (.daily?, "snooze"):
            // "Not today" and Snooze answer the daily routine as 'limber skip' and 'snooze' do.
            guard let d = s.daily else { return syncDaily(s) }
            return [.scheduler(.answered(action == "skip" ? .skip : .snooze(nil), promptID: d.promptID))]
        case (.sitStand?, "skip"):
            standing = .sitting
            return [.close(.sitStand), .cancel(.standingEnd)]
        case (let slot?, _):
            return [.close(slot)]
        case (nil, "start"):
            // Start on a routine reminder: walk through the routine it shows.
            guard guide == nil, let due = s.due, due.id == tag, case .routine(let r) = content(for: due) else { return [] }
            return begin(r, s)
        case (nil, _):
            return []
        }
    }

    // MARK: Timers

    private mutating func fired(_ timer: CoachTimer, _ s: ScheduleView, at now: Moment) -> [Effect] {
        switch timer {
        case .guideStep:
            guard let g = guide else { return [] }
            return walk(.timerFired(token: g.token), s, timerEnded: true)
        case .standingEnd:
            guard case .standing(_, let block) = standing else { return [] }
            standing = .sitting
            return [show(.standingDone(block: block))]
        case .dailySlot:
            if config.coach.daily.enabled,
               case .fire(let stamp) = dailySlots.decide(at: now.local, lastFired: state.dailyFired) {
                state.dailyFired = stamp
                if let offer = offerDaily(s) { return offer }  // the scheduler's event re-arms
            }
            return reschedule(s, at: now)
        case .sitStandSlot:
            var effects: [Effect] = []
            if config.coach.sitStand.enabled,
               case .fire(let stamp) = sitStandSlots.decide(at: now.local, lastFired: state.sitStandFired) {
                state.sitStandFired = stamp
                effects = suggestStanding(s, at: now)
            }
            return effects + reschedule(s, at: now)
        }
    }

    private var dailySlots: DailySlots {
        DailySlots(minutes: [config.coach.daily.at], graceSeconds: Self.dailyGrace)
    }

    private var sitStandSlots: DailySlots {
        DailySlots(minutes: config.coach.sitStand.at, graceSeconds: Self.sitStandGrace)
    }

    /// The daily routine's offer to the scheduler, or nil when none is made.
    private mutating func offerDaily(_ s: ScheduleView) -> [Effect]? {
        guard !s.paused, guide == nil else { return nil }
        guard let r = config.catalog.dailyRoutine(config.coach) else {
            return [.log(CoachLog(.notice, "daily routine not offered: none fits your equipment and places ([routine] in the "
                                  + "config); name one with [daily_routine] routine"))]
        }
        // Recorded by the scheduler; shown when it tells the coach (syncDaily).
        return [.log(CoachLog(.info, "daily routine offered", ["routine": r.id])), .scheduler(.dailyOffered(routine: r.id))]
    }

    private mutating func suggestStanding(_ s: ScheduleView, at now: Moment) -> [Effect] {
        guard !s.paused, config.workHours.contains(now.local) else { return [] }
        let today = now.local.date
        if state.sitStandSince == nil { state.sitStandSince = today }
        let block = config.coach.sitStand.plan.blockSeconds(startedOn: state.sitStandSince ?? today, today: today)
        standing = .standing(since: now.wall, block: block)
        return safetyNoticeOnce() + [
            .log(CoachLog(.info, "standing block suggested", ["seconds": "\(block)"])),
            show(.standing(block: block)),
            .arm(.standingEnd, after: .seconds(block), scaled: true),
        ]
    }

    /// The daily routine's notification follows the schedule; the time-of-day timers are
    /// armed for the next slot (a slot due now fires at once, from the loop).
    private mutating func reschedule(_ s: ScheduleView, at now: Moment) -> [Effect] {
        var effects: [Effect] = [.cancel(.dailySlot), .cancel(.sitStandSlot)]
        effects += syncDaily(s)
        let c = config.coach
        if c.daily.enabled, let arm = arm(.dailySlot, dailySlots.decide(at: now.local, lastFired: state.dailyFired)) {
            effects.append(arm)
        }
        standingNext = nil
        if c.sitStand.enabled {
            let decision = sitStandSlots.decide(at: now.local, lastFired: state.sitStandFired)
            if case .wait(let seconds) = decision { standingNext = now.wall + .seconds(seconds) }
            if let arm = arm(.sitStandSlot, decision) { effects.append(arm) }
        }
        return effects
    }

    private func arm(_ timer: CoachTimer, _ decision: DailySlots.Decision) -> Effect? {
        switch decision {
        case .never: nil
        case .fire: .arm(timer, after: .zero, scaled: false)
        // Wall-clock slots: real seconds, not scaled by the testing aid.
        case .wait(let seconds): .arm(timer, after: .seconds(seconds), scaled: false)
        }
    }

    // MARK: The daily routine's notification

    /// Puts the daily routine's notification on screen while it waits for an answer, and
    /// takes it down once answered, snoozed, or while reminders are paused or a routine is
    /// walked through.
    private mutating func syncDaily(_ s: ScheduleView) -> [Effect] {
        let wanted = s.dailyShowing && !s.paused && guide == nil
        if wanted {
            guard daily == .offScreen, let d = s.daily, let r = offeredDailyRoutine(s) else { return [] }
            let snooze = d.snoozes < config.snoozeLimit ? config.snoozeDefault : nil
            let effects = safetyNoticeOnce() + [show(.dailyOffer(r, snooze: snooze), replacing: state.dailyServerID)]
            daily = .sending(serial: serial, promptID: d.promptID, serverLeft: false)
            return effects
        }
        let serverLeft: Bool
        switch daily {
        case .offScreen:
            guard state.dailyServerID != nil else { return [] }
            serverLeft = false
        case .waitingForServer:
            guard state.dailyServerID != nil else { return [] }
            serverLeft = true
        case .sending(_, _, let left), .onScreen(let left):
            serverLeft = left
        }
        state.dailyServerID = nil
        daily = serverLeft ? .waitingForServer : .offScreen
        return [.close(.daily)]  // a show still waiting is dropped (superseded)
    }

    // MARK: What the server did

    private mutating func answered(_ slot: CoachSlot, serial: UInt64, _ result: CoachShowResult,
                                   _ s: ScheduleView) -> [Effect] {
        switch (slot, result) {
        case (.safety, .shown):
            safety = .due
            state.safetyNoticeShown = true
            return [.log(CoachLog(.info, "safety notice shown"))]
        case (.safety, .superseded):
            return []
        case (.safety, .failed(_, _, let timedOut)):
            safety = timedOut ? .heldBack : .due
            return []
        case (.guide, .shown(let id)) where guide != nil:
            state.guideServerID = id
            return []
        case (.daily, _):
            return dailyAnswered(serial: serial, result, s)
        default:
            return []
        }
    }

    /// The server's answer for the daily routine: the scheduler records it like a reminder's.
    private mutating func dailyAnswered(serial: UInt64, _ result: CoachShowResult, _ s: ScheduleView) -> [Effect] {
        guard case .sending(serial, let promptID, let serverLeft) = daily else { return [] }
        switch result {
        case .shown(let id):
            guard s.daily?.promptID == promptID else {  // answered meanwhile
                daily = serverLeft ? .waitingForServer : .offScreen
                return []
            }
            state.dailyServerID = id
            daily = .onScreen(serverLeft: serverLeft)
            return [.log(CoachLog(.info, "daily routine shown", ["prompt": "\(promptID)"])),
                    .scheduler(.notificationShown(promptID: promptID, show: 1))]
        case .superseded:
            daily = serverLeft ? .waitingForServer : .offScreen
            return []
        case .failed(let reason, let message, _):
            daily = .waitingForServer
            return [.log(CoachLog(.notice, "daily routine not shown (\(reason)): \(message)",
                                  ["prompt": "\(promptID)", "reason": reason])),
                    .scheduler(.notificationFailed(promptID: promptID, show: 1, reason: reason))]
        }
    }

    private mutating func serverChanged(present: Bool) {
        if present {
            if safety == .heldBack { safety = .due }
            switch daily {
            case .waitingForServer: daily = .offScreen
            case .sending(let serial, let promptID, _): daily = .sending(serial: serial, promptID: promptID, serverLeft: false)
            case .onScreen: daily = .onScreen(serverLeft: false)
            case .offScreen: break
            }
        } else {
            // What it displayed went with it; its ids mean nothing to the next server, and
            // with none there the daily routine waits for one.
            state.dailyServerID = nil
            switch daily {
            case .sending(let serial, let promptID, _): daily = .sending(serial: serial, promptID: promptID, serverLeft: true)
            default: daily = .waitingForServer
            }
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
