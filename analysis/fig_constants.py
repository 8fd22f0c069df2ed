r"""Figure 6 (C4-C6): the paper family's constants and the library's proven ones against the empirical suprema.

Claims C4 (smoothness), C5 (strong convexity) and C6 (gradient bound), [paper]/[derived]. The three
constants of the middle matrix :math:`B(x)` (C3) and of the residual gradient :math:`Sc` (C2), as
functions of :math:`f = \mathrm{softmax}(y)` and of the target ``b``:

.. math:: \beta^+ = \sup \lambda_{\max}(B), \qquad \beta^- = \sup\,(-\lambda_{\min}(B)), \qquad
          G = \sup \|S c\| ,

over all logits ``y`` and the admissible targets: the simplex (``b >= 0``, ``sum b = 1``) and the unit ball
(``||b||_2 <= 1``). Three values of each:

* the paper family's (reconstructed): 4 for :math:`\|B\|` (so for both :math:`\beta^\pm`, C4/C5) and
  :math:`\|Sc\| \le 2` (the ``2R``-type bound, C6);
* the library's proven ones, :func:`zosoftmax.beta_constants` and :func:`zosoftmax.residual_gradient_bound`,
  at the target of largest range in the set (they depend on ``b`` only through :math:`\rho = \max b - \min b`:
  :math:`\rho = 1` on the simplex at a vertex, :math:`\sqrt2` on the ball at :math:`(e_1 - e_2)/\sqrt2`);
* the empirical supremum for ``n = 2..8``: what the proofs' adversarial search found
  (:func:`proofs._search.search`: random starts of every logit scale, a batched evolution strategy and
  L-BFGS-B, over the logits and the extreme points of the target set, the value at the maximizer recomputed
  through :meth:`zosoftmax.SoftmaxRegression.B` and ``.gradient`` with ``A = I``). The figure does not search
  again: it reads the same function and the same cache as ``make verify`` (C4, C6), so whichever runs first
  computes each search once.

Plotted as ratios (log scale): paper-family / empirical and proven / empirical. The claim "the constant is an
upper bound" is confirmed when every empirical supremum is at most the proven constant and at most the
paper family's; the ratios say how loose each is.
"""

from __future__ import annotations

from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure
from proofs import _search

import zosoftmax as zs

from ._common import Runner, as_runner, run_figure

__all__ = ["NAME", "QUANTITIES", "TARGET_SETS", "compute", "plot", "main", "proven"]

NAME = "fig_constants"
QUANTITIES = ("beta_plus", "beta_minus", "grad")  # λ_max(B), −λ_min(B), ‖Sc‖
SEARCHED = {"beta_plus": "beta_plus", "beta_minus": "beta_minus", "grad": "sc"}  # the search's names
TARGET_SETS = _search.SETS  # ("simplex", "ball")
PAPER = {"beta_plus": 4.0, "beta_minus": 4.0, "grad": 2.0}  # reconstructed paper-family constants (CLAIMS.md)
LABELS = {"beta_plus": r"$\beta^+ = \sup\lambda_{\max}(B)$", "beta_minus": r"$\beta^- = \sup(-\lambda_{\min}(B))$",
          "grad": r"$G = \sup\|Sc\|$"}
SHORT = {"beta_plus": r"$\beta^+$", "beta_minus": r"$\beta^-$", "grad": r"$\sup\|Sc\|$"}
ROUNDING = 1e-12  # relative slack for "empirical <= proven": eigvalsh of an n x n matrix, n <= 8, in float64


def _worst_target(n: int, target_set: str) -> np.ndarray:
    """The admissible target of largest range ρ: a vertex (simplex, ρ = 1) or (e1 − e2)/√2 (ball, ρ = √2)."""
    b = np.zeros(n)
    if target_set == "simplex":
        b[0] = 1.0
    else:
        b[0], b[1] = 2**-0.5, -(2**-0.5)
    return b


def proven(n: int, target_set: str) -> dict[str, float]:
    """The library's proven constants at the worst admissible target (they depend on b only through ρ)."""
    b = _worst_target(n, target_set)
    beta_plus, beta_minus = zs.beta_constants(b)
    return {"beta_plus": beta_plus, "beta_minus": beta_minus, "grad": zs.residual_gradient_bound(b)}


