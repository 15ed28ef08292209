#!/usr/bin/env python3
"""CGP (Session Reliability): exact decoded values on every CGP capture.

Generated captures (tools/captures/cgp_captures.py, from the byte layouts and
vectors of the CGP notes): direct and Gateway binds, the real SPIKE ICA session
inside CGP (whole, 1-byte and random segments, on a DATA channel), a resume on
a new connection with a message sent again, a refused resume, malformed
messages, EDT datagrams.  Recorded captures (tools/captures/record_cgp_carriers.sh):
CGP inside real TLS and WebSocket, the Gateway SOCKS path inside TLS.

The ICA inside must decode exactly as the plain capture of the same session:
for every registered ica.* field the values per direction, in order, equal
those of captures/spike-ica-2001.pcap (the comparison of test_ica_recut.py).
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from icacap_util import TOP, Wireshark, capture, registered_fields, per_direction  # noqa: E402
import cgp_captures  # noqa: E402  (tools/captures, on the path from icacap_util)

WS = Wireshark()
SPIKE = capture("spike-ica-2001.pcap")
STA = ";40;STA490101972;E22678CF749AB3225AB0D11FC3C9A5"
TICKET = "4e530100cb1ece7f79e803483366a2bb"
SEGMENTATION_DEPENDENT = re.compile(r"segment|reassembl|fragment|pending")
PER_PACKET = re.compile(r"^ica\.(direction|encryption|compression|session\.)")


def rows(path, fields, filter="cgp", extra=()):
    """{frame number: {field: [values]}} for the displayed frames."""
    out = {}
    for r in WS.fields(path, ["frame.number"] + fields, filter=filter, separator="\t", extra=extra):
        out[int(r[0])] = {f: [x for x in v.split(",") if x] for f, v in zip(fields, r[1:])}
    return out


def experts(path, filter="cgp"):
    """{frame: [expert messages]}, the port registry's own note left out."""
    args = ["-T", "fields", "-E", "separator=\t", "-E", "occurrence=a", "-E", "aggregator=\x1e", "-e", "frame.number",
            "-e", "_ws.expert.message", "-Y", filter]
    out = {}
    for line in WS.tshark(path, args).split("\n"):
        if not line:
            continue
        num, _, msgs = line.partition("\t")
        out[int(num)] = [m for m in msgs.split("\x1e") if m and not m.startswith("Observed protocol")]
    return out


def stats(path):
    """-z cgp,tree counts: {node name: count}."""
    out = WS.tshark(path, ["-q", "-z", "cgp,tree"])
    counts = {}
    for line in out.splitlines():
        m = re.match(r"^(\S.*?|\s\S.*?)\s{2,}(\d+)\s", line)
        if m:
            counts[m.group(1).strip()] = int(m.group(2))
    return counts


def boolean(v):
    """tshark prints booleans 1/0 on 4.0, True/False on 4.4+."""
    return {"1": True, "True": True, "0": False, "False": False}[v]


