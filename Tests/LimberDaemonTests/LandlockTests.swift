@testable import LimberDaemon
import Testing
import LimberTestSupport

@Suite struct LandlockPlanTests {
    typealias A = LandlockAccess

    func plan(abi: Int, config: [String] = ["/home/u/.config/limber"]) -> SandboxPlan {
        SandboxPlan(abi: abi, stateDirectory: "/home/u/.local/state/limber", runtimeDirectory: "/run/user/1000/limber",
                    configDirectories: config)
    }

    func rule(_ p: SandboxPlan, _ path: String) -> LandlockRule? {
        p.rules.first { $0.path == path }
    }

    @Test func theXAuthorityFileIsReadableAndNothingBesideIt() {
        #expect(SandboxPlan.xAuthorityFiles(environment: ["XAUTHORITY": "/run/user/1000/gdm/Xauthority", "HOME": "/home/u"])
                == ["/run/user/1000/gdm/Xauthority"])
        #expect(SandboxPlan.xAuthorityFiles(environment: ["HOME": "/home/u"]) == ["/home/u/.Xauthority"])
        #expect(SandboxPlan.xAuthorityFiles(environment: ["XAUTHORITY": "relative", "HOME": "/home/u/"]) == ["/home/u/.Xauthority"])
        #expect(SandboxPlan.xAuthorityFiles(environment: [:]).isEmpty)
        let p = SandboxPlan(abi: 5, stateDirectory: "/s", runtimeDirectory: "/r", configDirectories: [],
                            readableFiles: ["/home/u/.Xauthority"])
        let r = p.rules.first { $0.path == "/home/u/.Xauthority" }
        #expect(r?.access == LandlockAccess.readFile)
        #expect(r?.required == false)
        #expect(!p.writable.contains("/home/u/.Xauthority"))
    }

    @Test func gsettingsStorageIsReachableOnlyInAGNOMESession() {
        let env = ["XDG_CURRENT_DESKTOP": "ubuntu:GNOME", "HOME": "/home/u", "XDG_RUNTIME_DIR": "/run/user/1000"]
        let f = SandboxPlan.gsettingsFolders(environment: env)
        #expect(f.read == ["/home/u/.config/dconf", "/home/u/.config/glib-2.0/settings"])
        #expect(f.shared == ["/run/user/1000/dconf"])
        #expect(SandboxPlan.gsettingsFolders(environment: ["XDG_CURRENT_DESKTOP": "KDE", "HOME": "/home/u"]).read.isEmpty)
        #expect(SandboxPlan.gsettingsFolders(environment: ["GSETTINGS_BACKEND": "keyfile", "XDG_CONFIG_HOME": "/c"]).read
                == ["/c/dconf", "/c/glib-2.0/settings"])
        let p = SandboxPlan(abi: 5, stateDirectory: "/s", runtimeDirectory: "/r", configDirectories: [], settingsFolders: f)
        #expect(p.rules.first { $0.path == "/home/u/.config/dconf" }?.access == A.read)
        let shared = p.rules.first { $0.path == "/run/user/1000/dconf" }
        #expect(shared?.access == A.read | A.writeFile | A.truncate | A.makeReg)
        #expect(shared?.required == false)
        #expect(p.writable == ["/s", "/r", "/run/user/1000/dconf"], "status names every folder it may write")
    }

    @Test func rightsGrowWithTheABIAndUnknownOnesAreDropped() {
        #expect(A.fileSystem(abi: 0) == 0)
        #expect(A.fileSystem(abi: 1) == 0x1FFF)
        #expect(A.fileSystem(abi: 2) == 0x3FFF)
        #expect(A.fileSystem(abi: 3) == 0x7FFF)
        #expect(A.fileSystem(abi: 4) == 0x7FFF)
        #expect(A.fileSystem(abi: 5) == 0xFFFF)
        #expect(A.network(abi: 3) == 0)
        #expect(A.network(abi: 4) == A.bindTCP | A.connectTCP)

        // A kernel newer than limberd: used at the newest level limberd knows.
        let future = plan(abi: 9)
        #expect(future.abi == A.newestKnownABI)
        #expect(future.handledFileSystem == 0xFFFF)
        for r in future.rules { #expect(r.access & ~future.handledFileSystem == 0, "\(r.path)") }

        // ABI 1 cannot handle refer or truncate: no rule asks for them.
        let old = plan(abi: 1)
        #expect(old.handledFileSystem == 0x1FFF)
        #expect(old.handledNetwork == 0)
        for r in old.rules { #expect(r.access & ~0x1FFF == 0, "\(r.path)") }
    }

    @Test func writesOnlyInItsOwnFoldersAndExecutesNothing() {
        for abi in 1...6 {
            let p = plan(abi: abi)
            #expect(p.writable == ["/home/u/.local/state/limber", "/run/user/1000/limber"])
            let writeRights = A.writeFile | A.removeFile | A.removeDir | A.makeReg | A.makeDir | A.makeSock | A.makeSym
            let writers = p.rules.filter { $0.access & writeRights != 0 }.map(\.path)
            #expect(writers == ["/home/u/.local/state/limber", "/run/user/1000/limber", "/dev/null"], "ABI \(abi)")
            #expect(rule(p, "/dev/null")!.access & ~A.fileOnly == 0)
            #expect(p.rules.allSatisfy { $0.access & A.execute == 0 }, "ABI \(abi)")
            let own = rule(p, "/run/user/1000/limber")!
            #expect(own.required)
            #expect(own.access == p.handledFileSystem & ~A.execute, "everything but execute in its own folders")
        }
    }

    @Test func withHooksTheSystemsProgramsMayRunAndNothingElse() {
        for abi in 1...5 {
            let p = SandboxPlan(abi: abi, stateDirectory: "/home/u/.local/state/limber", runtimeDirectory: "/run/user/1000/limber",
                                configDirectories: ["/home/u/.config/limber"], runsPrograms: true)
            let runnable = p.rules.filter { $0.access & A.execute != 0 }.map(\.path)
            #expect(runnable == ["/usr", "/lib", "/lib64", "/lib32", "/libx32", "/nix/store", "/gnu/store"], "ABI \(abi)")
            #expect(rule(p, "/usr")?.access == A.read | A.execute)
            // Still nothing written outside its own folders, nor run from them or from /etc.
            #expect(p.writable == ["/home/u/.local/state/limber", "/run/user/1000/limber"])
            #expect(rule(p, "/etc")?.access == A.read)
            #expect(rule(p, "/home/u/.local/state/limber")!.access & A.execute == 0)
        }
    }

    @Test func readsTheConfigFolderAndTheSystem() {
        let p = plan(abi: 3)
        #expect(rule(p, "/home/u/.config/limber") == LandlockRule(path: "/home/u/.config/limber", access: A.read, required: true))
        #expect(rule(p, "/usr")?.access == A.read)
        #expect(rule(p, "/usr")?.required == false, "a machine may lack a system path")
        #expect(rule(p, "/home/u") == nil, "the rest of home stays unreadable")
        #expect(rule(p, "/tmp") == nil)
        // --defaults reads no config file.
        #expect(!plan(abi: 3, config: []).rules.contains { $0.path.hasPrefix("/home/u/.config") })
        // A config file linked into a dotfiles folder: both folders, each once.
        let linked = plan(abi: 3, config: ["/home/u/.config/limber", "/home/u/dotfiles/limber", "/home/u/.config/limber"])
        #expect(linked.rules.filter { $0.path.hasPrefix("/home/u/") && $0.access == A.read }.map(\.path)
                == ["/home/u/.config/limber", "/home/u/dotfiles/limber"])
    }

    @Test func configFolderIsTheNearestExistingOne() {
        let existing: Set<String> = ["/home/u", "/home/u/.config"]
        let exists: (String) -> Bool = { existing.contains($0) }
        #expect(SandboxPlan.configDirectory(forFile: "/home/u/.config/limber/config.toml", exists: exists) == "/home/u/.config")
        #expect(SandboxPlan.configDirectory(forFile: "/home/u/.config/limber/config.toml", exists: { _ in true }) == "/home/u/.config/limber")
        #expect(SandboxPlan.configDirectory(forFile: "/nowhere/at/all.toml", exists: exists) == "/")
        #expect(SandboxPlan.configDirectory(forFile: "/etc/limber.toml", exists: { _ in true }) == "/etc")
        #expect(SandboxPlan.parent(of: "/a/b/") == "/a")
        #expect(SandboxPlan.parent(of: "/a") == "/")
        #expect(SandboxPlan.parent(of: "rel.toml") == ".")
    }
}
