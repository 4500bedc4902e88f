import Logging
import Synchronization
import Testing

@testable import LimberDaemon

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

import LimberTestSupport
#if canImport(Glibc)
import Glibc
#endif

// MARK: - Harness: a private session bus and a recording notification server

/// A child process with a pipe to its stdin and one from its stdout; stderr is inherited.
final class Child {
    let pid: pid_t
    private var stdinFD: Int32
    private let stdoutFD: Int32
    private var pending: [UInt8] = []
    private var reaped = false

    init(_ argv: [String]) throws {
        var input: [Int32] = [-1, -1]
        var output: [Int32] = [-1, -1]
        guard pipe(&input) == 0 else { throw TestFailure("pipe: errno \(errno)") }
        guard pipe(&output) == 0 else {
            close(input[0]); close(input[1])
            throw TestFailure("pipe: errno \(errno)")
        }
        // No other child may inherit these ends, or EOF would never arrive. (pipe2 is not
        // visible from Swift's Glibc module.)
        for fd in input + output { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, input[0], 0)
        posix_spawn_file_actions_adddup2(&actions, output[1], 1)
        // A child inherits the spawning thread's signal mask and ignored signals. Tests run
        // on libdispatch threads, which block SIGTERM among others, and SIGPIPE is ignored
        // here: give children a clean slate, or `kill` would not stop them.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGPIPE)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let cArguments = argv.map { strdup($0) } + [nil]
        defer { cArguments.forEach { free($0) } }
        var pid: pid_t = 0
        let rc = posix_spawnp(&pid, argv[0], &actions, &attributes, cArguments, environ)
        close(input[0])
        close(output[1])
        guard rc == 0 else {
            close(input[1]); close(output[0])
            throw TestFailure("cannot start \(argv[0]): \(String(cString: strerror(rc)))")
        }
        self.pid = pid
        stdinFD = input[1]
        stdoutFD = output[0]
    }

    deinit {
        closeInput()
        if !reaped {
            kill(pid, SIGKILL)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
        }
        close(stdoutFD)
    }

    func send(_ line: String) {
        let bytes = Array((line + "\n").utf8)
        _ = bytes.withUnsafeBytes { write(stdinFD, $0.baseAddress, $0.count) }
    }

    /// The next stdout line, or nil at EOF or after `timeout`.
    func readLine(timeout: Duration = .seconds(10)) -> String? {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            if let newline = pending.firstIndex(of: 10) {
                let line = String(decoding: pending[..<newline], as: UTF8.self)
                pending.removeSubrange(...newline)
                return line
            }
            let remaining = deadline - clock.now
            guard remaining > .zero else { return nil }
            var poller = pollfd(fd: stdoutFD, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, Int32(remaining / .milliseconds(1)) + 1)
            if ready <= 0 { continue }
            let n = read(stdoutFD, &buffer, buffer.count)
            if n <= 0 { return nil }
            pending += buffer[0..<n]
        }
    }

    func closeInput() {
        if stdinFD >= 0 {
            close(stdinFD)
            stdinFD = -1
        }
    }

    /// Closes stdin and waits for the exit; kills the child after `timeout`.
    func stop(timeout: Duration = .seconds(5)) {
        closeInput()
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        var status: Int32 = 0
        while !reaped {
            if waitpid(pid, &status, WNOHANG) == pid {
                reaped = true
            } else if clock.now >= deadline {
                kill(pid, SIGKILL)
                waitpid(pid, &status, 0)
                reaped = true
            } else {
                usleep(10_000)
            }
        }
    }
}

/// One private dbus-daemon for the whole test process, without service files (nothing is
/// auto-started), exported as DBUS_SESSION_BUS_ADDRESS.
///
/// It must outlive this process: GDBus raises SIGTERM in a process whose session bus goes
/// away. A shell keeps it, reading a pipe only this process holds, and stops it at EOF.
enum TestSessionBus {
    static let toolsPresent = access("/usr/bin/dbus-daemon", X_OK) == 0 && access("/usr/bin/python3", X_OK) == 0

    /// The bus's directory (holding fake.py), or why the bus could not start.
    static let directory: Result<String, TestFailure> = start()

