import Foundation
@testable import LimberFiles
import JSON
import LimberCatalog
import LimberCore
@testable import LimberDaemon
import LimberProtocol
import Testing
import LimberTestSupport

/// The daily routine as a reminder: in status, answered from the CLI and its buttons,
/// recorded in the history and the day's counts.
@Suite(.serialized) struct DailyReminderTests {
    func records(_ f: EngineFixture) throws -> [HistoryEntry] {
        try f.history.readLines().map { try JSON.decode(HistoryEntry.self, from: $0) }
    }

    /// An engine whose daily routine is offered at once.
    func offered(_ f: EngineFixture) -> Engine {
        let local = f.clock.now().local
        f.clock.advance(.seconds(((8 * 3600 - local.secondOfDay) + 86_400) % 86_400))
        var coach = CoachSettings()
        coach.daily.enabled = true
        coach.daily.at = 8 * 60
        let e = f.engine(settings: DaemonSettings(coach: coach))
        e.start()
        f.loop.run(for: .milliseconds(50))
        f.presenter.answer()  // the server shows it
        return e
    }

    func dailyShows(_ f: EngineFixture) -> Int { f.presenter.shows.filter { $0.tag == CoachTag.daily }.count }

    @Test func itIsInTheStatusAndTheDayCounts() throws {
        try withTemporaryFolder { folder in
            let f = try EngineFixture(folder: folder)
            let e = offered(f)
            let status = try #require(f.request(e, .status).status)
            let daily = try #require(status.daily)
            #expect(daily.routine == "daily-upper-back-standing")
            #expect(daily.title == "Daily upper-back routine (standing)")
            #expect(daily.snoozedUntil == nil && daily.snoozesLeft == 3)
            #expect(status.today.due == 1)
            #expect(try records(f).map(\.outcome) == [.shown])
        }
    }

    @Test func skipIsNotTodayAndIsRecorded() throws {
        try withTemporaryFolder { folder in
            let f = try EngineFixture(folder: folder)
            let e = offered(f)
            let answer = f.request(e, .skip)
            #expect(answer.ok, "\(answer)")
            #expect(answer.message?.hasPrefix("daily routine skipped for today") == true)
            #expect(answer.status?.daily == nil)
            #expect(answer.status?.today.skipped == 1 && answer.status?.today.due == 1)
            let last = try #require(try records(f).last)
            #expect(last.outcome == .skipped && last.reason == "daily" && last.routine == "daily-upper-back-standing")
            #expect(f.presenter.closes.contains(CoachTag.daily))
            // Nothing is left to skip.
            #expect(f.request(e, .skip).error?.code == .nothingDue)
        }
    }

    @Test func theNotTodayButtonIsRecordedToo() throws {
        try withTemporaryFolder { folder in
            let f = try EngineFixture(folder: folder)
            let e = offered(f)
            f.presenter.onAction?(CoachTag.daily, "skip")
            #expect(try records(f).map(\.outcome) == [.shown, .skipped])
            #expect(f.request(e, .status).status?.daily == nil)
        }
    }

    @Test func aSnoozeHidesItAndItComesBack() throws {
        try withTemporaryFolder { folder in
            let f = try EngineFixture(folder: folder)
            let e = offered(f)
            let answer = f.request(e, .snooze(seconds: 600))
            #expect(answer.ok, "\(answer)")
            let snoozed = try #require(answer.status?.daily)
            #expect(snoozed.snoozedUntil == f.clock.moment.wall.components.seconds + 600)
            #expect(snoozed.snoozesLeft == 2)
            #expect(f.presenter.closes.contains(CoachTag.daily))
            #expect(answer.status?.today.due == 1)
            let before = dailyShows(f)
            f.clock.advance(.seconds(601))
            e.dispatch(.tick)  // what the engine's wake timer does when the snooze ends
            #expect(dailyShows(f) == before + 1)
            let status = try #require(f.request(e, .status).status)
            #expect(status.daily?.snoozedUntil == nil)
            #expect(status.today.due == 1, "one daily routine, still")
            #expect(try records(f).map(\.outcome) == [.shown, .snoozed, .shown])
        }
    }

    @Test func doneAnswersItAsTheBreakItIs() throws {
        try withTemporaryFolder { folder in
            let f = try EngineFixture(folder: folder)
            let e = offered(f)
            let answer = f.request(e, .done)
            #expect(answer.message?.hasPrefix("daily routine done") == true, "\(answer)")
            #expect(answer.status?.today.done == 1 && answer.status?.today.due == 1)
            #expect(try records(f).last?.early != true)
            #expect(answer.status?.daily == nil)
        }
    }

    @Test func itsGuidedRoutineDoneToTheEndAnswersIt() throws {
        try withTemporaryFolder { folder in
            let f = try EngineFixture(folder: folder)
            let e = offered(f)
            let start = f.request(e, .start(routine: nil))
            #expect(start.status?.guide?.routine == "daily-upper-back-standing", "\(start)")
            while f.request(e, .status).status?.guide != nil {
                _ = f.request(e, .next)
            }
            let status = try #require(f.request(e, .status).status)
            #expect(status.daily == nil)
            #expect(status.today.due == 1 && status.today.done == 1, "\(status.today)")
            let done = try #require(try records(f).last)
            #expect(done.outcome == .done && done.routine == "daily-upper-back-standing" && done.early != true)
        }
    }

