r"""C14 [derived]: one attention head is softmax regression with many rows, and its :math:`H_0` is a Kronecker product.

Claim. With query inputs :math:`\tilde h_i` (rows of :math:`\tilde H`, m x D), keys :math:`k_j` (rows of ``K``, n x p)
and scale ``s``, the attention of query ``i`` is :math:`\mathrm{softmax}(A_ix)` with :math:`x = \mathrm{vec}(\tilde W)`
and :math:`(A_i)_j = s(k_j\otimes\tilde h_i)`, and without a regularizer

.. math:: H_0 = \sum_i \beta^+_i A_i^\top A_i = s^2\,(K^\top K)\otimes(\tilde H^\top\mathrm{diag}(\beta^+)\tilde H),

so :math:`\ell = \|H_0\| = s^2\|K\|^2\|\tilde H^\top\mathrm{diag}(\beta^+)\tilde H\|` and
:math:`r(H_0) = r(K^\top K)\,r(\tilde H^\top\mathrm{diag}(\beta^+)\tilde H)` (with a common :math:`\beta^+`:
:math:`\beta^+ s^2 (K^\top K)\otimes(\tilde H^\top\tilde H)`, issue 18's form). Every Gram matrix and Hessian of the
head lives on :math:`\mathrm{range}(K^\top)\otimes\mathrm{span}(\tilde h_i)`.

Steps, in order, and what carries each:

1. The stacked rows, ordered (j, i), are :math:`J = s(K\otimes\tilde H)`: row (j, i) of :math:`K\otimes\tilde H` is
   :math:`k_j^\top\otimes\tilde h_i^\top` by the definition of :math:`\otimes`; the library's rows agree
   (numeric-search: its dense rows against ``numpy.kron``). The order of the rows does not change
   :math:`J^\top DJ` (a sum over rows).
2. :math:`J^\top(I_n\otimes D_\beta)J = s^2(K^\top K)\otimes(\tilde H^\top D_\beta\tilde H)`: the mixed-product rule,
   exact SymPy with matrix symbols of symbolic sizes n, m, p, D (symbolic-general).
3. Spectrum: :math:`X = U\Lambda U^\top`, :math:`Y = VMV^\top` give :math:`X\otimes Y = (U\otimes V)(\Lambda\otimes
   M)(U\otimes V)^\top` with :math:`(U\otimes V)^\top(U\otimes V) = I`: mixed-product rule, symbolic sizes
   (symbolic-general); :math:`\Lambda\otimes M` is diagonal with entries :math:`\lambda_a\mu_c` (definition), so the
   eigenvalues are the products and, for PSD factors, :math:`\|X\otimes Y\| = \|X\|\|Y\|`.
4. :math:`\mathrm{tr}(X\otimes Y) = \mathrm{tr}X\,\mathrm{tr}Y` (symbolic-general), hence the product of effective
   ranks (algebra on step 3's norms).
5. The subspace: :math:`(P_K\otimes P_H)(C\otimes\tilde h\tilde h^\top)(P_K\otimes P_H) = (P_KCP_K)\otimes
   (P_H\tilde h\tilde h^\top P_H)` (mixed product, symbolic-general), equal to :math:`C\otimes\tilde h\tilde h^\top`
   for :math:`C = K^\top MK` since :math:`P_KK^\top = K^\top` and :math:`P_H\tilde h_i = \tilde h_i`.
6. The library computes what steps 2-4 say: ``upper_spectrum``, ``smoothness_bound`` and ``effective_rank`` of small
   random heads against the eigenvalues of the dense sum :math:`\sum_i\beta^+_iA_i^\top A_i` (numeric-search), and,
   with the ``[attention]`` extra, on every head of the pretrained model: :math:`\ell` from the Kronecker factors
   against ARPACK on the matrix-free operator :math:`v\mapsto\sum_iA_i^\top\beta^+_iA_iv` (logits and pullback only)
   and :math:`\mathrm{tr}H_0 = \sum_{ij}\beta^+_i\|(A_i)_j\|^2` from the rows' norms.

Scope: the identity for every size (steps 2-5); the library at the sizes checked.
"""

from __future__ import annotations

