"""Reusable pieces for limber's integration tests (stdlib only, run with /usr/bin/python3).

Everything a test starts (dbus-daemon, the fake notification server, Xvfb, dunst, limberd)
is a child process of the test runner, listens on Unix sockets inside a private temp folder
(Xvfb: on a display number checked to be free), is tracked by its Popen object and stopped
by the test's cleanups, and again by an atexit hook if a test is interrupted. Nothing is
ever stopped by name. Children are started through `setpriv --pdeathsig TERM` when it is
available, so even a SIGKILLed test runner does not leave them behind.

Environment:
    LIMBERD, LIMBER   paths of the binaries (default .build/debug/limberd, .build/debug/limber,
                      relative to the repository root)
    LIMBER_IT_KEEP=1  keep each test's temp folder and print where it is
"""

import atexit
import glob
import json
import os
import pwd
import re
import select
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import threading
import time
import unittest
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
FAKES = HERE / "fakes"

# The fakes need python3-dbus and python3-gi, which only the system Python has.
SYSTEM_PYTHON = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable


def _binary(var, default):
    value = os.environ.get(var)
    if value:
        return str(Path(value).resolve())
    return str(REPO / default)


LIMBERD = _binary("LIMBERD", ".build/debug/limberd")
LIMBER = _binary("LIMBER", ".build/debug/limber")

KEEP = os.environ.get("LIMBER_IT_KEEP") == "1"


def require_binaries(*paths):
    """Skips the calling test module when a binary has not been built yet."""
    for path in paths or (LIMBERD, LIMBER):
        if not os.path.isfile(path):
            name = os.path.basename(path)
            raise unittest.SkipTest(f"{name} not built at {path}; run make build")


def require_commands(*names):
    missing = [n for n in names if shutil.which(n) is None]
    if missing:
        raise unittest.SkipTest("missing " + ", ".join(missing) +
                                " (Debian: dbus dunst xvfb x11-utils libnotify-bin systemd)")


def require_python_modules():
    r = subprocess.run([SYSTEM_PYTHON, "-c", "import dbus, gi; from gi.repository import GLib"],
                       capture_output=True, text=True)
    if r.returncode != 0:
        raise unittest.SkipTest(f"{SYSTEM_PYTHON} lacks python3-dbus/python3-gi: {r.stderr.strip()}")


# ---------------------------------------------------------------------------------------
# Child processes

_live = {}  # pid -> (Popen, label)
_PDEATHSIG = ["setpriv", "--pdeathsig", "TERM", "--"] if shutil.which("setpriv") else []


def spawn(label, argv, **kwargs):
    """Popen, remembered until stop() so the atexit hook can end it."""
    kwargs.setdefault("stdin", subprocess.DEVNULL)
    try:
        p = subprocess.Popen(_PDEATHSIG + [str(a) for a in argv], **kwargs)
    finally:
        for key in ("stdout", "stderr"):  # log files opened for the child: its copy is enough
            f = kwargs.get(key)
            if hasattr(f, "close"):
                f.close()
    _live[p.pid] = (p, label)
    return p


def stop(p, sig=signal.SIGTERM, timeout=10.0):
    """Signals one child we started, waits for it (SIGKILL after timeout); returns its exit code.

    A negative code means killed by that signal, like Popen.returncode.
    """
    if p is None:
        return None
    if p.poll() is None:
        try:
            p.send_signal(sig)
        except ProcessLookupError:
            pass
        try:
            p.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
    _live.pop(p.pid, None)
    for f in (p.stdout, p.stderr):
        if f:
            f.close()
    return p.returncode


def _stop_all():
    for pid, (p, label) in list(_live.items()):
        stop(p, timeout=3)


atexit.register(_stop_all)
# Turn SIGTERM of the runner into a normal exit, so atexit (and with it _stop_all) runs.
if signal.getsignal(signal.SIGTERM) == signal.SIG_DFL:
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(128 + signal.SIGTERM))


def _read_line(p, timeout, what):
    """First line of a child's stdout, or an AssertionError saying what happened."""
    deadline = time.monotonic() + timeout
    buf = b""
    fd = p.stdout.fileno()
    while b"\n" not in buf:
        left = deadline - time.monotonic()
        if left <= 0:
            raise AssertionError(f"{what}: no output within {timeout}s")
        r, _, _ = select.select([fd], [], [], left)
        if r:
            chunk = os.read(fd, 4096)
            if not chunk:
                rc = p.wait(timeout=5)
                raise AssertionError(f"{what}: exited with {rc} before it was ready")
            buf += chunk
    return buf.split(b"\n", 1)[0].decode()


