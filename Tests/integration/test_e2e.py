"""End to end, deterministic tier: limberd + limber on a private session bus with the
recording fake notification server and our own NOTIFY_SOCKET.

Time-based behaviour uses the debug-build testing aid LIMBER_TEST_SCALE=60 (active time runs
60x faster: the 5 min re-show delay is 5 s, a 30-45 min posture interval 30-45 s).
"""

import datetime
import json
import os
import re
import signal
import stat
import subprocess
import time
import unittest

import harness
from harness import DaemonTestCase, Limberd, NotifySocket, mode, wait_until

harness.require_binaries()
harness.require_commands("dbus-daemon", "dbus-send")
harness.require_python_modules()

ACTION_KEYS = {"default", "done", "snooze", "skip"}


def output(out, err):
    return f"stdout: {out!r}\nstderr: {err!r}"


class WithoutDaemon(unittest.TestCase):
    """The CLI alone."""

    def setUp(self):
        self.tenv = harness.TempEnv("nodaemon")
        self.addCleanup(self.tenv.cleanup)

    def test_version(self):
        rc, out, err = self.tenv.cli("--version")
        self.assertEqual(rc, 0, output(out, err))
        self.assertTrue(out.strip(), "limber --version printed nothing")

    def test_an_unknown_id_to_show_is_bad_usage_of_that_command(self):
        for args, message in (
                (("routines", "show", "desk-rest"), "limber: there is no routine 'desk-rest'; did you mean desk-reset?"),
                (("routines", "show", "nonexistent"), "limber: there is no routine 'nonexistent'; 'limber routines' lists them"),
                (("exercises", "show", "nope"), "limber: there is no exercise 'nope'; 'limber exercises' lists them")):
            rc, out, err = self.tenv.cli(*args)
            self.assertEqual(rc, 2, f"limber {' '.join(args)}\n" + output(out, err))
            self.assertEqual(out, "")
            lines = err.splitlines()
            self.assertEqual(lines[0], message)
            self.assertTrue(lines[1].startswith(f"Usage: limber {args[0]} show <id> "), err)
            self.assertEqual(lines[2:], [f"  See 'limber {args[0]} show --help' for more information."])

    def test_a_mistyped_command_is_named_with_a_suggestion(self):
        for args, said in ((("stauts",), "limber: unknown command 'stauts'; did you mean 'status'?\n"),
                           (("frobnicate", "--json"), "limber: unknown command 'frobnicate'\n")):
            rc, out, err = self.tenv.cli(*args)
            self.assertEqual(rc, 2, f"limber {' '.join(args)}\n" + output(out, err))
            self.assertEqual((out, err), ("", said + "See 'limber --help'.\n"))

    def test_unreachable_daemon_exits_3_and_says_how_to_fix(self):
        rc, out, err = self.tenv.cli("status")
        self.assertEqual(rc, 3, "exit 3 means 'daemon unreachable'\n" + output(out, err))
        said = out + err
        self.assertIn(str(self.tenv.socket_path), said, "the message should name the socket")
        self.assertIn("systemctl --user start limber", said)

    def test_unreachable_daemon_with_json(self):
        rc, out, err = self.tenv.cli("status", "--json")
        self.assertEqual(rc, 3, output(out, err))


