#!/usr/bin/env python3
"""History at scale (issue 5): 100,000 events, what five years of heavy use leaves behind.

Generates a realistic history file (Tests/integration/history_gen.py: the daemon's exact line
format, working days of reminders and answers, snoozes, misses, pauses, natural breaks,
journal entries) in a temp folder and times, as medians of several runs, each against a
baseline measured in the same run:
  - `limber stats` and `limber stats --json` (target <= 200 ms), baseline `limber --version`
    (process start-up and argument parsing, nothing read);
  - `limber history --json | wc -c` and `limber history --csv | wc -c`, baseline the same
    pipeline on an empty history;
  - limberd exec to READY=1 with that history in its state folder, baseline an empty one
    (start-up must not read the history, so the two should be the same).
"""
import argparse
import json
import os
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "Tests" / "integration"))
import harness  # noqa: E402
from figures import Figures, median_ms  # noqa: E402
import history_gen  # noqa: E402


def host_name():
    import re
    import socket
    return re.sub(r"[^A-Za-z0-9._-]", "_", socket.gethostname()[:64]) or "unknown-host"


CPU = []  # CPU seconds (user + system) of each timed() child, in order


def timed(argv, env, stdin=None):
    """Wall seconds of one run; its CPU seconds go to CPU (a figure less at the mercy of
    whatever else the machine is doing)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.monotonic()
    subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    elapsed = time.monotonic() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    CPU.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return elapsed


def timed_cpu(argv, env, runs):
    """(wall seconds, CPU seconds) of `runs` runs."""
    walls, cpus = [], []
    for _ in range(runs):
        walls.append(timed(argv, env))
        cpus.append(CPU[-1])
    return walls, cpus


def timed_pipeline(argv, env):
    """argv | wc -c; returns (seconds, bytes counted)."""
    t0 = time.monotonic()
    p1 = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    p2 = subprocess.Popen(["wc", "-c"], stdin=p1.stdout, stdout=subprocess.PIPE)
    p1.stdout.close()
    out = p2.communicate()[0]
    p1.wait()
    elapsed = time.monotonic() - t0
    if p1.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} exited {p1.returncode}")
    return elapsed, int(out.split()[0])


def ready_time(limberd, tenv, bus, notify):
    mark = notify.mark()
    env = dict(tenv.env, **bus.env, **notify.env)
    t0 = time.monotonic()
    p = subprocess.Popen([limberd, "--defaults"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        if notify.wait_for("READY", "1", timeout=15, since=mark) is None:
            raise SystemExit("limberd: no READY=1 within 15 s")
        at = [t for t, m in notify.timed_messages(mark) if m.get("READY") == "1"][0]
        return at - t0
    finally:
        p.send_signal(signal.SIGTERM)
        p.wait(10)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", default=str(ROOT / ".build" / "release"), help="folder with limber and limberd")
    ap.add_argument("--events", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--starts", type=int, default=10)
    ap.add_argument("--json", help="also write the figures to this file")
    args = ap.parse_args()
    limber = str(Path(args.bin) / "limber")
    limberd = str(Path(args.bin) / "limberd")
    for p in (limber, limberd):
        if not os.access(p, os.X_OK):
            raise SystemExit(f"{p} is not built; run make release")
    figures = Figures()
    report = figures.report

    big, empty = harness.TempEnv("hbench"), harness.TempEnv("hbench0")
    try:
        for t in (big, empty):
            t.state_dir.mkdir(mode=0o700)
        t0 = time.monotonic()
        lines = history_gen.generate(args.events, host=host_name())
        path = big.state_dir / f"history-{host_name()}.jsonl"
        history_gen.write(path, lines)
        first = json.loads(lines[0])["at"][:10]
        last = json.loads(lines[-1])["at"][:10]
        print(f"history: {len(lines):,} events, {path.stat().st_size / 2**20:.1f} MiB, {first} to {last} "
              f"(generated in {time.monotonic() - t0:.1f} s)", flush=True)
        env, env0 = dict(big.env, TZ="Europe/Berlin"), dict(empty.env, TZ="Europe/Berlin")

        for _ in range(3):  # warm the page cache and the binary
            timed([limber, "stats"], env)
            timed([limber, "--version"], env)
        version, version_cpu = timed_cpu([limber, "--version"], env, args.runs)
        stats, stats_cpu = timed_cpu([limber, "stats"], env, args.runs)
        stats_json, stats_json_cpu = timed_cpu([limber, "stats", "--json"], env, args.runs)
        pain, pain_cpu = timed_cpu([limber, "stats", "pain"], env, args.runs)
        n = f"{len(lines) // 1000}k"
        print(f"(load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs)")
        report(f"limber stats, {n} events (median of {args.runs})", median_ms(stats), "ms", median_ms(version),
               target=200)
        report("  CPU time (user + system)", median_ms(stats_cpu), "ms", median_ms(version_cpu), target=200)
        report(f"limber stats --json, {n} events", median_ms(stats_json), "ms", median_ms(version), target=200)
        report("  CPU time (user + system)", median_ms(stats_json_cpu), "ms", median_ms(version_cpu))
        report(f"limber stats pain, {n} events", median_ms(pain), "ms", median_ms(version))
        report("  CPU time (user + system)", median_ms(pain_cpu), "ms", median_ms(version_cpu))

        for form in ("--json", "--csv"):
            runs = [timed_pipeline([limber, "history", form], env) for _ in range(args.runs)]
            base = [timed_pipeline([limber, "history", form], env0) for _ in range(args.runs)]
            size = runs[0][1]
            report(f"limber history {form} | wc -c, {n} ({size / 2**20:.0f} MiB)", median_ms([r[0] for r in runs]), "ms",
                   median_ms([b[0] for b in base]))

        # limberd start-up with and without the history: it must not read it.
        subjects = []
        try:
            for t in (big, empty):
                bus = harness.PrivateBus(t).start()
                fake = harness.FakeNotifications(t, bus).start()
                notify = harness.NotifySocket(t)
                subjects.append((t, bus, fake, notify))
            times = {id(t): [] for t, *_ in subjects}
            for _ in range(args.starts):
                for t, bus, fake, notify in subjects:
                    times[id(t)].append(ready_time(limberd, t, bus, notify))
            report(f"limberd exec to READY=1, {n}-event history", median_ms(times[id(big)]), "ms",
                   median_ms(times[id(empty)]))
        finally:
            for t, bus, fake, notify in subjects:
                fake.stop()
                bus.stop()
                notify.close()
    finally:
        big.cleanup()
        empty.cleanup()
    figures.save(args.json)


if __name__ == "__main__":
    main()
