import LimberCore
import Logging

// Do not disturb, from the notification server on the session bus, by signals only:
//   - the org.freedesktop.Notifications `Inhibited` property (KDE Plasma 5.27 and others),
//   - dunst's org.dunstproject.cmd0 `paused` property (`dunstctl set-paused true`),
// each read once when the server is found and then followed through PropertiesChanged. A
// server that leaves the bus lets go of its holds; one that appears is read again.
// Idle inhibitors (a presentation, a video, a call) from GNOME's org.gnome.SessionManager:
// IsInhibited(idle) asked at start and after each InhibitorAdded / InhibitorRemoved signal
// (GNOME's org.freedesktop.ScreenSaver.Inhibit lands there too). Elsewhere (KDE Plasma's
// PowerDevil, and others following the freedesktop power-management interface) from
// org.freedesktop.PowerManagement.Inhibit: HasInhibit() asked at start and when the service
// appears, then its HasInhibitChanged(b) signal (KDE routes org.freedesktop.ScreenSaver.Inhibit
// there too). org.freedesktop.ScreenSaver itself signals no change of its inhibitors, so it
// is not asked: that would mean polling.
// (GNOME's show-banners comes through GSettings: GSettingsHold.)

/// Watches the notification server's do-not-disturb state and reports holds on and off.
final class HoldWatcher: Watcher {
    static let server = "org.freedesktop.Notifications"
    static let path = "/org/freedesktop/Notifications"
    static let dunst = "org.dunstproject.cmd0"
    static let properties = "org.freedesktop.DBus.Properties"

    /// (interface, property, source) for each bus property that holds.
    static let watched: [(String, String, HoldSource)] = [
        (server, "Inhibited", .dndServer),
        (dunst, "paused", .dunstPaused),
    ]

    static let sessionManager = "org.gnome.SessionManager"
    static let sessionManagerPath = "/org/gnome/SessionManager"
    /// GsmInhibitorFlag: idle.
    static let inhibitIdle: UInt32 = 8
    static let powerManagement = "org.freedesktop.PowerManagement.Inhibit"
    static let powerManagementPath = "/org/freedesktop/PowerManagement/Inhibit"

    /// A source holds (true) or lets go (false).
    var onHold: (HoldSource, Bool) -> Void = { _, _ in }
    /// Sources the server answers for now.
    private(set) var live: Set<HoldSource> = []
    private var holding: Set<HoldSource> = []
    /// The inhibitor hold, by where it comes from: GNOME's session manager, the freedesktop
    /// power-management service. Either one holds; each answers for itself.
    private var inhibitedBy: [String: Bool] = [:]
    let graphical: Bool

    init(loop: EventLoop, logger: Logger, graphical: Bool) {
        self.graphical = graphical
        super.init(loop: loop, logger: logger)
    }

    /// Connected is enough: a server or session manager that appears later is read then
    /// (NameOwnerChanged), so a reload need not start over and drop the holds in force.
    override var complete: Bool { !graphical || bus != nil }

