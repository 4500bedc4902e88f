"""End to end: do not disturb holds a reminder that comes due, without counting it missed.

  - dunst 1.9 under Xvfb, paused with its own `dunstctl set-paused true` (its
    org.dunstproject.cmd0 `paused` property);
  - the fake notification server's `Inhibited` property with PropertiesChanged, as KDE
    Plasma 5.27 implements it (harness.FakeNotifications.set_inhibited).

LIMBER_TEST_SCALE=60: one real second is one scheduler minute, so the 5-minute posture
interval is 5 s, "reshow_after = 1m" with "reshow_count = 0" would count an unanswered
reminder missed after 1 s, and "[idle] grace = 1m" is 1 s. The idle sources are ignored, so
an Xvfb without input does not make the user away.
"""

import json
import os
import shutil
import subprocess
import time
import unittest

import harness
from harness import DaemonTestCase, Dunst, Xvfb, wait_until

harness.require_binaries()
harness.require_commands("dbus-daemon", "dbus-send")

CONFIG = """
[posture]
interval_min = "5m"
interval_max = "5m"

[reminders]
reshow_after = "1m"
reshow_count = 0

[idle]
grace = "1m"
logind_idle = "ignore"
mutter_idle = "ignore"
wayland_idle = "ignore"
x11_idle = "ignore"
screensaver = "ignore"
{extra}
"""


class HoldCase(DaemonTestCase):
    test_scale = 60
    extra = ""

    def setUp(self):
        super().setUp()
        config = self.tenv.config_home / "limber" / "config.toml"
        config.parent.mkdir(mode=0o700, exist_ok=True)
        config.write_text(CONFIG.format(extra=self.extra))

    def held_by(self, sources, message):
        return self.wait_status(lambda s: (s.get("presence") or {}).get("held_by") == sources,
                                message=message)

    def held_lines(self):
        return [e for e in self.tenv.history() if e.get("outcome") == "held"]

    def hold_then_release(self, hold, release, shown, source):
        """Holds, lets the posture check come due and stay past a re-show and a miss, then
        releases: it must be shown only after the grace period, never missed."""
        hold()
        s = self.held_by([source], f"{source} to hold")
        self.assertIsNotNone(s["presence"]["held_since"])
        self.advance(self.next_of(s, "posture")["in_seconds"])
        s = self.wait_status(lambda s: s["presence"].get("held_waiting") == "posture", timeout=15,
                             message="the posture check to come due and wait")
        self.assertIsNone(s["due"], "nothing is shown while held")
        # Past where it would have been re-shown and counted missed (a minute each here).
        self.advance(150)
        s = self.status()
        self.assertIsNone(s["due"], "still not shown")
        self.assertEqual(s["today"]["missed"], 0)
        self.assertEqual(shown(), 0, "nothing reached the notification server while held")
        self.assertGreaterEqual(self.next_of(s, "posture")["elapsed_seconds"], 300,
                                "active time kept counting")
        text = self.cli_ok("status")
        self.assertIn("Held since", text)
        self.assertIn("the posture check waits", text)
        release()
        self.held_by([], f"{source} to let go")
        wait_until(lambda: shown() >= 1, timeout=10, message="the posture check after the grace period")
        s = self.wait_status(lambda s: s.get("due") is not None, message="the posture check due")
        self.assertEqual(s["today"]["missed"], 0)
        held = self.held_lines()
        self.assertEqual(len(held), 1, held)
        self.assertEqual(held[0]["kind"], "posture")
        self.assertEqual(held[0]["reason"], source)
        self.assertGreaterEqual(held[0]["seconds"], 2 * 60, "held for minutes of scheduler time")


