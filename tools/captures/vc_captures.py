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
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.join(HERE, "..", "..")
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
from pcapgen import TcpStream  # noqa: E402
import capbuild  # noqa: E402
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
    """The real 2001 session re-emitted, then continued with the same cipher chains.
    renames: VcBind entries (8 bytes each) renamed in the client's INIT_RESPONSE."""

    def __init__(self, w, renames=((b"CTXZLFK\x00", b"CTXEUEM\x00"),)):
        _events, conns = read_connections(SPIKE)
        conn = next(c for c in conns.values() if c.server[1] == 1494)
        self.tcp = TcpStream(w, conn.client, conn.server, isn_c=conn.isn["c2s"], isn_s=conn.isn["s2c"])
        self.tcp.handshake()
        last = {}
        renamed = 0
        for direction, payload, _ts in conn.segments:
            for old, new in renames:
                if direction == "c2s" and old in payload:
                    payload = payload.replace(old, new)
                    renamed += 1
            self.tcp.send(direction, payload)
            last[direction] = payload
        assert renamed == len(renames), "a real VcBind entry to rename was not found once"
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


# CTXCTL (vc.md §3, CTLVirtualDriver, search-index file 9093420080): no byte vectors in the
# source, so the messages are laid out from its readers and writers.  The client's VcBind entry
# CTXCCM on channel 8 (never written on in the real session) is renamed CTXCTL.
CTL_CH = 8
CTL_RENAMES = ((b"CTXCCM \x00", b"CTXCTL \x00"),)


def ctl(cmd, body):
    """u16 length (body only), u8 command, u8 reserved, body."""
    return u16(len(body)) + bytes([cmd, 0]) + body


def ctl_cap(cap_id, data):
    """u16 CapabilityID, u8 CapabilitySize (whole block), u8 reserved, data."""
    return u16(cap_id) + bytes([4 + len(data), 0]) + data


def ctl_bind(cmd, caps):
    return ctl(cmd, u16(4) + bytes([len(caps), 0]) + b"".join(caps))


HOST_CAPS = [ctl_cap(1, bytes([1, 0, 0, 0])),                            # VERSION 1
             ctl_cap(2, bytes([2, 0, 0, 0]) + struct.pack("<I", 1252)),   # ENCODING unicode, code page 1252
             ctl_cap(3, u16(1024) + u16(0)),                              # LAUNCH_PARAMETERS
             ctl_cap(5, bytes([1, 0, 0, 0])),                             # INITIAL_PROGRAM supported
             ctl_cap(6, struct.pack("<I", 1)),                            # SFTA level 1 (URL)
             ctl_cap(0x0A, b"")]                                          # SESSION_EVENT
# the client's echo, as sendBindResponsePacket writes it (code page 0, initial program used)
CLIENT_CAPS = [ctl_cap(1, bytes([1, 0, 0, 0])), ctl_cap(2, bytes([2, 0, 0, 0]) + struct.pack("<I", 0)),
               ctl_cap(3, u16(1024) + u16(0)), ctl_cap(5, bytes([1, 0, 0, 0])), ctl_cap(6, struct.pack("<I", 1)),
               ctl_cap(0x0A, b"")]
# writeLaunchRequest turns the initial program "#Notepad" into #"Notepad"" (it appends a
# second closing quote) and NUL-terminates it; UTF-16LE.
CTL_APP = '#"Notepad""'
CTL_CMDLINE = "C:\\Users\\alice\\notes.txt"


def ctl_launch_request(app=CTL_APP, cmdline=CTL_CMDLINE, app_off=12, cmd_off=None):
    a = (app + "\0").encode("utf-16-le")
    c = (cmdline + "\0").encode("utf-16-le")
    cmd_off = 12 + len(a) if cmd_off is None else cmd_off
    return ctl(3, u16(app_off) + u16(cmd_off) + u16(0) + u16(0) + struct.pack("<I", 0) + a + c)


