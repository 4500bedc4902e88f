@testable import LimberFiles
import LimberConfig
import LimberProtocol
import Testing
@testable import limber
import LimberTestSupport
#if canImport(Glibc)
import Glibc
#endif

/// A fresh folder used as XDG_CONFIG_HOME, removed afterwards.
final class Scratch {
    let folder = try! TemporaryFolder(prefix: "limber-config-test")
    var root: String { folder.path }
    let paths: LimberPaths

    init() {
        paths = LimberPaths(environment: ["HOME": folder.path, "XDG_CONFIG_HOME": folder.path + "/xdg"])
    }

    var configFile: String { paths.configFile }

    func write(_ text: String, to path: String) {
        _ = ConfigFiles.makeDirectories(parentDirectory(of: path))
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        precondition(fd >= 0)
        _ = Array(text.utf8).withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        close(fd)
    }

    func contents(_ path: String) -> String? {
        guard case .success(let bytes) = ConfigFiles.read(path) else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }

    func entries(_ folder: String) -> [String] { listFolder(folder) }
}

@Suite struct ConfigCommandTests {
    @Test func pathPrintsTheXDGPath() {
        let s = Scratch()
        #expect(ConfigTool.path(paths: s.paths) == ConfigOutcome(output: s.root + "/xdg/limber/config.toml\n"))
    }

