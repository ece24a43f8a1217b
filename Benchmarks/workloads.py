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


def _nothing(scratch):
    return {}


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


def _classifier(scratch, rows, name):
    """Logits of an over-confident 10-class model and labels drawn from softer probabilities."""
    import numpy as np
    rng = np.random.default_rng(2)
    z = rng.normal(size=(rows, 10)) * 3
    soft = np.exp(z / 1.5 - (z / 1.5).max(axis=1, keepdims=True))
    soft /= soft.sum(axis=1, keepdims=True)
    u = rng.random(rows)[:, None]
    y = np.minimum((u > soft.cumsum(axis=1)).sum(axis=1), 9).astype(np.int64)
    p = np.exp(z - z.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    paths = {"z": scratch / f"{name}-z.npy", "p": scratch / f"{name}-p.npy", "y": scratch / f"{name}-y.npy"}
    np.save(paths["z"], z)
    np.save(paths["p"], p)
    np.save(paths["y"], y)
    return paths


_NUMPY_ECE = """
import numpy as np
def ece(p, y, bins=15):
    conf = p.max(axis=1)
    correct = (p.argmax(axis=1) == y).astype(float)
    b = np.minimum((conf * bins).astype(np.int64), bins - 1)
    n = np.bincount(b, minlength=bins)
    s_conf = np.bincount(b, weights=conf, minlength=bins)
    s_acc = np.bincount(b, weights=correct, minlength=bins)
    keep = n > 0
    return np.sum(np.abs(s_acc[keep] - s_conf[keep])) / len(y)
"""


def _ece(scratch):
    paths = _classifier(scratch, 2_000_000, "ece")
    script = scratch / "ece.py"
    script.write_text(_NUMPY_ECE + f"p = np.load({str(paths['p'])!r}); y = np.load({str(paths['y'])!r})\nprint(ece(p, y))\n")
    return {**paths, "script": script}


def _temperature(scratch):
    paths = _classifier(scratch, 500_000, "temp")
    script = scratch / "temperature.py"
    script.write_text(
        "import numpy as np\nfrom scipy.optimize import minimize_scalar\nfrom scipy.special import logsumexp\n"
        f"z = np.load({str(paths['z'])!r}); y = np.load({str(paths['y'])!r})\n"
        "zy = z[np.arange(len(y)), y]\n"
        "def nll(t):\n    return np.mean(logsumexp(z / t, axis=1) - zy / t)\n"
        "r = minimize_scalar(nll, bounds=(0.05, 20), method='bounded')\nprint(r.x)\n")
    return {**paths, "script": script}


def _bootstrap(scratch):
    paths = _classifier(scratch, 100_000, "boot")
    script = scratch / "bootstrap.py"
    script.write_text(
        _NUMPY_ECE + f"p = np.load({str(paths['p'])!r}); y = np.load({str(paths['y'])!r})\n"
        "rng = np.random.default_rng(1)\nreps = []\n"
        "for _ in range(1000):\n    i = rng.integers(0, len(y), len(y))\n    reps.append(ece(p[i], y[i]))\n"
        "print(ece(p, y), np.quantile(reps, [0.025, 0.975]))\n")
    return {**paths, "script": script}


def _ks(scratch):
    import numpy as np
    rng = np.random.default_rng(3)
    a, b = scratch / "ks-a.npy", scratch / "ks-b.npy"
    np.save(a, rng.normal(size=1_000_000))
    np.save(b, rng.normal(0.003, 1.0, size=1_000_000))
    script = scratch / "ks.py"
    script.write_text(
        "import numpy as np\nfrom scipy.stats import ks_2samp\n"
        f"r = ks_2samp(np.load({str(a)!r}), np.load({str(b)!r}))\nprint(r.statistic, r.pvalue)\n")
    return {"a": a, "b": b, "script": script}


def _mmd(scratch):
    """1500 + 1500 points in 16 dimensions, 200 permutations. The numpy side computes the
    kernel once and scores every permutation with one matrix product, as the issue asks."""
    import numpy as np
    rng = np.random.default_rng(4)
    x, y = scratch / "mmd-x.npy", scratch / "mmd-y.npy"
    np.save(x, rng.normal(size=(1500, 16)))
    np.save(y, rng.normal(0.05, 1.0, size=(1500, 16)))
    script = scratch / "mmd.py"
    script.write_text(
        "import numpy as np\n"
        f"X = np.load({str(x)!r}); Y = np.load({str(y)!r})\n"
        "Z = np.vstack([X, Y]); m, n = len(X), len(Y); N = m + n\n"
        "sq = (Z * Z).sum(1)\n"
        "D2 = np.maximum(sq[:, None] + sq[None, :] - 2 * Z @ Z.T, 0)\n"
        "iu = np.triu_indices(N, 1)\n"
        "sigma = np.median(np.sqrt(D2[iu]))\n"
        "K = np.exp(-D2 / (2 * sigma * sigma)); np.fill_diagonal(K, 0)\n"
        "rng = np.random.default_rng(1)\n"
        "P = 200\n"
        "A = np.zeros((N, P + 1)); A[:m, 0] = 1\n"
        "for j in range(P): A[rng.permutation(N)[:m], j + 1] = 1\n"
        "KA = K @ A\n"
        "R = K.sum(1); T = R.sum(); rx = R @ A\n"
        "sxx = (A * KA).sum(0); sxy = rx - sxx; syy = T - 2 * rx + sxx\n"
        "stat = sxx / (m * (m - 1)) + syy / (n * (n - 1)) - 2 * sxy / (m * n)\n"
        "print(stat[0], (1 + (stat[1:] >= stat[0]).sum()) / (P + 1))\n")
    return {"x": x, "y": y, "script": script}


def _backtest(scratch):
    """200 repetitions, m = 1000, n = 100 000, on the bundled 200 000-query pool; numpy as the
    straightforward loop: a permutation, a partition for the top k, polyfit."""
    import pathlib
    pool = pathlib.Path(__file__).resolve().parent.parent / "Datasets" / "elicitation" / "clean.npy"
    script = scratch / "backtest.py"
    script.write_text(
        "import numpy as np\n"
        f"p = np.load({str(pool)!r}); s = -np.log(-np.log(p))\n"
        "rng = np.random.default_rng(1); m, n, k = 1000, 100000, 10\n"
        "y = np.log(np.arange(1, k + 1) / m); errors = []\n"
        "for _ in range(200):\n"
        "    perm = rng.permutation(len(p)); e = s[perm[:m]]; d = p[perm[m:m + n]]\n"
        "    top = np.sort(np.partition(e, m - k)[m - k:])[::-1]\n"
        "    a, b = np.polyfit(top, y, 1)\n"
        "    f = np.exp(-np.exp((np.log(n) + b) / a))\n"
        "    errors.append(np.log10(f) - np.log10(d.max()))\n"
        "errors = np.array(errors); print(np.mean(np.abs(errors)), np.mean(errors < 0))\n")
    return {"pool": pool, "script": script}


def _gev(scratch):
    """GEV maximum likelihood on 10 000 block maxima."""
    import numpy as np
    from scipy.stats import genextreme
    x = genextreme.rvs(-0.1, loc=10, scale=2, size=10_000, random_state=np.random.default_rng(5))
    path = scratch / "maxima.npy"
    np.save(path, x)
    script = scratch / "gev.py"
    script.write_text(
        "import numpy as np\nfrom scipy.stats import genextreme\n"
        f"x = np.load({str(path)!r})\nc, loc, scale = genextreme.fit(x)\nprint(loc, scale, -c)\n")
    return {"x": path, "script": script}


def _finetune(scratch, steps=50, name="finetune.py"):
    """Fine-tuning steps of a softmax regression on 20 000 queries × 64 features, 10 classes,
    R = 32 partitions (m = 1000, n = 10 000, k = 10): Fathom's finetune against the same full-
    batch step written in numpy (forward, cross-entropy gradient, the forecastability loss and
    its gradient through the top-k fit, backward, Adam)."""
    import json
    import numpy as np
    rng = np.random.default_rng(3)
    n, d, k = 20_000, 64, 10
    w = rng.normal(size=(k, d)) * 0.3
    x = rng.normal(size=(n, d))
    y = np.argmax(x @ w.T + rng.gumbel(size=(n, k)), axis=1).astype(float)
    np.save(scratch / "ft_x.npy", x)
    np.save(scratch / "ft_y.npy", y)
    model = {"format": "fathom-model", "version": 1, "kind": "softmax-regression",
             "classes": list(range(k)), "layers": [{"weights": w.tolist(), "bias": [0.0] * k, "activation": "identity"}], "output": "softmax"}
    (scratch / "ft_model.json").write_text(json.dumps(model))
    script = scratch / name
    script.write_text(
        "import numpy as np\n"
        f"x = np.load({str(scratch / 'ft_x.npy')!r}); y = np.load({str(scratch / 'ft_y.npy')!r}).astype(int)\n"
        "N, d = x.shape; K = 10; W = np.zeros((K, d)); b = np.zeros(K)\n"
        "import json\n"
        f"W = np.array(json.load(open({str(scratch / 'ft_model.json')!r}))['layers'][0]['weights'])\n"
        "m, n, k, R, lam, lr = 1000, 10000, 10, 32, 1.0, 0.01\n"
        "yj = np.log(np.arange(1, k + 1) / m); rng = np.random.default_rng(1)\n"
        "mW = np.zeros_like(W); vW = np.zeros_like(W); mb = np.zeros(K); vb = np.zeros(K)\n"
        "rows = np.arange(N)\n"
        "for step in range(1, STEPS + 1):\n"
        "    z = x @ W.T + b; z -= z.max(1, keepdims=True); e = np.exp(z); q = e / e.sum(1, keepdims=True)\n"
        "    delta = q.copy(); delta[rows, y] -= 1; delta /= N\n"
        "    eo = e.copy(); eo[rows, y] = 0; l = np.log(eo.sum(1)) - np.log(e.sum(1))\n"
        "    r = eo / eo.sum(1, keepdims=True)\n"
        "    gl = np.zeros(N); used = 0; loss = 0.0; terms = []\n"
        "    for _ in range(R):\n"
        "        perm = rng.permutation(N); E = perm[:m]; D = perm[m:m + n]\n"
        "        top = E[np.argsort(-l[E])[:k]]; s = -np.log(-l[top])\n"
        "        mx, my = s.mean(), yj.mean(); sxx = ((s - mx) ** 2).sum(); a = ((s - mx) * (yj - my)).sum() / sxx; bb = my - a * mx\n"
        "        if a >= 0: continue\n"
        "        Q = -(np.log(n) + bb) / a; F = -np.exp(-Q) / np.log(10); j = D[np.argmax(l[D])]; T = l[j] / np.log(10)\n"
        "        da = ((yj - my) - 2 * a * (s - mx)) / sxx; db = -mx * da - a / k\n"
        "        dF = np.exp(-Q) / np.log(10) * ((np.log(n) + bb) / a ** 2 * da - db / a) * (-1 / l[top])\n"
        "        terms.append((F - T, top, dF, j)); used += 1\n"
        "    for (err, top, dF, j) in terms:\n"
        "        np.add.at(gl, top, 2 * err / used * dF); gl[j] -= 2 * err / used / np.log(10)\n"
        "    gz = gl[:, None] * (r - q); delta += lam * gz\n"
        "    gW = delta.T @ x; gb = delta.sum(0)\n"
        "    for (p, g, mm, vv) in ((W, gW, mW, vW), (b, gb, mb, vb)):\n"
        "        mm *= 0.9; mm += 0.1 * g; vv *= 0.999; vv += 0.001 * g * g\n"
        "        p -= lr * (mm / (1 - 0.9 ** step)) / (np.sqrt(vv / (1 - 0.999 ** step)) + 1e-8)\n"
        "print(W[0, 0])\n".replace("STEPS", str(steps)))
    return {"x": scratch / "ft_x.npy", "y": scratch / "ft_y.npy", "model": scratch / "ft_model.json", "script": script}


def _lesson_training(scratch):
    """The training lesson's whole experiment (Lessons/08-training.fathom: a fit, four fine-
    tunings of 200 steps on 10 009 queries, ten held-out forecastability losses of 200
    partitions); for scale, the numpy fine-tuning step of the workload above run 800 times."""
    import pathlib
    inputs = _finetune(scratch, steps=800, name="finetune800.py")
    inputs["lesson"] = pathlib.Path(__file__).resolve().parents[1] / "Lessons" / "08-training.fathom"
    return inputs


def _slices(scratch):
    """1M rows, 10 categorical columns (3 to 8 levels), 0/1 failures raised on a two-way slice."""
    import numpy as np
    import pandas as pd
    rng = np.random.default_rng(17)
    n = 1_000_000
    levels = [3, 4, 5, 6, 7, 8, 3, 4, 5, 6]
    cols = {f"c{j}": rng.integers(0, l, size=n) for j, l in enumerate(levels)}
    planted = (cols["c1"] == 2) & (cols["c4"] == 5)
    err = (rng.random(n) < np.where(planted, 0.3, 0.05)).astype(int)
    path = scratch / "slices.csv"
    pd.DataFrame({**cols, "err": err}).to_csv(path, index=False)
    script = scratch / "slices.py"
    script.write_text(
        "import logging\nimport pandas as pd\nfrom sliceline.slicefinder import Slicefinder\n"
        "logging.disable(logging.CRITICAL)\n"
        f"d = pd.read_csv({str(path)!r})\n"
        "X = d[[f'c{j}' for j in range(10)]].to_numpy()\n"
        "sf = Slicefinder(alpha=0.95, k=10, max_l=2, min_sup=10000, verbose=False).fit(X, d['err'].to_numpy())\n"
        "print(sf.top_slices_[0])\n")
    return {"path": path, "script": script}


def _cbpe(scratch):
    """An over-confident binary model: 200 000 reference rows with labels, 1 000 000 target rows."""
    import numpy as np
    import pandas as pd
    rng = np.random.default_rng(23)
    def frame(n, a):
        p = np.round(rng.beta(a, a, size=n), 6)
        truth = 1 / (1 + np.exp(-np.log(np.clip(p, 1e-6, 1 - 1e-6) / np.clip(1 - p, 1e-6, 1)) / 2))
        y = (rng.random(n) < truth).astype(int)
        return pd.DataFrame({"p": p, "y_pred": (p >= 0.5).astype(int), "y": y})
    ref, ana = scratch / "cbpe-ref.csv", scratch / "cbpe-target.csv"
    frame(200_000, 0.7).to_csv(ref, index=False)
    frame(1_000_000, 1.5).to_csv(ana, index=False)
    script = scratch / "cbpe.py"
    script.write_text(
        "import logging, warnings\nimport pandas as pd\nimport nannyml as nml\n"
        "logging.disable(logging.CRITICAL); warnings.filterwarnings('ignore')\n"
        f"ref = pd.read_csv({str(ref)!r}); ana = pd.read_csv({str(ana)!r})\n"
        "e = nml.CBPE(problem_type='classification_binary', y_pred_proba='p', y_pred='y_pred', y_true='y', metrics=['accuracy'], chunk_size=100_000)\n"
        "r = e.fit(ref).estimate(ana.drop(columns=['y'])).to_df()\n"
        "print(r[('accuracy', 'value')].iloc[-1])\n")
    return {"ref": ref, "target": ana, "script": script}


def _parquet(scratch):
    """10M rows x 12 columns (2 integer, 10 float64) in Parquet, written by DuckDB itself."""
    import os
    import subprocess
    path = scratch / "big.parquet"
    floats = ", ".join(f"random() as p{k}" for k in range(10))
    subprocess.run([os.environ["FATHOM_DUCKDB"], "-no-init", "-batch", ":memory:", "-c",
                    f"select setseed(0.5); copy (select range::bigint as id, (range % 10)::bigint as label, {floats} "
                    f"from range(10000000)) to '{path}'"], check=True, capture_output=True)
    script = scratch / "read_parquet.py"
    script.write_text(f"import pandas\nd = pandas.read_parquet({str(path)!r})\nassert d.shape == (10_000_000, 12)\n")
    return {"path": path, "script": script}


def _ece_parquet(scratch):
    """100M rows of (p, y) in Parquet (826 MB), written by DuckDB itself: p uniform on [0, 1],
    y drawn as Bernoulli(p). The Python side reads the two columns with pyarrow and bins them
    with numpy, as Fathom's ece does."""
    import os
    import subprocess
    path = scratch / "ece100m.parquet"
    subprocess.run([os.environ["FATHOM_DUCKDB"], "-no-init", "-batch", ":memory:", "-c",
                    "select setseed(0.5); copy (select p, (random() < p)::bigint as y "
                    f"from (select random() as p from range(100000000))) to '{path}'"], check=True, capture_output=True)
    script = scratch / "ece_numpy.py"
    script.write_text(
        "import sys, numpy as np, pyarrow.parquet as pq\n"
        "t = pq.read_table(sys.argv[1], columns=['p', 'y'])\n"
        "q = t.column('p').to_numpy(); y = t.column('y').to_numpy()\n"
        "conf = np.maximum(1 - q, q); correct = ((q > 1 - q).astype(np.int64) == y).astype(np.float64)\n"
        "b = np.minimum(np.floor(conf * 15), 14).astype(np.int64)\n"
        "n = np.bincount(b, minlength=15); c = np.bincount(b, conf, 15); a = np.bincount(b, correct, 15)\n"
        "m = n > 0\n"
        "print(float(np.sum(n[m] / n.sum() * np.abs(a[m] / n[m] - c[m] / n[m]))))\n")
    return {"path": path, "script": script}


ALL = [
    Workload(
        name="startup: -e '1 + 1'",
        target="under 30 ms wall (python -c for scale)",
        setup=_nothing,
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
        name="load 10M x 12 Parquet",
        target="report the ratio to pandas.read_parquet (pyarrow)",
        setup=_parquet,
        fathom=lambda b, i: ([b, "-e", f"d = load({str(i['path'])!r}); nrow(d)"], None),
        python=lambda py, i: ([py, str(i["script"])], None),
    ),
    Workload(
        name="ece over 100M-row Parquet in SQL",
        target="report time and memory against pyarrow + numpy (DuckDB's own peak: see the README)",
        setup=_ece_parquet,
        fathom=lambda b, i: ([b, "-e", f"s = sql_source(file={str(i['path'])!r}); ece(s.p, s.y)"], None),
        python=lambda py, i: ([py, str(i["script"]), str(i["path"])], None),
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
    Workload(
        name="ece on a 2M x 10 .npy",
        target="at least 2x faster than a vectorised numpy script, whole process",
        setup=_ece,
        fathom=lambda b, i: ([b, "-e", f"p = load({str(i['p'])!r}); y = load({str(i['y'])!r}); ece(p, y)"], None),
        python=lambda py, i: ([py, str(i["script"])], None),
    ),
    Workload(
        name="temperature on 500k x 10 logits",
        target="at least 3x faster than scipy's bounded scalar minimisation of the numpy NLL",
        setup=_temperature,
        fathom=lambda b, i: ([b, "-e", f"z = load({str(i['z'])!r}); y = load({str(i['y'])!r}); temperature(z, y).temperature"], None),
        python=lambda py, i: ([py, str(i["script"])], None),
    ),
    Workload(
        name="ece ci=0.95, 1000 bootstrap replicates, 100k rows",
        target="under 1 s wall (numpy bootstrap loop for scale)",
        setup=_bootstrap,
        fathom=lambda b, i: ([b, "-e", f"p = load({str(i['p'])!r}); y = load({str(i['y'])!r}); ece(p, y, ci=0.95, seed=1)"], None),
        python=lambda py, i: ([py, str(i["script"])], None),
    ),
    Workload(
        name="ks on 1M vs 1M from .npy",
        target="at least as fast as scipy.stats.ks_2samp, whole process",
        setup=_ks,
        fathom=lambda b, i: ([b, "-e", f"ks(load({str(i['a'])!r}), load({str(i['b'])!r})).pvalue"], None),
        python=lambda py, i: ([py, str(i["script"])], None),
    ),
    Workload(
        name="mmd 1500+1500 x 16, 200 perms",
        target="at least as fast as numpy with the kernel once and one matrix product for all permutations",
        setup=_mmd,
        fathom=lambda b, i: ([b, "-e", f"mmd(load({str(i['x'])!r}), load({str(i['y'])!r}), perms=200, seed=1).pvalue"], None),
        python=lambda py, i: ([py, str(i["script"])], None),
    ),
    Workload(
        name="backtest 200 reps, m=1000, n=100000",
        target="at least 3x faster than a numpy loop (permutation, partition, polyfit)",
        setup=_backtest,
        fathom=lambda b, i: ([b, "-e", f"backtest(load({str(i['pool'])!r}), m=1000, n=100000, reps=200, seed=1).mean_abs_log10_error"], None),
        python=lambda py, i: ([py, str(i["script"])], None),
    ),
    Workload(
        name="finetune 50 steps, softmax regression, 20000 queries, R=32",
        target="under 50 ms a step (2.5 s for 50); the numpy step alongside",
        setup=_finetune,
        fathom=lambda b, i: ([b, "-e", f"m = finetune(load({str(i['model'])!r}), load({str(i['x'])!r}), load({str(i['y'])!r}), forecastability=1, steps=50, lr=0.01, m=1000, n=10000, partitions=32, seed=1); m.training.finetune.steps"], None),
        python=lambda py, i: ([py, str(i["script"])], None),
    ),
    Workload(
        name="lesson 08 (training): the whole experiment",
        target="under 60 s on 2 cores (numpy: 800 fine-tuning steps on 20000 queries, for scale)",
        setup=_lesson_training,
        fathom=lambda b, i: ([b, "run", str(i["lesson"])], None),
        python=lambda py, i: ([py, str(i["script"])], None),
    ),
    Workload(
        name="slices 1M rows x 10 columns, max_level 2",
        target="at least as fast as sliceline 0.3.0 (numpy/scipy sparse), CSV load included on both sides",
        setup=_slices,
        fathom=lambda b, i: ([b, "-e", f"d = load({str(i['path'])!r}); s = slices(d[[\"c0\", \"c1\", \"c2\", \"c3\", \"c4\", \"c5\", \"c6\", \"c7\", \"c8\", \"c9\"]], d.err, k=10, weight=0.95, min_support=10000, bins=10); s.top"], None),
        python=lambda py, i: ([py, str(i["script"])], None),
    ),
    Workload(
        name="estimate_performance 200k reference, 1M target rows, 10 chunks",
        target="at least as fast as NannyML 0.13.1's CBPE, CSV load included on both sides",
        setup=_cbpe,
        fathom=lambda b, i: ([b, "-e", f"r = load({str(i['ref'])!r}); t = load({str(i['target'])!r}); e = estimate_performance(r.p, r.y, t.p, chunks=10); e.table.estimate[9]"], None),
        python=lambda py, i: ([py, str(i["script"])], None),
    ),
    Workload(
        name="gev_fit on 10000 block maxima",
        target="at least 10x faster than scipy.stats.genextreme.fit",
        setup=_gev,
        fathom=lambda b, i: ([b, "-e", f"gev_fit(load({str(i['x'])!r})).xi"], None),
        python=lambda py, i: ([py, str(i["script"])], None),
    ),
]
