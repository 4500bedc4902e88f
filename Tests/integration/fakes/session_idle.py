#!/usr/bin/python3
"""Fakes of the session bus's idle services for limber's integration tests.

Runs on DBUS_SESSION_BUS_ADDRESS (a private test bus). With --mutter, GNOME's idle monitor as
Mutter implements it (org.gnome.Mutter.IdleMonitor.xml):

    name   org.gnome.Mutter.IdleMonitor
    object /org/gnome/Mutter/IdleMonitor/Core
      GetIdletime() -> t
      AddIdleWatch(t interval_ms) -> u     fires WatchFired(id) each time idle reaches it
      AddUserActiveWatch() -> u            fires WatchFired(id) once, at the next input
      RemoveWatch(u)
      ResetIdletime()
      signal WatchFired(u)

With --screensaver, org.freedesktop.ScreenSaver as KDE implements it: GetActive() -> b and
ActiveChanged(b), sent from both /ScreenSaver and /org/freedesktop/ScreenSaver. With
--screensaver-proxy instead, GNOME's proxy: GetActive fails with NotSupported and no signal
is ever sent. Test control:

    name   org.limber.TestIdle
    object /org/limber/TestIdle
    iface  org.limber.TestIdle
      BecomeIdle()              idle watches fire (as if no input for their interval)
      BecomeActive()            user-active watches fire and are removed; idle time resets
      SetScreenSaverActive(b)
      Watches() -> s            JSON {"idle": {id: interval_ms}, "active": [ids]}
      Calls() -> s              JSON array of what was recorded
      Quit()

Every call and signal is appended to --record as a JSON line; "ready" is printed once it
owns its names.
"""

import argparse
import json
import os
import sys
import time

import dbus
import dbus.service
from dbus.mainloop.glib import DBusGMainLoop
from gi.repository import GLib

from common import Recorder, own_names, serve

MUTTER = "org.gnome.Mutter.IdleMonitor"
MUTTER_PATH = "/org/gnome/Mutter/IdleMonitor/Core"
SAVER = "org.freedesktop.ScreenSaver"
CONTROL = "org.limber.TestIdle"
CONTROL_PATH = "/org/limber/TestIdle"


class IdleMonitor(dbus.service.Object):
    def __init__(self, bus, recorder):
        super().__init__(bus, MUTTER_PATH)
        self.recorder = recorder
        self.next_id = 1
        self.idle = {}       # id -> interval ms
        self.active = []     # ids
        self.last_input = time.monotonic()

    def _new_id(self):
        nid = self.next_id
        self.next_id += 1
        return nid

    @dbus.service.method(MUTTER, in_signature="", out_signature="t", sender_keyword="sender")
    def GetIdletime(self, sender=None):
        self.recorder.add({"method": "GetIdletime", "sender": sender})
        return dbus.UInt64(int((time.monotonic() - self.last_input) * 1000))

    @dbus.service.method(MUTTER, in_signature="t", out_signature="u", sender_keyword="sender")
    def AddIdleWatch(self, interval, sender=None):
        nid = self._new_id()
        self.idle[nid] = int(interval)
        self.recorder.add({"method": "AddIdleWatch", "sender": sender, "args": [int(interval)], "id": nid})
        return dbus.UInt32(nid)

    @dbus.service.method(MUTTER, in_signature="", out_signature="u", sender_keyword="sender")
    def AddUserActiveWatch(self, sender=None):
        nid = self._new_id()
        self.active.append(nid)
        self.recorder.add({"method": "AddUserActiveWatch", "sender": sender, "id": nid})
        return dbus.UInt32(nid)

    @dbus.service.method(MUTTER, in_signature="u", out_signature="", sender_keyword="sender")
    def RemoveWatch(self, nid, sender=None):
        nid = int(nid)
        self.recorder.add({"method": "RemoveWatch", "sender": sender, "args": [nid]})
        self.idle.pop(nid, None)
        if nid in self.active:
            self.active.remove(nid)

    @dbus.service.method(MUTTER, in_signature="", out_signature="", sender_keyword="sender")
    def ResetIdletime(self, sender=None):
        self.recorder.add({"method": "ResetIdletime", "sender": sender})
        self.last_input = time.monotonic()

    @dbus.service.signal(MUTTER, signature="u")
    def WatchFired(self, nid):
        pass

    def fire(self, nid):
        self.recorder.add({"signal": "WatchFired", "args": [nid]})
        self.WatchFired(dbus.UInt32(nid))


