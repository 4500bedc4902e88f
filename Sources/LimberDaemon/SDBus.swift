import CSystemd

#if canImport(Glibc)
import Glibc
#endif

// A small sd-bus client driven by limber's event loop, for the presence sources (logind on
// the system bus, Mutter and the screen saver on the session bus).
//
// No polling: the loop watches the bus fd (readable always, writable only while sd-bus has
// queued output) and arms one one-shot timer at sd_bus_get_timeout's deadline, which exists
// only while a method call awaits its reply. Idle, a connection costs no wake-ups.
//
// sd-bus's variadic helpers (sd_bus_call_method, sd_bus_message_read) are not callable from
// Swift: messages are built with sd_bus_message_new_method_call + append_basic and read with
// read_basic, container by container. Callbacks are static C functions in a nonisolated enum
// that get their Swift handler as unretained user data (ARCHITECTURE.md); the connection keeps the
// handlers alive for as long as sd-bus may call them.

/// An error reply, or a failure to talk to the bus at all.
struct BusError: Error, Equatable, CustomStringConvertible {
    /// The D-Bus error name, e.g. org.freedesktop.DBus.Error.ServiceUnknown; for local
    /// failures, "errno" with `message` from strerror.
    var name: String
    var message: String

    var description: String { message.isEmpty ? name : "\(name): \(message)" }

    /// Nobody owns the name called: the service is not running.
    var isNoService: Bool {
        name == "org.freedesktop.DBus.Error.ServiceUnknown" || name == "org.freedesktop.DBus.Error.NameHasNoOwner"
    }

    static func errno(_ code: Int32) -> BusError {
        BusError(name: "errno", message: String(cString: strerror(abs(code))))
    }
}

/// A basic value read from a message.
enum BusValue: Equatable {
    case bool(Bool)
    case uint32(UInt32)
    case uint64(UInt64)
    case int32(Int32)
    case int64(Int64)
    case string(String)
    /// A container or a type limber does not read.
    case other
}

/// A message being handled: read it during the handler, not later (sd-bus frees it after).
struct BusMessage {
    let pointer: OpaquePointer

    private static func code(_ c: Character) -> CChar { CChar(UInt8(ascii: c.unicodeScalars.first ?? "?")) }

    /// The next argument, when it is of a basic type (containers are skipped and read as `.other`).
    func read() -> BusValue? {
        var type: CChar = 0
        var contents: UnsafePointer<CChar>?
        guard sd_bus_message_peek_type(pointer, &type, &contents) > 0 else { return nil }
        switch UInt8(bitPattern: type) {
        case UInt8(ascii: "b"):
            var v: Int32 = 0
            return sd_bus_message_read_basic(pointer, type, &v) > 0 ? .bool(v != 0) : nil
        case UInt8(ascii: "u"):
            var v: UInt32 = 0
            return sd_bus_message_read_basic(pointer, type, &v) > 0 ? .uint32(v) : nil
        case UInt8(ascii: "t"):
            var v: UInt64 = 0
            return sd_bus_message_read_basic(pointer, type, &v) > 0 ? .uint64(v) : nil
        case UInt8(ascii: "i"):
            var v: Int32 = 0
            return sd_bus_message_read_basic(pointer, type, &v) > 0 ? .int32(v) : nil
        case UInt8(ascii: "x"):
            var v: Int64 = 0
            return sd_bus_message_read_basic(pointer, type, &v) > 0 ? .int64(v) : nil
        case UInt8(ascii: "s"), UInt8(ascii: "o"), UInt8(ascii: "g"):
            var p: UnsafePointer<CChar>?
            guard sd_bus_message_read_basic(pointer, type, &p) > 0, let p else { return nil }
            return .string(String(cString: p))
        default:
            // One complete type: peek_type gives containers as 'a', 'r' (struct), 'e' (dict
            // entry) or 'v' with their contents; skip wants the full signature.
            var signature = String(UnicodeScalar(UInt8(bitPattern: type)))
            if let contents {
                let inner = String(cString: contents)
                switch UInt8(bitPattern: type) {
                case UInt8(ascii: "a"): signature += inner
                case UInt8(ascii: "r"): signature = "(" + inner + ")"
                case UInt8(ascii: "e"): signature = "{" + inner + "}"
                default: break  // "v" skips as itself
                }
            }
            return sd_bus_message_skip(pointer, signature) >= 0 ? .other : nil
        }
    }

    func readBool() -> Bool? {
        if case .bool(let b)? = read() { return b }
        return nil
    }

