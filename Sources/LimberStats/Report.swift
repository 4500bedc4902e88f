import LimberCore

/// `limber stats` and `limber stats pain` as text for a terminal of a given width.
public enum StatsReport {
    /// The narrowest layout drawn; narrower terminals wrap it.
    public static let minimumWidth = 40
    /// From this width on, every count has its own column.
    public static let fullLayoutWidth = 76

    // MARK: Breaks

    /// The breaks report: a row per day with a done-of-due bar, the streaks, and when in the
    /// day reminders are skipped or missed.
    public static func breaks(_ s: BreakStats, width: Int, palette p: Palette = .plain) -> String {
        let w = max(minimumWidth, width)
        var lines: [String] = []
        let extra = p.enabled ? 8 : 0  // the bold codes of the title
        if s.days.count == 1 {
            lines += wrap(p.bold("Breaks today") + " (\(longDate(s.today)))", width: w, visibleExtra: extra)
        } else {
            lines += wrap(p.bold("Breaks, last \(s.days.count) days") + " (\(longDate(s.from)) to \(longDate(s.today)))",
                          width: w, visibleExtra: extra)
        }
        lines.append("")
        let full = w >= fullLayoutWidth
        // Columns before the bar, and after it: "  " bar " " 4-wide percent " " mark.
        let fixed = (full ? 55 : 18) + 2 + 1 + 4 + 2
        let barWidth = w - fixed
        if full {
            lines.append(p.dim("           due  done  snoozed  skipped  missed  natural  done of due"))
        } else {
            lines.append(p.dim("          done/due  done of due"))
        }
        func row(_ label: String, _ d: DayStats) -> String {
            var line = Layout.left(label, 9)
            if full {
                line += Layout.right(String(d.due), 5) + Layout.right(String(d.done), 6)
                    + Layout.right(String(d.snoozed), 9) + Layout.right(String(d.skipped), 9)
                    + Layout.right(String(d.missed), 8) + Layout.right(String(d.naturalBreaks), 9)
                line = Layout.left(line, 55)
            } else {
                line += Layout.right("\(d.done)/\(d.due)", 9)
                line = Layout.left(line, 18)
            }
            line += "  "
            guard let a = d.adherence else {
                return line + String(repeating: " ", count: barWidth) + " " + Layout.right("–", 4)
            }
            let met = d.meets(goal: s.goal) == true
            let bar = Blocks.bar(a, width: barWidth)
            line += (met ? p.green(bar) : p.yellow(bar)) + String(repeating: " ", count: barWidth - bar.count)
            line += " " + Layout.right(percent(a), 4)
            if met { line += " " + p.green("✓") }
            return line
        }
        for d in s.days {
            lines.append(row(shortDate(d.date), d))
        }
        if s.days.count > 1 {
            lines.append(row("Total", s.totals))
        }
        lines.append("")
        var summary: String
        if let a = s.totals.adherence {
            summary = "Done \(s.totals.done) of \(s.totals.due) due (\(percent(a))); "
        } else {
            summary = "Nothing came due in these days; "
        }
        // The ✓ is the chart's legend: on its own after the goal it read as "goal met".
        summary += "goal \(percent(s.goal)) a day; ✓ marks a day that met it."
        lines += wrap(summary, width: w, visibleExtra: 0)
        lines += wrap("Streak: \(days(s.currentStreak)), best \(days(s.bestStreak)).", width: w, visibleExtra: 0)
        if s.totals.naturalBreaks > 0 {
            lines += wrap("Natural breaks: \(s.totals.naturalBreaks) (away from the desk long enough to count as one).",
                          width: w, visibleExtra: 0)
        }
        if s.totals.held > 0 {
            let n = s.totals.held
            lines += wrap("Held: \(n) reminder\(n == 1 ? "" : "s") waited \(formatDuration(.seconds(s.totals.heldSeconds))) in all "
                          + "for do not disturb, a call, a presentation or a pause in typing (never counted missed).",
                          width: w, visibleExtra: 0)
        }
        lines.append("")
        lines += hourChart(s, width: w, palette: p)
        if let review = s.review {
            lines.append("")
            lines += wrap(p.bold("Review:") + " " + review.message, width: w, visibleExtra: p.enabled ? 8 : 0)
        }
        return Layout.trimmed(lines)
    }

