#!/usr/bin/env python3
"""Device-channel captures (issue 18): CTXCAM, CTXGUSB and CTXCPM messages laid out from the
public sources, carried inside the real 2001 ICA session (captures/spike-ica-2001.pcap) the way
tools/captures/vc_captures.py carries CTXEUEM.

CTXCAM (shared notes vc.md §10): the real session binds CTXCAM on channel 12 and already
speaks it (the host's INIT, the client's RESOURCE_ACKs, the host's REQUEST_CAPINFO with the
24 PCM and Citrix ADPCM formats, the client's CAPABILITY_INFO with 3), so no VcBind entry is
renamed: the appended messages continue that channel.  Layouts are the RISC OS client's
vdcam structures and the HTML5 client's AudioEngine (search-index file 8953037024; v2
commands) with its format constants (9470909844); no source has byte vectors for CAM.

CTXGUSB (vc.md §7): the session's unused VcBind entry CTXCM (channel 13) is renamed CTXGUSB (the
hostile capture renames it too).  Layouts: the HTML5 client's UsbEngine (9207988744) and its
descriptor code (9614277073); the devices' descriptors and strings are made up in the USB 2.0
layouts.

CTXCPM (vc.md §9): the real session binds CTXCPM on channel 4 and never writes on it.  Layouts:
the RISC OS client's cpmwire header and the HTML5 client's PrinterProcessor (8930246194) and CPM
marshall functions (9435813423); printer names and spooled bytes are made up.

The hostile capture carries offsets inside the header, counts the message cannot hold,
reserved sub-format bits, bodies no source lays out and a message that never completes.

    tools/captures/vc_dev_captures.py --outdir captures                       # (re)write
    tools/captures/vc_dev_captures.py --outdir build/x --compare captures     # reproducibility check
"""
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
import capbuild  # noqa: E402
from vc_captures import SpikeSession, u16, vw2  # noqa: E402

# ---- CTXCAM -------------------------------------------------------------------------------
CAM_CH = 12                     # CTXCAM in the real VcBind table, already written on
PCM_OUT, PCM_IN = 1, 2
LINEAR_PCM, CTX_ADPCM, VORBIS, SPEEX = 1, 2, 4, 5


def cam_open(dev, fmt, sub, extra=bytes(4)):
    """OPEN: u8 iCommand 1, u8 DeviceID, u16 iFormat, u16 wSubFormat, u8 Extra[4]."""
    return bytes([0x01, dev]) + u16(fmt) + u16(sub) + extra


def cam_write(dev, data, offset=8, cb=None, gap=b""):
    """WRITE: u8 3, u8 DeviceID, u16 oData, u16 cbData, u8 reserved[2], data at oData."""
    return bytes([0x03, dev]) + u16(offset) + u16(len(data) if cb is None else cb) + bytes(2) + gap + data


def cam_formats(cmd, dev, formats, offset=6, count=None, gap=b""):
    """REQUEST_CAPINFO (5) / CAPABILITY_INFO (0x82): u8 DeviceID, u16 oFormatIDs, u16 nFormatIDs."""
    return (bytes([cmd, dev]) + u16(offset) + u16(len(formats) if count is None else count) + gap +
            b"".join(u16(f) + u16(s) for f, s in formats))


def cam_resource_ack(resource, n):
    return bytes([0x80]) + u16(resource) + u16(n)


CAM_AUDIO = bytes((i * 37) & 0xFF for i in range(600))      # made-up audio bytes
CAM_OPEN_ADPCM = cam_open(PCM_OUT, CTX_ADPCM, 0x0010)       # one of the 3 formats the client offered
CAM_OPEN_VORBIS = cam_open(PCM_OUT, VORBIS, 0x0025)         # Vorbis Q5 stereo
CAM_OPEN_SPEEX_IN = cam_open(PCM_IN, SPEEX, 0x0118)         # Speex wideband mono Q8 (the HTML5 input)
CAM_WRITE_600 = cam_write(PCM_OUT, CAM_AUDIO)
CAM_WRITE_GAP = cam_write(PCM_OUT, CAM_AUDIO[:16], offset=12, gap=b"\xee" * 4)
CAM_CAPS_GAP = cam_formats(0x05, PCM_IN, [(SPEEX, 0x0118), (LINEAR_PCM, 0x0113)], offset=10, gap=bytes(4))
CAM_CAPS_REPLY = cam_formats(0x82, PCM_IN, [(SPEEX, 0x0118)])


