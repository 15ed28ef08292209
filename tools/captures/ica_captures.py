#!/usr/bin/env python3
"""Build synthetic ICA captures from the byte layouts in the ICA notes (stdlib only).

Every capture is one plausible TCP/1494 session written with tools/lib/pcapgen.py:
detect string, INIT_REQUEST, one INIT_RESPONSE per client module, INIT_CONNECT,
INIT_CONNECT_RESPONSE, PDCRYPT1 key exchange, then WD commands in PDRFRAME
frames.  Basic encryption and the UI-string scrambler are implemented here
independently of the plugin's C cores, so the tests compare two
implementations of the notes.  Output is byte-identical on every run (fixed
seeds, fixed timestamps).

    tools/captures/ica_captures.py --outdir captures            # (re)write all captures
    tools/captures/ica_captures.py --outdir build/x --compare captures   # reproducibility check

Section numbers in comments refer to the ICA wire-format notes (ica.md).
"""
import os
import random
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import capbuild  # noqa: E402
from pcapgen import PcapWriter, TcpStream  # noqa: E402

DETECT = b"\x7f\x7fICA\x00"                    # §4

# WD packet codes (§8)
INIT_REQUEST, INIT_RESPONSE, INIT_CONNECT, INIT_CONNECT_RESPONSE = 0x00, 0x01, 0x02, 0x04

# MODULECLASS (§5.3)
UI, WD, VD, PD, TD, SUBDRV = 0, 2, 3, 4, 5, 9
# PDCLASS (§5.3)
PDCLASS_FRAME, PDCLASS_ENCRYPT, PDCLASS_COMPRESS = 9, 11, 12

# PDCRYPT1 header byte (§6.2)
CRYPT_NOT_ENCRYPTED, CRYPT_ENCRYPTED, CRYPT_PUBLICKEY, CRYPT_SESSIONKEY = 0x00, 0x01, 0x02, 0x04
CRYPT_OFF, CRYPT_PERM = 0x06, 0x07

MODULE_DATE = ((2003 - 1980) << 9) | (5 << 5) | 14    # DOS date 2003-05-14
MODULE_TIME = (12 << 11) | (30 << 5)                  # DOS time 12:30:00


def u8(v):
    return struct.pack("<B", v)


def u16(v):
    return struct.pack("<H", v)


def u32(v):
    return struct.pack("<I", v)


# ---------------------------------------------------------------- ciphers

class BasicCipher:
    """PDCRYPT1 Basic cipher, one instance per direction (§6.3):
    c = p ^ q ^ K, q = c, q starting at K | 0x43."""

    def __init__(self, key):
        self.key = key
        self.q = key | 0x43

    def encrypt(self, data):
        out = bytearray()
        for p in data:
            c = p ^ self.q ^ self.key
            out.append(c)
            self.q = c
        return bytes(out)


def scramble(data, seed):
    """UI_C2H variable part with EncryptionLevel 1 (§5.3): first byte ^= seed | 0x43,
    then each byte ^= previous encoded byte ^ seed."""
    out = bytearray(data)
    if out:
        out[0] ^= seed | 0x43
    for i in range(1, len(out)):
        out[i] ^= out[i - 1] ^ seed
    return bytes(out)


# ---------------------------------------------------------------- handshake blocks

def caplist(blocks):
    """Capability list (§5.6): moreData, blockCount, offset 4, then {u16 byteCount, u16 sig, data}."""
    body = b"".join(u16(4 + len(data)) + u16(sig) + data for sig, data in blocks)
    return u8(0) + u8(len(blocks)) + u16(4) + body


def wd_u16(code, data):
    """Raw WD packet with a u16 length (§5.1)."""
    return u8(code) + u16(len(data)) + data


def init_request(level=7, caps=((2, u16(0x0003)), (1, b""), (4, u16(0x0001)))):
    """§5.2: level, then a capability list (REDUCERS_SUPPORTED, MTU, INTELLIMOUSE)."""
    return wd_u16(INIT_REQUEST, u8(level) + caplist(list(caps)))


class Module:
    """One client module (MODULE_C2H, §5.3); body(base) returns the class data,
    whose o... offsets count from the module start."""

    def __init__(self, cls, vl, vh, name, host="", body=b"", size=0):
        self.cls, self.vl, self.vh = cls, vl, vh
        self.name, self.host, self.body, self.size = name, host, body, size

    def block(self, count):
        body = self.body
        head = (u16(36 + len(body)) + u8(count) + u8(self.cls) + u8(self.vl) + u8(self.vh)
                + self.name.encode("ascii").ljust(13, b"\0")[:13]
                + self.host.encode("ascii").ljust(9, b"\0")[:9]
                + u16(MODULE_DATE) + u16(MODULE_TIME) + u32(self.size))
        assert len(head) == 36
        return head + body


