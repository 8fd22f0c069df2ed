r"""The generated blocks of ``README.md`` and ``docs/benchmarks.md``.

Between ``<!-- BEGIN generated: NAME -->`` and
``<!-- END generated: NAME -->``): the claims' verdicts with their weakest links, the figures' findings, the
benchmark ratios. The claims' math is the proofs' LaTeX (``claims.json``'s ``*_tex`` fields) inside ``$...$``,
the same source as the paper's table.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from pathlib import Path
from typing import Any

from . import FIGURE_MODULES
from ._common import ROOT
from ._tex import figure_label
from ._vocabulary import _max_of, _min_of, _names, load_sources, lookup, read_json

__all__ = ["BENCH_RESULTS", "benchmark_blocks", "readme_blocks", "replace_blocks"]

def _outward(path: str, decimals: int, *, up: bool) -> Callable[[Any], Any]:
    """An interval end at ``path``, rounded outward to ``decimals`` (so the printed interval contains the true one)."""
    def get(d: Any) -> float:
        q = Decimal(repr(float(lookup(d, path)))).quantize(Decimal(1).scaleb(-decimals),
                                                           rounding=ROUND_CEILING if up else ROUND_FLOOR)
        return float(q)
    return get


# One-line findings of the README's figure table: a template over the figure's JSON (str.format with the
# looked-up values); a missing key prints "(not generated)".
README_FINDINGS: dict[str, tuple[str, str, dict[str, str | Callable[[Any], Any]]]] = {
    "fig_estimator_bias": ("C7", "log-log slope of the bias against ε: {c:.2f} central, {f:.2f} forward; of a single "
                                 "forward estimate's deviation: {dev:.2f}",
                           {"c": "slopes.central_bias", "f": "slopes.forward_bias",
                            "dev": "slopes.forward_deviation"}),
    "fig_second_moment": ("C8, C9", "E‖ĝ‖²/‖∇L‖² against the exact factors: largest \\|z\\| {z:.1f} (threshold "
                                    "{zt:.2f}); against MeZO's (d+k−1)/k for Gaussian directions: z up to {zm:.1f}",
                          {"z": "max_abs_z_vs_exact", "zt": "z_threshold", "zm": "gaussian_z_vs_mezo_k1"}),
    "fig_descent": ("C10", "smallest margin of the mean one-step decrease over the C10 bound: {m:+.1f} standard "
                           "errors; curvature term attained to {lo:.2f}–{hi:.2f} at η = 1/(ℓγ)",
                    {"m": "min_margin_in_se",
                     "lo": _min_of("curvature_ratio_gaussian", "curvature_ratio_sphere", "curvature_ratio_rademacher"),
                     "hi": _max_of("curvature_ratio_gaussian", "curvature_ratio_sphere",
                                   "curvature_ratio_rademacher")}),
    "fig_convergence": ("C11", "mean gap / bound at its tightest: {k1:.3f} ± {se:.3f} (k = 1, t = {t}); largest "
                               "Bonferroni lower limit over all steps {ll:.3f} (a violation needs > 1)",
                        {"k1": "tightest.zo_k1.mean", "se": "tightest.zo_k1.se", "t": "tightest.zo_k1.t",
                         "ll": "max_lower_limit"}),
    "fig_dimension_free": ("C10, C11", "at fixed effective rank r = {r:g}, log-log slope of the ZO overhead T_ZO/T_GD "
                                       "against d (up to {dmax}): {g:+.3f} [{glo:+.3f}, {ghi:+.3f}] with Gaussian "
                                       "directions; of the iterations themselves {it:.2f} (κ ≥ d/r); with a planted "
                                       "r ∝ d^{e:g}: {p:+.3f} [{plo:+.3f}, {phi:+.3f}]",
                           {"r": "r_fixed", "dmax": "max_d", "g": "series.gaussian.slope_overhead.slope",
                            "glo": _outward("series.gaussian.slope_overhead.lo", 3, up=False),
                            "ghi": _outward("series.gaussian.slope_overhead.hi", 3, up=True),
                            "it": "series.gaussian.slope_iterations.slope", "e": "planted_exponent",
                            "p": "planted.slope_overhead.slope",
                            "plo": _outward("planted.slope_overhead.lo", 3, up=False),
                            "phi": _outward("planted.slope_overhead.hi", 3, up=True)}),
    "fig_constants": ("C4–C6", "the paper family's constants are {pmin:.1f}–{pmax:.1f}× the numerical suprema "
                               "(n ≤ {n}), the general bounds {gmin:.2f}–{gmax:.2f}×",
                      {"pmin": lambda d: min(lookup(d, f"paper_constants.{q}") / lookup(d, f"{s}_{q}_empirical")
                                             for s in ("simplex", "ball") for q in ("beta_plus", "beta_minus", "grad")),
                       "pmax": "max_paper_over_empirical", "gmin": "min_proven_over_empirical",
                       "gmax": "max_proven_over_empirical", "n": lambda d: max(lookup(d, "ns"))}),
    "fig_effective_rank": ("C10", "r(H₀) = {r:.2f} at d = {d}; largest eigenvalue of the pencil (∇²L(x_t), H₀) "
                                  "along the runs: {p:.2f} (≤ 1 is what C10 needs)",
                           {"r": "r_H0", "d": "d", "p": "pencil_max"}),
    "fig_prediction": ("C13", "measured mean gap against the exact expected learning curve on {n} instances: "
                              "largest \\|t\\| {z:.2f} (Hall's skewness-corrected t; threshold {zt:.2f}), largest "
                              "relative error {rel:.0%}; the "
                              "C11 bound is vacuous on {vac}; the largest stable step is {lo:.1f}–{hi:.1f}× the C11 "
                              "step; started r logit units from x*, within the band up to r = {upto:g}, first outside "
                              "at r = {first}",
                       {"n": lambda d: len(d["instances"]), "z": "max_abs_z", "zt": "z_threshold",
                        "rel": lambda d: max(d[n]["max_relative_error"] for n in d["instances"]),
                        "vac": lambda d: _names([n for n in d["instances"] if d[n]["bound_vacuous"]]),
                        "lo": lambda d: min(d[n]["max_stable_over_step_size"] for n in d["instances"]),
                        "hi": lambda d: max(d[n]["max_stable_over_step_size"] for n in d["instances"]),
                        "upto": "far.within_up_to_radius",
                        "first": lambda d: "none" if d["far"]["first_radius_outside"] is None
                        else f"{d['far']['first_radius_outside']:g}"}),
    "fig_budget": ("C16", "best k at {b} loss evaluations, lr tuned per k: planned {planned}, measured {measured} "
                          "(wine, breast cancer, a MiniLM head; with and without noise); η_a.s. = {asr:.2f} η* on "
                          "wine; the moment closure's largest relative error over a run: {wine:.1%} from 0 on wine "
                          "(local model {wine_local:.0%}), on a MiniLM head at most {head:.1%} from starts up to "
                          "{upto} (local model {head_local:.0%}), {far}",
                   {"b": "budget",
                    "planned": lambda d: _ks(d, "prediction"), "measured": lambda d: _ks(d, "measured"),
                    "asr": "thresholds.prediction.ratio",
                    "wine": lambda d: _first_case(d["closure"])["largest_relative_error_closure"],
                    "wine_local": lambda d: _first_case(d["closure"])["largest_relative_error_local"],
                    "head": lambda d: max(c["measured"]["largest_relative_error_closure"]
                                          for c in d["closure_head"]["cases"].values()
                                          if c["prediction"]["holds_predicted"]),
                    "head_local": lambda d: max(c["measured"]["largest_relative_error_local"]
                                                for c in d["closure_head"]["cases"].values()
                                                if c["prediction"]["holds_predicted"]),
                    "upto": lambda d: _units(d["closure_head"]["holds_up_to_radius"]),
                    "far": lambda d: _far_words(d["closure_head"])}),
}


def _ks(d: Any, side: str) -> str:
    """The best k of every fig_budget instance and noise level, as a set ("1" when all agree)."""
    ks = sorted({int(e[side]["best_k"]) for name in d["instances"] for e in d[name].values()})
    return "/".join(str(k) for k in ks)


def _first_case(closure: Any) -> Any:
    return next(iter(closure["cases"].values()))["measured"]


def _units(radius: float) -> str:
    return f"{radius:g} logit unit" + ("" if radius == 1 else "s")


def _far_words(head: Any) -> str:
    """Where the closure first fails on the head's self-taught starts, and by how much."""
    first = head["first_radius_outside"]
    if first is None:
        return "and it holds from every start measured"
    err = next(c["measured"]["largest_relative_error_closure"] for c in head["cases"].values()
               if c["measured"]["radius"] == first)
    return f"{err:.0%} from {_units(first)}"