class Binds(unittest.TestCase):
    def test_direct(self):
        path = capture("cgp-direct.pcap")
        r = rows(path, ["_ws.col.Info", "cgp.cmd", "cgp.length", "cgp.num_caps", "cgp.cap.id", "cgp.cap.length",
                        "cgp.service.name", "cgp.service.id", "cgp.keepalive.c2s", "cgp.keepalive.s2c",
                        "cgp.rp.timeout", "cgp.rp.dimming", "cgp.rp.tcp_timeout", "cgp.sr.messages_per_ack",
                        "cgp.next_message", "cgp.sr.ticket_version", "cgp.ticket", "cgp.direction", "cgp.session"])
        self.assertEqual(sorted(r), list(range(4, 15)))
        self.assertEqual(r[4]["_ws.col.Info"], ["Signature", " BIND_REQUEST"])
        self.assertEqual(r[4]["cgp.cmd"], ["0x01"])
        self.assertEqual(r[4]["cgp.length"], ["98"])
        self.assertEqual(r[4]["cgp.num_caps"], ["4"])
        self.assertEqual(r[4]["cgp.cap.id"], ["5", "9", "7", "1"])
        self.assertEqual(r[4]["cgp.cap.length"], ["24", "15", "14", "36"])
        self.assertEqual(r[4]["cgp.service.name"], ["Citrix.TcpProxyService"])
        self.assertEqual(r[4]["cgp.keepalive.c2s"], ["3000"])
        self.assertEqual(r[4]["cgp.rp.timeout"], ["180"])
        self.assertEqual(r[4]["cgp.rp.dimming"], ["25"])
        self.assertEqual(r[4]["cgp.rp.tcp_timeout"], ["10"])
        self.assertEqual(r[4]["cgp.sr.messages_per_ack"], ["5", "5"])
        self.assertEqual(r[4]["cgp.next_message"], ["0"])
        self.assertEqual(r[4]["cgp.ticket"], [])
        self.assertEqual(r[4]["cgp.direction"], ["0"])
        # server: §10.1's vectors
        self.assertEqual(r[5]["cgp.cmd"], ["0x02"])
        self.assertEqual(r[5]["cgp.length"], ["115"])
        self.assertEqual(r[5]["cgp.cap.length"], ["40", "15", "14", "36"])
        self.assertEqual(r[5]["cgp.ticket"], [TICKET])
        self.assertEqual(r[5]["cgp.sr.ticket_version"], ["2"])
        self.assertEqual(r[5]["cgp.rp.dimming"], ["80"])
        self.assertEqual(r[5]["cgp.rp.tcp_timeout"], ["60"])
        self.assertEqual(r[5]["cgp.keepalive.s2c"], ["3000"])
        self.assertEqual(r[5]["cgp.direction"], ["1"])
        self.assertEqual({x for f in r.values() for x in f["cgp.session"]}, {"1"})
        self.assertEqual(experts(path)[5], ["Value 36 written in the 2-byte varlen form"])

    def test_direct_channel_and_reliability(self):
        path = capture("cgp-direct.pcap")
        r = rows(path, ["_ws.col.Info", "cgp.channel.id", "cgp.channel.service", "cgp.channel.framing",
                        "cgp.channel.priority", "cgp.channel.target", "cgp.channel.protocol", "cgp.channel.status",
                        "cgp.channel.service_status", "cgp.msg_number", "cgp.ack_delta", "cgp.ack_cumulative",
                        "cgp.rel.track", "cgp.rel.ack", "cgp.finish.type", "ica.detect"])
        self.assertEqual(r[6]["_ws.col.Info"], ["CHANNEL_OPEN_REQUEST ch=0 127.0.0.1:1494 ICA"])
        self.assertEqual(r[6]["cgp.channel.target"], ["127.0.0.1:1494"])
        self.assertEqual(r[6]["cgp.channel.protocol"], ["3"])
        self.assertEqual(r[6]["cgp.channel.priority"], ["2"])
        self.assertEqual(r[6]["cgp.channel.framing"], ["0"])
        self.assertEqual(r[6]["cgp.channel.service"], ["1"])
        self.assertEqual(r[6]["cgp.channel.id"], ["0"])
        self.assertEqual([boolean(x) for x in r[6]["cgp.rel.track"]], [True])
        self.assertEqual(r[6]["cgp.msg_number"], ["1"])
        self.assertEqual(r[7]["cgp.channel.status"], ["0"])
        self.assertEqual(r[7]["cgp.channel.service_status"], ["0"])
        self.assertEqual(r[7]["cgp.msg_number"], ["1"])
        # the detect strings, each side's second tracked message, go to ICA
        self.assertEqual(r[8]["_ws.col.Info"], ["DATA_REALTIME ch=0", " Detect string"])
        self.assertEqual(r[8]["ica.detect"], ["7f7f49434100"])
        self.assertEqual(r[8]["cgp.msg_number"], ["2"])
        self.assertEqual(r[9]["cgp.ack_delta"], ["1"])
        self.assertEqual(r[9]["cgp.ack_cumulative"], ["1"])
        self.assertEqual(r[9]["ica.detect"], ["7f7f49434100"])
        # NOP with ack only (§10.1 `04 05 08 02 06` form): not tracked
        self.assertEqual(r[10]["cgp.msg_number"], [])
        self.assertEqual([boolean(x) for x in r[10]["cgp.rel.track"]], [False])
        self.assertEqual([boolean(x) for x in r[10]["cgp.rel.ack"]], [True])
        self.assertEqual(r[10]["cgp.ack_delta"], ["2"])
        self.assertEqual(r[10]["cgp.ack_cumulative"], ["2"])
        self.assertEqual([r[n]["cgp.finish.type"] for n in (11, 12, 13, 14)], [["0"]] * 4)
        self.assertEqual(r[11]["_ws.col.Info"], ["FINISH_REQUEST CLOSE"])
        st = stats(path)
        self.assertEqual(st["CGP sessions"], 1)
        self.assertEqual(st["Resume attempts"], 0)
        self.assertEqual(st["CGP messages by command"], 11)

    def test_gateway_sta_ticket(self):
        path = capture("cgp-gateway.pcap")
        r = rows(path, ["cgp.length", "cgp.num_caps", "cgp.cap.id", "cgp.sec_ticket.type", "cgp.sec_ticket",
                        "cgp.sta.version", "cgp.sta.id", "cgp.sta.ticket", "cgp.endpoint.type", "cgp.ticket.length"])
        self.assertEqual(r[4]["cgp.length"], ["163"])          # two-byte form a3 01
        self.assertEqual(r[4]["cgp.num_caps"], ["6"])
        self.assertEqual(r[4]["cgp.cap.id"], ["5", "9", "7", "1", "6", "2"])
        self.assertEqual(r[4]["cgp.sec_ticket.type"], ["0"])
        self.assertEqual(r[4]["cgp.sec_ticket"], [STA])
        self.assertEqual(r[4]["cgp.sta.version"], ["40"])
        self.assertEqual(r[4]["cgp.sta.id"], ["STA490101972"])
        self.assertEqual(r[4]["cgp.sta.ticket"], ["E22678CF749AB3225AB0D11FC3C9A5"])
        self.assertEqual(r[4]["cgp.endpoint.type"], ["3"])
        self.assertEqual(r[4]["cgp.ticket.length"], ["0", "47"])
        self.assertEqual(WS.fields(path, ["frame.len"], filter="frame.number == 4"), [["226"]])  # 54 + 172


