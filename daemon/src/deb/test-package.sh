#!/usr/bin/env bash
# Installs the built .deb on this machine and uses it as an administrator would, then removes
# and purges it, checking at each step what must be there and what must be gone:
#   - dpkg -i works without systemd as PID 1, and enables the unit (deb-systemd-helper);
#   - the installed jinetd runs with no JDK on PATH and no JAVA_HOME, on its own runtime,
#     with its AOT cache; `jinetd check` passes on /etc/jinetd/services.yaml;
#   - every file is packed and installed with the mode meant (0644, programs and directories
#     0755), and nobody runs jinetd --version and check from the jars, the cache turned off;
#   - systemd-analyze verify finds nothing to say about the installed unit;
#   - the daemon serves its default table, answers status, and stops on `jinetd stop`;
#   - under the unit's own capability bounding set and no_new_privs, a program that chroots
#     (in.tftpd -s) serves a file, and without CAP_SYS_CHROOT it does not;
#   - jinetd import turns an xinetd.conf into a file of conf.d/ that the daemon serves;
#   - dpkg -r stops a daemon started without systemd (setsid, as docs/operations.md says), so
#     that nothing serves on its ports and none of its processes is left, and refuses, naming
#     it, while a daemon of another table and control socket runs, so that nothing serves on
#     with its files gone;
#   - dpkg -r keeps /etc/jinetd (with the admin's edit, conf.d/ and plugins/) and removes
#     everything else, /run/jinetd included; dpkg -P removes /etc/jinetd, the unit's
#     enablement and a control socket a killed daemon left, and nothing dpkg -L listed is left.
# Needs root and dpkg; run by .ci/run after the build. Usage: test-package.sh [DEB]
set -euo pipefail
cd "$(dirname "$0")/../../.."

failed=""
fail() { failed=$*; echo "test-package: FAIL: $*" >&2; exit 1; }
step() { echo "test-package: $*"; }

[ "$(id -u)" = 0 ] || { echo "test-package: skipped: needs root (dpkg -i)"; exit 0; }
command -v dpkg >/dev/null || { echo "test-package: skipped: no dpkg"; exit 0; }
deb=${1:-$(ls daemon/target/jinetd_*_amd64.deb 2>/dev/null | head -n 1)}
[ -n "$deb" ] && [ -f "$deb" ] || fail "no daemon/target/jinetd_*_amd64.deb; build with ./mvnw package first"
if dpkg-query -W -f '${Status}' jinetd 2>/dev/null | grep -q 'installed\|config-files'; then
    fail "jinetd is already installed on this machine; this test installs and purges it, so it leaves it alone"
fi

# Below /tmp, whatever TMPDIR says: a root daemon refuses a control socket below a directory
# another user owns or may write in (a runner's own TMPDIR, say).
work=$(mktemp -d -p /tmp jinetd-package.XXXXXX)
chmod 755 "$work"
daemon=""
other=""
cleanup() {
    status=$?
    for pid in "$daemon" "$other"; do
        if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then kill -TERM "$pid"; wait "$pid" || true; fi
    done
    if [ "$status" != 0 ]; then
        # The last lines of each: a run's output may be shown by its end alone.
        for log in "$work"/*.log; do [ -f "$log" ] && { echo "--- $log (its last 25 lines)"; tail -n 25 "$log"; }; done
        dpkg -P jinetd >/dev/null 2>&1 || true
        # Again after the logs, so that the end of the output says what failed.
        echo "test-package: FAIL${failed:+: $failed} (exit $status; the logs are above)" >&2
    fi
    rm -rf "$work"
}
trap cleanup EXIT

# A clean environment: no JDK on PATH, no JAVA_HOME; RUNTIME_DIRECTORY as systemd sets it, so
# the control socket is this test's own.
env_clean=(env -i PATH=/usr/bin:/bin RUNTIME_DIRECTORY="$work")
clean() { "${env_clean[@]}" "$@"; }

# Starts the installed daemon (behind the command in "$@", if any) and waits for `ready:`
# or its end, within a minute. Sets $daemon.
start() {
    local log=$1; shift
    # env, not the function clean: $! must be the daemon itself, which env and setpriv exec.
    "${env_clean[@]}" "$@" /usr/bin/jinetd run -c /etc/jinetd/services.yaml > "$log.out" 2> "$log" &
    daemon=$!
    ready "$log" "$daemon"
}

# Waits for `ready:` in LOG, or for PID's end, within a minute.
ready() {
    for _ in $(seq 600); do
        grep -q 'ready:' "$1" && return 0
        kill -0 "$2" 2>/dev/null || break
        sleep 0.1
    done
    grep -q 'ready:' "$1" || fail "the installed jinetd did not get ready: $(cat "$1")"
}

# Whether PID is gone: ended (a zombie until this shell reaps it) or reaped.
gone() {
    local state
    state=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1) || true
    [ -z "$state" ] || [ "$state" = Z ]
}

# The processes that run the package's Java.
package_java() {
    # find fails on a process that ends while it looks; what it found is the answer.
    { find /proc/[0-9]*/exe -maxdepth 0 -lname '/usr/lib/jinetd/runtime/bin/java*' 2>/dev/null || true; } \
        | cut -d/ -f3 | tr '\n' ' '
}

