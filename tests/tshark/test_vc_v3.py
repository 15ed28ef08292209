#!/usr/bin/env python3
"""The virtual-channel decoders inside CGP and a reducer V3 session (issue 18) on captures/vc-v3-cgp.pcap
(tools/captures/vc_v3_captures.py: the real 2021 session re-carried on TCP 2598, continued from frame 143 on
with CTXEUEM, CTXCTL, CTXCLIP and CTXCDM messages in V3 copy chunks, Basic-encrypted, in CGP records).

Every decoded value of those channels equals what the same messages give in the plain captures
(vc-euem.pcap, vc-ctl.pcap, vc-clip.pcap, vc-cdm.pcap: the real 2001 session, no CGP, no reducer): each
channel's message sequence here is the start of its plain capture's, so each field's values in each
direction are the first values of the plain capture's.  The message sequences, the key values and the
splits (virtual writes per frame) are written out from what the builder was told to send.  The frames
carrying them are CGP records on TCP 2598 whose V3 packets the expander turned into those writes; the
real session's 142 frames decode as they do in edt-citrixudp-tcp.pcap.  One pass and two (tshark -2).
"""
import functools
import json
import os
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from icacap_util import TOP, Wireshark, capture, per_direction, registered_fields, AGGREGATOR  # noqa: E402

WS = Wireshark()
V3 = capture("vc-v3-cgp.pcap")
REAL = capture("edt-citrixudp-tcp.pcap")
LAST_REAL = 142                 # the real session's last data frame (its FIN follows it in REAL)
CGP_PORT, ICA_PORT = 2598, 1494
PLAIN = {"ica.euem": capture("vc-euem.pcap"), "ica.ctl": capture("vc-ctl.pcap"),
         "ica.clip": capture("vc-clip.pcap"), "ica.cdm": capture("vc-cdm.pcap")}
# frame numbers and times differ between the captures by construction: compared apart (response_in below)
NOT_COMPARED = {"FT_NONE", "FT_FRAMENUM", "FT_RELATIVE_TIME"}


def ints(values):
    return [int(v, 0) for v in values]


def split(v):
    return [x for x in v.split(AGGREGATOR) if x != ""]


@functools.lru_cache(maxsize=None)
def compared_fields(proto):
    return sorted(f for f, t in registered_fields(WS, proto + ".").items() if t not in NOT_COMPARED)


@functools.lru_cache(maxsize=None)
def decoded(path, port, proto, two_pass):
    return per_direction(WS, path, compared_fields(proto), server_port=port, filter=proto,
                         extra=["-2"] if two_pass else [])


@functools.lru_cache(maxsize=None)
def frames(path, fields, filter, two_pass):
    """{frame: {field: [values]}}."""
    out = WS.fields(path, ["frame.number"] + list(fields), filter=filter, extra=["-2"] if two_pass else [],
                    separator="\t", aggregator=AGGREGATOR)
    return {int(r[0]): {f: split(v) for f, v in zip(fields, r[1:])} for r in out}


