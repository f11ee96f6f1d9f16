# Shared by run.sh, soak.sh and storm.sh: processes started and stopped, free ports, and
# the clean-up at exit. Sourced after the script defines log and die, WORK and PIDS.

stop_pid() {   # stop_pid PID: SIGTERM, wait up to 10 s, then SIGKILL; reaps it
    local pid=$1 i
    kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
    kill -TERM "$pid" 2>/dev/null || true
    local state
    for ((i = 0; i < 200; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        # a zombie child still answers kill -0; wait reaps it once it has exited (bash may reap
        # it by itself meanwhile, and then its status is gone: gone too)
        # (awk fails where the process is gone meanwhile: under set -e, that must not end the script)
        state=$(awk '/^State:/ {print $2}' "/proc/$pid/status" 2>/dev/null || true)
        if [ -z "$state" ] || [ "$state" = Z ]; then break; fi
        sleep 0.05
    done
    # Only when the 10 s are used up: a pid found gone may be another process's by now.
    if [ "$i" = 200 ]; then
        log "pid $pid ignored SIGTERM for 10 s; SIGKILL"
        kill -KILL "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
}

port_in_use() {   # any TCP or UDP socket, any state, with this local port (IPv4 or IPv6)
    local hex; hex=$(printf ':%04X' "$1")
    awk -v h="$hex" 'FNR > 1 && substr($2, length($2) - 4) == h { f = 1 } END { exit !f }' \
        /proc/net/tcp /proc/net/tcp6 /proc/net/udp /proc/net/udp6 2>/dev/null
}

# free_port is called as $(free_port), in a subshell: what it has handed out is kept in a
# file of the work dir, not in a variable, which the subshell would lose.
free_port() {   # a free port below the ephemeral range, not handed out before in this run
    local p i lo hi given=$WORK/.ports-given
    read -r lo _ < /proc/sys/net/ipv4/ip_local_port_range
    hi=$((lo - 1)); [ "$hi" -gt 20000 ] || hi=65000
    for ((i = 0; i < 1000; i++)); do
        p=$((20000 + RANDOM % (hi - 20000)))
        grep -qx "$p" "$given" 2>/dev/null && continue
        port_in_use "$p" && continue
        echo "$p" >> "$given" || die "cannot write $given"
        echo "$p"; return 0
    done
    die "no free port found"
}

cleanup() {   # at exit: every process in PIDS stopped; WORK deleted unless KEEP_WORK=1
    local rc=$? p
    trap - EXIT INT TERM
    for p in "${PIDS[@]}"; do stop_pid "$p"; done
    if [ "${KEEP_WORK:-0}" = 1 ]; then log "work dir kept: $WORK"; else rm -rf "$WORK"; fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
