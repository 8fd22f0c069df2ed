r"""Figure (C16): the best number of directions at a fixed budget of loss evaluations, and the two step thresholds.

Claim C16 [derived]: at a budget of loss evaluations with the step tuned per ``k`` on the exact curve
(:func:`zosoftmax.plan`), the central scheme's best ``k`` is 1 without noise; with noisy losses the curve flattens
in ``k``. And two thresholds: the mean gap converges below :math:`\eta^*` (:func:`zosoftmax.max_stable_lr`), a
typical run converges below :math:`\eta_{\rm a.s.} \ge \eta^*` (:func:`zosoftmax.almost_sure_lr`).

Setting: scikit-learn's wine and breast cancer (:func:`zosoftmax.load_instance` defaults), ZO-GD from
:math:`x_0 = 0`, Gaussian directions, central scheme, ε = 1e-4, a budget of ``budget`` loss evaluations
(``budget / 2k`` steps). Noise: none, or :math:`\sigma = \varepsilon\sqrt{L(x_0) - L^*}` on every evaluation.
Top row: the measured mean final gap over the initial gap against ``k`` (band ± z·SE), with the planned
(predicted) one, on wine, breast cancer and the head. Middle row: the closure and the local model from realistic
starts on the scikit-learn instances. Bottom row: the fraction of diverging runs on wine (k = 1, no noise,
``div_steps`` steps; a run diverges when it raises :class:`zosoftmax.DivergenceError` or ends above its initial
gap) against :math:`\eta/\eta^*`, with both thresholds marked; the closure on the head.

A real attention head (all-MiniLM-L6-v2, :func:`zosoftmax.attention_head`) on a short text: the first
``HEAD_SENTENCES`` = 2 aphorisms of the Zen of Python, 14 tokens. With n <= 32 tokens a head's reduced coordinates
(C14) number d' = n x n = 196, so the moment closure's step, O(d'^3) (a Hessian at the mean and two (d', d')
products), costs milliseconds; on fig_attention's 55-token text (d' = 32 x 55 = 1760) it costs
(1760/196)^3 ≈ 720 times the arithmetic, about a second a step on one core: too much for this figure's budget.
The runs use the reduced problem: the loss depends on x only through its projection z = (Q_K ⊗ Q_H)ᵀx, and the
projection of a Gaussian direction in x is a Gaussian direction in z, so a run in z has exactly the law of the
projected run in x. Distances are in logit units (a start
:math:`x^* + \rho v` with :math:`\max|\Delta\text{logit}| = \rho`, as in fig_attention). The head is one more
instance of the budget panels (a distillation task, student 1.2 and teacher 1.5, from the student's own weights),
and the closure is measured on it from self-taught starts at growing distances and from two distillation starts.

Each prediction is stated before its measurement in the JSON. Verdict: confirmed when (1) on every scikit-learn
instance and noise level the measured mean final gap at each ``k`` is within the Bonferroni z·SE of the plan's
prediction (on the head the plan's curve is the local model's, which is not predicted to hold from its start: its
error is reported), (2) on every instance, the head included, the measured best ``k`` is the planned one or their
measured difference is within z·SE (what the runs resolve), (3) the diverging fraction is at most 10% at every
step below :math:`0.85\,\eta_{\rm a.s.}` (low end of its interval) and at least 90% at every step above
:math:`1.15\,\eta_{\rm a.s.}` (high end), (4) the closure holds where predicted on the scikit-learn instances
(within Bonferroni z·SE) and (5) on the head, from self-taught starts up to ``HEAD_HOLDS_UP_TO`` logit units:
there, at every step, its relative error is at most 5% up to z·SE, with runs enough to resolve 5%.
"""

from __future__ import annotations

import functools
import math
import warnings
from statistics import NormalDist
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

import zosoftmax as zs
from zosoftmax.io import Precision
from zosoftmax.reproducible import rounded

from ._common import MODEL_LOCK, Runner, as_runner, run_figure, skew_corrected_t, skewness, t_threshold

__all__ = ["INSTANCES", "NAME", "PRECISION", "best_k_verdict", "compute", "main", "plan_zscores", "plot",
           "tolerance_verdict"]

NAME = "fig_budget"
# Loss units (docs/reproducibility.md): the standard error at t = 0 of runs from one start is 0 up to rounding
# (measured 7e-19 to 2e-16, differing by up to 93% between two CPUs), and the distillation heads' L* is 0 up to
# Newton's rounding (1e-27); every other standard error here is above 1e-8 and every gap above 1e-7
PRECISION = {"closure.cases.*.measured.se": Precision(quantum=1e-14),
             "closure_head.cases.*.measured.se": Precision(quantum=1e-14),
             "closure_head.cases.*.measured.loss_star": Precision(quantum=1e-14)}
