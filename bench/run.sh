#!/usr/bin/env bash
# Side-by-side benchmark: jinetd against xinetd, same client, same service, same machine.
#
#   bench/run.sh                       # DURATION=10 s per measured run
#   DURATION=5 JINETD_HOME=/tmp/jinetd-dist bench/run.sh
#
# Environment (all optional):
#   JINETD_HOME   jinetd distribution (bin/jinetd, lib/); default ../daemon/target/jinetd
#   DURATION      seconds of each measured run (10); WARMUP seconds of each discarded run (2)
#   ROUNDS        rounds of each server's cases (1): with more, each figure is the median of its
#                 rounds, and a PROXY pair's ratio the median of the ratios of its rounds (each
#                 round measures the two cases one after the other, so that the machine's drift
#                 over minutes stays out of the ratio); so is a TLS server's ratio to
#                 stunnel-xinetd, the TLS servers being up at once and measured in turn each round
#   IDLE_SECONDS  seconds each server is left idle after its runs while its wake-ups (context
#                 switches of all its threads) are counted (10)
#   CONCS         concurrencies ("1 16"); CASES ("daytime hello nobody"): nobody is hello run as
#                 user nobody by a root server (xinetd's setuid in its child, jinetd's switch);
#                 proxy and proxy-daytime are hello and daytime behind a load balancer's PROXY
#                 header (proxy: {from: [127.0.0.1]}): each client writes a v1 line naming a client
#                 ("PROXY TCP4 192.0.2.1 127.0.0.1 56324 PORT"), half-closes, and reads to EOF;
#                 set beside hello and daytime (CASES="hello proxy daytime proxy-daytime"), their
#                 ratio is what the header costs, the client's extra send and half-close in it;
#                 echo and proxy-echo are the echo handler without and with the header, each
#                 client writing a line and reading it back, so that the client's work is the
#                 same in both (CASES="echo proxy-echo"). jinetd's servers only
#   SERVERS       servers to run ("xinetd jinetd jinetd-bridge jinetd-info ceiling"; empty: none);
#                 jinetd runs hello with io: inherit, jinetd-bridge with io: bridge; ceiling is
#                 bench/spawnloop.c, a C accept loop with posix_spawn; jinetd-info is jinetd with
#                 its per-connection INFO log line on, to show what logging costs; jvm-ceiling
#                 (not run unless named) is bench/JvmSpawnLoop.java, the same loop in Java on
#                 jinetd's runtime and JVM flags: what a JVM itself costs per spawn (compiled with
#                 the javac of a JDK 25: JAVA_HOME's, or one under /usr/lib/jvm)
#   STARTS        starts averaged for the start-up figure (5); STARTUP=0 skips start-up and RSS
#   SPAWNER_STARTS  first connections of user nobody after the spawner's 30 s idle close (3; 0
#                 skips them): what such a connection waits, the spawner's own start, its memory
#   TLS_SERVERS   TLS servers to run ("stunnel-xinetd stunnel-exec jinetd-tls jinetd-tls-c1"; empty:
#                 none), each doing full TLS 1.3 handshakes with bench/tlsbench.c (a session is never
#                 resumed) for a certificate of localhost: stunnel-xinetd is stunnel (stunnel4) in
#                 front of xinetd's hello, stunnel-exec stunnel's own exec= of hello, jinetd-tls is
#                 jinetd with tls: on hello (a program: through the bridge) and on daytime (a
#                 handler) with the launcher's flags (both compilers, for a table with tls:),
#                 jinetd-tls-c1 the same with -XX:TieredStopAtLevel=1 after them (the quick
#                 compiler alone, as the launcher runs a table without tls:)
#   TLS_KEY       the certificate's key: ec (P-256, the default) or rsa (2048 bits)
#   TLS_WARMUP    seconds of handshakes at one client each TLS server serves once, after its start and
#                 before any measured run (0): jinetd's JVM compiles JSSE's handshake with C2 only
#                 after some ten thousand of them, so its steady state needs a minute or more
#   JINETD_JAVA_OPTS  passed through to the launcher (appended after its own JVM flags)
#   EXAMPLE_TABLE table for the start-up and idle-RSS figures (../conf/services.yaml); must suit
#                 the jinetd being measured (e.g. $JINETD_HOME/conf/services.yaml for an older build)
#   BENCH_KIT     folder with connbench.c, hello.c, xinetd-bench.conf.in (../shared/bench beside the repository)
#   KEEP_WORK=1   keep the temp work dir (logs, tables) instead of deleting it
#   NETNS=0       run in the machine's network namespace (as root the run takes one of its own)
# Only 127.0.0.1 is ever contacted. Markdown goes to stdout, progress to stderr.
set -euo pipefail

# A client that closes first (one that writes and half-closes, as in the PROXY and echo
# cases) leaves its end in TIME_WAIT for a minute, and that holds its port towards the same
# service: the kernel gives connect() the even ports of its range, each again a second after
# its last use, which caps such a client at about 14,000 connections a second on one address,
# whatever the server. As root, the run takes a network namespace of its own (its loopback
# alone), in which few TIME_WAIT sockets are kept, so that no figure is the client's ports.
if [ "${NETNS:-1}" = 1 ] && [ -z "${JINETD_BENCH_NETNS:-}" ] && [ "$(id -u)" = 0 ] \
        && command -v ip > /dev/null && unshare --net true 2> /dev/null; then
    export JINETD_BENCH_NETNS=1
    exec unshare --net -- "$BASH" "$0" "$@"
