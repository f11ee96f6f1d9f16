#!/usr/bin/env bash
# Hostile clients and programs against the built daemon, one at a time, each while a
# well-behaved client measures the rate it still gets from another service. For each:
# the daemon's RSS, threads and descriptors before and after, the CPU it used, and the
# well-behaved client's connections a second and errors, next to the same client alone.
#
#   bench/hostile.sh
#   HOSTILE_SECONDS=5 bench/hostile.sh
#
# Environment (all optional):
#   JINETD_HOME      jinetd distribution (bin/jinetd, lib/); default ../daemon/target/jinetd
#   HOSTILE_SECONDS  length of each attack (10)
#   HOSTILE_CASES    which attacks, in order (all of them: "none slowloris-handler slowloris-program
#                    noread reset-flood udp-flood udp-reflect stderr-flood fork-and-ignore tls-half-hello")
#                    udp-reflect: 2000 forged sources (as many 127.x addresses) ask the UDP chargen for
#                    replies; the reply bytes a second they get back in all is what a victim would
#                    get, bounded by datagram_reply_rate (256K in this table)
#                    tls-half-hello: 400 connections to a tls: service that each send half a
#                    ClientHello and wait, opened again as the daemon closes them at its
#                    handshake_timeout (5 s); no program may start for any of them
#   BENCH_KIT        folder with connbench.c (../shared/bench beside the repository)
#   KEEP_WORK        1 keeps the work dir (daemon log, client outputs)
# Only loopback addresses are used. The table reader's fuzzer is a test:
# daemon/src/test/java/org/jinetd/daemon/config/TableFuzzTest.java.
# Exit status 0 when the daemon lived through every attack and the well-behaved client
# got no error, 1 otherwise.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd -P)
JINETD_HOME=${JINETD_HOME:-"$here/../daemon/target/jinetd"}
JINETD_HOME=$(cd "$JINETD_HOME" && pwd -P)
HOSTILE_SECONDS=${HOSTILE_SECONDS:-10}
HOSTILE_CASES=${HOSTILE_CASES:-"none slowloris-handler slowloris-program noread reset-flood udp-flood udp-reflect stderr-flood fork-and-ignore tls-half-hello"}
BENCH_KIT=${BENCH_KIT:-"$here/../../shared/bench"}
HOST=127.0.0.1

