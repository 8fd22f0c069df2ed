r"""The exact expected learning curve of ZO-GD on a quadratic, and the largest step for which it converges.

On a quadratic :math:`q(x) = \tfrac12 (x - x^*)^\top H (x - x^*)` the central estimate with ``k`` directions is
exactly :math:`\hat g = P H e` with :math:`e = x - x^*` and :math:`P = \frac1k\sum_{j=1}^k z_j z_j^\top`, at every
:math:`\varepsilon` (the central difference of a quadratic has no remainder), so ZO-GD is the random linear
recursion

.. math:: e_{t+1} = (I - \eta P_t H)\, e_t ,

with :math:`P_t` independent of :math:`e_t`. Its second moment :math:`\Sigma_t = E[e_t e_t^\top]` follows the
deterministic linear recursion (:math:`E[P] = I`, :math:`M = H\Sigma_t H`)

.. math:: \Sigma_{t+1} = \Sigma_t - \eta (H\Sigma_t + \Sigma_t H) + \eta^2\, E[P M P], \qquad
          E[P M P] = \tfrac1k E[z z^\top M z z^\top] + \big(1 - \tfrac1k\big) M

(the ``k(k - 1)`` cross terms :math:`E[z_i z_i^\top M z_j z_j^\top] = M` for :math:`i \ne j`), and the expected
optimality gap is exactly :math:`E[q(x_t)] = \tfrac12\mathrm{tr}(H\Sigma_t)`. The direction law enters only
through :math:`E[zz^\top M zz^\top]` (:func:`zosoftmax.direction_fourth_moment`):
:math:`2M + \mathrm{tr}(M) I` (Gaussian, Isserlis), :math:`\frac{d}{d+2}(2M + \mathrm{tr}(M) I)` (sphere of
radius :math:`\sqrt d`), :math:`2M + \mathrm{tr}(M) I - 2\,\mathrm{Diag}(M)` (Rademacher).

For softmax regression the same recursion is run on the local quadratic model at the minimizer,
:math:`H = \nabla^2 L(x^*)`: a prediction of the whole mean learning curve, not a bound, which is exact to second
order in :math:`\|x_0 - x^*\|` and can fail (it is tested against measured runs, ``tests/test_prediction.py``).

Notes
-----
C13 (the exact expected learning curve) [derived]. The forward scheme at :math:`\varepsilon \to 0` follows the same
recursion; on a quadratic at finite :math:`\varepsilon` it adds the direction-only term
:math:`\frac{\varepsilon}{2k}\sum_j (z_j^\top H z_j) z_j` to :math:`\hat g`, uncorrelated with :math:`PHe` (odd
moments), which adds :math:`\frac{\eta^2\varepsilon^2}{4k} E[(z^\top H z)^2 zz^\top]` to each step's
:math:`\Sigma`: modelled when ``eps`` is given (C16, with the noise of noisy losses, :func:`_injected`).

C16 [derived]: noisy losses (``noise=``), the almost-sure threshold (:func:`almost_sure_lr`, beside the mean-square
:func:`max_stable_lr`) and the query-budget planner (:func:`plan`).
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.linalg
import scipy.optimize
import scipy.sparse.linalg

from . import _checks
from ._checks import Array
from .estimators import _draw, direction_fourth_moment, direction_moment, direction_sixth_moment
from .problem import AttentionRegression, SoftmaxRegression

__all__ = ["Plan", "Quadratic", "UnstableStepWarning", "almost_sure_lr", "expected_gap_curve", "gd_gap_curve",
           "local_model", "lyapunov_exponent", "max_stable_lr", "plan"]

# A state whose largest entry leaves [1e-150, 1e150] is rescaled by a power of two and the scale kept in its log:
# no overflow for a diverging curve, no subnormal (slow) arithmetic for a converging one.
_RESCALE_HIGH, _RESCALE_LOW = 1e150, 1e-150
# Above this many entries of the Rademacher map's (r, r) state, its spectral radius comes from ARPACK (matrix-free)
# instead of a dense eigenvalue solve.
_DENSE_MAP_MAX = 400
# lr · λ_max above this is refused: one step would multiply the gap by ~(lr λ_max)^2 > 1e200.
_ABSURD_STEP = 1e100


class UnstableStepWarning(RuntimeWarning):
    """The step size is at or above :func:`max_stable_lr`: the predicted mean gap does not converge."""


@dataclass(frozen=True, eq=False)
class Quadratic:
    r"""The quadratic :math:`q(x) = \tfrac12 (x - x^*)^\top H (x - x^*)` as a batched loss.

    Parameters
    ----------
    H : array_like (d, d)
        Symmetric positive semidefinite.
    x_star : array_like (d,)
        A minimizer.

    Notes
    -----
    C13. Callable on an (m, d) array (returns (m,)), so :func:`zosoftmax.spsa_gradient` estimates its gradient
    through the same estimator as any loss; :func:`expected_gap_curve` and :func:`max_stable_lr` accept it in
    place of a :class:`zosoftmax.SoftmaxRegression`.
    """

    H: Array
    x_star: Array
    _eig: tuple[Array, Array] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        """Validate ``H`` (symmetric, positive semidefinite) and ``x_star``; store the eigendecomposition of ``H``."""
        H = _checks.as_array(self.H, "H", ndim=2, dtype=np.float64)
        if H.shape[0] != H.shape[1] or H.shape[0] < 1:
            raise ValueError(f"H must be a non-empty square matrix, got shape {H.shape}")
        scale = float(np.max(np.abs(H))) if H.size else 0.0
        if not np.allclose(H, H.T, rtol=0.0, atol=1e-12 * max(scale, 1e-300)):
            raise ValueError("H must be symmetric")
        x_star = _checks.as_array(self.x_star, "x_star", ndim=1, shape=(H.shape[0],), dtype=np.float64)
        H = 0.5 * (H + H.T)
        lam, V = np.linalg.eigh(H)
        tol = H.shape[0] * np.finfo(np.float64).eps * max(float(np.max(np.abs(lam))), 1e-300)
        if lam[0] < -100 * tol:
            raise ValueError(f"H must be positive semidefinite, got an eigenvalue {lam[0]:.3g}")
        for name, arr in (("H", H), ("x_star", x_star)):
            arr = np.array(arr, copy=True)
            arr.setflags(write=False)
            object.__setattr__(self, name, arr)
        keep = lam > tol  # the range of H; the rest of the spectrum is zero up to rounding
        object.__setattr__(self, "_eig", (lam[keep], V[:, keep]))

    @property
    def d(self) -> int:
        """Dimension of ``x``."""
        return int(self.H.shape[0])

    def __call__(self, X: Any) -> Array:
        r""":math:`q` at each row of ``X`` (m, d) (or at ``X`` (d,), as a 0-d array)."""
        X = np.asarray(X, dtype=np.float64)
        E = X - self.x_star
        return 0.5 * np.einsum("...i,ij,...j->...", E, self.H, E)  # type: ignore[no-any-return]  # ½ eᵀHe

    def loss(self, x: Any) -> float:
        r""":math:`q(x)`."""
        return float(self(_checks.as_array(x, "x", ndim=1, shape=(self.d,))))

    def gradient(self, x: Any) -> Array:
        r""":math:`\nabla q(x) = H(x - x^*)`."""
        return self.H @ (_checks.as_array(x, "x", ndim=1, shape=(self.d,)) - self.x_star)  # type: ignore[no-any-return]

    def hessian(self, x: Any = None) -> Array:
        r""":math:`\nabla^2 q = H` (for every ``x``)."""
        return self.H


# ---------------------------------------------------------------------------------------- the local model
def _local_model(problem: Any, x_star: Any, x0: Array | None) -> tuple[Array, Array, Array]:
    """``(lam, V, x_star)``: the positive eigenvalues (r,) of the model Hessian, their eigenvectors (d, r), x*.

    Eigenvalues up to ``max(n, d) · eps · λ_max`` in size are zero up to rounding and dropped, with their
    eigenvectors: directions in which the model is flat never change the gap (they never feed back, see
    :func:`expected_gap_curve`).
    """
    if isinstance(problem, Quadratic):
        if x_star is not None:
            raise ValueError("x_star must be None for a Quadratic (it carries its minimizer)")
        lam, V = problem._eig
        return lam, V, problem.x_star
    if not isinstance(problem, SoftmaxRegression):
        raise ValueError(f"problem must be a SoftmaxRegression or a Quadratic, got {type(problem).__name__}")
    if x_star is None:
        from .optimize import newton  # local: optimize does not depend on prediction

        x_star = newton(problem, x0).x
    x_star = _checks.as_array(x_star, "x_star", ndim=1, shape=(problem.d,), dtype=np.float64)
    if isinstance(problem, AttentionRegression):  # C14: the Hessian lives on the reduced coordinates
        red = problem.reduce()
        lam, U = np.linalg.eigh(red.problem.hessian(red.project(x_star)))
        V = red.embed(U)  # orthonormal columns in x-space
        rows, d = red.problem.m * red.problem.n, red.problem.d
    else:
        lam, V = _dense_local_eig(problem, x_star)
        rows, d = problem.m * problem.n, problem.d
    top = max(float(np.max(np.abs(lam))), 1e-300)
    tol = max(rows, d) * np.finfo(np.float64).eps * top
    if lam[0] < -math.sqrt(np.finfo(np.float64).eps) * top:
        raise ValueError(f"x_star must be a minimizer: the Hessian there has the eigenvalue {lam[0]:.3g} "
                         f"(largest {top:.3g})")
    keep = lam > tol
    return lam[keep], V[:, keep], x_star


def local_model(problem: Any, x_star: Any = None) -> tuple[Array, Array, Array]:
    r"""The local quadratic model at the minimizer, as the eigenpairs of its Hessian on its range.

    Parameters
    ----------
    problem : SoftmaxRegression or Quadratic
        A :class:`~zosoftmax.AttentionRegression` head is handled in its reduced coordinates (C14): no (d, d)
        matrix is formed.
    x_star : array_like (d,), optional
        The minimizer (default: :func:`zosoftmax.newton` from 0); must be ``None`` for a :class:`Quadratic`.

    Returns
    -------
    (lam, V, x_star) : ndarray (r,), ndarray (d, r), ndarray (d,)
        .. math:: \nabla^2 L(x^*) = V\,\mathrm{diag}(\lambda)\,V^\top, \qquad \lambda_i > 0,

        the positive eigenvalues in ascending order with orthonormal eigenvectors, and the minimizer. Eigenvalues up
        to :math:`\max(mn, d)\,\epsilon_{\rm mach}\,\lambda_{\max}` are zero up to rounding and dropped with their
        eigenvectors (flat directions never change the gap). ``Quadratic(np.diag(lam), np.zeros(r))`` is the same
        model in the coordinates :math:`e = V^\top(x - x^*)`; for Gaussian directions, whose law is rotation
        invariant and free of ``d``, :func:`expected_gap_curve`, :func:`gd_gap_curve` and :func:`max_stable_lr` give
        the same values on it as on ``problem`` (not for the sphere, whose constant depends on ``d``, nor for
        Rademacher directions, which are not rotation invariant).

    Raises
    ------
    ValueError
        ``problem`` of another type, ``x_star`` given for a :class:`Quadratic`, or ``x_star`` not a minimizer (an
        eigenvalue below :math:`-\sqrt{\epsilon_{\rm mach}}\,\lambda_{\max}`).

    Notes
    -----
    C13 (the model of the exact curve), C14 (a head's Hessian in reduced coordinates), C15 (its effective rank
    :math:`\mathrm{tr}/\lambda_{\max}` is :math:`\sum_i\lambda_i/\lambda_{\max}`).
    """
    return _local_model(problem, x_star, None)


def _dense_local_eig(problem: SoftmaxRegression, x_star: Array) -> tuple[Array, Array]:
    r"""Eigenpairs of :math:`\nabla^2 L(x^*) = \sum_i A_i^\top(B_i + W_i^2)A_i` for a dense problem."""
    n, d = problem.m * problem.n, problem.d
    A = problem.A.reshape(n, d).astype(np.float64)
    if n < d:  # H = Jᵀ M J with M = blockdiag(B_i + W_i²) (mn, mn): through Jᵀ = QR, H = Q (R M Rᵀ) Qᵀ, O(d (mn)²)
        Mid = scipy.linalg.block_diag(*problem.B(x_star).reshape(-1, problem.n, problem.n))  # blockdiag(B_i)
        if problem.w is not None:
            Mid = Mid + np.diag(problem.w.astype(np.float64).reshape(-1) ** 2)  # B + W²   (C3)
        Q, R = np.linalg.qr(A.T)
        core = R @ Mid @ R.T
        lam, U = np.linalg.eigh(0.5 * (core + core.T))
        return lam, Q @ U
    return np.linalg.eigh(problem.hessian(x_star).astype(np.float64))  # (C3)


def _invariant_constant(d: int, distribution: str) -> float:
    r""":math:`c` in :math:`E[zz^\top M zz^\top] = c\,(2M + \mathrm{tr}(M) I)` for an orthogonally invariant law.

    For such a law the fourth-moment tensor is a multiple of the one isotropic symmetric tensor
    :math:`\delta_{ab}\delta_{ij} + \delta_{ai}\delta_{bj} + \delta_{aj}\delta_{bi}`; its trace gives
    :math:`c = E\|z\|^4 / (d(d+2))`: 1 (Gaussian), :math:`d/(d+2)` (sphere).
    """
    return direction_moment(d, distribution, 4) / (d * (d + 2.0))


# ---------------------------------------------------------------------------------------- the recursions
def _diagonal_curve(lam: Array, s: Array, steps: int, lr: float, k: int, c: float,
                    inject: Array | None = None) -> Array:
    r"""Gap curve from the diagonal :math:`s` of :math:`\Sigma` in :math:`H`'s eigenbasis (Gaussian, sphere).

    .. math:: s_{t+1} = D \circ s_t + \frac{c\eta^2}{k}\,\langle\lambda^2, s_t\rangle\,\mathbf 1 + \eta^2 n, \quad
              D = 1 - 2\eta\lambda + \eta^2\Big(1 + \frac{2c - 1}{k}\Big)\lambda^2, \qquad
              \mathrm{gap}_t = \tfrac12\langle\lambda, s_t\rangle,

    with ``inject`` :math:`= \eta^2 n` the diagonal of the estimate's state-independent covariance (noise and the
    forward scheme's ε-term, :func:`_injected`), or none. With an injection the state is only ever scaled down (it
    cannot fall below the injection), so its scale factor never overflows.
    """
    D = 1.0 - 2.0 * lr * lam + lr**2 * (1.0 + (2.0 * c - 1.0) / k) * lam**2  # (1 − ηλ)² + η²(2c − 1)λ²/k
    q = (c * lr**2 / k) * lam**2  # the rank-one part: (cη²/k) tr(Λ S Λ) I
    high = _high_water(float(np.max(np.abs(D))) + float(np.sum(q)))  # max s_{t+1} <= (max|D| + Σq) max s_t
    low = _RESCALE_LOW if inject is None else 0.0
    values, log_scale = np.empty(steps + 1), np.zeros(steps + 1)
    s, scale = s.astype(np.float64, copy=True), 0.0
    scale += _rescale(s, high=high, low=low)
    for t in range(steps + 1):
        values[t], log_scale[t] = 0.5 * float(lam @ s), scale  # gap = ½ tr(HΣ) = ½ Σ λ_i s_i
        if t == steps:
            break
        injected = float(q @ s)
        s *= D
        s += injected
        if inject is not None:
            s += inject * math.exp(-scale)  # + η² n, in the state's scale (scale >= 0 here: no overflow)
        scale += _rescale(s, high=high, low=low)
    return _unscale(values, log_scale)


def _rademacher_curve(lam: Array, V: Array, e: Array, steps: int, lr: float, k: int,
                      inject: Array | None = None) -> Array:
    r"""Gap curve from :math:`S = V^\top\Sigma V` (r, r) for Rademacher directions (not diagonal in the eigenbasis).

    .. math:: S_{t+1} = G\circ S_t + \frac{\eta^2}{k} V^\top\big(\mathcal F(V N V^\top) - 2 V N V^\top\big) V,
              \quad N = \Lambda S_t\Lambda, \quad G_{ij} = 1 - \eta(\lambda_i + \lambda_j) + \eta^2\big(1+\tfrac1k\big)
              \lambda_i\lambda_j

    with :math:`\mathcal F(M) = E[zz^\top M zz^\top]`; the null-space blocks of :math:`\Sigma` never enter
    :math:`N = V^\top H\Sigma H V` and are not carried. ``inject`` (r, r), if given, is added each step as in
    :func:`_diagonal_curve`.
    """
    G = 1.0 - lr * (lam[:, None] + lam[None, :]) + lr**2 * (1.0 + 1.0 / k) * np.outer(lam, lam)
    # |S_ij| <= max_i S_ii (S is PSD), and the injected term has entries at most 3 r λ_max² max_i S_ii η²/k
    high = _high_water(float(np.max(np.abs(G))) + 3.0 * lam.size * lr**2 * float(lam[-1]) ** 2 / k)
    low = _RESCALE_LOW if inject is None else 0.0
    values, log_scale = np.empty(steps + 1), np.zeros(steps + 1)
    S, scale = np.outer(e, e), 0.0
    scale += _rescale(np.diagonal(S), S, high=high, low=low)
    for t in range(steps + 1):
        values[t], log_scale[t] = 0.5 * float(lam @ np.diagonal(S)), scale  # ½ tr(ΛS)
        if t == steps:
            break
        N = lam[:, None] * S * lam[None, :]  # Vᵀ HΣH V
        M = V @ N @ V.T
        M = 0.5 * (M + M.T)  # HΣH in coordinates, symmetric to the last bit
        F = direction_fourth_moment(M, "rademacher") - 2.0 * M  # E[zzᵀMzzᵀ] − 2M = tr(M) I − 2 Diag(M)
        S = G * S + (lr**2 / k) * (V.T @ F @ V)  # E[PMP] = (1 + 1/k) M + (1/k)(F − 2M), the first in G
        if inject is not None:
            S = S + inject * math.exp(-scale)
        S = 0.5 * (S + S.T)
        scale += _rescale(np.diagonal(S), S, high=high, low=low)
    return _unscale(values, log_scale)


def _high_water(growth: float) -> float:
    """The largest state from which one step, growing it at most ``growth``-fold, stays finite (capped at 1e150)."""
    return min(_RESCALE_HIGH, 2.0**1000 / max(growth, 1.0))


def _rescale(probe: Array, state: Array | None = None, *, high: float = _RESCALE_HIGH,
             low: float = _RESCALE_LOW) -> float:
    """Divide ``state`` (default ``probe``) in place by a power of two; return the log of the factor.

    The division happens when ``max|probe|`` leaves [``_RESCALE_LOW``, ``high``]; the log is 0 when untouched.
    """
    top = float(np.max(np.abs(probe))) if probe.size else 0.0
    if top == 0.0 or low <= top <= high:
        return 0.0
    exponent = math.frexp(top)[1]
    target = probe if state is None else state
    np.ldexp(target, -exponent, out=target)  # exact: a power of two (2.0 ** 1063, from a subnormal, would overflow)
    return exponent * math.log(2.0)


def _unscale(values: Array, log_scale: Array) -> Array:
    """``values · exp(log_scale)``; beyond float64's range the entries are ``inf`` (or 0), without an overflow error."""
    with np.errstate(over="ignore", under="ignore"):
        mantissa, exponent = np.frexp(values)
        out = np.ldexp(mantissa, exponent + np.rint(log_scale / math.log(2.0)).astype(np.int64))
    return out  # type: ignore[no-any-return]


