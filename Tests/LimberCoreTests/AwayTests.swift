import Foundation
import JSON
import Testing
@testable import LimberCore

// Scripted tables for time away: idle, lock and sleep count as breaks, and nothing fires at an
// empty chair. Every table drives the scheduler with an explicit clock (Support.swift).

extension Harness {
    mutating func away(_ source: AwaySource, idleFor: Duration = .zero) {
        send(.awayBegan(source, idleFor: idleFor))
    }

    mutating func back(_ source: AwaySource) {
        send(.awayEnded(source))
    }

    var naturalBreaks: [HistoryRecord] { records.filter { $0.outcome == .naturalBreak } }
}

extension ScheduleSettings {
    /// A fixed 45-minute posture interval, so tables can count minutes exactly.
    static var fixed45: ScheduleSettings {
        var s = ScheduleSettings()
        s.postureMin = .minutes(45)
        s.postureMax = .minutes(45)
        return s
    }

    func with(_ source: AwaySource, _ policy: AwayPolicy) -> ScheduleSettings {
        var s = self
        switch source {
        case .logindIdle: s.away.logindIdle = policy
        case .lock: s.away.lock = policy
        case .sleep: s.away.sleep = policy
        case .mutterIdle: s.away.mutterIdle = policy
        case .waylandIdle: s.away.waylandIdle = policy
        case .x11Idle: s.away.x11Idle = policy
        case .screensaver: s.away.screensaver = policy
        }
        return s
    }
}

@Suite("natural breaks")
struct NaturalBreaks {
    @Test func fiveMinutesLockedIsANaturalBreakThatRestartsThePostureInterval() {
        var h = Harness(settings: .fixed45)
        h.run(for: .minutes(20))
        h.away(.lock)
        h.run(for: .minutes(5))
        #expect(h.next(.posture).elapsed == .minutes(20), "active time stands still while away")
        #expect(h.status.presence.isAway)
        #expect(h.records.isEmpty, "nothing is recorded until the user is back")
        h.back(.lock)
        #expect(h.outcomes == [.naturalBreak])
        let r = h.records[0]
        #expect(r.kind == .posture)
        #expect(r.promptID == nil)
        #expect(r.length == .minutes(5))
        #expect(r.reason == "lock")
        #expect(h.next(.posture).elapsed == .zero)
        #expect(h.next(.routine).elapsed == .minutes(20), "five minutes away does not stand for the routine")
        #expect(h.status.today.naturalBreaks == 1)
        #expect(!h.status.presence.isAway)
    }

    @Test func fifteenMinutesAwayRestartsTheRoutineIntervalToo() {
        var h = Harness(settings: .fixed45)
        h.run(for: .minutes(40))
        h.away(.logindIdle)
        h.run(for: .minutes(15))
        h.back(.logindIdle)
        #expect(h.naturalBreaks.map(\.kind) == [.routine])
        #expect(h.naturalBreaks.first?.length == .minutes(15))
        #expect(h.next(.posture).elapsed == .zero)
        #expect(h.next(.routine).elapsed == .zero)
    }

    @Test func theLengthsAreSettings() {
        var s = ScheduleSettings.fixed45
        s.away.naturalBreak = .minutes(2)
        s.away.routineBreak = .minutes(2)
        var h = Harness(settings: s)
        h.run(for: .minutes(10))
        h.away(.lock)
        h.run(for: .minutes(2))
        h.back(.lock)
        #expect(h.naturalBreaks.map(\.kind) == [.routine])
    }

    @Test func shorterTimeAwayPausesActiveTimeWithoutResettingIt() {
        var h = Harness(settings: .fixed45)
        h.run(for: .minutes(20))
        h.away(.lock)
        h.run(for: .minutes(4))
        h.back(.lock)
        #expect(h.records.isEmpty)
        #expect(h.next(.posture).elapsed == .minutes(20), "not credited and not reset")
        #expect(h.next(.routine).elapsed == .minutes(20))
        h.run(for: .minutes(1))
        #expect(h.next(.posture).elapsed == .minutes(21), "active time runs again on return")
    }

    @Test func pausePolicyFreezesButNeverCredits() {
        var h = Harness(settings: ScheduleSettings.fixed45.with(.lock, .pause))
        h.run(for: .minutes(20))
        h.away(.lock)
        h.run(for: .minutes(30))
        h.back(.lock)
        #expect(h.records.isEmpty)
        #expect(h.next(.posture).elapsed == .minutes(20))
    }

