#!/usr/bin/env python3
"""Hostile cases for the channels the real 2021 session carries (issue 18): CTXTWI, CTXLIC, CTXTUI and
the CITRIXD / PNPREDI name lists, carried inside the real 2001 ICA session (captures/spike-ica-2001.pcap)
the way tools/captures/vc_captures.py carries CTXEUEM.

The 2001 session binds CTXTWI on channel 15 (kept); VcBind entries it never writes on are renamed:
CTXCCM (8) CTXTUI, CTXCM (13) CITRIXD, CTXCPM (4) PNPREDI, CTXZLFK (18) CTXLIC.  The messages are the
layouts the decoders parse (plugin/vc/vc_twi.c, vc_lic.c, vc_tui.c, vc_names.c) filled with the values
the real 2021 session's decoded output shows (tests/tshark/test_vc_real.py: SVMSCTXVM102, Login, Local,
LogonUI.exe, Microsoft Corporation, A02, microsoft.com, platform id 0x08010000, "Bienvenue", the name
lists), then made to lie: string offsets past the payload or inside the fixed fields, a string without
its NUL, a certificate count and a DER length past the blob, a scope count too large, a blob length past the message, wMsgSize
not the PDU's, a text record offset and length past the message, a name without its NUL and a list
without its end, replies without their requests, and on each channel a message that never completes.

    tools/captures/vc_real_hostile.py --outdir captures                       # (re)write
    tools/captures/vc_real_hostile.py --outdir build/x --compare captures     # reproducibility check
"""
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
import capbuild  # noqa: E402
from pcapgen import PcapWriter  # noqa: E402
from vc_captures import SpikeSession, u16, vw2  # noqa: E402

TWI_CH, TUI_CH, CITRIXD_CH, PNPREDI_CH, LIC_CH = 15, 8, 13, 4, 18
RENAMES = ((b"CTXCCM \x00", b"CTXTUI \x00"), (b"CTXCM  \x00", b"CITRIXD\x00"),
           (b"CTXCPM \x00", b"PNPREDI\x00"), (b"CTXZLFK\x00", b"CTXLIC \x00"))


def u32(v):
    return struct.pack("<I", v & 0xFFFFFFFF)


# ---- CTXTWI: u8 opcode, u16 payload length (header excluded), payload ----------------------
def twi(op, payload, plen=None):
    return bytes([op]) + u16(len(payload) if plen is None else plen) + payload


def twi_sysinfo(offsets, strings):
    """SYSINFO (0x0D): u32 mainWindow, 44 bytes of metrics, 3 u16 offsets from the string area at 54."""
    return twi(0x0D, u32(0x00010010) + bytes(range(44)) + b"".join(u16(o) for o in offsets) + strings)


def twi_createp(offsets, pid, ppid, strings):
    """CREATEP (0x40): 3 u16 string offsets from the payload start, u32 pid, u32 parent pid, u16 flags."""
    return twi(0x40, b"".join(u16(o) for o in offsets) + u32(pid) + u32(ppid) + u16(0) + strings)


SYS_STRINGS = b"SVMSCTXVM102\x00Login\x00Local\x00"
PROC_DESC = b"Windows Logon User Interface Host\x00"
PROC_PATH = b"%SystemRoot%\\System32\\LogonUI.exe\x00"


