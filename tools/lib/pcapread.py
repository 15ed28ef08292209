#!/usr/bin/env python3
"""Minimal pcap / pcapng reader (stdlib only): frames and the TCP streams in them.

    for linktype, data in frames("x.pcapng"): ...
    for (client, server), segments in tcp_streams("x.pcap", server_port=1494): ...
"""
import struct

LINKTYPE_ETHERNET = 1


def frames(path):
    """Yield (linktype, frame bytes) for every packet of a pcap or pcapng file."""
    with open(path, "rb") as f:
        data = f.read()
    magic = data[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        yield from _pcap(data, "<")
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        yield from _pcap(data, ">")
    elif magic == b"\x0a\x0d\x0d\x0a":
        yield from _pcapng(data)
    else:
        raise ValueError("%s: not a pcap or pcapng file" % path)


def _pcap(data, e):
    linktype = struct.unpack(e + "I", data[20:24])[0] & 0x0FFFFFFF
    off = 24
    while off + 16 <= len(data):
        caplen = struct.unpack(e + "I", data[off + 8:off + 12])[0]
        yield linktype, data[off + 16:off + 16 + caplen]
        off += 16 + caplen


def _pcapng(data):
    off, e, links = 0, "<", []
    while off + 12 <= len(data):
        btype = struct.unpack(e + "I", data[off:off + 4])[0]
        if btype == 0x0A0D0D0A:
            e = "<" if data[off + 8:off + 12] == b"\x4d\x3c\x2b\x1a" else ">"
            links = []
        blen = struct.unpack(e + "I", data[off + 4:off + 8])[0]
        if blen < 12:
            break
        body = data[off + 8:off + blen - 4]
        if btype == 1:
            links.append(struct.unpack(e + "H", body[:2])[0])
        elif btype == 6:
            iface, _, _, caplen = struct.unpack(e + "IIII", body[:16])
            yield (links[iface] if iface < len(links) else -1), body[20:20 + caplen]
        elif btype == 3:
            yield (links[0] if links else -1), body[4:]
        off += blen


def tcp_segment(frame):
    """(src, sport, dst, dport, payload) of an Ethernet/IPv4|IPv6/TCP frame, else None."""
    off = 12
    etype = struct.unpack("!H", frame[off:off + 2])[0]
    off += 2
    while etype == 0x8100 and len(frame) >= off + 4:
        etype = struct.unpack("!H", frame[off + 2:off + 4])[0]
        off += 4
    if etype == 0x0800 and len(frame) >= off + 20:
        ihl = (frame[off] & 15) * 4
        total = struct.unpack("!H", frame[off + 2:off + 4])[0]
        if frame[off + 9] != 6:
            return None
        src, dst = frame[off + 12:off + 16], frame[off + 16:off + 20]
        end = min(len(frame), off + total) if total else len(frame)
        off += ihl
    elif etype == 0x86DD and len(frame) >= off + 40:
        if frame[off + 6] != 6:
            return None
        plen = struct.unpack("!H", frame[off + 4:off + 6])[0]
        src, dst = frame[off + 8:off + 24], frame[off + 24:off + 40]
        off += 40
        end = min(len(frame), off + plen)
    else:
        return None
    if len(frame) < off + 20:
        return None
    sport, dport = struct.unpack("!HH", frame[off:off + 4])
    doff = (frame[off + 12] >> 4) * 4
    return src, sport, dst, dport, bytes(frame[off + doff:end])


def tcp_streams(path, server_port):
    """{(client, cport, server): [(server_to_client, payload), ...]} for one server port."""
    streams = {}
    for linktype, frame in frames(path):
        if linktype != LINKTYPE_ETHERNET:
            continue
        seg = tcp_segment(frame)
        if not seg or not seg[4]:
            continue
        src, sport, dst, dport, payload = seg
        if dport == server_port:
            streams.setdefault((src, sport, dst), []).append((False, payload))
        elif sport == server_port:
            streams.setdefault((dst, dport, src), []).append((True, payload))
    return streams
