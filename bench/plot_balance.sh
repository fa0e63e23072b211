#!/bin/sh
# Balance quality as pictures: one PNG per scenario from balloon-compare's traces, one panel per
# policy, per guest its actual allocation (thick line), target (thin line) and demand (dots) over
# time. gnuplot's plain png terminal: a tenth of pngcairo's file size for these dense lines.
#   bench/plot_balance.sh TRACE_DIR OUT_DIR
# Traces are <scenario>-<policy>.csv (sim/trace.h); scenarios with many guests show the first
# six by name so the lines stay readable. Needs gnuplot (deps: `scripts/install-deps bench`).
set -eu
traces=$1
out=$2
policies="demand proportional qmemman static"
maxGuests=6
command -v gnuplot >/dev/null || { echo "plot_balance: gnuplot is missing: run scripts/install-deps bench" >&2; exit 1; }
mkdir -p "$out"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for demandTrace in "$traces"/*-demand.csv; do
    scenario=$(basename "$demandTrace" -demand.csv)
    guests=$(tail -n +2 "$demandTrace" | cut -d, -f2 | sort -u | head -n "$maxGuests")
    # One small file per policy and guest (minutes, demand, target, actual in MiB): gnuplot
    # draws a line only through consecutive rows.
    for policy in $policies; do
        file="$traces/$scenario-$policy.csv"
        [ -f "$file" ] || continue
        awk -F, -v dir="$work" -v p="$policy" -v keep="$(echo $guests)" '
            BEGIN { n = split(keep, k, " "); for (i = 1; i <= n; i++) want[k[i]] = 1 }
            NR > 1 && ($2 in want) {
                print $1 / 60000, $4 / 1024, $5 / 1024, $6 / 1024 > (dir "/" p "-" $2 ".dat")
            }' "$file"
    done
    # One scale for the four panels, so the policies compare at a glance.
    ymax=$(cat "$work"/*.dat | awk '{ for (i = 2; i <= 4; i++) if ($i > m) m = $i } END { print int(m * 1.05) + 1 }')
    script="$work/plot.gp"
    {
        echo "set terminal png size 1400,900 font ',9'"
        echo "set output '$out/balance-$scenario.png'"
        echo "set key outside right top vertical font ',8'"
        echo "set xlabel 'minutes'"
        echo "set ylabel 'MiB'"
        echo "set grid"
        echo "set yrange [0:$ymax]"
        echo "set multiplot layout 2,2 title 'balance quality: $scenario (per guest: actual thick line, target thin line, demand dots)'"
        for policy in $policies; do
            [ -f "$traces/$scenario-$policy.csv" ] || continue
            echo "set title '$policy'"
            plot="plot"
            sep=""
            i=1
            for g in $guests; do
                data="$work/$policy-$g.dat"
                # A domain this policy never got built (no memory for it) has no line.
                [ -f "$data" ] || { i=$((i + 1)); continue; }
                plot="$plot$sep '$data' using 1:4 with lines lw 3 lc $i title '$g',"
                plot="$plot '' using 1:3 with lines lw 1 lc $i notitle,"
                plot="$plot '' using 1:2 with points pt 7 ps 0.4 lc $i notitle"
                sep=","
                i=$((i + 1))
            done
            echo "$plot"
        done
        echo "unset multiplot"
    } > "$script"
    gnuplot "$script"
    rm -f "$work"/*.dat
    echo "plot_balance: $out/balance-$scenario.png"
done
