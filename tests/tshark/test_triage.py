#!/usr/bin/env python3
"""The README's main job: tools/citrix-triage on the project's captures.

Exact content of the text, JSON and HTML reports; numbers cross-checked
against computations that do not share the triage code (tshark's TCP
payload counts, the ICA dissector's own -z ica,tree, the -z ccha,tree
numbers of test_ccha); a mix of good, truncated and non-capture files and a
folder; the same JSON as root and as an unprivileged user, with -j 1 and
-j 2; the HTML page rendered by headless Chromium and its screenshot
inspected.  Also -z citrix,tree itself.
"""
import base64
import gzip
import html.parser
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import unittest
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.join(HERE, "..", "..")
sys.path.insert(0, os.path.join(TOP, "tools", "lib"))
from wsrun import Wireshark  # noqa: E402
import statstree  # noqa: E402
import pcapgen  # noqa: E402
import pcapread  # noqa: E402

SRC = os.environ.get("CITRIX_SRC", TOP)
TOOL = os.path.join(SRC, "tools", "citrix-triage")
CAP = os.path.join(SRC, "captures")
SPIKE, HEARTBEAT, RC5, MYSQL = "spike-ica-2001.pcap", "ccha-heartbeat.pcap", "ica-rc5.pcap", "ccha-mysql.pcap"
RESUME, REFUSED = "cgp-resume.pcap", "cgp-resume-refused.pcap"
WS = Wireshark()


def plugin_root():
    return os.environ.get("CITRIX_PLUGIN_ROOT", os.path.join(TOP, "build", "plugins"))


def staged_for_other_user(tmp):
    """(tool, captures folder, plugin root) copied under tmp, world-readable: another
    user (nobody) may not read the checkout (a clone in /root/src) nor its build."""
    tools = os.path.join(tmp, "tools")
    shutil.copytree(os.path.join(SRC, "tools", "triage"), os.path.join(tools, "triage"))
    shutil.copytree(os.path.join(SRC, "tools", "lib"), os.path.join(tools, "lib"))
    shutil.copy(TOOL, os.path.join(tools, "citrix-triage"))
    shutil.copytree(CAP, os.path.join(tmp, "captures"))
    plugins = os.path.join(tmp, "build", "plugins")
    shutil.copytree(plugin_root(), plugins)
    version = os.path.join(plugin_root(), os.pardir, "triage-version.json")
    if os.path.exists(version):
        shutil.copy(version, os.path.join(tmp, "build"))
    for root, dirs, names in os.walk(tmp):
        os.chmod(root, 0o755)
        for n in names:
            p = os.path.join(root, n)
            os.chmod(p, 0o755 if os.access(p, os.X_OK) else 0o644)
    return os.path.join(tools, "citrix-triage"), os.path.join(tmp, "captures"), plugins


_RUNS = {}      # (args, user) -> result of a run in captures/ that writes no file


def triage(args, cwd=CAP, user=None):
    """(exit status, stdout, stderr) of citrix-triage run in captures/ (short relative paths).
    As another user: from a world-readable copy of the tool, the captures and the plugin.
    The same command over the same committed captures is run once per test run (several
    tests compare against the same report): only runs in captures/ that write no file
    (no --html, no merge) are kept."""
    key = (tuple(args), user)
    if cwd == CAP and "--html" not in args and args[:1] != ["merge"]:
        if key not in _RUNS:
            _RUNS[key] = _run_triage(args, cwd, user)
        return _RUNS[key]
    return _run_triage(args, cwd, user)


def _run_triage(args, cwd, user):
    tool, root, tmp = TOOL, plugin_root(), None
    if user:
        tmp = tempfile.mkdtemp(prefix="triage-user-")
        tool, staged_cap, root = staged_for_other_user(tmp)
        cwd = staged_cap if cwd == CAP else cwd
    cmd = [tool] + (list(args) if args[:1] == ["merge"] else ["-q"] + list(args))
    if user:
        cmd = ["setpriv", "--reuid=%s" % user, "--regid=nogroup", "--clear-groups"] + cmd
    try:
        p = subprocess.run(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=900,
                           env=dict(os.environ, CITRIX_PLUGIN_ROOT=root))
    finally:
        if tmp:
            shutil.rmtree(tmp, True)
    return p.returncode, p.stdout.decode(), p.stderr.decode()


NO_SAMPLES = {"count": 0, "min": None, "median": None, "max": None}


def rtt(count, lo, med, hi):
    return {"count": count, "min": lo, "median": med, "max": hi}


def latency(client, server, retrans=(0, 0), zero=(0, 0)):
    return {"client_side_rtt_ms": client, "server_side_rtt_ms": server, "edt_rtt_ms": NO_SAMPLES,
            "ht_rtt_ms": NO_SAMPLES, "ica_rtt_ms": NO_SAMPLES,
            "retransmissions": {"client": retrans[0], "server": retrans[1]},
            "zero_windows": {"client": zero[0], "server": zero[1]}}


def end(how, by, frame, time_s, silence_s, reason=None):
    return {"how": how, "by": by, "frame": frame, "time_s": time_s, "silence_s": silence_s, "reason": reason}


def launch(connect, detect, handshake, key, graphics):
    return {"connect_s": connect, "detect_s": detect, "handshake_s": handshake, "key_exchange_s": key,
            "first_graphics_s": graphics, "app": None, "launch_mechanism": None, "startup_ms": None}


# what the channel decoders reported (test_triage_vc.py has captures with some)
ACTIVITY = {"euem_client_name": None, "client_address": None, "launches": [], "command_lines": [],
            "launch_status": [], "urls": [], "session_events": [], "clipboard": [], "drive_files": [],
            "file_transfers": [], "printers": [], "usb_devices": [], "camera_formats": [], "processes": []}


def conn(client, server, first_frame, start_s, e):
    return {"client": client, "server": server, "first_frame": first_frame, "start_s": start_s, "end": e}


# Ends, latency and launch of the real spike session: checked by hand in Wireshark once
# (the capture stops while the session runs; tcp.analysis.ack_rtt per sender; ICA detect
# in frame 8, INIT_CONNECT frame 36, CRYPT SESSIONKEY frame 39, first CTXTW write frame 41).
SPIKE_END = end("capture_end", None, 174, 13.85, 0.0)
SPIKE_SESSION = {
    "number": 1, "client_name": "spike", "client_build": 908, "client_product_id": 0x51,
    "client": "192.168.1.100:1193", "server": "192.168.1.101:1494", "transport": "ica",
    "encryption": "Basic", "compression": {"c2s": "none", "s2c": "none"}, "resumes": 0, "refused_resumes": 0,
    "frames": 123, "first_frame": 8, "start_s": 0.02, "end_s": 13.85, "ica_bytes": {"c2s": 1579, "s2c": 14834},
    "channels": [
        {"name": "CTXTW", "number": 9, "bytes": 14169, "bytes_c2s": 0, "bytes_s2c": 14169},
        {"name": "CTXCAM", "number": 12, "bytes": 143, "bytes_c2s": 38, "bytes_s2c": 105},
        {"name": "CTXTWI", "number": 15, "bytes": 27, "bytes_c2s": 0, "bytes_s2c": 27}],
    "rtt_ms": None, "rtt_estimates": None, "bandwidth_bps": None, "bandwidth_estimates": None,
    "duration_s": 13.83, "capture_gaps": 0,
    "end": SPIKE_END, "connections": [conn("192.168.1.100:1193", "192.168.1.101:1494", 5, 0.02, SPIKE_END)],
    "latency": latency(rtt(33, 10.0, 20.0, 40.0), rtt(9, 10.0, 10.0, 120.0)),
    "launch": launch(0.02, 0.02, 1.54, 1.54, 1.73), "activity": ACTIVITY, "reconnect_of": None, "reconnected_by": None, "streams": [], "edt_attempt": None,
}
RC5_END = end("capture_end", None, 28, 0.026998, 0.0)
RC5_SESSION = {
    "number": 1, "client_name": "SECURE-PC", "client_build": 6685, "client_product_id": 1,
    "client": "10.20.0.16:1066", "server": "10.20.0.1:1494", "transport": "ica",
    "encryption": "RC5 (SecureICA)", "compression": {"c2s": "none", "s2c": "none"}, "resumes": 0,
    "refused_resumes": 0, "frames": 25, "first_frame": 4, "start_s": 0.003, "end_s": 0.026998,
    "ica_bytes": {"c2s": 922, "s2c": 1889}, "channels": [], "rtt_ms": None, "rtt_estimates": None,
    "bandwidth_bps": None, "bandwidth_estimates": None, "duration_s": 0.023998, "capture_gaps": 0,
    "end": RC5_END, "connections": [conn("10.20.0.16:1066", "10.20.0.1:1494", 1, 0.0, RC5_END)],
    "latency": latency(rtt(7, 0.999, 1.0, 1.0), rtt(6, 1.0, 1.0, 1.0)),
    "launch": launch(0.0, 0.003, 0.018999, None, None),     # RC5: no key exchange or channel decoded
    "activity": ACTIVITY, "reconnect_of": None, "reconnected_by": None, "streams": [], "edt_attempt": None,
}
# The spike session carried by CGP, resumed once on a second TCP connection
# (the server resends one message: it must not count twice).
# The first connection was reset by the server (frame 32), the session goes on over the second.
RESUME_END = end("capture_end", None, 105, 9.9e-05, 0.0)
RESUME_SESSION = dict(SPIKE_SESSION, client="10.30.0.10:50001", server="10.30.0.20:2598", transport="cgp",
                      resumes=1, frames=98, first_frame=4, start_s=3e-06, end_s=9.9e-05, duration_s=9.6e-05,
                      end=RESUME_END,
                      connections=[conn("10.30.0.10:50001", "10.30.0.20:2598", 1, 0.0,
                                        end("reset", "server", 32, 3e-05, 1e-06)),
                                   conn("10.30.0.10:50011", "10.30.0.20:2598", 33, 3e-05, RESUME_END)],
                      latency=latency(rtt(42, 0.001, 0.001, 0.001), rtt(46, 0.001, 0.001, 0.001)),
                      launch=launch(0.0, 6e-06, 9e-06, 1.2e-05, 1.3e-05))
