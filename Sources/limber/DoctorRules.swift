import JSON
import LimberProtocol

/// One finding of `limber doctor`.
struct DoctorCheck: Equatable, Encodable {
    enum Level: String, Encodable {
        /// All is well.
        case ok
        /// Worth knowing, not a fault (limberd run outside systemd, say).
        case warn
        /// Something that keeps limber from working here: `limber doctor` exits 1.
        case fail
    }

    var name: String
    var status: Level
    /// What was found, in one line.
    var summary: String
    /// The fix, in one line; null when there is nothing to do.
    @Nullable var fix: String?

    init(_ name: String, _ status: Level, _ summary: String, fix: String? = nil) {
        self.name = name
        self.status = status
        self.summary = summary
        self.fix = fix
    }
}

/// What the doctor concludes from what it gathered. Pure: the facts come in as values, so
/// each verdict is tested without a desktop.
enum DoctorRules {
    static let unitName = "limber.service"

    /// `systemctl --user show limber.service` properties, or nil when no user manager answered.
    static func unit(_ props: [String: String]?, daemonReachable: Bool) -> DoctorCheck {
        guard let props else {
            return DoctorCheck("unit", daemonReachable ? .warn : .fail,
                               "no systemd user manager answered" + (daemonReachable ? "; limberd runs without it" : ""),
                               fix: daemonReachable ? nil
                                   : "start limberd from your session's autostart, or log in to a session with 'systemd --user'")
        }
        if props["LoadState"] == "not-found" {
            return DoctorCheck("unit", .fail, "\(unitName) is not installed",
                               fix: "make install (or install the limber package), then 'systemctl --user daemon-reload'")
        }
        let enabled = props["UnitFileState"] ?? "unknown"
        let active = props["ActiveState"] ?? "unknown"
        let sub = props["SubState"] ?? ""
        if active == "failed" {
            let result = props["Result"].map { " (\($0))" } ?? ""
            return DoctorCheck("unit", .fail, "\(unitName) failed\(result)",
                               fix: "see 'journalctl --user -u limber -n 50', fix the cause, then 'systemctl --user restart limber'")
        }
        if enabled != "enabled" && enabled != "static" && enabled != "enabled-runtime" {
            return DoctorCheck("unit", .fail, "\(unitName) is \(enabled), \(active)",
                               fix: "systemctl --user enable --now limber")
        }
        if active != "active" {
            return DoctorCheck("unit", daemonReachable ? .warn : .fail, "\(unitName) is enabled but \(active)",
                               fix: "systemctl --user start limber")
        }
        return DoctorCheck("unit", .ok, "\(unitName) is enabled and \(active) (\(sub))")
    }

    /// The user manager's environment (`systemctl --user show-environment`), nil without one.
    static func environment(_ env: [String: String]?) -> DoctorCheck {
        guard let env else {
            return DoctorCheck("environment", .warn, "no systemd user manager to check")
        }
        var missing: [String] = []
        if env["DBUS_SESSION_BUS_ADDRESS"] == nil { missing.append("DBUS_SESSION_BUS_ADDRESS") }
        if env["WAYLAND_DISPLAY"] == nil && env["DISPLAY"] == nil { missing.append("WAYLAND_DISPLAY or DISPLAY") }
        guard missing.isEmpty else {
            return DoctorCheck("environment", .fail,
                               "the user manager's environment lacks " + missing.joined(separator: " and "),
                               fix: "run in your session (e.g. from the compositor's startup): dbus-update-activation-environment "
                                    + "--systemd DBUS_SESSION_BUS_ADDRESS WAYLAND_DISPLAY DISPLAY XDG_CURRENT_DESKTOP")
        }
        let display = env["WAYLAND_DISPLAY"].map { "WAYLAND_DISPLAY=\($0)" } ?? "DISPLAY=\(env["DISPLAY"] ?? "")"
        return DoctorCheck("environment", .ok, "the user manager has DBUS_SESSION_BUS_ADDRESS and \(display)")
    }

    /// A notification server's GetServerInformation and GetCapabilities.
    struct Server: Equatable {
        var name: String
        var vendor: String
        var version: String
        var capabilities: [String]
    }

