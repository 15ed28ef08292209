"""citrix-triage --html: one self-contained HTML page (no external resource).

First the findings of every file, ranked (element id "findings"); then per
file a sessions table, per session a timeline picture (its connections as
bars, the launch steps as ticks, each connection's end marked with how and by
whom; lanes for the other streams of its client to its server, the session an
auto client reconnect replaced or replaced it with, its EDT attempt and the
fallback to TCP), its latency figures (TCP round trips per side, retransmissions, zero
windows) and a picture drawn with matplotlib
(Debian python3-matplotlib) and embedded as a base64 PNG: bytes per virtual
channel over time (cumulative; ICA bytes per direction when no channel
write was decoded), capture gaps (dark red, dashed), CGP resumes (purple) and
refused resumes (black, dash-dot), and round-trip estimates on a second axis when
the session carries them; then the Command Center HA links and the port
registry findings as tables.  matplotlib runs with its built-in defaults
(rcdefaults, private MPLCONFIGDIR) so no matplotlibrc changes a picture.
"""
import base64
import html
import io
import os
import tempfile

import verdicts

PLOT_W, PLOT_H, DPI = 9.0, 3.2, 100      # 900 x 320 pixels
# events drawn in colours matplotlib's default series cycle does not use
GAP_COLOUR, RESUME_COLOUR, REFUSED_COLOUR = "#b00000", "#6a0dad", "#000000"
# the timeline's own colours (tests find them on the screenshot)
TIMELINE_H = 2.0                                         # 900 x 200 pixels
CONN_COLOUR, STEP_COLOUR, END_COLOUR = "#5b8db8", "#2e8b57", "#e0007a"
# other streams, the auto client reconnect link, the EDT attempt: none in the default series cycle
STREAM_COLOUR, ACR_COLOUR, EDT_COLOUR = "#7b68ee", "#008080", "#b8860b"
LANE_COLOURS = {"connection": CONN_COLOUR, "stream": STREAM_COLOUR, "replaced": ACR_COLOUR,
                "replaced by": ACR_COLOUR}
LANE_H = 0.45                       # inches added per lane beyond two

CSS = """
body { font-family: sans-serif; margin: 16px; color: #222; background: #fff; }
h1 { font-size: 20px; } h2 { font-size: 17px; border-bottom: 2px solid #335; } h3 { font-size: 15px; }
table { border-collapse: collapse; margin: 6px 0 14px 0; }
th { background: #dde3f0; text-align: left; }
th, td { border: 1px solid #99a; padding: 2px 6px; font-size: 13px; }
td.num { text-align: right; }
tr.finding td { background: #fde2c8; }
img.plot { display: block; width: 900px; height: 320px; }
.errors td { background: #f8d0d0; }
#findings { background: #fff1b8; padding: 4px 10px; border: 1px solid #c9a800; }
#findings td.sev-high { font-weight: bold; color: #a00000; }
img.timeline { display: block; width: 900px; }
"""


def _pyplot():
    if not os.environ.get("CITRIX_MPL_PRIVATE"):    # the user's MPLCONFIGDIR (matplotlibrc) is not read
        os.environ["MPLCONFIGDIR"] = tempfile.mkdtemp(prefix="citrix-mpl-")
        os.environ["CITRIX_MPL_PRIVATE"] = "1"
    import matplotlib
    matplotlib.use("Agg")
    matplotlib.rcdefaults()
    import matplotlib.pyplot as plt
    return plt


def _png(fig):
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI)
    return base64.b64encode(buf.getvalue()).decode("ascii")


