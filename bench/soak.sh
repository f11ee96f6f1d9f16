#!/usr/bin/env bash
# Soak test: a million connections through an in-JVM handler (daytime) and a hundred thousand
# through a spawned program (hello), while the daemon's RSS, heap after a full GC, open
# descriptors, threads and child processes are sampled. The point is to show they stay flat.
#
#   bench/soak.sh
#   SOAK_HANDLER_CONNS=100000 SOAK_PROGRAM_CONNS=10000 JINETD_HOME=/tmp/jinetd-dist bench/soak.sh
#
# Environment (all optional):
#   JINETD_HOME          jinetd distribution (bin/jinetd, lib/); default ../daemon/target/jinetd
#   SOAK_HANDLER_CONNS   connections to daytime (1000000); SOAK_PROGRAM_CONNS to hello (100000)
#   SOAK_CONC            client concurrency (16)
#   SOAK_INTERVAL        seconds between samples (5)
#   SOAK_RUN_SECONDS     length of each connbench run (10); runs follow each other until the
#                        count is reached, the last one shortened to what is left
#   SOAK_MAX_RUNS        bound on connbench runs per phase (2000)
#   SOAK_PHASE_LIMIT     bound on seconds per phase (1800); a phase cut short says so
#   SOAK_IDLE            idle seconds before the first and after the last phase (10)
#   SOAK_PORT_DAYTIME, SOAK_PORT_HELLO   fixed ports (default: free ports, checked)
#   JINETD_JAVA_OPTS     passed through to the launcher
#   BENCH_KIT            folder with connbench.c and hello.c (../shared/bench beside the repository)
#   KEEP_WORK            1 (default) keeps the work dir: samples.csv, summary.txt, runs.txt, the
#                        daemon log; 0 deletes it at exit
# Only 127.0.0.1 is contacted. Results go to stdout (and the work dir), progress to stderr.
# Samples: heap is read after `jcmd PID GC.run` (a forced full GC every sample, on purpose:
# the figure is the live set, not garbage); the jcmd of the JDK the daemon runs is used.
set -euo pipefail

JINETD_HOME=${JINETD_HOME:-"$(dirname "$0")/../daemon/target/jinetd"}
JINETD_HOME=$(cd "$JINETD_HOME" && pwd -P)
SOAK_HANDLER_CONNS=${SOAK_HANDLER_CONNS:-1000000}
SOAK_PROGRAM_CONNS=${SOAK_PROGRAM_CONNS:-100000}
SOAK_CONC=${SOAK_CONC:-16}
SOAK_INTERVAL=${SOAK_INTERVAL:-5}
SOAK_RUN_SECONDS=${SOAK_RUN_SECONDS:-10}
SOAK_MAX_RUNS=${SOAK_MAX_RUNS:-2000}
SOAK_PHASE_LIMIT=${SOAK_PHASE_LIMIT:-1800}
SOAK_IDLE=${SOAK_IDLE:-10}
BENCH_KIT=${BENCH_KIT:-"$(cd "$(dirname "$0")/../.." && pwd -P)/shared/bench"}
KEEP_WORK=${KEEP_WORK:-1}
HOST=127.0.0.1

