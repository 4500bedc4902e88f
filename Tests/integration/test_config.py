"""The configuration file end to end: limberd at start-up and on reload ('limber reload' and
SIGHUP), and 'limber config' without a daemon.

A reload parses into a fresh configuration and swaps only on success: a bad edit leaves
limberd on its old settings, serving as before. Active time already counted is kept; a new
interval applies from the next reminder. Time-based parts use LIMBER_TEST_SCALE=60 (one real
second is one minute of active time).
"""

import json
import signal
import unittest

import harness
from harness import DaemonTestCase, wait_until

harness.require_binaries()
harness.require_commands("dbus-daemon", "dbus-send")
harness.require_python_modules()

# Nothing comes due by itself during a test: a fixed 4 h posture interval, an 8 h routine.
QUIET = """\
[posture]
interval_min = "4h"
interval_max = "4h"

[routine]
interval = "8h"
"""

# Two problems: a value out of range (line 2) and a misspelt key (line 5).
BAD = """\
[routine]
interval = "9h"

[reminders]
snooze_defualt = "2m"
"""


def output(out, err):
    return f"stdout: {out!r}\nstderr: {err!r}"


class ConfigTestCase(DaemonTestCase):
    test_scale = 60

    @property
    def config_file(self):
        return self.tenv.config_home / "limber" / "config.toml"

    def write_config(self, text, path=None):
        path = path or self.config_file
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)
        return path

    def assert_bad_diagnostics(self, text, path):
        """The two problems of BAD, each as FILE:LINE:COL: error: ... with the line and a caret."""
        self.assertIn(f'{path}:2:12: error: interval must be between 10m and 8h, found 9h\n'
                      f'interval = "9h"\n'
                      f'           ^', text)
        self.assertIn(f"{path}:5:1: error: unknown key 'snooze_defualt' in [reminders]; "
                      f"did you mean 'snooze_default'?\n"
                      f'snooze_defualt = "2m"\n'
                      f'^', text)

    def routine(self):
        return self.next_of(self.status(), "routine")

    def finish_a_routine(self):
        """Makes a routine due and answers it: the scheduler starts new intervals."""
        self.cli_ok("now", "routine")
        self.wait_status(lambda s: (s.get("due") or {}).get("kind") == "routine",
                         message="routine due")
        self.cli_ok("done")
        return self.wait_status(lambda s: s.get("due") is None, message="nothing due")


class Startup(ConfigTestCase):
    def test_the_xdg_file_is_read_at_start_up(self):
        self.write_config(QUIET)
        self.start_daemon()
        s = self.status()
        self.assertEqual(s["config_path"], str(self.config_file))
        self.assertEqual(self.next_of(s, "routine")["interval_seconds"], 8 * 3600)
        self.assertEqual(self.next_of(s, "posture")["interval_seconds"], 4 * 3600)

    def test_no_file_means_the_built_in_defaults(self):
        self.start_daemon()
        s = self.status()
        self.assertIsNone(s["config_path"])
        self.assertEqual(self.next_of(s, "routine")["interval_seconds"], 3600)
        self.assertTrue(30 * 60 <= self.next_of(s, "posture")["interval_seconds"] <= 45 * 60)

    def test_an_invalid_file_exits_78_with_the_diagnostics_on_stderr(self):
        self.write_config(BAD)
        self.daemon.start(wait_ready=False)
        rc = self.daemon.wait_exit(timeout=10)
        self.assertEqual(rc, 78, f"EX_CONFIG expected; stderr:\n{self.daemon.stderr()}")
        err = self.daemon.stderr()
        self.assert_bad_diagnostics(err, self.config_file)
        self.assertIn(f"{self.config_file} has 2 errors", err)
        self.assertIsNone(self.notify.wait_for("READY", "1", timeout=0.1),
                          "an invalid config must not report READY=1")

    def test_a_missing_explicit_file_exits_78(self):
        missing = self.tenv.path("nowhere.toml")
        self.daemon.args = ["--config", str(missing)]
        self.daemon.start(wait_ready=False)
        self.assertEqual(self.daemon.wait_exit(timeout=10), 78, self.daemon.stderr())
        self.assertIn(f"cannot read {missing}: No such file or directory", self.daemon.stderr())

    def test_config_option_and_defaults_option(self):
        other = self.write_config(QUIET, self.tenv.path("elsewhere.toml"))
        self.write_config(BAD)  # the XDG file, which both options must ignore
        self.daemon.args = ["--config", str(other)]
        self.start_daemon()
        s = self.status()
        self.assertEqual(s["config_path"], str(other))
        self.assertEqual(self.next_of(s, "routine")["interval_seconds"], 8 * 3600)
        self.daemon.stop()
        self.daemon.args = ["--defaults"]
        self.start_daemon()
        self.assertIsNone(self.status()["config_path"])
        # The saved schedule keeps the running interval; the next one is the default.
        s = self.finish_a_routine()
        self.assertEqual(self.next_of(s, "routine")["interval_seconds"], 3600)


