r"""C9 [derived]: the full second-moment matrix :math:`E[\hat g\hat g^\top]` (ε → 0), exact, per distribution.

Verified
--------
* Symbolic fourth moments :math:`E[z_az_bz_cz_e]` (d = 1..4 entrywise, and in ``d`` where it enters):
  Gaussian by Isserlis :math:`\delta_{ab}\delta_{ce} + \delta_{ac}\delta_{be} + \delta_{ae}\delta_{bc}`;
  sphere of radius :math:`\sqrt d` from the Gaussian ones through the independence of :math:`\|g\|` and
  :math:`g/\|g\|`: :math:`E\|g\|^4 = d(d+2)` so :math:`E[z_az_bz_cz_e] = \frac{d}{d+2}\cdot\text{Isserlis}`
  (:math:`Ez_i^4 = 3d/(d+2)`, :math:`Ez_i^2z_j^2 = d/(d+2)`); Rademacher by exact enumeration of all
  :math:`2^d` sign vectors, equal to the pairing formula Isserlis :math:`- 2\delta_{abce}`.
* Symbolic: :math:`E[zz^\top Gzz^\top]` with :math:`G = gg^\top` (symbolic ``g``) equals
  :math:`2G + \mathrm{tr}(G)I` (Gaussian), :math:`\frac{d}{d+2}(2G + \mathrm{tr}(G)I)` (sphere),
  :math:`\mathrm{tr}(G)I + 2G - 2\,\mathrm{diag}(G)` (Rademacher); second moments :math:`E[zz^\top] = I`;
  hence :math:`E[\hat g\hat g^\top] = \frac1k E[zz^\top Gzz^\top] + (1-\frac1k)G`, checked for k = 2, 3 by
  exact enumeration of all Rademacher k-tuples (d = 2).
* Numeric: the library's ``second_moment_matrix`` equals the exact average of :math:`\hat g\hat g^\top` of the
  library's ``spsa_gradient`` over all Rademacher k-tuples (d = 3, k = 2; a linear loss, where the central
  scheme is exact at every ε).

Scope: symbolic for d <= 4 entrywise (and the factors in general d); numeric d = 3.
"""

from __future__ import annotations

import itertools
from functools import cache
from typing import Any

import numpy as np
import sympy as sp

import zosoftmax as zs

from ._common import FLOAT_RTOL, Checks, is_zero, matrix_is_zero, result

__all__ = ["DISTS", "fourth_moment", "fourth_moment_matrix_sym", "closed_form_sym", "second_moment_matrix_sym",
           "verify"]

DISTS = ("gaussian", "sphere", "rademacher")
d_sym = sp.Symbol("d", positive=True, integer=True)
k_sym = sp.Symbol("k", positive=True, integer=True)


def _isserlis(a: int, b: int, c: int, e: int) -> int:
    return int(a == b and c == e) + int(a == c and b == e) + int(a == e and b == c)


def sphere_factor_sym() -> Any:
    r""":math:`d^2/E\|g\|^4` with :math:`E\|g\|^4 = \sum_{i,j}E g_i^2g_j^2 = 3d + d(d-1)` (Isserlis)."""
    return d_sym**2 / (3 * d_sym + d_sym * (d_sym - 1))


@cache
def fourth_moment(d: int, distribution: str) -> dict[tuple[int, int, int, int], Any]:
    """Exact :math:`E[z_az_bz_cz_e]` for all index quadruples (dict), per distribution."""
    idx = list(itertools.product(range(d), repeat=4))
    if distribution == "gaussian":
        return {q: sp.Integer(_isserlis(*q)) for q in idx}
    if distribution == "sphere":
        fac = sphere_factor_sym().subs(d_sym, d)
        return {q: fac * _isserlis(*q) for q in idx}
    signs = list(itertools.product((-1, 1), repeat=d))
    return {q: sp.Rational(sum(s[q[0]] * s[q[1]] * s[q[2]] * s[q[3]] for s in signs), len(signs)) for q in idx}


def fourth_moment_matrix_sym(g: sp.Matrix, distribution: str) -> sp.Matrix:
    r""":math:`E[zz^\top Gzz^\top]_{ab} = \sum_{c,e}E[z_az_cz_ez_b]\,g_cg_e` from the exact fourth moments."""
    d = g.shape[0]
    M4 = fourth_moment(d, distribution)
    return sp.Matrix(d, d, lambda a, b: sum(M4[(a, c, e, b)] * g[c] * g[e] for c in range(d) for e in range(d)))


def closed_form_sym(g: sp.Matrix, distribution: str, d: Any = None) -> sp.Matrix:
    r"""The closed forms of :math:`E[zz^\top Gzz^\top]` (``d`` defaults to ``len(g)``)."""
    n = g.shape[0]
    d = n if d is None else d
    G = g * g.T
    tr = g.dot(g)
    if distribution == "gaussian":
        return 2 * G + tr * sp.eye(n)
    if distribution == "sphere":
        return sphere_factor_sym().subs(d_sym, d) * (2 * G + tr * sp.eye(n))
    return tr * sp.eye(n) + 2 * G - 2 * sp.diag(*[gi**2 for gi in g])


