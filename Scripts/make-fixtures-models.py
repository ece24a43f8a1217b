#!/usr/bin/env python3
"""Reference solutions for Fathom's fit_logistic, written to
Tests/FathomCoreTests/Fixtures/logistic/cases.json.

Objective (what fit_logistic(X, y, l2=lam) minimises):

    (1/N) * sum_i -log p(y_i | x_i)  +  (lam/2) * ||W||^2      (intercept not penalised)

K > 2: p = softmax(W x + b), W is K x d (one row per class, multinomial).
K = 2: binary logistic regression, one weight vector w and intercept b,
       p(y=1 | x) = sigmoid(w . x + b).

This is scikit-learn's LogisticRegression with an L2 penalty, C = 1/(lam*N),
fit_intercept=True, solver="lbfgs" (l1_ratio=0.0; the `penalty` argument is
deprecated since scikit-learn 1.8 and L2 is its default). Each case is solved by
scikit-learn at tol=1e-12 and independently re-solved with
scipy.optimize.minimize(method="trust-ncg") on the exact objective above with an
analytic gradient and Hessian-vector product, polished by a few full Newton steps
(numpy lstsq on the dense Hessian) until the gradient is at rounding level. The script prints the maximum
|difference| between the two solutions' predicted probabilities; the fixture
keeps scikit-learn's solution when that difference is below 1e-7 and the scipy
solution otherwise (each case's "source" says which; the top-level "note" too).

For K > 2 the intercept is only determined up to an additive constant (adding c to
every b_k changes no probability); the fixture's intercepts are centred to sum to
zero (scikit-learn's start at zero and stay near-centred anyway). The rows of W sum
to zero at the optimum because of the penalty.

Each case holds: name, X (rows), y (ints 0..K-1), l2, C, K, coef (K rows of d for
K > 2; the single w as one row for K = 2), intercept (K numbers, or 1 for K = 2),
proba (N x K predicted probabilities on X; both columns for K = 2), objective
(the objective value at the solution), source, max_proba_diff (sklearn vs scipy),
grad_inf_norm (max |gradient| of the objective at the stored solution).

Run from the repository root:
    python3 -m venv .venv-fixtures
    .venv-fixtures/bin/pip install -r Scripts/requirements-fixtures.txt
    .venv-fixtures/bin/python Scripts/make-fixtures-models.py
Deterministic: fixed seeds, single-threaded BLAS; running it twice gives identical bytes.
"""
import os

# Single-threaded BLAS so that floating-point reductions are reproducible bit for bit.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import json  # noqa: E402
import pathlib  # noqa: E402
import warnings  # noqa: E402

import numpy as np  # noqa: E402
import scipy  # noqa: E402
import sklearn  # noqa: E402
from scipy import optimize  # noqa: E402
from scipy.special import expit, log_expit, logsumexp, softmax  # noqa: E402
from sklearn.datasets import load_digits  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402

OUT = (pathlib.Path(__file__).resolve().parent.parent
       / "Tests" / "FathomCoreTests" / "Fixtures" / "logistic")
AGREE = 1e-7


# --- the exact objective, its gradient and Hessian-vector product ---------------------

def unpack(theta, K, d):
    """theta = [W.ravel() (rows), b]; for K == 2 W is the single row w and b has 1 entry."""
    rows = 1 if K == 2 else K
    W = theta[: rows * d].reshape(rows, d)
    b = theta[rows * d:]
    return W, b


def objective(theta, X, y, lam, K):
    N, d = X.shape
    W, b = unpack(theta, K, d)
    if K == 2:
        z = X @ W[0] + b[0]
        s = np.where(y == 1, 1.0, -1.0)
        nll = -np.sum(log_expit(s * z)) / N
    else:
        Z = X @ W.T + b
        nll = np.sum(logsumexp(Z, axis=1) - Z[np.arange(N), y]) / N
    return nll + 0.5 * lam * np.sum(W * W)


def gradient(theta, X, y, lam, K):
    N, d = X.shape
    W, b = unpack(theta, K, d)
    if K == 2:
        r = expit(X @ W[0] + b[0]) - y          # N
        gW = (X.T @ r / N)[None, :] + lam * W
        gb = np.array([r.sum() / N])
    else:
        R = softmax(X @ W.T + b, axis=1)
        R[np.arange(N), y] -= 1.0                # N x K
        gW = R.T @ X / N + lam * W
        gb = R.sum(axis=0) / N
    return np.concatenate([gW.ravel(), gb])


