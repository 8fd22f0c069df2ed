r"""C7: bias of the ZO estimate, central and forward.

* Central scheme, per direction (Taylor with Lagrange remainder, the step the C7 bound is built on):
  :math:`|s_j - z_j^\top\nabla L| \le \frac{\varepsilon^2}6 M_3\|z_j\|^3`; hence
  :math:`\|E\hat g - \nabla L\| \le \frac{\varepsilon^2}6 M_3 E\|z\|^4` = ``bias_bound``; exactly zero on
  quadratics (every third derivative vanishes), at every :math:`\varepsilon`.
* Forward scheme: per direction the error is first order,
  :math:`s_j - z_j^\top\nabla L = \frac\varepsilon2 z_j^\top\nabla^2L\,z_j + O(\varepsilon^2)`; but for every
  direction distribution symmetric under :math:`z\to-z` (all three here),
  :math:`E[(L(x+\varepsilon z) - L(x))z] = E[(L(x) - L(x-\varepsilon z))z]`, so the forward estimate has
  *exactly* the central estimate's expectation: its bias is :math:`O(\varepsilon^2)`, not :math:`O(\varepsilon)`
  ([derived]; the O(ε) claim is a valid but loose bound). Checked exactly by Rademacher enumeration.

Tolerances: the roundoff of a quotient is :math:`\delta_L/\varepsilon` (``tests.strategies.loss_rounding``).

Looseness: ``bias_bound`` is valid but far from sharp (the measured bias is about 2e-3 of it, and :math:`M_3` is
about 7x its supremum), so "below the bound" says little; the assertion messages give attained/bound, and the
sharp check, the exact :math:`\varepsilon^2` term of the central bias against the measured bias, is
``tests/test_bias_sharp.py``. (A test that compared ``deviation_bound`` with its own :math:`\varepsilon`-scaling
was removed: it compared the formula with itself.)
"""

from __future__ import annotations

import numpy as np
from hypothesis import example, given, target
from hypothesis import strategies as st

import zosoftmax as zs
from tests import strategies as S


def _pinned_b_vertex() -> tuple[zs.SoftmaxRegression, np.ndarray]:
    """At n = 2 with b at a vertex, f = (t, 1 - t) at the C4 maximizer t = (9 + sqrt 33)/24: large third derivative."""
    t = (9 + np.sqrt(33)) / 24
    return zs.SoftmaxRegression(np.eye(2), np.array([0.0, 1.0])), np.log(np.array([t, 1 - t]))


@given(st.integers(1, 8), st.integers(1, 4), S.distributions, S.eps_values, S.seeds)
def test_central_estimate_is_exact_on_quadratics(d, k, distribution, eps, seed):
    r"""C7 (quadratics): the central estimate equals :math:`\frac1k\sum_j z_jz_j^\top g`, up to roundoff.

    For every drawn set of directions and every :math:`\varepsilon`: zero bias pointwise, hence in expectation.
    """
    rng = np.random.default_rng(seed)
    M = rng.standard_normal((d, d))
    Q, c, x = (M + M.T) / 2, rng.standard_normal(d), rng.standard_normal(d)
    g = Q @ x + c
    Z = zs.sample_directions(k, d, distribution, rng)
    est = zs.spsa_gradient(lambda X: 0.5 * np.sum((X @ Q) * X, axis=1) + X @ c, x, k=k, eps=eps,
                           distribution=distribution, directions=Z)
    R = np.linalg.norm(x) + eps * np.max(np.linalg.norm(Z, axis=1)) + 1
    # roundoff of q near x (sums of d^2 terms) over 2 eps, plus that of z'g, times |z|
    delta_q = 8 * (d * d + 1) * S.EPS_MACH * (np.linalg.norm(Q, 2) * R**2 + np.linalg.norm(c) * R + 1)
    tau = (delta_q / eps + d * S.EPS_MACH * np.linalg.norm(g) * np.sqrt(d)) * np.max(np.linalg.norm(Z, axis=1))
    assert np.linalg.norm(est - Z.T @ (Z @ g) / k) <= tau * (1 + np.max(np.linalg.norm(Z, axis=1)))


@given(S.instance_and_point(), S.distributions, S.eps_values, S.seeds)
@example(_pinned_b_vertex(), "rademacher", 1.0, 0)
def test_central_quotient_taylor_remainder_within_loose_M3(case, distribution, eps, seed):
    r"""C7, per direction: :math:`|s_j - z_j^\top\nabla L| \le \frac{\varepsilon^2}6 M_3\|z_j\|^3` (+ roundoff).

    ``target`` pushes the ratio toward 1 (how tight :math:`M_3` is).
    """
    p, x = case
    Z = zs.sample_directions(4, p.d, distribution, np.random.default_rng(seed))
    eps = S.resolvable_eps(p, x, Z, eps)
    s = zs.projected_gradients(p, x, Z, eps=eps)
    g = p.gradient(x)
    r = np.linalg.norm(Z, axis=1)
    bound = eps**2 / 6 * zs.third_derivative_bound(p) * r**3
    delta_l = S.loss_rounding(p, np.vstack([x + eps * Z, x - eps * Z]))
    rounding = delta_l / eps + S.gradient_rounding(p, x) * r
    err = np.abs(s - Z @ g)
    target(float(np.max((err - rounding) / bound)), label="central remainder / (eps^2 M3 |z|^3 / 6)")
    assert np.all(err <= bound + rounding), f"remainder / bound = {float(np.max(err / bound)):.4f} > 1"


