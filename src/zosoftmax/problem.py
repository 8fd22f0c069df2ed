r"""Softmax regression: the objective, its gradient, its Hessian and the middle matrix :math:`B(x)`.

Notation follows ``CLAIMS.md``: ``A`` is (n, d), ``b`` and ``w`` are (n,), ``x`` is (d,),
``f = softmax(Ax)``, ``c = f - b`` and

.. math::  L(x) = \tfrac12 \|f(x) - b\|^2 + \tfrac12 \|\mathrm{diag}(w) A x\|^2 .

One objective for many softmax rows (C14): with ``A`` of shape (m, n, d), ``b`` and ``w`` of shape (m, n), the
``m`` rows share ``x`` and the loss is the sum of the rows' losses,

.. math::  L(x) = \sum_{i=1}^m \tfrac12 \|\mathrm{softmax}(A_i x) - b_i\|^2 + \tfrac12 \|\mathrm{diag}(w_i) A_i x\|^2 ,

the objective of one attention head with ``m`` queries (:class:`AttentionRegression` keeps its rows in factored
form). Every formula below is applied row by row and summed; an (n, d) ``A`` is the problem with ``m = 1``,
unchanged.

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

__all__ = ["DENSE_ROWS_MAX", "AttentionRegression", "Reduction", "SoftmaxRegression", "softmax"]

# m matrix-vector products beat one (n, d) x (d, m) GEMM for m <= 2 in OpenBLAS (the GEMM packs A first, which
# costs more than a second pass over A); measured by the benchmarks at n = d = 512 and 2048.
_GEMV_MAX_ROWS = 2


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

    ``s`` (B, 1, ...) holds powers of two, so :math:`s\,(y'_i - \max y')` is the rounded
    :math:`y_i - \max y` itself; where it overflows to :math:`-\infty` the exponential is the exact 0.
    """
    E: Array = Yp - np.max(Yp, axis=-1, keepdims=True)  # <= 0, finite: Yp = A(x/s) is of the size of ||A||
    with np.errstate(over="ignore"):
        E *= s  # y - max y (C1 shift), -inf where it is below -max float
    np.exp(E, out=E)
    return _normalize(E)


def _power_of_two_scale(X: Array, limit: float) -> Array | None:
    """Per-row powers of two ``s`` (B, 1) with ``max|X_i / s_i|`` in [1, 2), or ``None``.

    ``None`` when every row's ``max|X_i|`` is at most ``limit`` (then the logits are formed directly).
    """
    top = np.max(np.abs(X), axis=-1, keepdims=True)
    if np.all(top <= limit):
        return None
    _, e = np.frexp(top)  # top = mant * 2^e, mant in [0.5, 1)
    return np.where(top > 0, np.ldexp(1.0, e - 1), 1.0).astype(X.dtype)  # s <= 2^1023: finite