INSTANCES = ("wine", "breast_cancer", "head")
DISPLAY = {"breast_cancer": "breast cancer", "head": "MiniLM head 1.2 ← 1.5"}
KS = (1, 2, 4, 8, 16)
DISTRIBUTION, EPS = "gaussian", 1e-4
NOISES = {"none": 0.0, "sigma = eps sqrt(gap0)": 1.0}  # noise level / (eps sqrt(initial gap))
FAMILY_ALPHA = 0.01  # family-wise level of all the comparisons of one instance and noise level (Bonferroni)
DIV_INSTANCE = "wine"
DIV_FRACTIONS = (0.8, 0.9, 1.0, 1.1, 1.2, 1.3, 1.4, 1.5, 1.7, 2.0)  # lr / eta* in the divergence panel
SIDE = 0.10  # the divergence verdict: <= 10% below 0.85 low, >= 90% above 1.15 high
SIZES: dict[str, dict[str, Any]] = {
    "quick": {"runs": 80, "budget": 160, "div_runs": 20, "div_steps": 150, "lyap_steps": 400,
              "closure_runs": 100, "closure_steps": 60, "head_radii": (0.1, 10.0), "head_distill": 1,
              "head_runs": 400, "head_steps": 40},
    "default": {"runs": 400, "budget": 800, "div_runs": 100, "div_steps": 400, "lyap_steps": 2000,
                "closure_runs": 2000, "closure_steps": 300, "head_radii": (0.1, 0.3, 1.0, 2.0, 3.0, 10.0),
                "head_distill": 2, "head_runs": 800, "head_steps": 300},
    "full": {"runs": 2000, "budget": 1600, "div_runs": 400, "div_steps": 800, "lyap_steps": 4000,
             "closure_runs": 4000, "closure_steps": 300, "head_radii": (0.1, 0.3, 1.0, 2.0, 3.0, 10.0, 30.0),
             "head_distill": 2, "head_runs": 4000, "head_steps": 600}}
# The moment closure from realistic starts: (label, instance, w, r). Weak regularizers make the softmax term matter
# (initial gap 24-74% of L(x0) from x0 = 0); r > 0 starts at x* + r v, v a fixed random direction with
# max_i |(A v)_i| = 1 (r logit units, as in fig_prediction). Step 0.5 eta* (local), k = 1, Gaussian, central.
CLOSURE_CASES = (("wine, w = 0.01, x0 = 0", "wine", 0.01, 0.0), ("wine, w = 0.001, x0 = 0", "wine", 0.001, 0.0),
                 ("breast cancer, w = 0.001, x0 = 0", "breast_cancer", 0.001, 0.0),
                 ("wine, w = 0.01, r = 3", "wine", 0.01, 3.0), ("wine, w = 0.01, r = 10", "wine", 0.01, 10.0),
                 ("wine, w = 0.01, r = 30", "wine", 0.01, 30.0))
CLOSURE_HOLDS = ("wine, w = 0.01, x0 = 0", "wine, w = 0.01, r = 3")  # where the closure is predicted to hold
# The real head (MiniLM). The text: its first two aphorisms, 14 tokens, so d' = 14 x 14 = 196 reduced coordinates.
HEAD_SENTENCES = 2
HEAD_BUDGET = ((1, 2), (1, 5))  # the budget panel: distillation, student <- teacher, from the student's own weights
HEAD_SELF = (0, 0)  # the closure from x* + rho v on this self-taught head (fig_attention's far-start head)
HEAD_DISTILL = (((1, 2), (1, 5)), ((4, 1), (5, 1)))  # and from the student's own weights on these distillations
HEAD_DIRECTION_SEED = 31  # v: fig_attention's far-start seed
# Predicted before the committed run (after a pilot of 1000 runs on the same head): the closure holds (relative error
# <= 5% over the whole run) from self-taught starts up to 1 logit unit; beyond, and from the distillation starts
# (about 4 logit units away), it is not predicted to hold.
HEAD_HOLDS_UP_TO = 1.0
CLOSURE_TOLERANCE = 0.05  # the relative error the issue asks to resolve


@functools.lru_cache(maxsize=1)
def _head_forward() -> zs.ModelForward:
    """One float64 forward of the bundled MiniLM on the short text (per process: the tasks share it)."""
    with MODEL_LOCK:
        return zs.run_model(zs.default_text(HEAD_SENTENCES))


@functools.lru_cache(maxsize=4)
def _head(student: tuple[int, int], teacher: tuple[int, int] | None) -> tuple[Any, ...]:
    """``(q, z_pre, z_star, loss_star, v)``: the head in reduced coordinates, its pretrained weights, a minimizer.

    ``v`` is the direction of the self-taught starts in reduced coordinates, scaled to a largest logit change of 1.
    """
    p, x_pre = zs.attention_head(*student, model=_head_forward(), teacher=teacher)
    red = p.reduce()
    q, z_pre = red.problem, red.project(x_pre)
    if teacher is None:
        z_star, loss_star = z_pre, 0.0  # c = 0 exactly at the pretrained weights
    else:
        sol = zs.newton(q, z_pre)
        z_star, loss_star = sol.x, float(sol.losses[-1])
    v = np.random.default_rng(HEAD_DIRECTION_SEED).standard_normal(p.d)
    v = red.project(v / np.max(np.abs(p.logits(v))))  # the logits of x and of its projection are the same
    return q, z_pre, z_star, loss_star, v