def wait_until(predicate, timeout=10.0, interval=0.05, message="condition"):
    """Polls predicate() until it returns something truthy; returns that, or fails."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {message}")
        time.sleep(interval)


def tail(path, lines=40):
    try:
        with open(path, errors="replace") as f:
            return "".join(f.readlines()[-lines:])
    except OSError:
        return ""


# ---------------------------------------------------------------------------------------
# Temp folder and environment

_INHERITED_DROP = {
    "DISPLAY", "WAYLAND_DISPLAY", "JOURNAL_STREAM", "INVOCATION_ID", "SYSTEMD_EXEC_PID",
    "MANAGERPID", "SESSION_MANAGER", "DESKTOP_STARTUP_ID", "XAUTHORITY",
}
_INHERITED_DROP_PREFIXES = ("XDG_", "LIMBER_", "DBUS_", "NOTIFY_", "WATCHDOG_", "LISTEN_",
                            "SWIFT_BACKTRACE")


class TempEnv:
    """A private temp folder with its own HOME and XDG folders, and a clean env for children.

    Inherited variables that could connect a child to the real session (DISPLAY, the session
    bus, NOTIFY_SOCKET, JOURNAL_STREAM, XDG_*) are dropped. DBUS_SYSTEM_BUS_ADDRESS points
    at a socket that does not exist, so limberd finds no logind, here or on a CI machine that
    has one (a fake logind can be put there later).
    """

    def __init__(self, label="t"):
        # Short path under /tmp: Unix socket paths are limited to 107 bytes.
        self.root = Path(tempfile.mkdtemp(prefix=f"limber-it.{label}.", dir="/tmp"))
        os.chmod(self.root, 0o700)
        self.home = self.root / "home"
        self.config_home = self.root / "config"
        self.state_home = self.root / "state"
        self.runtime_dir = self.root / "run"
        for d in (self.home, self.config_home, self.state_home, self.runtime_dir,
                  self.root / "data", self.root / "cache"):
            d.mkdir(mode=0o700)
        os.chmod(self.runtime_dir, 0o700)
        env = {k: v for k, v in os.environ.items()
               if k not in _INHERITED_DROP and not k.startswith(_INHERITED_DROP_PREFIXES)}
        env.update({
            "HOME": str(self.home),
            "XDG_CONFIG_HOME": str(self.config_home),
            "XDG_STATE_HOME": str(self.state_home),
            "XDG_RUNTIME_DIR": str(self.runtime_dir),
            "XDG_DATA_HOME": str(self.root / "data"),
            "XDG_CACHE_HOME": str(self.root / "cache"),
            "DBUS_SYSTEM_BUS_ADDRESS": f"unix:path={self.root}/no-system-bus",
            "LANG": "C.UTF-8",
            "LC_ALL": "C.UTF-8",
        })
        self.env = env
        self._closed = False

    # limber's own paths (the contract in Sources/LimberProtocol/Paths.swift)
    @property
    def socket_path(self):
        return self.runtime_dir / "limber" / "control.sock"

    @property
    def state_dir(self):
        return self.state_home / "limber"

    @property
    def state_file(self):
        return self.state_dir / "state.json"

    def history_files(self):
        return sorted(glob.glob(str(self.state_dir / "history-*.jsonl")))

    def history(self):
        """Every history line of every host file, parsed; raises on a line that is not JSON."""
        entries = []
        for path in self.history_files():
            with open(path, encoding="utf-8") as f:
                for n, line in enumerate(f, 1):
                    if not line.strip():
                        continue
                    try:
                        entries.append(json.loads(line))
                    except ValueError as e:
                        raise AssertionError(f"{path}:{n}: not JSON ({e}): {line!r}")
        return entries

    def outcomes(self):
        return [e.get("outcome") for e in self.history()]

    def path(self, *parts):
        return self.root.joinpath(*parts)

    def cli(self, *args, timeout=15, env=None):
        return cli(*args, env=dict(self.env, **(env or {})), timeout=timeout)

    def cleanup(self):
        if self._closed:
            return
        self._closed = True
        if KEEP:
            print(f"\n[kept {self.root}]", file=sys.stderr)
        else:
            shutil.rmtree(self.root, ignore_errors=True)


def cli(*args, env, timeout=15):
    """Runs `limber ARGS`; returns (returncode, stdout, stderr)."""
    r = subprocess.run([LIMBER, *[str(a) for a in args]], env=env, capture_output=True,
                       text=True, timeout=timeout, stdin=subprocess.DEVNULL)
    return r.returncode, r.stdout, r.stderr


# ---------------------------------------------------------------------------------------
# A private session bus

BUS_CONFIG = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<!-- A session bus for one test. No <servicedir>, <standard_session_servicedirs/> or
     <include>: nothing can be auto-started on it (the stock session.conf would start dunst
     from /usr/share/dbus-1/services on the first call to org.freedesktop.Notifications). -->
<busconfig>
  <type>session</type>
  <keep_umask/>
  <listen>unix:path={socket}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"""


