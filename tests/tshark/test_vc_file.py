#!/usr/bin/env python3
"""CTXFILE, HDX file transfer (issue 18), on the FILE captures
(tools/captures/vc_cdm_captures.py: the real 2001 session, VcBind entry CTXCPM on channel 4
renamed CTXFILE).

Expected values are written out from the HTML5 client's FileVirtualDriver layouts (shared notes
vc.md §6) and what the builder was told to send (captures/README.md).  One pass and two passes.
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
FILE = capture("vc-file.pcap")
HOSTILE = capture("vc-file-hostile.pcap")

FIELDS = ["ica.vc.name", "ica.file.cmd", "ica.file.length", "ica.file.status", "ica.file.context",
          "ica.file.name", "ica.file.file_size", "ica.file.mpx_id", "ica.file.offset", "ica.file.bytes_requested",
          "ica.file.data_offset", "ica.file.data_length", "ica.file.data", "ica.file.file_name",
          "ica.file.response_in", "ica.file.response_to", "ica.file.cap.max_data_queue_length",
          "ica.file.cap.max_generic_block_size", "ica.file.cap.max_file_size", "ica.file.cap.max_files_count",
          "ica.vc.msg.first_frame", "_ws.expert.message", "_ws.malformed"]


@functools.lru_cache(maxsize=None)
def rows(path, two_pass):
    out = WS.fields(path, ["frame.number"] + FIELDS, filter="ica.vc.length && ica.vc.number == 4",
                    extra=["-2"] if two_pass else [], separator="\t", aggregator=AGGREGATOR)
    return [(int(r[0]), {f: [x for x in v.split(AGGREGATOR) if x != ""] for f, v in zip(FIELDS, r[1:])})
            for r in out]


def ints(values):
    return [int(v, 0) for v in values]


class File(unittest.TestCase):
    TWO_PASS = False

    def all(self, field):
        return [x for _f, v in rows(FILE, self.TWO_PASS) for x in v[field]]

    def test_commands_in_order(self):
        self.assertEqual(set(self.all("ica.vc.name")), {"CTXFILE"})
        # bind x3, upload request/response, 2 reads, 2 read responses, download request/response,
        # write, write response + control, client download request refused
        self.assertEqual(ints(self.all("ica.file.cmd")),
                         [0, 1, 2, 3, 4, 0x0D, 0x0D, 0x0E, 0x0E, 9, 0x0A, 0x0F, 0x10, 0x0B, 5, 6])
        self.assertEqual(ints(self.all("ica.file.length")),
                         [18, 20, 18, 34, 6, 10, 10, 4110, 1918, 23, 8, 35, 8, 8, 0, 6])

    def test_capabilities(self):
        self.assertEqual(ints(self.all("ica.file.cap.max_data_queue_length")), [64, 64, 64])
        self.assertEqual(ints(self.all("ica.file.cap.max_generic_block_size")), [4096] * 3)
        self.assertEqual(ints(self.all("ica.file.cap.max_file_size")), [100 << 20] * 3)
        self.assertEqual(ints(self.all("ica.file.cap.max_files_count")), [10] * 3)

    def test_names_and_sizes(self):
        self.assertEqual(self.all("ica.file.name"), ["report.pdf", "result.csv"])
        self.assertEqual(ints(self.all("ica.file.file_size")), [6000, 21])
        # reads, writes and their answers name the announced file (upload response, 2 reads and
        # their responses; download response, write and its response, control)
        self.assertEqual(self.all("ica.file.file_name"), ["report.pdf"] * 5 + ["result.csv"] * 4)

    def test_reads_and_writes(self):
        self.assertEqual(ints(self.all("ica.file.mpx_id")), [1, 2, 1, 2, 3, 3])
        self.assertEqual(ints(self.all("ica.file.offset")), [0, 4096, 0])
        self.assertEqual(ints(self.all("ica.file.bytes_requested")), [4096, 1904])
        self.assertEqual(ints(self.all("ica.file.data_offset")), [14, 14, 14])
        self.assertEqual(ints(self.all("ica.file.data_length")), [4096, 1904, 21])
        data = [bytes.fromhex(x.replace(":", "")) for x in self.all("ica.file.data")]
        self.assertEqual([len(d) for d in data], [4096, 1904, 21])
        self.assertEqual(data[0][:4], bytes([3, 10, 17, 24]))       # (i * 7 + 3) & 0xFF
        self.assertEqual(data[2], b"id,value\r\n1,42\r\n2,7\r\n")

    def test_split_read_response(self):
        # the 4114-byte response in six 800-byte writes, two per TCP segment: begun in the
        # segment after the two read requests, completed three segments later
        r = rows(FILE, self.TWO_PASS)
        done = [(f, ints(v["ica.vc.msg.first_frame"])) for f, v in r if v["ica.vc.msg.first_frame"]]
        self.assertEqual(len(done), 2)
        (f1, [b1]), (f2, [b2]) = done
        self.assertEqual(f1 - b1, 4)
        self.assertEqual(f2 - b2, 2)                                   # 1922 bytes: three writes

    def test_status(self):
        self.assertEqual(ints(self.all("ica.file.status")), [0, 0, 0, 0, 0, 0, 0x80000005])
        self.assertEqual([m for m in self.all("_ws.expert.message") if m.startswith("File transfer status")],
                         ["File transfer status ACCESS_DENIED (0x80000005)"])

    def test_matching(self):
        r = dict(rows(FILE, self.TWO_PASS))
        to = {f: ints(v["ica.file.response_to"]) for f, v in r.items() if v["ica.file.response_to"]}
        self.assertEqual(len(to), 3)
        req_frames = sorted({x for v in to.values() for x in v})
        self.assertEqual([ints(r[f]["ica.file.cmd"]) for f in req_frames], [[0x0D, 0x0D], [0x0F]])
        resp_in = [x for v in r.values() for x in ints(v["ica.file.response_in"])]
        self.assertEqual(resp_in, sorted(to) if self.TWO_PASS else [])

    def test_no_malformed(self):
        self.assertEqual([f for f, v in rows(FILE, self.TWO_PASS) if v["_ws.malformed"]], [])


class FileTwoPass(File):
    TWO_PASS = True


class Hostile(unittest.TestCase):
    def test_lies_marked(self):
        for two_pass in (False, True):
            got = [v["_ws.expert.message"] for _f, v in rows(HOSTILE, two_pass)]
            self.assertEqual(got, [
                ["numCaps 9: only 1 capabilities fit in the body"],
                ["Name offset 512 outside the body (12..23)"],
                [],
                ["dataLength 40 larger than the 10 bytes requested in frame %d" % rows(HOSTILE, two_pass)[2][0]],
                ["Response without a request (no request with this mpxId seen)",
                 "dataLength 300 runs 280 bytes past the message"],
                ["Response without a request (no request with this mpxId seen)",
                 "Data offset 2 outside the body (14..18)"],
                ["No public layout for this command"],
            ], two_pass)


class Facts(unittest.TestCase):
    def test_files(self):
        out = WS.tshark(FILE, ["-q", "-z", "ica,tree"])
        session = statstree.find(statstree.parse(out)["Citrix/ICA sessions"], "File transfer (CTXFILE)",
                                 "192.168.1.100:1193 -> 192.168.1.101:1494")
        self.assertEqual({c.name: c.count for c in session.children},
                         {"File: report.pdf": 1, "File: result.csv": 1})


if __name__ == "__main__":
    unittest.main()
