r"""``python -m proofs``: run every claim's checks, print the table, write ``paper/generated/claims.{json,tex}``.

Exit status (for CI, ``make verify``):

* 0: every check ran, and every verdict equals the committed ``claims.json`` (the report files are rewritten,
  so their evidence and numbers follow the code);
* 1: a check errored (an exception), a verdict differs from the committed ``claims.json`` (a regression,
  or an improvement not yet accepted), or a claim's chain weakened (its weakest step's kind is weaker than the
  committed one, or it no longer covers every size): nothing is written;
* 2: bad arguments.

``--update`` (``make verify-update``) accepts changed verdicts and weakened chains on purpose and writes the
files. ``--only C4 C7``
runs a subset (with ``--update`` its entries are merged into the existing report). ``--quick`` runs the test
tier's profile (n = 2, 3 in the searches, fewer random samples); it compares verdicts but never writes. A
``fails`` verdict is a finding, not an error: it exits 0 only once committed with ``--update``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import traceback
from pathlib import Path
from typing import Any

from . import MODULES, load
from ._common import EVIDENCE_KINDS, VERDICTS, propagate_citations
from ._report import to_text, write

__all__ = ["main", "regressions", "run"]

ROOT = Path(__file__).resolve().parents[1]


def run(wanted: set[str] | None = None, *, quick: bool = False) -> tuple[list[dict[str, Any]], dict[str, float],
                                                                          list[str]]:
    """Run the proof modules (all, or the claim ids in ``wanted``): ``(results, timings, errored modules)``."""
    results, timings, errors = [], {}, []
    for name in MODULES:
        cid = "C" + str(int(name[1:3]))
        if wanted is not None and cid not in wanted:
            continue
        t0 = time.perf_counter()
        try:
            res = load(name).verify(quick=quick)
            if res.get("verdict") not in VERDICTS or res.get("id") != cid:
                raise RuntimeError(f"{name}.verify() returned id={res.get('id')!r}, verdict={res.get('verdict')!r}")
            results.append(res)
        except Exception:  # a check that errors is reported and makes the exit status non-zero
            errors.append(name)
            print(f"ERROR in proofs.{name}:", file=sys.stderr)
            traceback.print_exc()
        timings[cid] = time.perf_counter() - t0
        print(f"  {cid} done in {timings[cid]:.1f}s", file=sys.stderr, flush=True)
    return results, timings, errors


def regressions(results: list[dict[str, Any]], committed: list[dict[str, Any]] | None) -> list[str]:
    """One line per claim whose verdict differs from the committed report, or whose chain weakened.

    A chain weakens when its weakest step's kind is weaker (later in ``EVIDENCE_KINDS``) than the committed
    one, or when it covered every size and no longer does; a claim missing from the committed report, or
    committed without a chain, counts as changed.
    """
    if committed is None:
        return [f"{r['id']}: no committed claims.json to compare with" for r in results]
    old = {c.get("id"): c for c in committed}
    out = []
    for r in results:
        c = old.get(r["id"]) or {}
        if c.get("verdict") != r["verdict"]:
            out.append(f"{r['id']}: verdict {r['verdict']!r}, committed {c.get('verdict')!r}")
        new_chain, old_chain = r.get("chain") or {}, c.get("chain")
        if not isinstance(old_chain, dict) or old_chain.get("weakest") not in EVIDENCE_KINDS:
            out.append(f"{r['id']}: no committed chain to compare with")
            continue
        if EVIDENCE_KINDS.index(new_chain["weakest"]) > EVIDENCE_KINDS.index(old_chain["weakest"]):
            out.append(f"{r['id']}: weakest step {new_chain['weakest']!r}, committed {old_chain['weakest']!r}")
        old_cited, new_cited = old_chain.get("weakest_with_cited"), new_chain.get("weakest_with_cited")
        if old_cited in EVIDENCE_KINDS and new_cited in EVIDENCE_KINDS and (
                EVIDENCE_KINDS.index(new_cited) > EVIDENCE_KINDS.index(old_cited)):
            out.append(f"{r['id']}: weakest link through cited claims {new_cited!r}, committed {old_cited!r}")
        if old_chain.get("every_size") and not new_chain.get("every_size"):
            out.append(f"{r['id']}: the chain no longer covers every size (scope {new_chain.get('scope')!r})")
    return out


def _read(path: Path) -> list[dict[str, Any]] | None:
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    return data if isinstance(data, list) else None


def main(argv: list[str] | None = None) -> int:
    """Run the claims' checks with the command-line arguments ``argv``; return the exit status above."""
    parser = argparse.ArgumentParser(prog="python -m proofs", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", nargs="+", default=None, metavar="CNN", help="claim ids to run, e.g. C4 C7")
    parser.add_argument("--quick", action="store_true", help="the test tier's profile (compares, never writes)")
    parser.add_argument("--update", action="store_true", help="accept changed verdicts and write the report files")
    parser.add_argument("--outdir", type=Path, default=ROOT / "paper" / "generated",
                        help="where claims.json (the committed verdicts) and claims.tex live")
    args = parser.parse_args(argv)
    if args.quick and args.update:
        parser.error("--update writes the report, which must come from the full profile: drop --quick")
    wanted = None if args.only is None else {s.upper() for s in args.only}
    unknown = (wanted or set()) - {"C" + str(int(m[1:3])) for m in MODULES}
    if unknown:
        parser.error(f"--only: unknown claim id(s) {', '.join(sorted(unknown))}; expected C1..C{len(MODULES)}")
    start = time.perf_counter()
    results, timings, errors = run(wanted, quick=args.quick)
    if wanted is None and not errors:
        propagate_citations(results)  # the weakest link through cited claims, compared below
    print(to_text(results, timings))
    counts = {v: sum(r["verdict"] == v for r in results) for v in VERDICTS}
    print(f"\n{len(results)} claims: " + ", ".join(f"{n} {v}" for v, n in counts.items())
          + f"; {len(errors)} errored; {time.perf_counter() - start:.1f}s")
    if errors:
        print(f"not writing the report: {', '.join(errors)} errored", file=sys.stderr)
        return 1
    jpath = args.outdir / "claims.json"
    committed = _read(jpath)
    changed = regressions(results, committed)
    if changed and not args.update:
        print("verdicts or chains differ from the committed " + str(jpath) + " (rerun with --update, or "
              "`make verify-update`, "
              "to accept them on purpose):\n  " + "\n  ".join(changed), file=sys.stderr)
        return 1
    if args.quick:
        print("quick profile: verdicts match the committed report; files not written")
        return 0
    if wanted is not None:
        if not args.update:
            print("--only: verdicts match; files not written (add --update to merge these entries)")
            return 0
        merged = {c["id"]: c for c in committed or []}
        merged.update({r["id"]: r for r in results})
        results = [merged[k] for k in sorted(merged, key=lambda s: int(s[1:]))]
    propagate_citations(results)
    jp, tp = write(results, args.outdir)
    for p in (jp, tp):
        print(f"wrote {p.relative_to(ROOT) if p.is_relative_to(ROOT) else p}")
    if changed:
        print("accepted changed verdicts:\n  " + "\n  ".join(changed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
