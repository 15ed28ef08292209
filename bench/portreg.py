#!/usr/bin/env python3
"""Cost of the port-registry post-dissector: tshark with the plugin against
stock tshark (same binary, same sandbox, plugin absent), on one generated
mixed capture of at least 100k packets, in one run.

    python3 bench/portreg.py [--packets N] [--runs R]

Prints the median wall time, CPU time (user+system; less sensitive to a busy
shared machine) and peak RSS (from /usr/bin/time -v) of each
configuration and the ratios. Targets (issues 2 and 11): without a tree
<= 1.03 instructions (--callgrind) and <= 1.05 wall time, with -T fields -e
portreg.iana.service <= 1.15. Never used as a test.
"""
import argparse
import os
import random
import re
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(TOP, "tools", "lib"))
sys.path.insert(0, os.path.join(TOP, "tools", "captures"))
from pcapgen import PcapWriter, TcpStream  # noqa: E402
from wsrun import Wireshark  # noqa: E402

SERVICES = [80, 443, 22, 25, 1494, 2598, 2014, 2897, 8080, 3389, 8443, 60314, 4, 5000]


def build(path, packets, seed=2):
    """TCP conversations of 8-40 packets to a mix of ports, and DNS/NTP-style
    UDP exchanges, until `packets` frames are written."""
    rnd = random.Random(seed)
    w = PcapWriter(path, step=0.0001)
    n = conv = 0
    while n < packets:
        conv += 1
        client = ("10.%d.%d.%d" % (1 + conv % 200, conv // 200 % 250, 1 + conv % 250), 32768 + conv % 28000)
        if rnd.random() < 0.3:
            port = rnd.choice([53, 123, 16500, 2598, 50000])
            server = ("192.168.1.%d" % (1 + conv % 20), port)
            for _ in range(rnd.randint(1, 3)):
                w.udp(client, server, b"q" * rnd.randint(20, 60))
                w.udp(server, client, b"r" * rnd.randint(40, 200))
                n += 2
            continue
        server = ("192.168.0.%d" % (1 + conv % 20), rnd.choice(SERVICES))
        s = TcpStream(w, client, server, isn_c=rnd.randint(0, 2**31), isn_s=rnd.randint(0, 2**31))
        s.handshake()
        n += 3
        for _ in range(rnd.randint(1, 16)):
            s.send("c2s", b"c" * rnd.randint(10, 400))
            s.send("s2c", b"s" * rnd.randint(10, 1400))
            n += 2
        s.close()
        n += 3
    w.close()
    return n, conv


def measure(ws, capture, args):
    cmd = ["/usr/bin/time", "-v"] + ws.prefix + ["tshark", "-n", "-r", ws.stage(capture)] + args
    p = subprocess.run(cmd, env=ws.env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if p.returncode != 0:
        raise RuntimeError("%s failed:\n%s" % (" ".join(cmd), p.stderr[-2000:]))
    wall = re.search(r"Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):([\d.]+)", p.stderr)
    h, m, s = wall.groups()
    secs = int(h or 0) * 3600 + int(m) * 60 + float(s)
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", p.stderr).group(1))
    cpu = sum(float(re.search(r"%s time \(seconds\): ([\d.]+)" % k, p.stderr).group(1)) for k in ("User", "System"))
    return secs, rss, cpu


def instructions(ws, capture, args, count):
    """Instructions executed (valgrind --tool=callgrind): deterministic, so a
    busy shared machine does not blur small differences."""
    out = os.path.join(ws.home, "callgrind.out")   # writable by the unprivileged tshark
    cmd = ws.prefix + ["valgrind", "--tool=callgrind", "--callgrind-out-file=" + out,
                       "tshark", "-n", "-r", ws.stage(capture), "-c", str(count)] + args
    p = subprocess.run(cmd, env=ws.env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    m = re.search(r"Collected : (\d+)", p.stderr)
    if p.returncode != 0 or not m:
        raise RuntimeError("%s failed:\n%s" % (" ".join(cmd), p.stderr[-2000:]))
    return int(m.group(1))


def callgrind_ratios(plugin, stock, cap, configs, count):
    print("instructions per packet (callgrind, first %d packets, start-up subtracted):" % count)
    for name, ws_a, args_a, ws_b, args_b in configs:
        per = []
        for ws, args in ((ws_a, args_a), (ws_b, args_b)):
            start = instructions(ws, cap, args, 1)
            per.append((instructions(ws, cap, args, count) - start) / (count - 1))
        print("%-16s stock %9.0f  plugin %9.0f  ratio %.3f" % (name, per[0], per[1], per[1] / per[0]))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--packets", type=int, default=120000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--callgrind", type=int, metavar="N", default=0,
                    help="also count instructions per packet over the first N packets (slow: valgrind)")
    a = ap.parse_args()
    if not os.path.exists("/usr/bin/time"):
        sys.exit("needs /usr/bin/time (Debian package `time`)")
    out = os.path.join(HERE, "out")
    os.makedirs(out, exist_ok=True)
    cap = os.path.join(out, "portreg-mixed-%d.pcap" % a.packets)
    if not os.path.exists(cap):
        n, conv = build(cap, a.packets)
        print("built %s: %d packets, %d conversations" % (cap, n, conv))
    plugin = Wireshark()
    stock = Wireshark(with_plugin=False)
    configs = [
        ("no tree", stock, [], plugin, []),
        ("-T fields", stock, ["-T", "fields", "-e", "frame.number"],
         plugin, ["-T", "fields", "-e", "portreg.iana.service"]),
    ]
    measure(plugin, cap, ["-c", "1"])   # warm the page cache
    print("%-16s %9s %9s %6s | %9s %9s %6s | %10s %10s %6s" % (
        "config", "wall s", "wall s", "ratio", "cpu s", "cpu s", "ratio", "peak KiB", "peak KiB", "ratio"))
    print("%-16s %9s %9s %6s | %9s %9s %6s | %10s %10s %6s" % (
        "", "stock", "plugin", "", "stock", "plugin", "", "stock", "plugin", ""))
    for name, ws_a, args_a, ws_b, args_b in configs:
        res = {"a": [], "b": []}
        for _ in range(a.runs):   # interleaved so machine noise hits both alike
            res["a"].append(measure(ws_a, cap, args_a))
            res["b"].append(measure(ws_b, cap, args_b))
        for how, f in (("median", statistics.median), ("best", min)):
            agg = {k: [f(x[i] for x in v) for i in range(3)] for k, v in res.items()}
            (wa, ma, ca), (wb, mb, cb) = agg["a"], agg["b"]
            print("%-16s %9.3f %9.3f %6.3f | %9.3f %9.3f %6.3f | %10d %10d %6.3f" % (
                "%s %s" % (name, how), wa, wb, wb / wa, ca, cb, cb / ca, ma, mb, mb / ma))
    if a.callgrind:
        callgrind_ratios(plugin, stock, cap, configs, a.callgrind)
    print("median and best of %d interleaved runs; stock -T fields uses -e frame.number (stock tshark has no "
          "portreg fields); targets: no tree <= 1.03 instructions and <= 1.05 wall, -T fields <= 1.15" % a.runs)


if __name__ == "__main__":
    main()
