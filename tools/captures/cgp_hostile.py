#!/usr/bin/env python3
"""Hostile CGP captures (issue 9): maximal lengths, counts and lengths that
lie, 32 extension-flag bytes, a ticket longer than its record, a resume
naming its own connection, resume chains and loops, records cut across
WebSocket messages that never complete.

    tools/captures/cgp_hostile.py OUTDIR          # writes OUTDIR/cgp_<case>.pcap
    tools/captures/cgp_hostile.py --list

Deterministic.  Built with the encoder of tools/captures/cgp_captures.py;
the committed copies live in tests/hostile/cgp/ and tests/tshark/test_cgp_hostile.py
checks they are current.  Nothing here is a real session.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from pcapgen import PcapWriter, TcpStream  # noqa: E402
import cgp_captures as C  # noqa: E402

SERVER = ("10.31.0.20", 2598)
CASES = {}


def case(fn):
    CASES["cgp_" + fn.__name__] = fn
    return fn


def conn(w, port, runs, close=True, sizes=None):
    return C.write_runs(w, runs, client=("10.31.0.10", port), server=SERVER, close=close, sizes=sizes)


def start():
    return [("c2s", C.client_bind()), ("s2c", C.server_bind())]


@case
def max_length(w):
    """A DATA_REALTIME of L = 32767 that arrives (in MSS segments), then one
    claiming 32767 that never does (the connection closes after 100 bytes)."""
    full = C.record(C.DATA_REALTIME, bytes(range(256)) * 127 + bytes(254))
    assert len(full) == 2 + 32767
    conn(w, 40001, start() + [("c2s", full), ("c2s", C.record(C.NOP, C.ext(False, 1)))])
    conn(w, 40002, start() + [("c2s", b"\xff\xff\x0a" + bytes(100))])


@case
def lying_counts(w):
    """A bind announcing 32767 capabilities with 2 present (not a stream start:
    more than 32), the same announcing 30; a capability whose
    block length is 32767 inside a short bind; SERVICES_BINDING announcing 5000
    services; an SR capability announcing 1000 embedded open requests; a cap
    shorter than its own header."""
    caps = C.cap_ka() + C.cap_rp()
    conn(w, 40011, [("c2s", C.SIGNATURE + C.record(C.BIND_REQUEST, b"\x00\x00\x00" + C.varlen(32767) + caps)),
                    ("s2c", C.server_bind())])
    conn(w, 40014, [("c2s", C.SIGNATURE + C.record(C.BIND_REQUEST, b"\x00\x00\x00" + C.varlen(30) + caps)),
                    ("s2c", C.server_bind())])
    conn(w, 40012, [("c2s", C.SIGNATURE + C.record(C.BIND_REQUEST, b"\x00\x00\x00\x01" + b"\xff\xff" +
                                                   b"\x00\x00\x05\x00\x00\x00" + bytes(20))),
                    ("s2c", C.server_bind())])
    svc = C.cap(1, C.varlen(5000) + b"\x05\x01\x00\x01\x00\x00")
    head = bytes.fromhex("0101" "01020500" "01020500" "00000000" "00" "02")
    sr = C.cap(5, head + C.varlen(len(C.TICKET)) + C.TICKET + C.varlen(1000))
    conn(w, 40013, [("c2s", C.SIGNATURE + C.record(C.BIND_REQUEST, b"\x00\x00\x00\x03" + svc + sr +
                                                   b"\x03\x00\x00\x07")), ("s2c", C.server_bind())])


@case
def flag_bytes(w):
    """32 extension-flag bytes with bit 7 set (the 32nd says another follows),
    and 31 ending properly on an unknown index."""
    conn(w, 40021, start() + [("c2s", C.record(C.NOP, b"\x80" * 32 + b"\x08\x01")),
                              ("c2s", C.record(C.NOP, b"\x80" * 30 + b"\x01" + b"\xaa" * 10)),
                              ("c2s", C.record(C.NOP, C.ext(False, 1)))])


@case
def ticket_past_record(w):
    """A resume whose reconnect ticket length (32767) runs past its capability and bind."""
    head = bytes.fromhex("0101" "01020500" "01020500" "05000000" "01" "02")   # versions, acks, next 5, reconnect, v2
    sr = C.cap(5, head + C.varlen(32767) + C.TICKET)
    conn(w, 40031, [("c2s", C.SIGNATURE + C.record(C.BIND_REQUEST, b"\x00\x00\x00\x01" + sr)),
                    ("s2c", C.server_bind(next_msg=0))])


@case
def resume_self(w):
    """On one connection: a bind that issues a ticket, then a BIND_REQUEST resuming with it."""
    conn(w, 40041, start() + [("c2s", C.client_bind(next_msg=1, reconnect=1, ticket=C.TICKET)),
                              ("s2c", C.server_bind(next_msg=1))])


@case
def resume_chain(w):
    """50 connections, each resuming with the ticket the previous one was
    issued (the same ticket re-issued every time), then two connections
    resuming each other's ticket in turn: a loop of references."""
    tk = C.TICKET
    conn(w, 40100, start(), close=False)
    for i in range(1, 51):
        conn(w, 40100 + i, [("c2s", C.client_bind(next_msg=1, reconnect=1, ticket=tk)),
                            ("s2c", C.server_bind(next_msg=1, ticket=tk))], close=False)
    a, b = b"A" * 16, b"B" * 16
    sa = conn(w, 40200, [("c2s", C.client_bind()), ("s2c", C.server_bind(ticket=a))], close=False)
    sb = conn(w, 40201, [("c2s", C.client_bind(next_msg=1, reconnect=1, ticket=a)),
                         ("s2c", C.server_bind(next_msg=1, ticket=b))], close=False)
    for _ in range(5):
        sa.send("c2s", C.client_bind(next_msg=1, reconnect=1, ticket=b))
        sa.send("s2c", C.server_bind(next_msg=1, ticket=a))
        sb.send("c2s", C.client_bind(next_msg=1, reconnect=1, ticket=a))
        sb.send("s2c", C.server_bind(next_msg=1, ticket=b))


