#!/usr/bin/python3
"""A recording fake of org.freedesktop.Notifications for limber's integration tests.

Runs on the bus named by DBUS_SESSION_BUS_ADDRESS (always a private test bus: see
harness.PrivateBus). It implements the Desktop Notifications spec methods, records every
call and every signal it emits as one JSON object per line in the --record file (flushed
per line, so a test can poll it), and exposes a test-control interface:

    name   org.limber.TestNotifications
    object /org/limber/TestNotifications
    iface  org.limber.TestNotifications
      InvokeAction(u id, s key)      ActionInvoked(id, key), then NotificationClosed(id, 2)
                                     (what dunst and most servers do after an action)
      InvokeActionOnly(u id, s key)  ActionInvoked(id, key) alone (a resident notification)
      Dismiss(u id)                  NotificationClosed(id, 2): the user closed it
      Expire(u id)                   NotificationClosed(id, 1): it timed out
      Calls() -> s                   JSON array of everything recorded so far
      Open() -> s                    JSON array of the ids currently shown
      SetHang(b hang)                from now on take Notify and CloseNotification calls
                                     and never answer them (as --hang does from the start)
      Quit()

It prints "ready" on stdout once it owns both names. It owns org.freedesktop.Notifications
with DO_NOT_QUEUE and exits 1 if someone else has it, so a test can never silently talk to
a real server. SIGTERM and SIGINT end it cleanly (exit 0).

--hang: a server that accepts Notify and CloseNotification and never replies (the caller
waits for its D-Bus timeout). Such calls are recorded with "hung": true; the control
interface keeps answering.

Record line shapes:
    {"seq": 1, "time": 1763716503.12, "mono": 1234.5, "method": "Notify", "sender": ":1.4",
     "args": {"app_name": ..., "replaces_id": 0, "app_icon": ..., "summary": ..., "body": ...,
              "actions": ["default", "Open", "done", "Done", ...],
              "hints": {"urgency": 1, ...}, "expire_timeout": -1},
     "action_keys": ["default", "done", ...], "hint_types": {"urgency": "y"}, "id": 1}
    {"seq": 2, ..., "method": "CloseNotification", "args": {"id": 1}, "id": 1, "was_open": true}
    {"seq": 3, ..., "signal": "ActionInvoked", "args": {"id": 1, "action_key": "snooze"}, "id": 1}
"""

import argparse
import json
import os
import sys

import dbus
import dbus.service
from dbus.mainloop.glib import DBusGMainLoop
from gi.repository import GLib

from common import Recorder, own_names, serve

NOTIFICATIONS_NAME = "org.freedesktop.Notifications"
NOTIFICATIONS_PATH = "/org/freedesktop/Notifications"
CONTROL_NAME = "org.limber.TestNotifications"
CONTROL_PATH = "/org/limber/TestNotifications"

CAPABILITIES = ["actions", "body", "body-markup", "persistence"]

# NotificationClosed reasons from the spec.
REASON_EXPIRED = 1
REASON_DISMISSED = 2
REASON_CLOSED_BY_CALL = 3

_SIGNATURES = [  # order matters: Boolean and Byte are int subclasses
    (dbus.Boolean, "b"), (dbus.Byte, "y"), (dbus.Int16, "n"), (dbus.UInt16, "q"),
    (dbus.Int32, "i"), (dbus.UInt32, "u"), (dbus.Int64, "x"), (dbus.UInt64, "t"),
    (dbus.Double, "d"), (dbus.ObjectPath, "o"), (dbus.Signature, "g"), (dbus.String, "s"),
    (dbus.Struct, "r"), (dbus.Array, "a"), (dbus.Dictionary, "a{}"), (dbus.ByteArray, "ay"),
]


def signature_of(value):
    """The D-Bus type letter of a decoded variant value (for checking e.g. urgency is a byte)."""
    for cls, sig in _SIGNATURES:
        if isinstance(value, cls):
            return sig
    return type(value).__name__