def _injected(lam: Array, V: Array, d: int, k: int, distribution: str, scheme: str,
                              noise: float, eps: float | None) -> Array | None:
    r"""The state-independent part :math:`Q` of :math:`E[\hat g\hat g^\top]` on a quadratic, in :math:`H`'s eigenbasis.

    .. math:: \hat g = PHe + \underbrace{\frac1k\sum_j \nu_j z_j}_{\text{noise}}
              + \underbrace{\frac{\varepsilon}{2k}\sum_j (z_j^\top Hz_j)\,z_j}_{\text{forward only}},
              \qquad
              Q = \frac{v}{k} I + [\text{forward}]\ \frac{\varepsilon^2}{4k}E[(z^\top Hz)^2 zz^\top],

    with :math:`v = \sigma^2/(2\varepsilon^2)` (central: :math:`\nu_j = (\xi_j^+ - \xi_j^-)/(2\varepsilon)`) or
    :math:`v = 2\sigma^2/\varepsilon^2` (forward: :math:`\nu_j = (\xi_j - \xi_0)/\varepsilon`; the shared
    :math:`\xi_0` correlates the :math:`\nu_j` but not the :math:`\nu_j z_j`, whose directions are independent and
    centred). All three parts are uncorrelated (odd moments of :math:`z`, centred independent noise), so
    :math:`\Sigma_{t+1} = [\text{C13's map}](\Sigma_t) + \eta^2 Q`. Returns ``V^T Q V`` as its diagonal (r,) for
    Gaussian and sphere laws (it is diagonal there), the (r, r) matrix for Rademacher, or ``None`` when ``Q = 0``.

    Notes
    -----
    C16 (derived symbolically in ``proofs/c16_noise.py``).
    """
    if eps is None:  # the ε → 0 limit without noise (noise > 0 requires eps)
        return None
    eps_term = scheme == "forward"
    v = noise**2 / (2.0 * eps**2) if scheme == "central" else 2.0 * noise**2 / eps**2  # Var ν_j
    if v == 0.0 and not eps_term:
        return None
    invariant = distribution != "rademacher"
    out: Array = np.full(lam.size, v / k) if invariant else (v / k) * np.eye(lam.size)
    if eps_term:
        if invariant:
            c6 = 1.0 if distribution == "gaussian" else d * d / ((d + 2.0) * (d + 4.0))
            t, t2 = float(np.sum(lam)), float(np.sum(lam**2))
            sixth = c6 * ((t * t + 2.0 * t2) + 4.0 * t * lam + 8.0 * lam**2)  # Vᵀ E[(zᵀHz)² zzᵀ] V, diagonal
            out = out + eps**2 / (4.0 * k) * sixth
        else:
            H = (V * lam) @ V.T
            out = out + eps**2 / (4.0 * k) * (V.T @ direction_sixth_moment(H, distribution) @ V)
    return out