fi
if [ -n "${JINETD_BENCH_NETNS:-}" ]; then
    ip link set lo up
    if echo 1024 2> /dev/null > /proc/sys/net/ipv4/tcp_max_tw_buckets; then
        printf '[bench] in a network namespace of its own: loopback only, at most 1024 TIME_WAIT sockets\n' >&2
    else
        printf '[bench] warning: in a network namespace of its own, whose TIME_WAIT limit cannot be set\n' >&2
    fi
fi

here=$(cd "$(dirname "$0")" && pwd -P)
JINETD_HOME=${JINETD_HOME:-"$(dirname "$0")/../daemon/target/jinetd"}
JINETD_HOME=$(cd "$JINETD_HOME" && pwd -P)
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-2}
IDLE_SECONDS=${IDLE_SECONDS:-10}
ROUNDS=${ROUNDS:-1}
CONCS=${CONCS:-"1 16"}
CASES=${CASES:-"daytime hello nobody"}
SERVERS=${SERVERS-"xinetd jinetd jinetd-bridge jinetd-info ceiling"}
TLS_SERVERS=${TLS_SERVERS-"stunnel-xinetd stunnel-exec jinetd-tls jinetd-tls-c1"}
TLS_KEY=${TLS_KEY:-ec}
TLS_WARMUP=${TLS_WARMUP:-0}
STARTS=${STARTS:-5}
STARTUP=${STARTUP:-1}
SPAWNER_STARTS=${SPAWNER_STARTS:-3}
BENCH_KIT=${BENCH_KIT:-"$(cd "$(dirname "$0")/../.." && pwd -P)/shared/bench"}
EXAMPLE_TABLE=${EXAMPLE_TABLE:-"$here/../conf/services.yaml"}
HOST=127.0.0.1

log() { printf '[bench %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
die() { log "error: $*"; exit 1; }

[ -x "$JINETD_HOME/bin/jinetd" ] || die "no jinetd launcher at $JINETD_HOME/bin/jinetd (set JINETD_HOME)"
for f in connbench.c hello.c xinetd-bench.conf.in; do
    [ -f "$BENCH_KIT/$f" ] || die "missing $BENCH_KIT/$f"
done

# ---------------------------------------------------------------- process bookkeeping
WORK=$(mktemp -d "${TMPDIR:-/tmp}/jinetd-bench.XXXXXX")
chmod 755 "$WORK"   # hello is run as nobody too
declare -a PIDS=()

# stop_pid, port_in_use, free_port; cleanup at exit
. "$(dirname "$0")/lib.sh"

forget_pid() {
    local pid=$1 p; local -a keep=()
    for p in "${PIDS[@]}"; do [ "$p" = "$pid" ] || keep+=("$p"); done
    PIDS=("${keep[@]}")
}


# ---------------------------------------------------------------- helpers


wait_port() {   # wait_port PORT PID: connect every 50 ms, for at most 10 s, while PID lives
    local port=$1 pid=$2 i
    for ((i = 0; i < 200; i++)); do
        if ! kill -0 "$pid" 2>/dev/null; then
            [ -z "${SERVER_LOG:-}" ] || tail -n 5 "$SERVER_LOG" >&2
            die "server pid $pid exited before port $port was open"
        fi
        if (exec 3<>"/dev/tcp/$HOST/$port") 2>/dev/null; then return 0; fi
        sleep 0.05
    done
    die "port $port not open after 10 s"
}

wait_log() {   # wait_log FILE PATTERN PID [POLL]: look every POLL s (0.01), at most 10 s
    local file=$1 pat=$2 pid=$3 poll=${4:-0.01} end=$((SECONDS + 10))
    while ((SECONDS < end)); do
        grep -q -- "$pat" "$file" 2>/dev/null && return 0
        if ! kill -0 "$pid" 2>/dev/null; then
            tail -n 5 "$file" >&2
            die "pid $pid exited before logging '$pat'"
        fi
        sleep "$poll"
    done
    die "'$pat' not logged in $file after 10 s"
}

probe() {   # probe PORT [PAYLOAD]: first line the service answers (2 s bound), after PAYLOAD
    timeout 2 bash -c 'exec 3<>"/dev/tcp/$0/$1"; printf %s "$2" >&3; head -n 1 <&3' "$HOST" "$1" "${2:-}" \
        2>/dev/null || true
}

payload() {   # payload CASE: sets PAYLOAD, what each client writes before it half-closes (most: nothing)
    PAYLOAD=""
    case $1 in
        proxy | proxy-daytime) PAYLOAD="PROXY TCP4 192.0.2.1 $HOST 56324 ${PORT[$1]}"$'\r\n' ;;
        echo) PAYLOAD=$'ping\r\n' ;;
        proxy-echo) PAYLOAD="PROXY TCP4 192.0.2.1 $HOST 56324 ${PORT[$1]}"$'\r\nping\r\n' ;;
    esac
}

rss_kb() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status" 2>/dev/null || echo "?"; }

tls_probe() {   # tls_probe PORT: first line the service answers inside TLS, its certificate verified (5 s bound)
    timeout 5 openssl s_client -quiet -connect "$HOST:$1" -servername localhost -CAfile "$WORK/tls.pem" \
        -verify_hostname localhost -verify_return_error </dev/null 2>/dev/null | head -n 1 || true
}

server_rss() {   # server_rss KEY: VmRSS or VmHWM of the server, kB, its partner's added where it has one
    local kb p total=0
    for p in "$SERVER_PID" $PARTNER_PID; do
        kb=$(rss_kb "$p" "$1")
        [ "$kb" = "?" ] && { echo "?"; return; }
        total=$((total + kb))
    done
    echo "$total"
}

