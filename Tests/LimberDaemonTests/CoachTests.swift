import Foundation
import Glibc
@testable import LimberFiles
import JSON
import LimberCatalog
import LimberConfig
import LimberCore
@testable import LimberDaemon
import LimberProtocol
import Logging
import Testing
import LimberTestSupport

/// The engine's coach: reminder content from the catalog, the guided routine, the safety
/// notice and the optional features, against a recording presenter and a hand-moved clock.
@Suite(.serialized) struct CoachTests {
    func shows(_ f: EngineFixture, tag: UInt64) -> [NotificationContent] {
        f.presenter.shows.filter { $0.tag == tag }.map(\.content)
    }

    func records(_ f: EngineFixture) throws -> [HistoryEntry] {
        try f.history.readLines().map { try JSON.decode(HistoryEntry.self, from: $0) }
    }

    // MARK: Content

    @Test func routineRemindersRotateThroughTheRoutinesTheOfficeAllows() throws {
        try withTemporaryFolder { folder in
            let f = try EngineFixture(folder: folder)
            let e = f.engine()
            e.start()
            let eligible = BuiltInCatalog.catalog.rotation(for: .office)
            var titles: [String] = []
            for _ in 0..<(eligible.count * 2) {
                _ = f.request(e, .now(.routine))
                let content = try #require(f.presenter.shows.last?.content)
                #expect(content.summary.hasPrefix("Time to move: "))
                #expect(content.actions.map(\.key).contains("start"))
                #expect(content.body.hasPrefix(NotificationText.safetyLine + "\n"), "where every server shows it")
                #expect(content.actions.first?.key == "default" && content.actions.contains { $0.key == "snooze" })
                titles.append(content.summary)
                _ = f.request(e, .done)
            }
            let first = Set(titles.prefix(eligible.count)), second = Set(titles.suffix(eligible.count))
            #expect(first.count == eligible.count, "none repeats before all were offered: \(titles)")
            #expect(second.count == eligible.count)
            let allowed = Set(eligible.map { "Time to move: \($0.title) · \($0.minutes) min" })
            #expect(first.isSubset(of: allowed), "never the floor, never equipment")
        }
    }

    @Test func reShowsAndRestartsShowTheSameRoutine() throws {
        try withTemporaryFolder { folder in
            let f = try EngineFixture(folder: folder)
            let e = f.engine()
            e.start()
            _ = f.request(e, .now(.routine))
            let first = try #require(f.presenter.shows.last?.content.summary)
            f.clock.advance(.seconds(300))
            e.dispatch(.tick)
            #expect(f.presenter.shows.last?.content.summary == "Again: " + first)
            let second = f.engine()  // killed and restarted: same boot, state from disk
            second.start()
            #expect(f.presenter.shows.last?.content.summary == "Again: " + first)
        }
    }

    @Test func postureChecksRotateTheCues() throws {
        try withTemporaryFolder { folder in
            let f = try EngineFixture(folder: folder)
            let e = f.engine()
            e.start()
            let cues = BuiltInCatalog.catalog.cues
            var bodies: [String] = []
            for _ in 0..<cues.count {
                _ = f.request(e, .now(.posture))
                bodies.append(f.presenter.shows.last?.content.body ?? "")
                _ = f.request(e, .done)
            }
            #expect(Set(bodies) == Set(cues.map(\.text)))
        }
    }

    /// Settings whose catalog replaces every short routine by one that needs the floor and
    /// dumbbells: nothing fits an office.
    static var nothingFits: DaemonSettings {
        let replaced = BuiltInCatalog.catalog.routines.filter { $0.kind == .micro }.map {
            Routine(id: $0.id, title: $0.title, steps: [RoutineStep(exercise: "prone-raise-weights")])
        }
        return DaemonSettings(catalog: Catalog(routines: replaced))
    }

    @Test func withNothingEligibleTheReminderStillSaysWhatToDo() throws {
        try withTemporaryFolder { folder in
            let f = try EngineFixture(folder: folder)
            let e = f.engine(settings: Self.nothingFits)
            e.start()
            _ = f.request(e, .now(.routine))
            let content = try #require(f.presenter.shows.last?.content)
            #expect(content.summary == "Time to move · 2 min")
            #expect(content.body.hasPrefix(NotificationText.safetyLine + "\nStand up for a minute or two"))
            #expect(!content.actions.map(\.key).contains("start"))
        }
    }

    // MARK: Guided routine

    func guided(_ f: EngineFixture) -> [NotificationContent] { shows(f, tag: CoachTag.guide) }

