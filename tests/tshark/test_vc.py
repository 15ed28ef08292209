#!/usr/bin/env python3
"""The virtual-channel layer and its decoders (issue 18) on the VC captures
(tools/captures/vc_captures.py: the real 2001 session carrying CTXEUEM).

Expected values are written out from the HTML5 client's EUEM test vectors
(shared notes vc.md §2, search-index file 21833484800) and the splits the
builder was told to make (captures/README.md), not computed from the builder.
Each check runs in one pass (tshark) and in two passes (tshark -2: the second
pass renders what the first stored).
"""
import os
import re
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from icacap_util import TOP, Wireshark, capture, per_direction, AGGREGATOR  # noqa: E402

sys.path.insert(0, os.path.join(TOP, "tools", "lib"))
import statstree  # noqa: E402

WS = Wireshark()
EUEM = capture("vc-euem.pcap")
HOSTILE = capture("vc-euem-hostile.pcap")
SPIKE = capture("spike-ica-2001.pcap")
CTL = capture("vc-ctl.pcap")
CTL_HOSTILE = capture("vc-ctl-hostile.pcap")
CREDS = capture("vc-credentials.pcap")
CLIP = capture("vc-clip.pcap")
CLIP_HOSTILE = capture("vc-clip-hostile.pcap")

BIND_REQUEST, BIND_RESPONSE, BIND_COMMIT, SETTINGS, CONNECTION_ID = 0, 1, 2, 3, 4
ROUNDTRIP_START, ROUNDTRIP_ABORT, ICA_RESULT, CLIENT_STARTUP_TIMES = 5, 6, 7, 9


def ints(values):
    return [int(v, 0) for v in values]


def rows(path, fields, filter, two_pass):
    """[(frame, {field: [values]})] of the displayed frames."""
    extra = ["-2"] if two_pass else []
    out = WS.fields(path, ["frame.number"] + fields, filter=filter, extra=extra, separator="\t",
                    aggregator=AGGREGATOR)
    return [(int(r[0]), {f: [x for x in v.split(AGGREGATOR) if x != ""] for f, v in zip(fields, r[1:])})
            for r in out]


