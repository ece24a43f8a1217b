import Testing
import Foundation
import FathomLanguage

/// Rendered diagnostics compared with Golden/diagnostics.txt. To re-record on purpose:
/// FATHOM_RECORD=1 swift test --filter DiagnosticGolden
@Suite("Diagnostics as golden text")
struct DiagnosticGoldenTests {
    static let inputs = [
        "mena(x)",
        "x = [1, 2, 3]\ny = x[10]",
        "ece = mean(\"probabilities\")",
        "quantile([1, 2, 3], q=1.5)",
        "f(1, 2",
        "f(1, 2)\n  )",
        "1 < 2 < 3",
        "v = [1, 2]\nv.lenght",
        "sort([3, 1], decending=true)",
        "x = \"unterminated",
        "randn(1e6, 1e6)",
        "a = 1 +\n\nb = 2",
        "total = 1 +  2 * \"three\"",
        "\tcount = 1 ** 2",
        "x = 1\n" + String(repeating: "x + ", count: 40) + "undefined_name" + String(repeating: " + 1", count: 40),
        "r = {alpha: 0.05}\nr.aplha",
        "émoji = 1",
    ]

    /// Bad input to the reliability builtins: every case a user meets, one message each.
    static let reliabilityInputs = [
        "ece([[0.7, 0.4], [0.2, 0.8]], [0, 1])",
        "ece([[1.2, -0.2], [0.2, 0.8]], [0, 1])",
        "ece([0.3, nan, 0.2], [0, 1, 1])",
        "ece([[0.7, 0.3], [0.2, 0.8]], [0, 2])",
        "ece([[0.7, 0.3], [0.2, 0.8]], [-1, 1])",
        "ece([0.7, 0.2], [0, 0.5])",
        "ece([0.7, 0.2, 0.4], [0, 1])",
        "ece([], [])",
        "ece([0.7, 0.2], [0, 1], bins=0)",
        "ece([0.7, 0.2], [0, 1], binning=\"quantile\")",
        "ece([0.7, 0.2], [0, 1], norm=3)",
        "ece([0.7, 0.2], [0, 1], debias=true)",
        "ece([0.7, 0.2], [0, 1], norm=2, debias=true, weights=[1, 2])",
        "ece([0.7, 0.2], [0, 1], weights=[1, 2, 3])",
        "ece([0.7, 0.2], [0, 1], weights=[1, -2])",
        "ece([0.7, 0.2], [0, 1], weights=[0, 0])",
        "ece([0.7, 0.2], [0, 1], ci=1.5)",
        "ece([0.7, 0.2], [0, 1], ci=0.95, boot=5)",
        "ece([0.7, 0.2], [0, 1], boot=50)",
        "ece([0.7, 0.2], \"y\")",
        "smece([0.7, 0.2], [0, 1], weights=[1])",
        "temperature([[1, 2], [3, 4]], [0, 0])",
        "temperature([[1, 2], [3, 4]], [0, 1])",
        "temperature([[1, 5], [6, 4]], [1, 0])",
        "temperature([[1, nan], [3, 4]], [0, 1])",
        "temperature([1, 2], [0, 1])",
        "platt([0.1, 0.2, 0.3], [1, 1, 1])",
        "platt([0.1, 0.2], [1, 0, 1])",
        "isotonic([0.1, 0.2, nan], [0, 1, 1])",
        "histogram_binning([0.1, 1.2], [0, 1])",
        "vector_scaling([[5, 1], [6, 2], [1, 3], [2, 4]], [0, 0, 1, 1])",
        "vector_scaling([[5, 1], [6, 2]], [0, 1], l2=-1)",
        "calibrate(temperature([[1, 2], [3, 1]], [1, 0]), [[1, 2, 3]])",
        "calibrate(3, [0.5])",
        "risk_coverage([0.9, 0.8], [true])",
        "risk_coverage([], [])",
        "select_threshold([0.9, 0.8, 0.7], [1, 1, 0], risk=2)",
        "select_threshold([0.9, 0.8, 0.7], [1, 1, 0], risk=0.01)",
        "failure_rate([], 0.5)",
        "failure_rate([0.1, nan], 0.5)",
        "check(\"calibrated\", 3)",
        "by([\"fog\", \"rain\"], accuracy, [[0.7, 0.3], [0.2, 0.8], [0.5, 0.5]], [0, 1, 1])",
        "by([\"fog\", \"rain\"], 3, [0.1, 0.2])",
    ]

