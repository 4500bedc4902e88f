// Time away from the desk: idle, screen lock and sleep.
//
// Sources report "away" and "back" separately; the user is away from the moment the first
// source goes away until the last one comes back, so overlapping reports (locked, idle and
// then asleep) make one away period and are never counted twice. Away time is measured on
// CLOCK_BOOTTIME, which keeps counting while the machine sleeps.
//
// While away, active time stands still and nothing is shown, re-shown or recorded as missed.
// On return, counted time away of at least `naturalBreak` is a natural break: the posture
// interval restarts (and the routine interval too from `routineBreak` on), and a reminder on
// screen that the break covers is resolved by it. Anything still due is shown after `grace`.

/// Where word of the user's absence comes from; the raw values are the config keys.
public enum AwaySource: String, Sendable, CaseIterable, Codable, Comparable {
    /// logind's IdleHint on the user's session (the desktop sets it after its own idle delay).
    case logindIdle = "logind_idle"
    /// logind's LockedHint: the screen is locked.
    case lock
    /// The machine sleeps: logind's PrepareForSleep, or time CLOCK_BOOTTIME gained over
    /// CLOCK_MONOTONIC between two events.
    case sleep
    /// GNOME's Mutter idle monitor: no input for `AwaySettings.idleThreshold`.
    case mutterIdle = "mutter_idle"
    /// The Wayland compositor's idle protocol (ext-idle-notify-v1 or org_kde_kwin_idle): no
    /// input for `AwaySettings.idleThreshold`.
    case waylandIdle = "wayland_idle"
    /// The X server's SYNC IDLETIME counter: no input for `AwaySettings.idleThreshold`.
    case x11Idle = "x11_idle"
    /// org.freedesktop.ScreenSaver's ActiveChanged (KDE Plasma and other desktops).
    case screensaver

    /// How messages name it: "screen locked", "asleep".
    public var displayName: String {
        switch self {
        case .logindIdle: "idle (logind)"
        case .lock: "screen locked"
        case .sleep: "asleep"
        case .mutterIdle: "idle (Mutter)"
        case .waylandIdle: "idle (Wayland)"
        case .x11Idle: "idle (X11)"
        case .screensaver: "screen saver on"
        }
    }

    public static func < (a: AwaySource, b: AwaySource) -> Bool {
        a.order < b.order
    }

    private var order: Int { Self.allCases.firstIndex(of: self) ?? 0 }
}

/// What time away reported by one source does.
public enum AwayPolicy: String, Sendable, CaseIterable {
    /// Stops active time; long enough, it is a natural break.
    case count
    /// Stops active time; never a break.
    case pause
    /// Not time away: active time runs on.
    case ignore
}

/// How time away is treated.
public struct AwaySettings: Sendable, Equatable {
    /// Counted time away of at least this is a natural break: the posture interval restarts.
    ///
    /// Five minutes, the default: long enough to have stood up and left the desk,
    /// short enough that a coffee or a printer run counts.
    public var naturalBreak: Duration = .seconds(5 * 60)
    /// Counted time away of at least this restarts the routine interval too.
    ///
    /// Fifteen minutes by default. A routine is one to five minutes of movement; time away
    /// is not those exercises, but a quarter of an hour away (lunch, a meeting in another
    /// room, a walk) has broken up the sitting the hourly routine is there to break up, while
    /// five or ten minutes (a phone call, a coffee at the kitchen counter) often have not.
    /// Set it equal to `naturalBreak` to let every natural break count as the routine.
    public var routineBreak: Duration = .seconds(15 * 60)
    /// After the user returns, a reminder that waited is shown this much later, so nothing
    /// pops up the moment they unlock the screen or open the lid.
    public var grace: Duration = .seconds(30)
    /// The input idle sources (Mutter, the Wayland compositor, the X server) report the user
    /// away after this long without input. The away period is dated back to the last input,
    /// so this decides only how soon idleness is noticed, not how long the break is. The
    /// scheduler does not use it; the daemon's presence adapters do.
    public var idleThreshold: Duration = .seconds(2 * 60)

    public var logindIdle: AwayPolicy = .count
    public var lock: AwayPolicy = .count
    public var sleep: AwayPolicy = .count
    public var mutterIdle: AwayPolicy = .count
    public var waylandIdle: AwayPolicy = .count
    public var x11Idle: AwayPolicy = .count
    public var screensaver: AwayPolicy = .count

