@testable import LimberCore
import Testing

// Scripted tables for the natural pause: a reminder that comes due while the user types waits
// for a short pause in input, at most `naturalPauseMax`, and is then shown anyway.

extension Harness {
    /// The engine's word that a source can (or cannot) tell a pause in input.
    mutating func pauseSource(_ available: Bool) { send(.inputPauseSource(available)) }
    mutating func inputPause() { send(.inputPaused) }

    var watches: [Duration] {
        effects.compactMap { if case .watchInputPause(let d) = $0 { return d } else { return nil } }
    }

    var unwatches: Int { effects.filter { $0 == .unwatchInputPause }.count }
    var pauseLines: [HistoryRecord] { records.filter { $0.outcome == .held && $0.reason == "natural_pause" } }
}

extension ScheduleSettings {
    func naturalPause(_ policy: HoldPolicy, length: Duration = .seconds(10), max: Duration = .minutes(3)) -> ScheduleSettings {
        var s = self
        s.hold.naturalPause = policy
        s.hold.naturalPauseLength = length
        s.hold.naturalPauseMax = max
        return s
    }
}

@Suite("natural pause")
struct NaturalPause {
    /// One row: how the desktop is set up, when (after the reminder came due) the input pause
    /// comes, and when the reminder is shown.
    struct Row: CustomStringConvertible {
        var name: String
        var policy: HoldPolicy = .on
        var source = true
        /// Seconds after the due time the input source reports a pause; nil for never.
        var pauseAfter: Int?
        /// Seconds after the due time the reminder is shown.
        var shownAfter: Int
        /// The watch is armed (and then disarmed once).
        var watched: Bool
        var description: String { name }
    }

    static let rows: [Row] = [
        Row(name: "due while active, a pause after 40 s: shown then", pauseAfter: 40, shownAfter: 40, watched: true),
        Row(name: "no pause: shown anyway when the maximum is reached", pauseAfter: nil, shownAfter: 180, watched: true),
        Row(name: "a pause at once (the user was still): shown at once", pauseAfter: 0, shownAfter: 0, watched: true),
        Row(name: "turned off: shown at once", policy: .off, pauseAfter: 40, shownAfter: 0, watched: false),
        Row(name: "no source can tell a pause: shown at once", source: false, pauseAfter: 40, shownAfter: 0, watched: false),
    ]

    @Test(arguments: rows)
    func theWindow(_ row: Row) {
        var h = Harness(settings: ScheduleSettings.fixed45.naturalPause(row.policy))
        h.pauseSource(row.source)
        h.run(for: .minutes(45))
        #expect(h.next(.posture).remaining == .zero, "due now")
        var shownAt: Int?
        for second in 0 ... 240 {
            if second == row.pauseAfter { h.inputPause() }
            if shownAt == nil, !h.shows.isEmpty { shownAt = second }
            if shownAt != nil { break }
            h.run(for: .seconds(1), step: .seconds(1))
        }
        #expect(shownAt == row.shownAfter)
        #expect(h.watches == (row.watched ? [.seconds(10)] : []))
        #expect(h.unwatches == (row.watched ? 1 : 0))
        // The wait is in the history, as long as it lasted (a wait under a second leaves no line).
        let waited = row.watched ? row.shownAfter : 0
        #expect(h.pauseLines.map(\.length) == (waited > 0 ? [.seconds(waited)] : []))
        if let line = h.pauseLines.first {
            #expect(line.kind == .posture)
            #expect(line.promptID == h.shows.first?.id)
        }
        #expect(!h.outcomes.contains(.missed))
    }

    @Test func waitingSaysSoInStatusAndWakesOnlyForTheMaximum() {
        var h = Harness(settings: ScheduleSettings.fixed45.naturalPause(.on))
        h.pauseSource(true)
        h.run(for: .minutes(45))
        #expect(h.shows.isEmpty)
        #expect(h.status.hold?.by == [.naturalPause])
        #expect(h.status.hold?.waiting == .posture)
        #expect(h.status.summary(at: h.clock.now).hasPrefix("held since 09:45 (waiting for a pause in typing)"))
        // No wake-ups in between: the input source, or the maximum, ends the wait.
        #expect(h.scheduler.nextWake(at: h.clock.now) == .minutes(3))
        h.run(for: .minutes(1))
        #expect(h.scheduler.nextWake(at: h.clock.now) == .minutes(2))
        h.inputPause()
        #expect(h.status.hold == nil)
        #expect(h.shows.count == 1)
    }

    @Test func aPauseReportedWithNothingWaitingChangesNothing() {
        var h = Harness(settings: ScheduleSettings.fixed45.naturalPause(.on))
        h.pauseSource(true)
        h.run(for: .minutes(10))
        h.inputPause()
        #expect(h.effects.isEmpty)
        h.run(for: .minutes(35))
        #expect(h.shows.isEmpty, "the earlier pause does not count for a reminder due later")
        #expect(h.watches.count == 1)
    }

