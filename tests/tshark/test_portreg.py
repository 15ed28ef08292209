#!/usr/bin/env python3
"""Port registry post-dissector, driven through tshark as a user runs it.

Every TCP/UDP/SCTP/DCCP frame of the test captures is checked field by field
for both endpoints. IANA values are checked against an oracle that applies
issue 2's status rules to data/iana-ports.tsv independently of the C table;
the Citrix de facto rows, roles and observed protocols are spelled out here.
"""
import json
import os
import re
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.normpath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(TOP, "tools", "lib"))
sys.path.insert(0, os.path.join(TOP, "tools", "captures"))
from wsrun import Wireshark  # noqa: E402

PORTS_PCAP = os.path.join(TOP, "captures", "portreg-ports.pcap")
REAL_PCAP = os.path.join(TOP, "captures", "portreg-real-loopback.pcap")
TSV = os.path.join(TOP, "data", "iana-ports.tsv")


class Oracle:
    """Issue 2 status rules over the committed data file (not the C table)."""

    def __init__(self, path):
        self.rows = []
        header = None
        with open(path, encoding="utf-8") as f:
            for line in f:
                if line.startswith("#"):
                    continue
                cols = line.rstrip("\n").split("\t")
                if header is None:
                    header = cols
                    continue
                self.rows.append(dict(zip(header, cols)))

    def lookup(self, transport, port):
        if port >= 49152:
            return {"status": 0, "names": [], "description": None}
        rows = [r for r in self.rows if int(r["lo"]) <= port <= int(r["hi"])
                and r["transport"] in ("", transport)]
        named = [r for r in rows if r["name"]]
        if named:
            names = list(dict.fromkeys(r["name"] for r in named))
            return {"status": 1, "names": names, "description": named[0]["description"]}
        for status, test in ((4, lambda d: d.lower() not in ("reserved", "unassigned")),
                             (2, lambda d: d.lower() == "reserved"),
                             (3, lambda d: d.lower() == "unassigned")):
            hit = [r for r in rows if test(r["description"].strip())]
            if hit:
                return {"status": status, "names": [], "description": hit[0]["description"]}
        return {"status": 3, "names": [], "description": None}


ORACLE = Oracle(TSV)

DEFACTO = {
    ("tcp", 2014): ("claimed: Citrix Command Center HA (weak source)", "claimed"),
    ("tcp", 2598): ("Citrix CGP: ICA/HDX with Session Reliability", "divergent"),
    ("tcp", 2897): ("registered to Citrix (citrix-rtmp), no documented current use", "ghost"),
    ("tcp", 1494): ("Citrix ICA/HDX (raw ICA)", "matches"),
    ("tcp", 8443): ("Citrix Command Center HTTPS GUI / NITRO API", "divergent"),
    ("udp", 16500): ("Citrix HDX audio over RTP (VDA)", "unregistered"),
}

# (transport, service port, client port) -> (observed protocol, roles from)
PORTS_CONVERSATIONS = {
    ("tcp", 2014, 50001): (None, "handshake"),
    ("tcp", 2598, 50002): (None, "handshake"),
    ("tcp", 2897, 50003): (None, "handshake"),
    ("tcp", 1494, 50004): (None, "handshake"),
    ("tcp", 60314, 40000): (None, "handshake"),
    ("tcp", 716, 40001): (None, "handshake"),
    ("tcp", 4, 50005): (None, "handshake"),
    ("tcp", 8443, 51000): (None, "registry (better-registered/lower port)"),
    ("tcp", 1028, 50006): (None, "handshake"),
    ("tcp", 3128, 50007): ("http", "handshake"),
    ("udp", 716, 50010): (None, "registry (better-registered/lower port)"),
    ("udp", 16500, 50011): (None, "registry (better-registered/lower port)"),
    ("udp", 27001, 50012): (None, "registry (better-registered/lower port)"),
    ("udp", 49999, 50013): (None, "registry (better-registered/lower port)"),
    ("sctp", 2905, 50040): (None, "registry (better-registered/lower port)"),
    ("dccp", 1113, 50030): (None, "registry (better-registered/lower port)"),
    ("tcp", 2598, 50200): (None, "handshake"),      # inside VXLAN
    ("udp", 4791, 50300): ("infiniband", "registry (better-registered/lower port)"),   # RoCEv2
}

