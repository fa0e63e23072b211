# Helpers for the e2e scenarios in dom0 (busybox sh). Sizes: xl takes MiB, Xenstore and the
# guest's sysfs say KiB.

now_ms() {
    awk '{ printf "%d\n", $1 * 1000 }' /proc/uptime
}

# patient SECONDS: a deadline stretched by E2E_PATIENCE (percent, from the host's load when QEMU
# started: a busy host gives TCG less CPU, and everything in here is that much slower).
patient() {
    echo $(( $1 * ${E2E_PATIENCE:-100} / 100 ))
}

# wait_for SECONDS COMMAND...: polls COMMAND every half second until it succeeds; 1 on the deadline
# (SECONDS stretched by `patient`).
wait_for() {
    local deadline=$(( $(now_ms) + $(patient "$1") * 1000 ))
    shift
    while ! "$@" >/dev/null 2>&1; do
        [ "$(now_ms)" -lt "$deadline" ] || return 1
        sleep 0.5
    done
}

# wait_until SECONDS 'SHELL CONDITION': like wait_for, but the condition is re-evaluated on each
# poll (so "$(...)" inside it is read afresh, which wait_for's arguments are not).
wait_until() {
    local seconds="$1"
    shift
    wait_for "$seconds" eval "$*"
}

# fail SCENARIO WHY...: the verdict line; returns 1 so a scenario can `fail ... ; return`.
fail() {
    local s="$1"
    shift
    echo "E2E $s FAIL $*"
    return 1
}

guest_log() {
    echo "/var/log/xen/console/guest-$1.log"
}

domid_of() {
    xl domid "$1" 2>/dev/null
}

# xl_mem NAME: the domain's allocation in MiB as `xl list` shows it.
xl_mem() {
    xl list "$1" 2>/dev/null | awk 'NR == 2 { print $3 }'
}

xs_target_kb() {
    xenstore-read "/local/domain/$(domid_of "$1")/memory/target" 2>/dev/null
}

# guest_balloon NAME: the guest's last reported "target_kb=T current_kb=C".
guest_balloon() {
    grep -a 'GUEST balloon' "$(guest_log "$1")" 2>/dev/null | tail -n1 | tr -d '\r' |
        sed 's/.*GUEST balloon //'
}

# guest_balloon_at NAME KIB: both the guest's balloon target and its reservation are KIB.
guest_balloon_at() {
    [ "$(guest_balloon "$1")" = "target_kb=$2 current_kb=$2" ]
}

# balloon_settled NAME: the guest's balloon has reached its own target.
balloon_settled() {
    local b
    b=$(guest_balloon "$1")
    [ -n "$b" ] && [ "${b#target_kb=}" != "$b" ] && [ "${b%% *}" = "target_kb=${b##*current_kb=}" ]
}

guest_said() {
    grep -aq "$2" "$(guest_log "$1")" 2>/dev/null
}

# pvh_pin TYPE: the xl config line that keeps a PVH guest's vCPU on physical CPU 1. Under QEMU's
# multi-threaded TCG, PVH guests booting on both CPUs at once triple-fault now and then (three in
# three unpinned runs, none pinned: docs/e2e.md); on one CPU they never run at the same instant.
pvh_pin() {
    [ "$1" = pvh ] && echo 'cpus = "1"'
}

# domu_create NAME MEMORY_MIB MAXMEM_MIB ROLE [TYPE]: a domU on the e2e kernel and initramfs,
# PV unless TYPE says pvh (a PVH guest started with MEMORY below MAXMEM boots populate-on-demand).
domu_create() {
    cat >"/tmp/$1.cfg" <<CFG
name = "$1"
type = "${5:-pv}"
kernel = "/e2e/vmlinux.gz"
ramdisk = "/e2e/domu.cpio"
extra = "console=hvc0 rdinit=/init loglevel=${E2E_GUEST_LOGLEVEL:-4} e2e_role=$4"
memory = $2
maxmem = $3
vcpus = 1
$(pvh_pin "${5:-pv}")
on_crash = "preserve"
CFG
    timeout "$(patient 180)" xl create "/tmp/$1.cfg" >"/tmp/$1.create.log" 2>&1
}

# grub_create NAME MEMORY_MIB MAXMEM_MIB TYPE: a domU with no balloon driver at all: Debian's GRUB
# for Xen (grub-xen-host), which finds no disk and waits at its prompt.
grub_create() {
    local image=/e2e/grub-x86_64-xen.bin
    [ "$4" = pvh ] && image=/e2e/grub-i386-xen_pvh.bin
    cat >"/tmp/$1.cfg" <<CFG
name = "$1"
type = "$4"
kernel = "$image"
memory = $2
maxmem = $3
vcpus = 1
$(pvh_pin "$4")
on_crash = "preserve"
CFG
    timeout "$(patient 180)" xl create "/tmp/$1.cfg" >"/tmp/$1.create.log" 2>&1
}

