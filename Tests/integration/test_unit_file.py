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
MAX_EXPOSURE = 2.0


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

    def test_state_folder_stays_writable(self):
        # systemd 252 resolves %S to $XDG_CONFIG_HOME in user units, so the state folder is
        # named by path (the XDG default), and created before the sandbox needs it.
        rw = " ".join(self.values("Service", "ReadWritePaths")).split()
        self.assertIn("%h/.local/state/limber", rw)
        pre = self.values("Service", "ExecStartPre")
        self.assertTrue(any(p.startswith("+") and "%h/.local/state/limber" in p for p in pre),
                        f"the state folder must be created outside the sandbox first: {pre}")

    def test_session_wiring(self):
        self.assertIn("graphical-session.target", self.values("Unit", "PartOf"))
        self.assertIn("graphical-session.target", self.values("Unit", "After"))
        self.assertIn("graphical-session.target", self.values("Install", "WantedBy"))


if __name__ == "__main__":
    unittest.main()