class ScreenSaver(dbus.service.Object):
    def __init__(self, bus, path, recorder, proxy):
        super().__init__(bus, path)
        self.recorder = recorder
        self.proxy = proxy
        self.active = False

    @dbus.service.method(SAVER, in_signature="", out_signature="b", sender_keyword="sender")
    def GetActive(self, sender=None):
        self.recorder.add({"method": "GetActive", "sender": sender, "path": self._object_path})
        if self.proxy:
            raise dbus.exceptions.DBusException(
                "This method is not part of the idle inhibition specification",
                name="org.freedesktop.DBus.Error.NotSupported")
        return dbus.Boolean(self.active)

    @dbus.service.signal(SAVER, signature="b")
    def ActiveChanged(self, active):
        pass


class Control(dbus.service.Object):
    def __init__(self, bus, monitor, savers, recorder, loop):
        super().__init__(bus, CONTROL_PATH)
        self.monitor = monitor
        self.savers = savers
        self.recorder = recorder
        self.loop = loop

    @dbus.service.method(CONTROL, in_signature="", out_signature="")
    def BecomeIdle(self):
        if self.monitor:
            for nid in sorted(self.monitor.idle):
                self.monitor.fire(nid)

    @dbus.service.method(CONTROL, in_signature="", out_signature="")
    def BecomeActive(self):
        if self.monitor:
            self.monitor.last_input = time.monotonic()
            fired, self.monitor.active = self.monitor.active, []
            for nid in fired:
                self.monitor.fire(nid)

    @dbus.service.method(CONTROL, in_signature="b", out_signature="")
    def SetScreenSaverActive(self, active):
        for saver in self.savers:
            saver.active = bool(active)
        if self.savers and not self.savers[0].proxy:
            self.recorder.add({"signal": "ActiveChanged", "args": [bool(active)]})
            for saver in self.savers:  # KDE sends it from both paths
                saver.ActiveChanged(dbus.Boolean(active))

    @dbus.service.method(CONTROL, in_signature="", out_signature="s")
    def Watches(self):
        if not self.monitor:
            return json.dumps({"idle": {}, "active": []})
        return json.dumps({"idle": {str(k): v for k, v in self.monitor.idle.items()},
                           "active": self.monitor.active})

    @dbus.service.method(CONTROL, in_signature="", out_signature="s")
    def Calls(self):
        return json.dumps(self.recorder.entries)

    @dbus.service.method(CONTROL, in_signature="", out_signature="")
    def Quit(self):
        GLib.idle_add(self.loop.quit)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--record", metavar="FILE")
    parser.add_argument("--mutter", action="store_true")
    parser.add_argument("--screensaver", action="store_true")
    parser.add_argument("--screensaver-proxy", action="store_true")
    args = parser.parse_args()
    address = os.environ.get("DBUS_SESSION_BUS_ADDRESS")
    if not address:
        print("session_idle: DBUS_SESSION_BUS_ADDRESS is not set", file=sys.stderr)
        return 2

    DBusGMainLoop(set_as_default=True)
    loop = GLib.MainLoop()
    bus = dbus.bus.BusConnection(address)
    recorder = Recorder(args.record)
    monitor = IdleMonitor(bus, recorder) if args.mutter else None
    savers = []
    if args.screensaver or args.screensaver_proxy:
        savers = [ScreenSaver(bus, path, recorder, proxy=args.screensaver_proxy)
                  for path in ("/org/freedesktop/ScreenSaver", "/ScreenSaver")]
    control = Control(bus, monitor, savers, recorder, loop)

    names = [CONTROL] + ([MUTTER] if monitor else []) + ([SAVER] if savers else [])
    if not own_names(bus, names, "session_idle", address):
        return 1
    serve(loop)
    del control
    return 0


if __name__ == "__main__":
    sys.exit(main())
