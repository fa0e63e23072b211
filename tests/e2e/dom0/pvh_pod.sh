# Scenario pvh_pod: a PVH domU started populate-on-demand (memory 256 of maxmem 512: Xen backs
# 256 MiB of the 512 MiB the guest sees) with the guest side running. Until its balloon driver
# has handed the unbacked half back, balloond never lowers its target and refuses `balloonctl
# set` below it; afterwards set down and up works and Xenstore, `xl list` and the guest's balloon
# agree (the guest's own target sits a constant offset below Xenstore's: the Linux driver
# subtracts static-max minus the boot target for PVH). Xen logs no PoD error, and the guest is the
# same domain, alive, at the end.

# pod_deficit_kib NAME: entries - cache as balloond reads them (`balloonctl list --json`), 0 when
# the cache backs every entry.
pod_deficit_kib() {
    timeout 10 balloonctl status "$1" --json 2>/dev/null |
        awk -F'[:,]' '/"pod_entries_kib"/ { e = $2 } /"pod_cache_kib"/ { c = $2 }
            END { if (e == "" || c == "") exit 1; d = e - c; print (d > 0 ? d : 0) }'
}

# pod_balloon_at NAME KIB OFFSET: the guest's balloon target and reservation at KIB - OFFSET.
pod_balloon_at() {
    guest_balloon_at "$1" $(($2 - $3))
}

scenario_pvh_pod() {
    local s=pvh_pod out id deficit lowest samples=/tmp/pod1-targets.log
    out=$(balloond_up 2>&1) || { fail $s "balloond: $out"; return; }
    out=$(balloonctl policy demand 2>&1) || { fail $s "balloonctl policy demand: $out"; return; }
    domu_create pod1 256 512 side pvh || { fail $s "xl create pod1: $(tail -n 3 /tmp/pod1.create.log)"; return; }
    id=$(domid_of pod1)
    : >"$samples"
    target_sampler_start pod1 "$samples"
    # Its kernel has not started ballooning yet: Xen backs half of what the guest sees.
    wait_until 30 '[ "$(pod_deficit_kib pod1)" -gt 0 ]' ||
        { target_sampler_stop; fail $s "balloond never saw pod1's PoD deficit: $(balloonctl status pod1 --json 2>&1 | grep pod_)"; return; }
    deficit=$(pod_deficit_kib pod1)
    if out=$(balloonctl set pod1 128M 2>&1); then
        # Only a guest that caught up in the meantime may take it.
        [ "$(pod_deficit_kib pod1)" = 0 ] ||
            { target_sampler_stop; fail $s "set 128M accepted with a PoD deficit: $out"; return; }
        echo "E2E-INFO pvh_pod: set 128M accepted: the guest had caught up" >/dev/console
    else
        echo "$out" | grep -q 'not backed' ||
            { target_sampler_stop; fail $s "set 128M refused, but not for PoD: $out"; return; }
        echo "E2E-INFO pvh_pod: with ${deficit} KiB not backed, set 128M refused: $out" >/dev/console
    fi
    wait_for 180 guest_said pod1 'GUEST balloon' || { target_sampler_stop; fail $s "pod1 did not boot"; return; }
    wait_until 120 '[ "$(pod_deficit_kib pod1)" = 0 ]' ||
        { target_sampler_stop; fail $s "pod1's balloon never caught up: $(pod_deficit_kib pod1) KiB not backed"; return; }
    target_sampler_stop
    lowest=$(min_of "$samples")
    [ -n "$lowest" ] && [ "$lowest" -ge 262144 ] ||
        { fail $s "memory/target fell to ${lowest:-?} KiB before pod1's balloon caught up"; return; }
    echo "E2E-INFO pvh_pod: caught up; memory/target never below 262144 KiB in $(wc -l <"$samples") samples" >/dev/console

    # Pinned by each set, the guest's balloon sits one constant offset below Xenstore's target.
    local size kib offset=""
    for size in 200 400; do
        kib=$((size * 1024))
        out=$(balloonctl set pod1 ${size}M --wait=120s 2>&1) ||
            { fail $s "balloonctl set pod1 ${size}M --wait: $out"; return; }
        [ "$(xs_target_kb pod1)" = "$kib" ] || { fail $s "memory/target $(xs_target_kb pod1) after set ${size}M"; return; }
        wait_for 60 balloon_settled pod1 || { fail $s "pod1's balloon not settled: $(guest_balloon pod1)"; return; }
        if [ -z "$offset" ]; then
            offset=$((kib - $(guest_balloon pod1 | sed 's/target_kb=\([0-9]*\).*/\1/')))
            [ "$offset" -ge 0 ] && [ "$offset" -le 4096 ] ||
                { fail $s "the guest's target is $offset KiB below memory/target"; return; }
        fi
        wait_for 60 pod_balloon_at pod1 "$kib" "$offset" ||
            { fail $s "guest balloon at $(guest_balloon pod1), want $((kib - offset)) KiB after set ${size}M"; return; }
        wait_until 20 '[ "$(xl_mem pod1)" -eq '"$size"' ]' ||
            { fail $s "xl list shows $(xl_mem pod1) MiB after set ${size}M"; return; }
        echo "E2E-INFO pvh_pod: set ${size}M: memory/target $kib, xl list $size, guest $(guest_balloon pod1)" >/dev/console
    done
    out=$(balloonctl auto pod1 2>&1) || { fail $s "balloonctl auto pod1: $out"; return; }

    ! xl dmesg 2>/dev/null | grep -aiE "out of PoD|d${id}v[0-9]+ Triple fault" ||
        { fail $s "Xen's log has a PoD error or a crash for dom$id"; return; }
    [ "$(domid_of pod1)" = "$id" ] || { fail $s "pod1 was restarted (dom$id is now dom$(domid_of pod1))"; return; }
    xl list pod1 | awk 'NR == 2 { exit ($5 ~ /c/) }' || { fail $s "pod1 crashed: $(xl list pod1)"; return; }
    guest_no_oom pod1 || { fail $s "OOM kill in pod1's kernel log"; return; }
}
