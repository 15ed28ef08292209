"""citrix-triage's answers: how each connection and session ended, the latency
split at the capture point, the launch timeline and the ranked findings.

Everything here is computed from the same tshark pass as the rest of the
report (triage.py's FIELDS): TCP flags, tshark's own TCP analysis
(tcp.analysis.ack_rtt, .retransmission, .zero_window, .lost_segment) and the
plugin's fields (ica.terminate.reason, cgp.finish.type, ica.detect, ica.cmd,
ica.crypt.header, citrix.rtt_ms, udt.*).

Sides: the client side of the capture point is the path between the capture
point and the client, the server side the path to the server.  A frame the
client sends that acknowledges server data measures the client side's round
trip (server data seen here -> client ACK seen here); a frame the server
sends measures the server side.  The TCP handshake splits the same way
(SYN -> SYN/ACK: server side; SYN/ACK -> ACK: client side).
"""

ICA_INIT_CONNECT = 0x02      # ica_wd.h ICA_CMD_INIT_CONNECT: the host's last INIT packet
CRYPT_SESSIONKEY = 4         # ica.crypt.header PDCRYPT1 SESSIONKEY: the client's half of the key exchange
UDT_HANDSHAKE = 0            # UDT control type 0: handshake (EDT is UDT, edt.md)
UDT_SHUTDOWN = 5             # UDT control type 5: shutdown
TERMINATE_REASONS = {0: "disconnect", 1: "logoff", 2: "ack"}
CGP_REFUSED = "3"

# Auto client reconnect: a new ICA handshake from the same client name this soon after a drop is taken
# as the reconnection of the dropped session.  Our choice, not a Citrix value: Session Reliability's
# default 180 s (CTX114117), after which the client falls back to a full reconnect, plus two minutes.
ACR_WINDOW_S = 300.0

# EDT and TCP attempts of one client this close to each other are taken as one launch's parallel attempts.
# Our choice: the client starts both at once and retries EDT for a few seconds (edt.md); not a Citrix value.
EDT_TCP_WINDOW_S = 10.0

# Round trips over these are findings: 150 ms and 300 ms (issue 17, after HDX Insight's ICA RTT thresholds).
RTT_MEDIUM_MS, RTT_HIGH_MS = 150.0, 300.0
SEVERITY_RANK = {"high": 0, "medium": 1, "low": 2}


def present(row, f):
    return any(v not in ("", "0", "False") for v in row.get(f) or [])


def ints(row, f):
    out = []
    for v in row.get(f) or []:
        try:
            out.append(int(v, 0))
        except ValueError:
            pass
    return out


