import Testing
@testable import LimberCore

@Suite("posture window")
struct PostureWindow {
    @Test func drawsStayInsideThirtyToFortyFiveMinutesAndCoverTheWindow() {
        var lo = Duration.seconds(Int64.max), hi = Duration.zero
        var distinct = Set<Int64>()
        for seed in 0..<500 {
            var h = Harness(seed: UInt64(seed))
            for _ in 0..<8 {
                let i = h.scheduler.state.posture.interval
                #expect(i >= .minutes(30) && i <= .minutes(45), "seed \(seed): \(i)")
                lo = min(lo, i)
                hi = max(hi, i)
                distinct.insert(i.components.seconds)
                h.send(.answered(.done, promptID: nil))  // restarts the posture interval: a fresh draw
            }
        }
        #expect(lo < .minutes(31))
        #expect(hi > .minutes(44))
        #expect(distinct.count > 500, "draws should spread over the window, got \(distinct.count) values")
    }

    @Test func sameSeedSameSchedule() {
        let a = Harness(seed: 7), b = Harness(seed: 7), c = Harness(seed: 8)
        #expect(a.scheduler.state.posture.interval == b.scheduler.state.posture.interval)
        #expect(a.scheduler.state.posture.interval != c.scheduler.state.posture.interval)
    }

    @Test func eachIntervalIsDrawnAfresh() {
        var h = Harness(seed: 3)
        var seen: [Duration] = []
        for _ in 0..<6 {
            seen.append(h.scheduler.state.posture.interval)
            h.send(.answered(.done, promptID: nil))
        }
        #expect(Set(seen.map { $0.components.seconds }).count > 1)
    }
}

@Suite("coming due")
struct ComingDue {
    @Test func postureComesDueAfterItsIntervalOfActiveTime() {
        var h = Harness()
        let interval = h.scheduler.state.posture.interval
        h.run(for: interval - .seconds(1))
        #expect(h.shows.isEmpty)
        h.run(for: .seconds(1))
        #expect(h.shows.count == 1)
        #expect(h.shows[0].kind == .posture)
        #expect(h.shows[0].show == 1)
        #expect(!h.shows[0].isFinal)
        #expect(h.outcomes == [.shown])
        #expect(h.status.today.due == 1)
    }

    @Test func routineComesDueEverySixtyMinutes() {
        var s = ScheduleSettings()
        s.postureMin = .minutes(90)
        s.postureMax = .minutes(90)
        var h = Harness(settings: s)
        h.run(for: .minutes(59))
        #expect(h.shows.isEmpty)
        h.run(for: .minutes(1))
        #expect(h.shows.map(\.kind) == [.routine])
        h.send(.answered(.done, promptID: nil))
        h.clear()
        h.run(for: .minutes(60))
        #expect(h.shows.map(\.kind) == [.routine])
    }

    @Test func bothDueTogetherShowOneRoutineThatCountsAsThePostureCheck() {
        var s = ScheduleSettings()
        s.postureMin = .minutes(60)
        s.postureMax = .minutes(60)
        var h = Harness(settings: s)
        h.run(for: .minutes(60))
        #expect(h.shows.map(\.kind) == [.routine])
        #expect(h.outcomes == [.shown])
        h.send(.answered(.done, promptID: nil))
        #expect(h.next(.posture).elapsed == .zero)
        #expect(h.next(.routine).elapsed == .zero)
    }

    @Test func routineComingDueReplacesAnUnansweredPostureCheck() {
        var s = ScheduleSettings()
        s.postureMin = .minutes(58)
        s.postureMax = .minutes(58)
        s.reshowDelay = .minutes(10)
        var h = Harness(settings: s)
        h.run(for: .minutes(58))
        let posture = h.shows[0]
        #expect(posture.kind == .posture)
        h.run(for: .minutes(2))
        #expect(h.withdrawn == [posture.id])
        #expect(h.shows.last?.kind == .routine)
        #expect(h.status.due?.prompt.kind == .routine)
        #expect(h.outcomes == [.shown, .withdrawn, .shown])
        #expect(h.records[1].reason == "replaced" && h.records[1].promptID == posture.id)
        #expect(h.status.today.due == 1, "the routine stands in for the posture check: one reminder due")
    }

