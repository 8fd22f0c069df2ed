r"""``make mutation``: mutmut over the math modules, then docs/mutation.{md,json} from its results.

Use ``python -m tests.mutation_report --run`` (what ``make mutation`` does: a fresh ``mutants/`` tree, ``mutmut run``,
then the report) or without ``--run`` to rebuild the report from an existing ``mutants/`` tree. The module list and the
test selection are ``[tool.mutmut]`` in pyproject.toml (``only_mutate``, ``pytest_add_cli_args_test_selection``); this
script reads them from there, so they are written once.

How the run sees the mutants (the two traps of issue 19): mutmut copies ``src/`` and ``also_copy`` (``analysis``,
``proofs``, ``tests``) into ``mutants/``, puts ``mutants/src`` and ``mutants/`` first on ``sys.path`` and removes the
checkout's ``src`` and root, so the editable install's path entry (a plain ``.pth`` line naming ``src``) no longer
resolves ``zosoftmax``, and ``analysis``/``proofs`` come from the copy. Two checks make a shadowed run fail instead of
reporting nonsense: mutmut's own forced-fail run (every test must fail when the trampolines say so) and, here, every
module must have at least one killed mutant (:func:`_check_seen`).

A surviving mutant is either killed by a test (``tests/test_mutation_kills.py`` holds the ones written for survivors)
or listed in :data:`tests.mutation_equivalent.EQUIVALENT` with a one-line reason; the key is the function and the
changed lines, not mutmut's running number, so an edit elsewhere in the module does not detach a reason, and a reason
whose mutant no longer survives is reported as stale.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

from tests.mutation_equivalent import EQUIVALENT

__all__ = ["main", "mutant_key", "status_of"]

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
# mutmut's exit codes -> our four outcomes; a timeout or a crash of the mutated code is a detection
_STATUS = {1: "killed", 3: "killed", 37: "killed", 36: "timeout", -24: "timeout", 24: "timeout", 152: "timeout",
           255: "timeout", -11: "crashed", -9: "crashed", 0: "survived", 5: "no tests", 33: "no tests"}


def status_of(exit_code: int | None) -> str:
    """Our outcome for a mutmut exit code (``not checked`` when the run did not reach the mutant)."""
    return "not checked" if exit_code is None else _STATUS.get(exit_code, "suspicious")


def _config() -> dict[str, Any]:
    from mutmut.configuration import config

    os.chdir(ROOT)  # mutmut reads pyproject.toml (and later its tree) relative to the working directory
    cfg = config()
    return {"only_mutate": cfg.only_mutate, "selection": cfg.pytest_add_cli_args_test_selection}


def _changed_lines(diff: str) -> tuple[list[str], list[str]]:
    body = [ln for ln in diff.splitlines() if not ln.startswith(("+++", "---", "@@"))]
    minus = [ln[1:].strip() for ln in body if ln.startswith("-")]
    return minus, [ln[1:].strip() for ln in body if ln.startswith("+")]


def mutant_key(name: str, diff: str) -> str:
    """Stable key of a mutant: ``module.function | removed lines -> added lines`` (no running number)."""
    function = name.split("__mutmut_")[0]
    minus, plus = _changed_lines(diff)
    return f"{function} | {' / '.join(minus)} -> {' / '.join(plus)}"


def _run_mutmut(jobs: int) -> float:
    shutil.rmtree(ROOT / "mutants", ignore_errors=True)
    env = dict(os.environ, HYPOTHESIS_PROFILE="ci", PYTHONHASHSEED="0", OPENBLAS_NUM_THREADS="1",
               OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
    mutmut = Path(sys.executable).with_name("mutmut")
    t0 = time.perf_counter()
    log = ROOT / "mutants.log"  # mutmut's own output (progress spinner included), for a failed or a slow run
    with log.open("w") as out:
        code = subprocess.run([str(mutmut), "run", "--max-children", str(jobs)], cwd=ROOT, env=env,
                              stdout=out, stderr=subprocess.STDOUT).returncode
    wall = time.perf_counter() - t0
    if code != 0:
        sys.stderr.write(log.read_text()[-4000:])
        raise SystemExit(f"mutmut run failed with exit status {code} (its output: {log.name})")
    return wall


def _collect() -> list[dict[str, Any]]:
    from mutmut.mutation.diff_apply import get_diff_for_mutant

    rows = []
    stats_file = ROOT / "mutants" / "mutmut-stats.json"
    stats = json.loads(stats_file.read_text()) if stats_file.exists() else {}
    tests_of, seconds = stats.get("tests_by_mangled_function_name", {}), stats.get("duration_by_test", {})
    reasoned = {key.split(" | ")[0] for key in EQUIVALENT}  # the functions with an equivalent-mutant reason
    for pattern in _config()["only_mutate"]:
        src = Path(pattern)
        meta = ROOT / "mutants" / f"{pattern}.meta"
        if not (ROOT / src).exists():
            continue  # attention.py before it exists
        if not meta.exists():
            raise SystemExit(f"{meta.relative_to(ROOT)} is missing: run `make mutation` (mutmut run) first")
        data = json.loads(meta.read_text())
        for name, code in data["exit_code_by_key"].items():
            status = status_of(code)
            # worst case (a survivor runs every test that calls its function), from mutmut's stats run
            worst = sum(seconds.get(t, 0.0) for t in tests_of.get(name.split("__mutmut_")[0], ()))
            row: dict[str, Any] = {"name": name, "module": src.name, "status": status,
                                   "seconds": data.get("durations_by_key", {}).get(name), "worst_case_s": worst}
            if status in ("survived", "no tests", "suspicious"):
                diff = get_diff_for_mutant(name, path=src)
                row["key"] = mutant_key(name, diff)
                row["removed"], row["added"] = _changed_lines(diff)
            elif status == "not checked" and name.split("__mutmut_")[0] in reasoned:  # a reason waiting for it?
                row["pending_key"] = mutant_key(name, get_diff_for_mutant(name, path=src))
            rows.append(row)
    return rows


def _check_seen(modules: list[dict[str, Any]]) -> None:
    """A module with mutants but no kill means the tests did not see the mutated copy (an import shadow)."""
    blind = [m["module"] for m in modules if m["mutants"] and m["killed"] == 0]
    if blind:
        raise SystemExit(f"no mutant killed in {blind}: do the tests import the mutated copy (zosoftmax.__file__)?")


def _summarise(rows: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[str]]:
    survivors = []
    used = set()
    for row in rows:
        if "key" in row:
            reason = EQUIVALENT.get(row["key"])
            row["equivalent"] = reason
            if reason is not None:
                used.add(row["key"])
            survivors.append(row)
    pending = {row["pending_key"] for row in rows if "pending_key" in row}
    stale = sorted(set(EQUIVALENT) - used - pending)  # a reason for a mutant a partial run did not reach is kept
    modules = []
    for module in dict.fromkeys(r["module"] for r in rows):
        mine = [r for r in rows if r["module"] == module]
        count = Counter(r["status"] for r in mine)
        equivalent = sum(1 for r in mine if r.get("equivalent"))
        detected = count["killed"] + count["timeout"] + count["crashed"]
        denominator = len(mine) - count["not checked"] - equivalent
        modules.append({
            "module": module, "mutants": len(mine), "killed": count["killed"], "timeout": count["timeout"],
            "crashed": count["crashed"], "survived": count["survived"], "no_tests": count["no tests"],
            "not_checked": count["not checked"], "suspicious": count["suspicious"], "equivalent": equivalent,
            "score_percent": round(100.0 * detected / denominator, 1) if denominator else 100.0,
            "unexplained": sum(1 for r in mine if "key" in r and not r["equivalent"]),
            "test_cpu_s": round(sum(r["seconds"] or 0.0 for r in mine), 1),
            "worst_case_cpu_s_unchecked": round(sum(r["worst_case_s"] for r in mine if r["status"] == "not checked")),
        })
    return modules, survivors, stale


def _write(path: Path, text: str) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(text)
    tmp.replace(path)  # atomic: a reader never sees half a report


HOWTO = """\
## How it runs

