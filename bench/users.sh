#!/usr/bin/env bash
# What jinetd costs while programs of many users run at once: one service per user, each run
# as its own system user (`sleep 60`), one client held on each, and once every program runs,
# the RSS and PSS of each of jinetd's processes (the daemon and every spawner, each a JVM of
# its user), added up, beside the programs' own RSS, which is the users' work, not jinetd's.
# Users past max_spawners have their programs started through setpriv, with no spawner.
#
#   ./mvnw -B -q package -DskipTests && sudo bench/users.sh
#   sudo MAX_SPAWNERS=3 bench/users.sh
#
# Environment (all optional):
#   JINETD_HOME   jinetd distribution; default ../daemon/target/jinetd
#   USERS         users, one service each (12): jinetd-bench-01 .. jinetd-bench-NN, made as
#                 system users (no home, nologin) where missing and removed at exit
#   MAX_SPAWNERS  the table's max_spawners (unset: the table leaves it to its default, 8)
#   WAIT_SECONDS  how long every program may take to start (120: twelve JVMs on two cores)
#   SETTLE        seconds between the last program's start and the reading, as memory.sh
#                 waits after ready (2)
#   JINETD_JAVA_OPTS, JINETD_SPAWNER_JAVA_OPTS  passed through to the launcher
#   KEEP_WORK=1   keep the temp work dir (table, daemon log, status) instead of deleting it
# Runs as root (the programs and spawners are the users'). Only 127.0.0.1 is contacted.
# Markdown goes to stdout, progress to stderr.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd -P)
JINETD_HOME=${JINETD_HOME:-"$here/../daemon/target/jinetd"}
USERS=${USERS:-12}
MAX_SPAWNERS=${MAX_SPAWNERS:-}
WAIT_SECONDS=${WAIT_SECONDS:-120}
SETTLE=${SETTLE:-2}
HOST=127.0.0.1

