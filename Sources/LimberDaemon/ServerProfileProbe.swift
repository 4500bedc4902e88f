import Logging

/// Learns the notification server's profile (`GetServerInformation`, `GetCapabilities`) once
/// per appearance of the server, asynchronously on the loop: the loop never waits for it.
///
/// Started with the daemon, so the first notification already suits the running server.
/// Until the answers arrive, and while no server owns the name (GNOME 43 starts its own by
/// D-Bus activation on the first `Notify`), `current()` is `ServerProfile.unknown`, which
/// suits GNOME. A new owner of `org.freedesktop.Notifications` is asked again.
/// Used only on the loop's thread.
final class ServerProfileProbe {
    static let name = "org.freedesktop.Notifications"
    static let path = "/org/freedesktop/Notifications"

    private let loop: EventLoop
    private let logger: Logger
    private var bus: BusConnection?
    private var profile = ServerProfile.unknown
    /// Changes with each owner, so the answers about an old owner are dropped.
    private var generation = 0

    init(loop: EventLoop, logger: Logger) {
        self.loop = loop
        self.logger = logger
    }

    /// The profile to adapt the next notification to; starts the probe if it is not running.
    func current() -> ServerProfile {
        if bus == nil { start() }
        return profile
    }

    /// Connects and asks the server running now, if any (not one that D-Bus would start).
    func start() {
        guard bus == nil else { return }
        guard case .success(let b) = BusConnection.open(.session, loop: loop) else { return }  // next show retries
        bus = b
        b.onLost = { [unowned self] _ in
            self.bus = nil
            self.profile = .unknown
            self.generation += 1
        }
        b.match(BusConnection.signalRule(sender: "org.freedesktop.DBus", path: "/org/freedesktop/DBus",
                                         interface: "org.freedesktop.DBus", member: "NameOwnerChanged",
                                         arg0: Self.name)) { [unowned self] m in
            _ = m.readString()
            _ = m.readString()
            let new = m.readString() ?? ""
            self.profile = .unknown
            self.generation += 1
            if !new.isEmpty { self.ask() }
        }
        ask()
    }

    private func ask() {
        guard let bus else { return }
        generation += 1
        let asked = generation
        bus.call(Self.name, Self.path, Self.name, "GetCapabilities", timeout: .seconds(10)) { [unowned self] r in
            guard asked == self.generation, case .success(let m) = r, let caps = m.readStrings() else { return }
            self.bus?.call(Self.name, Self.path, Self.name, "GetServerInformation",
                           timeout: .seconds(10)) { [unowned self] r in
                guard asked == self.generation, case .success(let m) = r else { return }
                let name = m.readString() ?? "", vendor = m.readString() ?? "", version = m.readString() ?? ""
                // Bounded: a hostile server could send any number of long strings.
                let kept = Set(caps.prefix(64).map { String($0.prefix(64)) })
                self.profile = ServerProfile(name: String(name.prefix(64)), vendor: String(vendor.prefix(64)),
                                             version: String(version.prefix(32)), capabilities: kept)
                self.logger.info("notification server: \(self.profile.name) \(self.profile.version) (\(self.profile.kind.rawValue))",
                                 metadata: ["capabilities": "\(kept.sorted().joined(separator: ","))"])
            }
        }
    }
}
