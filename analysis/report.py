r"""The report's numbers: ``paper/generated/*.json`` -> ``paper/generated/numbers.tex`` (and the README's tables).

``paper/main.tex`` never types a measured or derived number. It reads them through a small, explicit
vocabulary of named macros, each defined here from one JSON value with its rounding and unit
(:data:`VOCABULARY`, e.g. ``\BetaPlusSimplex`` = ``claims.json`` C4's tight simplex :math:`\beta^+`, four
decimals). Besides the numbers, this module writes

* ``\ClaimsTable``: the one table of claims, with verdict, strongest evidence kind and its scope
  (``claims.json``'s ``verdict`` and ``strongest`` fields);
* ``\Correction{Cn}{text}``: prints the hand-written corrected statement ``text`` when ``claims.json`` gives
  ``Cn`` a correction, and a red notice when it no longer does; ``\OtherCorrections`` lists, converted from
  their ASCII text, the corrections that ``main.tex`` has no paragraph for;
* ``\FigInclude{NAME}``, ``\FigVerdict{NAME}``, ``\NumExperiments`` (the figures, counted, in words);
* ``\Reproducibility``: commit, Python and package versions, hardware, seeds and run times.

Whatever is missing renders as a red ``[not generated: ...]`` notice, never as a blank, so a report built
before ``make verify`` or ``make figures`` says so on the page.

``python -m analysis.report --docs`` also rewrites the generated blocks of ``README.md`` (verdicts, figure
findings) and ``docs/benchmarks.md`` (the benchmark ratios, from ``benchmarks/results.json``), between
``<!-- BEGIN generated: NAME -->`` and ``<!-- END generated: NAME -->``; ``tests/test_readme.py`` checks they
match the committed JSON.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import re
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

import sympy as sp
from sympy.parsing.sympy_parser import (
    implicit_multiplication_application,
    parse_expr,
    split_symbols,
    standard_transformations,
)

from zosoftmax.io import atomic_write_text

from . import FIGURE_MODULES
from ._common import GENERATED, ROOT

__all__ = ["VOCABULARY", "Number", "benchmark_blocks", "exact_latex", "fmt_number", "lookup", "main", "readme_blocks",
           "render", "replace_blocks", "tex_escape", "text_to_tex"]

MISSING = r"\NotGenerated"


def _notice(label: str) -> str:
    r"""``\NotGenerated{label}``: the label escaped, breakable after ``_``, ``.`` and ``:`` (never overfull)."""
    text = tex_escape(label).replace(r"\_", r"\_\allowbreak{}").replace(".", r".\allowbreak{}")
    return MISSING + "{" + text.replace(": ", r":\allowbreak{} ") + "}"
VERDICT_COLORS = {"holds": "green!45!black", "holds-with-correction": "orange!85!black", "fails": "red"}
VERDICT_WORDS = {"holds": "holds", "holds-with-correction": "holds with correction", "fails": "fails"}
# The evidence kinds of claims.json, strongest first, as the report prints them.
EVIDENCE_WORDS = {
    "symbolic-general": "symbolic, general",
    "certified-interval": "certified interval",
    "symbolic-fixed-size": "symbolic, fixed sizes",
    "exact-enumeration": "exact enumeration",
    "numeric-search": "numeric search",
    "statistical-test": "statistical test",
    "prose-argument": "argument in prose",
}
# Figures the report includes that python -m analysis does not make (make bench makes fig_cost).
EXTRA_FIGURES = ("fig_cost",)
STRONG_KINDS = ("symbolic-general", "certified-interval")  # the only kinds that carry "for every n"
NUMBER_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
                "twelve", "thirteen", "fourteen", "fifteen")
# Short titles of the claims in LaTeX (claims.json's titles are plain text); an unknown id falls back to its
# converted title, so a new claim still renders.
CLAIM_TITLES = {
    "C1": r"$L$ finite for finite input; $f$ invariant to shifts of $Ax$",
    "C2": r"Gradient $\nabla L=A^\top(Sc+W^2Ax)$",
    "C3": r"Hessian $A^\top(B+W^2)A$, $B$ diagonal plus rank $\le2$",
    "C4": r"Smoothness: $\|B(x)\|$ bounded by a constant (4)",
    "C5": r"Strong convexity if $w_i^2\ge4+\lambda/\sigma_{\min}(A)^2$",
    "C6": r"$\|\nabla L\|\le\|A\|\sup\|Sc\|$ with $\sup\|Sc\|\le2$",
    "C7": r"Bias $O(\varepsilon^2)$ central, $O(\varepsilon)$ forward",
    "C8": r"$E\|\hat g\|^2=\frac{d+k-1}{k}\|\nabla L\|^2$",
    "C9": r"Exact $E[\hat g\hat g^\top]$ per distribution",
    "C10": r"Dimension-free descent with MeZO's $\gamma$",
    "C11": r"Linear rate $1-\mu/(\ell\gamma)$; iterations grow with $r/k$, not $d$",
    "C12": r"Cost: $2k$ evaluations, $O(d)$ memory, exact replay",
    "C13": r"Exact expected learning curve on the local quadratic model",
}
# The same titles for the README (Markdown with Unicode).
README_TITLES = {
    "C1": "L finite for finite input; f invariant to shifts of Ax",
    "C2": "gradient ∇L = Aᵀ(Sc + W²Ax)",
    "C3": "Hessian Aᵀ(B + W²)A, B diagonal plus rank ≤ 2",
    "C4": "smoothness: ‖B(x)‖ bounded by a constant (4)",
    "C5": "strong convexity if w_i² ≥ 4 + λ/σ_min(A)²",
    "C6": "‖∇L‖ ≤ ‖A‖ sup‖Sc‖ with sup‖Sc‖ ≤ 2",
    "C7": "bias O(ε²) central, O(ε) forward",
    "C8": "E‖ĝ‖² = (d+k−1)/k ‖∇L‖² (MeZO's Lemma 2)",
    "C9": "exact E[ĝĝᵀ] per distribution",
    "C10": "dimension-free descent with MeZO's γ",
    "C11": "linear rate 1 − μ/(ℓγ); iterations grow with r/k, not d",
    "C12": "cost: 2k evaluations, O(d) memory, exact replay",
    "C13": "exact expected learning curve on the local quadratic model",
}
# Unicode that appears in findings and claims, as LaTeX that pdflatex with T1/utf8 handles.
UNICODE = {
    "Δ": r"\Delta", "γ": r"\gamma", "ε": r"\varepsilon", "η": r"\eta", "μ": r"\mu", "ℓ": r"\ell",
    "β": r"\beta", "ρ": r"\rho", "σ": r"\sigma", "κ": r"\kappa", "λ": r"\lambda", "φ": r"\varphi",
    "θ": r"\theta", "α": r"\alpha", "π": r"\pi", "Σ": r"\Sigma", "∇": r"\nabla", "‖": r"\|",
    "²": "^2", "³": "^3", "⁴": "^4", "⁺": "^+", "⁻": "^-", "₀": "_0", "₁": "_1", "₂": "_2", "₃": "_3",
    "ᵀ": r"^\top", "⪯": r"\preceq", "⪰": r"\succeq", "≤": r"\le", "≥": r"\ge", "≈": r"\approx", "≠": r"\ne",
    "−": "-", "×": r"\times", "·": r"\cdot", "→": r"\to", "←": r"\leftarrow", "∞": r"\infty", "√": r"\surd",
    "∈": r"\in", "∘": r"\circ", "⟨": r"\langle", "⟩": r"\rangle", "±": r"\pm", "∑": r"\sum", "⊙": r"\odot",
    "ₙ": "_n", "ᵢ": "_i", "ⱼ": "_j", "ₖ": "_k",
}
TEXT_UNICODE = {"…": r"\dots{}", "–": "--", "—": "---", "’": "'", "“": "``", "”": "''"}
SPECIAL = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "$": r"\$", "&": r"\&", "#": r"\#",
           "^": r"\textasciicircum{}", "_": r"\_", "%": r"\%", "~": r"\textasciitilde{}", "<": r"\textless{}",
           ">": r"\textgreater{}", "|": r"\textbar{}"}
GREEK = {"beta": r"\beta", "eps": r"\varepsilon", "epsilon": r"\varepsilon", "rho": r"\rho", "gamma": r"\gamma",
         "mu": r"\mu", "sigma": r"\sigma", "eta": r"\eta", "lambda": r"\lambda", "kappa": r"\kappa",
         "Delta": r"\Delta", "delta": r"\delta", "phi": r"\varphi", "alpha": r"\alpha", "theta": r"\theta"}


# ----------------------------------------------------------------------------------------------- text


def tex_escape(text: Any) -> str:
    """``text`` as LaTeX text: specials escaped, known Unicode as math, any other non-ASCII character as ``?``."""
    out = []
    for ch in str(text):
        if ch in SPECIAL:
            out.append(SPECIAL[ch])
        elif ch in UNICODE:
            out.append(f"\\ensuremath{{{UNICODE[ch]}}}")
        elif ch in TEXT_UNICODE:
            out.append(TEXT_UNICODE[ch])
        elif ord(ch) < 128:
            out.append(ch)
        else:
            out.append("?")  # visible, never a pdflatex error
    return "".join(out)


def _balanced(text: str, start: int) -> int:
    """Index just past the parenthesis group opening at ``text[start] == '('`` (or len(text))."""
    depth = 0
    for i in range(start, len(text)):
        depth += {"(": 1, ")": -1}.get(text[i], 0)
        if depth == 0:
            return i + 1
    return len(text)


_TOKEN = re.compile(
    r"(?P<sqrt>sqrt\s*\()|(?P<norm>\|\|)|(?P<op><=|>=|->|!=|=>)"
    r"|(?P<hat>\b[a-z]_hat\b)|(?P<grad>\bgrad\b)|(?P<hess>\bHess\b)"
    r"|(?P<greek>\b(?:beta|epsilon|eps|rho|gamma|mu|sigma|eta|lambda|kappa|Delta|delta|phi|alpha|theta)\b[+-]?)"
    r"|(?P<snake>\b[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)+\b)"
    r"|(?P<pow>\^(?:T\b|\([^()]*\)|[0-9A-Za-z+-]+))"
    r"|(?P<sqrtword>\bsqrt\s+\w+)|(?P<minmax>\b(?:max|min)\s+[A-Za-z]\b)"
    r"|(?P<letter>(?<![\w'])[nNdkrRTxzfbvAlSLHWw](?![\w']))"
)


def text_to_tex(text: Any) -> str:
    r"""Plain text with ASCII math (``<=``, ``||x||``, ``sqrt(33)``, ``beta+``, ``eps^2``) as LaTeX.

    A best-effort conversion for the free text of ``claims.json`` (scopes, and corrections ``main.tex`` has
    no hand-written paragraph for): the ASCII operators become math, ``sqrt(...)`` a radical, Greek names
    their letters, identifiers with underscores typewriter. The report's own prose is written in LaTeX.
    """
    s = str(text)
    out: list[str] = []
    i = 0
    while i < len(s):
        m = _TOKEN.search(s, i)
        if m is None:
            out.append(tex_escape(s[i:]))
            break
        out.append(tex_escape(s[i:m.start()]))
        kind, tok = m.lastgroup, m.group(0)
        end = m.end()
        if kind == "sqrt":
            close = _balanced(s, end - 1)
            inner = s[end:close - 1]
            out.append(f"\\ensuremath{{\\sqrt{{{_math_text(inner)}}}}}")
            end = close
        elif kind == "norm":
            out.append(r"\ensuremath{\|}")
        elif kind == "op":
            out.append("\\ensuremath{" + {"<=": r"\le", ">=": r"\ge", "->": r"\to", "!=": r"\ne",
                                          "=>": r"\Rightarrow"}[tok] + "}")
        elif kind == "hat":
            out.append(f"\\ensuremath{{\\hat {tok[0]}}}")
        elif kind == "grad":
            out.append(r"\ensuremath{\nabla}")
        elif kind == "hess":
            out.append(r"\ensuremath{\nabla^2}")
        elif kind == "greek":
            name, sign = (tok[:-1], tok[-1]) if tok[-1] in "+-" else (tok, "")
            out.append(f"\\ensuremath{{{GREEK[name]}{'^' + sign if sign else ''}}}")
        elif kind == "snake":
            if re.fullmatch(r"[A-Za-z]_(?:[A-Za-z0-9]|min|max)", tok):  # w_i, sigma_min: a subscript
                base, sub = tok.split("_", 1)
                sub = r"\min" if sub == "min" else r"\max" if sub == "max" else sub
                out.append(f"\\ensuremath{{{base}_{{{sub}}}}}")
            else:
                out.append(f"\\texttt{{{tex_escape(tok)}}}")
        elif kind == "sqrtword":
            out.append(f"\\ensuremath{{\\sqrt{{{_math_text(tok.split(None, 1)[1])}}}}}")
        elif kind == "minmax":
            word, letter = tok.split()
            out.append(f"\\ensuremath{{\\{word} {letter}}}")
        elif kind == "letter":
            out.append(f"\\ensuremath{{{tok}}}")
        elif kind == "pow":
            body = tok[1:]
            body = r"\top" if body == "T" else _math_text(body[1:-1] if body.startswith("(") else body)
            out.append(f"\\ensuremath{{^{{{body}}}}}")
        i = end
    return "".join(out)


def _math_text(text: str) -> str:
    """ASCII math inside a math group (the argument of a radical or an exponent)."""
    s = re.sub(r"\b(" + "|".join(sorted(GREEK, key=len, reverse=True)) + r")\b", lambda m: GREEK[m.group(1)] + " ",
               text)
    return s.replace("*", r"\,").replace("%", r"\%")


# --------------------------------------------------------------------------------------------- numbers


def fmt_number(value: Any, spec: str) -> str:
    r"""One value as a LaTeX math body (no delimiters), rounded as ``spec`` says.

    ``dec<k>``: ``k`` decimals; ``sig<k>``: ``k`` significant digits, as :math:`a\times10^{b}` when
    :math:`|b|\ge4`; ``int``: an integer with thin-space groups; ``exact``: a SymPy expression string as
    LaTeX; ``word``: a small integer as an English word; ``text``: the value as text.
    """
    if spec == "exact":
        return exact_latex(value)
    if spec == "text":
        return r"\text{" + tex_escape(value) + "}"
    if spec == "everyn":  # an evidence kind: may the text say "for every n"?
        if value not in EVIDENCE_WORDS:
            raise ValueError(f"value must be an evidence kind for spec 'everyn', got {value!r}")
        return r"\text{" + ("for every $n$" if value in STRONG_KINDS else
                             f"in every check made ({EVIDENCE_WORDS[value]}, no general argument)") + "}"
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"value must be a number for spec {spec!r}, got {value!r}")
    if not math.isfinite(value):
        return "\\text{NaN}" if math.isnan(value) else ("\\infty" if value > 0 else "-\\infty")
    if spec == "int":
        return f"{round(value):,}".replace(",", r"\,")
    if spec == "word":
        n = round(value)
        return r"\text{" + (NUMBER_WORDS[n] if 0 <= n < len(NUMBER_WORDS) else str(n)) + "}"
    m = re.fullmatch(r"(dec|sig)(\d)", spec)
    if m is None:
        raise ValueError(f"spec must be dec<k>, sig<k>, int, exact, word or text, got {spec!r}")
    digits = int(m.group(2))
    if m.group(1) == "dec":
        text = f"{value:.{digits}f}"
        return "0" if float(text) == 0 else text  # no "-0.000"
    if value == 0:
        return "0"
    exponent = math.floor(math.log10(abs(value)))
    if abs(exponent) >= 4:
        mant = f"{value / 10 ** exponent:.{digits - 1}f}"
        if float(mant) in (10.0, -10.0):
            mant, exponent = f"{value / 10 ** (exponent + 1):.{digits - 1}f}", exponent + 1
        return f"{mant}\\times10^{{{exponent}}}"
    rounded = float(f"{value:.{digits - 1}e}")  # digits significant, then fixed decimals: 1000 not 1.0e+03
    exponent = math.floor(math.log10(abs(rounded)))
    return f"{rounded:.{max(digits - 1 - exponent, 0)}f}"


_TRANSFORMS = (*standard_transformations, split_symbols, implicit_multiplication_application)


def exact_latex(expr: Any) -> str:
    """A SymPy expression string (``"13/384 + 55*sqrt(33)/1152"``, ``"(d+k+1)/k"``) as LaTeX."""
    if not isinstance(expr, str):
        raise TypeError(f"expr must be a string, got {expr!r}")
    parsed = parse_expr(expr, transformations=_TRANSFORMS, evaluate=True)
    return sp.latex(parsed)


@dataclass(frozen=True)
class Number:
    r"""One named number of the report: ``\{macro}`` = the value at ``path`` of ``source``.

    ``source`` is a figure name (``fig_constants`` -> ``fig_constants.json``) or ``claims:Cn`` (that claim's
    object in ``claims.json``); ``path`` a dotted path into it (a tuple: alternatives, the first present wins, so
    a renamed key keeps working during the rename), or a function of the loaded JSON.
    """

    macro: str
    source: str
    path: str | tuple[str, ...] | Callable[[Any], Any]
    spec: str
    unit: str = ""
    doc: str = ""


def _kn(*paths: str) -> tuple[str, ...]:
    """Alternative paths under ``key_numbers`` (the current name first, then the one it replaced)."""
    return tuple(f"key_numbers.{p}" for p in paths)


def _diff(a: float, b: str | tuple[str, ...]) -> Callable[[Any], Any]:
    return lambda d: a - lookup(d, b)


def _max_key(path: str) -> Callable[[Any], Any]:
    return lambda d: max(int(k) for k in lookup(d, path))


def _len(path: str) -> Callable[[Any], Any]:
    return lambda d: len(lookup(d, path))


def _max_of(*paths: str) -> Callable[[Any], Any]:
    return lambda d: max(lookup(d, p) for p in paths)


def _min_of(*paths: str) -> Callable[[Any], Any]:
    return lambda d: min(lookup(d, p) for p in paths)


C4, C5, C6, C7 = "claims:C4", "claims:C5", "claims:C6", "claims:C7"
VOCABULARY: tuple[Number, ...] = (
    # C4-C6: the tight constants (exact for n = 2, numeric search beyond) and the general ones.
    Number("BetaPlusSimplex", C4, "key_numbers.beta_plus_simplex.exact_n2_value", "dec4", doc="tight beta+ (simplex)"),
    Number("BetaPlusSimplexExact", C4, "key_numbers.beta_plus_simplex.exact_n2", "exact"),
    Number("BetaMinusSimplex", C4, "key_numbers.beta_minus_simplex.exact_n2_value", "dec4"),
    Number("BetaMinusSimplexExact", C4, "key_numbers.beta_minus_simplex.exact_n2", "exact"),
    Number("BetaPlusBall", C4, "key_numbers.beta_plus_ball.exact_n2_value", "dec4"),
    Number("BetaPlusBallExact", C4, "key_numbers.beta_plus_ball.exact_n2", "exact"),
    Number("BetaMinusBall", C4, "key_numbers.beta_minus_ball.exact_n2_value", "dec4"),
    Number("BetaMinusBallExact", C4, "key_numbers.beta_minus_ball.exact_n2", "exact"),
    Number("BetaPlusGeneralSimplex", C4,
           _kn("beta_plus_simplex.bound_all_n", "beta_plus_simplex.proven_all_n"), "dec3"),
    Number("BetaMinusGeneralSimplex", C4,
           _kn("beta_minus_simplex.bound_all_n", "beta_minus_simplex.proven_all_n"), "dec3"),
    Number("BetaPlusGeneralBall", C4, _kn("beta_plus_ball.bound_all_n", "beta_plus_ball.proven_all_n"), "dec3"),
    Number("BetaMinusGeneralBall", C4, _kn("beta_minus_ball.bound_all_n", "beta_minus_ball.proven_all_n"), "dec3"),
    Number("BetaPlusGeneralFormula", C4,
           _kn("beta_plus_simplex.bound_all_n_formula", "beta_plus_simplex.proven_formula"), "exact"),
    Number("BetaMinusGeneralFormula", C4,
           _kn("beta_minus_simplex.bound_all_n_formula", "beta_minus_simplex.proven_formula"), "exact"),
    Number("EveryNBeta", C4, "key_numbers.beta_plus_simplex.bound_all_n_evidence", "everyn",
           doc="'for every n' where the general bound's evidence is symbolic-general or certified-interval"),
    Number("PaperOverBetaPlus", C4, "key_numbers.beta_plus_simplex.ratio_paper_over_attained", "sig3",
           doc="4 divided by the tight simplex beta+"),
    Number("PaperOverBetaMinus", C4, "key_numbers.beta_minus_simplex.ratio_paper_over_attained", "sig3"),
    Number("CertWidthBeta", C4, lambda d: max(
        lookup(d, f"key_numbers.{q}.certified_n3_bracket")[1] - lookup(d, f"key_numbers.{q}.certified_n3_bracket")[0]
        for q in ("beta_plus_simplex", "beta_minus_simplex")), "sig1",
        doc="width of the certified n = 3 brackets of the simplex beta+ and beta-"),
    Number("CertWidthSc", C6, lambda d: lookup(d, "key_numbers.simplex.certified_n3_bracket")[1]
           - lookup(d, "key_numbers.simplex.certified_n3_bracket")[0], "sig1"),
    Number("SearchMaxN", C4, _max_key("key_numbers.beta_plus_simplex.numeric_sup_by_n"), "int",
           doc="largest n of the numeric search for the suprema"),
    Number("OverRegularization", C5, _diff(4.0, _kn("beta_minus_n2_simplex", "tight_beta_minus_simplex")), "dec2",
           doc="4 - beta- (simplex): how much the paper family's condition over-regularizes"),
    Number("SupScSimplex", C6, "key_numbers.simplex.exact_n2_value", "dec4"),
    Number("SupScSimplexExact", C6, "key_numbers.simplex.exact_n2", "exact"),
    Number("SupScBall", C6, "key_numbers.ball.exact_n2_value", "dec4"),
    Number("SupScBallExact", C6, "key_numbers.ball.exact_n2", "exact"),
    Number("SupScGeneralSimplex", C6, _kn("simplex.bound_all_n", "simplex.proven_all_n"), "dec3"),
    Number("SupScGeneralBall", C6, _kn("ball.bound_all_n", "ball.proven_all_n"), "dec3"),
    Number("EveryNSc", C6, "key_numbers.simplex.bound_all_n_evidence", "everyn"),
    Number("PaperOverSupSc", C6, "key_numbers.simplex.ratio_paper_over_attained", "sig2"),
    Number("MThreeGeneral", C7, _kn("m3_simplex.bound_all_n", "m3_simplex.proven"), "dec3",
           doc="M3/||A||^3, general bound (simplex)"),
    Number("EveryNMThree", C7, "key_numbers.m3_simplex.bound_evidence", "everyn"),
    Number("MThreeSup", C7, lambda d: max(lookup(d, "key_numbers.m3_simplex.numeric_sup_by_n").values()), "dec4"),
    Number("MThreeRatio", C7,
           _kn("m3_simplex.ratio_bound_over_attained", "m3_simplex.ratio_proven_over_attained"), "sig2"),
    # C8-C10: the exact factors, from the proofs' derivations.
    Number("FactorGaussian", "claims:C8", "key_numbers.gaussian", "exact"),
    Number("FactorSphere", "claims:C8", "key_numbers.sphere", "exact"),
    Number("FactorRademacher", "claims:C8", "key_numbers.rademacher", "exact"),
    Number("GammaGaussian", "claims:C10", "key_numbers.gaussian", "exact"),
    Number("GammaSphere", "claims:C10", "key_numbers.sphere", "exact"),
    Number("GammaRademacherLow", "claims:C10", "key_numbers.rademacher_attained", "exact"),
    Number("GammaRademacherHigh", "claims:C10", "key_numbers.rademacher_bound", "exact"),
    # Experiment 1, estimator bias (C7).
    Number("BiasN", "fig_estimator_bias", "instance.n", "int"),
    Number("BiasD", "fig_estimator_bias", "instance.d", "int"),
    Number("BiasDirections", "fig_estimator_bias", lambda d: 2 ** lookup(d, "instance.d"), "int"),
    Number("BiasSlopeCentral", "fig_estimator_bias", "slopes.central_bias", "dec3"),
    Number("BiasSlopeForward", "fig_estimator_bias", "slopes.forward_bias", "dec3"),
    Number("DeviationSlopeForward", "fig_estimator_bias", "slopes.forward_deviation", "dec3"),
    Number("BiasOverBound", "fig_estimator_bias", _max_of("max_bias_to_bound_ratio.central",
                                                          "max_bias_to_bound_ratio.forward"), "sig1"),
    Number("ForwardCentralGap", "fig_estimator_bias", "forward_central_mean_max_relative_gap", "sig1"),
    # Experiment 2, second moment (C8, C9).
    Number("MomentN", "fig_second_moment", "n", "int"),
    Number("MomentD", "fig_second_moment", "d", "int"),
    Number("MomentKMax", "fig_second_moment", lambda d: max(lookup(d, "k")), "int"),
    Number("MomentMaxZ", "fig_second_moment", "max_abs_z_vs_exact", "dec1"),
    Number("MomentZThreshold", "fig_second_moment", "z_threshold", "dec2"),
    Number("MomentZMezo", "fig_second_moment", "gaussian_z_vs_mezo_k1", "dec1"),
    Number("MomentZMezoMin", "fig_second_moment", lambda d: min(lookup(d, "gaussian.z_vs_mezo")), "dec1"),
    Number("MomentRejected", "fig_second_moment", _len("mezo_rejected_at_k.gaussian"), "int"),
    Number("MomentKCount", "fig_second_moment", _len("k"), "int"),
    # Experiment 3, one-step descent (C10).
    Number("DescentN", "fig_descent", "n", "int"),
    Number("DescentD", "fig_descent", "d", "int"),
    Number("DescentK", "fig_descent", "k", "int"),
    Number("DescentZ", "fig_descent", "z_threshold", "dec2"),
    Number("DescentMinMargin", "fig_descent", "min_margin_in_se", "dec1"),
    Number("DescentCurvLo", "fig_descent", _min_of("curvature_ratio_gaussian", "curvature_ratio_sphere",
                                                   "curvature_ratio_rademacher"), "dec2"),
    Number("DescentCurvHi", "fig_descent", _max_of("curvature_ratio_gaussian", "curvature_ratio_sphere",
                                                   "curvature_ratio_rademacher"), "dec2"),
    # Experiment 4, linear convergence (C11).
    Number("ConvN", "fig_convergence", "n", "int"),
    Number("ConvD", "fig_convergence", "d", "int"),
    Number("ConvRuns", "fig_convergence", ("runs", "seeds"), "int"),
    Number("ConvAlpha", "fig_convergence", "alpha", "dec2", doc="family-wise level of the Bonferroni limits"),
    Number("ConvMaxLowerLimit", "fig_convergence", "max_lower_limit", "dec3",
           doc="largest lower confidence limit of mean gap / bound over steps and k"),
    Number("ConvTightKOne", "fig_convergence", "tightest.zo_k1.mean", "dec3"),
    Number("ConvTightKOneSE", "fig_convergence", "tightest.zo_k1.se", "dec3"),
    Number("ConvTightKOneT", "fig_convergence", "tightest.zo_k1.t", "int"),
    Number("ConvTightKFour", "fig_convergence", "tightest.zo_k4.mean", "dec3"),
    Number("ConvTightKSixteen", "fig_convergence", "tightest.zo_k16.mean", "dec3"),
    Number("ConvTightGD", "fig_convergence", "tightest.gd.mean", "dec3"),
    Number("ConvRateGD", "fig_convergence", "measured_rates.gd", "dec3"),
    Number("ConvBoundGD", "fig_convergence", "bound_rates.gd", "dec3"),
    Number("ConvRateKOne", "fig_convergence", "measured_rates.zo_k1", "dec3"),
    Number("ConvBoundKOne", "fig_convergence", "bound_rates.zo_k1", "dec3"),
    Number("ConvRateKSixteen", "fig_convergence", "measured_rates.zo_k16", "dec3"),
    Number("ConvBoundKSixteen", "fig_convergence", "bound_rates.zo_k16", "dec3"),
    # Experiment 5, dimension-free iterations (C10, C11).
    Number("DimRank", "fig_dimension_free", "r_fixed", "int"),
    Number("DimMinD", "fig_dimension_free", lambda d: min(lookup(d, "dims")), "int"),
    Number("DimMaxD", "fig_dimension_free", "max_d", "int"),
    Number("DimInstances", "fig_dimension_free", "instances", "int"),
    Number("DimRuns", "fig_dimension_free", "runs", "int"),
    Number("DimLevel", "fig_dimension_free", lambda d: 100 * lookup(d, "level"), "dec1"),
    Number("DimPredSphere", "fig_dimension_free", "prediction.overhead_slope_fixed_r.sphere", "dec2"),
    Number("DimKappaSlope", "fig_dimension_free", "prediction.kappa_lower_bound_slope", "dec2"),
    Number("DimPlantedExp", "fig_dimension_free", "planted_exponent", "dec1"),
    Number("DimPlantedPred", "fig_dimension_free", "prediction.overhead_slope_planted_at_least", "dec2"),
    Number("DimSlopeGauss", "fig_dimension_free", "series.gaussian.slope_overhead.slope", "dec3"),
    Number("DimSlopeGaussLo", "fig_dimension_free", "series.gaussian.slope_overhead.lo", "dec3"),
    Number("DimSlopeGaussHi", "fig_dimension_free", "series.gaussian.slope_overhead.hi", "dec3"),
    Number("DimSlopeSphere", "fig_dimension_free", "series.sphere.slope_overhead.slope", "dec3"),
    Number("DimSlopeSphereLo", "fig_dimension_free", "series.sphere.slope_overhead.lo", "dec3"),
    Number("DimSlopeSphereHi", "fig_dimension_free", "series.sphere.slope_overhead.hi", "dec3"),
    Number("DimSlopeRad", "fig_dimension_free", "series.rademacher.slope_overhead.slope", "dec3"),
    Number("DimSlopeRadLo", "fig_dimension_free", "series.rademacher.slope_overhead.lo", "dec3"),
    Number("DimSlopeRadHi", "fig_dimension_free", "series.rademacher.slope_overhead.hi", "dec3"),
    Number("DimIterSlope", "fig_dimension_free", "series.gaussian.slope_iterations.slope", "dec2"),
    Number("DimPlanted", "fig_dimension_free", "planted.slope_overhead.slope", "dec3"),
    Number("DimIterSlopeLo", "fig_dimension_free", "series.gaussian.slope_iterations.lo", "dec2"),
    Number("DimPlantedLo", "fig_dimension_free", "planted.slope_overhead.lo", "dec3"),
    Number("DimIterSlopeHi", "fig_dimension_free", "series.gaussian.slope_iterations.hi", "dec2"),
    Number("DimPlantedHi", "fig_dimension_free", "planted.slope_overhead.hi", "dec3"),
    Number("DimRatioMin", "fig_dimension_free", "ratio_to_bound_min", "dec2"),
    Number("DimRatioMax", "fig_dimension_free", "ratio_to_bound_max", "dec2"),
    # Experiment 6, constants (C4-C6).
    Number("ConstPaperOverSupMax", "fig_constants", "max_paper_over_empirical", "sig3"),
    Number("ConstPaperOverSupMin", "fig_constants", lambda d: min(
        lookup(d, f"paper_constants.{q}") / lookup(d, f"{s}_{q}_empirical")
        for s in ("simplex", "ball") for q in ("beta_plus", "beta_minus", "grad")), "sig2"),
    Number("ConstGeneralOverSupMax", "fig_constants", "max_proven_over_empirical", "sig3"),
    Number("ConstGeneralOverSupMin", "fig_constants", "min_proven_over_empirical", "sig3"),
    Number("ConstSupSpread", "fig_constants", lambda d: max(
        (max(p["sup"] for p in pts) - min(p["sup"] for p in pts)) / max(p["sup"] for p in pts)
        for per_set in lookup(d, "per_n").values() for pts in per_set.values()), "sig1",
        doc="largest relative spread over n of the supremum found, over the quantities and target sets"),
    Number("ConstMaxN", "fig_constants", lambda d: max(lookup(d, "ns")), "int"),
    # Experiment 7, effective rank (C10).
    Number("RankN", "fig_effective_rank", "n", "int"),
    Number("RankD", "fig_effective_rank", "d", "int"),
    Number("RankH", "fig_effective_rank", "r_H0", "dec2"),
    Number("RankOverD", "fig_effective_rank", "r_over_d", "dec3"),
    Number("RankPencil", "fig_effective_rank", "pencil_max", "dec2"),
    Number("RankHessRange", "fig_effective_rank", lambda d: _range_words(
        lookup(d, "effective_rank_hessian_min"), lookup(d, "effective_rank_hessian_max"), 2), "text",
        doc="'at 4.74' when min and max agree to the digits shown, else 'between 4.70 and 4.74'"),
    # Cost (C12), made by make bench: absolute times depend on the machine; extrapolated points kept apart.
    Number("CostN", "fig_cost", "n", "int"),
    Number("CostK", "fig_cost", "k", "int"),
    Number("CostEvaluations", "fig_cost", "evaluations_per_step.central", "int"),
    Number("CostDMin", "fig_cost", lambda d: min(lookup(d, "d")), "int"),
    Number("CostDMax", "fig_cost", lambda d: max(lookup(d, "d")), "int"),
    Number("CostSlope", "fig_cost", "slopes_upper_half.estimate", "dec2"),
    Number("CostSlopeProduct", "fig_cost", "slopes_upper_half.product", "dec2"),
    Number("CostSlopeFprime", "fig_cost", "slopes_upper_half.approx_fprime", "dec2"),
    Number("CostFprimeNote", "fig_cost", lambda d: ", partly from extrapolated times" if any(
        lookup(d, "extrapolated")[len(lookup(d, "d")) // 2:]) else "", "text",
        doc="marks the finite-difference slope when its upper half includes extrapolated points"),
    Number("CostCheaperMin", "fig_cost", lambda d: min(_measured(d, "approx_fprime_over_estimate")), "sig2"),
    Number("CostCheaperMax", "fig_cost", lambda d: max(_measured(d, "approx_fprime_over_estimate")), "sig2"),
    Number("CostMeasuredDMax", "fig_cost", lambda d: max(_measured(d, "d")), "int"),
)


def _measured(data: Any, path: str) -> list[Any]:
    """The entries of the list at ``path`` whose point was measured, not extrapolated (``extrapolated`` flags)."""
    values, flags = lookup(data, path), lookup(data, "extrapolated")
    kept = [v for v, e in zip(values, flags, strict=True) if not e]
    if not kept:
        raise ValueError("every point is extrapolated")
    return kept


def _range_words(lo: float, hi: float, decimals: int) -> str:
    a, b = f"{lo:.{decimals}f}", f"{hi:.{decimals}f}"
    return f"at {a}" if a == b else f"between {a} and {b}"


def lookup(data: Any, path: str | tuple[str, ...]) -> Any:
    """The value at dotted ``path`` in nested dicts (KeyError when absent); a tuple: the first path present."""
    if isinstance(path, tuple):
        for alternative in path:
            try:
                return lookup(data, alternative)
            except KeyError:
                continue
        raise KeyError(path[0] if path else "")
    for part in path.split("."):
        if not isinstance(data, dict) or part not in data:
            raise KeyError(path)
        data = data[part]
    return data


def _source(sources: dict[str, Any], name: str) -> Any:
    if name.startswith("claims:"):
        claims = sources.get("claims")
        cid = name.split(":", 1)[1]
        if isinstance(claims, list):
            for c in claims:
                if isinstance(c, dict) and c.get("id") == cid:
                    return c
        return None
    return sources.get(name)


def _number(num: Number, sources: dict[str, Any]) -> str:
    data = _source(sources, num.source)
    shown = num.path[0] if isinstance(num.path, tuple) else num.path
    label = num.source.replace("claims:", "claims.json ") + (f": {shown}" if isinstance(shown, str) else "")
    if data is None:
        return _notice(label)
    try:
        value = num.path(data) if callable(num.path) else lookup(data, num.path)
        body = fmt_number(value, num.spec)
    except (KeyError, TypeError, ValueError, ZeroDivisionError, sp.SympifyError, SyntaxError):
        return _notice(label)
    return f"\\ensuremath{{{body}{num.unit}}}"


# ------------------------------------------------------------------------------------------------ claims


def _prov(text: str) -> str:
    tags = re.findall(r"\[(\w+)\]", str(text))
    return "/\\allowbreak ".join(f"\\prov{{{t}}}" for t in tags) if tags else tex_escape(text)


def _claims_table(claims: Any) -> str:
    r"""The body of ``\ClaimsTable{caption}``: one longtable, its caption the macro's argument."""
    if not isinstance(claims, list):
        return (r"\begin{center}\captionof{table}{#1}\label{tab:claims}" + _notice("claims.json (run make verify)")
                + r"\end{center}")
    rows = []
    for c in claims:
        cid = str(c.get("id", "?"))
        title = CLAIM_TITLES.get(cid, text_to_tex(c.get("title", "")))
        verdict = str(c.get("verdict", ""))
        color = VERDICT_COLORS.get(verdict, "red")
        word = VERDICT_WORDS.get(verdict, "no verdict")
        strongest = c.get("strongest")
        if isinstance(strongest, dict) and strongest.get("kind") in EVIDENCE_WORDS:
            kind = EVIDENCE_WORDS[strongest["kind"]]
            scope = text_to_tex(strongest.get("scope") or "") or "--"
        else:
            kind = _notice("claims.json: strongest")
            scope = "--"
        rows.append(f"{tex_escape(cid)} & {title} & {_prov(c.get('provenance', ''))} & "
                    f"\\textcolor{{{color}}}{{{word}}} & {kind} & {scope} \\\\")
    head = r"& claim & provenance & verdict & strongest evidence & its scope \\"
    return ("\\begin{longtable}{@{}l>{\\raggedright\\arraybackslash}p{0.25\\linewidth}"
            ">{\\raggedright\\arraybackslash}p{0.09\\linewidth}>{\\raggedright\\arraybackslash}p{0.10\\linewidth}"
            ">{\\raggedright\\arraybackslash}p{0.10\\linewidth}>{\\raggedright\\arraybackslash}p{0.34\\linewidth}@{}}"
            "\\caption{#1}\\label{tab:claims}\\\\ \\toprule " + head + " \\midrule\\endfirsthead \\toprule " + head
            + " \\midrule\\endhead "
            "\\bottomrule\\endlastfoot " + "\n".join(rows) + " \\end{longtable}")


