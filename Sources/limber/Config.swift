import ArgumentParser
import LimberCore
import LimberFiles
import LimberConfig
import LimberProtocol
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Check, show and create the configuration file (no daemon needed).",
        discussion: """
            limberd reads $XDG_CONFIG_HOME/limber/config.toml, usually
            ~/.config/limber/config.toml; without it, it uses the built-in defaults.

            Examples:
              limber config init          write the documented defaults, to edit
              limber config check         after an edit: list every problem, or say ok
              limber reload               then apply it to the running limberd
              limber config show          the file's settings, defaults included, and
                                          whether limberd runs on them
              limber config check ~/new.toml

            Exit status: 0 ok; 1 the file has errors, cannot be read, or cannot be written.
            """,
        subcommands: [Check.self, Show.self, Init.self, Path.self])

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a configuration file and report every problem with its line and column.",
            discussion: """
                Prints a one-line summary and exits 0 when the file is valid. Otherwise
                prints every problem as FILE:LINE:COLUMN: error: MESSAGE, with the line
                and a caret under the spot, and exits 1. With no file at the default
                path, says that limberd uses the built-in defaults and exits 0.

                Examples:
                  limber config check
                  limber config check ./limber.toml
                """)

        @Argument(help: ArgumentHelp("The file to check (default: the XDG path, see 'limber config path').",
                                     valueName: "path"))
        var path: String?

        func run() throws { try ConfigTool.check(path: path, paths: .current).finish() }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the settings in the config file as TOML, built-in defaults included.",
            discussion: """
                The output is a valid configuration file; a value that differs from its
                default ends in a comment giving the default. A file with errors is not
                shown: its problems are printed as by 'limber config check' (exit 1).

                limberd reads the file when it starts and on 'limber reload'. The first
                lines say whether the running limberd uses these settings; when the file
                changed after limberd read it, a warning on stderr says so.

                Examples:
                  limber config show
                  limber config show ./limber.toml > merged.toml
                """)

        @Argument(help: ArgumentHelp("The file to show (default: the XDG path).", valueName: "path"))
        var path: String?

        func run() throws { try ConfigTool.show(path: path, paths: .current, daemon: .ask()).finish() }
    }

    struct Init: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write the documented default configuration to the XDG path.",
            discussion: """
                Every setting is written at its default with a line explaining it,
                ready to edit. Creates the folder if needed. An existing file is left
                alone unless you pass --force.

                Examples:
                  limber config init
                  limber config init --force    replace an existing file
                """)

        @Flag(name: .long, help: "Replace an existing configuration file.")
        var force = false

        func run() throws { try ConfigTool.initialize(force: force, paths: .current).finish() }
    }

    struct Path: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the path limberd reads its configuration from.",
            discussion: """
                $XDG_CONFIG_HOME/limber/config.toml, or ~/.config/limber/config.toml
                when XDG_CONFIG_HOME is not set.
                """)

        func run() throws { try ConfigTool.path(paths: .current).finish() }
    }
}

extension LimberPaths {
    static var current: LimberPaths { LimberPaths(environment: ProcessInfo.processInfo.environment) }
}

/// What a `limber config` command printed and how it exits, so tests can run it in-process.
struct ConfigOutcome: Error, Equatable {
    var status: Int32 = 0
    var output = ""
    var errors = ""

    /// Prints the output and errors, then exits with the status when it is not 0.
    func finish() throws {
        if !output.isEmpty { printText(output) }
        if !errors.isEmpty { printErrorText(errors) }
        if status != 0 { throw ExitCode(status) }
    }
}

/// The `limber config` commands, with their output collected rather than printed.
enum ConfigTool {
    static let failure: Int32 = 1

    /// The configuration at `path` (or the default path), or the outcome to report instead.
    /// A missing default file is the built-in defaults, with `nil` as the file name.
    static func load(path: String?, paths: LimberPaths) -> Result<(LimberConfiguration, file: String?), ConfigOutcome> {
        let file = path ?? paths.configFile
        switch ConfigFiles.read(file) {
        case .failure(.missing) where path == nil:
            return .success((LimberConfiguration.defaults, file: nil))
        case .failure(.missing):
            return .failure(ConfigOutcome(status: failure, errors: "limber: cannot read \(file): there is no such file\n"))
        case .failure(let other):
            return .failure(ConfigOutcome(status: failure, errors: "limber: \(other.message)\n"))
        case .success(let bytes):
            switch LimberConfiguration.load(bytes, fileName: file) {
            case .success(let configuration):
                return .success((configuration, file: file))
            case .failure(let diagnostics):
                return .failure(ConfigOutcome(status: failure,
                                              errors: TerminalText.safe(diagnostics.description, keepingNewlines: true) + "\n"))
            }
        }
    }

    static func check(path: String?, paths: LimberPaths) -> ConfigOutcome {
        switch load(path: path, paths: paths) {
        case .failure(let outcome):
            return outcome
        case .success((_, nil)):
            return ConfigOutcome(output: "no config file at \(paths.configFile); limberd uses the built-in defaults "
                                 + "('limber config init' writes a documented one)\n")
        case .success((let configuration, let file?)):
            let changed = configuration.differences()
            let summary: String
            switch changed.count {
            case 0: summary = "every setting at its default"
            case 1: summary = "1 setting differs from the defaults (\(changed[0]))"
            default: summary = "\(changed.count) settings differ from the defaults (\(changed.joined(separator: ", ")))"
            }
            return ConfigOutcome(output: "\(file): ok, \(summary)\n")
        }
    }

    /// `daemon`: what limberd runs on, to say whether these are the settings in effect.
    static func show(path: String?, paths: LimberPaths, daemon: DaemonView = .notAsked) -> ConfigOutcome {
        switch load(path: path, paths: paths) {
        case .failure(let outcome):
            return outcome
        case .success((let configuration, let file)):
            let digest = file.flatMap { try? ConfigFiles.read($0).get() }.map(ConfigDigest.of)
            let header = showHeader(file: file, defaultFile: paths.configFile, digest: digest, daemon: daemon)
            return ConfigOutcome(output: header.comment + "\n" + configuration.tomlText(), errors: header.warning ?? "")
        }
    }

    static func initialize(force: Bool, paths: LimberPaths) -> ConfigOutcome {
        let file = paths.configFile
        if !force, ConfigFiles.exists(file) {
            return ConfigOutcome(status: failure, errors: "limber: \(file) already exists and was left as it is; "
                                 + "'limber config init --force' replaces it with the documented defaults\n")
        }
        switch ConfigFiles.writeAtomically(Array(DefaultConfigFile.text.utf8), to: file) {
        case .failure(let problem):
            return ConfigOutcome(status: failure, errors: "limber: \(problem.message)\n")
        case .success:
            return ConfigOutcome(output: "wrote the documented defaults to \(file); after an edit, run "
                                 + "'limber config check', then 'limber reload'\n")
        }
    }

    static func path(paths: LimberPaths) -> ConfigOutcome {
        ConfigOutcome(output: paths.configFile + "\n")
    }
}
