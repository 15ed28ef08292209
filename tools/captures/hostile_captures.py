#!/usr/bin/env python3
"""Hostile captures for the robustness tests (issue 5): lengths that lie, counts
that never end, maximal claims that never arrive, 1-byte, reordered and
retransmitted segments, for ICA (1494), Command Center HA (2014) and the port
registry post-dissector.

    tools/captures/hostile_captures.py OUTDIR            # writes OUTDIR/<case>.pcap
    tools/captures/hostile_captures.py --list

Deterministic: the same bytes on every run.  The generated files are
committed under captures/hostile/ (so the mutation run, the fuzz seeds and
valgrind use them too); tests/tshark/test_hostile.py regenerates them and
checks the committed copies are current.  Wire formats are the ones in the
project's ICA and Command Center notes; nothing here is a real session.
"""
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from pcapgen import PcapWriter, TcpStream  # noqa: E402
from ica_captures import BasicCipher  # noqa: E402

ICA, CCHA = 1494, 2014
DETECT = b"\x7f\x7fICA\x00"
# The reference INIT_REQUEST: level 7, capability list of 3 blocks.
INIT_REQUEST = bytes.fromhex("001500070003040006000200030004000100060004000100")
KEY = 0xF4
CASES = {}


def case(fn):
    CASES[fn.__name__] = fn
    return fn


def u16(v):
    return struct.pack("<H", v & 0xFFFF)


def wd(code, body, length=None):
    """Raw WD packet with a u16 length (INIT_* style)."""
    return bytes([code]) + u16(len(body) if length is None else length) + body


def module_c2h(count, cls, name, body=b"", vl=1, vh=1, byte_count=None, host=b""):
    head = u16(36 + len(body) if byte_count is None else byte_count) + bytes([count & 0xFF, cls, vl, vh])
    head += name.ljust(13, b"\0")[:13] + host.ljust(9, b"\0")[:9] + b"\0" * 8
    return head + body


def module_h2c(count, cls, version, body=b""):
    return u16(8 + len(body)) + bytes([count, cls, 1, version, version, 0]) + body


def caplist(blocks, count=None, more=0, first=4):
    return bytes([more, len(blocks) if count is None else count]) + u16(first) + b"".join(blocks)


def cap(sig, body, byte_count=None):
    return u16(4 + len(body) if byte_count is None else byte_count) + u16(sig) + body


def pdframe(payload):
    return u16(len(payload)) + payload


class IcaSession:
    """A TCP connection to 1494 taken through detect strings, INIT_*, key exchange."""

    def __init__(self, w, n=1):
        self.s = TcpStream(w, ("10.1.%d.%d" % (n >> 8 & 255, n & 255), 40000 + n % 20000), ("10.9.0.1", ICA))
        self.s.handshake()
        self.crypt = {"c2s": BasicCipher(KEY), "s2c": BasicCipher(KEY)}

    def send(self, direction, data, segments=None):
        return self.s.send(direction, data, segments=segments)

    def detect(self):
        self.send("s2c", DETECT)
        self.send("c2s", DETECT)

    def init_exchange(self):
        self.send("s2c", INIT_REQUEST)
        self.send("c2s", wd(1, module_c2h(1, 4, b"PDRFRAME.DLL", b"\x09\0\0\0", 1, 2, host=b"PDRFRAME")))
        self.send("c2s", wd(1, module_c2h(0, 4, b"PDCRYPT1.DLL", b"\x0b\0\0\0\x01\0\0\0", host=b"PDCRYPT1")))
        self.send("s2c", wd(2, module_h2c(1, 4, 1, b"\x09\0\0\0")) + wd(2, module_h2c(0, 4, 1, b"\x0b\0\0\0")))
        self.send("c2s", b"\x04\x00\x00")
        self.send("s2c", b"\x02\x00\x02\x00")
        self.send("c2s", b"\x03\x00\x04\x00" + bytes([KEY]))

    def up_to_encryption(self):
        self.detect()
        self.init_exchange()

    def wd_frame(self, direction, commands):
        """One PDRFRAME frame carrying encrypted WD commands."""
        return pdframe(b"\x01" + self.crypt[direction].encrypt(commands))


def filler(n, seed=0x5A):
    return bytes((seed + i * 7) & 0xFF for i in range(n))


# ---- ICA: lengths claiming 65535 / 32767 at every level ----