def _fill(template: str, data: Any, fields: dict[str, str | Callable[[Any], Any]]) -> str:
    values = {}
    for key, path in fields.items():
        try:
            values[key] = path(data) if callable(path) else lookup(data, path)
        except (KeyError, TypeError, ValueError, ZeroDivisionError):
            return "(not generated: run `make figures`)"
    return template.format(**values)



def _md_cell(text: str) -> str:
    r"""LaTeX (text with ``$...$`` math) in a Markdown table cell: a norm's ``\|`` is ``\Vert``, a bar ``\vert``.

    The cell separator ``|`` cannot appear inside a cell, even in math; the LaTeX is otherwise the proofs' own.
    """
    return text.replace("\\|", r"\Vert ").replace("|", r"\vert ").replace("\n", " ")


def readme_blocks(generated: Path) -> dict[str, str]:
    """The README's generated blocks (markdown), by block name, from the JSONs under ``generated``.

    The verdicts table prints each claim's title and weakest link with the proofs' LaTeX in ``$...$`` (GitHub
    renders it), so the README and the paper show the same math from one source.
    """
    sources = load_sources(generated)
    claims = sources["claims"]
    rows = ["| id | claim | provenance | verdict | weakest link | its scope |", "|---|---|---|---|---|---|"]
    if isinstance(claims, list):
        for c in claims:
            chain = c.get("chain") if isinstance(c.get("chain"), dict) else {}
            label = str(chain.get("label_tex") or "not generated: run `make verify`")
            if chain.get("weaker_cited_claims"):
                label += f"; through {', '.join(chain['weaker_cited_claims'])}: {chain.get('weakest_with_cited')}"
            scope = str(chain.get("scope_tex") or chain.get("scope") or "")
            if chain.get("every_size"):
                scope += " (every step covers every size)"
            title = str(c.get("title_tex") or c.get("title", ""))
            rows.append(f"| {c.get('id')} | {_md_cell(title)} | {c.get('provenance', '')} | {c.get('verdict')} | "
                        f"{_md_cell(label)} | {_md_cell(scope)} |")
    else:
        rows.append("| | not generated: run `make verify` | | | | |")
    figs = ["| claim | figure | measured | prediction |", "|---|---|---|---|"]
    for name in FIGURE_MODULES:
        claim, template, fields = README_FINDINGS.get(name, ("", "", {}))
        data = sources.get(name)
        finding = _fill(template, data, fields) if template and isinstance(data, dict) else (
            "(not generated: run `make figures`)" if template else
            str(data.get("finding", "")) if isinstance(data, dict) else "(not generated: run `make figures`)")
        claim = claim or (str(data.get("claim", "")) if isinstance(data, dict) else "")
        confirmed = data.get("confirmed") if isinstance(data, dict) else None
        verdict = {True: "confirmed", False: "**not confirmed**"}.get(confirmed, "not run")
        figs.append(f"| {claim} | [{figure_label(name)}](figures/{name}.png) | {finding} | {verdict} |")
    return {"verdicts": "\n".join(rows), "figures": "\n".join(figs)}


