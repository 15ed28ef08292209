#!/usr/bin/env python3
"""Re-carry the real EDT session (captures/edt-citrixudp.pcap) on TCP 2598, and
dump its ICA byte stream per UDT data packet for the V3 expander's unit test.

    tools/captures/edt_to_tcp.py captures/edt-citrixudp.pcap --pcap captures/edt-citrixudp-tcp.pcap
    tools/captures/edt_to_tcp.py captures/edt-citrixudp.pcap --ica tests/data/v3/edt-citrixudp-ica.txt
    ... --segments 1    (every payload cut into 1-byte TCP segments)
    ... --corrupt 182   (the last byte of frame 182's datagram inverted: corrupt V3 data)

EDT is UDT version 4 (edt.md §3): a 16-byte header whose word 0 has bit 31 set
for control packets; data packets carry the sequence number in word 0.  Every
data payload of this capture is one whole CGP record (edt.md §3.4; the first
one of each direction starts with the 7-byte signature).  The TCP capture
holds the data payloads of each direction in UDT sequence order, each in its
own segment(s), in the order the datagrams were captured; control packets are
dropped.  Timestamps are the original ones.  Deterministic.

The ICA dump lists, per UDT data packet, the pcap frame number, the direction
and the ICA bytes the CGP record carries (the payload of DATA_REALTIME 0x0A /
DATA_REALTIME_WITH_ACK 0x0B; cgp.md §8); packets without ICA bytes are left
out.  It is input only: the expected expansion comes from the independent
check data (tests/data/v3/edt-citrixudp-expanded.json), never from this tool.
"""
import argparse
import hashlib
import os
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from pcapread import frames  # noqa: E402
from pcapgen import PcapWriter, TcpStream  # noqa: E402

EDT_SHA256 = "58cfedcc605ccde853a156b16ce4f94950f3544f491738a4b1d402bd826ed897"
SERVER_PORT = 2598
SIGNATURE = b"\x1aCGP/01"


def udp_datagrams(path):
    """(frame number, timestamp, (src, sport), (dst, dport), payload) of every IPv4/UDP frame."""
    with open(path, "rb") as f:
        data = f.read()
    if hashlib.sha256(data).hexdigest() != EDT_SHA256:
        sys.exit("%s is not the real EDT capture (sha256 differs)" % path)
    off, num = 24, 0
    while off + 16 <= len(data):
        sec, usec, caplen = struct.unpack("<III", data[off:off + 12])
        frame = data[off + 16:off + 16 + caplen]
        off += 16 + caplen
        num += 1
        if struct.unpack("!H", frame[12:14])[0] != 0x0800 or frame[23] != 17:
            continue
        ihl = (frame[14] & 15) * 4
        ip = frame[14:]
        src = ".".join(str(b) for b in ip[12:16])
        dst = ".".join(str(b) for b in ip[16:20])
        sport, dport, ulen = struct.unpack("!HHH", ip[ihl:ihl + 6])
        yield num, sec + usec / 1e6, (src, sport), (dst, dport), ip[ihl + 8:ihl + ulen]


def data_packets(path):
    """UDT data packets as (frame, ts, client, server, s2c, seq, payload), in capture order."""
    for num, ts, src, dst, payload in udp_datagrams(path):
        if len(payload) < 16 or payload[0] & 0x80:
            continue  # control packet (handshake, keep-alive, ACK, ACK2)
        seq = struct.unpack("!I", payload[:4])[0] & 0x7FFFFFFF
        s2c = src[1] == SERVER_PORT
        client, server = (dst, src) if s2c else (src, dst)
        yield num, ts, client, server, s2c, seq, payload[16:]


def varlen(buf, off):
    b0 = buf[off]
    if b0 < 0x80:
        return b0, off + 1
    return (b0 & 0x7F) | (buf[off + 1] << 7), off + 2


