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

Capability bodies (class CapabilityBodies): a WD_H2C v9 whose capability list holds one block of
every layout IcaCaps.h defines (packed, little-endian; WANSCALER_SUPPORT from the HTML5 client's
WanscalerSupport reader), each packed here from the header's member list with distinct values,
plus a short COOKIE (expert note, bytes undecoded), a TIME_ZONE followed by its name (UTF-16, at
oStandardName from the block's start, as the HTML5 client writes it), one whose oDaylightName points
past the block, DYNAMIC_VIRTUAL_CHANNELS with two DVC_BIND entries (one with a friendly name) and
one whose Offset points into its head, MTU (head only) and WATERMARK (a name without a layout).
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


# ---- capability bodies (IcaCaps.h) ----------------------------------------------------------

def pk(fmt, *v):
    return struct.pack("<" + fmt, *v)


DATE_STD = (2026, 10, 0, 5, 3, 0, 0, 0)       # Year Month DayOfWeek Day Hour Minute Second Milliseconds
DATE_DST = (2026, 3, 0, 5, 2, 0, 0, 0)


def tz_common(o_standard=0, o_daylight=0):
    return pk("IIiH8HiH8Hi", 1, 2, -60, o_standard, *DATE_STD, 0, o_daylight, *DATE_DST, -60)

# DVC_BIND {u16 ByteCount, char[8] StaticChannelName, u16 cbFriendlyName, u16 oFriendlyName}, the
# friendly name (UTF-16) at oFriendlyName from the entry's start; entries follow each other
DVC_FRIENDLY = "Cam\0".encode("utf-16-le")
DVC_BINDS = (pk("H", 14 + len(DVC_FRIENDLY)) + b"DVCPLG1\0" + pk("HH", len(DVC_FRIENDLY), 14) + DVC_FRIENDLY
             + pk("H", 14) + b"CTXGFX\0\0" + pk("HH", 0, 0))

# (signature, body, {field: expected value as tshark prints it})
CAP_BLOCKS = [
    (3, pk("I", 0x11), {"ica.cap.seamless": "0x00000011"}),
    (4, pk("H", 0x0f), {"ica.cap.intellimouse": "0x000f"}),
    (6, pk("HHIHH", 1, 30, 6, 500, 250), {"ica.cap.channel_monitoring.repeat_delay": "30",
                                          "ica.cap.channel_monitoring.flags": "0x00000006",
                                          "ica.cap.channel_monitoring.mouse_upper": "500",
                                          "ica.cap.channel_monitoring.mouse_lower": "250"}),
    (7, pk("H", 3), {"ica.cap.redraw": "0x0003"}),
    (8, tz_common() + pk("HH", 1, 1252), {"ica.cap.time_zone.version": "1", "ica.cap.time_zone.operating_mode": "2",
                                        "ica.cap.time_zone.bias": "-60", "ica.cap.time_zone.o_standard_name": "0",
                                        "ica.cap.time_zone.standard_date.month": "10",
                                        "ica.cap.time_zone.standard_date.day": "5",
                                        "ica.cap.time_zone.daylight_date.hour": "2",
                                        "ica.cap.time_zone.daylight_bias": "-60",
                                        "ica.cap.time_zone.encoding_type": "1",
                                        "ica.cap.time_zone.encoding_data": "1252"}),
    (10, pk("BHHHHH", 2, 4096, 180, 1, 40, 120), {"ica.cap.cookie.version": "2",
                                                   "ica.cap.cookie.max_cookie_size": "4096",
                                                   "ica.cap.cookie.acr_timeout": "180",
                                                   "ica.cap.cookie.acr_ui_flags": "0x0001",
                                                   "ica.cap.cookie.acr_ui_dimming_percentage": "40",
                                                   "ica.cap.cookie.acr_estimated_tcp_timeout": "120"}),
    (13, pk("HHH", 1, 2, 2), {"ica.cap.server_version.family": "1", "ica.cap.server_version.family_version": "2",
                              "ica.cap.server_version.variant": "2"}),
    (14, pk("B", 1), {"ica.cap.keyboard_xkeysym.version": "1"}),
    (15, pk("HII", 1, 26, 0xdeadbeef), {"ica.cap.cgp_packet_overhead.version": "1",
                                        "ica.cap.cgp_packet_overhead.cgp_packet_overhead": "26",
                                        "ica.cap.cgp_packet_overhead.cgp_session": "0xdeadbeef"}),
    (16, pk("IHH", 3, 5000, 100), {"ica.cap.high_throughput.support_mask": "0x00000003",
                                   "ica.cap.high_throughput.max_packet_length": "5000",
                                   "ica.cap.high_throughput.line_loading": "100"}),
    (17, pk("H", 37), {"ica.cap.ssl_packet_overhead.ssl_packet_overhead": "37"}),
    (18, pk("B", 3), {"ica.cap.wd_credential_passing.version": "3"}),
    (19, pk("IB", 0x2000000, 1), {"ica.cap.max_video.max_server_lvb_mem": "33554432",
                                  "ica.cap.max_video.degrade_color_first": "1"}),
    (20, pk("HH", 1, 2), {"ica.cap.euks.version": "1", "ica.cap.euks.mode": "2"}),
    (21, pk("B", 1), {"ica.cap.mouse_button_swap.mouse_button_swapped": "1"}),
    (22, pk("II", 0x04030201, 0x08070605), {"ica.cap.client_ts_license_info.buffer": "0102030405060708"}),
    (23, pk("HHH", 1, 12, 0), {"ica.cap.farm_name.version": "1", "ica.cap.farm_name.farm_name_size": "12",
                               "ica.cap.farm_name.farm_name_offset": "0"}),
    (25, pk("HH", 7, 256), {"ica.cap.drive_mapping_acceleration.features_supported": "0x0007",
                            "ica.cap.drive_mapping_acceleration.total_max_read_ahead_k": "256"}),
    (26, pk("I", 0x0409), {"ica.cap.input_locale.active_input_locale": "0x00000409"}),
    (27, pk("I", 1), {"ica.cap.licensed_features.licensed_features": "0x00000001"}),
    (29, pk("H", 1), {"ica.cap.codepage_utf8.version": "1"}),
    (30, pk("BIBIBIBIBI", 1, 3, 2, 0x10, 4, 0x20, 5, 0x30, 6, 0x40),
     {"ica.cap.wanscaler_support.ica_protocol_version": "1", "ica.cap.wanscaler_support.ica_client_flags": "0x00000003",
      "ica.cap.wanscaler_support.client_ws_protocol_version": "2",
      "ica.cap.wanscaler_support.server_ws_flags": "0x00000020",
      "ica.cap.wanscaler_support.cps_server_protocol_version": "5",
      "ica.cap.wanscaler_support.session_flags": "0x00000040"}),
    (31, pk("HH", 2, 8) + DVC_BINDS, {"ica.cap.dynamic_virtual_channels.count": "2",
                                      "ica.cap.dynamic_virtual_channels.offset": "8"}),
    (32, pk("H", 0), {"ica.cap.early_authentication.version": "0"}),
    (33, pk("H", 64), {"ica.cap.virtual_maximum.virtual_maximum": "64"}),
    (34, pk("IHH", 7, 12, 20), {"ica.cap.client_selfloop_check.session_id": "7",
                                "ica.cap.client_selfloop_check.o_client_name": "12",
                                "ica.cap.client_selfloop_check.o_domain_name": "20"}),
    (36, pk("HH", 2, 0), {"ica.cap.rtp_audio_ica.level_supported": "2", "ica.cap.rtp_audio_ica.reserved": "0"}),
    (37, pk("H", 1), {"ica.cap.system_flow_control.version_number": "1"}),
    (38, tz_common(68) + pk("HHHH", 1, 68, 0, 1), {"ica.cap.dynamic_time_zone.bias": "-60",
                                              "ica.cap.dynamic_time_zone.time_zone_name_type": "0x0001",
                                              "ica.cap.dynamic_time_zone.o_time_zone_name": "68",
                                              "ica.cap.dynamic_time_zone.dynamic_daylight_time_disabled": "0",
                                              "ica.cap.dynamic_time_zone.encoding_type": "1"}),
    (40, pk("BBBB", 1, 1, 0, 0), {"ica.cap.buffer_resize.out_buf_length_resize": "1",
                                  "ica.cap.buffer_resize.ssl_overhead_resize": "1",
                                  "ica.cap.buffer_resize.cgp_overhead_resize": "0"}),
    (41, pk("BIBIBIBIBIBI", 1, 0x11, 2, 0x22, 3, 0x33, 4, 0x44, 5, 0x55, 6, 0x66),
     {"ica.cap.nsap_supported.host_protocol_version": "1", "ica.cap.nsap_supported.host_flags": "0x00000011",
      "ica.cap.nsap_supported.netscaler_flags": "0x00000022",
      "ica.cap.nsap_supported.host_sdwan_protocol_version": "3",
      "ica.cap.nsap_supported.client_sdwan_flags": "0x00000044",
      "ica.cap.nsap_supported.client_protocol_version": "5",
      "ica.cap.nsap_supported.session_protocol_version": "6",
      "ica.cap.nsap_supported.session_protocol_flags": "0x00000066"}),
]
TZ_NAME = "UTC\0".encode("utf-16-le")
EXTRA_BLOCKS = [
    (1, b""),                                   # MTU: head only
    (10, pk("BB", 1, 0)),                       # COOKIE shorter than version 1 (3 bytes needed)
    (8, tz_common(64) + pk("HH", 1, 0) + TZ_NAME),      # TIME_ZONE with its name after the fixed part
    (8, tz_common(0, 200) + pk("HH", 0, 0) + b"x"),     # oDaylightName beyond the block: expert, byte undecoded
    (39, b"\x01\x02\x03"),                      # WATERMARK: named, no layout
    (31, pk("HH", 1, 4)),                       # DYNAMIC_VIRTUAL_CHANNELS whose Offset points into its head
]


def cap_block(sig, body):
    return u16(4 + len(body)) + u16(sig) + body


def build_caps(path):
    blocks = [cap_block(sig, body) for sig, body, _ in CAP_BLOCKS] + [cap_block(*b) for b in EXTRA_BLOCKS]
    clist = bytes([0, len(blocks)]) + u16(4) + b"".join(blocks)
    fixed = 38                                                  # WD_H2C v9: ServerCodePage ends at 38
    body = u16(2048) + u16(6) + u16(6) + u16(0) + u16(0) + u16(0) + b"CTX\0" + u16(0)
    body += bytes([0, 0]) + u16(0) + u16(0) + u16(len(clist)) + u16(fixed) + u16(1252) + clist
    w = pcapgen.PcapWriter(path)
    s = pcapgen.TcpStream(w, ("10.5.0.1", 40101), ("10.5.0.2", 1494))
    s.handshake()
    s.send("s2c", DETECT)
    s.send("c2s", DETECT)
    s.send("s2c", INIT_REQUEST)
    s.send("c2s", wd(1, module_c2h(0, 4, b"PDRFRAME.DLL", b"\x09\0\0\0", 1, 1, host=b"PDRFRAME")))
    s.send("s2c", wd(2, module_h2c(0, 2, 9, body)))
    w.close()


class CapabilityBodies(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="ica-caps-")
        cls.path = os.path.join(cls.tmp, "caps.pcap")
        build_caps(cls.path)

    def values(self, *fields):
        """The values of each field in the frame of the big list, every occurrence."""
        rows = WS.fields(self.path, list(fields), filter="ica.cap.signature == 41", aggregator="\x1e")
        self.assertEqual(len(rows), 1, rows)
        got = [[v for v in col.split("\x1e") if v != ""] for col in rows[0]]
        return got if len(fields) > 1 else got[0]

    def test_every_layout_decoded(self):
        want = [(sig, f, v) for sig, _, fields in CAP_BLOCKS for f, v in fields.items()]
        got = self.values(*[f for _, f, _ in want])
        for (sig, field, value), values in zip(want, got):
            # TIME_ZONE appears twice (the second one with its name after the fixed part)
            self.assertEqual(values[:1], [value], (sig, field, values))

    def test_blocks_and_undecoded_bytes(self):
        self.assertEqual(len(self.values("ica.cap.signature")), len(CAP_BLOCKS) + len(EXTRA_BLOCKS))
        # undecoded: the short COOKIE's 2 bytes, the byte after the last TIME_ZONE, the WATERMARK body
        self.assertEqual(self.values("ica.cap.data"), ["0100", "78", "010203"])
        self.assertEqual(self.values("ica.cap.cookie.version"), ["2"])   # the short one decodes nothing
        self.assertEqual(self.values("ica.cap.time_zone.encoding_data"), ["1252", "0", "0"])
        self.assertEqual(self.values("ica.cap.time_zone.standard_name", "ica.cap.time_zone.daylight_name"),
                         [["UTC"], []])

    def test_dvc_binds(self):
        self.assertEqual(self.values("ica.cap.dynamic_virtual_channels.bind.byte_count",
                                     "ica.cap.dynamic_virtual_channels.bind.static_channel_name",
                                     "ica.cap.dynamic_virtual_channels.bind.cb_friendly_name",
                                     "ica.cap.dynamic_virtual_channels.bind.friendly_name"),
                         [["22", "14"], ["DVCPLG1", "CTXGFX"], ["8", "0"], ["Cam"]])

    def test_short_body_expert(self):
        rows = WS.fields(self.path, ["_ws.expert.message"], filter="ica.cap.short", aggregator="\x1e")
        self.assertEqual(len(rows), 1)
        msgs = [m for m in rows[0][0].split("\x1e")
                if m.startswith(("Capability body", "oStandard", "oDaylight", "Offset", "DVC_BIND", "Count"))]
        self.assertEqual(msgs, ["Capability body of 2 bytes: the fixed fields of ica.cap.cookie need 3",
                                "oDaylightName 200 is outside the capability's strings (64 to 65)",
                                "Offset 4 to the DVC_BIND entries is outside the capability (8 bytes)"])

    def test_field_types(self):
        fields = {r["abbrev"]: r for r in WS.listing("fields") if r["kind"] == "F"}
        self.assertEqual(fields["ica.cap.time_zone.bias"]["type"], "FT_INT32")
        self.assertEqual(fields["ica.cap.cookie.max_cookie_size"]["type"], "FT_UINT16")
        self.assertEqual(fields["ica.cap.client_ts_license_info.buffer"]["type"], "FT_BYTES")
        self.assertEqual(fields["ica.cap.nsap_supported.host_flags"]["name"], "HostFlags")


if __name__ == "__main__":
    unittest.main()
