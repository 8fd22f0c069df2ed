r"""``analysis/report.py`` and ``paper/main.tex``: named numbers, one claims table, no ASCII math, a PDF that builds.

The report must never print a blank where a number is missing, must never break LaTeX on the characters the
JSON texts contain (``_``, ``%``, ``&``, Greek letters, ``≤``...), and must read as mathematics: no ASCII
operators (``<=``, ``||``, ``sqrt(``, ``->``) and no JSON keys (snake_case words) in its text, checked on the
LaTeX source and, where TeX is installed, on the text of the built PDF. The claims' math is the proofs' LaTeX
(``*_tex`` fields), printed verbatim: a claim without it shows a red notice, never a conversion. ``numbers.tex``
depends on the JSON only; the run record (commit, date, machine) is the untracked ``runrecord.tex``.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from analysis import FIGURE_MODULES, report

ROOT = Path(__file__).resolve().parents[1]
MAIN_TEX = ROOT / "paper" / "main.tex"
GENERATED = ROOT / "paper" / "generated"
ASCII_MATH = ("<=", ">=", "||", "sqrt(", "->")
SNAKE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")
ENV = {"commit": "0123456789abcdef0123", "dirty": False, "date": "January 2, 2030", "python": "3.11.7",
       "versions": {"numpy": "2.0.0", "scipy": "1.14.0"}, "cpu": "Test CPU", "cores": 2, "memory_gib": 8.0,
       "os": "Linux 6"}


def _write(folder: Path, name: str, data: object) -> None:
    (folder / f"{name}.json").write_text(json.dumps(data), encoding="utf-8")


CLAIMS = [
    {"id": "C1", "title": "Finite", "title_tex": r"$L$ finite", "provenance": "[paper]", "verdict": "holds",
     "statement": "L finite", "correction": None, "evidence": [],
     "chain": {"weakest": "symbolic-general", "every_size": True, "scope": "every n", "scope_tex": r"every $n$",
               "label": "symbolic-general", "label_tex": "symbolic-general"}},
    {"id": "C4", "title": "Smoothness", "title_tex": r"Smoothness $\|B\|\le4$", "provenance": "[paper] / [derived]",
     "verdict": "holds-with-correction", "statement": "||B|| <= 4", "correction": "||B|| <= 0.308 on the simplex",
     "correction_tex": r"$\|B\| \le 0.308$ on the simplex", "evidence": [],
     "chain": {"weakest": "prose-argument", "every_size": False, "scope": "n <= 8", "scope_tex": r"$n \le 8$",
               "label": "symbolic-general except 1 prose-argument step: glue",
               "label_tex": r"symbolic-general except 1 prose-argument step: $\text{glue}$"},
     "key_numbers": {"beta_plus_simplex": {"exact_n2": "13/384 + 55*sqrt(33)/1152",
                                           "exact_n2_tex": r"\frac{13}{384} + \frac{55 \sqrt{33}}{1152}",
                                           "exact_n2_value": 0.30811714024270104, "numeric_sup_by_n": {"2": 0.3,
                                                                                                     "8": 0.3}}}},
    {"id": "C9", "title": "Exact E[g_hat g_hat^T]", "provenance": "[derived]", "verdict": "holds-with-correction",
     "statement": "x", "correction": "E[z z^T] = I for sqrt(d) sphere_radius; eps -> 0", "evidence": []},
]  # C9: an older claims.json entry without the *_tex fields and without a chain


@pytest.fixture
def generated(tmp_path: Path) -> Path:
    folder = tmp_path / "paper" / "generated"
    folder.mkdir(parents=True)
    _write(folder, "fig_dimension_free", {"claim": "C10, C11", "confirmed": True, "r_fixed": 8, "series": {
        "gaussian": {"slope_overhead": {"slope": 0.0058751, "lo": -0.00678, "hi": 0.0175}}}})
    _write(folder, "fig_constants", {"claim": "C4", "confirmed": False})
    _write(folder, "claims", CLAIMS)
    return folder


def _macro(tex: str, name: str) -> str:
    r"""The body of ``\newcommand{\NAME}[n]{body}`` in ``tex`` (up to the next definition)."""
    m = re.search(rf"^\\newcommand\{{\\{name}\}}(?:\[\d\])?(.*?)(?=\n\\(?:newcommand|expandafter)|\Z)", tex,
                  flags=re.M | re.S)
    assert m is not None, f"\\{name} is not defined"
    return m.group(1).rstrip("\n")


def test_named_numbers_are_rounded_and_missing_ones_visible(generated: Path):
    tex = report.render(generated, main_tex=MAIN_TEX)
    assert _macro(tex, "DimSlopeGauss") == r"{\ensuremath{0.006}}"  # dec3
    assert _macro(tex, "DimSlopeGaussLo") == r"{\ensuremath{-0.007}}"
    assert _macro(tex, "DimRank") == r"{\ensuremath{8}}"
    assert _macro(tex, "BetaPlusSimplex") == r"{\ensuremath{0.3082}}"  # dec4up: 0.30812 is an upper bound
    assert _macro(tex, "BetaPlusSimplexExact") == r"{\ensuremath{\frac{13}{384} + \frac{55 \sqrt{33}}{1152}}}"
    assert _macro(tex, "SearchMaxN") == r"{\ensuremath{8}}"
    # a key the JSON lacks, a figure never run, a claim absent: each a red notice naming what is missing
    notice = report._notice("fig_dimension_free: series.sphere.slope_overhead.slope")
    assert notice == (r"\NotGenerated{fig\_\allowbreak{}dimension\_\allowbreak{}free:\allowbreak{} series.\allowbreak{}"
                      r"sphere.\allowbreak{}slope\_\allowbreak{}overhead.\allowbreak{}slope}")  # breakable, escaped
    assert _macro(tex, "DimSlopeSphere") == "{" + notice + "}"
    assert report._notice("fig_descent")[:-1] in _macro(tex, "DescentZ")
    assert report._notice("claims.json C6")[:-1] in _macro(tex, "SupScSimplex")


def test_vocabulary_is_explicit_and_used():
    """Every named number is a letters-only macro, defined once, and used by main.tex (no dead vocabulary)."""
    names = [n.macro for n in report.VOCABULARY]
    assert len(names) == len(set(names))
    assert all(re.fullmatch(r"[A-Za-z]+", n) for n in names)
    text = MAIN_TEX.read_text(encoding="utf-8")
    unused = [n for n in names if not re.search(rf"\\{n}(?![A-Za-z])", text)]
    assert not unused, f"named numbers main.tex never uses: {unused}"


def test_committed_json_fill_every_number():
    """On the committed JSONs every named number resolves (a renamed key turns this red, not the PDF)."""
    tex = report.render(GENERATED, main_tex=MAIN_TEX)
    present = {p.stem for p in GENERATED.glob("*.json")}
    unresolved = []
    for num in report.VOCABULARY:
        source = "claims" if num.source.startswith("claims:") else num.source
        if source in present and r"\NotGenerated" in _macro(tex, num.macro):
            path = num.path if isinstance(num.path, (str, tuple)) else "(computed)"
            unresolved.append(f"{num.macro} <- {num.source}: {path}")
    assert not unresolved, unresolved


def test_one_claims_table_with_the_weakest_link(generated: Path):
    """The table prints each claim's weakest link and scope as the proofs wrote them (LaTeX, verbatim)."""
    tex = report.render(generated, main_tex=MAIN_TEX)
    table = _macro(tex, "ClaimsTable")
    assert table.count(r"\begin{longtable}") == 1
    assert r"\caption{#1}" in table
    assert "weakest link" in table
    c4 = next(line for line in table.splitlines() if line.startswith("C4 &"))
    assert r"Smoothness $\|B\|\le4$" in c4
    assert r"\prov{paper}/\allowbreak \prov{derived}" in c4
    assert "holds with correction" in c4
    assert r"symbolic-general except 1 prose-argument step: $\text{glue}$ & $n \le 8$" in c4
    c1 = next(line for line in table.splitlines() if "C1 & " in line)
    assert "every $n$ (every step covers every size)" in c1
    assert "(every step covers every size)" not in c4
    c9 = next(line for line in table.splitlines() if line.startswith("C9 &"))
    assert report._notice("claims.json C9: chain") in c9  # no chain yet: red, never blank
    claims = json.loads((generated / "claims.json").read_text(encoding="utf-8"))
    claims[0]["chain"] = {**claims[0]["chain"], "weaker_cited_claims": ["C4"], "weakest_with_cited": "prose-argument"}
    _write(generated, "claims", claims)
    table = _macro(report.render(generated, main_tex=MAIN_TEX), "ClaimsTable")
    assert "symbolic-general; through C4: prose-argument" in table  # a cited claim's weaker link is shown
    assert report._notice("claims.json C9: title_tex") in c9  # and no title converted from the plain text
    assert "claims.tex" not in MAIN_TEX.read_text(encoding="utf-8")  # the table is printed once


