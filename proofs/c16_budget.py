r"""C16 [derived]: noisy losses, the two thresholds, and when more than one direction pays at a fixed budget.

Statement. (a) With independent :math:`N(0, \sigma^2)` noise on every loss evaluation, ZO-GD on a quadratic follows
C13's recursion plus a state-independent term, :math:`\Sigma_{t+1} = [\text{C13}](\Sigma_t) + \eta^2 Q` with
:math:`Q = \frac{\sigma^2}{2\varepsilon^2 k} I` (central) and :math:`Q = \frac{2\sigma^2}{\varepsilon^2 k} I +
\frac{\varepsilon^2}{4k} E[(z^\top Hz)^2 zz^\top]` (forward; the second term is the finite-ε term C13 left out).
(b) At a budget of loss evaluations with the step tuned per ``k`` on the exact curve: without noise, the central
scheme's best ``k`` is 1; the forward scheme's can exceed 1 (it shares :math:`L(x)` across its ``k`` directions, so a
direction costs :math:`(k + 1)/k` evaluations instead of 2); with noise the central scheme's best ``k`` can exceed 1,
but only by a negligible margin (the curve is flat in ``k`` when noise dominates).

Steps, what carries each, scope
-------------------------------
1. The central quotient of a quadratic is :math:`z^\top He` exactly and the forward quotient is
   :math:`z^\top He + \frac\varepsilon2 z^\top Hz` exactly (symbolic-general, matrix symbols, every d).
2. The noise covariances: central :math:`\mathrm{Cov}(\nu_i, \nu_j) = \frac{\sigma^2}{2\varepsilon^2}\delta_{ij}`,
   forward :math:`\frac{\sigma^2}{\varepsilon^2}(\delta_{ij} + 1)` (the shared :math:`\xi_0`); with
   :math:`E[z_iz_j^\top] = \delta_{ij}I` the noise part of :math:`\hat g` has covariance
   :math:`\frac1{k^2}\sum_{ij}\mathrm{Cov}(\nu_i,\nu_j)\delta_{ij} I` = the two values of ``Q`` (symbolic-general,
   ``k`` symbolic). The cross terms vanish: centred independent noise, odd moments of symmetric directions.
3. :func:`zosoftmax.direction_sixth_moment` (the forward ε-term's covariance): Gaussian by Isserlis at d = 3 with a
   symbolic ``H``, Rademacher by enumerating the 8 sign vectors with a symbolic ``H`` (symbolic-fixed-size).
4. The library's one-step noisy gap equals the exact expectation over all Rademacher direction pairs (d = 3,
   k = 2) with the Gaussian noise integrated in closed form (exact-enumeration).
5. (b) by a numeric search (numeric-search, not a proof): random spectra (d up to 40, effective ranks 1..d, the
   spectrum log-uniform over 6 decades), horizons of 2..2048 evaluations, Gaussian and sphere directions, ``k`` in
   {1, 2, 4, 8, 16}, the step tuned by :func:`zosoftmax.plan`. No proof is claimed: the per-evaluation contraction
   argument needs every mode at once, and the search is its evidence.
6. The measured side (statistical-test) is ``fig_budget``'s Monte Carlo over ``k`` on scikit-learn instances, read
   from its committed JSON.

Scope: (a) exact on quadratics for every d, k; on softmax regression through the local model. (b) the searched set.
"""

from __future__ import annotations

import itertools
import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import sympy as sp

import zosoftmax as zs

from ._common import Checks, is_zero, matrix_is_zero, result

__all__ = ["noise_covariance_sym", "search_best_k", "verify"]

ROOT = Path(__file__).resolve().parents[1]
FIG_JSON = ROOT / "paper" / "generated" / "fig_budget.json"
KS = (1, 2, 4, 8, 16)