def _corrections(claims: Any, handled: set[str]) -> list[str]:
    r"""``\Correction`` (guarded by the verdicts) and ``\OtherCorrections`` (the unhandled ones, converted)."""
    corrected = {}
    if isinstance(claims, list):
        corrected = {str(c.get("id")): c for c in claims if isinstance(c, dict) and c.get("correction")
                     and c.get("verdict") == "holds-with-correction"}
    lines = [r"\newcommand{\IfCorrected}[3]{\ifcsname zo@corrected@#1\endcsname#2\else#3\fi}"]
    lines += [f"\\expandafter\\def\\csname zo@corrected@{cid}\\endcsname{{}}" for cid in corrected]
    if not isinstance(claims, list):
        lines.append(r"\newcommand{\Correction}[2]{\item[#1] " + MISSING + "{claims.json (run make verify)}}")
        lines.append(r"\newcommand{\OtherCorrections}{}")
        return lines
    lines.append(r"\newcommand{\Correction}[2]{\IfCorrected{#1}{\item[#1] #2}{\item[#1] \textcolor{red}"
                 r"{[out of date: the checks no longer correct #1, remove this paragraph]}}}")
    others = [f"\\item[{tex_escape(cid)}] {text_to_tex(c['correction'])}" for cid, c in corrected.items()
              if cid not in handled]
    lines.append(r"\newcommand{\OtherCorrections}{" + "\n".join(others) + "}")
    return lines