class Streams:
    """Per TCP connection (tcp.stream) what the report needs about every frame of it,
    kept while tshark's lines go by (the rows without citrix fields are not stored)."""

    def __init__(self):
        self.tcp = {}
        self.edt = {}       # (sender address, receiver address) -> EDT handshakes [(frame, time)]
        self.udt = {}       # (endpoint, endpoint) sorted -> one EDT (UDT) flow: add_udt

    def add(self, row, t, frame, src):
        sid = (row.get("tcp.stream") or [None])[0]
        if sid is None:
            if row.get("edt.handshake.variant"):
                ends = [(row.get("ip.%s" % k) or row.get("ipv6.%s" % k) or [None])[0] for k in ("src", "dst")]
                self.edt.setdefault(tuple(ends), []).append((frame, t))
            if row.get("udp.srcport"):
                self.add_udt(row, t, frame)
            return
        c = self.tcp.get(sid)
        if c is None:
            c = self.tcp[sid] = {"first_frame": frame, "first_t": t, "syn": None, "client": None,
                                 "frames": [], "rtt": {}, "retrans": {}, "zero": {}, "events": [],
                                 "max_gap": (0.0, None)}
        syn, ack = present(row, "tcp.flags.syn"), present(row, "tcp.flags.ack")
        if syn and not ack and c["syn"] is None:
            c["syn"] = (frame, t)
            c["client"] = src
        # (frame, time) of the last two frames: the silence before an end
        c["frames"] = (c["frames"] + [(frame, t)])[-2:]
        if len(c["frames"]) == 2 and t - c["frames"][0][1] > c["max_gap"][0]:
            c["max_gap"] = (t - c["frames"][0][1], frame)      # the longest silence, and the frame after it
        for v in row.get("tcp.analysis.ack_rtt") or []:
            c["rtt"].setdefault(src, []).append((float(v) * 1000.0, frame))
        if present(row, "tcp.analysis.retransmission"):
            c["retrans"][src] = c["retrans"].get(src, 0) + 1
        if present(row, "tcp.analysis.zero_window"):
            c["zero"][src] = c["zero"].get(src, 0) + 1
        kind = None
        if ints(row, "ica.terminate.reason"):
            kind = "ica_terminate"
        elif row.get("cgp.finish.type"):
            kind = "cgp_finish"
        elif present(row, "tcp.flags.reset"):
            kind = "reset"
        elif present(row, "tcp.flags.fin"):
            kind = "tcp_fin"
        if kind:
            prev_t = c["frames"][0][1] if len(c["frames"]) == 2 else t
            reason = ints(row, "ica.terminate.reason")
            c["events"].append({"how": kind, "src": src, "frame": frame, "time_s": t,
                                "silence_s": round(t - prev_t, 6),
                                "reason": TERMINATE_REASONS.get(reason[0], str(reason[0])) if reason else None})

    def add_udt(self, row, t, frame):
        """An EDT flow from its control packets, which carry no citrix.session (no CGP or ICA in
        them): its first handshake, the round trips of its ACKs, its first shutdown and the time
        since the flow's frame before it (data too), each with the sender's endpoint."""
        ends = [udp_endpoint(row, k) for k in ("src", "dst")]
        if None in ends:
            return
        key = tuple(sorted(ends))
        f = self.udt.get(key)
        if f is None:
            if not (row.get("udt.type") or row.get("udt.rtt")):
                return          # not (yet) seen as UDT: other UDP, or data before any control packet
            f = self.udt[key] = {"handshake": None, "rtt": [], "shutdown": None, "last_t": None,
                                 "max_gap": (0.0, None)}
        types = [v >> 16 if v > 0xFFFF else v for v in ints(row, "udt.type")]
        if UDT_HANDSHAKE in types and f["handshake"] is None:
            f["handshake"] = (frame, t, ends[0])
        f["rtt"] += [(int(v) / 1000.0, frame, ends[0]) for v in row.get("udt.rtt") or [] if v]
        if UDT_SHUTDOWN in types and f["shutdown"] is None:
            f["shutdown"] = (frame, t, ends[0], t - f["last_t"] if f["last_t"] is not None else None)
        if f["last_t"] is not None and t - f["last_t"] > f["max_gap"][0]:
            f["max_gap"] = (t - f["last_t"], frame)     # the longest silence, and the frame after it
        f["last_t"] = t