REAL_CONVERSATIONS = {
    ("udp", 53, 38644): ("dns", "registry (better-registered/lower port)"),
    ("tcp", 53, 34895): ("dns", "handshake"),
    ("tcp", 80, 55272): ("http", "handshake"),
    ("tcp", 55555, 50532): ("http", "handshake"),
    ("tcp", 443, 48302): ("tls", "handshake"),
    ("tcp", 22, 43600): ("ssh", "handshake"),
    ("udp", 123, 53010): ("ntp", "registry (better-registered/lower port)"),
    ("tcp", 4, 36088): (None, "handshake"),
    ("tcp", 2014, 32996): (None, "handshake"),
    ("tcp", 9, 55446): (None, "handshake"),
    # IPv6 (::1)
    ("udp", 53, 33687): ("dns", "registry (better-registered/lower port)"),
    ("tcp", 55556, 35896): ("http", "handshake"),
    ("tcp", 8443, 43128): ("tls", "handshake"),
}


def as_list(v):
    if v is None:
        return []
    return v if isinstance(v, list) else [v]


def portreg_frames(ws, capture, extra=()):
    out = ws.tshark(capture, ["-T", "json", "--no-duplicate-keys", "-J", "frame portreg"] + list(extra))
    frames = []
    for pkt in json.loads(out):
        layers = pkt["_source"]["layers"]
        frames.append((int(layers["frame"]["frame.number"]), layers["frame"]["frame.protocols"],
                       layers.get("portreg")))
    return frames


def endpoints(pr):
    return [v for k, v in pr.items() if isinstance(v, dict) and re.match(r"(Service|Client) port \d+", k)]


def expected_endpoint(transport, port, role):
    iana = ORACLE.lookup(transport, port)
    rng = 0 if port < 1024 else 1 if port < 49152 else 2
    exp = {
        "portreg.port": str(port),
        "portreg.role": role,
        "portreg.range": str(rng),
        "portreg.iana.status": str(iana["status"]),
    }
    if iana["status"] == 3:   # explicit Unassigned row, or nothing listed
        exp["portreg.iana.listed"] = "1" if iana["description"] is not None else "0"
    if iana["names"]:
        exp["portreg.iana.service"] = iana["names"] if len(iana["names"]) > 1 else iana["names"][0]
    if iana["description"] is not None:
        exp["portreg.iana.description"] = iana["description"]
    d = DEFACTO.get((transport, port))
    if d:
        exp["portreg.defacto"], exp["portreg.defacto.kind"] = d
        if d[1] in ("divergent", "ghost"):   # flags are present only when set
            exp["portreg." + d[1]] = "1"
    return exp


SHOWN = ("portreg.port", "portreg.role", "portreg.range", "portreg.iana.status", "portreg.iana.listed",
         "portreg.iana.service", "portreg.iana.description", "portreg.defacto", "portreg.defacto.kind",
         "portreg.divergent", "portreg.ghost")


def isolated_wireshark():
    """tshark with this plugin, the plugin's other (Citrix) dissectors disabled.
    They own 1494/2598/2014 and would change portreg.observed there; these
    tests are about the post-dissector alone."""
    ws = Wireshark()
    out, _ = ws.run(["-G", "protocols"])
    others = [row.split("\t")[2] for row in out.splitlines()
              if len(row.split("\t")) > 2 and re.match(r"^(citrix|ica$|cgp$|ccha$|edt$)", row.split("\t")[2])]
    if others:
        ws.write_config("disabled_protos", "".join(name + "\n" for name in others))
    return ws