log() { printf '[soak %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
die() { log "error: $*"; exit 1; }

[ -x "$JINETD_HOME/bin/jinetd" ] || die "no jinetd launcher at $JINETD_HOME/bin/jinetd (set JINETD_HOME)"
for f in connbench.c hello.c; do [ -f "$BENCH_KIT/$f" ] || die "missing $BENCH_KIT/$f"; done
for v in SOAK_HANDLER_CONNS SOAK_PROGRAM_CONNS SOAK_CONC SOAK_INTERVAL SOAK_RUN_SECONDS SOAK_MAX_RUNS \
         SOAK_PHASE_LIMIT SOAK_IDLE; do
    [[ ${!v} =~ ^[0-9]+$ ]] || die "$v must be a whole number (is '${!v}')"
done
[ "$SOAK_INTERVAL" -ge 1 ] && [ "$SOAK_RUN_SECONDS" -ge 1 ] && [ "$SOAK_CONC" -ge 1 ] \
    || die "SOAK_INTERVAL, SOAK_RUN_SECONDS and SOAK_CONC must be at least 1"

# ---------------------------------------------------------------- process bookkeeping
WORK=$(mktemp -d "${TMPDIR:-/tmp}/jinetd-soak.XXXXXX")
declare -a PIDS=()
DPID=""
SAMPLER_PID=""

# stop_pid, port_in_use, free_port; cleanup at exit
. "$(dirname "$0")/lib.sh"


# ---------------------------------------------------------------- helpers


port_listening() {   # a TCP socket in LISTEN state (0A) on this local port
    local hex; hex=$(printf ':%04X' "$1")
    awk -v h="$hex" 'FNR > 1 && substr($2, length($2) - 4) == h && $4 == "0A" { f = 1 } END { exit !f }' \
        /proc/net/tcp /proc/net/tcp6 2>/dev/null
}

wait_ready() {   # wait_ready LOGFILE PID PORT...: poll every 20 ms, at most 30 s
    # The daemon logs 'ready:' at INFO, which JINETD_LOG_LEVEL=warn hides; then readiness is
    # every port of the table in LISTEN state (what 'ready:' means: every listener bound).
    local file=$1 pid=$2 i p all; shift 2
    for ((i = 0; i < 1500; i++)); do
        if grep -q -- 'ready:' "$file" 2>/dev/null; then READY_BY="its 'ready:' log line"; return 0; fi
        kill -0 "$pid" 2>/dev/null || { tail -n 20 "$file" >&2; die "pid $pid exited before it was ready"; }
        all=1
        for p in "$@"; do port_listening "$p" || { all=0; break; }; done
        if [ "$all" = 1 ]; then
            READY_BY="every port in LISTEN state (no 'ready:' line at level warn)"; return 0
        fi
        sleep 0.02
    done
    die "not ready after 30 s (see $file)"
}

probe() {   # probe PORT: first line the service answers (5 s bound)
    timeout 5 bash -c 'exec 3<>"/dev/tcp/$0/$1"; head -n 1 <&3' "$HOST" "$1" 2>/dev/null || true
}

now_s() { printf '%s' "$EPOCHREALTIME"; }
field() { sed -n "s/.*[ #]$1=\([0-9.]*\).*/\1/p" <<<" $2" | head -n 1; }

# ---------------------------------------------------------------- build, table, daemon
command -v cc >/dev/null || die "needs a C compiler (cc)"
log "building connbench and hello in $WORK"
cc -O2 -pthread -o "$WORK/connbench" "$BENCH_KIT/connbench.c"
cc -O2 -o "$WORK/hello" "$BENCH_KIT/hello.c"
CB="$WORK/connbench"

P_DAYTIME=${SOAK_PORT_DAYTIME:-$(free_port)}
P_HELLO=${SOAK_PORT_HELLO:-$(free_port)}
for p in "$P_DAYTIME" "$P_HELLO"; do port_in_use "$p" && die "port $p is in use"; done
cat > "$WORK/soak.yaml" <<EOF
control_socket: none
max_connections: 4096
defaults: {bind: $HOST}
services:
  daytime: {port: $P_DAYTIME, handler: daytime, instances: unlimited}
  hello: {port: $P_HELLO, exec: [$WORK/hello], user: root, instances: unlimited}
EOF
DLOG="$WORK/jinetd.log"
: > "$DLOG"
JINETD_LOG_LEVEL=warn "$JINETD_HOME/bin/jinetd" run -c "$WORK/soak.yaml" 2>>"$DLOG" </dev/null &
DPID=$!; PIDS+=("$DPID")
wait_ready "$DLOG" "$DPID" "$P_DAYTIME" "$P_HELLO"
log "ready: by $READY_BY"
JAVA_BIN=$(readlink "/proc/$DPID/exe")
JCMD="$(dirname "$JAVA_BIN")/jcmd"
[ -x "$JCMD" ] || JCMD=$(command -v jcmd) || die "no jcmd next to $JAVA_BIN nor on PATH"
log "jinetd up: pid $DPID ($JAVA_BIN), daytime $P_DAYTIME, hello $P_HELLO; jcmd $JCMD"

a=$(probe "$P_DAYTIME"); [ -n "$a" ] || die "daytime answered nothing"; log "daytime answers: $a"
a=$(probe "$P_HELLO"); [ "$a" = hello ] || die "hello answered '$a'"; log "hello answers: $a"

# ---------------------------------------------------------------- sampling
CSV="$WORK/samples.csv"
PHASE_FILE="$WORK/phase"; PROGRESS_FILE="$WORK/progress"
echo idle > "$PHASE_FILE"; echo 0 > "$PROGRESS_FILE"
printf 'GC.run\nGC.heap_info\n' > "$WORK/jcmd-cmds"
HZ=$(getconf CLK_TCK)
T0=$(now_s)
echo "t_s,phase,answered,rss_kb,heap_used_kb,heap_committed_kb,fds,threads,children,cpu_s" > "$CSV"

heap_after_gc() {   # "used committed" in kB, after a full GC; "? ?" when jcmd fails
    local out
    out=$(timeout 30 "$JCMD" "$DPID" -f "$WORK/jcmd-cmds" 2>/dev/null) || { echo "? ?"; return; }
    # generation lines ("DefNew total 3328K, used 0K", "Tenured ...", "garbage-first heap ...")
    awk '{ if (match($0, /total [0-9]+K, used [0-9]+K/)) { split(substr($0, RSTART, RLENGTH), f, /[ ,K]+/);
                                                           t += f[2]; u += f[4]; n++ } }
         END { if (n) print u, t; else print "? ?" }' <<<"$out"
}