class Startup(DaemonTestCase):
    def test_ready_and_status_text(self):
        self.start_daemon()
        m = self.notify.wait_for("STATUS", timeout=5)
        self.assertIsNotNone(m, f"no STATUS= on NOTIFY_SOCKET: {self.notify.messages()}")
        statuses = " | ".join(self.notify.values("STATUS")).lower()
        self.assertTrue("posture" in statuses or "routine" in statuses,
                        f"STATUS= should say what is next, e.g. 'posture check in 12 min': "
                        f"{statuses!r}")

    def test_status_plain_and_json(self):
        self.start_daemon()
        # With no command, or options alone, limber runs status.
        self.assertIn("posture", self.cli_ok().lower())
        self.assertEqual(json.loads(self.cli_ok("--json"))["state"], "active")
        rc, out, err = self.cli("status")
        self.assertEqual(rc, 0, output(out, err))
        self.assertTrue(out.strip(), "limber status printed nothing")
        s = self.status()
        for key in ("state", "next", "today", "notifications", "version", "pid"):
            self.assertIn(key, s, f"status --json lacks {key!r}: {json.dumps(s)}")
        self.assertEqual(s["state"], "active")
        self.assertIsNone(s.get("due"))
        self.assertEqual(s["pid"], self.daemon.pid)
        self.assertIn(s["notifications"], ("available", "unavailable", "unknown"))
        self.assertEqual({n["kind"] for n in s["next"]}, {"posture", "routine"})
        for n in s["next"]:
            for key in ("in_seconds", "elapsed_seconds", "interval_seconds"):
                self.assertIsInstance(n.get(key), int, f"next entry {n} lacks int {key}")
            self.assertGreater(n["interval_seconds"], 0)
        for key in ("due", "done", "snoozed", "skipped", "missed"):
            self.assertEqual(s["today"].get(key), 0, f"today: {s['today']}")

    @unittest.skipUnless(os.path.exists("/dev/full"), "needs /dev/full")
    def test_status_that_cannot_be_written_exits_1_and_says_why(self):
        self.start_daemon()
        for args in (("status",), ("status", "--json"), ()):
            with open("/dev/full", "w") as full:
                r = subprocess.run([harness.LIMBER, *args], env=self.tenv.env, stdout=full,
                                   stderr=subprocess.PIPE, text=True, timeout=15, stdin=subprocess.DEVNULL)
            self.assertEqual(r.returncode, 1, f"limber {' '.join(args)} > /dev/full\nstderr: {r.stderr!r}")
            self.assertEqual(r.stderr, "limber: cannot write the output: No space left on device\n")

    def test_bad_usage_exits_2(self):
        self.start_daemon()
        for args in (("snooze", "banana"), ("now", "lunch"), ("pause", "--until", "25:00"),
                     ("frobnicate",), ("snooze", "3h"), ("pause", "0s")):
            rc, out, err = self.cli(*args)
            self.assertEqual(rc, 2, f"limber {' '.join(args)}\n" + output(out, err))
        rc, out, err = self.cli("snooze", "3h")
        self.assertIn("a snooze lasts 1m to 2h, not 3h; to stop reminders for longer, run 'limber pause 3h'", err)

    def test_files_sockets_and_modes(self):
        self.start_daemon()
        sock = self.tenv.socket_path
        self.assertTrue(stat.S_ISSOCK(os.stat(sock).st_mode), f"{sock} is not a socket")
        self.assertEqual(mode(sock), 0o600, "control socket mode")
        self.assertEqual(mode(sock.parent), 0o700, "runtime folder mode")
        self.assertEqual(mode(self.tenv.state_dir), 0o700, "state folder mode")
        # Answer something so there is state and history to write.
        self.cli_ok("now", "posture")
        self.cli_ok("done")
        wait_until(lambda: self.tenv.state_file.exists(), timeout=10,
                   message=f"{self.tenv.state_file}")
        self.assertEqual(mode(self.tenv.state_file), 0o600, "state.json mode")
        json.loads(self.tenv.state_file.read_text())
        files = wait_until(self.tenv.history_files, timeout=10, message="a history file")
        for f in files:
            self.assertEqual(mode(f), 0o600, f"{f} mode")


