// The exercise catalog: exercises, posture cues and routines, as values. The TOML schema that
// reads them (with file:line:col diagnostics) lives in LimberConfig, next to the config's
// own schema; config/catalog.toml is the built-in content.

/// Where an exercise can be done, from the least to the most demanding place.
public enum Place: String, Sendable, CaseIterable, Codable, Comparable {
    /// Seated on an office chair at the desk.
    case desk
    /// Standing, with a little room around you.
    case standing
    /// Standing with your back to a free stretch of wall.
    case wall
    /// In a doorway.
    case doorway
    /// Lying or kneeling on the floor (a mat helps).
    case floor

    /// How lists name it: "desk", "doorway"...
    public var displayName: String {
        switch self {
        case .desk: "desk (seated)"
        case .standing: "standing"
        case .wall: "wall"
        case .doorway: "doorway"
        case .floor: "floor"
        }
    }

    public static func < (a: Place, b: Place) -> Bool { allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)! }
}

/// What an exercise needs besides your body.
public enum Equipment: String, Sendable, CaseIterable, Codable, Comparable {
    /// Nothing at all.
    case none
    /// A resistance band.
    case band
    /// A tennis or lacrosse ball.
    case ball
    /// A foam roller.
    case roller
    /// Light dumbbells.
    case weights

    /// How lists name it.
    public var displayName: String {
        switch self {
        case .none: "nothing"
        case .band: "resistance band"
        case .ball: "tennis or lacrosse ball"
        case .roller: "foam roller"
        case .weights: "light dumbbells"
        }
    }

    public static func < (a: Equipment, b: Equipment) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// How much of an exercise to do.
public struct Dose: Sendable, Equatable {
    /// What one set consists of.
    public enum Amount: Sendable, Equatable {
        /// A number of repetitions, each optionally held for a few seconds; the user says when
        /// the set is done.
        case reps(Int, holdSeconds: Int?)
        /// One static hold of this many seconds; it times itself.
        case hold(seconds: Int)
        /// Keep moving for this many seconds (rolling, breathing, walking); it times itself.
        case duration(seconds: Int)
    }

    public var amount: Amount
    /// The amount is done on the right side, then on the left.
    public var perSide: Bool
    /// How many times the amount is done.
    public var sets: Int

    /// Creates a dose.
    public init(_ amount: Amount, perSide: Bool = false, sets: Int = 1) {
        self.amount = amount
        self.perSide = perSide
        self.sets = sets
    }

    /// Limits that keep a dose sane (and a typo from becoming a 10-minute hold).
    public enum Limits {
        public static let reps = 1...30
        /// A hold between repetitions ("hold 3 s each").
        public static let repHoldSeconds = 1...10
        public static let holdSeconds = 5...120
        public static let durationSeconds = 10...600
        public static let sets = 1...5
    }

    /// Whether the user answers each set (repetitions) rather than a timer ending it.
    public var isCounted: Bool {
        if case .reps = amount { return true }
        return false
    }

    /// "10 each side, hold 3 s each", "hold 30 s each side, twice", "1 min": the whole dose.
    public var text: String {
        var parts: [String] = []
        switch amount {
        case .reps(let n, let hold):
            parts.append(perSide ? "\(n) each side" : "\(n) times")
            if let hold { parts.append("hold \(hold) s each") }
        case .hold(let s):
            parts.append("hold \(formatSeconds(s))" + (perSide ? " each side" : ""))
        case .duration(let s):
            parts.append(formatSeconds(s) + (perSide ? " each side" : ""))
        }
        if sets > 1 { parts.append(sets == 2 ? "twice" : "\(sets) sets") }
        return parts.joined(separator: ", ")
    }

    /// About how long the dose takes, transitions included.
    public var estimatedSeconds: Int {
        let sides = perSide ? 2 : 1
        let perSet: Int
        switch amount {
        case .reps(let n, let hold): perSet = n * sides * (3 + (hold ?? 0))
        case .hold(let s): perSet = sides * (s + 5)
        case .duration(let s): perSet = sides * s
        }
        return sets * perSet + (sets - 1) * 10
    }
}

/// A routine step's changes to an exercise's usual dose; nil keeps the exercise's own.
public struct DoseOverride: Sendable, Equatable {
    /// Replaces the amount as a whole (reps and their hold, a hold, or a duration).
    public var amount: Dose.Amount?
    public var perSide: Bool?
    public var sets: Int?

    public init(amount: Dose.Amount? = nil, perSide: Bool? = nil, sets: Int? = nil) {
        self.amount = amount
        self.perSide = perSide
        self.sets = sets
    }

