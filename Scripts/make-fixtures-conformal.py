#!/usr/bin/env python3
"""Reference values for Fathom's conformal prediction: MAPIE 1.6.0 split conformal classification
(LAC and APS scores), Mondrian (per-group) split conformal, and conformal risk control (CRC) of
the multi-label false-negative rate, written as one JSON fixture,
Tests/FathomCoreTests/Fixtures/conformal/mapie.json, so the Swift tests need no Python.
Tests/FathomCoreTests/Fixtures/conformal/README.md says what each value is and the formulas MAPIE
uses (read from its source).

Run from the repository root:
    python3 -m venv /tmp/venv-conformal
    /tmp/venv-conformal/bin/pip install -r Scripts/requirements-fixtures-conformal.txt
    /tmp/venv-conformal/bin/python Scripts/make-fixtures-conformal.py
Deterministic: fixed numpy seeds, and MAPIE's APS randomisation gets random_state=APS_SEED
(so its uniforms are numpy RandomState(APS_SEED).uniform(size=n_cal), stored); running it twice
gives identical bytes.

MAPIE is given probabilities through a prefit dummy sklearn classifier (X = a column of row
indices into a stored probability matrix; predict_proba returns those rows; classes_ =
arange(K)). Every probability matrix is stored exactly as MAPIE received it (float64; JSON floats
by Python's repr, which round-trips). NaN would be null. Every reference value names its source.
"""
import importlib.metadata as md
import json
import math
import pathlib
import platform
import warnings

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin

from mapie.classification import SplitConformalClassifier
from mapie.metrics.classification import classification_coverage_score, classification_mean_width_score
from mapie.risk_control import MultiLabelClassificationController

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT_DIR = ROOT / "Tests" / "FathomCoreTests" / "Fixtures" / "conformal"
OUT = OUT_DIR / "mapie.json"
APS_SEED = 12345
ALPHAS = [0.05, 0.1, 0.2]
EPSILON = 1e-8  # mapie._machine_precision.EPSILON


