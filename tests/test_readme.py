"""README.md: its API example runs as a doctest, and every number in it is generated from, or checked against, JSON.

The verdict and figure tables are generated blocks (``python -m analysis.report --docs``): they must equal what
the generator makes from the committed ``paper/generated/*.json``, so a regenerated JSON cannot leave a stale
number behind. Outside those blocks and the doctest (whose printed numbers doctest checks), the README may hold
no measured number at all.
"""

from __future__ import annotations

import doctest
import re
from pathlib import Path

import pytest
from analysis import report

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
# Numbers that are names or requirements, not measurements: arXiv identifiers, the Python version, claim ids are
# matched by the pattern itself (C1..C13 carry a letter), the figure count in the paper's Table 1 / Section 4.
ALLOWED_NUMBERS = {"2307.08352", "2304.10411", "2305.17333", "3.10"}


def _python_blocks(text: str) -> list[str]:
    return re.findall(r"```python\n(.*?)```", text, flags=re.S)


def test_readme_api_example_runs_as_doctest():
    """The ```python block with >>> lines runs and prints what it shows (labelled, one distribution throughout)."""
    blocks = [b for b in _python_blocks(README.read_text(encoding="utf-8")) if ">>>" in b]
    assert len(blocks) == 1, "exactly one doctest block in the README"
    test = doctest.DocTestParser().get_doctest(blocks[0], {}, "README.md", str(README), 0)
    assert len(test.examples) >= 10
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.failed == 0
    assert result.attempted == len(test.examples)
    # one distribution and one k for the step size, the bound and the runs
    code = blocks[0]
    for call in ("step_size(p, k, dist)", "rate_bound(p, k, dist)", "k=k, distribution=dist, rng=1"):
        assert call in code


def test_readme_generated_blocks_match_the_json():
    text = README.read_text(encoding="utf-8")
    assert report.replace_blocks(text, report.readme_blocks(ROOT / "paper" / "generated")) == text, (
        "README.md's generated tables differ from paper/generated/*.json: run `python -m analysis.report --docs`")
    bench = (ROOT / "docs" / "benchmarks.md").read_text(encoding="utf-8")
    assert report.replace_blocks(bench, report.benchmark_blocks()) == bench, (
        "docs/benchmarks.md differs from benchmarks/results.json: run `python -m analysis.report --docs`")


def test_readme_types_no_measured_number():
    """Outside the generated blocks and code, only names and requirements are numbers."""
    text = README.read_text(encoding="utf-8")
    text = re.sub(r"<!-- BEGIN generated: (\w+) -->.*?<!-- END generated: \1 -->", " ", text, flags=re.S)
    text = re.sub(r"```.*?```", " ", text, flags=re.S)
    text = re.sub(r"\]\([^)]*\)", "]", text)  # link targets
    numbers = re.findall(r"(?<![\w.])\d+(?:\.\d+)*(?![\w.])", text)
    typed = sorted(set(numbers) - ALLOWED_NUMBERS)
    assert not typed, f"numbers typed into README.md (generate them, or check them by a test): {typed}"


def test_readme_defines_its_jargon_and_links_exist():
    text = README.read_text(encoding="utf-8")
    for term in ("paper family", "Provenance tags", "holds-with-correction", "Evidence kinds", "symbolic-general"):
        assert term in text
    first_use = {t: text.index(t) for t in ("[paper]", "[MeZO]", "[derived]")}
    assert all(text.index("Provenance tags") < i for i in first_use.values())
    for target in re.findall(r"\]\(([^)#]+)\)", text):
        if not target.startswith("http") and not target.startswith("figures/"):
            path = ROOT / target
            if not path.exists():
                pytest.fail(f"README links to a missing file: {target}")


def test_readme_api_names_exist():
    """Every name the README's API paragraph lists is public: a function, a method, a distribution or a scheme."""
    import zosoftmax as zs

    text = README.read_text(encoding="utf-8")
    paragraph = text[text.index("The public API"):]
    paragraph = paragraph[:paragraph.index("\n\n")]
    names = re.findall(r"`([A-Za-z_][A-Za-z0-9_]*)`", paragraph)
    assert len(names) >= 20
    known = set(zs.__all__) | set(dir(zs.SoftmaxRegression)) | set(zs.DISTRIBUTIONS) | set(zs.SCHEMES)
    assert not [n for n in names if n not in known and n != "ValueError"], "names the API does not have"