class PrivateBus:
    """dbus-daemon on a Unix socket in the temp folder, with a config that activates nothing.

    Run with --nofork rather than --fork: the daemon stays our child, so it is stopped by its
    Popen (no PID reuse risk) and reaped by us. (Forked daemons are reparented to PID 1,
    which on these machines leaves them as zombies, so "is the PID gone" never comes true.)
    """

    def __init__(self, tenv, name="session"):
        self.tenv = tenv
        self.name = name
        self.socket = tenv.path(f"{name}.bus")
        self.config = tenv.path(f"{name}-bus.conf")
        self.process = None
        self.address = None

    def start(self, timeout=10):
        self.config.write_text(BUS_CONFIG.format(socket=self.socket))
        self.process = spawn(f"dbus-daemon[{self.name}]",
                             ["dbus-daemon", f"--config-file={self.config}", "--nofork",
                              "--print-address=1"],
                             stdout=subprocess.PIPE,
                             stderr=open(self.tenv.path(f"{self.name}-bus.log"), "wb"),
                             env=self.tenv.env)
        self.address = _read_line(self.process, timeout, "dbus-daemon")
        return self

    @property
    def env(self):
        return {"DBUS_SESSION_BUS_ADDRESS": self.address}

    def stop(self):
        stop(self.process)
        self.process = None


def dbus_send(address, dest, path, method, *args, timeout=5):
    """dbus-send on a given bus; returns (returncode, stdout, stderr)."""
    r = subprocess.run(["dbus-send", f"--bus={address}", "--print-reply=literal",
                        f"--reply-timeout={int(timeout * 1000)}", f"--dest={dest}", path, method,
                        *args], capture_output=True, text=True, timeout=timeout + 5)
    return r.returncode, r.stdout, r.stderr


# ---------------------------------------------------------------------------------------
# The recording fake notification server

class FakeNotifications:
    """fakes/notification_server.py on a PrivateBus; tests read its record file."""

    CONTROL = ("org.limber.TestNotifications", "/org/limber/TestNotifications",
               "org.limber.TestNotifications")
    _count = 0

    def __init__(self, tenv, bus, capabilities=None, hang=False):
        FakeNotifications._count += 1
        self.tenv = tenv
        self.bus = bus
        # None: the fake's own list; else these, as GetCapabilities answers them.
        self.capabilities = capabilities
        self.hang = hang
        self.record = tenv.path(f"notifications.{FakeNotifications._count}.jsonl")
        self.log = tenv.path(f"notifications.{FakeNotifications._count}.log")
        self.process = None

    def start(self, timeout=15):
        self.process = spawn("fake-notifications",
                             [SYSTEM_PYTHON, FAKES / "notification_server.py",
                              "--record", self.record]
                             + [f"--capability={c}" for c in (self.capabilities or [])]
                             + (["--no-default-capabilities"] if self.capabilities is not None else [])
                             + (["--hang"] if self.hang else []),
                             stdout=subprocess.PIPE, stderr=open(self.log, "wb"),
                             env=dict(self.tenv.env, **self.bus.env))
        try:
            line = _read_line(self.process, timeout, "fake notification server")
        except AssertionError as e:
            raise AssertionError(f"{e}\n{tail(self.log)}")
        if line != "ready":
            raise AssertionError(f"fake notification server said {line!r}\n{tail(self.log)}")
        return self

    def stop(self):
        rc = stop(self.process)
        self.process = None
        return rc

    # Reading the record
    def calls(self):
        """Everything recorded so far (calls and emitted signals), oldest first."""
        entries = []
        try:
            with open(self.record, encoding="utf-8") as f:
                for line in f:
                    if line.endswith("\n"):  # a line still being written is skipped
                        entries.append(json.loads(line))
        except FileNotFoundError:
            pass
        return entries

    def notify_calls(self):
        return [c for c in self.calls() if c.get("method") == "Notify"]

    def close_calls(self):
        return [c for c in self.calls() if c.get("method") == "CloseNotification"]

    def wait_for(self, predicate, timeout=10.0, message="a matching call"):
        """The first recorded entry for which predicate(entry) is true (polls the record)."""
        def find():
            for c in self.calls():
                if predicate(c):
                    return c
            return None
        try:
            return wait_until(find, timeout=timeout, message=message)
        except AssertionError as e:
            raise AssertionError(f"{e}; recorded:\n{self.summary()}") from None

    def wait_for_notify(self, after_seq=0, timeout=10.0):
        return self.wait_for(lambda c: c.get("method") == "Notify" and c["seq"] > after_seq,
                             timeout=timeout, message=f"a Notify call after #{after_seq}")

    def last_seq(self):
        calls = self.calls()
        return calls[-1]["seq"] if calls else 0

    def summary(self, last=30):
        out = []
        for c in self.calls()[-last:]:
            name = c.get("method") or "signal " + c.get("signal", "?")
            args = dict(c.get("args", {}))
            out.append(f"  #{c['seq']} {name} {json.dumps(args, sort_keys=True)}"
                       + (f" -> {c['id']}" if "id" in c else ""))
        return "\n".join(out) or "  (nothing)"

    # Test control
    def _control(self, method, *args):
        name, path, iface = self.CONTROL
        rc, out, err = dbus_send(self.bus.address, name, path, f"{iface}.{method}", *args)
        if rc != 0:
            raise AssertionError(f"{method} on the fake failed: {err.strip()}")
        return out

    def invoke(self, nid, key):
        """The user picks an action: ActionInvoked(id, key), then NotificationClosed(id, 2)."""
        self._control("InvokeAction", f"uint32:{nid}", f"string:{key}")

    def invoke_only(self, nid, key):
        """ActionInvoked(id, key) without closing (a resident notification)."""
        self._control("InvokeActionOnly", f"uint32:{nid}", f"string:{key}")

    def dismiss(self, nid):
        self._control("Dismiss", f"uint32:{nid}")

    def expire(self, nid):
        self._control("Expire", f"uint32:{nid}")

    def set_inhibited(self, on):
        """Do not disturb on or off, as the server's Inhibited property (PropertiesChanged)."""
        self._control("SetInhibited", f"boolean:{'true' if on else 'false'}")

    def set_hang(self, hang):
        """From now on Notify and CloseNotification are taken and never answered (or again are)."""
        self._control("SetHang", f"boolean:{'true' if hang else 'false'}")