# ---------------------------------------------------------------------------------------- stability
def _threshold_invariant(lam: Array, k: int, c: float) -> float:
    r"""Largest stable :math:`\eta` for an orthogonally invariant law.

    The root of :math:`\frac{c\eta}{k}\sum_i \frac{\lambda_i}{2 - a\eta\lambda_i} = 1` below
    :math:`2/(a\lambda_{\max})`.
    """
    a = 1.0 + (2.0 * c - 1.0) / k
    lo_nu, hi_nu = 0.5 * a * float(lam[-1]), 0.5 * (a * float(lam[-1]) + c / k * float(np.sum(lam)))

    def secular(nu: float) -> float:  # ν = 1/η; decreasing on ν > aλ_max/2, from +∞ to −1
        return c / k * float(np.sum(lam / (2.0 * nu - a * lam))) - 1.0

    lo = lo_nu * (1.0 + 4 * np.finfo(np.float64).eps)
    if secular(hi_nu) >= 0.0:  # the upper bracket is the root (all λ_i equal), up to rounding
        nu = hi_nu
    elif secular(lo) <= 0.0:  # the root is within rounding of aλ_max/2
        nu = lo
    else:
        nu = scipy.optimize.brentq(secular, lo, hi_nu, xtol=1e-300, rtol=4 * np.finfo(np.float64).eps)
    return 1.0 / float(nu)


