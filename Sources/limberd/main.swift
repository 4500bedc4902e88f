import LimberCatalog
import LimberConfig
import LimberDaemon
import LimberFiles
import LimberProtocol
#if canImport(Glibc)
import Glibc
#endif

/// Reads and checks the configuration file for the daemon, at start-up and on every reload.
enum ConfigLoader {
    static func settings(_ source: ConfigSource, _ paths: LimberPaths) -> Result<DaemonSettings, ConfigFailure> {
        let path: String
        switch source {
        case .defaults:
            return .success(DaemonSettings.builtIn(DaemonSettings(configPath: nil)))
        case .standard:
            path = paths.configFile
        case .file(let explicit):
            path = explicit
        }
        let bytes: [UInt8]
        switch ConfigFiles.read(path) {
        case .success(let b):
            bytes = b
        case .failure(.missing) where source == .standard:
            // No file at the XDG path: the built-in defaults (a deleted file on reload too).
            return .success(DaemonSettings.builtIn(DaemonSettings(configPath: nil)))
        case .failure(.missing):
            return .failure(ConfigFailure(summary: "cannot read \(path): No such file or directory", diagnostics: []))
        case .failure(.other(let message)):
            // The summary is the whole story here; limberd logs it (stderr in a terminal).
            return .failure(ConfigFailure(summary: message, diagnostics: []))
        }
        switch LimberConfiguration.load(bytes, fileName: path) {
        case .success(let configuration):
            var settings = settings(from: configuration, path: path)
            settings.configDigest = ConfigDigest.of(bytes)
            settings.sound = configuration.notifications.sound
            return .success(settings)
        case .failure(let diagnostics):
            return .failure(ConfigFailure(summary: diagnostics.summary, diagnostics: diagnostics.rendered))
        }
    }

    static func settings(from configuration: LimberConfiguration, path: String?) -> DaemonSettings {
        let expiry: NotificationContent.Expiry
        switch configuration.notifications.expire {
        case .serverDefault: expiry = .serverDefault
        case .never: expiry = .never
        case .after(let d): expiry = .after(d)
        }
        let urgency: NotificationContent.Urgency = configuration.notifications.urgency == .low ? .low : .normal
        var settings = DaemonSettings(schedule: configuration.schedule, expiry: expiry, urgency: urgency, configPath: path,
                              coach: configuration.coach, catalog: configuration.catalog)
        settings.hooks = configuration.hooks
        return DaemonSettings.builtIn(settings)
    }
}

extension DaemonSettings {
    /// `s` with the built-in catalog, parsed when the coach first needs it.
    static func builtIn(_ s: DaemonSettings) -> DaemonSettings {
        var s = s
        s.builtInCatalog = CatalogProvider { BuiltInCatalog.catalog }
        return s
    }
}

let status = Daemon.main(arguments: CommandLine.arguments, environment: processEnvironment(),
                         loadSettings: ConfigLoader.settings)
exit(status)
