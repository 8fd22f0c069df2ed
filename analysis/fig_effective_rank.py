r"""Figure 7 (C10): the spectra of :math:`\nabla^2 L` along ZO-GD and of :math:`H_0`, with their effective ranks.

Claim C10 [MeZO]/[paper]: the dimension-free descent lemma needs :math:`\nabla^2 L(x) \preceq H_0` with
:math:`\|H_0\| = \ell` and :math:`\mathrm{tr}\,H_0 = r\ell`; for softmax regression
:math:`H_0 = A^\top(\beta^+ I + W^2)A` (:func:`zosoftmax.hessian_upper_bound`) holds for every ``x``, so
what enters the rate is :math:`r = r(H_0)` (:func:`zosoftmax.effective_rank`), not ``d``.

Setting: ``n = 64``, ``d = 256``, singular values :math:`s_i = 3\,i^{-1/2}` (a decaying spectrum:
:math:`r(A^\top A) = \sum_i 1/i \approx 4.7`), :math:`w_i^2 = \beta^- + 1/4` so :math:`\nabla^2 L \succeq 0`
on the row space and zero off it (the effective rank is defined for PSD matrices). ZO-GD (Gaussian, ``k = 4``,
:math:`\eta = 1/(\ell\gamma)`) from one start, over ``seeds`` runs; the Hessian is taken at checkpoints
``t`` (the runs are continued from the checkpoint with fresh seeds, which is the same Markov chain). The runs
are independent tasks of ``RUNS_PER_TASK`` batched runs each (:class:`analysis._common.Runner`), each task
with its own seed.

Measured at every checkpoint and seed: the eigenvalues of :math:`\nabla^2 L(x_t)` (median and 10-90% band
over seeds, per index), :math:`r(\nabla^2L(x_t))`, and :math:`\lambda_{\max}(\nabla^2 L(x_t) - H_0)`, which
C10 says is :math:`\le 0`. Tolerance: a symmetric eigensolver's backward error, ``d · eps · ||H_0||``.
Both vanish off the row space of ``A``, so that maximum is 0 there; how tight the ordering is shows in
:math:`\lambda_{\max}` of the pencil :math:`(V^\top\nabla^2L\,V, V^\top H_0 V)` on the row space (``V`` its
orthonormal basis), :math:`\le 1` exactly when :math:`\nabla^2 L \preceq H_0` there.
Confirmed when the ordering holds at every checkpoint and seed to that tolerance; hence
:math:`\mathrm{tr}\,\nabla^2 L(x_t) \le \mathrm{tr}\,H_0 = r\ell` (also checked).
"""

from __future__ import annotations

from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure
from scipy import linalg

import zosoftmax as zs
from zosoftmax.io import Precision

from ._common import PROFILES, Runner, as_runner, band, run_figure

__all__ = ["NAME", "compute", "instance", "main", "plot"]

NAME = "fig_effective_rank"
# Stored precision of the JSON (zosoftmax.io.canonical; docs/reproducibility.md): 6 significant digits, except the
# excess of the Hessian's norm over ell (<= 0 in exact arithmetic, rounding noise ~1e-15 of a scale-1 norm): to 1e-10.
# The mean gap at the checkpoints is L - L* of losses of scale 1 (noise up to 4e-14 across kernels): to 1e-10.
PRECISION = {"checkpoints.max_excess": Precision(quantum=1e-10), "max_excess_over_ell": Precision(quantum=1e-10),
             "checkpoints.mean_gap": Precision(quantum=1e-10)}
INSTANCE_SEED, START_SEED, RUN_SEED = 21, 22, 23
MARGIN = 0.25  # w² = β⁻ + MARGIN: ∇²L ⪰ MARGIN · AᵀA ⪰ 0 (C5), so effective ranks are defined
A_SCALE = 3.0  # ‖A‖ = 3: logits of a few units, so B(x) (softmax curvature) is visible next to W²
START_SCALE = 1.0  # x0 ~ START_SCALE · N(0, I_d): logits of a few units, far from the minimizer
K, DISTRIBUTION, EPS = 4, "gaussian", 1e-3
REL_ACCURACY = 1e-3  # the last checkpoint: the C11 bound's horizon to 1e-3 Δ0
CHECKPOINTS = (0.0, 0.02, 0.1, 0.3, 1.0)  # fractions of that horizon
SIZES = {"quick": (16, 48), "default": (64, 256), "full": (128, 512)}  # (n, d)
RUNS_PER_TASK = 5  # runs batched in one task (fixed, so the output does not depend on how the tasks ran)


