"""fig_budget (C16): the quick mode runs end to end; its verdict is re-derived from the numbers it stores."""

from __future__ import annotations

import math

import numpy as np
from analysis import fig_budget

import zosoftmax as zs


def test_fig_budget_quick(run_quick):
    data = run_quick(fig_budget)
    assert data["claim"] == "C16"
    ok = True
    for name in fig_budget.INSTANCES:
        for entry in data[name].values():
            pred, meas = entry["prediction"], entry["measured"]
            assert list(entry).index("prediction") < list(entry).index("measured")  # stated before its result
            z = meas["z_threshold"]
            for row, m in zip(pred["rows"], meas["rows"], strict=True):
                assert math.isclose(m["z"], (m["mean"] - row["gap"]) / m["se"], rel_tol=1e-12)
                assert 0 < row["lr"] < row["max_stable_lr"]
            assert pred["best_k"] == min(pred["rows"], key=lambda r: r["gap"])["k"]
            ok &= all(abs(m["z"]) <= z for m in meas["rows"]) and meas["planned_minus_best_z"] <= z
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
    assert data["confirmed"] is bool(ok)
    assert np.all(np.diff([pt["fraction_of_eta_ms"] for pt in pts]) > 0)
