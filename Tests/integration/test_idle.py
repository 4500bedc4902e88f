"""End to end: time away. limberd with a second private dbus-daemon as its system bus, a fake
org.freedesktop.login1 on it, and fakes of Mutter's idle monitor and org.freedesktop.ScreenSaver
on the session bus; we assert what limberd records in history and what it notifies.

LIMBER_TEST_SCALE=60: one real second is one minute of scheduler time, so the 5-minute
natural break is 5 s, and "[idle] grace = 3m" is 3 s.
"""

import json
import os
import subprocess
import time
import unittest

import harness
from harness import (DaemonTestCase, PrivateBus, SYSTEM_PYTHON, FAKES, dbus_send, spawn, stop, tail,
                     wait_until, _read_line)

harness.require_binaries()
harness.require_commands("dbus-daemon", "dbus-send")
harness.require_python_modules()

CONFIG = """
[posture]
interval_min = "30m"
interval_max = "30m"

[idle]
grace = "3m"
{extra}
{sections}
"""


class FakeService:
    """One of our fakes (logind.py, session_idle.py) on a bus, stopped by its Popen."""

    def __init__(self, tenv, label, script, args, env, address, control):
        self.tenv = tenv
        self.label = label
        self.record = tenv.path(f"{label}.jsonl")
        self.log = tenv.path(f"{label}.log")
        self.argv = [SYSTEM_PYTHON, FAKES / script, "--record", self.record, *args]
        self.env = env
        self.address = address
        self.control_name, self.control_path = control
        self.process = None

    def start(self, timeout=15):
        self.process = spawn(self.label, self.argv, stdout=subprocess.PIPE,
                             stderr=open(self.log, "wb"), env=self.env)
        try:
            line = _read_line(self.process, timeout, self.label)
        except AssertionError as e:
            raise AssertionError(f"{e}\n{tail(self.log)}")
        if line != "ready":
            raise AssertionError(f"{self.label} said {line!r}\n{tail(self.log)}")
        return self

    def stop(self):
        stop(self.process)
        self.process = None

    def control(self, method, *args):
        rc, out, err = dbus_send(self.address, self.control_name, self.control_path,
                                 f"{self.control_name}.{method}", *args)
        if rc != 0:
            raise AssertionError(f"{method} on {self.label} failed: {err.strip()}")
        return out

    def calls(self):
        entries = []
        try:
            with open(self.record, encoding="utf-8") as f:
                for line in f:
                    if line.endswith("\n"):
                        entries.append(json.loads(line))
        except FileNotFoundError:
            pass
        return entries

    def methods(self, name):
        return [c for c in self.calls() if c.get("method") == name]