def _verdict_counts(claims: Any) -> list[str]:
    if not isinstance(claims, list):
        return [f"\\newcommand{{\\{m}}}{{{_notice('claims.json')}}}" for m in
                ("NumClaims", "NumHold", "NumCorrected", "NumFail")]
    count = {v: sum(1 for c in claims if c.get("verdict") == v) for v in VERDICT_COLORS}

    def word(n: int) -> str:
        return "none" if n == 0 else _word(n)

    return [f"\\newcommand{{\\NumClaims}}{{{_word(len(claims))}}}",
            f"\\newcommand{{\\NumHold}}{{{word(count['holds'])}}}",
            f"\\newcommand{{\\NumCorrected}}{{{word(count['holds-with-correction'])}}}",
            f"\\newcommand{{\\NumFail}}{{{word(count['fails'])}}}"]


# ------------------------------------------------------------------------------------------------ figures


def _figures(figures: dict[str, Any], included: list[str]) -> list[str]:
    r"""``\FigInclude``, ``\FigVerdict``, and the experiments counted from the figures ``main.tex`` includes."""
    lines = [
        # column width; a tall figure is capped at 0.72 of the text height so that it and its caption fit a page
        r"\newcommand{\FigInclude}[1]{\IfFileExists{../figures/#1.pdf}{\includegraphics[width=\linewidth,"
        r"height=0.72\textheight,keepaspectratio]"
        r"{../figures/#1.pdf}}{\fbox{\NotGenerated{figure \detokenize{#1} (run make figures)}}}}",
        r"\newcommand{\FigVerdict}[1]{\ifcsname zo@verdict@#1\endcsname\csname zo@verdict@#1\endcsname"
        r"\else\NotGenerated{\detokenize{#1}.json (run make figures)}\fi}",
    ]
    for name, data in figures.items():
        if not isinstance(data, dict):
            continue
        confirmed = data.get("confirmed")
        word = (r"\textcolor{green!45!black}{confirmed}" if confirmed is True else
                r"\textcolor{red}{not confirmed}" if confirmed is False else _notice(name + ": confirmed"))
        lines.append(f"\\expandafter\\def\\csname zo@verdict@{name}\\endcsname{{{word}}}")
    n = len(included)
    lines.append(f"\\newcommand{{\\NumExperiments}}{{{_word(n)}}}")
    verdicts = [figures.get(name, {}).get("confirmed") if isinstance(figures.get(name), dict) else None
                for name in included]
    ok, bad, absent = verdicts.count(True), verdicts.count(False), sum(v is None for v in verdicts)
    if n and ok == n:
        sentence = "Every experiment confirmed its prediction"
    else:
        sentence = f"{_word(ok).capitalize()} of the {_word(n)} experiments confirmed their prediction"
        if bad:
            sentence += f", {_word(bad)} did not"
        if absent:
            sentence += f", and {_word(absent)} {'was' if absent == 1 else 'were'} not run"
    lines.append(f"\\newcommand{{\\ExperimentsConfirmed}}{{{sentence}}}")
    return lines


