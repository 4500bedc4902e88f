import CSystemd
import LimberFiles
import Logging

#if canImport(Glibc)
import Glibc
#endif

/// Picks where limberd's logs go: journald under systemd, stderr otherwise.
public enum LimberLogging {
    /// Bootstraps swift-log for the process; call once, before the first `Logger` is made.
    public static func bootstrap(level: Logger.Level, identifier: String = "limberd") {
        // sd_journal_sendv reports success when the socket is missing (it drops records
        // on purpose), so without the socket, stderr (the journal stream) is the way in.
        let journal = stderrIsJournal() && access(journalSocket, F_OK) == 0
        LoggingSystem.bootstrap { _ in
            makeHandler(journal: journal, level: level, identifier: identifier)
        }
    }

    /// The handler `bootstrap` installs, for callers that build loggers themselves.
    public static func makeHandler(journal: Bool, level: Logger.Level,
                                   identifier: String = "limberd") -> any LogHandler {
        if journal {
            var handler = JournalLogHandler(identifier: identifier)
            handler.logLevel = level
            return handler
        }
        var handler = StderrLogHandler(identifier: identifier)
        handler.logLevel = level
        return handler
    }

    static let journalSocket = "/run/systemd/journal/socket"

    /// Whether stderr is systemd's journal stream: JOURNAL_STREAM ("device:inode") names it.
    ///
    /// The variable alone is not enough: it is inherited by children whose stderr was
    /// redirected elsewhere (a shell started from a service, a test runner).
    public static func stderrIsJournal(fd: Int32 = STDERR_FILENO) -> Bool {
        guard let raw = getenv("JOURNAL_STREAM") else { return false }
        return journalStream(String(cString: raw), matches: fd)
    }

    static func journalStream(_ value: String, matches fd: Int32) -> Bool {
        let parts = value.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, let device = UInt64(parts[0]), let inode = UInt64(parts[1]) else {
            return false
        }
        var info = stat()
        guard fstat(fd, &info) == 0 else { return false }
        return UInt64(info.st_dev) == device && UInt64(info.st_ino) == inode
    }
}

/// Sends each record to journald as structured fields (PRIORITY, CODE_*, LIMBER_<KEY>).
public struct JournalLogHandler: LogHandler {
    /// Records below this level are dropped before they reach the handler.
    public var logLevel: Logger.Level = .info
    /// Metadata sent with every record of this handler.
    public var metadata: Logger.Metadata = [:]
    /// Supplies metadata from the context of each log call.
    public var metadataProvider: Logger.MetadataProvider?
    /// SYSLOG_IDENTIFIER of every record.
    public let identifier: String

    /// Creates a handler that tags records with `identifier`.
    public init(identifier: String = "limberd", metadataProvider: Logger.MetadataProvider? = nil) {
        self.identifier = identifier
        self.metadataProvider = metadataProvider
    }

    /// One metadata value of this handler.
    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// Sends the record; if journald refuses it (full, say), writes the stderr line instead.
    public func log(event: LogEvent) {
        let merged = LogRecordMetadata.merge(handler: metadata, provider: metadataProvider, event: event)
        let fields = Self.fields(identifier: identifier, level: event.level, message: "\(event.message)",
                                 metadata: merged, file: event.file, function: event.function,
                                 line: event.line)
        if Self.send(fields) < 0 {
            // No journald socket (or it is full): stderr is the journal stream anyway.
            StderrLogHandler.write(StderrLogHandler.line(identifier: identifier, level: event.level,
                                                         message: "\(event.message)",
                                                         metadata: merged), to: STDERR_FILENO)
        }
    }

    /// The journal fields of one record, each "NAME=value", in the order they are sent.
    static func fields(identifier: String, level: Logger.Level, message: String,
                       metadata: Logger.Metadata, file: String, function: String,
                       line: UInt) -> [String] {
        var fields = [
            "MESSAGE=" + message,
            "PRIORITY=\(priority(level))",
            "SYSLOG_IDENTIFIER=" + identifier,
            "CODE_FILE=" + file,
            "CODE_LINE=\(line)",
            "CODE_FUNC=" + function,
        ]
        for key in metadata.keys.sorted() {
            if let value = metadata[key] {
                fields.append(fieldName(forMetadataKey: key) + "=" + value.description)
            }
        }
        return fields
    }

