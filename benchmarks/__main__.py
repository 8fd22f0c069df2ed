"""Run every benchmark script: ``python -m benchmarks [--quick] [--only NAME ...] [--out FILE]`` (``make bench``).

Each script (``bench_*.py`` in this folder, then ``figures_vs.py``) runs in a fresh interpreter per BLAS
thread setting it lists in ``THREADS``, writing its JSON to a temporary file that is read back (nothing is
parsed from its output). The merged document goes to ``benchmarks/results.json`` (or ``--out``), written
atomically; the targets are printed at the end.
"""

from __future__ import annotations

import argparse
import importlib
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from zosoftmax.io import atomic_write_json, read_json

from ._common import RESULTS, ROOT, THREAD_VARS, machine

HERE = Path(__file__).resolve().parent
LAST = ("figures_vs",)  # the long end-to-end comparison runs after the micro-benchmarks


def scripts() -> list[str]:
    """The benchmark scripts, in running order: ``bench_*.py`` alphabetically, then ``figures_vs``."""
    return sorted(p.stem for p in HERE.glob("bench_*.py")) + [s for s in LAST if (HERE / f"{s}.py").exists()]


def _env(threads: str) -> dict[str, str]:
    """The environment for one thread setting: ``"1"`` pins every BLAS to one thread, ``"default"`` unsets them."""
    env = {key: value for key, value in os.environ.items() if key not in THREAD_VARS}
    if threads == "1":
        env.update({key: "1" for key in THREAD_VARS})
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT)] + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else []))
    return env


def run_script(name: str, threads: str, quick: bool) -> dict[str, Any]:
    """``python -m benchmarks.NAME`` in a fresh interpreter with the given BLAS threads; its JSON result."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "result.json"
        cmd = [sys.executable, "-m", f"benchmarks.{name}", "--out", str(out)] + (["--quick"] if quick else [])
        subprocess.run(cmd, env=_env(threads), cwd=ROOT, check=True)
        return read_json(out)  # type: ignore[no-any-return]


def main(argv: list[str] | None = None) -> int:
    """Run the scripts, merge their results, print the targets; exit 1 if a target was missed."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="tiny sizes (what the tests run)")
    parser.add_argument("--only", nargs="+", choices=scripts(), default=None, metavar="NAME")
    parser.add_argument("--out", type=Path, default=RESULTS, help=f"default: {RESULTS.relative_to(ROOT)}")
    args = parser.parse_args(argv)
    names = args.only or scripts()
    t0 = time.monotonic()
    results: dict[str, dict[str, Any]] = {}
    for name in names:
        for threads in getattr(importlib.import_module(f"benchmarks.{name}"), "THREADS", ("1",)):
            print(f"bench: {name}, BLAS threads {threads} ...", file=sys.stderr, flush=True)
            results.setdefault(name, {})[threads] = run_script(name, threads, args.quick)
    targets = [{**tg, "script": name, "threads": threads}
               for name, per in results.items() for threads, res in per.items() for tg in res.get("targets", [])]
    doc = {"profile": "quick" if args.quick else "default", "machine": machine(), "wall_s": time.monotonic() - t0,
           "results": results, "targets": targets,
           "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
    atomic_write_json(args.out, doc)
    print(f"\ntargets ({doc['profile']} profile, {doc['wall_s']:.0f} s; written to {args.out}):")
    for tg in targets:
        print(f"  [{'met' if tg['met'] else 'MISSED'}] {tg['script']} (BLAS threads {tg['threads']}) {tg['id']}: "
              f"{tg['measured']:.3g} {tg['bound']}: {tg['statement']}")
    return 0 if all(tg["met"] for tg in targets) else 1


if __name__ == "__main__":
    raise SystemExit(main())
