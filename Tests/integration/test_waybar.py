"""waybar itself running the README's module (`limber status --follow --format waybar`) in a
headless sway: the bar shows limber's state, styled by its class, and changes when a
reminder comes due. Screenshots (grim) are kept in .build/screenshots for a person to look
at; the test reads the PPM captures for the class colours.

sway refuses to run as root: as root the session runs as the unprivileged test user
limbertest (uid 4242, see ../shared/systemd-user), or the test skips.
"""

import ctypes
import os
import pwd
import shutil
import subprocess
import time
import unittest
from pathlib import Path

from harness import LIMBER, LIMBERD, REPO, TempEnv, require_binaries, spawn, stop, wait_until

SHOTS = Path(os.environ.get("LIMBER_SCREENSHOTS", REPO / ".build/screenshots"))

# waybar is started by the test, not by sway's exec: sway double-forks what it starts, and
# here PID 1 does not reap, so it would be left a zombie.
SWAY_CONFIG = """output HEADLESS-1 resolution 640x120 position 0,0
"""

WAYBAR_CONFIG = """{{
  "layer": "top", "position": "top", "height": 40, "modules-left": ["custom/limber"],
  "custom/limber": {{
    "exec": "{limber} status --follow --format waybar",
    "return-type": "json",
    "format": "{{}}"
  }}
}}
"""

WAYBAR_STYLE = """* { font-family: "DejaVu Sans", sans-serif; font-size: 16px; }
window#waybar { background: #202020; color: #ffffff; }
#custom-limber { padding: 0 20px; }
#custom-limber.active { background-color: #00ff00; color: #000000; }
#custom-limber.due { background-color: #ff0000; color: #ffffff; }
"""

GREEN, RED = b"\x00\xff\x00", b"\xff\x00\x00"
PR_SET_CHILD_SUBREAPER = 36


def setUpModule():
    require_binaries()
    missing = [t for t in ("sway", "waybar", "grim", "setpriv") if shutil.which(t) is None]
    if missing:
        raise unittest.SkipTest("missing " + ", ".join(missing) + " (Debian: sway waybar grim util-linux)")


def count(ppm, colour):
    """Pixels of exactly `colour` in a binary PPM (P6, maxval 255)."""
    magic, size, maxval, pixels = ppm.split(b"\n", 3)
    assert magic == b"P6" and maxval == b"255", (magic, maxval)
    return sum(1 for i in range(0, len(pixels) - 2, 3) if pixels[i:i + 3] == colour)


