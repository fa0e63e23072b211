# Scenario qmemman: Qubes' qubesd path on real Xen. With two idle 600 MiB domUs Xen has too little
# free memory for a third of 400 MiB; a request for 450 MiB on qmemman's socket (balloond's
# [compat] qmemman-socket) is answered OK once the real balloon drivers of both have given memory,
# the freed memory is held (a reservation owned by the client) while `xl create` builds the third,
# and closing the connection releases it.

QMEMMAN_SOCKET=/run/qubes/qmemman.sock

reservation_count() {
    timeout 10 balloonctl reservations --json | grep -o '"id"' | wc -l
}

scenario_qmemman() {
    local s=qmemman out client t1 t2
    out=$(balloond_up 2>&1) || { fail $s "balloond: $out"; return; }
    [ -S "$QMEMMAN_SOCKET" ] || { fail $s "balloond serves no socket at $QMEMMAN_SOCKET"; return; }
    # The policy must not make room on its own before the request.
    out=$(balloonctl policy off 2>&1) || { fail $s "balloonctl policy off: $out"; return; }
    out=$(domu_up qm1 600 600 side) || { fail $s "domU qm1: $out"; return; }
    out=$(domu_up qm2 600 600 side) || { fail $s "domU qm2: $out"; return; }
    local free0
    free0=$(host_free_mib)
    [ "$free0" -lt 400 ] ||
        { fail $s "$free0 MiB free before the request: no shortage to test"; return; }
    t1=$(xs_target_kb qm1)
    t2=$(xs_target_kb qm2)
    out=$(balloonctl policy demand 2>&1) || { fail $s "balloonctl policy demand: $out"; return; }

    qmemman-client "$QMEMMAN_SOCKET" 471859200 >/tmp/qmemman.out 2>&1 &
    client=$!
    if ! wait_for 150 grep -q . /tmp/qmemman.out; then
        kill "$client" 2>/dev/null
        fail $s "no answer to a 450 MiB request in $(patient 150) s"
        return
    fi
    if [ "$(cat /tmp/qmemman.out)" != "OK" ]; then
        kill "$client" 2>/dev/null
        fail $s "450 MiB request answered \"$(cat /tmp/qmemman.out)\"; balloond: $(tail -n 3 /var/log/balloond.log)"
        return
    fi
    local free1
    free1=$(host_free_mib)
    echo "E2E-INFO qmemman: OK with $free1 MiB free (was $free0); targets qm1 $t1 -> $(xs_target_kb qm1)," \
        "qm2 $t2 -> $(xs_target_kb qm2) KiB"
    if [ "$(xs_target_kb qm1)" -ge "$t1" ] || [ "$(xs_target_kb qm2)" -ge "$t2" ]; then
        kill "$client" 2>/dev/null
        fail $s "both domUs should have given memory: qm1 $t1 -> $(xs_target_kb qm1), qm2 $t2 -> $(xs_target_kb qm2) KiB"
        return
    fi
    # Held for the client, as a reservation the client's pid owns.
    if ! timeout 10 balloonctl reservations | grep -q "pid $client"; then
        kill "$client" 2>/dev/null
        fail $s "no reservation owned by pid $client: $(timeout 10 balloonctl reservations 2>&1)"
        return
    fi
    if ! domu_create qm3 400 400 plain; then
        kill "$client" 2>/dev/null
        fail $s "xl create qm3 (400M) failed after OK: $(tail -n 3 /tmp/qm3.create.log)"
        return
    fi
    echo "E2E-INFO qmemman: xl create qm3 succeeded"
    # Closing the connection releases what is left of the reservation; balancing goes on.
    kill "$client"
    wait "$client" 2>/dev/null
    wait_until 20 '[ "$(reservation_count)" -eq 0 ]' ||
        { fail $s "a reservation is still held 20 s after the client closed: $(timeout 10 balloonctl reservations 2>&1)"; return; }
    balloond_on_bus >/dev/null || { fail $s "balloond stopped answering after the release"; return; }
}
