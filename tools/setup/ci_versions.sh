#!/usr/bin/env bash
# Runs the README's test command on other Debian releases, in fresh roots made
# with debootstrap from this machine's Debian mirror, and checks the Debian
# package in another fresh root.  Used by .ci/run; needs root (CI runs as root).
#
#   ci_versions.sh suite <suite> [ctest args...]
#       fresh <suite> root; the source tree (git ls-files) copied to /src;
#       `bash tools/setup/test.sh [ctest args]` run there exactly as the README
#       says (it installs the packages it needs); then the .deb is built and
#       checked by `package-check`.  Output: build/ci/<suite>.log (and stdout).
#   ci_versions.sh cache <suite>...
#       only make (or refresh) the cached minbase tarballs.
#   ci_versions.sh package-check <suite> <file.deb>
#       fresh <suite> root; `apt-get install ./file.deb tshark`; `tshark -G
#       plugins` as an unprivileged user must list citrix_wireshark.so from the
#       release's global plugin folder, and only once; the installed
#       `citrix-triage` (nothing else from the tree) names the Wireshark it was
#       built for and triages the bundled capture to the test's exact values.
#
# Roots: debootstrap --variant=minbase output is cached per machine as
# $CITRIX_CI_CACHE/<suite>-minbase.tar (default /var/cache/citrix-wireshark),
# remade when older than 7 days or with CITRIX_CI_REFRESH=1; every use
# unpacks a new copy under $CITRIX_CI_WORK (default /var/tmp), which is
# unmounted and deleted on exit.  Mirror: the first deb.debian.org-style URI of
# /etc/apt/sources.list.d/*.sources or /etc/apt/sources.list (CITRIX_CI_MIRROR
# overrides).  CITRIX_CI_KEEP=1 keeps the suite's root (mounted, for chroot)
# instead of deleting it: for debugging a failure on that release by hand.
set -euo pipefail
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
CACHE=${CITRIX_CI_CACHE:-/var/cache/citrix-wireshark}
WORK=${CITRIX_CI_WORK:-/var/tmp}
LOGDIR=${CITRIX_CI_LOGDIR:-$TOP/build/ci}
ROOTS=()

die() { echo "ci_versions: $*" >&2; exit 2; }
[ "$(id -u)" -eq 0 ] || die "needs root (debootstrap, chroot, mounts)"
command -v debootstrap >/dev/null || die "debootstrap missing: apt-get install debootstrap"

