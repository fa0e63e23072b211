#!/bin/sh
# The installed tree: `meson install` into a fresh DESTDIR, then every file an admin (or the
# Debian packages) relies on must be where the build's own directory options say, and nothing
# that belongs to the build (static libraries, tests) may be there. Names each problem.
# Usage: check_install_tree.sh MESON BUILDDIR
set -eu
meson=$1
build=$2
dest=$(mktemp -d)
trap 'rm -rf "$dest"' EXIT

if ! "$meson" install -C "$build" --destdir "$dest" --no-rebuild --quiet >"$dest.log" 2>&1; then
    echo "meson install failed:"
    cat "$dest.log"
    rm -f "$dest.log"
    exit 1
fi
rm -f "$dest.log"

# The directory options as this build was configured (prefix, bindir, ..., mandir).
dirs=$("$meson" introspect --buildoptions "$build" | python3 -c '
import json, os, sys
opts = {o["name"]: o["value"] for o in json.load(sys.stdin)}
prefix = opts["prefix"]
for name in ("bindir", "sbindir", "libdir", "datadir", "mandir", "sysconfdir"):
    print(f"{name}={os.path.join(prefix, opts[name])}")
print(f"prefix={prefix}")
')
eval "$dirs"

status=0
missing() {
    echo "missing: $1 ($2)"
    status=1
}
expect_file() {  # PATH WHAT
    [ -f "$dest$1" ] || missing "$1" "$2"
}
expect_exec() {  # PATH WHAT
    if [ ! -x "$dest$1" ] || [ ! -f "$dest$1" ]; then
        missing "$1" "$2, executable"
    fi
}

expect_exec "$sbindir/balloond" "the daemon"
expect_exec "$bindir/balloonctl" "the command-line client"
expect_exec "$bindir/balloon-guest" "the guest side"
expect_file "$prefix/lib/systemd/system/balloond.service" "dom0 unit"
expect_file "$prefix/lib/systemd/system/balloon-guest.service" "guest unit"
expect_file "/usr/share/dbus-1/system.d/org.balloond.Balloon1.conf" "D-Bus system bus policy"
expect_file "$datadir/dbus-1/interfaces/org.balloond.Balloon1.xml" "D-Bus interface"
expect_file "/usr/share/polkit-1/actions/org.balloond.Balloon1.policy" "polkit actions"
expect_file "$mandir/man8/balloond.8" "man page"
expect_file "$mandir/man8/balloonctl.8" "man page"
expect_file "$mandir/man8/balloon-guest.8" "man page"
expect_file "$mandir/man5/balloond.toml.5" "man page"
expect_file "$datadir/bash-completion/completions/balloonctl" "bash completion"
expect_file "$sysconfdir/balloond/balloond.toml" "commented default configuration"
expect_exec "$libdir/balloond/libballoon_xenstored_interposer.so" "sandbox interposer"
# The Cockpit page: every file index.html and the scripts load, with the manifest.
for file in manifest.json index.html index.js domains.js chart.js format.js balloond.css; do
    expect_file "$datadir/cockpit/balloond/$file" "Cockpit page"
done

# The units must name the installed binaries, with no template left.
for unit in balloond.service balloon-guest.service; do
    file="$dest$prefix/lib/systemd/system/$unit"
    [ -f "$file" ] || continue
    if grep -n '@[a-z]*@' "$file"; then
        echo "$unit: unreplaced template variable (above)"
        status=1
    fi
done
unit="$dest$prefix/lib/systemd/system/balloond.service"
if [ -f "$unit" ] && ! grep -q "^ExecStart=$sbindir/balloond\$" "$unit"; then
    echo "balloond.service: ExecStart is not $sbindir/balloond: $(grep '^ExecStart=' "$unit")"
    status=1
fi
unit="$dest$prefix/lib/systemd/system/balloon-guest.service"
if [ -f "$unit" ] && ! grep -q "^ExecStart=$bindir/balloon-guest daemon\$" "$unit"; then
    echo "balloon-guest.service: ExecStart is not $bindir/balloon-guest: $(grep '^ExecStart=' "$unit")"
    status=1
fi

# Build products that must not be installed.
stray=$(cd "$dest" && find . \( -name '*.a' -o -name '*_test' -o -name '*.h' -o -name '*.p' \) -print)
if [ -n "$stray" ]; then
    echo "installed but belongs to the build:"
    echo "$stray"
    status=1
fi

# The installed programs run from where they are installed (no build-tree RPATH needed).
for prog in "$sbindir/balloond" "$bindir/balloonctl"; do
    [ -x "$dest$prog" ] || continue
    if ! out=$("$dest$prog" --version 2>&1); then
        echo "$prog --version failed: $out"
        status=1
    fi
done
# --help needs no Xenstore (this is not a guest).
guest="$dest$bindir/balloon-guest"
if [ -x "$guest" ] && ! out=$("$guest" --help 2>&1); then
    echo "$bindir/balloon-guest --help failed: $out"
    status=1
fi

if [ $status -eq 0 ]; then
    echo "installed tree complete: $(cd "$dest" && find . -type f | wc -l) files"
else
    echo "installed tree ($dest):"
    (cd "$dest" && find . -type f | sort)
fi
exit $status
