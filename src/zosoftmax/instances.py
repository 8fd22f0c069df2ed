r"""Seeded random instances with a prescribed spectrum of ``A``."""

from __future__ import annotations

from typing import Any

import numpy as np

from . import _checks
from .problem import SoftmaxRegression

__all__ = ["random_instance", "regularized", "strongly_convex_instance"]


def random_instance(n: int, d: int, *, rng: Any, singular_values: Any = None, w: Any = None, b: Any = None,
                    dtype: Any = "float64") -> SoftmaxRegression:
    r"""A random :class:`SoftmaxRegression` whose ``A`` has the given singular values.

    Parameters
    ----------
    n, d : int
        Shape of ``A``; ``n >= 2``.
    rng : numpy.random.Generator or int
        Required: every instance is reproducible from its seed.
    singular_values : array_like (min(n, d),), optional
        Non-negative; default ``linspace(1, 0.5, min(n, d))`` (so :math:`\|A\| = 1`, condition number 2).
        Their squares set the effective rank of :math:`A^\top A`.
    w : float or array_like (n,), optional
        Regularization weights; a scalar is broadcast. ``None``: no regularizer.
    b : array_like (n,), optional
        Target; default a uniform draw from the simplex (Dirichlet(1, ..., 1)).
    dtype : {"float64", "float32"}

    Returns
    -------
    SoftmaxRegression
        With :math:`A = U\,\mathrm{diag}(s)\,V^\top`, ``U`` and ``V`` Haar-random with orthonormal columns.

    Notes
    -----
    C10, C11 (instances of prescribed effective rank).
    """
    n = _checks.positive_int(n, "n")
    d = _checks.positive_int(d, "d")
    if n < 2:
        raise ValueError(f"n must be at least 2 (softmax over one entry is constant), got {n}")
    if rng is None:
        raise ValueError("rng must be a numpy.random.Generator or an int seed (instances are always seeded)")
    gen = _checks.generator(rng)
    m = min(n, d)
    if singular_values is None:
        s = np.linspace(1.0, 0.5, m)
    else:
        s = _checks.as_array(singular_values, "singular_values", ndim=1, shape=(m,))
        if np.any(s < 0):
            raise ValueError("singular_values must be non-negative")
    U, _ = np.linalg.qr(gen.standard_normal((n, m)))  # Haar (up to signs) orthonormal columns
    V, _ = np.linalg.qr(gen.standard_normal((d, m)))
    A = (U * s) @ V.T  # A = U diag(s) Vᵀ
    if b is None:
        b = gen.dirichlet(np.ones(n))
    if w is not None and np.ndim(w) == 0:
        w = np.full(n, float(w))
    return SoftmaxRegression(A, b, w, dtype=dtype)


def regularized(A: Any, b: Any, *, margin: float = 1.0, dtype: Any = "float64") -> SoftmaxRegression:
    r"""The instance :math:`(A, b, w)` regularized just enough to be strongly convex: :math:`w_i^2 = \beta^- + m`.

    Parameters
    ----------
    A : array_like (n, d)
    b : array_like (n,)
    margin : float > 0
        :math:`m`, the margin above :math:`\beta^-`.
    dtype : {"float64", "float32"}

    Returns
    -------
    SoftmaxRegression
        .. math:: w_i = \sqrt{\beta^- + m}

    Notes
    -----
    C5: :math:`\nabla^2 L = A^\top(B + W^2)A` and :math:`B \succeq -\beta^- I`, so
    :math:`\nabla^2 L \succeq m A^\top A`: :math:`\mu \ge m\,\sigma_{\min}(A)^2` when ``rank(A) = d``, and the PL
    constant on the row space of ``A`` is positive otherwise. :math:`\beta^-` is :func:`zosoftmax.beta_constants`
    of the target.
    """
    from .bounds import beta_constants  # local: bounds imports the estimators, instances stays below them

    margin = _checks.positive_float(margin, "margin")
    base = SoftmaxRegression(A, b, dtype=dtype)
    beta_minus = beta_constants(base)[1]
    return SoftmaxRegression(base.A, base.b, np.full(base.n, np.sqrt(beta_minus + margin)), dtype=dtype)


def strongly_convex_instance(n: int, d: int, *, rng: Any, margin: float = 1.0, singular_values: Any = None,
                             b: Any = None, dtype: Any = "float64") -> SoftmaxRegression:
    r"""A :func:`random_instance` made strongly convex by :func:`regularized`: :math:`w_i^2 = \beta^- + m`.

    Parameters
    ----------
    n, d, rng, singular_values, b, dtype :
        As in :func:`random_instance`.
    margin : float > 0
        :math:`m`; with ``rank(A) = d`` the Hessian is then :math:`\succeq m\,\sigma_{\min}(A)^2 I` everywhere.

    Returns
    -------
    SoftmaxRegression

    Notes
    -----
    C5 (see :func:`regularized`).
    """
    base = random_instance(n, d, rng=rng, singular_values=singular_values, b=b, dtype=dtype)
    return regularized(base.A, base.b, margin=margin, dtype=dtype)