def init_responses(modules):
    n = len(modules)
    return [wd_u16(INIT_RESPONSE, m.block(n - 1 - i)) for i, m in enumerate(modules)]


def ui_body(client_name, build, seed=None, unicode=True, domain=None, user=None,
            client_dir=None, work_dir=None, program=None, flags=0x24, kbd_layout=0x409,
            code_page=1252, password=None):
    """UI_C2H version 4 (§5.3): fixed part to offset 88, then the strings,
    scrambled when a seed is given (EncryptionLevel 1)."""
    enc = (lambda s: s.encode("utf-16-le") + b"\0\0") if unicode else (lambda s: s.encode("cp1252") + b"\0")
    var = bytearray()
    offsets = {}
    for key, value in (("name", client_name), ("domain", domain), ("user", user), ("pass", password),
                       ("cdir", client_dir), ("wdir", work_dir), ("prog", program)):
        if value is not None:
            offsets[key] = 88 + len(var)
            var += enc(value)
    o = offsets.get
    fixed = (u32(flags) + u32(kbd_layout)
             + u8(1 if seed is not None else 0) + u8(seed or 0)
             + u16(o("domain", 0)) + u16(o("user", 0)) + u16(o("pass", 0))
             + u16(o("cdir", 0)) + u16(o("wdir", 0)) + u16(o("prog", 0))
             + bytes(6)                                                  # Lpt/Port
             + u16(0) + u16(build) + u16(o("name")) + u16(88) + u16(len(var))
             + u16(0)                                                    # oClientLicense
             + u16(1 if unicode else 0) + u16(code_page) + u16(4) + u8(0) + u8(12)
             + u16(0) + u16(0))
    assert 36 + len(fixed) == 88
    var = bytes(var)
    return fixed + (scramble(var, seed) if seed is not None else var)


def td_body(ip, port):
    """TD_C2H v2 (§5.3): OutBufLength, AF_INET, port big-endian then IPv4."""
    addr = struct.pack(">H", port) + bytes(int(x) for x in ip.split("."))
    return u16(1460) + u16(2) + addr.ljust(20, b"\0")


def pd_body(pdclass, data=b""):
    return u8(pdclass) + bytes(3) + data


def vcname(name):
    return name.encode("ascii").ljust(7, b"\0")[:7] + b"\0"


def wd_body(product_id, vcbind, pow2=(0, 0), serial=0x1234ABCD, date=(14, 5, 2003),
            time_=(9, 41, 7, 12), caps=None):
    """WD_C2H version 9 (§5.3): fixed part to offset 88, VcBind table, capability list."""
    if caps is None:
        caps = [(5, b""), (6, u16(1) + u16(20) + u32(2) + u16(250) + u16(150))]
    table = b"".join(vcname(n) + u16(ch) for n, ch in vcbind)
    cap = caplist(caps)
    o_vcbind = 88
    o_cap = o_vcbind + len(table)
    fixed = (u32(serial) + u8(date[0]) + u8(date[1]) + u16(date[2]) + bytes(time_)
             + u32(0x0F) + u16(0) + u16(0)                     # flags, no text modes
             + u16(2048) + u16(6) + u16(6) + u16(0xFFFF) + u16(0xFFFF)
             + u16(product_id) + u32(0x00C0FFEE)
             + u16(len(vcbind)) + u16(o_vcbind)
             + u8(pow2[0]) + u8(pow2[1]) + u16(0) + u16(2)     # Pow2 wanted, MaxNewData, ReducerVersion 2
             + u16(len(cap)) + u16(o_cap) + u16(0))
    assert 36 + len(fixed) == 88
    return fixed + table + cap


def vd_body(channel, flow=0, flow_data=bytes(4), quota=0):
    """VD_C2H (§5.3): channel mask bit, VDFLOW."""
    return u32(1 << channel) + u8(quota) + u8(flow) + bytes(2) + flow_data


def connect_modules(pow2=(0, 0), reducer=2, pdclasses=(PDCLASS_FRAME, PDCLASS_ENCRYPT), code_page=1252,
                    caps=(), buffer_length=2048):
    """INIT_CONNECT packets (§5.4): WD_H2C v9, the bound PDs, TD; counting down to 0."""
    mods = []
    cl = caplist(list(caps))
    wd = (u16(buffer_length) + u16(6) + u16(6) + u16(0xFFFF) + u16(0xFFFF) + u16(0) + u32(0)
          + u16(1) + u8(pow2[0]) + u8(pow2[1]) + u16(2000) + u16(reducer)
          + u16(len(cl)) + u16(38) + u16(code_page) + cl)
    mods.append((WD, 1, 9, 9, wd))
    for pc in pdclasses:
        mods.append((PD, 1, 1, 1, pd_body(pc)))
    mods.append((TD, 1, 1, 1, b""))
    out = []
    for i, (cls, vl, vh, ver, body) in enumerate(mods):
        head = u16(8 + len(body)) + u8(len(mods) - 1 - i) + u8(cls) + u8(vl) + u8(vh) + u8(ver) + u8(0)
        out.append(wd_u16(INIT_CONNECT, head + body))
    return out


