#!/usr/bin/env python3
"""Reference values for Fathom's everyday statistics (issue 14): median, var, cor, cumsum
(numpy, scipy), auc as ROC AUC and average precision, f1 and the confusion matrix
(scikit-learn), join (pandas merge), and the Clopper-Pearson intervals a reliability
diagram draws per bin (scipy binomtest), written as one JSON fixture,
Tests/FathomCoreTests/Fixtures/stats/stats.json, so the Swift tests need no Python.

Run from the repository root:
    python3 -m venv /tmp/venv-stats
    /tmp/venv-stats/bin/pip install -r Scripts/requirements-fixtures-stats.txt
    /tmp/venv-stats/bin/python Scripts/make-fixtures-stats.py
Deterministic: fixed seeds; running it twice gives identical bytes.

Encoding: floats by Python's repr (shortest round trip); NaN as null; +inf as the string "inf".
Every reference value names its source (the library call).
"""
import importlib.metadata as md
import json
import math
import pathlib
import platform

import numpy as np
import pandas as pd
from scipy import stats
from sklearn.metrics import (average_precision_score, confusion_matrix, f1_score,
                             precision_recall_curve, roc_auc_score, roc_curve)

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "Tests" / "FathomCoreTests" / "Fixtures" / "stats" / "stats.json"


def enc(x):
    """Numbers, arrays and frames as JSON-ready values (NaN null, inf "inf")."""
    if isinstance(x, pd.DataFrame):
        return {"names": [str(c) for c in x.columns], "columns": [enc(x[c].tolist()) for c in x.columns]}
    if isinstance(x, np.ndarray):
        return enc(x.tolist())
    if isinstance(x, (list, tuple)):
        return [enc(v) for v in x]
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


def ref(value, source):
    return {"value": enc(value), "source": source}


rng = np.random.default_rng(20261204)

# ------------------------------------------------------------------------------ descriptive
vectors = {
    "normal50": np.round(rng.normal(10, 3, 50), 2),
    "ties": np.array([3.0, 1, 2, 2, 5, 1, 4, 2]),
    "even": np.array([4.0, 1, 3, 2]),
    "one": np.array([7.5]),
    "large": rng.normal(0, 1, 1001) * 1e3 + 1e6,
}
descriptive = {}
for name, v in vectors.items():
    d = {
        "x": enc(v),
        "median": ref(np.median(v), "numpy.median"),
        "var1": ref(np.var(v, ddof=1) if len(v) > 1 else float("nan"), "numpy.var(ddof=1)"),
        "var0": ref(np.var(v, ddof=0), "numpy.var(ddof=0)"),
        "cumsum": ref(np.cumsum(v), "numpy.cumsum"),
    }
    descriptive[name] = d

n = 40
x = rng.normal(0, 1, n)
y = 0.6 * x + rng.normal(0, 0.8, n)
xt, yt = np.round(x), np.round(y * 2) / 2  # ties for Spearman's average ranks
pairs = {}
for name, (a, b) in {"continuous": (x, y), "ties": (xt, yt)}.items():
    pairs[name] = {
        "x": enc(a), "y": enc(b),
        "pearson": ref(np.corrcoef(a, b)[0, 1], "numpy.corrcoef"),
        "spearman": ref(stats.spearmanr(a, b).statistic, "scipy.stats.spearmanr"),
    }
M = rng.normal(0, 1, (30, 4))
M[:, 1] = M[:, 0] * 0.5 + M[:, 1]
M[:, 3] = np.round(M[:, 3] + M[:, 2])  # ties
frame = pd.DataFrame(M, columns=["a", "b", "c", "d"])
matrix_case = {
    "x": enc(M),
    "pearson": ref(np.corrcoef(M, rowvar=False), "numpy.corrcoef(rowvar=False)"),
    "spearman": ref(stats.spearmanr(M).statistic, "scipy.stats.spearmanr(matrix)"),
    "pandas_pearson": ref(frame.corr(method="pearson").to_numpy(), "pandas.DataFrame.corr(method='pearson')"),
    "pandas_spearman": ref(frame.corr(method="spearman").to_numpy(), "pandas.DataFrame.corr(method='spearman')"),
}

# ------------------------------------------------------------------------------ ranking curves


def roc_points(yb, s):
    fpr, tpr, thr = roc_curve(yb, s, drop_intermediate=False)
    return {"fpr": enc(fpr), "tpr": enc(tpr), "thresholds": enc(thr),
            "source": "sklearn.metrics.roc_curve(drop_intermediate=False)"}


