#!/usr/bin/env python3
"""CTXCDM captures (issue 18): client-drive-mapping messages laid out from the RISC OS ICA
client's cdmwire header and its file server cdmserv (shared notes vc.md §4), carried inside
the real 2001 ICA session (captures/spike-ica-2001.pcap) as vc_captures.py does.

The real session binds CTXCDM on channel 10 and never writes on it, so its VcBind table is
left as it is.  After the session's last frame in each direction the builder appends
PDRFRAME frames under the session's own Basic cipher carrying VIRTUAL_WRITE2 commands on
channel 10: host requests (server to client), client replies (client to server).

vc-cdm.pcap: CONNECT (versions 1..4) and its reply (long names, ANSI); FINDFIRST of
C:\\docs\\*.* answered with three FINDSTRUCT_LONG entries (NOTFOUND/NOFILES: the end of the
directory); OPEN of C:\\docs\\notes.txt (context 7); GETATTR (1234 bytes); two READs in one
write, the first reply (1024 bytes) split over two writes in two TCP segments, the second
(210 bytes); WRITE of 16 bytes at 1234 and its reply; CLOSE; an OPEN of C:\\docs\\locked.xls
refused NOACCESS / SHARE; DELETE and RENAME; VOLUMEINFO with a version 3 reply (label DATA).
vc-cdm-hostile.pcap: a READ past the file's end, a READ_REPLY returning more than asked, a
READ whose offset + size pass 4 GiB, a find reply claiming 50 entries (1 fits), a find
entry whose names run past BytesReturned, a WRITE_REPLY claiming more written than asked, a
VOLUMEINFO_REPLY of no known size, an OPEN_REPLY without a request, a path of 300 bytes,
and a WRITE of 5000 bytes of which 100 ever come.

vc-file.pcap / vc-file-hostile.pcap: CTXFILE (vc.md §6) in the same session, its VcBind entry
CTXCPM (channel 4, never written on) renamed CTXFILE; see build_file() and captures/README.md.

    tools/captures/vc_cdm_captures.py --outdir captures                       # (re)write
    tools/captures/vc_cdm_captures.py --outdir build/x --compare captures     # reproducibility check
"""
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
import capbuild  # noqa: E402
from vc_captures import SpikeSession, vw2, u16  # noqa: E402

CDM_CH = 10                     # CTXCDM in the real session's VcBind table

(CREATE, OPEN, CLOSE, READ, WRITE, FINDFIRST, FINDNEXT, FINDCLOSE, GETATTR, SETATTR, GETDATETIME,
 SETDATETIME, DELETE, RENAME, CREATEDIR, DELETEDIR, NOTIFYCACHE_REQUEST, READCOND, FILELOCK, FILEUNLOCK,
 FILECHANGESIZE, SEEK, VOLUMEINFO, CONNECT, FINDFIRSTINDEX) = range(25)
REPLY = 128
ATTR_DIRECTORY, ATTR_ARCHIVE = 0x10, 0x20


def u32(v):
    return struct.pack("<I", v & 0xFFFFFFFF)


def status(error_class, dos_error):
    """CDM_MAKE_STATUS: class in the low byte, DOS error in the high byte."""
    return u16(error_class | dos_error << 8)


OK = status(0, 0)


def dos_date(y, m, d):
    return (y - 1980) << 9 | m << 5 | d


def dos_time(h, mi, s):
    return h << 11 | mi << 5 | s // 2


def msg(h_type, mpx, body=b""):
    return bytes([h_type, mpx]) + body


def with_path(h_type, mpx, fields, path):
    """u16 PathNameSize first, then the other fields, then the path (not NUL-terminated)."""
    return msg(h_type, mpx, u16(len(path)) + fields + path)


def connect(mpx=0, low=1, high=4):
    return msg(CONNECT, mpx, u16(18) + u16(low) + u16(high) + u16(0) + u16(0) + u16(0) + u16(0) + u16(0))


