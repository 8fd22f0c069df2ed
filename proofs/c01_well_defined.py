r"""C1 [paper]: :math:`L` is well defined and finite for every finite input.

``f`` is invariant to adding a constant to all of :math:`Ax`.

Verified
--------
* Symbolic, every n: with the partition function :math:`Z = \sum_k e^{y_k}` a positive symbol,
  :math:`e^{y_i + t}/\sum_k e^{y_k + t} = e^{y_i}/Z` (the sum is linear: :math:`\sum_k e^{y_k+t} = e^tZ`),
  :math:`f_i > 0` and :math:`\sum_i f_i = Z/Z = 1`.
* Symbolic (n = 2, 3, 4): :math:`\mathrm{softmax}(y + t\mathbf 1) - \mathrm{softmax}(y) = 0` exactly, the
  entries of ``f`` are positive and sum to 1 exactly, hence :math:`0 \le \tfrac12\|f-b\|^2 < \infty`.
* Numeric (the library, float64): :func:`zosoftmax.softmax` is bit-identical under a shift by an exactly
  representable constant (integer logits, shift :math:`2^{20}`), and ``loss`` is finite for logits of
  magnitude up to :math:`10^{300}` (no regularizer) and :math:`10^{150}` (with one; beyond that
  :math:`(w\,y)^2` exceeds the float64 range, a representation limit, not a property of :math:`L`).

Scope: symbolic for every n (per-index reduction) and explicitly for n <= 4; numeric for n = 2..8.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import sympy as sp

import zosoftmax as zs

from ._common import Checks, is_zero, result

__all__ = ["softmax_sym", "verify"]

SHIFT = 2.0**20  # exactly representable, and y + SHIFT is exact for integer logits |y| < 2^32


def softmax_sym(y: list[Any]) -> sp.Matrix:
    r"""Exact softmax :math:`e^{y_i}/\sum_j e^{y_j}` of a list of SymPy expressions."""
    u = [sp.exp(v) for v in y]
    alpha = sum(u)
    return sp.Matrix([ui / alpha for ui in u])


def verify(*, quick: bool = False) -> dict[str, Any]:
    """Run the checks of this claim (see the module docstring) and return its verdict dictionary.

    ``quick`` is accepted for a uniform interface (this claim has no sampled searches).
    """
    del quick
    ch = Checks()
    yi, t = sp.symbols("y_i t", real=True)
    Z = sp.Symbol("Z", positive=True)  # sum_k exp(y_k)
    ch.add("symbolic-general", "every n", "softmax(y + t 1)_i = e^(y_i + t)/(e^t Z) = e^(y_i)/Z = softmax(y)_i, "
           "Z = sum_k e^(y_k) > 0 (the shift factors out of the sum)",
           is_zero(sp.exp(yi + t) / (sp.exp(t) * Z) - sp.exp(yi) / Z))
    ch.add("symbolic-general", "every n", "f_i = e^(y_i)/Z > 0 and sum_i f_i = Z/Z = 1, so 0 <= L_exp = "
           "||f - b||^2/2 < infinity for every finite y",
           bool((sp.exp(yi) / Z).is_positive) and is_zero(Z / Z - 1))
    for n in (2, 3, 4):
        y = list(sp.symbols(f"y1:{n + 1}", real=True))
        f = softmax_sym(y)
        shifted = softmax_sym([v + t for v in y])
        ch.add("symbolic-fixed-size", f"n = {n}", "softmax(y + t 1) - softmax(y) simplifies to 0",
               all(is_zero(sp.powsimp(sp.expand(e))) for e in shifted - f))
        ch.add("symbolic-fixed-size", f"n = {n}", "sum_i f_i - 1 simplifies to 0 and every f_i is positive",
               is_zero(sum(f) - 1) and all(bool(e.is_positive) for e in f))

    rng = np.random.default_rng(101)
    worst_loss = 0.0
    ok_shift, ok_finite = True, True
    for n in range(2, 9):
        y = rng.integers(-50, 50, size=n).astype(np.float64)
        ok_shift &= np.array_equal(zs.softmax(y + SHIFT), zs.softmax(y))
        b = rng.dirichlet(np.ones(n))
        for scale, w in ((1e300, None), (1e150, np.ones(n))):
            p = zs.SoftmaxRegression(np.eye(n), b, w)
            y_big = scale * rng.uniform(-1, 1, size=n)
            with np.errstate(over="raise", invalid="raise"):
                val = p.loss(y_big)
            worst_loss = max(worst_loss, val if w is None else 0.0)
            ok_finite &= bool(np.isfinite(val))
    scope = "library float64, n = 2..8, one random instance each"
    ch.add("numeric-search", scope, "library softmax(y + 2^20) is bit-identical to softmax(y) (integer y)", ok_shift)
    ch.add("numeric-search", scope, "loss finite at logits of size 1e300 (no regularizer) and 1e150 (w = 1)",
           ok_finite)
    ch.add("numeric-search", scope, "without a regularizer 0 <= L <= (1 + ||b||_2)^2 / 2 <= 2 at huge logits",
           0.0 <= worst_loss <= 2.0)
    return result(
        id="C1", title="L is finite; f is shift invariant", provenance="[paper]",
        statement="L is well defined and finite for every finite input; f is invariant to adding a constant to "
                  "all of Ax.",
        checks=ch, correction=None,
        key_numbers={"shift_exact": True, "max_logit_magnitude_checked": 1e300},
        summary="shift invariance and finiteness (symbolic, every n); library finite at |y| = 1e300",
    )
