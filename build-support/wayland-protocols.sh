#!/bin/sh
# Generates the Wayland idle protocols' C code that Sources/CDesktopIdle compiles, with
# wayland-scanner from the protocol XML Debian ships. The output is committed, so a build needs
# neither the scanner nor the XML; `make wayland-protocols` regenerates it and `make test`
# (build-checks) fails when the committed copy is not what the installed scanner makes.
#   build-support/wayland-protocols.sh [OUTDIR]   (default: Sources/CDesktopIdle/protocols)
# Debian packages: libwayland-bin (wayland-scanner), wayland-protocols, plasma-wayland-protocols.
set -eu
out=${1:-Sources/CDesktopIdle/protocols}
ext=/usr/share/wayland-protocols/staging/ext-idle-notify/ext-idle-notify-v1.xml
kde=/usr/share/plasma-wayland-protocols/idle.xml
for f in "$ext" "$kde"; do
    [ -f "$f" ] || { echo "missing $f (Debian: wayland-protocols, plasma-wayland-protocols)" >&2; exit 1; }
done
command -v wayland-scanner >/dev/null || { echo "missing wayland-scanner (Debian: libwayland-bin)" >&2; exit 1; }
mkdir -p "$out"
wayland-scanner client-header "$ext" "$out/ext-idle-notify-v1-client-protocol.h"
wayland-scanner private-code "$ext" "$out/ext-idle-notify-v1-protocol.c"
wayland-scanner client-header "$kde" "$out/kde-idle-client-protocol.h"
wayland-scanner private-code "$kde" "$out/kde-idle-protocol.c"
