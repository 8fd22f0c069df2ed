r"""C3 [paper]: the Hessian :math:`\nabla^2 L = A^\top(B(x) + W^2)A`, ``B`` a low-rank part plus a diagonal part.

Here :math:`B = S^2 + \mathrm{diag}(c\circ f) - (c\circ f)f^\top - f(c\circ f)^\top + 2\langle c,f\rangle ff^\top
- \langle c,f\rangle\mathrm{diag}(f)`.

Verified
--------
* Symbolic, explicit sizes (n, d) = (2, 2), (3, 1): SymPy's second derivatives of :math:`L` (written with
  :math:`U_i(x)`, :math:`\partial U_i/\partial x_j = A_{ij}U_i`, as in C2) minus :math:`A^\top(B + W^2)A`
  cancel to 0 exactly.
* Symbolic, every n: :math:`\partial^2 f_k/\partial y_i\partial y_j = f_k(\delta_{ki}-f_i)(\delta_{kj}-f_j)
  - f_kf_i(\delta_{ij}-f_j)` for all five index patterns, with the rest of the partition function a symbol
  :math:`R>0`; summing :math:`\sum_{k=1}^n S_{ki}S_{kj} + c_k\,\partial^2 f_k` over ``k`` gives ``B`` with
  ``n`` a symbol (SymPy ``Sum`` with ``KroneckerDelta``; cross-checked with explicit sums for n = 2, 3).
* Symbolic, every n, d (index sums): the Hessian through :math:`y = Ax` is :math:`A^\top(\cdot)A`, C2's
  index-sum step applied to each entry of the gradient (the chain rule of calculus an assumption, as in C2).
* Symbolic split (n = 2..4, ``f`` on the simplex): with :math:`P = I - \mathbf 1 f^\top`,
  :math:`q = f + c - \bar c\mathbf 1`, :math:`\bar c = \langle f, c\rangle`:
  :math:`B = P^\top\mathrm{diag}(f\circ q)P = \mathrm{diag}(f\circ q) + [\langle f,q\rangle ff^\top -
  (f\circ q)f^\top - f(f\circ q)^\top]` (diagonal plus rank <= 2, columns in span{f, f∘q}),
  :math:`B\mathbf 1 = 0`, and :math:`v^\top Bv = \|Sv\|^2 + \sum_i f_i(c_i-\bar c)\tilde v_i^2` with
  :math:`\tilde v = v - \langle f,v\rangle\mathbf 1`, :math:`\|Sv\|^2 = \sum_i f_i^2\tilde v_i^2`,
  :math:`v^\top Sv = \sum_i f_i\tilde v_i^2`.
* Numeric: the library's ``B`` and ``hessian`` against the lambdified symbolic ones (n <= 3) and against
  central differences of the library gradient (n <= 8, tolerance from the O(h^2) error).

* Symbolic, every n (``proofs/_lemmas.py``): the split entrywise with the sums over ``k`` reduced to
  :math:`\sum f = 1`, :math:`\sum f^2 = s`, :math:`\sum fc = \bar c` and Kronecker deltas.

Scope: symbolic for every n (entrywise second derivative and split), explicitly for n <= 3, d <= 2 and
n <= 5; numeric n <= 8.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import sympy as sp

import zosoftmax as zs

from ._common import (
    FLOAT_RTOL,
    Checks,
    assumption,
    by_claim,
    by_step,
    canonical_sums,
    in_range,
    is_zero,
    kron_sum,
    lambdify_flat,
    matrix_is_zero,
    result,
)
from ._lemmas import SCOPE, split_steps
from .c02_gradient import objective_sym, to_u

__all__ = ["B_formula_sym", "B_split_sym", "simplex_f_sym", "verify"]

FD_STEP = 1e-4  # central differences of the gradient: error <= h^2/6 * sup|third derivative| ~ 1e-8
FD_TOL = 1e-6   # h^2 * M3 / 6 with M3 <= 4 ||A||^3 (C7) and ||A|| <= 3 here, plus rounding eps/h ~ 2e-12


def B_formula_sym(f: sp.Matrix, b: sp.Matrix) -> sp.Matrix:
    r"""The claimed middle matrix ``B`` (C3) as a SymPy matrix in ``f`` and ``b``."""
    n = f.shape[0]
    c = f - b
    S = sp.diag(*f) - f * f.T
    cf = c.multiply_elementwise(f)
    cbar = c.dot(f)
    return S * S + sp.diag(*cf) - cf * f.T - f * cf.T + 2 * cbar * f * f.T - cbar * sp.diag(*f) + sp.zeros(n)


def B_split_sym(f: sp.Matrix, b: sp.Matrix) -> tuple[sp.Matrix, sp.Matrix]:
    r"""``(D, Low)``: C3's split of ``B`` into a diagonal part and a part of rank <= 2.

    :math:`D = \mathrm{diag}(f\circ q)` and the rank-<=2 part is
    :math:`\langle f,q\rangle ff^\top - (f\circ q)f^\top - f(f\circ q)^\top`, :math:`q = f + c - \bar c\mathbf 1`.
    """
    n = f.shape[0]
    c = f - b
    q = f + c - c.dot(f) * sp.ones(n, 1)
    fq = f.multiply_elementwise(q)
    return sp.diag(*fq), f.dot(q) * f * f.T - fq * f.T - f * fq.T


def simplex_f_sym(n: int) -> sp.Matrix:
    """``f`` with positive symbols ``f1..f(n-1)`` and ``f_n = 1 - sum``."""
    fs = list(sp.symbols(f"f1:{n}", positive=True))
    return sp.Matrix([*fs, 1 - sum(fs)])


def _entrywise_every_n(ch: Checks) -> None:
    ys = sp.symbols("y_1 y_2 y_3", real=True)
    R = sp.Symbol("R", positive=True)
    alpha = sum(sp.exp(v) for v in ys) + R
    f = [sp.exp(v) / alpha for v in ys]

    def delta(i: int, j: int) -> int:
        return 1 if i == j else 0

    ok = True
    for k, i, j in ((0, 0, 0), (0, 0, 1), (0, 1, 0), (0, 1, 1), (0, 1, 2)):
        lhs = sp.diff(f[k], ys[i], ys[j])
        rhs = f[k] * (delta(k, i) - f[i]) * (delta(k, j) - f[j]) - f[k] * f[i] * (delta(i, j) - f[j])
        ok &= is_zero(lhs - rhs)
    ch.step(("second derivative of f", r"\partial^2 f_k/\partial y_i\partial y_j"), "symbolic-general", "every n",
            "d^2 f_k/dy_i dy_j = f_k(d_ki - f_i)(d_kj - f_j) - f_k f_i (d_ij - f_j), all 5 index "
            "patterns (rest of the partition function a symbol R > 0)", ok,
            tex=r"\frac{\partial^2 f_k}{\partial y_i\partial y_j} = f_k(\delta_{ki}-f_i)(\delta_{kj}-f_j) - f_kf_i"
                r"(\delta_{ij}-f_j)", hypotheses=(assumption("the rest of the partition function R > 0"),))
    # every n: the sum over k with Kronecker deltas, n a symbol (SymPy Sum + KroneckerDelta)
    nn = sp.Symbol("n", integer=True, positive=True)
    k, i, j = sp.symbols("k i j", integer=True, positive=True)
    fI, cI = sp.IndexedBase("f", real=True), sp.IndexedBase("c", real=True)
    dl = sp.KroneckerDelta

    def Sx(a: Any, b_: Any) -> Any:  # S_ab = f_a (delta_ab - f_b)
        return fI[a] * (dl(a, b_) - fI[b_])

    d2f = fI[k] * (dl(k, i) - fI[i]) * (dl(k, j) - fI[j]) - fI[k] * fI[i] * (dl(i, j) - fI[j])
    lhs = kron_sum(Sx(k, i) * Sx(k, j) + cI[k] * d2f, k, nn, (i, j))
    cbar = sp.Sum(cI[k] * fI[k], (k, 1, nn))
    claimed = (kron_sum(Sx(i, k) * Sx(k, j), k, nn, (i, j)) + dl(i, j) * cI[i] * fI[i] - cI[i] * fI[i] * fI[j]
               - fI[i] * cI[j] * fI[j] + canonical_sums(2 * cbar * fI[i] * fI[j] - cbar * dl(i, j) * fI[i]))
    ch.step(("sum over k is B", r"\sum_k S_{ki}S_{kj} + c_k\partial^2 f_k = B_{ij}"), "symbolic-general", "every n",
            "sum_{k=1}^n [S_ki S_kj + c_k d^2 f_k/dy_i dy_j] = B_ij with n a symbol (SymPy Sum with Kronecker deltas, "
            "i, j in 1..n), B = S^2 + diag(c∘f) - (c∘f)f^T - f(c∘f)^T + 2<c,f> ff^T - <c,f> diag(f)",
            sp.expand(lhs - claimed) == 0,
            tex=sp.latex(sp.Sum(Sx(k, i) * Sx(k, j) + cI[k] * d2f, (k, 1, nn))) + " = B_{ij}",
            hypotheses=(by_step("d^2 f_k", "second derivative of f"), assumption("i, j in 1..n")))
    for n in range(2, 4):  # the explicit sums, a cross-check of the general step
        fsym = sp.Matrix(sp.symbols(f"f1:{n + 1}", real=True))
        b = sp.Matrix(sp.symbols(f"b1:{n + 1}", real=True))
        c = fsym - b
        S = sp.diag(*fsym) - fsym * fsym.T

        def entry(i: int, j: int, fsym: sp.Matrix = fsym, c: sp.Matrix = c, S: sp.Matrix = S, n: int = n) -> Any:
            return sum(S[k, i] * S[k, j] + c[k] * (fsym[k] * (delta(k, i) - fsym[i]) * (delta(k, j) - fsym[j])
                                                   - fsym[k] * fsym[i] * (delta(i, j) - fsym[j])) for k in range(n))

        H = sp.Matrix(n, n, entry)
        ch.add("symbolic-fixed-size", f"n = {n}, free symbols f, b",
               "sum_k [S_ki S_kj + c_k d^2 f_k] equals the claimed B",
                    matrix_is_zero(H - B_formula_sym(fsym, b)))


def _through_linear_map(ch: Checks) -> None:
    """Hess_x l(Ax) = A^T (Hess_y l) A with n, d symbolic: C2's index-sum step applied to each gradient entry."""
    n, d = sp.symbols("n d", integer=True, positive=True)
    i, j, l_, m, p = sp.symbols("i j l m p", integer=True, positive=True)
    A, x, H = (sp.IndexedBase(name, real=True) for name in ("A", "x", "H"))
    Ax = sp.Sum(A[m, p] * x[p], (p, 1, d))
    # the x-gradient entry j is sum_i A_ij G_i(Ax) (C2); to first order G_i(Ax) = sum_m H_im (Ax)_m + const, so the
    # derivative in x_l of that entry is the (j, l) entry of the x-Hessian
    entry = sp.Sum(A[i, j] * sp.Sum(H[i, m] * Ax, (m, 1, n)), (i, 1, n))
    hess_jl = canonical_sums(in_range(sp.diff(entry, x[l_]).doit(), {l_: d}))
    target = sp.Sum(sp.Sum(A[i, j] * H[i, m] * A[m, l_], (m, 1, n)), (i, 1, n))
    ch.step(("through y = Ax", r"\nabla^2_x = A^\top\nabla^2_y A"), "symbolic-general", "every n, d",
            "index sums with n, d symbolic: d/dx_l of the gradient entry sum_i A_ij G_i(Ax), with G linearized as "
            "sum_m H_im (Ax)_m, is sum_i sum_m A_ij H_im A_ml = (A^T H A)_jl: Hess_x [l(Ax) + ||WAx||^2/2] = "
            "A^T (Hess_y l + W^2) A", sp.expand(hess_jl - canonical_sums(target)) == 0,
            tex=r"\partial_{x_l}" + sp.latex(entry) + " = " + sp.latex(target),
            hypotheses=(by_claim("grad_x = A^T grad_y, regularizer gradient A^T W^2 A x", "C2"),
                        by_step("Hess_y l = B", "sum over k is B"),
                        assumption("the multivariate chain rule (calculus): H = Hess_y l at y = Ax")))


