import Glibc
import JSON
import LimberCore
@testable import LimberFiles
import LimberStats
import Testing
@testable import limber
import LimberTestSupport

/// Runs `body` with TZ set to `zone` (the C library's zone for this process), then restores it.
/// Only the suite below changes TZ, and it runs its tests one at a time.
func withTZ<T>(_ zone: String, _ body: () throws -> T) rethrows -> T {
    let old = getenv("TZ").map { String(cString: $0) }
    setenv("TZ", zone, 1)
    tzset()
    defer {
        if let old { setenv("TZ", old, 1) } else { unsetenv("TZ") }
        tzset()
    }
    return try body()
}

/// Seconds since 1970 of a UTC "YYYY-MM-DD HH:MM:SS".
func utc(_ text: String) -> Int64 {
    let p = text.split(whereSeparator: { $0 == " " || $0 == "-" || $0 == ":" }).map { Int($0)! }
    return LocalDate(year: p[0], month: p[1], day: p[2]).daysSinceEpoch * 86_400 + Int64(p[3] * 3600 + p[4] * 60 + p[5])
}

func event(_ outcome: String, at seconds: Int64, n: Int) -> HistoryEvent {
    HistoryEvent(id: HistoryEntry.makeID(ts: seconds * 1000, random: UInt128(n)), host: "desk", outcome: outcome,
                 ts: seconds * 1000)
}

