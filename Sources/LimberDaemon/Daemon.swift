import LimberCore
import LimberFiles
import LimberProtocol
import Logging
import CProcessMemory
#if canImport(Glibc)
import Glibc
#endif

/// Where limberd takes its configuration from.
public enum ConfigSource: Sendable, Equatable {
    /// `$XDG_CONFIG_HOME/limber/config.toml`, or the built-in defaults when it does not exist.
    case standard
    /// `--config PATH`: this file, which must exist.
    case file(String)
    /// `--defaults`: the built-in defaults, whatever files exist.
    case defaults
}

/// limberd's start-up and shutdown: wires the adapters to the engine and runs the GLib loop.
public enum Daemon {
    /// BSD sysexits: the configuration is invalid; the unit does not restart on it.
    public static let exitConfig: Int32 = 78

    static let usage = """
        Usage: limberd [--config PATH | --defaults]

        limber's daemon: schedules posture checks and movement routines and shows them as
        desktop notifications. Run it as a systemd user service ('systemctl --user start limber')
        or in a terminal; answer reminders with the 'limber' command.

        Options:
          --config PATH   read this configuration file instead of
                          $XDG_CONFIG_HOME/limber/config.toml
          --defaults      ignore any configuration file; use the built-in defaults
          --version       print the version and exit
          -h, --help      print this help and exit
        """

