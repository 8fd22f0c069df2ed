"""fig_prediction (C13): the quick mode runs end to end; its verdict is re-derived from the raw numbers and the library.

The prediction, the C11 bound and the constants are recomputed here from :mod:`zosoftmax` (not read from the
script), the z-scores from the stored means and standard errors, and the sweep's verdict from its ratios: a wrong
prediction, a wrong bound line or a verdict that ignores its own numbers turns this red.
"""

from __future__ import annotations

import math

import numpy as np
from analysis import _common, fig_prediction
from scipy import stats

import zosoftmax as zs


def test_fig_prediction_quick(run_quick):
    data = run_quick(fig_prediction)
    assert data["claim"] == "C13"
    assert data["confirmed"] is True
    names = list(fig_prediction.INSTANCES)
    assert data["instances"] == names
    compared = {}
    for name in names:  # the points above the measurement floor, re-derived
        c = data[name]
        floor = max(fig_prediction.FLOOR_RELATIVE * c["gap0"],
                    fig_prediction.FLOOR_ROUNDINGS * np.finfo(float).eps / 2 * abs(c["loss_star"]))
        at = {step: j for j, step in enumerate(c["t"])}  # stored steps
        assert c["t"][0] == 0
        assert c["t"][-1] == c["steps"]
        assert set(data["times"]) <= set(at)
        compared[name] = [t for t in data["times"] if c["predicted"][at[t]] >= floor]
        assert c["compared_times"] == compared[name]
        assert len(compared[name]) >= 3
    runs = fig_prediction.SIZES["quick"]["runs"]
    z = stats.t.isf(fig_prediction.FAMILY_ALPHA / (2 * sum(map(len, compared.values()))), runs - 1)  # Student
    assert math.isclose(data["z_threshold"], z, rel_tol=1e-12)
    for name in names:
        times = compared[name]
        c = data[name]
        p = fig_prediction._instance(name)
        lr = zs.step_size(p, fig_prediction.K, fig_prediction.DISTRIBUTION)
        assert math.isclose(c["lr"], lr, rel_tol=1e-12)
        x0 = np.zeros(p.d)
        if name != "digits":  # the problem's own route (newton inside); digits' n = 1797 Hessian is the slow one
            predicted = zs.expected_gap_curve(p, x0, steps=c["steps"], lr=lr, k=fig_prediction.K,
                                              distribution=fig_prediction.DISTRIBUTION)
            np.testing.assert_allclose(c["predicted"], predicted[c["t"]], rtol=1e-8)  # two Newton solves, to rounding
        rate = zs.rate_bound(p, fig_prediction.K, fig_prediction.DISTRIBUTION)
        np.testing.assert_allclose(c["bound"], c["gap0"] * rate ** np.asarray(c["t"]), rtol=1e-12)
        assert math.isclose(c["ell"], zs.smoothness_bound(p), rel_tol=1e-12)
        assert math.isclose(c["mu"], zs.pl_constant(p), rel_tol=1e-9, abs_tol=1e-12)
        mean, se, pred = (np.asarray(c[key])[[c["t"].index(t) for t in times]] for key in ("mean", "se", "predicted"))
        assert c["runs"] == runs
        scores = _hall(mean, se, np.asarray(c["skewness"]), runs, pred)
        np.testing.assert_allclose(c["z_scores"], scores, rtol=1e-12)
        assert np.all(se > 0)
        assert np.all(np.abs(scores) <= z)  # the verdict, from the raw numbers
        assert c["bound_vacuous"] == (c["mu"] <= 0 or c["bound"][-1] >= fig_prediction.VACUOUS * c["gap0"])
        assert c["max_stable_over_step_size"] >= 2  # the docstring's bound for Gaussian k = 1
        for r in c["sweep"]:
            if r["fraction"] < 1:
                assert r["measured_ratio"] < 1
                assert r["predicted_ratio"] < 1
            if r["fraction"] >= fig_prediction.SWEEP_GROWS_ABOVE:
                assert r["measured_ratio"] > 1
                assert r["predicted_ratio"] > 1
    rows = {row["instance"]: row for row in data["table"]}
    assert set(rows) == set(names)
    assert rows["digits"]["rank"] == 61  # blank pixels: rank-deficient A
    assert rows["digits"]["d"] == 64
    assert rows["digits"]["bound_vacuous"]  # at every profile's horizon
    assert rows["breast_cancer"]["bound_vacuous"]
    # where the local model stops being exact: z-scores, verdicts and the t = 0 model error re-derived
    far = data["far"]
    far_runs = fig_prediction.SIZES["quick"]["far_runs"]
    z_far = stats.t.isf(fig_prediction.FAMILY_ALPHA / (2 * len(far["times"])), far_runs - 1)
    assert math.isclose(far["z_threshold"], z_far, rel_tol=1e-12)
    p = fig_prediction._instance(far["instance"])
    sol = zs.newton(p)
    model = zs.Quadratic(p.hessian(sol.x), sol.x)
    v = np.random.default_rng(fig_prediction.FAR_SEED).standard_normal(p.d)
    v /= np.max(np.abs(p.A @ v))
    for f in far["points"]:
        mean, se, pred = (np.asarray(f[key]) for key in ("mean", "se", "predicted"))
        scores = _hall(mean[far["times"]], se[far["times"]], np.asarray(f["skewness"]), f["runs"], pred[far["times"]])
        np.testing.assert_allclose(f["z_scores"], scores, rtol=1e-12)
        assert f["within"] == bool(np.all(np.abs(scores) <= z_far))
        x0 = sol.x + f["radius"] * v
        np.testing.assert_allclose(pred, zs.expected_gap_curve(model, x0, steps=pred.size - 1, lr=f["lr"]),
                                   rtol=1e-8)
        assert math.isclose(f["model_gap0_relative_error"], abs(pred[0] / (p.loss(x0) - sol.losses[-1]) - 1),
                            rel_tol=1e-6, abs_tol=1e-12)
    outside = [f["radius"] for f in far["points"] if not f["within"]]
    assert far["first_radius_outside"] == min(outside, default=None)
    assert outside, "far enough from x*, the local model must fail on the weakly regularized instance"


