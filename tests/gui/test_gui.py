#!/usr/bin/env python3
"""The real Wireshark GUI (Qt, Debian package `wireshark`) with the plugin and
the "Citrix" profile, under Xvfb, as a non-root user with a temporary HOME
(the same sandbox as tools/lib/wsrun.py): opens captures/spike-ica-2001.pcap,
selects the ICA frame that carries the client name (wireshark -g 12), expands
its Citrix ICA tree and saves a screenshot.

Asserts: the main window's title names the capture file and the profile
(the profile sets gui.window_title: "%P profile"); the screenshot is not
blank; the packet details show the session summary line (the GUI dissects
the shown packet without taps); the status bar, read back with tesseract, shows the selected item
"Citrix ICA (ica), 103 byte(s)", "Packets: 174" and "Profile: Citrix"; the packet list carries the profile's coloring rules on ICA frames
(background of the rule "ICA", which matches only if the plugin's ica
protocol decoded them) and on the TCP handshake (rule "TCP handshake and
close"); neither color is one of Wireshark's default rules. Then, on
captures/portreg-ports.pcap in the Default profile with no display filter,
Analyze > Expert Information lists the four PortReg findings with their
counts (read back with tesseract).

    python3 tests/gui/test_gui.py [--save docs/gui-ica.png]

Exit 77 (ctest SKIP_RETURN_CODE) only when no X server can be started.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.normpath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(TOP, "tools", "lib"))
from wsrun import Wireshark  # noqa: E402

SKIP = 77
CAPTURE = os.path.join(TOP, "captures", "spike-ica-2001.pcap")
PROFILE = os.path.join(TOP, "profile", "Citrix")
FRAME = 12                           # the ICA frame carrying the client name "spike"
WIDTH, HEIGHT = 1600, 1000
# 16-bit colorfilters components / 257 = 8-bit screen colors
ICA_BG = "rgb(200,255,200)"          # @ICA@ica@[51400,65535,51400]
HANDSHAKE_BG = "rgb(186,186,186)"    # @TCP handshake and close@...@[47802,47802,47802]


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def start_xvfb():
    """Xvfb on a free display number (-displayfd); None if it cannot start."""
    if not shutil.which("Xvfb"):
        return None, None
    r, w = os.pipe()
    proc = subprocess.Popen(["Xvfb", "-displayfd", str(w), "-screen", "0", "%dx%dx24" % (WIDTH, HEIGHT),
                             "-nolisten", "tcp", "-ac", "-nocursor"], pass_fds=(w,),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(w)
    data = b""
    deadline = time.time() + 20
    while time.time() < deadline and not data.endswith(b"\n"):
        chunk = os.read(r, 16)
        if not chunk:
            break
        data += chunk
    os.close(r)
    if not data.strip().isdigit() or proc.poll() is not None:
        proc.kill()
        return None, None
    return proc, ":" + data.decode().strip()


def x(display, *cmd, check=True):
    p = subprocess.run(list(cmd), env={"DISPLAY": display, "PATH": "/usr/bin:/bin"}, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, text=True, timeout=60)
    if check and p.returncode != 0:
        fail("%s: %s" % (" ".join(cmd), p.stderr.strip()))
    return p.stdout.strip()


def sandbox():
    """wsrun's sandbox (plugin in a temporary HOME, pinned config dir) plus
    the profile as install_profile.sh installs it and a fixed window size."""
    ws = Wireshark()
    env = dict(os.environ, WIRESHARK_CONFIG_DIR=ws.cfg)
    subprocess.run(["sh", os.path.join(TOP, "tools", "setup", "install_profile.sh"), PROFILE], env=env,
                   check=True, stdout=subprocess.DEVNULL)
    with open(os.path.join(ws.cfg, "recent_common"), "w") as f:
        f.write("gui.geometry_main_x: 0\ngui.geometry_main_y: 0\ngui.geometry_main_width: %d\n"
                "gui.geometry_main_height: %d\ngui.geometry_main_maximized: FALSE\n" % (WIDTH, HEIGHT))
    capdir = os.path.join(ws.tmp, "captures")
    os.makedirs(capdir)
    capture = os.path.join(capdir, os.path.basename(CAPTURE))
    shutil.copy(CAPTURE, capture)
    runtime = os.path.join(ws.tmp, "runtime")
    os.makedirs(runtime)
    for root, dirs, files in os.walk(ws.tmp):
        for d in dirs:
            os.chmod(os.path.join(root, d), 0o777)
        for f in files:
            os.chmod(os.path.join(root, f), 0o644)
    os.chmod(runtime, 0o700)
    if ws.prefix:
        shutil.chown(runtime, "nobody", "nogroup")
    return ws, capture, runtime


def fraction(png, color):
    """Share of the screenshot's pixels that have exactly this color."""
    out = subprocess.run(["convert", png, "-alpha", "off", "-fill", "black", "+opaque", color, "-fill", "white",
                          "-opaque", color, "-format", "%[fx:mean]", "info:"], stdout=subprocess.PIPE,
                         text=True, check=True).stdout
    return float(out)


