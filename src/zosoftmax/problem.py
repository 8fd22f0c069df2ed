r"""Softmax regression: the objective, its gradient, its Hessian and the middle matrix :math:`B(x)`.

Notation follows ``CLAIMS.md``: ``A`` is (n, d), ``b`` and ``w`` are (n,), ``x`` is (d,),
``f = softmax(Ax)``, ``c = f - b`` and

.. math::  L(x) = \tfrac12 \|f(x) - b\|^2 + \tfrac12 \|\mathrm{diag}(w) A x\|^2 .

The loss depends on ``x`` only through the logits ``y = Ax`` (the regularizer is
:math:`\tfrac12\|w \circ y\|^2`), which is what lets a zeroth-order estimate evaluate all of its
perturbed losses from one matrix product (see :func:`zosoftmax.spsa_gradient`).

Domain (C1). The softmax part is computed for every finite ``x``: when ``Ax`` could overflow, the logits
are formed as :math:`y = s\,A(x/s)` with a power of two :math:`s`, and the shifted logits
:math:`s\,(y' - \max y')` may round to :math:`-\infty`, whose exponential is exactly the 0 the softmax
has there. Without a regularizer the loss (bounded by :math:`\tfrac12(1 + \|b\|)^2`), its gradient, ``B``
and the Hessian are finite at every finite ``x``. With one, :math:`L(x) \ge \tfrac12\|\mathrm{diag}(w)Ax\|^2`
is a real number too large for floating point once :math:`\|\mathrm{diag}(w)Ax\|` exceeds about
:math:`1.9\cdot10^{154}` (float64): there the loss and the gradient raise a ``ValueError`` naming ``x``
instead of returning ``inf`` or NaN.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from . import _checks
from ._checks import Array

__all__ = ["SoftmaxRegression", "softmax"]


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
    every exponent :math:`\le 0`, so no logit, however large, overflows. When the logits' range exceeds
    the largest float, :math:`y_i - \max_j y_j` rounds to :math:`-\infty` and :math:`f_i` to the exact
    :math:`0` (it is below the smallest subnormal), without a warning: finite for every finite ``Y``.
    """
    Y = np.asarray(Y)
    shift = np.max(Y.real, axis=-1, keepdims=True)
    with np.errstate(over="ignore"):  # y_i - max y = -inf only where f_i = exp(-huge) is 0 anyway
        E: Array = Y - shift  # a fresh array: the exponential and the normalization below work in place in it
    if not np.issubdtype(E.dtype, np.inexact):
        E = E.astype(np.float64)
    np.exp(E, out=E)  # u = exp(Ax) up to the common factor exp(-max), CLAIMS.md notation
    return _normalize(E)


def _normalize(U: Array) -> Array:
    """``f = u / <u, 1>`` along the last axis, in place: ``U`` holds scores proportional to ``exp(y)`` per row."""
    U /= np.sum(U, axis=-1, keepdims=True)  # f = u / alpha
    return U


def _softmax_scaled(Yp: Array, s: Array) -> Array:
    r"""``softmax(s * Yp)`` along the last axis without forming ``s * Yp`` (which may overflow).

    ``s`` (..., 1) holds powers of two, so :math:`s\,(y'_i - \max y')` is the rounded
    :math:`y_i - \max y` itself; where it overflows to :math:`-\infty` the exponential is the exact 0.
    """
    E: Array = Yp - np.max(Yp, axis=-1, keepdims=True)  # <= 0, finite: Yp = A(x/s) is of the size of ||A||
    with np.errstate(over="ignore"):
        E *= s  # y - max y (C1 shift), -inf where it is below -max float
    np.exp(E, out=E)
    return _normalize(E)


