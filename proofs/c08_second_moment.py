r"""C8 [MeZO]: MeZO's Lemma 2, :math:`E\|\hat g\|^2 = \frac{d+k-1}{k}\|\nabla L\|^2` (ε → 0).

Exact factor per distribution, and for which it holds.

Verified
--------
* Symbolic, every ``d`` and ``k`` (both symbols): the trace of C9's derived
  :math:`E[\hat g\hat g^\top] = \frac1k[m_{22}(2G + \mathrm{tr}(G)I) + (m_4 - 3m_{22})\mathrm{diag}(G)] +
  (1-\frac1k)m_2^2G` is :math:`\frac{(d+2)m_{22} + m_4 - 3m_{22}}{k} + (1-\frac1k)m_2^2` times
  :math:`\|g\|^2` (``tr I = d``, ``tr diag G = tr G``); with the derived moments of each law this is
  :math:`\frac{d+k+1}{k}` (Gaussian) and :math:`\frac{d+k-1}{k}` (sphere and Rademacher). So MeZO's factor
  holds exactly for the sphere and Rademacher directions and is too small by :math:`2/k` for Gaussian ones.
* Symbolic, d <= 4: the trace of the entrywise fourth-moment matrix (C9) agrees.
* Numeric: the library's ``second_moment_factor`` equals the derived factor for d, k <= 12; an exact
  enumeration of the library estimator (Rademacher, d = 3, k = 1, 2) gives the factor to rounding.

Scope: symbolic for every d, k; enumeration d = 3.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import sympy as sp

import zosoftmax as zs

from ._common import FLOAT_RTOL, Checks, by_claim, by_step, is_zero, result
from .c09_second_moment_matrix import DISTS, closed_form_sym, d_sym, fourth_moment_matrix_sym, k_sym, scalar_moments

__all__ = ["MEZO_FACTOR", "factor_sym", "verify"]

MEZO_FACTOR = (d_sym + k_sym - 1) / k_sym


def factor_sym(distribution: str) -> Any:
    r"""Exact :math:`E\|\hat g\|^2/\|g\|^2` in ``d``, ``k``.

    The trace of C9's matrix per unit :math:`\|g\|^2`, :math:`\frac{(d+2)m_{22} + m_4 - 3m_{22}}{k} + (1 -
    \frac1k)m_2^2` with the derived moments.
    """
    mom = scalar_moments(distribution)
    return sp.factor(((d_sym + 2) * mom["m22"] + mom["m4"] - 3 * mom["m22"]) / k_sym
                     + (1 - 1 / k_sym) * mom["m2"] ** 2)


def verify(*, quick: bool = False) -> dict[str, Any]:
    """Run the checks of this claim (see the module docstring) and return its verdict dictionary.

    ``quick`` is accepted for a uniform interface (no sampled searches here).
    """
    del quick
    ch = Checks()
    sc = "every d, k"
    m4, m22, m2, trG = sp.symbols("m4 m22 m2 trG", real=True)
    trace = (m22 * (2 * trG + d_sym * trG) + (m4 - 3 * m22) * trG) / k_sym + (1 - 1 / k_sym) * m2**2 * trG
    per = ((d_sym + 2) * m22 + m4 - 3 * m22) / k_sym + (1 - 1 / k_sym) * m2**2
    ch.step(("trace of C9's matrix", r"\mathrm{tr}\,E[\hat g\hat g^\top]"), "symbolic-general", sc,
            "tr E[g_hat g_hat^T] = [((d+2) m22 + m4 - 3 m22)/k + (1 - 1/k) m2^2] ||g||^2 "
            "(tr I = d, tr diag G = tr G = ||g||^2)", is_zero(trace / trG - per),
            tex=r"E\|\hat g\|^2/\|g\|^2 = " + sp.latex(per),
            hypotheses=(by_claim("E[g_hat g_hat^T] per law", "C9"),))
    exact = {dist: factor_sym(dist) for dist in DISTS}
    ch.step(("Gaussian factor", r"\tfrac{d+k+1}{k}"), "symbolic-general", sc,
            f"Gaussian: E||g_hat||^2/||g||^2 = {exact['gaussian']} = (d + k + 1)/k",
            is_zero(exact["gaussian"] - (d_sym + k_sym + 1) / k_sym),
            tex=r"\text{Gaussian: } " + sp.latex(sp.factor(exact["gaussian"])),
            hypotheses=(by_step("trace", "trace of C9's matrix"),))
    for dist in ("sphere", "rademacher"):
        ch.step((f"{dist} factor", rf"\text{{{dist}: }}\tfrac{{d+k-1}}{{k}}"), "symbolic-general", sc,
                f"{dist}: E||g_hat||^2/||g||^2 = {exact[dist]} = (d + k - 1)/k",
                is_zero(exact[dist] - MEZO_FACTOR), tex=rf"\text{{{dist}: }} " + sp.latex(sp.factor(exact[dist])),
                hypotheses=(by_step("trace", "trace of C9's matrix"),))
    for dist in ("sphere", "rademacher"):
        ch.finding("symbolic-general", sc, f"{dist}: E||g_hat||^2/||g||^2 = {exact[dist]} - MeZO's (d + k - 1)/k "
                   f"= {sp.simplify(exact[dist] - MEZO_FACTOR)}", deviates=not is_zero(exact[dist] - MEZO_FACTOR))
    ch.finding("symbolic-general", sc, f"Gaussian minus MeZO = {sp.simplify(exact['gaussian'] - MEZO_FACTOR)} "
               "(MeZO's factor does not hold for Gaussian directions)",
               deviates=not is_zero(exact["gaussian"] - MEZO_FACTOR))
    for d in range(1, 5):
        g = sp.Matrix(sp.symbols(f"g1:{d + 1}", real=True))
        gg = g.dot(g)
        ok = True
        for dist in DISTS:
            tr4 = fourth_moment_matrix_sym(g, dist).trace()
            ok &= is_zero(tr4 - (exact[dist].subs(k_sym, 1) * gg).subs(d_sym, d)) and is_zero(
                closed_form_sym(g, dist).trace() - tr4)
        ch.add("symbolic-fixed-size", f"d = {d}, symbolic g", "all distributions: the trace of the entrywise "
               "fourth-moment matrix (C9) matches the factor at k = 1", ok)
    ok = all(abs(zs.second_moment_factor(d, k, dist) - float(exact[dist].subs({d_sym: d, k_sym: k})))
             <= FLOAT_RTOL * float(exact[dist].subs({d_sym: d, k_sym: k}))
             for d in range(1, 13) for k in range(1, 13) for dist in DISTS)
    ch.add("numeric-search", "library float64, d, k in 1..12, all distributions",
           "library second_moment_factor == the derived factor", ok)
    rng = np.random.default_rng(808)
    gv = rng.normal(size=3)
    Z = np.array(list(itertools.product((-1.0, 1.0), repeat=3)))
    for k in (1, 2):
        vals = [float(np.sum(zs.spsa_gradient(lambda X: X @ gv, np.zeros(3), eps=0.5, directions=Z[list(ix)]) ** 2))
                for ix in itertools.product(range(len(Z)), repeat=k)]
        measured = float(np.mean(vals)) / float(gv @ gv)
        ch.add("exact-enumeration", f"Rademacher d = 3, k = {k}, all {len(vals)} k-tuples, library float64",
               f"exact average of the library estimator's ||g_hat||^2/||g||^2 = {measured:.12f} = (d+k-1)/k",
               abs(measured - (3 + k - 1) / k) <= FLOAT_RTOL * 10)
    return result(
        id="C8", title="E||g_hat||^2 factor (MeZO Lemma 2)", provenance="[MeZO]",
        statement="E||g_hat||^2 = (d + k - 1)/k ||grad L||^2 as eps -> 0 (MeZO's Lemma 2).",
        statement_tex=r"E\|\hat g\|^2 = \frac{d+k-1}{k}\|\nabla L\|^2 \quad (\varepsilon \to 0)",
        title_tex=r"$E\|\hat g\|^2=\frac{d+k-1}{k}\|\nabla L\|^2$",
        correction_tex=(r"$\frac{d+k-1}{k}$ holds exactly for sphere (radius $\sqrt d$) and Rademacher directions; for "
                        r"Gaussian directions the exact factor is $" + sp.latex(sp.factor(exact["gaussian"])) + r"$, "
                        r"larger by $2/k$ ($E\|z\|^4 = d(d+2)$ instead of $d^2$). Symbolic for every $d$ and $k$."),
        checks=ch,
        correction="(d + k - 1)/k holds exactly for sphere (radius sqrt d) and Rademacher directions; for Gaussian "
                   "directions the exact factor is (d + k + 1)/k, larger by 2/k (E||z||^4 = d(d+2) instead of d^2). "
                   "Symbolic for every d and k.",
        key_numbers={**{dist: str(exact[dist]) for dist in DISTS},
                     **{f"{dist}_tex": sp.latex(sp.factor(exact[dist])) for dist in DISTS},
                     "gaussian_minus_mezo": str(sp.simplify(exact["gaussian"] - MEZO_FACTOR))},
        summary="symbolic for every d, k: (d+k−1)/k for sphere, Rademacher; Gaussian (d+k+1)/k",
    )
