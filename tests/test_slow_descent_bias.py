r"""Slow tier: C10 descent on softmax regression and C7 bias for Gaussian and sphere directions, by large Monte Carlo.

The fast tier enumerates Rademacher directions exactly and samples 4000 directions.

Bias: :math:`D = \hat g - zz^\top\nabla L` has mean :math:`E\hat g - \nabla L` (as :math:`E zz^\top = I`) and
:math:`\|D\| \le \frac{\varepsilon^2}6 M_3\|z\|^4` pointwise, so the norm of the mean's error is at most
:math:`z\,(E\|D\|^2)^{1/2}/\sqrt m \le z\frac{\varepsilon^2}6 M_3 (E\|z\|^8)^{1/2}/\sqrt m` with
:math:`E\|z\|^8 = d(d+2)(d+4)(d+6)` (Gaussian) or :math:`d^4` (sphere).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings, target
from hypothesis import strategies as st

import zosoftmax as zs
from tests import strategies as S
from tests.test_descent import check_softmax_descent_monte_carlo

pytestmark = pytest.mark.slow

Z_SCORE = 5.0  # P(|N(0,1)| > 5) = 5.7e-7 per check
M_SLOW_DESCENT = 200_000
M_SLOW_BIAS = 200_000


@settings(max_examples=40)
@given(S.instance_and_point(regularized=False, d=(1, 8)), st.sampled_from(["gaussian", "sphere"]),
       st.floats(-1.0, 0.5).map(lambda t: 10.0**t), S.seeds)
def test_descent_on_softmax_large_monte_carlo(case, distribution, eta_scale, seed):
    """C10 on softmax regression, 2e5 directions per example (``check_softmax_descent_monte_carlo``)."""
    p, x = case
    target(float(check_softmax_descent_monte_carlo(p, x, distribution, eta_scale, seed, M_SLOW_DESCENT)),
           label="softmax MC descent ratio")


def bias_statistic(p: zs.SoftmaxRegression, x: np.ndarray, distribution: str, eps: float, seed: int | list[int],
                   m: int = M_SLOW_BIAS) -> dict[str, float]:
    r"""C7's Monte-Carlo check at one point: :math:`\|\overline{D}\|` over ``m`` directions, the bound, the tolerance.

    ``bias`` is the norm of the mean of :math:`D_j = (s_j - z_j^\top\nabla L)z_j` (:math:`s_j` the central
    quotient), ``bound`` :func:`zosoftmax.bias_bound`, and the check is ``bias <= bound + tolerance`` with
    ``tolerance`` :math:`= z\sigma/\sqrt m` + roundoff (``sigma``: the upper bound of the module docstring).
    Also used by the power study (tests/power_criteria.py).
    """
    d = p.d
    g = p.gradient(x)
    m3 = zs.third_derivative_bound(p)
    rng = np.random.default_rng(seed)
    total, rounding = np.zeros(d), 0.0
    for start in range(0, m, 50_000):
        Z = zs.sample_directions(min(50_000, m - start), d, distribution, rng)
        s = zs.projected_gradients(p, x, Z, eps=eps)
        total += Z.T @ (s - Z @ g)  # sum of D_j = (s_j - z_j'g) z_j
        r = np.linalg.norm(Z, axis=1)
        delta_l = S.loss_rounding(p, np.vstack([x + eps * Z[np.argmax(r)], x - eps * Z[np.argmax(r)], x[None]]))
        rounding = max(rounding, float(np.max((2 * delta_l / eps + S.gradient_rounding(p, x) * r) * r)))
    e8 = d * (d + 2) * (d + 4) * (d + 6) if distribution == "gaussian" else d**4
    sigma = eps**2 / 6 * m3 * math.sqrt(e8)
    return {"bias": float(np.linalg.norm(total / m)), "bound": float(zs.bias_bound(p, eps, distribution, "central")),
            "tolerance": Z_SCORE * sigma / math.sqrt(m) + rounding, "sigma": sigma, "rounding": rounding}


@settings(max_examples=30)
@given(S.instance_and_point(d=(1, 6)), st.sampled_from(["gaussian", "sphere"]), S.eps_values, S.seeds)
def test_bias_gaussian_sphere_large_monte_carlo(case, distribution, eps, seed):
    r"""C7 (Gaussian, sphere): :math:`\|\overline{D}\| \le` ``bias_bound`` :math:`+ z\sigma/\sqrt m` (+ roundoff)."""
    p, x = case
    out = bias_statistic(p, x, distribution, eps, seed)
    target(out["bias"] / out["bound"], label="MC central bias / bias_bound")
    assert out["bias"] <= out["bound"] + out["tolerance"]