def connect_reply(mpx=0, caps=3):
    return msg(REPLY + CONNECT, mpx, OK + u16(1) + u16(10) + u16(caps))


def open_req(mpx, path, access=0x22):
    return with_path(OPEN, mpx, u16(access), path)


def open_reply(mpx, ctx, result=OK):
    return msg(REPLY + OPEN, mpx, u16(ctx) + result)


def read_req(mpx, ctx, offset, size):
    return msg(READ, mpx, u16(ctx) + u32(offset) + u16(size))


DATE = dos_date(2001, 9, 8)
TIME = dos_time(14, 30, 0)


def read_reply(mpx, ctx, data, return_size=None):
    n = len(data) if return_size is None else return_size
    return msg(REPLY + READ, mpx, u16(ctx) + u16(TIME) + u16(DATE) + u16(n) + OK) + data


def write_req(mpx, ctx, offset, data, size=None):
    return msg(WRITE, mpx, u16(ctx) + u32(offset) + u16(len(data) if size is None else size)) + data


def write_reply(mpx, ctx, wrote):
    return msg(REPLY + WRITE, mpx, u16(ctx) + u16(wrote) + OK)


def find_entry(short, long_, size, attr, date=DATE, time=TIME):
    """FINDSTRUCT_LONG: WriteTime, WriteDate, FileSize, Attributes, NameSize, LongNameSize, names."""
    return u16(time) + u16(date) + u32(size) + u16(attr) + bytes([len(short), len(long_)]) + short + long_


def find_reply(mpx, ctx, entries, result, count=None, bytes_returned=None):
    body = b"".join(entries)
    n = len(entries) if count is None else count
    br = len(body) if bytes_returned is None else bytes_returned
    return msg(REPLY + FINDFIRST, mpx, u16(ctx) + u16(br) + result + bytes([n])) + body


def getattr_reply(mpx, size, attr=ATTR_ARCHIVE):
    return msg(REPLY + GETATTR, mpx, OK + u32(size) + u16(attr) + u16(DATE) + u16(TIME))


def volumeinfo_reply3(mpx, label):
    return msg(REPLY + VOLUMEINFO, mpx, OK + u32(2 ** 31) + u32(123456789) + u32(4096) + u32(0x1234ABCD) +
               u32(0) + u16(len(label)) + u16(0)) + label


NOTES = b"C:\\docs\\notes.txt"
# the file's first 1234 bytes, as the client returns them
CONTENT = b"".join(b"line %04d of notes.txt\r\n" % i for i in range(60))[:1234]
APPENDED = b"appended line.\r\n"         # 16 bytes
NOFILES = status(0x08, 0x12)            # NOTFOUND / NOFILES: the directory is exhausted
REFUSED = status(0x03, 0x20)            # NOACCESS / SHARE


def cdm_messages():
    """(direction, [writes]) in order, for the normal capture; a write is a list of messages
    sent in one VIRTUAL_WRITE2."""
    entries = [find_entry(b"QUARTE~1.DOC", b"Quarterly report.docx", 24576, ATTR_ARCHIVE),
               find_entry(b"NOTES.TXT", b"notes.txt", 1234, ATTR_ARCHIVE),
               find_entry(b"OLD", b"old", 0, ATTR_DIRECTORY, date=dos_date(1999, 12, 31), time=dos_time(23, 59, 58))]
    return [
        ("s2c", connect()),
        ("c2s", connect_reply()),
        ("s2c", with_path(FINDFIRST, 1, u16(1024) + bytes([10]), b"C:\\docs\\*.*")),
        ("c2s", find_reply(1, 1, entries, NOFILES)),
        ("s2c", open_req(2, NOTES)),
        ("c2s", open_reply(2, 7)),
        ("s2c", with_path(GETATTR, 3, b"", NOTES)),
        ("c2s", getattr_reply(3, 1234)),
    ]


