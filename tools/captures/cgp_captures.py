#!/usr/bin/env python3
"""Build CGP (Session Reliability, TCP 2598) captures from the byte layouts
of the CGP notes (stdlib only).

The encoder here is written from cgp.md §4-§10 independently of the
plugin's C core.  Where the notes give byte vectors (§10: the client
BIND_REQUEST direct and through a Gateway, the server capability vectors of
the H5 unit tests, the CHANNEL_OPEN_REQUEST) they are used as they are; the
rest (CHANNEL_OPEN_RESPONSE, resume binds, FINISH) is built from the layouts
of §6-§7.  The ICA inside is the real SPIKE session (captures/spike-ica-2001.pcap,
read with tools/captures/ica_recut.py).  Output is byte-identical on every run.

    tools/captures/cgp_captures.py --outdir captures
    tools/captures/cgp_captures.py --outdir build/x --compare captures
"""
import os
import random
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
import capbuild  # noqa: E402
from pcapgen import PcapWriter, TcpStream  # noqa: E402
from ica_recut import read_connections  # noqa: E402

SIGNATURE = b"\x1aCGP/01"                                  # §3
BIND_REQUEST, BIND_RESPONSE, FINISH_REQUEST, FINISH_RESPONSE, NOP = 1, 2, 3, 4, 5
CHANNEL_OPEN_REQUEST, CHANNEL_OPEN_RESPONSE, CHANNEL_CLOSE, DATA = 6, 7, 8, 9
DATA_REALTIME, DATA_REALTIME_WITH_ACK = 0x0A, 0x0B
STA = b";40;STA490101972;E22678CF749AB3225AB0D11FC3C9A5"    # §7 example, 47 characters
TICKET = bytes.fromhex("4e530100cb1ece7f79e803483366a2bb")  # §10.1 reconnect ticket
SPIKE = os.path.join(TOP, "captures", "spike-ica-2001.pcap")


def u16(v):
    return struct.pack("<H", v)


def u32(v):
    return struct.pack("<I", v)


def varlen(v, two=False):
    """§4: 1 byte below 0x80, else (v & 0x7f) | 0x80, v >> 7; two=True forces the 2-byte form."""
    if v < 0x80 and not two:
        return bytes([v])
    return bytes([(v & 0x7F) | 0x80, v >> 7])


def record(cmd, body, two=False):
    """L | cmd | body, L counting cmd and body (§4)."""
    return varlen(1 + len(body), two) + bytes([cmd]) + body


def ext(track=True, ack=None):
    """One flag byte with RELIABILITY (index 3), its flags and the ack delta (§5)."""
    flags = (1 if track else 0) | (2 if ack is not None else 0)
    return b"\x08" + bytes([flags]) + (varlen(ack) if ack is not None else b"")


def cap(cap_id, body, service=0, two=False):
    """§7 capability block: varlen blk_len | u16 service | u16 id | 00 00 | body."""
    inner = u16(service) + u16(cap_id) + b"\x00\x00" + body
    return varlen(len(inner), two) + inner


def cap_sr(next_msg=0, reconnect=0, ticket=b"", opens=()):
    body = (b"\x01\x01" + b"\x01" + varlen(2) + u16(5) + b"\x01" + varlen(2) + u16(5) +
            u32(next_msg) + bytes([reconnect]) + b"\x02" + varlen(len(ticket)) + ticket +
            varlen(len(opens)) + b"".join(opens))
    return cap(5, body)


def cap_rp(timeout=180, flags=1, dimming=25, tcp_timeout=10):
    return cap(9, b"\x01" + u16(timeout) + u16(flags) + u16(dimming) + u16(tcp_timeout))


def cap_ka(c2s=3000, s2c=3000):
    return cap(7, u32(c2s) + u32(s2c))


def cap_binding(two=False):
    name = b"Citrix.TcpProxyService"
    entry = u16(1) + b"\x01" + b"\x00\x00" + varlen(len(name)) + name
    return cap(1, varlen(1) + varlen(len(entry)) + entry, two=two)


def cap_sec_ticket(ticket=STA):
    return cap(6, b"\x00" + varlen(len(ticket)) + ticket)


def cap_endpoint(kind=3, addr=b""):
    return cap(2, bytes([kind]) + varlen(len(addr)) + addr)


def bind(cmd, caps):
    """BIND_REQUEST/RESPONSE: flag byte 00, reserved 00 00, varlen num_caps, caps (§6)."""
    return record(cmd, b"\x00" + b"\x00\x00" + varlen(len(caps)) + b"".join(caps))


