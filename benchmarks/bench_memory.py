r"""Peak memory of a seeded ZO-GD run is flat in the number of steps (C12), at d = 10^6.

Claim C12 (cost): directions regenerated from per-step seeds are never kept, so a run needs :math:`O(d)` memory
beyond the data whatever its length. Measured with ``tracemalloc`` (NumPy reports its buffers to it): the peak
allocated while :func:`zosoftmax.zo_gd` runs 2 steps and ``steps`` steps, against
:func:`zo_gd_stored_directions`, a baseline written here that keeps every step's directions (as a run must
that does not regenerate them). Target (issue 14): the seeded peak grows by at most 5% from 2 to ``steps`` steps.
(From 2 steps on, not 1: while step ``t`` draws its directions, step ``t − 1``'s are still referenced, so the
peak of any run of 2 or more steps holds two steps' directions, one more than a 1-step run; that is a constant,
not a growth in the steps. The 1-step peak is reported too.)
The same property at small sizes is a test (``tests/test_memory.py``).
"""

from __future__ import annotations

import math
import tracemalloc
from collections.abc import Callable
from typing import Any

import numpy as np

import zosoftmax as zs

from ._common import bench_main, target

__all__ = ["GROWTH", "PROFILES", "SHORT", "THREADS", "main", "peak_bytes", "run", "zo_gd_stored_directions"]

THREADS = ("1",)
EPS, LR = 1e-3, 1e-2
GROWTH = 1.05  # the seeded peak at `steps` steps over the peak at 1 step: at most this
SHORT = 2  # the reference run length (see the module docstring)
PROFILES: dict[str, dict[str, int]] = {"quick": {"n": 16, "d": 20_000, "k": 4, "steps": 6},
                                       "default": {"n": 64, "d": 1_000_000, "k": 16, "steps": 8}}


def zo_gd_stored_directions(problem: zs.SoftmaxRegression, x0: np.ndarray, *, steps: int, lr: float, k: int,
                            eps: float, rng: np.random.Generator) -> tuple[np.ndarray, list[np.ndarray]]:
    """NAIVE BASELINE (not the library): ZO-GD that keeps every step's (k, d) directions."""
    x = np.array(x0, dtype=problem.dtype)
    kept: list[np.ndarray] = []
    for _ in range(steps):
        Z = zs.sample_directions(k, problem.d, "gaussian", rng)
        s = zs.projected_gradients(problem, x, Z, eps=eps)
        x = x - lr * (Z.T @ s) / k
        kept.append(Z)
    return x, kept


def peak_bytes(fn: Callable[[], Any]) -> int:
    """Peak traced bytes allocated while ``fn`` runs, above what was allocated before (tracemalloc must be on)."""
    tracemalloc.reset_peak()
    base = tracemalloc.get_traced_memory()[0]
    result = fn()
    peak = tracemalloc.get_traced_memory()[1] - base
    del result
    return int(peak)


def measure(n: int, d: int, k: int, steps: int) -> dict[str, Any]:
    """Peaks of the seeded run (1, ``SHORT`` and ``steps`` steps) and of the stored-directions baseline."""
    gen = np.random.default_rng(0)
    A = gen.standard_normal((n, d)) / math.sqrt(d)  # ||A|| ~ 1 + sqrt(n/d); the spectrum is irrelevant here
    p = zs.SoftmaxRegression(A, np.full(n, 1.0 / n))
    del A
    x0 = np.zeros(d)
    tracemalloc.start()
    try:
        out: dict[str, Any] = {"n": n, "d": d, "k": k, "steps": steps, "bytes_A": int(p.A.nbytes),
                               "bytes_one_step_directions": k * d * 8, "bytes_x": d * 8}
        out["peak_seeded_1_step"] = peak_bytes(lambda: zs.zo_gd(p, x0, steps=1, lr=LR, k=k, eps=EPS, rng=1))
        out["short_steps"] = SHORT
        out["peak_seeded_short"] = peak_bytes(lambda: zs.zo_gd(p, x0, steps=SHORT, lr=LR, k=k, eps=EPS, rng=1))
        out["peak_seeded"] = peak_bytes(lambda: zs.zo_gd(p, x0, steps=steps, lr=LR, k=k, eps=EPS, rng=1))
        out["peak_stored"] = peak_bytes(lambda: zo_gd_stored_directions(p, x0, steps=steps, lr=LR, k=k, eps=EPS,
                                                                        rng=np.random.default_rng(1)))
    finally:
        tracemalloc.stop()
    out["seeded_growth_over_steps"] = out["peak_seeded"] / out["peak_seeded_short"]
    out["stored_over_seeded"] = out["peak_stored"] / out["peak_seeded"]
    return out


def run(profile: str) -> dict[str, Any]:
    """The memory comparison at the profile's size, with the issue's target."""
    cfg = PROFILES[profile]
    mem = measure(cfg["n"], cfg["d"], cfg["k"], cfg["steps"])
    statement = (f"d = {mem['d']}, n = {mem['n']}, k = {mem['k']}: the seeded run's peak memory does not grow from "
                 f"{SHORT} to {mem['steps']} steps (at most {GROWTH}x; the stored-directions baseline: "
                 f"{mem['stored_over_seeded']:.2f}x the seeded peak)")
    return {"memory": mem, "targets": [target("memory_seeded_flat", statement, mem["seeded_growth_over_steps"],
                                              "<=", GROWTH)]}


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """``python -m benchmarks.bench_memory [--quick] [--out FILE]``."""
    return bench_main(run, argv, __doc__)


if __name__ == "__main__":
    main()
