#!/usr/bin/env python3
"""README table of the plugin's built-in de facto port uses, generated from
the table compiled into the plugin (plugin/core/defacto.c, printed as TSV by
the `defacto_list` helper the build makes) and the compiled-in IANA table.

    tools/setup/gen_defacto_table.py [--list build/defacto_list]           rewrite README.md
    tools/setup/gen_defacto_table.py [--list build/defacto_list] --check   exit 1 if out of date

(`cmake --build build --target readme` runs it.) The table sits between
`<!-- defacto table begin -->` and `<!-- defacto table end -->`.
"""
import argparse
import os
import subprocess
import sys

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
README = os.path.join(TOP, "README.md")
BEGIN, END = "<!-- defacto table begin -->\n", "<!-- defacto table end -->\n"


def rows(helper):
    out = subprocess.run([helper], check=True, stdout=subprocess.PIPE, text=True).stdout
    lines = out.splitlines()
    header = lines[0].split("\t")
    return [dict(zip(header, line.split("\t"))) for line in lines[1:]]


STATUS_WORDS = ("Unassigned", "Reserved", "Dynamic", "Listed without service name")


def name_cell(name):
    """`name`, a status word as is; a range row "a..b" as "`a` … `b`"."""
    return " … ".join(n if n in STATUS_WORDS else "`%s`" % n for n in name.split(".."))


def iana_cell(text):
    # "tcp:citrix-rtmp;udp:citrix-rtmp" -> "`citrix-rtmp`"; per transport only when they differ
    parts = [p.split(":", 1) for p in text.split(";")]
    if len({name for _, name in parts}) == 1:
        return name_cell(parts[0][1])
    return ", ".join("%s %s" % (t, name_cell(n)) for t, n in parts)


def table(entries):
    out = ["| Port(s) | Transport | Kind | IANA (first name) | Use | Source |\n", "|---|---|---|---|---|---|\n"]
    for r in entries:
        out.append("| %s | %s | %s | %s | %s | %s |\n" % (
            r["ports"], r["transports"], r["kind"], iana_cell(r["iana"]), r["label"].replace("|", "\\|"),
            r["source"].replace("|", "\\|")))
    return "".join(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--list", default=os.path.join(TOP, "build", "defacto_list"), help="the defacto_list helper")
    ap.add_argument("--check", action="store_true")
    ap.add_argument("--readme", default=README)
    a = ap.parse_args()
    with open(a.readme, encoding="utf-8") as f:
        text = f.read()
    if BEGIN not in text or END not in text:
        sys.exit("%s has no %s/%s markers" % (a.readme, BEGIN.strip(), END.strip()))
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    new = head + BEGIN + table(rows(a.list)) + END + tail
    if a.check:
        if new != text:
            print("README de facto table differs from the plugin's table: run tools/setup/gen_defacto_table.py "
                  "(or cmake --build build --target readme)")
            sys.exit(1)
        print("README de facto table matches the plugin")
        return
    if new != text:
        with open(a.readme, "w", encoding="utf-8") as f:
            f.write(new)
    print(a.readme)


if __name__ == "__main__":
    main()