def instance(n: int, d: int) -> tuple[zs.SoftmaxRegression, np.ndarray]:
    """Decaying spectrum :math:`s_i = i^{-1/2}`, ``w² = β⁻ + MARGIN``, and the start ``x0``."""
    s = A_SCALE / np.sqrt(np.arange(1, min(n, d) + 1))  # r(AᵀA) = Σ 1/i (harmonic number)
    p = zs.strongly_convex_instance(n, d, rng=INSTANCE_SEED, margin=MARGIN, singular_values=s)  # w² = β⁻ + margin
    return p, START_SCALE * np.random.default_rng(START_SEED).standard_normal(d)


def _horizon(n: int, d: int) -> dict[str, Any]:
    """The checkpoints (fractions of the C11 horizon to ``REL_ACCURACY``), the step size and L*."""
    p, x0 = instance(n, d)
    loss_star = float(zs.newton(p, x0).losses[-1])
    horizon = zs.iteration_bound(p, x0, K, DISTRIBUTION, REL_ACCURACY * (p.loss(x0) - loss_star), loss_star=loss_star)
    return {"t": sorted({round(c * horizon) for c in CHECKPOINTS}), "horizon": horizon, "loss_star": loss_star,
            "lr": zs.step_size(p, K, DISTRIBUTION)}


def _spectra(n: int, d: int, runs: int, ts: list[int], lr: float, seed: int) -> list[dict[str, list[float]]]:
    r"""Run ``runs`` batched ZO-GD runs from ``x0`` (seed ``seed``) and measure each at every checkpoint.

    Per checkpoint, per run: the spectrum, the effective rank, :math:`\lambda_{\max}(\nabla^2L - H_0)`, the
    pencil's top eigenvalue, the trace and the loss.
    """
    p, x0 = instance(n, d)
    H0 = zs.hessian_upper_bound(p)
    rank = min(n, d)
    V = np.linalg.svd(p.A, full_matrices=False)[2][:rank].T  # orthonormal basis of the row space of A
    VH0V = V.T @ H0 @ V
    X = np.tile(x0, (runs, 1))
    out, t_prev = [], 0
    for i, t in enumerate(ts):
        if t > t_prev:  # continue every run from its current iterate
            X = zs.zo_gd_batch(p, X, runs=runs, steps=t - t_prev, lr=lr, k=K, eps=EPS, distribution=DISTRIBUTION,
                               rng=np.random.default_rng([RUN_SEED, seed, i])).x
            t_prev = t
        cp: dict[str, list[Any]] = {"spectrum": [], "effective_rank": [], "excess": [], "pencil": [], "trace": [],
                                    "loss": []}
        for x in X:
            H = p.hessian(x)
            cp["spectrum"].append(np.linalg.eigvalsh(H)[::-1][:rank].tolist())
            cp["effective_rank"].append(zs.effective_rank(H))
            cp["excess"].append(float(np.linalg.eigvalsh(H - H0)[-1]))  # λ_max(∇²L − H0) ≤ 0 (C10)
            cp["pencil"].append(float(linalg.eigh(V.T @ H @ V, VH0V, eigvals_only=True)[-1]))  # ≤ 1 (C10)
            cp["trace"].append(float(np.trace(H)))
            cp["loss"].append(p.loss(x))
        out.append(cp)
    return out


