#!/usr/bin/env python3
"""Reference values for Fathom's label-free performance estimation: NannyML's
confidence-based performance estimation (CBPE) of accuracy, f1, precision, recall and
specificity per chunk, for a well-calibrated
binary model, an over-confident binary model (so NannyML calibrates with isotonic regression)
and a 3-class model, written as one JSON fixture,
Tests/FathomCoreTests/Fixtures/performance/cbpe.json, so the Swift tests need no Python.
Tests/FathomCoreTests/Fixtures/performance/README.md says what each value is and the formulas
NannyML uses (read from its source).

Run from the repository root:
    python3 -m venv /tmp/venv-perf
    /tmp/venv-perf/bin/pip install -r Scripts/requirements-fixtures-performance.txt
    /tmp/venv-perf/bin/python Scripts/make-fixtures-performance.py
Deterministic: fixed seeds (numpy here; NannyML's needs_calibration uses
StratifiedShuffleSplit(random_state=42)); running it twice gives identical bytes.

Probabilities are rounded to 6 decimals BEFORE fitting, so the stored inputs are exactly what
NannyML saw. Encoding: floats by Python's repr (shortest round trip); NaN as null; +inf as "inf".
Every reference value names its source (the library call).
"""
import os

os.environ["NML_DISABLE_USAGE_LOGGING"] = "1"  # NannyML would otherwise try to send usage analytics

import importlib.metadata as md  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import pathlib  # noqa: E402
import platform  # noqa: E402
import warnings  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from sklearn.metrics import f1_score, precision_score, recall_score  # noqa: E402
import nannyml as nml  # noqa: E402
from nannyml.calibration import IsotonicCalibrator, NoopCalibrator, needs_calibration  # noqa: E402
from nannyml.performance_estimation.confidence_based.cbpe import _calibrate_predicted_probabilities  # noqa: E402

warnings.filterwarnings("ignore")

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "Tests" / "FathomCoreTests" / "Fixtures" / "performance" / "cbpe.json"


def enc(x):
    """Numbers and arrays as JSON-ready values (NaN null, inf "inf")."""
    if isinstance(x, (pd.Series, pd.Index)):
        return enc(x.tolist())
    if isinstance(x, np.ndarray):
        return enc(x.tolist())
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
    """JSON with one key per line (indent 1) but arrays of scalars, and of such arrays, on one line each."""
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


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def logit(p):
    return np.log(p) - np.log1p(-p)


def r6(p):
    """Rounded to 6 decimals and kept inside (0, 1)."""
    return np.clip(np.round(p, 6), 1e-6, 1 - 1e-6)


rng = np.random.default_rng(20261205)

METRICS = ["accuracy", "f1", "precision", "recall", "specificity"]
EXTRA_METRICS = METRICS[1:]

RESULT_FIELDS = ["value", "sampling_error", "realized", "upper_confidence_boundary",
                 "lower_confidence_boundary", "upper_threshold", "lower_threshold", "alert"]


def specificity_by_hand(yt, yp, classes):
    """TN/(TN+FP) from the confusion counts of class k against the rest (binary: k = 1, so
    TN = #(y=0, ŷ=0), FP = #(y=0, ŷ=1)); multiclass: unweighted mean over the classes. NaN if TN+FP = 0."""
    def one(k):
        tn = int(np.sum((yt != k) & (yp != k)))
        fp = int(np.sum((yt != k) & (yp == k)))
        return tn / (tn + fp) if tn + fp > 0 else float("nan")
    if classes is None:
        return one(1)
    return float(np.mean([one(k) for k in classes]))


def realized_sklearn(metric, yt, yp, classes):
    """Realised metric over a chunk: scikit-learn (binary pos_label=1; multiclass average='macro'),
    specificity by hand."""
    if metric == "specificity":
        return specificity_by_hand(yt, yp, classes)
    fn = {"f1": f1_score, "precision": precision_score, "recall": recall_score}[metric]
    if classes is None:
        return float(fn(yt, yp, pos_label=1))
    return float(fn(yt, yp, average="macro"))


