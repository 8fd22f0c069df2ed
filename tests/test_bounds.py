r"""C4-C6 and the C7 constant.

The proven bounds hold at every sampled point, with ``target()`` pushing toward the supremum and the known extreme
points pinned with ``@example``.

Known extremes (n = 2, ``f = (t, 1 - t)``, ``a = t(1 - t)``): ``B`` has eigenvalues ``0`` (on ``1``) and
:math:`4a^2 + 2a(1-2t)(c_1 - c_2)` (on ``(1, -1)``), so on the simplex

* :math:`\sup\lambda_{\max}(B) = 4t(1-t)^2(3t-1) \approx 0.3081` at :math:`t = (9+\sqrt{33})/24`, ``b = (1, 0)``;
* :math:`\sup(-\lambda_{\min}(B)) = 4t^2(1-t)(3t-2) \approx 0.2404` at :math:`t = (15+\sqrt{33})/24`, ``b = (0, 1)``;
* :math:`\sup\|Sc\| = 2\sqrt2\,t^2(1-t) = 8\sqrt2/27 \approx 0.419` at ``t = 2/3``, ``b = (0, 1)``.

and on the unit ball (``b = (1, -1)/sqrt 2``, range sqrt 2) the sups are 0.3591 (lambda_max), exactly 5/16 at
``f_2 = (2 + sqrt 2)/4 = 0.854`` (-lambda_min) and 0.5521 (``||Sc||``). Every known maximiser, both target sets, is in
``tests.strategies.MAXIMISERS``: the property tests draw near them (``near_extremes``), pin them with ``@example`` and
push toward them with ``target()``, so a constant set below its supremum fails a *property* (``make mutants``
plants four such constants). The library's constants are proven, not tight: each assertion message gives the
attained/bound ratio (beta+ 0.35 of 7/8 on the simplex, M3 about 1/7 of its sup), so the looseness is visible.

Eigenvalue tolerances: ``eigvalsh`` is backward stable, so computed eigenvalues of a matrix with entries of
size ``|M|`` are off by at most ``u * eps_mach * |M|`` (``tests.strategies.round_units``).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import example, find, given, settings, target
from hypothesis import strategies as st

import zosoftmax as zs
from tests import strategies as S

T_PLUS = (9 + math.sqrt(33)) / 24  # argmax of 4t(1-t)^2(3t-1): sup lambda_max(B), n = 2, b = (1, 0)
T_MINUS = (15 + math.sqrt(33)) / 24  # argmax of 4t^2(1-t)(3t-2): sup -lambda_min(B), n = 2, b = (0, 1)
BETA_PLUS_N2 = 4 * T_PLUS * (1 - T_PLUS) ** 2 * (3 * T_PLUS - 1)  # ~0.3081
BETA_MINUS_N2 = 4 * T_MINUS**2 * (1 - T_MINUS) * (3 * T_MINUS - 2)  # ~0.2404
SC_SUP_N2 = 8 * math.sqrt(2) / 27  # ~0.419


def _logits_of(t: float) -> np.ndarray:
    return np.log(np.array([t, 1 - t]))


def logits_and_target(n_max: int = 6):
    """(y, b): generic logits and targets (simplex and ball), a third near a known maximiser (shared strategy)."""
    return S.logits_and_targets(n_max)


def _at(name: str):
    """The (y, b) of a known maximiser (``tests.strategies.MAXIMISERS``), for ``@example``."""
    return S.maximiser(name)


def _eig_tol(n: int, M: np.ndarray) -> float:
    return 16 * n * S.EPS_MACH * max(1.0, float(np.max(np.abs(M))))


@given(st.floats(-30.0, 30.0), S.targets(2))
@example(float(np.log(T_PLUS / (1 - T_PLUS))), np.array([1.0, 0.0]))
def test_B_closed_form_n2(y1, b):
    r"""C3, n = 2: the spectrum of ``B`` is :math:`\{0,\ 4a^2 + 2a(1-2t)(c_1-c_2)\}` (an independent derivation)."""
    p = zs.SoftmaxRegression(np.eye(2), b)
    x = np.array([y1, 0.0])
    t = float(zs.softmax(x)[0])
    a = t * (1 - t)
    c = zs.softmax(x) - b
    lam = 4 * a * a + 2 * a * (1 - 2 * t) * (c[0] - c[1])
    got = np.linalg.eigvalsh(p.B(x))
    assert np.allclose(got, np.sort([0.0, lam]), rtol=0, atol=_eig_tol(2, p.B(x)) + 8 * S.EPS_MACH)


@given(logits_and_target(), st.data())
def test_B_quadratic_form_identity(yb, data):
    r"""C3/C4 (the identity the bounds rest on).

    :math:`v^\top Bv = \|Sv\|^2 + \sum_i f_i(c_i - \bar c)\tilde v_i^2` with
    :math:`\tilde v = v - \langle f,v\rangle\mathbf 1`, :math:`\bar c = \langle f, c\rangle`.
    """
    y, b = yb
    n = y.size
    v = data.draw(S.unit_vectors(n))
    p = zs.SoftmaxRegression(np.eye(n), b)
    f = zs.softmax(y)
    c = f - b
    vt = v - f @ v
    Sv = f * v - f * (f @ v)  # S v = diag(f) v - f f'v
    rhs = Sv @ Sv + np.sum(f * (c - f @ c) * vt**2)
    assert abs(v @ p.B(y) @ v - rhs) <= 32 * n * S.EPS_MACH * (1 + np.max(np.abs(b)))


@given(logits_and_target())
@example(_at("beta_plus_simplex"))
@example(_at("beta_minus_simplex"))
@example(_at("beta_plus_ball"))
@example(_at("beta_minus_ball"))
@example(S.embed(*_at("beta_minus_ball"), 4, [2, 0, 3, 1]))
@example((np.array([S.SATURATION, 0.0, -S.SATURATION]), np.array([0.0, 0.0, 1.0])))
@example((np.array([0.0, 0.0, 0.0, 0.0]), np.array([1.0, 0.0, 0.0, 0.0])))
def test_B_spectrum_within_loose_beta(yb):
    r"""C4: :math:`-\beta^- \le \lambda(B(x)) \le \beta^+` for every ``f`` and admissible ``b`` (simplex and ball).

    ``target`` pushes both ends toward the sup, the known maximisers of both sets are pinned. The proven
    :math:`\beta^\pm` are loose (the message gives attained/bound).
    """
    y, b = yb
    n = y.size
    Bm = zs.SoftmaxRegression(np.eye(n), b).B(y)
    lam = np.linalg.eigvalsh(Bm)
    beta_plus, beta_minus = zs.beta_constants(b)
    tol = _eig_tol(n, Bm)
    target(float(lam[-1] / beta_plus), label="lambda_max(B) / beta+")
    target(float(-lam[0] / beta_minus), label="-lambda_min(B) / beta-")
    assert lam[-1] <= beta_plus + tol, f"lambda_max(B) / beta+ = {lam[-1] / beta_plus:.4f} > 1"
    assert -lam[0] <= beta_minus + tol, f"-lambda_min(B) / beta- = {-lam[0] / beta_minus:.4f} > 1"


def test_n2_extremes_attained_and_below_constants():
    r"""C4: the n = 2 suprema are attained at the pinned points and lie below the library's constants on the simplex.

    The constants are :math:`\beta^+ = 7/8`, :math:`\beta^- = 1` at a vertex ``b``: valid, not tight.
    """
    lp = np.linalg.eigvalsh(zs.SoftmaxRegression(np.eye(2), [1.0, 0.0]).B(_logits_of(T_PLUS)))[-1]
    lm = np.linalg.eigvalsh(zs.SoftmaxRegression(np.eye(2), [0.0, 1.0]).B(_logits_of(T_MINUS)))[0]
    assert math.isclose(lp, BETA_PLUS_N2, rel_tol=1e-12)
    assert math.isclose(-lm, BETA_MINUS_N2, rel_tol=1e-12)
    bp, bm = zs.beta_constants([1.0, 0.0])
    assert bp >= BETA_PLUS_N2
    assert bm >= BETA_MINUS_N2


@given(S.instance_and_point())
@example((zs.SoftmaxRegression(np.eye(2), _at("beta_plus_ball")[1]), _at("beta_plus_ball")[0]))
@example((zs.SoftmaxRegression(np.eye(2), _at("beta_minus_ball")[1]), _at("beta_minus_ball")[0]))
@example((zs.SoftmaxRegression(np.eye(2), _at("beta_plus_simplex")[1]), _at("beta_plus_simplex")[0]))
def test_hessian_between_proven_bounds(case):
    r"""C4, C5: :math:`A^\top(W^2-\beta^-I)A \preceq \nabla^2L(x) \preceq H_0 = A^\top(\beta^+I+W^2)A`.

    Hence :math:`\lambda_{\max}(\nabla^2 L) \le \ell` = ``smoothness_bound``; and :math:`\|\nabla^2L(x)\| \le \ell` as
    C4 states (this needs :math:`-\lambda_{\min}(B) \le \beta^+`: tight values 0.2404 < 0.3081).
    """
    p, x = case
    H = p.hessian(x)
    tol = 2 * S.hessian_rounding(p)
    up = np.linalg.eigvalsh(zs.hessian_upper_bound(p) - H)[0]
    low = np.linalg.eigvalsh(H - zs.hessian_lower_bound(p))[0]
    ell = zs.smoothness_bound(p)
    target(float(-up), label="lambda_max(Hessian - H0)")
    target(float(-low), label="lambda_max(lower bound - Hessian)")
    target(float(np.linalg.norm(H, 2) / ell), label="|Hessian| / ell")
    assert up >= -tol, f"H0 - H has eigenvalue {up:.3g}, H - lower bound {low:.3g}"
    assert low >= -tol, f"H0 - H has eigenvalue {up:.3g}, H - lower bound {low:.3g}"
    assert np.linalg.norm(H, 2) <= ell + tol, f"|Hessian| / ell = {np.linalg.norm(H, 2) / ell:.4f}"


@given(S.instances(full_rank=True, regularized=False), st.floats(0.0, 2.0), st.floats(0.0, 1.0), st.data())
def test_strong_convexity_condition(p0, level, slack, data):
    r"""C5 (``level`` = l): :math:`w_i^2 \ge \beta^- + l/\sigma_{\min}(A)^2` implies :math:`\nabla^2L \succeq lI`.

    The Hessian bound holds everywhere and ``strong_convexity_bound >= l``; the paper family's condition with 4 in place
    of :math:`\beta^-` is stronger.
    """
    smin = float(np.linalg.svd(p0.A, compute_uv=False)[-1])
    _, beta_minus = zs.beta_constants(p0.b)
    w = np.sqrt(beta_minus + level / smin**2 + slack * data.draw(S.unit_vectors(p0.n)) ** 2)
    p = zs.SoftmaxRegression(p0.A, p0.b, w)
    x = data.draw(S.points(p))
    lam_min = float(np.linalg.eigvalsh(p.hessian(x))[0])
    tol = 2 * S.hessian_rounding(p)
    target(float(level - lam_min), label="level - lambda_min(Hessian)")
    assert lam_min >= level - tol
    assert zs.strong_convexity_bound(p) >= level - tol


@given(logits_and_target())
@example(_at("sc_simplex"))
@example(_at("sc_ball"))
@example(S.embed(*_at("sc_ball"), 3, [1, 2, 0]))
@example((np.array([S.SATURATION, 0.0, 0.0]), np.array([0.0, 1.0, 0.0])))
def test_residual_gradient_within_loose_bound(yb):
    r"""C6: :math:`\|Sc\| \le` ``residual_gradient_bound(b)`` (with ``A = I``, ``Sc`` is the gradient).

    ``target`` pushes toward the sup (simplex :math:`8\sqrt2/27`, ball 0.5521, both pinned). The proven bound is loose
    (0.707 against 0.419 at a simplex vertex target): the message gives attained/bound.
    """
    y, b = yb
    n = y.size
    sc = np.linalg.norm(zs.SoftmaxRegression(np.eye(n), b).gradient(y))
    bound = zs.residual_gradient_bound(b)
    target(float(sc / bound), label="|Sc| / bound")
    assert sc <= bound + 16 * n * S.EPS_MACH, f"|Sc| / bound = {sc / bound:.4f} > 1"


def test_residual_gradient_n2_sup_attained():
    """C6: the pinned n = 2 point attains 8 sqrt(2)/27 ~ 0.419, below the bound sqrt(1/2) = 0.707 at a vertex b."""
    sc = np.linalg.norm(zs.SoftmaxRegression(np.eye(2), [0.0, 1.0]).gradient(_logits_of(2 / 3)))
    assert math.isclose(sc, SC_SUP_N2, rel_tol=1e-12)
    assert sc <= zs.residual_gradient_bound([0.0, 1.0])


@given(S.instance_and_point(regularized=False))
@example((zs.SoftmaxRegression(2.0 * np.eye(2), _at("sc_ball")[1]), _at("sc_ball")[0] / 2.0))
def test_gradient_bound_on_instances(case):
    r"""C6: :math:`\|\nabla L(x)\| \le \|A\|\sup\|Sc\|` for the unregularized loss."""
    p, x = case
    bound = float(np.linalg.norm(p.A, 2)) * zs.residual_gradient_bound(p.b)
    g = np.linalg.norm(p.gradient(x))
    target(float(g / bound), label="|grad L| / (|A| sup|Sc|)")
    assert g <= bound + S.gradient_rounding(p, x), f"|grad L| / (|A| sup|Sc|) = {g / bound:.4f} > 1"


def _pair_direction(p: zs.SoftmaxRegression, x: np.ndarray) -> np.ndarray:
    r"""Unit :math:`A^\top(e_i - e_j)` for the two largest entries of ``f``.

    The logits move along :math:`AA^\top(e_i - e_j)`, for ``A = cQ`` exactly the direction of the two-entry maximisers
    of :math:`|\varphi^{(3)}|`.
    """
    i, j = np.argsort(zs.softmax(p.A @ x))[-2:]
    u = p.A.T @ (np.eye(p.n)[i] - np.eye(p.n)[j])
    norm = float(np.linalg.norm(u))
    return u / norm if norm > 0 else np.eye(p.d)[0]


# One draw in two near M3's own maximisers (both target sets): the generic strategy reaches them in 1 draw of 32, too
# rarely for 60 examples to find a constant 5% low without the pinned @example (make mutants MUTANT_ARGS=--search-only).
@given(st.one_of(S.instance_and_point(), S.extreme_instance_and_point(names=("m3_simplex", "m3_ball"))), st.data())
@example((zs.SoftmaxRegression(np.eye(2), _at("m3_simplex")[1]), _at("m3_simplex")[0]), None)
@example((zs.SoftmaxRegression(np.eye(2), _at("m3_ball")[1]), _at("m3_ball")[0]), None)
def test_third_derivative_within_loose_M3(case, data):
    r"""C7 constant: :math:`|\varphi^{(3)}| \le M_3` along unit directions.

    A drawn one, or the direction of the two largest softmax entries, where the two-entry maximisers sit. The central
    difference of :math:`v^\top\nabla^2L\,v` is the *mean* of :math:`\varphi^{(3)}` over :math:`[-h, h]`, so it is
    bounded by :math:`M_3` with no truncation term; only roundoff :math:`\delta_H/h` is added (``h = 1e-3``).
    :math:`M_3` is about 7x the sup (0.571 against 3.97 on the simplex): the message gives attained/bound.
    """
    p, x = case
    v = _pair_direction(p, x) if data is None or data.draw(st.booleans()) else data.draw(S.unit_vectors(p.d))
    h = 1e-3
    third = v @ (p.hessian(x + h * v) - p.hessian(x - h * v)) @ v / (2 * h)
    m3 = zs.third_derivative_bound(p)
    target(float(abs(third) / m3), label="|phi_3| / M3")
    assert abs(third) <= m3 + S.hessian_rounding(p) / h, f"|phi_3| / M3 = {abs(third) / m3:.4f} > 1"


@given(S.instances())
def test_effective_rank_in_range(p):
    r"""C10: :math:`1 \le r(H_0) \le \mathrm{rank}(A) \le d`."""
    r = zs.effective_rank(zs.hessian_upper_bound(p))
    assert 1 - 1e-12 <= r <= np.linalg.matrix_rank(p.A) + 1e-9


def _quantity(kind: str, y: np.ndarray, b: np.ndarray) -> float:
    """λ_max(B), −λ_min(B), ‖Sc‖ or |φ'''| along the two largest entries' direction, with A = I (library calls)."""
    p = zs.SoftmaxRegression(np.eye(y.size), b)
    if kind == "lambda_max":
        return float(np.linalg.eigvalsh(p.B(y))[-1])
    if kind == "-lambda_min":
        return float(-np.linalg.eigvalsh(p.B(y))[0])
    if kind == "|Sc|":
        return float(np.linalg.norm(p.gradient(y)))
    v, h = _pair_direction(p, y), 1e-3
    return float(abs(v @ (p.hessian(y + h * v) - p.hessian(y - h * v)) @ v / (2 * h)))


@pytest.mark.parametrize("name", sorted(S.MAXIMISERS))
def test_search_reaches_every_known_supremum(name):
    """The shared strategy (no ``@example``) finds a point within 2% of every known maximiser's value, simplex and ball.

    A constant 2% or more below a supremum cannot hide from the property tests that draw from it.
    """
    _, b_star, kind = S.MAXIMISERS[name]
    attained = _quantity(kind, *S.maximiser(name))
    in_simplex = lambda b: bool(np.all(b >= 0) and abs(float(np.sum(b)) - 1) <= 1e-12)  # noqa: E731
    simplex = in_simplex(np.array(b_star))
    found = find(S.logits_and_targets(), lambda yb: in_simplex(yb[1]) == simplex
                 and _quantity(kind, *yb) >= 0.98 * attained, settings=settings(max_examples=2000, database=None))
    assert _quantity(kind, *found) >= 0.98 * attained
