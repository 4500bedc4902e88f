"""End to end: a natural pause. A reminder that comes due while the user types or moves the
mouse waits for a short pause in input, at most natural_pause_max, against the real servers:

  - x11_idle: Xvfb, input through xdotool (XTEST);
  - wayland_idle: headless sway (as `nobody` when root), input through wtype.

For each: while input keeps coming, the due reminder is not shown and status says it waits
for a pause; when input stops it is shown about natural_pause_length later; with input that
never stops it is shown anyway at natural_pause_max; the wait is a held line with reason
natural_pause. Without any source that can tell a pause, it is shown at once and status and
doctor say why.

LIMBER_TEST_SCALE=30: one real second is 30 scheduler seconds, so the 5-minute posture
interval is 10 s, natural_pause_length = "2m" is 4 s and natural_pause_max = "10m" is 20 s.
The away sources are ignored (an absence would end the wait without a showing: the unit
tests cover that), so only the pause is measured.
"""

import json
import shutil
import subprocess
import threading
import time
import unittest

import harness
from harness import DaemonTestCase, HeadlessSway, Xvfb, wait_until

harness.require_binaries()
harness.require_commands("dbus-daemon")
harness.require_python_modules()

CONFIG = """
[posture]
interval_min = "5m"
interval_max = "5m"

[idle]
logind_idle = "ignore"
mutter_idle = "ignore"
wayland_idle = "ignore"
x11_idle = "ignore"
screensaver = "ignore"

[hold]
natural_pause_length = "2m"
natural_pause_max = "10m"
{extra}
"""

SCALE = 30
PAUSE = 120 / SCALE  # real seconds
MAX = 600 / SCALE


class Typist:
    """Input every `every` seconds from a thread until stopped: someone at work."""

    def __init__(self, send, every=0.25):
        self.send = send
        self.every = every
        self.stopped = threading.Event()
        self.last = None
        self.error = None
        self.thread = threading.Thread(target=self._run, daemon=True)

    def start(self):
        self.send()
        self.last = time.monotonic()
        self.thread.start()
        return self

    def _run(self):
        while not self.stopped.wait(self.every):
            try:
                self.send()
                self.last = time.monotonic()
            except Exception as e:  # reported by stop()
                self.error = e
                return

    def stop(self):
        """Stops; returns the monotonic time of the last input."""
        self.stopped.set()
        self.thread.join(timeout=15)
        if self.error:
            raise AssertionError(f"sending input failed: {self.error}")
        return self.last


class NaturalPauseCase(DaemonTestCase):
    test_scale = SCALE
    source = None
    extra = ""

    def setUp(self):
        super().setUp()
        config = self.tenv.config_home / "limber" / "config.toml"
        config.parent.mkdir(mode=0o700, exist_ok=True)
        config.write_text(CONFIG.format(extra=self.extra))
        self.daemon.extra_env["LIMBER_LOG_LEVEL"] = "debug"

    def input(self):
        raise NotImplementedError

    def pause_lines(self):
        return [e for e in self.tenv.history() if e.get("outcome") == "held" and e.get("reason") == "natural_pause"]

    def typing(self):
        t = Typist(self.input).start()
        self.addCleanup(t.stop)
        return t

    def start_waiting(self):
        """limberd live on the source, the user typing, and the posture check due and waiting."""
        typist = self.typing()
        self.start_daemon()
        self.wait_status(lambda s: any(src["name"] == self.source and src["live"]
                                       for src in s["presence"]["sources"]), message=f"{self.source} live")
        s = self.wait_status(lambda s: s["presence"].get("held_by") == ["natural_pause"], timeout=25,
                             message="the posture check to come due and wait for a pause")
        self.assertEqual(s["presence"]["held_waiting"], "posture")
        self.assertIsNone(s["due"], "not shown while the user types")
        return typist, time.monotonic()

    def check_shown_when_input_stops(self):
        typist, waiting = self.start_waiting()
        self.assertRegex(self.cli_ok("status"), r"Held since \d\d:\d\d \(waiting for a pause in typing\)")
        wait_until(lambda: any("(waiting for a pause in typing); the posture check waits" in v
                               for v in self.notify.values("STATUS")), timeout=5, message="systemd's STATUS= line")
        # Longer than the pause, with input all along: still not shown.
        wait_until(lambda: time.monotonic() > waiting + PAUSE * 1.5, timeout=20, interval=0.2, message="1.5 pauses")
        self.assertEqual(self.notifications.notify_calls(), [], "nothing shown while the user types")
        last = typist.stop()
        call = self.notifications.wait_for_notify(timeout=PAUSE + 10)
        after = call["mono"] - last
        self.assertGreaterEqual(after, PAUSE * 0.8, f"shown {after:.2f} s after the last input: before the pause")
        self.assertLess(after, PAUSE + 4, f"shown {after:.2f} s after the last input")
        self.assertLess(call["mono"] - waiting, MAX, "the pause, not the maximum, ended the wait")
        lines = wait_until(self.pause_lines, timeout=5, message="the held line")
        self.assertEqual(len(lines), 1, lines)
        self.assertEqual(lines[0]["kind"], "posture")
        self.assertGreaterEqual(lines[0]["seconds"], int((PAUSE * 1.5 + PAUSE * 0.8) * SCALE * 0.9))
        self.assertLess(lines[0]["seconds"], 600)
        self.wait_history("shown")
        self.assertNotIn("missed", self.tenv.outcomes())
        self.assertIn("waited for a pause in typing", self.cli_ok("history"))

    def check_shown_anyway_at_the_maximum(self):
        typist, waiting = self.start_waiting()
        call = self.notifications.wait_for_notify(timeout=MAX + 15)
        typist.stop()
        # The wait began at most one status poll (0.2 s) and a CLI call before `waiting`.
        self.assertGreaterEqual(call["mono"] - waiting, MAX - 2, "shown before the maximum while the user typed")
        lines = wait_until(self.pause_lines, timeout=5, message="the held line")
        self.assertEqual(len(lines), 1, lines)
        self.assertGreaterEqual(lines[0]["seconds"], 600)
        self.assertLess(lines[0]["seconds"], 660)


