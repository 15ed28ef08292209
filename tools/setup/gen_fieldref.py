#!/usr/bin/env python3
"""README field reference, generated from the plugin itself.

    tools/setup/gen_fieldref.py            rewrite README.md's field tables
    tools/setup/gen_fieldref.py --check    exit 1 when README and plugin disagree

(or `cmake --build build --target readme`, which also regenerates the de facto
port table). Runs `tshark -G fields` with the built plugin loaded as a user
loads it (tools/lib/wsrun.py; CITRIX_PLUGIN_ROOT or build/plugins) and again
without the plugin: the plugin's protocols are the ones only the first run
has. Each protocol's table sits between

    <!-- fieldref PROTO begin -->  ...  <!-- fieldref PROTO end -->

and lists every field whose parent is PROTO, in registration order, as
`| field | TYPE | Meaning |`. The Meaning column is hand-written: the text
already in the README for that field is kept; a new field starts with its
blurb (or its name) from the plugin, to be rewritten by hand. A protocol
without markers gets a new section before `<!-- robust -->`.
"""
import argparse
import difflib
import os
import re
import sys

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(TOP, "tools", "lib"))
from wsrun import Wireshark  # noqa: E402

README = os.path.join(TOP, "README.md")
HEADER = "| Field | Type | Meaning |\n|---|---|---|\n"
BLOCK = re.compile(r"<!-- fieldref (\S+) begin -->\n(.*?)<!-- fieldref \1 end -->\n", re.S)
ROW = re.compile(r"^\| `([^`]+)` \| [^|]* \| (.*) \|$")


def glossary(ws):
    """{protocol abbrev: (name, [(field abbrev, TYPE, name, blurb), ...])}"""
    out, _ = ws.run(["-G", "fields"])
    protos, order = {}, []
    for line in out.splitlines():
        col = line.split("\t")
        if col[0] == "P" and len(col) >= 3:
            protos[col[2]] = (col[1], [])
            order.append(col[2])
        elif col[0] == "F" and len(col) >= 5 and col[4] in protos:
            ftype = col[3][3:] if col[3].startswith("FT_") else col[3]
            blurb = col[7] if len(col) > 7 else ""
            protos[col[4]][1].append((col[2], ftype, col[1], blurb))
    return protos, order


def plugin_protocols():
    plugin, order = glossary(Wireshark())
    stock, _ = glossary(Wireshark(with_plugin=False))
    return {p: plugin[p] for p in order if p not in stock}


def cell(text):
    return text.replace("|", "\\|").replace("\n", " ").strip()


def meanings(block):
    known = {}
    for line in block.splitlines():
        m = ROW.match(line)
        if m:
            known[m.group(1)] = m.group(2)
    return known


def table(fields, known):
    rows = []
    for abbrev, ftype, name, blurb in fields:
        meaning = known.get(abbrev) or cell(blurb or name)
        rows.append("| `%s` | %s | %s |\n" % (abbrev, ftype, meaning))
    return HEADER + "".join(rows)


def regenerate(text, protos):
    blocks = {m.group(1): m for m in BLOCK.finditer(text)}
    for proto, (name, fields) in protos.items():
        if proto in blocks:
            new = table(fields, meanings(blocks[proto].group(2)))
            text = BLOCK.sub(lambda m: m.group(0) if m.group(1) != proto else
                             "<!-- fieldref %s begin -->\n%s<!-- fieldref %s end -->\n" % (proto, new, proto), text)
        else:
            section = ("### %s (`%s`)\n\n<!-- fieldref %s begin -->\n%s<!-- fieldref %s end -->\n\n"
                       % (name, proto, proto, table(fields, {}), proto))
            anchor = text.find("<!-- robust -->")
            text = text[:anchor] + section + text[anchor:] if anchor >= 0 else text + "\n" + section
    return text


def disagreements(text, protos):
    """Human-readable list of what differs between README and plugin."""
    problems = []
    blocks = {m.group(1): m.group(2) for m in BLOCK.finditer(text)}
    for proto, (name, fields) in protos.items():
        if proto not in blocks:
            problems.append("protocol %s (%s): no field table in README" % (proto, name))
            continue
        documented = list(meanings(blocks[proto]))
        have = [f[0] for f in fields]
        for f in have:
            if f not in documented:
                problems.append("%s: in the plugin, missing from README" % f)
        for f in documented:
            if f not in have:
                problems.append("%s: in README, not in the plugin" % f)
    for proto in blocks:
        if proto not in protos:
            problems.append("README has a field table for %s, which the plugin does not register" % proto)
    return problems


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--check", action="store_true", help="do not write; exit 1 if README is out of date")
    ap.add_argument("--readme", default=README)
    a = ap.parse_args()
    protos = plugin_protocols()
    if not protos:
        sys.exit("no plugin protocols found: is the plugin built?")
    with open(a.readme, encoding="utf-8") as f:
        text = f.read()
    new = regenerate(text, protos)
    if not a.check:
        if new != text:
            with open(a.readme, "w", encoding="utf-8") as f:
                f.write(new)
        print("%s: %d protocols, %d fields" % (a.readme, len(protos), sum(len(v[1]) for v in protos.values())))
        return
    problems = disagreements(text, protos)
    if problems or new != text:
        for p in problems:
            print(p)
        if not problems:   # same fields, other types or order
            sys.stdout.writelines(difflib.unified_diff(text.splitlines(True), new.splitlines(True),
                                                       "README.md", "generated", n=0))
        print("README field reference is out of date: run tools/setup/gen_fieldref.py "
              "(or cmake --build build --target readme)")
        sys.exit(1)
    print("README field reference matches the plugin (%d protocols)" % len(protos))


if __name__ == "__main__":
    main()
