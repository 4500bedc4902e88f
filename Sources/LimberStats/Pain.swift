import LimberCore

/// One local day of the pain journal.
public struct PainDay: Sendable, Equatable {
    public var date: LocalDate
    /// Every level noted that day, in order.
    public var levels: [Int] = []
    public var beforeLevels: [Int] = []
    public var afterLevels: [Int] = []

    public init(date: LocalDate) { self.date = date }

    /// The average of the day's levels; nil on a day with none.
    public var average: Double? { mean(levels) }
    /// The average of the levels noted before the routine.
    public var before: Double? { mean(beforeLevels) }
    /// The average of the levels noted after the routine.
    public var after: Double? { mean(afterLevels) }
}

/// The pain journal over the last two weeks: what the guidance asks you to keep.
public struct PainStats: Sendable, Equatable {
    /// The last day of the range (today).
    public var today: LocalDate
    /// Every day of the range, oldest first.
    public var days: [PainDay]

    /// How many days the journal covers by default: two weeks, as the guidance suggests.
    public static let defaultDays = 14

    /// Every level of the range.
    public var levels: [Int] { days.flatMap(\.levels) }
    /// The average of every level of the range.
    public var average: Double? { mean(levels) }
    /// The average of the levels noted before the routine.
    public var beforeAverage: Double? { mean(days.flatMap(\.beforeLevels)) }
    /// The average of the levels noted after the routine.
    public var afterAverage: Double? { mean(days.flatMap(\.afterLevels)) }
    /// The older half of the range (the first week of two).
    public var firstHalf: ArraySlice<PainDay> { days[..<(days.count / 2)] }
    /// The newer half of the range (the second week of two).
    public var secondHalf: ArraySlice<PainDay> { days[(days.count / 2)...] }
    /// The average of the levels noted in the first half.
    public var firstHalfAverage: Double? { mean(firstHalf.flatMap(\.levels)) }
    /// The average of the levels noted in the second half.
    public var secondHalfAverage: Double? { mean(secondHalf.flatMap(\.levels)) }

    /// The journal entries (`pain` events, oldest first) of the `dayCount` days ending today.
    public static func compute(_ events: [StatsEvent], today: LocalDate, dayCount: Int = defaultDays) -> PainStats {
        let count = max(2, dayCount)
        let first = today.daysSinceEpoch - Int64(count - 1)
        var days = (first...today.daysSinceEpoch).map { PainDay(date: LocalDate(daysSinceEpoch: $0)) }
        for e in events where e.outcome == Outcome.pain.rawValue {
            guard let level = e.level else { continue }
            let d = e.local.date.daysSinceEpoch
            guard d >= first, d <= today.daysSinceEpoch else { continue }
            let index = Int(d - first)
            days[index].levels.append(level)
            switch e.phase {
            case .before?: days[index].beforeLevels.append(level)
            case .after?: days[index].afterLevels.append(level)
            case nil: break
            }
        }
        return PainStats(today: today, days: days)
    }

    /// One plain sentence on how the two halves compare, e.g. "Average pain 5.2 in the first
    /// week, 3.4 in the second."
    public var summary: String {
        let half = days.count / 2
        let weeks = days.count == 14
        let firstName = weeks ? "the first week" : "the first \(half) days"
        let secondName = weeks ? "the second" : "the last \(days.count - half)"
        let lastName = weeks ? "the second week" : "the last \(days.count - half) days"
        switch (firstHalfAverage, secondHalfAverage) {
        case let (a?, b?):
            let change = rounded1(b) - rounded1(a)
            let trend = abs(change) < 0.05 ? "no change" : change < 0 ? "down \(fixed1(-change))" : "up \(fixed1(change))"
            return "Average pain \(fixed1(a)) in \(firstName), \(fixed1(b)) in \(secondName) (\(trend))."
        case let (a?, nil):
            return "Average pain \(fixed1(a)) in \(firstName); nothing noted in \(lastName)."
        case let (nil, b?):
            return "Average pain \(fixed1(b)) in \(lastName); nothing noted in \(firstName)."
        case (nil, nil):
            return "No pain noted in the last \(days.count) days."
        }
    }
}

func mean(_ values: [Int]) -> Double? {
    values.isEmpty ? nil : Double(values.reduce(0, +)) / Double(values.count)
}

/// Rounds to one decimal, halves away from zero (4.25 -> 4.3).
func rounded1(_ x: Double) -> Double {
    (x * 10).rounded(.toNearestOrAwayFromZero) / 10
}

/// A number with one decimal, e.g. "5.2"; no Foundation formatter needed.
public func fixed1(_ x: Double) -> String {
    let tenths = Int((x * 10).rounded(.toNearestOrAwayFromZero))
    let sign = tenths < 0 ? "-" : ""
    let a = abs(tenths)
    return "\(sign)\(a / 10).\(a % 10)"
}

/// A fraction as a whole percentage, e.g. 0.834 -> "83%".
public func percent(_ x: Double) -> String {
    "\(Int((x * 100).rounded(.toNearestOrAwayFromZero)))%"
}
