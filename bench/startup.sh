#!/usr/bin/env bash
# Start-up of the distribution: time from exec to `ready:`, the time of `jinetd check` and of
# `jinetd status` (against the running daemon), and the daemon's idle RSS; with the AOT cache
# and without it (JINETD_JAVA_OPTS=-XX:AOTMode=off), medians of RUNS runs each.
#
#   ./mvnw -B -q package -DskipTests && bench/startup.sh
#
# Environment (all optional):
#   JINETD_HOME   jinetd distribution; default ../daemon/target/jinetd
#   RUNS          runs of each measurement (7)
#   MODES         "cache nocache"; also "c2" (the cache, with -XX:TieredStopAtLevel=4)
# Only 127.0.0.1 is contacted (a table of its own on free ports). Markdown goes to stdout.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd -P)
JINETD_HOME=${JINETD_HOME:-"$here/../daemon/target/jinetd"}
JINETD_HOME=$(cd "$JINETD_HOME" && pwd -P)
RUNS=${RUNS:-7}
MODES=${MODES:-"cache nocache"}
jinetd=$JINETD_HOME/bin/jinetd
[ -x "$jinetd" ] || { echo "startup.sh: no launcher at $jinetd (build with ./mvnw -B -q package -DskipTests)" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/jinetd-startup.XXXXXX")
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
now_ns() { date +%s%N; }
median() { sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }

table=$work/services.yaml
cat > "$table" <<TABLE
control_socket: $work/control.sock
defaults: {bind: 127.0.0.1}
services:
  echo: {port: $(free_port), handler: echo}
  daytime: {port: $(free_port), handler: daytime}
  daytime-udp: {port: $(free_port), protocol: udp, handler: daytime}
  hello: {port: $(free_port), exec: [/bin/echo, hello]}
TABLE

echo "| AOT cache | ready ms | check ms | status ms | idle RSS MiB |"
echo "|---|---:|---:|---:|---:|"
for mode in $MODES; do
    opts=""
    case $mode in
        nocache) opts="-XX:AOTMode=off" ;;
        c2) opts="-XX:TieredStopAtLevel=4" ;;
    esac
    ready=() check=() status=() rss=()
    for ((i = 1; i <= RUNS; i++)); do
        t0=$(now_ns)
        JINETD_JAVA_OPTS="$opts" "$jinetd" check -c "$table" > /dev/null
        check+=($(( ($(now_ns) - t0) / 1000000 )))

        log=$work/run.log
        t0=$(now_ns)
        JINETD_JAVA_OPTS="$opts" "$jinetd" run -c "$table" 2> "$log" &
        pid=$!
        # The ready line's own timestamp (ms, UTC) is the ready time. The file is looked at
        # ten times a second: polling it faster costs the start a core of the two it runs on
        # (a grep and a sleep started every few ms), which made it look 150-200 ms slower.
        until grep -q 'ready:' "$log"; do
            kill -0 "$pid" 2>/dev/null || { cat "$log" >&2; exit 1; }
            sleep 0.1
        done
        stamp=$(grep -m1 'ready:' "$log" | grep -Eo '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z')
        ready+=($(( $(date -d "$stamp" +%s%3N) - t0 / 1000000 )))

        t0=$(now_ns)
        JINETD_JAVA_OPTS="$opts" "$jinetd" status -c "$table" > /dev/null
        status+=($(( ($(now_ns) - t0) / 1000000 )))

        sleep 3   # idle before the RSS reading
        rss+=($(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status"))
        kill -TERM "$pid"; wait "$pid" || true; pid=""
    done
    printf '| %s | %s | %s | %s | %s |\n' "$(case $mode in nocache) echo no ;; c2) echo "yes, C2" ;; *) echo yes ;; esac)" \
        "$(printf '%s\n' "${ready[@]}" | median)" "$(printf '%s\n' "${check[@]}" | median)" \
        "$(printf '%s\n' "${status[@]}" | median)" "$(( $(printf '%s\n' "${rss[@]}" | median) / 1024 ))"
    echo "$mode: ready ${ready[*]} ms; check ${check[*]} ms; status ${status[*]} ms; RSS ${rss[*]} kB" >&2
done