def _word(n: int) -> str:
    return NUMBER_WORDS[n] if 0 <= n < len(NUMBER_WORDS) else str(n)


INSTANCE_NAMES = {"breast_cancer": "breast cancer", "digits": "digits", "wine": "wine", "iris": "iris",
                  "synthetic": "synthetic", "wine_weak": "wine with a weak regularizer (no worst-case guarantee)"}


def _names(names: list[str]) -> str:
    words = [INSTANCE_NAMES.get(n, n.replace("_", " ")) for n in names]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1] if words else "none"


def _prediction(data: Any) -> list[str]:
    r"""C13's generated text: result, table, and the abstract's and conclusion's sentences.

    ``\PredictionResult`` (the result, in words, from the numbers), ``\PredictionTable``, and the sentences
    ``\PredictionAbstract`` and ``\PredictionConclusion``, each claiming only what fig_prediction's verdict says.
    """
    concl = (r"\newcommand{\PredictionConclusion}{Section~\ref{sec:prediction} compares the worst-case guarantee "
             r"with the exact expected learning curve of the local quadratic model on real data.}")
    neutral = (r"\newcommand{\PredictionAbstract}{We also compare the exact expected learning curve of ZO gradient "
               r"descent on the local quadratic model with measured runs on real data.}")
    if not isinstance(data, dict):
        return [r"\newcommand{\PredictionResult}{" + _notice("fig_prediction.json (run make figures)") + "}",
                r"\newcommand{\PredictionTable}{}", neutral, concl]
    try:
        names = list(data["instances"])
        per = [data[n] for n in names]
        z, times = float(data["z_threshold"]), len(data["times"])
        worst = max(c["max_abs_z"] for c in per)
        rel = max(c["max_relative_error"] for c in per)
        vac = [n for n, c in zip(names, per, strict=True) if c["bound_vacuous"]]
        ratios = [c["max_stable_over_step_size"] for c in per]
        model0 = max(abs(c["model_gap0"] / c["gap0"] - 1) for c in per)
        gaps0 = [c["gap0"] for c in per]
        within = all(c["within"] for c in per)
        sweeps_ok = bool(data["sweeps_separate"])
        runs, steps = per[0]["runs"], per[0]["steps"]
        sweep_steps = data["profile_sizes"]["sweep_steps"]
        grows = max(f for f in data["sweep_fractions"])
    except (KeyError, TypeError, ValueError, ZeroDivisionError):
        return [r"\newcommand{\PredictionResult}{" + _notice("fig_prediction.json: result") + "}",
                r"\newcommand{\PredictionTable}{}", neutral, concl]
    n_word = _word(len(names))
    separates = ("shrinks below and grows above the predicted threshold" if sweeps_ok else
                 "does not separate at the predicted threshold")
    vac_text = (f"On {_names(vac)} the worst-case bound is vacuous: after {steps:,} steps it still allows "
                f"{fmt_pct(min(data[n]['bound_final_over_gap0'] for n in vac))} or more of the initial gap, while the "
                f"measured mean gap fell to {fmt_pct(max(data[n]['measured_final_over_gap0'] for n in vac))} or less. "
                ) if vac else "On no instance is the worst-case bound vacuous. "
    result = (
        f"On {'all ' if len(names) > 2 else ''}{n_word} instances ({_names(names)}; {runs} runs of {steps:,} steps "
        f"each, from $x_0=0$), the measured mean gap {'lies' if within else 'does not lie'} within the Bonferroni "
        f"band of the prediction at every one of the {_word(times)} tested times"
        f"{'' if within else ' on ' + _names([n for n, c in zip(names, per, strict=True) if not c['within']])}: the "
        f"largest standardized deviation is ${worst:.2f}$ against a threshold of ${z:.2f}$, and the largest relative "
        f"error {fmt_pct(rel)}. {vac_text}"
        f"The largest stable step is ${min(ratios):.1f}$--${max(ratios):.1f}$ times the guarantee's step "
        f"$1/(\\ell\\gamma)$, and in the sweep ({sweep_steps} steps per point, step sizes up to ${grows:g}\\,\\eta^*$) "
        f"the measured gap {separates}. "
        f"These runs start at $x_0=0$, where the initial gap is already small "
        f"(${fmt_number(min(gaps0), 'sig1')}$ to ${fmt_number(max(gaps0), 'sig1')}$) and the local model's gap agrees "
        f"with the true one to a relative ${fmt_number(max(model0, 1e-300), 'sig1')}$: they test the model near $x^*$. "
        + _far_sentence(data.get("far"))
    )
    header = (r"instance & $n$ & $d$ & rank & $\ell$ & $\mu$ & $\kappa$ & $r(H_0)$ & bound at $T$ & largest rel.\ error"
              r" & $\eta^*\ell\gamma$ \\")
    rows = []
    for name, c in zip(names, per, strict=True):
        mu = c["mu"]
        kappa = c["kappa"]
        cells = [INSTANCE_NAMES.get(name, name.replace("_", " ")), f"{c['n']:,}".replace(",", "{,}"), str(c["d"]),
                 str(c["rank"]), f"${fmt_number(c['ell'], 'sig3')}$",
                 f"${fmt_number(mu, 'sig2')}$" if mu > 0 else r"$\le0$",
                 f"${fmt_number(kappa, 'sig2')}$" if isinstance(kappa, (int, float)) and math.isfinite(kappa)
                 else r"$\infty$", f"${c['effective_rank_H0']:.1f}$",
                 f"${fmt_number(c['bound_final_over_gap0'], 'sig2')}$" + (" (vacuous)" if c["bound_vacuous"] else ""),
                 fmt_pct(c["max_relative_error"]), f"${c['max_stable_over_step_size']:.1f}$"]
        rows.append(" & ".join(cells) + r" \\")
    table = (r"\begin{center}\setlength{\tabcolsep}{3.5pt}\begin{tabular}{@{}lrrrrrrrlrr@{}}\toprule " + header
             + r" \midrule " + " ".join(rows) + r" \bottomrule\end{tabular}\par\smallskip"
             r"\parbox{\linewidth}{\footnotesize Bound at $T$: the worst-case bound \eqref{eq:rate} after the last "
             r"step, "
             r"over the initial gap; largest relative error: between the measured mean and the prediction at the "
             r"tested times; $\eta^*\ell\gamma$: the largest stable step over the guarantee's step.}\end{center}")
    abstract = neutral
    if within and data.get("confirmed") is True and vac:
        concl = (r"\newcommand{\PredictionConclusion}{The worst-case guarantee is vacuous on real data with a badly "
                 r"conditioned $A$; there the exact expected learning curve of the local quadratic model predicts "
                 r"what the runs do, within sampling error.}")
    if within and data.get("confirmed") is True:
        abstract = (r"\newcommand{\PredictionAbstract}{Beyond worst-case bounds, the exact expected learning curve "
                    r"of ZO gradient descent on the local quadratic model predicts the mean loss of measured runs "
                    r"within sampling error"
                    + (", on real data where the worst-case guarantee is vacuous" if vac else "") + ".}")
    return [f"\\newcommand{{\\PredictionResult}}{{{result}}}", f"\\newcommand{{\\PredictionTable}}{{{table}}}",
            abstract, concl]