def build_cam(w):
    s = SpikeSession(w, renames=())
    # host opens the output with Citrix ADPCM 8 kHz stereo; the client acknowledges the command
    s.send("s2c", s.frame("s2c", vw2(CAM_CH, CAM_OPEN_ADPCM)))
    s.send("c2s", s.frame("c2s", vw2(CAM_CH, cam_resource_ack(1, 1))))
    # a 608-byte WRITE over two writes in two frames of one TCP segment, then two 24-byte
    # WRITEs (the second with its data 4 bytes after the header) in one write
    s.send("s2c", s.frame("s2c", vw2(CAM_CH, CAM_WRITE_600[:100])) +
           s.frame("s2c", vw2(CAM_CH, CAM_WRITE_600[100:])))
    s.send("s2c", s.frame("s2c", vw2(CAM_CH, cam_write(PCM_OUT, CAM_AUDIO[:16]) + CAM_WRITE_GAP)))
    s.send("c2s", s.frame("c2s", vw2(CAM_CH, cam_resource_ack(2, 3))))
    # closed, reopened with Vorbis
    s.send("s2c", s.frame("s2c", vw2(CAM_CH, bytes([0x02, PCM_OUT]) + CAM_OPEN_VORBIS)))
    # v2 input: capability query (format list 4 bytes after the header), the client's answer,
    # open with Speex, read request, start, a control, stop
    s.send("s2c", s.frame("s2c", vw2(CAM_CH, CAM_CAPS_GAP)))
    s.send("c2s", s.frame("c2s", vw2(CAM_CH, CAM_CAPS_REPLY)))
    s.send("s2c", s.frame("s2c", vw2(CAM_CH, CAM_OPEN_SPEEX_IN + bytes([0x06, PCM_IN]) + u16(320) + u16(4) +
                                     bytes([0x07, PCM_IN]))))
    s.send("s2c", s.frame("s2c", vw2(CAM_CH, bytes([0x0A, PCM_IN, 1, 0]) + struct.pack("<I", 75) +
                                     bytes([0x08, PCM_IN]))))
    # the client resets the input (BAD_DEVICE_TYPE, as the HTML5 client does), the host acknowledges
    s.send("c2s", s.frame("c2s", vw2(CAM_CH, bytes([0x81, PCM_IN, 0x03]))))
    s.send("s2c", s.frame("s2c", vw2(CAM_CH, bytes([0x04, PCM_IN, 0x09, PCM_IN]))))    # RESET_ACK, RESET_RECORD


# ---- CTXGUSB ------------------------------------------------------------------------------
# The real session has no CTXGUSB; its VcBind entry CTXCM on channel 13 (never written on) is
# renamed CTXGUSB.  Layouts: the HTML5 client's UsbEngine (search-index file 9207988744) and its
# descriptor code (9614277073, string descriptor wire frame); USB descriptors as USB 2.0 has them.
GUSB_CH = 13
GUSB_RENAMES = ((b"CTXCM  \x00", b"CTXGUSB\x00"),)


def gusb(cmd, dev, body=b""):
    """u32 bytecount (7-byte header included), u8 command, u16 deviceId, body."""
    return struct.pack("<IBH", 7 + len(body), cmd, dev) + body


def usb_caps(caps):
    """u16 caps length, caps {u16 data bytecount, u16 id, data}."""
    blob = b"".join(u16(len(d)) + u16(i) + d for i, d in caps)
    return u16(len(blob)) + blob


def usb_string(index, langid, text):
    """The wire frame of one string: u8 index, u16 langid, u16 byte length, UTF-16LE text."""
    data = text if isinstance(text, bytes) else text.encode("utf-16-le")
    return bytes([index]) + u16(langid) + u16(len(data)) + data


def usb_device_desc(vid, pid, cls=0, sub=0, proto=0, i_man=0, i_prod=0, i_ser=0, bcd_usb=0x0200, bcd_dev=0x0100,
                    mps0=64):
    return (bytes([18, 1]) + u16(bcd_usb) + bytes([cls, sub, proto, mps0]) + u16(vid) + u16(pid) + u16(bcd_dev) +
            bytes([i_man, i_prod, i_ser, 1]))


