r"""Softmax regression: the objective, its gradient, its Hessian and the middle matrix :math:`B(x)`.

Notation follows ``CLAIMS.md``: ``A`` is (n, d), ``b`` and ``w`` are (n,), ``x`` is (d,),
``f = softmax(Ax)``, ``c = f - b`` and

.. math::  L(x) = \tfrac12 \|f(x) - b\|^2 + \tfrac12 \|\mathrm{diag}(w) A x\|^2 .

The loss depends on ``x`` only through the logits ``y = Ax`` (the regularizer is
:math:`\tfrac12\|w \circ y\|^2`), which is what lets a zeroth-order estimate evaluate all of its
perturbed losses from one matrix product (see :func:`zosoftmax.spsa_gradient`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from . import _checks

__all__ = ["SoftmaxRegression", "softmax"]

Array = NDArray[Any]


def softmax(Y: Array) -> Array:
    r"""Max-shifted softmax along the last axis.

    Parameters
    ----------
    Y : ndarray (..., n)
        Logits; real, or complex for complex-step differentiation (shifted by the real part's max).

    Returns
    -------
    ndarray (..., n)
        .. math:: f_i = \exp(y_i - \max_j y_j) / \sum_l \exp(y_l - \max_j y_j)

    Notes
    -----
    C1: the shift leaves :math:`f` unchanged (it cancels between numerator and denominator) and makes
    every exponent :math:`\le 0`, so no logit, however large, overflows.
    """
    Y = np.asarray(Y)
    shift = np.max(Y.real, axis=-1, keepdims=True)
    E: Array = Y - shift  # a fresh array: the exponential and the normalization below work in place in it
    if not np.issubdtype(E.dtype, np.inexact):
        E = E.astype(np.float64)
    np.exp(E, out=E)  # u = exp(Ax) up to the common factor exp(-max), CLAIMS.md notation
    return _normalize(E)


def _normalize(U: Array) -> Array:
    """``f = u / <u, 1>`` along the last axis, in place: ``U`` holds scores proportional to ``exp(y)`` per row."""
    U /= np.sum(U, axis=-1, keepdims=True)  # f = u / alpha
    return U


@dataclass(frozen=True, eq=False)
class SoftmaxRegression:
    r"""An immutable softmax-regression instance :math:`(A, b, w)`.

    Parameters
    ----------
    A : array_like (n, d)
        Data matrix.
    b : array_like (n,)
        Target. The paper family assumes :math:`b \in \Delta_n` or :math:`\|b\|_2 \le 1`; any finite
        ``b`` is accepted, and the bounds in :mod:`zosoftmax.bounds` adapt to its range.
    w : array_like (n,) or None
        Regularization weights; ``None`` means no regularizer.
    dtype : {"float64", "float32"}
        Working precision of ``A``, ``b``, ``w`` and of every evaluation (default float64).

    Notes
    -----
    C1 (finite everywhere, shift invariance), C2 (gradient), C3 (Hessian and :math:`B`).
    """

    A: Array
    b: Array
    w: Array | None = None
    dtype: Any = field(default="float64")

    def __post_init__(self) -> None:
        dtype = np.dtype(self.dtype)
        if dtype not in (np.dtype(np.float64), np.dtype(np.float32)):
            raise ValueError(f"dtype must be float64 or float32, got {self.dtype!r}")
        A = _checks.as_array(self.A, "A", ndim=2, dtype=dtype)
        n, d = A.shape
        if n < 2 or d < 1:
            raise ValueError(f"A must have at least 2 rows and 1 column, got shape {A.shape}")
        b = _checks.as_array(self.b, "b", ndim=1, shape=(n,), dtype=dtype)
        w = None if self.w is None else _checks.as_array(self.w, "w", ndim=1, shape=(n,), dtype=dtype)
        for name, arr in (("A", A), ("b", b), ("w", w)):
            if arr is not None:
                arr = np.array(arr, dtype=dtype, copy=True)
                arr.setflags(write=False)
                object.__setattr__(self, name, arr)
        object.__setattr__(self, "dtype", dtype)

    # ----------------------------------------------------------------- shapes
    @property
    def n(self) -> int:
        """Number of rows of ``A`` (softmax width)."""
        return int(self.A.shape[0])

    @property
    def d(self) -> int:
        """Number of columns of ``A`` (dimension of ``x``)."""
        return int(self.A.shape[1])

    def _x(self, x: Any, name: str = "x") -> Array:
        return _checks.as_array(x, name, ndim=1, shape=(self.d,), dtype=self.dtype)

    # ------------------------------------------------------------------ loss
    def loss_from_logits(self, Y: Any) -> Array:
        r"""Loss as a function of the logits :math:`y = Ax`, batched over the leading axis.

        Parameters
        ----------
        Y : array_like (m, n) or (n,)
            Logits; complex values are accepted for complex-step differentiation.

        Returns
        -------
        ndarray (m,) or scalar array
            .. math:: \tfrac12\|\mathrm{softmax}(y) - b\|^2 + \tfrac12\|w\circ y\|^2

        Notes
        -----
        C1. The squares are ``c * c`` (not ``|c|^2``) so the function stays analytic for complex step.
        """
        Y = np.asarray(Y)
        if Y.ndim not in (1, 2) or Y.shape[-1] != self.n:
            raise ValueError(f"Y must have shape (m, {self.n}) or ({self.n},), got {Y.shape}")
        return self._loss_from_softmax(softmax(Y), Y)

    def _loss_from_softmax(self, f: Array, Y: Array | None) -> Array:
        r""":math:`\tfrac12\|f - b\|^2 + \tfrac12\|w\circ y\|^2` from ``f = softmax(Y)`` (a fresh array,
        overwritten) and the logits ``Y`` (read for the regularizer only; ``None`` is allowed when ``w`` is
        ``None``); last axis."""
        c = f  # the steps below run in place in f's storage (one temporary, not four)
        if np.result_type(c, self.b) == c.dtype:
            c -= self.b  # c = f - b
        else:
            c = c - self.b  # c = f - b, promoted (e.g. float32 logits, float64 target)
        c *= c
        out = 0.5 * np.sum(c, axis=-1)  # 1/2 ||c||^2
        if self.w is not None:
            wy = self.w * Y
            wy *= wy
            out = out + 0.5 * np.sum(wy, axis=-1)  # 1/2 ||diag(w) A x||^2
        return out  # type: ignore[no-any-return]

    def loss(self, x: Any) -> float:
        r"""Objective :math:`L(x) = \tfrac12\|c\|^2 + \tfrac12\|\mathrm{diag}(w)Ax\|^2`.

        Parameters
        ----------
        x : array_like (d,)

        Returns
        -------
        float

        Notes
        -----
        C1: finite for every finite ``x`` (max-shifted softmax).
        """
        return float(self.loss_from_logits(self.A @ self._x(x)))

    def loss_batch(self, X: Any) -> Array:
        r"""Objective at each row of ``X``.

        Parameters
        ----------
        X : array_like (m, d)

        Returns
        -------
        ndarray (m,)

        Notes
        -----
        C1, C12: one matrix product ``X @ A.T`` for the whole batch.
        """
        X = _checks.as_array(X, "X", ndim=2, shape=(None, self.d), dtype=self.dtype)
        return self.loss_from_logits(X @ self.A.T)

    # ------------------------------------------------------------ derivatives
    def _parts(self, x: Any) -> tuple[Array, Array, Array]:
        y = self.A @ self._x(x)
        f = softmax(y)
        return y, f, f - self.b

    def gradient(self, x: Any) -> Array:
        r"""Gradient of the objective.

        Parameters
        ----------
        x : array_like (d,)

        Returns
        -------
        ndarray (d,)
            .. math:: \nabla L = A^\top\big(f\circ c - \langle f, c\rangle f\big) + A^\top W^2 A x

        Notes
        -----
        C2.
        """
        y, f, c = self._parts(x)
        g_y = f * c - np.dot(f, c) * f  # S c = f∘c − <f,c> f   (C2)
        if self.w is not None:
            g_y = g_y + self.w**2 * y  # + W^2 A x              (C2)
        return self.A.T @ g_y  # type: ignore[no-any-return]

    def B(self, x: Any) -> Array:
        r"""The middle matrix of the Hessian, a function of ``f = softmax(Ax)`` and ``b`` only.

        Parameters
        ----------
        x : array_like (d,)

        Returns
        -------
        ndarray (n, n)
            .. math::
                B = S^2 + \mathrm{diag}(c\circ f) - (c\circ f)f^\top - f(c\circ f)^\top
                    + 2\langle c, f\rangle f f^\top - \langle c, f\rangle\,\mathrm{diag}(f),
                \qquad S = \mathrm{diag}(f) - f f^\top

        Notes
        -----
        C3, C4.
        """
        _, f, c = self._parts(x)
        S = np.diag(f) - np.outer(f, f)  # softmax Jacobian S = diag(f) − f fᵀ
        cf = c * f
        s = np.dot(c, f)
        # C3: B = S² + diag(c∘f) − (c∘f)fᵀ − f(c∘f)ᵀ + 2<c,f> f fᵀ − <c,f> diag(f)
        Bm = S @ S + np.diag(cf) - np.outer(cf, f) - np.outer(f, cf) + 2 * s * np.outer(f, f) - s * np.diag(f)
        return 0.5 * (Bm + Bm.T)  # type: ignore[no-any-return]  # symmetric in exact arithmetic

    def hessian(self, x: Any) -> Array:
        r"""Hessian of the objective.

        Parameters
        ----------
        x : array_like (d,)

        Returns
        -------
        ndarray (d, d)
            .. math:: \nabla^2 L = A^\top\big(B(x) + W^2\big)A

        Notes
        -----
        C3.
        """
        M = self.B(x)
        if self.w is not None:
            M = M + np.diag(self.w**2)  # B + W^2   (C3)
        H = self.A.T @ M @ self.A
        return 0.5 * (H + H.T)  # type: ignore[no-any-return]