    func readUInt32() -> UInt32? {
        if case .uint32(let v)? = read() { return v }
        return nil
    }

    func readString() -> String? {
        if case .string(let s)? = read() { return s }
        return nil
    }

    /// Reads an `a{sv}` property dictionary, giving each basic value to `body`.
    func readProperties(_ body: (String, BusValue) -> Void) -> Bool {
        guard sd_bus_message_enter_container(pointer, Self.code("a"), "{sv}") > 0 else { return false }
        while sd_bus_message_enter_container(pointer, Self.code("e"), "sv") > 0 {
            guard let name = readString() else { return false }
            var type: CChar = 0
            var contents: UnsafePointer<CChar>?
            guard sd_bus_message_peek_type(pointer, &type, &contents) > 0, let contents else { return false }
            var value = BusValue.other
            if strlen(contents) == 1, "btuixsog".utf8.contains(UInt8(bitPattern: contents[0])) {
                guard sd_bus_message_enter_container(pointer, Self.code("v"), contents) > 0 else { return false }
                value = read() ?? .other
                guard sd_bus_message_exit_container(pointer) >= 0 else { return false }
            } else {
                // A struct, array or nested variant (logind's User is "(uo)"): not ours to read.
                guard sd_bus_message_skip(pointer, "v") >= 0 else { return false }
            }
            guard sd_bus_message_exit_container(pointer) >= 0 else { return false }  // the dict entry
            body(name, value)
        }
        return sd_bus_message_exit_container(pointer) >= 0
    }

    /// Reads an `as` string array.
    func readStrings() -> [String]? {
        guard sd_bus_message_enter_container(pointer, Self.code("a"), "s") > 0 else { return nil }
        var out: [String] = []
        while let s = readString() { out.append(s) }
        return sd_bus_message_exit_container(pointer) >= 0 ? out : nil
    }

    /// The error of an error reply, or nil for any other message.
    var error: BusError? {
        guard sd_bus_message_is_method_error(pointer, nil) > 0, let e = sd_bus_message_get_error(pointer) else {
            return nil
        }
        return BusError(name: e.pointee.name.map { String(cString: $0) } ?? "",
                        message: e.pointee.message.map { String(cString: $0) } ?? "")
    }
}

/// An argument of a method call.
enum BusArgument {
    case string(String)
    case uint32(UInt32)
    case uint64(UInt64)
    case bool(Bool)
}

/// A Swift handler that sd-bus calls back through `SDBusTrampolines`.
final class BusHandlerBox {
    let body: (BusMessage) -> Void
    let oneShot: Bool
    weak var connection: BusConnection?

    init(oneShot: Bool, connection: BusConnection, body: @escaping (BusMessage) -> Void) {
        self.oneShot = oneShot
        self.connection = connection
        self.body = body
    }

    func fire(_ m: OpaquePointer) {
        withExtendedLifetime(self) {
            // A reply handler runs once: forget it first, so the body may close the connection.
            if oneShot { connection?.forget(self) }
            body(BusMessage(pointer: m))
        }
    }
}

/// C entry points sd-bus calls. Kept in a nonisolated enum (ARCHITECTURE.md: a @convention(c)
/// closure at main.swift top level is MainActor-isolated and traps when called from C).
enum SDBusTrampolines {
    static let handler: sd_bus_message_handler_t = { m, userdata, _ in
        guard let m, let userdata else { return 0 }
        Unmanaged<BusHandlerBox>.fromOpaque(userdata).takeUnretainedValue().fire(m)
        return 0  // let other matches see it too
    }
}

/// One sd-bus connection on limber's event loop.
final class BusConnection {
    enum Kind: String {
        case system
        case session
    }

    let kind: Kind
    /// Called once when the connection ends by itself (the bus went away), with why.
    var onLost: ((String) -> Void)?

    private var bus: OpaquePointer?
    private let loop: EventLoop
    private var readWatch: SourceID?
    private var writeWatch: SourceID?
    private var timer: SourceID?
    private var timerDeadline: UInt64 = .max
    private var handlers: [ObjectIdentifier: BusHandlerBox] = [:]
    private var processing = false
    private var closeRequested = false