def hessp(theta, v, X, y, lam, K):
    N, d = X.shape
    W, b = unpack(theta, K, d)
    V, c = unpack(v, K, d)
    if K == 2:
        p = expit(X @ W[0] + b[0])
        dp = p * (1.0 - p) * (X @ V[0] + c[0])
        hW = (X.T @ dp / N)[None, :] + lam * V
        hb = np.array([dp.sum() / N])
    else:
        P = softmax(X @ W.T + b, axis=1)
        dZ = X @ V.T + c
        dP = P * (dZ - np.sum(P * dZ, axis=1, keepdims=True))
        hW = dP.T @ X / N + lam * V
        hb = dP.sum(axis=0) / N
    return np.concatenate([hW.ravel(), hb])


def proba(theta, X, K):
    d = X.shape[1]
    W, b = unpack(theta, K, d)
    if K == 2:
        p1 = expit(X @ W[0] + b[0])
        return np.column_stack([1.0 - p1, p1])
    return softmax(X @ W.T + b, axis=1)


# --- the two solvers --------------------------------------------------------------------

def solve_sklearn(X, y, lam, K):
    N = X.shape[0]
    C = 1.0 / (lam * N)
    clf = LogisticRegression(C=C, l1_ratio=0.0, fit_intercept=True, solver="lbfgs",
                             tol=1e-12, max_iter=100000)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a ConvergenceWarning must not pass silently
        clf.fit(X, y)
    assert list(clf.classes_) == list(range(K))
    theta = np.concatenate([clf.coef_.ravel(), clf.intercept_])
    # scikit-learn's own probabilities must be the model we describe
    assert np.max(np.abs(clf.predict_proba(X) - proba(theta, X, K))) < 1e-14
    return theta, C


def solve_scipy(X, y, lam, K):
    d = X.shape[1]
    rows = 1 if K == 2 else K
    theta0 = np.zeros(rows * d + (1 if K == 2 else K))
    res = optimize.minimize(objective, theta0, args=(X, y, lam, K), jac=gradient,
                            hessp=hessp, method="trust-ncg",
                            options={"gtol": 1e-12, "maxiter": 10000})
    # trust-ncg may stop with "precision loss" a little short of gtol; finish with full Newton
    # steps on the dense Hessian (at most K*(d+1) = 650 parameters here). lstsq gives the
    # minimum-norm step, which handles the Hessian's null direction for K > 2 (adding the
    # same constant to every intercept). Keep the iterate with the smallest gradient.
    theta = res.x
    n = theta.size
    best, best_g = theta, np.max(np.abs(gradient(theta, X, y, lam, K)))
    for _ in range(20):
        g = gradient(theta, X, y, lam, K)
        H = np.column_stack([hessp(theta, e, X, y, lam, K) for e in np.eye(n)])
        H = 0.5 * (H + H.T)
        theta = theta - np.linalg.lstsq(H, g, rcond=None)[0]
        g_new = np.max(np.abs(gradient(theta, X, y, lam, K)))
        if g_new < best_g:
            best, best_g = theta, g_new
        elif g_new >= best_g:
            break
    return best


def centre(theta, K, d):
    if K == 2:
        return theta
    theta = theta.copy()
    theta[K * d:] -= theta[K * d:].mean()
    return theta


# --- data ---------------------------------------------------------------------------------

def gaussian_mixture(seed, means, n_per_class, scale=1.0):
    rng = np.random.default_rng(seed)
    means = np.asarray(means, dtype=float)
    K, d = means.shape
    X = np.concatenate([means[k] + scale * rng.standard_normal((n_per_class, d))
                        for k in range(K)])
    y = np.repeat(np.arange(K), n_per_class)
    perm = rng.permutation(len(y))
    # rounded so the JSON stays short; the rounded values are the data
    return np.round(X[perm], 4), y[perm]


