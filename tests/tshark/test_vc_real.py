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
from icacap_util import TOP, Wireshark, capture, AGGREGATOR  # noqa: E402

sys.path.insert(0, os.path.join(TOP, "tools", "lib"))
import statstree  # noqa: E402

WS = Wireshark()
UDP = capture("edt-citrixudp.pcap")
TCP = capture("edt-citrixudp-tcp.pcap")
C2S, S2C = 0, 1

FIELDS = [
    "ica.direction", "_ws.malformed", "_ws.expert.severity",
    "ica.tui.body_len", "ica.tui.type", "ica.tui.value", "ica.tui.counter", "ica.tui.locale", "ica.tui.text",
    "ica.tui.progress",
    "ica.vcnames.name",
    "_ws.expert.group", "ica.lic.command", "ica.lic.length", "ica.lic.msg_type", "ica.lic.flags", "ica.lic.msg_size",
    "ica.lic.company_name", "ica.lic.product_id", "ica.lic.product_version", "ica.lic.scope", "ica.lic.cert.version",
    "ica.lic.blob.type", "ica.lic.blob.len", "ica.lic.key_exchange_alg", "ica.lic.platform_id", "ica.lic.mac",
    "ica.lic.cert.count", "ica.lic.cert",
    "ica.twi.op", "ica.twi.op_name", "ica.twi.len", "ica.twi.host_type", "ica.twi.version", "ica.twi.x_res",
    "ica.twi.y_res", "ica.twi.codepage", "ica.twi.server_name", "ica.twi.user_name", "ica.twi.domain",
    "ica.twi.process_description", "ica.twi.process_path", "ica.twi.published_name", "ica.twi.process_id",
    "ica.twi.parent_process_id", "ica.twi.host_id", "ica.twi.style", "ica.twi.ex_style", "ica.twi.client_version",
    "ica.twi.client_twi_version", "ica.twi.client_codepage", "ica.twi.rect.right", "ica.twi.rect.bottom",
]
MALFORMED_GROUP = 0x07000000
LICENSE_INFO = 0x12

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


