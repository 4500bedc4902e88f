"""Real notification servers: what a person sees, and answering through each server's means.

Each server runs on a private session bus with a passive bus monitor (fakes/bus_monitor.py)
recording every org.freedesktop.Notifications call limberd makes and its reply: the tests
assert on that record (summary and body budgets, escaping, actions, hints) and answer each
reminder the way a person would on that server, then check `limber history`. A screenshot
per server and kind is kept in .build/screenshots/ (or $LIMBER_SCREENSHOTS) and its path
printed. A server that cannot start skips with its reason.

Servers: dunst 1.9 and xfce4-notifyd 0.7 under Xvfb; mako 1.7 under headless sway, run as an
unprivileged user; GNOME Shell 43 headless (answered through Eval in unsafe mode); KDE Plasma
5.27 (kwin_wayland --virtual + plasmashell), answered through Plasma's own InvokeAction (a
pointer click on a Wayland popup needs input injection these tests do not have).
"""

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import harness
from harness import DaemonTestCase, Dunst, Xvfb, spawn, stop, tail, wait_until, _read_line

harness.require_binaries()
harness.require_commands("dbus-daemon", "dbus-send")
harness.require_python_modules()

FAKES = Path(__file__).resolve().parent / "fakes"
SHOTS = Path(os.environ.get("LIMBER_SCREENSHOTS") or harness.REPO / ".build" / "screenshots")

SUMMARY_LIMIT = 44
SAFETY_LINE = "Move gently, stop on sharp pain."
USER_TEXT = "Tom & Jerry <3 >"
ESCAPED = "Tom &amp; Jerry &lt;3 &gt;"

CONFIG = f"""\
[posture]
interval_min = "4h"
interval_max = "4h"

[routine]
interval = "8h"

[[exercises]]
id = "tom"
name = "{USER_TEXT}"
places = ["desk"]
steps = ["Say \\"{USER_TEXT}\\" & smile."]
why = "Mine."
reps = 5

[[routines]]
id = "mine"
title = "{USER_TEXT}"
steps = ["tom"]

[[cues]]
id = "tom-cue"
text = "{USER_TEXT}"
"""

ENTITY = re.compile(r"&(amp|lt|gt|quot|#39);")


class BusMonitor:
    """fakes/bus_monitor.py on the private bus; `entries()` reads its record."""

    def __init__(self, tenv, bus):
        self.record = tenv.path("monitor.jsonl")
        self.bus = bus
        self.tenv = tenv
        self.process = None

    def start(self, wrap=lambda argv: argv):
        self.record.write_text("")
        if os.geteuid() == 0:
            os.chown(self.record, os.stat(self.tenv.root).st_uid, os.stat(self.tenv.root).st_gid)
        self.process = spawn("bus-monitor", wrap(["/usr/bin/python3", str(FAKES / "bus_monitor.py"),
                                                  "--address", self.bus.address, "--record", str(self.record)]),
                             stdout=subprocess.PIPE, stderr=open(self.tenv.path("monitor.log"), "wb"),
                             env=self.tenv.env)
        _read_line(self.process, 10, "the bus monitor")
        return self

    def stop(self):
        stop(self.process)

    def entries(self):
        import json
        return [json.loads(line) for line in self.record.read_text().splitlines() if line.strip()]

    def notifies(self, after=0):
        return [e for e in self.entries() if e.get("method") == "Notify" and "args" in e and e["seq"] > after]

    def last_seq(self):
        e = self.entries()
        return e[-1]["seq"] if e else 0

    def reply(self, call):
        for e in self.entries():
            if e.get("reply_to") == call["serial"] and e.get("to") == call["sender"]:
                return e
        return None

    def wait_notify(self, predicate, after=0, timeout=10, message="a Notify call"):
        def find():
            for c in self.notifies(after):
                if predicate(c) and self.reply(c):
                    return c
            return None
        return wait_until(find, timeout=timeout, message=message)

    def notified_id(self, call):
        r = self.reply(call)
        return r["reply"][0] if r and r.get("reply") else None


def x_screenshot(display, path):
    """The whole X screen as a PNG, through Gdk (python3-gi, gir1.2-gtk-3.0)."""
    code = ("import gi, sys; gi.require_version('Gdk', '3.0'); from gi.repository import Gdk; "
            "w = Gdk.get_default_root_window(); "
            "p = Gdk.pixbuf_get_from_window(w, 0, 0, w.get_width(), w.get_height()); "
            "p.savev(sys.argv[1], 'png', [], [])")
    r = subprocess.run(["/usr/bin/python3", "-c", code, str(path)], env=dict(os.environ, DISPLAY=display),
                       capture_output=True, text=True, timeout=30)
    return r.returncode == 0, r.stderr.strip()