    @Test func ignorePolicyIsNotTimeAway() {
        var h = Harness(settings: ScheduleSettings.fixed45.with(.lock, .ignore))
        h.run(for: .minutes(20))
        h.away(.lock)
        #expect(!h.status.presence.isAway)
        h.run(for: .minutes(10))
        h.back(.lock)
        #expect(h.records.isEmpty)
        #expect(h.next(.posture).elapsed == .minutes(30))
    }

    @Test func everySourceCounts() {
        for source in AwaySource.allCases {
            var h = Harness(settings: .fixed45)
            h.run(for: .minutes(10))
            h.away(source)
            if source == .sleep { h.clock.suspend(.minutes(6)) } else { h.run(for: .minutes(6)) }
            h.back(source)
            #expect(h.naturalBreaks.map(\.reason) == [source.rawValue], "\(source)")
            #expect(h.naturalBreaks.first?.length == .minutes(6), "\(source)")
        }
    }

    @Test func aRepeatedReportChangesNothing() {
        var h = Harness(settings: .fixed45)
        h.run(for: .minutes(10))
        h.away(.lock)
        h.run(for: .minutes(3))
        h.away(.lock)
        h.run(for: .minutes(3))
        h.back(.lock)
        h.back(.lock)
        #expect(h.naturalBreaks.map(\.length) == [.minutes(6)])
    }
}

@Suite("overlapping sources")
struct Overlap {
    @Test func lockedIdleAndAsleepIsOneAbsenceCountedOnce() {
        var h = Harness(settings: .fixed45)
        h.run(for: .minutes(10))
        h.away(.lock)
        h.run(for: .minutes(1))
        h.away(.logindIdle)
        h.run(for: .minutes(1))
        h.away(.sleep)
        h.clock.suspend(.minutes(30))
        h.send(.tick)  // the wake timer fires before logind's PrepareForSleep(false) arrives
        h.back(.sleep)
        h.run(for: .minutes(1))
        h.back(.lock)
        #expect(h.status.presence.awayBy == [.logindIdle], "still idle after unlocking")
        h.run(for: .minutes(1))
        h.back(.logindIdle)
        #expect(h.naturalBreaks.count == 1)
        let r = h.naturalBreaks[0]
        #expect(r.length == .minutes(34), "from the first source away to the last one back")
        #expect(r.reason == "logind_idle,lock,sleep")
        #expect(r.kind == .routine)
    }

    @Test func onlyCountingSourcesCredit() {
        // Idle (count) for 3 minutes inside a 10-minute lock (pause): 3 minutes counted.
        var h = Harness(settings: ScheduleSettings.fixed45.with(.lock, .pause))
        h.run(for: .minutes(10))
        h.away(.lock)
        h.run(for: .minutes(2))
        h.away(.logindIdle)
        h.run(for: .minutes(3))
        h.back(.logindIdle)
        h.run(for: .minutes(5))
        h.back(.lock)
        #expect(h.records.isEmpty, "3 counted minutes are not a break")
        #expect(h.next(.posture).elapsed == .minutes(10), "but all 10 minutes stood still")

        var h2 = Harness(settings: ScheduleSettings.fixed45.with(.lock, .pause))
        h2.away(.logindIdle)
        h2.run(for: .minutes(3))
        h2.away(.lock)
        h2.run(for: .minutes(3))
        h2.back(.logindIdle)
        h2.run(for: .minutes(3))
        h2.away(.mutterIdle)
        h2.run(for: .minutes(3))
        h2.back(.lock)
        h2.back(.mutterIdle)
        #expect(h2.naturalBreaks.map(\.length) == [.minutes(9)], "two counted runs, 6 + 3 minutes")
    }

    @Test func aLaterSourceDatedBackNeverCountsTimeTwice() {
        var h = Harness(settings: ScheduleSettings.fixed45.with(.lock, .pause))
        h.run(for: .minutes(10))
        h.away(.logindIdle)           // counted run 1 begins
        h.run(for: .minutes(1))
        h.away(.lock)
        h.run(for: .minutes(2))
        h.back(.logindIdle)           // counted run 1: 3 minutes
        h.run(for: .minutes(6))
        h.away(.mutterIdle, idleFor: .minutes(8))  // dated back into run 1: starts where it ended
        h.run(for: .minutes(2))
        h.back(.lock)
        h.back(.mutterIdle)
        // Idle 10:00–10:03 and Mutter 10:03–10:11 (not from 10:01): 11 minutes counted.
        #expect(h.naturalBreaks.map(\.length) == [.minutes(11)])
    }