def client_bind(gateway=False, next_msg=0, reconnect=0, ticket=b"", opens=()):
    """§10.2 order: SR, RP, KA, Bind (+ SECURITY_TICKET, ENDPOINT_ADDRESS through a Gateway)."""
    caps = [cap_sr(next_msg, reconnect, ticket, opens), cap_rp(), cap_ka(), cap_binding()]
    if gateway:
        caps += [cap_sec_ticket(), cap_endpoint()]
    return SIGNATURE + bind(BIND_REQUEST, caps)


def server_bind(next_msg=0, ticket=TICKET):
    """§10.1's server vectors: SR (ticket), RP 180/80/60, KA 3000/3000, Bind with `a4 00`."""
    caps = [cap_sr(next_msg, 0, ticket), cap_rp(180, 1, 80, 60), cap_ka(), cap_binding(two=True)]
    return SIGNATURE + bind(BIND_RESPONSE, caps)


def tcpproxy_params(target=b"127.0.0.1:1494", protocol=3):
    return b"\x01" + varlen(len(target)) + target + u16(protocol)


def open_request(channel=0, priority=2, target=b"127.0.0.1:1494", protocol=3, service=1):
    params = tcpproxy_params(target, protocol)
    return record(CHANNEL_OPEN_REQUEST, ext() + u16(service) + varlen(channel) + b"\x00" +
                  bytes([priority]) + b"\x00\x00" + varlen(len(params)) + params)


def open_response(channel=0, status=0, service_status=0):
    """Built from §6's layout (no vector exists): channel, status, service status, 00 00, no params."""
    return record(CHANNEL_OPEN_RESPONSE, ext() + varlen(channel) + u16(status) + u16(service_status) +
                  b"\x00\x00" + varlen(0))


def finish(cmd=FINISH_REQUEST, close_type=0):
    return record(cmd, b"\x00" + bytes([close_type, 0]))     # §10.1: 04 03 00 tt 00


class Side:
    """Per-direction reliability state of the encoder: tracked messages the
    other side sent and this side has not acked yet (H5 acks with deltas)."""

    def __init__(self):
        self.unacked = 0
        self.sent = 0


def realtime(data, me, peer, channel=None):
    """DATA_REALTIME, or DATA_REALTIME_WITH_ACK when the peer's messages await an ack;
    with a channel: DATA (data_flags 0, the channel id) acking in its reliability extension."""
    me.sent += 1
    peer_unacked = me.unacked
    me.unacked = 0
    if channel is not None:
        return record(DATA, ext(ack=peer_unacked or None) + b"\x00" + varlen(channel) + data)
    if peer_unacked:
        return record(DATA_REALTIME_WITH_ACK, varlen(peer_unacked) + data)
    return record(DATA_REALTIME, data)


CHUNKS = (700, 1000, 333, 1200, 57)


def wrap_msgs(runs, sides, chunks=CHUNKS, channel=None):
    """ICA runs [(dir, bytes)] -> CGP messages [(dir, record)]: each run cut
    into realtime messages of cycling sizes (so ICA units straddle CGP messages)."""
    out, k = [], 0
    for d, data in runs:
        me, peer = sides[d], sides["s2c" if d == "c2s" else "c2s"]
        off = 0
        while off < len(data):
            n = chunks[k % len(chunks)]
            k += 1
            out.append((d, realtime(data[off:off + n], me, peer, channel)))
            peer.unacked += 1
            off += n
    return out


def runs_of(msgs):
    """Consecutive messages of one direction joined: what one side writes before the other answers."""
    runs = []
    for d, m in msgs:
        if runs and runs[-1][0] == d:
            runs[-1] = (d, runs[-1][1] + m)
        else:
            runs.append((d, m))
    return runs


def wrap_runs(runs, sides, chunks=CHUNKS):
    return runs_of(wrap_msgs(runs, sides, chunks))


def spike_runs():
    """The SPIKE ICA session as runs [(dir, bytes)] of one direction each."""
    _, conns = read_connections(SPIKE)
    (c,) = [c for c in conns.values() if c.server[1] == 1494]
    runs = []
    for d, p, _ in c.segments:
        if runs and runs[-1][0] == d:
            runs[-1] = (d, runs[-1][1] + p)
        else:
            runs.append((d, p))
    return runs


def cgp_spike_msgs(channel=None):
    """The whole SPIKE session inside CGP, as messages: bind, channel open, ICA
    (realtime messages, or DATA on a NORMAL-priority TcpProxy channel)."""
    sides = {"c2s": Side(), "s2c": Side()}
    if channel is None:
        opens = [("c2s", open_request()), ("s2c", open_response())]
    else:
        opens = [("c2s", open_request(channel=channel, priority=1)), ("s2c", open_response(channel=channel))]
    head = [("c2s", client_bind()), ("s2c", server_bind())] + opens
    sides["c2s"].unacked = 1        # the open request was tracked
    sides["s2c"].unacked = 1        # and the response
    return head + wrap_msgs(spike_runs(), sides, channel=channel)


