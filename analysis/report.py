r"""``python -m analysis.report``: ``paper/generated/*.json`` -> ``numbers.tex``, run record, README tables.

The report's pipeline, one module per concern:

* :mod:`analysis._tex`: LaTeX rendering (escaping text, numbers at a stated rounding, words for small counts);
* :mod:`analysis._vocabulary`: ``numbers.tex``, the named macros ``paper/main.tex`` reads (each number from
  one JSON value with its rounding and unit), ``\ClaimsTable`` (verdict and *weakest link* of every claim, from
  ``claims.json``'s ``chain``), ``\Correction``/``\OtherCorrections`` (the proofs' ``correction_tex``), the
  figures' verdicts and C13's generated text; it depends on the JSON only, so its bytes are the same on every
  machine;
* :mod:`analysis._runrecord`: ``runrecord.tex`` (commit, date, versions, hardware, run times), untracked;
* :mod:`analysis._readme`: the generated blocks of ``README.md`` and ``docs/benchmarks.md``.

No module converts text to math: the claims' math is the LaTeX the proofs emit (SymPy's printer for derived
expressions). Whatever is missing renders as a red ``[not generated: ...]`` notice, never as a blank.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from zosoftmax.io import atomic_write_text

from . import FIGURE_MODULES
from ._common import GENERATED, ROOT
from ._readme import BENCH_RESULTS, benchmark_blocks, readme_blocks, replace_blocks
from ._runrecord import PACKAGES, environment, render_run_record
from ._tex import NUMBER_WORDS, fmt_number, fmt_pct, tex_escape
from ._tex import notice as _notice
from ._vocabulary import (
    EXTRA_FIGURES,
    VOCABULARY,
    Number,
    _prediction,
    handled_corrections,
    included_figures,
    load_sources,
    lookup,
    render,
)

__all__ = ["BENCH_RESULTS", "EXTRA_FIGURES", "NUMBER_WORDS", "PACKAGES", "VOCABULARY", "Number", "_notice",
           "_prediction", "benchmark_blocks", "environment", "fmt_number", "fmt_pct",
           "handled_corrections", "included_figures", "load_sources", "lookup", "main", "readme_blocks", "render",
           "render_run_record", "replace_blocks", "tex_escape"]


def main(argv: list[str] | None = None) -> int:
    """``python -m analysis.report [--generated DIR] [--out FILE] [--docs]``: numbers.tex and the run record."""
    parser = argparse.ArgumentParser(prog="python -m analysis.report", description=__doc__.split("\n\n")[0])
    parser.add_argument("--generated", type=Path, default=GENERATED, help="folder with the JSON files")
    parser.add_argument("--out", type=Path, default=None, help="default: GENERATED/numbers.tex")
    parser.add_argument("--docs", action="store_true", help="also refill the generated blocks of README.md")
    args = parser.parse_args(argv)
    out = args.out if args.out is not None else args.generated / "numbers.tex"
    atomic_write_text(out, render(args.generated))
    main_tex = args.generated.parent / "main.tex"
    sources = load_sources(args.generated, included_figures(main_tex))
    figures = {n: sources[n] for n in dict.fromkeys([*FIGURE_MODULES, *EXTRA_FIGURES, *included_figures(main_tex)])}
    record = out.parent / "runrecord.tex"
    atomic_write_text(record, render_run_record(figures, sources["timings"]))
    missing = [n for n in (*FIGURE_MODULES, "claims") if not (args.generated / f"{n}.json").exists()]
    print(f"report: wrote {out} and {record.name} (untracked)"
          + (f" (not generated yet: {', '.join(missing)})" if missing else ""), file=sys.stderr)
    if args.docs:
        readme = ROOT / "README.md"
        atomic_write_text(readme, replace_blocks(readme.read_text(encoding="utf-8"), readme_blocks(args.generated)))
        bench = ROOT / "docs" / "benchmarks.md"
        atomic_write_text(bench, replace_blocks(bench.read_text(encoding="utf-8"), benchmark_blocks()))
        print(f"report: refilled the generated blocks of {readme} and {bench}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
