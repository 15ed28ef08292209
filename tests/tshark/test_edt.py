#!/usr/bin/env python3
"""Citrix EDT (UDT4 on UDP 1494/2598): exact decoded values.

The real session captures/edt-citrixudp.pcap (nDPI PR 1149, captures/README.md)
and its variants built by tools/captures/edt_captures.py: datagrams reordered
and sent twice, one lost, the capture cut to start mid-session, the session
re-carried as ICA directly on EDT on UDP 1494, RTP audio on UDP 16500.  The
complete variants must give the original's CGP and ICA values exactly (the
payloads go on in UDT sequence order).
"""
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from icacap_util import TOP, Wireshark, capture, registered_fields  # noqa: E402

WS = Wireshark()
REAL = capture("edt-citrixudp.pcap")
SEP = "\x1e"
SUM_RTT = 1828322      # the 109 ACKs' RTT fields, microseconds (measured with this plugin and tshark 4.0.17)
# values that depend on how bytes are cut into frames or on the carrier
PER_FRAME = ("ica.direction", "ica.encryption", "ica.compression", "ica.session.", "ica.frame.", "ica.unit",
             "ica.reassembl", "ica.segment", "cgp.reassembl", "cgp.fragment", "cgp.continued")


def rows(path, fields, filter=None, extra=()):
    return WS.fields(path, ["frame.number"] + list(fields), filter=filter, separator="\t", aggregator=SEP,
                     extra=extra)


def column(path, field, filter=None, extra=()):
    """{frame: [values]} of the frames that have the field."""
    out = {}
    for r in rows(path, [field], filter=filter or field, extra=extra):
        out[int(r[0])] = [x for x in r[1].split(SEP) if x]
    return out


def per_direction(path, prefixes, server_port, extra=()):
    """{"c2s"/"s2c": {field: [values in frame order]}} of every registered field under prefixes."""
    # frame numbers (FT_FRAMENUM, e.g. ica.vc.msg.first_frame) differ between carriers
    fields = sorted(f for p in prefixes for f, t in registered_fields(WS, p).items()
                    if not f.startswith(PER_FRAME) and t != "FT_FRAMENUM")
    result = {"c2s": {f: [] for f in fields}, "s2c": {f: [] for f in fields}}
    # one tshark run per 150 fields: a command line of every field is long
    for i in range(0, len(fields), 150):
        chunk = fields[i:i + 150]
        for r in WS.fields(path, ["udp.srcport"] + chunk, separator="\t", aggregator=SEP, extra=extra):
            if not r[0]:
                continue
            d = "s2c" if int(r[0]) == server_port else "c2s"
            for f, v in zip(chunk, r[1:]):
                result[d][f].extend(x for x in v.split(SEP) if x != "")
    return result


def no_errors(test, path, extra=()):
    test.assertEqual(rows(path, [], filter="_ws.malformed || _ws.expert.severity == error", extra=extra), [])


