# Scenario balloonctl: balloond in dom0 on the system bus; `balloonctl set DOMU 192M --wait`
# writes memory/target, and Xen's allocation and the guest's balloon follow; `balloonctl max`
# refuses and accepts exactly as `xl mem-max` does (a max below the current target is refused;
# at or above it, it becomes memory/static-max; a later set above it is refused).

scenario_balloonctl() {
    local s=balloonctl out
    out=$(domu_up bctl1 256 512 plain) || { fail $s "domU bctl1: $out"; return; }
    out=$(balloond_up 2>&1) || { fail $s "balloond: $out"; return; }

    out=$(balloonctl set bctl1 192M --wait 2>&1) ||
        { fail $s "balloonctl set bctl1 192M --wait: $out"; return; }
    [ "$(xs_target_kb bctl1)" = 196608 ] ||
        { fail $s "memory/target is $(xs_target_kb bctl1) after set 192M, want 196608"; return; }
    wait_for 30 guest_balloon_at bctl1 196608 ||
        { fail $s "guest balloon at $(guest_balloon bctl1), want 196608 KiB"; return; }
    wait_until 10 '[ "$(xl_mem bctl1)" -eq 192 ]' ||
        { fail $s "xl list shows $(xl_mem bctl1) MiB after set 192M"; return; }
    echo "E2E-INFO balloonctl: set 192M reached (memory/target, xl list, guest balloon)"

    # xl mem-max refuses a max below the current target (static-max >= dynamic-max).
    local before
    before=$(xs_key bctl1 memory/static-max)
    if out=$(balloonctl max bctl1 150M 2>&1); then
        fail $s "balloonctl max bctl1 150M was accepted below the 192M target: $out"
        return
    fi
    [ "$(xs_key bctl1 memory/static-max)" = "$before" ] ||
        { fail $s "refused max changed memory/static-max to $(xs_key bctl1 memory/static-max)"; return; }
    echo "E2E-INFO balloonctl: max 150M refused: $out"

    # At or above the target it is accepted and becomes static-max, in KiB.
    out=$(balloonctl max bctl1 300M 2>&1) || { fail $s "balloonctl max bctl1 300M: $out"; return; }
    [ "$(xs_key bctl1 memory/static-max)" = 307200 ] ||
        { fail $s "memory/static-max is $(xs_key bctl1 memory/static-max) after max 300M"; return; }
    echo "E2E-INFO balloonctl: max 300M accepted: $out"

    # And, as after xl mem-max, a target above the new max is refused and the target stays.
    if out=$(balloonctl set bctl1 450M 2>&1); then
        fail $s "balloonctl set bctl1 450M was accepted above the 300M max: $out"
        return
    fi
    [ "$(xs_target_kb bctl1)" = 196608 ] ||
        { fail $s "refused set moved memory/target to $(xs_target_kb bctl1)"; return; }
    echo "E2E-INFO balloonctl: set 450M refused above max: $out"
}