@Suite(.serialized) struct TimeZoneTests {
    @Test func berlinSpringForwardDay() {
        withTZ("Europe/Berlin") {
            var zone = SystemTimeZone()
            // Local midnight of Sunday 2026-03-29 is 23:00 UTC the day before (still CET, +1).
            #expect(zone.local(utc("2026-03-28 22:59:59")).date == LocalDate(year: 2026, month: 3, day: 28))
            #expect(zone.local(utc("2026-03-28 23:00:00")).date == LocalDate(year: 2026, month: 3, day: 29))
            // At 01:00 UTC clocks jump from 02:00 to 03:00: the day has 23 hours.
            #expect(zone.local(utc("2026-03-29 00:59:59")).clockText == "01:59")
            #expect(zone.local(utc("2026-03-29 01:00:00")).clockText == "03:00")
            #expect(zone.startOfDay(LocalDate(year: 2026, month: 3, day: 30)) - zone.startOfDay(LocalDate(year: 2026, month: 3, day: 29))
                    == 23 * 3600)
            // Local midnight of the 30th is 22:00 UTC (CEST, +2).
            #expect(zone.local(utc("2026-03-29 21:59:59")).date == LocalDate(year: 2026, month: 3, day: 29))
            #expect(zone.local(utc("2026-03-29 22:00:00")).date == LocalDate(year: 2026, month: 3, day: 30))
        }
    }

    @Test func berlinFallBackDay() {
        withTZ("Europe/Berlin") {
            var zone = SystemTimeZone()
            // 2026-10-25: at 01:00 UTC clocks go back from 03:00 to 02:00: 02:30 happens twice.
            #expect(zone.local(utc("2026-10-25 00:30:00")).clockText == "02:30")
            #expect(zone.local(utc("2026-10-25 01:30:00")).clockText == "02:30")
            #expect(zone.startOfDay(LocalDate(year: 2026, month: 10, day: 26)) - zone.startOfDay(LocalDate(year: 2026, month: 10, day: 25))
                    == 25 * 3600)
            #expect(zone.local(utc("2026-10-24 21:59:59")).date == LocalDate(year: 2026, month: 10, day: 24))
            #expect(zone.local(utc("2026-10-24 22:00:00")).date == LocalDate(year: 2026, month: 10, day: 25))
            #expect(zone.local(utc("2026-10-25 22:59:59")).date == LocalDate(year: 2026, month: 10, day: 25))
            #expect(zone.local(utc("2026-10-25 23:00:00")).date == LocalDate(year: 2026, month: 10, day: 26))
        }
    }

    @Test func statsAcrossBothChangesCountLocalDaysAndHours() {
        withTZ("Europe/Berlin") {
            var zone = SystemTimeZone()
            var n = 0
            func e(_ outcome: String, _ when: String) -> HistoryEvent {
                n += 1
                return event(outcome, at: utc(when), n: n)
            }
            let history = [
                // 23:30 local on the 28th, and 00:30 local on the 29th (both CET)
                e("shown", "2026-03-28 22:30:00"), e("done", "2026-03-28 22:31:00"),
                e("shown", "2026-03-28 23:30:00"), e("skipped", "2026-03-28 23:31:00"),
                // 23:30 local on the 29th is 21:30 UTC (CEST)
                e("shown", "2026-03-29 21:30:00"), e("done", "2026-03-29 21:31:00"),
                // the doubled hour of 2026-10-25: both skips at local hour 2
                e("shown", "2026-10-25 00:30:00"), e("skipped", "2026-10-25 00:31:00"),
                e("shown", "2026-10-25 01:30:00"), e("skipped", "2026-10-25 01:31:00"),
                // 23:30 local on the 25th is 22:30 UTC (CET again)
                e("shown", "2026-10-25 22:30:00"), e("done", "2026-10-25 22:31:00"),
            ]
            let events = HistoryData.statsEvents(history, zone: &zone)
            let march = BreakStats.compute(events.filter { $0.local.date.month == 3 },
                                           today: LocalDate(year: 2026, month: 3, day: 30), dayCount: 3, goal: 0.8)
            #expect(march.days.map(\.due) == [1, 2, 0])
            #expect(march.days.map(\.done) == [1, 1, 0])
            #expect(march.skippedByHour[0] == 1)
            let october = BreakStats.compute(events.filter { $0.local.date.month == 10 },
                                             today: LocalDate(year: 2026, month: 10, day: 25), dayCount: 1, goal: 0.8)
            #expect(october.days.map(\.due) == [3])
            #expect(october.skippedByHour[2] == 2)
            #expect(october.skippedByHour.reduce(0, +) == 2)
        }
    }

    @Test func theHourCacheAgreesWithLocaltimeEverywhere() {
        // Lord Howe Island moves its clocks by 30 minutes at 02:00 local, which is half past a
        // UTC hour: the cache must fall back to asking for every event in that hour.
        for name in ["Australia/Lord_Howe", "Europe/Berlin", "America/St_Johns", "UTC"] {
            withTZ(name) {
                var zone = SystemTimeZone()
                for start in [utc("2026-04-04 14:00:00"), utc("2026-10-03 14:00:00"), utc("2026-03-29 00:00:00"),
                              utc("2026-10-25 00:00:00"), utc("2026-11-01 02:00:00")] {
                    for s in stride(from: start, to: start + 4 * 3600, by: 60) {
                        #expect(zone.utcOffset(s) == SystemTimeZone.offset(s), "\(name) at \(s)")
                    }
                }
            }
        }
    }

    @Test func sinceMeansFromLocalMidnight() {
        withTZ("Europe/Berlin") {
            let zone = SystemTimeZone()
            #expect(zone.startOfDay(LocalDate(year: 2026, month: 7, day: 1)) == utc("2026-06-30 22:00:00"))
            #expect(zone.startOfDay(LocalDate(year: 2026, month: 1, day: 1)) == utc("2025-12-31 23:00:00"))
        }
    }

    @Test func aJournalEntryCarriesTheLocalOffsetOfItsTime() throws {
        try withTZ("Europe/Berlin") {
            let summer = Journal.entry(level: 3, phase: .after, note: nil, ts: utc("2026-07-01 10:00:00") * 1000, host: "desk")
            #expect(summer.at == "2026-07-01T12:00:00+02:00")
            let winter = Journal.entry(level: 3, phase: nil, note: nil, ts: utc("2026-01-01 10:00:00") * 1000, host: "desk")
            #expect(winter.at == "2026-01-01T11:00:00+01:00")
            // The reader stores canonical times compactly and gives them back unchanged.
            let e = try HistoryEvent.parse(JSON.encode(summer)).get()
            #expect(e.at == summer.at)
        }
    }
}

@Suite struct TerminalTests {
    @Test func widthComesFromTheTerminalThenCOLUMNSThen80() {
        #expect(TerminalInfo.decide(.auto, environment: ["COLUMNS": "120"], isTerminal: true, terminalWidth: 100).width == 100)
        #expect(TerminalInfo.decide(.auto, environment: ["COLUMNS": "120"], isTerminal: false, terminalWidth: nil).width == 120)
        #expect(TerminalInfo.decide(.auto, environment: ["COLUMNS": "wide"], isTerminal: false, terminalWidth: nil).width == 80)
        #expect(TerminalInfo.decide(.auto, environment: [:], isTerminal: false, terminalWidth: nil).width == 80)
        #expect(TerminalInfo.decide(.auto, environment: ["COLUMNS": "10"], isTerminal: false, terminalWidth: nil).width == 40)
        #expect(TerminalInfo.decide(.auto, environment: [:], isTerminal: true, terminalWidth: 900).width == 200)
    }