def test_corrections_follow_the_verdicts(generated: Path):
    """A hand-written correction prints only while claims.json gives that claim one; others print correction_tex.

    A correction without its LaTeX is a red notice: the plain text is never converted.
    """
    claims = [*CLAIMS, {"id": "C13", "title": "t", "title_tex": "t", "provenance": "[derived]",
                        "verdict": "holds-with-correction", "statement": "s", "correction": "eps^2 -> 0",
                        "correction_tex": r"$\varepsilon^2 \to 0$", "evidence": []},
              {"id": "C11", "title": "t", "title_tex": "t", "provenance": "[paper]", "verdict": "fails",
               "statement": "s", "correction": "Fails as stated: the iteration half", "correction_tex": "Fails",
               "evidence": []}]
    _write(generated, "claims", claims)
    tex = report.render(generated, main_tex=MAIN_TEX)
    assert r"\csname zo@corrected@C4\endcsname" in tex
    assert r"\csname zo@corrected@C11\endcsname" in tex  # fails as stated, with a corrected statement
    assert r"\csname zo@corrected@C1\endcsname" not in tex
    others = _macro(tex, "OtherCorrections")
    assert r"\item[C9] " + report._notice("claims.json C9: correction_tex") in others
    assert r"\item[C13] $\varepsilon^2 \to 0$" in others
    assert r"\item[C4]" not in others
    assert "sqrt" not in others
    assert "sphere_radius" not in others
    assert report.handled_corrections(MAIN_TEX) >= {"C4", "C5", "C6", "C7", "C8", "C10", "C11"}


