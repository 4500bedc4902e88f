import Foundation
import JSON
import Testing
@testable import LimberCore

/// The history line has one definition, `HistoryField`: every field in it must survive the
/// writer, the reader, `limber history --json` and `--csv`. The values come from the table, so
/// a field added to it is checked here without editing this test (a reader that skipped one,
/// as it once skipped `routine`, fails `eachFieldSurvivesTheFileLine`).
@Suite struct HistoryFieldTests {
    static let ts: Int64 = 1_795_000_000_123

    /// A value of `field`'s type that no other field has.
    static func sample(_ field: HistoryField) -> HistoryValue {
        switch field {
        case .v: return .integer(Int64(HistoryEvent.supportedVersion))
        case .id: return .text(HistoryEntry.makeID(ts: ts, random: 0xABC_DEF0_1234))
        case .ts: return .integer(ts)
        case .at: return .text(LocalTime(wall: .seconds(ts / 1000), utcOffsetSeconds: -34_200).iso8601(utcOffsetSeconds: -34_200))
        // The typed view (`HistoryEntry`) accepts only values this limber writes.
        case .outcome: return .text(Outcome.done.rawValue)
        case .kind: return .text(ReminderKind.routine.rawValue)
        case .phase: return .text(PainPhase.after.rawValue)
        default:
            switch field.type {
            case .text: return .text("\(field.name): \"quoted\", ✓\nsecond line")
            case .integer: return .integer(-(Int64(field.rawValue) * 1_000_003 + 7))
            case .unsigned: return .unsigned(UInt64.max - UInt64(field.rawValue))
            case .flag: return .flag(true)
            }
        }
    }

    /// An event with every field of the table set.
    static func full() -> HistoryEvent {
        var e = HistoryEvent(id: "", host: "", outcome: "", ts: 0)
        // `ts` first: `at` is stored relative to it.
        e[.ts] = sample(.ts)
        for field in HistoryField.allCases where field != .ts {
            e[field] = sample(field)
        }
        return e
    }

    /// The same with an id and a local time limber would not write (the slow, escaping paths).
    static func unusual() -> HistoryEvent {
        var e = full()
        e.id = "id, with \"quotes\""
        e.at = "yesterday,\tlate"
        return e
    }

    @Test func everyFieldIsSetAndReadThroughTheTable() {
        let e = Self.full()
        for field in HistoryField.allCases {
            #expect(e[field] == Self.sample(field), "'\(field.name)' does not keep what is set")
        }
        #expect(Set(HistoryField.allCases.map(\.name)).count == HistoryField.allCases.count, "two fields share a name")
        for field in HistoryField.allCases {
            let bytes = Array(field.name.utf8)
            #expect(bytes.withUnsafeBufferPointer { HistoryField.named($0) } == field)
        }
        #expect(Array("sec".utf8).withUnsafeBufferPointer { HistoryField.named($0) } == nil)
        #expect(Array("shoe".utf8).withUnsafeBufferPointer { HistoryField.named($0) } == nil)
    }

