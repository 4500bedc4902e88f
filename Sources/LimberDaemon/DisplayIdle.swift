import CDesktopIdle
import LimberCore
import Logging

#if canImport(Glibc)
import Glibc
#endif

// Input idleness straight from the display server, where no desktop service reports it:
//   - wayland_idle: the compositor's ext-idle-notify-v1 or org_kde_kwin_idle (sway, Hyprland,
//     river, labwc, niri, KDE Plasma, COSMIC);
//   - x11_idle: the X SYNC extension's IDLETIME counter with alarms (i3, Openbox, any X11
//     window manager).
// The protocol work is in C (Sources/CDesktopIdle); here the connection's fd joins the event
// loop, and a server that goes away is waited for with inotify on the folder its socket
// appears in: no timer runs while it is away.

/// Where a display server's socket lives, from WAYLAND_DISPLAY or DISPLAY.
struct DisplaySocket: Equatable {
    /// The folder the socket appears in, and its name there.
    var folder: String
    var name: String

    var path: String { folder == "/" ? "/" + name : folder + "/" + name }

    /// WAYLAND_DISPLAY is a name in XDG_RUNTIME_DIR, or an absolute path.
    static func wayland(_ display: String, runtimeDirectory: String?) -> DisplaySocket? {
        guard !display.isEmpty else { return nil }
        if display.hasPrefix("/") { return split(display) }
        guard let runtime = runtimeDirectory, runtime.hasPrefix("/"), !display.contains("/") else { return nil }
        return DisplaySocket(folder: runtime, name: display)
    }

    /// A local DISPLAY (":0", ":1.0", "unix:2") is the socket /tmp/.X11-unix/X<number>; a
    /// remote one ("localhost:10.0" through ssh) has no socket to wait for.
    static func x11(_ display: String) -> DisplaySocket? {
        var rest = Substring(display)
        if rest.hasPrefix("unix:") { rest = rest.dropFirst(5) } else if rest.hasPrefix(":") { rest = rest.dropFirst() } else {
            return nil
        }
        let number = rest.prefix { $0 != "." }
        guard !number.isEmpty, number.count <= 6, number.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return DisplaySocket(folder: "/tmp/.X11-unix", name: "X" + number)
    }

    private static func split(_ path: String) -> DisplaySocket? {
        guard let slash = path.lastIndex(of: "/") else { return nil }
        let name = String(path[path.index(after: slash)...])
        let folder = slash == path.startIndex ? "/" : String(path[..<slash])
        return name.isEmpty ? nil : DisplaySocket(folder: folder, name: name)
    }
}

/// Waits with inotify for a name to appear in a folder; calls `appeared` each time it does.
final class SocketWaiter {
    private let loop: EventLoop
    private var fd: Int32 = -1
    private var watch: SourceID?
    let socket: DisplaySocket

    /// nil with `problem` set when the folder cannot be watched.
    init?(loop: EventLoop, socket: DisplaySocket, problem: inout String, appeared: @escaping () -> Void) {
        self.loop = loop
        self.socket = socket
        fd = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        guard fd >= 0 else {
            problem = "cannot watch \(socket.folder): \(String(cString: strerror(errno)))"
            return nil
        }
        let mask = UInt32(IN_CREATE | IN_MOVED_TO | IN_DELETE_SELF | IN_MOVE_SELF)
        guard inotify_add_watch(fd, socket.folder, mask) >= 0 else {
            problem = "cannot watch \(socket.folder): \(String(cString: strerror(errno)))"
            close(fd)
            fd = -1
            return nil
        }
        let name = socket.name
        watch = loop.watch(fd: fd, events: .readable) { [unowned self] events in
            switch self.drain(name: name) {
            case .appeared:
                appeared()
                return self.watch != nil
            case .folderGone:
                self.watch = nil
                self.closeFD()
                return false
            case .nothing:
                return !events.contains(.hangup)
            }
        }
    }

    deinit { cancel() }

    /// The folder is still watched (it was not removed).
    var active: Bool { watch != nil }

    func cancel() {
        if let watch { loop.cancel(watch) }
        watch = nil
        closeFD()
    }

    private func closeFD() {
        if fd >= 0 { close(fd) }
        fd = -1
    }

    private enum Seen { case nothing, appeared, folderGone }

    /// Reads every pending event (bounded: a buffer at a time until the queue is empty).
    private func drain(name: String) -> Seen {
        var seen = Seen.nothing
        let size = 4096
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 8)
        defer { buffer.deallocate() }
        while true {
            let n = read(fd, buffer, size)
            if n <= 0 { break }
            var offset = 0
            let header = MemoryLayout<inotify_event>.size
            while offset + header <= n {
                let event = buffer.load(fromByteOffset: offset, as: inotify_event.self)
                let length = Int(event.len)
                guard offset + header + length <= n else { break }
                if event.mask & UInt32(IN_DELETE_SELF | IN_MOVE_SELF | IN_IGNORED) != 0 {
                    seen = .folderGone
                } else if length > 0, seen != .folderGone {
                    let bytes = UnsafeRawBufferPointer(start: buffer + offset + header, count: length)
                    let end = bytes.firstIndex(of: 0) ?? length
                    if String(decoding: bytes[..<end], as: UTF8.self) == name { seen = .appeared }
                }
                offset += header + length
            }
        }
        return seen
    }
}

