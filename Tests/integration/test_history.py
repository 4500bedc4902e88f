"""History, stats and the pain journal (issue 5), end to end.

Durability (kill -9 during a burst of `limber done`: every acknowledged one is in the file,
and the file still loads), torn-line recovery, merging hosts' files, stats arithmetic on
scripted histories in the user's zone across both daylight-saving changes, the charts on a
pipe and on a terminal, the --json schemas, the journal, and a daemon start-up that does not
read the history.
"""

import csv
import datetime
import fcntl
import io
import json
import os
import pty
import random
import re
import select
import socket
import struct
import subprocess
import termios
import threading
import time
import unittest
from zoneinfo import ZoneInfo

import harness
import history_gen
from harness import DaemonTestCase

harness.require_binaries()

BERLIN = ZoneInfo("Europe/Berlin")
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def host_name():
    """The host part of this machine's history file name, as limber sanitises it."""
    name = socket.gethostname()[:64]
    return re.sub(r"[^A-Za-z0-9._-]", "_", name) or "unknown-host"


def output(out, err):
    return f"stdout: {out!r}\nstderr: {err!r}"


class Script:
    """History lines written the way limberd writes them, at chosen times."""

    def __init__(self, host="desk", zone=BERLIN, seed=5):
        self.writer = history_gen.Writer(host, zone, random.Random(seed))

    def add(self, outcome, when, **fields):
        """`when` is an aware datetime."""
        return self.writer.event(when, outcome, **fields)

    def at(self, outcome, local_text, **fields):
        """An event at a local wall-clock time 'YYYY-MM-DD HH:MM' in Berlin (fold=0)."""
        when = datetime.datetime.strptime(local_text, "%Y-%m-%d %H:%M").replace(tzinfo=BERLIN)
        return self.add(outcome, when, **fields)

    def utc(self, outcome, utc_text, **fields):
        when = datetime.datetime.strptime(utc_text, "%Y-%m-%d %H:%M").replace(tzinfo=datetime.timezone.utc)
        return self.add(outcome, when, **fields)

    @property
    def lines(self):
        return self.writer.lines

    def write(self, path, extra=""):
        with open(path, "w", encoding="utf-8") as f:
            for line in self.lines:
                f.write(line + "\n")
            f.write(extra)


class CLITestCase(unittest.TestCase):
    """The CLI alone, on files the test writes."""

    def setUp(self):
        self.tenv = harness.TempEnv("hist")
        self.addCleanup(self.tenv.cleanup)
        self.tenv.state_dir.mkdir(mode=0o700)

    def cli(self, *args, env=None):
        return self.tenv.cli(*args, env=env)

    def cli_json(self, *args, env=None):
        rc, out, err = self.cli(*args, env=env)
        self.assertEqual(rc, 0, f"limber {' '.join(args)}\n" + output(out, err))
        try:
            return json.loads(out)
        except ValueError:
            self.fail(f"limber {' '.join(args)} printed something that is not JSON:\n{out}")

    def cli_bytes(self, *args, env=None):
        """(returncode, stdout bytes): no newline translation, for CSV's CRLF."""
        r = subprocess.run([harness.LIMBER, *args], env=dict(self.tenv.env, **(env or {})),
                           capture_output=True, timeout=30, stdin=subprocess.DEVNULL)
        return r.returncode, r.stdout

    def history_file(self, host="desk"):
        return self.tenv.state_dir / f"history-{host}.jsonl"


# ---------------------------------------------------------------------------------------
# Durability


