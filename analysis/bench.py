r"""Speed and memory of the one-pass ZO estimator and of batched seeds, against what a user would otherwise run.

``python -m analysis.bench`` (``make bench``) writes ``paper/generated/bench.json`` and ``figures/fig_cost.png|pdf``
and prints a table. Claim C12 (cost): one ZO estimate needs ``2k`` loss evaluations, and for softmax regression
all of them come from one product :math:`A[x, z_1 \dots z_k]` (:math:`A(x\pm\varepsilon z) = Ax\pm\varepsilon Az`);
``S`` seeds share one product :math:`ZA^\top` per step (:func:`zosoftmax.zo_gd_batch`, which carries the logits
:math:`Ax` by the update and takes its quotients from ``k`` exponentials a run); the directions are regenerated
from per-step seeds, so memory does not grow with the number of steps.

What is timed, per ``(n, d, k)`` (Gaussian directions, ε = 1e-3, float64 unless stated):

* ``fast``: :func:`zosoftmax.spsa_gradient` on the :class:`~zosoftmax.SoftmaxRegression` (sampling included);
* ``product``: the one bare product ``A @ [x, Z.T]`` (NumPy, operands prebuilt), the floor of ``fast`` (for
  ``k = 1`` the library takes two matrix-vector products instead, faster than this two-column GEMM, so
  ``fast`` can undercut it there);
* ``naive``: the MeZO-style step, ``2k`` separate :meth:`~zosoftmax.SoftmaxRegression.loss` calls
  (:func:`naive_estimate`, a baseline written here, sampling included);
* ``approx_fprime``: :func:`scipy.optimize.approx_fprime`, ``d + 1`` loss evaluations (measured while one call
  fits the budget, otherwise extrapolated from one loss evaluation and marked so; timed once per ``(n, d)``);
* ``gradient``: the analytic :meth:`~zosoftmax.SoftmaxRegression.gradient`;
* ``fast_float32``: ``fast`` on the same instance in float32, with the precision it costs
  (:math:`\|\hat g_{32} - \hat g_{64}\| / \|\hat g_{64}\|` for the same directions).

Batched seeds: ``S`` runs of :func:`zosoftmax.zo_gd_batch` against ``S`` runs of :func:`zosoftmax.zo_gd` one after
another, per seed-step. Memory: the peak (``tracemalloc``) of a seeded run at ``d = 10^6, n = 64, k = 16``
against :func:`zo_gd_stored_directions`, a naive baseline written here that keeps every step's directions.

Method: every configuration runs in a fresh subprocess, once with single-threaded BLAS
(``OPENBLAS_NUM_THREADS=1`` and its OMP/MKL siblings) and once with the BLAS default (all cores). Within a
subprocess each repetition times every method once, in a rotated order (interleaved), each timing a loop of
calls long enough to dwarf the clock; a method's time is the minimum over repetitions, and every ratio is
between times of the same subprocess. No timing is asserted in the test suite (benchmarks are not tests).
Absolute times are not comparable across runs or machines; on a machine shared with other work the minimum
still moves by tens of percent, and multi-threaded BLAS suffers most (threads wait for a busy core).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import scipy
import scipy.optimize
from matplotlib.figure import Figure

import zosoftmax as zs
from zosoftmax.io import atomic_write_json, read_json

from ._common import FIGURES, GENERATED, ROOT, save_figure

__all__ = ["NAME", "PROFILES", "naive_estimate", "zo_gd_stored_directions", "compute", "plot", "table", "main"]

NAME = "fig_cost"
JSON_NAME = "bench"
EPS = 1e-3  # the library's default perturbation
LR = 1e-2  # any stable step: only time is measured
THREAD_VARS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS")
METHODS = ("fast", "product", "naive", "approx_fprime", "gradient", "fast_float32")
SWEEP_METHODS = ("fast", "batched", "product", "naive", "approx_fprime", "gradient")
LABELS = {"fast": "ZO one pass (spsa_gradient)", "batched": "ZO batched, per seed-step (zo_gd_batch, S={S})",
          "product": "bare product A[x, Z]", "naive": "ZO naive: 2k loss calls (MeZO step)",
          "approx_fprime": "scipy approx_fprime (d+1 calls)", "gradient": "analytic gradient"}

# quick: the test suite (seconds); default: `make bench` (a few minutes on 2 cores).
PROFILES: dict[str, dict[str, Any]] = {
    "quick": {"reps": 3, "min_time": 0.001, "fprime_budget": {"estimator": 0.2, "sweep": 0.05},
              "estimator": [(64, 64, 4), (64, 64, 1)],
              "batch": {"n": 64, "d": 64, "k": 4, "S": [4], "steps": 3},
              "sweep": {"n": 32, "k": 4, "d": [32, 64, 128], "S": 4, "steps": 2},
              "memory": {"n": 16, "d": 20_000, "k": 4, "steps": 3}},
    "default": {"reps": 8, "min_time": 0.03, "fprime_budget": {"estimator": 8.0, "sweep": 1.0},
                "estimator": [(2048, 2048, 8), (2048, 2048, 1), (512, 512, 4), (512, 512, 1), (256, 4096, 16)],
                "batch": {"n": 512, "d": 512, "k": 4, "S": [8, 32], "steps": 20, "reps": 12,
                          "min_time": 0.3},
                "sweep": {"n": 256, "k": 8, "d": [256, 512, 1024, 2048, 4096, 8192, 16384], "S": 32, "steps": 4},
                "memory": {"n": 64, "d": 1_000_000, "k": 16, "steps": 4}},
}
EXPENSIVE_S = 1.0  # a method whose single call takes longer than this is timed in only 3 repetitions


# ------------------------------------------------------------------------------------------- baselines
def naive_estimate(problem: zs.SoftmaxRegression, x: np.ndarray, directions: np.ndarray, eps: float) -> np.ndarray:
    """NAIVE BASELINE (not the library): the MeZO-style step, ``2k`` separate loss calls, one per point."""
    g = np.zeros(problem.d)
    for z in directions:
        g += (problem.loss(x + eps * z) - problem.loss(x - eps * z)) / (2 * eps) * z
    return g / len(directions)


def zo_gd_stored_directions(problem: zs.SoftmaxRegression, x0: np.ndarray, *, steps: int, lr: float, k: int,
                            eps: float, rng: np.random.Generator) -> tuple[np.ndarray, list[np.ndarray]]:
    """NAIVE BASELINE (not the library): ZO-GD that keeps every step's (k, d) directions, as a run must when
    it does not regenerate them from seeds (e.g. to replay or audit it). Only for the memory comparison."""
    x = np.array(x0, dtype=problem.dtype)
    kept: list[np.ndarray] = []
    for _ in range(steps):
        Z = zs.sample_directions(k, problem.d, "gaussian", rng)
        s = zs.projected_gradients(problem, x, Z, eps=eps)
        x = x - lr * (Z.T @ s) / k
        kept.append(Z)
    return x, kept


# --------------------------------------------------------------------------------------------- timing
def _calibrate(fn: Callable[[], Any], min_time: float) -> tuple[int, float]:
    """Calls per timing so that one timing lasts about ``min_time`` (after one warm-up call)."""
    t = time.perf_counter()
    fn()
    single = time.perf_counter() - t
    return max(1, math.ceil(min_time / max(single, 1e-7))), single


def _interleaved(fns: dict[str, Callable[[], Any]], reps: int, min_time: float) -> dict[str, dict[str, float]]:
    """Seconds per call of each function: min and median over ``reps`` interleaved, order-rotated repetitions."""
    inner, single = {}, {}
    for name, fn in fns.items():
        inner[name], single[name] = _calibrate(fn, min_time)
    names = list(fns)
    samples: dict[str, list[float]] = {name: [] for name in names}
    for r in range(reps):
        for name in names[r % len(names):] + names[:r % len(names)]:
            if single[name] > EXPENSIVE_S and len(samples[name]) >= 3:
                continue
            t = time.perf_counter()
            for _ in range(inner[name]):
                fns[name]()
            samples[name].append((time.perf_counter() - t) / inner[name])
    return {name: {"min": float(np.min(v)), "median": float(np.median(v)), "reps": len(v), "calls": inner[name]}
            for name, v in samples.items()}


def _point(problem: zs.SoftmaxRegression, seed: int) -> np.ndarray:
    """A random point with logits of order one (||A|| = 1 for the library's instances)."""
    return np.random.default_rng(seed).standard_normal(problem.d)


def _estimator_case(n: int, d: int, k: int, cfg: dict[str, Any], fprime_cache: dict[str, Any]) -> dict[str, Any]:
    """One row of the estimator table. ``approx_fprime`` does not depend on ``k``: timed once per (n, d)."""
    print(f"  estimator n={n} d={d} k={k}", file=sys.stderr, flush=True)
    p = zs.random_instance(n, d, rng=n + d + k)
    p32 = zs.SoftmaxRegression(p.A, p.b, dtype="float32")
    x = _point(p, 1)
    x32 = x.astype(np.float32)
    gen = np.random.default_rng(2)
    Z = zs.sample_directions(k, d, "gaussian", gen)
    M = np.concatenate([x[:, None], Z.T], axis=1)  # [x, z_1 .. z_k], prebuilt: the product alone
    t_loss = _interleaved({"loss": lambda: p.loss(x)}, 3, cfg["min_time"])["loss"]["min"]
    fprime_estimate = (d + 1) * t_loss
    fns: dict[str, Callable[[], Any]] = {
        "fast": lambda: zs.spsa_gradient(p, x, k=k, eps=EPS, rng=gen),
        "product": lambda: p.A @ M,
        "naive": lambda: naive_estimate(p, x, zs.sample_directions(k, d, "gaussian", gen), EPS),
        "gradient": lambda: p.gradient(x),
        "fast_float32": lambda: zs.spsa_gradient(p32, x32, k=k, eps=EPS, rng=gen),
    }
    measured_fprime = fprime_estimate <= cfg["fprime_budget"]["estimator"]
    cached = fprime_cache.get(f"{n},{d}")
    if measured_fprime and cached is None:
        fns["approx_fprime"] = lambda: scipy.optimize.approx_fprime(x, p.loss, np.sqrt(np.finfo(float).eps))
    times = _interleaved(fns, cfg["reps"], cfg["min_time"])
    if measured_fprime and cached is None:
        fprime_cache[f"{n},{d}"] = dict(times["approx_fprime"])
    elif measured_fprime:
        times["approx_fprime"] = {**cached, "reused_from_same_n_d": True}
    else:
        times["approx_fprime"] = {"min": fprime_estimate, "median": fprime_estimate, "reps": 0, "calls": 0,
                                  "extrapolated": True}
    t = {name: v["min"] for name, v in times.items()}
    # Same directions through every path: agreement to rounding, and the precision float32 costs.
    g64 = zs.spsa_gradient(p, x, directions=Z, eps=EPS)
    g32 = zs.spsa_gradient(p32, x32, directions=Z, eps=EPS).astype(np.float64)
    naive = naive_estimate(p, x, Z, EPS)
    norm = float(np.linalg.norm(g64))
    return {
        "n": n, "d": d, "k": k, "times_s": times,
        "ratios": {
            "fast_over_product": t["fast"] / t["product"],
            "naive_over_fast": t["naive"] / t["fast"],
            "approx_fprime_over_fast": t["approx_fprime"] / t["fast"],
            "fast_over_gradient": t["fast"] / t["gradient"],
            "float32_over_float64": t["fast_float32"] / t["fast"],
        },
        "approx_fprime_extrapolated": not measured_fprime,
        "precision": {
            "float32_rel_error": float(np.linalg.norm(g32 - g64)) / norm,
            "naive_rel_difference_float64": float(np.linalg.norm(naive - g64)) / norm,
            # the estimator's own spread for context: sqrt(E||ĝ - g||² / ||g||²) = sqrt(factor - 1), C8
            "estimator_rel_std": math.sqrt(zs.second_moment_factor(d, k, "gaussian") - 1),
        },
    }


def _batch_case(n: int, d: int, k: int, S: int, steps: int, cfg: dict[str, Any]) -> dict[str, Any]:
    print(f"  batch n={n} d={d} k={k} S={S}", file=sys.stderr, flush=True)
    p = zs.random_instance(n, d, rng=7)
    x0 = np.zeros(d)
    fns = {
        "batched": lambda: zs.zo_gd_batch(p, x0, seeds=S, steps=steps, lr=LR, k=k, eps=EPS, rng=0),
        "sequential": lambda: [zs.zo_gd(p, x0, steps=steps, lr=LR, k=k, eps=EPS, rng=s) for s in range(S)],
    }
    times = _interleaved(fns, cfg["batch"].get("reps", cfg["reps"]), cfg["batch"].get("min_time", cfg["min_time"]))
    per = {name: v["min"] / (S * steps) for name, v in times.items()}
    return {"n": n, "d": d, "k": k, "S": S, "steps": steps, "times_s": times,
            "per_seed_step_s": per, "speedup": per["sequential"] / per["batched"]}


def _sweep_point(n: int, d: int, k: int, S: int, steps: int, cfg: dict[str, Any]) -> tuple[dict[str, float], bool]:
    """Seconds per step of every method at one ``d`` (the batched run per seed-step)."""
    print(f"  sweep n={n} d={d} k={k}", file=sys.stderr, flush=True)
    p = zs.random_instance(n, d, rng=d)
    x = _point(p, 3)
    gen = np.random.default_rng(4)
    M = np.concatenate([x[:, None], zs.sample_directions(k, d, "gaussian", gen).T], axis=1)
    t_loss = _interleaved({"loss": lambda: p.loss(x)}, 3, cfg["min_time"])["loss"]["min"]
    fns: dict[str, Callable[[], Any]] = {
        "fast": lambda: zs.spsa_gradient(p, x, k=k, eps=EPS, rng=gen),
        "batched": lambda: zs.zo_gd_batch(p, x, seeds=S, steps=steps, lr=LR, k=k, eps=EPS, rng=0),
        "product": lambda: p.A @ M,
        "naive": lambda: naive_estimate(p, x, zs.sample_directions(k, d, "gaussian", gen), EPS),
        "gradient": lambda: p.gradient(x),
    }
    extrapolated = (d + 1) * t_loss > cfg["fprime_budget"]["sweep"]
    if not extrapolated:
        fns["approx_fprime"] = lambda: scipy.optimize.approx_fprime(x, p.loss, np.sqrt(np.finfo(float).eps))
    times = {name: v["min"] for name, v in _interleaved(fns, cfg["reps"], cfg["min_time"]).items()}
    times["batched"] /= S * steps  # per seed-step
    if extrapolated:
        times["approx_fprime"] = (d + 1) * t_loss
    return times, extrapolated


def _sweep(cfg: dict[str, Any]) -> dict[str, Any]:
    sw = cfg["sweep"]
    out: dict[str, Any] = {"n": sw["n"], "k": sw["k"], "S": sw["S"], "d": sw["d"],
                           "times_s": {m: [] for m in SWEEP_METHODS}, "extrapolated": []}
    for d in sw["d"]:
        times, extrapolated = _sweep_point(sw["n"], d, sw["k"], sw["S"], sw["steps"], cfg)
        for m in SWEEP_METHODS:
            out["times_s"][m].append(times[m])
        out["extrapolated"].append(extrapolated)
    return out


def _worker(cfg: dict[str, Any]) -> dict[str, Any]:
    """Everything timed in this process (one BLAS thread setting), with the wall time of each part."""
    fprime_cache: dict[str, Any] = {}
    wall, t = {}, time.monotonic()
    estimator = [_estimator_case(n, d, k, cfg, fprime_cache) for n, d, k in cfg["estimator"]]
    wall["estimator"], t = time.monotonic() - t, time.monotonic()
    b = cfg["batch"]
    batch = [_batch_case(b["n"], b["d"], b["k"], S, b["steps"], cfg) for S in b["S"]]
    wall["batch"], t = time.monotonic() - t, time.monotonic()
    sweep = _sweep(cfg)
    wall["sweep"] = time.monotonic() - t
    return {"estimator": estimator, "batch": batch, "sweep": sweep, "wall_s": wall}


def _peak(fn: Callable[[], Any]) -> int:
    """Peak traced bytes allocated while ``fn`` runs, above what was allocated before (NumPy reports to
    tracemalloc)."""
    tracemalloc.reset_peak()
    base = tracemalloc.get_traced_memory()[0]
    result = fn()
    peak = tracemalloc.get_traced_memory()[1] - base
    del result
    return int(peak)


def _memory_worker(cfg: dict[str, Any]) -> dict[str, Any]:
    """Peak memory of a seeded ZO-GD run (1 and ``steps`` steps) against the stored-directions baseline."""
    mem = cfg["memory"]
    n, d, k, steps = mem["n"], mem["d"], mem["k"], mem["steps"]
    gen = np.random.default_rng(0)
    A = gen.standard_normal((n, d)) / math.sqrt(d)  # ||A|| ~ 1 + sqrt(n/d); the spectrum is irrelevant here
    p = zs.SoftmaxRegression(A, np.full(n, 1.0 / n))
    del A
    x0 = np.zeros(d)
    tracemalloc.start()
    out = {"n": n, "d": d, "k": k, "steps": steps, "bytes_A": int(p.A.nbytes),
           "bytes_one_step_directions": k * d * 8, "bytes_x": d * 8}
    out["peak_seeded_1_step"] = _peak(lambda: zs.zo_gd(p, x0, steps=1, lr=LR, k=k, eps=EPS, rng=1))
    out["peak_seeded"] = _peak(lambda: zs.zo_gd(p, x0, steps=steps, lr=LR, k=k, eps=EPS, rng=1))
    out["peak_stored"] = _peak(lambda: zo_gd_stored_directions(p, x0, steps=steps, lr=LR, k=k, eps=EPS,
                                                               rng=np.random.default_rng(1)))
    tracemalloc.stop()
    out["stored_over_seeded"] = out["peak_stored"] / out["peak_seeded"]
    out["seeded_growth_over_steps"] = out["peak_seeded"] / out["peak_seeded_1_step"]
    return out


# ------------------------------------------------------------------------------------------ processes
def _env(threads: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in THREAD_VARS}
    if threads == "1":
        env.update({key: "1" for key in THREAD_VARS})
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT)] + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else []))
    return env