def compute(profile: str, runner: Runner | None = None) -> dict[str, Any]:
    """Spectra and effective ranks of the Hessian along ZO-GD, and of H0 (C10).

    One task per ``RUNS_PER_TASK`` runs (the last may be smaller), run through ``runner``.
    """
    seeds = int(PROFILES[profile]["seeds"])
    n, d = SIZES[profile]
    p, x0 = instance(n, d)
    H0 = zs.hessian_upper_bound(p)
    eig0 = np.linalg.eigvalsh(H0)[::-1]
    ell = float(eig0[0])
    rank = min(n, d)
    plan = _horizon(n, d)
    sizes = [min(RUNS_PER_TASK, seeds - start) for start in range(0, seeds, RUNS_PER_TASK)]
    tasks = [{"n": n, "d": d, "runs": size, "ts": plan["t"], "lr": plan["lr"], "seed": i}
             for i, size in enumerate(sizes)]
    chunks = as_runner(runner).map(_spectra, tasks, key=NAME)
    checkpoints = []
    for c, t in enumerate(plan["t"]):
        per_run = {q: [v for chunk in chunks for v in chunk[c][q]] for q in chunks[0][c]}  # every run, task order
        checkpoints.append({"t": t, "spectrum": band(np.array(per_run["spectrum"])),
                            "effective_rank": band(per_run["effective_rank"]), "max_excess": max(per_run["excess"]),
                            "max_trace": max(per_run["trace"]), "pencil_max": band(per_run["pencil"]),
                            "mean_gap": float(np.mean(per_run["loss"]) - plan["loss_star"])})
    data = {"t": plan["t"], "checkpoints": checkpoints, "H0_spectrum": eig0[:rank].tolist(), "ell": ell,
            "r_H0": zs.effective_rank(H0), "trace_H0": float(np.trace(H0)),
            "tol": d * np.finfo(np.float64).eps * ell,  # backward error of the symmetric eigensolver
            "lr": plan["lr"], "horizon": plan["horizon"], "loss_star": plan["loss_star"],
            "gap0": p.loss(x0) - plan["loss_star"], "rank": rank}
    cps = data["checkpoints"]
    ordered = all(cp["max_excess"] <= data["tol"] for cp in cps)
    trace_ok = all(cp["max_trace"] <= data["trace_H0"] * (1 + 1e-12) for cp in cps)  # rounding of a d-term sum
    worst = max(cp["max_excess"] for cp in cps) / data["ell"]
    r_hess = [cp["effective_rank"]["median"] for cp in cps]
    finding = (f"r(H0) = {data['r_H0']:.2f} at d = {d} (r/d = {data['r_H0'] / d:.3f}); along ZO-GD the Hessian's "
               f"median effective rank is {min(r_hess):.2f}-{max(r_hess):.2f} and ∇²L(x_t) ⪯ H0 at every "
               f"checkpoint and seed (on the row space ∇²L ⪯ {max(cp['pencil_max']['q90'] for cp in cps):.2f} H0)"
               if ordered and trace_ok else
               f"∇²L(x_t) ⪯ H0 fails: max λ_max(∇²L − H0)/ℓ = {worst:.2e} (tolerance {data['tol'] / data['ell']:.1e})")
    return {
        "claim": "C10", "n": n, "d": d, "k": K, "seeds": seeds, "distribution": DISTRIBUTION, "eps": EPS,
        **data,
        "r_over_d": data["r_H0"] / d,
        "effective_rank_hessian_min": min(r_hess), "effective_rank_hessian_max": max(r_hess),
        "max_excess_over_ell": worst,
        "pencil_max": max(cp["pencil_max"]["q90"] for cp in cps),
        "pencil_max_median": [cp["pencil_max"]["median"] for cp in cps],
        "criterion": ("λ_max(∇²L(x_t) − H0) <= d·eps·‖H0‖ (eigensolver backward error) at every checkpoint and "
                      "seed, and tr ∇²L(x_t) <= tr H0 = r(H0)·ℓ"),
        "confirmed": bool(ordered and trace_ok),
        "finding": finding,
    }


