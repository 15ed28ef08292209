#!/usr/bin/env python3
"""Two builds of the plugin against stock tshark on one capture, in one run: for
telling whether a change made the plugin cheaper on a machine whose speed moves.

Each round runs stock tshark, the plugin of BASE and the plugin of NEW one after the
other (plain -r, output discarded; tools/lib/benchpair.measure), so that a slow
minute of a shared machine hits all three alike; prints each round's CPU seconds
(user + system) and, at the end, per side the median over rounds of its CPU ratio
to stock in the same round, and the ratio of the best CPU times.

    bench/builds.py CAPTURE BASE_BUILD NEW_BUILD [--rounds 5]

e.g. a worktree of the commit before the change built into /tmp/base/build:
    bench/builds.py bench/out/edt-interleaved-1000.pcap /tmp/base/build build
"""
import argparse
import os
import statistics
import sys

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(TOP, "tools", "lib"))
from benchpair import measure, sides  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("capture")
    ap.add_argument("base", help="build directory of the plugin before the change")
    ap.add_argument("new", help="build directory of the plugin after it")
    ap.add_argument("--rounds", type=int, default=5)
    a = ap.parse_args()
    stock, base = sides(os.path.abspath(a.base))
    runs = [("stock", stock), ("base", base), ("new", sides(os.path.abspath(a.new))[1])]
    staged = {name: ws.stage(a.capture) for name, ws in runs}
    cpu = {name: [] for name, _ in runs}
    for i in range(a.rounds):
        for name, ws in runs:
            cpu[name].append(measure(ws, ["-n", "-r", staged[name]])[2])
        print("round %d: " % (i + 1) + ", ".join("%s %.2f s" % (n, cpu[n][-1]) for n, _ in runs), flush=True)
    best = min(cpu["stock"])
    for name in ("base", "new"):
        ratios = [p / s for p, s in zip(cpu[name], cpu["stock"])]
        print("%-4s CPU / stock: median of rounds %.2fx, best %.2f s / %.2f s = %.2fx"
              % (name, statistics.median(ratios), min(cpu[name]), best, min(cpu[name]) / best))


if __name__ == "__main__":
    main()