def usb_interface(num, alt, n_ep, cls, sub, proto):
    return bytes([9, 4, num, alt, n_ep, cls, sub, proto, 0])


def usb_endpoint(addr, attr, mps, interval):
    return bytes([7, 5, addr, attr]) + u16(mps) + bytes([interval])


def usb_config(n_if, rest, attributes=0x80, max_power=50):
    return bytes([9, 2]) + u16(9 + len(rest)) + bytes([n_if, 1, 0, attributes, max_power]) + rest


def usb_announce(dev, strings, device, config, speed=1, hub=0x0009):
    """ANNOUNCE_DEVICE as SendDevice writes it (speed FULL, hub SELF_POWERED | FULL)."""
    sd = b"".join(strings)
    return gusb(0x10, dev, u16(speed) + u16(hub) + u16(len(sd)) + sd + u16(len(device)) + device +
                u16(len(config)) + config)


LANGS = usb_string(0, 0, u16(0x0409))
KEYBOARD = usb_announce(1, [LANGS, usb_string(1, 0x0409, "Logitech"), usb_string(2, 0x0409, "USB Keyboard")],
                        usb_device_desc(0x046D, 0xC31C, i_man=1, i_prod=2, bcd_usb=0x0110, bcd_dev=0x6400, mps0=8),
                        usb_config(1, usb_interface(0, 0, 1, 3, 1, 1) +
                                   bytes([9, 0x21, 0x10, 0x01, 0, 1, 0x22, 0x41, 0]) +      # HID class descriptor
                                   usb_endpoint(0x81, 3, 8, 10), attributes=0xA0))
STICK = usb_announce(2, [LANGS, usb_string(1, 0x0409, "SanDisk"), usb_string(2, 0x0409, "Ultra"),
                         usb_string(3, 0x0409, "4C530001")],
                     usb_device_desc(0x0781, 0x5581, i_man=1, i_prod=2, i_ser=3, bcd_dev=0x0100),
                     usb_config(1, usb_interface(0, 0, 2, 8, 6, 0x50) + usb_endpoint(0x81, 2, 512, 0) +
                                usb_endpoint(0x02, 2, 512, 0), max_power=112), speed=2, hub=0x000A)
WEBCAM = usb_announce(3, [LANGS, usb_string(2, 0x0409, "Webcam C270")],
                      usb_device_desc(0x046D, 0x0825, cls=0xEF, sub=2, proto=1, i_prod=2),
                      usb_config(4, usb_interface(0, 0, 1, 0x0E, 1, 0) + usb_interface(1, 0, 0, 0x0E, 2, 0) +
                                 usb_interface(2, 0, 0, 1, 1, 0) + usb_interface(3, 0, 0, 1, 2, 0), max_power=250),
                      speed=2, hub=0x000A)
GUSB_BIND_RESPONSE = gusb(0x01, 0, usb_caps([(1, b""), (2, b""), (3, b"")]))    # onBindRequest's reply
GUSB_KEYS = "USB Keyboard".encode("utf-16-le")


def urb(cmd, dev, handle, rest=b""):
    return gusb(cmd, dev, u16(handle) + rest)


def urb_response(dev, handle, data, status=0):
    return urb(0x20, dev, handle, struct.pack("<II", status, len(data)) + data)


def urb_status(dev, handle, status):
    return urb(0x1F, dev, handle, struct.pack("<I", status))