# ---------------------------------------------------------------------------------------
# sd_notify receiver

class NotifySocket:
    """An AF_UNIX datagram socket for NOTIFY_SOCKET, read by a background thread.

    Each datagram may carry several K=V lines; messages() returns them as dicts, oldest
    first. File descriptors passed along (sd_notify_barrier's BARRIER=1, FDSTORE=1) are
    closed at once, which is what releases a barrier: systemd-notify(1) of systemd 252 waits
    for that and otherwise fails with "Failed to invoke barrier".
    """

    def __init__(self, tenv, name="notify"):
        self.path = str(tenv.path(name + ".sock"))
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(self.path)
        self.sock.settimeout(0.2)
        self._messages = []  # (monotonic time, dict)
        self._cond = threading.Condition()
        self._closed = False
        self._thread = threading.Thread(target=self._run, name="notify-socket", daemon=True)
        self._thread.start()

    @property
    def env(self):
        return {"NOTIFY_SOCKET": self.path}

    def _run(self):
        fd_size = socket.CMSG_SPACE(64 * 4)
        while not self._closed:
            try:
                data, ancdata, _, _ = self.sock.recvmsg(65536, fd_size)
            except socket.timeout:
                continue
            except OSError:
                return
            for level, kind, cdata in ancdata:
                if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
                    n = len(cdata) // 4
                    for fd in memoryview(cdata)[:n * 4].cast("i"):
                        os.close(fd)
            message = {}
            for line in data.decode("utf-8", "replace").split("\n"):
                if "=" in line:
                    k, v = line.split("=", 1)
                    message[k] = v
            with self._cond:
                self._messages.append((time.monotonic(), message))
                self._cond.notify_all()

    def messages(self, since=0):
        """Datagrams received so far (from index `since`), as dicts."""
        with self._cond:
            return [m for _, m in self._messages[since:]]

    def timed_messages(self, since=0):
        with self._cond:
            return list(self._messages[since:])

    def mark(self):
        """An index for messages(since=...) / wait_for(since=...): 'from now on'."""
        with self._cond:
            return len(self._messages)

    def wait_for(self, key, value=None, timeout=10.0, since=0):
        """The first message (from index since) with key (= value); None on timeout."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                for _, m in self._messages[since:]:
                    if key in m and (value is None or m[key] == value):
                        return m
                left = deadline - time.monotonic()
                if left <= 0:
                    return None
                self._cond.wait(min(left, 0.2))

    def values(self, key, since=0):
        return [m[key] for m in self.messages(since) if key in m]

    def close(self):
        self._closed = True
        self._thread.join(timeout=2)
        self.sock.close()
        try:
            os.unlink(self.path)
        except FileNotFoundError:
            pass


# ---------------------------------------------------------------------------------------
# limberd

class Limberd:
    """The daemon under test: started with the temp env, stdout/stderr captured per start."""

    def __init__(self, tenv, bus=None, notify=None, watchdog_usec=None, test_scale=None,
                 env=None, args=(), binary=None):
        self.tenv = tenv
        self.bus = bus
        self.notify = notify
        self.watchdog_usec = watchdog_usec
        self.test_scale = test_scale
        self.extra_env = dict(env or {})
        self.args = list(args)
        self.binary = binary or LIMBERD
        self.process = None
        self.starts = 0
        self.stdout_path = self.stderr_path = None
        self.returncode = None
        # Scheduler seconds advance() moved the scaled clock on; a restart starts from there.
        self.skipped = 0

    def child_env(self):
        env = dict(self.tenv.env)
        if self.bus:
            env.update(self.bus.env)
        if self.notify:
            env.update(self.notify.env)
        if self.watchdog_usec is not None:
            env["WATCHDOG_USEC"] = str(self.watchdog_usec)
        if self.test_scale is not None:
            env["LIMBER_TEST_SCALE"] = str(self.test_scale)
            if self.skipped:
                env["LIMBER_TEST_SKIPPED"] = str(self.skipped)
        # The first start's safety notice (once per state folder) would be one more
        # notification for every test to count; test_guided.py turns it back on to test it.
        env["LIMBER_TEST_SAFETY_NOTICE"] = "off"
        env.update(self.extra_env)
        return env

    @property
    def pid(self):
        return self.process.pid if self.process else None

    def alive(self):
        return self.process is not None and self.process.poll() is None

    def start(self, wait_ready=True, timeout=15):
        """Starts limberd; with wait_ready, returns once READY=1 arrived (or the socket
        answers, without a notify socket). Fails with its stderr if it exits first."""
        self.starts += 1
        base = self.tenv.path(f"limberd.{self.starts}")
        self.stdout_path = Path(f"{base}.stdout")
        self.stderr_path = Path(f"{base}.stderr")
        mark = self.notify.mark() if self.notify else 0
        self.returncode = None
        self.process = spawn("limberd", [self.binary, *self.args],
                             stdout=open(self.stdout_path, "wb"),
                             stderr=open(self.stderr_path, "wb"),
                             env=self.child_env())
        if wait_ready:
            self.wait_ready(since=mark, timeout=timeout)
        return self

    def wait_ready(self, since=0, timeout=15):
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                raise AssertionError(f"limberd exited with {self.process.returncode} before it was "
                                     f"ready; stderr:\n{self.stderr()}")
            if self.notify:
                if self.notify.wait_for("READY", "1", timeout=0.05, since=since):
                    return
            elif self._socket_answers():
                return
            if time.monotonic() >= deadline:
                what = "READY=1 on NOTIFY_SOCKET" if self.notify else "the control socket"
                raise AssertionError(f"limberd gave no {what} within {timeout}s; stderr:\n"
                                     f"{self.stderr()}")
            time.sleep(0.05)

    def _socket_answers(self):
        try:
            with ControlClient(self.tenv.socket_path, timeout=1) as c:
                return c.request({"v": 1, "cmd": "status"}).get("ok") is True
        except (OSError, ValueError, AssertionError):
            return False

    def advance(self, seconds):
        """Moves limberd's scaled clock `seconds` of scheduler time on at once, as if the user had
        sat at the desk that long, and returns the status after it (debug builds with
        test_scale only: the `debug-advance` request). Tests use it instead of sleeping: a
        sleep slips on a loaded machine, and at 60x each second of slip is a minute."""
        with ControlClient(self.tenv.socket_path) as c:
            answer = c.request({"v": 1, "cmd": "debug-advance", "seconds": int(seconds)})
        if answer.get("ok") is not True:
            raise AssertionError(f"debug-advance {seconds} refused: {answer}")
        self.skipped += int(seconds)
        return answer.get("status")

    def wait_exit(self, timeout=10):
        """Waits for limberd to exit by itself; returns its exit code."""
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            raise AssertionError(f"limberd still running after {timeout}s; stderr:\n"
                                 f"{self.stderr()}") from None
        return self.stop()

    def stop(self, sig=signal.SIGTERM, timeout=10):
        """Sends sig (default SIGTERM), waits; returns the exit code (negative: killed)."""
        if self.process is None:
            return self.returncode
        self.returncode = stop(self.process, sig=sig, timeout=timeout)
        self.process = None
        return self.returncode

    def kill9(self):
        return self.stop(sig=signal.SIGKILL)

    def restart(self, sig=signal.SIGTERM, **kwargs):
        self.stop(sig=sig)
        return self.start(**kwargs)

    def stderr(self, lines=60):
        return tail(self.stderr_path, lines) if self.stderr_path else ""


class ControlClient:
    """A raw client of limberd's control socket, for protocol-level tests."""

    def __init__(self, path, timeout=5):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(timeout)
        self.sock.connect(str(path))
        self.buffer = b""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def send(self, data):
        """Sends bytes; returns False if the daemon closed the connection meanwhile."""
        try:
            self.sock.sendall(data)
            return True
        except (BrokenPipeError, ConnectionResetError):
            return False

    def read_line(self, timeout=5):
        """One line (without newline), b'' at EOF; raises socket.timeout."""
        self.sock.settimeout(timeout)
        deadline = time.monotonic() + timeout
        while b"\n" not in self.buffer:
            self.sock.settimeout(max(0.01, deadline - time.monotonic()))
            try:
                chunk = self.sock.recv(65536)
            except ConnectionResetError:
                chunk = b""
            if not chunk:
                line, self.buffer = self.buffer, b""
                return line
            self.buffer += chunk
        line, self.buffer = self.buffer.split(b"\n", 1)
        return line

    def read_json(self, timeout=5):
        line = self.read_line(timeout)
        if not line:
            raise AssertionError("limberd closed the connection without an answer")
        try:
            return json.loads(line)
        except ValueError:
            raise AssertionError(f"limberd answered with a line that is not JSON: {line[:200]!r}")

    def request(self, obj, timeout=5):
        self.send(json.dumps(obj).encode() + b"\n")
        return self.read_json(timeout)

    def close(self):
        self.sock.close()