class Euem(unittest.TestCase):
    TWO_PASS = False

    def d(self, fields, filter="ica.euem"):
        return per_direction(WS, EUEM, fields, filter=filter, extra=["-2"] if self.TWO_PASS else [])

    def test_channel_bound_by_name(self):
        d = self.d(["ica.vc.number", "ica.vc.name", "ica.vc.name_source"], filter="ica.euem")
        for side in ("c2s", "s2c"):
            self.assertEqual(set(ints(d[side]["ica.vc.number"])), {18})
            self.assertEqual(set(d[side]["ica.vc.name"]), {"CTXEUEM"})
            self.assertEqual(set(ints(d[side]["ica.vc.name_source"])), {1})   # the session's VcBind table

    def test_commands_in_order(self):
        d = self.d(["ica.euem.cmd", "ica.euem.byte_count"])
        self.assertEqual(ints(d["s2c"]["ica.euem.cmd"]), [BIND_REQUEST, BIND_COMMIT, SETTINGS, ROUNDTRIP_ABORT])
        self.assertEqual(ints(d["s2c"]["ica.euem.byte_count"]), [13, 13, 14, 5])
        self.assertEqual(ints(d["c2s"]["ica.euem.cmd"]), [BIND_RESPONSE, CONNECTION_ID, CLIENT_STARTUP_TIMES,
                                                          ROUNDTRIP_START, ICA_RESULT, ICA_RESULT, ICA_RESULT])
        self.assertEqual(ints(d["c2s"]["ica.euem.byte_count"]), [13, 43, 68, 6, 18, 18, 18])

    def test_bind_and_settings(self):
        d = self.d(["ica.euem.cap_offset", "ica.euem.cap_count", "ica.euem.cap.id", "ica.euem.cap.version",
                    "ica.euem.cap.byte_count", "ica.euem.settings_offset", "ica.euem.settings_count",
                    "ica.euem.setting.id", "ica.euem.setting.byte_count", "ica.euem.roundtrip_period"])
        self.assertEqual(ints(d["s2c"]["ica.euem.cap.version"]), [3, 2])      # request 3, commit 2
        self.assertEqual(ints(d["c2s"]["ica.euem.cap.version"]), [3])
        self.assertEqual(ints(d["s2c"]["ica.euem.cap_offset"]), [8, 8])
        self.assertEqual(ints(d["s2c"]["ica.euem.cap_count"]), [1, 1])
        self.assertEqual(ints(d["s2c"]["ica.euem.cap.id"]), [1, 1])
        self.assertEqual(ints(d["s2c"]["ica.euem.cap.byte_count"]), [5, 5])
        self.assertEqual(ints(d["s2c"]["ica.euem.settings_offset"]), [8])
        self.assertEqual(ints(d["s2c"]["ica.euem.settings_count"]), [1])
        self.assertEqual(ints(d["s2c"]["ica.euem.setting.id"]), [0])
        self.assertEqual(ints(d["s2c"]["ica.euem.setting.byte_count"]), [6])
        self.assertEqual(ints(d["s2c"]["ica.euem.roundtrip_period"]), [2])

    def test_connection_id(self):
        d = self.d(["ica.euem.session_id", "ica.euem.timestamp", "ica.euem.client_name_length",
                    "ica.euem.client_name_offset", "ica.euem.client_address_length",
                    "ica.euem.client_address_offset", "ica.euem.client_name", "ica.euem.client_address"])["c2s"]
        self.assertEqual(ints(d["ica.euem.session_id"]), [0])
        self.assertEqual(ints(d["ica.euem.timestamp"]), [0])
        self.assertEqual(ints(d["ica.euem.client_name_length"]), [15])
        self.assertEqual(ints(d["ica.euem.client_name_offset"]), [20])
        self.assertEqual(ints(d["ica.euem.client_address_length"]), [8])
        self.assertEqual(ints(d["ica.euem.client_address_offset"]), [35])
        self.assertEqual(d["ica.euem.client_name"], ["HTML-5748-4000"])
        self.assertEqual(d["ica.euem.client_address"], ["0.0.0.0"])

    def test_round_trips(self):
        d = self.d(["ica.euem.roundtrip_ms", "ica.euem.sequence", "ica.euem.duration_count",
                    "ica.euem.durations_offset", "ica.euem.duration_size"],
                   filter="ica.euem.cmd == 7 || ica.euem.cmd == 5 || ica.euem.cmd == 6")
        self.assertEqual(ints(d["c2s"]["ica.euem.roundtrip_ms"]), [31, 45, 12])
        self.assertEqual(ints(d["c2s"]["ica.euem.sequence"]), [1, 0, 2, 3])   # START seq 1, then 3 results
        self.assertEqual(ints(d["s2c"]["ica.euem.sequence"]), [1])            # ABORT seq 1
        self.assertEqual(ints(d["c2s"]["ica.euem.duration_count"]), [1, 1, 1])
        self.assertEqual(ints(d["c2s"]["ica.euem.durations_offset"]), [13, 13, 13])
        self.assertEqual(ints(d["c2s"]["ica.euem.duration_size"]), [5, 5, 5])

    def test_durations(self):
        d = self.d(["ica.euem.duration_id", "ica.euem.duration_ms", "ica.euem.duration_name"])["c2s"]
        # CLIENT_STARTUP_TIMES (7 durations), then the three ICA_RESULTs (EUEM_TRIGGER -44 ms each)
        self.assertEqual(ints(d["ica.euem.duration_id"]), [6, 7, 8, 9, 10, 0, 11, 1, 1, 1])
        self.assertEqual(ints(d["ica.euem.duration_ms"]), [265, 0, 406, 714, 1, 5627, 1142, -44, -44, -44])
        self.assertEqual(d["ica.euem.duration_name"], ["NRWD", "TRWD", "LPWD", "IFDCD", "SLCD", "SCD", "SCCD",
                                                       "EUEM_TRIGGER", "EUEM_TRIGGER", "EUEM_TRIGGER"])

    def test_startup_times(self):
        d = self.d(["ica.euem.startup_flag", "ica.euem.app_name_length", "ica.euem.app_name_offset",
                    "ica.euem.launch_mechanism_length", "ica.euem.launch_mechanism_offset", "ica.euem.app_name",
                    "ica.euem.launch_mechanism", "ica.euem.durations_offset"], filter="ica.euem.cmd == 9")["c2s"]
        self.assertEqual(ints(d["ica.euem.startup_flag"]), [1])
        self.assertEqual(ints(d["ica.euem.app_name_length"]), [12])
        self.assertEqual(ints(d["ica.euem.app_name_offset"]), [18])
        self.assertEqual(ints(d["ica.euem.launch_mechanism_length"]), [3])
        self.assertEqual(ints(d["ica.euem.launch_mechanism_offset"]), [30])
        self.assertEqual(ints(d["ica.euem.durations_offset"]), [33])
        self.assertEqual(d["ica.euem.app_name"], ["#Calculator"])
        self.assertEqual(d["ica.euem.launch_mechanism"], ["WI"])

    def test_reassembly_across_writes_and_frames(self):
        r = rows(EUEM, ["ica.vc.length", "ica.vc.msg.piece", "ica.vc.msg.reassembled_in", "ica.vc.msg.first_frame",
                        "ica.vc.msg.length", "ica.euem.cmd"], "ica.vc.length && ica.vc.number == 18", self.TWO_PASS)
        by_cmds = {f: ints(v["ica.euem.cmd"]) for f, v in r}
        # the 68-byte startup message: writes of 20 and 20 bytes in one frame, 28 in the next
        start = next(f for f, v in r if ints(v["ica.vc.length"]) == [20, 20])
        # where a piece's message completes is known once the first pass is over
        later = (lambda n: [n]) if self.TWO_PASS else (lambda n: [])
        self.assertEqual(ints(dict(r)[start]["ica.vc.msg.reassembled_in"]), later(start + 1) * 2)
        self.assertEqual(by_cmds[start], [])
        done = dict(r)[start + 1]
        self.assertEqual(ints(done["ica.vc.msg.first_frame"]), [start])
        self.assertEqual(ints(done["ica.vc.msg.length"]), [68])
        self.assertEqual(by_cmds[start + 1], [CLIENT_STARTUP_TIMES])
        # ROUNDTRIP_START whole, then 3 bytes of ICA_RESULT (its header cut) completed in the next frame
        rt = next(f for f, v in r if by_cmds[f] == [ROUNDTRIP_START])
        self.assertEqual(ints(dict(r)[rt]["ica.vc.length"]), [9])
        self.assertEqual(ints(dict(r)[rt]["ica.vc.msg.reassembled_in"]), later(rt + 1))
        self.assertEqual(ints(dict(r)[rt + 1]["ica.vc.msg.first_frame"]), [rt])
        self.assertEqual(ints(dict(r)[rt + 1]["ica.vc.msg.length"]), [18])
        self.assertEqual(by_cmds[rt + 1], [ICA_RESULT])
        # two whole messages in one write: no piece, no reassembly
        two = next(f for f, v in r if by_cmds[f] == [ICA_RESULT, ICA_RESULT])
        self.assertEqual(dict(r)[two]["ica.vc.msg.piece"], [])

    def test_no_malformed_no_warnings(self):
        r = rows(EUEM, ["_ws.malformed", "_ws.expert.severity"], "ica", self.TWO_PASS)
        self.assertEqual([f for f, v in r if v["_ws.malformed"]], [])
        warn = 0x00600000
        self.assertEqual([f for f, v in r if any(int(s, 0) >= warn for s in v["_ws.expert.severity"])], [])