now_ms() { local t=${EPOCHREALTIME/./}; echo $((t / 1000)); }

switches() {   # switches PID...: context switches of every thread of these processes so far
    local p t total=0
    for p in "$@"; do
        for t in /proc/"$p"/task/*/status; do
            total=$((total + $(awk '/ctxt_switches:/ { s += $2 } END { print s + 0 }' "$t" 2>/dev/null || echo 0)))
        done
    done
    echo "$total"
}

idle_wakeups() {   # the server's (and its partner's) context switches a second, idle for IDLE_SECONDS
    local before after
    before=$(switches "$SERVER_PID" $PARTNER_PID)
    sleep "$IDLE_SECONDS"   # the span measured over, not synchronisation
    after=$(switches "$SERVER_PID" $PARTNER_PID)
    awk -v d=$((after - before)) -v s="$IDLE_SECONDS" 'BEGIN { printf "%.1f", d / s }'
}

# ---------------------------------------------------------------- build, install
command -v cc >/dev/null || die "needs a C compiler (cc)"
log "building connbench and hello in $WORK"
cc -O2 -pthread -o "$WORK/connbench" "$BENCH_KIT/connbench.c"
cc -O2 -o "$WORK/hello" "$BENCH_KIT/hello.c"
cc -O2 -o "$WORK/spawnloop" "$(dirname "$0")/spawnloop.c"
if [[ " $SERVERS " == *" xinetd "* || " $TLS_SERVERS " == *" stunnel-xinetd "* ]] \
        && ! command -v xinetd >/dev/null 2>&1; then
    log "installing xinetd"
    apt-get update && apt-get install -y xinetd
fi
CB="$WORK/connbench"
TB="$WORK/tlsbench"
if [ -n "$TLS_SERVERS" ]; then
    [ -f /usr/include/openssl/ssl.h ] \
        || die "the TLS cases build bench/tlsbench.c against OpenSSL: apt-get install libssl-dev (or TLS_SERVERS=)"
    if [[ " $TLS_SERVERS " == *" stunnel"* ]]; then
        command -v stunnel >/dev/null \
            || die "the stunnel cases need stunnel: apt-get install stunnel4 (or leave them out of TLS_SERVERS)"
    fi
    cc -O2 -pthread -o "$TB" "$here/tlsbench.c" -lssl -lcrypto
    # One certificate for every TLS server, as a site would have: for localhost, its key 0600.
    case $TLS_KEY in
        ec) keyopts=(-newkey ec -pkeyopt ec_paramgen_curve:P-256) ;;
        rsa) keyopts=(-newkey rsa:2048) ;;
        *) die "TLS_KEY must be ec or rsa" ;;
    esac
    (umask 077 && openssl req -x509 "${keyopts[@]}" -nodes -keyout "$WORK/tls.key" -out "$WORK/tls.pem" -days 2 \
        -subj /CN=localhost -addext subjectAltName=DNS:localhost 2>/dev/null) || die "openssl could not make a certificate"
    chmod 644 "$WORK/tls.pem"
fi

# ---------------------------------------------------------------- servers
declare -A PORT=()
SERVER_PID=""
PARTNER_PID=""   # a second process of the server measured (xinetd behind stunnel): its CPU and memory count too

start_xinetd() {
    PORT[daytime]=$(free_port); PORT[hello]=$(free_port); PORT[nobody]=$(free_port)
    sed -e "s|@PORT_HELLO@|${PORT[hello]}|g" -e "s|@PORT_DAYTIME@|${PORT[daytime]}|g" \
        -e "s|@HELLO@|$WORK/hello|g" "$BENCH_KIT/xinetd-bench.conf.in" > "$WORK/xinetd.conf"
    cat >> "$WORK/xinetd.conf" <<EOF
service hello-nobody
{
    type        = UNLISTED
    port        = ${PORT[nobody]}
    bind        = $HOST
    socket_type = stream
    protocol    = tcp
    wait        = no
    user        = nobody
    server      = $WORK/hello
}
EOF
    : > "$WORK/xinetd.log"; SERVER_LOG="$WORK/xinetd.log"
    xinetd -dontfork -stayalive -filelog "$WORK/xinetd.log" -f "$WORK/xinetd.conf" \
        -pidfile "$WORK/xinetd.pid" 2>>"$WORK/xinetd.log" &
    SERVER_PID=$!; PIDS+=("$SERVER_PID")
    wait_port "${PORT[daytime]}" "$SERVER_PID"; wait_port "${PORT[hello]}" "$SERVER_PID"
    wait_port "${PORT[nobody]}" "$SERVER_PID"
}

start_jinetd() {   # start_jinetd LEVEL [IO]
    PORT[daytime]=$(free_port); PORT[hello]=$(free_port); PORT[nobody]=$(free_port)
    PORT[proxy]=$(free_port); PORT[proxy-daytime]=$(free_port); PORT[echo]=$(free_port); PORT[proxy-echo]=$(free_port)
    cat > "$WORK/jinetd-bench.yaml" <<EOF
control_socket: none
defaults: {bind: $HOST, instances: unlimited}
services:
  daytime: {port: ${PORT[daytime]}, handler: daytime}
  hello: {port: ${PORT[hello]}, exec: [$WORK/hello], io: ${2:-inherit}, user: root}
  nobody: {port: ${PORT[nobody]}, exec: [$WORK/hello], io: ${2:-inherit}, user: nobody}
EOF
    # Only where asked: an older jinetd, measured for a before-and-after, has no proxy: key.
    if [[ " $CASES " == *" proxy"* ]]; then
        cat >> "$WORK/jinetd-bench.yaml" <<EOF
  proxy: {port: ${PORT[proxy]}, exec: [$WORK/hello], io: ${2:-inherit}, user: root, proxy: {from: [$HOST]}}
  proxy-daytime: {port: ${PORT[proxy-daytime]}, handler: daytime, proxy: {from: [$HOST]}}
  proxy-echo: {port: ${PORT[proxy-echo]}, handler: echo, proxy: {from: [$HOST]}}
EOF
    fi
    if [[ " $CASES " == *" echo "* ]]; then
        echo "  echo: {port: ${PORT[echo]}, handler: echo}" >> "$WORK/jinetd-bench.yaml"
    fi
    : > "$WORK/jinetd-$1.log"; SERVER_LOG="$WORK/jinetd-$1.log"
    JINETD_LOG_LEVEL=$1 "$JINETD_HOME/bin/jinetd" run -c "$WORK/jinetd-bench.yaml" \
        2>>"$WORK/jinetd-$1.log" </dev/null &
    SERVER_PID=$!; PIDS+=("$SERVER_PID")
    wait_port "${PORT[daytime]}" "$SERVER_PID"; wait_port "${PORT[hello]}" "$SERVER_PID"
    wait_port "${PORT[nobody]}" "$SERVER_PID"
    if [[ " $CASES " == *" proxy"* ]]; then
        wait_port "${PORT[proxy]}" "$SERVER_PID"; wait_port "${PORT[proxy-daytime]}" "$SERVER_PID"
        wait_port "${PORT[proxy-echo]}" "$SERVER_PID"
    fi
    if [[ " $CASES " == *" echo "* ]]; then wait_port "${PORT[echo]}" "$SERVER_PID"; fi
}

start_ceiling() {   # the C accept loop + posix_spawn: hello only
    PORT[hello]=$(free_port); PORT[daytime]=${PORT[hello]}
    "$WORK/spawnloop" "$HOST" "${PORT[hello]}" "$WORK/hello" &
    SERVER_PID=$!; PIDS+=("$SERVER_PID")
    wait_port "${PORT[hello]}" "$SERVER_PID"
}

start_jvm_ceiling() {   # the same loop in Java, on jinetd's runtime with the launcher's JVM flags: hello only
    local javac
    for javac in "${JAVA_HOME:-/nonexistent}/bin/javac" /usr/lib/jvm/*25*/bin/javac; do
        [ -x "$javac" ] && "$javac" --release 25 -version >/dev/null 2>&1 && break
        javac=""
    done
    [ -n "$javac" ] || die "jvm-ceiling needs the javac of a JDK 25 (JAVA_HOME, or under /usr/lib/jvm)"
    "$javac" --release 25 -d "$WORK/jvm-ceiling" "$(dirname "$0")/JvmSpawnLoop.java" || die "javac failed"
    PORT[hello]=$(free_port); PORT[daytime]=${PORT[hello]}
    "$JINETD_HOME/runtime/bin/java" -XX:+UseSerialGC -Xms8m -XX:TieredStopAtLevel=1 -XX:-UsePerfData -Xss512k \
        --enable-native-access=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED \
        -cp "$WORK/jvm-ceiling" JvmSpawnLoop "$HOST" "${PORT[hello]}" "$WORK/hello" &
    SERVER_PID=$!; PIDS+=("$SERVER_PID")
    wait_port "${PORT[hello]}" "$SERVER_PID"
}