def restart_session_bus_with(test, services):
    """Restarts the test's session bus with `services` as its only service folder (so nothing
    else can be started on it), and its bus monitor with it."""
    test.monitor.stop()
    test.bus.stop()
    test.bus.config.write_text(harness.BUS_CONFIG.format(socket=test.bus.socket).replace(
        "<policy", f"<servicedir>{services}</servicedir>\n  <policy", 1))
    test.bus.process = spawn("dbus-daemon[session]", ["dbus-daemon", f"--config-file={test.bus.config}",
                                                      "--nofork", "--print-address=1"],
                             stdout=subprocess.PIPE, stderr=open(test.tenv.path("session-bus.log"), "ab"),
                             env=test.tenv.env)
    test.bus.address = _read_line(test.bus.process, 10, "dbus-daemon")
    test.monitor = test.start_monitor()
    test.addCleanup(test.monitor.stop)


class ServerTests:
    """The four paths on one real server; a subclass (also a DaemonTestCase) starts the
    server and answers through it."""

    fake = False
    test_scale = 60
    server_name = None          # GetServerInformation's name
    max_buttons = None          # non-default actions drawn, None: all
    default_is_button = False   # xfce draws the click action as a button too
    value_hint = True           # False: the server mis-draws it, limberd must not send it

    def start_server(self):
        raise NotImplementedError

    def start_monitor(self):
        return BusMonitor(self.tenv, self.bus).start()

    def answer(self, call, key):
        """Invokes action `key` of the notification `call` through the server's own means."""
        raise NotImplementedError

    def screenshot_to(self, path):
        raise NotImplementedError

    def setUp(self):
        super().setUp()
        self.monitor = self.start_monitor()
        self.addCleanup(self.monitor.stop)
        self.start_server()
        path = self.tenv.config_home / "limber" / "config.toml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(CONFIG, encoding="utf-8")
        owner = os.stat(self.tenv.root)
        for p in (path.parent, path):
            os.chown(p, owner.st_uid, owner.st_gid)
        self.start_daemon()
        # limberd asks the running server what it draws at start: wait for the answer.
        try:
            wait_until(lambda: f"notification server: {self.server_name} " in self.daemon.stderr(200),
                       message=f"limberd to learn it talks to {self.server_name}")
        except AssertionError as e:
            self.fail(f"{e}\n{self.diag()}")
        caps = [e for e in self.monitor.entries() if e.get("method") == "GetCapabilities" and "reply" in e
                and "error" not in e]
        self.markup = "body-markup" in caps[-1]["reply"][0]

    # -- what every Notify must be

    def check(self, call):
        a = call["args"]
        summary, body = a["summary"], a["body"]
        self.assertLessEqual(len(summary), SUMMARY_LIMIT, f"summary too long: {summary!r}")
        if self.markup:
            # Every & and < is an entity, so the body is valid markup.
            self.assertNotIn("<", body, body)
            self.assertNotIn(">", body, body)
            self.assertEqual(body.count("&"), len(ENTITY.findall(body)), f"a bare & in {body!r}")
        else:
            self.assertEqual(ENTITY.findall(body), [], f"entities to a server that shows them raw: {body!r}")
        keys = call["action_keys"]
        labels = a["actions"][1::2]
        buttons = [k for k in keys if k != "default" or self.default_is_button]
        if self.max_buttons is not None:
            self.assertLessEqual(len([k for k in keys if k != "default"]), self.max_buttons, keys)
        drawn = [l for k, l in zip(keys, labels) if k in buttons]
        self.assertEqual(len(set(drawn)), len(drawn), f"two buttons with one label: {drawn}")
        if not self.value_hint:
            self.assertNotIn("value", a["hints"], "this server draws a bare gauge for it")
        self.assertNotIn("done", [k for k, l in zip(keys, labels) if k == "default"])
        return call

    def shot(self, kind):
        SHOTS.mkdir(parents=True, exist_ok=True)
        path = SHOTS / f"{self.server_label}-{kind}.png"
        time.sleep(0.5)  # let the server draw its animation's last frame
        ok, why = self.screenshot_to(path)
        if ok:
            print(f"\n[screenshot {path}]", file=sys.stderr)
        else:
            print(f"\n[no screenshot for {self.server_label} {kind}: {why}]", file=sys.stderr)

    def wait_call(self, predicate, after=0, message="a Notify call"):
        try:
            return self.check(self.monitor.wait_notify(predicate, after=after, message=message))
        except AssertionError as e:
            self.fail(f"{e}\n{self.diag()}")

    def diag(self):
        if not hasattr(self, "monitor"):
            return super().diag()
        calls = [(e.get("seq"), e.get("method") or e.get("signal"), e.get("args", e.get("reply")))
                 for e in self.monitor.entries()[-20:]]
        return f"{super().diag()}\n--- bus monitor:\n" + "\n".join(map(repr, calls))

    def history_says(self, outcome):
        self.wait_history(outcome)
        out = self.cli_ok("history")
        self.assertIn(outcome, out)

    # -- the four paths

    def test_server_is_asked_what_it_draws(self):
        self.cli_ok("now", "posture")
        call = self.wait_call(lambda c: c["args"]["summary"] == "Posture check")
        info = [e for e in self.monitor.entries() if e.get("method") == "GetServerInformation"
                and e.get("to") == call["sender"] and "reply" in e]
        self.assertEqual(len(info), 1, "asked once per appearance of the server")
        self.assertEqual(info[0]["reply"][0], self.server_name)

    def test_posture_check_a_click_snoozes(self):
        self.cli_ok("now", "posture")
        call = self.wait_call(lambda c: c["args"]["summary"] == "Posture check", message="the posture check")
        self.assertEqual(call["args"]["hints"].get("category"), "x-limber.posture")
        self.shot("posture")
        self.answer(call, "default")
        self.history_says("snoozed")
        self.assertNotIn("done", self.tenv.outcomes(), "a click is never a break")

    def test_routine_reminder_answered_done(self):
        self.cli_ok("now", "routine")
        call = self.wait_call(lambda c: c["args"]["summary"].startswith("Time to move"), message="the reminder")
        self.assertTrue(call["args"]["body"].startswith(SAFETY_LINE + "\n"), call["args"]["body"])
        self.assertIn("limber routines show ", call["args"]["body"])
        self.shot("routine")
        self.answer(call, "done")
        self.history_says("done")

    def test_guided_routine_start_to_end(self):
        seq = self.monitor.last_seq()
        self.cli_ok("start", "desk-reset")
        first = self.wait_call(lambda c: c["args"]["body"].startswith("Step 1/3"), after=seq,
                               message="step 1")
        self.assertEqual(first["args"]["body"].split("\n")[1], SAFETY_LINE)
        self.assertNotIn("default", first["action_keys"], "a click must not move the routine on")
        self.shot("guided")
        self.answer(first, "next")
        second = self.wait_call(lambda c: c["args"]["body"].startswith("Step 2/3"), after=first["seq"],
                                message="step 2")
        self.answer(second, "next")
        self.wait_call(lambda c: c["args"]["body"].startswith("Step 3/3"), after=second["seq"],
                       message="step 3")
        done = self.wait_call(lambda c: c["args"]["summary"].startswith("Done: Desk reset"),
                              after=second["seq"], message="the done note")
        self.assertIs(done["args"]["hints"].get("transient"), True, done["args"]["hints"])
        self.assertGreater(done["args"]["expire_timeout"], 0)
        self.history_says("done")
        self.assertEqual(self.tenv.history()[-1].get("routine"), "desk-reset")

    def test_user_text_is_escaped(self):
        seq = self.monitor.last_seq()
        self.cli_ok("start", "mine")
        step = self.wait_call(lambda c: c["args"]["body"].startswith("Step 1/1"), after=seq,
                              message="the user's routine")
        if self.markup:
            self.assertIn(ESCAPED, step["args"]["body"])
            self.assertIn("&quot;", step["args"]["body"])
        else:
            self.assertIn(USER_TEXT, step["args"]["body"], "sent as written")
        self.assertTrue(step["args"]["summary"].startswith(USER_TEXT), "a summary is plain text")
        self.shot("user-text")
        self.answer(step, "next")
        self.history_says("done")


