#!/usr/bin/env python3
"""Triage a capture with the plugin loaded: one report a support engineer reads top to bottom.

Sections: capture basics; every conversation with the registry status of its
service port and what was really seen on it (portreg); ICA sessions (client,
encryption, compression, channels); Command Center HA links; the plugin's
expert infos.  Every value comes from tshark with the plugin loaded.
"""
import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from wsrun import Wireshark, default_plugin_root  # noqa: E402

# (tap, heading) in report order; taps this build does not register are skipped.
STATS_TAPS = [("ica,tree", "ICA sessions"), ("ccha,tree", "Command Center HA links"),
              ("portreg,tree", "Port registry totals")]
OUR_PROTOCOLS = "ica || ccha || portreg"
IANA_STATUS = {"0": "Dynamic", "1": "Assigned", "2": "Reserved", "3": "Unassigned", "4": "Listed, no name"}
RANGE = {"0": "System", "1": "User", "2": "Dynamic"}
TRANSPORTS = ("tcp", "udp", "sctp", "dccp")


def _pairs_to_lists(pairs):
    """JSON objects from tshark repeat keys (ip.addr, portreg.iana.service): keep every value."""
    d = {}
    for k, v in pairs:
        d.setdefault(k, []).append(v)
    return d


def _one(d, key, default=""):
    v = d.get(key)
    return v[-1] if v else default


def conversations(ws, cap):
    """One row per transport conversation, from the last frame that carried it."""
    out = ws.tshark(cap, ["-T", "json", "-J", "portreg ip ipv6 " + " ".join(TRANSPORTS)])
    convs = {}
    for pkt in json.loads(out, object_pairs_hook=_pairs_to_lists):
        layers = _one(_one(pkt, "_source"), "layers")
        pr = _one(layers, "portreg", None)
        if not pr:
            continue
        transport = _one(pr, "portreg.transport")
        net = _one(layers, "ip", None) or _one(layers, "ipv6", None) or {}
        src = _one(net, "ip.src") or _one(net, "ipv6.src")
        dst = _one(net, "ip.dst") or _one(net, "ipv6.dst")
        l4 = _one(layers, transport, None) or {}
        sport = _one(l4, transport + ".srcport")
        ends = [v[-1] for k, v in pr.items() if isinstance(v[-1], dict) and "portreg.port" in v[-1]]
        if len(ends) != 2:
            continue
        svc, cli = ends
        svc_addr = src if _one(svc, "portreg.port") == sport else dst
        cli_addr = dst if svc_addr == src else src
        key = (transport, svc_addr, _one(svc, "portreg.port"), cli_addr, _one(cli, "portreg.port"))
        row = convs.setdefault(key, {"frames": 0})
        row["frames"] += 1
        row["svc"], row["observed"] = svc, _one(pr, "portreg.observed") or row.get("observed", "")
    return convs


def describe_port(p):
    names = ",".join(p.get("portreg.iana.service", [])) or "-"
    status = IANA_STATUS.get(_one(p, "portreg.iana.status"), "?")
    text = "%s (%s, %s)" % (names, status, RANGE.get(_one(p, "portreg.range"), "?"))
    flags = [f.upper() for f in ("divergent", "ghost") if _one(p, "portreg." + f) == "1"]
    if _one(p, "portreg.defacto"):
        text += "; de facto: %s [%s]" % (_one(p, "portreg.defacto"), _one(p, "portreg.defacto.kind"))
    return text + ("  " + " ".join(flags) if flags else "")


def compact_stats_tree(text):
    """Keep a stats tree's item and count columns; pass other text through."""
    lines, count_col = [], None
    for line in text.splitlines():
        if line.startswith("Topic / Item"):
            count_col = line.index("Count")
            continue
        if not line.strip() or set(line.strip()) <= {"-", "="}:
            continue
        if count_col is None:
            lines.append(line)
        else:
            fields = line[count_col:].split()
            lines.append("%-60s %s" % (line[:count_col].rstrip(), fields[0] if fields else ""))
    return "\n".join(lines)


def split_tap_blocks(out):
    """tshark prints each -z result between lines of '='."""
    blocks, cur = [], []
    for line in out.splitlines():
        if line.strip() and set(line.strip()) == {"="}:
            if any(x.strip() for x in cur):
                blocks.append("\n".join(cur))
            cur = []
        else:
            cur.append(line)
    if any(x.strip() for x in cur):
        blocks.append("\n".join(cur))
    return blocks


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("capture")
    ap.add_argument("--plugin", default=default_plugin_root(), help="build/plugins directory")
    a = ap.parse_args()

    ws = Wireshark(a.plugin)
    cap = ws.stage(a.capture)
    out, err = ws.run(["-z", "help"], check=False)
    taps = {line.strip() for line in (out + err).splitlines()}

    times = [float(x) for x in ws.tshark(cap, ["-T", "fields", "-e", "frame.time_epoch"]).split()]
    print("Capture: %s" % os.path.basename(a.capture))
    if times:
        print("  %d frames over %.3f s" % (len(times), max(times) - min(times)))

    print("\nConversations (service side first; IANA registry status of the service port)")
    for (transport, saddr, sport, caddr, cport), row in sorted(conversations(ws, cap).items()):
        print("  %-4s %s:%s <- %s:%s  %d frames" % (transport, saddr, sport, caddr, cport, row["frames"]))
        print("       registry: %s" % describe_port(row["svc"]))
        print("       observed: %s" % (row["observed"] or "(nothing beyond the transport)"))

    chosen = [(tap, title) for tap, title in STATS_TAPS if tap in taps]
    args = ["-q"]
    for tap, _ in chosen:
        args += ["-z", tap]
    args += ["-z", "expert,note," + OUR_PROTOCOLS]
    for block in split_tap_blocks(ws.tshark(cap, args)):
        print()
        print(compact_stats_tree(block))


if __name__ == "__main__":
    main()