# Whether something accepts a TCP connection on 127.0.0.1:PORT.
serves() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

stop() {
    clean /usr/bin/jinetd stop > "$work/stop.out" 2>&1 || fail "jinetd stop: $(cat "$work/stop.out")"
    local status=0; wait "$daemon" || status=$?
    daemon=""
    [ "$status" = 0 ] || fail "the daemon exited $status after jinetd stop"
}

step "dpkg -i $deb"
dpkg -i "$deb" > "$work/install.log" 2>&1 || fail "dpkg -i failed"
[ "$(readlink -f /usr/bin/jinetd)" = /usr/lib/jinetd/bin/jinetd ] || fail "/usr/bin/jinetd is not a link to /usr/lib/jinetd/bin/jinetd"
for f in /etc/jinetd/services.yaml /usr/lib/systemd/system/jinetd.service /usr/share/man/man8/jinetd.8.gz \
         /usr/share/man/man5/jinetd.yaml.5.gz /usr/share/bash-completion/completions/jinetd \
         /usr/share/doc/jinetd/copyright /usr/share/doc/jinetd/README.md.gz /usr/share/doc/jinetd/docs/table.md \
         /usr/lib/jinetd/runtime/bin/java; do
    [ -e "$f" ] || fail "$f is not installed"
done
[ -d /etc/jinetd/conf.d ] && [ -d /etc/jinetd/plugins ] || fail "/etc/jinetd/conf.d or /etc/jinetd/plugins is missing"
[ ! -e /usr/lib/jinetd/plugins ] || fail "/usr/lib/jinetd/plugins is installed; the admin's jars belong in /etc/jinetd/plugins"
grep -qx /etc/jinetd/services.yaml /var/lib/dpkg/info/jinetd.conffiles || fail "services.yaml is not a conffile"
if command -v deb-systemd-helper >/dev/null; then
    [ -L /etc/systemd/system/multi-user.target.wants/jinetd.service ] || fail "the unit was not enabled"
fi

step "jinetd check and --version with no JDK on PATH"
clean /usr/bin/jinetd check > "$work/check.log" 2>&1 || fail "jinetd check /etc/jinetd/services.yaml failed"
grep -q '^/etc/jinetd/services.yaml: ok: 2 services' "$work/check.log" || fail "check said: $(cat "$work/check.log")"
! grep -q WARNING "$work/check.log" || fail "check warned: $(cat "$work/check.log")"
clean JINETD_JAVA_OPTS=-Xlog:class+load=info /usr/bin/jinetd --version > "$work/version.classes" 2>&1 \
    || fail "jinetd --version failed"
grep -q 'Java 25' "$work/version.classes" || fail "--version does not name Java 25"
grep -q 'org.jinetd.daemon.cli.Main source: shared objects file' "$work/version.classes" \
    || fail "the installed jinetd does not load its classes from its AOT cache"
bash -c 'source /usr/share/bash-completion/completions/jinetd && declare -F _jinetd_services' >/dev/null \
    || fail "the bash completion script does not load"