class XServer(ServerTests):
    def start_x(self):
        self.x = Xvfb(self.tenv).start()
        self.addCleanup(self.x.stop)

    def screenshot_to(self, path):
        return x_screenshot(self.x.display, path)


class WithDunst(XServer, DaemonTestCase):
    server_label = "dunst"
    server_name = "dunst"

    def start_server(self):
        for tool in ("Xvfb", "dunst", "dunstctl", "busctl"):
            if not harness.shutil.which(tool):
                self.skipTest(f"{tool} is not installed")
        self.start_x()
        self.dunst = Dunst(self.tenv, self.bus, self.x).start()
        self.addCleanup(self.dunst.stop)

    def answer(self, call, key):
        nid = self.monitor.notified_id(call)
        wait_until(lambda: self.dunst.count_displayed() > 0, message="dunst to display it")
        if key == "default":
            self.dunst.action_default()
        else:
            self.dunst.invoke_action(key, nid)


class WithXfce(XServer, DaemonTestCase):
    """xfce4-notifyd: draws `default` as a button and a `value` notification as a bare gauge."""

    server_label = "xfce"
    server_name = "Xfce Notify Daemon"
    default_is_button = True
    value_hint = False
    BINARY = "/usr/lib/x86_64-linux-gnu/xfce4/notifyd/xfce4-notifyd"

    def start_server(self):
        for tool in ("Xvfb", "xdotool"):
            if not harness.shutil.which(tool):
                self.skipTest(f"{tool} is not installed")
        if not os.access(self.BINARY, os.X_OK):
            self.skipTest(f"{self.BINARY} missing (package xfce4-notifyd)")
        self.start_x()
        env = dict(self.tenv.env, **self.bus.env, **self.x.env, XDG_CURRENT_DESKTOP="XFCE")
        log = self.tenv.path("xfce4-notifyd.log")
        self.xfce = spawn("xfce4-notifyd", [self.BINARY], stdout=subprocess.DEVNULL,
                          stderr=open(log, "wb"), env=env)
        self.addCleanup(stop, self.xfce)

        def up():
            if self.xfce.poll() is not None:
                self.skipTest(f"xfce4-notifyd exited with {self.xfce.returncode}: {tail(log, 10)}")
            rc, out, _ = harness.dbus_send(self.bus.address, "org.freedesktop.Notifications",
                                           "/org/freedesktop/Notifications",
                                           "org.freedesktop.Notifications.GetServerInformation")
            return rc == 0 and self.server_name in out
        wait_until(up, timeout=15, message="xfce4-notifyd on the private bus")

    def xdo(self, *args):
        r = subprocess.run(["xdotool", *args], env=dict(self.tenv.env, **self.x.env), capture_output=True,
                           text=True, timeout=10)
        return r.stdout

    def answer(self, call, key):
        """Clicks the button of `key` with xdotool. The buttons are found on the screen: one
        row of grey buttons on the popup's white, in the order the actions were sent. On xfce
        a click on the reminder is its Snooze button (limberd sends no second one)."""
        keys = call["action_keys"]  # all drawn, the click action too
        if key == "default" and "default" not in call["action_keys"]:
            key = "snooze"
        index = keys.index(key)
        # One popup: after an action xfce closes it and fades it out while limberd shows the
        # next step in a new one.
        windows = wait_until(lambda: (lambda w: w if len(w) == 1 else None)(
            self.xdo("search", "--onlyvisible", "--class", "xfce4-notifyd").split()),
            message="exactly one xfce popup")
        time.sleep(0.3)  # its slide-in
        geometry = self.xdo("getwindowgeometry", "--shell", windows[0])
        g = dict(line.split("=", 1) for line in geometry.split() if "=" in line)
        box = tuple(int(g[k]) for k in ("X", "Y", "WIDTH", "HEIGHT"))
        buttons = wait_until(lambda: self.find_buttons(box, len(keys)), message=f"{len(keys)} buttons drawn")
        bx, by = buttons[index]
        self.xdo("mousemove", str(bx), str(by), "click", "1")

    def find_buttons(self, box, count):
        """Centres of the buttons in the popup at box (x, y, w, h), left to right; None
        until `count` of them are drawn."""
        code = """
import gi, sys, json
gi.require_version('Gdk', '3.0')
from gi.repository import Gdk
x, y, w, h = map(int, sys.argv[1:5])
p = Gdk.pixbuf_get_from_window(Gdk.get_default_root_window(), x, y, w, h)
px, stride, n = p.get_pixels(), p.get_rowstride(), p.get_n_channels()
def light(cx, cy):
    o = cy * stride + cx * n
    return min(px[o], px[o + 1], px[o + 2]) >= 250
# The lowest row, 20 px in from the right, that is not white: a button's bottom edge.
col = w - 20
bottom = next((r for r in range(h - 3, 0, -1) if not light(col, r)), None)
if bottom is None:
    print("[]"); sys.exit()
row = bottom - 14
spans, start = [], None
for c in range(w):
    dark = not light(c, row)
    if dark and start is None: start = c
    if not dark and start is not None:
        if c - start > 30: spans.append((x + (start + c) // 2, y + row))
        start = None
print(json.dumps(spans))
"""
        r = subprocess.run(["/usr/bin/python3", "-c", code, *map(str, box)], capture_output=True, text=True,
                           env=dict(self.tenv.env, **self.x.env), timeout=30)
        import json
        spans = json.loads(r.stdout or "[]")
        return spans if len(spans) == count else None