# (channel, filter field, {direction: message commands in order}); the commands: vc.md §2-§5
SEQUENCES = [
    (20, "ica.euem.cmd", {"s2c": [0, 2, 3],                  # bind request, bind commit + SETTINGS
                          "c2s": [1, 4, 9, 5, 7]}),          # bind response + CONNECTION_ID, startup, RT start + result
    (15, "ica.ctl.cmd", {"s2c": [0, 2, 4],                   # bind request, bind commit, launch response
                         "c2s": [1, 3]}),                    # bind response, launch request
    (17, "ica.clip.function", {"s2c": [1, 8, 3, 5],          # init, register format + place, render reply
                               "c2s": [2, 9, 4, 3]}),        # init reply, register reply + render request, place
    (10, "ica.cdm.cmd", {"s2c": [23, 5, 1, 8, 3, 3],         # CONNECT FINDFIRST OPEN GETATTR READ READ
                         "c2s": [128 + 23, 128 + 5, 128 + 1, 128 + 8, 128 + 3, 128 + 3]}),
]
# the virtual writes the expander made of each appended frame's copy chunks: (channel, length) per chunk
WRITES = {
    143: [(20, 13)], 144: [(20, 56)], 145: [(20, 27)],
    146: [(20, 40), (20, 28)],                  # CLIENT_STARTUP_TIMES over two chunks of one V3 packet
    147: [(20, 24)],                            # ROUNDTRIP_START and ICA_RESULT in one chunk
    148: [(15, 56)], 149: [(15, 56)], 150: [(15, 56)],
    151: [(15, 25)], 152: [(15, 65)],           # the launch request over two CGP records
    153: [(15, 8)],
    154: [(17, 6)], 155: [(17, 12)], 156: [(17, 46)], 157: [(17, 24)],
    158: [(10, 18)], 159: [(10, 10)],
    160: [(17, 54), (10, 18)],                  # one V3 packet, two channels
    161: [(17, 16)],
    162: [(10, 102)], 163: [(10, 23)], 164: [(10, 6)], 165: [(10, 21)], 166: [(10, 14)],
    167: [(10, 20)],                            # two READs in one chunk
    168: [(10, 312), (10, 724)],               # the first read reply over two chunks of one V3 packet
    169: [(10, 222)],
}