class RealCapture(unittest.TestCase):
    def test_every_frame_edt(self):
        self.assertEqual(len(rows(REAL, [], filter="udp")), 400)
        self.assertEqual(len(rows(REAL, [], filter="edt")), 400)
        kinds = {}
        for r in rows(REAL, ["udt.iscontrol", "udt.type"]):
            key = r[2] if r[1] == "1" else "data"
            kinds[key] = kinds.get(key, 0) + 1
        # edt.md §3.3: 4 handshakes, 40 keep-alives, 109 ACK, 108 ACK2, 139 data
        self.assertEqual(kinds, {"0x00000000": 4, "0x00000001": 40, "0x00000002": 109, "0x00000006": 108, "data": 139})
        no_errors(self, REAL)

    def test_handshake(self):
        r = {int(x[0]): x[1:] for x in rows(REAL, ["edt.handshake.variant", "udt.hs.version", "udt.hs.type",
                                                   "udt.hs.isn", "udt.hs.mtu", "udt.hs.flow_window",
                                                   "udt.hs.reqtype", "udt.hs.id", "udt.hs.cookie",
                                                   "edt.handshake.peer_ipv4"], filter="udt.hs.version")}
        self.assertEqual(sorted(r), [1, 2, 3, 4])
        self.assertEqual([r[n][0] for n in (1, 2, 3, 4)], ["5", "5", "4", "0"])
        self.assertEqual(r[1][1:4], ["4", "1", "1084981590"])
        self.assertEqual([r[n][4] for n in (1, 2, 3, 4)], ["1500"] * 4)
        self.assertEqual([r[n][5] for n in (1, 2, 3, 4)], ["16384", "16384", "16384", "8192"])
        self.assertEqual([r[n][6] for n in (1, 3, 4)], ["1", "-1", "-1"])
        self.assertEqual([r[n][7] for n in (1, 4)], [str(0x7578eaef), str(0x643ac86f)])
        self.assertEqual(r[4][8], "0x0f2ccbbe")
        self.assertEqual([r[n][9] for n in (1, 4)], ["10.99.99.217", "10.54.0.101"])
        info = {int(x[0]): x[1] for x in rows(REAL, ["_ws.col.Info"], filter="frame.number <= 4")}
        self.assertTrue(info[1].endswith("(Citrix variant)"), info[1])
        self.assertFalse(info[4].endswith("(Citrix variant)"), info[4])

    def test_ack_rtt(self):
        r = rows(REAL, ["udt.ackno", "udt.rtt", "udt.rttvar", "udt.buf", "udt.rate", "udt.linkcap",
                        "edt.ack_seq_rel"], filter="udt.type == 2")
        self.assertEqual(len(r), 109)
        self.assertEqual(r[0], ["8", "1", "100000", "50000", "8190", "1", "1000", "2"])
        self.assertEqual(r[1], ["11", "1", "100000", "37500", "16383", "1", "1000", "1"])
        rtts = [int(x[2]) for x in r]
        self.assertEqual((min(rtts), max(rtts), sum(rtts)), (1917, 100000, SUM_RTT))

    def test_data_in_order(self):
        r = rows(REAL, ["edt.order", "edt.seq_rel", "edt.lost"], filter="udt.iscontrol == 0")
        self.assertEqual(len(r), 139)
        self.assertEqual({x[1] for x in r}, {"1"})
        self.assertEqual({x[3] for x in r}, {""})
        self.assertEqual(r[0][:3], ["5", "1", "0"])

    def test_cgp_and_ica(self):
        self.assertEqual(column(REAL, "cgp.service.name"), {5: ["Citrix.TcpProxyService"],
                                                            6: ["Citrix.TcpProxyService"],
                                                            7: ["Citrix.TcpProxyService"]})
        self.assertEqual(column(REAL, "cgp.channel.target"), {7: ["127.0.0.1:1494"]})
        self.assertEqual(column(REAL, "cgp.cmd", filter="cgp.cmd && frame.number <= 7"),
                         {5: ["0x01"], 6: ["0x02"], 7: ["0x06"]})
        self.assertEqual(column(REAL, "ica.client_name"), {20: ["PCIDEA153"]})
        self.assertEqual(column(REAL, "ica.client_build"), {20: ["21"]})
        self.assertEqual(column(REAL, "ica.init_request.level"), {15: ["7"]})
        self.assertEqual(column(REAL, "ica.module.name")[20],
                         ["WFICA32.EXE", "TDWSTCPN.DLL", "PDRFRAMN.DLL", "PDCRYPTN.DLL", "PDCOMPN.DLL"])


    def test_without_udt(self):
        """Wireshark's UDT dissector disabled: EDT still finds the flow and hands the payloads on itself."""
        off = ["--disable-protocol", "udt"]
        self.assertEqual(len(rows(REAL, [], filter="edt", extra=off)), 400)
        self.assertEqual(rows(REAL, [], filter="udt", extra=off), [])
        self.assertEqual(column(REAL, "ica.client_name", extra=off), {20: ["PCIDEA153"]})
        self.assertEqual(column(REAL, "cgp.channel.target", extra=off), {7: ["127.0.0.1:1494"]})

    def test_cgp_disabled(self):
        """--disable-protocol cgp: EDT still reads every datagram, its payloads stay bytes (CGP is called
        directly, not through a table, so the plugin itself must honour the switch)."""
        off = ["--disable-protocol", "cgp"]
        self.assertEqual(len(rows(REAL, [], filter="edt", extra=off)), 400)
        self.assertEqual(rows(REAL, [], filter="cgp || ica", extra=off), [])
        # the 139 datagrams that carry CGP records when CGP is on
        self.assertEqual(len(rows(REAL, [], filter="cgp")), 139)
        self.assertEqual(len(rows(REAL, [], filter="edt.payload", extra=off)), 139)


