#!/usr/bin/env python3
"""The plugin loads from a personal plugin dir, as a non-root user would load it."""
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools", "lib"))
from wsrun import Wireshark, PLUGIN_NAME  # noqa: E402

WS = Wireshark()


class PluginLoad(unittest.TestCase):
    def test_listed_by_tshark(self):
        out, _ = WS.run(["-G", "plugins"])
        rows = [line.split("\t") for line in out.splitlines()]
        ours = [r for r in rows if r[0] == PLUGIN_NAME]
        self.assertEqual(len(ours), 1, out)
        self.assertEqual(ours[0][2], "dissector")
        self.assertEqual(ours[0][3], WS.plugin)

    def test_registration_is_clean(self):
        # A bad ett/hf registration shows as a dissector bug here (tshark -G
        # fields exits non-zero); WS.run raises on either.
        out, err = WS.run(["-G", "fields"])
        self.assertNotIn("Dissector bug", err)
        self.assertNotIn("Warning", err)


if __name__ == "__main__":
    unittest.main(verbosity=2)
