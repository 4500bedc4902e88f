import Glibc
@testable import LimberFiles
import Testing
import LimberTestSupport

// What limber reads must be a regular file of a sane size: a FIFO would block the open for
// ever, /dev/zero never ends. Each is refused at once, with a sentence naming the path.
@Suite struct SpecialFileTests {
    @Test func aRegularFileIsReadUpToTheLimit() throws {
        try withTemporaryFolder { folder in
            writeFile(folder + "/f", "hello")
            #expect(RegularFile.contents(folder + "/f", followLinks: false, limit: 5) == .success(Array("hello".utf8)))
            #expect(RegularFile.contents(folder + "/f", followLinks: false, limit: 4) == .failure(.tooLarge(size: 5, limit: 4)))
            #expect(RegularFile.contents(folder + "/none", followLinks: false, limit: 4) == .failure(.missing))
        }
    }

    @Test func aFIFOIsRefusedWithoutWaiting() throws {
        try withTemporaryFolder { folder in
            #expect(mkfifo(folder + "/fifo", 0o600) == 0)
            let result = RegularFile.contents(folder + "/fifo", followLinks: true, limit: 1 << 20)
            #expect(result == .failure(.notRegular("a FIFO (named pipe)")))
            #expect(ConfigFiles.read(folder + "/fifo") == .failure(.other(
                "the configuration file \(folder)/fifo is a FIFO (named pipe), not a regular file; "
                + "move it away (mv '\(folder)/fifo' '\(folder)/fifo.old')")))
            let store = try StateStore(directory: folder)
            let error = #expect(throws: PathError.self) { try store.read("fifo") }
            #expect(error?.message.contains("is a FIFO") == true)
        }
    }

    @Test func aLinkToADeviceIsRefused() throws {
        try withTemporaryFolder { folder in
            #expect(symlink("/dev/zero", folder + "/zero") == 0)
            #expect(RegularFile.contents(folder + "/zero", followLinks: true, limit: 1 << 20)
                    == .failure(.notRegular("a device")))
            // The state store makes no links, so it follows none.
            let store = try StateStore(directory: folder)
            let error = #expect(throws: PathError.self) { try store.read("zero") }
            #expect(error?.message.contains("is a symbolic link") == true)
        }
    }

    @Test func aFIFOInTheHistoryFolderIsNamedNotWaitedOn() throws {
        try withTemporaryFolder { folder in
            writeFile(folder + "/history-a.jsonl", "")
            #expect(mkfifo(folder + "/history-b.jsonl", 0o600) == 0)
            let error = #expect(throws: PathError.self) { try HistoryStore.load(directory: folder) }
            #expect(error?.message == "the history file \(folder)/history-b.jsonl is a FIFO (named pipe), not a regular "
                    + "file; move it away (mv '\(folder)/history-b.jsonl' '\(folder)/history-b.jsonl.old')")
            let appendError = #expect(throws: PathError.self) { try HistoryLog(directory: folder, host: "b") }
            #expect(appendError?.message.contains("is a FIFO") == true)
        }
    }

    @Test func sizesAreSaidInUnitsAPersonReads() {
        #expect(RegularFile.describeSize(900) == "900 bytes")
        #expect(RegularFile.describeSize(5 << 10) == "5 KiB")
        #expect(RegularFile.describeSize(3_400_000) == "3.2 MiB")
        #expect(RegularFile.describeSize(1 << 20) == "1.0 MiB")
    }

    @Test func theRuntimeFolderMustBeOwnAndPrivate() throws {
        try withTemporaryFolder { folder in
            let run = folder + "/run"
            #expect(mkdir(run, 0o700) == 0)
            #expect(RuntimeFolder.distrust(folder: run, followLink: true) == nil)
            #expect(RuntimeFolder.distrust(folder: run + "/absent", followLink: true) == nil)
            #expect(chmod(run, 0o777) == 0)
            #expect(RuntimeFolder.distrust(folder: run, followLink: true)
                    == "\(run) can be written by other users (mode 777), so its socket cannot be trusted; "
                    + "make it private (chmod 700 '\(run)')")
            #expect(chmod(run, 0o750) == 0)
            #expect(RuntimeFolder.distrust(folder: run, followLink: true) == nil, "readable by the group is no threat")
            #expect(mkdir(run + "/limber", 0o700) == 0)
            #expect(symlink(run + "/limber", run + "/link") == 0)
            #expect(RuntimeFolder.distrust(folder: run + "/link", followLink: false)?.contains("symbolic link") == true)
            #expect(RuntimeFolder.distrust(socketPath: run + "/limber/control.sock") == nil)
            #expect(chmod(run + "/limber", 0o722) == 0)
            #expect(RuntimeFolder.distrust(socketPath: run + "/limber/control.sock")?.contains("mode 722") == true)
        }
    }
}