/// One display server's idle source: wayland_idle or x11_idle.
final class DisplayIdleWatcher: Watcher {
    enum Kind {
        case wayland, x11
    }

    let kind: Kind
    let source: AwaySource
    /// The display to connect to; nil when this source is not asked for (`problem` says why).
    let display: String?
    let socket: DisplaySocket?
    private(set) var threshold: Duration
    private(set) var live = false
    private(set) var problem: String?
    private(set) var via: String?
    private var handle: OpaquePointer?
    /// X11 only: the connect runs on its own thread and has not finished.
    private var connecting = false
    private var fdWatch: SourceID?
    private var waiter: SocketWaiter?
    private var away = false
    private var attempt = 0
    private var attemptTimer: SourceID?

    /// After the socket appears the server may not listen yet: a few tries, growing apart,
    /// then only the next change in the folder brings another.
    static let connectDelays: [Duration] = [.milliseconds(100), .milliseconds(500), .seconds(2), .seconds(5)]

    init(kind: Kind, loop: EventLoop, logger: Logger, environment: [String: String], threshold: Duration) {
        self.kind = kind
        self.threshold = threshold
        let wayland = environment["WAYLAND_DISPLAY"] ?? ""
        let x11 = environment["DISPLAY"] ?? ""
        switch kind {
        case .wayland:
            source = .waylandIdle
            if wayland.isEmpty {
                display = nil
                socket = nil
                problem = "not a Wayland session: WAYLAND_DISPLAY is unset"
            } else {
                display = wayland
                socket = DisplaySocket.wayland(wayland, runtimeDirectory: environment["XDG_RUNTIME_DIR"])
            }
        case .x11:
            source = .x11Idle
            if x11.isEmpty {
                display = nil
                socket = nil
                problem = "not an X11 session: DISPLAY is unset"
            } else if !wayland.isEmpty {
                // Xwayland's IDLETIME sees only X clients' input: typing into a Wayland window
                // would look like time away. The compositor's own protocol is the source there.
                display = nil
                socket = nil
                problem = "Xwayland in a Wayland session sees only X clients' input; wayland_idle is used instead"
            } else {
                display = x11
                socket = DisplaySocket.x11(x11)
            }
        }
        super.init(loop: loop, logger: logger)
    }

    override var complete: Bool { display == nil || live }

    /// A C error buffer as text: up to its first NUL.
    static func text(_ buffer: [CChar]) -> String {
        let bytes = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        return String(decoding: bytes, as: UTF8.self)
    }

    private var serverName: String { kind == .wayland ? "compositor" : "X server" }

    override func start() {
        guard let display else {
            probed = true
            changed()
            return
        }
        connect(display)
    }

    private func milliseconds(_ d: Duration) -> UInt32 {
        let ms = d.components.seconds * 1000 + d.components.attoseconds / 1_000_000_000_000_000
        return UInt32(clamping: max(1, ms))
    }

    private func connect(_ display: String) {
        guard handle == nil else { return }
        var err = [CChar](repeating: 0, count: 256)
        let user = Unmanaged.passUnretained(self).toOpaque()
        let ms = milliseconds(threshold)
        let h: OpaquePointer? = switch kind {
        case .wayland: limber_wl_idle_connect(display, ms, DisplayIdleCallbacks.event, user, &err, err.count)
        case .x11: limber_x11_idle_connect(display, ms, DisplayIdleCallbacks.event, user, &err, err.count)
        }
        guard let h else {
            failed(Self.text(err), waitForServer: true)
            return
        }
        handle = h
        cancelAttempts()
        connecting = kind == .x11
        watchServer(h)
    }

    private func watchServer(_ h: OpaquePointer) {
        let fd = kind == .wayland ? limber_wl_idle_fd(h) : limber_x11_idle_fd(h)
        fdWatch = loop.watch(fd: fd, events: .readable) { [unowned self] _ in
            self.dispatch()
        }
    }

    /// The server sent something (or hung up): read it; false drops the watch.
    private func dispatch() -> Bool {
        guard let h = handle else { return false }
        var err = [CChar](repeating: 0, count: 256)
        let r = kind == .wayland ? limber_wl_idle_dispatch(h, &err, err.count) : limber_x11_idle_dispatch(h, &err, err.count)
        if r == 1 {
            // X11's connect, made on its own thread, is done: from now on the server's socket.
            connecting = false
            watchServer(h)
            return false
        }
        guard r < 0 else { return true }
        fdWatch = nil  // returning false removes it
        let couldNotConnect = connecting
        connecting = false
        let why = Self.text(err)
        let wasLive = live
        disconnect()
        // -2: the server is there but cannot report idleness (GNOME's Mutter has no idle
        // protocol); only a new server could, and 'limber reload' asks again.
        let unsupported = r == -2
        if wasLive {
            logger.warning("\(source.rawValue): \(why); waiting for the \(serverName) to come back")
        } else if unsupported {
            logger.info("\(source.rawValue): \(why)")
        }
        failed(why, waitForServer: !unsupported)
        // The connect ran on its own thread: the next attempt, as if it had failed at once.
        if couldNotConnect, let display { scheduleRetry(display) }
        return false
    }