    @Test func theSourceGoingAwayShowsTheWaitingReminderAtOnce() {
        var h = Harness(settings: ScheduleSettings.fixed45.naturalPause(.on))
        h.pauseSource(true)
        h.run(for: .minutes(46))
        #expect(h.shows.isEmpty)
        h.pauseSource(false)
        #expect(h.shows.count == 1)
        #expect(h.unwatches == 1)
        #expect(h.pauseLines.first?.length == .minutes(1))
    }

    @Test func turningItOffShowsTheWaitingReminderAtOnce() {
        var h = Harness(settings: ScheduleSettings.fixed45.naturalPause(.on))
        h.pauseSource(true)
        h.run(for: .minutes(45))
        h.send(.settingsReplaced(ScheduleSettings.fixed45.naturalPause(.off)))
        #expect(h.shows.count == 1)
        #expect(h.unwatches == 1)
    }

    @Test func theRoutineDueMeanwhileIsTheOneShown() {
        var s = ScheduleSettings.fixed45.naturalPause(.on)
        s.routineInterval = .minutes(46)
        var h = Harness(settings: s)
        h.pauseSource(true)
        h.run(for: .minutes(45))
        #expect(h.status.hold?.waiting == .posture)
        h.run(for: .minutes(1))
        #expect(h.status.hold?.waiting == .routine)
        h.inputPause()
        #expect(h.shows.map(\.kind) == [.routine], "one reminder: the routine covers the posture check")
        #expect(h.pauseLines.map(\.kind) == [.routine])
        #expect(h.watches.count == 1, "one wait, not one per kind")
    }

    @Test func aHoldDuringTheWaitTakesOverAndItsEndBringsANewWait() {
        var h = Harness(settings: ScheduleSettings.fixed45.naturalPause(.on))
        h.pauseSource(true)
        h.run(for: .minutes(45))
        h.run(for: .seconds(20), step: .seconds(20))
        h.send(.holdBegan(.dndServer))
        #expect(h.unwatches == 1, "nothing is shown under do not disturb: no need to watch")
        #expect(h.pauseLines.map(\.length) == [.seconds(20)])
        #expect(h.status.hold?.by == [.dndServer])
        h.run(for: .minutes(5))
        h.inputPause()  // a late report of the disarmed watch
        #expect(h.shows.isEmpty)
        h.send(.holdEnded(.dndServer))
        h.run(for: .seconds(30), step: .seconds(1))
        #expect(h.shows.isEmpty, "after the grace period it waits for a pause again")
        #expect(h.watches.count == 2)
        h.inputPause()
        #expect(h.shows.count == 1)
        #expect(!h.outcomes.contains(.missed))
    }

    @Test func awayDuringTheWaitEndsItAndTheReturnWaitsAgain() {
        var h = Harness(settings: ScheduleSettings.fixed45.naturalPause(.on))
        h.pauseSource(true)
        h.run(for: .minutes(45))
        h.run(for: .minutes(1))
        h.send(.awayBegan(.lock, idleFor: .zero))
        #expect(h.unwatches == 1)
        #expect(h.shows.isEmpty)
        h.run(for: .minutes(2))
        h.send(.awayEnded(.lock))
        h.run(for: .seconds(30), step: .seconds(1))
        #expect(h.shows.isEmpty)
        #expect(h.watches.count == 2)
        h.run(for: .minutes(3))
        #expect(h.shows.count == 1, "shown anyway at the maximum")
        #expect(h.pauseLines.map(\.length) == [.minutes(1), .minutes(3)])
    }

    @Test func aPauseOrLimberNowDuringTheWait() {
        var h = Harness(settings: ScheduleSettings.fixed45.naturalPause(.on))
        h.pauseSource(true)
        h.run(for: .minutes(45))
        h.send(.pauseRequested(.indefinitely))
        #expect(h.unwatches == 1)
        h.send(.resumeRequested)
        #expect(h.watches.count == 2, "resumed: the reminder still due waits for a pause again")
        h.run(for: .seconds(5), step: .seconds(5))
        h.send(.dueNowRequested(.posture))
        #expect(h.shows.count == 1, "asked for: shown at once")
        #expect(h.unwatches == 2)
    }

    @Test func aReminderAlreadyOnScreenIsReshownWithoutWaiting() {
        var h = Harness(settings: ScheduleSettings.fixed45.naturalPause(.on))
        h.run(for: .minutes(45))
        #expect(h.shows.count == 1, "no source yet: shown at once")
        h.pauseSource(true)
        h.run(for: .minutes(5))
        #expect(h.shows.count == 2, "the re-show comes on time")
        #expect(h.watches.isEmpty)
    }
}
