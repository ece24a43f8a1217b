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
]
