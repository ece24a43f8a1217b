#!/usr/bin/env python3
"""Fathom's benchmark harness: each workload runs as a whole process in Fathom and in the
Python stack a user would pick instead, side by side, interleaved, several times; the
median wall time of each and their ratio are printed.

    python3 Benchmarks/bench.py [--repeat N] [--only NAME ...] [--fathom PATH]

Scripts/bench sets up the Python environment, builds Fathom in release mode and runs this.
Workloads live in Benchmarks/workloads.py; inputs are generated into a scratch folder,
outside the timed region.
"""
import argparse
import concurrent.futures
import multiprocessing
import os
import pathlib
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import workloads  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parent.parent


def timed(cmd, stdin_path=None, cwd=None):
    """Wall seconds and peak resident memory (MiB) of one run of cmd; raises if it fails."""
    stdin = open(stdin_path, "rb") if stdin_path else subprocess.DEVNULL
    try:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdin=stdin, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=cwd)
        err = proc.stderr.read()
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
    finally:
        if stdin_path:
            stdin.close()
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, cmd))} exited {proc.returncode}: {err.decode()[-500:]}")
    return elapsed, usage.ru_maxrss / 1024


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--only", nargs="*")
    ap.add_argument("--fathom", default=str(ROOT / ".build" / "release" / "fathom"))
    args = ap.parse_args()
    if not os.access(args.fathom, os.X_OK):
        sys.exit(f"no Fathom binary at {args.fathom}; run Scripts/bench, which builds it")

    chosen = [w for w in workloads.ALL if not args.only or w.name in args.only]
    print(f"{'workload':34} {'fathom s':>9} {'python s':>9} {'ratio':>7} {'fathom MiB':>11} {'python MiB':>11}  target")
    # Inputs are made in a separate process: on Linux a child's peak memory counts the peak of
    # the process it was spawned from, so the harness itself must stay small.
    spawn = multiprocessing.get_context("spawn")
    with tempfile.TemporaryDirectory(prefix="fathom-bench-") as scratch, \
            concurrent.futures.ProcessPoolExecutor(max_workers=1, mp_context=spawn, max_tasks_per_child=1) as pool:
        scratch = pathlib.Path(scratch)
        for w in chosen:
            inputs = pool.submit(w.setup, scratch).result()
            fathom_cmd, fathom_stdin = w.fathom(args.fathom, inputs)
            python_cmd, python_stdin = w.python(sys.executable, inputs)
            # One untimed warm-up each (page cache, dynamic linking), then interleaved runs.
            timed(fathom_cmd, fathom_stdin, scratch)
            timed(python_cmd, python_stdin, scratch)
            f_runs, p_runs = [], []
            for _ in range(args.repeat):
                f_runs.append(timed(fathom_cmd, fathom_stdin, scratch))
                p_runs.append(timed(python_cmd, python_stdin, scratch))
            f = statistics.median(t for t, _ in f_runs)
            p = statistics.median(t for t, _ in p_runs)
            fm = max(m for _, m in f_runs)
            pm = max(m for _, m in p_runs)
            print(f"{w.name:34} {f:9.4f} {p:9.4f} {p / f:6.2f}x {fm:11.1f} {pm:11.1f}  {w.target}", flush=True)
    print("ratio = python time / fathom time (above 1: Fathom is faster); MiB = peak resident memory")


if __name__ == "__main__":
    main()
