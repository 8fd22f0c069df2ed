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
from .problem import AttentionRegression, SoftmaxRegression

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
    "row_beta_constants",
    "row_ranges",
    "smoothness_bound",
    "step_size",
    "strong_convexity_bound",
    "target_range",
    "third_derivative_bound",
    "upper_spectrum",
]

LAMBDA_MAX_S = 0.5  # λ_max(diag(f) − ffᵀ) ≤ 1/2 for every f in the simplex (Popoviciu), proofs/c04


def _problem(problem: Any) -> SoftmaxRegression:
    if not isinstance(problem, SoftmaxRegression):
        raise ValueError(f"problem must be a SoftmaxRegression, got {type(problem).__name__}")
    return problem


def target_range(problem: Any) -> float:
    r""":math:`\rho = \max_i b_i - \min_i b_i`, the range of the target (C4-C6); the largest over the rows.

    Parameters
    ----------
    problem : SoftmaxRegression or array_like (n,) or (m, n)
        The instance, as for every function of this module, or its target ``b`` itself (the constants that
        depend on the target alone accept either).

    Returns
    -------
    float
        :math:`\rho`; at most 1 for a probability vector, :math:`\sqrt2` for :math:`\|b\|_2 \le 1`. For ``m``
        rows, :math:`\max_i \rho_i` (:func:`row_ranges` has each).

    Notes
    -----
    C4, C5, C6.
    """
    return float(np.max(row_ranges(problem)))


def row_ranges(problem: Any) -> Array:
    r"""Each softmax row's target range :math:`\rho_i = \max_j b_{ij} - \min_j b_{ij}`, shape (m,) (C14)."""
    if isinstance(problem, SoftmaxRegression):
        b = problem.b
    else:
        b = _checks.as_array(problem, "b", ndim=np.ndim(problem))
        if b.ndim not in (1, 2):
            raise ValueError(f"b must be (n,) or (m, n), got shape {b.shape}")
    b2 = b.reshape(-1, b.shape[-1]).astype(np.float64)
    return np.max(b2, axis=1) - np.min(b2, axis=1)  # type: ignore[no-any-return]


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
    return _betas(target_range(problem))  # type: ignore[no-any-return]


def _betas(rho: Any) -> Any:
    r""":math:`(\beta^+, \beta^-)` of a target range (a float or an array of row ranges)."""
    beta_plus = LAMBDA_MAX_S**2 + LAMBDA_MAX_S * (0.25 + rho)  # ||Sv||² + max(c_i − c̄)₊ · vᵀSv
    beta_minus = 0.25 + 0.5 * rho  # max over s = ‖f‖² in [0, 1] of (s + ρ)·min(1/2, 1 − s), at s = 1/2
    return beta_plus, beta_minus


def row_beta_constants(problem: Any) -> tuple[Array, Array]:
    r"""Each row's proven :math:`(\beta^+_i, \beta^-_i)`, arrays (m,): :func:`beta_constants` of row ``i`` (C14).

    Notes
    -----
    C4, C5, C14: :math:`-\beta^-_i I \preceq B_i(x) \preceq \beta^+_i I` row by row, so
    :math:`H_0 = \sum_i A_i^\top(\beta^+_i I + W_i^2)A_i \succeq \nabla^2 L(x)` for every ``x``.
    """
    bp, bm = _betas(row_ranges(problem))
    return np.asarray(bp, dtype=np.float64), np.asarray(bm, dtype=np.float64)


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

        with :math:`\|A\|` the norm of the stacked rows :math:`[A_1; \dots; A_m]` and :math:`\rho` the largest row
        range (C14: :math:`\sum_i\|A_ih\|^3 \le (\sum_i\|A_ih\|^2)^{3/2}`).

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
    norm_A = _jacobian_norm(p)
    m3_logits = 1.5 + 7.0 / (4.0 * math.sqrt(2.0)) * (1.0 + target_range(p))
    return norm_A**3 * m3_logits


def _weights(p: SoftmaxRegression, beta: Array, sign: float) -> Array:
    """Per-entry weights ``sign * beta_i + w_ij^2`` of :attr:`logit_shape` (``beta`` per row)."""
    V = np.broadcast_to((sign * beta)[:, None], (p.m, p.n)).reshape(p.logit_shape)
    return V if p.w is None else V + p.w.astype(np.float64) ** 2