@case
def ica_init_len_max(w):
    """INIT_REQUEST claiming 65535 and INIT_RESPONSE claiming 32767, the bytes never arrive."""
    a = IcaSession(w, 1)
    a.detect()
    a.send("s2c", b"\x00\xff\xff" + INIT_REQUEST[3:])
    a.s.close()
    b = IcaSession(w, 2)
    b.detect()
    b.send("s2c", INIT_REQUEST)
    b.send("c2s", b"\x01\xff\x7f" + module_c2h(0, 4, b"PDRFRAME.DLL", b"\x09\0\0\0")[:30])
    b.s.close()


@case
def ica_module_bytecount_lies(w):
    """Module ByteCount 65535, 32767, 3 and 0 inside WD packets of the right size."""
    for n, bc in enumerate((0xFFFF, 0x7FFF, 3, 0), 1):
        a = IcaSession(w, n)
        a.detect()
        a.send("s2c", INIT_REQUEST)
        a.send("c2s", wd(1, module_c2h(1, 4, b"PDRFRAME.DLL", b"\x09\0\0\0", byte_count=bc)))
        a.send("c2s", wd(1, module_c2h(0, 4, b"PDCRYPT1.DLL", b"\x0b\0\0\0\x01\0\0\0")))
        a.send("s2c", wd(2, module_h2c(0, 4, 1, b"\x09\0\0\0")[:2] + u16(bc) + b"\0" * 8))
        a.s.close()


@case
def ica_caplist_lies(w):
    """Capability lists: count 255 with one block, block byteCount 0/3/65535, first offset 65535."""
    lists = [
        caplist([cap(2, u16(3))], count=255),
        caplist([cap(2, u16(3), byte_count=0)] * 3),
        caplist([cap(2, u16(3), byte_count=3)]),
        caplist([cap(4, u16(1), byte_count=0xFFFF)]),
        caplist([cap(6, u16(1))], first=0xFFFF),
        caplist([cap(5, b"\xff" * 8, byte_count=0x7FFF)], count=1, more=1),
    ]
    for n, cl in enumerate(lists, 1):
        a = IcaSession(w, n)
        a.detect()
        a.send("s2c", wd(0, b"\x07" + cl))
        a.s.close()


@case
def ica_counts_lie(w):
    """WD_C2H: VcBindCount, TextModeCount, capListLength 65535; offsets past the module."""
    body = bytearray(50)
    struct.pack_into("<HH", body, 52 - 36, 0xFFFF, 0x58)          # TextModeCount, oTextMode
    struct.pack_into("<HH", body, 72 - 36, 0xFFFF, 0x58)          # VcBindCount, oVcBind
    struct.pack_into("<HH", body, 82 - 36, 0xFFFF, 0xFFF0)        # capListLength, oCapList
    body += b"CTXCLIP\0\x01\x00" * 3
    a = IcaSession(w, 1)
    a.detect()
    a.send("s2c", INIT_REQUEST)
    a.send("c2s", wd(1, module_c2h(0, 2, b"ICA 3.0", bytes(body), 1, 9, host=b"WDICA")))
    a.s.close()


@case
def ica_module_count_never_zero(w):
    """3000 INIT_RESPONSEs whose ModuleCount stays 5: the countdown never ends."""
    a = IcaSession(w, 1)
    a.detect()
    a.send("s2c", INIT_REQUEST)
    one = wd(1, module_c2h(5, 3, b"Thinwire3.0", b"\x00\x02\x00\x00" + b"\0" * 8, host=b"vdtw30"))
    for _ in range(30):
        a.send("c2s", one * 100)
    a.send("s2c", wd(2, module_h2c(5, 4, 1, b"\x09\0\0\0")) * 200)
    a.s.close()


@case
def ica_pdrframe_max_never_arrives(w):
    """After the key exchange: PDRFRAME lengths 65535 and 32767 whose bytes never all arrive."""
    a = IcaSession(w, 1)
    a.up_to_encryption()
    a.send("s2c", b"\xff\xff\x01" + filler(1400))
    for i in range(40):
        a.send("s2c", filler(1460, i))
    a.send("c2s", b"\xff\x7f\x01" + filler(100))
    a.s.close()


@case
def ica_maxlen_many_conversations(w):
    """300 sessions, each left holding a 65535-byte PDRFRAME claim: reassembly per conversation."""
    for n in range(1, 301):
        a = IcaSession(w, n)
        a.up_to_encryption()
        a.send("s2c", b"\xff\xff\x01" + filler(1400, n))


