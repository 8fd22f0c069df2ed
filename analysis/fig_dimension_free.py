r"""Figure 5 (C10, C11): iterations of ZO-GD to a fixed accuracy are flat in ``d`` at fixed effective rank.

Claims C10 [MeZO]/[paper] and C11 [paper]/[MeZO]: with :math:`\eta = 1/(\ell\gamma)` and the PL constant
:math:`\mu`, :math:`E[L(x_t)] - L^* \le (1 - \mu/(\ell\gamma))^t\Delta_0`, so the iterations to reach
:math:`E[L(x_t)] - L^* \le \epsilon` are at most (:func:`zosoftmax.iteration_bound`)

.. math:: T = \Big\lceil\frac{\log(\Delta_0/\epsilon)}{-\log(1-\mu/(\ell\gamma))}\Big\rceil
          \approx \gamma\,\frac{\ell}{\mu}\log\frac{\Delta_0}{\epsilon}, \qquad
          \gamma = 1 + \frac{r+1}{k}\ \ (\text{Gaussian directions}),

i.e. the issue's :math:`(r/k + 1)(\ell/\mu)\log(\Delta_0/\epsilon)` with the exact Gaussian factor
:math:`(r+1)/k` in place of :math:`r/k`. They grow with the effective rank ``r`` of
:math:`H_0 = A^\top(\beta^+ I + W^2)A`, not with ``d``.

Setting. ``A = random_instance(n, d, singular_values=s)`` with exactly ``r`` singular values equal to 1 and
the others 0, and :math:`w_i^2 = \beta^- + 1` (so :math:`\mu > 0`, C5). Then ``A`` has rank ``r``,
:math:`r(H_0) = r`, and :math:`L(x)` depends on ``x`` only through the row space of ``A``: the library's
:func:`zosoftmax.strong_convexity_bound` is ``<= 0`` (no strong convexity in ``d`` dimensions) but
:func:`zosoftmax.pl_constant` (:math:`\lambda_{\min}` of :func:`zosoftmax.hessian_lower_bound` on the row
space) gives PL. The constants are evaluated on the *restriction* ``A V_r`` (``V_r`` the top right
singular vectors), an ``r``-column :class:`zosoftmax.SoftmaxRegression` with the same nonzero spectrum,
the same :math:`\ell`, :math:`\mu`, :math:`r(H_0)`, Gaussian :math:`\gamma` and :math:`L^*` (Newton solve
in ``r`` dimensions): evaluating them in ``d = 4096`` dimensions would need a 4096 x 4096 eigensolve each,
and the JSON records the agreement of both routes for every ``d <= CHECK_D``.

* Fixed ``r`` (left panel, blue): ``n = N_FIXED`` rows with ``n <= min(d)``, so the (n x n) left factor
  ``U`` of ``A`` is the same draw for every ``d`` (same seed), and the start :math:`x_0 = A^\top v` has the
  same logits :math:`Ax_0 = U U^\top v` for every ``d``: the loss sequence of ZO-GD then has *the same law*
  for every ``d`` (the directions enter only through :math:`Az \sim N(0, AA^\top)`). The prediction is a
  flat line, and the test is sharp: the slope 0 must lie in the seed-bootstrap interval of the fitted slope.
* ``r = d`` (left panel, red): ``n = d`` rows, full rank; the bound grows linearly in ``d``.
* Right panel: ``d = D_GRID`` fixed, ``r`` and ``k`` varied; iterations against :math:`\gamma`.

Accuracy: :math:`\epsilon = 10^{-4}\Delta_0` (the same :math:`\log(\Delta_0/\epsilon)` everywhere). Measured:
per seed, the first ``t`` with :math:`L(x_t) - L^* \le \epsilon` (median and 10-90% band over seeds, dots);
and the first ``t`` at which the *mean* gap over seeds is below :math:`\epsilon` (crosses), the quantity C11
bounds. Slopes are fitted to the mean-gap times, with seed-bootstrap intervals.

Verdict (``confirmed``): every mean gap reaches :math:`\epsilon` within the C11 bound, and the slope against
``d`` at fixed ``r`` is 0 within its interval. Reported but not judged: the slopes at ``r = d`` and against
:math:`\gamma`, next to the C11 *form* :math:`T(\gamma) = \log(\Delta_0/\epsilon)/(-\log(1 - c/\gamma))` with
one constant ``c`` fitted per series (the bound is :math:`c = \mu/\ell`, about half the runs' constant, so
its own curve bends differently at small :math:`\gamma`). The one-constant form is an approximation: the
runs' constant varies a little with ``r``, and an independent random stream moved the :math:`\gamma` slope
by about 0.04, more than its seed-bootstrap interval, so a sharp test of it would test the random stream.
(The median run beats the mean gap at small ``r``: per-run log-gaps contract faster than their mean, Jensen.)
"""

