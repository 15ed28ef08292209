#!/usr/bin/env python3
"""Virtual-channel messages inside CGP and a reducer V3 session (issue 18): captures/vc-v3-cgp.pcap.

The real 2021 session (captures/edt-citrixudp.pcap) re-carried on TCP 2598 exactly as
tools/captures/edt_to_tcp.py makes captures/edt-citrixudp-tcp.pcap (its functions, imported), then
continued after its last frame, before the connection closes, with new CGP records in both
directions, built in the same layers as the real session's last frame of each direction:

  CGP DATA_REALTIME_WITH_ACK (0x0B) whose ack delta counts the peer's tracked records not yet acked
  (DATA_REALTIME 0x0A when there are none), so the numbering and acks continue the real session's
  (cgp.md §6: both are implicitly tracked, acks are deltas);
  one PDRFRAME frame per record: u16 length with the priority bits of that direction's last real
  frame (bits 14-15), CRYPT_ENCRYPTED (0x01), then under the session's Basic cipher (key 0xFC, from its
  CRYPT_SESSIONKEY; the chain continued from the last cipher byte of that direction):
  a high-throughput header byte 0x00 (no flags: nothing follows it) and one reducer V3 packet.

The V3 packets (format: plugin/core/ica_v3.c) hold copy chunks only, without the recompress bit, so
they change no expander state and the real session's compressed history stays in step.  The channels
are the ones the real session binds (CTXEUEM 20, CTXCTL 15, CTXCLIP 17, CTXCDM 10) and never writes on.
The messages are the byte vectors of the plain captures' builders (vc_captures.py, vc_cdm_captures.py),
in the order those captures send them, each channel's sequence a prefix of its plain capture's:

  CTXEUEM: bind request / response with CONNECTION_ID / commit with SETTINGS; CLIENT_STARTUP_TIMES v2
           split over two copy chunks of one V3 packet (completed bit clear on the first); ROUNDTRIP_START
           and ICA_RESULT (31 ms) in one chunk.
  CTXCTL:  the three bind messages; the launch request (#"Notepad"", C:\\Users\\alice\\notes.txt) split
           over two CGP records, each its own frame and TCP segment; LAUNCH_RESPONSE SUCCESS.
  CTXCLIP: INIT request and reply; REGISTER_FORMAT request and the host's PLACE in one chunk; REGISTER
           reply and RENDER request in one chunk; the render reply (CF_UNICODETEXT) in one V3 packet
           with a CTXCDM chunk; the client's PLACE.
  CTXCDM:  CONNECT, FINDFIRST, OPEN, GETATTR and their replies; two READs in one chunk; the first read
           reply (1036 bytes) split over two copy chunks of one packet, the second in its own.

    tools/captures/vc_v3_captures.py --outdir captures                       # (re)write
    tools/captures/vc_v3_captures.py --outdir build/x --compare captures     # reproducibility
"""
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.join(HERE, "..", "..")
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
import capbuild  # noqa: E402
import edt_to_tcp  # noqa: E402
import vc_captures as vc  # noqa: E402
import vc_cdm_captures as cdm  # noqa: E402
from ica_captures import BasicCipher  # noqa: E402
from cgp_captures import varlen, record  # noqa: E402

EDT = os.path.join(TOP, "captures", "edt-citrixudp.pcap")
KEY = 0xFC                          # the real session's CRYPT_SESSIONKEY (frame 17 of edt-citrixudp-tcp.pcap)
EUEM_CH, CTL_CH, CLIP_CH, CDM_CH = 20, 15, 17, 10
DATA_REALTIME, DATA_REALTIME_WITH_ACK = 0x0A, 0x0B
CRYPT_ENCRYPTED = 0x01
HT_NO_FLAGS = b"\x00"


def chunk_header(channel, length, completed=True):
    """A copy chunk's header in packet order (it is read backwards): the length (shifted left by one,
    low bit clear: no recompress) in 7-bit groups low group first, then the header byte last."""
    v, groups = length << 1, []
    while True:
        groups.append((v & 0x7F) | (0x80 if v > 0x7F else 0))
        v >>= 7
        if not v:
            break
    return bytes(reversed(groups)) + bytes([channel << 2 | (2 if completed else 0)])


def v3_packet(chunks):
    """chunks: (channel, data, completed); data first chunk first, headers first chunk last."""
    return (b"".join(d for _c, d, _done in chunks) +
            b"".join(chunk_header(c, len(d), done) for c, d, done in reversed(chunks)))