def session_picture(s):
    """PNG (base64) of one session's bytes over time with its events."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(PLOT_W, PLOT_H), dpi=DPI)
    series = {}
    names = {str(c["number"]): "%s (%d)" % (c["name"], c["number"]) for c in s["channels"]}
    if s["_timeline"]:
        for t, ch, _d, b in s["_timeline"]:
            series.setdefault(names.get(ch, "channel %s" % ch), []).append((t, b))
    else:
        for t, d, b in s["_ica_t"]:
            series.setdefault("ICA bytes %s" % ("client to server" if d == "c2s" else "server to client"),
                              []).append((t, b))
    end = max(s["end_s"], s["start_s"] + 1e-6)
    for label, pts in sorted(series.items()):
        xs, ys, total = [s["start_s"]], [0], 0
        for t, b in pts:
            total += b
            xs.append(t)
            ys.append(total)
        xs.append(end)          # flat to the session's last frame
        ys.append(total)
        ax.step(xs, ys, where="post", label=label, linewidth=1.8)
    ax.set_xlim(s["start_s"], end)
    for i, t in enumerate(s["_gap_t"]):
        ax.axvline(t, color=GAP_COLOUR, linestyle="--", linewidth=1, label="capture gap" if i == 0 else None)
    for i, t in enumerate(s["_resume_t"]):
        ax.axvline(t, color=RESUME_COLOUR, linewidth=2, label="CGP resume" if i == 0 else None)
    for i, t in enumerate(s["_refused_t"]):
        ax.axvline(t, color=REFUSED_COLOUR, linestyle="-.", linewidth=2, label="resume refused" if i == 0 else None)
    ax.set_xlabel("time since the start of the capture (s)")
    ax.set_ylabel("bytes (cumulative)")
    ax.set_title("Session %d: %s -> %s (%s)" % (s["number"], s["client"], s["server"], s["transport"]))
    ax.grid(True, alpha=0.3)
    if s["_rtt_t"]:
        ax2 = ax.twinx()
        ax2.plot([t for t, _ in s["_rtt_t"]], [v for _, v in s["_rtt_t"]], "k.", markersize=4,
                 label="round-trip estimate (ms)")
        ax2.set_ylabel("round-trip estimate (ms)")
        ax2.legend(loc="lower right", fontsize=8)
    if series or s["_gap_t"] or s["_resume_t"] or s["_refused_t"]:
        ax.legend(loc="upper left", fontsize=8)
    fig.tight_layout()
    data = _png(fig)
    plt.close(fig)
    return data


def timeline_lanes(s, sessions):
    """The lanes of s's timeline, bottom up, as (kind, label, connections): one per connection of s (of
    an EDT-only session, its UDT flow), one per other stream of its client to its server (Multi-Stream
    ICA: sessions[].streams), the session it replaced or that replaced it (auto client reconnect), then
    its EDT attempt (no connection: the TCP session carried it).  One list for the picture and its alt text, so the two cannot disagree."""
    other = {o["number"]: o for o in sessions}
    lanes = [("connection", "connection %s" % c["client"], [c]) for c in s["connections"]]
    if not s["connections"] and s["transport"] in ("edt", "cgp/edt"):
        # an EDT-only session: its UDT flow is its connection, from its handshake (else its first frame)
        start = s["launch"]["connect_s"] if s["launch"]["connect_s"] is not None else s["start_s"]
        lanes.append(("connection", "EDT flow %s" % s["client"], [{"start_s": start, "end": s["end"]}]))
    lanes += [("stream", "stream: session %d, %s" % (n, other[n]["client"]), other[n]["connections"])
              for n in s["streams"]]
    if s["reconnect_of"] is not None:
        lanes.append(("replaced", "replaced session %d (dropped)" % s["reconnect_of"],
                      other[s["reconnect_of"]]["connections"]))
    if s["reconnected_by"] is not None:
        lanes.append(("replaced by", "reconnected as session %d" % s["reconnected_by"],
                      other[s["reconnected_by"]]["connections"]))
    if s["edt_attempt"]:
        lanes.append(("edt", "EDT attempt (not used)", []))
    return lanes


def timeline_alt(s, lanes):
    return "Session %d: timeline (%s)" % (s["number"], "; ".join(label for _, label, _ in lanes))


def _draw_acr(ax, s, lanes):
    """The auto client reconnect: an arrow from the dropped session's end to its replacement's start."""
    mine = s["connections"]
    for i, (kind, _, theirs) in enumerate(lanes):
        if kind not in ("replaced", "replaced by") or not mine or not theirs:
            continue                    # a session over EDT has no TCP connection to point at
        if kind == "replaced":          # their drop -> my first connection
            old, new = (theirs[-1]["end"]["time_s"], i), (mine[0]["start_s"], 0)
        else:                           # my drop -> their first connection
            old, new = (mine[-1]["end"]["time_s"], len(mine) - 1), (theirs[0]["start_s"], i)
        ax.annotate("", xy=new, xytext=old, arrowprops=dict(arrowstyle="-|>", color=ACR_COLOUR, linewidth=2))
        ax.annotate("auto client reconnect", ((old[0] + new[0]) / 2, (old[1] + new[1]) / 2), ha="center",
                    fontsize=8, color=ACR_COLOUR, backgroundcolor="white")


def _draw_edt(ax, s, lane, first, last):
    """The EDT attempt: every handshake on its own lane, an arrow from the first down to the TCP connection
    that carried the session (the fallback); the text on the side of the marker away from the nearer edge
    (one text: a second one between the lanes would cover the connection's end label)."""
    e = s["edt_attempt"]
    ha, dx = ("right", -10) if e["time_s"] > (first + last) / 2 else ("left", 10)
    for h in e["handshakes"]:           # each try: the client's as diamonds, the server's answers as circles
        ax.plot([h["time_s"]], [lane], marker="D" if h["by"] == "client" else "o", markersize=10, color=EDT_COLOUR,
                zorder=4)           # above the text's white background
    fallback = "; fallback to TCP" if s["connections"] else ""
    ax.annotate("%s (frame %d)%s" % (verdicts.edt_attempt_text(e), e["frame"], fallback), (e["time_s"], lane),
                textcoords="offset points", xytext=(dx, 5), ha=ha, fontsize=8, color=EDT_COLOUR,
                backgroundcolor="white")
    if fallback:                        # the arrow to the TCP connection that carried the session
        ax.annotate("", xy=(s["connections"][0]["start_s"], 0), xytext=(e["time_s"], lane),
                    arrowprops=dict(arrowstyle="-|>", color=EDT_COLOUR, linewidth=2, shrinkA=6))


def _step_labels(steps, first, last):
    """(label, time, alignment) of the launch steps on one row: a step nearer to the previous label than
    that label's width joins it ("connect, detect, handshake"), so steps a few milliseconds apart on a
    timeline of seconds (an auto client reconnect's) do not print over each other; a label that would
    run out of the axes ends at its last step instead of starting at its first."""
    per_char = (last - first) / 650 * 6      # the axes are about 650 px wide; 7 pt characters about 6 px
    groups = []
    for name, t in steps:
        if groups and t - groups[-1][1] < len(", ".join(groups[-1][0])) * per_char:
            groups[-1][0].append(name)
            groups[-1][2] = t
        else:
            groups.append([[name], t, t])
    out = []
    for names, t0, t1 in groups:
        label = ", ".join(names)
        out.append((label, t1, "right") if t0 + len(label) * per_char > last else (label, t0, "left"))
    return out


def timeline_picture(s, lanes):
    """PNG (base64): one lane per connection (timeline_lanes), the launch steps, each connection's end,
    the auto client reconnect link and the EDT fallback."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(PLOT_W, TIMELINE_H + LANE_H * max(0, len(lanes) - 2)), dpi=DPI)
    conns = [c for _, _, cs in lanes for c in cs]
    times = [c["start_s"] for c in conns] + [c["end"]["time_s"] for c in conns] + [s["start_s"], s["end"]["time_s"]]
    if s["edt_attempt"]:
        times += [h["time_s"] for h in s["edt_attempt"]["handshakes"]]
    first, last = min(times), max(times + [min(times) + 1e-6])
    for i, (kind, _, cs) in enumerate(lanes):
        for c in cs:
            e = c["end"]
            ax.barh(i, max(e["time_s"] - c["start_s"], (last - first) / 400), left=c["start_s"], height=0.5,
                    color=LANE_COLOURS[kind])
            ax.plot([e["time_s"]], [i], marker="X", markersize=11, color=END_COLOUR)
            left = e["time_s"] < (first + last) / 2      # the label on the side with room for it
            ax.annotate("%s%s (frame %s)" % (e["how"], " by " + e["by"] if e["by"] else "", e["frame"]),
                        (e["time_s"], i), textcoords="offset points", xytext=(8 if left else -8, 9),
                        ha="left" if left else "right", fontsize=8)
    _draw_acr(ax, s, lanes)
    if s["edt_attempt"]:
        _draw_edt(ax, s, len(lanes) - 1, first, last)
    steps = [(k[:-2].replace("_", " "), v) for k, v in s["launch"].items() if k.endswith("_s") and v is not None]
    for _, t in steps:
        ax.axvline(t, color=STEP_COLOUR, linewidth=1.2)
    for name, t, ha in _step_labels(steps, first, last):
        ax.annotate(name, (t, len(lanes) - 0.3), textcoords="offset points", xytext=(2 if ha == "left" else -2, 0),
                    ha=ha, fontsize=7, color=STEP_COLOUR)
    ax.set_yticks(range(len(lanes)))
    ax.set_yticklabels([label for _, label, _ in lanes], fontsize=8)
    ax.set_ylim(-0.6, len(lanes) + 0.3)
    ax.set_xlim(first - (last - first) * 0.02, last + (last - first) * 0.02)
    ax.set_xlabel("time since the start of the capture (s)")
    ax.set_title("Session %d timeline: connections, launch steps, ends" % s["number"], fontsize=10)
    fig.tight_layout()
    data = _png(fig)
    plt.close(fig)
    return data


SEVERITY_ORDER = ("high", "medium", "low")
LATENCY_ROWS = (("client_side_rtt_ms", "TCP round trip, client side (ms)"),
                ("server_side_rtt_ms", "TCP round trip, server side (ms)"),
                ("ht_rtt_ms", "high-throughput estimate (ms)"), ("edt_rtt_ms", "EDT round trip (ms)"),
                ("ica_rtt_ms", "ICA round trip, EUEM (ms)"))


def _latency_table(lat):
    rows = [[label, lat[k]["count"], lat[k]["min"], lat[k]["median"], lat[k]["max"]] for k, label in LATENCY_ROWS]
    rows.append(["retransmissions (client / server)", None, None,
                 "%d / %d" % (lat["retransmissions"]["client"], lat["retransmissions"]["server"]), None])
    rows.append(["zero windows (client / server)", None, None,
                 "%d / %d" % (lat["zero_windows"]["client"], lat["zero_windows"]["server"]), None])
    return _table(["latency", "count", "min", "median", "max"], rows)


def _findings(result):
    ranked = sorted(((f["path"], x) for f in result["files"] for x in f["findings"]),
                    key=lambda px: SEVERITY_ORDER.index(px[1]["severity"]))    # stable: files in order
    rows = [[x["severity"], x["kind"], path, x["session"], x["frame"], x["text"]] for path, x in ranked]
    out = ['<section id="findings"><h2>Findings (%d)</h2>' % len(rows)]
    if rows:
        table = _table(["severity", "kind", "file", "session", "frame", "what"], rows)
        for level in SEVERITY_ORDER:      # the severity cell styled by level
            table = table.replace("<td>%s</td>" % level, '<td class="sev-%s">%s</td>' % (level, level))
        out.append(table)
    else:
        out.append("<p>No findings.</p>")
    out.append("</section>")
    return "\n".join(out)


def _table(headers, rows, classes=None):
    out = ["<table><tr>%s</tr>" % "".join("<th>%s</th>" % html.escape(h) for h in headers)]
    for i, row in enumerate(rows):
        cls = ' class="%s"' % classes[i] if classes and classes[i] else ""
        cells = []
        for v in row:
            num = isinstance(v, (int, float)) and not isinstance(v, bool)
            cells.append('<td%s>%s</td>' % (' class="num"' if num else "", html.escape("-" if v is None else str(v))))
        out.append("<tr%s>%s</tr>" % (cls, "".join(cells)))
    out.append("</table>")
    return "\n".join(out)


def _session_rows(f):
    rows = []
    for s in f["sessions"]:
        rows.append([s["number"], s["client"], s["server"], s["transport"], s["client_name"], s["client_build"],
                     s["encryption"], s["compression"]["c2s"], s["compression"]["s2c"],
                     sum(c["bytes"] for c in s["channels"]), s["rtt_ms"], s["bandwidth_bps"],
                     s["resumes"], s["refused_resumes"], s["capture_gaps"]])
    return rows


def render(result):
    parts = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
             "<title>Citrix triage report</title><style>%s</style></head><body>" % CSS,
             "<h1>Citrix triage report</h1>",
             "<p>%d capture file(s), %d error(s).</p>" % (len(result["files"]), len(result["errors"])),
             _findings(result)]
    for f in result["files"]:
        parts.append("<h2>%s</h2>" % html.escape(f["path"]))
        parts.append("<p>%d frames over %.3f s%s</p>" % (
            f["frames"], f["duration_s"], "" if f["complete"] else " &mdash; incomplete: " + html.escape(f["problem"])))
        parts.append("<h3>Sessions (%d)</h3>" % len(f["sessions"]))
        if f["sessions"]:
            parts.append(_table(["#", "client", "server", "transport", "client name", "build", "encryption",
                                 "compression c2s", "compression s2c", "channel bytes", "RTT ms (median)",
                                 "bandwidth B/s (median)", "resumes", "refused", "capture gaps"], _session_rows(f)))
        for s in f["sessions"]:
            parts.append("<h3>Session %d</h3>" % s["number"])
            lanes = timeline_lanes(s, f["sessions"])
            parts.append('<img class="timeline" alt="%s" src="data:image/png;base64,%s">'
                         % (html.escape(timeline_alt(s, lanes)), timeline_picture(s, lanes)))
            parts.append(_latency_table(s["latency"]))
            facts = verdicts.activity_pairs(s)
            if facts:
                parts.append(_table(["channel facts", "value"], [list(kv) for kv in facts]))
            if s["channels"]:
                parts.append(_table(["channel", "number", "bytes", "client to server", "server to client"],
                                    [[c["name"], c["number"], c["bytes"], c["bytes_c2s"], c["bytes_s2c"]]
                                     for c in s["channels"]]))
            if "_timeline" in s:     # not in merged --json reports (citrix-triage merge)
                parts.append('<img class="plot" alt="Session %d: bytes over time" src="data:image/png;base64,%s">'
                             % (s["number"], session_picture(s)))
        parts.append("<h3>Command Center HA links (%d)</h3>" % len(f["ha_links"]))
        if f["ha_links"]:
            parts.append(_table(
                ["link", "peer", "service", "carrier", "messages to", "messages from", "median interval to (s)",
                 "median interval from (s)", "gaps", "gap times (s)", "closes", "resets"],
                [[h["link"], h["peer"], h["service"], h["carrier"], h["to_service"]["messages"],
                  h["from_service"]["messages"], h["to_service"]["median_interval_s"],
                  h["from_service"]["median_interval_s"], h["gaps"],
                  ", ".join("%.3f" % t for t in h["gap_times_s"]) or "-", h["closes"], h["resets"]]
                 for h in f["ha_links"]],
                ["finding" if h["gaps"] or h["resets"] else "" for h in f["ha_links"]]))
        convs = f["portreg"]["conversations"]
        parts.append("<h3>Port registry (%d conversations, %d findings)</h3>" % (len(convs), f["portreg"]["findings"]))
        if convs:
            parts.append(_table(
                ["transport", "service", "client", "frames", "IANA service", "IANA status", "range", "de facto",
                 "kind", "divergent", "ghost", "observed"],
                [[c["transport"], c["service"], c["client"], c["frames"], ",".join(c["iana_service"]) or None,
                  c["iana_status"], c["range"], c["defacto"], c["defacto_kind"], "yes" if c["divergent"] else "no",
                  "yes" if c["ghost"] else "no", c["observed"]] for c in convs],
                ["finding" if (c["divergent"] or c["ghost"] or c["defacto_kind"] not in (None, "matches")
                               or c["iana_status"] in ("Unassigned", "Dynamic")) else "" for c in convs]))
    if result["errors"]:
        parts.append("<h2>Errors (%d)</h2>" % len(result["errors"]))
        parts.append('<div class="errors">%s</div>' % _table(["path", "reason"],
                                                            [[e["path"], e["reason"]] for e in result["errors"]]))
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def write(path, result):
    text = render(result)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