sample_once() {   # one CSV line on stdout
    local st rss thr fds kids cpu heap t
    st=$(cat "/proc/$DPID/status" 2>/dev/null) || return 1
    rss=$(awk '$1 == "VmRSS:" { print $2 }' <<<"$st")
    heap=$(heap_after_gc)
    # read the rest after the GC, so that descriptors the GC's cleaners close are not counted
    st=$(cat "/proc/$DPID/status" 2>/dev/null) || return 1
    thr=$(awk '$1 == "Threads:" { print $2 }' <<<"$st")
    fds=$(ls "/proc/$DPID/fd" 2>/dev/null | wc -l)
    kids=$(cat "/proc/$DPID"/task/*/children 2>/dev/null | wc -w)
    cpu=$(sed 's/.*) //' "/proc/$DPID/stat" | awk -v hz="$HZ" '{ printf "%.2f", ($12 + $13) / hz }')
    t=$(awk -v a="$(now_s)" -v b="$T0" 'BEGIN { printf "%.1f", a - b }')
    echo "$t,$(cat "$PHASE_FILE"),$(cat "$PROGRESS_FILE"),$rss,${heap% *},${heap#* },$fds,$thr,$kids,$cpu"
}

sampler() {   # bounded: at most MAX_SAMPLES samples, stops at $WORK/stop-sampler or when the daemon is gone
    local i next now
    local max=$(( (2 * SOAK_PHASE_LIMIT + 2 * SOAK_IDLE + 600) / SOAK_INTERVAL + 2 ))
    next=$(now_s)
    for ((i = 0; i < max; i++)); do
        [ -e "$WORK/stop-sampler" ] && return 0
        kill -0 "$DPID" 2>/dev/null || return 0
        sample_once >> "$CSV" || return 0
        now=$(now_s)
        # the next tick; after a slow sample (jcmd can take seconds under load), one interval from now
        next=$(awk -v n="$next" -v d="$SOAK_INTERVAL" -v t="$now" 'BEGIN { n += d; if (n <= t) n = t + d; printf "%.3f", n }')
        while awk -v n="$next" -v t="$now" 'BEGIN { exit !(t < n) }'; do
            [ -e "$WORK/stop-sampler" ] && return 0
            sleep 0.2; now=$(now_s)
        done
    done
}

# The first attach starts the JVM's Attach Listener thread; do it before the first sample so
# that this one thread is not read as growth.
timeout 30 "$JCMD" "$DPID" VM.version >/dev/null 2>&1 || log "warning: jcmd cannot attach to $DPID; heap will read '?'"
sleep 1
sampler &
SAMPLER_PID=$!; PIDS+=("$SAMPLER_PID")

# ---------------------------------------------------------------- load
listen_drops() {   # the kernel's TcpExtListenOverflows + TcpExtListenDrops (machine-wide), or "?"
    command -v nstat >/dev/null || { echo "?"; return; }
    nstat -asz TcpExtListenOverflows TcpExtListenDrops 2>/dev/null | awk '/^TcpExt/ { s += $2 } END { print s + 0 }'
}
LD0=$(listen_drops)
declare -A PH_CONNS=() PH_ERR=() PH_EMPTY=() PH_RUNS=() PH_SECS=() PH_P99=() PH_MAX=() PH_NOTE=()
RUNS="$WORK/runs.txt"; : > "$RUNS"
TOTAL_DONE=0

run_phase() {   # run_phase NAME PORT TARGET
    local name=$1 port=$2 target=$3 done=0 errs=0 empty=0 runs=0 secs rate=0 out det c e em t1 t2
    local p99max=0 mxmax=0 start note=""
    echo "$name" > "$PHASE_FILE"
    start=$(now_s)
    log "phase $name: $target connections at concurrency $SOAK_CONC"
    while (( done < target )); do
        if (( runs >= SOAK_MAX_RUNS )); then note="stopped at SOAK_MAX_RUNS=$SOAK_MAX_RUNS"; break; fi
        if awk -v a="$(now_s)" -v b="$start" -v l="$SOAK_PHASE_LIMIT" 'BEGIN { exit !(a - b >= l) }'; then
            note="stopped at SOAK_PHASE_LIMIT=${SOAK_PHASE_LIMIT}s"; break
        fi
        kill -0 "$DPID" 2>/dev/null || die "the daemon died during phase $name (see $DLOG)"
        # The first run is short, to learn the rate; the last one only as long as what is left needs.
        secs=$SOAK_RUN_SECONDS
        if (( rate == 0 )); then
            (( secs > 2 )) && secs=2
        else
            local need=$(( (target - done + rate - 1) / rate ))
            (( need < 1 )) && need=1
            (( need < secs )) && secs=$need
        fi
        t1=$(now_s)
        out=$("$CB" "$HOST" "$port" "$SOAK_CONC" "$secs" 2>"$WORK/detail") || die "connbench failed: $out"
        t2=$(now_s)
        det=$(cat "$WORK/detail")
        c=$(field conns "$out"); e=$(field errors "$out"); em=$(field empty_responses "$det")
        [ -n "$c" ] || die "cannot read connbench output: $out"
        # Only answered connections count towards the target: an empty answer is a refusal.
        c=$((c - ${em:-0}))
        runs=$((runs + 1)); done=$((done + c)); errs=$((errs + e)); empty=$((empty + ${em:-0}))
        rate=$(awk -v c="$c" -v a="$t1" -v b="$t2" 'BEGIN { r = (b > a) ? c / (b - a) : 0; printf "%d", (r < 1) ? 1 : r }')
        p99max=$(awk -v a="$p99max" -v b="$(field p99_ms "$out")" 'BEGIN { print (b > a) ? b : a }')
        mxmax=$(awk -v a="$mxmax" -v b="$(field max_ms "$out")" 'BEGIN { print (b > a) ? b : a }')
        echo "$((TOTAL_DONE + done))" > "$PROGRESS_FILE"
        echo "$name run $runs (${secs}s): $out ${det#\# detail: }" >> "$RUNS"
        log "$name run $runs: $out [${det#\# detail: }] total $done/$target"
    done
    TOTAL_DONE=$((TOTAL_DONE + done))
    PH_CONNS[$name]=$done; PH_ERR[$name]=$errs; PH_EMPTY[$name]=$empty; PH_RUNS[$name]=$runs
    PH_SECS[$name]=$(awk -v a="$(now_s)" -v b="$start" 'BEGIN { printf "%.1f", a - b }')
    PH_P99[$name]=$p99max; PH_MAX[$name]=$mxmax; PH_NOTE[$name]=$note
    [ -z "$note" ] || log "phase $name $note"
}

log "idle ${SOAK_IDLE}s before the load"
sleep "$SOAK_IDLE"
run_phase handler "$P_DAYTIME" "$SOAK_HANDLER_CONNS"
run_phase program "$P_HELLO" "$SOAK_PROGRAM_CONNS"
echo idle-after > "$PHASE_FILE"
log "idle ${SOAK_IDLE}s after the load"
sleep "$SOAK_IDLE"
touch "$WORK/stop-sampler"
for ((i = 0; i < 600; i++)); do kill -0 "$SAMPLER_PID" 2>/dev/null || break; sleep 0.1; done
stop_pid "$SAMPLER_PID"
sample_once >> "$CSV"   # the final reading, after the idle time

LD1=$(listen_drops)
# answers after the soak
A_DAYTIME=$(probe "$P_DAYTIME"); A_HELLO=$(probe "$P_HELLO")

# stop the daemon: it should exit 0 on SIGTERM
kill -TERM "$DPID"
DRC=""
for ((i = 0; i < 300; i++)); do
    kill -0 "$DPID" 2>/dev/null || break
    sleep 0.1
done
if kill -0 "$DPID" 2>/dev/null; then DRC="still running after 30 s (killed)"; kill -KILL "$DPID" 2>/dev/null || true; fi
wait "$DPID" && rc=0 || rc=$?
[ -n "$DRC" ] || DRC=$rc

# ---------------------------------------------------------------- report
REPORT="$WORK/summary.txt"
{
echo "## jinetd soak ($(date -u +%Y-%m-%dT%H:%MZ), $(nproc) CPUs, concurrency $SOAK_CONC, sample every ${SOAK_INTERVAL}s)"
echo
echo "JINETD_HOME=$JINETD_HOME; java $JAVA_BIN; JINETD_JAVA_OPTS='${JINETD_JAVA_OPTS:-}'; work dir $WORK"
echo
echo "| phase | target | answered connections | errors | empty responses (refused) | runs | seconds | conn/s | worst p99 ms | worst max ms | note |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"
for ph in handler program; do
    tgt=$SOAK_HANDLER_CONNS; [ "$ph" = program ] && tgt=$SOAK_PROGRAM_CONNS
    cps=$(awk -v c="${PH_CONNS[$ph]}" -v s="${PH_SECS[$ph]}" 'BEGIN { if (s > 0) printf "%.0f", c / s; else print "n/a" }')
    echo "| $ph ($([ "$ph" = handler ] && echo daytime || echo hello)) | $tgt | ${PH_CONNS[$ph]} | ${PH_ERR[$ph]} | ${PH_EMPTY[$ph]} | ${PH_RUNS[$ph]} | ${PH_SECS[$ph]} | $cps | ${PH_P99[$ph]} | ${PH_MAX[$ph]} | ${PH_NOTE[$ph]:-} |"
done
echo
echo "### samples ($CSV)"
echo
echo '```'
cat "$CSV"
echo '```'
echo
echo "### summary of the samples (first / last / min / max; last-first)"
echo
awk -F, '
    NR == 1 { for (i = 4; i <= NF; i++) name[i] = $i; n = NF; next }
    {
        for (i = 4; i <= n; i++) {
            if ($i == "?") continue
            v = $i + 0
            if (!(i in first)) { first[i] = v; mn[i] = v; mx[i] = v }
            last[i] = v; if (v < mn[i]) mn[i] = v; if (v > mx[i]) mx[i] = v
        }
        rows++
    }
    END {
        printf "| %-17s | %10s | %10s | %10s | %10s | %10s |\n", "metric", "first", "last", "min", "max", "last-first"
        printf "|%s|%s|%s|%s|%s|%s|\n", "---", "---:", "---:", "---:", "---:", "---:"
        for (i = 4; i <= n; i++) if (i in first)
            printf "| %-17s | %10s | %10s | %10s | %10s | %10s |\n", name[i], first[i], last[i], mn[i], mx[i], last[i] - first[i]
        printf "\n%d samples\n", rows
    }' "$CSV"
echo
echo "### by phase (min / max)"
echo
awk -F, '
    NR == 1 { for (i = 4; i <= NF; i++) name[i] = $i; n = NF; next }
    {
        p = $2; if (!(p in seen)) { seen[p] = 1; order[++np] = p }
        for (i = 4; i <= n; i++) {
            if ($i == "?") continue
            v = $i + 0; k = p SUBSEP i
            if (!(k in mn)) { mn[k] = v; mx[k] = v }
            if (v < mn[k]) mn[k] = v; if (v > mx[k]) mx[k] = v
        }
        cnt[p]++
    }
    END {
        printf "| phase | samples"; for (i = 4; i < n; i++) printf " | %s", name[i]; print " |"
        printf "|---|---:"; for (i = 4; i < n; i++) printf "|---:"; print "|"
        for (j = 1; j <= np; j++) {
            p = order[j]; printf "| %s | %d", p, cnt[p]
            for (i = 4; i < n; i++) { k = p SUBSEP i; printf " | %s..%s", mn[k], mx[k] }
            print " |"
        }
    }' "$CSV"
echo
echo "daemon log (JINETD_LOG_LEVEL=warn): $(wc -l < "$DLOG") lines; by kind (numbers masked, first 15):"
echo
echo '```'
sed -E 's/^[0-9TZ:.-]+ //; s/[0-9]+/N/g' "$DLOG" | cut -c1-160 | sort | uniq -c | sort -rn | head -n 15 || true
echo '```'
echo
echo "kernel listen-queue overflows+drops during the load (machine-wide, nstat): $([ "$LD0" = "?" ] && echo "?" || echo $((LD1 - LD0)))"
echo
echo "after the soak: daytime answered '${A_DAYTIME}', hello answered '${A_HELLO}'; daemon exit status on SIGTERM: $DRC"
} | tee "$REPORT"
log "report written to $REPORT, samples to $CSV"
