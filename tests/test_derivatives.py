r"""C2, C3: the gradient and the Hessian against complex-step and central finite differences.

Error models (``tests.strategies`` for the roundoff terms):

* complex step, :math:`\mathrm{Im}\,L(x + ihv)/h`: truncation :math:`h^2 M_3/6` relative, negligible at
  ``h = 1e-20``; no subtractive cancellation, so the only error is the roundoff of the derivative's terms.
* central difference of ``L``: :math:`|\frac{L(x+hv)-L(x-hv)}{2h} - \nabla L^\top v| \le \frac{h^2}{6}M_3
  + \frac{\delta_L}{h}`, minimized at :math:`h^* = (3\delta_L/M_3)^{1/3}`.
* central difference of :math:`\nabla L`: the mean of :math:`H(x+tv)v` over :math:`|t|\le h` differs from
  :math:`H(x)v` by at most :math:`hM_3/2` (the trilinear form's norm is its sup on the diagonal, ``<= M_3``),
  plus :math:`\delta_g/h` roundoff; minimized at :math:`h^* = (2\delta_g/M_3)^{1/2}`.

:math:`M_3` is the library's proven third-derivative bound (checked itself in ``test_bounds.py``).
"""

from __future__ import annotations

import numpy as np
from hypothesis import example, given
from hypothesis import strategies as st

import zosoftmax as zs
from tests import strategies as S

CS_STEP = 1e-20  # complex step: truncation h^2 M_3 / 6 ~ 1e-40, far below roundoff


def _cs_directional(p: zs.SoftmaxRegression, x: np.ndarray, v: np.ndarray) -> float:
    """Complex-step derivative of L at x along v: Im L(A x + i h A v) / h."""
    y = p.A @ x + 1j * CS_STEP * (p.A @ v)
    return float(np.imag(p.loss_from_logits(y))) / CS_STEP


def _saturated(n: int, d: int) -> tuple[zs.SoftmaxRegression, np.ndarray]:
    """A pinned saturated case: logits spread ~1e3 (f = e_1 exactly) on an instance with ||A|| = 1."""
    p = zs.random_instance(n, d, rng=7, singular_values=np.ones(min(n, d)))
    x = np.linalg.lstsq(p.A, np.r_[S.SATURATION, np.zeros(n - 1)], rcond=None)[0]
    return p, x


def _nearly_saturated() -> tuple[zs.SoftmaxRegression, np.ndarray]:
    """Logits (30, 0, 0): f_1 = 1 - 2e-13, where 1 - f_1 would cancel."""
    return zs.SoftmaxRegression(np.eye(3), np.array([0.2, 0.3, 0.5])), np.array([30.0, 0.0, 0.0])


@given(S.instance_and_point())
@example(_saturated(3, 3))
@example(_saturated(4, 2))
@example(_nearly_saturated())
def test_gradient_matches_complex_step(case):
    r"""C2: every component of ``gradient`` equals the complex-step derivative :math:`\mathrm{Im}L(x+ihe_i)/h`.

    Up to the roundoff of the two derivative evaluations (no cancellation in either).
    """
    p, x = case
    g = p.gradient(x)
    tol = 2 * S.gradient_rounding(p, x)  # both sides: the same sums, evaluated two ways
    for i in range(p.d):
        e = np.eye(p.d)[i]
        assert abs(_cs_directional(p, x, e) - g[i]) <= tol, (i, g[i], _cs_directional(p, x, e), tol)


@given(S.instance_and_point(), st.data())
@example(_saturated(3, 3), None)
@example(_nearly_saturated(), None)
def test_gradient_matches_central_difference(case, data):
    r"""C2: :math:`|\frac{L(x+hv)-L(x-hv)}{2h} - \nabla L^\top v| \le \frac{h^2}6 M_3 + \frac{\delta_L}{h}`.

    At the optimal step :math:`h^* = (3\delta_L/M_3)^{1/3}`, along a drawn unit direction.
    """
    p, x = case
    v = np.eye(p.d)[0] if data is None else data.draw(S.unit_vectors(p.d))
    m3 = zs.third_derivative_bound(p)
    delta_l = max(S.loss_rounding(p, x + v * 1e-3), S.loss_rounding(p, x - v * 1e-3), S.loss_rounding(p, x))
    h = (3 * delta_l / m3) ** (1 / 3)  # minimizes h^2 M3/6 + delta_L/h
    fd = (p.loss(x + h * v) - p.loss(x - h * v)) / (2 * h)
    tol = h**2 / 6 * m3 + delta_l / h + S.gradient_rounding(p, x)
    assert abs(fd - p.gradient(x) @ v) <= tol