    @Test func idleThresholdsDateTheAbsenceBackAndTakeTheCreditBack() {
        var h = Harness(settings: .fixed45)
        h.run(for: .minutes(20))
        h.away(.mutterIdle, idleFor: .minutes(2))
        #expect(h.next(.posture).elapsed == .minutes(18), "the last two minutes had nobody at the desk")
        #expect(h.status.presence.awaySince == h.clock.wall - .minutes(2))
        #expect(h.status.presence.lastActive == h.clock.wall - .minutes(2))
        h.run(for: .minutes(3))
        h.back(.mutterIdle)
        #expect(h.naturalBreaks.map(\.length) == [.minutes(5)], "two minutes before Mutter noticed, three after")
    }

    @Test func anAnswerIsASignOfPresence() {
        var h = Harness(settings: .fixed45)
        h.run(for: .minutes(20))
        h.send(.answered(.done, promptID: nil))  // done early: the user was here
        h.run(for: .minutes(1))
        h.away(.mutterIdle, idleFor: .minutes(2))
        #expect(h.status.presence.awaySince == h.clock.wall - .minutes(1))
        #expect(h.next(.routine).elapsed == .minutes(20), "only the minute after the answer is taken back")
    }

    @Test func aSourceThatBecomesIgnoredOnReloadNoLongerKeepsTheUserAway() {
        var h = Harness(settings: .fixed45)
        h.run(for: .minutes(10))
        h.away(.lock)
        h.run(for: .minutes(2))
        h.send(.settingsReplaced(ScheduleSettings.fixed45.with(.lock, .ignore)))
        #expect(!h.status.presence.isAway)
        #expect(h.records.isEmpty)
        h.run(for: .minutes(1))
        #expect(h.next(.posture).elapsed == .minutes(11))
    }
}

@Suite("nothing fires at an empty chair")
struct EmptyChair {
    @Test func aReminderOnScreenIsNotReshownOrMissedWhileAwayAndANaturalBreakAnswersIt() {
        var h = Harness(settings: .fixed45)
        h.send(.dueNowRequested(.posture))
        let id = h.shows[0].id
        h.run(for: .minutes(1))
        h.away(.lock)
        h.run(for: .minutes(30))
        #expect(h.shows.count == 1, "no re-shows at an empty chair")
        #expect(!h.outcomes.contains(.missed))
        #expect(h.status.summary(at: h.clock.now) == "away since 09:01 (screen locked); the posture check waits")
        h.back(.lock)
        #expect(h.outcomes == [.shown, .naturalBreak])
        #expect(h.naturalBreaks[0].promptID == id)
        #expect(h.naturalBreaks[0].kind == .routine, "30 minutes away covers the routine too")
        #expect(h.withdrawn == [id])
        #expect(h.status.due == nil)
        h.run(for: .minutes(10))
        #expect(h.shows.count == 1)
    }

