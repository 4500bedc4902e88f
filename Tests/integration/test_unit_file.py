"""systemd/limber.service: systemd's own checks, plus the settings the design relies on.

`systemd-analyze verify` exits 0 even for unknown keys and typos, so any stderr fails the
test. It also checks that ExecStart= is executable, so the unit is checked as installed:
copied to a temp folder as limber.service with @BINDIR@ replaced (by the built limberd's
folder, or a stub when it is not built yet). `systemd-analyze security` needs
XDG_RUNTIME_DIR for --user and exits 0 even when it fails, so its score line is required.
"""

import os
import re
import subprocess
import unittest

import harness

UNIT = harness.REPO / "systemd" / "limber.service"
# 6.0 on systemd 252: the options that would lower it need a user namespace (see below and
# README, "Sandbox"); limberd confines its file access itself with Landlock instead.
MAX_EXPOSURE = 6.0

# Options that need a user namespace in a user unit: where unprivileged user namespaces are
# unavailable they fail the start (217/USER, 218/CAPABILITIES), or systemd 252 silently skips
# them and newer systemd turns them into an implicit PrivateUsers=yes.
NEEDS_USER_NAMESPACE = [
    "PrivateUsers", "CapabilityBoundingSet", "AmbientCapabilities", "PrivateDevices", "ProtectKernelModules",
    "ProtectKernelLogs", "ProtectClock", "ProtectSystem", "ProtectHome", "ReadWritePaths", "ReadOnlyPaths",
    "InaccessiblePaths", "TemporaryFileSystem", "BindPaths", "BindReadOnlyPaths", "PrivateTmp", "PrivateIPC",
    "PrivateMounts", "PrivateNetwork", "ProtectHostname", "ProtectKernelTunables", "ProtectControlGroups",
    "ProtectProc", "ProcSubset", "MountAPIVFS", "RootDirectory", "RootImage", "DynamicUser",
]
# What works without one (seccomp, no_new_privs, the keyring, the umask) and must stay.
PORTABLE_HARDENING = {
    "NoNewPrivileges": "yes", "RestrictNamespaces": "yes", "RestrictRealtime": "yes",
    "RestrictSUIDSGID": "yes", "LockPersonality": "yes", "MemoryDenyWriteExecute": "yes",
    "SystemCallArchitectures": "native", "KeyringMode": "private", "UMask": "0077",
    "SystemCallErrorNumber": "EPERM",
}


def parse_unit(text):
    """{section: [(key, value), ...]} keeping repeated keys, as systemd does."""
    sections, current = {}, None
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line[0] in "#;":
            continue
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1], [])
            continue
        key, _, value = line.partition("=")
        current.append((key.strip(), value.strip()))
    return sections


