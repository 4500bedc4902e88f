// Holds: moments the user is at the desk but must not be interrupted (do not disturb, a
// presentation, a call).
//
// A hold is not time away: active time keeps counting, because the user is still sitting.
// While any source holds, a reminder that comes due waits: it is not shown, one on screen is
// not shown again, and nothing is counted missed. When the last hold ends, what waited is
// shown after the grace period. A hold that outlasts a working block (`quietAfter`) shows
// the waiting reminder once, quietly (low urgency, no sound), so a do-not-disturb left on all
// day does not silence every break; it is still never counted missed while the hold lasts.

/// What can hold a reminder; the raw values are the config keys in `[hold]`.
public enum HoldSource: String, Sendable, CaseIterable, Codable, Comparable {
    /// The notification server's `Inhibited` property (KDE Plasma's do not disturb, and others).
    case dndServer = "dnd_server"
    /// GNOME's `org.gnome.desktop.notifications show-banners = false`.
    case gnomeBanners = "gnome_banners"
    /// dunst paused (`dunstctl set-paused true`).
    case dunstPaused = "dunst_paused"
    /// An application holds an idle inhibitor (a presentation, a video, a call).
    case inhibitor
    /// A camera is in use.
    case camera
    /// The user is typing or moving the mouse: a reminder that comes due waits for a short
    /// pause in input (NaturalPause.swift). Not a hold of its own: it names that wait in
    /// status and in the history's held lines.
    case naturalPause = "natural_pause"

    /// How messages name it.
    public var displayName: String {
        switch self {
        case .dndServer: "do not disturb"
        case .gnomeBanners: "do not disturb (GNOME)"
        case .dunstPaused: "dunst paused"
        case .inhibitor: "idle inhibitor"
        case .camera: "camera in use"
        case .naturalPause: "waiting for a pause in typing"
        }
    }

    public static func < (a: HoldSource, b: HoldSource) -> Bool { a.order < b.order }

    private var order: Int { Self.allCases.firstIndex(of: self) ?? 0 }
}

/// Whether one hold source is listened to.
public enum HoldPolicy: String, Sendable, CaseIterable {
    case on
    case off
}

/// How holds are treated.
public struct HoldSettings: Sendable, Equatable {
    public var dndServer: HoldPolicy = .on
    public var gnomeBanners: HoldPolicy = .on
    public var dunstPaused: HoldPolicy = .on
    public var inhibitor: HoldPolicy = .on
    public var camera: HoldPolicy = .on
    /// Whether a reminder that comes due while the user types waits for a pause in input.
    public var naturalPause: HoldPolicy = .on
    /// So long without input is a pause.
    public var naturalPauseLength: Duration = .seconds(10)
    /// The longest a reminder waits for a pause before it is shown anyway.
    public var naturalPauseMax: Duration = .seconds(3 * 60)
    /// A hold longer than this (a working block: 90 minutes by default) shows the waiting
    /// reminder quietly.
    public var quietAfter: Duration = .seconds(90 * 60)

    public init() {}

    public func policy(for source: HoldSource) -> HoldPolicy {
        switch source {
        case .dndServer: dndServer
        case .gnomeBanners: gnomeBanners
        case .dunstPaused: dunstPaused
        case .inhibitor: inhibitor
        case .camera: camera
        case .naturalPause: naturalPause
        }
    }
}

/// One hold, from the first source holding to the last one letting go. Not saved: after a
/// restart the sources report again what holds now.
public struct HoldState: Sendable, Equatable {
    /// Sources holding now.
    public var sources: Set<HoldSource>
    /// Every source that held during this hold.
    public var seen: Set<HoldSource>
    /// When the hold began (monotonic, and wall with its UTC offset).
    public var sinceMonotonic: Duration
    public var sinceWall: Duration
    public var sinceUTCOffset: Int
    /// The reminder that came due (or was on screen) while held, and since when (monotonic).
    public var waiting: ReminderKind?
    public var waitingSince: Duration?
    /// The waiting reminder was shown quietly after `quietAfter`.
    public var quietShown = false
}

extension Scheduler {
    /// A source starts holding reminders.
    mutating func beginHold(_ source: HoldSource, at now: Moment) -> [Effect] {
        // The natural pause is a wait of its own (NaturalPause.swift), never reported as a hold.
        guard source != .naturalPause, settings.hold.policy(for: source) == .on else { return [] }
        if var hold = state.hold {
            hold.sources.insert(source)
            hold.seen.insert(source)
            state.hold = hold
        } else {
            state.hold = HoldState(sources: [source], seen: [source], sinceMonotonic: now.monotonic,
                                   sinceWall: now.wall, sinceUTCOffset: now.utcOffsetSeconds)
        }
        return []
    }

