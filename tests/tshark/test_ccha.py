#!/usr/bin/env python3
"""TCP 2014 ("Citrix Command Center HA", framing undocumented) on real captures.

captures/ccha-*.pcap were recorded on loopback from real programs
(tools/captures/record_ccha_captures.sh; provenance in captures/README.md).  Frame
numbers and times below were read from those files once and are fixed.
"""
import os
import subprocess
import sys
import tempfile
import unittest

TOP = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
sys.path.insert(0, os.path.join(TOP, "tools", "lib"))
sys.path.insert(0, os.path.join(TOP, "tools", "captures"))
from wsrun import Wireshark  # noqa: E402
import statstree  # noqa: E402
from pcapgen import ACK, PcapWriter, TcpStream  # noqa: E402

WS = Wireshark()
CAP = os.path.join(os.environ.get("CITRIX_SRC", TOP), "captures")

OPAQUE, TLS, RMI, JAVA_SER, MYSQL, HTTP = "0", "1", "2", "3", "4", "5"
U32BE_EXCL, U16LE_EXCL = "0", "6"


def cap(name):
    return os.path.join(CAP, "ccha-%s.pcap" % name)


def rows(name, fields, filter="ccha", extra=()):
    return WS.fields(cap(name), ["frame.number"] + fields, filter=filter, extra=extra)


CCHA_EXPERT_STARTS = ("Gap of", "Link closed", "Link reset", "Carrier identified", "No known carrier",
                      "Record boundaries inferred", "Message does not fit")  # "Link ..." covers ccha.link.incomplete


def experts(capture, extra=()):
    """(frame, expert message) for every ccha expert info (TCP's own are left out)."""
    out = WS.tshark(capture, ["-T", "fields", "-e", "frame.number", "-e", "_ws.expert.message",
                              "-E", "occurrence=a", "-E", "aggregator=|", "-Y", "ccha"] + list(extra))
    found = []
    for line in out.splitlines():
        num, _, msgs = line.partition("\t")
        found += [(int(num), m) for m in msgs.split("|") if m.startswith(CCHA_EXPERT_STARTS)]
    return found


def data_frames(name):
    return [r[0] for r in WS.fields(cap(name), ["frame.number"], filter="tcp.len > 0")]


class Registration(unittest.TestCase):
    def test_heuristic_registered_enabled(self):
        out, _ = WS.run(["-G", "heuristic-decodes"])
        self.assertIn("tcp\tccha\tT", out.splitlines())

    def test_protocol_and_fields(self):
        out, _ = WS.run(["-G", "protocols"])
        self.assertIn("Citrix Command Center HA (framing undocumented)\tCCHA\tccha", out.splitlines())
        out, _ = WS.run(["-G", "fields"])
        ours = sorted(line.split("\t")[2] for line in out.splitlines()
                      if line.startswith("F\t") and line.split("\t")[2].startswith("ccha."))
        self.assertEqual(ours, sorted([
            "ccha.service_port", "ccha.direction", "ccha.carrier", "ccha.carrier_frame", "ccha.message",
            "ccha.continued", "ccha.interval", "ccha.interval_median", "ccha.gap_threshold", "ccha.gap",
            "ccha.data", "ccha.inferred_prefix", "ccha.inferred_record", "ccha.inferred_record.length",
            "ccha.inferred_record.body", "ccha.link_event",
            # expert infos
            "ccha.carrier.identified", "ccha.undocumented", "ccha.inferred", "ccha.inferred.misfit",
            "ccha.gap.exceeded", "ccha.link.close", "ccha.link.reset", "ccha.link.incomplete"]))


