"""`limber doctor`: healthy, and each fault that can be made here: no notification server,
no limberd, a bad config file, no idle source, GNOME's own break reminders on (a real
gsettings with the schema compiled into a temp folder), and, through a stand-in systemctl
that answers as a user manager would, the unit failed, not enabled, and an environment
without the display."""

import json
import os
import subprocess
import unittest

import shutil as _shutil

from harness import (DaemonTestCase, Dunst, PrivateBus, Xvfb, require_binaries, require_commands,
                     require_python_modules)
from test_idle import FakeService


def setUpModule():
    require_binaries()
    require_commands("dbus-daemon", "busctl")
    require_python_modules()


BREAKS_SCHEMA = """<?xml version="1.0" encoding="UTF-8"?>
<schemalist>
  <schema id="org.gnome.desktop.break-reminders" path="/org/gnome/desktop/break-reminders/">
    <key name="selected-breaks" type="as"><default>[]</default></key>
  </schema>
</schemalist>
"""

FAKE_SYSTEMCTL = """#!/bin/sh
# Answers as a user manager would, from files the test writes.
case "$*" in
  *show-environment*) cat "{dir}/environment" ;;
  *show*) cat "{dir}/unit" ;;
  *) exit 1 ;;
esac
"""


class DoctorBase(DaemonTestCase):
    """A private world with a system bus for the fake logind; helpers, no tests."""

    def setUp(self):
        super().setUp()
        self.system_bus = PrivateBus(self.tenv, name="system").start()
        self.addCleanup(self.system_bus.stop)
        self.daemon.extra_env["DBUS_SYSTEM_BUS_ADDRESS"] = self.system_bus.address
        self.login = None
        self.extra_env = {}

    def start_logind(self):
        self.login = FakeService(self.tenv, "logind", "logind.py", ["--address", self.system_bus.address],
                                 self.tenv.env, self.system_bus.address,
                                 ("org.limber.TestLogind", "/org/limber/TestLogind")).start()
        self.addCleanup(self.login.stop)

    def doctor(self):
        env = dict(self.bus.env, DBUS_SYSTEM_BUS_ADDRESS=self.system_bus.address, **self.extra_env)
        rc, out, err = self.tenv.cli("doctor", "--json", env=env, timeout=30)
        try:
            report = json.loads(out)
        except ValueError:
            self.fail(f"doctor --json printed no JSON (exit {rc}):\n{out}\n{err}")
        self.assertEqual(rc, 0 if report["ok"] else 1, out)
        for c in report["checks"]:
            self.assertEqual(set(c), {"name", "status", "summary", "fix"}, c)
            self.assertIn(c["status"], ("ok", "warn", "fail"))
            if c["status"] == "fail":
                self.assertTrue(c["fix"], c)
        text_rc, text, _ = self.tenv.cli("doctor", env=env, timeout=30)
        self.assertEqual(text_rc, rc)
        self.assertEqual(text.count("\n"), len(report["checks"]) + 1
                         + sum(1 for c in report["checks"] if c["fix"] and c["status"] != "ok"), text)
        return rc, {c["name"]: c for c in report["checks"]}

    def failed(self, checks):
        return sorted(name for name, c in checks.items() if c["status"] == "fail")

    def healthy(self):
        self.start_logind()
        self.start_daemon()

    def fake_systemctl(self, unit, environment):
        folder = self.tenv.path("fakebin")
        folder.mkdir(exist_ok=True)
        (folder / "unit").write_text(unit)
        (folder / "environment").write_text(environment)
        script = folder / "systemctl"
        script.write_text(FAKE_SYSTEMCTL.format(dir=folder))
        script.chmod(0o755)
        self.extra_env["PATH"] = f"{folder}:{os.environ.get('PATH', '/usr/bin:/bin')}"


