#!/usr/bin/python3
"""A fake org.freedesktop.login1 for limber's integration tests.

Runs on the bus named by --address (a private dbus-daemon the test uses as the *system* bus,
reached by limberd through DBUS_SYSTEM_BUS_ADDRESS). What it implements, after logind's
documented interface (org.freedesktop.login1(5)):

    name   org.freedesktop.login1
    object /org/freedesktop/login1                 org.freedesktop.login1.Manager
      GetSession(s id) -> o        "auto", "self" or the session's id; else NoSuchSession
      GetSessionByPID(u pid) -> o  any pid is in our session
      ListSessions() -> a(susso)
      signal PrepareForSleep(b)
    object /org/freedesktop/login1/session/_32     org.freedesktop.login1.Session (id "2")
      properties Id, Name, User, Active, Type, Class, State, IdleHint, IdleSinceHint,
      IdleSinceHintMonotonic, LockedHint through org.freedesktop.DBus.Properties Get/GetAll,
      with PropertiesChanged when they change

With --no-session every session lookup fails with org.freedesktop.login1.NoSessionForPID
(limberd run outside any session). A test-control interface:

    name   org.limber.TestLogind
    object /org/limber/TestLogind
    iface  org.limber.TestLogind
      SetIdleHint(b)           IdleHint (+ IdleSinceHint*, stamped now), PropertiesChanged
      SetLockedHint(b)         LockedHint, PropertiesChanged
      PrepareForSleep(b)       the manager's signal
      SetLockedHintQuietly(b)  LockedHint, without a signal (for Invalidate)
      Invalidate()             PropertiesChanged naming IdleHint and LockedHint as
                               invalidated, without values (clients must read them)
      Calls() -> s             JSON array of the calls and signals recorded so far
      Quit()

Every call and signal is also appended to --record as one JSON line. It prints "ready" once
it owns both names and exits 1 if org.freedesktop.login1 is taken.
"""

import argparse
import json
import sys
import time

import dbus
import dbus.service
from dbus.mainloop.glib import DBusGMainLoop
from gi.repository import GLib

from common import Recorder, own_names, serve

NAME = "org.freedesktop.login1"
MANAGER_PATH = "/org/freedesktop/login1"
MANAGER = "org.freedesktop.login1.Manager"
SESSION = "org.freedesktop.login1.Session"
SESSION_ID = "2"
SESSION_PATH = "/org/freedesktop/login1/session/_32"  # "2" escaped the way logind does
PROPERTIES = "org.freedesktop.DBus.Properties"
CONTROL = "org.limber.TestLogind"
CONTROL_PATH = "/org/limber/TestLogind"


def usec(clock):
    return dbus.UInt64(int(time.clock_gettime(clock) * 1_000_000))


class Session(dbus.service.Object):
    def __init__(self, bus, recorder):
        super().__init__(bus, SESSION_PATH)
        self.recorder = recorder
        self.props = {
            "Id": dbus.String(SESSION_ID), "Name": dbus.String("desk"),
            "User": dbus.Struct((dbus.UInt32(1000), dbus.ObjectPath("/org/freedesktop/login1/user/_31000")),
                                signature="uo"),
            "Active": dbus.Boolean(True), "Type": dbus.String("wayland"), "Class": dbus.String("user"),
            "State": dbus.String("active"), "IdleHint": dbus.Boolean(False),
            "IdleSinceHint": dbus.UInt64(0), "IdleSinceHintMonotonic": dbus.UInt64(0),
            "LockedHint": dbus.Boolean(False),
        }

    @dbus.service.method(PROPERTIES, in_signature="ss", out_signature="v", sender_keyword="sender")
    def Get(self, interface, name, sender=None):
        self.recorder.add({"method": "Get", "sender": sender, "args": [str(interface), str(name)]})
        if interface != SESSION or name not in self.props:
            raise dbus.exceptions.DBusException(f"no property {name}",
                                                name="org.freedesktop.DBus.Error.UnknownProperty")
        return self.props[name]

    @dbus.service.method(PROPERTIES, in_signature="s", out_signature="a{sv}", sender_keyword="sender")
    def GetAll(self, interface, sender=None):
        self.recorder.add({"method": "GetAll", "sender": sender, "args": [str(interface)]})
        if interface != SESSION:
            return dbus.Dictionary({}, signature="sv")
        return dbus.Dictionary(self.props, signature="sv")

    @dbus.service.signal(PROPERTIES, signature="sa{sv}as")
    def PropertiesChanged(self, interface, changed, invalidated):
        pass

    def change(self, values):
        self.props.update(values)
        self.recorder.add({"signal": "PropertiesChanged",
                           "args": {k: (bool(v) if isinstance(v, dbus.Boolean) else int(v))
                                    for k, v in values.items()}})
        self.PropertiesChanged(SESSION, dbus.Dictionary(values, signature="sv"), dbus.Array([], signature="s"))

    def invalidate(self, names):
        self.recorder.add({"signal": "PropertiesChanged", "invalidated": names})
        self.PropertiesChanged(SESSION, dbus.Dictionary({}, signature="sv"), dbus.Array(names, signature="s"))


