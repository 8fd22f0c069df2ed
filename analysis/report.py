r"""Numbers for the LaTeX report: ``paper/generated/*.json`` -> ``paper/generated/numbers.tex``.

``paper/main.tex`` never hard-codes a measured number: it reads them through the macros written here.

* ``\FigNum{fig_NAME}{key}``: a value of ``fig_NAME.json``; nested keys are joined with dots
  (``\FigNum{fig_dimension_free}{slopes.gamma.slope}``); lists are not exported.
* ``\FigFinding{fig_NAME}``, ``\FigConfirmed{fig_NAME}``, ``\FigCriterion{fig_NAME}``, ``\FigNumbers{fig_NAME}``
  (a small table of the figure's top-level numbers) and ``\FigInclude{fig_NAME}`` (the PDF, or a framed notice).
* ``\ClaimsTable`` (``generated/claims.tex`` from ``make verify``), ``\ClaimsVerdicts`` (id, title,
  provenance, verdict of every claim), ``\Discrepancies`` (every claim whose ``correction`` is set),
  ``\BenchTargets`` (``bench.json``'s targets) and ``\BenchFigure``.

Whatever is missing renders as a red ``[not generated: ...]`` notice, never as a blank, so a report built
before ``make verify``, ``make figures`` or ``make bench`` says so on the page.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
from pathlib import Path
from typing import Any

from zosoftmax.io import atomic_write_text

from . import FIGURE_MODULES
from ._common import GENERATED

__all__ = ["tex_escape", "fmt_value", "flatten", "render", "main"]

# Unicode that appears in findings and claims, as LaTeX that pdflatex with T1/utf8 handles (math in $...$).
UNICODE = {
    "Δ": r"$\Delta$", "γ": r"$\gamma$", "ε": r"$\varepsilon$", "η": r"$\eta$", "μ": r"$\mu$", "ℓ": r"$\ell$",
    "β": r"$\beta$", "ρ": r"$\rho$", "σ": r"$\sigma$", "κ": r"$\kappa$", "λ": r"$\lambda$", "φ": r"$\varphi$",
    "θ": r"$\theta$", "α": r"$\alpha$", "π": r"$\pi$", "Σ": r"$\Sigma$", "∇": r"$\nabla$", "‖": r"$\|$",
    "²": r"$^2$", "³": r"$^3$", "⁴": r"$^4$", "⁺": r"$^+$", "⁻": r"$^-$", "₀": r"$_0$", "₁": r"$_1$",
    "₂": r"$_2$", "₃": r"$_3$", "ᵀ": r"$^\top$", "⪯": r"$\preceq$", "⪰": r"$\succeq$", "≤": r"$\le$",
    "≥": r"$\ge$", "≈": r"$\approx$", "≠": r"$\ne$", "−": r"$-$", "×": r"$\times$", "·": r"$\cdot$",
    "→": r"$\to$", "←": r"$\leftarrow$", "∞": r"$\infty$", "√": r"$\surd$", "∈": r"$\in$", "∘": r"$\circ$",
    "⟨": r"$\langle$", "⟩": r"$\rangle$", "…": r"\dots{}", "–": "--", "—": "---", "’": "'", "“": "``", "”": "''",
    "±": r"$\pm$", "∑": r"$\sum$", "ĝ": r"$\hat g$", "ṽ": r"$\tilde v$", "c̄": r"$\bar c$", "̄": "",
    "Δₙ": r"$\Delta_n$", "ₙ": r"$_n$", "ᵢ": r"$_i$", "ⱼ": r"$_j$", "ₖ": r"$_k$", "⊙": r"$\odot$",
}
SPECIAL = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "$": r"\$", "&": r"\&", "#": r"\#",
           "^": r"\textasciicircum{}", "_": r"\_", "%": r"\%", "~": r"\textasciitilde{}", "<": r"\textless{}",
           ">": r"\textgreater{}", "|": r"\textbar{}"}
MISSING = r"\NotGenerated"
VERDICT_COLORS = {"holds": "green!50!black", "holds-with-correction": "orange!80!black", "fails": "red"}
MAX_TABLE_ROWS = 16  # \FigNumbers shows at most this many top-level numbers (the JSON has them all)


def tex_escape(text: Any) -> str:
    """``text`` as LaTeX: specials escaped, known Unicode as math, any other non-ASCII character as ``?``."""
    out = []
    for ch in str(text):
        if ch in SPECIAL:
            out.append(SPECIAL[ch])
        elif ch in UNICODE:
            out.append(UNICODE[ch])
        elif ord(ch) < 128:
            out.append(ch)
        else:
            out.append("?")  # visible, never a pdflatex error
    return "".join(out)


def fmt_value(value: Any) -> str:
    """A JSON scalar as LaTeX: 4 significant digits, powers of ten as ``\\times10^{k}``, bools as yes/no."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}".replace(",", "{,}")
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN"
        if math.isinf(value):
            return r"$\infty$" if value > 0 else r"$-\infty$"
        text = f"{value:#.4g}"  # 4 significant digits, trailing zeros kept (2.000, not 2)
        m = re.fullmatch(r"(-?[0-9.]+)e([+-])0*([0-9]+)", text)
        if m:
            sign = "-" if m.group(2) == "-" else ""
            return f"${m.group(1)}\\times10^{{{sign}{m.group(3)}}}$"
        return f"${text}$" if text.startswith("-") else text
    if value is None:
        return "--"
    return tex_escape(value)


