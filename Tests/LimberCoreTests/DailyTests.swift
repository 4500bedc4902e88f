import JSON
@testable import LimberCore
import Testing

/// The daily routine in the scheduler, with scripted events and an explicit clock.
@Suite struct DailyTests {
    /// What the engine sends when the server answered the daily routine's show with an id.
    @discardableResult
    func serverShows(_ h: inout Harness) -> Transition {
        h.send(.notificationShown(promptID: h.scheduler.state.daily!.promptID, show: 1))
    }

    @Test func offeredAnsweredAndCounted() {
        var h = Harness()
        h.send(.dailyOffered(routine: "daily-x"))
        #expect(h.scheduler.dailyShowing)
        #expect(h.records.isEmpty, "recorded only when a server answers")
        serverShows(&h)
        #expect(h.status.daily?.routine == "daily-x")
        #expect(h.status.today.due == 1)
        // A posture check due meanwhile is answered first.
        h.send(.dueNowRequested(.posture))
        guard case .ok(let first)? = h.send(.answered(.done, promptID: nil)).reply else { Issue.record("refused"); return }
        #expect(first.hasPrefix("posture check done"))
        #expect(h.scheduler.dailyShowing)
        guard case .ok(let second)? = h.send(.answered(.done, promptID: nil)).reply else { Issue.record("refused"); return }
        #expect(second.hasPrefix("daily routine done"))
        #expect(h.status.daily == nil)
        #expect(h.status.today.due == 2 && h.status.today.done == 2)
        let daily = h.records.filter { $0.reason == "daily" }
        #expect(daily.map(\.outcome) == [.shown, .done])
        #expect(daily.allSatisfy { $0.routine == "daily-x" && $0.kind == .routine && !$0.early })
        // It counts as the break: both intervals restart.
        #expect(h.next(.routine).elapsed == .zero)
    }

    @Test func aSnoozeEndsInSchedulerTimeAndTheLimitHolds() {
        var h = Harness()
        h.send(.dailyOffered(routine: "daily-x"))
        for n in 1...3 {
            guard case .ok? = h.send(.answered(.snooze(.minutes(10)), promptID: nil)).reply else {
                Issue.record("snooze \(n) refused"); return
            }
            #expect(!h.scheduler.dailyShowing)
            #expect(h.status.daily?.snoozeLeft == .minutes(10))
            #expect(h.scheduler.nextWake(at: h.clock.now).map { $0 <= .minutes(10) } == true)
            h.run(for: .minutes(10))
            #expect(h.scheduler.dailyShowing, "back after snooze \(n)")
            #expect(h.status.today.due == 1)
        }
        guard case .refused(let r)? = h.send(.answered(.snooze(nil), promptID: nil)).reply else {
            Issue.record("a fourth snooze was accepted"); return
        }
        #expect(r.code == .snoozeLimit)
        #expect(h.status.daily?.snoozesLeft == 0)
    }

    @Test func itsNotificationAnswersItByItsID() throws {
        var h = Harness()
        h.send(.dailyOffered(routine: "daily-x"))
        let id = try #require(h.scheduler.state.daily?.promptID)
        h.send(.answered(.skip, promptID: id))
        #expect(h.status.daily == nil)
        #expect(h.records.last?.outcome == .skipped && h.records.last?.reason == "daily")
        // Pressed again (a stale notification): nothing.
        h.clear()
        h.send(.answered(.skip, promptID: id))
        #expect(h.records.isEmpty)
    }

    @Test func yesterdaysUnansweredOfferIsMissedWhenTheNextComes() {
        var h = Harness()
        h.send(.dailyOffered(routine: "daily-x"))
        serverShows(&h)
        h.clock.advance(.seconds(86_400))
        h.send(.dailyOffered(routine: "daily-y"))
        serverShows(&h)
        #expect(h.records.filter { $0.reason == "daily" }.map(\.outcome) == [.shown, .missed, .shown])
        #expect(h.status.daily?.routine == "daily-y")
    }

