"""Stock tshark against tshark with the plugin on one capture, in one run:
what the bench/ scripts share.

measure() runs one tshark and returns its wall time, peak RSS (the
child's ru_maxrss from wait4, the number /usr/bin/time -v reports as
"Maximum resident set size") and CPU time (user + system, same wait4); compare() runs each case --repeat times,
alternating stock and plugin so that drift on a shared machine hits both
alike, and prints the best wall time and the largest peak RSS of each side
with their ratios.
"""
import argparse
import os
import subprocess
import sys
import time

from pcapgen import PcapWriter, TcpStream
from wsrun import Wireshark

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def arguments(description, sessions):
    """The options every bench shares (callers add their own before parse_args)."""
    ap = argparse.ArgumentParser(description=description.split("\n\n")[0])
    ap.add_argument("--sessions", type=int, default=sessions)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--build", default=os.path.join(TOP, "build"))
    ap.add_argument("--out", default=os.path.join(TOP, "bench", "out"))
    return ap


def sides(build):
    """(stock tshark, tshark with the plugin of build/) in the same sandbox."""
    return Wireshark(with_plugin=False), Wireshark(plugin_root=os.path.join(build, "plugins"), with_plugin=True)


def replicate_tcp(path, conn, sessions, close):
    """sessions copies of one TCP connection (tools/captures/ica_recut.read_connections), one after
    another, each on its own client address and port, with the original segment sizes and timing;
    close: end each with FINs."""
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
        if close:
            s.close()
    w.close()
    return path


def measure(ws, args, out=None):
    """(wall seconds, peak RSS in KiB, CPU seconds = user + system) of one tshark run; output
    discarded or written to out."""
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
    return wall, usage.ru_maxrss, usage.ru_utime + usage.ru_stime


def compare(stock, plugin, capture, cases, repeat, fields_out):
    """cases: (name, stock args, plugin args); the plugin's "-T fields" case
    writes its output to fields_out (for the caller's proof of decoding)."""
    staged = {id(stock): stock.stage(capture), id(plugin): plugin.stage(capture)}
    print("%-10s %10s %10s %7s %12s %12s %7s" % ("case", "stock s", "plugin s", "ratio",
                                                 "stock KiB", "plugin KiB", "ratio"))
    for name, stock_args, plugin_args in cases:
        runs = {id(stock): [], id(plugin): []}
        for _ in range(repeat):
            for ws, extra in ((stock, stock_args), (plugin, plugin_args)):
                out = fields_out if ws is plugin and name == "-T fields" else None
                runs[id(ws)].append(measure(ws, ["-n", "-r", staged[id(ws)]] + extra, out))
        (sw, sm), (pw, pm) = [(min(r[0] for r in runs[k]), max(r[1] for r in runs[k]))
                              for k in (id(stock), id(plugin))]
        print("%-10s %10.2f %10.2f %6.2fx %12d %12d %6.2fx" % (name, sw, pw, pw / sw, sm, pm, pm / sm))
        sys.stdout.flush()
