#!/usr/bin/python3
"""A fake of the freedesktop power-management inhibit service, as KDE Plasma's PowerDevil
publishes it (and others following the freedesktop Power Management spec).

    name   org.freedesktop.PowerManagement.Inhibit
    object /org/freedesktop/PowerManagement/Inhibit
    iface  org.freedesktop.PowerManagement.Inhibit
      Inhibit(s application, s reason) -> u cookie
      UnInhibit(u cookie)
      HasInhibit() -> b          whether any inhibitor is held
      HasInhibitChanged(b)       signal, sent when HasInhibit's answer changes

Unlike PowerDevil, an inhibitor lasts until UnInhibit even when its caller leaves the bus,
so a test can take one with a one-shot dbus-send. Records calls as JSON lines in --record;
prints "ready" once it owns the name.
"""

import argparse
import os
import sys

import dbus
import dbus.service
from dbus.mainloop.glib import DBusGMainLoop
from gi.repository import GLib

from common import Recorder, own_names, serve

NAME = "org.freedesktop.PowerManagement.Inhibit"
PATH = "/org/freedesktop/PowerManagement/Inhibit"


class Inhibit(dbus.service.Object):
    def __init__(self, bus, recorder):
        super().__init__(bus, PATH)
        self.recorder = recorder
        self.cookies = set()
        self.next_cookie = 1

    def _changed(self, before):
        now = bool(self.cookies)
        if now != before:
            GLib.idle_add(lambda: self.HasInhibitChanged(dbus.Boolean(now)) and False)

    @dbus.service.method(NAME, in_signature="ss", out_signature="u")
    def Inhibit(self, application, reason):
        before = bool(self.cookies)
        cookie = self.next_cookie
        self.next_cookie += 1
        self.cookies.add(cookie)
        self.recorder.add({"method": "Inhibit", "args": {"application": str(application)}, "cookie": cookie})
        self._changed(before)
        return dbus.UInt32(cookie)

    @dbus.service.method(NAME, in_signature="u", out_signature="")
    def UnInhibit(self, cookie):
        before = bool(self.cookies)
        self.cookies.discard(int(cookie))
        self.recorder.add({"method": "UnInhibit", "args": {"cookie": int(cookie)}})
        self._changed(before)

    @dbus.service.method(NAME, in_signature="", out_signature="b")
    def HasInhibit(self):
        self.recorder.add({"method": "HasInhibit", "answer": bool(self.cookies)})
        return dbus.Boolean(bool(self.cookies))

    @dbus.service.signal(NAME, signature="b")
    def HasInhibitChanged(self, has_inhibit):
        pass


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--record", metavar="FILE", help="append JSON lines here")
    args = parser.parse_args()
    address = os.environ.get("DBUS_SESSION_BUS_ADDRESS")
    if not address:
        print("power_management: DBUS_SESSION_BUS_ADDRESS is not set", file=sys.stderr)
        return 2
    DBusGMainLoop(set_as_default=True)
    loop = GLib.MainLoop()
    bus = dbus.bus.BusConnection(address)
    service = Inhibit(bus, Recorder(args.record))
    if not own_names(bus, (NAME,), "power_management", address):
        return 1
    serve(loop)
    del service
    return 0


if __name__ == "__main__":
    sys.exit(main())
