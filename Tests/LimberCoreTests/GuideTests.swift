import JSON
import Testing
@testable import LimberCore

/// A guided routine and the schedule, as scripted tables of events.
@Suite("guided routine")
struct GuideTests {
    @Test func aCompletedRoutineAnswersTheDueRoutineAndRestartsBothIntervals() {
        var h = Harness()
        h.send(.dueNowRequested(.routine))
        let id = h.shows[0].id
        h.clear()
        h.send(.guideBegan)
        #expect(h.withdrawn == [id], "the reminder waits off screen")
        #expect(h.scheduler.state.prompt?.id == id)
        h.run(for: .minutes(20))
        #expect(h.shows.isEmpty, "no re-show, nothing new, while the routine runs")
        #expect(h.outcomes.isEmpty)
        h.send(.guideEnded(completed: true, routine: "desk-reset"))
        #expect(h.scheduler.state.prompt == nil)
        let done = h.records.last
        #expect(done?.outcome == .done && done?.kind == .routine && done?.promptID == id)
        #expect(done?.routine == "desk-reset" && done?.reason == "guided" && done?.early == false)
        #expect(h.next(.routine).elapsed == .zero)
        #expect(h.next(.posture).elapsed == .zero, "it counts as the posture check too")
        #expect(h.status.today.done == 1 && h.status.today.due == 1)
    }

    @Test func aCompletedRoutineWithNothingDueIsDoneEarlyAndRestartsBoth() {
        var h = Harness()
        h.run(for: .minutes(20))
        h.send(.guideBegan)
        h.clear()
        h.send(.guideEnded(completed: true, routine: "x"))
        #expect(h.records.map(\.outcome) == [.done])
        #expect(h.records.first?.kind == .routine && h.records.first?.early == true)
        #expect(h.next(.routine).elapsed == .zero && h.next(.posture).elapsed == .zero)
        #expect(h.status.today.done == 1)
    }

    @Test func aCompletedRoutineAnswersADuePostureCheckToo() {
        var h = Harness()
        h.send(.dueNowRequested(.posture))
        let id = h.shows[0].id
        h.send(.guideBegan)
        h.clear()
        h.send(.guideEnded(completed: true, routine: "r"))
        #expect(h.records.first?.promptID == id && h.records.first?.kind == .posture)
        #expect(h.next(.routine).elapsed == .zero)
    }

    @Test func aStoppedRoutineLeavesTheReminderDueAndShowsItAgainInPlace() {
        var h = Harness()
        h.send(.dueNowRequested(.routine))
        let id = h.shows[0].id
        h.send(.guideBegan)
        h.run(for: .minutes(2))
        h.clear()
        h.send(.guideEnded(completed: false, routine: "r"))
        #expect(h.shows.map(\.id) == [id])
        #expect(h.shows.first?.isRepeat == true, "shown again, counted nothing")
        #expect(h.outcomes.isEmpty)
        // Then it goes on as any reminder: re-shown after the delay.
        h.clear()
        h.run(for: .minutes(5))
        #expect(h.outcomes == [.reshown])
    }

    @Test func whileGuidingNothingComesDueAndTheWakeIgnoresTheTimers() {
        var h = Harness()
        h.send(.guideBegan)
        #expect(h.scheduler.nextWake(at: h.clock.now) == nil)
        h.run(for: .minutes(70))
        #expect(h.shows.isEmpty)
        h.send(.guideEnded(completed: false, routine: nil))
        #expect(h.shows.map(\.kind) == [.routine], "what came due meanwhile shows once it ends")
    }

    @Test func aRestartEndsTheWalkthroughAndShowsTheHeldReminder() throws {
        var h = Harness()
        h.send(.dueNowRequested(.routine))
        h.send(.guideBegan)
        #expect(h.scheduler.state.guiding)
        let saved = try JSON.decode(SchedulerState.self, from: JSON.encode(h.scheduler.state))
        #expect(!saved.guiding, "the flag is not saved: a walkthrough does not survive a restart")
        let (restored, effects) = Scheduler.restore(saved, settings: .defaults, creditDowntime: true, at: h.clock.now)
        #expect(!restored.state.guiding)
        #expect(effects.contains { if case .show(let p) = $0 { p.kind == .routine && p.isRepeat } else { false } })
    }
}

/// A guided routine done away from the keyboard looks like idle time: it must count as the
/// routine, once, and not also as a natural break.
@Suite("guided routine and time away")
struct GuideAndAway {
    @Test func idleDuringAGuidedRoutineIsNotANaturalBreak() {
        var h = Harness(settings: .fixed45)
        h.run(for: .minutes(10))
        h.send(.guideBegan)
        h.away(.logindIdle)
        h.run(for: .minutes(8))  // longer than the natural break, all spent on the routine
        h.back(.logindIdle)
        #expect(h.naturalBreaks.isEmpty)
        h.send(.guideEnded(completed: true, routine: "desk-reset"))
        #expect(h.records.filter { $0.outcome == .done }.count == 1)
        #expect(h.naturalBreaks.isEmpty)
    }

    @Test func stayingAwayAfterTheRoutineCountsFromItsEnd() {
        var h = Harness(settings: .fixed45)
        h.run(for: .minutes(10))
        h.send(.guideBegan)
        h.away(.lock)
        h.run(for: .minutes(8))
        h.send(.guideEnded(completed: true, routine: "desk-reset"))  // the timers finished it
        h.run(for: .minutes(6))  // still locked, now really away
        h.back(.lock)
        #expect(h.naturalBreaks.count == 1)
        #expect(h.naturalBreaks.first?.length == .minutes(6), "only the time after the routine")
    }

    @Test func aShortAbsenceAfterTheRoutineIsNoBreak() {
        var h = Harness(settings: .fixed45)
        h.send(.guideBegan)
        h.away(.logindIdle)
        h.run(for: .minutes(12))
        h.send(.guideEnded(completed: true, routine: "x"))
        h.run(for: .minutes(2))
        h.back(.logindIdle)
        #expect(h.naturalBreaks.isEmpty)
    }
}