class Durability(DaemonTestCase):
    threads = 4
    # A soak run: LIMBER_IT_KILL_ROUNDS=150 (make test keeps it short).
    rounds = int(os.environ.get("LIMBER_IT_KILL_ROUNDS", "3"))

    def burst(self, stop, acked, errors):
        """One client: 'now posture' then 'done', over and over; counts acknowledged dones."""
        while not stop.is_set():
            self.tenv.cli("now", "posture", timeout=10)
            rc, out, err = self.tenv.cli("done", timeout=10)
            if rc == 0:
                with self.lock:
                    acked[0] += 1
            elif rc not in (3, 4):
                errors.append((rc, out, err))

    def test_every_acknowledged_done_survives_kill_9(self):
        self.lock = threading.Lock()
        total_acked = 0
        for round_ in range(self.rounds):
            # A state write killed half-way leaves a temporary file; start-up removes them. (Only
            # those: the new daemon may be writing a temporary file of its own right now.)
            killed = {p.name for p in self.tenv.state_dir.iterdir() if ".tmp-" in p.name} \
                if self.tenv.state_dir.exists() else set()
            self.start_daemon()
            leftovers = sorted(killed & {p.name for p in self.tenv.state_dir.iterdir()})
            self.assertEqual(leftovers, [], f"round {round_}: temporary files left after a restart")
            before = len([e for e in self.tenv.history() if e.get("outcome") == "done"])
            stop = threading.Event()
            acked = [0]
            errors = []
            workers = [threading.Thread(target=self.burst, args=(stop, acked, errors)) for _ in range(self.threads)]
            for w in workers:
                w.start()
            time.sleep(random.uniform(0.8, 2.0))  # a random moment to kill at: the point of the test
            self.daemon.kill9()  # in the middle of the burst
            stop.set()
            for w in workers:
                w.join(timeout=30)
            self.assertEqual(errors, [], "only 'ok', 'unreachable' and 'refused' are expected")
            self.assertGreater(acked[0], 5, "the burst should have had some dones acknowledged")
            done = len([e for e in self.tenv.history() if e.get("outcome") == "done"]) - before
            self.assertGreaterEqual(done, acked[0],
                                    f"round {round_}: {acked[0]} dones were acknowledged, only {done} are in the file")
            total_acked += acked[0]

        # The file still loads, through limber itself, with every line complete and mergeable.
        rc, out, err = self.cli("history", "--json")
        self.assertEqual(rc, 0, output(out, err))
        exported = json.loads(out)
        self.assertEqual(exported["warnings"], [], "no line was torn by kill -9")
        dones = [e for e in exported["events"] if e["outcome"] == "done"]
        self.assertGreaterEqual(len(dones), total_acked)
        for e in self.tenv.history():
            self.assertEqual(e.get("v"), 1, e)
            self.assertRegex(e.get("id", ""), r"^[0-9a-f]{32}$", e)
            self.assertEqual(e.get("host"), host_name(), e)
        ids = [e["id"] for e in exported["events"]]
        self.assertEqual(len(ids), len(set(ids)))
        rc, out, err = self.cli("stats", "--json")
        self.assertEqual(rc, 0, output(out, err))
        today = json.loads(out)["days"][-1]
        self.assertGreaterEqual(today["done"], total_acked)


class StartUp(DaemonTestCase):
    def test_start_up_does_not_read_the_history(self):
        # A 2 GiB history (sparse, so it costs no disk): reading it at start-up would take
        # seconds and grow limberd by 2 GiB. limberd only looks at its last byte.
        path = self.tenv.state_dir / f"history-{host_name()}.jsonl"
        self.tenv.state_dir.mkdir(mode=0o700)
        with open(path, "wb") as f:
            f.truncate(2 << 30)
            f.seek((2 << 30) - 1)
            f.write(b"\n")
        t0 = time.monotonic()
        self.start_daemon(timeout=10)
        ready = time.monotonic() - t0
        self.assertLess(ready, 3.0, f"READY=1 took {ready:.2f} s with a 2 GiB history")
        with open(f"/proc/{self.daemon.pid}/status") as f:
            rss_kib = int(re.search(r"VmRSS:\s+(\d+)", f.read()).group(1))
        self.assertLess(rss_kib, 100 * 1024, f"limberd uses {rss_kib} KiB after start with a 2 GiB history")
        self.cli_ok("now", "posture")
        self.cli_ok("done")
        with open(path, "rb") as f:
            f.seek(-4096, os.SEEK_END)
            tail = f.read().split(b"\n")
        outcomes = [json.loads(l)["outcome"] for l in tail if l.startswith(b"{")]
        self.assertEqual(outcomes[-2:], ["shown", "done"])