def pr_points(yb, s):
    precision, recall, thr = precision_recall_curve(yb, s)
    # Fathom lists the points by decreasing threshold, as the ROC curve: sklearn's arrays
    # reversed, with +inf as the threshold of the first point (recall 0, precision 1).
    return {"precision": enc(precision[::-1]), "recall": enc(recall[::-1]),
            "thresholds": enc(np.concatenate([[np.inf], thr[::-1]])),
            "source": "sklearn.metrics.precision_recall_curve, reversed; +inf prepended to thresholds"}


nb = 200
yb = (rng.random(nb) < 0.35).astype(int)
score = np.round(yb * 0.9 + rng.normal(0, 0.7, nb), 1)  # ties across classes
q = np.round(1 / (1 + np.exp(-(yb * 1.5 + rng.normal(-0.7, 1, nb)))), 2)
binary = {
    "y": enc(yb), "score": enc(score), "q": enc(q),
    "roc_auc_score": ref(roc_auc_score(yb, score), "sklearn.metrics.roc_auc_score"),
    "roc_auc_q": ref(roc_auc_score(yb, q), "sklearn.metrics.roc_auc_score"),
    "average_precision": ref(average_precision_score(yb, score), "sklearn.metrics.average_precision_score"),
    "average_precision_q": ref(average_precision_score(yb, q), "sklearn.metrics.average_precision_score"),
    "roc": roc_points(yb, score),
    "pr": pr_points(yb, score),
    "positives": int(yb.sum()), "negatives": int(nb - yb.sum()),
}

nm, K = 150, 3
ym = rng.integers(0, K, nm)
logits = np.round(rng.normal(0, 1, (nm, K)) + 1.2 * np.eye(K)[ym], 1)
pm = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
multiclass = {
    "y": enc(ym), "p": enc(pm),
    "roc_auc_ovr_macro": ref(roc_auc_score(ym, pm, multi_class="ovr", average="macro"),
                             "sklearn.metrics.roc_auc_score(multi_class='ovr', average='macro')"),
    "roc_auc_per_class": ref([roc_auc_score(ym == k, pm[:, k]) for k in range(K)], "sklearn.metrics.roc_auc_score per class"),
    "average_precision_macro": ref(average_precision_score(ym, pm, average="macro"),
                                   "sklearn.metrics.average_precision_score(average='macro')"),
    "average_precision_per_class": ref([average_precision_score(ym == k, pm[:, k]) for k in range(K)],
                                       "sklearn.metrics.average_precision_score per class"),
    "roc_class1": roc_points(ym == 1, pm[:, 1]),
    "pr_class2": pr_points(ym == 2, pm[:, 2]),
}

# ------------------------------------------------------------------------------ f1, confusion
y4 = np.array([0, 1, 2, 3, 1, 1, 2, 0, 3, 3, 1, 2, 0, 0, 1, 3, 2, 2, 1, 0])
p4 = np.array([0, 1, 1, 3, 1, 2, 2, 0, 3, 1, 1, 2, 4, 0, 0, 3, 2, 1, 1, 2])  # 4 only predicted
yb2 = np.array([1, 0, 1, 1, 0, 0, 1, 0, 1, 1, 0, 1])
pb2 = np.array([1, 0, 0, 1, 1, 0, 1, 0, 1, 0, 0, 1])
averages = ["macro", "micro", "weighted"]
f1 = {
    "multiclass": {"y": enc(y4), "pred": enc(p4),
                   **{a: ref(f1_score(y4, p4, average=a), f"sklearn.metrics.f1_score(average='{a}')") for a in averages},
                   "confusion": ref(confusion_matrix(y4, p4), "sklearn.metrics.confusion_matrix"),
                   "normalized": ref(confusion_matrix(y4, p4, normalize="true"), "sklearn.metrics.confusion_matrix(normalize='true')")},
    "binary": {"y": enc(yb2), "pred": enc(pb2),
               **{a: ref(f1_score(yb2, pb2, average=a), f"sklearn.metrics.f1_score(average='{a}')") for a in averages + ["binary"]},
               "confusion": ref(confusion_matrix(yb2, pb2), "sklearn.metrics.confusion_matrix")},
    "probabilities": {"note": "multiclass.p and multiclass.y above; the prediction is argmax",
                      **{a: ref(f1_score(ym, pm.argmax(axis=1), average=a), f"sklearn.metrics.f1_score(y, p.argmax(1), average='{a}')") for a in averages},
                      "confusion": ref(confusion_matrix(ym, pm.argmax(axis=1), labels=list(range(K))),
                                       "sklearn.metrics.confusion_matrix(labels=range(K))"),
                      "normalized": ref(confusion_matrix(ym, pm.argmax(axis=1), labels=list(range(K)), normalize="true"),
                                        "sklearn.metrics.confusion_matrix(labels=range(K), normalize='true')")},
}

