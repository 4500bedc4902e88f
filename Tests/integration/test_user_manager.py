"""The installed unit under a real, unprivileged `systemd --user` (user_manager.sh does the
work; read its header for the safety precautions). Two modes: unprivileged user namespaces
available, and unavailable (a 1:1 user namespace whose max_user_namespaces is 0).

Each mode checks: the session target starts and stops limber; `systemctl --user start`
(Type=notify); `limber now posture` reaching a recording notification server; history in a
0700 state folder; reload (RELOADING=1 then READY=1 from the same main PID); kill -9 ->
restart; watchdog (WatchdogSec=2s drop-in + SIGSTOP) -> killed and restarted; an invalid
config -> exit 78 and no restart; stop; XDG_STATE_HOME pointing at a folder that does not
exist yet; the XDG autostart entry, run as sway would, hands the session's variables to the
manager and starts limber with them; with Landlock hidden by a seccomp drop-in (ENOSYS)
limberd logs that once and works unconfined; `limber doctor` sees the unit enabled and
active, the manager's environment without and then with a display, and the unit failed. Needs root, systemd, dbus-daemon, util-linux's unshare/setpriv and a cgroup file
system it can create folders in; otherwise it skips and says why.
"""

import os
import re
import shutil
import subprocess
import tempfile
import time
import unittest
from pathlib import Path

import harness

HERE = Path(__file__).resolve().parent
SCRIPT = HERE / "user_manager.sh"
LIMBER = harness.LIMBER

EXPECTED = ["install", "session-start", "session-stop", "start", "notification", "history", "state-folder-0700",
            "reload", "kill9-restart", "watchdog", "bad-config-78", "start-after-fix", "stop",
            "moved-state-start", "moved-state-history", "autostart", "no-landlock",
            "doctor-env-not-imported", "doctor-env-imported", "doctor-unit-failed"]


def cgroup_hierarchies():
    """'MOUNT=OWNCGROUP' for every cgroup hierarchy mounted, from /proc/self/{cgroup,mountinfo}."""
    own = {}
    with open("/proc/self/cgroup") as f:
        for line in f:
            _, controllers, path = line.rstrip("\n").split(":", 2)
            own[controllers] = path
    pairs = []
    with open("/proc/self/mountinfo") as f:
        for line in f:
            left, _, right = line.partition(" - ")
            fields = right.split()
            if len(fields) < 3:
                continue
            mount, fstype, options = left.split()[4], fields[0], set(fields[2].split(","))
            if fstype == "cgroup2":
                key = ""
            elif fstype == "cgroup":
                key = next((k for k in own if k and set(k.split(",")) <= options), None)
            else:
                continue
            if key is None or key not in own or " " in mount or " " in own[key]:
                continue
            pairs.append(f"{mount}={own[key]}")
    return pairs


def why_not():
    """Why this machine cannot run the tier, or None."""
    if os.geteuid() != 0:
        return "needs root (it creates the test user and a cgroup subtree delegated to it); run make test as root"
    for tool in ("/lib/systemd/systemd", "/lib/systemd/systemd-journald"):
        if not os.access(tool, os.X_OK):
            return f"{tool} is missing (apt-get install systemd)"
    for cmd in ("unshare", "setpriv", "dbus-daemon", "journalctl", "systemctl", "useradd"):
        if shutil.which(cmd) is None:
            return f"{cmd} is missing"
    if not cgroup_hierarchies():
        return "no cgroup file system is mounted, so no cgroup subtree can be delegated"
    return None


WHY_NOT = why_not()


def userns_possible():
    r = subprocess.run(["unshare", "--user", "true"], capture_output=True, text=True, timeout=10)
    return r.returncode == 0, r.stderr.strip()


@unittest.skipIf(WHY_NOT is not None, WHY_NOT or "")
class UserManager(unittest.TestCase):
    maxDiff = None

    @classmethod
    def setUpClass(cls):
        harness.require_binaries()

    def run_mode(self, mode):
        work = Path(tempfile.mkdtemp(prefix=f"limber-um.{mode}.", dir="/tmp"))
        keep = os.environ.get("LIMBER_IT_KEEP") == "1"
        if not keep:
            self.addCleanup(shutil.rmtree, work, True)
        (work / "in").mkdir()
        (work / "fakes").mkdir()
        for src in (harness.LIMBERD, LIMBER):
            shutil.copy2(src, work / "in" / os.path.basename(src))
        shutil.copy2(harness.REPO / "systemd" / "limber.service", work / "in")
        shutil.copy2(harness.REPO / "systemd" / "limber-autostart.desktop", work / "in")
        shutil.copy2(harness.REPO / "config" / "limber.toml", work / "in")
        for name in ("notification_server.py", "common.py"):
            shutil.copy2(HERE / "fakes" / name, work / "fakes")
        env = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "LANG": "C.UTF-8",
               "UM_HIERS": " ".join(cgroup_hierarchies()), "UM_RUN": f"{os.getpid()}-{mode}"}
        t0 = time.monotonic()
        p = subprocess.Popen(["/bin/bash", str(SCRIPT), mode, str(work)], env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, text=True)
        try:
            out, _ = p.communicate(timeout=240)
        except subprocess.TimeoutExpired:
            # SIGTERM, not SIGKILL: the script's exit trap stops the manager and removes its cgroups.
            p.terminate()
            out, _ = p.communicate(timeout=120)
            self.fail(f"{mode}: user_manager.sh did not finish in 240 s:\n{out[-4000:]}")
        elapsed = time.monotonic() - t0
        r = subprocess.CompletedProcess(p.args, p.returncode, out, "")
        if r.returncode == 77:
            skip = re.search(r"^SKIP: (.*)$", out, re.M)
            self.skipTest(skip.group(1) if skip else out[-500:])
        logs = work / "logs"
        if keep:
            print(f"\n{mode}: kept {work} ({elapsed:.1f} s)")

        def context():
            journal = ""
            path = logs / "journal.txt"
            if path.exists():
                journal = "\n".join(path.read_text(errors="replace").splitlines()[-60:])
            return f"\n--- script output ({elapsed:.1f} s, exit {r.returncode}) ---\n{out[-4000:]}\n--- journal tail ---\n{journal}"

        self.assertNotIn("REFUSING", out, context())
        self.assertNotIn("LEFTOVER", out, context())
        results = {}
        for m in re.finditer(r"^CHECK (\S+) (ok|FAIL) ?(.*)$", out, re.M):
            results[m.group(1)] = (m.group(2), m.group(3))
        expected = EXPECTED + (["userns-unavailable"] if mode == "userns" else [])
        missing = [name for name in expected if name not in results]
        self.assertEqual(missing, [], f"checks that never ran{context()}")
        failed = [f"{name}: {results[name][1]}" for name in expected if results[name][0] != "ok"]
        self.assertEqual(failed, [], f"{mode}: checks that failed{context()}")
        self.assertIn("DONE", out, context())
        self.assertEqual(r.returncode, 0, context())
        # limberd confined itself under the manager too, where the kernel has Landlock.
        sandbox = re.search(r"^INFO sandbox (\S+)", out, re.M)
        self.assertIsNotNone(sandbox, context())
        self.assertIn(sandbox.group(1), ("landlock", "unavailable"), context())

    def test_user_namespaces_available(self):
        self.run_mode("host")

    def test_user_namespaces_unavailable(self):
        ok, err = userns_possible()
        if not ok:
            # The host already has none: the "host" mode above is this case.
            self.skipTest(f"unshare --user fails on this machine ({err}); the host mode runs without user namespaces")
        self.run_mode("userns")


if __name__ == "__main__":
    unittest.main()
