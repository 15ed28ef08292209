#!/usr/bin/env python3
"""The device-channel decoders (issue 18): CTXCAM on the real 2001 session, CTXCAM, CTXGUSB
and CTXCPM on the device captures (tools/captures/vc_dev_captures.py: the real session carrying the
messages laid out from the public sources).

Expected values are written out from the sources' layouts (shared notes vc.md §10, §7, §9) and what
the builder was told to send (captures/README.md), not computed from the builder.  Each
check runs in one pass (tshark) and in two passes (tshark -2).
"""
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from icacap_util import TOP, Wireshark, capture, per_direction, AGGREGATOR  # noqa: E402

sys.path.insert(0, os.path.join(TOP, "tools", "lib"))
import statstree  # noqa: E402

WS = Wireshark()
SPIKE = capture("spike-ica-2001.pcap")
CAM = capture("vc-cam.pcap")
GUSB = capture("vc-gusb.pcap")
CPM = capture("vc-cpm.pcap")
HOSTILE = capture("vc-dev-hostile.pcap")
SESSION = "192.168.1.100:1193 -> 192.168.1.101:1494"
WARN = 0x00600000


def ints(values):
    return [int(v, 0) for v in values]


def rows(path, fields, filter, two_pass):
    """[(frame, {field: [values]})] of the displayed frames."""
    extra = ["-2"] if two_pass else []
    out = WS.fields(path, ["frame.number"] + fields, filter=filter, extra=extra, separator="\t",
                    aggregator=AGGREGATOR)
    return [(int(r[0]), {f: [x for x in v.split(AGGREGATOR) if x != ""] for f, v in zip(fields, r[1:])})
            for r in out]


# ---- CTXCAM --------------------------------------------------------------------------------
INIT, OPEN, CLOSE, WRITE, RESET_ACK, REQUEST_CAPINFO = 0, 1, 2, 3, 4, 5
READ_REQUEST, START_RECORD, STOP_RECORD, RESET_RECORD, SET_CONTROL = 6, 7, 8, 9, 0x0A
RESOURCE_ACK, RESET, CAPABILITY_INFO = 0x80, 0x81, 0x82

# the real host's REQUEST_CAPINFO: every PCM and Citrix ADPCM sub-format vdcam defines
PCM_RATES = [8000, 11025, 22050, 44100]
REAL_HOST_FORMATS = (["Linear PCM %d Hz %s %d-bit" % (r, ch, bits) for bits in (8, 16) for ch in ("mono", "stereo")
                      for r in PCM_RATES] +
                     ["Citrix ADPCM %d Hz %s 2-bit" % (r, ch) for ch in ("mono", "stereo") for r in PCM_RATES])
REAL_CLIENT_FORMATS = ["Linear PCM 8000 Hz mono 8-bit", "Citrix ADPCM 8000 Hz mono 2-bit",
                       "Citrix ADPCM 8000 Hz stereo 2-bit"]


class CamRealSession(unittest.TestCase):
    """The real 2001 session's CTXCAM start-up, decoded."""
    TWO_PASS = False

    def setUp(self):
        self.d = per_direction(WS, SPIKE, ["ica.cam.cmd", "ica.cam.format_text", "ica.cam.resource",
                                           "ica.cam.released", "ica.cam.cam_version", "ica.cam.fc_version",
                                           "ica.cam.formats_offset", "ica.cam.format_count", "ica.cam.device"],
                               filter="ica.cam", extra=["-2"] if self.TWO_PASS else [])

    def test_commands(self):
        self.assertEqual(ints(self.d["s2c"]["ica.cam.cmd"]), [INIT, REQUEST_CAPINFO])
        self.assertEqual(ints(self.d["c2s"]["ica.cam.cmd"]), [RESOURCE_ACK, RESOURCE_ACK, CAPABILITY_INFO,
                                                              RESOURCE_ACK, RESOURCE_ACK])
        self.assertEqual(ints(self.d["s2c"]["ica.cam.cam_version"]), [1])
        self.assertEqual(ints(self.d["s2c"]["ica.cam.fc_version"]), [1])
        # the client's initial flow-control grant (commands 64, data 32), then one of each
        self.assertEqual(ints(self.d["c2s"]["ica.cam.resource"]), [1, 2, 1, 2])
        self.assertEqual(ints(self.d["c2s"]["ica.cam.released"]), [64, 32, 1, 1])

    def test_formats(self):
        self.assertEqual(ints(self.d["s2c"]["ica.cam.device"]), [1])
        self.assertEqual(ints(self.d["s2c"]["ica.cam.formats_offset"]), [6])
        self.assertEqual(ints(self.d["s2c"]["ica.cam.format_count"]), [24])
        self.assertEqual(self.d["s2c"]["ica.cam.format_text"], REAL_HOST_FORMATS)
        self.assertEqual(ints(self.d["c2s"]["ica.cam.format_count"]), [3])
        self.assertEqual(self.d["c2s"]["ica.cam.format_text"], REAL_CLIENT_FORMATS)