step "every file has the mode the package means"
# Packed: directories and programs 0755, everything else 0644, links as links.
listing=$(dpkg-deb -c "$deb")
odd=$(awk '$1 !~ /^(drwxr-xr-x|-rw-r--r--|-rwxr-xr-x|lrwxrwxrwx)$/' <<<"$listing")
[ -z "$odd" ] || fail "packed with modes the package does not mean: $odd"
odd=$(awk '$1 == "-rwxr-xr-x" && $6 !~ /^\.\/usr\/lib\/jinetd\//' <<<"$listing")
[ -z "$odd" ] || fail "executable outside /usr/lib/jinetd: $odd"
for program in ./usr/lib/jinetd/bin/jinetd ./usr/lib/jinetd/runtime/bin/java ./usr/lib/jinetd/runtime/lib/jspawnhelper; do
    awk -v p="$program" '$6 == p {print $1}' <<<"$listing" | grep -qx -- -rwxr-xr-x || fail "$program is not packed 0755"
done
# Installed: what dpkg made of them.
odd=$(dpkg -L jinetd | while read -r f; do
          if [ -f "$f" ] && [ ! -L "$f" ]; then stat -c '%a %n' "$f"; fi
      done | grep -v '^\(644\|755\) ' || true)
[ -z "$odd" ] || fail "installed with modes the package does not mean: $odd"
odd=$(find /usr/lib/jinetd /etc/jinetd /usr/share/doc/jinetd /usr/share/jinetd -type d ! -perm 0755 -printf '%m %p\n')
[ -z "$odd" ] || fail "directories installed with modes the package does not mean: $odd"

# Any user may run jinetd (--version, check of a table), and the AOT cache hides a jar that
# only root may read: so nobody runs it here with the cache turned off, from its jars. The
# table is readable by all, as inetd.conf and xinetd.conf are; secrets belong in files the
# programs read, not in the table.
step "jinetd --version and check as nobody, from the jars, without the AOT cache"
command -v setpriv >/dev/null || fail "setpriv is missing (.ci/run installs util-linux)"
nobody() {
    local opts=$1; shift
    (cd / && "${env_clean[@]}" JINETD_JAVA_OPTS="-XX:AOTMode=off $opts" \
        setpriv --reuid=nobody --regid=nogroup --clear-groups /usr/bin/jinetd "$@")
}
nobody -Xlog:class+load=info --version > "$work/nobody-version.classes" 2>&1 \
    || fail "jinetd --version as nobody: $(grep -v '\[class,load\]' "$work/nobody-version.classes")"
grep -q '^jinetd ' "$work/nobody-version.classes" || fail "jinetd --version as nobody printed no version"
grep -q 'picocli.CommandLine source: file:/usr/lib/jinetd/lib/picocli.jar' "$work/nobody-version.classes" \
    || fail "jinetd --version as nobody did not load picocli from its jar; the test proves nothing"
nobody "" check -c /etc/jinetd/services.yaml > "$work/nobody-check.log" 2>&1 \
    || fail "jinetd check as nobody: $(cat "$work/nobody-check.log")"
grep -q '^/etc/jinetd/services.yaml: ok: 2 services' "$work/nobody-check.log" \
    || fail "check as nobody said: $(cat "$work/nobody-check.log")"

if command -v systemd-analyze >/dev/null; then
    step "systemd-analyze verify jinetd.service"
    # With man installed, verify also opens the man pages the unit's Documentation= names.
    man=--man=no
    command -v man >/dev/null && man=--man=yes
    out=$(systemd-analyze verify "$man" /usr/lib/systemd/system/jinetd.service 2>&1) || fail "systemd-analyze verify: $out"
    [ -z "$out" ] || fail "systemd-analyze verify: $out"
else
    echo "test-package: systemd-analyze is not installed; the unit is not verified (.ci/run installs systemd)"
fi

step "run the default table"
start "$work/run.log"
exe=$(readlink "/proc/$daemon/exe")
[ "$exe" = /usr/lib/jinetd/runtime/bin/java ] || fail "the daemon runs on $exe, not on its own runtime"
exec 3<>/dev/tcp/127.0.0.1/10007
printf 'hi\n' >&3
read -r -t 10 echoed <&3 || true
exec 3>&-
[ "$echoed" = hi ] || fail "echo on 127.0.0.1:10007 answered '$echoed'"
for _ in $(seq 100); do grep -q 'service=echo peer=127.0.0.1:' "$work/run.log" && break; sleep 0.1; done
grep -q 'service=echo peer=127.0.0.1:' "$work/run.log" || fail "no log line for the echo connection"
clean /usr/bin/jinetd status > "$work/status.log" 2>&1 || fail "jinetd status failed: $(cat "$work/status.log")"
grep -q '^echo .*listening' "$work/status.log" || fail "status: $(cat "$work/status.log")"
stop

