#!/usr/bin/env python3
"""Rewrite an Ethernet pcap as a NetScaler trace (nstrace 1.0), the format a
Citrix ADC (NetScaler) writes with `start nstrace` by default.

No program on Debian writes nstrace from Ethernet (editcap refuses: the
format only holds NetScaler records), so this builder writes the records
itself, from the layout Wireshark's reader (wiretap/netscaler.c, read, not
copied) accepts:

* the file is a sequence of 8,192-byte pages; a record never crosses a page
  boundary; the rest of a page is zero bytes (record type 0 = unused space);
* every field is little-endian; a 1.0 record starts with type (2 bytes) and
  size including this header (2 bytes);
* signature record: type 0x0101, size 64, endian byte, 3 reserved bytes, 56
  bytes of text starting "NetScaler Performance Data";
* absolute time record: type 0x0107, size 12, relative time in ms (4 bytes),
  seconds since 1970 (4 bytes);
* full packet record: type 0x0310 (transmitted) or 0x0312 (received), size,
  device number (4 bytes), high-resolution time since the previous packet
  (4 bytes; top two bits 10 = microseconds), then the Ethernet frame.

    nstrace_from_pcap.py IN.pcap OUT.cap

Frames from the first frame's source MAC are written as received, the others
as transmitted (the direction only changes the record type).  A frame stamped
earlier than the one before it (captures/spike-ica-2001.pcap has a few, by up
to 10 ms) gets the earlier frame's time: the relative time has no sign.
Deterministic.
"""
import struct
import sys

PAGE = 8192
SIG_V10, ABSTIME_V10 = 0x0101, 0x0107
FULL_TX_V10, FULL_RX_V10 = 0x0310, 0x0312
SIGNATURE = b"NetScaler Performance Data"
HRTIME_USEC = 0x80000000
HRTIME_MAX = 0x3FFFFFFF


def read_pcap(path):
    """(seconds, microseconds, frame) of every record of a little-endian
    microsecond Ethernet pcap."""
    data = open(path, "rb").read()
    magic, _, _, _, _, _, linktype = struct.unpack("<IHHiIII", data[:24])
    if magic != 0xA1B2C3D4 or linktype != 1:
        raise SystemExit("%s: want a little-endian microsecond Ethernet pcap" % path)
    off, out = 24, []
    while off + 16 <= len(data):
        sec, usec, incl, _ = struct.unpack("<IIII", data[off:off + 16])
        out.append((sec, usec, data[off + 16:off + 16 + incl]))
        off += 16 + incl
    return out


class Pages:
    """Records packed into 8 KiB pages, zero-padded."""

    def __init__(self):
        self.out, self.page = bytearray(), bytearray()

    def add(self, rec):
        if len(rec) > PAGE:
            raise SystemExit("record of %d bytes does not fit a page" % len(rec))
        if len(self.page) + len(rec) > PAGE:
            self.flush()
        self.page += rec

    def flush(self):
        if self.page:
            self.out += self.page + bytes(PAGE - len(self.page))
            self.page = bytearray()

    def last(self):
        """The file ends after the last record (the last page may be short)."""
        return bytes(self.out + self.page)


def build(frames):
    pages = Pages()
    sig = struct.pack("<HHBB2s", SIG_V10, 64, 0, 0, b"\0\0") + SIGNATURE.ljust(56, b"\0")
    pages.add(sig)
    first_sec, first_usec, first = frames[0]
    pages.add(struct.pack("<HHII", ABSTIME_V10, 12, 0, first_sec))
    client_mac = first[6:12]
    prev = first_sec * 1000000          # packet times are relative to the absolute time
    for sec, usec, frame in frames:
        now = max(prev, sec * 1000000 + usec)
        delta = now - prev
        if delta > HRTIME_MAX:
            raise SystemExit("frames more than %d us apart" % HRTIME_MAX)
        prev = now
        kind = FULL_RX_V10 if frame[6:12] == client_mac else FULL_TX_V10
        pages.add(struct.pack("<HHII", kind, 12 + len(frame), 1, HRTIME_USEC | delta) + frame)
    return pages.last()


def main():
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    with open(sys.argv[2], "wb") as f:
        f.write(build(read_pcap(sys.argv[1])))


if __name__ == "__main__":
    main()