class PortregCase(unittest.TestCase):
    ws = None

    @classmethod
    def setUpClass(cls):
        cls.ws = isolated_wireshark()

    def check_capture(self, capture, conversations):
        seen = {}
        for num, protos, pr in portreg_frames(self.ws, capture):
            stack = protos.split(":")
            has_transport = any(p in stack for p in ("tcp", "udp", "sctp", "dccp"))
            if "icmp" in stack:
                self.assertIsNone(pr, "frame %d: ICMP-quoted header annotated" % num)
                continue
            self.assertEqual(pr is not None, has_transport, "frame %d (%s)" % (num, protos))
            if pr is None:
                continue
            transport = pr["portreg.transport"]
            eps = endpoints(pr)
            self.assertEqual(len(eps), 2, "frame %d" % num)
            key = (transport, int(eps[0]["portreg.port"]), int(eps[1]["portreg.port"]))
            self.assertIn(key, conversations, "frame %d: unexpected service/client order %r" % (num, key))
            observed, role_from = conversations[key]
            self.assertEqual(pr["portreg.role_from"], role_from, "frame %d" % num)
            for ep, role, port in ((eps[0], "service", key[1]), (eps[1], "client", key[2])):
                got = {k: ep[k] for k in SHOWN if k in ep}
                self.assertEqual(got, expected_endpoint(transport, port, role), "frame %d %s" % (num, role))
            # observed: absent until the first PDU is dissected, then fixed
            seen.setdefault(key, []).append(pr.get("portreg.observed"))
        self.assertEqual(set(seen), set(conversations))
        for key, values in seen.items():
            observed = conversations[key][0]
            self.assertEqual(values[-1], observed, key)
            self.assertEqual(set(values) - {None}, {observed} - {None}, key)
            first = values.index(observed) if observed else len(values)
            self.assertTrue(all(v is None for v in values[:first]), key)

    def expert_frames(self, capture, name, extra=()):
        out = self.ws.tshark(capture, ["-Y", name, "-T", "fields", "-e", "frame.number"] + list(extra))
        return [int(x) for x in out.split()]


