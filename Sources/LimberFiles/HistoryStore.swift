import Glibc
import LimberCore

/// Every host's history in the state folder, read back for `limber stats` and `limber history`.
///
/// Each machine appends to its own `history-<host>.jsonl`; a file-sync tool carries the other
/// machines' files into the same folder (and sometimes a second copy of one, such as
/// `history-laptop.sync-conflict-....jsonl`). Loading reads every `history-*.jsonl`, merges
/// the events by time and keeps one event per id. Nothing here writes: the daemon and
/// `limber journal` append through `HistoryLog`.
public enum HistoryStore {
    /// What loading found.
    public struct Loaded: Sendable {
        /// Every event, oldest first (ties in the order written), each id once.
        public var events: [HistoryEvent]
        /// The files read, by name, in the order read.
        public var files: [String]
        /// Events dropped because another line (usually a copy of the file) had the same id.
        public var duplicates: Int
        /// Problems worth telling the user, one line each: "FILE:LINE: ...".
        public var warnings: [String]

        public init(events: [HistoryEvent] = [], files: [String] = [], duplicates: Int = 0, warnings: [String] = []) {
            self.events = events
            self.files = files
            self.duplicates = duplicates
            self.warnings = warnings
        }
    }

    /// The largest history file read: years of events take a few tens of MiB.
    public static let sizeLimit = 512 << 20

    /// How many unreadable lines of one file are named one by one before the rest are counted.
    public static let namedProblemsPerFile = 5

    /// Whether `name` is a history file: `history-*.jsonl`, not hidden (sync tools keep their
    /// temporary files hidden).
    public static func isHistoryFileName(_ name: String) -> Bool {
        !name.hasPrefix(".") && name.hasPrefix("history-") && name.hasSuffix(".jsonl") && name.utf8.count > 14
    }