def _threshold_rademacher(lam: Array, V: Array, k: int) -> float:
    r"""Largest stable :math:`\eta` for Rademacher directions: :math:`1/\rho(\mathcal L_1^{-1}\mathcal L_2)`."""
    r = lam.size
    plus = lam[:, None] + lam[None, :]

    def K(vec: Array) -> Array:
        S = vec.reshape(r, r)
        N = lam[:, None] * S * lam[None, :]
        M = V @ N @ V.T
        M = 0.5 * (M + M.T)
        L2 = N + (V.T @ direction_fourth_moment(M, "rademacher") @ V - N) / k  # Vᵀ E[PMP] V
        out: Array = (L2 / plus).ravel()  # L₁⁻¹(Y)_ij = Y_ij / (λ_i + λ_j)
        return out

    if r * r <= _DENSE_MAP_MAX:
        dense = np.stack([K(col) for col in np.eye(r * r)], axis=1)
        rho = float(np.max(np.abs(np.linalg.eigvals(dense))))
    else:
        op = scipy.sparse.linalg.LinearOperator((r * r, r * r), matvec=K, dtype=np.float64)
        vals = scipy.sparse.linalg.eigs(op, k=1, which="LM", v0=np.eye(r).ravel(), tol=1e-12,
                                        return_eigenvectors=False)
        rho = float(np.max(np.abs(vals)))
    return 1.0 / rho


def _threshold(lam: Array, V: Array, d: int, k: int, distribution: str) -> float:
    if lam.size == 0:
        return math.inf  # a flat model: every step is stable
    if distribution == "rademacher":
        return _threshold_rademacher(lam, V, k)
    return _threshold_invariant(lam, k, _invariant_constant(d, distribution))


def max_stable_lr(problem: Any, k: int = 1, distribution: str = "gaussian", *, x_star: Any = None,
                  sense: str = "mean-square", rng: Any = 0) -> float:
    r"""The largest step for which ZO-GD on the local quadratic model converges, in mean square or almost surely.

    ``sense="mean-square"`` (default): :math:`\eta^*`, the mean gap converges below it (and grows above it).
    ``sense="almost-sure"``: :math:`\eta_{\rm a.s.} \ge \eta^*`, a typical run converges below it (the top Lyapunov
    exponent of the random products :math:`I - \eta P_tH` is negative) and diverges above it; a Monte-Carlo
    estimate, see :func:`almost_sure_lr` for its confidence interval. Between the two, single runs converge while
    their mean gap diverges (rare runs with huge gaps carry the mean).

    Parameters
    ----------
    problem : SoftmaxRegression or Quadratic
    k : int >= 1
    distribution : {"gaussian", "sphere", "rademacher"}
    x_star : array_like (d,), optional
        The minimizer of a :class:`~zosoftmax.SoftmaxRegression` (default: :func:`zosoftmax.newton` from 0).
    sense : {"mean-square", "almost-sure"}
    rng : int or Generator
        Seed of the almost-sure estimate's fixed set of direction sequences (unused for mean-square).

    Returns
    -------
    float
        :math:`\eta^* = 1/\rho(\mathcal L_1^{-1}\mathcal L_2)`, where the recursion of :func:`expected_gap_curve`
        is :math:`\Sigma \mapsto \Sigma - \eta\mathcal L_1(\Sigma) + \eta^2\mathcal L_2(\Sigma)` with
        :math:`\mathcal L_1(\Sigma) = H\Sigma + \Sigma H`, :math:`\mathcal L_2(\Sigma) = E[PH\Sigma HP]`, on the range
        of :math:`H`. For Gaussian and sphere directions (:math:`c = 1`, :math:`d/(d+2)`;
        :math:`a = 1 + (2c - 1)/k`) it is the root of the secular equation

        .. math:: \frac{c\,\eta}{k}\sum_i \frac{\lambda_i}{2 - a\eta\lambda_i} = 1, \qquad
                  \frac{2}{a\lambda_{\max} + c\,\mathrm{tr}(H)/k} \le \eta^* < \frac{2}{a\lambda_{\max}} .

        ``inf`` when :math:`H = 0`.

    Notes
    -----
    C13. Every step :math:`\eta < \eta^*` gives a spectral radius below 1 and :math:`\eta^*` gives exactly 1: the
    map :math:`\mathcal K = \mathcal L_1^{-1}\mathcal L_2` is positive (it maps PSD matrices to PSD matrices:
    :math:`\mathcal L_2` is an expectation of congruences and :math:`\mathcal L_1^{-1}(Y) = \int_0^\infty
    e^{-sH}Ye^{-sH}ds`), so by Krein-Rutman its spectral radius is an eigenvalue with a PSD eigenvector :math:`X`,
    and :math:`\eta^* X - \eta^*\mathcal L_1 X + \eta^{*2}\mathcal L_2 X = \eta^* X`; conversely a step at which the
    recursion's Perron root reaches 1 makes :math:`1/\eta` an eigenvalue of :math:`\mathcal K`, so none below
    :math:`\eta^*` does. In the Gaussian and sphere cases the gap needs only the diagonal of :math:`\Sigma` in
    :math:`H`'s eigenbasis, a diagonal-plus-rank-one map whose Perron root is the secular equation's; for Rademacher
    :math:`\rho(\mathcal K)` is computed on the (r, r) state (dense for small ``r``, ARPACK otherwise). Compare with
    the C11 step :func:`zosoftmax.step_size` :math:`= 1/(\ell\gamma)`: for Gaussian directions and ``k = 1``,
    :math:`\eta^* \ge 2/(2\lambda_{\max} + \mathrm{tr} H)` while :math:`1/(\ell\gamma) = 1/(2\ell + \mathrm{tr} H_0)`
    with :math:`H_0 \succeq H`, so the worst-case step is at least 2x smaller.
    """
    k = _checks.positive_int(k, "k")
    distribution = _checks.choice(distribution, "distribution", _checks.DISTRIBUTIONS)
    sense = _checks.choice(sense, "sense", ("mean-square", "almost-sure"))
    if sense == "almost-sure":
        return almost_sure_lr(problem, k, distribution, x_star=x_star, rng=rng)[0]
    lam, V, _ = _local_model(problem, x_star, None)
    return _threshold(lam, V, V.shape[0], k, distribution)