CTL_GUID = bytes.fromhex("78563412" "3412" "7856" "0102030405060708")   # {12345678-1234-5678-0102-030405060708}


def ctl_session_event(el_type, data):
    return ctl(0x0F, u16(4) + u16(1) + struct.pack("<II", 8 + len(data), el_type) + data)


def build_ctl(w):
    s = SpikeSession(w, renames=CTL_RENAMES)
    s.send("s2c", s.frame("s2c", vw2(CTL_CH, ctl_bind(0, HOST_CAPS))))
    s.send("c2s", s.frame("c2s", vw2(CTL_CH, ctl_bind(1, CLIENT_CAPS))))
    s.send("s2c", s.frame("s2c", vw2(CTL_CH, ctl_bind(2, HOST_CAPS))))
    # the launch request split over two writes in two TCP segments
    lr = ctl_launch_request()
    s.send("c2s", s.frame("c2s", vw2(CTL_CH, lr[:25])))
    s.send("c2s", s.frame("c2s", vw2(CTL_CH, lr[25:])))
    s.send("s2c", s.frame("s2c", vw2(CTL_CH, ctl(4, struct.pack("<I", 0)))))          # SUCCESS
    url = b"https://www.citrix.com/\x00"
    s.send("s2c", s.frame("s2c", vw2(CTL_CH, ctl(9, u16(2) + url))))
    s.send("c2s", s.frame("c2s", vw2(CTL_CH, ctl(0x0A, struct.pack("<I", 0)))))       # URL opened
    # session GUID, then LOCK and DISCONNECT in one write
    s.send("s2c", s.frame("s2c", vw2(CTL_CH, ctl_session_event(2, CTL_GUID))))
    s.send("s2c", s.frame("s2c", vw2(CTL_CH, ctl_session_event(1, struct.pack("<I", 1)) +
                                     ctl_session_event(1, struct.pack("<I", 2)))))
    # a second launch the host refuses: LAUNCH_ERROR (6)
    s.send("c2s", s.frame("c2s", vw2(CTL_CH, ctl_launch_request(cmdline=""))))
    s.send("s2c", s.frame("s2c", vw2(CTL_CH, ctl(4, struct.pack("<I", 6)))))


def build_ctl_hostile(w):
    s = SpikeSession(w, renames=CTL_RENAMES)
    # bind request claiming 50 capability blocks (6 fit)
    bad = bytearray(ctl_bind(0, HOST_CAPS))
    bad[6] = 50
    s.send("s2c", s.frame("s2c", vw2(CTL_CH, bytes(bad))))
    # a capability block of size 2 (below its 4-byte header)
    s.send("c2s", s.frame("c2s", vw2(CTL_CH, ctl_bind(1, [u16(1) + bytes([2, 0])]))))
    # launch request whose application offset (0x400) lies past the message
    s.send("c2s", s.frame("c2s", vw2(CTL_CH, ctl_launch_request(app_off=0x400))))
    # a launch response without a request, whose length says 0x0100 bytes: it never completes
    s.send("s2c", s.frame("s2c", vw2(CTL_CH, u16(0x100) + bytes([4, 0]) + struct.pack("<I", 0))))


# WDCREDENTIALS (WD command 0x44) as the HTML5 client's WinstationDriver writes it (search-index
# file 9684207358, HandlePacketWDCredentials; offsets as OffsetableOutputStream (9314021370) writes
# "big" ones: byte 0 | byte 2 << 8 of a 4-byte slot, from the body start).  The host's QUERY is
# laid out from the same handler (command 1, algorithm 1).  Made-up user, domain and password.
def wd_credentials_data(user, domain, password, offsets=None):
    strings = [(x + "\0").encode("utf-16-le") for x in (user, domain, password)]
    offs, o = [], 12
    for st in strings:
        offs.append(o)
        o += len(st)
    offs = offsets or offs
    body = b"".join(bytes([v & 0xFF, 0, v >> 8, 0]) for v in offs) + b"".join(strings)
    data = bytes([2, 1]) + body                      # CREDENTIALS_DATA, XOR algorithm
    return b"\x44" + u16(len(data)) + data


