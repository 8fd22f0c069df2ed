r"""One attention head: speed and memory of the factored problem, and ZO against backpropagation (C12, C14).

At m = n = 128 tokens and MiniLM's shapes (d_head = 32, D + 1 = 385, so d = 12 320), in one process:

* one ZO step with k = 8 (:func:`zosoftmax.zo_gd`, per step) against the products it needs: the factored logits of
  the k + 1 points :math:`[x, z_1..z_k]` (two GEMMs, :meth:`zosoftmax.AttentionRegression.logits`); target <= 1.5;
* :func:`zosoftmax.expected_gap_curve` of the head at :math:`10^4` steps (its local model in the reduced coordinates
  of C14 included, no Newton solve: ``x_star`` is passed) against one :func:`zosoftmax.zo_gd` run of the same
  length; target <= 1;
* the peak traced memory (``tracemalloc``) of a seeded run at ``SHORT`` and at ``steps`` steps: flat (<= 1.05), and
  its size against :math:`8(mn + kd)` bytes (the logits of a step's points and its directions);
* the baseline a user would pick, on a real head of all-MiniLM-L6-v2 (the Zen of Python's first aphorisms, at most
  128 tokens; only with the ``[attention]`` extra): time per step and peak memory growth (the resident set's high-water
  mark ``VmHWM``, reset through ``/proc/self/clear_refs``, which sees torch's allocations too; a fresh interpreter
  each, one thread each) of one ZO step (k = 1: two forward passes) against one gradient by torch autograd through
  the layer's own attention module.

The synthetic head has a known minimizer (targets its own attention at ``x_true``), so no solve is timed.
"""

from __future__ import annotations

import math
import resource
import subprocess
import sys
import tracemalloc
from typing import Any

import numpy as np

import zosoftmax as zs

from ._common import bench_main, interleaved, target
from .bench_memory import peak_bytes

__all__ = ["PROFILES", "THREADS", "head", "main", "run"]

THREADS = ("1",)
P_HEAD, D_IN = 32, 385  # MiniLM: d_head, d_model + 1
STEP_OVER_PRODUCTS, CURVE_OVER_RUN, GROWTH = 1.5, 1.0, 1.05
SHORT = 2
PROFILES: dict[str, dict[str, int]] = {
    "quick": {"m": 16, "k": 8, "steps": 40, "curve_steps": 300, "mem_steps": 6, "reps": 2, "backprop_steps": 3},
    "default": {"m": 128, "k": 8, "steps": 100, "curve_steps": 10_000, "mem_steps": 8, "reps": 3,
                "backprop_steps": 20},
}


def head(m: int, seed: int = 0) -> tuple[zs.AttentionRegression, np.ndarray]:
    """A synthetic head with MiniLM's shapes whose target is its own attention at ``x_true`` (so L* = 0 there)."""
    gen = np.random.default_rng(seed)
    Ht = np.hstack([gen.standard_normal((m, D_IN - 1)), np.ones((m, 1))])
    K = gen.standard_normal((m, P_HEAD))
    x_true = gen.standard_normal(P_HEAD * D_IN) / math.sqrt(D_IN)
    probe = zs.AttentionRegression.from_factors(Ht, K, np.full((m, m), 1.0 / m), scale=1 / math.sqrt(P_HEAD))
    return zs.AttentionRegression.from_factors(Ht, K, probe.attention(x_true), scale=1 / math.sqrt(P_HEAD)), x_true


def _speed(cfg: dict[str, int]) -> dict[str, Any]:
    p, x_true = head(cfg["m"])
    k, steps = cfg["k"], cfg["steps"]
    x0 = x_true + 0.3 * np.random.default_rng(1).standard_normal(p.d) / math.sqrt(D_IN)
    W = np.random.default_rng(2).standard_normal((k + 1, p.d))
    lr = 0.5 * zs.max_stable_lr(p, 1, "gaussian", x_star=x_true)
    times = interleaved({
        "zo_step": lambda: zs.zo_gd(p, x0, steps=steps, lr=lr, k=k, eps=1e-4, rng=3),
        "products": lambda: p.logits(W),
    }, reps=cfg["reps"], min_time=0.2)
    per_step = times["zo_step"]["min"] / steps
    curve_times = interleaved({
        "curve": lambda: zs.expected_gap_curve(p, x0, steps=cfg["curve_steps"], lr=lr, k=1, x_star=x_true),
        "run": lambda: zs.zo_gd(p, x0, steps=cfg["curve_steps"], lr=lr, k=1, eps=1e-4, rng=4),
    }, reps=cfg["reps"], min_time=0.0)
    return {"m": p.m, "n": p.n, "d": p.d, "k": k, "seconds_per_step": per_step, "seconds_products": times["products"],
            "step_over_products": per_step / times["products"]["min"], "curve_seconds": curve_times["curve"],
            "run_seconds": curve_times["run"], "curve_steps": cfg["curve_steps"],
            "curve_over_run": curve_times["curve"]["min"] / curve_times["run"]["min"]}