def _logit_distance(q: zs.SoftmaxRegression, x: np.ndarray, x_star: np.ndarray) -> float:
    """Largest change of a logit from x* to x, each row centred (a softmax row ignores a shift of its logits)."""
    dy = q.logits(x) - q.logits(x_star)
    return float(np.max(np.abs(dy - dy.mean(axis=-1, keepdims=True))))


def _solved(name: str) -> tuple[zs.SoftmaxRegression, np.ndarray, np.ndarray, float]:
    """``(problem, x0, x_star, loss_star)``: a scikit-learn instance from 0, or the head from the student's weights."""
    if name == "head":
        q, z_pre, z_star, loss_star, _ = _head(*HEAD_BUDGET)
        return q, z_pre, z_star, loss_star
    p = zs.load_instance(name)
    sol = zs.newton(p)
    return p, np.zeros(p.d), sol.x, float(sol.losses[-1])


def _plan_rows(name: str, budget: int, noise_rel: float) -> tuple[zs.Plan, float, float]:
    p, x0, x_star, loss_star = _solved(name)
    gap0 = p.loss(x0) - loss_star
    sigma = noise_rel * EPS * math.sqrt(gap0)
    return zs.plan(p, x0, budget=budget, distribution=DISTRIBUTION, noise=sigma, eps=EPS, x_star=x_star,
                   ks=KS), sigma, gap0


