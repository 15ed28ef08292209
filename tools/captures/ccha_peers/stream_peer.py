#!/usr/bin/python3
"""Real TCP peers on port 2014 for the ccha captures (run by tools/captures/record_ccha_captures.sh).

Each mode starts a server thread on 127.0.0.1:PORT and a client in the main
thread, over the kernel's loopback: the bytes on the wire come from the real
TCP stack, only the payload content is chosen here.  Payloads carry no Citrix
meaning (the HA framing is undocumented); they exercise the dissector's
generic analysis.

  heartbeat  client sends a u32-BE length-prefixed record every 0.2 s, the
             server answers each with one record; after 10 beats one silence
             of 3 s, then 5 more beats and an orderly close (FIN).  A second
             connection sends 3 beats and is aborted (SO_LINGER 0 -> RST).
  lenprefix  client sends u16-LE length-prefixed records, one to three per
             write, 6 writes 50 ms apart; then close.
  opaque     client sends 4 writes of seeded pseudo-random bytes (no carrier
             signature, no consistent length prefix); then close.
"""
import random
import socket
import struct
import sys
import threading
import time

HOST = "127.0.0.1"


def listen(port):
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind((HOST, port))
    srv.listen(4)
    return srv


def recv_exact(conn, n):
    buf = b""
    while len(buf) < n:
        chunk = conn.recv(n - len(buf))
        if not chunk:
            return None
        buf += chunk
    return buf


def connect(port):
    c = socket.create_connection((HOST, port))
    c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return c


def heartbeat_server(srv, conns):
    for _ in range(conns):
        conn, _ = srv.accept()
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        n = 0
        while True:
            try:
                hdr = recv_exact(conn, 4)
            except ConnectionResetError:
                break
            if hdr is None:
                break
            body = recv_exact(conn, struct.unpack(">I", hdr)[0])
            if body is None:
                break
            n += 1
            reply = b"ack %d" % n
            conn.sendall(struct.pack(">I", len(reply)) + reply)
        conn.close()


def beat(c, n):
    body = b"beat %d" % n
    c.sendall(struct.pack(">I", len(body)) + body)
    recv_exact(c, 4 + len(b"ack %d" % n))


def heartbeat(port):
    srv = listen(port)
    t = threading.Thread(target=heartbeat_server, args=(srv, 2))
    t.start()
    c = connect(port)
    n = 0
    for i in range(15):
        if i == 10:
            time.sleep(3.0)          # the one long silence
        elif i:
            time.sleep(0.2)
        n += 1
        beat(c, n)
    c.close()                        # orderly close: FIN
    time.sleep(0.3)
    c = connect(port)
    for i in range(3):
        if i:
            time.sleep(0.2)
        beat(c, i + 1)
    c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    c.close()                        # abortive close: RST
    t.join()
    srv.close()


def drain_server(srv):
    conn, _ = srv.accept()
    while conn.recv(65536):
        pass
    conn.close()


def lenprefix(port):
    srv = listen(port)
    t = threading.Thread(target=drain_server, args=(srv,))
    t.start()
    c = connect(port)
    bodies = [b"alpha", b"bravo-bravo", b"c", b"delta" * 7, b"echo", b"foxtrot!", b"golf", b"hotel" * 3,
              b"india", b"juliet-juliet", b"kilo"]
    writes = [[0], [1, 2], [3], [4, 5, 6], [7], [8, 9, 10]]
    for i, idx in enumerate(writes):
        if i:
            time.sleep(0.05)
        c.sendall(b"".join(struct.pack("<H", len(bodies[k])) + bodies[k] for k in idx))
    c.close()
    t.join()
    srv.close()


def opaque(port):
    srv = listen(port)
    t = threading.Thread(target=drain_server, args=(srv,))
    t.start()
    c = connect(port)
    rng = random.Random(2014)
    for i, size in enumerate([37, 120, 9, 64]):
        if i:
            time.sleep(0.05)
        c.sendall(bytes([0xC7]) + rng.randbytes(size - 1))
    c.close()
    t.join()
    srv.close()


if __name__ == "__main__":
    mode, port = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 2014
    {"heartbeat": heartbeat, "lenprefix": lenprefix, "opaque": opaque}[mode](port)
