#!/usr/bin/env python3
"""Reference values for Fathom's distribution-shift tests (two-sample tests, drift scores, kernel
two-sample statistics, label-shift estimation, multiple testing), written as JSON (+ .npy for
large samples) to Tests/FathomCoreTests/Fixtures/shift/ so that the Swift tests need no Python.

Files written (all documented in Tests/FathomCoreTests/Fixtures/shift/README.md):
    ks.json          A: two-sample Kolmogorov-Smirnov, kstwo.sf grid by _kolmogn branch, smirnov grid
    cvm.json         B: two-sample Cramer-von Mises, kv(0.25, q), _cdf_cvm_inf(x)
    ad.json          C: k-sample Anderson-Darling
    chisq.json       D: chi-square test of homogeneity, Cramer's V, gammaincc grid
    psi.json         E: population stability index
    mmd.json         F: unbiased MMD^2 (Gaussian kernel, median heuristic), energy distance,
                        exact permutation p-values
    c2st.json        G: one-sided binomial p-values
    labelshift.json  H: BBSE (hard/soft), MLLS/EM, BCTS + EM on the bundled digits logits, and
                        a penguins island case
    multiple.json    I: Benjamini-Hochberg and Bonferroni
    *.npy            samples with more than 2000 values (float64, C order, little-endian)

Every reference value is {"value": ..., "source": "<exact call>"}; "numpy re-implementation"
marks quantities no library computes as defined.

Run from the repository root (the venv already exists for the reliability fixtures):
    .venv-reliability/bin/python Scripts/make-fixtures-shift.py
Deterministic: fixed seeds, single-threaded BLAS; running it twice gives identical bytes.
"""
import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
             "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS", "BLIS_NUM_THREADS"):
    os.environ[_var] = "1"

import csv  # noqa: E402
import importlib.metadata as _md  # noqa: E402
import itertools  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import pathlib  # noqa: E402
import platform  # noqa: E402
import warnings  # noqa: E402

import numpy as np  # noqa: E402
import scipy.special  # noqa: E402
from scipy import optimize, stats  # noqa: E402
from scipy.stats import _hypotests, _morestats  # noqa: E402
from scipy.stats._stats_py import _compute_prob_outside_square  # noqa: E402

from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "Tests" / "FathomCoreTests" / "Fixtures" / "shift"
DATA = ROOT / "Datasets"
GENERATOR = "Scripts/make-fixtures-shift.py"
INLINE_MAX = 2000  # a sample with more values than this goes to an .npy file


def versions():
    v = {n: _md.version(n) for n in ["numpy", "scipy", "scikit-learn"]}
    v["python"] = platform.python_version()
    return v


VERSIONS = versions()
NULLS = []  # (file, path) of every NaN written as null


# ----------------------------------------------------------------------------------------------
# helpers


def py(x, where="?"):
    """numpy -> plain Python for json; NaN/inf -> None (recorded in NULLS)."""
    if isinstance(x, dict):
        return {str(k): py(v, f"{where}.{k}") for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [py(v, f"{where}[{i}]") for i, v in enumerate(x)]
    if isinstance(x, np.ndarray):
        return py(x.tolist(), where)
    if isinstance(x, (bool, np.bool_)):
        return bool(x)
    if isinstance(x, (int, np.integer)):
        return int(x)
    if isinstance(x, (float, np.floating)):
        f = float(x)
        if not math.isfinite(f):
            NULLS.append((where, repr(f)))
            return None
        return f
    return x


def val(value, source, **extra):
    d = {"value": value, "source": source}
    d.update(extra)
    return d


def call(fn, *a, **k):
    """(result, [warning messages]) with every warning recorded."""
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        r = fn(*a, **k)
    msgs = [f"{x.category.__name__}: {x.message}" for x in w]
    return r, msgs


def header(what):
    return {"generator": GENERATOR, "versions": VERSIONS, "what": what}


def write_json(name, obj):
    text = json.dumps(py(obj, name), indent=1, allow_nan=False, ensure_ascii=False) + "\n"
    (OUT / name).write_text(text, encoding="utf-8")
    return len(text.encode("utf-8"))


def save_npy(name, arr):
    arr = np.ascontiguousarray(np.asarray(arr, dtype="<f8"))
    np.save(OUT / name, arr, allow_pickle=False)
    return name


def sample(arr, npy_name=None):
    """A sample as {"n", "values"} inline, or {"n", "npy"} (file in this folder)."""
    arr = np.asarray(arr, dtype=np.float64)
    d = {"n": int(arr.shape[0])}
    if arr.ndim > 1:
        d["shape"] = list(arr.shape)
    if npy_name is not None:
        d["npy"] = save_npy(npy_name, arr)
    else:
        d["values"] = arr.tolist()
    return d


def softmax_rows(z):
    """Stable softmax: z - rowmax, exp, divide by the row sum."""
    z = np.asarray(z, dtype=np.float64)
    m = z.max(axis=1, keepdims=True)
    e = np.exp(z - m)
    return e / e.sum(axis=1, keepdims=True)


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]


def load_logits(fname):
    hdr, rows = read_csv(DATA / "digits" / fname)
    assert hdr == [f"logit_{k}" for k in range(10)] + ["label"], hdr
    z = np.array([[float(v) for v in r[:10]] for r in rows], dtype=np.float64)
    y = np.array([int(r[10]) for r in rows], dtype=np.int64)
    return z, y


def load_pixels(fname, nrows):
    hdr, rows = read_csv(DATA / "digits" / fname)
    assert hdr == [f"pixel_{k}" for k in range(64)] + ["label"], hdr
    return np.array([[float(v) for v in r[:64]] for r in rows[:nrows]], dtype=np.float64)


# ----------------------------------------------------------------------------------------------
# A. Kolmogorov-Smirnov


def kolmogn_branch(n, x):
    """Which branch of scipy.stats._ksstats._kolmogn(n, x, cdf=False) (the kstwo.sf path) is
    taken; mirrors the code of scipy 1.17.1 line by line."""
    if x >= 1.0:
        return "x>=1: sf=0"
    if x <= 0.0:
        return "x<=0: sf=1"
    t = n * x
    if t <= 1.0:
        if t <= 0.5:
            return "t=n*x<=0.5: sf=1"
        if n <= 140:
            return "t<=1, n<=140: Ruben-Gambino product prod((1..n)/n*(2t-1))"
        return "t<=1, n>140: Ruben-Gambino via Stirling log(n!/n^n)"
    if t >= n - 1:
        return "t>=n-1: Ruben-Gambino sf=2*(1-x)**n"
    if x >= 0.5:
        return "x>=0.5: sf=2*smirnov(n,x)"
    nxsquared = t * x
    if n <= 140:
        if nxsquared <= 0.754693:
            return "n<=140, n*x^2<=0.754693: Durbin matrix (MTW), sf=1-cdf"
        if nxsquared <= 4:
            return "n<=140, n*x^2<=4: Pomeranz, sf=1-cdf"
        return "n<=140, n*x^2>4: sf=2*smirnov(n,x) (Miller)"
    if nxsquared >= 370.0:
        return "n>140, n*x^2>=370: sf=0"
    if nxsquared >= 2.2:
        return "n>140, n*x^2>=2.2: sf=2*smirnov(n,x)"
    if n <= 100000 and n * x ** 1.5 <= 1.4:
        return "n>140, n<=100000, n*x^1.5<=1.4: Durbin matrix (MTW), sf=1-cdf"
    return "n>140: Pelz-Good, sf=1-cdf"


def ks_raw(a, b):
    """numpy re-implementation of ks_2samp's statistic before any rounding: ECDFs on the pooled
    sample via searchsorted(side='right')/n, D = max(max diff, max(-diff) clipped at 0)."""
    a = np.sort(a)
    b = np.sort(b)
    allv = np.concatenate([a, b])
    d = np.searchsorted(a, allv, side="right") / a.size - np.searchsorted(b, allv, side="right") / b.size
    return float(max(d.max(), min(max(-d.min(), 0.0), 1.0)))