def _far_sentence(far: Any) -> str:
    """Where, far from x*, the local model stops predicting: the distance experiment of fig_prediction, in words."""
    try:
        points = sorted(far["points"], key=lambda f: f["radius"])
        radii = [f["radius"] for f in points]
        first = far["first_radius_outside"]
        upto = far["within_up_to_radius"]
        name = INSTANCE_NAMES.get(far["instance"], far["instance"].replace("_", " "))
    except (KeyError, TypeError):
        return _notice("fig_prediction.json: far")
    head = (f"To find where it stops, runs on {name} start at $x^*+rv$, with $v$ a fixed random direction scaled so "
            f"that $r$ is the largest change of a logit, for $r$ from ${radii[0]:g}$ to ${radii[-1]:g}$. ")
    if first is None:
        return head + "At every distance the measured mean stays within the Bonferroni band of the prediction."
    worst = max(max(f["relative_errors"]) for f in points if f["radius"] == first)
    within = f"up to $r={upto:g}$" if upto > 0 else "at none of the distances"
    between = f", so the local model stops describing the run between $r={upto:g}$ and $r={first:g}$" if upto else ""
    return (head + f"The measured mean stays within the Bonferroni band of the prediction {within} and first leaves "
            f"it at $r={first:g}$, where it is up to ${fmt_number(worst + 1, 'sig2')}$ times the prediction{between}.")


