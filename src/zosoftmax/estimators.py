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
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from . import _checks
from ._checks import Array
from .problem import SoftmaxRegression

__all__ = [
    "DISTRIBUTIONS",
    "SCHEMES",
    "PrecisionWarning",
    "direction_fourth_moment",
    "direction_moment",
    "direction_sixth_moment",
    "evaluations",
    "expected_pmp",
    "gamma",
    "projected_gradients",
    "sample_directions",
    "second_moment_factor",
    "second_moment_matrix",
    "spsa_gradient",
]


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
    """Fill ``out`` (..., d) with i.i.d. directions from ``gen`` and return it (drawn in float64, rounded once).

    The one sampler behind :func:`sample_directions` and the seeded runs; the law comes from :data:`_LAWS`.
    """
    out[...] = _LAWS[distribution].draw(gen, out.shape)
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


def _noise_quotients(gen: np.random.Generator, lead: tuple[int, ...], k: int, eps: float, scheme: str,
                     sigma: float) -> Array:
    r"""The quotients of pure evaluation noise: (*lead, k), drawn from ``gen`` as (*lead, 2k or k + 1) N(0, σ²).

    The quotients are linear in the loss values, so the quotients of noisy losses :math:`L + \xi` are
    ``_quotients(L) + _noise_quotients(...)`` (the same numbers up to one rounding): central
    :math:`(\xi^+_j - \xi^-_j)/(2\varepsilon)`, forward :math:`(\xi_j - \xi_0)/\varepsilon` (one shared
    :math:`\xi_0 = ` the noise of :math:`L(x)`, so the forward scalars are correlated across ``j``).
    """
    xi = sigma * gen.standard_normal((*lead, 2 * k if scheme == "central" else k + 1))  # one N(0, σ²) per evaluation
    return _quotients(xi, k, eps, scheme)


def _stacked_logits(y0: Array, AZ: Array, eps: float, scheme: str, axis: int = -2) -> Array:
    """Perturbed logits for ``y0 = Ax`` and ``AZ`` with the ``k`` directions on ``axis``: ``2k`` or ``k + 1`` there.

    Central: ``[y0 + εAz_1 .. y0 + εAz_k, y0 − εAz_1 .. y0 − εAz_k]``; forward: ``[y0, y0 + εAz_1 ..]``. ``axis``
    counts from the end (``-2`` for one softmax row or for points in x-space, ``-3`` for (m, n) logits).
    """
    y, eAZ = np.expand_dims(y0, axis), eps * AZ
    if scheme == "central":
        return np.concatenate([y + eAZ, y - eAZ], axis=axis)  # A(x ± εz) = Ax ± εAz
    return np.concatenate([y, y + eAZ], axis=axis)


class PrecisionWarning(RuntimeWarning):
    """ε is so small that rounding of the logits takes a large share of the difference quotients' digits."""


def _check_resolution(y0: Array, AZ: Array, eps: float, borderline: list[float] | None = None) -> None:
    r"""Refuse an ε whose perturbation cannot move the loss in floating point; warn when it is borderline.

    A logit :math:`y_i` is stored to :math:`u|y_i|` (unit roundoff ``u``), so :math:`y \pm \varepsilon Az` differs
    from :math:`y` only where :math:`\varepsilon|Az_i| > u|y_i|`: with :math:`s = \max(1, \max|y|)` and
    :math:`m = \varepsilon\max|Az|`, below :math:`m \le 8us` the quotient is rounding noise (an error), and below
    :math:`m < \sqrt u\, s` rounding takes more than half its digits (a :class:`PrecisionWarning`). Directions with
    :math:`Az = 0` (the null space of ``A``) leave the loss unchanged at every ε and are never refused. With
    ``borderline`` (a run's list), a borderline ε appends its suggested ε there instead of warning: a run warns once
    (:func:`_warn_borderline`).
    """
    az = float(np.max(np.abs(AZ), initial=0.0))
    if az == 0.0:
        return
    u = float(np.finfo(np.result_type(y0, AZ)).eps) / 2
    scale = max(1.0, float(np.max(np.abs(y0), initial=0.0)))
    move, smallest = eps * az, math.sqrt(u) * scale / az
    if move <= 8 * u * scale:
        raise ValueError(f"eps={eps:g} cannot move the loss in floating point: eps*max|Az| = {move:.2g} is within "
                         f"8 roundings of the logits (u*max(1, max|Ax|) = {u * scale:.2g}); use eps >= {smallest:.2g}")
    if move < math.sqrt(u) * scale:
        if borderline is not None:
            borderline.append(smallest)
            return
        warnings.warn(_borderline_message(eps, smallest), PrecisionWarning, stacklevel=3)