def _budget_runs(name: str, k: int, lr: float, steps: int, sigma: float, runs: int, seed: int) -> dict[str, Any]:
    """``runs`` runs at one k: the mean, sample standard deviation and sample skewness of the final gap."""
    p, x0, _, loss_star = _solved(name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", zs.PrecisionWarning)
        traj = zs.zo_gd_batch(p, x0, runs=runs, steps=steps, lr=lr, k=k, eps=EPS,
                              distribution=DISTRIBUTION, rng=seed, noise=sigma)
    final = traj.losses[:, -1] - loss_star
    return {"mean": float(final.mean()), "sd": float(final.std(ddof=1)), "skewness": skewness(final), "runs": runs}


def _divergence(name: str, lr: float, runs: int, steps: int, seed: int) -> dict[str, Any]:
    """Fraction of single runs that diverge (DivergenceError, or a final gap above the initial one)."""
    p, x0, _, loss_star = _solved(name)
    gap0 = p.loss(x0) - loss_star
    diverged = 0
    gen = np.random.default_rng(seed)
    for _ in range(runs):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", zs.PrecisionWarning)
                with np.errstate(over="ignore", invalid="ignore"):
                    traj = zs.zo_gd(p, x0, steps=steps, lr=lr, k=1, eps=EPS, distribution=DISTRIBUTION, rng=gen)
            diverged += int(not traj.losses[-1] - loss_star < gap0)
        except (zs.DivergenceError, FloatingPointError, ValueError):
            diverged += 1
    return {"diverged": diverged, "runs": runs}


def _closure_start(name: str, w: float, r: float) -> tuple[zs.SoftmaxRegression, np.ndarray, np.ndarray, float]:
    """The case's problem, start, minimizer and L*.

    With weak regularizers the runs amplify a last-bit difference to O(1) within ~50 steps, from far starts and from
    x0 = 0 alike (w = 0.001: 2e-3 of the mean between two BLAS kernels; docs/reproducibility.md): the problem is
    the same objective in arithmetic whose bits do not depend on the CPU, the start rounded off LAPACK's last bits.
    """
    p = zs.ReproducibleRegression.of(zs.load_instance(name, w=w))
    sol = zs.newton(p)
    if r == 0.0:
        return p, np.zeros(p.d), sol.x, float(sol.losses[-1])
    v = np.random.default_rng(11).standard_normal(p.d)
    v /= np.max(np.abs(p.logits(v)))  # one logit unit
    return p, rounded(sol.x + r * v), sol.x, float(sol.losses[-1])


def _closure_lr(p: zs.SoftmaxRegression, x_star: np.ndarray) -> float:
    """0.5 eta* of the local model, rounded off LAPACK's last bits (the runs and the predictions use this one)."""
    return float(rounded(0.5 * zs.max_stable_lr(p, 1, DISTRIBUTION, x_star=x_star)))


def _closure_runs(name: str, w: float, r: float, runs: int, steps: int, seed: int) -> dict[str, Any]:
    """Measured mean gap and its standard error at every step, from the case's start at 0.5 eta*."""
    p, x0, x_star, loss_star = _closure_start(name, w, r)
    lr = _closure_lr(p, x_star)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", zs.PrecisionWarning)
        traj = zs.zo_gd_batch(p, x0, runs=runs, steps=steps, lr=lr, eps=EPS, distribution=DISTRIBUTION, rng=seed)
    gaps = traj.losses - loss_star
    return {"mean": gaps.mean(axis=0).tolist(), "se": (gaps.std(axis=0, ddof=1) / math.sqrt(runs)).tolist()}


def _closure(size: dict[str, int], runner: Runner) -> tuple[dict[str, Any], bool, str]:
    steps = size["closure_steps"]
    tasks = [{"name": name, "w": w, "r": r, "runs": size["closure_runs"], "steps": steps, "seed": 1800 + i}
             for i, (_, name, w, r) in enumerate(CLOSURE_CASES)]
    measured = runner.map(_closure_runs, tasks, key=f"{NAME}-closure")
    cases, ok = {}, True
    for (label, name, w, r), res in zip(CLOSURE_CASES, measured, strict=True):
        p, x0, x_star, loss_star = _closure_start(name, w, r)
        lr = _closure_lr(p, x_star)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            local = zs.expected_gap_curve(p, x0, steps=steps, lr=lr, x_star=x_star)
            closure = zs.expected_gap_curve(p, x0, steps=steps, lr=lr, x_star=x_star, model="closure")
        mean, se = np.asarray(res["mean"]), np.asarray(res["se"])
        floor = max(1e4 * np.finfo(float).eps / 2 * abs(loss_star), 1e-6 * mean[0])
        keep = (mean > floor) & (np.arange(mean.size) > 0)  # t = 0: every run at x0 (the closure's start is exact)
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            rel_local = np.abs(local - mean) / mean
            rel_closure = np.abs(closure - mean) / mean
            z_closure = np.where(keep, (mean - closure) / np.where(keep, se, 1.0), 0.0)
        z = NormalDist().inv_cdf(1 - FAMILY_ALPHA / (2 * int(keep.sum()) * len(CLOSURE_HOLDS)))
        holds = bool(np.all(np.abs(z_closure[keep]) <= z))
        if label in CLOSURE_HOLDS:
            ok &= holds
        cases[label] = {
            "prediction": {"holds_predicted": label in CLOSURE_HOLDS, "local": local.tolist(),
                           "closure": [float(v) if np.isfinite(v) else None for v in closure]},
            "measured": {"mean": res["mean"], "se": res["se"], "gap0_over_L0": float(mean[0] / p.loss(x0)),
                         "largest_relative_error_local": float(np.max(rel_local[keep])),
                         "largest_relative_error_closure": float(np.nanmax(np.where(keep, rel_closure, np.nan))),
                         "largest_relative_se": float(np.max(se[keep] / mean[keep])), "z_threshold": z,
                         "closure_within_z": holds, "final_over_initial": float(mean[-1] / mean[0])}}
    note = "closure, largest relative error (local model): " + "; ".join(
        f"{label}: {c['measured']['largest_relative_error_closure']:.3g} "
        f"({c['measured']['largest_relative_error_local']:.3g})" for label, c in cases.items())
    return {"lr_fraction": 0.5, "steps": steps, "runs": size["closure_runs"], "cases": cases}, ok, note


def tolerance_verdict(predicted: Any, mean: Any, se: Any, loss_star: float, *, tests: int = 1,
                      tolerance: float = CLOSURE_TOLERANCE) -> dict[str, Any]:
    r"""Whether a predicted mean-gap curve holds within ``tolerance`` (relative) of the measured mean over a run.

    Compared at every step :math:`t \ge 1` whose mean is above the rounding floor of the gap
    (:math:`10^4\epsilon_{\rm mach}L^*/2`, and :math:`10^{-6}` of the initial gap). It *holds* when at every such step
    :math:`|\text{predicted} - \text{mean}| \le \text{tolerance}\cdot\text{mean} + z\,\mathrm{SE}`, with
    :math:`z` two-sided Bonferroni over the steps compared and ``tests`` curves (family-wise ``FAMILY_ALPHA``); the
    runs *resolve* the tolerance when :math:`z\,\mathrm{SE} \le \text{tolerance}\cdot\text{mean}` at every such step.
    A non-finite prediction never holds.
    """
    predicted, mean, se = (np.asarray(v, dtype=float) for v in (predicted, mean, se))
    floor = max(1e4 * np.finfo(float).eps / 2 * abs(loss_star), 1e-6 * mean[0])
    keep = (mean > floor) & (np.arange(mean.size) > 0)  # t = 0: every run at x0
    z = NormalDist().inv_cdf(1 - FAMILY_ALPHA / (2 * int(keep.sum()) * tests))
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        err = np.abs(predicted - mean)
        rel = np.where(keep, err / mean, np.nan)
        excess = np.where(keep, (err - tolerance * mean) / np.where(keep, se, 1.0), -np.inf)  # in standard errors
    over = np.nonzero(rel > tolerance)[0]
    relative_se = float(np.max(se[keep] / mean[keep]))
    return {"holds": bool(np.all(np.isfinite(predicted)) and np.max(excess) <= z),
            "resolved": bool(z * relative_se <= tolerance), "z": z, "largest_relative_se": relative_se,
            "largest_relative_error": float(np.nanmax(rel)), "first_step_over": int(over[0]) if over.size else None}


def _head_start(student: list[int], teacher: list[int] | None,
                radius: float | None) -> tuple[zs.SoftmaxRegression, np.ndarray, np.ndarray, float]:
    """``(q, x0, x_star, loss_star)``: x* + radius v on a self-taught head, or the student's weights (radius None)."""
    q, z_pre, z_star, loss_star, v = _head(tuple(student), None if teacher is None else tuple(teacher))  # type: ignore[arg-type]
    return q, (z_pre if radius is None else z_star + radius * v), z_star, loss_star


def _head_closure_runs(student: list[int], teacher: list[int] | None, radius: float | None, runs: int, steps: int,
                       seed: int) -> dict[str, Any]:
    """Measured mean gap and its standard error at every step on the head, from the case's start at 0.5 eta*."""
    q, x0, x_star, loss_star = _head_start(student, teacher, radius)
    lr = 0.5 * zs.max_stable_lr(q, 1, DISTRIBUTION, x_star=x_star)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", zs.PrecisionWarning)
        traj = zs.zo_gd_batch(q, x0, runs=runs, steps=steps, lr=lr, eps=EPS, distribution=DISTRIBUTION, rng=seed)
    gaps = traj.losses - loss_star
    return {"mean": gaps.mean(axis=0).tolist(), "se": (gaps.std(axis=0, ddof=1) / math.sqrt(runs)).tolist()}


def _head_cases(size: dict[str, Any]) -> list[dict[str, Any]]:
    """The head's closure cases in order: self-taught starts at each radius, then the distillation starts."""
    cases = [{"label": f"self-taught {HEAD_SELF[0]}.{HEAD_SELF[1]}, rho = {r:g}", "student": list(HEAD_SELF),
              "teacher": None, "radius": float(r), "holds_predicted": bool(r <= HEAD_HOLDS_UP_TO)}
             for r in size["head_radii"]]
    for student, teacher in HEAD_DISTILL[: size["head_distill"]]:
        cases.append({"label": f"distillation {student[0]}.{student[1]} <- {teacher[0]}.{teacher[1]}",
                      "student": list(student), "teacher": list(teacher), "radius": None, "holds_predicted": False})
    return cases


def _head_closure(size: dict[str, Any], runner: Runner) -> tuple[dict[str, Any], bool, str]:
    """The closure against the measured mean on the head: largest relative error, and where it stops holding."""
    steps, runs = size["head_steps"], size["head_runs"]
    cases = _head_cases(size)
    measured = runner.map(_head_closure_runs, [
        {"student": c["student"], "teacher": c["teacher"], "radius": c["radius"], "runs": runs, "steps": steps,
         "seed": 2100 + i} for i, c in enumerate(cases)], key=f"{NAME}-head-closure")
    n_predicted = sum(c["holds_predicted"] for c in cases)
    out, ok = {}, True
    for case, res in zip(cases, measured, strict=True):
        q, x0, x_star, loss_star = _head_start(case["student"], case["teacher"], case["radius"])
        lr = 0.5 * zs.max_stable_lr(q, 1, DISTRIBUTION, x_star=x_star)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            local = zs.expected_gap_curve(q, x0, steps=steps, lr=lr, x_star=x_star)
            closure = zs.expected_gap_curve(q, x0, steps=steps, lr=lr, x_star=x_star, model="closure")
        verdict = tolerance_verdict(closure, res["mean"], res["se"], loss_star, tests=max(n_predicted, 1))
        local_error = tolerance_verdict(local, res["mean"], res["se"], loss_star)["largest_relative_error"]
        if case["holds_predicted"]:
            ok &= verdict["holds"] and verdict["resolved"]
        out[case["label"]] = {
            "prediction": {"holds_predicted": case["holds_predicted"], "local": local.tolist(),
                           "closure": [float(v) if np.isfinite(v) else None for v in closure]},
            "measured": {"student": case["student"], "teacher": case["teacher"], "radius": case["radius"],
                         "logit_distance": _logit_distance(q, x0, x_star), "lr": lr, "loss_star": loss_star,
                         "gap0": res["mean"][0],
                         "mean": res["mean"], "se": res["se"],
                         "final_over_initial": res["mean"][-1] / res["mean"][0],
                         "largest_relative_error_closure": verdict["largest_relative_error"],
                         "largest_relative_error_local": local_error,
                         "first_step_over_tolerance": verdict["first_step_over"],
                         "largest_relative_se": verdict["largest_relative_se"], "z_threshold": verdict["z"],
                         "resolved": verdict["resolved"], "holds": verdict["holds"]}}
    radial = [c for c in cases if c["radius"] is not None]
    failed = [c["radius"] for c in radial if not out[c["label"]]["measured"]["holds"]]
    first_out = min(failed, default=None)
    up_to = max((c["radius"] for c in radial if first_out is None or c["radius"] < first_out), default=0.0)
    q0 = _head(tuple(HEAD_SELF), None)[0]
    fwd = _head_forward()
    data = {"text": fwd.text, "tokens": fwd.m, "d": int(fwd.head(*HEAD_SELF).Wq.size), "d_reduced": q0.d,
            "lr_fraction": 0.5, "steps": steps, "runs": runs, "tolerance": CLOSURE_TOLERANCE,
            "holds_up_to_predicted": HEAD_HOLDS_UP_TO, "cases": out, "holds_up_to_radius": up_to,
            "first_radius_outside": first_out}
    words = "; ".join(f"{label}: {c['measured']['largest_relative_error_closure']:.3g} "
                      f"({c['measured']['largest_relative_error_local']:.3g})" for label, c in out.items())
    where = ("at every self-taught distance measured" if first_out is None else
             f"up to {up_to:g} logit unit{'' if up_to == 1 else 's'} and not from {first_out:g}" if up_to > 0 else
             f"at no self-taught distance measured (the nearest, {first_out:g}, fails)")
    note = (f"head (MiniLM, {fwd.m} tokens, d' = {q0.d}): the closure holds (<= {CLOSURE_TOLERANCE:.0%}) {where}; "
            f"largest relative error, closure (local model): {words}")
    return data, ok, note


def plan_zscores(rows: list[dict[str, Any]], results: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], float, bool]:
    r"""The per-``k`` check against the plan: each measured mean final gap's z-score against the planned gap.

    ``rows``: the plan's table (``k``, ``gap``); ``results``: :func:`_budget_runs`'s ``{"mean", "sd", "skewness",
    "runs"}`` per row. The score is Student's t with Hall's skewness correction
    (:func:`analysis._common.skew_corrected_t`): the final gaps are skewed (sample skewness up to 6.6 on wine without
    noise), and the plain z-test over 40 runs rejected the exact plan 5 times as often as its level (docs/power.md).
    Returns the measured rows ``{"k", "mean", "se", "z"}``, the threshold :math:`z` (Student's t quantile, two-sided,
    Bonferroni over the ``k`` and the best-``k`` comparison, family-wise ``FAMILY_ALPHA``) and whether every
    :math:`|z| \le z`.
    """
    z = t_threshold(FAMILY_ALPHA / (len(rows) + 1), min(int(r["runs"]) for r in results))
    measured = []
    for row, res in zip(rows, results, strict=True):
        se = res["sd"] / math.sqrt(res["runs"])
        score = (float(skew_corrected_t(res["mean"], se, res["skewness"], int(res["runs"]), row["gap"]))
                 if se > 0 else math.inf)
        measured.append({"k": row["k"], "mean": res["mean"], "se": se, "skewness": res["skewness"], "z": score})
    return measured, z, all(abs(m["z"]) <= z for m in measured)


