#!/usr/bin/env python3
"""valgrind memcheck over the captures with the plugin loaded; judges only our code.

    tools/robust/valgrind.py [--plugin-root build/plugins] [--quick] [capture ...]

Runs `tshark -2 -nVxr` (both passes, full tree) under memcheck for each
capture in captures/ (--quick: all of them concatenated with mergecap into
one run).  libwireshark's own leaks and reports are ignored: an error or a
definite leak counts only when its stack has a frame in citrix_wireshark.so
or one of plugin/*.c.  Exit 1 when any such report exists.
"""
import argparse
import glob
import os
import re
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from wsrun import Wireshark  # noqa: E402

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
VALGRIND = ["valgrind", "--tool=memcheck", "--error-limit=no", "--num-callers=30",
            "--leak-check=full", "--show-leak-kinds=definite", "--errors-for-leak-kinds=definite"]


def ours_pattern():
    names = [re.escape(os.path.basename(p)) for p in glob.glob(os.path.join(TOP, "plugin", "**", "*.c"), recursive=True)]
    return re.compile(r"citrix_wireshark\.so|\((?:%s):\d+\)" % "|".join(names))


def blocks(log):
    """valgrind's reports: runs of '==pid== ' lines separated by an empty one."""
    cur = []
    for line in log.splitlines():
        m = re.match(r"==\d+== ?(.*)", line)
        if not m:
            continue
        if m.group(1).strip():
            cur.append(m.group(1))
        elif cur:
            yield "\n".join(cur)
            cur = []
    if cur:
        yield "\n".join(cur)


def is_report(block):
    head = block.split("\n", 1)[0]
    return (head.startswith(("Invalid ", "Conditional jump", "Use of uninitialised", "Syscall param",
                             "Mismatched free", "Source and destination overlap", "Argument '"))
            or "definitely lost" in head)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--plugin-root")
    ap.add_argument("--quick", action="store_true", help="one run over all captures concatenated")
    ap.add_argument("captures", nargs="*")
    a = ap.parse_args()
    caps = a.captures or sorted(p for p in glob.glob(os.path.join(TOP, "captures", "**", "*"), recursive=True)
                                if p.endswith((".pcap", ".pcapng")))
    if not caps:
        print("valgrind: no captures")
        return 0
    ws = Wireshark(a.plugin_root)
    logdir = tempfile.mkdtemp(prefix="citrix-vg-", dir="/tmp")
    os.chmod(logdir, 0o1777)
    if a.quick and len(caps) > 1:
        merged = os.path.join(ws.tmp, "all.pcapng")
        subprocess.run(["mergecap", "-a", "-F", "pcapng", "-w", merged] + caps, check=True)
        os.chmod(merged, 0o644)
        runs = [("all %d captures" % len(caps), merged)]
    else:
        runs = [(os.path.relpath(c, TOP), ws.stage(c)) for c in caps]
    ours = ours_pattern()
    found, total_errors, start = [], 0, time.time()
    for i, (name, path) in enumerate(runs):
        log = os.path.join(logdir, "vg-%d.log" % i)
        cmd = ws.prefix + VALGRIND + ["--log-file=" + log, "tshark", "-2", "-nVxr", path]
        p = subprocess.run(cmd, env=ws.env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        with open(log, errors="replace") as f:
            text = f.read()
        reports = [b for b in blocks(text) if is_report(b)]
        mine = [b for b in reports if ours.search(b)]
        total_errors += len(reports)
        summary = re.findall(r"ERROR SUMMARY: .*", text)
        print("valgrind: %s: tshark exit %d, %d reports, %d in plugin code (%s)" % (
            name, p.returncode, len(reports), len(mine), summary[-1] if summary else "no summary"), flush=True)
        if p.returncode != 0:
            print(p.stderr.decode("utf-8", "replace")[-3000:])
            found.append("tshark exit %d on %s" % (p.returncode, name))
        found += mine
    for b in found:
        print("---\n" + b)
    print("valgrind: %d runs, %d reports in total, %d in plugin code, %.0f s" % (
        len(runs), total_errors, len(found), time.time() - start))
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