    @Test func suspendIsNotActiveTime() {
        // With sleep = "pause": by default two hours asleep would be a natural break (AwayTests).
        var s = ScheduleSettings()
        s.away.sleep = .pause
        var h = Harness(settings: s)
        h.run(for: .minutes(10))
        h.clock.suspend(.minutes(120))
        h.send(.tick)
        #expect(h.shows.isEmpty)
        #expect(h.next(.posture).elapsed == .minutes(10))
    }

    @Test func nextWakeIsTheNearestDueTime() {
        let h = Harness()
        #expect(h.scheduler.nextWake(at: h.clock.now) == h.scheduler.state.posture.interval)
    }
}

@Suite("re-show and missed")
struct Reshow {
    @Test func unansweredIsShownTwiceMoreTheLastTimeCriticalThenMissed() {
        var h = Harness()
        h.run(for: h.scheduler.state.posture.interval)
        let first = h.shows[0]
        h.run(for: .minutes(5))
        h.run(for: .minutes(5))
        #expect(h.shows.map(\.show) == [1, 2, 3])
        #expect(h.shows.map(\.id) == [first.id, first.id, first.id])
        #expect(h.shows.map(\.isFinal) == [false, false, true])
        #expect(h.outcomes == [.shown, .reshown, .reshown])
        h.run(for: .seconds(299))
        #expect(!h.outcomes.contains(.missed))
        h.run(for: .seconds(1))
        #expect(h.outcomes.last == .missed)
        #expect(h.withdrawn == [first.id])
        #expect(h.status.due == nil)
        #expect(h.status.today.missed == 1)
        // The next one is scheduled from scratch.
        #expect(h.next(.posture).elapsed == .zero)
    }

    @Test func reshowRunsOnRealTimeNotOnlyActiveTime() {
        var s = ScheduleSettings()
        s.workHours = WorkHours(days: [.monday: [DaySpan(start: 9 * 3600, end: 17 * 3600)]])
        var h = Harness(settings: s)
        h.send(.dueNowRequested(.posture))
        #expect(h.scheduler.nextWake(at: h.clock.now) == .minutes(5))
    }

    @Test func staleNotificationAnswersAreIgnored() {
        var h = Harness()
        h.send(.dueNowRequested(.posture))
        let id = h.shows[0].id
        h.send(.answered(.done, promptID: id))
        h.clear()
        let t = h.send(.answered(.skip, promptID: id))
        #expect(t.reply == nil)
        #expect(t.effects.isEmpty)
    }
}

@Suite("answers")
struct Answers {
    @Test func doneRecordsAndRestartsAndClosesTheNotification() {
        var h = Harness()
        h.send(.dueNowRequested(.posture))
        let id = h.shows[0].id
        let t = h.send(.answered(.done, promptID: nil))
        #expect(t.effects.contains(.withdraw(promptID: id)))
        #expect(h.outcomes == [.shown, .done])
        guard case .ok(let msg) = t.reply else { Issue.record("refused"); return }
        #expect(msg.hasPrefix("posture check done; posture check in "))
        #expect(h.status.today.done == 1)
    }

    @Test func snoozeDefaultsToFiveMinutesAndPushesEverythingBack() {
        var s = ScheduleSettings()
        s.postureMin = .minutes(90)
        s.postureMax = .minutes(90)
        var h = Harness(settings: s)
        h.run(for: .minutes(58))
        h.send(.dueNowRequested(.posture))
        h.clear()
        let t = h.send(.answered(.snooze(nil), promptID: nil))
        guard case .ok(let msg) = t.reply else { Issue.record("refused"); return }
        #expect(msg == "posture check snoozed for 5 min (2 snoozes left)")
        #expect(h.outcomes == [.snoozed])
        #expect(h.records[0].length == .minutes(5))
        #expect(h.status.due == nil)
        #expect(h.next(.posture).remaining == .minutes(5))
        // The routine was 2 min away; the snooze keeps it quiet too.
        #expect(h.next(.routine).remaining == .minutes(5))
        h.run(for: .seconds(299))
        #expect(h.shows.isEmpty)
        h.run(for: .seconds(1))
        #expect(h.shows.map(\.kind) == [.routine])
    }

