#!/usr/bin/env python3
"""ICA dissector on the real session captures/spike-ica-2001.pcap (ica.md §0, §5.3, §8, §9):
exact decoded values, command counts per direction, zero malformed frames,
heuristic on another port, --disable-heuristic, preferences, statistics."""
import collections
import os
import struct
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.join(HERE, "..", "..")
sys.path.insert(0, os.path.join(TOP, "tools", "lib"))
sys.path.insert(0, os.path.join(TOP, "tools", "captures"))
from wsrun import Wireshark  # noqa: E402
import pcapgen  # noqa: E402

WS = Wireshark()
SPIKE = os.path.join(TOP, "captures", "spike-ica-2001.pcap")
CLIENT, SERVER = 1193, 1494


def spike_segments():
    """(direction, payload) of every TCP segment with data, in capture order."""
    out = []
    with open(SPIKE, "rb") as f:
        f.read(24)
        while True:
            rh = f.read(16)
            if len(rh) < 16:
                break
            incl = struct.unpack("<I", rh[8:12])[0]
            pkt = f.read(incl)
            if pkt[12:14] != b"\x08\x00" or pkt[23] != 6:
                continue
            ihl = (pkt[14] & 0x0F) * 4
            iplen = struct.unpack("!H", pkt[16:18])[0]
            tcp = pkt[14 + ihl:]
            thl = (tcp[12] >> 4) * 4
            payload = tcp[thl:iplen - ihl]
            if payload:
                sport = struct.unpack("!H", tcp[0:2])[0]
                out.append(("c2s" if sport == CLIENT else "s2c", payload))
    return out


def rebuild(path, cport, sport, cut=None):
    """The same session on other ports; cut(n) gives segment sizes for n bytes."""
    w = pcapgen.PcapWriter(path)
    s = pcapgen.TcpStream(w, ("192.168.1.100", cport), ("192.168.1.101", sport))
    s.handshake()
    for direction, payload in spike_segments():
        s.send(direction, payload, segments=cut(len(payload)) if cut else [len(payload)])
    w.close()


def command_counts(capture, server_port, extra=()):
    rows = WS.fields(capture, ["tcp.srcport", "ica.cmd"], filter="ica.cmd", extra=extra)
    counts = collections.Counter()
    for port, cmds in rows:
        d = "s2c" if int(port) == server_port else "c2s"
        for c in cmds.split(","):
            counts[(d, int(c, 16))] += 1
    return counts


# ica.md §8 full parse plus the handshake packets (§3)
EXPECTED_COUNTS = {
    ("c2s", 0x01): 16, ("c2s", 0x04): 1,                        # INIT_RESPONSE, INIT_CONNECT_RESPONSE
    ("c2s", 0x09): 1, ("c2s", 0x06): 1, ("c2s", 0x30): 5, ("c2s", 0x0D): 34,
    ("s2c", 0x00): 1, ("s2c", 0x02): 4,                         # INIT_REQUEST, INIT_CONNECT
    ("s2c", 0x33): 2, ("s2c", 0x31): 19, ("s2c", 0x1C): 35, ("s2c", 0x37): 1,
}


