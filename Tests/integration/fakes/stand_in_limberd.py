#!/usr/bin/python3
"""A Python stand-in for limberd, only to check the integration tests themselves.

It is NOT the product and not a reference for it: it implements just enough of the
contract (control socket protocol, sd_notify, notifications over D-Bus, state and history
files, LIMBER_TEST_SCALE) that the tests can run end to end before the Swift daemon
exists, so a test bug shows up as a test bug. Run the suite against it with

    LIMBERD=Tests/integration/fakes/stand_in_limberd.py LIMBER=<built limber CLI> \\
        /usr/bin/python3 -m unittest discover -s Tests/integration -p 'test_*.py'

Simplifications: no config file, no work hours, no logind, active time is plain
monotonic time times LIMBER_TEST_SCALE, the schedule is saved once a second.
"""

import datetime
import fcntl
import json
import os
import random
import signal
import socket
import sys
import time
import uuid

import dbus
from dbus.mainloop.glib import DBusGMainLoop
from gi.repository import GLib

VERSION = "0.0-stand-in"
CAP = 64 * 1024
IDLE_TIMEOUT = 10.0
RESHOW_DELAY = 300.0
RESHOW_COUNT = 2
SNOOZE_DEFAULT = 300.0
SNOOZE_LIMIT = 3
ACTIONS = ["default", "Open", "done", "Done", "snooze", "Snooze 5 min", "skip", "Skip"]


def log(msg):
    print(f"limberd: {msg}", file=sys.stderr, flush=True)


def sd_notify(text):
    path = os.environ.get("NOTIFY_SOCKET")
    if not path:
        return
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    try:
        s.sendto(text.encode(), path)
    except OSError as e:
        log(f"sd_notify: {e}")
    finally:
        s.close()