def stats(samples):
    """{"count", "min", "median", "max"} of numbers (null values when there are none)."""
    v = sorted(samples)
    n = len(v)
    if not n:
        return {"count": 0, "min": None, "median": None, "max": None}
    med = v[n // 2] if n % 2 else (v[n // 2 - 1] + v[n // 2]) / 2
    return {"count": n, "min": round(v[0], 3), "median": round(med, 3), "max": round(v[-1], 3)}


def side_of(src, client):
    if src is None or client is None:
        return None
    return "client" if src == client else "server"


def udp_endpoint(row, side):
    """'10.0.0.1:2598' / '[fe80::1]:2598' of a UDP row's sender or receiver, or None."""
    addr = (row.get("ip." + side) or row.get("ipv6." + side) or [None])[0]
    port = (row.get("udp.%sport" % side) or [None])[0]
    if not addr or not port:
        return None
    return "[%s]:%s" % (addr, port) if ":" in addr else "%s:%s" % (addr, port)


def edt_flow_of(s, streams):
    """The EDT flow between a session's client and server endpoints, or None."""
    if not s["client"] or not s["server"]:
        return None
    return streams.udt.get(tuple(sorted((s["client"], s["server"]))))


def edt_end(s, flow):
    """The session's end when its EDT flow was shut down, else None."""
    if not flow or not flow["shutdown"]:
        return None
    frame, t, src, silence = flow["shutdown"]
    return {"how": "edt_shutdown", "by": "client" if src == s["client"] else "server", "frame": frame,
            "time_s": round(t, 6), "silence_s": round(silence, 6) if silence is not None else None, "reason": None}


def connection_end(c, client, capture_end_t, capture_end_frame):
    """The first ending event of a connection (ICA TERMINATE, CGP FINISH, RST, FIN), else the capture's end."""
    if c["events"]:
        e = c["events"][0]
        return {"how": e["how"], "by": side_of(e["src"], client), "frame": e["frame"],
                "time_s": round(e["time_s"], 6), "silence_s": e["silence_s"], "reason": e["reason"]}
    last_frame, last_t = c["frames"][-1]
    return {"how": "capture_end", "by": None, "frame": capture_end_frame, "time_s": round(capture_end_t, 6),
            "silence_s": round(capture_end_t - last_t, 6), "reason": None}


def connections_of(s, streams, capture_end_t, capture_end_frame):
    out = []
    for sid in s["_streams"]:
        c = streams.tcp.get(sid)
        if c is None:
            continue
        client = c["client"] or s["_stream_client"].get(sid)
        server = s["_stream_server"].get(sid)
        out.append({"client": client, "server": server, "first_frame": c["first_frame"],
                    "start_s": round(c["first_t"], 6),
                    "end": connection_end(c, client, capture_end_t, capture_end_frame), "_c": c})
    return out


def latency_of(s, conns, flow):
    rtt = {"client": [], "server": []}
    retrans = {"client": 0, "server": 0}
    zero = {"client": 0, "server": 0}
    for conn in conns:
        c = conn["_c"]
        for src, samples in c["rtt"].items():
            side = side_of(src, conn["client"])
            if side:
                rtt[side] += samples
        for key, acc in (("retrans", retrans), ("zero", zero)):
            for src, n in c[key].items():
                side = side_of(src, conn["client"])
                if side:
                    acc[side] += n
    return {
        "client_side_rtt_ms": stats([v for v, _ in rtt["client"]]),
        "server_side_rtt_ms": stats([v for v, _ in rtt["server"]]),
        "edt_rtt_ms": stats([v for v, _, _ in flow["rtt"]] if flow else []),
        "ht_rtt_ms": stats([v for _, v in s["_rtt_t"]]),
        "ica_rtt_ms": s["_vc"][1],        # CTXEUEM's ICA round trip, from -z ica,tree
        "retransmissions": retrans, "zero_windows": zero,
    }, rtt


def launch_of(s, conns, flow):
    first = min(conns, key=lambda c: c["first_frame"]) if conns else None
    syn = first["_c"]["syn"] if first else None
    if not conns and flow and flow["handshake"]:
        syn = flow["handshake"][:2]     # an EDT session connects with its UDT handshake
    m = s["_marks"]
    _act, _rtt, app, mechanism, startup = s["_vc"]
    return {"connect_s": round(syn[1], 6) if syn else None,
            "detect_s": m.get("detect"), "handshake_s": m.get("handshake"),
            "key_exchange_s": m.get("key_exchange"), "first_graphics_s": m.get("first_graphics"),
            "app": app, "launch_mechanism": mechanism, "startup_ms": startup}


def finding(kind, severity, session, frame, text):
    return {"kind": kind, "severity": severity, "session": session, "frame": frame, "text": text}


def findings_of(s, conns, rtt, flow):
    n = s["number"]
    out = []
    for conn in conns:
        e = conn["end"]
        if e["how"] == "reset":
            out.append(finding("reset", "high", n, e["frame"], "connection %s -> %s reset by the %s after %.3f s "
                               "of silence" % (conn["client"], conn["server"], e["by"] or "unknown side",
                                               e["silence_s"])))
    for frame in s["_refused_frames"]:
        out.append(finding("refused_resume", "high", n, frame, "Session Reliability resume refused by the server"))
    out += launch_failures(s)
    # as the citrix post-dissector judges it (citrix.finding): a password read from a session whose
    # encryption is Basic, none or never agreed in the capture
    if s["_password_frames"] and s["encryption"] in ("Basic", "none", None):
        out.append(finding("credentials_exposed", "high", n, s["_password_frames"][0],
                           "the client sent a password under %s encryption (readable from the capture)"
                           % (s["encryption"] or "no agreed")))
    if s["_gap_frames"]:
        out.append(finding("capture_gap", "medium", n, s["_gap_frames"][0],
                           "bytes not captured before %d frame(s) (TCP segments, EDT datagrams or CGP records)"
                           % len(s["_gap_frames"])))
    if s["_desync_frames"]:
        out.append(finding("desync", "medium", n, s["_desync_frames"][0],
                           "ICA framing lost %d time(s); the decoder searched for the next frame"
                           % len(s["_desync_frames"])))
    for side in ("client", "server"):
        if not rtt[side]:
            continue
        worst, frame = max(rtt[side])
        if worst > RTT_MEDIUM_MS:
            out.append(finding("high_rtt", "high" if worst > RTT_HIGH_MS else "medium", n, frame,
                               "%s-side TCP round trip up to %.1f ms (over %d ms)" % (
                                   side, worst, RTT_HIGH_MS if worst > RTT_HIGH_MS else RTT_MEDIUM_MS)))
    if flow and flow["rtt"]:
        worst, frame, _src = max(flow["rtt"], key=lambda r: (r[0], -r[1]))
        if worst > RTT_MEDIUM_MS:
            out.append(finding("high_rtt", "high" if worst > RTT_HIGH_MS else "medium", n, frame,
                               "EDT round trip (UDT ACK) up to %.1f ms (over %d ms)" % (
                                   worst, RTT_HIGH_MS if worst > RTT_HIGH_MS else RTT_MEDIUM_MS)))
    interval = max(s["_keepalive_ms"]) / 1000.0 if s["_keepalive_ms"] else None
    for conn in conns:
        gap, frame = conn["_c"]["max_gap"]
        if interval and gap > interval:
            out.append(finding("keepalive_gap", "medium", n, frame,
                               "no frame for %.3f s on connection %s -> %s (CGP keep-alive interval %.3f s)"
                               % (gap, conn["client"], conn["server"], interval)))
    if flow and interval and flow["max_gap"][0] > interval:
        gap, frame = flow["max_gap"]
        out.append(finding("keepalive_gap", "medium", n, frame,
                           "no frame for %.3f s on EDT flow %s -> %s (CGP keep-alive interval %.3f s)"
                           % (gap, s["client"], s["server"], interval)))
    if s["_ht_frames"]:
        worst, frame = max(s["_ht_frames"], key=lambda vf: (vf[0], -vf[1]))
        if worst > RTT_MEDIUM_MS:
            out.append(finding("high_rtt", "high" if worst > RTT_HIGH_MS else "medium", n, frame,
                               "high-throughput round-trip estimate up to %d ms (over %d ms)" % (
                                   worst, RTT_HIGH_MS if worst > RTT_HIGH_MS else RTT_MEDIUM_MS)))
    return out


def launch_failures(s):
    """launch_failed: CTXCTL answered a launch with a failure status (at that frame); or the session ended
    before its first graphics after the ICA exchange had begun, where the INIT exchange was done or the
    end was a reset or came from the server.  A client that only sends its detect string and then ends
    cleanly (a probe, a test: captures/cgp-direct.pcap) launched nothing, so nothing failed."""
    n, m, e = s["number"], s["_marks"], s["end"]
    if s["_launch_failed"]:
        frame, status = s["_launch_failed"][0]
        names = [x["status"] for x in s["activity"]["launch_status"] if x["status"] != "SUCCESS"]
        return [finding("launch_failed", "high", n, frame, "the application launch failed (CTXCTL launch status "
                        "%s)" % (", ".join(names) or status))]
    if m.get("detect") is None or m.get("first_graphics") is not None or e["how"] == "capture_end":
        return []
    if m.get("handshake") is None and e["how"] != "reset" and e["by"] != "server":
        return []
    return [finding("launch_failed", "high", n, e["frame"], "the session ended (%s%s) before its first graphics"
                    % (e["how"], " by the %s" % e["by"] if e["by"] else ""))]


def rank(findings):
    return sorted(findings, key=lambda f: (SEVERITY_RANK[f["severity"]], f["session"], f["frame"], f["kind"]))


def apply(sessions, streams, capture_end_t, capture_end_frame):
    """Adds end, connections, latency and launch to every session; returns the file's ranked findings."""
    found = []
    for s in sessions:
        conns = connections_of(s, streams, capture_end_t, capture_end_frame)
        flow = None if conns else edt_flow_of(s, streams)
        if conns:
            last = max(conns, key=lambda c: (c["end"]["time_s"], c["end"]["frame"] or 0))
            s["end"] = dict(last["end"])
        else:       # no TCP (EDT only): an EDT shutdown or the capture's end
            s["end"] = edt_end(s, flow) or {"how": "capture_end", "by": None, "frame": capture_end_frame,
                                            "time_s": round(capture_end_t, 6),
                                            "silence_s": round(capture_end_t - s["end_s"], 6), "reason": None}
        s["latency"], rtt = latency_of(s, conns, flow)
        s["launch"] = launch_of(s, conns, flow)
        s["activity"] = s["_vc"][0]
        s["connections"] = [{k: v for k, v in c.items() if k != "_c"} for c in conns]
        found += findings_of(s, conns, rtt, flow)
    found += link_reconnects(sessions)
    group_streams(sessions)
    found += edt_fallbacks(sessions, streams)
    return rank(found)


def edt_fallbacks(sessions, streams):
    """edt_attempt of a session carried by TCP: EDT (UDT) handshakes from its client address to its
    server address within EDT_TCP_WINDOW_S of its first SYN (the client tries both side by side,
    edt.md), none of them carrying a session: {"frame", "time_s", "client_handshakes",
    "server_handshakes", "handshakes": [{"frame", "time_s", "by"}] in frame order}; an edt_fallback finding (medium) on the first handshake's frame."""
    out = []
    for s in sessions:
        s["edt_attempt"] = None
        conns = s["connections"]
        if not conns or s["launch"]["connect_s"] is None:
            continue
        c, v = host(s["client"]).strip("[]"), host(s["server"]).strip("[]")
        t = s["launch"]["connect_s"]
        near = lambda hs: [(f, ht) for f, ht in hs if abs(ht - t) <= EDT_TCP_WINDOW_S]  # noqa: E731
        mine, theirs = near(streams.edt.get((c, v), [])), near(streams.edt.get((v, c), []))
        if not mine or any(o["transport"] in ("edt", "cgp/edt") and host(o["client"]).strip("[]") == c
                           for o in sessions):
            continue
        frame, ht = mine[0]
        every = sorted([(f, round(x, 6), "client") for f, x in mine] + [(f, round(x, 6), "server") for f, x in theirs])
        e = s["edt_attempt"] = {"frame": frame, "time_s": round(ht, 6), "client_handshakes": len(mine),
                                "server_handshakes": len(theirs),
                                "handshakes": [{"frame": f, "time_s": x, "by": by} for f, x, by in every]}
        out.append(finding("edt_fallback", "medium", s["number"], frame,
                           "the client tried EDT (%s) and the session went over TCP" % edt_attempt_text(e)))
    return out


def edt_attempt_text(e):
    """'2 UDT handshake(s), no answer' of an edt_attempt (the finding's and the timeline's words)."""
    return "%d UDT handshake(s), %s" % (e["client_handshakes"], "%d answered" % e["server_handshakes"]
                                        if e["server_handshakes"] else "no answer")


def host(endpoint):
    """'10.0.0.1' of '10.0.0.1:1494', '[fe80::1]' of '[fe80::1]:1494'."""
    return endpoint.rpartition(":")[0] if endpoint else None


def group_streams(sessions):
    """streams: the other sessions of the same client address to the same server address whose time
    spans overlap this one's (its first frame or SYN to its end): Multi-Stream ICA connections, or
    parallel sessions of one client machine.  From addresses and times only: the MSI cookie and the
    stream priorities are not decoded."""
    def span(s):
        return (min(x for x in (s["start_s"], s["launch"]["connect_s"]) if x is not None), s["end"]["time_s"])
    for s in sessions:
        a0, a1 = span(s)
        s["streams"] = [o["number"] for o in sessions if o is not s and host(o["client"]) == host(s["client"])
                        and host(o["server"]) == host(s["server"]) and span(o)[0] <= a1 and a0 <= span(o)[1]]


def dropped(e):
    """A drop: a reset by either side, or a FIN from the server (a client's FIN is the user leaving)."""
    return e["how"] == "reset" or (e["how"] == "tcp_fin" and e["by"] == "server")


def link_reconnects(sessions):
    """reconnect_of / reconnected_by: a session whose ICA handshake (INIT_CONNECT) came from the client
    name of a session dropped at most ACR_WINDOW_S before it is that session's auto client reconnect
    (the latest such drop); an auto_reconnect finding (low) on its handshake frame."""
    out = []
    for s in sessions:
        s["reconnect_of"] = s["reconnected_by"] = None
    for b in sorted(sessions, key=lambda x: x["start_s"]):
        t = b["_marks"].get("handshake")
        if t is None or b["client_name"] is None:
            continue
        drops = [a for a in sessions if a is not b and a["client_name"] == b["client_name"] and dropped(a["end"])
                 and a["reconnected_by"] is None and 0.0 <= t - a["end"]["time_s"] <= ACR_WINDOW_S]
        if not drops:
            continue
        a = max(drops, key=lambda x: (x["end"]["time_s"], x["number"]))
        a["reconnected_by"], b["reconnect_of"] = b["number"], a["number"]
        out.append(finding("auto_reconnect", "low", b["number"], b["_marks"]["handshake_frame"],
                           "client %s reconnected %.3f s after session %d was dropped (%s by the %s, frame %s)"
                           % (b["client_name"], t - a["end"]["time_s"], a["number"], a["end"]["how"],
                              a["end"]["by"] or "unknown side", a["end"]["frame"])))
    return out


# ---- what the virtual-channel decoders learned (-z ica,tree) -------------------
#
# The "ica" tap's facts (include/citrix_tap.h enum ica_tap_fact_kind) are placed
# in -z ica,tree by the fact_places table of plugin/packet-ica-stats.c: one top
# node per channel ("Client-reported (CTXEUEM)", ...), under it one node per
# session label ("client:port -> server:port"), under that either
# "<label>: <text>" nodes (a text fact, counted), average nodes (a value fact),
# or "client to server" / "server to client" with "<text> (bytes)" average
# nodes (a byte count per direction, CTXCLIP).  The channel is the tag in
# brackets at the end of the part's name; the decoders of issue 18 still to come
# (CTXCDM, CTXFILE, CTXCPM, CTXGUSB, CTXCAM, CTXTWI) fill the lists of
# CHANNEL_LISTS from the rows they add to fact_places, whatever their labels.

ICA_TREE = "Citrix/ICA sessions"
ICA_TREE_OWN = ("ICA sessions", "ICA packets per session", "Virtual channel payload bytes",
                "High-throughput estimates")
DIR_NAMES = {"client to server": "c2s", "server to client": "s2c"}
# the channel tag of a part -> its list in "activity"
# (list, key of the fact's text, key of its tree label); each entry also has "direction" (of a byte
# count), "count" (facts or transfers) and "bytes" (null for a text fact)
CHANNEL_LISTS = {"CTXCDM": ("drive_files", "path", "operation"), "CTXFILE": ("file_transfers", "name", "label"),
                 "CTXCPM": ("printers", "name", "label"), "CTXGUSB": ("usb_devices", "device", "label"),
                 "CTXCAM": ("camera_formats", "format", "label"), "CTXTWI": ("processes", "name", "label")}


def channel_tag(part):
    """'CTXEUEM' of 'Client-reported (CTXEUEM)', or None."""
    if part.endswith(")") and " (" in part:
        return part[:-1].rpartition(" (")[2]
    return None


def ica_tree_facts(tree):
    """{session label: [(channel, node)]}: every session's fact nodes in -z ica,tree."""
    out = {}
    for top in tree.get(ICA_TREE, []):
        tag = channel_tag(top.name)
        if top.name in ICA_TREE_OWN or not tag:
            continue
        for sess in top.children:
            out.setdefault(sess.name, []).extend((tag, n) for n in sess.children)
    return out


def _bytes_rows(dir_node):
    """(format or name, count, total bytes, min, max) of the "<text> (bytes)" nodes under a direction.
    The total is count x the tree's average (printed to 2 decimals: exact below 100 transfers)."""
    for n in dir_node.children:
        if n.name.endswith(" (bytes)"):
            avg = n.values["average"] or 0
            yield n.name[:-len(" (bytes)")], n.count, int(round(n.count * avg)), n.values["min"], n.values["max"]


def empty_activity():
    return {"euem_client_name": None, "client_address": None, "launches": [], "command_lines": [],
            "launch_status": [], "urls": [], "session_events": [], "clipboard": [],
            "drive_files": [], "file_transfers": [], "printers": [], "usb_devices": [], "camera_formats": [],
            "processes": []}


def activity_of(facts):
    """(activity, ica_rtt_ms, app, launch_mechanism, startup_ms) of one session's fact nodes.
    Lists are sorted (the tree keeps no time order)."""
    act = empty_activity()
    rtt, apps, mechanisms, startup = stats([]), [], [], {}
    for tag, n in facts:
        label, sep, text = n.name.partition(": ")
        if tag == "CTXEUEM":
            if n.name == "ICA round trip (ms)":
                med = n.get("median")
                rtt = {"count": n.count, "min": n.values["min"], "median": med.count if med else None,
                       "max": n.values["max"]}
            elif n.name == "Startup durations (ms)":
                # a duration reported more than once: its largest
                startup = {d.name: d.values["max"] for d in sorted(n.children, key=lambda d: d.name)}
            elif label == "Client name" and sep:
                act["euem_client_name"] = text
            elif label == "Client address" and sep:
                act["client_address"] = text
            elif label == "Application" and sep:
                apps.append(text)
            elif label == "Launch mechanism" and sep:
                mechanisms.append(text)
        elif tag == "CTXCTL" and sep:
            key = {"Application launched": ("launches", "app"), "Launch status": ("launch_status", "status"),
                   "Session event": ("session_events", "event")}.get(label)
            if key:
                act[key[0]].append({key[1]: text, "count": n.count})
            elif label == "Command line":
                act["command_lines"].append(text)
            elif label == "URL redirected":
                act["urls"].append(text)
        elif tag == "CTXCLIP" and n.name in DIR_NAMES:
            for fmt, count, total, lo, hi in _bytes_rows(n):
                act["clipboard"].append({"direction": DIR_NAMES[n.name], "format": fmt, "count": count,
                                         "bytes": total, "min": lo, "max": hi})
        elif tag in CHANNEL_LISTS:
            key, tkey, lkey = CHANNEL_LISTS[tag]
            if n.name in DIR_NAMES:
                for text, count, total, _lo, _hi in _bytes_rows(n):
                    act[key].append({tkey: text, lkey: None, "direction": DIR_NAMES[n.name], "count": count,
                                     "bytes": total})
            elif sep:
                act[key].append({tkey: text, lkey: label, "direction": None, "count": n.count, "bytes": None})
    for k in ("launches", "launch_status", "session_events"):
        act[k].sort(key=lambda x: sorted(x.items()))
    for k in ("command_lines", "urls"):
        act[k].sort()
    act["clipboard"].sort(key=lambda x: (x["direction"], x["format"]))
    for key, tkey, lkey in CHANNEL_LISTS.values():
        act[key].sort(key=lambda x: (x[tkey], x[lkey] or "", x["direction"] or ""))
    app = sorted(apps)[0] if apps else (act["launches"][0]["app"] if act["launches"] else None)
    return act, rtt, app, (sorted(mechanisms)[0] if mechanisms else None), (startup or None)


def activity_pairs(s):
    """(what, value) for the text and HTML reports: the ICA round trip, the application and startup
    durations, and every non-empty part of a session's activity."""
    out = []
    e, la, act = s["latency"]["ica_rtt_ms"], s["launch"], s["activity"]
    if e["count"]:
        out.append(("ICA round trip (CTXEUEM)", "median %s ms (min %s, max %s, %d samples)"
                    % (e["median"], e["min"], e["max"], e["count"])))
    for key, what in (("app", "application"), ("launch_mechanism", "launch mechanism")):
        if la[key]:
            out.append((what, la[key]))
    if la["startup_ms"]:
        out.append(("startup durations", ", ".join("%s %s ms" % kv for kv in la["startup_ms"].items())))
    for key, what in (("euem_client_name", "client name (CTXEUEM)"), ("client_address", "client address (CTXEUEM)")):
        if act[key]:
            out.append((what, act[key]))
    for key, field, what in (("launches", "app", "applications launched (CTXCTL)"),
                             ("launch_status", "status", "launch status"),
                             ("session_events", "event", "session events")):
        if act[key]:
            out.append((what, ", ".join("%s x%d" % (x[field], x["count"]) for x in act[key])))
    for key, what in (("command_lines", "command lines"), ("urls", "URLs redirected")):
        if act[key]:
            out.append((what, ", ".join(act[key])))
    for c in act["clipboard"]:
        out.append(("clipboard %s %s" % ("client to server" if c["direction"] == "c2s" else "server to client",
                                         c["format"]), "%d transfer(s), %d bytes" % (c["count"], c["bytes"])))
    for key, tkey, lkey in CHANNEL_LISTS.values():
        for x in act[key]:
            out.append((key.replace("_", " "), "%s%s%s, %d time(s)%s" % (
                x[tkey], " (%s)" % x[lkey] if x[lkey] else "", " %s" % x["direction"] if x["direction"] else "",
                x["count"], ", %d bytes" % x["bytes"] if x["bytes"] is not None else "")))
    return out
