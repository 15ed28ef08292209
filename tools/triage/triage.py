#!/usr/bin/env python3
"""citrix-triage: what a support engineer asks of a Citrix capture, answered from tshark with the plugin.

For every capture (files and folders, recursing; any format Wireshark reads:
pcap, pcapng, NetScaler nstrace...): frames and duration; every Citrix
session (client name, build, product, transport, encryption, compression,
channels with bytes per direction, round-trip and bandwidth estimates, CGP
resumes and refusals); Command Center HA links (messages, gaps, closes,
resets); the port registry's view of every conversation.

    tools/citrix-triage CAPTURE_OR_FOLDER...            text report
    tools/citrix-triage --json ...                      one JSON object
    tools/citrix-triage --html report.html ...          self-contained HTML (matplotlib pictures)
    tools/citrix-triage merge A.json B.json ... [--json] [--html out.html]
                                                        one report from per-file --json outputs

Data: one tshark run per file for the per-frame fields of the "citrix"
post-dissector (citrix.session, citrix.vc.bytes, ... fed by the ICA, CGP and
CCHA taps) together with -z citrix,tree, -z ccha,tree and the port registry's
conversation rows (-z portreg,conv); everything else is computed here.
tshark runs through tools/lib/wsrun.py: the plugin loaded as a user loads it,
as an unprivileged user when we are root, with a fresh HOME and a pinned
empty configuration directory, so no personal profile or preference changes
the results.  Bad inputs (unreadable, truncated, not a capture) are listed
under "errors" and make the exit status 1; the others are still reported.
"""
import argparse
import concurrent.futures
import io
import json
import multiprocessing
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
from wsrun import Wireshark, default_plugin_root  # noqa: E402
import statstree  # noqa: E402
import verdicts  # noqa: E402


def build_info(plugin_root):
    """{"plugin", "wireshark", "installed"} from version.json beside this file (the
    package installs it there) or triage-version.json beside the build's plugins/
    folder (cmake writes it), or None when neither exists (nothing built yet)."""
    for path in (os.path.join(HERE, "version.json"),
                 os.path.join(plugin_root or "", os.pardir, "triage-version.json")):
        try:
            with open(path) as f:
                return json.load(f)
        except (OSError, ValueError):
            continue
    return None


INFO = build_info(default_plugin_root())
# Installed by the package: tshark loads the plugin from Wireshark's global
# folder, so no copy of a build's plugin is put in a personal folder.
INSTALLED = bool(INFO and INFO.get("installed"))


def wireshark(plugin):
    return Wireshark(plugin) if plugin else Wireshark(with_plugin=False)

# Per-frame fields; the ones this build does not register are left out.
FIELDS = [
    "frame.number", "frame.time_relative",
    "ip.src", "ip.dst", "ipv6.src", "ipv6.dst", "tcp.srcport", "tcp.dstport", "tcp.stream",
    "tcp.analysis.lost_segment", "citrix.finding",
    "citrix.session", "citrix.transport", "citrix.direction", "citrix.ica_bytes",
    "citrix.vc.number", "citrix.vc.bytes", "citrix.rtt_ms", "citrix.bandwidth_bps",
    "citrix.cgp.event", "citrix.client_name", "citrix.client_build", "citrix.client_product_id",
    "citrix.encryption", "citrix.compression", "citrix.ha.link", "ccha.gap",
    # ends, latency split, launch timeline, findings (verdicts.py)
    "tcp.flags.syn", "tcp.flags.ack", "tcp.flags.fin", "tcp.flags.reset", "tcp.analysis.ack_rtt",
    "tcp.analysis.retransmission", "tcp.analysis.zero_window", "ica.terminate.reason", "cgp.finish.type",
    "ica.detect", "ica.cmd", "ica.crypt.header", "ica.ui.password", "ica.credentials.password_length",
    "ica.desync.frame_length", "ica.desync.handshake", "udt.type", "udt.rtt", "udp.srcport", "udp.dstport", "cgp.keepalive.c2s", "cgp.keepalive.s2c",
    "ica.ctl.launch_status", "edt.handshake.variant",
]
SEP, AGG = "\x1f", "\x1e"       # never in field values we read as lists
TRANSPORTS = ("tcp", "udp", "sctp", "dccp")
DIRS = ("c2s", "s2c")
ENCRYPTION = {"0": None, "1": "none", "2": "Basic", "3": "RC5 (SecureICA)", "4": "TLS"}
# The plugin's names for citrix.compression (compression_vals in plugin/packet-ica.c), so the report words
# a reducer as the GUI and -z citrix,tree do; test_triage.py::SameEverywhere checks them against -G values.
COMPRESSION = {"0": "none", "1": "reducer level 1", "2": "reducer level 2 (Mark II, not decodable)",
               "3": "reducer V3/V4", "4": "unknown reducer", "5": "PDCOMP (not decodable)"}