def _borderline_message(eps: float, smallest: float) -> str:
    return (f"eps={eps:g} is borderline: rounding of the logits takes more than half the digits of the difference "
            f"quotients; eps >= {smallest:.2g} avoids it")


def _warn_borderline(eps: float, borderline: list[float]) -> None:
    """One :class:`PrecisionWarning` for a run whose steps found ``eps`` borderline: the largest suggested ε."""
    if borderline:
        warnings.warn(f"{_borderline_message(eps, max(borderline))} (at {len(borderline)} of the run's steps)",
                      PrecisionWarning, stacklevel=3)


def _logit_quotients(f: SoftmaxRegression, y0: Array, AZ: Array, eps: float, scheme: str,
                     center: bool = False, borderline: list[float] | None = None) -> Any:
    r"""Quotients (..., k) at the logits ``y0 = Ax`` (..., \*logit_shape) along ``AZ`` (..., k, \*logit_shape).

    The one implementation behind :func:`projected_gradients` (and so :func:`spsa_gradient` and :func:`zosoftmax.zo_gd`)
    and :func:`zosoftmax.zo_gd_batch`. Every loss is ``loss_from_logits`` of its own perturbed logits. With ``center``,
    also the losses at ``y0`` (...,), from the same call: ``(quotients, center_losses)``.
    """
    _check_resolution(y0, AZ, eps, borderline)
    ls = f.logit_shape
    axis = -(len(ls) + 1)  # the directions' axis
    Y = _stacked_logits(y0, AZ, eps, scheme, axis)
    if center and scheme == "central":
        Y = np.concatenate([Y, np.expand_dims(y0, axis)], axis=axis)  # one more point: L(x) itself
    values = f.loss_from_logits(Y.reshape(-1, *ls)).reshape(Y.shape[: Y.ndim - len(ls)])  # the 2k (or k + 1) losses
    k = AZ.shape[axis]
    quotients = _quotients(values[..., : 2 * k] if scheme == "central" else values, k, eps, scheme)
    if not center:
        return quotients
    return quotients, values[..., 2 * k] if scheme == "central" else values[..., 0]


