r"""The exact leading term of the bias of the two-point estimator of softmax regression (C7).

For a smooth :math:`L` and a symmetric direction law with :math:`E[zz^\top] = I`, Taylor's theorem along
:math:`\varphi(\varepsilon) = L(x + \varepsilon z)` gives (odd terms only survive the central difference)

.. math:: E[\hat g] - \nabla L(x) = \frac{\varepsilon^2}{6}\,E\big[z\,\nabla^3L(x)[z, z, z]\big]
          + O(\varepsilon^4),

and the pairing rule of the fourth moments (C9) contracts the third-derivative tensor :math:`T`:

.. math:: E\big[z_a T[z,z,z]\big] = 3m_{22}\,\partial_a(\Delta L) + (m_4 - 3m_{22})\,T_{aaa},

with :math:`\Delta L = \mathrm{tr}\,\nabla^2L`, :math:`m_4 = Ez_1^4`, :math:`m_{22} = Ez_1^2z_2^2`:
Gaussian :math:`\frac{\varepsilon^2}2\nabla\Delta L`; sphere :math:`\frac{d}{d+2}\frac{\varepsilon^2}2
\nabla\Delta L`; Rademacher :math:`\frac{\varepsilon^2}2\nabla\Delta L - \frac{\varepsilon^2}3(T_{aaa})_a`.
The forward scheme has the same mean (symmetric laws), hence the same leading term. Derived and checked in
``proofs/c07_bias.py``; compared with the measured bias in ``tests/test_bias_sharp.py``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import _checks
from ._checks import Array
from .problem import SoftmaxRegression, softmax

__all__ = ["bias_leading_term", "fourth_moment_scalars", "laplacian_gradient", "third_derivative_diagonal"]


def fourth_moment_scalars(d: int, distribution: str) -> tuple[float, float]:
    r""":math:`(m_4, m_{22}) = (Ez_1^4, Ez_1^2z_2^2)` of one direction in dimension ``d``.

    Returns
    -------
    (float, float)
        Gaussian :math:`(3, 1)`; sphere of radius :math:`\sqrt d`: :math:`(\frac{3d}{d+2}, \frac{d}{d+2})`;
        Rademacher :math:`(1, 1)`.

    Notes
    -----
    C7, C9 (derived with ``d`` symbolic in ``proofs/c09_second_moment_matrix.py``).
    """
    d = _checks.positive_int(d, "d")
    distribution = _checks.choice(distribution, "distribution", _checks.DISTRIBUTIONS)
    if distribution == "gaussian":
        return 3.0, 1.0
    if distribution == "sphere":
        return 3.0 * d / (d + 2), d / (d + 2.0)  # z = √d g/‖g‖, E‖g‖⁴ = d(d+2)
    return 1.0, 1.0  # z_i² = 1


def _problem(problem: Any) -> SoftmaxRegression:
    if not isinstance(problem, SoftmaxRegression):
        raise ValueError(f"problem must be a SoftmaxRegression, got {type(problem).__name__}")
    return problem


def _row_problems(p: SoftmaxRegression) -> list[SoftmaxRegression]:
    """The one-row problems of a stack (the regularizer is quadratic: it has no third derivative)."""
    rows = p.A  # (m, n, d); a head forms its dense rows here (refused above DENSE_ROWS_MAX entries)
    return [SoftmaxRegression(rows[i], p.b[i]) for i in range(p.m)]


def laplacian_gradient(problem: SoftmaxRegression, x: Any) -> Array:
    r""":math:`\nabla_x\,\mathrm{tr}\,\nabla^2L(x)`, the contraction :math:`\sum_c T_{acc}` of the third derivative.

    Returns
    -------
    ndarray (d,)
        .. math:: A^\top S\,\nabla_f\,\mathrm{tr}\big(B(f)\,AA^\top\big)

    Notes
    -----
    C7. :math:`\mathrm{tr}\,\nabla^2 L = \mathrm{tr}(B\,M) + \mathrm{const}` with :math:`M = AA^\top`; ``B``
    is a polynomial in ``f`` (C3), ``f`` depends on ``y = Ax`` with Jacobian ``S`` (so any extension of
    ``B`` off the simplex gives the same :math:`S\nabla_f`, since :math:`S\mathbf 1 = 0`). With
    :math:`N = SM + MS`, :math:`h = c\circ f`, :math:`\bar c = \langle c, f\rangle`, :math:`p = 2f - b`
    (:math:`= \partial(c_if_i)/\partial f_i`):

    .. math:: \nabla_f = \mathrm{diag}(N) - 2Nf + p\circ\mathrm{diag}(M) - 2(Mh + (Mf)\circ p)
              + 2(p\,f^\top Mf + 2\bar c\,Mf) - (p\,\langle f, \mathrm{diag}\,M\rangle + \bar c\,\mathrm{diag}(M)).
    """
    p_ = _problem(problem)
    x = _checks.as_array(x, "x", ndim=1, shape=(p_.d,))
    if p_.b.ndim == 2:  # C14: m rows sharing x, L = Σ_i L_i(A_i x): the third derivative is the rows' sum
        return sum((laplacian_gradient(r, x) for r in _row_problems(p_)), np.zeros(p_.d))
    A = p_.A.astype(np.float64)
    b = p_.b.astype(np.float64)
    f = softmax(A @ x)
    c = f - b
    S = np.diag(f) - np.outer(f, f)
    M = A @ A.T
    N = S @ M + M @ S
    dM = np.diag(M)
    h = c * f
    cbar = float(c @ f)
    pv = 2 * f - b  # d(c_i f_i)/d f_i, and d<c, f>/d f_i
    Mf = M @ f
    grad_f = (np.diag(N) - 2 * N @ f                    # tr(S^2 M)
              + pv * dM                                 # tr(diag(c∘f) M)
              - 2 * (M @ h + Mf * pv)                   # -2 f^T M (c∘f)
              + 2 * (pv * float(f @ Mf) + 2 * cbar * Mf)  # 2<c,f> f^T M f
              - (pv * float(f @ dM) + cbar * dM))       # -<c,f> <f, diag M>
    return A.T @ (S @ grad_f)  # type: ignore[no-any-return]  # chain rule through f = softmax(Ax)


def third_derivative_diagonal(problem: SoftmaxRegression, x: Any) -> Array:
    r""":math:`T_{aaa} = \nabla^3L(x)[e_a, e_a, e_a]` for every coordinate ``a``.

    Returns
    -------
    ndarray (d,)
        .. math:: 3\langle\dot f,\ddot f\rangle + \langle c, \dddot f\rangle \text{ along } v = Ae_a, \quad
                  \dot f = f\circ\tilde v,\ \ddot f = f\circ(\tilde v^2 - \sigma^2),\
                  \dddot f = f\circ(\tilde v^3 - 3\sigma^2\tilde v - \kappa_3)

        with :math:`\tilde v = v - \langle f, v\rangle\mathbf 1`, :math:`\sigma^2 = \sum f\tilde v^2`,
        :math:`\kappa_3 = \sum f\tilde v^3` (the regularizer is quadratic: no third derivative).

    Notes
    -----
    C7; the identities are proved for every n in ``proofs/_lemmas.py``.
    """
    p_ = _problem(problem)
    x = _checks.as_array(x, "x", ndim=1, shape=(p_.d,))
    if p_.b.ndim == 2:  # C14: the rows' sum
        return sum((third_derivative_diagonal(r, x) for r in _row_problems(p_)), np.zeros(p_.d))
    f = softmax(p_.A.astype(np.float64) @ x)
    c = f - p_.b.astype(np.float64)
    V = p_.A.astype(np.float64)  # column a is the logit direction of e_a
    Vt = V - f @ V  # v~ per column
    s2 = f @ Vt**2
    k3 = f @ Vt**3
    fd = f[:, None] * Vt
    fdd = f[:, None] * (Vt**2 - s2)
    fddd = f[:, None] * (Vt**3 - 3 * s2 * Vt - k3)
    return 3 * np.sum(fd * fdd, axis=0) + c @ fddd  # type: ignore[no-any-return]


def bias_leading_term(problem: SoftmaxRegression, x: Any, distribution: str = "gaussian") -> Array:
    r"""The vector :math:`\beta(x)` with :math:`E[\hat g] - \nabla L(x) = \varepsilon^2\beta(x) + O(\varepsilon^4)`.

    Parameters
    ----------
    problem : SoftmaxRegression
    x : array_like (d,)
    distribution : {"gaussian", "sphere", "rademacher"}

    Returns
    -------
    ndarray (d,)
        .. math:: \beta = \tfrac16\big[3m_{22}\,\nabla\Delta L + (m_4 - 3m_{22})\,(T_{aaa})_a\big]

    Notes
    -----
    C7: the sharp counterpart of :func:`zosoftmax.bias_bound`, for the central and the forward scheme alike
    (any ``k``: averaging does not change the mean). The remainder is :math:`O(\varepsilon^4)`.
    """
    p_ = _problem(problem)
    m4, m22 = fourth_moment_scalars(p_.d, distribution)
    lap = laplacian_gradient(p_, x)
    diag = third_derivative_diagonal(p_, x)
    return (3 * m22 * lap + (m4 - 3 * m22) * diag) / 6