    /// Connects to the system bus (DBUS_SYSTEM_BUS_ADDRESS, else the standard socket) or the
    /// session bus (DBUS_SESSION_BUS_ADDRESS, else $XDG_RUNTIME_DIR/bus). Authentication
    /// and Hello continue on the loop; calls made before they finish are queued.
    static func open(_ kind: Kind, loop: EventLoop) -> Result<BusConnection, BusError> {
        if let path = missingSocket(kind) {
            // Said without sd-bus: its first call pages in a few hundred KiB of libsystemd,
            // which a machine without the bus (containers, the tests) need not carry.
            return .failure(BusError(name: "errno", message: "\(path): \(String(cString: strerror(ENOENT)))"))
        }
        var bus: OpaquePointer?
        let r = kind == .system ? sd_bus_open_system(&bus) : sd_bus_open_user(&bus)
        guard r >= 0, let bus else { return .failure(.errno(r)) }
        let connection = BusConnection(kind: kind, bus: bus, loop: loop)
        connection.rearm()
        return .success(connection)
    }

    /// The socket of a plain `unix:path=` bus address when it does not exist; nil when it
    /// exists or the address is of another kind (sd-bus then decides).
    static func missingSocket(_ kind: Kind) -> String? {
        let variable = kind == .system ? "DBUS_SYSTEM_BUS_ADDRESS" : "DBUS_SESSION_BUS_ADDRESS"
        let address: String
        if let set = getenv(variable) {
            address = String(cString: set)
        } else if kind == .system {
            address = "unix:path=/run/dbus/system_bus_socket"
        } else {
            return nil
        }
        guard let path = unixPath(address) else { return nil }
        var st = stat()
        return stat(path, &st) == 0 ? nil : path
    }

    /// The path of an address that is exactly one `unix:path=...` (with optional guid).
    static func unixPath(_ address: String) -> String? {
        // Byte checks, not String.contains(String): that one lives in _StringProcessing, whose
        // code limberd otherwise never touches at start-up (each new code page is idle RSS).
        guard !address.utf8.contains(UInt8(ascii: ";")), address.hasPrefix("unix:") else { return nil }
        var path: String?
        for pair in address.dropFirst("unix:".count).split(separator: ",") {
            let kv = pair.split(separator: "=", maxSplits: 1)
            guard kv.count == 2 else { return nil }
            switch kv[0] {
            case "path": path = String(kv[1])
            case "guid": break
            default: return nil  // abstract, runtime, tmpdir...: sd-bus knows these
            }
        }
        // D-Bus escapes bytes outside [-_/.\\0-9a-zA-Z] as %XX; such paths go to sd-bus.
        guard let path, !path.utf8.contains(UInt8(ascii: "%")) else { return nil }
        return path
    }

    private init(kind: Kind, bus: OpaquePointer, loop: EventLoop) {
        self.kind = kind
        self.bus = bus
        self.loop = loop
    }

    deinit {
        if let bus { sd_bus_flush_close_unref(bus) }
    }

    var isOpen: Bool { bus != nil && !closeRequested }

    /// Calls a method; `reply` gets the reply message or the error (including "no reply"
    /// after `timeout`). Services are never started for the call: a desktop service that is
    /// not running is simply not there.
    func call(_ destination: String, _ path: String, _ interface: String, _ member: String,
              _ arguments: [BusArgument] = [], timeout: Duration = .seconds(25),
              reply: @escaping (Result<BusMessage, BusError>) -> Void) {
        guard let bus, !closeRequested else {
            reply(.failure(BusError(name: "closed", message: "the connection is closed")))
            return
        }
        var m: OpaquePointer?
        var r = sd_bus_message_new_method_call(bus, &m, destination, path, interface, member)
        guard r >= 0, let m else {
            reply(.failure(.errno(r)))
            return
        }
        defer { sd_bus_message_unref(m) }
        sd_bus_message_set_auto_start(m, 0)
        for argument in arguments {
            switch argument {
            case .string(let s):
                r = s.withCString { sd_bus_message_append_basic(m, CChar(UInt8(ascii: "s")), $0) }
            case .uint32(var v):
                r = sd_bus_message_append_basic(m, CChar(UInt8(ascii: "u")), &v)
            case .uint64(var v):
                r = sd_bus_message_append_basic(m, CChar(UInt8(ascii: "t")), &v)
            case .bool(let b):
                var v: Int32 = b ? 1 : 0
                r = sd_bus_message_append_basic(m, CChar(UInt8(ascii: "b")), &v)
            }
            guard r >= 0 else {
                reply(.failure(.errno(r)))
                return
            }
        }
        let box = BusHandlerBox(oneShot: true, connection: self) { message in
            if let error = message.error { reply(.failure(error)) } else { reply(.success(message)) }
        }
        handlers[ObjectIdentifier(box)] = box
        let usec = UInt64(max(1, timeout.components.seconds)) * 1_000_000
        r = sd_bus_call_async(bus, nil, m, SDBusTrampolines.handler, Unmanaged.passUnretained(box).toOpaque(), usec)
        guard r >= 0 else {
            forget(box)
            reply(.failure(.errno(r)))
            return
        }
        rearm()
    }

