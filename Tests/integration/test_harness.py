"""Checks of the test machinery itself, against real tools; they need no limber binaries.

If these fail, the other integration tests' verdicts mean nothing.
"""

import json
import os
import socket
import subprocess
import unittest

import harness
from harness import (Dunst, FakeNotifications, NotifySocket, PrivateBus, TempEnv, Xvfb,
                     dbus_send, mode, wait_until)


def _reap(p):
    if p.poll() is None:
        p.kill()
    p.communicate()


class TempEnvTest(unittest.TestCase):
    def test_folders_and_env(self):
        t = TempEnv("self")
        self.addCleanup(t.cleanup)
        self.assertEqual(mode(t.runtime_dir), 0o700)
        for key in ("HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_RUNTIME_DIR"):
            self.assertTrue(t.env[key].startswith(str(t.root)), key)
        for key in ("DISPLAY", "WAYLAND_DISPLAY", "DBUS_SESSION_BUS_ADDRESS", "NOTIFY_SOCKET",
                    "JOURNAL_STREAM", "LIMBER_TEST_SCALE", "WATCHDOG_USEC"):
            self.assertNotIn(key, t.env)
        self.assertLess(len(str(t.socket_path)), 100, "socket path too long for sun_path")


class PrivateBusTest(unittest.TestCase):
    def setUp(self):
        harness.require_commands("dbus-daemon", "dbus-send")
        self.tenv = TempEnv("self")
        self.addCleanup(self.tenv.cleanup)
        self.bus = PrivateBus(self.tenv).start()
        self.addCleanup(self.bus.stop)

    def test_address_is_in_temp_folder(self):
        self.assertTrue(self.bus.address.startswith(f"unix:path={self.tenv.root}/"),
                        self.bus.address)

    def test_nothing_is_auto_started(self):
        # On a stock session bus this call would start dunst (org.knopwob.dunst.service).
        rc, out, err = dbus_send(self.bus.address, "org.freedesktop.Notifications",
                                 "/org/freedesktop/Notifications",
                                 "org.freedesktop.Notifications.GetCapabilities")
        self.assertNotEqual(rc, 0)
        self.assertIn("org.freedesktop.DBus.Error.ServiceUnknown", err)

    def test_stop_ends_the_daemon(self):
        p = self.bus.process
        self.bus.stop()
        self.assertIsNotNone(p.poll())
        self.assertFalse(os.path.exists(self.bus.socket) and self._connects())

    def _connects(self):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            s.connect(str(self.bus.socket))
            return True
        except OSError:
            return False
        finally:
            s.close()


class FakeNotificationsTest(unittest.TestCase):
    """The fake against libnotify's own client, notify-send."""

    def setUp(self):
        harness.require_commands("dbus-daemon", "dbus-send", "notify-send")
        harness.require_python_modules()
        self.tenv = TempEnv("self")
        self.addCleanup(self.tenv.cleanup)
        self.bus = PrivateBus(self.tenv).start()
        self.addCleanup(self.bus.stop)
        self.fake = FakeNotifications(self.tenv, self.bus).start()
        self.addCleanup(self.fake.stop)
        self.env = dict(self.tenv.env, **self.bus.env)

    def notify_send(self, *args, wait=True):
        argv = ["notify-send", *args]
        if wait:
            return subprocess.run(argv, env=self.env, capture_output=True, text=True, timeout=10)
        return subprocess.Popen(argv, env=self.env, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)

    def test_records_notify_with_actions_and_hints(self):
        p = self.notify_send("-u", "critical", "-a", "limber", "-A", "done=Done",
                             "-A", "snooze=Snooze", "Posture check", "Sit back", wait=False)
        self.addCleanup(_reap, p)
        call = self.fake.wait_for(lambda c: c.get("method") == "Notify")
        self.assertEqual(call["id"], 1)
        self.assertEqual(call["args"]["app_name"], "limber")
        self.assertEqual(call["args"]["summary"], "Posture check")
        self.assertEqual(call["action_keys"], ["done", "snooze"])
        self.assertEqual(call["args"]["hints"]["urgency"], 2)
        self.assertEqual(call["hint_types"]["urgency"], "y")
        # notify-send waits for an action when given -A; our InvokeAction ends that wait.
        self.fake.invoke(1, "snooze")
        out, err = p.communicate(timeout=10)
        self.assertEqual(p.returncode, 0, err)
        self.assertEqual(out.strip(), "snooze")
        signals = [(c["signal"], c["args"]) for c in self.fake.calls() if "signal" in c]
        self.assertEqual(signals, [("ActionInvoked", {"id": 1, "action_key": "snooze"}),
                                   ("NotificationClosed", {"id": 1, "reason": 2})])

    def test_ids_replace_and_close(self):
        r1 = self.notify_send("-p", "one")
        r2 = self.notify_send("-p", "two")
        self.assertEqual((r1.stdout.strip(), r2.stdout.strip()), ("1", "2"))
        r3 = self.notify_send("-p", "-r", "1", "one again")
        self.assertEqual(r3.stdout.strip(), "1")
        notifies = self.fake.notify_calls()
        self.assertEqual([n["args"]["replaces_id"] for n in notifies], [0, 0, 1])
        rc, _, err = dbus_send(self.bus.address, "org.freedesktop.Notifications",
                               "/org/freedesktop/Notifications",
                               "org.freedesktop.Notifications.CloseNotification", "uint32:2")
        self.assertEqual(rc, 0, err)
        closed = self.fake.wait_for(lambda c: c.get("signal") == "NotificationClosed")
        self.assertEqual(closed["args"], {"id": 2, "reason": 3})
        self.assertEqual(self.fake.close_calls()[-1]["was_open"], True)

    def test_capabilities_and_control_calls(self):
        rc, out, _ = dbus_send(self.bus.address, "org.freedesktop.Notifications",
                               "/org/freedesktop/Notifications",
                               "org.freedesktop.Notifications.GetCapabilities")
        self.assertEqual(rc, 0)
        for cap in ("actions", "body", "body-markup", "persistence"):
            self.assertIn(cap, out)
        self.fake.dismiss(7)
        self.fake.expire(8)
        rc, out, _ = dbus_send(self.bus.address, *FakeNotifications.CONTROL[:2],
                               FakeNotifications.CONTROL[2] + ".Calls")
        calls = json.loads(out.strip())
        self.assertEqual([c["args"] for c in calls if c.get("signal")],
                         [{"id": 7, "reason": 2}, {"id": 8, "reason": 1}])

    def test_refuses_second_server_and_stops_on_sigterm(self):
        second = FakeNotifications(self.tenv, self.bus)
        with self.assertRaises(AssertionError) as cm:
            second.start()
        self.assertIn("exited with 1", str(cm.exception))
        self.assertEqual(self.fake.stop(), 0)