@dataclass(frozen=True, eq=False)
class SoftmaxRegression:
    r"""An immutable softmax-regression instance :math:`(A, b, w)`: one softmax row, or ``m`` rows sharing ``x``.

    Parameters
    ----------
    A : array_like (n, d) or (m, n, d)
        Data matrix, or one data matrix :math:`A_i` per softmax row.
    b : array_like (n,) or (m, n)
        Target (one per row). The paper family assumes :math:`b \in \Delta_n` or :math:`\|b\|_2 \le 1`; any
        finite ``b`` is accepted, and the bounds in :mod:`zosoftmax.bounds` adapt to each row's range.
    w : array_like (n,) or (m, n), or None
        Regularization weights; ``None`` means no regularizer.
    dtype : {"float64", "float32"}
        Working precision of ``A``, ``b``, ``w`` and of every evaluation (default float64).

    Notes
    -----
    C1 (finite everywhere, shift invariance), C2 (gradient), C3 (Hessian and :math:`B`), C14 (many rows: every
    quantity is the sum of the rows' quantities).
    """

    A: Any
    b: Array
    w: Array | None = None
    dtype: Any = field(default="float64")
    # max|x| up to which A x and the regularizer are formed directly without overflow (set in __post_init__)
    _x_direct: float = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        """Validate ``A``, ``b``, ``w`` and ``dtype``; store read-only copies and the largest max|x| formed directly."""
        dtype = self._dtype()
        if np.ndim(self.A) not in (2, 3):
            raise ValueError(f"A must be an (n, d) matrix or an (m, n, d) stack of them, got shape {np.shape(self.A)}")
        A = _checks.as_array(self.A, "A", ndim=np.ndim(self.A), dtype=dtype)
        if A.shape[-2] < 2 or A.shape[-1] < 1 or A.shape[0] < 1:
            raise ValueError(f"A must have at least 2 rows and 1 column (per softmax row), got shape {A.shape}")
        object.__setattr__(self, "A", _frozen(A))
        a_inf = float(np.max(np.sum(np.abs(A.astype(np.float64)), axis=-1)))
        self._finish(A.shape[:-1], a_inf)

    def _dtype(self) -> np.dtype[Any]:
        dtype = np.dtype(self.dtype)
        if dtype not in (np.dtype(np.float64), np.dtype(np.float32)):
            raise ValueError(f"dtype must be float64 or float32, got {self.dtype!r}")
        object.__setattr__(self, "dtype", dtype)
        return dtype  # type: ignore[no-any-return]

    def _finish(self, shape: tuple[int, ...], a_inf: float) -> None:
        """Validate ``b`` and ``w`` against the logits' ``shape``; set ``_x_direct`` from ``a_inf`` = max row 1-norm."""
        dtype = self.dtype
        b = _checks.as_array(self.b, "b", ndim=len(shape), shape=shape, dtype=dtype)
        w = None if self.w is None else _checks.as_array(self.w, "w", ndim=len(shape), shape=shape, dtype=dtype)
        object.__setattr__(self, "b", _frozen(b))
        object.__setattr__(self, "w", None if w is None else _frozen(w))
        # |(Ax)_i| <= ||A||_inf max|x|. Direct evaluation is safe while the logits stay below fmax/4 (their
        # shifted differences cannot overflow) and 1/2 ||w∘y||^2 <= (mn)/2 (w_max y)^2 stays below fmax/8.
        fmax = float(np.finfo(dtype).max)
        y_limit = fmax / 4
        w_max = 0.0 if w is None else float(np.max(np.abs(w)))
        if w_max > 0:
            y_limit = min(y_limit, math.sqrt(fmax / (4 * b.size)) / w_max)  # Python floats: inf, not an FPE
        object.__setattr__(self, "_x_direct", y_limit / a_inf if a_inf > 0 else math.inf)

    # ----------------------------------------------------------------- shapes
    @property
    def n(self) -> int:
        """Softmax width: the number of entries of each row's logits."""
        return int(self.b.shape[-1])

    @property
    def m(self) -> int:
        """Number of softmax rows sharing ``x`` (1 for an (n, d) ``A``)."""
        return 1 if self.b.ndim == 1 else int(self.b.shape[0])

    @property
    def d(self) -> int:
        """Dimension of ``x``."""
        return int(self.A.shape[-1])

    @property
    def logit_shape(self) -> tuple[int, ...]:
        """Shape of the logits :math:`y = Ax`: ``(n,)``, or ``(m, n)`` for a stack of rows."""
        return tuple(int(s) for s in self.b.shape)

    def _x(self, x: Any, name: str = "x") -> Array:
        return _checks.as_array(x, name, ndim=1, shape=(self.d,), dtype=self.dtype)

    # --------------------------------------------------------------- the linear map
    def logits(self, X: Any) -> Array:
        r"""The logits :math:`y = Ax` of ``x`` (d,), or of every row of ``X`` (B, d), in one pass over ``A``.

        Returns
        -------
        ndarray :attr:`logit_shape`, or (B, \*logit_shape)

        Notes
        -----
        C12: one BLAS product for a batch (for at most two rows, matrix-vector products, faster in OpenBLAS than a
        GEMM that packs ``A`` first). No overflow guard: :meth:`loss` scales large ``x`` first.
        """
        A2 = self.A.reshape(-1, self.d)
        if X.ndim == 1:
            return (A2 @ X).reshape(self.logit_shape)  # type: ignore[no-any-return]
        Y = np.stack([A2 @ x for x in X]) if X.shape[0] <= _GEMV_MAX_ROWS else X @ A2.T
        return Y.reshape((X.shape[0], *self.logit_shape))

    def pullback(self, G: Any) -> Array:
        r""":math:`\sum_i A_i^\top g_i` for ``G`` of :attr:`logit_shape`: the adjoint of :meth:`logits` (C2)."""
        return self.A.reshape(-1, self.d).T @ np.asarray(G).reshape(-1)  # type: ignore[no-any-return]

    def _rows(self) -> Array:
        """``A`` as an (m, n, d) stack (a view); forms a dense stack for factored subclasses."""
        return self.A.reshape(self.m, self.n, self.d)  # type: ignore[no-any-return]

    # ------------------------------------------------------------------ loss
    def _sum_rows(self, values: Array) -> Array:
        """Sum over the trailing logit axes: per softmax entry -> per point."""
        return np.sum(values, axis=tuple(range(-len(self.logit_shape), 0)))  # type: ignore[no-any-return]

    def loss_from_logits(self, Y: Any) -> Array:
        r"""Loss as a function of the logits :math:`y = Ax`, batched over the leading axis.

        Parameters
        ----------
        Y : array_like (B, \*logit_shape) or :attr:`logit_shape`
            Logits; complex values are accepted for complex-step differentiation.

        Returns
        -------
        ndarray (B,) or scalar array
            .. math:: \sum_i \tfrac12\|\mathrm{softmax}(y_i) - b_i\|^2 + \tfrac12\|w_i\circ y_i\|^2

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
        ls = self.logit_shape
        if Y.ndim not in (len(ls), len(ls) + 1) or Y.shape[Y.ndim - len(ls):] != ls:
            raise ValueError(f"Y must have shape (B, {', '.join(map(str, ls))}) or {ls}, got {Y.shape}")
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
                f"max_i |w_i y_i| below {np.sqrt(fmax / self.b.size):.3g} (without a regularizer every finite "
                f"{name} is in the domain)")

    def _logits(self, X: Array) -> tuple[Array, Array | None]:
        """Logits of the rows of ``X`` (B, d) as ``(Yp, s)``.

        ``Y = Yp`` when ``s`` is ``None``, otherwise ``Y = s * Yp`` point by point with ``s`` (B, 1, ...) powers of
        two (broadcasting against ``Yp``) and ``Yp = A (X / s)`` of moderate size.
        """
        s = _power_of_two_scale(X, self._x_direct)
        if s is None:
            return self.logits(X), None
        # exact scaling by powers of two: Y = s * Yp up to the product's rounding
        return self.logits(X / s), s.reshape((X.shape[0],) + (1,) * len(self.logit_shape))

    def _loss_rows(self, X: Array, name: str) -> Array:
        """Loss at the rows of a validated ``X`` (B, d), for every finite ``X`` (C1, module docstring)."""
        Yp, s = self._logits(X)
        if s is None:
            return self.loss_from_logits(Yp)
        out = self._loss_from_softmax(_softmax_scaled(Yp, s), None)  # 1/2 ||f - b||^2
        if self.w is not None:
            wy = self.w * Yp
            wy *= wy
            s2 = s.reshape(-1)
            with np.errstate(over="ignore"):
                reg = 0.5 * self._sum_rows(wy) * s2 * s2  # 1/2 ||diag(w) A x||^2 = s^2/2 ||w∘y'||^2
            if not np.all(np.isfinite(reg)):
                raise ValueError(self._domain_message(name, np.max(np.abs(Yp)), s))
            out = out + reg
        return out

    def _loss_from_softmax(self, f: Array, Y: Array | None) -> Array:
        r""":math:`\tfrac12\|f - b\|^2 + \tfrac12\|w\circ y\|^2` from ``f = softmax(Y)`` and the logits ``Y``.

        ``f`` is a fresh array, overwritten; ``Y`` is read for the regularizer only (``None``: the fit term alone).
        Summed over the trailing logit axes.
        """
        c = f  # the steps below run in place in f's storage (one temporary, not four)
        if np.result_type(c, self.b) == c.dtype:
            c -= self.b  # c = f - b
        else:
            c = c - self.b  # c = f - b, promoted (e.g. float32 logits, float64 target)
        c *= c
        out = 0.5 * self._sum_rows(c)  # 1/2 ||c||^2, summed over the rows
        if self.w is not None and Y is not None:
            wy = self.w * Y
            wy *= wy
            out = out + 0.5 * self._sum_rows(wy)  # 1/2 ||diag(w) A x||^2
        return out

    def loss(self, x: Any) -> float:
        r"""Objective :math:`L(x) = \tfrac12\|c\|^2 + \tfrac12\|\mathrm{diag}(w)Ax\|^2` (summed over the rows).

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
            return float(self.loss_from_logits(self.logits(x)))
        return float(self._loss_rows(x[None, :], "x")[0])

    def loss_batch(self, X: Any) -> Array:
        r"""Objective at each row of ``X``.

        Parameters
        ----------
        X : array_like (B, d)

        Returns
        -------
        ndarray (B,)

        Notes
        -----
        C1, C12: one matrix product for the whole batch; the domain is that of :meth:`loss`.
        """
        X = _checks.as_array(X, "X", ndim=2, shape=(None, self.d), dtype=self.dtype)
        return self._loss_rows(X, "X")

    # ------------------------------------------------------------ derivatives
    def _parts(self, x: Any) -> tuple[Array, Array | None, Array, Array]:
        """``(y', s, f, c)`` at ``x``: logits ``y = y'`` (``s`` None) or ``y = s y'`` (``s`` a power of two)."""
        x = self._x(x)
        if np.max(np.abs(x)) <= self._x_direct:
            y = self.logits(x)
            f = softmax(y)
            return y, None, f, f - self.b
        Yp, s = self._logits(x[None, :])
        assert s is not None
        f = _softmax_scaled(Yp, s)[0]
        return Yp[0], s.reshape(-1), f, f - self.b

    def attention(self, x: Any) -> Array:
        r"""The softmax rows :math:`f_i = \mathrm{softmax}(A_i x)`, shape :attr:`logit_shape` (C1, C14).

        For an attention head, the (m, n) attention probabilities of its queries.
        """
        return self._parts(x)[2]

    def gradient(self, x: Any) -> Array:
        r"""Gradient of the objective.

        Parameters
        ----------
        x : array_like (d,)

        Returns
        -------
        ndarray (d,)
            .. math:: \nabla L = \sum_i A_i^\top\big(f_i\circ c_i - \langle f_i, c_i\rangle f_i\big)
                      + A_i^\top W_i^2 A_i x

        Raises
        ------
        ValueError
            As :meth:`loss`: with a regularizer, ``x`` outside the domain where :math:`A^\top W^2 A x` is
            representable.

        Notes
        -----
        C2 (C14: summed over the rows). Finite for every finite ``x`` without a regularizer (:math:`\|Sc\|` is
        bounded, C6).
        """
        y, s, f, c = self._parts(x)
        g_y = f * c - np.sum(f * c, axis=-1, keepdims=True) * f  # S c = f∘c − <f,c> f, row by row   (C2)
        if self.w is None:
            return self.pullback(g_y)
        if s is None:
            return self.pullback(g_y + self.w**2 * y)  # + W^2 A x   (C2)
        with np.errstate(over="ignore", invalid="ignore"):
            g = self.pullback(g_y + (self.w**2 * y) * s)  # + W^2 A x with A x = s y'        (C2)
        if not np.all(np.isfinite(g)):
            raise ValueError(self._domain_message("x", np.max(np.abs(y)), s))
        return g

    def B(self, x: Any) -> Array:
        r"""The middle matrix of the Hessian, a function of ``f = softmax(Ax)`` and ``b`` only (one per row).

        Parameters
        ----------
        x : array_like (d,)

        Returns
        -------
        ndarray (n, n), or (m, n, n) for a stack of rows
            .. math::
                B = S^2 + \mathrm{diag}(c\circ f) - (c\circ f)f^\top - f(c\circ f)^\top
                    + 2\langle c, f\rangle f f^\top - \langle c, f\rangle\,\mathrm{diag}(f),
                \qquad S = \mathrm{diag}(f) - f f^\top

        Notes
        -----
        C3, C4. A function of ``f`` alone: finite for every finite ``x``.
        """
        _, _, f, c = self._parts(x)
        return _middle(f, c)

    def gram(self, V: Any) -> Array:
        r""":math:`\sum_i A_i^\top\mathrm{diag}(v_i)A_i` (d, d) for weights ``V`` of :attr:`logit_shape` (C4, C5, C10).

        With :math:`v_i = \beta^+_i\mathbf 1 + w_i^2` this is :math:`H_0`, with :math:`w_i^2 - \beta^-_i` the
        strong-convexity lower bound (:mod:`zosoftmax.bounds`).
        """
        A = self.A.reshape(-1, self.d).astype(np.float64)
        G = A.T @ (np.asarray(V, dtype=np.float64).reshape(-1)[:, None] * A)  # Σ_i A_iᵀ diag(v_i) A_i
        return 0.5 * (G + G.T)  # type: ignore[no-any-return]

    def hessian_vector(self, x: Any, v: Any) -> Array:
        r"""Hessian-vector product :math:`\nabla^2 L(x)\,v` without forming the Hessian (C3).

        .. math:: \nabla^2 L\, v = \sum_i A_i^\top\big(B_i + W_i^2\big)A_i v ,

        with :math:`B_i u` from :math:`Su = f\circ u - \langle f, u\rangle f` applied twice and the rank-two and
        diagonal terms of :meth:`B`: :math:`O(` one :meth:`logits` and one :meth:`pullback` :math:`)`.
        """
        _, _, f, c = self._parts(x)
        u = self.logits(self._x(v, "v"))  # A v, row by row

        def dot(p: Array, q: Array) -> Array:
            return np.sum(p * q, axis=-1, keepdims=True)  # type: ignore[no-any-return]

        def S(q: Array) -> Array:
            return f * q - dot(f, q) * f  # type: ignore[no-any-return]  # (diag(f) − ffᵀ) q

        cf, s = c * f, dot(c, f)
        # C3: B u = S²u + (c∘f)∘u − (c∘f)<f,u> − f<c∘f,u> + 2<c,f> f<f,u> − <c,f> f∘u
        Bu = S(S(u)) + cf * u - cf * dot(f, u) - f * dot(cf, u) + 2 * s * f * dot(f, u) - s * f * u
        if self.w is not None:
            Bu = Bu + self.w**2 * u  # + W² A v
        return self.pullback(Bu)

    def hessian(self, x: Any) -> Array:
        r"""Hessian of the objective.

        Parameters
        ----------
        x : array_like (d,)

        Returns
        -------
        ndarray (d, d)
            .. math:: \nabla^2 L = \sum_i A_i^\top\big(B_i(x) + W_i^2\big)A_i

        Notes
        -----
        C3 (C14: summed over the rows). Computed in :math:`O(mnd^2)` without forming the (n, n) matrices :math:`B_i`
        (:meth:`B` forms them, for the proofs): per row, with :math:`SA = f\circ A - f(f^\top A)`,
        :math:`a = A^\top(c\circ f)`, :math:`g = A^\top f` and :math:`s = \langle c, f\rangle`,

        .. math:: A^\top(B + W^2)A = (SA)^\top(SA) + A^\top\mathrm{diag}(c\circ f - s f + w^2)A - ag^\top - ga^\top
                  + 2s\,gg^\top .
        """
        _, _, F, C = self._parts(x)
        rows = self._rows()
        F, C = F.reshape(self.m, self.n), C.reshape(self.m, self.n)
        W2 = None if self.w is None else (self.w**2).reshape(self.m, self.n)
        H = np.zeros((self.d, self.d), dtype=np.result_type(rows, F))
        for i, (A, f, c) in enumerate(zip(rows, F, C, strict=True)):
            SA = f[:, None] * A - np.outer(f, f @ A)  # S A, S = diag(f) − f fᵀ
            cf, s = c * f, float(np.dot(c, f))
            diag = cf - s * f if W2 is None else cf - s * f + W2[i]  # diag(c∘f) − <c,f> diag(f) + W²
            a, g = A.T @ cf, A.T @ f
            # C3: Aᵀ(S² + diag(c∘f) − (c∘f)fᵀ − f(c∘f)ᵀ + 2<c,f> ffᵀ − <c,f> diag(f) + W²)A
            H += SA.T @ SA + A.T @ (diag[:, None] * A) - np.outer(a, g) - np.outer(g, a) + 2 * s * np.outer(g, g)
        return 0.5 * (H + H.T)


