"""End to end: time away seen by the display server itself, against the real servers.

  - x11_idle: Xvfb (its SYNC extension's IDLETIME counter), input through xdotool (XTEST);
  - wayland_idle: headless sway (org_kde_kwin_idle in sway 1.7, ext-idle-notify-v1 from 1.8
    on), input through wtype (the virtual-keyboard protocol). sway refuses to run as root:
    as root the test runs it as the unprivileged user `nobody` (setpriv), in the test's
    runtime folder handed to that user.

For each: the source is live and `limber status` names it; no input past the threshold makes
the user away (a reminder on screen is neither shown again nor missed); input brings them
back; a long enough absence is a natural break in `limber history` naming the source; and a
server that goes away and comes back is noticed both times.

LIMBER_TEST_SCALE=60: one real second is one scheduler minute, so the 2-minute idle threshold
is 2 s, the 5-minute natural break 5 s and "[idle] grace = 1m" 1 s (shorter than the
threshold, so a user back with one key press is still there when it ends).
"""

import os
import re
import shutil
import socket
import subprocess
import time
import unittest

import harness
from harness import DaemonTestCase, HeadlessSway, Xvfb, wait_until

harness.require_binaries()
harness.require_commands("dbus-daemon")
harness.require_python_modules()

CONFIG = """
[posture]
interval_min = "30m"
interval_max = "30m"

[reminders]
{reminders}

[idle]
grace = "1m"
{extra}
"""


class DisplayIdleCase(DaemonTestCase):
    test_scale = 60
    source = None  # "x11_idle" or "wayland_idle"
    extra_config = ""
    reminders = 'reshow_after = "1m"'

    def setUp(self):
        super().setUp()
        config = self.tenv.config_home / "limber" / "config.toml"
        config.parent.mkdir(mode=0o700, exist_ok=True)
        config.write_text(CONFIG.format(extra=self.extra_config, reminders=self.reminders))

    # What the server offers, per subclass
    def input(self):
        raise NotImplementedError

    # Helpers
    def sources(self, status=None):
        return {s["name"]: s for s in (status or self.status())["presence"]["sources"]}

    def wait_live(self, live=True, timeout=10):
        return self.wait_status(lambda s: self.sources(s)[self.source]["live"] == live, timeout=timeout,
                                message=f"{self.source} {'live' if live else 'not live'}")

    def wait_away(self, away=True, timeout=10):
        state = "away" if away else "present"
        return self.wait_status(lambda s: s["presence"]["state"] == state, timeout=timeout,
                                message=f"presence {state}")

    def breaks(self):
        return [e for e in self.tenv.history() if e.get("outcome") == "natural-break"]

    def start_present(self):
        """limberd started right after an input, live, and the user present."""
        self.input()
        self.start_daemon()
        s = self.wait_live()
        self.assertEqual(s["presence"]["state"], "present", "input came just before the start")
        return s

    # The tests every server runs
    def check_away_holds_the_reminder_and_input_brings_the_user_back(self):
        # Set by the subclasses: reshow_after = "4m", reshow_count = 1, so the reminder would
        # be shown again 4 s after it was shown; the user is away 2 s after the input.
        self.start_present()
        self.input()
        self.cli_ok("now", "posture")
        call = self.notifications.wait_for_notify()
        nid = call["id"]
        s = self.wait_away(timeout=10)  # the 2 s threshold without input
        self.assertEqual(s["presence"]["away_by"], [self.source])
        # Past the moment it would have been shown again, at an empty chair.
        self.advance(360)
        self.assertEqual([c for c in self.notifications.notify_calls() if c["args"]["replaces_id"] == nid], [],
                         "nothing shown again at an empty chair")
        self.assertNotIn("missed", self.tenv.outcomes())
        due = self.status()["due"]
        self.assertIsNotNone(due, "the reminder is still there, unanswered")
        self.assertEqual(due["kind"], "posture")
        self.input()
        back = time.monotonic()
        self.wait_away(False, timeout=5)
        call = self.notifications.wait_for(lambda c: c.get("method") == "Notify"
                                           and c["args"]["replaces_id"] == nid, timeout=10,
                                           message="the reminder shown again after the grace period")
        self.assertGreaterEqual(call["mono"] - back, 0.7, "only after the 1 s grace")
        self.assertEqual(self.breaks(), [], "natural_break is 30m here")

    def check_idle_spells_one_after_another(self):
        # The server's watch stays armed: each spell without input is seen, not only the first.
        self.start_present()
        for spell in range(3):
            self.wait_away(timeout=10)
            self.input()
            self.wait_away(False, timeout=5)

    def check_a_new_threshold_on_reload(self):
        # Started at 10 scaled minutes (10 s): not away after 4 s; reloaded at 2 (2 s): away.
        self.write_config('threshold = "10m"')
        self.start_present()
        # Proves nothing happens: the threshold is the display server's, in real time; 4 s is
        # short of its 10 s.
        time.sleep(4)
        self.assertEqual(self.status()["presence"]["state"], "present", "10 scaled minutes have not passed")
        self.input()
        self.write_config('threshold = "2m"')
        self.cli_ok("reload")
        self.wait_away(timeout=6)

    def check_a_reload_while_away_still_sees_the_return(self):
        # A Wayland watch made now would start out "not idle" and never say "resumed": the
        # old one must stay until the user is back.
        self.start_present()
        self.wait_away(timeout=10)
        self.write_config('threshold = "3m"')
        self.cli_ok("reload")
        time.sleep(0.5)  # proves nothing happens: a new watch would say "not idle" by now
        self.assertEqual(self.status()["presence"]["state"], "away")
        self.input()
        self.wait_away(False, timeout=5)
        back = time.monotonic()
        self.wait_away(timeout=10)
        self.assertGreaterEqual(time.monotonic() - back, 2.5, "the new 3 s threshold, not the old 2 s")

    def write_config(self, extra):
        config = self.tenv.config_home / "limber" / "config.toml"
        config.write_text(CONFIG.format(extra=extra, reminders=self.reminders))

    def check_a_long_absence_is_a_natural_break_naming_the_source(self):
        self.start_present()
        self.wait_away(timeout=10)
        self.advance(270)  # 2 min before it was noticed, then 4.5: a 6-minute absence
        self.input()
        self.wait_history("natural-break", timeout=10)
        b = self.breaks()
        self.assertEqual(len(b), 1, b)
        self.assertEqual(b[0]["reason"], self.source)
        self.assertGreaterEqual(b[0]["seconds"], 300)
        self.assertLess(b[0]["seconds"], 600)
        self.assertRegex(self.cli_ok("history"), r"natural break \(\d+ min away: " + self.source + r"\)")
        self.assertEqual(self.status()["presence"]["state"], "present")


