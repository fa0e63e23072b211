# Scenario uncooperative: a guest whose balloon cannot inflate (vm.watermark_scale_factor=1000
# leaves it no MemAvailable). Asked to shrink, it is marked stuck, then uncooperative, and
# balloond writes memory/uncooperative; its allocation stays where it was. A cooperative guest
# beside it (coop1, guest side) is still balanced: its allocation follows its target.

scenario_uncooperative() {
    local s=uncooperative out
    out=$(balloond_up 2>&1) || { fail $s "balloond: $out"; return; }
    out=$(domu_up stuck1 384 384 stuck) || { fail $s "domU stuck1: $out"; return; }
    out=$(domu_up coop1 256 512 side) || { fail $s "domU coop1: $out"; return; }
    wait_for 60 guest_said stuck1 'GUEST watermark_scale_factor=1000' ||
        { fail $s "stuck1 did not set vm.watermark_scale_factor"; return; }
    out=$(balloonctl set stuck1 128M 2>&1) || { fail $s "balloonctl set stuck1 128M: $out"; return; }
    # Stuck lasts from 5 s to 20 s without progress: a poll of `balloonctl list` may miss it on a
    # slow host, so the stuck mark is read from balloond's log (balloon(4)'s diagnostic).
    wait_until 120 'grep -q "\[dom$(domid_of stuck1)\] could not reach target" /var/log/balloond.log' ||
        { fail $s "stuck1 never marked stuck: $(balloonctl list 2>&1 | grep stuck1)"; return; }
    echo "E2E-INFO uncooperative: stuck1 marked stuck (xl list $(xl_mem stuck1) MiB):" \
        "$(grep "\[dom$(domid_of stuck1)\] could not reach target" /var/log/balloond.log | head -n1)"
    wait_for 180 domain_state_is stuck1 uncooperative ||
        { fail $s "stuck1 never marked uncooperative: $(balloonctl list 2>&1 | grep stuck1)"; return; }
    wait_until 30 '[ -n "$(xs_key stuck1 memory/uncooperative)" ]' ||
        { fail $s "memory/uncooperative not written for stuck1"; return; }
    echo "E2E-INFO uncooperative: memory/uncooperative = $(xs_key stuck1 memory/uncooperative)"
    # The guest really did not release its memory (the premise of the scenario).
    [ "$(xl_mem stuck1)" -gt 200 ] ||
        { fail $s "stuck1 shrank to $(xl_mem stuck1) MiB: the guest was not stuck"; return; }
    guest_no_oom stuck1 || { fail $s "OOM kill in stuck1's kernel log"; return; }
    # The other guest is still served: balloond moves it and it follows (state balanced, Xen's
    # allocation within 2 MiB of its target).
    out=$(balloonctl set coop1 300M 2>&1) || { fail $s "balloonctl set coop1 300M: $out"; return; }
    wait_for 120 domain_state_is coop1 balanced ||
        { fail $s "coop1 not balanced beside stuck1: $(balloonctl list 2>&1 | grep coop1)"; return; }
    wait_until 60 '[ $(( $(xl_mem coop1) - 300 )) -le 2 ] && [ $(( 300 - $(xl_mem coop1) )) -le 2 ]' ||
        { fail $s "coop1 at $(xl_mem coop1) MiB in xl list, target 300M"; return; }
    echo "E2E-INFO uncooperative: coop1 followed to $(xl_mem coop1) MiB beside stuck1"
    guest_no_oom coop1 || { fail $s "OOM kill in coop1's kernel log"; return; }
}