@case
def ica_virtual_write_lies(w):
    """VIRTUAL_WRITE2 claiming 65535 and 32767, VIRTUAL_WRITE1/2 with length 0 (len counts the channel)."""
    a = IcaSession(w, 1)
    a.up_to_encryption()
    a.send("s2c", a.wd_frame("s2c", b"\x33\x00" + b"\x31\x00\x00\x09" + b"\x30\x00\x09"))
    b = IcaSession(w, 2)
    b.up_to_encryption()
    b.send("s2c", b.wd_frame("s2c", b"\x31\xff\xff\x09" + filler(1000)))
    for i in range(10):
        b.send("s2c", b.wd_frame("s2c", filler(1400, i)))
    b.send("c2s", b.wd_frame("c2s", b"\x31\xff\x7f\x0c" + filler(200)))
    b.s.close()


@case
def ica_repeated_commands(w):
    """30000 zero-length WD commands in 21 frames, and a frame of 1458 unknown commands."""
    a = IcaSession(w, 1)
    a.up_to_encryption()
    for _ in range(21):
        a.send("c2s", a.wd_frame("c2s", b"\x09" * 1455))
    a.send("s2c", a.wd_frame("s2c", b"\x3d" * 1457))
    a.s.close()


def valid_session_bytes():
    """The bytes of a short valid session per direction, in send order."""
    a = IcaSession.__new__(IcaSession)
    a.crypt = {"c2s": BasicCipher(KEY), "s2c": BasicCipher(KEY)}
    return [
        ("s2c", DETECT), ("c2s", DETECT), ("s2c", INIT_REQUEST),
        ("c2s", wd(1, module_c2h(1, 4, b"PDRFRAME.DLL", b"\x09\0\0\0", 1, 2, host=b"PDRFRAME"))),
        ("c2s", wd(1, module_c2h(0, 4, b"PDCRYPT1.DLL", b"\x0b\0\0\0\x01\0\0\0", host=b"PDCRYPT1"))),
        ("s2c", wd(2, module_h2c(1, 4, 1, b"\x09\0\0\0")) + wd(2, module_h2c(0, 4, 1, b"\x0b\0\0\0"))),
        ("c2s", b"\x04\x00\x00"), ("s2c", b"\x02\x00\x02\x00"), ("c2s", b"\x03\x00\x04\x00" + bytes([KEY])),
        ("s2c", a.wd_frame("s2c", b"\x33\x00")),
        ("c2s", a.wd_frame("c2s", b"\x09")),
        ("s2c", a.wd_frame("s2c", b"\x31\x05\x00\x09" + b"ABCD" + b"\x1c\x10\x00\x20\x00")),
        ("c2s", a.wd_frame("c2s", b"\x0d\x10\x00\x20\x00\x01" * 3)),
    ]


@case
def ica_one_byte_segments(w):
    """A valid short session with every byte in its own TCP segment."""
    a = IcaSession(w, 1)
    for direction, data in valid_session_bytes():
        a.send(direction, data, segments=[1] * len(data))
    a.s.close()


@case
def ica_reordered_retransmitted(w):
    """The same session with segment pairs swapped, exact and overlapping retransmissions."""
    a = IcaSession(w, 1)
    for i, (direction, data) in enumerate(valid_session_bytes()):
        half = len(data) // 2
        seq = a.s.seq[direction]
        if i % 3 == 0 and half:
            # second half first, then the first half, then both again
            a.s.resend(direction, seq + half, data[half:])
            a.s.resend(direction, seq, data[:half])
            a.s.seq[direction] += len(data)
            a.s.resend(direction, seq, data)
        elif i % 3 == 1:
            a.send(direction, data)
            a.s.resend(direction, seq, data)
        else:
            a.send(direction, data)
            if half:
                a.s.resend(direction, seq + 1, bytes(len(data) - 1))    # overlap, different bytes
    a.s.close()


def segments_of(data, size):
    return [(off, data[off:off + size]) for off in range(0, len(data), size)]


def send_in_order(s, direction, data, order):
    """Send data's segments [(offset, bytes)] in the given order, then account for all of it."""
    base = s.seq[direction]
    for off, chunk in order:
        s.resend(direction, base + off, chunk)
    s.seq[direction] = base + len(data)


@case
def ica_reversed_windows(w):
    """The valid session cut into 2-byte segments, each run sent in reversed windows of 3-8 segments."""
    a = IcaSession(w, 1)
    for i, (direction, data) in enumerate(valid_session_bytes()):
        segs, order, k = segments_of(data, 2), [], 0
        while k < len(segs):
            n = 3 + (i + k) % 6
            order.extend(reversed(segs[k:k + n]))
            k += n
        send_in_order(a.s, direction, data, order)
    a.s.close()


