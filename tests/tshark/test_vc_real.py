#!/usr/bin/env python3
"""What the real current session carries (issue 18): the virtual-channel decoders on
captures/edt-citrixudp.pcap (EDT -> CGP -> ICA, reducer V3) and on its TCP re-carry
captures/edt-citrixudp-tcp.pcap, in one pass and in two (tshark -2).

Expected values are read off the capture's bytes (shared notes vc.md §15), written out here,
not computed by the plugin; the per-channel byte totals are those test_edt_ica.py checks for
the expanded session (tests/data/v3/edt-citrixudp-expanded.json).  One tshark run per capture
and pass: the test stays fast.
"""
import functools
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from icacap_util import Wireshark, capture, AGGREGATOR  # noqa: E402

WS = Wireshark()
UDP = capture("edt-citrixudp.pcap")
TCP = capture("edt-citrixudp-tcp.pcap")
C2S, S2C = 0, 1

FIELDS = [
    "ica.direction", "_ws.malformed", "_ws.expert.severity",
    "ica.tui.body_len", "ica.tui.type", "ica.tui.value", "ica.tui.counter", "ica.tui.locale", "ica.tui.text",
    "ica.tui.progress",
    "ica.vcnames.name",
]

# CTXTUI type 2: (counter, text, progress) as the host sent them
TUI_STATUS = [(i, t, p) for i, (t, p) in enumerate([
    ("Préparation pour connexion...", 40),
    ("Attendez le Gestionnaire de session locale.", 40),
    ("Bienvenue", 50), ("Bienvenue", 50),
    ("Préparation de Windows", 60),
    ("Attendez le FSLogix Apps Services.", 70),
    ("Attendez le Configuration des services Bureau à distance.", 80)]
    + [("Attendez le Citrix Profile Management.", 90)] * 5
    + [("Attendez le Service de profil utilisateur.", 100)] * 3
    + [("Attendez le Client de stratégie de groupe.", 100),
       ("Application des paramètres de l\u2019utilisateur", 100)]
    + [("Application de la stratégie Registre", 100)] * 2
    + [("Application de la stratégie Citrix Group Policy", 100)]
    + [("Application de la stratégie Folder Redirection", 100)] * 2
    + [("Application de la stratégie Citrix Profile Management", 100),
       ("Application de la stratégie Group Policy Folders", 100),
       ("Application de la stratégie Group Policy Files", 100)]
    + [("Application de la stratégie Group Policy Registry", 100)] * 2
    + [("Application de la stratégie Group Policy Shortcuts", 100)]
    + [("Application de la stratégie Group Policy Internet Settings", 100)] * 4)]


@functools.lru_cache(maxsize=None)
def run(path, two_pass):
    """[{field: [values]}] of every frame."""
    out = WS.fields(path, FIELDS, extra=["-2"] if two_pass else [], separator="\t", aggregator=AGGREGATOR)
    return [{f: [x for x in v.split(AGGREGATOR) if x != ""] for f, v in zip(FIELDS, r)} for r in out]


class Real(unittest.TestCase):
    PATH = UDP
    TWO_PASS = False

    def frames(self, field):
        """[(direction, frame)] of the frames that carry field."""
        return [(int(f["ica.direction"][0]), f) for f in run(self.PATH, self.TWO_PASS) if f[field]]

    def test_no_malformed_or_error(self):
        bad = [f for f in run(self.PATH, self.TWO_PASS)
               if f["_ws.malformed"] or any(int(s, 0) >= 0x00800000 for s in f["_ws.expert.severity"])]
        self.assertEqual(bad, [])

    def test_tui_header_and_bytes(self):
        sent = {C2S: [], S2C: []}
        for d, f in self.frames("ica.tui.type"):
            sent[d] += [(int(t, 0), int(n)) for t, n in zip(f["ica.tui.type"], f["ica.tui.body_len"])]
        self.assertEqual(sent[C2S], [(0x80, 4)])
        self.assertEqual(sent[S2C][:3], [(0, 4), (1, 4), (2, 84)])
        self.assertEqual(len(sent[S2C]), 2 + len(TUI_STATUS))
        # every byte the channel carried (test_edt_ica.py: CTXTUI 3,236 H2C / 8 C2H) is in a message
        self.assertEqual(sum(n + 4 for _, n in sent[S2C]), 3236)
        self.assertEqual(sum(n + 4 for _, n in sent[C2S]), 8)
        values = [int(v) for _, f in self.frames("ica.tui.value") for v in f["ica.tui.value"]]
        self.assertEqual(values, [4, 4, 4])

    def test_tui_status_text(self):
        got, locales = [], set()
        for d, f in self.frames("ica.tui.text"):
            self.assertEqual(d, S2C)
            got += [(int(c), t, int(p)) for c, t, p in zip(f["ica.tui.counter"], f["ica.tui.text"],
                                                           f["ica.tui.progress"])]
            locales |= {int(x, 0) for x in f["ica.tui.locale"]}
        self.assertEqual(got, TUI_STATUS)
        self.assertEqual(locales, {0x040C})

    def test_name_lists(self):
        names = [(d, f["ica.vcnames.name"]) for d, f in self.frames("ica.vcnames.name")]
        self.assertEqual(names, [(C2S, ["DVCRenderingAdapter", "FileRedirectorChannel", "PlugAndPlay", "PNPDR"]),
                                 (C2S, ["FileRedirectorChannel", "PlugAndPlay", "PNPDR"])])


class RealTwoPass(Real):
    TWO_PASS = True


class RealTcp(Real):
    PATH = TCP


class RealTcpTwoPass(Real):
    PATH = TCP
    TWO_PASS = True


if __name__ == "__main__":
    unittest.main(verbosity=2)
