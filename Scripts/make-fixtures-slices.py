#!/usr/bin/env python3
"""Reference values for Fathom's slice discovery: SliceLine top-k slices (the `sliceline`
package, Slicefinder(alpha, k, max_l, min_sup).fit) next to an exact brute-force top-k over
every conjunction of 1..max_l predicates, the one-sided Fisher exact test a found slice is
reported with (scipy), and the quantile binning that turns a continuous column into codes
(numpy.quantile + numpy.searchsorted), written as three JSON fixtures in
Tests/FathomCoreTests/Fixtures/slices/ (sliceline.json, fisher.json, bins.json) so the Swift
tests need no Python. See the README.md there for what each file holds.

Run from the repository root:
    python3 -m venv /tmp/venv-slices
    /tmp/venv-slices/bin/pip install -r Scripts/requirements-fixtures-slices.txt
    /tmp/venv-slices/bin/python Scripts/make-fixtures-slices.py
Deterministic: fixed seeds; running it twice gives identical bytes.
numba is deliberately not installed: sliceline then uses its NumPy code paths (_score,
_score_ub), which are the ones the brute force below mirrors.

Encoding: floats by Python's repr (shortest round trip); NaN as null; +inf as the string "inf".
Every reference value names its source (the library call).
"""
import csv
import importlib.metadata as md
import itertools
import json
import logging
import math
import pathlib
import platform
import warnings

import numpy as np
from scipy import stats
from scipy.stats import rankdata

warnings.filterwarnings("ignore", message=".*[Nn]umba.*")
from sliceline.slicefinder import Slicefinder  # noqa: E402

logging.getLogger("sliceline").setLevel(logging.WARNING)
logging.getLogger("sliceline.slicefinder").setLevel(logging.WARNING)

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUTDIR = ROOT / "Tests" / "FathomCoreTests" / "Fixtures" / "slices"
CSV = ROOT / "Datasets" / "av-perception" / "detections.csv"
TOL = 1e-12


def enc(x):
    """Numbers and arrays as JSON-ready values (NaN null, inf "inf")."""
    if isinstance(x, np.ndarray):
        return enc(x.tolist())
    if isinstance(x, (list, tuple)):
        return [enc(v) for v in x]
    if isinstance(x, dict):
        return {k: enc(v) for k, v in x.items()}
    if isinstance(x, (bool, np.bool_)):
        return bool(x)
    if isinstance(x, (int, np.integer)):
        return int(x)
    if isinstance(x, (float, np.floating)):
        x = float(x)
        if math.isnan(x):
            return None
        if math.isinf(x):
            return "inf" if x > 0 else "-inf"
        return x
    return x


def write(name, obj):
    path = OUTDIR / name
    path.write_text(json.dumps(obj, indent=1, allow_nan=False) + "\n")
    print(f"wrote {path.relative_to(ROOT)} ({path.stat().st_size} bytes)")


# ============================================================================== quantile bins
def quantile_bins(x, B):
    """edges = numpy.quantile(x[~isnan], j/B), inner = distinct interior edges strictly inside
    (min, max), codes = numpy.searchsorted(inner, x, side='right') (NaN -> None)."""
    x = np.asarray(x, dtype=float)
    finite = x[~np.isnan(x)]
    edges = np.quantile(finite, [j / B for j in range(B + 1)])
    lo, hi = finite.min(), finite.max()
    inner = np.unique(edges[1:-1])
    inner = inner[(inner > lo) & (inner < hi)]
    codes = [None if math.isnan(v) else int(np.searchsorted(inner, v, side="right")) for v in x]
    return edges, inner, codes


def read_av():
    with CSV.open(newline="") as f:
        rows = list(csv.DictReader(f))
    return rows


rng_bins = np.random.default_rng(20261205)
av_rows = read_av()
av_distance = np.array([float(r["distance_m"]) for r in av_rows])
x_nan = np.round(rng_bins.normal(0, 1, 40), 3)
x_nan[[3, 11, 12, 29]] = np.nan
bin_vectors = {
    "uniform": np.round(rng_bins.uniform(0, 100, 50), 4),
    "heavy_ties": np.array([1.0] * 20 + [2.0] * 5 + [3.0] * 3 + [4.0, 5.0, 9.0, 9.0]),
    "with_nan": x_nan,
    "constant": np.full(12, 2.5),
    "av_distance_m": av_distance,
}
bins_cases = []
for name, v in bin_vectors.items():
    case = {"name": name, "x": enc(v) if name != "av_distance_m" else None,
            "x_source": None if name != "av_distance_m" else "Datasets/av-perception/detections.csv column distance_m (all rows, in file order)",
            "bins": {}}
    for B in (2, 4, 10):
        edges, inner, codes = quantile_bins(v, B)
        case["bins"][str(B)] = {"edges": enc(edges), "inner": enc(inner), "codes": codes}
    bins_cases.append(case)