def build_twi(s):
    host = lambda m: s.send("s2c", s.frame("s2c", vw2(TWI_CH, m)))      # noqa: E731
    # SYSINFO: server and user name where they belong, the domain offset (256) past the payload
    host(twi_sysinfo([0, 13, 256], SYS_STRINGS))
    # CREATEP: the path's offset (2) inside the 16 fixed bytes; the published name runs to the end with no NUL
    d = 16
    host(twi_createp([d, 2, d + len(PROC_DESC)], 8688, 5592, PROC_DESC + b"#App"))
    # CREATEW_V2 (0x3F) of the real window: its title offset (4096) past the payload, the group id an empty string
    rects = u32(0) * 2 + u32(1920) + u32(0)
    host(twi(0x3F, u32(0x00010044) + u32(0x96000844) + u32(0x00010080) + rects + rects + u32(0) + u32(8688) +
             u16(0) + u16(4096) + u16(58) + b"\x00"))
    # a client START_ACK (client type 3, TWI version 2) with no START before it: a reply without a request
    s.send("c2s", s.frame("c2s", vw2(TWI_CH, twi(0x01, bytes([1, 3, 2, 0]) + u32(0)))))
    # a payload length of 65535 of which 20 bytes ever come: never completes
    host(twi(0x3F, bytes(20), plen=0xFFFF))


# ---- CTXLIC: u8 iCommand, u16 cbData (header included), MS-RDPELE PDU ----------------------
def lic(cmd, msg_type, body, size=None, cb=None):
    pdu = bytes([msg_type, 0x02]) + u16(4 + len(body) if size is None else size) + body
    return bytes([cmd]) + u16(3 + len(pdu) if cb is None else cb) + pdu


def blob(btype, data, blen=None):
    return u16(btype) + u16(len(data) if blen is None else blen) + data


def counted(text):
    data = (text + "\0").encode("utf-16-le")
    return u32(len(data)) + data


def lic_request(cert, scopes=1, scope_blobs=1):
    """LICENSE_REQUEST as the real host sends it, with the server certificate blob data cert."""
    return lic(0x00, 0x01, bytes(range(32)) + u32(0x000A0000) + counted("Microsoft Corporation") + counted("A02") +
               blob(0x0D, u32(1)) + blob(0x03, cert) + u32(scopes) + blob(0x0E, b"microsoft.com\x00") * scope_blobs)


def der(tag, content, length=None):
    n = len(content) if length is None else length
    head = bytes([n]) if n < 0x80 else bytes([0x84]) + struct.pack(">I", n)
    return bytes([tag]) + head + content


OID_SIGNED_DATA = bytes.fromhex("2a864886f70d010702")
OID_DATA = bytes.fromhex("2a864886f70d010701")
CERT_1 = der(0x30, der(0x02, b"\x05"))          # a stand-in certificate: a SEQUENCE the walk lists as is


def cms_license(certs):
    signed = der(0x02, b"\x01") + der(0x31, b"") + der(0x30, der(0x06, OID_DATA)) + der(0xA0, certs)
    return der(0x30, der(0x06, OID_SIGNED_DATA) + der(0xA0, der(0x30, signed)))


def lic_info(license_data):
    return lic(0x80, 0x12, u32(1) + u32(0x08010000) + bytes(32) + blob(0x01, bytes(72)) +
               blob(0x01, license_data) + blob(0x01, bytes(20)) + bytes(16))


def build_lic(s):
    host = lambda m: s.send("s2c", s.frame("s2c", vw2(LIC_CH, m)))      # noqa: E731
    client = lambda m: s.send("c2s", s.frame("c2s", vw2(LIC_CH, m)))    # noqa: E731
    # an X.509 chain claiming 0xFFFFFFFF certificates whose first cbCert (4000) runs past the blob
    host(lic_request(u32(2) + u32(0xFFFFFFFF) + u32(4000) + bytes(8)))
    # the client license: one certificate, then one whose DER length (0x7FFFFFFF) runs past the blob
    client(lic_info(cms_license(CERT_1 + der(0x30, b"\x00", length=0x7FFFFFFF))))
    # PLATFORM_CHALLENGE_RESPONSE with no PLATFORM_CHALLENGE before it, its wMsgSize (256) not the PDU's (66)
    client(lic(0x80, 0x15, blob(0x01, bytes(18)) + blob(0x01, bytes(20)) + bytes(16), size=256))
    # PLATFORM_CHALLENGE whose challenge blob length (0x2000) runs past the message
    host(lic(0x00, 0x02, u32(0) + blob(0x01, bytes(10), blen=0x2000) + bytes(16)))
    # a proprietary certificate, ScopeCount 0xFFFFFFFF and 20 scopes: more parts than the decoder keeps (24)
    host(lic_request(u32(1) + bytes(20), scopes=0xFFFFFFFF, scope_blobs=20))
    # an X.509 chain of one certificate whose DER length (0x7FFFFFFF) lies inside its cbCert (6): handed to
    # Wireshark's X.509 dissector, whose exception must stay in its subtree (the scope after it still decoded)
    host(lic_request(u32(2) + u32(1) + u32(6) + bytes.fromhex("30847fffffff")))
    # cbData 2, less than its own header; then a 5330-byte message of which 100 bytes ever come
    host(bytes([0x01]) + u16(2) + b"lost")
    client(lic(0x80, 0x12, bytes(93), cb=5330))


