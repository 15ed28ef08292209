#!/usr/bin/env python3
"""Turn a fuzz input (fuzz/fuzz_citrix.c record format) into a pcap for tshark.

    tools/robust/fuzz_to_pcap.py --target ica crash-file out.pcap

Stream targets get the harness's conversation (handshake, one segment per
record, retransmitted or lost ones as the flags say, client FIN); portreg
inputs are written frame by frame; edt inputs as UDP datagrams (sent twice or
dropped as the flags say).  Addresses differ from the harness's.
"""
import argparse
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from fuzz import PORTS, UDP_PORTS  # noqa: E402
from pcapgen import ACK, FIN, PSH, PcapWriter, TcpStream  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--target", required=True)
    ap.add_argument("--port", type=int)
    ap.add_argument("input")
    ap.add_argument("output")
    a = ap.parse_args()
    data = open(a.input, "rb").read()
    w = PcapWriter(a.output)
    if a.target == "portreg":
        while len(data) >= 2:
            n = min(struct.unpack("<H", data[:2])[0], len(data) - 2)
            w.frame(data[2:2 + n])
            data = data[2 + n:]
    elif a.target in UDP_PORTS:
        client, server = ("10.0.0.1", 40001), ("192.168.0.2", a.port or UDP_PORTS[a.target])
        while len(data) >= 3:
            flags = data[0]
            n = min(struct.unpack("<H", data[1:3])[0], len(data) - 3, 65487)
            chunk, data = data[3:3 + n], data[3 + n:]
            src, dst = (server, client) if flags & 1 else (client, server)
            for _ in range(0 if flags & 4 else 2 if flags & 2 else 1):
                w.udp(src, dst, chunk)
    else:
        s = TcpStream(w, ("10.0.0.1", 40001), ("192.168.0.2", a.port or PORTS[a.target]))
        s.handshake()
        while len(data) >= 3:
            flags = data[0]
            n = min(struct.unpack("<H", data[1:3])[0], len(data) - 3, 65495)
            chunk, data = data[3:3 + n], data[3 + n:]
            d = "s2c" if flags & 1 else "c2s"
            if flags & 4:
                s.seq[d] += n
                continue
            for _ in range(2 if flags & 2 else 1):
                s._segment(d, PSH | ACK, chunk)
            s.seq[d] += n
        s._segment("c2s", FIN | ACK)
    w.close()


if __name__ == "__main__":
    main()
