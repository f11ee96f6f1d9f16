#!/usr/bin/env bash
# Servers already up, measured in turn: for each, connbench's connections a second and the
# CPU time (user + system) its process spent per connection over the run (its own threads,
# not its children), a round at a time, the first place rotating from round to round, so that
# the machine's drift over minutes stays out of the ratios. Each round's ratios are to the
# first server named; the last line gives their medians, with the lowest and highest.
#
#   bench/paired.sh CONC SECONDS ROUNDS PID:PORT [PID:PORT...]
#   bench/paired.sh 16 4 6 "$(pgrep -f 'run -c /tmp/new.yaml'):7331" "$(pgrep -f 'run -c /tmp/old.yaml'):7321"
#
# BENCH_KIT: folder with connbench.c (../shared/bench beside the repository). Only 127.0.0.1
# is contacted.
set -euo pipefail

[ $# -ge 4 ] || { sed -n '2,10p' "$0" >&2; exit 2; }
conc=$1 secs=$2 rounds=$3
shift 3
servers=("$@")
BENCH_KIT=${BENCH_KIT:-"$(cd "$(dirname "$0")/../.." && pwd -P)/shared/bench"}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cc -O2 -pthread -o "$work/connbench" "$BENCH_KIT/connbench.c"
hz=$(getconf CLK_TCK)

cpu_ticks() {   # utime + stime of a process, from the fields after its name
    sed 's/.*) //' "/proc/$1/stat" | awk '{ print $12 + $13 }'
}

declare -A rate cpu
n=${#servers[@]}
for ((r = 0; r < rounds; r++)); do
    for ((k = 0; k < n; k++)); do
        s=${servers[$(((k + r) % n))]}
        pid=${s%%:*} port=${s##*:}
        before=$(cpu_ticks "$pid")
        out=$("$work/connbench" 127.0.0.1 "$port" "$conc" "$secs" 2>/dev/null | tail -1)
        after=$(cpu_ticks "$pid")
        conns=$(sed -n 's/.*conns=\([0-9]*\).*/\1/p' <<<"$out")
        rate[$r,$s]=$(sed -n 's/.*conn_per_s=\([0-9.]*\).*/\1/p' <<<"$out")
        cpu[$r,$s]=$(awk -v d=$((after - before)) -v hz="$hz" -v n="${conns:-0}" \
            'BEGIN { printf "%.0f", (n > 0 ? d / hz * 1e6 / n : 0) }')
    done
    line="round $r:"
    for s in "${servers[@]}"; do
        line+=" ${s##*:} ${rate[$r,$s]}/s ${cpu[$r,$s]} us/conn;"
    done
    echo "$line"
done

first=${servers[0]}
summary="medians (lowest-highest) against ${first##*:}:"
for s in "${servers[@]:1}"; do
    for what in rate cpu; do
        ratios=$(for ((r = 0; r < rounds; r++)); do
            if [ $what = rate ]; then a=${rate[$r,$s]} b=${rate[$r,$first]}; else a=${cpu[$r,$s]} b=${cpu[$r,$first]}; fi
            awk -v a="$a" -v b="$b" 'BEGIN { if (b > 0) printf "%.3f\n", a / b }'
        done | sort -n)
        median=$(awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }' <<<"$ratios")
        summary+=" ${s##*:} $what $median ($(head -1 <<<"$ratios")-$(tail -1 <<<"$ratios"));"
    done
done
echo "$summary"
