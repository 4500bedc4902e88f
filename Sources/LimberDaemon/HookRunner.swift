import Glibc
import LimberCore
import LimberFiles
import Logging

/// Runs `[hooks]` commands without ever waiting for them: spawned with posix_spawn, their
/// output read from a pipe and logged line by line, their exit learned from a pidfd that
/// the loop watches (no SIGCHLD handler, no polling), and killed after the time limit.
///
/// A hook that fails, hangs or floods its output costs a log line, never a reminder.
public final class HookRunner {
    /// Hooks running at once; more are not started (and say so in the log).
    public static let maxRunning = 8
    /// Output logged per hook; the rest is read and counted, not kept.
    static let maxLoggedBytes = 16 * 1024
    /// Longest output line logged whole.
    static let maxLineBytes = 1024
    /// After SIGTERM at the time limit, how long before SIGKILL.
    static let killGrace = Duration.seconds(2)

    private let loop: EventLoop
    private let logger: Logger
    private let shell: String
    private var running: [Int32: Run] = [:]

    /// Hooks running now (for tests).
    public var runningCount: Int { running.count }

    /// `shell` runs each command as `shell -c COMMAND`.
    public init(loop: EventLoop, logger: Logger, shell: String = "/bin/sh") {
        self.loop = loop
        self.logger = logger
        self.shell = shell
    }

    deinit {
        // limberd is stopping: the hooks run on by themselves; only our ends are closed.
        for run in running.values { run.closeAll(loop) }
    }

    private final class Run {
        let pid: Int32
        let event: HookEvent
        var outputFD: Int32
        var pidFD: Int32
        var outputWatch: SourceID?
        var pidWatch: SourceID?
        var timer: SourceID?
        var pending: [UInt8] = []
        var logged = 0
        var dropped = 0
        var status: Int32?
        var timedOut = false

        init(pid: Int32, event: HookEvent, outputFD: Int32, pidFD: Int32) {
            self.pid = pid
            self.event = event
            self.outputFD = outputFD
            self.pidFD = pidFD
        }

        func closeAll(_ loop: EventLoop) {
            for id in [outputWatch, pidWatch, timer].compactMap({ $0 }) { loop.cancel(id) }
            outputWatch = nil; pidWatch = nil; timer = nil
            if outputFD >= 0 { close(outputFD) }
            if pidFD >= 0 { close(pidFD) }
            outputFD = -1; pidFD = -1
        }
    }

    /// Starts `command` for `invocation`; false when it could not be started (logged).
    @discardableResult
    public func run(_ command: String, _ invocation: HookInvocation, timeout: Duration) -> Bool {
        let event = invocation.event
        guard running.count < Self.maxRunning else {
            logger.warning("hook not run: \(Self.maxRunning) hooks are still running", metadata: ["hook": "\(event.rawValue)"])
            return false
        }
        var pipeFDs: [Int32] = [-1, -1]
        // pipe, then the flags: Glibc's module has no pipe2, and nothing else in limberd
        // spawns or forks, so no child can inherit the descriptors in between.
        guard pipe(&pipeFDs) == 0 else {
            logger.error("hook not run: cannot create a pipe: \(errnoText(errno))", metadata: ["hook": "\(event.rawValue)"])
            return false
        }
        let (readEnd, writeEnd) = (pipeFDs[0], pipeFDs[1])
        // Our end never blocks the loop; the child's end stays blocking (dup2 clears CLOEXEC).
        _ = fcntl(readEnd, F_SETFD, FD_CLOEXEC)
        _ = fcntl(writeEnd, F_SETFD, FD_CLOEXEC)
        _ = fcntl(readEnd, F_SETFL, fcntl(readEnd, F_GETFL) | O_NONBLOCK)

        var pid: pid_t = 0
        let spawned = withSpawnSetup(stdoutFD: writeEnd) { actions, attributes in
            var environment = Self.environment(adding: invocation.environment)
            environment.append(nil)
            defer { for p in environment { free(p) } }
            let argv: [UnsafeMutablePointer<CChar>?] = [strdup(shell), strdup("-c"), strdup(command), nil]
            defer { for p in argv { free(p) } }
            return posix_spawn(&pid, shell, &actions, &attributes, argv, environment)
        }
        close(writeEnd)
        guard spawned == 0 else {
            close(readEnd)
            // EACCES/EPERM here is most likely a sandbox that forbids running programs.
            let hint = spawned == EACCES || spawned == EPERM
                ? "; limberd's sandbox lets hooks run programs only when [hooks] were set at its start: "
                  + "restart it (systemctl --user restart limber)" : ""
            logger.error("hook not run: cannot start \(shell): \(errnoText(spawned))\(hint)",
                         metadata: ["hook": "\(event.rawValue)"])
            return false
        }
        let pidFD = Self.pidfdOpen(pid)
        let run = Run(pid: pid, event: event, outputFD: readEnd, pidFD: pidFD)
        running[pid] = run
        logger.debug("hook started", metadata: ["hook": "\(event.rawValue)", "pid": "\(pid)"])

        run.outputWatch = loop.watch(fd: readEnd, events: .readable) { [weak self, weak run] _ in
            guard let self, let run else { return false }
            return self.readOutput(run)
        }
        if pidFD >= 0 {
            run.pidWatch = loop.watch(fd: pidFD, events: .readable) { [weak self, weak run] _ in
                guard let self, let run else { return false }
                self.reap(run)
                return false
            }
        }
        run.timer = loop.after(timeout) { [weak self, weak run] in
            guard let self, let run else { return }
            run.timer = nil
            self.timeLimitReached(run, timeout: timeout)
        }
        return true
    }

