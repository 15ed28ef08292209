#!/usr/bin/env python3
"""Device-channel captures (issue 18): CTXCAM messages laid out from the public sources,
carried inside the real 2001 ICA session (captures/spike-ica-2001.pcap) the way
tools/captures/vc_captures.py carries CTXEUEM.

CTXCAM (shared notes vc.md §10): the real session binds CTXCAM on channel 12 and already
speaks it (the host's INIT, the client's RESOURCE_ACKs, the host's REQUEST_CAPINFO with the
24 PCM and Citrix ADPCM formats, the client's CAPABILITY_INFO with 3), so no VcBind entry is
renamed: the appended messages continue that channel.  Layouts are the RISC OS client's
vdcam structures and the HTML5 client's AudioEngine (search-index file 8953037024; v2
commands) with its format constants (9470909844); no source has byte vectors for CAM.

The hostile capture carries offsets inside the header, counts the message cannot hold,
reserved sub-format bits, bodies no source lays out and a message that never completes.

    tools/captures/vc_dev_captures.py --outdir captures                       # (re)write
    tools/captures/vc_dev_captures.py --outdir build/x --compare captures     # reproducibility check
"""
import argparse
import filecmp
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
from pcapgen import PcapWriter  # noqa: E402
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


def build_dev_hostile(w):
    s = SpikeSession(w, renames=())
    # CTXCAM: WRITE whose data offset (2) lies inside its 8-byte header (read from 8)
    s.send("s2c", s.frame("s2c", vw2(CAM_CH, cam_write(PCM_OUT, b"abcd", offset=2))))
    # OPEN with reserved PCM sub-format bits (0x8024), then an unknown command to the end of the write
    s.send("s2c", s.frame("s2c", vw2(CAM_CH, cam_open(PCM_OUT, LINEAR_PCM, 0x8137) + b"\x42\x01\x02\x03")))
    # OPEN_RESPONSE: id only, no public body
    s.send("c2s", s.frame("c2s", vw2(CAM_CH, bytes([0x84, PCM_IN, 0, 0, 0, 0]))))
    # CAPABILITY_INFO claiming 0xFFFF formats; 2 ever come: never completes
    s.send("c2s", s.frame("c2s", vw2(CAM_CH, cam_formats(0x82, PCM_IN, [(SPEEX, 0x0118), (1, 3)],
                                                         count=0xFFFF))))


def fuzz_writes():
    """Seeds for the "vc" fuzz target (fuzz/fuzz_citrix.c): lists of (selector, virtual write);
    selector bit 0 is the direction (1 host to client), the higher bits pick a channel among the
    registered names in sorted order (0: the first, CTXCAM; the fuzzer mutates the selector)."""
    return [
        [(1, CAM_OPEN_ADPCM), (1, CAM_WRITE_600[:100]), (1, CAM_WRITE_600[100:]), (1, CAM_WRITE_GAP)],
        [(1, CAM_CAPS_GAP), (0, CAM_CAPS_REPLY), (1, CAM_OPEN_SPEEX_IN + bytes([0x07, PCM_IN])),
         (0, bytes([0x81, PCM_IN, 0x03, 0x80, 1, 0, 1, 0]))],
    ]


CAPTURES = {
    "vc-cam.pcap": build_cam,
    "vc-dev-hostile.pcap": build_dev_hostile,
}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--outdir", required=True)
    ap.add_argument("--compare", help="directory whose copies must be byte-identical")
    args = ap.parse_args()
    os.makedirs(args.outdir, exist_ok=True)
    bad = []
    for name, fn in CAPTURES.items():
        path = os.path.join(args.outdir, name)
        w = PcapWriter(path, start=1_000_000_000.0)
        fn(w)
        w.close()
        ref = os.path.join(args.compare, name) if args.compare else None
        if ref and (not os.path.exists(ref) or not filecmp.cmp(path, ref, shallow=False)):
            bad.append(name)
    if bad:
        print("differ from %s: %s" % (args.compare, ", ".join(bad)))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