def compute(profile: str, runner: Runner | None = None) -> dict[str, Any]:
    """The proofs' suprema for n = 2..8 (quick: 2, 3) and both target sets; ratios to the constants.

    One task per (target set, quantity, n): :func:`proofs._search.search`, run through ``runner``, cached by
    the search itself (``proofs._search.CACHE``), not a second time by the runner.
    """
    quick = profile == "quick"
    ns = _search.n_values(quick)
    tasks = [{"quantity": SEARCHED[q], "bset": ts, "n": n, "quick": quick, "cache_dir": str(_search.CACHE)}
             for ts in TARGET_SETS for q in QUANTITIES for n in ns]
    found = iter(as_runner(runner).map(_search.search, tasks, key="search", cache=False))
    per_n: dict[str, dict[str, list[dict[str, Any]]]] = {
        ts: {q: [{"n": n, "sup": (r := next(found))["value"], "f": r["f"], "b": r["b"]} for n in ns]
             for q in QUANTITIES} for ts in TARGET_SETS}
    rows = []
    for ts in TARGET_SETS:
        prov = proven(max(ns), ts)
        for q in QUANTITIES:
            emp = max(r["sup"] for r in per_n[ts][q])
            rows.append({"set": ts, "quantity": q, "empirical_sup": emp, "proven": prov[q], "paper": PAPER[q],
                         "proven_over_empirical": prov[q] / emp, "paper_over_empirical": PAPER[q] / emp,
                         "sup_over_n2": emp / per_n[ts][q][0]["sup"]})  # > 1 only if larger n reaches higher
    valid = all(r["empirical_sup"] <= r["proven"] * (1 + ROUNDING) and r["empirical_sup"] <= r["paper"]
                for r in rows)
    worst_paper = max(rows, key=lambda r: r["paper_over_empirical"])
    loosest = max(r["proven_over_empirical"] for r in rows)
    tightest = min(r["proven_over_empirical"] for r in rows)
    get = {(r["set"], r["quantity"]): r for r in rows}
    simplex = {q: get["simplex", q]["empirical_sup"] for q in QUANTITIES}
    finding = (f"every empirical sup is below the proven constant ({tightest:.2f}-{loosest:.2f}x) and below the "
               f"paper family's ({min(r['paper_over_empirical'] for r in rows):.1f}-"
               f"{worst_paper['paper_over_empirical']:.1f}x); simplex: β+ {simplex['beta_plus']:.4f}, "
               f"β- {simplex['beta_minus']:.4f}, ‖Sc‖ {simplex['grad']:.4f}"
               if valid else "an empirical sup exceeds a proven or paper-family constant: "
               + ", ".join(f"{r['set']}/{r['quantity']} {r['empirical_sup']:.4f} vs {r['proven']:.4f}" for r in rows))
    return {
        "claim": "C4, C5, C6", "ns": list(ns), "search": "proofs._search.search" + (" (quick)" if quick else ""),
        "rows": rows, "per_n": per_n, "paper_constants": PAPER,
        **{f"{ts}_{q}_empirical": get[ts, q]["empirical_sup"] for ts in TARGET_SETS for q in QUANTITIES},
        **{f"{ts}_{q}_proven": get[ts, q]["proven"] for ts in TARGET_SETS for q in QUANTITIES},
        "max_paper_over_empirical": worst_paper["paper_over_empirical"],
        "max_proven_over_empirical": loosest, "min_proven_over_empirical": tightest,
        "max_sup_over_n2": max(r["sup_over_n2"] for r in rows),
        "criterion": (f"every empirical sup (the proofs' adversarial search, n = {ns[0]}..{ns[-1]}, "
                      "both target sets) <= the library's proven constant (relative rounding 1e-12) and <= the "
                      "paper family's constant"),
        "confirmed": bool(valid),
        "finding": finding,
    }


def plot(data: dict[str, Any]) -> Figure:
    """Bars: paper-family / empirical and proven / empirical (log scale); right: the empirical sup against n."""
    fig, axes = plt.subplots(1, 2, figsize=(10.0, 3.8), gridspec_kw={"width_ratios": [1.5, 1]})
    ax = axes[0]
    rows = data["rows"]
    x = np.arange(len(rows))
    ax.bar(x - 0.2, [r["paper_over_empirical"] for r in rows], 0.38, color="C3", label="paper family / empirical")
    ax.bar(x + 0.2, [r["proven_over_empirical"] for r in rows], 0.38, color="C0", label="proven (library) / empirical")
    for i, r in enumerate(rows):
        ax.text(i - 0.2, r["paper_over_empirical"] * 1.05, f"{r['paper_over_empirical']:.1f}", ha="center",
                fontsize=6.5)
        ax.text(i + 0.2, r["proven_over_empirical"] * 1.05, f"{r['proven_over_empirical']:.2f}", ha="center",
                fontsize=6.5)
    ax.axhline(1.0, color="k", lw=1)
    ax.set_yscale("log")
    ax.set_xticks(x, [f"{SHORT[r['quantity']]}\n{r['set']}\n(sup {r['empirical_sup']:.3f})" for r in rows],
                  fontsize=7)
    ax.set_ylim(0.8, 4 * max(r["paper_over_empirical"] for r in rows))  # headroom for the legend
    ax.set_ylabel("constant / empirical supremum (>= 1: valid)")
    ax.legend(fontsize=7, loc="upper center", ncol=2)
    ax = axes[1]
    for i, q in enumerate(QUANTITIES):
        for ts, ls in (("simplex", "-"), ("ball", "--")):
            pts = data["per_n"][ts][q]
            ax.plot([p["n"] for p in pts], [p["sup"] for p in pts], ls, marker="o", ms=3, color=f"C{i}",
                    label=f"{LABELS[q]}, {ts}")
    ax.set_xlabel("n (softmax width)")
    ax.set_ylabel("empirical supremum")
    top = max(p["sup"] for ts in TARGET_SETS for q in QUANTITIES for p in data["per_n"][ts][q])
    ax.set_ylim(top=1.5 * top)  # room for the legend above the curves
    ax.legend(fontsize=6, ncol=2, loc="upper center")
    fig.suptitle(f"C4-C6: constants of B(x) and Sc, empirical sup over n = {data['ns'][0]}..{data['ns'][-1]} "
                 f"(the proofs' search); valid: {data['confirmed']}", fontsize=10)
    fig.tight_layout()
    return fig


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Command line: ``python -m analysis.fig_constants [--quick] [--outdir DIR]``."""
    return run_figure(NAME, compute, plot, argv, __doc__)


if __name__ == "__main__":
    main()
