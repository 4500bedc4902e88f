import JSON
import Testing
@testable import LimberCore

/// What the notification server did, fed back as events: the history says `shown` only once a
/// server answered, a reminder nobody saw is never missed, and one appearing shows it.
@Suite("notification server")
struct NotificationServerRules {
    /// One step of a script: what happens, then what the scheduler must have done.
    enum Step {
        case server(ServerBehaviour)
        case send(Event)
        case wait(Duration)
        /// Answers the last `.show` (the engine's report of the server's reply).
        case answerLastShow
        case failLastShow(String)
    }

    struct Expect: Equatable {
        var outcomes: [Outcome] = []
        /// `.show` effects: (show number, isRepeat).
        var shows: [[Int]] = []
    }

    /// Runs `script` from a posture check just come due with the server `initially`;
    /// returns, per step, the history outcomes and shows it produced.
    static func run(_ script: [Step], initially: ServerBehaviour, settings: ScheduleSettings = .defaults)
        -> (Harness, [Expect])
    {
        var h = Harness(settings: settings)
        h.server = initially
        h.send(.dueNowRequested(.posture))
        var results: [Expect] = [Expect(outcomes: h.outcomes, shows: h.shows.map { [$0.show, $0.isRepeat ? 1 : 0] })]
        for step in script {
            let before = h.effects.count
            switch step {
            case .server(let s): h.server = s
            case .send(let e): h.send(e)
            case .wait(let d): h.run(for: d, step: .seconds(30))
            case .answerLastShow:
                let p = h.shows.last!
                h.send(.notificationShown(promptID: p.id, show: p.show))
            case .failLastShow(let reason):
                let p = h.shows.last!
                h.send(.notificationFailed(promptID: p.id, show: p.show, reason: reason))
            }
            let new = Array(h.effects[before...])
            results.append(Expect(
                outcomes: new.compactMap { if case .record(let r) = $0 { r.outcome } else { nil } },
                shows: new.compactMap { if case .show(let p) = $0 { [p.show, p.isRepeat ? 1 : 0] } else { nil } }))
        }
        return (h, results)
    }

    @Test func shownIsRecordedWhenTheServerAnswersNotBefore() {
        let (h, r) = Self.run([.answerLastShow, .answerLastShow], initially: .silent)
        #expect(r[0] == Expect(outcomes: [], shows: [[1, 0]]), "asked to show; nothing recorded yet")
        #expect(r[1].outcomes == [.shown])
        #expect(r[2].outcomes == [], "an answer repeated for the same showing records nothing")
        #expect(h.records.first?.show == 1)
        #expect(h.status.today.due == 1)
    }

    @Test func aHungServerNeverMakesAShownLine() {
        // The call times out after 25 s; re-tries time out too. Nothing says shown, nothing
        // is missed, and the reminder stays due.
        let (h, r) = Self.run([
            .failLastShow("timeout"),
            .wait(.minutes(5)), .failLastShow("timeout"),
            .wait(.minutes(5)), .failLastShow("timeout"),
            .wait(.minutes(30)),
        ], initially: .silent)
        #expect(r[1].outcomes == [.unshown])
        #expect(h.records.first?.reason == "timeout")
        #expect(r[2] == Expect(outcomes: [], shows: [[1, 1]]), "the same showing again, not a counted re-show")
        #expect(r[3].outcomes == [], "one unshown line per reminder")
        #expect(!h.outcomes.contains(.shown) && !h.outcomes.contains(.missed) && !h.outcomes.contains(.reshown))
        #expect(h.scheduler.state.prompt?.shows == 1)
        #expect(h.status.due != nil)
        #expect(h.status.today.due == 1 && h.status.today.missed == 0)
    }

