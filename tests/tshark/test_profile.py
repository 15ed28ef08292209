#!/usr/bin/env python3
"""The shipped "Citrix" configuration profile (profile/Citrix/), loaded by
tshark -C Citrix from the personal configuration directory, as
`cmake --build build --target install_profile` puts it there.

* custom columns show the ICA client name, the virtual channel and the
  service port's registry status; the CGP column stays empty (and harmless)
  while the plugin registers no cgp.cmd;
* every frame gets the coloring rule an independent evaluation of the rules
  (tshark -Y per rule, first match wins) says it must;
* every display-filter button compiles, except filters on protocols this
  plugin build does not register (cgp.* before the CGP dissector lands).
"""
import csv
import os
import re
import shutil
import subprocess
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.normpath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(TOP, "tools", "lib"))
from wsrun import Wireshark  # noqa: E402

PROFILE = os.path.join(TOP, "profile", "Citrix")
SPIKE = os.path.join(TOP, "captures", "spike-ica-2001.pcap")
CAPTURES = [os.path.join(TOP, "captures", c) for c in
            ("spike-ica-2001.pcap", "portreg-ports.pcap", "ica-rc5.pcap", "ccha-heartbeat.pcap",
             "cgp-resume-refused.pcap")]


def installed_wireshark():
    """tshark with the plugin and the profile installed the way install_profile.sh does."""
    ws = Wireshark()
    env = dict(os.environ, WIRESHARK_CONFIG_DIR=ws.cfg)
    subprocess.run(["sh", os.path.join(TOP, "tools", "setup", "install_profile.sh"), PROFILE], env=env,
                   check=True, stdout=subprocess.DEVNULL)
    for root, dirs, files in os.walk(ws.cfg):
        for d in dirs:
            os.chmod(os.path.join(root, d), 0o755)
        for f in files:
            os.chmod(os.path.join(root, f), 0o644)
    return ws