REFUSED_END = end("tcp_fin", "client", 14, 0.012999, 0.001)
REFUSED_SESSION = {
    "number": 1, "client_name": None, "client_build": None, "client_product_id": None,
    "client": "10.30.2.10:50021", "server": "10.30.2.20:2598", "transport": "cgp", "encryption": None,
    "compression": {"c2s": None, "s2c": None}, "resumes": 1, "refused_resumes": 1, "frames": 6, "first_frame": 4,
    "start_s": 0.003, "end_s": 0.011999, "ica_bytes": {"c2s": 0, "s2c": 0}, "channels": [], "rtt_ms": None,
    "rtt_estimates": None, "bandwidth_bps": None, "bandwidth_estimates": None, "duration_s": 0.008999,
    "capture_gaps": 0, "end": REFUSED_END,
    "connections": [conn("10.30.2.10:50021", "10.30.2.20:2598", 1, 0.0, end("reset", "client", 8, 0.006999, 0.001)),
                    conn("10.30.2.10:50022", "10.30.2.20:2598", 9, 0.007999, REFUSED_END)],
    "latency": latency(rtt(6, 1.0, 1.0, 1.0), rtt(6, 0.999, 1.0, 1.0)),
    "launch": launch(0.0, None, None, None, None), "activity": ACTIVITY, "reconnect_of": None, "reconnected_by": None, "streams": [], "edt_attempt": None,
}
RESUME_TEXT = """\
== cgp-resume.pcap: 105 frames over 0.000 s
Findings: 1
  [high] reset: session 1, frame 32: connection 10.30.0.10:50001 -> 10.30.0.20:2598 reset by the server after 0.000 s of silence
Sessions: 1
  Session 1: 10.30.0.10:50001 -> 10.30.0.20:2598, transport cgp, 98 frames, 0.000 s
    client spike, build 908, product id 0x0051
    encryption Basic; compression client to server none, server to client none
    channel CTXTW (9)      14169 bytes (client to server 0, server to client 14169)
    channel CTXCAM (12)       143 bytes (client to server 38, server to client 105)
    channel CTXTWI (15)        27 bytes (client to server 0, server to client 27)
    CGP resumes 1, refused 0
    ended: capture_end at frame 105, 9.9e-05 s, after 0 s of silence
      connection 10.30.0.10:50001 -> 10.30.0.20:2598 (frame 1): reset by the server at frame 32, 3e-05 s, after 1e-06 s of silence
      connection 10.30.0.10:50011 -> 10.30.0.20:2598 (frame 33): capture_end at frame 105, 9.9e-05 s, after 0 s of silence
    TCP round trip client side: median 0.001 ms (min 0.001, max 0.001, 42 samples)
    TCP round trip server side: median 0.001 ms (min 0.001, max 0.001, 46 samples)
    retransmissions client 0, server 0; zero windows client 0, server 0
    launch: connect 0 s, detect 6e-06 s, handshake 9e-06 s, key exchange 1.2e-05 s, first graphics 1.3e-05 s
Command Center HA links: 0
"""
HEARTBEAT_LINKS = [
    {"link": 1, "peer": "127.0.0.1:45938", "service": "127.0.0.1:2014", "carrier": "opaque (nothing recognised)",
     "first_frame": 4, "closes": 2, "resets": 0,
     "to_service": {"messages": 15, "gaps": 1, "median_interval_s": 0.200377, "max_interval_s": 3.00037},
     "from_service": {"messages": 15, "gaps": 1, "median_interval_s": 0.200366, "max_interval_s": 3.000379},
     "gaps": 2, "gap_times_s": [4.804873, 4.804929]},
    {"link": 2, "peer": "127.0.0.1:37076", "service": "127.0.0.1:2014", "carrier": "opaque (nothing recognised)",
     "first_frame": 56, "closes": 0, "resets": 1,
     "to_service": {"messages": 3, "gaps": 0, "median_interval_s": 0.20041, "max_interval_s": 0.200433},
     "from_service": {"messages": 3, "gaps": 0, "median_interval_s": 0.200398, "max_interval_s": 0.20044},
     "gaps": 0, "gap_times_s": []},
]
SPIKE_PORTREG = {"findings": 0, "conversations": [
    {"transport": "tcp", "service": "192.168.1.101:1494", "client": "192.168.1.100:1193", "service_port": 1494,
     "frames": 170, "iana_service": ["ica"], "iana_status": "Assigned", "range": "User",
     "defacto": "Citrix ICA/HDX (raw ICA)", "defacto_kind": "matches", "divergent": False, "ghost": False,
     "observed": "ica"},
    {"transport": "udp", "service": "192.168.1.101:1604", "client": "192.168.1.100:1030", "service_port": 1604,
     "frames": 3, "iana_service": ["icabrowser"], "iana_status": "Assigned", "range": "User",
     "defacto": "Citrix ICA Browser (MetaFrame/XenApp, legacy)", "defacto_kind": "matches", "divergent": False,
     "ghost": False, "observed": None},
    {"transport": "udp", "service": "192.168.1.255:1604", "client": "192.168.1.100:1030", "service_port": 1604,
     "frames": 1, "iana_service": ["icabrowser"], "iana_status": "Assigned", "range": "User",
     "defacto": "Citrix ICA Browser (MetaFrame/XenApp, legacy)", "defacto_kind": "matches", "divergent": False,
     "ghost": False, "observed": None}]}

SPIKE_TEXT = """\
== spike-ica-2001.pcap: 174 frames over 13.850 s
Findings: 0
Sessions: 1
  Session 1: 192.168.1.100:1193 -> 192.168.1.101:1494, transport ica, 123 frames, 13.830 s
    client spike, build 908, product id 0x0051
    encryption Basic; compression client to server none, server to client none
    channel CTXTW (9)      14169 bytes (client to server 0, server to client 14169)
    channel CTXCAM (12)       143 bytes (client to server 38, server to client 105)
    channel CTXTWI (15)        27 bytes (client to server 0, server to client 27)
    ended: capture_end at frame 174, 13.85 s, after 0 s of silence
    TCP round trip client side: median 20 ms (min 10, max 40, 33 samples)
    TCP round trip server side: median 10 ms (min 10, max 120, 9 samples)
    retransmissions client 0, server 0; zero windows client 0, server 0
    launch: connect 0.02 s, detect 0.02 s, handshake 1.54 s, key exchange 1.54 s, first graphics 1.73 s
Command Center HA links: 0
Port registry: 3 conversations, 0 findings
  tcp  192.168.1.101:1494 <- 192.168.1.100:1193  170 frames
       registry: ica (Assigned, User); de facto: Citrix ICA/HDX (raw ICA) [matches]
       observed: ica
  udp  192.168.1.101:1604 <- 192.168.1.100:1030  3 frames
       registry: icabrowser (Assigned, User); de facto: Citrix ICA Browser (MetaFrame/XenApp, legacy) [matches]
       observed: (nothing beyond the transport)
  udp  192.168.1.255:1604 <- 192.168.1.100:1030  1 frames
       registry: icabrowser (Assigned, User); de facto: Citrix ICA Browser (MetaFrame/XenApp, legacy) [matches]
       observed: (nothing beyond the transport)
"""
HEARTBEAT_TEXT_HA = """\
Command Center HA links: 2
  Link 1: 127.0.0.1:45938 -> 127.0.0.1:2014, carrier opaque (nothing recognised), first frame 4
    to service port      15 messages, median interval 0.200377 s, max 3.00037 s, 1 gaps
    from service port    15 messages, median interval 0.200366 s, max 3.00038 s, 1 gaps
    closes (FIN) 2, resets (RST) 0
  Link 2: 127.0.0.1:37076 -> 127.0.0.1:2014, carrier opaque (nothing recognised), first frame 56
    to service port       3 messages, median interval 0.20041 s, max 0.200433 s, 0 gaps
    from service port     3 messages, median interval 0.200398 s, max 0.20044 s, 0 gaps
    closes (FIN) 0, resets (RST) 1
"""


