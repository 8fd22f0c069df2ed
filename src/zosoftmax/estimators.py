r"""Zeroth-order gradient estimates and their exact moments.

The central two-point estimate with ``k`` directions :math:`z_1..z_k` is

.. math:: \hat g = \frac1k\sum_{j=1}^k \frac{L(x+\varepsilon z_j) - L(x-\varepsilon z_j)}{2\varepsilon}\, z_j

(``2k`` loss evaluations); the forward scheme uses :math:`[L(x+\varepsilon z_j) - L(x)]/\varepsilon`
(``k + 1`` evaluations). As :math:`\varepsilon\to 0` both tend to :math:`\frac1k\sum_j z_j z_j^\top g`,
whose moments are exact and closed-form (C8, C9, C10); for a quadratic the central scheme equals that
limit at every :math:`\varepsilon` (C7). For the three (symmetric) direction distributions the forward
estimate has exactly the central estimate's mean at every ε, so both biases are :math:`O(\varepsilon^2)`;
the forward scheme's first-order error only widens single estimates (:func:`zosoftmax.deviation_bound`).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import NDArray

from . import _checks
from .problem import SoftmaxRegression, softmax

__all__ = [
    "DISTRIBUTIONS",
    "SCHEMES",
    "sample_directions",
    "evaluations",
    "projected_gradients",
    "spsa_gradient",
    "direction_moment",
    "second_moment_factor",
    "second_moment_matrix",
    "gamma",
]

Array = NDArray[Any]
DISTRIBUTIONS = _checks.DISTRIBUTIONS
SCHEMES = _checks.SCHEMES
BatchedLoss = Callable[[Array], Array]


def sample_directions(k: int, d: int, distribution: str = "gaussian", rng: Any = None,
                      dtype: Any = np.float64) -> Array:
    r"""Draw ``k`` directions in :math:`\mathbb R^d`.

    Parameters
    ----------
    k, d : int
        Number of directions and dimension.
    distribution : {"gaussian", "sphere", "rademacher"}
        :math:`N(0, I_d)`; uniform on the sphere of radius :math:`\sqrt d`; i.i.d. :math:`\pm 1`.
    rng : numpy.random.Generator, int or None

    Returns
    -------
    ndarray (k, d)
        All three have :math:`E[zz^\top] = I_d`.

    Notes
    -----
    C8-C10 (the distributions), C12 (regenerated from a seed instead of stored).
    """
    k = _checks.positive_int(k, "k")
    d = _checks.positive_int(d, "d")
    distribution = _checks.choice(distribution, "distribution", DISTRIBUTIONS)
    return _draw(_checks.generator(rng), np.empty((k, d), dtype=dtype), distribution)


def _draw(gen: np.random.Generator, out: Array, distribution: str) -> Array:
    """Fill ``out`` (..., d) with i.i.d. directions from ``gen`` in C order and return it.

    The one sampler behind :func:`sample_directions` and the seeded runs: the draws are made in float64
    (normalized there for the sphere) and rounded once to ``out.dtype``; a (k, d) block is the first
    ``k`` rows of an (m, k, d) block drawn from the same generator state.
    """
    shape, d = out.shape, out.shape[-1]
    if distribution == "rademacher":
        out[...] = 2 * gen.integers(0, 2, size=shape, dtype=np.int8) - 1
        return out
    direct = out.dtype == np.float64 and out.flags.c_contiguous
    Z = gen.standard_normal(out=out) if direct else gen.standard_normal(shape, dtype=np.float64)
    if distribution == "sphere":
        Z *= np.sqrt(d) / np.linalg.norm(Z, axis=-1, keepdims=True)  # radius sqrt(d)
    if not direct:
        out[...] = Z
    return out


def evaluations(k: int, scheme: str = "central") -> int:
    r"""Loss evaluations of one estimate: ``2k`` (central) or ``k + 1`` (forward).

    Notes
    -----
    C12.
    """
    k = _checks.positive_int(k, "k")
    return 2 * k if _checks.choice(scheme, "scheme", SCHEMES) == "central" else k + 1


def _quotients(values: Array, k: int, eps: float, scheme: str) -> Array:
    """Difference quotients from the stacked losses: [L(+)..., L(-)...] or [L(x), L(+)...]; last axis."""
    if scheme == "central":
        return (values[..., :k] - values[..., k:]) / (2 * eps)  # [L(x+εz) − L(x−εz)] / (2ε)
    return (values[..., 1:] - values[..., :1]) / eps  # [L(x+εz) − L(x)] / ε


def _stacked_logits(y0: Array, AZ: Array, eps: float, scheme: str, out: Array | None = None) -> Array:
    """Perturbed logits ``y0 ± ε A z_j`` for (..., n) ``y0`` and (..., k, n) ``AZ``: (..., 2k or k+1, n).

    Central: rows ``[y0 + εAz_1 .. y0 + εAz_k, y0 − εAz_1 .. y0 − εAz_k]``; forward: ``[y0, y0 + εAz_1 ..]``.
    Written into ``out`` when given (no concatenation copy).
    """
    k = AZ.shape[-2]
    eAZ = eps * AZ
    if out is None:
        rows = 2 * k if scheme == "central" else k + 1
        out = np.empty((*AZ.shape[:-2], rows, AZ.shape[-1]), dtype=np.result_type(y0, eAZ))
    y = y0[..., None, :]
    if scheme == "central":
        np.add(y, eAZ, out=out[..., :k, :])  # A(x + εz) = Ax + εAz
        np.subtract(y, eAZ, out=out[..., k:, :])  # A(x − εz) = Ax − εAz
    else:
        out[..., 0, :] = y0
        np.add(y, eAZ, out=out[..., 1:, :])
    return out


def _perturbed_losses(f: SoftmaxRegression, y0: Array, AZ: Array, eps: float, scheme: str, center: bool = False,
                      out: Array | None = None) -> Array:
    """Losses at the logits of :func:`_stacked_logits` (..., 2k or k + 1), plus, with ``center`` and the central
    scheme, the loss at ``y0`` as a last column; ``out`` (..., rows, n) is scratch space. Every loss is
    ``loss_from_logits`` of its own logits (so the forward and central schemes share their rounding)."""
    k, n = AZ.shape[-2], AZ.shape[-1]
    m = 2 * k if scheme == "central" else k + 1
    rows = m + 1 if center and scheme == "central" else m
    if out is None:
        out = np.empty((*AZ.shape[:-2], rows, n), dtype=np.result_type(y0, AZ))
    _stacked_logits(y0, AZ, eps, scheme, out=out[..., :m, :])
    if rows > m:
        out[..., m, :] = y0
    return f.loss_from_logits(out.reshape(-1, n)).reshape(out.shape[:-1])


# exp(±30) neither overflows nor lets a row's mass underflow, in float32 as in float64; beyond this the quotients
# are computed from the stacked logits themselves.
_FACTOR_MAX = 30.0


# e^v by its Taylor polynomial (Horner: 2M passes of multiply and add for degree M) where max|v| is small enough
# that degree M <= this reaches float64's unit roundoff (max|v| <= 0.069): numpy's float64 exp is scalar libm on
# AVX2 machines (5-9 ns an entry here, against 1-1.5 ns an entry for a pass), while its float32 exp is vectorized
# and stays the faster one.
_EXP_SERIES_MAX = 8
_INV_FACTORIAL = [1.0 / math.factorial(m) for m in range(_EXP_SERIES_MAX + 1)]


def _series_degree(a: float) -> int | None:
    r"""The lowest degree ``M`` whose Taylor polynomial of :math:`e^v` is within float64's unit roundoff
    :math:`u = 2^{-53}` (relative) on :math:`|v| \le a`; ``None`` beyond ``_EXP_SERIES_MAX``.

    The remainder after the degree-``M`` term is at most :math:`a^{M+1}/(M+1)!\,e^{a}` (Lagrange) and
    :math:`e^v \ge e^{-a}`, so :math:`a^{M+1}/(M+1)! \le u\,e^{-2a}` suffices.
    """
    term, bound = a, 2.0**-53 * math.exp(-2.0 * a)  # term = a^(M+1)/(M+1)!
    for M in range(_EXP_SERIES_MAX + 1):
        if term <= bound:
            return M
        term *= a / (M + 2)
    return None


def _exp_near_zero(V: Array, a: float, out: Array) -> Array:
    r""":math:`e^V` into ``out`` (shaped like ``V``), given :math:`a \ge \max|V|`: its Taylor polynomial in Horner
    form when float64 and :func:`_series_degree` allows (:math:`a \le 0.069`), else ``np.exp``.

    Error relative to :math:`e^v` for the polynomial: the truncation is below :math:`u`, the Horner roundings
    below :math:`1.2u` (each step's product is below 0.08 of its sum, so earlier roundings shrink; the last
    sum rounds once), :math:`2.25u` in all (``tests/test_bench.py`` checks it against 40-digit values).
    """
    M = _series_degree(a) if V.dtype == np.float64 else None
    if M is None:
        return np.exp(V, out=out)
    M = max(M, 1)  # degree 0 only for V = 0; degree 1 gives the same 1
    np.multiply(V, _INV_FACTORIAL[M], out=out)  # p = v/M! + 1/(M-1)!, then p = p v + 1/m! down to m = 0
    out += _INV_FACTORIAL[M - 1]
    for m in range(M - 2, -1, -1):
        out *= V
        out += _INV_FACTORIAL[m]
    return out


def _moments(U: Array, b: Array) -> tuple[Array, Array, Array]:
    """Row sums of ``U``, ``U b`` and ``U²`` along the last axis: α, P, Q (numpy's own loops, row by row)."""
    return np.sum(U, axis=-1), np.einsum("...n,n->...", U, b), np.einsum("...n,...n->...", U, U)


def _half_fit(alpha: Array, P: Array, Q: Array) -> Array:
    r""":math:`T = \tfrac12\|f\|^2 - \langle f, b\rangle` of ``f = u/α`` from the moments of ``u``:
    :math:`\tfrac12\|f-b\|^2 = T + \tfrac12\|b\|^2`."""
    return 0.5 * Q / (alpha * alpha) - P / alpha  # type: ignore[no-any-return]


def _factored_quotients(f: SoftmaxRegression, y0: Array, AZ: Array, eps: float, scheme: str,
                        scratch: tuple[Array, Array] | None = None) -> tuple[Array, Array] | None:
    r"""Difference quotients (..., k) and the centre losses :math:`L(y_0)` (...,) without forming the perturbed
    logits; ``None`` when :math:`\max|\varepsilon Az| > 30` (then use :func:`_perturbed_losses`).

    With :math:`f_0 = \mathrm{softmax}(y_0)` the perturbed softmax numerators factor,
    :math:`u^\pm = f_0 \circ e^{\pm\varepsilon Az}` (``k`` exponentials serve all ``2k`` points), and
    :math:`\tfrac12\|u/\alpha - b\|^2 = \tfrac12 Q/\alpha^2 - P/\alpha + \tfrac12\|b\|^2` with the row moments
    :math:`\alpha = \sum u`, :math:`P = \langle u, b\rangle`, :math:`Q = \|u\|^2`, so the ``‖b‖²`` cancels from every
    difference. The regularizer's difference is exact: :math:`\langle w^2 y_0, Az\rangle` (central) and
    :math:`\langle w^2 y_0, Az\rangle + \tfrac\varepsilon2\|w\circ Az\|^2` (forward). Row by row: every run's values
    depend on its own rows only. ``scratch`` is two arrays shaped like ``AZ``. Near zero (float64, max|εAz| <= 0.069)
    the exponentials are a Taylor polynomial (:func:`_exp_near_zero`), 18% cheaper for the whole function at ε = 1e-3.
    The quotients agree with those of :func:`_perturbed_losses` to rounding, not bit for bit; the centre loss
    is ``loss_from_logits(y0)`` bit for bit.
    """
    central = scheme == "central"
    G, H = scratch if scratch is not None else (np.empty_like(AZ), np.empty_like(AZ))
    np.multiply(AZ, eps, out=G)  # εAz
    a = max(-float(np.min(G)), float(np.max(G))) if G.size else 0.0  # max|εAz|
    if a > _FACTOR_MAX:
        return None
    f0 = softmax(y0)
    loss0 = f._loss_from_softmax(f0.copy(), y0)  # exactly loss_from_logits(y0)
    E = _exp_near_zero(G, a, out=H)  # e^{εAz}
    fz = f0[..., None, :]
    if central:
        np.divide(fz, E, out=G)  # u⁻ = f0 e^{−εAz}
    np.multiply(E, fz, out=E)  # u⁺ = f0 e^{+εAz}
    t_plus = _half_fit(*_moments(E, f.b))
    if central:
        s = (t_plus - _half_fit(*_moments(G, f.b))) / (2 * eps)  # [L(y0 + εAz) − L(y0 − εAz)] / (2ε)
    else:
        s = (t_plus - _half_fit(*_moments(f0, f.b))[..., None]) / eps  # [L(y0 + εAz) − L(y0)] / ε
    if f.w is not None:
        w2 = f.w * f.w
        s += np.einsum("...kn,...n->...k", AZ, w2 * y0)  # ½‖w(y0 ± εAz)‖² differences, divided exactly
        if not central:
            s += (0.5 * eps) * np.einsum("...kn,...kn,n->...k", AZ, AZ, w2)
    return s, loss0


# m matrix-vector products beat one (n, d) x (d, m) GEMM for m <= 2 in OpenBLAS (the GEMM packs A first, which
# costs more than a second pass over A); measured by ``python -m analysis.bench`` at n = d = 512 and 2048.
_GEMV_MAX_ROWS = 2


def _logits(A: Array, W: Array) -> Array:
    """``W @ A.T``: the logits ``A w`` of every row ``w`` of W (m, d), as (m, n), in one pass over ``A``.

    One BLAS product; for ``m <= _GEMV_MAX_ROWS`` rows, ``m`` matrix-vector products instead (faster there).
    """
    if W.shape[0] <= _GEMV_MAX_ROWS:
        P = np.empty((W.shape[0], A.shape[0]), dtype=np.result_type(A, W))
        for i in range(W.shape[0]):
            np.matmul(A, W[i], out=P[i])
        return P
    return W @ A.T


def projected_gradients(f: SoftmaxRegression | BatchedLoss, x: Any, directions: Any, *, eps: float = 1e-3,
                        scheme: str = "central") -> Array:
    r"""The scalars :math:`\hat g^\top z_j`-estimates, one per direction.

    Parameters
    ----------
    f : SoftmaxRegression or callable (m, d) -> (m,)
    x : array_like (d,)
    directions : array_like (k, d)
    eps : float > 0
    scheme : {"central", "forward"}

    Returns
    -------
    ndarray (k,)
        .. math:: s_j = \frac{L(x+\varepsilon z_j) - L(x-\varepsilon z_j)}{2\varepsilon}
           \quad\text{or}\quad \frac{L(x+\varepsilon z_j) - L(x)}{\varepsilon}

    Notes
    -----
    C7, C12. For a :class:`SoftmaxRegression` the perturbed logits come from one product
    :math:`A[x, z_1, \dots, z_k]`, using :math:`A(x\pm\varepsilon z) = Ax \pm \varepsilon Az`, and all
    losses from one batched evaluation on the (2k, n) (or (k + 1, n)) logits; for ``k = 1`` the product is
    two matrix-vector products (faster than a two-column GEMM in OpenBLAS).
    For a callable, all points go through one call of ``f``.
    """
    eps = _checks.positive_float(eps, "eps")
    scheme = _checks.choice(scheme, "scheme", SCHEMES)
    if isinstance(f, SoftmaxRegression):
        x = _checks.as_array(x, "x", ndim=1, shape=(f.d,), dtype=f.dtype)
        Z = _checks.as_array(directions, "directions", ndim=2, shape=(None, f.d), dtype=f.dtype)
        k = Z.shape[0]
        W = np.empty((k + 1, f.d), dtype=f.dtype)
        W[0], W[1:] = x, Z
        P = _logits(f.A, W)  # one BLAS product: [Ax, Az_1 .. Az_k]
        values = _perturbed_losses(f, P[0], P[1:], eps, scheme)  # one batched loss evaluation
    elif callable(f):
        x = _checks.as_array(x, "x", ndim=1)
        Z = _checks.as_array(directions, "directions", ndim=2, shape=(None, x.shape[0]))
        k = Z.shape[0]
        X = _stacked_logits(x, Z, eps, scheme)  # same stacking, in x-space
        values = np.asarray(f(X))
        if values.shape != (X.shape[0],):
            raise ValueError(f"f must map an (m, d) array to shape (m,); got {values.shape} for m={X.shape[0]}")
        if not np.all(np.isfinite(values)):
            raise ValueError("f returned non-finite loss values; the estimate would be NaN")
    else:
        raise ValueError(f"f must be a SoftmaxRegression or a callable (m, d) -> (m,); got {type(f).__name__}")
    return _quotients(values, k, eps, scheme)


def spsa_gradient(f: SoftmaxRegression | BatchedLoss, x: Any, *, k: int = 1, eps: float = 1e-3,
                  distribution: str = "gaussian", scheme: str = "central", rng: Any = None,
                  directions: Any = None) -> Array:
    r"""Zeroth-order (SPSA / MeZO-style) gradient estimate.

    Parameters
    ----------
    f : SoftmaxRegression or callable (m, d) -> (m,)
        The loss; a callable must be batched (all 2k or k+1 points go through one call).
    x : array_like (d,)
    k : int >= 1
        Number of directions.
    eps : float > 0
        Perturbation scale :math:`\varepsilon`.
    distribution : {"gaussian", "sphere", "rademacher"}
    scheme : {"central", "forward"}
    rng : numpy.random.Generator, int or None
    directions : array_like (k, d), optional
        Explicit directions; override sampling (``k`` and ``distribution`` are then ignored).

    Returns
    -------
    ndarray (d,)
        .. math:: \hat g = \frac1k\sum_j s_j z_j, \qquad s_j \text{ from } :func:`projected_gradients`

    Notes
    -----
    C7 (bias), C8-C9 (moments), C12 (cost: :func:`evaluations`).
    """
    if directions is None:
        d = f.d if isinstance(f, SoftmaxRegression) else _checks.as_array(x, "x", ndim=1).shape[0]
        dtype = f.dtype if isinstance(f, SoftmaxRegression) else np.float64
        directions = sample_directions(k, d, distribution, rng, dtype=dtype)
    else:
        _checks.positive_int(k, "k")
        _checks.choice(distribution, "distribution", DISTRIBUTIONS)
    s = projected_gradients(f, x, directions, eps=eps, scheme=scheme)
    Z = np.asarray(directions, dtype=s.dtype)
    return Z.T @ s / Z.shape[0]  # type: ignore[no-any-return]  # ĝ = (1/k) Σ s_j z_j


# ---------------------------------------------------------------------------------------- exact moments
def direction_moment(d: int, distribution: str, power: int = 4) -> float:
    r""":math:`E\|z\|^p` of one direction, for ``power`` in {2, 4}.

    Returns
    -------
    float
        :math:`E\|z\|^2 = d` for all three; :math:`E\|z\|^4 = d(d+2)` (Gaussian) or :math:`d^2`.

    Notes
    -----
    C7 (bias constant), C8.
    """
    d = _checks.positive_int(d, "d")
    distribution = _checks.choice(distribution, "distribution", DISTRIBUTIONS)
    if power == 2:
        return float(d)
    if power != 4:
        raise ValueError(f"power must be 2 or 4, got {power!r}")
    return float(d * (d + 2)) if distribution == "gaussian" else float(d * d)  # chi^2_d moment / |z| = √d


def _check_dk(d: Any, k: Any, distribution: Any) -> tuple[int, int, str]:
    return (_checks.positive_int(d, "d"), _checks.positive_int(k, "k"),
            _checks.choice(distribution, "distribution", DISTRIBUTIONS))


def second_moment_factor(d: int, k: int, distribution: str) -> float:
    r"""Exact :math:`E\|\hat g\|^2 / \|\nabla L\|^2` of the central scheme as :math:`\varepsilon\to0`.

    Returns
    -------
    float
        .. math:: \frac{d+k+1}{k} \ \text{(gaussian)}, \qquad \frac{d+k-1}{k}\ \text{(sphere, rademacher)}

    Notes
    -----
    C8. The trace of :func:`second_moment_matrix`; MeZO's :math:`(d+k-1)/k` holds exactly for the
    sphere and Rademacher directions (both have :math:`\|z\|^2 = d`), not for Gaussian ones.
    """
    d, k, distribution = _check_dk(d, k, distribution)
    if distribution == "gaussian":
        return (d + k + 1) / k  # E|z|^4 = d(d+2)  (Isserlis)
    return (d + k - 1) / k  # |z|^2 = d exactly


def second_moment_matrix(g: Any, k: int, distribution: str) -> Array:
    r"""Exact :math:`E[\hat g\hat g^\top]` as :math:`\varepsilon\to0` (exact at every ε for quadratics).

    Parameters
    ----------
    g : array_like (d,)
        The gradient.
    k : int
    distribution : {"gaussian", "sphere", "rademacher"}

    Returns
    -------
    ndarray (d, d)
        With :math:`G = g g^\top`,

        .. math::
            \text{gaussian: } (1+\tfrac1k)G + \tfrac1k\|g\|^2 I; \quad
            \text{sphere: } \tfrac{d}{k(d+2)}(2G + \|g\|^2 I) + (1-\tfrac1k)G; \quad
            \text{rademacher: } \tfrac1k(\|g\|^2 I + 2G - 2\,\mathrm{diag}(g^2)) + (1-\tfrac1k)G

    Notes
    -----
    C9: :math:`E[\hat g\hat g^\top] = \frac1k E[z z^\top G z z^\top] + (1-\frac1k) G`, with the fourth
    moments of each distribution (Isserlis; sphere :math:`E z_i^4 = 3d/(d+2)`,
    :math:`E z_i^2 z_j^2 = d/(d+2)`; Rademacher :math:`z_i^4 = 1`).
    """
    g = _checks.as_array(g, "g", ndim=1)
    d, k, distribution = _check_dk(g.shape[0], k, distribution)
    G = np.outer(g, g)
    gg = float(g @ g)
    eye = np.eye(d)
    if distribution == "gaussian":
        fourth = 2 * G + gg * eye  # E[z zᵀ G z zᵀ], Isserlis
    elif distribution == "sphere":
        fourth = d / (d + 2) * (2 * G + gg * eye)  # sphere fourth moments
    else:
        fourth = gg * eye + 2 * G - 2 * np.diag(g * g)  # Rademacher: pairings, z_i^4 = 1
    return fourth / k + (1 - 1 / k) * G


def gamma(d: int, k: int, r: float, distribution: str) -> float:
    r"""Dimension-free descent factor: smallest :math:`\gamma` with
    :math:`E[\hat g^\top H\hat g] \le \gamma\,\ell\,\|g\|^2` for all :math:`g` and all
    :math:`0\preceq H\preceq \ell I` with :math:`\mathrm{tr} H \le r\ell` (as :math:`\varepsilon\to0`).

    Parameters
    ----------
    d, k : int
    r : float in [1, d]
        Effective rank bound :math:`\mathrm{tr}H/\ell`.
    distribution : {"gaussian", "sphere", "rademacher"}

    Returns
    -------
    float
        .. math::
            \text{gaussian: } 1 + \frac{r+1}{k}; \quad
            \text{sphere: } 1 + \frac{dr + d - 2}{k(d+2)}; \quad
            \text{rademacher (upper bound): } 1 + \frac{r+1}{k}

    Notes
    -----
    C10. Gaussian and sphere values are exact suprema: :math:`\mathrm{tr}(H E[\hat g\hat g^\top])` has
    non-negative coefficients on :math:`g^\top H g \le \ell\|g\|^2` and :math:`\mathrm{tr}H \le r\ell`,
    both attained together (``g`` a top eigenvector of ``H``). For Rademacher the extra term
    :math:`-\frac2k\sum_i H_{ii}g_i^2 \le 0` is dropped, so the value is a valid upper bound. For integer
    ``r`` the choice ``g`` flat on ``d - r + 1`` coordinates and ``H`` = its direction plus the ``r - 1`` other
    coordinate axes attains :math:`1 + (r + 1 - 2/(d - r + 1))/k` (a numeric search over ``g`` finds no
    larger value), so the returned bound exceeds the supremum by at most :math:`2/(k(d - r + 1))`.
    The sphere value is MeZO's :math:`\gamma`.
    """
    d, k, distribution = _check_dk(d, k, distribution)
    if isinstance(r, bool) or not isinstance(r, (int, float, np.floating, np.integer)) or not np.isfinite(r):
        raise ValueError(f"r must be a finite effective rank in [1, d={d}], got {r!r}")
    slack = 1e-9 * d  # rounding of tr(H)/||H|| computed in floating point
    if not (1 - slack <= r <= d + slack):
        raise ValueError(f"r must be a finite effective rank in [1, d={d}], got {r!r}")
    r = min(max(float(r), 1.0), float(d))
    if distribution == "sphere":
        return 1 + (d * r + d - 2) / (k * (d + 2))  # MeZO's γ (C10)
    return 1 + (r + 1) / k  # Gaussian exact; Rademacher upper bound (C10)