# The unit's CapabilityBoundingSet and NoNewPrivileges, applied with setpriv as systemd would
# apply them to the daemon, and in.tftpd -s (it chroots) served from a table in conf.d/.
if [ -x /usr/sbin/in.tftpd ] && command -v tftp >/dev/null && command -v setpriv >/dev/null; then
    step "in.tftpd -s under the unit's capability bounding set"
    caps=$(sed -n 's/^CapabilityBoundingSet=//p' /usr/lib/systemd/system/jinetd.service)
    [ -n "$caps" ] || fail "the unit has no CapabilityBoundingSet="
    bounding=-all
    for c in $caps; do c=${c#CAP_}; bounding="$bounding,+${c,,}"; done
    grep -qx 'NoNewPrivileges=yes' /usr/lib/systemd/system/jinetd.service || fail "the unit has no NoNewPrivileges=yes"
    mkdir -p "$work/tftp"
    echo "served through a chroot" > "$work/tftp/hello.txt"
    chmod 644 "$work/tftp/hello.txt"
    cat > /etc/jinetd/conf.d/tftp.yaml <<TABLE
services:
  tftp:
    port: 10069
    protocol: udp
    wait: true
    user: root
    exec: [/usr/sbin/in.tftpd, -s, --timeout, "1", --user, nobody, $work/tftp]
TABLE
    fetch() {
        rm -f "$work/got.txt"
        (cd "$work" && timeout 8 tftp -m binary 127.0.0.1 10069 -c get hello.txt got.txt) > "$work/tftp.log" 2>&1 || true
        cmp -s "$work/tftp/hello.txt" "$work/got.txt"
    }
    start "$work/tftp-run.log" setpriv --bounding-set "$bounding" --no-new-privs
    fetch || fail "in.tftpd -s did not serve under the unit's bounding set ($bounding): $(cat "$work/tftp.log")"
    stop
    # The same without CAP_SYS_CHROOT: the chroot fails, so the check above can fail.
    start "$work/tftp-nochroot.log" setpriv --bounding-set "${bounding/,+sys_chroot/}" --no-new-privs
    ! fetch || fail "in.tftpd -s served without CAP_SYS_CHROOT; the test above proves nothing"
    stop
    rm /etc/jinetd/conf.d/tftp.yaml
else
    echo "test-package: in.tftpd, tftp or setpriv is missing; the unit's capabilities are not tried (.ci/run installs tftpd-hpa, tftp-hpa)"
fi

# An administrator moving from xinetd: one service of theirs, imported into conf.d/.
step "jinetd import of an xinetd.conf into conf.d/"
cat > "$work/xinetd.conf" <<'CONF'
service jtest
{
	type        = UNLISTED
	socket_type = stream
	protocol    = tcp
	wait        = no
	port        = 10079
	bind        = 127.0.0.1
	user        = nobody
	server      = /bin/echo
	server_args = imported from xinetd
	only_from   = 127.0.0.1
}
CONF
chmod 644 "$work/xinetd.conf"
clean /usr/bin/jinetd import "$work/xinetd.conf" -o /etc/jinetd/conf.d/xinetd.yaml > "$work/import.log" 2>&1 \
    || fail "jinetd import: $(cat "$work/import.log")"
# conf.d/ takes files of services: alone: import writes one, the table's defaults folded in.
keys=$(grep -o '^[A-Za-z_]*:' /etc/jinetd/conf.d/xinetd.yaml | sort -u | tr '\n' ' ')
[ "$keys" = "services: " ] || fail "the imported conf.d/xinetd.yaml has the top-level keys $keys; conf.d/ takes services: alone"
clean /usr/bin/jinetd check > "$work/check-import.log" 2>&1 || fail "jinetd check with the imported file: $(cat "$work/check-import.log")"
grep -q '^/etc/jinetd/services.yaml: ok: 3 services' "$work/check-import.log" \
    || fail "check with the imported file said: $(cat "$work/check-import.log")"

# Where there is no systemd, as docs/operations.md starts it: a session of its own, the
# package's table, the default control socket (/run/jinetd/control.sock), the log in a file.
step "a daemon started without systemd serves"
! grep -q ' /run/jinetd/control\.sock$' /proc/net/unix || fail "a jinetd already listens on /run/jinetd/control.sock"
echo "# edited by the admin" >> /etc/jinetd/services.yaml
env -i PATH=/usr/bin:/bin setsid /usr/bin/jinetd run < /dev/null > "$work/nosystemd.log" 2>&1 &
daemon=$!
ready "$work/nosystemd.log" "$daemon"
[ "$(readlink "/proc/$daemon/exe")" = /usr/lib/jinetd/runtime/bin/java ] || fail "setsid did not exec the daemon itself"
grep -q 'control: listening on /run/jinetd/control.sock' "$work/nosystemd.log" \
    || fail "the daemon does not listen on /run/jinetd/control.sock: $(cat "$work/nosystemd.log")"
exec 3<>/dev/tcp/127.0.0.1/10007
printf 'hi\n' >&3
read -r -t 10 echoed <&3 || true
exec 3>&-
[ "$echoed" = hi ] || fail "echo on 127.0.0.1:10007 answered '$echoed'"
# The imported service, as nobody: first through setpriv while the spawner of that user starts,
# then through that spawner, a process of the package's Java too.
for round in setpriv spawner; do
    if [ "$round" = spawner ]; then
        for ((i = 0; i < 300; i++)); do
            grep -q 'spawner of nobody (pid [0-9]*): ready after' "$work/nosystemd.log" && break
            sleep 0.1
        done
        grep -q 'spawner of nobody (pid [0-9]*): ready after' "$work/nosystemd.log" \
            || fail "the spawner of nobody was not ready within 30 s: $(cat "$work/nosystemd.log")"
        # Started from the installed jar, with its cache: not from the tree the package was built in.
        spawner=$(sed -n 's/.*spawner of nobody (pid \([0-9]*\)): ready after.*/\1/p' "$work/nosystemd.log" | head -n 1)
        command=$(tr '\0' ' ' < "/proc/$spawner/cmdline")
        case $command in
            *" -cp /usr/lib/jinetd/lib/jinetd-daemon.jar "*) ;;
            *) fail "the spawner does not run the installed jar: $command" ;;
        esac
        case $command in
            *"-XX:AOTCache=/usr/lib/jinetd/lib/spawner.aot"*) ;;
            *) fail "the spawner runs without the installed AOT cache: $command" ;;
        esac
    fi
    exec 3<>/dev/tcp/127.0.0.1/10079
    said=""
    read -r -t 30 said <&3 || true
    exec 3>&-
    [ "$said" = "imported from xinetd" ] || fail "the imported service on 127.0.0.1:10079 said '$said' ($round)"
