"""Regenerate every figure: ``python -m analysis [--profile quick|default|full] [--only NAME ...]``.

Each experiment's result is cached atomically under ``.cache/analysis``: an interrupted run resumes
where it stopped, and a finished one is not recomputed.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import time

from . import FIGURE_MODULES
from ._common import PROFILES


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m analysis", description=__doc__)
    parser.add_argument("--profile", choices=sorted(PROFILES), default="default")
    parser.add_argument("--only", nargs="*", choices=FIGURE_MODULES, default=None)
    args = parser.parse_args(argv)
    names = args.only or list(FIGURE_MODULES)
    failed = []
    t0 = time.monotonic()
    for i, name in enumerate(names, 1):
        print(f"[{i}/{len(names)}] {name} ({args.profile})", file=sys.stderr, flush=True)
        t = time.monotonic()
        try:
            module = importlib.import_module(f"analysis.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"analysis.{name}":
                print(f"    not yet built: analysis/{name}.py", file=sys.stderr)
                failed.append(name)
                continue
            raise
        module.main(["--profile", args.profile])
        print(f"    done in {time.monotonic() - t:.1f}s", file=sys.stderr, flush=True)
    print(f"all figures: {time.monotonic() - t0:.1f}s", file=sys.stderr)
    from . import report  # numbers.tex for paper/main.tex, from whatever JSON exists now

    report.main([])
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
