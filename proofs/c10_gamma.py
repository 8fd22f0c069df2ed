r"""C10 [MeZO] / [paper]: the descent inequality with the dimension-free factor :math:`\gamma`.

If :math:`\nabla^2L \preceq H_0`, :math:`\|H_0\| = \ell`, :math:`\mathrm{tr}H_0 \le r\ell`, then
:math:`E[L(x-\eta\hat g)] \le L(x) - \eta\|\nabla L\|^2 + \frac12\eta^2\ell\gamma\|\nabla L\|^2` with MeZO's
:math:`\gamma = \frac{dr+d-2}{k(d+2)} + 1`; :math:`\gamma` per distribution; for softmax regression
:math:`H_0 = A^\top(\beta^+I + W^2)A` holds globally.

Verified
--------
* Symbolic (every d, k, r; the coefficients from C9's *derived* moments, not typed in):
  :math:`E[\hat g^\top H\hat g] = \mathrm{tr}(H\,E[\hat g\hat g^\top])` with C9's matrix is
  :math:`a\,g^\top Hg + b\,\mathrm{tr}(H)\|g\|^2\ (- \frac2k\sum_iH_{ii}g_i^2` for Rademacher); ``a, b >= 0``, both
  maxima (:math:`g^\top Hg = \ell\|g\|^2`, :math:`\mathrm{tr}H = r\ell`) are attained together, so
  :math:`\gamma = a + br`: Gaussian :math:`1 + \frac{r+1}k`, sphere :math:`1 + \frac{dr+d-2}{k(d+2)}` (MeZO's,
  exact), Rademacher :math:`\le 1 + \frac{r+1}k` (drop the non-positive term) and
  :math:`\ge 1 + \frac{r+1-2/(d-r+1)}k` (integer r: ``g`` flat on ``d - r + 1`` coordinates, ``H`` its direction plus
  ``r - 1`` other axes; exact algebra). The descent inequality is Taylor with :math:`\nabla^2L\preceq H_0`.
* Numeric (Rademacher, the true sup): for each unit ``g`` the max over ``H`` is a Ky Fan sum (top-r eigenvalues,
  clipped at 0, of :math:`M(g) = (1+\frac1k)gg^\top + \frac1k(I - 2\,\mathrm{diag}(g^2))`), maximized over ``g``
  from many starts (L-BFGS-B) for d = 2..5, every integer r, k = 1, 4.
* Numeric: :math:`\nabla^2L(x) \preceq H_0` (library ``hessian_upper_bound``) at random instances and points.

* Exact enumeration (Rademacher, d = 3, k = 1, 2, symbolic ``H`` and ``g``): the expectation has the
  :math:`-\frac2k\sum_iH_{ii}g_i^2` term (so the Rademacher bound is not the Gaussian expression by accident).

Scope: symbolic for every d, k, r; numeric Rademacher sup d <= 5; H0 check n, d <= 8.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import sympy as sp
from scipy.optimize import minimize

import zosoftmax as zs

from ._common import FLOAT_RTOL, Checks, assumption, by_claim, by_step, is_zero, nonneg_certificate, result, round_up
from ._search import samples
from .c09_second_moment_matrix import DISTS, d_sym, k_sym, scalar_moments, second_moment_matrix_sym

__all__ = ["gamma_sym", "rademacher_attained_sym", "rademacher_numeric_sup", "verify"]

r_sym = sp.Symbol("r", positive=True)
SUP_RTOL = 1e-7  # L-BFGS-B on a smooth (away from eigenvalue crossings) function of the unit vector g
N_STARTS = 6


def _coefficients(distribution: str) -> tuple[Any, Any, Any]:
    r"""``(a, b, c)``: the coefficients of :math:`E[\hat g^\top H\hat g]` from C9's derived matrix.

    :math:`E[\hat g^\top H\hat g] = a\,g^\top Hg + b\,\mathrm{tr}(H)\|g\|^2 + c\sum_iH_{ii}g_i^2` with
    :math:`a = \frac{2m_{22}}k + (1-\frac1k)m_2^2`, :math:`b = \frac{m_{22}}k`, :math:`c = \frac{m_4 - 3m_{22}}k`.
    """
    mom = scalar_moments(distribution)
    return (2 * mom["m22"] / k_sym + (1 - 1 / k_sym) * mom["m2"] ** 2, mom["m22"] / k_sym,
            (mom["m4"] - 3 * mom["m22"]) / k_sym)


def gamma_sym(distribution: str) -> Any:
    r""":math:`\gamma = a + br` in ``d, k, r``.

    The exact sup where ``c = 0`` (Gaussian, sphere), an upper bound where ``c <= 0`` (Rademacher: the term
    :math:`c\sum_iH_{ii}g_i^2 \le 0` is dropped).
    """
    a, b, _ = _coefficients(distribution)
    return sp.simplify(a + b * r_sym)


def rademacher_attained_sym() -> Any:
    r"""Attained Rademacher value :math:`1 + (r + 1 - 2/(d-r+1))/k` (integer r).

    ``g`` flat on ``m = d - r + 1`` coordinates, ``H`` its direction plus ``r - 1`` other axes, :math:`\sum_iH_{ii}g_i^2
    = m\cdot\frac1m\cdot\frac1m`.
    """
    m = d_sym - r_sym + 1  # g flat on m coordinates
    a, b, c = _coefficients("rademacher")
    return a + b * r_sym + c * (m * (1 / m) * (1 / m))


def _kyfan(M: np.ndarray, r: int) -> float:
    ev = np.linalg.eigvalsh(M)[::-1]
    return float(np.sum(np.clip(ev[:r], 0.0, None)))


def rademacher_numeric_sup(d: int, k: int, r: int, seed: int = 0) -> float:
    r"""Numeric :math:`\sup_{\|g\|=1}\max_{0\preceq H\preceq I, \mathrm{tr}H\le r} E[\hat g^\top H\hat g]`.

    For Rademacher directions.
    """
    rng = np.random.default_rng([seed, d, k, r])

    def neg(p: np.ndarray) -> float:
        g = p / np.linalg.norm(p)
        M = (1 + 1 / k) * np.outer(g, g) + (np.eye(d) - 2 * np.diag(g * g)) / k
        return -_kyfan(M, r)

    best = -np.inf
    starts = [rng.normal(size=d) for _ in range(N_STARTS)]
    starts += [np.r_[np.ones(m), np.zeros(d - m)] + 1e-3 * rng.normal(size=d) for m in range(1, d + 1)]
    for p0 in starts:
        res = minimize(neg, p0, method="L-BFGS-B")
        best = max(best, -float(res.fun), -neg(p0))
    return best


def _enumerated(ch: Checks) -> None:
    d = 3
    g = sp.Matrix(sp.symbols("g1:4", real=True))
    H = sp.Matrix(d, d, lambda i, j: sp.Symbol(f"h{min(i, j) + 1}{max(i, j) + 1}", real=True))
    signs = [sp.Matrix(s_) for s_ in itertools.product((-1, 1), repeat=d)]
    gHg, trH, diag = (g.T * H * g)[0], H.trace(), sum(H[i, i] * g[i] ** 2 for i in range(d))
    for k in (1, 2):
        acc = sp.Integer(0)
        tuples = list(itertools.product(signs, repeat=k))
        for zs_ in tuples:
            gh = sum((z * z.T * g for z in zs_), sp.zeros(d, 1)) / k
            acc += (gh.T * H * gh)[0]
        a, b, c = (e.subs(k_sym, k) for e in _coefficients("rademacher"))
        ch.add("exact-enumeration", f"Rademacher d = 3, k = {k}, all {len(tuples)} k-tuples, symbolic H, g",
               f"E[g_hat^T H g_hat] = a g^T H g + b tr(H) ||g||^2 + c sum H_ii g_i^2 with the derived (a, b, c) = "
               f"({a}, {b}, {c})", is_zero(sp.expand(acc / len(tuples) - (a * gHg + b * trH * g.dot(g) + c * diag))))
        for dist in DISTS:
            a, b, c = (e.subs(k_sym, k) for e in _coefficients(dist))
            M = second_moment_matrix_sym(g, dist, k).subs(d_sym, d)
            ch.add("symbolic-fixed-size", f"d = 3, k = {k}, symbolic H, g", f"{dist}: tr(H E[g_hat g_hat^T]) with "
                   "C9's matrix = a g^T H g + b tr(H) ||g||^2 + c sum H_ii g_i^2",
                   is_zero(sp.expand((H * M).trace() - (a * gHg + b * trH * g.dot(g) + c * diag).subs(d_sym, d))))


def _h0_step(ch: Checks) -> None:
    """H0 = A^T(beta+ I + W^2)A >= Hess L: a congruence, with matrix symbols of symbolic size."""
    n, d = sp.symbols("n d", integer=True, positive=True)
    A, Bm, W = sp.MatrixSymbol("A", n, d), sp.MatrixSymbol("B", n, n), sp.MatrixSymbol("W", n, n)
    v = sp.MatrixSymbol("v", d, 1)
    beta = sp.Symbol("beta_plus", real=True)
    In = sp.Identity(n)
    h0, hess, gap = A.T * (beta * In + W * W) * A, A.T * (Bm + W * W) * A, A.T * (beta * In - Bm) * A
    quad = (v.T * gap * v).doit() - ((A * v).T * (beta * In - Bm) * (A * v)).doit()

    def zero(e: Any) -> bool:
        e = sp.expand(sp.sympify(e).doit())
        return bool(e == 0 or isinstance(e, sp.ZeroMatrix))

    ch.step(("H0 >= Hess L", r"H_0 \succeq \nabla^2L"), "symbolic-general", "every n, d, x",
            "matrix symbols A (n x d), B, W (n x n), v (d): H0 - Hess L = A^T(beta+ I - B)A and "
            "v^T A^T(beta+ I - B)A v "
            "= (Av)^T(beta+ I - B)(Av) >= 0 whenever B <= beta+ I (C4, every n)", zero(h0 - hess - gap) and zero(quad),
            tex=sp.latex(h0) + " - " + sp.latex(hess) + " = " + sp.latex(gap) + r" \succeq 0",
            hypotheses=(by_claim("Hess L = A^T(B + W^2)A", "C3"), by_claim("B <= beta+ I for every n", "C4")))


def verify(*, quick: bool = False) -> dict[str, Any]:
    """Run the checks of this claim (see the module docstring) and return its verdict dictionary.

    ``quick``: the test tier's profile (d <= 3 in the Rademacher search, an eighth of the random instances).
    """
    ch = Checks()
    sc = "every d, k, r"
    _h0_step(ch)
    eta_, phi0, phi1, phi2, quad = sp.symbols("eta phi0 phi1 phi2_xi gHg", real=True)
    ch.step(("descent lemma",
             r"L(x-\eta\hat g) \le L - \eta\hat g^\top\nabla L + \tfrac{\eta^2}2\hat g^\top H_0\hat g"),
            "symbolic-general",
            ("every d, any L with Hess L <= H0", r"every $d$, any $L$ with $\nabla^2L \preceq H_0$"),
            "phi(eta) = L(x - eta g_hat) = phi(0) + eta phi'(0) + eta^2 phi''(xi)/2 (Lagrange) and phi''(xi) = "
            "g_hat^T Hess L g_hat <= g_hat^T H0 g_hat: the bound minus phi(eta) = (eta^2/2)(g_hat^T H0 g_hat - "
            "phi''(xi)) >= 0 (certificate)",
            nonneg_certificate((phi0 + eta_ * phi1 + eta_**2 / 2 * quad) - (phi0 + eta_ * phi1 + eta_**2 / 2 * phi2),
                               [(sp.Rational(1, 2), eta_**2, quad - phi2)], (quad - phi2,)),
            tex=sp.latex(eta_**2 / 2 * (quad - phi2)) + r" \ge 0",
            hypotheses=(by_step("Hess L <= H0", "H0 >= Hess L"), assumption("L twice differentiable")))
    gam = {dist: gamma_sym(dist) for dist in DISTS}
    mezo = (d_sym * r_sym + d_sym - 2) / (k_sym * (d_sym + 2)) + 1
    kappa = sp.Symbol("kappa", nonnegative=True)  # k = 1 + kappa
    for dist in DISTS:
        a, b, c = _coefficients(dist)
        ak = sp.factor(sp.cancel(a * k_sym * (d_sym + 2)).subs(k_sym, 1 + kappa))
        ch.step((f"gamma {dist}", rf"\gamma_{{\mathrm{{{dist}}}}} = {sp.latex(gam[dist])}"), "symbolic-general", sc,
                f"{dist}: coefficients a = {sp.simplify(a)} (a k (d+2) = {sp.expand(ak)}) and "
                f"b = {sp.simplify(b)} of g^T H g <= l ||g||^2 and tr(H) ||g||^2 <= r l ||g||^2 are >= 0, so gamma = "
                f"a + b r = {gam[dist]}", bool(sp.expand(ak).is_nonnegative) and bool(b.is_nonnegative),
                tex=rf"\gamma_{{\mathrm{{{dist}}}}} = {sp.latex(gam[dist])}",
                hypotheses=(by_claim("E[g_hat g_hat^T] per law", "C9"), by_step("descent", "descent lemma")))
        if dist == "rademacher":
            ch.add("symbolic-general", sc, f"rademacher: c = {c} <= 0 and sum H_ii g_i^2 >= 0 (H >= 0), so "
                   "dropping c sum H_ii g_i^2 gives an upper bound", nonneg_certificate(-c, [(2, 1 / k_sym)]))
        else:
            ch.add("symbolic-general", sc, f"{dist}: c = m4 - 3 m22 = 0, so gamma = a + b r is the exact sup (g a top "
                   "eigenvector of H, both maxima attained together)", is_zero(c))
    ch.add("symbolic-general", sc,
           "gaussian: gamma = 1 + (r + 1)/k", is_zero(gam["gaussian"] - 1 - (r_sym + 1) / k_sym))
    ch.finding("symbolic-general", sc, f"sphere: gamma - MeZO's = {sp.simplify(gam['sphere'] - mezo)}",
               deviates=not is_zero(gam["sphere"] - mezo))
    ch.finding("symbolic-general", sc, f"gaussian: gamma - MeZO's = {sp.factor(gam['gaussian'] - mezo)} > 0",
               deviates=not is_zero(gam["gaussian"] - mezo),
               passed=nonneg_certificate(gam["gaussian"] - mezo, [(2, r_sym / (k_sym * (d_sym + 2))),
                                                                  (4, 1 / (k_sym * (d_sym + 2)))]))
    att = rademacher_attained_sym()
    ch.add("symbolic-general", sc, "rademacher attained: g flat on d - r + 1 coordinates gives 1 + (r + 1 - "
           "2/(d - r + 1))/k", is_zero(att - 1 - (r_sym + 1 - 2 / (d_sym - r_sym + 1)) / k_sym))
    gap1 = sp.factor((att - mezo).subs(r_sym, 1))
    ch.finding("symbolic-general", "every d, k at r = 1", f"rademacher: attained value - MeZO's gamma at r = "
               f"1 is {gap1} > 0: MeZO's gamma is too small for Rademacher directions",
               deviates=not is_zero(gap1), passed=nonneg_certificate(
                   gap1.subs(d_sym, 2 + kappa), [(4, (1 + kappa) / ((2 + kappa) * (4 + kappa) * k_sym))]))
    ch.add("symbolic-general", sc, "the flat-on-(d-r+1) value beats g flat on all d: (r+1-2/(d-r+1)) - (r+1-2r/d) = "
           "2(r-1)(d-r)/(d(d-r+1)) >= 0",
           is_zero((2 * r_sym / d_sym - 2 / (d_sym - r_sym + 1))
                   - 2 * (r_sym - 1) * (d_sym - r_sym) / (d_sym * (d_sym - r_sym + 1))))
    _enumerated(ch)
    rows, gap_max, ok_sup, ok_bound = [], 0.0, True, True
    d_max = 3 if quick else 5
    for d in range(2, d_max + 1):
        for k in (1, 4):
            for r in range(1, d + 1):
                sup = rademacher_numeric_sup(d, k, r)
                attained = float(att.subs({d_sym: d, k_sym: k, r_sym: r}))
                bound = zs.gamma(d, k, r, "rademacher")
                ok_sup &= abs(sup - attained) <= SUP_RTOL * attained
                ok_bound &= sup <= bound * (1 + SUP_RTOL)
                gap_max = max(gap_max, (bound - sup) * k)  # slack in units of 1/k
                rows.append({"d": d, "k": k, "r": r, "numeric_sup": sup, "attained_formula": attained, "bound": bound})
    scs = f"numeric search (Ky Fan sum, L-BFGS-B), Rademacher d = 2..{d_max}, k = 1, 4, every integer r"
    ch.add("numeric-search", scs, "the numeric sup equals 1 + (r+1-2/(d-r+1))/k", ok_sup)
    ch.add("numeric-search", scs, f"library gamma (upper bound) >= numeric sup; largest slack {gap_max:.3f}/k "
           "(= 2/(d-r+1) <= 2/k)", ok_bound)
    ok_lib = all(abs(zs.gamma(d, k, r, dist) - float(gam[dist].subs({d_sym: d, k_sym: k, r_sym: r})))
                 <= FLOAT_RTOL * 10 for d in range(1, 9) for k in range(1, 6) for r in np.linspace(1, d, 4)
                 for dist in gam)
    ch.add("numeric-search", "library float64, d <= 8, k <= 5, 4 values of r in [1, d]",
           "library gamma == the derived gamma (all distributions)", ok_lib)
    rng = np.random.default_rng(1010)
    ok_h0, count = True, 0
    for _ in range(samples(40, quick)):
        n, d = int(rng.integers(2, 9)), int(rng.integers(1, 9))
        p = zs.random_instance(n, d, rng=rng, w=float(rng.uniform(0, 1.5)))
        H0 = zs.hessian_upper_bound(p)
        for _ in range(5):
            x = rng.normal(size=d) * rng.uniform(0, 5)
            gap = np.linalg.eigvalsh(H0 - p.hessian(x))[0]
            ok_h0 &= gap >= -1e-12 * max(1.0, float(np.linalg.norm(H0, 2)))  # rounding of the two matrices
            count += 1
    ch.add("numeric-search", f"library float64, {count} random (instance, x), n, d <= 8",
           "Hess L(x) <= H0 = A^T(beta+ I + W^2)A", ok_h0)
    # the derived gammas themselves (never retyped): 1 + (r + 1)/k is the Gaussian value and the Rademacher bound
    gammas = {"gaussian": 1 + (r_sym + 1) / k_sym, "sphere": mezo, "rademacher_bound": 1 + (r_sym + 1) / k_sym,
              "rademacher_attained": 1 + (r_sym + 1 - 2 / (d_sym - r_sym + 1)) / k_sym}
    same = {"gaussian": gam["gaussian"], "sphere": gam["sphere"], "rademacher_bound": gam["rademacher"],
            "rademacher_attained": att}
    ch.add("symbolic-general", "every d, k, r", "the printed forms of gamma are the derived ones (exact difference 0)",
           all(is_zero(gammas[key] - same[key]) for key in gammas))
    return result(
        id="C10", title="Dimension-free descent factor gamma", provenance="[MeZO] / [paper]",
        statement="If Hess L <= H0, ||H0|| = l, tr H0 <= r l, then E[L(x - eta g_hat)] <= L(x) - eta ||grad L||^2 + "
                  "eta^2 l gamma ||grad L||^2 / 2 with MeZO's gamma = (dr + d - 2)/(k(d + 2)) + 1; for softmax "
                  "regression H0 = A^T(beta+ I + W^2)A holds globally.",
        statement_tex=r"\nabla^2L \preceq H_0,\ \|H_0\| = \ell,\ \mathrm{tr}H_0 \le r\ell \Rightarrow "
                      r"E[L(x-\eta\hat g)] "
                      r"\le L(x) - \eta\|\nabla L\|^2 + \tfrac12\eta^2\ell\gamma\|\nabla L\|^2,\ \gamma = "
                      + sp.latex(mezo) + r";\ H_0 = A^\top(\beta^+I + W^2)A",
        title_tex=r"Dimension-free descent with MeZO's $\gamma$",
        correction_tex=(r"MeZO's $\gamma = " + sp.latex(mezo) + r"$ is the exact sup for sphere directions only. "
                        r"Gaussian: $\gamma = " + sp.latex(gam["gaussian"]) + r"$ (larger by $"
                        + sp.latex(sp.factor(gam["gaussian"] - mezo)) + r"$). Rademacher: $"
                        + sp.latex(att) + r" \le \gamma \le " + sp.latex(gam["rademacher"])
                        + r"$ (symbolic, every $d, k, r$); the lower value is attained and equals the numeric sup "
                        rf"for $d \le {d_max}$ (the bound exceeds the sup by at most "
                        rf"${round_up(gap_max, 2)}/k$ there). "
                        r"$H_0 = A^\top(\beta^+I + W^2)A$ is valid globally."),
        checks=ch,
        correction="MeZO's gamma = 1 + (dr + d - 2)/(k(d+2)) is the exact sup for sphere directions only. Gaussian: "
                   "gamma = 1 + (r + 1)/k (larger by (2r + 4)/(k(d+2))). Rademacher: 1 + (r + 1 - 2/(d - r + 1))/k <= "
                   "gamma <= 1 + (r + 1)/k (symbolic, every d, k, r); the lower value is attained and equals the "
                   f"numeric sup for d <= {d_max} (the bound exceeds the sup by at most "
                   f"{round_up(gap_max, 2)}/k there). "
                   "H0 = A^T(beta+ I + W^2)A is valid globally.",
        key_numbers={**{key: str(v) for key, v in gammas.items()},
                     **{f"{key}_tex": sp.latex(v) for key, v in gammas.items()}, "rademacher_search": rows},
        summary="symbolic for every d, k, r: γ Gauss 1+(r+1)/k; sphere MeZO's; Rad. ∈ [1+(r+1−2/(d−r+1))/k, 1+(r+1)/k]",
    )
