# Sourced by tests/e2e/run: fetches the guest-side Debian packages with `apt-get download` into
# cache/debs and unpacks them into cache/stage (nothing is installed on the host). A finished
# stage is marked with a stamp holding the package list, so a changed list refetches.

# Xen 4.17's toolstack and hypervisor, the dom0 D-Bus bus, GRUB for Xen (a guest with no balloon
# driver), and the kernel both dom0 and the domUs boot (the one linux-image-amd64 points at).
e2e_guest_packages() {
    echo xen-hypervisor-4.17-amd64 xen-utils-4.17 xenstore-utils libxenmisc4.17 \
        libxencall1 libxenevtchn1 libxenforeignmemory1 libxengnttab1 libxenstore4 \
        libxentoollog1 libxendevicemodel1 libxenhypfs1 libxentoolcore1 libyajl2 \
        dbus-daemon dbus-bin dbus-system-bus-common libdbus-1-3 grub-xen-host
    # The kernel image package that the linux-image-amd64 metapackage depends on.
    apt-cache depends linux-image-amd64 2>/dev/null |
        awk '$1 == "Depends:" && $2 ~ /^linux-image-[0-9]/ && !seen { print $2; seen = 1 }'
}

e2e_fetch() {
    local pkgs stamp
    pkgs=$(e2e_guest_packages | tr '\n' ' ')
    case "$pkgs" in
    *linux-image-[0-9]*) ;;
    *)
        # No apt lists yet (fresh machine): apt-cache knows no kernel package.
        echo "e2e: apt has no package lists; running apt-get update" >&2
        apt-get update -qq
        pkgs=$(e2e_guest_packages | tr '\n' ' ')
        ;;
    esac
    stamp="$E2E_CACHE/stage/.stamp"
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$pkgs" ]; then
        return 0
    fi
    mkdir -p "$E2E_CACHE/debs"
    # apt-get download writes to the current directory; _apt needs to write there too.
    chmod 0777 "$E2E_CACHE/debs"
    if ! (cd "$E2E_CACHE/debs" && apt-get download -qq $pkgs >/dev/null 2>&1); then
        echo "e2e: apt-get download failed; running apt-get update and retrying" >&2
        apt-get update -qq
        (cd "$E2E_CACHE/debs" && apt-get download -qq $pkgs) || {
            echo "e2e: cannot download the guest packages ($pkgs): check the network and" \
                "/etc/apt/sources.list" >&2
            return 1
        }
    fi
    rm -rf "$E2E_CACHE/stage"
    mkdir -p "$E2E_CACHE/stage"
    local p deb
    for p in $pkgs; do
        # The newest downloaded version of each package (older ones may linger in the cache).
        deb=$(ls -t "$E2E_CACHE/debs/${p}"_*.deb 2>/dev/null | sed -n 1p)
        [ -n "$deb" ] || { echo "e2e: $p was not downloaded" >&2; return 1; }
        dpkg-deb -x "$deb" "$E2E_CACHE/stage"
    done
    echo "$pkgs" >"$stamp"
}

# The kernel release staged (e.g. 6.1.0-56-amd64), from the one modules folder.
e2e_kernel_release() {
    ls "$E2E_CACHE/stage/lib/modules" | sed -n 1p
}

# Extracts the ELF kernel from the Debian bzImage and gzips it: libxc unpacks gzip in well
# under a second under TCG where the bzImage's XZ payload takes about 6 s. The payload sits at
# (setup_sects + 1) * 512 + payload_offset; both fields are in the boot-protocol header.
e2e_domu_kernel() {
    local bz="$1" out="$2" setup_sects offset length
    [ -f "$out" ] && [ "$out" -nt "$bz" ] && return 0
    setup_sects=$(od -An -tu1 -j $((0x1f1)) -N1 "$bz" | tr -d ' ')
    offset=$(od -An -tu4 -j $((0x248)) -N4 "$bz" | tr -d ' ')
    length=$(od -An -tu4 -j $((0x24c)) -N4 "$bz" | tr -d ' ')
    # head closes the pipe early by design; judge the result by its ELF magic instead.
    (set +o pipefail
        tail -c +$(((setup_sects + 1) * 512 + offset + 1)) "$bz" | head -c "$length" |
            xz -dc --single-stream | gzip -1 >"$out.tmp")
    [ "$(gunzip -c "$out.tmp" | head -c 4 | od -An -c | tr -d ' ')" = '177ELF' ] || {
        echo "e2e: no ELF kernel inside $bz (not an XZ bzImage?)" >&2
        return 1
    }
    mv "$out.tmp" "$out"
}