class Carriers(unittest.TestCase):
    """Every data frame of each real-peer capture: carrier, and Wireshark's own dissector on top."""

    def check_carrier(self, name, carrier, proto, first_frame=4, held=()):
        """held: frames the carrier's dissector asked TCP to hold for reassembly."""
        got = rows(name, ["ccha.carrier", "ccha.carrier_frame", "frame.protocols"], filter="tcp.len > 0")
        self.assertEqual([r[0] for r in got], data_frames(name))
        for num, c, cf, protos in got:
            self.assertEqual((c, cf), (carrier, str(first_frame)), num)
            if num in held:
                self.assertEqual(protos, "eth:ethertype:ip:tcp:ccha", num)
            else:
                self.assertTrue(protos.startswith("eth:ethertype:ip:tcp:ccha:" + proto), (num, protos))
        self.assertEqual(experts(cap(name))[0], (first_frame, "Carrier identified from the first bytes: " + {
            TLS: "TLS", RMI: "Java RMI (JRMP)", JAVA_SER: "Java serialization stream", MYSQL: "MySQL",
            HTTP: "HTTP"}[carrier]))

    def same_as_decode_as(self, name, proto, fields):
        """Our handoff yields exactly what Wireshark's dissector gives when forced by Decode As."""
        ours = rows(name, fields, filter="tcp.len > 0")
        forced = WS.fields(cap(name), ["frame.number"] + fields, filter="tcp.len > 0",
                           extra=["-d", "tcp.port==2014," + proto])
        self.assertEqual(ours, forced)
        self.assertTrue(any(any(v for v in r[1:]) for r in ours), ours)

    def test_tls(self):
        self.check_carrier("tls", TLS, "tls")
        got = rows("tls", ["tls.handshake.type", "tls.record.version"], filter="tls.handshake.type")
        self.assertEqual(got[0], ["4", "1", "0x0301"])          # Client Hello
        self.assertEqual(got[1][:2], ["6", "2"])                # Server Hello
        self.same_as_decode_as("tls", "tls", ["tls.record.content_type", "tls.record.length", "tls.handshake.type"])

    def test_mysql(self):
        self.check_carrier("mysql", MYSQL, "mysql")
        got = rows("mysql", ["mysql.version", "mysql.user", "mysql.query"], filter="mysql")
        self.assertEqual(got[0], ["4", "5.5.5-10.11.19-MariaDB-0+deb12u1", "", ""])
        self.assertEqual(got[1], ["6", "", "root", ""])
        self.assertEqual(got[3], ["9", "", "", 'SELECT 1+1 AS two, VERSION() LIKE "%MariaDB%" AS is_mariadb'])
        self.same_as_decode_as("mysql", "mysql", ["mysql.version", "mysql.user", "mysql.query",
                                                  "mysql.response_code"])

    def test_rmi(self):
        self.check_carrier("rmi", RMI, "rmi")
        got = rows("rmi", ["rmi.magic", "rmi.version", "rmi.inputstream.message", "rmi.outputstream.message"],
                   filter="tcp.len > 0")
        self.assertEqual(got, [["4", "0x4a524d49", "2", "", ""], ["6", "", "", "0x4e", ""], ["8", "", "", "", ""],
                               ["9", "", "", "", "0x50"], ["11", "", "", "0x51", ""]])

    def test_java_serialization(self):
        # Wireshark 4.0 has no standalone serialization dissector; its
        # "serialization" protocol is shown by the RMI dissector, used here
        # for the stream header only.  Later messages stay undecoded.
        got = rows("javaser", ["ccha.carrier", "rmi.ser.magic", "rmi.ser.version", "_ws.col.Protocol",
                               "frame.protocols", "ccha.data"], filter="tcp.len > 0")
        self.assertEqual(got[0][:6], ["4", JAVA_SER, "0xaced", "5", "Serialization",
                                      "eth:ethertype:ip:tcp:ccha:rmi"])
        self.assertEqual(rows("javaser", [], filter="serialization"), [["4"]])
        self.assertEqual(len(got), 14)
        for r in got[1:]:
            self.assertEqual(r[1:6], [JAVA_SER, "", "", "CCHA", "eth:ethertype:ip:tcp:ccha"], r)
            self.assertTrue(r[6], r)
        self.assertEqual(got[1][6], "74001568656c6c6f2066726f6d2053657269616c50656572")
        self.assertEqual(experts(cap("javaser"))[0], (4, "Carrier identified from the first bytes: "
                                                         "Java serialization stream"))

    def test_http(self):
        # the response header (frame 6) is held by TCP until its body (frame 8)
        # arrives: reassembly works through the handoff
        self.check_carrier("http", HTTP, "http", held=("6",))
        got = rows("http", ["http.request.method", "http.request.uri", "http.response.code", "tcp.segment"],
                   filter="tcp.len > 0")
        self.assertEqual(got, [["4", "GET", "/index.html", "", ""], ["6", "", "", "", ""], ["8", "", "", "200", "6,8"]])
        self.same_as_decode_as("http", "http", ["http.request.method", "http.response.code", "http.content_length"])

    def test_opaque_stays_opaque(self):
        got = rows("opaque", ["ccha.carrier", "frame.protocols", "ccha.data", "ccha.inferred_prefix", "tcp.len"],
                   filter="tcp.len > 0")
        self.assertEqual([r[0] for r in got], ["4", "6", "8", "10"])
        for num, c, protos, data, prefix, tcplen in got:
            self.assertEqual((c, protos, prefix), (OPAQUE, "eth:ethertype:ip:tcp:ccha", ""), num)
            self.assertEqual(len(data), 2 * int(tcplen))
            self.assertTrue(data.startswith("c7"))
        self.assertEqual(experts(cap("opaque")), [
            (4, "No known carrier; the framing on this port is not documented, bytes shown undecoded"),
            (12, "Link closed (FIN) by the peer side"), (13, "Link closed (FIN) by the service-port side")])
        info = WS.fields(cap("opaque"), ["_ws.col.Info"], filter="frame.number == 8")
        self.assertEqual(info, [["Opaque data (framing undocumented), 9 bytes, to service port"]])