- `make mutation` = `python -m tests.mutation_report --run`: `rm -rf mutants/`, then `mutmut run` (pinned in the dev
  extra) with `HYPOTHESIS_PROFILE=ci` (derandomized: a verdict is reproducible), one BLAS thread, one worker per core,
  then this report. It is **not** run by CI (about an hour on 2 cores); `make mutants` (hand-planted wrong math,
  `tests/mutants.py`) stays the fast CI check.
- Modules: `only_mutate` in `[tool.mutmut]` of pyproject.toml, the one list (attention.py included: its tests load
  the bundled model once per process, a few seconds, so they need no separate selection).
  `raise` statements are not mutated (`do_not_mutate_patterns`): an error message's wording is not the math; the guards'
  conditions and the argument names passed to `_checks` still are.
- Test selection, in two layers. `pytest_add_cli_args_test_selection` is the pool: the property files, each
  module's own tests (planner, thresholds, closure, noise, stacked rows and attention included), the validation
  and guard tests and `tests/test_mutation_kills.py` (the tests written for survivors; it also re-exports the
  tests of `tests/test_mutation_kills_2.py` and `_3.py`, `local_model`'s tests and the proof-agreement tests of
  `tests/test_proofs.py`, which carry the bounds' and moments' formulas, and the plain suite drops these copies).
  mutmut records which tests call each function and runs, per mutant, only those
  (with `-x`: a kill stops at the first failure). That alone is every test for `loss` or `softmax` (about 80 s per
  survivor), so `tests/mutation_selection.py` (a collection hook) keeps, per module, only the files designed for
  it: e.g. problem.py's mutants meet the derivative, invariance, API and validation tests, not the descent or
  prediction ones.
