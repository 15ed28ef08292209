#!/usr/bin/env python3
"""CTXCDM, client drive mapping (issue 18), on the CDM captures
(tools/captures/vc_cdm_captures.py: the real 2001 session, channel 10 bound as CTXCDM).

Expected values are written out from the layouts in cdmwire (shared notes vc.md §4) and what
the builder was told to send (captures/README.md), not computed from the builder.  Each
check runs in one pass and in two passes (tshark -2: the second pass renders what the first
stored); the request's "Response in" exists only once the reply is known (two passes).
"""
import functools
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from icacap_util import TOP, Wireshark, capture, AGGREGATOR  # noqa: E402

sys.path.insert(0, os.path.join(TOP, "tools", "lib"))
import statstree  # noqa: E402

WS = Wireshark()
CDM = capture("vc-cdm.pcap")
HOSTILE = capture("vc-cdm-hostile.pcap")

FIELDS = ["tcp.srcport", "ica.vc.number", "ica.vc.name", "ica.cdm.cmd", "ica.cdm.mpx_id", "ica.cdm.path",
          "ica.cdm.new_path", "ica.cdm.context", "ica.cdm.status", "ica.cdm.status.class",
          "ica.cdm.status.dos_error", "ica.cdm.offset", "ica.cdm.length", "ica.cdm.data", "ica.cdm.file_path",
          "ica.cdm.response_in", "ica.cdm.response_to", "ica.cdm.time", "ica.cdm.access_mode",
          "ica.cdm.attributes", "ica.cdm.file_size", "ica.cdm.find.name", "ica.cdm.find.long_name",
          "ica.cdm.find.write_date", "ica.cdm.find.write_time", "ica.cdm.bytes_returned",
          "ica.cdm.number_returned", "ica.cdm.connect.version_low", "ica.cdm.connect.version_high",
          "ica.cdm.connect.capabilities", "ica.cdm.volume_label", "ica.cdm.bytes_free", "ica.cdm.volume_flags",
          "ica.vc.msg.first_frame", "_ws.expert.message", "_ws.malformed"]


@functools.lru_cache(maxsize=None)
def rows(path, two_pass):
    """[(frame, {field: [values]})] of the frames with a CDM message or piece."""
    out = WS.fields(path, ["frame.number"] + FIELDS, filter="ica.vc.length && ica.vc.number == 10",
                    extra=["-2"] if two_pass else [], separator="\t", aggregator=AGGREGATOR)
    return [(int(r[0]), {f: [x for x in v.split(AGGREGATOR) if x != ""] for f, v in zip(FIELDS, r[1:])})
            for r in out]


def ints(values):
    return [int(v, 0) for v in values]


