"""fig_attention (C14, C15, C13 on real heads): the quick mode runs end to end; its verdicts are re-derived here.

The far runs go through the reduced coordinates in CPU-independent arithmetic (docs/reproducibility.md): their
start is the full start's projection, so the measured gap at t = 0 is the full problem's loss there, to the
10-digit rounding of the start, and all runs from one start have one gap at t = 0 (its standard error is the
rounding of a sum of equal numbers).
"""

from __future__ import annotations

import math
from statistics import NormalDist

import numpy as np
from analysis import fig_attention

# The start is rounded to 10 significant digits (zosoftmax.reproducible.rounded): each entry moves by <= 5e-11 of
# itself, so the loss moves by <= 5e-11 sum_i |g_i x_i|; the head's weights are large against the gap near x*, and
# this is 2.8e-9 of the gap at rho = 0.1 (measured): 1e-7 leaves a factor 30, and a wrong start is off by O(1)
START_ROUNDING_REL = 1e-7
# The standard error at t = 0 of equal numbers: the mean along the runs' axis adds them one by one (each addition
# within half an ulp), so |mean - x| <= runs * eps |x| and the standard error is below that
EQUAL_SE_ULPS = 4.0


def test_fig_attention_quick(run_quick):
    data = run_quick(fig_attention)
    d = data["d"]
    r = [h["r_H0"] for h in data["ranks"]]
    assert len(r) == 72
    assert data["r_H0_range"] == [min(r), max(r)]
    assert data["premise_holds"] is (max(r) <= fig_attention.RANK_PREMISE * d)
    far = data["far"]
    times = far["times"]
    z = NormalDist().inv_cdf(1 - fig_attention.FAMILY_ALPHA / (2 * len(times)))
    assert math.isclose(far["z_threshold"], z, rel_tol=1e-12)
    for f in far["points"]:
        runs = data["profile_sizes"]["far_runs"]
        assert f["se"][0] <= EQUAL_SE_ULPS * runs * np.finfo(float).eps * f["mean"][0]  # one start, equal gaps
        assert math.isclose(f["mean"][0], f["gap0"], rel_tol=START_ROUNDING_REL)
        mean, se, pred = (np.asarray(f[k]) for k in ("mean", "se", "predicted"))
        zs_ = (mean[times] - pred[times]) / se[times]
        np.testing.assert_allclose(f["z_scores"], zs_, rtol=1e-12)
        # (c): within FAR_TOLERANCE of the mean up to z SE at every compared time, z two-sided Bonferroni over them
        m, s, p = mean[times], se[times], pred[times]
        rel = np.abs(p - m) / m
        holds = bool(np.all(np.abs(p - m) <= fig_attention.FAR_TOLERANCE * m + z * s))
        resolved = bool(np.all(z * s <= fig_attention.FAR_TOLERANCE * m))
        assert math.isclose(f["largest_relative_error"], float(np.max(rel)), rel_tol=1e-12)
        assert f["within"] is (holds and resolved)
    first_out = min((f["radius"] for f in far["points"] if not f["within"]), default=None)
    assert far["first_radius_outside"] == first_out
    assert data["confirmed"] is (data["premise_holds"] and data["overhead_holds"] and far["points"][0]["within"])