    /// Bad input to the shift and label-shift builtins.
    static let shiftInputs = [
        "ks([], [1])",
        "ks([1, 2, nan], [1])",
        "ks([1, inf], [1])",
        "ks(\"a\", [1])",
        "ks([1, 2], [\"x\", \"y\"])",
        "ks([1], [2], alpha=2)",
        "cvm([1], [2])",
        "ad([1, 1, 1], [1, 1])",
        "ad([1, 2, 3])",
        "ad([], [1, 2])",
        "chisq([\"a\", \"a\"], [\"a\"])",
        "chisq([], [\"a\"])",
        "psi([1, 2, 3], [1, 2], bins=1)",
        "mmd([[1, 1], [1, 1]], [[1, 1], [1, 1]])",
        "mmd([[1, 2, 3], [4, 5, 6]], [[1, 2], [3, 4]])",
        "mmd([[1, 2]], [[1, 2], [3, 4]])",
        "mmd(randn(15000, 2, seed=1), randn(15000, 2, seed=2))",
        "mmd(randn(10, 2, seed=1), randn(10, 2, seed=2), perms=0)",
        "mmd(randn(10, 2, seed=1), randn(10, 2, seed=2), bandwidth=-1)",
        "energy([[1, nan], [2, 3]], [[1, 2], [3, 4]])",
        "c2st(randn(3, 2, seed=1), randn(3, 2, seed=2))",
        "drift(as_table({x: [1, 2], y: [3, 4]}), as_table({x: [1, 2]}))",
        "drift(randn(5, 3, seed=1), randn(5, 2, seed=2))",
        "drift(randn(5, 3, seed=1), randn(5, 3, seed=2), test=\"t\")",
        "bbsd(randn(5, 3, seed=1), randn(5, 2, seed=2))",
        "bbse([[0.9, 0.1, 0], [0.2, 0.8, 0], [0.6, 0.4, 0]], [0, 1, 2], [[0.5, 0.5, 0]])",
        "bbse([[0.9, 0.05, 0.05], [0.1, 0.8, 0.1], [0.1, 0.1, 0.8]], [0, 1, 1], [[0.2, 0.3, 0.5]])",
        "bbse([[0.9, 0.1], [0.8, 0.2], [0.1, 0.9], [0.2, 0.8]], [0, 1, 0, 1], [[0.5, 0.5]])",
        "bbse([[0.9, 0.1], [0.2, 0.8]], [0, 2], [[0.5, 0.5]])",
        "bbse([[0.9, 0.1], [0.2, 0.8]], [0, 1], [[0.5, 0.5, 0]])",
        "mlls([[0.9, 0.05, 0.05], [0.1, 0.8, 0.1]], [0, 1], [[0.2, 0.3, 0.5]])",
        "mlls([[0.9, 0.1], [0.2, 0.8]], [0, 1], [[0.5, 0.5]], calibrate=\"platt\")",
        "reweight([[0.9, 0.1], [0.2, 0.8]], [1, 2, 3])",
        "reweight([[0.9, 0.1], [0.2, 0.8]], [-1, 1])",
        "harm([[0.9, 0.1], [0.2, 0.8]], [0, 1], [[0.5, 0.3, 0.2]])",
        "harm([[0.9, 0.1], [0.2, 0.8]], [0, 1], [[0.5, 0.5]], [1], delta={recall: 0.1})",
    ]

