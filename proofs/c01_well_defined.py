r"""C1 [paper]: :math:`L` is well defined and finite for every finite input.

``f`` is invariant to adding a constant to all of :math:`Ax`.

Verified
--------
Steps (the chain of ``claims.json``)
------------------------------------
1. symbolic-general, every n: the index sum :math:`\sum_{k=1}^n e^{y_k+t} = e^t\sum_{k=1}^n e^{y_k}` with
   ``n`` a symbol (SymPy ``Sum``), so the shift cancels in :math:`f`.
2. symbolic-general, every n: :math:`f_i > 0` and :math:`\sum_{i=1}^n f_i = 1` (index sum, ``n`` symbolic).
3. symbolic-general, every n: :math:`0 \le L < \infty`, a sum of ``n`` squares of finite reals (SymPy's
   assumptions on the index sum; step 2 gives finite ``f``).

Supporting checks
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

from ._common import Checks, assumption, by_step, canonical_sums, is_zero, kron_sum, result

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
    n, k, i = sp.symbols("n k i", integer=True, positive=True)
    y = sp.IndexedBase("y", real=True)
    t = sp.Symbol("t", real=True)
    Z = sp.Sum(sp.exp(y[k]), (k, 1, n))
    Zt = kron_sum(sp.exp(y[k] + t), k, n)
    ch.step(("shift factors out", r"\sum_k e^{y_k+t} = e^t \sum_k e^{y_k}"), "symbolic-general", "every n",
            "index sum with n symbolic: sum_{k=1}^n e^(y_k + t) = e^t sum_{k=1}^n e^(y_k), so softmax(y + t 1) = "
            "softmax(y)", sp.expand(Zt - canonical_sums(sp.exp(t) * Z), power_exp=True) == 0,
            tex=sp.latex(sp.Eq(sp.Sum(sp.exp(y[k] + t), (k, 1, n)), sp.exp(t) * Z)),
            hypotheses=(assumption("y finite (t real)"),))
    total = kron_sum(sp.exp(y[k]), k, n) / canonical_sums(Z)
    fi = sp.exp(y[i]) / Z
    ch.step(("f in the simplex", r"f_i > 0,\ \sum_i f_i = 1"), "symbolic-general", "every n",
            "index sum with n symbolic: f_i = e^(y_i)/sum_k e^(y_k) > 0 and sum_i f_i = 1",
            bool(sp.exp(y[i]).is_positive) and is_zero(total - 1),
            tex=sp.latex(sp.Eq(sp.Sum(fi.subs(i, k), (k, 1, n)), 1)) + r",\quad " + sp.latex(fi) + " > 0",
            hypotheses=(assumption("y finite"),))
    fr, br, wz = (sp.IndexedBase(name, real=True, finite=True) for name in ("f", "b", "v"))
    loss = sp.Sum((fr[k] - br[k]) ** 2, (k, 1, n)) / 2 + sp.Sum(wz[k] ** 2, (k, 1, n)) / 2  # v = W A x
    ch.step(("L finite", r"0 \le L < \infty"), "symbolic-general", "every n",
            "L = sum_k (f_k - b_k)^2/2 + sum_k (WAx)_k^2/2 with n symbolic is a sum of squares of finite reals: "
            "SymPy's assumptions give L >= 0 and L finite", bool(loss.is_nonnegative) and bool(loss.is_finite),
            tex=sp.latex(loss) + r" \in [0, \infty)",
            hypotheses=(by_step("f_k finite", "f in the simplex"), assumption("A, b, w, x finite")))
    for m in (2, 3, 4):
        ys = list(sp.symbols(f"y1:{m + 1}", real=True))
        f = softmax_sym(ys)
        shifted = softmax_sym([v + t for v in ys])
        ch.add("symbolic-fixed-size", f"n = {m}", "softmax(y + t 1) - softmax(y) simplifies to 0",
               all(is_zero(sp.powsimp(sp.expand(e))) for e in shifted - f))
        ch.add("symbolic-fixed-size", f"n = {m}", "sum_i f_i - 1 simplifies to 0 and every f_i is positive",
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
        statement_tex=r"L(x) \text{ is finite for every finite } x, \text{ and } \mathrm{softmax}(Ax + t\mathbf 1) = "
                      r"\mathrm{softmax}(Ax) \text{ for every } t \in \mathbb R",
        title_tex=r"$L$ finite for finite input; $f$ invariant to shifts of $Ax$",
        checks=ch, correction=None,
        key_numbers={"shift_exact": True, "max_logit_magnitude_checked": 1e300},
        summary="shift invariance and finiteness (symbolic, every n); library finite at |y| = 1e300",
    )