def fmt_pct(value: float) -> str:
    r"""A fraction as a percentage in LaTeX text, two significant digits (``0.2078`` -> ``21\%``)."""
    pct = 100 * value
    text = f"{pct:.2g}" if pct < 100 else f"{pct:.0f}"
    if "e" in text:
        text = f"{pct:.2f}"
    return f"{text}\\%"


# ------------------------------------------------------------------------------------------ reproducibility


PACKAGES = ("numpy", "scipy", "sympy", "matplotlib", "joblib", "scikit-learn", "hypothesis")


def environment() -> dict[str, Any]:
    """Commit, Python and package versions, and the hardware of the machine writing the report."""

    def git(*args: str) -> str | None:
        try:
            out = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=10)
        except (OSError, subprocess.SubprocessError):
            return None
        return out.stdout.strip() if out.returncode == 0 else None

    versions = {}
    for pkg in PACKAGES:
        try:
            versions[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            versions[pkg] = None
    cpu = platform.processor() or None
    mem_gib = None
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem_gib = int(line.split()[1]) / 2**20
                break
    except OSError:
        pass
    status = git("status", "--porcelain", "--untracked-files=no")
    return {"commit": git("rev-parse", "HEAD"), "date": git("log", "-1", "--format=%cd", "--date=format:%B %-d, %Y"),
            "dirty": bool(status) if status is not None else None,
            "python": platform.python_version(), "versions": versions, "cpu": cpu, "cores": os.cpu_count(),
            "memory_gib": mem_gib, "os": f"{platform.system()} {platform.release()}"}


def _reproducibility(env: dict[str, Any], figures: dict[str, Any], timings: Any) -> str:
    rows = []
    commit = env.get("commit")
    rows.append(("source commit", (r"\texttt{" + commit[:12] + "}" + (" (with uncommitted changes)"
                                                                       if env.get("dirty") else ""))
                 if commit else f"{MISSING}{{git commit}}"))
    rows.append(("Python", tex_escape(env.get("python"))))
    vers = ", ".join(f"{tex_escape(p)} {tex_escape(v)}" for p, v in env.get("versions", {}).items() if v)
    rows.append(("packages", vers or f"{MISSING}{{package versions}}"))
    rows.append(("processor", tex_escape(env.get("cpu") or "unknown")))
    mem = env.get("memory_gib")
    rows.append(("cores, memory", f"{env.get('cores')} logical cores" +
                 (f", {mem:.0f}~GiB" if isinstance(mem, (int, float)) else "")))
    rows.append(("operating system", tex_escape(env.get("os"))))
    runs = []
    for name, data in figures.items():
        count = next((data[k] for k in ("runs", "seeds") if isinstance(data, dict) and isinstance(data.get(k), int)
                      and not isinstance(data.get(k), bool)), None)
        if count is not None:
            runs.append(f"{tex_escape(_figure_label(name))} {count}")
    rows.append(("independent runs per point", "; ".join(runs) or f"{MISSING}{{figure JSON}}"))
    rows.append(("run times of the last \\texttt{python -m analysis} (cached experiments are not rerun)",
                 _timings(timings, figures)))
    body = " \\\\\n".join(f"{k} & {v}" for k, v in rows)
    return ("\\begin{tabular}{@{}>{\\raggedright\\arraybackslash}p{0.26\\linewidth}"
            ">{\\raggedright\\arraybackslash}p{0.68\\linewidth}@{}}\\toprule\n" + body + " \\\\\n\\bottomrule"
            "\\end{tabular}")


FIGURE_LABELS = {
    "fig_estimator_bias": "bias", "fig_second_moment": "second moment", "fig_descent": "descent",
    "fig_convergence": "convergence", "fig_dimension_free": "dimension-free", "fig_constants": "constants",
    "fig_effective_rank": "effective rank", "fig_prediction": "learning curve", "fig_cost": "cost",
}


def _figure_label(name: str) -> str:
    return FIGURE_LABELS.get(name, name.removeprefix("fig_").replace("_", " "))


def _timings(timings: Any, figures: dict[str, Any]) -> str:
    """Seconds per figure from ``timings.json`` (``{"figures": {name: s}, "total_s": s}``) when present."""
    per = timings.get("figures") if isinstance(timings, dict) else None
    if not isinstance(per, dict):
        return f"{MISSING}{{timings.json (written by python -m analysis)}}"
    parts = [f"{tex_escape(_figure_label(n))} {float(per[n]):.0f}~s" for n in figures
             if isinstance(per.get(n), (int, float))]
    total = timings.get("total_s")
    if isinstance(total, (int, float)):
        parts.append(f"all figures {float(total):.0f}~s")
    runner = str(timings.get("runner") or "")
    jobs = re.search(r"jobs=(\d+)", runner)
    if "scheduler" in runner:
        parts.append("on a Dask cluster")
    elif jobs and int(jobs.group(1)) > 1:
        parts.append(f"on {jobs.group(1)} worker processes, figures computed concurrently")
    return "; ".join(parts) or f"{MISSING}{{timings.json}}"


# ------------------------------------------------------------------------------------------------ render


def _read(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def included_figures(main_tex: Path) -> list[str]:
    r"""The figures ``main.tex`` includes (``\Fig{NAME}...``), in order of appearance."""
    try:
        text = main_tex.read_text(encoding="utf-8")
    except OSError:
        return []
    names: list[str] = []
    for name in re.findall(r"^\\Fig\{(fig_\w+)\}", text, flags=re.M):
        if name not in names:
            names.append(name)
    return names


def load_sources(generated: Path, figures: list[str] | tuple[str, ...] = ()) -> dict[str, Any]:
    """Every JSON the report reads, by name (``None`` where absent or unreadable)."""
    names = list(dict.fromkeys([*FIGURE_MODULES, *EXTRA_FIGURES, *figures]))
    sources = {name: _read(generated / f"{name}.json") for name in names}
    sources["claims"] = _read(generated / "claims.json")
    sources["timings"] = _read(generated / "timings.json")
    return sources


def handled_corrections(main_tex: Path) -> set[str]:
    r"""Claim ids that ``main.tex`` writes a ``\Correction{Cn}{...}`` paragraph for."""
    try:
        text = main_tex.read_text(encoding="utf-8")
    except OSError:
        return set()
    return set(re.findall(r"\\Correction\{(C\d+)\}", text))


def render(generated: Path, *, main_tex: Path | None = None, env: dict[str, Any] | None = None) -> str:
    """The whole ``numbers.tex`` for the JSON files under ``generated`` and the report ``main_tex``.

    ``main_tex`` (default: ``generated/../main.tex``) says which figures the report includes (the count of
    experiments) and which corrections it writes by hand; ``env`` defaults to :func:`environment`.
    """
    main_tex = main_tex if main_tex is not None else generated.parent / "main.tex"
    included = included_figures(main_tex)
    sources = load_sources(generated, included)
    figures = {name: sources[name] for name in dict.fromkeys([*FIGURE_MODULES, *EXTRA_FIGURES, *included])}
    env = env if env is not None else environment()
    lines = [
        "% Generated by analysis/report.py from paper/generated/*.json: do not edit.",
        r"\providecommand{\NotGenerated}[1]{\textcolor{red}{\textbf{[not generated: #1]}}}",
        f"\\newcommand{{\\ReportDate}}{{{tex_escape(env.get('date') or '')}}}",
    ]
    for num in VOCABULARY:
        lines.append(f"\\newcommand{{\\{num.macro}}}{{{_number(num, sources)}}}")
    lines += _figures(figures, included)
    lines.append(f"\\newcommand{{\\ClaimsTable}}[1]{{{_claims_table(sources['claims'])}}}")
    lines += _verdict_counts(sources["claims"])
    lines += _corrections(sources["claims"], handled_corrections(main_tex))
    lines += _prediction(sources.get("fig_prediction"))
    lines.append(f"\\newcommand{{\\Reproducibility}}{{{_reproducibility(env, figures, sources['timings'])}}}")
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------------------------------- README blocks

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
                            "glo": "series.gaussian.slope_overhead.lo", "ghi": "series.gaussian.slope_overhead.hi",
                            "it": "series.gaussian.slope_iterations.slope", "e": "planted_exponent",
                            "p": "planted.slope_overhead.slope", "plo": "planted.slope_overhead.lo",
                            "phi": "planted.slope_overhead.hi"}),
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
                              "largest \\|z\\| {z:.2f} (threshold {zt:.2f}), largest relative error {rel:.0%}; the "
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
}