    /// Loads every history file in `directory`; a missing folder is an empty history, a
    /// history file that cannot be read (a folder of that name included) an error.
    public static func load(directory: String) throws -> Loaded {
        var names: [String] = []
        guard let dir = opendir(directory) else {
            if errno == ENOENT { return Loaded() }
            throw PathError.system("list the history folder", directory, errno: errno)
        }
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if isHistoryFileName(name) { names.append(name) }
        }
        closedir(dir)
        names.sort()
        var files: [(name: String, bytes: [UInt8])] = []
        for name in names {
            let path = directory + "/" + name
            // Without blocking: a FIFO by that name must not hang 'limber stats'.
            let fd: Int32
            switch RegularFile.open(path, followLinks: true, limit: sizeLimit) {
            case .success(let opened): fd = opened
            case .failure(.missing): continue  // removed since it was listed
            case .failure(.system(let code)):
                // A folder (or a device) by that name cannot be read as history; skipping it would
                // report "no history yet" about a history that is there but out of reach.
                throw PathError.system(code == EISDIR ? "read the history file" : "open the history file", path, errno: code)
            case .failure(let failure):
                throw PathError(path: path, message: failure.message(path: path, what: "the history file"))
            }
            defer { close(fd) }
            switch readWhole(fd) {
            case .success(let bytes): files.append((name, bytes))
            case .failure(let e): throw PathError.system("read the history file", path, errno: e.code)
            }
        }
        return merge(files)
    }

    /// Reads a file into an array sized from fstat in one go (readAll's 64 KiB chunks cost a
    /// copy of every byte); a file that grows meanwhile is read to its new end.
    static func readWhole(_ fd: Int32) -> Result<[UInt8], PathErrno> {
        var st = stat()
        guard fstat(fd, &st) == 0 else { return .failure(PathErrno(code: errno)) }
        let size = max(0, Int(st.st_size))
        var failure: Int32 = 0
        var bytes = [UInt8](unsafeUninitializedCapacity: size + 1) { buffer, count in
            var n = 0
            while n < buffer.count {
                let r = read(fd, buffer.baseAddress! + n, buffer.count - n)
                if r > 0 {
                    n += r
                } else if r == 0 {
                    break
                } else if errno != EINTR {
                    failure = errno
                    break
                }
            }
            count = n
        }
        if failure != 0 { return .failure(PathErrno(code: failure)) }
        if bytes.count == size + 1 {
            switch readAll(fd) {
            case .success(let rest): bytes += rest
            case .failure(let e): return .failure(e)
            }
        }
        return .success(bytes)
    }

    /// Parses and merges files given as (name, content); the pure part of `load`.
    public static func merge(_ files: [(name: String, bytes: [UInt8])]) -> Loaded {
        var result = Loaded()
        var perFile: [[HistoryEvent]] = []
        for file in files {
            result.files.append(file.name)
            perFile.append(parse(file.bytes, name: file.name, warnings: &result.warnings))
        }
        var all: [HistoryEvent]
        if perFile.count == 1 {
            all = perFile[0]
        } else {
            all = []
            all.reserveCapacity(perFile.reduce(0) { $0 + $1.count })
            for events in perFile { all.append(contentsOf: events) }
        }
        if !isOrdered(all) {
            // Stably, by time alone: events of one millisecond stay in the order they were
            // written in (limberd writes "reminders resumed" before the reminder it then shows,
            // and the random part of their ids says nothing about that). The files are in name
            // order, so ties between files go to the first by name.
            var keys = all.withUnsafeBufferPointer { b in b.indices.map { (ts: b[$0].ts, index: $0) } }
            keys.sort { $0.ts != $1.ts ? $0.ts < $1.ts : $0.index < $1.index }
            all = all.withUnsafeBufferPointer { b in keys.map { b[$0.index] } }
        }
        // Same id, same event: keep the first.
        let copies = all.withUnsafeBufferPointer(copyIndices)
        if let first = copies.first {
            result.duplicates = copies.count
            var write = first
            var next = 0
            for read in first..<all.count {
                if next < copies.count, copies[next] == read {
                    next += 1
                } else {
                    all.swapAt(write, read)
                    write += 1
                }
            }
            all.removeSubrange(write...)
        }
        result.events = all
        return result
    }

    /// The indices of the events that repeat the id of an earlier one, in order.
    ///
    /// An id starts with its event's time in milliseconds and copies carry the same `ts`, so
    /// in events ordered by time a copy is among the few events of its millisecond: no set
    /// of 100,000 ids is needed to find them. Only a long run of one time (times not written
    /// by limber) gets a set of its own.
    /// Compare in place: copying an event out of the array retains each of its strings,
    /// which for 100,000 events cost more than the comparisons.
    private static func copyIndices(_ b: UnsafeBufferPointer<HistoryEvent>) -> [Int] {
        var copies: [Int] = []
        var runStart = 0
        var longRun: Set<String> = []
        for k in b.indices {
            if b[k].ts != b[runStart].ts {
                runStart = k
                longRun.removeAll()
            }
            let isCopy: Bool
            if k - runStart <= 32 {
                isCopy = (runStart..<k).contains { b[$0].sameID(as: b[k]) }
            } else {
                if longRun.isEmpty { for j in runStart..<k { longRun.insert(b[j].id) } }
                isCopy = !longRun.insert(b[k].id).inserted
            }
            if isCopy { copies.append(k) }
        }
        return copies
    }

    private static func isOrdered(_ events: [HistoryEvent]) -> Bool {
        events.withUnsafeBufferPointer { b in
            var k = 1
            while k < b.count {
                if b[k].ts < b[k - 1].ts { return false }
                k += 1
            }
            return true
        }
    }

    /// The events of one file's bytes; unreadable lines become warnings naming `name:line`.
    public static func parse(_ bytes: [UInt8], name: String, warnings: inout [String]) -> [HistoryEvent] {
        var events: [HistoryEvent] = []
        events.reserveCapacity(bytes.count / 140)
        var problems = 0
        var newer: (count: Int, version: Int, firstLine: Int)?
        bytes.withUnsafeBufferPointer { all in
            guard let base = all.baseAddress else { return }
            var start = 0
            var lineNumber = 0
            while start < all.count {
                lineNumber += 1
                let end: Int
                let terminated: Bool
                if let hit = memchr(base + start, Int32(UInt8(ascii: "\n")), all.count - start) {
                    end = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
                    terminated = true
                } else {
                    end = all.count
                    terminated = false
                }
                let line = UnsafeBufferPointer(rebasing: all[start..<end])
                start = end + 1
                if isBlank(line) { continue }
                if let problem = HistoryEvent.parse(line, appendingTo: &events) {
                    if !terminated {
                        // The write of the last line was cut short (power cut, crash, full
                        // disk); the next append starts on a fresh line, so nothing else is lost.
                        warnings.append("\(name):\(lineNumber): the last line is incomplete (cut off while it "
                                        + "was being written, e.g. by a power cut); skipped it")
                    } else if problem.truncated {
                        // An earlier write cut short; a later append started a fresh line after it.
                        problems += 1
                        if problems <= namedProblemsPerFile {
                            warnings.append("\(name):\(lineNumber): skipped an incomplete event (its write was cut "
                                            + "short, e.g. by a power cut)")
                        }
                    } else if let v = problem.newerVersion {
                        newer = newer.map { ($0.count + 1, max($0.version, v), $0.firstLine) } ?? (1, v, lineNumber)
                    } else {
                        problems += 1
                        if problems <= namedProblemsPerFile {
                            warnings.append("\(name):\(lineNumber): skipped a line that is not a history event: \(problem.reason)")
                        }
                    }
                }
            }
        }
        if problems > namedProblemsPerFile {
            warnings.append("\(name): skipped \(problems - namedProblemsPerFile) more unreadable lines")
        }
        if let newer {
            warnings.append("\(name):\(newer.firstLine): skipped \(newer.count) event\(newer.count == 1 ? "" : "s") "
                            + "written by a newer limber (schema version \(newer.version)); update limber on this machine")
        }
        return events
    }

    private static func isBlank(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        for b in line where b != UInt8(ascii: " ") && b != UInt8(ascii: "\t") && b != UInt8(ascii: "\r") {
            return false
        }
        return true
    }
}