def cgp_spike_runs():
    return runs_of(cgp_spike_msgs())


def socks_spike_runs():
    """SR off through a Gateway (§11): SOCKS v5 greeting, CONNECT whose domain is
    the STA ticket (port 1494), success reply, then the SPIKE ICA session."""
    connect = b"\x05\x01\x00\x03" + bytes([len(STA)]) + STA + struct.pack("!H", 1494)
    reply = b"\x05\x00\x00\x01" + bytes([10, 30, 5, 20]) + struct.pack("!H", 1494)
    return [("c2s", b"\x05\x01\x00"), ("s2c", b"\x05\x00"), ("c2s", connect), ("s2c", reply)] + spike_runs()


# ---------------------------------------------------------------- captures

CLIENT = ("10.30.0.10", 50001)
SERVER = ("10.30.0.20", 2598)


def write_runs(w, runs, client=CLIENT, server=SERVER, sizes=None, handshake=True, close=True):
    s = TcpStream(w, client, server)
    if handshake:
        s.handshake()
    for d, data in runs:
        s.send(d, data, segments=sizes(d, len(data)) if sizes else None)
    if close:
        s.close()
    return s


def cap_direct(path):
    """Direct bind (§10.2 direct client segment, §10.1 server vectors), channel open, detect strings, FINISH."""
    w = PcapWriter(path)
    sides = {"c2s": Side(), "s2c": Side()}
    runs = [("c2s", client_bind()), ("s2c", server_bind()), ("c2s", open_request()), ("s2c", open_response())]
    runs += wrap_runs([("c2s", b"\x7f\x7fICA\x00"), ("s2c", b"\x7f\x7fICA\x00")], sides)
    runs += [("c2s", record(NOP, ext(track=False, ack=2))), ("c2s", finish(FINISH_REQUEST, 0)),
             ("s2c", finish(FINISH_RESPONSE, 0)), ("s2c", finish(FINISH_REQUEST, 0)),
             ("c2s", finish(FINISH_RESPONSE, 0))]
    write_runs(w, runs)
    w.close()


def cap_gateway(path):
    """Through a Gateway: §10.2's 172-byte BIND_REQUEST with SECURITY_TICKET and ENDPOINT_ADDRESS."""
    w = PcapWriter(path)
    runs = [("c2s", client_bind(gateway=True)), ("s2c", server_bind()), ("c2s", open_request()),
            ("s2c", open_response())]
    write_runs(w, runs, client=("10.30.1.10", 50002), server=("10.30.1.20", 2598))
    w.close()


def cap_spike(path, sizes=None, channel=None):
    w = PcapWriter(path, step=0.000001)
    write_runs(w, runs_of(cgp_spike_msgs(channel)), sizes=sizes, close=False)
    w.close()


def cap_midstream(path):
    """The capture starts in the middle of the CGP SPIKE session: no TCP handshake,
    no signature or bind; the first segment starts at a record boundary."""
    w = PcapWriter(path, step=0.000001)
    msgs = cgp_spike_msgs()[40:]
    write_runs(w, runs_of(msgs), handshake=False, close=False)
    w.close()


def cap_edt(path):
    """UDP 1494 and 2598 datagrams (EDT has no public description: filler bytes)."""
    w = PcapWriter(path)
    rng = random.Random(1494)
    for i in range(3):
        w.udp(("10.30.4.10", 50041), ("10.30.4.20", 2598), bytes(rng.randrange(256) for _ in range(40 + i)))
        w.udp(("10.30.4.20", 1494), ("10.30.4.10", 50042), bytes(rng.randrange(256) for _ in range(60 + i)))
    w.close()


def one_byte(_d, total):
    return [1] * total


def random_sizes(seed):
    rng = random.Random(seed)

    def sizes(_d, total):
        out = []
        while total:
            n = min(total, rng.randint(1, 300))
            out.append(n)
            total -= n
        return out
    return sizes


def tracked(msgs, d):
    """Tracked messages of direction d (everything but the binds here)."""
    return sum(1 for x, m in msgs if x == d and m[:7] != SIGNATURE)


