#!/usr/bin/env python3
"""Cost of the CTXCDM decoder against stock tshark on the same input, in one run.

Builds (not committed) a session that copies a 10 MiB file from a client drive: the real
2001 ICA session (captures/spike-ica-2001.pcap) continued as tools/captures/vc_cdm_captures.py
does, on its bound CTXCDM channel: CONNECT, OPEN, GETATTR, then READs of 4096 bytes whose
replies (4108 bytes) each travel in three virtual writes of at most 2000 bytes (one PDRFRAME
frame per TCP segment, so every reply is reassembled), then CLOSE.  Then runs tshark without
and with the plugin in the same sandbox (tools/lib/wsrun.py) and prints wall-time and
peak-memory ratios for: plain -r, -2, and -T fields (stock: -e tcp.len; plugin: -e tcp.len
-e ica.cdm.cmd).  No thresholds: the numbers are for reading.

    bench/vc_cdm.py [--mib 10] [--repeat 3] [--build build]

Measurement: tools/lib/benchpair.py (best wall time of --repeat runs alternating stock and
plugin; peak memory from wait4).
"""
import argparse
import os
import sys

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(TOP, "tools", "lib"))
sys.path.insert(0, os.path.join(TOP, "tools", "captures"))
from pcapgen import PcapWriter  # noqa: E402
from benchpair import compare  # noqa: E402
from wsrun import Wireshark  # noqa: E402
from vc_captures import SpikeSession, vw2  # noqa: E402
import vc_cdm_captures as cdm  # noqa: E402

READ = 4096
PIECE = 2000


def build_capture(path, size):
    w = PcapWriter(path, start=1_000_000_000.0)
    s = SpikeSession(w, renames=())

    def one(direction, data):
        s.send(direction, s.frame(direction, vw2(cdm.CDM_CH, data)))

    name = b"C:\\data\\big.bin"
    one("s2c", cdm.connect())
    one("c2s", cdm.connect_reply())
    one("s2c", cdm.open_req(1, name, access=0x20))
    one("c2s", cdm.open_reply(1, 5))
    one("s2c", cdm.with_path(cdm.GETATTR, 2, b"", name))
    one("c2s", cdm.getattr_reply(2, size))
    block = bytes((i * 13 + 5) & 0xFF for i in range(READ))
    mpx = 3
    for off in range(0, size, READ):
        n = min(READ, size - off)
        one("s2c", cdm.read_req(mpx & 0xFF, 5, off, n))
        reply = cdm.read_reply(mpx & 0xFF, 5, block[:n])
        for i in range(0, len(reply), PIECE):
            one("c2s", reply[i:i + PIECE])
        mpx += 1
    one("s2c", cdm.msg(cdm.CLOSE, mpx & 0xFF, cdm.u16(5)))
    w.close()
    return path


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--mib", type=int, default=10, help="size of the file copied (MiB)")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--build", default=os.path.join(TOP, "build"))
    ap.add_argument("--out", default=os.path.join(TOP, "bench", "out"))
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    size = a.mib << 20
    cap = build_capture(os.path.join(a.out, "vc-cdm-copy-%dmib.pcap" % a.mib), size)
    stock = Wireshark(with_plugin=False)
    plugin = Wireshark(plugin_root=os.path.join(a.build, "plugins"), with_plugin=True)
    print("capture: %s (%d MiB file copied in %d READs, %d bytes)" % (cap, a.mib, -(-size // READ),
                                                                     os.path.getsize(cap)))
    cases = [
        ("plain -r", [], []),
        ("-2", ["-2"], ["-2"]),
        ("-T fields", ["-T", "fields", "-e", "tcp.len"], ["-T", "fields", "-e", "tcp.len", "-e", "ica.cdm.cmd"]),
    ]
    fields_out = os.path.join(a.out, "vc-cdm-fields.txt")
    compare(stock, plugin, cap, cases, a.repeat, fields_out)
    # proof that the plugin run decoded the copy: READ_REPLYs in the -T fields output
    with open(fields_out) as f:
        replies = sum(line.rstrip("\n").split("\t")[-1].split(",").count("131") for line in f)
    print("plugin decoded %d READ_REPLYs (%d expected)" % (replies, -(-size // READ)))


if __name__ == "__main__":
    main()