NOBODY = 65534  # every Debian has it; sway refuses to run as root


class UserWorld:
    """The private world of DaemonTestCase, run as an unprivileged user (setpriv): the bus,
    the compositor, the server, limberd, the monitor and the CLI. The test reads the files."""

    def as_user(self, argv):
        return ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", *map(str, argv)]

    def setUp(self):
        if os.geteuid() != 0:
            self.skipTest("needs root to run the session as an unprivileged user (sway refuses root)")
        if not harness.shutil.which("setpriv"):
            self.skipTest("setpriv is not installed (util-linux)")
        self._problems_before = self._problems()
        self.tenv = harness.TempEnv(type(self).__name__[:12])
        self.addCleanup(self.tenv.cleanup)
        self.addCleanup(self._report_failure)
        subprocess.run(["chown", "-R", f"{NOBODY}:{NOBODY}", str(self.tenv.root)], check=True)
        for binary in (harness.LIMBERD, harness.LIMBER):
            r = subprocess.run(self.as_user(["test", "-x", binary]))
            if r.returncode != 0:
                self.skipTest(f"{binary} is not executable by uid {NOBODY} (a folder on its path is private)")
        world = self

        class UserBus(harness.PrivateBus):
            def start(self, timeout=10):
                self.config.write_text(harness.BUS_CONFIG.format(socket=self.socket))
                os.chown(self.config, NOBODY, NOBODY)
                self.process = spawn(f"dbus-daemon[{self.name}]", world.as_user(
                    ["dbus-daemon", f"--config-file={self.config}", "--nofork", "--print-address=1"]),
                    stdout=subprocess.PIPE, stderr=open(self.tenv.path(f"{self.name}-bus.log"), "wb"),
                    env=self.tenv.env)
                self.address = _read_line(self.process, timeout, "dbus-daemon")
                return self

        self.bus = UserBus(self.tenv).start()
        self.addCleanup(self.bus.stop)
        self.notify = None
        self.notifications = None
        self.daemon = harness.Limberd(self.tenv, bus=self.bus, test_scale=self.test_scale, binary="setpriv",
                                      args=self.as_user([harness.LIMBERD])[1:])
        self.addCleanup(self.daemon.stop)

    def start_daemon(self, **kwargs):
        # Ready when it answers its own user: limberd refuses a client of another uid (root).
        self.daemon.start(wait_ready=False)
        wait_until(lambda: self.cli("status")[0] == 0 or (not self.daemon.alive() and self.fail(
            f"limberd exited:\n{self.daemon.stderr()}")), timeout=15, message="limberd to answer")
        return self.daemon

    def diag(self):
        parts = []
        if self.daemon.stderr_path:
            parts.append(f"--- limberd stderr (start {self.daemon.starts}):\n{self.daemon.stderr()}")
        return "\n".join(parts)

    def cli(self, *args, timeout=15):
        r = subprocess.run(self.as_user([harness.LIMBER, *args]), env=self.tenv.env, capture_output=True,
                           text=True, timeout=timeout, stdin=subprocess.DEVNULL)
        return r.returncode, r.stdout, r.stderr