def _frozen(arr: Array) -> Array:
    """A read-only copy of ``arr``."""
    out = np.array(arr, copy=True)
    out.setflags(write=False)
    return out


def _middle(f: Array, c: Array) -> Array:
    r""":math:`B` (C3) of each row of ``f`` and ``c`` (..., n): (..., n, n)."""
    n = f.shape[-1]
    eye = np.eye(n)
    S = eye * f[..., None, :] - f[..., :, None] * f[..., None, :]  # softmax Jacobian S = diag(f) − f fᵀ
    cf = c * f
    s = np.sum(c * f, axis=-1)[..., None, None]
    ff = f[..., :, None] * f[..., None, :]
    # C3: B = S² + diag(c∘f) − (c∘f)fᵀ − f(c∘f)ᵀ + 2<c,f> f fᵀ − <c,f> diag(f)
    Bm = (S @ S + eye * cf[..., None, :] - cf[..., :, None] * f[..., None, :] - f[..., :, None] * cf[..., None, :]
          + 2 * s * ff - s * (eye * f[..., None, :]))
    return 0.5 * (Bm + np.swapaxes(Bm, -1, -2))  # type: ignore[no-any-return]  # symmetric in exact arithmetic


# Largest dense (m, n, d) stack an AttentionRegression forms on request (``_rows``): 2^25 entries, 256 MiB in float64.
DENSE_ROWS_MAX = 2**25


