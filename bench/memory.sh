#!/usr/bin/env bash
# Where the memory of jinetd's JVMs goes: Native Memory Tracking's summary (committed KiB by
# category) and the classes each loads (and how many of them come from the AOT cache), for
# `run` (the daemon on a small table, idle, 2 s after ready), `check`, `status` and a
# spawner (user nobody's, while it runs a program), with each one's RSS beside.
#
#   ./mvnw -B -q package -DskipTests && sudo bench/memory.sh
#
# Environment (all optional):
#   JINETD_HOME   jinetd distribution; default ../daemon/target/jinetd
#   JINETD_JAVA_OPTS, JINETD_SPAWNER_JAVA_OPTS  flags to try, for the daemon and its commands, and for
#                 the spawner (the tracking flags are added)
#   JCMD          jcmd of a JDK 25 (the distribution's runtime has none); default: the one
#                 beside `java` on PATH, or /usr/lib/jvm/*25*/bin/jcmd
# Runs as root (the spawner is nobody's). Tracking adds its own few hundred KiB, shown as
# "Native Memory Tracking". Only 127.0.0.1 is contacted. Markdown goes to stdout.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd -P)
JINETD_HOME=${JINETD_HOME:-"$here/../daemon/target/jinetd"}
JINETD_HOME=$(cd "$JINETD_HOME" && pwd -P)
jinetd=$JINETD_HOME/bin/jinetd
[ -x "$jinetd" ] || { echo "memory.sh: no launcher at $jinetd (build with ./mvnw -B -q package -DskipTests)" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "memory.sh: run as root (a spawner runs as nobody)" >&2; exit 1; }
JCMD=${JCMD:-$(ls /usr/lib/jvm/*25*/bin/jcmd 2>/dev/null | head -n 1 || true)}
[ -x "${JCMD:-}" ] || { echo "memory.sh: no jcmd of a JDK 25 (set JCMD)" >&2; exit 1; }
command -v python3 >/dev/null || { echo "memory.sh: needs python3" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/jinetd-memory.XXXXXX")
chmod 755 "$work"
mkdir "$work/nobody" && chown nobody "$work/nobody"   # where the spawner, as nobody, writes its class log
pid=""; client=""
cleanup() { [ -n "$client" ] && kill $client 2>/dev/null; [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
[ -n "${KEEP_WORK:-}" ] && trap - EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

p_hold=$(free_port)
table=$work/services.yaml
cat > "$table" <<TABLE
control_socket: $work/control.sock
defaults: {bind: 127.0.0.1}
services:
  echo: {port: $(free_port), handler: echo}
  daytime: {port: $(free_port), handler: daytime}
  daytime-udp: {port: $(free_port), protocol: udp, handler: daytime}
  hello: {port: $(free_port), exec: [/bin/echo, hello]}
  hold: {port: $p_hold, user: nobody, exec: [/bin/sleep, "60"]}
TABLE

nmt=-XX:NativeMemoryTracking=summary
classes_of() {   # classes_of LOGFILE: "N loaded, M from the AOT cache"
    printf '%s loaded, %s from the AOT cache' "$(grep -c 'source:' "$1" || true)" \
        "$(grep -c 'source: shared objects file' "$1" || true)"
}
rss_of() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
pss_of() { awk '/^Pss:/ {print $2}' "/proc/$1/smaps_rollup"; }

# The daemon, idle.
JINETD_JAVA_OPTS="${JINETD_JAVA_OPTS:-} $nmt -Xlog:class+load:file=$work/run.classes" \
JINETD_SPAWNER_JAVA_OPTS="${JINETD_SPAWNER_JAVA_OPTS:-} $nmt -XX:-DisableAttachMechanism -Xlog:class+load:file=$work/nobody/spawner.classes" \
    "$jinetd" run -c "$table" 2> "$work/run.log" &
pid=$!
for ((i = 0; i < 600; i++)); do grep -q 'ready:' "$work/run.log" && break; sleep 0.05; done
grep -q 'ready:' "$work/run.log" || { cat "$work/run.log" >&2; exit 1; }
sleep 2
"$JCMD" "$pid" VM.native_memory summary > "$work/run.nmt"
run_rss=$(rss_of "$pid"); run_pss=$(pss_of "$pid")

# check and status print the summary as they exit.
JINETD_JAVA_OPTS="${JINETD_JAVA_OPTS:-} $nmt -XX:+UnlockDiagnosticVMOptions -XX:+PrintNMTStatistics -Xlog:class+load:file=$work/check.classes" \
    "$jinetd" check -c "$table" > "$work/check.nmt"
JINETD_JAVA_OPTS="${JINETD_JAVA_OPTS:-} $nmt -XX:+UnlockDiagnosticVMOptions -XX:+PrintNMTStatistics -Xlog:class+load:file=$work/status.classes" \
    "$jinetd" status -c "$table" > "$work/status.nmt"

# The spawner of nobody, while it runs a program (sleep 60, held by a client). The first
# client's program goes through setpriv while the spawner starts; once the spawner has said
# it is ready, a second client's is the spawner's: a java child of the daemon with a sleep.
hold() { python3 -c 'import socket,sys,time; s=socket.create_connection(("127.0.0.1",int(sys.argv[1]))); time.sleep(120)' "$p_hold" & }
hold; client=$!
for ((i = 0; i < 400; i++)); do grep -q 'spawner of nobody (pid [0-9]*): ready' "$work/run.log" && break; sleep 0.05; done
hold; client="$client $!"
spawner=""
for ((i = 0; i < 400; i++)); do
    for child in $(cat /proc/"$pid"/task/*/children 2>/dev/null); do
        if [ "$(cat "/proc/$child/comm" 2>/dev/null)" = java ] && pgrep -P "$child" -x sleep >/dev/null; then
            spawner=$child
        fi
    done
    [ -n "$spawner" ] && break
    sleep 0.05
done
[ -n "$spawner" ] || { echo "memory.sh: no spawner of nobody started" >&2; exit 1; }
sleep 2
"$JCMD" "$spawner" VM.native_memory summary > "$work/spawner.nmt" || echo "(no tracking: this build gives the spawner no JINETD_SPAWNER_JAVA_OPTS)" > "$work/spawner.nmt"
sp_rss=$(rss_of "$spawner"); sp_pss=$(pss_of "$spawner")

python3 - "$work" "$run_rss" "$run_pss" "$sp_rss" "$sp_pss" \
    "$(classes_of "$work/run.classes")" "$(classes_of "$work/check.classes")" \
    "$(classes_of "$work/status.classes")" "$(classes_of "$work/nobody/spawner.classes")" <<'PY'
import re, sys
work = sys.argv[1]
names = ["run", "check", "status", "spawner"]
table, order = {}, []
for n in names:
    text = open(f"{work}/{n}.nmt").read()
    # jcmd says KB; the summary printed at exit says bytes.
    kib = lambda value, unit: int(value) if unit else int(value) // 1024
    for m in re.finditer(r"^-\s+(.+?) \(reserved=\d+(?:KB)?, committed=(\d+)(KB)?", text, re.M):
        cat = m.group(1).strip()
        if cat not in order:
            order.append(cat)
        table.setdefault(cat, {})[n] = kib(m.group(2), m.group(3))
    total = re.search(r"^Total: reserved=\d+(?:KB)?, committed=(\d+)(KB)?", text, re.M)
    table.setdefault("Total committed", {})[n] = kib(total.group(1), total.group(2)) if total else None
print("| committed KiB | run (idle) | check | status | spawner (one program) |")
print("|---|---:|---:|---:|---:|")
for cat in order + ["Total committed"]:
    row = table[cat]
    if cat != "Total committed" and all(row.get(n, 0) < 64 for n in names):
        continue
    print("| %s | %s |" % (cat, " | ".join(f"{row[n]:,}" if row.get(n) is not None else "-" for n in names)))
print("| RSS / PSS KiB | %s / %s | - | - | %s / %s |" % (f"{int(sys.argv[2]):,}", f"{int(sys.argv[3]):,}",
      f"{int(sys.argv[4]):,}", f"{int(sys.argv[5]):,}"))
print("| classes | %s |" % " | ".join(sys.argv[6:10]))
PY
