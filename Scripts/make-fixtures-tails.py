#!/usr/bin/env python3
"""Reference values for Fathom's tail forecasts (Gumbel tail, forecasts, frequency, aggregate,
backtest, decompose) and classical extreme-value fits (GEV, Gumbel, GPD, return levels), written
as JSON (+ .npy) fixtures to Tests/FathomCoreTests/Fixtures/tails/ so that the Swift tests need
no Python.

Files written (all documented in Tests/FathomCoreTests/Fixtures/tails/README.md):
    tails.json          scores, digamma, ndtri, gumbel_tail / forecast / forecast_frequency /
                        forecast_aggregate on small and bundled pools, error cases
    backtest.json       backtests on fixed partitions (+ backtest-eval-idx.npy,
                        backtest-deploy-idx.npy), the bundled generator's own design on the full
                        pools, decompose, and the spread over 10 backtest seeds
    evt.json            GEV / Gumbel MLE (Port Pirie and synthetic samples), standard errors,
                        return levels with delta-method and profile-likelihood intervals,
                        likelihood-ratio test; GPD on a Student-t sample; block maxima; mean excess
                        (+ evt-gev-10000.npy, evt-t4-2000.npy)
    profile.json        profile-likelihood intervals of GEV and Gumbel return levels by brute force
                        (heavy, light and near-Gumbel samples)
    aggregate.json      forecast_aggregate's tail mean for tail rates 0.5 to 5000 (mpmath), and pools
                        with large fitted tail rates
    elicitation.json    per-query (successes, trials) -> Jeffreys / MLE probabilities and scores

Every reference value is {"value": ..., "source": "<exact call or formula>"}.

Run from the repository root (the packages are already in the git-ignored .venv-reliability):
    .venv-reliability/bin/python Scripts/make-fixtures-tails.py
Deterministic: fixed seeds, single-threaded BLAS; running it twice gives identical bytes.
"""
import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import csv  # noqa: E402
import importlib.metadata as _md  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import pathlib  # noqa: E402
import platform  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402

import numpy as np  # noqa: E402
from scipy import integrate, optimize, special, stats  # noqa: E402

import mpmath  # noqa: E402  (high-precision cross-checks only; 1.3.0 is in .venv-reliability)

mp = mpmath.mp

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "Tests" / "FathomCoreTests" / "Fixtures" / "tails"
CLEAN = "Datasets/elicitation/clean.npy"
RARE = "Datasets/elicitation/rare-mode.npy"
PIRIE = "Datasets/port-pirie/annual-maxima.csv"
GENERATOR = "Scripts/make-fixtures-tails.py"

Z975 = 1.959963984540054          # the brief's constant; equals scipy.stats.norm.ppf(0.975)
CHI2_95 = float(stats.chi2.ppf(0.95, 1))

# seeds (all numpy.random.default_rng)
SEED_SMALL_POOL = 101
SEED_BACKTEST_FIXED = 7
SEED_BACKTEST_CARD = 20257
SEEDS_SPREAD = list(range(1, 11))
SEED_GEV_POS = 2101       # xi = +0.2, n = 200
SEED_GEV_NEG = 2102       # xi = -0.2, n = 200
SEED_GEV_BIG = 2103       # xi = +0.1, n = 10000
SEED_T4 = 2201            # Student-t, 4 df, n = 2000

N_TAIL_FORECAST = [1e4, 1e5, 1e6, 1e9]
TAUS = [0.01, 0.1, 0.5]
N_AGG = [1e3, 1e5, 1e6]
METHODS = ["gumbel", "gumbel-unbiased", "lognormal"]


def versions():
    v = {n: _md.version(n) for n in ["numpy", "scipy", "mpmath"]}
    v["python"] = platform.python_version()
    return v


VERSIONS = versions()
LOG = []


def log(msg):
    LOG.append(msg)
    print(msg, flush=True)


# ----------------------------------------------------------------------------------------------
# helpers


