import Logging
import Testing

@testable import LimberDaemon

import LimberTestSupport
#if canImport(Glibc)
import Glibc
#endif

/// A pipe whose read end collects what a handler wrote.
final class CapturePipe {
    let readEnd: Int32
    let writeEnd: Int32

    init() throws {
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else { throw TestFailure("pipe: errno \(errno)") }
        readEnd = fds[0]
        writeEnd = fds[1]
    }

    deinit {
        close(readEnd)
        close(writeEnd)
    }

    /// Everything written so far, without waiting for more.
    func drain() -> String {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            var poller = pollfd(fd: readEnd, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, 0) == 1 else { break }
            let n = read(readEnd, &buffer, buffer.count)
            if n <= 0 { break }
            bytes += buffer[0..<n]
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

struct SampleError: Error, CustomStringConvertible {
    var description: String { "disk full" }
}

@Suite struct StderrLogHandlerTests {
    @Test func writesOnePlainLinePerRecord() throws {
        let capture = try CapturePipe()
        var logger = Logger(label: "test") { _ in StderrLogHandler(fd: capture.writeEnd) }
        logger.logLevel = .info
        logger[metadataKey: "component"] = "engine"

        logger.info("posture check shown", metadata: ["prompt": "42", "kind": "posture"])
        logger.debug("below the level: dropped")
        logger.warning("two\nlines\there", metadata: ["path": "/tmp/a b", "empty": "", "q": "say \"hi\""])
        logger.error("cannot write history", error: SampleError())

        #expect(capture.drain() == """
            limberd: info: posture check shown component=engine kind=posture prompt=42
            limberd: warning: two\\nlines\\there component=engine empty="" path="/tmp/a b" q="say \\"hi\\""
            limberd: error: cannot write history component=engine error="disk full"

            """)
    }

    @Test func callMetadataOverridesHandlerMetadata() throws {
        let capture = try CapturePipe()
        var logger = Logger(label: "test") { _ in StderrLogHandler(identifier: "limber", fd: capture.writeEnd) }
        logger[metadataKey: "k"] = "handler"
        logger.notice("n", metadata: ["k": "call", "list": ["a", "b c"]])
        #expect(capture.drain() == "limber: notice: n k=call list=\"[\\\"a\\\", \\\"b c\\\"]\"\n")
    }
}

@Suite struct JournalLogHandlerTests {
    @Test func fieldsCarryMessagePriorityIdentifierCodeAndMetadata() {
        let fields = JournalLogHandler.fields(
            identifier: "limberd", level: .warning, message: "no notification server\nsecond line",
            metadata: ["prompt-id": "42", "kind": "posture", "sizes": ["1", "2"]],
            file: "LimberDaemon/Notifier.swift", function: "show(tag:_:)", line: 120)
        #expect(fields == [
            "MESSAGE=no notification server\nsecond line",
            "PRIORITY=4",
            "SYSLOG_IDENTIFIER=limberd",
            "CODE_FILE=LimberDaemon/Notifier.swift",
            "CODE_LINE=120",
            "CODE_FUNC=show(tag:_:)",
            "LIMBER_KIND=posture",
            "LIMBER_PROMPT_ID=42",
            "LIMBER_SIZES=[\"1\", \"2\"]",
        ])
    }

    @Test func prioritiesFollowSyslog() {
        let expected: [(Logger.Level, Int)] = [
            (.trace, 7), (.debug, 7), (.info, 6), (.notice, 5), (.warning, 4), (.error, 3), (.critical, 2),
        ]
        for (level, priority) in expected {
            #expect(JournalLogHandler.priority(level) == priority, "\(level)")
        }
    }

    @Test func metadataKeysBecomeValidFieldNames() {
        #expect(JournalLogHandler.fieldName(forMetadataKey: "prompt-id") == "LIMBER_PROMPT_ID")
        #expect(JournalLogHandler.fieldName(forMetadataKey: "retryAfter2") == "LIMBER_RETRYAFTER2")
        #expect(JournalLogHandler.fieldName(forMetadataKey: "café.x") == "LIMBER_CAF__X")
        #expect(JournalLogHandler.fieldName(forMetadataKey: "") == "LIMBER_")
        let long = JournalLogHandler.fieldName(forMetadataKey: String(repeating: "k", count: 100))
        #expect(long.utf8.count == 64)
        #expect(long.hasPrefix("LIMBER_KKK"))
    }

    @Test func iovecsHoldExactlyTheFieldBytes() {
        let fields = ["MESSAGE=héllo\nworld", "PRIORITY=6", "LIMBER_EMPTY="]
        let seen: [String] = JournalLogHandler.withIOVecs(fields) { vectors in
            vectors.map { vector in
                guard let base = vector.iov_base else { return "<nil>" }
                let bytes = UnsafeRawBufferPointer(start: base, count: vector.iov_len)
                return String(decoding: bytes, as: UTF8.self)
            }
        }
        #expect(seen == fields)
    }

    @Test func eventErrorAndProviderMetadataAreMerged() {
        let provider = Logger.MetadataProvider { ["trace": "t1", "k": "provider"] }
        let event = LogEvent(level: .error, message: "m", error: SampleError(), metadata: ["k": "call"],
                             source: nil, file: "f", function: "g", line: 1)
        let merged = LogRecordMetadata.merge(handler: ["h": "1", "k": "handler"], provider: provider,
                                             event: event)
        #expect(merged == ["h": "1", "k": "call", "trace": "t1", "error": "disk full"])
    }
}

@Suite struct LimberLoggingTests {
    @Test func journalStreamMustNameTheDescriptor() throws {
        let capture = try CapturePipe()
        var info = stat()
        try #require(fstat(capture.writeEnd, &info) == 0)
        let value = "\(info.st_dev):\(info.st_ino)"
        #expect(LimberLogging.journalStream(value, matches: capture.writeEnd))
        #expect(!LimberLogging.journalStream("\(info.st_dev):\(info.st_ino + 1)", matches: capture.writeEnd))
        #expect(!LimberLogging.journalStream(value, matches: -1))
        #expect(!LimberLogging.journalStream("", matches: capture.writeEnd))
        #expect(!LimberLogging.journalStream("\(info.st_dev)", matches: capture.writeEnd))
        #expect(!LimberLogging.journalStream("x:\(info.st_ino)", matches: capture.writeEnd))
        #expect(!LimberLogging.journalStream("\(value):1", matches: capture.writeEnd))
    }

    @Test func handlerKindFollowsTheChoice() {
        #expect(LimberLogging.makeHandler(journal: true, level: .debug) is JournalLogHandler)
        #expect(LimberLogging.makeHandler(journal: false, level: .debug) is StderrLogHandler)
        #expect(LimberLogging.makeHandler(journal: false, level: .debug).logLevel == .debug)
    }
}