class Answering(DaemonTestCase):
    """Showing a reminder and answering it, from the notification and from the CLI."""

    def show(self, kind="posture"):
        before = self.notifications.last_seq()
        self.cli_ok("now", kind)
        call = self.notifications.wait_for_notify(after_seq=before)
        return call

    def test_now_posture_shows_a_notification_with_actions(self):
        self.start_daemon()
        call = self.show()
        self.assertEqual(call["args"]["app_name"], "limber")
        self.assertTrue(call["args"]["summary"], "empty summary")
        self.assertTrue(ACTION_KEYS <= set(call["action_keys"]),
                        f"actions {call['action_keys']} lack some of {sorted(ACTION_KEYS)}")
        self.assertEqual(call["args"]["hints"].get("urgency"), 1, "first showing: normal")
        self.assertEqual(call["hint_types"].get("urgency"), "y", "urgency must be a byte")
        s = self.wait_status(lambda s: s.get("notifications") == "available",
                             message="notifications: available after a successful Notify")
        self.assertIsNotNone(s.get("due"), json.dumps(s))
        self.assertEqual(s["due"]["kind"], "posture")
        self.assertEqual(s["due"]["shown"], 1)
        self.assertEqual(s["due"]["snoozes_left"], 3)
        self.assertEqual(s["today"]["due"], 1)

    def test_now_routine(self):
        self.start_daemon()
        # limberd asks the server what it draws at start; once it knows, every action goes.
        wait_until(lambda: "notification server: limber-test-notifications" in self.daemon.stderr(200),
                   message="limberd to learn the server's profile")
        call = self.show("routine")
        self.assertEqual(self.status()["due"]["kind"], "routine")
        self.assertEqual(call["action_keys"], ["default", "start", "done", "snooze", "skip"])

    def test_now_while_due_shows_it_again_in_place(self):
        self.start_daemon()
        first = self.show()
        seq = self.notifications.last_seq()
        rc, out, err = self.cli("now", "posture")
        self.assertEqual(rc, 0, output(out, err))
        again = self.notifications.wait_for_notify(after_seq=seq)
        self.assertEqual(again["args"]["replaces_id"], first["id"],
                         "the due reminder is shown again in place, not a second time")
        self.assertEqual(self.status()["today"]["due"], 1)

    def test_snooze_limit(self):
        self.start_daemon()
        self.show()
        self.assertEqual(self.status()["due"]["snoozes_left"], 3)
        for n in range(3):
            if n:
                self.show()
            self.cli_ok("snooze")
        self.show()
        self.assertEqual(self.status()["due"]["snoozes_left"], 0)
        rc, out, err = self.cli("snooze")
        self.assertEqual(rc, 4, "the 4th snooze of one reminder is refused\n" + output(out, err))
        self.assertIsNotNone(self.status().get("due"), "a refused snooze leaves it due")

    def test_snooze_from_the_notification(self):
        self.start_daemon()
        call = self.show()
        seq = self.notifications.last_seq()
        self.notifications.invoke(call["id"], "snooze")
        s = self.wait_status(lambda s: s.get("due") is None, message="nothing due after snooze")
        posture = self.next_of(s, "posture")
        self.assertTrue(240 <= posture["in_seconds"] <= 300,
                        f"snoozed 5 min, so posture is due in about 300 s: {posture}")
        self.assertEqual(s["today"]["snoozed"], 1, s["today"])
        time.sleep(1)  # proves nothing happens: no re-show comes within a second
        again = [c for c in self.notifications.notify_calls() if c["seq"] > seq]
        self.assertEqual(again, [], "a snoozed reminder must not be shown again at once")
        self.assertIn("snoozed", self.tenv.outcomes())

    def test_snooze_from_the_cli_with_a_duration(self):
        self.start_daemon()
        call = self.show()
        self.cli_ok("snooze", "90s")
        self.notifications.wait_for(lambda c: c.get("method") == "CloseNotification"
                                    and c["id"] == call["id"],
                                    message=f"CloseNotification({call['id']})")
        s = self.status()
        self.assertIsNone(s.get("due"))
        posture = self.next_of(s, "posture")
        self.assertTrue(75 <= posture["in_seconds"] <= 90, f"snoozed 90 s: {posture}")

    def test_done_from_the_cli_closes_the_notification(self):
        self.start_daemon()
        call = self.show()
        self.cli_ok("done")
        closed = self.notifications.wait_for(
            lambda c: c.get("method") == "CloseNotification" and c["id"] == call["id"],
            message=f"CloseNotification({call['id']})")
        self.assertTrue(closed["was_open"])
        s = self.status()
        self.assertIsNone(s.get("due"))
        self.assertEqual(s["today"]["done"], 1, s["today"])

    def test_skip_from_the_cli_closes_the_notification(self):
        self.start_daemon()
        call = self.show()
        self.cli_ok("skip")
        self.notifications.wait_for(
            lambda c: c.get("method") == "CloseNotification" and c["id"] == call["id"],
            message=f"CloseNotification({call['id']})")
        s = self.status()
        self.assertIsNone(s.get("due"))
        self.assertEqual(s["today"]["skipped"], 1, s["today"])

    def test_done_from_the_notification(self):
        self.start_daemon()
        call = self.show()
        self.notifications.invoke(call["id"], "done")
        s = self.wait_status(lambda s: s.get("due") is None, message="nothing due after done")
        self.assertEqual(s["today"]["done"], 1, s["today"])

    def test_done_with_nothing_due_completes_the_next_one_early(self):
        self.start_daemon()
        rc, out, err = self.cli("done")
        self.assertEqual(rc, 0, output(out, err))
        s = self.status()
        self.assertIsNone(s.get("due"))
        self.assertEqual(s["today"]["done"], 1, f"an early 'done' counts: {s['today']}")

    def test_snooze_with_nothing_due_is_refused(self):
        self.start_daemon()
        rc, out, err = self.cli("snooze")
        self.assertEqual(rc, 4, "exit 4 means 'request refused'\n" + output(out, err))
        self.assertTrue((out + err).strip(), "a refusal says why")

    def test_pause_and_resume(self):
        self.start_daemon()
        self.cli_ok("pause", "10m")
        s = self.status()
        self.assertEqual(s["state"], "paused", json.dumps(s))
        self.assertIsInstance(s.get("paused_until"), int, json.dumps(s))
        self.assertAlmostEqual(s["paused_until"], time.time() + 600, delta=30)
        self.cli_ok("resume")
        self.assertEqual(self.status()["state"], "active")
        rc, out, err = self.cli("resume")
        self.assertEqual(rc, 4, "resume when not paused is refused\n" + output(out, err))
        outcomes = self.tenv.outcomes()
        self.assertIn("paused", outcomes)
        self.assertIn("resumed", outcomes)

    def test_history_after_a_flow(self):
        t0 = time.time()
        self.start_daemon()
        first = self.show()
        self.notifications.invoke(first["id"], "snooze")
        self.wait_status(lambda s: s.get("due") is None, message="nothing due after snooze")
        second = self.show()
        self.cli_ok("done")
        self.notifications.wait_for(
            lambda c: c.get("method") == "CloseNotification" and c["id"] == second["id"],
            message=f"CloseNotification({second['id']})")
        self.wait_history("done")
        t1 = time.time()

        history = self.tenv.history()
        files = self.tenv.history_files()
        self.assertEqual(len(files), 1, files)
        self.assertRegex(os.path.basename(files[0]), r"^history-.+\.jsonl$")
        ids = set()
        for e in history:
            for key in ("v", "id", "host", "kind", "outcome", "at", "ts"):
                self.assertIn(key, e, f"history line lacks {key!r}: {e}")
            self.assertEqual(e["v"], 1, e)
            self.assertIsInstance(e["id"], str, e)
            self.assertNotIn(e["id"], ids, f"history ids must be unique: {e}")
            ids.add(e["id"])
            self.assertTrue(isinstance(e["host"], str) and e["host"], e)
            self.assertIn(e["kind"], ("posture", "routine", None), e)
            self.assertIsInstance(e["ts"], int, f"ts is milliseconds since 1970: {e}")
            self.assertTrue(t0 * 1000 - 2000 <= e["ts"] <= t1 * 1000 + 2000,
                            f"ts {e['ts']} is not between the test's start and end: {e}")
            at = datetime.datetime.fromisoformat(e["at"].replace("Z", "+00:00"))
            self.assertIsNotNone(at.tzinfo, f"'at' must carry its UTC offset: {e}")
            self.assertAlmostEqual(at.timestamp() * 1000, e["ts"], delta=1500,
                                   msg=f"'at' and 'ts' disagree: {e}")
        host = re.sub(r"[^A-Za-z0-9._-]", "_", history[0]["host"])
        self.assertEqual(os.path.basename(files[0]), f"history-{host}.jsonl")
        posture = [e["outcome"] for e in history if e["kind"] == "posture"]
        for a, b in (("shown", "snoozed"), ("snoozed", "done")):
            self.assertIn(a, posture, posture)
            self.assertIn(b, posture, posture)
            self.assertLess(posture.index(a), len(posture) - 1 - posture[::-1].index(b),
                            f"{a} should come before {b}: {posture}")
        self.assertEqual(posture.count("shown"), 2, posture)


