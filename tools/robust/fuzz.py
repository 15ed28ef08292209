#!/usr/bin/env python3
"""Seed and run the libFuzzer target (fuzz/fuzz_citrix.c) for one dissector.

    tools/robust/fuzz.py --build build/fuzz --target ica --seconds 60
    tools/robust/fuzz.py --build build/fuzz --target ica --seconds 36000 --corpus fuzz-corpus/ica

Seeds come from every capture under captures/: for a stream target, each TCP
conversation on the target's port becomes one input in the harness's record
format; for portreg, each capture's frames (64 at a time) become one input;
for vc (the virtual-channel layer alone), the channel messages of
tools/captures/vc_captures.py, one virtual write per record.
Exit status: 0 clean, 77 target not in the plugin (skipped), else the
fuzzer's (a crash, leak of the input time or RSS limit: the reproducer is
written under --artifacts).
"""
import argparse
import glob
import hashlib
import os
import re
import struct
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "captures"))
import pcapread  # noqa: E402

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PORTS = {"ica": 1494, "cgp": 2598, "ccha": 2014}
UDP_PORTS = {"edt": 2598}        # datagram targets: one record per datagram
SKIP = 77


def captures(dirs):
    return sorted(p for d in dirs for p in glob.glob(os.path.join(d, "**", "*"), recursive=True)
                  if p.endswith((".pcap", ".pcapng")))


def stream_input(segments):
    out = bytearray()
    for s2c, payload in segments:
        for i in range(0, len(payload), 0xFFFF):
            chunk = payload[i:i + 0xFFFF]
            out += struct.pack("<BH", int(s2c), len(chunk)) + chunk
    return bytes(out)


def udp_flows(cap, port):
    """Per client port: [(s2c, payload)] of the Ethernet/IPv4 UDP datagrams to or from port, in order;
    the EDT captures on 1494 count as 2598 (the harness's port)."""
    flows = {}
    for lt, f in pcapread.frames(cap):
        if lt != pcapread.LINKTYPE_ETHERNET or len(f) < 42 or f[12:14] != b"\x08\x00" or f[23] != 17:
            continue
        ihl = (f[14] & 15) * 4
        sport, dport = struct.unpack("!HH", f[14 + ihl:14 + ihl + 4])
        ports = (port, 1494)
        if sport in ports or dport in ports:
            s2c = sport in ports
            flows.setdefault(dport if s2c else sport, []).append((s2c, f[14 + ihl + 8:][:0xFFFF]))
    return list(flows.values())


def frames_input(frames):
    return b"".join(struct.pack("<H", len(f)) + f for f in frames)


def write_seeds(target, corpus, dirs):
    """One file per seed, named by content; returns how many were written."""
    os.makedirs(corpus, exist_ok=True)
    seeds = []
    for cap in captures(dirs):
        try:
            if target in PORTS:
                for segments in pcapread.tcp_streams(cap, PORTS[target]).values():
                    seeds.append(stream_input(segments))
            elif target in UDP_PORTS:
                for datagrams in udp_flows(cap, UDP_PORTS[target]):
                    seeds.append(stream_input(datagrams))
            elif target == "vc":
                break       # seeds below: the channel byte vectors, not captures
            elif target == "portreg":
                eth = [f[:0xFFFF] for lt, f in pcapread.frames(cap) if lt == pcapread.LINKTYPE_ETHERNET]
                for i in range(0, len(eth), 64):
                    seeds.append(frames_input(eth[i:i + 64]))
        except (ValueError, struct.error, IndexError) as e:
            print("fuzz.py: %s: %s" % (cap, e), file=sys.stderr)
    if target == "vc":
        import vc_captures
        for writes in vc_captures.fuzz_writes():
            seeds.append(stream_input([(False, bytes([d]) + w) for d, w in writes]))
        import vc_dev_captures
        for writes in vc_dev_captures.fuzz_writes():
            seeds.append(stream_input([(False, bytes([d]) + w) for d, w in writes]))
    for s in seeds:
        with open(os.path.join(corpus, "seed-" + hashlib.sha1(s).hexdigest()[:16]), "wb") as f:
            f.write(s)
    return len(seeds)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--build", required=True, help="fuzz build tree (holds citrix_fuzz)")
    ap.add_argument("--target", required=True, help="ica, cgp, ccha, edt, portreg or vc")
    ap.add_argument("--seconds", type=int, default=60)
    ap.add_argument("--runs", type=int,
                    help="stop after this many inputs instead of --seconds; with --seed the run is "
                         "repeatable, which is what a test wants (a timed run differs on every machine)")
    ap.add_argument("--seed", type=int, help="libFuzzer -seed")
    ap.add_argument("--corpus", help="corpus directory (default <build>/corpus/<target>)")
    ap.add_argument("--artifacts", help="crash reproducers (default <build>/artifacts/<target>)")
    ap.add_argument("--rss-mb", type=int, default=3072)
    ap.add_argument("--timeout", type=int, default=60,
                    help="seconds per input (wall clock: generous, the fuzzer runs under nice)")
    ap.add_argument("--seeds-from", action="append", help="capture directory (default captures/; repeatable)")
    ap.add_argument("--no-nice", action="store_true", help="run at normal priority (ctest: nice would starve it)")
    ap.add_argument("extra", nargs="*", help="more libFuzzer flags")
    a = ap.parse_args()
    corpus = a.corpus or os.path.join(a.build, "corpus", a.target)
    artifacts = a.artifacts or os.path.join(a.build, "artifacts", a.target)
    os.makedirs(artifacts, exist_ok=True)
    print("fuzz.py: %d seeds into %s" % (write_seeds(a.target, corpus, a.seeds_from or [os.path.join(TOP, "captures")]), corpus))
    env = dict(os.environ, CITRIX_FUZZ_TARGET=a.target,
               ASAN_OPTIONS="detect_leaks=0:abort_on_error=1:" + os.environ.get("ASAN_OPTIONS", ""),
               UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1")
    cmd = ([] if a.no_nice else ["nice", "-n", "19"]) + [os.path.join(a.build, "citrix_fuzz"),
           ("-runs=%d" % a.runs) if a.runs else ("-max_total_time=%d" % a.seconds),
           # libFuzzer's own default for a crash is 77, which is our "skipped": never let them meet.
           "-error_exitcode=1", "-timeout_exitcode=1"] + (["-seed=%d" % a.seed] if a.seed is not None else []) + [
           "-rss_limit_mb=%d" % a.rss_mb, "-timeout=%d" % a.timeout,
           "-max_len=65536", "-print_final_stats=1", "-artifact_prefix=" + artifacts + "/"] + a.extra + [corpus]
    print("fuzz.py: " + " ".join(cmd), flush=True)
    p = subprocess.run(cmd, env=env, stderr=subprocess.PIPE)
    err = p.stderr.decode("utf-8", "replace")
    with open(os.path.join(artifacts, "last-run.log"), "w") as f:
        f.write(err)
    if p.returncode == SKIP:
        print(err.strip().splitlines()[-1])
        return SKIP
    m = re.search(r"stat::number_of_executed_units:\s*(\d+)", err)
    t = re.search(r"Done (\d+) runs in (\d+) second", err)
    tail = "\n".join(l for l in err.splitlines() if not l.startswith("#") or "DONE" in l)
    print(tail[-6000:] if p.returncode else "\n".join(err.splitlines()[-12:]))
    print("fuzz.py: target %s: %s executions in %s s, exit %d" % (
        a.target, m.group(1) if m else "?", t.group(2) if t else "?", p.returncode))
    return p.returncode


if __name__ == "__main__":
    sys.exit(main())
