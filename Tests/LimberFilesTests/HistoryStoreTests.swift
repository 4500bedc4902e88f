import Glibc
import JSON
@testable import LimberCore
@testable import LimberFiles
import Testing
import LimberTestSupport

/// A daemon-shaped line: what `Engine.append` writes for this record.
func daemonLine(_ outcome: Outcome, kind: ReminderKind? = .posture, wall: Int64, offset: Int = 3600,
                id: String, host: String = "desk", prompt: UInt64? = 7, early: Bool = false) throws -> String {
    var r = HistoryRecord(outcome: outcome, kind: kind, promptID: prompt,
                          at: Moment(monotonic: .zero, boottime: .zero, wall: .seconds(wall), utcOffsetSeconds: offset))
    r.early = early
    if outcome == .shown { r.show = 1 }
    return String(decoding: try JSON.encode(HistoryEntry(r, id: id, host: host)), as: UTF8.self)
}

func hexID(_ n: Int, ts: Int64 = 1_795_000_000_000) -> String {
    HistoryEntry.makeID(ts: ts, random: UInt128(n))
}

@Suite struct HistoryLineTests {
    @Test func aDaemonLineReadsBackField_forField() throws {
        var r = HistoryRecord(outcome: .snoozed, kind: .routine, promptID: 42,
                              at: Moment(monotonic: .zero, boottime: .zero, wall: .milliseconds(1_795_000_000_123),
                                         utcOffsetSeconds: -5 * 3600 - 1800))
        r.length = .seconds(300)
        let entry = HistoryEntry(r, id: hexID(1), host: "laptop")
        let e = try HistoryEvent.parse(JSON.encode(entry)).get()
        #expect(e.v == 1)
        #expect(e.id == entry.id)
        #expect(e.host == "laptop")
        #expect(e.outcome == "snoozed")
        #expect(e.kind == "routine")
        #expect(e.prompt == 42)
        #expect(e.ts == 1_795_000_000_123)
        #expect(e.at == entry.at)
        #expect(e.at == "2026-11-18T05:36:40-05:30")
        #expect(e.seconds == 300)
        #expect(e.early == false)
    }

    @Test func aJournalLineReadsBack() throws {
        let entry = HistoryEntry(painLevel: 6, phase: .before, note: "neck \"stiff\"\nand sore ✓", ts: 1_795_000_000_000,
                                 utcOffsetSeconds: 3600, id: hexID(2), host: "desk")
        let e = try HistoryEvent.parse(JSON.encode(entry)).get()
        #expect(e.outcome == "pain")
        #expect(e.level == 6)
        #expect(e.phase == "before")
        #expect(e.note == "neck \"stiff\"\nand sore ✓")
        #expect(e.kind == nil)
    }