def best_k_verdict(measured: list[dict[str, Any]], planned_k: int, z: float) -> dict[str, Any]:
    r"""Whether the planned ``k`` is the measured best, or within what the runs resolve of it.

    ``measured``: one ``{"k", "mean", "se"}`` per ``k`` (mean final gap and its standard error). The planned ``k``
    is *resolved* as best when :math:`(\bar g_{\rm planned} - \bar g_{\rm best}) / \sqrt{SE_{\rm planned}^2 +
    SE_{\rm best}^2} \le z`. ``resolution_relative`` :math:`= z\sqrt2\,SE_{\rm best}/\bar g_{\rm best}`: two ``k``
    whose mean final gaps differ by less than this fraction of the best one are not told apart by these runs.
    """
    ranked = sorted(measured, key=lambda m: m["mean"])
    best, second = ranked[0], ranked[1]
    planned = next(m for m in measured if m["k"] == planned_k)
    diff_z = (planned["mean"] - best["mean"]) / math.hypot(planned["se"], best["se"]) if best is not planned else 0.0
    return {"best_k": best["k"], "planned_minus_best_z": diff_z, "resolved": bool(diff_z <= z),
            "resolution_relative": z * math.sqrt(2.0) * best["se"] / best["mean"], "runner_up_k": second["k"],
            "runner_up_over_best": second["mean"] / best["mean"],
            "runner_up_z": (second["mean"] - best["mean"]) / math.hypot(second["se"], best["se"])}


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
                     "prediction": {"best_k": plan.k, "rows": [dict(r) for r in plan.table],
                                    # the plan's curve is the local model's: not predicted to hold from the head's
                                    # start, a distillation from the student's own weights (see closure_head)
                                    "curve_predicted": name != "head"}}
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
            measured, z, ok_curve = plan_zscores(rows, mine)
            best = best_k_verdict(measured, entry["prediction"]["best_k"], z)
            rel_plan = max(abs(m["mean"] - row["gap"]) / m["mean"] for m, row in zip(measured, rows, strict=True))
            entry["measured"] = {"rows": measured, "best_k": best["best_k"],
                                 "planned_minus_best_z": best["planned_minus_best_z"], "z_threshold": z,
                                 "within_z": ok_curve, "best_resolved": best["resolved"],
                                 "resolution_relative": best["resolution_relative"], "runner_up_k": best["runner_up_k"],
                                 "runner_up_over_best": best["runner_up_over_best"], "runner_up_z": best["runner_up_z"],
                                 "largest_relative_error_plan": rel_plan}
            confirmed &= (ok_curve or not entry["prediction"]["curve_predicted"]) and best["resolved"]
            curve = (f"largest z-score {max(abs(m['z']) for m in measured):.1f} (threshold {z:.2f})"
                     if entry["prediction"]["curve_predicted"] else
                     f"the plan's gaps off by up to {rel_plan:.0%} (local model, not predicted to hold here)")
            notes.append(f"{DISPLAY.get(name, name)} ({label}): planned k = {entry['prediction']['best_k']}, "
                         f"measured best k = {best['best_k']} (difference {best['planned_minus_best_z']:.1f} SE; "
                         f"runner-up k = {best['runner_up_k']} {best['runner_up_over_best']:.2f} times the best), "
                         f"{curve}")
    # --- two thresholds on real data
    p, _, x_star, _ = _solved(DIV_INSTANCE)
    eta_ms = zs.max_stable_lr(p, 1, DISTRIBUTION, x_star=x_star)
    eta_as, low, high = zs.almost_sure_lr(p, 1, DISTRIBUTION, x_star=x_star, steps=size["lyap_steps"], rng=16)
    # the same two thresholds for Rademacher directions (the law whose fourth moment differs), for the ratio
    rad_ms = zs.max_stable_lr(p, 1, "rademacher", x_star=x_star)
    rad_as, rad_low, rad_high = zs.almost_sure_lr(p, 1, "rademacher", x_star=x_star, steps=size["lyap_steps"],
                                                  rng=16)
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
                                        "almost_sure_high": high, "ratio": eta_as / eta_ms,
                                        "rademacher": {"max_stable_lr": rad_ms, "almost_sure_lr": rad_as,
                                                       "almost_sure_low": rad_low, "almost_sure_high": rad_high,
                                                       "ratio": rad_as / rad_ms}},
                         "measured": {"points": points, "runs": size["div_runs"], "steps": size["div_steps"],
                                      "below_ok": all(v <= SIDE for v in below),
                                      "above_ok": all(v >= 1 - SIDE for v in above)}}
    fractions = ", ".join(f"{pt['diverged_fraction']:.2f}" for pt in points)
    multiples = ", ".join(f"{f:g}" for f in DIV_FRACTIONS)
    notes.append(f"wine: eta_a.s. = {eta_as / eta_ms:.2f} eta* (interval {low / eta_ms:.2f}-{high / eta_ms:.2f}); "
                 f"diverging fraction {fractions} at {multiples} eta*")
    out["closure"], ok_closure, note = _closure(size, runner)
    confirmed &= ok_closure
    notes.append(note)
    out["closure_head"], ok_head, note = _head_closure(size, runner)
    confirmed &= ok_head
    notes.append(note)
    out["finding"] = "; ".join(notes)
    out["criterion"] = ("measured mean final gap within Bonferroni z*SE of the plan at every k (scikit-learn "
                        "instances); measured best k the planned one or within z*SE of it (every instance, the head "
                        "included); diverging fraction <= 10% below 0.85 low and >= 90% above 1.15 high of the "
                        "almost-sure threshold; the closure within z*SE where predicted (scikit-learn) and within "
                        f"{CLOSURE_TOLERANCE:.0%} up to z*SE, resolved, from head starts up to {HEAD_HOLDS_UP_TO:g} "
                        "logit units")
    out["confirmed"] = bool(confirmed)
    return out


