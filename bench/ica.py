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
import argparse
import os
import sys

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(TOP, "tools", "lib"))
sys.path.insert(0, os.path.join(TOP, "tools", "captures"))
from pcapgen import PcapWriter, TcpStream  # noqa: E402
from ica_recut import read_connections  # noqa: E402
from benchpair import compare  # noqa: E402
from wsrun import Wireshark  # noqa: E402

REAL = os.path.join(TOP, "captures", "spike-ica-2001.pcap")


def build_capture(path, sessions):
    _, conns = read_connections(REAL)
    (conn,) = conns.values()
    t0 = conn.segments[0][2]
    span = conn.segments[-1][2] - t0 + 1.0
    w = PcapWriter(path, step=0.000001)
    for i in range(sessions):
        client = ("10.%d.%d.%d" % (100 + i // 65536, (i // 256) % 256, i % 256 or 1), 40000 + i % 20000)
        s = TcpStream(w, client, conn.server, isn_c=conn.isn["c2s"] + i, isn_s=conn.isn["s2c"] + 7 * i)
        base = 1_700_000_000.0 + i * span
        s.handshake(ts=base)
        for direction, payload, ts in conn.segments:
            s.send(direction, payload, ts=base + 0.001 + (ts - t0))
    w.close()
    return path


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sessions", type=int, default=1000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--build", default=os.path.join(TOP, "build"))
    ap.add_argument("--out", default=os.path.join(TOP, "bench", "out"))
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    cap = build_capture(os.path.join(a.out, "ica-replicated-%d.pcap" % a.sessions), a.sessions)
    stock = Wireshark(with_plugin=False)
    plugin = Wireshark(plugin_root=os.path.join(a.build, "plugins"), with_plugin=True)
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