    @Test func aReminderSeenLateGetsTheWholeReShowDelay() {
        // The first call timed out; the server answers the retry 4.5 min later. The next
        // showing comes a full delay after that, not 30 s after the user first saw it.
        let (h, r) = Self.run([
            .failLastShow("timeout"),
            .wait(.seconds(270)), .answerLastShow,
            .wait(.minutes(4)),
            .wait(.minutes(1)),
        ], initially: .silent)
        #expect(r[3].outcomes == [.reshown], "seen late")
        #expect(h.records.last(where: { $0.outcome == .reshown })?.reason == "late")
        #expect(r[4].shows == [], "no re-show within the delay after it was seen")
        #expect(r[5].shows == [[2, 0]], "then the counted re-show")
    }

    @Test func aServerThatAppearsShowsTheReminderNobodySaw() {
        let (h, r) = Self.run([
            .wait(.minutes(2)),
            .server(.answers), .send(.notificationServerAppeared),
            .send(.notificationServerAppeared),
            .wait(.minutes(5)), .wait(.minutes(5)), .wait(.minutes(5)),
        ], initially: .absent)
        #expect(r[0] == Expect(outcomes: [.unshown], shows: [[1, 0]]))
        #expect(h.records[0].reason == "no-server")
        #expect(r[1] == Expect(), "no server, and the re-show time has not come")
        #expect(r[3] == Expect(outcomes: [.reshown], shows: [[1, 1]]), "shown at once when a server appears")
        #expect(h.records[1].reason == "late")
        #expect(r[4] == Expect(), "already on screen: not shown twice")
        // Now seen: its re-shows count from the late showing, then it is missed.
        #expect(r[5] == Expect(outcomes: [.reshown], shows: [[2, 0]]))
        #expect(r[6] == Expect(outcomes: [.reshown], shows: [[3, 0]]))
        #expect(r[7].outcomes == [.missed])
        #expect(h.status.today.due == 1 && h.status.today.missed == 1)
    }

    @Test func aReminderNeverSeenIsNeverMissed() {
        var settings = ScheduleSettings()
        settings.routineInterval = .minutes(600)
        let (h, r) = Self.run([.wait(.minutes(120))], initially: .absent, settings: settings)
        #expect(r[1].outcomes.isEmpty)
        #expect(r[1].shows.allSatisfy { $0 == [1, 1] }, "only tries of the same showing")
        #expect(r[1].shows.count == 24, "one try per re-show delay: \(r[1].shows.count)")
        #expect(h.status.due?.prompt.show == 1)
        #expect(h.status.today.missed == 0)
    }

    @Test func aServerThatLeavesTakesItsNotificationsWithIt() {
        let (h, r) = Self.run([
            .send(.notificationServerVanished),
            .server(.absent), .wait(.minutes(5)),
            .wait(.minutes(10)),
            .server(.answers), .send(.notificationServerAppeared),
            .wait(.minutes(5)),
        ], initially: .answers)
        #expect(r[0].outcomes == [.shown])
        #expect(r[1] == Expect())
        #expect(r[3] == Expect(outcomes: [], shows: [[1, 1]]), "gone with the server: tried again, not counted")
        #expect(r[4].shows == [[1, 1], [1, 1]] && r[4].outcomes.isEmpty)
        #expect(r[6] == Expect(outcomes: [], shows: [[1, 1]]), "back on screen; it was recorded already")
        #expect(r[7] == Expect(outcomes: [.reshown], shows: [[2, 0]]))
        #expect(h.status.today.missed == 0)
    }

    @Test func aFailedReShowIsTriedAgainBeforeItCounts() {
        let (h, r) = Self.run([
            .server(.absent), .wait(.minutes(5)),
            .server(.answers), .wait(.minutes(5)),
        ], initially: .answers)
        #expect(r[2] == Expect(outcomes: [], shows: [[2, 0]]), "showing 2 failed: only logged")
        #expect(r[4] == Expect(outcomes: [.reshown], shows: [[2, 1]]), "showing 2 again, recorded when it shows")
        #expect(h.records.last?.show == 2)
    }

