"""[hooks]: commands limberd runs on events, with the event in LIMBER_* variables, without
waiting for them. A hook that succeeds, one that fails and one that hangs past its time
limit: the reminder is shown and answered in every case, the daemon keeps answering while
a hook hangs, the output and the outcome are in limberd's log, and a hung hook (with what it
started) is killed."""

import json
import os
import time
import unittest

from harness import DaemonTestCase, require_binaries, require_commands, require_python_modules, wait_until


def setUpModule():
    require_binaries()
    require_commands("dbus-daemon")
    require_python_modules()


# Hooks write into limber's state folder: limberd's sandbox (Landlock, when the kernel has
# it) lets them write nowhere else, as the README says.
class Hooks(DaemonTestCase):
    def write_config(self, hooks):
        folder = self.tenv.config_home / "limber"
        folder.mkdir(mode=0o700, exist_ok=True)
        (folder / "config.toml").write_text("[hooks]\n" + hooks)

    def log(self):
        return self.daemon.stderr_path.read_text(errors="replace") if self.daemon.stderr_path else ""

    def wait_log(self, text, timeout=10):
        return wait_until(lambda: text in self.log(), timeout=timeout, interval=0.05,
                          message=f"{text!r} in limberd's log\n{self.diag()}")

    def test_a_hook_that_succeeds_gets_the_event_in_its_environment(self):
        out = self.tenv.state_dir / "events.jsonl"
        # Each event appends its LIMBER_* variables as one JSON line, and says something.
        dump = (f"/usr/bin/python3 -c 'import json,os; print(json.dumps({{k: v for k, v in os.environ.items() "
                f"if k.startswith(\"LIMBER_\") and k != \"LIMBER_TEST_SAFETY_NOTICE\"}}))' >> {out}; echo hook said $LIMBER_EVENT")
        self.write_config("\n".join(f'{e} = "{dump.replace(chr(34), chr(92) + chr(34))}"'
                                    for e in ("due", "done", "snoozed", "skipped")) + "\n")
        self.start_daemon()
        self.cli_ok("now", "posture")
        self.notifications.wait_for_notify()
        wait_until(lambda: out.exists() and out.read_text().count("\n") >= 1, message="the due hook ran")
        self.cli_ok("snooze", "10m")
        self.cli_ok("now", "routine")
        self.cli_ok("done")
        wait_until(lambda: out.read_text().count("\n") >= 4, message=f"four hooks ran\n{self.diag()}")
        events = [json.loads(line) for line in out.read_text().splitlines()]
        by_event = {}
        for e in events:
            by_event.setdefault(e["LIMBER_EVENT"], []).append(e)
        due = by_event["due"][0]
        self.assertEqual(due["LIMBER_KIND"], "posture")
        self.assertEqual(due["LIMBER_SHOW"], "1")
        self.assertTrue(due["LIMBER_PROMPT_ID"].isdigit())
        self.assertLess(abs(int(due["LIMBER_TIME"]) - time.time()), 60)
        self.assertEqual(by_event["snoozed"][0]["LIMBER_SNOOZE_SECONDS"], "600")
        self.assertEqual(by_event["snoozed"][0]["LIMBER_PROMPT_ID"], due["LIMBER_PROMPT_ID"])
        routine_due = [e for e in by_event["due"] if e["LIMBER_KIND"] == "routine"]
        self.assertTrue(routine_due, events)
        # A routine reminder names the routine it shows.
        self.assertRegex(routine_due[0].get("LIMBER_ROUTINE", ""), r"^[a-z0-9-]+$")
        done = by_event["done"][0]
        self.assertEqual(done["LIMBER_KIND"], "routine")
        self.assertEqual(done["LIMBER_EARLY"], "0")
        # The output goes to limberd's log, and success is not a warning.
        self.wait_log("hook due: hook said due")
        self.assertNotIn("failed with exit status", self.log())

    def test_a_hook_does_not_inherit_limberds_notify_socket(self):
        out = self.tenv.state_dir / "env"
        self.write_config(f'due = "env > {out}"\n')
        self.start_daemon()  # with NOTIFY_SOCKET set, as systemd does
        self.cli_ok("now", "posture")
        wait_until(lambda: out.exists() and "LIMBER_EVENT=due" in out.read_text(), message="the due hook ran")
        names = {line.split("=", 1)[0] for line in out.read_text().splitlines()}
        self.assertIn("XDG_RUNTIME_DIR", names)
        self.assertNotIn("NOTIFY_SOCKET", names)

    def test_a_failing_hook_is_logged_and_the_reminder_still_comes(self):
        self.write_config('due = "echo about to fail >&2; exit 3"\n')
        self.start_daemon()
        self.cli_ok("now", "posture")
        self.notifications.wait_for_notify()
        self.wait_log("hook due: about to fail")
        self.wait_log("hook due failed with exit status 3")
        self.cli_ok("done")
        self.wait_history("done")

    def test_a_hanging_hook_is_killed_and_blocks_nothing(self):
        pids = self.tenv.state_dir / "pids"
        # The hook starts a child of its own that holds the output pipe too: both must go.
        self.write_config(f'due = "sleep 300 & echo $$ $! > {pids}; wait"\ntimeout = "1s"\n')
        self.start_daemon()
        started = time.monotonic()
        self.cli_ok("now", "posture")
        self.notifications.wait_for_notify()
        wait_until(lambda: pids.exists() and len(pids.read_text().split()) == 2, message="the hook started")
        shell, child = (int(p) for p in pids.read_text().split())
        # While it hangs, limberd answers at once and the reminder can be answered.
        self.assertEqual(self.status()["due"]["kind"], "posture")
        self.cli_ok("snooze")
        self.wait_log("hook due still running after 1 s; stopping it")
        self.wait_log("hook due was killed after its time limit")
        wait_until(lambda: not os.path.exists(f"/proc/{shell}") and not os.path.exists(f"/proc/{child}"),
                   message="the hook and its child are gone")
        self.assertLess(time.monotonic() - started, 10)
        self.assertTrue(self.daemon.alive())

    def test_a_guided_step_and_a_missed_reminder_run_their_hooks(self):
        out = self.tenv.state_dir / "events"
        line = f'echo \\"$LIMBER_EVENT $LIMBER_KIND $LIMBER_ROUTINE $LIMBER_STEP/$LIMBER_STEPS\\" >> {out}'
        self.write_config(f'guided_step = "{line}"\nmissed = "{line}"\n'
                          '[reminders]\nreshow_after = "1m"\nreshow_count = 0\n')
        self.daemon.test_scale = 60  # the 1-minute re-show is 1 s
        self.start_daemon()
        self.cli_ok("now", "posture")
        wait_until(lambda: out.exists() and "missed posture" in out.read_text(), timeout=15,
                   message=f"the missed hook\n{self.diag()}")
        status = self.status()
        self.assertIsNone(status["due"])
        self.cli_ok("start")
        guide = self.status()["guide"]
        wait_until(lambda: f"guided_step routine {guide['routine']} 1/{guide['steps']}" in out.read_text(),
                   message=f"the guided_step hook; have {out.read_text()!r}")

    def test_what_a_hook_leaves_running_is_stopped_at_the_time_limit(self):
        pids = self.tenv.state_dir / "pids"
        # The hook itself ends at once; the child it leaves keeps the output open.
        self.write_config(f'due = "sleep 300 & echo $! > {pids}"\ntimeout = "1s"\n')
        self.start_daemon()
        self.cli_ok("now", "posture")
        wait_until(lambda: pids.exists() and pids.read_text().strip(), message="the hook started")
        child = int(pids.read_text())
        self.wait_log("hook due left processes running past its time limit; stopping them")
        wait_until(lambda: not os.path.exists(f"/proc/{child}") or " Z " in open(f"/proc/{child}/stat").read(),
                   message="the child is gone")
        self.cli_ok("done")

    def test_under_landlock_a_hook_set_after_the_start_asks_for_a_restart(self):
        self.start_daemon()  # no hooks: the sandbox lets limberd run no programs
        if (self.status().get("sandbox") or {}).get("state") != "landlock":
            self.skipTest("limberd does not confine itself with Landlock on this kernel")
        ran = self.tenv.state_dir / "ran"
        self.write_config(f'due = "touch {ran}"\n')
        self.cli_ok("reload")
        self.cli_ok("now", "posture")
        self.notifications.wait_for_notify()
        self.wait_log("restart it (systemctl --user restart limber)")
        self.cli_ok("done")
        # After the restart the same hook runs.
        self.daemon.restart()
        self.cli_ok("now", "posture")
        wait_until(ran.exists, message=f"the hook ran after the restart\n{self.diag()}")
        self.assertIn("hooks may run the system's programs", self.log())

    def test_a_hook_config_error_names_the_fix(self):
        self.write_config("due = 3\n")
        rc, out, err = self.cli("config", "check")
        self.assertEqual(rc, 1, out + err)
        self.assertIn("expected a shell command as a string for due", out + err)


if __name__ == "__main__":
    unittest.main()
