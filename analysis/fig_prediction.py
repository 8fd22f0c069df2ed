r"""Figure (C13): the exact expected learning curve of ZO-GD against measured runs and the C11 bound, on real data.

Claim C13 [derived]: on the local quadratic model :math:`H = \nabla^2 L(x^*)`, ZO-GD's mean gap is exactly
:math:`\tfrac12\mathrm{tr}(H\Sigma_t)` with :math:`\Sigma_{t+1} = \Sigma_t - \eta(H\Sigma_t + \Sigma_t H) +
\eta^2 E[PH\Sigma_t HP]` (:func:`zosoftmax.expected_gap_curve`), and it converges exactly for
:math:`\eta < \eta^*` (:func:`zosoftmax.max_stable_lr`). A prediction, not a bound: it can fail.

Setting: three of scikit-learn's bundled data sets (:func:`zosoftmax.load_instance` defaults: standardized features
over :math:`\sqrt d`, uniform attention over class 0, :math:`w = 0.6`) and one synthetic strongly convex instance;
ZO-GD from :math:`x_0 = 0`, Gaussian directions, ``k = 1``, central scheme, ε = 1e-4, at the C11 step
:math:`1/(\ell\gamma)` (:func:`zosoftmax.step_size`, where the C11 bound applies). Left: the measured mean gap
(band: ± z·SE, SE from the runs' sample standard deviation, z the verdict's threshold) against the prediction and
against the C11 bound :math:`(1 - \mu/(\ell\gamma))^t (L(x_0) - L^*)` (flat when :math:`\mu \le 0`). Right: an lr
sweep in multiples of :math:`\eta^*`, the measured mean gap after ``SWEEP_STEPS`` steps over the initial gap against
the predicted one.

Verdict: confirmed when on every instance the measured mean lies within the Bonferroni z·SE of the prediction at
every tested time point (the statistic: Student's t with Hall's skewness correction, since a run's gap is skewed and
heavy-tailed, against the t quantile with runs - 1 degrees of freedom; :func:`analysis._common.skew_corrected_t`),
and in the sweep the measured gap shrinks at every step below :math:`\eta^*` and grows at every step above
:math:`1.25\,\eta^*` (the local model's threshold separates the measured behaviours).
"""

from __future__ import annotations

import functools
import math
import warnings
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle

import zosoftmax as zs
from zosoftmax.io import Precision
from zosoftmax.reproducible import rounded

from ._common import Runner, as_runner, pooled, pooled_skewness, run_figure, skew_corrected_t, t_threshold

__all__ = ["INSTANCES", "NAME", "compute", "curve_zscores", "main", "plot"]

NAME = "fig_prediction"
# Stored precision of the JSON (zosoftmax.io.canonical; docs/reproducibility.md), measured between BLAS kernels on
# the default profile: Newton's residual norms (~1e-15, noise up to 6e-4 of them) to 1e-12; the gap curves
# (mean and SE, loss units; at the rounding floor ~1e-19 they differ by 30%) to 1e-14; their ratio to the first
# gap to 1e-10; z-scores and relative errors (differences of mean and prediction, noise up to 2.4e-7 of them on
# wine), the runs' skewness at the compared times and the sweep's ratios (noise 1.5e-4 on a diverging run) to 3
# digits, as the finding prints them. The
# runs from far starts amplify any last-bit difference chaotically (24% of their means between two kernels in the
# default profile on the plain path), so they run on zs.ReproducibleRegression (the same bits on every CPU); their
# predictions, from LAPACK eigenvalues, carry the usual noise: 3 digits to 1e-10.
PRECISION = {"*.newton_grad_norm": Precision(quantum=1e-12), "far.points.*": Precision(3, quantum=1e-10),
             "*.mean": Precision(quantum=1e-14), "*.se": Precision(quantum=1e-14),
             "*.measured_final_over_gap0": Precision(quantum=1e-10), "*.z_scores": Precision(3),
             "*.skewness": Precision(3),
             "*relative_error*": Precision(3), "*.sweep.measured_ratio": Precision(3)}