    @Test func startWalksThroughARoutineInOneNotification() throws {
        try withTemporaryFolder { folder in
            let f = try EngineFixture(folder: folder)
            f.clock.realScale = 1000  // a 30 s hold takes 30 ms of the test's time
            let e = f.engine()
            e.start()
            f.clock.advance(.seconds(600))
            let started = f.request(e, .start(routine: "doorway-opener"))
            #expect(started.ok, "\(String(describing: started.error))")
            #expect(started.status?.guide?.step == 1)
            var steps = guided(f)
            #expect(steps.first?.summary == "Doorway chest stretch · right · 30 s")
            #expect(steps.first?.body.hasPrefix("Step 1/5 · set 1/2 · Doorway opener\n"
                + NotificationText.safetyLine + "\n1. ") == true)
            #expect(steps.first?.progress == 0 && steps.first?.resident == true && steps.first?.expiry == .never)
            #expect(steps.first?.actions.map(\.key).sorted() == ["next", "stop"])
            // The four holds advance by themselves.
            #expect(f.loop.run(until: { guided(f).count == 5 }, timeout: .seconds(5)))
            steps = guided(f)
            #expect(steps.map(\.progress) == [0, 20, 40, 60, 80])
            #expect(steps[4].summary == "Thoracic rotation · 8 each side · hold 2 s")
            #expect(steps.allSatisfy { $0.body.split(separator: "\n")[1] == NotificationText.safetyLine[...] })
            // The repetitions wait for Next.
            f.loop.run(for: .milliseconds(200))
            #expect(guided(f).count == 5)
            #expect(f.request(e, .status).status?.guide?.waitsForNext == true)
            let next = f.request(e, .next)
            #expect(next.ok && next.message?.hasPrefix("routine done") == true)
            let done = try #require(guided(f).last)
            #expect(done.summary == "Done: Doorway opener" && done.progress == nil)
            #expect(done.transient && done.expiry == .after(.seconds(30)), "a note that goes by itself")
            let last = try #require(try records(f).last)
            #expect(last.outcome == .done && last.routine == "doorway-opener" && last.reason == "guided")
            let status = try #require(f.request(e, .status).status)
            #expect(status.guide == nil)
            #expect(status.next.allSatisfy { $0.elapsedSeconds == 0 }, "both intervals restart: \(status.next)")
            #expect(f.presenter.shows.allSatisfy { $0.tag == CoachTag.guide }, "one notification, updated in place")
        }
    }

    @Test func aCompletedRoutineAnswersTheDueReminder() throws {
        try withTemporaryFolder { folder in
            let f = try EngineFixture(folder: folder)
            f.clock.realScale = 1000
            let e = f.engine()
            e.start()
            _ = f.request(e, .now(.routine))
            let reminder = try #require(f.presenter.shows.last)
            #expect(f.request(e, .start(routine: nil)).ok)
            #expect(f.presenter.closes.contains(reminder.tag), "the reminder waits off screen")
            let title = reminder.content.summary.dropFirst("Time to move: ".count).prefix { $0 != "·" }
            let firstLine = guided(f).first?.body.split(separator: "\n").first ?? ""
            #expect(firstLine.hasSuffix(" · " + title.trimmingCharacters(in: .whitespaces)),
                    "starts the routine the reminder showed")
            for _ in 0..<40 where f.request(e, .status).status?.guide != nil {
                if f.request(e, .status).status?.guide?.waitsForNext == true {
                    _ = f.request(e, .next)
                } else {
                    _ = f.loop.run(until: { false }, timeout: .milliseconds(100))
                }
            }
            let status = try #require(f.request(e, .status).status)
            #expect(status.guide == nil && status.due == nil)
            #expect(status.today.done == 1 && status.today.due == 1)
            let done = try #require(try records(f).last)
            #expect(done.prompt == reminder.tag && done.outcome == .done && done.kind == .routine)
        }
    }

    @Test func stopEndsItAndTheReminderIsDueAgain() throws {
        try withTemporaryFolder { folder in
            let f = try EngineFixture(folder: folder)
            let e = f.engine()
            e.start()
            _ = f.request(e, .now(.routine))
            let reminder = try #require(f.presenter.shows.last)
            #expect(f.request(e, .start(routine: nil)).ok)
            let stopped = f.request(e, .stop)
            #expect(stopped.ok && stopped.message?.contains("stopped") == true)
            #expect(f.presenter.closes.last == CoachTag.guide)
            #expect(f.presenter.shows.last?.tag == reminder.tag, "the reminder shows again")
            #expect(f.request(e, .status).status?.due?.promptID == reminder.tag)
            #expect(try f.outcomes() == ["shown"])
        }
    }

    @Test func theStartActionOfARoutineReminderStartsIt() throws {
        try withTemporaryFolder { folder in
            let f = try EngineFixture(folder: folder)
            let e = f.engine()
            e.start()
            _ = f.request(e, .now(.routine))
            let reminder = try #require(f.presenter.shows.last)
            f.presenter.onAction?(reminder.tag, "start")
            #expect(f.request(e, .status).status?.guide?.step == 1)
            f.presenter.onAction?(CoachTag.guide, "stop")
            #expect(f.request(e, .status).status?.guide == nil)
        }
    }

    @Test func refusalsHaveTheirCodes() throws {
        try withTemporaryFolder { folder in
            let f = try EngineFixture(folder: folder)
            let e = f.engine()
            e.start()
            #expect(f.request(e, .next).error?.code == .notGuiding)
            #expect(f.request(e, .stop).error?.code == .notGuiding)
            let unknown = f.request(e, .start(routine: "desk-rest"))
            #expect(unknown.error?.code == .unknownRoutine)
            #expect(unknown.error?.message.contains("desk-reset") == true)
            #expect(f.request(e, .start(routine: "desk-reset")).ok)
            #expect(f.request(e, .start(routine: "wall-reset")).error?.code == .alreadyGuiding)
        }
    }

    @Test func noRoutineFitsSaysSo() throws {
        try withTemporaryFolder { folder in
            let f = try EngineFixture(folder: folder)
            let e = f.engine(settings: Self.nothingFits)
            e.start()
            let r = f.request(e, .start(routine: nil))
            #expect(r.error?.code == .noRoutine)
            #expect(f.request(e, .start(routine: "desk-reset")).error == nil, "named, it starts anyway")
        }
    }

    @Test func theUsersOwnRoutineCanBeStarted() throws {
        try withTemporaryFolder { folder in
            let f = try EngineFixture(folder: folder)
            let user = try LimberConfiguration.load("""
                [[routines]]
                id = "mine"
                title = "Mine"
                steps = ["scapular-squeeze"]
                """, fileName: "c.toml").get()
            let e = f.engine(settings: DaemonSettings(coach: user.coach, catalog: user.catalog))
            e.start()
            #expect(f.request(e, .start(routine: "mine")).ok)
            #expect(guided(f).first?.summary == "Shoulder blade squeezes · 10× · hold 3 s")
        }
    }

    // MARK: Safety notice

    @Test func theRedFlagsAreShownOnceBeforeTheFirstNotification() throws {
        try withTemporaryFolder { folder in
            let f = try EngineFixture(folder: folder)
            f.presenter.available = false
            let first = f.engine(safetyNotice: true)
            first.start()
            f.loop.run(for: .milliseconds(20))
            #expect(f.presenter.shows.isEmpty, "nothing at start-up: no D-Bus connection only for it")
            _ = f.request(first, .now(.posture))
            #expect(f.presenter.shows.isEmpty && !first.coach.state.safetyNoticeShown,
                    "no server took it: still to show")
            _ = f.request(first, .done)
            f.presenter.available = true
            _ = f.request(first, .now(.routine))
            #expect(f.presenter.shows.map(\.tag) == [CoachTag.safety, f.presenter.shows.last?.tag ?? 0])
            let notice = f.presenter.shows[0].content
            #expect(notice.summary == Safety.heading)
            for flag in Safety.redFlags { #expect(notice.body.contains(flag)) }
            _ = f.request(first, .done)
            first.stop()
            let second = f.engine(safetyNotice: true)
            second.start()
            _ = f.request(second, .start(routine: "desk-reset"))
            #expect(shows(f, tag: CoachTag.safety).count == 1, "once: remembered in the state")
        }
    }

    // MARK: State

    @Test func anOlderStateFileWithoutTheCoachStillReads() throws {
        try withTemporaryFolder { folder in
            let f = try EngineFixture(folder: folder)
            let e = f.engine()
            e.start()
            e.stop()
            var object = try #require(try JSONDecode.object(f.store.read(SavedState.fileName)))
            object["coach"] = nil
            try f.store.write(JSONDecode.bytes(object), to: SavedState.fileName)
            let again = f.engine()
            again.start()
            #expect(again.coach.state.routines.offered.isEmpty)
            let saved = try JSON.decode(SavedState.self, from: #require(try f.store.read(SavedState.fileName)))
            #expect(saved.coach != nil)
        }
    }

    // MARK: Optional features

    func at(_ f: EngineFixture, hour: Int, minute: Int) {
        let local = f.clock.now().local
        f.clock.advance(.seconds(((hour * 3600 + minute * 60 - local.secondOfDay) + 86_400) % 86_400))
    }

    @Test func theDailyRoutineIsOfferedAtItsTimeOnceADay() throws {
        try withTemporaryFolder { folder in
            let f = try EngineFixture(folder: folder)
            at(f, hour: 8, minute: 0)
            var coach = CoachSettings()
            coach.daily.enabled = true
            coach.daily.at = 8 * 60
            let e = f.engine(settings: DaemonSettings(coach: coach))
            e.start()
            f.loop.run(for: .milliseconds(50))
            f.presenter.answer()  // the server shows it: recorded, and its id kept
            let offer = try #require(shows(f, tag: CoachTag.daily).first)
            // The office defaults have no floor: the standing one, its title cut to fit.
            #expect(offer.summary == "Daily routine: Daily upper-back ro… · 16 min")
            #expect(offer.summary.count <= NotificationText.summaryLimit)
            #expect(offer.actions.map(\.key).sorted() == ["skip", "snooze", "start"])
            e.stop()
            let again = f.engine(settings: DaemonSettings(coach: coach))
            again.start()
            f.loop.run(for: .milliseconds(50))
            f.presenter.answer()
            // Not offered twice the same day: the restart takes the offer on screen over in place.
            #expect(try records(f).filter { $0.reason == "daily" }.map(\.outcome) == [.shown])
            let daily = f.presenter.shows.filter { $0.tag == CoachTag.daily }
            #expect(daily.count == 2 && daily[1].replacing != nil)
            f.presenter.onAction?(CoachTag.daily, "start")
            #expect(f.request(again, .status).status?.guide?.routine == "daily-upper-back-standing")
        }
    }

    @Test func theDailyRoutineIsOffByDefault() throws {
        try withTemporaryFolder { folder in
            let f = try EngineFixture(folder: folder)
            at(f, hour: 8, minute: 0)
            let e = f.engine()
            e.start()
            f.loop.run(for: .milliseconds(50))
            #expect(f.presenter.shows.isEmpty)
            #expect(e.coachCarrier.timers.isEmpty, "no timers for what is off")
        }
    }

    @Test func aStandingBlockIsSuggestedAndItsEndAnnounced() throws {
        try withTemporaryFolder { folder in
            let f = try EngineFixture(folder: folder)
            f.clock.realScale = 10_000
            at(f, hour: 10, minute: 30)
            var coach = CoachSettings()
            coach.sitStand.enabled = true
            let e = f.engine(settings: DaemonSettings(coach: coach))
            e.start()
            f.loop.run(for: .milliseconds(20))
            #expect(shows(f, tag: CoachTag.sitStand).map(\.summary) == ["Stand for 15 min"])
            #expect(f.loop.run(until: { shows(f, tag: CoachTag.sitStand).count == 2 }, timeout: .seconds(2)))
            #expect(shows(f, tag: CoachTag.sitStand).last?.summary == "Standing block done")
            // Three weeks later the block is longer.
            f.clock.advance(.seconds(21 * 86_400))
            at(f, hour: 15, minute: 0)
            e.dispatch(.tick)
            f.loop.run(for: .milliseconds(20))
            #expect(shows(f, tag: CoachTag.sitStand).last?.summary == "Stand for 30 min")
        }
    }

    @Test func stepUpIsSuggestedOnceAfterRegularWeeks() throws {
        try withTemporaryFolder { folder in
            let f = try EngineFixture(folder: folder)
            var coach = CoachSettings()
            coach.stepUp.enabled = true
            coach.stepUp.afterWeeks = 2
            coach.stepUp.daysPerWeek = 3
            let e = f.engine(settings: DaemonSettings(coach: coach))
            e.start()
            for day in 0..<20 {
                _ = f.request(e, .now(.routine))
                _ = f.request(e, .done)
                // The first week ends on day 6; the second needs three days of its own: day 9.
                if day == 8 { #expect(shows(f, tag: CoachTag.stepUp).isEmpty, "not before two regular weeks") }
                if day == 9 { #expect(shows(f, tag: CoachTag.stepUp).count == 1) }
                f.clock.advance(.seconds(86_400))
            }
            #expect(shows(f, tag: CoachTag.stepUp).count == 1)
            #expect(shows(f, tag: CoachTag.stepUp).first?.body.contains("add a set") == true)
        }
    }
}

/// Untyped JSON for editing a saved file in a test.
enum JSONDecode {
    static func object(_ bytes: [UInt8]?) throws -> [String: Any]? {
        guard let bytes else { return nil }
        return try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any]
    }

    static func bytes(_ object: [String: Any]) throws -> [UInt8] {
        Array(try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]))
    }
}
