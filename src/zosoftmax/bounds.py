r"""Provable constants of softmax regression: smoothness, strong convexity, effective rank, rates.

Everything rests on one identity (C3, proved in ``proofs/c03_hessian.py``): with
:math:`\tilde v = v - \langle f, v\rangle\mathbf 1` and :math:`\bar c = \langle f, c\rangle`,

.. math:: v^\top B v = \|S v\|^2 + \sum_i f_i (c_i - \bar c)\,\tilde v_i^2 ,
          \qquad v^\top S v = \sum_i f_i \tilde v_i^2 \le \tfrac12\|v\|^2 ,

so :math:`B` is controlled by :math:`\lambda_{\max}(S) \le 1/2` and by the spread of :math:`c`. With the
target's range :math:`\rho = \max_i b_i - \min_i b_i` (:math:`\rho\le1` on the simplex,
:math:`\rho\le\sqrt2` on the unit ball) this gives, for every ``n`` and every ``x``,

.. math:: \lambda_{\max}(B) \le \beta^+ = \tfrac38 + \tfrac{\rho}2, \qquad
          -\lambda_{\min}(B) \le \beta^- = \tfrac14 + \tfrac{\rho}2 .

The proofs (``proofs/c04_smoothness.py``) give the tight values for ``n = 2`` and an adversarial search
for larger ``n``; these constants are valid, not tight.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from . import _checks
from ._checks import Array
from .estimators import direction_moment, gamma
from .problem import SoftmaxRegression

__all__ = [
    "beta_constants",
    "bias_bound",
    "deviation_bound",
    "effective_rank",
    "hessian_lower_bound",
    "hessian_upper_bound",
    "iteration_bound",
    "pl_constant",
    "rate_bound",
    "residual_gradient_bound",
    "smoothness_bound",
    "step_size",
    "strong_convexity_bound",
    "target_range",
    "third_derivative_bound",
]

LAMBDA_MAX_S = 0.5  # λ_max(diag(f) − ffᵀ) ≤ 1/2 for every f in the simplex (Popoviciu), proofs/c04


def _problem(problem: Any) -> SoftmaxRegression:
    if not isinstance(problem, SoftmaxRegression):
        raise ValueError(f"problem must be a SoftmaxRegression, got {type(problem).__name__}")
    return problem


def target_range(problem: Any) -> float:
    r""":math:`\rho = \max_i b_i - \min_i b_i`, the range of the target (C4-C6).

    Parameters
    ----------
    problem : SoftmaxRegression or array_like (n,)
        The instance, as for every function of this module, or its target ``b`` itself (the constants that
        depend on the target alone accept either).

    Returns
    -------
    float
        :math:`\rho`; at most 1 for a probability vector, :math:`\sqrt2` for :math:`\|b\|_2 \le 1`.

    Notes
    -----
    C4, C5, C6.
    """
    b = problem.b if isinstance(problem, SoftmaxRegression) else _checks.as_array(problem, "b", ndim=1)
    return float(np.max(b) - np.min(b))


def beta_constants(problem: Any) -> tuple[float, float]:
    r"""Proven :math:`(\beta^+, \beta^-)` with :math:`-\beta^- I \preceq B(x) \preceq \beta^+ I` for all x.

    Parameters
    ----------
    problem : SoftmaxRegression or array_like (n,)
        The instance, like every sibling in this module; the constants depend on it only through its
        target ``b``, so a target vector itself is accepted too (as :func:`target_range`).

    Returns
    -------
    (float, float)
        .. math:: \beta^+ = \tfrac14 + \tfrac12\big(\tfrac14 + \rho\big), \qquad
                  \beta^- = \tfrac14 + \tfrac{\rho}{2}

    Notes
    -----
    C4, C5 (proved in ``proofs/c04_smoothness.py``). With :math:`v^\top Bv = \sum_i f_iq_i\tilde v_i^2`,
    :math:`q = f + c - \bar c\mathbf 1`, :math:`s = \|f\|^2` and :math:`\lambda = \lambda_{\max}(S)`:

    * :math:`\beta^+`: :math:`\|Sv\|^2 \le \lambda\, v^\top Sv`, :math:`c_i - \bar c = (f_i - s) + (\langle
      f,b\rangle - b_i) \le \frac14 + \rho`, and :math:`v^\top Sv \le \lambda \le \frac12`.
    * :math:`\beta^-`: :math:`-q_i = s - 2f_i + b_i - \langle f,b\rangle \le s + \rho`, so
      :math:`-v^\top Bv \le (s+\rho)\,v^\top Sv \le (s+\rho)\min(\frac12, 1-s) \le \frac14 + \frac\rho2`
      (:math:`\lambda \le \mathrm{tr}\,S = 1 - s`; the maximum over :math:`s\in[0,1]` is at
      :math:`s = \frac12`). This replaces the earlier :math:`(1+\rho)/2`.

    Simplex targets (:math:`\rho\le1`): at most (7/8, 3/4); unit ball (:math:`\rho\le\sqrt2`): at most
    (1.082, 0.957). Tight values (n = 2 exactly, n <= 8 numerically): simplex (0.3081, 0.2404), ball
    (0.3591, 0.3125).
    """
    rho = target_range(problem)
    beta_plus = LAMBDA_MAX_S**2 + LAMBDA_MAX_S * (0.25 + rho)  # ||Sv||² + max(c_i − c̄)₊ · vᵀSv
    beta_minus = 0.25 + 0.5 * rho  # max over s = ‖f‖² in [0, 1] of (s + ρ)·min(1/2, 1 − s), at s = 1/2
    return beta_plus, beta_minus


def residual_gradient_bound(problem: Any) -> float:
    r"""Proven :math:`\sup_x \|S c\|` (C6).

    :math:`\|Sc\| \le \|S^{1/2}\|\,(c^\top S c)^{1/2} \le \tfrac1{\sqrt2}\cdot\tfrac{1+\rho}2`.

    Parameters
    ----------
    problem : SoftmaxRegression or array_like (n,)
        The instance or its target ``b`` (as :func:`target_range`).

    Notes
    -----
    C6. :math:`c^\top S c = \mathrm{Var}_f(c) \le (\mathrm{range}\,c/2)^2` and
    :math:`\mathrm{range}\,c \le \mathrm{range} f + \rho \le 1 + \rho`.
    """
    return math.sqrt(LAMBDA_MAX_S) * (1.0 + target_range(problem)) / 2


def third_derivative_bound(problem: SoftmaxRegression) -> float:
    r"""Proven :math:`M_3 \ge \sup_x \sup_{\|h\|=1} |\nabla^3 L(x)[h, h, h]|`.

    Returns
    -------
    float
        .. math:: M_3 = \|A\|^3\Big(\tfrac32 + \tfrac{7}{4\sqrt2}(1+\rho)\Big)

    Notes
    -----
    C7. Along a unit direction ``v`` of the logits, with :math:`\sigma^2 = \mathrm{Var}_f(v)` and
    :math:`\kappa_3` the third central moment: :math:`\dot f = f\circ\tilde v`,
    :math:`\ddot f = f\circ(\tilde v^2 - \sigma^2)`, :math:`\dddot f = f\circ(\tilde v^3 - 3\sigma^2\tilde v
    - \kappa_3)`, so :math:`\varphi''' = 3\langle\dot f,\ddot f\rangle + \langle c, \dddot f\rangle` with
    :math:`\|\dot f\| \le \frac12`, :math:`\|\ddot f\|_1 \le 2\sigma^2 \le 1`,
    :math:`|\tilde v_i| \le \sqrt2` and :math:`\|\dddot f\|_1 \le \frac{7}{2\sqrt2}` against
    :math:`c` centred (range :math:`\le 1+\rho`). The regularizer is quadratic: no third derivative.
    """
    p = _problem(problem)
    norm_A = float(np.linalg.norm(p.A, 2))
    m3_logits = 1.5 + 7.0 / (4.0 * math.sqrt(2.0)) * (1.0 + target_range(p))
    return norm_A**3 * m3_logits


def hessian_upper_bound(problem: SoftmaxRegression) -> Array:
    r""":math:`H_0 = A^\top(\beta^+ I + W^2)A \succeq \nabla^2 L(x)` for every ``x`` (C4, C10).

    Returns
    -------
    ndarray (d, d)
    """
    p = _problem(problem)
    beta_plus, _ = beta_constants(p)
    diag = np.full(p.n, beta_plus) + (0.0 if p.w is None else p.w.astype(np.float64) ** 2)
    A = p.A.astype(np.float64)
    H0 = A.T @ (diag[:, None] * A)  # Aᵀ(β⁺ I + W²)A
    return 0.5 * (H0 + H0.T)


def hessian_lower_bound(problem: SoftmaxRegression) -> Array:
    r""":math:`A^\top(W^2 - \beta^- I)A \preceq \nabla^2 L(x)` for every ``x`` (C5)."""
    p = _problem(problem)
    _, beta_minus = beta_constants(p)
    diag = -np.full(p.n, beta_minus) + (0.0 if p.w is None else p.w.astype(np.float64) ** 2)
    A = p.A.astype(np.float64)
    H = A.T @ (diag[:, None] * A)  # Aᵀ(W² − β⁻ I)A
    return 0.5 * (H + H.T)


def smoothness_bound(problem: SoftmaxRegression) -> float:
    r""":math:`\ell = \|H_0\|_2`, a global smoothness constant (C4)."""
    return float(np.linalg.eigvalsh(hessian_upper_bound(problem))[-1])


def strong_convexity_bound(problem: SoftmaxRegression) -> float:
    r""":math:`\mu = \lambda_{\min}(A^\top(W^2 - \beta^- I)A)`; ``<= 0`` means no guarantee (C5).

    Notes
    -----
    C5. Implies the paper family's sufficient condition: if :math:`w_i^2 \ge \beta^- + l/\sigma_{\min}(A)^2`
    then :math:`\mu \ge l`. Strong convexity implies the PL inequality with the same constant (C11).
    """
    return float(np.linalg.eigvalsh(hessian_lower_bound(problem))[0])


def pl_constant(problem: SoftmaxRegression) -> float:
    r"""PL constant :math:`\mu`: :math:`\|\nabla L(x)\|^2 \ge 2\mu\,(L(x) - L^*)` for every ``x``; ``<= 0``: none.

    Returns
    -------
    float
        .. math:: \mu = \lambda_{\min}\big(V_r^\top A^\top(W^2 - \beta^- I)A\,V_r\big)

        with :math:`V_r` an orthonormal basis of the row space of ``A`` (numerical rank, NumPy's default
        tolerance :math:`\max(n,d)\,\epsilon_{\rm mach}\,\sigma_{\max}`).

    Notes
    -----
    C5, C11. :math:`L(x) = \psi(V_r^\top x)` depends on ``x`` only through the row space, and
    :math:`\psi` is :math:`\mu`-strongly convex by C5 restricted to it; a strongly convex function is PL
    with the same constant, and :math:`\|\nabla L\| = \|\nabla\psi\|`. With ``rank(A) = d`` this is
    :func:`strong_convexity_bound`; a rank-``r`` ``A`` still gives linear convergence (the setting of the
    dimension-free experiment).
    """
    p = _problem(problem)
    _, s, Vt = np.linalg.svd(p.A.astype(np.float64), full_matrices=False)
    rank = int(np.sum(s > max(p.n, p.d) * np.finfo(np.float64).eps * s[0])) if s[0] > 0 else 0
    if rank == 0:
        return 0.0
    V = Vt[:rank].T  # orthonormal basis of row(A)
    return float(np.linalg.eigvalsh(V.T @ hessian_lower_bound(p) @ V)[0])


def effective_rank(H: Any) -> float:
    r"""Effective rank :math:`r = \mathrm{tr}(H)/\|H\|_2` of a symmetric PSD matrix (C10).

    Parameters
    ----------
    H : array_like (d, d)
    """
    H = _checks.as_array(H, "H", ndim=2)
    if H.shape[0] != H.shape[1]:
        raise ValueError(f"H must be square, got shape {H.shape}")
    if not np.allclose(H, H.T, rtol=1e-10, atol=1e-12 * max(1.0, float(np.max(np.abs(H))))):
        raise ValueError("H must be symmetric")
    eig = np.linalg.eigvalsh(H)
    top = float(eig[-1])
    if top <= 0 or eig[0] < -1e-10 * top:
        raise ValueError(f"H must be positive semidefinite and non-zero; eigenvalues span [{eig[0]:.3g}, {top:.3g}]")
    return float(np.trace(H)) / top


def deviation_bound(problem: SoftmaxRegression, eps: float, distribution: str = "gaussian",
                    scheme: str = "central") -> float:
    r"""Bound on one direction's deviation :math:`E\,\|(s(z) - \nabla L^\top z)\,z\|` from its ε → 0 limit (C7).

    Returns
    -------
    float
        .. math:: \text{central: } \frac{\varepsilon^2}{6} M_3\, E\|z\|^4, \qquad
                  \text{forward: } \frac{\varepsilon}{2}\,\ell\,(E\|z\|^4)^{3/4}

    Notes
    -----
    C7. Taylor with Lagrange remainder per direction: the central quotient differs from
    :math:`\nabla L^\top z` by at most :math:`\frac{\varepsilon^2}{6}M_3\|z\|^3`; the forward one by
    :math:`\frac{\varepsilon}{2}|z^\top\nabla^2 L(\xi) z| \le \frac\varepsilon2\ell\|z\|^2`, since
    :math:`-\beta^- A^\top A \preceq \nabla^2 L \preceq H_0` and :math:`\beta^- \le \beta^+` give
    :math:`\|\nabla^2 L\| \le \ell`. Multiply by :math:`\|z\|` and take expectations
    (:math:`E\|z\|^3 \le (E\|z\|^4)^{3/4}`, Jensen). This is the spread of single estimates; the bias of
    their mean is :func:`bias_bound`.
    """
    p = _problem(problem)
    eps = _checks.positive_float(eps, "eps")
    scheme = _checks.choice(scheme, "scheme", _checks.SCHEMES)
    m4 = direction_moment(p.d, distribution, 4)
    if scheme == "central":
        return float(eps**2 / 6 * third_derivative_bound(p) * m4)  # O(ε²)
    return float(eps / 2 * smoothness_bound(p) * m4**0.75)  # O(ε)


def bias_bound(problem: SoftmaxRegression, eps: float, distribution: str = "gaussian",
               scheme: str = "central") -> float:
    r"""Bound on the bias :math:`\|E[\hat g] - \nabla L(x)\|` at any ``x`` (C7).

    Returns
    -------
    float
        .. math:: \frac{\varepsilon^2}{6} M_3\, E\|z\|^4 \quad\text{(central)}, \qquad
                  \min\Big(\frac{\varepsilon^2}{6} M_3\, E\|z\|^4,\;
                  \frac{\varepsilon}{2}\,\ell\,(E\|z\|^4)^{3/4}\Big) \quad\text{(forward)}

    Notes
    -----
    C7. Jensen: the bias is at most :func:`deviation_bound`. For the forward scheme more is true: all
    three distributions are symmetric (:math:`z \sim -z`), so :math:`E[L(x)\,z] = 0` and
    :math:`E[L(x+\varepsilon z)z] = \tfrac12E[(L(x+\varepsilon z) - L(x-\varepsilon z))z]`: the forward
    estimate has exactly the central estimate's mean, and its bias is :math:`O(\varepsilon^2)`, not
    :math:`O(\varepsilon)` as the reconstructed claim says. Averaging over ``k`` directions does not
    change the bias.
    """
    central = deviation_bound(problem, eps, distribution, "central")
    if _checks.choice(scheme, "scheme", _checks.SCHEMES) == "central":
        return central
    return min(central, deviation_bound(problem, eps, distribution, "forward"))  # E[forward] = E[central]


def step_size(problem: SoftmaxRegression, k: int, distribution: str) -> float:
    r"""The C11 step :math:`\eta = 1/(\ell\gamma)` with :math:`\gamma = \gamma(d, k, r(H_0))`."""
    H0 = hessian_upper_bound(_problem(problem))
    ell = float(np.linalg.eigvalsh(H0)[-1])
    return 1.0 / (ell * gamma(problem.d, k, effective_rank(H0), distribution))


def rate_bound(problem: SoftmaxRegression, k: int, distribution: str) -> float:
    r"""Per-step contraction :math:`1 - \mu/(\ell\gamma)` of :math:`E[L(x_t)] - L^*` (C11); 1 if no PL.

    Notes
    -----
    C11, with :math:`\mu` = :func:`pl_constant`, :math:`\ell` = :func:`smoothness_bound` and
    :math:`\gamma` = :func:`zosoftmax.gamma` at the effective rank of :func:`hessian_upper_bound`.
    """
    mu = pl_constant(problem)
    if mu <= 0:
        return 1.0
    return 1.0 - mu * step_size(problem, k, distribution)


def iteration_bound(problem: SoftmaxRegression, x0: Any, k: int, distribution: str, accuracy: float, *,
                    loss_star: float) -> float:
    r"""Iterations after which the C11 bound guarantees :math:`E[L(x_t)] - L^* \le` ``accuracy``.

    Parameters
    ----------
    problem : SoftmaxRegression
    x0 : array_like (d,)
    k : int
    distribution : {"gaussian", "sphere", "rademacher"}
    accuracy : float > 0
        :math:`\epsilon`, in units of the loss.
    loss_star : float
        :math:`L^* = \min L`, required: this module computes bounds, never an optimization (the caller
        has it, e.g. from :func:`zosoftmax.newton`). It must not exceed :math:`L(x_0)`.

    Returns
    -------
    float
        .. math:: T = \Big\lceil \frac{\log(\Delta_0/\epsilon)}{-\log(1 - \mu/(\ell\gamma))} \Big\rceil
                  \approx \Big(\frac{r+1}{k} + 1\Big)\frac{\ell}{\mu}\log\frac{\Delta_0}{\epsilon}

        ``inf`` when there is no PL guarantee (:math:`\mu \le 0`, :func:`pl_constant`).

    Notes
    -----
    C11.
    """
    p = _problem(problem)
    accuracy = _checks.positive_float(accuracy, "accuracy")
    x0 = _checks.as_array(x0, "x0", ndim=1, shape=(p.d,))
    if isinstance(loss_star, bool) or not isinstance(loss_star, (int, float, np.floating, np.integer)) \
            or not math.isfinite(loss_star):
        raise ValueError(f"loss_star must be a finite number (the minimum of the loss), got {loss_star!r}")
    rho = rate_bound(p, k, distribution)
    loss0 = p.loss(x0)
    gap0 = loss0 - float(loss_star)
    # The computed loss carries a relative rounding error of order (2n + d) u (d-term logits, a 2n-term sum of
    # squares): a true minimum may exceed the computed L(x0) by that much (x0 at the minimizer), not more.
    rounding = (2 * p.n + p.d + 2) * float(np.finfo(p.dtype).eps) * (abs(loss0) + abs(float(loss_star)))
    if gap0 < -rounding:
        raise ValueError(f"loss_star must be <= L(x0) = {loss0:.17g} (it is the minimum of L), got {loss_star!r}")
    if gap0 <= accuracy:
        return 0.0
    if rho >= 1.0:
        return math.inf
    return float(math.ceil(math.log(gap0 / accuracy) / -math.log(rho)))