BENCH_RESULTS = ROOT / "benchmarks" / "results.json"


def benchmark_blocks(results: Path = BENCH_RESULTS) -> dict[str, str]:
    """``docs/benchmarks.md``'s generated blocks: the targets and the machine, from ``benchmarks/results.json``."""
    doc = read_json(results)
    if not isinstance(doc, dict):
        missing = "(not generated: run `make bench`)"
        return {"targets": missing, "machine": missing}
    rows = ["| script | BLAS threads | target | measured | bound | |", "|---|---|---|---|---|---|"]
    for tg in doc.get("targets") or []:
        statement = str(tg.get("statement", "")).replace("|", "\\|")
        measured = tg.get("measured")
        value = f"{measured:#.3g}".rstrip(".") if isinstance(measured, (int, float)) else "–"
        rows.append(f"| {tg.get('script', '')} | {tg.get('threads', '')} | {statement} | {value} | "
                    f"{tg.get('bound', '')} | {'met' if tg.get('met') else '**missed**'} |")
    m = doc.get("machine") if isinstance(doc.get("machine"), dict) else {}
    machine = (f"Measured {doc.get('measured_at', 'at an unrecorded time')} ({doc.get('profile', '?')} profile; "
               f"the last `python -m benchmarks` call took {doc.get('wall_s', float('nan')):.0f} s) on "
               f"{m.get('cpus', '?')} CPUs, "
               f"{m.get('platform', '?')}, Python {m.get('python', '?')}, NumPy {m.get('numpy', '?')}, "
               f"SciPy {m.get('scipy', '?')}, BLAS {m.get('blas', '?')}.")
    return {"targets": "\n".join(rows), "machine": machine}


def replace_blocks(text: str, blocks: dict[str, str]) -> str:
    """``text`` with each ``<!-- BEGIN generated: NAME -->`` ... ``<!-- END generated: NAME -->`` refilled."""
    for name, body in blocks.items():
        pattern = re.compile(rf"(<!-- BEGIN generated: {re.escape(name)} -->\n).*?(<!-- END generated: "
                             rf"{re.escape(name)} -->)", re.S)
        text, n = pattern.subn(lambda m, body=body: m.group(1) + body + "\n" + m.group(2), text)
        if n != 1:
            raise ValueError(f"text must contain exactly one generated block {name!r}, found {n}")
    return text