    /// Bad input to the tail forecasts and extreme-value fits.
    static let tailInputs = [
        "scores([0.1, 1])",
        "scores([0.1, -0.2])",
        "scores([0.1, nan])",
        "forecast([0.1, 0.2, 0.3], n=10, k=5)",
        "forecast([0, 0, 0, 0.1, 0.2], n=100, k=3)",
        "forecast(runif(100, seed=1), n=50)",
        "forecast(runif(100, seed=1), n=1e6, k=1)",
        "forecast(runif(100, seed=1), n=1e6, method=\"weibull\")",
        "forecast([0.5, 0.5, 0.5, 0.5, 0.1, 0.2], n=100, k=3)",
        "forecast([0, 0.1, 0.2, 0.3, 0.4], n=100, k=2, method=\"lognormal\")",
        "forecast_frequency(runif(100, seed=1), tau=1.5)",
        "elicitation([1, 2], [10])",
        "elicitation([11], [10])",
        "elicitation([10], [10], estimator=\"mle\")",
        "elicitation([1], [0])",
        "backtest(runif(1000, seed=1), m=100, n=50)",
        "backtest(runif(1000, seed=1), m=100, n=5000)",
        "backtest(runif(1000, seed=1), m=100, n=500, k=100)",
        "backtest(runif(1000, seed=1), m=100, n=500, method=[\"gumbel\", \"pareto\"])",
        "gev_fit([1, 2, nan, 4, 5])",
        "gev_fit([1, 2, 3])",
        "gev_fit([2, 2, 2, 2, 2])",
        "gpd_fit(randn(100, seed=1), threshold=10)",
        "gpd_fit(randn(100, seed=1), threshold=2.3)",
        "return_level(gumbel_fit([1, 3, 2, 5, 4, 2]), 0.5)",
        "return_level(3, 10)",
        "return_level(gpd_fit(randn(500, seed=1), threshold=1), 5)",
        "return_level(gpd_fit(randn(500, seed=1), threshold=1), 1000, ci=\"profile\")",
        "block_maxima([1, 2, 3], 5)",
        "block_maxima([1, 2, 3], 0)",
        "mean_excess([1, 2, 3], thresholds=[inf])",
        "return_level(gev_fit(concat(randn(50, seed=1), [-30])), 100, ci=\"profile\")",
        "forecast(runif(100, seed=1), n=1e6, ci=1.5)",
        "forecast(runif(100, seed=1), n=1e6, ci=0.95, boot=5)",
        "forecast(concat([0.9], 0.1 + 0 * runif(50, seed=2)), n=1000, k=2, ci=0.95, seed=1)",
        "failure_probs([0.2, 0.7])",
        "failure_probs([0.2, 0.7], [1, 0], y=[1, 0])",
        "failure_probs(\"model\", [1, 0])",
        "failure_probs([0.2, 0.7], [1, 0, 1])",
        "failure_probs([[0.2, 0.8], [0.5, 0.5]], [0, 2])",
        "X = randn(50, 2, seed=1); m = fit_logistic(X, X[:, 0] > 0); failure_probs(m, X)",
    ]

