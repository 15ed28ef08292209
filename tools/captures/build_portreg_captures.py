#!/usr/bin/env python3
"""Recreate the generated port-registry test captures (deterministic).

    tools/captures/build_portreg_captures.py [outdir]       (default: captures/)

captures/portreg-ports.pcap: one conversation per case the post-dissector
must tell apart (see captures/README.md for the list). Payloads are neutral
filler bytes: nothing here imitates a Citrix protocol.

captures/portreg-capwap.pcap: CAPWAP data channel (RFC 5415, UDP 12380 ->
5247) carrying native IEEE 802.11 frames, frame control byte-swapped as
Cisco access points send it (Wireshark's default capwap.swap_fc). The 802.11
management frames leave pinfo's ports at 1/1; the post-dissector must still
report the UDP header's ports.

The real-program captures (portreg-real-*.pcap) are recorded by
tools/captures/record_portreg_captures.sh, not by this script.
"""
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from pcapgen import PcapWriter, TcpStream, SYN, ACK, RST, _checksum, _ip4  # noqa: E402

C, S = "10.0.0.1", "10.0.0.2"
FILLER = bytes(range(0x30, 0x50))   # "0123...O": printable, no protocol magic


def crc32c(data):
    crc = 0xFFFFFFFF
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82F63B78 if crc & 1 else 0)
    return crc ^ 0xFFFFFFFF


def sctp(w, src, dst, vtag, chunks, c2s=True):
    (sip, sport), (dip, dport) = src, dst
    pkt = struct.pack("!HHII", sport, dport, vtag, 0) + chunks
    pkt = pkt[:8] + struct.pack("<I", crc32c(pkt)) + pkt[12:]
    w.ip_packet(sip, dip, 132, pkt, c2s=c2s)


def sctp_chunk(ctype, body, flags=0):
    chunk = struct.pack("!BBH", ctype, flags, 4 + len(body)) + body
    return chunk + b"\0" * (-len(chunk) % 4)


def dccp(w, src, dst, ptype, seq, ack=None, service=0, c2s=True):
    """DCCP-Request (0) / DCCP-Response (1), 48-bit sequence numbers."""
    (sip, sport), (dip, dport) = src, dst
    body = b""
    if ack is not None:
        body += struct.pack("!H", 0) + ack.to_bytes(6, "big")
    body += struct.pack("!I", service)
    hlen = 16 + len(body)
    hdr = struct.pack("!HHBBHBB", sport, dport, hlen // 4, 0, 0, (ptype << 1) | 1, 0) + seq.to_bytes(6, "big")
    pkt = hdr + body
    pseudo = _ip4(sip) + _ip4(dip) + struct.pack("!BBH", 0, 33, len(pkt))
    csum = _checksum(pseudo + pkt)
    pkt = pkt[:6] + struct.pack("!H", csum) + pkt[8:]
    w.ip_packet(sip, dip, 33, pkt, c2s=c2s)


def ipv4(src, dst, proto, l4, ident=7):
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(l4), ident, 0x4000, 64, proto, 0, _ip4(src), _ip4(dst))
    return hdr[:10] + struct.pack("!H", _checksum(hdr)) + hdr[12:] + l4


def udp_bytes(src, dst, payload):
    (sip, sport), (dip, dport) = src, dst
    l4 = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload
    csum = _checksum(_ip4(sip) + _ip4(dip) + struct.pack("!BBH", 0, 17, len(l4)) + l4) or 0xFFFF
    return l4[:6] + struct.pack("!H", csum) + l4[8:]


def tcp_syn_bytes(src, dst, seq):
    (sip, sport), (dip, dport) = src, dst
    hdr = struct.pack("!HHIIBBHHH", sport, dport, seq, 0, 5 << 4, SYN, 65535, 0, 0)
    csum = _checksum(_ip4(sip) + _ip4(dip) + struct.pack("!BBH", 0, 6, len(hdr)) + hdr)
    return hdr[:16] + struct.pack("!H", csum) + hdr[18:]


def tcp_conversation(w, cport, sport, payload=FILLER, reply=None, isn=1000):
    s = TcpStream(w, (C, cport), (S, sport), isn_c=isn, isn_s=isn + 50000)
    s.handshake()
    s.send("c2s", payload)
    s.send("s2c", payload if reply is None else reply)
    s.close()


