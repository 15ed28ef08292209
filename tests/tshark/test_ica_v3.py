#!/usr/bin/env python3
"""Reducer V3/V4 (issue 16 item 2) on the real current session: captures/edt-citrixudp.pcap
re-carried on TCP 2598 (captures/edt-citrixudp-tcp.pcap, tools/captures/edt_to_tcp.py),
whole and cut into 1-byte segments.

Expected values are not the plugin's: the command counts and per-channel bytes are those
of the independent check data tests/data/v3/edt-citrixudp-expanded.json (the WD bytes
after expansion per frame), walked by the WD length rules of ica.md §8 and
ica-modern.md §3 (0x40: u16, inferred from this capture); the issue states the
counts (server to client 125 commands, client to server 55).
"""
import collections
import os
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from icacap_util import TOP, Wireshark, capture  # noqa: E402

WS = Wireshark()
TCP = capture("edt-citrixudp-tcp.pcap")
EDT = capture("edt-citrixudp.pcap")
PORT = 2598
FIELDS = ["ica.cmd", "ica.vc.name", "ica.vc.number", "ica.vc.length", "ica.reducer.expanded_length",
          "ica.v3.error", "_ws.expert.severity", "_ws.malformed"]

# per direction: {channel number: (name, virtual-write payload bytes)}
VC = {
    "s2c": {9: ("CTXTW", 14631), 12: ("CTXLIC", 5638), 13: ("CTXTWI", 515), 21: ("CTXTUI", 3236),
            22: ("CITRIXD", 10), 23: ("PNPREDI", 10)},
    "c2s": {12: ("CTXLIC", 5399), 13: ("CTXTWI", 973), 21: ("CTXTUI", 8), 22: ("CITRIXD", 49),
            23: ("PNPREDI", 173)},
}
COMMANDS = {"s2c": 125, "c2s": 55}
FRAMES = {"s2c": 74, "c2s": 49}     # V3 frames (the check data lists 123)
EXPANDED_FRAMES = 123                   # all of them
PI_WARN = 0x00600000


def measure(path, extra=(), port_field="tcp.srcport", port=PORT):
    """{dir: {"frames", "commands", "vc": {number: (name, bytes)}, "errors", "warnings", "malformed"}};
    the direction from the server's port (port_field: udp.srcport for the EDT captures)."""
    rows = WS.fields(path, [port_field] + FIELDS, filter="ica", separator="\t", aggregator="\x1e",
                     extra=extra)
    out = {d: {"frames": 0, "commands": 0, "vc": collections.defaultdict(int), "names": {}, "errors": 0,
               "warnings": 0, "malformed": 0} for d in ("s2c", "c2s")}
    for row in rows:
        vals = {f: [x for x in v.split("\x1e") if x] for f, v in zip(FIELDS, row[1:])}
        r = out["s2c" if int(row[0]) == port else "c2s"]
        r["errors"] += len(vals["ica.v3.error"])
        r["warnings"] += sum(1 for s in vals["_ws.expert.severity"] if int(s, 0) >= PI_WARN)
        r["malformed"] += len(vals["_ws.malformed"])
        if not vals["ica.reducer.expanded_length"]:
            continue
        r["frames"] += len(vals["ica.reducer.expanded_length"])
        r["commands"] += len(vals["ica.cmd"])
        for name, num, length in zip(vals["ica.vc.name"], vals["ica.vc.number"], vals["ica.vc.length"]):
            r["vc"][int(num, 0)] += int(length)
            r["names"][int(num, 0)] = name
    return out


def sent_payloads(path, extra=()):
    """{frame: (high-throughput flag bytes, decrypted payloads, V3 chunk headers)} of the frames
    whose V3 data was expanded: their payloads as sent, rebuilt from the wire bytes for the tree."""
    out = {}
    for r in WS.fields(path, ["frame.number", "ica.ht.flags", "ica.decrypted_data", "ica.v3.header"],
                       filter="ica.reducer.expanded_length && ica.compression == 3", separator="\t",
                       aggregator="\x1e", extra=extra, normalise=False):
        out[int(r[0])] = tuple([x.lower() for x in v.split("\x1e") if x] for v in r[1:])
    return out


