#!/bin/sh
# systemd-analyze verify on the project's units, with ExecStart pointed at the built binaries
# (verify insists they exist) and stubs for the units they depend on that a build machine lacks.
# Any output is a failure: verify exits 0 on unknown keys and bad values and only says so.
# Usage: verify_units.sh SRCDIR BUILDDIR
set -eu
src=$1
build=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for stub in xenstored.service xen.service; do
    printf '[Unit]\nDescription=stub for verify\n[Service]\nExecStart=/bin/true\n' >"$work/$stub"
done
sed "s|@sbindir@|$build/daemon|" "$src/systemd/balloond.service.in" >"$work/balloond.service"
sed "s|@bindir@|$build/guest-driver|" "$src/systemd/balloon-guest.service" >"$work/balloon-guest.service"
status=0
for unit in balloond.service balloon-guest.service; do
    out=$(SYSTEMD_UNIT_PATH="$work:" systemd-analyze verify --man=no "$work/$unit" 2>&1) || status=1
    if [ -n "$out" ]; then
        echo "$unit:"
        echo "$out"
        status=1
    else
        echo "$unit: verified"
    fi
done
exit $status
