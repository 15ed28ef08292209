#!/usr/bin/env python3
"""IANA port registry -> committed data file -> generated C table.

Stage 1 (run by hand when IANA publishes a new registry):
    tools/setup/gen_registry.py trim service-names-port-numbers.xml data/iana-ports.tsv
keeps only what the post-dissector shows (ports, transport, name, description,
dates, assignment note, unauthorized-use text) and drops assignees, contacts,
the <people> block and e-mail addresses.

Stage 2 (re-run by a ctest test, output must be byte-identical to the commit):
    tools/setup/gen_registry.py table data/iana-ports.tsv plugin/core/registry_data.c
resolves the registry's status rules per (transport, port) and writes sorted,
non-overlapping segments for binary search.

Python 3 standard library only.
"""
import hashlib
import re
import sys
import xml.etree.ElementTree as ET

NS = "{http://www.iana.org/assignments}"
SOURCE_URL = "https://www.iana.org/assignments/service-names-port-numbers/service-names-port-numbers.xml"
TRANSPORTS = ("tcp", "udp", "sctp", "dccp")
COLUMNS = ("lo", "hi", "transport", "name", "description", "registered", "modified", "note",
           "unauthorized", "kind")

# Status codes; the numbers are the portreg.iana.status field contract.
DYNAMIC, ASSIGNED, RESERVED, UNASSIGNED, LISTED = 0, 1, 2, 3, 4
FIRST_DYNAMIC = 49152

EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")


def clean(text):
    """One line, no tabs, no e-mail addresses."""
    text = EMAIL.sub("[e-mail removed]", text or "")
    return " ".join(text.split())


def element_text(elem):
    """Text of an element with <xref>s rendered; person references are dropped
    (privacy), so "previously compressnet by <person>" loses the name."""
    if elem is None:
        return ""
    parts = [elem.text or ""]
    for child in elem:
        if child.tag == NS + "xref":
            kind, data = child.get("type"), child.get("data", "")
            if kind == "rfc":
                parts.append(data.upper().replace("RFC", "RFC ", 1) if data.lower().startswith("rfc") else data)
            elif kind != "person":
                parts.append(data)
        else:
            parts.append(element_text(child))
        parts.append(child.tail or "")
    text = clean("".join(parts))
    return re.sub(r"\s+by$", "", text)


def row_kind(name, description):
    """Issue 2 status rule, per row: named > listed-without-name > Reserved > Unassigned."""
    if name:
        return "assigned"
    d = description.strip().lower()
    if d == "reserved":
        return "reserved"
    if d == "unassigned":
        return "unassigned"
    return "listed"


def trim(xml_path, out_path):
    raw = open(xml_path, "rb").read()
    root = ET.fromstring(raw)
    updated = root.findtext(NS + "updated")
    rows = []
    for rec in root.iter(NS + "record"):
        number = rec.findtext(NS + "number")
        if not number:
            continue  # service-name-only rows (DNS-SD names) carry no port
        lo, _, hi = number.strip().partition("-")
        lo, hi = int(lo), int(hi or lo)
        name = clean(rec.findtext(NS + "name"))
        desc = element_text(rec.find(NS + "description"))
        rows.append((str(lo), str(hi), clean(rec.findtext(NS + "protocol")), name, desc,
                     rec.get("date", ""), rec.get("updated", ""),
                     element_text(rec.find(NS + "note")), element_text(rec.find(NS + "unauthorized")),
                     row_kind(name, desc)))
    with open(out_path, "w", encoding="utf-8", newline="\n") as f:
        f.write("# IANA Service Name and Transport Protocol Port Number Registry, trimmed by tools/setup/gen_registry.py\n")
        f.write("# source: %s\n" % SOURCE_URL)
        f.write("# registry-date: %s\n" % updated)
        f.write("# source-sha256: %s\n" % hashlib.sha256(raw).hexdigest())
        f.write("# licence: CC0 1.0 (IANA/IETF joint statement, https://www.iana.org/help/licensing-terms)\n")
        f.write("# dropped: assignee, contact, people, references, service codes, e-mail addresses\n")
        f.write("# rows in registry order; empty transport = every transport\n")
        f.write("\t".join(COLUMNS) + "\n")
        for r in rows:
            f.write("\t".join(r) + "\n")
    print("%s: %d rows, registry %s" % (out_path, len(rows), updated))


def read_tsv(path):
    meta, rows = {}, []
    header = None
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("#"):
                k, sep, v = line[1:].partition(":")
                if sep and " " not in k.strip():
                    meta[k.strip()] = v.strip()
                continue
            if header is None:
                header = line.split("\t")
                if tuple(header) != COLUMNS:
                    sys.exit("%s: unexpected header %r" % (path, header))
                continue
            f_ = line.split("\t")
            if len(f_) != len(COLUMNS):
                sys.exit("%s: bad row %r" % (path, line))
            rows.append(dict(zip(COLUMNS, f_)))
    return meta, rows


def c_string(s):
    out = []
    for ch in s:
        o = ord(ch)
        if ch in '"\\':
            out.append("\\" + ch)
        elif o < 0x20 or o == 0x7F:
            out.append("\\%03o" % o)
        elif o < 0x80:
            out.append(ch)
        else:
            # UTF-8 as octal escapes: no hex-escape run-on into the next character
            out.extend("\\%03o" % b for b in ch.encode("utf-8"))
    return '"' + "".join(out) + '"'


