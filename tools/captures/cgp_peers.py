#!/usr/bin/env python3
"""Real carriers for the CGP/ICA byte streams: a TLS (Python ssl) or
WebSocket (Debian python3-websockets) server and client on 127.0.0.1 that
play one session's runs back in order, each side waiting for the other's
bytes before it answers, as the real peers did.  Run by
tools/captures/record_cgp_carriers.sh inside a private network namespace
while dumpcap records the loopback.

    cgp_peers.py --mode ica-tls --port 443 --keylog keys.txt --cert cert.pem --key key.pem
    cgp_peers.py --mode cgp-tls ...
    cgp_peers.py --mode cgp-ws --port 8080
    cgp_peers.py --mode cgp-ws-split --port 8080

ica-tls: the SPIKE ICA session as it is (VDA TLS without Session Reliability).
cgp-tls: the SPIKE session inside CGP (tools/captures/cgp_captures.py).
cgp-ws:  the same CGP bytes in WebSocket binary messages, one per run.
cgp-ws-split: the same CGP bytes, each side writing its byte stream in
         binary messages whose sizes cycle through SPLIT_SIZES, so records
         are cut across messages (one inside its 2-byte length field) and
         one message holds the end of a record, whole records and the start
         of another.
socks-tls: the Gateway path with SR off: SOCKS v5 with the STA ticket, then
         the SPIKE ICA session, inside TLS.
"""
import argparse
import os
import socket
import ssl
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cgp_captures  # noqa: E402


def recv_exact(sock, n):
    buf = b""
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))
        if not chunk:
            raise EOFError("peer closed after %d of %d bytes" % (len(buf), n))
        buf += chunk
    return buf


def play(sock, runs, me):
    for d, data in runs:
        if d == me:
            sock.sendall(data)
        elif recv_exact(sock, len(data)) != data:
            raise RuntimeError("%s received different bytes" % me)


def run_tls(a, runs):
    srv_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    srv_ctx.load_cert_chain(a.cert, a.key)
    cli_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    cli_ctx.check_hostname = False
    cli_ctx.verify_mode = ssl.CERT_NONE
    cli_ctx.keylog_filename = a.keylog
    lsock = socket.create_server(("127.0.0.1", a.port))
    errors = []

    def server():
        try:
            conn, _ = lsock.accept()
            with srv_ctx.wrap_socket(conn, server_side=True) as s:
                play(s, runs, "s2c")
                s.unwrap()
        except Exception as e:  # reported below
            errors.append(e)

    t = threading.Thread(target=server)
    t.start()
    with socket.create_connection(("127.0.0.1", a.port)) as raw:
        with cli_ctx.wrap_socket(raw, server_hostname="vda.example") as s:
            play(s, runs, "c2s")
            s.unwrap()
    t.join()
    lsock.close()
    if errors:
        raise errors[0]


# Message sizes of cgp-ws-split, one per message in turn, continuing across
# one side's runs (a run's last message is what is left of the run).  The
# first (20) holds the signature and the bind's first 13 bytes: enough for
# the CGP heuristic (signature, length, command, flag byte, reserved, caps
# count); 2000 makes messages that span TCP segments.
SPLIT_SIZES = (20, 1, 7, 1, 3, 50, 2, 2000, 5, 290)


class Cutter:
    """One side's byte stream as messages: whole runs, or SPLIT_SIZES in turn."""

    def __init__(self, split):
        self.split, self.i = split, 0

    def messages(self, data):
        if not self.split:
            return [data]
        out = []
        while data:
            n = SPLIT_SIZES[self.i % len(SPLIT_SIZES)]
            self.i += 1
            out.append(data[:n])
            data = data[n:]
        return out


def run_ws(a, runs, split):
    import asyncio
    import websockets

    async def recv_bytes(ws, n):
        buf = b""
        while len(buf) < n:
            buf += await ws.recv()
        return buf

    async def play_ws(ws, me):
        cut = Cutter(split)
        for d, data in runs:
            if d == me:
                for m in cut.messages(data):
                    await ws.send(m)
            elif await recv_bytes(ws, len(data)) != data:
                raise RuntimeError("%s received different bytes" % me)

    async def handler(ws, _path=None):
        await play_ws(ws, "s2c")

    async def main():
        async with websockets.serve(handler, "127.0.0.1", a.port, compression=None):
            async with websockets.connect("ws://127.0.0.1:%d/" % a.port, compression=None) as ws:
                await play_ws(ws, "c2s")
    asyncio.run(main())


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--mode", choices=["ica-tls", "cgp-tls", "cgp-ws", "cgp-ws-split", "socks-tls"], required=True)
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--keylog")
    ap.add_argument("--cert")
    ap.add_argument("--key")
    a = ap.parse_args()
    runs = {"ica-tls": cgp_captures.spike_runs, "socks-tls": cgp_captures.socks_spike_runs}.get(
        a.mode, cgp_captures.cgp_spike_runs)()
    if a.mode.startswith("cgp-ws"):
        run_ws(a, runs, a.mode == "cgp-ws-split")
    else:
        run_tls(a, runs)


if __name__ == "__main__":
    main()