class IcaInside(unittest.TestCase):
    """The SPIKE session inside each carrier decodes exactly as on plain TCP."""

    @classmethod
    def setUpClass(cls):
        cls.fields = sorted(f for f, t in registered_fields(WS).items()
                            if t not in ("FT_FRAMENUM", "FT_NONE") and not SEGMENTATION_DEPENDENT.search(f))
        cls.original = per_direction(WS, SPIKE, cls.fields)
        cls.tmp = tempfile.mkdtemp(prefix="cgp-test-")
        subprocess.run([sys.executable, os.path.join(TOP, "tools", "captures", "cgp_captures.py"), "--outdir",
                        cls.tmp, "cgp-spike-1byte.pcap", "cgp-spike-random.pcap", "cgp-data-channel-1byte.pcap",
                        "cgp-data-channel-random.pcap"], check=True)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, True)

    def same(self, path, port):
        got = per_direction(WS, path, self.fields, server_port=port)
        self.assertGreater(len(got["s2c"]["ica.cmd"]), 50)
        for d in ("c2s", "s2c"):
            for f in self.fields:
                want, have = self.original[d][f], got[d][f]
                if PER_PACKET.search(f):
                    want = [v for i, v in enumerate(want) if i == 0 or want[i - 1] != v]
                    have = [v for i, v in enumerate(have) if i == 0 or have[i - 1] != v]
                self.assertEqual(have, want, "%s %s %s" % (os.path.basename(path), d, f))

    def test_original_not_empty(self):
        self.assertEqual(self.original["c2s"]["ica.client_name"], ["spike"])
        self.assertEqual(len(self.original["s2c"]["ica.cmd"]), 62)
        self.assertEqual(len(self.original["c2s"]["ica.cmd"]), 58)

    def test_whole(self):
        self.same(capture("cgp-spike.pcap"), 2598)

    def test_one_byte_segments(self):
        path = os.path.join(self.tmp, "cgp-spike-1byte.pcap")
        self.assertEqual({r[0] for r in WS.fields(path, ["tcp.len"], filter="tcp.len > 0")}, {"1"})
        self.same(path, 2598)

    def test_random_segments(self):
        self.same(os.path.join(self.tmp, "cgp-spike-random.pcap"), 2598)

    def test_retransmitted_segments(self):
        """Every segment of the server's 14,024-byte run, whose realtime records are streamed across segments,
        sent twice in a row: TCP flags the copies and does not hand them on, every ica.* value is the plain
        capture's."""
        from pcapgen import PcapWriter, TcpStream
        path = os.path.join(self.tmp, "cgp-spike-retransmitted.pcap")
        w = PcapWriter(path)
        s = TcpStream(w, ("10.30.0.10", 50001), ("10.30.0.20", 2598))
        s.handshake()
        for d, data in cgp_captures.cgp_spike_runs():
            if len(data) < 10000:
                s.send(d, data)
                continue
            for off in range(0, len(data), 1460):
                (seq, chunk), = s.send(d, data[off:off + 1460])
                s.resend(d, seq, chunk)
        s.close()
        w.close()
        self.assertEqual(len(WS.fields(path, ["frame.number"], filter="tcp.analysis.retransmission")), 10)
        self.same(path, 2598)

    def test_data_channel(self):
        path = capture("cgp-data-channel.pcap")
        r = rows(path, ["cgp.cmd", "cgp.channel.id", "cgp.channel.protocol"], filter="cgp.cmd == 0x09")
        self.assertEqual(len(r), 92)
        self.assertEqual({x for v in r.values() for x in v["cgp.channel.id"]}, {"2"})
        self.assertEqual({x for v in r.values() for x in v["cgp.channel.protocol"]}, {"3"})
        self.same(path, 2598)

    def test_data_channel_streamed(self):
        """DATA records on the ICA channel that span segments are streamed like realtime records, not
        reassembled by TCP: none is in cgp-data-channel.pcap (MSS-sized segments; 9 records spanning them
        were reassembled before), the ICA bytes of the segments that continue a record go to ICA from those
        segments; cut into 1-byte and random segments, every cgp.* and ica.* value per direction, in order, is
        that capture's."""
        whole = capture("cgp-data-channel.pcap")
        self.assertEqual(WS.fields(whole, ["frame.number"], filter="tcp.segment.count"), [])
        # frames whose records are longer than the segment (the bytes at its start that continue an earlier
        # record not counted, so not all of them): each last record shown where it starts
        spanning = [int(num) for num, tcp_len, lengths in
                    WS.fields(whole, ["frame.number", "tcp.len", "cgp.length"], filter="cgp.cmd == 0x09")
                    if sum(int(n) + (1 if int(n) < 128 else 2) for n in lengths.split(",")) > int(tcp_len)]
        self.assertEqual(spanning, [21, 22, 23, 24, 25, 28])
        # (cgp.signature left out: cut into 1-byte segments, the client's shows twice, in its first segment
        # and where TCP reassembled it with the bind -- so before this change too)
        fields = sorted(f for f, t in registered_fields(WS, "cgp.").items()
                        if t not in ("FT_FRAMENUM", "FT_NONE") and not SEGMENTATION_DEPENDENT.search(f)
                        and f != "cgp.signature")
        want = per_direction(WS, whole, fields, server_port=2598)
        self.assertEqual(len(want["s2c"]["cgp.cmd"]), 68)
        self.assertEqual(sum(c == "0x09" for d in ("c2s", "s2c") for c in want[d]["cgp.cmd"]), 107)
        # a later pass streams the same records (tshark -2: the records' state, not the channel table)
        self.assertEqual(per_direction(WS, whole, fields, server_port=2598, extra=("-2",)), want)
        for name in ("cgp-data-channel-1byte.pcap", "cgp-data-channel-random.pcap"):
            path = os.path.join(self.tmp, name)
            have = per_direction(WS, path, fields, server_port=2598)
            for d in ("c2s", "s2c"):
                for f in fields:
                    self.assertEqual(have[d][f], want[d][f], "%s %s %s" % (name, d, f))
            self.same(path, 2598)

    def test_real_tls(self):
        path = capture("cgp-tls.pcapng")
        # the server's large run: one TLS record over 10 TCP segments, holding CGP records
        self.assertEqual(WS.fields(path, ["frame.number", "tcp.segment.count", "tcp.reassembled.length"],
                                   filter="tls && tcp.segment.count"), [["45", "10", "14046"]])
        self.assertEqual(WS.fields(path, ["cgp.cmd"], filter="frame.number == 45", occurrence="f"), [["0x0b"]])
        self.assertEqual(rows(path, ["cgp.cmd"], filter="cgp.cmd <= 2").__len__(), 2)
        self.same(path, 443)

    def test_ica_directly_in_real_tls(self):
        # VDA TLS without Session Reliability: the ICA heuristic on the tls list, not CGP
        path = capture("ica-tls.pcapng")
        self.assertEqual(WS.fields(path, ["frame.number"], filter="cgp"), [])
        self.same(path, 443)

    def test_real_websocket(self):
        path = capture("cgp-ws.pcapng")
        r = rows(path, ["websocket.opcode", "cgp.cmd"], filter="cgp")
        self.assertEqual(r[min(r)]["cgp.cmd"], ["0x01"])
        self.assertEqual({x for v in r.values() for x in v["websocket.opcode"]}, {"2"})
        self.same(path, 8080)

    def test_real_websocket_records_cut_across_messages(self):
        """cgp-ws-split.pcapng: the same CGP bytes as cgp-ws.pcapng, each side writing its stream in messages of
        SPLIT_SIZES bytes in turn (tools/captures/cgp_peers.py): every cgp.* and ica.* value, per direction and
        in order, equals the unsplit capture's."""
        import cgp_peers
        path, whole = capture("cgp-ws-split.pcapng"), capture("cgp-ws.pcapng")
        # the capture holds exactly the messages the cutter makes
        sizes = per_direction(WS, path, ["websocket.payload_length", "websocket.payload_length_ext_16"],
                              server_port=8080, filter="websocket.opcode == 2")
        runs = cgp_captures.cgp_spike_runs()
        for d in ("c2s", "s2c"):
            got = [int(n) if int(n) < 126 else None for n in sizes[d]["websocket.payload_length"]]
            ext = iter(int(n) for n in sizes[d]["websocket.payload_length_ext_16"])
            got = [n if n is not None else next(ext) for n in got]
            cut = cgp_peers.Cutter(True)
            self.assertEqual(got, [len(m) for r, data in runs if r == d for m in cut.messages(data)], d)
        # the records the cutter cut: each joined once, where its last piece is; one of the server's is cut
        # inside its 2-byte length field
        cut_records, cut_in_length = 0, 0
        for d in ("c2s", "s2c"):
            stream = b"".join(data for r, data in runs if r == d)
            ends, off, cut = set(), 0, cgp_peers.Cutter(True)
            for m in (m for r, data in runs if r == d for m in cut.messages(data)):
                off += len(m)
                ends.add(off)
            off = 0
            while off < len(stream):
                n = 7 if stream[off:off + 2] == b"\x1aC" else (1 + stream[off] if stream[off] < 0x80 else
                                                                  2 + ((stream[off] & 0x7f) | stream[off + 1] << 7))
                cut_records += any(e in ends for e in range(off + 1, off + n))
                cut_in_length += stream[off] >= 0x80 and off + 1 in ends
                off += n
        self.assertEqual(cut_in_length, 1)
        self.assertEqual(cut_records, 66)
        joined = rows(path, ["cgp.fragment", "cgp.fragment.count", "cgp.reassembled.length", "cgp.cmd"],
                      filter="cgp.fragment.count")
        self.assertEqual(joined[15], {"cgp.fragment": [str(n) for n in range(8, 16)], "cgp.fragment.count": ["8"],
                                      "cgp.reassembled.length": ["99"], "cgp.cmd": ["0x01"]})
        self.assertEqual(sum(len(v["cgp.fragment.count"]) for v in joined.values()), cut_records)
        self.assertEqual(max(int(n) for v in joined.values() for n in v["cgp.fragment.count"]), 11)
        # pieces of records: each says where its record was joined
        # (known from the second pass on: tshark -2)
        pieces = rows(path, ["cgp.continued", "cgp.reassembled_in"], filter="cgp.continued", extra=("-2",))
        self.assertEqual(pieces[9], {"cgp.continued": ["01"], "cgp.reassembled_in": ["15"]})
        self.assertEqual([n for n, v in pieces.items() if len(v["cgp.reassembled_in"]) != len(v["cgp.continued"])],
                         [])
        # every CGP value the same as the unsplit capture's, per direction, in order
        fields = sorted(f for f, t in registered_fields(WS, "cgp.").items()
                        if t not in ("FT_FRAMENUM", "FT_NONE") and not SEGMENTATION_DEPENDENT.search(f)
                        and f != "cgp.continued")
        want, have = per_direction(WS, whole, fields, server_port=8080), per_direction(WS, path, fields, server_port=8080)
        self.assertEqual(len(want["c2s"]["cgp.cmd"]), 43)
        self.assertEqual(len(want["s2c"]["cgp.cmd"]), 68)
        for d in ("c2s", "s2c"):
            for f in fields:
                self.assertEqual(have[d][f], want[d][f], "%s %s" % (d, f))
        self.same(path, 8080)

    def test_socks_gateway_path(self):
        path = capture("socks-tls.pcapng")
        r = rows(path, ["_ws.col.Info", "cgp.socks.ticket", "cgp.sta.version", "cgp.sta.id", "cgp.socks.port",
                        "cgp.socks.reply", "cgp.socks.cmd"], filter="cgp")
        infos = [v["_ws.col.Info"][0] for _, v in sorted(r.items())][:5]
        self.assertEqual(infos, ["SOCKS greeting", "SOCKS method choice", "SOCKS CONNECT with STA ticket", "SOCKS reply",
                                 "Detect string"])
        connect = [v for v in r.values() if v["cgp.socks.ticket"]]
        self.assertEqual(connect[0]["cgp.socks.ticket"], [STA])
        self.assertEqual(connect[0]["cgp.sta.id"], ["STA490101972"])
        self.assertEqual(connect[0]["cgp.socks.port"], ["1494"])
        self.assertEqual(connect[0]["cgp.socks.cmd"], ["1"])
        self.assertEqual([v["cgp.socks.reply"] for v in r.values() if v["cgp.socks.reply"]], [["0"]])
        self.same(path, 443)

    def test_resume_continues_the_ica_session(self):
        # the disconnect, the resume and the message sent again: still one ICA session
        self.same(capture("cgp-resume.pcap"), 2598)


