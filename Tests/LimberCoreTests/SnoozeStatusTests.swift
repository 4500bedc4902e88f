import JSON
@testable import LimberCore
import Testing

/// What status says after a snooze and after `limber now`: the active time really spent.
@Suite struct SnoozeStatusTests {
    static var settings: ScheduleSettings {
        var s = ScheduleSettings()
        s.postureMin = .minutes(33)
        s.postureMax = .minutes(33)
        return s
    }

    @Test func nowThenSnoozeKeepsTheRealElapsedTimeAndSaysSnoozed() {
        var h = Harness(settings: Self.settings)
        h.run(for: .minutes(1))
        h.send(.answered(.done, promptID: nil))  // a break taken early: the interval restarts
        h.run(for: .minutes(1))
        h.send(.dueNowRequested(.posture))
        h.send(.answered(.snooze(nil), promptID: nil))
        let posture = h.next(.posture)
        // One minute of active time since the done, not 28 of 33.
        #expect(posture.elapsed == .minutes(1))
        #expect(posture.interval == .minutes(33))
        #expect(posture.remaining == .minutes(5))
        #expect(posture.snoozed)
        #expect(!h.next(.routine).snoozed)
        #expect(h.status.summary(at: h.clock.now).hasPrefix("posture check snoozed (5 min left)"))
        // Elapsed time goes on counting, and the check comes back when the snooze ends.
        h.clear()
        h.run(for: .minutes(2))
        #expect(h.next(.posture).elapsed == .minutes(3))
        #expect(h.next(.posture).remaining == .minutes(3))
        h.run(for: .minutes(3))
        #expect(h.shows.map(\.kind) == [.posture])
        #expect(!h.next(.posture).snoozed)
        // Done: a fresh interval, nothing snoozed.
        h.send(.answered(.done, promptID: nil))
        #expect(h.next(.posture).elapsed == .zero && h.next(.posture).remaining == .minutes(33))
        #expect(!h.next(.posture).snoozed)
    }

    @Test func nowShowsAtOnceWithoutInventingActiveTime() {
        var h = Harness(settings: Self.settings)
        h.run(for: .minutes(4))
        h.send(.dueNowRequested(.posture))
        #expect(h.status.due?.prompt.kind == .posture)
        #expect(h.next(.posture).elapsed == .minutes(4))
    }

    @Test func theSnoozeSurvivesARestart() throws {
        var h = Harness(settings: Self.settings)
        h.run(for: .minutes(10))
        h.send(.dueNowRequested(.posture))
        h.send(.answered(.snooze(.minutes(10)), promptID: nil))
        let saved = try JSON.decode(SchedulerState.self, from: JSON.encode(h.scheduler.state))
        #expect(saved.posture.dueAt == .minutes(20))
        #expect(saved == h.scheduler.state)
    }

    @Test func stateFromBeforeDueAtStillReads() throws {
        let old = ReminderTimer(elapsed: .seconds(-120), interval: .minutes(30))
        #expect(old.remaining == .minutes(32))
        #expect(!old.isSnoozed)
    }
}