class Lifecycle(DaemonTestCase):
    def test_sigterm_sends_stopping_and_exits_0(self):
        self.start_daemon()
        mark = self.notify.mark()
        self.assertEqual(self.daemon.stop(signal.SIGTERM), 0,
                         f"exit code after SIGTERM; stderr:\n{self.daemon.stderr()}")
        self.assertIsNotNone(self.notify.wait_for("STOPPING", "1", timeout=1, since=mark),
                             f"no STOPPING=1: {self.notify.messages(mark)}")
        rc, out, err = self.cli("status")
        self.assertEqual(rc, 3, "after stop the daemon is unreachable\n" + output(out, err))

    def test_sigint_exits_0(self):
        self.start_daemon()
        self.assertEqual(self.daemon.stop(signal.SIGINT), 0, self.daemon.stderr())

    def test_sighup_reloads(self):
        self.start_daemon()
        mark = self.notify.mark()
        self.daemon.process.send_signal(signal.SIGHUP)
        m = self.notify.wait_for("RELOADING", "1", timeout=5, since=mark)
        self.assertIsNotNone(m, f"no RELOADING=1 after SIGHUP: {self.notify.messages(mark)}")
        self.assertIn("MONOTONIC_USEC", m, "systemd 253+ wants MONOTONIC_USEC with RELOADING=1")
        self.assertIsNotNone(self.notify.wait_for("READY", "1", timeout=5, since=mark),
                             f"no READY=1 after the reload: {self.notify.messages(mark)}")
        self.assertTrue(self.daemon.alive())
        self.assertEqual(self.status()["pid"], self.daemon.pid)

    def test_second_instance_refuses_to_start(self):
        self.start_daemon()
        other_notify = NotifySocket(self.tenv, "notify2")
        self.addCleanup(other_notify.close)
        second = Limberd(self.tenv, bus=self.bus, notify=other_notify)
        self.addCleanup(second.stop)
        second.start(wait_ready=False)
        rc = second.wait_exit(timeout=10)
        self.assertNotEqual(rc, 0, "a second limberd must not keep running")
        self.assertIn("already running", second.stderr())
        self.assertIsNone(other_notify.wait_for("READY", timeout=0.1),
                          "the second instance must not report READY=1")
        self.assertTrue(self.daemon.alive())
        s = self.status()
        self.assertEqual(s["pid"], self.daemon.pid, "the first instance keeps serving")

    def test_restart_after_kill_9(self):
        self.start_daemon()
        self.daemon.kill9()
        rc, out, err = self.cli("status")
        self.assertEqual(rc, 3, "a stale socket is 'unreachable'\n" + output(out, err))
        self.daemon.start()  # must cope with the stale socket and lock
        self.assertEqual(self.status()["pid"], self.daemon.pid)