class SpikeSession(unittest.TestCase):
    def test_client_identity(self):
        rows = WS.fields(SPIKE, ["frame.number", "ica.client_name", "ica.client_build"], filter="ica.client_name")
        self.assertEqual(rows, [["12", "spike", "908"]])
        rows = WS.fields(SPIKE, ["frame.number", "ica.client_product_id"], filter="ica.client_product_id")
        self.assertEqual(rows, [["18", "0x0051"]])
        rows = WS.fields(SPIKE, ["frame.number", "ica.td.client_ip", "ica.td.client_port"], filter="ica.td.client_ip")
        self.assertEqual(rows, [["13", "192.168.1.100", "1193"]])

    def test_session_key_and_encryption(self):
        rows = WS.fields(SPIKE, ["frame.number", "ica.crypt.header", "ica.session_key"], filter="ica.session_key")
        self.assertEqual(rows, [["39", "0x04", "0xf4"]])
        rows = WS.fields(SPIKE, ["frame.number", "ica.crypt.header"], filter="ica.crypt.header == 2")
        self.assertEqual(rows, [["38", "0x02"]])
        enc = WS.fields(SPIKE, ["ica.encryption"], filter="frame.number >= 41 && ica")
        self.assertTrue(enc and all(r == ["2"] for r in enc), enc)          # Basic
        self.assertEqual(len(WS.fields(SPIKE, ["frame.number"], filter="ica.crypt.header == 1")), 95 - 2)

    def test_channel_bindings(self):
        rows = WS.fields(SPIKE, ["ica.vc.name", "ica.vc.number"], filter="frame.number == 18")
        self.assertEqual(rows, [["CTXTW,CTXCLIP,CTXCDM,CTXCPM,CTXCAM,CTXCM,CTXCCM,CTXTWI,CTXZLFK",
                                 "9,17,10,4,12,13,8,15,18"]])

    def test_module_list(self):
        rows = WS.fields(SPIKE, ["frame.number", "ica.module.count", "ica.module.class", "ica.module.name",
                                 "ica.module.host_name", "ica.module.version_low", "ica.module.version_high"],
                         filter="ica.cmd == 1")
        expected = [
            ("12", 15, 0, "wfica", "", 1, 4), ("13", 14, 5, "TCP", "", 1, 2),
            ("15", 13, 4, "PDRFRAME.DLL", "PDRFRAME", 1, 2), ("16", 12, 4, "PDCRYPT1.DLL", "PDCRYPT1", 1, 1),
            ("18", 11, 2, "ICA 3.0", "WDICA", 1, 9), ("19", 10, 3, "Thinwire3.0", "vdtw30", 1, 4),
            ("21", 9, 3, "Clipboard", "", 2, 2), ("22", 8, 3, "ClientDrive", "", 1, 4),
            ("24", 7, 3, "ClientPrinte", "", 4, 6), ("25", 6, 3, "VDCAM.DLL", "ICA", 1, 1),
            ("27", 5, 9, "ClientAudCvt", "", 1, 1), ("28", 4, 9, "ADPCM_Module", "", 1, 1),
            ("30", 3, 3, "ClientManage", "ICA", 1, 1), ("31", 2, 3, "ClientComm", "", 4, 4),
            ("33", 1, 3, "VDTWIN.DLL", "", 1, 1), ("34", 0, 3, "VDFON30W.DLL", "", 1, 1),
        ]
        self.assertEqual(rows, [[f, str(c), str(k), n, h, str(lo), str(hi)] for f, c, k, n, h, lo, hi in expected])
        masks = WS.fields(SPIKE, ["frame.number", "ica.vd.channel_mask"], filter="ica.vd.channel_mask")
        self.assertEqual([m for _, m in masks], ["0x00000200", "0x00020000", "0x00000400", "0x00000010",
                                                 "0x00001000", "0x00002000", "0x00000100", "0x00008000",
                                                 "0x00040000"])

    def test_init_request_and_connect(self):
        rows = WS.fields(SPIKE, ["ica.init_request.level", "ica.cap.signature", "ica.cap.reducers"],
                         filter="frame.number == 11")
        self.assertEqual(rows, [["7", "2,1,4", "0x0003"]])
        rows = WS.fields(SPIKE, ["ica.module.class", "ica.module.version", "ica.pd.class", "ica.reducer.level",
                                 "ica.wd.c2h_pow2_agreed", "ica.wd.h2c_pow2_agreed", "ica.wd.server_code_page",
                                 "ica.wd.c2h_max_new_data"], filter="frame.number == 36")
        self.assertEqual(rows, [["2,4,4,5", "9,1,1,1", "9,11", "2", "0", "0", "1252", "2000"]])
        rows = WS.fields(SPIKE, ["ica.cmd", "ica.cmd.length"], filter="frame.number == 37")
        self.assertEqual(rows, [["0x04", "0"]])

    def test_command_counts_per_direction(self):
        self.assertEqual(dict(command_counts(SPIKE, SERVER)), EXPECTED_COUNTS)
        # two-pass: the second pass reads what the first pass stored
        self.assertEqual(dict(command_counts(SPIKE, SERVER, extra=["-2"])), EXPECTED_COUNTS)

    def test_virtual_channel_writes(self):
        rows = WS.fields(SPIKE, ["tcp.srcport", "ica.vc.number", "ica.vc.name"],
                         filter="ica.cmd == 0x31 || ica.cmd == 0x30")
        per = collections.Counter()
        for port, chans, names in rows:
            cmd = "0x31" if port == "1494" else "0x30"
            for ch, name in zip(chans.split(","), names.split(",")):
                per[(port, cmd, ch, name)] += 1
        self.assertEqual(dict(per), {
            ("1494", "0x31", "9", "CTXTW"): 16, ("1494", "0x31", "12", "CTXCAM"): 2,
            ("1494", "0x31", "15", "CTXTWI"): 1, ("1193", "0x30", "12", "CTXCAM"): 5})

    def test_info_column(self):
        rows = WS.fields(SPIKE, ["frame.number", "_ws.col.Info"], filter="frame.number == 11 || frame.number == 18 || frame.number == 45 || frame.number == 64")
        self.assertEqual(rows, [["11", "INIT_REQUEST level 7"], ["18", "INIT_RESPONSE WDICA (WinStation driver)"],
                                ["45", "REDISPLAY"], ["64", "VIRTUAL_WRITE2 CTXTW 1629 bytes"]])

    def test_input_commands(self):
        rows = WS.fields(SPIKE, ["ica.redraw.x1", "ica.redraw.y1", "ica.redraw.x2", "ica.redraw.y2"],
                         filter="frame.number == 46")
        self.assertEqual(rows, [["0", "0", "640", "480"]])       # ica.md §8 REDRAW example
        rows = WS.fields(SPIKE, ["ica.mouse.x"], filter="ica.cmd == 0x0d")
        self.assertEqual(sum(len(r[0].split(",")) for r in rows), 34)
        rows = WS.fields(SPIKE, ["ica.pointer.x"], filter="ica.cmd == 0x1c")
        self.assertEqual(sum(len(r[0].split(",")) for r in rows), 35)

    def test_decrypted_bytes_and_reassembly(self):
        # ica.md §6.3: server frame 41 decrypts to SET_GRAPHICS 33 00; frames 60+61 are one 1458-byte frame.
        rows = WS.fields(SPIKE, ["ica.decrypted_data"], filter="frame.number == 45")
        self.assertEqual(rows, [["09"]])
        rows = WS.fields(SPIKE, ["ica.frame.length", "ica.reassembled_length"], filter="frame.number == 61")
        self.assertEqual(rows, [["1458", "1460"]])
        # the 2038-byte VIRTUAL_WRITE2 spanning three frames completes in one frame, shown whole
        rows = WS.fields(SPIKE, ["ica.cmd.length", "ica.vc.length"], filter="ica.cmd.length == 2038")
        self.assertEqual(len(rows), 1)
        self.assertEqual(rows[0][1], "2037")

    def test_no_malformed_no_warnings(self):
        self.assertEqual(WS.fields(SPIKE, ["frame.number"], filter="_ws.malformed"), [])
        # only chat-level reassembly notes; nothing of note level or above
        self.assertEqual(WS.fields(SPIKE, ["frame.number"], filter="ica && _ws.expert.severity > 0x00200000"), [])
        rows = WS.fields(SPIKE, ["frame.number", "ica.pending.unit_seen", "ica.pending.unit_length"],
                         filter="frame.number == 60")
        self.assertEqual(rows, [["60", "1448", "1460"]])
        self.assertEqual(WS.fields(SPIKE, ["frame.number"], filter="ica.undecoded"), [])

    def test_stats_tree(self):
        out = WS.tshark(SPIKE, ["-q", "-z", "ica,tree"])
        rows = [(l[:43].strip(), l[43:].split()) for l in out.splitlines() if l.startswith((" ", "I", "V"))]
        counts = [(name, vals[0]) for name, vals in rows if vals]
        session = "192.168.1.100:1193 -> 192.168.1.101:1494"
        self.assertEqual(counts, [
            ("ICA sessions", "1"), (session, "1"),
            ("Encryption: Basic (session key 0xf4)", "1"),
            ("Compression server to client: none", "1"), ("Compression client to server: none", "1"),
            ("Client product id: 0x0051 (UNIX)", "1"), ("Client name: spike", "1"), ("Client build: 908", "1"),
            ("ICA packets per session", "123"), (session, "123"),
            ("Virtual channel payload bytes", "14339"), (session, "14339"),
            ("CTXTW (channel 9)", "14169"), ("server to client", "14169"),
            ("CTXCAM (channel 12)", "143"), ("server to client", "105"), ("client to server", "38"),
            ("CTXTWI (channel 15)", "27"), ("server to client", "27"),
        ])

    def test_decryption_preference_off(self):
        counts = command_counts(SPIKE, SERVER, extra=["-o", "ica.decrypt:FALSE"])
        self.assertEqual(sum(v for (d, c), v in counts.items() if c > 0x04), 0)
        rows = WS.fields(SPIKE, ["ica.encrypted_data", "_ws.expert.message"], filter="frame.number == 45",
                         extra=["-o", "ica.decrypt:FALSE"])
        self.assertEqual(rows, [["0a", "Basic decryption switched off by preference"]])

    def test_desegment_preference_off(self):
        # frames 60+61 hold one frame split over two segments: with reassembly off
        # that unit is not decoded and the server direction resumes at the next
        # plausible frame; so for every unit split over segments (14 frames).  The
        # 19 VIRTUAL_WRITE2 of the session: the 9 in split frames are lost, the
        # 35 SET_GRAPHICS... commands all lie in whole frames.
        extra = ["-o", "ica.desegment:FALSE"]
        rows = WS.fields(SPIKE, ["frame.number"], filter="ica.not_reassembled", extra=extra)
        self.assertEqual([r[0] for r in rows], ["60", "61", "63", "64", "68", "70", "75", "77", "79", "81", "85",
                                                "87", "88", "90"])
        counts = command_counts(SPIKE, SERVER, extra=extra)
        self.assertEqual(counts[("s2c", 0x1C)], 35)
        self.assertEqual(counts[("s2c", 0x31)], 10)
        self.assertEqual(counts[("c2s", 0x0D)], 34)