class LengthPrefix(unittest.TestCase):
    def test_u16le_boundaries_inferred(self):
        got = rows("lenprefix", ["ccha.inferred_prefix", "ccha.inferred_record.length", "ccha.inferred_record.body"],
                   filter="tcp.len > 0")
        # frames 4 and 6 fit too, but 3 consecutive fits are needed before
        # boundaries are shown (single pass and two passes agree)
        self.assertEqual([r[:3] for r in got], [
            ["4", "", ""], ["6", "", ""], ["8", U16LE_EXCL, "35"], ["10", U16LE_EXCL, "4,8,4"],
            ["12", U16LE_EXCL, "15"], ["14", U16LE_EXCL, "5,13,4"]])
        self.assertEqual(got[5][3], "696e646961,6a756c6965742d6a756c696574,6b696c6f")   # india, juliet-juliet, kilo
        self.assertIn((8, "Record boundaries inferred from a consistent length prefix (u16 little-endian, prefix "
                          "not counted) in 3 consecutive messages; not documented"), experts(cap("lenprefix")))
        self.assertEqual(WS.fields(cap("lenprefix"), ["_ws.col.Info"], filter="frame.number == 14"),
                         [["Opaque data (framing undocumented), 28 bytes, to service port, 3 inferred records"]])

    def test_two_pass_same(self):
        fields = ["ccha.inferred_prefix", "ccha.inferred_record.length"]
        self.assertEqual(rows("lenprefix", fields), rows("lenprefix", fields, extra=["-2"]))

    def test_heartbeat_records_u32be(self):
        got = rows("heartbeat", ["ccha.inferred_prefix", "ccha.inferred_record.length"], filter="tcp.stream == 0 "
                   "and tcp.len > 0")
        self.assertEqual(got[:6], [["4", "", ""], ["6", "", ""], ["8", "", ""], ["9", "", ""],
                                   ["11", U32BE_EXCL, "6"], ["12", U32BE_EXCL, "5"]])
        self.assertEqual(got[-1], ["48", U32BE_EXCL, "6"])


