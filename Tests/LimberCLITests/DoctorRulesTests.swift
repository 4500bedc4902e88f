import LimberProtocol
import Testing
@testable import limber

@Suite struct DoctorRulesTests {
    @Test func theUnitFromEachStateToItsFix() {
        #expect(DoctorRules.unit(nil, daemonReachable: true).status == .warn)
        #expect(DoctorRules.unit(nil, daemonReachable: false).status == .fail)
        #expect(DoctorRules.unit(["LoadState": "not-found"], daemonReachable: false).summary == "limber.service is not installed")
        let failed = DoctorRules.unit(["LoadState": "loaded", "UnitFileState": "enabled", "ActiveState": "failed",
                                       "Result": "exit-code"], daemonReachable: false)
        #expect(failed.status == .fail)
        #expect(failed.summary == "limber.service failed (exit-code)")
        let disabled = DoctorRules.unit(["LoadState": "loaded", "UnitFileState": "disabled", "ActiveState": "inactive"],
                                        daemonReachable: false)
        #expect(disabled.fix == "systemctl --user enable --now limber")
        let good = DoctorRules.unit(["LoadState": "loaded", "UnitFileState": "enabled", "ActiveState": "active",
                                     "SubState": "running"], daemonReachable: true)
        #expect(good.status == .ok)
        #expect(good.fix == nil)
    }

    @Test func theEnvironmentNeedsTheBusAndADisplay() {
        #expect(DoctorRules.environment(["DBUS_SESSION_BUS_ADDRESS": "x", "DISPLAY": ":0"]).status == .ok)
        let noDisplay = DoctorRules.environment(["DBUS_SESSION_BUS_ADDRESS": "x"])
        #expect(noDisplay.status == .fail)
        #expect(noDisplay.summary == "the user manager's environment lacks WAYLAND_DISPLAY or DISPLAY")
        #expect(DoctorRules.environment([:]).summary.contains("DBUS_SESSION_BUS_ADDRESS and WAYLAND_DISPLAY or DISPLAY"))
        #expect(DoctorRules.environment(nil).status == .warn)
    }

    @Test func whatLimberDoesOnAServer() {
        let mako = DoctorRules.Server(name: "mako", vendor: "emersion", version: "1.7.1", capabilities: ["body", "body-markup"])
        let c = DoctorRules.notifications(mako, error: nil)
        #expect(c.status == .ok)
        #expect(c.summary.hasSuffix("limber shows no buttons (the server takes no actions): answer with 'limber done', "
                                    + "'snooze' or 'skip', bold text"))
        var withActions = mako
        withActions.capabilities.append("actions")
        #expect(DoctorRules.notifications(withActions, error: nil).summary.contains("mako draws none"))
        withActions.name = "Plasma"
        #expect(DoctorRules.notifications(withActions, error: nil).summary.contains("buttons Done, Snooze, Skip and Start"))
        #expect(DoctorRules.notifications(nil, error: "no bus").status == .fail)
    }

    func source(_ name: String, live: Bool, policy: String = "count") -> StatusReport.Presence.Source {
        .init(name: name, live: live, policy: policy, via: live ? "x" : nil, problem: live ? nil : "absent")
    }

    @Test func onlySleepIsNoIdleSource() {
        func presence(_ sources: [StatusReport.Presence.Source]) -> StatusReport.Presence {
            .init(state: "present", awaySince: nil, lastActive: 0, awayBy: [], sources: sources)
        }
        let onlySleep = DoctorRules.idle(presence([source("sleep", live: true), source("lock", live: false)]), desktop: "sway")
        #expect(onlySleep.status == .fail)
        #expect(onlySleep.fix?.contains("loginctl lock-session") == true)
        let ignoredLive = DoctorRules.idle(presence([source("sleep", live: true), source("lock", live: true, policy: "ignore")]),
                                           desktop: "")
        #expect(ignoredLive.status == .fail)
        let good = DoctorRules.idle(presence([source("lock", live: true), source("mutter_idle", live: false)]), desktop: "GNOME")
        #expect(good.status == .ok)
        #expect(good.summary == "live: lock; not found: mutter_idle (GNOME Shell on the session bus)")
        #expect(DoctorRules.idle(nil, desktop: "").status == .fail)
    }

    @Test func gnomesOwnRemindersAndTheSandbox() {
        #expect(DoctorRules.gnomeBreaks(nil).status == .ok)
        #expect(DoctorRules.gnomeBreaks("@as []\n").status == .ok)
        #expect(DoctorRules.gnomeBreaks("['eyesight', 'movement']\n").status == .fail)
        let sandboxed = "Name:\tlimberd\nNoNewPrivs:\t1\nSeccomp:\t2\n"
        let bare = "NoNewPrivs:\t0\nSeccomp:\t0\n"
        #expect(DoctorRules.sandbox(nil, procStatus: sandboxed, underUnit: true).status == .ok)
        #expect(DoctorRules.sandbox(nil, procStatus: bare, underUnit: true).status == .fail)
        #expect(DoctorRules.sandbox(nil, procStatus: bare, underUnit: false).status == .warn)
        // limberd's own sandbox, when it reports one, decides.
        let landlock = DoctorRules.SelfSandbox(state: "landlock", abi: 3, problem: nil)
        #expect(DoctorRules.sandbox(landlock, procStatus: bare, underUnit: true)
                == DoctorCheck("sandbox", .ok, "limberd confines itself (Landlock ABI 3)"))
        #expect(DoctorRules.sandbox(.init(state: "unavailable"), procStatus: sandboxed, underUnit: true).summary
                == "this kernel has no Landlock, so limberd cannot confine itself; it runs under the unit's system-call filter")
        #expect(DoctorRules.sandbox(.init(state: "off"), procStatus: bare, underUnit: false).status == .warn)
        #expect(DoctorRules.sandbox(.init(state: "failed", problem: "EINVAL"), procStatus: bare, underUnit: false).status == .fail)
    }
}
