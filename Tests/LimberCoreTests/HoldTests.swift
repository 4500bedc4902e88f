@testable import LimberCore
import Testing

// Scripted tables for holds (do not disturb, inhibitors, a camera): the user is at the desk,
// so active time counts, but what comes due waits, is never re-shown and never missed.

extension Harness {
    mutating func hold(_ source: HoldSource) { send(.holdBegan(source)) }
    mutating func release(_ source: HoldSource) { send(.holdEnded(source)) }
    var held: [HistoryRecord] { records.filter { $0.outcome == .held } }
}

@Suite("holds")
struct Holds {
    @Test func aReminderDueUnderDoNotDisturbWaitsAndIsShownAfterTheGracePeriod() {
        var h = Harness(settings: .fixed45)
        h.run(for: .minutes(40))
        h.hold(.dndServer)
        h.run(for: .minutes(20))
        #expect(h.shows.isEmpty, "nothing is shown under do not disturb")
        #expect(h.next(.posture).elapsed == .minutes(60), "active time keeps counting")
        #expect(h.status.hold?.waiting == .posture)
        #expect(h.status.hold?.by == [.dndServer])
        #expect(h.status.summary(at: h.clock.now).hasPrefix("held since 09:40 (do not disturb); the posture check waits"))
        h.release(.dndServer)
        #expect(h.shows.isEmpty, "nothing the moment it ends")
        #expect(h.held.count == 1)
        #expect(h.held.first?.kind == .posture)
        #expect(h.held.first?.length == .minutes(15), "held from when it came due")
        #expect(h.held.first?.reason == "dnd_server")
        h.run(for: .seconds(29), step: .seconds(1))
        #expect(h.shows.isEmpty)
        h.run(for: .seconds(1), step: .seconds(1))
        #expect(h.shows.count == 1)
        #expect(h.shows.first?.quiet == false)
        #expect(!h.outcomes.contains(.missed))
    }

    @Test func aReminderOnScreenIsNotReshownNorMissedWhileHeld() {
        var h = Harness(settings: .fixed45)
        h.run(for: .minutes(45))
        #expect(h.shows.count == 1)
        let id = h.shows[0].id
        h.hold(.dunstPaused)
        h.run(for: .minutes(12))
        #expect(h.shows.count == 1, "no re-shows while held")
        #expect(!h.outcomes.contains(.missed))
        h.release(.dunstPaused)
        h.run(for: .seconds(30), step: .seconds(1))
        #expect(h.shows.count == 2, "\(h.shows) \(h.outcomes)")
        #expect(h.shows[1].id == id, "the same reminder, again in place")
        #expect(h.shows[1].isRepeat)
        #expect(h.held.first?.length == .minutes(12))
        #expect(h.held.first?.promptID == id)
    }

    @Test func overlappingHoldsAreOneHoldUntilTheLastEnds() {
        var h = Harness(settings: .fixed45)
        h.run(for: .minutes(44))
        h.hold(.camera)
        h.run(for: .minutes(5))
        h.hold(.inhibitor)
        h.release(.camera)
        h.run(for: .minutes(5))
        #expect(h.shows.isEmpty, "the inhibitor still holds")
        #expect(h.held.isEmpty)
        h.release(.inhibitor)
        #expect(h.held.map(\.reason) == ["inhibitor,camera"])
        #expect(h.held.first?.length == .minutes(9))
        h.run(for: .minutes(1))
        #expect(h.shows.count == 1)
    }

    @Test func aHoldWithNothingDueLeavesNoTrace() {
        var h = Harness(settings: .fixed45)
        h.run(for: .minutes(10))
        h.hold(.gnomeBanners)
        h.run(for: .minutes(10))
        h.release(.gnomeBanners)
        #expect(h.records.isEmpty)
        #expect(h.next(.posture).elapsed == .minutes(20))
    }

    @Test func aHoldLongerThanAWorkingBlockShowsTheReminderQuietlyOnce() {
        var s = ScheduleSettings.fixed45
        s.routineInterval = .seconds(8 * 3600)
        var h = Harness(settings: s)
        h.run(for: .minutes(30))
        h.hold(.dndServer)
        h.run(for: .minutes(89), step: .minutes(10))
        #expect(h.shows.isEmpty)
        h.run(for: .minutes(1))
        #expect(h.shows.count == 1)
        #expect(h.shows.first?.quiet == true, "low urgency, no sound")
        h.run(for: .minutes(60))
        #expect(h.shows.count == 1, "shown quietly once; no re-shows while held")
        #expect(!h.outcomes.contains(.missed))
        h.release(.dndServer)
        h.run(for: .minutes(1))
        #expect(h.shows.count == 2)
        #expect(h.shows[1].quiet == false)
    }

    @Test func aSourceTurnedOffDoesNotHold() {
        var s = ScheduleSettings.fixed45
        s.hold.dunstPaused = .off
        var h = Harness(settings: s)
        h.hold(.dunstPaused)
        h.run(for: .minutes(45))
        #expect(h.shows.count == 1)
        #expect(h.status.hold == nil)
    }

    @Test func turningASourceOffEndsItsHold() {
        var h = Harness(settings: .fixed45)
        h.hold(.camera)
        h.run(for: .minutes(50))
        #expect(h.shows.isEmpty)
        var s = ScheduleSettings.fixed45
        s.hold.camera = .off
        h.send(.settingsReplaced(s))
        #expect(h.status.hold == nil)
        #expect(h.held.count == 1)
        h.run(for: .seconds(30), step: .seconds(5))
        #expect(h.shows.count == 1)
    }

    @Test func heldWhileIdleMakesNoWakeUps() {
        var h = Harness(settings: .fixed45)
        h.run(for: .minutes(50))
        let id = h.shows[0].id
        h.hold(.dndServer)
        // Due and held: the next wake is the quiet showing, not a busy loop.
        #expect(h.scheduler.nextWake(at: h.clock.now) == .minutes(90))
        h.send(.answered(.done, promptID: id))
        #expect(h.outcomes.contains(.done), "an answer still counts while held")
        #expect(h.scheduler.nextWake(at: h.clock.now)! >= .minutes(30))
    }

    @Test func awayWhileHeldIsAwayAndNothingShowsUntilBothEnd() {
        var h = Harness(settings: .fixed45)
        h.run(for: .minutes(44))
        h.hold(.dndServer)
        h.send(.awayBegan(.lock, idleFor: .zero))
        h.run(for: .minutes(3))
        h.send(.awayEnded(.lock))
        h.run(for: .minutes(2))
        #expect(h.shows.isEmpty, "still held after the return")
        h.release(.dndServer)
        h.run(for: .seconds(30), step: .seconds(5))
        #expect(h.shows.count == 1)
        #expect(!h.outcomes.contains(.missed))
    }
}