from __future__ import annotations

import math
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import NullFormatter, ScalarFormatter
from scipy import optimize

import zosoftmax as zs

from ._common import PROFILES, band, cached, run_figure, zo_runs

__all__ = ["NAME", "compute", "plot", "main", "restriction", "hitting_times", "bootstrap_mean_gap_times",
           "bootstrap_slope",
           "model_iterations", "fit_contraction"]

NAME = "fig_dimension_free"
INSTANCE_SEED, START_SEED, TARGET_SEED, BOOT_SEED = 11, 12, 13, 14
MARGIN = 1.0  # w² = β⁻ + MARGIN, so μ = MARGIN · σ_min² > 0 on the row space (C5)
START_SCALE = 3.0  # x0 = Aᵀ v with v ~ START_SCALE · N(0, I_n): logits of order START_SCALE, a non-trivial gap
REL_ACCURACY = 1e-4  # ε = REL_ACCURACY · Δ0: log(Δ0/ε) = 9.2 for every instance
DISTRIBUTION, EPS = "gaussian", 1e-3  # Gaussian γ = 1 + (r+1)/k is exactly d-free; central bias O(ε²) negligible
HORIZON = 1.5  # run HORIZON · T_bound steps: every seed's hitting time is observed (T_meas ≈ T_bound / 2)
BOOTSTRAP = 2000  # seed-bootstrap resamples for the slope intervals
CONFIDENCE = 0.95  # two-sided level of the bootstrap intervals
CHECK_D = 512  # up to this d, ℓ, μ, η are also computed on the full d-dimensional problem and compared
N_FIXED = 16  # rows at fixed r: n <= min(d), so U is one (n x n) draw for every d
K_FIXED = 1

SETTINGS: dict[str, dict[str, Any]] = {
    # fixed-r dims, r, r = d dims, right panel (d, rows, r values, k values)
    "quick": {"dims": (16, 64, 256), "r": 4, "full_dims": (8, 16), "grid_d": 32, "grid_n": 16,
              "grid_r": (4, 16), "grid_k": (1, 4)},
    "default": {"dims": (16, 32, 64, 128, 256, 512, 1024, 2048, 4096), "r": 8, "full_dims": (16, 32, 64, 128, 256),
                "grid_d": 256, "grid_n": 64, "grid_r": (4, 16, 64), "grid_k": (1, 2, 4)},
    "full": {"dims": (16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192), "r": 8,
             "full_dims": (16, 32, 64, 128, 256, 512, 1024), "grid_d": 512, "grid_n": 128,
             "grid_r": (4, 8, 16, 32, 64, 128), "grid_k": (1, 2, 4, 8)},
}


def _instance(n: int, d: int, r: int) -> tuple[zs.SoftmaxRegression, np.ndarray]:
    """Rank-``r`` instance (r unit singular values), ``w² = β⁻ + MARGIN``, start ``x0 = Aᵀ v`` in the row space."""
    s = np.zeros(min(n, d))
    s[:r] = 1.0  # r(H0) = r exactly: H0 = (β⁺ + w²) AᵀA with r equal nonzero eigenvalues
    b = np.random.default_rng(TARGET_SEED).dirichlet(np.ones(n))  # one target per n, shared across d
    base = zs.random_instance(n, d, rng=INSTANCE_SEED, singular_values=s, b=b)
    _, beta_minus = zs.beta_constants(b)
    p = zs.SoftmaxRegression(base.A, b, np.full(n, math.sqrt(beta_minus + MARGIN)))  # w² = β⁻ + margin (C5)
    v = START_SCALE * np.random.default_rng(START_SEED).standard_normal(n)
    return p, p.A.T @ v  # A x0 = A Aᵀ v: the same logits for every d when U is shared


