#!/usr/bin/env python3
"""The real current session end to end on its own carrier (issue 16 Proof): EDT -> CGP -> ICA ->
reducer V3 -> WD on captures/edt-citrixudp.pcap and the EDT variants of
tools/captures/edt_captures.py.

The command counts and per-channel bytes expected are those of the independent check data
tests/data/v3/edt-citrixudp-expanded.json as test_ica_v3.py states them (its measure() and
tables are reused: the same walk, here with the direction from the UDP port).  The
high-throughput flag bytes are compared frame by frame with the check data; the estimates
are the values the plugin reads, checked against the raw field by the formula of
ica-modern.md §2.
"""
import json
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from icacap_util import TOP, capture  # noqa: E402
import test_ica_v3 as v3  # noqa: E402

WS = v3.WS
EDT = capture("edt-citrixudp.pcap")
CHECK = os.path.join(TOP, "tests", "data", "v3", "edt-citrixudp-expanded.json")
SEP = "\x1e"
SERVER = 2598
NOT_DECRYPTED_AFTER_GAP = "First frame after lost or skipped bytes: not decrypted"
V3_LOST = 27            # ica.v3.error: bytes of this direction were lost
V3_NO_HISTORY = 28      # ica.v3.error: capture started mid-session
V3_ENDED = 29           # ica.v3.error: the session had ended
END_FRAME = 301         # edt_captures.py END_AFTER + 1: the UDT shutdown in edt-ica-ended.pcap
LOST_FRAME = 39         # edt_captures.py: the client datagram left out of edt-lost.pcap
MID_SHIFT = 59          # edt_captures.py MID_FIRST - 1: frame n of edt-midsession.pcap is n + 59 of the original


def check_frames():
    with open(CHECK) as f:
        return json.load(f)["frames"]


def rows(path, fields, filter, extra=()):
    return [[[x for x in v.split(SEP) if x] for v in r]
            for r in WS.fields(path, ["frame.number"] + list(fields), filter=filter, separator="\t",
                               aggregator=SEP, extra=extra)]


def measure(path, port=SERVER, extra=()):
    return v3.measure(path, extra=extra, port_field="udp.srcport", port=port)


def bad(path, extra=()):
    return rows(path, [], "_ws.malformed || _ws.expert.severity == error", extra=extra)