class IdleCase(DaemonTestCase):
    """A private system bus with a fake logind, and the session-bus fakes, per test."""

    test_scale = 60
    logind = True
    logind_args = ()
    session_args = ("--mutter", "--screensaver")
    extra_config = ""
    extra_sections = ""

    def setUp(self):
        super().setUp()
        self.system_bus = PrivateBus(self.tenv, name="system").start()
        self.addCleanup(self.system_bus.stop)
        self.daemon.extra_env["DBUS_SYSTEM_BUS_ADDRESS"] = self.system_bus.address
        # The session bus's idle services are asked for only in a graphical session.
        self.daemon.extra_env["XDG_CURRENT_DESKTOP"] = "GNOME"
        self.login = None
        if self.logind:
            self.login = FakeService(self.tenv, "logind", "logind.py",
                                     ["--address", self.system_bus.address, *self.logind_args],
                                     self.tenv.env, self.system_bus.address,
                                     ("org.limber.TestLogind", "/org/limber/TestLogind")).start()
            self.addCleanup(self.login.stop)
        self.idle = None
        if self.session_args:
            self.idle = FakeService(self.tenv, "session-idle", "session_idle.py", list(self.session_args),
                                    dict(self.tenv.env, **self.bus.env), self.bus.address,
                                    ("org.limber.TestIdle", "/org/limber/TestIdle")).start()
            self.addCleanup(self.idle.stop)
        config = self.tenv.config_home / "limber" / "config.toml"
        config.parent.mkdir(mode=0o700, exist_ok=True)
        config.write_text(CONFIG.format(extra=self.extra_config, sections=self.extra_sections))
        # limberd first, then the fakes and buses it talks to (cleanups run last-in first-out).
        self.addCleanup(self.daemon.stop)

    # Helpers
    def lock(self, locked=True):
        self.login.control("SetLockedHint", f"boolean:{'true' if locked else 'false'}")

    def idle_hint(self, idle=True):
        self.login.control("SetIdleHint", f"boolean:{'true' if idle else 'false'}")

    def sleep_signal(self, going):
        self.login.control("PrepareForSleep", f"boolean:{'true' if going else 'false'}")

    def presence(self):
        return self.status()["presence"]

    def wait_away(self, away=True, timeout=10):
        state = "away" if away else "present"
        return self.wait_status(lambda s: s["presence"]["state"] == state, timeout=timeout,
                                message=f"presence {state}")

    def wait_sources(self, *names, timeout=10):
        return self.wait_status(lambda s: all(src["live"] for src in s["presence"]["sources"]
                                              if src["name"] in names),
                                timeout=timeout, message=f"live sources {names}")

    def breaks(self):
        return [e for e in self.tenv.history() if e.get("outcome") == "natural-break"]

    def elapsed(self, kind="posture"):
        return self.next_of(self.status(), kind)["elapsed_seconds"]


class Sources(IdleCase):
    def test_every_source_is_found_and_logged_once(self):
        self.start_daemon()
        s = self.wait_sources("logind_idle", "lock", "mutter_idle", "screensaver")
        sources = {src["name"]: src for src in s["presence"]["sources"]}
        self.assertEqual(sources["lock"]["via"], "logind session 2")
        self.assertEqual(sources["logind_idle"]["via"], "logind session 2")
        self.assertEqual(sources["sleep"]["via"], "logind, clocks")
        self.assertEqual(sources["mutter_idle"]["via"], "Mutter idle monitor")
        self.assertEqual(sources["screensaver"]["via"], "org.freedesktop.ScreenSaver")
        # The display servers' own sources need WAYLAND_DISPLAY or DISPLAY, unset here
        # (test_display_idle.py has them).
        display = {"wayland_idle": "WAYLAND_DISPLAY is unset", "x11_idle": "DISPLAY is unset"}
        for name, src in sources.items():
            self.assertEqual(src["policy"], "count")
            if name in display:
                self.assertFalse(src["live"])
                self.assertIn(display[name], src["problem"])
            else:
                self.assertIsNone(src["problem"])
        self.assertEqual(s["presence"]["state"], "present")
        self.assertIsNone(s["presence"]["away_since"])
        self.assertEqual(s["presence"]["away_by"], [])
        lines = [l for l in self.daemon.stderr().splitlines() if "time away is watched through" in l]
        self.assertEqual(len(lines), 1, self.daemon.stderr())
        self.assertIn("lock", lines[0])
        self.assertRegex(lines[0], r"not found: wayland_idle \(not a Wayland session: WAYLAND_DISPLAY is unset\), "
                                   r"x11_idle \(not an X11 session: DISPLAY is unset\)$")
        # The session was looked up the way a user service must: "auto", not by PID.
        self.assertEqual([c["args"] for c in self.login.methods("GetSession")], [["auto"]])
        # Mutter was asked for the threshold in real time: 2 min at 60x is 2 s.
        self.assertEqual([c["args"] for c in self.idle.methods("AddIdleWatch")], [[2000]])

    def test_status_text_names_the_sources(self):
        self.start_daemon()
        self.wait_sources("lock", "mutter_idle")
        out = self.cli_ok("status")
        self.assertRegex(out, r"Time away: watching .*lock.*logind session 2")