class CamRealSessionTwoPass(CamRealSession):
    TWO_PASS = True


class Cam(unittest.TestCase):
    TWO_PASS = False
    FILTER = "ica.cam && frame.number > 100"        # the appended messages (the real ones end at 38)

    def d(self, fields, filter=None):
        return per_direction(WS, CAM, fields, filter=filter or self.FILTER, extra=["-2"] if self.TWO_PASS else [])

    def test_commands_in_order(self):
        d = self.d(["ica.cam.cmd", "ica.cam.device"])
        self.assertEqual(ints(d["s2c"]["ica.cam.cmd"]), [
            OPEN, WRITE, WRITE, WRITE, CLOSE, OPEN, REQUEST_CAPINFO, OPEN, READ_REQUEST, START_RECORD,
            SET_CONTROL, STOP_RECORD, RESET_ACK, RESET_RECORD])
        self.assertEqual(ints(d["s2c"]["ica.cam.device"]), [1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2])
        self.assertEqual(ints(d["c2s"]["ica.cam.cmd"]), [RESOURCE_ACK, RESOURCE_ACK, CAPABILITY_INFO, RESET])
        self.assertEqual(ints(d["c2s"]["ica.cam.device"]), [2, 2])

    def test_open_formats(self):
        d = self.d(["ica.cam.format", "ica.cam.subformat", "ica.cam.codec", "ica.cam.rate", "ica.cam.channels",
                    "ica.cam.bits", "ica.cam.quality", "ica.cam.format_text", "ica.cam.extra"],
                   filter="ica.cam.cmd == 1")["s2c"]
        self.assertEqual(ints(d["ica.cam.format"]), [2, 4, 5])
        self.assertEqual(ints(d["ica.cam.subformat"]), [0x0010, 0x0025, 0x0118])
        self.assertEqual(d["ica.cam.codec"], ["Citrix ADPCM", "Vorbis", "Speex"])
        self.assertEqual(ints(d["ica.cam.rate"]), [8000, 44100, 16000])
        self.assertEqual(ints(d["ica.cam.channels"]), [2, 2, 1])
        self.assertEqual(ints(d["ica.cam.bits"]), [2])
        self.assertEqual(ints(d["ica.cam.quality"]), [5, 8])
        self.assertEqual(d["ica.cam.format_text"], ["Citrix ADPCM 8000 Hz stereo 2-bit", "Vorbis (44100 Hz) stereo Q5",
                                                    "Speex 16000 Hz mono Q8"])
        self.assertEqual(d["ica.cam.extra"], ["00000000"] * 3)

    def test_writes(self):
        d = self.d(["ica.cam.data_offset", "ica.cam.data_length", "ica.cam.data", "ica.cam.undecoded"],
                   filter="ica.cam.cmd == 3")["s2c"]
        self.assertEqual(ints(d["ica.cam.data_offset"]), [8, 8, 12])
        self.assertEqual(ints(d["ica.cam.data_length"]), [600, 16, 16])
        audio = bytes((i * 37) & 0xFF for i in range(600))
        data = [bytes.fromhex(x.replace(":", "")) for x in d["ica.cam.data"]]
        self.assertEqual(data, [audio, audio[:16], audio[:16]])
        self.assertEqual(d["ica.cam.undecoded"], ["eeeeeeee"])     # the 4 bytes between header and data

    def test_write_reassembled_in_its_frame(self):
        r = rows(CAM, ["ica.vc.length", "ica.vc.msg.first_frame", "ica.vc.msg.length", "ica.cam.data_length"],
                 "ica.cam.data_length == 600", self.TWO_PASS)
        self.assertEqual(len(r), 1)
        frame, v = r[0]
        self.assertEqual(ints(v["ica.vc.length"]), [100, 508])
        self.assertEqual(ints(v["ica.vc.msg.first_frame"]), [frame])
        self.assertEqual(ints(v["ica.vc.msg.length"]), [608])

    def test_capabilities(self):
        d = self.d(["ica.cam.formats_offset", "ica.cam.format_count", "ica.cam.format_text", "ica.cam.undecoded"],
                   filter="(ica.cam.cmd == 5 || ica.cam.cmd == 0x82) && frame.number > 100")
        self.assertEqual(ints(d["s2c"]["ica.cam.formats_offset"]), [10])
        self.assertEqual(ints(d["s2c"]["ica.cam.format_count"]), [2])
        self.assertEqual(d["s2c"]["ica.cam.format_text"], ["Speex 16000 Hz mono Q8",
                                                          "Linear PCM 44100 Hz stereo 16-bit"])
        self.assertEqual(d["s2c"]["ica.cam.undecoded"], ["00000000"])
        self.assertEqual(ints(d["c2s"]["ica.cam.formats_offset"]), [6])
        self.assertEqual(d["c2s"]["ica.cam.format_text"], ["Speex 16000 Hz mono Q8"])

    def test_v2_input(self):
        d = self.d(["ica.cam.packet_size", "ica.cam.packet_count", "ica.cam.control", "ica.cam.control_value",
                    "ica.cam.reason", "ica.cam.resource", "ica.cam.released"])
        self.assertEqual(ints(d["s2c"]["ica.cam.packet_size"]), [320])
        self.assertEqual(ints(d["s2c"]["ica.cam.packet_count"]), [4])
        self.assertEqual(ints(d["s2c"]["ica.cam.control"]), [1])
        self.assertEqual(ints(d["s2c"]["ica.cam.control_value"]), [75])
        self.assertEqual(ints(d["c2s"]["ica.cam.reason"]), [3])
        self.assertEqual(ints(d["c2s"]["ica.cam.resource"]), [1, 2])
        self.assertEqual(ints(d["c2s"]["ica.cam.released"]), [1, 3])

    def test_info_column(self):
        r = rows(CAM, ["_ws.col.Info"], "ica.cam.cmd == 1 || ica.cam.cmd == 0x81", self.TWO_PASS)
        info = [v["_ws.col.Info"][0] for _f, v in r if _f > 100]
        self.assertEqual(info, [
            "VIRTUAL_WRITE2 CTXCAM 10 bytes CAM OPEN PCM_OUT Citrix ADPCM 8000 Hz stereo 2-bit",
            "VIRTUAL_WRITE2 CTXCAM 12 bytes CAM CLOSE PCM_OUT CAM OPEN PCM_OUT Vorbis (44100 Hz) stereo Q5",
            "VIRTUAL_WRITE2 CTXCAM 18 bytes CAM OPEN PCM_IN Speex 16000 Hz mono Q8 "
            "CAM READ_REQUEST PCM_IN 4 x 320 bytes CAM START_RECORD PCM_IN",
            "VIRTUAL_WRITE2 CTXCAM 3 bytes CAM RESET PCM_IN BAD_DEVICE_TYPE",
        ])

    def test_only_the_reset_warns(self):
        r = rows(CAM, ["_ws.malformed", "_ws.expert.severity", "_ws.expert.message"], "ica", self.TWO_PASS)
        self.assertEqual([f for f, v in r if v["_ws.malformed"]], [])
        warned = [v["_ws.expert.message"] for f, v in r if any(int(s, 0) >= WARN for s in v["_ws.expert.severity"])]
        self.assertEqual(warned, [["The client reset the audio device: BAD_DEVICE_TYPE"]])