# ---- CTXTUI: u16 body length (header excluded), u16 type, body ---------------------------
def tui(mtype, body, blen=None):
    return u16(len(body) if blen is None else blen) + u16(mtype) + body


def tui_status(counter, text, progress, toff=30, rlen=None, locale=0x040C):
    """Type 2: u16 text record offset (from the body start), u16, u32 counter, bytes to the record;
    the record: u16 length (12 + text), u8, u32, u8, u32 locale, UTF-8 text; then the progress byte."""
    t = text.encode("utf-8")
    record = u16(12 + len(t) if rlen is None else rlen) + bytes(6) + u32(locale) + t
    return tui(2, u16(toff) + u16(0) + u32(counter) + bytes(22) + record + bytes([progress]))


def build_tui(s):
    host = lambda *m: s.send("s2c", *(s.frame("s2c", vw2(TUI_CH, x)) for x in m))     # noqa: E731
    # the client's type 0x80 (value 4) with no host type 0 before it: a reply without a request
    s.send("c2s", s.frame("c2s", vw2(TUI_CH, tui(0x80, u32(4)))))
    # text record offset 0x7FFF, past the message
    host(tui_status(2, "Bienvenue", 50, toff=0x7FFF))
    # record length 400, past the message
    host(tui_status(3, "Bienvenue", 50, rlen=400))
    # a status whose 6-byte body is shorter than its 8 fixed bytes
    host(tui(2, u16(30) + u16(0) + u16(5)))
    # a good status over two writes in one segment: still decoded after the lies
    good = tui_status(4, "Préparation de Windows", 60)
    host(good[:17], good[17:])
    # a 3000-byte status of which 50 bytes ever come
    host(tui(2, bytes(46), blen=2996))


# ---- CITRIXD / PNPREDI: 80 00, UTF-16LE NUL-terminated names, an empty name ---------------
def names(*items, end=True):
    return b"\x80\x00" + b"".join((n + "\0").encode("utf-16-le") for n in items) + (b"\0\0" if end else b"")


def build_names(s):
    client = lambda ch, m: s.send("c2s", s.frame("c2s", vw2(ch, m)))      # noqa: E731
    # CITRIXD: the real name cut before its NUL, with an odd byte at the end
    client(CITRIXD_CH, names()[:2] + "DVCRenderingAdapter".encode("utf-16-le") + b"X")
    # PNPREDI: the real list, then the same without its ending empty name
    client(PNPREDI_CH, names("FileRedirectorChannel", "PlugAndPlay", "PNPDR"))
    client(PNPREDI_CH, names("FileRedirectorChannel", "PlugAndPlay", "PNPDR", end=False))


def build(_name, path):
    w = PcapWriter(path, start=1_000_000_000.0)
    s = SpikeSession(w, renames=RENAMES)
    for part in (build_twi, build_lic, build_tui, build_names):
        part(s)
    w.close()


if __name__ == "__main__":
    capbuild.main(__doc__, ["vc-real-hostile.pcap"], build)