class LockedAtStart(IdleCase):
    def test_a_session_already_locked_and_idle_is_away_at_once(self):
        # GetAll reads every property, the struct-valued User among them, to reach these.
        self.lock()
        self.idle_hint()
        self.start_daemon()
        s = self.wait_away()
        self.assertEqual(s["presence"]["away_by"], ["logind_idle", "lock"])
        self.lock(False)
        self.idle_hint(False)
        self.wait_away(False)


class ScreenSaverProxy(IdleCase):
    session_args = ("--mutter", "--screensaver-proxy")

    def test_gnomes_proxy_is_not_a_source(self):
        self.start_daemon()
        self.wait_sources("mutter_idle")
        # The screensaver's answer comes on its own: wait for it, not only for Mutter's.
        s = self.wait_status(lambda s: {x["name"]: x for x in s["presence"]["sources"]}["screensaver"]["problem"],
                             message="the screensaver source's verdict")
        saver = {x["name"]: x for x in s["presence"]["sources"]}["screensaver"]
        self.assertFalse(saver["live"])
        self.assertIn("does not report its state", saver["problem"])
        self.assertIn("NotSupported", saver["problem"])


class Invalidated(IdleCase):
    def test_properties_sent_without_values_are_read(self):
        self.start_daemon()
        self.wait_sources("lock")
        self.login.control("SetLockedHintQuietly", "boolean:true")
        time.sleep(0.5)  # proves nothing happens: no signal, so limberd does not know yet
        self.assertEqual(self.presence()["state"], "present", "nothing said yet")
        self.login.control("Invalidate")
        s = self.wait_away()
        self.assertEqual(s["presence"]["away_by"], ["lock"])


class NoLogind(DaemonTestCase):
    """The harness default: DBUS_SYSTEM_BUS_ADDRESS names a socket that does not exist."""

    def test_runs_without_any_source_but_the_clocks(self):
        self.start_daemon()
        s = self.status()
        sources = {src["name"]: src for src in s["presence"]["sources"]}
        self.assertTrue(sources["sleep"]["live"])
        self.assertEqual(sources["sleep"]["via"], "clocks")
        for name in ("lock", "logind_idle"):
            self.assertFalse(sources[name]["live"])
            self.assertIn("no system bus", sources[name]["problem"])
        for name in ("mutter_idle", "screensaver"):
            self.assertFalse(sources[name]["live"])
            self.assertIn("no graphical session", sources[name]["problem"])
        wait_until(lambda: "time away is watched through sleep (clocks)" in self.daemon.stderr(),
                   message="the start-up line naming the sources")
        self.assertTrue(self.daemon.alive())


