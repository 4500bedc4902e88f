import LimberConfig
import LimberProtocol
import Testing
@testable import limber

/// `limber config show` says whether the running limberd uses what it shows.
@Suite struct ConfigShowTests {
    @Test func aFileChangedAfterLimberdReadItIsNamedAsNotInEffect() throws {
        let s = Scratch()
        s.write("[reminders]\nsnooze_limit = 1\n", to: s.configFile)
        let read = ConfigDigest.of(Array("[reminders]\nsnooze_limit = 1\n".utf8))
        let running = DaemonView.running(pid: 42, configPath: s.configFile, digest: read)
        let same = ConfigTool.show(path: nil, paths: s.paths, daemon: running)
        #expect(same.output.hasPrefix("# The settings in \(s.configFile), with the built-in defaults for what it "
                                      + "leaves out.\n# limberd (pid 42) runs on these.\n\n[posture]\n"), "\(same.output)")
        #expect(same.errors == "")
        // 'config init --force' (or any edit) without a reload.
        s.write("[reminders]\nsnooze_limit = 2\n", to: s.configFile)
        let changed = ConfigTool.show(path: nil, paths: s.paths, daemon: running)
        #expect(changed.status == 0)
        #expect(changed.output.contains("# Not in effect yet: \(s.configFile) changed after limberd (pid 42) read it"),
                "\(changed.output)")
        #expect(changed.errors.contains("'limber reload' applies these"), "\(changed.errors)")
        #expect(try LimberConfiguration.load(changed.output, fileName: "x").get().schedule.snoozeLimit == 2)
    }

    @Test func theOtherCases() {
        let file = "/home/u/.config/limber/config.toml"
        func header(_ shown: String?, _ daemon: DaemonView) -> (comment: String, warning: String?) {
            ConfigTool.showHeader(file: shown, defaultFile: file, digest: shown == nil ? nil : "d1", daemon: daemon)
        }
        #expect(header(nil, .running(pid: 7, configPath: nil, digest: nil)).comment
                == "# No config file at \(file): these are the built-in defaults.\n# limberd (pid 7) runs on them.\n")
        #expect(header(nil, .running(pid: 7, configPath: file, digest: "d0")).warning?
                .contains("still runs on \(file)") == true)
        #expect(header(file, .running(pid: 7, configPath: nil, digest: nil)).warning?
                .contains("runs on the built-in defaults") == true)
        #expect(header(file, .running(pid: 7, configPath: "/etc/other.toml", digest: "d1")).comment
                .contains("limberd (pid 7) runs on /etc/other.toml, not this file."))
        // A limberd that reports no digest: no claim either way.
        let old = header(file, .running(pid: 7, configPath: file, digest: nil))
        #expect(old.warning == nil && old.comment.contains("after an edit, 'limber reload' applies it"))
        #expect(header(file, .unreachable).comment.contains("limberd did not answer"))
        #expect(header(file, .notAsked).comment
                == "# The settings in \(file), with the built-in defaults for what it leaves out.\n")
    }

    @Test func theDigestTellsVersionsApart() {
        #expect(ConfigDigest.of([UInt8]()) == "cbf29ce484222325")
        #expect(ConfigDigest.of(Array("a".utf8)) == "af63dc4c8601ec8c")
        #expect(ConfigDigest.of(Array("x = 1\n".utf8)) != ConfigDigest.of(Array("x = 2\n".utf8)))
    }
}
