#!/usr/bin/env python3
"""Reference values for Fathom's reliability (calibration) metrics, recalibration methods,
monitors, selective risk and binomial intervals, written as JSON fixtures to
Tests/FathomCoreTests/Fixtures/reliability/ so that the Swift tests need no Python.

Files written (all documented in Tests/FathomCoreTests/Fixtures/reliability/README.md):
    datasets.json       the inputs (probabilities, labels, logits, weights)
    metrics.json        accuracy, nll, brier, ece/mce/ace, equal-mass ece, L2 and debiased ece,
                        classwise ece, smooth ECE, weighted metrics, reliability tables
    recalibration.json  temperature, platt, isotonic, histogram binning, vector scaling, beta
    monitors.json       confidence/margin/entropy, risk-coverage, AURC, selective guaranteed risk
    binomial.json       Clopper-Pearson intervals

Every reference value carries a "source": the library call that produced it, or
"numpy re-implementation (<why>)".

Run from the repository root:
    python3 -m venv .venv-reliability
    .venv-reliability/bin/pip install -r Scripts/requirements-fixtures-reliability.txt
    .venv-reliability/bin/python Scripts/make-fixtures-reliability.py
Deterministic: fixed seeds, single-threaded BLAS; running it twice gives identical bytes.
"""
import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import contextlib  # noqa: E402
import importlib.metadata as _md  # noqa: E402
import io  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import pathlib  # noqa: E402
import platform  # noqa: E402
import warnings  # noqa: E402

import numpy as np  # noqa: E402
from scipy import optimize, stats  # noqa: E402
from scipy.special import entr, expit, logsumexp  # noqa: E402

from sklearn.base import BaseEstimator, ClassifierMixin  # noqa: E402
from sklearn.calibration import CalibratedClassifierCV, _sigmoid_calibration  # noqa: E402
from sklearn.frozen import FrozenEstimator  # noqa: E402
from sklearn.isotonic import IsotonicRegression  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.metrics import brier_score_loss, log_loss  # noqa: E402

import relplot  # noqa: E402
from netcal.binning import HistogramBinning  # noqa: E402
from netcal.metrics import ACE, ECE, MCE  # noqa: E402
import calibration as kumar  # noqa: E402  (uncertainty-calibration, Kumar et al.)
from betacal import BetaCalibration  # noqa: E402

# betacal calls warnings.filterwarnings("ignore") globally on every fit; beta_case() resets the
# warning filters afterwards (nothing computed here depends on warnings).

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "Tests" / "FathomCoreTests" / "Fixtures" / "reliability"
DATA = ROOT / "Datasets"
EPS = float(np.finfo(np.float64).eps)  # 2.220446049250313e-16

GENERATOR = "Scripts/make-fixtures-reliability.py"


def versions():
    names = ["numpy", "scipy", "scikit-learn", "netcal", "relplot", "uncertainty-calibration",
             "betacal", "torch"]
    v = {n: _md.version(n) for n in names}
    v["python"] = platform.python_version()
    return v


VERSIONS = versions()


# ----------------------------------------------------------------------------------------------
# helpers


def fl(x):
    """Python float (json writes repr = shortest round-trip)."""
    return float(x)


def tolist(a):
    a = np.asarray(a)
    if a.dtype.kind in "iub":
        return a.astype(int).tolist()
    return a.astype(np.float64).tolist()


def softmax_rows(z):
    z = np.asarray(z, dtype=np.float64)
    m = z.max(axis=1, keepdims=True)
    e = np.exp(z - m)
    return e / e.sum(axis=1, keepdims=True)


def as_matrix(p):
    """Binary vector q -> [1-q, q] (1.0 - q in double); matrices unchanged."""
    p = np.asarray(p, dtype=np.float64)
    if p.ndim == 1:
        return np.column_stack([1.0 - p, p])
    return p


def top_label(P, y):
    conf = P.max(axis=1)
    pred = P.argmax(axis=1)  # numpy: first (lowest) index on ties
    correct = (pred == y).astype(np.float64)
    return conf, pred, correct


def bins_definition(c, B):
    return np.minimum(np.floor(c * B).astype(np.int64), B - 1)


def bins_netcal(c, B):
    """netcal's assignment: clip to [eps, 1-eps], edges np.linspace(0, 1, B+1), a value v goes to
    the bin i with edges[i] <= v < edges[i+1] (np.digitize / searchsorted side='right')."""
    e = np.linspace(0.0, 1.0, B + 1)
    v = np.clip(c, EPS, 1.0 - EPS)
    return np.searchsorted(e, v, side="right") - 1


def bins_kumar(c, B):
    """uncertainty-calibration get_equal_prob_bins: upper edges [i*1.0/B for i in 1..B],
    np.searchsorted(edges, c) (side='left'): bin b holds (edges[b-1], edges[b]]."""
    e = [i * 1.0 / B for i in range(1, B + 1)]
    return np.searchsorted(e, c)


def bin_table(conf, correct, idx, B, w=None):
    if w is None:
        w = np.ones_like(conf)
    n = np.bincount(idx, weights=w, minlength=B)
    sc = np.bincount(idx, weights=w * conf, minlength=B)
    sa = np.bincount(idx, weights=w * correct, minlength=B)
    cnt = np.bincount(idx, minlength=B)
    nz = cnt > 0
    conf_b = np.zeros(B)
    acc_b = np.zeros(B)
    conf_b[nz] = sc[nz] / n[nz]
    acc_b[nz] = sa[nz] / n[nz]
    return n, cnt, conf_b, acc_b, nz


def ece_from_table(n, conf_b, acc_b, nz, total):
    return float(np.sum(n[nz] / total * np.abs(acc_b[nz] - conf_b[nz])))


def ece_def(conf, correct, B, w=None):
    idx = bins_definition(conf, B)
    n, cnt, cb, ab, nz = bin_table(conf, correct, idx, B, w)
    total = n.sum()
    return ece_from_table(n, cb, ab, nz, total)


def mce_def(conf, correct, B):
    idx = bins_definition(conf, B)
    n, cnt, cb, ab, nz = bin_table(conf, correct, idx, B)
    return float(np.max(np.abs(ab[nz] - cb[nz])))


def ace_def(conf, correct, B):
    idx = bins_definition(conf, B)
    n, cnt, cb, ab, nz = bin_table(conf, correct, idx, B)
    return float(np.mean(np.abs(ab[nz] - cb[nz])))


def ece_equal_mass_def(conf, correct, B):
    order = np.argsort(conf, kind="stable")
    groups = np.array_split(order, B)
    N = len(conf)
    tot = 0.0
    sizes = []
    for g in groups:
        sizes.append(len(g))
        if len(g) == 0:
            continue
        tot += len(g) / N * abs(correct[g].mean() - conf[g].mean())
    return float(tot), sizes


def ece_l2_def(conf, correct, B, debias, singleton="drop"):
    """sqrt(sum_b (n_b/N)(acc_b-conf_b)^2); debias subtracts acc_b(1-acc_b)/(n_b-1) in bins with
    n_b >= 2. singleton='drop': a bin with n_b = 1 contributes 0 (Kumar's convention);
    singleton='keep': it contributes its plain (n_b/N)(acc_b-conf_b)^2."""
    idx = bins_definition(conf, B)
    n, cnt, cb, ab, nz = bin_table(conf, correct, idx, B)
    N = n.sum()
    tot = 0.0
    for b in range(B):
        if cnt[b] == 0:
            continue
        term = (ab[b] - cb[b]) ** 2
        if debias:
            if cnt[b] >= 2:
                term -= ab[b] * (1.0 - ab[b]) / (cnt[b] - 1.0)
            elif singleton == "drop":
                term = 0.0
        tot += n[b] / N * term
    raw = float(tot)
    return float(math.sqrt(max(raw, 0.0))), raw


def quiet(fn, *a, **k):
    """Call fn swallowing its stdout (netcal prints warnings)."""
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        r = fn(*a, **k)
    return r, buf.getvalue().strip()


def rel(a, b):
    a = float(a)
    b = float(b)
    d = abs(a - b)
    return d / max(abs(b), 1e-300) if d else 0.0


def val(value, source, **extra):
    d = {"value": fl(value) if not isinstance(value, (list, dict, str, type(None), bool)) else value,
         "source": source}
    d.update(extra)
    return d


def write_json(name, obj):
    text = json.dumps(obj, indent=1, allow_nan=False, ensure_ascii=False) + "\n"
    (OUT / name).write_text(text, encoding="utf-8")
    return len(text.encode("utf-8"))


# ----------------------------------------------------------------------------------------------
# datasets