    /// True when it changes nothing.
    public var isEmpty: Bool { amount == nil && perSide == nil && sets == nil }

    /// `dose` with these changes.
    public func applied(to dose: Dose) -> Dose {
        Dose(amount ?? dose.amount, perSide: perSide ?? dose.perSide, sets: sets ?? dose.sets)
    }
}

/// One exercise: how to do it, where, with what, how much, why, and what to watch for.
public struct Exercise: Sendable, Equatable, Identifiable {
    /// Lowercase letters, digits and dashes: "doorway-pec-stretch".
    public var id: String
    public var name: String
    /// Any one of these will do; sorted from the least demanding.
    public var places: [Place]
    /// Everything it needs; empty for nothing.
    public var equipment: [Equipment]
    /// How to do it, in order.
    public var steps: [String]
    /// The usual dose.
    public var dose: Dose
    /// Why it helps, in a sentence or two.
    public var why: String
    /// What to watch for.
    public var cautions: [String]

    public init(id: String, name: String, places: [Place], equipment: [Equipment] = [], steps: [String],
                dose: Dose, why: String, cautions: [String] = []) {
        self.id = id
        self.name = name
        self.places = places
        self.equipment = equipment
        self.steps = steps
        self.dose = dose
        self.why = why
        self.cautions = cautions
    }

    /// Whether someone with `setup` can do it.
    public func fits(_ setup: Setup) -> Bool {
        equipment.allSatisfy { $0 == .none || setup.equipment.contains($0) } && places.contains(where: setup.allows)
    }
}

/// One step of a routine: an exercise and, optionally, its dose for this routine.
public struct RoutineStep: Sendable, Equatable {
    public var exercise: String
    public var dose: DoseOverride

    public init(exercise: String, dose: DoseOverride = DoseOverride()) {
        self.exercise = exercise
        self.dose = dose
    }
}

/// A routine: exercises in order, each with its dose.
public struct Routine: Sendable, Equatable, Identifiable {
    /// A short routine offered with the hourly reminders, or the longer daily one.
    public enum Kind: String, Sendable, CaseIterable, Codable {
        /// 1 to 5 minutes: offered in rotation by routine reminders.
        case micro
        /// 10 to 20 minutes, once a day: offered by the optional daily routine.
        case daily

        /// The minutes a routine of this kind may last.
        public var minutes: ClosedRange<Int> { self == .micro ? 1...5 : 10...20 }
    }

    public var id: String
    public var title: String
    public var kind: Kind
    /// The length as written; nil means the estimate from the doses.
    public var minutes: Int?
    /// One line on what it is for.
    public var about: String?
    public var steps: [RoutineStep]

    public init(id: String, title: String, kind: Kind = .micro, minutes: Int? = nil, about: String? = nil,
                steps: [RoutineStep]) {
        self.id = id
        self.title = title
        self.kind = kind
        self.minutes = minutes
        self.about = about
        self.steps = steps
    }
}

/// A one-line posture cue, shown with posture checks in rotation.
public struct Cue: Sendable, Equatable, Identifiable {
    public var id: String
    public var text: String

    public init(id: String, text: String) {
        self.id = id
        self.text = text
    }
}

/// What a user has at hand and where they can move.
public struct Setup: Sendable, Equatable {
    public var equipment: Set<Equipment>
    public var places: Set<Place>

    public init(equipment: Set<Equipment>, places: Set<Place>) {
        self.equipment = equipment
        self.places = places
    }

    /// Whether an exercise done at `place` can be done here: at a wall or in a doorway one
    /// can also stand.
    public func allows(_ place: Place) -> Bool {
        places.contains(place) || (place == .standing && !places.isDisjoint(with: [.wall, .doorway]))
    }

    /// An office worker with nothing: a chair, room to stand, a wall and a door; no floor.
    public static let office = Setup(equipment: [.none], places: [.desk, .standing, .wall, .doorway])
    /// Everything, everywhere.
    public static let everything = Setup(equipment: Set(Equipment.allCases), places: Set(Place.allCases))
}

/// The whole catalog.
public struct Catalog: Sendable, Equatable {
    public var exercises: [Exercise]
    public var routines: [Routine]
    public var cues: [Cue]

    public init(exercises: [Exercise] = [], routines: [Routine] = [], cues: [Cue] = []) {
        self.exercises = exercises
        self.routines = routines
        self.cues = cues
    }

    /// True when it holds nothing.
    public var isEmpty: Bool { exercises.isEmpty && routines.isEmpty && cues.isEmpty }