def verify(*, quick: bool = False) -> dict[str, Any]:
    """Run the checks of this claim (see the module docstring) and return its verdict dictionary."""
    del quick  # no sampled searches here
    ch = Checks()
    _entrywise_every_n(ch)
    _through_linear_map(ch)
    for idx, (detail, ok) in enumerate(split_steps()):
        names = [("split P^T diag(f∘q) P", r"B = P^\top\mathrm{diag}(f\circ q)P"),
                 ("quadratic form of B", r"v^\top Bv = \|Sv\|^2 + \sum_k f_k(c_k-\bar c)\tilde v_k^2"),
                 ("S is PSD", r"v^\top Sv = \sum_k f_k\tilde v_k^2")]
        if idx < len(names):
            ch.step((names[idx][0].replace("∘", "o"), names[idx][1]), "symbolic-general", SCOPE, detail, ok,
                    tex=names[idx][1], hypotheses=(by_step("B", "sum over k is B"),))
        else:
            ch.add("symbolic-general", SCOPE, detail, ok)
    lambdified = {}
    for n, d in ((2, 2), (3, 1)):
        o = objective_sym(n, d)
        x = o["x"]
        H = sp.Matrix(d, d, [to_u(sp.diff(o["L"], x[i], x[j]), o) for i in range(d) for j in range(d)])
        Bm = B_formula_sym(o["f"], o["b"])
        claim = o["A"].T * (Bm + sp.diag(*[wi**2 for wi in o["w"]])) * o["A"]
        ch.add("symbolic-fixed-size", f"(n, d) = ({n}, {d}), symbolic A, b, w, x",
               "d^2L/dx^2 - A^T(B + W^2)A cancels to 0", matrix_is_zero(H - claim))
    for n in (2, 3, 4):
        f = simplex_f_sym(n)
        b = sp.Matrix(sp.symbols(f"b1:{n + 1}", real=True))
        v = sp.Matrix(sp.symbols(f"v1:{n + 1}", real=True))
        Bm = B_formula_sym(f, b)
        D, Low = B_split_sym(f, b)
        c = f - b
        cbar = c.dot(f)
        P = sp.eye(n) - sp.ones(n, 1) * f.T
        vt = v - f.dot(v) * sp.ones(n, 1)
        S = sp.diag(*f) - f * f.T
        sc = f"n = {n}, f on the simplex (symbols), b, v free"
        ch.add("symbolic-fixed-size", sc, "B = P^T diag(f∘q) P", matrix_is_zero(Bm - P.T * D * P))
        ch.add("symbolic-fixed-size", sc, "B = diag(f∘q) + [<f,q> ff^T - (f∘q)f^T - f(f∘q)^T] (diagonal + rank <= 2)",
                    matrix_is_zero(Bm - D - Low))
        ch.add("symbolic-fixed-size", sc, "B 1 = 0", matrix_is_zero(Bm * sp.ones(n, 1)))
        quad = (v.T * Bm * v)[0]
        ident = (S * v).dot(S * v) + sum(f[i] * (c[i] - cbar) * vt[i] ** 2 for i in range(n))
        ch.add("symbolic-fixed-size", sc, "v^T B v = ||Sv||^2 + sum_i f_i (c_i - cbar) vt_i^2", is_zero(quad - ident))
        ch.add("symbolic-fixed-size", sc, "||Sv||^2 = sum f_i^2 vt_i^2 and v^T S v = sum f_i vt_i^2",
                    is_zero((S * v).dot(S * v) - sum(f[i] ** 2 * vt[i] ** 2 for i in range(n)))
                    and is_zero((v.T * S * v)[0] - sum(f[i] * vt[i] ** 2 for i in range(n))))
        if n == 3:
            fr = sp.Matrix(sp.symbols("f1:4", real=True))
            lambdified[n] = (fr, b, lambdify_flat([fr, b], B_formula_sym(fr, b)))

    rng = np.random.default_rng(303)
    fr, _b3, Bfn = lambdified[3]
    worst = 0.0
    for _ in range(20):
        y, b = rng.normal(0, 2, 3), rng.normal(size=3)
        p = zs.SoftmaxRegression(np.eye(3), b)
        Bsym = Bfn(zs.softmax(y), b)
        worst = max(worst, float(np.max(np.abs(Bsym - p.B(y)))))
    ch.add("numeric-search", "library float64, n = 3, 20 random (y, b)",
           f"library B == lambdified symbolic B at 20 random (y, b), max error <= {FLOAT_RTOL:.1e}",
               worst <= FLOAT_RTOL)
    worst_fd = 0.0
    for n in range(2, 9):
        p = zs.random_instance(n, n + 1, rng=rng, w=rng.uniform(0, 2), singular_values=rng.uniform(0.5, 3, n))
        x = rng.normal(size=n + 1)
        fd = np.column_stack([(p.gradient(x + FD_STEP * e) - p.gradient(x - FD_STEP * e)) / (2 * FD_STEP)
                              for e in np.eye(n + 1)])
        worst_fd = max(worst_fd, float(np.max(np.abs(fd - p.hessian(x)))))
    ch.add("numeric-search", "library float64, n = 2..8, d = n + 1, one random instance each",
           f"library hessian == central differences of the gradient, max error {worst_fd:.1e} "
               f"<= {FD_TOL:.0e} (h = {FD_STEP:g}, error O(h^2))", worst_fd <= FD_TOL)
    return result(
        id="C3", title="Hessian formula; B = diagonal + rank <= 2", provenance="[paper]",
        statement="Hess L = A^T (B(x) + W^2) A with B = S^2 + diag(c∘f) - (c∘f)f^T - f(c∘f)^T + 2<c,f> ff^T "
                  "- <c,f> diag(f); B splits into a low-rank part plus a diagonal part.",
        statement_tex=r"\nabla^2L = A^\top(B(x)+W^2)A,\ B = S^2 + \mathrm{diag}(c\circ f) - (c\circ f)f^\top - "
                      r"f(c\circ f)^\top + 2\langle c,f\rangle ff^\top - \langle c,f\rangle\mathrm{diag}(f)"
                      r" = \text{diagonal} + \text{rank} \le 2",
        title_tex=r"Hessian $A^\top(B+W^2)A$, $B$ diagonal plus rank $\le2$",
        checks=ch, correction=None,
        key_numbers={"low_rank_part_rank_at_most": 2, "max_err_B_vs_symbolic": worst, "max_err_fd": worst_fd},
        summary="symbolic for every n (entrywise); B = P^T diag(f∘q) P = diag + rank<=2",
    )