class EuemTwoPass(Euem):
    TWO_PASS = True


class EuemInTls(unittest.TestCase):
    """The same session replayed inside real TLS 1.2 (tools/captures/record_ica_tls.py, key log embedded):
    TLS records cut and join the messages elsewhere, and every EUEM value, per direction and in order, is
    the plain capture's (one pass and two); nothing malformed."""
    PATH = capture("vc-euem-tls-1494.pcapng")
    FIELDS = ["ica.euem.cmd", "ica.euem.byte_count", "ica.euem.roundtrip_ms", "ica.euem.sequence",
              "ica.euem.client_name", "ica.euem.client_address", "ica.euem.app_name", "ica.euem.launch_mechanism",
              "ica.euem.duration_name", "ica.euem.duration_ms", "ica.euem.roundtrip_period"]

    def test_same_values_as_plain(self):
        for extra in ([], ["-2"]):
            plain = per_direction(WS, EUEM, self.FIELDS, filter="ica.euem", extra=extra)
            tls = per_direction(WS, self.PATH, self.FIELDS, filter="ica.euem", extra=extra)
            self.assertEqual(ints(tls["c2s"]["ica.euem.roundtrip_ms"]), [31, 45, 12])
            self.assertEqual(tls, plain)

    def test_no_malformed_no_warnings(self):
        r = rows(self.PATH, ["_ws.malformed", "_ws.expert.severity"], "ica", False)
        warn = 0x00600000
        self.assertEqual([f for f, v in r if v["_ws.malformed"] or
                          any(int(x, 0) >= warn for x in v["_ws.expert.severity"])], [])


