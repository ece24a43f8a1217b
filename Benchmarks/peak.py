#!/usr/bin/env python3
"""Wall time and peak resident memory of a command and of every process it starts.

    python3 Benchmarks/peak.py CMD ARGS...

Polls /proc every 50 ms for the process tree and reads each process's VmHWM (its own peak
resident memory, kept by the kernel), so a child such as Fathom's DuckDB is measured too,
which the harness's wait4 (the command's own peak) does not see.
"""
import os
import subprocess
import sys
import time


def children(pid):
    found = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as f:
                found += [int(x) for x in f.read().split()]
    except OSError:
        pass
    return found


def peak(pid):
    """(name, peak MiB) of a live process, or None."""
    try:
        with open(f"/proc/{pid}/status") as f:
            fields = dict(line.split(":", 1) for line in f if ":" in line)
        return fields["Name"].strip(), int(fields.get("VmHWM", "0 kB").split()[0]) / 1024
    except (OSError, KeyError, ValueError):
        return None


def main():
    start = time.perf_counter()
    proc = subprocess.Popen(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    peaks = {}
    while proc.poll() is None:
        todo, tree = [proc.pid], []
        while todo:
            pid = todo.pop()
            tree.append(pid)
            todo += children(pid)
        for pid in tree:
            seen = peak(pid)
            if seen:
                peaks[pid] = (seen[0], max(seen[1], peaks.get(pid, ("", 0))[1]))
        time.sleep(0.05)
    wall = time.perf_counter() - start
    print(proc.stdout.read().decode().strip())
    print(f"wall {wall:.2f} s, exit {proc.returncode}")
    for pid, (name, mib) in peaks.items():
        print(f"  pid {pid} {name}: peak {mib:.0f} MiB")


if __name__ == "__main__":
    main()