def _spawn(kind: str, threads: str, cfg: dict[str, Any]) -> dict[str, Any]:
    """Run ``_worker`` (or ``_memory_worker``) in a fresh interpreter with the given BLAS threads."""
    with tempfile.TemporaryDirectory() as tmp:
        cfg_path, out_path = Path(tmp) / "cfg.json", Path(tmp) / "out.json"
        cfg_path.write_text(json.dumps(cfg))
        cmd = [sys.executable, "-m", "analysis.bench", "--worker", kind, str(cfg_path), str(out_path)]
        subprocess.run(cmd, env=_env(threads), cwd=ROOT, check=True)
        return read_json(out_path)  # type: ignore[no-any-return]


def _machine() -> dict[str, Any]:
    try:
        blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]  # type: ignore[index]
    except Exception:  # older NumPy: no dict mode
        blas = {}
    return {"cpus": os.cpu_count(), "platform": platform.platform(), "processor": platform.processor(),
            "python": platform.python_version(), "numpy": np.__version__, "scipy": scipy.__version__,
            "blas": f"{blas.get('name', '?')} {blas.get('version', '')}".strip(),
            "env_threads": {key: os.environ[key] for key in THREAD_VARS if key in os.environ}}


# -------------------------------------------------------------------------------------------- targets
def _case(rows: list[dict[str, Any]], **match: int) -> dict[str, Any] | None:
    for row in rows:
        if all(row.get(key) == value for key, value in match.items()):
            return row
    return None


