"""The fault tier: what is outside limberd (special files, a hostile synced history, a
runtime folder someone else controls, a daemon that stops accepting, thousands of config
errors) cannot stall it, crash it, or speak through it to the user's terminal."""

import datetime
import json
import os
import pty
import random
import re
import select
import socket
import stat
import subprocess
import sys
import threading
import time
import unittest
from pathlib import Path

import harness
import history_gen
from harness import DaemonTestCase, TempEnv, wait_until

harness.require_binaries()
harness.require_commands("dbus-daemon", "dbus-send")
harness.require_python_modules()


def output(out, err):
    return f"stdout: {out!r}\nstderr: {err!r}"


class SpecialFiles(DaemonTestCase):
    """A FIFO, a device or a link where limber expects a small regular file."""

    def test_leftover_temporary_state_files_are_removed_at_start(self):
        self.tenv.state_dir.mkdir(mode=0o700)
        for n in range(3):
            (self.tenv.state_dir / f".state.json.tmp-{n:016x}").write_text("{")
        keep = self.tenv.state_dir / "notes.txt"
        keep.write_text("mine")
        self.start_daemon()
        left = sorted(p.name for p in self.tenv.state_dir.iterdir() if ".tmp-" in p.name)
        self.assertEqual(left, [], "temporary files of killed state writes are removed at start-up")
        self.assertTrue(keep.exists(), "nothing else is touched")

    def test_a_fifo_state_file_does_not_hang_start_up(self):
        self.tenv.state_dir.mkdir(mode=0o700)
        os.mkfifo(self.tenv.state_file, 0o600)
        self.start_daemon(timeout=10)
        rc, out, err = self.cli("status")
        self.assertEqual(rc, 0, output(out, err))
        self.assertIn("FIFO", self.daemon.stderr(), "the log says what was wrong with state.json")
        # The next save replaces the FIFO with a regular file.
        self.cli("snooze")  # nothing due: refused, but the daemon is answering
        rc, out, err = self.cli("pause", "10m")
        self.assertEqual(rc, 0, output(out, err))
        harness.wait_until(lambda: stat.S_ISREG(os.lstat(self.tenv.state_file).st_mode), timeout=5,
                           message="state.json saved as a regular file")

    def test_a_state_file_linked_to_dev_zero_does_not_crash_it(self):
        self.tenv.state_dir.mkdir(mode=0o700)
        os.symlink("/dev/zero", self.tenv.state_file)
        self.start_daemon(timeout=10)
        rc, out, err = self.cli("status")
        self.assertEqual(rc, 0, output(out, err))
        self.assertTrue(self.daemon.alive())
        self.assertIn("symbolic link", self.daemon.stderr())

    def test_a_fifo_config_on_reload_is_refused_at_once(self):
        config = self.tenv.config_home / "limber" / "config.toml"
        config.parent.mkdir(mode=0o700)
        config.write_text('[posture]\ninterval_min = "20m"\ninterval_max = "25m"\n')
        self.start_daemon()
        config.unlink()
        os.mkfifo(config, 0o600)
        started = time.monotonic()
        rc, out, err = self.cli("reload", timeout=10)
        self.assertEqual(rc, 4, output(out, err))
        self.assertIn("FIFO", err)
        self.assertLess(time.monotonic() - started, 5)
        rc, out, err = self.cli("status")
        self.assertEqual(rc, 0, "limberd keeps running on its last good configuration\n" + output(out, err))

    def test_a_fifo_or_device_history_file_is_named_not_waited_on(self):
        self.tenv.state_dir.mkdir(mode=0o700)
        fifo = self.tenv.state_dir / "history-other.jsonl"
        os.mkfifo(fifo, 0o600)
        for args in (("stats",), ("history",), ("stats", "--json")):
            rc, out, err = self.cli(*args, timeout=10)
            self.assertEqual(rc, 1, output(out, err))
            self.assertIn(str(fifo), err)
            self.assertIn("FIFO", err)
        fifo.unlink()
        os.symlink("/dev/zero", fifo)
        rc, out, err = self.cli("stats", timeout=10)
        self.assertEqual(rc, 1, output(out, err))
        self.assertIn("a device", err)

    def test_a_fifo_as_this_hosts_history_file_is_refused_not_written_into(self):
        self.tenv.state_dir.mkdir(mode=0o700)
        host = re.sub(r"[^A-Za-z0-9._-]", "_", socket.gethostname()[:64]) or "unknown-host"
        fifo = self.tenv.state_dir / f"history-{host}.jsonl"
        os.mkfifo(fifo, 0o600)
        rc, out, err = self.cli("journal", "5", "--before", timeout=10)
        self.assertEqual(rc, 1, output(out, err))
        self.assertIn("FIFO", err)
        p = subprocess.run([harness.LIMBERD, "--defaults"], env=self.daemon.child_env(), capture_output=True,
                           text=True, timeout=20)
        self.assertEqual(p.returncode, 1, p.stderr)
        self.assertIn(f"{fifo} is a FIFO", p.stderr)

    def test_a_huge_config_is_refused_with_its_size(self):
        config = self.tenv.path("big.toml")
        with open(config, "w") as f:
            f.write("# " + "x" * (3 << 20) + "\n")
        rc, out, err = self.cli("config", "check", config)
        self.assertEqual(rc, 1, output(out, err))
        self.assertIn("is 3.0 MiB, more than the 1.0 MiB limber reads", err)


