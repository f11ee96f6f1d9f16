#!/usr/bin/env bash
# Makes DIST/lib/jinetd.aot, the AOT cache of the runtime in DIST/runtime: a training run of
# `jinetd run` through the launcher itself (so the cache is made with the very flags it is
# later used with) on a small table of its own, which serves a TCP, a UDP and a program
# connection, then stops on SIGTERM. The JVM writes the cache as it exits.
# And DIST/lib/spawner.aot, that of the spawner of one user (started with the flags the
# daemon gives it, trained by spawning a few hundred programs in the same JVM).
# Usage: train.sh DIST
set -euo pipefail

dist=$1
cache=$dist/lib/jinetd.aot
rm -f "$cache" "$dist/lib/spawner.aot"
if [ ! -x "$dist/runtime/bin/java" ]; then
    echo "train.sh: no runtime in $dist/runtime; no AOT cache made" >&2
    exit 0
fi

spawner_out=$(mktemp)
"$dist/runtime/bin/java" --enable-native-access=ALL-UNNAMED -cp "$dist/lib/jinetd-daemon.jar" \
    org.jinetd.daemon.launch.spawner.UserSpawner --aot-cache "$dist/lib/spawner.aot" > "$spawner_out" 2>&1 || true
if [ ! -s "$dist/lib/spawner.aot" ]; then
    echo "train.sh: the spawner's training run made no cache:" >&2; cat "$spawner_out" >&2; rm -f "$spawner_out"
    exit 1
fi
rm -f "$spawner_out"
echo "train.sh: $dist/lib/spawner.aot ($(du -h "$dist/lib/spawner.aot" | cut -f1))"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Ports are picked at random below the kernel's range for outgoing connections: there, every
# port may be held for a minute by a client's connection in TIME_WAIT (after a load test,
# say), which a listener cannot bind over. One that is taken all the same (exit 3) is picked
# again. A JVM that ends early writes a cache all the same, which the launcher would then pass
# beside -XX:AOTCacheOutput (the JVM refuses both): each attempt starts without one.
read -r ephemeral _ 2>/dev/null < /proc/sys/net/ipv4/ip_local_port_range || ephemeral=32768
(( ephemeral > 12000 )) || ephemeral=65000
for attempt in 1 2 3 4 5 6 7 8 9 10; do
    rm -f "$cache"
    tcp=$(( 10000 + RANDOM % (ephemeral - 10002) ))
    cat > "$work/services.yaml" <<TABLE
control_socket: $work/control.sock
defaults: {bind: &loopback 127.0.0.1}
services:
  echo: {port: $tcp, handler: echo}
  daytime-udp: {port: $tcp, protocol: udp, handler: daytime}
  hello: {port: $(( tcp + 1 )), exec: [/bin/sh, -c, 'echo hello']}
TABLE
    JINETD_JAVA_OPTS="-XX:AOTCacheOutput=$cache -Xlog:aot=error,cds=error -XX:ErrorFile=$work/hs_err.log" \
        "$dist/bin/jinetd" run -c "$work/services.yaml" > "$work/out" 2> "$work/log" &
    pid=$!
    # Ready, or ended: whichever comes first, within a minute.
    for _ in $(seq 600); do
        grep -q 'ready:' "$work/log" && break
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    if grep -q 'ready:' "$work/log"; then break; fi
    status=0; wait "$pid" || status=$?
    if [ "$status" != 3 ]; then
        echo "train.sh: jinetd did not start (exit $status):" >&2; cat "$work/out" "$work/log" >&2; exit 1
    fi
done
if ! grep -q 'ready:' "$work/log"; then
    echo "train.sh: no free ports found:" >&2; cat "$work/log" >&2; exit 1
fi

exec 3<>"/dev/tcp/127.0.0.1/$tcp"; printf 'hi\n' >&3; read -r -t 10 echoed <&3; exec 3>&-
exec 3<>"/dev/udp/127.0.0.1/$tcp"; printf '\n' >&3; read -r -t 10 _ <&3 || true; exec 3>&-
exec 3<>"/dev/tcp/127.0.0.1/$(( tcp + 1 ))"; read -r -t 10 hello <&3; exec 3>&-
"$dist/bin/jinetd" status -c "$work/services.yaml" > /dev/null || true
kill -TERM "$pid"
status=0; wait "$pid" || status=$?
if [ "$echoed" != hi ] || [ "$hello" != hello ]; then
    echo "train.sh: the training run failed (exit $status, echo '$echoed', program '$hello'):" >&2
    cat "$work/out" "$work/log" >&2
    rm -f "$cache"
    exit 1
fi
# The daemon served; only the JVM's writing of the cache went wrong (JDK 25 has been seen
# to abort in it). The cache is an optimisation: the distribution is whole without it.
if [ "$status" != 0 ] || [ ! -s "$cache" ]; then
    echo "train.sh: warning: the JVM made no AOT cache (exit $status); the distribution starts without one" >&2
    [ -s "$work/hs_err.log" ] && sed -n '1,12p' "$work/hs_err.log" >&2
    rm -f "$cache"
    exit 0
fi
echo "train.sh: $cache ($(du -h "$cache" | cut -f1))"