class Breaks(IdleCase):
    def test_six_minutes_locked_is_a_natural_break_that_restarts_the_posture_interval(self):
        self.start_daemon()
        self.wait_sources("lock")
        self.advance(600)  # a break counted from the start would be 16 minutes, not 6
        before = self.status()
        routine_before = self.next_of(before, "routine")["elapsed_seconds"]
        self.lock()
        s = self.wait_away()
        self.assertEqual(s["presence"]["away_by"], ["lock"])
        frozen = self.elapsed()
        self.advance(90)
        self.assertEqual(self.elapsed(), frozen, "active time stands still while locked")
        self.advance(270)  # six minutes in all
        self.lock(False)
        self.wait_history("natural-break")
        b = self.breaks()
        self.assertEqual(len(b), 1, b)
        self.assertEqual(b[0]["kind"], "posture")
        self.assertEqual(b[0]["reason"], "lock")
        self.assertGreaterEqual(b[0]["seconds"], 360)
        self.assertLess(b[0]["seconds"], 600, "from the lock, not from the start")
        after = self.status()
        self.assertLess(self.next_of(after, "posture")["elapsed_seconds"], 120,
                        "the posture interval started over")
        self.assertGreaterEqual(self.next_of(after, "routine")["elapsed_seconds"], routine_before,
                                "six minutes away do not stand for the routine")
        self.assertEqual(after["today"]["natural_breaks"], 1)
        self.assertEqual(after["presence"]["state"], "present")
        self.assertFalse(self.notifications.notify_calls(), "nothing was shown")
        # limber history and limber stats read the same line.
        self.assertRegex(self.cli_ok("history"), r"natural break \(\d+ min away: lock\)")
        stats = json.loads(self.cli_ok("stats", "--json"))
        self.assertEqual(stats["totals"]["natural_breaks"], 1)

    def test_two_minutes_idle_neither_resets_nor_credits(self):
        self.start_daemon()
        self.wait_sources("logind_idle")
        self.advance(120)
        self.idle_hint()
        self.wait_away()
        frozen = self.elapsed()
        self.advance(120)
        self.assertEqual(self.elapsed(), frozen, "not credited")
        self.idle_hint(False)
        self.wait_away(False)
        after = self.elapsed()
        self.assertGreaterEqual(after, frozen, "not reset")
        self.assertLess(after - frozen, 60)
        # The return is written to the history before status answers "present".
        self.assertEqual(self.breaks(), [])

    def test_sleep_between_prepare_for_sleep_true_and_false(self):
        self.start_daemon()
        self.wait_sources("lock")
        self.sleep_signal(True)
        self.wait_away()
        status = self.notify.wait_for("STATUS", timeout=5, since=0)
        self.assertIsNotNone(status)
        wait_until(lambda: any(v.startswith("away since") and "asleep" in v
                               for v in self.notify.values("STATUS")),
                   message=f"STATUS= saying away since ... (asleep): {self.notify.values('STATUS')}")
        self.advance(330)
        self.sleep_signal(False)
        self.wait_history("natural-break")
        b = self.breaks()
        self.assertEqual([e["reason"] for e in b], ["sleep"])
        self.assertGreaterEqual(b[0]["seconds"], 300)

    def test_locked_idle_and_asleep_are_counted_once(self):
        self.start_daemon()
        self.wait_sources("lock", "mutter_idle")
        self.lock()
        self.wait_away()
        self.advance(60)
        self.idle_hint()
        self.sleep_signal(True)
        self.wait_status(lambda s: set(s["presence"]["away_by"]) >= {"lock", "logind_idle", "sleep"},
                         message="away by lock, idle and sleep at once")
        self.advance(250)  # five minutes and more since the lock
        self.sleep_signal(False)
        self.lock(False)
        # logind sends these in order: once the unlock is seen, the wake-up was too.
        self.wait_status(lambda s: s["presence"]["away_by"] == ["logind_idle"], message="away by idle alone")
        self.assertEqual(self.breaks(), [], "still idle: not back yet")
        self.idle_hint(False)
        self.wait_history("natural-break")
        self.wait_away(False)
        b = self.breaks()
        self.assertEqual(len(b), 1, b)
        self.assertEqual(b[0]["reason"], "logind_idle,lock,sleep")
        self.assertLess(b[0]["seconds"], 9 * 60, "one period, not the sum of three")

    def test_the_mutter_idle_watch_and_its_user_active_watch(self):
        self.start_daemon()
        self.wait_sources("mutter_idle")
        self.advance(180)
        before = self.elapsed()
        self.idle.control("BecomeIdle")
        s = self.wait_away()
        self.assertEqual(s["presence"]["away_by"], ["mutter_idle"])
        # Mutter noticed after two (scaled) minutes without input: those are taken back.
        self.assertLessEqual(self.elapsed(), before - 60)
        wait_until(lambda: self.idle.methods("AddUserActiveWatch"), message="AddUserActiveWatch")
        self.advance(210)
        self.idle.control("BecomeActive")
        self.wait_away(False)
        self.wait_history("natural-break")
        b = self.breaks()
        self.assertEqual(b[0]["reason"], "mutter_idle")
        self.assertGreaterEqual(b[0]["seconds"], 300, "2 min before Mutter noticed + 3.5 after")
        # The next idle spell needs a fresh user-active watch: Mutter drops one once fired.
        self.idle.control("BecomeIdle")
        self.wait_away()
        wait_until(lambda: len(self.idle.methods("AddUserActiveWatch")) == 2, message="a second active watch")
        self.idle.control("BecomeActive")
        self.wait_away(False)
        self.assertEqual(len(self.idle.methods("AddIdleWatch")), 1, "the idle watch stays")

    def test_screensaver_active_changed(self):
        self.start_daemon()
        self.wait_sources("screensaver")
        self.idle.control("SetScreenSaverActive", "boolean:true")
        s = self.wait_away()
        self.assertEqual(s["presence"]["away_by"], ["screensaver"])
        self.idle.control("SetScreenSaverActive", "boolean:false")
        self.wait_away(False)
        self.assertEqual(self.breaks(), [])