class WithMako(ServerTests, UserWorld, DaemonTestCase):
    """mako 1.7 under headless sway: no buttons at all; a click is the default action, the
    others are in `makoctl menu` and `makoctl invoke`."""

    server_label = "mako"
    server_name = "mako"

    def start_monitor(self):
        return BusMonitor(self.tenv, self.bus).start(wrap=self.as_user)

    def start_server(self):
        for tool in ("sway", "mako", "makoctl", "grim", "busctl"):
            if not harness.shutil.which(tool):
                self.skipTest(f"{tool} is not installed")
        config = self.tenv.path("sway.conf")
        config.write_text("output HEADLESS-1 resolution 1280x800\n")
        os.chown(config, NOBODY, NOBODY)
        env = dict(self.tenv.env, **self.bus.env, WLR_BACKENDS="headless", WLR_LIBINPUT_NO_DEVICES="1",
                   WLR_RENDERER="pixman")
        log = self.tenv.path("sway.log")
        self.sway = spawn("sway", self.as_user(["sway", "-c", config]), stdout=subprocess.DEVNULL,
                          stderr=open(log, "wb"), env=env)
        self.addCleanup(stop, self.sway)

        def wayland():
            if self.sway.poll() is not None:
                self.skipTest(f"sway exited with {self.sway.returncode}: {tail(log, 8)}")
            found = sorted(p.name for p in self.tenv.runtime_dir.glob("wayland-*") if not p.name.endswith(".lock"))
            return found[0] if found else None
        display = wait_until(wayland, timeout=20, message="sway's Wayland socket")
        self.wl_env = dict(env, WAYLAND_DISPLAY=display)
        mako_log = self.tenv.path("mako.log")
        self.mako = spawn("mako", self.as_user(["mako"]), stdout=subprocess.DEVNULL,
                          stderr=open(mako_log, "wb"), env=self.wl_env)
        self.addCleanup(stop, self.mako)

        def up():
            if self.mako.poll() is not None:
                self.skipTest(f"mako exited with {self.mako.returncode}: {tail(mako_log, 8)}")
            r = subprocess.run(self.as_user(["dbus-send", f"--bus={self.bus.address}", "--print-reply=literal",
                                             "--dest=org.freedesktop.Notifications", "/org/freedesktop/Notifications",
                                             "org.freedesktop.Notifications.GetServerInformation"]),
                               capture_output=True, text=True, timeout=10)
            return r.returncode == 0 and "mako" in r.stdout
        wait_until(up, timeout=15, message="mako on the private bus")

    def answer(self, call, key):
        nid = self.monitor.notified_id(call)
        argv = ["makoctl", "invoke", "-n", str(nid)] + ([] if key == "default" else [key])
        r = subprocess.run(self.as_user(argv), env=self.wl_env, capture_output=True, text=True, timeout=10)
        self.assertEqual(r.returncode, 0, f"{argv}: {r.stderr}")

    def screenshot_to(self, path):
        tmp = self.tenv.path("shot.png")
        r = subprocess.run(self.as_user(["grim", tmp]), env=self.wl_env, capture_output=True, text=True,
                           timeout=30)
        if r.returncode != 0:
            return False, r.stderr.strip()
        harness.shutil.copyfile(tmp, path)
        return True, ""


