/// A span of a day, `start` inclusive to `end` exclusive, in seconds since local midnight.
public struct DaySpan: Sendable, Hashable, Codable, CustomStringConvertible {
    public var start: Int
    /// At most 86400 (24:00).
    public var end: Int

    public init(start: Int, end: Int) {
        self.start = start
        self.end = end
    }

    /// `09:00-17:30`.
    public var description: String {
        "\(pad(start / 3600, 2)):\(pad(start / 60 % 60, 2))-\(pad(end / 3600, 2)):\(pad(end / 60 % 60, 2))"
    }
}

/// When reminders run: spans per weekday; a day with no spans has none.
public struct WorkHours: Sendable, Equatable {
    /// Spans per weekday, each list sorted and non-overlapping (LimberConfig checks this).
    public var days: [Weekday: [DaySpan]]

    public init(days: [Weekday: [DaySpan]]) {
        self.days = days.mapValues { $0.sorted { $0.start < $1.start } }
    }

    /// Every day, all day: the default.
    public static let always = WorkHours(days: Dictionary(uniqueKeysWithValues:
        Weekday.allCases.map { ($0, [DaySpan(start: 0, end: 86_400)]) }))

    /// True when every moment of the week is inside work hours.
    public var isAlways: Bool { weekSpans == [0..<Self.week] }

    static let week = 7 * 86_400

    /// Work time as merged ranges of seconds since Monday 00:00.
    var weekSpans: [Range<Int>] {
        var raw: [Range<Int>] = []
        for (day, spans) in days {
            let base = (day.rawValue - 1) * 86_400
            for s in spans where s.end > s.start {
                raw.append((base + max(0, s.start))..<(base + min(86_400, s.end)))
            }
        }
        raw.sort { $0.lowerBound < $1.lowerBound }
        var merged: [Range<Int>] = []
        for r in raw {
            if let last = merged.last, r.lowerBound <= last.upperBound {
                merged[merged.count - 1] = last.lowerBound..<max(last.upperBound, r.upperBound)
            } else {
                merged.append(r)
            }
        }
        return merged
    }

    static func secondOfWeek(_ t: LocalTime) -> Int { (t.weekday.rawValue - 1) * 86_400 + t.secondOfDay }

    /// Whether `t` is inside work hours.
    public func contains(_ t: LocalTime) -> Bool {
        let s = Self.secondOfWeek(t)
        return weekSpans.contains { $0.contains(s) }
    }

    /// The seconds of the week where work hours start or end; nil when they never change.
    private var changePoints: [Int]? {
        let spans = weekSpans
        if spans.isEmpty || spans == [0..<Self.week] { return nil }
        var points = spans.flatMap { [$0.lowerBound, $0.upperBound] }
        // A span ending at the end of Sunday and one starting Monday 00:00 join: no change there.
        if spans.first?.lowerBound == 0, spans.last?.upperBound == Self.week {
            points.removeAll { $0 == 0 || $0 == Self.week }
        }
        return points
    }

    /// Seconds from `t` until it next goes in or out of work hours; nil when that never happens.
    public func secondsUntilChange(from t: LocalTime) -> Int? {
        guard let points = changePoints else { return nil }
        let s = Self.secondOfWeek(t)
        return points.map { b in
            let d = (b - s) % Self.week
            return d <= 0 ? d + Self.week : d
        }.min()
    }

    /// Seconds since `t` last went in or out of work hours; nil when that never happens.
    public func secondsSinceChange(at t: LocalTime) -> Int? {
        guard let points = changePoints else { return nil }
        let s = Self.secondOfWeek(t)
        return points.map { b in ((s - b) % Self.week + Self.week) % Self.week }.min()
    }
}