def datasets():
    X3, y3 = gaussian_mixture(20240601, [[1.0, 0.0, -0.5, 0.5],
                                         [-0.5, 1.0, 0.5, 0.0],
                                         [0.0, -1.0, 0.0, -0.75]], 50)
    Xb, yb = gaussian_mixture(7, [[0.6, -0.4, 0.2], [-0.4, 0.5, -0.3]], 100, scale=1.2)
    digits = load_digits()
    Xd, yd = digits.data[:400] / 16.0, digits.target[:400].astype(int)
    Xs, ys = gaussian_mixture(99, [[2.5, 2.0], [-2.5, -2.0]], 30, scale=0.8)
    X4, y4 = gaussian_mixture(31337, [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0],
                                      [0.0, 0.0, 1.0], [-1.0, -1.0, -1.0]], 30)
    X4 = np.column_stack([X4[:, :1], np.full(len(y4), 2.5), X4[:, 1:]])
    return [
        ("multinomial_3class_gauss_l2_0.01", X3, y3, 0.01,
         "3-class Gaussian mixture, N=150, d=4"),
        ("multinomial_3class_gauss_l2_0.001", X3, y3, 0.001,
         "same data as multinomial_3class_gauss_l2_0.01, weaker penalty"),
        ("binary_gauss_l2_0.01", Xb, yb, 0.01,
         "binary Gaussian mixture, N=200, d=3"),
        ("multinomial_10class_digits400_l2_0.01", Xd, yd, 0.01,
         "first 400 rows of sklearn load_digits(), features / 16 (several columns are all zero)"),
        ("binary_separable_l2_0.1", Xs, ys, 0.1,
         "two well-separated clusters, N=60, d=2: (nearly) separable, finite only because of the penalty"),
        ("multinomial_4class_constant_feature_l2_0.05", X4, y4, 0.05,
         "4-class Gaussian mixture, N=120, d=4, column 1 constant 2.5 (zero variance): its weights are exactly 0 at the optimum (the stored solver values are within 1e-6 of 0)"),
    ]


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    cases = []
    sources = []
    for name, X, y, lam, description in datasets():
        X = np.ascontiguousarray(X, dtype=float)
        y = np.asarray(y, dtype=int)
        N, d = X.shape
        K = int(y.max()) + 1
        assert sorted(set(y.tolist())) == list(range(K))
        t_sk, C = solve_sklearn(X, y, lam, K)
        t_sp = solve_scipy(X, y, lam, K)
        t_sk, t_sp = centre(t_sk, K, d), centre(t_sp, K, d)
        diff = float(np.max(np.abs(proba(t_sk, X, K) - proba(t_sp, X, K))))
        coef_diff = float(np.max(np.abs(t_sk - t_sp)))
        g_sk = float(np.max(np.abs(gradient(t_sk, X, y, lam, K))))
        g_sp = float(np.max(np.abs(gradient(t_sp, X, y, lam, K))))
        f_sk, f_sp = objective(t_sk, X, y, lam, K), objective(t_sp, X, y, lam, K)
        assert g_sp < 1e-13, (name, g_sp)
        source = "sklearn" if diff < AGREE else "scipy"
        theta = t_sk if source == "sklearn" else t_sp
        sources.append((name, source))
        print(f"{name}: K={K} N={N} d={d} lambda={lam}  max|proba diff|={diff:.3e}  "
              f"max|param diff|={coef_diff:.3e}  |grad|inf sklearn={g_sk:.3e} scipy={g_sp:.3e}  "
              f"objective sklearn-scipy={f_sk - f_sp:.3e}  -> {source}")
        W, b = unpack(theta, K, d)
        if "constant_feature" in name:
            assert np.max(np.abs(W[:, 1])) < 1e-6, W[:, 1]
            assert np.max(np.abs(unpack(t_sp, K, d)[0][:, 1])) < 1e-12
        cases.append({
            "name": name,
            "description": description,
            "X": X.tolist(),
            "y": y.tolist(),
            "l2": lam,
            "C": C,
            "K": K,
            "coef": W.tolist(),
            "intercept": b.tolist(),
            "proba": proba(theta, X, K).tolist(),
            "objective": float(objective(theta, X, y, lam, K)),
            "source": source,
            "max_proba_diff": diff,
            "grad_inf_norm": float(np.max(np.abs(gradient(theta, X, y, lam, K)))),
        })
    scipy_cases = [n for n, s in sources if s == "scipy"]
    note = ("coef/intercept/proba are scikit-learn's LogisticRegression(C=1/(l2*N), l1_ratio=0, "
            "solver='lbfgs', tol=1e-12, max_iter=100000) solution, confirmed by an independent "
            "scipy trust-ncg + Newton solve of the exact objective (max_proba_diff per case)")
    if scipy_cases:
        note += ("; for " + ", ".join(scipy_cases) + " scikit-learn's result differed by more than "
                 f"{AGREE:g} in a probability, so the scipy solution (gradient at rounding level) is stored")
    note += (". For K > 2 the intercept is determined only up to an additive constant; "
             "the stored intercepts are centred to sum to 0.")
    doc = {
        "sklearn": sklearn.__version__,
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "objective": ("mean over samples of the negative log-likelihood, -(1/N) sum_i log p(y_i|x_i), "
                      "plus (l2/2) times the sum of squares of the weights (intercept not penalised); "
                      "K>2: p = softmax(W x + b) with W K x d; K=2: p(y=1|x) = sigmoid(w.x + b). "
                      "Equals sklearn LogisticRegression with C = 1/(l2*N)"),
        "note": note,
        "cases": cases,
    }
    path = OUT / "cases.json"
    path.write_text(json.dumps(doc) + "\n")
    print("wrote", path, path.stat().st_size, "bytes")


if __name__ == "__main__":
    main()