LYAPUNOV_RUNS, LYAPUNOV_STEPS = 32, 2000  # default sample of the almost-sure estimate: 32 chains of 2000 steps


def _lyapunov(lam: Array, V: Array, lr: float, k: int, distribution: str, seed: int, runs: int,
              steps: int) -> tuple[float, float]:
    """(mean, standard error) over ``runs`` chains of the per-step log growth of ``|f|`` (``f`` in H's range)."""
    gen = np.random.default_rng(seed)
    d, r = V.shape
    f = gen.standard_normal((runs, r))
    f /= np.linalg.norm(f, axis=1, keepdims=True)
    burn = steps // 10  # forget the start: the direction of f settles on the random product's Oseledets direction
    total = np.zeros(runs)
    for t in range(burn + steps):
        U = _draw(gen, np.empty((runs, k, d)), distribution) @ V  # Vᵀz_j: only the range of H is carried
        proj = np.einsum("skr,sr->sk", U, f * lam)  # z_jᵀ H e in eigen-coordinates
        f = f - (lr / k) * np.einsum("sk,skr->sr", proj, U)  # f ← (I − η Π P H) f   (the range is invariant)
        norm = np.linalg.norm(f, axis=1)
        if t >= burn:
            with np.errstate(divide="ignore"):
                total += np.log(norm)
        f /= np.maximum(norm, 1e-300)[:, None]
    per_step = total / steps
    if np.any(per_step == -math.inf):  # a step mapped a chain exactly to 0 (e.g. Rademacher, 1-D, lr = 1/h): it stays
        return -math.inf, 0.0  # there, so the estimate is -inf exactly (and its SE would be inf - inf)
    return float(per_step.mean()), float(per_step.std(ddof=1) / math.sqrt(runs)) if runs > 1 else math.inf


def _seed(rng: Any) -> int:
    return int(_checks.generator(rng).integers(0, 2**63 - 1))


def lyapunov_exponent(problem: Any, lr: float, k: int = 1, distribution: str = "gaussian", *, x_star: Any = None,
                      runs: int = LYAPUNOV_RUNS, steps: int = LYAPUNOV_STEPS, rng: Any = 0) -> tuple[float, float]:
    r"""Monte-Carlo estimate of the top Lyapunov exponent of ZO-GD on the local quadratic model, per step.

    Parameters
    ----------
    problem : SoftmaxRegression or Quadratic
    lr : float > 0
    k, distribution, x_star :
        As in :func:`max_stable_lr`.
    runs, steps : int
        Independent chains, and the steps each is averaged over (after a burn-in of ``steps // 10``). With one chain
        the standard error is ``inf``; a chain mapped exactly to 0 gives ``(-inf, 0.0)``.
    rng : int or Generator

    Returns
    -------
    (float, float)
        .. math:: \hat\gamma = \frac1{R}\sum_{s=1}^R \frac1T\sum_{t} \log\frac{\|f_{s,t+1}\|}{\|f_{s,t}\|},
                  \qquad f_{t+1} = (I - \eta\,\Pi P_tH) f_t

        on the range of :math:`H` (:math:`\Pi` its projector; the null space never feeds back), and its standard
        error over the ``runs`` independent chains. A typical run's gap behaves like :math:`e^{2\gamma t}`.

    Notes
    -----
    C16. Furstenberg-Kesten: :math:`\frac1t\log\|e_t\| \to \gamma` almost surely for i.i.d. products; by Jensen
    :math:`2\gamma \le \log\rho` of the mean-square map, so :math:`\gamma < 0` below :func:`max_stable_lr`.
    The per-chain averages are independent, so the standard error is exact up to the finite-``T`` bias (a
    :math:`O(1/T)` transient, reduced by the burn-in).
    """
    lr = _checks.positive_float(lr, "lr")
    k = _checks.positive_int(k, "k")
    distribution = _checks.choice(distribution, "distribution", _checks.DISTRIBUTIONS)
    runs = _checks.positive_int(runs, "runs")
    steps = _checks.positive_int(steps, "steps")
    lam, V, _ = _local_model(problem, x_star, None)
    if lam.size == 0:
        return 0.0, 0.0
    return _lyapunov(lam, V, lr, k, distribution, _seed(rng), runs, steps)