CGP_RESUME, CGP_REFUSED = "2", "3"
HT_ABSENT = 0xFFFFFFFF          # ICA_TAP_HT_ABSENT: a high-throughput header without that estimate
IANA_STATUS = {"0": "Dynamic", "1": "Assigned", "2": "Reserved", "3": "Unassigned", "4": "Listed, no name"}
RANGE = {"0": "System", "1": "User", "2": "Dynamic"}

# What tshark says about a file it cannot read (wiretap's messages, 4.0-4.6).
NOT_A_CAPTURE = ("isn't a capture file in a format", "is a capture file of a format that isn't supported",
                 "unknown file format", "doesn't have a format")
TRUNCATED = ("cut short in the middle of a packet", "appears to be damaged or corrupt", "short read")


class BadInput(Exception):
    pass


def true(v):
    """tshark booleans: 1/0 on 4.0, True/False on 4.4+."""
    return v in ("1", "True", "true")


# ---- inputs ------------------------------------------------------------------

def expand(paths):
    """Files in argument order; folders recursed (sorted, dot files skipped).
    Returns (files, errors) with an error for each path that does not exist."""
    files, errors = [], []
    for p in paths:
        if os.path.isdir(p):
            for root, dirs, names in os.walk(p):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                files += [os.path.join(root, n) for n in sorted(names) if not n.startswith(".")]
        elif os.path.lexists(p):
            files.append(p)
        else:
            errors.append({"path": p, "reason": "unreadable: no such file or directory"})
    return files, errors


def check_readable(path):
    if not os.path.isfile(path):
        raise BadInput("unreadable: not a regular file")
    try:
        with open(path, "rb") as f:
            f.read(1)
    except OSError as e:
        raise BadInput("unreadable: %s" % (e.strerror or e))
    if os.path.getsize(path) == 0:
        raise BadInput("not a capture: empty file")


def tshark_error(err):
    """(kind, reason) from tshark's stderr: kind 'bad' (nothing usable) or 'truncated'."""
    lines = [x.strip() for x in err.splitlines() if x.strip()]
    text = " ".join(lines)
    low = text.lower()
    msg = lines[-1] if lines else "tshark failed"
    for m in TRUNCATED:
        if m in low:
            return "truncated", "truncated: " + msg.replace("tshark: ", "")
    for m in NOT_A_CAPTURE:
        if m in low:
            return "bad", "not a capture: " + msg.replace("tshark: ", "")
    if "permission denied" in low or "can't be opened" in low or "couldn't be opened" in low:
        return "bad", "unreadable: " + msg.replace("tshark: ", "")
    return "bad", "tshark failed: " + msg.replace("tshark: ", "")


# ---- one file ----------------------------------------------------------------

class FieldSet:
    """The fields to ask tshark for: all of FIELDS until a tshark run says some are not
    registered (another Wireshark release), then the ones this build registers (asked once,
    -G fields): no tshark start-up spent on asking when every field is there."""
    lock = threading.Lock()
    known = None

    @classmethod
    def fields(cls):
        with cls.lock:
            return list(FIELDS) if cls.known is None else [f for f in FIELDS if f in cls.known]

    @classmethod
    def get(cls, plugin):
        with cls.lock:
            if cls.known is None:
                ws = wireshark(plugin)
                out, _ = ws.run(["-G", "fields"])
                cls.known = {line.split("\t")[2] for line in out.splitlines()
                             if line.startswith("F\t") and line.count("\t") >= 2}
                shutil.rmtree(ws.tmp, True)
            return cls.known


UNKNOWN_FIELDS = "Some fields aren't valid"      # tshark's message for an -e it does not know


class Stream:
    """tshark's stdout line by line (memory stays bounded on big captures);
    stderr and the exit status once the lines are read."""

    def __init__(self, ws, args):
        self.errf = tempfile.TemporaryFile()
        self.p = subprocess.Popen(ws.prefix + ["tshark"] + list(args), env=ws.env, stdout=subprocess.PIPE,
                                  stderr=self.errf)

    def lines(self):
        # decoded by the text layer in blocks, not line by line (a fifth of triage's Python time)
        for line in io.TextIOWrapper(self.p.stdout, encoding="utf-8", errors="replace", newline="\n"):
            yield line.rstrip("\n")
        self.rc = self.p.wait()
        self.errf.seek(0)
        self.err = self.errf.read().decode("utf-8", "replace")
        self.errf.close()


class Row(dict):
    """One frame's fields, each a list of its values; only the fields the frame has are stored
    (most of the fields are empty on most frames): an absent one reads as [] either way."""
    __slots__ = ()

    def __missing__(self, key):
        return []