class Hostile(unittest.TestCase):
    def experts(self, two_pass):
        r = rows(HOSTILE, ["ica.euem.cmd", "_ws.expert.message"], "ica.vc.length && ica.vc.number == 18", two_pass)
        return [v["_ws.expert.message"] for _f, v in r]

    def test_lies_marked_two_pass(self):
        self.assertEqual(self.experts(True), [
            [],
            ["Reserved byte not 0 (the HTML5 client rejects such a message)",
             "Offset 256 outside the message's body (20..42)"],
            ["Count 200: only 1 durations fit in the message"],
            ["Message claims 2 bytes, less than its own header: rest of the write dropped"],
            ["Message never completed in the capture (1024 bytes expected): dropped"],
        ])

    def test_incomplete_one_pass(self):
        # one pass cannot know the capture ends: the piece is shown as continuing
        self.assertEqual(self.experts(False)[4], ["Message piece: the message continues in a later write"])

    def test_values_up_to_the_lie(self):
        r = rows(HOSTILE, ["ica.euem.client_address", "ica.euem.client_name", "ica.euem.duration_ms",
                           "ica.vc.msg.bad_length", "ica.vc.msg.piece", "_ws.malformed"], "ica.vc.length && ica.vc.number == 18", True)
        v = [x for _f, x in r]
        self.assertEqual(v[1]["ica.euem.client_address"], ["0.0.0.0"])   # the address offset is still right
        self.assertEqual(v[1]["ica.euem.client_name"], [])
        self.assertEqual(ints(v[2]["ica.euem.duration_ms"]), [-44])
        self.assertEqual(ints(v[3]["ica.vc.msg.bad_length"]), [2])
        self.assertEqual(len(bytes.fromhex(v[3]["ica.vc.msg.piece"][0].replace(":", ""))), 22)
        self.assertEqual(len(bytes.fromhex(v[4]["ica.vc.msg.piece"][0].replace(":", ""))), 20)
        # the lies are malformed (expert group), the rest is not; no exception anywhere
        self.assertEqual([bool(x["_ws.malformed"]) for x in v], [False, True, True, True, False])


class DecodeAs(unittest.TestCase):
    def test_any_channel_as_euem(self):
        """Decode As through the ica.vc table: the real session's CTXCAM channel read as CTXEUEM
        takes the EUEM length rule along (the first CTXCAM write starts 00 01: ByteCount 256)."""
        cam = "ica.vc.length && ica.vc.name == \"CTXCAM\""
        r = rows(SPIKE, ["ica.vc.name", "ica.vc.msg.piece", "ica.euem.cmd"], cam, False)
        self.assertEqual(len(r), 7)
        self.assertEqual([v["ica.vc.msg.piece"] for _f, v in r], [[]] * len(r))
        out = WS.fields(SPIKE, ["frame.number", "ica.vc.msg.piece", "ica.euem.cmd"],
                        filter=cam, extra=["-d", "ica.vc==CTXCAM,ica.euem"])
        self.assertEqual(len(out), len(r))
        self.assertTrue(all(row[1] for row in out))      # every write held as a piece of a 256+ byte message
        self.assertEqual(sum(1 for row in out if row[2]), 0)


class Statistics(unittest.TestCase):
    """-z ica,tree: what the EUEM decoder put on the ica tap, per session."""

    @classmethod
    def setUpClass(cls):
        out = WS.tshark(EUEM, ["-q", "-z", "ica,tree"])
        cls.roots = statstree.parse(out)["Citrix/ICA sessions"]
        cls.session = statstree.find(cls.roots, "Client-reported (CTXEUEM)",
                                     "192.168.1.100:1193 -> 192.168.1.101:1494")

    def test_round_trip(self):
        rt = self.session.child("ICA round trip (ms)")
        self.assertEqual(rt.count, 3)                       # 31, 45, 12 ms
        self.assertEqual((rt.values["min"], rt.values["max"]), (12, 45))
        self.assertAlmostEqual(rt.values["average"], 29.33, places=2)
        self.assertEqual(rt.child("median").count, 31)

    def test_client_and_application(self):
        names = sorted(c.name for c in self.session.children if ":" in c.name)
        self.assertEqual(names, ["Application: #Calculator", "Client address: 0.0.0.0",
                                 "Client name: HTML-5748-4000", "Launch mechanism: WI"])
        self.assertTrue(all(self.session.child(n).count == 1 for n in names))

    def test_startup_durations(self):
        d = self.session.child("Startup durations (ms)")
        got = {c.name: (c.count, c.values["min"], c.values["max"]) for c in d.children}
        self.assertEqual(got, {"NRWD": (1, 265, 265), "TRWD": (1, 0, 0), "LPWD": (1, 406, 406),
                               "IFDCD": (1, 714, 714), "SLCD": (1, 1, 1), "SCD": (1, 5627, 5627),
                               "SCCD": (1, 1142, 1142)})