class GeneratedPorts(PortregCase):
    def test_every_frame_both_endpoints(self):
        self.check_capture(PORTS_PCAP, PORTS_CONVERSATIONS)

    def test_golden_values(self):
        # A few registry.md §8 vectors, spelled out rather than taken from the oracle.
        rows = self.ws.fields(PORTS_PCAP, ["portreg.port", "portreg.iana.service", "portreg.iana.description",
                                           "portreg.defacto", "portreg.divergent", "portreg.ghost"],
                              filter="frame.number in {1,9,17,25,53,75}", separator="\t")
        self.assertEqual(rows, [
            ["2014,50001", "troff", "", "claimed: Citrix Command Center HA (weak source)", "", ""],
            ["2598,50002", "citriximaclient", "Citrix MA Client",
             "Citrix CGP: ICA/HDX with Session Reliability", "1", ""],
            ["2897,50003", "citrix-rtmp", "Citrix RTMP",
             "registered to Citrix (citrix-rtmp), no documented current use", "", "1"],
            ["1494,50004", "ica", "ica", "Citrix ICA/HDX (raw ICA)", "", ""],
            ["1028,50006", "", "Deprecated", "", "", ""],
            ["2905,50040", "m3ua", "M3UA", "", "", ""],
        ])
        rows = self.ws.fields(PORTS_PCAP, ["portreg.iana.status", "portreg.iana.ports", "portreg.iana.modified"],
                              filter="udp.port == 27001", separator="\t")
        self.assertEqual(rows, [["1,0", "27000-27009", "2018-02-15"]])

    def test_transport_and_innermost(self):
        rows = self.ws.fields(PORTS_PCAP, ["portreg.transport", "portreg.port"],
                              filter="sctp or dccp or vxlan", separator="\t")
        self.assertEqual(rows, [["sctp", "2905,50040"], ["sctp", "2905,50040"],
                                ["dccp", "1113,50030"], ["dccp", "1113,50030"],
                                ["tcp", "2598,50200"]])

    def test_ports_rewritten_by_subdissector(self):
        # findings/portreg.md H1: InfiniBand (RoCEv2, udp 4791) sets pinfo's
        # port type and ports to queue pairs; the UDP ports are still shown.
        rows = self.ws.fields(PORTS_PCAP, ["frame.protocols", "portreg.transport", "portreg.port",
                                           "portreg.role", "portreg.iana.service", "portreg.observed"],
                              filter="udp.port == 4791", separator="\t")
        self.assertEqual(rows, [["eth:ethertype:ip:udp:infiniband:data", "udp", "4791,50300", "service,client",
                                 "roce", "infiniband"]])

    def test_expert_listener_on_unassigned_or_dynamic(self):
        # SYN/ACK from 60314 (Dynamic) and from tcp 716 (no TCP row), UDP response
        # from 16500; the SYN to port 4 is refused (RST) so nobody listens there.
        self.assertEqual(self.expert_frames(PORTS_PCAP, "portreg.listener_unregistered"), [34, 42, 72])
        out = self.ws.tshark(PORTS_PCAP, ["-Y", "portreg.listener_unregistered", "-T", "fields",
                                          "-e", "_ws.expert.message"])
        msgs = [m for line in out.splitlines() for m in line.split(",") if m.startswith("Service listening")]
        self.assertEqual(msgs, ["Service listening on Dynamic port tcp/60314 (SYN/ACK seen)",
                                "Service listening on Unassigned port tcp/716 (SYN/ACK seen)",
                                "Service listening on Unassigned port udp/16500 (response seen)"])

    def test_expert_observed_differs(self):
        self.assertEqual(self.expert_frames(PORTS_PCAP, "portreg.observed_differs"), [64])
        out = self.ws.tshark(PORTS_PCAP, ["-Y", "frame.number == 64", "-T", "fields", "-e", "_ws.expert.message"])
        self.assertIn("Observed protocol http on tcp port 3128, IANA service there is ndl-aas", out)

    def test_expert_divergent_and_ghost(self):
        self.assertEqual(self.expert_frames(PORTS_PCAP, "portreg.divergent_port"), [9, 51, 80])
        self.assertEqual(self.expert_frames(PORTS_PCAP, "portreg.ghost_port"), [17])
        out = self.ws.tshark(PORTS_PCAP, ["-Y", "frame.number == 9", "-T", "fields", "-e", "_ws.expert.message"])
        self.assertIn("tcp port 2598: IANA lists citriximaclient, de facto use: "
                      "Citrix CGP: ICA/HDX with Session Reliability", out)

    def test_two_pass_keeps_values(self):
        # -2: second pass reads the cached conversation; the observed protocol
        # is then known from the SYN on.
        rows = self.ws.fields(PORTS_PCAP, ["portreg.port", "portreg.role", "portreg.observed"],
                              filter="tcp.port == 3128", extra=["-2"], separator="\t")
        self.assertEqual(rows, [["3128,50007", "service,client", "http"]] * 8)

    def test_stats_tree(self):
        out = self.ws.tshark(PORTS_PCAP, ["-q", "-z", "portreg,tree"])
        got = []
        for line in out.splitlines():
            m = re.match(r"^(\s*)(\S.*?)\s{2,}(\d+)\s", line)
            if m and not line.startswith("Topic"):
                got.append((len(m.group(1)), m.group(2), int(m.group(3))))
        # stats_tree orders equal counts arbitrarily: compare sections in
        # order, children as sets
        self.assertEqual([g for g in got if g[0] == 0], [
            (0, "Conversations (service port)", 18), (0, "Divergent ports", 3), (0, "Ghost ports", 1),
            (0, "Listeners on Unassigned or Dynamic ports", 3)])
        self.assertEqual(sorted(got), sorted([
            (0, "Conversations (service port)", 18),
            (1, "By range", 18),
            (2, "User", 13),
            (2, "System", 3),
            (2, "Dynamic", 2),
            (1, "By IANA status", 18),
            (2, "Assigned", 12),
            (2, "Unassigned", 3),
            (2, "Dynamic (never assigned)", 2),
            (2, "Listed without service name", 1),
            (0, "Divergent ports", 3),
            (1, "tcp/2598 IANA citriximaclient, de facto Citrix CGP: ICA/HDX with Session Reliability", 2),
            (1, "tcp/8443 IANA pcsync-https, de facto Citrix Command Center HTTPS GUI / NITRO API", 1),
            (0, "Ghost ports", 1),
            (1, "tcp/2897 IANA citrix-rtmp", 1),
            (0, "Listeners on Unassigned or Dynamic ports", 3),
            (1, "tcp/60314 Dynamic (never assigned)", 1),
            (1, "tcp/716 Unassigned", 1),
            (1, "udp/16500 Unassigned", 1),
        ]))


