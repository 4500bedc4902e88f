"""Realistic history files for tests and benchmarks: what limberd writes, years of it.

Lines have the daemon's exact shape (compact JSON, keys sorted, optional keys left out):
    {"at":"2026-03-02T09:41:07+01:00","host":"desk","id":"...","kind":"posture",
     "outcome":"shown","prompt":17,"show":1,"ts":1772440867000,"v":1}

A working day runs about 08:30 to 17:30 on weekdays (some Saturdays): a posture check every
30-45 min, a routine every hour, most done, some snoozed (and shown again), skipped, or missed
after two re-shows; a lunch pause; natural breaks; now and then a pain-journal entry.
"""

import datetime
import json
import random
from zoneinfo import ZoneInfo


def make_id(ts_ms, rng):
    return f"{ts_ms & 0xFFFFFFFFFFFF:012x}{rng.getrandbits(80):020x}"


class Writer:
    def __init__(self, host, zone, rng):
        self.host = host
        self.zone = zone
        self.rng = rng
        self.lines = []
        self.prompt = 0

    def event(self, when, outcome, **fields):
        ts = int(when.timestamp() * 1000)
        local = when.astimezone(self.zone)
        off = local.utcoffset()
        minutes = int(off.total_seconds()) // 60
        sign = "+" if minutes >= 0 else "-"
        at = local.strftime("%Y-%m-%dT%H:%M:%S") + f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
        obj = {"v": 1, "id": make_id(ts, self.rng), "host": self.host, "outcome": outcome, "at": at, "ts": ts}
        obj.update({k: v for k, v in fields.items() if v is not None})
        self.lines.append(json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False))
        return obj


def day_events(w, day, rng):
    """One working day of `day` (a date) in w.zone."""
    start = datetime.datetime(day.year, day.month, day.day, 8, 30, tzinfo=w.zone)
    start += datetime.timedelta(minutes=rng.randint(-20, 40))
    end = start + datetime.timedelta(hours=rng.uniform(7.5, 9.5))
    t = start
    since_routine = datetime.timedelta()
    paused_lunch = False
    if rng.random() < 0.15:
        w.event(t, "pain", level=rng.randint(2, 7), phase="before")
    while t < end:
        gap = datetime.timedelta(minutes=rng.uniform(30, 45))
        t += gap
        since_routine += gap
        if t >= end:
            break
        if not paused_lunch and t.astimezone(w.zone).hour >= 12:
            paused_lunch = True
            w.event(t, "paused", seconds=3600, until_ts=int((t + datetime.timedelta(hours=1)).timestamp() * 1000))
            t += datetime.timedelta(hours=1)
            w.event(t, "resumed", reason="pause-ended")
            continue
        if rng.random() < 0.06:
            w.event(t, "natural-break", seconds=rng.randint(300, 1800))
            continue
        kind = "routine" if since_routine >= datetime.timedelta(minutes=60) else "posture"
        if kind == "routine":
            since_routine = datetime.timedelta()
        if rng.random() < 0.05:
            w.event(t, "done", kind=kind, early=True)
            continue
        w.prompt += 1
        p = w.prompt
        w.event(t, "shown", kind=kind, prompt=p, show=1)
        r = rng.random()
        if r < 0.70:
            t += datetime.timedelta(seconds=rng.randint(5, 240))
            w.event(t, "done", kind=kind, prompt=p)
        elif r < 0.82:
            t += datetime.timedelta(seconds=rng.randint(5, 120))
            w.event(t, "snoozed", kind=kind, prompt=p, seconds=300)
            t += datetime.timedelta(minutes=5)
            w.prompt += 1
            w.event(t, "shown", kind=kind, prompt=w.prompt, show=1)
            t += datetime.timedelta(seconds=rng.randint(5, 200))
            w.event(t, "done" if rng.random() < 0.8 else "skipped", kind=kind, prompt=w.prompt)
        elif r < 0.92:
            t += datetime.timedelta(seconds=rng.randint(2, 30))
            w.event(t, "skipped", kind=kind, prompt=p)
        else:
            for show in (2, 3):
                t += datetime.timedelta(minutes=5)
                w.event(t, "reshown", kind=kind, prompt=p, show=show)
            t += datetime.timedelta(minutes=5)
            w.event(t, "missed", kind=kind, prompt=p)
        if kind == "routine" and rng.random() < 0.1:
            w.event(t + datetime.timedelta(seconds=30), "pain", level=rng.randint(1, 6), phase="after",
                    note=rng.choice([None, "neck looser", "shoulders tight, \"better\" after", "fine"]))


def generate(count, host="desk", zone="Europe/Berlin", end=None, seed=1):
    """About `count` history lines ending at `end` (default: now), oldest first."""
    per_day = 30  # lines a working day, roughly; grown below until there are enough
    while True:
        rng = random.Random(seed)
        w = Writer(host, ZoneInfo(zone), rng)
        end_local = (end or datetime.datetime.now(tz=w.zone)).astimezone(w.zone)
        end_ms = end_local.timestamp() * 1000
        days = int(count / per_day * 7 / 5) + 30
        day = end_local.date() - datetime.timedelta(days=days)
        while day <= end_local.date():
            if day.weekday() < 5 or rng.random() < 0.1:
                day_events(w, day, rng)
            day += datetime.timedelta(days=1)
        lines = [l for l in w.lines if json.loads(l)["ts"] <= end_ms]
        if len(lines) >= count:
            return lines[-count:]
        per_day = max(1, int(per_day * len(lines) / count * 0.9))


def write(path, lines):
    with open(path, "w", encoding="utf-8") as f:
        for line in lines:
            f.write(line + "\n")