def status_bar_text(png, out):
    """The status bar (bottom strip of the window) read back with tesseract."""
    strip = out + ".status.png"
    subprocess.run(["convert", png, "-crop", "%dx26+0+%d" % (WIDTH, HEIGHT - 26), "+repage", "-resize", "300%",
                    "-colorspace", "Gray", strip], check=True)
    text = subprocess.run(["tesseract", strip, "-"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                          text=True, check=True).stdout
    return " ".join(text.split())


def ocr_word(word):
    """A word as compared: tesseract reads the brackets of a generated
    item's line as "[" or "{" (seen on 4.6), so brackets do not count."""
    return word.strip("[]{}()")


def text_line_position(png, words, prefix=False):
    """Screen position (x, y) of the middle of the first word of the first
    line of text that reads exactly `words` (with prefix: starts with them),
    not counting a tree's expander arrow before them (tesseract's word boxes,
    on the left part of the screenshot scaled up 2x for legibility), or None."""
    big = png + ".x2.png"
    # the left 780 pixels: tree lines start there, and on 4.4+ the bytes pane
    # (hex OCR reads as words) sits beside the details pane
    subprocess.run(["convert", png, "-crop", "780x%d+0+0" % HEIGHT, "+repage", "-resize", "200%",
                    "-colorspace", "Gray", big], check=True)
    tsv = subprocess.run(["tesseract", big, "-", "tsv"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                         text=True, check=True).stdout
    lines = {}
    for row in tsv.splitlines()[1:]:
        col = row.split("\t")
        if len(col) == 12 and col[0] == "5" and col[11].strip():
            key = tuple(int(c) for c in col[1:5])          # page, block, paragraph, line
            lines.setdefault(key, []).append((col[11].strip(), int(col[6]), int(col[7]), int(col[8]),
                                              int(col[9])))
    for key in sorted(lines, key=lambda k: min(w[2] for w in lines[k])):
        line = lines[key]
        while line and not any(c.isalnum() for c in line[0][0]):
            line = line[1:]                                # the expander arrow, read as ">" or "»"
        if [ocr_word(w[0]) for w in (line[:len(words)] if prefix else line)] == [ocr_word(w) for w in words]:
            _, left, top, width, height = line[0]
            return (left + width // 2) // 2, (top + height // 2) // 2
    return None


def wait_window(display, gui, log, name, seconds=120):
    deadline = time.time() + seconds
    while time.time() < deadline:
        time.sleep(1)
        if gui.poll() is not None:
            fail("wireshark exited with %d:\n%s" % (gui.returncode, open(log.name).read()[-3000:]))
        wid = x(display, "xdotool", "search", "--name", name, check=False).split("\n")[0]
        if wid:
            return wid
    fail("no window named %r within %d s:\n%s" % (name, seconds, open(log.name).read()[-3000:]))


# The PortReg expert summaries (plugin/packet-portreg.c); the dialog elides
# long ones to its column width, which differs between versions.
PORTREG_SUMMARIES = ("Service listening on an Unassigned or Dynamic port",
                     "Observed protocol differs from the IANA service of the port",
                     "Port used de facto for something other than its IANA assignment",
                     "Registered port with no known use")


def unelide(text, full):
    """The one summary of `full` that `text` ("...", "…" or nothing at its
    end) abbreviates, else text itself."""
    stem = re.sub(r"(\.\.\.|…)$", "", text)
    hits = [f for f in full if f == text or (stem != text and len(stem) >= 20 and f.startswith(stem))]
    return hits[0] if len(hits) == 1 else text


def expert_dialog(ws, display, env, out, save):
    """Analyze > Expert Information on captures/portreg-ports.pcap in the Default
    profile, no display filter and no portreg field anywhere: the PortReg
    findings are listed (issue 11: they were not)."""
    capture = os.path.join(ws.tmp, "captures", "portreg-ports.pcap")
    shutil.copy(os.path.join(TOP, "captures", "portreg-ports.pcap"), capture)
    os.chmod(capture, 0o644)
    log = open(os.path.join(ws.tmp, "wireshark-expert.log"), "w")
    # the Default profile: no column, coloring rule or filter names a portreg field
    gui = subprocess.Popen(ws.prefix + ["wireshark", "-r", capture], env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        wid = wait_window(display, gui, log, os.path.basename(capture))
        time.sleep(3)
        x(display, "xdotool", "windowfocus", "--sync", wid)
        x(display, "xdotool", "key", "alt+a")          # Analyze menu; its last item is Expert Information
        time.sleep(1)
        x(display, "xdotool", "key", "Up")
        x(display, "xdotool", "key", "Return")
        dialog = wait_window(display, gui, log, "Expert Information", 60)
        time.sleep(4)                                   # the dialog retaps the file
        x(display, "import", "-window", dialog, out)
        # the table's rows, black text on severity colors: gray + threshold for OCR
        table = out + ".table.png"
        subprocess.run(["convert", out, "-crop", "960x260+0+0", "+repage", "-resize", "300%", "-colorspace", "Gray",
                        "-threshold", "55%", table], check=True)
        text = subprocess.run(["tesseract", table, "-", "--psm", "6"], stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL, text=True, check=True).stdout
        rows = {}
        for line in text.splitlines():
            m = re.search(r"(Note|Chat) (.+?) Protocol PortReg (\d+)$", " ".join(line.split()))
            if m:
                rows[(m.group(1), unelide(m.group(2), PORTREG_SUMMARIES))] = int(m.group(3))
        print("expert dialog PortReg rows: %r" % rows)
        # as tshark -q -z expert says (tests/tshark/test_portreg.py), plus the
        # 2014 conversation, where the plugin's own CCHA dissector is "observed"
        wanted = {("Note", "Service listening on an Unassigned or Dynamic port"): 3,
                  ("Note", "Observed protocol differs from the IANA service of the port"): 2,
                  ("Chat", "Registered port with no known use"): 1,
                  ("Chat", "Port used de facto for something other than its IANA assignment"): 3}
        if rows != wanted:
            fail("Expert Information PortReg rows %r, expected %r" % (rows, wanted))
        if save:
            shutil.copy(out, save)
            print("saved " + save)
    finally:
        gui.terminate()
        try:
            gui.wait(20)
        except subprocess.TimeoutExpired:
            gui.kill()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--save", help="also copy the screenshot here (e.g. docs/gui-ica.png)")
    ap.add_argument("--save-expert", help="also copy the Expert Information screenshot here")
    ap.add_argument("--out", default=os.path.join(os.environ.get("CITRIX_BUILD", os.path.join(TOP, "build")),
                                                  "gui", "gui-ica.png"))
    a = ap.parse_args()
    for tool in ("wireshark", "xdotool", "convert", "import", "identify", "tesseract"):
        if not shutil.which(tool):
            fail("%s not installed (tools/setup/common.sh installs it)" % tool)
    xvfb, display = start_xvfb()
    if not xvfb:
        print("SKIP: no X server could be started (Xvfb)")
        sys.exit(SKIP)
    ws, capture, runtime = sandbox()
    env = dict(ws.env, DISPLAY=display, XDG_RUNTIME_DIR=runtime, QT_QPA_PLATFORM="xcb")
    log = open(os.path.join(ws.tmp, "wireshark.log"), "w")
    gui = subprocess.Popen(ws.prefix + ["wireshark", "-C", "Citrix", "-r", capture, "-g", str(FRAME)], env=env,
                           stdout=log,
                           stderr=subprocess.STDOUT)
    try:
        name = os.path.basename(capture)
        wid = None
        deadline = time.time() + 120
        while time.time() < deadline and not wid:
            time.sleep(1)
            if gui.poll() is not None:
                fail("wireshark exited with %d:\n%s" % (gui.returncode, open(log.name).read()[-3000:]))
            wid = x(display, "xdotool", "search", "--name", name, check=False).split("\n")[0] or None
        if not wid:
            fail("no window named after %s within 120 s:\n%s" % (name, open(log.name).read()[-3000:]))
        time.sleep(3)   # the packet list is filled after the title changes
        title = x(display, "xdotool", "getwindowname", wid)
        print("window title: %r" % title)
        if title != "%s [Citrix profile]" % name:
            fail("title %r does not name the file and the profile" % title)
        # wireshark -g 12 selected frame 12 (INIT_RESPONSE with the client's UI module)
        x(display, "xdotool", "windowfocus", "--sync", wid)
        # the details pane's line "Citrix ICA" (after Frame, Ethernet, IP, TCP),
        # found on screen: row heights differ between Qt versions (4.0 / 4.4+);
        # a double-click expands it, Shift+Right its subtrees
        before = os.path.join(os.path.dirname(a.out), "gui-before.png")
        os.makedirs(os.path.dirname(a.out), exist_ok=True)
        x(display, "import", "-window", "root", before)
        where = text_line_position(before, ["Citrix", "ICA"])
        if not where:
            fail("no line reading \"Citrix ICA\" on screen (plugin not loaded?)")
        # the session summary post-dissector's line is there too (the GUI
        # dissects the packet it shows without taps: issue 11)
        if not text_line_position(before, ["[Citrix", "session", "summary"], prefix=True):
            fail("no \"[Citrix session summary ...]\" line in the packet details")
        x(display, "xdotool", "mousemove", str(where[0]), str(where[1]), "click", "--repeat", "2", "1")
        time.sleep(1)
        x(display, "xdotool", "key", "shift+Right")
        x(display, "xdotool", "mousemove", str(WIDTH - 10), str(HEIGHT - 10))
        time.sleep(2)
        os.makedirs(os.path.dirname(a.out), exist_ok=True)
        x(display, "import", "-window", "root", a.out)
        colors = int(subprocess.run(["identify", "-format", "%k", a.out], stdout=subprocess.PIPE, text=True,
                                    check=True).stdout)
        ica, handshake = fraction(a.out, ICA_BG), fraction(a.out, HANDSHAKE_BG)
        print("screenshot %s: %d colors, ICA rule background %.1f%%, handshake rule background %.1f%%"
              % (a.out, colors, 100 * ica, 100 * handshake))
        if colors < 64:
            fail("screenshot is (nearly) blank: %d colors" % colors)
        if ica < 0.03:
            fail("ICA frames are not colored by the profile's ICA rule (plugin or profile not loaded)")
        if handshake < 0.003:
            fail("TCP handshake frames are not colored by the profile's rule")
        status = status_bar_text(a.out, a.out)
        print("status bar: %r" % status)
        # the selected tree item is the Citrix ICA protocol of frame 12 (its
        # 103 bytes: frame 12 is 169 bytes, 66 of them Ethernet/IP/TCP)
        if "Citrix ICA (ica), 103 byte(s)" not in status:
            fail("status bar does not show the selected Citrix ICA item of frame %d" % FRAME)
        # "Packets: 174 · Displayed: 174" on 4.0, "Packets: 174" on 4.4+ (no filter)
        if "Packets: 174" not in status or "Profile: Citrix" not in status:
            fail("status bar does not show the 174 frames and the Citrix profile")
        if a.save:
            shutil.copy(a.out, a.save)
            print("saved " + a.save)
        gui.terminate()
        gui.wait(20)
        expert_dialog(ws, display, env, os.path.join(os.path.dirname(a.out), "gui-expert.png"), a.save_expert)
    finally:
        if gui.poll() is None:
            gui.terminate()
            try:
                gui.wait(20)
            except subprocess.TimeoutExpired:
                gui.kill()
        xvfb.terminate()
        xvfb.wait(20)
    print("ok")


if __name__ == "__main__":
    main()