GNOME_EXTENSION_JS = """// Tests only: Eval and Screenshot need unsafe mode, which GNOME 43 has no flag for.
function init() {}
function enable() { global.context.unsafe_mode = true; }
function disable() { global.context.unsafe_mode = false; }
"""


class GnomeShellWorld:
    """GNOME Shell 43 headless on the test's private buses, GSettings on the keyfile backend
    (shared by the shell, gsettings and limberd), Eval through a test extension."""

    def _setup_world(self):
        for tool in ("gnome-shell", "gjs", "gdbus"):
            if not harness.shutil.which(tool):
                self.skipTest(f"{tool} is not installed (packages gnome-shell, gjs, libglib2.0-bin)")
        if not os.path.exists("/usr/share/gnome-shell/org.gnome.Shell.Notifications"):
            self.skipTest("gnome-shell's notification daemon is missing")

    def start_server(self):
        services = self.tenv.path("services")
        services.mkdir()
        (services / "org.freedesktop.Notifications.service").write_text(
            "[D-BUS Service]\nName=org.freedesktop.Notifications\n"
            "Exec=/usr/bin/gjs /usr/share/gnome-shell/org.gnome.Shell.Notifications\n")
        restart_session_bus_with(self, services)
        # GNOME Shell exits without a system bus; an empty one is enough.
        self.system_bus = harness.PrivateBus(self.tenv, "system").start()
        self.addCleanup(self.system_bus.stop)
        ext = self.tenv.root / "data" / "gnome-shell" / "extensions" / "unsafe@limber.test"
        ext.mkdir(parents=True)
        (ext / "metadata.json").write_text('{"uuid": "unsafe@limber.test", "name": "unsafe mode for tests", '
                                           '"description": "tests", "shell-version": ["43"]}')
        (ext / "extension.js").write_text(GNOME_EXTENSION_JS)
        keyfile = self.tenv.config_home / "glib-2.0" / "settings"
        keyfile.mkdir(parents=True)
        (keyfile / "keyfile").write_text("[org/gnome/shell]\nenabled-extensions=['unsafe@limber.test']\n")
        env = dict(self.tenv.env, **self.bus.env, DBUS_SYSTEM_BUS_ADDRESS=self.system_bus.address,
                   GSETTINGS_BACKEND="keyfile", XDG_SESSION_TYPE="wayland")
        log = self.tenv.path("gnome-shell.log")
        self.shell = spawn("gnome-shell", ["gnome-shell", "--headless", "--wayland", "--no-x11",
                                           "--virtual-monitor", "1280x800"],
                           stdout=subprocess.DEVNULL, stderr=open(log, "wb"), env=env)
        self.addCleanup(stop, self.shell)

        def up():
            if self.shell.poll() is not None:
                self.skipTest(f"gnome-shell exited with {self.shell.returncode}: {tail(log, 8)}")
            return self.eval("global.context.unsafe_mode") == "true"
        wait_until(up, timeout=90, interval=0.5, message="GNOME Shell in unsafe mode")
        # Out of the way for the screenshots: the overview shown at start, and the shell's
        # own notes (unsafe mode, a privileged user) queued before limber's.
        wait_until(lambda: self.eval("imports.ui.main.layoutManager._startingUp") == "false",
                   timeout=30, interval=0.3, message="GNOME Shell's start-up animation to end")
        wait_until(lambda: self.eval("const m = imports.ui.main; m.overview.hide(); "
                                     "m.messageTray.getSources().forEach(s => s.destroy()); "
                                     "!m.overview.visible && !m.overview.animationInProgress") == "true",
                   timeout=10, interval=0.3, message="the overview to close")
        # The daemon limberd talks to is started by the bus on the first Notify: start it
        # now, so limberd finds it at start-up as it would in a running session.
        wait_until(lambda: self.gdbus("org.freedesktop.Notifications", "/org/freedesktop/Notifications",
                                      "org.freedesktop.Notifications.GetServerInformation")[0] == 0,
                   timeout=30, interval=0.5, message="GNOME's notification daemon")

    def gdbus(self, dest, path, method, *args):
        r = subprocess.run(["gdbus", "call", "--address", self.bus.address, "-d", dest, "-o", path, "-m", method,
                            *args], capture_output=True, text=True, timeout=20)
        return r.returncode, r.stdout.strip(), r.stderr.strip()

    def eval(self, js):
        rc, out, err = self.gdbus("org.gnome.Shell", "/org/gnome/Shell", "org.gnome.Shell.Eval", js)
        m = re.match(r"^\(true, '(.*)'\)$", out, re.S)
        return m.group(1) if rc == 0 and m else None

    def screenshot_to(self, path):
        # The shell's own notes (unsafe mode, a privileged user) would hold limber's banner back.
        # The overview (shown at start) hides banners.
        if self.eval("const m = imports.ui.main; const v = m.overview.visible; m.overview.hide(); "
                     "m.messageTray.getSources().filter(s => s.title !== 'limber')"
                     ".map(s => s.destroy()).length > 0 || v") == "true":
            time.sleep(1)  # the next banner slides in
        tmp = self.tenv.path("shot.png")
        rc, out, err = self.gdbus("org.gnome.Shell", "/org/gnome/Shell/Screenshot",
                                  "org.gnome.Shell.Screenshot.Screenshot", "false", "false", str(tmp))
        if rc != 0 or not tmp.exists():
            return False, err
        harness.shutil.copyfile(tmp, path)
        return True, ""