    /// A C callback, from inside dispatch.
    fileprivate func event(_ kind: Int32, _ value: UInt64) {
        switch kind {
        case Int32(LIMBER_IDLE_READY.rawValue):
            live = true
            problem = nil
            via = describeVia()
            waiter?.cancel()
            waiter = nil
            cancelAttempts()
            connected()
            logger.info("\(source.rawValue): watching input through \(via ?? "?")")
            probed = true
            changed()
        case Int32(LIMBER_IDLE_IDLE.rawValue):
            guard !away else { return }
            away = true
            report(source, true, .milliseconds(Int64(clamping: value)))
        case Int32(LIMBER_IDLE_RESUMED.rawValue):
            guard away else { return }
            away = false
            report(source, false, .zero)
        default:
            break
        }
    }

    private func describeVia() -> String {
        switch kind {
        case .wayland:
            let proto = handle.flatMap { limber_wl_idle_protocol($0) }.map { String(cString: $0) } ?? "?"
            return "\(proto) on \(display ?? "?")"
        case .x11:
            return "X SYNC IDLETIME on \(display ?? "?")"
        }
    }

    /// Not reachable (or lost): say why, and wait for the server's socket to appear.
    private func failed(_ why: String, waitForServer: Bool) {
        let changedState = live || problem != why || !probed
        live = false
        via = nil
        problem = why
        releaseAll()
        if waitForServer { waitForSocket() }
        probed = true
        if changedState { changed() }
    }

    private func waitForSocket() {
        guard let socket, waiter == nil || waiter?.active == false else {
            if socket == nil, let display { problem = (problem ?? "") + " (\(display) has no local socket to wait for; 'limber reload' tries again)" }
            return
        }
        var why = ""
        waiter = SocketWaiter(loop: loop, socket: socket, problem: &why) { [unowned self] in
            self.socketAppeared()
        }
        if waiter == nil {
            problem = (problem ?? "") + "; \(why)"
        }
    }

    private func socketAppeared() {
        guard handle == nil, let display else { return }
        attempt = 0
        cancelAttempts()
        connectOrRetry(display)
    }

    private func connectOrRetry(_ display: String) {
        connect(display)
        guard handle == nil else { return }
        scheduleRetry(display)
    }

    /// The socket may be there before its server accepts: a few more attempts, further apart.
    private func scheduleRetry(_ display: String) {
        guard attemptTimer == nil, attempt < Self.connectDelays.count else { return }
        let delay = Self.connectDelays[attempt]
        attempt += 1
        attemptTimer = loop.after(delay) { [unowned self] in
            self.attemptTimer = nil
            self.connectOrRetry(display)
        }
    }

    private func cancelAttempts() {
        if let attemptTimer { loop.cancel(attemptTimer) }
        attemptTimer = nil
    }

    private func disconnect() {
        if let fdWatch { loop.cancel(fdWatch) }
        fdWatch = nil
        guard let h = handle else { return }
        handle = nil
        switch kind {
        case .wayland: limber_wl_idle_disconnect(h)
        case .x11: limber_x11_idle_disconnect(h)
        }
    }

    /// A new threshold for the server's watch (real time).
    func setThreshold(_ new: Duration) {
        guard new != threshold else { return }
        threshold = new
        guard let h = handle else { return }
        var err = [CChar](repeating: 0, count: 256)
        let ms = milliseconds(new)
        let r = kind == .wayland ? limber_wl_idle_set_timeout(h, ms, &err, err.count)
            : limber_x11_idle_set_timeout(h, ms, &err, err.count)
        if r < 0 {
            disconnect()
            failed(Self.text(err), waitForServer: true)
        }
    }

    override func stop() {
        super.stop()
        cancelAttempts()
        waiter?.cancel()
        waiter = nil
        disconnect()
        live = false
        via = nil
    }

    override func releaseAll() {
        if away { report(source, false, .zero) }
        away = false
    }
}

/// The C entry point the display sources call. In a nonisolated enum: a `@convention(c)`
/// closure at main.swift's top level would be MainActor-isolated (ARCHITECTURE.md, "Measured facts").
enum DisplayIdleCallbacks {
    static let event: limber_idle_callback = { user, kind, value in
        guard let user else { return }
        Unmanaged<DisplayIdleWatcher>.fromOpaque(user).takeUnretainedValue().event(kind, value)
    }
}