class Reports(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="triage-test-")
        os.chmod(cls.tmp, 0o755)
        cls.html_path = os.path.join(cls.tmp, "report.html")
        cls.rc, cls.text, cls.err = triage([SPIKE, HEARTBEAT, RESUME])
        cls.jrc, out, cls.jerr = triage(["--json", "--html", cls.html_path, SPIKE, RC5, HEARTBEAT, RESUME, REFUSED])
        cls.json = json.loads(out)
        with open(cls.html_path, encoding="utf-8") as f:
            cls.html = f.read()

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, True)

    def test_exit_status(self):
        self.assertEqual((self.rc, self.jrc), (0, 0), self.err + self.jerr)

    def test_text_spike_exact(self):
        self.assertEqual(self.text[:len(SPIKE_TEXT) + 1], SPIKE_TEXT + "\n")

    def test_text_heartbeat_ha(self):
        self.assertIn("\n== ccha-heartbeat.pcap: 66 frames over 6.309 s\nFindings: 0\nSessions: 0\n" + HEARTBEAT_TEXT_HA,
                      self.text)

    def test_text_cgp_resume(self):
        self.assertIn("\n" + RESUME_TEXT, self.text)

    def test_json_shape(self):
        self.assertEqual(self.json["errors"], [])
        self.assertEqual([(f["path"], f["frames"], f["duration_s"], f["complete"]) for f in self.json["files"]],
                         [(SPIKE, 174, 13.85, True), (RC5, 28, 0.026998, True), (HEARTBEAT, 66, 6.308592, True),
                          (RESUME, 105, 9.9e-05, True), (REFUSED, 16, 0.014999, True)])

    def test_json_sessions_exact(self):
        spike, rc5, hb, resume, refused = self.json["files"]
        self.assertEqual(spike["sessions"], [SPIKE_SESSION])
        self.assertEqual(rc5["sessions"], [RC5_SESSION])
        self.assertEqual(hb["sessions"], [])
        self.assertEqual(resume["sessions"], [RESUME_SESSION])
        self.assertEqual(refused["sessions"], [REFUSED_SESSION])

    def test_resumed_session_carries_the_same_ica(self):
        """Across the resume, one session with exactly the plain capture's ICA bytes and channels."""
        spike, resume = self.json["files"][0]["sessions"][0], self.json["files"][3]["sessions"][0]
        self.assertEqual((resume["ica_bytes"], resume["channels"]), (spike["ica_bytes"], spike["channels"]))
        self.assertEqual([c["client"] for c in self.json["files"][3]["portreg"]["conversations"]],
                         ["10.30.0.10:50001", "10.30.0.10:50011"])    # two TCP connections, one session

    def test_json_ha_links_exact(self):
        spike, rc5, hb = self.json["files"][:3]
        self.assertEqual(hb["ha_links"], HEARTBEAT_LINKS)
        self.assertEqual(spike["ha_links"], [])

    def test_json_portreg_exact(self):
        self.assertEqual(self.json["files"][0]["portreg"], SPIKE_PORTREG)

    def test_ica_bytes_are_the_tcp_payload(self):
        """Independent count: tshark's own TCP payload lengths per direction (no retransmissions here)."""
        for f in self.json["files"][:2]:
            (s,) = f["sessions"]
            rows = WS.fields(os.path.join(CAP, f["path"]), ["ip.src", "tcp.srcport", "tcp.len"],
                             filter="tcp.port == 1494 && tcp.len > 0")
            got = {"c2s": 0, "s2c": 0}
            for src, port, n in rows:
                got["c2s" if "%s:%s" % (src, port) == s["client"] else "s2c"] += int(n)
            self.assertEqual(s["ica_bytes"], got, f["path"])

    def test_channels_agree_with_ica_tree(self):
        """The ICA dissector's own -z ica,tree counts the same channel bytes."""
        out = WS.tshark(os.path.join(CAP, SPIKE), ["-q", "-z", "ica,tree"])
        (top,) = [n for n in statstree.parse(out)["Citrix/ICA sessions"] if n.name == "Virtual channel payload bytes"]
        (sess,) = top.children
        ica = {c.name: {d.name: d.count for d in c.children} for c in sess.children}
        mine = {"%s (channel %d)" % (c["name"], c["number"]):
                {k: v for k, v in (("client to server", c["bytes_c2s"]), ("server to client", c["bytes_s2c"])) if v}
                for c in SPIKE_SESSION["channels"]}
        self.assertEqual(ica, mine)

    def test_html_findings_first(self):
        """The findings of every file, ranked, in the page's first table (inside id="findings")."""
        self.assertLess(self.html.index('<section id="findings">'), self.html.index("<table"))
        self.assertEqual(Tables.of(self.html)[0], [
            ["severity", "kind", "file", "session", "frame", "what"],
            ["high", "reset", RESUME, "1", "32",
             "connection 10.30.0.10:50001 -> 10.30.0.20:2598 reset by the server after 0.000 s of silence"],
            ["high", "reset", REFUSED, "1", "8",
             "connection 10.30.2.10:50021 -> 10.30.2.20:2598 reset by the client after 0.001 s of silence"],
            ["high", "refused_resume", REFUSED, "1", "13", "Session Reliability resume refused by the server"]])

    def test_html_latency_table(self):
        (first,) = [t for t in Tables.of(self.html) if t[0][0] == "latency"][:1]
        self.assertEqual(first, [
            ["latency", "count", "min", "median", "max"],
            ["TCP round trip, client side (ms)", "33", "10.0", "20.0", "40.0"],
            ["TCP round trip, server side (ms)", "9", "10.0", "10.0", "120.0"],
            ["high-throughput estimate (ms)", "0", "-", "-", "-"], ["EDT round trip (ms)", "0", "-", "-", "-"],
            ["ICA round trip, EUEM (ms)", "0", "-", "-", "-"],
            ["retransmissions (client / server)", "-", "-", "0 / 0", "-"],
            ["zero windows (client / server)", "-", "-", "0 / 0", "-"]])

    def test_html_tables_exact(self):
        tables = [t for t in Tables.of(self.html) if t[0][0] not in ("severity", "latency")]
        self.assertEqual(tables[0], [
            ["#", "client", "server", "transport", "client name", "build", "encryption", "compression c2s",
             "compression s2c", "channel bytes", "RTT ms (median)", "bandwidth B/s (median)", "resumes", "refused",
             "capture gaps"],
            ["1", "192.168.1.100:1193", "192.168.1.101:1494", "ica", "spike", "908", "Basic", "none", "none",
             "14339", "-", "-", "0", "0", "0"]])
        self.assertEqual(tables[1], [["channel", "number", "bytes", "client to server", "server to client"],
                                     ["CTXTW", "9", "14169", "0", "14169"], ["CTXCAM", "12", "143", "38", "105"],
                                     ["CTXTWI", "15", "27", "0", "27"]])
        self.assertEqual(tables[2][1], ["tcp", "192.168.1.101:1494", "192.168.1.100:1193", "170", "ica", "Assigned",
                                        "User", "Citrix ICA/HDX (raw ICA)", "matches", "no", "no", "ica"])
        ha = [t for t in tables if t[0][:2] == ["link", "peer"]]
        self.assertEqual(ha, [[
            ["link", "peer", "service", "carrier", "messages to", "messages from", "median interval to (s)",
             "median interval from (s)", "gaps", "gap times (s)", "closes", "resets"],
            ["1", "127.0.0.1:45938", "127.0.0.1:2014", "opaque (nothing recognised)", "15", "15", "0.200377",
             "0.200366", "2", "4.805, 4.805", "2", "0"],
            ["2", "127.0.0.1:37076", "127.0.0.1:2014", "opaque (nothing recognised)", "3", "3", "0.20041",
             "0.200398", "0", "-", "0", "1"]]])

    def test_html_self_contained_pictures(self):
        imgs = Tables.images(self.html)
        self.assertEqual([alt for alt, _ in imgs], [     # spike, rc5, 2 CGP: one lane per TCP connection
            "Session 1: timeline (connection 192.168.1.100:1193)", "Session 1: bytes over time",
            "Session 1: timeline (connection 10.20.0.16:1066)", "Session 1: bytes over time",
            "Session 1: timeline (connection 10.30.0.10:50001; connection 10.30.0.10:50011)",
            "Session 1: bytes over time",
            "Session 1: timeline (connection 10.30.2.10:50021; connection 10.30.2.10:50022)",
            "Session 1: bytes over time"])
        for alt, src in imgs:
            self.assertTrue(src.startswith("data:image/png;base64,"))
            png = base64.b64decode(src.split(",", 1)[1])
            self.assertEqual(png_size(png), (900, 200) if "timeline" in alt else (900, 320))   # two lanes at most
        self.assertNotIn("http://", self.html.replace("http://www.w3.org", ""))
        self.assertNotIn("https://", self.html)


ENDS = "triage-ends.pcap"


def finding(kind, severity, session, frame, text):
    return {"kind": kind, "severity": severity, "session": session, "frame": frame, "text": text}