class CamTwoPass(Cam):
    TWO_PASS = True


class CamStatistics(unittest.TestCase):
    def test_formats_opened(self):
        out = WS.tshark(CAM, ["-q", "-z", "ica,tree"])
        session = statstree.find(statstree.parse(out)["Citrix/ICA sessions"], "Audio (CTXCAM)", SESSION)
        got = {c.name: c.count for c in session.children}
        self.assertEqual(got, {"Audio format opened: Citrix ADPCM 8000 Hz stereo 2-bit": 1,
                               "Audio format opened: Vorbis (44100 Hz) stereo Q5": 1,
                               "Audio format opened: Speex 16000 Hz mono Q8": 1})


# ---- CTXGUSB -------------------------------------------------------------------------------
ANNOUNCE, ACCEPT, REJECT, URB_STATUS, URB_RESPONSE, GET_STRING = 0x10, 0x12, 0x13, 0x1F, 0x20, 0x21
SELECT_CONFIGURATION, URB_CONTROL, URB_BULK, URB_INTERRUPT, URB_CANCEL = 0x22, 0x24, 0x25, 0x26, 0x30
STOP_DEVICE, STOP_DEVICE_RESPONSE, DEVICE_GONE = 0x34, 0x35, 0x36
DEVICES = ['046d:c31c class HID "Logitech USB Keyboard"', '0781:5581 class Mass Storage "SanDisk Ultra"',
           '046d:0825 class Miscellaneous "Webcam C270"']


