"""Regenerate every figure: ``python -m analysis [--profile P] [--only NAME ...] [-j N] [--scheduler ADDRESS]``.

Also ``--cache-dir DIR`` (the task cache) and ``--outdir DIR`` (all outputs there, no ``numbers.tex``).
Every figure's tasks run through one :class:`analysis._common.Runner`: local joblib processes (``-j N``,
default: all cores; ``-j 1`` runs in this process) or the workers of a Dask scheduler (``--scheduler``,
see docs/parallel.md). Each task's result is cached atomically under ``.cache/analysis`` (or
``--cache-dir``): an interrupted run resumes where it stopped, and a finished one is not recomputed.
The outputs are byte-identical whichever way the tasks ran.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import time
from pathlib import Path

from zosoftmax.io import atomic_write_json, read_json

from . import FIGURE_MODULES
from ._common import GENERATED, PROFILES, add_runner_arguments, produce, runner_from_args


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
    failed = []
    seconds: dict[str, float] = {}
    t0 = time.monotonic()
    with runner_from_args(args) as runner:
        print(f"{len(names)} figures ({args.profile}) on {runner!r}", file=sys.stderr, flush=True)
        for i, name in enumerate(names, 1):
            print(f"[{i}/{len(names)}] {name}", file=sys.stderr, flush=True)
            t = time.monotonic()
            try:
                module = importlib.import_module(f"analysis.{name}")
            except ModuleNotFoundError as exc:
                if exc.name == f"analysis.{name}":
                    print(f"    not yet built: analysis/{name}.py", file=sys.stderr)
                    failed.append(name)
                    continue
                raise
            produce(module.NAME, module.compute, module.plot, profile=args.profile, runner=runner,
                    outdir=args.outdir)
            seconds[name] = round(time.monotonic() - t, 1)
            print(f"    done in {seconds[name]:.1f}s", file=sys.stderr, flush=True)
    print(f"all figures: {time.monotonic() - t0:.1f}s", file=sys.stderr)
    _record_timings((args.outdir or GENERATED) / "timings.json", seconds, time.monotonic() - t0, repr(runner))
    if args.outdir is None:
        from . import report  # numbers.tex for paper/main.tex, from whatever JSON exists now

        report.main([])
    return 1 if failed else 0


def _record_timings(path: Path, seconds: dict[str, float], total: float, runner: str) -> None:
    """Run times for the report's reproducibility appendix, merged into ``timings.json`` (git-ignored: not
    byte-reproducible, unlike every figure and its JSON); ``total_s`` only for a run of every figure."""
    try:
        old = read_json(path) if path.exists() else {}
    except ValueError:
        old = {}
    doc = {"figures": {**(old.get("figures") or {}), **seconds}, "runner": runner,
           "total_s": round(total, 1) if set(seconds) >= set(FIGURE_MODULES) else old.get("total_s")}
    atomic_write_json(path, doc)


if __name__ == "__main__":
    raise SystemExit(main())
