"""`limber status --follow`: several followers each get a line per change, pushed by limberd
(the CLI does not poll); a restart of limberd is survived; a closed pipe ends the follower
quietly; idle followers cost limberd no wake-ups."""

import json
import os
import queue
import subprocess
import threading
import time
import unittest

from harness import LIMBER, DaemonTestCase, require_binaries, require_commands, require_python_modules, wait_until


def setUpModule():
    require_binaries()
    require_commands("dbus-daemon")
    require_python_modules()


class Follower:
    """`limber status --follow` with its lines collected on a thread."""

    def __init__(self, test, *args):
        self.process = subprocess.Popen([LIMBER, "status", "--follow", *args], env=test.tenv.env,
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
        test.addCleanup(self.stop)
        self.lines = queue.Queue()
        self.seen = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for raw in self.process.stdout:
            self.lines.put(raw.decode().rstrip("\n"))

    def next(self, timeout=10):
        try:
            line = self.lines.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError(f"no line within {timeout}s; seen: {self.seen}") from None
        self.seen.append(line)
        return line

    def until(self, predicate, timeout=10):
        deadline = time.monotonic() + timeout
        while True:
            line = self.next(timeout=max(0.01, deadline - time.monotonic()))
            if predicate(line):
                return line

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process.stdout.close()
        self.process.stderr.close()


def context_switches(pid):
    total = 0
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(("voluntary_ctxt_switches", "nonvoluntary_ctxt_switches")):
                total += int(line.split()[1])
    return total


class Follow(DaemonTestCase):
    def test_several_followers_each_get_every_change(self):
        self.start_daemon()
        waybar = Follower(self, "--format", "waybar")
        raw = Follower(self, "--format", "json")
        text = Follower(self)
        first = json.loads(waybar.next())
        self.assertEqual(first["class"], "active")
        self.assertRegex(first["text"], r"^posture check in \d+ min$")
        self.assertIn("Next posture check", first["tooltip"])
        self.assertTrue(0 <= first["percentage"] <= 100)
        self.assertEqual(json.loads(raw.next())["state"], "active")
        self.assertRegex(text.next(), r"^posture check in \d+ min$")

        self.cli_ok("now", "posture")
        due = json.loads(waybar.until(lambda l: json.loads(l)["class"] == "due"))
        self.assertEqual((due["text"], due["percentage"]), ("posture check due", 100))
        self.assertEqual(json.loads(raw.until(lambda l: json.loads(l)["due"] is not None))["due"]["kind"], "posture")
        text.until(lambda l: l == "posture check due")

        self.cli_ok("snooze", "10m")
        snoozed = json.loads(waybar.until(lambda l: json.loads(l)["class"] == "snoozed"))
        self.assertEqual(snoozed["text"], "snoozed: posture check in 10 min")
        text.until(lambda l: l == "snoozed: posture check in 10 min")

        self.cli_ok("pause", "1h")
        self.assertRegex(json.loads(waybar.until(lambda l: json.loads(l)["class"] == "paused"))["text"],
                         r"^paused until \d\d:\d\d$")
        raw.until(lambda l: json.loads(l)["state"] == "paused")
        # Nothing else changed: no further line comes by itself (the json format has no countdown).
        with self.assertRaises(AssertionError):
            raw.next(timeout=1.5)

    def test_a_restart_of_limberd_is_survived(self):
        self.start_daemon()
        f = Follower(self, "--format", "waybar")
        self.assertEqual(json.loads(f.next())["class"], "active")
        self.daemon.stop()
        self.assertEqual(json.loads(f.next())["class"], "unreachable")
        self.start_daemon()
        self.assertEqual(json.loads(f.next(timeout=15))["class"], "active")
        self.cli_ok("now", "routine")
        self.assertEqual(json.loads(f.until(lambda l: json.loads(l)["class"] == "due"))["text"], "routine due")
        self.assertIsNone(f.process.poll())

    def test_a_closed_pipe_ends_the_follower_quietly(self):
        self.start_daemon()
        r, w = os.pipe()
        p = subprocess.Popen([LIMBER, "status", "--follow"], env=self.tenv.env, stdout=w,
                             stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
        self.addCleanup(lambda: p.poll() is None and (p.kill(), p.wait()))
        os.close(w)
        with os.fdopen(r, "rb") as reader:
            self.assertRegex(reader.readline().decode(), r"^posture check in \d+ min\n$")
        # The reader is gone; the follower is idle (nothing changes), and still notices.
        self.assertEqual(p.wait(timeout=10), 0)
        self.assertEqual(p.stderr.read().decode(), "")
        p.stderr.close()
        # limberd let the follower go.
        self.cli_ok("now", "posture")
        self.assertTrue(self.daemon.alive())

    def test_idle_followers_cost_limberd_no_wakeups(self):
        self.start_daemon()
        followers = [Follower(self, "--format", "json") for _ in range(10)]
        for f in followers:
            f.next()
        # Let the start settle, then count limberd's context switches while nothing happens.
        time.sleep(0.5)  # the start's last writes
        before = context_switches(self.daemon.pid)
        time.sleep(3)  # proves nothing happens: the window the wake-ups are counted in
        after = context_switches(self.daemon.pid)
        self.assertLessEqual(after - before, 1, "limberd woke up with only idle followers connected")
        self.cli_ok("now", "posture")
        for f in followers:
            f.until(lambda l: json.loads(l)["due"] is not None)


if __name__ == "__main__":
    unittest.main()