def plot(data: dict[str, Any]) -> Figure:
    """Measured and planned final gap against k (one panel per instance), the divergence sweep, the closures."""
    names = data["instances"]
    fig = plt.figure(figsize=(6.7, 6.6), layout="constrained")
    grid = fig.add_gridspec(3, 3)
    axes = [fig.add_subplot(grid[0, i]) for i in range(len(names))]
    _plot_closure(fig.add_subplot(grid[1, :2]), fig.add_subplot(grid[1, 2]), data["closure"])
    _plot_head_closure(fig.add_subplot(grid[2, 1]), fig.add_subplot(grid[2, 2]), data["closure_head"])
    for ax, name in zip(axes, names, strict=True):
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
        if name == names[0]:  # headroom for the legend above the curves
            lo, hi = ax.get_ylim()
            ax.set_ylim(lo, hi * (hi / lo) ** 0.7)
            ax.legend(fontsize=7, loc="upper left")
    ax = fig.add_subplot(grid[2, 0])
    th = data["thresholds"]
    pts = th["measured"]["points"]
    ax.plot([pt["fraction_of_eta_ms"] for pt in pts], [pt["diverged_fraction"] for pt in pts], "o-", color="C3",
            label=f"{th['measured']['runs']} runs")
    ax.axvline(1.0, color="k", ls="--", lw=1, label=r"$\eta^*$ (mean sq.)")
    pr = th["prediction"]
    ax.axvspan(pr["almost_sure_low"] / pr["max_stable_lr"], pr["almost_sure_high"] / pr["max_stable_lr"],
               color="0.6", alpha=0.4)
    ax.axvline(pr["ratio"], color="0.3", ls=":", lw=1.2, label=r"$\eta_{\rm a.s.}$")
    ax.set_xlabel(r"step size $\eta/\eta^*$")
    ax.set_ylabel("fraction of runs diverging")
    ax.set_title(f"{DISPLAY.get(th['instance'], th['instance'])}: two thresholds, k = 1")
    ax.legend(fontsize=7, loc="lower right")
    fig.suptitle("C16: the best k at a fixed budget (lr tuned per k), the two stability thresholds,\n"
                 "and the moment closure from realistic starts (scikit-learn instances and a real head)")
    return fig