def plot(data: dict[str, Any]) -> Figure:
    r"""Left: the spectra of :math:`\nabla^2 L(x_t)` (every checkpoint) and :math:`H_0`; right: the Loewner order.

    The order :math:`\nabla^2 L \preceq H_0` is shown by the top eigenvalue of the pencil on the row space of
    ``A`` (:math:`\le 1` exactly when it holds; its distance from 1 is the margin), and by
    :math:`\lambda_{\max}(\nabla^2 L - H_0)/\ell` against the eigensolver's tolerance.
    """
    fig, axes = plt.subplots(1, 2, figsize=(6.7, 2.9), gridspec_kw={"width_ratios": [1.25, 1]})
    cps = data["checkpoints"]
    idx = np.arange(1, data["rank"] + 1)
    ax = axes[0]
    ax.plot(idx, data["H0_spectrum"], color="k", ls="--", label=f"$H_0$: $r(H_0)$ = {data['r_H0']:.2f}")
    first = np.asarray(cps[0]["spectrum"]["median"])
    change = max(float(np.max(np.abs(np.asarray(cp["spectrum"]["median"]) / first - 1))) for cp in cps)
    markers = "osD^v"
    for i, cp in enumerate(cps):  # the spectra coincide: one line, each checkpoint's markers at its own indices
        every = (i, len(cps))
        ax.plot(idx, cp["spectrum"]["median"], color="C0", ls="-" if i == 0 else "none", marker=markers[i % 5],
                markevery=every, mfc="none" if i else "C0",
                label=f"$\\nabla^2 L(x_t)$, t = {cp['t']}: r = {cp['effective_rank']['median']:.2f}")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel(f"eigenvalue index $i$ (the other {data['d'] - data['rank']} are 0)")
    ax.set_ylabel(r"eigenvalue $\lambda_i$ (loss units)")
    ax.text(0.03, 0.04, f"the {len(cps)} Hessian spectra agree within {100 * change:.2g}%\n"
            f"(median over {data['seeds']} runs)", transform=ax.transAxes, va="bottom")
    ax.legend(loc="upper right", handlelength=1.6, borderaxespad=0.2)
    ax.set_title(f"spectra: $r \\ll d$ = {data['d']}")
    ax = axes[1]
    t = np.maximum(np.array([cp["t"] for cp in cps], dtype=float), 0.5)  # t = 0 on a log axis
    pencil = [cp["pencil_max"] for cp in cps]
    ax.fill_between(t, [p["q10"] for p in pencil], [p["q90"] for p in pencil], color="C0", alpha=0.25, lw=0)
    ax.plot(t, [p["median"] for p in pencil], color="C0", marker="o",
            label=r"$\lambda_{\max}$ of $(\nabla^2L(x_t), H_0)$ on row$(A)$")
    ax.axhline(1.0, color="C1", ls="--", label=r"1: the order $\nabla^2 L \preceq H_0$ fails above")
    excess = max(cp["max_excess"] for cp in cps) / data["ell"]
    ax.text(0.03, 0.82, f"margin $1-\\lambda_{{\\max}}$ = {1 - max(p['q90'] for p in pencil):.2f}\n"
            f"max $\\lambda_{{\\max}}(\\nabla^2L - H_0)/\\ell$ = {excess:.1e}\n"
            f"(eigensolver tolerance {data['tol'] / data['ell']:.0e})", transform=ax.transAxes, va="top")
    ax.set_ylim(0, 1.15)
    ax.set_xscale("log")
    ax.set_xlabel("iteration $t$ ($t$ = 0 drawn at 0.5)")
    ax.set_ylabel("top generalized eigenvalue")
    ax.legend(loc="lower center", borderaxespad=0.2)
    ax.set_title(r"Loewner order $\nabla^2 L(x_t) \preceq H_0$")
    fig.suptitle(f"C10: the Hessian stays below $H_0$ along ZO-GD; $r(H_0)$ = {data['r_H0']:.2f} at d = {data['d']} "
                 f"(n = {data['n']}, k = {data['k']})")
    return fig


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Command line: ``python -m analysis.fig_effective_rank [--quick] [--outdir DIR]``."""
    return run_figure(NAME, compute, plot, argv, __doc__)


if __name__ == "__main__":
    main()