def build_cdm(w):
    s = SpikeSession(w, renames=())

    def one(direction, data):
        s.send(direction, s.frame(direction, vw2(CDM_CH, data)))

    for direction, data in cdm_messages():
        one(direction, data)
    # two READs in one write
    one("s2c", read_req(4, 7, 0, 1024) + read_req(5, 7, 1024, 1024))
    # the first reply over two writes in two TCP segments (header + 300 bytes, then the rest)
    r1 = read_reply(4, 7, CONTENT[:1024])
    one("c2s", r1[:312])
    one("c2s", r1[312:])
    one("c2s", read_reply(5, 7, CONTENT[1024:]))            # 210 bytes: the end of the file
    one("s2c", write_req(6, 7, 1234, APPENDED))
    one("c2s", write_reply(6, 7, len(APPENDED)))
    one("s2c", msg(CLOSE, 7, u16(7)))
    # an open the client refuses: sharing violation
    one("s2c", open_req(8, b"C:\\docs\\locked.xls", access=0x02))
    one("c2s", open_reply(8, 0, REFUSED))
    one("s2c", with_path(DELETE, 9, b"", b"C:\\docs\\old\\tmp.txt"))
    one("c2s", msg(REPLY + DELETE, 9, OK))
    old, new = b"C:\\docs\\draft.txt", b"C:\\docs\\final.txt"
    one("s2c", msg(RENAME, 10, u16(len(old)) + u16(len(new))) + old + new)
    one("c2s", msg(REPLY + RENAME, 10, OK))
    one("s2c", with_path(VOLUMEINFO, 11, u16(0), b"C:\\"))
    one("c2s", volumeinfo_reply3(11, b"DATA"))


def build_cdm_hostile(w):
    s = SpikeSession(w, renames=())

    def one(direction, data):
        s.send(direction, s.frame(direction, vw2(CDM_CH, data)))

    path = b"C:\\x.txt"
    one("s2c", connect())
    one("c2s", connect_reply())
    one("s2c", open_req(1, path))
    one("c2s", open_reply(1, 3))
    one("s2c", with_path(GETATTR, 2, b"", path))
    one("c2s", getattr_reply(2, 100))
    # a READ at 5000 of a 100-byte file; its reply returns 400 bytes where 100 were asked
    one("s2c", read_req(3, 3, 5000, 100))
    one("c2s", read_reply(3, 3, bytes(400)))
    # a READ whose offset + size pass 4 GiB
    one("s2c", read_req(4, 3, 0xFFFFFF00, 0x200))
    # a find reply claiming 50 entries of which one is there
    one("s2c", with_path(FINDFIRST, 5, u16(1024) + bytes([50]), b"C:\\*.*"))
    one("c2s", find_reply(5, 1, [find_entry(b"X.TXT", b"x.txt", 100, ATTR_ARCHIVE)], OK, count=50))
    # an entry whose names (12 + 40 bytes) run past its BytesReturned (12 + 2)
    one("s2c", with_path(FINDFIRST, 6, u16(1024) + bytes([1]), b"C:\\*.*"))
    entry = find_entry(b"AB", b"", 1, ATTR_ARCHIVE)
    entry = entry[:10] + bytes([12, 40]) + entry[12:]
    one("c2s", find_reply(6, 2, [entry], OK))
    # a WRITE_REPLY claiming 64 bytes written of 8
    one("s2c", write_req(7, 3, 0, b"12345678"))
    one("c2s", write_reply(7, 3, 64))
    # a VOLUMEINFO_REPLY of 22 bytes: no variant has that size
    one("s2c", with_path(VOLUMEINFO, 8, u16(0), b"C:\\"))
    one("c2s", msg(REPLY + VOLUMEINFO, 8, OK + u32(1) + u32(2) + u32(3) + u32(4) + u16(0)))
    # an OPEN_REPLY no request asked for
    one("c2s", open_reply(77, 9))
    # a path of 300 bytes (above CDM_MAX_PATH_LEN 255)
    one("s2c", open_req(9, b"C:\\" + b"a" * 297))
    # a WRITE of 5000 bytes of which 100 ever come
    one("s2c", write_req(10, 3, 0, bytes(100), size=5000))


