#!/usr/bin/env python3
"""Current-session ICA (issue 10 items 3-5): the high-throughput header, the WD-table
corrections of ica-modern.md §3-§4, and Basic key recovery on the real capture cut
to start mid-session.

Expected values are written out by hand from what the builder was told to write
(tools/captures/ica_captures.py HT_* lists, ica-modern.md §2 encoding), not
computed from the builder.  The key-recovery proof compares the cut capture with
the full real capture decoded by the same plugin through its key exchange.
"""
import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from icacap_util import TOP, Wireshark, capture, per_direction, experts  # noqa: E402

sys.path.insert(0, os.path.join(TOP, "tools", "lib"))
import pcapgen  # noqa: E402

WS = Wireshark()
HT = capture("ica-ht.pcap")
NO_HT = capture("ica-ht-not-negotiated.pcap")
SPIKE = capture("spike-ica-2001.pcap")
SPIKE_CUT = capture("spike-ica-2001-midsession.pcap")


def truth(v):
    """tshark prints booleans as 1/0 (4.0) or True/False (4.4+)."""
    return {"1": True, "True": True, "0": False, "False": False}[v]


def ints(values):
    return [int(v, 0) for v in values]


class HighThroughput(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.d = per_direction(WS, HT, ["ica.ht.flags", "ica.ht.round_trip", "ica.ht.bandwidth",
                                       "ica.ht.bandwidth_raw", "ica.ht.inferred", "ica.cmd", "ica.vc.length",
                                       "ica.vc.interrupted", "ica.vc.joined", "ica.vc.data", "ica.resume.data",
                                       "ica.cdm.cmd", "ica.cdm.mpx_id", "ica.cdm.undecoded"])

    def test_header_fields(self):
        s, c = self.d["s2c"], self.d["c2s"]
        # one header per frame after the key exchange, flags as written
        self.assertEqual(ints(s["ica.ht.flags"]), [0x20, 0x08, 0x18, 0x00, 0x88, 0x10, 0x08, 0x18, 0x00])
        self.assertEqual(ints(c["ica.ht.flags"]), [0x18, 0x08, 0x48, 0x18, 0x00])
        self.assertEqual(ints(s["ica.ht.round_trip"]), [120, 80, 95, 300, 101])
        self.assertEqual(ints(c["ica.ht.round_trip"]), [40, 35, 50, 45])
        # 786432 = 0xC00 << 8 and 2097152 = 0x800 << 10 are exact; 1000000 keeps 12 bits: 999936
        self.assertEqual(ints(s["ica.ht.bandwidth"]), [786432, 999936, 2097152])
        self.assertEqual(ints(s["ica.ht.bandwidth_raw"]), [0x6400, 0x6742, 0x5000])
        self.assertEqual(ints(c["ica.ht.bandwidth"]), [1310720, 98304])
        self.assertEqual(s["ica.ht.inferred"] + c["ica.ht.inferred"], [])

    def test_commands_after_the_header(self):
        s, c = self.d["s2c"], self.d["c2s"]
        self.assertEqual(ints(s["ica.cmd"])[5:], [0x33, 0x31, 0x1c, 0x31, 0x1c, 0x43, 0x31, 0x3a, 0x41, 0x05])
        self.assertEqual(ints(c["ica.cmd"])[14:], [0x09, 0x0d, 0x0d, 0x39, 0x30, 0x05])

    def test_interrupted_write_joined(self):
        s = self.d["s2c"]
        # CTXTW 1200, the interrupted CTXCDM part (150 bytes), the joined CTXCDM write (400)
        self.assertEqual(ints(s["ica.vc.length"]), [1200, 150, 400])
        self.assertEqual([truth(v) for v in s["ica.vc.interrupted"]], [True])
        self.assertEqual([truth(v) for v in s["ica.vc.joined"]], [True])
        tw, part = s["ica.vc.data"]
        (rest,) = s["ica.resume.data"]
        # the joined write goes to the CTXCDM decoder (issue 18): its filler bytes have no CDM
        # layout (type 29), so they are h_type, MpxId and the undecoded rest
        (cmd,), (mpx,), (undecoded,) = s["ica.cdm.cmd"], s["ica.cdm.mpx_id"], s["ica.cdm.undecoded"]
        whole = "%02x%02x" % (int(cmd, 0), int(mpx, 0)) + undecoded
        self.assertEqual(len(rest), 2 * 250)
        self.assertEqual(whole, part + rest)
        note = [m for m in experts(WS, HT)["s2c"] if "INTERRUPT_VIRTUAL_WRITE" in m]
        self.assertEqual(len(note), 1)

    def test_stats_tree(self):
        out = WS.tshark(HT, ["-q", "-z", "ica,tree"])
        lines = out.splitlines()
        start = next(i for i, l in enumerate(lines) if l.startswith("High-throughput estimates"))
        rows = [(l[:41].strip(), l[41:].split()) for l in lines[start:] if l.strip() and not l.startswith("-")]
        names = [n for n, _ in rows]
        self.assertEqual(names, ["High-throughput estimates", "10.20.0.20:1070 -> 10.20.0.1:1494",
                                 "server to client", "Round-trip estimate (ms)", "median",
                                 "Bandwidth estimate (bytes/s)", "median",
                                 "client to server", "Round-trip estimate (ms)", "median",
                                 "Bandwidth estimate (bytes/s)", "median"])
        # average nodes: count, average, min, max; "median" nodes: the median as count
        vals = [v for _, v in rows]
        self.assertEqual(vals[3][:4], ["5", "139.20", "80", "300"])
        self.assertEqual(vals[4][0], "101")
        self.assertEqual((vals[5][0], vals[5][2], vals[5][3]), ("3", "786432", "2097152"))
        self.assertEqual(vals[6][0], "999936")
        self.assertEqual(vals[8][:4], ["4", "42.50", "35", "50"])
        self.assertEqual(vals[9][0], "40")          # lower median of 35, 40, 45, 50
        self.assertEqual((vals[10][0], vals[10][2], vals[10][3]), ("2", "98304", "1310720"))
        self.assertEqual(vals[11][0], "98304")
        # the joined write is counted once, with its whole payload
        cdm = next(l for l in lines if l.strip().startswith("CTXCDM (channel 3)"))
        self.assertEqual(cdm[41:].split()[0], "400")

    def test_not_negotiated(self):
        # the client lists HIGH_THROUGHPUT, the host does not offer it: no header
        d = per_direction(WS, NO_HT, ["ica.ht.flags", "ica.cmd"])
        self.assertEqual(d["s2c"]["ica.ht.flags"] + d["c2s"]["ica.ht.flags"], [])
        self.assertEqual(ints(d["s2c"]["ica.cmd"])[5:], [0x08, 0x1c, 0x30])
        self.assertEqual(ints(d["c2s"]["ica.cmd"])[14:], [0x18, 0x09])

    def test_inferred_mid_session(self):
        # no handshake captured, clear frames: only with the header do they parse
        tmp = tempfile.mkdtemp(prefix="ica-ht-")
        path = os.path.join(tmp, "ht-mid.pcap")
        w = pcapgen.PcapWriter(path)
        s = pcapgen.TcpStream(w, ("10.0.0.5", 40100), ("10.0.0.6", 1494))
        # 0x18 = bandwidth + round trip; 0x6400 = 786432 bytes/s (0xC00 << 8); 42 ms; SETMOU_POSITION, SET_LED
        s.send("s2c", bytes.fromhex("0d00 00 18 0064 2a00 1c 0100 0200 3701"))
        s.send("c2s", bytes.fromhex("0300 00 00 09"))
        w.close()
        d = per_direction(WS, path, ["ica.ht.round_trip", "ica.ht.bandwidth", "ica.ht.inferred", "ica.cmd"])
        self.assertEqual(ints(d["s2c"]["ica.ht.round_trip"]), [42])
        self.assertEqual(ints(d["s2c"]["ica.ht.bandwidth"]), [786432])
        self.assertEqual([truth(v) for v in d["s2c"]["ica.ht.inferred"] + d["c2s"]["ica.ht.inferred"]],
                         [True, True])
        self.assertEqual(ints(d["s2c"]["ica.cmd"]), [0x1c, 0x37])
        self.assertEqual(ints(d["c2s"]["ica.cmd"]), [0x09])
        notes = [m for m in experts(WS, path)["s2c"] if m.startswith("High-throughput header inferred")]
        self.assertEqual(len(notes), 1)


class Corrections(unittest.TestCase):
    def test_wd_codes(self):
        d = per_direction(WS, HT, ["ica.cmd", "ica.cmd.length", "ica.terminate.reason",
                                   "ica.terminate.ack_without_length"])
        # 0x39 has one fixed byte (the VIRTUAL_WRITE1 after it decodes), 0x3a/0x41 a u16 length
        self.assertIn(0x39, ints(d["c2s"]["ica.cmd"]))
        self.assertEqual(ints(d["s2c"]["ica.cmd"])[-3:], [0x3a, 0x41, 0x05])
        self.assertEqual(ints(d["c2s"]["ica.terminate.reason"]), [2])
        self.assertEqual([truth(v) for v in d["c2s"]["ica.terminate.ack_without_length"]], [True])
        self.assertEqual(ints(d["s2c"]["ica.terminate.reason"]), [2])
        self.assertEqual(d["s2c"]["ica.terminate.ack_without_length"], [])
        for m in experts(WS, HT)["c2s"] + experts(WS, HT)["s2c"]:
            self.assertNotIn("no known length rule", m)
            self.assertNotIn("Sources disagree", m)

    def test_packet_priority_at_its_offset(self):
        rows = WS.fields(HT, ["ica.cap.packet_priority.offset", "ica.cap.packet_priority.array_length",
                              "ica.cap.packet_priority.priority"], filter="ica.cap.packet_priority.offset")
        self.assertEqual(rows, [["12", "7", "0,1,1,2,3,0,2"]])

    def test_priority_bits_always_masked(self):
        # mid-session, no PDRFRAME version known: lengths 0x4003 and 0x8003 are 3-byte frames
        tmp = tempfile.mkdtemp(prefix="ica-prio-")
        path = os.path.join(tmp, "prio.pcap")
        w = pcapgen.PcapWriter(path)
        s = pcapgen.TcpStream(w, ("10.0.0.7", 40200), ("10.0.0.8", 1494))
        s.send("s2c", bytes.fromhex("0340 00 0909 0380 00 3701"))
        w.close()
        rows = WS.fields(path, ["ica.frame.length", "ica.frame.priority", "ica.cmd"], filter="ica")
        self.assertEqual(rows, [["3,3", "1,2", "0x09,0x09,0x37"]])


class KeyRecoveryWithHeader(unittest.TestCase):
    """ica-ht-midsession.pcap: mid-session, Basic key 0xB5 never sent, high-throughput header."""

    def test_key_and_header_found(self):
        path = capture("ica-ht-midsession.pcap")
        rows = WS.fields(path, ["frame.number", "ica.session_key.recovered"], filter="ica.session_key.recovered")
        self.assertEqual(rows, [["13", "0xb5"]])
        d = per_direction(WS, path, ["ica.ht.round_trip", "ica.ht.bandwidth", "ica.ht.inferred", "ica.cmd"])
        # all decrypted frames are shown in frame 13 (server), where the key was accepted
        s = d["s2c"]
        self.assertEqual(ints(s["ica.ht.round_trip"]), [64, 66, 61, 75, 68])
        self.assertEqual(ints(s["ica.ht.bandwidth"]), [786432])
        self.assertEqual([truth(v) for v in s["ica.ht.inferred"]], [True] * 11)
        self.assertEqual(ints(s["ica.cmd"]), [0x1c] * 5 + [0x0d] * 5 + [0x30])


class KeyRecovery(unittest.TestCase):
    """captures/spike-ica-2001-midsession.pcap = frames 101-174 of the real capture."""
    FIELDS = ["ica.decrypted_data"]

    @classmethod
    def setUpClass(cls):
        cls.full = per_direction(WS, SPIKE, cls.FIELDS, server_port=1494)

    def check_same_as_full(self, cut, replay_elsewhere=False):
        # the full capture's last 30 client and 31 server frames, decrypted through its key exchange
        want = {d: self.full[d]["ica.decrypted_data"][-n:] for d, n in (("c2s", 30), ("s2c", 31))}
        if not replay_elsewhere:
            for d in want:
                self.assertEqual(cut[d]["ica.decrypted_data"], want[d])
            return
        # frames decrypted after the key was accepted are shown in the accepting packet,
        # whatever their direction: compare all of them, each frame's bytes exactly
        got = cut["c2s"]["ica.decrypted_data"] + cut["s2c"]["ica.decrypted_data"]
        self.assertEqual(sorted(got), sorted(want["c2s"] + want["s2c"]))

    def test_recovered_key(self):
        rows = WS.fields(SPIKE_CUT, ["frame.number", "ica.session_key.recovered", "ica.session_key.source"],
                         filter="ica.session_key.recovered")
        self.assertEqual(rows, [["9", "0xf4", "2"]])
        notes = [m for m in experts(WS, SPIKE_CUT)["s2c"] if m.startswith("Basic session key 0xf4 recovered")]
        self.assertEqual(len(notes), 1)
        self.check_same_as_full(per_direction(WS, SPIKE_CUT, self.FIELDS), replay_elsewhere=True)
        # every frame but each direction's first is decrypted: 3 + 3 of them after the fact,
        # all shown in frame 9, where the key was accepted
        self.assertEqual(WS.fields(SPIKE_CUT, ["frame.number"], filter="ica.frame.replayed"), [["9"]])
        replayed = WS.fields(SPIKE_CUT, ["ica.frame.replayed"], filter="ica.frame.replayed")
        self.assertEqual(sum(len(r[0].split(",")) for r in replayed), 6)

    def test_stats_tree_says_recovered(self):
        out = WS.tshark(SPIKE_CUT, ["-q", "-z", "ica,tree"])
        rows = [l.strip().split("  ")[0] for l in out.splitlines() if l.strip().startswith("Encryption:")]
        self.assertEqual(rows, ["Encryption: Basic (session key 0xf4, recovered from the data)"])

    def test_key_by_preference(self):
        extra = ["-o", "ica.recover_key:FALSE", "-o", "ica.session_key:f4"]
        self.check_same_as_full(per_direction(WS, SPIKE_CUT, self.FIELDS, extra=extra))
        self.assertEqual(WS.fields(SPIKE_CUT, ["frame.number"], filter="ica.session_key.recovered", extra=extra), [])
        rows = WS.fields(SPIKE_CUT, ["frame.number"], filter="_ws.expert.message contains \"first frame depends\"",
                         extra=extra)
        self.assertEqual(rows, [["1"], ["2"]])

    def test_recovery_off(self):
        extra = ["-o", "ica.recover_key:FALSE"]
        cut = per_direction(WS, SPIKE_CUT, self.FIELDS, extra=extra)
        self.assertEqual(cut["c2s"]["ica.decrypted_data"] + cut["s2c"]["ica.decrypted_data"], [])


if __name__ == "__main__":
    unittest.main(verbosity=2)