@case
def ica_every_second_duplicated(w):
    """The valid session in 3-byte segments, every second segment sent twice in a row."""
    a = IcaSession(w, 1)
    for direction, data in valid_session_bytes():
        segs = segments_of(data, 3)
        send_in_order(a.s, direction, data, [x for j, seg in enumerate(segs) for x in ([seg] * (1 + j % 2))])
    a.s.close()


@case
def ica_overlap_different_bytes(w):
    """The valid session in 4-byte segments, each (after the first) sent starting 2 bytes early with those 2
    bytes inverted: the receiver keeps the first copy of a byte, so the stream is unchanged."""
    a = IcaSession(w, 1)
    for direction, data in valid_session_bytes():
        order = []
        for off, chunk in segments_of(data, 4):
            if off >= 2:
                off, chunk = off - 2, bytes(b ^ 0xFF for b in data[off - 2:off]) + chunk
            order.append((off, chunk))
        send_in_order(a.s, direction, data, order)
    a.s.close()


def wd_h2c_v1(buffer_len):
    """WD_H2C of INIT_CONNECT version 1: ICABufferLength, OutBuf counts/delays, oAppServerName, OEMId."""
    return u16(buffer_len) + u16(6) + u16(6) + u16(0) + u16(0) + u16(0) + b"\0\0\0\0"


def framed_session(w, n, buffer_len):
    """A session whose INIT_CONNECT agrees ICABufferLength buffer_len, up to the key exchange."""
    a = IcaSession(w, n)
    a.detect()
    a.send("s2c", INIT_REQUEST)
    a.send("c2s", wd(1, module_c2h(1, 4, b"PDRFRAME.DLL", b"\x09\0\0\0", 1, 2, host=b"PDRFRAME")))
    a.send("c2s", wd(1, module_c2h(0, 4, b"PDCRYPT1.DLL", b"\x0b\0\0\0\x01\0\0\0", host=b"PDCRYPT1")))
    a.send("s2c", wd(2, module_h2c(2, 2, 1, wd_h2c_v1(buffer_len))) + wd(2, module_h2c(1, 4, 1, b"\x09\0\0\0")) +
           wd(2, module_h2c(0, 4, 1, b"\x0b\0\0\0")))
    a.send("c2s", b"\x04\x00\x00")
    a.send("s2c", b"\x02\x00\x02\x00")
    a.send("c2s", b"\x03\x00\x04\x00" + bytes([KEY]))
    return a


@case
def ica_stray_byte(w):
    """ICABufferLength 2048; a stray byte before the client's fifth data frame (a replay through another
    TCP stack): that frame's length then reads as 0x0dff = 3583, beyond the buffer.  Seven more follow."""
    a = framed_session(w, 1, 2048)
    frames = [a.wd_frame("c2s", b"\x0d\x10\x00\x20\x00\x01" * (1 + i % 3)) for i in range(12)]
    for i, f in enumerate(frames):
        a.send("c2s", (b"\xff" if i == 4 else b"") + f)
    a.s.close()


@case
def ica_buffer_length_lies(w):
    """INIT_CONNECT claims ICABufferLength 8, then frames of 20-40 bytes; a second session claims 65535."""
    a = framed_session(w, 1, 8)
    for i in range(6):
        a.send("s2c", a.wd_frame("s2c", b"\x31\x05\x00\x09ABCD" * (2 + i % 3)))
    a.s.close()
    b = framed_session(w, 2, 0xFFFF)
    b.send("s2c", b"\xff\xff" + filler(100))
    b.s.close()


@case
def ica_gap_then_data(w):
    """A lost server segment in the encrypted stream, then more frames."""
    a = IcaSession(w, 1)
    a.up_to_encryption()
    a.send("s2c", a.wd_frame("s2c", b"\x33\x00"))
    lost = a.wd_frame("s2c", b"\x31\x05\x00\x09ABCD")
    a.s.seq["s2c"] += len(lost)
    for _ in range(5):
        a.send("s2c", a.wd_frame("s2c", b"\x1c\x10\x00\x20\x00"))
    a.s.close()


# ---- Command Center HA (2014) ----

def ccha_stream(w, n=1):
    s = TcpStream(w, ("10.2.%d.%d" % (n >> 8 & 255, n & 255), 41000 + n), ("10.9.0.2", CCHA))
    s.handshake()
    return s