    static func notifications(_ server: Server?, error: String?) -> DoctorCheck {
        guard let s = server else {
            return DoctorCheck("notifications", .fail,
                               "no notification server on the session bus" + (error.map { " (\($0))" } ?? ""),
                               fix: "start one (your desktop's, mako, dunst, swaync...); check with 'notify-send test'")
        }
        let caps = Set(s.capabilities)
        var does: [String] = []
        if caps.contains("actions") {
            // What the servers seen on these machines make of the same actions (README of
            // the desktops notes): not every one draws them as buttons.
            switch s.name.lowercased() {
            case "mako":
                does.append("no buttons (mako draws none): a click snoozes; done or skip with 'limber' or 'makoctl menu'")
            case "dunst":
                does.append("a click snoozes; Done, Skip and Start from dunst's context menu (dunstctl context)")
            case "gnome-shell":
                does.append("buttons (GNOME shows at most 3) and a click snoozes")
            default:
                does.append("buttons Done, Snooze, Skip and Start, and a click snoozes")
            }
        } else {
            does.append("no buttons (the server takes no actions): answer with 'limber done', 'snooze' or 'skip'")
        }
        does.append(caps.contains("body-markup") ? "bold text" : "plain text")
        if caps.contains("persistence") { does.append("reminders stay until answered") }
        return DoctorCheck("notifications", .ok,
                           "\(s.name) \(s.version) (\(s.vendor)); capabilities: \(s.capabilities.joined(separator: " ")); "
                           + "limber shows " + does.joined(separator: ", "))
    }

    /// What would provide a missing source, by desktop (XDG_CURRENT_DESKTOP).
    static func provider(of source: String, desktop: String) -> String {
        let d = desktop.lowercased()
        switch source {
        case "lock":
            return d.contains("gnome") || d.contains("kde") ? "logind (system bus) with your desktop's locker"
                : "a locker that sets logind's LockedHint (loginctl lock-session with swaylock/i3lock via xss-lock)"
        case "logind_idle":
            return d.contains("sway") || d.contains("hyprland") || d.contains("wlroots")
                ? "swayidle with 'idlehint 300'" : "logind and a desktop that sets IdleHint (xss-lock, swayidle idlehint)"
        case "sleep":
            return "logind (system bus); without it the clocks show a suspend afterwards"
        case "mutter_idle":
            return d.contains("gnome") ? "GNOME Shell on the session bus" : "GNOME only"
        case "screensaver":
            return d.contains("kde") ? "KDE Plasma's org.freedesktop.ScreenSaver" : "a desktop with org.freedesktop.ScreenSaver (KDE, Xfce)"
        case "wayland_idle":
            return "a Wayland compositor with ext-idle-notify-v1 or KDE's idle protocol (sway, Hyprland, river, KDE)"
        case "x11_idle":
            return "an X11 session (the X server's SYNC IDLETIME counter)"
        default:
            return "see the README's 'Idle, lock and sleep'"
        }
    }

    /// The sources limberd reports; failing when nothing tells it the user left the desk.
    static func idle(_ presence: StatusReport.Presence?, desktop: String) -> DoctorCheck {
        guard let p = presence else {
            return DoctorCheck("idle", .fail, "limberd did not say which idle sources it watches",
                               fix: "start limberd, then run 'limber doctor' again")
        }
        let live = p.sources.filter(\.live).map(\.name)
        let missing = p.sources.filter { !$0.live && $0.policy != "ignore" }
        let missingText = missing.map { "\($0.name) (\(provider(of: $0.name, desktop: desktop)))" }.joined(separator: "; ")
        let awaySources = p.sources.filter { $0.live && $0.name != "sleep" && $0.policy != "ignore" }
        guard !awaySources.isEmpty else {
            return DoctorCheck("idle", .fail,
                               "no idle or lock source is live" + (live.isEmpty ? "" : " (only \(live.joined(separator: ", ")))")
                               + ": time away from the desk is not noticed",
                               fix: missing.isEmpty ? "set a source in [idle] to \"count\"" : "provide one of: " + missingText)
        }
        return DoctorCheck("idle", .ok,
                           "live: " + live.joined(separator: ", ")
                           + (missing.isEmpty ? "" : "; not found: " + missingText))
    }

