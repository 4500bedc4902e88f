#!/usr/bin/python3
"""Records every org.freedesktop.Notifications call on a bus, whoever serves it.

A passive monitor (org.freedesktop.DBus.Monitoring.BecomeMonitor, allowed for the bus's own
uid): it sees the calls limberd makes to a real server and their replies without taking
part. One JSON object per line in --record, flushed per line:

    {"seq": 1, "method": "Notify", "serial": 7, "sender": ":1.4",
     "args": {"app_name", "replaces_id", "app_icon", "summary", "body", "actions",
              "hints", "expire_timeout"}, "action_keys": [...], "hint_types": {...}}
    {"seq": 2, "reply_to": 7, "reply": [12]}        (the id Notify returned)
    {"seq": 3, "signal": "ActionInvoked", "args": [12, "snooze"]}

Also GetCapabilities, GetServerInformation and CloseNotification calls (args as a list).
Prints "ready" once it monitors. SIGTERM ends it.
"""

import argparse
import json
import signal
import sys
import time

from gi.repository import Gio, GLib

IFACE = "org.freedesktop.Notifications"
NOTIFY_ARGS = ("app_name", "replaces_id", "app_icon", "summary", "body", "actions", "hints",
               "expire_timeout")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--address", required=True)
    ap.add_argument("--record", required=True)
    opts = ap.parse_args()
    out = open(opts.record, "a", encoding="utf-8")
    seq = [0]
    calls = {}  # (sender, serial) of our interface's calls, to pair the replies

    def add(entry):
        seq[0] += 1
        entry = dict(entry, seq=seq[0], time=time.time())
        out.write(json.dumps(entry, sort_keys=True, default=repr) + "\n")
        out.flush()

    def handle(message):
        kind = message.get_message_type()
        body = message.get_body()
        args = body.unpack() if body is not None else ()
        if kind == Gio.DBusMessageType.METHOD_CALL and message.get_interface() == IFACE:
            entry = {"method": message.get_member(), "serial": message.get_serial(),
                     "sender": message.get_sender(), "destination": message.get_destination()}
            if message.get_member() == "Notify" and len(args) == 8:
                entry["args"] = dict(zip(NOTIFY_ARGS, args))
                entry["action_keys"] = list(args[5][0::2])
                hints = body.get_child_value(6)
                entry["hint_types"] = {hints.get_child_value(i).get_child_value(0).get_string():
                                       hints.get_child_value(i).get_child_value(1).get_variant().get_type_string()
                                       for i in range(hints.n_children())}
            else:
                entry["args"] = list(args)
            calls[(message.get_sender(), message.get_serial())] = message.get_member()
            add(entry)
        elif kind in (Gio.DBusMessageType.METHOD_RETURN, Gio.DBusMessageType.ERROR):
            key = (message.get_destination(), message.get_reply_serial())
            if key in calls:
                member = calls.pop(key)
                entry = {"reply_to": key[1], "to": key[0], "method": member, "reply": list(args)}
                if kind == Gio.DBusMessageType.ERROR:
                    entry["error"] = message.get_error_name()
                add(entry)
        elif kind == Gio.DBusMessageType.SIGNAL and message.get_interface() == IFACE:
            add({"signal": message.get_member(), "args": list(args), "sender": message.get_sender()})

    conn = Gio.DBusConnection.new_for_address_sync(
        opts.address, Gio.DBusConnectionFlags.AUTHENTICATION_CLIENT
        | Gio.DBusConnectionFlags.MESSAGE_BUS_CONNECTION, None, None)

    def on_message(_conn, message, incoming):
        if incoming:
            GLib.idle_add(lambda: (handle(message), False)[1])
        return None  # a monitor consumes everything it is sent

    conn.call_sync("org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus.Monitoring",
                   "BecomeMonitor", GLib.Variant("(asu)", ([], 0)), None, Gio.DBusCallFlags.NONE, 5000, None)
    # After the reply: from here on every message is a copy to record, none is for us.
    conn.add_filter(on_message)
    loop = GLib.MainLoop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        GLib.unix_signal_add(GLib.PRIORITY_HIGH, signum, lambda *_: (loop.quit(), False)[1])
    print("ready", flush=True)
    loop.run()


if __name__ == "__main__":
    sys.exit(main())