INSTANCES = ("digits", "breast_cancer", "wine", "synthetic")
SYNTHETIC = {"n": 64, "d": 16, "seed": 7, "margin": 1.0}  # zs.strongly_convex_instance
K, DISTRIBUTION, EPS = 1, "gaussian", 1e-4  # central bias O(ε²): far below the gaps measured here
FAMILY_ALPHA = 0.01  # family-wise false-alarm rate of all the curve comparisons together (Bonferroni)
PLOT_POINTS = 250  # steps at which the curves are stored (the compared ones always among them)
CURVE_CHUNKS = 4  # tasks per curve (the runs split evenly; profile run counts are multiples of 4)
POINTS = 8  # time points per curve at which measured and predicted are compared (log-spaced)
SWEEP = (0.25, 0.5, 0.75, 0.9, 1.1, 1.25, 1.5, 2.0)  # lr / max_stable_lr
SWEEP_GROWS_ABOVE = 1.25  # the verdict asks growth at every multiple at or above this
# Measured and predicted are compared only where the prediction is above the measurement's floor: 1e-6 of the
# initial gap, and 1e4 roundings of L* (L(x_t) - L* is computed from two losses of size |L*|, each rounded).
FLOOR_RELATIVE, FLOOR_ROUNDINGS = 1e-6, 1e4
VACUOUS = 0.5  # the C11 bound is called vacuous when after the horizon it still allows half the initial gap
SIZES = {"quick": {"runs": 48, "steps": 120, "sweep_runs": 12, "sweep_steps": 60, "far_runs": 24, "far_steps": 40},
         "default": {"runs": 80, "steps": 1500, "sweep_runs": 40, "sweep_steps": 300, "far_runs": 200,
                     "far_steps": 200},
         "full": {"runs": 400, "steps": 3000, "sweep_runs": 100, "sweep_steps": 600, "far_runs": 400,
                  "far_steps": 400}}
# Where the local model stops being exact: starts x0 = x* + r v on FAR_INSTANCE, v a fixed random direction scaled
# to max_i |(A v)_i| = 1, so r is the largest logit change from x* (in logit units); lr = FAR_LR_FRACTION * eta*.
# With the default w = 0.6 the regularizer's quadratic dominates the bounded softmax term at every distance (the
# model's gap is within 2e-4 of the true one up to r = 30 on wine), so the distance experiment uses wine with a weak
# regularizer, FAR_W = 0.01 (no C11 guarantee there: mu <= 0), where the softmax term matters.
FAR_INSTANCE, FAR_W, FAR_SEED, FAR_LR_FRACTION = "wine_weak", 0.01, 11, 0.5
# How the instances are named in the figure (the JSON keeps the load_instance names).
DISPLAY = {"breast_cancer": "breast cancer", FAR_INSTANCE: f"wine, $w$ = {FAR_W:g}"}
FAR_RADII = {"quick": (1.0, 10.0, 30.0), "default": (0.3, 1.0, 3.0, 10.0, 30.0),
             "full": (0.1, 0.3, 1.0, 3.0, 10.0, 30.0, 100.0)}


def _instance(name: str) -> zs.SoftmaxRegression:
    if name == "synthetic":
        return zs.strongly_convex_instance(SYNTHETIC["n"], SYNTHETIC["d"], rng=SYNTHETIC["seed"],
                                           margin=SYNTHETIC["margin"])
    if name == "wine_weak":
        return zs.load_instance("wine", w=FAR_W)
    return zs.load_instance(name)


@functools.cache
def _solved(name: str) -> tuple[zs.SoftmaxRegression, np.ndarray, float, zs.Quadratic]:
    """The instance, its minimizer and L* (Newton), and its local model as a :class:`zosoftmax.Quadratic`.

    Once per instance and process: the Hessian of an n = 1797 instance costs a second (``B`` is n x n), and
    ``expected_gap_curve(problem, ...)`` would form it again at every call; the model is the same.
    """
    p = _instance(name)
    sol = zs.newton(p)
    x_star = sol.x
    return p, x_star, float(sol.losses[-1]), zs.Quadratic(p.hessian(x_star), x_star)