class EmptyChair(IdleCase):
    # Here time away must stay short of a break, whatever the test's pace.
    extra_config = 'natural_break = "30m"\nroutine_break = "30m"'
    extra_sections = '[reminders]\nreshow_after = "1m"'

    def test_a_reminder_falling_due_while_locked_waits_for_unlock_and_grace(self):
        self.start_daemon()
        self.wait_sources("lock")
        self.cli_ok("now", "posture")
        self.notifications.wait_for_notify()
        self.cli_ok("pause", "4s")  # takes it off screen; it stays due
        self.lock()
        self.wait_away()
        seq = self.notifications.last_seq()
        # The pause ends while locked: the posture check is due again, but nobody is there.
        self.wait_history("resumed", timeout=10)
        self.advance(90)  # a re-show or a retry would come in these 90 s
        time.sleep(0.5)  # proves nothing happens: no Notify on its way to the fake server
        self.assertEqual([c for c in self.notifications.notify_calls() if c["seq"] > seq], [],
                         "nothing shown at an empty chair")
        s = self.status()
        self.assertEqual(self.next_of(s, "posture")["in_seconds"], 0, "due, and held")
        self.assertIsNone(s["due"])
        self.lock(False)
        unlocked = time.monotonic()
        call = self.notifications.wait_for_notify(after_seq=seq, timeout=10)
        waited = call["mono"] - unlocked
        self.assertGreaterEqual(waited, 2.5, "shown only after the 3 s (3 scaled minutes) grace")
        self.assertEqual(call["args"]["replaces_id"], 0, "a fresh showing")
        self.assertIn("shown", self.tenv.outcomes()[-1:])

    def test_a_reminder_on_screen_is_not_reshown_while_away_and_comes_back_after_grace(self):
        self.start_daemon()
        self.wait_sources("lock")
        self.cli_ok("now", "posture")
        nid = self.notifications.wait_for_notify()["id"]
        self.lock()
        self.wait_away()
        self.advance(240)  # two 1-minute re-show delays and the missed one would have passed
        reshown = [c for c in self.notifications.notify_calls() if c["args"]["replaces_id"] == nid]
        self.assertEqual(reshown, [], "no re-shows at an empty chair")
        self.assertNotIn("missed", self.tenv.outcomes())
        self.assertIn("Last seen active", self.cli_ok("status"))
        self.lock(False)
        unlocked = time.monotonic()
        call = self.notifications.wait_for(lambda c: c.get("method") == "Notify"
                                           and c["args"]["replaces_id"] == nid, timeout=10,
                                           message="the reminder shown again in place")
        self.assertGreaterEqual(call["mono"] - unlocked, 2.5)
        self.assertEqual(call["args"]["hints"].get("urgency"), 1, "not the critical last showing")
        self.assertNotIn("reshown", self.tenv.outcomes(), "shown again in place, not counted")


