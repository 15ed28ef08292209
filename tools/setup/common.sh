# Shared by tools/setup/triage.sh and tools/setup/test.sh: install what is missing, build.
# Sourced, not run.
set -euo pipefail
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD=${BUILD:-$TOP/build}

# Everything the build, the tests and the benches need, from Debian 12.
PACKAGES=(build-essential cmake ninja-build pkg-config python3 wireshark-dev libwireshark-dev
          libglib2.0-dev tshark wireshark-common clang libclang-rt-14-dev valgrind util-linux time
          python3-matplotlib chromium)

ensure_packages() {
    local missing=()
    for p in "${PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ "$(id -u)" -eq 0 ]; then
        echo "== installing: ${missing[*]}"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    else
        echo "Missing Debian packages. Run this, then the command again:" >&2
        echo "  sudo apt-get install -y ${missing[*]}" >&2
        exit 1
    fi
}

build_plugin() {
    local dir=${1:-$BUILD}; shift || true
    cmake -S "$TOP" -B "$dir" -G Ninja "$@" >/dev/null
    cmake --build "$dir"
}