class UserTable(PortregCase):
    """portreg_defacto UAT rows win over the built-in table."""

    @classmethod
    def setUpClass(cls):
        cls.ws = isolated_wireshark()
        cls.ws.write_config("portreg_defacto",
                            '"2014","tcp","divergent","Our HA sync","wiki/ha"\n'
                            '"60000-60400","tcp,udp","unregistered","Build farm agent",""\n')

    def test_user_rows(self):
        rows = self.ws.fields(PORTS_PCAP, ["portreg.port", "portreg.defacto", "portreg.defacto.kind",
                                           "portreg.defacto.source", "portreg.divergent"],
                              filter="frame.number in {1,33,9}", separator="\t")
        self.assertEqual(rows, [
            ["2014,50001", "Our HA sync", "divergent", "wiki/ha", "1"],
            ["2598,50002", "Citrix CGP: ICA/HDX with Session Reliability", "divergent",
             rows[1][3], "1"],
            ["60314,40000", "Build farm agent", "unregistered", "user table (portreg_defacto)", ""],
        ])
        self.assertIn("CTX104147", rows[1][3])

    def test_invalid_row_is_reported_not_used(self):
        ws = isolated_wireshark()
        ws.write_config("portreg_defacto", '"2014","tcp","bogus","x",""\n')
        out, err = ws.run(["-n", "-r", ws.stage(PORTS_PCAP), "-T", "fields", "-e", "portreg.defacto",
                           "-Y", "frame.number == 1"], check=False)
        self.assertIn("portreg_defacto:1: invalid value: bogus",
                      err)
        self.assertEqual(out, "claimed: Citrix Command Center HA (weak source)\n")


class RealLoopback(PortregCase):
    def test_every_frame_both_endpoints(self):
        self.check_capture(REAL_PCAP, REAL_CONVERSATIONS)

    def test_expert_listeners(self):
        # python3 http.server on Dynamic 55555 (IPv4) and 55556 (IPv6) and socat
        # on Unassigned 4 answered SYN/ACK; tcp 9 (discard, nobody listening)
        # answered RST. TLS on 8443 is openssl s_server over IPv6.
        self.assertEqual(self.expert_frames(REAL_PCAP, "portreg.listener_unregistered"), [24, 82, 102])
        self.assertEqual(self.expert_frames(REAL_PCAP, "portreg.observed_differs"), [])
        self.assertEqual(self.expert_frames(REAL_PCAP, "portreg.divergent_port"), [113])

    def test_wireshark_service_name(self):
        # Shown only where Wireshark's own name differs from IANA's first name:
        # 53/udp is "domain" in both, 8443 "pcsync-https" in both.
        rows = self.ws.fields(REAL_PCAP, ["portreg.port", "portreg.wireshark.service"],
                              filter="frame.number in {1,113}", separator="\t")
        self.assertEqual(rows, [["53,38644", ""], ["8443,43128", ""]])
        # A personal services file (the user's profile) renames ports.
        ws = isolated_wireshark()
        ws.write_config("services", "my-dns 53/udp\nmy-console 8443/tcp\n")
        rows = ws.fields(REAL_PCAP, ["portreg.port", "portreg.wireshark.service", "portreg.iana.service"],
                         filter="frame.number in {1,113}", separator="\t")
        self.assertEqual(rows, [["53,38644", "my-dns", "domain"], ["8443,43128", "my-console", "pcsync-https"]])


CAPWAP_PCAP = os.path.join(TOP, "captures", "portreg-capwap.pcap")


def expert_summaries(ws, capture, extra=()):
    """PortReg rows of `tshark -q -z expert` (no tree is built for it):
    {(severity section, summary): frequency}."""
    out = ws.tshark(capture, ["-q", "-z", "expert"] + list(extra))
    rows, section = {}, None
    for line in out.splitlines():
        m = re.match(r"^(Errors|Warns|Notes|Chats|Comments) \(\d+\)$", line)
        if m:
            section = m.group(1)
            continue
        m = re.match(r"^\s+(\d+)\s+(\S+)\s+(\S+)\s+(.*\S)\s*$", line)
        if m and m.group(3) == "PortReg":
            rows[(section, m.group(4))] = rows.get((section, m.group(4)), 0) + int(m.group(1))
    return rows


PORTS_EXPERTS = {
    ("Notes", "Service listening on Dynamic port tcp/60314 (SYN/ACK seen)"): 1,
    ("Notes", "Service listening on Unassigned port tcp/716 (SYN/ACK seen)"): 1,
    ("Notes", "Service listening on Unassigned port udp/16500 (response seen)"): 1,
    ("Notes", "Observed protocol http on tcp port 3128, IANA service there is ndl-aas"): 1,
    ("Chats", "tcp port 2598: IANA lists citriximaclient, de facto use: "
              "Citrix CGP: ICA/HDX with Session Reliability"): 2,
    ("Chats", "tcp port 8443: IANA lists pcsync-https, de facto use: "
              "Citrix Command Center HTTPS GUI / NITRO API"): 1,
    ("Chats", "tcp port 2897 is registered (citrix-rtmp) but no product is known to use it"): 1,
}