def ints(values):
    return [int(v, 0) for v in values]


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
        frames = run(self.PATH, self.TWO_PASS)
        bad = [f for f in frames if f["_ws.malformed"] or any(int(s, 0) >= 0x00800000 for s in f["_ws.expert.severity"])]
        self.assertEqual(bad, [])
        marks = [f for f in frames if any(int(g, 0) == MALFORMED_GROUP for g in f["_ws.expert.group"])]
        self.assertEqual(marks, [])

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


    def test_lic_messages(self):
        got = []
        for d, f in self.frames("ica.lic.msg_type"):
            got += [(d, int(c, 0), int(n), int(t, 0), int(fl, 0), int(sz))
                    for c, n, t, fl, sz in zip(f["ica.lic.command"], f["ica.lic.length"], f["ica.lic.msg_type"],
                                                f["ica.lic.flags"], f["ica.lic.msg_size"])]
        self.assertEqual(got, [(S2C, 0x00, 321, 0x01, 0x02, 318),        # LICENSE_REQUEST
                               (C2S, 0x80, 5330, 0x12, 0x02, 5327),      # LICENSE_INFO
                               (S2C, 0x00, 41, 0x02, 0x02, 38),          # PLATFORM_CHALLENGE
                               (C2S, 0x80, 69, 0x15, 0x02, 66),          # PLATFORM_CHALLENGE_RESPONSE
                               (S2C, 0x01, 5276, 0x04, 0x02, 5273)])     # UPGRADE_LICENSE
        # every byte of the channel (test_edt_ica.py: CTXLIC 5,638 H2C / 5,399 C2H) is in a message
        self.assertEqual(sum(g[2] for g in got if g[0] == S2C), 5638)
        self.assertEqual(sum(g[2] for g in got if g[0] == C2S), 5399)

    def test_lic_parts(self):
        by_type = {int(f["ica.lic.msg_type"][0], 0): f for _, f in self.frames("ica.lic.msg_type")}
        req = by_type[0x01]
        self.assertEqual((req["ica.lic.company_name"], req["ica.lic.product_id"], req["ica.lic.scope"]),
                         (["Microsoft Corporation"], ["A02"], ["microsoft.com"]))
        self.assertEqual(int(req["ica.lic.product_version"][0], 0), 0x000A0000)
        self.assertEqual(ints(req["ica.lic.cert.version"]), [1])            # a proprietary server certificate
        self.assertEqual(ints(req["ica.lic.key_exchange_alg"]), [1])        # KEY_EXCHANGE_ALG_RSA
        self.assertEqual(ints(req["ica.lic.blob.type"]), [0x0D, 0x03, 0x0E])
        self.assertEqual(ints(req["ica.lic.blob.len"]), [4, 184, 14])
        info = by_type[LICENSE_INFO]
        self.assertEqual(ints(info["ica.lic.key_exchange_alg"]), [1])
        self.assertEqual(ints(info["ica.lic.platform_id"]), [0x08010000])
        self.assertEqual(ints(info["ica.lic.blob.type"]), [0x00, 0x01, 0x01])
        self.assertEqual(ints(info["ica.lic.blob.len"]), [72, 5163, 20])
        # the client license: a CMS SignedData with a chain of 4 certificates (DER, 0x30 0x82 ...)
        self.assertEqual(ints(info["ica.lic.cert.count"]), [4])
        self.assertEqual([(c[:4], len(c) // 2) for c in info["ica.lic.cert"]],
                         [("3082", 1521), ("3082", 1382), ("3082", 1061), ("3082", 1152)])
        self.assertEqual(ints(by_type[0x02]["ica.lic.blob.len"]), [10])
        self.assertEqual(ints(by_type[0x15]["ica.lic.blob.len"]), [18, 20])
        self.assertEqual(ints(by_type[0x04]["ica.lic.blob.type"]), [0x09])   # BB_ENCRYPTED_DATA_BLOB
        self.assertEqual(ints(by_type[0x04]["ica.lic.blob.len"]), [5249])
        for t in (LICENSE_INFO, 0x02, 0x15, 0x04):
            self.assertEqual([len(m) for m in by_type[t]["ica.lic.mac"]], [32])   # 16 bytes, hex


    def test_twi_messages(self):
        sent = {C2S: [], S2C: []}
        for d, f in self.frames("ica.twi.op"):
            sent[d] += [(int(o, 0), int(n)) for o, n in zip(f["ica.twi.op"], f["ica.twi.len"])]
        self.assertEqual(sent[S2C], [(0x01, 17), (0x1B, 4), (0x02, 0), (0x0D, 80), (0x40, 329), (0x3F, 60),
                                     (0x14, 4)])
        self.assertEqual(sent[C2S], [(0x3D, 478), (0x01, 8), (0x3D, 478)])
        # every byte of the channel (test_edt_ica.py: CTXTWI 515 H2C / 973 C2H) is in a message
        self.assertEqual(sum(3 + n for _, n in sent[S2C]), 515)
        self.assertEqual(sum(3 + n for _, n in sent[C2S]), 973)
        names = [n for _, f in self.frames("ica.twi.op_name") for n in f["ica.twi.op_name"]]
        self.assertEqual(names, ["START", "SERVER_CODEPAGE (inferred)", "C2H_CLIENTINFO (inferred)",
                                 "C2H_START_ACK (inferred)", "OPEN (inferred)", "SYSINFO (inferred)",
                                 "CREATEP (inferred)", "CREATEW_V2 (inferred)", "FOREGROUNDW (inferred)",
                                 "C2H_CLIENTINFO (inferred)"])

    def test_twi_values(self):
        def one(field):
            return [v for _, f in self.frames(field) for v in f[field]]
        self.assertEqual((ints(one("ica.twi.host_type")), ints(one("ica.twi.version"))), ([2], [3]))
        self.assertEqual((ints(one("ica.twi.x_res")), ints(one("ica.twi.y_res"))), ([1920], [1080]))
        self.assertEqual(ints(one("ica.twi.codepage")), [1252])
        self.assertEqual((one("ica.twi.server_name"), one("ica.twi.user_name"), one("ica.twi.domain")),
                         (["SVMSCTXVM102"], ["Login"], ["Local"]))
        self.assertEqual(one("ica.twi.process_description"), ["Windows Logon User Interface Host"])
        self.assertEqual(one("ica.twi.process_path"), ["%SystemRoot%\\System32\\LogonUI.exe"])
        self.assertEqual(one("ica.twi.published_name"), ["#"])
        self.assertEqual(ints(one("ica.twi.process_id")), [8688, 8688])      # CREATEP, then its window
        self.assertEqual(ints(one("ica.twi.parent_process_id")), [5592])
        self.assertEqual(ints(one("ica.twi.host_id")), [0x00010044, 0x00010044])
        self.assertEqual((ints(one("ica.twi.style")), ints(one("ica.twi.ex_style"))), ([0x96000844], [0x00010080]))
        # the client's work area (5760 x 1080), the window's position and client rects, the work area again
        self.assertEqual(ints(one("ica.twi.rect.right")), [5760, 1920, 1920, 5760])
        self.assertEqual(ints(one("ica.twi.rect.bottom")), [1080, 0, 0, 1080])
        self.assertEqual((ints(one("ica.twi.client_version")), ints(one("ica.twi.client_twi_version"))), ([3], [2]))
        self.assertEqual(ints(one("ica.twi.client_codepage")), [1252, 1252])


class Statistics(unittest.TestCase):
    def test_twi_process_fact(self):
        out = WS.tshark(UDP, ["-q", "-z", "ica,tree"])
        node = statstree.find(statstree.parse(out)["Citrix/ICA sessions"], "Seamless windows (CTXTWI)",
                              "10.54.0.101:55836 -> 10.99.99.217:2598")
        self.assertEqual({c.name: c.count for c in node.children},
                         {"Process: %SystemRoot%\\System32\\LogonUI.exe": 1})


class RealTwoPass(Real):
    TWO_PASS = True


class RealTcp(Real):
    PATH = TCP


class RealTcpTwoPass(Real):
    PATH = TCP
    TWO_PASS = True


if __name__ == "__main__":
    unittest.main(verbosity=2)