class Verdicts(unittest.TestCase):
    """How sessions ended, by which side, after how much silence; the latency split; the
    launch steps; the ranked findings: on triage-ends.pcap, whose sessions were built
    with exactly these ends and timings (tools/captures/triage_captures.py)."""

    @classmethod
    def setUpClass(cls):
        rc, out, err = triage(["--json", ENDS, REFUSED])
        assert rc == 0, err
        cls.ends, cls.refused = json.loads(out)["files"]
        cls.s = {s["number"]: s for s in cls.ends["sessions"]}

    def test_findings_ranked(self):
        self.assertEqual(self.ends["findings"], [
            finding("reset", "high", 1, 71,
                    "connection 10.40.0.11:1101 -> 10.40.0.1:1494 reset by the server after 30.000 s of silence"),
            finding("launch_failed", "high", 4, 174,
                    "the session ended (reset by the client) before its first graphics"),
            finding("reset", "high", 4, 174,
                    "connection 10.40.0.14:1104 -> 10.40.0.1:1494 reset by the client after 2.000 s of silence"),
            finding("credentials_exposed", "high", 5, 181,
                    "the client sent a password under Basic encryption (readable from the capture)"),
            finding("high_rtt", "medium", 1, 70, "client-side TCP round trip up to 200.0 ms (over 150 ms)")])
        self.assertEqual(self.refused["findings"], [
            finding("reset", "high", 1, 8,
                    "connection 10.30.2.10:50021 -> 10.30.2.20:2598 reset by the client after 0.001 s of silence"),
            finding("refused_resume", "high", 1, 13, "Session Reliability resume refused by the server")])

    def test_ends(self):
        self.assertEqual({n: s["end"] for n, s in self.s.items()}, {
            1: end("reset", "server", 71, 32.664, 30.0),
            2: end("tcp_fin", "client", 109, 33.701997, 0.001),
            3: end("ica_terminate", "server", 149, 34.741994, 0.001, "logoff"),
            4: end("reset", "client", 174, 37.765993, 2.0),
            5: end("tcp_fin", "client", 212, 38.80399, 0.001)})
        self.assertEqual(self.s[5]["encryption"], "Basic")
        for s in self.s.values():
            (c,) = s["connections"]
            self.assertEqual(c["end"], s["end"])

    def test_latency_on_one_side_only(self):
        lat = self.s[1]["latency"]
        self.assertEqual(lat, latency(rtt(12, 200.0, 200.0, 200.0), rtt(23, 10.0, 10.0, 10.0)))

    def test_latency_split_agrees_with_tshark(self):
        """Independent count: tshark's tcp.analysis.ack_rtt of each sender, in ms."""
        for path, f in ((ENDS, self.ends), (SPIKE, None)):
            report = f or json.loads(triage(["--json", SPIKE])[1])["files"][0]
            for s in report["sessions"]:
                (c,) = s["connections"]
                client, server = c["client"].rsplit(":", 1), c["server"].rsplit(":", 1)
                got = {"client": [], "server": []}
                rows = WS.fields(os.path.join(CAP, path), ["ip.src", "tcp.srcport", "tcp.analysis.ack_rtt"],
                                 filter="tcp.analysis.ack_rtt && ip.addr == %s && tcp.port == %s" % tuple(client))
                for src, port, v in rows:
                    side = "client" if [src, port] == client else "server"
                    self.assertEqual(side == "server", [src, port] == server)
                    got[side].append(float(v) * 1000)
                for side in ("client", "server"):
                    v = sorted(got[side])
                    self.assertEqual((s["latency"][side + "_side_rtt_ms"]["count"],
                                      s["latency"][side + "_side_rtt_ms"]["max"]),
                                     (len(v), round(v[-1], 3)), (path, s["number"], side))

    def test_launch_steps(self):
        self.assertEqual(self.s[1]["launch"], launch(0.0, 0.211, 0.767, 1.18, 1.415))
        self.assertEqual(self.s[4]["launch"], launch(35.745994, 35.748994, 35.764993, None, None))

    def test_same_findings_in_the_gui(self):
        """citrix.finding and its expert infos (Analyze > Expert Information) on the frames the
        report names: resets with their side, the refused resume, the password sent under Basic
        encryption, a high-throughput round trip over 150 ms (ica-ht.pcap: 300 ms in frame 33;
        frame 31's header carries no estimate); the same frames on two passes."""
        def gui(cap, extra=()):
            rows = WS.fields(os.path.join(CAP, cap), ["frame.number", "citrix.finding", "_ws.expert.message"],
                             filter="citrix.finding", aggregator="\x1e", extra=extra)
            return [(int(n), k, [m for m in msgs.split("\x1e") if m.startswith("Session ")]) for n, k, msgs in rows]
        password = "Session 5: the client sent a password (UI_C2H) %s: readable from the capture"
        # one pass: the password's frame comes before the session's encryption is known
        self.assertEqual(gui(ENDS), [(71, "reset", ["Session 1: connection reset by the server"]),
                                     (174, "reset", ["Session 4: connection reset by the client"]),
                                     (181, "credentials_exposed", [password % "before encryption was agreed"])])
        self.assertEqual(gui(ENDS, ["-2"]), [(71, "reset", ["Session 1: connection reset by the server"]),
                                             (174, "reset", ["Session 4: connection reset by the client"]),
                                             (181, "credentials_exposed", [password % "under Basic encryption"])])
        self.assertEqual(gui(REFUSED), [
            (8, "reset", ["Session 1: connection reset by the client"]),
            (13, "refused_resume", ["Session 1: Session Reliability resume refused by the server"])])
        self.assertEqual(gui("ica-ht.pcap"), [(33, "high_rtt", ["Session 1: round-trip estimate 300 ms (over 150 ms)"])])
        rc, out, err = triage(["--json", "ica-ht.pcap"])
        self.assertEqual(json.loads(out)["files"][0]["findings"], [finding(
            "high_rtt", "medium", 1, 33, "high-throughput round-trip estimate up to 300 ms (over 150 ms)")])
        gui_frames = {(n, k) for cap in (ENDS, REFUSED) for n, k, _ in gui(cap)}
        report = {(x["frame"], x["kind"]) for x in self.ends["findings"] + self.refused["findings"]
                  if x["kind"] in ("reset", "refused_resume", "credentials_exposed")}
        self.assertEqual(gui_frames, report)

    def test_capture_gap_in_the_gui_and_report(self):
        """edt-lost.pcap: the client datagram left out (edt_captures.py) is a gap the ICA decoder is
        told of at frame 42; the report's capture_gap finding names that frame."""
        rows = WS.fields(os.path.join(CAP, "edt-lost.pcap"), ["frame.number", "citrix.finding"],
                         filter="citrix.finding")
        self.assertEqual(rows, [["42", "capture_gap"]])
        rc, out, err = triage(["--json", "edt-lost.pcap"])
        self.assertEqual(rc, 0, err)
        (f,) = json.loads(out)["files"]
        self.assertEqual([x for x in f["findings"] if x["kind"] == "capture_gap"], [finding(
            "capture_gap", "medium", 1, 42,
            "bytes not captured before 1 frame(s) (TCP segments, EDT datagrams or CGP records)")])
        self.assertEqual(f["sessions"][0]["capture_gaps"], 1)

    def test_keepalive_gap(self):
        """10 s without a frame on a CGP connection whose keep-alive interval is 3 s
        (triage-keepalive.pcap); the session then ends with the client's CGP FINISH."""
        rc, out, err = triage(["--json", "triage-keepalive.pcap"])
        self.assertEqual(rc, 0, err)
        (f,) = json.loads(out)["files"]
        self.assertEqual(f["findings"], [finding(
            "keepalive_gap", "medium", 1, 54, "no frame for 10.000 s on connection 10.40.1.10:50101 -> "
                                              "10.40.1.20:2598 (CGP keep-alive interval 3.000 s)")])
        (s,) = f["sessions"]
        self.assertEqual(s["end"], end("cgp_finish", "client", 100, 10.097993, 0.001))
        self.assertEqual((s["transport"], s["client_name"]), ("cgp", "spike"))

    def test_refused_session_connections(self):
        self.assertEqual(self.refused["sessions"], [REFUSED_SESSION])


