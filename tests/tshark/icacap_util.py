"""Helpers shared by the ICA synthetic-capture and re-cut tests (not a test itself)."""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.environ.get("CITRIX_SRC", os.path.join(HERE, "..", ".."))
CAPTURES = os.path.join(TOP, "captures")
sys.path.insert(0, os.path.join(TOP, "tools", "lib"))
sys.path.insert(0, os.path.join(TOP, "tools", "captures"))
from wsrun import Wireshark  # noqa: E402,F401


def capture(name):
    return os.path.join(CAPTURES, name)


def registered_fields(ws, prefix="ica."):
    """{field name: field type} of every registered field starting with prefix."""
    return {r["abbrev"]: r["type"] for r in ws.listing("fields")
            if r["kind"] == "F" and r["abbrev"].startswith(prefix)}


AGGREGATOR = "\x1e"    # values may contain commas


def per_direction(ws, path, fields, server_port=1494, filter=None, extra=()):
    """{"c2s"/"s2c": {field: [values in frame order, every occurrence]}}."""
    # values normalised by type (wsrun): the same on every Wireshark version
    rows = ws.fields(path, ["tcp.srcport"] + list(fields), filter=filter, extra=extra, separator="\t",
                     aggregator=AGGREGATOR)
    result = {"c2s": {f: [] for f in fields}, "s2c": {f: [] for f in fields}}
    for row in rows:
        if not row[0]:
            continue
        d = "s2c" if int(row[0]) == server_port else "c2s"
        for f, v in zip(fields, row[1:]):
            # an empty value (e.g. a blank host module name) prints as nothing: drop it
            # everywhere so that it does not depend on how many units share a frame
            result[d][f].extend(x for x in v.split(AGGREGATOR) if x != "")
    return result


def as_int(v):
    return int(v, 0)


CHAT = 0x00200000   # PI_CHAT: the usual workflow (e.g. a unit continuing in the next segment)


def experts(ws, path, chat=False):
    """{"c2s"/"s2c": [expert messages of ICA frames]}, only chat-level ones if chat
    else only note level and above.  TCP's own SYN/FIN chats are in frames without ica."""
    d = per_direction(ws, path, ["_ws.expert.severity", "_ws.expert.message"], filter="ica")
    out = {}
    for direction, fields in d.items():
        pairs = zip(fields["_ws.expert.severity"], fields["_ws.expert.message"])
        out[direction] = [m for sev, m in pairs if (int(sev, 0) == CHAT) == chat]
    return out