class WithDunst(HoldCase):
    fake = False

    def setUp(self):
        harness.require_commands("Xvfb", "dunst", "dunstctl")
        super().setUp()
        self.x = Xvfb(self.tenv).start()
        self.addCleanup(self.x.stop)
        self.dunst = Dunst(self.tenv, self.bus, self.x).start()
        self.addCleanup(self.dunst.stop)
        # A graphical session: limberd asks the session bus for do not disturb.
        self.daemon.extra_env.update(self.x.env)

    def shown(self):
        return self.dunst.count_displayed() + self.dunst.count("waiting") + self.dunst.count("history")

    def test_dunst_paused_holds_and_unpaused_shows_after_grace(self):
        self.start_daemon()
        self.hold_then_release(lambda: self.dunst.ctl("set-paused", "true"),
                               lambda: self.dunst.ctl("set-paused", "false"),
                               self.shown, "dunst_paused")

    def test_dunst_paused_before_limberd_starts_holds(self):
        self.dunst.ctl("set-paused", "true")
        self.start_daemon()
        self.held_by(["dunst_paused"], "dunst's pause read at start")

    def test_hold_off_in_the_config_does_not_hold(self):
        config = self.tenv.config_home / "limber" / "config.toml"
        config.write_text(CONFIG.format(extra="[hold]\ndunst_paused = \"off\"\n"))
        self.dunst.ctl("set-paused", "true")
        self.start_daemon()
        s = self.wait_status(lambda s: s.get("due") is not None, timeout=15,
                             message="the posture check shown though dunst is paused")
        self.assertEqual(s["presence"]["held_by"], [])


class WithInhibitedServer(HoldCase):
    fake = True

    def setUp(self):
        super().setUp()
        # Any graphical session will do: the fake server is on the private session bus.
        self.daemon.extra_env["XDG_CURRENT_DESKTOP"] = "KDE"

    def shown(self):
        return len(self.notifications.notify_calls())

    def test_inhibited_holds_and_release_shows_after_grace(self):
        self.start_daemon()
        self.hold_then_release(lambda: self.notifications.set_inhibited(True),
                               lambda: self.notifications.set_inhibited(False),
                               self.shown, "dnd_server")

    def test_a_server_that_leaves_lets_go(self):
        self.start_daemon()
        self.notifications.set_inhibited(True)
        self.held_by(["dnd_server"], "the server's do not disturb")
        self.notifications.stop()
        self.held_by([], "the hold to end with the server gone")



class WithGnomeBanners(HoldCase):
    """GNOME's do not disturb through GSettings, on GLib's keyfile backend (GSETTINGS_BACKEND=
    keyfile: $XDG_CONFIG_HOME/glib-2.0/settings/keyfile, watched by GLib with inotify), set
    with the `gsettings` command as GNOME's own settings would through dconf."""

    fake = True

    def setUp(self):
        harness.require_commands("gsettings")
        super().setUp()
        self.gsettings_env = dict(self.tenv.env, GSETTINGS_BACKEND="keyfile")
        r = subprocess.run(["gsettings", "list-keys", "org.gnome.desktop.notifications"],
                           env=self.gsettings_env, capture_output=True, text=True)
        if r.returncode != 0 or "show-banners" not in r.stdout.split():
            self.skipTest("the schema org.gnome.desktop.notifications is not installed "
                          "(Debian: gsettings-desktop-schemas)")
        self.banners(True)  # the keyfile exists before limberd reads it
        self.daemon.extra_env.update(GSETTINGS_BACKEND="keyfile", XDG_CURRENT_DESKTOP="GNOME")

    def banners(self, on):
        subprocess.run(["gsettings", "set", "org.gnome.desktop.notifications", "show-banners",
                        "true" if on else "false"], env=self.gsettings_env, check=True, timeout=10)

    def shown(self):
        return len(self.notifications.notify_calls())

    def test_banners_off_holds_and_on_shows_after_grace(self):
        self.start_daemon()
        self.hold_then_release(lambda: self.banners(False), lambda: self.banners(True),
                               self.shown, "gnome_banners")

    def test_banners_off_before_limberd_starts_holds(self):
        self.banners(False)
        self.start_daemon()
        self.held_by(["gnome_banners"], "show-banners read at start")



