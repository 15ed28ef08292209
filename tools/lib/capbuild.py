"""The command line every capture builder shares (tools/captures/*_captures.py):

    BUILDER --outdir DIR [--compare REF] [name ...]

builds the named captures (default: the committed ones) into DIR and, with
--compare, fails unless each is byte-identical to REF/<name> (the
reproducibility tests in tests/*.cmake).
"""
import argparse
import filecmp
import os
import sys


def main(description, names, build):
    """names: the committed captures; build(name, path) writes one."""
    ap = argparse.ArgumentParser(description=description)
    ap.add_argument("--outdir", required=True)
    ap.add_argument("--compare", metavar="DIR", help="fail unless every built file equals DIR/<name>")
    ap.add_argument("names", nargs="*", help="captures to build (default: the committed ones)")
    a = ap.parse_args()
    os.makedirs(a.outdir, exist_ok=True)
    bad = []
    for name in a.names or sorted(names):
        path = os.path.join(a.outdir, name)
        build(name, path)
        if a.compare:
            ref = os.path.join(a.compare, name)
            same = os.path.exists(ref) and filecmp.cmp(path, ref, shallow=False)
            print("%s %s" % ("same" if same else "DIFFERS", name))
            if not same:
                bad.append(name)
    if bad:
        sys.exit("not reproduced: " + ", ".join(bad))


def main_writers(description, captures, start=1_000_000_000.0):
    """main() for builders whose captures[name](writer) each fill one PcapWriter."""
    from pcapgen import PcapWriter

    def build(name, path):
        w = PcapWriter(path, start=start)
        captures[name](w)
        w.close()
    main(description, captures, build)
