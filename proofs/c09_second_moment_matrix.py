r"""C9 [derived]: the full second-moment matrix :math:`E[\hat g\hat g^\top]` (ε → 0), exact, per distribution.

Verified
--------
* Symbolic, every ``d`` (``d`` a symbol): the scalar moments :math:`m_2 = Ez_1^2`, :math:`m_4 = Ez_1^4`,
  :math:`m_{22} = Ez_1^2z_2^2` are *derived*, not typed in: Gaussian from the moment generating function
  :math:`e^{t^2/2}` and independence; Rademacher from the two-point law :math:`\pm1` and independence; sphere
  of radius :math:`\sqrt d` from :math:`z = \sqrt d\,g/\|g\|` with ``g`` Gaussian, the independence of
  :math:`\|g\|` and :math:`g/\|g\|` (so :math:`E[g_1^4] = E\|g\|^4\,E[u_1^4]`) and the chi-square moments
  :math:`E\|g\|^2 = d`, :math:`E\|g\|^4 = d(d+2)` from the MGF :math:`(1-2t)^{-d/2}` with ``d`` symbolic.
* Symbolic, every ``d`` (pairing count): for an exchangeable, sign-symmetric law (all three), each of the 15
  equality patterns of four indices gives :math:`E[z_az_bz_cz_e] = m_{22}(\delta_{ab}\delta_{ce} +
  \delta_{ac}\delta_{be} + \delta_{ae}\delta_{bc}) + (m_4 - 3m_{22})\delta_{abce}`; contracting the deltas
  gives :math:`E[zz^\top Gzz^\top] = m_{22}(2G + \mathrm{tr}(G)I) + (m_4 - 3m_{22})\mathrm{diag}(G)`, and
  counting the ``k^2`` pairs of directions (``k`` equal, ``k(k-1)`` independent) gives
  :math:`E[\hat g\hat g^\top] = \frac1k E[zz^\top Gzz^\top] + (1-\frac1k)m_2^2G`.
* Symbolic, fixed d (independent of the above): Gaussian fourth moments from the d-variate MGF
  (d <= 3); sphere moments by exact integration over the circle (d = 2) and the sphere (d = 3, Archimedes);
  Rademacher by enumeration of all :math:`2^d` sign vectors (d <= 4) and of all k-tuples (d = 2, k = 2, 3).
* Numeric: the library's ``second_moment_matrix`` against the lambdified closed form at random points and
  against the exact average of :math:`\hat g\hat g^\top` of the library's ``spsa_gradient`` over all
  Rademacher 2-tuples (d = 3; a linear loss, where the central scheme is exact at every ε).

Scope: symbolic for every d, k; fixed-size cross-checks d <= 4.
"""

from __future__ import annotations

import itertools
from functools import cache
from typing import Any

import numpy as np
import sympy as sp

import zosoftmax as zs

from ._common import FLOAT_RTOL, Checks, assumption, by_step, is_zero, matrix_is_zero, result

__all__ = [
    "DISTS",
    "closed_form_sym",
    "d_sym",
    "fourth_moment",
    "fourth_moment_matrix_sym",
    "k_sym",
    "pairing_moment",
    "scalar_moments",
    "second_moment_matrix_sym",
    "verify",
]

DISTS = ("gaussian", "sphere", "rademacher")
d_sym = sp.Symbol("d", positive=True, integer=True)
k_sym = sp.Symbol("k", positive=True, integer=True)
_t = sp.Symbol("t", real=True)


def _chi2_moments() -> tuple[Any, Any]:
    r""":math:`(E\|g\|^2, E\|g\|^4)` for ``g ~ N(0, I_d)`` from the chi-square MGF :math:`(1-2t)^{-d/2}`."""
    mgf = (1 - 2 * _t) ** (-d_sym / 2)
    return (sp.factor(sp.diff(mgf, _t).subs(_t, 0)), sp.factor(sp.diff(mgf, _t, 2).subs(_t, 0)))