class UnitFile(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        harness.require_commands("systemd-analyze")
        cls.text = UNIT.read_text()
        cls.unit = parse_unit(cls.text)

    def setUp(self):
        self.tenv = harness.TempEnv("unit")
        self.addCleanup(self.tenv.cleanup)

    def installed_copy(self, extra=""):
        """The unit as `make install` writes it, in a temp folder; returns its path."""
        if os.path.isfile(harness.LIMBERD) and os.path.basename(harness.LIMBERD) == "limberd":
            bindir = os.path.dirname(harness.LIMBERD)
        else:
            bindir = self.tenv.path("bin")
            bindir.mkdir()
            stub = bindir / "limberd"
            stub.write_text("#!/bin/sh\nexit 0\n")
            stub.chmod(0o755)
        folder = self.tenv.path("unit")
        folder.mkdir()
        path = folder / "limber.service"
        path.write_text(self.text.replace("@BINDIR@", str(bindir)) + extra)
        return path

    def analyze(self, *args, path):
        r = subprocess.run(["systemd-analyze", *args, str(path)], env=self.tenv.env,
                           capture_output=True, text=True, timeout=60, cwd=path.parent)
        return r.returncode, r.stdout, r.stderr

    def values(self, section, key):
        return [v for k, v in self.unit.get(section, []) if k == key]

    def value(self, section, key):
        vs = self.values(section, key)
        self.assertEqual(len(vs), 1, f"[{section}] {key}= should be set once: {vs}")
        return vs[0]

    def test_verify_is_silent(self):
        rc, out, err = self.analyze("verify", "--user", path=self.installed_copy())
        self.assertEqual(rc, 0, err)
        self.assertEqual(err, "", "systemd-analyze verify complained")

    def test_verify_check_catches_bad_keys(self):
        # The check above is only worth something if a typo makes noise.
        rc, out, err = self.analyze("verify", "--user",
                                    path=self.installed_copy("\n[Service]\nWatchdogSecs=1\n"))
        self.assertIn("Unknown key", err)

    def test_security_exposure(self):
        rc, out, err = self.analyze("security", "--offline=true", "--user",
                                    path=self.installed_copy())
        m = re.search(r"Overall exposure level for limber\.service: (\d+\.\d+)", out)
        self.assertIsNotNone(m, f"no exposure score; rc={rc}\n{out}\n{err}")
        score = float(m.group(1))
        self.assertLessEqual(score, MAX_EXPOSURE, out)

    def test_template_is_only_bindir(self):
        self.assertEqual(self.values("Service", "ExecStart"), ["@BINDIR@/limberd"])
        self.assertEqual(set(re.findall(r"@[A-Z_]+@", self.text)), {"@BINDIR@"},
                         "make install substitutes @BINDIR@ only")

    def test_service_settings(self):
        self.assertEqual(self.value("Service", "Type"), "notify")
        self.assertRegex(self.value("Service", "ExecReload"), r"kill (-s )?-?HUP \$MAINPID$")
        self.assertRegex(self.value("Service", "WatchdogSec"), r"^\d+s?$")
        self.assertEqual(self.value("Service", "Restart"), "on-failure")
        self.assertIn("78", self.value("Service", "RestartPreventExitStatus").split(),
                      "EX_CONFIG (78): a bad config must not restart in a loop")
        self.assertIn("SWIFT_BACKTRACE=enable=no", self.values("Service", "Environment"))
        self.assertEqual(self.value("Service", "RuntimeDirectory"), "limber")
        self.assertEqual(self.value("Service", "RuntimeDirectoryMode"), "0700")
        # limberd needs only AF_UNIX: session bus, journald, sd_notify, its control socket.
        self.assertEqual(self.value("Service", "RestrictAddressFamilies"), "AF_UNIX")

    def test_nothing_needs_a_user_namespace(self):
        present = [k for k in NEEDS_USER_NAMESPACE if self.values("Service", k)]
        self.assertEqual(present, [], "these fail or are skipped where user namespaces are unavailable")
        # No ExecStartPre=+ either: the state folder is limberd's to create (XDG_STATE_HOME may
        # point anywhere), and nothing needs to run outside the unit's settings.
        self.assertEqual(self.values("Service", "ExecStartPre"), [])

    def test_portable_hardening_kept(self):
        for key, expected in PORTABLE_HARDENING.items():
            self.assertEqual(self.value("Service", key), expected, key)
        filters = self.values("Service", "SystemCallFilter")
        self.assertIn("@system-service", filters)
        self.assertIn("~@privileged", filters)
        # limberd's Landlock self-sandbox must not be filtered out (systemd 252's
        # @system-service does not list these calls).
        allowed = " ".join(f for f in filters if not f.startswith("~")).split()
        for call in ("landlock_create_ruleset", "landlock_add_rule", "landlock_restrict_self"):
            self.assertIn(call, allowed)

    def test_session_wiring(self):
        self.assertIn("graphical-session.target", self.values("Unit", "PartOf"))
        self.assertIn("graphical-session.target", self.values("Unit", "After"))
        self.assertIn("graphical-session.target", self.values("Install", "WantedBy"))


if __name__ == "__main__":
    unittest.main()


AUTOSTART = harness.REPO / "systemd" / "limber-autostart.desktop"


class AutostartEntry(unittest.TestCase):
    """systemd/limber-autostart.desktop: valid, and it starts the unit with the session's
    variables handed to the user manager (test_user_manager.py runs it for real)."""

    @classmethod
    def setUpClass(cls):
        cls.entry = dict(parse_unit(AUTOSTART.read_text())["Desktop Entry"])

    def test_validates(self):
        harness.require_commands("desktop-file-validate")
        r = subprocess.run(["desktop-file-validate", str(AUTOSTART)], capture_output=True, text=True, timeout=30)
        self.assertEqual((r.returncode, r.stdout + r.stderr), (0, ""))

    def test_starts_the_unit_with_the_session_environment(self):
        exec_line = self.entry["Exec"]
        self.assertTrue(exec_line.endswith('exec systemctl --user start limber.service"'), exec_line)
        imported = re.search(r"systemctl --user import-environment ([A-Z_ ]+);", exec_line)
        self.assertIsNotNone(imported, exec_line)
        for var in ("DISPLAY", "WAYLAND_DISPLAY", "DBUS_SESSION_BUS_ADDRESS", "XDG_CURRENT_DESKTOP"):
            self.assertIn(var, imported.group(1).split())

    def test_systemd_sessions_skip_it(self):
        # GNOME and KDE start limber through graphical-session.target already.
        self.assertEqual(self.entry.get("X-GNOME-HiddenUnderSystemd"), "true")
        self.assertEqual(self.entry.get("X-systemd-skip"), "true")
        self.assertEqual(self.entry.get("Type"), "Application")
