#!/usr/bin/env python3
"""Hostile captures (tools/captures/hostile_captures.py): every case ends with the exact
malformed or expert mark its dissector emits, in bounded time and memory.

The captures are regenerated into a temporary directory for every run (the
builder is deterministic); the small ones are also committed under
tests/hostile/ as reproducers for /work/findings and must equal what the
builder makes now.

Time is bounded by a CPU-time limit (a hang is a failure, no timing is
asserted); memory by comparing the plugin run's peak RSS with stock tshark's
on the same capture, both under `tshark -2 -V`.  Peak RSS per case is printed
(the numbers in the robustness report come from here).

A mark the owner has not implemented yet is skipped with the finding that
asks for it, never asserted as absent.
"""
import filecmp
import glob
import os
import subprocess
import sys
import tempfile
import unittest

TOP = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
sys.path.insert(0, os.path.join(TOP, "tools", "lib"))
sys.path.insert(0, os.path.join(TOP, "tools", "captures"))
import runlimit  # noqa: E402
from wsrun import Wireshark  # noqa: E402

WS = Wireshark()
STOCK = Wireshark(with_plugin=False)
SANITIZED = bool(os.environ.get("CITRIX_PRELOAD"))
# Extra resident memory the plugin may use over stock tshark on one capture.
# ASan's quarantine keeps freed blocks, so a sanitized run gets more room.
MARGIN_MB = 512 if SANITIZED else 64
CPU_SECONDS = 300 if SANITIZED else 120
OUT = tempfile.mkdtemp(prefix="citrix-hostile-", dir=WS.tmp)
subprocess.run([sys.executable, os.path.join(TOP, "tools", "captures", "hostile_captures.py"), OUT], check=True)
PROTOCOLS = {line.split("\t")[2] for line in WS.run(["-G", "protocols"])[0].splitlines() if line.count("\t") >= 2}