    @Test(arguments: [(Int64(59), "for a shorter break"), (Int64(7201), "run 'limber pause 2h1s'"),
                      (Int64(1) << 60, "run 'limber pause")])
    func aSnoozeOutsideOneMinuteToTwoHoursIsRefused(seconds: Int64, advice: String) {
        var h = Harness()
        h.send(.dueNowRequested(.posture))
        let before = h.scheduler.state
        guard case .refused(let r) = h.send(.answered(.snooze(.seconds(seconds)), promptID: nil)).reply else {
            Issue.record("expected a refusal")
            return
        }
        #expect(r.code == .snoozeLength)
        #expect(r.message.hasPrefix("a snooze lasts 1m to 2h"))
        #expect(r.message.contains(advice))
        #expect(h.scheduler.state == before, "nothing changed")
        h.send(.answered(.snooze(.minutes(120)), promptID: nil))
        #expect(h.next(.posture).remaining == .minutes(120), "2h itself is allowed")
    }

    @Test func snoozeTakesALength() {
        var h = Harness()
        h.send(.dueNowRequested(.posture))
        h.send(.answered(.snooze(.minutes(10)), promptID: nil))
        #expect(h.next(.posture).remaining == .minutes(10))
    }

    @Test func atMostThreeSnoozesThenARefusalThatSaysWhatToDo() {
        var h = Harness()
        h.send(.dueNowRequested(.posture))
        for left in [2, 1, 0] {
            let t = h.send(.answered(.snooze(nil), promptID: nil))
            guard case .ok = t.reply else { Issue.record("refused early"); return }
            h.run(for: .minutes(5))
            #expect(h.status.due?.prompt.snoozesLeft == left)
        }
        let t = h.send(.answered(.snooze(nil), promptID: nil))
        guard case .refused(let r) = t.reply else { Issue.record("fourth snooze accepted"); return }
        #expect(r.code == .snoozeLimit)
        #expect(r.message.contains("limber done"))
        #expect(r.message.contains("limber skip"))
        #expect(h.status.due != nil, "a refused snooze leaves the reminder on screen")
        // Answering resets the count for the next reminder.
        h.send(.answered(.skip, promptID: nil))
        h.send(.dueNowRequested(.posture))
        #expect(h.status.due?.prompt.snoozesLeft == 3)
    }

    @Test func snoozeAndSkipWithNothingDueAreRefused() {
        var h = Harness()
        for answer in [Answer.snooze(nil), .skip] {
            let t = h.send(.answered(answer, promptID: nil))
            guard case .refused(let r) = t.reply else { Issue.record("accepted"); continue }
            #expect(r.code == .nothingDue)
            #expect(r.message.contains("posture check in"))
        }
        #expect(h.records.isEmpty)
    }

    @Test func skipRecordsAndSchedulesTheNext() {
        var h = Harness()
        h.send(.dueNowRequested(.routine))
        h.run(for: .minutes(1))
        h.send(.answered(.skip, promptID: nil))
        #expect(h.outcomes == [.shown, .skipped])
        #expect(h.next(.routine).elapsed == .zero)
        #expect(h.next(.posture).elapsed == .zero, "a routine covers the posture check")
        #expect(h.status.today.skipped == 1)
    }

    @Test func doneWithNothingDueCompletesTheNextReminderEarly() {
        var h = Harness()
        h.run(for: .minutes(20))
        let t = h.send(.answered(.done, promptID: nil))
        guard case .ok(let msg) = t.reply else { Issue.record("refused"); return }
        #expect(msg.hasPrefix("posture check done early"))
        #expect(h.records.last?.outcome == .done)
        #expect(h.records.last?.early == true)
        #expect(h.next(.posture).elapsed == .zero)
        #expect(h.next(.routine).elapsed == .minutes(20), "only the next reminder restarts")
        #expect(h.status.today.done == 1)
    }

    @Test func doneEarlyPicksTheRoutineWhenItIsNearer() {
        var s = ScheduleSettings()
        s.postureMin = .minutes(90)
        s.postureMax = .minutes(90)
        var h = Harness(settings: s)
        h.run(for: .minutes(50))
        h.send(.answered(.done, promptID: nil))
        #expect(h.records.last?.kind == .routine)
        #expect(h.next(.routine).elapsed == .zero)
        #expect(h.next(.posture).elapsed == .zero)
    }

    @Test func nowShowsAKindAtOnceAndAgainInPlace() {
        var h = Harness()
        h.send(.dueNowRequested(.posture))
        #expect(h.shows.map(\.kind) == [.posture])
        let t = h.send(.dueNowRequested(.posture))
        #expect(t.effects == [.show(Prompt(id: h.shows[0].id, kind: .posture, show: 1, isFinal: false,
                                            snoozesLeft: 3, serial: 0, isRepeat: true))])
        #expect(h.status.today.due == 1, "showing it again is not a new reminder")
        h.send(.dueNowRequested(.routine))
        #expect(h.shows.last?.kind == .routine)
        #expect(h.withdrawn == [h.shows[0].id])
        #expect(h.outcomes == [.shown, .withdrawn, .shown])
        #expect(h.records[1].reason == "replaced")
        #expect(h.status.today.due == 1)
    }
}