class Heartbeat(unittest.TestCase):
    """ccha-heartbeat.pcap: a beat every 0.2 s, one 3 s silence, FIN; then a second link ended by RST."""

    EXPECTED_EXPERTS = [
        (35, "Gap of 3.000 s since the previous message to service port (threshold 2.000 s, running median 0.200 s)"),
        (36, "Gap of 3.000 s since the previous message from service port (threshold 2.000 s, running median "
             "0.200 s)"),
        (50, "Link closed (FIN) by the peer side"),
        (51, "Link closed (FIN) by the service-port side"),
        (66, "Link reset (RST) by the peer side"),
    ]

    def sequence_experts(self, extra=()):
        return [e for e in experts(cap("heartbeat"), extra) if e[1].startswith(("Gap", "Link"))]

    def test_exact_experts(self):
        self.assertEqual(self.sequence_experts(), self.EXPECTED_EXPERTS)

    def test_exact_experts_two_pass(self):
        self.assertEqual(self.sequence_experts(["-2"]), self.EXPECTED_EXPERTS)

    def test_gap_fields(self):
        got = rows("heartbeat", ["ccha.direction", "ccha.message", "ccha.interval", "ccha.interval_median",
                                 "ccha.gap_threshold"], filter="ccha.gap == 1")
        self.assertEqual(got, [["35", "0", "11", "3.000370000", "0.200375000", "2.000000000"],
                               ["36", "1", "11", "3.000379000", "0.200368000", "2.000000000"]])
        # judged from the 5th message on (3 previous intervals): 11 of 15 per direction
        judged = rows("heartbeat", ["ccha.gap"], filter="tcp.stream == 0 and ccha.gap_threshold")
        self.assertEqual(len(judged), 2 * 11)
        self.assertEqual(sum(1 for r in judged if r[1] == "1"), 2)

    def test_message_numbering(self):
        got = rows("heartbeat", ["ccha.direction", "ccha.message"], filter="tcp.stream == 1 and tcp.len > 0")
        self.assertEqual(got, [["56", "0", "1"], ["58", "1", "1"], ["60", "0", "2"], ["61", "1", "2"],
                               ["63", "0", "3"], ["64", "1", "3"]])

    def test_link_events(self):
        got = rows("heartbeat", ["ccha.link_event", "ccha.direction"], filter="ccha.link_event")
        self.assertEqual(got, [["50", "1", "0"], ["51", "1", "1"], ["66", "2", "0"]])

    def test_floor_preference(self):
        self.assertEqual(rows("heartbeat", ["ccha.gap"], filter="ccha.gap == 1",
                              extra=["-o", "ccha.gap_floor_ms:5000"]), [])
        got = rows("heartbeat", ["ccha.gap_threshold"], filter="ccha.gap == 1",
                   extra=["-o", "ccha.gap_floor_ms:100", "-o", "ccha.gap_factor:5"])
        self.assertEqual(got, [["35", "1.001875000"], ["36", "1.001840000"]])

    def test_default_factor(self):
        # default factor 3: with the floor lowered, the threshold is 3 x running median
        got = rows("heartbeat", ["ccha.gap_threshold"], filter="ccha.gap == 1",
                   extra=["-o", "ccha.gap_floor_ms:100"])
        self.assertEqual(got, [["35", "0.601125000"], ["36", "0.601104000"]])

    # -z ccha,tree is a stats tree (GUI: Statistics > Citrix > Command Center
    # HA links); intervals are nodes in microseconds.
    def ccha_tree(self, name):
        out = WS.tshark(cap(name), ["-q", "-z", "ccha,tree"])
        (top,) = statstree.parse(out)["Citrix/Command Center HA links"]
        self.assertEqual(top.name, "Command Center HA links")
        return top

    @staticmethod
    def link_values(link):
        dirs = {}
        for d in ("to service port", "from service port"):
            n = link.child(d)
            dirs[d] = (n.child("Messages").count, n.child("Median interval (us)").count,
                       n.child("Max interval (us)").count, n.child("Gaps").count)
        return ([c.name for c in link.children_starting("Carrier: ")], link.child("First frame").count,
                dirs, link.child("Closes (FIN)").count, link.child("Resets (RST)").count)

    def test_stats_tree(self):
        top = self.ccha_tree("heartbeat")
        self.assertEqual(top.count, 2)
        self.assertEqual([c.name for c in top.children], [
            "Link 1: 127.0.0.1:45938 -> 127.0.0.1:2014", "Link 2: 127.0.0.1:37076 -> 127.0.0.1:2014"])
        self.assertEqual(self.link_values(top.children[0]), (
            ["Carrier: opaque (nothing recognised)"], 4,
            {"to service port": (15, 200377, 3000370, 1), "from service port": (15, 200366, 3000379, 1)}, 2, 0))
        self.assertEqual(self.link_values(top.children[1]), (
            ["Carrier: opaque (nothing recognised)"], 56,
            {"to service port": (3, 200410, 200433, 0), "from service port": (3, 200398, 200440, 0)}, 0, 1))

    def test_stats_tree_carriers(self):
        top = self.ccha_tree("mysql")
        link = top.children[0]
        carriers, first, dirs, _, _ = self.link_values(link)
        self.assertEqual((carriers, first), (["Carrier: MySQL"], 4))
        self.assertEqual(dirs["to service port"][0], 3)