def test_committed_corrections_all_have_paragraphs():
    """Every correction of the committed claims.json has its hand-written paragraph, and no paragraph is stale."""
    claims = json.loads((GENERATED / "claims.json").read_text(encoding="utf-8"))
    corrected = {c["id"] for c in claims if c.get("verdict") == "holds-with-correction"
                 or str(c.get("correction") or "").startswith("Fails as stated")}
    assert corrected == report.handled_corrections(MAIN_TEX)


def test_experiments_are_counted_from_the_figures(generated: Path):
    included = report.included_figures(MAIN_TEX)
    assert set(FIGURE_MODULES) <= set(included), "every figure of python -m analysis is in the report"
    tex = report.render(generated, main_tex=MAIN_TEX)
    assert _macro(tex, "NumExperiments") == "{" + report.NUMBER_WORDS[len(included)] + "}"
    assert _macro(tex, "NumClaims") == "{three}"
    assert _macro(tex, "NumCorrected") == "{two}"
    sentence = _macro(tex, "ExperimentsConfirmed")
    assert sentence.startswith("{One of the")
    assert "one did not" in sentence


def test_reproducibility_appendix_is_an_untracked_run_record(generated: Path):
    """The run record has the commit, versions, machine and times, and only the untracked runrecord.tex has it."""
    timings = {"figures": {"fig_constants": 12.4}, "total_s": 80.2}
    record = report.render_run_record({"fig_constants": {"confirmed": True}}, timings, env=ENV)
    assert r"\renewcommand{\ReportDate}{January 2, 2030}" in record
    repro = record[record.index(r"\renewcommand{\Reproducibility}"):]
    for text in (r"\texttt{0123456789ab}", "numpy 2.0.0", "Test CPU", "2 logical cores", "8~GiB",
                 "constants 12~s", "all figures 80~s"):
        assert text in repro
    numbers = report.render(generated, main_tex=MAIN_TEX)
    for word in ("Reproducibility", "ReportDate", "0123456789ab"):
        assert word not in numbers
    assert report.main(["--generated", str(generated)]) == 0
    assert (generated / "runrecord.tex").exists()
    ignored = subprocess.run(["git", "check-ignore", "-q", "paper/generated/runrecord.tex"], cwd=ROOT)
    assert ignored.returncode == 0, "runrecord.tex must be ignored by git"
    assert r"\IfFileExists{generated/runrecord.tex}" in MAIN_TEX.read_text(encoding="utf-8")
    env = report.environment()  # the real one: every field present
    assert env["python"]
    assert env["cores"]
    assert env["versions"]["numpy"]


