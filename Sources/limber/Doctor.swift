import ArgumentParser
import JSON
import LimberCore
import LimberFiles
import LimberProtocol
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

struct Doctor: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check everything limber needs here and say, for each, OK or the fix.",
        discussion: """
            Looks at the user unit (installed, enabled, active), the user manager's
            environment (DBUS_SESSION_BUS_ADDRESS, WAYLAND_DISPLAY or DISPLAY), the
            notification server (name, version, capabilities, and what limber does on it),
            limberd and the idle, lock and sleep sources it watches (with what would provide
            the missing ones), GNOME's own break reminders, the config file, the state
            folder, and limberd's sandbox.

            Exit status: 0 when all is well (warnings included), 1 when a check failed.
            """)

    @Flag(help: "Print the checks as JSON: {\"ok\": ..., \"checks\": [{\"name\", \"status\", \"summary\", \"fix\"}]}.")
    var json = false

    private struct Report: Encodable {
        var ok: Bool
        var checks: [DoctorCheck]
    }

    func run() throws {
        let checks = DoctorProbe(environment: ProcessInfo.processInfo.environment).checks()
        let ok = !checks.contains { $0.status == .fail }
        if json {
            print(String(decoding: (try? JSON.encode(Report(ok: ok, checks: checks))) ?? Array("{}".utf8), as: UTF8.self))
        } else {
            let width = checks.map(\.name.count).max() ?? 0
            for c in checks {
                let mark = c.status == .ok ? "OK  " : c.status == .warn ? "WARN" : "FAIL"
                // Summaries carry what the notification server and the config said: text only.
                print(TerminalText.safe("\(mark) \(c.name)\(String(repeating: " ", count: width - c.name.count))  \(c.summary)"))
                if let fix = c.fix, c.status != .ok {
                    print(TerminalText.safe("     \(String(repeating: " ", count: width))  fix: \(fix)"))
                }
            }
            print(ok ? "All is well." : "Some checks failed; the fixes are above.")
        }
        if !ok { throw ExitCode(1) }
    }
}

/// Gathers the facts for `DoctorRules`: from limberd, systemctl, busctl, gsettings and the
/// file system. Every outside command runs with a time limit.
struct DoctorProbe {
    var environment: [String: String]
    static let commandTimeout: Int32 = 3000

    func checks() -> [DoctorCheck] {
        var out: [DoctorCheck] = []
        let status = daemonStatus()
        let unitProps = systemctlShow()
        out.append(DoctorRules.unit(unitProps, daemonReachable: status.report != nil))
        out.append(DoctorRules.environment(managerEnvironment()))
        let (server, serverError) = notificationServer()
        out.append(DoctorRules.notifications(server, error: serverError))
        if let s = status.report {
            out.append(DoctorCheck("daemon", .ok, "limberd \(s.version) (pid \(s.pid)) answers; \(s.state)"))
            out.append(DoctorRules.idle(s.presence, desktop: environment["XDG_CURRENT_DESKTOP"] ?? ""))
            if let pause = DoctorRules.naturalPause(s.presence) { out.append(pause) }
            let proc = try? ConfigFiles.read("/proc/\(s.pid)/status").get()
            let underUnit = unitProps?["MainPID"] == String(s.pid)
            out.append(DoctorRules.sandbox(status.ownSandbox, procStatus: proc.map { String(decoding: $0, as: UTF8.self) },
                                           underUnit: underUnit))
        } else {
            out.append(DoctorCheck("daemon", .fail, status.error ?? "limberd does not answer",
                                   fix: "systemctl --user start limber (or run 'limberd' in a terminal); "
                                        + "'journalctl --user -u limber' says why it stopped"))
        }
        out.append(DoctorRules.gnomeBreaks(gnomeBreakReminders()))
        out.append(config())
        out.append(stateFolder())
        return out
    }