class Daemon:
    def __init__(self):
        env = os.environ
        self.scale = float(env.get("LIMBER_TEST_SCALE") or 1)
        runtime = env.get("XDG_RUNTIME_DIR")
        if not runtime:
            log("XDG_RUNTIME_DIR is not set")
            sys.exit(1)
        self.run_dir = os.path.join(runtime, "limber")
        os.makedirs(self.run_dir, mode=0o700, exist_ok=True)
        os.chmod(self.run_dir, 0o700)
        self.lock = open(os.path.join(self.run_dir, "limberd.lock"), "a+")
        try:
            fcntl.flock(self.lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self.lock.seek(0)
            log(f"limberd is already running (pid {self.lock.read().strip()}); stop it with "
                "'systemctl --user stop limber'")
            sys.exit(1)
        self.lock.truncate(0)
        self.lock.write(f"{os.getpid()}\n")
        self.lock.flush()
        home = env.get("HOME", "/")
        state_home = env.get("XDG_STATE_HOME") or os.path.join(home, ".local/state")
        self.state_dir = os.path.join(state_home, "limber")
        os.makedirs(self.state_dir, mode=0o700, exist_ok=True)
        os.chmod(self.state_dir, 0o700)
        self.host = socket.gethostname()
        self.history_path = os.path.join(self.state_dir, f"history-{self.host}.jsonl")
        self.state_path = os.path.join(self.state_dir, "state.json")

        self.last_mono = time.monotonic()
        self.timers = {"posture": {"elapsed": 0.0, "interval": random.randint(1800, 2700),
                                   "snoozes": 0, "hold": 0.0},
                       "routine": {"elapsed": 0.0, "interval": 3600, "snoozes": 0, "hold": 0.0}}
        self.due = None
        self.paused_until = None
        self.paused = False
        self.today = {"due": 0, "done": 0, "snoozed": 0, "skipped": 0, "missed": 0}
        self.load()

        self.available = "unknown"
        self.bus = dbus.SessionBus()
        self.bus.add_signal_receiver(self.on_action, "ActionInvoked",
                                     "org.freedesktop.Notifications")
        self.bus.add_signal_receiver(self.on_closed, "NotificationClosed",
                                     "org.freedesktop.Notifications")

        self.sock_path = os.path.join(self.run_dir, "control.sock")
        if os.path.exists(self.sock_path):
            os.unlink(self.sock_path)  # stale: we hold the lock
        self.server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.server.bind(self.sock_path)
        os.chmod(self.sock_path, 0o600)
        self.server.listen(64)
        self.server.setblocking(False)
        GLib.io_add_watch(self.server.fileno(), GLib.IO_IN, self.on_accept)
        self.clients = {}

        GLib.timeout_add(250, self.tick)
        wd = os.environ.get("WATCHDOG_USEC")
        if wd:
            GLib.timeout_add(max(1, int(wd) // 2000), lambda: (sd_notify("WATCHDOG=1"), True)[1])
        GLib.unix_signal_add(GLib.PRIORITY_HIGH, signal.SIGTERM, self.on_term)
        GLib.unix_signal_add(GLib.PRIORITY_HIGH, signal.SIGINT, self.on_term)
        GLib.unix_signal_add(GLib.PRIORITY_HIGH, signal.SIGHUP, self.on_hup)
        self.loop = GLib.MainLoop()
        if self.due:  # restored on screen: show again in place
            self.show(again=True)
        sd_notify("READY=1\nSTATUS=" + self.summary())

    # --- persistence
    def load(self):
        try:
            with open(self.state_path) as f:
                s = json.load(f)
        except (OSError, ValueError):
            return
        self.timers = s["timers"]
        self.due = s.get("due")
        self.today = s.get("today", self.today)

    def save(self):
        tmp = self.state_path + ".tmp"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            json.dump({"timers": self.timers, "due": self.due, "today": self.today}, f)
        os.replace(tmp, self.state_path)

    def record(self, outcome, kind, **extra):
        now = datetime.datetime.now().astimezone()
        line = {"v": 1, "id": str(uuid.uuid4()), "host": self.host, "kind": kind,
                "outcome": outcome, "at": now.isoformat(timespec="seconds"),
                "ts": int(now.timestamp() * 1000), **extra}
        fd = os.open(self.history_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        with os.fdopen(fd, "a") as f:
            f.write(json.dumps(line) + "\n")
        if outcome == "shown":
            self.today["due"] += 1
        elif outcome in ("done", "snoozed", "skipped", "missed"):
            self.today[outcome] += 1

    # --- schedule
    def tick(self):
        now = time.monotonic()
        dt = (now - self.last_mono) * self.scale
        self.last_mono = now
        if self.paused and self.paused_until and time.time() >= self.paused_until:
            self.paused, self.paused_until = False, None
            self.record("resumed", None, reason="pause-ended")
        if self.due:
            if time.monotonic() >= self.due["next_show"]:
                self.due["shows"] += 1
                if self.due["shows"] > RESHOW_COUNT + 1:
                    self.resolve("missed")
                else:
                    self.record("reshown", self.due["kind"], show=self.due["shows"])
                    self.show(again=True)
        elif not self.paused:
            for kind, t in self.timers.items():
                t["elapsed"] += dt
            for kind in ("routine", "posture"):
                t = self.timers[kind]
                if t["elapsed"] >= t["interval"]:
                    self.make_due(kind)
                    break
        self.save()
        sd_notify("STATUS=" + self.summary())
        return True

    def make_due(self, kind):
        self.due = {"kind": kind, "prompt_id": int(time.time() * 1000), "shows": 1,
                    "since": int(time.time()), "nid": 0, "next_show": 0}
        self.record("shown", kind, show=1)
        self.show()

    def show(self, again=False):
        d = self.due
        d["next_show"] = time.monotonic() + RESHOW_DELAY / self.scale
        final = d["shows"] > RESHOW_COUNT
        try:
            n = dbus.Interface(self.bus.get_object("org.freedesktop.Notifications",
                                                   "/org/freedesktop/Notifications",
                                                   follow_name_owner_changes=True),
                               "org.freedesktop.Notifications")
            nid = n.Notify("limber", dbus.UInt32(d["nid"]), "",
                           "Posture check" if d["kind"] == "posture" else "Movement routine",
                           "Sit back, feet flat.", ACTIONS,
                           {"urgency": dbus.Byte(2 if final else 1)}, dbus.Int32(-1))
            d["nid"] = int(nid)
            self.available = "available"
        except dbus.DBusException as e:
            log(f"cannot show the notification: {e.get_dbus_name()}")
            self.available = "unavailable"

    def withdraw(self):
        nid = self.due and self.due.get("nid")
        if nid:
            try:
                self.bus.call_blocking("org.freedesktop.Notifications",
                                       "/org/freedesktop/Notifications",
                                       "org.freedesktop.Notifications", "CloseNotification",
                                       "u", (dbus.UInt32(nid),))
            except dbus.DBusException as e:
                log(f"close: {e}")

    def restart(self, kind):
        kinds = ("posture", "routine") if kind == "routine" else (kind,)
        for k in kinds:
            t = self.timers[k]
            t["elapsed"] = 0.0
            t["snoozes"] = 0
            if k == "posture":
                t["interval"] = random.randint(1800, 2700)

    def resolve(self, outcome):
        d = self.due
        self.withdraw()
        self.due = None
        self.restart(d["kind"])
        self.record(outcome, d["kind"])

    def answer(self, what, seconds=None):
        if not self.due:
            if what == "done":
                kind = min(self.timers, key=lambda k: self.timers[k]["interval"]
                           - self.timers[k]["elapsed"])
                self.restart(kind)
                self.today["due"] += 1
                self.record("done", kind, early=True)
                return self.ok(f"{kind} done early")
            return self.fail("nothing-due", f"nothing is due to {what}; " + self.summary())
        kind = self.due["kind"]
        if what == "snooze":
            t = self.timers[kind]
            if t["snoozes"] >= SNOOZE_LIMIT:
                return self.fail("snooze-limit", "snoozed 3 times, the limit")
            d = seconds or SNOOZE_DEFAULT
            t["snoozes"] += 1
            self.withdraw()
            self.due = None
            for k, tt in self.timers.items():
                if tt["interval"] - tt["elapsed"] < d:
                    tt["elapsed"] = tt["interval"] - d
            self.record("snoozed", kind, length=d)
            return self.ok(f"{kind} snoozed")
        self.resolve("done" if what == "done" else "skipped")
        return self.ok(f"{kind} {what}")

    def summary(self):
        if self.due:
            return f"{self.due['kind']} check due"
        if self.paused:
            return "paused"
        return ", ".join(f"{k} in {int((t['interval'] - t['elapsed']) / 60)} min"
                         for k, t in self.timers.items())

    def status(self):
        d = None
        if self.due:
            d = {"kind": self.due["kind"], "prompt_id": self.due["prompt_id"],
                 "shown": self.due["shows"],
                 "snoozes_left": SNOOZE_LIMIT - self.timers[self.due["kind"]]["snoozes"],
                 "since": self.due["since"]}
        return {"state": "paused" if self.paused else "active",
                "paused_until": int(self.paused_until) if self.paused_until else None,
                "due": d,
                "next": [{"kind": k, "in_seconds": int(max(0, t["interval"] - t["elapsed"])),
                          "elapsed_seconds": int(t["elapsed"]),
                          "interval_seconds": int(t["interval"])}
                         for k, t in sorted(self.timers.items())],
                "today": self.today, "notifications": self.available, "version": VERSION,
                "pid": os.getpid(), "config_path": None}

    # --- notifications
    def on_action(self, nid, key):
        if not self.due or int(nid) != self.due.get("nid"):
            return
        if key in ("done", "snooze", "skip", "default"):
            self.answer("done" if key == "default" else key)

    def on_closed(self, nid, reason):
        pass

    # --- control socket
    def ok(self, message=None, status=None):
        return {"v": 1, "ok": True, "message": message, "status": status}

    def fail(self, code, message):
        return {"v": 1, "ok": False, "error": {"code": code, "message": message}}

    def handle(self, line):
        try:
            req = json.loads(line)
            if not isinstance(req, dict):
                raise ValueError
        except ValueError:
            return self.fail("bad-json", "the request is not a JSON object on one line")
        if "v" not in req:
            return self.fail("bad-request", "missing protocol version")
        if req["v"] != 1:
            return self.fail("unsupported-version", f"protocol version {req['v']} is not supported")
        cmd = req.get("cmd")
        if cmd == "status":
            return self.ok(status=self.status())
        if cmd in ("done", "skip", "snooze"):
            return self.answer(cmd, req.get("seconds"))
        if cmd == "now":
            kind = req.get("kind", "posture")
            if self.paused:
                return self.fail("paused", "reminders are paused")
            if self.due:
                self.show(again=True)
                return self.ok("showing again")
            self.timers[kind]["elapsed"] = self.timers[kind]["interval"]
            self.make_due(kind)
            return self.ok(f"{kind} due now")
        if cmd == "pause":
            if self.due:
                self.withdraw()
                self.record("withdrawn", self.due["kind"], reason="paused")
                self.due = None
            self.paused = True
            self.paused_until = time.time() + req["seconds"] if req.get("seconds") else None
            self.record("paused", None)
            return self.ok("paused")
        if cmd == "resume":
            if not self.paused:
                return self.fail("not-paused", "reminders are not paused")
            self.paused, self.paused_until = False, None
            self.record("resumed", None, reason="resume")
            return self.ok("resumed")
        if cmd == "reload":
            return self.ok("reloaded")
        return self.fail("unknown-command", f"unknown command '{cmd}'")

    def on_accept(self, fd, cond):
        try:
            conn, _ = self.server.accept()
        except BlockingIOError:
            return True
        conn.setblocking(False)
        c = {"sock": conn, "buf": b"", "out": b"", "discard": False,
             "timer": GLib.timeout_add(int(IDLE_TIMEOUT * 1000), self.on_idle, conn.fileno())}
        c["watch"] = GLib.io_add_watch(conn.fileno(), GLib.IO_IN | GLib.IO_HUP | GLib.IO_ERR,
                                       self.on_readable)
        self.clients[conn.fileno()] = c
        return True

    def drop(self, fd):
        c = self.clients.pop(fd, None)
        if c:
            for src in (c.get("watch"), c.get("timer"), c.get("wwatch")):
                if src:
                    GLib.source_remove(src)
            c["sock"].close()

    def on_idle(self, fd):
        c = self.clients.get(fd)
        if c:
            c["timer"] = None
            self.send(c, self.fail("timeout", "no complete request within 10 s"))
            c["close_after_write"] = True
            self.flush(fd)
        return False

    def send(self, c, obj):
        c["out"] += json.dumps({k: v for k, v in obj.items() if v is not None}).encode() + b"\n"

    def flush(self, fd, *_):
        c = self.clients.get(fd)
        if not c:
            return False
        try:
            n = c["sock"].send(c["out"])
            c["out"] = c["out"][n:]
        except BlockingIOError:
            pass
        except OSError:
            self.drop(fd)
            return False
        if c["out"]:
            if not c.get("wwatch"):
                c["wwatch"] = GLib.io_add_watch(fd, GLib.IO_OUT, self.on_writable)
            return True
        if c.get("close_after_write"):
            self.drop(fd)
        return False

    def on_writable(self, fd, cond):
        c = self.clients.get(fd)
        if not c:
            return False
        keep = self.flush(fd)
        if not keep and fd in self.clients:
            self.clients[fd]["wwatch"] = None
        if fd in self.clients and not c["watch"] and len(c["out"]) <= 256 * 1024:
            c["watch"] = GLib.io_add_watch(fd, GLib.IO_IN | GLib.IO_HUP | GLib.IO_ERR,
                                           self.on_readable)
        return keep

    def on_readable(self, fd, cond):
        c = self.clients.get(fd)
        if not c:
            return False
        if len(c["out"]) > 256 * 1024:  # not reading answers: stop reading requests
            c["watch"] = None
            return False
        try:
            data = c["sock"].recv(65536)
        except BlockingIOError:
            return True
        except OSError:
            data = b""
        if not data:
            self.drop(fd)
            return False
        if c["timer"]:
            GLib.source_remove(c["timer"])
            c["timer"] = GLib.timeout_add(int(IDLE_TIMEOUT * 1000), self.on_idle, fd)
        for byte_line in self.frame(c, data):
            if byte_line is None:
                self.send(c, self.fail("line-too-long", "request lines are at most 64 KiB"))
            else:
                self.send(c, self.handle(byte_line))
        self.flush(fd)
        return True

    def frame(self, c, data):
        items = []
        buf = c["buf"] + data
        while True:
            i = buf.find(b"\n")
            if i < 0:
                break
            line, buf = buf[:i], buf[i + 1:]
            if c["discard"]:
                c["discard"] = False
                continue
            items.append(None if len(line) > CAP else line)
        if not c["discard"] and len(buf) > CAP:
            c["discard"] = True
            items.append(None)
            buf = b""
        elif c["discard"]:
            buf = b""
        c["buf"] = buf
        return items

    # --- signals
    def on_term(self):
        sd_notify("STOPPING=1")
        self.save()
        self.loop.quit()
        return False

    def on_hup(self):
        sd_notify(f"RELOADING=1\nMONOTONIC_USEC={int(time.monotonic() * 1e6)}")
        sd_notify("READY=1")
        return True


def main():
    if "--version" in sys.argv:
        print(f"limberd {VERSION}")
        return 0
    DBusGMainLoop(set_as_default=True)
    d = Daemon()
    d.loop.run()
    os.unlink(d.sock_path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