def test_everything_missing_is_visible(tmp_path: Path):
    tex = report.render(tmp_path, main_tex=MAIN_TEX)  # an empty folder
    assert report._notice("claims.json (run make verify)") in tex
    assert report._notice("fig_prediction.json (run make figures)") in tex
    assert r"\NotGenerated{timings.json" in report.render_run_record({}, None, env=ENV)


def test_no_text_is_converted_to_math():
    """The report has no ASCII-to-LaTeX converter: text is escaped, math comes from the proofs' *_tex fields."""
    import analysis._tex as tex_module

    assert not hasattr(report, "text_to_tex")
    assert not hasattr(tex_module, "text_to_tex")
    assert report.tex_escape("a_b <= 50% & #1") == r"a\_b \textless{}= 50\% \& \#1"
    for module in ("_tex", "_vocabulary", "_readme", "_runrecord", "report"):
        source = (ROOT / "analysis" / f"{module}.py").read_text(encoding="utf-8")
        assert "sqrt" not in source.split("def ")[0] or module == "_tex", module
        assert "GREEK" not in source, module
        assert "_pretty" not in source, module


def test_fmt_number():
    assert report.fmt_number(0.30811, "dec4") == "0.3081"
    assert report.fmt_number(-0.0004, "dec3") == "0"
    assert report.fmt_number(2.5e-12, "sig2") == r"2.5\times10^{-12}"
    assert report.fmt_number(13.04, "sig3") == "13.0"
    assert report.fmt_number(99999.0, "sig2") == r"1.0\times10^{5}"  # the mantissa never reads 10
    assert report.fmt_number(16384, "int") == r"16\,384"
    assert report.fmt_number(9.43e-7, "sig1up") == r"1\times10^{-6}"  # a width: rounded up, never down
    assert report.fmt_number(9.43e-7, "sig1") == r"9\times10^{-7}"
    assert report.fmt_number(0.3081, "sig2up") == "0.31"
    assert report.fmt_number(0.30811714, "dec4up") == "0.3082"  # a sup, printed as an upper bound
    assert report.fmt_number(-0.00678, "dec3down") == "-0.007"  # a lower interval end, printed below it
    assert report.fmt_number(0.5714, "dec4down") == "0.5714"
    assert report.fmt_number(8, "word") == r"\text{eight}"
    assert report.fmt_number(r"\frac{d + k + 1}{k}", "tex") == r"\frac{d + k + 1}{k}"  # the proofs' LaTeX, as is
    with pytest.raises(TypeError, match="LaTeX"):
        report.fmt_number(0.5, "tex")
    with pytest.raises(ValueError, match="spec"):
        report.fmt_number(1.0, "pct")
    with pytest.raises(TypeError, match="number"):
        report.fmt_number(True, "dec2")


