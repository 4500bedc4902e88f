import Glibc
@testable import LimberFiles
@testable import LimberDaemon
import Testing
import LimberTestSupport

@Suite struct StateStoreTests {
    @Test func writeThenReadReplacesContentAndLeavesNoTemporaryFiles() throws {
        try withTemporaryFolder { folder in
            let store = try StateStore(directory: folder + "/state/limber")
            try store.write(Array("first".utf8), to: "state.json")
            try store.write(Array("second, longer".utf8), to: "state.json")
            #expect(try store.read("state.json") == Array("second, longer".utf8))
            #expect(listFolder(store.directory) == ["state.json"])
        }
    }

    @Test func readOfMissingFileIsNil() throws {
        try withTemporaryFolder { folder in
            let store = try StateStore(directory: folder + "/s")
            #expect(try store.read("absent.json") == nil)
        }
    }

    @Test func emptyContentRoundTrips() throws {
        try withTemporaryFolder { folder in
            let store = try StateStore(directory: folder + "/s")
            try store.write([], to: "empty")
            #expect(try store.read("empty") == [])
        }
    }

    @Test func filesAre0600InA0700FolderWithParentsCreated() throws {
        try withTemporaryFolder { folder in
            let directory = folder + "/a/b/limber"
            let store = try StateStore(directory: directory)
            try store.write(Array("x".utf8), to: "state.json")
            #expect(fileMode(directory) == 0o700)
            #expect(fileMode(folder + "/a") != nil)
            #expect(fileMode(store.path(of: "state.json")) == 0o600)
        }
    }

    @Test func existingWideFolderIsTightened() throws {
        try withTemporaryFolder { folder in
            let directory = folder + "/wide"
            #expect(mkdir(directory, 0o755) == 0)
            #expect(chmod(directory, 0o755) == 0)
            _ = try StateStore(directory: directory)
            #expect(fileMode(directory) == 0o700)
        }
    }

    @Test(.enabled(if: getuid() == 0, "needs root to give a folder to another user"))
    func folderOfAnotherUserIsRefused() throws {
        try withTemporaryFolder { folder in
            let directory = folder + "/theirs"
            #expect(mkdir(directory, 0o700) == 0)
            try #require(chown(directory, 12345, 12345) == 0, "chown: errno \(errno)")
            let error = #expect(throws: PathError.self) { try StateStore(directory: directory) }
            #expect(error?.message.contains(directory) == true)
            #expect(error?.message.contains("uid 12345") == true)
        }
    }

    @Test func namesThatLeaveTheFolderAreRefused() throws {
        try withTemporaryFolder { folder in
            let store = try StateStore(directory: folder + "/s")
            for name in ["", ".", "..", "../escape", "a/b"] {
                #expect(throws: PathError.self) { try store.write([1], to: name) }
            }
            #expect(listFolder(folder) == ["s"])
        }
    }

    @Test func errorsNameThePathAndTheCause() throws {
        try withTemporaryFolder { folder in
            let store = try StateStore(directory: folder + "/s")
            #expect(mkdir(store.path(of: "dir"), 0o700) == 0)
            let error = #expect(throws: PathError.self) { try store.read("dir") }
            #expect(error?.message.contains(store.path(of: "dir")) == true)
            #expect(error?.message.contains("Is a directory") == true)
        }
    }

    @Test func leftoverTemporaryFilesAreRemoved() throws {
        try withTemporaryFolder { folder in
            let store = try StateStore(directory: folder + "/s")
            try store.write(Array("keep".utf8), to: "state.json")
            writeFile(store.path(of: ".state.json.tmp-1234abcd"), Array("torn".utf8))
            #expect(try store.removeLeftoverTemporaryFiles() == 1)
            #expect(listFolder(store.directory) == ["state.json"])
            #expect(try store.read("state.json") == Array("keep".utf8))
        }
    }
}

@Suite struct HistoryLogTests {
    @Test func appendedLinesReadBack() throws {
        try withTemporaryFolder { folder in
            let log = try HistoryLog(directory: folder + "/state", host: "desk")
            try log.append([Array("{\"a\":1}\n".utf8), Array("{\"b\":2}\n".utf8)], durable: true)
            try log.append([Array("{\"c\":3}\n".utf8)], durable: false)
            #expect(log.path == folder + "/state/history-desk.jsonl")
            #expect(try log.readLines().map { String(decoding: $0, as: UTF8.self) }
                == ["{\"a\":1}", "{\"b\":2}", "{\"c\":3}"])
        }
    }

    @Test func durableAppendSurvivesReopening() throws {
        try withTemporaryFolder { folder in
            do {
                let log = try HistoryLog(directory: folder, host: "desk")
                try log.append([Array("one\n".utf8)], durable: true)
            }
            let reopened = try HistoryLog(directory: folder, host: "desk")
            try reopened.append([Array("two\n".utf8)], durable: true)
            #expect(readText(folder + "/history-desk.jsonl") == "one\ntwo\n")
        }
    }

    @Test func tornLastLineIsClosedBeforeTheNextAppend() throws {
        try withTemporaryFolder { folder in
            let path = folder + "/history-desk.jsonl"
            writeFile(path, Array("{\"a\":1}\n{\"b\":2}\n{\"c\":".utf8))
            let log = try HistoryLog(directory: folder, host: "desk")
            try log.append([Array("{\"d\":4}\n".utf8)], durable: true)
            try log.append([Array("{\"e\":5}\n".utf8)], durable: false)
            #expect(readText(path) == "{\"a\":1}\n{\"b\":2}\n{\"c\":\n{\"d\":4}\n{\"e\":5}\n")
            #expect(try log.readLines().count == 5)
        }
    }

    @Test func missingNewlineIsAddedAndEmbeddedNewlineRefused() throws {
        try withTemporaryFolder { folder in
            let log = try HistoryLog(directory: folder, host: "desk")
            try log.append([Array("no-newline".utf8), [], Array("next\n".utf8)], durable: false)
            #expect(readText(log.path) == "no-newline\nnext\n")
            let error = #expect(throws: PathError.self) {
                try log.append([Array("two\nlines\n".utf8)], durable: false)
            }
            #expect(error?.message.contains(log.path) == true)
            #expect(readText(log.path) == "no-newline\nnext\n")
        }
    }

    @Test func readLinesSkipsAnUnterminatedLastLine() throws {
        try withTemporaryFolder { folder in
            let log = try HistoryLog(directory: folder, host: "desk")
            try log.append([Array("whole\n".utf8)], durable: false)
            let fd = open(log.path, O_WRONLY | O_APPEND)
            #expect(writeAll(fd, Array("half".utf8)) == 0)
            close(fd)
            #expect(try log.readLines() == [Array("whole".utf8)])
        }
    }

    @Test func historyFileIs0600AndHostNameIsSanitised() throws {
        try withTemporaryFolder { folder in
            let log = try HistoryLog(directory: folder + "/state", host: "../my host/é")
            try log.append([Array("x\n".utf8)], durable: false)
            #expect(log.path == folder + "/state/history-.._my_host___.jsonl")
            #expect(fileMode(log.path) == 0o600)
            #expect(fileMode(folder + "/state") == 0o700)
        }
        #expect(HistoryLog.sanitize("") == "unknown-host")
        let host = HistoryLog.hostName()
        #expect(!host.isEmpty)
        #expect(host.utf8.allSatisfy { $0 < 128 && $0 != UInt8(ascii: "/") && $0 != UInt8(ascii: " ") })
    }
}
