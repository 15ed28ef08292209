#!/usr/bin/env bash
# Sets up (Debian packages, build) and triages a capture with the plugin loaded
# the way a user loads it.  Default: the bundled real ICA session.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
ensure_packages
build_plugin "$BUILD" >/dev/null
exec python3 "$TOP/tools/triage/triage.py" --plugin "$BUILD/plugins" "${1:-$TOP/captures/spike-ica-2001.pcap}"