# ---------------------------------------------------------------------------------------
# Reading: torn lines, hosts, no history


class Reading(CLITestCase):
    def test_a_torn_last_line_is_skipped_with_one_warning(self):
        s = Script()
        for n in range(6):
            s.at("shown" if n % 2 == 0 else "done", f"2025-06-02 09:{10 + n}", kind="posture", prompt=n // 2)
        torn = s.lines.pop()[:37]
        s.write(self.history_file(), extra=torn)
        exported = self.cli_json("history", "--json")
        self.assertEqual(len(exported["events"]), 5, "every complete line is kept")
        self.assertEqual(len(exported["warnings"]), 1, exported["warnings"])
        self.assertIn("history-desk.jsonl:6: the last line is incomplete", exported["warnings"][0])
        rc, out, err = self.cli("stats")
        self.assertEqual(rc, 0, output(out, err))
        self.assertEqual(err.count("warning:"), 1, err)

    def test_merging_two_hosts_drops_copies_once(self):
        desk, laptop = Script("desk", seed=1), Script("laptop", seed=2)
        desk.at("shown", "2025-06-02 09:00", kind="posture", prompt=1)
        laptop.at("shown", "2025-06-02 09:05", kind="routine", prompt=1)
        desk.at("done", "2025-06-02 09:10", kind="posture", prompt=1)
        laptop.at("skipped", "2025-06-02 09:15", kind="routine", prompt=1)
        desk.write(self.history_file("desk"))
        laptop.write(self.history_file("laptop"))
        # A sync tool's conflict copy, and desk's file carried into laptop's as well.
        laptop.write(self.tenv.state_dir / "history-laptop.sync-conflict-20250602-101010-XYZ.jsonl")
        with open(self.history_file("laptop"), "a") as f:
            f.write(desk.lines[1] + "\n")
        exported = self.cli_json("history", "--json")
        self.assertEqual([(e["host"], e["outcome"]) for e in exported["events"]],
                         [("desk", "shown"), ("laptop", "shown"), ("desk", "done"), ("laptop", "skipped")])
        self.assertEqual(exported["duplicates_dropped"], 3)
        self.assertEqual(len(exported["files"]), 3)
        rc, out, err = self.cli("history", "--since", "2025-06-02")
        self.assertEqual(rc, 0, output(out, err))
        self.assertEqual(len(out.strip().splitlines()), 4, out)
        self.assertIn("laptop", out, "with two hosts the listing names them")

    def test_no_history_is_not_an_error(self):
        rc, out, err = self.cli("stats")
        self.assertEqual(rc, 0, output(out, err))
        self.assertIn("No history yet", out)
        self.assertIn(f"history-{host_name()}.jsonl", out)
        self.assertEqual(self.cli_bytes("history", "--csv"),
                         (0, b"id,host,at,ts,outcome,kind,prompt,show,early,seconds,until_ts,reason,routine,level,phase,note\r\n"))
        data = self.cli_json("stats", "--json")
        self.assertEqual(data["history"]["events"], 0)
        self.assertEqual(data["totals"]["due"], 0)
        self.assertEqual(self.cli_json("history", "--json")["events"], [])

    def test_an_unreadable_history_exits_1_and_says_why(self):
        self.tenv.state_dir.rmdir()
        self.tenv.state_dir.write_text("not a folder")
        for args in (("stats",), ("history",), ("stats", "pain")):
            rc, out, err = self.cli(*args)
            self.assertEqual(rc, 1, f"limber {' '.join(args)}\n" + output(out, err))
            self.assertIn(str(self.tenv.state_dir), err)

    def test_a_history_file_that_cannot_be_read_exits_1_and_names_it(self):
        # A folder where the file should be: readable by no one, root included.
        path = self.history_file(host_name())
        path.mkdir()
        for args in (("stats",), ("stats", "--json"), ("history",), ("history", "--csv"), ("stats", "pain")):
            rc, out, err = self.cli(*args)
            self.assertEqual(rc, 1, f"limber {' '.join(args)}\n" + output(out, err))
            self.assertIn(f"{path}: Is a directory", err)
            self.assertNotIn("No history yet", out)

    @unittest.skipUnless(os.path.exists("/dev/full"), "needs /dev/full")
    def test_output_that_cannot_be_written_exits_1_and_says_why(self):
        s = Script()
        for n in range(2000):  # more than one 64 KiB write of CSV
            s.add("shown", datetime.datetime(2025, 6, 2, 9, tzinfo=BERLIN) + datetime.timedelta(minutes=n),
                  kind="posture", prompt=n)
        s.write(self.history_file())
        for args in (("history", "--csv"), ("history", "--json"), ("history",), ("stats", "--json"),
                     ("stats",), ("stats", "--days", "3660"), ("stats", "pain"), ("--help",)):
            with open("/dev/full", "w") as full:
                r = subprocess.run([harness.LIMBER, *args], env=self.tenv.env, stdout=full,
                                   stderr=subprocess.PIPE, text=True, timeout=30, stdin=subprocess.DEVNULL)
            self.assertEqual(r.returncode, 1, f"limber {' '.join(args)} > /dev/full\nstderr: {r.stderr!r}")
            self.assertEqual(r.stderr.splitlines()[-1:], ["limber: cannot write the output: No space left on device"],
                             f"limber {' '.join(args)} > /dev/full")

    def test_bad_usage_exits_2(self):
        for args in (("stats", "--week", "--month"), ("stats", "--days", "0"), ("history", "--since", "May"),
                     ("history", "--json", "--csv"), ("journal", "11"), ("journal", "-1"),
                     ("journal", "4", "--before", "--after"), ("stats", "--color", "sometimes")):
            rc, out, err = self.cli(*args)
            self.assertEqual(rc, 2, f"limber {' '.join(args)}\n" + output(out, err))


# ---------------------------------------------------------------------------------------
# Stats arithmetic in the user's zone


class ZoneArithmetic(CLITestCase):
    """Scripted histories around Berlin's 2025 daylight-saving changes (30 March, 26 October)."""

    env = {"TZ": "Europe/Berlin"}

    def days_back_to(self, date):
        today = datetime.datetime.now(tz=BERLIN).date()
        return (today - date).days + 1

    def stats(self, first_day):
        data = self.cli_json("stats", "--days", str(self.days_back_to(first_day)), "--json", env=self.env)
        return data, {d["date"]: d for d in data["days"]}

    def test_days_follow_local_midnight_across_both_changes(self):
        s = Script()
        # Saturday 29 March 23:59 CET and Sunday 30 March 00:00 CET: two days.
        s.at("shown", "2025-03-29 23:59", kind="posture", prompt=1)
        s.at("done", "2025-03-30 00:00", kind="posture", prompt=1)
        # Clocks jump 02:00 -> 03:00: 01:30 CET and 03:30 CEST, an hour apart, same day.
        s.at("shown", "2025-03-30 01:30", kind="posture", prompt=2)
        s.at("skipped", "2025-03-30 01:31", kind="posture", prompt=2)
        s.at("shown", "2025-03-30 03:30", kind="routine", prompt=3)
        s.at("done", "2025-03-30 03:31", kind="routine", prompt=3)
        # 23:30 CEST on the 30th is 21:30 UTC: still the 30th.
        s.utc("shown", "2025-03-30 21:30", kind="posture", prompt=4)
        s.utc("done", "2025-03-30 21:31", kind="posture", prompt=4)
        # 26 October: 02:30 happens twice (00:30 and 01:30 UTC); both are local hour 2.
        s.utc("shown", "2025-10-26 00:30", kind="posture", prompt=5)
        s.utc("skipped", "2025-10-26 00:31", kind="posture", prompt=5)
        s.utc("shown", "2025-10-26 01:30", kind="posture", prompt=6)
        s.utc("skipped", "2025-10-26 01:31", kind="posture", prompt=6)
        # 23:30 CET on the 26th is 22:30 UTC: still the 26th; 23:00 UTC is the 27th.
        s.utc("shown", "2025-10-26 22:30", kind="posture", prompt=7)
        s.utc("done", "2025-10-26 22:31", kind="posture", prompt=7)
        s.utc("done", "2025-10-26 23:00", kind="posture", early=True)
        s.utc("natural-break", "2025-10-26 23:10", seconds=600)
        s.write(self.history_file())

        data, days = self.stats(datetime.date(2025, 3, 29))
        self.assertEqual((days["2025-03-29"]["due"], days["2025-03-29"]["done"]), (1, 0))
        self.assertEqual((days["2025-03-30"]["due"], days["2025-03-30"]["done"], days["2025-03-30"]["skipped"]),
                         (3, 3, 1))
        self.assertEqual(days["2025-03-30"]["adherence"], 1, "a done after midnight counts; at most 100%")
        self.assertEqual((days["2025-10-26"]["due"], days["2025-10-26"]["done"], days["2025-10-26"]["skipped"]),
                         (3, 1, 2))
        self.assertEqual(days["2025-10-26"]["adherence"], 0.3333)
        self.assertEqual((days["2025-10-27"]["due"], days["2025-10-27"]["done"],
                          days["2025-10-27"]["natural_breaks"]), (1, 1, 1))
        self.assertEqual(data["skipped_by_hour"][2], 2, "the doubled 02:xx hour of 26 October")
        self.assertEqual(data["skipped_by_hour"][1], 1, "01:31 CET on 30 March")
        self.assertEqual(sum(data["skipped_by_hour"]), 3)
        self.assertEqual(data["history"]["first_day"], "2025-03-29")

        # The same history read in another zone lands on other days: the zone is the user's.
        tokyo = self.cli_json("stats", "--days", str(self.days_back_to(datetime.date(2025, 3, 29))), "--json",
                              env={"TZ": "Asia/Tokyo"})
        self.assertNotEqual(tokyo["skipped_by_hour"], data["skipped_by_hour"])

    def test_streaks_and_goal_from_the_config_file(self):
        s = Script()
        start = datetime.date(2025, 6, 2)  # a Monday
        plan = [(5, 5), (5, 4), (5, 3), (0, 0), (5, 5), (5, 5)]  # (due, done) per day
        for i, (due, done) in enumerate(plan):
            day = start + datetime.timedelta(days=i)
            for k in range(due):
                s.at("shown", f"{day} {9 + k}:00", kind="posture", prompt=i * 10 + k)
                s.at("done" if k < done else "skipped", f"{day} {9 + k}:05", kind="posture", prompt=i * 10 + k)
        s.write(self.history_file())
        data, days = self.stats(start)
        self.assertEqual(data["goal"], 0.8)
        # 100%, 80%, 60% (breaks), empty day (neither), 100%, 100%
        self.assertEqual(data["streak"]["best"], 2)
        self.assertEqual(data["streak"]["current"], 2)
        self.assertEqual([days[str(start + datetime.timedelta(days=i))]["met_goal"] for i in range(6)],
                         [True, True, False, None, True, True])
        config = self.tenv.config_home / "limber"
        config.mkdir()
        (config / "config.toml").write_text("[stats]\ngoal = 0.6\n")
        data, _ = self.stats(start)
        self.assertEqual(data["goal"], 0.6)
        self.assertEqual(data["streak"]["best"], 5, "60% meets a 0.6 goal; the empty day is passed over")
        (config / "config.toml").write_text("[stats]\ngoal = 60\n")
        data, _ = self.stats(start)
        self.assertEqual(data["goal"], 0.8, "an invalid file falls back to the default goal")
        self.assertTrue(any("config" in w for w in data["warnings"]), data["warnings"])


# ---------------------------------------------------------------------------------------
# Charts: pipes, terminals, widths, colour


def recent_history(script, days=14, seed=3):
    """A realistic fortnight ending today in Berlin."""
    rng = random.Random(seed)
    today = datetime.datetime.now(tz=BERLIN).date()
    for back in range(days - 1, -1, -1):
        day = today - datetime.timedelta(days=back)
        if day.weekday() < 5:
            history_gen.day_events(script.writer, day, rng)
    now_ms = time.time() * 1000
    script.writer.lines = [l for l in script.lines if json.loads(l)["ts"] <= now_ms]


def run_in_pty(argv, env, columns):
    """Runs argv with stdout on a pseudo-terminal `columns` wide; returns (rc, output)."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, columns, 0, 0))
    p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=slave, stderr=subprocess.PIPE, env=env)
    os.close(slave)
    chunks = []
    while True:
        r, _, _ = select.select([master], [], [], 10)
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
    rc = p.wait(timeout=10)
    p.stderr.close()
    return rc, b"".join(chunks).decode().replace("\r\n", "\n")


class Charts(CLITestCase):
    env = {"TZ": "Europe/Berlin"}

    def setUp(self):
        super().setUp()
        s = Script()
        recent_history(s)
        s.writer.lines = [l for l in s.lines if json.loads(l)["outcome"] != "pain"]  # only the entries below
        today = datetime.datetime.now(tz=BERLIN).replace(second=0, microsecond=0)
        for back, (before, after) in enumerate([(6, 4), (5, 3), (5, 4), (4, 2)]):
            when = today - datetime.timedelta(days=back, hours=1)
            s.add("pain", when, level=before, phase="before")
            s.add("pain", when + datetime.timedelta(minutes=20), level=after, phase="after", note="ok")
        s.write(self.history_file())

    def test_on_a_pipe_there_is_no_colour_and_the_width_follows_COLUMNS(self):
        for columns in (40, 60, 80, 120):
            for args in (("stats",), ("stats", "pain"), ("stats", "--month")):
                rc, out, err = self.cli(*args, env=dict(self.env, COLUMNS=str(columns)))
                self.assertEqual(rc, 0, output(out, err))
                self.assertNotIn("\x1b[", out)
                widest = max(len(l) for l in out.splitlines())
                self.assertLessEqual(widest, columns, f"limber {' '.join(args)} at {columns}:\n{out}")
                self.assertTrue(set(out) & set("▏▎▍▌▋▊▉█"), "the chart is drawn in block characters")
            rows = [l for l in self.cli("stats", env=dict(self.env, COLUMNS=str(columns)))[1].splitlines()
                    if l.startswith("Total")]
            self.assertEqual(len(rows[0]), columns, "the total row's bar fills the width")

    def test_colour_only_when_asked_and_never_with_NO_COLOR(self):
        rc, out, _ = self.cli("stats", "--color", "always", env=self.env)
        self.assertIn("\x1b[", out)
        self.assertEqual(max(len(l) for l in ANSI.sub("", out).splitlines()), 80)
        rc, out, _ = self.cli("stats", "--color", "always", env=dict(self.env, NO_COLOR="1"))
        self.assertNotIn("\x1b[", out)
        rc, out, _ = self.cli("stats", "pain", "--color", "always", env=self.env)
        self.assertIn("\x1b[", out)

    def test_on_a_terminal_colour_and_the_terminals_width(self):
        env = dict(self.tenv.env, **self.env, TERM="xterm-256color")
        env.pop("COLUMNS", None)
        rc, out = run_in_pty([harness.LIMBER, "stats"], env, columns=100)
        self.assertEqual(rc, 0, out)
        self.assertIn("\x1b[", out, "colour on a terminal")
        plain = ANSI.sub("", out)
        self.assertEqual(max(len(l) for l in plain.splitlines()), 100, "the width follows the terminal (TIOCGWINSZ)")
        rc, out = run_in_pty([harness.LIMBER, "stats"], dict(env, NO_COLOR="1"), columns=70)
        self.assertNotIn("\x1b[", out, "NO_COLOR turns colour off on a terminal")
        self.assertEqual(max(len(l) for l in out.splitlines()), 70)
        rc, out = run_in_pty([harness.LIMBER, "stats", "--color", "never"], env, columns=100)
        self.assertNotIn("\x1b[", out)

    def test_the_pain_chart_and_its_sentence(self):
        rc, out, err = self.cli("stats", "pain", env=self.env)
        self.assertEqual(rc, 0, output(out, err))
        self.assertIn("Pain journal, last 14 days", out)
        self.assertRegex(out, r"Before the routine \d\.\d on average \(\d+ notes\), after it \d\.\d \(\d+ notes\)\.")
        self.assertRegex(out, r"Average pain \d\.\d in (the first week, \d\.\d in the second|the second week)")
        data = self.cli_json("stats", "pain", "--json", env=self.env)
        self.assertEqual(data["entries"], 8)
        self.assertEqual(data["before_average"], 5.0)
        self.assertEqual(data["after_average"], 3.25)
        self.assertEqual(len(data["days"]), 14)


# ---------------------------------------------------------------------------------------
# --json schemas


STATS_KEYS = {"schema", "from", "to", "goal", "days", "totals", "streak", "skipped_by_hour", "missed_by_hour",
              "history", "review", "warnings"}
DAY_KEYS = {"date", "weekday", "due", "done", "snoozed", "skipped", "missed", "natural_breaks", "adherence",
            "met_goal"}
PAIN_KEYS = {"schema", "from", "to", "days", "entries", "average", "before_average", "after_average",
             "first_week_average", "second_week_average", "summary", "warnings"}
EVENT_KEYS = {"v", "id", "host", "outcome", "kind", "at", "ts", "prompt", "show", "early", "seconds", "until_ts",
              "reason", "routine", "level", "phase", "note"}


class Schemas(CLITestCase):
    def check(self, data):
        self.assertEqual(set(data), STATS_KEYS)
        self.assertEqual(data["schema"], 1)
        for d in data["days"]:
            self.assertEqual(set(d), DAY_KEYS)
        self.assertEqual(set(data["totals"]),
                         DAY_KEYS - {"date", "weekday", "met_goal"} | {"held", "held_seconds"})
        self.assertEqual(set(data["streak"]), {"current", "best"})
        self.assertEqual(set(data["history"]), {"events", "first_day", "days_of_use", "files", "duplicates_dropped"})
        self.assertEqual(len(data["skipped_by_hour"]), 24)
        self.assertEqual(len(data["missed_by_hour"]), 24)

    def test_the_same_keys_with_and_without_history(self):
        empty = self.cli_json("stats", "--json")
        self.check(empty)
        self.assertEqual(len(empty["days"]), 14)
        s = Script()
        recent_history(s, days=60)
        s.write(self.history_file())
        full = self.cli_json("stats", "--days", "45", "--json")
        self.check(full)
        self.assertEqual(len(full["days"]), 45)
        self.assertEqual(len(self.cli_json("stats", "--week", "--json")["days"]), 7)
        self.assertEqual(len(self.cli_json("stats", "--month", "--json")["days"]), 30)
        self.assertEqual(set(self.cli_json("stats", "pain", "--json")), PAIN_KEYS)
        exported = self.cli_json("history", "--json")
        self.assertEqual(set(exported), {"schema", "events", "files", "duplicates_dropped", "warnings"})
        for e in exported["events"]:
            self.assertEqual(set(e), EVENT_KEYS)

    def test_history_exports_agree_with_the_file(self):
        s = Script()
        recent_history(s, days=10)
        s.at("pain", "2025-06-02 09:00", level=3, note='tight, "very"\nsecond line')
        s.write(self.history_file())
        lines = [json.loads(l) for l in self.history_file().read_text().splitlines()]
        exported = self.cli_json("history", "--json")["events"]
        self.assertEqual(len(exported), len(lines))
        by_id = {e["id"]: e for e in exported}
        for original in lines:
            e = by_id[original["id"]]
            for key in EVENT_KEYS:
                self.assertEqual(e[key], original.get(key, False if key == "early" else None), f"{key} of {original}")
        rc, raw = self.cli_bytes("history", "--csv")
        self.assertEqual(rc, 0)
        out = raw.decode()
        rows = list(csv.DictReader(io.StringIO(out, newline="")))
        self.assertEqual(len(rows), len(lines))
        note = [r for r in rows if r["outcome"] == "pain" and r["level"] == "3"][0]
        self.assertEqual(note["note"], 'tight, "very"\nsecond line')
        self.assertTrue(out.endswith("\r\n"))


# ---------------------------------------------------------------------------------------
# The journal


class JournalWithoutDaemon(CLITestCase):
    def test_round_trip(self):
        rc, out, err = self.cli("journal", "6", "--before", "--note", 'neck "stiff", shoulders ok')
        self.assertEqual(rc, 0, output(out, err))
        self.assertIn("Noted pain 6 of 10 before the routine", out)
        entry = self.cli_json("journal", "4", "--after", "--json")
        self.assertEqual(set(entry), EVENT_KEYS)
        self.assertEqual((entry["outcome"], entry["level"], entry["phase"]), ("pain", 4, "after"))
        self.cli_json("journal", "5", "--json")
        path = self.tenv.state_dir / f"history-{host_name()}.jsonl"
        self.assertEqual(harness.mode(path), 0o600)
        lines = [json.loads(l) for l in path.read_text().splitlines()]
        self.assertEqual([l["level"] for l in lines], [6, 4, 5])
        for l in lines:
            self.assertEqual(l["v"], 1)
            self.assertRegex(l["id"], r"^[0-9a-f]{32}$")
            self.assertEqual(l["host"], host_name())
            self.assertRegex(l["at"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$")
        self.assertEqual(lines[0]["note"], 'neck "stiff", shoulders ok')
        self.assertNotIn("phase", lines[2])
        pain = self.cli_json("stats", "pain", "--json")
        self.assertEqual(pain["entries"], 3)
        self.assertEqual(pain["days"][-1]["levels"], [6, 4, 5])
        self.assertEqual((pain["before_average"], pain["after_average"]), (6, 4))
        rc, out, err = self.cli("history", "--since", "today")
        self.assertIn('pain 6/10 before the routine: neck "stiff", shoulders ok', out)


class JournalWithDaemon(DaemonTestCase):
    def test_journal_and_daemon_share_the_file(self):
        self.start_daemon()
        stop = threading.Event()

        def answers():
            while not stop.is_set():
                self.tenv.cli("now", "posture")
                self.tenv.cli("done")
        t = threading.Thread(target=answers)
        t.start()
        try:
            for n in range(20):
                rc, out, err = self.cli("journal", str(n % 11), "--note", "x" * 500)
                self.assertEqual(rc, 0, output(out, err))
        finally:
            stop.set()
            t.join(timeout=30)
        exported = json.loads(self.cli_ok("history", "--json"))
        self.assertEqual(exported["warnings"], [])
        self.assertEqual(len([e for e in exported["events"] if e["outcome"] == "pain"]), 20)
        self.assertGreater(len([e for e in exported["events"] if e["outcome"] == "done"]), 0)
        self.assertEqual(len(exported["files"]), 1, "one host, one file")


if __name__ == "__main__":
    unittest.main()