bins_out = {
    "generator": "Scripts/make-fixtures-slices.py",
    "versions": {"numpy": md.version("numpy"), "python": platform.python_version()},
    "source": {
        "edges": "numpy.quantile(x[~numpy.isnan(x)], [j/B for j in range(B+1)]) (default method='linear')",
        "inner": "numpy.unique(edges[1:-1]) keeping values strictly inside (min, max) of the non-NaN x",
        "codes": "numpy.searchsorted(inner, x, side='right') per non-NaN x; NaN -> null",
    },
    "cases": bins_cases,
}

# ============================================================================== Fisher
def fisher_case(name, N, K, n, k):
    sf = float(stats.hypergeom.sf(k - 1, N, K, n))
    fe = float(stats.fisher_exact([[k, n - k], [K - k, N - n - (K - k)]], alternative="greater").pvalue)
    c = {"name": name, "N": N, "K": K, "n": n, "k": k, "hypergeom_sf": sf, "fisher_exact_greater": fe}
    if sf == 0.0 or fe == 0.0:
        c["note"] = "true p-value is below the smallest double (< 5e-324); the library returned 0.0 (underflow)"
    return c


fisher_cases = [
    fisher_case("small", 20, 7, 5, 3),
    fisher_case("small_all_fail", 20, 7, 5, 5),
    fisher_case("small_k0", 20, 7, 5, 0),
    fisher_case("tea_tasting", 8, 4, 4, 3),
    fisher_case("medium", 2000, 300, 120, 31),
    fisher_case("medium_below_rate", 2000, 300, 120, 10),
    fisher_case("large", 1000000, 20000, 5000, 130),
    fisher_case("large_at_rate", 1000000, 20000, 5000, 100),
    fisher_case("large_k0", 1000000, 20000, 5000, 0),
    fisher_case("large_tail_k220", 1000000, 20000, 5000, 220),
    fisher_case("large_tail_k600", 1000000, 20000, 5000, 600),
    fisher_case("large_tail_k680", 1000000, 20000, 5000, 680),
    fisher_case("large_tail_k720", 1000000, 20000, 5000, 720),
    fisher_case("k_equals_n", 1000, 100, 10, 10),
    fisher_case("k_equals_n_extreme", 1000000, 20000, 5000, 5000),
    fisher_case("slice_is_population", 500, 60, 500, 60),
    fisher_case("all_failures_in_slice", 100000, 400, 400, 400),
    fisher_case("av_like", 20000, 2400, 900, 260),
]
fisher_out = {
    "generator": "Scripts/make-fixtures-slices.py",
    "versions": {"scipy": md.version("scipy"), "numpy": md.version("numpy"), "python": platform.python_version()},
    "meaning": "one-sided test that a slice's failure rate is above the rest's: N rows, K failures in all, "
               "n rows in the slice, k failures in the slice",
    "source": {
        "hypergeom_sf": "scipy.stats.hypergeom.sf(k-1, N, K, n)",
        "fisher_exact_greater": "scipy.stats.fisher_exact([[k, n-k], [K-k, N-n-(K-k)]], alternative='greater').pvalue",
    },
    "cases": fisher_cases,
}

# ============================================================================== SliceLine
def score_of(alpha, n, avg, size, esum):
    # exactly Slicefinder._score's NumPy path
    return alpha * ((esum / size) / avg - 1) - (1 - alpha) * (n / size - 1)


def all_slices(codes, levels, errors, alpha, max_l, min_sup):
    """Every conjunction of 1..max_l predicates on distinct features with size >= min_sup,
    error_sum > 0, score > 0: list of (predicates, score, error_sum, max_error, size)."""
    n = len(errors)
    avg = float(np.mean(errors))
    m = len(codes)
    masks = [[codes[j] == v for v in range(levels[j])] for j in range(m)]
    out = []
    for l in range(1, max_l + 1):
        for feats in itertools.combinations(range(m), l):
            for vals in itertools.product(*[range(levels[j]) for j in feats]):
                mask = masks[feats[0]][vals[0]]
                for j, v in zip(feats[1:], vals[1:]):
                    mask = mask & masks[j][v]
                size = int(mask.sum())
                if size < min_sup or size == 0:
                    continue
                e = errors[mask]
                esum = float(e.sum())
                if not esum > 0:
                    continue
                sc = float(score_of(alpha, n, avg, float(size), esum))
                if not sc > 0:
                    continue
                out.append(([[int(j), int(v)] for j, v in zip(feats, vals)], sc, esum, float(e.max()), size))
    return out


