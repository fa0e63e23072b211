# Scenario side_by_side: `balloonctl set`/`max` against `xl mem-set`/`mem-max` on two identical
# domUs, a PV pair and a PVH pair side by side (the PVH pair starts populate-on-demand: memory 256 of
# maxmem 512). Each step drives the first guest with xl and the second with balloonctl; then
# memory/target, memory/static-max, Xen's maxmem (max_pages, from Xen's 'q' debug key), `xl list`
# and the guest's own balloon agree between the two, and a size xl refuses balloonctl refuses,
# with a message that says why. Where balloonctl reads a size differently on purpose (a leading
# sign is relative; xl's strtoll takes "+64m" as 64 MiB), the xl side is given the absolute size
# balloonctl computes: docs/sizes.md lists each difference.

# xen_dump: Xen's own view of every domain ('q' debug key), read back from its console ring.
xen_dump() {
    xl debug-keys q >/dev/null 2>&1
    xl dmesg 2>/dev/null | tr -d '\r'
}

# max_pages_in DUMP NAME: Xen's max_pages for the domain in a xen_dump (its last dump).
max_pages_in() {
    local id
    id=$(domid_of "$2") || return 1
    echo "$1" | awk -v id="$id" '/General information for domain/ { d = $NF; sub(/:$/, "", d) }
        /max_pages=/ && d == id { v = $0; sub(/.*max_pages=/, "", v); sub(/[^0-9].*/, "", v); last = v }
        END { if (last == "") exit 1; print last }'
}

# pair_state NAME DUMP: everything compared, one line; fails when the domain is gone.
pair_state() {
    local target
    target=$(xs_target_kb "$1") && [ -n "$target" ] || return 1
    echo "target=$target static-max=$(xs_key "$1" memory/static-max)" \
        "max_pages=$(max_pages_in "$2" "$1") xl=$(xl_mem "$1") $(guest_balloon "$1")"
}

# pairs_settled: every guest's balloon at its target, and each pair at one allocation in xl list.
pairs_settled() {
    local pair
    for pair in $pairs; do
        balloon_settled "${pair%:*}" && balloon_settled "${pair#*:}" || return 1
        [ "$(xl_mem "${pair%:*}")" = "$(xl_mem "${pair#*:}")" ] || return 1
    done
}

# pairs_agree WHAT: once settled, the two guests of each pair are in the same state.
pairs_agree() {
    local pair dump a b
    wait_for 60 pairs_settled || echo "E2E-INFO side_by_side: after $1: not settled in $(patient 60) s" >/dev/console
    dump=$(xen_dump)
    for pair in $pairs; do
        a=$(pair_state "${pair%:*}" "$dump") || { echo "after $1: ${pair%:*} is gone"; return 1; }
        b=$(pair_state "${pair#*:}" "$dump") || { echo "after $1: ${pair#*:} is gone"; return 1; }
        [ "$a" = "$b" ] || { echo "after $1: xl's ${pair%:*} [$a] but balloonctl's ${pair#*:} [$b]"; return 1; }
        echo "E2E-INFO side_by_side: after $1: ${pair%:*} and ${pair#*:} both [$a]" >/dev/console
    done
}

# step ACCEPT|REFUSE "XL ARGS" "BALLOONCTL ARGS": the first guest of every pair driven with xl,
# the second with balloonctl (the domain name goes after the verb); both accept or both refuse
# (balloonctl saying why), then pairs_agree.
step() {
    local want="$1" xl_verb="${2%% *}" xl_size="${2#* }" bctl_verb="${3%% *}" bctl_size="${3#* }"
    local what="xl $2 / balloonctl $3" pair xl_out bctl_out xl_rc bctl_rc
    for pair in $pairs; do
        xl_rc=0
        bctl_rc=0
        xl_out=$(timeout 30 xl "$xl_verb" "${pair%:*}" "$xl_size" 2>&1) || xl_rc=$?
        bctl_out=$(timeout 30 balloonctl "$bctl_verb" "${pair#*:}" "$bctl_size" 2>&1) || bctl_rc=$?
        case "$want" in
        ACCEPT)
            [ "$xl_rc" -eq 0 ] || { echo "$what: xl refused ($xl_rc): $xl_out"; return 1; }
            [ "$bctl_rc" -eq 0 ] || { echo "$what: balloonctl refused ($bctl_rc): $bctl_out"; return 1; }
            ;;
        REFUSE)
            [ "$xl_rc" -ne 0 ] || { echo "$what: xl accepted it: $xl_out"; return 1; }
            # 3 refused, 1 a size that does not parse (balloond(8), EXIT STATUS); the message
            # names the limit or the bad part.
            [ "$bctl_rc" -eq 3 ] || [ "$bctl_rc" -eq 1 ] ||
                { echo "$what: balloonctl exit $bctl_rc, want 1 or 3: $bctl_out"; return 1; }
            echo "$bctl_out" | grep -qiE 'max|min|target|size|unit|number' ||
                { echo "$what: balloonctl's refusal does not say why: $bctl_out"; return 1; }
            echo "E2E-INFO side_by_side: $what refused by both; xl: $(echo "$xl_out" | tail -n1);" \
                "balloonctl: $bctl_out" >/dev/console
            ;;
        esac
    done
    pairs_agree "$what"
}