    public func exercise(_ id: String) -> Exercise? { exercises.first { $0.id == id } }
    public func routine(_ id: String) -> Routine? { routines.first { $0.id == id } }
    public func cue(_ id: String) -> Cue? { cues.first { $0.id == id } }

    /// This catalog with `other`'s entries added: one with an id already here replaces it in
    /// place, a new one is appended.
    public func merged(with other: Catalog) -> Catalog {
        func merge<T: Identifiable>(_ base: [T], _ extra: [T]) -> [T] where T.ID == String {
            var out = base
            for item in extra {
                if let i = out.firstIndex(where: { $0.id == item.id }) {
                    out[i] = item
                } else {
                    out.append(item)
                }
            }
            return out
        }
        return Catalog(exercises: merge(exercises, other.exercises), routines: merge(routines, other.routines),
                       cues: merge(cues, other.cues))
    }

    /// The routine with every step's exercise and final dose; nil when a step names an
    /// exercise that is not in the catalog.
    public func resolve(_ routine: Routine) -> ResolvedRoutine? {
        var steps: [ResolvedRoutine.Step] = []
        for step in routine.steps {
            guard let exercise = exercise(step.exercise) else { return nil }
            steps.append(.init(exercise: exercise, dose: step.dose.applied(to: exercise.dose)))
        }
        return ResolvedRoutine(routine: routine, steps: steps)
    }

    /// Every routine of `kind` that resolves, in catalog order.
    public func resolvedRoutines(_ kind: Routine.Kind? = nil) -> [ResolvedRoutine] {
        routines.filter { kind == nil || $0.kind == kind }.compactMap(resolve)
    }
}

/// A routine with its exercises looked up.
public struct ResolvedRoutine: Sendable, Equatable {
    /// One step: the exercise and the dose to do.
    public struct Step: Sendable, Equatable {
        public var exercise: Exercise
        public var dose: Dose
    }

    public var routine: Routine
    public var steps: [Step]

    public var id: String { routine.id }
    public var title: String { routine.title }

    /// About how long it takes, from the doses, with a little time between exercises.
    public var estimatedSeconds: Int {
        steps.map(\.dose.estimatedSeconds).reduce(0, +) + max(0, steps.count - 1) * 10
    }

    /// The length as written, or the estimate rounded to whole minutes (at least 1).
    public var minutes: Int { routine.minutes ?? max(1, (estimatedSeconds + 30) / 60) }

    /// Where it takes you: the fewest places that cover every exercise, taking the least
    /// demanding one when there is a choice. A wall or a doorway counts as standing.
    public var places: [Place] {
        var chosen: Set<Place> = []
        func covers(_ p: Place) -> Bool {
            chosen.contains(p) || (p == .standing && !chosen.isDisjoint(with: [.wall, .doorway]))
        }
        // Exercises with the fewest options first: they decide.
        for step in steps.sorted(by: { $0.exercise.places.count < $1.exercise.places.count }) {
            let options = step.exercise.places
            if options.contains(where: covers) { continue }
            if let p = options.min() { chosen.insert(p) }
        }
        return chosen.sorted()
    }

    /// Everything it needs; empty for nothing.
    public var equipment: [Equipment] {
        Set(steps.flatMap(\.exercise.equipment)).subtracting([.none]).sorted()
    }

    /// Whether someone with `setup` can do every step.
    public func fits(_ setup: Setup) -> Bool { steps.allSatisfy { $0.exercise.fits(setup) } }

    /// Why someone with `setup` cannot do it: "needs a resistance band", "needs the floor".
    public func unmet(_ setup: Setup) -> [String] {
        var reasons: [String] = []
        let missingGear = equipment.filter { !setup.equipment.contains($0) }
        if !missingGear.isEmpty {
            reasons.append("needs " + missingGear.map(\.displayName).joined(separator: " and "))
        }
        var placeNeeds: Set<Place> = []
        for step in steps where !step.exercise.places.contains(where: setup.allows) {
            if let p = step.exercise.places.min() { placeNeeds.insert(p) }
        }
        if !placeNeeds.isEmpty {
            reasons.append("needs " + placeNeeds.sorted().map { $0 == .floor ? "the floor" : "a \($0.rawValue)" }
                .joined(separator: " and "))
        }
        return reasons
    }
}

/// "30 s", "1 min", "1 min 30 s", "5 min".
public func formatSeconds(_ seconds: Int) -> String {
    if seconds < 60 { return "\(seconds) s" }
    let m = seconds / 60, s = seconds % 60
    return s == 0 ? "\(m) min" : "\(m) min \(s) s"
}