def _plot_head_closure(ax: Any, ax_err: Any, head: dict[str, Any]) -> None:
    """On the head: closure over the measured mean against t; largest relative errors against the distance."""
    cases = head["cases"]
    for i, c in enumerate(cases.values()):
        if c["measured"]["radius"] is None or c["measured"]["radius"] > 3.0:
            continue  # farther out the ratio leaves any useful axis: the right panel has those errors
        mean = np.asarray(c["measured"]["mean"])
        clo = np.asarray([np.nan if v is None else v for v in c["prediction"]["closure"]])
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = clo / mean  # far out it leaves the axis (the closure's gap can even turn negative)
        ax.plot(np.arange(mean.size), ratio, color=f"C{i}", lw=1.0, label=f"{c['measured']['radius']:g}")
    ax.axhspan(1 - head["tolerance"], 1 + head["tolerance"], color="0.85", lw=0)
    ax.axhline(1.0, color="k", lw=0.8)
    ax.set_ylim(0.8, 1.45)
    ax.set_xlabel("iteration $t$")
    ax.set_ylabel("closure / measured mean gap")
    ax.set_title(f"head {HEAD_SELF[0]}.{HEAD_SELF[1]} (d' = {head['d_reduced']}): closure")
    ax.legend(title=r"$\rho$ (logit units)", fontsize=7, ncol=3, loc="upper right")
    cap = 10.0
    for key, marker, color, name in (("largest_relative_error_closure", "o", "C0", "closure"),
                                     ("largest_relative_error_local", "s", "0.4", "local model")):
        dist = np.array([c["measured"]["logit_distance"] for c in cases.values()])
        err = np.array([c["measured"][key] for c in cases.values()])
        self_taught = np.array([c["measured"]["radius"] is not None for c in cases.values()])
        shown = np.minimum(err, cap)
        mfc = "none" if marker == "s" else color
        ax_err.plot(dist[self_taught], shown[self_taught], marker + "-", color=color, mfc=mfc, lw=0.8, label=name)
        ax_err.plot(dist[~self_taught], shown[~self_taught], "D" if marker == "o" else "d", color=color, mfc=mfc,
                    ls="none")  # the distillation starts
    ax_err.axhline(head["tolerance"], color="C3", ls=":", lw=1, label=f"{head['tolerance']:.0%}")
    ax_err.set_xscale("log")
    ax_err.set_yscale("log")
    ax_err.set_ylim(1e-3, 3 * cap)
    ax_err.set_xlabel("distance from $x^*$ (logit units)")
    ax_err.set_ylabel("largest relative error")
    ax_err.set_title(f"head: over {head['steps']} steps, {head['runs']} runs")
    ax_err.legend(fontsize=7, loc="upper left")


