#!/usr/bin/env bash
# Builds jinetd_VERSION_amd64.deb from the distribution folder the build has made.
# Usage: build.sh DIST MAVEN_VERSION OUTDIR
#   DIST           daemon/target/jinetd (bin/, lib/, runtime/, share/)
#   MAVEN_VERSION  0.1.0-SNAPSHOT becomes the Debian version 0.1.0~SNAPSHOT (sorts before 0.1.0)
# Without dpkg-deb (not a Debian system) it says so and makes nothing.
set -euo pipefail

dist=$1
version=${2//-/\~}
out=$3
here=$(cd "$(dirname "$0")" && pwd -P)
repo=$(cd "$here/../../.." && pwd -P)

if ! command -v dpkg-deb >/dev/null 2>&1; then
    echo "build.sh: dpkg-deb is not installed; no .deb made (apt-get install dpkg, or build on Debian)" >&2
    exit 0
fi
[ -x "$dist/runtime/bin/java" ] || { echo "build.sh: $dist has no runtime/; run the whole package phase" >&2; exit 1; }

root=$out/deb/jinetd
rm -rf "$out/deb"
umask 022
mkdir -p "$root/DEBIAN"

# The program and its runtime, as the distribution has them.
mkdir -p "$root/usr/lib/jinetd"
cp -a "$dist/bin" "$dist/lib" "$dist/runtime" "$root/usr/lib/jinetd/"
mkdir -p "$root/usr/bin"
ln -s ../lib/jinetd/bin/jinetd "$root/usr/bin/jinetd"

# The table: a conffile, the folder it includes, and the folder of handler jars it names. What
# the admin puts in those two folders is theirs: dpkg keeps it across upgrades and dpkg -r.
install -D -m 644 "$repo/conf/etc/services.yaml" "$root/etc/jinetd/services.yaml"
mkdir -p "$root/etc/jinetd/conf.d" "$root/etc/jinetd/plugins"
install -D -m 644 "$repo/conf/services.schema.json" "$root/usr/share/jinetd/services.schema.json"

# The unit, the man pages, bash completion, the documents.
install -D -m 644 "$repo/systemd/jinetd.service" "$root/usr/lib/systemd/system/jinetd.service"
install -D -m 644 "$dist/share/man/man8/jinetd.8" "$root/usr/share/man/man8/jinetd.8"
install -D -m 644 "$dist/share/man/man5/jinetd.yaml.5" "$root/usr/share/man/man5/jinetd.yaml.5"
gzip -9n "$root/usr/share/man/man8/jinetd.8" "$root/usr/share/man/man5/jinetd.yaml.5"
install -D -m 644 "$dist/share/bash-completion/completions/jinetd" \
    "$root/usr/share/bash-completion/completions/jinetd"
doc=$root/usr/share/doc/jinetd
install -D -m 644 "$repo/README.md" "$doc/README.md"
gzip -9n "$doc/README.md"
# The README's pages by subject, as its links expect them beside it (docs/table.md, ...);
# small enough that Debian's policy leaves them uncompressed.
for page in "$repo"/docs/*.md; do
    install -D -m 644 "$page" "$doc/docs/$(basename "$page")"
done
install -m 644 "$here/copyright" "$doc/copyright"

# Control data. The maintainer is DEBFULLNAME <DEBEMAIL> (Debian's convention) when they are
# set, else the author of the commit built.
if [ -n "${DEBEMAIL:-}" ]; then
    maintainer="${DEBFULLNAME:-jinetd} <$DEBEMAIL>"
else
    maintainer=$(git -C "$repo" log -1 --format='%an <%ae>' 2>/dev/null || echo 'jinetd <root@localhost>')
fi
printf 'jinetd (%s) unstable; urgency=medium\n\n  * Built from the jinetd sources.\n\n -- %s  %s\n' \
    "$version" "$maintainer" "$(date -R -d "@${SOURCE_DATE_EPOCH:-$(git -C "$repo" log -1 --format=%ct 2>/dev/null || date +%s)}")" \
    | gzip -9n > "$doc/changelog.Debian.gz"

# Every installed file gets the mode the package means, whatever the build left (a tool's
# temporary file is 0600, jlink's legal notices are 0444): directories and the programs of
# /usr/lib/jinetd (ELF executables and scripts) 0755, everything else 0644 (bash completion
# is sourced, not run). A file only root may read breaks jinetd for every other user
# wherever the AOT cache is not used.
program() {
    case $1 in "$root"/usr/lib/jinetd/*) ;; *) return 1 ;; esac
    case $1 in *.so | *.so.*) return 1 ;; esac
    local magic
    magic=$(head -c 4 "$1" | od -An -tx1 | tr -d ' \n')
    [ "$magic" = 7f454c46 ] || [ "${magic:0:4}" = 2321 ]
}
while IFS= read -r -d '' f; do
    if [ -d "$f" ] || program "$f"; then chmod 0755 "$f"; else chmod 0644 "$f"; fi
done < <(find "$root" -path "$root/DEBIAN" -prune -o \( -type d -o -type f \) -print0)
for f in usr/lib/jinetd/bin/jinetd usr/lib/jinetd/runtime/bin/java usr/lib/jinetd/runtime/lib/jspawnhelper; do
    [ "$(stat -c %a "$root/$f")" = 755 ] || { echo "build.sh: $f is not a program (mode $(stat -c %a "$root/$f"))" >&2; exit 1; }
done
odd=$(find "$root" -path "$root/DEBIAN" -prune -o \( -type d ! -perm 0755 -printf '%m %P\n' \) \
    -o \( -type f ! -perm 0644 ! -perm 0755 -printf '%m %P\n' \) -o \( ! -type d ! -type f ! -type l -printf 'type %y %P\n' \))
[ -z "$odd" ] || { printf 'build.sh: modes the package does not mean:\n%s\n' "$odd" >&2; exit 1; }

size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
sed -e "s/@VERSION@/$version/" -e "s/@SIZE@/$size/" -e "s|@MAINTAINER@|$maintainer|" "$here/control" > "$root/DEBIAN/control"
echo /etc/jinetd/services.yaml > "$root/DEBIAN/conffiles"
install -m 755 "$here/postinst" "$here/prerm" "$here/postrm" "$root/DEBIAN/"
(cd "$root" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | sort -z | xargs -0 md5sum) \
    > "$root/DEBIAN/md5sums"
chmod 644 "$root/DEBIAN/md5sums" "$root/DEBIAN/conffiles" "$root/DEBIAN/control"

deb=$out/jinetd_${version}_amd64.deb
dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" >/dev/null
echo "build.sh: $deb ($(du -h "$deb" | cut -f1))"