class Ctl(unittest.TestCase):
    """CTXCTL (vc.md §3) on channel 8 of vc-ctl.pcap; layouts from CTLVirtualDriver."""
    TWO_PASS = False

    def d(self, fields, filter="ica.ctl"):
        return per_direction(WS, CTL, fields, filter=filter, extra=["-2"] if self.TWO_PASS else [])

    def test_commands(self):
        d = self.d(["ica.ctl.cmd", "ica.ctl.length", "ica.vc.name"])
        self.assertEqual(ints(d["s2c"]["ica.ctl.cmd"]), [0, 2, 4, 9, 0x0F, 0x0F, 0x0F, 4])
        self.assertEqual(ints(d["s2c"]["ica.ctl.length"]), [52, 52, 4, 26, 28, 16, 16, 4])
        self.assertEqual(ints(d["c2s"]["ica.ctl.cmd"]), [1, 3, 0x0A, 3])
        self.assertEqual(ints(d["c2s"]["ica.ctl.length"]), [52, 86, 4, 38])
        self.assertEqual(set(d["c2s"]["ica.vc.name"] + d["s2c"]["ica.vc.name"]), {"CTXCTL"})

    def test_capabilities(self):
        d = self.d(["ica.ctl.cap_offset", "ica.ctl.cap_count", "ica.ctl.cap.id", "ica.ctl.cap.size",
                    "ica.ctl.cap.version", "ica.ctl.cap.encoding", "ica.ctl.cap.codepage", "ica.ctl.cap.max_cmdline",
                    "ica.ctl.cap.max_env", "ica.ctl.cap.initial_program", "ica.ctl.cap.sfta_level"],
                   filter="ica.ctl.cmd <= 2")
        for side, binds in (("s2c", 2), ("c2s", 1)):
            x = d[side]
            self.assertEqual(ints(x["ica.ctl.cap_offset"]), [4] * binds)
            self.assertEqual(ints(x["ica.ctl.cap_count"]), [6] * binds)
            self.assertEqual(ints(x["ica.ctl.cap.id"]), [1, 2, 3, 5, 6, 10] * binds)
            self.assertEqual(ints(x["ica.ctl.cap.size"]), [8, 12, 8, 8, 8, 4] * binds)
            self.assertEqual(ints(x["ica.ctl.cap.version"]), [1] * binds)
            self.assertEqual(ints(x["ica.ctl.cap.encoding"]), [2] * binds)
            self.assertEqual(ints(x["ica.ctl.cap.max_cmdline"]), [1024] * binds)
            self.assertEqual(ints(x["ica.ctl.cap.max_env"]), [0] * binds)
            self.assertEqual(ints(x["ica.ctl.cap.initial_program"]), [1] * binds)
            self.assertEqual(ints(x["ica.ctl.cap.sfta_level"]), [1] * binds)
        self.assertEqual(ints(d["s2c"]["ica.ctl.cap.codepage"]), [1252, 1252])
        self.assertEqual(ints(d["c2s"]["ica.ctl.cap.codepage"]), [0])

    def test_launch(self):
        d = self.d(["ica.ctl.app_offset", "ica.ctl.cmdline_offset", "ica.ctl.env_length", "ica.ctl.env_offset",
                    "ica.ctl.launch_flags", "ica.ctl.app", "ica.ctl.cmdline", "ica.ctl.launch_status"],
                   filter="ica.ctl.cmd == 3 || ica.ctl.cmd == 4")
        c = d["c2s"]
        self.assertEqual(ints(c["ica.ctl.app_offset"]), [12, 12])
        self.assertEqual(ints(c["ica.ctl.cmdline_offset"]), [36, 36])     # 12 + 12 UTF-16 characters
        self.assertEqual(ints(c["ica.ctl.env_length"] + c["ica.ctl.env_offset"]), [0, 0, 0, 0])
        self.assertEqual(ints(c["ica.ctl.launch_flags"]), [0, 0])
        self.assertEqual(c["ica.ctl.app"], ['#"Notepad""', '#"Notepad""'])
        self.assertEqual(c["ica.ctl.cmdline"], ["C:\\Users\\alice\\notes.txt"])
        self.assertEqual(ints(d["s2c"]["ica.ctl.launch_status"]), [0, 6])

    def test_url_and_session_events(self):
        d = self.d(["ica.ctl.url_offset", "ica.ctl.url", "ica.ctl.sfta_status", "ica.ctl.elements_offset",
                    "ica.ctl.elements_count", "ica.ctl.element.byte_count", "ica.ctl.element.type",
                    "ica.ctl.session_event", "ica.ctl.session_guid"])
        s = d["s2c"]
        self.assertEqual(ints(s["ica.ctl.url_offset"]), [2])
        self.assertEqual(s["ica.ctl.url"], ["https://www.citrix.com/"])
        self.assertEqual(ints(d["c2s"]["ica.ctl.sfta_status"]), [0])
        self.assertEqual(ints(s["ica.ctl.elements_offset"]), [4, 4, 4])
        self.assertEqual(ints(s["ica.ctl.elements_count"]), [1, 1, 1])
        self.assertEqual(ints(s["ica.ctl.element.byte_count"]), [24, 12, 12])
        self.assertEqual(ints(s["ica.ctl.element.type"]), [2, 1, 1])
        self.assertEqual(ints(s["ica.ctl.session_event"]), [1, 2])           # LOCK, DISCONNECT
        self.assertEqual(s["ica.ctl.session_guid"], ["12345678-1234-5678-0102-030405060708"])

    def test_launch_request_reassembled(self):
        r = rows(CTL, ["ica.vc.length", "ica.vc.msg.first_frame", "ica.vc.msg.length", "ica.ctl.app",
                       "_ws.expert.severity"], "ica.vc.length && ica.vc.number == 8", self.TWO_PASS)
        first = next(f for f, v in r if ints(v["ica.vc.length"]) == [25])
        done = dict(r)[first + 1]
        self.assertEqual(ints(done["ica.vc.length"]), [65])
        self.assertEqual(ints(done["ica.vc.msg.first_frame"]), [first])
        self.assertEqual(ints(done["ica.vc.msg.length"]), [90])
        self.assertEqual(done["ica.ctl.app"], ['#"Notepad""'])
        # the one warning is the refused launch
        warn = [f for f, v in r if any(int(x, 0) >= 0x00600000 for x in v["_ws.expert.severity"])]
        self.assertEqual(len(warn), 1)