def _fill(template: str, data: Any, fields: dict[str, str | Callable[[Any], Any]]) -> str:
    values = {}
    for key, path in fields.items():
        try:
            values[key] = path(data) if callable(path) else lookup(data, path)
        except (KeyError, TypeError, ValueError, ZeroDivisionError):
            return "(not generated: run `make figures`)"
    return template.format(**values)


PRETTY = ((">=", "≥"), ("<=", "≤"), ("->", "→"), ("!=", "≠"), ("rho", "ρ"), ("beta", "β"), ("eps", "ε"))


def _pretty(text: str) -> str:
    """Plain-text math of ``claims.json`` in the README's Unicode (``>=`` as ``≥``, ``rho`` as ``ρ``)."""
    for ascii_, uni in PRETTY:
        text = re.sub(rf"(?<![A-Za-z]){re.escape(ascii_)}(?![A-Za-z])", uni, text)
    return text


def readme_blocks(generated: Path) -> dict[str, str]:
    """The README's generated blocks (markdown), by block name, from the JSONs under ``generated``."""
    sources = load_sources(generated)
    claims = sources["claims"]
    rows = ["| id | claim | provenance | verdict | strongest evidence (scope) |", "|---|---|---|---|---|"]
    if isinstance(claims, list):
        for c in claims:
            strongest = c.get("strongest") if isinstance(c.get("strongest"), dict) else {}
            kind = strongest.get("kind")
            ev = f"{kind} ({_pretty(str(strongest.get('scope')))})" if kind else "not generated yet"
            title = README_TITLES.get(str(c.get("id")), str(c.get("title", ""))).replace("|", "\\|")
            prov = str(c.get("provenance", ""))
            rows.append(f"| {c.get('id')} | {title} | {prov} | {c.get('verdict')} | {ev.replace('|', chr(92) + '|')} |")
    else:
        rows.append("| | not generated: run `make verify` | | | |")
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
        figs.append(f"| {claim} | [{_figure_label(name)}](figures/{name}.png) | {finding} | {verdict} |")
    return {"verdicts": "\n".join(rows), "figures": "\n".join(figs)}