def cap_resume(path):
    """A disconnect in the middle of the SPIKE session, then a resume on a new
    connection: reconnect flag, the ticket of the first BIND_RESPONSE, the
    channel's open request embedded.  The server says it got all but the
    client's last message, so the client sends that one again (its copy is
    in the capture twice); then the rest of the session follows."""
    w = PcapWriter(path, step=0.000001)
    msgs = cgp_spike_msgs()
    cut = 30
    while msgs[cut - 1][0] != "c2s":
        cut += 1
    first, rest = msgs[:cut], msgs[cut:]
    s = write_runs(w, runs_of(first), close=False)
    s.reset("s2c")
    resume = [("c2s", client_bind(next_msg=tracked(first, "s2c") + 1, reconnect=1, ticket=TICKET,
                                  opens=[open_request()])),
              ("s2c", server_bind(next_msg=tracked(first, "c2s"), ticket=TICKET[::-1])),
              first[-1]]
    write_runs(w, runs_of(resume + rest), client=("10.30.0.10", 50011), close=False)
    w.close()


def cap_refused(path):
    """A resume the server refuses: next message number 0 in the answer."""
    w = PcapWriter(path)
    first = [("c2s", client_bind()), ("s2c", server_bind()), ("c2s", open_request()), ("s2c", open_response())]
    s = write_runs(w, first, client=("10.30.2.10", 50021), server=("10.30.2.20", 2598), close=False)
    s.reset("c2s")
    runs = [("c2s", client_bind(next_msg=2, reconnect=1, ticket=TICKET, opens=[open_request()])),
            ("s2c", server_bind(next_msg=0, ticket=b""))]
    write_runs(w, runs, client=("10.30.2.10", 50022), server=("10.30.2.20", 2598))
    w.close()


def cap_malformed(path):
    """Truncated and malformed messages, one small connection each."""
    w = PcapWriter(path)
    good = client_bind()
    cases = [
        # 1: an unknown command and reserved bytes not zero after a valid bind
        [("c2s", good), ("s2c", server_bind()), ("c2s", record(0x0C, b"\x00\x01\x02")),
         ("c2s", record(CHANNEL_CLOSE, ext() + varlen(0) + b"\x01\x00" + u16(0) + u16(0)))],
        # 2: MONITORING without EXT_LENGTH (payload lost); EXT_LENGTH skipping COMPRESSION;
        #    a non-minimal record length; DATA on an unopened channel
        [("c2s", good), ("s2c", server_bind()),
         ("c2s", record(NOP, b"\x02\x01\xaa\xbb")),
         ("c2s", record(DATA, b"\x0d\x03\xaa\xbb\x01" + b"\x00" + varlen(6) + b"xyz")),
         ("c2s", record(NOP, b"\x08\x02\x01", two=True)),
         ("c2s", record(DATA, ext() + b"\x00" + varlen(6) + b"abc"))],
        # 3: a capability longer than the bind; a bind whose count lies (3 caps announced, 1 present)
        [("c2s", SIGNATURE + record(BIND_REQUEST, b"\x00\x00\x00\x01" + b"\x28\x00\x00\x05\x00\x00\x00\x01")),
         ("s2c", SIGNATURE + record(BIND_RESPONSE, b"\x00\x00\x00\x03" + cap_ka()))],
        # 4: the capture ends inside a record
        [("c2s", good), ("s2c", server_bind()), ("c2s", record(DATA_REALTIME, b"\x7f\x7fICA\x00")[:5])],
    ]
    for i, runs in enumerate(cases):
        write_runs(w, runs, client=("10.30.3.10", 50031 + i), server=("10.30.3.20", 2598), close=(i != 3))
    w.close()


CAPTURES = {
    "cgp-direct.pcap": cap_direct,
    "cgp-gateway.pcap": cap_gateway,
    "cgp-spike.pcap": cap_spike,
    "cgp-resume.pcap": cap_resume,
    "cgp-resume-refused.pcap": cap_refused,
    "cgp-malformed.pcap": cap_malformed,
    "cgp-data-channel.pcap": lambda p: cap_spike(p, channel=2),
    "cgp-edt.pcap": cap_edt,
    "cgp-midstream.pcap": cap_midstream,
}
# Not committed (large): built by the tests at run time.
EXTRA = {
    "cgp-spike-1byte.pcap": lambda p: cap_spike(p, one_byte),
    "cgp-spike-random.pcap": lambda p: cap_spike(p, random_sizes(2598)),
    "cgp-data-channel-1byte.pcap": lambda p: cap_spike(p, one_byte, channel=2),
    "cgp-data-channel-random.pcap": lambda p: cap_spike(p, random_sizes(2598), channel=2),
}


def build(name, path):
    (CAPTURES.get(name) or EXTRA[name])(path)


def main():
    capbuild.main(__doc__.split("\n\n")[0], CAPTURES, build)


if __name__ == "__main__":
    main()