    /// Bad input to the forecastability builtins (each after fitting a small model).
    static let forecastabilityInputs = [
        "X = randn(300, 2, seed=1); y = round(runif(300, seed=2)); m = fit_logistic(X, y)\nfailure_probs(m, X, [0, 1])",
        "X = randn(300, 2, seed=1); y = round(runif(300, seed=2)); m = fit_logistic(X, y)\nfailure_probs(m, X, y + 1)",
        "X = randn(300, 2, seed=1); y = round(runif(300, seed=2)); m = fit_logistic(X, y)\nfailure_probs(m, randn(300, 3, seed=1), y)",
        "X = randn(300, 2, seed=1); y = round(runif(300, seed=2)); m = fit_logistic(X, y)\nforecastability_loss(m, X, y, m=200, n=200)",
        "X = randn(300, 2, seed=1); y = round(runif(300, seed=2)); m = fit_logistic(X, y)\nforecastability_loss(m, X, y, m=100, n=200, k=100)",
        "X = randn(300, 2, seed=1); y = round(runif(300, seed=2)); m = fit_logistic(X, y)\nforecastability_loss(m, X, y, m=300)",
        "X = randn(300, 2, seed=1); y = round(runif(300, seed=2)); m = fit_logistic(X, y)\nforecastability_loss(m, X[0:50], y[0:50])",
        "X = randn(300, 2, seed=1); y = round(runif(300, seed=2)); m = fit_logistic(X, y)\nforecastability_loss(m, X, y, m=100, scale=\"log\")",
        "X = randn(300, 2, seed=1); y = round(runif(300, seed=2)); m = fit_logistic(X, y)\nforecastability_loss(m, X * 0, y, m=100)",
        "X = randn(300, 2, seed=1); y = round(runif(300, seed=2)); m = fit_logistic(X, y)\nfinetune(m, X, y)",
        "X = randn(300, 2, seed=1); y = round(runif(300, seed=2)); m = fit_logistic(X, y)\nfinetune(m, X, y, forecastability=-1)",
        "X = randn(300, 2, seed=1); y = round(runif(300, seed=2)); m = fit_logistic(X, y)\nfinetune(m, X, y, forecastability=0.1, lr=0)",
        "X = randn(300, 2, seed=1); y = round(runif(300, seed=2)); m = fit_logistic(X, y)\nfinetune(m, X, y, forecastability=0.1, steps=0)",
        "X = randn(300, 2, seed=1); y = round(runif(300, seed=2)); m = fit_logistic(X, y)\nplot(m)",
        "X = randn(300, 2, seed=1); y = round(runif(300, seed=2)); m = fit_logistic(X, y)\nplot([forecastability_loss(m, X, y, m=100), forecastability_loss(m, X, y, m=100, scale=\"score\")])",
        "X = randn(300, 2, seed=1); y = round(runif(300, seed=2)); m = fit_logistic(X, y)\nforecastability_loss(3, X, y)",
        "X = randn(300, 2, seed=1); y = round(runif(300, seed=2)); m = fit_logistic(X, y)\nfailure_probs(m, log(X), y)",
        "X = randn(300, 2, seed=1); y = round(runif(300, seed=2)); m = fit_logistic(X, y)\nfailure_probs(m, X, y / 2)",
        "X = randn(300, 2, seed=1); y = round(runif(300, seed=2)); m = fit_logistic(X, y)\nforecastability_loss(m, X, [])",
        "X = randn(6, 2, seed=1); t = [\"a\", \"b\", \"a\", \"b\", \"a\", \"b\"]; m = fit_logistic(X, t)\nfailure_probs(m, X, [\"a\", \"b\", \"a\", \"b\", \"a\", \"c\"])",
        "X = randn(300, 2, seed=1); y = round(runif(300, seed=2)); m = fit_logistic(X, y)\nfailure_probs(m, X, [\"no\", \"yes\"][y])",
        "X = randn(300, 2, seed=1); y = round(runif(300, seed=2)); m = fit_logistic(X, y)\nfinetune(m, X, y, forecastability=1e6, lr=1e6, steps=30, m=100, n=150, scale=\"score\")",
        "X = randn(300, 2, seed=1); y = round(runif(300, seed=2)); m = fit_logistic(X, y)\nfinetune(m, X, y, forecastability=0.1, batch=200, m=100, n=150)",
        "X = randn(300, 2, seed=1); y = round(runif(300, seed=2)); m = fit_logistic(X, y)\nfinetune(m, X, y, forecastability=0.1, batch=400)",
        "X = randn(300, 2, seed=1); y = round(runif(300, seed=2)); m = fit_logistic(X, y)\nfinetune(m, X, y, forecastability=0.1, batch=50)",
        "X = randn(300, 2, seed=1); y = round(runif(300, seed=2)); m = fit_logistic(X, y)\nfinetune(m, X, y, forecastability=0.1, smooth=0)",
        "X = randn(300, 2, seed=1); y = round(runif(300, seed=2)); m = fit_logistic(X, y)\nfit_logistic(X, y, forecastability=0.1, tune_batch=100, m=60, n=60)",
        "X = randn(300, 2, seed=1); y = round(runif(300, seed=2)); m = fit_logistic(X, y)\nfit_logistic(X, y, forecastability=0.1, tune_batch=1000)",
    ]

    /// Text labels that cannot be matched to probability columns: refused, never guessed.
    static let labelInputs = [
        "accuracy([[0.9, 0.1], [0.2, 0.8]], [\"cat\", \"dog\"])",
        "t = as_table({p_dog: [0.9, 0.2], p_cat: [0.1, 0.8]})\naccuracy(select(t, \"p_*\"), [\"dog\", \"bird\"])",
        "accuracy([0.9, 0.2], [\"yes\", \"no\"])",
        "accuracy([0.9, 0.2], [\"yes\", \"no\"], classes=[\"no\"])",
        "accuracy([0.9, 0.2], [\"yes\", \"no\"], classes=[\"no\", \"no\"])",
        "accuracy([0.9, 0.2], [\"yes\", \"maybe\"], classes=[\"no\", \"yes\"])",
        "accuracy([0.9, 0.2], [\"yes\", \"no\"], classes=1)",
        "t = as_table({p_1: [0.9, 0.2], p_0: [0.1, 0.8]})\nece(select(t, \"p_*\"), [0, 1])",
        "temperature([[2, 1], [0, 3], [1, 1]], [\"a\", \"b\", \"a\"])",
        "bbse([[0.9, 0.1], [0.2, 0.8]], [\"a\", \"b\"], [[0.5, 0.5]])",
        "platt([0.1, 0.8, 0.4], [\"no\", \"yes\", \"no\"])",
    ]

