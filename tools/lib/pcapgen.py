#!/usr/bin/env python3
"""Deterministic pcap writer for building test captures (stdlib only).

Frames are Ethernet/IPv4 with real TCP or UDP headers and correct checksums.
A TcpStream keeps per-direction sequence numbers so Wireshark reassembles
the payload exactly as a real stack would have sent it; segments can be cut
at any size, reordered or retransmitted on purpose.

    w = PcapWriter("out.pcap")
    s = TcpStream(w, ("10.0.0.1", 40001), ("10.0.0.2", 1494))
    s.handshake()
    s.send("s2c", bytes.fromhex("7f7f49434100"))
    s.send("c2s", payload, segments=[1] * len(payload))   # 1-byte segments
    s.close()
    w.close()
"""
import struct

LINKTYPE_ETHERNET = 1
_MAC_C = bytes.fromhex("020000000001")
_MAC_S = bytes.fromhex("020000000002")


def _checksum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def _ip4(addr):
    return bytes(int(x) for x in addr.split("."))


class PcapWriter:
    def __init__(self, path, start=1_700_000_000.0, step=0.001):
        self.f = open(path, "wb")
        self.f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, LINKTYPE_ETHERNET))
        self.now = start
        self.step = step
        self.ip_id = 1

    def frame(self, data, ts=None):
        if ts is None:
            self.now += self.step
            ts = self.now
        else:
            self.now = ts
        sec = int(ts)
        usec = int(round((ts - sec) * 1_000_000))
        if usec >= 1_000_000:
            sec, usec = sec + 1, usec - 1_000_000
        self.f.write(struct.pack("<IIII", sec, usec, len(data), len(data)))
        self.f.write(data)

    def ip_packet(self, src, dst, proto, l4, ts=None, c2s=True):
        self.ip_id = (self.ip_id + 1) & 0xFFFF
        hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(l4), self.ip_id, 0x4000, 64, proto, 0,
                          _ip4(src), _ip4(dst))
        hdr = hdr[:10] + struct.pack("!H", _checksum(hdr)) + hdr[12:]
        eth = (_MAC_S + _MAC_C if c2s else _MAC_C + _MAC_S) + b"\x08\x00"
        self.frame(eth + hdr + l4, ts)

    def udp(self, src, dst, payload, ts=None):
        (sip, sport), (dip, dport) = src, dst
        l4 = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload
        pseudo = _ip4(sip) + _ip4(dip) + struct.pack("!BBH", 0, 17, len(l4))
        csum = _checksum(pseudo + l4) or 0xFFFF
        l4 = l4[:6] + struct.pack("!H", csum) + l4[8:]
        self.ip_packet(sip, dip, 17, l4, ts)

    def close(self):
        self.f.close()


FIN, SYN, RST, PSH, ACK = 0x01, 0x02, 0x04, 0x08, 0x10


class TcpStream:
    """One TCP connection; direction is "c2s" (client to server) or "s2c"."""

    def __init__(self, writer, client, server, isn_c=1000, isn_s=5000, mss=1460):
        self.w = writer
        self.ends = {"c2s": (client, server), "s2c": (server, client)}
        self.seq = {"c2s": isn_c, "s2c": isn_s}
        self.mss = mss

    def _segment(self, direction, flags, payload=b"", seq=None, ts=None):
        (sip, sport), (dip, dport) = self.ends[direction]
        other = "s2c" if direction == "c2s" else "c2s"
        seq = self.seq[direction] if seq is None else seq
        ack = self.seq[other] if flags & ACK else 0
        hdr = struct.pack("!HHIIBBHHH", sport, dport, seq & 0xFFFFFFFF, ack & 0xFFFFFFFF,
                          5 << 4, flags, 65535, 0, 0)
        pseudo = _ip4(sip) + _ip4(dip) + struct.pack("!BBH", 0, 6, len(hdr) + len(payload))
        csum = _checksum(pseudo + hdr + payload)
        hdr = hdr[:16] + struct.pack("!H", csum) + hdr[18:]
        self.w.ip_packet(sip, dip, 6, hdr + payload, ts, c2s=(direction == "c2s"))

    def handshake(self, ts=None):
        self._segment("c2s", SYN, ts=ts)
        self.seq["c2s"] += 1
        self._segment("s2c", SYN | ACK)
        self.seq["s2c"] += 1
        self._segment("c2s", ACK)

    def send(self, direction, payload, segments=None, ts=None):
        """Send payload as segments of the given sizes (default: MSS-sized).
        Returns the list of (seq, bytes) sent, for retransmission tests."""
        sizes = list(segments) if segments else []
        if not sizes:
            n = len(payload)
            sizes = [self.mss] * (n // self.mss) + ([n % self.mss] if n % self.mss else [])
        if sum(sizes) != len(payload):
            raise ValueError("segment sizes add up to %d, payload is %d" % (sum(sizes), len(payload)))
        sent, off = [], 0
        for i, size in enumerate(sizes):
            chunk = payload[off:off + size]
            sent.append((self.seq[direction], chunk))
            self._segment(direction, PSH | ACK, chunk, ts=ts if i == 0 else None)
            self.seq[direction] += size
            off += size
        return sent

    def resend(self, direction, seq, chunk, ts=None):
        """Emit a segment at an explicit sequence number (retransmission or out-of-order)."""
        self._segment(direction, PSH | ACK, chunk, seq=seq, ts=ts)

    def ack(self, direction, ts=None):
        self._segment(direction, ACK, ts=ts)

    def close(self, ts=None):
        self._segment("c2s", FIN | ACK, ts=ts)
        self.seq["c2s"] += 1
        self._segment("s2c", FIN | ACK)
        self.seq["s2c"] += 1
        self._segment("c2s", ACK)

    def reset(self, direction="c2s", ts=None):
        self._segment(direction, RST | ACK, ts=ts)
