"""What every fake D-Bus service here shares: the JSON-lines record of calls and signals that
tests read, owning the service's names, and serving until SIGTERM or SIGINT.

The fakes run as scripts (python3 fakes/NAME.py), so this folder is on sys.path."""
import json
import signal
import sys
import time

import dbus
from gi.repository import GLib


class Recorder:
    """Appends every entry, numbered and timed, to a JSON-lines file the tests poll."""

    def __init__(self, path):
        self.entries = []
        self.file = open(path, "a", encoding="utf-8") if path else None

    def add(self, entry):
        entry = dict(entry, seq=len(self.entries) + 1, time=time.time(), mono=time.monotonic())
        self.entries.append(entry)
        if self.file:
            self.file.write(json.dumps(entry, sort_keys=True) + "\n")
            self.file.flush()


def own_names(bus, names, who, address, why=""):
    """Owns each name or says which one another process has; False when one is taken.
    (Export the objects before calling this: a call may arrive the moment a name is ours.)"""
    for name in names:
        if bus.request_name(name, dbus.bus.NAME_FLAG_DO_NOT_QUEUE) != dbus.bus.REQUEST_NAME_REPLY_PRIMARY_OWNER:
            print(f"{who}: {name} is already owned on {address}{why}", file=sys.stderr)
            return False
    return True


def serve(loop):
    """Says "ready" (the harness waits for that line) and runs until SIGTERM or SIGINT."""
    for signum in (signal.SIGTERM, signal.SIGINT):
        GLib.unix_signal_add(GLib.PRIORITY_HIGH, signum, lambda *_: (loop.quit(), False)[1])
    print("ready", flush=True)
    loop.run()
