r"""Figure 4 (C11): global linear convergence of GD and ZO-GD, against iterations and against forward passes.

Claim C11 [paper]/[MeZO]: with :math:`\eta = 1/(\ell\gamma)` (:func:`zosoftmax.step_size`) and the PL
constant :math:`\mu` (:func:`zosoftmax.pl_constant`, from C5),

.. math:: E[L(x_t)] - L^* \le \Big(1 - \frac{\mu}{\ell\gamma}\Big)^t\,(L(x_0) - L^*)

(:func:`zosoftmax.rate_bound`); GD with :math:`\eta = 1/\ell` has the classical :math:`(1 - \mu/\ell)^t`,
the :math:`\gamma = 1` case. :math:`L^*` comes from the Newton solve :func:`zosoftmax.newton`, not from
the runs.

Setting: a regularized instance with :math:`w_i^2 = \beta^- + 1` (so :math:`\mu > 0` by C5), ZO-GD with
Gaussian directions, central scheme, ε = 1e-3, k ∈ {1, 4, 16}; medians and 10-90% bands over seeds
(:func:`analysis._common.zo_runs`). Each method runs for the horizon after which its own bound guarantees
a gap of ``ACCURACY`` times the initial gap (:func:`zosoftmax.iteration_bound`). The measured rate is
:func:`zosoftmax.linear_rate` of the median gap; the claim is confirmed when it is at most the bound's rate.
The right panel counts loss evaluations: ``2k`` per ZO step, one per GD step (its backward pass not counted).
"""

from __future__ import annotations

import math
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

import zosoftmax as zs

from ._common import PROFILES, band, cached, run_figure, zo_runs

__all__ = ["NAME", "compute", "plot", "main"]

NAME = "fig_convergence"
N_ROWS, DIM = 64, 32  # rank(A) = d, so the regularizer makes L strongly convex
INSTANCE_SEED, START_SEED = 7, 8
MARGIN = 1.0  # w² = β⁻ + MARGIN: μ = MARGIN · σ_min(A)² > 0 (C5)
KS = (1, 4, 16)
DISTRIBUTION, EPS = "gaussian", 1e-3  # central bias O(ε²): a gap floor ~(1e-6)²/μ, below the fitted range
# horizon: each method runs until its bound reaches ACCURACY · Δ₀ (quick: a shorter horizon)
ACCURACY = {"quick": 1e-3, "default": 1e-8, "full": 1e-10}
PLOT_POINTS = 250  # curves are stored at at most this many iterations (log-spaced features survive)


def _instance() -> tuple[zs.SoftmaxRegression, np.ndarray]:
    base = zs.random_instance(N_ROWS, DIM, rng=INSTANCE_SEED)
    _, beta_minus = zs.beta_constants(base.b)
    p = zs.SoftmaxRegression(base.A, base.b, np.full(N_ROWS, math.sqrt(beta_minus + MARGIN)))  # w² = β⁻ + margin
    x0 = np.random.default_rng(START_SEED).standard_normal(DIM)
    return p, x0


def _summary(losses: np.ndarray, forward_passes: np.ndarray, loss_star: float, bound_rate: float) -> dict[str, Any]:
    """Rate, subsampled median/band curves and the largest mean-gap-to-bound ratio of a (S, T+1) loss array."""
    losses = np.atleast_2d(losses)
    gaps = losses - loss_star
    T = gaps.shape[1] - 1
    idx = np.unique(np.linspace(0, T, PLOT_POINTS).round().astype(int))
    bound_line = bound_rate ** np.arange(T + 1) * gaps[:, 0].mean()  # C11: (1 − μ/(ℓγ))^t Δ₀
    return {"steps": T, "t": idx.tolist(), "forward_passes": np.asarray(forward_passes)[idx].tolist(),
            "measured_rate": zs.linear_rate(losses, loss_star), "bound_rate": bound_rate,
            "bound": bound_line[idx].tolist(),
            "max_mean_gap_over_bound": float(np.max(gaps.mean(axis=0)[1:] / bound_line[1:])),
            **band(np.maximum(gaps[:, idx], 0.0))}


def _run_zo(k: int, seeds: int, accuracy: float, loss_star: float) -> dict[str, Any]:
    p, x0 = _instance()
    gap0 = p.loss(x0) - loss_star
    steps = int(zs.iteration_bound(p, x0, k, DISTRIBUTION, accuracy * gap0, loss_star=loss_star))
    traj = zo_runs(p, x0, seeds=seeds, steps=steps, lr=zs.step_size(p, k, DISTRIBUTION), k=k, eps=EPS,
                   distribution=DISTRIBUTION, rng=k)
    return _summary(traj.losses, traj.forward_passes, loss_star, zs.rate_bound(p, k, DISTRIBUTION))


def _run_gd(accuracy: float, loss_star: float) -> dict[str, Any]:
    p, x0 = _instance()
    ell, mu = zs.smoothness_bound(p), zs.pl_constant(p)
    rate = 1.0 - mu / ell  # classical GD rate with η = 1/ℓ under μ-PL: C11 with γ = 1
    steps = math.ceil(math.log(accuracy) / math.log(rate))
    traj = zs.gd(p, x0, steps=steps, lr=1.0 / ell)
    return _summary(traj.losses, traj.forward_passes, loss_star, rate)