class ExpertsWithoutTree(PortregCase):
    """Issue 11: the findings reach the expert tap with no portreg field
    referenced and no tree at all (tshark -z expert builds none)."""

    def test_z_expert_one_pass(self):
        self.assertEqual(expert_summaries(self.ws, PORTS_PCAP), PORTS_EXPERTS)

    def test_z_expert_two_pass(self):
        self.assertEqual(expert_summaries(self.ws, PORTS_PCAP, ["-2"]), PORTS_EXPERTS)

    def test_same_findings_as_the_tree(self):
        # the tree path (-Y on the expert fields) names the same frames and messages
        # (aggregator "|": 4.4+ escapes a tab aggregator in the output)
        rows = self.ws.fields(PORTS_PCAP, ["_ws.expert.message"], separator="\t", aggregator="|",
                              filter="portreg.listener_unregistered or portreg.observed_differs or "
                                     "portreg.divergent_port or portreg.ghost_port")
        msgs = {}
        for m in (m for r in rows for m in r[0].split("|")):
            for (sev, text) in PORTS_EXPERTS:
                if m == text:
                    msgs[(sev, text)] = msgs.get((sev, text), 0) + 1
        self.assertEqual(msgs, PORTS_EXPERTS)

    def test_real_capture(self):
        rows = expert_summaries(self.ws, REAL_PCAP)
        self.assertEqual(sorted(k[1] for k in rows), [
            "Service listening on Dynamic port tcp/55555 (SYN/ACK seen)",
            "Service listening on Dynamic port tcp/55556 (SYN/ACK seen)",
            "Service listening on Unassigned port tcp/4 (SYN/ACK seen)",
            "tcp port 8443: IANA lists pcsync-https, de facto use: Citrix Command Center HTTPS GUI / NITRO API",
        ])


class Capwap(PortregCase):
    """CAPWAP data (UDP 12380 -> 5247) carrying 802.11: the 802.11 management
    frames leave pinfo's ports at 1/1; the UDP header's ports count."""

    def test_ports_from_the_udp_header(self):
        rows = self.ws.fields(CAPWAP_PCAP, ["frame.protocols", "wlan.fc.type_subtype", "udp.srcport",
                                            "portreg.transport", "portreg.port", "portreg.role",
                                            "portreg.iana.service", "portreg.observed"], separator="\t")
        self.assertEqual([r[1:] for r in rows], [
            ["0x0004", "12380", "udp", "5247,12380", "service,client", "capwap-data", "capwap.data"],
            ["0x0000", "12380", "udp", "5247,12380", "service,client", "capwap-data", "capwap.data"],
            ["0x0001", "5247", "udp", "5247,12380", "service,client", "capwap-data", "capwap.data"],
            ["0x0020", "12380", "udp", "5247,12380", "service,client", "capwap-data", "capwap.data"],
        ])
        self.assertTrue(all(r[0].startswith("eth:ethertype:ip:udp:capwap.data:wlan") for r in rows), rows)

    def test_one_conversation_no_finding(self):
        out = self.ws.tshark(CAPWAP_PCAP, ["-q", "-z", "portreg,tree"])
        self.assertRegex(out, r"\nConversations \(service port\)\s+1\s")
        # capwap.data is the IANA service capwap-data: no "observed differs"
        self.assertEqual(expert_summaries(self.ws, CAPWAP_PCAP), {})