def ks_case(name, a, b, seed, how, npy=False):
    m, n = len(a), len(b)
    out = {"name": name, "seed": seed, "generated": how}
    if npy:
        out["a"] = sample(a, f"ks-{name}-a.npy")
        out["b"] = sample(b, f"ks-{name}-b.npy")
    else:
        out["a"] = sample(a)
        out["b"] = sample(b)
    g = math.gcd(m, n)
    lcm = (m // g) * n
    big, small = sorted([float(m), float(n)], reverse=True)
    en = big * small / (big + small)
    out["n_a"], out["n_b"], out["gcd"], out["lcm"] = m, n, g, lcm
    out["en"] = val(en, "m*n/(m+n) with m >= n as floats (scipy ks_2samp asymp branch)")
    out["en_rounded"] = val(int(np.round(en)), "numpy.round(en) (half to even)")
    out["auto_branch"] = "exact" if max(m, n) <= 10000 else "asymp"
    raw = ks_raw(a, b)
    out["raw_statistic"] = val(raw, "numpy re-implementation: max |ECDF_a - ECDF_b| over the pooled "
                                    "sample, ECDF = searchsorted(sorted, v, side='right')/size")
    out["h"] = val(int(np.round(raw * lcm)), "int(numpy.round(raw_statistic * lcm)) (scipy exact branch)")

    src = "scipy.stats.ks_2samp(a, b, method='{}')"
    for meth in ["auto", "exact", "asymp"]:
        r, w = call(stats.ks_2samp, a, b, method=meth)
        entry = {
            "statistic": val(float(r.statistic), src.format(meth) + ".statistic"),
            "pvalue": val(float(r.pvalue), src.format(meth) + ".pvalue"),
            "statistic_location": val(float(r.statistic_location), src.format(meth) + ".statistic_location"),
            "statistic_sign": val(int(r.statistic_sign), src.format(meth) + ".statistic_sign"),
            "warnings": w,
        }
        if meth == "exact":
            fell_back = any("Exact calculation unsuccessful" in s for s in w)
            entry["succeeded"] = not fell_back
            if fell_back:
                entry["pvalue_after_fallback"] = entry.pop("pvalue")
                entry["pvalue"] = val(None, "exact computation failed (see warnings); scipy fell back to "
                                            "method='asymp', whose value is pvalue_after_fallback")
        out[meth] = entry
    # statistic identity notes
    out["auto"]["statistic_equals_raw_bitwise"] = out["auto"]["statistic"]["value"] == raw
    # asymptotic p-value decomposed
    d_asymp = out["asymp"]["statistic"]["value"]
    nr = int(np.round(en))
    out["asymp"]["kstwo_sf"] = val(float(stats.kstwo.sf(d_asymp, nr)),
                                   "scipy.stats.kstwo.sf(asymp.statistic, numpy.round(en))",
                                   branch=kolmogn_branch(nr, d_asymp))
    # raw exact probability for equal sizes (to show out-of-range rounding)
    if m == n and out["h"]["value"] > 0:
        out["exact_raw_prob_outside_square"] = val(
            float(_compute_prob_outside_square(m, out["h"]["value"])),
            "scipy.stats._stats_py._compute_prob_outside_square(n, h)")
    return out


def ks_file():
    cases = []

    rng = np.random.default_rng(101)
    a = rng.normal(0.0, 1.0, 50)
    b = rng.normal(0.3, 1.0, 50)
    cases.append(ks_case("equal-50-50", a, b, 101, "rng=default_rng(101); a=rng.normal(0,1,50); b=rng.normal(0.3,1,50)"))

    rng = np.random.default_rng(102)
    a = rng.normal(0.0, 1.0, 37)
    b = rng.normal(0.5, 1.2, 53)
    cases.append(ks_case("unequal-37-53", a, b, 102, "rng=default_rng(102); a=rng.normal(0,1,37); b=rng.normal(0.5,1.2,53)"))

    rng = np.random.default_rng(103)
    a = rng.poisson(3.0, 200).astype(np.float64)
    b = rng.poisson(3.5, 300).astype(np.float64)
    cases.append(ks_case("ties-200-300", a, b, 103,
                         "rng=default_rng(103); a=rng.poisson(3.0,200).astype(float64); "
                         "b=rng.poisson(3.5,300).astype(float64) (integers, many ties)"))

    rng = np.random.default_rng(104)
    a = rng.normal(0.0, 1.0, 1)
    b = rng.normal(0.0, 1.0, 5)
    cases.append(ks_case("sizes-1-5", a, b, 104, "rng=default_rng(104); a=rng.normal(0,1,1); b=rng.normal(0,1,5)"))

    rng = np.random.default_rng(105)
    a = rng.normal(0.0, 1.0, 30)
    b = rng.permutation(a)
    cases.append(ks_case("identical-30-30", a, b, 105,
                         "rng=default_rng(105); a=rng.normal(0,1,30); b=rng.permutation(a) (same values, other order)"))

    rng = np.random.default_rng(106)
    a = rng.uniform(0.0, 1.0, 40)
    b = rng.uniform(2.0, 3.0, 60)
    cases.append(ks_case("separated-40-60", a, b, 106, "rng=default_rng(106); a=rng.uniform(0,1,40); b=rng.uniform(2,3,60)"))

    rng = np.random.default_rng(107)
    a = rng.normal(0.0, 1.0, 3000)
    b = rng.normal(0.1, 1.0, 2000)
    cases.append(ks_case("exact-3000-2000", a, b, 107,
                         "rng=default_rng(107); a=rng.normal(0,1,3000); b=rng.normal(0.1,1,2000)", npy=True))

    rng = np.random.default_rng(108)
    a = rng.normal(0.0, 1.0, 10000)
    b = rng.normal(0.02, 1.0, 10000)
    cases.append(ks_case("exact-10000-10000", a, b, 108,
                         "rng=default_rng(108); a=rng.normal(0,1,10000); b=rng.normal(0.02,1,10000)", npy=True))

    rng = np.random.default_rng(109)
    a = rng.normal(0.0, 1.0, 20000)
    b = rng.normal(0.02, 1.0, 15000)
    cases.append(ks_case("asymp-20000-15000", a, b, 109,
                         "rng=default_rng(109); a=rng.normal(0,1,20000); b=rng.normal(0.02,1,15000)", npy=True))

    rng = np.random.default_rng(110)
    a = rng.normal(0.0, 1.0, 12000)
    b = rng.normal(0.5, 1.0, 7)
    cases.append(ks_case("asymp-12000-7", a, b, 110,
                         "rng=default_rng(110); a=rng.normal(0,1,12000); b=rng.normal(0.5,1,7)", npy=True))

    # Large sizes without a large fixture: 60000 and 50000 values (about 0.9 MB).
    rng = np.random.default_rng(111)
    a = rng.normal(0.0, 1.0, 60000)
    b = rng.normal(0.02, 1.0, 50000)
    cases.append(ks_case("asymp-60000-50000", a, b, 111,
                         "rng=default_rng(111); a=rng.normal(0,1,60000); b=rng.normal(0.02,1,50000)", npy=True))

    rng = np.random.default_rng(112)
    a = rng.normal(0.0, 1.0, 200)
    b = rng.normal(1.0, 1.0, 200)
    cases.append(ks_case("tiny-pvalue-200-200", a, b, 112, "rng=default_rng(112); a=rng.normal(0,1,200); b=rng.normal(1,1,200)"))

    rng = np.random.default_rng(113)
    i = np.arange(30, dtype=np.float64)
    a = i + 0.5 * rng.uniform(0.0, 1.0, 30)
    b = i + 0.5 + 0.5 * rng.uniform(0.0, 1.0, 30)
    cases.append(ks_case("exact-fallback-30-30", a, b, 113,
                         "rng=default_rng(113); i=arange(30); a=i+0.5*rng.uniform(0,1,30); "
                         "b=i+0.5+0.5*rng.uniform(0,1,30) (interleaved: D = 1/30, h = 1)"))

    rng = np.random.default_rng(114)
    a = rng.normal(0.0, 1.0, 25)
    b = rng.normal(0.6, 1.0, 25)
    cases.append(ks_case("odd-equal-25-25", a, b, 114,
                         "rng=default_rng(114); a=rng.normal(0,1,25); b=rng.normal(0.6,1,25) "
                         "(en = 12.5 exactly, numpy.round -> 12)"))

    # checks on the cases
    by = {c["name"]: c for c in cases}
    assert by["tiny-pvalue-200-200"]["auto"]["pvalue"]["value"] < 1e-10
    assert by["exact-fallback-30-30"]["exact"]["succeeded"] is False
    assert by["exact-fallback-30-30"]["auto"]["warnings"], "auto should warn on fallback"
    assert by["asymp-12000-7"]["en_rounded"]["value"] == 7
    assert by["odd-equal-25-25"]["en_rounded"]["value"] == 12
    for c in cases:
        if c["name"] != "exact-fallback-30-30":
            assert c["exact"]["succeeded"], c["name"]

    # kstwo.sf grid
    Ns = [1, 2, 5, 10, 50, 100, 140, 141, 1000, 10000, 100000, 100001, 500000]
    grid = []
    for n in Ns:
        xs = [0.3 / n, 0.75 / n, 1.0 / n, 1.5 / n]
        xs += [math.sqrt(v / n) for v in (0.02, 0.1, 0.3, 0.7, 0.76, 1.5, 2.1, 2.3, 3.9, 4.5, 10.0,
                                          100.0, 369.0, 371.0, 1000.0)]
        xs += [(c / n) ** (2.0 / 3.0) for c in (1.0, 1.39, 1.41)]
        xs += [0.5, 0.6, 0.9, (n - 1.0) / n, (n - 0.5) / n]
        xs = sorted({float(x) for x in xs if 0.0 < x < 1.0})
        for x in xs:
            p = float(stats.kstwo.sf(x, n))
            grid.append({"n": n, "d": x, "sf": p, "branch": kolmogn_branch(n, x),
                         "n_d": n * x, "n_d2": n * x * x})
    branches = sorted({g["branch"] for g in grid})

    # smirnov grid
    sm = []
    for n in [1, 2, 5, 10, 50, 100, 1000, 10000, 100000, 500000]:
        for d in [1e-4, 1e-3, 0.01, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 0.9]:
            sm.append({"n": n, "d": d, "value": float(scipy.special.smirnov(n, d))})

    obj = header("A: two-sided two-sample Kolmogorov-Smirnov")
    obj["cases"] = cases
    obj["kstwo_sf"] = {"source": "scipy.stats.kstwo.sf(d, n)",
                       "d_choice": "per n: 0.3/n, 0.75/n, 1/n, 1.5/n; sqrt(c/n) for n*d^2 = c in "
                                   "{0.02,0.1,0.3,0.7,0.76,1.5,2.1,2.3,3.9,4.5,10,100,369,371,1000}; "
                                   "(c/n)^(2/3) for n*d^1.5 = c in {1,1.39,1.41}; 0.5, 0.6, 0.9, "
                                   "(n-1)/n, (n-0.5)/n; only 0 < d < 1 kept, deduplicated, sorted",
                       "branches_covered": branches,
                       "points": grid}
    obj["smirnov"] = {"source": "scipy.special.smirnov(n, d)", "points": sm}
    return obj


# ----------------------------------------------------------------------------------------------
# B. Cramer-von Mises


def cvm_case(name, x, y, seed, how, npy=False):
    out = {"name": name, "seed": seed, "generated": how}
    if npy:
        out["x"] = sample(x, f"cvm-{name}-x.npy")
        out["y"] = sample(y, f"cvm-{name}-y.npy")
    else:
        out["x"] = sample(x)
        out["y"] = sample(y)
    nx, ny = len(x), len(y)
    out["auto_branch"] = "asymptotic" if max(nx, ny) > 20 else "exact"
    methods = ["auto", "asymptotic"] + (["exact"] if max(nx, ny) <= 20 else [])
    src = "scipy.stats.cramervonmises_2samp(x, y, method='{}')"
    for meth in methods:
        r, w = call(stats.cramervonmises_2samp, x, y, method=meth)
        out[meth] = {"statistic": val(float(r.statistic), src.format(meth) + ".statistic"),
                     "pvalue": val(float(r.pvalue), src.format(meth) + ".pvalue"),
                     "warnings": w}
    # intermediates (numpy re-implementation of scipy's code)
    z = np.concatenate([np.sort(x), np.sort(y)])
    r = stats.rankdata(z, method="average")
    rx, ry = r[:nx], r[nx:]
    u = nx * np.sum((rx - np.arange(1, nx + 1)) ** 2) + ny * np.sum((ry - np.arange(1, ny + 1)) ** 2)
    k, N = nx * ny, nx + ny
    t = u / (k * N) - (4 * k - 1) / (6 * N)
    et = (1 + 1 / N) / 6
    vt = (N + 1) * (4 * k * N - 3 * (nx ** 2 + ny ** 2) - 2 * k)
    vt = vt / (45 * N ** 2 * 4 * k)
    tn = 1 / 6 + (t - et) / math.sqrt(45 * vt)
    note = "numpy re-implementation of scipy.stats._hypotests.cramervonmises_2samp internals"
    out["intermediate"] = {
        "U": val(float(u), note + ": U = nx*sum((rank_x(sorted) - (1..nx))^2) + ny*sum((rank_y - (1..ny))^2), "
                            "ranks = rankdata(pooled, 'average')"),
        "T": val(float(t), note + ": T = U/(nx*ny*N) - (4*nx*ny - 1)/(6*N)"),
        "ET": val(float(et), note + ": (1 + 1/N)/6"),
        "VT": val(float(vt), note + ": (N+1)(4kN - 3(nx^2+ny^2) - 2k)/(45 N^2 4k), k = nx*ny"),
        "tn": val(float(tn), note + ": 1/6 + (T - ET)/sqrt(45 VT); asymptotic p = max(1 - _cdf_cvm_inf(tn), 0) "
                                    "if tn >= 0.003 else 1"),
        "has_ties": bool(np.unique(z).size < z.size),
    }
    if tn >= 0.003:
        out["intermediate"]["one_minus_cdf_cvm_inf_tn"] = val(
            float(1.0 - _hypotests._cdf_cvm_inf(tn)), "1.0 - scipy.stats._hypotests._cdf_cvm_inf(tn)")
    assert out["auto"]["statistic"]["value"] == float(t) or abs(out["auto"]["statistic"]["value"] - t) < 1e-14
    return out


def cvm_file():
    cases = []
    rng = np.random.default_rng(201)
    cases.append(cvm_case("5-7", rng.normal(0, 1, 5), rng.normal(0.5, 1, 7), 201,
                          "rng=default_rng(201); x=rng.normal(0,1,5); y=rng.normal(0.5,1,7)"))
    rng = np.random.default_rng(202)
    cases.append(cvm_case("10-10", rng.normal(0, 1, 10), rng.normal(1.0, 1, 10), 202,
                          "rng=default_rng(202); x=rng.normal(0,1,10); y=rng.normal(1,1,10)"))
    rng = np.random.default_rng(203)
    cases.append(cvm_case("20-20", rng.normal(0, 1, 20), rng.normal(0.3, 1, 20), 203,
                          "rng=default_rng(203); x=rng.normal(0,1,20); y=rng.normal(0.3,1,20)"))
    rng = np.random.default_rng(204)
    cases.append(cvm_case("20-19-ties", rng.integers(0, 6, 20).astype(np.float64),
                          rng.integers(1, 7, 19).astype(np.float64), 204,
                          "rng=default_rng(204); x=rng.integers(0,6,20).astype(float64); "
                          "y=rng.integers(1,7,19).astype(float64)"))
    rng = np.random.default_rng(205)
    cases.append(cvm_case("21-20", rng.normal(0, 1, 21), rng.normal(0.5, 1, 20), 205,
                          "rng=default_rng(205); x=rng.normal(0,1,21); y=rng.normal(0.5,1,20)"))
    rng = np.random.default_rng(206)
    cases.append(cvm_case("100-150", rng.normal(0, 1, 100), rng.normal(0.2, 1.1, 150), 206,
                          "rng=default_rng(206); x=rng.normal(0,1,100); y=rng.normal(0.2,1.1,150)"))
    rng = np.random.default_rng(207)
    cases.append(cvm_case("2000-3000-shifted", rng.normal(0, 1, 2000), rng.normal(0.1, 1, 3000), 207,
                          "rng=default_rng(207); x=rng.normal(0,1,2000); y=rng.normal(0.1,1,3000)", npy=True))

    qs = [1e-3, 0.01, 0.1, 0.5, 1, 2, 5, 10, 50, 200]
    kv = [{"q": float(q), "value": float(scipy.special.kv(0.25, q))} for q in qs]
    xs = [0.003, 0.01, 0.05, 0.1, 0.2, 0.5, 1, 2, 3]
    cdf = [{"x": float(x), "value": float(_hypotests._cdf_cvm_inf(float(x)))} for x in xs]

    obj = header("B: two-sample Cramer-von Mises")
    obj["cases"] = cases
    obj["kv_0.25"] = {"source": "scipy.special.kv(0.25, q)", "points": kv}
    obj["cdf_cvm_inf"] = {"source": "scipy.stats._hypotests._cdf_cvm_inf(x) (series summed until a term "
                                    "is < 1e-7 in absolute value)", "points": cdf}
    return obj


# ----------------------------------------------------------------------------------------------
# C. Anderson-Darling k-sample


def ad_intermediate(samples):
    samples = [np.asarray(s, dtype=np.float64) for s in samples]
    k = len(samples)
    Z = np.sort(np.hstack(samples))
    N = Z.size
    Zstar = np.unique(Z)
    n = np.array([s.size for s in samples])
    A2akN = _morestats._anderson_ksamp_midrank(samples, Z, Zstar, k, n, N)
    A2kN_right = _morestats._anderson_ksamp_right(samples, Z, Zstar, k, n, N)
    H = (1. / n).sum()
    hs_cs = (1. / np.arange(N - 1, 1, -1)).cumsum()
    h = hs_cs[-1] + 1
    g = (hs_cs / np.arange(2, N)).sum()
    a = (4 * g - 6) * (k - 1) + (10 - 6 * g) * H
    b = (2 * g - 4) * k ** 2 + 8 * h * k + (2 * g - 14 * h - 4) * H - 8 * h + 4 * g - 6
    c = (6 * h + 2 * g - 2) * k ** 2 + (4 * h - 4 * g + 6) * k + (2 * h - 6) * H + 4 * h
    d = (2 * h + 6) * k ** 2 - 4 * h * k
    sigmasq = (a * N ** 3 + b * N ** 2 + c * N + d) / ((N - 1.) * (N - 2.) * (N - 3.))
    note = "scipy.stats._morestats"
    return {
        "A2akN_midrank": val(float(A2akN), note + "._anderson_ksamp_midrank(samples, Z, Zstar, k, n, N) "
                                                 "(Scholz & Stephens eq. 7, before normalisation)"),
        "A2kN_right": val(float(A2kN_right), note + "._anderson_ksamp_right(samples, Z, Zstar, k, n, N) (eq. 6)"),
        "sigmasq": val(float(sigmasq), "numpy re-implementation of anderson_ksamp's variance "
                                       "(a N^3 + b N^2 + c N + d)/((N-1)(N-2)(N-3)); statistic = (A2kN - (k-1))/sqrt(sigmasq)"),
        "H": val(float(H), "sum(1/n_i)"), "h": val(float(h), "sum_{i=1}^{N-1} 1/i"),
        "g": val(float(g), "sum_{i=1}^{N-2} sum_{j=i+1}^{N-1} 1/((N-i) j) as scipy computes it"),
    }


def ad_case(name, samples, seed, how, expect=None, right=False):
    samples = [np.asarray(s, dtype=np.float64) for s in samples]
    out = {"name": name, "seed": seed, "generated": how, "samples": [sample(s) for s in samples]}
    r1, w1 = call(stats.anderson_ksamp, samples, variant="midrank")
    out["variant_midrank"] = {
        "statistic": val(float(r1.statistic), "scipy.stats.anderson_ksamp(samples, variant='midrank').statistic"),
        "pvalue": val(float(r1.pvalue), "scipy.stats.anderson_ksamp(samples, variant='midrank').pvalue"),
        "warnings": w1}
    r2, w2 = call(stats.anderson_ksamp, samples)
    stat, crit, p = r2  # tuple-returning default call
    out["default_call"] = {
        "statistic": val(float(stat), "scipy.stats.anderson_ksamp(samples)[0] (default: midrank, tuple result)"),
        "critical_values": val([float(v) for v in crit], "scipy.stats.anderson_ksamp(samples)[1] "
                               "(levels 0.25, 0.1, 0.05, 0.025, 0.01, 0.005, 0.001)"),
        "pvalue": val(float(p), "scipy.stats.anderson_ksamp(samples)[2]"),
        "warnings": w2}
    crit = np.asarray(crit)
    status = "capped at 0.25" if stat < crit.min() else ("floored at 0.001" if stat > crit.max() else "interpolated")
    out["pvalue_status"] = status
    out["intermediate"] = ad_intermediate(samples)
    if status == "interpolated":
        sig = np.array([0.25, 0.1, 0.05, 0.025, 0.01, 0.005, 0.001])
        pf = np.polyfit(crit, np.log(sig), 2)
        out["intermediate"]["log_sig_quadratic"] = val(
            [float(v) for v in pf], "numpy.polyfit(critical_values, log(sig), 2) (highest power first); "
                                    "pvalue = exp(polyval(coeffs, statistic))")
    if expect is not None:
        assert status == expect, (name, status, float(stat), float(p))
    assert float(r1.statistic) == float(stat) and float(r1.pvalue) == float(p)
    if right:
        r3, w3 = call(stats.anderson_ksamp, samples, variant="right")
        out["variant_right"] = {
            "statistic": val(float(r3.statistic), "scipy.stats.anderson_ksamp(samples, variant='right').statistic"),
            "pvalue": val(float(r3.pvalue), "scipy.stats.anderson_ksamp(samples, variant='right').pvalue"),
            "warnings": w3}
    return out


def ad_file():
    cases = []
    rng = np.random.default_rng(301)
    cases.append(ad_case("two-30-40-similar", [rng.normal(0, 1, 30), rng.normal(0, 1, 40)], 301,
                         "rng=default_rng(301); [rng.normal(0,1,30), rng.normal(0,1,40)]"))
    rng = np.random.default_rng(302)
    cases.append(ad_case("two-50-50-shifted", [rng.normal(0, 1, 50), rng.normal(0.5, 1, 50)], 302,
                         "rng=default_rng(302); [rng.normal(0,1,50), rng.normal(0.5,1,50)]", expect="interpolated"))
    rng = np.random.default_rng(303)
    cases.append(ad_case("three-25-30-35", [rng.normal(0, 1, 25), rng.normal(0.3, 1, 30), rng.normal(0.6, 1, 35)],
                         303, "rng=default_rng(303); [rng.normal(0,1,25), rng.normal(0.3,1,30), rng.normal(0.6,1,35)]"))
    rng = np.random.default_rng(304)
    cases.append(ad_case("ties-int-0-4", [rng.integers(0, 5, 60).astype(np.float64),
                                          rng.binomial(4, 0.45, 70).astype(np.float64)], 304,
                         "rng=default_rng(304); [rng.integers(0,5,60).astype(float64), "
                         "rng.binomial(4,0.45,70).astype(float64)] (values 0..4)", expect="interpolated",
                         right=True))
    rng = np.random.default_rng(305)
    cases.append(ad_case("capped", [rng.normal(0, 1, 40), rng.normal(0, 1, 45)], 305,
                         "rng=default_rng(305); [rng.normal(0,1,40), rng.normal(0,1,45)]", expect="capped at 0.25"))
    rng = np.random.default_rng(306)
    cases.append(ad_case("floored", [rng.normal(0, 1, 40), rng.normal(1.5, 1, 40)], 306,
                         "rng=default_rng(306); [rng.normal(0,1,40), rng.normal(1.5,1,40)]", expect="floored at 0.001"))
    shifted = cases[1]["default_call"]["pvalue"]["value"]
    assert 0.001 < shifted < 0.25, shifted
    obj = header("C: k-sample Anderson-Darling (Scholz & Stephens 1987)")
    obj["significance_levels"] = [0.25, 0.1, 0.05, 0.025, 0.01, 0.005, 0.001]
    obj["cases"] = cases
    return obj


# ----------------------------------------------------------------------------------------------
# D. chi-square homogeneity


def chisq_case(name, s1, s2, how, inline=True):
    cats = sorted(set(s1) | set(s2))
    table = np.array([[sum(1 for v in s1 if v == c) for c in cats],
                      [sum(1 for v in s2 if v == c) for c in cats]], dtype=np.int64)
    res, w = call(stats.chi2_contingency, table, correction=False)
    N = int(table.sum())
    r, c = table.shape
    chi2 = float(res.statistic)
    V = math.sqrt(chi2 / (N * (min(r, c) - 1)))
    src = "scipy.stats.chi2_contingency(table, correction=False)"
    out = {"name": name, "generated": how}
    if inline:
        out["sample1"] = list(s1)
        out["sample2"] = list(s2)
    out["categories"] = cats
    out["table"] = val(table.tolist(), "2 x C counts: row 0 = sample1, row 1 = sample2, columns = categories "
                                       "sorted (Python sorted(), code-point order)")
    out["statistic"] = val(chi2, src + ".statistic")
    out["pvalue"] = val(float(res.pvalue), src + ".pvalue")
    out["dof"] = val(int(res.dof), src + ".dof")
    out["expected"] = val(np.asarray(res.expected_freq).tolist(), src + ".expected_freq")
    out["N"] = N
    out["cramers_v"] = val(V, "math.sqrt(statistic / (N * (min(r, c) - 1)))")
    out["warnings"] = w
    return out


def chisq_file():
    cases = []
    rng = np.random.default_rng(401)
    s1 = [str(v) for v in rng.choice(["blue", "green", "red"], 60, p=[0.5, 0.3, 0.2])]
    s2 = [str(v) for v in rng.choice(["blue", "green", "red"], 80, p=[0.3, 0.4, 0.3])]
    cases.append(chisq_case("three-categories", s1, s2,
                            "rng=default_rng(401); s1=rng.choice(['blue','green','red'],60,p=[.5,.3,.2]); "
                            "s2=rng.choice(['blue','green','red'],80,p=[.3,.4,.3])"))
    rng = np.random.default_rng(402)
    s1 = [str(v) for v in rng.choice(["ant", "bee", "cat", "dog"], 100, p=[0.4, 0.3, 0.2, 0.1])]
    s2 = [str(v) for v in rng.choice(["ant", "bee", "cat", "dog", "eel"], 120, p=[0.3, 0.25, 0.2, 0.1, 0.15])]
    cases.append(chisq_case("five-categories-one-new", s1, s2,
                            "rng=default_rng(402); s1=rng.choice(['ant','bee','cat','dog'],100,p=[.4,.3,.2,.1]); "
                            "s2=rng.choice(['ant','bee','cat','dog','eel'],120,p=[.3,.25,.2,.1,.15])"))
    assert "eel" not in cases[1]["sample1"] and "eel" in cases[1]["sample2"]
    hdr, rows = read_csv(DATA / "penguins" / "penguins.csv")
    isl, spc = hdr.index("island"), hdr.index("species")
    s1 = [r[spc] for r in rows if r[isl] == "Biscoe"]
    s2 = [r[spc] for r in rows if r[isl] == "Dream"]
    c = chisq_case("penguins-biscoe-vs-dream", s1, s2,
                   "Datasets/penguins/penguins.csv: sample1 = column 'species' of all rows with island == "
                   "'Biscoe' (168), sample2 = 'species' of rows with island == 'Dream' (124); no rows dropped "
                   "(species and island have no NA)", inline=False)
    c["data"] = {"file": "Datasets/penguins/penguins.csv", "columns": ["island", "species"],
                 "sample1": "species where island == 'Biscoe'", "sample2": "species where island == 'Dream'"}
    assert c["table"]["value"] == [[44, 0, 124], [56, 68, 0]], c["table"]
    cases.append(c)

    grid = []
    for a in [0.5, 1.0, 2.5, 10.0, 50.0, 500.0]:
        xs = {1e-3, 0.01, 0.1, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 200.0, 500.0, 1000.0,
              a, max(a - math.sqrt(a), 1e-3), a + math.sqrt(a), a + 3 * math.sqrt(a)}
        for x in sorted(xs):
            grid.append({"a": a, "x": float(x), "gammaincc": float(scipy.special.gammaincc(a, x)),
                         "gammainc": float(scipy.special.gammainc(a, x))})
    obj = header("D: chi-square test of homogeneity (2 x C), Cramer's V, regularised incomplete gamma")
    obj["cases"] = cases
    obj["incomplete_gamma"] = {"source": "scipy.special.gammaincc(a, x) (upper, regularised Q) and "
                                         "scipy.special.gammainc(a, x) (lower, P)",
                               "points": grid}
    return obj


# ----------------------------------------------------------------------------------------------
# E. PSI


def psi_def(a, b, B):
    """numpy re-implementation of the PSI definition in the README."""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    qs = [j / B for j in range(1, B)]
    edges = np.array([np.quantile(a, q) for q in qs])
    ia = np.searchsorted(edges, a, side="right")
    ib = np.searchsorted(edges, b, side="right")
    ca = np.bincount(ia, minlength=B)
    cb = np.bincount(ib, minlength=B)
    fa = ca / a.size
    fb = cb / b.size
    fa_f = np.maximum(fa, 1e-4)
    fb_f = np.maximum(fb, 1e-4)
    terms = (fb_f - fa_f) * np.log(fb_f / fa_f)
    psi = math.fsum(terms.tolist())
    return edges, ca, cb, fa, fb, fa_f, fb_f, terms, psi, qs


def psi_case(name, a, b, seed, how, B=10):
    edges, ca, cb, fa, fb, fa_f, fb_f, terms, psi, qs = psi_def(a, b, B)
    note = "numpy re-implementation (README, psi.json)"
    return {
        "name": name, "seed": seed, "generated": how, "B": B,
        "a": sample(a), "b": sample(b),
        "quantile_levels": qs,
        "edges": val(edges.tolist(), "[numpy.quantile(a, j/B) for j in 1..B-1] (method='linear')"),
        "counts_a": val(ca.tolist(), "numpy.bincount(numpy.searchsorted(edges, a, side='right'), minlength=B)"),
        "counts_b": val(cb.tolist(), "numpy.bincount(numpy.searchsorted(edges, b, side='right'), minlength=B)"),
        "freq_a": val(fa.tolist(), "counts_a / len(a)"),
        "freq_b": val(fb.tolist(), "counts_b / len(b)"),
        "freq_a_floored": val(fa_f.tolist(), "numpy.maximum(freq_a, 1e-4)"),
        "freq_b_floored": val(fb_f.tolist(), "numpy.maximum(freq_b, 1e-4)"),
        "terms": val(terms.tolist(), "(fb - fa) * numpy.log(fb / fa) on the floored frequencies"),
        "psi": val(psi, note + ": math.fsum(terms)"),
        "edges_repeat": bool(np.unique(edges).size < edges.size),
        "empty_bins_a": [int(i) for i in np.nonzero(ca == 0)[0]],
        "empty_bins_b": [int(i) for i in np.nonzero(cb == 0)[0]],
    }


def psi_file():
    cases = []
    rng = np.random.default_rng(501)
    a = rng.normal(0, 1, 1000)
    cases.append(psi_case("identical", a, a.copy(), 501, "rng=default_rng(501); a=rng.normal(0,1,1000); b=a (same array)"))
    rng = np.random.default_rng(502)
    a = rng.normal(0, 1, 1000)
    b = rng.normal(0.1, 1, 800)
    how = "rng=default_rng(502); a=rng.normal(0,1,1000); b=rng.normal(0.1,1,800)"
    cases.append(psi_case("mild-shift", a, b, 502, how))
    cases.append(psi_case("mild-shift-B5", a, b, 502, how + " (same data as mild-shift)", B=5))
    rng = np.random.default_rng(503)
    cases.append(psi_case("strong-shift", rng.normal(0, 1, 1000), rng.normal(1.0, 1.3, 800), 503,
                          "rng=default_rng(503); a=rng.normal(0,1,1000); b=rng.normal(1,1.3,800)"))
    rng = np.random.default_rng(504)
    cases.append(psi_case("ties", rng.poisson(1.0, 1000).astype(np.float64),
                          rng.poisson(1.3, 800).astype(np.float64), 504,
                          "rng=default_rng(504); a=rng.poisson(1.0,1000).astype(float64); "
                          "b=rng.poisson(1.3,800).astype(float64)"))
    rng = np.random.default_rng(505)
    cases.append(psi_case("empty-bin-in-b", rng.normal(0, 1, 1000), np.abs(rng.normal(0, 1, 800)) - 1.0, 505,
                          "rng=default_rng(505); a=rng.normal(0,1,1000); b=numpy.abs(rng.normal(0,1,800)) - 1.0 "
                          "(all b >= -1 > e_1, so bin 0 of b is empty)"))
    assert cases[0]["psi"]["value"] == 0.0
    assert cases[4]["edges_repeat"]
    assert cases[5]["empty_bins_b"]
    obj = header("E: population stability index")
    obj["cases"] = cases
    return obj


# ----------------------------------------------------------------------------------------------
# F. MMD and energy distance


def sqdist_matrix(Z):
    """Squared Euclidean distances, each = math.fsum of the squared coordinate differences."""
    N = Z.shape[0]
    D2 = np.zeros((N, N))
    for i in range(N):
        diff = Z[i + 1:] - Z[i]
        sq = diff * diff
        for jj, row in enumerate(sq):
            v = math.fsum(row.tolist())
            D2[i, i + 1 + jj] = v
            D2[i + 1 + jj, i] = v
    return D2


def mmd_energy_from(D2, K, m, idx_x, idx_y):
    """MMD^2_u from the kernel matrix and the V-statistic energy distance from the distances."""
    ix = list(idx_x)
    iy = list(idx_y)
    n = len(iy)
    Kxx = K[np.ix_(ix, ix)]
    Kyy = K[np.ix_(iy, iy)]
    Kxy = K[np.ix_(ix, iy)]
    sxx = 2.0 * math.fsum(Kxx[np.triu_indices(m, 1)].tolist())
    syy = 2.0 * math.fsum(Kyy[np.triu_indices(n, 1)].tolist())
    sxy = math.fsum(Kxy.ravel().tolist())
    mmd = sxx / (m * (m - 1)) + syy / (n * (n - 1)) - 2.0 * sxy / (m * n)
    D = np.sqrt(D2)
    dxx = 2.0 * math.fsum(D[np.ix_(ix, ix)][np.triu_indices(m, 1)].tolist())
    dyy = 2.0 * math.fsum(D[np.ix_(iy, iy)][np.triu_indices(n, 1)].tolist())
    dxy = math.fsum(D[np.ix_(ix, iy)].ravel().tolist())
    energy = 2.0 * dxy / (m * n) - dxx / (m * m) - dyy / (n * n)
    return mmd, energy, (sxx, syy, sxy, dxx, dyy, dxy)


def mmd_stats(X, Y):
    X = np.asarray(X, dtype=np.float64)
    Y = np.asarray(Y, dtype=np.float64)
    m, n = X.shape[0], Y.shape[0]
    Z = np.vstack([X, Y])
    D2 = sqdist_matrix(Z)
    N = m + n
    iu = np.triu_indices(N, 1)
    dists = np.sqrt(D2[iu])
    sigma = float(np.median(dists))
    out = {"sigma": sigma, "n_pairs": int(dists.size)}
    for label, s in [("median", sigma), ("fixed_1", 1.0)]:
        K = np.exp(-D2 / (2.0 * s * s))
        mmd, energy, parts = mmd_energy_from(D2, K, m, range(m), range(m, N))
        out[label] = {"mmd2_u": mmd, "parts": parts}
        out["energy"] = energy
    return out, D2


def mmd_case(name, X, Y, seed, how, data=None, npy=False):
    X = np.asarray(X, dtype=np.float64)
    Y = np.asarray(Y, dtype=np.float64)
    if X.ndim == 1:
        X = X[:, None]
        Y = Y[:, None]
    res, D2 = mmd_stats(X, Y)
    out = {"name": name, "seed": seed, "generated": how, "m": X.shape[0], "n": Y.shape[0], "dim": X.shape[1]}
    if data is not None:
        out["data"] = data
    elif npy:
        out["x"] = sample(X, f"mmd-{name}-x.npy")
        out["y"] = sample(Y, f"mmd-{name}-y.npy")
    else:
        out["x"] = sample(X)
        out["y"] = sample(Y)
    re = "numpy re-implementation (README, mmd.json): "
    out["sigma"] = val(res["sigma"], "numpy.median of the Euclidean distances sqrt(math.fsum((z_i - z_j)^2)) "
                                     "over all pairs i<j of the pooled sample [x; y]",
                       n_pairs=res["n_pairs"])
    out["mmd2_u"] = val(res["median"]["mmd2_u"], re + "U-statistic with k = exp(-sq/(2*sigma*sigma)), "
                                                      "sq = squared distance, sums by math.fsum",
                        sum_kxx_offdiag=res["median"]["parts"][0], sum_kyy_offdiag=res["median"]["parts"][1],
                        sum_kxy=res["median"]["parts"][2])
    out["mmd2_u_sigma1"] = val(res["fixed_1"]["mmd2_u"], re + "same with sigma = 1.0",
                               sum_kxx_offdiag=res["fixed_1"]["parts"][0],
                               sum_kyy_offdiag=res["fixed_1"]["parts"][1], sum_kxy=res["fixed_1"]["parts"][2])
    p = res["median"]["parts"]
    out["energy"] = val(res["energy"], re + "V-statistic 2*mean||x-y|| - mean||x-x'|| - mean||y-y'|| "
                                            "(within means over all m^2, n^2 pairs incl. i=j)",
                        sum_dxx_offdiag=p[3], sum_dyy_offdiag=p[4], sum_dxy=p[5])
    if X.shape[1] == 1:
        ed, w = call(stats.energy_distance, X[:, 0], Y[:, 0])
        out["scipy_energy_distance"] = val(float(ed), "scipy.stats.energy_distance(x, y)", warnings=w)
        out["sqrt_energy"] = val(math.sqrt(res["energy"]), "math.sqrt(energy)")
        out["sqrt_energy_minus_scipy"] = math.sqrt(res["energy"]) - float(ed)
        assert abs(math.sqrt(res["energy"]) - float(ed)) < 1e-12 * max(1.0, float(ed)), (name, res["energy"], ed)
    return out, D2


def mmd_perm_case():
    rng = np.random.default_rng(605)
    x = rng.normal(0, 1, 8)
    y = rng.normal(1.0, 1, 7)
    out, D2 = mmd_case("perm-8-7", x, y, 605, "rng=default_rng(605); x=rng.normal(0,1,8); y=rng.normal(1,1,7)")
    sigma = out["sigma"]["value"]
    K = np.exp(-D2 / (2.0 * sigma * sigma))
    m, N = 8, 15
    obs_mmd, obs_e, _ = mmd_energy_from(D2, K, m, range(m), range(m, N))
    assert obs_mmd == out["mmd2_u"]["value"] and obs_e == out["energy"]["value"]
    c_mmd = c_e = total = 0
    for comb in itertools.combinations(range(N), m):
        rest = [i for i in range(N) if i not in comb]
        s_mmd, s_e, _ = mmd_energy_from(D2, K, m, comb, rest)
        c_mmd += s_mmd >= obs_mmd - 1e-12
        c_e += s_e >= obs_e - 1e-12
        total += 1
    assert total == math.comb(15, 8) == 6435
    src = ("exact permutation p-value: enumerate itertools.combinations(range(15), 8) of the pooled "
           "[x; y] (first 8 = new x, the rest = new y), statistic recomputed with the SAME sigma; "
           "p = #{stat >= observed - 1e-12} / 6435 (the observed split is counted)")
    out["perm_pvalue_mmd"] = val(c_mmd / total, src, count=c_mmd, splits=total)
    out["perm_pvalue_energy"] = val(c_e / total, src, count=c_e, splits=total)
    return out


def mmd_file():
    cases = []
    rng = np.random.default_rng(601)
    c, _ = mmd_case("1d-50-60", rng.normal(0, 1, 50), rng.normal(0.5, 1, 60), 601,
                    "rng=default_rng(601); x=rng.normal(0,1,50); y=rng.normal(0.5,1,60) (stored as n x 1)")
    cases.append(c)
    rng = np.random.default_rng(602)
    c, _ = mmd_case("2d-100-80-same", rng.normal(0, 1, (100, 2)), rng.normal(0, 1, (80, 2)), 602,
                    "rng=default_rng(602); x=rng.normal(0,1,(100,2)); y=rng.normal(0,1,(80,2))")
    cases.append(c)
    rng = np.random.default_rng(603)
    c, _ = mmd_case("16d-300-300-shift", rng.normal(0, 1, (300, 16)), rng.normal(0.2, 1, (300, 16)), 603,
                    "rng=default_rng(603); x=rng.normal(0,1,(300,16)); y=rng.normal(0.2,1,(300,16)) "
                    "(mean shifted by 0.2 in every coordinate)", npy=True)
    cases.append(c)
    X = load_pixels("test.csv", 200)
    Y = load_pixels("test-covariate.csv", 200)
    c, _ = mmd_case("digits-test-vs-covariate-200", X, Y, None,
                    "bundled data, no randomness",
                    data={"x": {"file": "Datasets/digits/test.csv", "columns": "pixel_0 .. pixel_63",
                                "rows": "first 200 data rows in file order"},
                          "y": {"file": "Datasets/digits/test-covariate.csv", "columns": "pixel_0 .. pixel_63",
                                "rows": "first 200 data rows in file order"}})
    cases.append(c)
    cases.append(mmd_perm_case())
    obj = header("F: unbiased MMD^2 with a Gaussian kernel (median heuristic), energy distance")
    obj["cases"] = cases
    return obj


# ----------------------------------------------------------------------------------------------
# G. C2ST p-values


def c2st_file():
    pts = []
    for k, n in [(50, 100), (60, 100), (75, 100), (0, 10), (10, 10), (520, 1000), (600, 1000)]:
        r = stats.binomtest(k, n, 0.5, alternative="greater")
        pts.append({"k": k, "n": n, "pvalue": val(float(r.pvalue),
                                                  "scipy.stats.binomtest(k, n, 0.5, alternative='greater').pvalue")})
    obj = header("G: classifier two-sample test, one-sided binomial p-value")
    obj["cases"] = pts
    return obj


# ----------------------------------------------------------------------------------------------
# H. label shift


K10 = 10


def bbse(pred_or_p, y, K, target, soft=False):
    """BBSE: returns dict with C, mu, w (raw), w clipped, cond."""
    N = y.size
    if soft:
        P = pred_or_p
        C = np.zeros((K, K))
        for j in range(K):
            C[:, j] = P[y == j].sum(axis=0) / N
        mu = target.mean(axis=0)
        counts = None
    else:
        pred = pred_or_p
        counts = np.zeros((K, K), dtype=np.int64)
        np.add.at(counts, (pred, y), 1)
        C = counts / N
        mu = np.bincount(target, minlength=K) / target.size
    w = np.linalg.solve(C, mu)
    wc = np.where(w < 0, 0.0, w)
    cond = float(np.linalg.cond(C))
    return C, counts, mu, w, wc, cond


def em_prior(Pt, pi_s, tol=1e-10, cap=10000):
    """MLLS / EM of Saerens et al. (2002) exactly as in the README."""
    pi_t = pi_s.copy()
    it = 0
    delta = math.inf
    while it < cap:
        it += 1
        r = pi_t / pi_s
        Q = Pt * r
        Q = Q / Q.sum(axis=1, keepdims=True)
        new = Q.mean(axis=0)
        delta = float(np.max(np.abs(new - pi_t)))
        pi_t = new
        if delta < tol:
            break
    return pi_t, it, delta < tol, delta


EM_SRC = ("numpy re-implementation of MLLS/EM (Saerens et al. 2002): pi_t <- pi_s; repeat "
          "{r = pi_t/pi_s; Q = p * r (row-wise); Q /= Q.sum(axis=1); new = Q.mean(axis=0); "
          "delta = max|new - pi_t|; pi_t = new} until delta < 1e-10 (cap 10000); iterations = number "
          "of updates done, including the last one")


def bcts_fit(z, y):
    """Bias-corrected temperature scaling: minimise mean NLL of softmax(z/T + b)."""
    N, K = z.shape
    Y = np.zeros((N, K))
    Y[np.arange(N), y] = 1.0

    def nll_grad(theta):
        tau, b = theta[0], theta[1:]
        T = math.exp(tau)
        u = z / T
        s = u + b
        mx = s.max(axis=1, keepdims=True)
        e = np.exp(s - mx)
        se = e.sum(axis=1, keepdims=True)
        lse = (mx + np.log(se))[:, 0]
        nll = float(np.mean(lse - s[np.arange(N), y]))
        P = e / se
        G = (P - Y) / N
        g_tau = -float(np.sum(G * u))
        g_b = G.sum(axis=0)
        return nll, np.concatenate([[g_tau], g_b])

    theta0 = np.zeros(K + 1)
    res = optimize.minimize(nll_grad, theta0, jac=True, method="L-BFGS-B",
                            options={"ftol": 1e-15, "gtol": 1e-12, "maxiter": 10000, "maxcor": 30})
    theta = res.x.copy()
    lbfgs_info = {"nit": int(res.nit), "fun": float(res.fun), "message": str(res.message),
                  "grad_norm": float(np.linalg.norm(nll_grad(theta)[1]))}

    # Newton refinement in reduced coordinates (tau, b_1..b_{K-1}; b_0 fixed at 0)
    theta[1:] -= theta[1]

    def hess_reduced(theta):
        tau, b = theta[0], theta[1:]
        T = math.exp(tau)
        u = z / T
        s = u + b
        P = softmax_rows(s)
        # per-row Hessian of -log softmax wrt s: diag(p) - p p^T
        Pu = np.sum(P * u, axis=1, keepdims=True)
        Au = P * u - P * Pu  # (diag p - p p^T) u per row
        H = np.zeros((K + 1, K + 1))
        H[0, 0] = (np.sum(u * Au) + np.sum((P - Y) * u)) / N
        H[0, 1:] = -Au.sum(axis=0) / N
        H[1:, 0] = H[0, 1:]
        H[1:, 1:] = (np.diag(P.sum(axis=0)) - P.T @ P) / N
        return H[np.ix_([0] + list(range(2, K + 1)), [0] + list(range(2, K + 1)))]

    best = theta.copy()
    best_g = float(np.linalg.norm(nll_grad(theta)[1]))
    newton_steps = 0
    for _ in range(30):
        f, g = nll_grad(theta)
        gr = np.concatenate([[g[0]], g[2:]])
        H = hess_reduced(theta)
        step = np.linalg.solve(H, gr)
        cand = theta.copy()
        cand[0] -= step[0]
        cand[2:] -= step[1:]
        gn = float(np.linalg.norm(nll_grad(cand)[1]))
        newton_steps += 1
        if gn < best_g:
            best, best_g = cand.copy(), gn
            theta = cand
        else:
            break
        if gn < 1e-14:
            break
    T = math.exp(best[0])
    b = best[1:] - best[1:].mean()

    # report at (T, b_centred) in the (T, b) parametrisation
    u = z / T
    s = u + b
    P = softmax_rows(s)
    mx = s.max(axis=1, keepdims=True)
    lse = (mx + np.log(np.exp(s - mx).sum(axis=1, keepdims=True)))[:, 0]
    nll = float(np.mean(lse - s[np.arange(N), y]))
    G = (P - Y) / N
    gT = float(np.sum(G * (-z / (T * T))))
    gb = G.sum(axis=0)
    gnorm = float(math.sqrt(gT * gT + float(np.sum(gb * gb))))
    return {"T": T, "b": b, "nll": nll, "grad_T": gT, "grad_b": gb, "grad_norm": gnorm,
            "lbfgs": lbfgs_info, "newton_steps": newton_steps, "P_val": P}


def labelshift_digits():
    out = {}
    pi_true = np.array([0.7 ** k for k in range(10)])
    pi_true = pi_true / pi_true.sum()
    out["true_prior_test_label"] = val(pi_true.tolist(), "pi_k = 0.7**k / sum_j 0.7**j (Datasets/digits/CARD.md); "
                                                         "numpy: a = 0.7**arange(10) as Python floats, a / a.sum()")
    targets = ["test", "test-label", "test-covariate"]
    for model in ["softmax", "mlp"]:
        zv, yv = load_logits(f"{model}-validation.csv")
        Pv = softmax_rows(zv)
        predv = Pv.argmax(axis=1)
        N = yv.size
        pi_s = np.bincount(yv, minlength=K10) / N
        correct_v = (predv == yv).astype(np.float64)
        mo = {"validation": {"file": f"Datasets/digits/{model}-validation.csv",
                             "columns": "logit_0 .. logit_9, label",
                             "N": N,
                             "pi_s": val(pi_s.tolist(), "numpy.bincount(y_val, minlength=10) / N"),
                             "accuracy": val(float(correct_v.mean()), "mean(argmax p == y) on validation")}}
        Ch, counts, _, _, _, condh = bbse(predv, yv, K10, predv)
        Cs, _, _, _, _, conds = bbse(Pv, yv, K10, Pv, soft=True)
        mo["validation"]["bbse_hard_C_counts"] = val(counts.tolist(), "#{pred = i, y = j} (row i = predicted, column j = true)")
        mo["validation"]["bbse_hard_C"] = val(Ch.tolist(), "counts / N")
        mo["validation"]["bbse_hard_cond"] = val(condh, "numpy.linalg.cond(C) (2-norm)")
        mo["validation"]["bbse_soft_C"] = val(Cs.tolist(), "C[:, j] = p[y == j].sum(axis=0) / N")
        mo["validation"]["bbse_soft_cond"] = val(conds, "numpy.linalg.cond(C_soft) (2-norm)")

        fit = bcts_fit(zv, yv)
        mo["bcts"] = {
            "T": val(fit["T"], "scipy.optimize.minimize(L-BFGS-B on (tau = log T, b), from T=1, b=0, "
                               "ftol=1e-15, gtol=1e-12) then Newton steps in (tau, b_1..b_9 with b_0 = 0); "
                               "T = exp(tau)"),
            "b": val(fit["b"].tolist(), "fitted bias, centred: b - mean(b)"),
            "nll": val(fit["nll"], "mean over validation rows of logsumexp(z/T + b) - (z/T + b)[y]"),
            "grad_T": val(fit["grad_T"], "d nll / dT at (T, b)"),
            "grad_b": val(fit["grad_b"].tolist(), "d nll / db at (T, b) (sums to 0)"),
            "grad_norm": val(fit["grad_norm"], "sqrt(grad_T^2 + |grad_b|^2)"),
            "lbfgs_stage": fit["lbfgs"], "newton_steps": fit["newton_steps"],
            "mean_calibrated_validation_prob": val(fit["P_val"].mean(axis=0).tolist(),
                                                   "mean over validation rows of softmax(z_val/T + b)"),
            "max_abs_mean_calibrated_minus_pi_s": float(np.max(np.abs(fit["P_val"].mean(axis=0) - pi_s))),
        }
        T, b = fit["T"], fit["b"]
        # corrected-accuracy and EM per target
        tout = {}
        for tname in targets:
            zt, yt = load_logits(f"{model}-{tname}.csv")
            Pt = softmax_rows(zt)
            predt = Pt.argmax(axis=1)
            Nt = yt.size
            t = {"file": f"Datasets/digits/{model}-{tname}.csv", "N": Nt,
                 "empirical_label_freq": val((np.bincount(yt, minlength=K10) / Nt).tolist(),
                                             "numpy.bincount(y_target, minlength=10) / N_target")}
            C, _, mu, w, wc, cond = bbse(predv, yv, K10, predt)
            q = wc * pi_s
            t["bbse_hard"] = {
                "mu": val(mu.tolist(), "numpy.bincount(pred_target, minlength=10) / N_target"),
                "w_raw": val(w.tolist(), "numpy.linalg.solve(C, mu)"),
                "w": val(wc.tolist(), "w_raw with negative entries set to 0"),
                "any_negative": bool(np.any(w < 0)),
                "q": val(q.tolist(), "w * pi_s (not renormalised)"),
                "q_sum": float(q.sum()),
                "q_renormalised": val((q / q.sum()).tolist(), "q / q.sum()"),
                "cond": val(cond, "numpy.linalg.cond(C) (2-norm)"),
            }
            Cs_, _, mus, ws, wsc, conds_ = bbse(Pv, yv, K10, Pt, soft=True)
            qs_ = wsc * pi_s
            t["bbse_soft"] = {
                "mu": val(mus.tolist(), "p_target.mean(axis=0)"),
                "w_raw": val(ws.tolist(), "numpy.linalg.solve(C_soft, mu)"),
                "w": val(wsc.tolist(), "w_raw with negative entries set to 0"),
                "any_negative": bool(np.any(ws < 0)),
                "q": val(qs_.tolist(), "w * pi_s (not renormalised)"),
                "q_sum": float(qs_.sum()),
                "q_renormalised": val((qs_ / qs_.sum()).tolist(), "q / q.sum()"),
                "cond": val(conds_, "numpy.linalg.cond(C_soft) (2-norm)"),
            }
            pi_t, it, conv, last = em_prior(Pt, pi_s)
            t["em"] = {"prior": val(pi_t.tolist(), EM_SRC), "iterations": it, "converged": conv,
                       "last_delta": last}
            Ptc = softmax_rows(zt / T + b)
            pi_c, itc, convc, lastc = em_prior(Ptc, pi_s)
            t["bcts_em"] = {"prior": val(pi_c.tolist(), EM_SRC + "; p = softmax(z_target/T + b) with the BCTS fit, "
                                                                 "pi_s = validation label frequencies"),
                            "iterations": itc, "converged": convc, "last_delta": lastc}
            wy = wc[yv]
            corr = math.fsum((wy * correct_v).tolist()) / math.fsum(wy.tolist())
            t["corrected_accuracy_bbse"] = val(corr, "sum_i w[y_i]*correct_i / sum_i w[y_i] over validation rows, "
                                                     "w = bbse_hard.w (clipped), correct_i = [argmax p_i == y_i]; "
                                                     "sums by math.fsum")
            t["true_accuracy"] = val(float(np.mean(predt == yt)), "mean(argmax p == y) on the target")
            if tname == "test-label" and model == "softmax":
                wem = pi_t / pi_s
                Padj = Pt[:20] * wem
                Padj = Padj / Padj.sum(axis=1, keepdims=True)
                t["reweighted_posteriors_first20"] = val(
                    Padj.tolist(), "w = em.prior / pi_s; rows 0..19 of p_target: p * w, divided by the row sum")
                t["reweighted_w"] = val(wem.tolist(), "em.prior / pi_s")
            tout[tname] = t
        mo["targets"] = tout
        out[model] = mo
    return out


def labelshift_penguins():
    hdr, rows = read_csv(DATA / "penguins" / "penguins.csv")
    cols = ["bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g"]
    ci = [hdr.index(c) for c in cols]
    rows = [r for r in rows if all(r[i] != "NA" for i in ci)]
    X = np.array([[float(r[i]) for i in ci] for r in rows])
    y = np.array([r[hdr.index("species")] for r in rows])
    year = np.array([int(r[hdr.index("year")]) for r in rows])
    island = np.array([r[hdr.index("island")] for r in rows])
    src = np.isin(year, [2007, 2008])
    scaler = StandardScaler().fit(X[src])
    model, wfit = call(LogisticRegression(C=1e4, max_iter=10000).fit, scaler.transform(X[src]), y[src])
    classes = [str(c) for c in model.classes_]
    assert classes == ["Adelie", "Chinstrap", "Gentoo"]
    K = 3
    ys = np.array([classes.index(v) for v in y[src]])
    Ps = model.predict_proba(scaler.transform(X[src]))
    preds = Ps.argmax(axis=1)
    pi_s = np.bincount(ys, minlength=K) / ys.size
    out = {
        "data": {"file": "Datasets/penguins/penguins.csv",
                 "features": cols, "label": "species",
                 "rows": "drop rows with 'NA' in any of the four features (2 rows), keep file order; "
                         "source = year in {2007, 2008}; target = year == 2009 and island == <island>"},
        "n_rows_after_drop": int(len(rows)),
        "n_source": int(src.sum()),
        "classes": classes,
        "model": {
            "call": "StandardScaler().fit(X_source); LogisticRegression(C=1e4, max_iter=10000)"
                    ".fit(scaler.transform(X_source), species_source)",
            "scaler_mean": val(scaler.mean_.tolist(), "StandardScaler.mean_"),
            "scaler_scale": val(scaler.scale_.tolist(), "StandardScaler.scale_ (population sd, ddof=0)"),
            "coef": val(model.coef_.tolist(), "LogisticRegression.coef_ (rows = classes)"),
            "intercept": val(model.intercept_.tolist(), "LogisticRegression.intercept_"),
            "n_iter": int(np.asarray(model.n_iter_).ravel()[0]),
            "fit_warnings": wfit,
            "source_accuracy": float(np.mean(preds == ys)),
        },
        "source": {
            "pi_s": val(pi_s.tolist(), "species frequencies of the source rows"),
            "predict_proba_first5": val(Ps[:5].tolist(), "model.predict_proba(scaler.transform(X_source))[:5]"),
        },
        "islands": {},
    }
    _, counts, _, _, _, cond = bbse(preds, ys, K, preds)
    out["source"]["bbse_C_counts"] = val(counts.tolist(), "#{pred = i, y = j} on the source rows")
    out["source"]["bbse_cond"] = val(cond, "numpy.linalg.cond(C) (2-norm)")
    for isl in ["Biscoe", "Dream", "Torgersen"]:
        tm = (year == 2009) & (island == isl)
        Xt = scaler.transform(X[tm])
        Pt = model.predict_proba(Xt)
        yt = np.array([classes.index(v) for v in y[tm]])
        predt = Pt.argmax(axis=1)
        C, _, mu, w, wc, cnd = bbse(preds, ys, K, predt)
        q = wc * pi_s
        pi_t, it, conv, last = em_prior(Pt, pi_s)
        out["islands"][isl] = {
            "N": int(tm.sum()),
            "true_freq": val((np.bincount(yt, minlength=K) / yt.size).tolist(),
                             "species frequencies of the island's 2009 rows"),
            "predict_proba_first5": val(Pt[:5].tolist(), "model.predict_proba(scaler.transform(X_target))[:5]"),
            "accuracy": float(np.mean(predt == yt)),
            "bbse_hard": {"mu": val(mu.tolist(), "share of target rows with argmax predict_proba = i"),
                          "w_raw": val(w.tolist(), "numpy.linalg.solve(C, mu)"),
                          "w": val(wc.tolist(), "negatives set to 0"),
                          "q": val(q.tolist(), "w * pi_s (not renormalised)"),
                          "q_renormalised": val((q / q.sum()).tolist(), "q / q.sum()")},
            "em": {"prior": val(pi_t.tolist(), EM_SRC + "; p = predict_proba"), "iterations": it,
                   "converged": conv, "last_delta": last},
        }
    return out


def labelshift_clip_case():
    """Extra hand-made 3-class BBSE case in which solve(C, mu) has a negative entry (no bundled
    target triggers the clipping)."""
    counts = np.array([[40, 10, 0], [5, 30, 10], [0, 5, 20]])
    pred, y = [], []
    for i in range(3):
        for j in range(3):
            pred += [i] * int(counts[i, j])
            y += [j] * int(counts[i, j])
    pred = np.array(pred)
    y = np.array(y)
    tcounts = [70, 5, 25]
    predt = np.array(sum(([i] * c for i, c in enumerate(tcounts)), []))
    pi_s = np.bincount(y, minlength=3) / y.size
    C, cnt, mu, w, wc, cond = bbse(pred, y, 3, predt)
    q = wc * pi_s
    assert np.any(w < 0)
    return {
        "what": "hand-made: validation rows are (pred, y) pairs with the counts below (rows listed "
                "class by class: all (0,0), then (0,1), ...); target rows are predictions only",
        "validation_pred": pred.tolist(), "validation_y": y.tolist(),
        "target_pred": predt.tolist(),
        "C_counts": val(cnt.tolist(), "#{pred = i, y = j}"),
        "pi_s": val(pi_s.tolist(), "numpy.bincount(y, minlength=3) / N"),
        "mu": val(mu.tolist(), "numpy.bincount(target_pred, minlength=3) / N_target"),
        "w_raw": val(w.tolist(), "numpy.linalg.solve(C, mu)"),
        "w": val(wc.tolist(), "w_raw with negative entries set to 0"),
        "q": val(q.tolist(), "w * pi_s (not renormalised)"),
        "q_sum": float(q.sum()),
        "q_renormalised": val((q / q.sum()).tolist(), "q / q.sum()"),
        "cond": val(cond, "numpy.linalg.cond(C) (2-norm)"),
    }


def labelshift_file():
    obj = header("H: label-shift estimation (BBSE, MLLS/EM, BCTS + EM)")
    obj["digits"] = labelshift_digits()
    obj["penguins"] = labelshift_penguins()
    obj["bbse_clip_synthetic"] = labelshift_clip_case()
    return obj


# ----------------------------------------------------------------------------------------------
# I. multiple testing


def multiple_file():
    vectors = [
        ("length-1", [0.03]),
        ("length-5", [0.01, 0.04, 0.03, 0.005, 0.2]),
        ("length-5-boundary", [0.01, 0.02, 0.03, 0.04, 0.05]),
        ("length-20-ties", [0.008, 0.3, 0.041, 0.001, 0.041, 0.6, 0.02, 0.008, 0.9, 0.041,
                            0.2, 0.05, 0.0025, 0.7, 0.02, 0.45, 0.041, 1.0, 0.0001, 0.12]),
    ]
    alpha = 0.05
    cases = []
    for name, p in vectors:
        adj = stats.false_discovery_control(np.array(p), method="bh")
        d = len(p)
        cases.append({
            "name": name, "p": p, "alpha": alpha,
            "bh_adjusted": val(adj.tolist(), "scipy.stats.false_discovery_control(p, method='bh')"),
            "bh_rejected": val([bool(v <= alpha) for v in adj], "adjusted <= alpha"),
            "bonferroni_threshold": val(alpha / d, "alpha / d"),
            "bonferroni_rejected": val([bool(v < alpha / d) for v in p], "p < alpha / d"),
        })
    obj = header("I: Benjamini-Hochberg and Bonferroni")
    obj["cases"] = cases
    return obj


# ----------------------------------------------------------------------------------------------


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob("*.npy"):
        old.unlink()
    sizes = {}
    for name, fn in [("ks.json", ks_file), ("cvm.json", cvm_file), ("ad.json", ad_file),
                     ("chisq.json", chisq_file), ("psi.json", psi_file), ("mmd.json", mmd_file),
                     ("c2st.json", c2st_file), ("labelshift.json", labelshift_file),
                     ("multiple.json", multiple_file)]:
        sizes[name] = write_json(name, fn())
        print(f"{name}: {sizes[name]} bytes", flush=True)
    for p in sorted(OUT.glob("*.npy")):
        print(f"{p.name}: {p.stat().st_size} bytes")
    if NULLS:
        print("NaN/inf written as null at:", NULLS)


if __name__ == "__main__":
    main()