class NotifySocketTest(unittest.TestCase):
    def setUp(self):
        self.tenv = TempEnv("self")
        self.addCleanup(self.tenv.cleanup)
        self.sock = NotifySocket(self.tenv)
        self.addCleanup(self.sock.close)

    def test_systemd_notify(self):
        harness.require_commands("systemd-notify")
        env = dict(self.tenv.env, **self.sock.env)
        # systemd 252's systemd-notify sends BARRIER=1 with a fd after the message and waits
        # until the receiver closes it; NotifySocket does, so this exits 0.
        r = subprocess.run(["systemd-notify", "--ready", "--status=posture check in 12 min"],
                           env=env, capture_output=True, text=True, timeout=10)
        self.assertEqual(r.returncode, 0, r.stderr)
        m = self.sock.wait_for("READY", "1", timeout=5)
        self.assertEqual(m, {"READY": "1", "STATUS": "posture check in 12 min"})
        r = subprocess.run(["systemd-notify", f"--pid={os.getpid()}", "WATCHDOG=1"],
                           env=env, capture_output=True, text=True, timeout=10)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIsNotNone(self.sock.wait_for("WATCHDOG", "1", timeout=5))
        self.assertEqual(self.sock.values("MAINPID"), [str(os.getpid())])

    def test_raw_datagrams(self):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.addCleanup(s.close)
        s.sendto(b"STOPPING=1\nSTATUS=bye", self.sock.path)
        s.sendto(b"WATCHDOG=1", self.sock.path)
        self.assertEqual(self.sock.wait_for("STOPPING", "1", timeout=5),
                         {"STOPPING": "1", "STATUS": "bye"})
        self.assertIsNotNone(self.sock.wait_for("WATCHDOG", timeout=5))
        self.assertIsNone(self.sock.wait_for("READY", timeout=0.2))


class DunstTest(unittest.TestCase):
    """Xvfb + dunst + the dmenu route, driven by notify-send."""

    def setUp(self):
        harness.require_commands("Xvfb", "dunst", "dunstctl", "dbus-daemon", "notify-send",
                                 "busctl")
        self.tenv = TempEnv("self")
        self.addCleanup(self.tenv.cleanup)
        self.bus = PrivateBus(self.tenv).start()
        self.addCleanup(self.bus.stop)
        self.x = Xvfb(self.tenv).start()
        self.addCleanup(self.x.stop)
        self.dunst = Dunst(self.tenv, self.bus, self.x).start()
        self.addCleanup(self.dunst.stop)

    def send(self, *args):
        p = subprocess.Popen(["notify-send", *args], env=self.dunst.env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.addCleanup(_reap, p)
        return p

    def test_display_is_free_and_ours(self):
        n = self.x.display[1:]
        self.assertTrue(os.path.exists(f"/tmp/.X11-unix/X{n}"))
        r = subprocess.run(["xdpyinfo"], env=dict(self.tenv.env, **self.x.env),
                           capture_output=True, text=True, timeout=10)
        self.assertEqual(r.returncode, 0, r.stderr)

    def test_context_menu_picks_a_non_default_action(self):
        p = self.send("-A", "default=Open", "-A", "done=Done", "-A", "snooze=Snooze 5 min",
                      "-A", "skip=Skip", "Posture check", "Sit back")
        wait_until(lambda: self.dunst.count_displayed() == 1, message="1 displayed")
        picked = self.dunst.invoke_action("snooze")
        self.assertTrue(picked.startswith("#Snooze 5 min (Posture check) ["), picked)
        self.assertTrue(picked.endswith(",snooze]"), picked)
        out, err = p.communicate(timeout=10)
        self.assertEqual(out.strip(), "snooze")
        # notify-send closes it after the action; dunst then shows nothing and keeps it.
        wait_until(lambda: self.dunst.count_displayed() == 0, message="0 displayed")
        self.assertEqual([h["summary"] for h in self.dunst.history()], ["Posture check"])

    def test_unknown_action_fails_clearly(self):
        self.send("-A", "done=Done", "P", "b")
        wait_until(lambda: self.dunst.count_displayed() == 1, message="1 displayed")
        with self.assertRaises(AssertionError) as cm:
            self.dunst.invoke_action("banana")
        self.assertIn("[", str(cm.exception))

    def test_default_action(self):
        p = self.send("-A", "default=Open", "-A", "done=Done", "P", "b")
        wait_until(lambda: self.dunst.count_displayed() == 1, message="1 displayed")
        self.dunst.action_default()
        out, _ = p.communicate(timeout=10)
        self.assertEqual(out.strip(), "default")


if __name__ == "__main__":
    unittest.main()
