#!/usr/bin/env python3
"""Re-cut the TCP payload of a capture into new segment sizes (stdlib only).

Reads a pcap (Ethernet/IPv4), takes every TCP connection's payload stream per
direction and writes it again with tools/lib/pcapgen.py, cut into different
segments.  The bytes of each direction and their order against the other
direction are kept: bytes one side sent before the other side spoke are
re-cut among themselves only, so a dissector sees the same conversation,
only segmented differently.  Non-TCP frames are copied unchanged.

    tools/captures/ica_recut.py captures/spike-ica-2001.pcap out-1byte.pcap --mode 1
    tools/captures/ica_recut.py captures/spike-ica-2001.pcap out-random.pcap --mode random --seed 7

Modes: "1" = every payload byte in its own segment; "random" = segment sizes
drawn from random.Random(seed) between 1 and --max bytes, merging and
splitting the original segments of each run; "orig" = the original sizes.

--perturb then changes the order and number of each run's segments, as a
network or a capture point does (random.Random(seed)); every byte is still
sent at its own sequence number and the receiver's stream is unchanged:
  swap      adjacent segments swapped (every pair with probability 1/2)
  reverse   windows of 3-8 segments sent in reverse order
  dup       every second segment sent twice in a row
  retrans   segments sent again after 1-3 later ones (retransmissions)
  overlap   segments extended into the next one, which is then sent whole
            (overlapping bytes identical)
Hostile variants (bytes the receiver never saw that way; for robustness tests):
  overlap-diff  like overlap, but the overlapping bytes differ (inverted)

    tools/captures/ica_recut.py captures/spike-ica-2001.pcap out.pcap --mode orig --perturb reverse --seed 3
"""
import argparse
import os
import random
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from pcapgen import PcapWriter, TcpStream, SYN, ACK  # noqa: E402


def read_pcap(path):
    """Yield (timestamp, frame bytes) of a classic little/big-endian pcap."""
    with open(path, "rb") as f:
        data = f.read()
    magic = data[:4]
    if magic == b"\xd4\xc3\xb2\xa1":
        endian, scale = "<", 1e-6
    elif magic == b"\xa1\xb2\xc3\xd4":
        endian, scale = ">", 1e-6
    elif magic == b"\x4d\x3c\xb2\xa1":
        endian, scale = "<", 1e-9
    else:
        raise ValueError("%s: not a classic pcap" % path)
    linktype = struct.unpack(endian + "I", data[20:24])[0]
    if linktype != 1:
        raise ValueError("%s: link type %d, only Ethernet is supported" % (path, linktype))
    off = 24
    while off + 16 <= len(data):
        sec, frac, incl, _orig = struct.unpack(endian + "IIII", data[off:off + 16])
        off += 16
        yield sec + frac * scale, data[off:off + incl]
        off += incl


def parse_tcp(frame):
    """(src, dst, seq, flags, payload) for an Ethernet/IPv4/TCP frame, else None."""
    if len(frame) < 14 + 20 or frame[12:14] != b"\x08\x00":
        return None
    ip = frame[14:]
    ihl = (ip[0] & 0x0F) * 4
    total = struct.unpack("!H", ip[2:4])[0]
    if ip[9] != 6:
        return None
    src_ip = ".".join(str(b) for b in ip[12:16])
    dst_ip = ".".join(str(b) for b in ip[16:20])
    tcp = ip[ihl:total]
    sport, dport, seq = struct.unpack("!HHI", tcp[:8])
    doff = (tcp[12] >> 4) * 4
    return (src_ip, sport), (dst_ip, dport), seq, tcp[13], tcp[doff:]


class Connection:
    """A TCP connection from an existing capture: ISNs and the ordered list of
    (direction, payload, timestamp) segments, retransmissions dropped."""

    def __init__(self, client, server, isn_c, isn_s, syn_ts=None):
        self.client, self.server, self.syn_ts = client, server, syn_ts
        self.isn = {"c2s": isn_c, "s2c": isn_s}
        self.segments = []
        self.next_seq = {"c2s": isn_c + 1, "s2c": None}

    def stream(self, direction):
        return b"".join(p for d, p, _ in self.segments if d == direction)


def read_connections(path):
    """Returns (events, connections): events is the capture in order, each
    ("frame", ts, bytes) for anything that is not a TCP connection with a
    seen SYN, or ("tcp", connection, index of its segment)."""
    conns, events = {}, []
    for ts, frame in read_pcap(path):
        t = parse_tcp(frame)
        if t is None:
            events.append(("frame", ts, frame))
            continue
        src, dst, seq, flags, payload = t
        key = (src, dst) if (src, dst) in conns else (dst, src)
        if flags & SYN and not flags & ACK:
            conns[(src, dst)] = Connection(src, dst, seq, None, ts)
            continue
        c = conns.get(key)
        if c is None:
            events.append(("frame", ts, frame))
            continue
        direction = "c2s" if src == c.client else "s2c"
        if flags & SYN:
            c.isn["s2c"] = seq
            c.next_seq["s2c"] = seq + 1
            continue
        if not payload or seq != c.next_seq[direction]:
            continue  # pure ACK, FIN, or a retransmission/out-of-order copy
        c.next_seq[direction] += len(payload)
        c.segments.append((direction, payload, ts))
        events.append(("tcp", c, len(c.segments) - 1))
    return events, conns