def read_fields(stream, fields, streams):
    """(frames, first time, last time, last frame number, rows that carry citrix fields,
    statistics text); every TCP frame also goes to streams (verdicts.Streams)."""
    frames, t_min, t_max, last_frame, rows, stats = 0, None, None, 0, [], []
    in_stats = False
    for line in stream.lines():
        if in_stats or (line.startswith("====") and set(line) == {"="}):
            in_stats = True
            stats.append(line)
            continue
        vals = line.split(SEP)
        if len(vals) != len(fields):
            continue
        row = Row((f, v.split(AGG)) for f, v in zip(fields, vals) if v)
        frames += 1
        t = float(first(row, "frame.time_relative", "0"))
        t_min = t if t_min is None or t < t_min else t_min
        t_max = t if t_max is None or t > t_max else t_max
        last_frame = int(first(row, "frame.number", "0"))
        streams.add(row, t, last_frame, endpoint(row, "src"))
        if row.get("citrix.session") or row.get("citrix.ha.link"):
            rows.append(row)
    return frames, t_min, t_max, last_frame, rows, "\n".join(stats)


def first(row, f, default=None):
    v = row.get(f) or []
    return v[0] if v else default


def last(row, f, default=None):
    v = row.get(f) or []
    return v[-1] if v else default


def endpoint(row, side):
    addr = first(row, "ip." + side) or first(row, "ipv6." + side)
    port = first(row, "tcp.%sport" % ("src" if side == "src" else "dst"))
    if not addr:
        return None
    return "[%s]:%s" % (addr, port) if ":" in addr else "%s:%s" % (addr, port)