    /// Calls `handler` for every signal matching `rule` (a D-Bus match rule) for as long as
    /// the connection lives. The match is installed asynchronously.
    func match(_ rule: String, _ handler: @escaping (BusMessage) -> Void) {
        guard let bus, !closeRequested else { return }
        let box = BusHandlerBox(oneShot: false, connection: self, body: handler)
        handlers[ObjectIdentifier(box)] = box
        let r = sd_bus_add_match_async(bus, nil, rule, SDBusTrampolines.handler, nil,
                                       Unmanaged.passUnretained(box).toOpaque())
        if r < 0 { forget(box) }
        rearm()
    }

    /// A match rule for one signal; nil parts match anything.
    static func signalRule(sender: String?, path: String?, interface: String, member: String,
                           arg0: String? = nil) -> String {
        var parts = ["type='signal'"]
        if let sender { parts.append("sender='\(sender)'") }
        if let path { parts.append("path='\(path)'") }
        parts.append("interface='\(interface)'")
        parts.append("member='\(member)'")
        if let arg0 { parts.append("arg0='\(arg0)'") }
        return parts.joined(separator: ",")
    }

    /// Closes the connection; no handler runs afterwards and `onLost` is not called.
    func close() {
        closeRequested = true
        if !processing { finishClose() }
    }

    func forget(_ box: BusHandlerBox) {
        handlers[ObjectIdentifier(box)] = nil
    }

    // MARK: The loop

    /// Dispatches everything sd-bus has to do now, then waits again.
    private func pump() {
        guard let bus, !closeRequested else { return }
        processing = true
        var failure: Int32 = 0
        while !closeRequested {
            let r = sd_bus_process(bus, nil)
            if r < 0 {
                failure = r
                break
            }
            if r == 0 { break }
        }
        processing = false
        if closeRequested {
            finishClose()
        } else if failure < 0 || sd_bus_is_open(bus) <= 0 {
            // The bus went away (its daemon stopped, or it dropped us): stop watching at
            // once, so a dead fd cannot keep the loop busy.
            let why = failure < 0 ? String(cString: strerror(-failure)) : "the bus closed the connection"
            closeRequested = true
            finishClose()
            onLost?(why)
        } else {
            rearm()
        }
    }

    /// Watches for what sd-bus waits for now: input, room for output, a reply's deadline.
    private func rearm() {
        guard let bus, !closeRequested else { return }
        let fd = sd_bus_get_fd(bus)
        guard fd >= 0 else { return }
        if readWatch == nil {
            readWatch = loop.watch(fd: fd, events: .readable) { [weak self] _ in
                guard let self else { return false }
                self.pump()
                return self.readWatch != nil
            }
        }
        let events = sd_bus_get_events(bus)
        if events > 0, events & Int32(POLLOUT) != 0 {
            if writeWatch == nil {
                writeWatch = loop.watch(fd: fd, events: .writable) { [weak self] _ in
                    guard let self else { return false }
                    self.writeWatch = nil  // re-added by rearm while output remains
                    self.pump()
                    return false
                }
            }
        } else if let writeWatch {
            loop.cancel(writeWatch)
            self.writeWatch = nil
        }
        var usec: UInt64 = .max
        if sd_bus_get_timeout(bus, &usec) < 0 { usec = .max }
        if usec == .max {
            if let timer { loop.cancel(timer) }
            timer = nil
            timerDeadline = .max
        } else if usec != timerDeadline || timer == nil {
            if let timer { loop.cancel(timer) }
            timerDeadline = usec
            let now = Self.monotonicMicroseconds()
            let wait = usec > now ? Duration.microseconds(Int64(usec - now)) : .zero
            timer = loop.after(wait) { [weak self] in
                guard let self else { return }
                self.timer = nil
                self.timerDeadline = .max
                self.pump()
            }
        }
    }

    private func finishClose() {
        for id in [readWatch, writeWatch, timer].compactMap({ $0 }) { loop.cancel(id) }
        readWatch = nil
        writeWatch = nil
        timer = nil
        if let bus { sd_bus_flush_close_unref(bus) }
        bus = nil
        handlers.removeAll()
    }

    static func monotonicMicroseconds() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) * 1_000_000 + UInt64(ts.tv_nsec) / 1000
    }
}
