import Foundation
import JSON
import Testing
@testable import LimberCore

@Suite("restore after restart")
struct Restore {
    /// Through the JSON that limberd writes to state.json.
    func roundTrip(_ s: SchedulerState) throws -> SchedulerState {
        try JSON.decode(SchedulerState.self, from: JSON.encode(s))
    }

    @Test func savedStateRoundTripsThroughJSON() throws {
        var h = Harness()
        h.run(for: .minutes(17))
        h.send(.dueNowRequested(.posture))
        h.send(.answered(.snooze(.seconds(90)), promptID: nil))
        h.send(.dueNowRequested(.routine))
        h.send(.pauseRequested(.duration(.minutes(30))))
        #expect(try roundTrip(h.scheduler.state) == h.scheduler.state)
    }

    /// A scripted day's states and history entries: JSON writes Foundation's bytes and reads them back.
    @Test func stateAndHistoryJSONIsWhatFoundationWrote() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var h = Harness()
        var states: [SchedulerState] = [h.scheduler.state]
        func step(_ e: Event) {
            h.send(e)
            states.append(h.scheduler.state)
        }
        h.run(for: .minutes(45))
        states.append(h.scheduler.state)
        step(.dueNowRequested(.posture))
        step(.answered(.snooze(.seconds(90)), promptID: nil))
        h.run(for: .minutes(2))
        step(.answered(.done, promptID: nil))
        step(.dueNowRequested(.routine))
        step(.pauseRequested(.duration(.minutes(30))))
        step(.resumeRequested)
        step(.pauseRequested(.indefinitely))
        h.clock.advance(.seconds(86_400))
        step(.resumeRequested)
        #expect(states.contains { $0.prompt != nil } && states.contains { $0.pause?.until != nil }
                && states.contains { $0.pause != nil && $0.pause?.until == nil })
        for state in states {
            let ours = try JSON.encode(state)
            #expect(ours == [UInt8](try encoder.encode(state)))
            #expect(try JSON.decode(SchedulerState.self, from: ours) == state)
            #expect(try JSONDecoder().decode(SchedulerState.self, from: Data(ours)) == state)
        }
        #expect(h.records.count >= 8)
        for (i, record) in h.records.enumerated() {
            let entry = HistoryEntry(record, id: HistoryEntry.makeID(ts: 1_795_000_000_000, random: UInt128(i)),
                                     host: i % 2 == 0 ? "desk/\u{e9}\u{1F600}" : "laptop \"x\"\\\u{1}")
            let ours = try JSON.encode(entry)
            #expect(ours == [UInt8](try encoder.encode(entry)))
            #expect(try JSON.decode(HistoryEntry.self, from: ours) == entry)
            #expect(try JSONDecoder().decode(HistoryEntry.self, from: Data(ours)) == entry)
        }
    }

    /// A state file with values no limberd writes (hand-edited, or damaged) is refused as a
    /// whole, so limberd sets it aside and starts afresh instead of trapping on it later.
    @Test(arguments: [("\"elapsed_ms\":", "-9223372036854775807,"), ("\"next_prompt_id\":", "18446744073709551615,"),
                      ("\"snoozes\":", "-9223372036854775808,"), ("\"anchor_utc_offset\":", "999999,"),
                      ("\"due\":", "-1,")])
    func outOfRangeValuesMakeTheStateUnreadable(key: String, value: String) throws {
        var h = Harness()
        h.send(.dueNowRequested(.posture))
        let text = String(decoding: try JSON.encode(h.scheduler.state), as: UTF8.self)
        #expect(try JSON.decode(SchedulerState.self, from: Array(text.utf8)) == h.scheduler.state)
        let range = try #require(text.range(of: key))
        let end = try #require(text[range.upperBound...].firstIndex(where: { $0 == "," || $0 == "}" }))
        let damaged = text[..<range.upperBound] + value.dropLast() + text[end...]
        #expect(throws: DecodingError.self) { try JSON.decode(SchedulerState.self, from: Array(damaged.utf8)) }
    }

    @Test func aSnoozeFarOutSavesWithoutTrappingAndIsRefusedOnReading() throws {
        var state = Harness().scheduler.state
        state.posture.elapsed = .seconds(-(Int64(1) << 60))
        let bytes = try JSON.encode(state)  // used to trap converting to milliseconds
        #expect(throws: DecodingError.self) { try JSON.decode(SchedulerState.self, from: bytes) }
    }

    @Test func cleanRestartKeepsElapsedTimeAndDoesNotCountTheDowntime() throws {
        var h = Harness()
        h.run(for: .minutes(20))
        let saved = try roundTrip(h.scheduler.state)
        h.clock.advance(.minutes(7))  // the daemon is stopped for 7 minutes
        let (restored, effects) = Scheduler.restore(saved, settings: .defaults, creditDowntime: false, at: h.clock.now)
        #expect(effects.isEmpty)
        let status = restored.status(at: h.clock.now)
        #expect(status.next.first { $0.kind == .posture }?.elapsed == .minutes(20))
        #expect(restored.state.posture.interval == saved.posture.interval, "a half-elapsed interval is not redrawn")
    }

    @Test func aKilledDaemonInTheSameBootIsCreditedUpToTheRestart() throws {
        var h = Harness()
        h.run(for: .minutes(20))
        let saved = try roundTrip(h.scheduler.state)
        h.clock.advance(.seconds(2))
        let (restored, _) = Scheduler.restore(saved, settings: .defaults, creditDowntime: true, at: h.clock.now)
        #expect(restored.status(at: h.clock.now).next.first { $0.kind == .posture }?.elapsed == .minutes(20) + .seconds(2))
    }

    @Test func aReminderOnScreenIsShownAgainInPlaceNotTwice() throws {
        var h = Harness()
        h.send(.dueNowRequested(.posture))
        let first = h.shows[0]
        let saved = try roundTrip(h.scheduler.state)
        h.clock.advance(.seconds(3))
        var (restored, effects) = Scheduler.restore(saved, settings: .defaults, creditDowntime: false, at: h.clock.now)
        #expect(effects == [.show(Prompt(id: first.id, kind: .posture, show: 1, isFinal: false, snoozesLeft: 3,
                                         serial: 0, isRepeat: true))])
        #expect(restored.status(at: h.clock.now).today.due == 1)
        // The server answers the take-over: nothing new in the history.
        #expect(restored.handle(.notificationShown(promptID: first.id, show: 1), at: h.clock.now).effects.isEmpty)
        // Its re-show schedule continues from the restart.
        h.clock.advance(.minutes(5))
        let t = restored.handle(.tick, at: h.clock.now)
        #expect(t.effects.contains { if case .show(let p) = $0 { return p.id == first.id && p.show == 2 } else { return false } })
    }

    @Test func aReminderLeftAtTheEndOfWorkWaitsForWorkToStartAgain() throws {
        let settings = WorkHoursRules.weekdays9to17
        var h = Harness(settings: settings)
        h.clock.setLocal(hour: 16, minute: 50)
        h.scheduler = Scheduler(settings: settings, seed: 1, at: h.clock.now)
        h.send(.dueNowRequested(.posture))
        let id = h.shows[0].id
        let saved = try roundTrip(h.scheduler.state)
        h.clock.advance(.seconds(15 * 3600 + 10 * 60))  // clean stop; next start Tuesday 08:00
        #expect(h.clock.now.local.clockText == "08:00")
        let (restored, effects) = Scheduler.restore(saved, settings: settings, creditDowntime: false, at: h.clock.now)
        #expect(!effects.contains { if case .show = $0 { true } else { false } }, "not shown before work starts")
        #expect(effects.contains(.withdraw(promptID: id)))
        #expect(effects.contains { if case .record(let r) = $0 { r.outcome == .withdrawn && r.reason == "work-hours" } else { false } })
        // At 09:00 it is shown again as a new showing of the due reminder, once.
        h.scheduler = restored
        h.clear()
        h.run(for: .minutes(61))
        #expect(h.clock.now.local.clockText == "09:01")
        #expect(h.shows.map(\.kind) == [.posture])
        #expect(h.outcomes == [.shown])
        #expect(h.status.today.due == 1)
    }

    @Test func aPauseThatEndedWhileTheDaemonWasDownEnds() throws {
        var h = Harness()
        h.send(.pauseRequested(.duration(.minutes(10))))
        let saved = try roundTrip(h.scheduler.state)
        h.clock.advance(.minutes(30))
        let (restored, effects) = Scheduler.restore(saved, settings: .defaults, creditDowntime: false, at: h.clock.now)
        #expect(effects.contains { if case .record(let r) = $0 { return r.outcome == .resumed } else { return false } })
        #expect(restored.status(at: h.clock.now).mode == .active)
    }

    @Test func todaysCountsStartOverOnANewDay() {
        var h = Harness()
        h.send(.dueNowRequested(.posture))
        h.send(.answered(.done, promptID: nil))
        #expect(h.status.today.done == 1)
        h.clock.advance(.seconds(86_400))
        #expect(h.status.today.done == 0)
        #expect(h.status.today.day == LocalDate(year: 2026, month: 11, day: 24))
    }
}

