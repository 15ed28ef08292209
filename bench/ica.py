#!/usr/bin/env python3
"""Cost of the ICA dissector against stock tshark on the same input, in one run.

Builds (not committed) a capture of N replicated copies of the real ICA session
(captures/spike-ica-2001.pcap), each on its own client address and port, with
the original segment sizes, then runs tshark without and with the plugin in
the same sandbox (tools/lib/wsrun.py) and prints wall-time and peak-memory ratios
for: plain -r, -V, and -T fields (stock: -e tcp.len; plugin: -e tcp.len -e ica.cmd).

    bench/ica.py [--sessions 1000] [--repeat 3] [--build build]

Measurement: tools/lib/benchpair.py (best wall time of --repeat runs
alternating stock and plugin; peak memory from wait4).
"""
import os
import sys

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(TOP, "tools", "lib"))
sys.path.insert(0, os.path.join(TOP, "tools", "captures"))
from ica_recut import read_connections  # noqa: E402
from benchpair import arguments, compare, replicate_tcp, sides  # noqa: E402

REAL = os.path.join(TOP, "captures", "spike-ica-2001.pcap")


def main():
    a = arguments(__doc__, 1000).parse_args()
    os.makedirs(a.out, exist_ok=True)
    _, conns = read_connections(REAL)
    (conn,) = conns.values()
    cap = replicate_tcp(os.path.join(a.out, "ica-replicated-%d.pcap" % a.sessions), conn, a.sessions, close=False)
    stock, plugin = sides(a.build)
    print("capture: %s (%d sessions, %d bytes)" % (cap, a.sessions, os.path.getsize(cap)))
    cases = [
        ("plain -r", [], []),
        ("-V", ["-V"], ["-V"]),
        ("-T fields", ["-T", "fields", "-e", "tcp.len"], ["-T", "fields", "-e", "tcp.len", "-e", "ica.cmd"]),
    ]
    fields_out = os.path.join(a.out, "fields.txt")
    compare(stock, plugin, cap, cases, a.repeat, fields_out)
    # Proof that the plugin run decoded ICA: WD commands seen in the -T fields output.
    with open(fields_out) as f:
        cmds = sum(len(line.split("\t")[1].split(",")) for line in f if line.rstrip("\n").split("\t")[-1])
    print("plugin decoded %d WD commands (%d per session)" % (cmds, cmds // a.sessions))


if __name__ == "__main__":
    main()