    @Test func afterAShortAbsenceTheReminderIsShownAgainAfterTheGracePeriod() {
        var h = Harness(settings: .fixed45)
        h.send(.dueNowRequested(.posture))
        let first = h.shows[0]
        h.run(for: .minutes(1))
        h.away(.screensaver)
        h.run(for: .minutes(3))
        h.back(.screensaver)
        h.clear()
        h.run(for: .seconds(29))
        #expect(h.shows.isEmpty, "the grace period first")
        h.run(for: .seconds(1))
        #expect(h.shows == [Prompt(id: first.id, kind: .posture, show: 1, isFinal: false, snoozesLeft: 3,
                                   serial: 0, isRepeat: true)])
        #expect(h.records.isEmpty, "shown again in place, not a re-show")
        h.run(for: .minutes(5))
        #expect(h.shows.last?.show == 2, "the re-show clock starts after the grace period")
        #expect(h.outcomes == [.reshown])
    }

    @Test func aBreakShorterThanTheRoutineBreakLeavesARoutineOnScreen() {
        var h = Harness(settings: .fixed45)
        h.run(for: .minutes(10))
        h.send(.dueNowRequested(.routine))
        let id = h.shows[0].id
        h.away(.lock)
        h.run(for: .minutes(7))
        h.back(.lock)
        #expect(h.naturalBreaks.map(\.kind) == [.posture])
        #expect(h.naturalBreaks[0].promptID == nil)
        #expect(h.withdrawn.isEmpty)
        #expect(h.status.due?.prompt.id == id)
        #expect(h.next(.posture).elapsed == .zero)
        h.clear()
        h.run(for: .seconds(30))
        #expect(h.shows.map(\.id) == [id])
        #expect(h.shows.first?.isRepeat == true)
    }

    @Test func aReminderThatFallsDueWhileAwayIsHeldUntilTheGracePeriodAfterReturn() {
        // Due from yesterday (withdrawn at the end of work hours); work starts while locked.
        var h = Harness(settings: WorkHoursRules.weekdays9to17)
        h.clock.setLocal(hour: 16, minute: 58)
        h.scheduler = Scheduler(settings: WorkHoursRules.weekdays9to17, seed: 1, at: h.clock.now)
        h.send(.dueNowRequested(.posture))
        h.run(for: .minutes(3))
        #expect(h.outcomes == [.shown, .withdrawn])
        h.run(for: .seconds(15 * 3600 + 57 * 60), step: .minutes(30))  // Tuesday 08:58
        #expect(h.clock.now.local.clockText == "08:58")
        h.clear()
        h.away(.lock)
        h.run(for: .minutes(4))  // work starts at 09:00 with the posture check due
        #expect(h.shows.isEmpty, "held while away")
        #expect(h.status.summary(at: h.clock.now) == "away since 08:58 (screen locked); the posture check waits")
        h.back(.lock)
        #expect(h.shows.isEmpty)
        #expect(h.scheduler.nextWake(at: h.clock.now) == .seconds(30))
        h.run(for: .seconds(29))
        #expect(h.shows.isEmpty)
        h.run(for: .seconds(1))
        #expect(h.shows.map(\.kind) == [.posture])
        #expect(h.shows.first?.isRepeat == false)
        #expect(h.outcomes == [.shown])
    }

    @Test func aHeldReminderIsNotShownWhenTheTimeAwayWasTheBreak() {
        var h = Harness(settings: WorkHoursRules.weekdays9to17)
        h.clock.setLocal(hour: 16, minute: 58)
        h.scheduler = Scheduler(settings: WorkHoursRules.weekdays9to17, seed: 1, at: h.clock.now)
        h.send(.dueNowRequested(.posture))
        h.run(for: .minutes(3))
        h.run(for: .seconds(15 * 3600 + 57 * 60), step: .minutes(30))
        h.clear()
        h.away(.lock)
        h.run(for: .minutes(6))
        h.back(.lock)
        h.run(for: .minutes(5))
        #expect(h.shows.isEmpty)
        #expect(h.outcomes == [.naturalBreak])
        #expect(h.next(.posture).elapsed == .minutes(5))
    }

    @Test func aReminderComingDueDuringTheGracePeriodWaitsForItsEnd() {
        var h = Harness(settings: .fixed45)
        h.run(for: .minutes(44) + .seconds(50))
        h.away(.lock)
        h.run(for: .minutes(1))
        h.back(.lock)
        h.run(for: .seconds(10))
        #expect(h.next(.posture).remaining == .zero)
        #expect(h.shows.isEmpty)
        h.run(for: .seconds(20))
        #expect(h.shows.map(\.kind) == [.posture])
    }

    @Test func limberNowWhileAwayIsShownAtOnce() {
        var h = Harness(settings: .fixed45)
        h.away(.lock)
        let t = h.send(.dueNowRequested(.posture))
        #expect(t.reply == .ok("posture check due now"))
        #expect(h.shows.count == 1)
    }
}

@Suite("sleep")
struct Sleep {
    @Test func sleepWithoutLogindIsSeenInTheClocks() {
        var h = Harness(settings: .fixed45)
        h.run(for: .minutes(10))
        h.clock.suspend(.minutes(20))
        h.send(.tick)
        #expect(h.naturalBreaks.map(\.reason) == ["sleep"])
        #expect(h.naturalBreaks.map(\.length) == [.minutes(20)])
        #expect(h.naturalBreaks.map(\.kind) == [.routine])
        #expect(h.next(.posture).elapsed == .zero)
        #expect(h.next(.routine).elapsed == .zero)
    }

    @Test func aShortSleepIsNeitherCreditedNorABreak() {
        var h = Harness(settings: .fixed45)
        h.run(for: .minutes(10))
        h.clock.suspend(.minutes(2))
        h.send(.tick)
        #expect(h.records.isEmpty)
        #expect(h.next(.posture).elapsed == .minutes(10))
    }