def restriction(problem: zs.SoftmaxRegression, r: int) -> tuple[zs.SoftmaxRegression, np.ndarray]:
    r"""The problem restricted to the row space of ``A``: ``(SoftmaxRegression(A V_r, b, w), V_r)``.

    :math:`L(x) = L_r(V_r^\top x)` for every ``x`` when ``rank(A) = r``; ``V_r`` (d, r) are the top right
    singular vectors. Every constant of :mod:`zosoftmax.bounds` of the restriction equals the full one
    (same nonzero spectrum of :math:`H_0`), and :func:`zosoftmax.strong_convexity_bound` of the restriction
    is the full problem's :func:`zosoftmax.pl_constant`.
    """
    _, _, Vt = np.linalg.svd(problem.A, full_matrices=False)
    V = Vt[:r].T
    return zs.SoftmaxRegression(problem.A @ V, problem.b, problem.w), V


def hitting_times(gaps: np.ndarray, accuracy: float) -> np.ndarray:
    """First index along the last axis with ``gap <= accuracy``; ``inf`` where it never happens."""
    gaps = np.atleast_2d(gaps)
    hit = gaps <= accuracy
    return np.where(hit.any(axis=-1), np.argmax(hit, axis=-1), np.inf)


def bootstrap_mean_gap_times(gaps: np.ndarray, accuracy: float, *, rng: Any, resamples: int = BOOTSTRAP
                              ) -> np.ndarray:
    """Hitting times of the mean gap over seeds, for ``resamples`` bootstrap draws of the seeds (rows of ``gaps``).

    Each draw picks ``S`` seeds with replacement; its mean gap curve is ``counts @ gaps / S`` with the draw's
    multiplicities ``counts`` (one matrix product for all draws).
    """
    S = gaps.shape[0]
    gen = np.random.default_rng(rng)
    counts = np.stack([np.bincount(gen.integers(0, S, size=S), minlength=S) for _ in range(resamples)])
    return hitting_times(counts @ gaps / S, accuracy)


def bootstrap_slope(x: Any, estimates: Any, boot: Any, *, level: float = CONFIDENCE) -> dict[str, float]:
    """Log-log slope of ``estimates`` (points,) against ``x``, with the bootstrap interval from ``boot`` (points, B).

    Column ``j`` of ``boot`` is one bootstrap draw of every point (independent seeds per point); the interval
    is the central ``level`` quantile range of the slopes refitted to each column.
    """
    lx = np.log(np.asarray(x, dtype=float))
    slope = float(np.polyfit(lx, np.log(np.asarray(estimates, dtype=float)), 1)[0])
    refits = np.polyfit(lx, np.log(np.asarray(boot, dtype=float)), 1)[0]
    lo, hi = np.quantile(refits, [(1 - level) / 2, (1 + level) / 2])
    return {"slope": slope, "lo": float(lo), "hi": float(hi)}


def model_iterations(gamma: Any, c: float) -> np.ndarray:
    r"""The C11 form :math:`T(\gamma) = \log(\Delta_0/\epsilon)\,/\,(-\log(1 - c/\gamma))` at ``ε = REL_ACCURACY Δ0``.

    ``c = μ/ℓ`` is the bound (:func:`zosoftmax.iteration_bound` without its ceiling); a run's actual
    contraction per unit of ``1/γ`` is larger, which is what :func:`fit_contraction` measures.
    """
    g = np.asarray(gamma, dtype=float)
    return np.log(1 / REL_ACCURACY) / -np.log1p(-c / g)  # type: ignore[no-any-return]


def fit_contraction(gamma: Any, iterations: Any) -> float:
    """Least-squares ``c`` (in log T) of :func:`model_iterations` to measured median iterations."""
    g, t = np.asarray(gamma, dtype=float), np.asarray(iterations, dtype=float)
    res = optimize.minimize_scalar(lambda c: float(np.sum((np.log(model_iterations(g, c)) - np.log(t)) ** 2)),
                                   bounds=(1e-6, (1 - 1e-9) * float(np.min(g))), method="bounded",
                                   options={"xatol": 1e-10})
    return float(res.x)


