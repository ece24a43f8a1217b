extension Help {
    /// Concept topics for `:help TOPIC`: what the idea is, how Fathom computes it, which
    /// builtins to use and which lesson teaches it.
    static let conceptTopics: [Topic] = [
        Topic(name: "reliability", summary: "failure thresholds δ, failure rates, slices and checks", text: """
        Reliability: where and how often does the model fail on familiar data?

        In-distribution reliability asks how a model fails on data like the data
        it was built for, before anything shifts. The application, not the
        model, says what a failure is: a loss per input and a threshold δ, so
        that input i fails when loss_i > δ. With a log loss, δ = 2.3 means the
        true outcome got less than e^−2.3 ≈ 10% probability. failures(loss, δ)
        marks the failing inputs (index the data with it to look at them);
        failure_rate(loss, δ) is their share k/n with an exact Clopper–Pearson
        interval (ci=0.95), honest even when k is 0 or a handful.

        An optimizing metric (accuracy, NLL) is one you make as good as you can
        and compare models by. A satisficing test is a requirement that must
        simply hold, such as "at most 5% of inputs fail". Test the upper end of
        the interval, not the estimate: failure_rate(loss, δ).upper <= 0.05
        passes only when the data show the requirement is met. check(name,
        condition) prints PASS or FAIL and records it; fathom run exits with
        status 3 when any check failed, so a script can gate a CI pipeline.

        A model can pass on average and fail on a slice that matters: a kind of
        weather, a class, a site. by(key, metric, args...) computes the metric
        on every slice of key, with each slice's size n and an interval
        (failure_rate's exact one, or a seeded bootstrap for metrics that take
        ci=). A requirement in every slice is all(s.upper <= 0.05); small
        slices have wide intervals, so they need more data to pass.

        Example: a synthetic pedestrian detector passes overall, fails in fog.
          d = load("av-perception/detections")
          check("≤ 5% fail", failure_rate(d.loss, 2.3).upper <= 0.05)
          s = by(d.weather, failure_rate, d.loss, 2.3); s
          head(d[failures(d.loss, 2.3) and d.weather == "fog"])

        Builtins: failures, failure_rate, check, by, accuracy, all
        Lesson:   fathom tour failures
        """),
        Topic(name: "calibration", summary: "ECE and its variants, reliability diagrams, recalibration", text: """
        Calibration: do the probabilities mean what they say?

        A model is calibrated when its confidence matches its accuracy: of the
        inputs it gives 80%, about 80% are right. Fathom looks at the top label:
        conf_i = max_k p_ik and correct_i = [argmax_k p_ik = y_i]. Modern
        networks are often over-confident; the bundled digits MLP is.

        The expected calibration error bins the confidences into B equal-width
        bins (bins=15) and averages the gap between each bin's accuracy and mean
        confidence, weighted by the bin's share of the N examples:
          ECE = Σ_b (n_b/N)·|acc(b) − conf(b)|
        reliability() gives the bins; plot() of it draws the reliability
        diagram: accuracy per bin against the diagonal, with the confidence
        histogram beneath. Accuracy below the diagonal means over-confidence.

        Variants: binning="mass" makes bins of equal count; norm=2 takes the
        root of the weighted mean squared gap, and debias=true (with norm=2)
        subtracts each bin's sampling noise (Kumar et al. 2019);
        mode="classwise" averages over classes k the ECE of p_·k against
        [y = k]. mce is the largest bin gap, ace the mean gap with every
        non-empty bin counted equally, and smece (Błasiok & Nakkiran 2023)
        smooths the residuals with a kernel instead of binning, so there is
        no bin count to tune.

        Read the numbers with their noise: the binned ECE is biased upwards on
        small sets and moves with the bin count, so compare models on the same
        data and bins, and ask for an interval (ci=0.95: a seeded bootstrap of
        boot=1000 replicates). A low ECE is not enough: always predicting the
        base rate is calibrated and useless. NLL (log loss) and the Brier score
        are proper scores: they reward calibration and sharpness together, and
        only the true probabilities minimise them in expectation.

        Recalibration fits a map on held-out data: temperature (softmax(z/T),
        one T > 0; T > 1 softens, the predicted class never changes),
        vector_scaling (a scale and a bias per class; l2= when it has no
        optimum), and for two classes platt and isotonic (any score),
        histogram_binning (bins=15) and beta_calibration (P(y = 1)); isotonic
        and histogram_binning also take a probability matrix, one map per
        class. calibrate(cal, x) applies the fitted map to new data. Fit on
        validation data and measure on test data: fitted and scored on the
        same rows, every method looks better than it is.

        Example: the over-confident digits MLP, before and after temperature.
          v = load("digits/mlp-validation"); t = load("digits/mlp-test")
          p = softmax(select(t, "logit_*")); ece(p, t.label, ci=0.95, seed=1)
          cal = temperature(select(v, "logit_*"), v.label); cal
          p2 = calibrate(cal, select(t, "logit_*")); ece(p2, t.label)
          plot([reliability(p, t.label), reliability(p2, t.label)])

        Builtins: ece, mce, ace, smece, reliability, nll, brier, accuracy,
                  temperature, vector_scaling, platt, isotonic, histogram_binning,
                  beta_calibration, calibrate
        Lesson:   fathom tour calibration
        """),
        Topic(name: "deferral", summary: "monitors, risk–coverage, deferral with guaranteed risk", text: """
        Deferral: can the model tell when it is likely to be wrong?

        A model that knows when it is unsure can hand those inputs to a person or
        a fallback and answer the rest. A monitor is a self-assessment score
        that should be high when the prediction is right: confidence(p) =
        max_k p_ik; margin(p), the largest minus the second-largest probability;
        or -entropy(p), where entropy(p) = −Σ_k p_ik·ln p_ik (0 when certain,
        ln K when uniform). Only the order of the scores matters here: a
        monitor can rank errors well even when its probabilities are not
        calibrated.

        Selective prediction answers when score ≥ t and defers otherwise.
        Coverage is the share answered, selective risk the error rate among the
        answered. risk_coverage(score, correct) sorts the examples by score,
        highest first, and gives for every j the risk of answering only the
        surest j of N. AURC, the mean of those N risks (the area under the
        risk–coverage curve), is lower for a better monitor; plot() draws it.

        select_threshold(score, correct, risk=r, delta=0.05) is the selection
        with guaranteed risk (SGR) of Geifman & El-Yaniv (2017): a binary search
        for the lowest threshold whose one-sided Clopper–Pearson upper bound on
        the risk of the answered examples stays below r (the level delta split
        over the ⌈log₂ N⌉ thresholds it tries). With probability at least
        1 − delta, the risk on new data from the same distribution is then
        below r. When no threshold can promise that, it says so: raise r or
        delta, or bring more held-out data. Choose the threshold on validation
        data; the guarantee does not survive a distribution shift.

        Example: a threshold chosen on validation, used on test.
          v = load("digits/mlp-validation"); pv = softmax(select(v, "logit_*"))
          s = select_threshold(confidence(pv), argmax(pv) == v.label, risk=0.05)
          t = load("digits/mlp-test"); pt = softmax(select(t, "logit_*"))
          a = confidence(pt) >= s.threshold; ok = argmax(pt) == t.label
          mean(a); 1 - mean(ok[a]); risk_coverage(margin(pt), ok)

        Builtins: confidence, margin, entropy, risk_coverage, select_threshold,
                  argmax
        Lesson:   fathom tour deferral
        """),
        Topic(name: "shift", summary: "covariate shift: two-sample tests, drift, bbsd, harm", text: """
        Covariate shift: has the data moved, and does it hurt?

        Under covariate shift the inputs change (p(x) moves) while the rule
        from inputs to labels stays: a new camera, a new season, new users. It
        is found by a two-sample test of a reference sample (source, training,
        last month) against a new one (target, deployment): could both come
        from one distribution? Each test gives a statistic, a p-value, reject
        at alpha=0.05, an effect size, a sentence (meaning) and a picture.

        One feature: ks (D, the largest gap between the two empirical CDFs;
        exact p-value up to 10 000 values a side), cvm (the squared gap over
        the whole CDF), ad (two or more samples, weighted towards the tails;
        p-values resolved only between 0.001 and 0.25), chisq (categories,
        with Cramér's V), psi (population stability index over bins=10
        quantile bins of a, Σ (f_b − f_a)·ln(f_b / f_a): a size without a
        p-value; below 0.1 stable, above 0.25 large). Many features at once:
        mmd (kernel maximum mean discrepancy) and energy (energy distance),
        with seeded permutation p-values (perms=1000, seed=), and c2st, a
        logistic classifier trained to tell the samples apart: held-out
        accuracy well above chance means they differ.

        drift(A, B) tests every column (test="ks", "cvm" or "psi"; text by
        chisq) and corrects for testing many: among 64 unchanged columns about
        three have p < 0.05 by chance. correction="bonferroni" flags p < α/d;
        "fdr" (Benjamini–Hochberg) has more power when many columns move. Its
        table is sorted by effect size. bbsd (black-box shift detection,
        Rabanser et al. 2019) runs KS on each of a model's K softmax outputs,
        Bonferroni over K: it sees the inputs as the model sees them.

        Significant is not the same as harmful: with enough data a harmless
        change is significant. harm(p_source, y_source, p_target, y_target)
        asks whether the model got worse: the change in accuracy, NLL and ECE
        with bootstrap intervals, each "exceeded", "within" or "inconclusive"
        against a tolerance (delta=0.02, an accuracy drop). A benign shift moves
        the data and not the errors; a harmful one moves both.

        Example: the digits test images moved one pixel to the right.
          a = load("digits/test"); b = load("digits/test-covariate")
          drift(a, b).meaning; ks(a.pixel_21, b.pixel_21)
          s = load("digits/mlp-test"); c = load("digits/mlp-test-covariate")
          ps = softmax(select(s, "logit_*")); pc = softmax(select(c, "logit_*"))
          bbsd(ps, pc).meaning; harm(ps, s.label, pc, c.label, seed=1)

        Builtins: ks, cvm, ad, chisq, psi, mmd, energy, c2st, drift, bbsd, harm,
                  ecdf
        Lesson:   fathom tour covariate-shift
        """),
        Topic(name: "label-shift", summary: "class priors that move: BBSE, EM (mlls), reweighting", text: """
        Label shift: the same classes, in new proportions

        Under label shift (prior shift) the class prior p(y) moves while each
        class looks the same: p(x|y) is fixed. A disease becomes more common; an
        island holds more of one penguin species. Then the target prior can be
        estimated from the model's outputs on unlabelled target data, and the
        model corrected without retraining.

        BBSE (black-box shift estimation, Lipton et al. 2018) inverts a
        confusion matrix. On labelled validation data C[i, j] = P(predicted i,
        true j); on the target μ[i] = P(predicted i). Under label shift
        μ = C·w, with w[j] = q[j]/π_s[j] how much more common class j has
        become; so w = C⁻¹μ (negative entries set to 0) and the target prior is
        q = w ⊙ π_s, π_s the validation label frequencies. It works for any
        classifier, calibrated or not, if C is well conditioned: the condition
        number is reported, with a warning above 100. soft=true uses
        probabilities for C and μ.

        MLLS (Saerens et al. 2002) finds the maximum-likelihood prior by EM:
        reweight each target posterior by π_t/π_s, renormalise, set π_t to
        their mean, and repeat until it changes by less than 1e-10. It needs
        calibrated probabilities: calibrate="bcts" first fits bias-corrected
        temperature scaling, softmax(z/T + b), on the validation logits
        (Alexandari et al. 2020). Both give bootstrap intervals on the prior
        with ci=0.95 (boot=500, seed=).

        reweight(p, est) multiplies each row by the weights q/π_s and
        renormalises: the posteriors the model would give under the target
        prior. The weights also feed the metrics' weights=, and harm() without
        target labels estimates the target accuracy from them. If the classes
        themselves look different on the target, this is not label shift and
        the estimates mean little: test for covariate shift too (:help shift).

        Example: a digits test set resampled to the prior 0.7^k / Σ_j 0.7^j.
          v = load("digits/mlp-validation"); l = load("digits/mlp-test-label")
          zv = select(v, "logit_*"); zl = select(l, "logit_*"); pl = softmax(zl)
          b = bbse(softmax(zv), v.label, pl); b.condition_number; b
          m = mlls(zv, v.label, zl, calibrate="bcts"); round(m.target_prior, digits=3)
          accuracy(pl, l.label); accuracy(reweight(pl, m), l.label)

        Builtins: bbse, mlls, reweight, harm, chisq, accuracy
        Lesson:   fathom tour label-shift
        """),
        Topic(name: "rare-failures", summary: "deployment-scale risk: Gumbel-tail forecasts and backtests", text: """
        Rare failures: how bad is the worst of a million queries?

        An evaluation set of m queries (a thousand, say) rarely shows the
        failures that matter among n deployment queries (millions). Give each
        evaluation query its failure probability p_i, the chance that the
        model fails on it. Sample answers and count: elicitation(successes,
        trials) gives the Jeffreys estimate (s + ½)/(t + 1), or s/t with
        estimator="mle". Then extrapolate the tail of the p_i (Jones et al.
        2025).

        The Gumbel-tail method maps each p to ψ = −log(−log p) (scores). On
        that scale a Gumbel tail has straight-line log-survival, so gumbel_tail
        fits the k = 10 largest scores ψ_(1) ≥ … ≥ ψ_(k) by least squares:
        log(j/m) = a·ψ_(j) + b. forecast(p, n=) extends the line to log(1/n):
        Q_ψ(n) = −(log n + b)/a, and the worst-query risk, the largest p to
        expect among n queries, is exp(−exp(−Q_ψ(n))). forecast_frequency(p,
        tau=) reads off the share of queries with p > τ (τ must lie in the
        fitted tail); forecast_aggregate(p, n=) is the chance that at least one
        of n independent queries fails, 1 − (1 − E[p])^n, with E[p] from the
        evaluation body and the fitted tail.

        A forecast must be tested. backtest(pool, m=, n=, reps=100, seed=)
        draws disjoint evaluation and deployment sets from a large pool,
        forecasts, and compares with the realised maximum, in orders of
        magnitude: e = log10 forecast − log10 truth. Jones et al. report 86%
        of forecasts within one order for 900 → 90 000 queries. Schwarzer &
        Niekum (2026) explain the bias: the gumbel forecast over-predicts on
        light tails and under-predicts when deployment holds a rare
        high-failure mode that the evaluation set missed. decompose() splits
        the mean error into plotting-position bias (against the unbiased
        positions of method="gumbel-unbiased") and tail misspecification, with
        the estimation noise beside them. method="lognormal" fits a normal to
        all m scores instead of a line to the top k.

        Example: a clean pool, then one with a rare failure mode.
          pool = load("elicitation/clean"); e = pool[0:1000]
          f = forecast(e, n=1e6); f; forecast_frequency(e, tau=0.3)
          backtest(pool, m=1000, n=100000, reps=100, seed=1)
          r = load("elicitation/rare-mode"); decompose(r, m=1000, n=100000, seed=1)

        Builtins: scores, gumbel_tail, forecast, forecast_frequency,
                  forecast_aggregate, elicitation, backtest, decompose
        Lesson:   fathom tour rare-failures
        """),
        Topic(name: "training", summary: "fine-tuning so that failures are forecastable", text: """
        Training for predictable failures: the forecastability loss

        A forecast from m evaluation queries under-predicts when deployment
        holds a rare high-failure mode the evaluation set missed. Schwarzer &
        Niekum (2026) fine-tune the model against that: cross-entropy plus λ
        times the forecastability loss, the mean over R random disjoint
        (evaluation m, deployment n) partitions of a pool of
        (forecast − realised worst query)², differentiated through the top-k
        scores, the tail fit and the forecast. Fathom's formulation: for a
        classifier p_fail(x) = 1 − p(y | x) (failure_probs), computed once a
        step for every partition; the realised maximum takes a subgradient;
        a partition whose tail does not fall is left out.

        The axis matters. scale="log10" (the paper's) compares log10 p; when
        the worst p are near 1 it flattens every error, and scale="score"
        compares the scores ψ = −log(−log p) instead. λ has no default: the
        loss can be 100 times the cross-entropy, or a millionth of it. Judge
        every λ on a held-out pool that shares no source with the tuning pool,
        against plain fine-tuning (λ = 0) on the same data: fine-tuning alone
        can move the forecast as much as the loss does.

        Example: a held-out backtest before and after (a short run).
          d = load("digits-rare/train"); pool = load("digits-rare/pool")
          m = fit_logistic(select(d, "pixel_*"), d.label, l2=0.01, standardize=true)
          t = filter(pool, pool.origin == "validation")
          h = filter(pool, pool.origin == "test"); Xh = select(h, "pixel_*")
          t2 = finetune(m, select(t, "pixel_*"), t.label, steps=20,
                        forecastability=0.03, scale="score", m=1000, n=8000)
          forecastability_loss(m, Xh, h.label, m=1000, n=8000, scale="score")
          forecastability_loss(t2, Xh, h.label, m=1000, n=8000, scale="score")

        Builtins: failure_probs, forecastability_loss, finetune, fit_logistic,
                  fit_mlp
        Lesson:   fathom tour training
        """),
        Topic(name: "extremes", summary: "block maxima, GEV and GPD fits, return levels", text: """
        Extremes: the largest values, and the level reached once a century

        Extreme-value theory models the largest of many values. Take the
        maximum of each block (a year of sea levels; block_maxima(x, size)):
        if block maxima, suitably normalised, settle to a limit at all, it is
        the generalised extreme-value (GEV) distribution
          G(x) = exp{−[1 + ξ(x − μ)/σ]^(−1/ξ)}
        with location μ, scale σ and shape ξ (Coles 2001): ξ > 0 a heavy upper
        tail (Fréchet type), ξ = 0 the Gumbel exp{−exp[−(x − μ)/σ]}, ξ < 0 a
        bounded tail (Weibull type). gev_fit fits by maximum likelihood, with
        standard errors, and tests against the Gumbel (gumbel_fit): a large
        p-value says the simpler Gumbel fits as well. scipy's genextreme has
        c = −ξ.

        Blocks waste data. Peaks over threshold fit every excess y = x − u over
        a high threshold u with the generalised Pareto distribution
        H(y) = 1 − (1 + ξy/σ)^(−1/ξ): gpd_fit(x, threshold=u), which also keeps
        the share ζ_u of values above u. Choose u with mean_excess(x): where a
        GPD tail holds, the mean excess is linear in u with slope ξ/(1 − ξ).
        Too low a threshold biases the fit; too high leaves too few excesses.

        The T-block return level z_T is exceeded once every T blocks on
        average: for the GEV z_T = μ − (σ/ξ)[1 − y_T^(−ξ)], y_T = −log(1 − 1/T);
        for a GPD fit T counts observations. return_level(fit, T) gives it with
        a delta-method interval (ci="delta", level=0.95), or ci="profile" for
        the profile-likelihood interval (GEV and Gumbel), asymmetric and more
        honest for long periods, which reach beyond the data.

        Example: Port Pirie annual maximum sea levels, 1923–1987, in metres.
          x = load("port-pirie/annual-maxima").sea_level_m
          g = gev_fit(x); g; return_level(g, [10, 100], ci="profile")
          return_level(gumbel_fit(x), 100)
          z = randn(20000, seed=1); plot(mean_excess(z)); gpd_fit(z, threshold=2)

        Builtins: block_maxima, gev_fit, gumbel_fit, gpd_fit, mean_excess,
                  return_level
        Lesson:   fathom tour extremes
        """),
        Topic(name: "data", summary: "loading and saving data, tables, matrices and models", text: """
        Data: files, tables, matrices and models

        load(path) reads by extension: CSV and TSV (quoted fields, a header
        row, column kinds inferred; empty, NA, NaN and null are missing;
        sep=, header=true, types=), NumPy .npy and .npz (how PyTorch and JAX
        users save logits), and JSON (records or columns become a table, a
        Fathom model file a model). save(value, path) writes CSV or TSV, .npy
        or JSON, whole or not at all. The bundled datasets load by short name
        from any folder, load("digits/test"): datasets() lists them, each with
        a card in Datasets/NAME/CARD.md. FATHOM_DATASETS points at the folder
        when the binary lives elsewhere.

        A table is named columns: t.col or t["col name"] is a column, t[mask]
        and t[0:10] are rows. head, tail, describe, columns, nrow, ncol and
        shape show it; filter, sort_by, split (seeded), concat, table (counts),
        aggregate (per group), as_table and drop_missing reshape it.
        select(t, "logit_*") gathers numeric columns into an N×k matrix: that
        is how logits and features leave a table. A matrix holds one example
        per row: softmax, log_softmax, sigmoid, argmax (the predicted class),
        onehot, rowsums, colmeans, transpose, matmul. Indexing is 0-based, like
        class labels.

        fit_logistic(X, y, l2=0.0001, standardize=false) is softmax regression
        (scikit-learn's LogisticRegression with C = 1/(λ·N)); fit_mlp(X, y,
        hidden=[64], epochs=100, seed=0) a small dense network trained by Adam.
        predict(model, X) gives class probabilities; logits(model, X) the
        scores before softmax, which recalibration needs. save(m, "m.json")
        and load("m.json") use Fathom's JSON model format
        (docs/model-format.md); Scripts/export-sklearn-model converts a
        fitted scikit-learn model.

        Example: penguins by species, and a model of the digits.
          p = drop_missing(load("penguins/penguins")); aggregate(p, "species", mean)
          d = load("digits/train"); X = select(d, "pixel_*")
          m = fit_logistic(X, d.label, l2=0.01, standardize=true); m
          t = load("digits/test"); accuracy(predict(m, select(t, "pixel_*")), t.label)
          save(m, "/tmp/digits-softmax.json")

        Builtins: load, save, datasets, head, tail, describe, columns, nrow,
                  ncol, shape, select, filter, sort_by, split, concat, table,
                  aggregate, as_table, drop_missing, softmax, argmax, onehot,
                  fit_logistic, fit_mlp, predict, logits
        Lesson:   fathom tour
        """),
        Topic(name: "plots", summary: "plots on screen and in files, drawn by gnuplot", text: """
        Plots: pictures of data and results, on screen or in files

        A plot is a value: its data and layout, drawn when it is shown or
        saved. line(x, y, ...), scatter(x, y, ...), hist(a, b, ..., bins=30,
        density=false) and ecdf(a, b, ...) make generic plots, several series
        overlaid with a legend (labels=). Analysis results that have a picture
        plot themselves: reliability (the reliability diagram), risk_coverage,
        the two-sample tests (ks overlays the ECDFs with the gap marked),
        drift, bbse and mlls, forecast (the tail it rests on), backtest,
        gev_fit (diagnostics), mean_excess and calibrators. plot([r1, r2])
        draws results of one kind together. A vector plots against its
        positions, a matrix as a line per column, a table as a line per
        numeric column.

        plot(value, to="file.png") writes a file, whole or not at all; its
        extension picks the format: .png, .svg, .pdf, or .txt (text, as a
        terminal shows it). save(p, "p.svg") does the same. title=, xlabel=,
        ylabel=, logx=, logy= and size= ([800, 500] pixels) set the layout.
        Without to=, the interactive shell draws the plot in the terminal:
        as sixel graphics where the terminal shows them, otherwise as text
        sized to the window. :set plots auto|text|sixel|off (or --plots)
        chooses; a script prints one line describing the plot instead.

        gnuplot draws everything, one process per session. Without it,
        plotting says how to install it (apt-get install gnuplot-nox) and the
        rest of Fathom works. Titles, labels and column names reach gnuplot
        quoted, so no string from data can make it run a command.

        Example: two samples, and the digits MLP's reliability diagram.
          x = randn(2000, seed=1); y = randn(2000, seed=2) * 1.5 + 1
          h = hist(x, y, labels=["source", "target"]); plot(h, to="/tmp/h.png")
          plot(ecdf(x, y), to="/tmp/ecdf.txt", title="two samples")
          t = load("digits/mlp-test"); p = softmax(select(t, "logit_*"))
          plot(reliability(p, t.label, bins=10), to="/tmp/reliability.svg")

        Builtins: plot, line, scatter, hist, ecdf, reliability, save
        Lesson:   fathom tour
        """),
        Topic(name: "reports", summary: "transcripts, reports, replay checks and the tour", text: """
        Reports: from a session to a document

        A session can become a script, a checked transcript or a report. In
        the shell, :save FILE writes the session's successful statements, each
        followed by its output in lines that start with "#>". Lines that start
        with "#'" are prose in Markdown: put them between statements to say
        what is being asked and what the numbers mean. :load FILE runs a
        script in the session.

        :report FILE.md or :report FILE.html turns the session into a
        document: the prose as written, each cell's code and output, its
        plots, and failed checks and errors where they stand out. From the
        command line, fathom run FILE --report out.md runs a script and writes
        the report as Markdown, with its plots saved beside it as
        out_files/cell-N.png; --report out.html writes one self-contained HTML
        page with the plots inline as SVG.

        fathom replay FILE shows a transcript like a notebook; --check reruns
        it and exits with status 3 and a diff when a recorded output changed;
        --update records the new outputs. Random builtins are seeded, so a
        script prints the same output on every run and machine: check() and
        replay --check make an analysis a test that CI can run (fathom run
        also exits 3 when a check failed). fathom tour runs the guided
        lessons; fathom tour NAME one of them: failures, calibration,
        deferral, covariate-shift, label-shift, rare-failures, extremes.

        Example: a script to run with fathom run audit.fathom --report a.md
          #' Is the digits MLP calibrated after temperature scaling?
          v = load("digits/mlp-validation"); t = load("digits/mlp-test")
          cal = temperature(select(v, "logit_*"), v.label)
          p = calibrate(cal, select(t, "logit_*"))
          check("ECE below 0.03", ece(p, t.label) < 0.03)

        Builtins: check, plot, print, save, load
        Lesson:   fathom tour
        """),
    ]
}