class ConfigInit(unittest.TestCase):
    def test_config_init_is_private_whatever_the_umask(self):
        tenv = TempEnv("init")
        self.addCleanup(tenv.cleanup)
        base = tenv.path("fresh")  # XDG_CONFIG_HOME that does not exist yet
        env = dict(tenv.env, XDG_CONFIG_HOME=str(base / "config"))
        r = subprocess.run([harness.LIMBER, "config", "init"], env=env, capture_output=True, text=True,
                           timeout=15, preexec_fn=lambda: os.umask(0))
        self.assertEqual(r.returncode, 0, r.stderr)
        config = base / "config" / "limber" / "config.toml"
        self.assertEqual(stat.S_IMODE(os.stat(config).st_mode), 0o600)
        for folder in (base, base / "config", base / "config" / "limber"):
            self.assertEqual(stat.S_IMODE(os.stat(folder).st_mode), 0o700, folder)


class Diagnostics(DaemonTestCase):
    def test_reload_with_thousands_of_errors_prints_the_first_and_counts_the_rest(self):
        config = self.tenv.config_home / "limber" / "config.toml"
        config.parent.mkdir(mode=0o700)
        self.start_daemon()
        entries = ", ".join(['"9:7x"'] * 8000)
        config.write_text(f'[sit_stand]\nenabled = true\nat = [{entries}]\n' +
                          "\n".join(f"k{n} = 1" for n in range(33)) + "\n")
        started = time.monotonic()
        rc, out, err = self.cli("reload", timeout=30)
        elapsed = time.monotonic() - started
        self.assertEqual(rc, 4, output(out, err)[:3000])
        self.assertIn("has 8,033 errors; limberd keeps its current configuration", err)
        self.assertEqual(err.count(": error: "), 50, err[:3000])
        self.assertIn("and 7,983 more errors", err)
        self.assertLess(len(err), 64 * 1024)
        self.assertTrue(self.daemon.alive())
        rc, out, err = self.cli("config", "check")
        self.assertEqual(rc, 1)
        self.assertIn("and 7,983 more errors", err)
        print(f"\n  reload with 8,033 errors answered in {elapsed:.2f} s", file=sys.stderr)


class SlotExhaustion(DaemonTestCase):
    """Same-user clients that hold every connection slot cannot lock a person out."""

    def test_pollers_and_slowloris_clients_cannot_lock_limber_status_out(self):
        self.start_daemon()
        stop = threading.Event()
        path = str(self.tenv.socket_path)

        def poller():
            # One connection, a status request every 2 s: each holds a slot for good.
            while not stop.is_set():
                try:
                    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
                        s.settimeout(5)
                        s.connect(path)
                        while not stop.is_set():
                            s.sendall(b'{"v":1,"cmd":"status"}\n')
                            buf = b""
                            while not buf.endswith(b"\n"):
                                chunk = s.recv(65536)
                                if not chunk:
                                    raise OSError("closed")
                                buf += chunk
                            stop.wait(2)
                except OSError:
                    stop.wait(0.05)

        def slowloris():
            # A request that never ends: a byte a second, reconnecting when dropped.
            while not stop.is_set():
                try:
                    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
                        s.settimeout(5)
                        s.connect(path)
                        s.sendall(b'{"v":1,')
                        connected.append(1)
                        while not stop.wait(1):
                            s.sendall(b" ")
                except OSError:
                    stop.wait(0.05)

        connected = []  # slowloris connections made
        workers = [threading.Thread(target=poller) for _ in range(32)]
        workers += [threading.Thread(target=slowloris) for _ in range(40)]
        for w in workers:
            w.start()
        self.addCleanup(lambda: [w.join(timeout=10) for w in workers])
        self.addCleanup(stop.set)
        wait_until(lambda: len(connected) >= 40, timeout=10, message="every slowloris client connected")
        slowest = 0
        for _ in range(8):
            started = time.monotonic()
            rc, out, err = self.cli("status", timeout=20)
            slowest = max(slowest, time.monotonic() - started)
            self.assertEqual(rc, 0, output(out, err))
            time.sleep(0.5)  # spreads the requests over the squatters' cycles: a pace, not a wait
        stop.set()
        self.assertLess(slowest, 4, "each 'limber status' got through at once, not after a timeout")
        print(f"\n  slowest 'limber status' among 72 squatting clients: {slowest:.2f} s", file=sys.stderr)