def resolve(rows, transport):
    """Per port, the entry tuple that the status rules pick; consecutive equal
    tuples become one segment."""
    per_port = [[] for _ in range(65536)]
    for i, r in enumerate(rows):
        if r["transport"] and r["transport"] != transport:
            continue
        for p in range(int(r["lo"]), int(r["hi"]) + 1):
            per_port[p].append(r)
    segments = []
    for port in range(65536):
        cand = per_port[port]
        if port >= FIRST_DYNAMIC:
            entry = (DYNAMIC, (), "", "", "", "", "", 0, 0, 0)
        else:
            entry = None
            for kind, status in (("assigned", ASSIGNED), ("listed", LISTED),
                                 ("reserved", RESERVED), ("unassigned", UNASSIGNED)):
                chosen = [r for r in cand if r["kind"] == kind]
                if not chosen:
                    continue
                first = chosen[0]
                names = tuple(dict.fromkeys(r["name"] for r in chosen if r["name"]))
                note = next((r["note"] for r in chosen if r["note"]), "")
                unauth = next((r["unauthorized"] for r in chosen if r["unauthorized"]), "")
                entry = (status, names, first["description"], first["registered"], first["modified"],
                         note, unauth, int(first["lo"]), int(first["hi"]), 1)
                break
            if entry is None:  # no row for this transport: unassigned for it
                entry = (UNASSIGNED, (), "", "", "", "", "", 0, 0, 0)
        if segments and segments[-1][2] == entry and segments[-1][1] == port - 1:
            segments[-1][1] = port
        else:
            segments.append([port, port, entry])
    return segments


def table(tsv_path, out_path):
    meta, rows = read_tsv(tsv_path)
    strings = {"": 0}
    names_pool = []
    entries = {}

    def sid(s):
        if s not in strings:
            strings[s] = len(strings)
        return strings[s]

    per_transport = {}
    for t in TRANSPORTS:
        segs = []
        for lo, hi, ekey in resolve(rows, t):
            names = ekey[1]
            if ekey not in entries:
                first = len(names_pool)
                names_pool.extend(sid(n) for n in names)
                status, _, desc, reg, mod, note, unauth, rlo, rhi, listed = ekey
                row = (status, listed, len(names), first, sid(desc), sid(reg), sid(mod), sid(note),
                       sid(unauth), rlo, rhi)
                entries[ekey] = (len(entries), row)
            segs.append((lo, hi, entries[ekey][0]))
        per_transport[t] = segs

    strs = sorted(strings, key=strings.get)
    if len(strs) > 65535 or len(entries) > 65535 or len(names_pool) > 65535:
        sys.exit("table too large for 16-bit indices")
    out = []
    w = out.append
    w("/* Generated by tools/setup/gen_registry.py from data/iana-ports.tsv. Do not edit.\n")
    w(" * %s\n" % meta.get("source", ""))
    w(" * registry date %s, source sha256 %s\n" % (meta.get("registry-date", ""), meta.get("source-sha256", "")))
    w(" * Data: CC0 1.0 (IANA). See NOTICE. */\n")
    w('#include "registry_data.h"\n\n')
    w("const char registry_source_url[] = %s;\n" % c_string(meta.get("source", "")))
    w("const char registry_date[] = %s;\n" % c_string(meta.get("registry-date", "")))
    w("const char registry_source_sha256[] = %s;\n\n" % c_string(meta.get("source-sha256", "")))
    w("const char *const registry_strings[%d] = {\n" % len(strs))
    for s in strs:
        w("    %s,\n" % c_string(s))
    w("};\n\n")
    w("const uint16_t registry_names[%d] = {\n" % max(1, len(names_pool)))
    for i in range(0, len(names_pool), 12):
        w("    " + ", ".join(str(x) for x in names_pool[i:i + 12]) + ",\n")
    w("};\n\n")
    w("/* status, listed, n_names, first name, description, registered, modified, note, unauthorized, row lo, row hi */\n")
    w("const struct registry_entry registry_entries[%d] = {\n" % len(entries))
    for idx, row in sorted(entries.values()):
        w("    {%s},\n" % ", ".join(str(x) for x in row))
    w("};\n\n")
    for t in TRANSPORTS:
        segs = per_transport[t]
        w("const struct registry_segment registry_%s[%d] = {\n" % (t, len(segs)))
        for lo, hi, e in segs:
            w("    {%d, %d, %d},\n" % (lo, hi, e))
        w("};\n")
        w("const unsigned registry_%s_count = %d;\n\n" % (t, len(segs)))
    data = "".join(out)
    with open(out_path, "w", encoding="utf-8", newline="\n") as f:
        f.write(data)
    print("%s: %d strings, %d entries, segments %s" % (
        out_path, len(strs), len(entries), ", ".join("%s %d" % (t, len(per_transport[t])) for t in TRANSPORTS)))


def main(argv):
    if len(argv) == 4 and argv[1] == "trim":
        trim(argv[2], argv[3])
    elif len(argv) == 4 and argv[1] == "table":
        table(argv[2], argv[3])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