log() { printf '[users %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
die() { log "error: $*"; exit 1; }

[ "$(id -u)" = 0 ] || die "run as root (the programs and spawners are other users')"
[ -d "$JINETD_HOME" ] || die "no jinetd distribution at $JINETD_HOME (build with ./mvnw -B -q package -DskipTests)"
JINETD_HOME=$(cd "$JINETD_HOME" && pwd -P)
jinetd=$JINETD_HOME/bin/jinetd
[ -x "$jinetd" ] || die "no launcher at $jinetd (build with ./mvnw -B -q package -DskipTests)"
for v in USERS WAIT_SECONDS SETTLE; do
    [[ ${!v} =~ ^[0-9]+$ ]] || die "$v must be a whole number (is '${!v}')"
done
[[ -z $MAX_SPAWNERS || $MAX_SPAWNERS =~ ^[0-9]+$ ]] || die "MAX_SPAWNERS must be a whole number (is '$MAX_SPAWNERS')"
{ [ "$USERS" -ge 1 ] && [ "$USERS" -le 99 ]; } || die "USERS must be 1 to 99 (is $USERS)"
for c in useradd userdel getent; do command -v "$c" >/dev/null || die "needs $c"; done

# ---------------------------------------------------------------- process bookkeeping
WORK=$(mktemp -d "${TMPDIR:-/tmp}/jinetd-users.XXXXXX")
chmod 755 "$WORK"
declare -a PIDS=()       # the daemon, stopped by users_cleanup with lib.sh's stop_pid
declare -a CREATED=()    # users this run made, removed at exit
declare -a CLIENTS=()    # descriptors of the held clients
declare -a SEEN=()       # the daemon's descendants last seen, ended if the daemon leaves any
declare -A UID_USER=()   # uid -> user name, of the users this run serves
DPID=""; RUNNING=0

# stop_pid, port_in_use, free_port; its cleanup is replaced by users_cleanup below
. "$here/lib.sh"

users_cleanup() {   # clients closed, the daemon stopped, what it left ended, our users removed
    local rc=$? fd p u
    trap - EXIT INT TERM
    set +e
    for fd in "${CLIENTS[@]}"; do exec {fd}>&- 2>/dev/null || true; done
    for p in "${PIDS[@]}"; do stop_pid "$p"; done
    PIDS=()
    # A daemon killed before it drained leaves its spawners and programs to init.
    for p in "${SEEN[@]}"; do
        u=$(uid_of "$p")
        [ -n "${u:-}" ] && [ -n "${UID_USER[$u]:-}" ] && kill -KILL "$p" 2>/dev/null
    done
    for u in "${CREATED[@]}"; do
        userdel "$u" 2>/dev/null || { sleep 0.5; userdel "$u" || log "could not remove user $u"; }
    done
    if [ "${KEEP_WORK:-0}" = 1 ]; then log "work dir kept: $WORK"; else rm -rf "$WORK"; fi
    exit "$rc"
}
trap users_cleanup EXIT


# ---------------------------------------------------------------- helpers


user_name() { printf 'jinetd-bench-%02d' "$1"; }

descendants() {   # descendants PID: every process below PID, one a line
    local c
    for c in $(cat /proc/"$1"/task/*/children 2>/dev/null); do
        echo "$c"; descendants "$c"
    done
}

uid_of() { awk '/^Uid:/ {print $2}' "/proc/$1/status" 2>/dev/null; }
ppid_of() { awk '/^PPid:/ {print $2}' "/proc/$1/status" 2>/dev/null; }
rss_of() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status" 2>/dev/null; }
pss_of() { awk '/^Pss:/ {print $2}' "/proc/$1/smaps_rollup" 2>/dev/null; }
cmd_of() { tr '\0' ' ' < "/proc/$1/cmdline" 2>/dev/null; }
is_program() { [ "$(cmd_of "$1")" = "/bin/sleep 60 " ]; }

count_programs() {   # RUNNING: how many users have their program (sleep 60, as them) running
    local p u; local -A have=()
    SEEN=()
    for p in $(descendants "$DPID"); do
        SEEN+=("$p")
        is_program "$p" || continue
        u=$(uid_of "$p")
        [ -n "${u:-}" ] && [ -n "${UID_USER[$u]:-}" ] && have[$u]=1
    done
    RUNNING=${#have[@]}
}

mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }


# ---------------------------------------------------------------- users and table
for ((i = 1; i <= USERS; i++)); do
    u=$(user_name "$i")
    if ! getent passwd "$u" >/dev/null; then
        useradd --system --no-create-home --shell /usr/sbin/nologin "$u"
        CREATED+=("$u")
    fi
    UID_USER[$(id -u "$u")]=$u
done
log "users: $USERS (${#CREATED[@]} made for this run)"

declare -a PORT=()
for ((i = 1; i <= USERS; i++)); do PORT[i]=$(free_port); done
table=$WORK/services.yaml
{
    [ -z "$MAX_SPAWNERS" ] || echo "max_spawners: $MAX_SPAWNERS"
    echo "control_socket: $WORK/control.sock"
    echo "shutdown_grace: 1s"
    echo "defaults: {bind: $HOST}"
    echo "services:"
    for ((i = 1; i <= USERS; i++)); do
        echo "  u$i: {port: ${PORT[i]}, user: $(user_name "$i"), exec: [/bin/sleep, \"60\"]}"
    done
} > "$table"
"$jinetd" check -c "$table" > "$WORK/check.out" 2>&1 || { cat "$WORK/check.out" >&2; die "the table does not pass check"; }


# ---------------------------------------------------------------- the daemon and its clients
log "starting jinetd run (max_spawners ${MAX_SPAWNERS:-default})"
"$jinetd" run -c "$table" 2> "$WORK/run.log" &
DPID=$!
PIDS+=("$DPID")
for ((i = 0; i < 600; i++)); do
    grep -q 'ready:' "$WORK/run.log" && break
    kill -0 "$DPID" 2>/dev/null || { tail -n 20 "$WORK/run.log" >&2; die "jinetd exited before it was ready"; }
    sleep 0.05
done
grep -q 'ready:' "$WORK/run.log" || { tail -n 20 "$WORK/run.log" >&2; die "jinetd not ready after 30 s"; }

for ((i = 1; i <= USERS; i++)); do
    exec {fd}<>"/dev/tcp/$HOST/${PORT[i]}" || die "could not connect to u$i on $HOST:${PORT[i]}"
    CLIENTS+=("$fd")
done
log "$USERS clients held; waiting for every program (at most $WAIT_SECONDS s)"

start=$SECONDS
while :; do
    count_programs
    [ "$RUNNING" -ge "$USERS" ] && break
    kill -0 "$DPID" 2>/dev/null || { tail -n 20 "$WORK/run.log" >&2; die "jinetd exited while programs started"; }
    [ $((SECONDS - start)) -lt "$WAIT_SECONDS" ] || { tail -n 20 "$WORK/run.log" >&2; die "$RUNNING of $USERS programs running after $WAIT_SECONDS s"; }
    sleep 0.2
done
log "all $USERS programs running after $((SECONDS - start)) s; reading memory in $SETTLE s"
sleep "$SETTLE" & wait $!   # a signal meanwhile is handled at once, not after the sleep
count_programs
[ "$RUNNING" -ge "$USERS" ] || die "only $RUNNING of $USERS programs still running when read"
"$jinetd" status -c "$table" > "$WORK/status.out" 2>&1 || true


# ---------------------------------------------------------------- the reading
declare -a ROWS=()
total_rss=0; total_pss=0; prog_rss=0; prog_pss=0; via_spawner=0; via_setpriv=0; spawners=0
row() {   # row ROLE PID: a line of the table, added to jinetd's totals
    local rss pss; rss=$(rss_of "$2"); pss=$(pss_of "$2")
    { [ -n "$rss" ] && [ -n "$pss" ]; } || die "pid $2 ($1) left before it was read"
    total_rss=$((total_rss + rss)); total_pss=$((total_pss + pss))
    ROWS+=("| $1 | $2 | $(mib "$rss") | $(mib "$pss") |")
}
row daemon "$DPID"
for p in $(descendants "$DPID"); do
    if is_program "$p"; then
        r=$(rss_of "$p"); s=$(pss_of "$p")
        prog_rss=$((prog_rss + ${r:-0})); prog_pss=$((prog_pss + ${s:-0}))
        if [ "$(ppid_of "$p")" = "$DPID" ]; then via_setpriv=$((via_setpriv + 1)); else via_spawner=$((via_spawner + 1)); fi
    elif cmd_of "$p" | grep -q 'java'; then
        u=$(uid_of "$p"); spawners=$((spawners + 1))
        row "spawner of ${UID_USER[$u]:-uid $u}" "$p"
    else
        row "$(cmd_of "$p" | cut -c1-40)" "$p"
    fi
done

status_spawners=$(awk '/^SPAWNER OF/ {f = 1; next} f && NF {n++} END {print n + 0}' "$WORK/status.out")
status_programs=$(sed -n 's/.* \([0-9]*\) programs\{0,1\} running.*/\1/p' "$WORK/status.out" | head -n 1)

if [ -n "$MAX_SPAWNERS" ]; then cap="max_spawners: $MAX_SPAWNERS"; else cap="max_spawners left to its default (8)"; fi
cat <<EOF
### $USERS users, $cap

| process | pid | RSS MiB | PSS MiB |
|---|---:|---:|---:|
EOF
printf '%s\n' "${ROWS[@]}"
if [ "${#ROWS[@]}" = 1 ]; then what="1 process"; else what="${#ROWS[@]} processes"; fi
printf '| **jinetd in all** (%s) | | **%s** | **%s** |\n' "$what" "$(mib "$total_rss")" "$(mib "$total_pss")"
printf '| the programs themselves (%d × sleep, not counted above) | | %s | %s |\n\n' \
    "$((via_spawner + via_setpriv))" "$(mib "$prog_rss")" "$(mib "$prog_pss")"
echo "Programs through a spawner: $via_spawner; through setpriv (past max_spawners): $via_setpriv;" \
     "spawners: $spawners (\`jinetd status\` lists $status_spawners, ${status_programs:-?} programs running)."
aim=$((200 * 1000 * 1000 / 1024))   # 200 MB in KiB
if [ "$total_rss" -le "$aim" ]; then verdict="meets"; else verdict="does not meet"; fi
echo "jinetd's processes together: $(mib "$total_rss") MiB RSS ($total_rss KiB), $(mib "$total_pss") MiB PSS;" \
     "this $verdict the aim for programs of 12 users at once, at most 200 MB ($aim KiB, $(mib "$aim") MiB)" \
     "of RSS in all$([ "$USERS" = 12 ] || echo " (this run had $USERS users)")."
