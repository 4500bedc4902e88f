import LimberFiles
import LimberProtocol

/// What `limber config show` learned from limberd about the configuration it runs on.
enum DaemonView: Equatable {
    /// Not asked (tests, or a caller that does not want the round trip).
    case notAsked
    /// No answer: not running, or not reachable.
    case unreachable
    /// The file it read (nil: the built-in defaults) and that file's digest as it read it
    /// (nil from a limberd that does not report one).
    case running(pid: Int32, configPath: String?, digest: String?)

    /// Asks limberd for its status.
    static func ask() -> DaemonView {
        guard let response = try? Client.exchange(.status), let s = response.status else { return .unreachable }
        return .running(pid: s.pid, configPath: s.configPath, digest: s.configDigest)
    }
}

extension ConfigTool {
    /// The comment that heads `config show`, and a warning for stderr when limberd runs on
    /// other settings than the ones shown. `file`: the file shown (nil: no file at the
    /// default path, the built-in defaults); `digest`: its bytes' `ConfigDigest` now.
    static func showHeader(file: String?, defaultFile: String, digest: String?,
                           daemon: DaemonView) -> (comment: String, warning: String?) {
        var lines: [String]
        var warning: String?
        if let file {
            lines = ["The settings in \(file), with the built-in defaults for what it leaves out."]
        } else {
            lines = ["No config file at \(defaultFile): these are the built-in defaults."]
        }
        switch daemon {
        case .notAsked:
            break
        case .unreachable:
            lines.append("limberd did not answer; it reads the file when it starts or reloads.")
        case .running(let pid, let path, let running):
            let who = "limberd (pid \(pid))"
            switch (file, path) {
            case (nil, nil):
                lines.append("\(who) runs on them.")
            case (nil, let path?):
                warning = "\(who) still runs on \(path) as it read it; without the file, "
                    + "'limber reload' makes it use the built-in defaults"
            case (let file?, let path?) where path == file:
                if let running, let digest, running == digest {
                    lines.append("\(who) runs on these.")
                } else if running != nil {
                    warning = "\(file) changed after \(who) read it, so it still runs on the old settings; "
                        + "'limber reload' applies these"
                } else {
                    lines.append("\(who) read this file; after an edit, 'limber reload' applies it.")
                }
            case (let file?, nil) where file == defaultFile:
                warning = "\(who) runs on the built-in defaults (there was no file when it last read it); "
                    + "'limber reload' applies these"
            case (_, let path):
                lines.append("\(who) runs on " + (path.map { "\($0), not this file." } ?? "the built-in defaults."))
            }
        }
        if let warning { lines.append("Not in effect yet: " + warning + ".") }
        return (lines.map { "# " + $0 }.joined(separator: "\n") + "\n", warning.map { "limber: " + $0 + "\n" })
    }
}
