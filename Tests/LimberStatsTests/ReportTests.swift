import LimberCore
@testable import LimberStats
import Testing

/// Two weeks ending Sunday 2026-03-15 with skips in the afternoon and a natural break.
func twoWeeksOfBreaks() -> [StatsEvent] {
    var events: [StatsEvent] = []
    let plan: [(String, Int, Int)] = [
        ("2026-03-02", 10, 9), ("2026-03-03", 10, 8), ("2026-03-04", 8, 5), ("2026-03-05", 10, 10),
        ("2026-03-06", 6, 6), ("2026-03-09", 12, 10), ("2026-03-10", 10, 7), ("2026-03-11", 9, 9),
        ("2026-03-12", 10, 8), ("2026-03-13", 4, 1),
    ]
    for (d, due, done) in plan { events += day(d, due: due, done: done) }
    events += [ev("shown", "2026-03-12 15:10"), ev("missed", "2026-03-12 15:25"),
               ev(naturalBreakOutcome, "2026-03-11 12:30"), ev("snoozed", "2026-03-10 10:31")]  // one of the ten, snoozed first: still one due
    return events
}

@Suite struct ReportTests {
    let stats = BreakStats.compute(twoWeeksOfBreaks(), today: date("2026-03-15"), dayCount: 14, goal: 0.8)

    @Test func breaksAt80Columns() {
        let text = StatsReport.breaks(stats, width: 80)
        #expect(text == """
            Breaks, last 14 days (Mon 2026-03-02 to Sun 2026-03-15)

                       due  done  snoozed  skipped  missed  natural  done of due
            Mon 03-02   10     9        0        1       0        0  ██████████████▍   90% ✓
            Tue 03-03   10     8        0        2       0        0  ████████████▊     80% ✓
            Wed 03-04    8     5        0        3       0        0  ██████████        63%
            Thu 03-05   10    10        0        0       0        0  ████████████████ 100% ✓
            Fri 03-06    6     6        0        0       0        0  ████████████████ 100% ✓
            Sat 03-07    0     0        0        0       0        0                      –
            Sun 03-08    0     0        0        0       0        0                      –
            Mon 03-09   12    10        0        2       0        0  █████████████▍    83% ✓
            Tue 03-10   10     7        1        3       0        0  ███████████▎      70%
            Wed 03-11    9     9        0        0       0        1  ████████████████ 100% ✓
            Thu 03-12   11     8        0        2       1        0  ███████████▋      73%
            Fri 03-13    4     1        0        3       0        0  ████              25%
            Sat 03-14    0     0        0        0       0        0                      –
            Sun 03-15    0     0        0        0       0        0                      –
            Total       90    73        1       16       1        1  █████████████     81% ✓

            Done 73 of 90 due (81%); goal 80% a day; ✓ marks a day that met it.
            Streak: 0 days, best 3 days.
            Natural breaks: 1 (away from the desk long enough to count as one).

            Skipped or missed by hour of day (most often 13:00-14:00: 7 of 17)
            7 │                                       ███
              │                                       ███
              │                              ▁▁▁   ▆▆▆███▁▁▁
              │                           ▅▅▅███▅▅▅█████████▅▅▅
              └────────────────────────────────────────────────────────────────────────
               0                 6                 12                18

            """)
    }

    @Test func narrowTerminalsGetTheCompactLayout() {
        let text = StatsReport.breaks(stats, width: 50)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines[3] == "          done/due  done of due")
        #expect(lines[4] == "Mon 03-02     9/10  ████████████████████▊    90% ✓")
        #expect(lines.allSatisfy { $0.count <= 50 })
        for width in [40, 60, 76, 100, 200] {
            let rows = StatsReport.breaks(stats, width: width).split(separator: "\n").filter { $0.hasPrefix("Mon 03-02") }
            #expect(rows.first?.count == width, "the day rows fill \(width) columns")
        }
    }

    @Test func colourOnlyWhenAskedFor() {
        #expect(!StatsReport.breaks(stats, width: 80).contains("\u{1B}["))
        let coloured = StatsReport.breaks(stats, width: 80, palette: Palette(enabled: true))
        #expect(coloured.contains("\u{1B}[32m████████████████\u{1B}[0m 100% \u{1B}[32m✓\u{1B}[0m"))
        #expect(coloured.contains("\u{1B}[33m████\u{1B}[0m"))
        // Without the codes it is the plain text.
        #expect(stripANSI(coloured) == StatsReport.breaks(stats, width: 80))
    }

    @Test func theReviewIsWrappedToTheWidth() {
        let events = day("2026-02-01", due: 2, done: 2) + day("2026-03-01", due: 2, done: 2)
        let s = BreakStats.compute(events, today: date("2026-03-01"), dayCount: 1, goal: 0.8)
        let text = StatsReport.breaks(s, width: 60)
        #expect(text.contains("\nReview: You have kept at it for 4 weeks: time for the review\n"))
        #expect(text.split(separator: "\n").allSatisfy { $0.count <= 60 })
    }

    @Test func painAt80Columns() {
        let s = PainStats.compute(twoWeeksOfPain(), today: date("2026-03-15"))
        #expect(StatsReport.pain(s, width: 80) == """
            Pain journal, last 14 days (Mon 2026-03-02 to Sun 2026-03-15)

                       avg  before  after  (0 none, 10 worst)
            Mon 03-02   5.5     6.0    5.0  ██████████████████████████▍
            Tue 03-03   5.0     6.0    4.0  ████████████████████████
            Wed 03-04     –       –      –
            Thu 03-05   5.0       –      –  ████████████████████████
            Fri 03-06     –       –      –
            Sat 03-07     –       –      –
            Sun 03-08   5.0     5.0      –  ████████████████████████
            Mon 03-09     –       –      –
            Tue 03-10   3.5     4.0    3.0  ████████████████▊
            Wed 03-11     –       –      –
            Thu 03-12   3.0     4.0    2.0  ██████████████▍
            Fri 03-13     –       –      –
            Sat 03-14     –       –      –
            Sun 03-15   4.0       –      –  ███████████████████▎

            Before the routine 5.0 on average (5 notes), after it 3.5 (4 notes).
            Average pain 5.2 in the first week, 3.4 in the second (down 1.8).

            """)
    }

    @Test func anEmptyJournalSaysHowToStartOne() {
        let text = StatsReport.pain(PainStats.compute([], today: date("2026-03-15")), width: 80)
        #expect(text.contains("Nothing noted yet."))
        #expect(text.contains("'limber journal 5 --before'"))
    }

    @Test func blocks() {
        #expect(Blocks.bar(0, width: 10) == "")
        #expect(Blocks.bar(1, width: 10) == String(repeating: "█", count: 10))
        #expect(Blocks.bar(0.5, width: 3) == "█▌")
        #expect(Blocks.bar(0.001, width: 10) == "▏", "a nonzero value shows")
        #expect(Blocks.columns([0, 1, 8, 4], rows: 1, columnWidth: 2) == ["  ▁▁██▄▄"])
        #expect(Blocks.columns([2, 1], rows: 2, columnWidth: 1) == ["█ ", "██"])
    }
}

func stripANSI(_ s: String) -> String {
    var out = ""
    var inEscape = false
    for c in s {
        if inEscape {
            if c == "m" { inEscape = false }
        } else if c == "\u{1B}" {
            inEscape = true
        } else {
            out.append(c)
        }
    }
    return out
}