done

# A second daemon of the package, of another table and control socket, which the package's
# scripts cannot ask: dpkg -r refuses, names it, and stops nothing.
step "dpkg -r refuses while a daemon it cannot reach runs"
mkdir -m 755 "$work/other"
cat > "$work/other/services.yaml" <<TABLE
control_socket: $work/other/run/control.sock
services:
  other: {bind: 127.0.0.1, port: 10017, handler: echo}
TABLE
chmod 644 "$work/other/services.yaml"
env -i PATH=/usr/bin:/bin /usr/bin/jinetd run -c "$work/other/services.yaml" < /dev/null > "$work/other.log" 2>&1 &
other=$!
ready "$work/other.log" "$other"
! dpkg -r jinetd > "$work/refused.log" 2>&1 || fail "dpkg -r removed jinetd while pid $other ran it: $(cat "$work/refused.log")"
grep -qx "  pid $other: org.jinetd.daemon.cli.Main run -c $work/other/services.yaml" "$work/refused.log" \
    || fail "dpkg -r did not name the daemon it could not stop: $(cat "$work/refused.log")"
[ "$(dpkg-query -W -f '${db:Status-Status}' jinetd)" = installed ] \
    || fail "jinetd is '$(dpkg-query -W -f '${Status}' jinetd)' after a refused dpkg -r"