class X11Case(DisplayIdleCase):
    source = "x11_idle"

    def setUp(self):
        for tool in ("Xvfb", "xdotool"):
            if shutil.which(tool) is None:
                self.skipTest(f"{tool} is not installed (Debian: xvfb, xdotool)")
        super().setUp()
        self.xvfb = Xvfb(self.tenv).start()
        self.addCleanup(lambda: self.xvfb.stop())
        self.daemon.extra_env["DISPLAY"] = self.xvfb.display
        self.addCleanup(self.daemon.stop)

    def input(self):
        # XTEST input, as a real device's would be: the IDLETIME counter starts over.
        subprocess.run(["xdotool", "mousemove_relative", "--", "1", "1"], env=dict(self.tenv.env, **self.xvfb.env),
                       check=True, timeout=10)


class X11Idle(X11Case):
    def test_live_and_named_by_status(self):
        s = self.start_present()
        x11 = self.sources(s)["x11_idle"]
        self.assertEqual(x11["via"], f"X SYNC IDLETIME on {self.xvfb.display}")
        self.assertEqual(x11["policy"], "count")
        self.assertIsNone(x11["problem"])
        self.assertFalse(self.sources(s)["wayland_idle"]["live"])
        self.assertRegex(self.cli_ok("status"), r"Time away: watching .*x11_idle")

    def test_an_idle_server_at_start_is_away_at_once(self):
        # Idle since Xvfb started: the counter is read at connection, not left to the alarm,
        # which would wait for the next idle spell. (The absence is dated back to limberd's
        # start at most: it cannot know the user was not there before.)
        time.sleep(3)  # the X server's own idle counter, in real time, passes the 2 s threshold
        self.daemon.extra_env["LIMBER_LOG_LEVEL"] = "debug"
        self.start_daemon()
        s = self.wait_away(timeout=5)
        self.assertEqual(s["presence"]["away_by"], ["x11_idle"])
        seen = wait_until(lambda: re.search(r"away: x11_idle idle_for_ms=(\d+)", self.daemon.stderr()),
                          message="the debug line of the report")
        self.assertGreaterEqual(int(seen.group(1)), 3000, "the server's own idle time, not the threshold")

    def test_the_server_going_away_and_coming_back(self):
        self.start_present()
        self.wait_away()
        display = self.xvfb.display
        self.xvfb.stop()
        s = self.wait_live(False)
        self.assertIn("lost the X server", self.sources(s)["x11_idle"]["problem"])
        self.assertEqual(s["presence"]["state"], "present", "not left away for ever")
        cpu = cpu_seconds(self.daemon.pid)
        time.sleep(2)  # proves nothing happens: the CPU time limberd uses in 2 s without its server
        self.assertLess(cpu_seconds(self.daemon.pid) - cpu, 0.2, "limberd spins without its X server")
        # The same display again: the socket appears, and limberd connects by itself.
        number = int(display.lstrip(":"))
        self.xvfb = Xvfb(self.tenv, first=number, last=number).start()
        self.input()
        self.wait_live(True)
        self.wait_away(timeout=10)


