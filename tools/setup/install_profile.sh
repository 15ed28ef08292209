#!/bin/sh
# Copies the "Citrix" configuration profile (profile/Citrix/) into the
# personal configuration directory Wireshark reads: $WIRESHARK_CONFIG_DIR if
# set, else ~/.wireshark if it exists (legacy), else
# ${XDG_CONFIG_HOME:-~/.config}/wireshark. Run by `cmake --build build
# --target install_profile`; `cmake --install` puts it in the global
# profiles directory instead (every user sees it under Configuration Profiles).
set -eu
src=${1:-$(dirname "$0")/../../profile/Citrix}
if [ -n "${WIRESHARK_CONFIG_DIR:-}" ]; then
    conf=$WIRESHARK_CONFIG_DIR
elif [ -d "$HOME/.wireshark" ]; then
    conf=$HOME/.wireshark
else
    conf=${XDG_CONFIG_HOME:-$HOME/.config}/wireshark
fi
dest=$conf/profiles/Citrix
mkdir -p "$dest"
for f in "$src"/*; do
    cp "$f" "$dest/"
done
echo "installed profile Citrix in $dest (Wireshark: Edit > Configuration Profiles, or wireshark -C Citrix)"