    /// Whether reminders can wait for a pause in typing; a warning where nothing can tell one.
    static func naturalPause(_ presence: StatusReport.Presence?) -> DoctorCheck? {
        guard let p = presence else { return nil }
        guard p.naturalPause == "on" else {
            return DoctorCheck("natural-pause", .ok, "off: reminders are shown the moment they are due")
        }
        guard let source = p.pauseSource else {
            return DoctorCheck("natural-pause", .warn,
                               "no source can tell a pause in input: reminders are shown at once, even mid-sentence",
                               fix: "run limberd in a Wayland session with ext-idle-notify-v1 (wayland_idle), an X11 "
                                    + "session (x11_idle) or GNOME (mutter_idle); or set natural_pause = \"off\" in [hold]")
        }
        return DoctorCheck("natural-pause", .ok, "a reminder due while you type waits for a pause, watched through \(source)")
    }

    /// `gsettings get org.gnome.desktop.break-reminders selected-breaks`, nil when the schema
    /// is not installed (not GNOME 48 or later).
    static func gnomeBreaks(_ value: String?) -> DoctorCheck {
        guard let v = value?.trimmingSpacesAndNewlines else {
            return DoctorCheck("gnome-breaks", .ok, "GNOME's own break reminders are not installed")
        }
        if v == "@as []" || v == "[]" {
            return DoctorCheck("gnome-breaks", .ok, "GNOME's own break reminders are off")
        }
        return DoctorCheck("gnome-breaks", .fail, "GNOME's own break reminders are on too (\(v)): two reminders for one break",
                           fix: "turn GNOME's off: gsettings set org.gnome.desktop.break-reminders selected-breaks \"[]\" "
                                + "(or Settings > Wellbeing), or stop limber")
    }

    /// limberd's own sandbox as its status reports it (`sandbox` in `status --json`, from a
    /// limberd that confines itself), read without depending on this limber knowing the type.
    struct SelfSandbox: Decodable, Equatable {
        var state: String
        var abi: Int?
        var problem: String?
    }

    /// The sandbox: limberd's own (Landlock) when it reports one, and the unit's (no new
    /// privileges and a system-call filter, from limberd's /proc status lines).
    static func sandbox(_ own: SelfSandbox?, procStatus: String?, underUnit: Bool) -> DoctorCheck {
        func field(_ name: String) -> String? {
            procStatus?.split(separator: "\n").first { $0.hasPrefix(name + ":") }
                .map { $0.dropFirst(name.count + 1).trimmingSpacesAndNewlines }
        }
        let unitSandbox = field("NoNewPrivs") == "1" && field("Seccomp") == "2"
        let unitText = unitSandbox ? "the unit's system-call filter" : nil
        if let own {
            switch own.state {
            case "landlock":
                let abi = own.abi.map { " ABI \($0)" } ?? ""
                return DoctorCheck("sandbox", .ok, "limberd confines itself (Landlock\(abi))"
                                   + (unitText.map { " and runs under \($0)" } ?? ""))
            case "unavailable":
                return DoctorCheck("sandbox", .warn, "this kernel has no Landlock, so limberd cannot confine itself"
                                   + (unitText.map { "; it runs under \($0)" } ?? ""))
            case "off":
                return DoctorCheck("sandbox", .warn, "limberd's own sandbox is turned off (LIMBER_SANDBOX=off)",
                                   fix: "remove LIMBER_SANDBOX=off (systemctl --user edit limber) unless you are debugging")
            default:
                return DoctorCheck("sandbox", .fail, "limberd's own sandbox \(own.state)"
                                   + (own.problem.map { ": \($0)" } ?? ""),
                                   fix: "see 'journalctl --user -u limber' for why, and report it")
            }
        }
        guard procStatus != nil else {
            return DoctorCheck("sandbox", .warn, "cannot read limberd's process status")
        }
        if unitSandbox {
            return DoctorCheck("sandbox", .ok, "limberd runs sandboxed (no new privileges, system-call filter)")
        }
        return DoctorCheck("sandbox", underUnit ? .fail : .warn,
                           "limberd runs without its sandbox" + (underUnit ? "" : " (it was not started by the unit)"),
                           fix: "run it as the systemd unit: systemctl --user enable --now limber")
    }
}

extension StringProtocol {
    var trimmingSpacesAndNewlines: String {
        var s = Substring(self)
        while let c = s.first, c == " " || c == "\n" || c == "\t" || c == "\r" { s.removeFirst() }
        while let c = s.last, c == " " || c == "\n" || c == "\t" || c == "\r" { s.removeLast() }
        return String(s)
    }
}