    @Test func colourOnlyOnATerminalAndNeverWithNO_COLOR() {
        func color(_ c: ColorChoice, _ env: [String: String], tty: Bool) -> Bool {
            TerminalInfo.decide(c, environment: env, isTerminal: tty, terminalWidth: nil).color
        }
        #expect(color(.auto, [:], tty: true))
        #expect(!color(.auto, [:], tty: false))
        #expect(!color(.auto, ["NO_COLOR": "1"], tty: true))
        #expect(color(.auto, ["NO_COLOR": ""], tty: true), "an empty NO_COLOR does not count")
        #expect(!color(.auto, ["TERM": "dumb"], tty: true))
        #expect(color(.always, [:], tty: false))
        #expect(color(.always, ["TERM": "dumb"], tty: false))
        #expect(!color(.always, ["NO_COLOR": "yes"], tty: true))
        #expect(!color(.never, [:], tty: true))
    }
}

@Suite struct HistoryExportTests {
    let full = HistoryEvent(id: "0192aaaabbbbccccddddeeeeffff0000", host: "desk", outcome: "pain", ts: 1_795_000_000_123,
                            at: "2026-11-18T12:06:40+01:00", level: 4, phase: "after", note: "a, \"b\"\nc")
    let bare = HistoryEvent(id: "x", host: "laptop", outcome: "snoozed", ts: -5, kind: "posture", prompt: 9, seconds: 300)

    @Test func jsonEventsHaveEveryKeyInOrder() throws {
        let text = HistoryExport.eventJSON(bare)
        #expect(text == #"{"at":null,"early":false,"host":"laptop","id":"x","kind":"posture","level":null,"note":null,"#
                + #""outcome":"snoozed","phase":null,"prompt":9,"reason":null,"routine":null,"seconds":300,"show":null,"ts":-5,"#
                + #""until_ts":null,"v":1}"#)
        let withNote = HistoryExport.eventJSON(full)
        #expect(withNote.contains(#""note":"a, \"b\"\nc""#))
        #expect(withNote.contains(#""at":"2026-11-18T12:06:40+01:00""#))
        // What it writes, the reader reads back as the same event.
        #expect(try HistoryEvent.parse(Array(withNote.utf8)).get() == full)
        #expect(try HistoryEvent.parse(Array(text.utf8)).get() == bare)
    }

    @Test func aGuidedRoutineKeepsItsIDThroughEveryFormat() throws {
        let done = HistoryEvent(id: "y", host: "desk", outcome: "done", ts: 1, kind: "routine", reason: "guided",
                                routine: "desk-reset")
        let json = HistoryExport.eventJSON(done)
        #expect(json.contains(#""routine":"desk-reset""#))
        #expect(try HistoryEvent.parse(Array(json.utf8)).get() == done)
        var csv: [UInt8] = []
        HistoryExport.csvRow(done, into: &csv)
        #expect(String(decoding: csv, as: UTF8.self).contains(",guided,desk-reset,"))
        #expect(HistoryExport.describe(done) == "routine done (desk-reset, guided)")
    }

    @Test func jsonStringsEscapeControlCharacters() {
        #expect(HistoryExport.jsonString("tab\tbell\u{07}/é") == #""tab\tbell\u0007/é""#)
    }

    @Test func csvHasAHeaderAndQuotesWhatNeedsIt() {
        var out: [UInt8] = []
        HistoryExport.csvRow(full, into: &out)
        HistoryExport.csvRow(bare, into: &out)
        #expect(HistoryExport.fields.joined(separator: ",")
                == "id,host,at,ts,outcome,kind,prompt,show,early,seconds,until_ts,reason,routine,level,phase,note")
        #expect(String(decoding: out, as: UTF8.self) == """
            0192aaaabbbbccccddddeeeeffff0000,desk,2026-11-18T12:06:40+01:00,1795000000123,pain,,,,false,,,,,4,after,"a, ""b""
            c"\r
            x,laptop,,-5,snoozed,posture,9,,false,300,,,,,,\r