    private static func start() -> Result<String, TestFailure> {
        var template = Array("/tmp/limber-test-bus-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { return .failure(TestFailure("mkdtemp: errno \(errno)")) }
        let dir = String(cString: made)
        do {
            try writeFile(dir + "/bus.conf", busConfig(socket: dir + "/bus"))
            try writeFile(dir + "/fake.py", fakeServerSource)
            let keeper = try Child(["/bin/sh", "-c", """
                dbus-daemon --config-file="$1/bus.conf" --nofork --print-address=1 2>/dev/null &
                daemon=$!
                cat >/dev/null
                kill $daemon; wait $daemon; rm -rf "$1"
                """, "sh", dir])
            guard let address = keeper.readLine(), address.hasPrefix("unix:") else {
                return .failure(TestFailure("dbus-daemon printed no address"))
            }
            setenv("DBUS_SESSION_BUS_ADDRESS", address, 1)
            signal(SIGPIPE, SIG_IGN)  // a write to a fake that just exited must not kill us
            _ = Unmanaged.passRetained(keeper)  // never closed: EOF comes when this process ends
            return .success(dir)
        } catch let failure as TestFailure {
            return .failure(failure)
        } catch {
            return .failure(TestFailure("\(error)"))
        }
    }

    private static func writeFile(_ path: String, _ text: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw TestFailure("cannot write \(path): errno \(errno)") }
        defer { close(fd) }
        let bytes = Array(text.utf8)
        guard bytes.withUnsafeBytes({ write(fd, $0.baseAddress, $0.count) }) == bytes.count else {
            throw TestFailure("short write to \(path)")
        }
    }

    private static func busConfig(socket: String) -> String {
        """
        <!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
         "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
        <busconfig>
          <type>session</type>
          <listen>unix:path=\(socket)</listen>
          <auth>EXTERNAL</auth>
          <policy context="default">
            <allow send_destination="*" eavesdrop="true"/>
            <allow eavesdrop="true"/>
            <allow own="*"/>
          </policy>
        </busconfig>
        """
    }

    /// Owns org.freedesktop.Notifications, prints every call as a JSON line, and takes
    /// "action ID KEY" / "closed ID REASON" on stdin to emit the signals; after "hang" it
    /// takes Notify calls and does not answer them until "answer". Ids count from
    /// argv[1]; a nonzero replaces_id is returned unchanged, as the spec says.
    private static let fakeServerSource = #"""
        import json, os, sys
        import dbus, dbus.service, dbus.mainloop.glib
        from gi.repository import GLib

        IFACE = "org.freedesktop.Notifications"
        dbus.mainloop.glib.DBusGMainLoop(set_as_default=True)
        bus = dbus.SessionBus()
        loop = GLib.MainLoop()

        def emit(record):
            sys.stdout.write(json.dumps(record) + "\n")
            sys.stdout.flush()

        def plain(value):
            if isinstance(value, dbus.Boolean):
                return bool(value)
            if isinstance(value, (dbus.Byte, dbus.Int16, dbus.UInt16, dbus.Int32, dbus.UInt32,
                                  dbus.Int64, dbus.UInt64)):
                return int(value)
            return str(value)

        class Server(dbus.service.Object):
            def __init__(self, first_id):
                super().__init__(bus, "/org/freedesktop/Notifications")
                self.next_id = first_id

            @dbus.service.method(IFACE, in_signature="susssasa{sv}i", out_signature="u",
                                 async_callbacks=("reply", "error"))
            def Notify(self, app, replaces_id, icon, summary, body, actions, hints, timeout,
                       reply=None, error=None):
                nid = int(replaces_id)
                if nid == 0:
                    nid = self.next_id
                    self.next_id += 1
                emit({"call": "Notify", "id": nid, "app": str(app), "replaces": int(replaces_id),
                      "summary": str(summary), "body": str(body),
                      "actions": [str(a) for a in actions],
                      "hints": {str(k): plain(v) for k, v in hints.items() if k != "sender-pid"},
                      "timeout": int(timeout)})
                if hanging:
                    unanswered.append((reply, nid))  # takes the call and answers only on "answer"
                else:
                    reply(dbus.UInt32(nid))

            @dbus.service.method(IFACE, in_signature="u")
            def CloseNotification(self, nid):
                emit({"call": "CloseNotification", "id": int(nid)})
                self.NotificationClosed(nid, 3)

            @dbus.service.method(IFACE, out_signature="as")
            def GetCapabilities(self):
                return ["actions", "body", "persistence"]

            @dbus.service.method(IFACE, out_signature="ssss")
            def GetServerInformation(self):
                return ("limber-test-fake", "limber", "1", "1.2")