class X11Case(NaturalPauseCase):
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
        subprocess.run(["xdotool", "mousemove_relative", "--", "1", "1"], env=dict(self.tenv.env, **self.xvfb.env),
                       check=True, timeout=10)


class X11NaturalPause(X11Case):
    def test_shown_when_input_stops(self):
        self.check_shown_when_input_stops()

    def test_shown_anyway_at_the_maximum(self):
        self.check_shown_anyway_at_the_maximum()


class WaylandCase(NaturalPauseCase):
    source = "wayland_idle"

    def setUp(self):
        import os
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


class WaylandNaturalPause(WaylandCase):
    def test_shown_when_input_stops(self):
        self.check_shown_when_input_stops()

    def test_shown_anyway_at_the_maximum(self):
        self.check_shown_anyway_at_the_maximum()


class MutterNaturalPause(NaturalPauseCase):
    """GNOME: a second idle watch on Mutter's idle monitor (the fake following its published
    interface, as gnome-shell cannot serve it here), added only while a reminder waits."""

    source = "mutter_idle"

    def setUp(self):
        from test_idle import FakeService
        super().setUp()
        self.daemon.extra_env["XDG_CURRENT_DESKTOP"] = "GNOME"
        self.idle = FakeService(self.tenv, "session-idle", "session_idle.py", ["--mutter"],
                                dict(self.tenv.env, **self.bus.env), self.bus.address,
                                ("org.limber.TestIdle", "/org/limber/TestIdle")).start()
        self.addCleanup(self.idle.stop)
        self.addCleanup(self.daemon.stop)

    def idle_watches(self):
        out = self.idle.control("Watches")
        return json.loads(out[out.index("{"):out.rindex("}") + 1])["idle"]

    def test_a_second_watch_only_while_waiting(self):
        self.start_daemon()
        self.wait_status(lambda s: any(src["name"] == "mutter_idle" and src["live"]
                                       for src in s["presence"]["sources"]), message="mutter_idle live")
        self.assertEqual(len(self.idle_watches()), 1, "only the away watch before anything is due")
        self.wait_status(lambda s: s["presence"].get("held_by") == ["natural_pause"], timeout=25,
                         message="the posture check to come due and wait for a pause")
        watches = wait_until(lambda: (w := self.idle_watches()) and len(w) == 2 and w, timeout=5,
                             message="the pause watch added")
        self.assertIn(int(PAUSE * 1000), [int(v) for v in watches.values()], watches)
        self.assertEqual(self.notifications.notify_calls(), [])
        self.idle.control("BecomeIdle")
        self.notifications.wait_for_notify(timeout=5)
        wait_until(lambda: len(self.idle_watches()) == 1, timeout=5, message="the pause watch removed")
        self.assertEqual(len(self.pause_lines()), 1)


class NoPauseSource(NaturalPauseCase):
    """No display server and no Mutter: nothing can tell a pause, so nothing waits."""

    def test_shown_at_once_and_status_and_doctor_say_why(self):
        self.start_daemon()
        s = self.wait_status(lambda s: s["due"] is not None, timeout=25, message="the posture check shown")
        self.assertEqual(s["presence"]["held_by"], [])
        self.assertEqual(self.pause_lines(), [])
        self.assertIn("no source can tell a pause in input", self.cli_ok("status"))
        rc, out, err = self.cli("doctor")
        self.assertIn("no source can tell a pause in input", out + err)


class TurnedOff(X11Case):
    extra = 'natural_pause = "off"'

    def test_shown_at_once_while_the_user_types(self):
        self.typing()
        self.start_daemon()
        call = self.notifications.wait_for_notify(timeout=25)
        s = self.status()
        self.assertEqual(s["presence"]["held_by"], [])
        self.assertEqual(self.pause_lines(), [])
        self.assertIsNotNone(call)
        self.assertNotIn("Natural pause", self.cli_ok("status"), "off, as asked: nothing to say")


if __name__ == "__main__":
    unittest.main()
