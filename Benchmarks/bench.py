#!/usr/bin/env python3
"""limber's benchmarks (make bench). Figures, not pass/fail: the machines are shared and noisy.

Each figure comes with a baseline measured in the same run:
  - start-up, idle memory and idle wakeups against a C floor (Benchmarks/floor.c: notify_init,
    READY=1, g_main_loop_run), built here with gcc;
  - `limber status` against exec of /bin/true (the cost of starting any process).
The idle figures are also taken with a live display server and no input: Xvfb (x11_idle
watches its IDLETIME counter) and headless sway (wayland_idle, run as nobody when root), with
the resident memory of libwayland-client and libxcb's mappings on their own.
Targets from issue 2: RSS <= 12 MiB, no idle wakeups but watchdog pings, status <= 10 ms,
READY=1 <= 50 ms. Issue 3: TOML 1 MiB <= 50 ms, 2 MiB about twice that. Issue 5
(Benchmarks/history_bench.py): limber stats over 100,000 events <= 200 ms, and limberd's
start-up as fast with that history as without.
"""
import argparse
import os
import shutil
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "Tests" / "integration"))
import harness  # noqa: E402
from figures import Figures, median_ms  # noqa: E402


def task_switches(pid):
    """Voluntary + involuntary context switches summed over every thread of pid."""
    total = 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            for line in (task / "status").read_text().splitlines():
                if line.startswith(("voluntary_ctxt_switches", "nonvoluntary_ctxt_switches")):
                    total += int(line.split()[1])
        except FileNotFoundError:
            pass
    return total