def _times(steps: int) -> list[int]:
    return sorted({int(t) for t in np.geomspace(1, steps, POINTS).round()})


def _curve_runs(name: str, runs: int, steps: int, seed: list[int]) -> dict[str, Any]:
    """``runs`` ZO-GD runs from x0 = 0 at the C11 step: the mean gap and the sum of squared deviations per step."""
    p, _, loss_star, _ = _solved(name)
    lr = zs.step_size(p, K, DISTRIBUTION)
    traj = zs.zo_gd_batch(p, np.zeros(p.d), runs=runs, steps=steps, lr=lr, k=K, eps=EPS, distribution=DISTRIBUTION,
                          rng=np.random.default_rng(seed))
    gaps = traj.losses - loss_star
    mean = gaps.mean(axis=0)
    return {"runs": runs, "mean": mean.tolist(), "m2": ((gaps - mean) ** 2).sum(axis=0).tolist(),
            "m3": ((gaps - mean) ** 3).sum(axis=0).tolist()}


def _curve(name: str, steps: int, chunks: list[dict[str, Any]]) -> dict[str, Any]:
    """Measured mean gap and SE at every step, the prediction, the C11 bound and the instance's constants.

    The mean, SE and skewness are pooled over the chunks of runs (:func:`analysis._common.pooled`).
    """
    p, x_star, loss_star, model = _solved(name)
    x0 = np.zeros(p.d)
    lr = zs.step_size(p, K, DISTRIBUTION)
    predicted = zs.expected_gap_curve(model, x0, steps=steps, lr=lr, k=K, distribution=DISTRIBUTION)
    mean, se, runs = pooled(chunks)
    gap0 = p.loss(x0) - loss_star
    rate = zs.rate_bound(p, K, DISTRIBUTION)
    H0 = zs.hessian_upper_bound(p)
    ell, mu = zs.smoothness_bound(p), zs.pl_constant(p)
    eta_star = zs.max_stable_lr(model, K, DISTRIBUTION)
    eig = np.linalg.eigvalsh(model.H)
    return {
        "n": p.n, "d": p.d, "rank": int(np.linalg.matrix_rank(p.A)), "ell": ell, "mu": mu,
        "kappa": ell / mu if mu > 0 else math.inf, "effective_rank_H0": zs.effective_rank(H0),
        "lambda_max_H": float(eig[-1]), "trace_H": float(np.sum(eig)),
        "loss_star": loss_star, "gap0": gap0, "model_gap0": float(predicted[0]),
        "newton_grad_norm": float(np.linalg.norm(p.gradient(x_star))),
        "lr": lr, "max_stable_lr": eta_star, "max_stable_over_step_size": eta_star / lr,
        "rate_bound": rate, "bound": (gap0 * rate ** np.arange(steps + 1)).tolist(),
        "mean": mean.tolist(), "se": se.tolist(), "skewness": pooled_skewness(chunks).tolist(),
        "predicted": predicted.tolist(), "runs": runs, "steps": steps,
    }


def curve_zscores(curve: dict[str, Any], times: list[int]) -> np.ndarray:
    """The verdict's statistic at ``times`` (compared with ``z_threshold``), mean gap against prediction.

    Student's t with Hall's skewness correction (:func:`analysis._common.skew_corrected_t`).
    """
    mean, se, skew, pred = (np.asarray(curve[key]) for key in ("mean", "se", "skewness", "predicted"))
    return skew_corrected_t(mean[times], se[times], skew[times], curve["runs"], pred[times])


