/// Where limber keeps its files, by the XDG base directory rules; the environment is passed in.
public struct LimberPaths: Sendable, Equatable {
    /// `$XDG_CONFIG_HOME/limber/config.toml`.
    public var configFile: String
    /// `$XDG_STATE_HOME/limber`: state and history.
    public var stateDirectory: String
    /// `$XDG_RUNTIME_DIR/limber`: the control socket and the instance lock; nil without XDG_RUNTIME_DIR.
    public var runtimeDirectory: String?

    /// The control socket, when there is a runtime directory.
    public var controlSocket: String? { runtimeDirectory.map { $0 + "/control.sock" } }

    /// Resolves the paths from an environment like `ProcessInfo.processInfo.environment`.
    public init(environment env: [String: String]) {
        func absolute(_ key: String) -> String? {
            guard let v = env[key], v.hasPrefix("/") else { return nil }  // XDG: relative values are ignored
            return v
        }
        let home = env["HOME"] ?? "/"
        let homeBase = home.hasSuffix("/") ? String(home.dropLast()) : home
        configFile = (absolute("XDG_CONFIG_HOME") ?? homeBase + "/.config") + "/limber/config.toml"
        stateDirectory = (absolute("XDG_STATE_HOME") ?? homeBase + "/.local/state") + "/limber"
        runtimeDirectory = absolute("XDG_RUNTIME_DIR").map { $0 + "/limber" }
    }

    /// Said when there is no XDG_RUNTIME_DIR: what is wrong and how to fix it.
    public static let noRuntimeDirectoryMessage =
        "XDG_RUNTIME_DIR is not set, so there is no private place for limber's control socket. "
        + "Run limber inside a user session (systemd-logind sets it, e.g. /run/user/$(id -u)), "
        + "or export XDG_RUNTIME_DIR to a folder only you can read."
}
