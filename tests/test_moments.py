r"""C8, C9: the exact first and second moments of the ZO estimate, per direction distribution.

* Rademacher, ``d <= 8``: the distribution is finite, so expectations are *enumerated* over all ``2^d`` sign
  vectors (``k = 1``) or all ``4^d`` pairs (``k = 2``, ``d <= 4``) of actual :func:`zosoftmax.spsa_gradient`
  outputs; on a quadratic the central estimate equals its :math:`\varepsilon\to0` limit at every
  :math:`\varepsilon`, so the comparison is exact up to roundoff.
* Gaussian and sphere: Monte Carlo over ``m`` single-direction estimates with tolerance :math:`z\sigma/\sqrt m`,
  :math:`\sigma` the *exact* standard deviation of the statistic, from the eighth moments below (Isserlis for
  the Gaussian; :math:`E\prod_i x_i^{2a_i} = \prod(2a_i-1)!!/\prod_{j<|a|}(d+2j)` on the unit sphere).

For ``k`` independent directions :math:`E[\hat g\hat g^\top] = \frac1k E[zz^\top Gzz^\top] + (1-\frac1k)G`
(independence), so the single-direction moment determines every ``k``; the ``k = 2`` enumeration checks that
the estimator really averages ``k`` independent directions.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import zosoftmax as zs
from tests import strategies as S

Z_SCORE = 5.0  # two-sided normal tail P(|N(0,1)| > 5) = 5.7e-7: per-check false-alarm rate of the Monte Carlo tests
# Monte-Carlo sample size of the fast tier: at 2e4 the unbiasedness check g'ĝ detected a 5% scaled estimator (the
# planted estimator_scaled) only half the time for Gaussian directions (smallest effect 6.3%); at 4e4 it is 4.4%,
# power 0.97 (docs/power.md, tests/power.py)
M_FAST = 40_000
MC_DIMS = (1, 2, 5, 16)


# --------------------------------------------------------------------------------------- quadratics
@st.composite
def quadratics(draw, d_max: int = 8):
    """A quadratic q(x) = x'Qx/2 + c'x (Q symmetric, ||Q|| <= 3), a point and its gradient Qx + c."""
    d = draw(st.integers(1, d_max))
    M = draw(hnp.arrays(np.float64, (d, d), elements=st.floats(-1.0, 1.0)))
    Q = (M + M.T) / 2
    c = draw(hnp.arrays(np.float64, d, elements=st.floats(-2.0, 2.0)))
    x = draw(hnp.arrays(np.float64, d, elements=st.floats(-2.0, 2.0)))
    return Q, c, x


def _batched(Q, c):
    return lambda X: 0.5 * np.sum((X @ Q) * X, axis=1) + X @ c


def _quotient_rounding(Q, c, x, eps):
    r"""Roundoff of a central quotient of the quadratic.

    :math:`\delta_q/\varepsilon` with :math:`\delta_q = 8(d+1)\epsilon_{mach}(\frac12\|Q\|R^2 + \|c\|R)`,
    :math:`R = \|x\| + \varepsilon\sqrt d` (the perturbed points themselves are rounded: their error
    :math:`\epsilon_{mach}R` times :math:`\|\nabla q\|`).
    """
    d = x.size
    R = np.linalg.norm(x) + eps * np.sqrt(d) + 1
    grad_sup = np.linalg.norm(Q, 2) * R + np.linalg.norm(c)
    return 8 * (d + 1) * S.EPS_MACH * (0.5 * np.linalg.norm(Q, 2) * R**2 + np.linalg.norm(c) * R + R * grad_sup) / eps


def _subnormal_slack(d):
    """Absolute slack of the enumerated second-moment checks in gradual underflow (g g' below 2^-1022).

    The bounds there are relative rounding, but every product and sum may also be off by one subnormal unit; at most 2d
    + 4 of them reach an entry or the trace, and the Frobenius norm gathers d^2 entries (a factor d).
    """
    return d * (2 * d + 4) * np.finfo(float).smallest_subnormal


@given(quadratics(), S.eps_values)
@example((np.zeros((1, 1)), np.array([2.37475351e-162]), np.zeros(1)), 1.0)  # g g' = 5.6e-324, subnormal
def test_rademacher_moments_enumerated_on_quadratics(quad, eps):
    r"""C8, C9 (Rademacher, exact).

    Over all :math:`2^d` sign vectors, :math:`E[\hat g] = g`, :math:`E[\hat g\hat g^\top]` =
    ``second_moment_matrix(g, k)`` and :math:`E\|\hat g\|^2/\|g\|^2` = ``second_moment_factor(d, k)`` for every ``k``
    (the ``k``-average formula from the enumerated ``k = 1``).
    """
    Q, c, x = quad
    d = x.size
    f = _batched(Q, c)
    g = Q @ x + c
    Z = S.rademacher_signs(d)
    G = np.stack([zs.spsa_gradient(f, x, k=1, eps=eps, distribution="rademacher", directions=z[None]) for z in Z])
    tau = _quotient_rounding(Q, c, x, eps) + d * S.EPS_MACH * np.sqrt(d) * np.linalg.norm(g)  # |s_j - z_j'g|
    mean = G.mean(axis=0)
    assert np.linalg.norm(mean - g) <= tau * np.sqrt(d)
    M1 = np.einsum("mi,mj->ij", G, G) / len(Z)  # E[ĝĝᵀ], k = 1, enumerated
    err_m = d * tau * (2 * np.sqrt(d) * np.linalg.norm(g) + tau) + 4 * d * S.EPS_MACH * np.linalg.norm(g) ** 2
    err_m += _subnormal_slack(d)
    gg = float(g @ g)
    for k in range(1, 9):
        exact_k = M1 / k + (1 - 1 / k) * np.outer(g, g)  # k independent directions
        assert np.linalg.norm(exact_k - zs.second_moment_matrix(g, k, "rademacher")) <= err_m
        assert abs(np.trace(exact_k) - zs.second_moment_factor(d, k, "rademacher") * gg) <= np.sqrt(d) * err_m


@given(quadratics(d_max=4), S.eps_values)
def test_rademacher_k2_enumerated_estimator_averages_both_directions(quad, eps):
    r"""C9 for ``k = 2`` (Rademacher, exact).

    All :math:`4^d` direction pairs through ``spsa_gradient(k=2)``; :math:`E[\hat g] = g` and
    :math:`E[\hat g\hat g^\top]` = ``second_moment_matrix(g, 2)``.
    """
    Q, c, x = quad
    d = x.size
    f = _batched(Q, c)
    g = Q @ x + c
    Z = S.rademacher_signs(d)
    pairs = [(a, b) for a in Z for b in Z]
    G = np.stack([zs.spsa_gradient(f, x, k=2, eps=eps, distribution="rademacher", directions=np.stack(pr))
                  for pr in pairs])
    tau = _quotient_rounding(Q, c, x, eps) + d * S.EPS_MACH * np.sqrt(d) * np.linalg.norm(g)
    assert np.linalg.norm(G.mean(axis=0) - g) <= tau * np.sqrt(d)
    M2 = np.einsum("mi,mj->ij", G, G) / len(pairs)
    err_m = d * tau * (2 * np.sqrt(d) * np.linalg.norm(g) + tau) + 4 * d * S.EPS_MACH * np.linalg.norm(g) ** 2
    err_m += _subnormal_slack(d)
    assert np.linalg.norm(M2 - zs.second_moment_matrix(g, 2, "rademacher")) <= err_m
    assert abs(np.trace(M2) - zs.second_moment_factor(d, 2, "rademacher") * (g @ g)) <= np.sqrt(d) * err_m


@given(S.instance_and_point(d=(1, 6)))
def test_rademacher_moments_on_softmax_as_eps_to_zero(case):
    r"""C8, C9 on softmax regression (Rademacher, enumerated).

    At small :math:`\varepsilon` the enumerated :math:`E[\hat g\hat g^\top]` is within the Taylor remainder of
    ``second_moment_matrix(grad L, 1)``: each quotient is within
    :math:`\tau = \frac{\varepsilon^2}6 M_3\|z\|^3 + \delta_L/\varepsilon` of :math:`z^\top\nabla L`, at the
    :math:`\varepsilon` that minimizes :math:`\tau`.
    """
    p, x = case
    d = p.d
    g = p.gradient(x)
    m3 = zs.third_derivative_bound(p)
    delta_l = max(S.loss_rounding(p, x + np.sqrt(d)), S.loss_rounding(p, x))
    Z = S.rademacher_signs(d)
    eps = (3 * delta_l / (m3 * d**1.5)) ** (1 / 3)  # minimizes eps^2/6 M3 d^1.5 + delta_L / eps
    # above the library's resolution floor, which each one-direction call below checks with its own max|Az|
    # (tau below holds at any eps)
    eps = max(S.resolvable_eps(p, x, z[None], eps) for z in Z)
    tau = eps**2 / 6 * m3 * d**1.5 + delta_l / eps + S.gradient_rounding(p, x) * np.sqrt(d)
    G = np.stack([zs.spsa_gradient(p, x, eps=eps, distribution="rademacher", directions=z[None]) for z in Z])
    assert np.linalg.norm(G.mean(axis=0) - g) <= tau * np.sqrt(d)
    M1 = np.einsum("mi,mj->ij", G, G) / len(Z)
    err_m = d * tau * (2 * np.sqrt(d) * np.linalg.norm(g) + tau) + 4 * d * S.EPS_MACH * (g @ g)
    assert np.linalg.norm(M1 - zs.second_moment_matrix(g, 1, "rademacher")) <= err_m
    assert abs(np.trace(M1) - zs.second_moment_factor(d, 1, "rademacher") * (g @ g)) <= np.sqrt(d) * err_m


@given(st.integers(1, 64), st.integers(1, 64), S.distributions, S.unit_vectors(5))
def test_second_moment_factor_is_trace_of_matrix(d, k, distribution, v):
    r"""C8 = tr(C9): ``second_moment_factor(d, k)`` equals :math:`\mathrm{tr}\,E[\hat g\hat g^\top]/\|g\|^2`."""
    g = np.resize(v, d) * 3.0 + (np.arange(d) == 0)
    M = zs.second_moment_matrix(g, k, distribution)
    assert np.isclose(np.trace(M) / (g @ g), zs.second_moment_factor(d, k, distribution), rtol=8 * d * S.EPS_MACH)


# ------------------------------------------------------------------------------ Gaussian and sphere MC
CHUNK = 100_000  # directions per batch: bounded memory for the slow tier's large m


def second_moment_statistics(distribution: str, d: int, m: int, seed: int,
                             z_score: float = Z_SCORE) -> dict[str, tuple[float, float, float, float]]:
    r"""The C8/C9 Monte-Carlo statistics: ``name -> (sample mean, exact mean, tolerance, exact sigma / sqrt(m))``.

    ``m`` single-direction estimates :math:`s_jz_j` of a quadratic's unit gradient ``g`` at :math:`\varepsilon = 0.1`
    (exact for a quadratic), drawn in chunks; five statistics with exact means and standard deviations, each
    tolerance ``z_score * sigma / sqrt(m)`` plus roundoff. Shared by the check below and the power study
    (``tests/power.py``), so both use the same tolerances.
    """
    rng = np.random.default_rng(seed)
    Q = rng.standard_normal((d, d))
    Q = (Q + Q.T) / (2 * np.sqrt(d))
    g = rng.standard_normal(d)
    g /= np.linalg.norm(g)
    x = np.linalg.lstsq(Q, g, rcond=None)[0] if d > 1 else np.zeros(d)
    c = g - Q @ x  # gradient Qx + c = g at x (up to roundoff)
    u = np.linalg.svd(g[None, :])[2][1] if d >= 2 else np.zeros(d)  # a unit vector orthogonal to g
    sums = np.zeros(5)
    for start in range(0, m, CHUNK):
        Z = zs.sample_directions(min(CHUNK, m - start), d, distribution, rng)
        G = zs.projected_gradients(_batched(Q, c), x, Z, eps=0.1)[:, None] * Z  # ĝ_j = s_j z_j
        sums += [np.sum(np.einsum("mi,mi->m", G, G)), np.sum((G @ g) ** 2), np.sum((G @ u) ** 2),
                 np.sum(G @ g), np.sum(G @ u)]
    X_mean, a_mean, b_mean, g1_mean, u1_mean = sums / m
    mom = lambda *p: S.even_moment(distribution, d, p)  # noqa: E731
    out: dict[str, tuple[float, float, float, float]] = {}
    se = lambda var: math.sqrt(max(var, 0.0)) / math.sqrt(m)  # noqa: E731  exact standard error of a mean
    # first moment (unbiasedness, E zz' = I): g'ĝ = (z'g)^2 has mean 1, variance E z_1^4 - 1;
    # u'ĝ = (z'g)(z'u) has mean 0, variance E z_1^2 z_2^2
    rounding1 = 64 * d * S.EPS_MACH
    out["g'ĝ"] = (g1_mean, 1.0, z_score * se(mom(4) - 1.0) + rounding1, se(mom(4) - 1.0))
    if d >= 2:
        out["u'ĝ"] = (u1_mean, 0.0, z_score * se(mom(2, 2)) + rounding1, se(mom(2, 2)))
    EX = mom(4) + (d - 1) * mom(2, 2)
    se_x = se(S.norm4_of_estimate_moment(distribution, d) - EX**2)
    rounding = 64 * d * S.EPS_MACH * EX  # the quotients of the quadratic: roundoff only
    for k in (1, 2, 3, 8):
        exact = k * zs.second_moment_factor(d, k, distribution) - (k - 1)
        out[f"|ĝ|² (k = {k})"] = (X_mean, exact, z_score * se_x + rounding, se_x)
    M = zs.second_moment_matrix(g, 1, distribution)
    out["g'ĝĝ'g"] = (a_mean, float(g @ M @ g), z_score * se(mom(8) - mom(4) ** 2) + rounding, se(mom(8) - mom(4) ** 2))
    if d >= 2:
        se22 = se(mom(4, 4) - mom(2, 2) ** 2)
        out["u'ĝĝ'u"] = (b_mean, float(u @ M @ u), z_score * se22 + rounding, se22)
    return out


def check_second_moments_monte_carlo(distribution: str, d: int, m: int, seed: int) -> None:
    """The C8/C9 Monte-Carlo check shared by the fast (``m = M_FAST``) and slow tiers (see the test below)."""
    for name, (mean, exact, tol, _) in second_moment_statistics(distribution, d, m, seed).items():
        assert abs(mean - exact) <= tol, (name, mean, exact, tol)


@pytest.mark.parametrize("distribution", ["gaussian", "sphere"])
@pytest.mark.parametrize("d", MC_DIMS)
def test_gaussian_sphere_second_moments_monte_carlo(distribution, d):
    r"""C7-C9 (Gaussian, sphere; Monte Carlo, ``k = 1``, unit ``g``, ``u`` a unit vector orthogonal to ``g``).

    * :math:`E\hat g = g`: :math:`g^\top\hat g` has mean 1, :math:`u^\top\hat g` mean 0.
    * :math:`X = \|\hat g\|^2 = (z^\top g)^2\|z\|^2`: mean ``k * second_moment_factor(d, k) - (k - 1)`` for every
      ``k``; :math:`EX^2 = E z_1^8 + 2(d-1)E z_1^6z_2^2 + (d-1)[E z_1^4 z_2^4 + (d-2)E z_1^4z_2^2z_3^2]`.
    * :math:`g^\top\hat g\hat g^\top g = (z^\top g)^4`: mean :math:`g^\top M g`, second moment :math:`Ez_1^8`.
    * :math:`u^\top\hat g\hat g^\top u = (z^\top g)^2(z^\top u)^2`: mean :math:`u^\top Mu`, second moment
      :math:`Ez_1^4z_2^4`, with ``M = second_moment_matrix(g, 1)``.
    """
    check_second_moments_monte_carlo(distribution, d, M_FAST, seed=1000 + d)


@pytest.mark.parametrize("distribution", ["gaussian", "sphere", "rademacher"])
@pytest.mark.parametrize("d", MC_DIMS)
def test_direction_fourth_moment(distribution, d):
    r""":math:`E\|z\|^4` (``direction_moment``).

    Exactly :math:`d^2` for sphere and Rademacher (:math:`\|z\|^2 = d`); Gaussian by Monte Carlo,
    :math:`\sigma^2 = E\|z\|^8 - (E\|z\|^4)^2`, :math:`E\|z\|^8 = d(d+2)(d+4)(d+6)`.
    """
    Z = zs.sample_directions(M_FAST, d, distribution, np.random.default_rng(d))
    r4 = np.sum(Z * Z, axis=1) ** 2
    assert zs.direction_moment(d, distribution, 2) == d
    if distribution != "gaussian":
        assert np.allclose(r4, d * d, rtol=8 * d * S.EPS_MACH, atol=0)
        assert zs.direction_moment(d, distribution, 4) == d * d
        return
    e4, e8 = d * (d + 2), d * (d + 2) * (d + 4) * (d + 6)
    assert zs.direction_moment(d, distribution, 4) == e4
    assert abs(r4.mean() - e4) <= Z_SCORE * math.sqrt(e8 - e4**2) / math.sqrt(M_FAST)


# ------------------------------------------------------- fourth moment against exact quadrature (no library formula)
def _direction_rule(d: int, distribution: str) -> tuple[np.ndarray, np.ndarray]:
    r"""Nodes (N, d) and weights (N,) of a rule that integrates every polynomial of degree <= 5 in z *exactly*.

    Gaussian: the tensor 3-point Gauss-Hermite rule (exact to degree 5 per coordinate). Rademacher: all :math:`2^d`
    sign vectors (the law itself). Sphere of radius :math:`\sqrt d`: for ``d = 2`` eight equally spaced points (exact
    for trigonometric degree < 8), for ``d = 3`` the icosahedron's 12 vertices (a spherical 5-design), ``d = 1``
    the two points :math:`\pm1`. None of them uses Isserlis' theorem or the library.
    """
    if distribution == "gaussian":
        t, w = np.polynomial.hermite_e.hermegauss(3)
        grid = np.stack(np.meshgrid(*[t] * d, indexing="ij"), -1).reshape(-1, d)
        wts = np.prod(np.stack(np.meshgrid(*[w / w.sum()] * d, indexing="ij"), -1).reshape(-1, d), axis=1)
        return grid, wts
    if distribution == "rademacher" or d == 1:
        Z = S.rademacher_signs(d)
        return Z, np.full(len(Z), 1.0 / len(Z))
    if d == 2:
        a = 2 * np.pi * np.arange(8) / 8
        Z = np.sqrt(2.0) * np.stack([np.cos(a), np.sin(a)], 1)
    else:
        phi = (1 + np.sqrt(5.0)) / 2
        V = np.array([[0, s1, s2 * phi] for s1 in (-1, 1) for s2 in (-1, 1)], dtype=float)
        V = np.concatenate([V, np.roll(V, 1, axis=1), np.roll(V, 2, axis=1)])
        Z = np.sqrt(3.0) * V / np.linalg.norm(V, axis=1, keepdims=True)
    return Z, np.full(len(Z), 1.0 / len(Z))


@st.composite
def _fourth_moment_cases(draw):
    distribution = draw(S.distributions)
    d = draw(st.integers(1, 3 if distribution == "sphere" else 5))
    M = draw(hnp.arrays(np.float64, (d, d), elements=st.floats(-1.0, 1.0)))
    return distribution, M, draw(st.integers(1, 2))


@given(_fourth_moment_cases())
def test_expected_pmp_equals_exact_quadrature(case):
    r"""C9, C13: :math:`E[PMP]` (``expected_pmp``, hence ``direction_fourth_moment``) against an exact rule.

    The truth is :math:`\sum_a w_a\,(z_az_a^\top)M(z_az_a^\top)` over :func:`_direction_rule`, for ``k = 2`` over the
    product rule of two independent directions with :math:`P = (z_az_a^\top + z_bz_b^\top)/2`: an independent
    computation, so a slip in a law's fourth moment (a dropped :math:`\mathrm{tr}(M)I`, the Rademacher
    :math:`z_i^4 = 1` correction) fails here, not only against another library function. Tolerance: each node term
    has at most :math:`N = \|z\|^4\max|M|\,d^2` in magnitude, computed with :math:`4d` roundings, summed over
    the weights (total 1): :math:`8 d\,u\,N`.
    """
    distribution, M, k = case
    d = M.shape[0]
    Z, w = _direction_rule(d, distribution)
    P1 = np.einsum("ai,aj->aij", Z, Z)
    if k == 1:
        P, wk = P1, w
    else:
        P = (P1[:, None] + P1[None, :]).reshape(-1, d, d) / 2
        wk = np.outer(w, w).ravel()
    truth = np.einsum("a,aij,jk,akl->il", wk, P, M, P)
    scale = float(np.max(np.sum(Z**2, axis=1)) ** 2 * max(float(np.max(np.abs(M))), S.EPS_MACH) * d**2)
    err = float(np.max(np.abs(zs.expected_pmp(M, k, distribution) - truth)))
    assert err <= 8 * d * S.EPS_MACH * scale, (distribution, d, k, err)