@Suite("pause and resume")
struct PauseResume {
    @Test func indefinitePauseFreezesActiveTimeAndWithdrawsTheReminder() {
        var h = Harness()
        h.run(for: .minutes(10))
        h.send(.dueNowRequested(.posture))
        let id = h.shows[0].id
        let t = h.send(.pauseRequested(.indefinitely))
        #expect(t.reply == .ok("reminders paused until you run 'limber resume'"))
        #expect(h.withdrawn == [id])
        #expect(h.outcomes.suffix(2) == [.withdrawn, .paused])
        let before = h.next(.routine).elapsed
        h.run(for: .minutes(120))
        #expect(h.next(.routine).elapsed == before)
        #expect(h.scheduler.nextWake(at: h.clock.now) == nil, "an indefinite pause never wakes the daemon")
        #expect(h.status.mode == .paused(until: nil))
        // now is refused while paused.
        guard case .refused(let r) = h.send(.dueNowRequested(.posture)).reply else { Issue.record(); return }
        #expect(r.code == .paused)
        h.clear()
        h.send(.resumeRequested)
        #expect(h.outcomes.first == .resumed)
        // The posture check that was due is shown again on resume.
        #expect(h.shows.map(\.kind) == [.posture])
    }

    @Test func pausingAndResumingADueReminderCountsItOnce() {
        var h = Harness()
        h.send(.dueNowRequested(.posture))
        for _ in 0..<5 {
            h.send(.pauseRequested(.indefinitely))
            h.clock.advance(.seconds(30))
            h.send(.resumeRequested)
            h.send(.tick)
        }
        #expect(h.shows.count == 6, "shown again after every resume")
        #expect(h.status.today.due == 1, "still one reminder due")
        h.send(.answered(.done, promptID: nil))
        #expect(h.status.today.done == 1 && h.status.today.due == 1)
    }

    @Test func timedPauseEndsByItselfAndCreditsOnlyTheTimeAfter() {
        var h = Harness()
        h.send(.pauseRequested(.duration(.minutes(60))))
        #expect(h.scheduler.nextWake(at: h.clock.now) == .minutes(60))
        h.clock.advance(.minutes(70))
        h.send(.tick)
        #expect(h.outcomes == [.paused, .resumed])
        #expect(h.records.last?.reason == "pause-ended")
        #expect(h.next(.posture).elapsed == .minutes(10))
    }

    @Test func pauseUntilAClockTimeTodayOrTomorrow() {
        var h = Harness()  // Monday 09:00 local
        let t = h.send(.pauseRequested(.until(hour: 14, minute: 30)))
        #expect(t.reply == .ok("reminders paused until 14:30; 'limber resume' resumes them sooner"))
        #expect(h.status.mode == .paused(until: h.clock.wall + .seconds(5 * 3600 + 1800)))
        h.send(.resumeRequested)
        let t2 = h.send(.pauseRequested(.until(hour: 8, minute: 0)))
        #expect(t2.reply == .ok("reminders paused until tomorrow 08:00; 'limber resume' resumes them sooner"))
    }

    /// Europe/Berlin: CET (+1) to CEST (+2) at 01:00 UTC on 2026-03-29, back at 01:00 UTC on 2026-10-25.
    static func berlin(_ wall: Duration) -> Int {
        let spring = Duration.seconds(LocalDate(year: 2026, month: 3, day: 29).daysSinceEpoch * 86_400 + 3600)
        let autumn = Duration.seconds(LocalDate(year: 2026, month: 10, day: 25).daysSinceEpoch * 86_400 + 3600)
        return wall >= spring && wall < autumn ? 7200 : 3600
    }

