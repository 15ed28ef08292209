#!/usr/bin/env python3
"""Record the real ICA session (captures/spike-ica-2001.pcap) replayed inside real TLS.

A Python `ssl` server and client (OpenSSL from Debian 12) on a private
loopback (`unshare -n`, MTU 1500, GSO off so that TLS records of a full-size
ICA segment span two TCP segments) replay the session's TCP payload: each
side sends its original segments, in the original order, once the other side's
preceding bytes have arrived.  dumpcap records the loopback, and
`editcap --inject-secrets` embeds the TLS key log, so the capture decrypts
without any preference.  TLS 1.2, a fresh self-signed RSA-2048 certificate.

    sudo tools/captures/record_ica_tls.py captures/ica-spike-tls-1494.pcapng --port 1494

Needs root (network namespace, dumpcap on lo), dumpcap, editcap, openssl.
"""
import argparse
import os
import socket
import ssl
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
from ica_recut import read_connections  # noqa: E402
import loopback_rec  # noqa: E402


def segments(path):
    """[(from_server, payload)] of the capture's one TCP connection, in order."""
    events, conns = read_connections(path)
    (conn,) = conns.values()
    return [(conn.segments[i][0] == "s2c", conn.segments[i][1]) for kind, c, i in
            (e for e in events if e[0] == "tcp") if c is conn]


def replay(sock, segs, is_server, done):
    for i, (from_server, data) in enumerate(segs):
        if from_server == is_server:
            if i:
                done[i - 1].wait(10)
            sock.sendall(data)
            time.sleep(0.005)
        else:
            got = b""
            while len(got) < len(data):
                chunk = sock.recv(len(data) - len(got))
                if not chunk:
                    raise RuntimeError("peer closed early")
                got += chunk
            if got != data:
                raise RuntimeError("bytes changed in transit")
        done[i].set()


def run_peers(segs, port, work):
    cert, key, keylog = (os.path.join(work, n) for n in ("cert.pem", "key.pem", "keys.txt"))
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
                    "-subj", "/CN=vda.example", "-days", "1"], check=True, capture_output=True)
    done = [threading.Event() for _ in segs]
    listener = socket.socket()
    listener.bind(("127.0.0.1", port))
    listener.listen(1)

    def server():
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(cert, key)
        ctx.maximum_version = ssl.TLSVersion.TLSv1_2
        conn, _ = listener.accept()
        with ctx.wrap_socket(conn, server_side=True) as s:
            replay(s, segs, True, done)
            time.sleep(0.2)

    t = threading.Thread(target=server)
    t.start()
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    ctx.keylog_filename = keylog
    with ctx.wrap_socket(socket.create_connection(("127.0.0.1", port))) as s:
        replay(s, segs, False, done)
        time.sleep(0.2)
    t.join()
    listener.close()
    return keylog


def record(out, port, src):
    links = (("ip", "link", "set", "lo", "up"), ("ip", "link", "set", "lo", "mtu", "1500"),
             ("ip", "link", "set", "dev", "lo", "gso_max_size", "1500"))
    loopback_rec.record(out, "tcp port %d" % port, lambda work: run_peers(segments(src), port, work),
                        links=links, prefix="ica-tls-rec-")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out")
    ap.add_argument("--port", type=int, default=1494)
    ap.add_argument("--src", default=os.path.join(TOP, "captures", "spike-ica-2001.pcap"))
    ap.add_argument("--in-namespace", action="store_true", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if not a.in_namespace:
        loopback_rec.in_namespace(__file__, [os.path.abspath(a.out), "--port", str(a.port),
                                             "--src", os.path.abspath(a.src)])
    record(a.out, a.port, a.src)


if __name__ == "__main__":
    main()