    /// A source lets go; when it was the last, what waited is shown after the grace period.
    mutating func endHold(_ source: HoldSource, at now: Moment) -> [Effect] {
        guard var hold = state.hold, hold.sources.contains(source) else { return [] }
        hold.sources.remove(source)
        state.hold = hold
        return hold.sources.isEmpty ? released(at: now) : []
    }

    /// Sources whose policy is now off no longer hold.
    mutating func reapplyHoldPolicies(at now: Moment) -> [Effect] {
        guard var hold = state.hold else { return [] }
        hold.sources = hold.sources.filter { settings.hold.policy(for: $0) == .on }
        state.hold = hold
        return hold.sources.isEmpty ? released(at: now) : []
    }

    private mutating func released(at now: Moment) -> [Effect] {
        guard let hold = state.hold else { return [] }
        noteWaiting(at: now)
        let waited = state.hold?.waiting
        let waitedSince = state.hold?.waitingSince
        state.hold = nil
        var effects: [Effect] = []
        if let kind = waited, let since = waitedSince {
            // Held time goes in the history: what waited, held by what, for how long.
            var r = HistoryRecord(outcome: .held, kind: kind, promptID: state.prompt?.id, at: now)
            r.length = .seconds(max(.zero, now.monotonic - since).components.seconds)
            r.reason = hold.seen.sorted().map(\.rawValue).joined(separator: ",")
            effects.append(record(r))
        }
        state.graceUntil = max(state.graceUntil ?? .zero, now.monotonic + settings.away.grace)
        if var p = state.prompt, !p.held {
            p.held = true
            p.nextActionAt = now.monotonic + settings.away.grace
            state.prompt = p
        }
        return effects
    }

    /// Notes that a reminder waits under the hold: one on screen, or one that came due.
    private mutating func noteWaiting(at now: Moment) {
        guard var hold = state.hold, hold.waiting == nil else { return }
        let kind: ReminderKind?
        if let p = state.prompt {
            kind = p.kind
        } else if isRunning(at: now), state.routine.isDue || state.posture.isDue {
            kind = state.routine.isDue ? .routine : .posture
        } else {
            kind = nil
        }
        guard let kind else { return }
        hold.waiting = kind
        hold.waitingSince = max(hold.sinceMonotonic, now.monotonic - overdue(kind))
        state.hold = hold
    }

    /// How long ago `kind` came due (zero for a reminder on screen).
    private func overdue(_ kind: ReminderKind) -> Duration {
        guard state.prompt == nil else { return .zero }
        let t = kind == .posture ? state.posture : state.routine
        return max(.zero, t.elapsed - t.interval)
    }

    /// `evaluate` while held: nothing is shown, re-shown or missed, except the one quiet
    /// showing once the hold has lasted `quietAfter`.
    mutating func evaluateHeld(at now: Moment) -> [Effect] {
        noteWaiting(at: now)
        guard var hold = state.hold, let kind = hold.waiting, !hold.quietShown,
              now.monotonic - hold.sinceMonotonic >= settings.hold.quietAfter,
              state.pause == nil, settings.workHours.contains(now.local) else { return [] }
        hold.quietShown = true
        state.hold = hold
        var effects: [Effect]
        if let p = state.prompt {
            effects = [.show(prompt(p, isRepeat: true))]
        } else {
            effects = showNew(kind, at: now)
        }
        return effects.map {
            guard case .show(var p) = $0 else { return $0 }
            p.quiet = true
            return .show(p)
        }
    }

    /// When a held scheduler needs waking: for the quiet showing, no sooner than something
    /// waits. Nil when nothing is held, or the quiet showing is done.
    func holdWake(at now: Moment) -> Duration? {
        guard let hold = state.hold, !hold.quietShown, !state.guiding, isRunning(at: now) else { return nil }
        let quietAt = hold.sinceMonotonic + settings.hold.quietAfter - now.monotonic
        let due = state.prompt != nil ? .zero : min(state.posture.remaining, state.routine.remaining)
        return max(quietAt, due, .zero)
    }
}

extension Scheduler {
    /// What `limber status` says about a hold; nil when nothing holds.
    var holdStatus: ScheduleStatus.Hold? {
        if let wait = state.pauseWait {
            return .init(by: [.naturalPause], since: wait.sinceWall, waiting: wait.kind)
        }
        guard let hold = state.hold else { return nil }
        var waiting = hold.waiting ?? state.prompt?.kind
        if waiting == nil, state.pause == nil, state.away == nil {
            waiting = state.routine.isDue ? .routine : state.posture.isDue ? .posture : nil
        }
        return .init(by: hold.sources.sorted(), since: hold.sinceWall, waiting: waiting)
    }
}