class Reload(ConfigTestCase):
    def test_a_good_edit_takes_effect_and_active_time_is_kept(self):
        self.write_config(QUIET)
        self.start_daemon()
        self.advance(180)  # three minutes of active time
        before = self.routine()
        self.assertGreaterEqual(before["elapsed_seconds"], 120, before)

        self.write_config(QUIET.replace('interval = "8h"', 'interval = "2h"'))
        rc, out, err = self.cli("reload")
        self.assertEqual(rc, 0, output(out, err))
        self.assertIn(f"configuration reloaded from {self.config_file}", out)

        after = self.routine()
        self.assertGreaterEqual(after["elapsed_seconds"], before["elapsed_seconds"],
                                f"a reload must keep the active time: before {before}, after {after}")
        self.assertEqual(after["interval_seconds"], 8 * 3600,
                         "the new interval applies from the next reminder, not the current one")
        self.assertTrue(self.daemon.alive())

        s = self.finish_a_routine()
        self.assertEqual(self.next_of(s, "routine")["interval_seconds"], 2 * 3600,
                         f"after the next routine the new interval applies: {json.dumps(s)}")

    def test_a_good_edit_changes_expiry_and_snooze(self):
        self.start_daemon()
        self.cli_ok("now", "posture")
        first = self.notifications.wait_for_notify()
        self.assertEqual(first["args"]["expire_timeout"], -1, "default: the server decides")
        self.assertEqual(first["args"]["hints"]["urgency"], 1, "default: normal urgency")
        self.assertIn("Snooze 5 min", first["args"]["actions"])
        self.cli_ok("done")

        self.write_config('[notifications]\nexpire = "never"\nurgency = "low"\n\n'
                          '[reminders]\nsnooze_default = "2m"\n')
        self.cli_ok("reload")
        mark = self.notifications.last_seq()
        self.cli_ok("now", "posture")
        call = self.notifications.wait_for_notify(after_seq=mark)
        self.assertEqual(call["args"]["expire_timeout"], 0, 'expire = "never" is timeout 0')
        self.assertEqual(call["args"]["hints"]["urgency"], 0, 'urgency = "low" is byte 0')
        self.assertIn("Snooze 2 min", call["args"]["actions"])
        self.assertIn("posture check snoozed for 2 min", self.cli_ok("snooze"))

    def test_a_bad_edit_is_refused_and_the_daemon_keeps_its_settings(self):
        self.write_config(QUIET)
        self.start_daemon()
        self.advance(60)
        before = self.routine()

        self.write_config(BAD)
        rc, out, err = self.cli("reload")
        self.assertEqual(rc, 4, "a refused reload exits 4\n" + output(out, err))
        self.assertIn(f"limber: {self.config_file} has 2 errors; limberd keeps its current "
                      f"configuration", err)
        self.assert_bad_diagnostics(err, self.config_file)

        self.assertTrue(self.daemon.alive())
        s = self.status()
        self.assertEqual(s["state"], "active")
        self.assertEqual(s["config_path"], str(self.config_file))
        after = self.next_of(s, "routine")
        self.assertEqual(after["interval_seconds"], 8 * 3600)
        self.assertGreaterEqual(after["elapsed_seconds"], before["elapsed_seconds"])
        # Still the old settings after the next reminder: the bad file was never swapped in.
        s = self.finish_a_routine()
        self.assertEqual(self.next_of(s, "routine")["interval_seconds"], 8 * 3600)
        # Once fixed, the file is taken.
        self.write_config(QUIET)
        self.assertIn("configuration reloaded", self.cli_ok("reload"))

    def test_a_deleted_file_means_the_built_in_defaults(self):
        self.write_config(QUIET)
        self.start_daemon()
        self.config_file.unlink()
        out = self.cli_ok("reload")
        self.assertIn("configuration reloaded (no config file: built-in defaults)", out)
        self.assertIsNone(self.status()["config_path"])

    def test_sighup_with_a_bad_file_keeps_running(self):
        self.write_config(QUIET)
        self.start_daemon()
        self.write_config(BAD)
        mark = self.notify.mark()
        self.daemon.process.send_signal(signal.SIGHUP)
        self.assertIsNotNone(self.notify.wait_for("RELOADING", "1", timeout=5, since=mark),
                             f"no RELOADING=1 after SIGHUP: {self.notify.messages(mark)}")
        self.assertIsNotNone(self.notify.wait_for("READY", "1", timeout=5, since=mark),
                             f"no READY=1 after the refused reload: {self.notify.messages(mark)}")
        wait_until(lambda: "has 2 errors" in self.daemon.stderr(), timeout=5,
                   message="the refused reload logged")
        err = self.daemon.stderr()
        self.assertIn(f"{self.config_file} has 2 errors; keeping the current configuration", err)
        # One record per line, with the logger's own "error:" only: no literal \n, no
        # "error: FILE:L:C: error:".
        self.assertIn(f"limberd: error: {self.config_file}:2:12: interval must be between 10m and 8h, "
                      f"found 9h", err)
        self.assertIn(f"limberd: error: {self.config_file}:5:1: unknown key 'snooze_defualt'", err)
        self.assertNotIn("\\n", err)
        self.assertNotIn(": error: error:", err)
        self.assertNotIn(f"{self.config_file}:2:12: error:", err)
        # The source line and the caret under it, each on a line of its own.
        lines = err.splitlines()
        source = next(i for i, line in enumerate(lines) if line.endswith("interval = \"9h\""))
        self.assertIn("^", lines[source + 1])
        self.assertTrue(self.daemon.alive())
        s = self.status()
        self.assertEqual(s["pid"], self.daemon.pid)
        self.assertEqual(self.next_of(s, "routine")["interval_seconds"], 8 * 3600)

    def test_sighup_with_a_good_file_applies_it(self):
        self.write_config(QUIET)
        self.start_daemon()
        self.write_config(QUIET.replace('interval = "8h"', 'interval = "3h"'))
        mark = self.notify.mark()
        self.daemon.process.send_signal(signal.SIGHUP)
        self.assertIsNotNone(self.notify.wait_for("READY", "1", timeout=5, since=mark))
        s = self.finish_a_routine()
        self.assertEqual(self.next_of(s, "routine")["interval_seconds"], 3 * 3600)


