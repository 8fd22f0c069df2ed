"""Shared plumbing for the figure scripts: profiles, output paths, atomic cached results, deterministic saving.

Every figure script ``analysis/fig_NAME.py`` has ``compute(profile) -> dict`` (pure: numbers only),
``plot(data) -> Figure`` and ``main(argv)``, which calls :func:`run_figure`. Nothing here computes
mathematics: that lives in ``zosoftmax``.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

import zosoftmax  # noqa: E402
from zosoftmax._io import atomic_write_bytes, atomic_write_json, read_json  # noqa: E402

__all__ = ["ROOT", "FIGURES", "GENERATED", "CACHE", "PROFILES", "band", "cached", "run_figure", "save_figure",
           "zo_runs"]

ROOT = Path(__file__).resolve().parents[1]
FIGURES = ROOT / "figures"
GENERATED = ROOT / "paper" / "generated"
CACHE = ROOT / ".cache" / "analysis"

# quick: what the test suite runs (seconds); default: `make reproduce` (< 10 min for all figures on 2 cores);
# full: `make figures-full` (more seeds, larger d). Scripts read the keys they need and may add their own.
PROFILES: dict[str, dict[str, Any]] = {
    "quick": {"seeds": 4, "scale": 0.1},
    "default": {"seeds": 20, "scale": 1.0},
    "full": {"seeds": 50, "scale": 2.0},
}

plt.rcParams.update({"figure.dpi": 110, "savefig.dpi": 150, "font.size": 9, "axes.grid": True,
                     "grid.alpha": 0.3, "legend.fontsize": 8, "svg.hashsalt": "zosoftmax"})


def band(values: Any, axis: int = 0) -> dict[str, list[float]]:
    """Median and 10-90% band over ``axis`` (the seeds)."""
    v = np.asarray(values, dtype=float)
    q10, med, q90 = np.quantile(v, [0.1, 0.5, 0.9], axis=axis)
    return {"median": med.tolist(), "q10": q10.tolist(), "q90": q90.tolist()}


def _code_fingerprint() -> str:
    """Hash of the library's and the analysis scripts' sources: a code change invalidates every cached result."""
    digest = hashlib.sha256()
    for folder in (Path(zosoftmax.__file__).parent, Path(__file__).parent):
        for path in sorted(folder.glob("*.py")):
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def cached(key: str, params: dict[str, Any], compute: Callable[[], Any], cache_dir: Path | None = None) -> Any:
    """Return the cached result of ``compute()`` for (key, params, code), computing it if absent.

    The cache key covers the parameters and the source of ``zosoftmax`` and of ``analysis/`` (so a
    stale result never survives a code change). Results are written atomically, so an interrupted run
    loses only the experiment in flight and the next run resumes after the last finished one.
    """
    cache_dir = CACHE if cache_dir is None else cache_dir
    blob = json.dumps({"key": key, "params": params, "code": _code_fingerprint()}, sort_keys=True, default=str)
    path = cache_dir / f"{key}-{hashlib.sha256(blob.encode()).hexdigest()[:16]}.json"
    if path.exists():
        return read_json(path)
    result = compute()
    atomic_write_json(path, result)
    return result


def save_figure(fig: Figure, name: str, outdir: Path) -> list[Path]:
    """Write ``NAME.png`` and ``NAME.pdf`` deterministically (no timestamps) and atomically."""
    paths = []
    for ext, meta in (("png", {"Software": None}), ("pdf", {"CreationDate": None, "ModDate": None, "Producer": None})):
        buf = io.BytesIO()
        fig.savefig(buf, format=ext, metadata=meta, bbox_inches="tight")
        path = outdir / f"{name}.{ext}"
        atomic_write_bytes(path, buf.getvalue())
        paths.append(path)
    plt.close(fig)
    return paths


def run_figure(name: str, compute: Callable[[str], dict[str, Any]], plot: Callable[[dict[str, Any]], Figure],
               argv: list[str] | None = None, doc: str | None = None) -> dict[str, Any]:
    """Command-line driver shared by every figure script.

    ``--profile {quick,default,full}`` (``--quick`` is short for the first), ``--outdir DIR`` writes
    ``DIR/NAME.png|pdf`` and ``DIR/NAME.json`` instead of ``figures/`` and ``paper/generated/``.
    """
    parser = argparse.ArgumentParser(prog=f"python -m analysis.{name}", description=doc)
    parser.add_argument("--profile", choices=sorted(PROFILES), default="default")
    parser.add_argument("--quick", action="store_true", help="the fast profile the tests run")
    parser.add_argument("--outdir", type=Path, default=None, help="write figure and JSON here")
    args = parser.parse_args(argv)
    profile = "quick" if args.quick else args.profile
    data = compute(profile)
    data.setdefault("figure", name)
    data.setdefault("profile", profile)
    fig_dir = args.outdir if args.outdir is not None else FIGURES
    json_dir = args.outdir if args.outdir is not None else GENERATED
    save_figure(plot(data), name, fig_dir)
    atomic_write_json(json_dir / f"{name}.json", data)
    verdict = data.get("confirmed")
    print(f"{name}: {data.get('finding', '')} [confirmed={verdict}]", file=sys.stderr)
    return data


def zo_runs(problem: zosoftmax.SoftmaxRegression, x0: Any, *, seeds: int, steps: int, lr: float, k: int = 1,
            eps: float = 1e-3, distribution: str = "gaussian", scheme: str = "central", rng: int = 0,
            progress: bool | None = None) -> zosoftmax.Trajectory:
    """``seeds`` independent ZO-GD runs: one batched pass per step (:func:`zosoftmax.zo_gd_batch`).

    With ``ZOSOFTMAX_SEQUENTIAL=1`` in the environment the runs go one after another through
    :func:`zosoftmax.zo_gd` instead (same distribution, other random streams): the "before" of the
    before/after timing that ``make bench`` reports. Results have a leading seed axis either way.
    """
    kwargs = dict(steps=steps, lr=lr, k=k, eps=eps, distribution=distribution, scheme=scheme)
    if os.environ.get("ZOSOFTMAX_SEQUENTIAL") == "1":
        starts = np.asarray(x0) if np.ndim(x0) == 2 else np.tile(np.asarray(x0), (seeds, 1))  # one x0 per run
        runs = [zosoftmax.zo_gd(problem, starts[s], rng=np.random.default_rng([rng, s]), **kwargs)  # type: ignore[arg-type]
                for s in range(seeds)]
        return zosoftmax.Trajectory(
            losses=np.stack([r.losses for r in runs]), x=np.stack([r.x for r in runs]),
            forward_passes=runs[0].forward_passes, method="zo_gd", lr=lr, k=k, eps=eps,
            distribution=distribution, scheme=scheme, seeds=np.stack([r.seeds for r in runs]),  # type: ignore[misc]
            scalars=np.stack([r.scalars for r in runs]))  # type: ignore[misc]
    return zosoftmax.zo_gd_batch(problem, x0, seeds=seeds, rng=rng, progress=progress, **kwargs)  # type: ignore[arg-type]
