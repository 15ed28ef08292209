#!/usr/bin/env python3
"""Hostile cases for the channels the real 2021 session carries (issue 18): CTXTWI, CTXLIC, CTXTUI and
the CITRIXD / PNPREDI name lists on captures/vc-real-hostile.pcap (tools/captures/vc_real_hostile.py:
the real 2001 session continued with messages in the real layouts that lie; captures/README.md lists them).

Every lie is marked at its frame with the expected message, severity and group; the fields before the
lie keep the values the builder was told to send (written out here, not computed from the builder);
nothing raises an exception; the real session's own frames decode as they do in spike-ica-2001.pcap.
Each check runs in one pass (tshark) and in two (tshark -2).
"""
import functools
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from icacap_util import Wireshark, capture, AGGREGATOR  # noqa: E402

WS = Wireshark()
HOSTILE = capture("vc-real-hostile.pcap")
SPIKE = capture("spike-ica-2001.pcap")
FIRST = 127                    # the first appended frame (captures/README.md)
ERROR, WARN, NOTE, CHAT = 0x00800000, 0x00600000, 0x00400000, 0x00200000
MALFORMED, SEQUENCE = 0x07000000, 0x06000000
PIECE = "Message piece: the message continues in a later write"

FIELDS = [
    "ica.vc.number", "_ws.expert.message", "_ws.expert.severity", "_ws.expert.group", "_ws.malformed",
    "ica.vc.msg.bad_length",
    "ica.twi.op", "ica.twi.server_name", "ica.twi.user_name", "ica.twi.domain", "ica.twi.string_offset",
    "ica.twi.process_description", "ica.twi.process_path", "ica.twi.published_name", "ica.twi.process_id",
    "ica.twi.parent_process_id", "ica.twi.host_id", "ica.twi.rect.right", "ica.twi.window_name",
    "ica.twi.client_type", "ica.twi.client_version", "ica.twi.client_twi_version",
    "ica.lic.msg_type", "ica.lic.company_name", "ica.lic.product_id", "ica.lic.scope", "ica.lic.cert.version",
    "ica.lic.cert.count", "ica.lic.cert.len", "ica.lic.cert", "ica.lic.platform_id", "ica.lic.key_exchange_alg",
    "ica.lic.blob.len", "ica.lic.msg_size", "ica.lic.mac", "ica.lic.undecoded",
    "ica.tui.type", "ica.tui.value", "ica.tui.counter", "ica.tui.text_offset", "ica.tui.record_len",
    "ica.tui.text", "ica.tui.locale", "ica.tui.progress", "ica.tui.undecoded",
    "ica.vcnames.name", "ica.vcnames.undecoded",
]


def ints(values):
    return [int(v, 0) for v in values]


@functools.lru_cache(maxsize=None)
def appended(two_pass):
    """{frame: {field: [values]}} of the appended frames."""
    out = WS.fields(HOSTILE, ["frame.number"] + FIELDS, filter="ica && frame.number >= %d" % FIRST,
                    extra=["-2"] if two_pass else [], separator="\t", aggregator=AGGREGATOR)
    return {int(r[0]): {f: [x for x in v.split(AGGREGATOR) if x != ""] for f, v in zip(FIELDS, r[1:])}
            for r in out}


