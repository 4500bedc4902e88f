import LimberConfig
import LimberDaemon
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
            return .success(DaemonSettings(configPath: nil))
        case .standard:
            path = paths.configFile
        case .file(let explicit):
            path = explicit
        }
        let bytes: [UInt8]
        switch read(path) {
        case .success(let b):
            bytes = b
        case .failure(let failure) where failure.code == ENOENT && source == .standard:
            // No file at the XDG path: the built-in defaults (a deleted file on reload too).
            return .success(DaemonSettings(configPath: nil))
        case .failure(let failure):
            // The summary is the whole story here; limberd logs it (stderr in a terminal).
            let message = "cannot read \(path): \(String(cString: strerror(failure.code)))"
            return .failure(ConfigFailure(summary: message, diagnostics: []))
        }
        switch LimberConfiguration.load(bytes, fileName: path) {
        case .success(let configuration):
            return .success(settings(from: configuration, path: path))
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
        return DaemonSettings(schedule: configuration.schedule, expiry: expiry, urgency: urgency, configPath: path)
    }

    /// The whole file, or the errno that stopped the read. Config files are small; anything
    /// over 4 MiB is refused as the wrong file (a path like /dev/zero would never end).
    static func read(_ path: String) -> Result<[UInt8], Errno> {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return .failure(Errno(code: errno)) }
        defer { close(fd) }
        var data: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0, errno == EINTR { continue }
            if n < 0 { return .failure(Errno(code: errno)) }
            if n == 0 { return .success(data) }
            data.append(contentsOf: chunk[0..<n])
            if data.count > 4 << 20 { return .failure(Errno(code: EFBIG)) }
        }
    }

    struct Errno: Error {
        var code: Int32
    }
}

let status = Daemon.main(arguments: CommandLine.arguments, environment: processEnvironment(),
                         loadSettings: ConfigLoader.settings)
exit(status)