class Registration2014Only(unittest.TestCase):
    """The heuristic never leaves port 2014; Decode As reaches other ports."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="ccha-gen-", dir="/tmp")
        os.chmod(cls.tmp, 0o755)
        cls.other = os.path.join(cls.tmp, "port4000.pcap")
        w = PcapWriter(cls.other)
        s = TcpStream(w, ("10.0.0.1", 40001), ("10.0.0.2", 4000))
        s.handshake()
        for i in range(4):
            s.send("c2s", b"\x00\x00\x00\x04beat", ts=1_700_000_010.0 + i)
        s.close()
        w.close()
        # 2014 as a client's ephemeral port: the SYN says the server is 5555
        cls.ephemeral = os.path.join(cls.tmp, "ephemeral2014.pcap")
        w = PcapWriter(cls.ephemeral)
        s = TcpStream(w, ("10.0.0.1", 2014), ("10.0.0.2", 5555))
        s.handshake()
        s.send("c2s", b"\xc7hello")
        s.close()
        w.close()
        # a message in two segments, the first without PSH
        cls.split = os.path.join(cls.tmp, "split2014.pcap")
        w = PcapWriter(cls.split)
        s = TcpStream(w, ("10.0.0.1", 40002), ("10.0.0.2", 2014))
        s.handshake()
        s._segment("c2s", ACK, b"\xc7ab", ts=1_700_000_010.0)
        s.seq["c2s"] += 3
        s.send("c2s", b"cde", ts=1_700_000_010.5)
        s.send("c2s", b"\xc7fg", ts=1_700_000_012.0)
        w.close()
        for p in (cls.other, cls.ephemeral, cls.split):
            os.chmod(p, 0o644)

    def test_other_port_not_claimed(self):
        self.assertEqual(WS.fields(self.other, ["frame.number"], filter="ccha"), [])

    def test_decode_as_other_port(self):
        got = WS.fields(self.other, ["frame.number", "ccha.service_port", "ccha.direction", "ccha.message",
                                     "ccha.interval", "ccha.inferred_record.length"],
                        filter="tcp.len > 0", extra=["-d", "tcp.port==4000,ccha"])
        self.assertEqual(got, [["4", "4000", "0", "1", "", ""], ["5", "4000", "0", "2", "1.000000000", ""],
                               ["6", "4000", "0", "3", "1.000000000", "4"], ["7", "4000", "0", "4", "1.000000000",
                                                                              "4"]])

    def test_port_preference(self):
        got = WS.fields(self.other, ["frame.number", "ccha.service_port"], filter="ccha",
                        extra=["-o", "ccha.tcp.port:4000"])
        self.assertEqual([r[1] for r in got], ["4000"] * len(got))
        self.assertEqual([r[0] for r in got][:4], ["4", "5", "6", "7"])

    def test_ephemeral_2014_not_claimed(self):
        self.assertEqual(WS.fields(self.ephemeral, ["frame.number"], filter="ccha"), [])

    def test_message_ends_with_psh(self):
        got = WS.fields(self.split, ["frame.number", "ccha.message", "ccha.continued", "ccha.interval"],
                        filter="ccha")
        self.assertEqual(got, [["4", "1", "", ""], ["5", "1", "1", ""], ["6", "2", "", "2.000000000"]])

    def test_disable_heuristic(self):
        got = WS.fields(cap("opaque"), ["frame.number", "frame.protocols"], filter="tcp.len > 0",
                        extra=["--disable-heuristic", "citrix_ccha_tcp"])
        self.assertEqual(got, [[n, "eth:ethertype:ip:tcp:data"] for n in ("4", "6", "8", "10")])
        self.assertEqual(WS.fields(cap("opaque"), ["frame.number"], filter="ccha",
                                   extra=["--disable-heuristic", "citrix_ccha_tcp"]), [])


class Hostile(unittest.TestCase):
    """Regressions for /work/findings/ccha.md (H1, H2), rebuilt here with pcapgen."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="ccha-hostile-", dir="/tmp")
        os.chmod(cls.tmp, 0o755)

        def build(name, fill):
            path = os.path.join(cls.tmp, name)
            w = PcapWriter(path)
            fill(w)
            w.close()
            os.chmod(path, 0o644)
            return path

        def one_byte_jrmi(w):
            s = TcpStream(w, ("10.0.0.1", 41001), ("10.0.0.2", 2014))
            s.handshake()
            s.send("c2s", bytes.fromhex("4a524d4900024b"), segments=[1] * 7)
            ack = bytes.fromhex("4e00093132372e302e302e310000b35a")
            s.send("s2c", ack, segments=[1] * len(ack))
            s.close()

        def tls_never_completes(w):
            s = TcpStream(w, ("10.0.0.1", 41002), ("10.0.0.2", 2014))
            s.handshake()
            s.send("s2c", bytes.fromhex("1603034800") + bytes(7100))   # claims 18432, sends 7100
            s.close()

        def tls_never_completes_rst(w):
            s = TcpStream(w, ("10.0.0.1", 41003), ("10.0.0.2", 2014))
            s.handshake()
            s.send("s2c", bytes.fromhex("1603034800") + bytes(3000))
            s.reset("c2s")

        def jrmi_cut(w):
            s = TcpStream(w, ("10.0.0.1", 41004), ("10.0.0.2", 2014))
            s.handshake()
            s.send("c2s", b"JRM", segments=[1, 2])
            s.close()

        cls.h2 = build("one_byte_jrmi.pcap", one_byte_jrmi)
        cls.h1 = build("tls_never_completes.pcap", tls_never_completes)
        cls.h1r = build("tls_never_completes_rst.pcap", tls_never_completes_rst)
        cls.cut = build("jrmi_cut.pcap", jrmi_cut)

    def test_h2_first_bytes_one_per_segment(self):
        got = WS.fields(self.h2, ["frame.number", "ccha.carrier", "ccha.carrier_frame", "rmi.magic"],
                        filter="frame.number <= 10 and tcp.len > 0")
        # frames 4-9 are held by TCP until the 7th byte: identified in frame 10, as if sent at once
        self.assertEqual(got[-1], ["10", RMI, "10", "0x4a524d49"])
        self.assertEqual([r[1:] for r in got[:-1]], [["", "", ""]] * 6)
        self.assertEqual(experts(self.h2)[0], (10, "Carrier identified from the first bytes: Java RMI (JRMP)"))
        self.assertNotIn("No known carrier", " ".join(m for _, m in experts(self.h2)))
        two_pass = WS.fields(self.h2, ["frame.number", "ccha.carrier_frame"], filter="rmi.magic", extra=["-2"])
        self.assertEqual(two_pass, [["10", "10"]])

    def test_h1_incomplete_pdu_at_fin(self):
        self.assertEqual(experts(self.h1), [
            (4, "Carrier identified from the first bytes: TLS"),
            (9, "Link closed (FIN) by the peer side"),
            (10, "Link closed (FIN) by the service-port side"),
            (10, "Link closed while a TLS PDU started in frame 4 was still incomplete (the rest never arrived)")])
        self.assertEqual([e for e in experts(self.h1, ["-2"]) if e[0] == 10][-1][1],
                         "Link closed while a TLS PDU started in frame 4 was still incomplete (the rest never arrived)")

    def test_h1_incomplete_pdu_at_rst(self):
        self.assertEqual(experts(self.h1r)[-2:], [
            (7, "Link reset (RST) by the peer side"),
            (7, "Link reset while a TLS PDU started in frame 4 was still incomplete (the rest never arrived)")])

    def test_first_bytes_never_complete(self):
        self.assertEqual([e for e in experts(self.cut) if e[0] >= 6], [
            (6, "Link closed (FIN) by the peer side"),
            (6, "Link closed before enough first bytes (since frame 4) arrived to identify the carrier"),
            (7, "Link closed (FIN) by the service-port side")])


class Robustness(unittest.TestCase):
    def test_fuzzed_captures(self):
        """editcap -E with fixed seeds over every ccha capture: no dissector bug, no crash."""
        tmp = tempfile.mkdtemp(prefix="ccha-fuzz-", dir="/tmp")
        os.chmod(tmp, 0o755)
        names = ["tls", "mysql", "rmi", "javaser", "http", "heartbeat", "lenprefix", "opaque"]
        for seed in (1, 2):
            for name in names:
                out = os.path.join(tmp, "%s-%d.pcap" % (name, seed))
                subprocess.run(["editcap", "--seed", str(seed), "-E", "0.05", cap(name), out], check=True,
                               stdout=subprocess.DEVNULL)
                os.chmod(out, 0o644)
                # both passes, full tree, hex, and the stats tap in one run
                WS.tshark(out, ["-2", "-V", "-x", "-z", "ccha,tree"])


if __name__ == "__main__":
    unittest.main(verbosity=2)