def compute(profile: str) -> dict[str, Any]:
    """GD and ZO-GD curves with their measured and bound rates (C11)."""
    prof = PROFILES[profile]
    seeds, accuracy = int(prof["seeds"]), ACCURACY[profile]
    p, x0 = _instance()
    sol = zs.newton(p, x0)
    loss_star = float(sol.losses[-1])  # L* to machine precision
    params = {"n": N_ROWS, "d": DIM, "seeds": [INSTANCE_SEED, START_SEED], "margin": MARGIN, "accuracy": accuracy,
              "loss_star": loss_star}
    runs: dict[str, Any] = {"gd": cached(f"{NAME}-gd", params, lambda: _run_gd(accuracy, loss_star))}
    for k in KS:
        runs[f"zo_k{k}"] = cached(f"{NAME}-zo-k{k}", {**params, "k": k, "runs": seeds, "eps": EPS,
                                                      "distribution": DISTRIBUTION},
                                  lambda k=k: _run_zo(k, seeds, accuracy, loss_star))
    for r in runs.values():
        r["rate_ratio"] = r["measured_rate"] / r["bound_rate"]
        r["speedup_over_bound"] = math.log(r["measured_rate"]) / math.log(r["bound_rate"])  # ≥ 1: faster
    confirmed = all(r["measured_rate"] <= r["bound_rate"] for r in runs.values())
    H0 = zs.hessian_upper_bound(p)
    slowest = min(r["speedup_over_bound"] for r in runs.values())
    return {
        "claim": "C11",
        "max_rate_ratio": max(r["rate_ratio"] for r in runs.values()),  # measured / bound, <= 1 when confirmed
        "min_speedup_over_bound": slowest,  # log(measured) / log(bound): how much faster than guaranteed
        "n": N_ROWS, "d": DIM, "seeds": seeds, "distribution": DISTRIBUTION, "eps": EPS, "accuracy": accuracy,
        "ell": zs.smoothness_bound(p), "mu": zs.pl_constant(p), "effective_rank": zs.effective_rank(H0),
        "loss_star": loss_star, "newton_grad_norm": float(np.linalg.norm(p.gradient(sol.x))),
        "gap0": p.loss(x0) - loss_star,
        "runs": runs,
        "measured_rates": {key: r["measured_rate"] for key, r in runs.items()},
        "bound_rates": {key: r["bound_rate"] for key, r in runs.items()},
        "criterion": "fitted per-step rate of the median gap (linear_rate) <= the C11 bound rate, for GD and every k",
        "confirmed": bool(confirmed),
        "finding": ("every measured rate is within its C11 bound: "
                    + ", ".join(f"{key} {r['measured_rate']:.4f} <= {r['bound_rate']:.4f}" for key, r in runs.items())
                    + f"; the gap shrinks {slowest:.1f}x or more faster (in log) than guaranteed"
                    if confirmed else "a measured rate exceeds its C11 bound: "
                    + ", ".join(f"{key} {r['measured_rate']:.4f} vs {r['bound_rate']:.4f}" for key, r in runs.items())),
    }


def plot(data: dict[str, Any]) -> Figure:
    """Gap against iterations (left) and against loss evaluations (right), medians with bands and bound lines."""
    fig, axes = plt.subplots(1, 2, figsize=(10.0, 3.8), sharey=True)
    labels = {"gd": ("GD", "k"), **{f"zo_k{k}": (f"ZO-GD, k = {k}", f"C{i}") for i, k in enumerate(KS)}}
    for key, (label, color) in labels.items():
        r = data["runs"][key]
        for ax, xs in ((axes[0], r["t"]), (axes[1], r["forward_passes"])):
            ax.fill_between(xs, r["q10"], r["q90"], color=color, alpha=0.2, lw=0)
            ax.plot(xs, r["median"], color=color, lw=1.4, label=f"{label}: rate {r['measured_rate']:.4f}")
            ax.plot(xs, r["bound"], color=color, ls="--", lw=1, label=f"C11 bound {r['bound_rate']:.4f}")
    floor = 1e-16 * max(abs(data["loss_star"]), 1e-300)  # rounding of L near L*: below this the gap is noise
    for ax in axes:
        ax.set_yscale("log")
        ax.set_ylim(bottom=max(floor, 1e-14 * data["gap0"]))
        ax.set_ylabel(r"$L(x_t) - L^*$ (loss units)")
    axes[0].set_xlabel("iteration $t$")
    axes[1].set_xlabel("loss evaluations (forward passes)")
    axes[0].legend(fontsize=6.5, ncol=2, loc="upper right")
    fig.suptitle(f"C11: linear convergence, n = {data['n']}, d = {data['d']}, r = {data['effective_rank']:.1f}, "
                 f"$\\ell/\\mu$ = {data['ell'] / data['mu']:.1f}, {data['distribution']} directions, "
                 f"{data['seeds']} seeds (median, 10-90%)", fontsize=10)
    fig.tight_layout()
    return fig


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Command line: ``python -m analysis.fig_convergence [--quick] [--outdir DIR]``."""
    return run_figure(NAME, compute, plot, argv, __doc__)


if __name__ == "__main__":
    main()