def almost_sure_lr(problem: Any, k: int = 1, distribution: str = "gaussian", *, x_star: Any = None,
                   runs: int = LYAPUNOV_RUNS, steps: int = LYAPUNOV_STEPS, rng: Any = 0,
                   z: float = 3.0) -> tuple[float, float, float]:
    r"""The almost-sure stability threshold :math:`\eta_{\rm a.s.}` with a confidence interval.

    Parameters
    ----------
    problem, k, distribution, x_star, runs, steps, rng :
        As in :func:`lyapunov_exponent` (``runs >= 2``); one fixed set of direction sequences (from ``rng``) serves
        every step size tried, so :math:`\hat\gamma(\eta)` is one continuous function of :math:`\eta` (common random
        numbers).
    z : float > 0
        Width of the interval in standard errors of :math:`\hat\gamma`.

    Returns
    -------
    (lr, low, high)
        ``lr`` the root of :math:`\hat\gamma(\eta) = 0`, ``low`` and ``high`` the roots of
        :math:`\hat\gamma \pm z\,\mathrm{SE} = 0`: below ``low`` the exponent is negative and above ``high``
        positive at ``z`` standard errors (pointwise). ``(inf, inf, inf)`` when :math:`H = 0`.

    Notes
    -----
    C16. The search starts at the mean-square threshold :func:`max_stable_lr` (where :math:`\gamma < 0`) and doubles
    until the exponent is positive, then solves by Brent's method.
    """
    k = _checks.positive_int(k, "k")
    distribution = _checks.choice(distribution, "distribution", _checks.DISTRIBUTIONS)
    runs = _checks.positive_int(runs, "runs")
    if runs < 2:  # the interval needs a standard error; with one chain it is inf and the search never stops
        raise ValueError(f"runs must be at least 2 (the standard error needs two chains), got {runs}")
    steps = _checks.positive_int(steps, "steps")
    z = _checks.positive_float(z, "z")
    lam, V, _ = _local_model(problem, x_star, None)
    if lam.size == 0:
        return math.inf, math.inf, math.inf
    seed = _seed(rng)
    cache: dict[float, tuple[float, float]] = {}

    def gam(eta: float) -> tuple[float, float]:
        if eta not in cache:
            cache[eta] = _lyapunov(lam, V, eta, k, distribution, seed, runs, steps)
        return cache[eta]

    lo = _threshold(lam, V, V.shape[0], k, distribution)
    hi = 2.0 * lo
    for _ in range(60):
        if gam(hi)[0] - z * gam(hi)[1] > 0:
            break
        lo, hi = hi, 2.0 * hi
    out = []
    for shift in (0.0, z, -z):
        def fn(eta: float, shift: float = shift) -> float:
            g, se = gam(eta)
            return g + shift * se
        a, b = lo, hi
        while fn(a) > 0 and a > 1e-3 * lo:  # the pointwise band may already be positive at the lower bracket
            a *= 0.5
        out.append(float(scipy.optimize.brentq(fn, a, b, xtol=1e-4 * lo, rtol=1e-6)) if fn(a) < 0 < fn(b) else a)
    return out[0], out[1], out[2]


def expected_gap_curve(problem: Any, x0: Any, *, steps: int, lr: float, k: int = 1, distribution: str = "gaussian",
                       scheme: str = "central", x_star: Any = None, noise: float = 0.0,
                       eps: float | None = None, model: str = "local") -> Array:
    r"""The exact expected gap :math:`E[q(x_t)]`, t = 0..steps, of ZO-GD on the (local) quadratic model.

    Parameters
    ----------
    problem : SoftmaxRegression or Quadratic
        A softmax-regression instance (its local model :math:`H = \nabla^2 L(x^*)` at the minimizer is used) or a
        :class:`Quadratic`.
    x0 : array_like (d,)
        The start, the same for every run.
    steps : int >= 1
    lr : float > 0
        The step :math:`\eta`; at or above :func:`max_stable_lr` an :class:`UnstableStepWarning` is issued and the
        returned curve grows.
    k : int >= 1
        Directions per step.
    distribution : {"gaussian", "sphere", "rademacher"}
    scheme : {"central", "forward"}
        Without ``eps`` the same recursion for both (the :math:`\varepsilon\to0` limit; exact at every
        :math:`\varepsilon` for the central scheme on a quadratic). With ``eps`` the forward scheme's finite-ε term
        is included (exact on a quadratic).
    x_star : array_like (d,), optional
        The minimizer of a :class:`~zosoftmax.SoftmaxRegression` (default: :func:`zosoftmax.newton` from ``x0``);
        must be ``None`` for a :class:`Quadratic`.
    noise : float >= 0
        Standard deviation :math:`\sigma` of independent Gaussian noise on every loss evaluation (as
        :func:`zosoftmax.zo_gd` ``noise=``); requires ``eps``. The curve then levels off at a noise floor.
    eps : float > 0, optional
        The perturbation :math:`\varepsilon` of the runs (needed for ``noise > 0`` and for the forward scheme's
        finite-ε term; ``None`` is the :math:`\varepsilon\to0` limit).
    model : {"local", "closure"}
        ``"local"``: the exact recursion on the quadratic model at :math:`x^*` (C13). ``"closure"``: a moment closure
        that follows the true loss: the mean :math:`m_t` and covariance :math:`C_t` of :math:`x_t`, propagated with
        the gradient and Hessian at :math:`m_t` (:func:`_closure_curve`); exact on a quadratic, and it returns
        :math:`L(m_t) + \tfrac12\mathrm{tr}(\nabla^2L(m_t)C_t) - L^*`, whose ``t = 0`` value is the true initial gap.

    Returns
    -------
    ndarray (steps + 1,)
        .. math:: \mathrm{gap}_t = \tfrac12\,\mathrm{tr}(H\Sigma_t), \quad \Sigma_0 = e_0e_0^\top, \quad
                  \Sigma_{t+1} = \Sigma_t - \eta(H\Sigma_t + \Sigma_tH) + \eta^2 E[PH\Sigma_tHP]

        (:func:`expected_pmp`). For a softmax instance this is the model's gap, whose ``t = 0`` value is
        :math:`\tfrac12 e_0^\top H e_0`, not :math:`L(x_0) - L^*`; the two agree to :math:`O(\|e_0\|^3)`. Values
        beyond float64's range are ``inf``.

    Notes
    -----
    C13. In the eigenbasis :math:`H = V\Lambda V^\top` write :math:`S = V^\top\Sigma V` and
    :math:`N = \Lambda S\Lambda`. For Gaussian and sphere directions :math:`E[zz^\top Mzz^\top] = c(2M +
    \mathrm{tr}(M)I)` is orthogonally equivariant, so the diagonal :math:`s` of :math:`S` evolves on its own,

    .. math:: s_{t+1} = \Big(1 - 2\eta\lambda + \eta^2\big(1 + \tfrac{2c-1}{k}\big)\lambda^2\Big)\circ s_t
              + \frac{c\,\eta^2}{k}\langle\lambda^2, s_t\rangle\mathbf 1,

    and the gap :math:`\tfrac12\langle\lambda, s_t\rangle` needs nothing else: :math:`O(d)` per step after one
    eigendecomposition (:math:`O(d\,n^2)` through a QR of :math:`A^\top` when ``n < d``). Rademacher's fourth moment
    has :math:`-2\,\mathrm{Diag}(M)` in the coordinate basis, which couples all of :math:`S`: the (r, r) state is
    carried, :math:`O(d^2 r)` per step and :math:`O(d^2)` memory. Directions with :math:`\lambda_i = 0` (the null
    space of ``A``, or flat directions of the loss) do not move the gap: they never enter :math:`N`, so they are
    dropped exactly, and the spectral radius is taken on the range of :math:`H` (on the null space the second moment
    of :math:`e` grows additively, by a summable amount, and the loss does not see it).

    C16: with noise or the forward scheme's finite ε, the estimate gains a state-independent covariance :math:`Q`
    (:func:`_injected`) and the recursion gains :math:`+\eta^2 Q`, exactly on a quadratic; below
    :func:`max_stable_lr` the gap tends to the floor :math:`\tfrac12\mathrm{tr}(H\Sigma_\infty)`.
    """
    steps = _checks.positive_int(steps, "steps")
    lr = _checks.positive_float(lr, "lr")
    k = _checks.positive_int(k, "k")
    distribution = _checks.choice(distribution, "distribution", _checks.DISTRIBUTIONS)
    scheme = _checks.choice(scheme, "scheme", _checks.SCHEMES)
    noise, eps = _noise_settings(noise, eps)
    model = _checks.choice(model, "model", ("local", "closure"))
    d = problem.d if isinstance(problem, (Quadratic, SoftmaxRegression)) else None
    if d is None:
        raise ValueError(f"problem must be a SoftmaxRegression or a Quadratic, got {type(problem).__name__}")
    x0 = _checks.as_array(x0, "x0", ndim=1, shape=(d,), dtype=np.float64)
    lam, V, xs = _local_model(problem, x_star, x0)
    e = V.T @ (x0 - xs)  # e₀ in the eigenbasis of the range of H
    if lam.size and lr * float(lam[-1]) > _ABSURD_STEP:
        raise ValueError(f"lr={lr:.6g} times the largest curvature {float(lam[-1]):.6g} exceeds {_ABSURD_STEP:g}: "
                         f"the gap would leave float64's range in one step (max_stable_lr is "
                         f"{_threshold(lam, V, d, k, distribution):.6g})")
    invariant = distribution != "rademacher"
    # Rademacher's map is dominated by the Gaussian one on the PSD cone (its extra term −(2/k)Diag(M) is ⪯ 0), so a
    # step below the Gaussian threshold is stable for it too and its own (costlier) threshold is needed only above.
    threshold = _threshold(lam, V, d, k, distribution if invariant else "gaussian")
    if not invariant and lr >= threshold:
        threshold = _threshold(lam, V, d, k, distribution)
    if lr >= threshold:
        warnings.warn(UnstableStepWarning(
            f"lr={lr:.6g} is at or above max_stable_lr={threshold:.6g} for k={k}, {distribution} directions: the "
            "predicted mean gap grows"), stacklevel=2)
    if model == "closure":
        return _closure_curve(problem, x0, xs, steps, lr, k, distribution, scheme, noise, eps)
    if lam.size == 0:
        return np.zeros(steps + 1)
    Q = _injected(lam, V, d, k, distribution, scheme, noise, eps)
    inject = None if Q is None else lr**2 * Q  # + η² Q each step
    if invariant:
        return _diagonal_curve(lam, e * e, steps, lr, k, _invariant_constant(d, distribution), inject)
    return _rademacher_curve(lam, V, e, steps, lr, k, inject)