class EdtSessions(unittest.TestCase):
    """An EDT-only session's round trips, end and connect step come from its flow's UDT control
    packets, which carry no citrix.session (nothing of CGP or ICA is in them)."""

    def session(self, name):
        rc, out, err = triage(["--json", name])
        self.assertEqual(rc, 0, err)
        (f,) = json.loads(out)["files"]
        (s,) = f["sessions"]
        return s

    def test_round_trips_from_udt_acks(self):
        """edt-citrixudp.pcap (the real session): the RTT of every UDT ACK (udt.rtt, microseconds) as
        tshark reads them, both directions; connect at the client's first UDT handshake, frame 1."""
        rtts = sorted(int(v) / 1000.0 for r in WS.fields(os.path.join(CAP, "edt-citrixudp.pcap"), ["udt.rtt"],
                                                         filter="udt.rtt") for v in r[0].split(","))
        self.assertEqual(len(rtts), 109)
        s = self.session("edt-citrixudp.pcap")
        self.assertEqual(s["latency"]["edt_rtt_ms"], {"count": 109, "min": rtts[0], "median": rtts[54],
                                                      "max": rtts[-1]})
        self.assertEqual((rtts[0], rtts[54], rtts[-1]), (1.917, 4.113, 100.0))
        self.assertEqual((s["launch"]["connect_s"], s["launch"]["detect_s"]), (0.0, 0.013384))
        self.assertEqual(s["end"]["how"], "capture_end")

    def test_high_round_trip(self):
        """The real session with its third UDT ACK (frame 16, 89.355 ms) saying 400 ms: a high_rtt
        finding at that frame in the report and in the GUI (citrix.finding), the round trips' maximum
        400 ms."""
        sys.path.insert(0, os.path.join(TOP, "tools", "captures"))
        import edt_captures
        header, recs = edt_captures.read_records(os.path.join(CAP, "edt-citrixudp.pcap"))
        pkt = recs[15][2]
        body = len(pkt) - len(edt_captures.udp_payload(pkt))
        self.assertEqual(struct.unpack("!HI", pkt[body:body + 2] + pkt[body + 20:body + 24]), (0x8002, 89355))
        recs[15][2] = pkt[:body + 20] + struct.pack("!I", 400000) + pkt[body + 24:]
        tmp = tempfile.mkdtemp(prefix="triage-edt-")
        try:
            path = os.path.join(tmp, "edt-high-rtt.pcap")
            edt_captures.write_records(path, header, recs)
            os.chmod(tmp, 0o755)
            rc, out, err = triage(["--json", path])
            gui = WS.fields(path, ["frame.number", "citrix.finding", "_ws.expert.message"], filter="citrix.finding")
        finally:
            shutil.rmtree(tmp, True)
        # the same finding in the GUI
        self.assertEqual(gui, [["16", "high_rtt", "EDT 10.54.0.101:55836 -> 10.99.99.217:2598: round trip 400.0 ms in "
                                                  "a UDT ACK (over 150 ms)"]])
        self.assertEqual(rc, 0, err)
        (f,) = json.loads(out)["files"]
        self.assertEqual(f["findings"], [finding("high_rtt", "high", 1, 16,
                                                 "EDT round trip (UDT ACK) up to 400.0 ms (over 300 ms)")])
        self.assertEqual(f["sessions"][0]["latency"]["edt_rtt_ms"]["max"], 400.0)

    def test_silence_before_shutdown(self):
        """edt-ica-ended.pcap without its frames 299-300 (an ACK and an ACK2): before the shutdown
        comes the server's data datagram 298, 13.065 ms earlier: the silence counts every frame of
        the flow, not its control packets only (the one before 298 is 297, 275.9 ms earlier)."""
        sys.path.insert(0, os.path.join(TOP, "tools", "captures"))
        import edt_captures
        header, recs = edt_captures.read_records(os.path.join(CAP, "edt-ica-ended.pcap"))
        del recs[298:300]
        tmp = tempfile.mkdtemp(prefix="triage-edt-")
        try:
            path = os.path.join(tmp, "edt-ended-after-data.pcap")
            edt_captures.write_records(path, header, recs)
            os.chmod(tmp, 0o755)
            rc, out, err = triage(["--json", path])
        finally:
            shutil.rmtree(tmp, True)
        self.assertEqual(rc, 0, err)
        (f,) = json.loads(out)["files"]
        self.assertEqual(f["sessions"][0]["end"], {"how": "edt_shutdown", "by": "client", "frame": 299,
                                                   "time_s": 9.593804, "silence_s": 0.013065, "reason": None})

    def test_keepalive_gap(self):
        """The real session with every frame from 201 on 10 s later: a silence of 10 s and the gap the
        capture had there on its EDT flow, longer than the 3 s CGP keep-alive interval its BIND
        negotiated: a keepalive_gap finding at frame 201 (the bundled captures have none)."""
        sys.path.insert(0, os.path.join(TOP, "tools", "captures"))
        import edt_captures
        src = os.path.join(CAP, "edt-citrixudp.pcap")
        t = {int(r[0]): float(r[1]) for r in WS.fields(src, ["frame.number", "frame.time_relative"],
                                                         filter="frame.number == 200 || frame.number == 201")}
        header, recs = edt_captures.read_records(src)
        for r in recs[200:]:
            r[0] += 10
        tmp = tempfile.mkdtemp(prefix="triage-edt-")
        try:
            path = os.path.join(tmp, "edt-keepalive-gap.pcap")
            edt_captures.write_records(path, header, recs)
            os.chmod(tmp, 0o755)
            rc, out, err = triage(["--json", path])
        finally:
            shutil.rmtree(tmp, True)
        self.assertEqual(rc, 0, err)
        (f,) = json.loads(out)["files"]
        self.assertEqual([x for x in f["findings"] if x["kind"] == "keepalive_gap"], [finding(
            "keepalive_gap", "medium", 1, 201, "no frame for %.3f s on EDT flow 10.54.0.101:55836 -> "
            "10.99.99.217:2598 (CGP keep-alive interval 3.000 s)" % (t[201] - t[200] + 10))])

    def test_shutdown_ends_the_session(self):
        """edt-ica-ended.pcap: the client's UDT shutdown that the builder inserts after frame 300,
        with that frame's time stamp (tools/captures/edt_captures.py, END_AFTER)."""
        t = WS.fields(os.path.join(CAP, "edt-ica-ended.pcap"), ["frame.time_relative"], filter="frame.number == 300")
        self.assertEqual(self.session("edt-ica-ended.pcap")["end"], {
            "how": "edt_shutdown", "by": "client", "frame": 301, "time_s": round(float(t[0][0]), 6),
            "silence_s": 0.0, "reason": None})


class Merge(unittest.TestCase):
    """citrix-triage merge: triage file by file (as separate machines would), merge the JSON,
    and get what one run over the same files gives, byte for byte; bad inputs included."""

    def test_split_run_and_merge_equals_one_run(self):
        tmp = tempfile.mkdtemp(prefix="triage-merge-")
        try:
            os.chmod(tmp, 0o755)
            with open(os.path.join(tmp, "notes.txt"), "w") as f:
                f.write("not a capture\n")
            os.chmod(os.path.join(tmp, "notes.txt"), 0o644)
            notes = os.path.join(tmp, "notes.txt")
            inputs = [SPIKE, ENDS, notes, REFUSED, HEARTBEAT]
            rc, one, err = triage(["--json"] + inputs)
            self.assertEqual(rc, 1, err)          # notes.txt is an error, in both
            parts = []
            for i, path in enumerate(inputs):
                prc, out, err = triage(["--json", path])
                self.assertEqual(prc, 1 if path == notes else 0, err)
                parts.append(os.path.join(tmp, "part%d.json" % i))
                with open(parts[-1], "w") as f:
                    f.write(out)
            page = os.path.join(tmp, "merged.html")
            mrc, merged, err = triage(["merge", "--json", "--html", page] + parts)
            self.assertEqual(mrc, 1, err)
            self.assertEqual(merged, one)
            self.assertEqual([f["path"] for f in json.loads(merged)["files"]], [SPIKE, ENDS, REFUSED, HEARTBEAT])
            with open(page, encoding="utf-8") as f:
                text = f.read()
            self.assertEqual(Tables.of(text)[0][1][:5], ["high", "reset", ENDS, "1", "71"])
            self.assertEqual([alt for alt, _ in Tables.images(text)],      # timelines only: no bytes over time
                             ["Session 1: timeline (connection 192.168.1.100:1193)"]
                             + ["Session %d: timeline (connection 10.40.0.1%d:110%d)" % (n, n, n) for n in range(1, 6)]
                             + ["Session 1: timeline (connection 10.30.2.10:50021; connection 10.30.2.10:50022)"])
            trc, txt, _ = triage(["merge"] + parts)
            self.assertEqual(txt, triage(inputs)[1])
        finally:
            shutil.rmtree(tmp, True)

    def test_not_a_report(self):
        rc, _, err = triage(["merge", os.path.join(CAP, SPIKE)])
        self.assertEqual(rc, 2)
        self.assertIn("not a citrix-triage --json report", err)


class Tables(html.parser.HTMLParser):
    """Text of every <table> (list of rows of cell texts) and every <img>."""

    def __init__(self):
        super().__init__()
        self.tables, self.imgs, self.cell = [], [], None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self.cell = ""
        elif tag == "img":
            a = dict(attrs)
            self.imgs.append((a.get("alt"), a.get("src")))

    def handle_endtag(self, tag):
        if tag in ("td", "th"):
            self.tables[-1][-1].append(self.cell)
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell += data

    @classmethod
    def of(cls, text):
        p = cls()
        p.feed(text)
        return p.tables

    @classmethod
    def images(cls, text):
        p = cls()
        p.feed(text)
        return p.imgs


def png_size(data):
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def png_pixels(data):
    """(width, height, rows of (r, g, b)) of an 8-bit RGB/RGBA non-interlaced PNG (what Chromium writes)."""
    w, h = png_size(data)
    depth, ctype, _, _, interlace = data[24:29]
    assert depth == 8 and ctype in (2, 6) and interlace == 0, (depth, ctype, interlace)
    bpp = 3 if ctype == 2 else 4
    pos, idat = 8, b""
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        if kind == b"IDAT":
            idat += data[pos + 8:pos + 8 + n]
        pos += 12 + n
    raw = zlib.decompress(idat)
    stride = w * bpp
    rows, prev = [], bytearray(stride)
    for y in range(h):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append([tuple(line[x * bpp:x * bpp + 3]) for x in range(w)])
        prev = line
    return w, h, rows


def screenshot(tmp, files, w, h):
    """Rows of pixels of headless Chromium's w x h screenshot of the --html report on files."""
    page = os.path.join(tmp, "report.html")
    rc, _, err = triage(["--html", page] + files)
    assert rc == 0, err
    shot = os.path.join(tmp, "shot.png")
    subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--no-first-run",
                    "--user-data-dir=" + os.path.join(tmp, "profile"), "--hide-scrollbars",
                    "--window-size=%d,%d" % (w, h), "--screenshot=" + shot, "file://" + page],
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=180, check=True)
    with open(shot, "rb") as f:
        return png_pixels(f.read())


def where(rows, colour, tol=12):
    return [(x, y) for y, row in enumerate(rows) for x, px in enumerate(row)
            if all(abs(p - q) <= tol for p, q in zip(px, colour))]