def brute_force(codes, levels, errors, alpha, k, max_l, min_sup):
    cand = all_slices(codes, levels, errors, alpha, max_l, min_sup)
    if not cand:
        return [], cand
    scores = np.array([c[1] for c in cand])
    keep = rankdata(-scores, method="min") <= k
    top = [c for c, kp in zip(cand, keep) if kp]
    top.sort(key=lambda c: (-c[1], c[0]))
    return [slice_dict(*c) for c in top], cand


def slice_dict(preds, score, esum, emax, size):
    return {"predicates": preds, "score": score, "error_sum": esum, "max_error": emax,
            "size": int(size), "average_error": esum / size}


def run_sliceline(codes, errors, alpha, k, max_l, min_sup):
    X = np.column_stack(codes).astype(np.int64)
    sf = Slicefinder(alpha=alpha, k=k, max_l=max_l, min_sup=min_sup, verbose=False)
    sf.fit(X, errors)
    res = []
    for row, st in zip(sf.top_slices_, sf.top_slices_statistics_):
        preds = [[int(j), int(v)] for j, v in enumerate(row) if v is not None]
        res.append({"predicates": preds, "score": st["slice_score"], "error_sum": st["sum_slice_error"],
                    "max_error": st["max_slice_error"], "size": int(st["slice_size"]),
                    "average_error": st["slice_average_error"]})
    return res, sf.average_error_


def close(a, b):
    return math.isclose(a, b, rel_tol=TOL, abs_tol=TOL)


def same(a, b):
    if len(a) != len(b):
        return False
    for x, y in zip(a, b):
        if x["predicates"] != y["predicates"] or x["size"] != y["size"]:
            return False
        for f in ("score", "error_sum", "max_error", "average_error"):
            if not close(x[f], y[f]):
                return False
    return True


def tie_free(cand, k):
    """True when the k+2 best scores among all valid slices are pairwise distinct (beyond 1e-9)."""
    s = sorted((c[1] for c in cand), reverse=True)[: k + 2]
    return all(s[i] - s[i + 1] > 1e-9 for i in range(len(s) - 1))


def make_case(name, description, codes, levels, errors, alpha, k, max_l, min_sup, names=None,
              require_tie_free=True):
    codes = [np.asarray(c, dtype=np.int64) for c in codes]
    errors = np.asarray(errors, dtype=float)
    for c, L in zip(codes, levels):
        assert c.min() >= 0 and c.max() < L and len(np.unique(c)) == L, (name, "every level must occur")
    sl, avg = run_sliceline(codes, errors, alpha, k, max_l, min_sup)
    bf, cand = brute_force(codes, levels, errors, alpha, k, max_l, min_sup)
    tf = tie_free(cand, k)
    if require_tie_free:
        assert tf, f"{name}: ties in the top k+2; pick another seed"
    case = {"name": name, "description": description, "n": int(len(errors)), "levels": list(levels)}
    if names is not None:
        case["names"] = names
    case |= {
        "codes": enc(codes), "errors": enc(errors),
        "params": {"alpha": alpha, "k": k, "max_l": max_l, "min_sup": min_sup},
        "average_error": float(np.mean(errors)),
        "valid_slices": len(cand),
        "tie_free_top_k_plus_2": tf,
        "sliceline": sl,
        "brute_force": bf,
        "agree": same(sl, bf),
    }
    assert case["average_error"] == avg
    print(f"  {name}: sliceline {len(sl)} slices, brute force {len(bf)} (of {len(cand)} valid), agree={case['agree']}")
    return case


def levels_codes(rng, n, levels):
    """Codes with every level present (uniform, then the first L rows forced to 0..L-1)."""
    cs = []
    for L in levels:
        c = rng.integers(0, L, n)
        c[:L] = np.arange(L)
        cs.append(c)
    return cs


cases = []

# (a) binary errors, planted two-way interaction
rng = np.random.default_rng(101)
n, lev = 2000, [3, 4, 5, 3]
codes = levels_codes(rng, n, lev)
p = np.full(n, 0.08)
p[(codes[1] == 2) & (codes[2] == 4)] = 0.55
p[codes[0] == 1] += 0.03
err = (rng.random(n) < p).astype(float)
cases.append(make_case("a_binary_two_way", "0/1 errors; base rate 0.08 (0.11 where f0=1); planted f1=2 & f2=4 at 0.55",
                       codes, lev, err, 0.95, 5, 2, 20))

# (b) continuous errors, exponential, scaled up in a planted three-way slice. With alpha=0.6 the
# size term (1-alpha)*(n/size-1) is heavy, so the features have few levels and the effect is large.
rng = np.random.default_rng(202)
n, lev = 3000, [2, 2, 3, 2, 4]
codes = levels_codes(rng, n, lev)
scale = np.ones(n)
scale[(codes[0] == 0) & (codes[1] == 1) & (codes[3] == 0)] = 40.0
scale[codes[4] == 2] *= 1.3
err = np.round(rng.exponential(1.0, n) * scale, 6)
cases.append(make_case("b_continuous_exponential", "exponential(1) errors (rounded to 6 decimals) scaled x40 where "
                       "f0=0 & f1=1 & f3=0 and x1.3 where f4=2",
                       codes, lev, err, 0.6, 4, 3, 10))