@dataclass(frozen=True, eq=False, kw_only=True)
class AttentionRegression(SoftmaxRegression):
    r"""Softmax regression whose rows are one attention head's queries, in factored (Kronecker) form (C14).

    Construct with :meth:`from_factors` (or :func:`zosoftmax.attention_head` for a pretrained head). With the
    queries' inputs :math:`\tilde h_i` (rows of ``queries``, (m, D)), the keys :math:`k_j` (rows of ``keys``,
    (n, p)) and ``scale`` :math:`s`, the variable is :math:`x = \mathrm{vec}(\tilde W)` of a (p, D) query matrix
    (row-major: ``x[a * D + c] = W[a, c]``) and

    .. math:: (A_i)_j = s\,(k_j \otimes \tilde h_i), \qquad y_i = A_i x = s\,K\tilde W\tilde h_i ,

    so the logits of all queries are :math:`Y = s\,\tilde H\tilde W^\top K^\top` (m, n): two small products, never
    the dense (m n, p D) matrix. With ``b`` the teacher's attention rows this is the paper's objective, one softmax
    row per query, all rows sharing ``x``.

    Notes
    -----
    C14. The Gram matrices :math:`\sum_i A_i^\top\mathrm{diag}(v_i)A_i = s^2\sum_i (K^\top\mathrm{diag}(v_i)K)
    \otimes \tilde h_i\tilde h_i^\top` (:meth:`gram`) live on :math:`\mathrm{range}(K^\top)\otimes
    \mathrm{span}(\tilde h_i)`, of dimension at most :math:`p\cdot\min(m, D)`: :meth:`reduce` gives the problem in an
    orthonormal basis of that space, where every spectral quantity is computed.
    """

    queries: Array
    keys: Array
    scale: float = 1.0
    _Ks: Array = field(init=False, repr=False, compare=False)  # s K, set in __post_init__

    @classmethod
    def from_factors(cls, queries: Any, keys: Any, b: Any, w: Any = None, *, scale: float = 1.0,
                     dtype: Any = "float64") -> AttentionRegression:
        """The head problem with query inputs ``queries`` (m, D), keys ``keys`` (n, p) and targets ``b`` (m, n)."""
        return cls(None, b, w, dtype, queries=queries, keys=keys, scale=scale)

    def __post_init__(self) -> None:
        """Validate the factors and the targets; store read-only copies (``A`` stays ``None``: never formed)."""
        dtype = self._dtype()
        Ht = _checks.as_array(self.queries, "queries", ndim=2, dtype=dtype)
        K = _checks.as_array(self.keys, "keys", ndim=2, dtype=dtype)
        scale = _checks.positive_float(self.scale, "scale")
        if Ht.shape[0] < 1 or Ht.shape[1] < 1 or K.shape[0] < 2 or K.shape[1] < 1:
            raise ValueError(f"queries must be (m >= 1, D >= 1) and keys (n >= 2, p >= 1), got shapes {Ht.shape} and "
                             f"{K.shape}")
        object.__setattr__(self, "queries", _frozen(Ht))
        object.__setattr__(self, "keys", _frozen(K))
        object.__setattr__(self, "scale", scale)
        object.__setattr__(self, "_Ks", _frozen(K * np.asarray(scale, dtype=dtype)))  # s K: the scale applied once
        a_inf = scale * float(np.max(np.sum(np.abs(K), axis=1))) * float(np.max(np.sum(np.abs(Ht), axis=1)))
        self._finish((Ht.shape[0], K.shape[0]), a_inf)

    @property
    def d(self) -> int:
        """Dimension of ``x`` = (key width p) x (query input width D)."""
        return int(self.keys.shape[1] * self.queries.shape[1])

    @property
    def _shape_w(self) -> tuple[int, int]:
        return int(self.keys.shape[1]), int(self.queries.shape[1])

    def logits(self, X: Any) -> Array:
        r""":math:`Y = s\,\tilde H\tilde W^\top K^\top` for ``x`` (d,) or each row of ``X`` (B, d): (m, n) or (B, m, n).

        Two products per point, through :math:`\tilde W\tilde H^\top` (p, m) and then :math:`K` (C14).
        """
        X = np.asarray(X)
        lead, (p, D) = X.shape[:-1], self._shape_w
        T = X.reshape(-1, D) @ self.queries.T  # W~ H~ᵀ, the (p, m) of every point stacked: one GEMM
        T = np.ascontiguousarray(np.swapaxes(T.reshape(-1, p, self.m), -1, -2))  # H~ W~ᵀ (m, p) per point
        Y = T.reshape(-1, p) @ self._Ks.T  # s H~ W~ᵀ Kᵀ: one more GEMM
        return Y.reshape((*lead, self.m, self.n))

    def pullback(self, G: Any) -> Array:
        r""":math:`\sum_i A_i^\top g_i = \mathrm{vec}(s\,K^\top G^\top\tilde H)` for ``G`` (m, n) (C2, C14)."""
        return (self._Ks.T @ (np.asarray(G).T @ self.queries)).reshape(-1)  # type: ignore[no-any-return]

    @property
    def scaled_keys(self) -> Array:
        """:math:`sK` (n, p): the keys with the scale applied (C14)."""
        return self._Ks

    def _rows(self) -> Array:
        """The dense (m, n, d) stack :math:`A_i`; refused above :data:`DENSE_ROWS_MAX` entries."""
        m, n, d = self.m, self.n, self.d
        if m * n * d > DENSE_ROWS_MAX:
            raise ValueError(f"this head's dense rows would take (m, n, d) = ({m}, {n}, {d}) entries, above "
                             f"{DENSE_ROWS_MAX}: use the factored methods (logits, pullback, gram, reduce)")
        return np.einsum("ja,ic->ijac", self._Ks, self.queries).reshape(m, n, d)  # type: ignore[no-any-return]

    @property  # type: ignore[misc]
    def A(self) -> Any:
        """The dense (m, n, d) rows (small heads only, :data:`DENSE_ROWS_MAX`)."""
        return self._rows()

    @A.setter
    def A(self, value: Any) -> None:  # the dataclass __init__ assigns the inherited field; it is never stored
        pass

    def gram(self, V: Any) -> Array:
        r"""The Gram matrix of :meth:`SoftmaxRegression.gram` in Kronecker form, as one product (C14).

        .. math:: \sum_i A_i^\top\mathrm{diag}(v_i)A_i = \sum_i s^2(K^\top\mathrm{diag}(v_i)K)\otimes\tilde h_i
                  \tilde h_i^\top \qquad \text{(d, d), for weights V (m, n)}
        """
        V = np.asarray(V, dtype=np.float64)
        K, Ht = self._Ks.astype(np.float64), self.queries.astype(np.float64)
        return _kron_sum(np.einsum("ja,ij,jb->iab", K, V, K), Ht)

    def hessian(self, x: Any) -> Array:
        r"""Hessian :math:`\sum_i s^2(K^\top(B_i + W_i^2)K)\otimes\tilde h_i\tilde h_i^\top` (d, d) (C3, C14).

        Forms a (d, d) matrix: for a full head (d = 12 320) 1.2 GB; :meth:`reduce` first, or use
        :meth:`hessian_vector`.
        """
        _, _, f, c = self._parts(x)
        M = _middle(f, c)  # B_i (m, n, n)
        if self.w is not None:
            M = M + np.eye(self.n) * (self.w**2)[:, None, :]  # + W_i²
        K = self._Ks.astype(np.float64)
        return _kron_sum(np.einsum("ja,ijl,lb->iab", K, M, K), self.queries.astype(np.float64))

    def reduce(self, rtol: float | None = None) -> Reduction:
        r"""The same problem in an orthonormal basis of :math:`\mathrm{range}(K^\top)\otimes\mathrm{span}(\tilde h_i)`.

        Returns
        -------
        Reduction
            ``problem`` (an :class:`AttentionRegression` with keys :math:`sKQ_K`, queries :math:`\tilde HQ_H`, scale
            1 and :math:`d' = r_K r_H`), with ``project`` and ``embed`` between ``x`` and the reduced variable
            :math:`z = \mathrm{vec}(Q_K^\top\tilde WQ_H)`.

        Notes
        -----
        C14. :math:`y_i = sK\tilde W\tilde h_i = (sKQ_K)(Q_K^\top\tilde WQ_H)(Q_H^\top\tilde h_i)` exactly, since
        :math:`Q_KQ_K^\top` and :math:`Q_HQ_H^\top` are the projections onto the row spaces of :math:`K` and
        :math:`\tilde H`: the loss depends on ``x`` only through ``z``, every Gram matrix and Hessian is
        :math:`(Q_K\otimes Q_H)(\cdot)'(Q_K\otimes Q_H)^\top`, and its spectrum is the reduced one plus
        :math:`d - d'` zeros. Ranks are numerical (NumPy's ``matrix_rank`` tolerance unless ``rtol`` is given).
        """
        QK, QH = _row_basis(self._Ks, rtol), _row_basis(self.queries, rtol)
        red = AttentionRegression.from_factors(self.queries @ QH, self._Ks @ QK, self.b, self.w, dtype=self.dtype)
        return Reduction(red, QK, QH)