    @Test func sleepPolicyIgnoreOrPause() {
        for policy in [AwayPolicy.ignore, .pause] {
            var h = Harness(settings: ScheduleSettings.fixed45.with(.sleep, policy))
            h.run(for: .minutes(10))
            h.clock.suspend(.minutes(30))
            h.send(.tick)
            h.away(.sleep)
            h.clock.suspend(.minutes(30))
            h.back(.sleep)
            #expect(h.records.isEmpty, "\(policy)")
            #expect(h.next(.posture).elapsed == .minutes(10), "asleep is never active time (\(policy))")
        }
    }

    @Test func sleepReportedByLogindIsNotCountedAgainFromTheClocks() {
        var h = Harness(settings: .fixed45)
        h.run(for: .minutes(10))
        h.away(.sleep)
        h.clock.suspend(.minutes(20))
        h.send(.tick)
        h.run(for: .seconds(2))
        h.back(.sleep)
        #expect(h.naturalBreaks.map(\.length) == [.minutes(20) + .seconds(2)])
    }

    @Test func sleepSeenInTheClocksJoinsAnAbsenceInProgress() {
        var h = Harness(settings: .fixed45)
        h.run(for: .minutes(10))
        h.away(.screensaver)
        h.run(for: .minutes(2))
        h.clock.suspend(.minutes(10))
        h.send(.tick)
        #expect(h.status.presence.awayBy == [.screensaver])
        h.run(for: .minutes(1))
        h.back(.screensaver)
        #expect(h.naturalBreaks.map(\.length) == [.minutes(13)])
        #expect(h.naturalBreaks.map(\.reason) == ["sleep,screensaver"])
    }

    @Test func aSuspendAcrossTheEndOfWorkHours() {
        var s = WorkHoursRules.weekdays9to17
        s.postureMin = .minutes(45)
        s.postureMax = .minutes(45)
        var h = Harness(settings: s)
        h.clock.setLocal(hour: 16, minute: 40)
        h.scheduler = Scheduler(settings: s, seed: 1, at: h.clock.now)
        h.run(for: .minutes(10))
        h.send(.dueNowRequested(.posture))
        let id = h.shows[0].id
        h.away(.lock)
        h.away(.sleep)
        h.clock.suspend(.minutes(40))  // 16:50 -> 17:30, asleep
        h.back(.sleep)
        #expect(h.withdrawn == [id], "work hours ended: the reminder is taken off screen")
        #expect(h.records.last?.reason == "work-hours")
        h.run(for: .minutes(1))
        h.back(.lock)
        #expect(h.outcomes == [.shown, .withdrawn, .naturalBreak])
        #expect(h.naturalBreaks[0].length == .minutes(41))
        #expect(h.naturalBreaks[0].kind == .routine)
        #expect(h.next(.routine).elapsed == .zero)
        // Next morning: nothing is left over from yesterday.
        h.clear()
        h.run(for: .seconds(15 * 3600 + 59 * 60), step: .minutes(30))  // Tuesday 09:30
        #expect(h.clock.now.local.clockText == "09:30")
        #expect(h.shows.isEmpty)
        #expect(h.next(.posture).elapsed == .minutes(30))
    }

    @Test func anOvernightSleepOutsideWorkHoursRestartsIntervalsWithoutARecord() {
        var h = Harness(settings: WorkHoursRules.weekdays9to17)
        h.clock.setLocal(hour: 16, minute: 30)
        h.scheduler = Scheduler(settings: WorkHoursRules.weekdays9to17, seed: 1, at: h.clock.now)
        h.run(for: .minutes(20))
        h.run(for: .minutes(70))  // 18:00
        h.clock.suspend(.seconds(14 * 3600))  // to 08:00 Tuesday, no logind
        h.send(.tick)
        #expect(h.records.isEmpty, "a night away is not a break from work")
        #expect(h.next(.posture).elapsed == .zero)
        #expect(h.next(.routine).elapsed == .zero)
    }
}

@Suite("wall clock")
struct WallClock {
    /// 2026-03-29, when central Europe moves from UTC+1 to UTC+2 at 01:00 UTC.
    static let springForward = Duration.seconds(LocalDate(year: 2026, month: 3, day: 29).daysSinceEpoch * 86_400 + 3600)
    /// 2026-10-25, back from UTC+2 to UTC+1 at 01:00 UTC.
    static let fallBack = Duration.seconds(LocalDate(year: 2026, month: 10, day: 25).daysSinceEpoch * 86_400 + 3600)

    static func berlin(_ wall: Duration) -> Int {
        (wall >= springForward && wall < fallBack) ? 7200 : 3600
    }