# ---------------------------------------------------------------- WD commands (§8)

def vw0(ch, byte):
    return bytes([0x2F, ch, byte])


def vw1(ch, data):
    return bytes([0x30, len(data) + 1, ch]) + data


def vw2(ch, data):
    return u8(0x31) + u16(len(data) + 1) + u8(ch) + data


def redraw(rects):
    """REDRAW rectangles packed in 12-bit coordinates (§8)."""
    body = bytearray()
    for x1, y1, x2, y2 in rects:
        for x, y in ((x1, y1), (x2, y2)):
            body += bytes([x & 0xFF, ((x >> 8) & 0xF) | ((y << 4) & 0xF0), (y >> 4) & 0xFF])
    return u8(0x06) + u16(len(body)) + bytes(body)


def mouse0(x, y, state):
    return u8(0x0D) + u16(x) + u16(y) + u8(state)


def setmou_position(x, y):
    return u8(0x1C) + u16(x) + u16(y)


REDISPLAY = b"\x09"
SET_GRAPHICS = b"\x33\x00"


# ---------------------------------------------------------------- session

class Session:
    """One ICA session on a TcpStream; frames are built per direction so the
    cipher state runs exactly as the sender's would."""

    def __init__(self, w, client, server=("10.20.0.1", 1494), isn_c=100000, isn_s=700000,
                 tcp_handshake=True):
        self.tcp = TcpStream(w, client, server, isn_c=isn_c, isn_s=isn_s)
        if tcp_handshake:
            self.tcp.handshake()
        self.cipher = {}
        self.mode = {"c2s": "header", "s2c": "header"}   # header | perm | off
        self.rng = random.Random("%s:%d" % client)

    def send(self, direction, data, segments=None):
        self.tcp.send(direction, data, segments=segments)

    def handshake(self, modules, connects, request=None, pad=False):
        """Detect strings, INIT_* exchange (§3, §5) and the PDCRYPT1 key exchange (§6.2)."""
        self.send("s2c", DETECT)
        self.send("c2s", DETECT)
        self.send("s2c", request or init_request())
        for pkt in init_responses(modules):
            self.send("c2s", pkt)
        self.send("s2c", b"".join(connects))
        padding = bytes(3) if pad else b""   # padding quirk (§3): each short message padded to 6 bytes
        self.send("c2s", b"\x04\x00\x00" + padding)

    def key_exchange(self, key, pad=False):
        self.send("s2c", b"\x02\x00\x02\x00" + (bytes(2) if pad else b""))
        self.send("c2s", b"\x03\x00\x04\x00" + u8(key) + (bytes(1) if pad else b""))
        self.cipher = {"c2s": BasicCipher(key), "s2c": BasicCipher(key)}

    def frame(self, direction, wd, header=CRYPT_ENCRYPTED):
        """One PDRFRAME frame (§6.1) carrying PDCRYPT1 output (§6.2)."""
        mode = self.mode[direction]
        if mode == "perm":
            payload = self.cipher[direction].encrypt(wd)
        elif mode == "off":
            payload = wd
        elif header == CRYPT_ENCRYPTED:
            payload = u8(header) + self.cipher[direction].encrypt(wd)
        else:
            payload = u8(header) + wd
        return u16(len(payload)) + payload

    def crypt_switch(self, direction, header):
        """CRYPT_OFF / CRYPT_PERM (§6.2): 55 random bytes + marker, encrypted."""
        marker = b"OffCrypt " if header == CRYPT_OFF else b"PermCrypt"
        block = bytes(self.rng.getrandbits(8) for _ in range(55)) + marker
        payload = u8(header) + self.cipher[direction].encrypt(block)
        self.mode[direction] = "off" if header == CRYPT_OFF else "perm"
        return u16(len(payload)) + payload

    def opaque(self, n):
        return bytes(self.rng.getrandbits(8) for _ in range(n))