class X11ServerThatNeverAnswers(DisplayIdleCase):
    """An X server that takes the connection and never answers the handshake (hung, or
    stopped with SIGSTOP): xcb_connect would wait for ever, so it runs off the loop."""
    source = "x11_idle"

    def setUp(self):
        super().setUp()
        # Linux libxcb tries the abstract socket @/tmp/.X11-unix/X<n> first: a listener there
        # that never accepts is such a server, and needs no file. The kernel completes connect()
        # from its backlog.
        self.listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        for number in range(731, 800):
            try:
                self.listener.bind(f"\0/tmp/.X11-unix/X{number}")
                break
            except OSError:
                continue
        else:
            self.skipTest("no free X display number in 731-799 for the silent server")
        self.listener.listen(4)
        self.addCleanup(self.listener.close)
        self.daemon.extra_env["DISPLAY"] = f":{number}"
        self.addCleanup(self.daemon.stop)

    def test_the_loop_does_not_wait_for_the_handshake(self):
        self.start_daemon()  # READY=1 came: the start did not wait for the server
        started = time.monotonic()
        s = self.status()
        self.assertLess(time.monotonic() - started, 2, "a status answer while the handshake hangs")
        self.assertFalse(self.sources(s)["x11_idle"]["live"])
        self.cli_ok("now", "posture")  # the loop runs: a reminder is shown
        self.notifications.wait_for_notify()
        # The server goes away mid-handshake: the connect fails and says so.
        self.listener.close()
        s = self.wait_status(lambda s: (self.sources(s)["x11_idle"]["problem"] or "").startswith("cannot connect"),
                             timeout=10, message="the failed connect reported")
        self.assertFalse(self.sources(s)["x11_idle"]["live"])
        self.assertEqual(s["presence"]["state"], "present")


class X11Threshold(X11Case):
    def test_idle_spells_one_after_another(self):
        self.check_idle_spells_one_after_another()

    def test_a_new_threshold_on_reload(self):
        self.check_a_new_threshold_on_reload()

    def test_a_reload_while_away_still_sees_the_return(self):
        self.check_a_reload_while_away_still_sees_the_return()


class X11IdleHeld(X11Case):
    """A reminder held while away; natural_break set long so the absence stays short of one."""
    extra_config = 'natural_break = "30m"\nroutine_break = "30m"'
    reminders = 'reshow_after = "4m"\nreshow_count = 1'

    def test_away_holds_the_reminder_and_input_brings_the_user_back(self):
        self.check_away_holds_the_reminder_and_input_brings_the_user_back()