class CtlTwoPass(Ctl):
    TWO_PASS = True


class CtlHostile(unittest.TestCase):
    def test_lies_marked(self):
        r = rows(CTL_HOSTILE, ["_ws.expert.message", "ica.ctl.cmdline", "ica.ctl.app"],
                 "ica.vc.length && ica.vc.number == 8", True)
        self.assertEqual([v["_ws.expert.message"] for _f, v in r], [
            ["Count 50: only 6 blocks fit in the message"],
            ["CapabilitySize 2: below its 4-byte header or past the message"],
            ["Offset 1024 outside the message's body (12..85)"],
            ["Message never completed in the capture (260 bytes expected): dropped"],
        ])
        self.assertEqual(r[2][1]["ica.ctl.app"], [])
        self.assertEqual(r[2][1]["ica.ctl.cmdline"], ["C:\\Users\\alice\\notes.txt"])


class CtlStatistics(unittest.TestCase):
    def test_session_control_node(self):
        out = WS.tshark(CTL, ["-q", "-z", "ica,tree"])
        session = statstree.find(statstree.parse(out)["Citrix/ICA sessions"], "Session control (CTXCTL)",
                                 "192.168.1.100:1193 -> 192.168.1.101:1494")
        got = {c.name: c.count for c in session.children}
        self.assertEqual(got, {'Application launched: #"Notepad""': 2,
                               "Command line: C:\\Users\\alice\\notes.txt": 1,
                               "Launch status: SUCCESS": 1, "Launch status: LAUNCH_ERROR": 1,
                               "URL redirected: https://www.citrix.com/": 1,
                               "Session event: LOCK": 1, "Session event: DISCONNECT": 1})