    private func daemonStatus() -> (report: StatusReport?, ownSandbox: DoctorRules.SelfSandbox?, error: String?) {
        let path: String
        do {
            path = try Client.socketPath()
        } catch {
            return (nil, nil, error.message)
        }
        // The raw line, so a field this limber's types do not have (the self-sandbox) is read too.
        guard let line = StatusFollow.answerLine(path, .status) else {
            do {
                close(try StatusFollow.connect(path, sending: .status))
                return (nil, nil, "limberd at \(path) did not answer within 5 s")
            } catch {
                return (nil, nil, error.message)
            }
        }
        struct Raw: Decodable {
            struct Status: Decodable { var sandbox: DoctorRules.SelfSandbox? }
            var status: Status?
        }
        let response = Response.decode(line)
        let own = (try? JSON.decode(Raw.self, from: line))?.status?.sandbox
        return (response?.status, own, response?.error?.message ?? (response == nil ? "limberd's answer could not be read" : nil))
    }

    private func systemctlShow() -> [String: String]? {
        guard let out = Self.run(["systemctl", "--user", "show", DoctorRules.unitName,
                                  "-p", "LoadState,UnitFileState,ActiveState,SubState,Result,MainPID"],
                                 environment: environment), out.status == 0 else { return nil }
        return Self.keyValues(out.output)
    }

    private func managerEnvironment() -> [String: String]? {
        guard let out = Self.run(["systemctl", "--user", "show-environment"], environment: environment),
              out.status == 0 else { return nil }
        return Self.keyValues(out.output)
    }

    private func notificationServer() -> (DoctorRules.Server?, String?) {
        let base = ["busctl", "--user", "--json=short", "--timeout=2", "call", "org.freedesktop.Notifications",
                    "/org/freedesktop/Notifications", "org.freedesktop.Notifications"]
        guard let info = Self.run(base + ["GetServerInformation"], environment: environment) else {
            return (nil, "busctl is not installed")
        }
        guard info.status == 0 else {
            return (nil, info.errors.trimmingSpacesAndNewlines.isEmpty ? nil : info.errors.trimmingSpacesAndNewlines)
        }
        struct Reply: Decodable { var data: [String] }
        struct CapsReply: Decodable { var data: [[String]] }
        guard let fields = try? JSON.decode(Reply.self, from: Array(info.output.utf8)).data, fields.count >= 3 else {
            return (nil, "the server's answer could not be read")
        }
        var caps: [String] = []
        if let c = Self.run(base + ["GetCapabilities"], environment: environment), c.status == 0,
           let list = try? JSON.decode(CapsReply.self, from: Array(c.output.utf8)).data.first {
            caps = list
        }
        return (DoctorRules.Server(name: fields[0], vendor: fields[1], version: fields[2], capabilities: caps), nil)
    }

    private func gnomeBreakReminders() -> String? {
        guard let out = Self.run(["gsettings", "get", "org.gnome.desktop.break-reminders", "selected-breaks"],
                                 environment: environment), out.status == 0 else { return nil }
        return out.output
    }

    private func config() -> DoctorCheck {
        let paths = LimberPaths(environment: environment)
        switch ConfigTool.load(path: nil, paths: paths) {
        case .success((_, nil)):
            return DoctorCheck("config", .ok, "no config file; the built-in defaults")
        case .success((let c, let file?)):
            let n = c.differences().count
            return DoctorCheck("config", .ok, "\(file) checks clean (\(n) setting\(n == 1 ? "" : "s") changed)")
        case .failure(let outcome):
            let first = (outcome.errors + outcome.output).split(separator: "\n").first.map(String.init) ?? "errors"
            return DoctorCheck("config", .fail, first, fix: "limber config check (lists every problem), then limber reload")
        }
    }

