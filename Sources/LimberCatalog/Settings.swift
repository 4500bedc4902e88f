/// What the configuration says about routines, cues and the optional features.
public struct CoachSettings: Sendable, Equatable {
    /// The optional daily routine.
    public struct Daily: Sendable, Equatable {
        public var enabled = false
        /// Minutes since midnight.
        public var at = 8 * 60
        /// A routine id, or "auto": the first daily routine the equipment allows.
        public var routine = "auto"
        public init() {}
    }

    /// The optional sit/stand reminder.
    public struct SitStand: Sendable, Equatable {
        public var enabled = false
        /// Minutes since midnight at which a standing block starts.
        public var at = [10 * 60 + 30, 15 * 60]
        public var firstBlock: Duration = .seconds(15 * 60)
        public var growBy: Duration = .seconds(5 * 60)
        public var longest: Duration = .seconds(45 * 60)
        public init() {}

        public var plan: SitStandPlan {
            SitStandPlan(firstBlockSeconds: Int(firstBlock.components.seconds),
                         growthPerWeekSeconds: Int(growBy.components.seconds),
                         longestSeconds: Int(longest.components.seconds))
        }
    }

    /// The optional one-time suggestion to step up.
    public struct StepUp: Sendable, Equatable {
        public var enabled = false
        public var afterWeeks = 4
        public var daysPerWeek = 4
        public init() {}

        public var plan: StepUpPlan { StepUpPlan(weeks: afterWeeks, daysPerWeek: daysPerWeek) }
    }

    // Bit masks over allCases: settings exist from the first instant of limberd, and building
    // Sets there costs hashing and generic metadata (resident pages) before anything needs them.
    private var equipmentBits: UInt8 = 0b1
    private var placeBits: UInt8 = 0b01111

    /// What the user has; `.none` alone means only exercises without equipment.
    public var equipment: Set<Equipment> {
        get { Set(Equipment.allCases.enumerated().filter { equipmentBits & (1 << $0.offset) != 0 }.map(\.element)) }
        set { equipmentBits = Self.bits(newValue, of: Equipment.allCases) }
    }

    /// Where the user can move; the default leaves out the floor.
    public var places: Set<Place> {
        get { Set(Place.allCases.enumerated().filter { placeBits & (1 << $0.offset) != 0 }.map(\.element)) }
        set { placeBits = Self.bits(newValue, of: Place.allCases) }
    }

    private static func bits<T: Equatable>(_ set: Set<T>, of all: [T]) -> UInt8 {
        var bits: UInt8 = 0
        for (i, value) in all.enumerated() where set.contains(value) { bits |= 1 << i }
        return bits
    }
    public var daily = Daily()
    public var sitStand = SitStand()
    public var stepUp = StepUp()

    public init() {}

    /// The built-in defaults.
    public static let defaults = CoachSettings()

    public var setup: Setup { Setup(equipment: equipment, places: places) }
}

extension Catalog {
    /// The short routines offered in rotation to someone with `setup`.
    public func rotation(for setup: Setup) -> [ResolvedRoutine] {
        resolvedRoutines(.micro).filter { $0.fits(setup) }
    }

    /// The daily routine for these settings: the one named, or with "auto" the first daily
    /// routine that the user's equipment and places allow; nil when none does (the
    /// office defaults have no floor: a routine lying on it is not offered to them).
    public func dailyRoutine(_ settings: CoachSettings) -> ResolvedRoutine? {
        if settings.daily.routine != "auto" {
            return routine(settings.daily.routine).flatMap(resolve)
        }
        return resolvedRoutines(.daily).first { $0.fits(settings.setup) }
    }
}
