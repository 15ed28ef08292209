#!/usr/bin/env python3
"""Build the captures that prove citrix-triage's verdicts (stdlib only): sessions
with known ends, sides and timings.

triage-ends.pcap holds five ICA sessions on TCP 1494, one after the other, each
the synthetic Win32 session of ica_captures.py (detect strings, INIT exchange,
Basic key exchange, standard traffic with CTXTW writes) on its own client port:

  1. 10.40.0.11:1101  latency injected on the client side only: every segment
     the server sends is acknowledged by the client 200 ms later, every client
     segment by the server 10 ms later (handshake likewise: SYN -> SYN/ACK 10 ms,
     SYN/ACK -> ACK 200 ms); then 30 s of silence and a server-side RST.
  2. 10.40.0.12:1102  ends with a client FIN (client FIN, server FIN, client ACK).
  3. 10.40.0.13:1103  the server writes ICA TERMINATE (reason 1, logoff) under
     Basic encryption, then closes with FIN (server first).
  4. 10.40.0.14:1104  launch failure: detect strings and INIT exchange, then the
     client resets the connection before the key exchange.
  5. 10.40.0.15:1105  the client sends user "bob" and password "hunter2" in its
     UI module (scrambled, seed 0x35) and the session uses Basic encryption;
     closed by a client FIN.

triage-acr.pcap holds four such sessions to 10.40.2.1:1494, for auto-client-reconnect
linking:

  1. 10.40.2.10:1201  client ROAMING-PC; reset by the server (a drop).
  2. 10.40.2.10:1202  ROAMING-PC again, 5 s later (its INIT_CONNECT 5.020 s after
     the reset: reconnects session 1); closed by a client FIN.
  3. 10.40.2.11:1203  client OTHER-PC, 1 s later (another client: no link).
  4. 10.40.2.10:1204  ROAMING-PC, 1 s later: session 2 was closed by the
     client, not dropped (no link).

triage-streams.pcap holds three sessions running side by side (each handshake,
then each one's traffic, then the closes in reverse order):

  1. 10.40.3.10:1301 -> 10.40.3.1:1494   client MULTI-PC
  2. 10.40.3.10:1302 -> 10.40.3.1:1494   MULTI-PC's second connection to the same
     VDA (a second stream)
  3. 10.40.3.11:1303 -> 10.40.3.1:1494   another client at the same time (no group)

triage-edt-fallback.pcap: a client tries EDT and TCP side by side, TCP wins:
10.40.4.10:50401 sends the Citrix UDT handshake of the real EDT capture
(captures/edt-citrixudp.pcap frame 1, its UDP payload unchanged) to
10.40.4.1 UDP 1494 three times, 1 s apart, with no answer; meanwhile its
ICA session on TCP (10.40.4.10:1401 -> 10.40.4.1:1494, client EDT-PC) starts
right after the first attempt, runs, and closes with a client FIN before the
two retries.  A second
client (10.40.4.11:1402, PLAIN-PC) connects on TCP only (no finding).

Output is byte-identical on every run (fixed seeds, fixed time stamps).

    tools/captures/triage_captures.py --outdir captures            # (re)write
    tools/captures/triage_captures.py --outdir build/x --compare captures
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import ica_captures as ica  # noqa: E402
from pcapgen import ACK, FIN, SYN  # noqa: E402

SERVER = ("10.40.0.1", 1494)
CLIENT_SIDE_RTT, SERVER_SIDE_RTT = 0.200, 0.010     # session 1
SILENCE_BEFORE_RESET = 30.0                          # session 1
TERMINATE_LOGOFF = b"\x05\x01\x01"                   # WD TERMINATE, reason 1 (ica-modern.md §3 `05 01 r`)


class LaggedSession(ica.Session):
    """Every data segment is acknowledged by the other end after that side's round
    trip (seen from the capture point): no other frame in between."""

    def __init__(self, w, client, lag_c2s, lag_s2c):
        super().__init__(w, client, server=SERVER, tcp_handshake=False)
        self.w = w
        self.lag = {"c2s": lag_c2s, "s2c": lag_s2c}     # delay of the ACK of data sent in that direction
        t = round(w.now + 0.001, 6)
        tcp = self.tcp
        tcp._segment("c2s", SYN, ts=t)
        tcp.seq["c2s"] += 1
        tcp._segment("s2c", SYN | ACK, ts=t + lag_c2s)
        tcp.seq["s2c"] += 1
        tcp._segment("c2s", ACK, ts=t + lag_c2s + lag_s2c)

    def send(self, direction, data, segments=None):
        self.tcp.send(direction, data, segments=segments)
        # from the microsecond the data segment is written at, so the round trip is exact
        self.tcp.ack("s2c" if direction == "c2s" else "c2s", ts=round(self.w.now, 6) + self.lag[direction])


def session_body(s, client, name, seed, key, ui_kw=None):
    mods = ica.win32_modules(client[0], client[1], name, 6685, ica.VCBIND, seed=seed, ui_kw=ui_kw)
    s.handshake(mods, ica.connect_modules())
    s.key_exchange(key)
    ica.standard_traffic(s)


def build_ends(w):
    # 1. client-side latency, then 30 s of silence and a server RST
    s = LaggedSession(w, ("10.40.0.11", 1101), SERVER_SIDE_RTT, CLIENT_SIDE_RTT)
    session_body(s, ("10.40.0.11", 1101), "LAGGY-PC", 0x31, 0x41)
    s.tcp.reset("s2c", ts=w.now + SILENCE_BEFORE_RESET)
    # 2. client FIN
    w.now += 1.0
    s = ica.Session(w, ("10.40.0.12", 1102), server=SERVER)
    session_body(s, ("10.40.0.12", 1102), "CLOSER-PC", 0x32, 0x42)
    s.tcp.close()
    # 3. ICA TERMINATE from the server, then the server's FIN
    w.now += 1.0
    s = ica.Session(w, ("10.40.0.13", 1103), server=SERVER)
    session_body(s, ("10.40.0.13", 1103), "LOGOFF-PC", 0x33, 0x43)
    s.send("s2c", s.frame("s2c", TERMINATE_LOGOFF))
    server_close(s.tcp)
    # 4. launch failure: reset by the client before the key exchange
    w.now += 1.0
    s = ica.Session(w, ("10.40.0.14", 1104), server=SERVER)
    mods = ica.win32_modules("10.40.0.14", 1104, "FAILED-PC", 6685, ica.VCBIND, seed=0x34)
    s.handshake(mods, ica.connect_modules())
    s.tcp.reset("c2s", ts=w.now + 2.0)
    # 5. a password under Basic encryption
    w.now += 1.0
    s = ica.Session(w, ("10.40.0.15", 1105), server=SERVER)
    session_body(s, ("10.40.0.15", 1105), "SHARED-PC", 0x35, 0x45, ui_kw=dict(user="bob", password="hunter2"))
    s.tcp.close()


def server_close(tcp):
    """FIN from the server first (pcapgen's close() starts at the client)."""
    tcp._segment("s2c", FIN | ACK)
    tcp.seq["s2c"] += 1
    tcp._segment("c2s", FIN | ACK)
    tcp.seq["c2s"] += 1
    tcp._segment("s2c", ACK)


def build_keepalive(w):
    """The SPIKE session inside CGP (cgp_captures.py: keep-alive capability 3000 ms each way),
    silent for 10 s after its 40th run (acknowledged at once), then on to the end, a client
    FINISH and FIN."""
    import cgp_captures as cgp
    runs = cgp.cgp_spike_runs()
    s = cgp.TcpStream(w, ("10.40.1.10", 50101), ("10.40.1.20", 2598))
    s.handshake()
    for i, (d, data) in enumerate(runs):
        if i == 40:     # the last run acknowledged at once, then the silence
            s.ack("s2c" if runs[i - 1][0] == "c2s" else "c2s")
        s.send(d, data, ts=w.now + KEEPALIVE_SILENCE if i == 40 else None)
    s.send("c2s", cgp.finish(cgp.FINISH_REQUEST, 0))
    s.send("s2c", cgp.finish(cgp.FINISH_RESPONSE, 0))
    s.close()


KEEPALIVE_SILENCE = 10.0
ACR_SERVER = ("10.40.2.1", 1494)
ACR_DELAY = 5.0


def build_acr(w):
    def session(client, name, seed, key):
        s = ica.Session(w, client, server=ACR_SERVER)
        session_body(s, client, name, seed, key)
        return s
    session(("10.40.2.10", 1201), "ROAMING-PC", 0x51, 0x61).tcp.reset("s2c", ts=w.now + 1.0)
    w.now += ACR_DELAY
    session(("10.40.2.10", 1202), "ROAMING-PC", 0x52, 0x62).tcp.close()
    w.now += 1.0
    session(("10.40.2.11", 1203), "OTHER-PC", 0x53, 0x63).tcp.close()
    w.now += 1.0
    session(("10.40.2.10", 1204), "ROAMING-PC", 0x54, 0x64).tcp.close()


def build_streams(w):
    server = ("10.40.3.1", 1494)
    clients = [(("10.40.3.10", 1301), "MULTI-PC", 0x71), (("10.40.3.10", 1302), "MULTI-PC", 0x72),
               (("10.40.3.11", 1303), "SOLO-PC", 0x73)]
    sessions = [(ica.Session(w, c, server=server), c, name, seed) for c, name, seed in clients]
    for s, c, name, seed in sessions:
        s.handshake(ica.win32_modules(c[0], c[1], name, 6685, ica.VCBIND, seed=seed), ica.connect_modules())
        s.key_exchange(seed + 0x10)
    for s, *_ in sessions:
        ica.standard_traffic(s)
    for s, *_ in reversed(sessions):
        s.tcp.close()


def build_edt_fallback(w):
    import edt_captures as edt
    _header, recs = edt.read_records(edt.SOURCE)
    handshake = edt.udp_payload(recs[0][2])
    client, server = ("10.40.4.10", 50401), ("10.40.4.1", 1494)
    w.udp(client, server, handshake, ts=w.now + 0.001)
    t0 = w.now
    s = ica.Session(w, ("10.40.4.10", 1401), server=server)
    session_body(s, ("10.40.4.10", 1401), "EDT-PC", 0x81, 0x91)
    s.tcp.close()
    for i in (1, 2):        # the client's retries, no answer
        w.udp(client, server, handshake, ts=t0 + i * 1.0)
    w.now += 1.0
    s = ica.Session(w, ("10.40.4.11", 1402), server=server)
    session_body(s, ("10.40.4.11", 1402), "PLAIN-PC", 0x82, 0x92)
    s.tcp.close()


CAPTURES = {"triage-edt-fallback.pcap": build_edt_fallback, "triage-ends.pcap": build_ends, "triage-keepalive.pcap": build_keepalive, "triage-acr.pcap": build_acr,
            "triage-streams.pcap": build_streams}


if __name__ == "__main__":
    ica.main(__doc__, CAPTURES)
