r"""``analysis/report.py``: numbers.tex from JSON fixtures, visible placeholders, and (with TeX) a PDF build.

The report must never print a blank where a number is missing, and must never break LaTeX on the
characters findings contain (``_``, ``%``, ``&``, Greek letters, ``≤``...).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from analysis import FIGURE_MODULES, report

ROOT = Path(__file__).resolve().parents[1]


def _write(folder: Path, name: str, data: object) -> None:
    (folder / f"{name}.json").write_text(json.dumps(data), encoding="utf-8")


@pytest.fixture
def generated(tmp_path: Path) -> Path:
    folder = tmp_path / "generated"
    folder.mkdir()
    _write(folder, "fig_dimension_free", {
        "claim": "C10, C11", "finding": "slope ≤ 1 & 50% of ε_bound #1", "confirmed": True,
        "criterion": "x_t ⪯ H₀", "slope_fixed_r": 1.5e-7, "seeds": 20, "grid": [1, 2],
        "slopes": {"gamma": {"slope": 1.057}}})
    _write(folder, "fig_constants", {"claim": "C4", "finding": "bad", "confirmed": False, "criterion": "c",
                                     "correction": "β⁺ is 0.308, not 4"})
    _write(folder, "claims", [
        {"id": "C4", "title": "Smoothness", "provenance": "[paper] / [derived]", "verdict": "holds-with-correction",
         "statement": "‖B‖ ≤ 4", "correction": "‖B‖ ≤ 0.308 on the simplex", "evidence": "sympy"},
        {"id": "C1", "title": "Finite", "provenance": "[paper]", "verdict": "holds", "statement": "L finite",
         "correction": None, "evidence": "x"}])
    _write(folder, "bench", {"targets": [{"id": "batch", "ratio": "batched/sequential", "bound": ">= 5",
                                          "measured": {"1": 6.2}, "met": True}]})
    return folder


def test_render_defines_numbers_and_escapes(generated: Path):
    tex = report.render(generated)
    assert r"\csname zo@fig_dimension_free@slope_fixed_r\endcsname{$1.500\times10^{-7}$}" in tex
    assert r"\csname zo@fig_dimension_free@slopes.gamma.slope\endcsname{1.057}" in tex
    assert r"zo@fig_dimension_free@grid" not in tex  # lists are not exported
    finding = next(line for line in tex.splitlines() if "zo@fig_dimension_free@finding" in line)
    assert r"$\le$" in finding and r"\&" in finding and r"50\%" in finding and r"$\varepsilon$\_bound \#1" in finding
    assert r"\textbf{confirmed}" in tex and r"\textbf{not confirmed}" in tex
    # figures without JSON: no definition, so \FigNum prints the red placeholder
    for name in set(FIGURE_MODULES) - {"fig_dimension_free", "fig_constants"}:
        assert f"% {name}.json: not generated" in tex and f"zo@{name}@finding" not in tex
    assert r"\NotGenerated{#1: #2}" in tex


def test_claims_discrepancies_and_bench(generated: Path):
    tex = report.render(generated)
    verdicts = next(line for line in tex.splitlines() if line.startswith(r"\newcommand{\ClaimsVerdicts}"))
    assert "C4 & Smoothness & [paper] / [derived]" in verdicts and "holds-with-correction" in verdicts
    disc = next(line for line in tex.splitlines() if line.startswith(r"\newcommand{\Discrepancies}"))
    assert r"\item[C4]" in disc and r"$\|$B$\|$ $\le$ 0.308" in disc  # the corrected statement
    assert r"\item[C1]" not in disc  # no correction, no item
    assert "measured in" in disc and "0.308, not 4" in disc  # the figure-level correction too
    assert "batched/sequential" in tex and "met" in tex


def test_everything_missing_is_visible(tmp_path: Path):
    tex = report.render(tmp_path)  # an empty folder
    assert r"\NotGenerated{claims.json (run make verify)}" in tex
    assert r"\NotGenerated{bench.json (run make bench)}" in tex
    assert all(f"% {name}.json: not generated" in tex for name in FIGURE_MODULES)


def test_tex_escape_and_format():
    assert report.tex_escape("a_b%c&d#e$f{g}h~i^j\\k") == (r"a\_b\%c\&d\#e\$f\{g\}h\textasciitilde{}i"
                                                         r"\textasciicircum{}j\textbackslash{}k")
    assert report.tex_escape("ж") == "?"  # unknown non-ASCII: visible, never a pdflatex error
    assert report.fmt_value(True) == "yes" and report.fmt_value(12345) == "12{,}345"
    assert report.fmt_value(float("inf")) == r"$\infty$" and report.fmt_value(-0.5) == "$-0.5000$"
    assert report.fmt_value(2.5e-12) == r"$2.500\times10^{-12}$" and report.fmt_value(0.30811) == "0.3081"
    assert report.fmt_value(2.000485) == "2.000"


def test_main_writes_atomically(generated: Path):
    assert report.main(["--generated", str(generated)]) == 0
    assert (generated / "numbers.tex").read_text(encoding="utf-8") == report.render(generated)
    assert not list(generated.glob(".numbers.tex.*"))  # no temporary file left behind


@pytest.mark.skipif(shutil.which("latexmk") is None, reason="TeX not installed (see make paper)")
@pytest.mark.parametrize("with_data", [True, False])
def test_main_tex_builds(tmp_path: Path, generated: Path, with_data: bool):
    """paper/main.tex compiles with the fixtures, and with nothing generated at all (placeholders only)."""
    paper = tmp_path / "paper"
    (paper / "generated").mkdir(parents=True)
    shutil.copy(ROOT / "paper" / "main.tex", paper / "main.tex")
    if with_data:
        for f in generated.glob("*.json"):
            shutil.copy(f, paper / "generated" / f.name)
    report.main(["--generated", str(paper / "generated")])
    proc = subprocess.run(["latexmk", "-pdf", "-interaction=nonstopmode", "-halt-on-error", "-quiet", "main.tex"],
                          cwd=paper, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, (paper / "main.log").read_text(errors="replace")[-3000:]
    assert (paper / "main.pdf").stat().st_size > 10_000
