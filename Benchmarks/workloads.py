"""Benchmark workloads: what each side runs, on inputs made outside the timed region."""
import dataclasses
import random
from typing import Callable


@dataclasses.dataclass
class Workload:
    name: str
    target: str
    setup: Callable  # scratch folder -> inputs (dict)
    fathom: Callable  # (binary, inputs) -> (argv, stdin path or None)
    python: Callable  # (python, inputs) -> (argv, stdin path or None)


def _arith_lines(scratch):
    rng = random.Random(1)
    lines = ["x = 0.5"]
    for _ in range(99_999):
        lines.append(f"{rng.randint(1, 999)} {rng.choice('+-*/')} {rng.randint(1, 999)} * ({rng.random():.4f} - x)")
    path = scratch / "arith.txt"
    path.write_text("\n".join(lines) + "\n")
    script = scratch / "arith.py"
    script.write_text(
        "import sys\nenv = {}\nfor line in sys.stdin:\n"
        "    line = line.strip()\n"
        "    if '=' in line:\n        exec(line, env)\n"
        "    elif line:\n        print(eval(line, env))\n")
    return {"lines": path, "script": script}


def _csv(scratch):
    import numpy as np
    rng = np.random.default_rng(0)
    data = rng.normal(size=(1_000_000, 8))
    path = scratch / "big.csv"
    # Full precision, as pandas' to_csv writes it.
    np.savetxt(path, data, delimiter=",", fmt="%.17g", header=",".join(f"x{i}" for i in range(8)), comments="")
    script = scratch / "read_csv.py"
    script.write_text(f"import pandas\nd = pandas.read_csv({str(path)!r})\nassert d.shape == (1_000_000, 8)\n")
    return {"path": path, "script": script}


def _npy(scratch):
    import numpy as np
    rng = np.random.default_rng(1)
    path = scratch / "big.npy"
    np.save(path, rng.normal(size=(2_000_000, 10)))
    script = scratch / "read_bytes.py"
    script.write_text(f"with open({str(path)!r}, 'rb') as f:\n    data = f.read()\nassert len(data) > 160_000_000\n")
    return {"path": path, "script": script}


def _plots(scratch):
    """Twenty 10 000-point PNGs: Fathom in one session, against one gnuplot process per plot."""
    lines = [f"x = randn(10000, seed={k}); y = randn(10000, seed={k + 100}); save(scatter(x, y, title=\"plot {k}\"), \"{scratch}/f{k}.png\")" for k in range(20)]
    script = scratch / "plots.fathom"
    script.write_text("\n".join(lines) + "\n")
    import numpy as np
    driver = scratch / "per_plot.py"
    data = scratch / "points.txt"
    rng = np.random.default_rng(0)
    np.savetxt(data, rng.normal(size=(10000, 2)))
    driver.write_text(
        "import subprocess\n"
        f"for k in range(20):\n"
        f"    cmd = \"set terminal pngcairo size 800,500; set output '{scratch}/g%d.png'; plot '{data}' using 1:2 with points pt 7 ps 0.5 title 'plot %d'\" % (k, k)\n"
        "    subprocess.run(['gnuplot', '-e', cmd], check=True)\n")
    return {"script": script, "driver": driver}


ALL = [
    Workload(
        name="startup: -e '1 + 1'",
        target="under 30 ms wall (python -c for scale)",
        setup=lambda scratch: {},
        fathom=lambda b, i: ([b, "-e", "1 + 1"], None),
        python=lambda py, i: ([py, "-c", "print(1 + 1)"], None),
    ),
    Workload(
        name="batch: 100k arithmetic lines",
        target="under 1 s wall (python eval loop for scale)",
        setup=_arith_lines,
        fathom=lambda b, i: ([b], str(i["lines"])),
        python=lambda py, i: ([py, str(i["script"])], str(i["lines"])),
    ),
    Workload(
        name="load 1M x 8 CSV",
        target="at least as fast as pandas.read_csv; peak <= 2 x 61 MiB",
        setup=_csv,
        fathom=lambda b, i: ([b, "-e", f"d = load({str(i['path'])!r}); nrow(d)"], None),
        python=lambda py, i: ([py, str(i["script"])], None),
    ),
    Workload(
        name="load 2M x 10 float64 .npy",
        target="within 2x of reading the file's bytes (python)",
        setup=_npy,
        fathom=lambda b, i: ([b, "-e", f"m = load({str(i['path'])!r}); nrow(m)"], None),
        python=lambda py, i: ([py, str(i["script"])], None),
    ),
    Workload(
        name="20 PNG plots of 10k points",
        target="under 1.5 s in one session (python: a gnuplot process per plot)",
        setup=_plots,
        fathom=lambda b, i: ([b, "run", str(i["script"])], None),
        python=lambda py, i: ([py, str(i["driver"])], None),
    ),
]
