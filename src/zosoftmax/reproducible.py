r"""Bit-reproducible arithmetic for runs whose outcome amplifies rounding: the same bits on every CPU.

A ZO-GD run from far outside the basin of its step (for example 10 logit units from :math:`x^*` at a step tuned
at :math:`x^*`) amplifies a difference in the last bit of one loss value to an O(1) difference of its gap within a
hundred steps. Two things make the last bits depend on the machine: the BLAS kernel behind ``A @ x`` (each CPU
family sums in its own order) and NumPy's ``exp``, which runs its own AVX-512 code where the CPU has it and the C
library's elsewhere (they differ in the last bit on about 5% of arguments). Such a run's Monte-Carlo mean is then a
different sample on another machine, and no rounding of the stored value hides it.

:class:`ReproducibleRegression` is the same objective computed only with operations that IEEE 754 rounds
correctly (``+ - * /``, ``rint``, ``ldexp``, comparisons) in an order fixed by this module and NumPy's own loops:

- the logits :math:`y = Ax` by :func:`products`: BLAS products of integer slices, which are exact, so the kernel's
  order and FMA do not matter (Ozaki's error-free splitting), added in a fixed order;
- the exponential of :func:`exp`: Cody-Waite reduction :math:`x = (32m + j)\ln 2/32 + r`, a degree-6 Taylor
  polynomial in :math:`r` by Horner's rule, times :math:`2^{j/32}` from a table computed in decimal arithmetic, then
  :math:`2^m` (:func:`numpy.ldexp`); within 2 ulp of the true value;
- :func:`softmax` by the same shift and normalization as :func:`zosoftmax.softmax`.

Everything else (the loss from the softmax, the estimator's quotients, the descent step of
:func:`zosoftmax.zo_gd_batch` with one direction) is already elementwise or a NumPy sum. A step costs about ten
times the plain one (six BLAS products of slices per product, and a polynomial per exponential); use it where bits
matter, not for speed. A start or step computed by LAPACK (Newton's :math:`x^*`, an eigenvalue) still carries the
machine's last bits: round it first (:func:`rounded`).

Notes
-----
Checked against the plain path (``tests/test_reproducible.py``): :func:`exp` against :func:`numpy.exp` within
2 ulp, the loss within rounding of :class:`zosoftmax.SoftmaxRegression`'s, and a chaotic run that differs between
two BLAS kernels on the plain path but not here.
"""

from __future__ import annotations

import math
from decimal import Decimal, localcontext
from typing import Any

import numpy as np

from . import _checks
from ._checks import Array
from .problem import SoftmaxRegression

__all__ = ["ReproducibleRegression", "exp", "products", "rounded", "softmax"]

# exp: x = (32 m + j) ln2/32 + r with j in 0..31, |r| <= ln2/64, and e^x = 2^m 2^(j/32) e^r. ln2 = _LN2_HI + _LN2_LO
# with the 32 low bits of _LN2_HI zero (fdlibm's split), so K * _LN2_HI / 32 is exact for |K| < 2^20.
_TABLE_BITS = 5
_N = 1 << _TABLE_BITS
_N_OVER_LN2 = 46.16624130844682  # 32 / ln 2, rounded (only picks K; r is computed from the split ln 2)
_LN2_HI = 6.93147180369123816490e-01 / _N
_LN2_LO = 1.90821492927058770002e-10 / _N
with localcontext() as _ctx:  # 2^(j/32) correctly rounded: decimal arithmetic is software, the same everywhere
    _ctx.prec = 40
    _TABLE = np.array([float(Decimal(2) ** (Decimal(j) / _N)) for j in range(_N)])
# Taylor coefficients 1/i! for i = 6..0: the remainder r^7/7! <= (ln2/64)^7/5040 < 4e-18 relative, far below an ulp
_TAYLOR = tuple(1.0 / math.factorial(i) for i in range(6, -1, -1))
_EXP_UNDERFLOW = -746.0  # exp(x) rounds to 0 below this (the smallest subnormal is 2^-1074 = e^-744.44)
_SLICES = 3  # slices per entry in products(): 3 beta >= 57 bits, more than float64 holds