    /// Bad input to median, var, cor, cumsum, auc, f1, confusion and join: empty input, NaN,
    /// wrong shapes, labels out of range, mismatched lengths.
    static let statsInputs = [
        "median([])",
        "median(\"a\")",
        "var([1], ddof=1)",
        "var([1, 2], ddof=-1)",
        "cumsum(\"abc\")",
        "cor([1, 2, 3], [1, 2])",
        "cor([1], [2])",
        "cor([1, 2, 3])",
        "cor(randn(5, 2, seed=1), [1, 2])",
        "cor([1, 2], [3, 4], method=\"kendall\")",
        "cor(as_table({a: [1, 2], b: [\"x\", \"y\"]}))",
        "cor(randn(1, 3, seed=1))",
        "cor([\"a\", \"b\"], [1, 2])",
        "auc([], [])",
        "auc([0.1, nan], [0, 1])",
        "auc([0.1, 0.2, 0.3], [0, 1])",
        "auc([0.1, 0.2], [0, 2])",
        "auc([0.1, 0.2], [0, 0.5])",
        "auc([0.1, 0.2], [1, 1])",
        "auc([0.1, 0.2], [0, 0], curve=\"pr\")",
        "auc([[0.7, 0.2, 0.1], [0.1, 0.8, 0.1]], [0, 1])",
        "auc([[0.7, 0.4], [0.2, 0.8]], [0, 1])",
        "auc([0.1, 0.2], [0, 1], curve=\"det\")",
        "auc(\"x\", [0, 1])",
        "f1([0, 1], [0, 1, 1])",
        "f1([], [])",
        "f1([0, 1, 2], [0, 1, 1], average=\"binary\")",
        "f1([0, 1.5], [0, 1])",
        "f1([0, nan], [0, 1])",
        "f1([\"a\", \"b\"], [0, 1])",
        "f1([\"a\", \"b\"], [\"a\", \"b\"], average=\"binary\")",
        "f1([0, 1], [0, 1], average=\"samples\")",
        "f1([[0.5, 0.5], [0.2, 0.8]], [0, 3])",
        "confusion([0, 1], [-1, 1])",
        "confusion(3, [0])",
        "confusion([[0.5, 0.5], [0.2, nan]], [0, 1])",
        "join(as_table({id: [1, 2]}), as_table({key: [1]}))",
        "join(as_table({id: [1, 2]}), as_table({id: [\"1\"]}), on=\"id\")",
        "join(as_table({id: [1]}), as_table({id: [1]}), on=\"idd\")",
        "join(as_table({id: [1]}), as_table({id: [1]}), how=\"outer\")",
        "join([1, 2], as_table({id: [1]}))",
        "join(as_table({id: [1], v_x: [1], v: [2]}), as_table({id: [1], v: [3]}), on=\"id\")",
        "join(as_table({id: [1]}), as_table({id: [1]}), on=[])",
        "join(as_table({id: [1]}), as_table({id: [1]}), on=3)",
    ]

    /// Hostile values (issue 18): numbers no Int holds, empty keys, requests beyond memory.
    /// slices(): every way its arguments can be wrong, one error each.
    static let sliceInputs = [
        "slices(as_table({w: [\"a\", \"b\", \"a\"]}), [true, false])",
        "slices(as_table({w: [\"a\", \"b\"]}), [1, nan])",
        "slices(as_table({w: [\"a\", \"b\"]}), [1, -2])",
        "slices(as_table({w: [\"a\", \"b\"]}), [\"x\", \"y\"])",
        "slices(as_table({w: [\"a\", \"b\"]})[[]], [])",
        "as_table({})",
        "as_table({a: [1, 2], b: [1]})",
        "as_table({a: [1, 2], b: {c: 1}})",
        "slices(as_table({w: [\"a\", \"b\"]}), [1, 0], weight=0)",
        "slices(as_table({w: [\"a\", \"b\"]}), [1, 0], bins=1)",
        "slices(as_table({w: [\"a\", \"b\"]}), [1, 0], k=0)",
        "slices(as_table({w: [\"a\", \"b\"]}), [1, 0], max_level=9)",
        "slices(as_table({w: [\"a\", \"b\"]}), [1, 0], min_support=0)",
        "slices(as_table({w: [\"a\", \"b\"]}), [1, 0], correction=\"holm\")",
        "slices([1, 2], [1, 0])",
    ]