def fake_server(path, answer=None, uid=None, backlog=8, accept=True):
    """A process listening at `path` that records what it receives; optionally as `uid`
    (SO_PEERCRED reports the credentials of listen()), optionally never accepting."""
    record = Path(str(path) + ".record")
    code = f"""
import os, socket, sys, json
UID, ANSWER = {uid!r}, {answer!r}
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind({str(path)!r})
os.chmod({str(path)!r}, 0o666)
out = open({str(record)!r}, "ab", buffering=0)  # before giving up root
if UID is not None:
    os.setgid(UID); os.setuid(UID)
s.listen({backlog})
print("ready", flush=True)
if not {accept!r}:
    sys.stdin.read()
    sys.exit(0)
while True:
    c, _ = s.accept()
    c.settimeout(2)
    data = b""
    try:
        while not data.endswith(b"\\n"):
            chunk = c.recv(4096)
            if not chunk:
                break
            data += chunk
    except OSError:
        pass
    out.write(data)
    try:
        if ANSWER is not None:
            c.sendall(ANSWER)
    except OSError:
        pass
    c.close()
"""
    p = harness.spawn("fake-server", [sys.executable, "-c", code], stdin=subprocess.PIPE,
                      stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    line = p.stdout.readline()
    if line.strip() != b"ready":
        raise AssertionError(f"fake server did not start: {p.stderr.read()!r}")
    return p, record


class RuntimeFolder(unittest.TestCase):
    """Whoever controls the runtime folder could stand in for limberd."""

    def setUp(self):
        self.tenv = TempEnv("rt")
        self.addCleanup(self.tenv.cleanup)
        (self.tenv.runtime_dir / "limber").mkdir(mode=0o700)

    def test_limberd_and_limber_refuse_a_folder_others_can_write(self):
        os.chmod(self.tenv.runtime_dir, 0o777)
        p = subprocess.run([harness.LIMBERD, "--defaults"], env=self.tenv.env, capture_output=True,
                           text=True, timeout=20)
        self.assertEqual(p.returncode, 1, p.stderr)
        self.assertIn("can be written by other users", p.stderr)
        self.assertFalse(self.tenv.socket_path.exists())
        server, record = fake_server(self.tenv.socket_path, answer=b'{"ok":true,"v":1,"message":"hi"}\n')
        self.addCleanup(harness.stop, server)
        rc, out, err = self.tenv.cli("done")
        self.assertEqual(rc, 3, output(out, err))
        self.assertIn("chmod 700", err)
        self.assertEqual(record.read_bytes(), b"", "nothing was sent")

    @unittest.skipUnless(os.geteuid() == 0, "needs root to give the folder or a server to another user")
    def test_a_folder_of_another_user_is_refused(self):
        os.chown(self.tenv.runtime_dir, 65534, 65534)
        p = subprocess.run([harness.LIMBERD, "--defaults"], env=self.tenv.env, capture_output=True,
                           text=True, timeout=20)
        self.assertEqual(p.returncode, 1, p.stderr)
        self.assertIn("belongs to uid 65534", p.stderr)
        rc, out, err = self.tenv.cli("status")
        self.assertEqual(rc, 3, output(out, err))
        self.assertIn("belongs to uid 65534", err)

    @unittest.skipUnless(os.geteuid() == 0, "needs root to run a server as another user")
    def test_limber_sends_nothing_to_a_server_of_another_user(self):
        server, record = fake_server(self.tenv.socket_path, uid=65534,
                                     answer=b'{"ok":true,"v":1,"message":"done, thanks"}\n')
        self.addCleanup(harness.stop, server)
        for args in (("done",), ("pause", "1h"), ("status",)):
            rc, out, err = self.tenv.cli(*args)
            self.assertEqual(rc, 3, output(out, err))
            self.assertIn("runs as uid 65534", err)
            self.assertNotIn("thanks", out)
        self.assertEqual(record.read_bytes(), b"", "nothing was sent")

    def test_a_daemon_that_stops_accepting_cannot_hold_limber(self):
        # Listening, never accepting, its backlog full: a blocking connect() would wait for ever.
        server, _ = fake_server(self.tenv.socket_path, backlog=0, accept=False)
        self.addCleanup(harness.stop, server)
        fillers = []
        for _ in range(8):
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.setblocking(False)
            try:
                s.connect(str(self.tenv.socket_path))
            except (BlockingIOError, OSError):
                pass
            fillers.append(s)
        self.addCleanup(lambda: [s.close() for s in fillers])
        started = time.monotonic()
        rc, out, err = self.tenv.cli("status", timeout=30)
        elapsed = time.monotonic() - started
        self.assertEqual(rc, 3, output(out, err))
        self.assertIn("did not answer within 5 s", err)
        self.assertLess(elapsed, 9, "the 5 s timeout covers connect() too")


HOSTILE = [
    "\x1b]0;pwned title\x07",               # window title (OSC 0)
    "\x1b]52;c;cm0gLXJmIH4K\x07",           # clipboard (OSC 52)
    "\x1b[2J\x1b[H",                        # clear screen, cursor home (CSI)
    "\u009b2J",                              # 8-bit CSI
    "\u009d0;x\u009c",                       # 8-bit OSC
    "a\rb\bc\x7f",                           # cursor games
    "\u202eevil",                            # right-to-left override
]


def run_on_pty(argv, env):
    """Runs argv with stdout and stderr on one pseudo-terminal; returns (rc, raw bytes)."""
    master, slave = pty.openpty()
    p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=slave, stderr=slave, env=env)
    os.close(slave)
    chunks = []
    while True:
        r, _, _ = select.select([master], [], [], 15)
        if not r:
            break
        try:
            data = os.read(master, 65536)
        except OSError:  # EIO once the child has closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    return p.wait(timeout=10), b"".join(chunks)


