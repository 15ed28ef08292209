#!/usr/bin/env python3
"""Cut the real reference capture so that it starts in the middle of the ICA session.

    tools/captures/ica_cut_midsession.py captures/spike-ica-2001.pcap captures/spike-ica-2001-midsession.pcap

Copies the pcap global header and every record from frame FIRST on (default 101,
well after the key exchange in frame 39: no TCP handshake, no ICA handshake, no
CRYPT_SESSIONKEY), byte for byte: the records are not rewritten, so the cut file
holds exactly the original's frames FIRST..174.  Used to prove Basic key recovery
(issue 10 item 5): the recovered key must be 0xF4 and the decrypted bytes must
equal the full capture's.  Deterministic: the same input gives the same output.
"""
import argparse
import hashlib
import struct
import sys

SPIKE_SHA256 = "ff051f5e6ad9b2c8be61cf89b1160fd16840d2135bacfb362523b12f86f940a8"
DEFAULT_FIRST = 101


def cut(data, first):
    if data[:4] != b"\xd4\xc3\xb2\xa1":
        raise ValueError("not a little-endian pcap file")
    out = bytearray(data[:24])
    off, num = 24, 0
    while off + 16 <= len(data):
        caplen = struct.unpack("<I", data[off + 8:off + 12])[0]
        num += 1
        if num >= first:
            out += data[off:off + 16 + caplen]
        off += 16 + caplen
    return bytes(out), num


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("source")
    ap.add_argument("output")
    ap.add_argument("--first", type=int, default=DEFAULT_FIRST, help="first frame kept (1-based)")
    ap.add_argument("--compare", metavar="FILE", help="fail unless the output equals FILE byte for byte")
    a = ap.parse_args()
    with open(a.source, "rb") as f:
        data = f.read()
    if hashlib.sha256(data).hexdigest() != SPIKE_SHA256:
        sys.exit("%s is not the reference capture (sha256 differs)" % a.source)
    out, total = cut(data, a.first)
    with open(a.output, "wb") as f:
        f.write(out)
    print("%s: frames %d-%d of %d, sha256 %s" % (a.output, a.first, total, total, hashlib.sha256(out).hexdigest()))
    if a.compare:
        with open(a.compare, "rb") as f:
            if f.read() != out:
                sys.exit("not reproduced: %s" % a.compare)


if __name__ == "__main__":
    main()