class Continuation:
    """The state of each direction at the real session's end, and the records that continue it."""

    def __init__(self, stream, packets):
        self.tcp = stream
        # the peer's tracked records each direction has not acked yet: at the real session's end the
        # client has acked all 79 of the host's, the host 55 of the client's 56 (its own and keep-alive
        # records carry acks too; tshark cgp.msg_number / cgp.ack_cumulative, checked by test_vc_v3.py)
        self.unacked = {"c2s": 0, "s2c": 1}
        last = {}
        for _num, _ts, _c, _s, s2c, _seq, payload in packets:
            for _cmd, _ack, ica in edt_to_tcp.cgp_records(payload):
                if ica:
                    last["s2c" if s2c else "c2s"] = ica
        self.cipher, self.prio = {}, {}
        for d, frame in last.items():
            # the last ICA bytes of each side are one whole Basic-encrypted PDRFRAME frame
            head = struct.unpack("<H", frame[:2])[0]
            assert head & 0x3FFF == len(frame) - 2 and frame[2] == CRYPT_ENCRYPTED, d
            self.prio[d] = head >> 14
            c = BasicCipher(KEY)
            c.q = frame[-1]         # c = p ^ q ^ K, q = c: the chain goes on from the last cipher byte
            self.cipher[d] = c

    def frame(self, d, chunks):
        payload = bytes([CRYPT_ENCRYPTED]) + self.cipher[d].encrypt(HT_NO_FLAGS + v3_packet(chunks))
        return struct.pack("<H", len(payload) | self.prio[d] << 14) + payload

    def record(self, d, ica):
        peer = "s2c" if d == "c2s" else "c2s"
        unacked, self.unacked[d] = self.unacked[d], 0
        self.unacked[peer] += 1
        if unacked:
            return record(DATA_REALTIME_WITH_ACK, varlen(unacked) + ica)
        return record(DATA_REALTIME, ica)

    def send(self, d, *chunks):
        """One TCP segment: one CGP record holding one frame of one V3 packet of these chunks."""
        self.tcp.send(d, self.record(d, self.frame(d, list(chunks))))


def on(channel, data, completed=True):
    return channel, data, completed


def continue_session(s):
    # CTXEUEM
    s.send("s2c", on(EUEM_CH, vc.BIND_REQUEST))
    s.send("c2s", on(EUEM_CH, vc.BIND_RESPONSE_AND_CONNECTION_ID))
    s.send("s2c", on(EUEM_CH, vc.BIND_COMMIT_AND_SETTINGS))
    startup = vc.STARTUP_V2
    s.send("c2s", on(EUEM_CH, startup[:40], completed=False), on(EUEM_CH, startup[40:]))
    s.send("c2s", on(EUEM_CH, vc.ROUNDTRIP_START + vc.ICA_RESULT))
    # CTXCTL
    s.send("s2c", on(CTL_CH, vc.ctl_bind(0, vc.HOST_CAPS)))
    s.send("c2s", on(CTL_CH, vc.ctl_bind(1, vc.CLIENT_CAPS)))
    s.send("s2c", on(CTL_CH, vc.ctl_bind(2, vc.HOST_CAPS)))
    launch = vc.ctl_launch_request()
    s.send("c2s", on(CTL_CH, launch[:25], completed=False))
    s.send("c2s", on(CTL_CH, launch[25:]))
    s.send("s2c", on(CTL_CH, vc.ctl(4, struct.pack("<I", 0))))
    # CTXCLIP and CTXCDM
    s.send("s2c", on(CLIP_CH, vc.CLIP_INIT_REQUEST))
    s.send("c2s", on(CLIP_CH, vc.CLIP_INIT_REPLY))
    s.send("s2c", on(CLIP_CH, vc.CLIP_REGISTER_REQUEST + vc.CLIP_HOST_PLACE))
    s.send("c2s", on(CLIP_CH, vc.CLIP_REGISTER_REPLY + vc.CLIP_RENDER_REQUEST))
    messages = cdm.cdm_messages()
    s.send(messages[0][0], on(CDM_CH, messages[0][1]))
    s.send("c2s", on(CDM_CH, messages[1][1]))
    # one host packet: the clipboard render reply and the CDM FINDFIRST request
    assert messages[2][0] == "s2c"
    s.send("s2c", on(CLIP_CH, vc.CLIP_RENDER_REPLY), on(CDM_CH, messages[2][1]))
    s.send("c2s", on(CLIP_CH, vc.CLIP_CLIENT_PLACE))
    for d, data in messages[3:]:
        s.send(d, on(CDM_CH, data))
    s.send("s2c", on(CDM_CH, cdm.read_req(4, 7, 0, 1024) + cdm.read_req(5, 7, 1024, 1024)))
    r1 = cdm.read_reply(4, 7, cdm.CONTENT[:1024])
    s.send("c2s", on(CDM_CH, r1[:312], completed=False), on(CDM_CH, r1[312:]))
    s.send("c2s", on(CDM_CH, cdm.read_reply(5, 7, cdm.CONTENT[1024:])))


def build(path):
    packets = edt_to_tcp.in_sequence(list(edt_to_tcp.data_packets(EDT)))
    edt_to_tcp.write_tcp(packets, path, 0, more=lambda stream, pk: continue_session(Continuation(stream, pk)))



if __name__ == "__main__":
    capbuild.main(__doc__, ["vc-v3-cgp.pcap"], lambda _name, path: build(path))