class X11IdleBreak(X11Case):
    def test_a_long_absence_is_a_natural_break_naming_the_source(self):
        self.check_a_long_absence_is_a_natural_break_naming_the_source()


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class WaylandCase(DisplayIdleCase):
    source = "wayland_idle"

    def setUp(self):
        for tool in ("sway", "wtype"):
            if shutil.which(tool) is None:
                self.skipTest(f"{tool} is not installed (Debian: sway, wtype)")
        if os.geteuid() == 0 and shutil.which("setpriv") is None:
            self.skipTest("sway refuses to run as root and setpriv (util-linux) is missing")
        super().setUp()
        self.sway = HeadlessSway(self.tenv).start()
        self.addCleanup(lambda: self.sway.stop())
        self.daemon.extra_env.update(WAYLAND_DISPLAY=self.sway.env["WAYLAND_DISPLAY"])
        self.addCleanup(self.daemon.stop)

    def input(self):
        self.sway.type("a")


class WaylandIdle(WaylandCase):
    def test_live_with_the_protocol_the_compositor_offers(self):
        s = self.start_present()
        via = self.sources(s)["wayland_idle"]["via"]
        self.assertRegex(via, r"^(ext-idle-notify-v1|org_kde_kwin_idle) on (/\S+/)?wayland-\d+$")
        self.assertRegex(self.cli_ok("status"), r"Time away: watching .*wayland_idle")
        offered = self.sway.globals()
        if offered is None:
            self.skipTest("wayland-info is not installed (Debian: wayland-utils): which protocol the "
                          "compositor offers is not checked")
        expected = "ext-idle-notify-v1" if "ext_idle_notifier_v1" in offered else "org_kde_kwin_idle"
        self.assertTrue(via.startswith(expected), f"{via}; the compositor offers {sorted(offered)}")

    def test_xwaylands_display_is_not_a_second_source(self):
        if shutil.which("Xvfb") is None:
            self.skipTest("Xvfb is not installed (Debian: xvfb)")
        # An X server beside the compositor, as Xwayland is: its idle time sees only X input.
        xvfb = Xvfb(self.tenv).start()
        self.addCleanup(xvfb.stop)
        self.daemon.extra_env["DISPLAY"] = xvfb.display
        s = self.start_present()
        x11 = self.sources(s)["x11_idle"]
        self.assertFalse(x11["live"])
        self.assertIn("wayland_idle is used instead", x11["problem"])

    def test_the_compositor_going_away_and_coming_back(self):
        self.start_present()
        self.wait_away()
        self.sway.stop()
        s = self.wait_live(False)
        self.assertIn("lost the compositor", self.sources(s)["wayland_idle"]["problem"])
        self.assertEqual(s["presence"]["state"], "present", "not left away for ever")
        cpu = cpu_seconds(self.daemon.pid)
        time.sleep(2)  # proves nothing happens: the CPU time limberd uses in 2 s without its server
        self.assertLess(cpu_seconds(self.daemon.pid) - cpu, 0.2, "limberd spins without its compositor")
        self.sway.start()
        self.wait_live(True)
        self.input()
        self.wait_away(timeout=10)


class WaylandThreshold(WaylandCase):
    def test_idle_spells_one_after_another(self):
        self.check_idle_spells_one_after_another()

    def test_a_new_threshold_on_reload(self):
        self.check_a_new_threshold_on_reload()

    def test_a_reload_while_away_still_sees_the_return(self):
        self.check_a_reload_while_away_still_sees_the_return()


class WaylandIdleHeld(WaylandCase):
    extra_config = 'natural_break = "30m"\nroutine_break = "30m"'
    reminders = 'reshow_after = "4m"\nreshow_count = 1'

    def test_away_holds_the_reminder_and_input_brings_the_user_back(self):
        self.check_away_holds_the_reminder_and_input_brings_the_user_back()


class WaylandIdleBreak(WaylandCase):
    def test_a_long_absence_is_a_natural_break_naming_the_source(self):
        self.check_a_long_absence_is_a_natural_break_naming_the_source()


if __name__ == "__main__":
    unittest.main()
