#!/usr/bin/env python3
"""Mutation run: `editcap -E` random byte errors over every capture in captures/.

    tools/robust/mutate.py --rounds 200 --plugin-root build/asan/plugins \
        --preload /usr/lib/x86_64-linux-gnu/libasan.so.8 --keep /tmp/mutate-fail

Each round mutates each capture with a fixed seed (so a failure reproduces
with `editcap -E <p> -o <off> --seed <seed>`), then runs `tshark -nVxr` and
`tshark -nr` on it with the plugin, WIRESHARK_ABORT_ON_DISSECTOR_BUG=1 and
WIRESHARK_DEBUG_WMEM_OVERRIDE=strict, under a CPU-time limit and a memory
limit (resident memory watched and the run killed past --mem-mb; not RLIMIT_AS,
since ASan reserves terabytes of address space: tools/lib/runlimit.py).  A failure is: a signal or
non-zero exit, a sanitizer report, "Dissector bug" anywhere in the output,
a wslog ERROR, or the time limit.  Failing inputs are copied to --keep.
"""
import argparse
import glob
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import pcapread  # noqa: E402
import runlimit  # noqa: E402
from sanitized_tests import make_logdir, reports  # noqa: E402
from wsrun import Wireshark  # noqa: E402

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PROBS = (0.02, 0.1, 0.005, 0.3)
# 0: anywhere; 54: past Ethernet/IPv4/TCP headers, so TCP keeps its
# ports and the bytes our dissectors see are the ones mutated.
OFFSETS = (0, 54)
BAD_MARKS = ("Dissector bug", "AddressSanitizer", "runtime error:", "LeakSanitizer", " ERROR] ")


def captures(root):
    return sorted(p for p in glob.glob(os.path.join(root, "**", "*"), recursive=True)
                  if p.endswith((".pcap", ".pcapng")))


def editable(cap, work):
    """The capture editcap can mutate: editcap 4.0 refuses to rewrite some
    dumpcap files with injected TLS secrets that tshark rewrites, so those
    are mutated through tshark's pcapng copy (same packets and secrets)."""
    probe = os.path.join(work, "src-" + os.path.basename(cap))
    if subprocess.run(["editcap", cap, probe], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode == 0:
        return cap
    subprocess.run(["tshark", "-r", cap, "-F", "pcapng", "-w", probe], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return probe


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rounds", type=int, default=20)
    ap.add_argument("--plugin-root", help="plugins dir of the build to test (default build/plugins)")
    ap.add_argument("--preload", help="sanitizer runtime to preload (ASan build)")
    ap.add_argument("--captures", default=os.path.join(TOP, "captures"))
    ap.add_argument("--keep", default=os.path.join(tempfile.gettempdir(), "citrix-mutate-failures"))
    ap.add_argument("--seed", type=int, default=1, help="seed of round 0")
    ap.add_argument("--cpu-seconds", type=int, default=120)
    ap.add_argument("--mem-mb", type=int, default=2048)
    ap.add_argument("--quick", action="store_true", help="only the -nVxr pass (ctest)")
    a = ap.parse_args()

    logdir = make_logdir()
    saved = dict(os.environ)
    os.environ["WIRESHARK_DEBUG_WMEM_OVERRIDE"] = "strict"
    os.environ["G_SLICE"] = "always-malloc"
    if a.preload:
        os.environ["ASAN_OPTIONS"] = "detect_leaks=0:abort_on_error=1:log_path=%s/asan" % logdir
        os.environ["UBSAN_OPTIONS"] = "print_stacktrace=1:halt_on_error=1:log_path=%s/ubsan" % logdir
    ws = Wireshark(a.plugin_root, preload=a.preload)
    os.environ.clear()
    os.environ.update(saved)

    caps = captures(a.captures)
    if not caps:
        print("mutate: no captures under %s" % a.captures)
        return 0
    frames = {c: sum(1 for _ in pcapread.frames(c)) for c in caps}
    work = tempfile.mkdtemp(prefix="citrix-mutate-", dir="/tmp")
    os.chmod(work, 0o755)
    sources = {c: editable(c, work) for c in caps}
    failures, runs, packets, malformed, peak = [], 0, 0, 0, 0
    start = time.time()
    for r in range(a.rounds):
        prob, off, seed = PROBS[r % len(PROBS)], OFFSETS[(r // len(PROBS)) % len(OFFSETS)], a.seed + r
        for cap in caps:
            mutated = os.path.join(work, "r%d-%s" % (r, os.path.basename(cap)))
            subprocess.run(["editcap", "-E", str(prob), "-o", str(off), "--seed", str(seed), sources[cap], mutated],
                           check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            os.chmod(mutated, 0o644)
            for args in (["-nVxr", mutated],) + (() if a.quick else (["-nr", mutated],)):
                before = set(os.listdir(logdir))
                why = None
                res = runlimit.run(ws.prefix + ["tshark"] + args, ws.env, a.cpu_seconds, a.mem_mb)
                out = (res.stdout + res.stderr).decode("utf-8", "replace")
                peak = max(peak, res.peak_rss_kb)
                if res.limit_hit:
                    why = "%s limit" % res.limit_hit
                elif res.returncode != 0:
                    why = "exit %d" % res.returncode
                for mark in BAD_MARKS:
                    if mark in out:
                        why = (why + ", " if why else "") + repr(mark)
                malformed += out.count("[Malformed Packet")
                new = sorted(set(os.listdir(logdir)) - before)
                if new:
                    why = (why + ", " if why else "") + "sanitizer report"
                runs += 1
                packets += frames[cap]
                if why:
                    os.makedirs(a.keep, exist_ok=True)
                    kept = os.path.join(a.keep, os.path.basename(mutated))
                    shutil.copy(mutated, kept)
                    msg = "FAIL %s (%s): editcap -E %s -o %d --seed %d %s; kept %s" % (
                        " ".join(args[:1]), why, prob, off, seed, os.path.relpath(cap, TOP), kept)
                    failures.append(msg)
                    print(msg)
                    print(out[-3000:])
                    for rep in reports(logdir):
                        if os.path.basename(rep.split("\n", 1)[0][3:]) in new:
                            print(rep[:6000])
            os.unlink(mutated)
        print("mutate: round %d/%d done (%d tshark runs, %d packets, %.0f s)" % (
            r + 1, a.rounds, runs, packets, time.time() - start), flush=True)
    shutil.rmtree(work, True)
    print("mutate: %d captures x %d rounds: %d tshark runs over %d mutated packets, %d malformed marks, "
          "%d failures, peak RSS %d MB, %.0f s" % (len(caps), a.rounds, runs, packets, malformed, len(failures),
                                                  peak // 1024, time.time() - start))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