    /// estimate_performance(): every way its arguments can be wrong, one error each.
    static let performanceInputs = [
        "estimate_performance([[0.9, 0.1], [0.2, 0.8]], [0, 1], [[0.2, 0.5, 0.3]])",
        "estimate_performance([[0.9, 0.1], [0.2, 0.8]], [0, 1, 1], [[0.2, 0.8]])",
        "estimate_performance([[0.9, 0.1], [0.2, 0.8]], [0, 1], [[0.2, 0.8]], chunks=2)",
        "estimate_performance([[0.9, 0.1], [0.2, 0.8]], [0, 1], [[0.2, 0.8]], chunks=0)",
        "estimate_performance([[0.9, 0.1], [0.2, 0.8]], [0, 1], [[0.2, 0.8]], y_target=[0, 1])",
        "estimate_performance([[0.9, 0.1], [0.2, 0.8]], [0, 1], [[2, 8]])",
        "estimate_performance([[0.9, 0.1], [0.2, 0.8]], [0, 5], [[0.2, 0.8]])",
        "estimate_performance([0.9, 0.2], [0, 1], [0.3], alert_below=\"high\")",
        "estimate_performance([[0.9, 0.1], [0.2, 0.8]], [0, 1], [[0.6, 0.4]], metric=\"F1\")",
    ]

    static let conformalInputs = [
        "conformal([[0.9, 0.1], [0.2, 0.8]], [0, 1], [[0.2, 0.5, 0.3]])",
        "conformal([[0.9, 0.1], [0.2, 0.8]], [0, 1], [[0.2, 0.8]], alpha=0.1)",
        "conformal([[0.9, 0.1], [0.2, 0.8]], [0, 1], [[0.2, 0.8]], alpha=1.5)",
        "conformal([[0.9, 0.1], [0.2, 0.8]], [0, 1], [[0.2, 0.8]], score=\"raps\")",
        "conformal([[0.9, 0.1], [0.2, 0.8]], [0, 1], [[0.2, 0.8]], groups=[0, 1])",
        "conformal([[0.9, 0.1], [0.2, 0.8]], [0, 1], [[0.2, 0.8]], groups_test=[0])",
        "conformal([[0.9, 0.1], [0.2, 0.8]], [0, 1], [[0.2, 0.8]], alpha=0.5, groups=[\"a\", \"b\"], groups_test=[\"c\"])",
        "conformal([[0.9, 0.1], [0.2, 0.8]], [0, 1], [[0.2, 0.8]], alpha=0.5, groups=[0], groups_test=[0])",
        "conformal([[0.9, 0.1], [0.2, 0.8]], [0, 1], [[0.2, 0.8]], alpha=0.5, y_test=[0, 1])",
        "conformal([[0.9, 0.1], [0.2, 0.8]], [0, 1], [[0.2, 0.8]], alpha=0.5, by=[1, 2, 3])",
        "conformal([], [], [[0.2, 0.8]])",
        "conformal([[0.9, 0.1], [0.2, 0.8]], [0, 1], [[2, 8]])",
        "conformal([[0.9, 0.1], [0.2, 0.8]], [0, 2], [[0.2, 0.8]])",
        "risk_control([[0.9, 0.1]], [0], [[0.2, 0.8]], alpha=1)",
        "risk_control([[0.9, 1.1]], [0], [[0.2, 0.8]])",
        "risk_control([[0.9, 0.1]], [[1, 0.5]], [[0.2, 0.8]])",
        "risk_control([[0.9, 0.1]], [[1, 0]], [[0.2, 0.8]], cost=[1, 2])",
        "risk_control([[0.9, 0.1]], [0], [[0.2, 0.8]], cost=[1])",
        "risk_control([[0.9, 0.1]], [0], [[0.2, 0.8]], grid=2)",
        "risk_control([[0.9, 0.1]], [3], [[0.2, 0.8]])",
        "risk_control([[0.9, 0.1]], [0], [[0.2, 0.8]], cost=[0, 0])",
        "risk_control([[0.9, 0.1]], [0, 1], [[0.2, 0.8]])",
        "risk_control(\"x\", [0], [[0.2, 0.8]])",
        "risk_control([[0.9, 0.1]], [0], [[0.2, 0.8]], y_test=[0, 1])",
        "risk_control([[0.9, 0.1]], \"a\", [[0.2, 0.8]])",
        "risk_control([[0.9, 0.1]], [0], [[0.2, 0.8, 0.0]])",
    ]