    static func hourChart(_ s: BreakStats, width: Int, palette p: Palette) -> [String] {
        let counts = zip(s.skippedByHour, s.missedByHour).map { $0 + $1 }
        let total = counts.reduce(0, +)
        guard total > 0 else {
            return wrap("Skipped or missed by hour: none in these days.", width: width, visibleExtra: 0)
        }
        let top = counts.max() ?? 0
        let peak = counts.firstIndex(of: top) ?? 0
        let label = String(top)
        let columnWidth = min(3, max(1, (width - label.count - 3) / 24))
        var lines = wrap("Skipped or missed by hour of day (most often \(clock(peak))-\(clock(peak + 1)): \(top) of \(total))",
                         width: width, visibleExtra: 0)
        let rows = Blocks.columns(counts, rows: 4, columnWidth: columnWidth)
        for (i, r) in rows.enumerated() {
            let y = i == 0 ? label : String(repeating: " ", count: label.count)
            var cells = Substring(r)
            while cells.last == " " { cells = cells.dropLast() }  // so no colour code ends in spaces
            lines.append(y + " │" + p.yellow(String(cells)))
        }
        let pad = String(repeating: " ", count: label.count)
        lines.append(pad + " └" + String(repeating: "─", count: 24 * columnWidth))
        var axis = Array(repeating: Character(" "), count: 24 * columnWidth + 2)
        for hour in stride(from: 0, to: 24, by: 6) {
            for (k, c) in String(hour).enumerated() where hour * columnWidth + k < axis.count {
                axis[hour * columnWidth + k] = c
            }
        }
        lines.append(pad + "  " + String(axis))
        return lines
    }

    // MARK: Pain

    /// The pain journal: a row per day of the last two weeks, the before- and after-routine
    /// averages, and one sentence comparing the two weeks.
    public static func pain(_ s: PainStats, width: Int, palette p: Palette = .plain) -> String {
        let w = max(minimumWidth, width)
        var lines: [String] = []
        let first = s.days.first?.date ?? s.today
        lines += wrap(p.bold("Pain journal, last \(s.days.count) days") + " (\(longDate(first)) to \(longDate(s.today)))",
                      width: w, visibleExtra: p.enabled ? 8 : 0)
        lines.append("")
        if s.levels.isEmpty {
            lines += wrap("Nothing noted yet. The guidance is to note your pain for two weeks, before and after "
                          + "the routine, to see whether it helps: 'limber journal 5 --before', then "
                          + "'limber journal 3 --after'.", width: w, visibleExtra: 0)
            return Layout.trimmed(lines)
        }
        let barWidth = w - 32
        let legend = "  (0 none, 10 worst)"
        lines.append(p.dim("           avg  before  after" + (w >= 30 + legend.count ? legend : "")))
        for d in s.days {
            var line = Layout.left(shortDate(d.date), 9)
            line += Layout.right(d.average.map(fixed1) ?? "–", 6) + Layout.right(d.before.map(fixed1) ?? "–", 8)
                + Layout.right(d.after.map(fixed1) ?? "–", 7)
            if let a = d.average {
                let bar = Blocks.bar(a / 10, width: barWidth)
                line += "  " + (a < 3.5 ? p.green(bar) : a < 6.5 ? p.yellow(bar) : p.red(bar))
            }
            lines.append(line)
        }
        lines.append("")
        let notes = { (n: Int) in n == 1 ? "1 note" : "\(n) notes" }
        let beforeCount = s.days.reduce(0) { $0 + $1.beforeLevels.count }
        let afterCount = s.days.reduce(0) { $0 + $1.afterLevels.count }
        switch (s.beforeAverage, s.afterAverage) {
        case let (b?, a?):
            lines += wrap("Before the routine \(fixed1(b)) on average (\(notes(beforeCount))), after it \(fixed1(a)) "
                          + "(\(notes(afterCount))).", width: w, visibleExtra: 0)
        case let (b?, nil):
            lines += wrap("Before the routine \(fixed1(b)) on average (\(notes(beforeCount))); nothing noted after it.",
                          width: w, visibleExtra: 0)
        case let (nil, a?):
            lines += wrap("After the routine \(fixed1(a)) on average (\(notes(afterCount))); nothing noted before it.",
                          width: w, visibleExtra: 0)
        case (nil, nil):
            lines += wrap("No level was marked --before or --after the routine.", width: w, visibleExtra: 0)
        }
        lines += wrap(s.summary, width: w, visibleExtra: 0)
        return Layout.trimmed(lines)
    }

    // MARK: Pieces

    /// "Mon 03-16".
    static func shortDate(_ d: LocalDate) -> String {
        "\(d.weekday.shortName) \(two(d.month))-\(two(d.day))"
    }

    /// "Mon 2026-03-16".
    static func longDate(_ d: LocalDate) -> String { "\(d.weekday.shortName) \(d)" }

    static func clock(_ hour: Int) -> String { "\(two(hour)):00" }

    static func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }

    static func days(_ n: Int) -> String { n == 1 ? "1 day" : "\(n) days" }

    /// Words wrapped to `width` columns; `visibleExtra` is how many characters of the first
    /// line are invisible colour codes.
    static func wrap(_ text: String, width: Int, visibleExtra: Int) -> [String] {
        var lines: [String] = []
        var line = ""
        var extra = visibleExtra
        for word in text.split(separator: " ", omittingEmptySubsequences: true) {
            if !line.isEmpty, line.count - extra + 1 + word.count > width {
                lines.append(line)
                line = ""
                extra = 0
            }
            line += (line.isEmpty ? "" : " ") + word
        }
        if !line.isEmpty { lines.append(line) }
        return lines
    }
}
