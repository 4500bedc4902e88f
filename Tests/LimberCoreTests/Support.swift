@testable import LimberCore

/// An explicit clock for scripted tests: monotonic, boottime and wall move together unless a
/// test says otherwise (suspend moves boottime and wall only).
struct TestClock {
    var monotonic: Duration = .seconds(10_000)
    var boottime: Duration = .seconds(10_000)
    /// Monday 2026-11-23 09:00:00 in CET (UTC+1).
    var wall: Duration = .seconds(LocalDate(year: 2026, month: 11, day: 23).daysSinceEpoch * 86_400 + 8 * 3600)
    var offset = 3600

    var now: Moment { Moment(monotonic: monotonic, boottime: boottime, wall: wall, utcOffsetSeconds: offset) }

    mutating func advance(_ d: Duration) {
        monotonic += d
        boottime += d
        wall += d
    }

    mutating func suspend(_ d: Duration) {
        boottime += d
        wall += d
    }

    /// Sets the local wall time on the current date, moving all clocks by the same amount.
    mutating func setLocal(hour: Int, minute: Int = 0) {
        let t = now.local
        advance(.seconds(hour * 3600 + minute * 60 - t.secondOfDay))
    }
}

extension Duration {
    static func minutes(_ m: Int) -> Duration { .seconds(m * 60) }
}

/// What the notification server does with each show, as the engine reports it back.
enum ServerBehaviour {
    /// Answers at once with an id: the engine sends `.notificationShown`.
    case answers
    /// There is none: the engine sends `.notificationFailed(..., "no-server")`.
    case absent
    /// Takes the call and says nothing yet: no event follows (a test sends it).
    case silent
}

/// A scheduler with a clock and a log of everything it did, for scripted tables.
struct Harness {
    var clock = TestClock()
    var scheduler: Scheduler
    var effects: [Effect] = []
    var replies: [Reply?] = []
    /// What happens to each `.show` effect, as the engine would report it.
    var server = ServerBehaviour.answers

    init(settings: ScheduleSettings = .defaults, seed: UInt64 = 42) {
        scheduler = Scheduler(settings: settings, seed: seed, at: clock.now)
    }

    @discardableResult
    mutating func send(_ e: Event) -> Transition {
        let t = scheduler.handle(e, at: clock.now)
        replies.append(t.reply)
        serve(t.effects)
        return t
    }

    /// Logs effects and answers their shows as `server` does (no reply is logged for those).
    private mutating func serve(_ new: [Effect]) {
        effects += new
        for case .show(let p) in new {
            switch server {
            case .answers: serve(scheduler.handle(.notificationShown(promptID: p.id, show: p.show), at: clock.now).effects)
            case .absent:
                serve(scheduler.handle(.notificationFailed(promptID: p.id, show: p.show, reason: "no-server"),
                                       at: clock.now).effects)
            case .silent: break
            }
        }
    }

    /// Advances in steps the way the engine would: to each wake time (capped at `step`).
    mutating func run(for total: Duration, step: Duration = .seconds(60)) {
        var left = total
        while left > .zero {
            var d = min(step, left)
            if let w = scheduler.nextWake(at: clock.now), w > .zero { d = min(d, w) }
            clock.advance(d)
            left -= d
            send(.tick)
        }
    }

    var shows: [Prompt] {
        effects.compactMap { if case .show(let p) = $0 { return p } else { return nil } }
    }

    var records: [HistoryRecord] {
        effects.compactMap { if case .record(let r) = $0 { return r } else { return nil } }
    }

    var outcomes: [Outcome] { records.map(\.outcome) }

    var withdrawn: [UInt64] {
        effects.compactMap { if case .withdraw(let id) = $0 { return id } else { return nil } }
    }

    var status: ScheduleStatus { scheduler.status(at: clock.now) }

    func next(_ kind: ReminderKind) -> ScheduleStatus.Next {
        status.next.first { $0.kind == kind }!
    }

    mutating func clear() {
        effects = []
        replies = []
    }
}