class Watchdog(DaemonTestCase):
    watchdog_usec = 2_000_000

    def test_watchdog_pings(self):
        self.start_daemon()
        mark = self.notify.mark()
        # Pings every half interval: two within 3 s (the wait returns at the second).
        wait_until(lambda: len([m for m in self.notify.messages(mark) if m.get("WATCHDOG") == "1"]) >= 2,
                   timeout=3, message=f"two WATCHDOG=1 with WATCHDOG_USEC=2 s: {self.notify.messages(mark)}")


class NoWatchdog(DaemonTestCase):
    def test_no_pings_without_watchdog_usec(self):
        self.start_daemon()
        time.sleep(1.5)  # proves nothing happens: with a watchdog, a ping would have come by now
        self.assertEqual(self.notify.values("WATCHDOG"), [])


class ScaledTime(DaemonTestCase):
    """LIMBER_TEST_SCALE=60: one real second is one minute of active time."""

    test_scale = 60

    def test_restart_keeps_the_schedule(self):
        self.start_daemon()
        self.advance(600)
        before = self.next_of(self.status(), "posture")
        self.assertGreaterEqual(before["elapsed_seconds"], 600,
                                f"ten minutes of active time: {before}")
        self.daemon.kill9()
        self.daemon.start()
        after = self.next_of(self.status(), "posture")
        self.assertGreaterEqual(after["elapsed_seconds"], before["elapsed_seconds"],
                                f"the posture interval restarted after kill -9: before {before}, "
                                f"after {after}")
        self.assertEqual(after["interval_seconds"], before["interval_seconds"],
                         "the chosen interval should survive a restart")

    def test_unanswered_reminder_is_reshown_then_missed(self):
        self.start_daemon()
        self.cli_ok("now", "posture")
        first = self.notifications.wait_for_notify()
        nid = first["id"]
        self.assertEqual(first["args"]["hints"].get("urgency"), 1)

        def reshows():
            calls = [c for c in self.notifications.notify_calls()
                     if c["args"]["replaces_id"] == nid]
            return calls if len(calls) >= 2 else None
        try:
            calls = wait_until(reshows, timeout=30, interval=0.1,
                               message=f"two re-shows (Notify with replaces_id={nid})")
        except AssertionError as e:
            self.fail(f"{e}\n{self.diag()}")
        self.assertEqual(calls[0]["args"]["hints"].get("urgency"), 1, "second showing: normal")
        self.assertEqual(calls[1]["args"]["hints"].get("urgency"), 2, "last showing: critical")
        self.assertEqual(calls[1]["hint_types"].get("urgency"), "y")
        self.wait_history("missed", timeout=20)
        outcomes = [e["outcome"] for e in self.tenv.history() if e["kind"] == "posture"]
        self.assertEqual(outcomes.count("reshown"), 2, outcomes)
        later = [c for c in self.notifications.notify_calls() if c["args"]["replaces_id"] == nid]
        self.assertEqual(len(later), 2, "exactly two re-shows, then missed")
        s = self.wait_status(lambda s: s.get("due") is None, message="nothing due after missed")
        self.assertEqual(s["today"]["missed"], 1, s["today"])


class NoNotificationServer(DaemonTestCase):
    """No org.freedesktop.Notifications on the bus at first."""

    fake = False
    test_scale = 60

    def test_keeps_running_and_reaches_a_server_that_appears_later(self):
        self.start_daemon()
        self.cli_ok("now", "posture")
        s = self.wait_status(lambda s: s.get("notifications") == "unavailable",
                             message="notifications: unavailable")
        self.assertIsNotNone(s.get("due"), json.dumps(s))
        self.assertEqual(s["due"]["kind"], "posture")
        self.assertTrue(self.daemon.alive())

        fake = self.start_fake()
        call = fake.wait_for(lambda c: c.get("method") == "Notify", timeout=25,
                             message="a later showing (the 5 s re-show at 60x) to reach the "
                                     "new server")
        self.assertEqual(call["args"]["app_name"], "limber")
        self.wait_status(lambda s: s.get("notifications") == "available",
                         message="notifications: available")


if __name__ == "__main__":
    unittest.main()
