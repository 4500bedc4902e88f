/// One step of a guided routine: a set (or one side of a set) of one exercise.
public struct GuidedStep: Sendable, Equatable {
    /// How the step ends.
    public enum Kind: Sendable, Equatable {
        /// A timer ends it after this many seconds (a hold, or moving for a while).
        case timed(seconds: Int)
        /// The user ends it (Next) after counting repetitions.
        case counted
    }

    public var exerciseID: String
    public var exerciseName: String
    public var kind: Kind
    /// What to do in this step: "right side, hold 30 s", "10 each side, hold 3 s each (set 2 of 3)".
    public var detail: String
    /// How to do the exercise, in order.
    public var how: [String]

    /// Every step of a resolved routine, in order: one per set for repetitions, one per set
    /// and side for holds and durations.
    public static func steps(of routine: ResolvedRoutine) -> [GuidedStep] {
        var out: [GuidedStep] = []
        for step in routine.steps {
            let e = step.exercise, d = step.dose
            func add(_ kind: Kind, _ detail: String, set: Int, how: [String]? = nil) {
                let suffix = d.sets > 1 ? " (set \(set) of \(d.sets))" : ""
                out.append(GuidedStep(exerciseID: e.id, exerciseName: e.name, kind: kind, detail: detail + suffix,
                                      how: how ?? e.steps))
            }
            // A side-by-side exercise is described for the right side and ends with how to
            // change to the left. When each side is a step of its own, the right side's step
            // leaves that last line out (it would tell you to change sides while the timer still
            // runs for the right) and the left side's step says only that.
            let sides: [(label: String, how: [String]?)] = d.perSide
                ? (e.steps.count > 1 ? [("right side, ", Array(e.steps.dropLast())), ("left side, ", [e.steps.last!])]
                                     : [("right side, ", nil), ("left side, ", nil)])
                : [("", nil)]
            for set in 1...max(1, d.sets) {
                switch d.amount {
                case .reps(let n, let hold):
                    var detail = d.perSide ? "\(n) each side" : "\(n) times"
                    if let hold { detail += ", hold \(hold) s each" }
                    add(.counted, detail, set: set)
                case .hold(let s):
                    for side in sides {
                        add(.timed(seconds: s), side.label + "hold " + formatSeconds(s), set: set, how: side.how)
                    }
                case .duration(let s):
                    for side in sides {
                        add(.timed(seconds: s), side.label + formatSeconds(s), set: set, how: side.how)
                    }
                }
            }
        }
        return out
    }
}

/// A guided routine as a state machine: events in, effects out; it never reads a clock.
///
/// Timed steps ask for a timer and advance when it fires; counted steps wait for `next`.
/// `next` also ends a timed step early. Each timer carries a token, so a timer that fires
/// after its step was left (by `next` or `stop`) changes nothing.
public struct Walkthrough: Sendable, Equatable {
    /// Where the walkthrough is.
    public enum Phase: Sendable, Equatable {
        case ready
        /// On the step with this index.
        case running(Int)
        case completed
        case stopped
    }

    /// What happened.
    public enum Event: Sendable, Equatable {
        case begin
        /// The user is done with the step (the Next action, `limber next`).
        case next
        /// The timer with this token ran out.
        case timerFired(token: UInt64)
        /// The user ended the routine (the Stop action, `limber stop`).
        case stop
    }

    /// What the driver must do.
    public enum Effect: Sendable, Equatable {
        /// Show the step with this index (in place of the previous one).
        case show(step: Int)
        /// Call back with `timerFired(token)` after this many seconds.
        case startTimer(seconds: Int, token: UInt64)
        /// Drop the running timer.
        case cancelTimer
        /// Every step was done.
        case completed
        /// Ended before the last step.
        case stopped
    }

    public let routineID: String
    public let title: String
    public let steps: [GuidedStep]
    public private(set) var phase: Phase = .ready
    /// The token of the running timer; 0 before the first.
    public private(set) var token: UInt64 = 0

    public init(routineID: String, title: String, steps: [GuidedStep]) {
        self.routineID = routineID
        self.title = title
        self.steps = steps
    }

    /// A walkthrough of `routine`.
    public init(_ routine: ResolvedRoutine) {
        self.init(routineID: routine.id, title: routine.title, steps: GuidedStep.steps(of: routine))
    }

    /// The index of the current step, while running.
    public var current: Int? {
        if case .running(let i) = phase { return i }
        return nil
    }

    /// True once completed or stopped.
    public var isOver: Bool { phase == .completed || phase == .stopped }

    /// Percent done when step `index` is on screen (steps before it count as done).
    public func progress(at index: Int) -> Int {
        steps.isEmpty ? 100 : index * 100 / steps.count
    }

    /// Handles one event.
    public mutating func handle(_ event: Event) -> [Effect] {
        switch (phase, event) {
        case (.ready, .begin):
            return enter(0)
        case (.ready, .stop):
            phase = .stopped
            return [.stopped]
        case (.running(let i), .next):
            return (isTimed(i) ? [.cancelTimer] : []) + enter(i + 1)
        case (.running(let i), .timerFired(let t)) where t == token && isTimed(i):
            return enter(i + 1)
        case (.running(let i), .stop):
            phase = .stopped
            return (isTimed(i) ? [.cancelTimer] : []) + [.stopped]
        default:
            // Stale timers, a second begin, anything after the end: nothing to do.
            return []
        }
    }

    private func isTimed(_ i: Int) -> Bool {
        if case .timed = steps[i].kind { return true }
        return false
    }

    private mutating func enter(_ i: Int) -> [Effect] {
        guard i < steps.count else {
            phase = .completed
            return [.completed]
        }
        phase = .running(i)
        var effects: [Effect] = [.show(step: i)]
        if case .timed(let seconds) = steps[i].kind {
            token += 1
            effects.append(.startTimer(seconds: seconds, token: token))
        }
        return effects
    }
}