def build_gusb(w):
    s = SpikeSession(w, renames=GUSB_RENAMES)
    host = lambda *m: s.send("s2c", s.frame("s2c", vw2(GUSB_CH, b"".join(m))))     # noqa: E731
    client = lambda *m: s.send("c2s", s.frame("c2s", vw2(GUSB_CH, b"".join(m))))   # noqa: E731
    host(gusb(0x00, 0, usb_caps([])))
    client(GUSB_BIND_RESPONSE)
    host(gusb(0x02, 0, usb_caps([(1, b"")])))
    # the keyboard's announcement over two writes in two TCP segments
    client(KEYBOARD[:50])
    client(KEYBOARD[50:])
    host(gusb(0x12, 1))                                                         # ACCEPT_DEVICE
    host(urb(0x22, 1, 1, bytes([0])))                                           # SELECT_CONFIGURATION 0
    client(urb_status(1, 1, 0))
    host(urb(0x21, 1, 2, u16(0x0409) + bytes([2])))                             # GET_STRING 2
    client(urb_response(1, 2, bytes([2 + len(GUSB_KEYS), 3]) + GUSB_KEYS))
    # GET_DESCRIPTOR (device) on the default pipe, IN: no data follows the request
    host(urb(0x24, 1, 3, bytes([0]) + u16(0x0005) + bytes([0x80, 6]) + u16(0x0100) + u16(0) +
             struct.pack("<I", 18)))
    client(urb_response(1, 3, KEYBOARD[7 + 4 + 2 + 57 + 2:][:18]))         # the device descriptor
    # class request SET_REPORT (the LEDs), OUT with one data byte
    host(urb(0x24, 1, 4, bytes([0]) + u16(0x0004) + bytes([0x21, 9]) + u16(0x0200) + u16(0) +
             struct.pack("<I", 1) + b"\x02"))
    client(urb_status(1, 4, 0))
    # interrupt IN: a key report, then one the host cancels
    host(urb(0x26, 1, 5, bytes([0x81]) + u16(0x0003) + struct.pack("<I", 8)))
    client(urb_response(1, 5, bytes([0, 0, 0x04, 0, 0, 0, 0, 0])))
    host(urb(0x26, 1, 6, bytes([0x81]) + u16(0x0003) + struct.pack("<I", 8)), urb(0x30, 1, 6))
    client(urb_status(1, 6, 1))                                                 # CANCELLED
    # the stick: announced, accepted, a bulk OUT and a bulk IN of 8192 bytes whose response comes in
    # pieces, as sendUrbResponse sends it (in 2000-byte writes: this session's ICA buffer is 2048 bytes,
    # smaller than the HTML5 client's 4092)
    client(STICK)
    host(gusb(0x12, 2))
    cbw = b"USBC" + struct.pack("<IIBBB", 1, 8192, 0x80, 0, 10) + bytes([0x28]) + bytes(15)
    host(urb(0x25, 2, 7, bytes([0x02]) + u16(0x0000) + struct.pack("<I", len(cbw)) + cbw))
    client(urb_status(2, 7, 0))
    host(urb(0x25, 2, 8, bytes([0x81]) + u16(0x0003) + struct.pack("<I", 8192)))
    resp = urb_response(2, 8, bytes(i & 0xFF for i in range(8192)))
    for i in range(0, len(resp), 2000):
        client(resp[i:i + 2000])
    # the webcam: announced and refused
    client(WEBCAM)
    host(gusb(0x13, 3))                                                         # REJECT_DEVICE
    # the stick is stopped, the keyboard unplugged
    client(gusb(0x34, 2))
    host(gusb(0x35, 2, struct.pack("<I", 0)))
    client(gusb(0x36, 1))


# ---- CTXCPM -------------------------------------------------------------------------------
# The real session binds CTXCPM on channel 4 and never writes on it.  Layouts: the RISC OS client's
# cpmwire header (CPM major version 2) and the HTML5 client's PrinterProcessor (8930246194) and CPM
# marshall functions (9435813423); printer names, drivers and spooled bytes are made up.
CPM_CH = 4
PRINTER = b"HP LaserJet 4"


def cpm_enum_entry(name, driver=b"", port=b"", comment=b"", flags=0, extra=b""):
    """ENUMSTRUCT: u8 NameSize, DriverSize, PortSize, CommentSize, u32 Flags, u16 ExtraSize, then the strings."""
    return (bytes([len(name), len(driver), len(port), len(comment)]) + struct.pack("<IH", flags, len(extra)) +
            name + driver + port + comment + extra)


def cpm_enum_reply(mpx, entries, result=0, size=None):
    blob = b"".join(entries)
    return bytes([192, mpx]) + struct.pack("<HHH", result, len(entries), len(blob) if size is None else size) + blob


def cpm_open(mpx, name, access=0x11):
    return bytes([65, mpx, len(name), access]) + name


def cpm_write(mpx, ctx, data):
    return bytes([68, mpx]) + struct.pack("<HH", ctx, len(data)) + data


def cpm_reply(t, mpx, *words):
    return bytes([t, mpx]) + b"".join(u16(w) for w in words)


