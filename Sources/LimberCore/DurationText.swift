/// Durations as people write them in the CLI and the config: `90s`, `5m`, `1h30m`, `2h`.
public enum DurationText {
    /// What a valid duration looks like, for error messages.
    public static let expectation = "a duration like \"30m\", \"90s\" or \"1h30m\""

    /// The longest duration limber reads: 115 days and a bit. Anything longer is a typo.
    public static let longest: Duration = .seconds(10_000_000)

    /// What a duration text turned out to be.
    public enum Reading: Sendable, Equatable {
        case duration(Duration)
        /// Not of the form `[Nh][Nm][Ns]`.
        case malformed
        /// Well formed, but longer than `longest`.
        case tooLong
    }

    /// Reads `[Nh][Nm][Ns]` (at least one part, in that order, whole numbers).
    public static func read(_ text: String) -> Reading {
        var total: Int64 = 0
        var number: Int64? = nil
        var lastUnit = 0  // 0 none, 1 h, 2 m, 3 s: units must come in order, each once
        var sawUnit = false
        var tooLong = false
        for scalar in text.unicodeScalars {
            switch scalar {
            case "0"..."9":
                let digit = Int64(scalar.value - 48)
                let (m, o1) = (number ?? 0).multipliedReportingOverflow(by: 10)
                let (n, o2) = m.addingReportingOverflow(digit)
                // Keep reading the form; a huge number only makes it too long.
                let cap = longest.components.seconds
                if o1 || o2 || n > cap {
                    tooLong = true
                    number = cap + 1
                } else {
                    number = n
                }
            case "h", "m", "s":
                let unit: Int = scalar == "h" ? 1 : scalar == "m" ? 2 : 3
                guard let n = number, unit > lastUnit else { return .malformed }
                total += n * (unit == 1 ? 3600 : unit == 2 ? 60 : 1)
                lastUnit = unit
                number = nil
                sawUnit = true
            default:
                return .malformed
            }
        }
        guard sawUnit, number == nil else { return .malformed }
        return tooLong || total > longest.components.seconds ? .tooLong : .duration(.seconds(total))
    }

    /// The duration `text` reads as, or nil when it is malformed or too long.
    public static func parse(_ text: String) -> Duration? {
        if case .duration(let d) = read(text) { return d }
        return nil
    }

    /// Why `text` is not a duration, for an error message: "'5x' is not a duration like ...".
    public static func problem(_ text: String) -> String? {
        switch read(text) {
        case .duration: return nil
        case .malformed: return "'\(text)' is not \(expectation)"
        case .tooLong: return "'\(text)' is too long: at most \(format(longest)) (115 days)"
        }
    }

    /// The shortest text `parse` reads back as `d` (whole seconds): `1h30m`, `90s` -> `1m30s`.
    public static func format(_ d: Duration) -> String {
        let s = max(0, d.components.seconds)
        if s == 0 { return "0s" }
        var out = ""
        if s >= 3600 { out += "\(s / 3600)h" }
        if s % 3600 >= 60 { out += "\(s % 3600 / 60)m" }
        if s % 60 > 0 { out += "\(s % 60)s" }
        return out
    }
}