    @Test(arguments: [full(), unusual()])
    func eachFieldSurvivesTheFileLine(_ e: HistoryEvent) throws {
        let line = e.line()
        let back = try HistoryEvent.parse(line).get()
        for field in HistoryField.allCases {
            #expect(back[field] == e[field], "the reader loses '\(field.name)'")
        }
        #expect(back == e)
        // The line is JSON with every field as a key.
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any])
        #expect(Set(object.keys) == Set(HistoryField.allCases.map(\.name)))
    }

    @Test(arguments: [full(), unusual()])
    func eachFieldSurvivesTheJSONExport(_ e: HistoryEvent) throws {
        var bytes: [UInt8] = []
        e.appendJSON(to: &bytes, everyKey: true)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
        #expect(Set(object.keys) == Set(HistoryField.allCases.map(\.name)))
        let back = try HistoryEvent.parse(bytes).get()
        for field in HistoryField.allCases {
            #expect(back[field] == e[field], "--json loses '\(field.name)'")
        }
        // Keys in byte order, as every JSON limber writes.
        let keys = HistoryField.jsonOrder.map(\.name)
        #expect(keys == keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) })
    }

    @Test func theExportHasEveryKeyAndTheFileOnlyWhatIsThere() throws {
        let bare = HistoryEvent(id: HistoryEntry.makeID(ts: 5, random: 1), host: "h", outcome: "shown", ts: 5)
        var bytes: [UInt8] = []
        bare.appendJSON(to: &bytes, everyKey: true)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
        #expect(Set(object.keys) == Set(HistoryField.allCases.map(\.name)))
        #expect(object["early"] as? Bool == false)
        #expect(object["note"] is NSNull)
        let line = try #require(try JSONSerialization.jsonObject(with: Data(bare.line())) as? [String: Any])
        #expect(Set(line.keys) == Set(HistoryField.allCases.filter(\.isRequired).map(\.name)))
        #expect(try HistoryEvent.parse(bytes).get() == bare)
        #expect(try HistoryEvent.parse(bare.line()).get() == bare)
    }

    @Test(arguments: [full(), unusual()])
    func eachFieldSurvivesTheCSVExport(_ e: HistoryEvent) throws {
        #expect(HistoryField.allCases.filter { !$0.inCSV } == [.v], "only the schema version is not a column")
        #expect(HistoryEvent.csvHeader.split(separator: ",").map(String.init) == HistoryField.csvColumns.map(\.name))
        var bytes: [UInt8] = []
        e.appendCSVRow(to: &bytes)
        let cells = try #require(Self.csvRows(String(decoding: bytes, as: UTF8.self)).first)
        #expect(cells.count == HistoryField.csvColumns.count)
        for (field, cell) in zip(HistoryField.csvColumns, cells) {
            let value: HistoryValue? = switch field.type {
            case .text: cell.isEmpty ? nil : .text(cell)
            case .integer: Int64(cell).map(HistoryValue.integer)
            case .unsigned: UInt64(cell).map(HistoryValue.unsigned)
            case .flag: cell == "true" ? .flag(true) : cell == "false" ? nil : .text(cell)
            }
            // A tab is not something a terminal acts on; text keeps its line breaks, quoted.
            #expect(value == e[field], "--csv loses '\(field.name)'")
        }
    }

    @Test(arguments: [full()])
    func theTypedEntryIsTheSameLine(_ e: HistoryEvent) throws {
        // HistoryEntry's Codable form comes from the table too: what the JSON module and
        // Foundation read is the event, and what they write is the file's line, byte for byte.
        let entry = try JSON.decode(HistoryEntry.self, from: e.line())
        #expect(entry.event == e)
        #expect(try JSON.encode(entry) == e.line())
        #expect(entry.outcome == .done && entry.kind == .routine && entry.phase == .after)
        #expect(entry.reason == e.reason && entry.ts == e.ts)

        // What the daemon writes for a record.
        var r = HistoryRecord(outcome: .paused, kind: .posture, promptID: 3,
                              at: Moment(monotonic: .zero, boottime: .zero, wall: .milliseconds(Self.ts), utcOffsetSeconds: 3600))
        r.show = 2
        r.early = true
        r.length = .seconds(900)
        r.until = .milliseconds(Self.ts + 900_000)
        r.reason = "work-hours"
        r.routine = "desk-reset"
        let written = HistoryEntry(r, id: HistoryEntry.makeID(ts: Self.ts, random: 9), host: "desk")
        let read = try HistoryEvent.parse(written.event.line()).get()
        #expect(read == written.event)
        #expect(read.at == "2026-11-18T12:06:40+01:00")
        #expect(read.prompt == 3 && read.show == 2 && read.early && read.seconds == 900
                && read.untilTs == Self.ts + 900_000 && read.reason == "work-hours" && read.routine == "desk-reset")
    }

    @Test func linesWrittenBeforeTheTableStillRead() throws {
        // Lines as limberd and `limber journal` wrote them before this table existed.
        let old = [
            #"{"at":"2026-11-18T12:06:40+01:00","id":"019a9b2c3d4e5f60718293a4b5c6d7e8","kind":"posture","outcome":"snoozed","prompt":4,"seconds":300,"ts":1795000000123,"v":1,"host":"desk"}"#,
            #"{"at":"2026-11-18T12:06:40+01:00","host":"desk","id":"019a9b2c3d4e5f60718293a4b5c6d7e9","level":6,"note":"neck \"stiff\"\nand sore ✓","outcome":"pain","phase":"before","ts":1795000000000,"v":1}"#,
        ]
        let snoozed = try HistoryEvent.parse(Array(old[0].utf8)).get()
        #expect(snoozed.kind == "posture" && snoozed.prompt == 4 && snoozed.seconds == 300 && snoozed.host == "desk")
        let pain = try HistoryEvent.parse(Array(old[1].utf8)).get()
        #expect(pain.level == 6 && pain.phase == "before" && pain.note == "neck \"stiff\"\nand sore ✓")
        #expect(try JSON.decode(HistoryEntry.self, from: Array(old[1].utf8)).phase == .before)
        // The new writer writes the old bytes (keys sorted).
        #expect(String(decoding: pain.line(), as: UTF8.self) == old[1])
    }

    /// Rows of RFC 4180 CSV (CRLF line ends, quoted fields with doubled quotes).
    static func csvRows(_ text: String) -> [[String]] {
        var rows: [[String]] = [], row: [String] = [], cell = String.UnicodeScalarView()
        var quoted = false, afterQuote = false
        var scalars = Array(text.unicodeScalars)[...]
        while let c = scalars.popFirst() {
            if quoted {
                if c == "\"" {
                    if scalars.first == "\"" {
                        cell.append("\"")
                        scalars.removeFirst()
                    } else {
                        quoted = false
                        afterQuote = true
                    }
                } else {
                    cell.append(c)
                }
                continue
            }
            switch c {
            case "\"" where cell.isEmpty && !afterQuote: quoted = true
            case ",":
                row.append(String(cell))
                cell = .init()
                afterQuote = false
            case "\r" where scalars.first == "\n":
                scalars.removeFirst()
                row.append(String(cell))
                rows.append(row)
                row = []
                cell = .init()
                afterQuote = false
            default: cell.append(c)
            }
        }
        return rows
    }
}