# Every step, in order, on every pair (each guest: memory 256 of maxmem 512).
steps() {
    # Absolute sizes: with a suffix, without (MiB), in KiB; relative ones (balloonctl only).
    step ACCEPT "mem-set 192m" "set 192m" || return 1
    step ACCEPT "mem-set 300" "set 300" || return 1
    step ACCEPT "mem-set 131072k" "set 131072k" || return 1
    step ACCEPT "mem-set 192m" "set +64M" || return 1
    step ACCEPT "mem-set 160m" "set -32M" || return 1
    # Above static-max (512M): refused, the target stays.
    step REFUSE "mem-set 600m" "set 600m" || return 1
    # A max above the target: accepted; below it: refused; then a target above the new max.
    step ACCEPT "mem-max 400m" "max 400m" || return 1
    step REFUSE "mem-max 150m" "max 150m" || return 1
    step REFUSE "mem-set 450m" "set 450m" || return 1
    # A max above the static-max the domain was built with, then a target above the old max.
    step ACCEPT "mem-max 640m" "max 640m" || return 1
    step ACCEPT "mem-set 320m" "set 320m" || return 1
    # A size that is not one.
    step REFUSE "mem-set 12Q" "set 12Q" || return 1
}

scenario_side_by_side() {
    local s=side_by_side out name
    pairs="xlpv:bcpv xlpvh:bcpvh"
    out=$(balloond_up 2>&1) || { fail $s "balloond: $out"; return; }
    # The policy must not move any guest between two steps.
    out=$(balloonctl policy off 2>&1) || { fail $s "balloonctl policy off: $out"; return; }
    # The four guests boot side by side: memory 256 of maxmem 512, the PVH pair populate-on-demand.
    for name in xlpv bcpv xlpvh bcpvh; do
        case "$name" in *pvh) type=pvh ;; *) type=pv ;; esac
        domu_create "$name" 256 512 plain "$type" ||
            { fail $s "xl create $name: $(tail -n 3 "/tmp/$name.create.log")"; return; }
    done
    for name in xlpv bcpv xlpvh bcpvh; do
        wait_for 180 guest_said "$name" 'GUEST balloon' ||
            { fail $s "$name did not boot in $(patient 180) s"; return; }
    done
    out=$(pairs_agree boot && steps) || { fail $s "$out"; return; }
    for name in xlpv bcpv xlpvh bcpvh; do
        guest_no_oom "$name" || { fail $s "OOM kill in $name's kernel log"; return; }
    done
    out=$(balloonctl policy demand 2>&1) || { fail $s "balloonctl policy demand: $out"; return; }
}