def cgp_records(payload):
    """(command, ack delta or None, ICA bytes) of each CGP record in one UDT payload (signature
    skipped); ICA bytes are the payload of DATA_REALTIME 0x0A / DATA_REALTIME_WITH_ACK 0x0B."""
    if payload.startswith(SIGNATURE):
        payload = payload[len(SIGNATURE):]
    off = 0
    while off < len(payload):
        length, body = varlen(payload, off)
        end = body + length
        if length < 1 or end > len(payload):
            sys.exit("CGP record does not fit its datagram")
        cmd = payload[body]
        if cmd == 0x0A:
            yield cmd, None, payload[body + 1:end]
        elif cmd == 0x0B:
            ack, data = varlen(payload, body + 1)
            yield cmd, ack, payload[data:end]
        else:
            yield cmd, None, b""
        off = end


def cgp_ica_bytes(payload):
    """The ICA bytes of the CGP records in one UDT payload (signature skipped)."""
    return b"".join(ica for _cmd, _ack, ica in cgp_records(payload))


def in_sequence(packets):
    """Each direction's payloads in UDT sequence order (duplicates dropped); the
    n-th packet of a direction in capture order carries that direction's n-th
    payload in sequence order, so the interleaving of the directions is kept."""
    seen, kept = set(), []
    for p in packets:
        if (p[4], p[5]) not in seen:
            seen.add((p[4], p[5]))
            kept.append(p)
    out = []
    for s2c in (False, True):
        mine = [p for p in kept if p[4] == s2c]
        base = min(p[5] for p in mine)
        by_seq = sorted(mine, key=lambda p: (p[5] - base) & 0x7FFFFFFF)
        out += [slot[:5] + (q[5], q[6]) for slot, q in zip(mine, by_seq)]
    return sorted(out, key=lambda p: p[0])


def write_tcp(packets, path, seg, corrupt=0, more=None):
    """more(stream, packets), if given, sends further segments before the connection closes."""
    w = PcapWriter(path)
    first = packets[0]
    s = TcpStream(w, first[2], first[3])
    s.handshake(ts=first[1] - 0.003)
    for num, ts, _c, _s, s2c, _seq, payload in packets:
        if num == corrupt:
            payload = payload[:-1] + bytes([payload[-1] ^ 0xFF])
        s.send("s2c" if s2c else "c2s", payload, segments=[seg] * len(payload) if seg == 1 else None, ts=ts)
    if more:
        more(s, packets)
    s.close()
    w.close()


def write_ica(packets, path, source):
    with open(path, "w") as f:
        f.write("# ICA bytes per UDT data packet of %s (sha256 %s), made by tools/captures/edt_to_tcp.py:\n"
                % (os.path.basename(source), EDT_SHA256))
        f.write("# frame direction hex (the payload of CGP DATA_REALTIME records, UDT sequence order)\n")
        for num, _ts, _c, _s, s2c, _seq, payload in packets:
            ica = cgp_ica_bytes(payload)
            if ica:
                f.write("%d %s %s\n" % (num, "s2c" if s2c else "c2s", ica.hex()))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("source")
    ap.add_argument("--pcap", help="write the TCP 2598 capture here")
    ap.add_argument("--segments", type=int, default=0, help="1: cut every payload into 1-byte segments")
    ap.add_argument("--ica", help="write the ICA bytes per packet here")
    ap.add_argument("--corrupt", type=int, default=0, help="invert the last byte of this frame's datagram")
    ap.add_argument("--compare", metavar="FILE", help="fail unless the --pcap output equals FILE")
    a = ap.parse_args()
    packets = in_sequence(list(data_packets(a.source)))
    if a.pcap:
        write_tcp(packets, a.pcap, a.segments, a.corrupt)
        if a.compare:
            with open(a.pcap, "rb") as x, open(a.compare, "rb") as y:
                if x.read() != y.read():
                    sys.exit("not reproduced: %s" % a.compare)
    if a.ica:
        write_ica(packets, a.ica, a.source)


if __name__ == "__main__":
    main()