def median(values):
    v = sorted(values)
    n = len(v)
    if not n:
        return None
    return v[n // 2] if n % 2 else (v[n // 2 - 1] + v[n // 2]) / 2


def estimate(samples):
    """{"median", "min", "max", "samples"} of (t, value) samples, or None."""
    if not samples:
        return None
    vals = [v for _, v in samples]
    return {"median": median(vals), "min": min(vals), "max": max(vals), "samples": len(vals)}


def sessions_from(rows, tree):
    """Sessions from the per-frame citrix.* fields; labels and channel names from -z citrix,tree;
    what the channel decoders learned from -z ica,tree (same session labels)."""
    labels, names = {}, {}
    facts = verdicts.ica_tree_facts(tree)
    for top in tree.get("Citrix/Sessions and HA links", []):
        if top.name != "Citrix sessions":
            continue
        for row in top.children:
            num, _, label = row.name.partition(": ")
            sid = str(int(num.replace("Session ", "")))      # "Session 0002" -> "2"
            labels[sid] = label
            ch = row.get("Channel bytes")
            for c in (ch.children if ch else []):
                if c.name.endswith(")") and " (" in c.name:
                    nm, _, n = c.name[:-1].rpartition(" (")
                    names[(sid, n)] = nm
    sessions = {}
    for r in rows:
        sids = r.get("citrix.session") or []
        if not sids:
            continue
        sid = sids[0]
        t = float(first(r, "frame.time_relative", "0"))
        s = sessions.get(sid)
        if s is None:
            s = sessions[sid] = {
                "number": int(sid), "client_name": None, "client_build": None, "client_product_id": None,
                "client": None, "server": None, "transport": None, "encryption": None,
                "compression": {"c2s": None, "s2c": None}, "resumes": 0, "refused_resumes": 0,
                "frames": 0, "first_frame": int(first(r, "frame.number")), "start_s": t, "end_s": t,
                "ica_bytes": {"c2s": 0, "s2c": 0}, "_ch": {}, "_rtt": [], "_bw": [], "_timeline": [], "_ica_t": [],
                "_resume_t": [], "_refused_t": [], "_gap_t": [],
                "_streams": [], "_stream_client": {}, "_stream_server": {}, "_marks": {}, "_refused_frames": [],
                "_password_frames": [], "_gap_frames": [], "_desync_frames": [],
                "_ch_t": [], "_ht_frames": [], "_keepalive_ms": [], "_launch_failed": []}
        s["frames"] += 1
        s["end_s"] = t
        frame = int(first(r, "frame.number"))
        dirs = r.get("citrix.direction") or []
        note_verdict_rows(s, r, t, frame, dirs)
        if s["client"] is None and dirs:
            src, dst = endpoint(r, "src"), endpoint(r, "dst")
            s["client"], s["server"] = (src, dst) if dirs[0] == "0" else (dst, src)
        s["transport"] = last(r, "citrix.transport", s["transport"])
        s["client_name"] = last(r, "citrix.client_name", s["client_name"])
        if r.get("citrix.client_build"):
            s["client_build"] = int(last(r, "citrix.client_build"))
        if r.get("citrix.client_product_id"):
            s["client_product_id"] = int(last(r, "citrix.client_product_id"), 0)
        enc = ENCRYPTION.get(last(r, "citrix.encryption", "0"))
        s["encryption"] = enc or s["encryption"]
        # CGP records come first in a frame, each with a direction; then the ICA
        # records, each with a direction and a byte count
        n_ica = len(r.get("citrix.ica_bytes") or [])
        ica_dirs = dirs[len(dirs) - n_ica:] if n_ica else []
        for d, c in zip(ica_dirs, r.get("citrix.compression") or []):
            s["compression"][DIRS[int(d)]] = COMPRESSION.get(c, "unknown reducer")
        for d, b in zip(ica_dirs, r.get("citrix.ica_bytes") or []):
            s["ica_bytes"][DIRS[int(d)]] += int(b)
            s["_ica_t"].append((t, DIRS[int(d)], int(b)))
        d = DIRS[int(ica_dirs[0])] if ica_dirs else None
        for ch, b in zip(r.get("citrix.vc.number") or [], r.get("citrix.vc.bytes") or []):
            c = s["_ch"].setdefault(ch, {"c2s": 0, "s2c": 0})
            c[d or "c2s"] += int(b)
            s["_timeline"].append((t, ch, d, int(b)))
        # a header without the estimate shows ICA_TAP_HT_ABSENT (citrix_tap.h)
        s["_rtt"] += [(t, int(v)) for v in r.get("citrix.rtt_ms") or [] if int(v) != HT_ABSENT]
        s["_ht_frames"] += [(int(v), frame) for v in r.get("citrix.rtt_ms") or [] if int(v) != HT_ABSENT]
        s["_bw"] += [(t, int(v)) for v in r.get("citrix.bandwidth_bps") or [] if int(v) != HT_ABSENT]
        for ev in r.get("citrix.cgp.event") or []:
            if ev == CGP_RESUME:
                s["resumes"] += 1
                s["_resume_t"].append(t)
            elif ev == CGP_REFUSED:
                s["refused_resumes"] += 1
                s["_refused_t"].append(t)
                s["_refused_frames"].append(frame)
        # TCP's own verdict, or the ICA decoder told of bytes missing (a lost EDT datagram or CGP record too)
        if r.get("tcp.analysis.lost_segment") or "capture_gap" in (r.get("citrix.finding") or []):
            s["_gap_t"].append(t)
            s["_gap_frames"].append(frame)
    out = []
    for sid in sorted(sessions, key=int):
        s = sessions[sid]
        label = labels.get(sid)
        if label and " -> " in label:
            s["client"], s["server"] = label.split(" -> ", 1)
        s["channels"] = [{"name": names.get((sid, ch), "channel %s" % ch), "number": int(ch),
                          "bytes": v["c2s"] + v["s2c"], "bytes_c2s": v["c2s"], "bytes_s2c": v["s2c"]}
                         for ch, v in sorted(s.pop("_ch").items(), key=lambda kv: int(kv[0]))]
        s["_rtt_t"] = s["_rtt"]
        rtt, bw = estimate(s.pop("_rtt")), estimate(s.pop("_bw"))
        s["rtt_ms"] = rtt["median"] if rtt else None
        s["rtt_estimates"] = rtt
        s["bandwidth_bps"] = bw["median"] if bw else None
        s["bandwidth_estimates"] = bw
        s["duration_s"] = round(s["end_s"] - s["start_s"], 6)
        s["capture_gaps"] = len(s["_gap_t"])
        s["_label"] = label
        s["_vc"] = verdicts.activity_of(facts.get(label or "%s -> %s" % (s["client"], s["server"]), []))
        ctxtw = [t for t, ch, d in s.pop("_ch_t") if names.get((sid, ch)) == "CTXTW"]
        if ctxtw:
            s["_marks"]["first_graphics"] = round(ctxtw[0], 6)
        out.append(s)
    return out


def note_verdict_rows(s, r, t, frame, dirs):
    """What verdicts.py needs from a session's frame: its connection and which end is the
    client, the launch steps, passwords and desyncs (an EDT flow's round trips and shutdown come
    from its control packets: verdicts.Streams.add_udt)."""
    sid = first(r, "tcp.stream")
    if sid is not None and sid not in s["_stream_client"] and dirs:
        src, dst = endpoint(r, "src"), endpoint(r, "dst")
        s["_stream_client"][sid], s["_stream_server"][sid] = (src, dst) if dirs[0] == "0" else (dst, src)
        s["_streams"].append(sid)
    s["_keepalive_ms"] += [int(v) for f in ("cgp.keepalive.c2s", "cgp.keepalive.s2c") for v in r.get(f) or [] if v]
    marks = s["_marks"]
    for key, hit in (("detect", bool(r.get("ica.detect"))),
                     ("handshake", verdicts.ICA_INIT_CONNECT in verdicts.ints(r, "ica.cmd")),
                     ("key_exchange", verdicts.CRYPT_SESSIONKEY in verdicts.ints(r, "ica.crypt.header"))):
        if hit and key not in marks:
            marks[key] = round(t, 6)
            marks[key + "_frame"] = frame
    for ch in r.get("citrix.vc.number") or []:
        s["_ch_t"].append((t, ch, None))
    # a password in the handshake (UI_C2H) or in WDCREDENTIALS (its length: the password itself is hidden)
    if any(r.get("ica.ui.password") or []) or \
            any(v and int(v) > 0 for v in r.get("ica.credentials.password_length") or []):
        s["_password_frames"].append(frame)
    s["_launch_failed"] += [(frame, v) for v in verdicts.ints(r, "ica.ctl.launch_status") if v != 0]
    if verdicts.present(r, "ica.desync.frame_length") or verdicts.present(r, "ica.desync.handshake"):
        s["_desync_frames"].append(frame)


def ha_links_from(rows, tree):
    links = []
    roots = tree.get("Citrix/Command Center HA links", [])
    top = roots[0] if roots else None
    gaps = {}
    for r in rows:
        if r.get("citrix.ha.link") and any(true(g) for g in r.get("ccha.gap") or []):
            gaps.setdefault(first(r, "citrix.ha.link"), []).append(float(first(r, "frame.time_relative")))
    for link in (top.children if top else []):
        num, _, label = link.name.partition(": ")
        lid = num.replace("Link ", "")
        peer, _, service = label.partition(" -> ")
        entry = {"link": int(lid), "peer": peer, "service": service,
                 "carrier": [c.name[len("Carrier: "):] for c in link.children_starting("Carrier: ")][-1:] or [None],
                 "first_frame": link.child("First frame").count,
                 "closes": link.child("Closes (FIN)").count, "resets": link.child("Resets (RST)").count}
        entry["carrier"] = entry["carrier"][0]
        for key, d in (("to_service", "to service port"), ("from_service", "from service port")):
            n = link.get(d)
            med = n.get("Median interval (us)") if n else None
            mx = n.get("Max interval (us)") if n else None
            entry[key] = {"messages": n.child("Messages").count if n else 0,
                          "gaps": n.child("Gaps").count if n else 0,
                          "median_interval_s": med.count / 1e6 if med else None,
                          "max_interval_s": mx.count / 1e6 if mx else None}
        entry["gaps"] = entry["to_service"]["gaps"] + entry["from_service"]["gaps"]
        entry["gap_times_s"] = gaps.get(lid, [])
        links.append(entry)
    return links


PORTREG_CONV = "Port registry conversations (portreg,conv):"
_UNESCAPE = {"\\": "\\", "t": "\t", "n": "\n", "r": "\r"}


def _unescape(text):
    """A -z portreg,conv string: \\ \t \n \r back to what they stand for."""
    if "\\" not in text:
        return text
    out, i = [], 0
    while i < len(text):
        if text[i] == "\\" and i + 1 < len(text):
            out.append(_UNESCAPE.get(text[i + 1], "\\" + text[i + 1]))
            i += 2
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def split_portreg_conv(stats):
    """(the -z portreg,conv lines, the rest of the statistics text for statstree.parse)."""
    lines = stats.split("\n")
    try:
        i = lines.index(PORTREG_CONV)
    except ValueError:
        return [], stats
    j = i + 1
    while j < len(lines) and not (lines[j].startswith("====") and set(lines[j]) == {"="}):
        j += 1
    return lines[i + 1:j], "\n".join(lines[:i - 1] + lines[j + 1:])


def portreg_from(conv_lines):
    """One row per transport conversation (service side first), from the last frame that carried it:
    -z portreg,conv (plugin/packet-portreg.c) gives a line per conversation and service side,
    merged here by addresses and ports (a port reused by a new conversation is one row)."""
    entries = []
    for line in conv_lines:
        v = [_unescape(x) for x in line.split("\t")]
        if len(v) < 14:
            continue
        entries.append(v)
    entries.sort(key=lambda v: int(v[6]))           # by last frame: the last one's facts win
    convs = {}
    for v in entries:
        transport, saddr, sport, caddr, cport, frames = v[0], v[1], int(v[2]), v[3], int(v[4]), int(v[5])
        row = convs.setdefault((transport, saddr, sport, caddr, cport), {"frames": 0, "observed": ""})
        row["frames"] += frames
        row["svc"] = v
        row["observed"] = v[12] or row["observed"]
    rows = []
    for (transport, saddr, sport, caddr, cport), row in sorted(convs.items()):
        v = row["svc"]
        rows.append({
            "transport": transport, "service": "%s:%d" % (saddr, sport), "client": "%s:%d" % (caddr, cport),
            "service_port": sport, "frames": row["frames"],
            "iana_service": v[14:],
            "iana_status": IANA_STATUS.get(v[7], None),
            "range": RANGE.get(v[8], None),
            "defacto": v[13] or None,
            "defacto_kind": v[9] or None,
            "divergent": v[10] == "1",
            "ghost": v[11] == "1",
            "observed": row["observed"] or None,
        })
    findings = [r for r in rows if r["divergent"] or r["ghost"] or r["iana_status"] in ("Unassigned", "Dynamic")
                or (r["defacto_kind"] not in (None, "matches"))]
    return {"conversations": rows, "findings": len(findings)}


def session_args(cap, fields):
    """tshark's arguments for the one pass over a file: the per-frame fields, the citrix, ccha
    and ica statistics trees and the port registry's conversation rows (-z portreg,conv)."""
    args = ["-n", "-r", cap, "-T", "fields", "-E", "separator=" + SEP, "-E", "aggregator=" + AGG,
            "-E", "occurrence=a"]
    for f in fields:
        args += ["-e", f]
    return args + ["-z", "citrix,tree", "-z", "ccha,tree", "-z", "ica,tree", "-z", "portreg,conv"]


def triage_file(path, plugin):
    """One file's report, or BadInput.  A truncated file is reported with "complete": false
    and also raises nothing: the caller adds its error."""
    check_readable(path)
    ws = wireshark(plugin)
    try:
        # as root tshark runs as nobody: give it a copy it can read
        cap = ws.stage(path) if ws.prefix else os.path.abspath(path)
        stream, streams, fields = None, None, FieldSet.fields()
        for _ in range(2):
            stream = Stream(ws, session_args(cap, fields))
            streams = verdicts.Streams()
            frames, t_min, t_max, last_frame, rows, stats = read_fields(stream, fields, streams)
            if UNKNOWN_FIELDS not in stream.err:
                break
            fields = [f for f in FIELDS if f in FieldSet.get(plugin)]
        err = stream.err
        if "Dissector bug" in err:
            raise BadInput("tshark reported a dissector bug (please report it)")
        problem = None
        if stream.rc != 0 or "tshark:" in err:
            kind, reason = tshark_error(err.replace('"%s"' % cap, '"%s"' % path).replace(cap, path))
            if kind == "bad" or not frames:
                raise BadInput(reason)
            problem = reason
        conv_lines, stats = split_portreg_conv(stats)
        tree = statstree.parse(stats)
        sessions = sessions_from(rows, tree)
        findings = verdicts.apply(sessions, streams, t_max or 0.0, last_frame or None)
        report = {
            "path": path, "frames": frames,
            "duration_s": round(t_max - t_min, 6) if frames else 0.0,
            "complete": problem is None,
            "findings": findings,
            "sessions": sessions,
            "ha_links": ha_links_from(rows, tree),
            "portreg": portreg_from(conv_lines),
        }
        if problem:
            report["problem"] = problem
        return report
    finally:
        shutil.rmtree(ws.tmp, True)


# ---- reports -----------------------------------------------------------------

def public(obj):
    """Drop the private (_timeline...) keys for JSON."""
    if isinstance(obj, dict):
        return {k: public(v) for k, v in obj.items() if not k.startswith("_")}
    if isinstance(obj, list):
        return [public(v) for v in obj]
    return obj


def fmt_num(v):
    return "-" if v is None else ("%g" % v if isinstance(v, float) else str(v))


def end_text(e):
    who = " by the %s" % e["by"] if e["by"] else ""
    why = " (%s)" % e["reason"] if e.get("reason") else ""
    silence = "" if e["silence_s"] is None else ", after %s s of silence" % fmt_num(e["silence_s"])
    return "%s%s%s at frame %s, %s s%s" % (e["how"], why, who, e["frame"], fmt_num(e["time_s"]), silence)


def text_report(result):
    out = []
    for f in result["files"]:
        out.append("== %s: %d frames over %.3f s%s" % (f["path"], f["frames"], f["duration_s"],
                                                       "" if f["complete"] else " (INCOMPLETE: %s)" % f["problem"]))
        out.append("Findings: %d" % len(f["findings"]))
        for x in f["findings"]:
            out.append("  [%s] %s: session %d, frame %d: %s" % (x["severity"], x["kind"], x["session"], x["frame"],
                                                                 x["text"]))
        out.append("Sessions: %d" % len(f["sessions"]))
        for s in f["sessions"]:
            out.append("  Session %d: %s -> %s, transport %s, %d frames, %.3f s" % (
                s["number"], s["client"], s["server"], s["transport"], s["frames"], s["duration_s"]))
            client = "client %s" % (s["client_name"] if s["client_name"] is not None else "(name not seen)")
            if s["client_build"] is not None:
                client += ", build %d" % s["client_build"]
            if s["client_product_id"] is not None:
                client += ", product id 0x%04x" % s["client_product_id"]
            out.append("    " + client)
            out.append("    encryption %s; compression client to server %s, server to client %s" % (
                s["encryption"] or "not known", s["compression"]["c2s"] or "not known",
                s["compression"]["s2c"] or "not known"))
            for c in s["channels"]:
                out.append("    channel %-10s %9d bytes (client to server %d, server to client %d)" % (
                    "%s (%d)" % (c["name"], c["number"]) if not c["name"].startswith("channel ") else c["number"],
                    c["bytes"], c["bytes_c2s"], c["bytes_s2c"]))
            for key, label, unit in (("rtt_estimates", "round-trip estimate", "ms"),
                                     ("bandwidth_estimates", "bandwidth estimate", "bytes/s")):
                e = s[key]
                if e:
                    out.append("    %s: median %s %s (min %s, max %s, %d headers)" % (
                        label, fmt_num(e["median"]), unit, fmt_num(e["min"]), fmt_num(e["max"]), e["samples"]))
            if s["transport"] and s["transport"].startswith("cgp"):
                out.append("    CGP resumes %d, refused %d" % (s["resumes"], s["refused_resumes"]))
            if s["capture_gaps"]:
                out.append("    capture gaps (bytes not captured): %d" % s["capture_gaps"])
            out.append("    ended: " + end_text(s["end"]))
            for key, label in (("reconnect_of", "auto client reconnect of session"),
                               ("reconnected_by", "reconnected as session")):
                if s[key] is not None:
                    out.append("    %s %d" % (label, s[key]))
            if s["streams"]:
                out.append("    side by side from the same client to the same server: session(s) %s"
                           % ", ".join(str(n) for n in s["streams"]))
            if len(s["connections"]) > 1:
                for c in s["connections"]:
                    out.append("      connection %s -> %s (frame %d): %s" % (c["client"], c["server"], c["first_frame"],
                                                                            end_text(c["end"])))
            lat = s["latency"]
            for key, label in (("client_side_rtt_ms", "client side"), ("server_side_rtt_ms", "server side")):
                e = lat[key]
                if e["count"]:
                    out.append("    TCP round trip %s: median %s ms (min %s, max %s, %d samples)" % (
                        label, fmt_num(e["median"]), fmt_num(e["min"]), fmt_num(e["max"]), e["count"]))
            e = lat["edt_rtt_ms"]
            if e["count"]:
                out.append("    EDT round trip (UDT ACKs): median %s ms (min %s, max %s, %d samples)" % (
                    fmt_num(e["median"]), fmt_num(e["min"]), fmt_num(e["max"]), e["count"]))
            out.append("    retransmissions client %d, server %d; zero windows client %d, server %d" % (
                lat["retransmissions"]["client"], lat["retransmissions"]["server"], lat["zero_windows"]["client"],
                lat["zero_windows"]["server"]))
            steps = [(k[:-2].replace("_", " "), v) for k, v in s["launch"].items() if k.endswith("_s") and v is not None]
            if steps:
                out.append("    launch: " + ", ".join("%s %s s" % (k, fmt_num(v)) for k, v in steps))
            out += activity_text(s)
        out.append("Command Center HA links: %d" % len(f["ha_links"]))
        for h in f["ha_links"]:
            out.append("  Link %d: %s -> %s, carrier %s, first frame %d" % (
                h["link"], h["peer"], h["service"], h["carrier"], h["first_frame"]))
            for key, label in (("to_service", "to service port"), ("from_service", "from service port")):
                d = h[key]
                out.append("    %-17s %5d messages, median interval %s s, max %s s, %d gaps" % (
                    label, d["messages"], fmt_num(d["median_interval_s"]), fmt_num(d["max_interval_s"]), d["gaps"]))
            out.append("    closes (FIN) %d, resets (RST) %d" % (h["closes"], h["resets"]))
        pr = f["portreg"]
        out.append("Port registry: %d conversations, %d findings" % (len(pr["conversations"]), pr["findings"]))
        for c in pr["conversations"]:
            out.append("  %-4s %s <- %s  %d frames" % (c["transport"], c["service"], c["client"], c["frames"]))
            flags = [x.upper() for x in ("divergent", "ghost") if c[x]]
            reg = "%s (%s, %s)" % (",".join(c["iana_service"]) or "-", c["iana_status"] or "?", c["range"] or "?")
            if c["defacto"]:
                reg += "; de facto: %s [%s]" % (c["defacto"], c["defacto_kind"])
            out.append("       registry: %s%s" % (reg, "  " + " ".join(flags) if flags else ""))
            out.append("       observed: %s" % (c["observed"] or "(nothing beyond the transport)"))
        out.append("")
    if result["errors"]:
        out.append("Errors: %d" % len(result["errors"]))
        for e in result["errors"]:
            out.append("  %s: %s" % (e["path"], e["reason"]))
    return "\n".join(out).rstrip("\n") + "\n"


def activity_text(s):
    """Lines for what the channel decoders reported (CTXEUEM, CTXCTL, CTXCLIP, ...); none when nothing."""
    return ["    %s: %s" % kv for kv in verdicts.activity_pairs(s)]


def version_text():
    if INFO is None:
        return "citrix-triage: plugin not built (no triage-version.json beside %s)" % default_plugin_root()
    return "citrix-triage: citrix-wireshark plugin %s, built for Wireshark %s (%s)" % (
        INFO["plugin"], INFO["wireshark"], "installed" if INSTALLED else "build tree")


def merge_main(argv):
    """citrix-triage merge: the --json outputs of separate runs (one file each, or any split of
    an archive) as one report, files and errors in argument order: the same JSON as one run
    over the same files when no input path was missing (one run lists missing paths first)."""
    ap = argparse.ArgumentParser(prog="citrix-triage merge", description=merge_main.__doc__.split("\n")[0])
    ap.add_argument("reports", nargs="+", metavar="REPORT.json")
    ap.add_argument("--json", action="store_true", help="print one JSON object instead of text")
    ap.add_argument("--html", metavar="FILE", help="also write an HTML report (no bytes-over-time pictures: "
                                                   "the JSON does not carry them)")
    a = ap.parse_args(argv)
    result = {"files": [], "errors": []}
    for path in a.reports:
        try:
            with open(path, encoding="utf-8") as f:
                part = json.load(f)
            files, errors = part["files"], part["errors"]
        except (OSError, ValueError, KeyError, TypeError) as e:
            print("citrix-triage merge: %s: not a citrix-triage --json report (%s)" % (path, e), file=sys.stderr)
            return 2
        result["files"] += files
        result["errors"] += errors
    if a.html:
        import report_html
        report_html.write(a.html, result)
    if a.json:
        json.dump(result, sys.stdout, indent=1, sort_keys=False)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(text_report(result))
    return 1 if result["errors"] else 0


def triage_one(path, plugin):
    """(report or None, error or None, seconds) of one file; never raises: a bug here must
    not hide the other files.  Runs in a -j worker process."""
    t = time.monotonic()
    try:
        rep = triage_file(path, plugin)
        res = (rep, {"path": path, "reason": rep["problem"]} if not rep["complete"] else None)
    except BadInput as e:
        res = (None, {"path": path, "reason": str(e)})
    except Exception as e:
        res = (None, {"path": path, "reason": "triage failed: %s: %s" % (type(e).__name__, e)})
    return res + (time.monotonic() - t,)


def main(argv=None):
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["merge"]:       # a capture named "merge": ./merge
        return merge_main(argv[1:])
    ap = argparse.ArgumentParser(prog="citrix-triage", description=__doc__.split("\n\n")[0],
                                 epilog="citrix-triage merge A.json B.json ... [--json] [--html FILE]: "
                                        "one report from separate --json runs")
    ap.add_argument("inputs", nargs="*", metavar="CAPTURE_OR_FOLDER")
    ap.add_argument("--json", action="store_true", help="print one JSON object instead of text")
    ap.add_argument("--html", metavar="FILE", help="also write a self-contained HTML report to FILE")
    ap.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1, help="files in parallel (default: cores)")
    ap.add_argument("-q", "--quiet", action="store_true", help="no progress on stderr")
    ap.add_argument("--plugin", default=None if INSTALLED else default_plugin_root(),
                    help="build/plugins directory (default: %s)" % (
                        "none: the installed plugin" if INSTALLED else "this tree's build/plugins"))
    ap.add_argument("--version", action="store_true", help="the plugin version and the Wireshark it was built for")
    a = ap.parse_args(argv)
    if a.version:
        print(version_text())
        return 0 if INFO else 2
    if not a.inputs:
        ap.error("the following arguments are required: CAPTURE_OR_FOLDER")

    try:
        shutil.rmtree(wireshark(a.plugin).tmp, True)
    except RuntimeError as e:      # no build: nothing can be triaged
        print("citrix-triage: %s (build first: bash tools/setup/triage.sh, or --plugin DIR)" % e, file=sys.stderr)
        return 2
    files, errors = expand(a.inputs)
    results = {}
    done = [0]
    t0 = time.monotonic()

    def progress(path, res):
        done[0] += 1
        if not a.quiet:
            rep, err, seconds = res
            what = ("%d frames, %d sessions, %d HA links" % (rep["frames"], len(rep["sessions"]), len(rep["ha_links"]))
                    if rep else err["reason"])
            print("citrix-triage: [%d/%d] %s: %s (%.1f s)" % (done[0], len(files), path, what, seconds),
                  file=sys.stderr, flush=True)

    if a.jobs <= 1 or len(files) <= 1:
        for path in files:
            res = triage_one(path, a.plugin)
            progress(path, res)
            results[path] = res[:2]
    else:
        # Processes, not threads: the Python half of each file (reading tshark's lines)
        # would otherwise hold one interpreter lock for all the jobs.
        with concurrent.futures.ProcessPoolExecutor(max_workers=min(a.jobs, len(files)),
                                                    mp_context=multiprocessing.get_context("fork")) as ex:
            futures = {ex.submit(triage_one, path, a.plugin): path for path in files}
            for fut in concurrent.futures.as_completed(futures):
                path = futures[fut]
                try:
                    res = fut.result()
                except Exception as e:    # the worker died (killed, out of memory)
                    res = (None, {"path": path, "reason": "triage failed: %s: %s" % (type(e).__name__, e)}, 0.0)
                progress(path, res)
                results[path] = res[:2]
    reports = []
    for path in files:
        rep, err = results[path]
        if rep:
            reports.append(rep)
        if err:
            errors.append(err)
    result = {"files": reports, "errors": errors}
    if a.html:
        import report_html
        report_html.write(a.html, result)
    if a.json:
        json.dump(public(result), sys.stdout, indent=1, sort_keys=False)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(text_report(result))
    if not a.quiet:
        print("citrix-triage: %d files, %d errors, %.1f s" % (len(files), len(errors), time.monotonic() - t0),
              file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