- Changing the pool in pyproject.toml makes mutmut discard every cached verdict (its `test_selection`
  fingerprint): new kill tests go into `tests/test_mutation_kills*.py`, re-exported by
  `tests/test_mutation_kills.py`, which is in the pool. mutmut 3 does not re-test a survivor that a new test
  reaches: reset its verdict in `mutants/src/zosoftmax/<module>.py.meta` (to `null`) or name it
  (`mutmut run <name> ...`).
- The mutated copy is what the tests import: mutmut puts `mutants/src` and `mutants/` first on `sys.path` and deletes
  the checkout's `src` and root from it, and the editable install is a plain `.pth` path entry (`src`), so it is
  removed with them; `analysis/` and `proofs/` are copied (`also_copy`) because `tests/conftest.py` imports them. A
  shadowed run cannot pass silently: mutmut's forced-fail run must fail every test, and the report refuses a module
  with mutants but no kill.
- Incremental: `mutmut run` alone (without `rm -rf mutants/`) re-tests only mutants without a verdict (those of
  changed functions, and those reset as above); `python -m tests.mutation_report` rebuilds the report from
  `mutants/` (with `--note`, `--wall-s`, `--load-start` to record how an incremental run went).
- Equivalent mutants: `tests/mutation_equivalent.py`, keyed by function and changed lines, one line of reason each.
  A reason whose mutant a partial run did not reach is kept (pending), not reported stale.
