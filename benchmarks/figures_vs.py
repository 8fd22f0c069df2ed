r"""``make figures`` now against at commit ``bc4a91d``, side by side in one run (issue 14's target: <= 1.10x).

Both trees come fresh from git (``git worktree add --detach``: committed files only, no generated output
carried over, and the caches emptied before every run) into a temporary folder, and each runs
``python -m analysis --profile PROFILE`` as ``make figures`` does (one BLAS thread per process:
``OPENBLAS_NUM_THREADS=1`` and its siblings), the old one as it was, the current one with ``-j JOBS`` for every
``JOBS`` asked (default: the machine's cores). The runs
alternate (old, new, new, old, ... for ``--repeats``), so a drift in the machine's load hits both alike, and
each time is a wall clock of the whole command, read from this process (nothing is parsed from their output).

The venv: both trees run on this interpreter (the project's ``.venv``), each with ``PYTHONPATH=TREE/src:TREE``,
which puts the tree's ``zosoftmax`` and ``analysis`` ahead of the editable install (checked before timing: the
run stops if either tree would import the other's code). The old tree also needs ``threadpoolctl``, which the
current package no longer depends on: ``.venv/bin/pip install threadpoolctl`` if the check says it is missing.
Creating the venv itself is not timed (it is the same for both).

``python -m benchmarks.figures_vs [--quick] [--jobs N ...] [--repeats R] [--base COMMIT] [--out FILE]``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from zosoftmax.io import atomic_write_json, read_json

from ._common import ROOT, THREAD_VARS, machine, target

__all__ = ["BASE", "RATIO", "THREADS", "main", "run", "time_figures", "worktree"]

THREADS = ("1",)
BASE = "bc4a91d"  # the commit the issue compares with
RATIO = 1.10  # target: now / then <= this


def worktree(commit: str, path: Path) -> Path:
    """A fresh checkout of ``commit`` at ``path`` (``git worktree add --detach``), committed files only."""
    subprocess.run(["git", "worktree", "add", "--detach", "--quiet", str(path), commit], cwd=ROOT, check=True)
    return path


def _remove(path: Path) -> None:
    subprocess.run(["git", "worktree", "remove", "--force", str(path)], cwd=ROOT, check=False)


def _env(tree: Path) -> dict[str, str]:
    # ZOSOFTMAX_SEQUENTIAL made bc4a91d's figures run their seeds one after another: never inherit it
    env = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "ZOSOFTMAX_SEQUENTIAL")}
    env.update({key: "1" for key in THREAD_VARS})  # as `make figures` runs
    env.update({"PYTHONPATH": f"{tree / 'src'}{os.pathsep}{tree}", "PYTHONHASHSEED": "0", "MPLBACKEND": "Agg"})
    return env


def _check_imports(tree: Path) -> None:
    """Stop unless ``tree``'s own ``zosoftmax`` and ``analysis`` (and their dependencies) import under its env."""
    code = ("import sys, zosoftmax, analysis; from pathlib import Path; t = Path(sys.argv[1]).resolve(); "
            "bad = [m.__file__ for m in (zosoftmax, analysis) if t not in Path(m.__file__).resolve().parents]; "
            "sys.exit('imports code outside the tree: ' + ', '.join(bad) if bad else 0)")
    proc = subprocess.run([sys.executable, "-c", code, str(tree)], cwd=tree, env=_env(tree), capture_output=True,
                          text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"{tree} cannot run its own analysis with {sys.executable}: {proc.stderr.strip()[-800:]}"
                           " (for the old tree: .venv/bin/pip install threadpoolctl)")


