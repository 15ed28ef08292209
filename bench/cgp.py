#!/usr/bin/env python3
"""Cost of the CGP dissector (with the ICA inside) against stock tshark on the
same CGP-heavy input, in one run.

Builds (not committed) a capture of N CGP sessions on TCP 2598, each the real
SPIKE ICA session inside CGP as tools/captures/cgp_captures.py builds it
(bind, channel open, ICA in DATA_REALTIME(_WITH_ACK) messages) on its own
client address and port, then runs tshark without and with the plugin in the
same sandbox and prints wall-time and peak-memory ratios for plain -r, -V and
-T fields (stock: -e tcp.len; plugin: -e tcp.len -e cgp.cmd -e ica.cmd).
Measurement: tools/lib/benchpair.py (best wall of --repeat runs alternating
stock and plugin; peak RSS from wait4).

    bench/cgp.py [--sessions 1000] [--repeat 3] [--build build]
"""
import os
import sys

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(TOP, "tools", "lib"))
sys.path.insert(0, os.path.join(TOP, "tools", "captures"))
from pcapgen import PcapWriter, TcpStream  # noqa: E402
import cgp_captures  # noqa: E402
from benchpair import arguments, compare, sides  # noqa: E402


def build_capture(path, sessions):
    runs = cgp_captures.cgp_spike_runs()
    w = PcapWriter(path, step=0.000001)
    for i in range(sessions):
        client = ("10.%d.%d.%d" % (110 + i // 65536, (i // 256) % 256, i % 256 or 1), 40000 + i % 20000)
        s = TcpStream(w, client, ("10.30.0.20", 2598), isn_c=1000 + i, isn_s=5000 + 7 * i)
        s.handshake()
        for d, data in runs:
            s.send(d, data)
        s.close()
    w.close()
    return path


def main():
    a = arguments(__doc__, 1000).parse_args()
    os.makedirs(a.out, exist_ok=True)
    cap = build_capture(os.path.join(a.out, "cgp-sessions-%d.pcap" % a.sessions), a.sessions)
    stock, plugin = sides(a.build)
    print("capture: %s (%d sessions, %d bytes)" % (cap, a.sessions, os.path.getsize(cap)))
    cases = [
        ("plain -r", [], []),
        ("-V", ["-V"], ["-V"]),
        ("-T fields", ["-T", "fields", "-e", "tcp.len"],
         ["-T", "fields", "-e", "tcp.len", "-e", "cgp.cmd", "-e", "ica.cmd"]),
    ]
    fields_out = os.path.join(a.out, "cgp-fields.txt")
    compare(stock, plugin, cap, cases, a.repeat, fields_out)
    # Proof that the plugin run decoded CGP and the ICA inside.
    cgp = ica = 0
    with open(fields_out) as f:
        for line in f:
            cols = line.rstrip("\n").split("\t")
            cgp += len([x for x in cols[1].split(",") if x])
            ica += len([x for x in cols[2].split(",") if x])
    print("plugin decoded %d CGP records (%d per session) and %d ICA WD commands (%d per session)"
          % (cgp, cgp // a.sessions, ica, ica // a.sessions))


if __name__ == "__main__":
    main()
