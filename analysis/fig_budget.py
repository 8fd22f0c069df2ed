r"""Figure (C16): the best number of directions at a fixed budget of loss evaluations, and the two step thresholds.

Claim C16 [derived]: at a budget of loss evaluations with the step tuned per ``k`` on the exact curve
(:func:`zosoftmax.plan`), the central scheme's best ``k`` is 1 without noise; with noisy losses the curve flattens
in ``k``. And two thresholds: the mean gap converges below :math:`\eta^*` (:func:`zosoftmax.max_stable_lr`), a
typical run converges below :math:`\eta_{\rm a.s.} \ge \eta^*` (:func:`zosoftmax.almost_sure_lr`).

Setting: scikit-learn's wine and breast cancer (:func:`zosoftmax.load_instance` defaults), ZO-GD from
:math:`x_0 = 0`, Gaussian directions, central scheme, ε = 1e-4, a budget of ``budget`` loss evaluations
(``budget / 2k`` steps). Noise: none, or :math:`\sigma = \varepsilon\sqrt{L(x_0) - L^*}` on every evaluation.
Left and middle: the measured mean final gap over the initial gap against ``k`` (band ± z·SE), with the planned
(predicted) one. Right: the fraction of diverging runs on wine (k = 1, no noise, ``div_steps`` steps; a run
diverges when it raises :class:`zosoftmax.DivergenceError` or ends above its initial gap) against :math:`\eta/\eta^*`,
with both thresholds marked.

Each prediction is stated before its measurement in the JSON. Verdict: confirmed when (1) on every instance and
noise level the measured mean final gap at each ``k`` is within the Bonferroni z·SE of the plan's prediction, (2) the
measured best ``k`` is the planned one or their measured difference is within z·SE (what the runs resolve), and
(3) the diverging fraction is at most 10% at every step below :math:`0.85\,\eta_{\rm a.s.}` (low end of its
interval) and at least 90% at every step above :math:`1.15\,\eta_{\rm a.s.}` (high end).
"""

from __future__ import annotations

import math
import warnings
from statistics import NormalDist
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

import zosoftmax as zs

from ._common import Runner, as_runner, run_figure

__all__ = ["INSTANCES", "NAME", "compute", "main", "plot"]

NAME = "fig_budget"
INSTANCES = ("wine", "breast_cancer")
DISPLAY = {"breast_cancer": "breast cancer"}
KS = (1, 2, 4, 8, 16)
DISTRIBUTION, EPS = "gaussian", 1e-4
NOISES = {"none": 0.0, "sigma = eps sqrt(gap0)": 1.0}  # noise level / (eps sqrt(initial gap))
FAMILY_ALPHA = 0.01  # family-wise level of all the comparisons of one instance and noise level (Bonferroni)
DIV_INSTANCE = "wine"
DIV_FRACTIONS = (0.8, 0.9, 1.0, 1.1, 1.2, 1.3, 1.4, 1.5, 1.7, 2.0)  # lr / eta* in the divergence panel
SIDE = 0.10  # the divergence verdict: <= 10% below 0.85 low, >= 90% above 1.15 high
SIZES = {"quick": {"runs": 40, "budget": 160, "div_runs": 20, "div_steps": 150, "lyap_steps": 400},
         "default": {"runs": 400, "budget": 800, "div_runs": 100, "div_steps": 400, "lyap_steps": 2000},
         "full": {"runs": 2000, "budget": 1600, "div_runs": 400, "div_steps": 800, "lyap_steps": 4000}}


def _solved(name: str) -> tuple[zs.SoftmaxRegression, np.ndarray, float]:
    p = zs.load_instance(name)
    sol = zs.newton(p)
    return p, sol.x, float(sol.losses[-1])


def _plan_rows(name: str, budget: int, noise_rel: float) -> tuple[zs.Plan, float, float]:
    p, x_star, loss_star = _solved(name)
    gap0 = p.loss(np.zeros(p.d)) - loss_star
    sigma = noise_rel * EPS * math.sqrt(gap0)
    return zs.plan(p, np.zeros(p.d), budget=budget, distribution=DISTRIBUTION, noise=sigma, eps=EPS, x_star=x_star,
                   ks=KS), sigma, gap0


