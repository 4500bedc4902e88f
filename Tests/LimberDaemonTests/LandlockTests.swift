import XCTest
@testable import LimberDaemon

final class LandlockPlanTests: XCTestCase {
    typealias A = LandlockAccess

    func plan(abi: Int, config: String? = "/home/u/.config/limber") -> SandboxPlan {
        SandboxPlan(abi: abi, stateDirectory: "/home/u/.local/state/limber", runtimeDirectory: "/run/user/1000/limber",
                    configDirectory: config)
    }

    func rule(_ p: SandboxPlan, _ path: String) -> LandlockRule? {
        p.rules.first { $0.path == path }
    }

    func testRightsGrowWithTheABIAndUnknownOnesAreDropped() {
        XCTAssertEqual(A.fileSystem(abi: 0), 0)
        XCTAssertEqual(A.fileSystem(abi: 1), 0x1FFF)
        XCTAssertEqual(A.fileSystem(abi: 2), 0x3FFF)
        XCTAssertEqual(A.fileSystem(abi: 3), 0x7FFF)
        XCTAssertEqual(A.fileSystem(abi: 4), 0x7FFF)
        XCTAssertEqual(A.fileSystem(abi: 5), 0xFFFF)
        XCTAssertEqual(A.network(abi: 3), 0)
        XCTAssertEqual(A.network(abi: 4), A.bindTCP | A.connectTCP)

        // A kernel newer than limberd: used at the newest level limberd knows.
        let future = plan(abi: 9)
        XCTAssertEqual(future.abi, A.newestKnownABI)
        XCTAssertEqual(future.handledFileSystem, 0xFFFF)
        for r in future.rules { XCTAssertEqual(r.access & ~future.handledFileSystem, 0, r.path) }

        // ABI 1 cannot handle refer or truncate: no rule asks for them.
        let old = plan(abi: 1)
        XCTAssertEqual(old.handledFileSystem, 0x1FFF)
        XCTAssertEqual(old.handledNetwork, 0)
        for r in old.rules { XCTAssertEqual(r.access & ~0x1FFF, 0, r.path) }
    }

    func testWritesOnlyInItsOwnFoldersAndExecutesNothing() {
        for abi in 1...6 {
            let p = plan(abi: abi)
            XCTAssertEqual(p.writable, ["/home/u/.local/state/limber", "/run/user/1000/limber"])
            let writeRights = A.writeFile | A.removeFile | A.removeDir | A.makeReg | A.makeDir | A.makeSock | A.makeSym
            let writers = p.rules.filter { $0.access & writeRights != 0 }.map(\.path)
            XCTAssertEqual(writers, ["/home/u/.local/state/limber", "/run/user/1000/limber", "/dev/null"], "ABI \(abi)")
            XCTAssertEqual(rule(p, "/dev/null")!.access & ~A.fileOnly, 0)
            XCTAssertTrue(p.rules.allSatisfy { $0.access & A.execute == 0 }, "ABI \(abi)")
            let own = rule(p, "/run/user/1000/limber")!
            XCTAssertTrue(own.required)
            XCTAssertEqual(own.access, p.handledFileSystem & ~A.execute, "everything but execute in its own folders")
        }
    }

    func testReadsTheConfigFolderAndTheSystem() {
        let p = plan(abi: 3)
        XCTAssertEqual(rule(p, "/home/u/.config/limber"), LandlockRule(path: "/home/u/.config/limber", access: A.read, required: true))
        XCTAssertEqual(rule(p, "/usr")?.access, A.read)
        XCTAssertEqual(rule(p, "/usr")?.required, false, "a machine may lack a system path")
        XCTAssertNil(rule(p, "/home/u"), "the rest of home stays unreadable")
        XCTAssertNil(rule(p, "/tmp"))
        // --defaults reads no config file.
        XCTAssertFalse(plan(abi: 3, config: nil).rules.contains { $0.path.hasPrefix("/home/u/.config") })
    }

    func testConfigFolderIsTheNearestExistingOne() {
        let existing: Set<String> = ["/home/u", "/home/u/.config"]
        let exists: (String) -> Bool = { existing.contains($0) }
        XCTAssertEqual(SandboxPlan.configDirectory(forFile: "/home/u/.config/limber/config.toml", exists: exists), "/home/u/.config")
        XCTAssertEqual(SandboxPlan.configDirectory(forFile: "/home/u/.config/limber/config.toml", exists: { _ in true }),
                       "/home/u/.config/limber")
        XCTAssertEqual(SandboxPlan.configDirectory(forFile: "/nowhere/at/all.toml", exists: exists), "/")
        XCTAssertEqual(SandboxPlan.configDirectory(forFile: "/etc/limber.toml", exists: { _ in true }), "/etc")
        XCTAssertEqual(SandboxPlan.parent(of: "/a/b/"), "/a")
        XCTAssertEqual(SandboxPlan.parent(of: "/a"), "/")
        XCTAssertEqual(SandboxPlan.parent(of: "rel.toml"), ".")
    }
}
