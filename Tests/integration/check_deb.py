"""The Debian package (build-support/deb.sh) built from the release binaries: its contents
and Depends, an install with dpkg into a scratch root, the installed binaries running with
no Swift toolchain's libraries, and lintian without errors.

Run by `make build-checks` (part of `make test`) after the release build, with RELEASE_DIR
naming it: `cd Tests/integration && RELEASE_DIR=../../.build/release python3 -m unittest check_deb`.
Not named test_*.py: the integration tier runs before the release build exists.
"""

import os
import shutil
import subprocess
import tempfile
import unittest
from pathlib import Path

from harness import REPO, SYSTEM_PYTHON

RELEASE = Path(os.environ.get("RELEASE_DIR", REPO / ".build/release"))


def run(*argv, **kw):
    return subprocess.run([str(a) for a in argv], capture_output=True, text=True, **kw)


class DebianPackage(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        for b in ("limber", "limberd"):
            if not (RELEASE / b).is_file():
                raise unittest.SkipTest(f"release binaries not built at {RELEASE}; run make release")
        missing = [t for t in ("dpkg-deb", "dpkg-shlibdeps", "strip") if shutil.which(t) is None]
        if missing:
            raise unittest.SkipTest("missing " + ", ".join(missing) + " (Debian: dpkg-dev binutils)")
        cls.work = Path(tempfile.mkdtemp(prefix="limber-deb-test."))
        docs = cls.work / "docs"
        r = run(SYSTEM_PYTHON, REPO / "build-support/manpages.py", "--limber", RELEASE / "limber",
                "--limberd", RELEASE / "limberd", "--config", REPO / "config/limber.toml", "--out", docs, timeout=120)
        assert r.returncode == 0, r.stderr
        # A maintainer lintian accepts, whatever git says on the machine (a fresh CI clone has none).
        env = dict(os.environ, DEBFULLNAME="limber test", DEBEMAIL="limber-test@example.org")
        r = run(REPO / "build-support/deb.sh", RELEASE, docs, cls.work / "out", timeout=600, env=env)
        assert r.returncode == 0, r.stderr
        cls.deb = Path(r.stdout.strip().splitlines()[-1])

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.work, ignore_errors=True)

    def field(self, name):
        return run("dpkg-deb", "-f", self.deb, name).stdout.strip()

    def test_control_fields_and_depends(self):
        self.assertEqual(self.field("Package"), "limber")
        self.assertEqual(self.field("Architecture"), run("dpkg", "--print-architecture").stdout.strip())
        depends = [d.strip().split()[0] for d in self.field("Depends").split(",")]
        # Computed from what the binaries link: libnotify and libsystemd, never Swift's runtime.
        self.assertIn("libnotify4", depends)
        self.assertIn("libsystemd0", depends)
        self.assertFalse([d for d in depends if "swift" in d], depends)

    def test_contents(self):
        listing = run("dpkg-deb", "-c", self.deb).stdout
        for path in ("./usr/bin/limber", "./usr/bin/limberd", "./usr/lib/systemd/user/limber.service",
                     "./usr/share/man/man1/limber.1.gz", "./usr/share/man/man1/limberd.1.gz",
                     "./usr/share/man/man5/limber.toml.5.gz", "./usr/share/bash-completion/completions/limber",
                     "./usr/share/zsh/vendor-completions/_limber", "./usr/share/fish/vendor_completions.d/limber.fish",
                     "./usr/share/doc/limber/copyright", "./usr/share/doc/limber/changelog.Debian.gz",
                     "./usr/share/doc/limber/limber.toml"):
            self.assertIn(" " + path + "\n", listing)
        for line in listing.splitlines():
            self.assertIn(" root/root ", line, line)

    def test_install_into_a_scratch_root(self):
        root = self.work / "root"
        for d in ("var/lib/dpkg/info", "var/lib/dpkg/updates", "var/lib/dpkg/triggers"):
            (root / d).mkdir(parents=True, exist_ok=True)
        (root / "var/lib/dpkg/status").touch()
        args = ["dpkg", f"--root={root}", "--log=/dev/null", "--force-depends", "--force-script-chrootless"]
        if os.getuid() != 0:
            args.append("--force-not-root")
        r = run(*args, "-i", self.deb)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        status = run("dpkg-query", f"--admindir={root}/var/lib/dpkg", "-W", "-f=${Status}", "limber").stdout
        self.assertEqual(status, "install ok installed")
        unit = (root / "usr/lib/systemd/user/limber.service").read_text()
        self.assertIn("ExecStart=/usr/bin/limberd\n", unit)
        self.assertNotIn("@BINDIR@", unit)
        # The binaries run from the scratch root with the system's libraries only.
        env = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}
        for b in ("limber", "limberd"):
            r = run(root / "usr/bin" / b, "--version", env=env)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertRegex(r.stdout, r"^limberd? \d")
            libs = run("ldd", root / "usr/bin" / b).stdout
            self.assertNotIn("swift", libs.lower(), libs)
        r = run("dpkg", f"--root={root}", "--log=/dev/null", *(["--force-not-root"] if os.getuid() else []),
                "--force-script-chrootless", "-r", "limber")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertFalse((root / "usr/bin/limberd").exists())

    def test_lintian_finds_no_errors(self):
        if shutil.which("lintian") is None:
            self.skipTest("lintian is not installed (Debian: lintian)")
        r = run("lintian", "--no-tag-display-limit", self.deb, timeout=600)
        errors = [line for line in r.stdout.splitlines() if line.startswith("E:")]
        self.assertEqual(errors, [], r.stdout)


if __name__ == "__main__":
    unittest.main()
