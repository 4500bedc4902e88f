import Glibc
@testable import LimberFiles
@testable import LimberDaemon
import Testing
import LimberTestSupport

@Suite struct InstanceLockTests {
    @Test func secondAcquireFailsWithThePidAndSucceedsAfterRelease() throws {
        try withTemporaryFolder { folder in
            let runtime = folder + "/limber"
            let first = try InstanceLock.acquire(runtimeDirectory: runtime)
            #expect(fileMode(runtime) == 0o700)
            #expect(fileMode(first.path) == 0o600)
            #expect(readText(first.path) == "\(getpid())\n")

            // flock belongs to the open file description, so a second open conflicts even here.
            let error = #expect(throws: PathError.self) { try InstanceLock.acquire(runtimeDirectory: runtime) }
            #expect(error?.message == "limberd is already running (pid \(getpid())); stop it with "
                + "'systemctl --user stop limber' or 'kill \(getpid())'")

            first.release()
            first.release()  // twice is harmless
            let second = try InstanceLock.acquire(runtimeDirectory: runtime)
            #expect(readText(second.path) == "\(getpid())\n")
            second.release()
        }
    }

    @Test func messageWithoutPidStillSaysHowToStop() {
        #expect(InstanceLock.alreadyRunningMessage(pid: nil)
            == "limberd is already running; stop it with 'systemctl --user stop limber'")
    }

    @Test func symlinkedRuntimeFolderIsRefused() throws {
        try withTemporaryFolder { folder in
            #expect(mkdir(folder + "/real", 0o700) == 0)
            #expect(symlink(folder + "/real", folder + "/link") == 0)
            let error = #expect(throws: PathError.self) { try InstanceLock.acquire(runtimeDirectory: folder + "/link") }
            #expect(error?.message.contains("\(folder)/link is a symbolic link") == true)
            #expect(listFolder(folder + "/real").isEmpty)
        }
    }

    @Test func fileInPlaceOfTheFolderIsRefused() throws {
        try withTemporaryFolder { folder in
            writeFile(folder + "/limber", Array("not a folder".utf8))
            let error = #expect(throws: PathError.self) { try InstanceLock.acquire(runtimeDirectory: folder + "/limber") }
            #expect(error?.message.contains("\(folder)/limber exists but is not a folder") == true)
        }
    }
}
