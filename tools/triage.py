#!/usr/bin/env python3
"""Triage a capture with the plugin loaded: one report a support engineer reads top to bottom.

Sections: capture basics, port registry per conversation (portreg), ICA sessions
(client, encryption, compression, channels), Command Center HA links, and the
plugin's expert infos.  Every number comes from tshark with the plugin; nothing
is computed here that the dissectors do not say.
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from wsrun import Wireshark, default_plugin_root  # noqa: E402

# (tap, heading) in report order; taps the plugin does not register are skipped.
SECTIONS = [
    ("portreg,tree", "Port registry"),
    ("ica,tree", "ICA sessions"),
    ("ccha,tree", "Command Center HA links"),
]
OUR_PROTOCOLS = "ica || ccha || portreg"


def available_taps(ws):
    out, err = ws.run(["-z", "help"], check=False)
    return {line.strip() for line in (out + err).splitlines()}


def strip_tap_frame(text):
    """tshark frames each -z output with ===== lines; keep the inside."""
    return "\n".join(line for line in text.splitlines() if line.strip() and not set(line.strip()) <= {"="})


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("capture")
    ap.add_argument("--plugin", default=default_plugin_root(), help="build/plugins directory")
    a = ap.parse_args()

    ws = Wireshark(a.plugin)
    cap = ws.stage(a.capture)
    taps = available_taps(ws)

    frames = ws.tshark(cap, ["-T", "fields", "-e", "frame.time_epoch"]).split()
    print("Capture: %s" % os.path.basename(a.capture))
    if frames:
        t = [float(x) for x in frames]
        print("  %d frames over %.3f s" % (len(t), max(t) - min(t)))

    chosen = [(tap, title) for tap, title in SECTIONS if tap in taps]
    args = ["-q"]
    for tap, _ in chosen:
        args += ["-z", tap]
    args += ["-z", "expert,note," + OUR_PROTOCOLS]
    out = ws.tshark(cap, args)

    # tshark prints the taps in registration order, each between ===== lines.
    blocks, cur = [], []
    for line in out.splitlines():
        if set(line.strip()) == {"="} and line.strip():
            if cur:
                blocks.append("\n".join(cur))
                cur = []
        else:
            cur.append(line)
    if cur:
        blocks.append("\n".join(cur))
    blocks = [b for b in blocks if b.strip()]
    for block in blocks:
        print()
        print(strip_tap_frame(block))
    missing = [title for tap, title in SECTIONS if tap not in taps]
    if missing:
        print("\n(not available in this build: %s)" % ", ".join(missing))


if __name__ == "__main__":
    main()