@unittest.skipUnless(shutil.which("chromium"), "chromium (Debian package) not installed: tools/setup/test.sh installs it")
class Browser(unittest.TestCase):
    """The HTML report as a browser shows it: headless Chromium's screenshot."""
    W, H = 1280, 3200

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="triage-browser-")
        cls.w, cls.h, cls.rows = screenshot(cls.tmp, [SPIKE, RESUME], cls.W, cls.H)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, True)

    def where(self, colour, tol=12):
        return where(self.rows, colour, tol)

    def test_size_and_not_blank(self):
        self.assertEqual((self.w, self.h), (self.W, self.H))
        white = sum(1 for row in self.rows for px in row if px == (255, 255, 255))
        self.assertLess(white, 0.97 * self.W * self.H)      # text, tables and a picture were drawn

    def test_table_headers_drawn(self):
        self.assertGreater(len(self.where((0xdd, 0xe3, 0xf0), tol=3)), 2000)

    def test_plot_drawn(self):
        """CTXTW is the plot's second series (matplotlib's orange #ff7f0e): its line is on screen,
        inside the 900 x 320 picture, below the tables."""
        pts = self.where((0xff, 0x7f, 0x0e), tol=30)
        pts = [p for p in pts if p[1] < min(y for _, y in pts) + 400]     # the first session's picture
        self.assertGreater(len(pts), 300)
        xs, ys = [p[0] for p in pts], [p[1] for p in pts]
        self.assertLess(max(xs) - min(xs), 900)
        self.assertLess(max(ys) - min(ys), 320)
        self.assertGreater(min(ys), 250)


    def test_findings_first(self):
        """The findings box (#fff1b8) is drawn, above every timeline and plot."""
        box = self.where((0xff, 0xf1, 0xb8), tol=3)
        self.assertGreater(len(box), 20000)
        bars = self.where((0x5b, 0x8d, 0xb8), tol=3)
        self.assertLess(max(y for _, y in box), min(y for _, y in bars))

    def test_timeline_drawn(self):
        """Each session's timeline: connection bars (#5b8db8: one bar for the spike session,
        two lanes for the resumed one), end markers (#e0007a), launch steps (#2e8b57); the first
        timeline above the first session's bytes plot."""
        bars = self.where((0x5b, 0x8d, 0xb8), tol=3)
        self.assertGreater(len(bars), 5000)
        self.assertGreater(len(self.where((0xe0, 0x00, 0x7a), tol=20)), 100)
        self.assertGreater(len(self.where((0x2e, 0x8b, 0x57), tol=20)), 200)
        orange = self.where((0xff, 0x7f, 0x0e), tol=30)
        self.assertLess(min(y for _, y in bars), min(y for _, y in orange))
        # the resumed session's two connections: bar rows at two heights in its timeline
        lower = [y for _, y in bars if y > min(y for _, y in orange) + 320]
        rows = sorted({y for y in lower})
        lanes = 1 + sum(1 for a, b in zip(rows, rows[1:]) if b - a > 5)
        self.assertEqual(lanes, 2)

    def test_resume_drawn(self):
        """The CGP resume's vertical line (purple #6a0dad), in the second session's picture."""
        pts = self.where((0x6a, 0x0d, 0xad), tol=30)
        self.assertGreater(len(pts), 150)
        ys = [p[1] for p in pts]
        self.assertGreater(min(ys), 1000)
        self.assertLess(max(ys) - min(ys), 320)


ACR, STREAMS, EDT_FALLBACK = "triage-acr.pcap", "triage-streams.pcap", "triage-edt-fallback.pcap"
# the timeline's lane colours (tools/triage/report_html.py): connections, other streams, auto client
# reconnect (the other session's bar and the link), EDT attempt (its marker and the fallback arrow)
CONN_RGB, STREAM_RGB, ACR_RGB, EDT_RGB = (0x5b, 0x8d, 0xb8), (0x7b, 0x68, 0xee), (0x00, 0x80, 0x80), (0xb8, 0x86, 0x0b)
# fewest pixels of each when drawn: a stream bar is ~600 x 18, the link arrow alone ~500 (the replaced
# session's bar adds ~2000), the EDT diamond, arrow and text ~280
LANE_LEAST = ((STREAM_RGB, 5000), (ACR_RGB, 500), (EDT_RGB, 150))


def lane_pixels(rows):
    """Per lane colour (stream, reconnect, EDT): "drawn" when more pixels than its LANE_LEAST, "none"
    when not one, else the count (which no expectation matches)."""
    out = []
    for colour, least in LANE_LEAST:
        n = len(where(rows, colour, 3))
        out.append("drawn" if n > least else "none" if n == 0 else n)
    return tuple(out)


def timeline(s, sessions):
    """(alt text, lane kinds, PNG bytes) of s's timeline, drawn by report_html in the interpreter the tool
    runs under (its #! line: Debian's python3, which has matplotlib; the tests' may not)."""
    with open(TOOL) as f:
        python = f.readline()[2:].strip()
    script = ("import json, sys; sys.path.insert(0, sys.argv[1]); import report_html as r; d = json.load(sys.stdin); "
              "lanes = r.timeline_lanes(d[0], d[1]); "
              "print(json.dumps([r.timeline_alt(d[0], lanes), [k for k, _, _ in lanes], r.timeline_picture(d[0], lanes)]))")
    p = subprocess.run([python, "-c", script, os.path.join(SRC, "tools", "triage")], input=json.dumps([s, sessions]),
                       capture_output=True, text=True, check=True)
    alt, kinds, png = json.loads(p.stdout)
    return alt, kinds, base64.b64decode(png)