def flatten(data: Any, prefix: str = "") -> dict[str, Any]:
    """Scalars of nested dicts keyed by dotted paths; lists are skipped (curves belong in the figures)."""
    out: dict[str, Any] = {}
    if isinstance(data, dict):
        for key, val in data.items():
            path = f"{prefix}.{key}" if prefix else str(key)
            if isinstance(val, dict):
                out.update(flatten(val, path))
            elif not isinstance(val, list):
                out[path] = val
    return out


def _define(name: str, body: str) -> str:
    return f"\\expandafter\\def\\csname zo@{name}\\endcsname{{{body}}}"


def _read(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _figure(name: str, data: dict[str, Any] | None) -> list[str]:
    if data is None:
        return [f"% {name}.json: not generated"]
    lines = [f"% {name}.json"]
    for key, val in flatten(data).items():
        lines.append(_define(f"{name}@{key}", fmt_value(val)))
    confirmed = data.get("confirmed")
    verdict = (r"\textcolor{green!50!black}{\textbf{confirmed}}" if confirmed is True else
               r"\textcolor{red}{\textbf{not confirmed}}" if confirmed is False else
               MISSING + "{" + name + ": confirmed}")
    lines.append(_define(f"{name}@@confirmed", verdict))
    scalars = [(k, v) for k, v in data.items()
               if isinstance(v, (int, float)) and not isinstance(v, bool) and k not in ("seeds",)]
    rows = [f"\\texttt{{{tex_escape(k)}}} & {fmt_value(v)} \\\\" for k, v in scalars[:MAX_TABLE_ROWS]]
    table = ("\\begin{tabular}{@{}ll@{}}\\toprule quantity & value \\\\ \\midrule " + " ".join(rows)
             + " \\bottomrule\\end{tabular}") if rows else "(no scalar numbers)"
    lines.append(_define(f"{name}@@table", table))
    return lines


def _figure_corrections(figures: dict[str, Any]) -> list[str]:
    r"""``\item`` lines for figures whose JSON carries a ``correction`` (a measured discrepancy)."""
    return [rf"\item[{tex_escape(data.get('claim', name))}] \textbf{{measured in \texttt{{{tex_escape(name)}}}}}: "
            f"{tex_escape(data['correction'])}" for name, data in figures.items()
            if isinstance(data, dict) and data.get("correction")]


def _claims(claims: Any, figures: dict[str, Any]) -> list[str]:
    measured = _figure_corrections(figures)
    if not isinstance(claims, list):
        extra = (r"\begin{description}" + " ".join(measured) + r"\end{description}") if measured else ""
        return [r"\newcommand{\ClaimsVerdicts}{\NotGenerated{claims.json (run make verify)}}",
                r"\newcommand{\Discrepancies}{\NotGenerated{claims.json (run make verify)}" + extra + "}"]
    rows = []
    items: list[str] = []
    for c in claims:
        cid, title = tex_escape(c.get("id", "?")), tex_escape(c.get("title", ""))
        prov, verdict = tex_escape(c.get("provenance", "")), str(c.get("verdict", ""))
        color = VERDICT_COLORS.get(verdict, "red")
        rows.append(f"{cid} & {title} & {prov} & \\textcolor{{{color}}}{{{tex_escape(verdict or 'no verdict')}}} \\\\")
        if c.get("correction"):
            items.append(f"\\item[{cid}] \\textbf{{{title}}} {prov}. \\emph{{Reconstructed:}} "
                         f"{tex_escape(c.get('statement', ''))} \\emph{{Corrected:}} {tex_escape(c['correction'])}")
    table = ("\\begin{longtable}{@{}lp{0.55\\linewidth}ll@{}}\\toprule id & claim & provenance & verdict \\\\ "
             "\\midrule\\endhead " + " ".join(rows) + " \\bottomrule\\end{longtable}")
    items.extend(measured)
    disc = ("\\begin{description}" + " ".join(items) + "\\end{description}") if items else \
        "No claim needed a correction."
    return [f"\\newcommand{{\\ClaimsVerdicts}}{{{table}}}", f"\\newcommand{{\\Discrepancies}}{{{disc}}}"]


def _bench(bench: Any) -> list[str]:
    if not isinstance(bench, dict):
        return [r"\newcommand{\BenchTargets}{\NotGenerated{bench.json (run make bench)}}"]
    rows = []
    for t in bench.get("targets") or []:
        measured = ", ".join(f"{tex_escape(th)}: {fmt_value(v)}" for th, v in (t.get("measured") or {}).items())
        met = r"\textcolor{green!50!black}{met}" if t.get("met") else r"\textcolor{red}{missed}"
        rows.append(f"{tex_escape(t.get('id', ''))} & {tex_escape(t.get('ratio', ''))} {tex_escape(t.get('bound', ''))}"
                    f" & {measured} & {met} \\\\")
    body = ("\\begin{longtable}{@{}p{0.22\\linewidth}p{0.38\\linewidth}p{0.22\\linewidth}l@{}}\\toprule target & "
            "ratio & measured (BLAS threads: value) & \\\\ \\midrule\\endhead " + " ".join(rows)
            + " \\bottomrule\\end{longtable}") if rows else r"\NotGenerated{bench.json has no targets}"
    return [f"\\newcommand{{\\BenchTargets}}{{{body}}}"]


def render(generated: Path) -> str:
    """The whole ``numbers.tex`` for the JSON files under ``generated``."""
    lines = [
        "% Generated by analysis/report.py from paper/generated/*.json: do not edit.",
        r"\providecommand{\NotGenerated}[1]{\textcolor{red}{\textbf{[not generated: \detokenize{#1}]}}}",
        r"\newcommand{\FigNum}[2]{\ifcsname zo@#1@#2\endcsname\csname zo@#1@#2\endcsname"
        r"\else\NotGenerated{#1: #2}\fi}",
        r"\newcommand{\FigFinding}[1]{\FigNum{#1}{finding}}",
        r"\newcommand{\FigCriterion}[1]{\FigNum{#1}{criterion}}",
        r"\newcommand{\FigConfirmed}[1]{\FigNum{#1}{@confirmed}}",
        r"\newcommand{\FigNumbers}[1]{\FigNum{#1}{@table}}",
        r"\newcommand{\FigInclude}[1]{\IfFileExists{../figures/#1.pdf}{\includegraphics[width=\linewidth]"
        r"{../figures/#1.pdf}}{\fbox{\NotGenerated{figures/#1.pdf (run make figures)}}}}",
        r"\newcommand{\ClaimsTable}{\IfFileExists{generated/claims.tex}{\input{generated/claims.tex}}"
        r"{\NotGenerated{generated/claims.tex (run make verify)}}}",
        r"\newcommand{\BenchFigure}{\IfFileExists{../figures/fig_cost.pdf}{\includegraphics[width=\linewidth]"
        r"{../figures/fig_cost.pdf}}{\fbox{\NotGenerated{figures/fig_cost.pdf (run make bench)}}}}",
    ]
    figures = {name: _read(generated / f"{name}.json") for name in FIGURE_MODULES}
    for name, data in figures.items():
        lines.extend(_figure(name, data if isinstance(data, dict) else None))
    lines.extend(_claims(_read(generated / "claims.json"), figures))
    lines.extend(_bench(_read(generated / "bench.json")))
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """``python -m analysis.report [--generated DIR] [--out FILE]``: write ``numbers.tex``."""
    parser = argparse.ArgumentParser(prog="python -m analysis.report", description=__doc__)
    parser.add_argument("--generated", type=Path, default=GENERATED, help="folder with the JSON files")
    parser.add_argument("--out", type=Path, default=None, help="default: GENERATED/numbers.tex")
    args = parser.parse_args(argv)
    out = args.out if args.out is not None else args.generated / "numbers.tex"
    atomic_write_text(out, render(args.generated))
    missing = [n for n in (*FIGURE_MODULES, "claims", "bench") if not (args.generated / f"{n}.json").exists()]
    print(f"report: wrote {out}" + (f" (not generated yet: {', '.join(missing)})" if missing else ""), file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