# domu_up NAME: created and its /init has spoken.
domu_up() {
    domu_create "$@" || { cat "/tmp/$1.create.log"; return 1; }
    # About 10 s on an idle machine; far more while the host is compiling.
    wait_for 180 guest_said "$1" 'GUEST up' ||
        { echo "$1 did not boot in $(patient 180) s"; return 1; }
    wait_for 10 guest_said "$1" 'GUEST balloon' || return 1
    echo "E2E-INFO $1 up at $(cut -d' ' -f1 /proc/uptime) s" >/dev/console
}

# No OOM kill in the guest's kernel log (the kernel logs to the console, which xenconsoled keeps).
guest_no_oom() {
    ! grep -aqiE 'out of memory|oom-kill|invoked oom-killer' "$(guest_log "$1")"
}

cleanup_domus() {
    local name
    for name in $(xl list 2>/dev/null | awk 'NR > 2 { print $1 }'); do
        xl destroy "$name" >/dev/null 2>&1
    done
}

# dump_logs CONTEXT: what a failure needs, each line prefixed E2E-LOG so the host can pick it.
dump_logs() {
    {
        echo "== $1: xl list"
        xl list 2>&1
        echo "== xl info (memory)"
        xl info 2>&1 | grep -E 'total_memory|free_memory'
        for f in /var/log/xen/console/*.log; do
            [ -f "$f" ] || continue
            echo "== $f (last 40 lines)"
            tail -n 40 "$f" | tr -d '\r'
        done
        for f in /tmp/*.create.log /var/log/balloond.log /var/log/xen/xen-init-dom0.log; do
            [ -f "$f" ] || continue
            echo "== $f (last 60 lines)"
            tail -n 60 "$f"
        done
        echo "== xl dmesg (last 20 lines)"
        xl dmesg 2>&1 | tail -n 20
    } 2>&1 | sed 's/^/E2E-LOG /'
}

# The system bus (root only: /etc/dbus-1/system-local.conf) and balloond serving its API on it.
bus_up() {
    [ -S /run/dbus/system_bus_socket ] && return 0
    dbus-daemon --system --fork >/var/log/dbus.log 2>&1 || { cat /var/log/dbus.log; return 1; }
    wait_for 30 test -S /run/dbus/system_bus_socket || { echo "no system bus socket"; return 1; }
}

# Every call into balloond or xl is bounded: a hung client must fail the check, not the boot.
balloond_on_bus() {
    timeout 10 balloonctl list
}

# balloond_up: starts balloond (logging to /var/log/balloond.log) unless it runs; waits until
# balloonctl reaches it over the bus.
balloond_up() {
    bus_up || return 1
    if [ -z "$(balloond_pid)" ]; then
        balloond --log-level=debug >>/var/log/balloond.log 2>&1 &
    fi
    wait_for 60 balloond_on_bus ||
        { echo "balloond not on the bus after 60 s: $(tail -n 5 /var/log/balloond.log)"; return 1; }
}

balloond_pid() {
    pidof balloond
}

xs_key() {
    xenstore-read "/local/domain/$(domid_of "$1")/$2" 2>/dev/null
}

host_free_mib() {
    xl info 2>/dev/null | awk '$1 == "free_memory" { print $3 }'
}

# domain_state NAME: the convergence state column of `balloonctl list` for the domain.
domain_state_is() {
    timeout 10 balloonctl list 2>/dev/null | grep -E "^$1[[:space:]]" | grep -qw "$2"
}

# free_sampler_start FILE / free_sampler_stop: Xen's free memory (MiB) once a second (an xl
# call costs dom0 a lot of CPU under QEMU's emulation).
free_sampler_start() {
    (while :; do host_free_mib >>"$1"; sleep 1; done) &
    free_sampler=$!
}

free_sampler_stop() {
    kill "$free_sampler" 2>/dev/null
    wait "$free_sampler" 2>/dev/null
}

# target_sampler_start NAME FILE / target_sampler_stop: memory/target twice a second.
target_sampler_start() {
    (while :; do xs_target_kb "$1" >>"$2"; sleep 0.5; done) &
    target_sampler=$!
}

target_sampler_stop() {
    kill "$target_sampler" 2>/dev/null
    wait "$target_sampler" 2>/dev/null
}

min_of() {
    sort -n "$1" | sed -n 1p
}