class Credentials(unittest.TestCase):
    """WDCREDENTIALS (WD 0x44) in the HTML5 client's layout, inside the real Basic-encrypted session."""
    FIELDS = ["ica.credentials.command", "ica.credentials.algorithm", "ica.credentials.username_offset",
              "ica.credentials.domain_offset", "ica.credentials.password_offset", "ica.credentials.username",
              "ica.credentials.domain", "ica.credentials.password_length", "ica.credentials.password",
              "_ws.expert.message"]

    def r(self, extra=()):
        out = WS.fields(CREDS, ["frame.number"] + self.FIELDS, filter="ica.cmd == 0x44", separator="\t",
                        aggregator=AGGREGATOR, extra=["-2"] + list(extra))
        return [{f: [x for x in v.split(AGGREGATOR) if x != ""] for f, v in zip(self.FIELDS, row[1:])} for row in out]

    def test_query_and_data(self):
        q, d, bad = self.r()
        self.assertEqual(ints(q["ica.credentials.command"] + q["ica.credentials.algorithm"]), [1, 1])
        self.assertEqual(ints(d["ica.credentials.command"] + d["ica.credentials.algorithm"]), [2, 1])
        self.assertEqual(ints(d["ica.credentials.username_offset"] + d["ica.credentials.domain_offset"] +
                              d["ica.credentials.password_offset"]), [12, 24, 40])
        self.assertEqual(d["ica.credentials.username"], ["alice"])
        self.assertEqual(d["ica.credentials.domain"], ["EXAMPLE"])
        self.assertEqual(ints(d["ica.credentials.password_length"]), [10])

    def test_password_hidden_unless_preference(self):
        # the last message is the citrix post-dissector's credentials_exposed finding (the report's)
        finding = "Session 1: the client sent a password (WDCREDENTIALS) under Basic encryption: readable from the capture"
        _q, d, _bad = self.r()
        self.assertEqual(d["ica.credentials.password"], [])
        self.assertEqual(d["_ws.expert.message"], [
            "Credentials readable by anyone holding the capture: the session uses Basic encryption",
            "Password not shown: enable the ica.show_passwords preference to see it", finding])
        _q, d, _bad = self.r(["-o", "ica.show_passwords:TRUE"])
        self.assertEqual(d["ica.credentials.password"], ["Secret123!"])
        self.assertEqual(d["_ws.expert.message"], [
            "Credentials readable by anyone holding the capture: the session uses Basic encryption", finding])

    def test_credentials_tap(self):
        """Wireshark's credentials tap (Tools > Credentials) lists each user name with its frame.  tshark
        prints that tap only as a table: its rows are read as (frame, protocol, user, info) cells."""
        out = WS.tshark(CREDS, ["-q", "-z", "credentials"])
        cells = [re.split(r"\s{2,}", line.strip()) for line in out.splitlines() if re.match(r"\d+\s", line)]
        self.assertEqual(cells, [["128", "ICA", "EXAMPLE\\alice", "WDCREDENTIALS, password of 10 characters"],
                                 ["129", "ICA", "EXAMPLE\\bob", "WDCREDENTIALS, no password"]])

    def test_offset_past_the_command(self):
        _q, _d, bad = self.r()
        self.assertEqual(bad["ica.credentials.username"], ["bob"])
        self.assertEqual(bad["ica.credentials.password_length"], [])
        self.assertEqual(bad["_ws.expert.message"][-1], "Offset 768 outside the body (12..39)")