    @Test func checkWithoutAFileAtTheDefaultPathSaysDefaultsAreUsed() {
        let s = Scratch()
        #expect(ConfigTool.check(path: nil, paths: s.paths) == ConfigOutcome(
            output: "no config file at \(s.configFile); limberd uses the built-in defaults "
                + "('limber config init' writes a documented one)\n"))
    }

    @Test func checkOfAMissingExplicitPathFails() {
        let s = Scratch()
        #expect(ConfigTool.check(path: s.root + "/nope.toml", paths: s.paths) == ConfigOutcome(
            status: 1, errors: "limber: cannot read \(s.root)/nope.toml: there is no such file\n"))
    }

    @Test func checkOfAFolderFails() {
        let s = Scratch()
        #expect(ConfigTool.check(path: s.root, paths: s.paths) == ConfigOutcome(
            status: 1, errors: "limber: cannot read \(s.root): Is a directory\n"))
    }

    @Test func checkOfAValidFileSaysOkAndWhatDiffers() {
        let s = Scratch()
        s.write("[routine]\ninterval = \"1h\"\n", to: s.configFile)
        #expect(ConfigTool.check(path: nil, paths: s.paths)
                == ConfigOutcome(output: "\(s.configFile): ok, every setting at its default\n"))
        s.write("[routine]\ninterval = \"2h\"\n", to: s.configFile)
        #expect(ConfigTool.check(path: nil, paths: s.paths)
                == ConfigOutcome(output: "\(s.configFile): ok, 1 setting differs from the defaults (routine.interval)\n"))
        let other = s.root + "/other.toml"
        s.write("[routine]\ninterval = \"2h\"\n[work_hours]\nweekdays = [\"09:00-17:00\"]\n", to: other)
        #expect(ConfigTool.check(path: other, paths: s.paths) == ConfigOutcome(
            output: "\(other): ok, 2 settings differ from the defaults (routine.interval, work_hours)\n"))
    }

    @Test func checkOfABadFilePrintsEveryProblemAndFails() {
        let s = Scratch()
        let file = s.root + "/bad.toml"
        s.write("[posture]\ninterval_min = 30\n[routine]\nintervall = \"1h\"\n", to: file)
        #expect(ConfigTool.check(path: file, paths: s.paths) == ConfigOutcome(status: 1, errors: """
            \(file):2:16: error: expected a duration like "30m", found an integer (write interval_min = "30m")
            interval_min = 30
                           ^
            \(file):4:1: error: unknown key 'intervall' in [routine]; did you mean 'interval'?
            intervall = "1h"
            ^
            \(file) has 2 errors

            """))
    }

    @Test func checkReportsASyntaxErrorTheSameWay() {
        let s = Scratch()
        s.write("[routine\n", to: s.configFile)
        let outcome = ConfigTool.check(path: nil, paths: s.paths)
        #expect(outcome.status == 1)
        #expect(outcome.output == "")
        #expect(outcome.errors.hasPrefix("\(s.configFile):1:9: error: "))
        #expect(outcome.errors.hasSuffix("\(s.configFile) has 1 error\n"))
    }

    @Test func showWithoutAFileShowsTheDefaults() throws {
        let s = Scratch()
        let outcome = ConfigTool.show(path: nil, paths: s.paths)
        #expect(outcome.status == 0)
        #expect(outcome.output == "# No config file at \(s.configFile): these are the built-in defaults.\n\n"
                + LimberConfiguration.defaults.tomlText())
        #expect(try LimberConfiguration.load(outcome.output, fileName: "shown").get() == .defaults)
    }

    @Test func showPrintsTheEffectiveSettingsAsTOMLThatLoadsBackTheSame() throws {
        let s = Scratch()
        let text = "[reminders]\nsnooze_limit = 0\n[work_hours]\nmon = [\"08:00-12:00\"]\n"
        s.write(text, to: s.configFile)
        let outcome = ConfigTool.show(path: nil, paths: s.paths)
        #expect(outcome.status == 0)
        #expect(outcome.output.hasPrefix(
            "# The settings in \(s.configFile), with the built-in defaults for what it leaves out.\n\n[posture]\n"))
        #expect(outcome.output.contains("\nsnooze_limit = 0  # default: 3\n"))
        let original = try LimberConfiguration.load(text, fileName: "a").get()
        #expect(try LimberConfiguration.load(outcome.output, fileName: "b").get() == original)
    }

    @Test func showOfABadFileFailsLikeCheck() {
        let s = Scratch()
        s.write("[notifications]\nurgency = \"loud\"\n", to: s.configFile)
        #expect(ConfigTool.show(path: nil, paths: s.paths) == ConfigTool.check(path: nil, paths: s.paths))
        #expect(ConfigTool.show(path: nil, paths: s.paths).status == 1)
    }

    @Test func initWritesTheDocumentedFileCreatingFolders() {
        let s = Scratch()
        #expect(ConfigTool.initialize(force: false, paths: s.paths) == ConfigOutcome(
            output: "wrote the documented defaults to \(s.configFile); after an edit, run "
                + "'limber config check', then 'limber reload'\n"))
        #expect(s.contents(s.configFile) == DefaultConfigFile.text)
        #expect(s.entries(s.root + "/xdg/limber") == ["config.toml"])
        var info = stat()
        #expect(stat(s.configFile, &info) == 0)
        #expect(info.st_mode & 0o600 == 0o600)
        #expect(ConfigTool.check(path: nil, paths: s.paths).output == "\(s.configFile): ok, every setting at its default\n")
    }

    @Test func initRefusesToOverwriteWithoutForce() {
        let s = Scratch()
        s.write("# mine\n", to: s.configFile)
        #expect(ConfigTool.initialize(force: false, paths: s.paths) == ConfigOutcome(
            status: 1, errors: "limber: \(s.configFile) already exists and was left as it is; "
                + "'limber config init --force' replaces it with the documented defaults\n"))
        #expect(s.contents(s.configFile) == "# mine\n")
    }

    @Test func initWithForceReplacesTheFileAndLeavesNoTemporaryFile() {
        let s = Scratch()
        s.write("# mine\n", to: s.configFile)
        #expect(ConfigTool.initialize(force: true, paths: s.paths).status == 0)
        #expect(s.contents(s.configFile) == DefaultConfigFile.text)
        #expect(s.entries(s.root + "/xdg/limber") == ["config.toml"])
    }

    @Test func initWritesThroughASymbolicLink() {
        let s = Scratch()
        let kept = s.root + "/dotfiles/limber.toml"
        s.write("# mine\n", to: kept)
        _ = ConfigFiles.makeDirectories(s.root + "/xdg/limber")
        #expect(symlink("../../dotfiles/limber.toml", s.configFile) == 0)
        #expect(ConfigTool.initialize(force: true, paths: s.paths).status == 0)
        #expect(s.contents(kept) == DefaultConfigFile.text)
        var info = stat()
        #expect(lstat(s.configFile, &info) == 0)
        #expect(info.st_mode & S_IFMT == S_IFLNK)
    }

    @Test func initReportsAFolderItCannotCreate() {
        let s = Scratch()
        s.write("not a folder\n", to: s.root + "/xdg")
        #expect(ConfigTool.initialize(force: false, paths: s.paths)
                == ConfigOutcome(status: 1, errors: "limber: \(s.root)/xdg is not a folder\n"))
    }

    @Test func theCommandLineReachesTheSubcommands() throws {
        let check = try Limber.parseAsRoot(["config", "check", "x.toml"])
        #expect((check as? ConfigCommand.Check)?.path == "x.toml")
        #expect((try Limber.parseAsRoot(["config", "check"]) as? ConfigCommand.Check)?.path == nil)
        #expect((try Limber.parseAsRoot(["config", "show", "y.toml"]) as? ConfigCommand.Show)?.path == "y.toml")
        #expect((try Limber.parseAsRoot(["config", "init", "--force"]) as? ConfigCommand.Init)?.force == true)
        #expect((try Limber.parseAsRoot(["config", "init"]) as? ConfigCommand.Init)?.force == false)
        #expect(try Limber.parseAsRoot(["config", "path"]) is ConfigCommand.Path)
        #expect(throws: (any Error).self) { try Limber.parseAsRoot(["config", "init", "extra"]) }
    }
}