    static var every9to17: ScheduleSettings {
        var s = ScheduleSettings.fixed45
        s.workHours = WorkHours(days: Dictionary(uniqueKeysWithValues:
            Weekday.allCases.map { ($0, [DaySpan(start: 9 * 3600, end: 17 * 3600)]) }))
        return s
    }

    @Test func workHoursFollowTheWallClockAcrossSpringForward() {
        var h = Harness(settings: Self.every9to17)
        h.clock.wall = Self.springForward - .minutes(90)  // Sunday 00:30 CET
        h.clock.offset = Self.berlin(h.clock.wall)
        h.scheduler = Scheduler(settings: Self.every9to17, seed: 1, at: h.clock.now)
        #expect(h.clock.now.local.clockText == "00:30")
        // 09:00 CEST is 7 h 30 min away in real time, not 8 h 30 min.
        #expect(h.scheduler.nextWake(at: h.clock.now, utcOffsetAt: Self.berlin) == .minutes(450))
        #expect(h.scheduler.nextWake(at: h.clock.now) == .minutes(510), "without the zone: the naive guess")
        h.clock.advance(.minutes(450))
        h.clock.offset = Self.berlin(h.clock.wall)
        h.send(.tick)
        #expect(h.clock.now.local.clockText == "09:00")
        #expect(h.next(.posture).elapsed == .zero, "the night does not count")
        h.run(for: .minutes(30))
        #expect(h.next(.posture).elapsed == .minutes(30))
    }

    @Test func workHoursFollowTheWallClockAcrossFallBack() {
        var h = Harness(settings: Self.every9to17)
        h.clock.wall = Self.fallBack - .minutes(90)  // Sunday 01:30 CEST
        h.clock.offset = Self.berlin(h.clock.wall)
        h.scheduler = Scheduler(settings: Self.every9to17, seed: 1, at: h.clock.now)
        #expect(h.clock.now.local.clockText == "01:30")
        #expect(h.scheduler.nextWake(at: h.clock.now, utcOffsetAt: Self.berlin) == .minutes(510))
    }

    @Test func theDSTChangeNeitherShortensNorStretchesAnInterval() {
        var h = Harness(settings: .fixed45)
        h.clock.wall = Self.springForward - .minutes(10)
        h.clock.offset = Self.berlin(h.clock.wall)
        h.scheduler = Scheduler(settings: .fixed45, seed: 1, at: h.clock.now)
        for _ in 0..<20 {
            h.clock.advance(.minutes(1))
            h.clock.offset = Self.berlin(h.clock.wall)
            h.send(.tick)
        }
        #expect(h.clock.now.local.clockText == "03:10", "the local clock jumped an hour")
        #expect(h.next(.posture).elapsed == .minutes(20), "the interval did not")
        #expect(h.records.isEmpty)
    }

    @Test func clockStepsAndZoneChangesDoNotChangeElapsedTime() {
        var h = Harness(settings: .fixed45)
        h.run(for: .minutes(10))
        h.clock.wall += .seconds(3600)  // an NTP step forward
        h.send(.tick)
        #expect(h.next(.posture).elapsed == .minutes(10))
        h.run(for: .minutes(1))
        h.clock.wall -= .seconds(7200)  // and back
        h.send(.tick)
        h.clock.offset = -5 * 3600  // a flight to New York
        h.run(for: .minutes(1))
        #expect(h.next(.posture).elapsed == .minutes(12))
        #expect(h.records.isEmpty, "a wall-clock jump is not sleep")
    }
}

@Suite("away across restarts")
struct AwayRestore {
    func roundTrip(_ s: SchedulerState) throws -> SchedulerState {
        try JSON.decode(SchedulerState.self, from: JSON.encode(s))
    }

    @Test func aKilledDaemonKeepsTheAbsenceAndDoesNotShowAHeldReminder() throws {
        var h = Harness(settings: .fixed45)
        h.send(.dueNowRequested(.posture))
        h.away(.lock)
        h.run(for: .minutes(3))
        let saved = try roundTrip(h.scheduler.state)
        #expect(saved == h.scheduler.state)
        h.clock.advance(.seconds(5))
        var (restored, effects) = Scheduler.restore(saved, settings: .fixed45, creditDowntime: true, at: h.clock.now)
        #expect(effects.isEmpty, "nothing is shown at an empty chair, even after a restart")
        h.clock.advance(.minutes(3))
        let t = restored.handle(.awayEnded(.lock), at: h.clock.now)
        let breaks = t.effects.compactMap { if case .record(let r) = $0, r.outcome == .naturalBreak { return r } else { return nil } }
        #expect(breaks.map(\.length) == [.minutes(6) + .seconds(5)])
    }

