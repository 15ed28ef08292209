#!/usr/bin/env python3
"""Cost of reading current sessions (EDT -> CGP -> ICA -> reducer V3 -> WD) against stock
tshark on the same input, in one run (issue 16, Cost).

Builds (not committed) two captures of N sessions, each the real session
captures/edt-citrixudp.pcap (every UDP payload as it is) on its own client and
server address and client port:
  sequential    one session after another
  interleaved   GROUP sessions at a time, their datagrams round-robin (GROUP
                sessions open at once), then the next GROUP
and runs tshark without and with the plugin on each (plain -r, and -T fields
as the proof of decoding: the plugin's virtual-channel bytes per session must
be the real session's 30,642).  Measurement: as tools/lib/benchpair.measure
(best wall of --repeat runs alternating stock and plugin; peak RSS from wait4),
plus the CPU time (user + system, from the same wait4): on a shared machine
whose load varies during the run the CPU ratio is the steadier one.

Memory per session, from the peaks (KiB):
  per closed session   ((plugin - stock, sequential) - (plugin - stock, one session)) / (N - 1)
  per open session     (plugin interleaved - plugin sequential) / (GROUP - 1)
against the history the session's negotiation asks for: 2^18 bytes server to
client + 2^16 client to server = 320 KiB.

    bench/edt.py [--sessions 1000] [--group 100] [--repeat 1] [--build build]
"""
import argparse
import os
import sys

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(TOP, "tools", "lib"))
sys.path.insert(0, os.path.join(TOP, "tools", "captures"))
from pcapgen import PcapWriter  # noqa: E402
import edt_captures  # noqa: E402
from wsrun import Wireshark  # noqa: E402
from benchpair import measure  # noqa: E402

SERVER_PORT = 2598
HISTORY_KIB = ((1 << 18) + (1 << 16)) // 1024
VC_BYTES = 30642          # -z ica,tree of the real session: every channel, both directions


def real_datagrams(source):
    """(server port, [(c2s, payload)]) of the session in capture order; the
    server's port is the first datagram's destination (the client's handshake)."""
    _, recs = edt_captures.read_records(source)
    server_port = edt_captures.ports(recs[0][2])[1]
    out = []
    for _, _, pkt, _ in recs:
        sport, _ = edt_captures.ports(pkt)
        out.append((sport != server_port, edt_captures.udp_payload(pkt)))
    return server_port, out


def endpoints(i, server_port=SERVER_PORT):
    client = ("10.%d.%d.%d" % (120 + i // 65536, (i // 256) % 256, i % 256 or 1), 20000 + i % 40000)
    server = ("10.%d.%d.%d" % (200 + i // 65536, (i // 256) % 256, i % 256 or 1), server_port)
    return client, server


def build_capture(path, sessions, group, source=edt_captures.SOURCE):
    """group 1: sequential; else group sessions interleaved datagram by datagram."""
    server_port, dgrams = real_datagrams(source)
    w = PcapWriter(path, step=0.000001)
    for first in range(0, sessions, group):
        ids = range(first, min(first + group, sessions))
        for c2s, payload in dgrams:
            for i in ids:
                client, server = endpoints(i, server_port)
                if c2s:
                    w.udp(client, server, payload)
                else:
                    w.udp(server, client, payload)
    w.close()
    return path


def run_pair(stock, plugin, cap, repeat, fields_out):
    staged = {id(stock): stock.stage(cap), id(plugin): plugin.stage(cap)}
    cases = [("plain -r", [], []),
             ("-T fields", ["-T", "fields", "-e", "udp.length"],
              ["-T", "fields", "-e", "udp.length", "-e", "ica.vc.length"])]
    result = {}
    for name, s_args, p_args in cases:
        runs = {"stock": [], "plugin": []}
        for _ in range(repeat):
            for side, ws, extra in (("stock", stock, s_args), ("plugin", plugin, p_args)):
                out = fields_out if side == "plugin" and name == "-T fields" else None
                runs[side].append(measure(ws, ["-n", "-r", staged[id(ws)]] + extra, out))
        result[name] = {k: (min(r[0] for r in v), max(r[1] for r in v), min(r[2] for r in v))
                        for k, v in runs.items()}
    return result


def vc_bytes(fields_out):
    total = 0
    with open(fields_out) as f:
        for line in f:
            cols = line.rstrip("\n").split("\t")
            total += sum(int(x) for x in cols[1].split(",") if x)
    return total


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sessions", type=int, default=1000)
    ap.add_argument("--group", type=int, default=100)
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--build", default=os.path.join(TOP, "build"))
    ap.add_argument("--out", default=os.path.join(TOP, "bench", "out"))
    ap.add_argument("--source", default=edt_captures.SOURCE,
                    help="the EDT session to replicate (default: the real one; e.g. captures/edt-ica-ended.pcap, "
                         "ICA on UDP 1494 ending with a UDT shutdown)")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    stock = Wireshark(with_plugin=False)
    plugin = Wireshark(plugin_root=os.path.join(a.build, "plugins"), with_plugin=True)
    peaks = {}
    print("%-12s %-10s %9s %9s %7s %9s %9s %7s %11s %11s %7s" % (
        "layout", "case", "stock s", "plugin s", "ratio", "stock cpu", "plug cpu", "ratio", "stock KiB", "plugin KiB",
        "ratio"))
    for layout, group in (("sequential", 1), ("interleaved", a.group)):
        cap = build_capture(os.path.join(a.out, "edt-%s-%d.pcap" % (layout, a.sessions)), a.sessions, group,
                            a.source)
        fields_out = os.path.join(a.out, "edt-%s-fields.txt" % layout)
        res = run_pair(stock, plugin, cap, a.repeat, fields_out)
        for name, r in res.items():
            (sw, sm, sc), (pw, pm, pc) = r["stock"], r["plugin"]
            print("%-12s %-10s %9.2f %9.2f %6.2fx %9.2f %9.2f %6.2fx %11d %11d %6.2fx" % (
                layout, name, sw, pw, pw / sw, sc, pc, pc / sc, sm, pm, pm / sm))
        peaks[layout] = (res["plain -r"]["stock"][1], res["plain -r"]["plugin"][1])
        got = vc_bytes(fields_out)
        print("  %s: %d sessions, %d bytes; plugin decoded %d virtual-channel bytes (%d per session%s)"
              % (layout, a.sessions, os.path.getsize(cap), got, got // a.sessions,
                 ", the real session has %d" % VC_BYTES if a.source == edt_captures.SOURCE else ""))
        sys.stdout.flush()
    # the plugin's own fixed cost (registration, tables): the same pair on one session
    one = build_capture(os.path.join(a.out, "edt-one.pcap"), 1, 1, a.source)
    base = run_pair(stock, plugin, one, a.repeat, os.path.join(a.out, "edt-one-fields.txt"))["plain -r"]
    base_diff = base["plugin"][1] - base["stock"][1]
    print("one session: stock %d KiB, plugin %d KiB" % (base["stock"][1], base["plugin"][1]))
    closed = (peaks["sequential"][1] - peaks["sequential"][0] - base_diff) / (a.sessions - 1)
    open_ = (peaks["interleaved"][1] - peaks["sequential"][1]) / max(a.group - 1, 1)
    print("per closed session: %.1f KiB ((plugin - stock peak, sequential) - (the same on one session), / %d)"
          % (closed, a.sessions - 1))
    print("per open session:   %.1f KiB ((interleaved - sequential plugin peak) / %d); history asked for: %d KiB "
          "(%.2fx)" % (open_, a.group - 1, HISTORY_KIB, open_ / HISTORY_KIB))


if __name__ == "__main__":
    main()