def exp(x: Any) -> Array:
    r"""The exponential of every entry of ``x`` (finite, or :math:`-\infty`, at most 709), the same bits on any CPU.

    Parameters
    ----------
    x : array_like of float64

    Returns
    -------
    ndarray
        :math:`e^x` within 2 ulp; exactly 1 at 0 and 0 below :math:`-746` (and at :math:`-\infty`).

    Raises
    ------
    ValueError
        ``x`` has NaN, :math:`+\infty`, or an entry above 709 (where :math:`e^x` overflows float64).
    """
    x = np.asarray(x, dtype=np.float64)
    if np.any(np.isnan(x)) or np.any(x > 709.0):
        raise ValueError("x must have no NaN and no entry above 709 (exp overflows float64 there)")
    t = np.maximum(x, _EXP_UNDERFLOW)  # -inf and everything below round to 0 below, through ldexp
    K = np.rint(t * _N_OVER_LN2)
    r = (t - K * _LN2_HI) - K * _LN2_LO
    p = np.full_like(r, _TAYLOR[0])
    for c in _TAYLOR[1:]:  # Horner in place: ((r/6! + 1/5!) r + ...) r + 1, one rounding per product and per sum
        p *= r
        p += c
    j = K.astype(np.int64)
    p *= _TABLE[j & (_N - 1)]  # 2^(j/32) e^r: one more rounding
    return np.ldexp(p, j >> _TABLE_BITS)  # type: ignore[no-any-return]  # times 2^m, exact (floor division of K)


def softmax(Y: Any) -> Array:
    r"""Max-shifted softmax along the last axis with :func:`exp`: :func:`zosoftmax.softmax`, the same bits anywhere."""
    Y = np.asarray(Y, dtype=np.float64)
    with np.errstate(over="ignore"):  # y - max y = -inf only where the weight is exp(-huge) = 0 anyway
        U = exp(Y - np.max(Y, axis=-1, keepdims=True))
    return U / np.sum(U, axis=-1, keepdims=True)  # type: ignore[no-any-return]


def _slices(X: Array, beta: int) -> tuple[list[Array], Array]:
    r"""``X`` (B, d) as ``u * sum_p 2^(-p beta) I_p`` up to :math:`2^{-\rm SLICES\,\beta}` of each row's largest entry.

    ``u`` (B, 1) is a power of two per row with :math:`|X_i / u_i| \le 2^\beta`; every ``I_p`` holds integers of
    at most :math:`\beta` bits. Each step is exact: a scaling by a power of two, ``rint``, the fractional part.
    """
    top = np.max(np.abs(X), axis=-1, keepdims=True)
    _, e = np.frexp(top)  # top < 2^e
    u = np.where(top > 0, np.ldexp(1.0, e - beta), 1.0)
    R = X / u  # |R| < 2^beta
    parts = []
    for _ in range(_SLICES):
        ints = np.rint(R)
        parts.append(ints)
        R = (R - ints) * 2.0**beta  # the fractional part (|.| <= 1/2), scaled: exact
    return parts, u


def products(X: Any, M: Any) -> Array:
    r""":math:`X M^\top` for ``X`` (B, d) and ``M`` (r, d): the same bits whatever BLAS computes it (Ozaki's scheme).

    Each row is split into ``_SLICES`` slices of :math:`\beta` bits, :math:`\beta = \lfloor (53 -
    \lceil\log_2 d\rceil)/2 \rfloor`, so that every dot product of two slices is a sum of integers below
    :math:`2^{53}`: exact in float64 in any order, with or without FMA. The slice products with
    :math:`p + q <` ``_SLICES`` are then added in a fixed order (each addition correctly rounded) and scaled back.
    Accuracy: the dropped slices are below :math:`3 \cdot 2^{-3\beta}` of :math:`d \max|x_i| \max|m_j|`, so the
    result is within a few roundings of :math:`\sum_j |x_{ij} m_{kj}|`, like a BLAS product.
    """
    X, M = np.asarray(X, dtype=np.float64), np.asarray(M, dtype=np.float64)
    d = X.shape[-1]
    beta = (53 - max(1, math.ceil(math.log2(max(d, 2))))) // 2
    (xs, u), (ms, v) = _slices(X, beta), _slices(M, beta)
    Y = np.zeros((X.shape[0], M.shape[0]))
    for c in range(_SLICES):  # the slice products by decreasing size, in a fixed order
        for p in range(c + 1):
            Y += (xs[p] @ ms[c - p].T) * 2.0 ** (-c * beta)  # exact integers, scaled by a power of two
    return Y * u * v.T