class WithSessionManager(HoldCase):
    """An idle inhibitor taken through org.gnome.SessionManager's Inhibit (a fake following
    its published interface: gnome-session cannot run here), as a video player or a
    presentation takes one."""

    fake = True

    def setUp(self):
        super().setUp()
        self.manager_log = self.tenv.path("session-manager.log")
        self.manager = harness.spawn(
            "session-manager",
            [harness.SYSTEM_PYTHON, harness.FAKES / "session_manager.py",
             "--record", self.tenv.path("session-manager.jsonl")],
            stdout=subprocess.PIPE, stderr=open(self.manager_log, "wb"),
            env=dict(self.tenv.env, **self.bus.env))
        self.addCleanup(lambda: harness.stop(self.manager))
        line = harness._read_line(self.manager, 15, "fake session manager")
        self.assertEqual(line, "ready", harness.tail(self.manager_log))
        self.daemon.extra_env["XDG_CURRENT_DESKTOP"] = "GNOME"
        self.cookie = None

    def call(self, method, *args):
        rc, out, err = harness.dbus_send(self.bus.address, "org.gnome.SessionManager",
                                         "/org/gnome/SessionManager",
                                         f"org.gnome.SessionManager.{method}", *args)
        self.assertEqual(rc, 0, err)
        return out

    def inhibit(self, flags=8):
        out = self.call("Inhibit", "string:org.example.Presenter", "uint32:0",
                        "string:presenting", f"uint32:{flags}")
        self.cookie = int(out.split()[-1])

    def uninhibit(self):
        self.call("Uninhibit", f"uint32:{self.cookie}")

    def shown(self):
        return len(self.notifications.notify_calls())

    def test_idle_inhibitor_holds_and_its_release_shows_after_grace(self):
        self.start_daemon()
        self.hold_then_release(self.inhibit, self.uninhibit, self.shown, "inhibitor")

    def test_an_inhibitor_of_suspend_only_does_not_hold(self):
        self.start_daemon()
        self.inhibit(flags=4)
        s = self.wait_status(lambda s: s.get("due") is not None, timeout=15,
                             message="the posture check shown: only suspend is inhibited")
        self.assertEqual(s["presence"]["held_by"], [])

    def test_an_inhibitor_taken_before_limberd_starts_holds(self):
        self.inhibit()
        self.start_daemon()
        self.held_by(["inhibitor"], "the inhibitor read at start")



class WithPowerManagement(HoldCase):
    """An idle inhibitor taken through org.freedesktop.PowerManagement.Inhibit, as KDE Plasma's
    PowerDevil offers it (a fake following its published interface: PowerDevil cannot run
    here). Followed by its HasInhibitChanged signal only: nothing is polled."""

    fake = True

    def setUp(self):
        super().setUp()
        self.pm_log = self.tenv.path("power-management.log")
        self.record = self.tenv.path("power-management.jsonl")
        self.pm = harness.spawn(
            "power-management",
            [harness.SYSTEM_PYTHON, harness.FAKES / "power_management.py", "--record", self.record],
            stdout=subprocess.PIPE, stderr=open(self.pm_log, "wb"),
            env=dict(self.tenv.env, **self.bus.env))
        self.addCleanup(lambda: harness.stop(self.pm))
        line = harness._read_line(self.pm, 15, "fake power management")
        self.assertEqual(line, "ready", harness.tail(self.pm_log))
        self.daemon.extra_env["XDG_CURRENT_DESKTOP"] = "KDE"
        self.cookie = None

    def call(self, method, *args):
        rc, out, err = harness.dbus_send(self.bus.address, "org.freedesktop.PowerManagement.Inhibit",
                                         "/org/freedesktop/PowerManagement/Inhibit",
                                         f"org.freedesktop.PowerManagement.Inhibit.{method}", *args)
        self.assertEqual(rc, 0, err)
        return out

    def inhibit(self):
        out = self.call("Inhibit", "string:org.kde.okular", "string:presenting")
        self.cookie = int(out.split()[-1])

    def uninhibit(self):
        self.call("UnInhibit", f"uint32:{self.cookie}")

    def shown(self):
        return len(self.notifications.notify_calls())

    def asked(self):
        return [json.loads(line)["method"] for line in self.record.read_text().splitlines()
                if json.loads(line)["method"] == "HasInhibit"]

    def test_inhibitor_holds_and_its_release_shows_after_grace(self):
        self.start_daemon()
        self.hold_then_release(self.inhibit, self.uninhibit, self.shown, "inhibitor")
        self.assertEqual(len(self.asked()), 1, "asked once at start, then followed by its signal")

    def test_an_inhibitor_taken_before_limberd_starts_holds(self):
        self.inhibit()
        self.start_daemon()
        self.held_by(["inhibitor"], "the inhibitor read at start")

    def test_the_service_leaving_the_bus_lets_go(self):
        self.start_daemon()
        self.inhibit()
        self.held_by(["inhibitor"], "the inhibitor to hold")
        harness.stop(self.pm)
        self.held_by([], "the hold to end with the service gone")