CPM_CONNECT2 = bytes([72, 0]) + struct.pack("<HHHH", 10, 4, 4, 0)
CPM_ENUM_TWO = cpm_enum_reply(1, [cpm_enum_entry(PRINTER, b"HP LaserJet 4", b"LPT1:", b"2nd floor", flags=0x10),
                                  cpm_enum_entry(b"Microsoft Print to PDF", b"Microsoft Print To PDF",
                                                 b"PORTPROMPT:")])
CPM_JOB = b"%PDF-1.4\n" + bytes((i * 7) & 0xFF for i in range(1491)) + b"%%EOF\n" + bytes(294)
CPM_WRITE_1 = cpm_write(3, 1, CPM_JOB[:1500])


def build_cpm(w):
    s = SpikeSession(w, renames=())
    host = lambda *m: s.send("s2c", s.frame("s2c", vw2(CPM_CH, b"".join(m))))     # noqa: E731
    client = lambda *m: s.send("c2s", s.frame("c2s", vw2(CPM_CH, b"".join(m))))   # noqa: E731
    # CONNECT2 (versions 4..4, no reply) and the first ENUMPRINTER in one write
    host(CPM_CONNECT2, bytes([64, 1]) + struct.pack("<HH", 0, 1024))
    client(CPM_ENUM_TWO)
    host(bytes([64, 1]) + struct.pack("<HH", 2, 1024))
    client(cpm_enum_reply(1, [], result=0x1208))                    # NOTFOUND / NOFILES: the end of the list
    host(cpm_open(2, PRINTER))                                      # write access, exclusive
    client(cpm_reply(193, 2, 0, 1))                                 # context 1
    # 1500 bytes spooled over two writes in two TCP segments, answered; then 300 with MpxId 0 (no reply)
    host(CPM_WRITE_1[:700])
    host(CPM_WRITE_1[700:])
    client(cpm_reply(196, 3, 0, 1500))
    host(cpm_write(0, 1, CPM_JOB[1500:]))
    # printer status asked and answered (selected, not busy), then out of paper unsolicited
    host(bytes([69, 4]) + struct.pack("<HIH", 1, 0, 0))
    client(bytes([197, 4]) + struct.pack("<HIIH", 0, 0x0090, 0, 0))
    client(bytes([199, 0]) + struct.pack("<HI", 1, 0x0020))
    host(bytes([66, 5]) + u16(1))
    client(cpm_reply(194, 5, 0))
    # a second printer opened without exclusive access: refused INVALID / BADACCESS, context 0xFFFF
    host(cpm_open(6, b"Secret Printer", access=0x01))
    client(cpm_reply(193, 6, 0x0C07, 0xFFFF))