class TimelineLanes(unittest.TestCase):
    """The groupings of test_triage_vc.Grouping (tools/captures/triage_captures.py) as lanes of each
    session's timeline in the HTML report: its alt text names every lane, and the picture itself holds
    each lane's colour in exactly the sessions that have it."""

    @classmethod
    def setUpClass(cls):
        tmp = tempfile.mkdtemp(prefix="triage-lanes-")
        try:
            page = os.path.join(tmp, "lanes.html")
            rc, _, err = triage(["--html", page, ACR, STREAMS, EDT_FALLBACK])
            assert rc == 0, err
            with open(page, encoding="utf-8") as f:
                cls.pictures = [(alt, base64.b64decode(src.split(",", 1)[1]))
                                for alt, src in Tables.images(f.read()) if "timeline" in alt]
        finally:
            shutil.rmtree(tmp, True)

    def test_lanes_named(self):
        self.assertEqual([alt for alt, _ in self.pictures], [
            "Session 1: timeline (connection 10.40.2.10:1201; reconnected as session 2)",
            "Session 2: timeline (connection 10.40.2.10:1202; replaced session 1 (dropped))",
            "Session 3: timeline (connection 10.40.2.11:1203)",
            "Session 4: timeline (connection 10.40.2.10:1204)",
            "Session 1: timeline (connection 10.40.3.10:1301; stream: session 2, 10.40.3.10:1302)",
            "Session 2: timeline (connection 10.40.3.10:1302; stream: session 1, 10.40.3.10:1301)",
            "Session 3: timeline (connection 10.40.3.11:1303)",
            "Session 1: timeline (connection 10.40.4.10:1401; EDT attempt (not used))",
            "Session 2: timeline (connection 10.40.4.11:1402)"])

    def test_lanes_drawn(self):
        """(stream, reconnect, EDT) pixels in each picture, 900 x 200 (two lanes at most here)."""
        got = []
        for _, png in self.pictures:
            w, h, rows = png_pixels(png)
            self.assertEqual((w, h), (900, 200))
            got.append(lane_pixels(rows))
        acr, stream, edt, plain = ("none", "drawn", "none"), ("drawn", "none", "none"), ("none", "none", "drawn"), \
            ("none", "none", "none")
        self.assertEqual(got, [acr, acr, plain, plain, stream, stream, plain, edt, plain])

    def test_edt_attempt_alone(self):
        """A session whose EDT attempt has no TCP connection to fall back to (no capture has one: the
        EDT-fallback session with its connection removed) is drawn with its attempt and no arrow."""
        rc, out, err = triage(["--json", EDT_FALLBACK])
        self.assertEqual(rc, 0, err)
        sessions = json.loads(out)["files"][0]["sessions"]
        alt, _, png = timeline(dict(sessions[0], connections=[]), sessions)
        self.assertEqual(alt, "Session 1: timeline (EDT attempt (not used))")
        w, h, rows = png_pixels(png)
        self.assertEqual(lane_pixels(rows), ("none", "none", "drawn"))

    def test_edt_only_session(self):
        """An EDT-only session (edt-ica-ended.pcap) has no TCP connection: its UDT flow is its lane, from
        its handshake to the client's shutdown, in the connections' colour (none of it before)."""
        rc, out, err = triage(["--json", "edt-ica-ended.pcap"])
        self.assertEqual(rc, 0, err)
        sessions = json.loads(out)["files"][0]["sessions"]
        alt, kinds, png = timeline(sessions[0], sessions)
        self.assertEqual((alt, kinds), ("Session 1: timeline (EDT flow 10.54.0.101:55836)", ["connection"]))
        _, _, rows = png_pixels(png)
        self.assertGreater(len(where(rows, CONN_RGB, 3)), 10000)     # a 9.6 s bar across the picture

    def test_four_lanes(self):
        """No bundled capture has a session with more than two lanes: triage-streams' session 1 (its
        connection and the other stream) given the session 3 it replaced and an EDT attempt with two
        handshakes is drawn 90 px taller (LANE_H per lane beyond two) with each lane's colour in its own
        row band, bottom up: connection, stream, replaced session, EDT attempt."""
        rc, out, err = triage(["--json", STREAMS])
        self.assertEqual(rc, 0, err)
        sessions = json.loads(out)["files"][0]["sessions"]
        hs = [{"frame": 1, "time_s": 0.002, "by": "client"}, {"frame": 2, "time_s": 0.004, "by": "server"}]
        s = dict(sessions[0], reconnect_of=3, edt_attempt={"frame": 1, "time_s": 0.002, "client_handshakes": 1,
                                                            "server_handshakes": 1, "handshakes": hs})
        _, kinds, png = timeline(s, sessions)
        self.assertEqual(kinds, ["connection", "stream", "replaced", "edt"])
        w, h, rows = png_pixels(png)
        self.assertEqual((w, h), (900, 290))
        self.assertEqual(lane_pixels(rows), ("drawn", "drawn", "drawn"))
        middle = [sorted(y for _, y in where(rows, rgb, 3))[len(where(rows, rgb, 3)) // 2]
                  for rgb in (CONN_RGB, STREAM_RGB, ACR_RGB, EDT_RGB)]
        self.assertEqual(middle, sorted(middle, reverse=True))      # bottom up
        self.assertGreater(min(a - b for a, b in zip(middle, middle[1:])), 25)

    def test_edt_retries_drawn(self):
        """Each of the three UDT handshakes (frames 1, 42, 43 at 0, 1 and 2 s) is a diamond of its own: the
        picture holds two diamonds' worth (~100 pixels each) more EDT colour than the same session drawn
        with its first handshake only, and the axis reaches the last retry (2 s)."""
        rc, out, err = triage(["--json", EDT_FALLBACK])
        self.assertEqual(rc, 0, err)
        sessions = json.loads(out)["files"][0]["sessions"]
        s = sessions[0]
        self.assertEqual([(h["frame"], h["time_s"]) for h in s["edt_attempt"]["handshakes"]],
                         [(1, 0.0), (42, 1.0), (43, 2.0)])
        first = dict(s, edt_attempt=dict(s["edt_attempt"], handshakes=s["edt_attempt"]["handshakes"][:1]))

        def edt_pixels(x):
            _, _, rows = png_pixels(timeline(x, sessions)[2])
            return len(where(rows, EDT_RGB, 3))
        # the first-only picture has a shorter axis (the session's 38 ms): compare at the same axis by
        # giving it a point at 2 s (its end moved there), so only the two diamonds differ
        first = dict(first, end=dict(first["end"], time_s=2.0))
        full = dict(s, end=dict(s["end"], time_s=2.0))
        self.assertGreater(edt_pixels(full) - edt_pixels(first), 150)


@unittest.skipUnless(shutil.which("chromium"), "chromium (Debian package) not installed: tools/setup/test.sh installs it")
class BrowserLanes(unittest.TestCase):
    """The same lanes as Chromium shows them: each capture's report alone, 1280 x 1000 (down to its first
    session's timeline, below the findings and the sessions table): the first session's lane of the
    reconnect link, of the other stream, of the EDT attempt, each in the picture of that session's
    connection bar, the other two colours nowhere."""
    H = 1000

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="triage-browser-lanes-")
        cls.shots = {cap: screenshot(cls.tmp, [cap], 1280, cls.H)[2] for cap in (ACR, STREAMS, EDT_FALLBACK)}

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, True)

    def check(self, cap, expected, colour):
        """Lanes are ~38 px apart: the lane's colour reaches at least 25 px above the top of the connection
        bar (its own lane, not a mark on the bar's), and one 200 px picture holds both."""
        rows = self.shots[cap]
        self.assertEqual(lane_pixels(rows), expected)
        lane, bar = [y for _, y in where(rows, colour, 3)], [y for _, y in where(rows, CONN_RGB, 3)]
        self.assertGreater(min(bar) - min(lane), 25)
        self.assertLess(max(lane + bar) - min(lane + bar), 200)

    def test_reconnect_link(self):
        self.check(ACR, ("none", "drawn", "none"), ACR_RGB)

    def test_stream_lane(self):
        self.check(STREAMS, ("drawn", "none", "none"), STREAM_RGB)

    def test_edt_attempt(self):
        self.check(EDT_FALLBACK, ("none", "none", "drawn"), EDT_RGB)


