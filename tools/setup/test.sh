#!/usr/bin/env bash
# Sets up (Debian packages, build) and runs every test through ctest.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
ensure_packages
# CITRIX_CMAKE_ARGS: extra configure options (CI roots: a shorter fuzz smoke).
build_plugin "$BUILD" -DCITRIX_WERROR=ON ${CITRIX_CMAKE_ARGS:-}
cd "$BUILD"
ctest --output-on-failure -j2 "$@"