@cache
def scalar_moments(distribution: str) -> dict[str, Any]:
    r"""Derived :math:`m_2 = Ez_1^2`, :math:`m_4 = Ez_1^4`, :math:`m_{22} = Ez_1^2z_2^2` (``d`` symbolic)."""
    gauss_mgf = sp.exp(_t**2 / 2)  # MGF of N(0, 1)
    g2 = sp.diff(gauss_mgf, _t, 2).subs(_t, 0)
    g4 = sp.diff(gauss_mgf, _t, 4).subs(_t, 0)
    if distribution == "gaussian":
        return {"m2": g2, "m4": g4, "m22": g2 * g2}  # independent coordinates
    if distribution == "rademacher":
        r2 = sp.Rational(1, 2) * ((-1) ** 2 + 1**2)
        r4 = sp.Rational(1, 2) * ((-1) ** 4 + 1**4)
        return {"m2": r2, "m4": r4, "m22": r2 * r2}  # independent coordinates
    if distribution == "sphere":
        n2, n4 = _chi2_moments()  # E||g||^2, E||g||^4
        # g = ||g|| u, ||g|| independent of u: E[g_1^4] = E||g||^4 E[u_1^4], E[g_1^2 g_2^2] = E||g||^4 E[u_1^2 u_2^2]
        u4, u22, u2 = g4 / n4, g2 * g2 / n4, g2 / n2
        return {"m2": sp.factor(d_sym * u2), "m4": sp.factor(d_sym**2 * u4), "m22": sp.factor(d_sym**2 * u22)}
    raise ValueError(f"distribution must be one of {DISTS}, got {distribution!r}")


def _partitions(items: list[int]) -> list[list[list[int]]]:
    if not items:
        return [[]]
    first, rest = items[0], items[1:]
    out = []
    for part in _partitions(rest):
        out.append([[first], *part])
        for i in range(len(part)):
            out.append([*part[:i], [first] + part[i], *part[i + 1:]])
    return out


def pairing_moment(pattern: list[list[int]], m4: Any, m22: Any) -> Any:
    r"""``E[z_a z_b z_c z_e]`` for an equality pattern of an exchangeable, sign-symmetric law.

    The pattern is blocks of equal indices, distinct across blocks. The moment is 0 if a block is odd (flip that
    coordinate's sign), :math:`m_4` for one block of four, :math:`m_{22}` for two pairs.
    """
    sizes = sorted(len(b) for b in pattern)
    if any(s_ % 2 for s_ in sizes):
        return sp.Integer(0)
    return m4 if sizes == [4] else m22


def _pairing_formula(pattern: list[list[int]], m4: Any, m22: Any) -> Any:
    block = {i: j for j, b in enumerate(pattern) for i in b}

    def dl(i: int, j: int) -> int:
        return int(block[i] == block[j])

    all4 = int(len(pattern) == 1)
    return m22 * (dl(0, 1) * dl(2, 3) + dl(0, 2) * dl(1, 3) + dl(0, 3) * dl(1, 2)) + (m4 - 3 * m22) * all4