log() { printf '[hostile %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
die() { log "error: $*"; exit 1; }

[ -x "$JINETD_HOME/bin/jinetd" ] || die "no jinetd launcher at $JINETD_HOME/bin/jinetd (set JINETD_HOME)"
[ -f "$BENCH_KIT/connbench.c" ] || die "missing $BENCH_KIT/connbench.c (set BENCH_KIT)"
[[ $HOSTILE_SECONDS =~ ^[1-9][0-9]*$ ]] || die "HOSTILE_SECONDS must be a whole number"
command -v python3 >/dev/null || die "needs python3"
command -v cc >/dev/null || die "needs a C compiler (cc)"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/jinetd-hostile.XXXXXX")
declare -a PIDS=()
. "$here/lib.sh"

cc -O2 -pthread -o "$WORK/connbench" "$BENCH_KIT/connbench.c"
P_GOOD=$(free_port); P_ECHO=$(free_port); P_CAT=$(free_port); P_UDP=$(free_port)
P_NOISY=$(free_port); P_FORK=$(free_port); P_TLS=$(free_port); P_CHARGEN=$(free_port)
# The TLS service's certificate, its key 0600 as the daemon requires; each program it starts adds a line.
(umask 077 && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$WORK/tls.key" \
    -out "$WORK/tls.pem" -days 2 -subj /CN=localhost 2>/dev/null) || die "openssl could not make a certificate"
chmod 644 "$WORK/tls.pem"
: > "$WORK/tls-programs"
cat > "$WORK/hostile.yaml" <<EOF
control_socket: none
max_connections: 4096
datagram_reply_rate: 256K
defaults: {bind: $HOST, user: root}
services:
  good: {port: $P_GOOD, handler: daytime, instances: unlimited}
  echo: {port: $P_ECHO, handler: echo, instances: 256, per_source: 256, timeout_idle: 5s}
  cat: {port: $P_CAT, exec: [/bin/cat], instances: 128, timeout_idle: 5s}
  echo-udp: {port: $P_UDP, protocol: udp, handler: echo}
  chargen-udp: {port: $P_CHARGEN, protocol: udp, handler: chargen}
  noisy: {port: $P_NOISY, exec: [/bin/sh, -c, 'head -c 20000000 /dev/zero >&2; yes line | head -n 50000 >&2; echo done'], instances: 8}
  forker: {port: $P_FORK, exec: [/bin/sh, -c, 'trap "" TERM; (trap "" TERM; exec sleep 120) & echo forked; wait'],
           instances: 32, timeout_max: 1s, kill_grace: 1s}
  tls: {port: $P_TLS, exec: [/bin/sh, -c, 'echo ran >> $WORK/tls-programs; echo ran'], instances: 1024,
        tls: {certificate: $WORK/tls.pem, key: $WORK/tls.key, handshake_timeout: 5s}}
EOF
"$JINETD_HOME/bin/jinetd" check -c "$WORK/hostile.yaml" >/dev/null || die "the table does not check"
DLOG="$WORK/jinetd.log"
JINETD_LOG_LEVEL=warn "$JINETD_HOME/bin/jinetd" run -c "$WORK/hostile.yaml" 2>"$DLOG" </dev/null &
DPID=$!; PIDS+=("$DPID")
for ((i = 0; i < 600; i++)); do grep -q 'ready:' "$DLOG" && break; kill -0 "$DPID" || die "jinetd exited"; sleep 0.05; done
grep -q 'ready:' "$DLOG" || die "jinetd not ready after 30 s"

rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$DPID/status"; }
threads() { awk '/^Threads:/ { print $2 }' "/proc/$DPID/status"; }
fds() { ls "/proc/$DPID/fd" | wc -l; }
cpu_s() { awk -v hz="$(getconf CLK_TCK)" '{ sub(/.*\) /, ""); split($0, f, " "); printf "%.2f", (f[12] + f[13]) / hz }' "/proc/$DPID/stat"; }
field() { sed -n "s/.*\b$1=\([0-9.]*\).*/\1/p" <<<"$2" | head -n 1; }

cat > "$WORK/attack.py" <<'PY'
# One attack against the daemon on loopback, for SECONDS; prints what it did.
import os, socket, struct, sys, threading, time
kind, host, port, seconds = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
deadline = time.monotonic() + seconds
done = {"n": 0}
lock = threading.Lock()
def slowloris(count):
    socks = []
    for i in range(count):
        try:
            s = socket.create_connection((host, port), timeout=5)
            socks.append(s)
        except OSError:
            pass
    while time.monotonic() < deadline:
        for s in list(socks):
            try:
                s.send(b"x")
                done["n"] += 1
            except OSError:
                socks.remove(s)
        time.sleep(0.5)
    return "open=%d trickled=%d" % (len(socks), done["n"])
def noread(count):
    chunk = b"y" * 65536
    def one():
        # Up to 1 GiB each, reading nothing; a connection the daemon ends (timeout_idle) is opened again.
        sent = 0
        while time.monotonic() < deadline and sent < (1 << 30):
            try:
                s = socket.create_connection((host, port), timeout=1)
                s.settimeout(0.5)
                while time.monotonic() < deadline and sent < (1 << 30):
                    try:
                        sent += s.send(chunk)
                    except socket.timeout:
                        pass
                s.close()
            except OSError:
                time.sleep(0.1)
        with lock:
            done["n"] += sent
    ts = [threading.Thread(target=one) for _ in range(count)]
    [t.start() for t in ts]; [t.join() for t in ts]
    return "sent_mb=%d" % (done["n"] >> 20)
def reset_flood():
    n = 0
    while time.monotonic() < deadline:
        s = socket.socket()
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        try:
            s.connect((host, port))
            if n % 2:
                s.send(b"half")
        except OSError:
            pass
        s.close()
        n += 1
    return "resets=%d" % n
def sources(count, first):
    # As many UDP sockets, each on an address of its own in 127.FIRST.0.0/16 and up.
    socks = []
    for i in range(count):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind(("127.%d.%d.%d" % (first + i // 65536, (i // 256) % 256, 1 + i % 250), 0))
        s.setblocking(False)
        socks.append(s)
    return socks
def udp_flood(count):
    socks = sources(count, 10)
    n = 0
    while time.monotonic() < deadline:
        for s in socks:
            try:
                s.sendto(b"flood", (host, port))
                n += 1
            except OSError:
                pass
    return "datagrams=%d sources=%d" % (n, count)
def udp_reflect(count):
    # As udp_flood, each source also reading what comes back: what a forged victim receives.
    socks = sources(count, 20)
    n = got = 0
    start = time.monotonic()
    while time.monotonic() < deadline:
        for s in socks:
            try:
                s.sendto(b"x", (host, port))
                n += 1
            except OSError:
                pass
            try:
                while True:
                    got += len(s.recv(65536))
            except OSError:
                pass
    seconds = time.monotonic() - start
    return "datagrams=%d sources=%d reply_kib_per_s=%d (sent %d B, %.0fx)" % (
        n, count, got / 1024 / seconds, n, got / max(n, 1))
def half_hello():
    # A real ClientHello (Python's own TLS client), of which each connection sends half.
    import ssl
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
    tls = context.wrap_bio(incoming, outgoing, server_hostname="localhost")
    try:
        tls.do_handshake()
    except ssl.SSLWantReadError:
        pass
    return outgoing.read()
def tls_half(count):
    hello = half_hello()
    half = hello[:len(hello) // 2]
    opened = {"n": 0}
    def one():
        # Half a hello, then silence; a connection the daemon closes is opened again.
        while time.monotonic() < deadline:
            try:
                s = socket.create_connection((host, port), timeout=5)
                with lock:
                    opened["n"] += 1
                s.sendall(half)
                s.settimeout(max(0.1, deadline - time.monotonic()))
                try:
                    s.recv(1)
                except (socket.timeout, OSError):
                    pass
                s.close()
            except OSError:
                time.sleep(0.1)
    ts = [threading.Thread(target=one) for _ in range(count)]
    [t.start() for t in ts]; [t.join() for t in ts]
    return "connections=%d hello_bytes=%d of %d" % (opened["n"], len(half), len(hello))
out = {"slowloris": lambda: slowloris(400), "noread": lambda: noread(32), "reset": reset_flood,
       "udp": lambda: udp_flood(2000), "reflect": lambda: udp_reflect(2000),
       "tlshalf": lambda: tls_half(400)}[kind]()
print(out)
PY

attack() {   # attack CASE: starts the attack for HOSTILE_SECONDS in the background (APID), output to attack-CASE.out
    local out="$WORK/attack-$1.out"
    case $1 in
        none) sleep "$HOSTILE_SECONDS" >"$out" & ;;
        slowloris-handler) python3 "$WORK/attack.py" slowloris "$HOST" "$P_ECHO" "$HOSTILE_SECONDS" >"$out" & ;;
        slowloris-program) python3 "$WORK/attack.py" slowloris "$HOST" "$P_CAT" "$HOSTILE_SECONDS" >"$out" & ;;
        noread) python3 "$WORK/attack.py" noread "$HOST" "$P_ECHO" "$HOSTILE_SECONDS" >"$out" & ;;
        reset-flood) python3 "$WORK/attack.py" reset "$HOST" "$P_ECHO" "$HOSTILE_SECONDS" >"$out" & ;;
        udp-flood) python3 "$WORK/attack.py" udp "$HOST" "$P_UDP" "$HOSTILE_SECONDS" >"$out" & ;;
        udp-reflect) python3 "$WORK/attack.py" reflect "$HOST" "$P_CHARGEN" "$HOSTILE_SECONDS" >"$out" & ;;
        stderr-flood) "$WORK/connbench" "$HOST" "$P_NOISY" 4 "$HOSTILE_SECONDS" >"$out" 2>/dev/null & ;;
        fork-and-ignore) "$WORK/connbench" "$HOST" "$P_FORK" 8 "$HOSTILE_SECONDS" >"$out" 2>/dev/null & ;;
        tls-half-hello) python3 "$WORK/attack.py" tlshalf "$HOST" "$P_TLS" "$HOSTILE_SECONDS" >"$out" & ;;
        *) die "unknown case '$1'" ;;
    esac
    APID=$!
    PIDS+=("$APID")
}