def rounded(x: Any, digits: int = 10) -> Array:
    r"""``x`` rounded to ``digits`` significant decimal digits: a start or step computed by LAPACK made machine-free.

    A value whose last bits differ between machines rounds to the same number unless it lies within that difference
    of a rounding boundary: probability about :math:`10^{\rm digits}\,\delta` for a relative difference
    :math:`\delta` (1e-5 per entry at 10 digits and :math:`\delta = 10^{-15}`).
    """
    digits = _checks.positive_int(digits, "digits")
    x = np.asarray(x, dtype=np.float64)
    return np.array([float(f"{v:.{digits - 1}e}") for v in x.reshape(-1)]).reshape(x.shape)


class ReproducibleRegression(SoftmaxRegression):
    r""":class:`zosoftmax.SoftmaxRegression` whose logits and losses have the same bits on every CPU.

    Construct it like the parent (float64 only), or from one: ``ReproducibleRegression.of(problem)``. Every method
    of the parent works; :meth:`logits`, :meth:`pullback` and :meth:`loss_from_logits` (and with them
    :meth:`loss`, :meth:`loss_batch` and every zeroth-order estimate and run of :mod:`zosoftmax.optimize`) use the
    module's fixed-order arithmetic. The gradient, Hessian and bounds stay the parent's (LAPACK/BLAS).

    Notes
    -----
    C1, C12: the objective of the paper; only the order of its floating-point sums is pinned.
    """

    def __post_init__(self) -> None:
        """Validate as the parent; only float64 (the bits of float32 runs are not pinned here)."""
        super().__post_init__()
        if self.dtype != np.dtype(np.float64):
            raise ValueError(f"dtype must be float64 for a ReproducibleRegression, got {self.dtype}")

    @classmethod
    def of(cls, problem: SoftmaxRegression) -> ReproducibleRegression:
        """The same instance ``(A, b, w)`` as ``problem``, reproducible."""
        if not isinstance(problem, SoftmaxRegression):
            raise ValueError(f"problem must be a SoftmaxRegression, got {type(problem).__name__}")
        return cls(np.asarray(problem.A), problem.b, problem.w)

    def logits(self, X: Any) -> Array:
        r"""The logits :math:`Ax` of ``x`` (d,) or of every row of ``X`` (B, d), by :func:`products`."""
        X = np.asarray(X)
        A2 = self.A.reshape(-1, self.d)
        Y = products(X.reshape(-1, self.d), A2)
        return Y.reshape(self.logit_shape if X.ndim == 1 else (X.shape[0], *self.logit_shape))

    def pullback(self, G: Any) -> Array:
        r""":math:`\sum_i A_i^\top g_i`, by :func:`products`."""
        g = np.asarray(G, dtype=np.float64).reshape(1, -1)
        return products(g, self.A.reshape(-1, self.d).T)[0]  # type: ignore[no-any-return]

    def loss_from_logits(self, Y: Any) -> Array:
        r"""As :meth:`zosoftmax.SoftmaxRegression.loss_from_logits`, with this module's :func:`softmax`."""
        Y = np.asarray(Y, dtype=np.float64)
        ls = self.logit_shape
        if Y.ndim not in (len(ls), len(ls) + 1) or Y.shape[Y.ndim - len(ls):] != ls:
            raise ValueError(f"Y must have shape (B, {', '.join(map(str, ls))}) or {ls}, got {Y.shape}")
        if not np.all(np.isfinite(Y)):
            raise ValueError("Y must be finite, got non-finite entries (NaN or inf)")
        with np.errstate(over="ignore"):  # an overflowing regularizer is reported below, by name
            out = self._loss_from_softmax(softmax(Y), Y)
        if not np.all(np.isfinite(out)):
            raise ValueError(self._domain_message("Y", np.max(np.abs(Y)), 1.0))
        return out
