"""Day one, end to end: what status says after a snooze, the daily routine as a reminder,
the sound at the end of a timed step, and config show against the running limberd.

LIMBER_TEST_SCALE=60: a 30 s hold ends in half a second, a 5 min snooze in 5 s.
"""

import time
import unittest

import harness
from test_guided import GuidedTestCase, output

harness.require_binaries()
harness.require_commands("dbus-daemon", "dbus-send")
harness.require_python_modules()


class SnoozeInStatus(GuidedTestCase):
    def test_status_says_snoozed_until_and_keeps_the_real_elapsed_time(self):
        self.start_quiet()
        self.cli_ok("now", "posture")
        due_before = self.status()["today"]["due"]
        self.cli_ok("snooze")
        s = self.status()
        posture = next(n for n in s["next"] if n["kind"] == "posture")
        self.assertIsNotNone(posture["snoozed_until"], s["next"])
        # 5 min of scheduler time at 60x: about 5 s of real time from now.
        self.assertLessEqual(abs(posture["snoozed_until"] - (time.time() + 5)), 3, posture)
        self.assertLess(posture["elapsed_seconds"], 120, "no active time invented by 'now' and the snooze")
        self.assertEqual(s["today"]["due"], due_before, "a snoozed reminder stays counted")
        rc, out, err = self.cli("status")
        self.assertIn("Next posture check  snoozed until ", out, output(out, err))
        # It comes back, and the day still counts one reminder.
        self.wait_notify(lambda c: c["args"]["summary"] != "" and "osture" in c["args"]["summary"] + c["args"]["body"],
                         after_seq=self.notifications.last_seq(), timeout=20, message="the posture check again")
        self.assertEqual(self.status()["today"]["due"], due_before)


class DailyReminder(GuidedTestCase):
    def test_the_daily_routine_is_in_status_and_not_today_is_recorded(self):
        now = time.localtime()
        self.start_quiet(f'\n[daily_routine]\nenabled = true\nat = "{now.tm_hour:02d}:{now.tm_min:02d}"\n')
        offer = self.wait_notify(self.summary_starts("Daily routine: "), message="the daily offer")
        self.assertTrue({"start", "snooze", "skip"} <= set(offer["action_keys"]), offer["action_keys"])
        daily = self.status()["daily"]
        self.assertEqual(daily["routine"], "daily-upper-back-standing")
        rc, out, err = self.cli("status")
        self.assertIn("Daily routine: Daily upper-back routine (standing), offered at", out, output(out, err))
        self.notifications.invoke(offer["id"], "skip")
        entry = self.wait_history("skipped")[-1]
        self.assertEqual((entry.get("reason"), entry.get("routine")), ("daily", "daily-upper-back-standing"), entry)
        self.assertIsNone(self.status()["daily"])
        rc, out, err = self.cli("history")
        self.assertIn("daily routine skipped (not today) (daily-upper-back-standing)", out, output(out, err))

    def test_snooze_and_skip_from_the_cli_answer_it(self):
        now = time.localtime()
        self.start_quiet(f'\n[daily_routine]\nenabled = true\nat = "{now.tm_hour:02d}:{now.tm_min:02d}"\n')
        self.wait_notify(self.summary_starts("Daily routine: "), message="the daily offer")
        out = self.cli_ok("snooze", "1m")
        self.assertIn("daily routine snoozed for 1 min", out)
        self.assertIsNotNone(self.status()["daily"]["snoozed_until"])
        seq = self.notifications.last_seq()
        self.wait_notify(self.summary_starts("Daily routine: "), after_seq=seq, timeout=15,
                         message="the daily routine back after its snooze")
        out = self.cli_ok("skip")
        self.assertIn("daily routine skipped for today", out)
        s = self.status()
        self.assertEqual((s["today"]["due"], s["today"]["snoozed"], s["today"]["skipped"]), (1, 1, 1), s["today"])


class SoundOnServersThatPlayThem(GuidedTestCase):
    fake_capabilities = ["actions", "body", "sound"]

    def test_a_hold_that_ends_and_the_routine_done_ask_for_a_sound(self):
        self.start_quiet()
        self.cli_ok("start", "doorway-opener")
        first = self.wait_notify(self.step(1, 5), message="the first step")
        self.assertNotIn("sound-name", first["args"]["hints"])
        second = self.wait_notify(self.step(2, 5), timeout=15, message="step 2 after the hold")
        self.assertEqual(second["args"]["hints"].get("sound-name"), "complete", second["args"]["hints"])
        self.wait_notify(self.step(5, 5), timeout=15, message="step 5")
        seq = self.notifications.last_seq()
        self.cli_ok("next")
        done = self.wait_notify(self.summary_starts("Done: "), after_seq=seq, message="the done message")
        self.assertEqual(done["args"]["hints"].get("sound-name"), "complete")

    def test_sound_false_is_quiet(self):
        self.start_quiet("\n[notifications]\nsound = false\n")
        self.cli_ok("start", "doorway-opener")
        second = self.wait_notify(self.step(2, 5), timeout=15, message="step 2 after the hold")
        self.assertNotIn("sound-name", second["args"]["hints"])


class NoSoundWithoutTheCapability(GuidedTestCase):
    def test_servers_without_sound_get_no_sound_hint(self):
        self.start_quiet()
        self.cli_ok("start", "doorway-opener")
        second = self.wait_notify(self.step(2, 5), timeout=15, message="step 2 after the hold")
        self.assertNotIn("sound-name", second["args"]["hints"])


class ConfigShowAgainstTheDaemon(GuidedTestCase):
    def test_an_edit_without_a_reload_is_named_as_not_in_effect(self):
        self.start_quiet()
        rc, out, err = self.cli("config", "show")
        self.assertEqual(rc, 0, output(out, err))
        self.assertIn(f"# limberd (pid {self.daemon.pid}) runs on these.", out)
        self.write_config("[reminders]\nsnooze_limit = 1\n")
        rc, out, err = self.cli("config", "show")
        self.assertEqual(rc, 0, output(out, err))
        self.assertIn("changed after limberd", err)
        self.assertIn("'limber reload' applies these", err)
        self.cli_ok("reload")
        rc, out, err = self.cli("config", "show")
        self.assertIn("runs on these.", out, output(out, err))
        self.assertEqual(err, "")


if __name__ == "__main__":
    unittest.main()