def chunk_rows(res_df, frames, y_true_col, y_pred_col, classes=None):
    """Per chunk (reference and analysis) from Result.to_df(), plus numpy's realised accuracy and
    scikit-learn's realised f1/precision/recall (specificity by hand). classes None = binary."""
    rows = []
    for _, r in res_df.iterrows():
        period = r[("chunk", "period")]
        start, end = int(r[("chunk", "start_index")]), int(r[("chunk", "end_index")])
        f = frames[period]
        yt = f[y_true_col].to_numpy()[start:end + 1]
        yp = f[y_pred_col].to_numpy()[start:end + 1]
        row = {"period": period, "key": r[("chunk", "key")], "chunk_index": int(r[("chunk", "chunk_index")]),
               "start_index": start, "end_index": end}
        for k in RESULT_FIELDS:
            row[k] = enc(r[("accuracy", k)])
        row["realized_numpy"] = enc(float(np.mean(yt == yp)))
        for m in EXTRA_METRICS:
            d = {k: enc(r[(m, k)]) for k in RESULT_FIELDS}
            d["realized_sklearn"] = enc(realized_sklearn(m, yt, yp, classes))
            row[m] = d
        rows.append(row)
    return rows


RESULT_SOURCE = ("nannyml.CBPE(...).fit(reference).estimate(analysis).to_df(): columns ('chunk', key/chunk_index/"
                 "start_index/end_index/period) and ('accuracy', value/sampling_error/realized/"
                 "upper_confidence_boundary/lower_confidence_boundary/upper_threshold/lower_threshold/alert); "
                 "start_index/end_index are inclusive row positions within that period's frame; "
                 "realized_numpy = numpy mean(y_true == y_pred) over those rows; "
                 "f1/precision/recall/specificity: the same eight fields from the columns ('<metric>', ...), "
                 "plus realized_sklearn = sklearn f1_score/precision_score/recall_score over those rows "
                 "(binary pos_label=1, multiclass average='macro'), specificity TN/(TN+FP) counted by hand "
                 "(multiclass: unweighted mean over classes, one-vs-rest)")


def binary_case(name, description, p_ref, y_ref, p_ana, y_ana, chunk_size):
    yp_ref = (p_ref >= 0.5).astype(int)
    yp_ana = (p_ana >= 0.5).astype(int)
    ref = pd.DataFrame({"y_pred_proba": p_ref, "y_pred": yp_ref, "y_true": y_ref})
    ana = pd.DataFrame({"y_pred_proba": p_ana, "y_pred": yp_ana, "y_true": y_ana})
    est = nml.CBPE(problem_type="classification_binary", y_pred_proba="y_pred_proba", y_pred="y_pred",
                   y_true="y_true", metrics=METRICS, chunk_size=chunk_size)
    est.fit(ref)
    res = est.estimate(ana).to_df()
    calibrated = bool(est.needs_calibration)
    case = {
        "description": description,
        "problem_type": "classification_binary",
        "metrics": METRICS,
        "chunk_size": chunk_size,
        "reference": {"y_pred_proba": enc(p_ref), "y_true": enc(y_ref), "y_pred": enc(yp_ref)},
        "analysis": {"y_pred_proba": enc(p_ana), "y_true": enc(y_ana), "y_pred": enc(yp_ana)},
        "needs_calibration": {"value": calibrated, "source": "fitted nannyml.CBPE attribute needs_calibration"},
    }
    if calibrated:
        reg = est.calibrator._regressor
        case["isotonic"] = {
            "X_thresholds": enc(reg.X_thresholds_), "y_thresholds": enc(reg.y_thresholds_),
            "source": "est.calibrator._regressor (sklearn IsotonicRegression(out_of_bounds='clip', increasing=True) "
                      "fitted on all reference rows): X_thresholds_, y_thresholds_",
        }
        cal = est.calibrator.calibrate(ana["y_pred_proba"])
        cal_source = "est.calibrator.calibrate(analysis y_pred_proba) (IsotonicRegression.predict)"
    else:
        cal = p_ana
        cal_source = "needs_calibration is False: CBPE uses the analysis y_pred_proba unchanged"
    case["calibrated_analysis_y_pred_proba"] = {"value": enc(np.asarray(cal, dtype=float)), "source": cal_source}
    case["chunks"] = {"rows": chunk_rows(res, {"reference": ref, "analysis": ana}, "y_true", "y_pred"),
                      "source": RESULT_SOURCE}
    return case


