#!/usr/bin/env python3
"""Record the real EDT session (captures/edt-citrixudp.pcap) replayed inside real DTLS.

Citrix Gateway carries EDT in DTLS on UDP 443 (edt.md): this recorder makes
such a capture with keys, which no public source has.  `openssl s_server` and
`openssl s_client` (DTLS 1.2, OpenSSL from Debian, a fresh self-signed
RSA-2048 certificate) run on a private loopback (`unshare -n`); each reads
its side's datagrams from a pipe, one UDT packet per write, in the original
order and 50 ms apart, so each becomes one DTLS record in one UDP datagram.
dumpcap records the loopback and `editcap --inject-secrets` embeds the
client's key log, so the capture decrypts without any preference.  Only the
UDT packets are the real session's; addresses, ports (server UDP 443), times
and the DTLS layer are this recording's.

    sudo tools/captures/record_edt_dtls.py captures/edt-dtls-443.pcapng

Needs root (network namespace, dumpcap on lo), dumpcap, editcap, openssl.
Not reproducible byte for byte (fresh keys, times): the committed capture is
the one recorded; its tests check what is decoded inside.
"""
import argparse
import os
import struct
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(TOP, "tools", "lib"))
sys.path.insert(0, HERE)
import pcapread  # noqa: E402
import loopback_rec  # noqa: E402

SERVER_PORT = 2598      # the real capture's EDT port: datagrams from it are the server's
GAP_S = 0.05


def datagrams(path):
    """[(from_server, UDP payload)] of an Ethernet/IPv4 capture, in capture order."""
    out = []
    for linktype, frame in pcapread.frames(path):
        if linktype != pcapread.LINKTYPE_ETHERNET or frame[12:14] != b"\x08\x00" or frame[23] != 17:
            continue
        ihl = (frame[14] & 0x0F) * 4
        udp = frame[14 + ihl:]
        sport, _dport, ulen = struct.unpack("!HHH", udp[:6])
        out.append((sport == SERVER_PORT, udp[8:ulen]))
    return out


def run_peers(dgrams, port, work):
    cert, key, keylog = (os.path.join(work, n) for n in ("cert.pem", "key.pem", "keys.txt"))
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
                    "-subj", "/CN=gateway.example", "-days", "1"], check=True, capture_output=True)
    quiet = ["-quiet"]
    devnull = subprocess.DEVNULL
    server = subprocess.Popen(["openssl", "s_server", "-dtls1_2", "-accept", str(port), "-cert", cert, "-key", key]
                              + quiet, stdin=subprocess.PIPE, stdout=devnull, stderr=devnull)
    time.sleep(1.0)
    client = subprocess.Popen(["openssl", "s_client", "-dtls1_2", "-connect", "127.0.0.1:%d" % port,
                               "-keylogfile", keylog, "-nocommands"] + quiet,
                              stdin=subprocess.PIPE, stdout=devnull, stderr=devnull)
    time.sleep(2.0)         # the DTLS handshake
    for from_server, data in dgrams:
        pipe = (server if from_server else client).stdin
        pipe.write(data)
        pipe.flush()
        time.sleep(GAP_S)
    time.sleep(1.0)
    for p in (client, server):
        p.kill()
        p.wait()
    return keylog


def record(out, port, src):
    loopback_rec.record(out, "udp port %d" % port, lambda work: run_peers(datagrams(src), port, work),
                        prefix="edt-dtls-rec-")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out")
    ap.add_argument("--port", type=int, default=443)
    ap.add_argument("--src", default=os.path.join(TOP, "captures", "edt-citrixudp.pcap"))
    ap.add_argument("--in-namespace", action="store_true", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if not a.in_namespace:
        loopback_rec.in_namespace(__file__, [os.path.abspath(a.out), "--port", str(a.port),
                                             "--src", os.path.abspath(a.src)])
    record(a.out, a.port, a.src)


if __name__ == "__main__":
    main()