@case
def nested_embedded(w):
    """A resume whose embedded "open request" is a BIND_REQUEST embedding
    another, 100 deep (about 3 kB): only open requests are followed."""
    inner = C.open_request()
    for _ in range(100):
        inner = C.bind(C.BIND_REQUEST, [C.cap_sr(1, 1, C.TICKET, [inner])])
    conn(w, 40061, [("c2s", C.client_bind(next_msg=1, reconnect=1, ticket=C.TICKET, opens=[inner])),
                    ("s2c", C.server_bind(next_msg=1))])


@case
def one_byte_garbage_after_bind(w):
    """A valid bind, then 300 bytes of records cut into 1-byte segments whose
    lengths and commands are random."""
    import random
    rng = random.Random(9)
    junk = bytes(rng.randrange(256) for _ in range(300))
    conn(w, 40051, start() + [("c2s", junk)], sizes=lambda d, n: [1] * n if n == 300 else None)


# WebSocket (RFC 6455) by hand: the HTTP upgrade, then binary messages, the
# client's masked (a fixed mask: any works), each message one frame.
WS_SERVER = ("10.31.0.20", 8080)
WS_UPGRADE = [("c2s", b"GET / HTTP/1.1\r\nHost: vda.example:8080\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                      b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"),
              ("s2c", b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                      b"Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n")]
WS_MASK = b"\x37\xfa\x21\x3d"


def ws_message(direction, payload):
    n = len(payload)
    head = bytes([0x82]) + (bytes([n]) if n < 126 else b"\x7e" + n.to_bytes(2, "big") if n < 65536
                            else b"\x7f" + n.to_bytes(8, "big"))
    if direction == "s2c":
        return head + payload
    masked = bytes(b ^ WS_MASK[i % 4] for i, b in enumerate(payload))
    return bytes([head[0], head[1] | 0x80]) + head[2:] + WS_MASK + masked


def ws_conn(w, port, messages):
    """messages: (direction, payload), one WebSocket message each."""
    runs = WS_UPGRADE + [(d, ws_message(d, m)) for d, m in messages]
    return C.write_runs(w, runs, client=("10.31.0.10", port), server=WS_SERVER)


@case
def ws_cut(w):
    """CGP inside WebSocket with records cut across messages: the largest
    record (32769 bytes) in 1000-byte messages with an empty message among
    them and a NOP after it in the last; a record claiming 32767 bytes of
    which 2103 arrive before the connection closes; a connection whose last
    message is the first byte of a 2-byte length."""
    sig_bind = C.SIGNATURE + C.client_bind()[len(C.SIGNATURE):]
    start = [("c2s", sig_bind[:20]), ("c2s", sig_bind[20:]), ("s2c", C.server_bind())]
    full = C.record(C.DATA_REALTIME, bytes(range(256)) * 127 + bytes(254)) + C.record(C.NOP, C.ext(False, 1))
    cut = [full[i:i + 1000] for i in range(0, len(full), 1000)]
    ws_conn(w, 40071, start + [("c2s", m) for m in cut[:5] + [b""] + cut[5:]])
    ws_conn(w, 40072, start + [("c2s", b"\xff\xff\x0a" + bytes(100)), ("c2s", bytes(2000))])
    ws_conn(w, 40073, start + [("c2s", b"\x80")])


def build(name, path):
    w = PcapWriter(path)
    CASES[name](w)
    w.close()


def main():
    if sys.argv[1:] == ["--list"]:
        print("\n".join(sorted(CASES)))
        return
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for name in sorted(CASES):
        build(name, os.path.join(out, name + ".pcap"))


if __name__ == "__main__":
    main()