class Hostile(unittest.TestCase):
    TWO_PASS = False

    def frames(self):
        return appended(self.TWO_PASS)

    def marks(self, frame):
        f = self.frames()[frame]
        return list(zip(f["_ws.expert.message"], ints(f["_ws.expert.severity"]), ints(f["_ws.expert.group"])))

    def never_completed(self, n):
        """The mark of a message that never completes: a piece in one pass, dropped in two."""
        if self.TWO_PASS:
            return [("Message never completed in the capture (%d bytes expected): dropped" % n, WARN, SEQUENCE)]
        return [(PIECE, CHAT, SEQUENCE)]

    def test_channels(self):
        self.assertEqual({n: ints(f["ica.vc.number"]) for n, f in self.frames().items()},
                         {**{n: [15] for n in range(127, 132)}, **{n: [18] for n in range(132, 140)},
                          **{n: [8] for n in range(140, 144)}, 144: [8, 8], 145: [8], 146: [13], 147: [4], 148: [4]})

    def test_twi_sysinfo_domain_offset_past_payload(self):
        f = self.frames()[127]
        self.assertEqual(self.marks(127), [("String offset 256: outside the payload", ERROR, MALFORMED)])
        self.assertEqual((f["ica.twi.server_name"], f["ica.twi.user_name"], f["ica.twi.domain"]),
                         (["SVMSCTXVM102"], ["Login"], []))
        self.assertEqual(ints(f["ica.twi.string_offset"]), [0, 13, 256])

    def test_twi_createp_offset_inside_fixed_and_no_nul(self):
        f = self.frames()[128]
        self.assertEqual(self.marks(128), [("String offset 2: inside the 16 bytes of fixed fields", ERROR, MALFORMED),
                                           ("String at offset 50 has no NUL", ERROR, MALFORMED)])
        self.assertEqual(f["ica.twi.process_description"], ["Windows Logon User Interface Host"])
        self.assertEqual(f["ica.twi.process_path"], [])
        self.assertEqual(f["ica.twi.published_name"], ["#App"])
        self.assertEqual((ints(f["ica.twi.process_id"]), ints(f["ica.twi.parent_process_id"])), ([8688], [5592]))

    def test_twi_createw_title_offset_past_payload(self):
        f = self.frames()[129]
        self.assertEqual(self.marks(129), [("String offset 4096: outside the payload", ERROR, MALFORMED)])
        self.assertEqual((ints(f["ica.twi.host_id"]), ints(f["ica.twi.process_id"])), ([0x00010044], [8688]))
        self.assertEqual(ints(f["ica.twi.rect.right"]), [1920, 1920])
        self.assertEqual(ints(f["ica.twi.string_offset"]), [4096, 58])
        self.assertEqual(f["ica.twi.window_name"], [])

    def test_twi_reply_without_request(self):
        f = self.frames()[130]
        self.assertEqual(self.marks(130), [])
        self.assertEqual([ints(f[k]) for k in ("ica.twi.op", "ica.twi.client_type", "ica.twi.client_version",
                                               "ica.twi.client_twi_version")], [[1], [1], [3], [2]])

    def test_twi_never_completes(self):
        self.assertEqual(self.marks(131), self.never_completed(3 + 0xFFFF))
        self.assertEqual(self.frames()[131]["ica.twi.op"], [])

    def test_lic_cert_chain_count_and_length_lie(self):
        f = self.frames()[132]
        self.assertEqual(self.marks(132), [("Certificate chain: Part runs past the message", ERROR, MALFORMED)])
        self.assertEqual((f["ica.lic.company_name"], f["ica.lic.product_id"], f["ica.lic.scope"]),
                         (["Microsoft Corporation"], ["A02"], ["microsoft.com"]))
        self.assertEqual(ints(f["ica.lic.cert.version"]), [2])
        self.assertEqual(ints(f["ica.lic.cert.count"]), [0xFFFFFFFF])
        self.assertEqual((f["ica.lic.cert.len"], f["ica.lic.cert"]), ([], []))    # no certificate located
        self.assertEqual(ints(f["ica.lic.blob.len"]), [4, 20, 14])

    def test_lic_license_der_length_lie(self):
        f = self.frames()[133]
        self.assertEqual(self.marks(133), [("License (CMS SignedData): Part runs past the message at offset 42",
                                            ERROR, MALFORMED)])
        self.assertEqual(ints(f["ica.lic.key_exchange_alg"]), [1])
        self.assertEqual(ints(f["ica.lic.platform_id"]), [0x08010000])
        self.assertEqual(ints(f["ica.lic.cert.count"]), [1])
        self.assertEqual(f["ica.lic.cert"], ["3003020105"])
        self.assertEqual(ints(f["ica.lic.blob.len"]), [72, 49, 20])
        self.assertEqual([len(m) for m in f["ica.lic.mac"]], [32])     # the parts after the blob still there

    def test_lic_reply_without_request_size_lie(self):
        f = self.frames()[134]
        self.assertEqual(self.marks(134), [("wMsgSize 256, the PDU holds 66 bytes", ERROR, MALFORMED)])
        self.assertEqual((ints(f["ica.lic.msg_type"]), ints(f["ica.lic.msg_size"])), ([0x15], [256]))
        self.assertEqual(ints(f["ica.lic.blob.len"]), [18, 20])
        self.assertEqual([len(m) for m in f["ica.lic.mac"]], [32])

    def test_lic_blob_past_message(self):
        f = self.frames()[135]
        self.assertEqual(self.marks(135), [("Part runs past the message (offset 8)", ERROR, MALFORMED)])
        self.assertEqual(ints(f["ica.lic.msg_type"]), [0x02])
        self.assertEqual(f["ica.lic.mac"], [])
        self.assertEqual(len(f["ica.lic.undecoded"][0]) // 2, 4 + 10 + 16)    # blob header, its 10 bytes, MAC

    def test_lic_scope_count_too_large(self):
        f = self.frames()[136]
        self.assertEqual(self.marks(136), [("More parts than the decoder keeps (offset 446)", ERROR, MALFORMED)])
        self.assertEqual(ints(f["ica.lic.cert.version"]), [1])
        self.assertEqual(f["ica.lic.scope"], ["microsoft.com"] * 17)     # 24 parts kept: 7 before the scopes
        self.assertEqual(f["ica.lic.undecoded"], [("0e000e00" + b"microsoft.com\x00".hex()) * 3])

    def test_lic_x509_der_lie_contained(self):
        # the certificate goes to Wireshark's X.509 dissector: its own mark (text per Wireshark version),
        # its exception kept in its subtree, the parts after it still decoded
        f = self.frames()[137]
        marks = self.marks(137)
        self.assertEqual([(s, g) for _m, s, g in marks], [(WARN, MALFORMED)])
        self.assertTrue(marks[0][0].startswith("BER Error"), marks)
        self.assertEqual((ints(f["ica.lic.cert.count"]), ints(f["ica.lic.cert.len"])), ([1], [6]))
        self.assertEqual(f["ica.lic.scope"], ["microsoft.com"])

    def test_lic_cbdata_below_header_and_never_completes(self):
        f = self.frames()[138]
        self.assertEqual(self.marks(138), [("Message claims 2 bytes, less than its own header: rest of the write "
                                            "dropped", ERROR, MALFORMED)])
        self.assertEqual(ints(f["ica.vc.msg.bad_length"]), [2])
        self.assertEqual(f["ica.lic.msg_type"], [])
        self.assertEqual(self.marks(139), self.never_completed(5330))

    def test_tui_reply_without_request(self):
        f = self.frames()[140]
        self.assertEqual(self.marks(140), [])
        self.assertEqual((ints(f["ica.tui.type"]), ints(f["ica.tui.value"])), ([0x80], [4]))

    def test_tui_text_record_lies(self):
        a, b = self.frames()[141], self.frames()[142]
        self.assertEqual(self.marks(141), [("Text record offset 32767: no 12-byte record there", ERROR, MALFORMED)])
        self.assertEqual(self.marks(142), [("Text record length 400: below its 12-byte header or past the message",
                                            ERROR, MALFORMED)])
        self.assertEqual((ints(a["ica.tui.counter"]), ints(a["ica.tui.text_offset"])), ([2], [0x7FFF]))
        self.assertEqual((ints(b["ica.tui.counter"]), ints(b["ica.tui.record_len"])), ([3], [400]))
        self.assertEqual((a["ica.tui.text"], b["ica.tui.text"]), ([], []))

    def test_tui_status_shorter_than_fixed_part(self):
        f = self.frames()[143]
        self.assertEqual(self.marks(143), [("Message shorter than its fixed part", ERROR, MALFORMED)])
        self.assertEqual((ints(f["ica.tui.type"]), f["ica.tui.undecoded"], f["ica.tui.counter"]),
                         ([2], ["1e0000000500"], []))

    def test_tui_good_status_after_the_lies(self):
        f = self.frames()[144]
        self.assertEqual((ints(f["ica.tui.counter"]), f["ica.tui.text"], ints(f["ica.tui.locale"]),
                          ints(f["ica.tui.progress"])), ([4], ["Préparation de Windows"], [0x040C], [60]))
        self.assertEqual([m for m, sev, _g in self.marks(144) if sev >= NOTE], [])

    def test_tui_never_completes(self):
        self.assertEqual(self.marks(145), self.never_completed(3000))

    def test_names(self):
        fr = self.frames()
        self.assertEqual(self.marks(146), [("Name without its NUL at the message end", ERROR, MALFORMED)])
        self.assertEqual(fr[146]["ica.vcnames.name"], [])
        self.assertEqual(fr[146]["ica.vcnames.undecoded"],
                         ["8000", "DVCRenderingAdapter".encode("utf-16-le").hex() + "58"])
        real = ["FileRedirectorChannel", "PlugAndPlay", "PNPDR"]
        self.assertEqual((self.marks(147), fr[147]["ica.vcnames.name"]), ([], real))
        self.assertEqual(self.marks(148), [("Name list not ended by an empty name (inferred from a capture: every "
                                            "list there ends so)", WARN, MALFORMED)])
        self.assertEqual(fr[148]["ica.vcnames.name"], real)

    def test_no_exception(self):
        # a dissector exception would show as _ws.malformed without one of the marks above
        bad = [n for n, f in self.frames().items()
               if f["_ws.malformed"] and not any(g == MALFORMED for _m, _s, g in self.marks(n))]
        self.assertEqual(bad, [])

    def test_real_session_unaffected(self):
        """The real session's frames decode as in spike-ica-2001.pcap (frame numbers differ: the
        capture re-emits only the ICA connection)."""
        fields = ["ica.vc.number", "ica.vc.length", "_ws.expert.message", "ica.twi.op", "ica.cam.cmd"]
        extra = ["-2"] if self.TWO_PASS else []
        got = WS.fields(HOSTILE, fields, filter="ica && frame.number < %d" % FIRST, extra=extra, separator="\t",
                        aggregator=AGGREGATOR)
        want = WS.fields(SPIKE, fields, filter="ica", extra=extra, separator="\t", aggregator=AGGREGATOR)
        self.assertEqual(len(got), 123)
        self.assertEqual(got, want)

    def test_no_process_fact_from_a_bad_offset(self):
        # the CREATEP path offset lies: no "Process:" item in the statistics
        out = WS.tshark(HOSTILE, ["-q", "-z", "ica,tree"] + (["-2"] if self.TWO_PASS else []))
        self.assertIn("CTXTWI (channel 15)", out)
        self.assertNotIn("Process:", out)


class HostileTwoPass(Hostile):
    TWO_PASS = True


if __name__ == "__main__":
    unittest.main(verbosity=2)
