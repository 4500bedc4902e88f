#!/bin/sh
# Checks that the committed Wayland protocol code (Sources/CDesktopIdle/protocols) is what
# wayland-scanner makes from the protocol XML Debian ships: regenerates it into a temp folder
# and compares. A difference means the XML or the scanner changed: run 'make wayland-protocols'
# and commit the result. Exit status 0 means they are the same.
set -eu
here=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$here/build-support/wayland-protocols.sh" "$tmp"
if ! diff -r "$tmp" "$here/Sources/CDesktopIdle/protocols" >"$tmp.diff" 2>&1; then
    echo "check_wayland_protocols: Sources/CDesktopIdle/protocols differs from wayland-scanner's output:" >&2
    head -40 "$tmp.diff" >&2
    rm -f "$tmp.diff"
    echo "run 'make wayland-protocols' and commit the result" >&2
    exit 1
fi
rm -f "$tmp.diff"
echo "check_wayland_protocols: the committed protocol code is current"