def rss_kib(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def mapped_rss_kib(pid, names):
    """Resident KiB of the file mappings whose path contains one of `names` (shared libraries)."""
    total, current = 0, None
    for line in Path(f"/proc/{pid}/smaps").read_text().splitlines():
        parts = line.split()
        if parts and "-" in parts[0] and len(parts) >= 5:
            current = parts[5] if len(parts) > 5 else ""
        elif line.startswith("Rss:") and current and any(n in current for n in names):
            total += int(parts[1])
    return total


# What wayland_idle and x11_idle add to the process (libffi came with GLib already).
DISPLAY_LIBS = ("libwayland-client", "libxcb", "libXau", "libXdmcp")


def threads(pid):
    return len(list(Path(f"/proc/{pid}/task").iterdir()))


class Subject:
    """One daemon-like process on its own private bus with a fake notification server."""

    def __init__(self, label, argv, watchdog_usec=None, display=None):
        self.tenv = harness.TempEnv("bench")
        self.bus = harness.PrivateBus(self.tenv).start()
        self.fake = harness.FakeNotifications(self.tenv, self.bus).start()
        self.notify = harness.NotifySocket(self.tenv)
        self.label = label
        # Each daemon runs its own copy of the binary, as on a machine with one limberd: the
        # kernel hands back (MADV_PAGEOUT) only pages no other process maps, and five daemons
        # from one file would keep each other's start-up pages resident.
        if os.path.basename(argv[0]) == "limberd":
            own = self.tenv.path("limberd")
            shutil.copy2(argv[0], own)
            argv = [str(own)] + argv[1:]
        self.argv = argv
        self.watchdog_usec = watchdog_usec
        self.process = None
        # A live display server beside it: "x11" (Xvfb) or "wayland" (headless sway).
        self.server = None
        if display == "x11":
            self.server = harness.Xvfb(self.tenv).start()
        elif display == "wayland":
            self.server = harness.HeadlessSway(self.tenv).start()

    def env(self):
        env = dict(self.tenv.env, **self.bus.env, **self.notify.env)
        if self.server:
            env.update(self.server.env)
        if self.watchdog_usec:
            env["WATCHDOG_USEC"] = str(self.watchdog_usec)
        return env

    def start(self):
        """Starts the process; returns seconds from exec to READY=1."""
        mark = self.notify.mark()
        t0 = time.monotonic()
        self.process = subprocess.Popen(self.argv, env=self.env(), stdout=subprocess.DEVNULL,
                                        stderr=open(self.tenv.path(f"{self.label}.stderr"), "ab"))
        if self.notify.wait_for("READY", "1", timeout=15, since=mark) is None:
            raise SystemExit(f"{self.label}: no READY=1 within 15 s")
        ready_at = [t for t, m in self.notify.timed_messages(mark) if m.get("READY") == "1"][0]
        return ready_at - t0

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def close(self):
        self.stop()
        if self.server:
            self.server.stop()
        self.fake.stop()
        self.bus.stop()
        self.notify.close()
        self.tenv.cleanup()


def build_floor(out):
    cflags = subprocess.run(["pkg-config", "--cflags", "--libs", "libnotify", "libsystemd"],
                            capture_output=True, text=True, check=True).stdout.split()
    subprocess.run(["gcc", "-O2", "-o", str(out), str(ROOT / "Benchmarks" / "floor.c"), *cflags], check=True)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", default=str(ROOT / ".build" / "release"), help="folder with limberd and limber")
    ap.add_argument("--idle", type=float, default=60.0, help="idle window for context switches (s)")
    ap.add_argument("--settle", type=float, default=30.0, help="idle time before reading RSS (s)")
    ap.add_argument("--starts", type=int, default=15, help="start-ups to time")
    ap.add_argument("--status-runs", type=int, default=50)
    ap.add_argument("--json", help="also write the figures to this file")
    args = ap.parse_args()

    limberd = str(Path(args.bin) / "limberd")
    limber = str(Path(args.bin) / "limber")
    for p in (limberd, limber):
        if not os.access(p, os.X_OK):
            raise SystemExit(f"{p} is not built; run make release")
    floor_env = harness.TempEnv("floor")
    try:
        run(args, limberd, limber, build_floor(floor_env.root / "floor"))
    finally:
        floor_env.cleanup()


def run(args, limberd, limber, floor):
    figures = Figures()
    report = figures.report

    print(f"limberd {os.path.getsize(limberd) / 2**20:.1f} MiB, limber {os.path.getsize(limber) / 2**20:.1f} MiB "
          f"(static Swift standard library)\n")

    # Start-up: exec to READY=1.
    subjects = [Subject("limberd", [limberd, "--defaults"]), Subject("floor", [str(floor)])]
    try:
        times = {s.label: [] for s in subjects}
        for _ in range(args.starts):
            for s in subjects:
                times[s.label].append(s.start())
                s.stop()
        report("exec to READY=1 (median)", median_ms(times["limberd"]), "ms",
               median_ms(times["floor"]), target=50)
    finally:
        for s in subjects:
            s.close()

    # Idle: RSS after settling, then context switches of every thread over the idle window.
    subjects = [Subject("limberd", [limberd, "--defaults"]), Subject("floor", [str(floor)]),
                Subject("limberd+watchdog", [limberd, "--defaults"], watchdog_usec=60_000_000),
                Subject("limberd after a reminder", [limberd, "--defaults"])]
    if shutil.which("Xvfb"):
        subjects.append(Subject("limberd+Xvfb", [limberd, "--defaults"], display="x11"))
    else:
        print("(no Xvfb: the x11_idle figures are left out; Debian: xvfb)")
    if shutil.which("sway") and (os.geteuid() != 0 or shutil.which("setpriv")):
        subjects.append(Subject("limberd+sway", [limberd, "--defaults"], display="wayland"))
    else:
        print("(no sway: the wayland_idle figures are left out; Debian: sway)")
    try:
        for s in subjects:
            s.start()
            if s.label == "limberd":
                # 5 s after READY=1 limberd hands its start-up pages back (MADV_PAGEOUT).
                rss_at_ready = rss_kib(s.process.pid) / 1024
        # One reminder shown and answered: the notifier's thread, its GLib context and the
        # D-Bus connection exist from then on, and must idle as quietly.
        after_reminder = subjects[3]
        with harness.ControlClient(after_reminder.tenv.socket_path) as c:
            c.request({"v": 1, "cmd": "now", "kind": "posture"})
            harness.wait_until(lambda: after_reminder.fake.notify_calls(), timeout=10, message="a Notify call")
            c.request({"v": 1, "cmd": "done"})
        print(f"(idling {args.settle:.0f} s, then counting context switches for {args.idle:.0f} s)", flush=True)
        time.sleep(args.settle)
        rss = {s.label: rss_kib(s.process.pid) / 1024 for s in subjects}
        before = {s.label: task_switches(s.process.pid) for s in subjects}
        mark = {s.label: s.notify.mark() for s in subjects}
        time.sleep(args.idle)
        after = {s.label: task_switches(s.process.pid) for s in subjects}
        report("RSS at READY=1 (before start-up pages are handed back)", rss_at_ready, "MiB", None)
        report(f"RSS after {args.settle:.0f} s idle", rss["limberd"], "MiB", rss["floor"], target=12)
        per_min = 60 / args.idle
        report("context switches / idle minute (all threads)", (after["limberd"] - before["limberd"]) * per_min,
               "", None)
        report("  C floor, same window", (after["floor"] - before["floor"]) * per_min, "", None)
        ping_times = [t for t, m in subjects[2].notify.timed_messages(mark["limberd+watchdog"]) if m.get("WATCHDOG") == "1"]
        pings = len(ping_times)
        spacing = statistics.median(b - a for a, b in zip(ping_times, ping_times[1:])) if len(ping_times) > 1 else 0
        report("  with WatchdogSec=60s: switches / minute",
               (after["limberd+watchdog"] - before["limberd+watchdog"]) * per_min, "", None)
        report("  with WatchdogSec=60s: WATCHDOG=1 / minute", pings * per_min, "", None)
        report("  with WatchdogSec=60s: seconds between pings (median)", spacing, "s", None)
        # Each ping runs code again after the hand-back: this is the resident set a systemd user gets.
        report(f"  with WatchdogSec=60s: RSS after {args.settle:.0f} s idle", rss["limberd+watchdog"], "MiB",
               rss["floor"], target=12)
        # No target: the session-bus connection libnotify opens costs about 1.5 MiB by itself.
        report(f"after one reminder: RSS after {args.settle:.0f} s idle", rss["limberd after a reminder"], "MiB",
               rss["floor"])
        report("after one reminder: context switches / idle minute",
               (after["limberd after a reminder"] - before["limberd after a reminder"]) * per_min, "", None)
        for s in [s for s in subjects if s.label in ("limberd+Xvfb", "limberd+sway")]:
            source = "x11_idle" if s.label.endswith("Xvfb") else "wayland_idle"
            with harness.ControlClient(s.tenv.socket_path) as c:
                answer = c.request({"v": 1, "cmd": "status"})
            presence = answer.get("presence") or (answer.get("status") or {}).get("presence") or {}
            live = any(x.get("name") == source and x.get("live") for x in presence.get("sources", []))
            report(f"{s.label}: RSS after {args.settle:.0f} s idle ({source} {'live' if live else 'NOT LIVE'})",
                   rss[s.label], "MiB", rss["floor"], target=12)
            report(f"  {s.label}: switches / idle minute", (after[s.label] - before[s.label]) * per_min, "", None)
            report(f"  {s.label}: RSS of libwayland-client, libxcb*, libXau, libXdmcp",
                   mapped_rss_kib(s.process.pid, DISPLAY_LIBS) / 1024, "MiB", None)
        report("  limberd (no display): RSS of libwayland-client, libxcb*, libXau, libXdmcp",
               mapped_rss_kib(subjects[0].process.pid, DISPLAY_LIBS) / 1024, "MiB", None)
        figures.all["threads"] = {s.label: threads(s.process.pid) for s in subjects}
        print(f"{'threads':<42} limberd {figures.all['threads']['limberd']}, floor {figures.all['threads']['floor']}, "
              f"limberd after a reminder {figures.all['threads']['limberd after a reminder']}")

        # limber status round trip against the idle daemon.
        s = subjects[0]
        env = s.env()
        def timed(argv):
            t0 = time.monotonic()
            subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, check=True)
            return time.monotonic() - t0
        for _ in range(5):
            timed([limber, "status"])
        status = [timed([limber, "status"]) for _ in range(args.status_runs)]
        true = [timed(["/bin/true"]) for _ in range(args.status_runs)]
        report(f"limber status round trip (median of {args.status_runs})", median_ms(status), "ms",
               median_ms(true), target=10)
        report("  limber status p90", statistics.quantiles(status, n=10)[-1] * 1000, "ms")
        client = harness.ControlClient(s.tenv.socket_path)
        raw = []
        for _ in range(args.status_runs):
            t0 = time.monotonic()
            client.request({"v": 1, "cmd": "status"})
            raw.append(time.monotonic() - t0)
        client.close()
        report("  socket request alone (median)", median_ms(raw), "ms")
    finally:
        for s in subjects:
            s.close()

    # TOML parsing.
    bench = ROOT / "Benchmarks" / "toml-bench" / "toml_bench.py"
    decoder = Path(args.bin) / "limber-toml-decode"
    if bench.exists() and decoder.exists():
        print()
        subprocess.run([sys.executable, str(bench), "--decoder", str(decoder), "--no-check"], check=False)

    # History at scale (issue 5): 100,000 events for limber stats and limber history.
    print()
    subprocess.run([sys.executable, str(ROOT / "Benchmarks" / "history_bench.py"), "--bin", args.bin], check=False)

    figures.save(args.json)


if __name__ == "__main__":
    main()
