# Scenario pressure: two domUs running the guest side; one grows a working set (memhog, plus a
# fork every 0.2 s) while the other, big one idles, so that together they leave Xen only about
# 230 MiB free (2 GiB host, 512M dom0, 1024M idle1, 256M of max 768M hog1). balloond must grow the first and shrink the second,
# neither guest's kernel may OOM-kill anything, and Xen's free memory never drops below the
# slush (64M in dom0/balloond.toml).

scenario_pressure() {
    local s=pressure out hog idle free_log=/tmp/pressure-free.log
    out=$(balloond_up 2>&1) || { fail $s "balloond: $out"; return; }
    : >"$free_log"
    free_sampler_start "$free_log"
    out=$(domu_up idle1 1024 1024 side) || { free_sampler_stop; fail $s "domU idle1: $out"; return; }
    out=$(domu_up hog1 256 768 hog) || { free_sampler_stop; fail $s "domU hog1: $out"; return; }

    if ! wait_until 300 '[ "$(xs_target_kb hog1)" -gt 262144 ]'; then
        free_sampler_stop
        fail $s "hog1's target stayed at $(xs_target_kb hog1) KiB (not grown above 256M)"
        return
    fi
    echo "E2E-INFO pressure: hog1 grown to $(xs_target_kb hog1) KiB"
    if ! wait_until 300 '[ "$(xs_target_kb idle1)" -lt 1048576 ]'; then
        free_sampler_stop
        fail $s "idle1's target stayed at $(xs_target_kb idle1) KiB (not shrunk below 1024M)"
        return
    fi
    echo "E2E-INFO pressure: idle1 shrunk to $(xs_target_kb idle1) KiB"
    if ! wait_for 300 guest_said hog1 'memhog: holding 200 MiB'; then
        free_sampler_stop
        fail $s "memhog in hog1 never held 200 MiB (target $(xs_target_kb hog1) KiB)"
        return
    fi
    free_sampler_stop
    guest_no_oom hog1 || { fail $s "OOM kill in hog1's kernel log"; return; }
    guest_no_oom idle1 || { fail $s "OOM kill in idle1's kernel log"; return; }
    local lowest
    lowest=$(min_of "$free_log")
    [ -n "$lowest" ] && [ "$lowest" -ge 64 ] ||
        { fail $s "Xen's free memory fell to ${lowest:-?} MiB, below the 64M slush"; return; }
    echo "E2E-INFO pressure: lowest free memory ${lowest} MiB over $(wc -l <"$free_log") samples"
}