def _hall(mean, se, skewness, n, expected):
    """Hall (1992) in his own variables: sqrt(n) (W + g W^2/3 + g^2 W^3/27 + g/(6n)), W = (mean - expected) / sd."""
    w = (mean - expected) / (se * math.sqrt(n))
    return math.sqrt(n) * (w + skewness * w ** 2 / 3 + skewness ** 2 * w ** 3 / 27 + skewness / (6 * n))


def test_pooled_chunks_are_the_mean_and_se_of_all_runs():
    """The curve's runs come in chunks.

    Pooling their means, M2 and M3 gives the mean, the SE and the skewness of all runs to rounding (a pooling that drops
    the between-chunk terms would be off by the chunks' spread, O(1) here).
    """
    rng = np.random.default_rng(0)
    gaps = [rng.exponential(size=(n, 5)) + shift for n, shift in ((3, 0.0), (5, 2.0), (4, -1.0))]
    chunks = [{"runs": g.shape[0], "mean": g.mean(axis=0).tolist(),
               "m2": ((g - g.mean(axis=0)) ** 2).sum(axis=0).tolist(),
               "m3": ((g - g.mean(axis=0)) ** 3).sum(axis=0).tolist()} for g in gaps]
    mean, se, runs = _common.pooled(chunks)
    allg = np.concatenate(gaps)
    assert runs == 12
    np.testing.assert_allclose(mean, allg.mean(axis=0), rtol=1e-14, atol=1e-14)
    np.testing.assert_allclose(se, allg.std(axis=0, ddof=1) / np.sqrt(12), rtol=1e-13)
    np.testing.assert_allclose(_common.pooled_skewness(chunks), stats.skew(allg, axis=0), rtol=1e-12, atol=1e-14)
    for j in range(allg.shape[1]):  # one sample: the same statistic
        assert np.isclose(_common.skewness(allg[:, j]), stats.skew(allg[:, j]), rtol=1e-12, atol=1e-14)
    assert _common.skewness(np.full(5, 3.0)) == 0.0  # no spread: no correction