    @Test(arguments: [(2026, 3, 28, 3600, 7200), (2026, 10, 24, 7200, 3600)])
    func pauseUntilEightIsEightOnTheClockAcrossADSTChange(year: Int, month: Int, day: Int, before: Int, after: Int) {
        var clock = TestClock()
        clock.offset = before
        // 23:00 local on the Saturday night before the change.
        clock.wall = .seconds(LocalDate(year: year, month: month, day: day).daysSinceEpoch * 86_400 + Int64(23 * 3600 - before))
        #expect(Self.berlin(clock.wall) == before)
        let end = Scheduler.nextWall(hour: 8, minute: 0, after: clock.now, utcOffsetAt: Self.berlin)
        #expect(end.utcOffsetSeconds == after)
        #expect(LocalTime(wall: end.wall, utcOffsetSeconds: after).clockText == "08:00")
        #expect(end.wall - clock.wall == .seconds(9 * 3600 - (after - before)), "8 h or 10 h of real time")
        var h = Harness()
        h.clock = clock
        h.scheduler = Scheduler(settings: .defaults, seed: 1, at: clock.now)
        let t = h.send(.pauseRequested(.untilWall(end.wall, utcOffsetSeconds: end.utcOffsetSeconds)))
        #expect(t.reply == .ok("reminders paused until tomorrow 08:00; 'limber resume' resumes them sooner"))
        #expect(h.status.mode == .paused(until: end.wall))
        // Without a zone database the current offset is assumed to hold, as before.
        #expect(Scheduler.nextWall(hour: 8, minute: 0, after: clock.now).wall - clock.wall == .seconds(9 * 3600))
    }

    @Test(arguments: [(2, 30), (2, 0), (2, 59)])
    func pauseUntilATimeTheClockSkipsEndsWhenTheClockJumps(hour: Int, minute: Int) {
        // 01:50 CET on the spring-forward night: 02:00 to 02:59 do not exist; 03:00 CEST follows 01:59:59 CET.
        var clock = TestClock()
        clock.offset = 3600
        clock.wall = .seconds(LocalDate(year: 2026, month: 3, day: 29).daysSinceEpoch * 86_400 + Int64(110 * 60 - 3600))
        #expect(clock.now.local.clockText == "01:50")
        let end = Scheduler.nextWall(hour: hour, minute: minute, after: clock.now, utcOffsetAt: Self.berlin)
        #expect(end.utcOffsetSeconds == 7200)
        #expect(LocalTime(wall: end.wall, utcOffsetSeconds: 7200).clockText == "03:00")
        #expect(end.wall - clock.wall == .minutes(10), "the pause lasts until the clock jumps")
        var h = Harness()
        h.clock = clock
        h.scheduler = Scheduler(settings: .defaults, seed: 1, at: clock.now)
        let t = h.send(.pauseRequested(.untilWall(end.wall, utcOffsetSeconds: end.utcOffsetSeconds)))
        #expect(t.reply == .ok("reminders paused until 03:00; 'limber resume' resumes them sooner"))
        #expect(h.status.mode == .paused(until: end.wall))
        // Times around the gap are untouched: 01:55 is 5 minutes away, 03:30 is 40.
        #expect(Scheduler.nextWall(hour: 1, minute: 55, after: clock.now, utcOffsetAt: Self.berlin).wall - clock.wall == .minutes(5))
        #expect(Scheduler.nextWall(hour: 3, minute: 30, after: clock.now, utcOffsetAt: Self.berlin).wall - clock.wall == .minutes(40))
    }

    @Test func resumeWhenNotPausedIsRefused() {
        var h = Harness()
        guard case .refused(let r) = h.send(.resumeRequested).reply else { Issue.record(); return }
        #expect(r.code == .notPaused)
    }
}

@Suite("work hours")
struct WorkHoursRules {
    static var weekdays9to17: ScheduleSettings {
        var s = ScheduleSettings()
        let span = [DaySpan(start: 9 * 3600, end: 17 * 3600)]
        s.workHours = WorkHours(days: [.monday: span, .tuesday: span, .wednesday: span,
                                       .thursday: span, .friday: span])
        return s
    }

    @Test func activeTimeStopsAtTheEndOfWorkAndStartsAtTheBeginning() {
        var h = Harness(settings: Self.weekdays9to17)
        h.clock.setLocal(hour: 16, minute: 50)
        h.scheduler = Scheduler(settings: Self.weekdays9to17, seed: 1, at: h.clock.now)
        // One long step across 17:00 credits only the ten minutes before it.
        h.clock.advance(.minutes(40))
        h.send(.tick)
        #expect(h.next(.routine).elapsed == .minutes(10))
        #expect(h.status.mode != .active)
        // Overnight: nothing. Next morning one step across 09:00 credits only the time after.
        h.clock.advance(.seconds(15 * 3600 + 45 * 60))  // 17:30 -> 09:15 Tuesday
        h.send(.tick)
        #expect(h.clock.now.local.clockText == "09:15")
        #expect(h.next(.routine).elapsed == .minutes(25))
    }