def _contract() -> Any:
    r""":math:`\sum_{c,e}E[z_az_cz_ez_b]G_{ce}` from the pairing formula.

    The deltas are contracted over ``c, e`` (``d`` symbolic): returns the entry as an expression in
    ``G_ab, G_aa, trG, delta_ab``.
    """
    m4, m22 = sp.symbols("m4 m22", real=True)
    Gab, Gaa, trG, dab = sp.symbols("G_ab G_aa trG delta_ab", real=True)
    # each term: coefficient and the delta pairs among the positions (a, c, e, b); G[c, e]
    terms = [(m22, [("a", "c"), ("e", "b")]), (m22, [("a", "e"), ("c", "b")]), (m22, [("a", "b"), ("c", "e")]),
             (m4 - 3 * m22, [("a", "c"), ("a", "e"), ("a", "b")])]
    out = sp.Integer(0)
    for coeff, pairs in terms:
        sub = {"a": "a", "b": "b", "c": "c", "e": "e"}
        rest = []
        for x, y in pairs:
            x, y = sub[x], sub[y]
            summed = [v for v in (x, y) if v in ("c", "e")]
            if summed and x != y:  # contract a summed index: replace it everywhere
                s_, o = summed[0], (y if summed[0] == x else x)
                sub = {k: (o if v == s_ else v) for k, v in sub.items()}
            elif x != y:
                rest.append((x, y))
        delta = dab if rest else 1
        gi, gj = sub["c"], sub["e"]
        if gi == gj and gi in ("c", "e"):
            g = trG  # sum_c G_cc
        elif {gi, gj} == {"a", "b"}:
            g = Gab
        elif gi == gj == "a":
            g = Gaa
        elif gi == gj == "b":
            g = Gaa * dab if delta == dab else sp.Symbol("G_bb")
        else:
            raise AssertionError(f"uncontracted G[{gi}, {gj}]")
        out += coeff * delta * g
    return out, (m4, m22, Gab, Gaa, trG, dab)


def fourth_moment(d: int, distribution: str) -> dict[tuple[int, int, int, int], Any]:
    """Exact :math:`E[z_az_bz_cz_e]` for all index quadruples at a fixed ``d``, from the derived pairing rule."""
    mom = {k: v.subs(d_sym, d) for k, v in scalar_moments(distribution).items()}
    out = {}
    for q in itertools.product(range(d), repeat=4):
        blocks: dict[int, list[int]] = {}
        for pos, idx in enumerate(q):
            blocks.setdefault(idx, []).append(pos)
        out[q] = pairing_moment(list(blocks.values()), mom["m4"], mom["m22"])
    return out


def fourth_moment_matrix_sym(g: sp.Matrix, distribution: str) -> sp.Matrix:
    r""":math:`E[zz^\top Gzz^\top]_{ab} = \sum_{c,e}E[z_az_cz_ez_b]\,g_cg_e` from the fourth moments (fixed d)."""
    d = g.shape[0]
    M4 = fourth_moment(d, distribution)
    return sp.Matrix(d, d, lambda a, b: sum(M4[(a, c, e, b)] * g[c] * g[e] for c in range(d) for e in range(d)))


def closed_form_sym(g: sp.Matrix, distribution: str, d: Any = None) -> sp.Matrix:
    r""":math:`E[zz^\top Gzz^\top] = m_{22}(2G + \mathrm{tr}(G)I) + (m_4 - 3m_{22})\mathrm{diag}(G)`.

    Here ``G = gg^T``, with the derived moments (``d`` defaults to ``len(g)``).
    """
    n = g.shape[0]
    d = n if d is None else d
    mom = {k: v.subs(d_sym, d) for k, v in scalar_moments(distribution).items()}
    G = g * g.T
    return mom["m22"] * (2 * G + g.dot(g) * sp.eye(n)) + (mom["m4"] - 3 * mom["m22"]) * sp.diag(*[x**2 for x in g])


def second_moment_matrix_sym(g: sp.Matrix, distribution: str, k: Any = k_sym) -> sp.Matrix:
    r""":math:`E[\hat g\hat g^\top] = \frac1k E[zz^\top Gzz^\top] + (1-\frac1k)m_2^2G` (C9)."""
    m2 = scalar_moments(distribution)["m2"]
    return closed_form_sym(g, distribution) / k + (1 - sp.Integer(1) / k) * m2**2 * g * g.T


