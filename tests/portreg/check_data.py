#!/usr/bin/env python3
"""The committed registry data file carries provenance and no personal data."""
import re
import sys

path = sys.argv[1]
meta, header, rows = {}, None, 0
email = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
with open(path, encoding="utf-8") as f:
    for n, line in enumerate(f, 1):
        if email.search(line):
            sys.exit("%s:%d: e-mail address" % (path, n))
        if line.startswith("#"):
            k, sep, v = line[1:].partition(":")
            if sep:
                meta[k.strip()] = v.strip()
            continue
        cols = line.rstrip("\n").split("\t")
        if header is None:
            header = cols
            continue
        if len(cols) != len(header):
            sys.exit("%s:%d: %d columns" % (path, n, len(cols)))
        rows += 1
expected = ["lo", "hi", "transport", "name", "description", "registered", "modified", "note", "unauthorized", "kind"]
if header != expected:
    sys.exit("columns %r, expected %r (no assignee/contact)" % (header, expected))
for key, pattern in (("source", r"^https://www\.iana\.org/"), ("registry-date", r"^\d{4}-\d{2}-\d{2}$"),
                     ("source-sha256", r"^[0-9a-f]{64}$")):
    if not re.match(pattern, meta.get(key, "")):
        sys.exit("header %s missing or malformed: %r" % (key, meta.get(key)))
print("%s: %d rows, registry %s, sha256 %s" % (path, rows, meta["registry-date"], meta["source-sha256"]))