class Gusb(unittest.TestCase):
    TWO_PASS = False

    def d(self, fields, filter="ica.gusb"):
        return per_direction(WS, GUSB, fields, filter=filter, extra=["-2"] if self.TWO_PASS else [])

    def test_channel_bound_by_name(self):
        d = self.d(["ica.vc.number", "ica.vc.name"])
        for side in ("c2s", "s2c"):
            self.assertEqual(set(ints(d[side]["ica.vc.number"])), {13})
            self.assertEqual(set(d[side]["ica.vc.name"]), {"CTXGUSB"})

    def test_commands_in_order(self):
        d = self.d(["ica.gusb.cmd", "ica.gusb.device_id", "ica.gusb.bytecount"])
        self.assertEqual(ints(d["s2c"]["ica.gusb.cmd"]), [
            0, 2, ACCEPT, SELECT_CONFIGURATION, GET_STRING, URB_CONTROL, URB_CONTROL, URB_INTERRUPT, URB_INTERRUPT,
            URB_CANCEL, ACCEPT, URB_BULK, URB_BULK, REJECT, STOP_DEVICE_RESPONSE])
        self.assertEqual(ints(d["s2c"]["ica.gusb.device_id"]), [0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 3, 2])
        self.assertEqual(ints(d["c2s"]["ica.gusb.cmd"]), [
            1, ANNOUNCE, URB_STATUS, URB_RESPONSE, URB_RESPONSE, URB_STATUS, URB_RESPONSE, URB_STATUS, ANNOUNCE,
            URB_STATUS, URB_RESPONSE, ANNOUNCE, STOP_DEVICE, DEVICE_GONE])
        self.assertEqual(ints(d["c2s"]["ica.gusb.device_id"]), [0, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 3, 2, 1])
        self.assertEqual(ints(d["c2s"]["ica.gusb.bytecount"])[:2], [21, 126])

    def test_bind_capabilities(self):
        d = self.d(["ica.gusb.caps_length", "ica.gusb.cap.id", "ica.gusb.cap.length", "ica.gusb.undecoded"],
                   filter="ica.gusb.cmd <= 2")
        self.assertEqual(ints(d["c2s"]["ica.gusb.caps_length"]), [12])
        self.assertEqual(ints(d["c2s"]["ica.gusb.cap.id"]), [1, 2, 3])
        self.assertEqual(ints(d["c2s"]["ica.gusb.cap.length"]), [0, 0, 0])
        self.assertEqual(ints(d["s2c"]["ica.gusb.caps_length"]), [4])     # the commit (the request is not read)
        self.assertEqual(ints(d["s2c"]["ica.gusb.cap.id"]), [1])
        self.assertEqual(d["s2c"]["ica.gusb.undecoded"], ["0000"])        # the request's body

    def test_announcements(self):
        d = self.d(["ica.gusb.device", "ica.gusb.vendor_id", "ica.gusb.product_id", "ica.gusb.class",
                    "ica.gusb.interface.class", "ica.gusb.manufacturer", "ica.gusb.product", "ica.gusb.serial",
                    "ica.gusb.speed", "ica.gusb.hub_flags", "ica.gusb.string.text", "ica.gusb.string.langids",
                    "ica.gusb.num_interfaces", "ica.gusb.max_power", "ica.gusb.endpoint.address",
                    "ica.gusb.endpoint.max_packet"], filter="ica.gusb.cmd == 0x10")["c2s"]
        self.assertEqual(d["ica.gusb.device"], DEVICES)
        self.assertEqual(ints(d["ica.gusb.vendor_id"]), [0x046D, 0x0781, 0x046D])
        self.assertEqual(ints(d["ica.gusb.product_id"]), [0xC31C, 0x5581, 0x0825])
        self.assertEqual(ints(d["ica.gusb.class"]), [0, 0, 0xEF])
        self.assertEqual(ints(d["ica.gusb.interface.class"]), [3, 8, 0x0E, 0x0E, 1, 1])
        self.assertEqual(d["ica.gusb.manufacturer"], ["Logitech", "SanDisk"])
        self.assertEqual(d["ica.gusb.product"], ["USB Keyboard", "Ultra", "Webcam C270"])
        self.assertEqual(d["ica.gusb.serial"], ["4C530001"])
        self.assertEqual(ints(d["ica.gusb.speed"]), [1, 2, 2])
        self.assertEqual(ints(d["ica.gusb.hub_flags"]), [9, 10, 10])
        self.assertEqual(d["ica.gusb.string.text"], ["Logitech", "USB Keyboard", "SanDisk", "Ultra", "4C530001",
                                                     "Webcam C270"])
        self.assertEqual(ints(d["ica.gusb.string.langids"]), [0x0409] * 3)
        self.assertEqual(ints(d["ica.gusb.num_interfaces"]), [1, 1, 4])
        self.assertEqual(ints(d["ica.gusb.max_power"]), [50, 112, 250])
        self.assertEqual(ints(d["ica.gusb.endpoint.address"]), [0x81, 0x81, 0x02])
        self.assertEqual(ints(d["ica.gusb.endpoint.max_packet"]), [8, 512, 512])

    def test_announcement_reassembled(self):
        r = rows(GUSB, ["ica.vc.length", "ica.vc.msg.first_frame", "ica.vc.msg.length", "ica.gusb.device"],
                 "ica.gusb.cmd == 0x10 && ica.vc.msg.length", self.TWO_PASS)
        self.assertEqual(len(r), 1)
        frame, v = r[0]
        self.assertEqual(ints(v["ica.vc.length"]), [76])
        self.assertEqual(ints(v["ica.vc.msg.first_frame"]), [frame - 1])
        self.assertEqual(ints(v["ica.vc.msg.length"]), [126])
        self.assertEqual(v["ica.gusb.device"], DEVICES[:1])

    def test_urbs(self):
        d = self.d(["ica.gusb.urb_handle", "ica.gusb.status", "ica.gusb.data_length", "ica.gusb.endpoint",
                    "ica.gusb.urb_flags", "ica.gusb.request_type", "ica.gusb.request", "ica.gusb.value",
                    "ica.gusb.langid", "ica.gusb.index", "ica.gusb.config_index"], filter="ica.gusb.cmd >= 0x1F")
        h, c = d["s2c"], d["c2s"]
        self.assertEqual(ints(h["ica.gusb.urb_handle"]), [1, 2, 3, 4, 5, 6, 6, 7, 8])
        self.assertEqual(ints(h["ica.gusb.config_index"]), [0])
        self.assertEqual(ints(h["ica.gusb.langid"]), [0x0409])
        self.assertEqual(ints(h["ica.gusb.index"]), [2])
        self.assertEqual(ints(h["ica.gusb.request_type"]), [0x80, 0x21])
        self.assertEqual(ints(h["ica.gusb.request"]), [6, 9])
        self.assertEqual(ints(h["ica.gusb.value"]), [0x0100, 0x0200])
        self.assertEqual(ints(h["ica.gusb.endpoint"]), [0, 0, 0x81, 0x81, 0x02, 0x81])
        self.assertEqual(ints(h["ica.gusb.urb_flags"]), [5, 4, 3, 3, 0, 3])
        self.assertEqual(ints(h["ica.gusb.data_length"]), [18, 1, 8, 8, 31, 8192])
        self.assertEqual(ints(c["ica.gusb.urb_handle"]), [1, 2, 3, 4, 5, 6, 7, 8])
        self.assertEqual(ints(c["ica.gusb.status"]), [0, 0, 0, 0, 0, 1, 0, 0])
        self.assertEqual(ints(c["ica.gusb.data_length"]), [26, 18, 8, 8192])

    def test_response_data(self):
        d = self.d(["ica.gusb.data"], filter="ica.gusb.cmd == 0x20")["c2s"]
        data = [bytes.fromhex(x) for x in d["ica.gusb.data"]]
        self.assertEqual(data[0], bytes([26, 3]) + "USB Keyboard".encode("utf-16-le"))
        self.assertEqual(data[1][:4], bytes([18, 1, 0x10, 0x01]))
        self.assertEqual(data[3], bytes(i & 0xFF for i in range(8192)))

    def test_big_response_reassembled(self):
        r = rows(GUSB, ["ica.vc.length", "ica.vc.msg.first_frame", "ica.vc.msg.length", "ica.vc.msg.reassembled_in"],
                 "(ica.vc.msg.length == 8209 || ica.vc.msg.piece) && frame.number > 145", self.TWO_PASS)
        pieces = [f for f, v in r if not v["ica.vc.msg.length"]]
        done = [(f, v) for f, v in r if v["ica.vc.msg.length"]]
        self.assertEqual(len(pieces), 4)                    # 4 x 2000 bytes, then 209
        self.assertEqual(len(done), 1)
        self.assertEqual(ints(done[0][1]["ica.vc.length"]), [209])
        self.assertEqual(ints(done[0][1]["ica.vc.msg.first_frame"]), [pieces[0]])
        if self.TWO_PASS:
            self.assertEqual([ints(v["ica.vc.msg.reassembled_in"]) for f, v in r if f in pieces], [[done[0][0]]] * 4)

    def test_only_notes(self):
        r = rows(GUSB, ["_ws.malformed", "_ws.expert.severity", "_ws.expert.message"], "ica.gusb", self.TWO_PASS)
        self.assertEqual([f for f, v in r if v["_ws.malformed"]], [])
        self.assertEqual([v["_ws.expert.message"] for f, v in r
                          if any(int(s, 0) >= WARN for s in v["_ws.expert.severity"])], [])