def enc(x):
    """Numbers and arrays as JSON-ready values (NaN null, inf "inf")."""
    if isinstance(x, np.ndarray):
        return enc(x.tolist())
    if isinstance(x, dict):
        return {str(k): enc(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [enc(v) for v in x]
    if x is None:
        return None
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


def dump(x, indent=0):
    """JSON with one key per line but arrays of scalars, and of such arrays, on one line each."""
    pad = " " * (indent + 1)
    if isinstance(x, dict):
        if not x:
            return "{}"
        items = [f"{pad}{json.dumps(k)}: {dump(v, indent + 1)}" for k, v in x.items()]
        return "{\n" + ",\n".join(items) + "\n" + " " * indent + "}"
    if isinstance(x, list) and any(isinstance(v, (dict, list)) for v in x) and \
            not all(isinstance(v, list) and not any(isinstance(w, (dict, list)) for w in v) for v in x):
        return "[\n" + ",\n".join(pad + dump(v, indent + 1) for v in x) + "\n" + " " * indent + "]"
    return json.dumps(x, allow_nan=False, separators=(",", ":"))


class IndexProba(ClassifierMixin, BaseEstimator):
    """Prefit dummy classifier: X[:, 0] are row indices into P; predict_proba returns those rows."""

    def __init__(self, P=None):
        self.P = P

    def fit(self, X, y=None):  # never called (prefit)
        return self

    def _rows(self, X):
        return np.asarray(X)[:, 0].astype(int)

    def predict_proba(self, X):
        return self.P[self._rows(X)]

    def predict(self, X):
        return np.argmax(self.predict_proba(X), axis=1)


def prefit(P):
    clf = IndexProba(P)
    clf.classes_ = np.arange(P.shape[1])
    clf.n_features_in_ = 1
    return clf


def softmax(Z):
    Z = Z - Z.max(axis=1, keepdims=True)
    E = np.exp(Z)
    return E / E.sum(axis=1, keepdims=True)


def check_rows(P):
    assert P.dtype == np.float64
    assert np.all(np.abs(P.sum(axis=1) - 1) <= 1e-12), np.abs(P.sum(axis=1) - 1).max()


def draw(rng, P):
    """Categorical draw per row by inverse CDF on one uniform per row."""
    u = rng.random(len(P))[:, None]
    return (u > np.cumsum(P, axis=1)).sum(axis=1).clip(0, P.shape[1] - 1)


def msgs(caught):
    return [f"{w.category.__name__}: {str(w.message)}" for w in caught]


def run_split(P_cal, y_cal, P_test, score, alpha):
    """One MAPIE SplitConformalClassifier run; returns (threshold, sets (n_test, K) ints, warnings, error, model)."""
    P = np.vstack([P_cal, P_test])
    X_cal = np.arange(len(P_cal)).reshape(-1, 1)
    X_test = (len(P_cal) + np.arange(len(P_test))).reshape(-1, 1)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            m = SplitConformalClassifier(estimator=prefit(P), confidence_level=1 - alpha, conformity_score=score,
                                         prefit=True, random_state=APS_SEED)
            m.conformalize(X_cal, y_cal)
            params = {"include_last_label": True} if score == "aps" else None
            _, sets = m.predict_set(X_test, conformity_score_params=params)
            q = m._mapie_classifier.quantiles_
            assert q.shape == (1,)
            assert m._alphas == [alpha], m._alphas  # confidence_level -> alpha via Decimal(str(.)): exact
            return float(q[0]), sets[:, :, 0].astype(int), msgs(caught), None, m
        except Exception as e:  # recorded, not dropped
            return None, None, msgs(caught), f"{type(e).__name__}: {e}", None


def check_lac(scores, P_test, alpha, q, sets):
    n = len(scores)
    k = math.ceil((n + 1) * (1 - alpha))
    assert q == np.sort(scores)[k - 1]
    assert np.array_equal(sets, ((1 - P_test) - q <= EPSILON).astype(int))


def check_aps(P_test, q, sets):
    """Non-randomised APS with include_last_label=True, re-derived independently of MAPIE's code path."""
    for p, s in zip(P_test, sets):
        order = np.flip(np.argsort(p))
        c = np.cumsum(p[order])
        cum = np.empty_like(c)
        cum[order] = c  # cumulated mass at each label's own position
        ok = np.where(cum - q >= -EPSILON)[0]
        last = ok[np.argmin(cum[ok])]
        pl = p[last]
        if pl <= EPSILON:
            pl = p[p >= EPSILON].min()
        assert np.array_equal(s, (p - pl >= -EPSILON).astype(int)), (p, q, s)


def check_aps_scores(P, y, u, scores):
    """MAPIE's APS calibration score re-derived: labels in decreasing probability, ties with the HIGHER class index
    first (np.flip of numpy's argsort, which was stable on these rows); cumulated mass down to and including the
    true label, minus u_i * p_true."""
    ref = []
    for p, t, ui in zip(P, y, u):
        c = 0.0
        for k in sorted(range(len(p)), key=lambda k: (-p[k], -k)):
            c += p[k]
            if k == t:
                break
        ref.append(c - ui * p[t])
    assert np.array_equal(np.array(ref), scores)


def split_case(name, description, P_cal, y_cal, P_test, y_test, alphas):
    check_rows(P_cal)
    check_rows(P_test)
    K = P_cal.shape[1]
    case = {"name": name, "description": description, "classes": K,
            "p_cal": enc(P_cal), "y_cal": enc(y_cal), "p_test": enc(P_test), "y_test": enc(y_test)}
    results = []
    cal_scores = {}
    for score in ["lac", "aps"]:
        for alpha in alphas:
            q, sets, warns, err, m = run_split(P_cal, y_cal, P_test, score, alpha)
            n = len(y_cal)
            k = math.ceil((n + 1) * (1 - alpha))
            r = {"score": score, "alpha": alpha, "rank": k, "level": k / n}
            if err is None:
                cs = m.conformity_scores.ravel()
                cal_scores[score] = cs
                if score == "lac":
                    check_lac(cs, P_test, alpha, q, sets)
                else:
                    check_aps_scores(P_cal, y_cal, np.random.RandomState(APS_SEED).uniform(size=n), cs)
                    assert q == np.sort(cs)[k - 1]
                    check_aps(P_test, q, sets)
                r.update({
                    "threshold": q,
                    "sets": enc(sets),
                    "coverage": enc(classification_coverage_score(y_test, sets[:, :, None])[0]),
                    "mean_size": enc(classification_mean_width_score(sets)),
                    "empty_sets": int((sets.sum(axis=1) == 0).sum()),
                    # entries where MAPIE's tolerance EPSILON = 1e-8 decides membership (LAC only)
                    "lac_entries_decided_by_epsilon": int(np.sum(((1 - P_test) - q <= EPSILON) != ((1 - P_test) - q <= 0)))
                    if score == "lac" else None,
                })
            else:
                r.update({"threshold": None, "sets": None, "coverage": None, "mean_size": None, "error": err})
            r["warnings"] = warns
            results.append(r)
    case["results"] = results
    case["conformity_scores_cal"] = {k: enc(v) for k, v in cal_scores.items()}
    u = np.random.RandomState(APS_SEED).uniform(size=len(y_cal))
    case["aps_u"] = enc(u)
    # the APS calibration scores are cumulated mass down to the true label minus u_i * p_true
    return case


rng = np.random.default_rng(20261205)
split = []

# (a) calibrated 4-class
K = 4
Z = rng.normal(0, 1, (800, K)) * 1.5 + np.log(rng.dirichlet(np.ones(K) * 2.0, 800))
P = softmax(Z)
y = draw(rng, P)
split.append(split_case(
    "calibrated_4class",
    "logits log(Dirichlet(2,2,2,2)) + N(0, 1.5^2) noise per entry, probabilities = softmax (float64, max "
    "subtracted); labels drawn from those probabilities (inverse CDF, one uniform per row); first 500 rows "
    "calibration, last 300 test",
    P[:500], y[:500], P[500:], y[500:], ALPHAS))

# (b) over-confident 4-class
Z = rng.normal(0, 2.5, (800, K)) + np.array([0.4, 0.1, -0.1, -0.4])
P = softmax(Z)
y = draw(rng, softmax(Z / 3.0))
split.append(split_case(
    "overconfident_4class",
    "logits N(0, 2.5^2) + (0.4, 0.1, -0.1, -0.4), model probabilities softmax(Z); labels drawn from the "
    "flattened softmax(Z/3) (the model is over-confident); 500 calibration rows then 300 test",
    P[:500], y[:500], P[500:], y[500:], ALPHAS))

# (c) binary
p1 = rng.beta(0.8, 0.8, 600)
P = np.column_stack([1 - p1, p1])
y = (rng.random(600) < p1).astype(int)
split.append(split_case(
    "binary",
    "p1 ~ Beta(0.8, 0.8), rows (1 - p1, p1), y ~ Bernoulli(p1); 300 calibration rows then 300 test",
    P[:300], y[:300], P[300:], y[300:], ALPHAS))

# (d) ties
V = np.array([[0.5, 0.3, 0.2], [0.2, 0.5, 0.3], [0.3, 0.2, 0.5], [0.6, 0.2, 0.2], [0.4, 0.4, 0.2],
              [0.7, 0.3, 0.0]])
check_rows(V)
idx = rng.integers(0, len(V), 600)
P = V[idx]
y = draw(rng, P)
split.append(split_case(
    "ties_3class",
    "rows drawn uniformly from 6 fixed vectors (0.5,0.3,0.2), (0.2,0.5,0.3), (0.3,0.2,0.5), (0.6,0.2,0.2), "
    "(0.4,0.4,0.2), (0.7,0.3,0.0) (within-row ties and a zero probability), labels drawn from them; 300 "
    "calibration rows then 300 test. alphas 0.3 and 0.5 added so that LAC thresholds move between tied values; alpha 0.004 puts the rank at n (level 1); alpha 0.001 would need rank "
    "ceil(301*0.999) = 301 > n",
    P[:300], y[:300], P[300:], y[300:], ALPHAS + [0.3, 0.5, 0.004, 0.001]))

# (e) digits MLP
def load_digits(path):
    import csv
    with open(path) as f:
        rows = list(csv.reader(f))
    head = rows[0]
    cols = [i for i, h in enumerate(head) if h.startswith("logit_")]
    assert [head[i] for i in cols] == [f"logit_{k}" for k in range(10)]
    L = np.array([[float(r[i]) for i in cols] for r in rows[1:]], dtype=np.float64)
    lab = np.array([int(r[head.index("label")]) for r in rows[1:]])
    return softmax(L), lab


Pc, yc = load_digits(ROOT / "Datasets" / "digits" / "mlp-validation.csv")
Pt, yt = load_digits(ROOT / "Datasets" / "digits" / "mlp-test.csv")
split.append(split_case(
    "digits_mlp",
    "Datasets/digits: calibration = softmax (float64, max subtracted) of logit_0..logit_9 of "
    "mlp-validation.csv, test = same for mlp-test.csv, labels from column `label`; all rows",
    Pc, yc, Pt, yt, ALPHAS))

# ------------------------------------------------------------------------------ Mondrian
Kc = 4
n_cal, n_test = 900, 600
T_group = np.array([1.2, 1.8, 4.0])  # temperature of the true distribution: group 2 much more over-confident
g = rng.integers(0, 3, n_cal + n_test)
Z = rng.normal(0, 2.0, (n_cal + n_test, Kc))
P = softmax(Z)
y = draw(rng, softmax(Z / T_group[g][:, None]))
mond = {"name": "mondrian_4class_3groups",
        "description": "groups g uniform on {0,1,2}; logits Z ~ N(0, 2^2), model probabilities softmax(Z); labels "
                       "from softmax(Z/T_g) with T = (1.2, 1.8, 4.0) (group 2 much more over-confident); 900 "
                       "calibration rows then 600 test",
        "classes": Kc, "p_cal": enc(P[:n_cal]), "y_cal": enc(y[:n_cal]), "g_cal": enc(g[:n_cal]),
        "p_test": enc(P[n_cal:]), "y_test": enc(y[n_cal:]), "g_test": enc(g[n_cal:]),
        "method": "MAPIE 1.6.0 has no Mondrian class; reference = SplitConformalClassifier run separately on "
                  "each group's calibration rows and applied to that group's test rows"}
check_rows(P)
res = []
for score in ["lac", "aps"]:
    for alpha in [0.1]:
        sets = np.zeros((n_test, Kc), dtype=int)
        thr, ws, errs, nk = {}, {}, {}, {}
        for grp in range(3):
            ci = np.where(g[:n_cal] == grp)[0]
            ti = np.where(g[n_cal:] == grp)[0]
            q, s, w, err, m = run_split(P[:n_cal][ci], y[:n_cal][ci], P[n_cal:][ti], score, alpha)
            assert err is None, err
            thr[str(grp)] = q
            nk[str(grp)] = {"n_cal": len(ci), "rank": math.ceil((len(ci) + 1) * (1 - alpha))}
            if w:
                ws[str(grp)] = w
            sets[ti] = s
        yt_ = y[n_cal:]
        gt_ = g[n_cal:]
        cov = {str(k): enc(np.mean(sets[gt_ == k, yt_[gt_ == k]])) for k in range(3)}
        res.append({"score": score, "alpha": alpha, "thresholds": thr, "sets": enc(sets), "group_sizes": nk,
                    "coverage_by_group": cov, "warnings": ws})
mond["results"] = res
mond["aps_u_note"] = (f"APS uniforms per group: numpy RandomState({APS_SEED}).uniform(size=n_cal of that group), "
                      "a fresh generator for each group")

# ------------------------------------------------------------------------------ risk control
Kr, n_cal, n_test = 5, 400, 300
N = n_cal + n_test
Pm = rng.beta(0.6, 1.2, (N, Kr))
Y = (rng.random((N, Kr)) < Pm).astype(int)
redraws = 0
while True:
    none = np.where(Y.sum(axis=1) == 0)[0]
    if len(none) == 0:
        break
    redraws += len(none)
    Y[none] = (rng.random((len(none), Kr)) < Pm[none]).astype(int)
Pc, Pt, Yc, Yt = Pm[:n_cal], Pm[n_cal:], Y[:n_cal], Y[n_cal:]


def fnr(Yb, S):
    return ((Yb == 1) & (S == 0)).sum(axis=1) / Yb.sum(axis=1)


cands = np.concatenate([[0.0], np.unique(Pc)])
rc = []
for alpha in [0.1, 0.2]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ctl = MultiLabelClassificationController(predict_function=lambda X: Pm[np.asarray(X)[:, 0].astype(int)],
                                                 risk="recall", method="crc", target_level=1 - alpha)
        ctl.calibrate(np.arange(n_cal).reshape(-1, 1), Yc)
        S_m = ctl.predict((n_cal + np.arange(n_test)).reshape(-1, 1))[:, :, 0].astype(int)
    lam = float(ctl.best_predict_param[0])
    grid = ctl.predict_params
    # independent re-derivation of MAPIE's choice on its grid
    a_int = float(ctl._alpha[0])
    ok = [(n_cal * fnr(Yc, (Pc > l).astype(int)).mean() + 1) / (n_cal + 1) < a_int for l in grid]
    first_bad = ok.index(False) if False in ok else len(grid)
    assert lam == grid[max(first_bad - 1, 0)], (lam, first_bad)
    assert np.array_equal(S_m, (Pt > lam).astype(int))
    # exact CRC, strict ">" parametrisation as MAPIE: C_t = {k : p_k > t}
    R = np.array([fnr(Yc, (Pc > t).astype(int)).mean() for t in cands])
    good = (n_cal * R + 1) / (n_cal + 1) <= alpha
    t_hat = float(cands[np.where(good)[0].max()])
    assert good[:np.where(good)[0].max() + 1].all()
    S_e = (Pt > t_hat).astype(int)
    # the ">=" variant: C_t = {k : p_k >= t}
    R_ge = np.array([fnr(Yc, (Pc >= t).astype(int)).mean() for t in cands])
    good_ge = (n_cal * R_ge + 1) / (n_cal + 1) <= alpha
    t_ge = float(cands[np.where(good_ge)[0].max()])
    S_ge = (Pt >= t_ge).astype(int)
    rc.append({
        "name": f"multilabel_5_alpha{alpha}",
        "description": "K=5 labels, p_ik ~ Beta(0.6, 1.2) independent (rows do not sum to 1), Y_ik ~ "
                       "Bernoulli(p_ik); rows with no positive label had their Y row redrawn from the same p "
                       f"until it had one ({redraws} redraws over all 700 rows); 400 calibration rows then 300 "
                       "test",
        "classes": Kr, "p_cal": enc(Pc), "Y_cal": enc(Yc), "p_test": enc(Pt), "Y_test": enc(Yt),
        "alpha": alpha, "delta": None,
        "mapie_call": f"MultiLabelClassificationController(predict_function, risk='recall', method='crc', "
                      f"target_level=1 - {alpha}).calibrate(X_cal, Y_cal).predict(X_test)",
        "mapie_alpha_internal": a_int,
        "mapie_threshold": lam,
        "mapie_grid": {"description": "predict_params default np.arange(0, 1, 0.01) (100 values, 0 .. 0.99); "
                                      "set = {k : p_k > lambda}",
                       "step": 0.01, "values": enc(grid)},
        "mapie_r_hat": enc(ctl.r_hat), "mapie_r_hat_plus": enc(ctl.r_hat_plus),
        "mapie_sets": enc(S_m),
        "mapie_test_risk": enc(fnr(Yt, S_m).mean()),
        "mapie_warnings": msgs(caught),
        "exact_parametrisation": "C_t(x) = {k : p_k > t} (as MAPIE); candidates {0} U distinct calibration "
                                 "probabilities; t_hat = largest candidate with (n*Rhat(t) + 1)/(n + 1) <= alpha",
        "exact_threshold": t_hat,
        "exact_sets": enc(S_e),
        "exact_cal_risk": enc(R[cands == t_hat][0]),
        "exact_test_risk": enc(fnr(Yt, S_e).mean()),
        "exact_ge_threshold": t_ge,
        "exact_ge_sets": enc(S_ge),
        "exact_ge_test_risk": enc(fnr(Yt, S_ge).mean()),
    })

out = {
    "generator": "Scripts/make-fixtures-conformal.py",
    "versions": {n_: md.version(n_) for n_ in ["mapie", "numpy", "scipy", "scikit-learn"]}
    | {"python": platform.python_version()},
    "aps_random_state": APS_SEED,
    "split": split,
    "mondrian": [mond],
    "risk_control": rc,
}
OUT_DIR.mkdir(parents=True, exist_ok=True)
OUT.write_text(dump(out) + "\n")
print(f"wrote {OUT.relative_to(ROOT)} ({OUT.stat().st_size} bytes)")
for c in split:
    print(c["name"])
    for r in c["results"]:
        print(f"  {r['score']} a={r['alpha']} k={r['rank']} q={r['threshold']} cov={r['coverage']} "
              f"size={r['mean_size']} empty={r.get('empty_sets')} err={r.get('error')} warn={r['warnings']}")
for r in mond["results"]:
    print("mondrian", r["score"], r["thresholds"], r["coverage_by_group"], r["warnings"])
for r in rc:
    print(r["name"], "mapie", r["mapie_threshold"], r["mapie_test_risk"], "exact", r["exact_threshold"],
          r["exact_test_risk"], "ge", r["exact_ge_threshold"], r["exact_ge_test_risk"], r["mapie_warnings"])