def build_credentials(w):
    s = SpikeSession(w, renames=())
    s.send("s2c", s.frame("s2c", b"\x44" + u16(2) + bytes([1, 1])))          # QUERY, XOR
    s.send("c2s", s.frame("c2s", wd_credentials_data("alice", "EXAMPLE", "Secret123!")))
    # hostile: the password offset (0x300) lies past the command
    s.send("c2s", s.frame("c2s", wd_credentials_data("bob", "EXAMPLE", "x", offsets=[12, 20, 0x300])))


# CTXCLIP (vc.md §5): layouts from the RISC OS client's wfshell header and the HTML5 client's
# ClipboardEngine (search-index file 9566384228); the INIT_REPLY and REGISTER_FORMAT_REPLY bytes are
# the ones ClipboardEngine writes.  The real session binds CTXCLIP on channel 17 and never writes on it.
CLIP_CH = 17
CLIP_INIT_REQUEST = bytes([1, 0, 1, 0, 3, 0])                              # versions 1..3
CLIP_INIT_REPLY = bytes([2, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0])              # writeInitReplyPacket, version 3


def clip_block(fmt, data=b"", cb=None):
    return u16(fmt) + struct.pack("<I", len(data) if cb is None else cb) + data


CLIP_REGISTER_REQUEST = u16(8) + u16(0) + clip_block(0xC001, b"HTML Format\x00") + bytes(6)
CLIP_REGISTER_REPLY = u16(9) + u16(0) + clip_block(0xC001, cb=0) + bytes(6)    # handleRegisterRequestFormat
CLIP_HOST_PLACE = u16(3) + u16(0x0003) + clip_block(13, cb=48) + clip_block(0xC001, cb=640) + u16(0)
CLIP_RENDER_REQUEST = u16(4) + u16(0) + u16(13) + u16(0)                   # CF_UNICODETEXT
CLIP_TEXT = "Quarterly numbers: 42\0".encode("utf-16-le")
CLIP_RENDER_REPLY = u16(5) + u16(0) + clip_block(13, CLIP_TEXT)
CLIP_CLIENT_PLACE = u16(3) + u16(0) + clip_block(1, b"hello\x00")          # CF_TEXT with its data
CLIP_RENDER_FAILED = bytes([5, 0, 4, 0])


def build_clip(w):
    s = SpikeSession(w, renames=())
    s.send("s2c", s.frame("s2c", vw2(CLIP_CH, CLIP_INIT_REQUEST)))
    s.send("c2s", s.frame("c2s", vw2(CLIP_CH, CLIP_INIT_REPLY)))
    # registered format and the host's PLACE (two formats, notification only) in one write
    s.send("s2c", s.frame("s2c", vw2(CLIP_CH, CLIP_REGISTER_REQUEST + CLIP_HOST_PLACE)))
    s.send("c2s", s.frame("c2s", vw2(CLIP_CH, CLIP_REGISTER_REPLY + CLIP_RENDER_REQUEST)))
    # the render reply over three writes: two in one frame's TCP segment, the third later
    r = CLIP_RENDER_REPLY
    s.send("s2c", s.frame("s2c", vw2(CLIP_CH, r[:7])) + s.frame("s2c", vw2(CLIP_CH, r[7:30])))
    s.send("s2c", s.frame("s2c", vw2(CLIP_CH, r[30:])))
    s.send("c2s", s.frame("c2s", vw2(CLIP_CH, CLIP_CLIENT_PLACE)))
    s.send("c2s", s.frame("c2s", vw2(CLIP_CH, u16(4) + u16(0) + u16(0xC001) + u16(0))))  # the client asks for 0xC001
    s.send("s2c", s.frame("s2c", vw2(CLIP_CH, CLIP_RENDER_FAILED)))              # the host cannot render it


