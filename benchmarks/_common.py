"""Shared helpers of the benchmark scripts: interleaved timing, the machine record, targets, the script driver."""

from __future__ import annotations

import argparse
import math
import os
import platform
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import scipy

from zosoftmax.io import atomic_write_json

__all__ = ["EXPENSIVE_S", "RESULTS", "ROOT", "THREAD_VARS", "bench_main", "interleaved", "machine", "target"]

ROOT = Path(__file__).resolve().parents[1]
RESULTS = Path(__file__).resolve().parent / "results.json"
THREAD_VARS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS")
EXPENSIVE_S = 1.0  # a method whose single call takes longer than this is timed in only 3 repetitions


def _calibrate(fn: Callable[[], Any], min_time: float) -> tuple[int, float]:
    """Calls per timing so that one timing lasts about ``min_time`` (after one warm-up call)."""
    t = time.perf_counter()
    fn()
    single = time.perf_counter() - t
    return max(1, math.ceil(min_time / max(single, 1e-7))), single


def interleaved(fns: dict[str, Callable[[], Any]], reps: int, min_time: float) -> dict[str, dict[str, float]]:
    """Seconds per call of each function: min and median over ``reps`` interleaved, order-rotated repetitions.

    Each repetition times every function once (a loop of calls lasting about ``min_time``), in an order rotated
    by one each repetition, so slow drifts of the machine hit every function alike; ratios of minima are then
    comparable within one process.
    """
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


def machine() -> dict[str, Any]:
    """What the numbers were measured on: CPUs, platform, versions, BLAS and its thread variables."""
    try:
        blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]  # type: ignore[index]
    except Exception:  # older NumPy: no dict mode
        blas = {}
    return {"cpus": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version(),
            "numpy": np.__version__, "scipy": scipy.__version__,
            "blas": f"{blas.get('name', '?')} {blas.get('version', '')}".strip(),
            "env_threads": {key: os.environ[key] for key in THREAD_VARS if key in os.environ},
            "load_average_1min": os.getloadavg()[0]}


def target(id: str, statement: str, measured: float, op: str, bound: float) -> dict[str, Any]:
    """One speed target: ``measured op bound`` with ``op`` in ``<=``, ``>=``."""
    if op not in ("<=", ">="):
        raise ValueError(f"op must be '<=' or '>=', got {op!r}")
    met = measured <= bound if op == "<=" else measured >= bound
    return {"id": id, "statement": statement, "measured": float(measured), "bound": f"{op} {bound}",
            "met": bool(met)}


def bench_main(run: Callable[[str], dict[str, Any]], argv: list[str] | None = None,
               doc: str | None = None) -> dict[str, Any]:
    """``python -m benchmarks.bench_NAME [--quick] [--out FILE]``: run, print the targets, write the JSON."""
    parser = argparse.ArgumentParser(description=doc)
    parser.add_argument("--quick", action="store_true", help="tiny sizes, seconds (what the tests run)")
    parser.add_argument("--out", type=Path, default=None, help="write the result here as JSON")
    args = parser.parse_args(argv)
    t = time.monotonic()
    data = run("quick" if args.quick else "default")
    data.setdefault("profile", "quick" if args.quick else "default")
    data["machine"] = machine()
    data["wall_s"] = time.monotonic() - t
    for tg in data.get("targets", []):
        print(f"  [{'met' if tg['met'] else 'MISSED'}] {tg['id']}: {tg['measured']:.3g} {tg['bound']}")
    if args.out is not None:
        atomic_write_json(args.out, data)
    return data
