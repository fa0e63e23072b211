# Scenario no_driver: two domUs with no balloon driver at all (GRUB for Xen at its prompt, a PV
# one and a PVH one, both memory 256 of maxmem 512: the PVH one populate-on-demand) beside a
# Linux guest under pressure (hog1) and an idle donor (idle1), on a host left about 130 MiB free.
# balloond marks both uncooperative (the PVH one on its own: its PoD entries never come down; the
# PV one once asked to shrink and it does not move), writes memory/uncooperative, never raises
# the PVH one into PoD memory it could not use, never lowers it, and still serves hog1 from
# idle1. No domain crashes or is restarted.

scenario_no_driver() {
    local s=no_driver out name ids="" samples=/tmp/nodrvpvh-targets.log
    out=$(balloond_up 2>&1) || { fail $s "balloond: $out"; return; }
    out=$(balloonctl policy demand 2>&1) || { fail $s "balloonctl policy demand: $out"; return; }
    grub_create nodrvpv 256 512 pv || { fail $s "xl create nodrvpv: $(tail -n 3 /tmp/nodrvpv.create.log)"; return; }
    grub_create nodrvpvh 256 512 pvh || { fail $s "xl create nodrvpvh: $(tail -n 3 /tmp/nodrvpvh.create.log)"; return; }
    : >"$samples"
    target_sampler_start nodrvpvh "$samples"
    out=$(domu_up idle1 512 512 side) || { target_sampler_stop; fail $s "domU idle1: $out"; return; }
    out=$(domu_up hog1 256 768 hog) || { target_sampler_stop; fail $s "domU hog1: $out"; return; }
    for name in nodrvpv nodrvpvh idle1 hog1; do ids="$ids $name=$(domid_of $name)"; done

    # The PVH one: its PoD entries never come down, so it never reaches its target.
    wait_for 120 domain_state_is nodrvpvh uncooperative ||
        { target_sampler_stop; fail $s "nodrvpvh never marked uncooperative: $(balloonctl list 2>&1 | grep nodrvpvh)"; return; }
    # The PV one holds exactly its target until asked to move; then it does not.
    out=$(balloonctl set nodrvpv 192M 2>&1) || { target_sampler_stop; fail $s "balloonctl set nodrvpv 192M: $out"; return; }
    wait_for 120 domain_state_is nodrvpv uncooperative ||
        { target_sampler_stop; fail $s "nodrvpv never marked uncooperative: $(balloonctl list 2>&1 | grep nodrvpv)"; return; }
    out=$(balloonctl auto nodrvpv 2>&1) || { target_sampler_stop; fail $s "balloonctl auto nodrvpv: $out"; return; }
    for name in nodrvpv nodrvpvh; do
        [ -n "$(xs_key $name memory/uncooperative)" ] ||
            { target_sampler_stop; fail $s "memory/uncooperative not written for $name"; return; }
    done
    echo "E2E-INFO no_driver: both marked uncooperative: $(balloonctl list 2>&1 | grep nodrv | tr '\n' ';')" >/dev/console

    # hog1 is served all the same, from idle1.
    wait_for 300 guest_said hog1 'memhog: holding 200 MiB' ||
        { target_sampler_stop; fail $s "memhog in hog1 never held 200 MiB (target $(xs_target_kb hog1) KiB)"; return; }
    target_sampler_stop
    guest_no_oom hog1 || { fail $s "OOM kill in hog1's kernel log"; return; }
    guest_no_oom idle1 || { fail $s "OOM kill in idle1's kernel log"; return; }
    [ "$(xl_mem nodrvpv)" -ge 255 ] || { fail $s "nodrvpv at $(xl_mem nodrvpv) MiB: it has no driver to shrink"; return; }
    [ "$(sort -u "$samples" | tr '\n' ' ')" = "262144 " ] ||
        { fail $s "nodrvpvh's memory/target moved: $(sort -u "$samples" | tr '\n' ' ')"; return; }
    echo "E2E-INFO no_driver: hog1 held 200 MiB at target $(xs_target_kb hog1) KiB; idle1 at $(xs_target_kb idle1) KiB; nodrvpvh's target 262144 KiB in all $(wc -l <"$samples") samples" >/dev/console

    local id
    for name in nodrvpv nodrvpvh idle1 hog1; do
        id=$(domid_of $name)
        [ " $name=$id" = "$(echo "$ids" | grep -o " $name=[0-9]*")" ] ||
            { fail $s "$name was restarted (ids at start:$ids; now $id)"; return; }
        xl list $name | awk 'NR == 2 { exit ($5 ~ /c/) }' || { fail $s "$name crashed: $(xl list $name)"; return; }
        ! xl dmesg 2>/dev/null | grep -aiE "out of PoD|d${id}v[0-9]+ Triple fault" ||
            { fail $s "Xen's log has a PoD error or a crash for $name (dom$id)"; return; }
    done
}