def win32_modules(client_ip, client_port, name, build, vcbind, seed, ui_kw=None, crypt="basic",
                  pow2=(0, 0), product_id=0x0001, wd_caps=None):
    """A MetaFrame-era Win32 client's module list with 8.3 DLL names (§5.3 [O])."""
    ch = dict(vcbind)
    if crypt == "basic":
        crypt_mod = Module(PD, 1, 1, "PDCRYPTN.DLL", "PDCRYPT1", pd_body(PDCLASS_ENCRYPT, u8(1) + bytes(3)), 20480)
    else:  # SecureICA: PdClass Encrypt under an RC5 module name; its class data is not in the notes
        crypt_mod = Module(PD, 1, 1, "PDC128N.DLL", "PDC128", pd_body(PDCLASS_ENCRYPT), 57344)
    return [
        Module(UI, 1, 4, "WFICA32.EXE", "", ui_body(name, build, seed=seed, **(ui_kw or {})), 397312),
        Module(TD, 1, 2, "TDWSTCPN.DLL", "", td_body(client_ip, client_port), 28672),
        Module(PD, 1, 2, "PDRFRAMN.DLL", "PDRFRAME", pd_body(PDCLASS_FRAME), 12288),
        crypt_mod,
        Module(PD, 1, 1, "PDCOMPN.DLL", "", pd_body(PDCLASS_COMPRESS, u16(0) + u16(0)), 16384),
        Module(WD, 1, 9, "WDICA30N.DLL", "WDICA", wd_body(product_id, vcbind, pow2=pow2, caps=wd_caps), 135168),
        Module(VD, 1, 4, "VDTW30N.DLL", "vdtw30", vd_body(ch["CTXTW"]), 229376),
        Module(VD, 1, 4, "VDCDM30N.DLL", "", vd_body(ch["CTXCDM"], 3, u16(6276) + u16(1046)), 94208),
        Module(VD, 4, 6, "VDCPM30N.DLL", "", vd_body(ch["CTXCPM"], 1, u16(1024) + u16(1024)), 45056),
        Module(VD, 2, 2, "VDCLIPN.DLL", "", vd_body(ch["CTXCLIP"]), 24576),
        Module(VD, 1, 1, "VDCAMN.DLL", "ICA", vd_body(ch["CTXCAM"]), 61440),
        Module(SUBDRV, 1, 1, "ADPCMN.DLL", "", b"", 8192),
        Module(VD, 1, 1, "VDTWIN.DLL", "", vd_body(ch["CTXTWI"]), 40960),
    ]


# Channel numbers deliberately differ from the legacy enum and from the
# reference capture: a dissector has to use the session's VcBind table (§9).
VCBIND = [("CTXTW", 2), ("CTXCLIP", 7), ("CTXCDM", 3), ("CTXCPM", 4),
          ("CTXCAM", 5), ("CTXTWI", 6)]


def standard_traffic(s, tw_sizes=(1456, 300, 37), split=None):
    """Post-key-exchange traffic with Basic or CRYPT_OFF/PERM framing.
    Server: SET_GRAPHICS, VIRTUAL_WRITE2 CTXTW ×len(tw_sizes), SETMOU_POSITION ×2,
    VIRTUAL_WRITE1 CTXCAM, VIRTUAL_WRITE0 CTXCLIP.  Client: REDISPLAY, REDRAW,
    MOUSE0 ×3, VIRTUAL_WRITE1 CTXCAM, VIRTUAL_WRITE2 CTXCDM."""
    ch = dict(VCBIND)
    s.send("s2c", s.frame("s2c", SET_GRAPHICS))
    s.send("c2s", s.frame("c2s", REDISPLAY))
    s.send("c2s", s.frame("c2s", redraw([(0, 0, 1024, 768)])))
    for n in tw_sizes:
        s.send("s2c", s.frame("s2c", vw2(ch["CTXTW"], s.opaque(n))))
    s.send("s2c", s.frame("s2c", setmou_position(512, 384)))
    s.send("c2s", s.frame("c2s", mouse0(100, 200, 0x01) + mouse0(101, 200, 0x02)))
    s.send("c2s", s.frame("c2s", mouse0(101, 200, 0x04)))
    s.send("s2c", s.frame("s2c", vw1(ch["CTXCAM"], s.opaque(20))))
    s.send("c2s", s.frame("c2s", vw1(ch["CTXCAM"], s.opaque(12))))
    s.send("c2s", s.frame("c2s", vw2(ch["CTXCDM"], s.opaque(400))))
    s.send("s2c", s.frame("s2c", setmou_position(101, 200) + vw0(ch["CTXCLIP"], 0x5A)))


# ---------------------------------------------------------------- high-throughput header (ica-modern.md §2)
#
# Written as the HTML5 client's HighThroughputExtractor.AddHeader writes it:
# flag byte, then the bandwidth estimate (flag 0x10), then the round-trip
# estimate (flag 0x08), both u16 LE, then the WD bytes.  Capability 16
# HIGH_THROUGHPUT {u32 supportMask, u16 MaxICAPacketLength, u16
# LineLoadingPercent}; the HTML5 client uses the header when the negotiated
# supportMask is 0.