class Manager(dbus.service.Object):
    def __init__(self, bus, recorder, has_session):
        super().__init__(bus, MANAGER_PATH)
        self.recorder = recorder
        self.has_session = has_session

    def _session(self):
        if not self.has_session:
            raise dbus.exceptions.DBusException("PID does not belong to any known session",
                                                name="org.freedesktop.login1.NoSessionForPID")
        return dbus.ObjectPath(SESSION_PATH)

    @dbus.service.method(MANAGER, in_signature="s", out_signature="o", sender_keyword="sender")
    def GetSession(self, session_id, sender=None):
        self.recorder.add({"method": "GetSession", "sender": sender, "args": [str(session_id)]})
        if session_id not in ("auto", "self", "", SESSION_ID):
            raise dbus.exceptions.DBusException(f"No session '{session_id}' known",
                                                name="org.freedesktop.login1.NoSuchSession")
        return self._session()

    @dbus.service.method(MANAGER, in_signature="u", out_signature="o", sender_keyword="sender")
    def GetSessionByPID(self, pid, sender=None):
        self.recorder.add({"method": "GetSessionByPID", "sender": sender, "args": [int(pid)]})
        return self._session()

    @dbus.service.method(MANAGER, in_signature="", out_signature="a(susso)", sender_keyword="sender")
    def ListSessions(self, sender=None):
        self.recorder.add({"method": "ListSessions", "sender": sender, "args": []})
        if not self.has_session:
            return dbus.Array([], signature="(susso)")
        return dbus.Array([(SESSION_ID, dbus.UInt32(1000), "desk", "seat0", dbus.ObjectPath(SESSION_PATH))],
                          signature="(susso)")

    @dbus.service.signal(MANAGER, signature="b")
    def PrepareForSleep(self, start):
        pass


class Control(dbus.service.Object):
    def __init__(self, bus, manager, session, recorder, loop):
        super().__init__(bus, CONTROL_PATH)
        self.manager = manager
        self.session = session
        self.recorder = recorder
        self.loop = loop

    @dbus.service.method(CONTROL, in_signature="b", out_signature="")
    def SetIdleHint(self, idle):
        self.session.change({"IdleHint": dbus.Boolean(idle),
                             "IdleSinceHint": usec(time.CLOCK_REALTIME),
                             "IdleSinceHintMonotonic": usec(time.CLOCK_MONOTONIC)})

    @dbus.service.method(CONTROL, in_signature="b", out_signature="")
    def SetLockedHint(self, locked):
        self.session.change({"LockedHint": dbus.Boolean(locked)})

    @dbus.service.method(CONTROL, in_signature="b", out_signature="")
    def PrepareForSleep(self, start):
        self.recorder.add({"signal": "PrepareForSleep", "args": [bool(start)]})
        self.manager.PrepareForSleep(dbus.Boolean(start))

    @dbus.service.method(CONTROL, in_signature="b", out_signature="")
    def SetLockedHintQuietly(self, locked):
        self.session.props["LockedHint"] = dbus.Boolean(locked)

    @dbus.service.method(CONTROL, in_signature="", out_signature="")
    def Invalidate(self):
        self.session.invalidate(["IdleHint", "LockedHint"])

    @dbus.service.method(CONTROL, in_signature="", out_signature="s")
    def Calls(self):
        return json.dumps(self.recorder.entries)

    @dbus.service.method(CONTROL, in_signature="", out_signature="")
    def Quit(self):
        GLib.idle_add(self.loop.quit)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--address", required=True, help="the bus to serve on")
    parser.add_argument("--record", metavar="FILE", help="append JSON lines here")
    parser.add_argument("--no-session", action="store_true", help="every session lookup fails")
    args = parser.parse_args()

    DBusGMainLoop(set_as_default=True)
    loop = GLib.MainLoop()
    bus = dbus.bus.BusConnection(args.address)
    recorder = Recorder(args.record)
    session = Session(bus, recorder)
    manager = Manager(bus, recorder, has_session=not args.no_session)
    control = Control(bus, manager, session, recorder, loop)

    if not own_names(bus, (NAME, CONTROL), "logind fake", args.address):
        return 1
    serve(loop)
    del control
    return 0


if __name__ == "__main__":
    sys.exit(main())
