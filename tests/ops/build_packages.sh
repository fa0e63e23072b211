#!/bin/sh
# Builds the Debian packages from the committed tree (HEAD) outside the repository and checks
# them: contents, conffiles, the unit snippets debhelper adds, lintian, and optionally a real
# install and purge. Not part of `meson test`: it compiles the whole tree (20-40 minutes on a
# loaded 2-core machine). Needs the `package` group: scripts/install-deps package.
# Usage: build_packages.sh [--install] [WORKDIR]   (default WORKDIR /tmp/balloond-pkg)
#   --install   apt-get install both packages on this machine, check, then purge them. Only on
#               a throwaway machine: it writes /usr, /etc and /lib/systemd as root.
set -eu
install=no
if [ "${1:-}" = "--install" ]; then
    install=yes
    shift
fi
repo=$(cd "$(dirname "$0")/../.." && pwd)
work=${1:-/tmp/balloond-pkg}
status=0
fail() {
    echo "FAIL: $*"
    status=1
}

# dpkg-buildpackage writes its results next to the source: keep both out of the repository.
rm -rf "$work"
mkdir -p "$work/src"
git -C "$repo" archive HEAD | tar -x -C "$work/src"
echo "building $(git -C "$repo" rev-parse --short HEAD) in $work/src"
if ! (cd "$work/src" && DEB_BUILD_OPTIONS="parallel=2 nocheck ${DEB_BUILD_OPTIONS:-}" \
    DEB_BUILD_PROFILES=nocheck dpkg-buildpackage -b -us -uc >"$work/build.log" 2>&1); then
    tail -40 "$work/build.log"
    echo "dpkg-buildpackage failed; full log: $work/build.log"
    exit 1
fi
echo "built: $(cd "$work" && ls ./*.deb | tr '\n' ' ')"

# Contents: every file an admin needs, in the package that needs it.
check_deb() {  # PACKAGE PATH...
    pkg=$1
    shift
    deb=$(ls "$work/${pkg}_"*.deb 2>/dev/null | grep -v dbgsym | head -n 1)
    [ -n "$deb" ] || { fail "no $pkg package was built"; return; }
    rm -rf "$work/x-$pkg"
    dpkg-deb -x "$deb" "$work/x-$pkg"
    dpkg-deb -e "$deb" "$work/x-$pkg/DEBIAN"
    for path in "$@"; do
        found=$(cd "$work/x-$pkg" && ls -d .$path 2>/dev/null | head -n 1)
        [ -n "$found" ] || fail "$pkg lacks $path"
    done
}
check_deb balloond /usr/sbin/balloond /usr/bin/balloonctl \
    /lib/systemd/system/balloond.service \
    /usr/share/dbus-1/system.d/org.balloond.Balloon1.conf \
    /usr/share/dbus-1/interfaces/org.balloond.Balloon1.xml \
    /usr/share/polkit-1/actions/org.balloond.Balloon1.policy \
    /usr/share/bash-completion/completions/balloonctl \
    /usr/share/man/man8/balloond.8.gz /usr/share/man/man8/balloonctl.8.gz \
    /usr/share/man/man5/balloond.toml.5.gz /etc/balloond/balloond.toml \
    '/usr/lib/*/balloond/libballoon_xenstored_interposer.so'
check_deb balloon-guest /usr/bin/balloon-guest /lib/systemd/system/balloon-guest.service \
    /usr/share/man/man8/balloon-guest.8.gz
check_deb cockpit-balloond /usr/share/cockpit/balloond/manifest.json \
    /usr/share/cockpit/balloond/index.html /usr/share/cockpit/balloond/index.js

# The split: the guest package carries nothing of dom0's and the other way round.
[ ! -e "$work/x-balloon-guest/usr/sbin/balloond" ] || fail "balloon-guest carries balloond"
[ ! -e "$work/x-balloond/usr/bin/balloon-guest" ] || fail "balloond carries balloon-guest"
[ ! -e "$work/x-balloond/usr/share/cockpit" ] || fail "balloond carries the Cockpit page"
# An edited configuration survives upgrades: it must be a conffile.
grep -qx /etc/balloond/balloond.toml "$work/x-balloond/DEBIAN/conffiles" ||
    fail "/etc/balloond/balloond.toml is not a conffile"
# debhelper enables the units (and starts them where systemd runs).
grep -q 'deb-systemd-helper.*balloond.service' "$work/x-balloond/DEBIAN/postinst" ||
    fail "balloond's postinst does not enable balloond.service"
grep -q 'deb-systemd-helper.*balloon-guest.service' "$work/x-balloon-guest/DEBIAN/postinst" ||
    fail "balloon-guest's postinst does not enable balloon-guest.service"

if command -v lintian >/dev/null 2>&1; then
    echo "lintian:"
    (cd "$work" && lintian --tag-display-limit 0 ./*.changes) | tee "$work/lintian.log" || true
    ! grep -q '^E:' "$work/lintian.log" || fail "lintian reports errors (above)"
else
    echo "lintian is not installed: skipped (scripts/install-deps package)"
fi

if [ $install = yes ]; then
    export DEBIAN_FRONTEND=noninteractive
    if apt-get install -y -qq "$work"/balloond_*.deb "$work"/balloon-guest_*.deb >"$work/install.log" 2>&1; then
        for f in /usr/sbin/balloond /usr/bin/balloonctl /usr/bin/balloon-guest \
            /etc/balloond/balloond.toml /lib/systemd/system/balloond.service; do
            [ -e "$f" ] || fail "installed, but $f is missing"
        done
        /usr/sbin/balloond --version >/dev/null || fail "installed balloond does not run"
        /usr/bin/balloonctl --version >/dev/null || fail "installed balloonctl does not run"
        # No command is a usage error (2) before any Xenstore access: the binary loads and runs.
        rc=0
        /usr/bin/balloon-guest >/dev/null 2>&1 || rc=$?
        [ $rc -eq 2 ] || fail "installed balloon-guest does not run (exit $rc, expected 2)"
    else
        cat "$work/install.log"
        fail "apt-get install failed"
    fi
    apt-get purge -y -qq balloond balloon-guest >>"$work/install.log" 2>&1 || fail "apt-get purge failed"
    for f in /usr/sbin/balloond /usr/bin/balloon-guest /etc/balloond/balloond.toml; do
        [ ! -e "$f" ] || fail "purged, but $f is still there"
    done
    [ $status -ne 0 ] || echo "installed and purged cleanly"
fi

[ $status -eq 0 ] && echo "packages OK: $work" || echo "packages have problems (above)"
exit $status