import importlib.util
from typing import Any

import numpy as np
import scipy.sparse.linalg
import sympy as sp
from sympy.matrices.expressions.kronecker import KroneckerProduct, combine_kronecker

import zosoftmax as zs

from ._common import FLOAT_RTOL, Checks, assumption, by_step, result

__all__ = ["head_upper_bound_sym", "verify"]

n, m, p, D = sp.symbols("n m p D", positive=True, integer=True)
K = sp.MatrixSymbol("K", n, p)
Ht = sp.MatrixSymbol("H", m, D)
Dbeta = sp.MatrixSymbol("D_beta", m, m)


def head_upper_bound_sym() -> Any:
    r""":math:`J^\top(I_n\otimes D_\beta)J/s^2` with :math:`J/s = K\otimes\tilde H`, as a matrix expression."""
    J = KroneckerProduct(K, Ht)
    return J.T * KroneckerProduct(sp.Identity(n), Dbeta) * J


def _same(a: Any, b: Any) -> bool:
    """Exact equality of two matrix expressions after the mixed-product rule (SymPy)."""
    return bool(sp.simplify(combine_kronecker(a) - b) == sp.ZeroMatrix(*sp.sympify(b).shape))


def _random_head(seed: int) -> zs.AttentionRegression:
    rng = np.random.default_rng(seed)
    mm, nn, pp, DD = rng.integers(1, 5), rng.integers(2, 6), rng.integers(1, 4), rng.integers(1, 5)
    b = zs.softmax(rng.standard_normal((mm, nn)) * 2)
    if seed % 2:  # ball targets on half of them: another beta+ per row
        b = rng.standard_normal((mm, nn))
        b /= np.maximum(1.0, np.linalg.norm(b, axis=1, keepdims=True))
    return zs.AttentionRegression.from_factors(rng.standard_normal((mm, DD)), rng.standard_normal((nn, pp)), b,
                                               scale=float(rng.uniform(0.2, 1.5)))


def _real_heads(ch: Checks) -> dict[str, Any]:
    """Step 6 on every head of the pretrained model (only with the extra); returns the range of r(H0)."""
    if importlib.util.find_spec("transformers") is None or importlib.util.find_spec("torch") is None:
        return {"real_heads": "not checked: the [attention] extra is not installed"}
    fwd = zs.run_model()
    worst_ell, worst_tr, ranks = 0.0, 0.0, []
    for layer in range(fwd.num_layers):
        for head in range(fwd.num_heads):
            hp, _ = zs.attention_head(layer, head, model=fwd)
            beta = zs.row_beta_constants(hp)[0]
            op = scipy.sparse.linalg.LinearOperator(
                (hp.d, hp.d), dtype=np.float64,
                matvec=lambda v, hp=hp, beta=beta: hp.pullback(beta[:, None] * hp.logits(np.ravel(v))))
            ell_arpack = float(scipy.sparse.linalg.eigsh(op, k=1, which="LA", tol=1e-12, v0=np.ones(hp.d),
                                                         return_eigenvectors=False)[0])
            row_norms = np.outer(np.sum(hp.queries**2, axis=1), np.sum(hp.scaled_keys**2, axis=1))  # ‖(A_i)_j‖²
            trace = float(np.sum(beta[:, None] * row_norms))
            ell = zs.smoothness_bound(hp)
            r = zs.effective_rank(hp)
            worst_ell = max(worst_ell, abs(ell - ell_arpack) / ell_arpack)
            worst_tr = max(worst_tr, abs(r * ell - trace) / trace)
            ranks.append(r)
    # ARPACK's tol 1e-12 is relative to the eigenvalue; the trace is a sum of positive terms (relative rounding
    # ~ d eps): 1e-9 leaves orders of margin and still fails on any wrong factor
    ch.add("numeric-search", f"all {len(ranks)} heads of all-MiniLM-L6-v2 on the default text (d = {hp.d})",
           "l from the Kronecker factors = ARPACK on the matrix-free H0, and r(H0) l = tr H0 from the rows' norms, "
           "to a relative 1e-9",
           worst_ell <= 1e-9 and worst_tr <= 1e-9)
    return {"real_heads": len(ranks), "r_H0_min": min(ranks), "r_H0_max": max(ranks), "d": hp.d}


