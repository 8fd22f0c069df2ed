"""Regenerate every figure: ``python -m analysis [--profile P] [--only NAME ...] [-j N] [--scheduler ADDRESS]``.

Also ``--cache-dir DIR`` (the task cache) and ``--outdir DIR`` (all outputs there, no ``numbers.tex``).
Every figure's tasks run through one :class:`analysis._common.Runner`: local joblib processes (``-j N``,
default: all cores; ``-j 1`` runs in this process) or the workers of a Dask scheduler (``--scheduler``,
see docs/parallel.md). With workers, the figures' ``compute`` run concurrently (one thread each, feeding
the same workers, so no core idles while a figure waits for its slowest task); plotting and writing then
follow in the listed order, in this thread. Each task's result is cached atomically under ``.cache/analysis`` (or
``--cache-dir``): an interrupted run resumes where it stopped, and a finished one is not recomputed.
The outputs are byte-identical whichever way the tasks ran.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import ModuleType
from typing import Any

from zosoftmax.io import atomic_write_json, locked, read_json

from . import FIGURE_MODULES
from ._common import GENERATED, PROFILES, Runner, add_runner_arguments, compute_figure, runner_from_args, write_figure


def main(argv: list[str] | None = None) -> int:
    """Run the chosen figures with one runner; then ``numbers.tex`` (unless ``--outdir`` redirects the output)."""
    parser = argparse.ArgumentParser(prog="python -m analysis", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--profile", choices=sorted(PROFILES), default="default")
    parser.add_argument("--only", nargs="*", choices=FIGURE_MODULES, default=None, metavar="NAME",
                        help=f"figures to run (default: all of {', '.join(FIGURE_MODULES)})")
    parser.add_argument("--outdir", type=Path, default=None,
                        help="write every figure and JSON here instead of figures/ and paper/generated/")
    add_runner_arguments(parser)
    args = parser.parse_args(argv)
    names = args.only or list(FIGURE_MODULES)
    modules, failed = _load(names)
    seconds: dict[str, float] = {}
    t0 = time.monotonic()
    with runner_from_args(args) as runner:
        print(f"{len(names)} figures ({args.profile}) on {runner!r}", file=sys.stderr, flush=True)
        if runner.parallel:
            with ThreadPoolExecutor(max_workers=max(1, len(modules)), thread_name_prefix="figure") as pool:
                futures = {name: pool.submit(_timed_compute, module, args.profile, runner)
                           for name, module in modules.items()}
                for i, (name, future) in enumerate(futures.items(), 1):  # in the listed order, in this thread
                    seconds[name] = _write(i, len(modules), modules[name], *future.result(), args.outdir)
        else:
            for i, (name, module) in enumerate(modules.items(), 1):
                seconds[name] = _write(i, len(modules), module, *_timed_compute(module, args.profile, runner),
                                       args.outdir)
    print(f"all figures: {time.monotonic() - t0:.1f}s", file=sys.stderr)
    _record_timings((args.outdir or GENERATED) / "timings.json", seconds, time.monotonic() - t0, repr(runner))
    if args.outdir is None:
        from . import report  # numbers.tex for paper/main.tex, from whatever JSON exists now

        report.main([])
    return 1 if failed else 0


def _load(names: list[str]) -> tuple[dict[str, ModuleType], list[str]]:
    """The figure modules by name, and the names whose module does not exist yet."""
    modules, missing = {}, []
    for name in names:
        try:
            modules[name] = importlib.import_module(f"analysis.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"analysis.{name}":
                raise
            print(f"not yet built: analysis/{name}.py", file=sys.stderr)
            missing.append(name)
    return modules, missing


def _timed_compute(module: ModuleType, profile: str, runner: Runner) -> tuple[dict[str, Any], float]:
    """A figure's data and the seconds its computation took."""
    t = time.monotonic()
    return compute_figure(module.NAME, module.compute, profile=profile, runner=runner), time.monotonic() - t


def _write(i: int, total: int, module: ModuleType, data: dict[str, Any], seconds: float, outdir: Path | None) -> float:
    """Plot and write a figure's data; return its computation's seconds (rounded to 0.1)."""
    write_figure(module.NAME, data, module.plot, outdir)
    print(f"[{i}/{total}] {module.NAME}: computed in {seconds:.1f}s", file=sys.stderr, flush=True)
    return round(seconds, 1)


def _record_timings(path: Path, seconds: dict[str, float], total: float, runner: str) -> None:
    """Merge this run's seconds per figure into ``timings.json``, for the report's reproducibility appendix.

    The file is git-ignored: run times are not byte-reproducible, unlike every figure and its JSON. ``total_s``
    is written only by a run of every figure.
    """
    with locked(path):  # two runs at once: each merges into what the other wrote, none overwrites the other's
        try:
            old = read_json(path) if path.exists() else {}
        except ValueError:
            old = {}
        doc = {"figures": {**(old.get("figures") or {}), **seconds}, "runner": runner,
               "total_s": round(total, 1) if set(seconds) >= set(FIGURE_MODULES) else old.get("total_s")}
        atomic_write_json(path, doc)


if __name__ == "__main__":
    # The cache's reports on stderr: a damaged entry (WARNING) and, per task list, how many tasks were computed
    # and how many read back (INFO), which is how tests/test_faults.py counts the work two concurrent runs did.
    logging.basicConfig(level=logging.INFO, format="%(name)s: %(message)s")
    raise SystemExit(main())