# ---------------------------------------------------------------------------------------
# Real tier: Xvfb and dunst

class Xvfb:
    """Xvfb on a free display (no TCP); ready when it writes its display number to -displayfd."""

    def __init__(self, tenv, first=90, last=199):
        self.tenv = tenv
        self.range = range(first, last + 1)
        self.process = None
        self.display = None

    @staticmethod
    def _free(n):
        return not (os.path.exists(f"/tmp/.X11-unix/X{n}") or os.path.exists(f"/tmp/.X{n}-lock"))

    def start(self, timeout=10):
        for n in self.range:
            if not self._free(n):
                continue
            r, w = os.pipe()
            p = spawn("Xvfb", ["Xvfb", f":{n}", "-displayfd", str(w), "-nolisten", "tcp",
                               "-screen", "0", "1280x800x24", "-noreset"],
                      pass_fds=(w,), stdout=subprocess.DEVNULL,
                      stderr=open(self.tenv.path(f"xvfb.{n}.log"), "wb"), env=self.tenv.env)
            os.close(w)
            got = b""
            deadline = time.monotonic() + timeout
            while b"\n" not in got and time.monotonic() < deadline:
                ready, _, _ = select.select([r], [], [], max(0, deadline - time.monotonic()))
                if not ready:
                    break
                chunk = os.read(r, 64)
                if not chunk:
                    break
                got += chunk
            os.close(r)
            if got.strip() == str(n).encode():
                self.process = p
                self.display = f":{n}"
                return self
            stop(p)  # lost a race for this display, or failed: try the next one
            if b"\n" not in got and time.monotonic() >= deadline:
                raise AssertionError(f"Xvfb :{n} did not start within {timeout}s:\n"
                                     f"{tail(self.tenv.path(f'xvfb.{n}.log'))}")
        raise AssertionError("no free X display in " + repr(self.range))

    @property
    def env(self):
        return {"DISPLAY": self.display}

    def stop(self):
        stop(self.process)
        self.process = None