leftover_sleepers() { pgrep -c -x -f 'sleep 120' || true; }

status=0
printf '| attack | what it did | RSS MB before → after | threads | fds | daemon CPU s | good conn/s | good errors |\n'
printf '|---|---|---:|---:|---:|---:|---:|---:|\n'
for c in $HOSTILE_CASES; do
    r0=$(rss_kb); t0=$(threads); f0=$(fds); cpu0=$(cpu_s)
    log "$c: ${HOSTILE_SECONDS}s"
    attack "$c"
    good=$("$WORK/connbench" "$HOST" "$P_GOOD" 4 "$HOSTILE_SECONDS" 2>/dev/null || true)
    wait "$APID" 2>/dev/null || true
    what=$(tail -n 1 "$WORK/attack-$c.out" 2>/dev/null | sed 's/ p50_ms=.*//' || true)
    # What the attack left behind has timed out (timeout_idle 5 s, kill_grace 1 s) before the after figures.
    sleep 7
    kill -0 "$DPID" 2>/dev/null || { log "$c: the daemon died"; status=1; break; }
    r1=$(rss_kb); t1=$(threads); f1=$(fds); cpu1=$(cpu_s)
    errs=$(field errors "$good"); rate=$(field conn_per_s "$good")
    [ "${errs:-1}" = 0 ] || status=1
    extra=""
    if [ "$c" = fork-and-ignore ]; then
        n=$(leftover_sleepers); extra=" (grandchildren left: $n)"; [ "$n" = 0 ] || status=1
    fi
    if [ "$c" = tls-half-hello ]; then
        # No unfinished handshake may start a program; each was refused as tls_timeout (counted, throttled).
        n=$(grep -c . "$WORK/tls-programs" || true); extra=" (programs started: $n)"; [ "$n" = 0 ] || status=1
    fi
    printf '| %s | %s%s | %d → %d | %s → %s | %s → %s | %.1f | %s | %s |\n' "$c" "${what:-}" "$extra" \
        $((r0 / 1024)) $((r1 / 1024)) "$t0" "$t1" "$f0" "$f1" "$(awk -v a="$cpu0" -v b="$cpu1" 'BEGIN { print b - a }')" \
        "${rate:-?}" "${errs:-?}"
done
log "daemon log: $(grep -c . "$DLOG") lines at JINETD_LOG_LEVEL=warn; $(grep -c 'stderr_unlogged=' "$DLOG" || true) stderr_unlogged lines, $(grep -c 'cut at 4096' "$DLOG" || true) cut lines"
exit "$status"
