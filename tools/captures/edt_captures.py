#!/usr/bin/env python3
"""Build the EDT variants of the real EDT capture (captures/edt-citrixudp.pcap).

    tools/captures/edt_captures.py --outdir captures [--compare captures] [name ...]

From the real session (UDT4 on UDP 2598 carrying CGP carrying ICA, edt.md §3),
the records rewritten only where a variant says so; deterministic:
  edt-reordered.pcap   pairs of adjacent same-direction data datagrams swapped
                       (each slot keeps its timestamp), and data datagrams sent
                       again later (a retransmission / duplicate): the complete
                       stream, in another order
  edt-lost.pcap        one client data datagram (original frame LOST_FRAME) never
                       captured: a gap, given up where the server's ACK passes it
  edt-midsession.pcap  the capture from frame MID_FIRST on (no UDT or CGP
                       handshake: picked up mid-session)
  edt-ica-1494.pcap    the same session as Citrix sends it without Session
                       Reliability ("UDP > ICA", edt.md §2.5): UDP 1494, each
                       realtime CGP record's ICA bytes as one UDT data payload
                       (sequence and message numbers renumbered, ACKs mapped,
                       CGP-only records dropped); no public capture has it
  edt-ica-ended.pcap   edt-ica-1494.pcap with a UDT shutdown from the client
                       inserted as frame END_AFTER + 1 (header fields from the
                       client's previous datagram, 4 zero bytes of body as UDT4
                       pads it): the datagrams after it come after the session's end
  edt-rtp-16500.pcap   RTP audio (PCMA, 20 ms) on UDP 16500-16502: not EDT
  edt-midsession-tcp.pcap  the data payloads of edt-midsession.pcap in UDT
                       order re-carried on TCP 2598, one CGP record per segment,
                       no TCP handshake: CGP picked up mid-session from
                       single-record segments
"""
import os
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "lib"))
import capbuild  # noqa: E402
from pcapgen import PcapWriter, TcpStream  # noqa: E402

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SOURCE = os.path.join(TOP, "captures", "edt-citrixudp.pcap")
LOST_FRAME = 39          # client -> server DATA_REALTIME, between ACKs
MID_FIRST = 60
END_AFTER = 300          # edt-ica-ended.pcap: the shutdown follows this frame
SIGNATURE = b"\x1aCGP/01"


def read_records(path):
    with open(path, "rb") as f:
        data = f.read()
    if data[:4] != b"\xd4\xc3\xb2\xa1":
        raise ValueError("not a little-endian pcap file")
    recs, off = [], 24
    while off + 16 <= len(data):
        sec, usec, caplen, origlen = struct.unpack("<IIII", data[off:off + 16])
        recs.append([sec, usec, data[off + 16:off + 16 + caplen], origlen])
        off += 16 + caplen
    return data[:24], recs


def write_records(path, header, recs):
    with open(path, "wb") as f:
        f.write(header)
        for sec, usec, pkt, _ in recs:
            f.write(struct.pack("<IIII", sec, usec, len(pkt), len(pkt)))
            f.write(pkt)


def udp_payload(pkt):
    ihl = (pkt[14] & 15) * 4
    return pkt[14 + ihl + 8:]


def ports(pkt):
    ihl = (pkt[14] & 15) * 4
    return struct.unpack("!HH", pkt[14 + ihl:14 + ihl + 4])


def is_data(pkt):
    p = udp_payload(pkt)
    return len(p) > 16 and not p[0] & 0x80


def cap_reordered(path):
    header, recs = read_records(SOURCE)
    out = [list(r) for r in recs]
    swaps = 0
    i = 0
    while i + 1 < len(out):
        a, b = out[i][2], out[i + 1][2]
        if is_data(a) and is_data(b) and ports(a) == ports(b):
            swaps += 1
            if swaps % 2:       # every other pair: swap the contents, keep the slots' timestamps
                out[i][2], out[i + 1][2] = b, a
            i += 2
        else:
            i += 1
    # a copy of every 7th data datagram, three records later (retransmission)
    result, pending, n = [], [], 0
    for r in out:
        result.append(r)
        for p in [p for p in pending if p[0] == 0]:
            result.append([r[0], r[1] + 1 if r[1] < 999999 else r[1], p[1], len(p[1])])
        pending = [[k - 1, x] for k, x in pending if k > 0]
        if is_data(r[2]):
            n += 1
            if n % 7 == 0:
                pending.append([2, r[2]])
    write_records(path, header, result)


def cap_lost(path):
    header, recs = read_records(SOURCE)
    write_records(path, header, [r for i, r in enumerate(recs, 1) if i != LOST_FRAME])


def cap_midsession(path):
    header, recs = read_records(SOURCE)
    write_records(path, header, recs[MID_FIRST - 1:])


def varlen(b, off):
    """CGP varlen (7 bits per byte, low first, high bit: more): (value, bytes)."""
    v, shift, n = 0, 0, 0
    while True:
        c = b[off + n]
        v |= (c & 0x7F) << shift
        n += 1
        if not c & 0x80:
            return v, n
        shift += 7


