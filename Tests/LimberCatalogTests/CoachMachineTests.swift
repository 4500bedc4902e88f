import LimberCatalog
import LimberConfig
@testable import LimberCore
import Testing

/// The coach's state machine, driven by scripted events with an explicit clock: the daily
/// routine, sit/stand blocks, the step-up suggestion, guided walkthroughs, rotation and the
/// safety notice. Log lines are left out of the expected effects.
@Suite struct CoachMachineTests {
    /// Monday 2026-11-23 in CET (UTC+1), at a local time of day.
    static func at(day: Int = 0, _ hour: Int, _ minute: Int = 0, second: Int = 0) -> Moment {
        let local = (LocalDate(year: 2026, month: 11, day: 23).daysSinceEpoch + Int64(day)) * 86_400
            + Int64(hour * 3600 + minute * 60 + second)
        let mono = Duration.seconds(10_000 + Int64(day) * 86_400 + Int64(hour * 3600 + minute * 60 + second))
        return Moment(monotonic: mono, boottime: mono, wall: .seconds(local - 3600), utcOffsetSeconds: 3600)
    }

    static let catalog = builtIn()

    static func coach(_ settings: CoachSettings = CoachSettings(), safety: Bool = false,
                      workHours: WorkHours = .always) -> Coach {
        Coach(config: CoachConfig(coach: settings, catalog: CatalogSource(catalog), workHours: workHours, snoozeLimit: 3,
                                  snoozeDefault: .seconds(600), sound: true, showsSafetyNotice: safety),
              state: CoachState(seed: 42))
    }

    /// One scripted line: an event at a time with the schedule as it is, and the effects
    /// expected (log lines left out).
    struct Line {
        var event: Coach.Event
        var at: Moment
        var schedule = ScheduleView()
        var effects: [Coach.Effect]
    }

    static func run(_ coach: inout Coach, _ script: [Line], sourceLocation: SourceLocation = #_sourceLocation) {
        for (n, line) in script.enumerated() {
            let t = coach.handle(line.event, schedule: line.schedule, at: line.at)
            let effects = t.effects.filter { if case .log = $0 { false } else { true } }
            #expect(effects == line.effects, "line \(n + 1): \(line.event)", sourceLocation: sourceLocation)
        }
    }

    static func daily(_ promptID: UInt64, at now: Moment, snoozes: Int = 0) -> DailyState {
        var d = DailyState(routine: "daily-upper-back-standing", promptID: promptID, firstShownWall: now.wall)
        d.snoozes = snoozes
        return d
    }

    static var standingRoutine: ResolvedRoutine {
        catalog.routine("daily-upper-back-standing").flatMap(catalog.resolve)!
    }

    // MARK: Daily routine

    @Test func theDailyRoutineIsOfferedAtItsTimeShownAndTakenDownWhenAnswered() {
        var settings = CoachSettings()
        settings.daily.enabled = true
        settings.daily.at = 8 * 60
        var coach = Self.coach(settings)
        let offered = Self.daily(7, at: Self.at(8))
        let showing = ScheduleView(daily: offered, dailyShowing: true)
        let r = Self.standingRoutine
        Self.run(&coach, [
            // 07:59: the timer is armed for the slot, in real seconds.
            Line(event: .scheduleChanged, at: Self.at(7, 59),
                 effects: [.cancel(.dailySlot), .cancel(.sitStandSlot), .arm(.dailySlot, after: .seconds(60), scaled: false)]),
            // 08:00: offered to the scheduler, which records it; the coach shows it when told.
            Line(event: .timerFired(.dailySlot), at: Self.at(8),
                 effects: [.scheduler(.dailyOffered(routine: "daily-upper-back-standing"))]),
            Line(event: .scheduleChanged, at: Self.at(8), schedule: showing,
                 effects: [.cancel(.dailySlot), .cancel(.sitStandSlot),
                           .show(.dailyOffer(r, snooze: .seconds(600)), replacing: nil, serial: 1),
                           .arm(.dailySlot, after: .seconds(86_400), scaled: false)]),
            // Shown: the scheduler records it.
            Line(event: .notificationAnswered(.daily, serial: 1, .shown(serverID: 55)), at: Self.at(8), schedule: showing,
                 effects: [.scheduler(.notificationShown(promptID: 7, show: 1))]),
            // Nothing more while it shows.
            Line(event: .scheduleChanged, at: Self.at(8, 1), schedule: showing,
                 effects: [.cancel(.dailySlot), .cancel(.sitStandSlot), .arm(.dailySlot, after: .seconds(86_340), scaled: false)]),
            // The same slot never fires twice.
            Line(event: .timerFired(.dailySlot), at: Self.at(8, 30), schedule: showing,
                 effects: [.cancel(.dailySlot), .cancel(.sitStandSlot), .arm(.dailySlot, after: .seconds(84_600), scaled: false)]),
            // Answered (the schedule has no daily routine any more): taken down.
            Line(event: .scheduleChanged, at: Self.at(9),
                 effects: [.cancel(.dailySlot), .cancel(.sitStandSlot), .close(.daily),
                           .arm(.dailySlot, after: .seconds(82_800), scaled: false)]),
        ])
        #expect(coach.state.dailyFired == SlotStamp(day: LocalDate(year: 2026, month: 11, day: 23).daysSinceEpoch, minute: 480))
        #expect(coach.state.dailyServerID == nil && coach.daily == .offScreen)
    }

