#!/usr/bin/env python3
"""Hostile CGP input (tools/captures/cgp_hostile.py): every case dissects to
the end with exact, bounded results, and the committed copies in
tests/hostile/cgp/ are what the builder makes today.  tools/robust/sanitized_tests.py
runs this script against the ASan+UBSan build too."""
import filecmp
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from icacap_util import TOP, Wireshark  # noqa: E402

WS = Wireshark()
HOSTILE = os.path.join(TOP, "tests", "hostile", "cgp")   # apart: test_hostile.py owns tests/hostile/*.pcap
PORTREG_NOTE = "Observed protocol"


def experts(path, filter="cgp"):
    args = ["-T", "fields", "-E", "separator=\t", "-E", "occurrence=a", "-E", "aggregator=\x1e",
            "-e", "frame.number", "-e", "_ws.expert.message", "-Y", filter]
    out = {}
    for line in WS.tshark(path, args).split("\n"):
        if line:
            num, _, msgs = line.partition("\t")
            out[int(num)] = [m for m in msgs.split("\x1e") if m and not m.startswith(PORTREG_NOTE)]
    return out


def fields(path, names, filter="cgp"):
    out = {}
    for r in WS.fields(path, ["frame.number"] + names, filter=filter, separator="\t"):
        out[int(r[0])] = {f: [x for x in v.split(",") if x] for f, v in zip(names, r[1:])}
    return out