            """)
        #expect(HistoryExport.csvField("plain") == "plain")
        #expect(HistoryExport.csvField("a,b") == "\"a,b\"")
    }

    @Test func whatTheNotificationServerDidInWords() {
        #expect(HistoryExport.describe(HistoryEvent(id: "y", host: "h", outcome: "unshown", ts: 0, kind: "posture",
                                                    reason: "timeout")) == "posture check due, not shown (timeout)")
        #expect(HistoryExport.describe(HistoryEvent(id: "y", host: "h", outcome: "reshown", ts: 0, kind: "posture",
                                                    reason: "late")) == "posture check shown (late)")
        // The daily routine's lines carry the server's reason in place of "daily"; the
        // routine id says which they are.
        #expect(HistoryExport.describe(HistoryEvent(id: "y", host: "h", outcome: "unshown", ts: 0, kind: "routine",
                                                    reason: "no-server", routine: "daily-x"))
                == "daily routine offered, not shown (no-server) (daily-x)")
        #expect(HistoryExport.describe(HistoryEvent(id: "y", host: "h", outcome: "reshown", ts: 0, kind: "routine",
                                                    reason: "late", routine: "daily-x"))
                == "daily routine shown (late) (daily-x)")
        var counts = DayCounts()
        for o in ["unshown", "reshown", "done"] { counts.count(Outcome(rawValue: o)!, early: false) }
        #expect(counts.due == 1 && counts.done == 1, "a reminder first unshown counts as due once")
    }

    @Test func eventsInWords() {
        #expect(HistoryExport.describe(full) == "pain 4/10 after the routine: a, \"b\" c")
        #expect(HistoryExport.describe(bare) == "posture check snoozed for 5 min")
        #expect(HistoryExport.describe(HistoryEvent(id: "y", host: "h", outcome: "done", ts: 0, kind: "routine", early: true))
                == "routine done early")
        #expect(HistoryExport.describe(HistoryEvent(id: "y", host: "h", outcome: "natural-break", ts: 0, seconds: 720))
                == "natural break (12 min away)")
        #expect(HistoryExport.describe(HistoryEvent(id: "y", host: "h", outcome: "natural-break", ts: 0, seconds: 360,
                                                    reason: "lock,x11_idle"))
                == "natural break (6 min away: lock, x11_idle)")
        #expect(HistoryExport.describe(HistoryEvent(id: "y", host: "h", outcome: "levitated", ts: 0)) == "levitated")
    }

    @Test func sinceDates() {
        let today = LocalDate(year: 2026, month: 3, day: 1)
        #expect(History.sinceDate("today", today: today) == today)
        #expect(History.sinceDate("yesterday", today: today) == LocalDate(year: 2026, month: 2, day: 28))
        #expect(History.sinceDate("2024-02-29", today: today) == LocalDate(year: 2024, month: 2, day: 29))
        for bad in ["2026-02-30", "2026-13-01", "26-03-01", "2026-3-1", "last week", ""] {
            #expect(History.sinceDate(bad, today: today) == nil, "\(bad)")
        }
    }
}

@Suite struct JournalTests {
    @Test func anEntryGoesToThisHostsFileAndReadsBack() throws {
        let scratch = try TemporaryFolder(prefix: "limber-journal-test")
        defer { withExtendedLifetime(scratch) {} }
        let folder = scratch.path
        let entry = Journal.entry(level: 7, phase: .before, note: "  stiff neck \n", ts: 1_795_000_000_000, host: "desk")
        try Journal.append(entry, directory: folder)
        try Journal.append(Journal.entry(level: 2, phase: nil, note: "   ", ts: 1_795_000_060_000, host: "desk"),
                           directory: folder)
        let loaded = try HistoryStore.load(directory: folder)
        #expect(loaded.files == ["history-desk.jsonl"])
        #expect(loaded.events.count == 2)
        let e = loaded.events[0]
        #expect(e.v == 1)
        #expect(e.id == entry.id)
        #expect(e.id.utf8.count == 32)
        #expect(e.host == "desk")
        #expect(e.outcome == "pain")
        #expect(e.level == 7)
        #expect(e.phase == "before")
        #expect(e.note == "stiff neck")
        #expect(loaded.events[1].note == nil, "a blank note is no note")
        #expect(Journal.confirmation(entry) == "Noted pain 7 of 10 before the routine. 'limber stats pain' shows the last two weeks.")
    }
}

@Suite struct StatsJSONTests {
    /// The keys of every object in `json`, by path, e.g. "days[].met_goal".
    func keys(_ json: String) throws -> Set<String> {
        struct AnyJSON: Decodable {
            var paths: Set<String> = []
            init(from decoder: Decoder) throws {
                if let object = try? decoder.container(keyedBy: Key.self) {
                    for key in object.allKeys {
                        paths.insert(key.stringValue)
                        let child = try object.decode(AnyJSON.self, forKey: key)
                        paths.formUnion(child.paths.map { key.stringValue + ($0.hasPrefix("[]") ? "" : ".") + $0 })
                    }
                } else if var array = try? decoder.unkeyedContainer() {
                    while !array.isAtEnd {
                        let child = try array.decode(AnyJSON.self)
                        paths.formUnion(child.paths.map { "[]." + $0 })
                    }
                }
            }
        }
        struct Key: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }
        return try JSON.decode(AnyJSON.self, from: Array(json.utf8)).paths
    }

    @Test func statsJSONHasEveryKeyWithAndWithoutHistory() throws {
        let today = LocalDate(year: 2026, month: 3, day: 10)
        let empty = BreakStats.compute([], today: today, dayCount: 2, goal: 0.8)
        let busy = BreakStats.compute([
            StatsEvent(outcome: "shown", local: LocalTime(date: today, secondOfDay: 36_000)),
            StatsEvent(outcome: "done", local: LocalTime(date: today, secondOfDay: 36_060)),
        ], today: today, dayCount: 2, goal: 0.8)
        let loaded = HistoryStore.Loaded(events: [], files: [], duplicates: 0, warnings: [])
        let a = try keys(jsonLine(BreakStatsJSON(empty, loaded: loaded, warnings: [])))
        let b = try keys(jsonLine(BreakStatsJSON(busy, loaded: loaded, warnings: ["x"])))
        #expect(a == b)
        for key in ["schema", "from", "to", "goal", "days", "days[].date", "days[].weekday", "days[].due", "days[].done",
                    "days[].snoozed", "days[].skipped", "days[].missed", "days[].natural_breaks",
                    "days[].adherence", "days[].met_goal", "totals.adherence", "totals.natural_breaks", "streak.current",
                    "streak.best", "skipped_by_hour", "missed_by_hour", "history.events", "history.first_day",
                    "history.days_of_use", "history.files", "history.duplicates_dropped", "review", "warnings"] {
            #expect(a.contains(key), "\(key) missing from \(a.sorted())")
        }
        let text = jsonLine(BreakStatsJSON(busy, loaded: loaded, warnings: []))
        #expect(text.contains(#""adherence":1,"date":"2026-03-10","done":1,"due":1,"met_goal":true"#))
        // The range starts on the first day of history, not the day before it.
        #expect(!text.contains(#""date":"2026-03-09""#))
        #expect(text.contains(#""from":"2026-03-10""#))
        #expect(text.hasPrefix(#"{"days":["#))
    }

    @Test func painJSONHasEveryKey() throws {
        let today = LocalDate(year: 2026, month: 3, day: 10)
        let s = PainStats.compute([StatsEvent(outcome: "pain", local: LocalTime(date: today, secondOfDay: 0), level: 3,
                                              phase: .after)], today: today)
        let k = try keys(jsonLine(PainStatsJSON(s, warnings: [])))
        let empty = try keys(jsonLine(PainStatsJSON(PainStats.compute([], today: today), warnings: [])))
        #expect(k == empty)
        for key in ["schema", "from", "to", "days[].date", "days[].weekday", "days[].levels", "days[].average",
                    "days[].before", "days[].after", "entries", "average", "before_average", "after_average",
                    "first_week_average", "second_week_average", "summary", "warnings"] {
            #expect(k.contains(key), "\(key) missing from \(k.sorted())")
        }
        let text = jsonLine(PainStatsJSON(s, warnings: []))
        #expect(text.contains(#""after_average":3,"average":3,"before_average":null,"days":["#))
        #expect(text.contains(#""summary":"Average pain 3.0 in the second week; nothing noted in the first week.""#))
    }
}