    @Test func pausedOrGuidingTheDailySlotPassesWithoutAnOffer() {
        var settings = CoachSettings()
        settings.daily.enabled = true
        var coach = Self.coach(settings)
        let t = coach.handle(.timerFired(.dailySlot), schedule: ScheduleView(paused: true), at: Self.at(8, 10))
        #expect(!t.effects.contains { if case .scheduler = $0 { true } else { false } })
        #expect(coach.state.dailyFired != nil, "the slot is used up")
        // Two hours late is too late: nothing fires the next day before 08:00.
        var late = Self.coach(settings)
        let l = late.handle(.timerFired(.dailySlot), schedule: ScheduleView(), at: Self.at(10, 1))
        #expect(l.effects.filter { if case .log = $0 { false } else { true } }
                == [.cancel(.dailySlot), .cancel(.sitStandSlot), .arm(.dailySlot, after: .seconds(79_140), scaled: false)])
    }

    @Test func withoutAServerTheDailyRoutineWaitsForOneAndAnswersAreMatchedBySerial() {
        var coach = Self.coach()
        let offered = Self.daily(3, at: Self.at(8))
        let showing = ScheduleView(daily: offered, dailyShowing: true)
        let r = Self.standingRoutine
        let show1: Coach.Effect = .show(.dailyOffer(r, snooze: .seconds(600)), replacing: nil, serial: 1)
        let show2: Coach.Effect = .show(.dailyOffer(r, snooze: .seconds(600)), replacing: nil, serial: 2)
        let slots: [Coach.Effect] = [.cancel(.dailySlot), .cancel(.sitStandSlot)]
        Self.run(&coach, [
            Line(event: .scheduleChanged, at: Self.at(8), schedule: showing, effects: slots + [show1]),
            // A stale serial changes nothing.
            Line(event: .notificationAnswered(.daily, serial: 9, .shown(serverID: 1)), at: Self.at(8), schedule: showing,
                 effects: []),
            Line(event: .notificationAnswered(.daily, serial: 1, .failed(reason: "no-server", message: "none", timedOut: false)),
                 at: Self.at(8), schedule: showing,
                 effects: [.scheduler(.notificationFailed(promptID: 3, show: 1, reason: "no-server"))]),
            // Not sent again at every event.
            Line(event: .scheduleChanged, at: Self.at(8, 5), schedule: showing, effects: slots),
            Line(event: .serverChanged(present: true), at: Self.at(8, 6), schedule: showing, effects: []),
            Line(event: .scheduleChanged, at: Self.at(8, 6), schedule: showing, effects: slots + [show2]),
            Line(event: .notificationAnswered(.daily, serial: 2, .shown(serverID: 8)), at: Self.at(8, 6), schedule: showing,
                 effects: [.scheduler(.notificationShown(promptID: 3, show: 1))]),
            // The server leaves: its id means nothing any more; no close is sent to nobody.
            Line(event: .serverChanged(present: false), at: Self.at(8, 7), schedule: showing, effects: []),
            Line(event: .scheduleChanged, at: Self.at(8, 7), schedule: ScheduleView(), effects: slots),
        ])
        #expect(coach.daily == .waitingForServer && coach.state.dailyServerID == nil)
    }

    @Test func theDailyOfferDropsSnoozeAtTheLimitAndHidesWhilePausedOrGuiding() {
        var coach = Self.coach()
        let r = Self.standingRoutine
        let last = ScheduleView(daily: Self.daily(3, at: Self.at(8), snoozes: 3), dailyShowing: true)
        let t = coach.handle(.scheduleChanged, schedule: last, at: Self.at(9))
        #expect(t.effects.contains(.show(.dailyOffer(r, snooze: nil), replacing: nil, serial: 1)), "no Snooze left")
        var paused = last
        paused.paused = true
        let p = coach.handle(.scheduleChanged, schedule: paused, at: Self.at(9))
        #expect(p.effects.contains(.close(.daily)))
        // Started from its own button: the walkthrough begins and the offer stays off screen.
        let s = coach.handle(.action(slot: .daily, tag: 0, action: "start"), schedule: last, at: Self.at(9))
        #expect(s.effects.contains(.scheduler(.guideBegan)))
        #expect(!s.effects.contains { if case .show(.dailyOffer, _, _) = $0 { true } else { false } })
        #expect(coach.guide?.routineID == "daily-upper-back-standing")
    }

    // MARK: Sit/stand

    @Test func standingBlocksStartAtTheirTimesEndOnATimerAndGrowWeekly() {
        var settings = CoachSettings()
        settings.sitStand.enabled = true  // 10:30 and 15:00
        var coach = Self.coach(settings)
        let slots: [Coach.Effect] = [.cancel(.dailySlot), .cancel(.sitStandSlot)]
        Self.run(&coach, [
            Line(event: .scheduleChanged, at: Self.at(9), effects: slots + [.arm(.sitStandSlot, after: .seconds(5400), scaled: false)]),
            Line(event: .timerFired(.sitStandSlot), at: Self.at(10, 30),
                 effects: [.show(.standing(block: 900), replacing: nil, serial: 1), .arm(.standingEnd, after: .seconds(900), scaled: true)]
                    + slots + [.arm(.sitStandSlot, after: .seconds(16_200), scaled: false)]),
        ])
        #expect(coach.standing == .standing(since: Self.at(10, 30).wall, block: 900))
        #expect(coach.standingNext == Self.at(15).wall)
        Self.run(&coach, [
            Line(event: .timerFired(.standingEnd), at: Self.at(10, 45), effects: [.show(.standingDone(block: 900), replacing: nil, serial: 2)]),
            // A stale end does nothing.
            Line(event: .timerFired(.standingEnd), at: Self.at(10, 46), effects: []),
            // Three weeks later the block is 15 min longer (5 min a week, the default).
            Line(event: .timerFired(.sitStandSlot), at: Self.at(day: 21, 15),
                 effects: [.show(.standing(block: 1800), replacing: nil, serial: 3), .arm(.standingEnd, after: .seconds(1800), scaled: true)]
                    + slots + [.arm(.sitStandSlot, after: .seconds(70_200), scaled: false)]),
            // Not now: taken down, the block ends.
            Line(event: .action(slot: .sitStand, tag: 0, action: "skip"), at: Self.at(day: 21, 15, 1),
                 effects: [.close(.sitStand), .cancel(.standingEnd)]),
        ])
        #expect(coach.standing == .sitting)
    }

    @Test func noStandingBlockOutsideWorkHoursOrWhilePaused() {
        var settings = CoachSettings()
        settings.sitStand.enabled = true
        var coach = Self.coach(settings, workHours: WorkHours(days: [.monday: [DaySpan(start: 11 * 3600, end: 17 * 3600)]]))
        let t = coach.handle(.timerFired(.sitStandSlot), schedule: ScheduleView(), at: Self.at(10, 30))
        #expect(!t.effects.contains { if case .show = $0 { true } else { false } })
        #expect(coach.state.sitStandFired != nil && coach.state.sitStandSince == nil)
        let p = coach.handle(.timerFired(.sitStandSlot), schedule: ScheduleView(paused: true), at: Self.at(15))
        #expect(!p.effects.contains { if case .show = $0 { true } else { false } })
    }

    // MARK: Step-up

    @Test func stepUpIsSuggestedOnceAfterTheRegularWeeks() {
        var settings = CoachSettings()
        settings.stepUp.enabled = true
        settings.stepUp.afterWeeks = 2
        settings.stepUp.daysPerWeek = 3
        var coach = Self.coach(settings)
        var suggested: [Int] = []
        for day in 0..<20 {
            let now = Self.at(day: day, 10)
            var done = HistoryRecord(outcome: .done, kind: .routine, promptID: 1, at: now)
            done.routine = "desk-reset"
            // A posture check done counts for nothing.
            _ = coach.handle(.recorded(HistoryRecord(outcome: .done, kind: .posture, promptID: 2, at: now)),
                             schedule: ScheduleView(), at: now)
            let t = coach.handle(.recorded(done), schedule: ScheduleView(), at: now)
            if t.effects.contains(.show(.stepUp(settings.stepUp.plan), replacing: nil, serial: 1)) { suggested.append(day) }
        }
        // The first week ends on day 6; the second needs three days of its own: day 9.
        #expect(suggested == [9])
        #expect(coach.state.routineDays.count <= 14, "old days are dropped")
    }

    // MARK: Guided walkthrough

    @Test func aWalkthroughShowsEachStepArmsHoldsAndCompletesOnce() throws {
        var coach = Self.coach()
        let start = coach.handle(.startRequested(routine: "doorway-opener"), schedule: ScheduleView(), at: Self.at(10))
        let w0 = try #require(coach.guide)
        guard case .started(let r, timed: true)? = start.reply else {
            Issue.record("not started: \(String(describing: start.reply))")
            return
        }
        #expect(r.id == "doorway-opener")
        #expect(start.effects.filter { if case .log = $0 { false } else { true } } == [
            .scheduler(.guideBegan),
            .show(.guideStep(w0, index: 0, sound: false), replacing: nil, serial: 1),
            .guidedStep(w0, index: 0),
            .arm(.guideStep, after: .seconds(30), scaled: true),
        ])
        #expect(coach.handle(.startRequested(routine: nil), schedule: ScheduleView(), at: Self.at(10)).reply
                == .refused(Coach.Refusal(code: .alreadyGuiding, message: "Doorway opener is under way; 'limber stop' ends it first")))
        // The server's id replaces the step in place.
        _ = coach.handle(.notificationAnswered(.guide, serial: 1, .shown(serverID: 77)), schedule: ScheduleView(), at: Self.at(10))
        // Four holds move on by themselves, with a sound.
        for i in 1...4 {
            let t = coach.handle(.timerFired(.guideStep), schedule: ScheduleView(), at: Self.at(10, 0, second: 30 * i))
            let w = try #require(coach.guide)
            #expect(t.effects.contains(.show(.guideStep(w, index: i, sound: true), replacing: 77, serial: UInt64(i + 1))))
        }
        // The fifth step counts repetitions: no timer, a stale one changes nothing.
        #expect(coach.handle(.timerFired(.guideStep), schedule: ScheduleView(), at: Self.at(10, 3)).effects.isEmpty)
        #expect(coach.guide?.current == 4)
        let next = coach.handle(.nextRequested, schedule: ScheduleView(), at: Self.at(10, 4))
        #expect(next.reply == .routineDone)
        let done = next.effects.filter { if case .log = $0 { false } else { true } }
        guard case .show(.guideDone(let wd, sound: true), replacing: 77, serial: 6) = done.last else {
            Issue.record("no done note: \(done)")
            return
        }
        #expect(done.first == .scheduler(.guideEnded(completed: true, routine: "doorway-opener")))
        #expect(wd.routineID == "doorway-opener" && coach.guide == nil && coach.state.guideServerID == nil)
        #expect(coach.handle(.nextRequested, schedule: ScheduleView(), at: Self.at(10, 5)).reply
                == .refused(Coach.Refusal(code: .notGuiding, message: "no routine is under way; 'limber start' begins one")))
    }

    @Test func stoppingAWalkthroughCancelsItsTimerAndTellsTheScheduler() {
        var coach = Self.coach()
        _ = coach.handle(.startRequested(routine: "doorway-opener"), schedule: ScheduleView(), at: Self.at(10))
        Self.run(&coach, [
            Line(event: .action(slot: .guide, tag: 0, action: "stop"), at: Self.at(10, 0, second: 10),
                 effects: [.cancel(.guideStep), .close(.guide), .scheduler(.guideEnded(completed: false, routine: "doorway-opener"))]),
            Line(event: .timerFired(.guideStep), at: Self.at(10, 1), effects: []),
        ])
        #expect(coach.handle(.stopRequested, schedule: ScheduleView(), at: Self.at(10, 2)).reply
                == .refused(Coach.Refusal(code: .notGuiding, message: "no routine is under way")))
    }

    @Test func startWithoutANameTakesTheReminderOnScreenThenTheDailyOfferThenTheRotation() throws {
        var coach = Self.coach()
        let due = Prompt(id: 5, kind: .routine, show: 1, isFinal: false, snoozesLeft: 3, serial: 1, isRepeat: false)
        guard case .content(.routine(let shown))? = coach.handle(.reminderShowing(due), schedule: ScheduleView(), at: Self.at(10)).reply else {
            Issue.record("no routine chosen")
            return
        }
        let t = coach.handle(.startRequested(routine: nil), schedule: ScheduleView(due: due), at: Self.at(10))
        #expect(coach.guide?.routineID == shown.id, "the routine the reminder showed")
        #expect(t.effects.contains(.scheduler(.guideBegan)))
        _ = coach.handle(.stopRequested, schedule: ScheduleView(), at: Self.at(10))
        let offer = ScheduleView(daily: Self.daily(9, at: Self.at(8)), dailyShowing: true)
        _ = coach.handle(.startRequested(routine: nil), schedule: offer, at: Self.at(10))
        #expect(coach.guide?.routineID == "daily-upper-back-standing")
        _ = coach.handle(.stopRequested, schedule: ScheduleView(), at: Self.at(10))
        let unknown = coach.handle(.startRequested(routine: "desk-rest"), schedule: ScheduleView(), at: Self.at(10))
        guard case .refused(let refusal)? = unknown.reply else {
            Issue.record("started an unknown routine")
            return
        }
        #expect(refusal.code == .unknownRoutine && refusal.message.contains("did you mean desk-reset?"))
    }

    @Test func aWalkthroughOnScreenAtARestartIsTakenDown() throws {
        var state = CoachState(seed: 1)
        state.guideServerID = 12
        var coach = Coach(config: Self.coach().config, state: state)
        let t = coach.handle(.started, schedule: ScheduleView(), at: Self.at(10))
        #expect(t.effects.filter { if case .log = $0 { false } else { true } }
                == [.show(.guideStoppedByRestart, replacing: 12, serial: 1), .close(.guide)])
        #expect(coach.state.guideServerID == nil)
    }

    // MARK: Rotation

    @Test func remindersRotateTheirContentAndKeepItAcrossReShows() {
        var coach = Self.coach()
        let eligible = Self.catalog.rotation(for: CoachSettings().setup).map(\.id)
        var picks: [String] = []
        for id in 1...UInt64(eligible.count * 2) {
            let p = Prompt(id: id, kind: .routine, show: 1, isFinal: false, snoozesLeft: 3, serial: Int(id), isRepeat: false)
            guard case .content(.routine(let r))? = coach.handle(.reminderShowing(p), schedule: ScheduleView(), at: Self.at(10)).reply
            else { Issue.record("no routine"); return }
            var again = p
            again.show = 2
            #expect(coach.handle(.reminderShowing(again), schedule: ScheduleView(), at: Self.at(10)).reply == .content(.routine(r)),
                    "a re-show shows the same")
            picks.append(r.id)
        }
        #expect(Set(picks.prefix(eligible.count)) == Set(eligible), "each once a round: \(picks)")
        #expect(Set(picks.suffix(eligible.count)) == Set(eligible))
        #expect(zip(picks, picks.dropFirst()).allSatisfy { $0 != $1 }, "never twice in a row")
    }

    // MARK: Safety notice

    @Test func theSafetyNoticeGoesFirstOnceAndWaitsForAServerAfterATimeout() {
        var coach = Self.coach(safety: true)
        let p = Prompt(id: 1, kind: .posture, show: 1, isFinal: false, snoozesLeft: 3, serial: 1, isRepeat: false)
        Self.run(&coach, [
            Line(event: .reminderShowing(p), at: Self.at(10), effects: [.show(.safety, replacing: nil, serial: 1)]),
            // Sent and not answered: not sent twice.
            Line(event: .reminderShowing(p), at: Self.at(10), effects: []),
            // A server that took it and never answered: held back until a server appears.
            Line(event: .notificationAnswered(.safety, serial: 1, .failed(reason: "timeout", message: "", timedOut: true)),
                 at: Self.at(10), effects: []),
            Line(event: .reminderShowing(p), at: Self.at(10, 1), effects: []),
            Line(event: .serverChanged(present: true), at: Self.at(10, 2), effects: []),
            Line(event: .reminderShowing(p), at: Self.at(10, 2), effects: [.show(.safety, replacing: nil, serial: 2)]),
            Line(event: .notificationAnswered(.safety, serial: 2, .shown(serverID: 3)), at: Self.at(10, 2), effects: []),
            Line(event: .reminderShowing(p), at: Self.at(10, 3), effects: []),
        ])
        #expect(coach.state.safetyNoticeShown)
    }
}