    /// syslog(3) priority of a swift-log level.
    static func priority(_ level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: return 7
        case .info: return 6
        case .notice: return 5
        case .warning: return 4
        case .error: return 3
        case .critical: return 2
        }
    }

    /// LIMBER_ plus the key in upper case, anything else than A-Z and 0-9 as "_".
    ///
    /// journald drops fields whose names are not [A-Z0-9_] or longer than 64 bytes.
    static func fieldName(forMetadataKey key: String) -> String {
        var name = "LIMBER_"
        for scalar in key.unicodeScalars {
            let upper = scalar.value >= 0x61 && scalar.value <= 0x7A ? scalar.value - 0x20 : scalar.value
            let keep = (0x41...0x5A).contains(upper) || (0x30...0x39).contains(upper)
            name.unicodeScalars.append(keep ? Unicode.Scalar(UInt8(upper)) : "_")
        }
        return String(name.prefix(64))
    }

    /// Calls `body` with one iovec per field; the iovecs are valid only inside `body`.
    static func withIOVecs<R>(_ fields: [String], _ body: ([iovec]) -> R) -> R {
        // One buffer keeps every field alive and contiguous while the iovecs point into it.
        let bytes = fields.map { Array($0.utf8) }
        var storage: [UInt8] = []
        storage.reserveCapacity(bytes.reduce(0) { $0 + $1.count })
        for field in bytes { storage += field }
        return storage.withUnsafeMutableBytes { raw in
            var vectors: [iovec] = []
            vectors.reserveCapacity(bytes.count)
            var offset = 0
            for field in bytes {
                vectors.append(iovec(iov_base: raw.baseAddress.map { $0 + offset },
                                     iov_len: field.count))
                offset += field.count
            }
            return body(vectors)
        }
    }

    private static func send(_ fields: [String]) -> Int32 {
        withIOVecs(fields) { vectors in
            vectors.withUnsafeBufferPointer { sd_journal_sendv($0.baseAddress, Int32($0.count)) }
        }
    }
}

/// Writes one plain line per record to stderr: "limberd: <level>: <message> key=value ...".
public struct StderrLogHandler: LogHandler {
    /// Records below this level are dropped before they reach the handler.
    public var logLevel: Logger.Level = .info
    /// Metadata written with every record of this handler.
    public var metadata: Logger.Metadata = [:]
    /// Supplies metadata from the context of each log call.
    public var metadataProvider: Logger.MetadataProvider?
    /// The line prefix.
    public let identifier: String
    private let fd: Int32

    /// Creates a handler writing to `fd` (stderr unless a test passes a pipe).
    public init(identifier: String = "limberd", fd: Int32 = STDERR_FILENO,
                metadataProvider: Logger.MetadataProvider? = nil) {
        self.identifier = identifier
        self.fd = fd
        self.metadataProvider = metadataProvider
    }

    /// One metadata value of this handler.
    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// Writes the record with one write(2), so lines from threads do not interleave.
    public func log(event: LogEvent) {
        let merged = LogRecordMetadata.merge(handler: metadata, provider: metadataProvider, event: event)
        Self.write(Self.line(identifier: identifier, level: event.level, message: "\(event.message)",
                             metadata: merged), to: fd)
    }

    /// The text of one record, newline included; metadata sorted by key.
    static func line(identifier: String, level: Logger.Level, message: String,
                     metadata: Logger.Metadata) -> String {
        var line = "\(identifier): \(level.rawValue): \(escapeControls(message))"
        for key in metadata.keys.sorted() {
            if let value = metadata[key] {
                line += " \(key)=\(quoteIfNeeded(value.description))"
            }
        }
        return line + "\n"
    }

    // One record, one line: a newline inside a message would look like a second record.
    private static func escapeControls(_ text: String, quoting: Bool = false) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            case "\\" where quoting: out += "\\\\"
            case "\"" where quoting: out += "\\\""
            default:
                if scalar.properties.generalCategory == .control {
                    out += "\\u{\(String(scalar.value, radix: 16))}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }

    private static func quoteIfNeeded(_ value: String) -> String {
        let plain = !value.isEmpty && !value.unicodeScalars.contains {
            $0 == "\"" || $0 == "=" || $0 == "\\" || $0.properties.isWhitespace
                || $0.properties.generalCategory == .control
        }
        return plain ? value : "\"" + escapeControls(value, quoting: true) + "\""
    }

    static func write(_ line: String, to fd: Int32) {
        _ = writeAll(fd, Array(line.utf8))  // a failing stderr leaves nowhere to report it
    }
}

enum LogRecordMetadata {
    /// Handler metadata, then the provider's, then the call's own (later ones win), plus the
    /// event's error under "error" unless the call set that key.
    static func merge(handler: Logger.Metadata, provider: Logger.MetadataProvider?,
                      event: LogEvent) -> Logger.Metadata {
        var merged = handler
        if let provided = provider?.get(), !provided.isEmpty {
            merged.merge(provided) { _, new in new }
        }
        if let own = event.metadata, !own.isEmpty {
            merged.merge(own) { _, new in new }
        }
        if let error = event.error, merged["error"] == nil {
            merged["error"] = .string("\(error)")
        }
        return merged
    }
}