def _point(n: int, d: int, r: int, k: int, seeds: int) -> dict[str, Any]:
    """Hitting times of ``seeds`` ZO-GD runs and the C11 iteration bound on one instance."""
    p, x0 = _instance(n, d, r)
    red, V = restriction(p, r)
    loss_star = float(zs.newton(red, V.T @ x0).losses[-1])  # L* = min L_r: Newton in r dimensions
    gap0 = p.loss(x0) - loss_star
    accuracy = REL_ACCURACY * gap0
    bound = zs.iteration_bound(red, V.T @ x0, k, DISTRIBUTION, accuracy, loss_star=loss_star)
    lr = zs.step_size(red, k, DISTRIBUTION)  # η = 1/(ℓγ) (C11), computed on the restriction
    out: dict[str, Any] = {"n": n, "d": d, "r": r, "k": k, "loss_star": loss_star, "gap0": gap0,
                           "ell": zs.smoothness_bound(red), "mu": zs.strong_convexity_bound(red),
                           "effective_rank": zs.effective_rank(zs.hessian_upper_bound(red)),
                           "gamma": zs.gamma(d, k, r, DISTRIBUTION), "lr": lr, "bound": bound}
    if d <= CHECK_D:  # the same constants from the full d-dimensional problem
        out["check"] = {"lr_full": zs.step_size(p, k, DISTRIBUTION), "mu_full": zs.pl_constant(p),
                        "strong_convexity_full": zs.strong_convexity_bound(p),
                        "loss_star_full": float(zs.newton(p, x0).losses[-1])}
    steps = int(math.ceil(HORIZON * bound)) + 1
    traj = zo_runs(p, x0, seeds=seeds, steps=steps, lr=lr, k=k, eps=EPS, distribution=DISTRIBUTION,
                   rng=int(np.random.SeedSequence([d, r, k]).generate_state(1)[0]))  # one stream per point
    gaps = traj.losses - loss_star
    out["times"] = hitting_times(gaps, accuracy).tolist()
    out["mean_gap_time"] = float(hitting_times(gaps.mean(axis=0), accuracy)[0])  # the quantity C11 bounds
    out["mean_gap_time_boot"] = bootstrap_mean_gap_times(gaps, accuracy, rng=[BOOT_SEED, d, r, k]).tolist()
    return out