def build_clip_hostile(w):
    s = SpikeSession(w, renames=())
    # a render reply claiming 0xFFFFFFFF bytes, then bytes
    s.send("s2c", s.frame("s2c", vw2(CLIP_CH, u16(5) + u16(0) + clip_block(13, cb=0xFFFFFFFF) + b"abcd")))
    # CANCEL: no public layout, taken to the end of its write
    s.send("c2s", s.frame("c2s", vw2(CLIP_CH, u16(6) + u16(0) + b"\x01\x02")))
    # a render reply of 5000 bytes of which 100 ever come
    s.send("s2c", s.frame("s2c", vw2(CLIP_CH, u16(5) + u16(0) + clip_block(1, cb=5000) + bytes(90))))


def fuzz_writes():
    """Seeds for the "vc" fuzz target (fuzz/fuzz_citrix.c): lists of (selector, virtual write);
    selector bit 0 is the direction (1 host to client), the higher bits pick a channel among the
    registered names in sorted order (vc_selector(); the fuzzer mutates the selector too)."""
    def on(name, writes):
        return [(vc_selector(name, d), w) for d, w in writes]
    import vc_cdm_captures
    return [
        on("CTXEUEM", [(1, BIND_REQUEST), (0, BIND_RESPONSE_AND_CONNECTION_ID), (1, BIND_COMMIT_AND_SETTINGS)]),
        on("CTXEUEM", [(0, STARTUP_V2[:20]), (0, STARTUP_V2[20:40]), (0, STARTUP_V2[40:])]),
        on("CTXEUEM", [(0, ROUNDTRIP_START + ICA_RESULT[:3]), (0, ICA_RESULT[3:]), (1, ROUNDTRIP_ABORT)]),
        on("CTXCTL", [(1, ctl_bind(0, HOST_CAPS)), (0, ctl_launch_request()[:25]), (0, ctl_launch_request()[25:]),
                      (1, ctl_session_event(2, CTL_GUID))]),
        on("CTXCLIP", [(1, CLIP_INIT_REQUEST), (1, CLIP_REGISTER_REQUEST + CLIP_HOST_PLACE),
                       (1, CLIP_RENDER_REPLY[:7]), (1, CLIP_RENDER_REPLY[7:])]),
    ] + [on("CTXCDM", w) for w in vc_cdm_captures.fuzz_writes()] + realvc_fuzz_writes()


def vc_selector(name, to_client):
    """The vc fuzz target's selector for channel name: the harness sorts the names registered in
    the "ica.vc" table (fuzz/fuzz_citrix.c), read here from the decoders' registrations."""
    import glob
    import re
    names = set()
    for path in glob.glob(os.path.join(TOP, "plugin", "vc", "*.c")):
        with open(path, encoding="utf-8") as f:
            names |= set(re.findall(r'(?:ica_vc_register|dissector_add_string)\(\s*(?:ICA_VC_TABLE,\s*)?"([^"]+)"',
                                    f.read()))
    return sorted(names).index(name) << 1 | int(to_client)