mirror() {
    if [ -n "${CITRIX_CI_MIRROR:-}" ]; then echo "$CITRIX_CI_MIRROR"; return; fi
    local m
    m=$(sed -n 's/^URIs: *\([^ ]*\).*/\1/p' /etc/apt/sources.list.d/*.sources 2>/dev/null |
        grep -v -- '-security' | head -n1 || true)
    [ -n "$m" ] || m=$(awk '$1 == "deb" && $0 !~ /security/ {print ($2 ~ /^\[/ ? $3 : $2); exit}' \
                       /etc/apt/sources.list 2>/dev/null || true)
    [ -n "$m" ] || die "no Debian mirror found in /etc/apt (set CITRIX_CI_MIRROR)"
    echo "$m"
}

# TARBALL: the cached minbase tarball of a suite (made if missing or stale).
# Sets globals instead of printing: a $(...) subshell would lose ROOTS.
base_tarball() {
    local suite=$1 tar="$CACHE/$1-minbase.tar"
    mkdir -p "$CACHE"
    if [ "${CITRIX_CI_REFRESH:-0}" = 1 ] || [ ! -s "$tar" ] || [ -n "$(find "$tar" -mtime +7)" ]; then
        local tmp
        tmp=$(mktemp -d "$WORK/citrix-debootstrap-$suite.XXXXXX")
        ROOTS+=("$tmp")
        echo "== debootstrap --variant=minbase $suite $(mirror)" >&2
        debootstrap --variant=minbase "$suite" "$tmp" "$(mirror)" > "$CACHE/$suite-debootstrap.log" 2>&1 ||
            { tail -n 20 "$CACHE/$suite-debootstrap.log" >&2; die "debootstrap $suite failed"; }
        tar -C "$tmp" -cf "$tar.tmp" . && mv "$tar.tmp" "$tar"
        cleanup_root "$tmp"
    fi
    TARBALL=$tar
}

# NEW_ROOT: a fresh root of a suite, mounted and ready for chroot.
new_root() {
    local suite=$1 root
    base_tarball "$suite"
    root=$(mktemp -d "$WORK/citrix-ci-$suite.XXXXXX")
    ROOTS+=("$root")
    tar -C "$root" -xf "$TARBALL"
    chmod 755 "$root"     # mktemp made it 0700: the tests' unprivileged tshark and apt's _apt need /
    # A mirror snapshot's Release files may be past Valid-Until (sid's are).
    echo 'Acquire::Check-Valid-Until "false";' > "$root/etc/apt/apt.conf.d/99citrix-ci"
    # Name resolution as on this machine (the mirror may be an /etc/hosts entry).
    cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true
    cp /etc/hosts "$root/etc/hosts"
    mount -t proc proc "$root/proc"
    mount -t sysfs -o ro sysfs "$root/sys"
    # A /dev of its own (not the host's bound in): the few nodes builds and tests use.
    mount -t tmpfs -o mode=755,size=16m tmpfs "$root/dev"
    local n
    for n in null:1:3 zero:1:5 full:1:7 random:1:8 urandom:1:9 tty:5:0; do
        mknod -m 666 "$root/dev/${n%%:*}" c "$(echo "$n" | cut -d: -f2)" "${n##*:}"
    done
    mkdir "$root/dev/pts" "$root/dev/shm"
    mount -t devpts -o newinstance,ptmxmode=0666,mode=620 devpts "$root/dev/pts"
    ln -s pts/ptmx "$root/dev/ptmx"
    mount -t tmpfs -o mode=1777 tmpfs "$root/dev/shm"
    ln -s /proc/self/fd "$root/dev/fd"
    ln -s /proc/self/fd/0 "$root/dev/stdin"
    ln -s /proc/self/fd/1 "$root/dev/stdout"
    ln -s /proc/self/fd/2 "$root/dev/stderr"
    NEW_ROOT=$root
}

# Unmount everything below a root, then delete it; never deletes while a
# mount is left (that would reach into the host's /dev).
cleanup_root() {
    local root=$1 m left
    [ -d "$root" ] || return 0
    for _ in 1 2 3; do
        left=$(awk -v r="$root" 'index($2, r "/") == 1 {print $2}' /proc/mounts | sort -r)
        [ -z "$left" ] && break
        for m in $left; do umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true; done
    done
    if awk -v r="$root" 'index($2, r "/") == 1 {found=1} END {exit !found}' /proc/mounts; then
        echo "ci_versions: mounts left under $root; not deleting it" >&2
        return 1
    fi
    rm -rf --one-file-system "$root"
}

cleanup_all() {
    local r
    for r in "${ROOTS[@]}"; do
        if [ "${CITRIX_CI_KEEP:-0}" = 1 ] && [ "$r" = "${KEEP_ROOT:-}" ]; then
            echo "ci_versions: kept $r (unmount its proc, sys, dev before deleting it)" >&2
            continue
        fi
        cleanup_root "$r" || true
    done
}
trap cleanup_all EXIT
trap 'exit 130' INT TERM

in_root() {
    local root=$1; shift
    chroot "$root" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
        HOME=/root LANG=C.UTF-8 CI=true DEBIAN_FRONTEND=noninteractive \
        CITRIX_CMAKE_ARGS="${CITRIX_CI_ROOT_CMAKE_ARGS--DCITRIX_FUZZ_RUNS=1000}" "$@" < /dev/null
}

cmd_suite() {
    local suite=$1; shift
    local root log rc=0 start
    mkdir -p "$LOGDIR"
    log="$LOGDIR/$suite.log"
    start=$(date +%s)
    new_root "$suite"; root=$NEW_ROOT; KEEP_ROOT=$root
    mkdir -p "$root/src"
    # The tree as a fresh clone has it (tracked files, working-tree content).
    (cd "$TOP" && git ls-files -z | tar --null -T - -cf -) | tar -C "$root/src" -xf -
    {
        echo "== $suite: $(. "$root/etc/os-release"; echo "$PRETTY_NAME")"
        echo "== bash tools/setup/test.sh $*"
        # apt (in test.sh) must find the package lists of the fresh root.
        in_root "$root" bash -c 'cd /src && bash tools/setup/test.sh "$@"' test.sh "$@" || rc=$?
        echo "== Wireshark: $(in_root "$root" tshark --version 2>/dev/null | head -n1 || true)"
    } 2>&1 | tee "$log"
    [ "${PIPESTATUS[0]}" -eq 0 ] || rc=1
    grep -q "tests passed, 0 tests failed" "$log" || rc=1
    # The package of this release, checked in yet another fresh root.
    local deb=""
    if in_root "$root" cmake --build /src/build --target package > "$LOGDIR/$suite-package.log" 2>&1; then
        deb=$(ls "$root"/src/build/package/*.deb 2>/dev/null | head -n1 || true)
    fi
    if [ -n "$deb" ]; then
        mkdir -p "$LOGDIR/packages"
        cp "$deb" "$LOGDIR/packages/"
        cmd_package_check "$suite" "$LOGDIR/packages/$(basename "$deb")" | tee -a "$log" || rc=1
    else
        echo "== $suite: package: not built (see $LOGDIR/$suite-package.log)" | tee -a "$log"
        rc=1
    fi
    echo "== $suite: $(( $(date +%s) - start )) s" | tee -a "$log"
    [ "${CITRIX_CI_KEEP:-0}" = 1 ] || cleanup_root "$root" || true
    return $rc
}

cmd_package_check() {
    local suite=$1 deb=$2 root out n
    [ -f "$deb" ] || die "no such package: $deb"
    new_root "$suite"; root=$NEW_ROOT
    cp "$deb" "$root/tmp/"
    echo "== $suite: installing $(basename "$deb") into a fresh root"
    in_root "$root" sh -c 'echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections &&
        apt-get update -qq && apt-get install -y -qq --no-install-recommends "/tmp/$1" tshark >/dev/null' sh "$(basename "$deb")" ||
        { echo "== $suite: package install failed"; return 1; }
    # As a user: the package's copy is the only one (no personal folder exists).
    out=$(in_root "$root" setpriv --reuid=nobody --regid=nogroup --clear-groups env HOME=/tmp tshark -G plugins 2>&1) ||
        { echo "$out"; echo "== $suite: tshark -G plugins failed"; return 1; }
    echo "== $suite: tshark -G plugins (package installed, as nobody):"
    echo "$out" | grep -i "citrix\|multiple" || true
    n=$(echo "$out" | awk -F'\t' '$1 == "citrix_wireshark.so" && $4 ~ /\/wireshark\/plugins\/[0-9]+\.[0-9]+\/epan\/citrix_wireshark\.so$/' | wc -l)
    if [ "$n" -ne 1 ] || echo "$out" | grep -q "multiple directories"; then
        echo "== $suite: package check FAILED (want citrix_wireshark.so once, from the global plugin folder)"
        return 1
    fi
    # The installed triage command alone (no source tree, no build in the root):
    # its version line, then the bundled capture triaged to exact values.
    out=$(in_root "$root" citrix-triage --version 2>&1) || { echo "$out"; echo "== $suite: citrix-triage --version failed"; return 1; }
    echo "== $suite: $out"
    echo "$out" | grep -q "built for Wireshark $(in_root "$root" dpkg-query -W -f='${Version}' tshark | sed 's/-.*//')" ||
        { echo "== $suite: package check FAILED (citrix-triage --version does not name this Wireshark)"; return 1; }
    out=$(in_root "$root" sh -c 'cd /tmp && citrix-triage -q --json /usr/share/doc/citrix-wireshark/examples/spike-ica-2001.pcap |
        python3 -c "import json, sys; (f,) = json.load(sys.stdin)[\"files\"]; (s,) = f[\"sessions\"];
print(f[\"frames\"], s[\"client_name\"], s[\"ica_bytes\"][\"c2s\"], s[\"ica_bytes\"][\"s2c\"],
      [(c[\"name\"], c[\"bytes\"]) for c in s[\"channels\"]])"' 2>&1) ||
        { echo "$out"; echo "== $suite: installed citrix-triage failed"; return 1; }
    echo "== $suite: installed citrix-triage on the bundled capture: $out"
    if [ "$out" != "174 spike 1579 14834 [('CTXTW', 14169), ('CTXCAM', 143), ('CTXTWI', 27)]" ]; then
        echo "== $suite: package check FAILED (citrix-triage values differ from tests/tshark/test_triage.py SPIKE_SESSION)"
        return 1
    fi
    in_root "$root" test -s /usr/share/man/man1/citrix-triage.1.gz -a -s /usr/share/doc/citrix-wireshark/README.md ||
        { echo "== $suite: package check FAILED (man page or README missing)"; return 1; }
    echo "== $suite: package check passed"
    cleanup_root "$root" || true
}

case "${1:-}" in
    suite) shift; [ $# -ge 1 ] || die "usage: $0 suite <suite> [ctest args]"; cmd_suite "$@" ;;
    package-check) shift; [ $# -eq 2 ] || die "usage: $0 package-check <suite> <file.deb>"; cmd_package_check "$@" ;;
    cache) shift; for s in "$@"; do base_tarball "$s"; echo "$TARBALL"; done ;;
    *) die "usage: $0 suite <suite> [ctest args] | package-check <suite> <file.deb> | cache <suite>..." ;;
esac