class ConfigCommand(unittest.TestCase):
    """'limber config' works on files alone, with no daemon."""

    def setUp(self):
        self.tenv = harness.TempEnv("configcli")
        self.addCleanup(self.tenv.cleanup)
        self.xdg_file = self.tenv.config_home / "limber" / "config.toml"

    def test_path(self):
        rc, out, err = self.tenv.cli("config", "path")
        self.assertEqual((rc, out), (0, f"{self.xdg_file}\n"), output(out, err))

    def test_check_without_a_file(self):
        rc, out, err = self.tenv.cli("config", "check")
        self.assertEqual(rc, 0, output(out, err))
        self.assertIn(f"no config file at {self.xdg_file}; limberd uses the built-in defaults", out)

    def test_check_a_good_and_a_bad_file(self):
        good = self.tenv.path("good.toml")
        good.write_text(QUIET, encoding="utf-8")
        rc, out, err = self.tenv.cli("config", "check", good)
        self.assertEqual(rc, 0, output(out, err))
        self.assertEqual(out, f"{good}: ok, 3 settings differ from the defaults "
                              f"(posture.interval_min, posture.interval_max, routine.interval)\n")

        bad = self.tenv.path("bad.toml")
        bad.write_text(BAD, encoding="utf-8")
        rc, out, err = self.tenv.cli("config", "check", bad)
        self.assertEqual(rc, 1, output(out, err))
        self.assertEqual(out, "")
        self.assert_in_order(err, [f"{bad}:2:12: error:", f"{bad}:5:1: error:", f"{bad} has 2 errors"])

        rc, out, err = self.tenv.cli("config", "check", self.tenv.path("missing.toml"))
        self.assertEqual(rc, 1, output(out, err))
        self.assertIn("there is no such file", err)

    def test_init_then_check_and_show(self):
        rc, out, err = self.tenv.cli("config", "init")
        self.assertEqual(rc, 0, output(out, err))
        text = self.xdg_file.read_text(encoding="utf-8")
        self.assertIn("[work_hours]", text)
        rc, out, err = self.tenv.cli("config", "check")
        self.assertEqual((rc, out), (0, f"{self.xdg_file}: ok, every setting at its default\n"),
                         output(out, err))

        rc, out, err = self.tenv.cli("config", "init")
        self.assertEqual(rc, 1, "init must not overwrite without --force\n" + output(out, err))
        self.assertIn("already exists", err)
        self.xdg_file.write_text('[routine]\ninterval = "90m"\n', encoding="utf-8")
        rc, out, err = self.tenv.cli("config", "show")
        self.assertEqual(rc, 0, output(out, err))
        self.assertIn('\ninterval = "1h30m"  # default: "1h"\n', out)
        shown = self.tenv.path("shown.toml")
        shown.write_text(out, encoding="utf-8")
        rc, out, err = self.tenv.cli("config", "check", shown)
        self.assertEqual((rc, out), (0, f"{shown}: ok, 1 setting differs from the defaults "
                                        f"(routine.interval)\n"), output(out, err))

        rc, out, err = self.tenv.cli("config", "init", "--force")
        self.assertEqual(rc, 0, output(out, err))
        self.assertEqual(self.xdg_file.read_text(encoding="utf-8"), text)

    def assert_in_order(self, text, parts):
        at = 0
        for part in parts:
            found = text.find(part, at)
            self.assertGreaterEqual(found, 0, f"{part!r} not found (in order) in:\n{text}")
            at = found + len(part)


if __name__ == "__main__":
    unittest.main()
