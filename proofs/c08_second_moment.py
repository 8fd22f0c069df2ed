r"""C8 [MeZO]: MeZO's Lemma 2, :math:`E\|\hat g\|^2 = \frac{d+k-1}{k}\|\nabla L\|^2` (ε → 0). Exact factor
per distribution, and for which it holds.

Verified
--------
* Symbolic, general ``d`` and ``k``: the trace of C9's :math:`E[\hat g\hat g^\top]` gives
  :math:`\frac{d+k+1}{k}` (Gaussian, since :math:`E\|z\|^4 = d(d+2)`), :math:`\frac{d+k-1}{k}` (sphere and
  Rademacher, both with :math:`\|z\|^2 = d`). So MeZO's factor holds exactly for the sphere and Rademacher
  directions and is too small by :math:`2/k` for Gaussian ones.
* Symbolic, d <= 4: the trace of the entrywise fourth-moment matrix (C9) agrees.
* Numeric: the library's ``second_moment_factor`` equals the exact factor for d, k <= 12; an exact
  enumeration of the library estimator (Rademacher, d = 3, k = 1, 2) gives the factor to rounding.

Scope: symbolic for every d, k; enumeration d = 3.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import sympy as sp

import zosoftmax as zs

from ._common import FLOAT_RTOL, Checks, is_zero, result
from .c09_second_moment_matrix import DISTS, closed_form_sym, d_sym, fourth_moment_matrix_sym, k_sym

__all__ = ["factor_sym", "MEZO_FACTOR", "verify"]

MEZO_FACTOR = (d_sym + k_sym - 1) / k_sym


def factor_sym(distribution: str) -> Any:
    r"""Exact :math:`E\|\hat g\|^2/\|g\|^2` in ``d``, ``k``: trace of C9's matrix per unit :math:`\|g\|^2`.

    :math:`\mathrm{tr}\,E[zz^\top Gzz^\top] = (2 + d)\|g\|^2` times the sphere factor :math:`d/(d+2)`, or
    :math:`(d + 2 - 2)\|g\|^2` for Rademacher.
    """
    if distribution == "gaussian":
        fourth = 2 + d_sym
    elif distribution == "sphere":
        fourth = d_sym / (d_sym + 2) * (2 + d_sym)
    else:
        fourth = d_sym + 2 - 2  # tr(G) d + 2 tr(G) - 2 tr(diag G)
    return sp.simplify(fourth / k_sym + 1 - 1 / k_sym)


def verify() -> dict[str, Any]:
    """Run the checks of this claim (see the module docstring) and return its verdict dictionary."""
    ch = Checks()
    exact = {dist: factor_sym(dist) for dist in DISTS}
    ch.symbolic("Gaussian: E||g_hat||^2/||g||^2 = (d + k + 1)/k",
                is_zero(exact["gaussian"] - (d_sym + k_sym + 1) / k_sym))
    for dist in ("sphere", "rademacher"):
        ch.symbolic(f"{dist}: E||g_hat||^2/||g||^2 = (d + k - 1)/k = MeZO's factor", is_zero(exact[dist] - MEZO_FACTOR))
    ch.symbolic("Gaussian minus MeZO = 2/k (MeZO's factor does not hold for Gaussian directions)",
                is_zero(exact["gaussian"] - MEZO_FACTOR - 2 / k_sym))
    for d in range(1, 5):
        g = sp.Matrix(sp.symbols(f"g1:{d + 1}", real=True))
        gg = g.dot(g)
        for dist in DISTS:
            tr4 = fourth_moment_matrix_sym(g, dist).trace()
            ch.symbolic(f"d={d}, {dist}: trace of the enumerated/Isserlis matrix matches the factor",
                        is_zero(tr4 - (exact[dist].subs(k_sym, 1) * gg).subs(d_sym, d))
                        and is_zero(closed_form_sym(g, dist).trace() - tr4))
    ok = all(abs(zs.second_moment_factor(d, k, dist) - float(exact[dist].subs({d_sym: d, k_sym: k})))
             <= FLOAT_RTOL * float(exact[dist].subs({d_sym: d, k_sym: k}))
             for d in range(1, 13) for k in range(1, 13) for dist in DISTS)
    ch.numeric("library second_moment_factor == exact factor for d, k in 1..12, all distributions", ok)
    rng = np.random.default_rng(808)
    gv = rng.normal(size=3)
    Z = np.array(list(itertools.product((-1.0, 1.0), repeat=3)))
    measured = {}
    for k in (1, 2):
        vals = [float(np.sum(zs.spsa_gradient(lambda X: X @ gv, np.zeros(3), eps=0.5, directions=Z[list(ix)]) ** 2))
                for ix in itertools.product(range(len(Z)), repeat=k)]
        measured[k] = float(np.mean(vals)) / float(gv @ gv)
        ch.numeric(f"Rademacher d=3, k={k}: exact enumeration of the library estimator gives {measured[k]:.12f} = "
                   f"(d+k-1)/k = {(3 + k - 1) / k:.12f}", abs(measured[k] - (3 + k - 1) / k) <= FLOAT_RTOL * 10)
    return result(
        id="C8", title="E||g_hat||^2 factor (MeZO Lemma 2)", provenance="[MeZO]",
        statement="E||g_hat||^2 = (d + k - 1)/k ||grad L||^2 as eps -> 0 (MeZO's Lemma 2).",
        checks=ch, scope="symbolic for every d, k; entrywise d <= 4; library d, k <= 12; enumeration d = 3",
        verdict_if_ok="holds-with-correction",
        correction="(d + k - 1)/k holds exactly for sphere (radius sqrt d) and Rademacher directions; for Gaussian "
                   "directions the exact factor is (d + k + 1)/k, larger by 2/k (E||z||^4 = d(d+2) instead of d^2).",
        key_numbers={"gaussian": "(d+k+1)/k", "sphere": "(d+k-1)/k", "rademacher": "(d+k-1)/k",
                     "gaussian_minus_mezo": "2/k"},
        summary="(d+k−1)/k for sphere, Rademacher; Gaussian (d+k+1)/k",
    )