class Variants(unittest.TestCase):
    maxDiff = None

    @classmethod
    def setUpClass(cls):
        cls.orig = per_direction(REAL, ("cgp.", "ica."), 2598)

    def test_reordered_same_stream(self):
        path = capture("edt-reordered.pcap")
        self.assertEqual(len(rows(path, [], filter="udp")), len(rows(path, [], filter="edt")))
        order = {}
        for r in rows(path, ["edt.order"], filter="edt.order"):
            order[r[1]] = order.get(r[1], 0) + 1
        # 139 datagrams, 8 adjacent pairs swapped (the first of each held), 19 sent twice
        self.assertEqual(order, {"1": 131, "2": 8, "3": 19})
        self.assertEqual(rows(path, [], filter="edt.lost"), [])
        self.assertEqual(per_direction(path, ("cgp.", "ica."), 2598), self.orig)
        no_errors(self, path)

    def test_lost_gap(self):
        path = capture("edt-lost.pcap")
        self.assertEqual(column(path, "edt.lost"), {42: ["1"]})
        self.assertEqual(column(path, "edt.delivered_from"), {42: ["39", "40"]})
        self.assertEqual(column(path, "edt.order", filter="edt.order == 2"), {39: ["2"], 40: ["2"]})
        ex = column(path, "_ws.expert.message", filter="frame.number == 42")[42]
        self.assertIn("1 datagram of this direction never captured before these bytes", ex)
        self.assertIn("Bytes missing (capture gap or snapshot length): this direction resumes at the next "
                      "plausible PDRFRAME frame", ex)
        # the handshake before the gap is intact
        self.assertEqual(column(path, "ica.client_name"), {20: ["PCIDEA153"]})
        no_errors(self, path)

    def test_midsession(self):
        path = capture("edt-midsession.pcap")
        n = len(rows(path, [], filter="udp"))
        self.assertEqual(n, 341)
        edt = [int(x[0]) for x in rows(path, [], filter="edt")]
        # accepted once the headers agree, everything after it EDT
        self.assertEqual(edt, list(range(edt[0], n + 1)))
        self.assertEqual(edt[0], 8)     # frames 1-7: 3 ACKs, 2 ACK2s, 2 data; 6 and 8 consecutive data
        self.assertEqual({x[1] for x in rows(path, ["edt.midsession"], filter="edt")}, {"1"})
        cgp = [int(x[0]) for x in rows(path, [], filter="cgp")]
        self.assertEqual(len(cgp), 106)
        self.assertEqual(cgp[0], 14)    # CGP_PROBATION (3) single-record payloads: frames 8, 9, 14
        self.assertEqual(rows(path, [], filter="cgp.signature || cgp.service.name"), [])
        self.assertEqual(column(path, "cgp.cmd", filter="cgp.cmd && frame.number <= 25"),
                         {14: ["0x0b"], 15: ["0x0a"], 19: ["0x0a"], 20: ["0x0b"], 21: ["0x0b"], 22: ["0x0a"],
                          23: ["0x0b"]})
        # every realtime record's ICA bytes reach the ICA decoder (the other records: 2 NOPs)
        realtime = rows(path, [], filter="cgp.cmd == 0x0a || cgp.cmd == 0x0b")
        self.assertEqual(len(realtime), 104)
        self.assertEqual(rows(path, [], filter="ica"), realtime)
        no_errors(self, path)

    def test_midsession_tcp_single_records(self):
        """Issue 16 item 3: CGP on TCP 2598 picked up mid-session from single-record segments (the old probe
        wanted two records in one segment: none has them here)."""
        path = capture("edt-midsession-tcp.pcap")
        segs = rows(path, ["tcp.len"], filter="tcp.len > 0")
        self.assertEqual(len(segs), 110)
        cgp = [int(x[0]) for x in rows(path, [], filter="cgp")]
        # frames 1 and 2 on probation, the third record accepts: CGP from frame 3 on, every frame
        self.assertEqual(cgp, list(range(3, 111)))
        realtime = rows(path, [], filter="cgp.cmd == 0x0a || cgp.cmd == 0x0b")
        self.assertEqual(len(realtime), 106)
        self.assertEqual(rows(path, [], filter="ica"), realtime)
        no_errors(self, path)

    def test_second_pass_same(self):
        """tshark -2 (and the GUI) show what the first pass decided."""
        fields = ["edt.order", "edt.lost", "edt.delivered_from", "edt.midsession", "cgp.cmd", "cgp.msg_number",
                  "ica.client_name", "_ws.col.Protocol"]
        for name in ("edt-midsession.pcap", "edt-lost.pcap", "edt-reordered.pcap", "edt-midsession-tcp.pcap"):
            path = capture(name)
            self.assertEqual(rows(path, fields, extra=["-2"]), rows(path, fields), name)

    def test_ica_on_1494(self):
        path = capture("edt-ica-1494.pcap")
        self.assertEqual(len(rows(path, [], filter="udp")), len(rows(path, [], filter="edt")))
        self.assertEqual(rows(path, [], filter="cgp"), [])
        got = per_direction(path, ("ica.",), 1494)
        want = {d: {f: v for f, v in self.orig[d].items() if f.startswith("ica.")} for d in self.orig}
        self.assertEqual(got, want)
        self.assertEqual(column(path, "ica.client_name"), {16: ["PCIDEA153"]})
        no_errors(self, path)