def load_logits(fname):
    a = np.loadtxt(DATA / "digits" / fname, delimiter=",", skiprows=1)
    z = a[:, :10]
    y = a[:, 10].astype(np.int64)
    return z, y


def edges_dataset():
    """Hand-made 3-class rows (max, pred, label) with confidences on bin edges of B = 5, 10, 15,
    argmax ties, rows with confidence exactly 1, and class 2 never predicted (but present in y)."""
    t = 1.0 / 3.0
    rows = [
        # confidences exactly on edges (0.4 = 2/5 = 4/10 = 6/15 ...)
        ([0.4, 0.3, 0.3], 0), ([0.4, 0.3, 0.3], 1), ([0.3, 0.4, 0.3], 1), ([0.3, 0.4, 0.3], 2),
        ([0.6, 0.2, 0.2], 0), ([0.6, 0.2, 0.2], 0), ([0.2, 0.6, 0.2], 2), ([0.2, 0.6, 0.2], 1),
        ([0.8, 0.1, 0.1], 0), ([0.8, 0.1, 0.1], 0), ([0.8, 0.1, 0.1], 1), ([0.1, 0.8, 0.1], 1),
        ([0.7, 0.2, 0.1], 0), ([0.7, 0.1, 0.2], 2),                       # 0.7: edge of B = 10
        ([0.2, 0.7, 0.1], 1),
        ([0.9, 0.05, 0.05], 0), ([0.05, 0.9, 0.05], 1),                  # 0.9: edge of B = 10
        ([0.5, 0.25, 0.25], 0), ([0.25, 0.5, 0.25], 2),                   # 0.5: edge of B = 10
        ([2.0 / 3.0, 1.0 / 6.0, 1.0 / 6.0], 0), ([1.0 / 6.0, 2.0 / 3.0, 1.0 / 6.0], 0),  # 10/15
        ([11.0 / 15.0, 2.0 / 15.0, 2.0 / 15.0], 0),                       # 11/15 = 0.7333...
        ([13.0 / 15.0, 1.0 / 15.0, 1.0 / 15.0], 1),                       # 13/15
        ([14.0 / 15.0, 0.0, 1.0 / 15.0], 0),                              # 14/15, an exact zero
        ([7.0 / 15.0, 4.0 / 15.0, 4.0 / 15.0], 0),                        # 7/15
        # confidence exactly 1
        ([1.0, 0.0, 0.0], 0), ([0.0, 1.0, 0.0], 1), ([1.0, 0.0, 0.0], 2),
        # argmax ties: lowest index wins
        ([0.4, 0.4, 0.2], 1), ([0.4, 0.4, 0.2], 0), ([0.2, 0.4, 0.4], 2), ([0.2, 0.4, 0.4], 1),
        ([0.45, 0.1, 0.45], 2), ([0.45, 0.1, 0.45], 0),
        ([t, t, t], 0), ([t, t, t], 2),                                   # 1/3: on no edge
        # ordinary rows
        ([0.55, 0.35, 0.1], 1), ([0.35, 0.55, 0.1], 1), ([0.62, 0.3, 0.08], 2),
        ([0.95, 0.04, 0.01], 0),
    ]
    P = np.array([r[0] for r in rows], dtype=np.float64)
    y = np.array([r[1] for r in rows], dtype=np.int64)
    return P, y


def build_datasets():
    ds = {}
    z, y = load_logits("mlp-test.csv")
    ds["digits-mlp-test"] = dict(K=10, p=softmax_rows(z), y=y, logits=z,
                                 origin="Datasets/digits/mlp-test.csv; p = softmax(logits)")
    z, y = load_logits("mlp-validation.csv")
    ds["digits-mlp-validation"] = dict(K=10, p=softmax_rows(z), y=y, logits=z,
                                       origin="Datasets/digits/mlp-validation.csv; p = softmax(logits)")
    z, y = load_logits("softmax-test.csv")
    ds["digits-softmax-test"] = dict(K=10, p=softmax_rows(z), y=y, logits=z,
                                     origin="Datasets/digits/softmax-test.csv; p = softmax(logits)")
    z, y = load_logits("softmax-validation.csv")
    ds["digits-softmax-validation"] = dict(
        K=10, p=softmax_rows(z), y=y, logits=z,
        origin="Datasets/digits/softmax-validation.csv; p = softmax(logits) "
               "(extra: fits temperature scaling for digits-softmax)")

    rng = np.random.default_rng(1)
    P = rng.dirichlet([0.6, 0.6, 0.6], size=600)
    truth = P ** (1.0 / 1.6)
    truth = truth / truth.sum(axis=1, keepdims=True)
    u = rng.random(600)
    yd = np.minimum((u[:, None] > np.cumsum(truth, axis=1)).sum(axis=1), 2).astype(np.int64)
    ds["dirichlet-3class"] = dict(
        K=3, p=P, y=yd,
        origin="rng = numpy.random.default_rng(1); p = rng.dirichlet([0.6,0.6,0.6], size=600); "
               "truth = p**(1/1.6) normalised per row (= softmax(log(p)/1.6), a FLATTER version of p, "
               "so that p is over-confident); u = rng.random(600); y_i = min(#{k : u_i > cumsum(truth_i)_k}, 2)")

    bc = np.loadtxt(DATA / "breast-cancer" / "test-predictions.csv", delimiter=",", skiprows=1)
    ybc = bc[:, 0].astype(np.int64)
    ds["binary-naive-bayes"] = dict(K=2, p=bc[:, 1].copy(), y=ybc,
                                    origin="Datasets/breast-cancer/test-predictions.csv: q = p_naive_bayes, y = label")
    ds["binary-logistic"] = dict(K=2, p=bc[:, 2].copy(), y=ybc,
                                 origin="Datasets/breast-cancer/test-predictions.csv: q = p_logistic, y = label")

    Pe, ye = edges_dataset()
    ds["edges"] = dict(K=3, p=Pe, y=ye,
                       origin="hand-made in the script (edges_dataset): confidences on bin edges of "
                              "B = 5, 10, 15, argmax ties, confidence exactly 1, class 2 never predicted")

    w = np.random.default_rng(8).uniform(0.2, 3.0, size=600)
    ds["weights"] = dict(K=3, p=P, y=yd, w=w,
                         origin="dirichlet-3class with w = numpy.random.default_rng(8).uniform(0.2, 3.0, size=600)")
    yt = ds["digits-mlp-test"]["y"]
    w2 = np.random.default_rng(9).uniform(0.2, 3.0, size=len(yt))
    ds["weights-digits"] = dict(K=10, p=ds["digits-mlp-test"]["p"], y=yt, w=w2,
                                origin="extra: digits-mlp-test with w = numpy.random.default_rng(9).uniform(0.2, 3.0, size=360) "
                                       "(its weighted ECE depends on the binning, unlike dataset 'weights')")
    return ds


# ----------------------------------------------------------------------------------------------
# relplot smECE re-implementation (to prove the README's description)


def _rp_grid(f, y, G):
    values = np.zeros(G)
    bins = (f * (G - 1)).astype(int).clip(0, G - 2)
    frac = f * (G - 1) - bins
    np.add.at(values, bins, (1 - frac) * y)
    np.add.at(values, bins + 1, frac * y)
    return values


