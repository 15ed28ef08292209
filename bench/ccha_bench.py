#!/usr/bin/env python3
"""Speed and memory of the ccha (TCP 2014) dissector against stock tshark, same input, one run.

Two generated inputs (tools/lib/pcapgen.py, deterministic):
  * port2014: 100 links on TCP 2014, each 100 u32-BE length-prefixed records per
    direction (the dissector's busiest path: classification, prefix
    inference, timing, records in the tree);
  * other:    the same traffic on TCP 4000, which ccha must leave alone (cost of
    its post-dissector and TCP tap helper on captures without a link).
For each input: stock tshark (no plugin), the plugin, and the plugin with ccha
disabled, each `tshark -n -r X -V` (full tree) and `-n -r X` (no tree), best
of N runs; prints wall times, max RSS and ratios against stock.  Numbers only:
no thresholds (the machine is shared; compare ratios, not absolutes).

    python3 bench/ccha_bench.py [--runs 3] [--plugin build/plugins]
"""
import argparse
import os
import subprocess
import sys
import tempfile
import time

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(TOP, "tools", "lib"))
sys.path.insert(0, os.path.join(TOP, "tools", "captures"))
from pcapgen import PcapWriter, TcpStream  # noqa: E402
from wsrun import Wireshark  # noqa: E402


def build(path, port, links=100, beats=100):
    w = PcapWriter(path)
    t = 1_700_000_000.0
    for i in range(links):
        s = TcpStream(w, ("10.0.%d.%d" % (i // 250, i % 250 + 1), 40000 + i), ("10.1.0.1", port))
        s.handshake(ts=t)
        for n in range(beats):
            t += 0.01
            body = b"beat %d" % n
            s.send("c2s", len(body).to_bytes(4, "big") + body, ts=t)
            s.send("s2c", (3).to_bytes(4, "big") + b"ack")
        s.close()
    w.close()
    os.chmod(path, 0o644)


def measure(ws, args, runs):
    best_t, best_rss = None, None
    for _ in range(runs):
        cmd = ws.prefix + ["/usr/bin/time", "-f", "%M", "tshark"] + args
        t0 = time.monotonic()
        p = subprocess.run(cmd, env=ws.env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        dt = time.monotonic() - t0
        if p.returncode != 0:
            raise RuntimeError(p.stderr.decode())
        rss = int(p.stderr.decode().strip().splitlines()[-1])
        best_t = dt if best_t is None else min(best_t, dt)
        best_rss = rss if best_rss is None else min(best_rss, rss)
    return best_t, best_rss


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--plugin", default=None)
    a = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="ccha-bench-", dir="/tmp")
    os.chmod(tmp, 0o755)
    inputs = {"port2014": os.path.join(tmp, "port2014.pcap"), "other": os.path.join(tmp, "other.pcap")}
    build(inputs["port2014"], 2014)
    build(inputs["other"], 4000)
    stock = Wireshark(with_plugin=False)
    plugin = Wireshark(a.plugin)
    print("%-9s %-6s %-22s %9s %9s %9s %8s" % ("input", "tree", "variant", "seconds", "ratio", "maxRSS kB", "ratio"))
    for name, path in inputs.items():
        frames = None
        for tree, extra in (("-V", ["-V"]), ("none", [])):
            base = None
            for label, ws, more in (("stock tshark", stock, []), ("plugin", plugin, []),
                                    ("plugin, ccha disabled", plugin, ["--disable-protocol", "ccha"])):
                args = ["-n", "-r", ws.stage(path)] + extra + more
                t, rss = measure(ws, args, a.runs)
                if base is None:
                    base = (t, rss)
                print("%-9s %-6s %-22s %9.3f %9.3f %9d %8.3f" % (name, tree, label, t, t / base[0], rss,
                                                                 rss / base[1]))
            if frames is None:
                out = subprocess.run(["capinfos", "-c", "-M", path], stdout=subprocess.PIPE).stdout.decode()
                frames = out.strip().splitlines()[-1]
        print("  (%s: %s)" % (name, frames.strip()))


if __name__ == "__main__":
    main()