def _general(ch: Checks) -> None:
    sc = "every d"
    n2, n4 = _chi2_moments()
    ch.step(("chi-square moments", r"E\|z\|^4 = d(d+2)"), "symbolic-general", sc,
            f"chi-square MGF (1-2t)^(-d/2): E||g||^2 = {n2}, E||g||^4 = {n4}",
            is_zero(n2 - d_sym) and is_zero(n4 - d_sym * (d_sym + 2)),
            tex=r"E\|z\|^2 = " + sp.latex(n2) + r",\ E\|z\|^4 = " + sp.latex(sp.factor(n4)),
            hypotheses=(assumption("Gaussian z ~ N(0, I_d)"),))
    m4, m22 = sp.symbols("m4 m22", real=True)
    pats = _partitions([0, 1, 2, 3])
    ch.step(("pairing rule", r"E[z_az_bz_cz_e]"), "symbolic-general", "every d, all three laws",
            f"all {len(pats)} equality patterns of (a, b, c, e): E[z_a z_b z_c z_e] = m22 (d_ab d_ce + d_ac d_be + "
           "d_ae d_bc) + (m4 - 3 m22) d_abce", len(pats) == 15 and all(
               is_zero(pairing_moment(p, m4, m22) - _pairing_formula(p, m4, m22)) for p in pats),
            tex=r"E[z_az_bz_cz_e] = m_{22}(\delta_{ab}\delta_{ce} + \delta_{ac}\delta_{be} + \delta_{ae}\delta_{bc}) + "
                r"(m_4 - 3m_{22})\delta_{abce}",
            hypotheses=(assumption("the law is exchangeable and sign-symmetric (Gaussian, sphere, Rademacher)"),))
    entry, (m4c, m22c, Gab, Gaa, trG, dab) = _contract()
    target = m22c * (2 * Gab + dab * trG) + (m4c - 3 * m22c) * dab * Gaa
    ch.step(("delta contraction", r"E[zz^\top Gzz^\top]_{ab}"), "symbolic-general", sc,
            "contracting the deltas over c, e: E[zz^T G zz^T]_ab = m22 (2 G_ab + delta_ab "
            "tr G) + (m4 - 3 m22) delta_ab G_aa", is_zero(entry - target),
            tex=r"E[zz^\top Gzz^\top]_{ab} = " + sp.latex(target),
            hypotheses=(by_step("pairing rule", "pairing rule"),))
    M4, Gs, m2 = sp.symbols("M4 G m2", real=True)  # scalars standing for the matrices (the algebra is linear)
    ch.step(("k directions", r"\tfrac1k E[zz^\top Gzz^\top] + (1-\tfrac1k)G"), "symbolic-general", "every d, k",
            "k directions: (1/k^2)(k E[zz^T G zz^T] + k(k-1) "
            "E[zz^T] G E[zz^T]) = (1/k) E[zz^T G zz^T] + (1 - 1/k) m2^2 G (independence across directions)",
            is_zero((k_sym * M4 + k_sym * (k_sym - 1) * m2**2 * Gs) / k_sym**2
                    - (M4 / k_sym + (1 - 1 / k_sym) * m2**2 * Gs)),
            tex=sp.latex(M4 / k_sym + (1 - 1 / k_sym) * m2**2 * Gs),
            hypotheses=(assumption("the k directions are independent"),))
    for dist, (f4, f22) in {"gaussian": (3, 1), "sphere": (3 * d_sym / (d_sym + 2), d_sym / (d_sym + 2)),
                            "rademacher": (1, 1)}.items():
        mom = scalar_moments(dist)
        ch.step((f"{dist} moments", rf"\text{{{dist}: }}(m_4, m_{{22}})"), "symbolic-general", sc,
                f"{dist}: the derived moments (MGF / two-point law / radius-direction "
                f"independence) are m2 = 1, (m4, m22) = ({f4}, {f22}), so E[zz^T G zz^T] = "
                + {"gaussian": "2G + tr(G) I", "sphere": "d/(d+2) (2G + tr(G) I)",
                   "rademacher": "2G + tr(G) I - 2 diag(G)"}[dist],
                is_zero(mom["m2"] - 1) and is_zero(mom["m4"] - f4) and is_zero(mom["m22"] - f22),
                tex=rf"\text{{{dist}: }} m_2 = 1,\ (m_4, m_{{22}}) = \left(" + sp.latex(sp.sympify(f4)) + ", "
                    + sp.latex(sp.sympify(f22)) + r"\right)",
                hypotheses=(by_step("contraction", "delta contraction"),))