def realvc_fuzz_writes():
    """Corrupt messages for the decoders of the real session's channels (issue 18): CTXTUI,
    CTXLIC, CTXTWI, CITRIXD/PNPREDI; each beside a well-formed one of the same layout."""
    def tui(typ, body):
        return struct.pack("<HH", len(body), typ) + body

    def lic(cmd, pdu):
        return struct.pack("<BH", cmd, 3 + len(pdu)) + pdu

    def pre(typ, body, size=None):
        return struct.pack("<BBH", typ, 2, 4 + len(body) if size is None else size) + body

    def blob(typ, data):
        return struct.pack("<HH", typ, len(data)) + data

    def twi(op, payload):
        return struct.pack("<BH", op, len(payload)) + payload

    text = "Bienvenue".encode()
    status = struct.pack("<HHI", 30, 2, 7) + bytes(22) + struct.pack("<HBIBI", 12 + len(text), 1, 0xFFFFFFFF, 0,
                                                                      0x040C) + text + bytes(11) + b"\x64"
    request = pre(0x01, bytes(32) + struct.pack("<II", 0x000A0000, 2) + b"A\0" + struct.pack("<I", 2) + b"B\0"
                  + blob(0x0D, struct.pack("<I", 1)) + blob(0x03, struct.pack("<III", 0x80000002, 1, 3) + b"\x30\x01\x00")
                  + struct.pack("<I", 1) + blob(0x0E, b"x\0"))
    cms = bytes.fromhex("301906010 0a014301202010131003000a006300205003000318100".replace(" ", ""))
    info = pre(0x12, struct.pack("<II", 1, 0x08010000) + bytes(32) + blob(0, bytes(8)) + blob(1, cms)
               + blob(1, bytes(20)) + bytes(16))
    sysinfo = struct.pack("<I", 0x10018) + bytes(44) + struct.pack("<HHH", 0, 4, 6) + b"SRV\0U\0D\0"
    createp = struct.pack("<HHHIIH", 16, 21, 26, 8688, 5592, 0) + b"desc\0path\0pub\0"
    createw = struct.pack("<IIIiiiiiiiiIIHHH", 0x10044, 0x96000000, 0x80, 0, 0, 10, 10, 0, 0, 10, 10, 0, 8688, 0,
                          58, 64) + b"Title\0G\0"
    names = b"\x80\x00" + "PlugAndPlay\0PNPDR\0\0".encode("utf-16-le")
    T, L, W = (lambda d: vc_selector("CTXTUI", d)), (lambda d: vc_selector("CTXLIC", d)), \
        (lambda d: vc_selector("CTXTWI", d))
    return [
        [(T(1), tui(0, struct.pack("<I", 4))), (T(1), tui(2, status)),
         (T(1), tui(2, struct.pack("<HHI", 200, 2, 0) + bytes(8))),                  # text record offset outside
         (T(1), tui(2, struct.pack("<HHIH", 8, 2, 0, 0xFFFF) + bytes(10))),          # record length past the end
         (T(1), tui(2, bytes(3))), (T(0), b"\x04")],                                  # short body, torn header
        [(L(1), lic(0, request)), (L(0), lic(0x80, info)),
         (L(1), lic(0, request[:60])),                                               # cut inside the product info
         (L(1), lic(0, request[:-10] + struct.pack("<I", 0xFFFFFFFF) + request[-6:])),  # scope count lies
         (L(0), lic(0x80, info[:60] + b"\x30\x84\xff\xff" + info[64:])),            # CMS length lies
         (L(1), lic(1, pre(0x04, blob(9, bytes(4)) + bytes(16), size=900))),          # wMsgSize lies
         (L(1), lic(0, pre(0x77, b""))), (L(1), lic(0, b"\x01"))],
        [(W(1), twi(1, bytes(17))), (W(1), twi(0x0D, sysinfo)), (W(1), twi(0x40, createp)),
         (W(1), twi(0x3F, createw)),
         (W(1), twi(0x0D, sysinfo[:48] + struct.pack("<HHH", 0xFFFF, 200, 2) + b"SRV")),  # offsets outside, no NUL
         (W(1), twi(0x40, createp[:-1] + b"!")), (W(0), twi(0x3D, bytes(30))), (W(0), twi(0x99, b"?"))],
        [(vc_selector("PNPREDI", 0), names), (vc_selector("CITRIXD", 0), names[:-4]),   # no end, no NUL
         (vc_selector("CITRIXD", 1), bytes([0x50, 0, 0, 0, 5]))],
    ]


CAPTURES = {
    "vc-euem.pcap": build_euem,
    "vc-euem-hostile.pcap": build_euem_hostile,
    "vc-ctl.pcap": build_ctl,
    "vc-ctl-hostile.pcap": build_ctl_hostile,
    "vc-credentials.pcap": build_credentials,
    "vc-clip.pcap": build_clip,
    "vc-clip-hostile.pcap": build_clip_hostile,
}

if __name__ == "__main__":
    capbuild.main_writers(__doc__, CAPTURES)