class SummaryLine(PortregCase):
    """The top item says what matters about the service port."""

    def labels(self, capture, frames):
        out = self.ws.tshark(capture, ["-T", "pdml", "-Y", "frame.number in {%s}" % ",".join(map(str, frames))])
        tops = re.findall(r'<proto name="portreg" showname="([^"]*)"', out)
        eps = re.findall(r'<field name="" show="((?:Service|Client) port [^"]*)"', out)
        return [t.replace("&quot;", '"') for t in tops], eps

    def test_summary(self):
        tops, eps = self.labels(PORTS_PCAP, [1, 9, 17, 25, 34, 42, 64, 72, 75])
        self.assertEqual(tops, [
            "Port Registry, tcp/2014: IANA troff, claimed: Citrix Command Center HA (weak source)",
            "Port Registry, tcp/2598: IANA citriximaclient, de facto Citrix CGP: ICA/HDX with Session "
            "Reliability (divergent)",
            "Port Registry, tcp/2897: IANA citrix-rtmp, no known use (ghost)",
            "Port Registry, tcp/1494: IANA ica, de facto Citrix ICA/HDX (raw ICA)",
            "Port Registry, tcp/60314: Dynamic (never assigned), listener on a Dynamic port",
            "Port Registry, tcp/716: Unassigned, listener on an Unassigned port",
            "Port Registry, tcp/3128: IANA ndl-aas, observed http (differs)",
            "Port Registry, udp/16500: Unassigned, de facto Citrix HDX audio over RTP (VDA) (unregistered use), "
            "listener on an Unassigned port",
            "Port Registry, sctp/2905: IANA m3ua",
        ])
        # the client side names no IANA service: its port is the client stack's choice
        self.assertEqual(eps[:4], ["Service port 2014: Assigned troff", "Client port 50001",
                                   "Service port 2598: Assigned citriximaclient", "Client port 50002"])
        self.assertTrue(all(re.fullmatch(r"Client port \d+", e) for e in eps if e.startswith("Client")), eps)

    def test_client_port_with_an_iana_name(self):
        # 38644 -> 53: the client's port is Unassigned; 55272 -> 80 Dynamic;
        # neither label carries a registry name
        tops, eps = self.labels(REAL_PCAP, [1])
        self.assertEqual(tops, ["Port Registry, udp/53: IANA domain"])
        self.assertEqual(eps, ["Service port 53: Assigned domain", "Client port 38644"])


def stats_rows(out):
    rows = []
    for line in out.splitlines():
        m = re.match(r"^( *)(\S.*?)\s{2,}(\d+)\s", line)
        if m and not line.startswith("Topic"):
            rows.append((len(m.group(1)), m.group(2), int(m.group(3))))
    return rows


class DefactoListing(PortregCase):
    """tshark -z portreg_defacto,tree lists every built-in row (seen or not)
    with the conversations that hit it, then the user's rows."""

    def test_listing_and_counts(self):
        rows = stats_rows(self.ws.tshark(PORTS_PCAP, ["-q", "-z", "portreg_defacto,tree"]))
        top = [r for r in rows if r[0] == 0]
        self.assertEqual(top, [(0, "Built-in table (Citrix ports)", 7),
                               (0, "Your rows (portreg_defacto UAT; they win)", 0)])
        builtin = {r[1]: r[2] for r in rows if r[0] == 1}
        self.assertEqual(len(builtin), 38)
        seen = {k: v for k, v in builtin.items() if v}
        self.assertEqual(seen, {
            "tcp/2598: Citrix CGP: ICA/HDX with Session Reliability (divergent; IANA citriximaclient)": 2,
            "udp/16500-16509: Citrix HDX audio over RTP (VDA) (unregistered; IANA varies, see per port)": 1,
            "tcp/8443: Citrix Command Center HTTPS GUI / NITRO API (divergent; IANA pcsync-https)": 1,
            "tcp/2014: claimed: Citrix Command Center HA (weak source) (claimed; IANA troff)": 1,
            "tcp/1494: Citrix ICA/HDX (raw ICA) (matches; IANA ica)": 1,
            "tcp,udp/2897: registered to Citrix (citrix-rtmp), no documented current use (ghost; IANA citrix-rtmp)": 1,
        })
        self.assertIn("udp/7000: NetScaler cluster heartbeat (divergent; IANA afs3-fileserver)", builtin)

    def test_user_rows_listed(self):
        ws = isolated_wireshark()
        ws.write_config("portreg_defacto", '"2014","tcp","divergent","Our HA sync","wiki/ha"\n')
        rows = stats_rows(ws.tshark(PORTS_PCAP, ["-q", "-z", "portreg_defacto,tree"]))
        self.assertIn((0, "Your rows (portreg_defacto UAT; they win)", 1), rows)
        self.assertIn((1, "tcp/2014: Our HA sync (divergent; IANA troff)", 1), rows)
        self.assertIn((1, "tcp/2014: claimed: Citrix Command Center HA (weak source) (claimed; IANA troff)", 0), rows)


if __name__ == "__main__":
    unittest.main(verbosity=2)