class OtherPorts(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="ica-test-")
        cls.moved = os.path.join(cls.tmp, "spike-port-5000.pcap")
        rebuild(cls.moved, 40001, 5000)

    def test_heuristic_on_other_port(self):
        self.assertEqual(dict(command_counts(self.moved, 5000)), EXPECTED_COUNTS)
        rows = WS.fields(self.moved, ["ica.client_name", "ica.session_key"], filter="ica.client_name || ica.session_key")
        self.assertEqual(rows, [["spike", ""], ["", "0xf4"]])

    def test_disable_heuristic(self):
        extra = ["--disable-heuristic", "citrix_ica_tcp"]
        self.assertEqual(WS.fields(self.moved, ["frame.number"], filter="ica", extra=extra), [])
        # Decode As still works with the heuristic off
        counts = command_counts(self.moved, 5000, extra=extra + ["-d", "tcp.port==5000,ica"])
        self.assertEqual(dict(counts), EXPECTED_COUNTS)

    def test_random_segments_same_fields(self):
        import random
        rnd = random.Random(1494)

        def cut(n):
            sizes = []
            while n:
                k = min(n, rnd.randint(1, 97))
                sizes.append(k)
                n -= k
            return sizes
        path = os.path.join(self.tmp, "spike-random.pcap")
        rebuild(path, 40002, 1494, cut)
        self.assertEqual(dict(command_counts(path, 1494)), EXPECTED_COUNTS)
        self.assertEqual(WS.fields(path, ["frame.number"], filter="_ws.malformed || ica.undecoded"), [])
        names = WS.fields(path, ["ica.client_name"], filter="ica.client_name")
        self.assertEqual(names, [["spike"]])

    def test_one_byte_segments_same_fields(self):
        # findings/ica.md: the first server segment is the single byte 7f
        path = os.path.join(self.tmp, "spike-1byte.pcap")
        rebuild(path, 40005, 1494, lambda n: [1] * n)
        self.assertEqual(dict(command_counts(path, 1494)), EXPECTED_COUNTS)
        rows = WS.fields(path, ["ica.client_name", "ica.client_build", "ica.client_product_id", "ica.session_key"],
                         filter="ica.client_name || ica.client_product_id || ica.session_key")
        self.assertEqual(rows, [["spike", "908", "", ""], ["", "", "0x0051", ""], ["", "", "", "0xf4"]])
        self.assertEqual(WS.fields(path, ["frame.number"], filter="_ws.malformed || ica.undecoded"), [])

    def test_retransmissions_ignored(self):
        path = os.path.join(self.tmp, "spike-retrans.pcap")
        w = pcapgen.PcapWriter(path)
        s = pcapgen.TcpStream(w, ("192.168.1.100", 40006), ("192.168.1.101", 1494))
        s.handshake()
        resent = 0
        for i, (direction, payload) in enumerate(spike_segments()):
            sent = s.send(direction, payload)
            if i in (20, 60, 61):               # a handshake packet, a data frame, a split frame's tail
                s.resend(direction, *sent[0])
                resent += 1
        w.close()
        # TCP's default keeps retransmissions away from subdissectors; when it
        # does hand them over, ICA must skip the bytes it has already decoded.
        self.assertEqual(dict(command_counts(path, 1494)), EXPECTED_COUNTS)
        extra = ["-o", "tcp.analyze_sequence_numbers:FALSE"]
        self.assertEqual(dict(command_counts(path, 1494, extra=extra)), EXPECTED_COUNTS)
        rows = WS.fields(path, ["frame.number"], filter="ica.retransmitted", extra=extra)
        self.assertEqual(len(rows), resent)
        self.assertEqual(WS.fields(path, ["frame.number"], filter="_ws.malformed || ica.undecoded", extra=extra), [])

    def test_tls_on_1494_is_marked_encrypted(self):
        path = os.path.join(self.tmp, "tls-1494.pcap")
        w = pcapgen.PcapWriter(path)
        s = pcapgen.TcpStream(w, ("10.0.0.1", 40004), ("10.0.0.2", 1494))
        s.handshake()
        hello = bytes.fromhex("0100002d0303") + bytes(32) + bytes.fromhex("000002002f0100")
        s.send("c2s", bytes.fromhex("160301") + len(hello).to_bytes(2, "big") + hello)
        w.close()
        rows = WS.fields(path, ["ica.encryption", "tls.record.content_type", "_ws.expert.message"], filter="ica")
        self.assertEqual(rows, [["4", "22", "ICA over TLS: shown as encrypted"]])

    def test_unknown_command_stops_until_a_frame_parses(self):
        # mid-session, clear frames: REDISPLAY, then 0x3d (no length rule in any source)
        path = os.path.join(self.tmp, "unknown-cmd.pcap")
        w = pcapgen.PcapWriter(path)
        s = pcapgen.TcpStream(w, ("10.0.0.1", 40007), ("10.0.0.2", 1494))
        s.send("c2s", bytes.fromhex("0400 00 09 3d 01"))
        s.send("c2s", bytes.fromhex("0200 00 09"))
        s.send("s2c", bytes.fromhex("0300 00 37 01"))
        w.close()
        rows = WS.fields(path, ["frame.number", "ica.cmd", "ica.undecoded", "_ws.expert.message"], filter="ica")
        self.assertEqual(rows[0], ["1", "0x09", "3d01", "Capture starts in the middle of an ICA session: no handshake, "
                                   "no key,WD command 0x3d has no known length rule; WD decoding resumes at the next "
                                   "frame whose bytes parse as whole commands"])
        # same direction: the next frame parses as whole commands, so WD decoding resumes there
        self.assertEqual(rows[1], ["2", "0x09", "", "WD decoding resumes at this frame (its bytes parse as whole commands)"])
        self.assertEqual(rows[2][:2], ["3", "0x37"])             # other direction goes on (SET_LED)

    def test_lying_lengths_are_marked(self):
        # clear mid-session frames: VIRTUAL_WRITE2 with length 0 (the length counts the
        # channel byte), then a frame whose length word 0xffff never completes: the top two
        # bits are the priority, always masked (ica-modern.md §4), so it claims 0x3fff bytes
        path = os.path.join(self.tmp, "lying-lengths.pcap")
        w = pcapgen.PcapWriter(path)
        s = pcapgen.TcpStream(w, ("10.0.0.1", 40008), ("10.0.0.2", 1494))
        s.send("s2c", bytes.fromhex("0400 00 31 00 00"))
        s.send("s2c", bytes.fromhex("ffff 00 01 02 03"))
        w.close()
        rows = WS.fields(path, ["frame.number", "ica.cmd", "ica.pending.unit_seen", "ica.pending.unit_length",
                                "_ws.expert.message"], filter="ica")
        self.assertEqual(rows[0][:2], ["1", "0x31"])
        self.assertIn("VIRTUAL_WRITE length 0: no channel byte", rows[0][4])
        self.assertEqual(rows[1][:5], ["2", "", "6", "16385", "Incomplete ICA unit: 6 of 16385 bytes so far"])

    def test_not_ica_on_1494_is_left_alone(self):
        path = os.path.join(self.tmp, "http-1494.pcap")
        w = pcapgen.PcapWriter(path)
        s = pcapgen.TcpStream(w, ("10.0.0.1", 40003), ("10.0.0.2", 1494))
        s.handshake()
        s.send("c2s", b"GET / HTTP/1.0\r\n\r\n")
        w.close()
        self.assertEqual(WS.fields(path, ["frame.number"], filter="ica"), [])


class FieldReference(unittest.TestCase):
    def test_every_field_documented(self):
        out, _ = WS.run(["-G", "fields"])
        fields = {r.split("\t")[2] for r in out.splitlines()
                  if r.startswith("F\t") and r.split("\t")[4] == "ica"}
        with open(os.path.join(TOP, "README.md")) as f:
            readme = f.read()
        section = readme.split("<!-- ica fields -->")[1].split("<!-- ccha fields -->")[0]
        import re
        documented = set(re.findall(r"^\| `(ica[.a-z0-9_]*)` \|", section, re.M))
        self.assertGreater(len(fields), 200)
        self.assertEqual(fields - documented, set())
        self.assertEqual(documented - fields, set())


if __name__ == "__main__":
    unittest.main(verbosity=2)