class VcInV3(unittest.TestCase):
    TWO_PASS = False

    def test_same_values_as_the_plain_captures(self):
        for proto, plain in PLAIN.items():
            mine = decoded(V3, CGP_PORT, proto, self.TWO_PASS)
            ref = decoded(plain, ICA_PORT, proto, self.TWO_PASS)
            commands = next((field, seq) for _ch, field, seq in SEQUENCES if field.startswith(proto + "."))
            for side in ("c2s", "s2c"):
                # every message sent is there (an empty list would be the start of any list)
                self.assertEqual(len(mine[side][commands[0]]), len(commands[1][side]), (proto, side))
                for f in compared_fields(proto):
                    got = mine[side][f]
                    self.assertEqual(got, ref[side][f][:len(got)], (proto, side, f))

    def test_message_sequences(self):
        for channel, field, expected in SEQUENCES:
            proto = field.rsplit(".", 1)[0]
            d = per_direction(WS, V3, ["ica.vc.number", field], server_port=CGP_PORT, filter=proto,
                              extra=["-2"] if self.TWO_PASS else [])
            for side in ("c2s", "s2c"):
                self.assertEqual(ints(d[side][field]), expected[side], (field, side))
                self.assertIn(channel, ints(d[side]["ica.vc.number"]), (field, side))

    def test_key_values(self):
        def values(proto, field, side):
            return decoded(V3, CGP_PORT, proto, self.TWO_PASS)[side][field]
        self.assertEqual(ints(values("ica.euem", "ica.euem.roundtrip_ms", "c2s")), [31])
        self.assertEqual(values("ica.euem", "ica.euem.app_name", "c2s"), ["#Calculator"])
        self.assertEqual(values("ica.euem", "ica.euem.client_name", "c2s"), ["HTML-5748-4000"])
        self.assertEqual(values("ica.ctl", "ica.ctl.app", "c2s"), ['#"Notepad""'])
        self.assertEqual(values("ica.ctl", "ica.ctl.cmdline", "c2s"), ["C:\\Users\\alice\\notes.txt"])
        self.assertEqual(ints(values("ica.ctl", "ica.ctl.launch_status", "s2c")), [0])
        self.assertEqual(values("ica.clip", "ica.clip.text", "s2c"), ["Quarterly numbers: 42"])
        # the registered format's name, then the PLACE naming it
        self.assertEqual(values("ica.clip", "ica.clip.format_name", "s2c"), ["HTML Format", "HTML Format"])
        self.assertEqual(values("ica.cdm", "ica.cdm.path", "s2c"),
                         ["C:\\docs\\*.*", "C:\\docs\\notes.txt", "C:\\docs\\notes.txt"])
        self.assertEqual(values("ica.cdm", "ica.cdm.find.long_name", "c2s"),
                         ["Quarterly report.docx", "notes.txt", "old"])
        self.assertEqual(ints(values("ica.cdm", "ica.cdm.mpx_id", "s2c")), [0, 1, 2, 3, 4, 5])
        self.assertEqual(ints(values("ica.cdm", "ica.cdm.mpx_id", "c2s")), [0, 1, 2, 3, 4, 5])

    def cdm_pairs(self, path):
        """(request command, MpxId, reply command, MpxId) for each reply's ica.cdm.response_to; on two
        passes the request's ica.cdm.response_in points back."""
        fs = frames(path, ("ica.cdm.cmd", "ica.cdm.mpx_id", "ica.cdm.response_in", "ica.cdm.response_to"),
                    "ica.cdm", self.TWO_PASS)
        pairs = []
        for num, v in sorted(fs.items()):
            # each frame here holds requests only or replies only: the values line up with the messages
            for cmd, mpx, target in zip(ints(v["ica.cdm.cmd"]), ints(v["ica.cdm.mpx_id"]),
                                        ints(v["ica.cdm.response_to"])):
                t = fs[target]
                requests = [(c, m) for c, m in zip(ints(t["ica.cdm.cmd"]), ints(t["ica.cdm.mpx_id"])) if m == mpx]
                self.assertEqual(len(requests), 1, (num, target))
                self.assertEqual(num in ints(t["ica.cdm.response_in"]), self.TWO_PASS, (num, target))
                pairs.append(requests[0] + (cmd, mpx))
        return pairs

    def test_cdm_replies_matched_by_mpx_id(self):
        mine = self.cdm_pairs(V3)
        self.assertEqual(mine, [(23, 0, 151, 0), (5, 1, 133, 1), (1, 2, 129, 2), (8, 3, 136, 3),
                                (3, 4, 131, 4), (3, 5, 131, 5)])
        self.assertEqual(mine, self.cdm_pairs(PLAIN["ica.cdm"])[:len(mine)])

    def test_frames_are_cgp_records_of_v3_packets(self):
        fields = ("tcp.srcport", "tcp.dstport", "cgp.cmd", "ica.reducer.expanded_length", "ica.vc.number",
                  "ica.vc.length")
        fs = frames(V3, fields, "ica && frame.number > %d" % LAST_REAL, self.TWO_PASS)
        self.assertEqual(sorted(fs), sorted(WRITES))
        for num, v in fs.items():
            self.assertIn(CGP_PORT, ints(v["tcp.srcport"] + v["tcp.dstport"]), num)
            self.assertIn(ints(v["cgp.cmd"]), ([0x0A], [0x0B]), num)
            writes = list(zip(ints(v["ica.vc.number"]), ints(v["ica.vc.length"])))
            self.assertEqual(writes, WRITES[num], num)
            # the expander's output: each chunk a VIRTUAL_WRITE1 (0x30 count channel, count < 256) or
            # VIRTUAL_WRITE2 (0x31 count16 channel) of its bytes
            self.assertEqual(ints(v["ica.reducer.expanded_length"]),
                             [sum(n + (3 if n + 1 < 0x100 else 4) for _c, n in WRITES[num])], num)

    def test_cgp_numbering_continues(self):
        """Each direction's tracked records go on from the real session's (host 79, client 56), each
        acking every record of the peer's sent before it."""
        fs = frames(V3, ("tcp.srcport", "cgp.msg_number", "cgp.ack_cumulative"),
                    "cgp && frame.number > %d" % LAST_REAL, self.TWO_PASS)
        last = {"s2c": 79, "c2s": 56}
        for num, v in sorted(fs.items()):
            d = "s2c" if ints(v["tcp.srcport"]) == [CGP_PORT] else "c2s"
            peer = "c2s" if d == "s2c" else "s2c"
            self.assertEqual(ints(v["cgp.msg_number"]), [last[d] + 1], num)
            last[d] += 1
            if v["cgp.ack_cumulative"]:
                self.assertEqual(ints(v["cgp.ack_cumulative"]), [last[peer]], num)
        self.assertEqual(last, {"s2c": 91, "c2s": 71})

    def test_nothing_malformed(self):
        fs = frames(V3, ("_ws.malformed", "ica.v3.error", "ica.v3.failed", "_ws.expert.severity"),
                    "_ws.malformed || ica.v3.error || ica.v3.failed || _ws.expert.severity >= 0x00600000",
                    self.TWO_PASS)
        self.assertEqual(fs, {})

    def test_real_session_unchanged(self):
        fields = ("tcp.seq_raw", "cgp.cmd", "cgp.msg_number", "cgp.ack_cumulative", "ica.reducer.expanded_length",
                  "ica.vc.number", "ica.vc.length", "ica.vc.name", "ica.tui.text", "ica.twi.process_path",
                  "ica.lic.company_name", "_ws.expert.message")
        filter = "frame.number <= %d" % LAST_REAL
        mine = frames(V3, fields, filter, self.TWO_PASS)
        self.assertEqual(sorted(mine), list(range(1, LAST_REAL + 1)))
        self.assertEqual(mine, frames(REAL, fields, filter, self.TWO_PASS))
        self.assertEqual(sum(len(v["ica.vc.length"]) for v in mine.values()), 134)