def _targets(runs: dict[str, Any], memory: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The issue's targets, each with its measured value per BLAS thread setting and ``met``."""
    out = []
    specs = [
        ("one_pass_vs_product", "n = d = 2048, float64, k = 8: the whole estimate costs at most 1.5x the one "
         "product A[x, z_1..z_k]", "estimator", {"n": 2048, "d": 2048, "k": 8}, "fast_over_product", "<=", 1.5),
        ("one_pass_vs_naive", "n = d = 2048, float64, k = 8: at least 2.5x less than 2k separate loss "
         "evaluations", "estimator", {"n": 2048, "d": 2048, "k": 8}, "naive_over_fast", ">=", 2.5),
        ("k1_vs_gradient", "n = d = 2048, k = 1: the estimate costs at most 1.5x an analytic gradient",
         "estimator", {"n": 2048, "d": 2048, "k": 1}, "fast_over_gradient", "<=", 1.5),
        ("batched_seeds", "S = 32, k = 4, n = d = 512: time per seed-step at least 5x better than the seeds one "
         "after another", "batch", {"n": 512, "d": 512, "k": 4, "S": 32}, "speedup", ">=", 5.0),
    ]
    for key, statement, table, match, ratio, op, bound in specs:
        measured = {}
        for threads, res in runs.items():
            row = _case(res[table], **match)
            if row is not None:
                measured[threads] = row["ratios"][ratio] if table == "estimator" else row[ratio]
        if not measured:
            continue  # size not in this profile
        met = {th: bool(v <= bound if op == "<=" else v >= bound) for th, v in measured.items()}
        primary = "default" if "default" in measured else next(iter(measured))
        out.append({"id": key, "statement": statement, "ratio": ratio, "bound": f"{op} {bound}",
                    "measured": measured, "met_by_threads": met, "primary_threads": primary,
                    "met": met[primary]})
    if memory is not None:
        out.append({"id": "memory_seeded", "statement": f"d = {memory['d']}, n = {memory['n']}, k = {memory['k']}: "
                    "directions regenerated from per-step seeds, never kept across steps (the seeded peak does "
                    f"not grow from 1 to {memory['steps']} steps, within 5%; reported against a version that "
                    "stores the directions)", "ratio": "seeded_growth_over_steps", "bound": "<= 1.05",
                    "measured": {"any": memory["seeded_growth_over_steps"]},
                    "stored_over_seeded": memory["stored_over_seeded"],
                    "met": bool(memory["seeded_growth_over_steps"] <= 1.05)})
    return out


# ------------------------------------------------------------------------------------------- top level
def compute(profile: str = "default", threads: tuple[str, ...] = ("1", "default"),
            sizes: list[tuple[int, int, int]] | None = None, memory: bool = True) -> dict[str, Any]:
    """Run every worker; return the JSON document (pure numbers, no file written)."""
    cfg = dict(PROFILES[profile])
    if sizes:
        cfg["estimator"] = [tuple(s) for s in sizes]
    t0, load_start = time.monotonic(), os.getloadavg()
    runs = {}
    for th in threads:
        print(f"bench: timing with BLAS threads = {th} ...", file=sys.stderr, flush=True)
        runs[th] = _spawn("time", th, cfg)
    mem = None
    if memory:
        print("bench: peak memory ...", file=sys.stderr, flush=True)
        mem = _spawn("memory", "1", cfg)
    return {
        "figure": NAME, "profile": profile, "machine": _machine(),
        "method": ("each BLAS thread setting in a fresh subprocess; per method the minimum over interleaved, "
                   "order-rotated repetitions of a loop of calls; ratios between times of the same subprocess"),
        "eps": EPS, "distribution": "gaussian", "scheme": "central",
        "threads": runs, "memory": mem, "targets": _targets(runs, mem),
        "wall_s": time.monotonic() - t0,
        # 1-minute load averages before and after: well above 0 means other work shared the cores (noisy ratios)
        "load_average_1min": {"start": load_start[0], "end": os.getloadavg()[0]},
    }


def plot(data: dict[str, Any]) -> Figure:
    """``fig_cost``: time per step against d, log-log, one line per method, one panel per BLAS setting."""
    runs = data["threads"]
    fig, axes = plt.subplots(1, len(runs), figsize=(5.2 * len(runs), 4.0), squeeze=False, sharey=True)
    for ax, (th, res) in zip(axes[0], runs.items(), strict=True):
        sw = res["sweep"]
        d = np.asarray(sw["d"])
        extra = np.asarray(sw["extrapolated"], dtype=bool)
        for m in SWEEP_METHODS:
            t = np.asarray(sw["times_s"][m])
            style = {"marker": "o", "ms": 3.5}
            if m == "approx_fprime" and extra.any():
                line = ax.loglog(d[~extra], t[~extra], label=LABELS[m], **style)[0]
                ax.loglog(d, np.where(extra | np.roll(extra, -1), t, np.nan), ls="--", color=line.get_color(),
                          marker="o", mfc="none", ms=3.5, label="  (extrapolated: (d+1) x one loss)")
            else:
                ax.loglog(d, t, label=LABELS[m].format(S=sw["S"]), **style)
        ax.set_xlabel("dimension d")
        ax.set_title(f"BLAS threads: {th}  (n = {sw['n']}, k = {sw['k']}, float64)")
    axes[0][0].set_ylabel("time per step (gradient or estimate) [s]")
    axes[0][-1].legend(loc="upper left", fontsize=7)
    fig.suptitle("fig_cost: cost of one step (C12); ZO batched is per seed-step of S seeds", fontsize=9)
    fig.tight_layout()
    return fig


def _fmt(x: float) -> str:
    return f"{x:8.2f}" if x < 1000 else f"{x:8.0f}"


def table(data: dict[str, Any]) -> str:
    """The printed table: ratios per size and thread setting, then the targets."""
    lines = []
    for th, res in data["threads"].items():
        lines.append(f"\nBLAS threads = {th}")
        lines.append(f"{'n':>6} {'d':>6} {'k':>3} | {'fast ms':>8} {'fast/prod':>9} {'naive/fast':>10} "
                     f"{'fprime/fast':>11} {'fast/grad':>9} {'f32/f64':>7} {'f32 relerr':>10}")
        for row in res["estimator"]:
            r = row["ratios"]
            star = "*" if row["approx_fprime_extrapolated"] else " "
            lines.append(f"{row['n']:>6} {row['d']:>6} {row['k']:>3} | {1e3 * row['times_s']['fast']['min']:8.3f} "
                         f"{r['fast_over_product']:9.2f} {r['naive_over_fast']:10.2f} "
                         f"{_fmt(r['approx_fprime_over_fast'])}{star:>3} {r['fast_over_gradient']:9.2f} "
                         f"{r['float32_over_float64']:7.2f} {row['precision']['float32_rel_error']:10.1e}")
        for row in res["batch"]:
            per = row["per_seed_step_s"]
            lines.append(f"  batch n=d={row['n']} k={row['k']} S={row['S']:>4}: per seed-step "
                         f"{1e6 * per['batched']:8.1f} us batched, {1e6 * per['sequential']:8.1f} us sequential, "
                         f"speedup {row['speedup']:.2f}x")
    lines.append("  (* approx_fprime extrapolated from one loss evaluation: (d + 1) x t_loss)")
    mem = data.get("memory")
    if mem:
        mb = 2.0**20
        lines.append(f"\nmemory d={mem['d']} n={mem['n']} k={mem['k']}: peak seeded {mem['peak_seeded'] / mb:.0f} MiB "
                     f"({mem['steps']} steps; 1 step {mem['peak_seeded_1_step'] / mb:.0f} MiB), stored directions "
                     f"{mem['peak_stored'] / mb:.0f} MiB ({mem['stored_over_seeded']:.2f}x); A itself "
                     f"{mem['bytes_A'] / mb:.0f} MiB")
    lines.append("\ntargets ([met] or [MISSED] for the primary setting, default BLAS threads = the machine's cores):")
    for t in data["targets"]:
        flags = t.get("met_by_threads", {})
        vals = ", ".join(f"threads {th}: {v:.3g}" + ("" if th not in flags else (" ok" if flags[th] else " missed"))
                         for th, v in t["measured"].items())
        lines.append(f"  [{'met' if t['met'] else 'MISSED'}] {t['id']}: {t['ratio']} {t['bound']}; {vals}")
    return "\n".join(lines)


# ----------------------------------------------------------------------- make figures, before and after
def _time_figures(profile: str, sequential: bool, only: list[str] | None, timeout: float | None) -> dict[str, Any]:
    """Wall time of ``python -m analysis --profile PROFILE [--only ...]`` (all figures, and each one as it reports
    it), with an empty cache and scratch output folders, seeds batched or (``ZOSOFTMAX_SEQUENTIAL=1``) one after
    another. A run cut by ``timeout`` keeps the figures that finished."""
    with tempfile.TemporaryDirectory() as tmp:
        code = ("import sys, pathlib, analysis._common as c; t = pathlib.Path(sys.argv[1]); "
                "c.CACHE, c.FIGURES, c.GENERATED = t / 'cache', t / 'fig', t / 'gen'; "
                "from analysis.__main__ import main; sys.exit(main(sys.argv[2:]))")
        args = ["--profile", profile] + (["--only", *only] if only else [])
        env = _env("1")  # as `make figures` runs them (one BLAS thread)
        env.pop("ZOSOFTMAX_SEQUENTIAL", None)
        if sequential:
            env["ZOSOFTMAX_SEQUENTIAL"] = "1"
        print(f"bench: python -m analysis --profile {profile}, {'sequential' if sequential else 'batched'} seeds ...",
              file=sys.stderr, flush=True)
        t = time.monotonic()
        try:
            proc = subprocess.run([sys.executable, "-c", code, tmp, *args], env=env, cwd=ROOT, check=False,
                                  capture_output=True, text=True, timeout=timeout)
            stderr, returncode = proc.stderr, proc.returncode
        except subprocess.TimeoutExpired as exc:
            err = exc.stderr or b""
            stderr, returncode = err.decode() if isinstance(err, bytes) else err, "timeout"
        total = time.monotonic() - t
    per_figure: dict[str, float] = {}
    current = None
    for line in stderr.splitlines():  # "[i/N] NAME (profile)" then "    done in X.Xs"
        if line.startswith("[") and "] " in line:
            current = line.split("] ", 1)[1].split(" ", 1)[0]
        elif line.strip().startswith("done in") and current is not None:
            per_figure[current] = float(line.strip()[len("done in"):].strip().rstrip("s"))
    return {"total_s": total, "per_figure_s": per_figure, "returncode": returncode}


def _figures_timing(profile: str, only: list[str] | None = None, timeout: float | None = None) -> dict[str, Any]:
    batched = _time_figures(profile, False, only, timeout)
    sequential = _time_figures(profile, True, only, timeout)
    per = {name: {"batched_s": t, "sequential_s": sequential["per_figure_s"].get(name),
                  "speedup": (sequential["per_figure_s"][name] / t) if name in sequential["per_figure_s"] else None}
           for name, t in batched["per_figure_s"].items()}
    both = [name for name, row in per.items() if row["sequential_s"] is not None]
    seq_sum = sum(per[name]["sequential_s"] for name in both)
    bat_sum = sum(per[name]["batched_s"] for name in both)
    return {"profile": profile, "only": only, "timeout_s": timeout, "blas_threads": "1 (as make figures)",
            "batched_s": batched["total_s"], "sequential_s": sequential["total_s"],
            "figures_in_both": both, "batched_sum_s": bat_sum, "sequential_sum_s": seq_sum,
            "speedup": seq_sum / bat_sum if bat_sum > 0 else None, "per_figure": per,
            "missing_in_sequential": [name for name in per if name not in both],
            "returncodes": {"batched": batched["returncode"], "sequential": sequential["returncode"]},
            "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "machine": _machine()}


def _print_figures_timing(mf: dict[str, Any]) -> None:
    what = "make figures" if not mf.get("only") else "figures " + ", ".join(mf["only"])
    print(f"\n{what} ({mf['profile']}): {mf['sequential_s']:.1f} s with sequential seeds, "
          f"{mf['batched_s']:.1f} s batched; over the figures that finished both ways "
          f"{mf['sequential_sum_s']:.1f} s against {mf['batched_sum_s']:.1f} s ({mf['speedup']:.2f}x)"
          f"{'' if mf['measured_in_this_run'] else ' [from an earlier run]'}")
    if mf.get("missing_in_sequential"):
        print(f"  did not finish with ZOSOFTMAX_SEQUENTIAL=1: {', '.join(mf['missing_in_sequential'])}")
    for name, row in mf.get("per_figure", {}).items():
        seq = "?" if row["sequential_s"] is None else f"{row['sequential_s']:.1f}"
        ratio = "" if row["speedup"] is None else f" ({row['speedup']:.2f}x)"
        print(f"  {name:24s} {seq:>8} s sequential, {row['batched_s']:8.1f} s batched{ratio}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m analysis.bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes, a few seconds (what the tests run)")
    parser.add_argument("--sizes", nargs="+", default=None, metavar="N,D,K",
                        help="estimator sizes instead of the profile's, e.g. 2048,2048,8 512,512,4")
    parser.add_argument("--threads", choices=["1", "default", "both"], default="both")
    parser.add_argument("--no-memory", action="store_true", help="skip the peak-memory comparison")
    parser.add_argument("--figures-timing", action="store_true",
                        help="also time `python -m analysis` with and without ZOSOFTMAX_SEQUENTIAL=1 (long)")
    parser.add_argument("--figures-timing-only", action="store_true",
                        help="only that timing, merged into the existing bench.json (no other benchmark)")
    parser.add_argument("--figures-profile", choices=["quick", "default", "full"], default=None,
                        help="profile of the timed figures (default: the benchmark's, quick or default)")
    parser.add_argument("--figures-only", nargs="+", default=None, metavar="NAME",
                        help="time only these figure scripts (python -m analysis --only ...)")
    parser.add_argument("--figures-timeout", type=float, default=None, metavar="S",
                        help="cut each of the two figure runs after S seconds, keeping the figures that finished")
    parser.add_argument("--outdir", type=Path, default=None, help="write bench.json and fig_cost.* here")
    parser.add_argument("--worker", nargs=3, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        kind, cfg_path, out_path = args.worker
        cfg = read_json(cfg_path)
        atomic_write_json(out_path, _worker(cfg) if kind == "time" else _memory_worker(cfg))
        return 0
    profile = "quick" if args.quick else "default"
    sizes = None
    if args.sizes:
        try:
            sizes = [tuple(int(v) for v in s.split(",")) for s in args.sizes]
        except ValueError:
            parser.error("--sizes takes N,D,K triples of integers, e.g. 2048,2048,8")
        if any(len(s) != 3 or min(s) < 1 or s[0] < 2 for s in sizes):
            parser.error("--sizes takes N,D,K triples with n >= 2 and d, k >= 1")
    threads = ("1", "default") if args.threads == "both" else (args.threads,)
    fig_dir = args.outdir if args.outdir is not None else FIGURES
    json_path = (args.outdir if args.outdir is not None else GENERATED) / f"{JSON_NAME}.json"
    previous = read_json(json_path) if json_path.exists() else {}
    fig_profile = args.figures_profile or profile
    # the whole `make figures` and a subset (--figures-only: the experiments that run ZO seeds) are kept apart
    key = "make_figures" if not args.figures_only else "figures_subset"
    if args.figures_timing_only:
        if "threads" not in previous:
            parser.error(f"--figures-timing-only needs an existing {json_path}; run the benchmark first")
        previous[key] = {**_figures_timing(fig_profile, args.figures_only, args.figures_timeout),
                         "measured_in_this_run": True}
        for other in {"make_figures", "figures_subset"} - {key}:
            if other in previous:
                previous[other]["measured_in_this_run"] = False
        atomic_write_json(json_path, previous)
        _print_figures_timing(previous[key])
        return 0
    data = compute(profile, threads, sizes, memory=not args.no_memory)  # type: ignore[arg-type]
    for name in ("make_figures", "figures_subset"):
        if name in previous:
            data[name] = {**previous[name], "measured_in_this_run": False}
    if args.figures_timing:
        data[key] = {**_figures_timing(fig_profile, args.figures_only, args.figures_timeout),
                     "measured_in_this_run": True}
    save_figure(plot(data), NAME, fig_dir)
    atomic_write_json(json_path, data)
    print(table(data))
    for name in ("make_figures", "figures_subset"):
        if name in data:
            _print_figures_timing(data[name])
    load = data["load_average_1min"]
    print(f"\nbench: {data['wall_s']:.0f} s (1-min load average {load['start']:.1f} before, {load['end']:.1f} after, "
          f"on {os.cpu_count()} CPUs); wrote {json_path} and {fig_dir / NAME}.png|pdf", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