def perturbed(kind, segs, rng):
    """Emission order of one run's segments [(offset, bytes)] for a --perturb kind."""
    out = list(segs)
    if kind == "swap":
        for i in range(0, len(out) - 1, 2):
            if rng.random() < 0.5:
                out[i], out[i + 1] = out[i + 1], out[i]
    elif kind == "reverse":
        res, i = [], 0
        while i < len(out):
            n = rng.randint(3, 8)
            res.extend(reversed(out[i:i + n]))
            i += n
        out = res
    elif kind == "dup":
        out = [s for i, seg in enumerate(segs) for s in ([seg, seg] if i % 2 else [seg])]
    elif kind == "retrans":
        res = []
        for i, seg in enumerate(segs):
            res.append(seg)
            back = rng.randint(1, 3)
            if i >= back and rng.random() < 0.3:
                res.append(segs[i - back])
        out = res
    elif kind in ("overlap", "overlap-diff"):
        res = []
        for i, (off, data) in enumerate(segs):
            if i + 1 < len(segs) and rng.random() < 0.5:
                nxt = segs[i + 1][1]
                extra = nxt[:max(1, len(nxt) // 2)]
                if kind == "overlap-diff":
                    extra = bytes(b ^ 0xFF for b in extra)
                res.append((off, data + extra))
            else:
                res.append((off, data))
        out = res
    elif kind is not None:
        raise ValueError("unknown perturbation %r" % kind)
    return out


def recut(src, dst, sizes_for, perturb=None, seed=0):
    """Write dst from src; sizes_for(direction, total) gives the new segment sizes
    of one run, i.e. consecutive bytes a direction sent while the other direction
    of that connection stayed silent.  Cutting only inside runs keeps causality:
    no byte is delayed past a reply that depended on it (a session key, say)."""
    events, _ = read_connections(src)
    rng = random.Random(seed)
    w = PcapWriter(dst, step=0.000001)
    streams, runs = {}, []
    for ev in events:
        if ev[0] == "frame":
            runs.append(ev)
            continue
        c, idx = ev[1], ev[2]
        direction, payload, ts = c.segments[idx]
        last = runs[-1] if runs else None
        if last and last[0] == "run" and last[1] is c and last[2] == direction:
            last[3].append(payload)
        else:
            runs.append(["run", c, direction, [payload], ts])
    for ev in runs:
        if ev[0] == "frame":
            w.frame(ev[2], ev[1])
            continue
        _, c, direction, payloads, ts = ev
        if id(c) not in streams:
            s = TcpStream(w, c.client, c.server, isn_c=c.isn["c2s"], isn_s=c.isn["s2c"])
            s.handshake(ts=c.syn_ts)
            streams[id(c)] = s
        data = b"".join(payloads)
        # keep time monotonic when many small segments outlast the original gap
        ts = max(ts, w.now + w.step)
        sizes = sizes_for(direction, len(data)) if sizes_for else [len(p) for p in payloads]
        s = streams[id(c)]
        if perturb is None:
            s.send(direction, data, segments=sizes, ts=ts)
            continue
        segs, off = [], 0
        for n in sizes:
            segs.append((off, data[off:off + n]))
            off += n
        base = s.seq[direction]
        for i, (off, chunk) in enumerate(perturbed(perturb, segs, rng)):
            s.resend(direction, base + off, chunk, ts=ts if i == 0 else None)
        s.seq[direction] = base + len(data)
    w.close()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("src")
    ap.add_argument("dst")
    ap.add_argument("--mode", choices=["1", "random", "orig"], required=True)
    ap.add_argument("--perturb", choices=["swap", "reverse", "dup", "retrans", "overlap", "overlap-diff"])
    ap.add_argument("--seed", type=int, default=2001)
    ap.add_argument("--max", type=int, default=300, help="largest random segment")
    a = ap.parse_args()
    sizes_for = None
    if a.mode == "1":
        def sizes_for(_d, total):
            return [1] * total
    else:
        rng = random.Random(a.seed)

        def sizes_for(_d, total):
            sizes = []
            while total:
                n = min(total, rng.randint(1, a.max))
                sizes.append(n)
                total -= n
            return sizes
    recut(a.src, a.dst, sizes_for, a.perturb, a.seed)


if __name__ == "__main__":
    main()
