#!/usr/bin/env python3
"""Time the TOML parser on generated config-like files of 1 MiB and 2 MiB.

Writes the files into a temporary folder, runs
`limber-toml-decode --bench FILE1 FILE2 --repeat N` (one process, the two files taking turns;
parse only: no process start, no JSON
output in the timing) and prints the median wall-clock parse times, their ratio, and the
median CPU times (a guide when other processes load the machine).

    toml_bench.py [--decoder .build/release/limber-toml-decode] [--repeat 15]
                  [--max-ms 50] [--max-ratio 2.6] [--no-check] [--keep DIR]

Exits 1 when the 1 MiB median is above --max-ms or the 2 MiB / 1 MiB ratio is above
--max-ratio (parsing must stay linear), unless --no-check is given.
"""
import argparse
import os
import random
import re
import subprocess
import sys
import tempfile

WORDS = ("posture neck shoulder stretch break reminder routine desk chair screen walk breathe "
         "water eyes wrist back upper lower rotate hold release repeat gentle slow").split()


def words(rng, n):
    return " ".join(rng.choice(WORDS) for _ in range(n))


def section(rng, n):
    """One config-like block: a table with scalars, arrays, an inline table, dates, comments."""
    name = rng.choice(WORDS)
    lines = [
        f"# {words(rng, 8)}",
        f"[profile.{name}-{n}]",
        f'title = "{words(rng, 4).capitalize()} \\u00e9\\t#{n}"',
        f"path = 'C:\\Users\\limber\\{name}'",
        f"enabled = {rng.choice(['true', 'false'])}",
        f"interval = {rng.randint(1, 90)}  # minutes",
        f"weight = {rng.uniform(0, 10):.3f}",
        f"big = {rng.randint(1, 10**12):_}",
        f"mask = 0x{rng.randint(0, 0xFFFF):04X}",
        f"created = 2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T{rng.randint(0, 23):02d}:"
        f"{rng.randint(0, 59):02d}:00.{rng.randint(0, 999):03d}+01:00",
        f"day = 2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
        f"at = {rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:00",
        f"tags = [{', '.join(repr(w).replace(chr(39), chr(34)) for w in rng.sample(WORDS, 4))}]",
        f"limits = {{ min = {rng.randint(0, 5)}, max = {rng.randint(6, 60)}, unit = \"min\" }}",
        f"hours.start = \"{rng.randint(7, 10):02d}:00\"",
        f"hours.end = \"{rng.randint(16, 19):02d}:00\"",
        "matrix = [",
        f"  [{rng.randint(0, 9)}, {rng.randint(0, 9)}, {rng.randint(0, 9)}],  # row",
        f"  [{rng.random():.2f}, {rng.random():.2f}],",
        "]",
    ]
    if n % 4 == 0:
        lines += ['notes = """', words(rng, 12), words(rng, 10) + ' \\', "  continued", '"""']
    for step in range(rng.randint(1, 3)):
        lines += [
            "",
            f"[[profile.{name}-{n}.step]]",
            f'do = "{words(rng, 5)}"',
            f"seconds = {rng.randint(5, 60)}",
            f"repeat = {rng.randint(1, 10)}",
        ]
    lines.append("")
    return "\n".join(lines) + "\n"


def generate(size, seed):
    rng = random.Random(seed)
    parts = ["# limber benchmark configuration (generated)\n", 'version = 1\nname = "bench"\n\n']
    total = sum(len(p.encode()) for p in parts)
    n = 0
    while total < size:
        block = section(rng, n)
        parts.append(block)
        total += len(block.encode())
        n += 1
    return "".join(parts)


def medians(decoder, paths, repeat):
    """(wall, cpu) median milliseconds for each path, measured in one process, taking turns."""
    out = subprocess.run([decoder, "--bench", *paths, "--repeat", str(repeat)],
                         capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"toml-bench: {decoder} failed:\n{out.stderr}")
    results = []
    for line in out.stdout.strip().splitlines():
        wall = re.search(r", median ([0-9.]+) ms", line)
        cpu = re.search(r"cpu median ([0-9.]+) ms", line)
        if not wall or not cpu:
            sys.exit(f"toml-bench: unexpected output: {line!r}")
        print("  " + line)
        results.append((float(wall.group(1)), float(cpu.group(1))))
    if len(results) != len(paths):
        sys.exit(f"toml-bench: unexpected output: {out.stdout!r}")
    return results


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--decoder", default=".build/release/limber-toml-decode")
    ap.add_argument("--repeat", type=int, default=15)
    ap.add_argument("--max-ms", type=float, default=50.0, help="limit for the 1 MiB median")
    ap.add_argument("--max-ratio", type=float, default=2.6, help="limit for 2 MiB / 1 MiB")
    ap.add_argument("--no-check", action="store_true", help="report only, never fail")
    ap.add_argument("--keep", help="write the generated files here instead of a temp folder")
    args = ap.parse_args()
    if not os.access(args.decoder, os.X_OK):
        sys.exit(f"toml-bench: {args.decoder} not found; run "
                 "'swift build -c release --product limber-toml-decode' first")
    folder = args.keep or tempfile.mkdtemp(prefix="toml-bench-")
    os.makedirs(folder, exist_ok=True)
    paths = []
    for label, size in (("1MiB", 1 << 20), ("2MiB", 2 << 20)):
        path = os.path.join(folder, f"config-{label}.toml")
        with open(path, "w", encoding="utf-8") as f:
            f.write(generate(size, seed=42))
        paths.append(path)
    try:
        (one, one_cpu), (two, two_cpu) = medians(args.decoder, paths, args.repeat)
    finally:
        if not args.keep:
            for path in paths:
                os.remove(path)
            os.rmdir(folder)
    ratio = two / one if one > 0 else float("inf")
    print(f"toml-bench: 1 MiB median {one:.3f} ms, 2 MiB median {two:.3f} ms, ratio {ratio:.2f} "
          f"(cpu {one_cpu:.3f} / {two_cpu:.3f} ms)")
    failed = []
    if one > args.max_ms:
        failed.append(f"1 MiB median {one:.3f} ms is above {args.max_ms} ms")
    if ratio > args.max_ratio:
        failed.append(f"ratio {ratio:.2f} is above {args.max_ratio} (not linear)")
    for why in failed:
        print("toml-bench: FAIL: " + why)
    return 1 if failed and not args.no_check else 0


if __name__ == "__main__":
    sys.exit(main())