class NaturalBreakAnswers(IdleCase):
    def test_a_natural_break_answers_the_reminder_on_screen(self):
        self.start_daemon()
        self.wait_sources("lock")
        self.cli_ok("now", "posture")
        nid = self.notifications.wait_for_notify()["id"]
        self.lock()
        self.wait_away()
        self.advance(330)
        self.lock(False)
        self.wait_history("natural-break")
        b = self.breaks()[0]
        self.assertEqual(b["kind"], "posture")
        self.assertIsNotNone(b.get("prompt"))
        self.notifications.wait_for(lambda c: c.get("method") == "CloseNotification" and c["id"] == nid,
                                    message="the notification closed")
        s = self.status()
        self.assertIsNone(s["due"])


class Policies(IdleCase):
    extra_config = 'lock = "ignore"\nmutter_idle = "pause"'

    def test_ignore_and_pause(self):
        self.start_daemon()
        self.wait_sources("lock", "mutter_idle")
        s = self.status()
        sources = {src["name"]: src["policy"] for src in s["presence"]["sources"]}
        self.assertEqual(sources["lock"], "ignore")
        self.assertEqual(sources["mutter_idle"], "pause")
        self.lock()
        self.idle.control("BecomeIdle")
        s = self.wait_away()
        # The lock came first: had it counted, it would be named here.
        self.assertEqual(s["presence"]["away_by"], ["mutter_idle"], "an ignored source is not time away")
        self.advance(300)
        self.idle.control("BecomeActive")
        self.wait_away(False)
        # The return is written to the history before status answers "present".
        self.assertEqual(self.breaks(), [], "pause never credits")


class BusGoesAway(IdleCase):
    def cpu_seconds(self):
        with open(f"/proc/{self.daemon.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def test_losing_the_system_bus_neither_crashes_nor_spins(self):
        self.start_daemon()
        self.wait_sources("lock")
        self.lock()
        self.wait_away()
        self.login.stop()
        self.system_bus.stop()
        s = self.wait_status(lambda s: not {x["name"]: x for x in s["presence"]["sources"]}["lock"]["live"],
                             message="lock no longer live")
        self.assertEqual(s["presence"]["state"], "present", "not left away for ever")
        wait_until(lambda: "lost the system bus" in self.daemon.stderr(), message="a warning")
        cpu = self.cpu_seconds()
        time.sleep(3)  # proves nothing happens: the CPU time limberd uses in 3 s on a dead bus
        self.assertLess(self.cpu_seconds() - cpu, 0.3, "limberd spins on a dead bus")
        self.assertTrue(self.daemon.alive())
        self.cli_ok("status")

    def test_logind_leaving_and_coming_back(self):
        self.start_daemon()
        self.wait_sources("lock")
        self.login.stop()
        self.wait_status(lambda s: not {x["name"]: x for x in s["presence"]["sources"]}["lock"]["live"],
                         message="lock no longer live")
        self.login.start()
        self.wait_sources("lock")
        self.lock()
        self.wait_away()


class NoSession(IdleCase):
    logind_args = ("--no-session",)
    session_args = ()

    def test_without_a_session_sleep_still_comes_from_logind(self):
        self.start_daemon()
        s = self.wait_status(lambda s: {x["name"]: x for x in s["presence"]["sources"]}["sleep"]["via"]
                             == "logind, clocks", message="sleep through logind")
        sources = {x["name"]: x for x in s["presence"]["sources"]}
        self.assertFalse(sources["lock"]["live"])
        self.assertIn("no logind session", sources["lock"]["problem"])
        self.sleep_signal(True)
        self.wait_away()
        self.sleep_signal(False)
        self.wait_away(False)


if __name__ == "__main__":
    unittest.main()