class Resume(unittest.TestCase):
    def test_resume_linked(self):
        path = capture("cgp-resume.pcap")
        r = rows(path, ["tcp.stream", "cgp.cmd", "cgp.next_message", "cgp.resumed_from", "cgp.resent",
                        "cgp.resent_of", "cgp.msg_number", "cgp.session", "cgp.ticket", "cgp.sr.reconnect_flags",
                        "cgp.sr.num_open", "cgp.channel.target"])
        binds = {n: v for n, v in r.items() if v["cgp.cmd"][:1] in (["0x01"], ["0x02"])}
        self.assertEqual(sorted(binds), [4, 5, 36, 37])
        self.assertEqual(r[36]["tcp.stream"], ["1"])
        self.assertEqual(r[36]["cgp.sr.reconnect_flags"], ["0x01"])
        self.assertEqual(r[36]["cgp.ticket"], [TICKET])
        self.assertEqual(r[36]["cgp.resumed_from"], ["5"])     # the BIND_RESPONSE that issued the ticket
        self.assertEqual(r[36]["cgp.next_message"], ["34"])
        self.assertEqual(r[36]["cgp.sr.num_open"], ["1"])
        self.assertEqual(r[36]["cgp.channel.target"], ["127.0.0.1:1494"])   # the embedded open request
        self.assertEqual(r[37]["cgp.next_message"], ["9"])
        resent = sorted(n for n, v in r.items() if v["cgp.resent"] and boolean(v["cgp.resent"][0]))
        self.assertEqual(resent, [38])
        self.assertEqual(r[38]["cgp.resent_of"], ["31"])
        self.assertEqual(r[38]["cgp.msg_number"], ["9"])
        self.assertEqual(r[31]["cgp.msg_number"], ["9"])
        self.assertEqual({x for v in r.values() for x in v["cgp.session"]}, {"1"})
        ex = experts(path)
        self.assertIn("Session Reliability resume attempt (reconnect flag)", ex[36])
        self.assertIn("Message #9 sent again after the resume (first seen in frame 31)", ex[38])
        # the resent copy is not decoded as ICA again
        self.assertEqual(rows(path, ["ica.cmd"], filter="frame.number == 38")[38]["ica.cmd"], [])
        st = stats(path)
        self.assertEqual((st["CGP sessions"], st["Resume attempts"], st["Resumes linked to an earlier connection"],
                          st["Resumes refused"]), (1, 1, 1, 0))
        # the cgp tap names the ICA session it carries from its first chunk on, so the
        # session summary (-z citrix,tree) has one row for both connections
        for name in ("cgp-resume.pcap", "cgp-spike.pcap", "cgp-tls.pcapng"):
            rows_ = [ln for ln in WS.tshark(capture(name), ["-q", "-z", "citrix,tree"]).splitlines()
                     if ln.startswith(" Session ")]
            self.assertEqual(len(rows_), 1, name)

    def test_resume_refused(self):
        path = capture("cgp-resume-refused.pcap")
        r = rows(path, ["cgp.cmd", "cgp.next_message", "cgp.resumed_from", "cgp.session"])
        self.assertEqual(r[12]["cgp.resumed_from"], ["5"])
        self.assertEqual(r[13]["cgp.next_message"], ["0"])
        ex = experts(path)
        self.assertIn("Session Reliability resume attempt (reconnect flag)", ex[12])
        self.assertIn("Resume refused: next message number 0 in the answer to a resume", ex[13])
        # a first-connect BIND_RESPONSE with 0 is normal (§9)
        self.assertNotIn("Resume refused: next message number 0 in the answer to a resume", ex[5])
        self.assertEqual(WS.fields(path, ["frame.number"], filter="_ws.expert.message contains \"refused\""), [["13"]])
        st = stats(path)
        self.assertEqual((st["CGP sessions"], st["Resume attempts"], st["Resumes refused"]), (1, 1, 1))