def fuzz_writes():
    """Seeds for the "vc" fuzz target in the form of vc_captures.fuzz_writes(): lists of
    (selector, virtual write), selector bit 0 the direction (1 host to client)."""
    r1 = read_reply(4, 7, CONTENT[:1024])
    return [
        [(1 if d == "s2c" else 0, m) for d, m in cdm_messages()],
        [(1, read_req(4, 7, 0, 1024) + read_req(5, 7, 1024, 1024)), (0, r1[:312]), (0, r1[312:]),
         (1, write_req(6, 7, 1234, APPENDED)), (0, write_reply(6, 7, 16))],
    ]


# CTXFILE (vc.md §6): laid out from the HTML5 client's FileVirtualDriver (search-index file
# 9624254511); the client's messages are the bytes its writers produce (createBindResponsePacket,
# createFileUploadRequest, sendFileData in 800-byte writes, sendFileDownloadResponse,
# sendFileWriteResponse, ICAFtSendControlPacket).  The real session's VcBind entry "CTXCPM " on
# channel 4 (never written on) is renamed CTXFILE.
FILE_CH = 4
FILE_RENAMES = ((b"CTXCPM \x00", b"CTXFILE\x00"),)
(FT_BIND_REQUEST, FT_BIND_RESPONSE, FT_BIND_COMMIT, FT_C2H_UPLOAD_REQUEST, FT_H2C_UPLOAD_RESPONSE,
 FT_C2H_DOWNLOAD_REQUEST, FT_H2C_DOWNLOAD_RESPONSE, _FT_H2C_UPLOAD_REQUEST, _FT_C2H_UPLOAD_RESPONSE,
 FT_H2C_DOWNLOAD_REQUEST, FT_C2H_DOWNLOAD_RESPONSE, FT_C2H_CONTROL_TRANSFER, FT_H2C_CONTROL_TRANSFER,
 FT_H2C_READ_REQUEST, FT_C2H_READ_RESPONSE, FT_H2C_WRITE_REQUEST, FT_C2H_WRITE_RESPONSE) = range(17)
FT_ACCESS_DENIED = 0x80000005
UPLOAD_NAME = "report.pdf"
UPLOAD = bytes((i * 7 + 3) & 0xFF for i in range(6000))
DOWNLOAD_NAME = "result.csv"
DOWNLOAD = b"id,value\r\n1,42\r\n2,7\r\n"     # 21 bytes


def ft(cmd, body):
    """u16 length (the body), u8 command, u8 reserved, body."""
    return u16(len(body)) + bytes([cmd, 0]) + body


def ft_caps(cmd, echo=False):
    cap = u16(1) + u16(64) + u16(4096) + u32(100 << 20) + u16(10) + (u16(0) if echo else b"")
    return ft(cmd, u16(4) + bytes([1, 0]) + u16(1) + bytes([4 + len(cap) - 2, 0]) + cap[2:])


def ft_upload_request(name, size, name_off=12):
    return ft(FT_C2H_UPLOAD_REQUEST, u16(name_off) + u16(0) + u32(size) + u32(0) + (name + "\0").encode("utf-16-le"))


def ft_status(cmd, status, ctx, reserved=True):
    return ft(cmd, u32(status) + u16(ctx) + (u16(0) if reserved else b""))


def ft_read_request(mpx, ctx, offset, n):
    return ft(FT_H2C_READ_REQUEST, u16(mpx) + u16(ctx) + u32(offset) + u16(n))


def ft_read_response(mpx, ctx, data, length=None, data_off=14):
    return ft(FT_C2H_READ_RESPONSE, u16(mpx) + u16(ctx) + u32(0) + u16(data_off) + u16(0) +
              u16(len(data) if length is None else length) + data)


def ft_download_request(ctx, name, size):
    return ft(FT_H2C_DOWNLOAD_REQUEST, u16(ctx) + u16(12) + u32(size) + u32(0) + name.encode() + b"\0")


