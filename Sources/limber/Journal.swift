import ArgumentParser
import JSON
import LimberCore
import LimberFiles
import LimberProtocol

struct Journal: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Note your pain level, 0 (none) to 10 (worst), in the pain journal.",
        discussion: """
            The guidance is to keep a pain journal for two weeks, noting the level
            before and after the routine: if it goes down steadily, the routine is
            working. See it with 'limber stats pain'.

            The entry goes straight into this machine's history file
            ($XDG_STATE_HOME/limber/history-HOST.jsonl) and is on disk before
            limber answers; limberd need not be running.

            Examples:
              limber journal 6 --before
              limber journal 4 --after --note "neck looser, shoulders still tight"
              limber journal 3

            Exit status: 0 noted; 1 the history file cannot be written; 2 bad usage.
            """)

    @Argument(help: ArgumentHelp("How much it hurts now: 0 (none) to 10 (worst).", valueName: "level"),
              transform: Journal.level)
    var level: Int

    @Option(name: .long, help: ArgumentHelp("A few words to go with it.", valueName: "text"))
    var note: String?

    @Flag(name: .long, help: "Noted before the routine.")
    var before = false

    @Flag(name: .long, help: "Noted after the routine.")
    var after = false

    @Flag(name: .long, help: "Print the entry as written, as JSON (the keys of 'limber history --json').")
    var json = false

    static let noteLimit = 1000

    /// The level as typed: a whole number, with the reason when it is not one.
    static func level(_ text: String) throws -> Int {
        if let n = Int(text) { return n }
        if text.contains(where: { $0 == "." || $0 == "," }), Double(text.replacingComma()) != nil {
            throw ValidationError("the level is a whole number from 0 (no pain) to 10 (the worst), not \(text)")
        }
        throw ValidationError("the level is a number from 0 (no pain) to 10 (the worst), not '\(text)'")
    }

    /// The arguments with a negative number after 'journal' kept as the level: argument-parser
    /// would take "-1" for an option and answer "Missing expected argument '<level>'", where
    /// the user needs to hear that the level starts at 0.
    static func protectingNegativeLevel(_ arguments: [String]) -> [String] {
        guard arguments.first == "journal", !arguments.contains("--") else { return arguments }
        var out = arguments
        for i in out.indices.dropFirst() {
            let word = out[i]
            if word.hasPrefix("-"), word.count > 1, Double(word.replacingComma()) != nil, out[i - 1] != "--note" {
                // Options before "--", the level after it: the parser takes any word after it as
                // an argument.
                out.remove(at: i)
                out.append("--")
                out.append(word)
                break
            }
        }
        return out
    }

    func validate() throws {
        guard (0...10).contains(level) else {
            throw ValidationError("the level is from 0 (no pain) to 10 (the worst), not \(level)")
        }
        guard !(before && after) else { throw ValidationError("choose one of --before and --after") }
        if let note, note.count > Self.noteLimit {
            throw ValidationError("the note is \(note.count) characters; keep it under \(Self.noteLimit)")
        }
    }

    func run() throws {
        let paths = LimberPaths.current
        let entry = Self.entry(level: level, phase: before ? .before : after ? .after : nil, note: note,
                               ts: WallClock.nowMilliseconds(), host: HistoryLog.hostName())
        do {
            try Self.append(entry, directory: paths.stateDirectory)
        } catch {
            printError("limber: the journal entry was not saved: \(error)")
            throw ExitCode(HistoryData.failure)
        }
        if json {
            print(HistoryExport.eventJSON(entry.event))
        } else {
            print(Self.confirmation(entry))
        }
    }

    /// A journal entry at `ts` with a fresh id, in the user's zone.
    static func entry(level: Int, phase: PainPhase?, note: String?, ts: Int64, host: String) -> HistoryEntry {
        var rng = SystemRandomNumberGenerator()
        let id = HistoryEntry.makeID(ts: ts, random: UInt128(rng.next()) << 64 | UInt128(rng.next()))
        let trimmed = note.map { $0.trimmingWhitespace() }.flatMap { $0.isEmpty ? nil : $0 }
        return HistoryEntry(painLevel: level, phase: phase, note: trimmed, ts: ts,
                            utcOffsetSeconds: SystemTimeZone.offset(floorSeconds(ts)), id: id, host: host)
    }

    /// Appends the entry to this host's history file and waits until it is on disk.
    ///
    /// The CLI writes it itself rather than asking limberd: the journal must work while the
    /// daemon is stopped, and a pain level changes nothing in the schedule. It cannot corrupt
    /// the daemon's appends: both write whole lines with one O_APPEND write(2) each.
    static func append(_ entry: HistoryEntry, directory: String) throws {
        let log = try HistoryLog(directory: directory, host: entry.host)
        try log.append([entry.event.line()], durable: true)
    }

    static func confirmation(_ e: HistoryEntry) -> String {
        var s = "Noted pain \(e.level ?? 0) of 10"
        switch e.phase {
        case .before?: s += " before the routine"
        case .after?: s += " after the routine"
        case nil: break
        }
        return s + ". 'limber stats pain' shows the last two weeks."
    }
}

extension String {
    fileprivate func replacingComma() -> String { String(map { $0 == "," ? "." : $0 }) }

    /// Without leading and trailing white space (line breaks included).
    func trimmingWhitespace() -> String {
        guard let first = firstIndex(where: { !$0.isWhitespace }),
              let last = lastIndex(where: { !$0.isWhitespace }) else { return "" }
        return String(self[first...last])
    }
}