    @Test func anAnswerBeforeTheServerRepliesStillCountsTheReminderOnce() {
        let (h, r) = Self.run([
            .send(.answered(.done, promptID: nil)),
            .answerLastShow,  // the reply comes after the answer: stale
        ], initially: .silent)
        #expect(r[1].outcomes == [.unshown, .done])
        #expect(h.records[0].reason == "pending")
        #expect(r[2] == Expect())
        #expect(h.status.today.due == 1 && h.status.today.done == 1)
    }

    @Test func everyWayOffScreenSettlesAnUnrecordedReminder() {
        for (label, event) in [("snooze", Event.answered(.snooze(nil), promptID: nil)),
                               ("skip", .answered(.skip, promptID: nil)),
                               ("pause", .pauseRequested(.indefinitely)),
                               ("routine", .dueNowRequested(.routine))] {
            var h = Harness()
            h.server = .silent
            h.send(.dueNowRequested(.posture))
            h.send(event)
            #expect(h.outcomes.first == .unshown, "\(label): \(h.outcomes)")
            #expect(h.outcomes.filter { $0 == .unshown }.count == 1, "\(label)")
            var counts = DayCounts(day: h.status.today.day)
            for o in h.outcomes { counts.count(o, early: false) }
            #expect(counts == h.status.today, "\(label): the history counts as the status does")
        }
    }

    @Test func aServerAppearingChangesNothingWhileAwayOrGuided() {
        let (_, away) = Self.run([
            .send(.awayBegan(.lock, idleFor: .zero)), .send(.notificationServerAppeared),
        ], initially: .absent)
        #expect(away[2] == Expect())
        let (_, guided) = Self.run([.send(.guideBegan), .send(.notificationServerAppeared)], initially: .absent)
        #expect(guided[2] == Expect())
    }

    @Test func theHistoryCountsLikeTheStatus() {
        let (h, _) = Self.run([
            .wait(.minutes(7)),
            .server(.answers), .send(.notificationServerAppeared),
            .send(.answered(.done, promptID: nil)),
        ], initially: .absent)
        #expect(h.outcomes == [.unshown, .reshown, .done])
        var counts = DayCounts(day: h.status.today.day)
        for o in h.outcomes { counts.count(o, early: false) }
        #expect(counts.due == 1 && counts.done == 1)
        #expect(counts == h.status.today)
    }

    @Test func savedStateKeepsWhatTheServerDidAndOldStateCountsAsSeen() throws {
        var h = Harness()
        h.server = .silent
        h.send(.dueNowRequested(.posture))
        var state = h.scheduler.state
        state.prompt?.displayed = true
        let text = String(decoding: try JSON.encode(state), as: UTF8.self)
        let back = try JSON.decode(SchedulerState.self, from: Array(text.utf8))
        #expect(back == state)
        #expect(back.prompt?.seen == false && back.prompt?.recordedShow == 0)
        // Written before limber waited for the server: the first showing was recorded at once.
        let old = text.replacingAll("\"seen\":false,", "").replacingAll("\"recorded_show\":0,", "")
            .replacingAll(",\"displayed\":true", "").replacingAll("\"displayed\":true,", "")
        #expect(old != text)
        let oldState = try JSON.decode(SchedulerState.self, from: Array(old.utf8))
        #expect(oldState.prompt?.seen == true && oldState.prompt?.recordedShow == 1 && oldState.prompt?.displayed == false)
        let (restored, _) = Scheduler.restore(back, settings: .defaults, creditDowntime: false, at: h.clock.now)
        #expect(restored.state.prompt?.displayed == false, "a new process has heard from no server yet")
    }
}

extension String {
    func replacingAll(_ target: String, _ replacement: String) -> String {
        var out = ""
        var rest = Substring(self)
        while let r = rest.range(of: target) {
            out += rest[..<r.lowerBound] + replacement
            rest = rest[r.upperBound...]
        }
        return out + rest
    }
}