start_jinetd_tls() {   # start_jinetd_tls NAME [EXTRA_JAVA_OPTS]: tls: on daytime (a handler) and hello (a program)
    PORT[daytime]=$(free_port); PORT[hello]=$(free_port)
    local tls="{certificate: $WORK/tls.pem, key: $WORK/tls.key}"
    cat > "$WORK/$1.yaml" <<EOF
control_socket: none
defaults: {bind: $HOST, instances: unlimited}
services:
  daytime: {port: ${PORT[daytime]}, handler: daytime, tls: $tls}
  hello: {port: ${PORT[hello]}, exec: [$WORK/hello], user: root, tls: $tls}
EOF
    : > "$WORK/$1.log"; SERVER_LOG="$WORK/$1.log"
    JINETD_LOG_LEVEL=warn JINETD_JAVA_OPTS="${JINETD_JAVA_OPTS:-}${2:+ $2}" "$JINETD_HOME/bin/jinetd" run \
        -c "$WORK/$1.yaml" 2>>"$WORK/$1.log" </dev/null &
    SERVER_PID=$!; PIDS+=("$SERVER_PID")
    wait_port "${PORT[daytime]}" "$SERVER_PID"; wait_port "${PORT[hello]}" "$SERVER_PID"
}

start_stunnel() {   # start_stunnel NAME LINE: stunnel on PORT[hello], its service ending in LINE (connect= or exec=)
    PORT[hello]=$(free_port)
    cat > "$WORK/$1.conf" <<EOF
foreground = yes
pid =
debug = 3
output = $WORK/$1.log
[hello]
accept = $HOST:${PORT[hello]}
cert = $WORK/tls.pem
key = $WORK/tls.key
sslVersionMin = TLSv1.3
$2
EOF
    : > "$WORK/$1.log"; SERVER_LOG="$WORK/$1.log"
    stunnel "$WORK/$1.conf" 2>>"$WORK/$1.log" </dev/null &
    SERVER_PID=$!; PIDS+=("$SERVER_PID")
    wait_port "${PORT[hello]}" "$SERVER_PID"
}