    private func stateFolder() -> DoctorCheck {
        let dir = LimberPaths(environment: environment).stateDirectory
        var st = stat()
        if stat(dir, &st) != 0 {
            // Not there yet: limberd creates it; its parent must be writable.
            let parent = String(dir[..<(dir.lastIndex(of: "/") ?? dir.endIndex)])
            if access(parent, W_OK) == 0 || access(parent, F_OK) != 0 {
                return DoctorCheck("state", .ok, "\(dir) does not exist yet; limberd creates it")
            }
            return DoctorCheck("state", .fail, "\(dir) cannot be created: \(parent) is not writable",
                               fix: "make \(parent) writable for you, or set XDG_STATE_HOME")
        }
        guard st.st_mode & S_IFMT == S_IFDIR else {
            return DoctorCheck("state", .fail, "\(dir) is not a folder", fix: "move it away: mv '\(dir)' '\(dir).old'")
        }
        guard access(dir, W_OK | X_OK) == 0 else {
            return DoctorCheck("state", .fail, "\(dir) is not writable", fix: "chmod u+rwx '\(dir)' (it should be yours, mode 0700)")
        }
        return DoctorCheck("state", .ok, "\(dir) is writable")
    }

    static func keyValues(_ text: String) -> [String: String] {
        var out: [String: String] = [:]
        for line in text.split(separator: "\n") {
            guard let eq = line.firstIndex(of: "=") else { continue }
            out[String(line[..<eq])] = String(line[line.index(after: eq)...])
        }
        return out
    }

    struct CommandOutput {
        var status: Int32
        var output: String
        var errors: String
    }

    /// Runs `argv` (searched in PATH) with a time limit; nil when it cannot be started.
    /// Output is capped at 1 MiB per stream.
    static func run(_ argv: [String], environment: [String: String]) -> CommandOutput? {
        var outPipe: [Int32] = [-1, -1], errPipe: [Int32] = [-1, -1]
        guard pipe(&outPipe) == 0 else { return nil }
        guard pipe(&errPipe) == 0 else { close(outPipe[0]); close(outPipe[1]); return nil }
        for fd in [outPipe[0], errPipe[0]] { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errPipe[1], 2)
        let cArgs = argv.map { strdup($0) } + [nil]
        let cEnv = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for p in cArgs + cEnv { free(p) } }
        var pid: pid_t = 0
        let spawned = posix_spawnp(&pid, argv[0], &actions, nil, cArgs, cEnv)
        close(outPipe[1]); close(errPipe[1])
        defer { close(outPipe[0]); close(errPipe[0]) }
        guard spawned == 0 else { return nil }
        var output: [[UInt8]] = [[], []]
        var open = [true, true]
        var deadline = timespec()
        clock_gettime(CLOCK_MONOTONIC, &deadline)
        let end = Int(deadline.tv_sec) * 1000 + Int(deadline.tv_nsec) / 1_000_000 + Int(commandTimeout)
        var chunk = [UInt8](repeating: 0, count: 4096)
        while open[0] || open[1] {
            var now = timespec()
            clock_gettime(CLOCK_MONOTONIC, &now)
            let left = end - (Int(now.tv_sec) * 1000 + Int(now.tv_nsec) / 1_000_000)
            if left <= 0 { kill(pid, SIGKILL); break }
            var fds = [pollfd(fd: open[0] ? outPipe[0] : -1, events: Int16(POLLIN), revents: 0),
                       pollfd(fd: open[1] ? errPipe[0] : -1, events: Int16(POLLIN), revents: 0)]
            if poll(&fds, 2, Int32(left)) < 0, errno != EINTR { break }
            for i in 0..<2 where open[i] && fds[i].revents != 0 {
                let n = chunk.withUnsafeMutableBytes { read(fds[i].fd, $0.baseAddress, $0.count) }
                if n > 0 {
                    if output[i].count < 1 << 20 { output[i] += chunk[..<n] }
                } else if n == 0 || errno != EINTR {
                    open[i] = false
                }
            }
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let exited = status & 0x7f == 0
        return CommandOutput(status: exited ? (status >> 8) & 0xff : 128 + (status & 0x7f),
                             output: String(decoding: output[0], as: UTF8.self),
                             errors: String(decoding: output[1], as: UTF8.self))
    }
}