    static let experimentInputs = [
        "training_experiment(fit_logistic([[0, 1], [1, 0], [1, 1]], [0, 1, 1]), [[0, 1], [1, 0], [1, 1]], [0, 1, 1], [0, 1], [false, false, true])",
        "training_experiment(fit_logistic([[0, 1], [1, 0], [1, 1]], [0, 1, 1]), [[0, 1], [1, 0], [1, 1]], [0, 1, 1], [0, 0, 1], [false, false, true])",
        "training_experiment(fit_logistic([[0, 1], [1, 0], [1, 1]], [0, 1, 1]), [[0, 1], [1, 0], [1, 1]], [0, 1, 1], [0, 1, 2], [0, 2, 1])",
        "training_experiment(fit_logistic([[0, 1], [1, 0], [1, 1]], [0, 1, 1]), [[0, 1], [1, 0], [1, 1]], [0, 1, 1], [0, 1, 2], [false, false, true], lambdas=[0, 0.1])",
        "training_experiment(fit_logistic([[0, 1], [1, 0], [1, 1]], [0, 1, 1]), [[0, 1], [1, 0], [1, 1]], [0, 1, 1], [0, 1, 2], [false, false, true], seeds=1)",
        "training_experiment(fit_logistic([[0, 1], [1, 0], [1, 1]], [0, 1, 1]), [[0, 1], [1, 0], [1, 1]], [0, 1, 1], [0, 1, 2], [false, false, true])",
        "training_experiment(fit_logistic([[0, 1], [1, 0], [1, 1]], [0, 1, 1]), [[0, 1], [1, 0], [1, 1]], [0, 1, 1], [0, 1, 2], [false, false, true], m=5, k=10)",
        "X = randn(900, 2, seed=1); y = round(sigmoid(rowsums(X))); g = floor(seq(0, 900) / 3); m = fit_logistic(X, y); training_experiment(m, X, y, g, g == 0, m=20, n=100, k=5, batch=50)",
        "X = randn(900, 2, seed=1); y = round(sigmoid(rowsums(X))); g = floor(seq(0, 900) / 3); m = fit_logistic(X, y); training_experiment(m, X, y, g, g == 0, m=20, n=100, k=5, batch=400)",
        "X = randn(900, 2, seed=1); y = round(sigmoid(rowsums(X))); g = floor(seq(0, 900) / 3); m = fit_logistic(X, y); training_experiment(m, X, y, g, g == 0, m=20, n=100, k=5, tune_seeds=0)",
    ]

    static let hostileInputs = [
        "onehot([1e19])",
        "onehot(1e300)",
        "onehot([1, 2], k=1)",
        "ece([0.5, 0.5], [0, 1e19])",
        "accuracy([0.5, 0.5], [0, -1e300])",
        "sample([], replace=true, k=1)",
        "by([], mean, [])",
        "randn(1e12)",
        "ece(runif(50), round(runif(50)), ci=0.9, boot=1e9)",
    ]

    /// Hostile files, written to a fixed folder (the paths appear in the messages), and the
    /// loads of them: every size that overflows, lies or exceeds a limit, zip bombs and
    /// inconsistent archives, impossible separators.
    static let fileFolder = "/tmp/fathom-golden-files"
    static var files: [(String, [UInt8])] {
        let hostile = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("FathomCoreTests/Fixtures/hostile")
        var files: [(String, [UInt8])] = [
            ("overflow.npy", npyWithShape("(2305843009213693953,)")),
            ("product.npy", npyWithShape("(4294967296, 4294967296)")),
            ("negative.npy", npyWithShape("(3, -1)")),
            ("digits.npy", npyWithShape("(123456789012345678901234567890,)")),
            ("lying.npy", npyWithShape("(1000000000000,)")),
            ("wide.csv", Array((String(repeating: "x,", count: 100_000) + "x\n").utf8)),
            ("small.csv", Array("a,b\n1,2\n".utf8)),
            ("deep.json", Array((String(repeating: "[", count: 600) + String(repeating: "]", count: 600)).utf8)),
        ]
        for name in ["lying-bomb.npz", "declares-huge.npz", "local-size.npz", "overlap.npz", "truncated-deflate.npz"] {
            files.append((name, (try? Array(Data(contentsOf: hostile.appendingPathComponent(name)))) ?? []))
        }
        return files
    }
    static let fileInputs = [
        "load(\"\")",
        "load(\"\(fileFolder)/overflow.npy\")",
        "load(\"\(fileFolder)/product.npy\")",
        "load(\"\(fileFolder)/negative.npy\")",
        "load(\"\(fileFolder)/digits.npy\")",
        "load(\"\(fileFolder)/lying.npy\")",
        "load(\"\(fileFolder)/lying-bomb.npz\")",
        "load(\"\(fileFolder)/declares-huge.npz\")",
        "load(\"\(fileFolder)/local-size.npz\")",
        "load(\"\(fileFolder)/overlap.npz\")",
        "load(\"\(fileFolder)/truncated-deflate.npz\")",
        "load(\"\(fileFolder)/wide.csv\")",
        "load(\"\(fileFolder)/small.csv\", sep=\"\\n\")",
        "load(\"\(fileFolder)/small.csv\", sep=\"\\\"\")",
        "load(\"\(fileFolder)/small.csv\", sep=\";;\")",
        "save([1, 2], \"\(fileFolder)/out.csv\", sep=\"\\n\")",
        "load(\"\(fileFolder)/deep.json\")",
    ]