def _budget_runs(name: str, k: int, lr: float, steps: int, sigma: float, runs: int, seed: int) -> dict[str, Any]:
    """``runs`` runs at one k: the mean and sample standard deviation of the final gap."""
    p, _, loss_star = _solved(name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", zs.PrecisionWarning)
        traj = zs.zo_gd_batch(p, np.zeros(p.d), runs=runs, steps=steps, lr=lr, k=k, eps=EPS,
                              distribution=DISTRIBUTION, rng=seed, noise=sigma)
    final = traj.losses[:, -1] - loss_star
    return {"mean": float(final.mean()), "sd": float(final.std(ddof=1)), "runs": runs}


def _divergence(name: str, lr: float, runs: int, steps: int, seed: int) -> dict[str, Any]:
    """Fraction of single runs that diverge (DivergenceError, or a final gap above the initial one)."""
    p, _, loss_star = _solved(name)
    gap0 = p.loss(np.zeros(p.d)) - loss_star
    diverged = 0
    gen = np.random.default_rng(seed)
    for _ in range(runs):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", zs.PrecisionWarning)
                with np.errstate(over="ignore", invalid="ignore"):
                    traj = zs.zo_gd(p, np.zeros(p.d), steps=steps, lr=lr, k=1, eps=EPS, distribution=DISTRIBUTION,
                                    rng=gen)
            diverged += int(not traj.losses[-1] - loss_star < gap0)
        except (zs.DivergenceError, FloatingPointError, ValueError):
            diverged += 1
    return {"diverged": diverged, "runs": runs}


def compute(profile: str = "default", *, runner: Runner | None = None) -> dict[str, Any]:
    """Plans, then the measured runs for every instance, noise level and k; then the divergence sweep."""
    runner = as_runner(runner)
    size = SIZES[profile]
    budget = size["budget"]
    out: dict[str, Any] = {"claim": "C16", "instances": list(INSTANCES), "ks": list(KS), "budget": budget,
                           "distribution": DISTRIBUTION, "eps": EPS, "profile_sizes": size}
    tasks, where = [], []
    for name in INSTANCES:
        for label, rel in NOISES.items():
            plan, sigma, gap0 = _plan_rows(name, budget, rel)
            entry = {"noise_rel": rel, "sigma": sigma, "gap0": gap0,
                     "prediction": {"best_k": plan.k, "rows": [dict(r) for r in plan.table]}}
            out.setdefault(name, {})[label] = entry
            for i, row in enumerate(plan.table):
                tasks.append({"name": name, "k": int(row["k"]), "lr": float(row["lr"]), "steps": int(row["steps"]),
                              "sigma": sigma, "runs": size["runs"], "seed": 1600 + 10 * i + int(rel > 0)})
                where.append((name, label))
    results = runner.map(_budget_runs, tasks, key=f"{NAME}-budget")
    confirmed, notes = True, []
    for name in INSTANCES:
        for label in NOISES:
            entry = out[name][label]
            mine = [res for res, w in zip(results, where, strict=True) if w == (name, label)]
            rows = entry["prediction"]["rows"]
            z = NormalDist().inv_cdf(1 - FAMILY_ALPHA / (2 * (len(rows) + 1)))
            measured = []
            for row, res in zip(rows, mine, strict=True):
                se = res["sd"] / math.sqrt(res["runs"])
                measured.append({"k": row["k"], "mean": res["mean"], "se": se,
                                 "z": (res["mean"] - row["gap"]) / se if se > 0 else math.inf})
            best = min(measured, key=lambda m: m["mean"])
            planned = next(m for m in measured if m["k"] == entry["prediction"]["best_k"])
            diff_z = (planned["mean"] - best["mean"]) / math.hypot(planned["se"], best["se"]) if best is not planned \
                else 0.0
            ok_curve = all(abs(m["z"]) <= z for m in measured)
            ok_best = diff_z <= z
            entry["measured"] = {"rows": measured, "best_k": best["k"], "planned_minus_best_z": diff_z,
                                 "z_threshold": z, "within_z": ok_curve, "best_resolved": ok_best}
            confirmed &= ok_curve and ok_best
            notes.append(f"{DISPLAY.get(name, name)} ({label}): planned k = {entry['prediction']['best_k']}, "
                         f"measured best k = {best['k']} (difference {diff_z:.1f} SE), largest z-score "
                         f"{max(abs(m['z']) for m in measured):.1f} (threshold {z:.2f})")
    # --- two thresholds on real data
    p, x_star, _ = _solved(DIV_INSTANCE)
    eta_ms = zs.max_stable_lr(p, 1, DISTRIBUTION, x_star=x_star)
    eta_as, low, high = zs.almost_sure_lr(p, 1, DISTRIBUTION, x_star=x_star, steps=size["lyap_steps"], rng=16)
    div_tasks = [{"name": DIV_INSTANCE, "lr": f * eta_ms, "runs": size["div_runs"], "steps": size["div_steps"],
                  "seed": 1700 + i} for i, f in enumerate(DIV_FRACTIONS)]
    div = runner.map(_divergence, div_tasks, key=f"{NAME}-divergence")
    points = [{"fraction_of_eta_ms": f, "lr": f * eta_ms, "diverged_fraction": d["diverged"] / d["runs"]}
              for f, d in zip(DIV_FRACTIONS, div, strict=True)]
    below = [pt["diverged_fraction"] for pt in points if pt["lr"] < 0.85 * low]
    above = [pt["diverged_fraction"] for pt in points if pt["lr"] > 1.15 * high]
    ok_div = all(v <= SIDE for v in below) and all(v >= 1 - SIDE for v in above)
    confirmed &= ok_div
    out["thresholds"] = {"instance": DIV_INSTANCE, "k": 1,
                         "prediction": {"max_stable_lr": eta_ms, "almost_sure_lr": eta_as, "almost_sure_low": low,
                                        "almost_sure_high": high, "ratio": eta_as / eta_ms},
                         "measured": {"points": points, "runs": size["div_runs"], "steps": size["div_steps"],
                                      "below_ok": all(v <= SIDE for v in below),
                                      "above_ok": all(v >= 1 - SIDE for v in above)}}
    fractions = ", ".join(f"{pt['diverged_fraction']:.2f}" for pt in points)
    multiples = ", ".join(f"{f:g}" for f in DIV_FRACTIONS)
    notes.append(f"wine: eta_a.s. = {eta_as / eta_ms:.2f} eta* (interval {low / eta_ms:.2f}-{high / eta_ms:.2f}); "
                 f"diverging fraction {fractions} at {multiples} eta*")
    out["finding"] = "; ".join(notes)
    out["criterion"] = ("measured mean final gap within Bonferroni z*SE of the plan at every k; measured best k the "
                        "planned one or within z*SE of it; diverging fraction <= 10% below 0.85 low and >= 90% above "
                        "1.15 high of the almost-sure threshold")
    out["confirmed"] = bool(confirmed)
    return out


def plot(data: dict[str, Any]) -> Figure:
    """Measured and planned final gap against k (one panel per instance), and the divergence sweep."""
    names = data["instances"]
    fig, axes = plt.subplots(1, len(names) + 1, figsize=(6.7, 3.6), layout="constrained")
    for ax, name in zip(axes, names, strict=False):
        for j, entry in enumerate(data[name].values()):
            ks = [r["k"] for r in entry["prediction"]["rows"]]
            pred = np.array([r["gap"] for r in entry["prediction"]["rows"]]) / entry["gap0"]
            meas = entry["measured"]
            mean = np.array([m["mean"] for m in meas["rows"]]) / entry["gap0"]
            se = np.array([m["se"] for m in meas["rows"]]) / entry["gap0"]
            z = meas["z_threshold"]
            color = f"C{j}"
            ax.fill_between(ks, np.maximum(mean - z * se, 1e-300), mean + z * se, color=color, alpha=0.25, lw=0)
            noise = "no noise" if j == 0 else r"$\sigma = \varepsilon\sqrt{gap_0}$"
            ax.plot(ks, mean, "o-", color=color, ms=3.5, label=f"measured, {noise}")
            ax.plot(ks, pred, "k--", lw=1, marker="x", ms=4, label="planned (exact curve)" if j == 0 else None)
        ax.set_xscale("log", base=2)
        ax.set_yscale("log")
        ax.set_xlabel("directions per step $k$")
        ax.set_ylabel(r"$E[L(x_T)] - L^*$ / initial gap")
        ax.set_title(f"{DISPLAY.get(name, name)}:\nbudget {data['budget']} evaluations")
        ax.legend(fontsize=7, loc="lower right")
    ax = axes[-1]
    th = data["thresholds"]
    pts = th["measured"]["points"]
    ax.plot([pt["fraction_of_eta_ms"] for pt in pts], [pt["diverged_fraction"] for pt in pts], "o-", color="C3",
            label=f"measured ({th['measured']['runs']} runs)")
    ax.axvline(1.0, color="k", ls="--", lw=1, label=r"$\eta^*$ (mean square)")
    pr = th["prediction"]
    ax.axvspan(pr["almost_sure_low"] / pr["max_stable_lr"], pr["almost_sure_high"] / pr["max_stable_lr"],
               color="0.6", alpha=0.4)
    ax.axvline(pr["ratio"], color="0.3", ls=":", lw=1.2, label=r"$\eta_{\rm a.s.}$ (typical run)")
    ax.set_xlabel(r"step size $\eta/\eta^*$")
    ax.set_ylabel("fraction of runs diverging")
    ax.set_title(f"{DISPLAY.get(th['instance'], th['instance'])}: two\nthresholds, k = 1")
    ax.legend(fontsize=7, loc="center right")
    fig.suptitle("C16: the best k at a fixed budget (lr tuned per k), and the two stability thresholds")
    return fig


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Command line: ``python -m analysis.fig_budget [--quick] [--outdir DIR]``."""
    return run_figure(NAME, compute, plot, argv, __doc__)


if __name__ == "__main__":
    main()
