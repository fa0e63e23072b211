# Scenario restart: balloond killed with SIGKILL and started again changes no target: its
# pins and hold times live under /balloond in Xenstore, and it rebuilds its state from there
# (rst1 is pinned by `balloonctl set` before the kill and must still be pinned after it).

# targets_now: "domid=target" for every domain, one line.
targets_now() {
    local id
    for id in $(xenstore-list /local/domain 2>/dev/null); do
        printf '%s=%s ' "$id" "$(xenstore-read "/local/domain/$id/memory/target" 2>/dev/null)"
    done
}

# targets_hold SECONDS: the targets do not change during the window (polled every half second).
targets_hold() {
    local before deadline=$(( $(now_ms) + $1 * 1000 ))
    before=$(targets_now)
    while [ "$(now_ms)" -lt "$deadline" ]; do
        [ "$(targets_now)" = "$before" ] || return 1
        sleep 0.5
    done
}

scenario_restart() {
    local s=restart out before pid
    out=$(balloond_up 2>&1) || { fail $s "balloond: $out"; return; }
    out=$(domu_up rst1 256 512 side) || { fail $s "domU rst1: $out"; return; }
    out=$(domu_up rst2 256 512 side) || { fail $s "domU rst2: $out"; return; }
    out=$(balloonctl set rst1 300M 2>&1) || { fail $s "balloonctl set rst1 300M: $out"; return; }
    # Settled first: no target change for 20 s (ten rounds).
    wait_for 300 targets_hold 20 || { fail $s "targets never settled: $(targets_now)"; return; }
    before=$(targets_now)
    pid=$(balloond_pid)
    kill -KILL "$pid"
    wait_until 10 '[ -z "$(balloond_pid)" ]' || { fail $s "balloond $pid survived SIGKILL"; return; }
    out=$(balloond_up 2>&1) || { fail $s "balloond after SIGKILL: $out"; return; }
    echo "E2E-INFO restart: balloond back on the bus as $(balloond_pid); targets $before"
    targets_hold 30 ||
        { fail $s "targets changed after the restart: $before -> $(targets_now)"; return; }
    [ "$(targets_now)" = "$before" ] || { fail $s "targets $before -> $(targets_now)"; return; }
    out=$(balloonctl list 2>&1) || { fail $s "balloonctl list after restart: $out"; return; }
    echo "$out" | grep -q rst1 && echo "$out" | grep -q rst2 ||
        { fail $s "restarted balloond does not list rst1 and rst2: $out"; return; }
    echo "$out" | grep -E '^rst1[[:space:]]' | grep -qw pinned ||
        { fail $s "rst1's pin was lost across the restart: $out"; return; }
    [ "$(xs_target_kb rst1)" = 307200 ] ||
        { fail $s "rst1's pinned target is $(xs_target_kb rst1) KiB, not 307200"; return; }
}
