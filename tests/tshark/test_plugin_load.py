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


class OnePostDissector(unittest.TestCase):
    """include/citrix_post.h: the ICA TCP reordering, CCHA link events, the
    citrix summary and the port registry run inside one registered
    post-dissector; disabling one part's protocol stops that part only, and
    the post-dissector itself cannot be disabled."""
    CAPTURE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "captures", "spike-ica-2001.pcap")

    def counts(self, extra=()):
        rows = WS.fields(self.CAPTURE, ["portreg.port", "citrix.session", "ica.cmd"], separator="\t",
                         extra=list(extra))
        return [sum(1 for r in rows if r[i]) for i in range(3)]

    def test_parts_disabled_one_by_one(self):
        # frames with a portreg tree, with a citrix summary, with ICA commands
        self.assertEqual(self.counts(), [174, 123, 109])
        self.assertEqual(self.counts(["--disable-protocol", "portreg"]), [0, 123, 109])
        self.assertEqual(self.counts(["--disable-protocol", "citrix"]), [174, 0, 109])

    def test_post_dissector_cannot_be_disabled(self):
        self.assertEqual(self.counts(["--disable-protocol", "citrix_post"]), [174, 123, 109])
        row = [r for r in WS.listing("protocols") if r["filter_name"] == "citrix_post"]
        self.assertEqual([r["short_name"] for r in row], ["Citrix post"])


if __name__ == "__main__":
    unittest.main(verbosity=2)