class Cdm(unittest.TestCase):
    TWO_PASS = False

    def side(self, field, direction):
        """Every value of field in frame order, host requests (s2c) or client replies (c2s)."""
        port = (lambda p: p == 1494) if direction == "s2c" else (lambda p: p != 1494)
        return [x for _f, v in rows(CDM, self.TWO_PASS) if port(int(v["tcp.srcport"][0])) for x in v[field]]

    def frames(self, field):
        return {f: v[field] for f, v in rows(CDM, self.TWO_PASS) if v[field]}

    def test_bound_channel(self):
        self.assertEqual(set(ints(self.side("ica.vc.number", "s2c") + self.side("ica.vc.number", "c2s"))), {10})
        self.assertEqual(set(self.side("ica.vc.name", "s2c")), {"CTXCDM"})

    def test_commands_in_order(self):
        # CONNECT FINDFIRST OPEN GETATTR READ READ WRITE CLOSE OPEN DELETE RENAME VOLUMEINFO
        self.assertEqual(ints(self.side("ica.cdm.cmd", "s2c")), [23, 5, 1, 8, 3, 3, 4, 2, 1, 12, 13, 22])
        self.assertEqual(ints(self.side("ica.cdm.mpx_id", "s2c")), list(range(12)))
        self.assertEqual(ints(self.side("ica.cdm.cmd", "c2s")),
                         [151, 133, 129, 136, 131, 131, 132, 129, 140, 141, 150])
        self.assertEqual(ints(self.side("ica.cdm.mpx_id", "c2s")), [0, 1, 2, 3, 4, 5, 6, 8, 9, 10, 11])

    def test_paths(self):
        self.assertEqual(self.side("ica.cdm.path", "s2c"), [
            "C:\\docs\\*.*", "C:\\docs\\notes.txt", "C:\\docs\\notes.txt", "C:\\docs\\locked.xls",
            "C:\\docs\\old\\tmp.txt", "C:\\docs\\draft.txt", "C:\\"])
        self.assertEqual(self.side("ica.cdm.new_path", "s2c"), ["C:\\docs\\final.txt"])
        self.assertEqual(ints(self.side("ica.cdm.access_mode", "s2c")), [0x22, 0x02])   # READWRITE|DENYWRITE, READWRITE

    def test_context_offset_length(self):
        self.assertEqual(ints(self.side("ica.cdm.context", "s2c")), [7, 7, 7, 7])       # READ READ WRITE CLOSE
        self.assertEqual(ints(self.side("ica.cdm.offset", "s2c")), [0, 1024, 1234])
        self.assertEqual(ints(self.side("ica.cdm.length", "s2c")), [1024, 1024, 16])
        self.assertEqual(ints(self.side("ica.cdm.context", "c2s")), [1, 7, 7, 7, 7, 0])  # find, open, reads, write, refused
        self.assertEqual(ints(self.side("ica.cdm.length", "c2s")), [1024, 210, 16])
        # reads and writes name the file opened under their context
        self.assertEqual(self.side("ica.cdm.file_path", "s2c"), ["C:\\docs\\notes.txt"] * 4)

    def test_status(self):
        self.assertEqual(ints(self.side("ica.cdm.status", "c2s")),
                         [0, 0x1208, 0, 0, 0, 0, 0, 0x2003, 0, 0, 0])
        st = [(c, d) for c, d in zip(ints(self.side("ica.cdm.status.class", "c2s")),
                                     ints(self.side("ica.cdm.status.dos_error", "c2s"))) if c]
        self.assertEqual(st, [(0x08, 0x12), (0x03, 0x20)])      # NOTFOUND/NOFILES, NOACCESS/SHARE
        msgs = [m for m in self.side("_ws.expert.message", "c2s") if m.startswith("CDM error")]
        self.assertEqual(msgs, ["CDM error: NOTFOUND, DOS error NOFILES (0x12)",
                                "CDM error: NOACCESS, DOS error SHARE (0x20)"])

    def test_data(self):
        data = [bytes.fromhex(x.replace(":", "")) for x in self.side("ica.cdm.data", "c2s")]
        self.assertEqual([len(d) for d in data], [1024, 210])
        self.assertEqual(data[0][:24], b"line 0000 of notes.txt\r\n")
        self.assertEqual(data[1][-12:], b"\r\nline 0051 ")      # 1234 = 51 lines of 24 bytes + 10: ends mid-line
        written = [bytes.fromhex(x.replace(":", "")) for x in self.side("ica.cdm.data", "s2c")]
        self.assertEqual(written, [b"appended line.\r\n"])

    def test_split_and_joined(self):
        # the first READ_REPLY (1036 bytes) is begun in one frame and completed in the next;
        # the two READs share one write
        first = self.frames("ica.vc.msg.first_frame")
        self.assertEqual(len(first), 1)
        (done, [begun]), = first.items()
        self.assertEqual(int(begun), done - 1)
        self.assertEqual(ints(self.frames("ica.cdm.cmd")[done]), [131])
        two = [f for f, v in self.frames("ica.cdm.cmd").items() if ints(v) == [3, 3]]
        self.assertEqual(len(two), 1)

    def test_find_entries(self):
        self.assertEqual(self.side("ica.cdm.find.name", "c2s"), ["QUARTE~1.DOC", "NOTES.TXT", "OLD"])
        self.assertEqual(self.side("ica.cdm.find.long_name", "c2s"), ["Quarterly report.docx", "notes.txt", "old"])
        self.assertEqual(ints(self.side("ica.cdm.file_size", "c2s")), [24576, 1234, 0, 1234])  # + GETATTR
        # 2001-09-08 14:30:00 twice, 1999-12-31 23:59:58
        self.assertEqual(ints(self.side("ica.cdm.find.write_date", "c2s")), [(21 << 9) | (9 << 5) | 8] * 2 +
                         [(19 << 9) | (12 << 5) | 31])
        self.assertEqual(ints(self.side("ica.cdm.find.write_time", "c2s")), [(14 << 11) | (30 << 5)] * 2 +
                         [(23 << 11) | (59 << 5) | 29])
        self.assertEqual(ints(self.side("ica.cdm.attributes", "c2s")), [0x20, 0x20, 0x10, 0x20])
        self.assertEqual(ints(self.side("ica.cdm.bytes_returned", "c2s")), [(12 + 12 + 21) + (12 + 9 + 9) + (12 + 3 + 3)])
        self.assertEqual(ints(self.side("ica.cdm.number_returned", "c2s")), [3])

    def test_connect_and_volume(self):
        self.assertEqual(ints(self.side("ica.cdm.connect.version_low", "s2c")), [1])
        self.assertEqual(ints(self.side("ica.cdm.connect.version_high", "s2c")), [4])
        self.assertEqual(ints(self.side("ica.cdm.connect.capabilities", "c2s")), [3])
        self.assertEqual(self.side("ica.cdm.volume_label", "c2s"), ["DATA"])
        self.assertEqual(ints(self.side("ica.cdm.bytes_free", "c2s")), [123456789])
        self.assertEqual(ints(self.side("ica.cdm.volume_flags", "c2s")), [0])

    def test_matching(self):
        cmd = {f: ints(v) for f, v in self.frames("ica.cdm.cmd").items()}
        to = {f: ints(v) for f, v in self.frames("ica.cdm.response_to").items()}
        # every reply names the frame of its request, with the same MpxId
        mpx = {f: ints(v) for f, v in self.frames("ica.cdm.mpx_id").items()}
        for f, (req,) in to.items():
            self.assertLess(req, f)
            self.assertIn(cmd[f][0] & 0x7F, cmd[req])
            self.assertIn(mpx[f][0], mpx[req])
        self.assertEqual(len(to), 11)
        self.assertEqual(len(self.frames("ica.cdm.time")), 11)
        resp_in = self.frames("ica.cdm.response_in")
        if self.TWO_PASS:
            self.assertEqual(sum(len(v) for v in resp_in.values()), 11)      # CLOSE has no reply
            for f, v in resp_in.items():
                for r in ints(v):
                    self.assertEqual(to[r], [f])
        else:
            self.assertEqual(resp_in, {})       # one pass: the reply is not known yet

    def test_no_malformed_no_warnings(self):
        r = rows(CDM, self.TWO_PASS)
        self.assertEqual([f for f, v in r if v["_ws.malformed"]], [])
        self.assertFalse([m for _f, v in r for m in v["_ws.expert.message"] if "without a request" in m])