class SessionSummary(unittest.TestCase):
    def test_one_cgp_summary_per_event(self):
        # frame 22 of cgp-spike.pcap holds the end of one DATA_REALTIME message and three more of
        # the same direction: the session summary shows their CGP facts once, and each of the four
        # ICA chunks with its own bytes
        r = rows(capture("cgp-spike.pcap"), ["cgp.cmd", "citrix.cgp.event", "citrix.direction", "citrix.ica_bytes"],
                 filter="frame.number == 22")[22]
        self.assertEqual(r["cgp.cmd"], ["0x0a"] * 3)
        self.assertEqual(r["citrix.cgp.event"], ["0"])
        self.assertEqual(r["citrix.ica_bytes"], ["80", "57", "700", "615"])
        self.assertEqual(r["citrix.direction"], ["1"] * 5)


class Malformed(unittest.TestCase):
    def test_experts(self):
        path = capture("cgp-malformed.pcap")
        ex = experts(path)
        self.assertEqual(ex[6], ["Command outside 0x01-0x0B"])
        self.assertEqual(ex[7], ["Reserved bits or bytes are not zero"])
        self.assertEqual(ex[16], ["Header extension of unknown layout without EXT_LENGTH: the payload cannot be found"])
        self.assertEqual(ex[17], ["Header extension data of unknown layout (skipped with EXT_LENGTH)"])
        self.assertEqual(ex[18], ["Value 4 written in the 2-byte varlen form"])
        self.assertEqual(ex[26], ["A length or count points past the end"])
        self.assertEqual(ex[27], ["3 capabilities announced, 1 present"])
        r = rows(path, ["cgp.ext.length", "cgp.ext.undecoded", "cgp.ext.monitoring", "cgp.channel.id", "cgp.data",
                        "cgp.length", "_ws.col.Info"])
        self.assertEqual(r[6]["_ws.col.Info"], ["unknown command 0x0c"])
        self.assertEqual(r[16]["cgp.ext.monitoring"], ["0x01"])
        self.assertEqual(r[16]["cgp.ext.undecoded"], ["aabb"])
        self.assertEqual(r[17]["cgp.ext.length"], ["3"])
        self.assertEqual(r[17]["cgp.ext.undecoded"], ["aabb01"])
        self.assertEqual(r[17]["cgp.channel.id"], ["6"])
        self.assertEqual(r[17]["cgp.data"], ["78797a"])
        self.assertEqual(r[18]["cgp.length"], ["4"])
        # the realtime record the capture ends inside: its start is shown (a realtime record's ICA bytes are
        # streamed, not reassembled), its 3 ICA bytes decoded as what they are, nothing claimed beyond them
        self.assertEqual(WS.fields(path, ["frame.number", "tcp.len", "cgp.cmd", "cgp.length", "_ws.col.Info"],
                                   filter="cgp and tcp.stream == 3", separator="\t"),
                         [["34", "106", "0x01", "98", "Signature, BIND_REQUEST"],
                          ["35", "123", "0x02", "115", "Signature, BIND_RESPONSE"],
                          ["36", "5", "0x0a", "7", "DATA_REALTIME, [continuation, 3 bytes]"]])
        self.assertEqual(ex[36], ["Incomplete ICA unit: 3 of 6 bytes so far"])   # the ICA decoder's note, no CGP one