def _fixed(ch: Checks) -> None:
    # Gaussian: fourth moments from the d-variate MGF exp(|t|^2/2) (independent of the pairing count)
    for d in (1, 2, 3):
        ts = sp.symbols(f"t1:{d + 1}", real=True)
        mgf = sp.exp(sum(x**2 for x in ts) / 2)
        M4 = fourth_moment(d, "gaussian")
        ok = all(sp.diff(mgf, *[ts[i] for i in q]).subs({x: 0 for x in ts}) == M4[q] for q in M4)
        ch.add("symbolic-fixed-size", f"d = {d}", "Gaussian: every E[z_a z_b z_c z_e] = the 4th derivative of the "
               "MGF exp(|t|^2/2) at 0 (independent of the pairing argument)", ok)
    # sphere: exact integrals, d = 2 (circle) and d = 3 (u_1 uniform on [-1, 1], Archimedes)
    th = sp.Symbol("theta", real=True)
    circ4 = sp.integrate((sp.sqrt(2) * sp.cos(th)) ** 4, (th, 0, 2 * sp.pi)) / (2 * sp.pi)
    circ22 = sp.integrate(4 * sp.cos(th) ** 2 * sp.sin(th) ** 2, (th, 0, 2 * sp.pi)) / (2 * sp.pi)
    u = sp.Symbol("u", real=True)
    sph4 = sp.integrate(9 * u**4, (u, -1, 1)) / 2  # z_1 = sqrt3 u_1, u_1 uniform on [-1, 1]
    ph = sp.Symbol("phi", real=True)
    # u = (u_1, sqrt(1 - u_1^2) cos(phi), ...): z_1^2 z_2^2 = 9 u^2 (1 - u^2) cos^2(phi), phi uniform, independent
    sph22 = (sp.integrate(9 * u**2 * (1 - u**2), (u, -1, 1)) / 2
             * sp.integrate(sp.cos(ph) ** 2, (ph, 0, 2 * sp.pi)) / (2 * sp.pi))
    ok2 = is_zero(circ4 - scalar_moments("sphere")["m4"].subs(d_sym, 2)) and is_zero(
        circ22 - scalar_moments("sphere")["m22"].subs(d_sym, 2))
    ok3 = is_zero(sph4 - scalar_moments("sphere")["m4"].subs(d_sym, 3)) and is_zero(
        sph22 - scalar_moments("sphere")["m22"].subs(d_sym, 3))
    ch.add("symbolic-fixed-size", "d = 2, 3", f"sphere: exact integrals E z_1^4 = {circ4}, {sph4} and E z_1^2 z_2^2 "
           f"= {circ22}, {sph22} equal the derived 3d/(d+2), d/(d+2)", ok2 and ok3)
    for d in range(1, 5):
        signs = list(itertools.product((-1, 1), repeat=d))
        M4 = fourth_moment(d, "rademacher")
        ch.add("exact-enumeration", f"d = {d}, all {len(signs)} sign vectors", "Rademacher: enumerated "
               "E[z_a z_b z_c z_e] and E[z z^T] equal the pairing rule and I",
               all(sp.Rational(sum(s_[q[0]] * s_[q[1]] * s_[q[2]] * s_[q[3]] for s_ in signs), len(signs)) == M4[q]
                   for q in M4)
               and all(sp.Rational(sum(s_[a] * s_[b] for s_ in signs), len(signs)) == int(a == b)
                       for a in range(d) for b in range(d)))
        g = sp.Matrix(sp.symbols(f"g1:{d + 1}", real=True))
        for dist in DISTS:
            ch.add("symbolic-fixed-size", f"d = {d}, symbolic g", f"{dist}: the entrywise sum of the fourth moments "
                   "equals the closed form",
                   matrix_is_zero(fourth_moment_matrix_sym(g, dist) - closed_form_sym(g, dist)))
    d = 2
    g = sp.Matrix(sp.symbols("g1:3", real=True))
    signs = [sp.Matrix(s_) for s_ in itertools.product((-1, 1), repeat=d)]
    for k in (2, 3):
        tuples = list(itertools.product(signs, repeat=k))
        acc = sp.zeros(d, d)
        for zs_ in tuples:
            gh = sum((z * z.T * g for z in zs_), sp.zeros(d, 1)) / k
            acc += gh * gh.T
        ch.add("exact-enumeration", f"Rademacher d = 2, k = {k}, all {len(tuples)} k-tuples, symbolic g",
               "exact average of g_hat g_hat^T = (1/k) E[zz^T G zz^T] + (1 - 1/k) G",
               matrix_is_zero(acc / len(tuples) - second_moment_matrix_sym(g, "rademacher", k)))