def compute(profile: str) -> dict[str, Any]:
    """Iterations to ``ε = 1e-4 Δ0`` against d (fixed r and r = d) and against γ (C10, C11)."""
    prof, cfg = PROFILES[profile], SETTINGS[profile]
    seeds = int(prof["seeds"])
    common = {"seeds": seeds, "margin": MARGIN, "start": START_SCALE, "rel_accuracy": REL_ACCURACY, "eps": EPS,
              "instance_seeds": [INSTANCE_SEED, START_SEED, TARGET_SEED], "horizon": HORIZON,
              "bootstrap": [BOOT_SEED, BOOTSTRAP]}

    def point(n: int, d: int, r: int, k: int) -> dict[str, Any]:
        return cached(f"{NAME}-n{n}-d{d}-r{r}-k{k}", {**common, "n": n, "d": d, "r": r, "k": k},
                      lambda: _point(n, d, r, k, seeds))

    r_fixed = int(cfg["r"])
    fixed = [point(N_FIXED, d, r_fixed, K_FIXED) for d in cfg["dims"]]
    full_rank = [point(d, d, d, K_FIXED) for d in cfg["full_dims"]]
    grid = [point(int(cfg["grid_n"]), int(cfg["grid_d"]), r, k) for r in cfg["grid_r"] for k in cfg["grid_k"]]
    for pt in fixed + full_rank + grid:
        pt.update(band(np.asarray(pt["times"])[:, None]))  # median and 10-90% band of the hitting times
        pt["ratio_to_bound"] = pt["mean_gap_time"] / pt["bound"]

    def series_slope(points: list[dict[str, Any]], key: str) -> dict[str, Any]:
        x = np.array([pt[key] for pt in points], dtype=float)
        mean_times = np.array([pt["mean_gap_time"] for pt in points], dtype=float)
        fit = bootstrap_slope(x, mean_times, [pt["mean_gap_time_boot"] for pt in points])
        gammas = np.array([pt["gamma"] for pt in points])
        c = fit_contraction(gammas, mean_times)
        fit["contraction"] = c  # fitted c of T = log(Δ0/ε) / −log(1 − c/γ); the bound has c = μ/ℓ
        fit["predicted"] = float(np.polyfit(np.log(x), np.log(model_iterations(gammas, c)), 1)[0])
        fit["bound_slope"] = float(np.polyfit(np.log(x), np.log([pt["bound"] for pt in points]), 1)[0])
        fit["contains_predicted"] = bool(fit["lo"] <= fit["predicted"] <= fit["hi"])
        return fit

    slope_fixed = series_slope(fixed, "d")
    slope_full = series_slope(full_rank, "d")
    slope_gamma = series_slope(grid, "gamma")
    every = fixed + full_rank + grid
    all_reached = all(np.isfinite(pt["times"]).all() for pt in every)
    within_bound = all(pt["mean_gap_time"] <= pt["bound"] for pt in every)
    checks = [pt for pt in every if "check" in pt]
    check_rel = max(max(abs(pt["check"]["lr_full"] / pt["lr"] - 1), abs(pt["check"]["mu_full"] / pt["mu"] - 1),
                        abs(pt["check"]["loss_star_full"] - pt["loss_star"]) / pt["gap0"]) for pt in checks)
    ratios = [pt["ratio_to_bound"] for pt in every]
    for pt in every:
        del pt["mean_gap_time_boot"]  # in the cache only: the intervals below summarize it
    # The verdict is what C10/C11 assert: the bound, and no growth with d at fixed r (a sharp test: the same
    # law for every d). The slopes against d at r = d and against γ are reported with the C11 form's, not
    # judged: the one-constant form is an approximation (the runs' constant varies a little with r), and an
    # independent random stream moved the γ slope by ~0.04, more than its seed-bootstrap interval.
    confirmed = bool(all_reached and within_bound and slope_fixed["contains_predicted"])
    dims = list(cfg["dims"])
    finding = (f"at fixed r = {r_fixed} the iterations for the mean gap to reach 1e-4 Δ0 go from "
               f"{fixed[0]['mean_gap_time']:.0f} to {fixed[-1]['mean_gap_time']:.0f} as d goes {dims[0]} -> "
               f"{dims[-1]} (slope {slope_fixed['slope']:.3f}, "
               f"95% CI [{slope_fixed['lo']:.3f}, {slope_fixed['hi']:.3f}]); at r = d slope "
               f"{slope_full['slope']:.2f} (C11 form {slope_full['predicted']:.2f}); against γ slope "
               f"{slope_gamma['slope']:.2f} (C11 form {slope_gamma['predicted']:.2f}, issue: ≈ 1); every mean gap "
               f"reaches ε in {min(ratios):.2f}-{max(ratios):.2f} of the C11 bound's iterations")
    return {
        "claim": "C10, C11",
        "distribution": DISTRIBUTION, "eps": EPS, "k_fixed": K_FIXED, "r_fixed": r_fixed, "n_fixed": N_FIXED,
        "seeds": seeds, "rel_accuracy": REL_ACCURACY, "margin": MARGIN, "dims_fixed_r": dims,
        "dims_full_rank": list(cfg["full_dims"]), "grid_d": cfg["grid_d"], "grid_n": cfg["grid_n"],
        "fixed_r": fixed, "full_rank": full_rank, "grid": grid,
        "slope_fixed_r": slope_fixed["slope"], "slope_full_rank": slope_full["slope"],
        "slope_gamma": slope_gamma["slope"], "slopes": {"fixed_r": slope_fixed, "full_rank": slope_full,
                                                        "gamma": slope_gamma},
        "ratio_to_bound_min": min(ratios), "ratio_to_bound_max": max(ratios),
        "max_d_fixed_r": dims[-1], "max_d_full_rank": cfg["full_dims"][-1],
        "restriction_check_max_rel_diff": check_rel,
        "all_reached": all_reached, "mean_gap_within_bound": within_bound,
        "criterion": ("every run reaches ε; at every point the mean gap over seeds (the quantity C11 bounds) "
                      "reaches ε within the C11 iteration bound; and at fixed r the slope 0 (the same law for every "
                      f"d, by construction) lies in the {CONFIDENCE:.0%} seed-bootstrap interval of the log-log "
                      "slope of those iterations against d"),
        "note": ("reported, not judged: the slopes at r = d (against d) and against γ, next to the slope of the C11 "
                 "form T = log(Δ0/ε)/-log(1 - c/γ) with one constant c fitted per series (the bound is c = μ/ℓ, "
                 "about half the runs' constant, so its own slope bound_slope bends differently at small γ). The "
                 "one-constant form is an approximation: the runs' constant varies a little with r, and an "
                 "independent random stream moved the γ slope by about 0.04, more than its bootstrap interval"),
        "confirmed": confirmed,
        "finding": finding,
    }