def multiclass_case(description, P_ref, y_ref, P_ana, y_ana, chunk_size):
    K = P_ref.shape[1]
    cols = {k: f"p{k}" for k in range(K)}
    yp_ref, yp_ana = P_ref.argmax(axis=1), P_ana.argmax(axis=1)
    ref = pd.DataFrame({**{cols[k]: P_ref[:, k] for k in range(K)}, "y_pred": yp_ref, "y_true": y_ref})
    ana = pd.DataFrame({**{cols[k]: P_ana[:, k] for k in range(K)}, "y_pred": yp_ana, "y_true": y_ana})
    est = nml.CBPE(problem_type="classification_multiclass", y_pred_proba=cols, y_pred="y_pred",
                   y_true="y_true", metrics=METRICS, chunk_size=chunk_size)
    est.fit(ref)
    res = est.estimate(ana).to_df()
    per_class = {}
    for k in range(K):
        c = est._calibrators[k]
        d = {"needs_calibration": isinstance(c, IsotonicCalibrator), "calibrator": type(c).__name__}
        assert isinstance(c, (IsotonicCalibrator, NoopCalibrator))
        if isinstance(c, IsotonicCalibrator):
            d["X_thresholds"] = enc(c._regressor.X_thresholds_)
            d["y_thresholds"] = enc(c._regressor.y_thresholds_)
        per_class[str(k)] = d
    cal = _calibrate_predicted_probabilities(ana, "y_true", cols, est._calibrators)
    return {
        "description": description,
        "problem_type": "classification_multiclass",
        "metrics": METRICS,
        "chunk_size": chunk_size,
        "classes": list(range(K)),
        "reference": {"y_pred_proba": enc(P_ref), "y_true": enc(y_ref), "y_pred": enc(yp_ref)},
        "analysis": {"y_pred_proba": enc(P_ana), "y_true": enc(y_ana), "y_pred": enc(yp_ana)},
        "calibrators": {"value": per_class,
                        "source": "fitted nannyml.CBPE attribute _calibrators (dict class -> IsotonicCalibrator if "
                                  "needs_calibration(one-vs-rest y_true, class column) else NoopCalibrator); "
                                  "isotonic X_thresholds_/y_thresholds_ of its sklearn IsotonicRegression"},
        "calibrated_analysis_y_pred_proba": {
            "value": enc(np.column_stack([cal[cols[k]].to_numpy() for k in range(K)])),
            "source": "nannyml.performance_estimation.confidence_based.cbpe._calibrate_predicted_probabilities"
                      "(analysis, 'y_true', columns, est._calibrators): per-class calibrate, then rows divided "
                      "by their sum (uniform 1/K where the sum is 0)"},
        "chunks": {"rows": chunk_rows(res, {"reference": ref, "analysis": ana}, "y_true", "y_pred",
                              classes=list(range(K))),
                   "source": RESULT_SOURCE},
    }