stop_server() {
    stop_pid "$SERVER_PID"; forget_pid "$SERVER_PID"; SERVER_PID=""
    if [ -n "$PARTNER_PID" ]; then stop_pid "$PARTNER_PID"; forget_pid "$PARTNER_PID"; PARTNER_PID=""; fi
}

# ---------------------------------------------------------------- measurement
declare -A R_CPS=() R_P50=() R_P99=() R_ERR=() R_EMPTY=() R_CPU=() RSS_IDLE=() RSS_LOAD=() RSS_QUIET=() HWM=()
declare -A SPAWNER_RSS=() WAKE_IDLE=()
# Each round's figures of a key, space-separated, where ROUNDS > 1.
declare -A A_CPS=() A_P50=() A_P99=() A_CPU=()

spawners() { cat /proc/"$SERVER_PID"/task/*/children 2>/dev/null || true; }   # jinetd's children now: its spawners

spawner_rss() {   # "VmRSS kB / Pss kB" of each spawner of the server now
    local p out=""
    for p in $(spawners); do
        out+="$(rss_kb "$p" VmRSS) / $(awk '$1 == "Pss:" { print $2 }' "/proc/$p/smaps_rollup" 2>/dev/null) kB; "
    done
    echo "${out:-none}"
}

cpu_ticks() {   # utime+stime+cutime+cstime of a process (its reaped children included), and of
                # its children now running (jinetd's spawners, which reap the programs of other users)
    local p total=0 t
    for p in "$1" $(cat /proc/"$1"/task/*/children 2>/dev/null); do
        t=$(sed 's/.*) //' "/proc/$p/stat" 2>/dev/null | awk '{ print $12 + $13 + $14 + $15 }')
        total=$((total + ${t:-0}))
    done
    echo "$total"
}
declare -a ROWS=()

server_ticks() {   # cpu_ticks of the server, and of its partner where it has one
    local p total=0
    for p in "$SERVER_PID" $PARTNER_PID; do total=$((total + $(cpu_ticks "$p"))); done
    echo "$total"
}

median_of() {   # median_of NUMBER...: the middle one (the lower of the two middle ones of an even count)
    printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

measure() {   # measure SERVER CASE CONC [tls]: connbench (with the case's payload), or tlsbench (full TLS 1.3 handshakes), on PORT[CASE]
    local srv=$1 c=$2 n=$3 port=${PORT[$2]} out detail client=$CB
    local -a extra=()
    if [ "${4:-}" = tls ]; then
        client=$TB; extra=("$WORK/tls.pem" localhost)
    else
        payload "$c"; [ -z "$PAYLOAD" ] || extra=("$PAYLOAD")
    fi
    "$client" "$HOST" "$port" "$n" "$WARMUP" "${extra[@]}" > /dev/null 2>&1
    local t0; t0=$(server_ticks)
    out=$("$client" "$HOST" "$port" "$n" "$DURATION" "${extra[@]}" 2>"$WORK/detail")
    local t1; t1=$(server_ticks)
    detail=$(cat "$WORK/detail")
    local k="$srv|$c|$n" cps p50 p99 cpu
    cps=$(sed -n 's/.*conn_per_s=\([0-9.]*\).*/\1/p' <<<"$out")
    p50=$(sed -n 's/.*p50_ms=\([0-9.]*\).*/\1/p' <<<"$out")
    p99=$(sed -n 's/.*p99_ms=\([0-9.]*\).*/\1/p' <<<"$out")
    local errors empty
    errors=$(sed -n 's/.*errors=\([0-9]*\).*/\1/p' <<<"$out"); empty=$(sed -n 's/.*empty_responses=\([0-9]*\).*/\1/p' <<<"$detail")
    R_ERR[$k]=$(( ${R_ERR[$k]:-0} + ${errors:-0} )); R_EMPTY[$k]=$(( ${R_EMPTY[$k]:-0} + ${empty:-0} ))
    local conns; conns=$(sed -n 's/.*conns=\([0-9]*\).*/\1/p' <<<"$out")
    cpu=$(awk -v d=$((t1 - t0)) -v hz="$(getconf CLK_TCK)" -v c="$conns" \
        'BEGIN { if (c > 0) printf "%.1f", d / hz * 1e6 / c; else print "n/a" }')
    [ -n "${A_CPS[$k]:-}" ] || ROWS+=("$k")
    A_CPS[$k]+=" $cps"; A_P50[$k]+=" $p50"; A_P99[$k]+=" $p99"; A_CPU[$k]+=" $cpu"
    R_CPS[$k]=$(median_of ${A_CPS[$k]}); R_P50[$k]=$(median_of ${A_P50[$k]})
    R_P99[$k]=$(median_of ${A_P99[$k]}); R_CPU[$k]=$(median_of ${A_CPU[$k]})
    log "$srv $c c=$n: $out  [${detail#\# detail: }] server CPU $cpu us/conn"
}

bench_server() {   # bench_server NAME
    local srv=$1 c n line
    case $srv in
        xinetd) start_xinetd ;;
        jinetd) start_jinetd warn inherit ;;
        jinetd-bridge) start_jinetd warn bridge ;;
        jinetd-info) start_jinetd info inherit ;;
        ceiling) start_ceiling ;;
        jvm-ceiling) start_jvm_ceiling ;;
        *) die "unknown server $srv" ;;
    esac
    log "$srv up (pid $SERVER_PID): daytime ${PORT[daytime]}, hello ${PORT[hello]}"
    local cases=$CASES
    [[ $srv == *ceiling ]] && cases=hello   # the spawn ceilings have no in-process daytime, nor users
    if [[ $srv != jinetd* ]]; then   # the others take no PROXY header, and have no echo here
        local keep=""; for c in $cases; do [[ $c == proxy* || $c == echo ]] || keep+="$c "; done; cases=$keep
    fi
    for c in $cases; do
        payload "$c"; line=$(probe "${PORT[$c]}" "$PAYLOAD")
        [ -n "$line" ] || die "$srv $c answered nothing"
        log "$srv $c answers: $line"
    done
    sleep 2   # idle before the RSS reading (a measurement, not synchronisation)
    RSS_IDLE[$srv]=$(rss_kb "$SERVER_PID" VmRSS)
    local round
    for ((round = 1; round <= ROUNDS; round++)); do
        for c in $cases; do
            for n in $CONCS; do measure "$srv" "$c" "$n"; done
        done
    done
    RSS_LOAD[$srv]=$(rss_kb "$SERVER_PID" VmRSS)
    HWM[$srv]=$(rss_kb "$SERVER_PID" VmHWM)
    SPAWNER_RSS[$srv]=$(spawner_rss)
    sleep 7   # quiet, as after a busy spell (a measurement, not synchronisation)
    RSS_QUIET[$srv]=$(rss_kb "$SERVER_PID" VmRSS)
    WAKE_IDLE[$srv]=$(idle_wakeups)
    stop_server
}