def _plot_closure(ax: Any, ax_err: Any, closure: dict[str, Any]) -> None:
    """Measured mean over each prediction against t; the largest relative errors per case."""
    labels = list(closure["cases"])
    for i, label in enumerate(labels[:4]):
        c = closure["cases"][label]
        mean = np.asarray(c["measured"]["mean"])
        clo = np.asarray([np.nan if v is None else v for v in c["prediction"]["closure"]])
        loc = np.asarray(c["prediction"]["local"])
        t = np.arange(mean.size)
        with np.errstate(divide="ignore", invalid="ignore"):
            ax.plot(t, clo / mean, color=f"C{i}", lw=1.2, ls="-", label=label)
            ax.plot(t, loc / mean, color=f"C{i}", lw=1.0, ls="--")
    ax.axhline(1.0, color="k", lw=0.8)
    ax.set_yscale("log")
    ax.set_xlabel("iteration $t$")
    ax.set_ylabel("predicted / measured mean gap")
    ax.set_title(f"closure (solid) and local model (dashed), {closure['runs']} runs")
    ax.legend(fontsize=7, loc="lower left")
    x = np.arange(len(labels))
    cap = 10.0  # errors above are drawn at the cap with an upward marker (the closure diverges at r = 30)
    for key, marker, color, name in (("largest_relative_error_closure", "o", "C0", "closure"),
                                     ("largest_relative_error_local", "s", "0.4", "local model")):
        err = np.array([closure["cases"][la]["measured"][key] for la in labels])
        over = err > cap
        ax_err.plot(x[~over], err[~over], marker, color=color, mfc="none" if marker == "s" else color, label=name)
        ax_err.plot(x[over], np.full(over.sum(), cap), "^", color=color)
    ax_err.axhline(0.05, color="C3", ls=":", lw=1, label="5%")
    ax_err.set_yscale("log")
    ax_err.set_ylim(1e-3, 3 * cap)
    short = []
    for la in labels:
        inst = "bc" if la.startswith("breast") else "wine"
        w = la.split("w = ")[1].split(",")[0]
        start = "0" if "x0 = 0" in la else la.split("r = ")[1]
        short.append(f"{inst}\n{w}\n{start}")
    ax_err.set_xticks(x, short, fontsize=7)
    ax_err.set_xlabel("instance, w, start (0 or r)")
    ax_err.set_ylabel("largest relative error")
    ax_err.set_title("over the whole run")
    ax_err.legend(fontsize=7, loc="upper left")


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Command line: ``python -m analysis.fig_budget [--quick] [--outdir DIR]``."""
    return run_figure(NAME, compute, plot, argv, __doc__)


if __name__ == "__main__":
    main()