    @Test func idsAndTimesLimberDidNotWriteStayAsWritten() throws {
        // Not 32 hex digits, upper case, and an `at` that is not the canonical text for ts.
        for (id, at) in [("abc", "2026-11-18T09:36:40+01:00"), (String(repeating: "A", count: 32), "yesterday"),
                         (hexID(3), "2026-11-18T09:36:41+01:00"), (hexID(4), "2026-02-30T00:00:00+00:00")] {
            let line = #"{"v":1,"id":"\#(id)","host":"h","outcome":"done","ts":1795000000000,"at":"\#(at)"}"#
            let e = try HistoryEvent.parse(Array(line.utf8)).get()
            #expect(e.id == id)
            #expect(e.at == at)
        }
        let noAt = try HistoryEvent.parse(Array(#"{"v":1,"id":"x","host":"h","outcome":"done","ts":5,"at":null}"#.utf8)).get()
        #expect(noAt.at == nil)
    }

    @Test func escapesUnknownKeysAndSpacingAreFine() throws {
        let line = #" { "v" : 1 , "id" : "a\u0062c" , "host":"h\u00e9","outcome":"done","ts":-1500,"#
            + #""note":"\ud83d\ude00 \/ \t","future":{"nested":[1,{"x":"}"}]},"early":true,"prompt":18446744073709551615} "#
        let e = try HistoryEvent.parse(Array(line.utf8)).get()
        #expect(e.id == "abc")
        #expect(e.host == "hé")
        #expect(e.note == "😀 / \t")
        #expect(e.ts == -1500)
        #expect(e.early)
        #expect(e.prompt == UInt64.max)
    }

    @Test func brokenLinesSayWhatIsWrong() {
        let cases: [(String, String)] = [
            ("", "not a JSON object"),
            ("[1]", "not a JSON object"),
            (#"{"id":"x","host":"h","outcome":"done","ts":1}"#, "no schema version 'v'"),
            (#"{"v":1,"host":"h","outcome":"done","ts":1}"#, "no 'id'"),
            (#"{"v":1,"id":"","host":"h","outcome":"done","ts":1}"#, "no 'id'"),
            (#"{"v":1,"id":"x","outcome":"done","ts":1}"#, "no 'host'"),
            (#"{"v":1,"id":"x","host":"h","ts":1}"#, "no 'outcome'"),
            (#"{"v":1,"id":"x","host":"h","outcome":"done"}"#, "no time stamp 'ts'"),
            (#"{"v":1,"id":"x","host":"h","outcome":"done","ts":"1"}"#, "'ts' must be a whole number"),
            (#"{"v":1,"id":7,"host":"h","outcome":"done","ts":1}"#, "'id' must be a string"),
            (#"{"v":1,"id":"x","host":"h","outcome":"done","ts":1,"early":"yes"}"#, "'early' must be true or false"),
            (#"{"v":1,"id":"x","host":"h","outcome":"done","ts":1} x"#, "unexpected text after the object"),
            (#"{"v":1,"id":"x","host":"h","outcome":"done","ts":01}"#, "leading zero"),
        ]
        for (line, reason) in cases {
            let result = HistoryEvent.parse(Array(line.utf8))
            guard case .failure(let e) = result else {
                Issue.record("\(line) parsed")
                continue
            }
            #expect(e.reason.contains(reason), "\(line): \(e.reason)")
        }
    }

    @Test func aCutOffLineIsRecognisedAsOne() {
        let full = #"{"v":1,"id":"x","host":"h","outcome":"done","ts":1}"#
        for cut in [10, 20, 30, full.utf8.count - 1] {
            guard case .failure(let e) = HistoryEvent.parse(Array(full.utf8.prefix(cut))) else {
                Issue.record("a line cut at \(cut) parsed")
                continue
            }
            #expect(e.truncated, "cut at \(cut): \(e.reason)")
        }
        // A complete line that lacks fields is an error too, but not a cut-off one.
        guard case .failure(let missing) = HistoryEvent.parse(Array(#"{"v":1}"#.utf8)) else {
            Issue.record(#"{"v":1} parsed"#)
            return
        }
        #expect(!missing.truncated)
    }

    @Test func aNewerSchemaIsNotMisread() {
        guard case .failure(let e) = HistoryEvent.parse(Array(#"{"v":2,"id":"x","host":"h","outcome":"done","ts":1}"#.utf8)) else {
            Issue.record("a v2 line parsed")
            return
        }
        #expect(e.newerVersion == 2)
    }

    @Test func canonicalTimesRoundTripAcrossYearsAndOffsets() {
        for seconds: Int64 in [0, 951_782_400 /* 2000-02-29 */, 1_774_746_000, 4_102_444_799, -86_401] {
            for offset in [0, 3600, 7200, -12_600, 45_900] {
                let text = HistoryEvent.iso8601(seconds: seconds, offset: offset)
                let bytes = Array(text.utf8)
                let parsed = bytes.withUnsafeBufferPointer { HistoryEvent.offsetIfCanonical($0, seconds: seconds) }
                #expect(parsed.map(Int.init) == offset, "\(text)")
                let wrong = bytes.withUnsafeBufferPointer { HistoryEvent.offsetIfCanonical($0, seconds: seconds + 1) }
                #expect(wrong == nil)
            }
        }
        let local = LocalTime(wall: .seconds(1_795_000_000), utcOffsetSeconds: 3600)
        #expect(HistoryEvent.iso8601(seconds: 1_795_000_000, offset: 3600) == local.iso8601(utcOffsetSeconds: 3600))
    }
}

@Suite struct HistoryStoreTests {
    @Test func oneHostLoadsInOrder() throws {
        try withTemporaryFolder { folder in
            let lines = try (0..<5).map { try daemonLine(.shown, wall: 1_795_000_000 + Int64($0) * 60, id: hexID($0)) }
            writeFile(folder + "/history-desk.jsonl", lines.joined(separator: "\n") + "\n")
            let loaded = try HistoryStore.load(directory: folder)
            #expect(loaded.events.count == 5)
            let expected: [Int64] = (0..<5).map { n -> Int64 in (1_795_000_000 + Int64(n) * 60) * 1000 }
            #expect(loaded.events.map(\.ts) == expected)
            #expect(loaded.warnings.isEmpty)
            #expect(loaded.files == ["history-desk.jsonl"])
        }
    }

    @Test func aMissingFolderIsAnEmptyHistory() throws {
        let loaded = try HistoryStore.load(directory: "/tmp/limber-no-such-folder-\(getpid())")
        #expect(loaded.events.isEmpty)
        #expect(loaded.warnings.isEmpty)
    }

    @Test func aHistoryFileThatCannotBeReadIsAnErrorNotAnEmptyHistory() throws {
        try withTemporaryFolder { folder in
            writeFile(folder + "/history-desk.jsonl", try daemonLine(.done, wall: 1_795_000_000, id: hexID(1)) + "\n")
            #expect(mkdir(folder + "/history-laptop.jsonl", 0o700) == 0)
            let error = try #require(throws: PathError.self) { try HistoryStore.load(directory: folder) }
            #expect(error.path == folder + "/history-laptop.jsonl")
            #expect(error.code == EISDIR)
            #expect(error.message.hasPrefix("cannot read the history file \(folder)/history-laptop.jsonl: Is a directory"))
        }
    }

    @Test func aTornLastLineIsSkippedWithOneWarningAndNothingElseIsLost() throws {
        try withTemporaryFolder { folder in
            let good = try (0..<3).map { try daemonLine(.done, wall: 1_795_000_000 + Int64($0), id: hexID($0)) }
            let torn = String(try daemonLine(.done, wall: 1_795_000_100, id: hexID(9)).prefix(40))
            writeFile(folder + "/history-desk.jsonl", good.joined(separator: "\n") + "\n" + torn)
            let loaded = try HistoryStore.load(directory: folder)
            #expect(loaded.events.count == 3)
            #expect(loaded.warnings.count == 1)
            #expect(loaded.warnings.first?.hasPrefix("history-desk.jsonl:4: the last line is incomplete") == true)
        }
    }

    @Test func aCompleteLastLineWithoutItsNewlineIsKept() throws {
        try withTemporaryFolder { folder in
            writeFile(folder + "/history-desk.jsonl", try daemonLine(.done, wall: 1_795_000_000, id: hexID(1)))
            let loaded = try HistoryStore.load(directory: folder)
            #expect(loaded.events.count == 1)
            #expect(loaded.warnings.isEmpty)
        }
    }

    @Test func damagedLinesAreNamedByFileAndLine() throws {
        try withTemporaryFolder { folder in
            let a = try daemonLine(.shown, wall: 1_795_000_000, id: hexID(1))
            let b = try daemonLine(.done, wall: 1_795_000_010, id: hexID(2))
            let cut = String(try daemonLine(.done, wall: 1_795_000_005, id: hexID(3)).prefix(30))
            let text = [a, "", "not json", cut, #"{"v":9,"id":"z","host":"h","outcome":"done","ts":1}"#, b].joined(separator: "\n") + "\n"
            writeFile(folder + "/history-desk.jsonl", text)
            let loaded = try HistoryStore.load(directory: folder)
            #expect(loaded.events.map(\.outcome) == ["shown", "done"])
            #expect(loaded.warnings == [
                "history-desk.jsonl:3: skipped a line that is not a history event: not a JSON object",
                "history-desk.jsonl:4: skipped an incomplete event (its write was cut short, e.g. by a power cut)",
                "history-desk.jsonl:5: skipped 1 event written by a newer limber (schema version 9); update limber on this machine",
            ])
        }
    }

    @Test func manyDamagedLinesAreCountedAfterTheFirstFew() throws {
        try withTemporaryFolder { folder in
            writeFile(folder + "/history-desk.jsonl", String(repeating: "garbage\n", count: 12))
            let loaded = try HistoryStore.load(directory: folder)
            #expect(loaded.warnings.count == HistoryStore.namedProblemsPerFile + 1)
            #expect(loaded.warnings.last == "history-desk.jsonl: skipped 7 more unreadable lines")
        }
    }

    @Test func twoHostsMergeByTimeAndCopiesAreDroppedOnce() throws {
        try withTemporaryFolder { folder in
            // desk and laptop interleave; a sync tool left a conflict copy of laptop's file
            // and appended one of desk's events to laptop's file as well.
            let desk = try [
                daemonLine(.shown, wall: 1_795_000_000, id: hexID(1, ts: 1_795_000_000_000), host: "desk"),
                daemonLine(.done, wall: 1_795_000_120, id: hexID(2, ts: 1_795_000_120_000), host: "desk"),
            ]
            let laptop = try [
                daemonLine(.shown, wall: 1_795_000_060, id: hexID(3, ts: 1_795_000_060_000), host: "laptop"),
                daemonLine(.skipped, wall: 1_795_000_180, id: hexID(4, ts: 1_795_000_180_000), host: "laptop"),
            ]
            writeFile(folder + "/history-desk.jsonl", desk.joined(separator: "\n") + "\n")
            writeFile(folder + "/history-laptop.jsonl", (laptop + [desk[1]]).joined(separator: "\n") + "\n")
            writeFile(folder + "/history-laptop.sync-conflict-20261118-101010-ABCDEFG.jsonl", laptop.joined(separator: "\n") + "\n")
            writeFile(folder + "/.history-laptop.jsonl.tmp", "ignored: hidden\n")
            writeFile(folder + "/state.json", "{}")
            let loaded = try HistoryStore.load(directory: folder)
            #expect(loaded.files == ["history-desk.jsonl", "history-laptop.jsonl",
                                     "history-laptop.sync-conflict-20261118-101010-ABCDEFG.jsonl"])
            #expect(loaded.events.map(\.host) == ["desk", "laptop", "desk", "laptop"])
            #expect(loaded.events.map(\.outcome) == ["shown", "shown", "done", "skipped"])
            #expect(loaded.duplicates == 3)
            #expect(Set(loaded.events.map(\.id)).count == 4)
            #expect(loaded.warnings.isEmpty)
        }
    }

    @Test func eventsOfTheSameMillisecondKeepTheOrderTheyWereWrittenIn() throws {
        try withTemporaryFolder { folder in
            // limberd resumes the reminders and shows the routine that was waiting in the same
            // millisecond; the random part of the ids orders them the other way round.
            let t: Int64 = 1_795_000_000
            let resumed = try daemonLine(.resumed, kind: nil, wall: t, id: hexID(9, ts: t * 1000), prompt: nil)
            let shown = try daemonLine(.shown, kind: .routine, wall: t, id: hexID(1, ts: t * 1000))
            let done = try daemonLine(.done, kind: .routine, wall: t + 60, id: hexID(5, ts: (t + 60) * 1000))
            writeFile(folder + "/history-desk.jsonl", [resumed, shown, done].joined(separator: "\n") + "\n")
            #expect(try HistoryStore.load(directory: folder).events.map(\.outcome) == ["resumed", "shown", "done"])

            // Merged with another host (which needs sorting) and with a copy of desk's file:
            // ties still in desk's order, the copies of both events of that millisecond dropped.
            let laptop = try daemonLine(.skipped, wall: t - 60, id: hexID(3, ts: (t - 60) * 1000), host: "laptop")
            writeFile(folder + "/history-laptop.jsonl", laptop + "\n")
            writeFile(folder + "/history-desk.sync-conflict-20261118-101010-ABCDEFG.jsonl",
                      [resumed, shown].joined(separator: "\n") + "\n")
            let loaded = try HistoryStore.load(directory: folder)
            #expect(loaded.events.map(\.outcome) == ["skipped", "resumed", "shown", "done"])
            #expect(loaded.duplicates == 2)
        }
    }

    @Test func manyEventsOfOneTimeKeepTheirOrderAndLoseTheirCopies() throws {
        // Not what limberd writes, but a hand-made file may give every line the same time.
        let lines = try (0..<50).map { n in
            try daemonLine(n % 2 == 0 ? .shown : .done, wall: 1_795_000_000, id: hexID(50 - n), prompt: UInt64(n))
        }
        let text = lines.joined(separator: "\n") + "\n"
        let loaded = HistoryStore.merge([("history-a.jsonl", Array(text.utf8)), ("history-b.jsonl", Array(text.utf8))])
        #expect(loaded.events.map(\.prompt) == (0..<50).map { UInt64($0) })
        #expect(loaded.duplicates == 50)
    }

    @Test func historyFileNames() {
        #expect(HistoryStore.isHistoryFileName("history-desk.jsonl"))
        #expect(HistoryStore.isHistoryFileName("history-desk (conflicted copy).jsonl"))
        #expect(!HistoryStore.isHistoryFileName("history-.jsonl"))
        #expect(!HistoryStore.isHistoryFileName(".history-desk.jsonl"))
        #expect(!HistoryStore.isHistoryFileName("history-desk.jsonl.tmp"))
        #expect(!HistoryStore.isHistoryFileName("state.json"))
    }
}

@Suite struct HistoryLogSharingTests {
    @Test func anotherWritersCutOffLineIsClosedBeforeOurNextAppend() throws {
        try withTemporaryFolder { folder in
            let log = try HistoryLog(directory: folder, host: "desk")
            try log.append([Array(try daemonLine(.shown, wall: 1_795_000_000, id: hexID(1)).utf8)], durable: true)
            // Another process (limber journal) was killed halfway through its write.
            let fd = open(log.path, O_WRONLY | O_APPEND)
            _ = Array(#"{"v":1,"id":"half"#.utf8).withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            close(fd)
            try log.append([Array(try daemonLine(.done, wall: 1_795_000_060, id: hexID(2)).utf8)], durable: true)
            let loaded = try HistoryStore.load(directory: folder)
            #expect(loaded.events.map(\.outcome) == ["shown", "done"], "the daemon's line is not glued to the fragment")
            #expect(loaded.warnings.count == 1)
        }
    }

    @Test func theDaemonAndTheJournalAppendWholeLinesConcurrently() throws {
        try withTemporaryFolder { folder in
            // Two writers on one file, as limberd and 'limber journal' are: O_APPEND writes of
            // whole lines never interleave.
            let a = try HistoryLog(directory: folder, host: "desk")
            let b = try HistoryLog(directory: folder, host: "desk")
            for n in 0..<200 {
                let writer = n % 2 == 0 ? a : b
                try writer.append([Array(try daemonLine(.done, wall: 1_795_000_000 + Int64(n), id: hexID(n)).utf8)],
                                  durable: false)
            }
            let loaded = try HistoryStore.load(directory: folder)
            #expect(loaded.events.count == 200)
            #expect(loaded.warnings.isEmpty)
        }
    }

    @Test func openingAHugeHistoryReadsOnlyItsLastByte() throws {
        try withTemporaryFolder { folder in
            // Five years of history is about 20 MB; a 4 GiB sparse file makes reading it all
            // take seconds, so a start-up that reads the history would fail the time limit.
            let path = folder + "/history-desk.jsonl"
            let fd = open(path, O_WRONLY | O_CREAT, 0o600)
            #expect(ftruncate(fd, 4 << 30) == 0)
            _ = pwrite(fd, "\n", 1, (4 << 30) - 1)
            close(fd)
            let clock = ContinuousClock()
            let start = clock.now
            let log = try HistoryLog(directory: folder, host: "desk")
            try log.append([Array(try daemonLine(.done, wall: 1_795_000_000, id: hexID(1)).utf8)], durable: true)
            #expect(clock.now - start < .milliseconds(500))
            var st = stat()
            stat(path, &st)
            #expect(st.st_size > 4 << 30)
        }
    }
}
