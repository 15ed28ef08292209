#!/usr/bin/env python3
"""Virtual-channel captures (issue 18): channel messages from the public sources'
byte vectors, carried inside the real 2001 ICA session (captures/spike-ica-2001.pcap).

The real session's TCP payload is re-emitted segment for segment (pcapgen), with one
edit: its client binds CTXZLFK on channel 18, a channel the session never writes
on; the builder renames that VcBind entry CTXEUEM (same 8 bytes, clear handshake)
so the channel decoders see a bound CTXEUEM.  After the real session's last
frame in each direction the builder appends PDRFRAME frames encrypted with the
session's own Basic cipher (key 0xF4), the chain continuing from the last
cipher byte of that direction, carrying VIRTUAL_WRITE2 commands on channel 18.

CTXEUEM bytes (shared notes vc.md §2) are the HTML5 client's Jasmine test
vectors (search-index file 21833484800): the host bind request, the client's
bind response with CONNECTION_ID piggy-backed (56 bytes), the host's bind
commit with SETTINGS piggy-backed (27 bytes), ROUNDTRIP_START seq 1,
ICA_RESULT (31 ms, one duration -44 ms) and CLIENT_STARTUP_TIMES v2 (68
bytes, #Calculator via WI, 7 durations).  ROUNDTRIP_ABORT is laid out from
EuemPacketHelper (header + sequence).  They are split across writes and
frames, and several share one write.  The hostile capture carries lengths and
offsets that lie, a count too large and a message that never completes.

    tools/captures/vc_captures.py --outdir captures                       # (re)write
    tools/captures/vc_captures.py --outdir build/x --compare captures     # reproducibility check
"""
import argparse
import filecmp
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.join(HERE, "..", "..")
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
from pcapgen import PcapWriter, TcpStream  # noqa: E402
from ica_captures import BasicCipher  # noqa: E402
from ica_recut import read_connections  # noqa: E402

SPIKE = os.path.join(TOP, "captures", "spike-ica-2001.pcap")
KEY = 0xF4                      # the real session's Basic session key (captures/README.md)
EUEM_CH = 18                    # CTXZLFK in the real VcBind table, renamed CTXEUEM
CRYPT_ENCRYPTED = 0x01

# vc.md §2, from the HTML5 client's EUEM Jasmine tests (exact bytes)
BIND_REQUEST = bytes([13, 0, 0, 0, 8, 0, 1, 0, 5, 0, 1, 0, 3])
BIND_RESPONSE_AND_CONNECTION_ID = bytes([
    13, 0, 1, 0, 8, 0, 1, 0, 5, 0, 1, 0, 3, 43, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 15, 0, 20, 0, 8, 0, 35, 0,
    72, 84, 77, 76, 45, 53, 55, 52, 56, 45, 52, 48, 48, 48, 0, 48, 46, 48, 46, 48, 46, 48, 0])
BIND_COMMIT_AND_SETTINGS = bytes([13, 0, 2, 0, 8, 0, 1, 0, 5, 0, 1, 0, 2,
                                  14, 0, 3, 0, 8, 0, 1, 0, 6, 0, 0, 0, 2, 0])
ROUNDTRIP_START = bytes([6, 0, 5, 0, 1, 0])
ICA_RESULT = bytes([18, 0, 7, 0, 31, 0, 0, 0, 0, 1, 13, 0, 5, 212, 255, 255, 255, 1])
STARTUP_V2 = bytes([
    68, 0, 9, 0, 1, 0, 12, 0, 18, 0, 33, 0, 7, 5, 3, 0, 30, 0, 35, 67, 97, 108, 99, 117, 108, 97, 116, 111,
    114, 0, 87, 73, 0, 9, 1, 0, 0, 6, 0, 0, 0, 0, 7, 150, 1, 0, 0, 8, 202, 2, 0, 0, 9, 1, 0, 0, 0, 10, 251,
    21, 0, 0, 0, 118, 4, 0, 0, 11])
ROUNDTRIP_ABORT = bytes([5, 0, 6, 0, 1])    # EuemPacketHelper: header + u8 sequence


def u16(v):
    return struct.pack("<H", v & 0xFFFF)


def vw2(ch, data):
    """VIRTUAL_WRITE2: 31 len(u16, channel byte included) ch data (ica.md §8)."""
    return b"\x31" + u16(len(data) + 1) + bytes([ch]) + data


class SpikeSession:
    """The real 2001 session re-emitted, then continued with the same cipher chains."""

    def __init__(self, w):
        _events, conns = read_connections(SPIKE)
        conn = next(c for c in conns.values() if c.server[1] == 1494)
        self.tcp = TcpStream(w, conn.client, conn.server, isn_c=conn.isn["c2s"], isn_s=conn.isn["s2c"])
        self.tcp.handshake()
        last = {}
        renamed = 0
        for direction, payload, _ts in conn.segments:
            if direction == "c2s" and b"CTXZLFK\x00" in payload:
                payload = payload.replace(b"CTXZLFK\x00", b"CTXEUEM\x00")
                renamed += 1
            self.tcp.send(direction, payload)
            last[direction] = payload
        assert renamed == 1, "the real VcBind entry CTXZLFK was not found once"
        self.cipher = {}
        for direction, seg in last.items():
            # the last segment of each side is one whole encrypted PDRFRAME frame
            assert struct.unpack("<H", seg[:2])[0] == len(seg) - 2 and seg[2] == CRYPT_ENCRYPTED, direction
            c = BasicCipher(KEY)
            c.q = seg[-1]       # the chain goes on from the last cipher byte (c = p ^ q ^ K, q = c)
            self.cipher[direction] = c

    def frame(self, direction, wd):
        payload = bytes([CRYPT_ENCRYPTED]) + self.cipher[direction].encrypt(wd)
        return u16(len(payload)) + payload

    def send(self, direction, *frames, segments=None):
        self.tcp.send(direction, b"".join(frames), segments=segments)