HT_RTT, HT_BW, HT_RTT_TOKEN, HT_TIME_NEXT, HT_INTERRUPT = 0x08, 0x10, 0x20, 0x40, 0x80
CAP_PACKET_PRIORITY, CAP_HIGH_THROUGHPUT = 5, 16
RESUME_VIRTUAL_WRITE = 0x43


def ht_cap(mask=0, max_packet=5000, line_loading=0):
    return (CAP_HIGH_THROUGHPUT, u32(mask) + u16(max_packet) + u16(line_loading))


def encode_bandwidth(bytes_per_s):
    """The H5 encoder: shift the 32-bit speed left until its top bit is set
    (count = shifts), keep the 11 bits below it, count in bits 11-15."""
    speed, count = bytes_per_s & 0xFFFFFFFF, 0
    while not speed & 0x80000000:
        speed = (speed << 1) & 0xFFFFFFFF
        count += 1
    return ((speed >> 20) & 0x7FF) | (count << 11)


def ht_header(flags=0, bandwidth=None, rtt=None):
    """Flag byte, bandwidth estimate, round-trip estimate (capped at 0xFFFF, as H5 does)."""
    out = bytearray([flags | (HT_BW if bandwidth is not None else 0) | (HT_RTT if rtt is not None else 0)])
    if bandwidth is not None:
        out += u16(encode_bandwidth(bandwidth))
    if rtt is not None:
        out += u16(min(rtt, 0xFFFF))
    return bytes(out)


def packet_priority_cap(priorities, pad=1):
    """PACKET_PRIORITY (cap 5) as a host sends it: u32 PriorityOffset, u16 ArrayLength,
    u8 fUseLowestPriority, then (after `pad` bytes) one priority per channel; the offset
    counts from the capability's start (H5 PacketPriority)."""
    offset = 4 + 4 + 2 + 1 + pad
    return (CAP_PACKET_PRIORITY, u32(offset) + u16(len(priorities)) + u8(0) + bytes(pad) + bytes(priorities))


# Known estimates of the high-throughput sessions (tests compare with these).
# Bandwidths are exact in the 12-bit float except 1,000,000, which encodes to
# 0xF42 << 8 = 999,936 bytes/s.
HT_S2C_RTT = [120, 80, 95, 300, 101]                 # count 5, min 80, median 101, max 300
HT_S2C_BW = [786432, 1000000, 2097152]               # decoded: 786432, 999936, 2097152
HT_C2S_RTT = [40, 35, 50, 45]                        # count 4, min 35, lower median 40, max 50
HT_C2S_BW = [1310720, 98304]


def ht_session_traffic(s, ch):
    """Post-key-exchange traffic with a high-throughput header on every frame; a server
    VIRTUAL_WRITE2 on CTXCDM interrupted and resumed; the WD codes corrected in
    ica-modern.md §3 (0x39, 0x3A, 0x41, both TERMINATE forms)."""
    srtt, sbw, crtt, cbw = list(HT_S2C_RTT), list(HT_S2C_BW), list(HT_C2S_RTT), list(HT_C2S_BW)
    f = lambda d, hdr, wd: s.send(d, s.frame(d, hdr + wd))
    f("s2c", ht_header(HT_RTT_TOKEN), SET_GRAPHICS)
    f("c2s", ht_header(bandwidth=cbw.pop(0), rtt=crtt.pop(0)), REDISPLAY)
    f("s2c", ht_header(rtt=srtt.pop(0)), vw2(ch["CTXTW"], s.opaque(1200)))
    f("s2c", ht_header(bandwidth=sbw.pop(0), rtt=srtt.pop(0)), setmou_position(512, 384))
    f("c2s", ht_header(rtt=crtt.pop(0)), mouse0(100, 200, 0x01) + mouse0(101, 200, 0x02))
    # interrupted write: 150 of 401 payload bytes, then other data, then the rest in 0x43
    cdm = s.opaque(400)
    whole = vw2(ch["CTXCDM"], cdm)
    f("s2c", ht_header(), whole[:4 + 150])
    f("s2c", ht_header(HT_INTERRUPT, rtt=srtt.pop(0)), setmou_position(10, 20))
    rest = cdm[150:]
    f("s2c", ht_header(bandwidth=sbw.pop(0)), u8(RESUME_VIRTUAL_WRITE) + u16(len(rest) + 1) + u8(ch["CTXCDM"]) + rest)
    f("c2s", ht_header(HT_TIME_NEXT, rtt=crtt.pop(0)), b"\x39\x1e")                     # SOFT_KEYBOARD, 1 byte
    f("s2c", ht_header(rtt=srtt.pop(0)), b"\x3a\x03\x00\x01\x02\x03")               # COMMAND_CACHE, u16
    f("s2c", ht_header(bandwidth=sbw.pop(0), rtt=srtt.pop(0)), b"\x41\x02\x00\x02\x00")  # COOKIE, u16
    f("c2s", ht_header(bandwidth=cbw.pop(0), rtt=crtt.pop(0)), vw1(ch["CTXCAM"], s.opaque(12)))
    f("c2s", ht_header(), b"\x05\x00\x02")                                             # TERMINATE, H5 ack form
    f("s2c", ht_header(), b"\x05\x01\x02")                                             # TERMINATE, RISC OS form
    assert not (srtt or sbw or crtt or cbw)


