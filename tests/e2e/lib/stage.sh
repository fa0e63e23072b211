# Sourced by tests/e2e/run: lays out the dom0 and domU root trees under work/ and packs them as
# newc cpio archives (uncompressed: unpacking gzip costs seconds under TCG, memory does not).

# Library search order for ldd: the staged Debian libraries first, so that dom0 runs the Xen
# 4.17 toolstack exactly as packaged, then the host's (the project's own dependencies).
e2e_ldd_path() {
    echo "$E2E_CACHE/stage/usr/lib/x86_64-linux-gnu:$E2E_CACHE/stage/lib/x86_64-linux-gnu"
}

# e2e_add_libs ROOT FILE...: copies every shared library the files need into ROOT.
e2e_add_libs() {
    local root="$1" lib
    shift
    mkdir -p "$root/lib/x86_64-linux-gnu" "$root/lib64"
    for lib in $(LD_LIBRARY_PATH="$(e2e_ldd_path)" ldd "$@" 2>/dev/null |
        awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\/lib64\// { print $1 }' | sort -u); do
        case "$lib" in
        /lib64/*) cp -L "$lib" "$root/lib64/" ;;
        *) cp -L "$lib" "$root/lib/x86_64-linux-gnu/" ;;
        esac
    done
    # Loaded with dlopen by pthread_cancel: ldd does not list it, xl aborts without it.
    cp -L /lib/x86_64-linux-gnu/libgcc_s.so.1 "$root/lib/x86_64-linux-gnu/"
}

# e2e_add_bin ROOT SRC DEST: copies a program to ROOT/DEST, without its debug information
# (a quarter of the size: the images are loaded into guest memory under TCG), and its libraries.
e2e_add_bin() {
    local root="$1" src="$2" dest="$3"
    [ -x "$src" ] || { echo "e2e: $src is missing (build the project first?)" >&2; return 1; }
    mkdir -p "$root/$(dirname "$dest")"
    strip --strip-debug -o "$root/$dest" "$src"
    e2e_add_libs "$root" "$src"
}

# The skeleton both roots share: busybox with its applets as links, the usual mount points.
e2e_skeleton() {
    local root="$1" applet
    rm -rf "$root"
    mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,run,tmp,etc,root,var/log,var/lib}
    cp /bin/busybox "$root/bin/busybox"
    for applet in $(/bin/busybox --list-full); do
        [ -e "$root/$applet" ] || ln -s /bin/busybox "$root/$applet"
    done
    printf 'root:x:0:0:root:/root:/bin/sh\n' >"$root/etc/passwd"
    printf 'root:x:0:\n' >"$root/etc/group"
}

e2e_pack() {
    local root="$1" out="$2"
    (cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc --quiet) >"$out.tmp"
    mv "$out.tmp" "$out"
}

# The domU: busybox, the guest side and its libraries, the memory hog.
e2e_build_domu() {
    local root="$E2E_WORK/domu-root"
    e2e_skeleton "$root"
    install -m 0755 "$E2E_DIR/guest/init" "$root/init"
    e2e_add_bin "$root" "$BUILDDIR/guest-driver/balloon-guest" usr/sbin/balloon-guest
    install -m 0755 "$E2E_WORK/memhog" "$root/usr/bin/memhog"
    e2e_pack "$root" "$E2E_WORK/domu.cpio"
}

# dom0: the Xen toolstack, the kernel modules it needs, the system bus, balloond and balloonctl,
# the domU kernel and initramfs, and the scenarios.
e2e_build_dom0() {
    local root="$E2E_WORK/dom0-root" stage="$E2E_CACHE/stage" rel bin mod
    rel=$(e2e_kernel_release)
    e2e_skeleton "$root"
    install -m 0755 "$E2E_DIR/dom0/init" "$root/init"
    for bin in xl xenstored xenconsoled xen-init-dom0 libxl-save-helper; do
        e2e_add_bin "$root" "$stage/usr/lib/xen-4.17/bin/$bin" "usr/lib/xen-4.17/bin/$bin"
    done
    # xenstore-read, -write, ... are links to one multi-call binary.
    e2e_add_bin "$root" "$stage/usr/bin/xenstore" usr/bin/xenstore
    for bin in "$stage"/usr/bin/xenstore-*; do
        ln -sf xenstore "$root/usr/bin/$(basename "$bin")"
    done
    mkdir -p "$root/modules"
    for mod in xen-evtchn xen-privcmd xen-gntdev xen-gntalloc xenfs/xenfs; do
        cp "$stage/lib/modules/$rel/kernel/drivers/xen/$mod.ko" "$root/modules/"
    done
    mkdir -p "$root/etc/xen" "$root/var/lib/xen" "$root/var/log/xen/console" "$root/run/xen"
    # balloond (or the test) owns ballooning; xl must not shrink dom0 to make room.
    echo 'autoballoon="off"' >"$root/etc/xen/xl.conf"

    e2e_add_bin "$root" "$stage/usr/bin/dbus-daemon" usr/bin/dbus-daemon
    e2e_add_bin "$root" "$stage/usr/bin/dbus-send" usr/bin/dbus-send
    mkdir -p "$root/usr/share/dbus-1/system.d" "$root/etc/dbus-1" "$root/var/lib/dbus"
    cp "$stage/usr/share/dbus-1/system.conf" "$root/usr/share/dbus-1/"
    # The stock config runs the bus as messagebus; dom0 here has only root. The last <user> wins.
    printf '<busconfig>\n  <user>root</user>\n</busconfig>\n' >"$root/etc/dbus-1/system-local.conf"
    if [ -f "$E2E_REPO/dbus/org.balloond.Balloon1.conf" ]; then
        cp "$E2E_REPO/dbus/org.balloond.Balloon1.conf" "$root/usr/share/dbus-1/system.d/"
    fi
    echo 0123456789abcdef0123456789abcdef >"$root/var/lib/dbus/machine-id"
    cp "$root/var/lib/dbus/machine-id" "$root/etc/machine-id"

    e2e_add_bin "$root" "$BUILDDIR/daemon/balloond" usr/sbin/balloond
    e2e_add_bin "$root" "$BUILDDIR/cli/balloonctl" usr/bin/balloonctl
    install -m 0755 "$E2E_WORK/qmemman-client" "$root/usr/bin/qmemman-client"
    mkdir -p "$root/etc/balloond"
    cp "$E2E_DIR/dom0/balloond.toml" "$root/etc/balloond/balloond.toml"

    mkdir -p "$root/e2e"
    cp "$E2E_DIR"/dom0/*.sh "$root/e2e/"
    cp "$E2E_CACHE/vmlinux-$rel.gz" "$root/e2e/vmlinux.gz"
    cp "$E2E_WORK/domu.cpio" "$root/e2e/domu.cpio"
    # Guests with no balloon driver (scenario no_driver): GRUB for PV and for PVH.
    cp "$stage/usr/lib/grub-xen/grub-x86_64-xen.bin" "$stage/usr/lib/grub-xen/grub-i386-xen_pvh.bin" \
        "$root/e2e/"
    e2e_pack "$root" "$E2E_WORK/dom0.cpio"
}