    public init() {}

    /// The policy for one source.
    public func policy(for source: AwaySource) -> AwayPolicy {
        switch source {
        case .logindIdle: logindIdle
        case .lock: lock
        case .sleep: sleep
        case .mutterIdle: mutterIdle
        case .waylandIdle: waylandIdle
        case .x11Idle: x11Idle
        case .screensaver: screensaver
        }
    }
}

/// One period of absence, from the first source going away to the last one returning.
public struct AwayState: Sendable, Equatable {
    /// Sources that report the user away now (policy `count` or `pause`).
    public var sources: Set<AwaySource>
    /// Every source that reported away during this period.
    public var seen: Set<AwaySource>
    /// When the period began (boot time; dated back by idle thresholds).
    public var sinceBoot: Duration
    /// The same moment as wall time, with the UTC offset then.
    public var sinceWall: Duration
    public var sinceUTCOffset: Int
    /// Time away already counted, in runs of `count` sources that have ended.
    public var counted: Duration = .zero
    /// Boot time the current run of `count` sources began; nil when none is away.
    public var countingSince: Duration?
    /// Boot time the last counted run ended: a later run never counts time before it again.
    public var countedUntil: Duration?
}

extension Scheduler {
    /// The smallest growth of (boottime − monotonic) taken as sleep: the two clocks only part
    /// while suspended, so anything above rounding is real.
    static let minimumSleep: Duration = .seconds(1)

    /// A source reports the user away since `idleFor` ago.
    mutating func beginAway(_ source: AwaySource, idleFor: Duration, at now: Moment,
                            uncredit: Bool = true) -> [Effect] {
        let policy = settings.away.policy(for: source)
        guard policy != .ignore, state.away?.sources.contains(source) != true else { return [] }
        // Dated back to when the source says the user left, but never before the last sign
        // that they were here (a return, an answer, the daemon's start).
        let since = max(state.presentSinceBoot, now.boottime - max(.zero, idleFor))
        let back = now.boottime - since
        if var away = state.away {
            if since < away.sinceBoot {
                if uncredit { takeBack(away.sinceBoot - since, endingAt: away.sinceWall, offset: away.sinceUTCOffset) }
                away.sinceWall -= away.sinceBoot - since
                away.sinceBoot = since
            }
            away.sources.insert(source)
            away.seen.insert(source)
            if policy == .count {
                // A run of counted time starts with its earliest source, but never repeats
                // time an earlier run already counted.
                let start = max(since, away.countedUntil ?? since)
                away.countingSince = min(away.countingSince ?? start, start)
            }
            state.away = away
        } else {
            if uncredit { takeBack(back, endingAt: now.wall, offset: now.utcOffsetSeconds) }
            state.away = AwayState(sources: [source], seen: [source], sinceBoot: since, sinceWall: now.wall - back,
                                   sinceUTCOffset: now.utcOffsetSeconds,
                                   countingSince: policy == .count ? since : nil)
        }
        return []
    }

    /// A source reports the user back; when it was the last one, the away period ends.
    mutating func endAway(_ source: AwaySource, at now: Moment) -> [Effect] {
        guard var away = state.away, away.sources.contains(source) else { return [] }
        away.sources.remove(source)
        recount(&away, at: now)
        state.away = away
        return away.sources.isEmpty ? returned(at: now) : []
    }

    /// Opens or closes the run of counted time after the away sources or their policies changed.
    mutating func recount(_ away: inout AwayState, at now: Moment) {
        let counting = away.sources.contains { settings.away.policy(for: $0) == .count }
        if counting, away.countingSince == nil {
            away.countingSince = max(now.boottime, away.countedUntil ?? now.boottime)
        } else if !counting, let start = away.countingSince {
            away.counted += max(.zero, now.boottime - start)
            away.countingSince = nil
            away.countedUntil = now.boottime
        }
    }