CAPTURES = {}


def capture(name):
    def reg(fn):
        CAPTURES[name] = fn
        return fn
    return reg


@capture("ica-win32-scrambled.pcap")
def build_win32(w):
    """(a) Win32 8.3 module names; UI strings in ANSI, scrambled with seed 0x5D."""
    s = Session(w, ("10.20.0.11", 1061))
    mods = win32_modules("10.20.0.11", 1061, "WKS-ACCT-07", 6685, VCBIND, seed=0x5D, pow2=(15, 16),
                         ui_kw=dict(unicode=False, domain="EXAMPLE", user="alice",
                                    client_dir="C:\\Program Files\\Citrix\\ICA Client",
                                    program="notepad.exe"))
    s.handshake(mods, connect_modules())
    s.key_exchange(0x5C)
    standard_traffic(s)


@capture("ica-padding-quirk.pcap")
def build_padding(w):
    """(b) INIT_CONNECT_RESPONSE, CRYPT_PUBLICKEY and CRYPT_SESSIONKEY each padded with
    trailing 00 bytes to a 6-byte payload (60-byte Ethernet frame), §3."""
    s = Session(w, ("10.20.0.12", 1062))
    mods = win32_modules("10.20.0.12", 1062, "PADDED-PC", 6685, VCBIND, seed=0x21)
    s.handshake(mods, connect_modules(), pad=True)
    s.key_exchange(0x9E, pad=True)
    standard_traffic(s)


@capture("ica-reducer2.pcap")
def build_reducer2(w):
    """(c) Reducer level 2 agreed with non-zero Pow2 both ways (§7.2): every WD frame after
    the key exchange is compressed with an unpublished format (opaque bytes here)."""
    s = Session(w, ("10.20.0.13", 1063))
    mods = win32_modules("10.20.0.13", 1063, "MARK2-CLIENT", 6685, VCBIND, seed=0x33, pow2=(15, 16))
    s.handshake(mods, connect_modules(pow2=(15, 16), reducer=2))
    s.key_exchange(0x2B)
    for direction, n in (("s2c", 17), ("c2s", 9), ("c2s", 23), ("s2c", 1200), ("s2c", 640),
                         ("c2s", 31), ("s2c", 88)):
        s.send(direction, s.frame(direction, s.opaque(n)))


@capture("ica-crypt-perm.pcap")
def build_perm(w):
    """(d) CRYPT_PERM both ways after the key exchange: later frames have no header byte and
    are all encrypted, the cipher state running on (§6.2, §6.3)."""
    switched_session(w, ("10.20.0.14", 1064), "PERM-PC", 0x44, 0x71, CRYPT_PERM)


@capture("ica-crypt-off.pcap")
def build_off(w):
    """(e) CRYPT_OFF both ways after the key exchange: later frames are plain WD with no
    header byte (§6.2)."""
    switched_session(w, ("10.20.0.15", 1065), "OFF-PC", 0x55, 0x0F, CRYPT_OFF)


def switched_session(w, client, name, seed, key, header):
    """A Win32 session whose key exchange is followed by `header` (CRYPT_PERM or CRYPT_OFF)
    server first, then the standard traffic: (d) and (e) differ only in the switch."""
    s = Session(w, client)
    s.handshake(win32_modules(client[0], client[1], name, 6685, VCBIND, seed=seed), connect_modules())
    s.key_exchange(key)
    for direction in ("s2c", "c2s"):
        s.send(direction, s.crypt_switch(direction, header))
    standard_traffic(s)


@capture("ica-rc5.pcap")
def build_rc5(w):
    """(f) SecureICA: the client offers only an RC5 encryption PD (PDC128N.DLL, PdClass 11),
    the host binds PdClass 11; the key agreement and data are not decodable, so every
    PDRFRAME payload here is opaque (§6.3 "show as encrypted")."""
    s = Session(w, ("10.20.0.16", 1066))
    mods = win32_modules("10.20.0.16", 1066, "SECURE-PC", 6685, VCBIND, seed=0x66, crypt="rc5")
    s.handshake(mods, connect_modules())
    for direction, n in (("s2c", 64), ("c2s", 64), ("s2c", 33), ("c2s", 2), ("s2c", 1458),
                         ("s2c", 210), ("c2s", 14)):
        payload = s.opaque(n)
        s.send(direction, u16(len(payload)) + payload)