class BadInputs(unittest.TestCase):
    """Good, truncated, not-a-capture, empty, missing files and a folder in one run."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="triage-mix-")
        os.chmod(cls.tmp, 0o755)
        with open(os.path.join(CAP, SPIKE), "rb") as f:
            spike = f.read()
        os.makedirs(os.path.join(cls.tmp, "folder", "sub"))
        # (not "# ...": 4.6 reads a file of "#" lines as a CSS Electronics CLX000 CAN log)
        files = {"trunc.pcap": spike[:3000], "notes.txt": b"hello, not a capture\n", "empty.pcap": b"",
                 "folder/b-header-only.pcap": spike[:24], "folder/a-notes.md": b"notes, not a capture\n"}
        for name, data in files.items():
            with open(os.path.join(cls.tmp, name), "wb") as f:
                f.write(data)
        shutil.copy(os.path.join(CAP, MYSQL), os.path.join(cls.tmp, "folder", "sub", MYSQL))
        shutil.copy(os.path.join(CAP, RC5), os.path.join(cls.tmp, "good.pcap"))
        for root, dirs, names in os.walk(cls.tmp):
            for n in dirs:
                os.chmod(os.path.join(root, n), 0o755)
            for n in names:
                os.chmod(os.path.join(root, n), 0o644)
        cls.rc, out, cls.err = triage(["--json", "good.pcap", "trunc.pcap", "notes.txt", "empty.pcap", "folder",
                                       "missing.pcap"], cwd=cls.tmp)
        cls.result = json.loads(out)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, True)

    def test_exit_status_nonzero(self):
        self.assertEqual(self.rc, 1, self.err)

    def test_every_bad_input_named_with_its_reason(self):
        self.assertEqual(self.result["errors"], [
            {"path": "missing.pcap", "reason": "unreadable: no such file or directory"},
            {"path": "trunc.pcap",
             "reason": 'truncated: The file "trunc.pcap" appears to have been cut short in the middle of a packet.'},
            {"path": "notes.txt",
             "reason": "not a capture: The file \"notes.txt\" isn't a capture file in a format TShark understands."},
            {"path": "empty.pcap", "reason": "not a capture: empty file"},
            {"path": "folder/a-notes.md", "reason": "not a capture: The file \"folder/a-notes.md\" isn't a capture "
                                                    "file in a format TShark understands."},
        ])

    def test_good_ones_still_reported(self):
        got = [(f["path"], f["frames"], f["complete"], len(f["sessions"]), len(f["ha_links"]))
               for f in self.result["files"]]
        self.assertEqual(got, [("good.pcap", 28, True, 1, 0), ("trunc.pcap", 24, False, 1, 0),
                               ("folder/b-header-only.pcap", 0, True, 0, 0),
                               ("folder/sub/" + MYSQL, 14, True, 0, 1)])
        self.assertEqual(self.result["files"][0]["sessions"][0], RC5_SESSION)

    def test_progress_on_stderr(self):
        p = subprocess.run([TOOL, "-j", "1", "good.pcap"], cwd=self.tmp, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=300)
        lines = p.stderr.decode().splitlines()
        self.assertEqual(p.returncode, 0)
        self.assertTrue(lines[0].startswith("citrix-triage: [1/1] good.pcap: 28 frames, 1 sessions, 0 HA links ("),
                        lines)
        self.assertTrue(lines[-1].startswith("citrix-triage: 1 files, 0 errors, "), lines)


class Formats(unittest.TestCase):
    """Whatever Wireshark reads: the spike session as pcapng (editcap), gzip-compressed pcap and a
    NetScaler trace (nstrace 1.0, tools/captures/nstrace_from_pcap.py: editcap cannot write one)."""

    def test_pcapng_and_gzip(self):
        tmp = tempfile.mkdtemp(prefix="triage-fmt-")
        try:
            os.chmod(tmp, 0o755)
            subprocess.run(["editcap", "-F", "pcapng", os.path.join(CAP, SPIKE), os.path.join(tmp, "spike.ng")],
                           check=True)
            with open(os.path.join(CAP, SPIKE), "rb") as f, gzip.open(os.path.join(tmp, "spike.gz"), "wb") as g:
                g.write(f.read())
            subprocess.run([sys.executable, os.path.join(SRC, "tools", "captures", "nstrace_from_pcap.py"),
                            os.path.join(CAP, SPIKE), os.path.join(tmp, "nstrace1.cap")], check=True)
            for n in os.listdir(tmp):
                os.chmod(os.path.join(tmp, n), 0o644)
            rc, out, err = triage(["--json", "spike.ng", "spike.gz", "nstrace1.cap"], cwd=tmp)
            self.assertEqual(rc, 0, err)
            files = json.loads(out)["files"]
            self.assertEqual([(f["path"], f["frames"], f["sessions"]) for f in files],
                             [("spike.ng", 174, [SPIKE_SESSION]), ("spike.gz", 174, [SPIKE_SESSION]),
                              ("nstrace1.cap", 174, [SPIKE_SESSION])])
        finally:
            shutil.rmtree(tmp, True)


class SameEverywhere(unittest.TestCase):
    """Root or not, one job or two: the same JSON; the report names things as the plugin does."""

    def test_names_as_the_plugin(self):
        """The report's encryption and compression names are the plugin's value strings."""
        sys.path.insert(0, os.path.join(SRC, "tools", "triage"))
        import triage as tool
        plugin = {}
        for r in WS.listing("values"):
            if r.get("abbrev") in ("citrix.compression", "citrix.encryption"):
                plugin.setdefault(r["abbrev"], {})[r["value"]] = r["name"]
        self.assertEqual(plugin["citrix.compression"], tool.COMPRESSION)
        # 0 is "not known yet" in the GUI; the report says null
        self.assertEqual(plugin["citrix.encryption"].pop("0"), "not known yet")
        self.assertEqual(plugin["citrix.encryption"], {k: v for k, v in tool.ENCRYPTION.items() if k != "0"})

    def run_json(self, args, user=None):
        rc, out, err = triage(["--json"] + args, user=user)
        self.assertEqual(rc, 0, err)
        return json.loads(out)

    def test_jobs(self):
        args = [SPIKE, HEARTBEAT, RC5, MYSQL]
        self.assertEqual(self.run_json(["-j", "1"] + args), self.run_json(["-j", "2"] + args))

    def test_personal_profile_ignored(self):
        """A personal Wireshark profile that disables the CCHA heuristic and the plugin's
        protocols, and a matplotlibrc, change nothing."""
        home = tempfile.mkdtemp(prefix="triage-home-")
        try:
            cfg = os.path.join(home, ".config", "wireshark")
            os.makedirs(cfg)
            with open(os.path.join(cfg, "heuristic_protos"), "w") as f:
                f.write("citrix_ccha_tcp,0\n")
            with open(os.path.join(cfg, "disabled_protos"), "w") as f:
                f.write("citrix\nica\ncgp\nportreg\n")
            mpl = os.path.join(home, ".config", "matplotlib")
            os.makedirs(mpl)
            with open(os.path.join(mpl, "matplotlibrc"), "w") as f:
                f.write("lines.linewidth: 12\nfigure.facecolor: black\n")
            args = ["--json", SPIKE, HEARTBEAT]
            plain = self.run_json(args)
            env = dict(os.environ, HOME=home, WIRESHARK_CONFIG_DIR=cfg, MPLCONFIGDIR=mpl)
            p = subprocess.run([TOOL, "-q"] + args, cwd=CAP, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               timeout=600)
            self.assertEqual(json.loads(p.stdout), plain, p.stderr.decode())
            pages = []
            for e in (dict(os.environ), env):
                page = os.path.join(home, "p%d.html" % len(pages))
                subprocess.run([TOOL, "-q", "--html", page, SPIKE], cwd=CAP, env=e, check=True,
                               stdout=subprocess.DEVNULL, timeout=600)
                with open(page) as f:
                    pages.append(Tables.images(f.read()))
            self.assertEqual(pages[0], pages[1])        # the same picture, byte for byte
        finally:
            shutil.rmtree(home, True)

    @unittest.skipUnless(os.geteuid() == 0, "needs root to run as nobody")
    def test_as_unprivileged_user(self):
        self.assertEqual(self.run_json([SPIKE, HEARTBEAT]), self.run_json([SPIKE, HEARTBEAT], user="nobody"))


class Version(unittest.TestCase):
    def test_names_plugin_and_wireshark(self):
        """--version: the project's version (CMakeLists.txt) and the Wireshark the build
        was configured against, which is the tshark that runs here."""
        p = subprocess.run([TOOL, "--version"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60,
                           env=dict(os.environ, CITRIX_PLUGIN_ROOT=plugin_root()))
        with open(os.path.join(SRC, "CMakeLists.txt")) as f:
            project = re.search(r"project\(citrix_wireshark VERSION (\S+)", f.read()).group(1)
        self.assertEqual((p.returncode, p.stdout.decode()),
                         (0, "citrix-triage: citrix-wireshark plugin %s, built for Wireshark %s (build tree)\n"
                          % (project, "%d.%d.%d" % WS.version)))


class CitrixTree(unittest.TestCase):
    """-z citrix,tree (GUI: Statistics > Citrix > Sessions and HA links)."""

    def tree(self, cap):
        out = WS.tshark(os.path.join(CAP, cap), ["-q", "-z", "citrix,tree"])
        return {n.name: n for n in statstree.parse(out)["Citrix/Sessions and HA links"]}

    def test_spike_session_row(self):
        t = self.tree(SPIKE)
        self.assertEqual(t["Citrix sessions"].count, 1)
        (row,) = t["Citrix sessions"].children
        self.assertEqual(row.name, "Session 0001: 192.168.1.100:1193 -> 192.168.1.101:1494")
        d = row.to_dict()
        self.assertEqual(d.pop("Channel bytes"), [14339, {
            "CTXCAM (12)": [143, {"client to server": [38, {}], "server to client": [105, {}]}],
            "CTXTW (9)": [14169, {"client to server": [0, {}], "server to client": [14169, {}]}],
            "CTXTWI (15)": [27, {"client to server": [0, {}], "server to client": [27, {}]}]}])
        self.assertEqual(d, {"Client build: 908": [1, {}], "Client name: spike": [1, {}],
                             "Client product id: 0x0051": [1, {}], "Compression client to server: none": [1, {}],
                             "Compression server to client: none": [1, {}], "Encryption: Basic": [1, {}],
                             "Transport: ica": [1, {}], "Undecoded bytes client to server": [0, {}],
                             "Undecoded bytes server to client": [0, {}]})
        self.assertEqual(t["Command Center HA links"].count, 0)

    def test_ha_links(self):
        t = self.tree(HEARTBEAT)
        self.assertEqual(t["Citrix sessions"].count, 0)
        links = t["Command Center HA links"]
        self.assertEqual(links.count, 2)
        self.assertEqual(links.children[0].to_dict(), {
            "Carrier: opaque (nothing recognised)": [1, {}], "Closes (FIN)": [2, {}], "Resets (RST)": [0, {}],
            "Gaps from service port": [1, {}], "Gaps to service port": [1, {}],
            "Messages from service port": [15, {}], "Messages to service port": [15, {}]})

    def test_cgp_resume_row(self):
        t = self.tree(RESUME)
        (row,) = t["Citrix sessions"].children
        self.assertEqual(row.name, "Session 0001: 10.30.0.10:50001 -> 10.30.0.20:2598")
        d = row.to_dict()
        self.assertEqual((d["CGP resumes"], d["CGP refused resumes"], d["Transport: cgp"], d["Channel bytes"][0]),
                         ([1, {}], [0, {}], [1, {}], 14339))
        (row,) = self.tree(REFUSED)["Citrix sessions"].children
        self.assertEqual(row.to_dict(), {"CGP resumes": [1, {}], "CGP refused resumes": [1, {}],
                                         "Transport: cgp": [1, {}]})

    def test_sessions_in_number_order(self):
        """Eleven sessions (the spike session replayed from eleven client ports): rows
        list Session 1, 2 ... 11, not 1, 10, 11, 2 (stats trees sort names as strings)."""
        tmp = tempfile.mkdtemp(prefix="triage-order-")
        try:
            path = os.path.join(tmp, "eleven.pcap")
            ((_, turns),) = pcapread.tcp_streams(os.path.join(CAP, SPIKE), 1494).items()
            w = pcapgen.PcapWriter(path)
            for i in range(11):
                s = pcapgen.TcpStream(w, ("10.9.0.1", 40001 + i), ("10.9.0.2", 1494))
                s.handshake()
                for to_client, payload in turns:
                    s.send("s2c" if to_client else "c2s", payload)
                s.close()
            w.close()
            rows = self.tree_of(path)["Citrix sessions"].children
            self.assertEqual([r.name for r in rows],
                             ["Session %04d: 10.9.0.1:%d -> 10.9.0.2:1494" % (i, 40000 + i) for i in range(1, 12)])
            self.assertEqual({r.child("Client name: spike").count for r in rows}, {1})
        finally:
            shutil.rmtree(tmp, True)

    def tree_of(self, path):
        out = WS.tshark(path, ["-q", "-z", "citrix,tree"])
        return {n.name: n for n in statstree.parse(out)["Citrix/Sessions and HA links"]}

    def test_filtered_tree(self):
        out = WS.tshark(os.path.join(CAP, HEARTBEAT), ["-q", "-z", "citrix,tree,tcp.port == 37076"])
        t = {n.name: n for n in statstree.parse(out)["Citrix/Sessions and HA links"]}
        (link,) = t["Command Center HA links"].children
        self.assertEqual(link.name, "Link 2: 127.0.0.1:37076 -> 127.0.0.1:2014")

    def test_fields_follow_the_session(self):
        rows = WS.fields(os.path.join(CAP, SPIKE), ["citrix.session", "citrix.client_name", "citrix.encryption"],
                         filter="citrix.session == 1")
        self.assertEqual(len(rows), 123)
        # Basic (2) once the key exchange is seen, on every later frame
        self.assertEqual(rows[-1], ["1", "spike", "2"])


class ProtocolsTogether(unittest.TestCase):
    """portreg's observed protocol comes from the ICA dissector when both run."""

    def test_observed_ica_on_every_session_frame(self):
        rows = WS.fields(os.path.join(CAP, SPIKE), ["portreg.observed", "ica"], filter="tcp.port == 1494",
                         extra=["-2"])
        self.assertEqual(len(rows), 170)
        self.assertEqual({r[0] for r in rows}, {"ica"})


if __name__ == "__main__":
    unittest.main(verbosity=2)
