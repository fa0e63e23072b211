# Scenario baseline: the bed itself. `xl mem-set` of a PV domU moves Xen's allocation and the
# guest's balloon (sysfs target_kb and current_kb, as the guest reports them on its console).

scenario_baseline() {
    local s=baseline out mib kib
    out=$(domu_up base1 256 512 plain) || { fail $s "domU base1: $out"; return; }
    for mib in 128 400 200; do
        kib=$((mib * 1024))
        xl mem-set base1 "${mib}m" || { fail $s "xl mem-set base1 ${mib}m failed"; return; }
        [ "$(xs_target_kb base1)" = "$kib" ] ||
            { fail $s "memory/target is $(xs_target_kb base1), want $kib after mem-set ${mib}m"; return; }
        wait_for 15 guest_balloon_at base1 "$kib" ||
            { fail $s "guest balloon at $(guest_balloon base1), want $kib KiB"; return; }
        # xl list rounds the allocation to MiB; the balloon reached the target, so must Xen.
        wait_until 5 '[ "$(xl_mem base1)" -eq '"$mib"' ]' ||
            { fail $s "xl list shows $(xl_mem base1) MiB, want $mib"; return; }
        echo "E2E-INFO baseline: mem-set ${mib}m reached (guest and xl list)"
    done
    guest_no_oom base1 || { fail $s "OOM kill in base1"; return; }
}
