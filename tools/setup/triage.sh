#!/usr/bin/env bash
# The README's main job: sets up (Debian packages, build) and triages captures
# with tools/citrix-triage, the plugin loaded the way a user loads it.
# Default: the bundled real ICA session.  Arguments go to citrix-triage
# (files, folders, --json, --html FILE, -j N).
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
ensure_packages
build_plugin "$BUILD" >/dev/null
if [ $# -eq 0 ]; then
    set -- "$TOP/captures/spike-ica-2001.pcap"
fi
exec "$TOP/tools/citrix-triage" --plugin "$BUILD/plugins" "$@"
