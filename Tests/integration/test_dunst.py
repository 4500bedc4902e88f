"""Real tier: limberd with a real notification server, dunst under Xvfb, on a private bus.

dunst 1.9 facts these tests lean on are in harness.Dunst's docstring; the one that matters
most for limberd: dunst does not take a notification off screen when an action is invoked,
so limberd has to close it (CloseNotification) once it has handled the answer.
"""

import time

import harness
from harness import DaemonTestCase, Dunst, Xvfb, wait_until

harness.require_binaries()
harness.require_commands("dbus-daemon", "dbus-send", "Xvfb", "dunst", "dunstctl", "busctl")


class WithDunst(DaemonTestCase):
    fake = False

    def setUp(self):
        super().setUp()
        self.x = Xvfb(self.tenv).start()
        self.addCleanup(self.x.stop)
        self.dunst = Dunst(self.tenv, self.bus, self.x).start()
        self.addCleanup(self.dunst.stop)
        self.start_daemon()

    def displayed(self, n, message):
        try:
            wait_until(lambda: self.dunst.count_displayed() == n, timeout=10, message=message)
        except AssertionError as e:
            self.fail(f"{e} (dunst shows {self.dunst.count_displayed()})\n{self.diag()}")

    def show_posture(self):
        self.cli_ok("now", "posture")
        self.displayed(1, "dunst to display the posture check")
        return self.wait_status(lambda s: s.get("notifications") == "available",
                                message="notifications: available")

    def diag(self):
        try:
            counts = {w: self.dunst.count(w) for w in ("displayed", "waiting", "history")}
        except Exception as e:  # dunst itself may be the problem
            counts = repr(e)
        return (f"{super().diag()}\n--- dunst counts: {counts}\n--- dunst log:\n"
                f"{harness.tail(self.dunst.log, 20)}")

    def test_now_posture_is_displayed_with_its_actions(self):
        self.show_posture()
        # The context menu lists every action of what is displayed: check ours are there.
        self.dunst.choice.write_text("no-such-line\n")
        self.dunst.ctl("context")
        offered = wait_until(lambda: self.dunst.input.exists() and self.dunst.input.read_text(),
                             timeout=5, message="dunst's context menu")
        for key in ("done", "snooze", "skip"):
            self.assertIn(f",{key}]", offered, f"dunst offers no '{key}' action:\n{offered}")

    def test_snooze_through_the_context_menu(self):
        self.show_posture()
        picked = self.dunst.invoke_action("snooze")
        self.assertTrue(picked.endswith(",snooze]"), picked)
        s = self.wait_status(lambda s: s.get("due") is None, message="nothing due after snooze")
        self.assertEqual(s["today"]["snoozed"], 1, s["today"])

    def test_snooze_through_the_context_menu_clears_the_screen(self):
        # dunst 1.9 leaves a notification up after an action: limberd must close it.
        self.show_posture()
        self.dunst.invoke_action("snooze")
        self.displayed(0, "the snoozed posture check to leave the screen")

    def test_done_from_the_cli_clears_the_screen(self):
        self.show_posture()
        self.cli_ok("done")
        self.displayed(0, "the posture check to leave the screen after 'limber done'")
        self.assertEqual(self.dunst.count("history"), 1)
        self.assertIsNone(self.status().get("due"))

    def test_reshow_replaces_in_place(self):
        self.show_posture()
        self.cli_ok("now", "posture")  # already due: shown again, in place
        time.sleep(1)  # proves nothing happens: no second popup and nothing closed
        self.assertEqual((self.dunst.count_displayed(), self.dunst.count("history")), (1, 0),
                         "(displayed, closed): a re-show replaces the notification in place")