SWAY_CONFIG = """# headless sway for limber's tests: one output, nothing else started
output HEADLESS-1 resolution 800x600
"""


class HeadlessSway:
    """sway with the headless backend, as `nobody` when we are root (sway refuses root).

    Not root, it shares the test's runtime folder, as a compositor in a real session shares
    XDG_RUNTIME_DIR with limberd. As root, sway (as nobody) gets a runtime folder of its own and
    clients are given its socket as an absolute WAYLAND_DISPLAY: limberd and the CLI refuse a
    runtime folder that belongs to another user, so the test's folder stays root's.
    """

    def __init__(self, tenv):
        self.tenv = tenv
        self.process = None
        self.display = None
        self.log = tenv.path("sway.log")

    @staticmethod
    def unprivileged():
        """(uid, gid) to run sway as, or None when we are not root."""
        if os.geteuid() != 0:
            return None
        user = pwd.getpwnam("nobody")
        return user.pw_uid, user.pw_gid

    def prepare(self):
        ids = self.unprivileged()
        self.config = self.tenv.path("sway.conf")
        self.config.write_text(SWAY_CONFIG)
        self.home = self.tenv.path("sway-home")
        self.home.mkdir(exist_ok=True)
        self.run_dir = self.tenv.runtime_dir
        if ids:
            # nobody passes through the test folder (not list it) to its own folders.
            os.chmod(self.tenv.root, 0o711)
            os.chmod(self.config, 0o644)
            self.run_dir = self.tenv.path("sway-run")
            self.run_dir.mkdir(mode=0o700, exist_ok=True)
            for d in (self.run_dir, self.home):
                os.chown(d, *ids)

    def start(self, timeout=15):
        if self.process is None and not hasattr(self, "config"):
            self.prepare()
        ids = self.unprivileged()
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(self.home),
            "XDG_RUNTIME_DIR": str(self.run_dir),
            "WLR_BACKENDS": "headless",
            "WLR_LIBINPUT_NO_DEVICES": "1",
            "WLR_RENDERER": "pixman",
            "LANG": "C.UTF-8",
        }
        argv = ["sway", "-c", self.config]
        if ids:
            # --pdeathsig again: a change of user clears the one set before it.
            argv = ["setpriv", f"--reuid={ids[0]}", f"--regid={ids[1]}", "--clear-groups",
                    "--pdeathsig", "TERM", "--"] + argv
        existing = set(self.sockets())
        self.process = spawn("sway", argv, stdout=subprocess.DEVNULL, stderr=open(self.log, "ab"), env=env)

        def up():
            if self.process.poll() is not None:
                raise AssertionError(f"sway exited with {self.process.returncode}:\n{tail(self.log)}")
            new = [s for s in self.sockets() if s not in existing] or self.sockets()
            return new[0] if new else None
        self.display = wait_until(up, timeout=timeout, message="sway's Wayland socket")
        return self

    def sockets(self):
        return sorted(p.name for p in self.run_dir.glob("wayland-*") if not p.name.endswith(".lock"))

    @property
    def env(self):
        display = self.display if self.run_dir == self.tenv.runtime_dir else str(self.run_dir / self.display)
        return {"WAYLAND_DISPLAY": display, "XDG_RUNTIME_DIR": str(self.tenv.runtime_dir)}

    def type(self, text="a"):
        subprocess.run(["wtype", text], env=dict(self.tenv.env, **self.env), check=True, timeout=10,
                       capture_output=True)

    def globals(self):
        """Interface names the compositor offers (wayland-info), or None without the tool."""
        if shutil.which("wayland-info") is None:
            return None
        r = subprocess.run(["wayland-info"], env=dict(self.tenv.env, **self.env), capture_output=True,
                           text=True, timeout=10)
        return set(re.findall(r"interface: '([^']+)'", r.stdout))

    def stop(self):
        stop(self.process)
        self.process = None