class Midstream(unittest.TestCase):
    def test_port_pickup(self):
        """On 2598 a capture starting mid-session (no signature, no bind) is picked up
        from two valid records (cgp.md §13.3); the ICA inside starts mid-session."""
        path = capture("cgp-midstream.pcap")
        r = rows(path, ["cgp.cmd", "cgp.msg_number", "cgp.signature"])
        self.assertEqual(sorted(r)[:3], [1, 2, 3])
        # two whole realtime records and the start of a third, whose ICA bytes continue in frame 2
        self.assertEqual(r[1]["cgp.cmd"], ["0x0a", "0x0a", "0x0a"])
        self.assertEqual(r[1]["cgp.msg_number"], ["1", "2", "3"])
        self.assertEqual(r[2]["cgp.cmd"], [])
        self.assertEqual([n for n, v in r.items() if v["cgp.signature"]], [])
        self.assertIn("Capture starts in the middle of an ICA session: no handshake, no key", experts(path)[1])
        # the tcp heuristic never picks up mid-stream: on another port nothing is CGP
        out = WS.tshark(path, ["-d", "tcp.port==2598,http", "-Y", "cgp"])
        self.assertEqual(out.strip(), "")


class Edt(unittest.TestCase):
    def test_filler_not_edt(self):
        """Random bytes on UDP 1494 and 2598: no handshake, headers never agree (tests/tshark/test_edt.py)."""
        path = capture("cgp-edt.pcap")
        self.assertEqual(len(WS.fields(path, ["frame.number"])), 6)
        self.assertEqual(WS.fields(path, ["frame.number"], filter="edt || cgp"), [])