def second_moment_matrix_sym(g: sp.Matrix, distribution: str, k: Any = k_sym) -> sp.Matrix:
    r""":math:`E[\hat g\hat g^\top] = \frac1k E[zz^\top Gzz^\top] + (1-\frac1k)G` (C9)."""
    return closed_form_sym(g, distribution) / k + (1 - sp.Integer(1) / k) * g * g.T


def verify() -> dict[str, Any]:
    """Run the checks of this claim (see the module docstring) and return its verdict dictionary."""
    ch = Checks()
    ch.symbolic("sphere: E||g||^4 = d(d+2), so E z_i^4 = 3 d/(d+2) and E z_i^2 z_j^2 = d/(d+2) (radius sqrt d)",
                is_zero(sphere_factor_sym() - d_sym / (d_sym + 2)))
    for d in range(1, 5):
        M4r = fourth_moment(d, "rademacher")
        ch.symbolic(f"d={d}: Rademacher fourth moments (enumerated) = Isserlis - 2 delta_abce (pairing argument)",
                    all(M4r[q] == _isserlis(*q) - 2 * int(len(set(q)) == 1) for q in M4r))
        signs = list(itertools.product((-1, 1), repeat=d))
        ch.symbolic(f"d={d}: E[z z^T] = I (Rademacher enumerated; Gaussian: delta_ab; sphere: d * delta_ab / d)",
                    all(sp.Rational(sum(s[a] * s[b] for s in signs), len(signs)) == int(a == b)
                        for a in range(d) for b in range(d)))
        g = sp.Matrix(sp.symbols(f"g1:{d + 1}", real=True))
        for dist in DISTS:
            ch.symbolic(f"d={d}, {dist}: E[z z^T G z z^T] equals its closed form",
                        matrix_is_zero(fourth_moment_matrix_sym(g, dist) - closed_form_sym(g, dist)))
    d = 2
    g = sp.Matrix(sp.symbols("g1:3", real=True))
    signs = [sp.Matrix(s) for s in itertools.product((-1, 1), repeat=d)]
    for k in (2, 3):
        tuples = list(itertools.product(signs, repeat=k))
        acc = sp.zeros(d, d)
        for zs_ in tuples:
            gh = sum((z * z.T * g for z in zs_), sp.zeros(d, 1)) / k
            acc += gh * gh.T
        ch.symbolic(f"Rademacher d=2, k={k}: exact average of g_hat g_hat^T over all {len(tuples)} k-tuples = "
                    "(1/k) E[zz^T G zz^T] + (1 - 1/k) G",
                    matrix_is_zero(acc / len(tuples) - second_moment_matrix_sym(g, "rademacher", k)))
    rng = np.random.default_rng(909)
    d, k = 3, 2
    gv = rng.normal(size=d)
    Zall = np.array(list(itertools.product((-1.0, 1.0), repeat=d)))
    acc = np.zeros((d, d))
    count = 0
    for i1, i2 in itertools.product(range(len(Zall)), repeat=2):
        gh = zs.spsa_gradient(lambda X: X @ gv, np.zeros(d), eps=0.5, directions=Zall[[i1, i2]])
        acc += np.outer(gh, gh)
        count += 1
    err = float(np.max(np.abs(acc / count - zs.second_moment_matrix(gv, k, "rademacher"))))
    ch.numeric(f"library second_moment_matrix == exact average over all {count} Rademacher 2-tuples of the library "
               f"estimator (d = 3, linear loss), error {err:.1e}", err <= FLOAT_RTOL * float(gv @ gv) * d)
    return result(
        id="C9", title="Exact E[g_hat g_hat^T] per distribution", provenance="[derived]",
        statement="E[g_hat g_hat^T] (eps -> 0) exactly, per distribution: (1/k) E[zz^T G zz^T] + (1 - 1/k) G with "
                  "G = gg^T and E[zz^T G zz^T] = 2G + tr(G) I (Gaussian), d/(d+2) (2G + tr(G) I) (sphere), "
                  "tr(G) I + 2G - 2 diag(G) (Rademacher).",
        checks=ch, scope="symbolic for d <= 4 entrywise (sphere factor in general d), k-direction formula by "
                         "enumeration for d = 2, k <= 3; numeric d = 3",
        verdict_if_ok="holds", correction=None,
        key_numbers={"sphere_factor": "d/(d+2)", "rademacher_correction": "-2 diag(G)/k"},
        summary="Gauss 2G+trG·I; sphere d/(d+2)(2G+trG·I); Rad. trG·I+2G−2diag G",
    )
