r"""``python -m proofs``: run every claim's checks, print the table, write ``paper/generated/claims.{json,tex}``.

Exit status 0 unless a check itself errors (an exception): a ``fails`` or ``holds-with-correction`` verdict is
a finding, not an error. ``--only C4 C7`` runs a subset (and does not write the report files).
"""

from __future__ import annotations

import argparse
import sys
import time
import traceback
from pathlib import Path

from . import MODULES, load
from ._common import VERDICTS
from ._report import to_text, write

__all__ = ["main"]

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m proofs", description=__doc__)
    parser.add_argument("--only", nargs="*", default=None, metavar="CNN", help="claim ids to run (no files written)")
    parser.add_argument("--outdir", type=Path, default=ROOT / "paper" / "generated")
    args = parser.parse_args(argv)
    wanted = None if args.only is None else {s.upper() for s in args.only}
    results, timings, errors = [], {}, []
    start = time.perf_counter()
    for name in MODULES:
        cid = "C" + str(int(name[1:3]))
        if wanted is not None and cid not in wanted:
            continue
        t0 = time.perf_counter()
        try:
            res = load(name).verify()
            if res.get("verdict") not in VERDICTS or res.get("id") != cid:
                raise RuntimeError(f"{name}.verify() returned id={res.get('id')!r}, verdict={res.get('verdict')!r}")
            results.append(res)
        except Exception:  # a check that errors is reported and makes the exit status non-zero
            errors.append(name)
            print(f"ERROR in proofs.{name}:", file=sys.stderr)
            traceback.print_exc()
        timings[cid] = time.perf_counter() - t0
        print(f"  {cid} done in {timings[cid]:.1f}s", file=sys.stderr, flush=True)
    print(to_text(results, timings))
    counts = {v: sum(r["verdict"] == v for r in results) for v in VERDICTS}
    print(f"\n{len(results)} claims: " + ", ".join(f"{n} {v}" for v, n in counts.items())
          + f"; {len(errors)} errored; {time.perf_counter() - start:.1f}s")
    if wanted is None and not errors:
        jpath, tpath = write(results, args.outdir)
        print(f"wrote {jpath.relative_to(ROOT) if jpath.is_relative_to(ROOT) else jpath} and "
              f"{tpath.relative_to(ROOT) if tpath.is_relative_to(ROOT) else tpath}")
    elif errors:
        print(f"not writing the report: {', '.join(errors)} errored", file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