def _power_of_two_scale(X: Array, limit: float) -> Array | None:
    """Per-row powers of two ``s`` (m, 1) with ``max|X_i / s_i|`` in [1, 2), or ``None``.

    ``None`` when every row's ``max|X_i|`` is at most ``limit`` (then the logits are formed directly).
    """
    top = np.max(np.abs(X), axis=-1, keepdims=True)
    if np.all(top <= limit):
        return None
    _, e = np.frexp(top)  # top = mant * 2^e, mant in [0.5, 1)
    return np.where(top > 0, np.ldexp(1.0, e - 1), 1.0).astype(X.dtype)  # s <= 2^1023: finite


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
    # max|x| up to which A x and the regularizer are formed directly without overflow (set in __post_init__)
    _x_direct: float = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        """Validate ``A``, ``b``, ``w`` and ``dtype``; store read-only copies and the largest max|x| formed directly."""
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
        # |(Ax)_i| <= ||A||_inf max|x|. Direct evaluation is safe while the logits stay below fmax/4 (their
        # shifted differences cannot overflow) and 1/2 ||w∘y||^2 <= n/2 (w_max y)^2 stays below fmax/8.
        fmax = float(np.finfo(dtype).max)
        y_limit = fmax / 4
        w_max = 0.0 if w is None else float(np.max(np.abs(w)))
        if w_max > 0:
            y_limit = min(y_limit, math.sqrt(fmax / (4 * n)) / w_max)  # Python floats: inf, not an FPE, on overflow
        a_inf = float(np.max(np.sum(np.abs(A.astype(np.float64)), axis=1)))
        object.__setattr__(self, "_x_direct", y_limit / a_inf if a_inf > 0 else math.inf)

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

        Raises
        ------
        ValueError
            ``Y`` not finite, or (with a regularizer) :math:`\tfrac12\|w\circ y\|^2` above the largest
            float: outside the domain where the loss is representable.

        Notes
        -----
        C1: finite for every finite ``Y`` without a regularizer. The squares are ``c * c`` (not ``|c|^2``) so
        the function stays analytic for complex step.
        """
        Y = np.asarray(Y)
        if Y.ndim not in (1, 2) or Y.shape[-1] != self.n:
            raise ValueError(f"Y must have shape (m, {self.n}) or ({self.n},), got {Y.shape}")
        if self.w is None:
            out = self._loss_from_softmax(softmax(Y), Y)
        else:
            with np.errstate(over="ignore"):  # an overflowing regularizer is reported below, by name
                out = self._loss_from_softmax(softmax(Y), Y)
        if not np.all(np.isfinite(out)):
            if not np.all(np.isfinite(Y)):
                raise ValueError("Y must be finite, got non-finite entries (NaN or inf)")
            raise ValueError(self._domain_message("Y", np.max(np.abs(Y)), 1.0))
        return out

    def _domain_message(self, name: str, y_top: Any, s: Any) -> str:
        """The ``ValueError`` text for logits ``s * y'`` whose regularizer overflows (``y_top = max|y'|``)."""
        assert self.w is not None
        w_top = float(np.max(np.abs(self.w)))
        log10_y = float(np.log10(float(np.max(np.abs(y_top)))) + np.log10(float(np.max(s))))
        fmax = float(np.finfo(self.dtype).max)
        return (f"{name} is outside the domain where the loss is representable in {self.dtype}: the logits reach "
                f"max|y| ~ 1e{log10_y:.0f}, so the regularizer 1/2 ||w * y||^2 ~ "
                f"1e{2 * (log10_y + np.log10(w_top)):.0f} exceeds the largest float ({fmax:.3g}); keep "
                f"max_i |w_i y_i| below {np.sqrt(fmax / self.n):.3g} (without a regularizer every finite "
                f"{name} is in the domain)")

    def _logits(self, X: Array) -> tuple[Array, Array | None]:
        """Logits of the rows of ``X`` (m, d) as ``(Yp, s)``.

        ``Y = Yp`` when ``s`` is ``None``, otherwise ``Y = s * Yp`` row by row with ``s`` (m, 1) powers of two and ``Yp
        = A (X / s)`` of moderate size.
        """
        s = _power_of_two_scale(X, self._x_direct)
        if s is None:
            return X @ self.A.T, None
        return (X / s) @ self.A.T, s  # exact scaling by powers of two: Y = s * Yp up to the product's rounding

    def _loss_rows(self, X: Array, name: str) -> Array:
        """Loss at the rows of a validated ``X`` (m, d), for every finite ``X`` (C1, module docstring)."""
        Yp, s = self._logits(X)
        if s is None:
            return self.loss_from_logits(Yp)
        out = self._loss_from_softmax(_softmax_scaled(Yp, s), None)  # 1/2 ||f - b||^2
        if self.w is not None:
            wy = self.w * Yp
            wy *= wy
            with np.errstate(over="ignore"):
                reg = 0.5 * np.sum(wy, axis=-1) * s[:, 0] * s[:, 0]  # 1/2 ||diag(w) A x||^2 = s^2/2 ||w∘y'||^2
            if not np.all(np.isfinite(reg)):
                raise ValueError(self._domain_message(name, np.max(np.abs(Yp)), s))
            out = out + reg
        return out

    def _loss_from_softmax(self, f: Array, Y: Array | None) -> Array:
        r""":math:`\tfrac12\|f - b\|^2 + \tfrac12\|w\circ y\|^2` from ``f = softmax(Y)`` and the logits ``Y``.

        ``f`` is a fresh array, overwritten; ``Y`` is read for the regularizer only (``None``: the fit term alone).
        Along the last axis.
        """
        c = f  # the steps below run in place in f's storage (one temporary, not four)
        if np.result_type(c, self.b) == c.dtype:
            c -= self.b  # c = f - b
        else:
            c = c - self.b  # c = f - b, promoted (e.g. float32 logits, float64 target)
        c *= c
        out = 0.5 * np.sum(c, axis=-1)  # 1/2 ||c||^2
        if self.w is not None and Y is not None:
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

        Raises
        ------
        ValueError
            ``x`` not finite or of the wrong shape; or, with a regularizer, ``x`` so large that
            :math:`\tfrac12\|\mathrm{diag}(w)Ax\|^2` exceeds the largest float (the message says by how much).

        Notes
        -----
        C1: finite for every finite ``x`` without a regularizer (max-shifted softmax, logits scaled by a power
        of two when ``Ax`` would overflow); with one, finite on the domain of the module docstring.
        """
        x = self._x(x)
        if np.max(np.abs(x)) <= self._x_direct:
            return float(self.loss_from_logits(self.A @ x))
        return float(self._loss_rows(x[None, :], "x")[0])

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
        C1, C12: one matrix product ``X @ A.T`` for the whole batch; the domain is that of :meth:`loss`.
        """
        X = _checks.as_array(X, "X", ndim=2, shape=(None, self.d), dtype=self.dtype)
        return self._loss_rows(X, "X")

    # ------------------------------------------------------------ derivatives
    def _parts(self, x: Any) -> tuple[Array, Array | None, Array, Array]:
        """``(y', s, f, c)`` at ``x``: logits ``y = y'`` (``s`` None) or ``y = s y'`` (``s`` a power of two)."""
        x = self._x(x)
        if np.max(np.abs(x)) <= self._x_direct:
            y = self.A @ x
            f = softmax(y)
            return y, None, f, f - self.b
        Yp, s = self._logits(x[None, :])
        assert s is not None
        f = _softmax_scaled(Yp, s)[0]
        return Yp[0], s[0], f, f - self.b

    def gradient(self, x: Any) -> Array:
        r"""Gradient of the objective.

        Parameters
        ----------
        x : array_like (d,)

        Returns
        -------
        ndarray (d,)
            .. math:: \nabla L = A^\top\big(f\circ c - \langle f, c\rangle f\big) + A^\top W^2 A x

        Raises
        ------
        ValueError
            As :meth:`loss`: with a regularizer, ``x`` outside the domain where :math:`A^\top W^2 A x` is
            representable.

        Notes
        -----
        C2. Finite for every finite ``x`` without a regularizer (:math:`\|Sc\|` is bounded, C6).
        """
        y, s, f, c = self._parts(x)
        g_y = f * c - np.dot(f, c) * f  # S c = f∘c − <f,c> f   (C2)
        if self.w is None:
            return self.A.T @ g_y  # type: ignore[no-any-return]
        if s is None:
            return self.A.T @ (g_y + self.w**2 * y)  # type: ignore[no-any-return]  # + W^2 A x   (C2)
        with np.errstate(over="ignore", invalid="ignore"):
            g = self.A.T @ (g_y + (self.w**2 * y) * s)  # + W^2 A x with A x = s y'        (C2)
        if not np.all(np.isfinite(g)):
            raise ValueError(self._domain_message("x", np.max(np.abs(y)), s))
        return g  # type: ignore[no-any-return]

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
        C3, C4. A function of ``f`` alone: finite for every finite ``x``.
        """
        _, _, f, c = self._parts(x)
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
        C3. Computed in :math:`O(nd^2)` without forming the (n, n) matrix :math:`B` (:meth:`B` forms it, for the
        proofs): with :math:`SA = f\circ A - f(f^\top A)`, :math:`a = A^\top(c\circ f)`, :math:`g = A^\top f` and
        :math:`s = \langle c, f\rangle`,

        .. math:: \nabla^2 L = (SA)^\top(SA) + A^\top\mathrm{diag}(c\circ f - s f + w^2)A - ag^\top - ga^\top
                  + 2s\,gg^\top .
        """
        _, _, f, c = self._parts(x)
        A = self.A
        SA = f[:, None] * A - np.outer(f, f @ A)  # S A, S = diag(f) − f fᵀ
        cf, s = c * f, float(np.dot(c, f))
        diag = cf - s * f if self.w is None else cf - s * f + self.w**2  # diag(c∘f) − <c,f> diag(f) + W²
        a, g = A.T @ cf, A.T @ f
        # C3: Aᵀ(S² + diag(c∘f) − (c∘f)fᵀ − f(c∘f)ᵀ + 2<c,f> ffᵀ − <c,f> diag(f) + W²)A
        H = SA.T @ SA + A.T @ (diag[:, None] * A) - np.outer(a, g) - np.outer(g, a) + 2 * s * np.outer(g, g)
        return 0.5 * (H + H.T)  # type: ignore[no-any-return]
