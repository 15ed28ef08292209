#!/usr/bin/env python3
r"""Run tshark with the built plugin loaded the way a user loads it.

A user drops the .so into ~/.local/lib/wireshark/plugins/<maj.min>/epan.
Wireshark ignores that directory (and WIRESHARK_PLUGIN_DIR) for uid/gid 0,
so when we run as root (CI, containers) tshark is started as `nobody`
through setpriv.  HOME is a fresh temporary directory and
WIRESHARK_CONFIG_DIR is pinned to an empty profile so a personal profile
(services file, disabled heuristics, prefs) cannot change results.

Used as a library by tests, tools and benches:

    ws = Wireshark(plugin_root="build/plugins")
    out = ws.fields("cap.pcap", ["portreg.port"], filter="tcp")

or from the shell:  tools/lib/wsrun.py --plugin build/plugins -- -r cap.pcap -V

Values, not text: tshark's output changed between 4.0, 4.4 and 4.6, and the
same assertions must pass on all of them (CI runs each).
  * fields() normalises every value by the field's registered type (read
    once from `-G fields`): FT_BOOLEAN prints 1/0 on 4.0 but True/False on
    4.4+, normalised to "1"/"0"; strings print a backslash as `\\` on 4.4+
    (4.0: as is; both print tab/CR/LF as `\t` `\r` `\n`), normalised to the
    4.0 form (4.2 is treated as 4.0: not measured).  normalise_value() does the same for output read by hand.
  * listing(report) reads a `-G` report by column name (4.4 added columns to
    `protocols` and `heuristic-decodes`; a column the running version does
    not print is absent from the row).
  * columns() reads the packet list (column texts by title) from -T psml.
  * held_frame_protocols() is what frame.protocols shows for a frame whose
    last dissector held the bytes for TCP reassembly (4.0 lists that
    dissector, 4.4+ does not).
"""
import argparse
import atexit
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PLUGIN_NAME = "citrix_wireshark.so"


# `-G` report columns, as documented in tshark(1) of each release; a newer
# release appends columns, it has not reordered them (4.0.17, 4.4.19, 4.6.9).
LISTING_COLUMNS = {
    "protocols": ("name", "short_name", "filter_name", "enabled", "enabled_by_default", "can_toggle"),
    "heuristic-decodes": ("table", "protocol", "enabled", "enabled_by_default", "short_name", "display_name"),
    "plugins": ("file", "version", "type", "path"),
    # "fields": rows start with P (protocol) or F (field)
    "fields/P": ("kind", "name", "abbrev"),
    "fields/F": ("kind", "name", "abbrev", "type", "parent", "base", "bitmask", "blurb"),
    # "values": V (value_string) rows; R (ranges) and T (true/false strings) are not read
    "values/V": ("kind", "abbrev", "value", "name"),
}
STRING_TYPES = {"FT_STRING", "FT_STRINGZ", "FT_UINT_STRING", "FT_STRINGZPAD", "FT_STRINGZTRUNC"}
BOOLEAN_TEXT = {"True": "1", "False": "0"}


def unescape_backslashes(text):
    """4.4+ `-T fields` string: `\\` back to one backslash, other escapes kept."""
    return re.sub(r"\\(.)", lambda m: "\\" if m.group(1) == "\\" else m.group(0), text)


def default_plugin_root():
    return os.environ.get("CITRIX_PLUGIN_ROOT", os.path.join(TOP, "build", "plugins"))


