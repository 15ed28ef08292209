#!/usr/bin/env python3
"""ICA inside real TLS decodes to the ICA fields of the plain session.

Two recordings: TLS on the ICA port 1494 (the TLS application-data hand-off
of the port dissector) and TLS 1.3 on 443 (captures/ica-tls.pcapng, recorded
for the CGP work: the heuristic on the "tls" list).

captures/ica-spike-tls-1494.pcapng is the real 2001 session replayed by a
Python ssl server/client pair on TCP 1494 (tools/captures/record_ica_tls.py),
TLS secrets embedded.  Several TLS records span two TCP segments, so the
decode depends on the TLS application-data hand-off: TLS must be able to ask
TCP for the rest of a record, which a plain call from the ICA port dissector
does not allow (the old code decoded 73 of the 120 WD commands).

Per direction, every registered ica.* field's values over the session must
equal the plain capture's (frame references, reassembly bookkeeping and the
per-packet state collapsed as in test_ica_recut), on one pass and on two.
"""
import os
import re
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from icacap_util import Wireshark, capture, registered_fields, per_direction, experts  # noqa: E402

WS = Wireshark()
PLAIN = capture("spike-ica-2001.pcap")
TLS_1494 = capture("ica-spike-tls-1494.pcapng")
# The CGP engineer's recording (captures/README.md): the same session, TLS 1.3 on TCP 443, found by the
# heuristic on the "tls" list; the server's 13,961-byte run is one TLS record over 10 TCP segments.
TLS_443 = capture("ica-tls.pcapng")
SEGMENTATION_DEPENDENT = re.compile(r"segment|reassembl|fragment|pending")
PER_PACKET = re.compile(r"^ica\.(direction|encryption|compression|session\.)")
# Frames whose TLS records carried no ICA (handshake, alerts) get one
# "ICA over TLS" marker item; the comparison is on the decrypted ICA.
DECRYPTED = "ica && !(ica.encryption == 4)"


def comparable_fields():
    return sorted(f for f, t in registered_fields(WS).items()
                  if t != "FT_FRAMENUM" and t != "FT_NONE" and not SEGMENTATION_DEPENDENT.search(f))


def collapse(values):
    return [v for i, v in enumerate(values) if i == 0 or values[i - 1] != v]


class IcaInTls(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.fields = comparable_fields()
        cls.plain = per_direction(WS, PLAIN, cls.fields)

    def test_records_span_segments(self):
        # the property the hand-off is for: TLS records reassembled from two TCP segments
        rows = WS.fields(TLS_1494, ["tcp.segment.count"], filter="tcp.segment.count")
        self.assertGreaterEqual(len(rows), 5)
        self.assertTrue(all(int(r[0]) >= 2 for r in rows))
        rows = WS.fields(TLS_1494, ["tls.app_data_proto"], filter="tls.app_data_proto")
        self.assertGreater(len(rows), 100)

    def check_same(self, extra):
        got = per_direction(WS, TLS_1494, self.fields, filter=DECRYPTED, extra=extra)
        self.assertEqual(got["c2s"]["ica.client_name"], ["spike"])
        self.assertEqual(len(got["s2c"]["ica.cmd"]), len(self.plain["s2c"]["ica.cmd"]))
        for direction in ("c2s", "s2c"):
            for field in self.fields:
                want, have = self.plain[direction][field], got[direction][field]
                if PER_PACKET.search(field):
                    want, have = collapse(want), collapse(have)
                self.assertEqual(have, want, "%s %s differs inside TLS" % (direction, field))

    def test_same_fields_one_pass(self):
        self.check_same(())

    def test_same_fields_two_passes(self):
        self.check_same(("-2",))

    def test_marker_and_experts(self):
        # the TLS handshake frames are marked; the first one carries the note
        rows = WS.fields(TLS_1494, ["frame.number", "ica.encryption"], filter="ica.encryption == 4")
        self.assertGreaterEqual(len(rows), 3)
        notes = WS.fields(TLS_1494, ["frame.number"], filter='_ws.expert.message == "ICA over TLS: shown as encrypted"')
        self.assertEqual(notes, [[rows[0][0]]])
        self.assertEqual(WS.fields(TLS_1494, ["frame.number"], filter="_ws.malformed"), [])
        got, want = experts(WS, TLS_1494), experts(WS, PLAIN)
        for direction in ("c2s", "s2c"):
            self.assertEqual(sorted(m for m in got[direction] if "ICA over TLS" not in m), sorted(want[direction]),
                             direction)


class IcaInTls443(unittest.TestCase):
    """Plain ICA directly inside TLS on another port: the "tls" heuristic, carrier "tls"."""

    @classmethod
    def setUpClass(cls):
        cls.fields = comparable_fields()
        cls.plain = per_direction(WS, PLAIN, cls.fields)

    def test_one_record_over_ten_segments(self):
        self.assertEqual(WS.fields(TLS_443, ["tcp.segment.count"], filter="tcp.segment.count"), [["10"]])

    def check_same(self, extra):
        got = per_direction(WS, TLS_443, self.fields, server_port=443, filter="ica", extra=extra)
        self.assertEqual(got["c2s"]["ica.client_name"], ["spike"])
        for direction in ("c2s", "s2c"):
            for field in self.fields:
                want, have = self.plain[direction][field], got[direction][field]
                if PER_PACKET.search(field):
                    want, have = collapse(want), collapse(have)
                self.assertEqual(have, want, "%s %s differs inside TLS on 443" % (direction, field))

    def test_same_fields_one_pass(self):
        self.check_same(())

    def test_same_fields_two_passes(self):
        self.check_same(("-2",))

    def test_same_experts_and_session_tree(self):
        self.assertEqual(WS.fields(TLS_443, ["frame.number"], filter="_ws.malformed"), [])
        got, want = experts(WS, TLS_443), experts(WS, PLAIN)
        self.assertEqual(sorted(got["c2s"] + got["s2c"]), sorted(want["c2s"] + want["s2c"]))
        text = WS.run(["-r", WS.stage(TLS_443), "-q", "-z", "ica,tree"])[0]
        self.assertIn("Client name: spike", text)


if __name__ == "__main__":
    unittest.main()
