# Scenario reservation: with two idle 600 MiB domUs Xen has too little free memory for a third
# of 400 MiB, and `xl create` fails; `balloonctl reserve 450M` makes balloond shrink the idle
# ones, and the same `xl create` then succeeds while the reservation is held.

scenario_reservation() {
    local s=reservation out reserver
    out=$(balloond_up 2>&1) || { fail $s "balloond: $out"; return; }
    # The policy must not make room on its own before the first create is tried.
    out=$(balloonctl policy off 2>&1) || { fail $s "balloonctl policy off: $out"; return; }
    out=$(domu_up res1 600 600 side) || { fail $s "domU res1: $out"; return; }
    out=$(domu_up res2 600 600 side) || { fail $s "domU res2: $out"; return; }
    echo "E2E-INFO reservation: free memory $(host_free_mib) MiB before the third create"
    if domu_create res3 400 400 plain; then
        fail $s "xl create res3 (400M) succeeded with $(host_free_mib) MiB free: no shortage"
        return
    fi
    grep -q -i 'memory' /tmp/res3.create.log ||
        { fail $s "xl create res3 failed, but not for memory: $(tail -n 3 /tmp/res3.create.log)"; return; }
    echo "E2E-INFO reservation: xl create res3 failed: $(grep -i -m1 memory /tmp/res3.create.log)"

    out=$(balloonctl policy demand 2>&1) || { fail $s "balloonctl policy demand: $out"; return; }
    # The reclaim rate: Xen's free memory gained per second from the reserve call to
    # the reservation held, the guests' real balloon drivers inflating under QEMU's TCG.
    local free0 t0
    free0=$(host_free_mib)
    t0=$(now_ms)
    balloonctl reserve 450M --timeout=120s >/tmp/reserve.out 2>&1 &
    reserver=$!
    if ! wait_for 150 grep -q . /tmp/reserve.out; then
        kill "$reserver" 2>/dev/null
        fail $s "balloonctl reserve 450M said nothing in 150 s"
        return
    fi
    if ! kill -0 "$reserver" 2>/dev/null; then
        fail $s "balloonctl reserve 450M ended: $(cat /tmp/reserve.out)"
        return
    fi
    local free1 ms
    free1=$(host_free_mib)
    ms=$(( $(now_ms) - t0 ))
    echo "E2E-INFO reservation: reserved $(cat /tmp/reserve.out); free $free1 MiB"
    echo "E2E-INFO reservation: reclaim rate $(( (free1 - free0) * 1000 / (ms > 0 ? ms : 1) )) MiB/s" \
        "($((free1 - free0)) MiB in $ms ms, polled every 0.2 s)"
    if ! domu_create res3 400 400 plain; then
        kill "$reserver" 2>/dev/null
        fail $s "xl create res3 failed again with the reservation held: $(tail -n 3 /tmp/res3.create.log)"
        return
    fi
    kill "$reserver" 2>/dev/null
    wait "$reserver" 2>/dev/null
    echo "E2E-INFO reservation: xl create res3 succeeded"
}
