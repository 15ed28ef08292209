#!/usr/bin/env python3
"""citrix-triage on the virtual-channel captures (tools/captures/vc_captures.py):
what the CTXEUEM, CTXCTL and CTXCLIP decoders put on the ica tap lands in the
report (latency.ica_rtt_ms, launch.app / launch_mechanism / startup_ms, activity).
Exact values: the same as -z ica,tree in tests/tshark/test_vc.py."""
import json
import os
import re
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.join(HERE, "..", "..")
SRC = os.environ.get("CITRIX_SRC", TOP)
TOOL = os.path.join(SRC, "tools", "citrix-triage")
CAP = os.path.join(SRC, "captures")
EUEM, CTL, CLIP, SPIKE = "vc-euem.pcap", "vc-ctl.pcap", "vc-clip.pcap", "spike-ica-2001.pcap"
DIRECT = "cgp-direct.pcap"      # CGP bind, both detect strings, then the client's FINISH: no launch at all
NO_SAMPLES = {"count": 0, "min": None, "median": None, "max": None}
LISTS = ("launches", "command_lines", "launch_status", "urls", "session_events", "clipboard", "drive_files",
         "file_transfers", "printers", "usb_devices", "camera_formats", "processes")


def activity(**kw):
    a = {"euem_client_name": None, "client_address": None}
    a.update({k: [] for k in LISTS})
    a.update(kw)
    return a


