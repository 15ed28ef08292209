#!/usr/bin/env python3
"""Run a command under a CPU-time limit and a resident-memory limit; report its peak RSS.

RLIMIT_AS cannot be used with a preloaded ASan runtime (its shadow memory
reserves terabytes of address space), so memory is bounded by watching the
process's RSS and killing it past the limit.  The peak comes from wait4()'s
rusage of that very child (setpriv execs tshark in the same process).
"""
import os
import resource
import signal
import subprocess
import threading
import time


class Result:
    def __init__(self, returncode, stdout, stderr, peak_rss_kb, limit_hit):
        self.returncode = returncode
        self.stdout = stdout
        self.stderr = stderr
        self.peak_rss_kb = peak_rss_kb
        self.limit_hit = limit_hit      # None, "cpu", "memory" or "wall"


def _rss_kb(pid):
    try:
        with open("/proc/%d/statm" % pid) as f:
            return int(f.read().split()[1]) * (os.sysconf("SC_PAGE_SIZE") // 1024)
    except (OSError, ValueError, IndexError):
        return 0


def run(cmd, env, cpu_seconds=120, mem_mb=2048, wall_seconds=None):
    def limits():
        resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 5))

    p = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, preexec_fn=limits)
    hit = []
    done = threading.Event()

    def watch():
        deadline = time.time() + (wall_seconds or 4 * cpu_seconds)
        while not done.wait(0.1):
            if _rss_kb(p.pid) > mem_mb * 1024:
                hit.append("memory")
            elif time.time() > deadline:
                hit.append("wall")
            else:
                continue
            p.kill()
            return

    out, err = [], []
    readers = [threading.Thread(target=lambda s=s, b=b: b.append(s.read())) for s, b in
               ((p.stdout, out), (p.stderr, err))]
    for t in readers:
        t.start()
    watcher = threading.Thread(target=watch)
    watcher.start()
    _, status, usage = os.wait4(p.pid, 0)
    p.returncode = os.waitstatus_to_exitcode(status)
    done.set()
    watcher.join()
    for t in readers:
        t.join()
    p.stdout.close()
    p.stderr.close()
    if not hit and os.WIFSIGNALED(status) and os.WTERMSIG(status) in (signal.SIGXCPU, signal.SIGKILL):
        hit.append("cpu")
    return Result(p.returncode, out[0], err[0], usage.ru_maxrss, hit[0] if hit else None)