def plot(data: dict[str, Any]) -> Figure:
    """Left: iterations against d (fixed r, r = d) with bound lines; right: iterations against γ."""
    fig, axes = plt.subplots(1, 2, figsize=(10.0, 3.9))
    ax = axes[0]
    for key, color, label in (("fixed_r", "C0", f"r = {data['r_fixed']} (n = {data['n_fixed']})"),
                              ("full_rank", "C3", "r = d (n = d)")):
        pts = data[key]
        d = [pt["d"] for pt in pts]
        fit = data["slopes"][key]
        ax.fill_between(d, [pt["q10"][0] for pt in pts], [pt["q90"][0] for pt in pts], color=color, alpha=0.2, lw=0)
        ax.plot(d, [pt["median"][0] for pt in pts], "o-", color=color, ms=3, label=f"{label}: median run")
        ax.plot(d, [pt["mean_gap_time"] for pt in pts], "x", color=color, ms=5,
                label=f"mean gap: slope {fit['slope']:.3f} [{fit['lo']:.3f}, {fit['hi']:.3f}]")
        ax.plot(d, [pt["bound"] for pt in pts], "--", color=color, lw=1,
                label=r"C11 bound $\approx\gamma\,(\ell/\mu)\log(\Delta_0/\epsilon)$"
                + f", slope {fit['bound_slope']:.2f}")
        if key == "full_rank":
            ax.plot(d, model_iterations([pt["gamma"] for pt in pts], fit["contraction"]), ":", color=color, lw=1,
                    label=f"C11 form, fitted c = {fit['contraction']:.2f}: slope {fit['predicted']:.2f}")
    ax.set_xscale("log", base=2)
    ax.set_yscale("log")
    ax.set_xlabel("dimension $d$")
    ax.set_ylabel(r"iterations to $L - L^* \leq 10^{-4}\Delta_0$")
    ax.set_title(f"k = {data['k_fixed']}: flat in d at fixed r, linear at r = d", fontsize=9)
    ax.legend(fontsize=6.5, loc="upper left")
    ax = axes[1]
    grid = data["grid"]
    ks = sorted({pt["k"] for pt in grid})
    for i, k in enumerate(ks):
        pts = sorted((pt for pt in grid if pt["k"] == k), key=lambda pt: pt["gamma"])
        g = [pt["gamma"] for pt in pts]
        med = np.array([pt["median"][0] for pt in pts])
        yerr = [med - [pt["q10"][0] for pt in pts], [pt["q90"][0] for pt in pts] - med]
        ax.errorbar(g, med, yerr=yerr, fmt="o", color=f"C{i}", ms=4, capsize=2,
                    label=f"k = {k} (r = {', '.join(str(pt['r']) for pt in pts)})")
        ax.plot(g, [pt["mean_gap_time"] for pt in pts], "x", color=f"C{i}", ms=5)
    allpts = sorted(grid, key=lambda pt: pt["gamma"])
    ax.plot([pt["gamma"] for pt in allpts], [pt["bound"] for pt in allpts], "k--", lw=1,
            label=f"C11 bound (c = μ/ℓ), slope {data['slopes']['gamma']['bound_slope']:.2f}")
    gg = np.geomspace(allpts[0]["gamma"], allpts[-1]["gamma"], 50)
    ax.plot(gg, model_iterations(gg, data["slopes"]["gamma"]["contraction"]), "k:", lw=1,
            label=f"C11 form, fitted c = {data['slopes']['gamma']['contraction']:.2f}")
    fit = data["slopes"]["gamma"]
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel(r"$\gamma = (r+1)/k + 1$ (Gaussian; $\approx r/k + 1$)")
    ax.xaxis.set_minor_formatter(NullFormatter())
    ax.xaxis.set_major_formatter(ScalarFormatter())
    lo_g, hi_g = allpts[0]["gamma"] / 1.5, allpts[-1]["gamma"] * 1.5
    ax.set_xticks([t for t in (1, 2, 5, 10, 20, 50, 100, 200, 500) if lo_g <= t <= hi_g])
    ax.set_ylabel("iterations")
    ax.set_title(f"d = {data['grid_d']}, n = {data['grid_n']}: mean-gap slope {fit['slope']:.3f} "
                 f"[{fit['lo']:.3f}, {fit['hi']:.3f}], C11 form {fit['predicted']:.3f}", fontsize=9)
    ax.legend(fontsize=6.5, loc="upper left")
    fig.suptitle(f"C10/C11: dimension-free ZO-GD, {data['distribution']} directions, median and 10-90% over "
                 f"{data['seeds']} seeds; confirmed = {data['confirmed']}", fontsize=10)
    fig.tight_layout()
    return fig


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Command line: ``python -m analysis.fig_dimension_free [--quick] [--outdir DIR]``."""
    return run_figure(NAME, compute, plot, argv, __doc__)


if __name__ == "__main__":
    main()