class Clip(unittest.TestCase):
    """CTXCLIP (vc.md §5) on channel 17 of vc-clip.pcap: no length field, sizes from the layout."""

    @classmethod
    def setUpClass(cls):
        cls.d = per_direction(WS, CLIP, ["ica.clip.function", "ica.clip.flags", "ica.clip.format", "ica.clip.size",
                                         "ica.clip.format_name", "ica.clip.version", "ica.clip.version_low",
                                         "ica.clip.version_high", "ica.clip.threshold", "ica.clip.text",
                                         "ica.clip.data", "ica.clip.reserved", "ica.clip.notify_format"],
                              filter="ica.clip", extra=["-2"])

    def test_functions(self):
        self.assertEqual(ints(self.d["s2c"]["ica.clip.function"]), [1, 8, 3, 5, 5])
        self.assertEqual(ints(self.d["c2s"]["ica.clip.function"]), [2, 9, 4, 3, 4])
        self.assertEqual(ints(self.d["s2c"]["ica.clip.flags"]), [0, 3, 0, 4])
        self.assertEqual(ints(self.d["c2s"]["ica.clip.flags"]), [0, 0, 0, 0, 0])

    def test_versions(self):
        self.assertEqual(ints(self.d["s2c"]["ica.clip.version_low"] + self.d["s2c"]["ica.clip.version_high"]), [1, 3])
        self.assertEqual(ints(self.d["c2s"]["ica.clip.version"]), [3])
        self.assertEqual(ints(self.d["c2s"]["ica.clip.threshold"]), [0])
        self.assertEqual(ints(self.d["c2s"]["ica.clip.notify_format"]), [0])

    def test_formats_and_registered_names(self):
        s, c = self.d["s2c"], self.d["c2s"]
        # register request (0xC001, end), PLACE (13, 0xC001, end), RENDER_REPLY (13)
        self.assertEqual(ints(s["ica.clip.format"]), [0xC001, 0, 13, 0xC001, 0, 13])
        self.assertEqual(ints(s["ica.clip.size"]), [12, 0, 48, 640, 44])
        self.assertEqual(s["ica.clip.format_name"], ["HTML Format", "HTML Format"])
        # register reply (0xC001, end), RENDER_REQUEST 13, PLACE CF_TEXT, RENDER_REQUEST 0xC001
        self.assertEqual(ints(c["ica.clip.format"]), [0xC001, 0, 13, 1, 0xC001])
        self.assertEqual(ints(c["ica.clip.size"]), [0, 0, 6])
        self.assertEqual(c["ica.clip.format_name"], ["HTML Format", "HTML Format"])   # reply block, request
        self.assertEqual(ints(c["ica.clip.reserved"]), [0, 0])

    def test_data_and_text(self):
        self.assertEqual(self.d["s2c"]["ica.clip.text"], ["Quarterly numbers: 42"])
        self.assertEqual(self.d["c2s"]["ica.clip.text"], ["hello"])
        data = bytes.fromhex(self.d["s2c"]["ica.clip.data"][0].replace(":", ""))
        self.assertEqual(data, "Quarterly numbers: 42\0".encode("utf-16-le"))

    def test_render_reply_reassembled(self):
        r = rows(CLIP, ["ica.vc.length", "ica.vc.msg.first_frame", "ica.vc.msg.length", "ica.vc.msg.reassembled_in",
                        "ica.clip.function"], "ica.vc.length && ica.vc.number == 17", True)
        first = next(f for f, v in r if ints(v["ica.vc.length"]) == [7, 23])
        self.assertEqual(ints(dict(r)[first]["ica.vc.msg.reassembled_in"]), [first + 1, first + 1])
        done = dict(r)[first + 1]
        self.assertEqual(ints(done["ica.vc.length"]), [24])
        self.assertEqual(ints(done["ica.vc.msg.first_frame"]), [first])
        self.assertEqual(ints(done["ica.vc.msg.length"]), [54])          # 10 + 44 bytes of text
        self.assertEqual(ints(done["ica.clip.function"]), [5])

    def test_hostile(self):
        r = rows(CLIP_HOSTILE, ["_ws.expert.message"], "ica.vc.length && ica.vc.number == 17", True)
        self.assertEqual([v["_ws.expert.message"] for _f, v in r], [
            ["Message claims 4294967295 bytes, past the channel's limit: rest of the write dropped"],
            ["No public layout for this function"],
            ["Message never completed in the capture (5010 bytes expected): dropped"],
        ])

    def test_statistics(self):
        out = WS.tshark(CLIP, ["-q", "-z", "ica,tree"])
        session = statstree.find(statstree.parse(out)["Citrix/ICA sessions"], "Clipboard (CTXCLIP)",
                                 "192.168.1.100:1193 -> 192.168.1.101:1494")
        s2c = session.child("server to client").child("CF_UNICODETEXT (bytes)")
        c2s = session.child("client to server").child("CF_TEXT (bytes)")
        self.assertEqual((s2c.count, s2c.values["min"], s2c.values["max"]), (1, 44, 44))
        self.assertEqual((c2s.count, c2s.values["min"], c2s.values["max"]), (1, 6, 6))


if __name__ == "__main__":
    unittest.main()