class WithGnome(GnomeShellWorld, ServerTests, DaemonTestCase):
    """GNOME Shell 43 headless: at most 3 buttons, the click is the default action; the
    notification daemon is gjs, started by D-Bus on the first Notify. Answered through
    org.gnome.Shell.Eval (unsafe mode, turned on by a test extension)."""

    server_label = "gnome"
    server_name = "gnome-shell"
    max_buttons = 3
    test_scale = 60

    def setUp(self):
        # The session bus needs a service folder for the notification daemon (and only it).
        self._setup_world()
        ServerTests.setUp(self)

    def answer(self, call, key):
        """A click (the default action) or a button, through the shell's own objects."""
        title = json.dumps(call["args"]["summary"])
        label = json.dumps(dict(zip(call["action_keys"], call["args"]["actions"][1::2])).get(key, ""))
        act = "n.activate()" if key == "default" else \
            f"n.actions.find(a => a.label === {label}).callback()"
        js = ("(() => { const n = imports.ui.main.messageTray.getSources().flatMap(s => s.notifications)"
              f".find(n => n.title === {title}); if (!n) return 'none'; {act}; return 'ok'; }})()")
        result = wait_until(lambda: (lambda r: r if r and "ok" in r else None)(self.eval(js)),
                            timeout=10, message=f"GNOME to show {call['args']['summary']!r}")
        self.assertIn("ok", result)


class GnomeDoNotDisturb(GnomeShellWorld, DaemonTestCase):
    """GNOME's do not disturb on the real shell: show-banners switched with `gsettings`, as
    the shell's own switch does. limberd holds the reminder while it is off (the shell would
    only file it in the message list) and shows it when it is on again."""

    fake = False
    test_scale = 60

    def setUp(self):
        harness.require_commands("gsettings")
        self._setup_world()
        super().setUp()
        self.monitor = self.start_monitor()
        self.addCleanup(lambda: self.monitor.stop())
        self.start_server()
        config = self.tenv.config_home / "limber" / "config.toml"
        config.parent.mkdir(parents=True, exist_ok=True)
        # Nobody types into the headless shell: its idle monitor would make the user away.
        config.write_text('[posture]\ninterval_min = "30m"\ninterval_max = "30m"\n\n'
                          '[idle]\nmutter_idle = "ignore"\n', encoding="utf-8")
        self.gsettings_env = dict(self.tenv.env, GSETTINGS_BACKEND="keyfile")
        self.daemon.extra_env.update(GSETTINGS_BACKEND="keyfile", XDG_CURRENT_DESKTOP="GNOME",
                                     XDG_SESSION_TYPE="wayland")

    def start_monitor(self):
        return BusMonitor(self.tenv, self.bus).start()

    def banners(self, on):
        subprocess.run(["gsettings", "set", "org.gnome.desktop.notifications", "show-banners",
                        "true" if on else "false"], env=self.gsettings_env, check=True, timeout=10)

    def limber_in_shell(self):
        """The titles of limber's notifications the shell holds (banner or message list)."""
        out = self.eval("imports.ui.main.messageTray.getSources()"
                        ".flatMap(s => s.notifications).map(n => n.title)")  # Eval answers in JSON
        return json.loads(out) if out else None

    def notifies(self):
        return [c for c in self.monitor.notifies(0) if c["args"]["summary"] == "Posture check"]

    def test_banners_off_holds_the_reminder_and_on_shows_it(self):
        self.banners(False)
        self.start_daemon()
        s = self.wait_status(lambda s: (s.get("presence") or {}).get("held_by") == ["gnome_banners"],
                             message="show-banners = false to hold")
        self.advance(self.next_of(s, "posture")["in_seconds"])
        s = self.wait_status(lambda s: s["presence"].get("held_waiting") == "posture", timeout=15,
                             message="the posture check to come due and wait")
        self.advance(150)  # past a re-show and a miss
        s = self.status()
        self.assertIsNone(s["due"])
        self.assertEqual(s["today"]["missed"], 0)
        self.assertEqual(self.notifies(), [], "nothing sent to the shell while banners are off")
        self.assertEqual(self.limber_in_shell(), [], "and the shell holds none of limber's")
        self.banners(True)
        self.wait_status(lambda s: (s.get("presence") or {}).get("held_by") == [],
                         message="show-banners = true to let go")
        wait_until(self.notifies, timeout=15, message="the posture check after the grace period")
        wait_until(lambda: "Posture check" in (self.limber_in_shell() or []), timeout=15,
                   message="the shell to show the posture check")
        self.assertEqual(self.status()["today"]["missed"], 0)
        held = [e for e in self.tenv.history() if e.get("outcome") == "held"]
        self.assertEqual([(e["kind"], e["reason"]) for e in held], [("posture", "gnome_banners")])
        SHOTS.mkdir(parents=True, exist_ok=True)
        ok, why = self.screenshot_to(SHOTS / "gnome-after-do-not-disturb.png")
        if not ok:
            print(f"\n[no screenshot for gnome after do not disturb: {why}]", file=sys.stderr)