    @Test func aRestartedDaemonIsAwakeSoASleepItWasToldOfIsOver() throws {
        var h = Harness(settings: .fixed45)
        h.run(for: .minutes(10))
        h.away(.sleep)  // PrepareForSleep(true), then the daemon is killed during the suspend
        let saved = try roundTrip(h.scheduler.state)
        h.clock.suspend(.minutes(20))
        h.clock.advance(.seconds(3))
        let (restored, effects) = Scheduler.restore(saved, settings: .fixed45, creditDowntime: true, at: h.clock.now)
        #expect(!restored.status(at: h.clock.now).presence.isAway)
        let breaks = effects.compactMap { if case .record(let r) = $0, r.outcome == .naturalBreak { r } else { nil } }
        #expect(breaks.map(\.length) == [.minutes(20) + .seconds(3)])
    }

    @Test func aCleanRestartForgetsTheAbsence() throws {
        var h = Harness(settings: .fixed45)
        h.away(.lock)
        h.run(for: .minutes(3))
        let saved = try roundTrip(h.scheduler.state)
        h.clock.advance(.minutes(1))
        let (restored, _) = Scheduler.restore(saved, settings: .fixed45, creditDowntime: false, at: h.clock.now)
        #expect(!restored.status(at: h.clock.now).presence.isAway)
    }

    @Test func sleepWhileTheDaemonWasKilledIsSeenInTheClocks() throws {
        var h = Harness(settings: .fixed45)
        h.run(for: .minutes(10))
        let saved = try roundTrip(h.scheduler.state)
        h.clock.suspend(.minutes(20))
        let (_, effects) = Scheduler.restore(saved, settings: .fixed45, creditDowntime: true, at: h.clock.now)
        #expect(effects.contains { if case .record(let r) = $0 { r.outcome == .naturalBreak } else { false } })
    }

    @Test func stateSavedBeforeTimeAwayExistedStillLoads() throws {
        var h = Harness(settings: .fixed45)
        h.run(for: .minutes(10))
        h.clock.suspend(.minutes(30))  // slept before the upgrade: not a sleep to notice now
        var text = String(decoding: try JSON.encode(h.scheduler.state), as: UTF8.self)
        #expect(!text.contains("\"away\"") && !text.contains("grace_until"), "nobody away, no grace: not written")
        for key in ["anchor_boottime_ms", "present_since_boot_ms", "natural_breaks"] {
            #expect(text.contains("\"\(key)\":"), "\(key)")
            text = text.replacing(Regex<Substring>(verbatim: "\"\(key)\":") , with: "\"unknown_\(key)\":")
        }
        let state = try JSON.decode(SchedulerState.self, from: Array(text.utf8))
        #expect(state.anchorBoottime == nil)
        #expect(state.away == nil)
        #expect(state.today.naturalBreaks == 0)
        let (restored, effects) = Scheduler.restore(state, settings: .fixed45, creditDowntime: true, at: h.clock.now)
        #expect(effects.isEmpty)
        #expect(restored.status(at: h.clock.now).next.first { $0.kind == .posture }?.elapsed == .minutes(10))
    }

    @Test func awayStateJSONIsWhatFoundationWrote() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var h = Harness(settings: ScheduleSettings.fixed45.with(.lock, .pause))
        var states: [SchedulerState] = []
        h.send(.dueNowRequested(.posture))
        h.away(.lock)
        states.append(h.scheduler.state)
        h.away(.mutterIdle, idleFor: .minutes(1))
        h.run(for: .minutes(2))
        states.append(h.scheduler.state)
        h.back(.mutterIdle)
        states.append(h.scheduler.state)
        h.back(.lock)
        states.append(h.scheduler.state)
        #expect(states.contains { $0.away?.countedUntil != nil } && states.contains { $0.prompt?.held == true })
        for state in states {
            let ours = try JSON.encode(state)
            #expect(ours == [UInt8](try encoder.encode(state)))
            #expect(try JSON.decode(SchedulerState.self, from: ours) == state)
        }
    }
}

