#!/usr/bin/env bash
# Sets up (Debian packages, build) and runs every test through ctest.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
ensure_packages
build_plugin "$BUILD" -DCITRIX_WERROR=ON
cd "$BUILD"
ctest --output-on-failure -j2 "$@"