declare -A TLS_PID=() TLS_PARTNER=() TLS_PORT=() TLS_CASES=()

tls_start() {   # tls_start NAME: starts a TLS server and keeps its pids, ports and cases
    local srv=$1 c line cases behind
    case $srv in
        stunnel-xinetd)
            start_xinetd; PARTNER_PID=$SERVER_PID; behind=${PORT[hello]}
            start_stunnel "$srv" "connect = $HOST:$behind"; cases=hello ;;
        stunnel-exec) start_stunnel "$srv" "exec = $WORK/hello"; cases=hello ;;
        jinetd-tls) start_jinetd_tls "$srv"; cases="hello daytime" ;;
        jinetd-tls-c1) start_jinetd_tls "$srv" -XX:TieredStopAtLevel=1; cases="hello daytime" ;;
        *) die "unknown TLS server $srv" ;;
    esac
    log "$srv up (pid $SERVER_PID${PARTNER_PID:+, behind it $PARTNER_PID}): hello ${PORT[hello]}"
    for c in $cases; do
        line=$(tls_probe "${PORT[$c]}")
        [ -n "$line" ] || die "$srv $c answered nothing inside TLS"
        log "$srv $c answers: $line"
        TLS_PORT[$srv|$c]=${PORT[$c]}
    done
    TLS_PID[$srv]=$SERVER_PID; TLS_PARTNER[$srv]=$PARTNER_PID; TLS_CASES[$srv]=$cases
    sleep 2   # idle before the RSS reading (a measurement, not synchronisation)
    RSS_IDLE[$srv]=$(server_rss VmRSS)
    if [ "$TLS_WARMUP" -gt 0 ]; then
        for c in $cases; do "$TB" "$HOST" "${PORT[$c]}" 1 "$TLS_WARMUP" "$WORK/tls.pem" localhost > /dev/null 2>&1; done
    fi
    SERVER_PID=""; PARTNER_PID=""
}

tls_use() {   # tls_use NAME: makes a started TLS server the one measured
    local c
    SERVER_PID=${TLS_PID[$1]}; PARTNER_PID=${TLS_PARTNER[$1]}
    for c in ${TLS_CASES[$1]}; do PORT[$c]=${TLS_PORT[$1|$c]}; done
}

bench_tls_servers() {   # every TLS server up at once, their cases measured in turn, round after round
    local srv c n round
    for srv in $TLS_SERVERS; do tls_start "$srv"; done
    for ((round = 1; round <= ROUNDS; round++)); do
        for n in $CONCS; do
            for srv in $TLS_SERVERS; do
                tls_use "$srv"
                for c in ${TLS_CASES[$srv]}; do measure "$srv" "$c" "$n" tls; done
            done
        done
    done
    for srv in $TLS_SERVERS; do
        tls_use "$srv"
        RSS_LOAD[$srv]=$(server_rss VmRSS)
        HWM[$srv]=$(server_rss VmHWM)
    done
    sleep 7   # quiet, as after a busy spell (a measurement, not synchronisation)
    for srv in $TLS_SERVERS; do
        tls_use "$srv"
        RSS_QUIET[$srv]=$(server_rss VmRSS)
        WAKE_IDLE[$srv]=$(idle_wakeups)
        stop_server
    done
}