def py(x, where="?"):
    """Convert to JSON-able Python objects; refuse NaN/inf (the writer uses null explicitly)."""
    if isinstance(x, dict):
        return {str(k): py(v, where) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [py(v, where) for v in x]
    if isinstance(x, np.ndarray):
        return py(x.tolist(), where)
    if isinstance(x, (bool, np.bool_)):
        return bool(x)
    if isinstance(x, (int, np.integer)):
        return int(x)
    if isinstance(x, (float, np.floating)):
        f = float(x)
        if not math.isfinite(f):
            raise ValueError(f"non-finite float {f} in {where}")
        return f
    if x is None or isinstance(x, str):
        return x
    raise TypeError(f"{type(x)} in {where}")


def ref(value, source, **extra):
    d = {"value": value, "source": source}
    d.update(extra)
    return d


def fnull(x):
    """float or None (for NaN / ±inf), the README says where null appears and why."""
    x = float(x)
    return x if math.isfinite(x) else None


def write_json(name, obj):
    text = json.dumps(py(obj, name), indent=1, allow_nan=False, ensure_ascii=False) + "\n"
    (OUT / name).write_text(text, encoding="utf-8")
    return len(text.encode("utf-8"))


def save_npy(name, arr, dtype):
    arr = np.ascontiguousarray(np.asarray(arr, dtype=dtype))
    np.save(OUT / name, arr, allow_pickle=False)
    return name


def load(rel):
    return np.load(ROOT / rel, allow_pickle=False)


def quiet_quad(f, a, b, **kw):
    """scipy.integrate.quad, recording any IntegrationWarning instead of printing it."""
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        res = integrate.quad(f, a, b, full_output=1, **kw)
    val, err = res[0], res[1]
    info = res[2]
    msgs = [str(x.message).split("\n")[0] for x in w]
    if len(res) > 3:
        msgs.append(str(res[3]).split("\n")[0])
    return val, err, int(info["neval"]), msgs


# ----------------------------------------------------------------------------------------------
# A. scores and the Gumbel tail


def scores(p):
    """psi = -log(-log p), with log p computed as log1p(p - 1) for p > 0.5 (p - 1 is exact there,
    Sterbenz) and log(p) otherwise. p = 0 gives -inf. Both expressions agree to <= 1 ulp (see
    tails.json "scores"); this one is never worse."""
    p = np.asarray(p, dtype=np.float64)
    with np.errstate(divide="ignore"):
        lp = np.where(p > 0.5, np.log1p(p - 1.0), np.log(p))
        return -np.log(-lp)


def score1(p):
    return float(scores(np.array([p]))[0])


SCORE_SRC = "-numpy.log(-L) with L = numpy.log1p(p - 1.0) if p > 0.5 else numpy.log(p)"


def positions(k, m, rule):
    j = np.arange(1, k + 1, dtype=np.float64)
    if rule == "gumbel":
        return np.log(j / m)
    return special.digamma(j) - special.digamma(float(m + 1))


POS_SRC = {
    "gumbel": "numpy.log(numpy.arange(1, k+1) / m)",
    "gumbel-unbiased": "scipy.special.digamma(numpy.arange(1, k+1)) - scipy.special.digamma(m + 1)",
}


def top_scores(p, k):
    psi = scores(p)
    order = np.argsort(-psi, kind="stable")
    return psi, order, psi[order[:k]]


def ols_closed(x, y):
    xm, ym = x.mean(), y.mean()
    a = float(np.sum((x - xm) * (y - ym)) / np.sum((x - xm) ** 2))
    return a, float(ym - a * xm)


def gumbel_tail(p, k, rule="gumbel"):
    m = len(p)
    psi, order, top = top_scores(p, k)
    y = positions(k, m, rule)
    a, b = (float(v) for v in np.polyfit(top, y, 1))
    ac, bc = ols_closed(top, y)
    res = y - (a * top + b)
    ss_res = float(np.sum(res ** 2))
    ss_tot = float(np.sum((y - y.mean()) ** 2))
    r2 = 1.0 - ss_res / ss_tot
    return dict(m=m, k=k, a=a, b=b, a_closed=ac, b_closed=bc, r2=r2, top=top, y=y, order=order, psi=psi)


def q_psi_gumbel(fit, n):
    return -(math.log(n) + fit["b"]) / fit["a"]


def prob(q):
    return math.exp(-math.exp(-q))


def forecast(p, n, k, method, fits=None):
    if method in ("gumbel", "gumbel-unbiased"):
        fit = fits[method] if fits else gumbel_tail(p, k, method)
        q = q_psi_gumbel(fit, n)
        return q, prob(q)
    psi = scores(p)
    with np.errstate(invalid="ignore"):
        mu = float(np.mean(psi))
        sd = float(np.std(psi, ddof=0))
    q = mu + sd * float(special.ndtri(1.0 - 1.0 / n))
    if not math.isfinite(q):
        return q, float("nan")
    return q, prob(q)


def e_tail_integrand(psik, lam):
    def f(u):
        return math.exp(-math.exp(-(psik - math.log1p(-u) / lam)))
    return f


def forecast_aggregate_parts(p, k, fit):
    m = len(p)
    order = fit["order"]
    psik = float(fit["top"][k - 1])
    lam = -fit["a"]
    body = p[order[k:]]
    mean_body = float(np.mean(body))
    f = e_tail_integrand(psik, lam)
    et, et_err, neval, msgs = quiet_quad(f, 0.0, 1.0, epsabs=0.0, epsrel=1e-13, limit=200)
    # cross-check 1: the same expectation over E ~ Exp(1) directly (scipy quad on [0, inf))
    g = (lambda e: math.exp(-math.exp(-(psik + e / lam)) - e))
    et2, et2_err, _, msgs2 = quiet_quad(g, 0.0, np.inf, epsabs=0.0, epsrel=1e-13, limit=200)
    # cross-check 2: closed form. With c = exp(-psi_k) = -log p_(k):
    #   E_tail[p] = lam * c^(-lam) * gamma_lower(lam, c) = Gamma(lam+1) c^(-lam) P(lam, c)
    c = math.exp(-psik)
    et3 = math.exp(special.gammaln(lam + 1.0) - lam * math.log(c)) * float(special.gammainc(lam, c))
    et_mp = None
    if mpmath is not None:
        with mp.workdps(40):
            cm = mp.exp(-mp.mpf(psik))
            lm = mp.mpf(lam)
            et_mp = float(lm * cm ** (-lm) * mp.gammainc(lm, 0, cm))
    ep = (m - k) / m * mean_body + k / m * et
    return dict(psik=psik, lam=lam, mean_body=mean_body, e_tail=et, e_tail_err=et_err, neval=neval,
                quad_msgs=msgs, e_tail_exp=et2, e_tail_exp_msgs=msgs2, e_tail_closed=et3,
                e_tail_mpmath=et_mp, e_p=ep)


def agg(ep, n):
    return -math.expm1(n * math.log1p(-ep))


def tails_case(name, description, p, k, pool_desc, notes=()):
    p = np.asarray(p, dtype=np.float64)
    m = len(p)
    fits = {r: gumbel_tail(p, k, r) for r in ("gumbel", "gumbel-unbiased")}
    out = {"name": name, "description": description, "pool": pool_desc, "m": m, "k": k,
           "notes": list(notes)}
    fit_out = {}
    for r, fit in fits.items():
        fit_out[r] = {
            "positions": ref(fit["y"], POS_SRC[r]),
            "top_scores": ref(fit["top"], "the k largest of the scores, largest first (" + SCORE_SRC + ")"),
            "a": ref(fit["a"], "numpy.polyfit(top_scores, positions, 1)[0]"),
            "b": ref(fit["b"], "numpy.polyfit(top_scores, positions, 1)[1]"),
            "a_closed_form": ref(fit["a_closed"], "sum((x-mean x)(y-mean y)) / sum((x-mean x)^2)"),
            "b_closed_form": ref(fit["b_closed"], "mean y - a_closed * mean x"),
            "r2": ref(fit["r2"], "1 - SS_res/SS_tot, residuals y - (a x + b) with the polyfit a, b, "
                                 "SS_tot = sum((y - mean y)^2)"),
        }
    out["fit"] = fit_out
    psi = fits["gumbel"]["psi"]
    finite = bool(np.all(np.isfinite(psi)))
    with np.errstate(invalid="ignore"):
        mu = float(np.mean(psi))
        sd = float(np.std(psi, ddof=0))
    out["lognormal_fit"] = {
        "mu": ref(fnull(mu), "numpy.mean(psi) over all m scores"),
        "sigma": ref(fnull(sd), "numpy.std(psi, ddof=0) over all m scores"),
    }
    if not finite:
        out["lognormal_fit"]["note"] = ("the pool has p = 0 (psi = -inf): mean is -inf and std is undefined (numpy: nan), "
                                        "written as null; the lognormal forecast is undefined (Fathom "
                                        "should refuse it)")
    fc = []
    for n in N_TAIL_FORECAST:
        row = {"n": n}
        for meth in METHODS:
            q, f = forecast(p, n, k, meth, fits)
            if meth == "lognormal":
                src_q = "mu + sigma * scipy.special.ndtri(1 - 1/n)"
            else:
                src_q = "-(log(n) + b)/a with the %s fit (polyfit a, b)" % meth
            row[meth] = {"Q_psi": ref(fnull(q), src_q),
                         "forecast": ref(fnull(f), "exp(-exp(-Q_psi))")}
            if meth == "lognormal":
                q2 = mu - sd * float(special.ndtri(1.0 / n))
                row[meth]["Q_psi_via_minus_ndtri_1_over_n"] = ref(
                    fnull(q2), "mu - sigma * scipy.special.ndtri(1/n) (no rounding of 1 - 1/n; NOT the specified "
                               "formula, for comparison: differs noticeably for n >= 1e9)")
                row[meth]["forecast_via_minus_ndtri_1_over_n"] = ref(
                    fnull(prob(q2)) if math.isfinite(q2) else None, "exp(-exp(-Q_psi_via_minus_ndtri_1_over_n))")
        fc.append(row)
    out["forecast"] = fc
    fq = []
    for tau in TAUS:
        pt = score1(tau)
        est = math.exp(fits["gumbel"]["a"] * pt + fits["gumbel"]["b"])
        fq.append({"tau": tau,
                   "psi_tau": ref(pt, "-log(-log(tau))"),
                   "estimate": ref(est, "exp(a * psi_tau + b), gumbel (log(j/m)) fit; not clipped to 1"),
                   "estimate_exceeds_one": est > 1.0,
                   "empirical_share": ref(float(np.mean(p > tau)), "numpy.mean(p > tau) (for comparison only)")})
    out["forecast_frequency"] = fq
    parts = forecast_aggregate_parts(p, k, fits["gumbel"])
    msrc = "scipy.integrate.quad(lambda u: exp(-exp(-(psi_k - log1p(-u)/lam))), 0, 1, epsabs=0, epsrel=1e-13, limit=200)"
    ag = {
        "psi_k": ref(parts["psik"], "the k-th largest score"),
        "lambda": ref(parts["lam"], "-a (gumbel log(j/m) fit)"),
        "mean_body": ref(parts["mean_body"], "numpy.mean(p[order[k:]]), order = numpy.argsort(-psi, kind='stable')"),
        "e_tail": ref(parts["e_tail"], msrc, quad_abserr=parts["e_tail_err"], quad_neval=parts["neval"],
                      quad_warnings=parts["quad_msgs"]),
        "e_tail_check_exp_form": ref(parts["e_tail_exp"],
                                     "scipy.integrate.quad(lambda e: exp(-exp(-(psi_k + e/lam)) - e), 0, inf, epsabs=0, epsrel=1e-13, limit=200)",
                                     quad_warnings=parts["e_tail_exp_msgs"]),
        "e_tail_check_closed_form": ref(parts["e_tail_closed"],
                                        "exp(gammaln(lam+1) - lam*log(c)) * scipy.special.gammainc(lam, c), c = exp(-psi_k)"),
        "e_tail_check_mpmath": ref(parts["e_tail_mpmath"],
                                   "mpmath (40 digits): lam * c^-lam * mpmath.gammainc(lam, 0, c), c = exp(-psi_k)"),
        "e_p": ref(parts["e_p"], "((m-k)/m) * mean_body + (k/m) * e_tail"),
        "mean_p": ref(float(np.mean(p)), "numpy.mean(p)"),
        "by_n": [],
    }
    for n in N_AGG:
        ag["by_n"].append({
            "n": n,
            "aggregate": ref(agg(parts["e_p"], n), "-expm1(n * log1p(-e_p))"),
            "log_prob_no_failure": ref(n * math.log1p(-parts["e_p"]), "n * log1p(-e_p)"),
            "naive": ref(agg(float(np.mean(p)), n), "-expm1(n * log1p(-numpy.mean(p)))"),
        })
    out["forecast_aggregate"] = ag
    return out, fits, parts


# ----------------------------------------------------------------------------------------------
# A. special functions


def mp_score(pf):
    with mp.workdps(50):
        x = mp.mpf(pf)
        return -mp.log(-mp.log(x))


def build_tails():
    t0 = time.time()
    doc = {"file": "tails.json", "generator": GENERATOR, "versions": VERSIONS}

    # --- scores on a grid
    grid = [("0", 0.0), ("5e-324 (smallest subnormal)", 5e-324), ("1e-300", 1e-300), ("1e-12", 1e-12),
            ("1e-3", 1e-3), ("0.1", 0.1), ("0.5", 0.5), ("0.9", 0.9), ("1 - 1e-12 (= 1.0 - 1e-12 in double)", 1.0 - 1e-12),
            ("1 - 2^-53 (largest double below 1)", 1.0 - 2.0 ** -53), ("1", 1.0)]
    srows = []
    for label, pv in grid:
        row = {"label": label, "p": pv}
        if pv == 0.0:
            row["psi"] = ref(None, "-inf: p = 0 gives psi = -inf (null here; JSON has no infinities)")
            row["kind"] = "minus_infinity"
        elif pv == 1.0:
            row["psi"] = ref(None, "undefined: p = 1 has no finite score (Fathom: an error)")
            row["kind"] = "error"
        else:
            with np.errstate(divide="ignore"):
                v_log = float(-np.log(-np.log(pv)))
                v_l1p = float(-np.log(-np.log1p(pv - 1.0)))
            row["psi"] = ref(score1(pv), SCORE_SRC)
            row["psi_via_log"] = ref(v_log, "-numpy.log(-numpy.log(p))")
            row["psi_via_log1p"] = ref(fnull(v_l1p), "-numpy.log(-numpy.log1p(p - 1.0)); null when p - 1.0 "
                                                     "rounds to -1 (p < 2^-54), giving log1p(-1) = -inf")
            if mpmath is not None:
                mv = mp_score(pv)
                row["psi_mpmath"] = ref(mpmath.nstr(mv, 30), "mpmath 50 digits: -log(-log(p)) of the exact double p, "
                                                             "as a 30-significant-digit string")
                row["psi_mpmath_double"] = ref(float(mv), "float(mpmath value) (correctly rounded)")
                ulp = math.ulp(float(mv))
                row["error_ulps"] = {"via_log": fnull((v_log - float(mv)) / ulp),
                                     "via_log1p": fnull((v_l1p - float(mv)) / ulp)}
            row["kind"] = "finite"
        srows.append(row)
    # the decimal 1 - 1e-12 is not a double: show what the rounding of the input does
    extra = None
    if mpmath is not None:
        with mp.workdps(50):
            exact_dec = -mp.log(-mp.log(1 - mp.mpf(10) ** -12))
        extra = {"psi_of_exact_decimal_1_minus_1e-12": ref(mpmath.nstr(exact_dec, 30),
                                                            "mpmath 50 digits on the real number 1 - 10^-12 (not a double)"),
                 "psi_of_double_1_minus_1e-12": ref(mpmath.nstr(mp_score(1.0 - 1e-12), 30), "mpmath on the double"),
                 "note": "1 - 1e-12 is not representable; the double 1.0 - 1e-12 is 0.999999999999000022..., so "
                         "1 - p differs from 1e-12 by about 2.2e-17 (relative 2.2e-5) and psi differs from the "
                         "psi of the exact decimal by about 2.2e-5. Tests must use the stored double p."}
    doc["scores"] = {"definition": "psi = -log(-log p); p = 0 -> -inf (null), p = 1 -> error (null)",
                     "chosen_expression": SCORE_SRC, "grid": srows, "input_rounding": extra}

    # --- digamma
    dg = {"j": [], "m_plus_1": []}
    for j in range(1, 11):
        dg["j"].append({"x": j, "digamma": ref(float(special.digamma(float(j))), "scipy.special.digamma(x)"),
                        "mpmath": ref(float(mpmath.digamma(j)) if mpmath else None, "float(mpmath.digamma(x)) at 30 digits")})
    for x in [13, 51, 1001, 10001, 200001]:
        with mp.workdps(30):
            mv = float(mpmath.digamma(x))
        dg["m_plus_1"].append({"x": x, "digamma": ref(float(special.digamma(float(x))), "scipy.special.digamma(x)"),
                               "mpmath": ref(mv, "float(mpmath.digamma(x)) at 30 digits")})
    # position gaps quoted by REFERENCES.md for m = 1000
    gaps = (positions(10, 1000, "gumbel") - positions(10, 1000, "gumbel-unbiased")).tolist()
    dg["position_gap_m1000"] = ref(gaps, "log(j/1000) - (digamma(j) - digamma(1001)), j = 1..10 "
                                         "(REFERENCES.md quotes 0.578, 0.271, 0.176, ..., 0.051)")
    doc["digamma"] = dg

    # --- ndtri
    nd = {"upper": [], "lower": []}
    for n in [2, 10, 1e3, 1e6, 1e9, 1e12, 1e15]:
        x = 1.0 - 1.0 / n
        v = float(special.ndtri(x))
        v2 = float(-special.ndtri(1.0 / n))
        row = {"n": n, "x": x, "ndtri": ref(v, "scipy.special.ndtri(1 - 1/n) (argument rounded to double first)"),
               "minus_ndtri_1_over_n": ref(v2, "-scipy.special.ndtri(1/n) (no rounding of 1 - 1/n)")}
        if mpmath is not None:
            with mp.workdps(60):
                xe = mp.mpf(x)
                z = mp.sqrt(2) * mp.erfinv(2 * xe - 1)
                ze = -mp.sqrt(2) * mp.erfinv(2 * (1 / mp.mpf(n)) - 1)
            row["mpmath_of_double_x"] = ref(float(z), "mpmath 60 digits: sqrt(2)*erfinv(2x - 1) at the double x = 1 - 1/n")
            row["mpmath_of_exact_1_minus_1_over_n"] = ref(float(ze), "mpmath 60 digits at the real 1 - 1/n")
        nd["upper"].append(row)
    for q in [0.5, 0.1, 1e-2, 1e-3, 1e-5, 1e-10, 1e-20, 1e-50, 1e-100, 1e-200, 1e-300]:
        row = {"p": q, "ndtri": ref(float(special.ndtri(q)), "scipy.special.ndtri(p)")}
        if mpmath is not None:
            with mp.workdps(60 + int(-math.log10(q))):
                z = mp.sqrt(2) * mp.erfinv(2 * mp.mpf(q) - 1)
            with mp.workdps(50):
                target = mp.log(mp.mpf(q))
                z2 = mp.findroot(lambda t: mp.log(mp.ncdf(t)) - target, mp.mpf(float(special.ndtri(q))))
            assert abs(float(z) - float(z2)) <= 1e-15 * max(1.0, abs(float(z))), (q, z, z2)
            row["mpmath"] = ref(float(z), "mpmath: sqrt(2)*erfinv(2p - 1) with 60 + floor(-log10 p) digits "
                                          "(agrees with findroot of log(ncdf(z)) = log(p))")
        nd["lower"].append(row)
    doc["ndtri"] = nd

    # --- cases
    cases = []
    notes_global = []

    rng = np.random.default_rng(SEED_SMALL_POOL)
    small = np.exp(-np.exp(-rng.normal(-1.5, 0.8, size=50)))
    c, _, _ = tails_case("small50-k10", "50 values: psi ~ Normal(-1.5, 0.8) from numpy.random.default_rng(101).normal, "
                         "p = exp(-exp(-psi)); k = 10", small, 10, {"values": small.tolist()})
    cases.append(c)

    ties = np.array([0.3, 0.05, 0.3, 0.2, 0.01, 0.2, 0.1, 0.2, 0.002, 0.04, 0.2, 0.03, 0.001, 0.08,
                     0.15, 0.15, 0.004, 0.06, 0.02, 0.007], dtype=np.float64)
    c, _, _ = tails_case("ties20-k5", "20 hand-written values; the top scores tie: 0.3 twice, 0.2 four times, so "
                         "with k = 5 the 5th and 6th largest are tied across the top-k boundary (which copy is "
                         "'body' cannot matter: they are equal)", ties, 5, {"values": ties.tolist()})
    cases.append(c)

    c, _, _ = tails_case("small50-k2", "the small50 pool with k = 2, the smallest allowed k (two points: the fit is "
                         "exact, R^2 = 1 up to rounding)", small, 2, {"same_as": "small50-k10"})
    cases.append(c)

    zero = np.concatenate([small[:30], np.zeros(3), small[30:]])
    c, _, _ = tails_case("small50-with-zeros-k10", "the small50 pool with three p = 0 inserted after position 30 "
                         "(m = 53); the zeros are far below the top k, so gumbel fits are defined; lognormal is not "
                         "(mean of scores is -inf): null", zero, 10,
                         {"values": zero.tolist()})
    cases.append(c)

    clean = load(CLEAN)
    rare = load(RARE)
    for k in (10, 25):
        c, _, _ = tails_case("clean1000-k%d" % k, "the first 1000 values of clean.npy", clean[:1000], k,
                             {"path": CLEAN, "slice": [0, 1000]})
        cases.append(c)
    c, _, _ = tails_case("rare1000-k10", "the first 1000 values of rare-mode.npy: IDENTICAL to clean[:1000] (the first "
                         "rare position is 6019), so the results equal clean1000-k10", rare[:1000], 10,
                         {"path": RARE, "slice": [0, 1000]},
                         notes=["rare-mode.npy[:1000] == clean.npy[:1000] element for element"])
    cases.append(c)
    c, _, _ = tails_case("rare5500to6500-k10", "rare-mode.npy[5500:6500]: 1000 values holding exactly one rare-mode "
                         "query (index 6019, p = %r), which is the top score" % float(rare[6019]),
                         rare[5500:6500], 10, {"path": RARE, "slice": [5500, 6500]})
    cases.append(c)
    c, _, _ = tails_case("rare10000-k10", "rare-mode.npy[:10000]: holds three rare-mode queries (6019, 8058, 8402), "
                         "the top three scores", rare[:10000], 10, {"path": RARE, "slice": [0, 10000]})
    cases.append(c)
    c, _, _ = tails_case("clean200000-k100", "all 200000 values of clean.npy", clean, 100,
                         {"path": CLEAN, "slice": [0, 200000]})
    cases.append(c)
    doc["cases"] = cases

    # --- error cases (what Fathom must refuse)
    doc["error_cases"] = [
        {"name": "k1", "p": small.tolist()[:10], "k": 1, "why": "k must be >= 2 (one point has no slope)"},
        {"name": "constant-top", "p": [0.2, 0.2, 0.2, 0.1, 0.05, 0.01], "k": 3,
         "why": "the top k scores are all equal: SS_xx = 0, no slope (numpy.polyfit would return garbage / warn)"},
        {"name": "p-equals-1", "p": [0.1, 1.0, 0.2, 0.05, 0.01], "k": 2, "why": "p = 1 has no finite score"},
        {"name": "zeros-in-top-k", "p": [0.2, 0.1, 0.0, 0.0, 0.0, 0.0], "k": 3,
         "why": "p = 0 (psi = -inf) reaches the top k"},
        {"name": "k-equals-m", "p": [0.2, 0.1, 0.05], "k": 3, "why": "k must be below m (the body would be empty)"},
    ]
    notes_global += [
        "top-k selection: order = numpy.argsort(-psi, kind='stable'); top = psi[order[:k]]; body = p[order[k:]]",
        "polyfit and closed-form OLS agree to ~1e-14 relative; compare a, b with rel ~1e-12",
        "forecast_frequency is exp(a psi_tau + b) unclipped; it exceeds 1 where tau lies far below the top-k "
        "scores (estimate_exceeds_one)",
        "forecast_aggregate: for n >= 1e5 every case gives exactly 1.0 in double; log_prob_no_failure "
        "= n log1p(-e_p) carries the information",
        "REFERENCES.md describes forecast_aggregate as seeded Monte Carlo; these fixtures (and Fathom) compute "
        "the expectation exactly by quadrature",
        "null means: -inf (p = 0 scores), undefined (p = 1), or lognormal forecasts of a pool containing p = 0",
    ]
    doc["notes"] = notes_global
    log("tails.json built in %.1fs" % (time.time() - t0))
    return doc


# ----------------------------------------------------------------------------------------------
# B. backtests


def eval_forecast(pe, n, k, method):
    if method == "lognormal":
        return forecast(pe, n, k, method)[1]
    m = len(pe)
    psi = scores(pe)
    top = -np.sort(-psi)[:k]   # descending; ties do not matter for the values
    y = positions(k, m, method)
    a, b = np.polyfit(top, y, 1)
    q = -(math.log(n) + float(b)) / float(a)
    return prob(q)


def summary(e):
    e = np.asarray(e, dtype=np.float64)
    return {"mean_abs_log10_error": float(np.mean(np.abs(e))),
            "within_order": float(np.mean(np.abs(e) <= 1.0)),
            "under_rate": float(np.mean(e < 0)),
            "mean_log10_error": float(np.mean(e)),
            "sd_log10_error": float(np.std(e, ddof=1))}


def decompose(eg, eu):
    eg, eu = np.asarray(eg), np.asarray(eu)
    return {"plotting_position_bias": float(np.mean(eg - eu)),
            "misspecification": float(np.mean(eu)),
            "noise": float(np.std(eg, ddof=1)),
            "mean_gumbel_error": float(np.mean(eg)),
            "identity_residual": float(np.mean(eg) - (np.mean(eg - eu) + np.mean(eu)))}


def run_backtest(pools, partitions, k, n):
    """pools: dict name -> array; partitions: iterable of (E, D). Returns per pool per method arrays."""
    res = {name: {m: {"forecast": [], "truth": [], "e": []} for m in METHODS} for name in pools}
    extra = {name: [] for name in pools}
    for E, D in partitions:
        for name, pool in pools.items():
            pe = pool[E]
            t = float(pool[D].max())
            for meth in METHODS:
                f = eval_forecast(pe, n, k, meth)
                res[name][meth]["forecast"].append(f)
                res[name][meth]["truth"].append(t)
                res[name][meth]["e"].append(math.log10(f) - math.log10(t))
            extra[name].append(E)
    return res


def rng_partitions(seed, reps, size, m, n):
    rng = np.random.default_rng(seed)
    for _ in range(reps):
        perm = rng.permutation(size)
        yield perm[:m], perm[m:m + n]


SUMMARY_SRC = {
    "mean_abs_log10_error": "numpy.mean(abs(e))",
    "within_order": "numpy.mean(abs(e) <= 1)",
    "under_rate": "numpy.mean(e < 0)  (forecast < truth)",
    "mean_log10_error": "numpy.mean(e)",
    "sd_log10_error": "numpy.std(e, ddof=1)",
}
DECOMP_SRC = {
    "plotting_position_bias": "numpy.mean(e_gumbel - e_gumbel_unbiased)",
    "misspecification": "numpy.mean(e_gumbel_unbiased)",
    "noise": "numpy.std(e_gumbel, ddof=1)",
    "mean_gumbel_error": "numpy.mean(e_gumbel)",
    "identity_residual": "mean(e_gumbel) - (plotting_position_bias + misspecification) in double (0 up to rounding)",
}


def refs(d, srcs):
    return {key: ref(v, srcs[key]) for key, v in d.items()}


def build_backtest():
    t0 = time.time()
    clean = load(CLEAN)
    rare = load(RARE)
    doc = {"file": "backtest.json", "generator": GENERATOR, "versions": VERSIONS}

    # ---- fixed partitions on the first 20000
    P = 20000
    reps, m, n, k = 20, 500, 5000, 10
    parts = list(rng_partitions(SEED_BACKTEST_FIXED, reps, P, m, n))
    Eidx = np.stack([e for e, _ in parts]).astype(np.int64)
    Didx = np.stack([d for _, d in parts]).astype(np.int64)
    save_npy("backtest-eval-idx.npy", Eidx, "<i8")
    save_npy("backtest-deploy-idx.npy", Didx, "<i8")
    pools = {"clean20000": clean[:P], "rare20000": rare[:P]}
    res = run_backtest(pools, parts, k, n)
    fixed = {"design": {"pool_size": P, "reps": reps, "m": m, "n": n, "k": k,
                        "partitions": "rng = numpy.random.default_rng(7); per repetition perm = rng.permutation(20000), "
                                      "E = perm[:500], D = perm[500:5500]; the same 20 partitions serve both pools",
                        "eval_idx_npy": "backtest-eval-idx.npy (int64, shape (20, 500))",
                        "deploy_idx_npy": "backtest-deploy-idx.npy (int64, shape (20, 5000))"},
             "pools": {}}
    rare_pos = np.nonzero(clean != rare)[0]
    for name, pool in pools.items():
        src = {"clean20000": (CLEAN, [0, P]), "rare20000": (RARE, [0, P])}[name]
        entry = {"pool": {"path": src[0], "slice": src[1]}, "methods": {}}
        if name == "rare20000":
            in_pool = rare_pos[rare_pos < P]
            entry["rare_positions_in_pool"] = in_pool.tolist()
            entry["rare_in_eval_per_rep"] = [int(np.isin(E, in_pool).sum()) for E, _ in parts]
            entry["rare_in_deploy_per_rep"] = [int(np.isin(D, in_pool).sum()) for _, D in parts]
        for meth in METHODS:
            r = res[name][meth]
            entry["methods"][meth] = {
                "forecast": ref(r["forecast"], "forecast(pool[E], n=5000, k=10, method) per repetition"),
                "truth": ref(r["truth"], "max(pool[D]) per repetition"),
                "e": ref(r["e"], "log10(forecast) - log10(truth)"),
                "summary": refs(summary(r["e"]), SUMMARY_SRC),
            }
        entry["decompose"] = refs(decompose(res[name]["gumbel"]["e"], res[name]["gumbel-unbiased"]["e"]), DECOMP_SRC)
        fixed["pools"][name] = entry
    doc["fixed_partitions"] = fixed
    log("backtest fixed partitions: %.1fs" % (time.time() - t0))

    # ---- the bundled generator's design on the full pools
    full = {"clean": clean, "rare-mode": rare}
    M, N, K, R = 1000, 100_000, 10, 200
    rare_mask = clean != rare

    def design(seed):
        res = {name: {meth: [] for meth in METHODS} for name in full}
        missed = []
        for E, D in rng_partitions(seed, R, len(clean), M, N):
            missed.append(not bool(rare_mask[E].any()))
            for name, pool in full.items():
                pe = pool[E]
                t = float(pool[D].max())
                for meth in METHODS:
                    res[name][meth].append(math.log10(eval_forecast(pe, N, K, meth)) - math.log10(t))
        return res, np.array(missed)

    card, missed = design(SEED_BACKTEST_CARD)
    card_quoted = {"clean": {"mean_abs_log10_error": 0.1812, "within_order": 1.000, "under_rate": 0.185,
                             "mean_log10_error": 0.1440},
                   "rare-mode": {"mean_abs_log10_error": 0.2335, "within_order": 1.000, "under_rate": 0.740,
                                 "mean_log10_error": -0.2125}}
    cd = {"design": {"reps": R, "m": M, "n": N, "k": K, "seed": SEED_BACKTEST_CARD,
                     "partitions": "rng = numpy.random.default_rng(20257); per repetition perm = rng.permutation(200000), "
                                   "E = perm[:1000], D = perm[1000:101000]; the same draws for both pools (as "
                                   "Scripts/make-datasets)"},
          "pools": {}}
    for name in full:
        entry = {"pool": {"path": CLEAN if name == "clean" else RARE}, "methods": {}}
        for meth in METHODS:
            entry["methods"][meth] = {"summary": refs(summary(card[name][meth]), SUMMARY_SRC)}
        s = summary(card[name]["gumbel"])
        q = card_quoted[name]
        entry["card_md_quoted_gumbel"] = q
        entry["card_md_reproduced"] = {key: bool(round(s[key], 4 if key != "within_order" and key != "under_rate" else 3)
                                                  == q[key]) for key in q}
        entry["card_md_abs_diff"] = {key: abs(s[key] - q[key]) for key in q}
        entry["decompose"] = refs(decompose(card[name]["gumbel"], card[name]["gumbel-unbiased"]), DECOMP_SRC)
        if name == "rare-mode":
            eg = np.array(card[name]["gumbel"])
            entry["rare_mode_detail"] = {
                "share_eval_missed_rare": ref(float(missed.mean()), "share of repetitions whose E holds no rare-mode index"),
                "under_rate_when_missed": ref(float(np.mean(eg[missed] < 0)), "gumbel"),
                "under_rate_when_caught": ref(float(np.mean(eg[~missed] < 0)), "gumbel"),
            }
        cd["pools"][name] = entry
        log("card design %s: gumbel %s; quoted %s" % (name, {kk: round(v, 4) for kk, v in s.items()}, q))
    doc["card_design"] = cd
    log("backtest card design: %.1fs" % (time.time() - t0))

    # ---- spread over seeds 1..10
    per_seed = {name: {meth: [] for meth in METHODS} for name in full}
    per_seed_dec = {name: [] for name in full}
    for seed in SEEDS_SPREAD:
        r, _ = design(seed)
        for name in full:
            for meth in METHODS:
                per_seed[name][meth].append(summary(r[name][meth]))
            per_seed_dec[name].append(decompose(r[name]["gumbel"], r[name]["gumbel-unbiased"]))
    spread = {"design": "as card_design (m = 1000, n = 100000, k = 10, 200 repetitions, both pools on the same "
                        "draws) with rng = numpy.random.default_rng(seed) for seed in 1..10 (seed 20257 not included)",
              "pools": {}}
    for name in full:
        ent = {"methods": {}, "decompose": {}}
        for meth in METHODS:
            rows = per_seed[name][meth]
            ent["methods"][meth] = {key: {"min": min(rw[key] for rw in rows), "max": max(rw[key] for rw in rows),
                                          "per_seed": [rw[key] for rw in rows]} for key in SUMMARY_SRC}
        rows = per_seed_dec[name]
        ent["decompose"] = {key: {"min": min(rw[key] for rw in rows), "max": max(rw[key] for rw in rows),
                                  "per_seed": [rw[key] for rw in rows]}
                            for key in ["plotting_position_bias", "misspecification", "noise", "mean_gumbel_error"]}
        spread["pools"][name] = ent
    doc["spread_seeds_1_to_10"] = spread
    log("backtest spread: %.1fs" % (time.time() - t0))
    return doc


# ----------------------------------------------------------------------------------------------
# C. extreme-value fits


def gev_nll(theta, x):
    mu, sigma, xi = (float(v) for v in theta)
    if not sigma > 0:
        return np.inf
    z = (x - mu) / sigma
    n = len(x)
    if xi == 0.0:
        return n * math.log(sigma) + float(np.sum(z)) + float(np.sum(np.exp(-z)))
    t = xi * z
    if np.any(t <= -1.0):
        return np.inf
    L = np.log1p(t)
    return n * math.log(sigma) + (1.0 + 1.0 / xi) * float(np.sum(L)) + float(np.sum(np.exp(-L / xi)))


def gev_grad(theta, x):
    mu, sigma, xi = (float(v) for v in theta)
    z = (x - mu) / sigma
    n = len(x)
    if xi == 0.0:
        w = np.exp(-z)
        return np.array([-float(np.sum(1 - w)) / sigma, n / sigma - float(np.sum(z * (1 - w))) / sigma, np.nan])
    t = 1.0 + xi * z
    L = np.log1p(xi * z)
    w = np.exp(-L / xi)
    g_mu = float(np.sum((w - (1 + xi)) / t)) / sigma
    g_s = n / sigma + float(np.sum(z * (w - (1 + xi)) / t)) / sigma
    g_xi = (-float(np.sum(L)) / xi ** 2 + (1 + 1 / xi) * float(np.sum(z / t))
            + float(np.sum(w * (L / xi ** 2 - z / (xi * t)))))
    return np.array([g_mu, g_s, g_xi])


def gum_nll(theta, x):
    mu, sigma = (float(v) for v in theta)
    if not sigma > 0:
        return np.inf
    z = (x - mu) / sigma
    return len(x) * math.log(sigma) + float(np.sum(z)) + float(np.sum(np.exp(-z)))


def gum_grad(theta, x):
    mu, sigma = (float(v) for v in theta)
    z = (x - mu) / sigma
    w = np.exp(-z)
    return np.array([-float(np.sum(1 - w)) / sigma, len(x) / sigma - float(np.sum(z * (1 - w))) / sigma])


def gpd_nll(theta, y):
    sigma, xi = (float(v) for v in theta)
    if not sigma > 0:
        return np.inf
    n = len(y)
    if xi == 0.0:
        return n * math.log(sigma) + float(np.sum(y)) / sigma
    t = xi * y / sigma
    if np.any(t <= -1.0):
        return np.inf
    return n * math.log(sigma) + (1.0 + 1.0 / xi) * float(np.sum(np.log1p(t)))


def gpd_grad(theta, y):
    sigma, xi = (float(v) for v in theta)
    n = len(y)
    s = 1.0 + xi * y / sigma
    L = np.log1p(xi * y / sigma)
    g_s = n / sigma - (1 + xi) / sigma ** 2 * float(np.sum(y / s))
    g_xi = -float(np.sum(L)) / xi ** 2 + (1 + 1 / xi) * float(np.sum((y / sigma) / s))
    return np.array([g_s, g_xi])


# high-precision versions for the Hessian check
def mp_gev_nll(x):
    xs = [mp.mpf(float(v)) for v in x]

    def f(mu, sigma, xi):
        s = len(xs) * mp.log(sigma)
        for v in xs:
            z = (v - mu) / sigma
            L = mp.log(1 + xi * z)
            s += (1 + 1 / xi) * L + mp.exp(-L / xi)
        return s
    return f


def mp_gum_nll(x):
    xs = [mp.mpf(float(v)) for v in x]

    def f(mu, sigma):
        s = len(xs) * mp.log(sigma)
        for v in xs:
            z = (v - mu) / sigma
            s += z + mp.exp(-z)
        return s
    return f


def mp_gpd_nll(y):
    ys = [mp.mpf(float(v)) for v in y]

    def f(sigma, xi):
        s = len(ys) * mp.log(sigma)
        for v in ys:
            s += (1 + 1 / xi) * mp.log(1 + xi * v / sigma)
        return s
    return f


def hess_central(f, theta, scale=1.0):
    th = np.asarray(theta, dtype=np.float64)
    d = len(th)
    h = 1e-4 * np.maximum(1.0, np.abs(th)) * scale
    H = np.zeros((d, d))
    f0 = f(th)
    for i in range(d):
        ei = np.zeros(d); ei[i] = h[i]
        H[i, i] = (f(th + ei) - 2 * f0 + f(th - ei)) / h[i] ** 2
        for j in range(i + 1, d):
            ej = np.zeros(d); ej[j] = h[j]
            H[i, j] = H[j, i] = (f(th + ei + ej) - f(th + ei - ej) - f(th - ei + ej) + f(th - ei - ej)) / (4 * h[i] * h[j])
    return H


def hess_richardson(f, theta):
    return (4 * hess_central(f, theta, 0.5) - hess_central(f, theta, 1.0)) / 3


def hess_mpmath(fmp, theta):
    d = len(theta)
    H = np.zeros((d, d))
    with mp.workdps(40):
        pt = [mp.mpf(float(v)) for v in theta]
        for i in range(d):
            for j in range(i, d):
                order = [0] * d
                order[i] += 1
                order[j] += 1
                H[i, j] = H[j, i] = float(mp.diff(fmp, pt, tuple(order)))
    return H


def grad_mpmath(fmp, theta):
    d = len(theta)
    with mp.workdps(40):
        pt = [mp.mpf(float(v)) for v in theta]
        return np.array([float(mp.diff(fmp, pt, tuple(1 if q == i else 0 for q in range(d)))) for i in range(d)])


def grad_check(f, g, fmp, th_off, want_mp, how):
    """Analytic gradient against finite differences (and mpmath) at a point off the optimum."""
    th_off = np.asarray(th_off, dtype=np.float64)
    assert math.isfinite(f(th_off))
    d = len(th_off)
    ga = g(th_off)

    def fd(scale):
        h = 1e-5 * np.maximum(1.0, np.abs(th_off)) * scale
        return np.array([(f(th_off + e * h[i]) - f(th_off - e * h[i])) / (2 * h[i]) for i, e in enumerate(np.eye(d))])
    gr = (4 * fd(0.5) - fd(1.0)) / 3
    out = {"theta": th_off.tolist(), "where": how, "analytic": ga.tolist(),
           "finite_difference": gr.tolist(),
           "finite_difference_source": "Richardson-extrapolated central differences, h_i = 1e-5*max(1,|theta_i|) and h/2",
           "max_rel_diff_fd": float(np.max(np.abs(ga - gr) / np.abs(gr)))}
    if want_mp and fmp is not None:
        gm = grad_mpmath(fmp, th_off)
        out["mpmath"] = gm.tolist()
        out["mpmath_source"] = "mpmath.diff at 40 digits of the NLL written in mpmath"
        out["max_rel_diff_mpmath"] = float(np.max(np.abs(ga - gm) / np.abs(gm)))
    return out


def newton_polish(f, g, theta, tol=1e-10, maxit=40):
    th = np.array(theta, dtype=np.float64)
    gn = g(th)
    it = 0
    while np.max(np.abs(gn)) > tol and it < maxit:
        it += 1
        H = hess_richardson(f, th)
        step = np.linalg.solve(H, gn)
        lam = 1.0
        ok = False
        for _ in range(40):
            cand = th - lam * step
            fc = f(cand)
            if math.isfinite(fc):
                gc = g(cand)
                if np.max(np.abs(gc)) < np.max(np.abs(gn)):
                    th, gn, ok = cand, gc, True
                    break
            lam *= 0.5
        if not ok:
            break
    return th, it


def refine(f, g, theta0):
    """Nelder-Mead, then BFGS with the analytic gradient, then Newton steps (Richardson Hessian)
    until max |gradient| <= 1e-10."""
    stages = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        r1 = optimize.minimize(f, theta0, method="Nelder-Mead",
                               options={"xatol": 1e-12, "fatol": 1e-14, "maxiter": 40000, "maxfev": 80000})
        stages.append({"stage": "Nelder-Mead", "theta": r1.x.tolist(), "nll": float(r1.fun),
                       "max_abs_grad": float(np.max(np.abs(g(r1.x)))), "message": str(r1.message)})
        r2 = optimize.minimize(f, r1.x, jac=g, method="BFGS", options={"gtol": 1e-11, "maxiter": 2000})
        x2 = r2.x if f(r2.x) <= f(r1.x) else r1.x
        stages.append({"stage": "BFGS (analytic gradient)", "theta": r2.x.tolist(), "nll": float(r2.fun),
                       "max_abs_grad": float(np.max(np.abs(g(r2.x)))), "message": str(r2.message)})
    x3, it = newton_polish(f, g, x2)
    stages.append({"stage": "Newton (Richardson Hessian, analytic gradient)", "iterations": it, "theta": x3.tolist(),
                   "nll": float(f(x3)), "max_abs_grad": float(np.max(np.abs(g(x3))))})
    return x3, stages


def hessian_block(f, fmp, theta, names, want_mp=True):
    Hc = hess_central(f, theta)
    Hr = hess_richardson(f, theta)
    out = {"central": ref(Hc.tolist(), "central differences of the analytic NLL, h_i = 1e-4*max(1,|theta_i|); "
                                       "diagonal (f(+h) - 2f + f(-h))/h^2, off-diagonal 4-point"),
           "richardson": ref(Hr.tolist(), "(4*D(h/2) - D(h))/3 with D the central-difference Hessian above")}
    Hm = None
    if want_mp and mpmath is not None:
        Hm = hess_mpmath(fmp, theta)
        out["mpmath"] = ref(Hm.tolist(), "mpmath.diff at 40 digits of the NLL written in mpmath (high-precision check)")
        out["max_rel_diff_central_vs_mpmath"] = float(np.max(np.abs(Hc - Hm) / np.abs(Hm)))
        out["max_rel_diff_richardson_vs_mpmath"] = float(np.max(np.abs(Hr - Hm) / np.abs(Hm)))
    out["parameters"] = names
    return out, Hc, Hr, Hm


def cov_block(H, names, label):
    V = np.linalg.inv(H)
    se = np.sqrt(np.diag(V))
    return V, se, {"covariance": ref(V.tolist(), "numpy.linalg.inv(%s Hessian)" % label),
                   "se": ref(dict(zip(names, se.tolist())), "sqrt(diag(covariance)) (%s Hessian)" % label)}


def gev_rl(theta, T):
    mu, sigma, xi = theta
    ly = math.log(-math.log1p(-1.0 / T))
    if xi == 0:
        return mu - sigma * ly
    return mu + sigma * math.expm1(-xi * ly) / xi


def gev_rl_literal(theta, T):
    mu, sigma, xi = theta
    yT = -math.log(1 - 1 / T)
    return mu - (sigma / xi) * (1 - yT ** (-xi))


def gev_rl_grad(theta, T):
    mu, sigma, xi = theta
    ly = math.log(-math.log1p(-1.0 / T))
    em = math.expm1(-xi * ly)
    return np.array([1.0, em / xi, -sigma * em / xi ** 2 - sigma * math.exp(-xi * ly) * ly / xi])


def gum_rl(theta, T):
    mu, sigma = theta
    return mu - sigma * math.log(-math.log1p(-1.0 / T))


def gum_rl_grad(theta, T):
    return np.array([1.0, -math.log(-math.log1p(-1.0 / T))])


def delta_interval(z, grad, V):
    var = float(grad @ V @ grad)
    se = math.sqrt(var)
    return z - Z975 * se, z + Z975 * se, se


def profile_rl_gev(x, theta_hat, nll_min, T, se_guess):
    """Profile likelihood interval for the T-year GEV return level."""
    ly = math.log(-math.log1p(-1.0 / T))
    cache = {}

    def mu_of(z, s, xi):
        return z - s * math.expm1(-xi * ly) / xi

    def prof(z):
        if z in cache:
            return cache[z][0]

        def f(v):
            s, xi = v
            if not s > 0:
                return np.inf
            return gev_nll((mu_of(z, s, xi), s, xi), x)

        def g(v):
            s, xi = v
            mu = mu_of(z, s, xi)
            gm, gs, gx = gev_grad((mu, s, xi), x)
            em = math.expm1(-xi * ly)
            dmu_ds = -em / xi
            dmu_dxi = s * em / xi ** 2 + s * ly * math.exp(-xi * ly) / xi
            return np.array([gm * dmu_ds + gs, gm * dmu_dxi + gx])

        # start: the profile solution at the nearest z already evaluated, else the MLE (sigma, xi);
        # if that is infeasible (some 1 + xi z_i <= 0), enlarge sigma until it is feasible
        starts = [cache[zz][1] for zz in sorted(cache, key=lambda q: (abs(q - z), q))] + [np.array(theta_hat[1:])]
        st = next((s0 for s0 in starts if math.isfinite(f(s0))), None)
        if st is None:
            st = np.array(theta_hat[1:], dtype=np.float64)
            for _ in range(200):
                st = st * np.array([1.25, 1.0])
                if math.isfinite(f(st)):
                    break
            else:
                raise RuntimeError("no feasible start for profile at z=%r" % z)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            r1 = optimize.minimize(f, st, method="Nelder-Mead",
                                   options={"xatol": 1e-10, "fatol": 1e-13, "maxiter": 20000})
            r2 = optimize.minimize(f, r1.x, jac=g, method="BFGS", options={"gtol": 1e-10})
        x2 = r2.x if f(r2.x) <= r1.fun else r1.x
        x3, _ = newton_polish(f, g, x2, tol=1e-9)
        val = f(x3)
        cache[z] = (val, x3, float(np.max(np.abs(g(x3)))))
        return val

    def dev(z):
        return 2.0 * (prof(z) - nll_min) - CHI2_95

    zhat = gev_rl(theta_hat, T)
    ends = []
    for sgn in (-1, 1):
        step = se_guess
        lo = zhat
        hi = zhat + sgn * step
        j = 0
        while dev(hi) < 0:
            lo = hi
            j += 1
            hi = zhat + sgn * step * (j + 1)
            if j > 200:
                raise RuntimeError("profile bracket failed")
        a, b = (lo, hi) if sgn > 0 else (hi, lo)
        zr = optimize.brentq(dev, a, b, xtol=1e-10, maxiter=500)
        ends.append(zr)
    lo_z, hi_z = ends
    info = {"lower": lo_z, "upper": hi_z,
            "profile_at_lower": {"sigma_xi": cache[lo_z][1].tolist(), "max_abs_grad": cache[lo_z][2],
                                 "deviance_minus_crit": dev(lo_z)},
            "profile_at_upper": {"sigma_xi": cache[hi_z][1].tolist(), "max_abs_grad": cache[hi_z][2],
                                 "deviance_minus_crit": dev(hi_z)},
            "profile_at_mle_minus_nll_min": prof(zhat) - nll_min}
    return info


def profile_rl_gum(x, theta_hat, nll_min, T, se_guess):
    ly = math.log(-math.log1p(-1.0 / T))
    cache = {}

    def prof(z):
        if z in cache:
            return cache[z]

        def f(s):
            return gum_nll((z + s * ly, s), x)
        r = optimize.minimize_scalar(f, bracket=(theta_hat[1] * 0.9, theta_hat[1] * 1.1), method="brent",
                                     options={"xtol": 1e-14})
        s = r.x
        # Newton polish on the 1-D derivative (analytic)
        for _ in range(20):
            gm, gs = gum_grad((z + s * ly, s), x)
            d = gm * ly + gs
            hh = 1e-6 * s
            gm2, gs2 = gum_grad((z + (s + hh) * ly, s + hh), x)
            gm1, gs1 = gum_grad((z + (s - hh) * ly, s - hh), x)
            d2 = ((gm2 * ly + gs2) - (gm1 * ly + gs1)) / (2 * hh)
            if abs(d) < 1e-11:
                break
            s = s - d / d2
        cache[z] = f(s)
        return cache[z]

    def dev(z):
        return 2.0 * (prof(z) - nll_min) - CHI2_95

    zhat = gum_rl(theta_hat, T)
    ends = []
    for sgn in (-1, 1):
        lo, j = zhat, 0
        hi = zhat + sgn * se_guess
        while dev(hi) < 0:
            lo = hi
            j += 1
            hi = zhat + sgn * se_guess * (j + 1)
        a, b = (lo, hi) if sgn > 0 else (hi, lo)
        ends.append(optimize.brentq(dev, a, b, xtol=1e-10, maxiter=500))
    return {"lower": ends[0], "upper": ends[1], "deviance_minus_crit": [dev(ends[0]), dev(ends[1])],
            "profile_at_mle_minus_nll_min": prof(zhat) - nll_min}


PERIODS = [2, 10, 50, 100, 1000]


def evt_fit_block(x, want_profile=True, want_mp=True, label=""):
    t0 = time.time()
    x = np.asarray(x, dtype=np.float64)
    out = {"n": int(len(x))}
    # ---- GEV
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        c, loc, scale = stats.genextreme.fit(x)
    raw = np.array([loc, scale, -c])
    f = lambda th: gev_nll(th, x)  # noqa: E731
    g = lambda th: gev_grad(th, x)  # noqa: E731
    th, stages = refine(f, g, raw)
    nll = f(th)
    gan = g(th)
    gfd = grad_mpmath(mp_gev_nll(x), th) if (want_mp and mpmath is not None) else None
    names = ["mu", "sigma", "xi"]
    hb, Hc, Hr, Hm = hessian_block(f, mp_gev_nll(x) if mpmath else None, th, names, want_mp)
    Vr, se_r, cov_r = cov_block(Hr, names, "Richardson")
    _, se_c, cov_c = cov_block(Hc, names, "central")
    cov_m = cov_block(Hm, names, "mpmath")[2] if Hm is not None else None
    gev = {
        "scipy_fit_raw": ref({"mu": loc, "sigma": scale, "xi": -c, "c": c},
                             "scipy.stats.genextreme.fit(x) -> (c, loc, scale); xi = -c",
                             nll=fnull(f(raw)), max_abs_grad=fnull(np.max(np.abs(g(raw)))),
                             warnings=[str(q.message).split("\n")[0] for q in w]),
        "refinement": stages,
        "mle": ref(dict(zip(names, th.tolist())), "refined: scipy.optimize.minimize Nelder-Mead -> BFGS (analytic "
                                                  "gradient) -> Newton polish, from the scipy fit"),
        "nll": ref(nll, "analytic GEV negative log-likelihood (Coles 3.7) at the refined MLE"),
        "nll_scipy": ref(float(-np.sum(stats.genextreme.logpdf(x, -th[2], th[0], th[1]))),
                         "-sum(scipy.stats.genextreme.logpdf(x, -xi, mu, sigma)) at the refined MLE"),
        "gradient_at_mle": ref(gan.tolist(), "analytic gradient at the refined MLE"),
        "gradient_at_mle_mpmath": ref(None if gfd is None else gfd.tolist(),
                              "mpmath.diff (40 digits) first derivatives of the NLL at the refined MLE; compare with "
                              "the analytic gradient (both ~0 at the optimum; see also gradient_check_off_optimum)"),
        "hessian": hb,
        "observed_information_richardson": cov_r,
        "observed_information_central": cov_c,
        "observed_information_mpmath": cov_m,
    }
    # analytic gradient check away from the optimum
    gev["gradient_check_off_optimum"] = grad_check(
        f, g, mp_gev_nll(x) if mpmath else None, th * np.array([1.01, 1.05, 1.0]) + np.array([0, 0, 0.03]),
        want_mp, "mle*(1.01, 1.05, 1) + (0, 0, 0.03)")
    rls = []
    for T in PERIODS:
        z = gev_rl(th, T)
        gr = gev_rl_grad(th, T)
        lo, hi, se = delta_interval(z, gr, Vr)
        row = {"T": T,
               "y_T": ref(-math.log1p(-1.0 / T), "-log1p(-1/T)"),
               "z": ref(z, "mu + sigma*expm1(-xi*log(y_T))/xi  (= mu - (sigma/xi)(1 - y_T^-xi))"),
               "z_literal": ref(gev_rl_literal(th, T), "mu - (sigma/xi)*(1 - y_T**(-xi)), y_T = -log(1 - 1/T), literally"),
               "grad": ref(gr.tolist(), "(1, -(1 - y^-xi)/xi, sigma(1 - y^-xi)/xi^2 - sigma y^-xi log(y)/xi) (Coles 3.10)"),
               "delta_se": ref(se, "sqrt(grad' V grad), V = Richardson covariance"),
               "delta_95": ref([lo, hi], "z -/+ 1.959963984540054*delta_se")}
        if want_profile:
            row["profile_95"] = ref(profile_rl_gev(x, th, nll, T, se),
                                    "2(l_max - l_prof(z)) = scipy.stats.chi2.ppf(0.95, 1), l_prof maximised over "
                                    "(sigma, xi) with mu = z - sigma*expm1(-xi log y_T)/xi; scipy.optimize.brentq xtol=1e-10")
        rls.append(row)
    gev["return_levels"] = rls
    out["gev"] = gev
    # ---- Gumbel
    loc2, scale2 = stats.gumbel_r.fit(x)
    raw2 = np.array([loc2, scale2])
    f2 = lambda th_: gum_nll(th_, x)  # noqa: E731
    g2 = lambda th_: gum_grad(th_, x)  # noqa: E731
    th2, stages2 = refine(f2, g2, raw2)
    nll2 = f2(th2)
    names2 = ["mu", "sigma"]
    hb2, Hc2, Hr2, Hm2 = hessian_block(f2, mp_gum_nll(x) if mpmath else None, th2, names2, want_mp)
    Vr2, se_r2, cov_r2 = cov_block(Hr2, names2, "Richardson")
    cov_m2 = cov_block(Hm2, names2, "mpmath")[2] if Hm2 is not None else None
    _, _, cov_c2 = cov_block(Hc2, names2, "central")
    gum = {
        "scipy_fit_raw": ref({"mu": loc2, "sigma": scale2}, "scipy.stats.gumbel_r.fit(x) -> (loc, scale)",
                             nll=f2(raw2), max_abs_grad=float(np.max(np.abs(g2(raw2))))),
        "refinement": stages2,
        "mle": ref(dict(zip(names2, th2.tolist())), "refined as for the GEV"),
        "nll": ref(nll2, "analytic Gumbel negative log-likelihood at the refined MLE"),
        "nll_scipy": ref(float(-np.sum(stats.gumbel_r.logpdf(x, th2[0], th2[1]))),
                         "-sum(scipy.stats.gumbel_r.logpdf(x, mu, sigma))"),
        "gradient_at_mle": ref(g2(th2).tolist(), "analytic gradient"),
        "gradient_check_off_optimum": grad_check(f2, g2, mp_gum_nll(x) if mpmath else None,
                                                 th2 * np.array([1.01, 1.05]), want_mp, "mle*(1.01, 1.05)"),
        "hessian": hb2,
        "observed_information_richardson": cov_r2,
        "observed_information_central": cov_c2,
        "observed_information_mpmath": cov_m2,
    }
    rls2 = []
    for T in PERIODS:
        z = gum_rl(th2, T)
        gr = gum_rl_grad(th2, T)
        lo, hi, se = delta_interval(z, gr, Vr2)
        row = {"T": T, "z": ref(z, "mu - sigma*log(y_T), y_T = -log1p(-1/T)"),
               "grad": ref(gr.tolist(), "(1, -log y_T)"),
               "delta_se": ref(se, "sqrt(grad' V grad), V = Richardson covariance"),
               "delta_95": ref([lo, hi], "z -/+ 1.959963984540054*delta_se")}
        if want_profile:
            row["profile_95"] = ref(profile_rl_gum(x, th2, nll2, T, se),
                                    "extra: profile over sigma with mu = z + sigma log y_T; brentq xtol=1e-10")
        rls2.append(row)
    gum["return_levels"] = rls2
    out["gumbel"] = gum
    dev = 2.0 * (nll2 - nll)
    out["likelihood_ratio"] = {"deviance": ref(dev, "2*(nll_gumbel - nll_gev)"),
                               "p_value": ref(float(stats.chi2.sf(dev, 1)), "scipy.stats.chi2.sf(deviance, 1)")}
    log("evt block %s: %.1fs" % (label, time.time() - t0))
    return out, th, th2, se_r


def gpd_block(x, q):
    x = np.asarray(x, dtype=np.float64)
    n = len(x)
    u = float(np.quantile(x, q))
    exc = x[x > u] - u
    nu = len(exc)
    zeta = nu / n
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        c, loc, scale = stats.genpareto.fit(exc, floc=0)
    raw = np.array([scale, c])
    f = lambda th: gpd_nll(th, exc)  # noqa: E731
    g = lambda th: gpd_grad(th, exc)  # noqa: E731
    th, stages = refine(f, g, raw)
    names = ["sigma", "xi"]
    hb, Hc, Hr, Hm = hessian_block(f, mp_gpd_nll(exc) if mpmath else None, th, names)
    V, se, cov = cov_block(Hr, names, "Richardson")
    _, _, covc = cov_block(Hc, names, "central")
    covm = cov_block(Hm, names, "mpmath")[2] if Hm is not None else None
    V3 = np.zeros((3, 3))
    V3[0, 0] = zeta * (1 - zeta) / n
    V3[1:, 1:] = V
    sigma, xi = th
    rls = []
    for mobs in [100, 1000, 10000]:
        Lm = math.log(mobs * zeta)
        z = u + sigma * math.expm1(xi * Lm) / xi
        gr = np.array([sigma * math.exp(xi * Lm) / zeta, math.expm1(xi * Lm) / xi,
                       -sigma * math.expm1(xi * Lm) / xi ** 2 + sigma * math.exp(xi * Lm) * Lm / xi])
        lo, hi, sez = delta_interval(z, gr, V3)
        rls.append({"m": mobs,
                    "z": ref(z, "u + sigma*expm1(xi*log(m*zeta))/xi (= u + (sigma/xi)((m zeta)^xi - 1))"),
                    "z_xi0_limit": ref(u + sigma * Lm, "u + sigma*log(m*zeta) (for reference only)"),
                    "grad": ref(gr.tolist(), "(sigma m^xi zeta^(xi-1), ((m zeta)^xi - 1)/xi, "
                                             "-sigma((m zeta)^xi - 1)/xi^2 + sigma (m zeta)^xi log(m zeta)/xi) (Coles 4.15)"),
                    "delta_se": ref(sez, "sqrt(grad' V3 grad), V3 = diag(zeta(1-zeta)/n, V_sigma_xi) (Coles 4.3.3)"),
                    "delta_95": ref([lo, hi], "z -/+ 1.959963984540054*delta_se")})
    return {
        "quantile": q,
        "u": ref(u, "numpy.quantile(x, %r) (default method 'linear')" % q),
        "n_u": nu, "n": n,
        "zeta_u": ref(zeta, "n_u / n"),
        "scipy_fit_raw": ref({"sigma": scale, "xi": c, "loc": loc}, "scipy.stats.genpareto.fit(y, floc=0) -> (c, 0, scale); xi = c",
                             nll=f(raw), max_abs_grad=float(np.max(np.abs(g(raw)))),
                             warnings=[str(q_.message).split("\n")[0] for q_ in w]),
        "refinement": stages,
        "mle": ref(dict(zip(names, th.tolist())), "refined: Nelder-Mead -> BFGS -> Newton on the analytic GPD NLL"),
        "nll": ref(f(th), "n log sigma + (1 + 1/xi) sum log1p(xi y/sigma) at the refined MLE"),
        "nll_scipy": ref(float(-np.sum(stats.genpareto.logpdf(exc, th[1], 0, th[0]))),
                         "-sum(scipy.stats.genpareto.logpdf(y, xi, 0, sigma))"),
        "gradient_at_mle": ref(g(th).tolist(), "analytic gradient"),
        "gradient_check_off_optimum": grad_check(f, g, mp_gpd_nll(exc) if mpmath else None,
                                                 th * np.array([1.05, 1.0]) + np.array([0, 0.03]), True,
                                                 "mle*(1.05, 1) + (0, 0.03)"),
        "hessian": hb,
        "observed_information_richardson": cov,
        "observed_information_central": covc,
        "observed_information_mpmath": covm,
        "covariance_with_zeta": ref(V3.tolist(), "parameters (zeta, sigma, xi)"),
        "return_levels": rls,
    }


def gev_sample(seed, n, mu, sigma, xi):
    rng = np.random.default_rng(seed)
    u = rng.random(n)
    return mu + sigma * np.expm1(-xi * np.log(-np.log(u))) / xi


def build_evt():
    t0 = time.time()
    doc = {"file": "evt.json", "generator": GENERATOR, "versions": VERSIONS,
           "conventions": "Coles (2001): xi > 0 heavy tail. scipy.stats.genextreme(c = -xi, loc = mu, scale = sigma); "
                          "scipy.stats.gumbel_r(loc, scale); scipy.stats.genpareto(c = xi, loc = 0, scale = sigma)",
           "chi2_95_1df": ref(CHI2_95, "scipy.stats.chi2.ppf(0.95, 1)"),
           "z975": ref(Z975, "the constant 1.959963984540054 (= scipy.stats.norm.ppf(0.975) = %r)" % float(stats.norm.ppf(0.975)))}
    # ---- Port Pirie
    with open(ROOT / PIRIE, newline="") as fh:
        rows = list(csv.DictReader(fh))
    x = np.array([float(r["sea_level_m"]) for r in rows])
    pp, th, th2, se = evt_fit_block(x, label="port-pirie")
    coles = {"gev": {"mu": 3.87476, "sigma": 0.19804, "xi": -0.05011, "nll": -4.33906,
                     "se": {"mu": 0.0279, "sigma": 0.0202, "xi": 0.0983}, "rl10": 4.29621, "rl100": 4.68840},
             "gumbel": {"mu": 3.86944, "sigma": 0.19489, "rl10": 4.30802, "rl100": 4.76596}}
    rl = {r["T"]: r["z"]["value"] for r in pp["gev"]["return_levels"]}
    rlg = {r["T"]: r["z"]["value"] for r in pp["gumbel"]["return_levels"]}
    cmp_ = {
        "gev": {"mu": th[0] - coles["gev"]["mu"], "sigma": th[1] - coles["gev"]["sigma"], "xi": th[2] - coles["gev"]["xi"],
                "nll": pp["gev"]["nll"]["value"] - coles["gev"]["nll"],
                "se": {k: float(v) - coles["gev"]["se"][k] for k, v in zip(["mu", "sigma", "xi"], se)},
                "rl10": rl[10] - coles["gev"]["rl10"], "rl100": rl[100] - coles["gev"]["rl100"]},
        "gumbel": {"mu": th2[0] - coles["gumbel"]["mu"], "sigma": th2[1] - coles["gumbel"]["sigma"],
                   "rl10": rlg[10] - coles["gumbel"]["rl10"], "rl100": rlg[100] - coles["gumbel"]["rl100"]},
    }
    pp["coles_published"] = coles
    pp["difference_from_coles"] = ref(cmp_, "fixture value minus published value (Datasets/port-pirie/CARD.md)")
    pp["data"] = {"path": PIRIE, "column": "sea_level_m", "n": len(x)}
    doc["port_pirie"] = pp
    log("port pirie gev %s gumbel %s diffs %s" % (th.tolist(), th2.tolist(), cmp_))

    # ---- synthetic GEV
    syn = []
    for name, seed, n, xi, prof in [("gev-xi+0.2-n200", SEED_GEV_POS, 200, 0.2, True),
                                    ("gev-xi-0.2-n200", SEED_GEV_NEG, 200, -0.2, True),
                                    ("gev-xi+0.1-n10000", SEED_GEV_BIG, 10000, 0.1, False)]:
        xs = gev_sample(seed, n, 10.0, 2.0, xi)
        blk, _, _, _ = evt_fit_block(xs, want_profile=prof, want_mp=(n <= 200), label=name)
        blk["name"] = name
        blk["truth"] = {"mu": 10.0, "sigma": 2.0, "xi": xi}
        blk["sample_source"] = ("u = numpy.random.default_rng(%d).random(%d); x = 10 + 2*expm1(-xi*log(-log(u)))/xi "
                                "(inversion of the GEV cdf, Coles sign)" % (seed, n))
        if n > 2000:
            save_npy("evt-gev-10000.npy", xs, "<f8")
            blk["sample"] = {"npy": "evt-gev-10000.npy"}
            blk["notes"] = ["no profile intervals and no mpmath Hessian / gradient check for this sample (size)"]
        else:
            blk["sample"] = {"values": xs.tolist()}
        syn.append(blk)
    doc["synthetic_gev"] = syn

    # ---- GPD on Student-t(4)
    rng = np.random.default_rng(SEED_T4)
    t4 = rng.standard_t(4, size=2000)
    save_npy("evt-t4-2000.npy", t4, "<f8")
    gp = {"sample": {"npy": "evt-t4-2000.npy", "source": "numpy.random.default_rng(%d).standard_t(4, size=2000)" % SEED_T4,
                     "true_xi": 0.25},
          "thresholds": [gpd_block(t4, 0.9), gpd_block(t4, 0.95)]}
    doc["gpd_student_t4"] = gp
    log("gpd done %.1fs" % (time.time() - t0))

    # ---- block maxima
    bm = []
    for size in (50, 30):
        nb = len(t4) // size
        mx = t4[:nb * size].reshape(nb, size).max(axis=1)
        bm.append({"block_size": size, "n_blocks": nb, "dropped": len(t4) - nb * size,
                   "maxima": ref(mx.tolist(), "x[:n_blocks*size].reshape(n_blocks, size).max(axis=1); the incomplete "
                                              "last block (if any) is dropped")})
    doc["block_maxima"] = bm

    # ---- mean excess
    q05, q99 = np.quantile(t4, [0.05, 0.99])
    uniq = np.unique(t4)
    cand = uniq[(uniq >= q05) & (uniq <= q99)]
    sel = cand[::20]
    me = []
    for u in sel:
        ex = t4[t4 > u] - u
        me.append({"u": float(u), "n_u": int(len(ex)), "mean_excess": float(np.mean(ex)),
                   "se": float(np.std(ex, ddof=1) / math.sqrt(len(ex)))})
    doc["mean_excess"] = {
        "q05": ref(float(q05), "numpy.quantile(x, 0.05)"), "q99": ref(float(q99), "numpy.quantile(x, 0.99)"),
        "n_candidates": int(len(cand)),
        "threshold_rule": "u = numpy.unique(x)[(numpy.unique(x) >= q05) & (numpy.unique(x) <= q99)][::20] "
                          "(every 20th, starting with the first)",
        "rows": ref(me, "mean_excess = numpy.mean(x[x > u] - u); se = numpy.std(x[x > u] - u, ddof=1)/sqrt(n_u)")}
    log("evt.json built in %.1fs" % (time.time() - t0))
    return doc


# ----------------------------------------------------------------------------------------------
# E. brute-force profile-likelihood intervals of return levels (profile.json)

SEED_PROFILE = {"heavy": 2301, "light": 2302, "near-gumbel": 2303}
PROFILE_SAMPLES = [("heavy", 0.3, 60), ("light", -0.2, 60), ("near-gumbel", 0.01, 60)]
PROFILE_PERIODS = [10, 100, 1000]
PROFILE_XI_GRID = np.round(np.arange(-0.9, 1.5 + 1e-9, 0.1), 10)


def brute_inner(x, z, ly, s_hat, model):
    """min over (sigma, xi) of the NLL with mu = z - sigma*expm1(-xi*ly)/xi (Gumbel: mu = z +
    sigma*ly, over sigma only), written plainly: for each xi of a grid, sigma = sigma_min(xi) +
    exp(u) with u on a grid and then a bounded scalar search (sigma_min keeps every start inside
    the support); Nelder-Mead from the three best (u, xi), then Nelder-Mead in (log sigma, xi)."""
    lo, hi = float(np.min(x)), float(np.max(x))

    def nll(s, xi):
        if not (s > 0 and xi > -1):
            return np.inf
        if model == "gumbel" or xi == 0.0:
            return gum_nll((z + s * ly, s), x) if model == "gumbel" else gev_nll((z + s * ly, s, 0.0), x)
        return gev_nll((z - s * math.expm1(-xi * ly) / xi, s, xi), x)

    def smin(xi):
        return math.exp(xi * ly) * max(0.0, xi * (z - lo), xi * (z - hi))

    def best_sigma(xi):
        floor = smin(xi)
        f = (lambda u: nll(floor + math.exp(u), xi))  # noqa: E731
        grid = np.linspace(math.log(s_hat) - 12, math.log(s_hat) + 5, 69)
        vals = np.array([f(u) for u in grid])
        j = int(np.argmin(vals))
        a, b = grid[max(j - 1, 0)], grid[min(j + 1, len(grid) - 1)]
        r = optimize.minimize_scalar(f, bounds=(a, b), method="bounded", options={"xatol": 1e-12})
        u = r.x if r.fun <= vals[j] else grid[j]
        return min(r.fun, vals[j]), u

    if model == "gumbel":
        v, u = best_sigma(0.0)
        r = optimize.minimize_scalar(lambda ls: nll(math.exp(ls), 0.0), bracket=(u - 0.01, u + 0.01), method="brent",
                                     options={"xtol": 1e-14})
        return min(v, r.fun)
    cands = sorted((best_sigma(xi) + (xi,)) for xi in PROFILE_XI_GRID)
    best = cands[0][0]
    for v, u, xi in cands[:3]:
        def g2(p):
            return nll(smin(p[1]) + math.exp(p[0]), p[1])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            r1 = optimize.minimize(g2, [u, xi], method="Nelder-Mead",
                                   options={"xatol": 1e-10, "fatol": 1e-13, "maxiter": 20000})
            s1 = smin(r1.x[1]) + math.exp(r1.x[0])
            r2 = optimize.minimize(lambda p: nll(math.exp(p[0]), p[1]), [math.log(s1), r1.x[1]], method="Nelder-Mead",
                                   options={"xatol": 1e-11, "fatol": 1e-13, "maxiter": 20000})
        best = min(best, r1.fun, r2.fun)
    return best


def brute_profile(x, model, theta, nll_min, T, se):
    ly = math.log(-math.log1p(-1.0 / T))
    zhat = gev_rl(theta, T) if model == "gev" else gum_rl(theta, T)
    cache = {}

    def dev(z):
        if z not in cache:
            with np.errstate(over="ignore"):  # tiny sigma on the grid: exp overflows to an infinite NLL
                cache[z] = 2.0 * (brute_inner(x, z, ly, theta[1], model) - nll_min) - CHI2_95
        return cache[z]

    ends, grids = [], []
    h = se / 8
    for sgn in (-1, 1):
        j, prev = 0, zhat
        while True:
            j += 1
            z = zhat + sgn * j * h
            if dev(z) >= 0:
                break
            prev = z
            if j > 2000:
                raise RuntimeError("no crossing")
        root = optimize.brentq(dev, prev, z, xtol=1e-9 * max(1.0, abs(zhat)), rtol=1e-12) if sgn > 0 else \
            optimize.brentq(dev, z, prev, xtol=1e-9 * max(1.0, abs(zhat)), rtol=1e-12)
        ends.append(root)
        grids.append(j)
    return ends, grids, zhat


def build_profile():
    t0 = time.time()
    doc = {"file": "profile.json", "generator": GENERATOR, "versions": VERSIONS,
           "chi2_95_1df": ref(CHI2_95, "scipy.stats.chi2.ppf(0.95, 1)"),
           "method": "brute force: the deviance 2(nll_prof(z) - nll_min) on a grid z = z_hat +/- j*se_delta/8 from the "
                     "estimate outwards to its first crossing of chi2_95, then scipy.optimize.brentq on that grid cell. "
                     "nll_prof(z): over a grid of xi (-0.9 to 1.5 by 0.1), sigma = sigma_min(xi) + exp(u) with "
                     "sigma_min(xi) = y_T^xi max(0, xi (z - min x), xi (z - max x)) (inside the support) searched on a grid "
                     "of u and then by a bounded scalar search; Nelder-Mead from the three best (u, xi), then in "
                     "(log sigma, xi); xi > -1. Gumbel: over sigma only.",
           "samples": []}
    for name, xi, n in PROFILE_SAMPLES:
        xs = gev_sample(SEED_PROFILE[name], n, 10.0, 2.0, xi)
        entry = {"name": name, "truth": {"mu": 10.0, "sigma": 2.0, "xi": xi},
                 "sample": {"values": xs.tolist()},
                 "sample_source": "u = numpy.random.default_rng(%d).random(%d); x = 10 + 2*expm1(-xi*log(-log(u)))/xi"
                                  % (SEED_PROFILE[name], n)}
        for model in ("gev", "gumbel"):
            if model == "gev":
                c, loc, scale = stats.genextreme.fit(xs)
                f = lambda th: gev_nll(th, xs)  # noqa: E731
                g = lambda th: gev_grad(th, xs)  # noqa: E731
                th, _ = refine(f, g, np.array([loc, scale, -c]))
                names = ["mu", "sigma", "xi"]
            else:
                loc, scale = stats.gumbel_r.fit(xs)
                f = lambda th: gum_nll(th, xs)  # noqa: E731
                g = lambda th: gum_grad(th, xs)  # noqa: E731
                th, _ = refine(f, g, np.array([loc, scale]))
                names = ["mu", "sigma"]
            nll = f(th)
            _, _, Hr, _ = hessian_block(f, None, th, names, False)
            V = np.linalg.inv(Hr)
            rows = []
            for T in PROFILE_PERIODS:
                ly = math.log(-math.log1p(-1.0 / T))
                if model == "gev":
                    mu, s, x_ = th
                    em = math.expm1(-x_ * ly)
                    gr = np.array([1.0, em / x_, -s * em / x_ ** 2 - s * ly * math.exp(-x_ * ly) / x_])
                else:
                    gr = np.array([1.0, -ly])
                se = float(math.sqrt(gr @ V @ gr))
                ends, steps, zhat = brute_profile(xs, model, th, nll, T, se)
                rows.append({"T": T, "z": ref(zhat, "the return level at the MLE"),
                             "delta_se": ref(se, "sqrt(grad' V grad), V = inverse Richardson Hessian"),
                             "profile_95": ref(ends, "brute force (see method)"), "grid_steps": steps})
                log("profile %s %s T=%d z=%.6g [%.6g, %.6g] steps %s %.0fs" % (name, model, T, zhat, ends[0], ends[1], steps, time.time() - t0))
            entry[model] = {"mle": ref(dict(zip(names, th.tolist())), "refined: Nelder-Mead -> BFGS -> Newton"),
                            "nll": ref(nll, "at the MLE"), "return_levels": rows}
        doc["samples"].append(entry)
    return doc


# ----------------------------------------------------------------------------------------------
# F. the aggregate's tail mean over a wide range of tail rates (aggregate.json)

AGG_LAMBDAS = [0.5, 1.0, 2.0, 5.0, 20.0, 100.0, 234.0, 236.0, 500.0, 1000.0, 2000.0, 5000.0]
AGG_CS = [1e-6, 1e-3, 0.05, 0.5, 1.0, 3.0, 10.0, 50.0, 200.0, 700.0]
AGG_POOL_LAMBDAS = [0.5, 5.0, 50.0, 235.0, 300.0, 1000.0, 5000.0]
SEED_AGG = 2401


def mp_tail_mean(lam, c):
    """E[p] above psi_k under the fitted tail, Gamma(lam+1) c^-lam P(lam, c) = lam c^-lam gamma(lam, c)
    (lower incomplete gamma), at 60 digits."""
    with mp.workdps(60):
        lm, cm = mp.mpf(lam), mp.mpf(c)
        return lm * cm ** (-lm) * mp.gammainc(lm, 0, cm)


def build_aggregate():
    doc = {"file": "aggregate.json", "generator": GENERATOR, "versions": VERSIONS,
           "tail_mean": [], "pools": []}
    for lam in AGG_LAMBDAS:
        for c in AGG_CS:
            v = mp_tail_mean(lam, c)
            with mp.workdps(60):
                naive_overflows = bool(mp.loggamma(lam + 1) - lam * mp.log(c) > 709)
            doc["tail_mean"].append({"lambda": lam, "c": c,
                                     "value": ref(float(v), "mpmath (60 digits): lam * c^-lam * mpmath.gammainc(lam, 0, c)"),
                                     "gamma_c_pow_overflows": naive_overflows})
    rng = np.random.default_rng(SEED_AGG)
    m, k = 300, 10
    body = 0.05 * rng.random(m - k) ** 2
    psi0 = score1(0.05)
    for lam in AGG_POOL_LAMBDAS:
        j = np.arange(1, k + 1, dtype=np.float64)
        top_psi = psi0 + np.log(k / j) / lam
        top = np.exp(-np.exp(-top_psi))
        p = np.concatenate([top, body])
        fit = gumbel_tail(p, k)
        lam_fit = -fit["a"]
        psik = float(fit["top"][k - 1])
        c = math.exp(-psik)
        et = mp_tail_mean(lam_fit, c)
        mean_body = float(np.mean(p[fit["order"][k:]]))
        with mp.workdps(60):
            ep = (mp.mpf(m - k) / m) * mp.mpf(mean_body) + (mp.mpf(k) / m) * et
            rows = [{"n": n, "log_prob_no_failure": ref(float(n * mp.log1p(-ep)), "n * log1p(-e_p), mpmath"),
                     "aggregate": ref(float(-mp.expm1(n * mp.log1p(-ep))), "-expm1(n * log1p(-e_p)), mpmath")}
                    for n in (1e3, 1e5, 1e7)]
        doc["pools"].append({"lambda_design": lam, "m": m, "k": k, "pool": {"values": p.tolist()},
                             "pool_source": "top k: p = exp(-exp(-psi)), psi_j = score(0.05) + log(k/j)/lambda; body: "
                                            "0.05 * numpy.random.default_rng(%d).random(m - k)**2" % SEED_AGG,
                             "lambda": ref(lam_fit, "-a of the gumbel (log(j/m)) fit"),
                             "e_tail": ref(float(et), "mp_tail_mean(lambda, exp(-psi_k))"),
                             "e_p": ref(float(ep), "((m-k)/m) * mean_body + (k/m) * e_tail"),
                             "by_n": rows})
    return doc


# ----------------------------------------------------------------------------------------------
# D. elicitation estimators


def build_elicitation():
    s = [0, 0, 0, 1, 1, 3, 5, 10, 2, 0, 7, 50, 999, 1]
    t = [1, 10, 100000, 1, 10, 3, 5, 10, 1000, 4, 20, 100, 1000, 2]
    rows = []
    for si, ti in zip(s, t):
        j = (si + 0.5) / (ti + 1)
        mle = si / ti
        row = {"successes": si, "trials": ti,
               "jeffreys": ref(j, "(s + 0.5)/(t + 1)"),
               "jeffreys_score": ref(score1(j), SCORE_SRC + " with p = jeffreys"),
               "mle": ref(mle, "s / t")}
        if mle == 0.0:
            row["mle_score"] = ref(None, "-inf (p = 0): null")
            row["mle_score_kind"] = "minus_infinity"
        elif mle == 1.0:
            row["mle_score"] = ref(None, "undefined (p = 1): null; Fathom errors")
            row["mle_score_kind"] = "error"
        else:
            row["mle_score"] = ref(score1(mle), SCORE_SRC + " with p = mle")
            row["mle_score_kind"] = "finite"
        rows.append(row)
    return {"file": "elicitation.json", "generator": GENERATOR, "versions": VERSIONS,
            "successes": s, "trials": t, "rows": rows,
            "note": "successes = elicited failures of query i out of trials attempts; jeffreys is the posterior mean "
                    "under a Beta(1/2, 1/2) prior, never 0 or 1; mle is 0 for s = 0 and 1 for s = t"}


# ----------------------------------------------------------------------------------------------


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    t0 = time.time()
    sizes = {}
    only = sys.argv[1:]
    if only:
        # python Scripts/make-fixtures-tails.py profile.json: regenerate only the files named
        builders = {"tails.json": build_tails, "elicitation.json": build_elicitation, "evt.json": build_evt,
                    "backtest.json": build_backtest, "profile.json": build_profile, "aggregate.json": build_aggregate}
        for name in only:
            sizes[name] = write_json(name, builders[name]())
            log("%s %d bytes" % (name, sizes[name]))
        return 0
    sizes["tails.json"] = write_json("tails.json", build_tails())
    sizes["elicitation.json"] = write_json("elicitation.json", build_elicitation())
    sizes["evt.json"] = write_json("evt.json", build_evt())
    sizes["backtest.json"] = write_json("backtest.json", build_backtest())
    sizes["profile.json"] = write_json("profile.json", build_profile())
    sizes["aggregate.json"] = write_json("aggregate.json", build_aggregate())
    for k, v in sizes.items():
        log("%s %d bytes" % (k, v))
    log("total %.1fs" % (time.time() - t0))


if __name__ == "__main__":
    sys.exit(main())