class NotClaimed(unittest.TestCase):
    def test_non_citrix_captures(self):
        names = sorted(n for n in os.listdir(os.path.join(TOP, "captures"))
                       if n.startswith(("portreg-", "ccha-")) and n.endswith(".pcap"))
        self.assertGreaterEqual(len(names), 10)
        for name in names:
            self.assertEqual(WS.fields(capture(name), ["frame.number"], filter="cgp || edt"), [], name)


class Registration(unittest.TestCase):
    def test_heuristics_and_port(self):
        out, _ = WS.run(["-G", "heuristic-decodes"])
        lists = {tuple(ln.split("\t")[:2]) for ln in out.splitlines()}
        for entry in (("tcp", "cgp"), ("tls", "cgp"), ("ws", "cgp")):
            self.assertIn(entry, lists)
        out, _ = WS.run(["-G", "decodes"])
        self.assertIn(("tcp.port", "2598", "cgp"), {tuple(ln.split("\t")) for ln in out.splitlines()})

    def test_readme_lists_every_field(self):
        with open(os.path.join(TOP, "README.md")) as f:
            readme = f.read()
        names = registered_fields(WS, "cgp.")
        self.assertGreater(len(names), 100)
        self.assertEqual([n for n in sorted(names) if "`%s`" % n not in readme], [])

    def test_heuristic_off_port(self):
        """The bind on another port is found by the tcp heuristic (signature + valid bind)."""
        tmp = tempfile.mkdtemp(prefix="cgp-port-")
        try:
            sys.path.insert(0, os.path.join(TOP, "tools", "captures"))
            import cgp_captures
            from pcapgen import PcapWriter
            path = os.path.join(tmp, "p.pcap")
            w = PcapWriter(path)
            cgp_captures.write_runs(w, cgp_captures.cgp_spike_runs()[:4], server=("10.30.9.20", 44300))
            w.close()
            r = rows(path, ["cgp.cmd"])
            self.assertEqual(sorted(r), [4, 5, 6, 7])
            self.assertEqual(r[6]["cgp.cmd"], ["0x06"])
        finally:
            shutil.rmtree(tmp, True)


if __name__ == "__main__":
    unittest.main(verbosity=2)