FIRST_MS=() READY_S=() FIRST_RSS=()
spawner_starts() {   # the first connection of user nobody after the spawner's idle close, SPAWNER_STARTS times
    local i j t0 t1 line lf="$WORK/jinetd-info.log"
    start_jinetd info inherit
    for ((i = 1; i <= SPAWNER_STARTS; i++)); do
        # The spawner the last round (or the start's probe) started closes after 30 s without a
        # program, and exits; the first connection of this round then starts another.
        for ((j = 0; j < 700; j++)); do
            [ "$(grep -c 'spawner of nobody (pid [0-9]*): closed after' "$lf")" -ge "$i" ] \
                && [ "$(spawners | wc -w)" = 0 ] && break
            sleep 0.1
        done
        [ "$(spawners | wc -w)" = 0 ] || die "the spawner did not close after its idle spell"
        t0=${EPOCHREALTIME/./}
        line=$(probe "${PORT[nobody]}")
        t1=${EPOCHREALTIME/./}
        [ -n "$line" ] || die "nobody answered nothing after an idle spell"
        FIRST_MS+=("$(( (t1 - t0) / 1000 ))")
        sleep 2   # idle before the RSS reading (a measurement, not synchronisation)
        READY_S+=("$( (grep -o 'spawner of nobody (pid [0-9]*): ready after [0-9.]*s' "$lf" || echo '?') | tail -n 1 \
            | grep -o '[0-9.?]*s*$')")
        FIRST_RSS+=("$(spawner_rss)")
        log "spawner start $i: first connection ${FIRST_MS[-1]} ms, spawner ready after ${READY_S[-1]}, ${FIRST_RSS[-1]}"
    done
    stop_server
}

STARTUP_MS=() STARTUP_RSS=()
startup_jinetd() {   # STARTS starts on the example table: launcher exec .. 'ready:' line; RSS after 2 s idle
    local i t0 ts tready pid lf="$WORK/jinetd-startup.log"
    [ -f "$EXAMPLE_TABLE" ] || die "no example table at $EXAMPLE_TABLE"
    for p in $(grep -Eo 'port: *[0-9]+' "$EXAMPLE_TABLE" | grep -Eo '[0-9]+' | sort -u); do
        port_in_use "$p" && die "port $p of the example table is in use"
    done
    for ((i = 1; i <= STARTS; i++)); do
        : > "$lf"
        t0=$(now_ms)
        JINETD_LOG_LEVEL=info "$JINETD_HOME/bin/jinetd" run -c "$EXAMPLE_TABLE" 2>>"$lf" </dev/null &
        pid=$!; PIDS+=("$pid")
        # the log line's own timestamp (ms, UTC) is the ready time; polling granularity drops
        # out, and looking only ten times a second leaves the start both cores
        wait_log "$lf" 'ready:' "$pid" 0.1
        ts=$(grep -m1 'ready:' "$lf" | grep -Eo '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z' || true)
        if [ -n "$ts" ]; then tready=$(date -d "$ts" +%s%3N); else tready=$(now_ms); fi
        STARTUP_MS+=($((tready - t0)))
        sleep 2   # idle before the RSS reading
        STARTUP_RSS+=("$(rss_kb "$pid" VmRSS)")
        log "start $i: ready after ${STARTUP_MS[-1]} ms, idle VmRSS ${STARTUP_RSS[-1]} kB"
        stop_pid "$pid"; forget_pid "$pid"
    done
}

# ---------------------------------------------------------------- run
log "JINETD_HOME=$JINETD_HOME DURATION=$DURATION WARMUP=$WARMUP CONCS='$CONCS' CASES='$CASES' SERVERS='$SERVERS' TLS_SERVERS='$TLS_SERVERS' JINETD_JAVA_OPTS='${JINETD_JAVA_OPTS:-}'"
for s in $SERVERS; do bench_server "$s"; done
[ -z "$TLS_SERVERS" ] || bench_tls_servers
if [ "$STARTUP" = 1 ]; then startup_jinetd; fi
if [ "$SPAWNER_STARTS" -gt 0 ] && [[ " $SERVERS " == *" jinetd "* && " $CASES " == *" nobody "* ]]; then
    spawner_starts
fi

# ---------------------------------------------------------------- report
fmt_int() { LC_ALL=C printf '%.0f' "$1"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b + 0 == 0) print "n/a"; else printf "%.2f", a / b }'; }