def _jacobian_norm(p: SoftmaxRegression) -> float:
    """Spectral norm of the stacked rows ``[A_1; ..; A_m]`` (C7, C14)."""
    if isinstance(p, AttentionRegression):  # ‖(sK) ⊗ H~‖ = ‖sK‖ ‖H~‖ (C14)
        K, Ht = p.scaled_keys.astype(np.float64), p.queries.astype(np.float64)
        return float(np.linalg.norm(K, 2) * np.linalg.norm(Ht, 2))
    return float(np.linalg.norm(p.A.reshape(-1, p.d).astype(np.float64), 2))


def hessian_upper_bound(problem: SoftmaxRegression) -> Array:
    r""":math:`H_0 = \sum_i A_i^\top(\beta^+_i I + W_i^2)A_i \succeq \nabla^2 L(x)` for every ``x`` (C4, C10, C14).

    Returns
    -------
    ndarray (d, d)
        Dense; for an attention head prefer :func:`upper_spectrum` (C14), which never forms it.
    """
    p = _problem(problem)
    return p.gram(_weights(p, row_beta_constants(p)[0], 1.0))  # Σ_i A_iᵀ(β⁺_i I + W_i²)A_i


def hessian_lower_bound(problem: SoftmaxRegression) -> Array:
    r""":math:`\sum_i A_i^\top(W_i^2 - \beta^-_i I)A_i \preceq \nabla^2 L(x)` for every ``x`` (C5, C14)."""
    p = _problem(problem)
    return p.gram(_weights(p, row_beta_constants(p)[1], -1.0))  # Σ_i A_iᵀ(W_i² − β⁻_i I)A_i


def upper_spectrum(problem: SoftmaxRegression) -> Array:
    r"""The eigenvalues of :math:`H_0` (:func:`hessian_upper_bound`), ascending, without its zeros beyond ``rank``.

    Notes
    -----
    C10, C14. Dense problems: ``eigvalsh`` of :math:`H_0`. An attention head without a regularizer:
    :math:`H_0 = (sK)^\top(sK)\otimes\tilde H^\top\mathrm{diag}(\beta^+)\tilde H`, a Kronecker product, whose
    eigenvalues are the products of the factors' (O(p³ + D³), never the (d, d) matrix); with a regularizer, the
    eigenvalues of the reduced :math:`H_0` (:meth:`AttentionRegression.reduce`). The missing eigenvalues are zeros.
    """
    p = _problem(problem)
    if isinstance(p, AttentionRegression):
        beta_plus = row_beta_constants(p)[0]
        if p.w is None:  # C14: H0 = (sK)ᵀ(sK) ⊗ H~ᵀ diag(β⁺) H~
            K, Ht = p.scaled_keys.astype(np.float64), p.queries.astype(np.float64)
            kk = np.linalg.eigvalsh(K.T @ K)
            hh = np.linalg.eigvalsh(Ht.T @ (beta_plus[:, None] * Ht))
            return np.sort(np.outer(kk, hh).ravel())
        q = p.reduce().problem
        return np.linalg.eigvalsh(q.gram(_weights(q, beta_plus, 1.0)))
    return np.linalg.eigvalsh(hessian_upper_bound(p))


def _upper_stats(p: SoftmaxRegression) -> tuple[float, float]:
    r""":math:`(\|H_0\|_2, \mathrm{tr}\,H_0)`; for a head without regularizer from the Kronecker factors (C14)."""
    if isinstance(p, AttentionRegression) and p.w is None:
        K, Ht = p.scaled_keys.astype(np.float64), p.queries.astype(np.float64)
        KK, HH = K.T @ K, Ht.T @ (row_beta_constants(p)[0][:, None] * Ht)
        # ‖X ⊗ Y‖ = ‖X‖‖Y‖ and tr(X ⊗ Y) = tr X tr Y (C14)
        return (float(np.linalg.eigvalsh(KK)[-1] * np.linalg.eigvalsh(HH)[-1]),
                float(np.trace(KK) * np.trace(HH)))
    if isinstance(p, AttentionRegression):
        lam = upper_spectrum(p)
        return float(lam[-1]), float(np.sum(lam))
    H0 = hessian_upper_bound(p)
    return float(np.linalg.eigvalsh(H0)[-1]), float(np.trace(H0))