# case -> (protocol, [(display filter, minimum matching frames)], pending)
# The first filter of each case proves the dissector took the traffic.
# pending: None, or (finding, [checks the fix must make pass]): while they
# fail the test is skipped with the finding; once they pass it fails, asking
# for the checks to be moved into the asserted list.
CASES = {
    # ica: findings/ica.md H1-H8 (all FIXED or answered by the owner)
    "ica_init_len_max": ("ica", [("ica.detect", 4), ("ica.pending", 2)], None),
    "ica_module_bytecount_lies": ("ica", [("ica.detect", 8), ("ica.module.byte_count.mismatch", 4)], None),
    "ica_caplist_lies": ("ica", [("ica.detect", 12), ("ica.caplist.bad", 6)], None),
    "ica_counts_lie": ("ica", [("ica.detect", 2), ("ica.bad_offset", 1)], None),
    "ica_module_count_never_zero": ("ica", [("ica.detect", 2), ("ica.module.count.not_decreasing", 2),
                                            ("ica.handshake.too_long", 1)], None),
    "ica_pdrframe_max_never_arrives": ("ica", [("ica.detect", 2), ("ica.pending", 2)], None),
    "ica_maxlen_many_conversations": ("ica", [("ica.detect", 600), ("ica.pending", 300)], None),
    "ica_virtual_write_lies": ("ica", [("ica.detect", 4), ("ica.vc.no_channel", 1), ("ica.pending", 2)], None),
    "ica_repeated_commands": ("ica", [("ica.detect", 2), ("ica.cmd.unknown", 1)], None),
    # every WD command of the session, although each byte came in its own segment
    "ica_one_byte_segments": ("ica", [("ica.detect", 2), ("ica.cmd == 0x00", 1), ("ica.cmd == 0x01", 2),
                                      ("ica.cmd == 0x02", 2), ("ica.cmd == 0x04", 1), ("ica.cmd == 0x33", 1),
                                      ("ica.cmd == 0x09", 1), ("ica.cmd == 0x31", 1), ("ica.cmd == 0x1c", 1),
                                      ("ica.cmd == 0x0d", 1)], None),
    # H8 (answered "intended" before): reordered and retransmitted segments now decode to the whole session
    "ica_reordered_retransmitted": ("ica", [("ica.detect", 1), ("ica.tcp.reordered", 1), ("ica.retransmission", 1),
                                            ("ica.cmd == 0x0d", 1)], None),
    # a lost segment: a warning at the gap, then the direction resumes at the next frame (first one undecrypted)
    "ica_gap_then_data": ("ica", [("ica.detect", 2), ("ica.gap", 1), ("ica.desync.cipher", 1),
                                  ("ica.cmd == 0x1c", 1)], None),
    # issue 10 item 8: reordering, duplicates, overlaps with different bytes, a stray byte, lying buffer lengths
    "ica_reversed_windows": ("ica", [("ica.detect", 1), ("ica.tcp.reordered", 1), ("ica.cmd == 0x0d", 1)], None),
    "ica_every_second_duplicated": ("ica", [("ica.detect", 1), ("ica.retransmission", 1), ("ica.cmd == 0x0d", 1)],
                                    None),
    "ica_overlap_different_bytes": ("ica", [("ica.detect", 1), ("ica.retransmission", 1), ("ica.cmd == 0x0d", 1)],
                                    None),
    "ica_stray_byte": ("ica", [("ica.detect", 1), ("ica.desync.frame_length", 1), ("ica.wd.resumed", 1)], None),
    "ica_buffer_length_lies": ("ica", [("ica.detect", 2), ("ica.desync.frame_length", 1), ("ica.pending", 1)],
                               None),
    # ccha: findings/ccha.md H1, H2 FIXED
    "ccha_length_prefix_lies": ("ccha", [("ccha", 4), ("ccha.inferred.misfit", 1)], None),
    "ccha_carrier_max_lengths": ("ccha", [("ccha", 3), ("ccha.undocumented", 3), ("ccha.link.incomplete", 1)], None),
    "ccha_one_byte_and_reordered": ("ccha", [("ccha", 1), ("ccha.carrier.identified", 1)], None),
    "ccha_many_messages": ("ccha", [("ccha", 5000), ("ccha.inferred", 1)], None),
    "portreg_truncated_transport": ("portreg", [("portreg.port", 2), ("_ws.malformed && !portreg", 12)], None),
    # findings/portreg.md H1 FIXED: the UDP 4791 (RoCEv2) frame whose ports InfiniBand rewrites is annotated too
    "portreg_many_conversations": ("portreg", [("portreg.port", 8000)], None),
}
PEAKS = {}


def count(capture, display_filter):
    # two passes: the first pass of tshark -2 runs no taps, so ICA reads the
    # segments TCP keeps from it from TCP's fields (packet-ica-tcp.c)
    out, _ = WS.run(["-2", "-o", "ica.reorder_from_tcp_fields:TRUE", "-n", "-r", capture, "-Y", display_filter,
                     "-T", "fields", "-e", "frame.number"],
                    timeout=4 * CPU_SECONDS)
    return len(out.split())