@dataclass(frozen=True, eq=False)
class Reduction:
    r"""A head problem in reduced coordinates :math:`z = (Q_K\otimes Q_H)^\top x` (C14).

    From :meth:`AttentionRegression.reduce`.
    """

    problem: AttentionRegression
    QK: Array
    QH: Array

    def project(self, x: Any) -> Array:
        r""":math:`z = \mathrm{vec}(Q_K^\top\tilde WQ_H)` for ``x`` (d,) or the columns of ``x`` (d, r)."""
        x = np.asarray(x)
        p, D = self.QK.shape[0], self.QH.shape[0]
        W = x.T.reshape(-1, p, D) if x.ndim == 2 else x.reshape(1, p, D)
        Z = (self.QK.T @ W @ self.QH).reshape(W.shape[0], -1)
        return Z.T if x.ndim == 2 else Z[0]  # type: ignore[no-any-return]

    def embed(self, z: Any) -> Array:
        r""":math:`x = \mathrm{vec}(Q_KZQ_H^\top)` for ``z`` (d',) or the columns of ``z`` (d', r): orthonormal."""
        z = np.asarray(z)
        rK, rH = self.QK.shape[1], self.QH.shape[1]
        Z = z.T.reshape(-1, rK, rH) if z.ndim == 2 else z.reshape(1, rK, rH)
        X = (self.QK @ Z @ self.QH.T).reshape(Z.shape[0], -1)
        return X.T if z.ndim == 2 else X[0]  # type: ignore[no-any-return]


def _row_basis(M: Array, rtol: float | None) -> Array:
    """Orthonormal basis (columns) of the row space of ``M`` at its numerical rank."""
    _, s, Vt = np.linalg.svd(M.astype(np.float64), full_matrices=False)
    tol = (max(M.shape) * np.finfo(np.float64).eps if rtol is None else rtol) * (s[0] if s.size else 0.0)
    return Vt[: int(np.sum(s > tol))].T


def _kron_sum(C: Array, Ht: Array) -> Array:
    r""":math:`\sum_i C_i\otimes\tilde h_i\tilde h_i^\top` for ``C`` (m, p, p) and ``Ht`` (m, D), as one product.

    A (p², m)(m, D²) product, as a symmetric (pD, pD) matrix in the row-major order of :math:`\mathrm{vec}(\tilde W)`.
    """
    m, p, D = C.shape[0], C.shape[1], Ht.shape[1]
    hh = np.einsum("ic,ie->ice", Ht, Ht).reshape(m, D * D)
    G = (C.reshape(m, p * p).T @ hh).reshape(p, p, D, D).transpose(0, 2, 1, 3).reshape(p * D, p * D)
    return 0.5 * (G + G.T)  # type: ignore[no-any-return]