class GusbTwoPass(Gusb):
    TWO_PASS = True


class GusbStatistics(unittest.TestCase):
    def test_devices_announced(self):
        out = WS.tshark(GUSB, ["-q", "-z", "ica,tree"])
        session = statstree.find(statstree.parse(out)["Citrix/ICA sessions"], "USB (CTXGUSB)", SESSION)
        got = {c.name: c.count for c in session.children}
        self.assertEqual(got, {"Device announced: " + d: 1 for d in DEVICES})


# ---- CTXCPM --------------------------------------------------------------------------------
ENUM, OPENP, CLOSEP, WRITEP, GETP, CONNECT2 = 64, 65, 66, 68, 69, 72
ENUM_R, OPEN_R, CLOSE_R, WRITE_R, GET_R, ASYNC = 192, 193, 194, 196, 197, 199


class Cpm(unittest.TestCase):
    TWO_PASS = False

    def d(self, fields, filter="ica.cpm"):
        return per_direction(WS, CPM, fields, filter=filter, extra=["-2"] if self.TWO_PASS else [])

    def test_types_in_order(self):
        d = self.d(["ica.cpm.type", "ica.cpm.mpx_id", "ica.vc.number"])
        self.assertEqual(ints(d["s2c"]["ica.cpm.type"]), [CONNECT2, ENUM, ENUM, OPENP, WRITEP, WRITEP, GETP, CLOSEP,
                                                          OPENP])
        self.assertEqual(ints(d["s2c"]["ica.cpm.mpx_id"]), [0, 1, 1, 2, 3, 0, 4, 5, 6])
        self.assertEqual(ints(d["c2s"]["ica.cpm.type"]), [ENUM_R, ENUM_R, OPEN_R, WRITE_R, GET_R, ASYNC, CLOSE_R,
                                                          OPEN_R])
        self.assertEqual(ints(d["c2s"]["ica.cpm.mpx_id"]), [1, 1, 2, 3, 4, 5, 6])      # none in ASYNC_STATUS
        self.assertEqual(set(ints(d["c2s"]["ica.vc.number"] + d["s2c"]["ica.vc.number"])), {4})

    def test_connect_and_enumeration(self):
        d = self.d(["ica.cpm.connect_size", "ica.cpm.version_low", "ica.cpm.version_high", "ica.cpm.index",
                    "ica.cpm.data_size", "ica.cpm.result", "ica.cpm.error_class", "ica.cpm.dos_error",
                    "ica.cpm.count", "ica.cpm.size", "ica.cpm.printer", "ica.cpm.driver", "ica.cpm.port",
                    "ica.cpm.comment", "ica.cpm.enum_flags"], filter="ica.cpm.type <= 64 || ica.cpm.type == 72 || "
                                                                     "ica.cpm.type == 192")
        h, c = d["s2c"], d["c2s"]
        self.assertEqual(ints(h["ica.cpm.connect_size"]), [10])
        self.assertEqual(ints(h["ica.cpm.version_low"]), [4])
        self.assertEqual(ints(h["ica.cpm.version_high"]), [4])
        self.assertEqual(ints(h["ica.cpm.index"]), [0, 2])
        self.assertEqual(ints(h["ica.cpm.data_size"]), [1024, 1024])
        self.assertEqual(ints(c["ica.cpm.result"]), [0, 0x1208])
        self.assertEqual(ints(c["ica.cpm.error_class"]), [0, 8])
        self.assertEqual(ints(c["ica.cpm.dos_error"]), [0, 0x12])
        self.assertEqual(ints(c["ica.cpm.count"]), [2, 0])
        self.assertEqual(ints(c["ica.cpm.size"]), [115, 0])        # 50 + 65 bytes of entries
        self.assertEqual(c["ica.cpm.printer"], ["HP LaserJet 4", "Microsoft Print to PDF"])
        self.assertEqual(c["ica.cpm.driver"], ["HP LaserJet 4", "Microsoft Print To PDF"])
        self.assertEqual(c["ica.cpm.port"], ["LPT1:", "PORTPROMPT:"])
        self.assertEqual(c["ica.cpm.comment"], ["2nd floor"])
        self.assertEqual(ints(c["ica.cpm.enum_flags"]), [0x10, 0])

    def test_open_and_contexts(self):
        d = self.d(["ica.cpm.printer", "ica.cpm.name_size", "ica.cpm.access_mode", "ica.cpm.context",
                    "ica.cpm.context_printer", "ica.cpm.result"], filter="ica.cpm.type != 64 && ica.cpm.type != 192")
        h, c = d["s2c"], d["c2s"]
        self.assertEqual(h["ica.cpm.printer"], ["HP LaserJet 4", "Secret Printer"])
        self.assertEqual(ints(h["ica.cpm.name_size"]), [13, 14])
        self.assertEqual(ints(h["ica.cpm.access_mode"]), [0x11, 0x01])
        # WRITE, WRITE, GET, CLOSE all on context 1, which names the printer the first OPEN opened
        self.assertEqual(ints(h["ica.cpm.context"]), [1, 1, 1, 1])
        self.assertEqual(h["ica.cpm.context_printer"], ["HP LaserJet 4"] * 4)
        self.assertEqual(ints(c["ica.cpm.context"]), [1, 1, 0xFFFF])                    # OPEN reply, ASYNC, OPEN reply
        self.assertEqual(c["ica.cpm.context_printer"], ["HP LaserJet 4", "HP LaserJet 4", "Secret Printer"])
        self.assertEqual(ints(c["ica.cpm.result"]), [0, 0, 0, 0, 0x0C07])

    def test_spooled_bytes(self):
        d = self.d(["ica.cpm.write_size", "ica.cpm.data", "ica.cpm.amount_wrote"],
                   filter="ica.cpm.type == 68 || ica.cpm.type == 196")
        self.assertEqual(ints(d["s2c"]["ica.cpm.write_size"]), [1500, 300])
        job = b"".join(bytes.fromhex(x) for x in d["s2c"]["ica.cpm.data"])
        self.assertEqual(len(job), 1800)
        self.assertTrue(job.startswith(b"%PDF-1.4\n"))
        self.assertIn(b"%%EOF\n", job[1500:])
        self.assertEqual(ints(d["c2s"]["ica.cpm.amount_wrote"]), [1500])

    def test_write_reassembled(self):
        r = rows(CPM, ["ica.vc.length", "ica.vc.msg.first_frame", "ica.vc.msg.length", "ica.cpm.write_size"],
                 "ica.cpm.write_size == 1500", self.TWO_PASS)
        self.assertEqual(len(r), 1)
        frame, v = r[0]
        self.assertEqual(ints(v["ica.vc.length"]), [806])
        self.assertEqual(ints(v["ica.vc.msg.first_frame"]), [frame - 1])
        self.assertEqual(ints(v["ica.vc.msg.length"]), [1506])

    def test_status(self):
        d = self.d(["ica.cpm.status", "ica.cpm.status.select", "ica.cpm.status.notbusy", "ica.cpm.status.outofpaper",
                    "ica.cpm.info_len"], filter="ica.cpm.type == 197 || ica.cpm.type == 199")["c2s"]
        self.assertEqual(ints(d["ica.cpm.status"]), [0x90, 0x20])
        self.assertEqual(d["ica.cpm.status.select"], ["1", "0"])
        self.assertEqual(d["ica.cpm.status.notbusy"], ["1", "0"])
        self.assertEqual(d["ica.cpm.status.outofpaper"], ["0", "1"])
        self.assertEqual(ints(d["ica.cpm.info_len"]), [0])

    def test_info_column(self):
        r = rows(CPM, ["_ws.col.Info"], "ica.cpm.type == 65 || ica.cpm.type == 193 || ica.cpm.type == 68",
                 self.TWO_PASS)
        self.assertEqual([v["_ws.col.Info"][0] for _f, v in r], [
            'VIRTUAL_WRITE2 CTXCPM 17 bytes CPM OPENPRINTER "HP LaserJet 4"',
            'VIRTUAL_WRITE2 CTXCPM 6 bytes CPM OPENPRINTER_REPLY context 1 "HP LaserJet 4"',
            'VIRTUAL_WRITE2 CTXCPM 806 bytes CPM WRITEPRINTER context 1 "HP LaserJet 4" 1500 bytes',
            'VIRTUAL_WRITE2 CTXCPM 306 bytes CPM WRITEPRINTER context 1 "HP LaserJet 4" 300 bytes',
            'VIRTUAL_WRITE2 CTXCPM 18 bytes CPM OPENPRINTER "Secret Printer"',
            'VIRTUAL_WRITE2 CTXCPM 6 bytes CPM OPENPRINTER_REPLY INVALID/BADACCESS context 65535 "Secret Printer"',
        ])

    def test_only_result_notes(self):
        r = rows(CPM, ["_ws.malformed", "_ws.expert.severity", "_ws.expert.message"], "ica.cpm", self.TWO_PASS)
        self.assertEqual([f for f, v in r if v["_ws.malformed"]], [])
        self.assertEqual([v["_ws.expert.message"] for f, v in r
                          if any(int(s, 0) >= WARN for s in v["_ws.expert.severity"])], [])
        notes = [m for _f, v in r for m in v["_ws.expert.message"] if not m.startswith("Last piece")]
        self.assertEqual(notes, ["Result NOTFOUND / DOS error NOFILES", "Result INVALID / DOS error BADACCESS"])