class Wireshark:
    def __init__(self, plugin_root=None, with_plugin=True, preload=None):
        plugin_root = plugin_root or default_plugin_root()
        self.tmp = tempfile.mkdtemp(prefix="citrix-ws-", dir="/tmp")
        os.chmod(self.tmp, 0o755)
        atexit.register(shutil.rmtree, self.tmp, True)
        self.home = os.path.join(self.tmp, "home")
        self.cfg = os.path.join(self.tmp, "cfg")
        os.makedirs(self.home)
        os.makedirs(self.cfg)
        self.plugin = None
        if with_plugin:
            found = glob.glob(os.path.join(plugin_root, "*", "epan", PLUGIN_NAME))
            if len(found) != 1:
                raise RuntimeError("expected one %s under %s, found %r" % (PLUGIN_NAME, plugin_root, found))
            abi = found[0].split(os.sep)[-3]
            dest = os.path.join(self.home, ".local", "lib", "wireshark", "plugins", abi, "epan")
            os.makedirs(dest)
            self.plugin = os.path.join(dest, PLUGIN_NAME)
            shutil.copy(found[0], self.plugin)
        for root, dirs, files in os.walk(self.tmp):
            for d in dirs:
                os.chmod(os.path.join(root, d), 0o777)
            for f in files:
                os.chmod(os.path.join(root, f), 0o644)
        os.chmod(self.tmp, 0o755)
        self.env = {
            "PATH": "/usr/local/bin:/usr/bin:/bin",
            "HOME": self.home,
            "WIRESHARK_CONFIG_DIR": self.cfg,
            "WIRESHARK_ABORT_ON_DISSECTOR_BUG": "1",
            "LANG": "C.UTF-8",
            "LC_ALL": "C.UTF-8",
            "TZ": "UTC",
        }
        preload = preload if preload is not None else os.environ.get("CITRIX_PRELOAD")
        if preload:
            self.env["LD_PRELOAD"] = preload
            self.env["ASAN_OPTIONS"] = os.environ.get(
                "ASAN_OPTIONS", "detect_leaks=0:abort_on_error=1:allocator_may_return_null=1")
            self.env["UBSAN_OPTIONS"] = os.environ.get("UBSAN_OPTIONS", "print_stacktrace=1:halt_on_error=1")
            # extcap helpers (androiddump...) would inherit the preloaded
            # runtime and hang at startup; a sanitizer run needs none of them.
            extcap = os.path.join(self.tmp, "extcap")
            os.makedirs(extcap)
            self.env["WIRESHARK_EXTCAP_DIR"] = extcap
        # Allocator debugging for robustness runs (tools/robust/mutate.py, ASan tests).
        for name in ("WIRESHARK_DEBUG_WMEM_OVERRIDE", "G_SLICE"):
            if name in os.environ:
                self.env[name] = os.environ[name]
        self.prefix = []
        if os.geteuid() == 0 or os.getegid() == 0:
            self.prefix = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"]

    # ---- version-neutral views of tshark's output ----

    @property
    def version(self):
        """(major, minor, micro) of the tshark that runs."""
        if getattr(self, "_version", None) is None:
            out, _ = self.run(["--version"])
            m = re.search(r"TShark \(Wireshark\) (\d+)\.(\d+)\.(\d+)", out)
            if not m:
                raise RuntimeError("cannot read tshark version from: " + out[:200])
            self._version = tuple(int(x) for x in m.groups())
        return self._version

    def listing(self, report):
        """`tshark -G <report>` as a list of {column name: value} (see LISTING_COLUMNS)."""
        out, _ = self.run(["-G", report])
        rows = []
        for line in out.splitlines():
            cols = line.split("\t")
            key = report + "/" + cols[0] if report in ("fields", "values") else report
            names = LISTING_COLUMNS.get(key)
            if names is None:
                if report in ("fields", "values"):
                    continue
                raise KeyError("no column names known for -G %s" % report)
            rows.append(dict(zip(names, cols)))
        return rows

    def field_types(self):
        """{field abbreviation: FT_ type} of every registered field (cached)."""
        if getattr(self, "_field_types", None) is None:
            self._field_types = {r["abbrev"]: r["type"] for r in self.listing("fields") if r["kind"] == "F"}
        return self._field_types

    def normalise_value(self, field, text, aggregator=None):
        """One `-T fields` column in the form tshark 4.0 prints it (see module doc)."""
        ftype = self.field_types().get(field)
        if ftype == "FT_BOOLEAN":
            parts = text.split(aggregator) if aggregator else [text]
            return (aggregator or "").join(BOOLEAN_TEXT.get(p, p) for p in parts)
        if ftype in STRING_TYPES and self.version >= (4, 4):     # 4.2 not measured
            return unescape_backslashes(text)
        return text

    def columns(self, capture, args=()):
        """The packet list as {column title: text} per displayed frame, read
        from -T psml: `-e _ws.col.<title>` works on 4.0 only (4.4+ name
        column fields by format: _ws.col.info...; custom ones not by title)."""
        import xml.etree.ElementTree as ET
        root = ET.fromstring(self.tshark(capture, list(args) + ["-T", "psml"]))
        titles = [s.text or "" for s in root.find("structure").findall("section")]
        return [dict(zip(titles, [s.text or "" for s in p.findall("section")])) for p in root.findall("packet")]

    def held_frame_protocols(self, stack):
        """frame.protocols of a frame whose last dissector in `stack`
        ("eth:ethertype:ip:tcp:ccha") kept the bytes for reassembly: 4.0
        lists that dissector, 4.4 and 4.6 do not (measured; 4.2 not)."""
        return stack if self.version < (4, 4) else stack.rpartition(":")[0]

    def stage(self, path):
        """Copy an input file where the unprivileged tshark can read it."""
        dest = os.path.join(self.tmp, "in-" + os.path.basename(path))
        if not os.path.exists(dest):
            shutil.copy(path, dest)
            os.chmod(dest, 0o644)
        return dest

    def write_config(self, name, text):
        """Put a file (preferences, a UAT, heuristic_protos...) in the pinned profile."""
        path = os.path.join(self.cfg, name)
        with open(path, "w") as f:
            f.write(text)
        os.chmod(path, 0o644)
        return path

    def run(self, args, check=True, timeout=600, stdin=None):
        cmd = self.prefix + ["tshark"] + list(args)
        p = subprocess.run(cmd, env=self.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=timeout, input=stdin)
        out = p.stdout.decode("utf-8", "replace")
        err = p.stderr.decode("utf-8", "replace")
        # -G listings legitimately mention "Dissector bug" (_ws.malformed.dissector_bug).
        bug = "Dissector bug" in err or ("-G" not in args and "Dissector bug" in out)
        if check and (p.returncode != 0 or bug):
            raise RuntimeError("tshark %s failed (%d):\n%s\n%s" % (" ".join(cmd), p.returncode, err, out[-2000:]))
        return out, err

    def tshark(self, capture, args=(), **kw):
        out, _ = self.run(["-n", "-r", self.stage(capture)] + list(args), **kw)
        return out

    def fields(self, capture, fields, filter=None, extra=(), occurrence="a", separator="|",
               aggregator=",", normalise=True):
        """One list of field strings per displayed frame, each value
        normalised by its field's type (normalise_value) unless normalise=False."""
        args = ["-T", "fields", "-E", "separator=" + separator, "-E", "occurrence=" + occurrence,
                "-E", "aggregator=" + aggregator]
        for f in fields:
            args += ["-e", f]
        if filter:
            args += ["-Y", filter]
        out = self.tshark(capture, args + list(extra))
        lines = out.split("\n")    # not splitlines(): that also splits at \x1c-\x1e, \x85...
        if lines and lines[-1] == "":
            lines.pop()
        rows = [line.split(separator) for line in lines]
        if normalise:
            rows = [[self.normalise_value(f, v, aggregator) for f, v in zip(fields, row)] + row[len(fields):]
                    for row in rows]
        return rows


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--plugin", default=default_plugin_root(), help="build/plugins directory")
    ap.add_argument("--no-plugin", action="store_true", help="stock tshark, same sandbox")
    ap.add_argument("args", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    args = a.args[1:] if a.args[:1] == ["--"] else a.args
    ws = Wireshark(a.plugin, with_plugin=not a.no_plugin)
    args = [ws.stage(x) if os.path.isfile(x) else x for x in args]
    p = subprocess.run(ws.prefix + ["tshark"] + args, env=ws.env)
    sys.exit(p.returncode)


if __name__ == "__main__":
    main()
