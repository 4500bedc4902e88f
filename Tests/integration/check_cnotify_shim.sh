#!/bin/sh
# Checks Sources/CNotify/shim.h, which declares glib/gobject/libnotify by hand, against the
# installed headers:
#  1. the shim compiled after the real headers: a prototype or typedef that differs from the
#     real one is a "conflicting types" error, a different macro value a redefinition error;
#  2. struct layouts and enum values (which C cannot define twice) printed once through the
#     real headers and once through the shim, and compared.
# Needs gcc, pkg-config and libnotify-dev. Exit status 0 means the shim matches.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
shim_dir=$(cd "$here/../../Sources/CNotify" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cflags=$(pkg-config --cflags libnotify gio-2.0)

cat >"$work/prototypes.c" <<'EOF'
#include <glib.h>
#include <glib-unix.h>
#include <glib-object.h>
#include <gio/gio.h>
#include <libnotify/notify.h>
#define LIMBER_CNOTIFY_SHIM_WITH_REAL_HEADERS 1
#include "shim.h"
int main(void) { return 0; }
EOF

cat >"$work/layout.c" <<'EOF'
#include <stddef.h>
#include <stdio.h>
#ifdef REAL
#include <glib.h>
#include <glib-unix.h>
#include <glib-object.h>
#include <gio/gio.h>
#include <libnotify/notify.h>
#define TYPE_INT G_TYPE_INT
#define IO_TIMED_OUT G_IO_ERROR_TIMED_OUT
#define DBUS_SERVICE_UNKNOWN G_DBUS_ERROR_SERVICE_UNKNOWN
#define DBUS_NAME_HAS_NO_OWNER G_DBUS_ERROR_NAME_HAS_NO_OWNER
#define DBUS_NO_REPLY G_DBUS_ERROR_NO_REPLY
#else
#include "shim.h"
#define TYPE_INT LIMBER_G_TYPE_INT
#define IO_TIMED_OUT LIMBER_G_IO_ERROR_TIMED_OUT
#define DBUS_SERVICE_UNKNOWN LIMBER_G_DBUS_ERROR_SERVICE_UNKNOWN
#define DBUS_NAME_HAS_NO_OWNER LIMBER_G_DBUS_ERROR_NAME_HAS_NO_OWNER
#define DBUS_NO_REPLY LIMBER_G_DBUS_ERROR_NO_REPLY
#endif
#define P(expr) printf("%-40s %ld\n", #expr, (long) (expr))
int main(void) {
    P(sizeof(GList)); P(offsetof(GList, data)); P(offsetof(GList, next)); P(offsetof(GList, prev));
    P(sizeof(GError)); P(offsetof(GError, domain)); P(offsetof(GError, code));
    P(offsetof(GError, message));
    P(sizeof(GValue)); P(offsetof(GValue, data)); P(sizeof(((GValue *) 0)->data[0]));
    P(sizeof(GType)); P(TYPE_INT);
    P(sizeof(GIOCondition)); P(G_IO_IN); P(G_IO_OUT); P(G_IO_PRI); P(G_IO_ERR); P(G_IO_HUP);
    P(G_IO_NVAL);
    P(sizeof(GConnectFlags)); P(G_CONNECT_DEFAULT); P(G_CONNECT_AFTER); P(G_CONNECT_SWAPPED);
    P(sizeof(GLogLevelFlags)); P(G_LOG_FLAG_RECURSION); P(G_LOG_FLAG_FATAL); P(G_LOG_LEVEL_ERROR);
    P(G_LOG_LEVEL_CRITICAL); P(G_LOG_LEVEL_WARNING); P(G_LOG_LEVEL_MESSAGE); P(G_LOG_LEVEL_INFO);
    P(G_LOG_LEVEL_DEBUG); P(G_LOG_LEVEL_MASK);
    P(sizeof(NotifyUrgency)); P(NOTIFY_URGENCY_LOW); P(NOTIFY_URGENCY_NORMAL);
    P(NOTIFY_URGENCY_CRITICAL);
    P(G_PRIORITY_DEFAULT); P(NOTIFY_EXPIRES_DEFAULT); P(NOTIFY_EXPIRES_NEVER);
    P(sizeof(GBusType)); P(G_BUS_TYPE_STARTER); P(G_BUS_TYPE_NONE); P(G_BUS_TYPE_SYSTEM);
    P(G_BUS_TYPE_SESSION);
    P(sizeof(GBusNameWatcherFlags)); P(G_BUS_NAME_WATCHER_FLAGS_NONE);
    P(G_BUS_NAME_WATCHER_FLAGS_AUTO_START);
    P(IO_TIMED_OUT); P(DBUS_SERVICE_UNKNOWN); P(DBUS_NAME_HAS_NO_OWNER); P(DBUS_NO_REPLY);
    P(sizeof(gint64)); P(sizeof(gsize)); P(sizeof(glong)); P(sizeof(gboolean));
    return 0;
}
EOF

# shellcheck disable=SC2086 # cflags is a list of flags
gcc -std=c11 -Wall -Wextra -Werror $cflags -I"$shim_dir" -c "$work/prototypes.c" -o "$work/prototypes.o"
# shellcheck disable=SC2086
gcc -std=c11 -Wall -Werror -DREAL $cflags "$work/layout.c" -o "$work/layout-real"
gcc -std=c11 -Wall -Werror -I"$shim_dir" "$work/layout.c" -o "$work/layout-shim"
"$work/layout-real" >"$work/real.txt"
"$work/layout-shim" >"$work/shim.txt"
if ! diff -u "$work/real.txt" "$work/shim.txt"; then
    echo "check_cnotify_shim: layouts or values differ (- real headers, + shim.h)" >&2
    exit 1
fi
echo "check_cnotify_shim: shim.h matches the installed glib and libnotify headers"
