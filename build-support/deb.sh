#!/bin/bash
# Builds limber_VERSION_ARCH.deb from the release binaries and the generated docs:
#
#   build-support/deb.sh RELEASE_DIR DOCS_DIR OUT_DIR
#
# /usr/bin/limber, /usr/bin/limberd   stripped, with the Swift standard library linked in
# /usr/lib/systemd/user/limber.service
# /etc/xdg/autostart/*.desktop        when the repository has an autostart entry
# man pages, bash/zsh/fish completions, /usr/share/doc/limber (copyright, changelog,
# README, the documented limber.toml).
#
# Depends is computed by dpkg-shlibdeps from the libraries the binaries link (libnotify4,
# libsystemd0, glib, libc...), not written by hand, so it follows whatever limberd links.
set -euo pipefail

release=${1:?release folder}
docs=${2:?docs folder}
out=${3:?output folder}
repo=$(cd "$(dirname "$0")/.." && pwd)

version=$("$release/limber" --version | awk '{print $2}')
# Who built it: DEBFULLNAME/DEBEMAIL as for other Debian tools, else git's user.
maintainer="${DEBFULLNAME:-$(git -C "$repo" config user.name 2>/dev/null || echo limber)} <${DEBEMAIL:-$(git -C "$repo" config user.email 2>/dev/null || echo "$(id -un)@$(hostname -f)")}>"
arch=$(dpkg --print-architecture)
work=$(mktemp -d "${TMPDIR:-/tmp}/limber-deb.XXXXXX")
trap 'rm -rf "$work"' EXIT
root="$work/root"

install -d -m 0755 "$root/DEBIAN" "$root/usr/bin" "$root/usr/lib/systemd/user" \
  "$root/usr/share/man/man1" "$root/usr/share/man/man5" \
  "$root/usr/share/bash-completion/completions" "$root/usr/share/zsh/vendor-completions" \
  "$root/usr/share/fish/vendor_completions.d" "$root/usr/share/doc/limber"

for b in limber limberd; do
  install -m 0755 "$release/$b" "$root/usr/bin/$b"
  # Symbols and notes are for debugging; the package carries what runs.
  strip --strip-unneeded --remove-section=.comment --remove-section=.note "$root/usr/bin/$b"
  "$root/usr/bin/$b" --version >/dev/null
done

sed 's|@BINDIR@|/usr/bin|g' "$repo/systemd/limber.service" > "$root/usr/lib/systemd/user/limber.service"
chmod 0644 "$root/usr/lib/systemd/user/limber.service"

# An autostart entry for sessions without a systemd user manager, if the repository has one.
shopt -s nullglob
desktop=("$repo"/systemd/*.desktop "$repo"/autostart/*.desktop)
if [ ${#desktop[@]} -gt 0 ]; then
  install -d -m 0755 "$root/etc/xdg/autostart"
  for f in "${desktop[@]}"; do
    sed 's|@BINDIR@|/usr/bin|g' "$f" > "$root/etc/xdg/autostart/$(basename "$f")"
    chmod 0644 "$root/etc/xdg/autostart/$(basename "$f")"
    echo "/etc/xdg/autostart/$(basename "$f")" >> "$root/DEBIAN/conffiles"
  done
fi

gz() { gzip -9n < "$1" > "$2"; chmod 0644 "$2"; }
gz "$docs/man/limber.1" "$root/usr/share/man/man1/limber.1.gz"
gz "$docs/man/limberd.1" "$root/usr/share/man/man1/limberd.1.gz"
gz "$docs/man/limber.toml.5" "$root/usr/share/man/man5/limber.toml.5.gz"
# bash-completion sources the file: a #! line would only mislead.
sed '1{/^#!/d}' "$docs/completions/limber.bash" > "$root/usr/share/bash-completion/completions/limber"
chmod 0644 "$root/usr/share/bash-completion/completions/limber"
install -m 0644 "$docs/completions/_limber" "$root/usr/share/zsh/vendor-completions/_limber"
install -m 0644 "$docs/completions/limber.fish" "$root/usr/share/fish/vendor_completions.d/limber.fish"

doc="$root/usr/share/doc/limber"
install -m 0644 "$repo/config/limber.toml" "$doc/limber.toml"
gz "$repo/README.md" "$doc/README.md.gz"
date=$(date -R -u -d "@${SOURCE_DATE_EPOCH:-$(git -C "$repo" log -1 --format=%ct 2>/dev/null || date +%s)}")
cat > "$work/changelog" <<EOF
limber ($version-1) unstable; urgency=medium

  * Built from the limber sources (make deb). See README.md.gz for what changed.

 -- $maintainer  $date
EOF
gz "$work/changelog" "$doc/changelog.Debian.gz"
cat > "$doc/copyright" <<EOF
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: limber
Source: https://localhost/limber

Files: *
Copyright: limber developers
License: other
 The limber sources do not state a license yet (see the repository); ask its authors
 before redistributing this package.

Files: usr/bin/*
Copyright: limber developers
           Apple Inc. and the Swift project authors (the Swift standard library, Foundation
           Essentials, swift-argument-parser and swift-log, linked in)
License: other and Apache-2.0 with Runtime Library Exception

License: Apache-2.0 with Runtime Library Exception
 On Debian systems, the full text of the Apache License 2.0 is in
 /usr/share/common-licenses/Apache-2.0. Runtime Library Exception: as an exception, if
 you use this Software to compile your source code and portions of this Software are
 embedded into the binary product as a result, you may redistribute such product
 without providing attribution as would otherwise be required by Sections 4(a), 4(b)
 and 4(d) of the License.
EOF
chmod 0644 "$doc/copyright"

# dpkg-shlibdeps reads debian/control of a source tree: give it a minimal one.
mkdir -p "$work/src/debian"
printf 'Source: limber\n\nPackage: limber\nArchitecture: any\n' > "$work/src/debian/control"
depends=$(cd "$work/src" && dpkg-shlibdeps -O "$root/usr/bin/limberd" "$root/usr/bin/limber" 2>"$work/shlibdeps.err" \
          | sed -n 's/^shlibs:Depends=//p') || { cat "$work/shlibdeps.err" >&2; exit 1; }
[ -n "$depends" ] || { echo "deb.sh: dpkg-shlibdeps found no dependencies" >&2; cat "$work/shlibdeps.err" >&2; exit 1; }

size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
cat > "$root/DEBIAN/control" <<EOF
Package: limber
Version: $version-1
Architecture: $arch
Maintainer: $maintainer
Installed-Size: $size
Depends: $depends
Section: utils
Priority: optional
Description: desk-break reminders: posture checks and movement routines
 limberd is a small systemd user service that reminds you to check your posture
 every 30 to 45 minutes of desk time and to move for a minute or two every hour,
 with short routines for the upper back, shown as desktop notifications you can
 answer in place. limber is its command line: answer reminders, pause, see your
 day and the record of breaks taken.
 .
 Enable it for your user with: systemctl --user enable --now limber
EOF

find "$root" -type d -exec chmod 0755 {} +
mkdir -p "$out"
deb="$out/limber_${version}-1_${arch}.deb"
dpkg-deb --root-owner-group -Zxz -z6 --build "$root" "$deb" >/dev/null
echo "$deb"