ratios() {   # ratios "A1 A2 ..." "B1 B2 ...": the median of A_i/B_i, each round's pair; with more than one round, each in brackets after it
    local -a a b r=()
    read -ra a <<<"$1"; read -ra b <<<"$2"
    local i
    for ((i = 0; i < ${#a[@]} && i < ${#b[@]}; i++)); do r+=("$(ratio "${a[$i]}" "${b[$i]}")"); done
    if [ "${#r[@]}" -le 1 ]; then echo "${r[0]:-n/a}"; return; fi
    echo "$(median_of "${r[@]}") (${r[*]})"
}

echo "## jinetd vs xinetd ($(date -u +%Y-%m-%dT%H:%MZ), $(nproc) CPUs, ${DURATION} s runs after ${WARMUP} s warm-up)"
echo
echo "JINETD_HOME=$JINETD_HOME; JINETD_JAVA_OPTS='${JINETD_JAVA_OPTS:-}'; $( (xinetd -version 2>&1 || true) | head -n1)"
echo
echo "| server | case | conc | conn/s | p50 ms | p99 ms | errors |"
echo "|---|---|---:|---:|---:|---:|---:|"
for k in "${ROWS[@]}"; do
    IFS='|' read -r s c n <<<"$k"
    e=${R_ERR[$k]}; [ "${R_EMPTY[$k]:-0}" = 0 ] || e="$e (+${R_EMPTY[$k]} empty)"
    echo "| $s | $c | $n | $(fmt_int "${R_CPS[$k]}") | ${R_P50[$k]} | ${R_P99[$k]} | $e |"
done

echo
echo "| server | case | conc | server CPU us/conn (user+sys, reaped children included) |"
echo "|---|---|---:|---:|"
for k in "${ROWS[@]}"; do
    IFS='|' read -r s c n <<<"$k"
    echo "| $s | $c | $n | ${R_CPU[$k]} |"
done

if [[ " $SERVERS " == *" xinetd "* && " $SERVERS " == *" jinetd "* ]]; then
    echo
    echo "| ratio jinetd/xinetd | conc | conn/s | p99 |"
    echo "|---|---:|---:|---:|"
    for c in $CASES; do [[ $c == proxy* || $c == echo ]] && continue; for n in $CONCS; do
        echo "| $c | $n | $(ratio "${R_CPS[jinetd|$c|$n]}" "${R_CPS[xinetd|$c|$n]}") | $(ratio "${R_P99[jinetd|$c|$n]}" "${R_P99[xinetd|$c|$n]}") |"
    done; done
fi
if [[ " $TLS_SERVERS " == *" stunnel-xinetd "* ]]; then
    echo
    version=$( (stunnel -version 2>&1 || true) | awk '/^stunnel [0-9]/ { v = $1 " " $2 } END { print v }')
    echo "TLS: full TLS 1.3 handshakes, an $TLS_KEY certificate, ${version:-stunnel}, bench/tlsbench.c"
    echo
    echo "| TLS: ratio to stunnel+xinetd's hello | case | conc | conn/s | p99 | server CPU/conn |"
    echo "|---|---|---:|---:|---:|---:|"
    for s in $TLS_SERVERS; do
        [ "$s" = stunnel-xinetd ] && continue
        for c in hello daytime; do for n in $CONCS; do
            [ -n "${R_CPS[$s|$c|$n]:-}" ] || continue
            echo "| $s | $c | $n | $(ratios "${A_CPS[$s|$c|$n]}" "${A_CPS[stunnel-xinetd|hello|$n]}") | $(ratios "${A_P99[$s|$c|$n]}" "${A_P99[stunnel-xinetd|hello|$n]}") | $(ratios "${A_CPU[$s|$c|$n]}" "${A_CPU[stunnel-xinetd|hello|$n]}") |"
        done; done
    done
fi
if [[ " $SERVERS " == *" jinetd "* && " $SERVERS " == *" jinetd-info "* ]]; then
    echo
    echo "| logging cost: jinetd-info/jinetd (warn) | conc | conn/s | p99 |"
    echo "|---|---:|---:|---:|"
    for c in $CASES; do for n in $CONCS; do
        echo "| $c | $n | $(ratio "${R_CPS[jinetd-info|$c|$n]}" "${R_CPS[jinetd|$c|$n]}") | $(ratio "${R_P99[jinetd-info|$c|$n]}" "${R_P99[jinetd|$c|$n]}") |"
    done; done
fi

if [[ " $CASES " == *" proxy"* ]]; then
    echo
    echo "| PROXY header cost: with it / without | conc | conn/s | p99 | server CPU/conn |"
    echo "|---|---:|---:|---:|---:|"
    for s in $SERVERS; do
        [[ $s == jinetd* ]] || continue
        for pair in "proxy hello" "proxy-daytime daytime" "proxy-echo echo"; do
            read -r with without <<<"$pair"
            [[ " $CASES " == *" $with "* && " $CASES " == *" $without "* ]] || continue
            for n in $CONCS; do
                echo "| $s $with/$without | $n | $(ratios "${A_CPS[$s|$with|$n]}" "${A_CPS[$s|$without|$n]}") | $(ratios "${A_P99[$s|$with|$n]}" "${A_P99[$s|$without|$n]}") | $(ratios "${A_CPU[$s|$with|$n]}" "${A_CPU[$s|$without|$n]}") |"
            done
        done
    done
fi

echo
echo "| server (bench table) | VmRSS idle (2 s after ready) | wake-ups a second, idle after the runs ($IDLE_SECONDS s from 7 s later) | VmRSS after the runs | 7 s later | VmHWM |"
echo "|---|---:|---:|---:|---:|---:|"
for s in $SERVERS $TLS_SERVERS; do
    echo "| $s | $((RSS_IDLE[$s] / 1024)) MiB (${RSS_IDLE[$s]} kB) | ${WAKE_IDLE[$s]} | $((RSS_LOAD[$s] / 1024)) MiB | $((RSS_QUIET[$s] / 1024)) MiB | $((HWM[$s] / 1024)) MiB |"
done
for s in $SERVERS; do
    [ -n "${SPAWNER_RSS[$s]:-}" ] && [ "${SPAWNER_RSS[$s]}" != none ] || continue
    echo
    echo "$s's spawners after the runs (VmRSS / Pss): ${SPAWNER_RSS[$s]}"
done
if [ "${#FIRST_MS[@]}" -gt 0 ]; then
    echo
    echo "| spawner of nobody after its idle close | each |"
    echo "|---|---|"
    echo "| first connection (connect to the program's line, ms) | ${FIRST_MS[*]} |"
    echo "| the spawner ready after (its log line) | ${READY_S[*]} |"
    echo "| its memory 2 s later (VmRSS / Pss) | ${FIRST_RSS[*]} |"
fi

if [ "$STARTUP" = 1 ]; then
    echo
    sum=0; for v in "${STARTUP_MS[@]}"; do sum=$((sum + v)); done
    rsum=0; for v in "${STARTUP_RSS[@]}"; do rsum=$((rsum + v)); done
    echo "jinetd start-up on $EXAMPLE_TABLE (launcher exec to 'ready:', $STARTS starts): mean $((sum / ${#STARTUP_MS[@]})) ms (each: ${STARTUP_MS[*]})"
    echo
    echo "jinetd idle VmRSS on $EXAMPLE_TABLE (2 s after ready): mean $((rsum / ${#STARTUP_RSS[@]} / 1024)) MiB (each, kB: ${STARTUP_RSS[*]})"
fi