def noise_covariance_sym(scheme: str) -> Any:
    r"""The noise part's covariance factor :math:`q` in :math:`Q = q\,I`, from the covariance of the scalars."""
    k = sp.Symbol("k", positive=True, integer=True)
    sigma, eps = sp.symbols("sigma epsilon", positive=True)
    i, j = sp.symbols("i j", integer=True)
    if scheme == "central":
        cov = sigma**2 / (2 * eps**2) * sp.KroneckerDelta(i, j)  # (ξ⁺ − ξ⁻)/(2ε): variance 2σ²/(4ε²)
    else:
        cov = sigma**2 / eps**2 * (sp.KroneckerDelta(i, j) + 1)  # (ξ_j − ξ_0)/ε: ξ_0 shared
    # E[z_i z_jᵀ] = δ_ij I: of the k² terms Σ_ij Cov(ν_i, ν_j) E[z_i z_jᵀ] only i = j survive
    total = sp.summation((cov * sp.KroneckerDelta(i, j)).subs(j, i), (i, 1, k))
    return sp.simplify(total / k**2), (k, sigma, eps)


def _symbolic(ch: Checks) -> None:
    d = sp.Symbol("d", positive=True, integer=True)
    e, z = sp.MatrixSymbol("e", d, 1), sp.MatrixSymbol("z", d, 1)
    H = sp.MatrixSymbol("H", d, d)
    eps = sp.Symbol("epsilon", positive=True)
    # forward: q(e + εz) − q(e) with q = ½ eᵀHe, minus ε zᵀHe (written symmetrically) and ε²/2 zᵀHz
    diff = ((e + eps * z).T * H * (e + eps * z) - e.T * H * e) / 2
    rest = (diff - eps * (z.T * H * e + e.T * H * z) / 2 - eps**2 * (z.T * H * z) / 2).expand()
    ch.add("symbolic-general", "every d (matrix symbols)", "forward difference of a quadratic: q(e + eps z) - q(e) "
           "= eps z^T H e + eps^2/2 z^T H z exactly (symmetric H): the quotient carries (eps/2) z^T H z",
           isinstance(sp.simplify(rest), sp.ZeroMatrix) or rest == sp.ZeroMatrix(1, 1))
    for scheme, want in (("central", "sigma**2/(2*epsilon**2*k)"), ("forward", "2*sigma**2/(epsilon**2*k)")):
        got, (k, sigma, eps_s) = noise_covariance_sym(scheme)
        ok = is_zero(got - sp.sympify(want, locals={"sigma": sigma, "epsilon": eps_s, "k": k}))
        ch.add("symbolic-general", "every k (summation with k symbolic)",
               f"{scheme}: noise covariance of g-hat = {want} I (the shared xi_0 of the forward scheme adds "
               "sigma^2/(eps^2 k) I, not k times more: the cross terms meet E[z_i z_j^T] = 0)", ok)


def _sixth(ch: Checks) -> None:
    d = 3
    Hs = sp.Matrix(d, d, lambda i, j: sp.Symbol(f"h{min(i, j)}{max(i, j)}", real=True))
    zsym = sp.symbols("z0:3", real=True)
    zv = sp.Matrix(zsym)
    poly = ((zv.T * Hs * zv)[0]) ** 2 * (zv * zv.T)

    def gaussian_mean(expr: Any) -> Any:
        p = sp.Poly(sp.expand(expr), *zsym)
        out = sp.Integer(0)
        for powers, coeff in p.terms():
            if all(q % 2 == 0 for q in powers):
                out += coeff * sp.prod([sp.factorial2(q - 1) if q else 1 for q in powers])
        return out

    gauss = poly.applyfunc(gaussian_mean)
    rad = sp.zeros(d, d)
    for signs in itertools.product((-1, 1), repeat=d):
        rad += poly.subs(dict(zip(zsym, signs, strict=True)))
    rad /= 2**d
    tr = Hs.trace()
    closed_gauss = (tr**2 + 2 * (Hs * Hs).trace()) * sp.eye(d) + 4 * tr * Hs + 8 * Hs * Hs
    ch.add("symbolic-fixed-size", "d = 3, symbolic symmetric H (Isserlis)",
           "Gaussian E[(z^T H z)^2 z z^T] = ((tr H)^2 + 2 tr H^2) I + 4 tr(H) H + 8 H^2",
           matrix_is_zero(gauss - closed_gauss))
    rng = np.random.default_rng(1616)
    worst = 0.0
    for _ in range(5):
        B = rng.standard_normal((d, d))
        Hn = B + B.T
        sub = {Hs[i, j]: Hn[i, j] for i in range(d) for j in range(d)}
        for law, exact in (("gaussian", gauss), ("rademacher", rad)):
            ref = np.array(exact.subs(sub).evalf(), dtype=float)
            worst = max(worst, float(np.max(np.abs(zs.direction_sixth_moment(Hn, law) - ref))) / max(
                1.0, float(np.max(np.abs(ref)))))
    ch.add("symbolic-fixed-size", "d = 3, Gaussian (Isserlis) and Rademacher (8 sign vectors), symbolic H; library "
           "at 5 random H", "library direction_sixth_moment = the exact expectation, rel. error <= 1e-12",
           worst <= 1e-12)