class CpmTwoPass(Cpm):
    TWO_PASS = True


class CpmStatistics(unittest.TestCase):
    def test_printers_and_spooling(self):
        out = WS.tshark(CPM, ["-q", "-z", "ica,tree"])
        session = statstree.find(statstree.parse(out)["Citrix/ICA sessions"], "Printing (CTXCPM)", SESSION)
        got = {c.name: c.count for c in session.children}
        self.assertEqual(got, {"Printer opened: HP LaserJet 4": 1, "Printer opened: Secret Printer": 1,
                               "server to client": 0})
        # bytes spooled, summed: two WRITEPRINTERs of 300 and 1500 bytes (ica.cpm.write_size)
        spooled = session.child("server to client").child("HP LaserJet 4 (bytes)").values
        self.assertEqual((spooled["count"], spooled["min"], spooled["max"]), (2, 300, 1500))
        self.assertEqual(round(spooled["count"] * spooled["average"]), 1800)
        sizes = [int(v) for (r,) in WS.fields(CPM, ["ica.cpm.write_size"], filter="ica.cpm.write_size", aggregator=",")
                 for v in r.split(",")]
        self.assertEqual(sum(sizes), 1800)


class Hostile(unittest.TestCase):
    """vc-dev-hostile.pcap: every lie marked, the values up to it kept, no exception."""

    def cam(self, two_pass):
        return rows(HOSTILE, ["_ws.expert.message", "_ws.malformed", "ica.cam.cmd", "ica.cam.data",
                              "ica.cam.format_text", "ica.cam.undecoded"],
                    "ica.vc.length && ica.vc.number == 12 && frame.number > 100", two_pass)

    def test_cam_lies_marked(self):
        r = self.cam(True)
        self.assertEqual([v["_ws.expert.message"] for _f, v in r], [
            ["Data offset 2 inside the 8-byte header: read from 8, as the HTML5 client does"],
            ["Sub-format bits 0x8024: no source defines them for Linear PCM", "No public layout for this command"],
            ["No public layout for this command"],
            ["Message never completed in the capture (262146 bytes expected): dropped"],
        ])
        v = [x for _f, x in r]
        self.assertEqual(v[0]["ica.cam.data"], ["61626364"])
        self.assertEqual(ints(v[1]["ica.cam.cmd"]), [OPEN, 0x42])
        self.assertEqual(v[1]["ica.cam.format_text"], ["Linear PCM 44100 Hz stereo 16-bit"])
        self.assertEqual(v[1]["ica.cam.undecoded"], ["010203"])
        self.assertEqual(v[2]["ica.cam.undecoded"], ["0200000000"])
        # the offset inside the header is malformed (expert group), the rest is not; no exception anywhere
        self.assertEqual([bool(x["_ws.malformed"]) for x in v], [True, False, False, False])

    def test_gusb_lies_marked(self):
        r = rows(HOSTILE, ["_ws.expert.message", "_ws.malformed", "ica.gusb.device", "ica.gusb.data",
                           "ica.gusb.undecoded", "ica.vc.msg.bad_length"],
                 "ica.vc.length && ica.vc.number == 13", True)
        self.assertEqual([v["_ws.expert.message"] for _f, v in r], [
            ["Length 65535: only 113 bytes in the message",
             "String of 4097 bytes runs past the strings block (51 left)",
             "Announcement ends after 1 of its 3 blocks"],
            ["Descriptor bLength 0: below 2 or past the block (25 bytes left)"],
            ["Length 1000: only 10 bytes in the message"],
            ["Bytes after the command's fields"],
            ["Message claims 3 bytes, less than its own header: rest of the write dropped"],
            ["Message claims 268435456 bytes, past the channel's limit: rest of the write dropped"],
            ["Message never completed in the capture (5000 bytes expected): dropped"],
        ])
        v = [x for _f, x in r]
        self.assertEqual(v[0]["ica.gusb.device"], ["no device descriptor"])
        # the bad interface descriptor: the class is the device's (per interface), strings still read
        self.assertEqual(v[1]["ica.gusb.device"], ['046d:c31c class per interface "Logitech USB Keyboard"'])
        self.assertEqual(v[2]["ica.gusb.data"], ["00" * 10])
        self.assertEqual(v[3]["ica.gusb.undecoded"], ["6f6f7073"])
        self.assertEqual(ints(v[4]["ica.vc.msg.bad_length"]), [3])
        self.assertEqual([bool(x["_ws.malformed"]) for x in v], [True, True, True, False, True, True, False])

    def test_cpm_lies_marked(self):
        r = rows(HOSTILE, ["_ws.expert.message", "_ws.malformed", "ica.cpm.type", "ica.cpm.context_printer",
                           "ica.cpm.undecoded", "ica.cpm.printer"],
                 "ica.vc.length && ica.vc.number == 4", True)
        self.assertEqual([v["_ws.expert.message"] for _f, v in r], [
            ["Header size 16: the version 2 header is 10 bytes (the rest, if any, is read as the next message, "
             "as the HTML5 client does)"],
            [],
            ["No public layout for this type"],
            ["Size 100 differs from the 13 bytes of the entries", "No public layout for this type"],
            ["Message never completed in the capture (0 bytes expected): dropped"],
            ["Message never completed in the capture (204 bytes expected): dropped"],
        ])
        v = [x for _f, x in r]
        self.assertEqual(v[1]["ica.cpm.context_printer"], [])           # context 9 was never opened
        self.assertEqual(v[2]["ica.cpm.undecoded"], ["010203"])
        self.assertEqual(ints(v[3]["ica.cpm.type"]), [192, 200])
        self.assertEqual(v[3]["ica.cpm.printer"], ["LPT"])
        self.assertEqual(v[3]["ica.cpm.undecoded"], ["09"])
        self.assertEqual([bool(x["_ws.malformed"]) for x in v], [False, False, False, False, False, False])

    def test_cam_incomplete_one_pass(self):
        self.assertEqual(self.cam(False)[3][1]["_ws.expert.message"],
                         ["Message piece: the message continues in a later write"])


if __name__ == "__main__":
    unittest.main()