def build_dev_hostile(w):
    s = SpikeSession(w, renames=GUSB_RENAMES)
    # CTXCAM: WRITE whose data offset (2) lies inside its 8-byte header (read from 8)
    s.send("s2c", s.frame("s2c", vw2(CAM_CH, cam_write(PCM_OUT, b"abcd", offset=2))))
    # OPEN with reserved PCM sub-format bits (0x8024), then an unknown command to the end of the write
    s.send("s2c", s.frame("s2c", vw2(CAM_CH, cam_open(PCM_OUT, LINEAR_PCM, 0x8137) + b"\x42\x01\x02\x03")))
    # OPEN_RESPONSE: id only, no public body
    s.send("c2s", s.frame("c2s", vw2(CAM_CH, bytes([0x84, PCM_IN, 0, 0, 0, 0]))))
    # CAPABILITY_INFO claiming 0xFFFF formats; 2 ever come: never completes
    s.send("c2s", s.frame("c2s", vw2(CAM_CH, cam_formats(0x82, PCM_IN, [(SPEEX, 0x0118), (1, 3)],
                                                         count=0xFFFF))))
    # CTXGUSB: an announcement whose strings length (0xFFFF) swallows the rest of the message
    bad = bytearray(KEYBOARD)
    bad[11:13] = u16(0xFFFF)
    s.send("c2s", s.frame("c2s", vw2(GUSB_CH, bytes(bad))))
    # an announcement whose interface descriptor has bLength 0
    bad = bytearray(KEYBOARD)
    bad[7 + 94] = 0
    s.send("c2s", s.frame("c2s", vw2(GUSB_CH, bytes(bad))))
    # URB_RESPONSE claiming 1000 data bytes, 10 there; a bulk IN request with 4 bytes after its fields
    s.send("c2s", s.frame("c2s", vw2(GUSB_CH, urb(0x20, 1, 9, struct.pack("<II", 0, 1000) + bytes(10)))))
    s.send("s2c", s.frame("s2c", vw2(GUSB_CH, urb(0x25, 1, 10, bytes([0x81]) + u16(1) + struct.pack("<I", 64) +
                                                      b"oops"))))
    # bytecount 3 (below its 7-byte header), then bytes the layer drops
    s.send("s2c", s.frame("s2c", vw2(GUSB_CH, struct.pack("<IBH", 3, 0x12, 1) + b"rest")))
    # bytecount 0x10000000 (past the 4 MiB the channel keeps)
    s.send("c2s", s.frame("c2s", vw2(GUSB_CH, struct.pack("<IBH", 0x10000000, 0x20, 1) + bytes(8))))
    # a 5000-byte URB_RESPONSE of which 100 bytes ever come
    s.send("c2s", s.frame("c2s", vw2(GUSB_CH, struct.pack("<IBH", 5000, 0x20, 1) + bytes(93))))
    # CTXCPM: CONNECT2 with a header size of 16; a write to a context never opened; reserved type 71 with bytes
    s.send("s2c", s.frame("s2c", vw2(CPM_CH, bytes([72, 0]) + struct.pack("<HHHH", 16, 4, 4, 0))))
    s.send("s2c", s.frame("s2c", vw2(CPM_CH, cpm_write(1, 9, b"orphan"))))
    s.send("s2c", s.frame("s2c", vw2(CPM_CH, bytes([71, 0, 1, 2, 3]))))
    # an ENUMPRINTER reply whose Size (100) is not its entries' 13 bytes; reserved type 200
    s.send("c2s", s.frame("c2s", vw2(CPM_CH, cpm_enum_reply(1, [cpm_enum_entry(b"LPT")], size=100) +
                                     bytes([200, 0, 9]))))
    # an ENUMPRINTER reply claiming 0xFFFF printers (one comes) and an OPENPRINTER whose name (200 bytes)
    # never comes: both never complete
    s.send("c2s", s.frame("c2s", vw2(CPM_CH, bytes([192, 1]) + struct.pack("<HHH", 0, 0xFFFF, 0) +
                                     cpm_enum_entry(b"LPT"))))
    s.send("s2c", s.frame("s2c", vw2(CPM_CH, bytes([65, 7, 200, 0x11]) + b"short")))


def fuzz_writes():
    """Seeds for the "vc" fuzz target (fuzz/fuzz_citrix.c): lists of (selector, virtual write);
    selector bit 0 is the direction (1 host to client), the higher bits pick a channel among the
    registered names in sorted order (0: the first, CTXCAM; the fuzzer mutates the selector)."""
    return [
        [(1, CAM_OPEN_ADPCM), (1, CAM_WRITE_600[:100]), (1, CAM_WRITE_600[100:]), (1, CAM_WRITE_GAP)],
        [(1, CAM_CAPS_GAP), (0, CAM_CAPS_REPLY), (1, CAM_OPEN_SPEEX_IN + bytes([0x07, PCM_IN])),
         (0, bytes([0x81, PCM_IN, 0x03, 0x80, 1, 0, 1, 0]))],
        [(0, GUSB_BIND_RESPONSE), (0, KEYBOARD[:50]), (0, KEYBOARD[50:]), (0, STICK + WEBCAM)],
        [(1, urb(0x24, 1, 3, bytes([0]) + u16(0x0005) + bytes([0x80, 6]) + u16(0x0100) + u16(0) +
                 struct.pack("<I", 18))), (0, urb_response(1, 3, bytes(18))), (0, urb_status(1, 6, 1))],
        [(1, CPM_CONNECT2 + cpm_open(2, PRINTER)), (0, CPM_ENUM_TWO[:20]), (0, CPM_ENUM_TWO[20:]),
         (0, cpm_reply(193, 2, 0, 1)), (1, CPM_WRITE_1[:700]), (1, CPM_WRITE_1[700:])],
    ]


CAPTURES = {
    "vc-cam.pcap": build_cam,
    "vc-gusb.pcap": build_gusb,
    "vc-cpm.pcap": build_cpm,
    "vc-dev-hostile.pcap": build_dev_hostile,
}

if __name__ == "__main__":
    capbuild.main_writers(__doc__, CAPTURES)