class WithPlasma(ServerTests, DaemonTestCase):
    """KDE Plasma 5.27: kwin_wayland --virtual and plasmashell. Every action but the click is
    a button; a body that is not valid XML is cut at the first error."""

    server_label = "kde"
    server_name = "Plasma"

    def start_server(self):
        for tool in ("kwin_wayland", "plasmashell", "spectacle", "kactivitymanagerd"):
            if not harness.shutil.which(tool) and not os.path.exists(
                    f"/usr/lib/x86_64-linux-gnu/libexec/{tool}"):
                self.skipTest(f"{tool} is not installed (packages kwin-wayland, plasma-workspace, kde-spectacle)")
        services = self.tenv.path("services")
        services.mkdir()
        harness.shutil.copy("/usr/share/dbus-1/services/org.kde.ActivityManager.service", services)
        restart_session_bus_with(self, services)
        # The packaged binary carries cap_sys_resource, which a container may not grant at
        # exec: a copy has no file capabilities.
        kwin = self.tenv.path("kwin_wayland")
        harness.shutil.copyfile(harness.shutil.which("kwin_wayland"), kwin)
        kwin.chmod(0o755)
        env = dict(self.tenv.env, **self.bus.env)
        log = self.tenv.path("kwin.log")
        self.kwin = spawn("kwin_wayland", [str(kwin), "--virtual", "--socket", "limber-kde", "--width", "1280",
                                           "--height", "800", "--no-lockscreen"],
                          stdout=subprocess.DEVNULL, stderr=open(log, "wb"), env=env)
        self.addCleanup(stop, self.kwin)

        def wayland():
            if self.kwin.poll() is not None:
                self.skipTest(f"kwin_wayland exited with {self.kwin.returncode}: {tail(log, 8)}")
            return (self.tenv.runtime_dir / "limber-kde").exists()
        wait_until(wayland, timeout=30, message="kwin_wayland's socket")
        self.kde_env = dict(env, WAYLAND_DISPLAY="limber-kde", QT_QPA_PLATFORM="wayland",
                            XDG_CURRENT_DESKTOP="KDE", KDE_FULL_SESSION="true")
        subprocess.run(["dbus-update-activation-environment", "WAYLAND_DISPLAY", "XDG_RUNTIME_DIR",
                        "QT_QPA_PLATFORM", "XDG_CURRENT_DESKTOP", "HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME"],
                       env=self.kde_env, check=True, timeout=10)
        plog = self.tenv.path("plasmashell.log")
        self.plasma = spawn("plasmashell", ["plasmashell", "--no-respawn"], stdout=subprocess.DEVNULL,
                            stderr=open(plog, "wb"), env=self.kde_env)
        self.addCleanup(stop, self.plasma)

        def up():
            if self.plasma.poll() is not None:
                self.skipTest(f"plasmashell exited with {self.plasma.returncode}: {tail(plog, 8)}")
            rc, out, _ = harness.dbus_send(self.bus.address, "org.freedesktop.Notifications",
                                           "/org/freedesktop/Notifications",
                                           "org.freedesktop.Notifications.GetServerInformation")
            return rc == 0 and "Plasma" in out
        wait_until(up, timeout=90, interval=0.5, message="plasmashell on the private bus")

    def answer(self, call, key):
        """Plasma's own path for invoking a notification's action, the one its watchers (KDE
        Connect) use: org.kde.NotificationManager.InvokeAction, handled as a click is. (A
        real pointer click on a Wayland popup needs input injection these tests lack.)"""
        nid = self.monitor.notified_id(call)
        r = subprocess.run(["gdbus", "call", "--address", self.bus.address, "-d", "org.freedesktop.Notifications",
                            "-o", "/org/freedesktop/Notifications", "-m", "org.kde.NotificationManager.InvokeAction",
                            f"uint32 {nid}", key], capture_output=True, text=True, timeout=20)
        self.assertEqual(r.returncode, 0, r.stderr)

    def screenshot_to(self, path):
        tmp = self.tenv.path("shot.png")
        r = subprocess.run(["spectacle", "-b", "-n", "-f", "-o", str(tmp)], env=self.kde_env,
                           capture_output=True, text=True, timeout=60)
        if r.returncode != 0 or not tmp.exists():
            return False, r.stderr.strip()[-300:]
        harness.shutil.copyfile(tmp, path)
        return True, ""
