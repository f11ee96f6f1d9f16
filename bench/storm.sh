#!/usr/bin/env bash
# Storm test: for STORM_SECONDS, far more clients than a limited service takes (its rate,
# instances and per-source share), from 127.0.0.1 and from other loopback addresses, while
# the daemon runs under `prlimit --nofile` and a second service's clients hold connections
# open so that the descriptor limit is hit too. Then: the daemon's CPU time, the refusals by
# reason from its log, the clients' totals, and whether every service answers normally
# right after the storm (PASS/FAIL).
#
#   bench/storm.sh
#   STORM_SECONDS=20 JINETD_HOME=/tmp/jinetd-dist bench/storm.sh
#
# Environment (all optional):
#   JINETD_HOME          jinetd distribution (bin/jinetd, lib/); default ../daemon/target/jinetd
#   STORM_SECONDS        length of the storm (60)
#   STORM_NOFILE         the daemon's descriptor limit, soft and hard (256)
#   STORM_MAX_CONNECTIONS  the table's max_connections (4096)
#   STORM_ECHO_CONC      connbench instances against `limited` that send a line and read the
#                        echo, one per number, each number its concurrency ("100 100")
#   STORM_SILENT_CONC    connbench instances against `limited` that send nothing and wait for
#                        EOF (the idle timeout), holding instances ("100")
#   STORM_SOURCES        other loopback sources, 127.0.0.2 .. 127.0.0.(1+N) (8; 0: none); each
#                        runs STORM_SOURCE_THREADS (24) python3 client threads against `limited`
#   STORM_HOLD_CONC      connbench concurrency against `hold`, a service without an instance
#                        limit whose clients keep their connection until its idle timeout: this
#                        is what uses up the descriptors (250; 0: none)
#   STORM_HOLD_START, STORM_HOLD_SECONDS  when the hold clients start (seconds into the storm)
#                        and for how long: by default the middle third, so the storm has a part
#                        before the descriptor limit is hit, one at it, and one after
#   STORM_WINDOW         seconds per row of the timeline (5)
#   STORM_LOG_LEVEL      the daemon's JINETD_LOG_LEVEL (info: rate and backoff episode ends are
#                        logged at INFO, and they are counted)
#   STORM_PORT_DAYTIME, STORM_PORT_HELLO, STORM_PORT_LIMITED, STORM_PORT_HOLD  fixed ports
#                        (default: free ports, checked)
#   JINETD_JAVA_OPTS     passed through to the launcher
#   BENCH_KIT            folder with connbench.c and hello.c (../shared/bench beside the repository)
#   KEEP_WORK            1 (default) keeps the work dir (daemon log, client outputs, report)
# Only loopback addresses are used (127.0.0.1 as the server, 127.0.0.x as sources).
# Report to stdout (and report.txt in the work dir), progress to stderr. Exit status 0 when
# every check after the storm passed, 1 otherwise.
set -euo pipefail

JINETD_HOME=${JINETD_HOME:-"$(dirname "$0")/../daemon/target/jinetd"}
JINETD_HOME=$(cd "$JINETD_HOME" && pwd -P)
STORM_SECONDS=${STORM_SECONDS:-60}
STORM_NOFILE=${STORM_NOFILE:-256}
STORM_MAX_CONNECTIONS=${STORM_MAX_CONNECTIONS:-4096}
STORM_ECHO_CONC=${STORM_ECHO_CONC:-"100 100"}
STORM_SILENT_CONC=${STORM_SILENT_CONC:-"100"}
STORM_SOURCES=${STORM_SOURCES:-8}
STORM_SOURCE_THREADS=${STORM_SOURCE_THREADS:-24}
STORM_HOLD_CONC=${STORM_HOLD_CONC:-250}
STORM_HOLD_START=${STORM_HOLD_START:-$((STORM_SECONDS / 3))}
STORM_HOLD_SECONDS=${STORM_HOLD_SECONDS:-$((STORM_SECONDS / 3))}
STORM_WINDOW=${STORM_WINDOW:-5}
STORM_LOG_LEVEL=${STORM_LOG_LEVEL:-info}
BENCH_KIT=${BENCH_KIT:-"$(cd "$(dirname "$0")/../.." && pwd -P)/shared/bench"}
KEEP_WORK=${KEEP_WORK:-1}
HOST=127.0.0.1