    /// The user is back: a long enough absence is a natural break; what waited is shown
    /// after the grace period.
    mutating func returned(at now: Moment) -> [Effect] {
        guard var away = state.away else { return [] }
        recount(&away, at: now)
        state.away = nil
        state.presentSinceBoot = now.boottime
        state.graceUntil = now.monotonic + settings.away.grace
        var effects: [Effect] = []
        let counted = away.counted
        // Time away during a guided routine is the routine itself (stretching away from the
        // keyboard looks idle): it is recorded as the routine, not as a natural break.
        if counted >= settings.away.naturalBreak, !state.guiding {
            let coversRoutine = counted >= settings.away.routineBreak
            restart(coversRoutine ? .routine : .posture)
            var r = HistoryRecord(outcome: .naturalBreak, kind: coversRoutine ? .routine : .posture,
                                  promptID: nil, at: now)
            r.length = .seconds(counted.components.seconds)
            r.reason = away.seen.sorted().map(\.rawValue).joined(separator: ",")
            if let p = state.prompt, p.kind == .posture || coversRoutine {
                // The break is the answer to the reminder that was waiting for it.
                effects += settleUnrecorded(at: now)
                state.prompt = nil
                r.promptID = p.id
                effects.append(.withdraw(promptID: p.id))
            }
            // A night away outside work hours restarts the intervals but is not a break from
            // work worth a line in the history.
            if r.promptID != nil || overlapsWorkHours(away, until: now) {
                effects.append(record(r))
            }
        }
        if var p = state.prompt {
            // Nobody saw it while away (many servers expire it anyway): show it again in
            // place once the grace period is over; its re-show clock starts from there.
            p.nextActionAt = now.monotonic + settings.away.grace
            p.held = true
            state.prompt = p
        }
        return effects
    }

    /// Whether any part of the away period lay inside work hours.
    func overlapsWorkHours(_ away: AwayState, until now: Moment) -> Bool {
        let hours = settings.workHours
        let start = LocalTime(wall: away.sinceWall, utcOffsetSeconds: away.sinceUTCOffset)
        if hours.contains(start) || hours.contains(now.local) { return true }
        guard let change = hours.secondsUntilChange(from: start) else { return false }
        return Duration.seconds(change) < now.wall - away.sinceWall
    }

    /// Takes back active time credited for `d` before `endWall`: the user had already left.
    mutating func takeBack(_ d: Duration, endingAt endWall: Duration, offset: Int) {
        guard d > .zero, state.pause == nil else { return }
        let from = LocalTime(wall: endWall - d, utcOffsetSeconds: offset)
        let to = LocalTime(wall: endWall, utcOffsetSeconds: offset)
        let credited = activeTime(d, from: from, to: to)
        state.posture.elapsed -= min(credited, max(.zero, state.posture.elapsed))
        state.routine.elapsed -= min(credited, max(.zero, state.routine.elapsed))
    }

    /// Sleep the clocks showed between the last event and `now` (`slept`, the growth of
    /// boottime − monotonic) that no source reported: without logind, the only word of a
    /// suspend. It makes an away period that ends now (the machine is awake to see it); when
    /// it is not known when in between the machine slept, it is taken to have slept last.
    mutating func noticeSleep(_ slept: Duration, at now: Moment) -> [Effect] {
        guard slept >= Self.minimumSleep, settings.away.sleep != .ignore,
              state.away?.sources.contains(.sleep) != true else { return [] }
        // Nothing was credited while asleep (monotonic time stood still): nothing to take back.
        var effects = beginAway(.sleep, idleFor: slept, at: now, uncredit: false)
        effects += endAway(.sleep, at: now)
        return effects
    }

    /// Applies new policies to an away period: sources now ignored no longer keep the user away.
    mutating func reapplyPolicies(at now: Moment) -> [Effect] {
        guard var away = state.away else { return [] }
        away.sources = away.sources.filter { settings.away.policy(for: $0) != .ignore }
        recount(&away, at: now)
        state.away = away
        return away.sources.isEmpty ? returned(at: now) : []
    }
}

extension Scheduler {
    /// A guided routine ended while a source still reports the user away: the absence starts
    /// over now, so staying away after the routine can still make a natural break, but the
    /// minutes spent on the routine are not counted a second time.
    mutating func restartAwayAfterGuide(at now: Moment) {
        guard var away = state.away else { return }
        let counting = away.sources.contains { settings.away.policy(for: $0) == .count }
        away.sinceBoot = now.boottime
        away.sinceWall = now.wall
        away.sinceUTCOffset = now.utcOffsetSeconds
        away.counted = .zero
        away.countingSince = counting ? now.boottime : nil
        away.countedUntil = now.boottime
        state.away = away
    }
}