    @Test("file diagnostics match Golden/file-diagnostics.txt")
    func fileDiagnostics() throws {
        try FileManager.default.createDirectory(atPath: DiagnosticGoldenTests.fileFolder, withIntermediateDirectories: true)
        for (name, bytes) in DiagnosticGoldenTests.files {
            #expect(!bytes.isEmpty, "\(name)")
            try Data(bytes).write(to: URL(fileURLWithPath: DiagnosticGoldenTests.fileFolder + "/" + name), options: .atomic)
        }
        try matchesGolden("file-diagnostics.txt", DiagnosticGoldenTests.fileInputs)
    }

    static func goldenPath(_ name: String) -> URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden/\(name)")
    }

    static func render(_ inputs: [String]) -> String {
        var out = ""
        for input in inputs {
            out += "── input\n" + input + "\n── output\n"
            let interpreter = Interpreter()
            let renderer = DiagnosticRenderer()
            for parsed in Parser.parse(SourceFile(name: "<stdin>", text: input)) {
                switch parsed {
                case .failure(let d): out += renderer.render(d) + "\n"
                case .success(let s):
                    do { _ = try interpreter.run(s) } catch let d as Diagnostic { out += renderer.render(d) + "\n" } catch {}
                }
            }
        }
        return out
    }

    @Test("language diagnostics match Golden/diagnostics.txt, reliability ones Golden/reliability-diagnostics.txt",
          arguments: [("diagnostics.txt", inputs), ("reliability-diagnostics.txt", reliabilityInputs), ("shift-diagnostics.txt", shiftInputs), ("tail-diagnostics.txt", tailInputs),
                     ("forecastability-diagnostics.txt", forecastabilityInputs), ("stats-diagnostics.txt", statsInputs), ("label-diagnostics.txt", labelInputs),
                     ("hostile-diagnostics.txt", hostileInputs), ("slice-diagnostics.txt", sliceInputs), ("performance-diagnostics.txt", performanceInputs),
                     ("conformal-diagnostics.txt", conformalInputs), ("experiment-diagnostics.txt", experimentInputs)])
    func matchesGolden(_ file: String, _ inputs: [String]) throws {
        let rendered = DiagnosticGoldenTests.render(inputs)
        let path = DiagnosticGoldenTests.goldenPath(file)
        if ProcessInfo.processInfo.environment["FATHOM_RECORD"] == "1" {
            try rendered.write(to: path, atomically: true, encoding: .utf8)
        }
        let golden = try String(contentsOf: path, encoding: .utf8)
        #expect(rendered == golden)
        // Every reliability input is bad in one way: each gives exactly one error.
        if file != "diagnostics.txt" { #expect(rendered.components(separatedBy: ": error: ").count - 1 == inputs.count) }
    }

    @Test("colour wraps the parts in ANSI codes and changes nothing else")
    func color() {
        let d = Parser.parse(SourceFile(name: "<stdin>", text: "1 +"))[0]
        guard case .failure(let diag) = d else { Issue.record("no error"); return }
        let colored = DiagnosticRenderer(color: true).render(diag)
        #expect(colored.contains("\u{1B}[1;31merror:\u{1B}[0m"))
        let stripped = colored.replacingOccurrences(of: "\u{1B}\\[[0-9;]*m", with: "", options: .regularExpression)
        #expect(stripped == DiagnosticRenderer().render(diag))
    }
}