class Hostile(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="cgp-hostile-")
        subprocess.run([sys.executable, os.path.join(TOP, "tools", "captures", "cgp_hostile.py"), cls.tmp], check=True)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, True)

    def cap(self, name):
        return os.path.join(HOSTILE, name + ".pcap")

    def test_committed_copies_current(self):
        built = sorted(os.listdir(self.tmp))
        self.assertEqual(len(built), 9)
        for name in built:
            self.assertTrue(filecmp.cmp(os.path.join(self.tmp, name), os.path.join(HOSTILE, name), shallow=False), name)

    def test_max_length(self):
        path = self.cap("cgp_max_length")
        r = fields(path, ["tcp.srcport", "tcp.len", "cgp.length", "cgp.cmd", "tcp.reassembled.length"],
                   filter="cgp.length == 32767")
        # both realtime records are streamed, not reassembled: their headers where they start
        self.assertEqual(sorted(r), [6, 38])
        self.assertEqual(r[6]["tcp.srcport"], ["40001"])
        self.assertEqual(r[6]["tcp.reassembled.length"], [])
        # the ICA bytes of the first continue in the 22 segments after it (the last with 649 bytes), then the
        # NOP after it is found: framing continues
        cont = fields(path, ["tcp.len", "cgp.cmd"], filter="cgp && !cgp.cmd && tcp.srcport == 40001")
        self.assertEqual(sorted(cont), list(range(7, 29)))
        self.assertEqual(cont[28]["tcp.len"], ["649"])
        self.assertEqual(len(fields(path, ["cgp.cmd"], filter="cgp.cmd == 0x05 && tcp.srcport == 40001")), 1)
        # the claim that never arrives: its start (103 bytes) and nothing after it
        self.assertEqual(r[38]["tcp.srcport"], ["40002"])
        self.assertEqual(r[38]["tcp.len"], ["103"])
        self.assertEqual(sorted(fields(path, ["cgp.cmd"], filter="cgp && tcp.srcport == 40002")), [36, 38])

    def test_ws_cut(self):
        path = self.cap("cgp_ws_cut")
        r = fields(path, ["tcp.srcport", "cgp.cmd", "cgp.length", "cgp.fragment", "cgp.fragment.count",
                          "cgp.reassembled.length", "cgp.continued"])
        # the largest record over 34 messages (one of them empty, so not in the list), the NOP after it found
        self.assertEqual(r[42]["cgp.cmd"], ["0x0a", "0x05"])
        self.assertEqual(r[42]["cgp.length"], ["32767", "4"])
        self.assertEqual(r[42]["cgp.fragment"], [str(n) for n in range(9, 14)] + [str(n) for n in range(15, 43)])
        self.assertEqual(r[42]["cgp.fragment.count"], ["33"])
        self.assertEqual(r[42]["cgp.reassembled.length"], ["32769"])
        # the claim of 32767 bytes that never arrive: its pieces only, nothing joined, nothing else decoded
        v = {n: x for n, x in r.items() if x["tcp.srcport"] == ["40072"]}
        self.assertEqual(sorted(v), [51, 52, 54, 56])
        self.assertEqual(len(v[54]["cgp.continued"][0]) // 2, 103)
        self.assertEqual(len(v[56]["cgp.continued"][0]) // 2, 2000)
        self.assertEqual([x["cgp.cmd"] for x in v.values()], [[], ["0x01"], [], []])
        # a last message holding the first byte of a 2-byte length
        self.assertEqual(r[68]["cgp.continued"], ["80"])
        self.assertEqual(r[68]["cgp.cmd"], [])
        # no CGP expert but the server bind's non-minimal varlen (frame 42's ICA bytes are the ICA decoder's)
        ex = experts(path)
        self.assertEqual({m for n, x in ex.items() if n != 42 for m in x}, {"Value 36 written in the 2-byte varlen form"})
        self.assertNotIn("A length or count points past the end", ex[42])

    def test_lying_counts(self):
        path = self.cap("cgp_lying_counts")
        ex = experts(path)
        r = fields(path, ["tcp.srcport", "cgp.num_caps", "cgp.cap.id", "cgp.service.count", "cgp.sr.num_open"])
        by_port = {v["tcp.srcport"][0]: (n, v) for n, v in r.items()}
        self.assertNotIn("40011", by_port)          # 32767 capabilities: not a stream start (§13.1)
        n, v = by_port["40014"]
        self.assertEqual(v["cgp.num_caps"], ["30"])
        self.assertEqual(v["cgp.cap.id"], ["7", "9"])
        self.assertEqual(ex[n], ["30 capabilities announced, 2 present"])
        n, v = by_port["40012"]
        self.assertEqual(ex[n], ["A length or count points past the end"])
        n, v = by_port["40013"]
        self.assertEqual(v["cgp.service.count"], ["5000"])
        self.assertEqual(v["cgp.sr.num_open"], ["1000"])
        self.assertEqual(ex[n], ["A length or count points past the end", "1000 open requests announced, 0 present",
                                 "Value no encoder produces"])

    def test_flag_bytes(self):
        path = self.cap("cgp_flag_bytes")
        r = fields(path, ["cgp.ext.flags", "cgp.ext.undecoded"], filter="cgp.cmd == 0x05")
        self.assertEqual(sorted(r), [6, 7, 8])
        self.assertEqual(r[6]["cgp.ext.flags"], ["0x80"] * 32)
        self.assertEqual(r[6]["cgp.ext.undecoded"], ["0801"])
        self.assertEqual(len(r[7]["cgp.ext.flags"]), 31)
        self.assertEqual(r[7]["cgp.ext.undecoded"], ["aa" * 10])
        ex = experts(path)
        msg = "Header extension of unknown layout without EXT_LENGTH: the payload cannot be found"
        self.assertEqual((ex[6], ex[7], ex[8]), ([msg], [msg], []))

    def test_ticket_past_record(self):
        path = self.cap("cgp_ticket_past_record")
        r = fields(path, ["cgp.ticket.length", "cgp.ticket", "cgp.next_message"])
        self.assertEqual(r[4]["cgp.ticket.length"], ["32767"])
        self.assertEqual(r[4]["cgp.ticket"], [])
        self.assertEqual(r[4]["cgp.next_message"], ["5"])
        self.assertEqual(experts(path)[4], ["A length or count points past the end",
                                            "Session Reliability resume attempt (reconnect flag)",
                                            "Resume with a ticket no BIND_RESPONSE in this capture issued"])

    def test_resume_self(self):
        path = self.cap("cgp_resume_self")
        r = fields(path, ["cgp.resumed_from", "cgp.ticket.issued_in", "_ws.col.Info"])
        self.assertEqual(r[6]["cgp.resumed_from"], [])
        self.assertEqual(r[6]["cgp.ticket.issued_in"], ["5"])
        self.assertEqual(r[6]["_ws.col.Info"], ["Signature", " BIND_REQUEST [resume", " ticket of this connection]"])
        self.assertIn("Resume names a ticket issued on this same connection (frame 5): not linked", experts(path)[6])

    def test_resume_chain_and_loop(self):
        path = self.cap("cgp_resume_chain")
        r = fields(path, ["tcp.srcport", "cgp.resumed_from", "cgp.session"], filter="cgp.cmd == 0x01")
        rows = sorted(r.items())
        self.assertEqual(len(rows), 63)
        # the chain: each of the 50 resumes points at the previous connection's BIND_RESPONSE
        chain = rows[1:51]
        self.assertEqual([int(v["cgp.resumed_from"][0]) for _, v in chain], [n - 4 for n, _ in chain])
        self.assertEqual({v["cgp.session"][0] for _, v in rows[:51]}, {"1"})
        # the loop: two connections resuming each other's ticket in turn; a second session, bounded
        loop = rows[51:]
        self.assertEqual({v["cgp.session"][0] for _, v in loop}, {"2"})
        self.assertEqual([v["tcp.srcport"][0] for _, v in loop], ["40200"] + ["40201", "40200"] * 5 + ["40201"])
        # first the second connection's resume names the first's response; then each
        # resume names the ticket the other connection's BIND_RESPONSE just re-issued
        self.assertEqual([int(v["cgp.resumed_from"][0]) for _, v in loop[1:]],
                         [loop[0][0] + 1] + [n - 1 for n, _ in loop[2:]])
        out = WS.tshark(path, ["-q", "-z", "cgp,tree"])
        self.assertIn("Resumes linked to an earlier connection  61", out)

    def test_nested_embedded(self):
        path = self.cap("cgp_nested_embedded")
        r = fields(path, ["cgp.cmd", "cgp.length", "cgp.data", "tcp.segment.count"],
                   filter="cgp.cmd == 0x01 && tcp.srcport == 40061")
        (v,) = r.values()
        # the bind (over 4 segments) and the one embedded record (a BIND_REQUEST, not followed: shown as data)
        self.assertEqual(v["tcp.segment.count"], ["4"])
        self.assertEqual(v["cgp.cmd"], ["0x01", "0x01"])
        self.assertEqual(len(v["cgp.data"]), 1)
        self.assertGreater(int(v["cgp.length"][0]), 3000)

    def test_one_byte_garbage(self):
        path = self.cap("cgp_one_byte_garbage_after_bind")
        rows = WS.fields(path, ["frame.number"], filter="tcp.len == 1")
        self.assertEqual(len(rows), 300)
        # the bind is CGP; what follows waits for records that never complete and never crashes
        self.assertEqual(sorted(experts(path)), [4, 5])


if __name__ == "__main__":
    unittest.main(verbosity=2)