def _closure_curve(problem: Any, x0: Array, x_star: Array, steps: int, lr: float, k: int, distribution: str,
                   scheme: str, noise: float, eps: float | None) -> Array:
    r"""The moment closure: mean and covariance of :math:`x_t` along the mean path, with the true loss's derivatives.

    With :math:`\delta = x - m` and the gradient linearized at the mean, :math:`\nabla L(x) \approx g + H\delta`
    (:math:`g = \nabla L(m)`, :math:`H = \nabla^2L(m)`), the step :math:`x - \eta(P\nabla L(x) + n)` gives

    .. math:: m_{t+1} = m_t - \eta g, \qquad
              C_{t+1} = C_t - \eta(HC_t + C_tH) + \eta^2\big(E[P(gg^\top + HC_tH)P] - gg^\top + Q\big),

    and the mean loss :math:`E[L(x_t)] \approx L(m_t) + \tfrac12\mathrm{tr}(HC_t)`. On a quadratic every step is
    exact and :math:`\Sigma_t = C_t + (m_t - x^*)(m_t - x^*)^\top` is C13's recursion; otherwise it neglects the
    third derivatives against :math:`C_t` (small while the spread of the runs is small), not the distance to
    :math:`x^*`. :math:`O(d^3)` a step (a Hessian at the mean).
    """
    m = np.array(x0, dtype=np.float64)
    d = m.size
    C = np.zeros((d, d))
    loss_star = float(problem.loss(x_star))
    out = np.empty(steps + 1)
    v = 0.0 if eps is None else (noise**2 / (2.0 * eps**2) if scheme == "central" else 2.0 * noise**2 / eps**2)
    with np.errstate(over="ignore", invalid="ignore"):
        for t in range(steps + 1):
            H = np.asarray(problem.hessian(m), dtype=np.float64)
            H = 0.5 * (H + H.T)
            out[t] = float(problem.loss(m)) + 0.5 * float(np.sum(H * C)) - loss_star  # E L ≈ L(m) + ½tr(HC)
            if t == steps:
                break
            if not np.isfinite(out[t]):  # overflow, or inf - inf (nan) in C: the gap has left float range
                out[t:] = np.inf
                break
            g = np.asarray(problem.gradient(m), dtype=np.float64)
            HC = H @ C  # C H = (H C)ᵀ (both symmetric): two (d, d) products a step, not four
            M = np.outer(g, g) + HC @ H
            M = 0.5 * (M + M.T)
            pmp = direction_fourth_moment(M, distribution) / k + (1.0 - 1.0 / k) * M  # E[P M P]
            Q = (v / k) * np.eye(d)
            if scheme == "forward" and eps is not None:
                Q = Q + eps**2 / (4.0 * k) * direction_sixth_moment(H, distribution)
            C = C - lr * (HC + HC.T) + lr**2 * (pmp - np.outer(g, g) + Q)
            C = 0.5 * (C + C.T)
            m = m - lr * g  # m_{t+1} = m_t − η ∇L(m_t)
            if not np.all(np.isfinite(m)) or np.max(np.abs(m)) > 1e150:
                out[t + 1:] = np.inf
                break
    return out


def _noise_settings(noise: Any, eps: Any) -> tuple[float, float | None]:
    """Validate ``noise`` (>= 0) and ``eps`` (> 0 or None; required when ``noise > 0``)."""
    if isinstance(noise, bool) or not isinstance(noise, (int, float, np.integer, np.floating)) or not (
            math.isfinite(noise) and noise >= 0):
        raise ValueError(f"noise must be a finite number >= 0, got {noise!r}")
    eps_f = None if eps is None else _checks.positive_float(eps, "eps")
    if noise > 0 and eps_f is None:
        raise ValueError("eps must be given when noise > 0: the noise enters the quotients as sigma/eps")
    return float(noise), eps_f


# ---------------------------------------------------------------------------------------- the planner
PLAN_KS = (1, 2, 4, 8, 16, 32, 64)  # directions per step tried by default (those that fit the budget)
_PLAN_GRID = 48  # log-spaced step sizes per k in [1e-4 eta*, eta*) before the bounded refinement


@dataclass(frozen=True)
class Plan:
    r"""The planner's answer: the best ``k`` and ``lr`` for a budget of loss evaluations, and the table over ``k``.

    Attributes
    ----------
    k, lr, steps : int, float, int
        The best choice and the steps the budget buys with it (``budget // evaluations(k, scheme)``).
    gap : float
        Its predicted expected gap after ``steps`` steps (:func:`expected_gap_curve`).
    table : tuple of dict
        One row per ``k`` tried: ``k``, ``steps``, ``lr``, ``gap``, ``max_stable_lr`` (mean-square).
    budget : int

    Notes
    -----
    C16.
    """

    k: int
    lr: float
    steps: int
    gap: float
    table: tuple[dict[str, float], ...]
    budget: int