class WithCamera(HoldCase):
    """A camera in use. Without a v4l2loopback device here, a test build reads
    LIMBER_TEST_CAMERA_DIR: a folder of plain files named video0... that the test opens and
    closes, seen through the same inotify open and close events as /dev/video*."""

    fake = True

    def setUp(self):
        super().setUp()
        self.dev = self.tenv.path("dev")
        self.dev.mkdir()
        (self.dev / "video0").write_bytes(b"")
        (self.dev / "vhci").write_bytes(b"")  # not a camera
        self.daemon.extra_env["LIMBER_TEST_CAMERA_DIR"] = str(self.dev)
        self.handles = []
        self.addCleanup(lambda: [h.close() for h in self.handles])

    def open_camera(self, name="video0"):
        self.handles.append(open(self.dev / name, "rb"))

    def close_cameras(self):
        while self.handles:
            self.handles.pop().close()

    def shown(self):
        return len(self.notifications.notify_calls())

    def test_camera_open_holds_and_closed_shows_after_grace(self):
        self.start_daemon()
        self.hold_then_release(self.open_camera, self.close_cameras, self.shown, "camera")

    def test_two_cameras_hold_until_both_are_closed(self):
        (self.dev / "video1").write_bytes(b"")
        self.start_daemon()
        self.open_camera("video0")
        self.open_camera("video1")
        self.held_by(["camera"], "the cameras in use")
        self.handles.pop(0).close()
        time.sleep(0.5)  # proves nothing happens: the first close lets nothing go
        self.assertEqual(self.status()["presence"]["held_by"], ["camera"], "video1 is still open")
        self.close_cameras()
        self.held_by([], "the last close")
        self.open_camera("video0")
        self.held_by(["camera"], "opened again")

    def test_a_camera_plugged_in_later_is_watched(self):
        self.start_daemon()
        self.wait_status(lambda s: s.get("presence") is not None, message="limberd up")
        (self.dev / "video2").write_bytes(b"")
        time.sleep(0.3)  # the node's creation reaches limberd before its first open
        self.open_camera("video2")
        self.held_by(["camera"], "the new camera in use")

    def test_other_device_nodes_do_not_hold(self):
        self.start_daemon()
        with open(self.dev / "vhci", "rb"):
            time.sleep(0.5)  # proves nothing happens: an open that is not a camera's holds nothing
            self.assertEqual(self.status()["presence"]["held_by"], [])



class WithLoopbackCamera(HoldCase):
    """A camera opened through a real V4L2 device node: a v4l2loopback device made for the
    test (root, and a kernel with the module), unloaded after. Skipped where the module cannot
    be loaded: the test-only folder of WithCamera covers the same inotify events there."""

    fake = True
    LABEL = "limber-test"

    def setUp(self):
        super().setUp()
        self.node = self.loopback_node()

    def loopback_node(self):
        if os.geteuid() != 0:
            self.skipTest("loading v4l2loopback needs root")
        if shutil.which("modprobe") is None:
            self.skipTest("modprobe is missing (Debian: kmod)")
        if os.path.exists("/sys/module/v4l2loopback"):
            # Loaded by someone else: its devices may be in use; do not touch them.
            self.skipTest("v4l2loopback is already loaded on this machine; the test loads its own")
        r = subprocess.run(["modprobe", "v4l2loopback", "devices=1", f"card_label={self.LABEL}"],
                           capture_output=True, text=True, timeout=30)
        if r.returncode != 0:
            self.skipTest("the kernel cannot load v4l2loopback here (Debian: v4l2loopback-dkms and the "
                          f"kernel's headers): {(r.stderr or r.stdout).strip()}")
        self.addCleanup(subprocess.run, ["modprobe", "-r", "v4l2loopback"], capture_output=True, timeout=30)
        for name in sorted(os.listdir("/sys/class/video4linux")):
            with open(f"/sys/class/video4linux/{name}/name") as f:
                if f.read().strip() == self.LABEL:
                    node = f"/dev/{name}"
                    wait_until(lambda: os.path.exists(node), timeout=10, message=f"{node} to appear")
                    return node
        self.fail("v4l2loopback loaded but made no device labelled " + self.LABEL)

    def test_the_device_opened_holds_and_closed_shows_after_grace(self):
        handles = []
        self.addCleanup(lambda: [h.close() for h in handles])

        def close():
            while handles:
                handles.pop().close()
        self.start_daemon()
        self.wait_status(lambda s: s.get("presence") is not None, message="limberd up")
        self.hold_then_release(lambda: handles.append(open(self.node, "rb", buffering=0)), close,
                               lambda: len(self.notifications.notify_calls()), "camera")


if __name__ == "__main__":
    unittest.main()