def ica_bytes(cgp):
    """The ICA bytes of a realtime record (whole record in the payload), else None."""
    if cgp.startswith(SIGNATURE):
        cgp = cgp[len(SIGNATURE):]
    length, n = varlen(cgp, 0)
    if n + length != len(cgp):
        raise ValueError("payload is not one CGP record")
    cmd = cgp[n]
    if cmd == 0x0A:
        return cgp[n + 1:]
    if cmd == 0x0B:
        _, m = varlen(cgp, n + 1)
        return cgp[n + 1 + m:]
    return None


def rewrite_udp(w, pkt, payload, ts):
    ihl = (pkt[14] & 15) * 4
    src = ".".join(str(x) for x in pkt[26:30])
    dst = ".".join(str(x) for x in pkt[30:34])
    sport, dport = ports(pkt)
    sport = 1494 if sport == 2598 else sport
    dport = 1494 if dport == 2598 else dport
    del ihl
    w.udp((src, sport), (dst, dport), payload, ts)


def cap_ica_1494(path, end_after=None):
    _, recs = read_records(SOURCE)
    # per direction (sender port): original data seq -> new seq, in order
    isn = struct.unpack("!I", udp_payload(recs[0][2])[24:28])[0]
    kept = {}                   # sender port -> sorted list of original seqs kept
    for _, _, pkt, _ in recs:
        p = udp_payload(pkt)
        if is_data(pkt) and ica_bytes(p[16:]) is not None:
            kept.setdefault(ports(pkt)[0], []).append(struct.unpack("!I", p[:4])[0] & 0x7FFFFFFF)

    def renum(sender, orig):
        """New number of the first kept datagram at or after orig (ACK: next expected)."""
        return (isn + sum(1 for s in kept.get(sender, []) if s < orig)) & 0x7FFFFFFF

    w = PcapWriter(path)
    n, client = 0, None
    for sec, usec, pkt, _ in recs:
        p = udp_payload(pkt)
        sport, dport = ports(pkt)
        ts = sec + usec / 1e6
        if is_data(pkt):
            ica = ica_bytes(p[16:])
            if ica is None:
                continue
            seq = struct.unpack("!I", p[:4])[0] & 0x7FFFFFFF
            new = renum(sport, seq)
            msgno = ((new - isn) & 0x1FFFFFFF) + 1
            p = struct.pack("!II", new, (struct.unpack("!I", p[4:8])[0] & 0xE0000000) | msgno) + p[8:16] + ica
        elif len(p) >= 20 and p[0] & 0x80 and ((p[0] & 0x7F) << 8 | p[1]) == 2:
            # an ACK acknowledges the other side's data: its sender is this packet's receiver
            ack = struct.unpack("!I", p[16:20])[0] & 0x7FFFFFFF
            p = p[:16] + struct.pack("!I", renum(dport, ack)) + p[20:]
        rewrite_udp(w, pkt, p, ts)
        n += 1
        if dport == 2598:
            client = (pkt, p)
        if n == end_after:
            # UDT shutdown (type 5): the client's timestamp and the server's socket id
            rewrite_udp(w, client[0], b"\x80\x05\x00\x00" + bytes(4) + client[1][8:16] + bytes(4), ts)
    w.close()


def cap_ica_ended(path):
    cap_ica_1494(path, end_after=END_AFTER)


def cap_midsession_tcp(path):
    _, recs = read_records(SOURCE)
    w = PcapWriter(path, step=0.0001)
    first = None
    for _, _, pkt, _ in recs[MID_FIRST - 1:]:
        if not is_data(pkt):
            continue
        sport, dport = ports(pkt)
        src = ".".join(str(x) for x in pkt[26:30])
        dst = ".".join(str(x) for x in pkt[30:34])
        if first is None:
            client = (src, sport) if dport == 2598 else (dst, dport)
            server = (dst, dport) if dport == 2598 else (src, sport)
            first = TcpStream(w, client, server, isn_c=70000, isn_s=900000)
        first.send("c2s" if dport == 2598 else "s2c", udp_payload(pkt)[16:], segments=[len(udp_payload(pkt)) - 16])
    w.close()


def cap_rtp(path):
    w = PcapWriter(path, step=0.02)
    a, b = ("10.40.0.5", 16500), ("10.40.0.6", 16502)
    for i in range(50):
        for (src, dst, ssrc) in ((a, b, 0x1234ABCD), (b, a, 0x0BADF00D)):
            hdr = struct.pack("!BBHII", 0x80, 8 | (0x80 if i == 0 else 0), (1000 + i) & 0xFFFF, 160 * i, ssrc)
            w.udp(src, dst, hdr + bytes((i * 7 + k) & 0xFF for k in range(160)))
    w.close()


CAPTURES = {
    "edt-reordered.pcap": cap_reordered,
    "edt-lost.pcap": cap_lost,
    "edt-midsession.pcap": cap_midsession,
    "edt-ica-1494.pcap": cap_ica_1494,
    "edt-ica-ended.pcap": cap_ica_ended,
    "edt-rtp-16500.pcap": cap_rtp,
    "edt-midsession-tcp.pcap": cap_midsession_tcp,
}


def build(name, path):
    CAPTURES[name](path)


def main():
    capbuild.main(__doc__.split("\n\n")[0], CAPTURES, build)


if __name__ == "__main__":
    main()