class CdmTwoPass(Cdm):
    TWO_PASS = True


class Hostile(unittest.TestCase):
    def experts(self, two_pass):
        return [m for _f, v in rows(HOSTILE, two_pass) for m in v["_ws.expert.message"]]

    def test_lies_marked(self):
        for two_pass in (False, True):
            got = self.experts(two_pass)
            for want in ["ReadOffset 5000 past the end of the file (100 bytes, size reported in frame 132)",
                         "ReturnSize 400 larger than the ReadSize 100 asked for in frame 133",
                         "ReadOffset 4294967040 + ReadSize 512 runs past the 32-bit file offset range",
                         "NumberReturned 50: only 1 entries fit in BytesReturned",
                         "Names of 52 bytes run past BytesReturned",
                         "WroteSize 64 larger than the WriteSize 8 of frame 140",
                         "22 bytes: no VOLUMEINFO_REPLY variant (20, 24 or 28 + VolumeLabelSize) has this size",
                         "Reply without a request (no request with this MpxId seen)",
                         "Path name of 300 bytes: above CDM_MAX_PATH_LEN (255)"]:
                self.assertEqual(got.count(want), 1, (two_pass, want))

    def test_never_completed(self):
        self.assertEqual(self.experts(True)[-1], "Message never completed in the capture (5010 bytes expected): "
                                                 "dropped")
        self.assertEqual(self.experts(False)[-1], "Message piece: the message continues in a later write")

    def test_values_up_to_the_lie(self):
        r = dict(rows(HOSTILE, True))
        self.assertEqual(ints(r[137]["ica.cdm.number_returned"]), [50])
        self.assertEqual(r[137]["ica.cdm.find.name"], ["X.TXT"])
        self.assertEqual(r[144]["ica.cdm.response_to"], [])
        self.assertEqual(ints(r[144]["ica.cdm.context"]), [9])
        self.assertEqual(len(r[145]["ica.cdm.path"][0]), 300)


class Facts(unittest.TestCase):
    """-z ica,tree: the opens, reads, writes and other operations the decoder reported."""

    def test_client_drives(self):
        out = WS.tshark(CDM, ["-q", "-z", "ica,tree"])
        session = statstree.find(statstree.parse(out)["Citrix/ICA sessions"], "Client drives (CTXCDM)",
                                 "192.168.1.100:1193 -> 192.168.1.101:1494")
        got = {c.name: c.count for c in session.children}
        self.assertEqual(got, {"Opened: C:\\docs\\notes.txt": 1,       # the refused open is not one
                               "Read from: C:\\docs\\notes.txt": 2,
                               "Written to: C:\\docs\\notes.txt": 1,
                               "Operation: DELETE C:\\docs\\old\\tmp.txt": 1,
                               "Operation: RENAME C:\\docs\\draft.txt -> C:\\docs\\final.txt": 1})


if __name__ == "__main__":
    unittest.main()
