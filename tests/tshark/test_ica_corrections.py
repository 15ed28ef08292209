#!/usr/bin/env python3
"""Handshake corrections of issue 10 item 4 (ica-modern.md §4), each against a source's layout.

A session built at test time (tools/lib/pcapgen.py, the module helpers of
tools/captures/hostile_captures.py) carries:
  * UI_C2H with FixedLength 97 (version 8): flags 0x3000 (UI_C2H_CT_AADLOGONTICKET, UI_C2H_CT_RCG),
    KeyboardSubtype2 at offset 86, oLauncher/oVersion (v5), PreferredIconBPP/oLaunchReference (v7),
    oFontSmoothing (v8)                                             [SDK ica-c2h.h]
  * WD_C2H with ClientProductId 0x4054: Android with CLIENTID_FORCESERIALIZE_FLAG  [SDK icaid.h]
  * TD_C2H version 3: EncryptionProtocol 0x0303 (TLS 1.2), cipher 0xC02F, strength 128 [SDK ica-c2h.h]
  * WD_H2C OEMId "CTX" as char[4] ASCIIZ                           [RO ica-h2c]
  * WD_H2C v6 ReducerVersion 0 with H2C_PowerOf2Agreed 15: level 1 (compression 1)  [RO init, wdica]
"""
import os
import struct
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from icacap_util import TOP, Wireshark  # noqa: E402
sys.path.insert(0, os.path.join(TOP, "tools", "lib"))
sys.path.insert(0, os.path.join(TOP, "tools", "captures"))
import pcapgen  # noqa: E402
from hostile_captures import wd, module_c2h, module_h2c, DETECT, INIT_REQUEST  # noqa: E402

WS = Wireshark()


def boolean(v):
    """tshark prints booleans as 1/0 on 4.0 and True/False from 4.4."""
    return {"1": True, "True": True, "0": False, "False": False}[v]


def u16(v):
    return struct.pack("<H", v)


def ui_module():
    strings = b"PNAgent\0" + b"19.3.0.4\0" + b"ref-42\0" + b"host1\0"
    fixed = 97
    body = bytearray(fixed - 36)

    def put16(off, v):
        body[off - 36:off - 34] = u16(v)
    body[0:4] = struct.pack("<I", 0x3000)               # Flags (offset 36)
    put16(66, 1234)                                     # ClientBuildNumber
    put16(68, fixed + 24)                               # oClientName
    put16(70, fixed)                                    # FixedLength
    put16(72, len(strings))                             # OffsetLength
    put16(86, 0x0102)                                   # KeyboardSubtype2
    put16(88, fixed)                                    # oLauncher
    put16(90, fixed + 8)                                # oVersion
    body[92 - 36] = 32                                  # PreferredIconBPP
    body[93 - 36:95 - 36] = u16(fixed + 17)             # oLaunchReference
    body[95 - 36:97 - 36] = u16(0)                      # oFontSmoothing
    return module_c2h(3, 0, b"WFICA32.EXE", bytes(body) + strings, 1, 8)


def wd_c2h_module():
    body = struct.pack("<I", 7) + bytes([1, 1]) + u16(2026) + bytes(4) + struct.pack("<I", 3)
    body += u16(0) + u16(0) + u16(2048) + u16(6) + u16(6) + u16(0) + u16(0) + u16(0x4054) + struct.pack("<I", 0)
    return module_c2h(2, 2, b"WDICA30N.DLL", body, 1, 6)


def td_module():
    body = u16(1460) + u16(2) + bytes(20) + u16(0x0303) + u16(0xC02F) + u16(128)
    return module_c2h(1, 5, b"TDWSTCPN.DLL", body, 1, 3)


def wd_h2c(version=6):
    body = u16(2048) + u16(6) + u16(6) + u16(0) + u16(0) + u16(0) + b"CTX\0" + u16(1)
    body += bytes([0, 15]) + u16(2000) + u16(0)         # Pow2 agreed C2H 0 / H2C 15, C2H_MaxNewData, ReducerVersion 0
    return module_h2c(1, 2, version, body)


def build(path):
    w = pcapgen.PcapWriter(path)
    s = pcapgen.TcpStream(w, ("10.5.0.1", 40100), ("10.5.0.2", 1494))
    s.handshake()
    s.send("s2c", DETECT)
    s.send("c2s", DETECT)
    s.send("s2c", INIT_REQUEST)
    for m in (ui_module(), wd_c2h_module(), td_module(),
              module_c2h(0, 4, b"PDRFRAME.DLL", b"\x09\0\0\0", 1, 1, host=b"PDRFRAME")):
        s.send("c2s", wd(1, m))
    s.send("s2c", wd(2, wd_h2c()) + wd(2, module_h2c(0, 4, 1, b"\x09\0\0\0")))
    s.send("c2s", b"\x04\x00\x00")
    s.send("s2c", u16(3) + b"\x09\x01\x00")             # first server frame: compressed (reducer level 1)
    w.close()


class Corrections(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="ica-corr-")
        cls.path = os.path.join(cls.tmp, "corrections.pcap")
        build(cls.path)

    def one(self, fields, filt):
        rows = WS.fields(self.path, fields, filter=filt)
        self.assertEqual(len(rows), 1, (filt, rows))
        return rows[0]

    def test_ui_c2h_additions(self):
        row = self.one(["ica.ui.flags.aad_logon_ticket", "ica.ui.flags.rcg", "ica.ui.flags.smartcard",
                        "ica.ui.keyboard_subtype2", "ica.ui.launcher", "ica.ui.client_version", "ica.ui.icon_bpp",
                        "ica.ui.launch_reference", "ica.ui.font_smoothing_offset", "ica.client_name"],
                       "ica.ui.flags")
        self.assertEqual([boolean(v) if i < 3 else v for i, v in enumerate(row)],
                         [True, True, False, "0x0102", "PNAgent", "19.3.0.4", "32", "ref-42", "0", "host1"])
        self.assertEqual(WS.fields(self.path, ["frame.number"], filter="ica.ui.extra || ica.bad_offset"), [])

    def test_product_id_with_flags(self):
        row = self.one(["ica.client_product_id", "ica.client_product_id.force_serialize",
                        "ica.client_product_id.terminal"], "ica.client_product_id")
        self.assertEqual([row[0], boolean(row[1]), boolean(row[2])], ["0x0054", True, False])
        text = WS.run(["-r", WS.stage(self.path), "-q", "-z", "ica,tree"])[0]
        self.assertIn("Client product id: 0x4054 (Android)", text)

    def test_td_c2h_v3(self):
        self.assertEqual(self.one(["ica.td.encryption_protocol", "ica.td.encryption_cipher",
                                   "ica.td.encryption_strength"], "ica.td.encryption_protocol"),
                         ["0x0303", "0xc02f", "128"])

    def test_oem_id_is_a_string(self):
        self.assertEqual(self.one(["ica.wd.oem_id"], "ica.wd.oem_id"), ["CTX"])

    def test_reducer_version_zero_is_level_one(self):
        self.assertEqual(self.one(["ica.reducer.level"], "ica.reducer.level"), ["0"])
        rows = WS.fields(self.path, ["ica.compression"], filter="ica.frame && tcp.srcport == 1494")
        self.assertEqual(rows, [["1"]])


if __name__ == "__main__":
    unittest.main()