    private func withSpawnSetup(stdoutFD: Int32,
                                _ body: (inout posix_spawn_file_actions_t, inout posix_spawnattr_t) -> Int32) -> Int32 {
        var actions = posix_spawn_file_actions_t()
        var attributes = posix_spawnattr_t()
        posix_spawn_file_actions_init(&actions)
        posix_spawnattr_init(&attributes)
        defer {
            posix_spawn_file_actions_destroy(&actions)
            posix_spawnattr_destroy(&attributes)
        }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, stdoutFD, 1)
        posix_spawn_file_actions_adddup2(&actions, stdoutFD, 2)
        // Its own process group, so the time limit ends whatever the command started too;
        // default signal actions and an empty mask, whatever the daemon ignores or blocks.
        var all = sigset_t()
        sigfillset(&all)
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
        return body(&actions, &attributes)
    }

    /// What systemd hands limberd alone: a hook that inherited it could speak for limberd.
    static let withheld: Set<String> = ["NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID", "LISTEN_FDS", "LISTEN_PID",
                                        "LISTEN_FDNAMES"]

    /// The daemon's environment, less `withheld`, with the hook's variables set over it, as
    /// malloc'd C strings.
    static func environment(adding variables: [(name: String, value: String)]) -> [UnsafeMutablePointer<CChar>?] {
        let names = Set(variables.map(\.name)).union(withheld)
        var out: [UnsafeMutablePointer<CChar>?] = []
        var p = environ
        while let entry = p.pointee {
            let text = String(cString: entry)
            let name = text.split(separator: "=", maxSplits: 1).first.map(String.init) ?? text
            if !names.contains(name) { out.append(strdup(entry)) }
            p += 1
        }
        for (name, value) in variables where !withheld.contains(name) {
            // A NUL would cut the value short in C; none of ours carries one, but be sure.
            out.append(strdup(name + "=" + value.filter { $0 != "\0" }))
        }
        return out
    }

    /// Reads what is waiting; returns whether to keep watching.
    private func readOutput(_ run: Run) -> Bool {
        var buffer = [UInt8](repeating: 0, count: 4096)
        let n = buffer.withUnsafeMutableBytes { read(run.outputFD, $0.baseAddress, $0.count) }
        if n < 0, errno == EINTR || errno == EAGAIN { return true }
        guard n > 0 else {
            // End of output: everything the hook and its children wrote is in.
            flushLine(run, final: true)
            run.outputWatch = nil
            close(run.outputFD)
            run.outputFD = -1
            if run.pidFD < 0 { reap(run) }
            finishIfDone(run)
            return false
        }
        for byte in buffer[..<n] {
            if byte == UInt8(ascii: "\n") {
                flushLine(run, final: false)
            } else if run.pending.count < Self.maxLineBytes {
                run.pending.append(byte)
            } else {
                run.dropped += 1
            }
        }
        return true
    }

    private func flushLine(_ run: Run, final: Bool) {
        defer { run.pending.removeAll(keepingCapacity: true) }
        guard !run.pending.isEmpty else { return }
        guard run.logged < Self.maxLoggedBytes else {
            run.dropped += run.pending.count
            return
        }
        run.logged += run.pending.count
        logger.info("hook \(run.event.rawValue): \(String(decoding: run.pending, as: UTF8.self))",
                    metadata: ["hook": "\(run.event.rawValue)", "pid": "\(run.pid)"])
    }

    /// The hook's process ended (its pidfd became readable): collect its status.
    private func reap(_ run: Run) {
        guard run.status == nil else { return }
        var status: Int32 = 0
        var r: pid_t
        repeat { r = waitpid(run.pid, &status, WNOHANG) } while r < 0 && errno == EINTR
        guard r == run.pid else { return }
        run.status = status
        if let id = run.pidWatch { loop.cancel(id) }
        run.pidWatch = nil
        if run.pidFD >= 0 { close(run.pidFD) }
        run.pidFD = -1
        let meta: Logger.Metadata = ["hook": "\(run.event.rawValue)", "pid": "\(run.pid)"]
        let exited = status & 0x7f == 0
        let code = (status >> 8) & 0xff
        let signal = status & 0x7f
        if run.timedOut {
            logger.warning("hook \(run.event.rawValue) was killed after its time limit", metadata: meta)
        } else if exited, code == 0 {
            logger.debug("hook \(run.event.rawValue) succeeded", metadata: meta)
        } else if exited {
            logger.warning("hook \(run.event.rawValue) failed with exit status \(code)", metadata: meta)
        } else {
            logger.warning("hook \(run.event.rawValue) ended by signal \(signal)", metadata: meta)
        }
        finishIfDone(run)
    }

    private func finishIfDone(_ run: Run) {
        // Done when it was reaped and its output is in; output held open by something the hook
        // left running ends at the time limit.
        guard run.status != nil, run.outputFD < 0 else { return }
        if run.dropped > 0 {
            logger.notice("hook \(run.event.rawValue): \(run.dropped) more bytes of output not logged",
                          metadata: ["hook": "\(run.event.rawValue)", "pid": "\(run.pid)"])
        }
        run.closeAll(loop)
        running[run.pid] = nil
    }

    private func timeLimitReached(_ run: Run, timeout: Duration) {
        if run.status == nil {
            run.timedOut = true
            logger.warning("hook \(run.event.rawValue) still running after \(ControlServer.describe(timeout)); stopping it",
                           metadata: ["hook": "\(run.event.rawValue)", "pid": "\(run.pid)"])
            kill(-run.pid, SIGTERM)
            run.timer = loop.after(Self.killGrace) { [weak self, weak run] in
                guard let self, let run else { return }
                run.timer = nil
                if run.status == nil { kill(-run.pid, SIGKILL) }
                self.reap(run)
                if run.status == nil {
                    // Without a pidfd, nothing else will tell us it ended: look once more.
                    run.timer = self.loop.after(.milliseconds(200)) { [weak self, weak run] in
                        guard let self, let run else { return }
                        self.reap(run)
                        self.abandonOutput(run)
                    }
                } else {
                    self.abandonOutput(run)
                }
            }
        } else {
            // Exited, but something it started still holds the output open: that is part of
            // the hook too, and its time is up. (The group's id cannot be reused while a
            // member of the group is alive.)
            logger.warning("hook \(run.event.rawValue) left processes running past its time limit; stopping them",
                           metadata: ["hook": "\(run.event.rawValue)", "pid": "\(run.pid)"])
            kill(-run.pid, SIGKILL)
            abandonOutput(run)
        }
    }

    private func abandonOutput(_ run: Run) {
        if run.outputFD >= 0 {
            flushLine(run, final: true)
            if let id = run.outputWatch { loop.cancel(id) }
            run.outputWatch = nil
            close(run.outputFD)
            run.outputFD = -1
        }
        if run.status == nil {
            logger.error("hook \(run.event.rawValue) (pid \(run.pid)) could not be reaped")
            run.closeAll(loop)
            running[run.pid] = nil
            return
        }
        finishIfDone(run)
    }

    private typealias PidfdOpen = @convention(c) (pid_t, UInt32) -> Int32

    private static let pidfdOpenFunction: PidfdOpen? = {
        guard let handle = dlopen(nil, RTLD_NOW), let symbol = dlsym(handle, "pidfd_open") else { return nil }
        return unsafeBitCast(symbol, to: PidfdOpen.self)
    }()

    /// A pidfd for `pid` (readable once it exits), or -1 where the kernel or libc has none:
    /// then the end of its output, or the time limit, is when it is reaped.
    static func pidfdOpen(_ pid: pid_t) -> Int32 {
        guard let f = pidfdOpenFunction else { return -1 }
        return f(pid, 0)
    }
}