def _rp_apply(f, y, x_eval, sigma):
    E = max(2000, round(20 / sigma))
    G = E // 2 + 1
    values = _rp_grid(f, y, G)
    t = np.linspace(0, 1, G)
    ker = np.exp(-(t - 0.5) * (t - 0.5) / (2 * sigma ** 2)) / (np.sqrt(2 * np.pi) * sigma)
    ext = np.concatenate([np.flip(values)[:-1], values, np.flip(values)[1:]])
    sm = np.convolve(ext, ker, "valid")[G // 2: G // 2 + G]
    inds = (x_eval * (G - 1)).astype(int).clip(0, G - 2)
    bs = 1 / (G - 1)
    resid = (x_eval - inds * bs) / bs
    return sm[inds] * (1 - resid) + sm[inds + 1] * resid


def smece_sigma_reimpl(f, y, sigma):
    T = max(round(10 / sigma), 200)
    t = np.linspace(0, 1, T)
    r = f - y
    ys = _rp_apply(f, r, t, sigma)
    dens = _rp_apply(f, np.ones_like(r), t, sigma) + 0.0001
    rs = ys / dens
    return float(np.sum(np.abs(rs) * dens) / np.sum(dens))


def smece_trace(f, y):
    """The bisection of relplot.smECE, recorded step by step."""
    steps = []

    def pred(a):
        s = relplot.smECE_sigma(f, y, a)
        ok = bool(a < 0.001 or a < s)
        steps.append({"sigma": fl(a), "smece_at_sigma": fl(s), "predicate_sigma_lt_smece": ok})
        return ok

    if pred(1):
        return 1.0, steps
    start, end = 1, 0
    for _ in range(10):
        mid = (start + end) / 2
        if pred(mid):
            end = mid
        else:
            start = mid
    return float(start), steps


# ----------------------------------------------------------------------------------------------
# metrics.json


def metrics_for(name, d):
    K = d["K"]
    y = d["y"]
    binary = K == 2 and d["p"].ndim == 1
    P = as_matrix(d["p"])
    N = len(y)
    conf, pred, correct = top_label(P, y)
    out = {"K": K, "N": N}

    out["accuracy"] = val(correct.mean(), "numpy: mean(argmax_k p_ik == y_i), ties -> lowest index")

    # nll
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sk = log_loss(y, P, labels=list(range(K)))
    py = P[np.arange(N), y]
    nll_def = float(np.mean(-np.log(np.maximum(py, EPS))))
    nll_sk_clip = float(np.mean(-np.log(np.clip(py, EPS, 1 - EPS))))
    out["nll"] = val(sk, "sklearn.metrics.log_loss(y, P, labels=range(K)) (clips P to [eps, 1-eps], eps=2.220446049250313e-16)",
                     definition_max_eps=nll_def,
                     definition_source="numpy: mean(-log(max(p_iy, 2.220446049250313e-16))) (REFERENCES.md)",
                     rel_diff_sklearn_vs_definition=rel(sk, nll_def),
                     numpy_clip_both_sides=nll_sk_clip,
                     rows_with_p_iy_exactly_1=int(np.sum(py == 1.0)),
                     rows_with_p_iy_below_eps=int(np.sum(py < EPS)))
    if binary:
        sk1 = log_loss(y, d["p"])
        out["nll"]["sklearn_on_vector_q"] = fl(sk1)

    # brier
    onehot = np.eye(K)[y]
    brier_m = float(np.mean(np.sum((P - onehot) ** 2, axis=1)))
    sk_b = brier_score_loss(y, P, labels=list(range(K)), scale_by_half=False)
    out["brier"] = val(brier_m, "numpy: mean_i sum_k (p_ik - [y_i=k])^2 (not halved)",
                       sklearn_brier_score_loss_scale_by_half_false=fl(sk_b),
                       rel_diff_sklearn=rel(sk_b, brier_m))
    if binary:
        q = d["p"]
        bv = float(np.mean((q - y) ** 2))
        out["brier"]["binary_vector_mean_sq"] = fl(bv)
        out["brier"]["binary_vector_source"] = "numpy: mean((q - y)^2) = sklearn.metrics.brier_score_loss(y, q) (default scale_by_half='auto' halves the 2-column sum)"
        out["brier"]["sklearn_brier_score_loss_default_on_q"] = fl(brier_score_loss(y, q))
        out["brier"]["note"] = ("For a binary vector q the 2-column matrix [1-q, q] gives sum_k = 2 (q-y)^2, so 'value' "
                                "(matrix definition) = 2 x binary_vector_mean_sq. REFERENCES.md states both the matrix "
                                "formula and 'for a binary vector: mean (q-y)^2'; they differ by exactly a factor 2.")
    else:
        out["brier"]["sklearn_brier_score_loss_default"] = fl(brier_score_loss(y, P, labels=list(range(K))))
        out["brier"]["note"] = "sklearn >= 1.7 brier_score_loss on >= 3 columns: scale_by_half='auto' does NOT halve, equals the definition."

    Bs = [5, 10, 15] if name == "edges" else [10, 15]
    ece = {}
    for B in Bs:
        e_def = ece_def(conf, correct, B)
        nc, msg = quiet(ECE(bins=B).measure, P, y)
        entry = {"value": fl(e_def),
                 "source": "numpy re-implementation of the definition (top-label, bin = min(floor(c*B), B-1))",
                 "netcal": fl(nc),
                 "netcal_call": "netcal.metrics.ECE(bins=B).measure(P, y) with P the N x K matrix ([1-q, q] for binary)",
                 "abs_diff_netcal": fl(abs(nc - e_def))}
        if binary:
            e_pos = ece_def(d["p"], y.astype(np.float64), B)
            entry["netcal_note"] = ("netcal treats a 2-column matrix with <= 2 distinct labels as BINARY: it bins q = column 1 "
                                    "and compares with y (positive-class calibration), NOT the top-label view. "
                                    "netcal value equals positive_class_definition.")
            entry["positive_class_definition"] = fl(e_pos)
        kb = kumar.lower_bound_scaling_ce(P, y, p=1, debias=False, num_bins=B,
                                          binning_scheme=kumar.utils.get_equal_prob_bins, mode="top-label")
        entry["kumar_get_ece"] = fl(kb)
        entry["kumar_get_ece_call"] = ("calibration.get_ece(P, y, num_bins=B) = lower_bound_scaling_ce(P, y, p=1, debias=False, "
                                       "num_bins=B, binning_scheme=get_equal_prob_bins, mode='top-label'); bins (lower, upper]")
        # bins agreement
        entry["rows_binned_differently_netcal_vs_definition"] = int(np.sum(bins_netcal(conf, B) != bins_definition(conf, B)))
        entry["rows_binned_differently_kumar_vs_definition"] = int(np.sum(bins_kumar(conf, B) != bins_definition(conf, B)))
        ece[str(B)] = entry
    out["ece"] = ece

    mce, ace = {}, {}
    for B in Bs:
        m_def = mce_def(conf, correct, B)
        a_def = ace_def(conf, correct, B)
        mn, _ = quiet(MCE(bins=B).measure, P, y)
        an, _ = quiet(ACE(bins=B).measure, P, y)
        me = {"value": fl(m_def), "source": "numpy re-implementation: max over non-empty equal-width bins of |acc_b - conf_b|",
              "netcal": fl(mn), "netcal_call": "netcal.metrics.MCE(bins=B).measure(P, y)", "abs_diff_netcal": fl(abs(mn - m_def))}
        ae = {"value": fl(a_def), "source": "numpy re-implementation: mean over non-empty equal-width bins of |acc_b - conf_b|",
              "netcal": fl(an), "netcal_call": "netcal.metrics.ACE(bins=B).measure(P, y) (equal_intervals=True default: equal-width bins)",
              "abs_diff_netcal": fl(abs(an - a_def))}
        if binary:
            me["netcal_note"] = ae["netcal_note"] = "netcal on a 2-column binary matrix measures positive-class calibration (bins on q, target y), see ece"
            me["positive_class_definition"] = fl(mce_def(d["p"], y.astype(np.float64), B))
            ae["positive_class_definition"] = fl(ace_def(d["p"], y.astype(np.float64), B))
        mce[str(B)] = me
        ace[str(B)] = ae
    out["mce"] = mce
    out["ace"] = ace

    # equal mass
    em = {}
    for B in Bs:
        v, sizes = ece_equal_mass_def(conf, correct, B)
        try:
            nc, _ = quiet(ECE(bins=B, equal_intervals=False).measure, P, y)
            nc_err = None
        except ValueError as exc:  # duplicate quantile edges
            nc, nc_err = None, f"netcal raised ValueError: {exc}"
        kem = kumar.get_ece_em(P, y, num_bins=B)
        ties = 0
        order = np.argsort(conf, kind="stable")
        sc = conf[order]
        cuts = np.cumsum(sizes)[:-1]
        ties = int(sum(1 for c in cuts if 0 < c < len(sc) and sc[c - 1] == sc[c]))
        em[str(B)] = {"value": fl(v),
                      "source": "numpy re-implementation: stable argsort of conf, numpy.array_split(order, B), "
                                "sum_b (n_b/N)|acc_b - conf_b| over non-empty groups",
                      "group_sizes": sizes,
                      "group_boundaries_splitting_tied_confidences": ties,
                      "kumar_get_ece_em": fl(kem),
                      "kumar_call": "calibration.get_ece_em(P, y, num_bins=B): edges = midpoints between consecutive "
                                    "array_split groups of the sorted confidences, bins (lower, upper], duplicate edges merged",
                      "abs_diff_kumar": fl(abs(kem - v)),
                      "netcal_equal_intervals_false": None if nc is None else fl(nc),
                      "netcal_error": nc_err,
                      "netcal_call": "netcal.metrics.ECE(bins=B, equal_intervals=False).measure(P, y): edges = "
                                     "np.quantile(conf, linspace(0,1,B+1)) (linear interpolation) with first/last set to 0/1, "
                                     "bins [lower, upper) - NOT the array_split semantics",
                      "abs_diff_netcal": None if nc is None else fl(abs(nc - v))}
    out["ece_equal_mass"] = em

    # L2 and debiased
    l2 = {}
    for B in Bs:
        v2, raw2 = ece_l2_def(conf, correct, B, debias=False)
        vd, rawd = ece_l2_def(conf, correct, B, debias=True, singleton="drop")
        vk, rawk = ece_l2_def(conf, correct, B, debias=True, singleton="keep")
        k_plug = kumar.lower_bound_scaling_ce(P, y, p=2, debias=False, num_bins=B,
                                              binning_scheme=kumar.utils.get_equal_prob_bins, mode="top-label")
        k_deb = kumar.lower_bound_scaling_ce(P, y, p=2, debias=True, num_bins=B,
                                             binning_scheme=kumar.utils.get_equal_prob_bins, mode="top-label")
        idx = bins_definition(conf, B)
        cnt = np.bincount(idx, minlength=B)
        l2[str(B)] = {
            "norm2": {"value": fl(v2), "source": "numpy re-implementation: sqrt(sum_b (n_b/N)(acc_b - conf_b)^2)",
                      "kumar": fl(k_plug),
                      "kumar_call": "calibration.lower_bound_scaling_ce(P, y, p=2, debias=False, num_bins=B, "
                                    "binning_scheme=calibration.utils.get_equal_prob_bins, mode='top-label')",
                      "abs_diff_kumar": fl(abs(k_plug - v2))},
            "norm2_debiased": {"value": fl(vd),
                               "source": "numpy re-implementation: sum over bins with n_b >= 2 of (n_b/N)[(acc_b-conf_b)^2 - "
                                         "acc_b(1-acc_b)/(n_b-1)]; bins with n_b = 1 contribute 0 (Kumar's convention); "
                                         "clip the sum at 0; sqrt",
                               "sum_before_clip": fl(rawd),
                               "kumar": fl(k_deb),
                               "kumar_call": "calibration.lower_bound_scaling_ce(P, y, p=2, debias=True, num_bins=B, "
                                             "binning_scheme=calibration.utils.get_equal_prob_bins, mode='top-label')",
                               "abs_diff_kumar": fl(abs(k_deb - vd)),
                               "singleton_bins": int(np.sum(cnt == 1)),
                               "variant_singletons_keep_plain_term": fl(vk),
                               "variant_singletons_keep_plain_term_sum_before_clip": fl(rawk)},
        }
    # the call as written in the brief (defaults: marginal mode, equal-mass bins for continuous scores)
    try:
        kdef = kumar.get_calibration_error(P if not binary else d["p"], y, p=2, debias=True)
        l2["kumar_get_calibration_error_defaults"] = {
            "value": fl(kdef),
            "source": "calibration.get_calibration_error(probs, y, p=2, debias=True) with its defaults: mode='marginal' "
                      "(classwise, root-mean-square over classes), equal-MASS bins (get_equal_bins, 15 bins) unless the "
                      "scores are 'discrete'; binary datasets pass the vector q. NOT the same quantity as norm2_debiased; "
                      "for information only"}
    except Exception as exc:  # pragma: no cover
        l2["kumar_get_calibration_error_defaults"] = {"value": None, "source": f"failed: {exc!r}"}
    out["ece_l2"] = l2

    # classwise
    cw = {}
    for B in Bs:
        per_def, per_nc, per_tl = [], [], []
        for k in range(K):
            pk = P[:, k]
            yk = (y == k).astype(np.int64)
            per_def.append(ece_def(pk, yk.astype(np.float64), B))
            nc, _ = quiet(ECE(bins=B).measure, np.column_stack([1.0 - pk, pk]), yk)
            per_nc.append(nc)
            Mk = np.column_stack([1.0 - pk, pk])
            ck, _, corrk = top_label(Mk, yk)
            per_tl.append(ece_def(ck, corrk, B))
        cw[str(B)] = {"value": fl(np.mean(per_def)),
                      "source": "numpy re-implementation: mean over k of the binary ECE of (p_.k, [y==k]) (bins on p_.k)",
                      "per_class": tolist(per_def),
                      "netcal": fl(np.mean(per_nc)),
                      "netcal_per_class": tolist(per_nc),
                      "netcal_call": "mean_k netcal.metrics.ECE(bins=B).measure(column_stack([1-p_.k, p_.k]), (y==k).astype(int))",
                      "abs_diff_netcal": fl(abs(np.mean(per_nc) - np.mean(per_def))),
                      "variant_top_label_of_binary_matrix": fl(np.mean(per_tl)),
                      "variant_top_label_of_binary_matrix_per_class": tolist(per_tl),
                      "variant_note": "top-label ECE of each [1-p_.k, p_.k] with labels [y==k] (conf = max(p, 1-p)); "
                                      "NOT the REFERENCES.md definition (which is 'value' = netcal); shown because the brief's "
                                      "wording could be read this way"}
    out["ece_classwise"] = cw

    # smooth ECE
    f = conf.astype(np.float64)
    yy = correct.astype(np.float64)
    sm, sigma = relplot.smECE(f, yy, return_width=True)
    sigma_trace, steps = smece_trace(f, yy)
    assert sigma_trace == sigma
    fixed = {}
    for s in (0.01, 0.05, 0.1):
        v = relplot.smECE_sigma(f, yy, s)
        fixed[str(s)] = {"value": fl(v), "source": f"relplot.smECE_sigma(f, y, sigma={s})",
                         "reimpl_abs_diff": fl(abs(smece_sigma_reimpl(f, yy, s) - v))}
    reimpl = smece_sigma_reimpl(f, yy, sigma)
    out["smece"] = {"value": fl(sm), "source": "relplot.smECE(f, y) with f = conf_i, y = correct_i (top-label view)",
                    "sigma": fl(sigma),
                    "sigma_source": "relplot.smECE(f, y, return_width=True)[1]",
                    "reimpl_abs_diff": fl(abs(reimpl - sm)),
                    "reimpl_note": "numpy re-implementation of the algorithm in README.md evaluated at sigma",
                    "at_fixed_sigma": fixed,
                    "bisection": steps}

    # reliability table
    if name in ("digits-mlp-test", "edges"):
        B = 15
        idx = bins_definition(conf, B)
        n, cnt, cb, ab, nz = bin_table(conf, correct, idx, B)
        rows = []
        for b in range(B):
            if not nz[b]:
                continue
            rows.append({"bin": b, "lower": fl(b / B), "upper": fl((b + 1) / B), "count": int(cnt[b]),
                         "mean_confidence": fl(cb[b]), "accuracy": fl(ab[b]), "gap": fl(ab[b] - cb[b])})
        out["reliability_table_15"] = {"bins": rows,
                                       "source": "numpy re-implementation: definition bins min(floor(c*15), 14); lower = b/15, "
                                                 "upper = (b+1)/15 (Python true division); gap = accuracy - mean_confidence"}
    if name == "edges":
        bi = {}
        for B in (5, 10, 15):
            bi[str(B)] = {"definition": tolist(bins_definition(conf, B)),
                          "netcal": tolist(bins_netcal(conf, B)),
                          "kumar": tolist(bins_kumar(conf, B))}
        out["top_label"] = {"conf": tolist(conf), "pred": tolist(pred), "correct": tolist(correct.astype(int))}
        out["bin_index"] = {"by_B": bi,
                            "source": "definition: min(floor(c*B), B-1); netcal: clip c to [eps, 1-eps], largest i with "
                                      "linspace(0,1,B+1)[i] <= c; kumar: number of upper edges i*1.0/B (i=1..B) that are < c",
                            "netcal_edges": {str(B): tolist(np.linspace(0, 1, B + 1)) for B in (5, 10, 15)}}
    return out


def weighted_metrics(d):
    P = d["p"]
    y = d["y"]
    w = d["w"]
    K = d["K"]
    N = len(y)
    conf, pred, correct = top_label(P, y)
    W = w.sum()
    acc = float(np.sum(w * correct) / W)
    py = P[np.arange(N), y]
    nll = float(np.sum(w * -np.log(np.maximum(py, EPS))) / W)
    nll_sk = log_loss(y, P, labels=list(range(K)), sample_weight=w)
    onehot = np.eye(K)[y]
    brier = float(np.sum(w * np.sum((P - onehot) ** 2, axis=1)) / W)
    brier_sk = brier_score_loss(y, P, labels=list(range(K)), sample_weight=w, scale_by_half=False)
    out = {"accuracy": val(acc, "numpy re-implementation: sum_i w_i correct_i / sum_i w_i"),
           "nll": val(nll, "numpy re-implementation: sum_i w_i (-log max(p_iy, eps)) / sum_i w_i",
                      sklearn=fl(nll_sk), sklearn_call="sklearn.metrics.log_loss(y, P, labels=range(K), sample_weight=w)",
                      rel_diff_sklearn=rel(nll_sk, nll)),
           "brier": val(brier, "numpy re-implementation: sum_i w_i sum_k (p_ik - [y_i=k])^2 / sum_i w_i",
                        sklearn=fl(brier_sk),
                        sklearn_call="sklearn.metrics.brier_score_loss(y, P, labels=range(K), sample_weight=w, scale_by_half=False)",
                        rel_diff_sklearn=rel(brier_sk, brier))}
    ece = {}
    for B in (10, 15):
        idx = bins_definition(conf, B)
        n, cnt, cb, ab, nz = bin_table(conf, correct, idx, B, w)
        ece[str(B)] = {"value": fl(ece_from_table(n, cb, ab, nz, W)),
                       "source": "numpy re-implementation: n_b -> sum_{i in b} w_i, N -> sum_i w_i, acc_b and conf_b "
                                 "weighted means; equal-width top-label bins",
                       "bin_weight": tolist(n), "bin_count": tolist(cnt),
                       "bin_conf": tolist(cb), "bin_acc": tolist(ab),
                       "unweighted_for_comparison": fl(ece_def(conf, correct, B))}
    out["ece"] = ece
    out["sum_w"] = fl(W)
    return out


# ----------------------------------------------------------------------------------------------
# recalibration.json


class LogitPassthrough(ClassifierMixin, BaseEstimator):
    """A 'classifier' whose decision_function returns its input: lets CalibratedClassifierCV
    calibrate fixed logits through the public API (wrapped in FrozenEstimator)."""

    def fit(self, X, y):
        self.classes_ = np.unique(y)
        return self

    def decision_function(self, X):
        return np.asarray(X, dtype=np.float64)

    def predict(self, X):
        return self.classes_[np.argmax(X, axis=1)]


def nll_logits(z, y):
    return float(np.mean(logsumexp(z, axis=1) - z[np.arange(len(y)), y]))


def temperature_case(zv, yv, zt, yt, label):
    def f(T):
        return nll_logits(zv / T, yv)

    res = optimize.minimize_scalar(f, bounds=(0.01, 100), method="bounded", options={"xatol": 1e-12})
    T_scipy = float(res.x)

    # Newton polish on beta = 1/T (the NLL is convex in beta)
    beta = 1.0 / T_scipy
    N = len(yv)
    zy = zv[np.arange(N), yv]
    for _ in range(50):
        P = softmax_rows(beta * zv)
        Ez = np.sum(P * zv, axis=1)
        g = float(np.mean(Ez - zy))
        h = float(np.mean(np.sum(P * zv * zv, axis=1) - Ez * Ez))
        step = g / h
        beta -= step
        if abs(step) < 1e-15 * beta:
            break
    T_newton = 1.0 / beta
    P = softmax_rows(zv / T_newton)
    g_final = float(np.mean(np.sum(P * zv, axis=1) - zy))

    cal = CalibratedClassifierCV(FrozenEstimator(LogitPassthrough().fit(zv, yv)), method="temperature")
    cal.fit(zv, yv)
    beta_sk = float(cal.calibrated_classifiers_[0].calibrators[0].beta_)
    T_sk = 1.0 / beta_sk
    Pt_sk = cal.predict_proba(zt)

    Pt = softmax_rows(zt / T_scipy)
    before, _ = quiet(ECE(bins=15).measure, softmax_rows(zt), yt)
    after, _ = quiet(ECE(bins=15).measure, Pt, yt)
    return {
        "fit_on": label[0], "apply_to": label[1],
        "T": val(T_scipy, "scipy.optimize.minimize_scalar(NLL(T), bounds=(0.01, 100), method='bounded', "
                          "options={'xatol': 1e-12}); NLL(T) = mean_i [logsumexp(z_i/T) - z_iy/T]"),
        "T_newton": val(T_newton, "numpy: Newton iterations on beta = 1/T from the scipy solution, to |step| < 1e-15 beta",
                        dNLL_dbeta_at_T_newton=fl(g_final)),
        "T_sklearn": val(T_sk, "1 / CalibratedClassifierCV(FrozenEstimator(LogitPassthrough()), method='temperature')"
                               ".fit(logits_val, y_val).calibrated_classifiers_[0].calibrators[0].beta_ "
                               "(fixed logits fed through a passthrough decision_function; sklearn minimises over log(beta) "
                               "in (-10, 10) with minimize_scalar, xatol = 64 eps)",
                         rel_diff_vs_scipy=rel(T_sk, T_scipy), rel_diff_newton_vs_scipy=rel(T_newton, T_scipy)),
        "nll_at_T": val(f(T_scipy), "numpy NLL on the fit set at T"),
        "nll_at_T1": val(f(1.0), "numpy NLL on the fit set at T = 1"),
        "test_nll_before": val(nll_logits(zt, yt), "numpy NLL on the test set at T = 1"),
        "test_nll_after": val(nll_logits(zt / T_scipy, yt), "numpy NLL on the test set at T"),
        "test_probabilities": val(tolist(Pt), "numpy: stable softmax(test_logits / T)",
                                  max_abs_diff_vs_sklearn_predict_proba=fl(np.max(np.abs(Pt_sk - Pt)))),
        "test_ece15_before": val(before, "netcal.metrics.ECE(bins=15).measure(softmax(test_logits), y_test)"),
        "test_ece15_after": val(after, "netcal.metrics.ECE(bins=15).measure(softmax(test_logits / T), y_test)"),
    }


def platt_exact(s, y):
    """Newton on Platt's objective with smoothed targets (the same objective as
    sklearn._sigmoid_calibration) to machine precision."""
    n1 = float(np.sum(y > 0))
    n0 = float(len(y) - n1)
    T = np.where(y > 0, (n1 + 1) / (n1 + 2), 1.0 / (n0 + 2))
    A, B = 0.0, math.log((n0 + 1) / (n1 + 1))
    for _ in range(200):
        r = -(A * s + B)
        pr = expit(r)
        gr = pr - T  # dL/dr
        g = np.array([-(gr @ s), -gr.sum()])
        wgt = pr * (1 - pr)
        H = np.array([[np.sum(wgt * s * s), np.sum(wgt * s)], [np.sum(wgt * s), np.sum(wgt)]])
        step = np.linalg.solve(H, g)
        # damped Newton (the objective is convex)
        def L(a, b):
            rr = -(a * s + b)
            return float(np.sum(np.logaddexp(0, rr) - T * rr))
        t = 1.0
        L0 = L(A, B)
        while t > 1e-10 and L(A - t * step[0], B - t * step[1]) > L0 + 1e-14 * abs(L0):
            t /= 2
        A -= t * step[0]
        B -= t * step[1]
        if np.max(np.abs(step)) < 1e-15 * max(1.0, abs(A), abs(B)):
            break
    r = -(A * s + B)
    gr = expit(r) - T
    return A, B, float(np.max(np.abs([gr @ s, gr.sum()]))), T


def platt_case(s, y, what):
    A, B = _sigmoid_calibration(s, y)
    A, B = float(A), float(B)
    Ae, Be, gmax, T = platt_exact(s, y)
    grid = np.linspace(float(np.min(s)), float(np.max(s)), 11)
    return {
        "predictions": what,
        "s": tolist(s),
        "targets": {"t_plus": fl((np.sum(y > 0) + 1.0) / (np.sum(y > 0) + 2.0)), "t_minus": fl(1.0 / (np.sum(y <= 0) + 2.0))},
        "A": val(A, "sklearn.calibration._sigmoid_calibration(s, y)[0] (L-BFGS-B, gtol 1e-6; inputs with max|s| >= 30 are "
                    "divided by max|s| before fitting and A rescaled after)"),
        "B": val(B, "sklearn.calibration._sigmoid_calibration(s, y)[1]"),
        "A_converged": val(Ae, "numpy: damped Newton on the same objective to machine precision",
                           rel_diff_sklearn=rel(A, Ae)),
        "B_converged": val(Be, "numpy: damped Newton on the same objective", rel_diff_sklearn=rel(B, Be),
                           max_abs_gradient=gmax),
        "calibrated": val(tolist(expit(-(A * s + B))), "1/(1+exp(A*s+B)) with sklearn's A, B (= scipy.special.expit(-(A*s+B)))"),
        "calibrated_converged": val(tolist(expit(-(Ae * s + Be))), "1/(1+exp(A*s+B)) with the converged A, B"),
        "grid": tolist(grid),
        "calibrated_grid": val(tolist(expit(-(A * grid + B))), "sklearn's A, B on grid = linspace(min s, max s, 11)"),
    }


def isotonic_binary(q, y):
    iso = IsotonicRegression(out_of_bounds="clip", y_min=0, y_max=1, increasing=True).fit(q, y)
    grid = np.linspace(0, 1, 101)
    outside = np.array([-1.0, -0.5, -1e-9, 1.0 + 1e-9, 1.5, 2.0])
    return {
        "fit_on": "binary-naive-bayes (q, y)",
        "call": "sklearn.isotonic.IsotonicRegression(out_of_bounds='clip', y_min=0, y_max=1, increasing=True).fit(q, y)",
        "X_thresholds": tolist(iso.X_thresholds_), "y_thresholds": tolist(iso.y_thresholds_),
        "X_min": fl(iso.X_min_), "X_max": fl(iso.X_max_),
        "predict_inputs": val(tolist(iso.predict(q)), "iso.predict(q)"),
        "grid": tolist(grid),
        "predict_grid": val(tolist(iso.predict(grid)), "iso.predict(numpy.linspace(0, 1, 101))"),
        "outside": tolist(outside),
        "predict_outside": val(tolist(iso.predict(outside)), "iso.predict(outside) (clipped to [X_min, X_max] first)"),
        "note": "q has min 0 and max 1 exactly, so 'outside' points lie outside [0, 1].",
    }


def isotonic_multiclass(Pv, yv, Pt):
    K = Pv.shape[1]
    cols = []
    per = []
    for k in range(K):
        iso = IsotonicRegression(out_of_bounds="clip", y_min=0, y_max=1, increasing=True).fit(Pv[:, k], (yv == k).astype(float))
        cols.append(iso.predict(Pt[:, k]))
        per.append({"X_thresholds": tolist(iso.X_thresholds_), "y_thresholds": tolist(iso.y_thresholds_)})
    Q = np.column_stack(cols)
    s = Q.sum(axis=1, keepdims=True)
    zero = (s[:, 0] == 0)
    R = np.where(s > 0, Q / np.where(s > 0, s, 1.0), 1.0 / K)
    return {
        "fit_on": "digits-mlp-validation", "apply_to": "digits-mlp-test",
        "call": "per class k: IsotonicRegression(out_of_bounds='clip', y_min=0, y_max=1, increasing=True)"
                ".fit(p_val[:,k], y_val==k).predict(p_test[:,k]); rows divided by their sum; a row whose sum is 0 becomes uniform 1/K",
        "per_class": per,
        "unnormalised": val(tolist(Q), "sklearn IsotonicRegression per class (before renormalisation)"),
        "probabilities": val(tolist(R), "numpy renormalisation of 'unnormalised'"),
        "rows_with_zero_sum": tolist(np.nonzero(zero)[0]),
    }


def histbin_replica_binary(x_fit, y_fit, x_apply, B):
    e = np.linspace(0.0, 1.0, B + 1)
    xf = np.clip(x_fit, EPS, 1 - EPS)
    bi = np.searchsorted(e, xf, side="right") - 1  # [lower, upper)
    m = (y_fit == 1).astype(float)
    cnt = np.bincount(bi, minlength=B)
    s = np.bincount(bi, weights=m, minlength=B)
    mp = np.where(cnt > 0, s / np.where(cnt > 0, cnt, 1), 0.5 * (e[:-1] + e[1:]))
    ti = np.digitize(x_apply, e, right=True) - 1  # (lower, upper]
    ti[ti == -1] = 0
    ti[ti == B] = B - 1
    return np.clip(mp[ti], 0, 1), mp, cnt


def histbin_cases(q, y, Pv, yv, Pt):
    B = 15
    hb = HistogramBinning(bins=B)
    _, msg1 = quiet(hb.fit, q, y)
    out_b = hb.transform(q)
    rep_b, map_b, cnt_b = histbin_replica_binary(q, y, q, B)
    binary = {
        "fit_on": "binary-naive-bayes", "apply_to": "binary-naive-bayes",
        "call": "netcal.binning.HistogramBinning(bins=15).fit(q, y).transform(q) (q the 1-D vector)",
        "bin_map": val(tolist(hb._bin_map), "HistogramBinning._bin_map after fit"),
        "bin_counts_fit": tolist(cnt_b),
        "calibrated": val(tolist(out_b), "HistogramBinning.transform(q)"),
        "replica_max_abs_diff": fl(np.max(np.abs(rep_b - out_b))),
    }
    hm = HistogramBinning(bins=B)
    _, msg2 = quiet(hm.fit, Pv, yv)
    (out_m), msg3 = quiet(hm.transform, Pt)
    maps = {}
    raw = np.zeros_like(Pt)
    for (label, model) in hm._multiclass_instances:
        maps[str(label)] = tolist(model._bin_map)
        r, mp, cnt = histbin_replica_binary(Pv[:, label], (yv == label).astype(np.int64), Pt[:, label], B)
        raw[:, label] = r
    rsum = raw.sum(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        rep = np.clip(raw / rsum, 0, 1)
    nan_rows = np.nonzero(np.isnan(out_m).any(axis=1))[0]
    multi = {
        "fit_on": "digits-mlp-validation", "apply_to": "digits-mlp-test",
        "call": "netcal.binning.HistogramBinning(bins=15).fit(p_val, y_val).transform(p_test)",
        "bin_maps_per_class": val(maps, "HistogramBinning._multiclass_instances[k][1]._bin_map"),
        "unnormalised": val(tolist(raw), "numpy replica: each class's binary map applied to p_test[:, k] (before row normalisation)"),
        "calibrated": val(tolist(np.nan_to_num(out_m, nan=-1.0)), "HistogramBinning.transform(p_test) (NaN written as -1; see nan_rows)"),
        "nan_rows": tolist(nan_rows),
        "replica_max_abs_diff": fl(np.nanmax(np.abs(np.nan_to_num(rep, nan=-1.0) - np.nan_to_num(out_m, nan=-1.0)))),
        "fit_stdout": " | ".join([m for m in (msg2, msg3) if m]),
    }
    return binary, multi


def _vs_fg(zv, yv):
    N, K = zv.shape
    Y = np.eye(K)[yv]

    def fg(theta):
        w = theta[:K]
        b = theta[K:]
        a = zv * w + b
        lse = logsumexp(a, axis=1)
        nll = float(np.mean(lse - a[np.arange(N), yv]))
        P = np.exp(a - lse[:, None])
        G = (P - Y) / N
        return nll, np.concatenate([np.sum(G * zv, axis=0), np.sum(G, axis=0)])

    return fg


def _vs_hessian(zv, theta):
    N, K = zv.shape
    P = softmax_rows(zv * theta[:K] + theta[K:])
    H = np.zeros((2 * K, 2 * K))
    for i in range(N):
        pi = P[i]
        S = (np.diag(pi) - np.outer(pi, pi)) / N
        zi = zv[i]
        H[:K, :K] += S * np.outer(zi, zi)
        H[:K, K:] += S * zi[:, None]
        H[K:, :K] += S * zi[None, :]
        H[K:, K:] += S
    return H


def _vs_fit(zv, yv, theta0):
    K = zv.shape[1]
    fg = _vs_fg(zv, yv)
    res = optimize.minimize(fg, theta0, jac=True, method="L-BFGS-B",
                            options={"gtol": 1e-10, "ftol": 0.0, "maxiter": 100000, "maxfun": 100000, "maxcor": 30})
    theta = res.x.copy()
    # Newton polish (the Hessian has a null direction, b + c*1: lstsq step)
    for _ in range(30):
        nll, g = fg(theta)
        H = _vs_hessian(zv, theta)
        step = np.linalg.lstsq(H, g, rcond=None)[0]
        theta_new = theta - step
        nll_new, g_new = fg(theta_new)
        if nll_new <= nll or np.max(np.abs(g_new)) < np.max(np.abs(g)):
            theta = theta_new
        else:
            break
        if np.max(np.abs(step)) < 1e-13:
            break
    theta[K:] -= np.mean(theta[K:])
    return theta, res


def vector_scaling(zv, yv, zt, yt, label):
    N, K = zv.shape
    fg = _vs_fg(zv, yv)
    theta, res = _vs_fit(zv, yv, np.concatenate([np.ones(K), np.zeros(K)]))
    # second start to check that the optimum is unique
    rs = np.random.default_rng(5)
    theta2, _ = _vs_fit(zv, yv, np.concatenate([rs.uniform(0.5, 2.0, K), rs.normal(0.0, 1.0, K)]))
    nll, g = fg(theta)
    H = _vs_hessian(zv, theta)
    ev = np.linalg.eigvalsh(H)
    w = theta[:K]
    b = theta[K:]
    Pt = softmax_rows(zt * w + b)
    Pt2 = softmax_rows(zt * theta2[:K] + theta2[K:])
    before, _ = quiet(ECE(bins=15).measure, softmax_rows(zt), yt)
    after, _ = quiet(ECE(bins=15).measure, Pt, yt)
    nll_lbfgs, g_lbfgs = fg(res.x)
    sep = [int(k) for k in range(K) if zv[yv == k, k].min() > zv[yv != k, k].max()]
    out = {
        "fit_on": label[0], "apply_to": label[1],
        "w": val(tolist(w), "scipy.optimize.minimize(method='L-BFGS-B', jac=analytic, gtol=1e-10, ftol=0, maxcor=30) from w=1, b=0, "
                            "then Newton steps (numpy lstsq on the dense Hessian) to rounding level"),
        "b": val(tolist(b), "as w, then centred: b - mean(b)"),
        "nll": val(nll, "mean NLL of softmax(z*w + b) on the fit set"),
        "nll_at_identity": fl(fg(np.concatenate([np.ones(K), np.zeros(K)]))[0]),
        "max_abs_gradient": fl(np.max(np.abs(g))),
        "hessian_eigenvalues": tolist(ev),
        "second_start_max_abs_param_diff": fl(np.max(np.abs(theta2 - theta))),
        "second_start_max_abs_test_prob_diff": fl(np.max(np.abs(Pt2 - Pt))),
        "classes_separable_by_own_logit": sep,
        "lbfgs_only": {"nll": fl(nll_lbfgs), "max_abs_gradient": fl(np.max(np.abs(g_lbfgs))), "message": str(res.message),
                       "nit": int(res.nit)},
        "test_probabilities": val(tolist(Pt), "numpy: stable softmax(z_test * w + b)"),
        "test_nll_before": val(nll_logits(zt, yt), "numpy NLL on the test set at w=1, b=0"),
        "test_nll_after": val(nll_logits(zt * w + b, yt), "numpy NLL on the test set"),
        "test_ece15_before": val(before, "netcal.metrics.ECE(bins=15).measure(softmax(z_test), y_test)"),
        "test_ece15_after": val(after, "netcal.metrics.ECE(bins=15).measure(softmax(z_test*w+b), y_test)"),
    }
    if sep:
        out["mle_exists"] = False
        out["warning"] = (
            "NO FINITE MAXIMUM-LIKELIHOOD SOLUTION: class(es) %s are perfectly separated by their own logit on the fit set "
            "(for class 0: min z_0 over its rows = %r > max z_0 over the other rows = %r), so increasing w_k while lowering b_k "
            "decreases the NLL without bound (towards its infimum). The optimiser stops where the saturated probabilities make "
            "the gradient vanish in floating point; w, b and the test probabilities are PATH-DEPENDENT (see "
            "second_start_*). Do not test parameters against these values; the digits-softmax case is the reference."
            % (sep, float(zv[yv == sep[0], sep[0]].min()), float(zv[yv != sep[0], sep[0]].max())))
    else:
        out["mle_exists"] = True
    return out


def beta_exact(x, y, cols):
    """Unregularised logistic regression (Newton/IRLS) on the given feature columns + intercept."""
    X = np.column_stack([x[:, c] for c in cols] + [np.ones(len(y))])
    theta = np.zeros(X.shape[1])
    for _ in range(200):
        pr = expit(X @ theta)
        g = X.T @ (pr - y)
        H = (X * (pr * (1 - pr))[:, None]).T @ X
        step = np.linalg.solve(H, g)
        def L(t):
            a = X @ t
            return float(np.sum(np.logaddexp(0, a) - y * a))
        t = 1.0
        L0 = L(theta)
        while t > 1e-10 and L(theta - t * step) > L0 + 1e-14 * abs(L0):
            t /= 2
        theta = theta - t * step
        if np.max(np.abs(step)) < 1e-14 * max(1.0, np.max(np.abs(theta))):
            break
    pr = expit(X @ theta)
    return theta, float(np.max(np.abs(X.T @ (pr - y))))


def beta_case(q, y):
    s = np.clip(q, 1e-15, 1 - 1e-15)
    bc = BetaCalibration(parameters="abm").fit(s, y)
    warnings.resetwarnings()
    a, b, m = (float(v) for v in bc.calibrator_.map_)
    lr = bc.calibrator_.lr_
    c = float(lr.intercept_[0])
    coef = [float(v) for v in lr.coef_[0]]
    # which branch: refit on one feature if a or b negative
    x = np.column_stack([np.log(s), -np.log(1.0 - s)])
    # betacal does not expose its first (2-feature) fit: redo it with the same call to report the branch taken
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        lr2 = LogisticRegression(C=99999999999).fit(x, y)
    branch = "both a, b >= 0: 2-feature fit kept"
    cols = [0, 1]
    if lr2.coef_[0][0] < 0:
        branch = "first fit gave a < 0: refit on -ln(1-s) only, a = 0"
        cols = [1]
    elif lr2.coef_[0][1] < 0:
        branch = "first fit gave b < 0: refit on ln s only, b = 0"
        cols = [0]
    theta, gmax = beta_exact(x, y.astype(float), cols)
    if cols == [0, 1]:
        ae, be_, ce = theta
    elif cols == [1]:
        ae, be_, ce = 0.0, theta[0], theta[1]
    else:
        ae, be_, ce = theta[0], 0.0, theta[1]

    def mu(a_, b_, c_, t):
        t = np.clip(t, EPS, 1 - EPS)
        return expit(a_ * np.log(t) - b_ * np.log(1 - t) + c_)

    # exact m: b ln(1-m) - a ln m = c
    try:
        m_exact = optimize.brentq(lambda mm: be_ * math.log(1 - mm) - ae * math.log(mm) - ce, 1e-300, 1 - 1e-16, xtol=1e-300, rtol=4 * EPS)
    except ValueError:
        m_exact = None
    grid = np.linspace(0, 1, 101)
    pred_in = bc.predict(s)
    pred_grid = bc.predict(grid)
    return {
        "fit_on": "binary-naive-bayes, s = clip(q, 1e-15, 1 - 1e-15)",
        "s": tolist(s),
        "call": "betacal.BetaCalibration(parameters='abm').fit(s, y)",
        "branch": branch,
        "first_fit_coef": [fl(v) for v in lr2.coef_[0]],
        "a": val(a, "betacal map_[0]"), "b": val(b, "betacal map_[1]"),
        "m": val(m, "betacal map_[2]: minimize_scalar(|b ln(1-m) - a ln m - c|, bounds [0,1], method='Bounded') "
                    "(default xatol 1e-5, so m is only accurate to ~1e-5)"),
        "c": val(c, "betacal lr_.intercept_[0] (internal LogisticRegression(C=99999999999), lbfgs, default tol 1e-4)"),
        "lr_coef": coef,
        "converged": {"a": fl(ae), "b": fl(be_), "c": fl(ce), "m": None if m_exact is None else fl(m_exact),
                      "max_abs_gradient": gmax,
                      "source": "numpy: Newton on the unregularised logistic log-likelihood with the same feature set "
                                "as betacal's final fit; m from scipy.optimize.brentq on b ln(1-m) - a ln m = c",
                      "rel_diff_betacal": {"a": rel(a, ae), "b": rel(b, be_) if be_ != 0 else abs(b), "c": rel(c, ce)}},
        "calibrated_inputs": val(tolist(pred_in), "BetaCalibration.predict(s) = 1/(1+exp(-(a ln s - b ln(1-s) + c)))"),
        "calibrated_inputs_converged": val(tolist(mu(ae, be_, ce, s)), "same formula with the converged a, b, c"),
        "grid": tolist(grid),
        "calibrated_grid": val(tolist(pred_grid), "BetaCalibration.predict(linspace(0,1,101)); betacal clips inputs to [eps, 1-eps]"),
        "calibrated_grid_converged": val(tolist(mu(ae, be_, ce, grid)), "converged parameters, grid clipped to [eps, 1-eps]"),
    }


# ----------------------------------------------------------------------------------------------
# monitors.json


def risk_coverage(score, correct):
    order = np.argsort(-score, kind="stable")
    err = 1.0 - correct[order]
    j = np.arange(1, len(score) + 1)
    risks = np.cumsum(err) / j
    return risks, order


def sgr(score, correct, rstar, delta):
    m = len(score)
    ks = np.sort(score, kind="stable")
    k = int(math.ceil(math.log2(m)))
    zmin, zmax = 0, m
    last = None
    trace = []
    for i in range(1, k + 1):
        z = int(math.ceil((zmin + zmax) / 2))
        zc = min(max(z, 1), m)
        theta = float(ks[zc - 1])
        S = score >= theta
        mi = int(S.sum())
        e = int(np.sum(1.0 - correct[S]))
        rhat = e / mi
        bstar = 1.0 if e == mi else float(stats.beta.ppf(1 - delta / k, e + 1, mi - e))
        ok = bstar < rstar
        trace.append({"i": i, "z": z, "theta": fl(theta), "m_i": mi, "errors": e, "risk": fl(rhat),
                      "bound": fl(bstar), "bound_below_target": bool(ok)})
        if ok:
            zmax = z
            last = {"theta": fl(theta), "coverage": fl(mi / m), "risk": fl(rhat), "bound": fl(bstar),
                    "m_i": mi, "errors": e}
        else:
            zmin = z
    return {"r_star": rstar, "delta": delta, "k": k, "result": last if last is not None else "none", "trace": trace,
            "source": "numpy/scipy re-implementation of Geifman & El-Yaniv (2017) Algorithm 1 as specified in README.md; "
                      "bound = scipy.stats.beta.ppf(1 - delta/k, e + 1, m_i - e)"}


def monitors(ds):
    out = {}
    for name in ("digits-mlp-test", "dirichlet-3class"):
        P = ds[name]["p"]
        y = ds[name]["y"]
        conf, pred, correct = top_label(P, y)
        srt = np.sort(P, axis=1)
        margin = srt[:, -1] - srt[:, -2]
        ent = entr(P).sum(axis=1)
        ent_np = -np.sum(np.where(P > 0, P * np.log(np.where(P > 0, P, 1.0)), 0.0), axis=1)
        rec = {
            "confidence_first50": val(tolist(conf[:50]), "numpy: max_k p_ik"),
            "margin_first50": val(tolist(margin[:50]), "numpy: sorted row, largest - second largest"),
            "entropy_first50": val(tolist(ent[:50]), "scipy.special.entr(p).sum(axis=1) (natural log, entr(0) = 0)"),
            "sum_confidence": fl(conf.sum()), "sum_margin": fl(margin.sum()), "sum_entropy": fl(ent.sum()),
            "entropy_numpy_max_abs_diff": fl(np.max(np.abs(ent - ent_np))),
        }
        risks, order = risk_coverage(conf, correct)
        rec["risk_coverage_confidence"] = {
            "aurc": val(risks.mean(), "numpy: stable argsort of -score (ties keep original order); risk_j = errors in top j / j; AURC = mean"),
            "risks": tolist(risks),
            "order_first50": tolist(order[:50]),
        }
        if name == "dirichlet-3class":
            r2, o2 = risk_coverage(-ent, correct)
            rec["risk_coverage_neg_entropy"] = {
                "aurc": val(r2.mean(), "as above with score = -entropy"),
                "risks": tolist(r2),
            }
        out[name] = rec
    cases = []
    Pm = ds["digits-mlp-test"]["p"]
    cm, _, corr_m = top_label(Pm, ds["digits-mlp-test"]["y"])
    for r, dl in ((0.02, 0.01), (0.05, 0.05), (0.001, 0.01)):
        c = sgr(cm, corr_m, r, dl)
        c["dataset"] = "digits-mlp-test"
        c["score"] = "confidence"
        cases.append(c)
    Pd = ds["dirichlet-3class"]["p"]
    cd, _, corr_d = top_label(Pd, ds["dirichlet-3class"]["y"])
    c = sgr(cd, corr_d, 0.2, 0.05)
    c["dataset"] = "dirichlet-3class"
    c["score"] = "confidence"
    cases.append(c)
    c = sgr(cd, corr_d, 0.35, 0.05)
    c["dataset"] = "dirichlet-3class"
    c["score"] = "confidence"
    c["extra"] = "not in the brief: a dirichlet case whose answer is not 'none'"
    cases.append(c)
    return {"monitors": out, "selective_guaranteed_risk": cases}


# ----------------------------------------------------------------------------------------------


def binomial():
    out = []
    for k, n in ((0, 10), (1, 10), (5, 10), (10, 10), (0, 1), (3, 1000), (396, 20000), (114, 730), (50, 100)):
        rec = {"k": k, "n": n, "estimate": fl(k / n)}
        for cl in (0.95, 0.99):
            ci = stats.binomtest(k, n).proportion_ci(confidence_level=cl, method="exact")
            rec[str(cl)] = {"low": fl(ci.low), "high": fl(ci.high)}
        rec["source"] = "scipy.stats.binomtest(k, n).proportion_ci(confidence_level=cl, method='exact')"
        out.append(rec)
    return out


def main():
    np.random.seed(0)  # nothing below should use the global RNG; belt and braces
    OUT.mkdir(parents=True, exist_ok=True)
    ds = build_datasets()
    header = {"generator": GENERATOR, "versions": VERSIONS}
    sizes = {}

    dj = dict(header)
    dj["datasets"] = {}
    for name, d in ds.items():
        e = {"K": d["K"], "N": int(len(d["y"])), "origin": d["origin"],
             "binary_vector": bool(d["p"].ndim == 1), "p": tolist(d["p"]), "y": tolist(d["y"])}
        if "logits" in d:
            e["logits"] = tolist(d["logits"])
        if "w" in d:
            e["w"] = tolist(d["w"])
        dj["datasets"][name] = e
    sizes["datasets.json"] = write_json("datasets.json", dj)

    mj = dict(header)
    mj["datasets"] = {}
    for name in ("digits-mlp-test", "digits-mlp-validation", "digits-softmax-test", "dirichlet-3class",
                 "binary-naive-bayes", "binary-logistic", "edges"):
        mj["datasets"][name] = metrics_for(name, ds[name])
    mj["weighted"] = {"weights": weighted_metrics(ds["weights"]),
                      "weights-digits": weighted_metrics(ds["weights-digits"])}
    sizes["metrics.json"] = write_json("metrics.json", mj)

    rj = dict(header)
    zv, yv = ds["digits-mlp-validation"]["logits"], ds["digits-mlp-validation"]["y"]
    zt, yt = ds["digits-mlp-test"]["logits"], ds["digits-mlp-test"]["y"]
    rj["temperature"] = {
        "digits-mlp": temperature_case(zv, yv, zt, yt, ("digits-mlp-validation", "digits-mlp-test")),
        "digits-softmax": temperature_case(ds["digits-softmax-validation"]["logits"], ds["digits-softmax-validation"]["y"],
                                           ds["digits-softmax-test"]["logits"], ds["digits-softmax-test"]["y"],
                                           ("digits-softmax-validation", "digits-softmax-test")),
    }
    q = ds["binary-naive-bayes"]["p"]
    yb = ds["binary-naive-bayes"]["y"]
    qc = np.clip(q, 1e-15, 1 - 1e-15)
    rj["platt"] = {
        "probability": platt_case(q, yb, "s = q (binary-naive-bayes p_naive_bayes)"),
        "logit": platt_case(np.log(qc) - np.log1p(-qc), yb,
                            "s = log(qc) - log1p(-qc) with qc = clip(q, 1e-15, 1 - 1e-15) (binary-naive-bayes)"),
    }
    rj["isotonic"] = {"binary": isotonic_binary(q, yb),
                      "multiclass": isotonic_multiclass(ds["digits-mlp-validation"]["p"], yv, ds["digits-mlp-test"]["p"])}
    hb_b, hb_m = histbin_cases(q, yb, ds["digits-mlp-validation"]["p"], yv, ds["digits-mlp-test"]["p"])
    rj["histogram_binning"] = {"binary": hb_b, "multiclass": hb_m}
    rj["vector_scaling"] = {
        "digits-softmax": vector_scaling(ds["digits-softmax-validation"]["logits"], ds["digits-softmax-validation"]["y"],
                                         ds["digits-softmax-test"]["logits"], ds["digits-softmax-test"]["y"],
                                         ("digits-softmax-validation", "digits-softmax-test")),
        "digits-mlp": vector_scaling(zv, yv, zt, yt, ("digits-mlp-validation", "digits-mlp-test")),
    }
    rj["beta"] = beta_case(q, yb)
    sizes["recalibration.json"] = write_json("recalibration.json", rj)

    moj = dict(header)
    moj.update(monitors(ds))
    sizes["monitors.json"] = write_json("monitors.json", moj)

    bj = dict(header)
    bj["cases"] = binomial()
    sizes["binomial.json"] = write_json("binomial.json", bj)

    for k, v in sizes.items():
        print(f"{k}: {v} bytes")


if __name__ == "__main__":
    main()
