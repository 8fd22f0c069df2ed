r"""Shared Hypothesis strategies (instances, targets, points, directions, seeds), error models, exact moments.

Every value is *built* valid (``map`` / composite), never filtered: probability vectors are softmax images
of drawn logits, targets are mapped onto the simplex or into the unit ball, spectra are prescribed.
Instances are small (``n, d <= 6`` by default, ``d <= 8`` where asked) so that Rademacher expectations can be
enumerated exactly.

Both ends of every constant are reachable: targets come from the simplex *and* the unit ball (including the
range-:math:`\sqrt2` antipodal points :math:`(e_i - e_j)/\sqrt2` where the ball's suprema sit), logits reach
saturation, and :data:`MAXIMISERS` holds the known maximisers of :math:`\lambda_{\max}(B)`,
:math:`-\lambda_{\min}(B)`, :math:`\|Sc\|` and the third derivative :math:`|\varphi^{(3)}|` (two-entry ``f``, both
target sets), which :func:`near_extremes` perturbs and embeds in larger ``n``: a constant set even a few percent
below its supremum is then found by the search, not only by a pinned ``@example``.

The roundoff models (``loss_rounding``, ``gradient_rounding``, ``hessian_rounding``) are the standard
:math:`\gamma_m` bounds of sums and products, used by every tolerance that is not a modelling error; the
direction moments (``gaussian_even_moment``, ``sphere_even_moment``) are derived here independently of the
library and give the exact standard deviations of the Monte-Carlo checks.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import zosoftmax as zs

__all__ = [
    "EPS_MACH",
    "M3_DIRECTION",
    "MAXIMISERS",
    "SATURATION",
    "antipodal_targets",
    "ball_targets",
    "distributions",
    "embed",
    "eps_values",
    "even_moment",
    "extreme_instance_and_point",
    "gaussian_even_moment",
    "gradient_rounding",
    "hessian_rounding",
    "instance_and_point",
    "instances",
    "logit_scale",
    "logits",
    "logits_and_targets",
    "loss_rounding",
    "maximiser",
    "near_extremes",
    "norm4_of_estimate_moment",
    "points",
    "probability_vectors",
    "rademacher_signs",
    "resolvable_eps",
    "round_units",
    "seeds",
    "simplex_targets",
    "spectra",
    "sphere_even_moment",
    "spread_quadratic",
    "targets",
    "unit_vectors",
]

SATURATION = 1e3  # logits up to ~1e3: exp(-1e3) underflows to 0, one f_i is exactly 1 (saturated softmax)

seeds = st.integers(min_value=0, max_value=2**32 - 1)
distributions = st.sampled_from(zs.DISTRIBUTIONS)
# ε from 1e-3 to 1 (log-uniform): the whole range where the C7 bias bound is informative
eps_values = st.floats(min_value=-3.0, max_value=0.0).map(lambda t: float(10.0**t))

_finite = {"allow_nan": False, "allow_infinity": False}


def logits(n: int, scale: float = 10.0) -> st.SearchStrategy[np.ndarray]:
    """Logit vectors in ``[-scale, scale]^n``, with a chance of a saturating spread (up to ``SATURATION``)."""
    base = hnp.arrays(np.float64, n, elements=st.floats(-scale, scale, **_finite))
    spread = st.sampled_from([1.0, 1.0, 1.0, 5.0, 40.0, SATURATION / scale])
    return st.tuples(base, spread).map(lambda t: t[0] * t[1])


def probability_vectors(n: int) -> st.SearchStrategy[np.ndarray]:
    """Points of the simplex as softmax images of logits (vertices included when the logits saturate)."""
    return logits(n).map(zs.softmax)


def simplex_targets(n: int) -> st.SearchStrategy[np.ndarray]:
    """Admissible targets ``b`` in the simplex (softmax of logits; saturated logits give a vertex)."""
    return st.one_of(probability_vectors(n), st.integers(0, n - 1).map(lambda i: np.eye(n)[i]))


def antipodal_targets(n: int) -> st.SearchStrategy[np.ndarray]:
    r"""Ball targets of the largest range, :math:`(e_i - e_j)/\sqrt2` (:math:`\|b\| = 1`, :math:`\rho = \sqrt2`).

    Where the ball's suprema of :math:`\pm\lambda(B)` and :math:`\|Sc\|` are attained (n = 2; numerically n <= 8).
    """
    pairs = st.tuples(st.integers(0, n - 1), st.integers(1, n - 1)).map(lambda ij: (ij[0], (ij[0] + ij[1]) % n))
    return pairs.map(lambda ij: (np.eye(n)[ij[0]] - np.eye(n)[ij[1]]) / np.sqrt(2.0))


def ball_targets(n: int) -> st.SearchStrategy[np.ndarray]:
    r"""Targets in the unit ball :math:`\|b\|_2 \le 1` (the paper family's other admissible set), mapped there.

    Inside, on the sphere, or at an antipodal point (the range-maximising extremes).
    """
    raw = hnp.arrays(np.float64, n, elements=st.floats(-1.0, 1.0, **_finite))
    inside = raw.map(lambda v: v / max(1.0, float(np.linalg.norm(v))))
    on_sphere = raw.map(lambda v: v / np.linalg.norm(v) if np.linalg.norm(v) > 1e-3 else np.eye(n)[0])
    return st.one_of(inside, on_sphere, antipodal_targets(n))


def targets(n: int) -> st.SearchStrategy[np.ndarray]:
    """Either admissible set."""
    return st.one_of(simplex_targets(n), ball_targets(n))


# ------------------------------------------------------------------------ known maximisers (n = 2)
_R2 = 1.0 / math.sqrt(2.0)
# name -> (t, b, quantity) with f = (t, 1 - t), logits log f. Closed forms where known, else scipy's bounded scalar
# maximiser over t (xatol 1e-12) at the range-maximising target; the attained value is always computed by the
# library at test time, never typed in.
MAXIMISERS: dict[str, tuple[float, tuple[float, float], str]] = {
    "beta_plus_simplex": ((9 + math.sqrt(33)) / 24, (1.0, 0.0), "lambda_max"),  # 4t(1-t)^2(3t-1) ~ 0.3081
    "beta_minus_simplex": ((15 + math.sqrt(33)) / 24, (0.0, 1.0), "-lambda_min"),  # 4t^2(1-t)(3t-2) ~ 0.2404
    "beta_plus_ball": (0.35057075471893645, (-_R2, _R2), "lambda_max"),  # ~ 0.35912 (numeric)
    "beta_minus_ball": ((2 - math.sqrt(2)) / 4, (_R2, -_R2), "-lambda_min"),  # f_2 = 0.854: 5/16 exactly
    "sc_simplex": (2 / 3, (0.0, 1.0), "|Sc|"),  # 2 sqrt2 t^2 (1-t) = 8 sqrt2/27 ~ 0.4190
    "sc_ball": (0.36302426778403435, (_R2, -_R2), "|Sc|"),  # ~ 0.55206 (numeric)
    "m3_simplex": (0.36373571434274043, (1.0, 0.0), "third"),  # along (1, -1)/sqrt2: ~ 0.57141 (numeric)
    "m3_ball": (0.38258876571404143, (_R2, -_R2), "third"),  # ~ 0.68210 (numeric)
}
M3_DIRECTION = np.array([1.0, -1.0]) / np.sqrt(2.0)  # the one direction of R^2 the softmax sees (the other is 1)


def maximiser(name: str) -> tuple[np.ndarray, np.ndarray]:
    """(logits, target) of a known maximiser (n = 2), see :data:`MAXIMISERS`."""
    t, b, _ = MAXIMISERS[name]
    return np.log(np.array([t, 1.0 - t])), np.array(b, dtype=float)


def embed(y: np.ndarray, b: np.ndarray, n: int, perm: Any = None) -> tuple[np.ndarray, np.ndarray]:
    """A two-entry case inside ``n`` entries: extra logits at ``-SATURATION`` (``f_i = 0`` exactly) and ``b_i = 0``.

    ``B``, ``Sc`` and the loss along directions of the first two entries keep their values (the extra entries have
    ``f_i = c_i = 0``) and ``b`` stays in its set (simplex or ball); ``perm`` relabels the entries.
    """
    yy = np.r_[y, np.full(n - 2, float(np.max(y)) - SATURATION)]
    bb = np.r_[b, np.zeros(n - 2)]
    if perm is not None:
        perm = np.asarray(perm)
        yy, bb = yy[perm], bb[perm]
    return yy, bb


@st.composite
def near_extremes(draw: Any, n_max: int = 6, names: Any = None) -> tuple[np.ndarray, np.ndarray]:
    """(y, b) near a known maximiser: its logit gap moved by up to 0.3, embedded in ``n`` entries, permuted."""
    name = draw(st.sampled_from(sorted(MAXIMISERS) if names is None else list(names)))
    y, b = maximiser(name)
    y = y + np.array([draw(st.floats(-0.3, 0.3, **_finite)), 0.0])
    n = draw(st.integers(2, n_max))
    return embed(y, b, n, draw(st.permutations(range(n))))


@st.composite
def _generic_logits_and_target(draw: Any, n_max: int) -> tuple[np.ndarray, np.ndarray]:
    n = draw(st.integers(2, n_max))
    return draw(logits(n)), draw(targets(n))


def logits_and_targets(n_max: int = 6) -> st.SearchStrategy[tuple[np.ndarray, np.ndarray]]:
    """(y, b): logits of any softmax vector (saturated included) and an admissible target, n in [2, n_max].

    A third of the draws near a known maximiser (:func:`near_extremes`).
    """
    return st.one_of(_generic_logits_and_target(n_max), _generic_logits_and_target(n_max), near_extremes(n_max))


@st.composite
def extreme_instance_and_point(draw: Any, n_max: int = 6, names: Any = None,
                               regularized: bool | None = None) -> tuple[zs.SoftmaxRegression, np.ndarray]:
    r"""An instance ``A = cQ`` and a point whose logits are near a known maximiser (:func:`near_extremes`).

    ``Q`` is orthogonal and ``c`` in [0.5, 2]: :math:`\nabla^2 L = c^2Q^\top(B + W^2)Q` then carries :math:`B`'s extreme
    eigenvalue, so a constant below its supremum fails at the instance level too.
    """
    y, b = draw(near_extremes(n_max, names))
    n = y.size
    c = draw(st.floats(0.5, 2.0))
    Q = np.linalg.qr(np.random.default_rng(draw(seeds)).standard_normal((n, n)))[0]
    reg = draw(st.booleans()) if regularized is None else regularized
    w = draw(hnp.arrays(np.float64, n, elements=st.floats(0.0, 2.0, **_finite))) if reg else None
    return zs.SoftmaxRegression(c * Q, b, w), Q.T @ y / c  # A x = c Q Qᵀ y / c = y


@st.composite
def spectra(draw: Any, m: int, top: tuple[float, float] = (0.1, 3.0)) -> np.ndarray:
    """Singular values: ``top`` times a decreasing profile (flat, geometric decay, or one dominant value)."""
    s_max = draw(st.floats(*top))
    kind = draw(st.sampled_from(["flat", "geometric", "spike", "linear"]))
    if kind == "flat":
        prof = np.ones(m)
    elif kind == "geometric":
        q = draw(st.floats(0.1, 0.9))
        prof = q ** np.arange(m)
    elif kind == "spike":
        prof = np.r_[1.0, np.full(m - 1, draw(st.floats(0.0, 0.1)))]
    else:
        prof = np.linspace(1.0, 0.5, m)
    return s_max * prof


@st.composite
def instances(draw: Any, n: tuple[int, int] = (2, 6), d: tuple[int, int] = (1, 6), regularized: bool | None = None,
              full_rank: bool = False, ball: bool = True) -> zs.SoftmaxRegression:
    """A random instance with a prescribed spectrum of ``A`` (bounded ``||A|| <= 3``), admissible ``b``, optional ``w``.

    ``full_rank`` forces ``n >= d`` and positive singular values (rank(A) = d, needed by C5).
    """
    nn = draw(st.integers(*n))
    dd = draw(st.integers(d[0], min(d[1], nn) if full_rank else d[1]))
    s = draw(spectra(min(nn, dd), top=(0.1, 3.0)))
    if full_rank:
        s = np.maximum(s, 0.05 * s[0])
    b = draw(targets(nn) if ball else simplex_targets(nn))
    reg = draw(st.booleans()) if regularized is None else regularized
    w = draw(hnp.arrays(np.float64, nn, elements=st.floats(0.0, 2.0, **_finite))) if reg else None
    return zs.random_instance(nn, dd, rng=draw(seeds), singular_values=s, w=w, b=b)


@st.composite
def points(draw: Any, problem: zs.SoftmaxRegression, saturate: bool = True) -> np.ndarray:
    """Points ``x``: moderate (``|x_i| <= 3``) or, with ``saturate``, scaled so the logits reach ~``SATURATION``."""
    x = draw(hnp.arrays(np.float64, problem.d, elements=st.floats(-3.0, 3.0, **_finite)))
    if saturate and draw(st.integers(0, 4)) == 0:
        y = problem.A @ x
        spread = float(np.max(y) - np.min(y))
        if spread > 1e-3:
            x = x * (draw(st.sampled_from([30.0, 200.0, SATURATION])) / spread)
    return x


@st.composite
def instance_and_point(draw: Any, saturate: bool = True, extremes: bool = True,
                       **kwargs: Any) -> tuple[zs.SoftmaxRegression, np.ndarray]:
    """An instance and a point on it.

    With ``extremes`` (and no constraint on the instance but ``regularized`` and ``d``), one draw in four is an
    :func:`extreme_instance_and_point` (logits near a known maximiser of a constant, ``n = d <= min(6, d_max)``).
    """
    d_max = kwargs.get("d", (1, 6))[1]
    if extremes and saturate and set(kwargs) <= {"regularized", "d"} and d_max >= 2 and draw(st.integers(0, 3)) == 0:
        return draw(extreme_instance_and_point(n_max=min(6, d_max), regularized=kwargs.get("regularized")))
    p = draw(instances(**kwargs))
    return p, draw(points(p, saturate=saturate))


def unit_vectors(d: int) -> st.SearchStrategy[np.ndarray]:
    """Unit vectors of R^d: a Gaussian-like draw mapped to the sphere (a fixed axis if it is ~0)."""
    raw = hnp.arrays(np.float64, d, elements=st.floats(-1.0, 1.0, **_finite))
    return raw.map(lambda v: v / np.linalg.norm(v) if np.linalg.norm(v) > 1e-3 else np.eye(d)[0])


# ------------------------------------------------------------------ error models shared by the checks
EPS_MACH = float(np.finfo(np.float64).eps)


def round_units(problem: zs.SoftmaxRegression) -> float:
    r"""Units of roundoff per evaluation.

    The standard :math:`\gamma_m = m\varepsilon/(1 - m\varepsilon)` bound for sums and products of ``m`` terms, with
    ``m = 4(n + d)`` (the matrix product ``Ax``, the ``n``-term sums of the softmax normalizer and of the loss, a few
    ops each) and a factor 4 for ``exp``/division.
    """
    return 16.0 * (problem.m * problem.n + problem.d)  # m softmax rows: their sums are one (mn)-term sum


def logit_scale(problem: zs.SoftmaxRegression, x: np.ndarray) -> float:
    r"""A bound on :math:`\|\nabla_y L\|` plus its sensitivity to the rounding of ``y = Ax``.

    :math:`\|Sc\| \le 1` and :math:`\|w^2\circ y\|`, :math:`\|w\|_\infty^2\|A\|\|x\|`.
    """
    y = problem.logits(np.asarray(x, dtype=np.float64))
    w2 = 0.0 if problem.w is None else problem.w**2
    return 1.0 + float(np.linalg.norm(w2 * y)) + float(np.max(w2)) * _norm_a(problem) * float(np.linalg.norm(x))


def _norm_a(problem: zs.SoftmaxRegression) -> float:
    """Spectral norm of the stacked rows ``[A_1; ..; A_m]``."""
    return float(np.linalg.norm(problem.A.reshape(-1, problem.d), 2))


def loss_rounding(problem: zs.SoftmaxRegression, x: np.ndarray) -> float:
    r"""Absolute roundoff of one loss evaluation at ``x`` (or the largest over the rows of a 2-d ``x``).

    :math:`u\,\epsilon_{mach}(1 + |L| + \|A\|(1 + \|x\|)s_y)` (relative error of the sums, plus the rounding of
    ``x + h v`` and of ``Ax`` propagated by :math:`\nabla_y L`).
    """
    X = np.atleast_2d(x)
    norm_a = _norm_a(problem)
    w2 = 0.0 if problem.w is None else problem.w**2
    WY = (w2 * problem.logits(X)).reshape(X.shape[0], -1)
    s_y = 1.0 + np.linalg.norm(WY, axis=1) + float(np.max(w2)) * norm_a * np.linalg.norm(X, axis=1)
    vals = 1.0 + np.abs(problem.loss_batch(X)) + norm_a * (1.0 + np.linalg.norm(X, axis=1)) * s_y
    return float(round_units(problem) * EPS_MACH * np.max(vals))


def gradient_rounding(problem: zs.SoftmaxRegression, x: np.ndarray) -> float:
    r"""Absolute roundoff (2-norm) of one gradient evaluation: :math:`u\,\varepsilon\,\|A\|\,s_y`."""
    return round_units(problem) * EPS_MACH * _norm_a(problem) * logit_scale(problem, x)


def hessian_rounding(problem: zs.SoftmaxRegression) -> float:
    r"""Absolute roundoff (2-norm) of one Hessian: :math:`u\,\varepsilon\,\|A\|^2(2 + \|w\|_\infty^2)`, ``|B| <= 2``."""
    w2 = 0.0 if problem.w is None else float(np.max(problem.w**2))
    return round_units(problem) * EPS_MACH * _norm_a(problem) ** 2 * (2.0 + w2)


def resolvable_eps(problem: zs.SoftmaxRegression, x: np.ndarray, Z: np.ndarray, eps: float) -> float:
    r"""``eps``, raised to twice the library's resolution floor if it is below it.

    The floor is :math:`\sqrt u\,\max(1, \max|Ax|)/\max|AZ|`, where ``spsa_gradient`` warns that rounding takes half the
    quotient's digits (a ``PrecisionWarning``; the guard itself is tested in ``test_guards.py``). The properties here
    hold for every :math:`\varepsilon` (their tolerances carry :math:`\delta_L/\varepsilon`); they are checked above the
    floor.
    """
    az = float(np.max(np.abs(np.atleast_2d(Z) @ problem.A.T), initial=0.0))
    if az == 0.0:
        return eps
    scale = max(1.0, float(np.max(np.abs(np.atleast_2d(x) @ problem.A.T))))
    return max(eps, 2.0 * math.sqrt(EPS_MACH / 2) * scale / az)


def rademacher_signs(d: int) -> np.ndarray:
    """All ``2^d`` sign vectors of R^d, shape (2^d, d): the Rademacher distribution, enumerated exactly."""
    idx = np.arange(2**d)[:, None]
    return (1 - 2 * ((idx >> np.arange(d)) & 1)).astype(np.float64)


# ------------------------------------------------------- exact direction moments (independent derivation)
def _double_factorial(m: int) -> int:
    return math.prod(range(m, 0, -2)) if m > 0 else 1


def gaussian_even_moment(powers: tuple[int, ...]) -> float:
    r""":math:`E\prod_i z_i^{p_i}` for independent :math:`N(0,1)` coordinates, even :math:`p_i`.

    :math:`\prod(p_i-1)!!` (Isserlis).
    """
    return float(math.prod(_double_factorial(p - 1) for p in powers))


def sphere_even_moment(d: int, powers: tuple[int, ...]) -> float:
    r""":math:`E\prod_i z_i^{p_i}` for ``z`` uniform on the sphere of radius :math:`\sqrt d`, even :math:`p_i`.

    :math:`d^{m}\prod(p_i-1)!!/\prod_{j<m}(d+2j)`, :math:`m = \sum p_i/2` (Dirichlet/Beta integrals).
    """
    m = sum(powers) // 2
    return float(d**m * math.prod(_double_factorial(p - 1) for p in powers) / math.prod(d + 2 * j for j in range(m)))


def even_moment(distribution: str, d: int, powers: tuple[int, ...]) -> float:
    """Gaussian or sphere moment of distinct coordinates (Rademacher: every even power is 1)."""
    if distribution == "rademacher":
        return 1.0
    return gaussian_even_moment(powers) if distribution == "gaussian" else sphere_even_moment(d, powers)


def norm4_of_estimate_moment(distribution: str, d: int) -> float:
    r""":math:`E\|zz^\top g\|^4/\|g\|^4 = E[(z^\top e_1)^4\|z\|^4]` for a unit ``g`` (Gaussian, sphere).

    Both laws are rotation invariant, so the moment is
    :math:`Ez_1^8 + 2(d-1)Ez_1^6z_2^2 + (d-1)[Ez_1^4z_2^4 + (d-2)Ez_1^4z_2^2z_3^2]`.
    """
    m = lambda *p: even_moment(distribution, d, p)  # noqa: E731
    return m(8) + 2 * (d - 1) * m(6, 2) + (d - 1) * (m(4, 4) + (d - 2) * m(4, 2, 2))


def spread_quadratic() -> tuple[zs.Quadratic, np.ndarray]:
    """A fixed quadratic with a spread spectrum (4 down to 1/4, and one flat direction) and a start.

    The planner's and the thresholds' test instance.
    """
    g = np.random.default_rng(0)
    lam = np.array([4.0, 2.0, 1.0, 0.5, 0.25, 0.0])
    V, _ = np.linalg.qr(g.standard_normal((lam.size, lam.size)))
    H = (V * lam) @ V.T
    return zs.Quadratic(0.5 * (H + H.T), np.zeros(lam.size)), g.standard_normal(lam.size)