def build_ports(path):
    w = PcapWriter(path)
    # Citrix ports of the de facto table: claimed, divergent, ghost, matches
    tcp_conversation(w, 50001, 2014)
    tcp_conversation(w, 50002, 2598)
    tcp_conversation(w, 50003, 2897)
    tcp_conversation(w, 50004, 1494, payload=b"\x00" * 8)
    # listener on a Dynamic port, and on a port with no TCP row (716 is udp-only)
    tcp_conversation(w, 40000, 60314)
    tcp_conversation(w, 40001, 716)
    # SYN refused with RST on an Unassigned port: nobody listens there
    s = TcpStream(w, (C, 50005), (S, 4))
    s._segment("c2s", SYN)
    s.seq["c2s"] += 1
    s._segment("s2c", RST | ACK)
    # mid-stream capture (no handshake): roles from the registry
    s = TcpStream(w, (C, 51000), (S, 8443))
    s.send("c2s", FILLER)
    s.send("s2c", FILLER)
    # historic row without service name (1028 Deprecated)
    tcp_conversation(w, 50006, 1028)
    # HTTP where IANA lists ndl-aas (Wireshark decodes 3128 as HTTP): observed differs
    tcp_conversation(w, 50007, 3128, payload=b"GET / HTTP/1.1\r\nHost: portreg.test\r\n\r\n",
                     reply=b"HTTP/1.1 204 No Content\r\n\r\n")
    # UDP: the udp-only port, a de facto RTP port on an Unassigned port,
    # a transport-less range row (flex-lm), a client-only exchange
    w.udp((C, 50010), (S, 716), FILLER)
    w.udp((S, 716), (C, 50010), FILLER)
    w.udp((C, 50011), (S, 16500), FILLER)
    w.udp((S, 16500), (C, 50011), FILLER)
    w.udp((C, 50012), (S, 27001), FILLER)
    w.udp((C, 50013), (S, 49999), FILLER)
    # SCTP INIT / INIT-ACK to m3ua (2905)
    init = struct.pack("!IIHHI", 0x11111111, 65536, 1, 1, 1)
    sctp(w, (C, 50040), (S, 2905), 0, sctp_chunk(1, init))
    cookie = struct.pack("!HH", 7, 8) + b"cook"
    init_ack = struct.pack("!IIHHI", 0x22222222, 65536, 1, 1, 1) + cookie
    sctp(w, (S, 2905), (C, 50040), 0x11111111, sctp_chunk(2, init_ack), c2s=False)
    # DCCP Request / Response to ltp-deepspace (1113)
    dccp(w, (C, 50030), (S, 1113), 0, seq=100, service=42)
    dccp(w, (S, 1113), (C, 50030), 1, seq=900, ack=100, service=42, c2s=False)
    # ICMP port unreachable quoting a UDP datagram: the quoted header is no
    # conversation of this capture and gets no annotation
    quoted = ipv4(C, S, 17, udp_bytes((C, 50050), (S, 2598), b"x"))[:28]
    icmp = struct.pack("!BBHI", 3, 3, 0, 0) + quoted
    icmp = icmp[:2] + struct.pack("!H", _checksum(icmp)) + icmp[4:]
    w.ip_packet(S, C, 1, icmp, c2s=False)
    # VXLAN (udp 4789) carrying a TCP SYN to 2598: the innermost transport counts
    inner_src, inner_dst = ("10.9.0.5", 50200), ("10.9.0.6", 2598)
    inner = (bytes.fromhex("020000000009" "020000000008") + b"\x08\x00"
             + ipv4(inner_src[0], inner_dst[0], 6, tcp_syn_bytes(inner_src, inner_dst, 777)))
    vxlan = struct.pack("!BBHI", 0x08, 0, 0, 42 << 8) + inner
    w.udp(("10.1.1.1", 50100), ("10.1.1.2", 4789), vxlan)
    # RoCEv2 (udp 4791): the InfiniBand dissector rewrites pinfo's port type
    # and ports to queue pairs; the UDP ports must still be annotated.
    bth = struct.pack("!BBHI I", 0x04, 0x40, 0xFFFF, 0x11, 1)   # RC SEND only, dest QP 0x11, PSN 1
    w.udp((C, 50300), (S, 4791), bth + FILLER[:16] + b"\0" * 4)
    w.close()


CAPWAP_DATA_HEADER = bytes([0x00,              # preamble: version 0, type 0
                            0x10, 0x03, 0x00,  # HLEN 2 (8 bytes), RID 0, WBID 1 (IEEE 802.11), T=1
                            0, 0, 0, 0])       # fragment id, fragment offset


def wlan_frame(fc_swapped, a1, a2, a3, body, seq=1):
    """802.11 header with the two frame-control bytes in swapped order."""
    return fc_swapped + b"\x00\x00" + a1 + a2 + a3 + struct.pack("<H", seq << 4) + body


def build_capwap(path):
    w = PcapWriter(path)
    wtp, ac = ("10.0.0.10", 12380), ("10.0.0.20", 5247)
    bssid, sta, bcast = bytes.fromhex("0200000000aa"), bytes.fromhex("0200000000bb"), b"\xff" * 6
    ssid, rates = b"\x00\x06" + b"portrg", b"\x01\x04\x82\x84\x8b\x96"
    # probe request (type/subtype 0x04), association request (0x00) and response (0x01)
    w.udp(wtp, ac, CAPWAP_DATA_HEADER + wlan_frame(b"\x00\x40", bcast, sta, bcast, ssid + rates, 1))
    w.udp(wtp, ac, CAPWAP_DATA_HEADER + wlan_frame(b"\x00\x00", bssid, sta, bssid,
                                                   b"\x31\x04\x0a\x00" + ssid + rates, 2))
    w.udp(ac, wtp, CAPWAP_DATA_HEADER + wlan_frame(b"\x00\x10", sta, bssid, bssid,
                                                   b"\x31\x04\x00\x00\x01\xc0" + rates, 3))
    # data, To DS: LLC/SNAP ARP request from the station
    arp = struct.pack("!HHBBH", 1, 0x0800, 6, 4, 1) + sta + bytes([10, 0, 0, 5]) + b"\0" * 6 + bytes([10, 0, 0, 1])
    w.udp(wtp, ac, CAPWAP_DATA_HEADER + wlan_frame(b"\x01\x08", bssid, sta, bcast,
                                                   bytes.fromhex("aaaa030000000806") + arp, 4))
    w.close()


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                              "..", "..", "captures")
    os.makedirs(out, exist_ok=True)
    path = os.path.join(out, "portreg-ports.pcap")
    build_ports(path)
    print(path)
    path = os.path.join(out, "portreg-capwap.pcap")
    build_capwap(path)
    print(path)


if __name__ == "__main__":
    main()