def _sweep_point(name: str, fraction: float, runs: int, steps: int, seed: int) -> dict[str, Any]:
    """Measured and predicted gap after ``steps`` over the initial gap at lr = fraction · max_stable_lr."""
    p, _, loss_star, model = _solved(name)
    x0 = np.zeros(p.d)
    lr = fraction * zs.max_stable_lr(model, K, DISTRIBUTION)
    gap0 = p.loss(x0) - loss_star
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", zs.UnstableStepWarning)  # above the threshold on purpose
        predicted = zs.expected_gap_curve(model, x0, steps=steps, lr=lr, k=K, distribution=DISTRIBUTION)
    try:
        with warnings.catch_warnings():
            # a diverging run's logits grow until eps * |Az| is below their rounding: expected above the threshold
            warnings.simplefilter("ignore", zs.PrecisionWarning)
            traj = zs.zo_gd_batch(p, x0, runs=runs, steps=steps, lr=lr, k=K, eps=EPS, distribution=DISTRIBUTION,
                                  rng=seed)
        measured = float(np.mean(traj.losses[:, -1] - loss_star)) / gap0
        diverged = False
    except zs.DivergenceError:
        # an iterate left float64's range, or the logits grew until eps * |Az| drowned in their rounding
        measured, diverged = math.inf, True
    return {"fraction": fraction, "lr": lr, "measured_ratio": measured, "diverged": diverged,
            "predicted_ratio": float(predicted[-1] / predicted[0])}


def _far_point(name: str, radius: float, runs: int, steps: int, seed: int) -> dict[str, Any]:
    """Measured mean gap (and SE) against the local model's prediction from ``x* + radius * v``."""
    plain, x_star, loss_star, model = _solved(name)
    # Far runs amplify a last-bit difference to O(1) (docs/reproducibility.md): the same objective in arithmetic whose
    # bits do not depend on the CPU, from a start and step rounded off LAPACK's last bits
    p = zs.ReproducibleRegression.of(plain)
    v = np.random.default_rng(FAR_SEED).standard_normal(p.d)
    v /= np.max(np.abs(p.logits(v)))  # max_i |(A v)_i| = 1: radius is the largest logit change from x*
    x0 = rounded(x_star + radius * v)
    lr = float(rounded(FAR_LR_FRACTION * zs.max_stable_lr(model, K, DISTRIBUTION)))
    predicted = zs.expected_gap_curve(model, x0, steps=steps, lr=lr, k=K, distribution=DISTRIBUTION)
    traj = zs.zo_gd_batch(p, x0, runs=runs, steps=steps, lr=lr, k=K, eps=EPS, distribution=DISTRIBUTION, rng=seed)
    gaps = traj.losses - loss_star
    mean = gaps.mean(axis=0)
    chunk = {"runs": runs, "mean": mean, "m2": ((gaps - mean) ** 2).sum(axis=0), "m3": ((gaps - mean) ** 3).sum(axis=0)}
    return {"radius": radius, "lr": lr, "gap0": p.loss(x0) - loss_star, "predicted": predicted.tolist(),
            "mean": mean.tolist(), "se": (gaps.std(axis=0, ddof=1) / math.sqrt(runs)).tolist(),
            "skewness": pooled_skewness([chunk]).tolist(), "runs": runs}