"""


def _markdown(report: dict[str, Any]) -> str:
    out = [
        "# Mutation testing (mutmut)",
        "",
        "Generated by `make mutation` (`python -m tests.mutation_report --run`); do not edit by hand. How it runs,",
        "what the selection is and why: the section below the tables.",
        "",
        f"mutmut {report['mutmut']}, {report['mutants']} mutants, {report['jobs']} worker processes on "
        f"{report['cpus']} cores: {report['wall_min']} min wall clock (load average at the start "
        f"{report['load_start']}). Score = (killed + timeout + crashed) / (mutants checked − equivalent).",
    ]
    if report.get("note"):
        out += ["", f"Run: {report['note']}"]
    unchecked = sum(m["not_checked"] for m in report["modules"])
    if unchecked:
        worst = sum(m["worst_case_cpu_s_unchecked"] for m in report["modules"])
        out += ["", f"**Partial run**: {unchecked} of {report['mutants']} mutants not checked (the run was stopped). "
                f"mutmut takes the mutants cheapest first (by the time of the tests that reach them), so the unchecked "
                f"ones are each module's most expensive; the scores are over the checked mutants only. Their worst "
                f"case (each a survivor running every test that calls its function, mutmut's stats timings) is "
                f"{worst / 3600:.1f} CPU hours; killed mutants stop at the first failing test."]
    out += [
        "",
        "| module | mutants | checked | killed | timeout | survived | no tests | equivalent | score | unexplained | "
        "test CPU s |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for m in report["modules"]:
        out.append(f"| {m['module']} | {m['mutants']} | {m['mutants'] - m['not_checked']} | {m['killed']} | "
                   f"{m['timeout']} | {m['survived']} | {m['no_tests']} | {m['equivalent']} | "
                   f"{m['score_percent']:.1f}% | {m['unexplained']} | {m['test_cpu_s']:.0f} |")
    out += ["", "## Survivors", "",
            "Every mutant not detected, with the reason it is equivalent (or *unexplained*: a gap in the tests).", ""]
    for module in dict.fromkeys(s["module"] for s in report["survivors"]):
        out += [f"### {module}", ""]
        for s in (s for s in report["survivors"] if s["module"] == module):
            change = " / ".join(s["removed"]) + "  →  " + " / ".join(s["added"])
            why = s["equivalent"] or "**unexplained**"
            out.append(f"- `{s['name'].split('.', 2)[-1]}` ({s['status']}): `{change}` — {why}")
        out.append("")
    if report["stale_equivalents"]:
        out += ["## Stale reasons", "", "Listed as equivalent but no longer surviving (remove them):", ""]
        out += [f"- `{k}`" for k in report["stale_equivalents"]] + [""]
    out += [HOWTO.rstrip(), ""]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    """Run mutmut (``--run``) and write docs/mutation.{md,json}; exit 1 on an unexplained survivor."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--run", action="store_true", help="rm -rf mutants/ and run mutmut first")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2, help="mutmut --max-children")
    ap.add_argument("--wall-s", type=float, default=None, help="wall time of a run made outside this script")
    ap.add_argument("--load-start", default=None, help="load average of a run made outside this script")
    ap.add_argument("--note", default=None, help="how a run made outside this script went (into the report)")
    args = ap.parse_args(argv)
    load = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    previous = json.loads((DOCS / "mutation.json").read_text()) if (DOCS / "mutation.json").exists() else {}
    wall = _run_mutmut(args.jobs) if args.run else (args.wall_s or previous.get("wall_s"))
    rows = _collect()
    modules, survivors, stale = _summarise(rows)
    _check_seen(modules)
    from importlib.metadata import version

    report = {
        "mutmut": version("mutmut"), "python": platform.python_version(), "cpus": os.cpu_count(),
        "jobs": args.jobs if args.run or args.wall_s else previous.get("jobs"),
        "load_start": load if args.run else (args.load_start or previous.get("load_start", load)),
        "note": None if args.run else (args.note or previous.get("note")),
        "wall_s": None if wall is None else round(wall, 1),
        "wall_min": None if wall is None else round(wall / 60, 1),
        "mutants": len(rows), "only_mutate": _config()["only_mutate"],
        "selection": _config()["selection"],
        "modules": modules, "survivors": survivors, "stale_equivalents": stale,
    }
    _write(DOCS / "mutation.json", json.dumps(report, indent=1, ensure_ascii=False) + "\n")
    _write(DOCS / "mutation.md", _markdown(report))
    unexplained = sum(m["unexplained"] for m in modules)
    print(f"docs/mutation.md: {len(rows)} mutants, {unexplained} unexplained survivors, "
          + ", ".join(f"{m['module']} {m['score_percent']:.1f}%" for m in modules))
    return 1 if unexplained or stale else 0


if __name__ == "__main__":
    raise SystemExit(main())