def verify(*, quick: bool = False) -> dict[str, Any]:
    """Run the checks of this claim (see the module docstring) and return its verdict dictionary.

    ``quick`` is accepted for a uniform interface (no sampled searches here).
    """
    del quick
    ch = Checks()
    _general(ch)
    _fixed(ch)
    rng = np.random.default_rng(909)
    worst = 0.0
    for dist in DISTS:
        for d in (1, 2, 3, 7):
            g = sp.Matrix(sp.symbols(f"g1:{d + 1}", real=True))
            fn = sp.lambdify([*g, k_sym], second_moment_matrix_sym(g, dist))
            for _ in range(3):
                gv, k = rng.normal(size=d), int(rng.integers(1, 9))
                ref = np.asarray(fn(*gv, k), dtype=float)
                worst = max(worst, float(np.max(np.abs(zs.second_moment_matrix(gv, k, dist) - ref))
                                     / max(1.0, float(np.max(np.abs(ref))))))
    ch.add("numeric-search", "library float64, d in {1, 2, 3, 7}, 3 random (g, k) each, all distributions",
           f"library second_moment_matrix == the lambdified derived closed form, rel. error <= {FLOAT_RTOL:.1e}",
           worst <= FLOAT_RTOL)
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
    ch.add("exact-enumeration", f"Rademacher d = 3, k = 2, all {count} 2-tuples, library float64",
           f"library second_moment_matrix == exact average of the library estimator's g_hat g_hat^T (linear loss), "
           f"error <= {FLOAT_RTOL:.1e} d ||g||^2", err <= FLOAT_RTOL * float(gv @ gv) * d)
    return result(
        id="C9", title="Exact E[g_hat g_hat^T] per distribution", provenance="[derived]",
        statement="E[g_hat g_hat^T] (eps -> 0) exactly, per distribution: (1/k) E[zz^T G zz^T] + (1 - 1/k) G with "
                  "G = gg^T and E[zz^T G zz^T] = 2G + tr(G) I (Gaussian), d/(d+2) (2G + tr(G) I) (sphere), "
                  "tr(G) I + 2G - 2 diag(G) (Rademacher).",
        statement_tex=r"E[\hat g\hat g^\top] = \tfrac1k E[zz^\top Gzz^\top] + (1-\tfrac1k)G,\ E[zz^\top Gzz^\top] = "
                      r"2G + \mathrm{tr}(G)I,\ \tfrac{d}{d+2}(2G + \mathrm{tr}(G)I),\ 2G + \mathrm{tr}(G)I - "
                      r"2\,\mathrm{diag}(G)",
        title_tex=r"Exact $E[\hat g\hat g^\top]$ per distribution",
        checks=ch, correction=None,
        key_numbers={"sphere_factor": "d/(d+2)", "rademacher_correction": "-2 diag(G)/k",
                     "general_form": "m22 (2G + tr(G) I) + (m4 - 3 m22) diag(G)"},
        summary="symbolic for every d, k: Gauss 2G+trG·I; sphere d/(d+2)(2G+trG·I); Rad. trG·I+2G−2diag G",
    )
