#!/bin/sh
# Checks the release binaries that 'make run' and 'make install' ship:
#  1. they were built by this build (they run and print their version);
#  2. the debug-only testing aids (LIMBER_TEST_SCALE, LIMBER_TEST_SKIPPED, the debug-advance
#     request, LIMBER_TEST_SAFETY_NOTICE, LIMBER_TEST_SANDBOX_PROBE) are not in
#     them at all, while the debug limberd has them (so a renamed aid fails here instead of
#     passing unnoticed).
# Usage: check_release.sh DEBUG_DIR RELEASE_DIR. Exit status 0 means both hold.
set -eu

debug=${1:?usage: check_release.sh DEBUG_DIR RELEASE_DIR}
release=${2:?usage: check_release.sh DEBUG_DIR RELEASE_DIR}
status=0

for bin in limberd limber; do
    if ! out=$("$release/$bin" --version 2>&1); then
        echo "check_release: $release/$bin --version failed: $out" >&2
        status=1
    fi
done

for aid in LIMBER_TEST_SCALE LIMBER_TEST_SKIPPED debug-advance LIMBER_TEST_SAFETY_NOTICE LIMBER_TEST_SANDBOX_PROBE; do
    if ! grep -q "$aid" "$debug/limberd"; then
        echo "check_release: $aid is not in the debug limberd; has the testing aid been renamed?" >&2
        status=1
    fi
    if grep -q "$aid" "$release/limberd"; then
        echo "check_release: the release limberd carries the testing aid $aid" >&2
        status=1
    fi
done

[ "$status" = 0 ] && echo "check_release: release binaries run and carry no testing aid"
exit "$status"