def ft_write_request(mpx, ctx, offset, data):
    return ft(FT_H2C_WRITE_REQUEST, u16(mpx) + u16(ctx) + u32(offset) + u16(14) + u16(0) + u16(len(data)) + data)


def ft_write_response(mpx, ctx):
    return ft(FT_C2H_WRITE_RESPONSE, u16(mpx) + u16(ctx) + u32(0))


def build_file(w):
    s = SpikeSession(w, renames=FILE_RENAMES)

    def one(direction, data):
        s.send(direction, s.frame(direction, vw2(FILE_CH, data)))

    one("s2c", ft_caps(FT_BIND_REQUEST))
    one("c2s", ft_caps(FT_BIND_RESPONSE, echo=True))
    one("s2c", ft_caps(FT_BIND_COMMIT))
    # upload of report.pdf (6000 bytes): the host reads it in two requests sent in one write
    one("c2s", ft_upload_request(UPLOAD_NAME, len(UPLOAD)))
    one("s2c", ft_status(FT_H2C_UPLOAD_RESPONSE, 0, 1, reserved=False))
    one("s2c", ft_read_request(1, 1, 0, 4096) + ft_read_request(2, 1, 4096, 1904))
    # sendFileDataToHost: the 4114-byte response in 800-byte writes, two frames per TCP segment
    r = ft_read_response(1, 1, UPLOAD[:4096])
    pieces = [r[i:i + 800] for i in range(0, len(r), 800)]
    for i in range(0, len(pieces), 2):
        s.send("c2s", b"".join(s.frame("c2s", vw2(FILE_CH, p)) for p in pieces[i:i + 2]))
    r2 = ft_read_response(2, 1, UPLOAD[4096:])
    for i in range(0, len(r2), 800):
        one("c2s", r2[i:i + 800])
    # download of result.csv (21 bytes) to the client
    one("s2c", ft_download_request(2, DOWNLOAD_NAME, len(DOWNLOAD)))
    one("c2s", ft_status(FT_C2H_DOWNLOAD_RESPONSE, 0, 2))
    one("s2c", ft_write_request(3, 2, 0, DOWNLOAD))
    one("c2s", ft_write_response(3, 2) + ft_status(FT_C2H_CONTROL_TRANSFER, 0, 2))
    # the client asks for a download the host refuses
    one("c2s", ft(FT_C2H_DOWNLOAD_REQUEST, b""))
    one("s2c", ft_status(FT_H2C_DOWNLOAD_RESPONSE, FT_ACCESS_DENIED, 0, reserved=False))


def build_file_hostile(w):
    s = SpikeSession(w, renames=FILE_RENAMES)

    def one(direction, data):
        s.send(direction, s.frame(direction, vw2(FILE_CH, data)))

    # a bind claiming 9 capabilities (1 fits)
    bad = bytearray(ft_caps(FT_BIND_REQUEST))
    bad[6] = 9
    one("s2c", bytes(bad))
    # an upload request whose name offset (0x200) lies past the body
    one("c2s", ft_upload_request("x.txt", 5, name_off=0x200))
    # a read response returning 40 bytes where 10 were asked, then one whose dataLength (300) runs past it
    one("s2c", ft_read_request(1, 1, 0, 10))
    one("c2s", ft_read_response(1, 1, bytes(40)))
    one("c2s", ft_read_response(2, 1, bytes(20), length=300))
    # a read response whose data offset (2) lies inside the fixed part
    one("c2s", ft_read_response(3, 1, bytes(4), data_off=2))
    # a host-initiated upload request (7): no public layout
    one("s2c", ft(_FT_H2C_UPLOAD_REQUEST, bytes(6)))


CAPTURES = {
    "vc-cdm.pcap": build_cdm,
    "vc-cdm-hostile.pcap": build_cdm_hostile,
    "vc-file.pcap": build_file,
    "vc-file-hostile.pcap": build_file_hostile,
}

if __name__ == "__main__":
    capbuild.main_writers(__doc__, CAPTURES)