    @Test func anOfferNoServerShowedIsUnshownAndNeverMissed() {
        var h = Harness()
        h.send(.dailyOffered(routine: "daily-x"))
        let id = h.scheduler.state.daily!.promptID
        h.send(.notificationFailed(promptID: id, show: 1, reason: "no-server"))
        let unshown = h.records.last
        #expect(unshown?.outcome == .unshown && unshown?.reason == "no-server" && unshown?.routine == "daily-x")
        #expect(h.status.today.due == 1)
        // Failing again (a retry) adds nothing.
        h.send(.notificationFailed(promptID: id, show: 1, reason: "timeout"))
        #expect(h.records.count == 1)
        h.clock.advance(.seconds(86_400))
        h.send(.dailyOffered(routine: "daily-y"))
        #expect(h.records.filter { $0.routine == "daily-x" }.map(\.outcome) == [.unshown], "nobody saw it: not missed")
        #expect(h.status.daily?.routine == "daily-y")
    }

    @Test func aServerThatAppearsLaterShowsItLate() {
        var h = Harness()
        h.send(.dailyOffered(routine: "daily-x"))
        let id = h.scheduler.state.daily!.promptID
        h.send(.notificationFailed(promptID: id, show: 1, reason: "no-server"))
        serverShows(&h)
        #expect(h.outcomes == [.unshown, .reshown])
        #expect(h.records.last?.reason == "late" && h.records.last?.routine == "daily-x")
        #expect(h.status.today.due == 1)
        // Shown once more (a server came back): nothing new to record.
        serverShows(&h)
        #expect(h.records.count == 2)
        h.clock.advance(.seconds(86_400))
        h.send(.dailyOffered(routine: "daily-y"))
        #expect(h.records.filter { $0.routine == "daily-x" }.map(\.outcome) == [.unshown, .reshown, .missed],
                "seen, then left unanswered: missed")
    }

    @Test func answeredBeforeAnyServerRepliedItStillCameDue() {
        var h = Harness()
        h.send(.dailyOffered(routine: "daily-x"))
        h.send(.answered(.done, promptID: nil))
        #expect(h.outcomes == [.unshown, .done])
        #expect(h.records.first?.reason == "pending")
        #expect(h.status.today.due == 1 && h.status.today.done == 1)
        // The late answer for an offer already answered is ignored.
        h.clear()
        h.send(.notificationShown(promptID: h.scheduler.state.nextPromptID, show: 1))
        #expect(h.records.isEmpty)
    }

    @Test func aSnoozedOfferIsRecordedAgainWhenAServerShowsItsReturn() {
        var h = Harness()
        h.send(.dailyOffered(routine: "daily-x"))
        serverShows(&h)
        h.send(.answered(.snooze(.minutes(10)), promptID: nil))
        h.run(for: .minutes(10))
        #expect(h.scheduler.dailyShowing)
        #expect(h.outcomes == [.shown, .snoozed], "back, but not recorded before a server answers")
        serverShows(&h)
        #expect(h.outcomes == [.shown, .snoozed, .shown])
        #expect(h.status.today.due == 1)
    }

    @Test func theGuidedRoutineAnswersItOnlyWhenItIsThatRoutine() {
        var h = Harness()
        h.send(.dailyOffered(routine: "daily-x"))
        h.send(.guideBegan)
        h.send(.guideEnded(completed: true, routine: "desk-reset"))
        #expect(h.status.daily != nil, "another routine leaves it offered")
        #expect(h.records.last?.early == true)
        h.send(.guideBegan)
        h.send(.guideEnded(completed: true, routine: "daily-x"))
        #expect(h.status.daily == nil)
        let done = h.records.last
        #expect(done?.outcome == .done && done?.early == false && done?.routine == "daily-x")
        #expect(h.status.today.due == 2 && h.status.today.done == 2)
    }

    @Test func itIsSavedAndASnoozeFromAnotherBootHasEnded() throws {
        var h = Harness()
        h.send(.dailyOffered(routine: "daily-x"))
        h.send(.answered(.snooze(.minutes(30)), promptID: nil))
        let saved = try JSON.decode(SchedulerState.self, from: JSON.encode(h.scheduler.state))
        #expect(saved == h.scheduler.state)
        // Restored in a new boot: its monotonic clock starts low again.
        var later = TestClock()
        later.monotonic = .seconds(5)
        later.boottime = .seconds(5)
        later.wall = h.clock.wall + .seconds(600)
        let (s, _) = Scheduler.restore(saved, settings: .defaults, creditDowntime: false, at: later.now)
        var restored = s
        _ = restored.handle(.tick, at: later.now)
        #expect(restored.state.daily?.snoozedUntil == nil)
        #expect(restored.dailyShowing)
    }
}