def projected_gradients(f: SoftmaxRegression | BatchedLoss, x: Any, directions: Any, *, eps: float = 1e-3,
                        scheme: str = "central", _borderline: list[float] | None = None) -> Array:
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
    :math:`A[x, z_1, \dots, z_k]` (:meth:`~zosoftmax.SoftmaxRegression.logits`), using
    :math:`A(x\pm\varepsilon z) = Ax \pm \varepsilon Az`, and all losses from one batched evaluation on the
    (2k, \*logit_shape) (or (k + 1, \*logit_shape)) logits.
    For a callable, all points go through one call of ``f``. (``_borderline`` is :func:`zosoftmax.zo_gd`'s: it
    collects a borderline ε's advice so that a run warns once.)
    """
    eps = _checks.positive_float(eps, "eps")
    scheme = _checks.choice(scheme, "scheme", SCHEMES)
    if isinstance(f, SoftmaxRegression):
        x = _checks.as_array(x, "x", ndim=1, shape=(f.d,), dtype=f.dtype)
        Z = _checks.as_array(directions, "directions", ndim=2, shape=(None, f.d), dtype=f.dtype)
        k = Z.shape[0]
        W = np.empty((k + 1, f.d), dtype=f.dtype)
        W[0], W[1:] = x, Z
        P = f.logits(W)  # one BLAS product: [Ax, Az_1 .. Az_k]
        quotients: Array = _logit_quotients(f, P[0], P[1:], eps, scheme, borderline=_borderline)  # one batch
        return quotients
    if not callable(f):
        raise ValueError(f"f must be a SoftmaxRegression or a callable (m, d) -> (m,); got {type(f).__name__}")
    x = _checks.as_array(x, "x", ndim=1)
    Z = _checks.as_array(directions, "directions", ndim=2, shape=(None, x.shape[0]))
    k = Z.shape[0]
    X = _stacked_logits(x, Z, eps, scheme)  # the same stacking, in x-space: x ± εz
    values = np.asarray(f(X))
    if values.shape != (X.shape[0],):
        raise ValueError(f"f must map an (m, d) array to shape (m,); got {values.shape} for m={X.shape[0]}")
    if not np.all(np.isfinite(values)):
        raise ValueError("f returned non-finite loss values; the estimate would be NaN")
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


# ---------------------------------------------------------------------------------------- the three laws
def _gaussian(gen: np.random.Generator, shape: tuple[int, ...]) -> Array:
    return gen.standard_normal(shape)  # N(0, I_d)


def _sphere(gen: np.random.Generator, shape: tuple[int, ...]) -> Array:
    Z = gen.standard_normal(shape)
    Z *= np.sqrt(shape[-1]) / np.linalg.norm(Z, axis=-1, keepdims=True)  # uniform, radius √d
    return Z


def _rademacher(gen: np.random.Generator, shape: tuple[int, ...]) -> Array:
    Z: Array = (2 * gen.integers(0, 2, size=shape, dtype=np.int8) - 1).astype(np.float64)  # i.i.d. ±1
    return Z


def _fourth_gaussian(M: Array) -> Array:
    # Isserlis: E[z_i z_j z_k z_l] = δ_ij δ_kl + δ_ik δ_jl + δ_il δ_jk, contracted with M_jk
    F: Array = M + M.T + np.trace(M) * np.eye(M.shape[0])
    return F


def _fourth_sphere(M: Array) -> Array:
    d = M.shape[0]
    F: Array = d / (d + 2) * _fourth_gaussian(M)  # z = √d g/‖g‖, independent of ‖g‖²: E‖g‖⁴ = d(d+2)
    return F


def _fourth_rademacher(M: Array) -> Array:
    F: Array = _fourth_gaussian(M) - 2 * np.diag(np.diag(M))  # pairings as Gaussian, but z_i⁴ = 1 (not 3)
    return F


@dataclass(frozen=True)
class _Law:
    r"""What the library uses of one direction law (C8-C10): every distribution-specific formula lives here.

    ``draw(gen, shape)`` float64 directions; ``norm4(d)`` :math:`E\|z\|^4`; ``fourth(M)``
    :math:`E[zz^\top M zz^\top]` for symmetric ``M`` (d, d); ``gamma(d, k, r)`` the descent factor of C10.
    """

    draw: Callable[[np.random.Generator, tuple[int, ...]], Array]
    norm4: Callable[[int], float]
    fourth: Callable[[Array], Array]
    gamma: Callable[[int, int, float], float]


_LAWS: dict[str, _Law] = {
    "gaussian": _Law(_gaussian, lambda d: d * (d + 2.0), _fourth_gaussian,  # E‖z‖⁴ = d(d+2), χ²_d
                     lambda d, k, r: 1 + (r + 1) / k),  # exact supremum (C10)
    "sphere": _Law(_sphere, lambda d: d * float(d), _fourth_sphere,  # ‖z‖² = d exactly
                   lambda d, k, r: 1 + (d * r + d - 2) / (k * (d + 2))),  # MeZO's γ, exact (C10)
    "rademacher": _Law(_rademacher, lambda d: d * float(d), _fourth_rademacher,  # ‖z‖² = d exactly
                       lambda d, k, r: 1 + (r + 1) / k),  # upper bound: the −(2/k)Σ H_ii g_i² term dropped (C10)
}


# ---------------------------------------------------------------------------------------- exact moments
def _check_dk(d: Any, k: Any, distribution: Any) -> tuple[int, int, str]:
    return (_checks.positive_int(d, "d"), _checks.positive_int(k, "k"),
            _checks.choice(distribution, "distribution", DISTRIBUTIONS))


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
    d, _, distribution = _check_dk(d, 1, distribution)
    if power == 2:
        return float(d)
    if power != 4:
        raise ValueError(f"power must be 2 or 4, got {power!r}")
    return _LAWS[distribution].norm4(d)


def direction_fourth_moment(M: Any, distribution: str) -> Array:
    r""":math:`E[z z^\top M z z^\top]` of one direction, for a square ``M``.

    Parameters
    ----------
    M : array_like (d, d)
    distribution : {"gaussian", "sphere", "rademacher"}

    Returns
    -------
    ndarray (d, d)
        .. math::
            \text{gaussian: } M + M^\top + \mathrm{tr}(M) I; \quad
            \text{sphere: } \tfrac{d}{d+2}\,(M + M^\top + \mathrm{tr}(M) I); \quad
            \text{rademacher: } M + M^\top + \mathrm{tr}(M) I - 2\,\mathrm{diag}(M_{11}, \dots, M_{dd})

        (:math:`2M + \dots` for a symmetric ``M``).

    Notes
    -----
    C9, C13. Gaussian: Isserlis' theorem. Sphere: :math:`z = \sqrt d\, g/\|g\|` with :math:`g` Gaussian is
    independent of :math:`\|g\|^2`, whose second moment is :math:`d(d+2)`. Rademacher: the Gaussian pairings with
    :math:`z_i^4 = 1` instead of 3. Derived with ``d`` symbolic in ``proofs/c09_second_moment_matrix.py``.
    """
    M = _checks.as_array(M, "M", ndim=2)
    if M.shape[0] != M.shape[1]:
        raise ValueError(f"M must be a square matrix, got shape {M.shape}")
    distribution = _checks.choice(distribution, "distribution", DISTRIBUTIONS)
    return _LAWS[distribution].fourth(M)


def _sixth_gaussian(H: Array) -> Array:
    # Isserlis over the 15 pairings of six indices: ((tr H)² + 2 tr H²) I + 4 tr(H) H + 8 H²
    t, t2 = float(np.trace(H)), float(np.sum(H * H.T))
    F: Array = (t * t + 2.0 * t2) * np.eye(H.shape[0]) + 4.0 * t * H + 8.0 * (H @ H)
    return F


def direction_sixth_moment(H: Any, distribution: str) -> Array:
    r""":math:`E[(z^\top Hz)^2\, zz^\top]` of one direction, for a symmetric ``H``.

    Parameters
    ----------
    H : array_like (d, d), symmetric
    distribution : {"gaussian", "sphere", "rademacher"}

    Returns
    -------
    ndarray (d, d)
        .. math::
            \text{gaussian: } \big((\mathrm{tr}H)^2 + 2\,\mathrm{tr}H^2\big) I + 4\,\mathrm{tr}(H)\,H + 8H^2; \quad
            \text{sphere: } \tfrac{d^2}{(d+2)(d+4)} \times \text{gaussian};

        rademacher: diagonal :math:`(\mathrm{tr}H)^2 + 2\sum_{a\ne b}H_{ab}^2`, off-diagonal
        :math:`4\,\mathrm{tr}(H)H_{pq} + 8\big((H^2)_{pq} - (H_{pp} + H_{qq})H_{pq}\big)`.

    Notes
    -----
    C16: the covariance of the forward scheme's finite-ε term :math:`\frac{\varepsilon}{2k}\sum_j (z_j^\top Hz_j)z_j`
    on a quadratic is :math:`\frac{\varepsilon^2}{4k}` times this. Gaussian: Isserlis' theorem (15 pairings).
    Sphere: :math:`z = \sqrt d\,g/\|g\|` is independent of :math:`\|g\|`, :math:`E\|g\|^6 = d(d+2)(d+4)`.
    Rademacher: :math:`z^\top Hz = \mathrm{tr}H + \sum_{a\ne b}H_{ab}z_az_b` and :math:`z_i^2 = 1`; a product of
    signs has mean 1 when every index appears an even number of times, else 0. Checked by enumeration in
    ``proofs/c16_noise.py``.
    """
    H = _checks.as_array(H, "H", ndim=2, dtype=np.float64)
    if H.shape[0] != H.shape[1]:
        raise ValueError(f"H must be a square matrix, got shape {H.shape}")
    distribution = _checks.choice(distribution, "distribution", DISTRIBUTIONS)
    H = 0.5 * (H + H.T)
    d = H.shape[0]
    if distribution == "gaussian":
        return _sixth_gaussian(H)
    if distribution == "sphere":
        sphere: Array = d * d / ((d + 2.0) * (d + 4.0)) * _sixth_gaussian(H)
        return sphere
    t, h = float(np.trace(H)), np.diag(H)
    off = H - np.diag(h)
    F: Array = 4.0 * t * off + 8.0 * (H @ off - h[:, None] * off)  # p ≠ q: the index r ∉ {p, q} appears twice
    F = F - np.diag(np.diag(F))
    F += (t * t + 2.0 * float(np.sum(off * off))) * np.eye(d)  # p = q: E[(zᵀHz)²]
    return F


def expected_pmp(M: Any, k: int, distribution: str) -> Array:
    r""":math:`E[P M P]` for :math:`P = \frac1k\sum_{j=1}^k z_j z_j^\top` with i.i.d. directions and a square ``M``.

    Parameters
    ----------
    M : array_like (d, d)
    k : int >= 1
    distribution : {"gaussian", "sphere", "rademacher"}

    Returns
    -------
    ndarray (d, d)
        .. math:: E[PMP] = \tfrac1k E[zz^\top M zz^\top] + \big(1 - \tfrac1k\big) M

    Notes
    -----
    C13. Of the :math:`k^2` terms :math:`E[z_i z_i^\top M z_j z_j^\top]`, the ``k`` with :math:`i = j` are the
    fourth moment (:func:`zosoftmax.direction_fourth_moment`) and the others :math:`E[z z^\top] M E[z z^\top] = M`.
    With :math:`M = gg^\top` this is :func:`second_moment_matrix` (C9).
    """
    k = _checks.positive_int(k, "k")
    F = direction_fourth_moment(M, distribution)  # validates M and distribution
    return F / k + (1 - 1 / k) * np.asarray(M, dtype=np.float64)


def second_moment_factor(d: int, k: int, distribution: str) -> float:
    r"""Exact :math:`E\|\hat g\|^2 / \|\nabla L\|^2` of the central scheme as :math:`\varepsilon\to0`.

    Returns
    -------
    float
        .. math:: \frac{E\|z\|^4/d + k - 1}{k} = \frac{d+k+1}{k} \ \text{(gaussian)}, \qquad
                  \frac{d+k-1}{k}\ \text{(sphere, rademacher)}

    Notes
    -----
    C8. The trace of :func:`second_moment_matrix` over :math:`\|g\|^2`, since
    :math:`\mathrm{tr}\,E[zz^\top gg^\top zz^\top] = E[\|z\|^2 (z^\top g)^2] = (E\|z\|^4/d)\,\|g\|^2` for the three
    laws. MeZO's :math:`(d+k-1)/k` holds exactly for the sphere and Rademacher directions (both have
    :math:`\|z\|^2 = d`), not for Gaussian ones.
    """
    d, k, distribution = _check_dk(d, k, distribution)
    return (_LAWS[distribution].norm4(d) / d + k - 1) / k


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
        .. math:: E[P\,gg^\top P] = \tfrac1k E[zz^\top G zz^\top] + (1-\tfrac1k)\,G, \qquad G = gg^\top

        (:func:`expected_pmp`, with :func:`direction_fourth_moment`).

    Notes
    -----
    C9: the ``k`` directions are independent, so the cross terms give :math:`E[zz^\top]G E[zz^\top] = G`.
    """
    g = _checks.as_array(g, "g", ndim=1)
    return expected_pmp(np.outer(g, g), k, distribution)  # E[ĝĝᵀ] = E[P ggᵀ P]


def gamma(d: int, k: int, r: float, distribution: str) -> float:
    r"""Dimension-free descent factor.

    Smallest :math:`\gamma` with :math:`E[\hat g^\top H\hat g] \le \gamma\,\ell\,\|g\|^2` for all :math:`g` and all
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
    return _LAWS[distribution].gamma(d, k, min(max(float(r), 1.0), float(d)))