def compute(profile: str, runner: Runner | None = None) -> dict[str, Any]:
    """Curves, sweeps and the table for every instance; the verdict of C13."""
    size = SIZES[profile]
    runner = as_runner(runner)
    # each curve's runs in CURVE_CHUNKS independent tasks (seeds [i, c]), so the two cores share the longest curve
    run_tasks = [{"name": name, "runs": size["runs"] // CURVE_CHUNKS, "steps": size["steps"], "seed": [i, c]}
                 for i, name in enumerate(INSTANCES) for c in range(CURVE_CHUNKS)]
    pieces = runner.map(_curve_runs, run_tasks, key=f"{NAME}-runs")
    curves = [_curve(name, size["steps"], pieces[i * CURVE_CHUNKS:(i + 1) * CURVE_CHUNKS])
              for i, name in enumerate(INSTANCES)]
    sweep_tasks = [{"name": name, "fraction": f, "runs": size["sweep_runs"], "steps": size["sweep_steps"],
                    "seed": 100 + 10 * i + j} for i, name in enumerate(INSTANCES) for j, f in enumerate(SWEEP)]
    sweeps = runner.map(_sweep_point, sweep_tasks, key=f"{NAME}-sweep")
    far_tasks = [{"name": FAR_INSTANCE, "radius": r, "runs": size["far_runs"], "steps": size["far_steps"],
                  "seed": 200 + j} for j, r in enumerate(FAR_RADII[profile])]
    far = runner.map(_far_point, far_tasks, key=f"{NAME}-far")
    candidate_times = _times(size["steps"])
    compared: dict[str, list[int]] = {}
    for name, c in zip(INSTANCES, curves, strict=True):
        floor = max(FLOOR_RELATIVE * c["gap0"], FLOOR_ROUNDINGS * np.finfo(np.float64).eps / 2 * abs(c["loss_star"]))
        compared[name] = [t for t in candidate_times if c["predicted"][t] >= floor]
    comparisons = sum(len(v) for v in compared.values())
    z = t_threshold(FAMILY_ALPHA / comparisons, size["runs"])  # two-sided, Bonferroni over all points
    out: dict[str, Any] = {"claim": "C13", "instances": list(INSTANCES), "k": K, "distribution": DISTRIBUTION,
                           "eps": EPS, "times": candidate_times, "z_threshold": z, "comparisons": comparisons,
                           "sweep_fractions": list(SWEEP),
                           "profile_sizes": size}
    table, curves_ok, sweeps_ok = [], True, True
    for i, name in enumerate(INSTANCES):
        c = curves[i]
        times = compared[name]
        mean, pred = np.asarray(c["mean"]), np.asarray(c["predicted"])
        zscores = curve_zscores(c, times)
        rel_err = np.abs(mean[times] - pred[times]) / pred[times]
        within = bool(np.all(np.abs(zscores) <= z))
        curves_ok &= within
        bound_final = c["bound"][-1]
        vacuous = c["mu"] <= 0 or bound_final >= VACUOUS * c["gap0"]
        rows = sweeps[i * len(SWEEP):(i + 1) * len(SWEEP)]
        shrinks = all(r["measured_ratio"] < 1 for r in rows if r["fraction"] < 1)
        grows = all(r["measured_ratio"] > 1 for r in rows if r["fraction"] >= SWEEP_GROWS_ABOVE)
        below = [r["fraction"] for r in rows if r["measured_ratio"] < 1]
        above = [r["fraction"] for r in rows if r["measured_ratio"] >= 1]
        sweeps_ok &= shrinks and grows
        c.update({"compared_times": times, "z_scores": zscores.tolist(), "relative_errors": rel_err.tolist(),
                  "within": within,
                  "max_abs_z": float(np.max(np.abs(zscores))), "max_relative_error": float(np.max(rel_err)),
                  "bound_final_over_gap0": bound_final / c["gap0"], "bound_vacuous": bool(vacuous),
                  "measured_final_over_gap0": float(mean[-1] / c["gap0"]), "sweep": rows,
                  "measured_threshold_bracket": [max(below, default=0.0), min(above, default=math.inf)]})
        # the curves are stored at the plotted and compared steps only (`t`), not at every step
        kept = sorted({*np.linspace(0, c["steps"], PLOT_POINTS).round().astype(int).tolist(), *candidate_times})
        c["skewness"] = [c["skewness"][t] for t in times]  # at the compared times only (above the floor)
        for key in ("mean", "se", "predicted", "bound"):
            c[key] = [c[key][j] for j in kept]
        c["t"] = kept
        out[name] = c
        table.append({"instance": name, "n": c["n"], "d": c["d"], "rank": c["rank"], "ell": c["ell"], "mu": c["mu"],
                      "kappa": c["kappa"], "r_H0": c["effective_rank_H0"], "bound_vacuous": bool(vacuous),
                      "max_relative_error": c["max_relative_error"], "max_abs_z": c["max_abs_z"],
                      "max_stable_over_step_size": c["max_stable_over_step_size"]})
    out["table"] = table
    far_times = _times(size["far_steps"])
    z_far = t_threshold(FAMILY_ALPHA / len(far_times), size["far_runs"])  # per start, Bonferroni over its times
    for f in far:
        mean, se, skew, pred = (np.asarray(f[key]) for key in ("mean", "se", "skewness", "predicted"))
        f["z_scores"] = skew_corrected_t(mean[far_times], se[far_times], skew[far_times], f["runs"],
                                         pred[far_times]).tolist()
        f["skewness"] = skew[far_times].tolist()
        f["relative_errors"] = (np.abs(mean[far_times] - pred[far_times]) / pred[far_times]).tolist()
        f["model_gap0_relative_error"] = abs(pred[0] / f["gap0"] - 1)  # deterministic: the model's gap at t = 0
        f["within"] = bool(np.all(np.abs(f["z_scores"]) <= z_far))
    outside = [f["radius"] for f in far if not f["within"]]
    exact_up_to = max((f["radius"] for f in far if f["radius"] < min(outside, default=math.inf)), default=0.0)
    out["far"] = {"instance": FAR_INSTANCE, "lr_fraction": FAR_LR_FRACTION, "times": far_times, "z_threshold": z_far,
                  "points": far, "within_up_to_radius": exact_up_to,
                  "first_radius_outside": min((f["radius"] for f in far if not f["within"]), default=None)}
    confirmed = curves_ok and sweeps_ok
    worst = max(out[name]["max_abs_z"] for name in INSTANCES)
    vac = [name for name in INSTANCES if out[name]["bound_vacuous"]]
    out.update({
        "criterion": (f"measured mean within z*SE of expected_gap_curve at {comparisons} (instance, time) points "
                      f"above the measurement floor (Student's t with Hall's skewness correction against "
                      f"z = {z:.2f}, two-sided, family-wise alpha {FAMILY_ALPHA}, Bonferroni); lr sweep: the "
                      f"measured mean gap shrinks at every lr below max_stable_lr and grows at every lr from "
                      f"{SWEEP_GROWS_ABOVE} x max_stable_lr on"),
        "confirmed": bool(confirmed),
        "curves_within_se": bool(curves_ok), "sweeps_separate": bool(sweeps_ok), "max_abs_z": worst,
        "bound_vacuous_on": vac,
        "finding": (("the exact prediction matches the measured mean gap on every instance "
                     if curves_ok else "the measured mean gap leaves the prediction's z*SE band on "
                     + ", ".join(n for n in INSTANCES if not out[n]["within"]) + " ")
                    + f"(max |z| = {worst:.2f} against {z:.2f}, largest relative error "
                    f"{max(out[n]['max_relative_error'] for n in INSTANCES):.2%}); the C11 bound is vacuous on "
                    f"{', '.join(vac) or 'none'}; max_stable_lr is "
                    + ", ".join(f"{out[n]['max_stable_over_step_size']:.1f}x" for n in INSTANCES)
                    + " the C11 step; " + ("the measured lr sweep changes from shrinking to growing around it"
                                           if sweeps_ok else "the measured lr sweep does not separate at it")
                    + _far_text(out["far"])),
    })
    return out


def _far_text(far: dict[str, Any]) -> str:
    """The distance experiment in words, from its numbers."""
    first = far["first_radius_outside"]
    if first is None:
        return (f"; from starts up to {far['within_up_to_radius']:g} logit units from x* ({far['instance']}) the "
                "measured mean stays within z*SE of the local model's prediction")
    worst = max(max(f["relative_errors"]) for f in far["points"] if f["radius"] == first)
    # beyond the basin the runs are chaotic: their mean differs by 24% between BLAS kernels, so the text states a
    # bound that holds on every machine rather than the value (docs/reproducibility.md)
    ratio = "over 10x" if worst + 1 >= 10 else f"up to {worst + 1:.2g}x"
    return (f"; on {far['instance']} the local model's prediction holds from starts up to "
            f"{far['within_up_to_radius']:g} logit units from x* and fails from {first:g} on (measured mean "
            f"{ratio} the prediction there)")


def plot(data: dict[str, Any]) -> Figure:
    r"""Gap curves (one panel per instance), the step-size sweep of every instance, the far starts; one key.

    Fits the report's page: 6.7 in wide and at most 0.72 of the text height (the cap of ``\FigInclude``), so
    it is printed at its size. An instance keeps its colour in its curve panel and in the sweep; the table is
    in the JSON. Each curve panel's title gives the instance and the prediction's largest relative error.
    """
    names = data["instances"]
    if len(names) > 4:
        raise ValueError(f"data['instances'] must name at most 4 instances (a 3 x 3 grid), got {len(names)}")
    fig = plt.figure(figsize=(6.7, 6.5), layout="constrained")
    grid = fig.add_gridspec(3, 3)  # the curves row by row, then the sweep and the far starts; the key on the right
    cells = iter([*[grid[0, 0], grid[0, 1], grid[0, 2], grid[1, 0]][:len(names)], grid[1, 1], grid[2, 0], grid[2, 1]])
    z = data["z_threshold"]
    colors = {name: f"C{i}" for i, name in enumerate(names)}
    markers = {name: "osD^v"[i % 5] for i, name in enumerate(names)}
    for name in names:
        c, color = data[name], colors[name]
        ax = fig.add_subplot(next(cells))
        t = np.asarray(c["t"])
        mean, se = np.asarray(c["mean"]), np.asarray(c["se"])
        at = {step: j for j, step in enumerate(c["t"])}
        ax.fill_between(t, np.maximum(mean - z * se, 1e-300), mean + z * se, color=color, alpha=0.3, lw=0)
        ax.plot(t, mean, color=color, ls="-", lw=1.0)
        ax.plot(t, c["predicted"], color="k", ls="--", lw=1.1)
        ax.plot(c["compared_times"], [mean[at[step]] for step in c["compared_times"]], ls="none",
                marker=markers[name], color=color, ms=3)
        ax.plot(t, c["bound"], color="0.45", ls="-.", lw=1.1)
        if c["bound_vacuous"]:  # below the flat bound line, where the decaying curve is not
            ax.text(0.98, 0.86, "bound vacuous", transform=ax.transAxes, ha="right", va="top", color="0.3")
        ax.set_yscale("log")
        ax.set_ylabel(r"$E[L(x_t)] - L^*$")
        ax.set_xlabel("iteration $t$")
        ax.set_title(f"{DISPLAY.get(name, name)}: n = {c['n']}, d = {c['d']}\n$\\kappa$ = {c['kappa']:.2g}, "
                     f"error $\\leq$ {c['max_relative_error']:.1%}")
    ax = fig.add_subplot(next(cells))
    for name in names:
        sweep = data[name]["sweep"]
        frac = np.asarray([r["fraction"] for r in sweep])
        measured = np.asarray([r["measured_ratio"] for r in sweep])
        predicted = np.asarray([r["predicted_ratio"] for r in sweep])
        finite = np.isfinite(measured)
        ax.plot(frac, predicted, color=colors[name], ls="--", lw=1, marker=markers[name], mfc="none", ms=3.5)
        ax.plot(frac[finite], measured[finite], color=colors[name], ls="-", lw=1, marker=markers[name], ms=3.5)
        ax.plot(frac[~finite], predicted[~finite], "x", color="k", ms=6)
    ax.axvline(1.0, color="0.3", lw=1, ls=":")
    ax.axhline(1.0, color="0.5", lw=0.8)
    ax.set_yscale("log")
    ax.set_xlabel(r"step size $\eta / \eta^*$")
    ax.set_ylabel(f"gap after {data['profile_sizes']['sweep_steps']} steps\n/ initial gap")
    ax.set_title("step sweep: mean gap\nconverges below $\\eta^*$")
    _plot_far((fig.add_subplot(next(cells)), fig.add_subplot(next(cells))), data["far"])
    key = fig.add_subplot(grid[1:, 2])
    key.axis("off")
    runs = data[names[0]]["runs"]
    line = Line2D
    handles = [*(line([], [], color=colors[n], marker=markers[n], ls="-") for n in names),
               Rectangle((0, 0), 1, 1, color="0.6", alpha=0.5, lw=0),
               line([], [], color="k", ls="--"), line([], [], color="0.45", ls="-."),
               line([], [], color="0.3", ls="--", marker="o", mfc="none"),
               line([], [], color="k", ls="none", marker="x"), line([], [], color="0.3", ls=":")]
    labels = [*(DISPLAY.get(n, n) for n in names), f"measured mean $\\pm$ {z:.1f} SE", "exact prediction (C13)",
              "C11 bound", "sweep: predicted (dashed)", "diverged (no finite mean)",
              r"$\eta^*$: the mean gap converges below it"]
    key.legend(handles, labels, loc="center", borderaxespad=0,
               title=f"curves: $\\eta = 1/(\\ell\\gamma)$, {runs} runs;\nmarkers: the compared times;\n"
                     "sweep: measured solid")
    fig.suptitle(f"C13: the exact expected learning curve of ZO-GD ({data['distribution']}, k = {data['k']}) "
                 "against the measured mean\nand the C11 bound, and where its quadratic model stops holding")
    return fig


def _plot_far(axes: Any, far: dict[str, Any]) -> None:
    """Measured mean over predicted against t for each start distance; the largest |T| (Hall's t) against it."""
    ax = axes[0]
    for i, f in enumerate(far["points"]):
        mean, pred = np.asarray(f["mean"]), np.asarray(f["predicted"])
        ax.plot(np.arange(mean.size), mean / pred, color=f"C{i}", lw=1.1, ls="-", marker="osD^v"[i % 5],
                markevery=(i * 5, 40), ms=3, label=f"{f['radius']:g}")
    ax.axhline(1.0, color="k", ls="--", lw=1)
    ax.set_yscale("log")
    ax.set_xlabel("iteration $t$")
    ax.set_ylabel("measured mean\n/ predicted")
    ax.set_title(f"{DISPLAY.get(far['instance'], far['instance'])}: starts $x^* + r v$\n"
                 f"(step {far['lr_fraction']:g} $\\eta^*$)")
    ax.legend(ncol=3, loc="upper left", title="$r$ (logit units)", borderaxespad=0.2, handlelength=1.5,
              columnspacing=0.8)
    ax.set_ylim(top=ax.get_ylim()[1] * 300)  # room for the key above the curves
    ax = axes[1]
    radii = [f["radius"] for f in far["points"]]
    ax.plot(radii, [max(abs(v) for v in f["z_scores"]) for f in far["points"]], "o-", color="C0",
            label="largest $|T|$ over $t$ (Hall)")
    ax.axhline(far["z_threshold"], color="C3", lw=1, ls=":", label=f"Bonferroni threshold {far['z_threshold']:.2f}")
    ax.plot(radii, [f["model_gap0_relative_error"] * 100 for f in far["points"]], "s--", color="0.4", ms=3,
            label="model error at $t$ = 0 (%)")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("start distance $r$ (logit units)")
    ax.set_ylabel(r"$|T|$, or error (%)")
    ax.set_title("where the quadratic model\nstops holding")
    ax.legend(loc="upper left", borderaxespad=0.2)
    ax.set_ylim(top=ax.get_ylim()[1] * 100)  # room for the key above the points


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Command line: ``python -m analysis.fig_prediction [--quick] [--outdir DIR]``."""
    return run_figure(NAME, compute, plot, argv, __doc__)


if __name__ == "__main__":
    main()
