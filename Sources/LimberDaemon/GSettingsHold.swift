import CNotify
import LimberCore
import Logging

// GNOME's do not disturb: org.gnome.desktop.notifications show-banners = false, read through
// GSettings and followed through its "changed::show-banners" signal (dconf tells GSettings
// of changes over the session bus; no polling). g_settings_new aborts the process for a
// schema that is not installed, so the schema is looked up first, and GSettings is only used
// in a GNOME session or where GSETTINGS_BACKEND is set: elsewhere GLib would fall back to its
// memory backend, with a warning, and nothing would ever change.

/// Watches GNOME's show-banners and reports the `gnome_banners` hold on and off.
final class GSettingsHold {
    static let schema = "org.gnome.desktop.notifications"
    static let key = "show-banners"

    /// The hold turns on (banners off) or off.
    var onHold: (Bool) -> Void = { _ in }
    /// Why it is not watched; nil when it is.
    private(set) var problem: String?
    private var settings: OpaquePointer?
    private var handler: gulong = 0
    private var holding = false
    private let logger: Logger
    private let target = GSettingsTarget()

    init(logger: Logger) {
        self.logger = logger
    }

    /// Whether GSettings is worth asking in this environment.
    static func usable(_ environment: [String: String]) -> Bool {
        if !(environment["GSETTINGS_BACKEND"] ?? "").isEmpty { return true }
        return (environment["XDG_CURRENT_DESKTOP"] ?? "").split(separator: ":")
            .contains { $0.uppercased().contains("GNOME") }
    }

    /// Reads show-banners and follows its changes; on the loop's thread (GLib's default context).
    func start(environment: [String: String]) {
        guard settings == nil else { return }
        defer {
            if let problem {
                logger.info("GNOME's do not disturb is not watched: \(problem)")
            } else {
                logger.info("GNOME's do not disturb is watched through GSettings (\(Self.schema) \(Self.key))")
            }
        }
        guard Self.usable(environment) else {
            problem = "not a GNOME session"
            return
        }
        guard let source = g_settings_schema_source_get_default(),
              let schema = g_settings_schema_source_lookup(source, Self.schema, 1) else {
            problem = "the schema \(Self.schema) is not installed"
            return
        }
        defer { g_settings_schema_unref(schema) }
        guard g_settings_schema_has_key(schema, Self.key) != 0,
              let s = g_settings_new_full(schema, nil, nil) else {
            problem = "\(Self.schema) has no key \(Self.key)"
            return
        }
        settings = s
        problem = nil
        target.owner = self
        handler = g_signal_connect_data(
            UnsafeMutableRawPointer(s), "changed::" + Self.key,
            unsafeBitCast(GSettingsTrampolines.changed, to: GCallback.self),
            Unmanaged.passRetained(target).toOpaque(), GSettingsTrampolines.release, G_CONNECT_DEFAULT)
        read()
    }

    func read() {
        guard let settings else { return }
        let banners = g_settings_get_boolean(settings, Self.key) != 0
        guard holding == banners else { return }  // holding while banners are off
        holding = !banners
        logger.debug("\(holding ? "hold" : "release"): gnome_banners", metadata: ["source": "gnome_banners"])
        onHold(holding)
    }

    func stop() {
        if let settings {
            if handler != 0 { g_signal_handler_disconnect(UnsafeMutableRawPointer(settings), handler) }
            g_object_unref(UnsafeMutableRawPointer(settings))
        }
        settings = nil
        handler = 0
        target.owner = nil
        if holding {
            holding = false
            onHold(false)
        }
    }
}

/// What the signal handler reaches: weak, so a stopped watcher is not kept alive by GLib.
final class GSettingsTarget {
    weak var owner: GSettingsHold?
}

/// C entry points GLib calls, in a nonisolated enum (DESIGN.md: Swift 6 C-callback pitfalls).
enum GSettingsTrampolines {
    /// "changed": void (*)(GSettings *, const gchar *key, gpointer user_data).
    static let changed: @convention(c) (OpaquePointer?, UnsafePointer<CChar>?, UnsafeMutableRawPointer?) -> Void = {
        _, _, data in
        guard let data else { return }
        Unmanaged<GSettingsTarget>.fromOpaque(data).takeUnretainedValue().owner?.read()
    }

    static let release: GClosureNotify = { data, _ in
        guard let data else { return }
        Unmanaged<GSettingsTarget>.fromOpaque(data).release()
    }
}