class Hostile(unittest.TestCase):
    def test_builder_makes_every_case(self):
        self.assertEqual(sorted(os.path.basename(p)[:-5] for p in glob.glob(os.path.join(OUT, "*.pcap"))),
                         sorted(CASES))

    def test_committed_reproducers_are_current(self):
        committed = glob.glob(os.path.join(TOP, "tests", "hostile", "*.pcap"))
        self.assertGreater(len(committed), 10)
        for path in committed:
            self.assertTrue(filecmp.cmp(path, os.path.join(OUT, os.path.basename(path)), shallow=False), path)

    @classmethod
    def tearDownClass(cls):
        for name, (peak, stock) in sorted(PEAKS.items()):
            print("hostile: %-34s peak RSS %4d MB (stock tshark %4d MB)" % (name, peak // 1024, stock // 1024),
                  file=sys.stderr)


def bounded(name):
    def test(self):
        path = WS.stage(os.path.join(OUT, name + ".pcap"))
        res = runlimit.run(WS.prefix + ["tshark", "-2", "-nVr", path], WS.env, CPU_SECONDS, 4096)
        stock = runlimit.run(STOCK.prefix + ["tshark", "-2", "-nVr", path], STOCK.env, CPU_SECONDS, 4096)
        text = (res.stdout + res.stderr).decode("utf-8", "replace")
        self.assertIsNone(res.limit_hit, "%s limit hit" % res.limit_hit)
        self.assertEqual(res.returncode, 0, text[-3000:])
        self.assertNotIn("Dissector bug", text)
        self.assertEqual(stock.returncode, 0)
        PEAKS[name] = (res.peak_rss_kb, stock.peak_rss_kb)
        self.assertLess(res.peak_rss_kb - stock.peak_rss_kb, MARGIN_MB * 1024,
                        "peak RSS %d KB vs stock %d KB" % (res.peak_rss_kb, stock.peak_rss_kb))
    return test


def marked(name, proto, checks, pending):
    def test(self):
        if SANITIZED:
            self.skipTest("marks are asserted by the plain run; the sanitized run only needs the -2 -V pass")
        if proto not in PROTOCOLS:
            self.skipTest("protocol %s not in this plugin" % proto)
        path = WS.stage(os.path.join(OUT, name + ".pcap"))
        for display_filter, minimum in checks:
            self.assertGreaterEqual(count(path, display_filter), minimum, display_filter)
        if pending:
            reason, fix_checks = pending
            if fix_checks and all(count(path, f) >= n for f, n in fix_checks):
                self.fail("finding %s looks fixed: move %r into the asserted checks" % (reason, fix_checks))
            self.skipTest("finding " + reason)
    return test


def ica_cmds(path):
    return [c for row in WS.fields(path, ["ica.cmd"], filter="ica.cmd") for c in row[0].split(",")]


class HostileExact(unittest.TestCase):
    """Exact outcomes where the bytes the receiver got are a valid session."""

    def test_reordering_gives_the_in_order_session(self):
        want = ica_cmds(WS.stage(os.path.join(OUT, "ica_one_byte_segments.pcap")))
        self.assertEqual(want, ["0x00", "0x01", "0x01", "0x02", "0x02", "0x04", "0x33", "0x09", "0x31", "0x1c",
                                "0x0d", "0x0d", "0x0d"])
        for name in ("ica_reordered_retransmitted", "ica_reversed_windows", "ica_every_second_duplicated",
                     "ica_overlap_different_bytes"):
            path = WS.stage(os.path.join(OUT, name + ".pcap"))
            self.assertEqual(ica_cmds(path), want, name)
            warnings = WS.fields(path, ["frame.number"], filter="ica && _ws.expert.severity >= 6291456 && !tcp.analysis")
            self.assertEqual(warnings, [], name)
            self.assertEqual(WS.fields(path, ["frame.number"], filter="_ws.malformed"), [], name)

    def test_stray_byte_resynchronises(self):
        # 12 client frames of 1, 2, 3, 1, ... REDISPLAY-sized 0x0d commands; the stray byte costs the fifth
        # frame (2 commands); the sixth, the first found again, decrypts (the byte before it is known)
        path = WS.stage(os.path.join(OUT, "ica_stray_byte.pcap"))
        cmds = ica_cmds(path)
        self.assertEqual(cmds.count("0x0d"), 24 - 2)
        self.assertEqual(len(WS.fields(path, ["frame.number"], filter="ica.desync.frame_length")), 1)
        msgs = [m for r in WS.fields(path, ["_ws.expert.message"], filter="ica.desync.frame_length")
                for m in r[0].split(",")]
        self.assertIn("PDRFRAME length 3583 is beyond the negotiated ICA buffer length 2048 (MaxICAPacketLength 0): "
                      "searching for the next plausible frame", msgs)
        # the same frame carries the citrix post-dissector's desync finding (what citrix-triage reports)
        desync = [r[0] for r in WS.fields(path, ["frame.number"], filter="ica.desync.frame_length")]
        self.assertEqual([r[0] for r in WS.fields(path, ["frame.number"], filter='citrix.finding == "desync"')],
                         desync)


for _name, (_proto, _checks, _pending) in CASES.items():
    setattr(Hostile, "test_%s_bounded" % _name, bounded(_name))
    setattr(Hostile, "test_%s_marked" % _name, marked(_name, _proto, _checks, _pending))


if __name__ == "__main__":
    unittest.main(verbosity=2)