[ -x /usr/lib/jinetd/runtime/bin/java ] || fail "a refused dpkg -r took the package's files"
! gone "$daemon" && serves 10007 || fail "a refused dpkg -r stopped the daemon it could reach"
env -i PATH=/usr/bin:/bin /usr/bin/jinetd stop -c "$work/other/services.yaml" > "$work/other-stop.log" 2>&1 \
    || fail "jinetd stop -c $work/other/services.yaml: $(cat "$work/other-stop.log")"
wait "$other" || fail "the other daemon exited $? after jinetd stop"
other=""

step "dpkg -r stops the daemon started without systemd, and keeps /etc/jinetd"
echo "services: {}" > /etc/jinetd/conf.d/local.yaml
echo "an admin's jar" > /etc/jinetd/plugins/local.jar
before=$(package_java)
[ -n "$before" ] || fail "no process runs the package's Java before dpkg -r; the test proves nothing"
dpkg -L jinetd > "$work/listed"
dpkg -r jinetd > "$work/remove.log" 2>&1 || fail "dpkg -r failed: $(cat "$work/remove.log")"
gone "$daemon" || fail "the daemon (pid $daemon) still runs after dpkg -r"
status=0; wait "$daemon" || status=$?
daemon=""
[ "$status" = 0 ] || fail "the daemon exited $status when dpkg -r stopped it"
[ -z "$(package_java)" ] || fail "processes of the package's Java are left after dpkg -r (before: $before): $(package_java)"
for port in 10007 10013 10079; do
    ! serves "$port" || fail "something still serves on 127.0.0.1:$port after dpkg -r"
done
grep -q 'stop: jinetd stop received' "$work/nosystemd.log" || fail "the daemon's log does not say it was asked to stop: $(cat "$work/nosystemd.log")"
for gone in /usr/lib/jinetd /usr/bin/jinetd /usr/lib/systemd/system/jinetd.service /usr/share/doc/jinetd \
            /usr/share/man/man8/jinetd.8.gz /usr/share/bash-completion/completions/jinetd /run/jinetd; do
    [ ! -e "$gone" ] && [ ! -L "$gone" ] || fail "$gone is left after dpkg -r"
done
grep -q '^# edited by the admin' /etc/jinetd/services.yaml || fail "dpkg -r did not keep the edited /etc/jinetd/services.yaml"
[ -f /etc/jinetd/conf.d/local.yaml ] || fail "dpkg -r did not keep /etc/jinetd/conf.d/"
[ -f /etc/jinetd/plugins/local.jar ] || fail "dpkg -r did not keep /etc/jinetd/plugins/"

step "dpkg -P removes /etc/jinetd and everything else of the package"
# A daemon killed with SIGKILL leaves its control socket behind, that nothing listens on.
mkdir -m 700 /run/jinetd
perl -MIO::Socket::UNIX -e 'IO::Socket::UNIX->new(Local => $ARGV[0], Listen => 1) or die "$!\n"' /run/jinetd/control.sock \
    || fail "cannot make a socket that nothing listens on"
[ -S /run/jinetd/control.sock ] || fail "perl left no /run/jinetd/control.sock; the test of it proves nothing"
dpkg -P jinetd > "$work/purge.log" 2>&1 || fail "dpkg -P failed"
for gone in /etc/jinetd /usr/lib/jinetd /usr/share/jinetd /usr/share/doc/jinetd /run/jinetd; do
    [ ! -e "$gone" ] || fail "$gone is left after dpkg -P"
done
# Of what dpkg -L listed, only directories other packages share may stay.
while IFS= read -r path; do
    [ "$path" != /. ] && { [ -e "$path" ] || [ -L "$path" ]; } || continue
    if [ -d "$path" ] && [ ! -L "$path" ] && dpkg-query -S "$path" >/dev/null 2>&1; then continue; fi
    fail "$path, of the package, is left after dpkg -P"
done < "$work/listed"
[ ! -e /etc/systemd/system/multi-user.target.wants/jinetd.service ] && [ ! -L /etc/systemd/system/multi-user.target.wants/jinetd.service ] \
    || fail "the unit's enablement is left after dpkg -P"
! dpkg-query -W jinetd >/dev/null 2>&1 || fail "dpkg still knows jinetd after dpkg -P"
step "PASS"