def time_figures(tree: Path, profile: str, jobs: int | None) -> tuple[float, dict[str, float] | None]:
    """Wall seconds of ``python -m analysis --profile PROFILE [-j JOBS]`` in ``tree`` (its output discarded).

    The tree's caches (``.cache/``) are emptied first: every run computes everything, as from a fresh clone.
    Also returns the seconds per figure that the tree's ``python -m analysis`` records in
    ``paper/generated/timings.json``, where it does (not at ``bc4a91d``).
    """
    shutil.rmtree(tree / ".cache", ignore_errors=True)
    timings = tree / "paper" / "generated" / "timings.json"
    timings.unlink(missing_ok=True)
    cmd = [sys.executable, "-m", "analysis", "--profile", profile] + ([] if jobs is None else ["-j", str(jobs)])
    t = time.monotonic()
    subprocess.run(cmd, cwd=tree, env=_env(tree), check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.monotonic() - t
    return wall, (read_json(timings).get("figures") if timings.exists() else None)


def compare(profile: str, jobs: list[int], repeats: int, base: str) -> dict[str, Any]:
    """Alternating timings of the base commit and of ``HEAD`` (each ``-j`` value); ratios of the minima."""
    with tempfile.TemporaryDirectory(prefix="figures_vs-") as tmp:
        old, new = Path(tmp) / "old", Path(tmp) / "new"
        head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, check=True, capture_output=True,
                              text=True).stdout.strip()
        try:
            worktree(base, old)
            worktree(head, new)
            _check_imports(old)
            _check_imports(new)
            times: dict[str, list[float]] = {"base": []} | {f"head_j{j}": [] for j in jobs}
            per_figure: dict[str, list[dict[str, float] | None]] = {label: [] for label in times}
            for r in range(repeats):
                order = [("base", None)] + [(f"head_j{j}", j) for j in jobs]
                for label, j in (order if r % 2 == 0 else order[::-1]):
                    print(f"figures_vs: {label} ({profile}) ...", file=sys.stderr, flush=True)
                    wall, figures = time_figures(old if label == "base" else new, profile, j)
                    times[label].append(wall)
                    per_figure[label].append(figures)
        finally:
            _remove(old)
            _remove(new)
    best = {label: min(v) for label, v in times.items()}
    return {"profile": profile, "base": base, "head": head, "jobs": jobs, "repeats": repeats, "times_s": times,
            "min_s": best, "ratio_over_base": {label: t / best["base"] for label, t in best.items()},
            "figure_compute_s": per_figure}


def run(profile: str, jobs: list[int] | None = None, repeats: int = 1, base: str = BASE) -> dict[str, Any]:
    """The comparison and its target (the default ``-j``: the machine's cores)."""
    jobs = jobs or [os.cpu_count() or 1]
    res = compare(profile, jobs, repeats, base)
    j = jobs[0]
    res["targets"] = [target("make_figures_vs_base", f"python -m analysis --profile {profile} -j {j} from a fresh "
                             f"checkout of HEAD takes at most {RATIO}x the same at {base} (one run, alternating)",
                             res["ratio_over_base"][f"head_j{j}"], "<=", RATIO)]
    return res


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Command line (see the module docstring); ``python -m benchmarks`` runs it with the defaults."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.figures_vs", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="the quick profile in both trees")
    parser.add_argument("--profile", choices=["quick", "default", "full"], default=None)
    parser.add_argument("--jobs", type=int, nargs="+", default=None, help="-j values for HEAD (default: cores)")
    parser.add_argument("--repeats", type=int, default=1, help="alternating rounds (the minimum counts)")
    parser.add_argument("--base", default=BASE, help=f"the commit to compare with (default {BASE})")
    parser.add_argument("--out", type=Path, default=None, help="write the result here as JSON")
    args = parser.parse_args(argv)
    if args.repeats < 1 or (args.jobs and min(args.jobs) < 1):
        parser.error("--repeats and --jobs take positive integers")
    profile = args.profile or ("quick" if args.quick else "default")
    t = time.monotonic()
    data = run(profile, args.jobs, args.repeats, args.base)
    data.update({"machine": machine(), "wall_s": time.monotonic() - t})
    for label, s in data["min_s"].items():
        print(f"  {label:10s} {s:7.1f} s  ({data['ratio_over_base'][label]:.2f}x {data['base']})")
    if args.out is not None:
        atomic_write_json(args.out, data)
    return data


if __name__ == "__main__":
    main()