def _final_gaps(lam: Array, s0: Array, steps: int, lrs: Array, k: int, c: float, unit: Array | None) -> Array:
    """Predicted gap after ``steps`` for each step size in ``lrs`` (invariant laws, all below eta*): vectorized."""
    L = lrs[:, None]
    D = 1.0 - 2.0 * L * lam + L**2 * (1.0 + (2.0 * c - 1.0) / k) * lam**2  # as in _diagonal_curve
    q = (c * L**2 / k) * lam**2
    S = np.tile(s0, (lrs.size, 1))
    inj = None if unit is None else L**2 * unit
    with np.errstate(under="ignore"):  # a gap below float64's range is 0, as it rounds, under any caller's errstate
        for _ in range(steps):
            S = D * S + np.sum(q * S, axis=1, keepdims=True) + (0.0 if inj is None else inj)
        out: Array = 0.5 * S @ lam
    return out


def plan(problem: Any, x0: Any, *, budget: int, distribution: str = "gaussian", scheme: str = "central",
         noise: float = 0.0, eps: float = 1e-3, x_star: Any = None, ks: Any = None) -> Plan:
    r"""The ``k`` and step size that minimize the predicted gap after ``budget`` loss evaluations.

    Parameters
    ----------
    problem : SoftmaxRegression or Quadratic
    x0 : array_like (d,)
    budget : int >= 2
        Loss evaluations allowed: ``k`` directions cost ``2k`` (central) or ``k + 1`` (forward) a step.
    distribution, scheme, noise, eps, x_star :
        As in :func:`expected_gap_curve` (``eps`` enters through the noise and the forward scheme's ε-term).
    ks : sequence of int, optional
        Directions per step to try (default :data:`PLAN_KS`, those affordable for at least one step).

    Returns
    -------
    Plan
        .. math:: (k^\star, \eta^\star) = \arg\min_{k}\ \min_{0 < \eta < \eta^*(k)}
                  E\big[q(x_{T(k)})\big], \qquad T(k) = \lfloor \text{budget} / \text{evaluations}(k) \rfloor

        on the exact (local) curve.

    Notes
    -----
    C16. For each ``k`` the step is searched in :math:`[10^{-4}\eta^*, \eta^*)`, :math:`\eta^*` the mean-square
    threshold (:func:`max_stable_lr`): a log-spaced grid of 48 points, then a bounded scalar minimization of the
    log gap between the grid neighbours of the best point. Only steps where the mean gap converges are offered.
    """
    budget = _checks.positive_int(budget, "budget")
    distribution = _checks.choice(distribution, "distribution", _checks.DISTRIBUTIONS)
    scheme = _checks.choice(scheme, "scheme", _checks.SCHEMES)
    eps = _checks.positive_float(eps, "eps")
    noise, _ = _noise_settings(noise, eps)
    d = problem.d if isinstance(problem, (Quadratic, SoftmaxRegression)) else None
    if d is None:
        raise ValueError(f"problem must be a SoftmaxRegression or a Quadratic, got {type(problem).__name__}")
    x0 = _checks.as_array(x0, "x0", ndim=1, shape=(d,), dtype=np.float64)
    cand = PLAN_KS if ks is None else tuple(_checks.positive_int(k, "ks") for k in ks)
    per = {k: (2 * k if scheme == "central" else k + 1) for k in cand}
    cand = tuple(k for k in cand if per[k] <= budget)
    if not cand:
        raise ValueError(f"budget={budget} buys no step for any k in {ks if ks is not None else PLAN_KS}")
    lam, V, xs = _local_model(problem, x_star, x0)
    e = V.T @ (x0 - xs)
    rows = []
    for k in cand:
        steps = budget // per[k]
        eta_ms = _threshold(lam, V, d, k, distribution)
        if lam.size == 0:
            rows.append({"k": k, "steps": steps, "lr": math.inf, "gap": 0.0, "max_stable_lr": math.inf})
            continue
        Q = _injected(lam, V, d, k, distribution, scheme, noise, eps)
        c = _invariant_constant(d, distribution) if distribution != "rademacher" else math.nan

        def gaps(lrs: Array, k: int = k, steps: int = steps, c: float = c, Q: Array | None = Q) -> Array:
            if distribution != "rademacher":
                return _final_gaps(lam, e * e, steps, lrs, k, c, Q)
            return np.array([_rademacher_curve(lam, V, e, steps, float(lr), k,
                                               None if Q is None else float(lr) ** 2 * Q)[-1] for lr in lrs])
        top = eta_ms * (1.0 - 1e-6)
        grid = top * np.logspace(-4.0, 0.0, _PLAN_GRID)
        values = gaps(grid)
        i = int(np.argmin(values))
        lo, hi = grid[max(i - 1, 0)], grid[min(i + 1, grid.size - 1)]
        best_lr, best_gap = float(grid[i]), float(values[i])
        if hi > lo and best_gap > 0:
            res = scipy.optimize.minimize_scalar(
                lambda u: math.log(max(float(gaps(np.array([math.exp(u)]))[0]), 1e-300)),
                bounds=(math.log(lo), math.log(hi)), method="bounded", options={"xatol": 1e-4})
            refined = float(gaps(np.array([math.exp(res.x)]))[0])
            if refined < best_gap:
                best_lr, best_gap = math.exp(float(res.x)), refined
        rows.append({"k": k, "steps": steps, "lr": best_lr, "gap": best_gap, "max_stable_lr": eta_ms})
    best = min(rows, key=lambda row: row["gap"])
    return Plan(k=int(best["k"]), lr=float(best["lr"]), steps=int(best["steps"]), gap=float(best["gap"]),
                table=tuple(rows), budget=budget)


def gd_gap_curve(problem: Any, x0: Any, *, steps: int, lr: float, x_star: Any = None) -> Array:
    r"""The exact gap of (deterministic) gradient descent on the (local) quadratic model, t = 0..steps.

    Parameters
    ----------
    problem, x0, steps, lr, x_star :
        As :func:`expected_gap_curve`.

    Returns
    -------
    ndarray (steps + 1,)
        .. math:: \mathrm{gap}_t = \tfrac12\sum_i \lambda_i (1 - \eta\lambda_i)^{2t} e_i^2, \qquad e = V^\top(x_0 - x^*)

    Notes
    -----
    C13, C15: the first-order baseline of the ZO curve (:func:`expected_gap_curve` with :math:`P_t = I`), so the
    predicted zeroth-order overhead is the ratio of the two curves' hitting times.
    """
    steps = _checks.positive_int(steps, "steps")
    lr = _checks.positive_float(lr, "lr")
    d = problem.d if isinstance(problem, (Quadratic, SoftmaxRegression)) else None
    if d is None:
        raise ValueError(f"problem must be a SoftmaxRegression or a Quadratic, got {type(problem).__name__}")
    x0 = _checks.as_array(x0, "x0", ndim=1, shape=(d,), dtype=np.float64)
    lam, V, xs = _local_model(problem, x_star, x0)
    e = V.T @ (x0 - xs)
    t = np.arange(steps + 1)[:, None]
    with np.errstate(over="ignore", under="ignore"):  # a step above 2/λ_max grows without bound: inf, as the math
        return 0.5 * np.sum(lam * e**2 * (1.0 - lr * lam) ** (2 * t), axis=1)  # type: ignore[no-any-return]