def _one_step(ch: Checks) -> None:
    d, k, sigma, eps, lr = 3, 2, 0.3, 0.2, 0.1
    H = np.array([[2.0, 0.5, 0.0], [0.5, 1.0, 0.3], [0.0, 0.3, 0.5]])
    q = zs.Quadratic(H, np.zeros(d))
    e = np.array([0.7, -0.4, 1.1])
    signs = list(itertools.product((-1.0, 1.0), repeat=d))
    worst = 0.0
    for scheme in zs.SCHEMES:
        total = 0.0
        for combo in itertools.product(signs, repeat=k):
            Z = np.array(combo)
            m = zs.spsa_gradient(q, e, directions=Z, eps=eps, scheme=scheme)
            s = Z.sum(axis=0)
            cov = (sigma**2 / (2 * eps**2 * k**2) * Z.T @ Z if scheme == "central"
                   else sigma**2 / (k**2 * eps**2) * (Z.T @ Z + np.outer(s, s)))
            total += q.loss(e - lr * m) + 0.5 * lr**2 * float(np.sum(H * cov))
        enumerated = total / len(signs) ** k
        predicted = float(zs.expected_gap_curve(q, e, steps=1, lr=lr, k=k, distribution="rademacher",
                                                scheme=scheme, noise=sigma, eps=eps)[1])
        worst = max(worst, abs(predicted - enumerated) / enumerated)
    ch.add("exact-enumeration", "Rademacher d = 3, k = 2 (64 direction pairs), noise integrated in closed form, "
           "both schemes", "library one-step noisy gap = exact expectation, rel. error <= 1e-12", worst <= 1e-12)


def search_best_k(*, trials: int, seed: int = 1616, noise_levels: tuple[float, ...] = (0.0,),
                  scheme: str = "central") -> dict[str, Any]:
    """Random spectra x horizons: how often, and by how much, a k > 1 beats k = 1 on the exact curve."""
    rng = np.random.default_rng(seed)
    cases, wins, best_gain = 0, 0, 0.0
    example: dict[str, Any] | None = None
    for trial in range(trials):
        d = int(rng.integers(1, 41))
        r = int(rng.integers(1, d + 1))
        lam = np.zeros(d)
        lam[:r] = np.exp(rng.uniform(-6.0, 0.0, r))
        lam[0] = 1.0
        q = zs.Quadratic(np.diag(lam), np.zeros(d))
        x0 = rng.standard_normal(d)
        dist = ("gaussian", "sphere")[trial % 2]
        for budget in (4, 16, 256, 2048):
            for rel in noise_levels:
                sigma = rel * 1e-2 * math.sqrt(q.loss(x0))  # eps = 1e-2: rel = noise quotient / sqrt(initial gap)
                p = zs.plan(q, x0, budget=budget, distribution=dist, scheme=scheme, noise=sigma, eps=1e-2, ks=KS)
                cases += 1
                g1 = p.table[0]["gap"]
                if p.k != 1 and p.gap < g1 * (1 - 1e-9):
                    wins += 1
                    gain = 1.0 - p.gap / g1
                    if gain > best_gain:
                        best_gain = gain
                        example = {"d": d, "rank": r, "law": dist, "budget": budget, "noise_rel": rel, "k": p.k,
                                   "gain": gain}
    return {"cases": cases, "wins_k_gt_1": wins, "largest_relative_gain": best_gain, "example": example}