# ------------------------------------------------------------------------------ (a) well calibrated
n = 5000
p_ref = r6(rng.beta(2, 2, n))
y_ref = (rng.random(n) < p_ref).astype(int)
p_ana = r6(np.concatenate([rng.beta(2, 2, n // 2), rng.beta(8, 8, n // 2)]))
y_ana = (rng.random(n) < p_ana).astype(int)
well = binary_case(
    "well_calibrated",
    "p ~ Beta(2,2), y ~ Bernoulli(p), y_pred = p >= 0.5; analysis: first 2500 rows Beta(2,2), last 2500 "
    "Beta(8,8) (mass moves toward 0.5, so accuracy drops)",
    p_ref, y_ref, p_ana, y_ana, 1000)

# ------------------------------------------------------------------------------ (a2) well calibrated, not calibrated
# For a well-calibrated model needs_calibration is close to a coin flip (it compares two noisy ECEs;
# case (a)'s draw said True). So that the fixture also covers the branch where CBPE uses the raw
# scores, (a2) draws the same way from default_rng(seed) for seed = 0, 1, ... and keeps the first
# draw for which nannyml.calibration.needs_calibration(y, p, IsotonicCalibrator()) is False.
for seed in range(100):
    g = np.random.default_rng(seed)
    p_ref = r6(g.beta(2, 2, n))
    y_ref = (g.random(n) < p_ref).astype(int)
    if not needs_calibration(y_ref, p_ref, IsotonicCalibrator()):
        break
p_ana = r6(np.concatenate([g.beta(2, 2, n // 2), g.beta(8, 8, n // 2)]))
y_ana = (g.random(n) < p_ana).astype(int)
well_raw = binary_case(
    "well_calibrated_raw",
    f"as well_calibrated, drawn from numpy default_rng({seed}), the first seed from 0 whose reference "
    "nannyml.calibration.needs_calibration judges not to need calibration",
    p_ref, y_ref, p_ana, y_ana, 1000)
well_raw["seed"] = seed
assert well_raw["needs_calibration"]["value"] is False

# ------------------------------------------------------------------------------ (b) over-confident
p_ref = r6(rng.beta(0.7, 0.7, n))
y_ref = (rng.random(n) < sigmoid(logit(p_ref) / 2)).astype(int)
p_ana = r6(np.concatenate([rng.beta(0.7, 0.7, n // 2), rng.beta(3, 3, n // 2)]))
y_ana = (rng.random(n) < sigmoid(logit(p_ana) / 2)).astype(int)
over = binary_case(
    "over_confident",
    "p ~ Beta(0.7,0.7), true probability sigmoid(logit(p)/2), y ~ Bernoulli(that), y_pred = p >= 0.5; "
    "analysis: first 2500 rows Beta(0.7,0.7), last 2500 Beta(3,3)",
    p_ref, y_ref, p_ana, y_ana, 1000)

# ------------------------------------------------------------------------------ (c) multiclass


def softmax(Z):
    Z = Z - Z.max(axis=1, keepdims=True)
    E = np.exp(Z)
    return E / E.sum(axis=1, keepdims=True)


def draw(P_true):
    u = rng.random(len(P_true))[:, None]
    return (u > np.cumsum(P_true, axis=1)).sum(axis=1).clip(0, P_true.shape[1] - 1)


m, K, T = 6000, 3, 1.6
Z_ref = rng.normal(0, 2.0, (m, K)) + np.array([0.3, 0.0, -0.3])
P_ref = r6(softmax(Z_ref))
y_mref = draw(softmax(Z_ref / T))
Z_ana = np.vstack([rng.normal(0, 2.0, (m // 2, K)), rng.normal(0, 0.8, (m // 2, K))]) + np.array([0.3, 0.0, -0.3])
P_ana = r6(softmax(Z_ana))
y_mana = draw(softmax(Z_ana / T))
multi = multiclass_case(
    f"logits Z ~ N(0, 2^2) + (0.3, 0, -0.3) per class, probabilities softmax(Z) rounded to 6 decimals "
    f"(rows need not sum to exactly 1), y ~ Categorical(softmax(Z/{T})) (model over-confident), y_pred = "
    f"argmax; analysis: first 3000 rows as reference, last 3000 with logit sd 0.8 (less confident)",
    P_ref, y_mref, P_ana, y_mana, 2000)

out = {
    "generator": "Scripts/make-fixtures-performance.py",
    "versions": {n_: md.version(n_) for n_ in ["nannyml", "numpy", "pandas", "scikit-learn"]}
    | {"python": platform.python_version()},
    "cases": {"well_calibrated": well, "well_calibrated_raw": well_raw, "over_confident": over,
              "multiclass": multi},
}
OUT.parent.mkdir(parents=True, exist_ok=True)
OUT.write_text(dump(out) + "\n")
print(f"wrote {OUT.relative_to(ROOT)} ({OUT.stat().st_size} bytes)")
for name, c in out["cases"].items():
    cal = c.get("needs_calibration", {}).get("value", None)
    if cal is None:
        cal = {k: v["needs_calibration"] for k, v in c["calibrators"]["value"].items()}
    print(name, "calibrated:", cal)
    for r in c["chunks"]["rows"]:
        print(f"  {r['period']:9s} {r['chunk_index']} [{r['start_index']},{r['end_index']}] est={r['value']:.4f} "
              f"se={r['sampling_error']:.4f} real={r['realized']:.4f}/{r['realized_numpy']:.4f} "
              f"thr=({r['lower_threshold']}, {r['upper_threshold']}) alert={r['alert']}")
        for m in EXTRA_METRICS:
            d = r[m]
            print(f"      {m:11s} est={d['value']:.4f} se={d['sampling_error']:.4f} "
                  f"real={d['realized']:.4f}/{d['realized_sklearn']:.4f} "
                  f"thr=({d['lower_threshold']:.4f}, {d['upper_threshold']:.4f}) alert={d['alert']}")
