#!/usr/bin/env python3
"""Writes build-support/limberd.order: the functions limberd runs, for lld's
--symbol-ordering-file (make order-file; needs valgrind).

Why: a static Swift binary's code is spread over ~6 MB, and the kernel maps it in 64 KiB
fault-around windows, so the few hundred KB limberd actually runs (start-up, requests,
timers, notifications, presence) kept about 5.5 MiB of the binary resident. Linking those
functions next to each other cut idle RSS by about 1.5 MiB (measured with make bench).

How: run a release limberd under callgrind in a desktop-like sandbox (private session bus
with the recording notification server, private system bus with the fake logind, the
Mutter/screen-saver fakes), drive it through start-up, every request, notification actions,
presence changes and a reload, then stop it, and keep the executed functions that the
binary defines, in the order callgrind first saw them. This runs twice: beside Xvfb
(x11_idle) and beside headless sway (wayland_idle), each with a 10 s idle threshold so the
idle and resume paths run too; the second run adds what the first did not see. A stale file is harmless: lld skips
names it cannot find (--no-warn-symbol-ordering), so regenerate it when the code paths
change a lot, not on every commit.
"""
import argparse
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "Tests" / "integration"))
import harness  # noqa: E402


def fake(tenv, label, script, args, env):
    p = harness.spawn(label, [harness.SYSTEM_PYTHON, str(harness.FAKES / script), "--record",
                              str(tenv.path(label + ".jsonl")), *args],
                      stdout=subprocess.PIPE, stderr=open(tenv.path(label + ".log"), "wb"), env=env)
    line = harness._read_line(p, 15, label)
    if line != "ready":
        raise SystemExit(f"{label} said {line!r}")
    return p


def profile(limberd, limber, out, display):
    tenv = harness.TempEnv("order")
    procs = []
    daemon = None
    server = None
    try:
        config = tenv.config_home / "limber" / "config.toml"
        config.parent.mkdir(mode=0o700)
        config.write_text('[idle]\nthreshold = "10s"\n')
        server = (harness.Xvfb(tenv) if display == "x11" else harness.HeadlessSway(tenv)).start()
        session = harness.PrivateBus(tenv).start()
        system = harness.PrivateBus(tenv, name="system").start()
        notifications = harness.FakeNotifications(tenv, session).start()
        env = dict(tenv.env, **session.env)
        procs.append(fake(tenv, "logind", "logind.py", ["--address", system.address], tenv.env))
        procs.append(fake(tenv, "session-idle", "session_idle.py", ["--mutter", "--screensaver"], env))
        notify = harness.NotifySocket(tenv)
        env.update(notify.env, DBUS_SYSTEM_BUS_ADDRESS=system.address, XDG_CURRENT_DESKTOP="GNOME",
                   WATCHDOG_USEC="2000000", **server.env)

        def display_input():
            if display == "x11":
                subprocess.run(["xdotool", "mousemove_relative", "--", "1", "1"], env=env, timeout=30)
            else:
                server.type("a")
        daemon = subprocess.Popen(["valgrind", "--tool=callgrind", "--demangle=no", f"--callgrind-out-file={out}",
                                   limberd], env=env, stderr=open(tenv.path("limberd.stderr"), "wb"))
        if notify.wait_for("READY", "1", timeout=120) is None:
            raise SystemExit("limberd under valgrind did not get ready:\n" + harness.tail(tenv.path("limberd.stderr")))

        def cli(*args):
            subprocess.run([limber, *args], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60)

        def logind(method, value):
            harness.dbus_send(system.address, "org.limber.TestLogind", "/org/limber/TestLogind",
                              f"org.limber.TestLogind.{method}", f"boolean:{value}")

        for args in (["status"], ["status", "--json"], ["now", "posture"], ["snooze"], ["now", "routine"],
                     ["done"], ["pause", "10m"], ["resume"], ["now"], ["skip"], ["reload"], ["done"],
                     ["start"], ["next"], ["next"], ["stop"]):
            cli(*args)
        cli("now", "posture")
        shown = notifications.notify_calls()
        if shown:
            notifications.invoke(shown[-1]["id"], "done")
        for method, value in (("SetLockedHint", "true"), ("SetIdleHint", "true"), ("PrepareForSleep", "true"),
                              ("PrepareForSleep", "false"), ("SetIdleHint", "false"), ("SetLockedHint", "false")):
            logind(method, value)
            time.sleep(0.5)
        # The display server's idle alarm, then input again.
        display_input()
        time.sleep(12)
        display_input()
        time.sleep(1)
        client = harness.ControlClient(tenv.socket_path)
        client.send(b"not json\n")
        client.read_line()
        client.close()
        time.sleep(2)
        daemon.send_signal(signal.SIGTERM)
        daemon.wait(120)
    finally:
        if daemon is not None and daemon.poll() is None:
            daemon.kill()
            daemon.wait()
        for p in procs:
            harness.stop(p)
        if server is not None:
            server.stop()
        for thing in ("notifications", "session", "system"):
            obj = locals().get(thing)
            if obj is not None:
                obj.stop()
        tenv.cleanup()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", default=str(ROOT / ".build" / "release"))
    ap.add_argument("--out", default=str(ROOT / "build-support" / "limberd.order"))
    args = ap.parse_args()
    limberd, limber = str(Path(args.bin) / "limberd"), str(Path(args.bin) / "limber")
    names, seen = [], set()
    for display in ("x11", "wayland"):
        trace = Path(args.out).with_suffix(f".{display}.callgrind")
        profile(limberd, limber, str(trace), display)
        for line in trace.read_text(errors="replace").splitlines():
            m = re.match(r"^c?fn=\(\d+\)\s+(\S+)", line)
            if m and m.group(1) not in seen:
                seen.add(m.group(1))
                names.append(m.group(1))
        trace.unlink()
    nm = subprocess.run(["nm", "--defined-only", limberd], capture_output=True, text=True, check=True).stdout
    defined = {p[-1] for p in (l.split() for l in nm.splitlines()) if len(p) >= 3 and p[-2] in "tTwW"}
    ordered = [n for n in names if n in defined]
    Path(args.out).write_text("\n".join(ordered) + "\n")
    print(f"{args.out}: {len(ordered)} functions (of {len(names)} executed)")


if __name__ == "__main__":
    main()