# ------------------------------------------------------------------------------ join
left = pd.DataFrame({"id": [1.0, 2, 3, 4, 2, 6], "name": ["a", "b", "c", "d", "e", "f"],
                     "value": [0.5, 1.5, 2.5, 3.5, 4.5, 5.5]})
right = pd.DataFrame({"id": [2.0, 3, 3, 5, 6], "value": [10.0, 20, 30, 40, 50], "flag": ["x", "y", "z", "w", "v"]})
lt = pd.DataFrame({"species": ["Adelie", "Gentoo", "Chinstrap", "Adelie"], "island": ["Torgersen", "Biscoe", "Dream", "Dream"],
                   "mass": [3700.0, 5000, 3730, 3688]})
rt = pd.DataFrame({"species": ["Gentoo", "Adelie", "Adelie"], "island": ["Biscoe", "Dream", "Biscoe"], "count": [124.0, 56, 44]})


def merged(a, b, on, how):
    m = pd.merge(a, b, on=on, how=how, suffixes=("_x", "_y"))
    return ref(m, f"pandas.merge(on={on!r}, how={how!r}, suffixes=('_x', '_y'))")


join = {
    "numeric": {"a": enc(left), "b": enc(right),
                "inner": merged(left, right, "id", "inner"), "left": merged(left, right, "id", "left")},
    "text_two_keys": {"a": enc(lt), "b": enc(rt),
                      "inner": merged(lt, rt, ["species", "island"], "inner"),
                      "left": merged(lt, rt, ["species", "island"], "left"),
                      "inner_species": merged(lt, rt, "species", "inner"),
                      "left_species": merged(lt, rt, "species", "left")},
}

# ------------------------------------------------------------------------------ reliability diagram
# Per equal-width bin of the top-label confidence (15 bins, as ece()), the bin's count, correct
# count and 95% Clopper-Pearson interval for its accuracy, and the ECE over those bins.
nr = 150
qr = np.round(rng.beta(2, 2, nr), 3)
yr = (rng.random(nr) < qr ** 1.3).astype(int)
P = np.column_stack([1.0 - qr, qr])
conf, pred = P.max(axis=1), P.argmax(axis=1)
correct = (pred == yr).astype(float)
B = 15
bins = np.minimum(np.floor(conf * B).astype(int), B - 1)
rows = []
ece = 0.0
for b in range(B):
    m = bins == b
    n_b = int(m.sum())
    if n_b == 0:
        continue
    k_b = int(correct[m].sum())
    ci = stats.binomtest(k_b, n_b).proportion_ci(confidence_level=0.95, method="exact")
    rows.append({"bin": b, "count": n_b, "correct": k_b, "accuracy": k_b / n_b, "lower": ci.low, "upper": ci.high})
    ece += n_b / nr * abs(correct[m].mean() - conf[m].mean())
reliability_diagram = {
    "q": enc(qr), "y": enc(yr), "bins": B,
    "rows": ref([{k: enc(v) for k, v in r.items()} for r in rows],
                "scipy.stats.binomtest(k, n).proportion_ci(confidence_level=0.95, method='exact') per non-empty bin"),
    "ece": ref(ece, "numpy re-implementation of REFERENCES.md's ECE (equal-width, top-label, L1), as netcal ECE(15)"),
}

out = {
    "generator": "Scripts/make-fixtures-stats.py",
    "versions": {n_: md.version(n_) for n_ in ["numpy", "scipy", "scikit-learn", "pandas"]} | {"python": platform.python_version()},
    "descriptive": descriptive, "cor_pairs": pairs, "cor_matrix": matrix_case,
    "binary": binary, "multiclass": multiclass, "f1": f1, "join": join,
    "reliability_diagram": reliability_diagram,
}
OUT.parent.mkdir(parents=True, exist_ok=True)
OUT.write_text(json.dumps(out, indent=1, allow_nan=False) + "\n")
print(f"wrote {OUT.relative_to(ROOT)} ({OUT.stat().st_size} bytes)")