    override func start() {
        guard graphical else {
            probed = true
            changed()
            return
        }
        guard let b = connect(.session, onFailure: { _ in }) else { return }
        for (interface, property, source) in Self.watched {
            b.match(BusConnection.signalRule(sender: Self.server, path: Self.path, interface: Self.properties,
                                             member: "PropertiesChanged", arg0: interface)) { [unowned self] m in
                _ = m.readString()
                var value: Bool?
                _ = m.readProperties { name, v in
                    if name == property, case .bool(let on) = v { value = on }
                }
                if let value {
                    self.live.insert(source)
                    self.set(source, value)
                } else if let invalidated = m.readStrings(), invalidated.contains(property) {
                    self.probe(interface, property, source)
                }
            }
        }
        b.match(BusConnection.signalRule(sender: "org.freedesktop.DBus", path: "/org/freedesktop/DBus",
                                         interface: "org.freedesktop.DBus", member: "NameOwnerChanged",
                                         arg0: Self.server)) { [unowned self] m in
            _ = m.readString()
            let old = m.readString() ?? "", new = m.readString() ?? ""
            if !old.isEmpty { self.serverGone() }
            if !new.isEmpty { self.probeAll() }
        }
        for member in ["InhibitorAdded", "InhibitorRemoved"] {
            b.match(BusConnection.signalRule(sender: Self.sessionManager, path: Self.sessionManagerPath,
                                             interface: Self.sessionManager, member: member)) { [unowned self] _ in
                self.probeInhibitors()
            }
        }
        b.match(BusConnection.signalRule(sender: "org.freedesktop.DBus", path: "/org/freedesktop/DBus",
                                         interface: "org.freedesktop.DBus", member: "NameOwnerChanged",
                                         arg0: Self.sessionManager)) { [unowned self] m in
            _ = m.readString()
            let old = m.readString() ?? "", new = m.readString() ?? ""
            if !old.isEmpty {
                self.inhibited(Self.sessionManager, nil)
                self.changed()
            }
            if !new.isEmpty { self.probeInhibitors() }
        }
        b.match(BusConnection.signalRule(sender: Self.powerManagement, path: Self.powerManagementPath,
                                         interface: Self.powerManagement, member: "HasInhibitChanged")) { [unowned self] m in
            if let on = m.readBool() {
                self.inhibited(Self.powerManagement, on)
                self.changed()
            }
        }
        b.match(BusConnection.signalRule(sender: "org.freedesktop.DBus", path: "/org/freedesktop/DBus",
                                         interface: "org.freedesktop.DBus", member: "NameOwnerChanged",
                                         arg0: Self.powerManagement)) { [unowned self] m in
            _ = m.readString()
            let old = m.readString() ?? "", new = m.readString() ?? ""
            if !old.isEmpty {
                self.inhibited(Self.powerManagement, nil)
                self.changed()
            }
            if !new.isEmpty { self.probePowerManagement() }
        }
        probeAll()
        probeInhibitors()
        probePowerManagement()
    }

    /// Whether the power-management service has an inhibitor now.
    private func probePowerManagement() {
        bus?.call(Self.powerManagement, Self.powerManagementPath, Self.powerManagement, "HasInhibit") { [unowned self] result in
            if case .success(let m) = result, let on = m.readBool() {
                self.inhibited(Self.powerManagement, on)
            } else {
                self.inhibited(Self.powerManagement, nil)
            }
            self.changed()
        }
    }

    /// One inhibitor service answered (nil: it is not there): the hold is on while any says so.
    private func inhibited(_ service: String, _ on: Bool?) {
        inhibitedBy[service] = on
        if inhibitedBy.isEmpty { live.remove(.inhibitor) } else { live.insert(.inhibitor) }
        set(.inhibitor, inhibitedBy.values.contains(true))
    }

    /// Whether anything inhibits idle now.
    private func probeInhibitors() {
        bus?.call(Self.sessionManager, Self.sessionManagerPath, Self.sessionManager, "IsInhibited",
                  [.uint32(Self.inhibitIdle)]) { [unowned self] result in
            if case .success(let m) = result, let on = m.readBool() {
                self.inhibited(Self.sessionManager, on)
            } else {
                self.inhibited(Self.sessionManager, nil)
            }
            self.changed()
        }
    }

    private func probeAll() {
        for (interface, property, source) in Self.watched { probe(interface, property, source) }
    }

    /// Reads the property once; a server without it (most) simply does not hold.
    private func probe(_ interface: String, _ property: String, _ source: HoldSource) {
        bus?.call(Self.server, Self.path, Self.properties, "GetAll", [.string(interface)]) { [unowned self] result in
            var value: Bool?
            if case .success(let m) = result {
                _ = m.readProperties { name, v in
                    if name == property, case .bool(let on) = v { value = on }
                }
            }
            if let value {
                self.live.insert(source)
                self.connected()
                self.set(source, value)
            } else {
                self.live.remove(source)
                self.set(source, false)
            }
            if !self.probed { self.probed = true }
            self.changed()
        }
    }

    private func set(_ source: HoldSource, _ on: Bool) {
        guard holding.contains(source) != on else { return }
        if on { holding.insert(source) } else { holding.remove(source) }
        logger.debug("\(on ? "hold" : "release"): \(source.rawValue)", metadata: ["source": "\(source.rawValue)"])
        onHold(source, on)
    }

    private func serverGone() {
        live.subtract([.dndServer, .dunstPaused])
        for source in holding.sorted() where source != .inhibitor { set(source, false) }
        changed()
    }

    override func releaseAll() {
        for source in holding.sorted() { set(source, false) }
        inhibitedBy = [:]
    }

    override func lost(_ why: String) {
        live = []
        inhibitedBy = [:]
    }
}
