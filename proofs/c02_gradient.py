r"""C2 [paper]: the gradient :math:`\nabla L = A^\top(Sc) + A^\top\mathrm{diag}(w^2)Ax`.

Equivalently :math:`\nabla L = A^\top(f\circ c - \langle f,c\rangle f) + A^\top W^2 A x`.

Verified
--------
* Symbolic, explicit sizes (n, d) = (2, 1), (2, 2), (3, 2) with symbolic ``A``, ``b``, ``w``, ``x``: SymPy
  differentiates :math:`L` written with functions :math:`U_i(x)` obeying only
  :math:`\partial U_i/\partial x_j = A_{ij}U_i` (this characterizes :math:`e^{(Ax)_i}` up to a constant
  factor, to which ``f`` is blind), and the difference with the formula, after naming
  :math:`U_i = u_i > 0`, cancels to 0 exactly.
* Symbolic, every n: :math:`\partial f_i/\partial y_j = f_i(\delta_{ij} - f_j)` (i.e. the Jacobian is
  :math:`S`), with :math:`f_i = e^{y_i}/(e^{y_i} + e^{y_j} + R)` and the rest of the partition function
  :math:`R > 0` a symbol independent of :math:`y_i, y_j`; the chain rule then gives
  :math:`\nabla_y \tfrac12\|f-b\|^2 = S^\top c = Sc` and :math:`\nabla_x = A^\top\nabla_y`.
* Numeric: the library's ``gradient`` against the lambdified symbolic gradient and against the complex-step
  derivative of the library's ``loss_from_logits`` (exact to rounding), on random instances.

Scope: symbolic for every n (entrywise Jacobian and the chain rule reduced to per-index symbols) and explicitly
for n <= 3, d <= 2; numeric for n <= 8.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import sympy as sp

import zosoftmax as zs

from ._common import FLOAT_RTOL, Checks, assumption, by_step, canonical_sums, in_range, is_zero, lambdify_flat, result
from ._lemmas import c as ck
from ._lemmas import cbar, index_sum
from ._lemmas import f as fk

__all__ = ["gradient_formula_sym", "gradient_sym", "objective_sym", "to_u", "verify"]

COMPLEX_STEP = 1e-30  # complex step h: truncation O(h^2) is far below float64 rounding


def objective_sym(n: int, d: int) -> dict[str, Any]:
    r"""Symbols and the objective :math:`L` for sizes (n, d).

    Returns a dict with ``A`` (n x d), ``b``, ``w`` (n), ``x`` (d) SymPy matrices, ``y = Ax``, ``E`` the
    list of undefined functions :math:`U_i(x)` standing for :math:`e^{(Ax)_i}`, the positive symbols ``u``
    that replace them after differentiation, ``f`` (in terms of ``u``) and ``L`` (in terms of ``E``, to be
    differentiated in ``x``; :func:`to_u` then applies :math:`\partial U_i/\partial x_j = A_{ij}U_i`).
    """
    A = sp.Matrix(n, d, lambda i, j: sp.Symbol(f"a{i + 1}{j + 1}", real=True))
    b = sp.Matrix(sp.symbols(f"b1:{n + 1}", real=True))
    w = sp.Matrix(sp.symbols(f"w1:{n + 1}", real=True))
    x = sp.Matrix(sp.symbols(f"x1:{d + 1}", real=True))
    u = sp.Matrix(sp.symbols(f"u1:{n + 1}", positive=True))
    y = A * x
    E = [sp.Function(f"U{i + 1}")(*x) for i in range(n)]
    alpha = sum(E)
    fE = sp.Matrix([e / alpha for e in E])
    c = fE - b
    L = (c.dot(c) + sum((w[i] * y[i]) ** 2 for i in range(n))) / 2
    return {"A": A, "b": b, "w": w, "x": x, "y": y, "E": E, "u": u, "L": L,
            "f": sp.Matrix([ui / sum(u) for ui in u])}


def to_u(expr: Any, o: dict[str, Any]) -> Any:
    r"""Apply :math:`\partial U_i/\partial x_j = A_{ij}U_i` to every derivative of the :math:`U_i` in ``expr``.

    The rule is the derivative of :math:`e^{(Ax)_i}`; afterwards :math:`U_i` is named :math:`u_i`.
    """
    E, u, A, x = o["E"], o["u"], o["A"], list(o["x"])
    index = {e.func: i for i, e in enumerate(E)}

    def repl(der: sp.Derivative) -> Any:
        i = index[der.expr.func]
        factor = sp.Integer(1)
        for var, count in der.variable_count:
            factor *= A[i, x.index(var)] ** count
        return factor * der.expr

    expr = sp.sympify(expr).replace(lambda e: isinstance(e, sp.Derivative) and e.expr.func in index, repl)
    return expr.xreplace({e: ui for e, ui in zip(E, u, strict=True)})


def gradient_formula_sym(A: sp.Matrix, b: sp.Matrix, w: sp.Matrix, x: sp.Matrix, f: sp.Matrix) -> sp.Matrix:
    r"""The claimed gradient :math:`A^\top(f\circ c - \langle f,c\rangle f) + A^\top W^2 A x` (C2)."""
    c = f - b
    Sc = c.multiply_elementwise(f) - f.dot(c) * f
    return A.T * (Sc + sp.diag(*[wi**2 for wi in w]) * A * x)


def gradient_sym(n: int, d: int) -> tuple[dict[str, Any], sp.Matrix]:
    """Symbols of :func:`objective_sym` and the gradient obtained by differentiating ``L`` (in terms of ``u``)."""
    o = objective_sym(n, d)
    g = sp.Matrix([to_u(sp.diff(o["L"], xj), o) for xj in o["x"]])
    return o, g


def _jacobian_entry_checks(ch: Checks) -> None:
    yi, yj = sp.symbols("y_i y_j", real=True)
    R = sp.Symbol("R", positive=True)
    alpha = sp.exp(yi) + sp.exp(yj) + R
    fi, fj = sp.exp(yi) / alpha, sp.exp(yj) / alpha
    scope = "every n"  # the rest R > 0 of the partition function a symbol
    S = sp.Symbol("S")
    ch.step(("softmax Jacobian", r"\partial f/\partial y = S"), "symbolic-general", scope,
            "d f_i / d y_i = f_i (1 - f_i) and d f_i / d y_j = -f_i f_j (i != j): the "
           "Jacobian of softmax is S = diag(f) - f f^T",
           is_zero(sp.diff(fi, yi) - fi * (1 - fi)) and is_zero(sp.diff(fi, yj) + fi * fj),
           tex=sp.latex(sp.Eq(sp.Derivative(sp.Function("f")(sp.Symbol("y")), sp.Symbol("y")), S)) + r" = "
               r"\mathrm{diag}(f) - ff^\top", hypotheses=(assumption("the rest of the partition function R > 0"),))
    fi_, ci_ = sp.symbols("f_i c_i", real=True)
    dki, dkj, dij = sp.symbols("delta_ki delta_kj delta_ij", real=True)
    Sc_i = index_sum((fk * dki - fk * fi_) * ck, {fk: fi_, ck: ci_}, {}, {(1, 1): cbar, (1, 0): sp.Integer(1)},
                     dki, dkj, dij)
    ch.step(("S c", r"\nabla_y \tfrac12\|f-b\|^2 = Sc"), "symbolic-general", "every n",
            "chain rule: d/dy_i ||f - b||^2/2 = sum_k S_ki c_k = f_i c_i - "
           "<f,c> f_i, i.e. S c = f∘c - <f,c> f (sum over k reduced with sum f c = cbar); d/dx = A^T d/dy",
            is_zero(Sc_i - (fi_ * ci_ - cbar * fi_)), tex=r"(Sc)_i = " + sp.latex(fi_ * ci_ - cbar * fi_),
            hypotheses=(by_step("d f/d y = S", "softmax Jacobian"),))
    n, d = sp.symbols("n d", integer=True, positive=True)
    i, j, m = sp.symbols("i j m", integer=True, positive=True)
    A, x, w, g = (sp.IndexedBase(name, real=True) for name in ("A", "x", "w", "g"))
    Ax = sp.Sum(A[i, m] * x[m], (m, 1, d))
    lin = sp.Sum(g[i] * Ax, (i, 1, n))  # <g, Ax>: the first-order term of the loss in y = Ax
    reg = sp.Sum(w[i] ** 2 * Ax**2, (i, 1, n)) / 2
    grad_lin = canonical_sums(in_range(sp.diff(lin, x[j]).doit(), {j: d}))
    grad_reg = canonical_sums(in_range(sp.diff(reg, x[j]).doit(), {j: d}))
    ch.step(("through y = Ax", r"\nabla_x = A^\top\nabla_y"), "symbolic-general", "every n, d",
            "index sums with n, d symbolic: d/dx_j <g, Ax> = sum_i A_ij g_i (so grad_x = A^T grad_y by the chain "
            "rule) and d/dx_j ||W A x||^2/2 = sum_i A_ij w_i^2 (Ax)_i = (A^T W^2 A x)_j",
            sp.expand(grad_lin - canonical_sums(sp.Sum(A[i, j] * g[i], (i, 1, n)))) == 0
            and sp.expand(grad_reg - canonical_sums(sp.Sum(A[i, j] * w[i] ** 2 * Ax, (i, 1, n)))) == 0,
            tex=r"\partial_{x_j}" + sp.latex(reg) + " = " + sp.latex(sp.Sum(A[i, j] * w[i] ** 2 * Ax, (i, 1, n))),
            hypotheses=(by_step("grad_y = S c", "S c"), assumption("the multivariate chain rule (calculus)")))


def verify(*, quick: bool = False) -> dict[str, Any]:
    """Run the checks of this claim (see the module docstring) and return its verdict dictionary."""
    del quick  # no sampled searches here
    ch = Checks()
    _jacobian_entry_checks(ch)
    lambdified = {}
    for n, d in ((2, 1), (2, 2), (3, 2)):
        o, g = gradient_sym(n, d)
        formula = gradient_formula_sym(o["A"], o["b"], o["w"], o["x"], o["f"])
        ch.add("symbolic-fixed-size", f"(n, d) = ({n}, {d}), symbolic A, b, w, x",
               "dL/dx - A^T(f∘c - <f,c> f) - A^T W^2 A x cancels to 0",
                    all(is_zero(e) for e in g - formula))
        lambdified[(n, d)] = (o, lambdify_flat([o["A"], o["b"], o["w"], o["x"], o["u"]], g))

    rng = np.random.default_rng(202)
    worst = 0.0
    for (n, d), (_, fn) in lambdified.items():
        for _ in range(5):
            A, b, w, x = rng.normal(size=(n, d)), rng.dirichlet(np.ones(n)), rng.uniform(0, 2, n), rng.normal(size=d)
            p = zs.SoftmaxRegression(A, b, w)
            u = np.exp(A @ x)
            sym = fn(A, b, w, x, u).ravel()
            err = np.max(np.abs(sym - p.gradient(x))) / max(1.0, np.max(np.abs(sym)))
            worst = max(worst, err)
    ch.add("numeric-search", "library float64, (n, d) in {(2,1),(2,2),(3,2)}, 15 random points",
           f"library gradient == lambdified symbolic gradient, rel. error <= {FLOAT_RTOL:.1e}",
               worst <= FLOAT_RTOL)
    worst_cs = 0.0
    for n in range(2, 9):
        d = n + 1
        p = zs.random_instance(n, d, rng=rng, w=rng.uniform(0, 2))
        x = rng.normal(size=d)
        cs = np.array([p.loss_from_logits(p.A @ (x + 1j * COMPLEX_STEP * e)).imag / COMPLEX_STEP
                       for e in np.eye(d)])
        err = np.max(np.abs(cs - p.gradient(x))) / max(1.0, np.max(np.abs(cs)))
        worst_cs = max(worst_cs, err)
    ch.add("numeric-search", "library float64, n = 2..8, d = n + 1, one random instance each",
           f"library gradient == complex-step derivative of the loss, rel. error <= {FLOAT_RTOL:.1e}",
               worst_cs <= FLOAT_RTOL)
    return result(
        id="C2", title="Gradient formula", provenance="[paper]",
        statement="grad L = A^T (S c) + A^T diag(w^2) A x = A^T (f∘c - <f,c> f) + A^T W^2 A x.",
        statement_tex=r"\nabla L = A^\top(Sc) + A^\top W^2Ax = A^\top(f\circ c - \langle f,c\rangle f) + A^\top W^2Ax",
        title_tex=r"Gradient $\nabla L=A^\top(Sc+W^2Ax)$",
        checks=ch, correction=None,
        key_numbers={"max_rel_err_vs_symbolic": worst, "max_rel_err_vs_complex_step": worst_cs},
        summary=f"symbolic for every n (entrywise), explicit n<=3, d<=2; lib err <= {FLOAT_RTOL:.0e}",
    )
