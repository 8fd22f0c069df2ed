r"""C16: the two stability thresholds, mean-square (:func:`zosoftmax.max_stable_lr`) and almost-sure.

The mean gap converges below :math:`\eta^*`; a typical run converges below :math:`\eta_{\rm a.s.} \ge \eta^*`, where
the top Lyapunov exponent of the random products :math:`I - \eta P_tH` crosses zero. Tests: the ordering (Jensen),
the estimate's interval, and measured fractions of converging runs on both sides of :math:`\eta_{\rm a.s.}` and
between the two thresholds (where every run converges though the mean gap is predicted to grow).
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

import zosoftmax as zs
from tests.strategies import spread_quadratic

RUNS, STEPS = 400, 600
# At ±15% of η_a.s. the exponent is ±0.02-0.05 per step with per-step log fluctuations of order 1, so after 600 steps
# a run's log gap moves by 2γT ≈ ±25-60 against a spread of a few √T ≈ 25: the fractions are near 0 and 1. The test
# asks for >= 90% on the right side (a binomial 400-sample resolves a fraction to ±0.05 at 3 SE).
SIDE = 0.90


def converged_fraction(q: zs.Quadratic, x0, lr: float, k: int, law: str, rng: int) -> float:
    """Fraction of RUNS independent runs whose gap after STEPS steps is below the initial gap."""
    gen = np.random.default_rng(rng)
    X = np.tile(x0, (RUNS, 1))
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(STEPS):
            Z = zs.sample_directions(RUNS * k, q.d, law, gen).reshape(RUNS, k, q.d)
            s = np.einsum("rkd,de,re->rk", Z, q.H, X - q.x_star)  # zᵀHe: the exact central quotient
            X = X - lr / k * np.einsum("rk,rkd->rd", s, Z)
        gaps = q(X)
    return float(np.mean(np.isfinite(gaps) & (gaps < q(x0))))


@pytest.mark.parametrize(("law", "k"), [("gaussian", 1), ("rademacher", 1), ("sphere", 4)])
def test_almost_sure_threshold_separates_converging_from_diverging_runs(law, k):
    q, x0 = spread_quadratic()
    ms = zs.max_stable_lr(q, k, law)
    lr, low, high = zs.almost_sure_lr(q, k, law)
    assert ms < low <= lr <= high  # Jensen: 2γ <= log ρ < 0 below η*, so η_a.s. > η*
    assert high - low < 0.1 * lr  # the interval is informative
    assert zs.max_stable_lr(q, k, law, sense="almost-sure") == lr
    below = converged_fraction(q, x0, 0.85 * low, k, law, rng=1)
    above = converged_fraction(q, x0, 1.15 * high, k, law, rng=2)
    between = converged_fraction(q, x0, 0.5 * (ms + low), k, law, rng=3)
    assert below >= SIDE, f"at 0.85 low only {below:.3f} of runs converged"
    assert above <= 1 - SIDE, f"at 1.15 high {above:.3f} of runs converged"
    assert between >= SIDE, f"between the thresholds only {between:.3f} converged"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", zs.UnstableStepWarning)
        mean_curve = zs.expected_gap_curve(q, x0, steps=STEPS, lr=0.5 * (ms + low), k=k, distribution=law)
    assert mean_curve[-1] > mean_curve[0]  # ... while the mean gap is predicted (exactly) to grow


def test_lyapunov_exponent_sign_and_determinism():
    q, _ = spread_quadratic()
    ms = zs.max_stable_lr(q, 1, "gaussian")
    g_ms, se = zs.lyapunov_exponent(q, 0.99 * ms, rng=4)
    assert g_ms + 3 * se < 0  # below η*, γ <= ½ log ρ < 0
    assert zs.lyapunov_exponent(q, 0.99 * ms, rng=4) == (g_ms, se)
    with pytest.raises(ValueError, match="sense"):
        zs.max_stable_lr(q, 1, "gaussian", sense="typical")
    with pytest.raises(ValueError, match="runs"):
        zs.lyapunov_exponent(q, 0.1, runs=0)
    flat = zs.Quadratic(np.zeros((2, 2)), np.zeros(2))
    assert zs.almost_sure_lr(flat) == (math.inf, math.inf, math.inf)


def test_a_chain_mapped_exactly_to_zero_has_exponent_minus_infinity():
    """1-D, Rademacher, η = 1/h: every step multiplies the iterate by 1 - ηh z² = 0 exactly, so γ = -inf.

    (Found by a mutation kill test: the standard error used to compute inf - inf and raise or give nan.)
    """
    q = zs.Quadratic(np.array([[2.0]]), np.zeros(1))
    with np.errstate(all="raise"):
        assert zs.lyapunov_exponent(q, 0.5, distribution="rademacher", runs=4, steps=20) == (-math.inf, 0.0)
    gamma, se = zs.lyapunov_exponent(q, 0.25, distribution="rademacher", runs=4, steps=20)  # 1 - ηh = 1/2 exactly
    assert gamma == math.log(0.5)
    assert se == 0.0


def test_almost_sure_lr_needs_two_chains():
    """One chain: the standard error is inf and the doubling search would return its floor (about 4e17 for h = 2)."""
    q = zs.Quadratic(np.array([[2.0]]), np.zeros(1))
    with pytest.raises(ValueError, match="runs"):
        zs.almost_sure_lr(q, runs=1)


def test_the_exact_curve_starts_from_a_subnormal_gap():
    """x0 = 1e-160 on h = 1: the gap 5e-321 is subnormal (about 3 digits); the curve is gap0 ρ^t.

    ρ = 1 - 2ηh + 3η²h², the exact Gaussian k = 1 factor (2.0 ** 1063 in the rescaling used to overflow here).
    """
    q = zs.Quadratic(np.eye(1), np.zeros(1))
    lr, steps = 0.1, 30
    curve = zs.expected_gap_curve(q, [1e-160], steps=steps, lr=lr)
    rho = 1 - 2 * lr + 3 * lr ** 2
    # the start is rounded to the subnormal grid (2^-1074 ~ 4.9e-324 apart): relative 1e-3 at 5e-321
    np.testing.assert_allclose(curve, 0.5e-320 * rho ** np.arange(steps + 1), rtol=2e-3)