def payload_faults(got):
    """Frames without a payload or chunk headers, and frames whose rebuilt payload does not start
    with the high-throughput flag byte read from the running decryption: a wrong cipher state
    shows there (each Basic byte depends on the ciphertext byte before it)."""
    return [f for f, (flags, payloads, headers) in sorted(got.items())
            if not payloads or not headers or (len(flags) == len(payloads) and
                                               any(p[:2] != "%02x" % int(h, 16) for h, p in zip(flags, payloads)))]


class V3Session(unittest.TestCase):
    def check(self, got):
        for d in ("s2c", "c2s"):
            g = got[d]
            self.assertEqual(g["frames"], FRAMES[d], d)
            self.assertEqual(g["commands"], COMMANDS[d], d)
            self.assertEqual({n: (g["names"][n], b) for n, b in g["vc"].items()}, VC[d], d)
            self.assertEqual((g["errors"], g["warnings"], g["malformed"]), (0, 0, 0), d)

    def test_whole_segments(self):
        self.check(measure(TCP))

    def test_two_passes(self):
        # later passes render what the first pass stored (the expander is not run again)
        self.check(measure(TCP, extra=["-2"]))

    def test_one_byte_segments(self):
        with tempfile.TemporaryDirectory(prefix="ica-v3-") as tmp:
            path = os.path.join(tmp, "edt-citrixudp-tcp-1byte.pcap")
            subprocess.run([sys.executable, os.path.join(TOP, "tools", "captures", "edt_to_tcp.py"), EDT,
                            "--pcap", path, "--segments", "1"], check=True, stdout=subprocess.DEVNULL)
            self.check(measure(path))
            # an expanded frame's payload as sent, rebuilt from wire bytes stored across segments
            got = sent_payloads(path)
            self.assertEqual((len(got), payload_faults(got)), (EXPANDED_FRAMES, []))

    def test_sent_payload_of_expanded_frames(self):
        """Expanded frames show their payload as sent (decrypted again from the wire bytes and the
        stored cipher state) with its V3 chunks, on both passes, as unexpanded frames do."""
        for extra in ((), ("-2",)):
            got = sent_payloads(TCP, extra)
            self.assertEqual((len(got), payload_faults(got)), (EXPANDED_FRAMES, []), extra)


class CorruptV3(unittest.TestCase):
    """Frame 182 of the real capture (server to client) with its last byte inverted: its V3
    chunk headers are wrong.  A warning there, the reason on every later server-to-client
    V3 frame (the check data lists 34 from frame 182 on), the client's direction untouched."""

    def test_stop_with_reason(self):
        with tempfile.TemporaryDirectory(prefix="ica-v3-") as tmp:
            path = os.path.join(tmp, "edt-citrixudp-tcp-corrupt.pcap")
            subprocess.run([sys.executable, os.path.join(TOP, "tools", "captures", "edt_to_tcp.py"), EDT,
                            "--pcap", path, "--corrupt", "182"], check=True, stdout=subprocess.DEVNULL)
            rows = WS.fields(path, ["tcp.srcport", "ica.v3.error", "_ws.expert.message"], filter="ica.v3.error",
                             separator="\t", aggregator="\x1e")
            got = measure(path)
        self.assertEqual({r[0] for r in rows}, {str(PORT)})
        self.assertEqual(len(rows), 34)
        self.assertEqual(len({r[1] for r in rows}), 1)      # one reason, the first error's
        failed = [i for i, r in enumerate(rows) if "could not be expanded" in r[2]]
        self.assertEqual(failed, [0])
        self.assertTrue(all("stopped at an earlier frame" in r[2] for r in rows[1:]))
        self.assertEqual(got["s2c"]["frames"], FRAMES["s2c"] - 34)
        c = got["c2s"]
        self.assertEqual((c["frames"], c["commands"]), (FRAMES["c2s"], COMMANDS["c2s"]))
        self.assertEqual({n: (c["names"][n], b) for n, b in c["vc"].items()}, VC["c2s"])


if __name__ == "__main__":
    unittest.main()
