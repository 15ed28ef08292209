#!/usr/bin/env python3
"""Cost of citrix-triage against a plain stock `tshark -r` of the same file, in one run.

Builds (not committed) a capture of N replicated copies of a bundled ICA
session (default captures/vc-credentials.pcap, the real 2001 session with its
virtual channels: 300 copies are about 7 MB), each on its own client address
and port, or takes --capture FILE. Then times, alternating, --repeat times:

  stock -r         stock tshark -n -r (no plugin): the reference
  plugin -r        tshark with the plugin, -n -r
  session pass     the one tshark run citrix-triage makes per file
                   (triage.session_args: -T fields of its fields, -z citrix,tree,
                   -z ccha,tree, -z portreg,conv)
  registry -T json (with --old) the port-registry pass triage made before
                   -z portreg,conv: -Y portreg -T json of every frame (tshark only)
  triage -j 1      the whole citrix-triage --json process on the file (tshark
                   and Python; CPU includes its children)

and prints for each the median wall and CPU seconds and their ratios to stock
-r; "Python" is triage's CPU less the session pass's. Then -j scaling: two
copies of the capture, `citrix-triage -j 1 A B` against `-j 2 A B`, the ratio
of wall times (and -j 2 on both against -j 1 on one). CPU is the process's
and its children's user+system time from wait4; wall from a monotonic clock.
No thresholds: bench/triage.md holds measured numbers.

    bench/triage.py [--sessions 300] [--source captures/vc-credentials.pcap]
                    [--capture FILE] [--repeat 3] [--old] [--build build]
"""
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(TOP, "tools", "lib"))
sys.path.insert(0, os.path.join(TOP, "tools", "captures"))
sys.path.insert(0, os.path.join(TOP, "tools", "triage"))
from ica_recut import read_connections  # noqa: E402
from benchpair import arguments, replicate_tcp  # noqa: E402
from wsrun import Wireshark  # noqa: E402

TOOL = os.path.join(TOP, "tools", "citrix-triage")


def timed(cmd, env=None):
    """(wall s, CPU s of the process and its reaped children) of one run; output discarded."""
    start = time.monotonic()
    p = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(p.pid, 0)
    wall = time.monotonic() - start
    err = p.stderr.read().decode("utf-8", "replace")
    p.stderr.close()
    rc = os.waitstatus_to_exitcode(status)
    if rc != 0 or "Dissector bug" in err:
        raise RuntimeError("%s failed (%d): %s" % (" ".join(cmd), rc, err[-2000:]))
    return wall, usage.ru_utime + usage.ru_stime


def main():
    ap = arguments(__doc__, 300)
    ap.add_argument("--source", default=os.path.join(TOP, "captures", "vc-credentials.pcap"))
    ap.add_argument("--capture", help="an existing capture instead of building one")
    ap.add_argument("--old", action="store_true", help="also time the former registry pass (-Y portreg -T json)")
    a = ap.parse_args()
    plugins = os.path.join(a.build, "plugins")
    import triage   # noqa: E402  (after the path: it reads the build's version file)
    if a.capture:
        cap = a.capture
    else:
        os.makedirs(a.out, exist_ok=True)
        _, conns = read_connections(a.source)
        (conn,) = conns.values()
        cap = replicate_tcp(os.path.join(a.out, "triage-%s-%d.pcap" % (
            os.path.splitext(os.path.basename(a.source))[0], a.sessions)), conn, a.sessions, close=True)
    stock = Wireshark(with_plugin=False)
    plugin = Wireshark(plugin_root=plugins, with_plugin=True)
    cap_s, cap_p = stock.stage(cap), plugin.stage(cap)
    print("capture: %s (%d bytes); load average %s" % (cap, os.path.getsize(cap),
                                                      " ".join("%.1f" % x for x in os.getloadavg())))
    env = dict(os.environ, CITRIX_PLUGIN_ROOT=plugins)
    fields = [f for f in triage.FIELDS if f in triage.FieldSet.get(plugins)]
    tshark = lambda ws, args: (ws.prefix + ["tshark"] + args, ws.env)  # noqa: E731
    cases = [
        ("stock -r", tshark(stock, ["-n", "-r", cap_s])),
        ("plugin -r", tshark(plugin, ["-n", "-r", cap_p])),
        ("session pass", tshark(plugin, triage.session_args(cap_p, fields))),
    ]
    if a.old:
        cases.append(("registry -T json", tshark(plugin, ["-n", "-r", cap_p, "-Y", "portreg", "-T", "json", "-J",
                                                          "portreg ip ipv6 tcp udp sctp dccp"])))
    cases.append(("triage -j 1", ([sys.executable, TOOL, "-q", "--json", "-j", "1", cap], env)))
    runs = {name: [] for name, _ in cases}
    for _ in range(a.repeat):
        for name, (cmd, e) in cases:
            runs[name].append(timed(cmd, e))
    med = {name: (statistics.median(w for w, _ in r), statistics.median(c for _, c in r)) for name, r in runs.items()}
    sw, sc = med["stock -r"]
    print("%-18s %8s %8s %10s %10s" % ("case (median of %d)" % a.repeat, "wall s", "CPU s", "wall/stock",
                                       "CPU/stock"))
    for name, _ in cases:
        w, c = med[name]
        print("%-18s %8.2f %8.2f %9.2fx %9.2fx" % (name, w, c, w / sw, c / sc))
    py = med["triage -j 1"][1] - med["session pass"][1]
    print("%-18s %8s %8.2f %10s %9.2fx" % ("Python (triage - session pass)", "", py, "", py / sc))
    sys.stdout.flush()

    # -j scaling: two files, one job against two
    tmp = tempfile.mkdtemp(prefix="bench-triage-")
    try:
        two = []
        for n in ("a", "b"):
            two.append(os.path.join(tmp, n + "-" + os.path.basename(cap)))
            shutil.copy(cap, two[-1])
        jcases = [("-j 1, 1 file", [two[0]], 1), ("-j 1, 2 files", two, 1), ("-j 2, 2 files", two, 2)]
        jruns = {name: [] for name, _, _ in jcases}
        for _ in range(a.repeat):
            for name, files, j in jcases:
                jruns[name].append(timed([sys.executable, TOOL, "-q", "--json", "-j", str(j)] + files, env))
        jmed = {name: (statistics.median(w for w, _ in r), statistics.median(c for _, c in r))
                for name, r in jruns.items()}
        print("%-18s %8s %8s" % ("-j (median of %d)" % a.repeat, "wall s", "CPU s"))
        for name, _, _ in jcases:
            print("%-18s %8.2f %8.2f" % ((name,) + jmed[name]))
        print("speed-up of -j 2 over -j 1 on 2 files (wall): %.2fx; -j 2 on 2 files against -j 1 on 1 file: %.2fx"
              % (jmed["-j 1, 2 files"][0] / jmed["-j 2, 2 files"][0], jmed["-j 2, 2 files"][0] / jmed["-j 1, 1 file"][0]))
    finally:
        shutil.rmtree(tmp, True)


if __name__ == "__main__":
    main()