@capture("ica-segmentation.pcap")
def build_segmentation(w):
    """(g) PDRFRAME frames split across TCP segments (inside the length field, after the
    length, after the crypt header, mid-payload) and several frames per segment; WD
    commands that span frames.  UI strings are UTF-16LE."""
    s = Session(w, ("10.20.0.17", 1067))
    ch = dict(VCBIND)
    mods = win32_modules("10.20.0.17", 1067, "SPLIT-PC", 7100, VCBIND, seed=0x77,
                         ui_kw=dict(unicode=True, domain="CORP", user="bob"))
    s.handshake(mods, connect_modules())
    s.key_exchange(0x42)
    # server: 1 SET_GRAPHICS + 5 frames in one segment run cut at awkward places
    tw = vw2(ch["CTXTW"], s.opaque(2037))           # 2041 bytes of WD, spread over three frames
    frames = [s.frame("s2c", SET_GRAPHICS), s.frame("s2c", tw[:700]), s.frame("s2c", tw[700:1500]),
              s.frame("s2c", tw[1500:] + setmou_position(10, 20)),
              s.frame("s2c", vw1(ch["CTXCAM"], s.opaque(40))), s.frame("s2c", setmou_position(11, 21))]
    data = b"".join(frames)
    # frame 1 is bytes 0-4, frame 2 starts at 5: cut inside frame 1's length field, after
    # frame 2's length, after its crypt header, mid-payload; the last segment holds the
    # tail of frame 3 and frames 4 to 6 whole
    cuts = [1, 7, 8, 300, 1000, 1460, len(data)]
    sizes = [b - a for a, b in zip([0] + cuts[:-1], cuts)]
    s.send("s2c", data, segments=sizes)
    # client: REDISPLAY and REDRAW in one segment, then 4 mouse frames in one segment
    s.send("c2s", s.frame("c2s", REDISPLAY) + s.frame("c2s", redraw([(0, 0, 800, 600), (10, 10, 20, 20)])))
    s.send("c2s", b"".join(s.frame("c2s", mouse0(300 + i, 400, 0x01)) for i in range(4)))
    # a client VIRTUAL_WRITE2 whose frame arrives as 1-byte segments
    f = s.frame("c2s", vw2(ch["CTXCDM"], s.opaque(30)))
    s.send("c2s", f, segments=[1] * len(f))
    s.send("c2s", s.frame("c2s", b"\x05\x01\x01"))    # TERMINATE as the RISC OS client sends it (§8)
    s.tcp.close()


@capture("ica-midsession.pcap")
def build_midsession(w):
    """(h) Capture starting mid-session: no TCP or ICA handshake, only Basic-encrypted
    PDRFRAME frames (key unknown to the dissector), on TCP/1494."""
    s = Session(w, ("10.20.0.18", 1068), isn_c=3000000, isn_s=9000000, tcp_handshake=False)
    s.cipher = {"c2s": BasicCipher(0xA7), "s2c": BasicCipher(0xA7)}
    for d in ("c2s", "s2c"):
        s.cipher[d].encrypt(s.opaque(5000 if d == "s2c" else 700))   # the part not captured
    ch = dict(VCBIND)
    s.send("s2c", s.frame("s2c", vw2(ch["CTXTW"], s.opaque(900))))
    s.send("c2s", s.frame("c2s", mouse0(5, 6, 0x01)))
    f = s.frame("s2c", vw2(ch["CTXTW"], s.opaque(1600)))
    s.send("s2c", f, segments=[1460, len(f) - 1460])
    s.send("s2c", s.frame("s2c", setmou_position(7, 8)) + s.frame("s2c", setmou_position(9, 10)))
    s.send("c2s", s.frame("c2s", b"\x0a\x1e") + s.frame("c2s", b"\x0a\x9e"))   # KEYBOARD0 down/up


@capture("ica-midsession-clear.pcap")
def build_midsession_clear(w):
    """(h') Capture starting mid-session whose frames carry CRYPT_NOT_ENCRYPTED headers: the WD
    commands are readable, but with no VcBind table seen the channel numbers can only be named
    from the legacy enum (§9), shown with their CTX names: 9 CTXTW, 17 CTXCLIP."""
    s = Session(w, ("10.20.0.19", 1069), isn_c=4000000, isn_s=8000000, tcp_handshake=False)
    clear = CRYPT_NOT_ENCRYPTED
    s.send("s2c", s.frame("s2c", vw2(9, s.opaque(1200)), clear) + s.frame("s2c", setmou_position(40, 50), clear))
    s.send("c2s", s.frame("c2s", mouse0(40, 50, 0x01) + b"\x0a\x1e", clear))
    s.send("s2c", s.frame("s2c", vw1(17, s.opaque(25)), clear))
    s.send("c2s", s.frame("c2s", vw1(17, s.opaque(6)), clear))