def test_main_writes_atomically(generated: Path):
    assert report.main(["--generated", str(generated)]) == 0
    text = (generated / "numbers.tex").read_text(encoding="utf-8")
    assert text.startswith("% Generated by analysis/report.py")
    assert r"\newcommand{\ClaimsTable}" in text
    assert not list(generated.glob(".numbers.tex.*"))  # no temporary file left behind


# ------------------------------------------------------------------------------------- the text reads as math


def _drop_command(tex: str, command: str) -> str:
    r"""``tex`` without every ``\command{...}`` group (balanced braces)."""
    out, i = [], 0
    while (j := tex.find(f"\\{command}{{", i)) >= 0:
        out.append(tex[i:j])
        depth, k = 0, j + len(command) + 1
        while k < len(tex):
            depth += {"{": 1, "}": -1}.get(tex[k], 0)
            k += 1
            if depth == 0:
                break
        i = k
    out.append(tex[i:])
    return "".join(out)


def _strip_math(tex: str) -> str:
    r"""LaTeX source without comments, math ($...$, \[...\], equation), \ensuremath groups and red notices."""
    tex = re.sub(r"(?<!\\)%.*", "", tex)
    tex = re.sub(r"\\begin\{equation\}.*?\\end\{equation\}", " ", tex, flags=re.S)
    tex = re.sub(r"\\\[.*?\\\]", " ", tex, flags=re.S)
    tex = re.sub(r"(?<!\\)\$.*?(?<!\\)\$", " ", tex, flags=re.S)
    return _drop_command(_drop_command(tex, "ensuremath"), "NotGenerated")


def _prose(tex: str) -> str:
    """Text a reader sees: math stripped, then commands with their names, labels, refs, cites and file names."""
    text = _strip_math(tex)
    text = re.sub(r"\\(?:label|ref|eqref|cite[tp]?|input|includegraphics|bibliography|bibliographystyle|"
                  r"IfFileExists|NotGenerated|detokenize|csname|FigInclude|FigVerdict|Fig|Outcome|Correction|"
                  r"IfCorrected|newcommand|providecommand|def|usepackage|documentclass|begin|end|textcolor)"
                  r"(?:\[[^\]]*\])?\{[^{}]*\}", " ", text)
    text = re.sub(r"\\[A-Za-z@]+", " ", text)  # remaining command names
    return re.sub(r"zo@\S+", " ", text)  # internal control-sequence names


INTERNAL_WORDS = re.compile(r"\b(?:issues?|tasks?|todo|json|fixme)\b", re.I)


def _check_reads_as_math(text: str, where: str) -> None:
    for op in ASCII_MATH:
        assert op not in text, f"ASCII math {op!r} in {where}: ...{text[max(0, text.find(op) - 80):text.find(op) + 40]}"
    keys = sorted(set(SNAKE.findall(text)))
    assert not keys, f"raw keys or identifiers in {where}: {keys}"
    internal = sorted(set(INTERNAL_WORDS.findall(text)))
    assert not internal, f"the project's own work items or file formats named in {where}: {internal}"


def test_source_reads_as_math():
    """main.tex and numbers.tex generated from the committed JSONs: no ASCII math, no JSON keys in the text."""
    tex = MAIN_TEX.read_text(encoding="utf-8")
    body = tex[tex.index(r"\begin{document}"):]
    _check_reads_as_math(_prose(body), "paper/main.tex")
    numbers = report.render(GENERATED, main_tex=MAIN_TEX)
    _check_reads_as_math(_prose(numbers), "numbers.tex from paper/generated")
    for section in ("Conclusion", "Reproducibility"):
        assert f"\\section{{{section}}}" in tex
    assert r"\bibliography{refs}" in tex
    assert (ROOT / "paper" / "refs.bib").exists()


def test_bibliography_has_the_cited_works():
    bib = (ROOT / "paper" / "refs.bib").read_text(encoding="utf-8")
    keys = set(re.findall(r"@\w+\{([^,]+),", bib))
    cited = set()
    for group in re.findall(r"\\cite[tp]?\{([^}]*)\}", MAIN_TEX.read_text(encoding="utf-8")):
        cited.update(k.strip() for k in group.split(","))
    assert cited
    assert cited <= keys, cited - keys
    for ident in ("2307.08352", "2304.10411", "2305.17333", "10.1109/9.119632", "527--566"):
        assert ident in bib