@Suite("presence in status")
struct PresenceStatus {
    @Test func statusSaysSinceWhenAndWhy() {
        var h = Harness(settings: .fixed45)
        h.run(for: .minutes(5))
        #expect(h.status.presence == ScheduleStatus.Presence(awayBy: [], awaySince: nil, lastActive: h.clock.wall))
        h.away(.sleep)
        h.away(.lock)
        h.run(for: .minutes(7))
        #expect(h.status.presence.awayBy == [.lock, .sleep])
        #expect(h.status.summary(at: h.clock.now) == "away since 09:05 (screen locked, asleep)")
        #expect(h.scheduler.nextWake(at: h.clock.now) == nil, "nothing to wake for at an empty chair")
    }
}

// The display servers' idle sources join the others: several at once are one absence.
@Suite("several idle sources")
struct SeveralIdleSources {
    @Test func gnomeOnWaylandCountsMutterTheCompositorAndLogindOnce() {
        // GNOME on Wayland offers Mutter's monitor, the Wayland protocol and logind's hint:
        // each notices the same absence at its own moment.
        var h = Harness(settings: .fixed45)
        h.run(for: .minutes(20))
        h.away(.waylandIdle, idleFor: .minutes(2))
        h.run(for: .seconds(1))
        h.away(.mutterIdle, idleFor: .minutes(2) + .seconds(1))
        h.run(for: .minutes(3))
        h.away(.logindIdle)
        #expect(h.status.presence.awaySince == h.clock.wall - .minutes(5) - .seconds(1),
                "dated back once, to the last input")
        h.run(for: .minutes(4))
        h.back(.mutterIdle)
        h.back(.waylandIdle)
        #expect(h.naturalBreaks.isEmpty, "logind still says idle: not back yet")
        h.back(.logindIdle)
        let breaks = h.naturalBreaks
        #expect(breaks.count == 1)
        #expect(breaks.first?.length == .minutes(9) + .seconds(1), "2 min before noticing, then 7 min: once")
        #expect(breaks.first?.reason == "logind_idle,mutter_idle,wayland_idle")
    }

    @Test func theEarliestDatingWinsWhicheverSourceReportsFirst() {
        // The X server reports the exact idle time it saw; a later source with a shorter
        // threshold does not move the start forward.
        var h = Harness(settings: .fixed45)
        h.run(for: .minutes(30))
        h.away(.x11Idle, idleFor: .minutes(4))
        h.away(.lock)
        #expect(h.status.presence.awaySince == h.clock.wall - .minutes(4))
        #expect(h.next(.posture).elapsed == .minutes(26), "the four idle minutes are taken back once")
        h.run(for: .minutes(2))
        h.back(.x11Idle)
        h.back(.lock)
        #expect(h.naturalBreaks.map(\.length) == [.minutes(6)])
        #expect(h.naturalBreaks.first?.reason == "lock,x11_idle")
    }

    @Test(arguments: [AwaySource.waylandIdle, .x11Idle])
    func eachNewSourceHasItsOwnPolicy(_ source: AwaySource) {
        var paused = Harness(settings: ScheduleSettings.fixed45.with(source, .pause))
        paused.run(for: .minutes(10))
        paused.away(source, idleFor: .minutes(2))
        #expect(paused.status.presence.isAway)
        paused.run(for: .minutes(10))
        paused.back(source)
        #expect(paused.naturalBreaks.isEmpty, "pause stops active time but is never a break")
        #expect(paused.next(.posture).elapsed == .minutes(8))

        var ignored = Harness(settings: ScheduleSettings.fixed45.with(source, .ignore))
        ignored.run(for: .minutes(10))
        ignored.away(source, idleFor: .minutes(2))
        #expect(!ignored.status.presence.isAway)
        ignored.run(for: .minutes(10))
        ignored.back(source)
        #expect(ignored.next(.posture).elapsed == .minutes(20), "active time ran on")

        var counted = Harness(settings: .fixed45)
        counted.run(for: .minutes(10))
        counted.away(source, idleFor: .minutes(2))
        counted.run(for: .minutes(4))
        counted.back(source)
        #expect(counted.naturalBreaks.map(\.reason) == [source.rawValue])
    }

    @Test func aRepeatedReportFromOneSourceChangesNothing() {
        // A compositor reconnected while the user was away reports idle again.
        var h = Harness(settings: .fixed45)
        h.run(for: .minutes(10))
        h.away(.waylandIdle, idleFor: .minutes(2))
        let since = h.status.presence.awaySince
        h.run(for: .minutes(3))
        h.away(.waylandIdle, idleFor: .minutes(2))
        #expect(h.status.presence.awaySince == since)
        h.back(.waylandIdle)
        h.back(.waylandIdle)
        #expect(h.naturalBreaks.map(\.length) == [.minutes(5)])
    }
}
