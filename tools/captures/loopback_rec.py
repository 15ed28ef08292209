"""Recording on a private loopback, shared by the recorders of real TLS/DTLS
captures (record_ica_tls.py, record_edt_dtls.py).

    loopback_rec.in_namespace(__file__, args)    # re-runs the script in `unshare -n` as root
    loopback_rec.record(out, "udp port 443", peers, links=...)

record(): dumpcap on lo with the capture filter while peers(work) runs (it
returns the path of the key log its client wrote), then `editcap
--inject-secrets tls,<keylog>` so the capture decrypts without preferences.
"""
import os
import shutil
import subprocess
import sys
import tempfile
import time


def in_namespace(script, argv):
    """Re-execute script with argv + --in-namespace inside a new network namespace (needs root)."""
    if os.geteuid() != 0:
        sys.exit("run as root (network namespace, dumpcap on lo)")
    os.execvp("unshare", ["unshare", "-n", sys.executable, os.path.abspath(script)] + list(argv) + ["--in-namespace"])


def record(out, capture_filter, peers, links=(("ip", "link", "set", "lo", "up"),), prefix="rec-"):
    work = tempfile.mkdtemp(prefix=prefix)
    try:
        for cmd in links:
            subprocess.run(list(cmd), check=True)
        raw = os.path.join(work, "raw.pcapng")
        log = open(os.path.join(work, "dumpcap.log"), "w+")
        cap = subprocess.Popen(["dumpcap", "-q", "-i", "lo", "-f", capture_filter, "-w", raw], stderr=log)
        time.sleep(1.0)
        keylog = peers(work)
        time.sleep(0.5)
        cap.terminate()
        cap.wait()
        subprocess.run(["editcap", "--inject-secrets", "tls," + keylog, raw, out], check=True)
    finally:
        shutil.rmtree(work, True)