    /// Runs limberd with the process's arguments and environment; returns the exit status.
    public static func main(arguments: [String], environment: [String: String],
                            loadSettings: @escaping (_ source: ConfigSource, _ paths: LimberPaths)
                                -> Result<DaemonSettings, ConfigFailure>) -> Int32
    {
        var source = ConfigSource.standard
        var args = arguments.dropFirst()
        while let arg = args.popFirst() {
            switch arg {
            case "--version":
                print("limberd \(LimberVersion.current)")
                return 0
            case "-h", "--help":
                print(usage)
                return 0
            case "--config":
                guard let path = args.popFirst() else {
                    printError("limberd: --config needs a path\n\(usage)")
                    return 2
                }
                source = .file(path)
            case "--defaults":
                source = .defaults
            default:
                if arg.hasPrefix("--config=") {
                    source = .file(String(arg.dropFirst("--config=".count)))
                } else {
                    printError("limberd: unknown argument '\(arg)'\n\(usage)")
                    return 2
                }
            }
        }

        LimberLogging.bootstrap(level: environment["LIMBER_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info)
        let logger = Logger(label: "limberd")
        let paths = LimberPaths(environment: environment)
        guard let runtime = paths.runtimeDirectory, let socketPath = paths.controlSocket else {
            logger.critical("\(LimberPaths.noRuntimeDirectoryMessage)")
            return 1
        }

        // Before anything is created there: a runtime folder another user owns or can write to
        // would let them stand in for this limberd's socket.
        if let distrust = RuntimeFolder.distrust(folder: parentDirectory(of: runtime), followLink: true) {
            logger.critical("\(distrust)")
            return 1
        }

        let settings: DaemonSettings
        switch loadSettings(source, paths) {
        case .success(let s): settings = s
        case .failure(let f):
            for d in f.diagnostics { printError(d) }
            logger.critical("\(f.summary); fix it and start limberd again (check it with 'limber config check')")
            return exitConfig
        }

        let lock: InstanceLock
        let store: StateStore
        let history: HistoryLog
        do {
            lock = try InstanceLock.acquire(runtimeDirectory: runtime)
            store = try StateStore(directory: paths.stateDirectory)
            history = try HistoryLog(directory: paths.stateDirectory, host: HistoryLog.hostName())
        } catch {
            logger.critical("\(error)")
            return 1
        }
        // State writes killed half-way leave their temporary files; we hold the lock, so no
        // other writer's file can be among them.
        do {
            let removed = try store.removeLeftoverTemporaryFiles()
            if removed > 0 { logger.info("removed \(removed) temporary file\(removed == 1 ? "" : "s") left by an interrupted state write") }
        } catch {
            logger.warning("cannot clean up the state folder: \(error)")
        }

        // Before the first thread (GLib's D-Bus worker) starts: Landlock confines the calling
        // thread and what it starts from then on. The config file is read again on reload.
        let configFile: String?
        switch source {
        case .standard: configFile = paths.configFile
        case .file(let path): configFile = path
        case .defaults: configFile = nil
        }
        // Hooks are programs limberd starts inside its sandbox: set at start, they may run.
        let sandbox = SelfSandbox.apply(stateDirectory: paths.stateDirectory, runtimeDirectory: runtime,
                                        configFile: configFile, environment: environment,
                                        runsPrograms: !settings.hooks.commands.isEmpty, logger: logger)
        #if LIMBER_TESTING
        // Testing aid: try to create this file once confined, and log what happened.
        if let probe = environment["LIMBER_TEST_SANDBOX_PROBE"] {
            let fd = open(probe, O_WRONLY | O_CREAT | O_CLOEXEC, 0o600)
            let code = errno
            if fd >= 0 { close(fd) }
            logger.info("testing aid: creating \(probe): \(fd >= 0 ? "allowed" : "refused, errno \(code)")")
        }
        #endif

        let loop = GLibLoop()
        let systemd = SystemdNotifier()
        let notifier = Notifier(appName: "limber", loop: loop, logger: logger)
        let profiles = ServerProfileProbe(loop: loop, logger: logger)
        notifier.serverProfile = { profiles.current() }
        profiles.start()
        var safetyNotice = true
        #if LIMBER_TESTING
        // Testing aid: tests of other things need not count the safety notice shown once.
        if environment["LIMBER_TEST_SAFETY_NOTICE"] == "off" { safetyNotice = false }
        #endif
        let clock = makeClock(environment, logger: logger)
        let engine = Engine(settings: settings, loop: loop, clock: clock,
                            presenter: notifier, systemd: systemd, store: store, history: history,
                            logger: logger, showsSafetyNotice: safetyNotice, loadSettings: { loadSettings(source, paths) })
        let presence = PresenceMonitor(loop: loop, logger: logger, environment: environment,
                                       idleThreshold: clock.realDelay(settings.schedule.away.idleThreshold))
        engine.presence = presence
        engine.hookRunner = HookRunner(loop: loop, logger: logger)
        engine.sandbox = sandbox
        presence.onReport = { [unowned engine] source, away, idleFor in
            engine.awayReported(source, away: away, idleFor: idleFor)
        }
        presence.onProbed = { [unowned engine] live in engine.presenceProbed(live: live) }
        presence.onChange = { [unowned engine] in engine.presenceChanged() }
        let holds = HoldWatcher(loop: loop, logger: logger, graphical: PresenceMonitor.isGraphical(environment))
        holds.onHold = { [unowned engine] source, on in engine.holdReported(source, on: on) }
        let banners = GSettingsHold(logger: logger)
        banners.onHold = { [unowned engine] on in engine.holdReported(.gnomeBanners, on: on) }
        let camera = CameraWatcher(loop: loop, logger: logger, folder: CameraWatcher.folder(environment: environment))
        camera.onHold = { [unowned engine] on in engine.holdReported(.camera, on: on) }
        engine.onReload = { [unowned presence, unowned holds] new in
            presence.reload(idleThreshold: clock.realDelay(new.schedule.away.idleThreshold))
            holds.retryIfMissing()
        }
        let server: ControlServer
        do {
            server = try ControlServer(path: socketPath, loop: loop, logger: logger) { [unowned engine] line, _ in
                engine.handle(requestLine: line)
            }
        } catch {
            logger.critical("\(error)")
            return 1
        }
        let followers = StatusFollowers(loop: loop, logger: logger) { [unowned engine] in
            Response.success(status: engine.report(at: engine.clock.now())).encoded()
        }
        server.onSubscribe = { [unowned followers] fd, peer in followers.add(fd: fd, peer: peer) }
        engine.onStatusChange = { [unowned followers] in followers.publish() }

        let stop: () -> Void = {
            systemd.stopping()
            logger.info("stopping")
            loop.quit()
        }
        loop.onSignal(SIGTERM, stop)
        loop.onSignal(SIGINT, stop)
        loop.onSignal(SIGHUP) { engine.reload() }

        engine.start()
        // After the restored schedule: the sources' first reports (async) then apply to it.
        presence.start()
        holds.start()
        banners.start(environment: environment)
        camera.start()
        systemd.ready()
        handBackStartupPages(after: .seconds(5), loop: loop)
        logger.info("limberd \(LimberVersion.current) ready", metadata: [
            "socket": "\(socketPath)", "state": "\(paths.stateDirectory)",
            "config": "\(settings.configPath ?? "built-in defaults")", "sandbox": "\(sandbox.state)",
        ])
        loop.run()

        engine.stop()
        // The last calls (a guided routine's notification taken down) reach the server,
        // unless it hangs: then limberd does not wait for it.
        notifier.drain(within: .seconds(2))
        presence.stop()
        holds.stop()
        banners.stop()
        camera.stop()
        followers.closeAll()
        server.close()
        withExtendedLifetime(lock) {}
        return 0
    }

    static func makeClock(_ environment: [String: String], logger: Logger) -> DaemonClock {
        #if LIMBER_TESTING
        if let text = environment["LIMBER_TEST_SCALE"], let scale = Int64(text), scale > 1 {
            logger.warning("testing aid: scheduler time runs \(scale)× faster (LIMBER_TEST_SCALE)")
            // A restarted limberd keeps the time earlier ones were advanced by, as the
            // harness passes it on: scheduler time must not run backwards across a restart.
            let skipped = environment["LIMBER_TEST_SKIPPED"].flatMap { Int64($0) } ?? 0
            return ScaledClock(scale: scale, skipped: .seconds(skipped))
        }
        #endif
        return SystemClock()
    }
}

/// Start-up runs code that waiting never runs again (the config and catalog parsers, the
/// first D-Bus replies, the sandbox). Once those are done, the program's read-only pages are
/// handed back to the kernel (MADV_PAGEOUT): idle limberd then keeps resident only what it
/// touches again, and a reminder or a request reads its code back from the executable.
/// One timer, once; the kernel skips pages another process maps too.
private func handBackStartupPages(after delay: Duration, loop: EventLoop) {
    loop.after(delay) {
        // Before Linux 5.4 (no MADV_PAGEOUT) this fails with EINVAL and the pages simply stay.
        _ = limber_page_out_program_text()
    }
}
