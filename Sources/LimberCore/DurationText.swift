/// Durations as people write them in the CLI and the config: `90s`, `5m`, `1h30m`, `2h`.
public enum DurationText {
    /// What a valid duration looks like, for error messages.
    public static let expectation = "a duration like \"30m\", \"90s\" or \"1h30m\""

    /// Parses `[Nh][Nm][Ns]` (at least one part, in that order, whole numbers); nil otherwise.
    public static func parse(_ text: String) -> Duration? {
        var total: Int64 = 0
        var number: Int64? = nil
        var lastUnit = 0  // 0 none, 1 h, 2 m, 3 s: units must come in order, each once
        var sawUnit = false
        for scalar in text.unicodeScalars {
            switch scalar {
            case "0"..."9":
                let digit = Int64(scalar.value - 48)
                let (m, o1) = (number ?? 0).multipliedReportingOverflow(by: 10)
                let (n, o2) = m.addingReportingOverflow(digit)
                guard !o1, !o2, n <= 10_000_000 else { return nil }  // over 115 days is a typo
                number = n
            case "h", "m", "s":
                let unit: Int = scalar == "h" ? 1 : scalar == "m" ? 2 : 3
                guard let n = number, unit > lastUnit else { return nil }
                total += n * (unit == 1 ? 3600 : unit == 2 ? 60 : 1)
                lastUnit = unit
                number = nil
                sawUnit = true
            default:
                return nil
            }
        }
        guard sawUnit, number == nil else { return nil }
        return .seconds(total)
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