@given(S.instance_and_point(), st.data())
@example(_saturated(3, 3), None)
@example(_nearly_saturated(), None)
def test_hessian_matches_central_difference_of_gradient(case, data):
    r"""C3: the central difference of ``gradient`` along ``v`` is within its error bound of :math:`\nabla^2L\,v`.

    :math:`\|\frac{\nabla L(x+hv)-\nabla L(x-hv)}{2h} - \nabla^2L\,v\| \le \frac{hM_3}2 + \frac{\delta_g}h + \delta_H`
    at :math:`h^* = (2\delta_g/M_3)^{1/2}`.
    """
    p, x = case
    v = np.eye(p.d)[-1] if data is None else data.draw(S.unit_vectors(p.d))
    m3 = zs.third_derivative_bound(p)
    delta_g = max(S.gradient_rounding(p, x + v), S.gradient_rounding(p, x))  # h <= 1: bounded on the segment
    h = (2 * delta_g / m3) ** 0.5  # minimizes h M3/2 + delta_g/h
    fd = (p.gradient(x + h * v) - p.gradient(x - h * v)) / (2 * h)
    tol = h * m3 / 2 + delta_g / h + S.hessian_rounding(p)
    assert np.linalg.norm(fd - p.hessian(x) @ v) <= tol


@given(S.logits_and_targets(), st.data())
@example(S.maximiser("beta_plus_simplex"), None)
@example(S.maximiser("beta_minus_ball"), None)
@example((np.array([S.SATURATION, 0.0, -S.SATURATION]), np.array([0.2, 0.3, 0.5])), None)
def test_B_matches_central_difference_of_logit_gradient(yb, data):
    r"""C3: ``B(y)`` is the Hessian of :math:`\ell(y) = \frac12\|\mathrm{softmax}(y) - b\|^2` (independent reference).

    The reference is the central difference of the analytic logit gradient :math:`Sc` (``gradient`` with ``A = I``, a
    separate formula from ``B``'s): per column
    :math:`\|\frac{Sc(y+he_j) - Sc(y-he_j)}{2h} - Be_j\| \le \frac{hM_3}2 + \frac{\delta_g}h`, optimal
    :math:`h^* = (2\delta_g/M_3)^{1/2}`; plus the structure :math:`B = B^\top`, :math:`B\mathbf 1 = 0` (``B`` acts on
    logit differences only: C1 differentiated twice). The chain rule :math:`\nabla^2L = A^\top(B + W^2)A` is the
    finite-difference test above, with ``A`` and ``W``.
    """
    y, b = yb
    n = y.size
    p = zs.SoftmaxRegression(np.eye(n), b)
    Bm = p.B(y)
    assert np.array_equal(Bm, Bm.T)
    assert np.linalg.norm(Bm @ np.ones(n)) <= 4 * n * S.EPS_MACH
    m3 = zs.third_derivative_bound(p)
    delta_g = max(S.gradient_rounding(p, y + 1.0), S.gradient_rounding(p, y))  # h <= 1: bounded on the segment
    h = (2 * delta_g / m3) ** 0.5  # minimizes h M3/2 + delta_g/h
    cols = list(range(n)) if data is None else [data.draw(st.integers(0, n - 1))]
    for j in cols:
        e = np.eye(n)[j]
        fd = (p.gradient(y + h * e) - p.gradient(y - h * e)) / (2 * h)
        err = float(np.linalg.norm(fd - Bm[:, j]))
        tol = h * m3 / 2 + delta_g / h + S.hessian_rounding(p)
        assert err <= tol, (j, err, tol)


@given(S.instance_and_point(saturate=False), st.data())
def test_curvature_matches_central_difference_of_complex_step_slopes(case, data):
    r"""C3: :math:`v^\top\nabla^2L\,v` against the central difference of two complex-step slopes.

    The slopes are :math:`\varphi'(\pm h)` of :math:`\varphi(t) = L(x + tv)`: the quotient is the mean of
    :math:`\varphi''` over :math:`[-h, h]`, within :math:`hM_3/2` of :math:`\varphi''(0)`; the slopes carry no
    cancellation, so the roundoff is :math:`\delta_g/h` with :math:`\delta_g` that of one derivative (loss-only,
    independent of ``gradient``); optimal :math:`h^* = (2\delta_g/M_3)^{1/2}`.
    """
    p, x = case
    v = data.draw(S.unit_vectors(p.d))
    m3 = zs.third_derivative_bound(p)
    delta_cs = max(S.gradient_rounding(p, x + v), S.gradient_rounding(p, x))
    h = (2 * delta_cs / m3) ** 0.5
    fd = (_cs_directional(p, x + h * v, v) - _cs_directional(p, x - h * v, v)) / (2 * h)
    tol = h * m3 / 2 + delta_cs / h + S.hessian_rounding(p)
    assert abs(fd - v @ p.hessian(x) @ v) <= tol
