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
        _, err = WS.run(["-G", "plugins"])
        # A second copy (a global install or the package) would be loaded
        # instead of the one under test: tshark says so on stderr.
        self.assertNotIn("found in multiple directories", err,
                         "another citrix_wireshark.so is installed; the tests would check that one instead "
                         "(remove the global copy or the citrix-wireshark package): " + err)
        ours = [r for r in WS.listing("plugins") if r["file"] == PLUGIN_NAME]
        self.assertEqual(len(ours), 1, ours)
        self.assertEqual(ours[0]["type"], "dissector")
        self.assertEqual(ours[0]["path"], WS.plugin)

    def test_registration_is_clean(self):
        # A bad ett/hf registration shows as a dissector bug here (tshark -G
        # fields exits non-zero); WS.run raises on either.
        out, err = WS.run(["-G", "fields"])
        self.assertNotIn("Dissector bug", err)
        self.assertNotIn("Warning", err)


if __name__ == "__main__":
    unittest.main(verbosity=2)