class VcInV3TwoPass(VcInV3):
    TWO_PASS = True


class Triage(unittest.TestCase):
    """citrix-triage --json: the channel facts of the appended messages land in the session's report."""

    @classmethod
    def setUpClass(cls):
        root = os.environ.get("CITRIX_PLUGIN_ROOT", os.path.join(TOP, "build", "plugins"))
        p = subprocess.run([os.path.join(TOP, "tools", "citrix-triage"), "-q", "--json", os.path.basename(V3)],
                           cwd=os.path.dirname(V3), stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=600,
                           env=dict(os.environ, CITRIX_PLUGIN_ROOT=root))
        cls.rc, cls.err = p.returncode, p.stderr.decode()
        (f,) = json.loads(p.stdout)["files"]
        (cls.session,) = f["sessions"]

    def test_exit_status(self):
        self.assertEqual(self.rc, 0, self.err)

    def test_session(self):
        s = self.session
        self.assertEqual((s["transport"], s["encryption"], s["compression"]),
                         ("cgp", "Basic", {"c2s": "reducer V3/V4", "s2c": "reducer V3/V4"}))

    def test_euem(self):
        s = self.session
        self.assertEqual(s["latency"]["ica_rtt_ms"], {"count": 1, "min": 31, "median": 31, "max": 31})
        self.assertEqual((s["launch"]["app"], s["launch"]["launch_mechanism"]), ("#Calculator", "WI"))
        self.assertEqual(s["launch"]["startup_ms"], {"IFDCD": 714, "LPWD": 406, "NRWD": 265, "SCCD": 1142,
                                                     "SCD": 5627, "SLCD": 1, "TRWD": 0})
        self.assertEqual((s["activity"]["euem_client_name"], s["activity"]["client_address"]),
                         ("HTML-5748-4000", "0.0.0.0"))

    def test_ctl_clip_cdm(self):
        a = self.session["activity"]
        self.assertEqual(a["launches"], [{"app": '#"Notepad""', "count": 1}])
        self.assertEqual(a["command_lines"], ["C:\\Users\\alice\\notes.txt"])
        self.assertEqual(a["launch_status"], [{"status": "SUCCESS", "count": 1}])
        self.assertEqual(a["clipboard"], [
            {"direction": "c2s", "format": "CF_TEXT", "count": 1, "bytes": 6, "min": 6, "max": 6},
            {"direction": "s2c", "format": "CF_UNICODETEXT", "count": 1, "bytes": 44, "min": 44, "max": 44}])
        self.assertEqual([(x["path"], x["operation"], x["count"]) for x in a["drive_files"]],
                         [("C:\\docs\\notes.txt", "Opened", 1), ("C:\\docs\\notes.txt", "Read from", 2)])


if __name__ == "__main__":
    unittest.main(verbosity=2)
