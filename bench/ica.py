#!/usr/bin/env python3
"""Cost of the ICA dissector against stock tshark on the same input, in one run.

Builds (not committed) a capture of N replicated copies of the real ICA session
(captures/spike-ica-2001.pcap), each on its own client address and port, with
the original segment sizes, then runs tshark without and with the plugin in
the same sandbox (tools/lib/wsrun.py) and prints wall-time and peak-memory ratios
for: plain -r, -V, and -T fields (stock: -e tcp.len; plugin: -e tcp.len -e ica.cmd).

    bench/ica.py [--sessions 1000] [--repeat 3] [--build build]

Wall time is the best of --repeat runs; peak memory is the child's ru_maxrss
(from wait4, the same number /usr/bin/time -v reports as "Maximum resident
set size").
"""
import argparse
import os
import subprocess
import sys
import time

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(TOP, "tools", "lib"))
sys.path.insert(0, os.path.join(TOP, "tools", "captures"))
from pcapgen import PcapWriter, TcpStream  # noqa: E402
from ica_recut import read_connections  # noqa: E402
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


def measure(ws, args, out=None):
    """(wall seconds, peak RSS in KiB) of one tshark run; output discarded or written to out."""
    cmd = ws.prefix + ["tshark"] + args
    sink = open(out, "wb") if out else subprocess.DEVNULL
    start = time.monotonic()
    p = subprocess.Popen(cmd, env=ws.env, stdout=sink, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(p.pid, 0)
    wall = time.monotonic() - start
    p.returncode = os.waitstatus_to_exitcode(status)
    if out:
        sink.close()
    err = p.stderr.read().decode("utf-8", "replace")
    p.stderr.close()
    if p.returncode != 0 or "Dissector bug" in err:
        raise RuntimeError("%s failed (%d): %s" % (" ".join(cmd), p.returncode, err[-2000:]))
    return wall, usage.ru_maxrss


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
    staged = {id(stock): stock.stage(cap), id(plugin): plugin.stage(cap)}
    print("capture: %s (%d sessions, %d bytes)" % (cap, a.sessions, os.path.getsize(cap)))
    cases = [
        ("plain -r", [], []),
        ("-V", ["-V"], ["-V"]),
        ("-T fields", ["-T", "fields", "-e", "tcp.len"], ["-T", "fields", "-e", "tcp.len", "-e", "ica.cmd"]),
    ]
    print("%-10s %10s %10s %7s %12s %12s %7s" % ("case", "stock s", "plugin s", "ratio",
                                                 "stock KiB", "plugin KiB", "ratio"))
    fields_out = os.path.join(a.out, "fields.txt")
    for name, stock_args, plugin_args in cases:
        runs = {id(stock): [], id(plugin): []}
        for _ in range(a.repeat):      # alternate so drift on a shared machine hits both alike
            for ws, extra in ((stock, stock_args), (plugin, plugin_args)):
                out = fields_out if ws is plugin and name == "-T fields" else None
                runs[id(ws)].append(measure(ws, ["-n", "-r", staged[id(ws)]] + extra, out))
        (sw, sm), (pw, pm) = [(min(r[0] for r in runs[k]), max(r[1] for r in runs[k]))
                              for k in (id(stock), id(plugin))]
        print("%-10s %10.2f %10.2f %6.2fx %12d %12d %6.2fx" % (name, sw, pw, pw / sw, sm, pm, pm / sm))
        sys.stdout.flush()
    # Proof that the plugin run decoded ICA: WD commands seen in the -T fields output.
    with open(fields_out) as f:
        cmds = sum(len(line.split("\t")[1].split(",")) for line in f if line.rstrip("\n").split("\t")[-1])
    print("plugin decoded %d WD commands (%d per session)" % (cmds, cmds // a.sessions))


if __name__ == "__main__":
    main()
