#!/bin/sh
# cmake --build build --target install_user: copy the plugin into this user's
# plugin folder for the Wireshark it was built against, and warn when another
# copy (the global one from `cmake --install` or the Debian package) exists:
# tshark then says "found in multiple directories" and loads the global copy.
#   install_user.sh <plugin .so> <maj.min> <global plugin folder>
set -eu
so=$1 abi=$2 global=$3
dest="$HOME/.local/lib/wireshark/plugins/$abi/epan"
if [ "$(id -u)" -eq 0 ]; then
    echo "install_user: run as the user who will run Wireshark, not root (Wireshark ignores personal plugin folders for root)" >&2
    exit 1
fi
mkdir -p "$dest"
cp "$so" "$dest/"
echo "installed $dest/$(basename "$so")"
other="$global/epan/$(basename "$so")"
if [ -e "$other" ]; then
    owner=$(dpkg-query -S "$other" 2>/dev/null | cut -d: -f1 || true)
    echo "WARNING: a second copy exists: $other${owner:+ (package $owner)}" >&2
    echo "  tshark/Wireshark will warn \"found in multiple directories\" and use that one, not yours." >&2
    if [ -n "$owner" ]; then
        echo "  Keep one: sudo apt-get remove $owner   (or remove $dest/$(basename "$so"))" >&2
    else
        echo "  Keep one: sudo rm $other   (or remove $dest/$(basename "$so"))" >&2
    fi
fi