class ChannelFacts(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        root = os.environ.get("CITRIX_PLUGIN_ROOT", os.path.join(TOP, "build", "plugins"))
        p = subprocess.run([TOOL, "-q", "-j", "2", "--json", EUEM, CTL, CLIP, SPIKE, DIRECT], cwd=CAP,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=600,
                           env=dict(os.environ, CITRIX_PLUGIN_ROOT=root))
        cls.rc, cls.err = p.returncode, p.stderr.decode()
        result = json.loads(p.stdout)
        cls.files = {f["path"]: f for f in result["files"]}
        # the text and HTML reports of the same run (what `citrix-triage merge` makes of it): one tshark run
        with tempfile.TemporaryDirectory() as tmp:
            page = os.path.join(tmp, "r.html")
            t = subprocess.run([TOOL, "merge", "/dev/stdin", "--html", page], input=p.stdout,
                               stdout=subprocess.PIPE, timeout=600)
            cls.text = t.stdout.decode()
            with open(page, encoding="utf-8") as f:
                cls.html = f.read()

    def session(self, cap):
        sessions = self.files[cap]["sessions"]
        self.assertEqual(len(sessions), 1)
        return sessions[0]

    def test_exit_status(self):
        self.assertEqual(self.rc, 0, self.err)

    def test_euem_round_trip(self):
        # ICA_RESULT round trips 31, 45, 12 ms (test_vc.py Statistics)
        self.assertEqual(self.session(EUEM)["latency"]["ica_rtt_ms"], {"count": 3, "min": 12, "median": 31, "max": 45})

    def test_euem_launch(self):
        la = self.session(EUEM)["launch"]
        self.assertEqual((la["app"], la["launch_mechanism"]), ("#Calculator", "WI"))
        self.assertEqual(la["startup_ms"], {"IFDCD": 714, "LPWD": 406, "NRWD": 265, "SCCD": 1142, "SCD": 5627,
                                            "SLCD": 1, "TRWD": 0})
        self.assertEqual(list(la["startup_ms"]), sorted(la["startup_ms"]))

    def test_euem_activity(self):
        self.assertEqual(self.session(EUEM)["activity"],
                         activity(euem_client_name="HTML-5748-4000", client_address="0.0.0.0"))

    def test_ctl(self):
        s = self.session(CTL)
        self.assertEqual(s["activity"], activity(
            launches=[{"app": '#"Notepad""', "count": 2}], command_lines=["C:\\Users\\alice\\notes.txt"],
            launch_status=[{"status": "LAUNCH_ERROR", "count": 1}, {"status": "SUCCESS", "count": 1}],
            urls=["https://www.citrix.com/"],
            session_events=[{"event": "DISCONNECT", "count": 1}, {"event": "LOCK", "count": 1}]))
        # no EUEM in this capture: the application is CTXCTL's
        self.assertEqual((s["launch"]["app"], s["launch"]["launch_mechanism"], s["launch"]["startup_ms"]),
                         ('#"Notepad""', None, None))
        self.assertEqual(s["latency"]["ica_rtt_ms"], NO_SAMPLES)

    def test_clipboard(self):
        self.assertEqual(self.session(CLIP)["activity"], activity(clipboard=[
            {"direction": "c2s", "format": "CF_TEXT", "count": 1, "bytes": 6, "min": 6, "max": 6},
            {"direction": "s2c", "format": "CF_UNICODETEXT", "count": 1, "bytes": 44, "min": 44, "max": 44}]))

    def test_no_channel_facts(self):
        s = self.session(SPIKE)
        self.assertEqual(s["activity"], activity())
        self.assertEqual(s["latency"]["ica_rtt_ms"], NO_SAMPLES)
        self.assertEqual((s["launch"]["app"], s["launch"]["launch_mechanism"], s["launch"]["startup_ms"]),
                         (None, None, None))

    def test_text(self):
        for line in ("    ICA round trip (CTXEUEM): median 31 ms (min 12, max 45, 3 samples)",
                     "    application: #Calculator",
                     "    launch mechanism: WI",
                     "    startup durations: IFDCD 714 ms, LPWD 406 ms, NRWD 265 ms, SCCD 1142 ms, SCD 5627 ms, "
                     "SLCD 1 ms, TRWD 0 ms",
                     "    client name (CTXEUEM): HTML-5748-4000",
                     "    client address (CTXEUEM): 0.0.0.0",
                     '    applications launched (CTXCTL): #"Notepad"" x2',
                     "    launch status: LAUNCH_ERROR x1, SUCCESS x1",
                     "    session events: DISCONNECT x1, LOCK x1",
                     "    command lines: C:\\Users\\alice\\notes.txt",
                     "    URLs redirected: https://www.citrix.com/",
                     "    clipboard client to server CF_TEXT: 1 transfer(s), 6 bytes",
                     "    clipboard server to client CF_UNICODETEXT: 1 transfer(s), 44 bytes"):
            self.assertIn("\n" + line + "\n", self.text)

    def test_html_channel_facts(self):
        """One "channel facts" table per session that has any (EUEM, CTL, CLIP: three), none for the others."""
        tables = re.findall(r"<table><tr><th>channel facts</th><th>value</th></tr>\n(.*?)</table>", self.html, re.S)
        self.assertEqual(len(tables), 3)
        self.assertIn("<tr><td>ICA round trip (CTXEUEM)</td><td>median 31 ms (min 12, max 45, 3 samples)</td></tr>",
                      tables[0])
        self.assertIn("<tr><td>clipboard server to client CF_UNICODETEXT</td><td>1 transfer(s), 44 bytes</td></tr>",
                      tables[2])

    # launch_failed only where a launch failed: CTXCTL's LAUNCH_RESPONSE with LAUNCH_ERROR (frame 138; the
    # SUCCESS one is frame 132), not a client that sent its detect string and ended cleanly.
    def test_ctl_launch_error(self):
        self.assertEqual(self.files[CTL]["findings"], [
            {"kind": "launch_failed", "severity": "high", "session": 1, "frame": 138,
             "text": "the application launch failed (CTXCTL launch status LAUNCH_ERROR)"}])

    def test_launch_error_in_the_gui(self):
        """citrix.finding launch_failed with its expert info on the frame the report names, on one
        and on two passes; none on cgp-direct."""
        sys.path.insert(0, os.path.join(TOP, "tools", "lib"))
        from wsrun import Wireshark
        ws = Wireshark()
        for extra in ([], ["-2"]):
            rows = ws.fields(os.path.join(CAP, CTL), ["frame.number", "citrix.finding", "_ws.expert.message"],
                             filter="citrix.finding", aggregator="\x1e", extra=extra)
            self.assertEqual([(int(n), k, [m for m in msgs.split("\x1e") if m.startswith("Session ")])
                              for n, k, msgs in rows],
                             [(138, "launch_failed", ["Session 1: application launch failed (LAUNCH_ERROR)"])], extra)
        self.assertEqual(ws.fields(os.path.join(CAP, DIRECT), ["frame.number"], filter="citrix.finding"), [])

    def test_detect_then_finish_is_no_failure(self):
        s = self.session(DIRECT)
        self.assertEqual((s["end"]["how"], s["end"]["by"], s["launch"]["detect_s"], s["launch"]["handshake_s"]),
                         ("cgp_finish", "client", 0.006999, None))
        self.assertEqual(self.files[DIRECT]["findings"], [])

    def test_launched_sessions_have_none(self):
        for cap in (EUEM, CLIP, SPIKE):
            self.assertEqual(self.files[cap]["findings"], [], cap)


class Grouping(unittest.TestCase):
    """Connections of one client grouped (tools/captures/triage_captures.py).  Auto client reconnect
    (triage-acr.pcap): ROAMING-PC's session 1 is reset by the server, its new ICA handshake 5.020 s later
    is session 2; OTHER-PC (3) is another client; ROAMING-PC's session 4 follows a session it closed
    itself (no drop).  Streams (triage-streams.pcap): MULTI-PC's two connections to the same VDA side by
    side (1, 2), SOLO-PC (3) at the same time from another address."""

    @classmethod
    def setUpClass(cls):
        root = os.environ.get("CITRIX_PLUGIN_ROOT", os.path.join(TOP, "build", "plugins"))
        p = subprocess.run([TOOL, "-q", "-j", "2", "--json", "triage-acr.pcap", "triage-streams.pcap",
                            "triage-edt-fallback.pcap"], cwd=CAP, stdout=subprocess.PIPE, timeout=600,
                           env=dict(os.environ, CITRIX_PLUGIN_ROOT=root))
        cls.file, cls.streams, cls.edt = json.loads(p.stdout)["files"]
        t = subprocess.run([TOOL, "merge", "/dev/stdin"], input=p.stdout, stdout=subprocess.PIPE, timeout=600)
        cls.text = t.stdout.decode()

    def test_streams(self):
        self.assertEqual([(s["number"], s["client_name"], s["client"], s["server"], s["streams"])
                          for s in self.streams["sessions"]],
                         [(1, "MULTI-PC", "10.40.3.10:1301", "10.40.3.1:1494", [2]),
                          (2, "MULTI-PC", "10.40.3.10:1302", "10.40.3.1:1494", [1]),
                          (3, "SOLO-PC", "10.40.3.11:1303", "10.40.3.1:1494", [])])
        self.assertEqual(self.streams["findings"], [])
        self.assertEqual([s["streams"] for s in self.file["sessions"]], [[], [], [], []])
        self.assertIn("\n    side by side from the same client to the same server: session(s) 2\n", self.text)

    def test_edt_fallback(self):
        """triage-edt-fallback.pcap: EDT-PC's three unanswered UDT handshakes (frames 1, 42, 43) beside its
        TCP session (SYN frame 2); PLAIN-PC (TCP only, 3 s later) has none."""
        self.assertEqual([(s["number"], s["client_name"], s["transport"], s["edt_attempt"])
                          for s in self.edt["sessions"]],
                         [(1, "EDT-PC", "ica", {"frame": 1, "time_s": 0.0, "client_handshakes": 3,
                                                "server_handshakes": 0, "handshakes": [
                                                    {"frame": 1, "time_s": 0.0, "by": "client"},
                                                    {"frame": 42, "time_s": 1.0, "by": "client"},
                                                    {"frame": 43, "time_s": 2.0, "by": "client"}]}),
                          (2, "PLAIN-PC", "ica", None)])
        self.assertEqual(self.edt["findings"], [
            {"kind": "edt_fallback", "severity": "medium", "session": 1, "frame": 1,
             "text": "the client tried EDT (3 UDT handshake(s), no answer) and the session went over TCP"}])
        self.assertEqual([s["edt_attempt"] for f in (self.file, self.streams) for s in f["sessions"]], [None] * 7)

    def test_text(self):
        self.assertIn("\n    reconnected as session 2\n", self.text)
        self.assertIn("\n    auto client reconnect of session 1\n", self.text)

    def test_links(self):
        self.assertEqual([(s["number"], s["client_name"], s["client"], s["reconnect_of"], s["reconnected_by"])
                          for s in self.file["sessions"]],
                         [(1, "ROAMING-PC", "10.40.2.10:1201", None, 2), (2, "ROAMING-PC", "10.40.2.10:1202", 1, None),
                          (3, "OTHER-PC", "10.40.2.11:1203", None, None),
                          (4, "ROAMING-PC", "10.40.2.10:1204", None, None)])

    def test_findings(self):
        self.assertEqual(self.file["findings"], [
            {"kind": "reset", "severity": "high", "session": 1, "frame": 38,
             "text": "connection 10.40.2.10:1201 -> 10.40.2.1:1494 reset by the server after 1.000 s of silence"},
            {"kind": "auto_reconnect", "severity": "low", "session": 2, "frame": 58,
             "text": "client ROAMING-PC reconnected 5.020 s after session 1 was dropped (reset by the server, "
                     "frame 38)"}])


class FutureChannels(unittest.TestCase):
    """The lists of the decoders still to come fill from any part of -z ica,tree tagged with their
    channel (fact_places in plugin/packet-ica-stats.c), whatever labels those rows get."""

    def test_tagged_part_fills_its_list(self):
        sys.path.insert(0, os.path.join(TOP, "tools", "lib"))
        sys.path.insert(0, os.path.join(TOP, "tools", "triage"))
        import statstree
        import verdicts
        rule = "-" * 60
        head = "Topic / Item                       Count  Average  Min Val  Max Val  Rate (ms)  Percent"
        out = "\n".join([
            "Citrix/ICA sessions:", head, rule,
            "Client drives (CTXCDM)             0",
            " 10.0.0.1:1 -> 10.0.0.2:1494       0",
            "  File opened: C:\\a.txt            2",
            "  client to server                 0",
            "   C:\\a.txt (bytes)                2      150.00   100      200",
            "Printing (CTXCPM)                  0",
            " 10.0.0.1:1 -> 10.0.0.2:1494       0",
            "  Printer: HP LaserJet             1",
            rule, ""])
        act, rtt, app, mech, startup = verdicts.activity_of(
            verdicts.ica_tree_facts(statstree.parse(out))["10.0.0.1:1 -> 10.0.0.2:1494"])
        self.assertEqual(act["drive_files"], [
            {"path": "C:\\a.txt", "operation": None, "direction": "c2s", "count": 2, "bytes": 300},
            {"path": "C:\\a.txt", "operation": "File opened", "direction": None, "count": 2, "bytes": None}])
        self.assertEqual(act["printers"], [{"name": "HP LaserJet", "label": "Printer", "direction": None,
                                            "count": 1, "bytes": None}])
        self.assertEqual((act["usb_devices"], rtt, app, mech, startup), ([], NO_SAMPLES, None, None, None))


if __name__ == "__main__":
    unittest.main()