@pytest.mark.skipif(shutil.which("latexmk") is None or shutil.which("pdftotext") is None,
                    reason="TeX not installed (see make paper)")
@pytest.mark.parametrize("with_data", [True, False])
def test_main_tex_builds_and_reads_as_math(tmp_path: Path, with_data: bool):
    """paper/main.tex compiles with the committed JSONs and with nothing generated (placeholders only).

    The PDF's text (figures left out: they are checked as figures) has References and a Conclusion, no ASCII
    math and no JSON keys outside the red not-generated notices.
    """
    paper = tmp_path / "paper"
    (paper / "generated").mkdir(parents=True)
    for name in ("main.tex", "refs.bib"):
        shutil.copy(ROOT / "paper" / name, paper / name)
    if with_data:
        for f in GENERATED.glob("*.json"):
            shutil.copy(f, paper / "generated" / f.name)
    report.main(["--generated", str(paper / "generated")])
    proc = subprocess.run(["latexmk", "-pdf", "-interaction=nonstopmode", "-halt-on-error", "-quiet", "main.tex"],
                          cwd=paper, capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, (paper / "main.log").read_text(errors="replace")[-3000:]
    text = subprocess.run(["pdftotext", "-layout", "main.pdf", "-"], cwd=paper, capture_output=True, text=True,
                          check=True).stdout
    assert "References" in text
    assert "Conclusion" in text
    assert "Reproducibility" in text
    assert "??" not in text  # every reference and citation resolved
    # the red notices (which may break across lines and even pages) name what is missing: not checked as prose
    visible = re.sub(r"\[not [^\[\]]*?\]", " ", re.sub(r"\s+", " ", text))
    # the bibliography quotes other papers' titles (MiniLM's says "task-agnostic"): our own text ends before it
    _check_reads_as_math(visible.rsplit("References", 1)[0], "the PDF's text")


def _prediction_fixture(vacuous: bool, within: bool) -> dict:
    inst = {"n": 1797, "d": 64, "rank": 61, "ell": 152.3, "mu": 0.15, "kappa": 1015.0, "effective_rank_H0": 8.3,
            "gap0": 1.7e-9, "model_gap0": 1.7e-9 * (1 + 2e-8), "max_abs_z": 2.49 if within else 5.1,
            "max_relative_error": 0.21, "within": within, "bound_vacuous": vacuous,
            "bound_final_over_gap0": 0.99 if vacuous else 0.2, "measured_final_over_gap0": 0.14,
            "max_stable_over_step_size": 4.6, "runs": 120, "steps": 1500, "compared_times": list(range(8))}
    return {"instances": ["digits", "breast_cancer"], "z_threshold": 3.6, "times": list(range(8)),
            "digits": inst, "breast_cancer": {**inst, "mu": -1e-3, "kappa": float("inf"),
                                              "compared_times": list(range(6))},
            "sweeps_separate": True, "profile_sizes": {"sweep_steps": 300}, "sweep_fractions": [0.5, 2.0]}


@pytest.mark.parametrize(("vacuous", "within"), [(True, True), (False, False)])
def test_prediction_section_says_what_was_measured(vacuous: bool, within: bool):
    """The C13 result sentence follows the numbers (verdict words included) and its table has no raw keys."""
    result, table, _, _ = report._prediction(_prediction_fixture(vacuous, within))
    assert ("lies within" in result) is within
    assert ("does not lie within" in result) is (not within)
    assert ("worst-case bound is vacuous" in result) is vacuous
    assert "breast cancer" in result
    assert "breast_cancer" not in result
    assert "six to eight tested times" in result  # each instance's own count (breast cancer six, digits eight)
    assert r"$3.60$" in result
    assert r"$\le0$" in table
    assert r"$\infty$" in table
    assert r"1{,}797" in table
    _check_reads_as_math(_prose(result + table), "the C13 result")