class Waybar(unittest.TestCase):
    def setUp(self):
        if os.getuid() == 0:
            try:
                user = pwd.getpwnam("limbertest")
            except KeyError:
                self.skipTest("running as root, and there is no unprivileged user 'limbertest' to run sway as")
            self.uid, self.gid = user.pw_uid, user.pw_gid
            self.as_user = ["setpriv", f"--reuid={self.uid}", f"--regid={self.gid}", "--clear-groups", "--"]
        else:
            self.uid, self.gid = os.getuid(), os.getgid()
            self.as_user = []
        self.tenv = TempEnv("waybar")
        self.addCleanup(self.tenv.cleanup)
        # waybar runs the module through sh; whatever outlives its parent comes to us to be
        # reaped (PID 1 here does not reap), not left a zombie.
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
        self.addCleanup(libc.prctl, PR_SET_CHILD_SUBREAPER, 0, 0, 0, 0)
        self.addCleanup(self.reap_adopted)
        for path in [self.tenv.root, *self.tenv.root.rglob("*")]:
            os.chown(path, self.uid, self.gid)
        self.env = dict(self.tenv.env, NO_AT_BRIDGE="1", WLR_BACKENDS="headless", WLR_LIBINPUT_NO_DEVICES="1",
                        WLR_RENDERER="pixman", DBUS_SESSION_BUS_ADDRESS=f"unix:path={self.tenv.root}/no-session-bus")
        for name, text in (("sway.conf", SWAY_CONFIG.format(dir=self.tenv.root)),
                           ("waybar.json", WAYBAR_CONFIG.format(limber=LIMBER)),
                           ("waybar.css", WAYBAR_STYLE)):
            self.tenv.path(name).write_text(text)
            os.chown(self.tenv.path(name), self.uid, self.gid)

    def reap_adopted(self):
        """Waits for the processes that were orphaned to us (the module's sh and limber)."""
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            adopted = []
            for stat in Path("/proc").glob("[0-9]*/stat"):
                try:
                    fields = stat.read_text().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                if int(fields[1]) == os.getpid():
                    adopted.append((int(stat.parent.name), fields[0]))
            tracked = {p.pid for p in getattr(self, "processes", [])}
            waiting = [pid for pid, state in adopted if pid not in tracked]
            if not waiting:
                return
            for pid in waiting:
                try:
                    os.waitpid(pid, os.WNOHANG)
                except ChildProcessError:
                    pass
            time.sleep(0.05)

    def start(self, label, argv, env):
        log = open(self.tenv.path(f"{label}.log"), "wb")
        self.addCleanup(log.close)
        p = spawn(label, [*self.as_user, *argv], env=env, stdout=log, stderr=log)
        self.processes = getattr(self, "processes", []) + [p]
        self.addCleanup(stop, p)
        return p

    def run_as_user(self, *argv, env=None):
        return subprocess.run([*self.as_user, *[str(a) for a in argv]], env=env or self.env,
                              capture_output=True, timeout=30)

    def screenshot(self, name):
        wayland = dict(self.env, WAYLAND_DISPLAY=self.display)
        r = self.run_as_user("grim", "-t", "ppm", "-", env=wayland)
        self.assertEqual(r.returncode, 0, r.stderr.decode())
        SHOTS.mkdir(parents=True, exist_ok=True)
        png = self.tenv.path(f"{name}.png")
        if self.run_as_user("grim", png, env=wayland).returncode == 0:
            shutil.copyfile(png, SHOTS / f"waybar-{name}.png")
        return r.stdout

    def test_the_bar_shows_the_state_and_follows_a_change(self):
        self.start("limberd", [LIMBERD, "--defaults"], self.env)
        wait_until(lambda: self.tenv.socket_path.exists(), timeout=15, message="limberd's socket")
        self.start("sway", ["sway", "-c", str(self.tenv.path("sway.conf"))], self.env)
        wait_until(lambda: any(p.name.startswith("wayland-") and not p.name.endswith(".lock")
                               for p in self.tenv.runtime_dir.iterdir()),
                   timeout=20, message=f"sway's Wayland socket\n{self.tenv.path('sway.log').read_text(errors='replace')}")
        self.display = next(p.name for p in self.tenv.runtime_dir.iterdir()
                            if p.name.startswith("wayland-") and not p.name.endswith(".lock"))
        self.start("waybar", ["waybar", "-c", str(self.tenv.path("waybar.json")), "-s", str(self.tenv.path("waybar.css"))],
                   dict(self.env, WAYLAND_DISPLAY=self.display))

        def shows(colour, name):
            shot = {}

            def check():
                shot["ppm"] = self.screenshot(name)
                return count(shot["ppm"], colour) > 1000
            try:
                wait_until(check, timeout=20, interval=0.5, message=f"the bar in {colour!r}")
            except AssertionError as e:
                log = self.tenv.path("waybar.log")
                raise AssertionError(f"{e}\nwaybar: {log.read_text(errors='replace') if log.exists() else '(no log)'}")
            return shot["ppm"]

        active = shows(GREEN, "active")
        self.assertEqual(count(active, RED), 0)
        r = self.run_as_user(LIMBER, "now", "posture")
        self.assertEqual(r.returncode, 0, r.stderr.decode())
        due = shows(RED, "due")
        self.assertEqual(count(due, GREEN), 0)


if __name__ == "__main__":
    unittest.main()