def build_euem(w):
    s = SpikeSession(w)
    # host bind request, one write
    s.send("s2c", s.frame("s2c", vw2(EUEM_CH, BIND_REQUEST)))
    # client: bind response and CONNECTION_ID in one write
    s.send("c2s", s.frame("c2s", vw2(EUEM_CH, BIND_RESPONSE_AND_CONNECTION_ID)))
    # host: bind commit and SETTINGS in one write
    s.send("s2c", s.frame("s2c", vw2(EUEM_CH, BIND_COMMIT_AND_SETTINGS)))
    # client: CLIENT_STARTUP_TIMES over three writes in two TCP segments
    # (20 bytes | 20 bytes) then (28 bytes)
    a, b, c = STARTUP_V2[:20], STARTUP_V2[20:40], STARTUP_V2[40:]
    s.send("c2s", s.frame("c2s", vw2(EUEM_CH, a)) + s.frame("c2s", vw2(EUEM_CH, b)))
    s.send("c2s", s.frame("c2s", vw2(EUEM_CH, c)))
    # client: ROUNDTRIP_START and the first 3 bytes of ICA_RESULT (header cut), then the rest
    s.send("c2s", s.frame("c2s", vw2(EUEM_CH, ROUNDTRIP_START + ICA_RESULT[:3])))
    s.send("c2s", s.frame("c2s", vw2(EUEM_CH, ICA_RESULT[3:])))
    # host: ROUNDTRIP_ABORT
    s.send("s2c", s.frame("s2c", vw2(EUEM_CH, ROUNDTRIP_ABORT)))
    # client: two more results in one write (sequence 2: 45 ms, sequence 3: 12 ms)
    r2 = ICA_RESULT[:4] + struct.pack("<I", 45) + bytes([2]) + ICA_RESULT[9:]
    r3 = ICA_RESULT[:4] + struct.pack("<I", 12) + bytes([3]) + ICA_RESULT[9:]
    s.send("c2s", s.frame("c2s", vw2(EUEM_CH, r2 + r3)))


def build_euem_hostile(w):
    s = SpikeSession(w)
    s.send("s2c", s.frame("s2c", vw2(EUEM_CH, BIND_REQUEST)))
    # CONNECTION_ID whose name offset (0x0100) lies past the message, and a reserved byte 7
    bad_conn = bytearray(BIND_RESPONSE_AND_CONNECTION_ID[13:])
    bad_conn[14:16] = u16(0x0100)
    bad_conn[3] = 7
    s.send("c2s", s.frame("c2s", vw2(EUEM_CH, bytes(bad_conn))))
    # ICA_RESULT claiming 200 durations (one fits)
    bad_count = bytearray(ICA_RESULT)
    bad_count[9] = 200
    s.send("c2s", s.frame("c2s", vw2(EUEM_CH, bytes(bad_count))))
    # ByteCount 2, below its own 4-byte header, then bytes the layer must drop
    s.send("c2s", s.frame("c2s", vw2(EUEM_CH, bytes([2, 0, 7, 0]) + ICA_RESULT)))
    # a 1024-byte message of which only 20 bytes ever come
    s.send("c2s", s.frame("c2s", vw2(EUEM_CH, u16(1024) + bytes([9, 0]) + bytes(16))))


def fuzz_writes():
    """Seeds for the "vc" fuzz target (fuzz/fuzz_citrix.c): lists of (selector, virtual write);
    selector bit 0 is the direction (1 host to client), the higher bits 0 (the first registered channel
    name, CTXEUEM while it is the only one)."""
    return [
        [(1, BIND_REQUEST), (0, BIND_RESPONSE_AND_CONNECTION_ID), (1, BIND_COMMIT_AND_SETTINGS)],
        [(0, STARTUP_V2[:20]), (0, STARTUP_V2[20:40]), (0, STARTUP_V2[40:])],
        [(0, ROUNDTRIP_START + ICA_RESULT[:3]), (0, ICA_RESULT[3:]), (1, ROUNDTRIP_ABORT)],
    ]


CAPTURES = {
    "vc-euem.pcap": build_euem,
    "vc-euem-hostile.pcap": build_euem_hostile,
}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--outdir", required=True)
    ap.add_argument("--compare", help="directory whose copies must be byte-identical")
    args = ap.parse_args()
    os.makedirs(args.outdir, exist_ok=True)
    bad = []
    for name, fn in CAPTURES.items():
        path = os.path.join(args.outdir, name)
        w = PcapWriter(path, start=1_000_000_000.0)
        fn(w)
        w.close()
        if args.compare and not filecmp.cmp(path, os.path.join(args.compare, name), shallow=False):
            bad.append(name)
    if bad:
        print("differ from %s: %s" % (args.compare, ", ".join(bad)))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
