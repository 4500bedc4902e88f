"""limberd's own Landlock sandbox: once started it can write only in its state and runtime
folders, and still does everything it is for (notifications, history, reload of a config
file created after it started).

The refusal is shown with a debug-build testing aid, LIMBER_TEST_SANDBOX_PROBE=PATH: right
after confining itself limberd tries to create PATH and logs whether it could. A control
test with LIMBER_SANDBOX=off shows the same probe succeeding, so the check can fail.
Skipped (with the reason) on a kernel without Landlock.
"""

import ctypes
import errno
import os
import unittest

import harness
from harness import DaemonTestCase, wait_until

harness.require_binaries()
harness.require_commands("dbus-daemon", "dbus-send")
harness.require_python_modules()

NR_LANDLOCK_CREATE_RULESET = 444  # the same number on every architecture


def landlock_abi():
    """The kernel's Landlock ABI version, or (None, reason)."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.syscall.restype = ctypes.c_long
    r = libc.syscall(ctypes.c_long(NR_LANDLOCK_CREATE_RULESET), None, ctypes.c_size_t(0), ctypes.c_uint32(1))
    if r >= 1:
        return r, None
    return None, f"this kernel has no usable Landlock ({errno.errorcode.get(ctypes.get_errno(), ctypes.get_errno())})"


ABI, WHY_NOT = landlock_abi()


class SandboxTestCase(DaemonTestCase):
    def start_with_probe(self, **env):
        self.outside = self.tenv.path("outside")
        self.outside.mkdir()
        self.probe = self.outside / "written-by-limberd"
        self.daemon.extra_env.update({"LIMBER_TEST_SANDBOX_PROBE": str(self.probe), **env})
        self.start_daemon()

    def probe_line(self):
        text = self.daemon.stderr_path.read_text(errors="replace")
        lines = [l for l in text.splitlines() if "testing aid: creating" in l]
        self.assertEqual(len(lines), 1, f"one probe line expected in limberd's log:\n{text}")
        return lines[0]


@unittest.skipIf(ABI is None, WHY_NOT)
class Confined(SandboxTestCase):
    def test_write_outside_is_refused_and_limberd_still_works(self):
        self.start_with_probe()
        self.assertIn(f"creating {self.probe}: refused, errno {errno.EACCES}", self.probe_line())
        self.assertFalse(self.probe.exists(), "limberd wrote outside its folders")

        status = self.status()
        sandbox = status.get("sandbox")
        self.assertEqual(sandbox["state"], "landlock", status)
        self.assertEqual(sandbox["abi"], min(ABI, 5))
        self.assertIsNone(sandbox["problem"])
        self.assertEqual(sandbox["writable"], [str(self.tenv.state_dir), str(self.tenv.runtime_dir / "limber")])

        # What it is for still works under the sandbox: a notification, an answer in history.
        self.cli_ok("now", "posture")
        self.notifications.wait_for_notify()
        self.cli_ok("done")
        self.wait_history("done")

    def test_config_created_after_start_is_read_on_reload(self):
        # No config folder at start: limberd allows reads of the nearest folder that exists,
        # so 'limber config init' (or an editor) can create it later.
        self.assertFalse((self.tenv.config_home / "limber").exists())
        self.start_with_probe()
        config = self.tenv.config_home / "limber" / "config.toml"
        config.parent.mkdir()
        config.write_text('[posture]\ninterval_min = "3h"\ninterval_max = "3h"\n')
        self.cli_ok("reload")
        status = self.wait_status(lambda s: s.get("config_path") == str(config), message="config read on reload")
        self.assertEqual(status["sandbox"]["state"], "landlock")


    def test_config_linked_into_a_dotfiles_folder_is_read_on_reload(self):
        dotfiles = self.tenv.home / "dotfiles"
        dotfiles.mkdir()
        real = dotfiles / "limber.toml"
        real.write_text('[posture]\ninterval_min = "3h"\ninterval_max = "3h"\n')
        link = self.tenv.config_home / "limber" / "config.toml"
        link.parent.mkdir()
        link.symlink_to(real)
        self.start_with_probe()
        # An edit of the real file (an editor replaces it), then a reload: limberd reads it
        # through the link, which the sandbox allows because it named the real folder too.
        tmp = dotfiles / "limber.toml.new"
        tmp.write_text('[posture]\ninterval_min = "2h"\ninterval_max = "2h"\n[reminders]\nsnooze_default = "7m"\n')
        tmp.replace(real)
        out = self.cli_ok("reload")
        self.assertIn("reloaded", out)
        self.assertNotIn("Permission denied", self.daemon.stderr_path.read_text(errors="replace"))


class Control(SandboxTestCase):
    def test_probe_writes_when_the_sandbox_is_off(self):
        self.start_with_probe(LIMBER_SANDBOX="off")
        self.assertIn(f"creating {self.probe}: allowed", self.probe_line())
        self.assertTrue(self.probe.exists())
        sandbox = self.status()["sandbox"]
        self.assertEqual(sandbox["state"], "off")
        self.assertEqual(sandbox["writable"], [])


if __name__ == "__main__":
    unittest.main()
