#!/usr/bin/env python3
"""Seeds for fuzz/fuzz_ica_v3.c from the real V3 session, and a run of it.

    tools/robust/fuzz_v3_seeds.py --build build --corpus fuzz-corpus/v3
    tools/robust/fuzz_v3_seeds.py --build build --corpus fuzz-corpus/v3 --fuzzer build/fuzz/citrix_fuzz_v3 --seconds 300

Pipeline mode (first byte even): the ICA bytes of tests/data/v3/edt-citrixudp-ica.txt as
[dir][u16 length][bytes] records (the whole session, and its first 40 and 80 packets; and
from its 41st packet on, picked up mid-session).
Expander mode (odd): the V3 packets of each direction, written by the unit test
(build/tests/test_ica_v3 with ICA_V3_SEED_DIR).
"""
import argparse
import os
import struct
import subprocess
import sys

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def pipeline_seed(lines, mode=0):
    out = bytearray([mode])
    for frame, direction, hexdata in lines:
        data = bytes.fromhex(hexdata)
        out += struct.pack("<BH", 1 if direction == "s2c" else 0, len(data)) + data
    return bytes(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--build", required=True, help="the main build tree (for tests/test_ica_v3)")
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--fuzzer", help="run this fuzz binary on the corpus afterwards")
    ap.add_argument("--seconds", type=int, default=60)
    ap.add_argument("--runs", type=int, help="a fixed number of inputs with seed 1 instead (repeatable)")
    a = ap.parse_args()
    os.makedirs(a.corpus, exist_ok=True)
    with open(os.path.join(TOP, "tests", "data", "v3", "edt-citrixudp-ica.txt")) as f:
        lines = [l.split() for l in f if l.strip() and not l.startswith("#")]
    for n in (40, 80, len(lines)):
        with open(os.path.join(a.corpus, "session-%d" % n), "wb") as f:
            f.write(pipeline_seed(lines[:n]))
    # picked up mid-session: from the 41st packet on (key recovery, V3 without history)
    with open(os.path.join(a.corpus, "midsession-40"), "wb") as f:
        f.write(pipeline_seed(lines[40:], mode=2))
    env = dict(os.environ, ICA_V3_SEED_DIR=os.path.abspath(a.corpus))
    subprocess.run([os.path.join(a.build, "tests", "test_ica_v3")], env=env, check=True, stdout=subprocess.DEVNULL)
    print("%s: %d seeds" % (a.corpus, len(os.listdir(a.corpus))))
    if a.fuzzer:
        limit = ["-runs=%d" % a.runs, "-seed=1"] if a.runs else ["-max_total_time=%d" % a.seconds]
        sys.exit(subprocess.run([a.fuzzer, a.corpus, "-rss_limit_mb=2048", "-max_len=65536",
                                 "-print_final_stats=1"] + limit).returncode)


if __name__ == "__main__":
    main()