def _memory(cfg: dict[str, int]) -> dict[str, Any]:
    p, x_true = head(cfg["m"])
    k = cfg["k"]
    tracemalloc.start()
    try:
        short = peak_bytes(lambda: zs.zo_gd(p, x_true, steps=SHORT, lr=1e-3, k=k, eps=1e-4, rng=1))
        long = peak_bytes(lambda: zs.zo_gd(p, x_true, steps=cfg["mem_steps"], lr=1e-3, k=k, eps=1e-4, rng=1))
    finally:
        tracemalloc.stop()
    scale = 8 * (p.m * p.n + k * p.d)
    return {"peak_short": short, "peak": long, "steps": cfg["mem_steps"], "growth": long / short,
            "bytes_mn_plus_kd": scale, "peak_over_mn_plus_kd": long / scale}


_CHILD = r"""
import json, resource, sys, time
import numpy as np, torch
import zosoftmax as zs
sys.path.insert(0, {root!r})
from tests._torch_reference import attention_probs
sentences, method, steps = {sentences}, {method!r}, {steps}
loaded = zs.load_model()
fwd = zs.run_model(zs.default_text(sentences), model=loaded, max_tokens=128)
p, x = zs.attention_head(0, 0, model=fwd, teacher=(0, 1))
b = torch.from_numpy(np.array(p.b))
def zo():
    zs.zo_gd(p, x, steps=1, lr=1e-3, k=1, eps=1e-4, rng=0)
def backprop():
    Wt = torch.tensor(x.reshape(fwd.d_head, fwd.d_model + 1), requires_grad=True)
    loss = 0.5 * torch.sum((attention_probs(loaded, fwd, 0, 0, Wt) - b) ** 2)
    loss.backward()
torch.set_num_threads(1)  # as the ZO side (one BLAS thread)
fn = zo if method == "zo" else backprop
fn()
def status(key):
    for line in open("/proc/self/status"):
        if line.startswith(key):
            return int(line.split()[1])
open("/proc/self/clear_refs", "w").write("5")  # Linux: reset the peak resident set (VmHWM) to the current one
base = status("VmRSS:")
t = time.perf_counter()
for _ in range(steps):
    fn()
dt = (time.perf_counter() - t) / steps
print(json.dumps({{"seconds_per_step": dt, "peak_growth_kib": status("VmHWM:") - base, "m": p.m}}))
"""


def _backprop(cfg: dict[str, int]) -> dict[str, Any] | None:
    """ZO against torch autograd on a real head, each in a fresh interpreter (None without the extra)."""
    try:
        import torch  # noqa: F401
        import transformers  # noqa: F401
    except ImportError:
        return None
    from ._common import ROOT

    sentences = 14 if cfg["m"] >= 100 else 2  # 117 tokens (<= 128) in the default profile
    out: dict[str, Any] = {"sentences": sentences}
    for method in ("zo", "backprop"):
        code = _CHILD.format(root=str(ROOT), sentences=sentences, method=method, steps=cfg["backprop_steps"])
        res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
        out[method] = __import__("json").loads(res.stdout.strip().splitlines()[-1])
    out["time_zo_over_backprop"] = out["zo"]["seconds_per_step"] / out["backprop"]["seconds_per_step"]
    zo_kib, bp_kib = out["zo"]["peak_growth_kib"], out["backprop"]["peak_growth_kib"]
    # the high-water mark moves in pages and only past what the process already holds: no growth on either side
    # means the step's memory is below that resolution, and no ratio is claimed
    out["memory_zo_over_backprop"] = zo_kib / bp_kib if bp_kib > 0 else None
    return out


def run(profile: str) -> dict[str, Any]:
    """The head's speed and memory targets, and the backprop comparison (reported, no target)."""
    cfg = PROFILES[profile]
    speed, mem = _speed(cfg), _memory(cfg)
    bp = _backprop(cfg)
    m, d, k = speed["m"], speed["d"], speed["k"]
    targets = [
        target("head_step_over_products", f"head m = n = {m}, d = {d}: one ZO step (k = {k}) / the factored logits of "
               f"its k + 1 points", speed["step_over_products"], "<=", STEP_OVER_PRODUCTS),
        target("head_curve_over_run", f"head m = n = {m}: expected_gap_curve ({speed['curve_steps']} steps, local "
               "model in the reduced coordinates) / one zo_gd run of the same length", speed["curve_over_run"], "<=",
               CURVE_OVER_RUN),
        target("head_memory_flat", f"head m = n = {m}: seeded run's peak memory from {SHORT} to {mem['steps']} steps "
               f"(peak {mem['peak_over_mn_plus_kd']:.1f} x 8(mn + kd) bytes)", mem["growth"], "<=", GROWTH),
    ]
    return {"speed": speed, "memory": mem, "backprop": bp, "targets": targets,
            "ru_maxrss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """``python -m benchmarks.bench_attention [--quick] [--out FILE]``."""
    return bench_main(run, argv, __doc__)


if __name__ == "__main__":
    main()