def color_rules():
    rules = []
    with open(os.path.join(PROFILE, "colorfilters"), encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            m = re.match(r"^(!?)@([^@]+)@(.+)@\[(\d+),(\d+),(\d+)\]\[(\d+),(\d+),(\d+)\]$", line.rstrip("\n"))
            assert m, "bad colorfilters line: %r" % line
            assert all(0 <= int(x) <= 65535 for x in m.groups()[3:])
            rules.append((m.group(2), m.group(3), m.group(1) == "!"))
    return rules


def buttons():
    with open(os.path.join(PROFILE, "dfilter_buttons"), encoding="utf-8") as f:
        return [row for row in csv.reader(line for line in f if not line.startswith("#"))]


class CitrixProfile(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.ws = installed_wireshark()
        out, _ = cls.ws.run(["-G", "protocols"])
        cls.protocols = {row.split("\t")[2] for row in out.splitlines() if len(row.split("\t")) > 2}

    def compiles(self, dfilter):
        out, err = self.ws.run(["-r", self.ws.stage(SPIKE), "-c", "1", "-Y", dfilter], check=False)
        if "is neither a field nor a protocol name" in err:
            missing = re.findall(r"(\S+) is neither a field nor a protocol name", err)
            return False, missing
        self.assertNotIn("rror", err, dfilter)
        return True, []

    def assert_missing_only_absent_protocols(self, missing, what):
        for field in missing:
            self.assertNotIn(field.split(".")[0], self.protocols,
                             "%s: %s is unknown although its protocol is registered" % (what, field))

    def test_columns(self):
        cols = ["ICA client", "Channel", "CGP", "Svc registry"]
        rows = self.ws.columns(SPIKE, ["-C", "Citrix", "-Y", "frame.number in {12,41,43}"])
        self.assertEqual(["|".join(r[c] for c in cols) for r in rows],
                         ["spike|||Assigned", "|CTXTW||Assigned", "|CTXTW,CTXTW||Assigned"])

    def test_cgp_column(self):
        if "cgp" not in self.protocols:
            self.skipTest("plugin without the CGP dissector")
        cap = os.path.join(TOP, "captures", "cgp-resume-refused.pcap")
        rows = self.ws.columns(cap, ["-C", "Citrix", "-Y", "frame.number in {4,12,13}"])
        self.assertEqual([r["CGP"] for r in rows], ["BIND_REQUEST", "BIND_REQUEST,CHANNEL_OPEN_REQUEST", "BIND_RESPONSE"])

    def test_column_on_absent_field_does_not_break_loading(self):
        rows = self.ws.columns(SPIKE, ["-C", "Citrix"])
        self.assertEqual(len(rows), 174)
        if "cgp" not in self.protocols:
            self.assertTrue(all(r["CGP"] == "" for r in rows))

    def test_coloring_rules_first_match(self):
        rules = [r for r in color_rules() if not r[2]]
        usable = []
        for name, dfilter, _ in rules:
            ok, missing = self.compiles(dfilter)
            if ok:
                usable.append((name, dfilter))
            else:
                self.assert_missing_only_absent_protocols(missing, "coloring rule " + name)
        self.assertGreaterEqual(len(usable), 11)
        seen = set()
        for cap in CAPTURES:
            expected = {}
            for name, dfilter in usable:
                out = self.ws.tshark(cap, ["-Y", dfilter, "-T", "fields", "-e", "frame.number"])
                for num in map(int, out.split()):
                    expected.setdefault(num, name)
            out = self.ws.tshark(cap, ["-C", "Citrix", "--color", "-T", "fields", "-e", "frame.number",
                                       "-e", "frame.coloring_rule.name"])
            got = {int(n): name for n, name in (line.split("\t") for line in out.splitlines()) if name}
            self.assertEqual(got, expected, os.path.basename(cap))
            seen |= set(got.values())
        # the captures exercise the Citrix findings, not just the protocol colors
        wanted = ["ICA encrypted, not decodable", "Divergent port (registry vs de facto use)",
                  "Ghost port (registered, no known use)", "Listener on an unassigned port", "ICA", "CCHA"]
        if "cgp" in self.protocols:
            wanted += ["CGP resume", "CGP resume refused", "CGP"]
        for name in wanted:
            self.assertIn(name, seen)

    def test_buttons(self):
        rows = buttons()
        self.assertEqual([r[1] for r in rows], ["ICA", "Sessions", "CGP", "Resumes", "Gaps", "Undecodable",
                                                "Registry"])
        for enabled, label, dfilter, comment in rows:
            self.assertEqual(enabled, "TRUE")
            self.assertTrue(comment)
            ok, missing = self.compiles(dfilter)
            if not ok:
                self.assert_missing_only_absent_protocols(missing, "button " + label)
        out = self.ws.tshark(SPIKE, ["-Y", dict((r[1], r[2]) for r in rows)["ICA"], "-T", "fields",
                                     "-e", "frame.number"])
        self.assertEqual(len(out.split()), 123)

    def test_global_install(self):
        # cmake --install puts the profile where tshark -C finds global profiles
        build = os.environ.get("CITRIX_BUILD", os.path.join(TOP, "build"))
        stage = os.path.join(self.ws.tmp, "stage")
        subprocess.run(["cmake", "--install", build], env=dict(os.environ, DESTDIR=stage), check=True,
                       stdout=subprocess.DEVNULL)
        found = [os.path.join(r, f) for r, _, fs in os.walk(stage) for f in fs if "/profiles/Citrix" in r]
        self.assertEqual(sorted(os.path.basename(f) for f in found), ["colorfilters", "dfilter_buttons",
                                                                      "preferences"])
        self.assertTrue(all(f.startswith(os.path.join(stage, "usr", "share", "wireshark", "profiles")) for f in found))
        for f in found:
            with open(f, "rb") as a, open(os.path.join(PROFILE, os.path.basename(f)), "rb") as b:
                self.assertEqual(a.read(), b.read())
        shutil.rmtree(stage)


if __name__ == "__main__":
    unittest.main(verbosity=2)