@Suite("calendar")
struct Calendar {
    @Test func civilDatesRoundTripAndWeekdaysAreRight() {
        for days in stride(from: Int64(-800_000), through: 800_000, by: 997) {
            #expect(LocalDate(daysSinceEpoch: days).daysSinceEpoch == days)
        }
        #expect(LocalDate(daysSinceEpoch: 0) == LocalDate(year: 1970, month: 1, day: 1))
        #expect(LocalDate(year: 1970, month: 1, day: 1).weekday == .thursday)
        #expect(LocalDate(year: 2026, month: 11, day: 21).weekday == .saturday)
        #expect(LocalDate(year: 2024, month: 2, day: 29).weekday == .thursday)
        #expect(LocalDate(year: 1969, month: 12, day: 31).weekday == .wednesday)
    }

    @Test func localTimeAppliesTheOffset() {
        let wall = Duration.seconds(LocalDate(year: 2026, month: 11, day: 21).daysSinceEpoch * 86_400 + 23 * 3600 + 30 * 60)
        let berlin = LocalTime(wall: wall, utcOffsetSeconds: 3600)
        #expect(berlin.date == LocalDate(year: 2026, month: 11, day: 22))
        #expect(berlin.clockText == "00:30")
        #expect(berlin.iso8601(utcOffsetSeconds: 3600) == "2026-11-22T00:30:00+01:00")
        let ny = LocalTime(wall: wall, utcOffsetSeconds: -5 * 3600)
        #expect(ny.iso8601(utcOffsetSeconds: -5 * 3600) == "2026-11-21T18:30:00-05:00")
    }

    @Test func durationsReadLikeAPersonWouldSayThem() {
        #expect(formatDuration(.seconds(45)) == "45 s")
        #expect(formatDuration(.seconds(60)) == "1 min")
        #expect(formatDuration(.seconds(61)) == "2 min")
        #expect(formatDuration(.minutes(60)) == "1 h")
        #expect(formatDuration(.minutes(65)) == "1 h 5 min")
        #expect(formatDuration(.seconds(-3)) == "0 s")
    }
}