def plain(value):
    """dbus-python values -> plain JSON-able Python values."""
    if isinstance(value, dbus.Boolean):
        return bool(value)
    if isinstance(value, (bytes, bytearray)):
        return list(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, str):
        return str(value)
    if isinstance(value, dict):
        return {str(plain(k)): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return repr(value)


class Notifications(dbus.service.Object):
    """The spec interface (version 1.2)."""

    def __init__(self, bus, recorder, hang=False):
        super().__init__(bus, NOTIFICATIONS_PATH)
        self.recorder = recorder
        self.next_id = 1
        self.open = set()
        self.hang = hang
        self.unanswered = []  # replies never sent (kept so they are not answered on collection)

    @dbus.service.method(NOTIFICATIONS_NAME, in_signature="", out_signature="as",
                         sender_keyword="sender")
    def GetCapabilities(self, sender=None):
        self.recorder.add({"method": "GetCapabilities", "sender": sender, "args": {}})
        return dbus.Array(CAPABILITIES, signature="s")

    @dbus.service.method(NOTIFICATIONS_NAME, in_signature="", out_signature="ssss",
                         sender_keyword="sender")
    def GetServerInformation(self, sender=None):
        self.recorder.add({"method": "GetServerInformation", "sender": sender, "args": {}})
        return ("limber-test-notifications", "limber", "1.0", "1.2")

    @dbus.service.method(NOTIFICATIONS_NAME, in_signature="susssasa{sv}i", out_signature="u",
                         sender_keyword="sender", async_callbacks=("reply", "error"))
    def Notify(self, app_name, replaces_id, app_icon, summary, body, actions, hints,
               expire_timeout, sender=None, reply=None, error=None):
        replaces_id = int(replaces_id)
        if self.hang:
            self.recorder.add({"method": "Notify", "sender": sender, "hung": True,
                               "args": {"replaces_id": replaces_id, "summary": str(summary),
                                        "body": str(body)}})
            self.unanswered.append(reply)
            return
        if replaces_id:
            # The spec: a nonzero replaces_id is returned as is, known or not.
            nid = replaces_id
            self.next_id = max(self.next_id, replaces_id + 1)
        else:
            nid = self.next_id
            self.next_id += 1
        self.open.add(nid)
        actions = [str(a) for a in actions]
        self.recorder.add({
            "method": "Notify",
            "sender": sender,
            "args": {
                "app_name": str(app_name), "replaces_id": replaces_id,
                "app_icon": str(app_icon), "summary": str(summary), "body": str(body),
                "actions": actions, "hints": plain(hints),
                "expire_timeout": int(expire_timeout),
            },
            "action_keys": actions[0::2],
            "hint_types": {str(k): signature_of(v) for k, v in hints.items()},
            "id": nid,
        })
        reply(dbus.UInt32(nid))

    @dbus.service.method(NOTIFICATIONS_NAME, in_signature="u", out_signature="",
                         sender_keyword="sender", async_callbacks=("reply", "error"))
    def CloseNotification(self, nid, sender=None, reply=None, error=None):
        nid = int(nid)
        if self.hang:
            self.recorder.add({"method": "CloseNotification", "sender": sender, "hung": True,
                               "args": {"id": nid}, "id": nid})
            self.unanswered.append(reply)
            return
        was_open = nid in self.open
        self.recorder.add({"method": "CloseNotification", "sender": sender,
                           "args": {"id": nid}, "id": nid, "was_open": was_open})
        reply()
        if was_open:
            self.close(nid, REASON_CLOSED_BY_CALL)

    @dbus.service.signal(NOTIFICATIONS_NAME, signature="uu")
    def NotificationClosed(self, nid, reason):
        pass

    @dbus.service.signal(NOTIFICATIONS_NAME, signature="us")
    def ActionInvoked(self, nid, action_key):
        pass

    # Helpers for the control interface.
    def close(self, nid, reason):
        self.open.discard(nid)
        self.recorder.add({"signal": "NotificationClosed",
                           "args": {"id": nid, "reason": reason}, "id": nid})
        self.NotificationClosed(dbus.UInt32(nid), dbus.UInt32(reason))

    def action(self, nid, key):
        self.recorder.add({"signal": "ActionInvoked",
                           "args": {"id": nid, "action_key": key}, "id": nid})
        self.ActionInvoked(dbus.UInt32(nid), dbus.String(key))


class Control(dbus.service.Object):
    def __init__(self, bus, notifications, recorder, loop):
        super().__init__(bus, CONTROL_PATH)
        self.n = notifications
        self.recorder = recorder
        self.loop = loop

    @dbus.service.method(CONTROL_NAME, in_signature="us", out_signature="")
    def InvokeAction(self, nid, key):
        self.n.action(int(nid), str(key))
        self.n.close(int(nid), REASON_DISMISSED)

    @dbus.service.method(CONTROL_NAME, in_signature="us", out_signature="")
    def InvokeActionOnly(self, nid, key):
        self.n.action(int(nid), str(key))

    @dbus.service.method(CONTROL_NAME, in_signature="u", out_signature="")
    def Dismiss(self, nid):
        self.n.close(int(nid), REASON_DISMISSED)

    @dbus.service.method(CONTROL_NAME, in_signature="u", out_signature="")
    def Expire(self, nid):
        self.n.close(int(nid), REASON_EXPIRED)

    @dbus.service.method(CONTROL_NAME, in_signature="", out_signature="s")
    def Calls(self):
        return json.dumps(self.recorder.entries)

    @dbus.service.method(CONTROL_NAME, in_signature="", out_signature="s")
    def Open(self):
        return json.dumps(sorted(self.n.open))

    @dbus.service.method(CONTROL_NAME, in_signature="b", out_signature="")
    def SetHang(self, hang):
        self.n.hang = bool(hang)

    @dbus.service.method(CONTROL_NAME, in_signature="", out_signature="")
    def Quit(self):
        GLib.idle_add(self.loop.quit)  # after the reply is sent


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--record", metavar="FILE", help="append JSON lines here")
    parser.add_argument("--capability", action="append", default=[], metavar="NAME",
                        help="answer GetCapabilities with this one too (repeatable)")
    parser.add_argument("--no-default-capabilities", action="store_true",
                        help="answer only the --capability ones")
    parser.add_argument("--hang", action="store_true",
                        help="take Notify and CloseNotification calls and never answer them")
    args = parser.parse_args()
    global CAPABILITIES
    CAPABILITIES = ([] if args.no_default_capabilities else list(CAPABILITIES)) + args.capability

    address = os.environ.get("DBUS_SESSION_BUS_ADDRESS")
    if not address:
        print("notification_server: DBUS_SESSION_BUS_ADDRESS is not set", file=sys.stderr)
        return 2

    DBusGMainLoop(set_as_default=True)
    loop = GLib.MainLoop()
    bus = dbus.bus.BusConnection(address)
    recorder = Recorder(args.record)

    # Export the objects first, so a call that arrives the moment we own a name finds them.
    notifications = Notifications(bus, recorder, hang=args.hang)
    control = Control(bus, notifications, recorder, loop)

    if not own_names(bus, (NOTIFICATIONS_NAME, CONTROL_NAME), "notification_server", address,
                     "; refusing to run next to another server"):
        return 1
    serve(loop)
    del control
    return 0


if __name__ == "__main__":
    sys.exit(main())