def smoothness_bound(problem: SoftmaxRegression) -> float:
    r""":math:`\ell = \|H_0\|_2`, a global smoothness constant (C4; C14 for a head, without forming :math:`H_0`)."""
    return _upper_stats(_problem(problem))[0]


def strong_convexity_bound(problem: SoftmaxRegression) -> float:
    r""":math:`\mu = \lambda_{\min}(\sum_i A_i^\top(W_i^2 - \beta^-_i I)A_i)`; ``<= 0`` means no guarantee (C5).

    Notes
    -----
    C5. Implies the paper family's sufficient condition: if :math:`w_i^2 \ge \beta^- + l/\sigma_{\min}(A)^2`
    then :math:`\mu \ge l`. Strong convexity implies the PL inequality with the same constant (C11). For a head
    the reduced matrix (C14), and 0 if the reduction drops directions (they are flat).
    """
    p = _problem(problem)
    if isinstance(p, AttentionRegression):
        q = p.reduce().problem
        low = float(np.linalg.eigvalsh(hessian_lower_bound(q))[0])
        return low if q.d == p.d else min(low, 0.0)
    return float(np.linalg.eigvalsh(hessian_lower_bound(p))[0])


def pl_constant(problem: SoftmaxRegression) -> float:
    r"""PL constant :math:`\mu`: :math:`\|\nabla L(x)\|^2 \ge 2\mu\,(L(x) - L^*)` for every ``x``; ``<= 0``: none.

    Returns
    -------
    float
        .. math:: \mu = \lambda_{\min}\big(V_r^\top \textstyle\sum_i A_i^\top(W_i^2 - \beta^-_i I)A_i\,V_r\big)

        with :math:`V_r` an orthonormal basis of the row space of the stacked rows (numerical rank, NumPy's default
        tolerance :math:`\max(mn,d)\,\epsilon_{\rm mach}\,\sigma_{\max}`).

    Notes
    -----
    C5, C11. :math:`L(x) = \psi(V_r^\top x)` depends on ``x`` only through the row space, and
    :math:`\psi` is :math:`\mu`-strongly convex by C5 restricted to it; a strongly convex function is PL
    with the same constant, and :math:`\|\nabla L\| = \|\nabla\psi\|`. With full column rank this is
    :func:`strong_convexity_bound`; a rank-deficient ``A`` still gives linear convergence (the setting of the
    dimension-free experiment). For a head the reduced coordinates are that basis (C14).
    """
    p = _problem(problem)
    if isinstance(p, AttentionRegression):
        q = p.reduce().problem
        return float(np.linalg.eigvalsh(hessian_lower_bound(q))[0])
    A = p.A.reshape(-1, p.d).astype(np.float64)
    _, s, Vt = np.linalg.svd(A, full_matrices=False)
    rank = int(np.sum(s > max(A.shape) * np.finfo(np.float64).eps * s[0])) if s[0] > 0 else 0
    if rank == 0:
        return 0.0
    V = Vt[:rank].T  # orthonormal basis of row(A)
    return float(np.linalg.eigvalsh(V.T @ hessian_lower_bound(p) @ V)[0])


def effective_rank(H: Any) -> float:
    r"""Effective rank :math:`r = \mathrm{tr}(H)/\|H\|_2` of a symmetric PSD matrix, or of a problem's :math:`H_0`.

    Parameters
    ----------
    H : array_like (d, d), or SoftmaxRegression
        A matrix, or a problem: then :math:`r(H_0)` from :func:`upper_spectrum` (for a head, C14:
        :math:`r(K^\top K)\,r(\tilde H^\top\mathrm{diag}(\beta^+)\tilde H)`, without forming :math:`H_0`).

    Notes
    -----
    C10, C14.
    """
    if isinstance(H, SoftmaxRegression):
        ell, trace = _upper_stats(H)
        return trace / ell
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
    r"""The C11 step :math:`\eta = 1/(\ell\gamma)` with :math:`\gamma = \gamma(d, k, r(H_0))`.

    For a head no :math:`H_0` is formed (C14, :func:`upper_spectrum`).
    """
    ell, trace = _upper_stats(_problem(problem))
    return 1.0 / (ell * gamma(problem.d, k, trace / ell, distribution))


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
