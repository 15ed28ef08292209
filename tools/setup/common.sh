# Shared by tools/setup/triage.sh and tools/setup/test.sh: install what is missing, build.
# Sourced, not run.  Works on Debian 12 (Wireshark 4.0), 13 (4.4) and sid (4.6):
# names that differ between releases are detected here, never listed per suite.
set -euo pipefail
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD=${BUILD:-$TOP/build}

# Everything the build, the tests and the benches need, whatever the release.
# libgcrypt20-dev: epan/dissectors/packet-tls-utils.h includes <gcrypt.h>
# (no Wireshark dev package depends on it: a fresh root lacks it).
# file: CPack's Debian dependency scan (CPACK_DEBIAN_PACKAGE_SHLIBDEPS) runs it.
# python3-matplotlib, chromium: the triage HTML report and its browser test;
# wireshark ... tesseract-ocr-eng: the GUI test under Xvfb.
BASE_PACKAGES=(build-essential cmake ninja-build pkg-config python3 wireshark-dev libwireshark-dev
               libglib2.0-dev tshark wireshark-common clang valgrind util-linux time
               libgcrypt20-dev file python3-matplotlib chromium
               wireshark xvfb imagemagick xdotool tesseract-ocr tesseract-ocr-eng)

# Major version of the clang this machine has, or else of the one `apt-get
# install clang` would bring (Debian's clang depends on clang-NN).
clang_major() {
    local v=""
    if command -v clang >/dev/null 2>&1; then
        v=$(clang -dumpversion 2>/dev/null | cut -d. -f1 || true)
    fi
    if [ -z "$v" ]; then
        v=$(apt-cache depends clang 2>/dev/null | sed -n 's/^ *Depends: clang-\([0-9][0-9]*\)$/\1/p' | head -n1 || true)
    fi
    echo "$v"
}

# PACKAGES: the base list plus the clang sanitizer runtime matching that clang
# (libclang-rt-14-dev on Debian 12, -19- on 13, -21- on sid as of 2026-12).
detect_packages() {
    PACKAGES=("${BASE_PACKAGES[@]}")
    local v
    v=$(clang_major)
    if [ -n "$v" ] && apt-cache show --no-all-versions "libclang-rt-$v-dev" >/dev/null 2>&1; then
        PACKAGES+=("libclang-rt-$v-dev")
    elif [ -n "$v" ] && dpkg-query -W -f='${Status}' "libclang-rt-$v-dev" 2>/dev/null | grep -q 'install ok installed'; then
        PACKAGES+=("libclang-rt-$v-dev")
    else
        echo "note: no libclang-rt-${v:-?}-dev known to apt: the fuzz smoke will be skipped" >&2
    fi
}

missing_packages() {
    local p
    MISSING=()
    for p in "${PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || MISSING+=("$p")
    done
}

# The capture-permission question of wireshark-common ("Should non-superusers
# be able to capture packets?") is answered No in advance: nothing here
# captures, and apt must not stop for input (CI has no stdin).
PRESEED="wireshark-common wireshark-common/install-setuid boolean false"

ensure_packages() {
    if [ "$(id -u)" -eq 0 ]; then
        export DEBIAN_FRONTEND=noninteractive
        # A fresh root has no package lists yet: the clang version is read from them.
        if [ -z "$(clang_major)" ]; then
            apt-get update -qq
        fi
    fi
    detect_packages
    missing_packages
    [ ${#MISSING[@]} -eq 0 ] && return 0
    if [ "$(id -u)" -eq 0 ]; then
        echo "== installing: ${MISSING[*]}"
        echo "$PRESEED" | debconf-set-selections
        apt-get update -qq
        apt-get install -y -qq --no-install-recommends "${MISSING[@]}" >/dev/null
    else
        cat >&2 <<EOF
Missing Debian packages. Run these (as root, once), then the command again:
  echo "$PRESEED" | sudo debconf-set-selections
  sudo apt-get update
  sudo DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${MISSING[*]}
The first line answers wireshark-common's capture-permission question (No) so apt does not stop to ask.
Without sudo: ask an administrator to run them; nothing else here needs root (build, tests and
'cmake --build build --target install_user' run as you).
EOF
        exit 1
    fi
}

build_plugin() {
    local dir=${1:-$BUILD}; shift || true
    cmake -S "$TOP" -B "$dir" -G Ninja "$@" >/dev/null
    cmake --build "$dir"
}