DMENU_SCRIPT = """#!/bin/sh
# dunst's context menu ("dmenu = " in dunstrc) for tests. dunst writes one line per action
# of every displayed notification, e.g.  #Snooze 5 min (Posture check) [3,snooze]
# (the last line has no newline). We answer with the first line containing the pattern in
# {choice} (e.g. "[3,snooze]" or ",snooze]"), or nothing, which dunst treats as "cancel".
cat > {input}
choice=$(cat {choice} 2>/dev/null)
picked=""
if [ -n "$choice" ]; then
    picked=$(grep -F -- "$choice" {input} | head -n 1)
fi
printf '%s\\n' "$picked"
printf '%s\\n' "$picked" >> {log}
"""

DUNSTRC = """# dunstrc for limber's real-tier tests
[global]
dmenu = {dmenu}
browser = /bin/true
# Nothing expires and nothing is held back, so counts are stable.
idle_threshold = 0
show_age_threshold = -1
notification_limit = 0
sticky_history = yes
history_length = 100

[urgency_low]
timeout = 0

[urgency_normal]
timeout = 0

[urgency_critical]
timeout = 0
"""


class Dunst:
    """dunst under Xvfb on a PrivateBus, controlled with dunstctl.

    What dunst 1.9.0 does (checked on bookworm):
      * `dunstctl count displayed` counts notifications on screen; `history` counts closed
        ones; `dunstctl history` (busctl --user, which honours DBUS_SESSION_BUS_ADDRESS)
        lists closed ones only.
      * `dunstctl action N` invokes the "default" action of the N-th displayed notification.
      * Other actions only through the context menu: `dunstctl context` runs the `dmenu`
        command of dunstrc, feeding it lines "#<label> (<summary>) [<id>,<key>]", and invokes
        the action of the line it prints back. `dunstctl context` returns at once; the menu
        runs in a dunst thread.
      * After an action is invoked, dunst does NOT close the notification: it stays on
        screen until the sender calls CloseNotification (notify-send does so itself).
    """

    def __init__(self, tenv, bus, xvfb):
        self.tenv = tenv
        self.bus = bus
        self.xvfb = xvfb
        self.dir = tenv.path("dunst")
        self.process = None

    @property
    def env(self):
        return dict(self.tenv.env, **self.bus.env, **self.xvfb.env)

    def start(self, timeout=10):
        self.dir.mkdir(exist_ok=True)
        self.input = self.dir / "dmenu.in"
        self.choice = self.dir / "dmenu.choice"
        self.menu_log = self.dir / "dmenu.log"
        self.menu_log.write_text("")
        dmenu = self.dir / "dmenu.sh"
        dmenu.write_text(DMENU_SCRIPT.format(input=self.input, choice=self.choice,
                                             log=self.menu_log))
        dmenu.chmod(0o755)
        self.rc = self.dir / "dunstrc"
        self.rc.write_text(DUNSTRC.format(dmenu=dmenu))
        self.log = self.dir / "dunst.log"
        self.process = spawn("dunst", ["dunst", "-config", self.rc], stdout=subprocess.DEVNULL,
                             stderr=open(self.log, "wb"), env=self.env)

        def up():
            if self.process.poll() is not None:
                raise AssertionError(f"dunst exited with {self.process.returncode}:\n"
                                     f"{tail(self.log)}")
            return self.ctl("debug", check=False)[0] == 0  # also checks the server is dunst
        wait_until(up, timeout=timeout, message="dunst on the private bus")
        return self

    def stop(self):
        stop(self.process)
        self.process = None

    def ctl(self, *args, check=True):
        r = subprocess.run(["dunstctl", *args], env=self.env, capture_output=True, text=True,
                           timeout=10)
        if check and r.returncode != 0:
            raise AssertionError(f"dunstctl {' '.join(args)} failed: {r.stderr.strip()}")
        return r.returncode, r.stdout, r.stderr

    def count(self, which="displayed"):
        return int(self.ctl("count", which)[1].strip())

    def count_displayed(self):
        return self.count("displayed")

    def history(self):
        """Closed notifications, newest first, as plain dicts (id, summary, body, appname...)."""
        out = self.ctl("history")[1]
        data = json.loads(out)["data"][0]
        return [{k: v["data"] for k, v in n.items()} for n in data]

    def action_default(self, position=0):
        """`dunstctl action N`: the default action of the N-th displayed notification."""
        self.ctl("action", str(position))

    def invoke_action(self, key, nid=None, timeout=5):
        """Picks action `key` (of notification nid, or of any) through the context menu.

        Returns the menu line that was picked; fails if the menu offered no such action.
        """
        pattern = f"[{nid},{key}]" if nid is not None else f",{key}]"
        self.choice.write_text(pattern + "\n")
        before = len(self.menu_log.read_text().splitlines())
        self.ctl("context")
        lines = wait_until(lambda: self.menu_log.read_text().splitlines()[before:],
                           timeout=timeout, message="dunst to run the dmenu script")
        picked = lines[0]
        if not picked:
            offered = self.input.read_text() if self.input.exists() else ""
            raise AssertionError(f"dunst's context menu offered no {pattern}; it offered:\n"
                                 f"{offered}")
        return picked

    def close_all(self):
        self.ctl("close-all")