    @Test func aSuspendFromBeforeWorkToAfterItsStartCreditsNothingFromBefore() {
        var h = Harness(settings: Self.weekdays9to17)
        h.clock.setLocal(hour: 7)
        h.scheduler = Scheduler(settings: Self.weekdays9to17, seed: 1, at: h.clock.now)
        h.clock.advance(.minutes(60))   // awake 07:00 -> 08:00, no tick in between
        h.clock.suspend(.minutes(90))   // asleep 08:00 -> 09:30, seen only in the clocks
        h.send(.tick)
        #expect(h.clock.now.local.clockText == "09:30")
        #expect(h.next(.routine).elapsed == .zero, "all the awake time was before 09:00")
        h.clock.advance(.minutes(10))
        h.send(.tick)
        #expect(h.next(.routine).elapsed == .minutes(10))
    }

    @Test func nextWakeIncludesTheWorkBoundaries() {
        var h = Harness(settings: Self.weekdays9to17)
        h.clock.setLocal(hour: 7)
        h.scheduler = Scheduler(settings: Self.weekdays9to17, seed: 1, at: h.clock.now)
        #expect(h.scheduler.nextWake(at: h.clock.now) == .minutes(120))
        h.clock.setLocal(hour: 16, minute: 59)
        h.scheduler = Scheduler(settings: Self.weekdays9to17, seed: 1, at: h.clock.now)
        #expect(h.scheduler.nextWake(at: h.clock.now) == .minutes(1))
    }

    @Test func weekendsHaveNoReminders() {
        var h = Harness(settings: Self.weekdays9to17)
        h.clock.advance(.seconds(5 * 86_400))  // Saturday 09:00
        h.scheduler = Scheduler(settings: Self.weekdays9to17, seed: 1, at: h.clock.now)
        h.run(for: .seconds(2 * 86_400 - 3600), step: .minutes(30))
        #expect(h.shows.isEmpty)
        #expect(h.next(.posture).elapsed == .zero)
        h.run(for: .minutes(60), step: .minutes(5))  // Monday 08:00 -> 09:00 and on
        #expect(h.clock.now.local.weekday == .monday)
        #expect(h.shows.isEmpty)
    }

    @Test func aReminderOnScreenAtTheEndOfWorkIsWithdrawnAndShownNextMorning() {
        var h = Harness(settings: Self.weekdays9to17)
        h.clock.setLocal(hour: 16, minute: 58)
        h.scheduler = Scheduler(settings: Self.weekdays9to17, seed: 1, at: h.clock.now)
        h.send(.dueNowRequested(.posture))
        let id = h.shows[0].id
        h.run(for: .minutes(3))
        #expect(h.withdrawn == [id])
        #expect(h.records.last?.outcome == .withdrawn)
        #expect(h.records.last?.reason == "work-hours")
        h.clear()
        h.run(for: .seconds(16 * 3600), step: .minutes(30))  // to Tuesday ~09:01
        #expect(h.shows.map(\.kind) == [.posture])
    }

    @Test func spanEndingAtMidnightJoinsTheNextDay() {
        var s = ScheduleSettings()
        s.workHours = WorkHours(days: [.monday: [DaySpan(start: 20 * 3600, end: 86_400)],
                                       .tuesday: [DaySpan(start: 0, end: 2 * 3600)]])
        let monday22 = LocalTime(date: LocalDate(year: 2026, month: 11, day: 23), secondOfDay: 22 * 3600)
        #expect(s.workHours.contains(monday22))
        #expect(s.workHours.secondsUntilChange(from: monday22) == 4 * 3600)
    }
}

@Suite("settings replaced")
struct SettingsReplaced {
    @Test func elapsedStaysAndTheNewIntervalAppliesFromTheNextReminder() {
        var h = Harness()
        h.run(for: .minutes(20))
        var s = ScheduleSettings()
        s.routineInterval = .minutes(90)
        h.send(.settingsReplaced(s))
        #expect(h.next(.routine).elapsed == .minutes(20))
        #expect(h.next(.routine).interval == .minutes(60))
        h.send(.dueNowRequested(.routine))
        h.send(.answered(.done, promptID: nil))
        #expect(h.next(.routine).interval == .minutes(90))
    }
}
