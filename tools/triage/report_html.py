"""citrix-triage --html: one self-contained HTML page (no external resource).

First the findings of every file, ranked (element id "findings"); then per
file a sessions table, per session a timeline picture (its connections as
bars, the launch steps as ticks, each connection's end marked with how and by
whom), its latency figures (TCP round trips per side, retransmissions, zero
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
img.timeline { display: block; width: 900px; height: 200px; }
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


def timeline_picture(s):
    """PNG (base64): one bar per connection, the launch steps, each connection's end."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(PLOT_W, TIMELINE_H), dpi=DPI)
    conns = s["connections"]
    first = min([c["start_s"] for c in conns] + [s["start_s"]])
    last = max([c["end"]["time_s"] for c in conns] + [s["end"]["time_s"], first + 1e-6])
    for i, c in enumerate(conns):
        e = c["end"]
        ax.barh(i, max(e["time_s"] - c["start_s"], (last - first) / 400), left=c["start_s"], height=0.5,
                color=CONN_COLOUR)
        ax.plot([e["time_s"]], [i], marker="X", markersize=11, color=END_COLOUR)
        ax.annotate("%s%s (frame %s)" % (e["how"], " by " + e["by"] if e["by"] else "", e["frame"]),
                    (e["time_s"], i), textcoords="offset points", xytext=(-8, 9), ha="right", fontsize=8)
    steps = [(k[:-2].replace("_", " "), v) for k, v in s["launch"].items() if k.endswith("_s") and v is not None]
    for j, (name, t) in enumerate(steps):
        ax.axvline(t, color=STEP_COLOUR, linewidth=1.2)
        ax.annotate(name, (t, len(conns) - 0.35 + 0.18 * (j % 3)), fontsize=7, color=STEP_COLOUR)
    ax.set_yticks(range(len(conns)))
    ax.set_yticklabels(["%s" % c["client"] for c in conns], fontsize=8)
    ax.set_ylim(-0.6, max(len(conns), 1) + 0.3)
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
            parts.append('<img class="timeline" alt="Session %d: timeline" src="data:image/png;base64,%s">'
                         % (s["number"], timeline_picture(s)))
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