    @Test func withoutAServerItIsUnshownWaitsAndShowsWhenOneAppears() throws {
        try withTemporaryFolder { folder in
            let f = try EngineFixture(folder: folder)
            f.presenter.available = false
            let local = f.clock.now().local
            f.clock.advance(.seconds(((8 * 3600 - local.secondOfDay) + 86_400) % 86_400))
            var coach = CoachSettings()
            coach.daily.enabled = true
            coach.daily.at = 8 * 60
            let e = f.engine(settings: DaemonSettings(coach: coach))
            e.start()
            f.loop.run(for: .milliseconds(50))
            f.presenter.answer()
            let unshown = try #require(try records(f).last)
            #expect(unshown.outcome == .unshown && unshown.reason == "no-server")
            #expect(unshown.routine == "daily-upper-back-standing")
            #expect(f.request(e, .status).status?.today.due == 1)
            // Other events do not send it again while no server is there.
            e.dispatch(.tick)
            #expect(e.coach.daily == .waitingForServer, "no show sent while waiting for a server")
            #expect(try records(f).count == 1)
            // A server appears: shown, recorded late, once.
            f.presenter.available = true
            f.presenter.onServerChanged?(true)
            f.presenter.answer()
            #expect(dailyShows(f) == 1)
            let late = try #require(try records(f).last)
            #expect(late.outcome == .reshown && late.reason == "late" && late.routine == "daily-upper-back-standing")
            #expect(f.request(e, .status).status?.today.due == 1, "still one daily routine due")
            // It leaves and comes back: shown again, nothing new in the history.
            f.presenter.onServerChanged?(false)
            f.presenter.onServerChanged?(true)
            f.presenter.answer()
            #expect(dailyShows(f) == 2)
            #expect(try records(f).count == 2)
        }
    }

    @Test func standingBlocksAreInTheStatus() throws {
        try withTemporaryFolder { folder in
            let f = try EngineFixture(folder: folder)
            let local = f.clock.now().local
            f.clock.advance(.seconds(((9 * 3600 - local.secondOfDay) + 86_400) % 86_400))  // 09:00
            var coach = CoachSettings()
            coach.sitStand.enabled = true  // at 10:30 and 15:00
            let e = f.engine(settings: DaemonSettings(coach: coach))
            e.start()
            f.loop.run(for: .milliseconds(20))
            let before = try #require(f.request(e, .status).status?.standing)
            #expect(before.until == nil)
            #expect(before.next == f.clock.moment.wall.components.seconds + 90 * 60)
            // 10:30: a block of 15 minutes starts.
            f.clock.advance(.seconds(90 * 60))
            e.dispatch(.tick)
            f.loop.run(for: .milliseconds(20))
            let during = try #require(f.request(e, .status).status?.standing)
            #expect(during.until == f.clock.moment.wall.components.seconds + 15 * 60)
            #expect(during.next == f.clock.moment.wall.components.seconds + 270 * 60)  // 15:00
            // 'Not now' ends it.
            f.presenter.onAction?(CoachTag.sitStand, "skip")
            #expect(f.request(e, .status).status?.standing?.until == nil)
        }
    }

    @Test func withoutTheSitStandReminderThereIsNoStandingLine() throws {
        try withTemporaryFolder { folder in
            let f = try EngineFixture(folder: folder)
            let e = f.engine()
            e.start()
            #expect(f.request(e, .status).status?.standing == nil)
        }
    }
}

/// The sound of a timed step's end and of the routine's end.
@Suite(.serialized) struct GuideSoundTests {
    func guideShows(_ f: EngineFixture) -> [NotificationContent] {
        f.presenter.shows.filter { $0.tag == CoachTag.guide }.map(\.content)
    }

    func walk(sound: Bool) throws -> [NotificationContent] {
        var shows: [NotificationContent] = []
        try withTemporaryFolder { folder in
            let f = try EngineFixture(folder: folder)
            f.clock.realScale = 10_000  // a 30 s hold ends in 3 ms
            var settings = DaemonSettings()
            settings.sound = sound
            let e = f.engine(settings: settings)
            e.start()
            // Doorway opener: four timed holds (each side, two sets), then counted rotations.
            #expect(f.request(e, .start(routine: "doorway-opener")).ok)
            #expect(f.loop.run(until: { self.guideShows(f).count == 5 }, timeout: .seconds(2)))
            _ = f.request(e, .next)  // the counted step, done by the user
            shows = guideShows(f)
        }
        return shows
    }

    @Test func aTimedStepsEndAndTheRoutinesEndMakeASound() throws {
        let shows = try walk(sound: true)
        #expect(shows.count == 6)
        // The first step is shown on request: no sound. The next four follow a hold that
        // ended by itself; the last is the end of the routine.
        #expect(shows.map(\.sound) == [nil, "complete", "complete", "complete", "complete", "complete"])
        #expect(shows.last?.summary.hasPrefix("Done: ") == true)
    }

    @Test func soundFalseKeepsThemQuiet() throws {
        let shows = try walk(sound: false)
        #expect(shows.count == 6)
        #expect(shows.allSatisfy { $0.sound == nil })
    }
}