def verify(*, quick: bool = False) -> dict[str, Any]:
    """Run the checks of this claim (see the module docstring) and return its verdict dictionary."""
    ch = Checks()
    # step 1: the library's dense rows are s (k_j ⊗ h~_i)
    heads = [_random_head(seed) for seed in range(20)]
    ok_rows = all(np.allclose(h.A[i, j], h.scale * np.kron(h.keys[j], h.queries[i]), rtol=FLOAT_RTOL, atol=0)
                  for h in heads for i in range(h.m) for j in range(h.n))
    ch.add("numeric-search", "library, 20 random heads (m, n, p, D at most 4, 5, 3, 4)",
           "the dense rows A_i[j] of AttentionRegression are s kron(k_j, h~_i) (x = vec(W~) row-major)", ok_rows)
    stacked = assumption("the stacked rows in (j, i) order are J = s (K kron H~), i.e. (A_i)_j = s (k_j kron h~_i)")
    sc = ("every n, m, p, D (matrix symbols)", r"every $n, m, p, D$")
    # step 2
    ch.step(("H0 = (KtK) kron (HtDH)", r"H_0 = s^2 (K^\top K)\otimes(\tilde H^\top D_\beta\tilde H)"),
            "symbolic-general", sc,
            "(K ⊗ H~)ᵀ (I_n ⊗ D_beta)(K ⊗ H~) = (KᵀK) ⊗ (H~ᵀ D_beta H~) (mixed-product rule)",
            _same(head_upper_bound_sym(), KroneckerProduct(K.T * K, Ht.T * Dbeta * Ht)),
            tex=r"(K\otimes\tilde H)^\top(I_n\otimes D_\beta)(K\otimes\tilde H) = (K^\top K)\otimes(\tilde H^\top "
                r"D_\beta\tilde H)", hypotheses=(stacked,))
    # step 3
    U, V = sp.MatrixSymbol("U", p, p), sp.MatrixSymbol("V", D, D)
    Lam, Mu = sp.MatrixSymbol("Lambda", p, p), sp.MatrixSymbol("M", D, D)
    UV = KroneckerProduct(U, V)
    orth = combine_kronecker(UV.T * UV).subs({U.T * U: sp.Identity(p), V.T * V: sp.Identity(D)})
    ch.step(("spectrum of a Kronecker product", r"\lambda(X\otimes Y) = \{\lambda_a\mu_c\}"), "symbolic-general",
            ("every p, D (matrix symbols)", r"every $p, D$"),
            "X ⊗ Y = (U ⊗ V)(Λ ⊗ M)(U ⊗ V)ᵀ for X = UΛUᵀ, Y = VMVᵀ, and (U ⊗ V)ᵀ(U ⊗ V) = I when U, V are orthogonal: "
            "the eigenvalues of X ⊗ Y are the products λ_a μ_c, so ||X ⊗ Y|| = ||X|| ||Y|| for PSD factors",
            _same(UV * KroneckerProduct(Lam, Mu) * UV.T, KroneckerProduct(U * Lam * U.T, V * Mu * V.T))
            and sp.simplify(orth.doit() - sp.Identity(p * D)) == sp.ZeroMatrix(p * D, p * D),
            tex=r"X\otimes Y = (U\otimes V)(\Lambda\otimes M)(U\otimes V)^\top,\ (U\otimes V)^\top(U\otimes V) = I")
    # step 4
    X, Y = sp.MatrixSymbol("X", p, p), sp.MatrixSymbol("Y", D, D)
    ch.step(("trace of a Kronecker product", r"\mathrm{tr}(X\otimes Y) = \mathrm{tr}X\,\mathrm{tr}Y"),
            "symbolic-general", ("every p, D (matrix symbols)", r"every $p, D$"),
            "tr(X ⊗ Y) = tr X tr Y, so with step 3 r(X ⊗ Y) = r(X) r(Y)",
            sp.simplify(sp.trace(KroneckerProduct(X, Y)) - sp.trace(X) * sp.trace(Y)) == 0,
            tex=r"\mathrm{tr}(X\otimes Y) = \mathrm{tr}X\,\mathrm{tr}Y,\quad r(X\otimes Y) = r(X)\,r(Y)",
            hypotheses=(by_step("norm of X kron Y", "spectrum of a Kronecker product"),))
    # step 5
    PK, PH, C, h = (sp.MatrixSymbol("P_K", p, p), sp.MatrixSymbol("P_H", D, D), sp.MatrixSymbol("C", p, p),
                    sp.MatrixSymbol("h", D, 1))
    PP = KroneckerProduct(PK, PH)
    ch.step(("subspace range(Kt) kron span(h)", r"\mathrm{range}(K^\top)\otimes\mathrm{span}(\tilde h_i)"),
            "symbolic-general", ("every p, D (matrix symbols)", r"every $p, D$"),
            "(P_K ⊗ P_H)(C ⊗ hhᵀ)(P_K ⊗ P_H) = (P_K C P_K) ⊗ (P_H h hᵀ P_H) = C ⊗ hhᵀ for C = KᵀMK (P_K Kᵀ = Kᵀ, "
            "P_H h~_i = h~_i): every Gram matrix and Hessian lives on range(Kᵀ) ⊗ span(h~_i)",
            _same(PP * KroneckerProduct(C, h * h.T) * PP, KroneckerProduct(PK * C * PK, PH * h * h.T * PH)),
            tex=r"(P_K\otimes P_H)(C\otimes \tilde h\tilde h^\top)(P_K\otimes P_H) = (P_KCP_K)\otimes(P_H\tilde h"
                r"\tilde h^\top P_H)", hypotheses=(stacked,))
    # step 6: the library against the dense sum
    worst = 0.0
    for hd in heads:
        beta = zs.row_beta_constants(hd)[0]
        dense = sum(beta[i] * hd.A[i].T @ hd.A[i] for i in range(hd.m))
        lam = np.linalg.eigvalsh(dense)
        scale = max(float(lam[-1]), 1e-300)
        worst = max(worst, float(np.max(np.abs(zs.upper_spectrum(hd) - lam))) / scale,
                    abs(zs.smoothness_bound(hd) - float(lam[-1])) / scale,
                    abs(zs.effective_rank(hd) * float(lam[-1]) - float(np.sum(lam))) / float(np.sum(lam)))
    ch.add("numeric-search", "library, 20 random heads (simplex and ball targets)",
           "upper_spectrum, smoothness_bound and effective_rank (Kronecker factors) = the dense sum Σ β⁺_i A_iᵀA_i's "
           "eigenvalues to a relative 1e-10 (eigvalsh's backward error at these sizes)",
           worst <= 1e-10)
    numbers = {} if quick else _real_heads(ch)
    return result(
        id="C14", title="An attention head is softmax regression; its H0 is a Kronecker product",
        provenance="[derived]",
        statement="One head's attention is softmax(A_i x) with (A_i)_j = s (k_j ⊗ h~_i) and x = vec([W_Q | b_Q]); "
                  "without a regularizer H0 = s^2 (KᵀK) ⊗ (H~ᵀ diag(beta+) H~), so l = s^2 ||K||^2 ||H~ᵀ diag(beta+) "
                  "H~|| and r(H0) = r(KᵀK) r(H~ᵀ diag(beta+) H~); every Gram matrix and Hessian lives on range(Kᵀ) ⊗ "
                  "span(h~_i).",
        statement_tex=r"(A_i)_j = s\,(k_j\otimes\tilde h_i),\quad H_0 = s^2(K^\top K)\otimes(\tilde H^\top"
                      r"\mathrm{diag}(\beta^+)\tilde H),\quad r(H_0) = r(K^\top K)\,r(\tilde H^\top\mathrm{diag}"
                      r"(\beta^+)\tilde H)",
        title_tex=r"An attention head: $H_0 = s^2(K^\top K)\otimes(\tilde H^\top\mathrm{diag}(\beta^+)\tilde H)$",
        checks=ch, correction=None, key_numbers=numbers,
        summary="H0 of a head = s^2 (KᵀK) ⊗ (H~ᵀ diag(beta+) H~): l and r(H0) from two small factors",
    )