            @dbus.service.signal(IFACE, signature="uu")
            def NotificationClosed(self, nid, reason):
                pass

            @dbus.service.signal(IFACE, signature="us")
            def ActionInvoked(self, nid, key):
                pass

        server = Server(int(sys.argv[1]))

        pending = b""
        hanging = False
        unanswered = []

        # os.read, not sys.stdin.readline: a line left in Python's buffer would wait for
        # the next wake-up of the watch, which may never come.
        def command(fd, condition):
            global pending, hanging
            data = os.read(fd, 4096)
            if not data:
                loop.quit()
                return False
            pending += data
            while b"\n" in pending:
                line, pending = pending.split(b"\n", 1)
                words = line.decode().split()
                if words[:1] == ["action"]:
                    server.ActionInvoked(dbus.UInt32(int(words[1])), words[2])
                elif words[:1] == ["hang"]:
                    hanging = True
                elif words[:1] == ["answer"]:
                    hanging = False
                    for reply, nid in unanswered:
                        reply(dbus.UInt32(nid))
                    unanswered.clear()
                elif words[:1] == ["closed"]:
                    server.NotificationClosed(dbus.UInt32(int(words[1])), dbus.UInt32(int(words[2])))
            return True

        if bus.request_name(IFACE, dbus.bus.NAME_FLAG_DO_NOT_QUEUE) != dbus.bus.REQUEST_NAME_REPLY_PRIMARY_OWNER:
            emit({"call": "name-taken"})
            sys.exit(1)
        GLib.io_add_watch(sys.stdin.fileno(), GLib.IO_IN | GLib.IO_HUP, command)
        emit({"call": "ready"})
        loop.run()
        """#
}

/// A hint value as the fake recorded it.
enum Hint: Decodable, Equatable {
    case bool(Bool), int(Int), string(String)

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int.self) {
            self = .int(value)
        } else {
            self = .string(try container.decode(String.self))
        }
    }
}

/// One call the fake server received.
struct ServerCall: Decodable, Equatable {
    var call: String
    var id: UInt32?
    var app: String?
    var replaces: UInt32?
    var summary: String?
    var body: String?
    var actions: [String]?
    var hints: [String: Hint]?
    var timeout: Int32?

    /// Actions as (key, label) pairs, sorted: libnotify keeps them in a hash table.
    var actionPairs: [[String]] {
        let flat = actions ?? []
        return stride(from: 0, to: flat.count - 1, by: 2).map { [flat[$0], flat[$0 + 1]] }
            .sorted { $0[0] < $1[0] }
    }
}

final class FakeNotificationServer {
    private let child: Child

    init(firstID: Int = 1) throws {
        let dir = try TestSessionBus.directory.get()
        child = try Child(["/usr/bin/python3", dir + "/fake.py", "\(firstID)"])
        guard try next()?.call == "ready" else {
            throw TestFailure("the fake notification server did not start")
        }
        Self.letLibnotifySeeTheOwnerChange()
    }

    /// libnotify's proxy calls the unique name it last saw own org.freedesktop.Notifications
    /// and learns of a new owner (NameOwnerChanged) only while GLib's default context runs,
    /// as it always does in limberd. Tests call `show` back to back, so run it a moment.
    static func letLibnotifySeeTheOwnerChange() {
        let loop = GLibLoop()
        loop.after(.milliseconds(300)) { loop.quit() }
        loop.run()
    }

    /// The next recorded call, or nil if none came within `timeout`.
    func next(timeout: Duration = .seconds(10)) throws -> ServerCall? {
        guard let line = child.readLine(timeout: timeout) else { return nil }
        return try JSONDecoder().decode(ServerCall.self, from: Data(line.utf8))
    }

    func invokeAction(id: UInt32, key: String) { child.send("action \(id) \(key)") }
    func closeByUser(id: UInt32, reason: Int = 2) { child.send("closed \(id) \(reason)") }
    /// From now on Notify calls are taken and not answered...
    func hang() { child.send("hang") }
    /// ...until this answers them all, late, and the next ones at once.
    func answerLate() { child.send("answer") }

    /// Exits and releases the bus name.
    func stop() {
        child.stop()
        Self.letLibnotifySeeTheOwnerChange()
    }
}

final class LogRecorder: Sendable {
    let records = Mutex<[(level: Logger.Level, message: String)]>([])

    var logger: Logger {
        var logger = Logger(label: "test.notifier") { _ in RecordingLogHandler(recorder: self) }
        logger.logLevel = .trace
        return logger
    }

    func messages(at level: Logger.Level) -> [String] {
        records.withLock { $0.filter { $0.level == level }.map(\.message) }
    }
}

struct RecordingLogHandler: LogHandler {
    let recorder: LogRecorder
    var logLevel: Logger.Level = .trace
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        recorder.records.withLock { $0.append((event.level, "\(event.message)")) }
    }
}

// MARK: - Tests

/// A notifier on GLib's default loop and everything it reported back there.
final class NotifierProbe {
    let loop = GLibLoop()
    let notifier: Notifier
    var results: [UInt64: Result<UInt32, ShowFailure>] = [:]
    var order: [UInt64] = []
    var actions: [String] = []
    var closes: [String] = []
    var servers: [Bool] = []

    init(logger: Logger) {
        notifier = Notifier(appName: "limber", loop: loop, logger: logger)
        notifier.onShown = { [unowned self] ticket, _, result in
            results[ticket] = result
            order.append(ticket)
            loop.quit()
        }
        notifier.onAction = { [unowned self] tag, key in
            actions.append("\(tag):\(key)")
            loop.quit()
        }
        notifier.onClosed = { [unowned self] tag, reason in
            closes.append("\(tag):\(reason)")
            loop.quit()
        }
        notifier.onServerChanged = { [unowned self] present in
            servers.append(present)
            loop.quit()
        }
    }

    /// Runs the loop until `condition` holds; false after `limit`.
    func run(until condition: () -> Bool, limit: Duration = .seconds(10)) -> Bool {
        let clock = ContinuousClock()
        let deadline = clock.now + limit
        while !condition() {
            let left = deadline - clock.now
            if left <= .zero { return false }
            _ = runLoop(loop, limit: left)
        }
        return true
    }

    /// Shows and waits for the server's answer: its id, or why not.
    func show(tag: UInt64, _ content: NotificationContent, replacing: UInt32? = nil) -> Result<UInt32, ShowFailure>? {
        let ticket = notifier.show(tag: tag, content, replacingServerID: replacing)
        guard run(until: { results[ticket] != nil }) else { return nil }
        return results[ticket]
    }

    func id(tag: UInt64, _ content: NotificationContent, replacing: UInt32? = nil) -> UInt32? {
        if case .success(let id)? = show(tag: tag, content, replacing: replacing) { return id }
        return nil
    }
}

extension ProcessWideState {
    @Suite(.enabled(if: TestSessionBus.toolsPresent, "needs dbus-daemon and python3-dbus"))
    struct NotifierTests {
        init() throws {
            glibCriticalsAreFatal
            _ = try TestSessionBus.directory.get()
        }

        let posture = NotificationContent(
            summary: "Posture check", body: "Shoulders down, chin back.", urgency: .critical,
            expiry: .after(.milliseconds(1500)),
            actions: [.init(key: "default", label: "Open"), .init(key: "snooze", label: "Snooze 10 min"),
                      .init(key: "done", label: "")],
            category: "limber.posture", progress: 150, resident: true)

        @Test func showSendsTheContentAndReportsTheServerID() throws {
            let server = try FakeNotificationServer(firstID: 10)
            defer { server.stop() }
            let log = LogRecorder()
            let probe = NotifierProbe(logger: log.logger)
            #expect(probe.notifier.serverAvailable == nil)

            #expect(probe.id(tag: 1, posture) == 10)
            let call = try #require(try server.next())
            #expect(call.call == "Notify")
            #expect(call.app == "limber")
            #expect(call.replaces == 0)
            #expect(call.summary == "Posture check")
            #expect(call.body == "Shoulders down, chin back.")
            #expect(call.timeout == 1500)
            #expect(call.actionPairs == [["default", "Open"], ["done", "done"], ["snooze", "Snooze 10 min"]])
            #expect(call.hints == ["urgency": .int(2), "category": .string("limber.posture"),
                                   "value": .int(100), "resident": .bool(true)])
            #expect(probe.notifier.serverAvailable == true)
            #expect(log.messages(at: .warning).isEmpty)
            #expect(probe.run(until: { probe.servers == [true] }), "the name watch found the server")
        }

        @Test func showingATagAgainUpdatesItInPlace() throws {
            let server = try FakeNotificationServer(firstID: 20)
            defer { server.stop() }
            let probe = NotifierProbe(logger: LogRecorder().logger)

            let id = try #require(probe.id(tag: 7, posture))
            _ = try server.next()
            let update = NotificationContent(summary: "Posture check (2)", urgency: .low, expiry: .never,
                                             actions: [.init(key: "done", label: "Done")])
            #expect(probe.id(tag: 7, update) == id)
            let call = try #require(try server.next())
            #expect(call.replaces == id)
            #expect(call.summary == "Posture check (2)")
            #expect(call.body == "")
            #expect(call.timeout == 0)
            #expect(call.actionPairs == [["done", "Done"]])
            #expect(call.hints == ["urgency": .int(0)])  // no stale category, progress, resident

            #expect(probe.id(tag: 8, update) == id + 1)
            #expect(try server.next()?.replaces == 0)
        }

        @Test func actionsAndClosingReachTheCallbacks() throws {
            let server = try FakeNotificationServer(firstID: 30)
            defer { server.stop() }
            let probe = NotifierProbe(logger: LogRecorder().logger)

            let id = try #require(probe.id(tag: 5, posture))
            _ = try server.next()
            server.invokeAction(id: id, key: "snooze")
            #expect(probe.run(until: { probe.actions.count == 1 }))
            server.invokeAction(id: id, key: "default")
            #expect(probe.run(until: { probe.actions.count == 2 }))
            server.invokeAction(id: id + 100, key: "snooze")  // someone else's notification
            server.closeByUser(id: id, reason: 2)
            #expect(probe.run(until: { !probe.closes.isEmpty }))
            #expect(probe.actions == ["5:snooze", "5:default"])
            #expect(probe.closes == ["5:2"])

            // A closed prompt shown again is a new notification.
            #expect(probe.id(tag: 5, posture) == id + 1)
            #expect(try server.next()?.replaces == 0)
        }

        @Test func onAServerThatClosesAfterAnyActionTheNextShowIsANewNotification() throws {
            let server = try FakeNotificationServer(firstID: 90)
            defer { server.stop() }
            let probe = NotifierProbe(logger: LogRecorder().logger)
            let xfce = ServerProfile(name: "Xfce Notify Daemon", vendor: "Xfce",
                                     capabilities: ["actions", "body", "body-markup", "persistence"])
            probe.notifier.serverProfile = { xfce }
            let step = NotificationContent(summary: "Step", body: "a & b", expiry: .never,
                                           actions: [.init(key: "next", label: "Next")], progress: 40,
                                           resident: true, transient: true)
            let id = try #require(probe.id(tag: 4, step))
            let first = try #require(try server.next())
            #expect(first.body == "a &amp; b", "adapted to the profile: escaped")
            let hints = try #require(first.hints)
            #expect(hints["value"] == nil, "no gauge on xfce")
            #expect(hints["transient"] == .bool(true) && hints["resident"] == .bool(true))
            server.invokeAction(id: id, key: "next")
            #expect(probe.run(until: { probe.actions == ["4:next"] }))
            // The server closes it after the action: the next step is not an update of it,
            // even when asked to replace its id.
            let next = try #require(probe.id(tag: 4, step, replacing: id))
            #expect(next == id + 1)
            #expect(try server.next()?.replaces == 0)
            // Its "closed" is not the new one's: not reported, and the new one stays updatable.
            server.closeByUser(id: id, reason: 2)
            #expect(!probe.run(until: { !probe.closes.isEmpty }, limit: .milliseconds(300)))
            #expect(probe.id(tag: 4, step) == next)
            #expect(try server.next()?.replaces == next)
        }

        @Test func theSoundHintGoesOnlyWhereTheProfileSaysSound() throws {
            let server = try FakeNotificationServer(firstID: 95)
            defer { server.stop() }
            let probe = NotifierProbe(logger: LogRecorder().logger)
            var loud = posture
            loud.sound = "complete"
            var profile = ServerProfile(name: "gnome-shell", capabilities: ["actions", "body", "sound"])
            probe.notifier.serverProfile = { profile }
            _ = try #require(probe.id(tag: 1, loud))
            #expect(try #require(try server.next()).hints?["sound-name"] == .string("complete"))
            profile = ServerProfile(name: "dunst", capabilities: ["actions", "body"])
            _ = try #require(probe.id(tag: 2, loud))
            let quiet = try #require(try server.next()?.hints)
            #expect(quiet["urgency"] != nil && quiet["sound-name"] == nil)
            profile = .unknown
            _ = try #require(probe.id(tag: 3, loud))
            let unknown = try #require(try server.next()?.hints)
            #expect(unknown["urgency"] != nil && unknown["sound-name"] == nil, "not before the server said it plays sounds")
        }

        @Test func closeTakesTheNotificationDownWithoutACallback() throws {
            let server = try FakeNotificationServer(firstID: 40)
            defer { server.stop() }
            let probe = NotifierProbe(logger: LogRecorder().logger)

            let id = try #require(probe.id(tag: 3, posture))
            _ = try server.next()
            probe.notifier.close(tag: 3)
            #expect(try server.next() == ServerCall(call: "CloseNotification", id: id))
            // The server's NotificationClosed arrives, and is not reported.
            #expect(!probe.run(until: { !probe.closes.isEmpty }, limit: .milliseconds(300)))
            probe.notifier.close(tag: 3)
            probe.notifier.close(tag: 99)
            #expect(probe.notifier.drain(within: .seconds(5)))
        }

        @Test func replacingServerIDTakesOverTheOldNotification() throws {
            let server = try FakeNotificationServer(firstID: 50)
            defer { server.stop() }
            let probe = NotifierProbe(logger: LogRecorder().logger)
            #expect(probe.id(tag: 1, posture, replacing: 77) == 77)
            #expect(try server.next()?.replaces == 77)
            // Only for the first show of a tag.
            #expect(probe.id(tag: 1, posture, replacing: 78) == 77)
            #expect(try server.next()?.replaces == 77)
        }

        @Test func serverGoneAndBack() throws {
            var server = try FakeNotificationServer(firstID: 60)
            let log = LogRecorder()
            let probe = NotifierProbe(logger: log.logger)

            #expect(probe.id(tag: 1, posture) == 60)
            #expect(probe.run(until: { probe.servers == [true] }))
            server.stop()
            #expect(probe.run(until: { probe.servers == [true, false] }), "the watch saw it leave")

            guard case .failure(.noServer(let message))? = probe.show(tag: 1, posture) else {
                Issue.record("a show without a server is reported as noServer")
                return
            }
            #expect(message.contains("org.freedesktop.Notifications") || message.contains("ServiceUnknown"))
            #expect(probe.show(tag: 2, posture).map { (try? $0.get()) == nil } == true)
            #expect(probe.notifier.serverAvailable == false)
            let warnings = log.messages(at: .warning)
            #expect(warnings.count == 1)
            #expect(warnings.first?.hasSuffix("and show when one starts") == true)

            server = try FakeNotificationServer(firstID: 70)
            defer { server.stop() }
            #expect(probe.run(until: { probe.servers == [true, false, true] }), "the watch saw it come")
            // What the old server showed went with it: new notifications, not replacements.
            #expect(probe.id(tag: 1, posture) == 70)
            #expect(try server.next()?.replaces == 0)
            let second = try #require(probe.id(tag: 2, posture))
            #expect(second == 71)
            #expect(probe.notifier.serverAvailable == true)
            #expect(log.messages(at: .info).count == 1)
            #expect(log.messages(at: .warning).count == 1)

            // libnotify's proxy follows the new owner of the name, signals included.
            server.invokeAction(id: second, key: "snooze")
            #expect(probe.run(until: { probe.actions == ["2:snooze"] }))
        }

        @Test func aHungServerNeverBlocksTheLoopAndCallsKeepTheirOrder() throws {
            var server = try FakeNotificationServer(firstID: 80)
            let probe = NotifierProbe(logger: LogRecorder().logger)
            let first = try #require(probe.id(tag: 1, posture))
            _ = try server.next()
            server.hang()

            let clock = ContinuousClock()
            var started = clock.now
            let update = probe.notifier.show(tag: 1, posture)
            #expect(clock.now - started < .milliseconds(100), "show returns at once")
            #expect(try server.next()?.replaces == first, "the update went out and hangs")
            started = clock.now
            probe.notifier.close(tag: 1)  // must run after the update, not be lost
            let other = probe.notifier.show(tag: 2, posture)
            let third = probe.notifier.show(tag: 2, posture)  // replaces `other`, not yet sent
            #expect(clock.now - started < .milliseconds(100), "show and close return at once")

            // The loop runs its timers on time while the call hangs.
            var late: [Duration] = []
            for _ in 0..<5 {
                let due = clock.now + .milliseconds(50)
                var fired = false
                probe.loop.after(.milliseconds(50)) {
                    late.append(clock.now - due)
                    fired = true
                    probe.loop.quit()
                }
                #expect(probe.run(until: { fired }, limit: .seconds(2)))
            }
            #expect(late.allSatisfy { $0 < .milliseconds(100) }, "timers late by \(late)")
            #expect(probe.results[other] == .failure(.superseded))
            #expect(probe.results[update] == nil, "still waiting for the server")
            #expect(probe.notifier.pendingCalls == 3, "the update, the close and the newer show of tag 2")

            // The server dies without answering: the update failed, then the close and the
            // show of tag 2 run in order, against no server.
            server.stop()
            #expect(probe.run(until: { probe.results[update] != nil && probe.results[third] != nil }))
            #expect(probe.results[update].map { if case .failure(.noServer) = $0 { true } else { false } } == true)
            #expect(probe.order.firstIndex(of: update)! < probe.order.firstIndex(of: third)!)

            server = try FakeNotificationServer(firstID: 90)
            defer { server.stop() }
            #expect(probe.id(tag: 2, posture) == 90)
            let call = try #require(try server.next())
            #expect(call.call == "Notify" && call.replaces == 0, "the close left nothing to replace: \(call)")
        }

        @Test func anUpdateAndACloseBehindAShowStillWaitingUseTheIDItGets() throws {
            let server = try FakeNotificationServer(firstID: 100)
            defer { server.stop() }
            let probe = NotifierProbe(logger: LogRecorder().logger)
            _ = try #require(probe.id(tag: 9, posture))  // the proxy exists; the server answers
            _ = try server.next()
            server.hang()

            let first = probe.notifier.show(tag: 1, posture)
            #expect(try server.next()?.replaces == 0, "sent; no answer yet")
            let update = probe.notifier.show(tag: 1, NotificationContent(summary: "Posture check (2)"))
            probe.notifier.close(tag: 1)
            let again = probe.notifier.show(tag: 3, posture)
            #expect(probe.results[first] == nil && probe.results[update] == nil)

            server.answerLate()
            #expect(probe.run(until: { probe.results[again] != nil }))
            #expect(probe.results[first] == .success(101))
            // The close dropped the update not yet sent, and took down what the late answer named.
            #expect(probe.results[update] == .failure(.superseded))
            #expect(try server.next() == ServerCall(call: "CloseNotification", id: 101))
            #expect(try server.next()?.replaces == 0)
            #expect(probe.results[again] == .success(102))
        }

        @Test func anUpdateBehindAShowStillWaitingReplacesWhatItShowed() throws {
            let server = try FakeNotificationServer(firstID: 110)
            defer { server.stop() }
            let probe = NotifierProbe(logger: LogRecorder().logger)
            _ = try #require(probe.id(tag: 9, posture))
            _ = try server.next()
            server.hang()

            let first = probe.notifier.show(tag: 1, posture)
            #expect(try server.next()?.replaces == 0)
            let update = probe.notifier.show(tag: 1, NotificationContent(summary: "Posture check (2)"))
            server.answerLate()
            #expect(probe.run(until: { probe.results[update] != nil }))
            #expect(probe.results[first] == .success(111))
            let call = try #require(try server.next())
            #expect(call.summary == "Posture check (2)" && call.replaces == 111, "replaced in place: \(call)")
            #expect(probe.results[update] == .success(111))
        }
    }
}

@Suite struct NotificationContentTests {
    @Test func expiryBecomesLibnotifyTimeout() {
        #expect(Notifier.timeout(.serverDefault) == -1)
        #expect(Notifier.timeout(.never) == 0)
        #expect(Notifier.timeout(.after(.milliseconds(1500))) == 1500)
        #expect(Notifier.timeout(.after(.nanoseconds(1))) == 1)
        #expect(Notifier.timeout(.after(.zero)) == 1)  // not 0, which would mean never
        #expect(Notifier.timeout(.after(.seconds(10_000_000))) == Int32.max)
    }

    @Test func urgencyMapsToLibnotify() {
        #expect(Notifier.urgency(.low).rawValue == 0)
        #expect(Notifier.urgency(.normal).rawValue == 1)
        #expect(Notifier.urgency(.critical).rawValue == 2)
    }
}