class Doctor(DoctorBase):
    def test_healthy(self):
        self.healthy()
        rc, checks = self.doctor()
        self.assertEqual(rc, 0, checks)
        self.assertEqual(self.failed(checks), [])
        n = checks["notifications"]
        self.assertEqual(n["status"], "ok")
        self.assertIn("capabilities: actions body body-markup persistence", n["summary"])
        self.assertIn("buttons Done, Snooze, Skip and Start", n["summary"])
        self.assertEqual(checks["daemon"]["status"], "ok")
        self.assertIn("logind_idle", checks["idle"]["summary"])
        self.assertIn("lock", checks["idle"]["summary"])
        self.assertEqual(checks["config"]["status"], "ok")
        self.assertEqual(checks["state"]["status"], "ok")
        # No user manager here: said, not failed.
        self.assertEqual(checks["unit"]["status"], "warn")

    def test_no_notification_server(self):
        self.notifications.stop()
        self.healthy()
        rc, checks = self.doctor()
        self.assertEqual((rc, self.failed(checks)), (1, ["notifications"]))
        self.assertIn("notify-send", checks["notifications"]["fix"])

    def test_no_daemon(self):
        self.start_logind()
        rc, checks = self.doctor()
        self.assertEqual(rc, 1)
        self.assertIn("daemon", self.failed(checks))
        self.assertIn("systemctl --user start limber", checks["daemon"]["fix"])
        self.assertIn("cannot reach limberd", checks["daemon"]["summary"])

    def test_bad_config(self):
        self.healthy()
        config = self.tenv.config_home / "limber" / "config.toml"
        config.parent.mkdir(mode=0o700, exist_ok=True)
        config.write_text("[posture]\ninterval_min = 30\n")
        rc, checks = self.doctor()
        self.assertEqual((rc, self.failed(checks)), (1, ["config"]))
        self.assertIn("config.toml:2:16", checks["config"]["summary"])
        self.assertIn("limber config check", checks["config"]["fix"])

    def test_no_idle_source(self):
        self.start_daemon()  # no logind on the system bus
        rc, checks = self.doctor()
        self.assertEqual((rc, self.failed(checks)), (1, ["idle"]))
        self.assertIn("no idle or lock source is live", checks["idle"]["summary"])

    def test_gnome_break_reminders_on(self):
        require_commands("gsettings", "glib-compile-schemas")
        schemas = self.tenv.path("schemas")
        schemas.mkdir()
        (schemas / "org.gnome.desktop.break-reminders.gschema.xml").write_text(BREAKS_SCHEMA)
        subprocess.run(["glib-compile-schemas", str(schemas)], check=True)
        self.extra_env.update(GSETTINGS_SCHEMA_DIR=str(schemas), GSETTINGS_BACKEND="keyfile")
        self.healthy()
        rc, checks = self.doctor()
        self.assertEqual(checks["gnome-breaks"]["status"], "ok")
        self.assertIn("off", checks["gnome-breaks"]["summary"])
        subprocess.run(["gsettings", "set", "org.gnome.desktop.break-reminders", "selected-breaks", "['movement']"],
                       env=dict(self.tenv.env, **self.extra_env), check=True)
        rc, checks = self.doctor()
        self.assertEqual((rc, self.failed(checks)), (1, ["gnome-breaks"]))
        self.assertIn("selected-breaks \"[]\"", checks["gnome-breaks"]["fix"])

    def test_unit_failed_and_environment_not_imported(self):
        self.healthy()
        self.fake_systemctl("LoadState=loaded\nUnitFileState=enabled\nActiveState=failed\nSubState=failed\n"
                            "Result=watchdog\nMainPID=0\n",
                            "HOME=/home/x\nDBUS_SESSION_BUS_ADDRESS=unix:path=/run/user/1000/bus\n")
        rc, checks = self.doctor()
        self.assertEqual((rc, self.failed(checks)), (1, ["environment", "unit"]))
        self.assertIn("failed (watchdog)", checks["unit"]["summary"])
        self.assertIn("journalctl --user -u limber", checks["unit"]["fix"])
        self.assertIn("WAYLAND_DISPLAY or DISPLAY", checks["environment"]["summary"])
        self.assertIn("dbus-update-activation-environment --systemd", checks["environment"]["fix"])

    def test_unit_not_enabled_then_healthy_under_a_manager(self):
        self.healthy()
        env = "DBUS_SESSION_BUS_ADDRESS=unix:path=/run/user/1000/bus\nWAYLAND_DISPLAY=wayland-1\n"
        self.fake_systemctl("LoadState=loaded\nUnitFileState=disabled\nActiveState=inactive\nSubState=dead\n", env)
        rc, checks = self.doctor()
        self.assertEqual(self.failed(checks), ["unit"])
        self.assertEqual(checks["unit"]["fix"], "systemctl --user enable --now limber")
        self.assertEqual(checks["environment"]["status"], "ok")
        self.fake_systemctl("LoadState=not-found\n", env)
        rc, checks = self.doctor()
        self.assertIn("not installed", checks["unit"]["summary"])
        self.fake_systemctl("LoadState=loaded\nUnitFileState=enabled\nActiveState=active\nSubState=running\n"
                            f"MainPID={self.daemon.pid}\n", env)
        rc, checks = self.doctor()
        self.assertEqual(checks["unit"]["status"], "ok")
        status = json.loads(self.tenv.cli("status", "--json")[1])
        if (status.get("sandbox") or {}).get("state") == "landlock":
            # limberd confines itself: that is the sandbox, whatever started it.
            self.assertEqual(self.failed(checks), [])
            self.assertIn("limberd confines itself (Landlock ABI", checks["sandbox"]["summary"])
        else:
            # Said to be the unit's process, yet not sandboxed at all: that is a fault.
            self.assertEqual(self.failed(checks), ["sandbox"])


class DoctorWithDunst(DoctorBase):
    """The real notification server: dunst under Xvfb."""
    fake = False

    def test_dunst_is_named_with_its_capabilities(self):
        missing = [t for t in ("Xvfb", "dunst") if _shutil.which(t) is None]
        if missing:
            self.skipTest("missing " + ", ".join(missing) + " (Debian: xvfb dunst)")
        x = Xvfb(self.tenv).start()
        self.addCleanup(x.stop)
        dunst = Dunst(self.tenv, self.bus, x).start()
        self.addCleanup(dunst.stop)
        self.healthy()
        rc, checks = self.doctor()
        self.assertEqual((rc, self.failed(checks)), (0, []))
        summary = checks["notifications"]["summary"]
        self.assertRegex(summary, r"^dunst \d+\.\d+")
        self.assertIn("actions", summary)
        self.assertIn("a click snoozes; Done, Skip and Start from dunst's context menu", summary)


if __name__ == "__main__":
    unittest.main()