class NotClaimed(unittest.TestCase):
    def test_non_citrix_captures(self):
        names = sorted(n for n in os.listdir(os.path.join(TOP, "captures"))
                       if n.startswith(("portreg-", "ccha-")) and n.endswith(".pcap"))
        self.assertGreaterEqual(len(names), 10)
        for name in names:
            self.assertEqual(rows(capture(name), [], filter="edt"), [], name)

    def test_rtp_audio(self):
        path = capture("edt-rtp-16500.pcap")
        self.assertEqual(len(rows(path, [], filter="udp")), 100)
        self.assertEqual(rows(path, [], filter="edt"), [])
        # even forced onto the port: RTP headers never agree as UDT
        self.assertEqual(rows(path, [], filter="edt", extra=["-d", "udp.port==16500,edt"]), [])


class Registration(unittest.TestCase):
    def test_lists(self):
        heur = {(r.get("table"), r.get("protocol")) for r in WS.listing("heuristic-decodes")}
        self.assertIn(("udt", "edt"), heur)
        self.assertIn(("dtls", "edt"), heur)
        prots = {r["filter_name"]: r["name"] for r in WS.listing("protocols")}
        self.assertEqual(prots.get("edt"), "Citrix EDT")
        self.assertNotIn("citrix_edt", prots)


if __name__ == "__main__":
    unittest.main(verbosity=2)