def verify(*, quick: bool = False) -> dict[str, Any]:
    """Run the checks of this claim (see the module docstring) and return its verdict dictionary."""
    ch = Checks()
    _symbolic(ch)
    _sixth(ch)
    _one_step(ch)
    trials = 12 if quick else 200
    clean = search_best_k(trials=trials)
    ch.add("numeric-search", f"{clean['cases']} cases: random spectra with d at most 40, budgets 4..2048 evaluations, "
           "Gaussian and sphere, k in {1, 2, 4, 8, 16}, lr tuned per k, central, no noise",
           f"k = 1 is best in every case ({clean['wins_k_gt_1']} exceptions)", clean["wins_k_gt_1"] == 0)
    fwd = search_best_k(trials=max(4, trials // 10), scheme="forward")
    ch.add("numeric-search", f"{fwd['cases']} cases, forward scheme, no noise",
           f"a k > 1 beats k = 1 in {fwd['wins_k_gt_1']} cases (largest gain "
           f"{100 * fwd['largest_relative_gain']:.0f}%): the shared L(x) makes a direction cost (k + 1)/k evaluations",
           fwd["wins_k_gt_1"] > 0)
    noisy = search_best_k(trials=max(4, trials // 5), noise_levels=(1e-2, 1.0, 100.0))
    ch.add("numeric-search", f"{noisy['cases']} cases, central, three noise levels (a hundredth, one and a hundred "
           "times epsilon times the root of the initial gap)",
           f"with noise a k > 1 is best in {noisy['wins_k_gt_1']} cases, by at most "
           f"{100 * noisy['largest_relative_gain']:.0f}% of the gap: the best k grows with the noise",
           noisy["wins_k_gt_1"] > 0)
    numbers: dict[str, Any] = {"search_central_clean": clean, "search_forward_clean": fwd,
                               "search_central_noisy": noisy}
    try:
        fig = json.loads(FIG_JSON.read_text())
        ch.add("statistical-test", "the budget figure's committed results: scikit-learn instances, Monte Carlo "
               "over k",
               f"measured best k against the planned one: {fig.get('finding', '')}", bool(fig.get("confirmed")))
        numbers["fig_budget_confirmed"] = bool(fig.get("confirmed"))
    except (OSError, ValueError):
        ch.add("statistical-test", "the budget figure's committed results", "fig_budget's JSON is missing: run make "
               "figures", False)
    return result(
        id="C16", title="Noisy losses, two thresholds, and the best k at a fixed budget", provenance="[derived]",
        title_tex=r"Noisy losses, two thresholds, the best $k$ at a fixed budget",
        statement_tex=(r"\Sigma_{t+1} = \mathcal C_{13}(\Sigma_t) + \eta^2 Q,\quad Q_{\rm central} = "
                       r"\frac{\sigma^2}{2\varepsilon^2k}I,\quad Q_{\rm forward} = \frac{2\sigma^2}{\varepsilon^2k}I + "
                       r"\frac{\varepsilon^2}{4k}E[(z^\top Hz)^2zz^\top];\ k^* = 1 \text{ without noise (central)}"),
        statement="With N(0, sigma^2) noise on each loss, the C13 recursion gains + eta^2 Q (central "
                  "Q = sigma^2/(2 eps^2 k) I; forward Q = 2 sigma^2/(eps^2 k) I + eps^2/(4k) E[(z^T H z)^2 z z^T]); "
                  "at a fixed budget with lr tuned per k, the central scheme's best k is 1 without noise, the forward "
                  "scheme's can exceed 1, and with noise the best k grows (by a few percent of the gap at most in the "
                  "search).",
        checks=ch, correction=None, key_numbers=numbers,
        summary="noise term symbolic for every k; sixth moments at d = 3; enumerated one step; best k by numeric "
                "search",
    )