class RealSession(unittest.TestCase):
    def check_session(self, got):
        for d in ("s2c", "c2s"):
            g = got[d]
            self.assertEqual(g["frames"], v3.FRAMES[d], d)
            self.assertEqual(g["commands"], v3.COMMANDS[d], d)
            self.assertEqual({n: (g["names"][n], b) for n, b in g["vc"].items()}, v3.VC[d], d)
            self.assertEqual((g["errors"], g["warnings"], g["malformed"]), (0, 0, 0), d)

    def test_channels_and_commands(self):
        self.check_session(measure(EDT))
        self.assertEqual(bad(EDT), [])

    def test_sent_payload_of_expanded_frames(self):
        """Every frame the check data lists shows its payload as sent with its V3 chunks; frame 38
        (client, 1,441-byte PDRFRAME): 1,440 decrypted bytes after the PDCRYPT1 header, the
        high-throughput header (flags 0x68) first, the chunk headers read from the end: an
        ASSIGN_CODER_TO_CHANNEL command (coder 1 to channel 12) and a compressed chunk of channel
        12 making 1,611 bytes (the CTXLIC write of the expansion)."""
        got = v3.sent_payloads(EDT)
        self.assertEqual(sorted(got), sorted(int(f["frame"]) for f in check_frames()))
        self.assertEqual(v3.payload_faults(got), [])
        flags, payloads, headers = got[38]
        self.assertEqual((flags, len(payloads[0]) // 2, payloads[0][:8], headers),
                         (["0x68"], 1440, "68960003", ["010c0102f8", "0ccb31"]))
        r = rows(EDT, ["ica.v3.command", "ica.v3.params", "ica.v3.channel", "ica.v3.compressed", "ica.v3.length"],
                 "frame.number == 38")
        self.assertEqual(r, [[["38"], ["1"], ["010c"], ["0x0c"], ["1"], ["1611"]]])

    def test_second_pass(self):
        self.check_session(measure(EDT, extra=["-2"]))
        self.assertEqual(bad(EDT, extra=["-2"]), [])

    def test_check_data_frames(self):
        """Every frame of the check data is expanded by the plugin, to as many bytes."""
        got = {int(r[0][0]): [int(x) for x in r[1]] for r in rows(EDT, ["ica.reducer.expanded_length"],
                                                                  "ica.reducer.expanded_length")}
        want = {}
        for f in check_frames():
            want.setdefault(f["frame"], []).append(len(f["expanded_hex"]) // 2)
        self.assertEqual(got, want)

    def test_high_throughput(self):
        flags = {}
        for r in rows(EDT, ["ica.ht.flags"], "ica.ht.flags"):
            flags.setdefault(int(r[0][0]), []).extend(int(x, 16) for x in r[1])
        want = {}
        for f in check_frames():
            want.setdefault(f["frame"], []).append(f["ht_flags"])
        self.assertEqual(flags, want)
        est = {int(r[0][0]): (r[1][0], r[2], r[3], r[4])
               for r in rows(EDT, ["udp.srcport", "ica.ht.round_trip", "ica.ht.bandwidth", "ica.ht.bandwidth_raw"],
                             "ica.ht.round_trip || ica.ht.bandwidth")}
        self.assertEqual(est, {38: ("55836", ["150"], [], []),
                               46: ("2598", [], ["52672"], ["0x84dc"]),
                               47: ("55836", ["6"], [], []),
                               59: ("55836", [], ["92416"], ["0x7b48"]),
                               68: ("55836", ["1"], [], [])})
        for _, _, bw, raw in est.values():
            if raw:     # ((mantissa | 0x800) << 20) >> shift
                r = int(raw[0], 16)
                self.assertEqual(int(bw[0]), (((r & 0x7ff) | 0x800) << 20) >> (r >> 11))

    def test_carriers_and_handshake(self):
        got = {int(r[0][0]): r[1:] for r in rows(EDT, ["cgp.service.name", "cgp.channel.target", "ica.client_name"],
                                                 "cgp.service.name || cgp.channel.target || ica.client_name")}
        self.assertEqual(got, {5: [["Citrix.TcpProxyService"], [], []], 6: [["Citrix.TcpProxyService"], [], []],
                               7: [["Citrix.TcpProxyService"], ["127.0.0.1:1494"], []],
                               20: [[], [], ["PCIDEA153"]]})
        # CGP BIND, BIND_RESPONSE, CHANNEL_OPEN: the bind before the channel
        self.assertEqual([r[1] for r in rows(EDT, ["cgp.cmd"], "cgp.cmd && frame.number <= 7")],
                         [["0x01"], ["0x02"], ["0x06"]])


class CompleteVariants(unittest.TestCase):
    """Datagrams reordered and duplicated, and the session as ICA directly on EDT on UDP 1494:
    the same commands and channel bytes as the original."""

    def same(self, got):
        want = measure(EDT)
        for d in ("s2c", "c2s"):
            self.assertEqual({k: dict(v) if isinstance(v, dict) else v for k, v in got[d].items()},
                             {k: dict(v) if isinstance(v, dict) else v for k, v in want[d].items()}, d)
        self.assertEqual(got["s2c"]["commands"], v3.COMMANDS["s2c"])

    def test_reordered(self):
        path = capture("edt-reordered.pcap")
        self.same(measure(path))
        self.assertEqual(bad(path), [])

    def test_ica_on_1494(self):
        path = capture("edt-ica-1494.pcap")
        self.same(measure(path, port=1494))
        self.assertEqual(bad(path), [])

    def test_decrypted_dtls(self):
        """The session's UDT packets recorded inside real DTLS 1.2 on UDP 443 with the key log
        embedded (tools/captures/record_edt_dtls.py): EDT found on the DTLS heuristic list."""
        path = capture("edt-dtls-443.pcapng")
        self.same(measure(path, port=443))
        self.assertEqual(bad(path), [])
        stacks = [r[1] for r in rows(path, ["frame.protocols"], "udp")]
        self.assertEqual(sum(1 for p in stacks if p[0].startswith("eth:ethertype:ip:udp:dtls:edt:udt")), 400)


class Lost(unittest.TestCase):
    """One client datagram never captured: the gap at frame 42 (where the server's ACK passes
    it), the client's V3 direction cannot be expanded after it (history out of step), the
    server's direction whole."""

    PATH = capture("edt-lost.pcap")

    def test_gap_where_it_happens(self):
        got = rows(self.PATH, ["edt.lost", "_ws.expert.message"], "edt.lost")
        self.assertEqual([(r[0], r[1]) for r in got], [(["42"], ["1"])])
        self.assertIn("1 datagram of this direction never captured before these bytes", got[0][2])
        self.assertIn("Bytes missing (capture gap or snapshot length): this direction resumes at the next "
                      "plausible PDRFRAME frame", got[0][2])
        self.assertTrue(any(m.startswith(NOT_DECRYPTED_AFTER_GAP) for m in got[0][2]))

    def test_after_the_gap(self):
        got = measure(self.PATH)
        s = got["s2c"]
        self.assertEqual((s["frames"], s["commands"]), (v3.FRAMES["s2c"], v3.COMMANDS["s2c"]))
        self.assertEqual({n: (s["names"][n], b) for n, b in s["vc"].items()}, v3.VC["s2c"])
        # client V3 frames: before the lost datagram expanded; after it, one not decrypted (the
        # cipher chain resumes after it) and every other one not expanded with the reason
        before = [f for f in check_frames() if f["direction"] == "c2s" and f["frame"] < LOST_FRAME]
        after = [f for f in check_frames() if f["direction"] == "c2s" and f["frame"] > LOST_FRAME]
        self.assertEqual(got["c2s"]["frames"], len(before))
        # (frame 42 is the server's ACK that gives the gap up: the client's bytes held until then
        # are delivered there, so the direction is ICA's, not the UDP port's)
        errors = [r for r in rows(self.PATH, ["ica.v3.error"], "ica.v3.error")]
        self.assertEqual(sum(len(r[1]) for r in errors), len(after) - 1)
        self.assertEqual({x for r in errors for x in r[1]}, {str(V3_LOST)})
        dirs = rows(self.PATH, ["ica.direction"], "ica.v3.error")
        self.assertEqual({x for r in dirs for x in r[1]}, {"0"})       # client to server only
        self.assertEqual(int(errors[0][0][0]), 42)
        # the copy chunks of the client's later frames are parsed as V3 packets after the
        # high-throughput header (not with its byte: every one's chunk headers fit)
        self.assertEqual(rows(self.PATH, [], "_ws.expert.message contains \"V3 chunk headers do not fit\""), [])
        self.assertEqual(bad(self.PATH), [])


class Midsession(unittest.TestCase):
    """The capture from frame 60 on: the Basic key recovered from the data, compressed chunks
    not expanded (no history) with the reason, the copy chunks' WD commands decoded."""

    PATH = capture("edt-midsession.pcap")

    def test_key_and_copies(self):
        key = rows(self.PATH, ["ica.session_key.recovered"], "ica.session_key.recovered")
        self.assertEqual(key, [[["50"], ["0xfc"]]])
        reasons = {x for r in rows(self.PATH, ["ica.v3.error"], "ica.v3.error") for x in r[1]}
        self.assertEqual(reasons, {str(V3_NO_HISTORY)})
        # the server's high-throughput flags as in the original (each frame n is n + 59 there)
        check = {f["frame"]: f for f in check_frames()}
        flags = {int(r[0][0]) + MID_SHIFT: int(r[1][0], 16)
                 for r in rows(self.PATH, ["ica.ht.flags", "udp.srcport"], "ica.ht.flags && udp.srcport == 2598")}
        self.assertGreater(len(flags), 50)
        self.assertEqual({n: v for n, v in flags.items() if n in check}, {n: check[n]["ht_flags"] for n in flags
                                                                             if n in check})
        # a copy-only server frame: its WD bytes are the original's expansion
        got = {int(r[0][0]) + MID_SHIFT: r[1:] for r in rows(self.PATH, ["ica.vc.number", "ica.vc.length"],
                                                             "ica.vc.length && udp.srcport == 2598")}
        self.assertEqual(got, {182: [["13"], ["3"]]})
        self.assertTrue(check[182]["expanded_hex"].startswith("30040d020000"))   # VIRTUAL_WRITE1 ch 13, 3 bytes
        self.assertEqual(bad(self.PATH), [])

    def test_compressed_only_frames_show_their_chunks(self):
        """A frame of compressed chunks only is not "expanded to 0 bytes": it shows its V3 chunks
        (compressed, with their lengths) and the reason, like a stopped direction's frames."""
        r = [x for x in rows(self.PATH, ["ica.reducer.expanded_length", "ica.v3.compressed", "ica.v3.length"],
                             "ica.v3.error") if not x[1]]
        self.assertEqual(len(r), 56)
        self.assertEqual([x for x in r if set(x[2]) != {"1"} or len(x[3]) != len(x[2])], [])
        self.assertEqual((r[0][0], r[0][3]), (["53"], ["36"]))
        self.assertEqual(rows(self.PATH, [], "ica.reducer.expanded_length == 0"), [])


class Ended(unittest.TestCase):
    """edt-ica-1494.pcap with a UDT shutdown as frame 301: the session ends there (its V3
    expanders freed); every ICA datagram after it is decoded without V3 expansion, with the
    reason and the frame of the end; before it everything as in edt-ica-1494.pcap."""

    PATH = capture("edt-ica-ended.pcap")
    WHOLE = capture("edt-ica-1494.pcap")

    def vc_bytes(self, path, filter):
        return sorted((r[1][0], r[2][0], int(b)) for r in rows(path, ["ica.direction", "ica.vc.number", "ica.vc.length"],
                                                                 filter) for b in r[3])

    def test_end_seen(self):
        self.assertEqual(rows(self.PATH, ["udt.type"], "udt.type == 5"), [[[str(END_FRAME)], ["0x00000005"]]])
        after = [int(r[0][0]) for r in rows(self.PATH, [], "ica.direction && frame.number > %d" % END_FRAME)]
        errors = rows(self.PATH, ["ica.v3.error", "_ws.expert.message"], "ica.v3.error")
        self.assertEqual(len(after), 27)
        self.assertEqual([int(r[0][0]) for r in errors], after)
        self.assertEqual({x for r in errors for x in r[1]}, {str(V3_ENDED)})
        note = "Not expanded: the carrier saw the session end in frame %d (its reducer V3 history was freed)" % END_FRAME
        self.assertEqual([r[0][0] for r in errors if note not in r[2]], [])
        # both directions after the end, none of their virtual-channel bytes
        self.assertEqual({x for r in rows(self.PATH, ["ica.direction"], "ica.v3.error") for x in r[1]}, {"0", "1"})
        self.assertEqual(self.vc_bytes(self.PATH, "ica.vc.length && frame.number > %d" % END_FRAME), [])
        # before the end: the same channel bytes as the whole session's first END_FRAME - 1 frames
        before = self.vc_bytes(self.WHOLE, "ica.vc.length && frame.number < %d" % END_FRAME)
        self.assertGreater(len(before), 10)
        self.assertEqual(self.vc_bytes(self.PATH, "ica.vc.length"), before)
        self.assertEqual(bad(self.PATH), [])

    def test_two_passes(self):
        one = rows(self.PATH, ["ica.v3.error", "ica.vc.length"], "ica")
        two = rows(self.PATH, ["ica.v3.error", "ica.vc.length"], "ica", extra=["-2"])
        self.assertEqual(one, two)


if __name__ == "__main__":
    unittest.main(verbosity=2)