log() { printf '[storm %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
die() { log "error: $*"; exit 1; }

[ -x "$JINETD_HOME/bin/jinetd" ] || die "no jinetd launcher at $JINETD_HOME/bin/jinetd (set JINETD_HOME)"
for f in connbench.c hello.c; do [ -f "$BENCH_KIT/$f" ] || die "missing $BENCH_KIT/$f"; done
for v in STORM_SECONDS STORM_NOFILE STORM_MAX_CONNECTIONS STORM_SOURCES STORM_SOURCE_THREADS STORM_HOLD_CONC \
         STORM_HOLD_START STORM_HOLD_SECONDS STORM_WINDOW; do
    [[ ${!v} =~ ^[0-9]+$ ]] || die "$v must be a whole number (is '${!v}')"
done
for n in $STORM_ECHO_CONC $STORM_SILENT_CONC; do [[ $n =~ ^[1-9][0-9]*$ ]] || die "bad concurrency '$n'"; done
[ "$STORM_SECONDS" -ge 1 ] && [ "$STORM_WINDOW" -ge 1 ] || die "STORM_SECONDS and STORM_WINDOW must be at least 1"
[ "$STORM_HOLD_SECONDS" -ge 1 ] || STORM_HOLD_CONC=0
[ $((STORM_HOLD_START + STORM_HOLD_SECONDS)) -le "$STORM_SECONDS" ] || die "the hold window must end within the storm"
[ "$STORM_SOURCES" -le 200 ] || die "STORM_SOURCES must be at most 200"
command -v prlimit >/dev/null || die "needs prlimit (util-linux)"
command -v cc >/dev/null || die "needs a C compiler (cc)"
if [ "$STORM_SOURCES" -gt 0 ]; then command -v python3 >/dev/null || die "needs python3 for STORM_SOURCES>0 (or set it to 0)"; fi

# ---------------------------------------------------------------- process bookkeeping
WORK=$(mktemp -d "${TMPDIR:-/tmp}/jinetd-storm.XXXXXX")
declare -a PIDS=()
DPID=""

# stop_pid, port_in_use, free_port; cleanup at exit
. "$(dirname "$0")/lib.sh"


# ---------------------------------------------------------------- helpers


wait_log() {   # wait_log FILE PATTERN PID: poll every 20 ms, at most 30 s
    local file=$1 pat=$2 pid=$3 i
    for ((i = 0; i < 1500; i++)); do
        grep -q -- "$pat" "$file" 2>/dev/null && return 0
        kill -0 "$pid" 2>/dev/null || { tail -n 20 "$file" >&2; die "pid $pid exited before logging '$pat'"; }
        sleep 0.02
    done
    die "'$pat' not logged in $file after 30 s (at JINETD_LOG_LEVEL=warn it is not logged at all)"
}

now_s() { printf '%s' "$EPOCHREALTIME"; }
ms_since() { awk -v a="$(now_s)" -v b="$1" 'BEGIN { printf "%.0f", (a - b) * 1000 }'; }
field() { sed -n "s/.*[ #]$1=\([0-9.]*\).*/\1/p" <<<" $2" | head -n 1; }
cpu_ticks() {   # utime stime cutime cstime of a process
    sed 's/.*) //' "/proc/$1/stat" | awk '{ print $12, $13, $14, $15 }'
}

# ---------------------------------------------------------------- build, table, daemon
log "building connbench and hello in $WORK"
cc -O2 -pthread -o "$WORK/connbench" "$BENCH_KIT/connbench.c"
cc -O2 -o "$WORK/hello" "$BENCH_KIT/hello.c"
CB="$WORK/connbench"

P_DAYTIME=${STORM_PORT_DAYTIME:-$(free_port)}
P_HELLO=${STORM_PORT_HELLO:-$(free_port)}
P_LIMITED=${STORM_PORT_LIMITED:-$(free_port)}
P_HOLD=${STORM_PORT_HOLD:-$(free_port)}
for p in "$P_DAYTIME" "$P_HELLO" "$P_LIMITED" "$P_HOLD"; do port_in_use "$p" && die "port $p is in use"; done
cat > "$WORK/storm.yaml" <<EOF
control_socket: none
max_connections: $STORM_MAX_CONNECTIONS
defaults: {bind: $HOST}
services:
  daytime: {port: $P_DAYTIME, handler: daytime, instances: unlimited}
  hello: {port: $P_HELLO, exec: [$WORK/hello], user: root, instances: unlimited}
  limited:
    port: $P_LIMITED
    handler: echo
    instances: 50
    per_source: 20
    rate: {per_second: 200, burst: 50}
    rate_wait: 500ms
    timeout_idle: 2s
  hold: {port: $P_HOLD, handler: echo, instances: unlimited, timeout_idle: 3s}
EOF
"$JINETD_HOME/bin/jinetd" check -c "$WORK/storm.yaml" >&2 || die "the storm table does not check"

DLOG="$WORK/jinetd.log"
: > "$DLOG"
JINETD_LOG_LEVEL=$STORM_LOG_LEVEL prlimit --nofile="$STORM_NOFILE:$STORM_NOFILE" -- \
    "$JINETD_HOME/bin/jinetd" run -c "$WORK/storm.yaml" 2>>"$DLOG" </dev/null &
DPID=$!; PIDS+=("$DPID")
wait_log "$DLOG" 'ready:' "$DPID"
NOFILE_SEEN=$(awk '/^Max open files/ { print $4 "/" $5 }' "/proc/$DPID/limits")
log "jinetd up: pid $DPID ($(readlink "/proc/$DPID/exe")), open files limit $NOFILE_SEEN; ports daytime $P_DAYTIME hello $P_HELLO limited $P_LIMITED hold $P_HOLD"

# ---------------------------------------------------------------- checks
# check_* print "ok <ms>" or "bad <what was seen>"; each bounded by 5 s
check_daytime() {
    local t a; t=$(now_s)
    a=$(timeout 5 bash -c 'exec 3<>"/dev/tcp/$0/$1"; head -n 1 <&3' "$HOST" "$P_DAYTIME" 2>/dev/null || true)
    if [[ $a =~ [0-9]{4} && $a =~ [0-9]{2}:[0-9]{2}:[0-9]{2} ]]; then echo "ok $(ms_since "$t") ms: $a"; else echo "bad: '${a}'"; fi
}
check_echo() {
    local t a w="after-storm-$RANDOM$RANDOM"; t=$(now_s)
    a=$(timeout 5 bash -c 'exec 3<>"/dev/tcp/$0/$1"; printf "%s\n" "$2" >&3; head -n 1 <&3' \
        "$HOST" "$P_LIMITED" "$w" 2>/dev/null || true)
    if [ "$a" = "$w" ]; then echo "ok $(ms_since "$t") ms: $a"; else echo "bad: '${a}' (sent '$w')"; fi
}
check_hello() {
    local t a; t=$(now_s)
    a=$(timeout 5 bash -c 'exec 3<>"/dev/tcp/$0/$1"; head -n 1 <&3' "$HOST" "$P_HELLO" 2>/dev/null || true)
    if [ "$a" = hello ]; then echo "ok $(ms_since "$t") ms: $a"; else echo "bad: '${a}'"; fi
}
for c in daytime echo hello; do
    r=$("check_$c"); log "before the storm, $c: $r"
    [[ $r == ok* ]] || die "$c does not answer before the storm"
done

# ---------------------------------------------------------------- clients
cat > "$WORK/sources.py" <<'PY'
# Clients of the limited echo service from other loopback addresses: per source, THREADS
# threads, each connect / send a line / shut down writing / read to EOF / close, until the
# deadline (and at most MAX_ITER times). Prints one line of totals.
import errno, socket, sys, threading, time
host, port, seconds, nsrc, nthr = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
MAX_ITER = 1_000_000
deadline = time.monotonic() + seconds
lock = threading.Lock()
tot = {"conns": 0, "echoed": 0, "empty": 0, "errors": 0}
errs = {}
def worker(src):
    c = {"conns": 0, "echoed": 0, "empty": 0, "errors": 0}; e = {}
    payload = b"storm from " + src.encode() + b"\n"
    for _ in range(MAX_ITER):
        if time.monotonic() >= deadline:
            break
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.settimeout(10)
        try:
            s.bind((src, 0))
            s.connect((host, port))
            s.sendall(payload)
            s.shutdown(socket.SHUT_WR)
            got = b""
            while True:
                b = s.recv(4096)
                if not b:
                    break
                got += b
            c["conns"] += 1
            if got == payload:
                c["echoed"] += 1
            elif not got:
                c["empty"] += 1
                time.sleep(0.001)
        except OSError as x:
            c["errors"] += 1
            name = errno.errorcode.get(x.errno, type(x).__name__) if x.errno else type(x).__name__
            e[name] = e.get(name, 0) + 1
            time.sleep(0.001)
        finally:
            s.close()
    with lock:
        for k in tot: tot[k] += c[k]
        for k, v in e.items(): errs[k] = errs.get(k, 0) + v
threads = [threading.Thread(target=worker, args=("127.0.0.%d" % (2 + i),)) for i in range(nsrc) for _ in range(nthr)]
for t in threads: t.start()
for t in threads: t.join()
print("conns=%d echoed=%d empty=%d errors=%d error_kinds=%s" % (tot["conns"], tot["echoed"], tot["empty"], tot["errors"],
      ",".join("%s:%d" % kv for kv in sorted(errs.items())) or "none"))
PY

declare -a CLIENTS=() CLIENT_NAMES=()
start_client() {   # start_client NAME CMD...: output to $WORK/client-NAME.{out,err}
    local name=$1; shift
    "$@" >"$WORK/client-$name.out" 2>"$WORK/client-$name.err" </dev/null &
    CLIENTS+=($!); CLIENT_NAMES+=("$name"); PIDS+=($!)
}

listen_drops() {   # the kernel's TcpExtListenOverflows + TcpExtListenDrops (machine-wide), or "?"
    command -v nstat >/dev/null || { echo "?"; return; }
    nstat -asz TcpExtListenOverflows TcpExtListenDrops 2>/dev/null | awk '/^TcpExt/ { s += $2 } END { print s + 0 }'
}
LD0=$(listen_drops)
read -r U0 S0 CU0 CS0 <<<"$(cpu_ticks "$DPID")"
LOG_LINES0=$(wc -l < "$DLOG")
T_START=$(now_s)
T_START_UTC=$(date -u -d "@${T_START%.*}" +%H:%M:%S).${T_START#*.}   # the log's timestamps are UTC
log "storm: ${STORM_SECONDS}s; limited: echo clients '$STORM_ECHO_CONC', silent clients '$STORM_SILENT_CONC', $STORM_SOURCES other sources x $STORM_SOURCE_THREADS threads; hold: $STORM_HOLD_CONC"
k=0
for n in $STORM_ECHO_CONC; do k=$((k + 1)); start_client "echo$k-c$n" "$CB" "$HOST" "$P_LIMITED" "$n" "$STORM_SECONDS" "storm"$'\n'; done
k=0
for n in $STORM_SILENT_CONC; do k=$((k + 1)); start_client "silent$k-c$n" "$CB" "$HOST" "$P_LIMITED" "$n" "$STORM_SECONDS"; done
if [ "$STORM_SOURCES" -gt 0 ]; then
    start_client "sources-${STORM_SOURCES}x$STORM_SOURCE_THREADS" python3 "$WORK/sources.py" "$HOST" "$P_LIMITED" \
        "$STORM_SECONDS" "$STORM_SOURCES" "$STORM_SOURCE_THREADS"
fi

# While it lasts: the daemon's descriptors, threads and CPU every second (bounded by the storm's
# length); the hold clients start and stop on their schedule.
MAXFD=0; MAXTHR=0
SAMPLES="$WORK/samples.txt"; echo "t_s fds threads cpu_s" > "$SAMPLES"
HZ=$(getconf CLK_TCK)
for ((i = 0; i < STORM_SECONDS; i++)); do
    # tick i is at T_START + i seconds (a loaded machine makes a plain `sleep 1` loop drift)
    for ((j = 0; j < 50; j++)); do
        awk -v a="$(now_s)" -v b="$T_START" -v i="$i" 'BEGIN { exit !(a - b < i) }' || break
        sleep 0.05
    done
    kill -0 "$DPID" 2>/dev/null || die "the daemon died during the storm (see $DLOG)"
    if [ "$STORM_HOLD_CONC" -gt 0 ] && [ "$i" = "$STORM_HOLD_START" ]; then
        start_client "hold-c$STORM_HOLD_CONC" "$CB" "$HOST" "$P_HOLD" "$STORM_HOLD_CONC" "$STORM_HOLD_SECONDS"
        log "t=${i}s hold clients started for ${STORM_HOLD_SECONDS}s"
    fi
    fds=$(ls "/proc/$DPID/fd" 2>/dev/null | wc -l); thr=$(awk '/^Threads:/ { print $2 }' "/proc/$DPID/status")
    (( fds > MAXFD )) && MAXFD=$fds; (( thr > MAXTHR )) && MAXTHR=$thr
    echo "$(awk -v a="$(now_s)" -v b="$T_START" 'BEGIN { printf "%.1f", a - b }') $fds $thr $(cpu_ticks "$DPID" |
        awk -v hz="$HZ" '{ printf "%.2f", ($1 + $2) / hz }')" >> "$SAMPLES"
    (( i % 10 == 0 )) && log "t=${i}s daemon fds=$fds threads=$thr"
done
# The clients stop at the deadline; one blocked on a read ends within its 10 s socket timeout.
declare -A CLIENT_RC=()
for ((i = 0; i < ${#CLIENTS[@]}; i++)); do
    p=${CLIENTS[$i]}
    for ((j = 0; j < 300; j++)); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$p" 2>/dev/null; then log "client ${CLIENT_NAMES[$i]} still running 30 s after the deadline; stopping it"; stop_pid "$p"; fi
    wait "$p" && CLIENT_RC[$i]=0 || CLIENT_RC[$i]=$?
done
T_END=$(now_s)
read -r U1 S1 CU1 CS1 <<<"$(cpu_ticks "$DPID")"
LD1=$(listen_drops)
kill -0 "$DPID" 2>/dev/null || die "the daemon died during the storm (see $DLOG)"

# ---------------------------------------------------------------- right after: does everything answer?
declare -A CHECK=() RECOVERED=()
ALL_PASS=1
for c in daytime echo hello; do
    r=$("check_$c"); CHECK[$c]=$r
    if [[ $r != ok* ]]; then
        ALL_PASS=0
        # not a pass, but does it come back? (bounded: 10 tries, 1 s apart)
        for ((j = 1; j <= 10; j++)); do
            sleep 1; r2=$("check_$c")
            if [[ $r2 == ok* ]]; then RECOVERED[$c]="answered on retry $j (${j}s later): $r2"; break; fi
        done
        [ -n "${RECOVERED[$c]:-}" ] || RECOVERED[$c]="still not answering after 10 retries: $r2"
    fi
done
FDS_AFTER=$(ls "/proc/$DPID/fd" | wc -l); THR_AFTER=$(awk '/^Threads:/ { print $2 }' "/proc/$DPID/status")

# Rate and backoff episodes end after a quiet second: wait (bounded) until each started one has ended.
for ((i = 0; i < 100; i++)); do
    started=$(grep -c 'holding new connections back' "$DLOG" || true)
    ended=$(grep -c 'ended after' "$DLOG" || true)
    bstarted=$(grep -c 'backing off until it passes' "$DLOG" || true)
    bended=$(grep -c 'working again after' "$DLOG" || true)
    [ "$started" -le "$ended" ] && [ "$bstarted" -le "$bended" ] && break
    sleep 0.1
done

# stop the daemon: it should exit 0 on SIGTERM
kill -TERM "$DPID"
for ((i = 0; i < 300; i++)); do kill -0 "$DPID" 2>/dev/null || break; sleep 0.1; done
DRC=""
if kill -0 "$DPID" 2>/dev/null; then DRC="still running 30 s after SIGTERM (killed)"; kill -KILL "$DPID" 2>/dev/null || true; fi
wait "$DPID" && rc=0 || rc=$?
[ -n "$DRC" ] || DRC=$rc

# ---------------------------------------------------------------- report
WALL=$(awk -v a="$T_END" -v b="$T_START" 'BEGIN { printf "%.1f", a - b }')
cnt() { grep -c -- "$1" "$DLOG" || true; }
REPORT="$WORK/report.txt"
{
echo "## jinetd storm ($(date -u +%Y-%m-%dT%H:%MZ), $(nproc) CPUs, ${STORM_SECONDS}s, open files limit $NOFILE_SEEN)"
echo
echo "JINETD_HOME=$JINETD_HOME; JINETD_LOG_LEVEL=$STORM_LOG_LEVEL; max_connections $STORM_MAX_CONNECTIONS; work dir $WORK"
echo "limited: echo, instances 50, per_source 20, rate 200/s burst 50, rate_wait 500ms, timeout_idle 2s; hold: echo, instances unlimited, timeout_idle 3s"
echo
echo "### daemon CPU during the storm (${WALL}s from the clients' start to the last one's end)"
echo
awk -v u=$((U1 - U0)) -v s=$((S1 - S0)) -v cu=$((CU1 - CU0)) -v cs=$((CS1 - CS0)) -v hz="$HZ" -v w="$WALL" 'BEGIN {
    printf "utime %.2f s + stime %.2f s = %.2f s (%.0f%% of one CPU); reaped children %.2f s\n",
        u / hz, s / hz, (u + s) / hz, 100 * (u + s) / hz / w, (cu + cs) / hz }'
echo "daemon during the storm, sampled each second: max open fds $MAXFD, max threads $MAXTHR; right after: fds $FDS_AFTER, threads $THR_AFTER"
echo
echo "### clients"
echo
echo "| client | exit | result |"
echo "|---|---:|---|"
TC=0; TE=0; TEM=0
for ((i = 0; i < ${#CLIENTS[@]}; i++)); do
    n=${CLIENT_NAMES[$i]}; out=$(cat "$WORK/client-$n.out"); err=$(grep -h '# detail' "$WORK/client-$n.err" || true)
    echo "| $n | ${CLIENT_RC[$i]} | $out ${err#\# detail: } |"
    c=$(field conns "$out"); e=$(field errors "$out"); em=$(field empty_responses "$err"); [ -n "$em" ] || em=$(field empty "$out")
    TC=$((TC + ${c:-0})); TE=$((TE + ${e:-0})); TEM=$((TEM + ${em:-0}))
done
echo
echo "clients total: $TC connections ended by EOF (of which $TEM with an empty answer: refused, or for silent/hold clients an idle timeout), $TE errors"
echo "(the silent and hold clients send nothing: every connection of theirs ends empty, by the idle timeout or a refusal)"
echo
echo "### refusals and episodes, from the daemon log ($(( $(wc -l < "$DLOG") - LOG_LINES0 )) lines during and after the storm)"
echo
echo "| what | count |"
echo "|---|---:|"
for r in instances per_source global; do
    echo "| refused=$r (all services) | $(cnt "refused=$r") |"
done
for svc in limited hold daytime hello; do
    for r in instances per_source global; do
        n=$(grep -c -- "service=$svc peer=.* refused=$r" "$DLOG" || true)
        [ "$n" = 0 ] || echo "| service=$svc refused=$r | $n |"
    done
done
echo "| other refused= reasons | $(grep -- 'refused=' "$DLOG" | grep -vc -E 'refused=(instances|per_source|global)' || true) |"
echo "| rate episodes (started / ended) | $(cnt 'holding new connections back') / $(cnt 'ended after') |"
grep -E 'ended after [0-9.]+s: [0-9]+ delayed, [0-9]+ refused' "$DLOG" |
    sed -E 's/.* ([^ ]+): (.*) ended after ([0-9.]+)s: ([0-9]+) delayed, ([0-9]+) refused.*/\1|\2|\3|\4|\5/' |
    awk -F'|' '{ k = $1 " " $2; d[k] += $4; r[k] += $5; s[k] += $3; n[k]++ }
        END { for (k in d) printf "| %s: %d episodes, %.1f s in all: delayed | %d |\n| %s: refused (rate) | %d |\n", k, n[k], s[k], d[k], k, r[k] }' || true
echo "| 'too many open files' backoff episodes (started / ended) | $(cnt 'too many open files; backing off') / $(cnt 'working again after') |"
grep -E 'backing off until it passes' "$DLOG" | sed -E 's/^[^ ]+ [A-Z]+ //; s/: .*;/:/' | sort | uniq -c |
    awk '{ printf "| backoff episodes of %s | %d |\n", $2, $1 }' || true
grep -E 'working again after' "$DLOG" | sed -E 's/.* after ([0-9.]+)s and ([0-9]+) failure.*/\1 \2/' |
    awk '{ s += $1; f += $2 } END { if (NR) printf "| backoff: seconds backing off in all / failed accepts | %.1f / %d |\n", s, f }' || true
echo "| kernel listen-queue overflows+drops (machine-wide, nstat) | $([ "$LD0" = "?" ] && echo "?" || echo $((LD1 - LD0))) |"
echo "| connection lines with error= | $(cnt ' error=') |"
echo
echo "other warnings and errors (numbers masked, first 12):"
echo
echo '```'
grep -E ' (WARN|ERROR) ' "$DLOG" | grep -v -E 'refused=(instances|per_source|global)|holding new connections back|backing off until it passes' |
    sed -E 's/^[0-9TZ:.+-]+ //; s/[0-9]+/N/g' | cut -c1-200 | sort | uniq -c | sort -rn | head -n 12 || true
echo '```'
echo
echo "### timeline (t = seconds since the clients started; hold clients from ${STORM_HOLD_START}s for ${STORM_HOLD_SECONDS}s)"
echo
echo "limited ok = limited connections that ran (a connection line), hold ok likewise; refusals by reason;"
echo "backoff = 'too many open files' episodes started (any listener); fds max / CPU from the per-second samples"
echo
# seconds of the day of a log line's timestamp (UTC), relative to the storm's start
awk -v t0="$T_START_UTC" -v w="$STORM_WINDOW" -v samples="$SAMPLES" '
    function sod(hms,   a) { split(hms, a, ":"); return a[1] * 3600 + a[2] * 60 + a[3] }
    BEGIN {
        base = sod(t0)
        while ((getline line < samples) > 0) {
            split(line, f, " "); if (f[1] == "t_s") continue
            k = int(f[1] / w); if (f[2] > fd[k]) fd[k] = f[2]
            if (first == "") first = f[4]; cpu[k] = f[4]; if (k > last) last = k
        }
    }
    /^[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T/ {
        ts = substr($1, 12); sub(/Z$/, "", ts); sub(/[+-][0-9:]+$/, "", ts)
        t = sod(ts) - base; if (t < -43200) t += 86400
        if (t < 0) next
        k = int(t / w); if (k > last) last = k
        if ($0 ~ /service=limited peer=.* refused=instances/) ri[k]++
        else if ($0 ~ /service=limited peer=.* refused=per_source/) rp[k]++
        else if ($0 ~ / refused=global/) rg[k]++
        else if ($0 ~ /service=limited peer=.* duration=/) lo[k]++
        else if ($0 ~ /service=hold peer=.* duration=/) ho[k]++
        if ($0 ~ /too many open files; backing off/) bo[k]++
        if ($0 ~ /holding new connections back/) re[k]++
    }
    END {
        print "| t (s) | limited ok | refused instances | refused per_source | refused global | rate episodes started | hold ok | backoff | fds max | daemon CPU s |"
        print "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
        prev = first
        for (k = 0; k <= last; k++) {
            if (k in cpu) { c = sprintf("%.2f", cpu[k] - prev); prev = cpu[k] } else c = "-"
            printf "| %d-%d | %d | %d | %d | %d | %d | %d | %d | %s | %s |\n", k * w, (k + 1) * w, lo[k], ri[k], rp[k], rg[k], re[k], ho[k], bo[k],
                (k in fd) ? fd[k] : "-", c
        }
    }' "$DLOG"
echo
echo "### right after the storm (first try, 5 s bound each)"
echo
for c in daytime echo hello; do
    svc=$c; [ "$c" = echo ] && svc="limited (echo)"
    if [[ ${CHECK[$c]} == ok* ]]; then echo "PASS $svc: ${CHECK[$c]}"; else echo "FAIL $svc: ${CHECK[$c]}; ${RECOVERED[$c]}"; fi
done
echo
echo "daemon exit status on SIGTERM: $DRC"
[ "$ALL_PASS" = 1 ] && echo "RESULT: PASS" || echo "RESULT: FAIL"
} | tee "$REPORT"
log "report written to $REPORT"
[ "$ALL_PASS" = 1 ]