@capture("ica-ht.pcap")
def build_ht(w):
    """(i) High-throughput header negotiated (ica-modern.md §2): the host offers capability 16 in
    INIT_REQUEST, the client's WD_C2H lists it with supportMask 0, the host's WD_H2C carries
    PACKET_PRIORITY with the priorities at PriorityOffset 12 (one pad byte).  Every frame after
    the key exchange starts with the header; known round-trip and bandwidth estimates."""
    s = Session(w, ("10.20.0.20", 1070))
    ch = dict(VCBIND)
    req = init_request(caps=((2, u16(0x0003)), (1, b""), (4, u16(0x0001)), ht_cap(mask=3)))
    mods = win32_modules("10.20.0.20", 1070, "HT-CLIENT", 7200, VCBIND, seed=0x28,
                         wd_caps=[(5, b""), ht_cap(mask=0, max_packet=5000)])
    s.handshake(mods, connect_modules(caps=[packet_priority_cap([0, 1, 1, 2, 3, 0, 2])]), request=req)
    s.key_exchange(0x6D)
    ht_session_traffic(s, ch)


@capture("ica-ht-not-negotiated.pcap")
def build_ht_not_negotiated(w):
    """(j) The client lists HIGH_THROUGHPUT (supportMask 0) but the host never offers it: no
    header.  The first bytes of its frames would read as header flags (0x08, 0x18, 0x30) if a
    dissector applied one anyway."""
    s = Session(w, ("10.20.0.21", 1071))
    ch = dict(VCBIND)
    mods = win32_modules("10.20.0.21", 1071, "NO-HT-CLIENT", 7200, VCBIND, seed=0x29,
                         wd_caps=[(5, b""), ht_cap(mask=0)])
    s.handshake(mods, connect_modules())
    s.key_exchange(0x3E)
    s.send("s2c", s.frame("s2c", b"\x08" + setmou_position(1, 2)))          # STOP_OK, SETMOU_POSITION
    s.send("c2s", s.frame("c2s", b"\x18\x02\x00\x41\x07"))                # WRTCHARSTRATTR2 (u16 length 2)
    s.send("s2c", s.frame("s2c", vw1(ch["CTXCAM"], s.opaque(20))))          # 0x30 VIRTUAL_WRITE1
    s.send("c2s", s.frame("c2s", REDISPLAY))


@capture("ica-ht-midsession.pcap")
def build_ht_midsession(w):
    """(k) Capture starting mid-session in a session using the high-throughput header: no
    handshake (so no capability negotiation) and no key exchange; Basic key 0xB5, unknown to the
    dissector.  The header must be inferred and the key recovered with that layout."""
    s = Session(w, ("10.20.0.22", 1072), isn_c=5000000, isn_s=6000000, tcp_handshake=False)
    s.cipher = {"c2s": BasicCipher(0xB5), "s2c": BasicCipher(0xB5)}
    for d in ("c2s", "s2c"):
        s.cipher[d].encrypt(s.opaque(3000 if d == "s2c" else 500))   # the part not captured
    ch = dict(VCBIND)
    f = lambda d, hdr, wd: s.send(d, s.frame(d, hdr + wd))
    f("s2c", ht_header(rtt=70), vw2(ch["CTXTW"], s.opaque(600)))
    f("c2s", ht_header(), mouse0(5, 6, 0x01))
    for i, rtt in enumerate((64, 66, 61, 75, 68)):
        f("s2c", ht_header(rtt=rtt), setmou_position(100 + i, 200))
        f("c2s", ht_header(bandwidth=786432 if i == 2 else None), mouse0(100 + i, 200, 0x01))
    f("s2c", ht_header(HT_RTT_TOKEN), vw1(ch["CTXCAM"], s.opaque(30)))


def build(name, path, captures=None):
    """Write capture `name` of `captures` (default: this file's) to path."""
    w = PcapWriter(path)
    (CAPTURES if captures is None else captures)[name](w)
    w.close()


def main(doc=__doc__, captures=None):
    """The command line of a builder whose module text is `doc` and whose table is `captures`
    (default: this file's); other builders of ICA sessions call it with their own."""
    captures = CAPTURES if captures is None else captures
    capbuild.main(doc.split("\n\n")[0], captures, lambda name, path: build(name, path, captures))


if __name__ == "__main__":
    main()