BENCH_RESULTS = ROOT / "benchmarks" / "results.json"


def benchmark_blocks(results: Path = BENCH_RESULTS) -> dict[str, str]:
    """``docs/benchmarks.md``'s generated blocks: the targets and the machine, from ``benchmarks/results.json``."""
    doc = _read(results)
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


def main(argv: list[str] | None = None) -> int:
    """``python -m analysis.report [--generated DIR] [--out FILE] [--docs]``: write ``numbers.tex``."""
    parser = argparse.ArgumentParser(prog="python -m analysis.report", description=__doc__.split("\n\n")[0])
    parser.add_argument("--generated", type=Path, default=GENERATED, help="folder with the JSON files")
    parser.add_argument("--out", type=Path, default=None, help="default: GENERATED/numbers.tex")
    parser.add_argument("--docs", action="store_true", help="also refill the generated blocks of README.md")
    args = parser.parse_args(argv)
    out = args.out if args.out is not None else args.generated / "numbers.tex"
    atomic_write_text(out, render(args.generated))
    missing = [n for n in (*FIGURE_MODULES, "claims") if not (args.generated / f"{n}.json").exists()]
    print(f"report: wrote {out}" + (f" (not generated yet: {', '.join(missing)})" if missing else ""), file=sys.stderr)
    if args.docs:
        readme = ROOT / "README.md"
        atomic_write_text(readme, replace_blocks(readme.read_text(encoding="utf-8"), readme_blocks(args.generated)))
        bench = ROOT / "docs" / "benchmarks.md"
        atomic_write_text(bench, replace_blocks(bench.read_text(encoding="utf-8"), benchmark_blocks()))
        print(f"report: refilled the generated blocks of {readme} and {bench}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