@case
def ccha_length_prefix_lies(w):
    """Length-prefix-looking messages, then prefixes claiming 65535, 32767 and 0xffffffff."""
    s = ccha_stream(w)
    for n in (12, 20, 7):
        s.send("c2s", struct.pack(">I", n) + filler(n, n))
        s.send("s2c", struct.pack("<I", n) + filler(n, n + 1))
    s.send("c2s", struct.pack(">I", 0xFFFF) + filler(30))
    s.send("c2s", struct.pack(">I", 0x7FFF) + filler(30))
    s.send("s2c", struct.pack(">I", 0xFFFFFFFF) + filler(30))
    s.send("s2c", struct.pack(">I", 0) * 50)
    s.close()


@case
def ccha_carrier_max_lengths(w):
    """TLS records claiming 65535 / 18432, a MySQL greeting with u24 0xffffff; never completed."""
    streams = [
        [b"\x16\x03\x01\xff\xff" + filler(50)],
        [b"\x16\x03\x03\x48\x00" + filler(100)] + [filler(1400, i) for i in range(5)],
        [b"\x17\x03\x03\x7f\xff" + filler(10)],
        [b"\xff\xff\xff\x00\x0a" + b"5.7.0\0" + filler(40)],
    ]
    for n, parts in enumerate(streams, 1):
        s = ccha_stream(w, n)
        for p in parts:
            s.send("s2c", p)
        s.close()


@case
def ccha_one_byte_and_reordered(w):
    """JRMI and Java serialization openings in 1-byte segments, reordered and retransmitted."""
    s = ccha_stream(w, 1)
    msg = b"JRMI\x00\x02\x4b"
    s.send("c2s", msg, segments=[1] * len(msg))
    s.send("s2c", b"\x4e" + filler(20), segments=[1] * 21)
    t = ccha_stream(w, 2)
    ser = b"\xac\xed\x00\x05" + filler(40)
    seq = t.seq["c2s"]
    t.resend("c2s", seq + 20, ser[20:])
    t.resend("c2s", seq, ser[:20])
    t.seq["c2s"] += len(ser)
    t.resend("c2s", seq, ser)
    t.reset()


@case
def ccha_many_messages(w):
    """5000 small messages on one link: per-conversation state must stay capped."""
    s = ccha_stream(w, 1)
    for i in range(2500):
        s.send("c2s", struct.pack(">I", 8) + filler(8, i))
        s.send("s2c", struct.pack(">I", 8) + filler(8, i + 1))
    s.close()


# ---- port registry post-dissector ----

@case
def portreg_truncated_transport(w):
    """TCP/UDP/SCTP/DCCP headers cut to 0-3 bytes; ports 0 and 65535; ICMP errors quoting UDP."""
    for proto in (6, 17, 132, 33):
        for n in range(4):
            w.ip_packet("10.3.0.1", "10.3.0.2", proto, b"\xff\xff\x00\x00"[:n])
    w.udp(("10.3.0.1", 0), ("10.3.0.2", 0), b"zero")
    w.udp(("10.3.0.1", 65535), ("10.3.0.2", 65535), b"max")
    inner = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 28, 1, 0, 64, 17, 0, bytes([10, 3, 0, 2]), bytes([10, 3, 0, 1]))
    for ports in ((0, 65535), (1494, 2014), (2598, 2598)):
        icmp = b"\x03\x03\x00\x00\x00\x00\x00\x00" + inner + struct.pack("!HHHH", ports[0], ports[1], 8, 0)
        w.ip_packet("10.3.0.1", "10.3.0.2", 1, icmp)
        w.ip_packet("10.3.0.1", "10.3.0.2", 1, icmp[:8 + 20 + 3])


@case
def portreg_many_conversations(w):
    """6000 UDP conversations on distinct port pairs and 2000 TCP SYNs to distinct ports."""
    for p in range(1, 6001):
        w.udp(("10.4.%d.%d" % (p >> 8, p & 255), 1024 + p), ("10.4.255.1", p * 10 % 65536), b"x")
    for p in range(1, 2001):
        TcpStream(w, ("10.5.%d.%d" % (p >> 8, p & 255), 2000 + p), ("10.5.255.1", 65535 - p))._segment("c2s", 0x02)


def main():
    if sys.argv[1:] == ["--list"]:
        for name, fn in CASES.items():
            print("%-32s %s" % (name, fn.__doc__))
        return
    if len(sys.argv) != 2:
        sys.exit("usage: hostile_captures.py OUTDIR | --list")
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for name, fn in CASES.items():
        w = PcapWriter(os.path.join(out, name + ".pcap"))
        fn(w)
        w.close()


if __name__ == "__main__":
    main()
