"""fig_budget (C16): the quick mode runs end to end; its verdict is re-derived from the numbers it stores.

The real head's parts can fail: a closure curve off by twice the tolerance, and a closure with the estimator's
variance left out (a planted bug in the recursion), are rejected where the runs resolve the tolerance; a planned
``k`` that the runs measure as clearly worse than the best is rejected.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from analysis import fig_budget
from scipy import stats

import zosoftmax as zs
from zosoftmax import prediction


def test_fig_budget_quick(run_quick):
    data = run_quick(fig_budget)
    assert data["claim"] == "C16"
    ok = True
    for name in fig_budget.INSTANCES:
        for entry in data[name].values():
            pred, meas = entry["prediction"], entry["measured"]
            assert list(entry).index("prediction") < list(entry).index("measured")  # stated before its result
            assert pred["curve_predicted"] is (name != "head")
            z = meas["z_threshold"]
            runs = fig_budget.SIZES["quick"]["runs"]
            assert math.isclose(z, stats.t.isf(fig_budget.FAMILY_ALPHA / (2 * (len(pred["rows"]) + 1)), runs - 1),
                                rel_tol=1e-12)  # Student, two-sided, Bonferroni over the k and the best-k comparison
            for row, m in zip(pred["rows"], meas["rows"], strict=True):
                t, g = (m["mean"] - row["gap"]) / m["se"], m["skewness"]  # Hall (1992)
                root = math.sqrt(runs)
                hall = t + g * t ** 2 / (3 * root) + g ** 2 * t ** 3 / (27 * runs) + g / (6 * root)
                assert math.isclose(m["z"], hall, rel_tol=1e-12, abs_tol=1e-12)
                assert 0 < row["lr"] < row["max_stable_lr"]
            assert pred["best_k"] == min(pred["rows"], key=lambda r: r["gap"])["k"]
            assert meas["best_k"] == min(meas["rows"], key=lambda m: m["mean"])["k"]
            ok &= (all(abs(m["z"]) <= z for m in meas["rows"]) or not pred["curve_predicted"]) and \
                meas["planned_minus_best_z"] <= z
    th = data["thresholds"]
    p = zs.load_instance(th["instance"])
    x_star = zs.newton(p).x
    assert math.isclose(th["prediction"]["max_stable_lr"], zs.max_stable_lr(p, 1, x_star=x_star), rel_tol=1e-9)
    low, high = th["prediction"]["almost_sure_low"], th["prediction"]["almost_sure_high"]
    assert th["prediction"]["max_stable_lr"] < low <= th["prediction"]["almost_sure_lr"] <= high
    pts = th["measured"]["points"]
    below = [pt["diverged_fraction"] for pt in pts if pt["lr"] < 0.85 * low]
    above = [pt["diverged_fraction"] for pt in pts if pt["lr"] > 1.15 * high]
    ok &= all(v <= fig_budget.SIDE for v in below) and all(v >= 1 - fig_budget.SIDE for v in above)
    for label, case in data["closure"]["cases"].items():
        assert list(case).index("prediction") < list(case).index("measured")
        assert case["prediction"]["holds_predicted"] is (label in fig_budget.CLOSURE_HOLDS)
        if label in fig_budget.CLOSURE_HOLDS:
            ok &= case["measured"]["closure_within_z"]
        mean = np.asarray(case["measured"]["mean"])
        closure = case["prediction"]["closure"]
        assert math.isclose(closure[0], mean[0], rel_tol=1e-9)  # the closure starts at the true gap
    ok &= _check_head_closure(data["closure_head"])
    assert data["confirmed"] is bool(ok)
    assert np.all(np.diff([pt["fraction_of_eta_ms"] for pt in pts]) > 0)
    _planted_best_k(data["head"]["none"])
    _planted_closure(data["closure_head"])


def _check_head_closure(head) -> bool:
    """Re-derive the head's closure verdict from its stored curves; the prediction precedes the result."""
    ok = True
    predicted = sum(c["prediction"]["holds_predicted"] for c in head["cases"].values())
    for case in head["cases"].values():
        assert list(case).index("prediction") < list(case).index("measured")
        meas = case["measured"]
        radius = meas["radius"]
        assert case["prediction"]["holds_predicted"] is (radius is not None and radius <= fig_budget.HEAD_HOLDS_UP_TO)
        verdict = fig_budget.tolerance_verdict(case["prediction"]["closure"], meas["mean"], meas["se"],
                                               meas["loss_star"], tests=max(predicted, 1))
        assert verdict["holds"] is meas["holds"]
        assert verdict["resolved"] is meas["resolved"]
        assert math.isclose(case["prediction"]["closure"][0], meas["mean"][0], rel_tol=1e-9)  # the true gap at t = 0
        if radius is not None:
            assert math.isclose(meas["logit_distance"], radius, rel_tol=0.2)  # row-centred: at most the raw change
            assert meas["logit_distance"] <= radius * (1 + 1e-12)
        if case["prediction"]["holds_predicted"]:
            ok &= meas["holds"] and meas["resolved"]
    return ok


def _planted_best_k(entry) -> None:
    """A planned k that the runs measure as clearly worse is rejected (without noise, k = 16 is)."""
    meas = entry["measured"]
    z = meas["z_threshold"]
    rows = meas["rows"]
    assert fig_budget.best_k_verdict(rows, meas["best_k"], z)["resolved"]
    worst = max(rows, key=lambda m: m["mean"])
    planted = fig_budget.best_k_verdict(rows, worst["k"], z)
    assert not planted["resolved"], f"planned k = {worst['k']} passed at {planted['planned_minus_best_z']:.1f} SE"


def _planted_closure(head) -> None:
    """Errors the head's closure check must catch where the runs resolve the tolerance (near x*)."""
    label, case = next((la, c) for la, c in head["cases"].items() if c["measured"]["radius"] is not None)
    meas = case["measured"]
    assert meas["resolved"], "the quick profile's runs must resolve the tolerance at the nearest start"
    closure = np.asarray(case["prediction"]["closure"])
    loss_star = meas["loss_star"]
    assert fig_budget.tolerance_verdict(closure, meas["mean"], meas["se"], loss_star)["holds"]
    off = 1.0 + 2 * fig_budget.CLOSURE_TOLERANCE  # twice the tolerance: z SE <= tolerance leaves the other half
    assert not fig_budget.tolerance_verdict(closure * off, meas["mean"], meas["se"], loss_star)["holds"]
    # a planted bug in the recursion: the estimator's variance E[zzᵀMzzᵀ] left out of E[PMP]
    q, x0, x_star, _ = fig_budget._head_start(meas["student"], meas["teacher"], meas["radius"])
    steps = len(meas["mean"]) - 1
    again = zs.expected_gap_curve(q, x0, steps=steps, lr=meas["lr"], x_star=x_star, model="closure")
    np.testing.assert_allclose(again, closure, rtol=1e-12)  # the same arithmetic again: equal up to BLAS's kernels
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(prediction, "direction_fourth_moment", lambda M, distribution: np.zeros_like(M))
        planted = zs.expected_gap_curve(q, x0, steps=steps, lr=meas["lr"], x_star=x_star, model="closure")
    verdict = fig_budget.tolerance_verdict(planted, meas["mean"], meas["se"], loss_star)
    assert not verdict["holds"], f"{label}: the closure without the estimator's variance passed"
