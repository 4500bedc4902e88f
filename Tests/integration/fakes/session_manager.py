#!/usr/bin/python3
"""A fake of GNOME's org.gnome.SessionManager, the inhibitor part of its published interface.

    name   org.gnome.SessionManager
    object /org/gnome/SessionManager
    iface  org.gnome.SessionManager
      Inhibit(s app_id, u toplevel_xid, s reason, u flags) -> u cookie
                                 InhibitorAdded(o) follows
      Uninhibit(u cookie)        InhibitorRemoved(o) follows
      IsInhibited(u flags) -> b  whether any inhibitor has one of these flags
                                 (1 logout, 2 switch user, 4 suspend, 8 idle)

Unlike gnome-session, an inhibitor lasts until Uninhibit even when its caller leaves the
bus, so a test can take one with a one-shot dbus-send. Records calls and signals as JSON
lines in --record; prints "ready" once it owns the name.
"""

import argparse
import os
import sys

import dbus
import dbus.service
from dbus.mainloop.glib import DBusGMainLoop
from gi.repository import GLib

from common import Recorder, own_names, serve

NAME = "org.gnome.SessionManager"
PATH = "/org/gnome/SessionManager"


class SessionManager(dbus.service.Object):
    def __init__(self, bus, recorder):
        super().__init__(bus, PATH)
        self.recorder = recorder
        self.inhibitors = {}  # cookie -> flags
        self.next_cookie = 1

    @dbus.service.method(NAME, in_signature="susu", out_signature="u")
    def Inhibit(self, app_id, toplevel_xid, reason, flags):
        cookie = self.next_cookie
        self.next_cookie += 1
        self.inhibitors[cookie] = int(flags)
        self.recorder.add({"method": "Inhibit", "args": {"app_id": str(app_id), "flags": int(flags)},
                           "cookie": cookie})
        GLib.idle_add(lambda: self.InhibitorAdded(dbus.ObjectPath(f"{PATH}/Inhibitor{cookie}")) and False)
        return dbus.UInt32(cookie)

    @dbus.service.method(NAME, in_signature="u", out_signature="")
    def Uninhibit(self, cookie):
        cookie = int(cookie)
        self.recorder.add({"method": "Uninhibit", "args": {"cookie": cookie}})
        if self.inhibitors.pop(cookie, None) is not None:
            GLib.idle_add(lambda: self.InhibitorRemoved(dbus.ObjectPath(f"{PATH}/Inhibitor{cookie}")) and False)

    @dbus.service.method(NAME, in_signature="u", out_signature="b")
    def IsInhibited(self, flags):
        answer = any(f & int(flags) for f in self.inhibitors.values())
        self.recorder.add({"method": "IsInhibited", "args": {"flags": int(flags)}, "answer": answer})
        return dbus.Boolean(answer)

    @dbus.service.signal(NAME, signature="o")
    def InhibitorAdded(self, path):
        pass

    @dbus.service.signal(NAME, signature="o")
    def InhibitorRemoved(self, path):
        pass


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--record", metavar="FILE", help="append JSON lines here")
    args = parser.parse_args()
    address = os.environ.get("DBUS_SESSION_BUS_ADDRESS")
    if not address:
        print("session_manager: DBUS_SESSION_BUS_ADDRESS is not set", file=sys.stderr)
        return 2
    DBusGMainLoop(set_as_default=True)
    loop = GLib.MainLoop()
    bus = dbus.bus.BusConnection(address)
    manager = SessionManager(bus, Recorder(args.record))
    if not own_names(bus, (NAME,), "session_manager", address):
        return 1
    serve(loop)
    del manager
    return 0


if __name__ == "__main__":
    sys.exit(main())
