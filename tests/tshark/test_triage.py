#!/usr/bin/env python3
"""The README's main job: tools/triage/triage.py on the bundled real ICA session, all dissectors enabled.

This is also the place where the plugin's protocols meet: portreg must see
what the ICA dissector decoded on the same conversation.
"""
import os
import subprocess
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.join(HERE, "..", "..")
sys.path.insert(0, os.path.join(TOP, "tools", "lib"))
sys.path.insert(0, os.path.join(TOP, "tools", "captures"))
from wsrun import Wireshark  # noqa: E402

SPIKE = os.path.join(TOP, "captures", "spike-ica-2001.pcap")


class Triage(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        p = subprocess.run([sys.executable, os.path.join(TOP, "tools", "triage", "triage.py"), SPIKE],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=600)
        cls.err = p.stderr.decode()
        cls.out = p.stdout.decode()
        cls.rc = p.returncode

    def test_runs_clean(self):
        self.assertEqual(self.rc, 0, self.err)
        self.assertNotIn("Dissector bug", self.out + self.err)

    def test_capture_basics(self):
        self.assertIn("174 frames over 13.850 s", self.out)

    def test_conversation_rows(self):
        lines = self.out.splitlines()
        i = lines.index("  tcp  192.168.1.101:1494 <- 192.168.1.100:1193  170 frames")
        self.assertEqual(lines[i + 1].strip(),
                         "registry: ica (Assigned, User); de facto: Citrix ICA/HDX (raw ICA) [matches]")
        self.assertEqual(lines[i + 2].strip(), "observed: ica")
        self.assertIn("  udp  192.168.1.101:1604 <- 192.168.1.100:1030  3 frames", lines)

    def test_ica_session_summary(self):
        for text in ("Client name: spike", "Client build: 908", "Encryption: Basic (session key 0xf4)",
                     "CTXTW (channel 9)"):
            self.assertIn(text, self.out)


class ProtocolsTogether(unittest.TestCase):
    """portreg's observed protocol comes from the ICA dissector when both run."""

    def test_observed_ica_on_every_session_frame(self):
        ws = Wireshark()
        rows = ws.fields(SPIKE, ["portreg.observed", "ica"], filter="tcp.port == 1494",
                         extra=["-2"])
        self.assertEqual(len(rows), 170)
        self.assertEqual({r[0] for r in rows}, {"ica"})


if __name__ == "__main__":
    unittest.main(verbosity=2)
