#!/usr/bin/env python3
"""Run the tshark test scripts against the ASan+UBSan build of the plugin.

    tools/robust/sanitized_tests.py --plugin-root build/asan/plugins --preload /usr/lib/x86_64-linux-gnu/libasan.so.8

Stock tshark is not instrumented, so the sanitizer runtime is preloaded
(CITRIX_PRELOAD -> LD_PRELOAD in tools/lib/wsrun.py).  Sanitizer reports go to
log files in a directory the unprivileged tshark can write; any report fails
the run even if the test that triggered it passed (a test may run tshark with
check=False).  wmem uses the "simple" allocator so every allocation is a
malloc ASan can guard.
"""
import argparse
import concurrent.futures
import glob
import os
import subprocess
import sys
import tempfile

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def sanitizer_env(logdir, preload, plugin_root=None):
    env = dict(os.environ)
    env.update({
        "CITRIX_PRELOAD": preload,
        "ASAN_OPTIONS": "detect_leaks=0:abort_on_error=1:halt_on_error=1:detect_stack_use_after_return=0:"
                        "log_path=%s/asan" % logdir,
        "UBSAN_OPTIONS": "print_stacktrace=1:halt_on_error=1:log_path=%s/ubsan" % logdir,
        "WIRESHARK_DEBUG_WMEM_OVERRIDE": "simple",
        "G_SLICE": "always-malloc",
    })
    if plugin_root:
        env["CITRIX_PLUGIN_ROOT"] = plugin_root
    return env


def make_logdir():
    d = tempfile.mkdtemp(prefix="citrix-san-", dir="/tmp")
    os.chmod(d, 0o1777)
    return d


def reports(logdir):
    out = []
    for path in sorted(glob.glob(os.path.join(logdir, "*"))):
        with open(path, errors="replace") as f:
            out.append("== %s\n%s" % (path, f.read()))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--plugin-root", required=True)
    ap.add_argument("--preload", required=True)
    ap.add_argument("--jobs", type=int, default=2, help="scripts run at once")
    ap.add_argument("scripts", nargs="*")
    a = ap.parse_args()
    scripts = a.scripts or sorted(glob.glob(os.path.join(TOP, "tests", "tshark", "test_*.py")))
    logdir = make_logdir()
    env = sanitizer_env(logdir, a.preload, os.path.abspath(a.plugin_root))
    failed = []

    def run(script):
        p = subprocess.run([sys.executable, script], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        return script, p.returncode, p.stdout.decode("utf-8", "replace")

    with concurrent.futures.ThreadPoolExecutor(a.jobs) as pool:
        for script, rc, out in pool.map(run, scripts):
            summary = [l for l in out.splitlines() if l.startswith(("Ran ", "OK", "FAILED"))]
            print("== %s\n   %s" % (os.path.basename(script), " | ".join(summary)), flush=True)
            for line in out.splitlines():
                if line.startswith("hostile: "):       # peak RSS per hostile case, sanitized
                    print("   " + line)
            if rc != 0:
                failed.append(script)
                print(out[-8000:])
    found = reports(logdir)
    for r in found:
        print(r[:20000])
    print("sanitized_tests: %d scripts, %d failed, %d sanitizer reports" % (len(scripts), len(failed), len(found)))
    return 1 if failed or found else 0


if __name__ == "__main__":
    sys.exit(main())