# ---------------------------------------------------------------------------------------
# Test case base

class DaemonTestCase(unittest.TestCase):
    """One private world per test: temp folder, session bus, fake notifications, notify socket.

    Subclasses set `fake = False` for "no notification server", `test_scale` for
    LIMBER_TEST_SCALE, `watchdog_usec` for WATCHDOG_USEC. setUp does not start limberd:
    tests call self.start_daemon() (so they can prepare files first).
    """

    fake = True
    # What the fake server answers to GetCapabilities; None for its usual list.
    fake_capabilities = None
    test_scale = None
    watchdog_usec = None

    def setUp(self):
        self._problems_before = self._problems()
        self.tenv = TempEnv(type(self).__name__[:12])
        self.addCleanup(self.tenv.cleanup)
        self.addCleanup(self._report_failure)
        self.bus = PrivateBus(self.tenv).start()
        self.addCleanup(self.bus.stop)
        self.notify = NotifySocket(self.tenv)
        self.addCleanup(self.notify.close)
        self.notifications = None
        if self.fake:
            self.notifications = FakeNotifications(self.tenv, self.bus,
                                                   capabilities=self.fake_capabilities).start()
            self.addCleanup(self.notifications.stop)
        self.daemon = Limberd(self.tenv, bus=self.bus, notify=self.notify,
                              watchdog_usec=self.watchdog_usec, test_scale=self.test_scale)
        self.addCleanup(self.daemon.stop)

    def start_daemon(self, **kwargs):
        return self.daemon.start(**kwargs)

    def start_fake(self):
        self.notifications = FakeNotifications(self.tenv, self.bus).start()
        self.addCleanup(self.notifications.stop)
        return self.notifications

    def cli(self, *args, timeout=15):
        return self.tenv.cli(*args, timeout=timeout)

    def advance(self, seconds):
        """Scheduler time moved on at once (see Limberd.advance); needs test_scale."""
        return self.daemon.advance(seconds)

    def cli_ok(self, *args):
        rc, out, err = self.cli(*args)
        self.assertEqual(rc, 0, f"limber {' '.join(args)} exited {rc}\nstdout: {out}\nstderr: "
                                f"{err}\n{self.diag()}")
        return out

    def status(self):
        """`limber status --json`, parsed."""
        out = self.cli_ok("status", "--json")
        try:
            return json.loads(out)
        except ValueError:
            self.fail(f"limber status --json printed something that is not JSON:\n{out}")

    def next_of(self, status, kind):
        for entry in status.get("next", []):
            if entry.get("kind") == kind:
                return entry
        self.fail(f"status has no 'next' entry for {kind}: {json.dumps(status)}")

    def wait_status(self, predicate, timeout=10, message="status"):
        """Polls `limber status --json` until predicate(status) is true; returns that status."""
        last = {}

        def check():
            last["s"] = self.status()
            return last["s"] if predicate(last["s"]) else None
        try:
            return wait_until(check, timeout=timeout, interval=0.2, message=message)
        except AssertionError as e:
            raise AssertionError(f"{e}; last status: {json.dumps(last.get('s'))}\n"
                                 f"{self.diag()}") from None

    def wait_history(self, outcome, timeout=10):
        return wait_until(lambda: [e for e in self.tenv.history() if e.get("outcome") == outcome],
                          timeout=timeout, interval=0.1,
                          message=f"history outcome {outcome!r} (have {self.tenv.outcomes()})")

    def diag(self):
        parts = []
        if self.daemon.stderr_path:
            parts.append(f"--- limberd stderr (start {self.daemon.starts}):\n{self.daemon.stderr()}")
        if self.notifications:
            parts.append(f"--- fake notifications:\n{self.notifications.summary()}")
        parts.append(f"--- sd_notify: {self.notify.messages()[-10:]}")
        return "\n".join(parts)

    def _problems(self):
        result = getattr(getattr(self, "_outcome", None), "result", None)
        return len(getattr(result, "failures", [])) + len(getattr(result, "errors", []))

    def _report_failure(self):
        # Cleanups run before the result is printed: show what limberd saw while it is there.
        if self._problems() > self._problems_before:
            print(f"\n===== {self.id()} failed; what limberd saw =====\n{self.diag()}",
                  file=sys.stderr)


def mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)