# (c) three-way planted slice
rng = np.random.default_rng(303)
n, lev = 4000, [3, 3, 4, 4]
codes = levels_codes(rng, n, lev)
p = np.full(n, 0.05)
p[(codes[0] == 1) & (codes[1] == 2) & (codes[3] == 0)] = 0.95
err = np.round(rng.random(n) * 0.05 + (rng.random(n) < p) * rng.uniform(0.8, 1.2, n), 6)
cases.append(make_case("c_three_way", "continuous errors (rounded to 6 decimals): U(0,0.05) + U(0.8,1.2) failures at rate 0.05, "
                       "0.95 in f0=1 & f1=2 & f3=0",
                       codes, lev, err, 0.9, 3, 3, 30))

# (d) few slices pass: large min_sup, k=10 so the top-k is not full
rng = np.random.default_rng(404)
n, lev = 1500, [3, 4, 3]
codes = levels_codes(rng, n, lev)
scale = np.ones(n)
scale[codes[0] == 2] = 1.6
scale[(codes[1] == 1) & (codes[2] == 0)] *= 1.5
err = np.round(rng.exponential(1.0, n) * scale, 6)
cases.append(make_case("d_few_pass", "exponential errors (rounded to 6 decimals) x1.6 where f0=2, x1.5 where f1=1 & f2=0; min_sup=300 so few slices qualify",
                       codes, lev, err, 0.95, 10, 3, 300))

# (e) bundled av-perception detections
weather = [r["weather"] for r in av_rows]
lighting = [r["lighting"] for r in av_rows]
wn, ln = sorted(set(weather)), sorted(set(lighting))
edges, inner, dcodes = quantile_bins(av_distance, 4)
dn = []
bounds = [-math.inf] + [float(v) for v in inner] + [math.inf]
for i in range(len(bounds) - 1):
    lo, hi = bounds[i], bounds[i + 1]
    dn.append(f"[{lo!r}, {hi!r})" if i > 0 and i < len(bounds) - 2 else
              (f"< {hi!r}" if i == 0 else f">= {lo!r}"))
av_codes = [[wn.index(w) for w in weather], [ln.index(x) for x in lighting], dcodes]
av_err = np.array([1.0 if float(r["loss"]) > 2.3 else 0.0 for r in av_rows])
case_e = make_case("e_av_perception",
                   "Datasets/av-perception/detections.csv: features weather, lighting (codes = sorted distinct text), "
                   "distance_m in 4 quantile bins (bins.json method: numpy.quantile edges, searchsorted(inner, x, 'right')); "
                   "errors = (loss > 2.3) as 0/1",
                   av_codes, [len(wn), len(ln), len(inner) + 1], av_err, 0.95, 5, 2, 50,
                   names=[wn, ln, dn], require_tie_free=False)
case_e["feature_names"] = ["weather", "lighting", "distance_m"]
case_e["distance_inner_edges"] = enc(inner)
cases.append(case_e)

sl_out = {
    "generator": "Scripts/make-fixtures-slices.py",
    "versions": {n_: md.version(n_) for n_ in ["sliceline", "numpy", "scipy", "scikit-learn"]} | {"python": platform.python_version()},
    "source": {
        "sliceline": "sliceline.Slicefinder(alpha, k, max_l, min_sup, verbose=False).fit(X, errors), X = codes as an "
                     "int64 (n, features) array; predicates from top_slices_ (None = feature unused), statistics from "
                     "top_slices_statistics_ (slice_score, sum_slice_error, max_slice_error, slice_size, slice_average_error)",
        "brute_force": "every conjunction of 1..max_l predicates on distinct features; kept if size >= min_sup, error_sum > 0, "
                       "score > 0; score = alpha*((error_sum/size)/average_error - 1) - (1-alpha)*(n/size - 1); "
                       "top-k = scipy.stats.rankdata(-score, method='min') <= k; sorted by score descending then predicates",
        "average_error": "numpy.mean(errors)",
        "agree": "same slices in the same order with size equal and score, error_sum, max_error, average_error within 1e-12 (relative or absolute)",
        "valid_slices": "number of conjunctions passing the brute-force filters",
        "tie_free_top_k_plus_2": "the k+2 best brute-force scores are pairwise distinct (gap > 1e-9)",
    },
    "cases": cases,
}

OUTDIR.mkdir(parents=True, exist_ok=True)
write("sliceline.json", sl_out)
write("fisher.json", fisher_out)
write("bins.json", bins_out)