def assert_no_escape(test, raw, what):
    # The pty turns LF into CRLF; any other control byte, 8-bit control or override came from the data.
    allowed = {0x0A, 0x0D, 0x09}
    bad = sorted({b for b in raw if (b < 0x20 or b == 0x7F) and b not in allowed})
    test.assertEqual(bad, [], f"{what}: control bytes reached the terminal:\n{raw[:2000]!r}")
    text = raw.decode("utf-8", errors="replace")
    for ch in ("\u009b", "\u009d", "\u009c", "\u202e"):
        test.assertNotIn(ch, text, f"{what}: {ch!r} reached the terminal")
    # CSV's own CRLF line ends arrive as CR CR LF.
    lines = text.replace("\r\r\n", "\n").replace("\r\n", "\n")
    test.assertNotIn("\r", lines, f"{what}: a bare carriage return reached the terminal")


class HostileHistory(unittest.TestCase):
    """A history file synced from elsewhere may carry anything in any field."""

    def setUp(self):
        self.tenv = TempEnv("hostile")
        self.addCleanup(self.tenv.cleanup)
        self.tenv.state_dir.mkdir(mode=0o700)
        w = history_gen.Writer("evil", datetime.timezone.utc, random.Random(3))
        now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
        for n, payload in enumerate(HOSTILE):
            t = now - datetime.timedelta(hours=2, minutes=n * 5)
            w.event(t, "done", kind="routine", routine="desk-reset" + payload, reason=payload, prompt=n + 1)
            w.event(t + datetime.timedelta(minutes=1), "pain", level=3, phase="before", note="note " + payload)
            w.event(t + datetime.timedelta(minutes=2), "shown", kind=payload, prompt=n + 100)
            w.event(t + datetime.timedelta(minutes=3), "odd" + payload, kind="posture")
        lines = list(w.lines)
        # A host field with escapes too, and an unreadable line so that a warning names the file.
        lines.append(json.dumps({"v": 1, "id": "0" * 32, "host": "h\x1b]0;t\x07", "outcome": "done",
                                 "kind": "posture", "at": "2026-01-01T00:00:00Z", "ts": 1767225600000}))
        lines.append("\x1b]0;torn line title\x07{not json")
        name = "history-\x1b[2Jevil.jsonl"
        with open(self.tenv.state_dir / name, "w", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\n")
        with open(self.tenv.state_dir / "history-\u009b2Jc1.jsonl", "w", encoding="utf-8") as f:
            f.write("{torn\n")
        self.env = dict(self.tenv.env, TERM="xterm-256color", NO_COLOR="1")

    def test_nothing_from_the_file_reaches_the_terminal_as_a_control(self):
        for args in (["history"], ["history", "--csv"], ["history", "--json"], ["stats"],
                     ["stats", "pain"], ["stats", "--json"]):
            rc, raw = run_on_pty([harness.LIMBER, *args], self.env)
            self.assertEqual(rc, 0, raw[:2000])
            assert_no_escape(self, raw, "limber " + " ".join(args))
        rc, raw = run_on_pty([harness.LIMBER, "history"], self.env)
        text = raw.decode()
        self.assertIn("^[]0;pwned title^G", text, "escapes are shown, not obeyed")
        self.assertIn("warning", text)

    def test_json_escapes_every_control_and_stays_exact(self):
        rc, out, err = self.tenv.cli("history", "--json")
        self.assertEqual(rc, 0, err)
        self.assertNotIn("\x1b", out)
        self.assertNotIn("\u009b", out)
        data = json.loads(out)
        notes = [e["note"] for e in data["events"] if e["note"]]
        self.assertIn("note \x1b]52;c;cm0gLXJmIH4K\x07", notes, "JSON keeps the exact text, escaped")
        self.assertIn("note \u009b2J", notes)


class HostileCatalog(unittest.TestCase):
    """A config's own exercises, routines and cues may carry escapes (TOML's \\u001b): the
    catalog commands show them as text, never as terminal controls."""

    EVIL = "\\u001b]0;pwned\\u0007\\u009b2J\\u202e\\u001b[31m"

    def setUp(self):
        self.tenv = TempEnv("hcat")
        self.addCleanup(self.tenv.cleanup)
        config = self.tenv.config_home / "limber" / "config.toml"
        config.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        config.write_text(f"""
[[exercises]]
id = "evil"
name = "Evil {self.EVIL} stretch"
places = ["desk"]
steps = ["Do {self.EVIL} this."]
why = "Because {self.EVIL}."
reps = 5

[[routines]]
id = "evil-routine"
title = "Evil {self.EVIL} routine"
steps = ["evil"]

[[cues]]
id = "evil-cue"
text = "Sit {self.EVIL} tall."
""", encoding="utf-8")
        self.env = dict(self.tenv.env, TERM="xterm-256color", NO_COLOR="1")

    def test_catalog_text_reaches_the_terminal_as_text(self):
        rc, out, err = self.tenv.cli("config", "check")
        self.assertEqual(rc, 0, out + err)
        for args in (["routines"], ["routines", "show", "evil-routine"], ["exercises"],
                     ["exercises", "show", "evil"], ["cues"], ["config", "show"],
                     ["routines", "--json"], ["cues", "--json"]):
            rc, raw = run_on_pty([harness.LIMBER, *args], self.env)
            self.assertEqual(rc, 0, raw[:2000])
            assert_no_escape(self, raw, "limber " + " ".join(args))
        rc, raw = run_on_pty([harness.LIMBER, "exercises", "show", "evil"], self.env)
        self.assertIn("Evil ^[]0;pwned^G", raw.decode(), "escapes are shown, not obeyed")


class HostileServer(unittest.TestCase):
    """Messages from the daemon are printed as text, never as terminal controls."""

    def setUp(self):
        self.tenv = TempEnv("hsrv")
        self.addCleanup(self.tenv.cleanup)
        (self.tenv.runtime_dir / "limber").mkdir(mode=0o700)

    def test_messages_and_details_are_made_safe(self):
        answer = json.dumps({"v": 1, "ok": False, "error": {
            "code": "config-invalid", "message": "bad \x1b]0;title\x07 thing",
            "details": ["x.toml:1:1: error: \x1b[2J\u009b2J", "line\x1b]52;c;eA==\x07"]}}).encode() + b"\n"
        server, _ = fake_server(self.tenv.socket_path, answer=answer)
        self.addCleanup(harness.stop, server)
        rc, raw = run_on_pty([harness.LIMBER, "reload"], dict(self.tenv.env, NO_COLOR="1"))
        self.assertEqual(rc, 4, raw)
        assert_no_escape(self, raw, "limber reload")
        self.assertIn(b"bad ^[]0;title^G thing", raw)


if __name__ == "__main__":
    unittest.main()