def _enumerated_bias(p, x, eps, scheme):
    """Exact E[ĝ] - grad L over the 2^d Rademacher directions: spsa_gradient averages the given directions."""
    Z = S.rademacher_signs(p.d)
    eps = S.resolvable_eps(p, x, Z, eps)
    mean = zs.spsa_gradient(p, x, k=1, eps=eps, distribution="rademacher", scheme=scheme, directions=Z)
    delta_l = S.loss_rounding(p, np.vstack([x + eps * Z, x - eps * Z, x[None]]))
    rounding = 2 * np.sqrt(p.d) * (delta_l / eps) + S.gradient_rounding(p, x)
    return mean - p.gradient(x), rounding


@given(S.instance_and_point(d=(1, 6)), S.eps_values)
@example(_pinned_b_vertex(), 1.0)
@example(_pinned_b_vertex(), 0.3)
def test_central_bias_within_loose_C7_bound(case, eps):
    r"""C7 (Rademacher, exact expectation by enumeration).

    :math:`\|E\hat g - \nabla L\| \le` ``bias_bound`` :math:`= \frac{\varepsilon^2}6 M_3 d^2`, for :math:`\varepsilon`
    from 1e-3 to 1; ``target`` on the ratio.
    """
    p, x = case
    bias, rounding = _enumerated_bias(p, x, eps, "central")
    bound = zs.bias_bound(p, eps, "rademacher", "central")
    target(float((np.linalg.norm(bias) - rounding) / bound), label="central bias / bias_bound")
    assert np.linalg.norm(bias) <= bound + rounding, f"bias / bias_bound = {np.linalg.norm(bias) / bound:.3g} > 1"


@given(S.instance_and_point(d=(1, 6)), S.eps_values)
@example(_pinned_b_vertex(), 1.0)
def test_forward_expectation_equals_central(case, eps):
    r"""C7 [derived]: for a symmetric direction distribution the forward bias equals the central one.

    :math:`E[\hat g_{fwd}] = E[\hat g_{central}]` exactly (pair ``z`` with ``-z``), so the forward bias is
    :math:`O(\varepsilon^2)` too.
    """
    p, x = case
    b_fwd, r_fwd = _enumerated_bias(p, x, eps, "forward")
    b_cen, r_cen = _enumerated_bias(p, x, eps, "central")
    assert np.linalg.norm(b_fwd - b_cen) <= r_fwd + r_cen


@given(S.instance_and_point(d=(1, 6)), S.eps_values)
@example(_pinned_b_vertex(), 1.0)
def test_forward_bias_within_loose_C7_bound(case, eps):
    r"""C7 (forward, Rademacher, exact): :math:`\|E\hat g_{fwd} - \nabla L\| \le` ``bias_bound(..., "forward")``."""
    p, x = case
    bias, rounding = _enumerated_bias(p, x, eps, "forward")
    bound = zs.bias_bound(p, eps, "rademacher", "forward")
    target(float((np.linalg.norm(bias) - rounding) / bound), label="forward bias / bias_bound")
    assert np.linalg.norm(bias) <= bound + rounding, f"bias / bias_bound = {np.linalg.norm(bias) / bound:.3g} > 1"


@given(S.instance_and_point(saturate=False), S.distributions, S.eps_values, S.seeds)
@example(_pinned_b_vertex(), "rademacher", 1.0, 0)
def test_forward_quotient_is_first_order(case, distribution, eps, seed):
    r"""C7, forward per direction.

    :math:`s_j = z_j^\top\nabla L + \frac\varepsilon2 z_j^\top\nabla^2 L z_j + r_j`,
    :math:`|r_j| \le \frac{\varepsilon^2}6 M_3\|z_j\|^3` (+ roundoff): the per-sample error is genuinely
    :math:`O(\varepsilon)`, with the Hessian term as its leading part.
    """
    p, x = case
    Z = zs.sample_directions(3, p.d, distribution, np.random.default_rng(seed))
    eps = S.resolvable_eps(p, x, Z, eps)
    s = zs.projected_gradients(p, x, Z, eps=eps, scheme="forward")
    H = p.hessian(x)
    r = np.linalg.norm(Z, axis=1)
    second = eps / 2 * np.einsum("kd,de,ke->k", Z, H, Z)
    delta_l = S.loss_rounding(p, np.vstack([x + eps * Z, x[None]]))
    rounding = 2 * delta_l / eps + S.gradient_rounding(p, x) * r + eps / 2 * S.hessian_rounding(p) * r**2
    bound = eps**2 / 6 * zs.third_derivative_bound(p) * r**3
    assert np.all(np.abs(s - Z @ p.gradient(x) - second) <= bound + rounding)
