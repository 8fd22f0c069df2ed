"""The repository's own documents agree with the code: licence, citation, changelog, CI workflow, claims document.

Each check compares two sources that could drift apart (pyproject against CITATION.cff, claims.json against
CLAIMS.md, requires-python against the CI matrix), so an edit to one side alone turns it red.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import unicodedata
from pathlib import Path

import pytest

import zosoftmax as zs

ROOT = Path(__file__).resolve().parents[1]
_PYPROJECT_TEXT = (ROOT / "pyproject.toml").read_text()  # tomllib is 3.11+; the [project] keys read here are plain
PYPROJECT = {
    "version": re.search(r'^version = "([^"]+)"$', _PYPROJECT_TEXT, re.MULTILINE).group(1),
    "requires-python": re.search(r'^requires-python = "([^"]+)"$', _PYPROJECT_TEXT, re.MULTILINE).group(1),
    "license": re.search(r'^license = (.+)$', _PYPROJECT_TEXT, re.MULTILINE).group(1).strip(),
}
NEWEST_PYTHON = (3, 13)  # the newest CPython the workflow tests


def _top_level(text: str, key: str) -> str:
    match = re.search(rf"^{key}:\s*\"?([^\"\n]+)\"?\s*$", text, flags=re.MULTILINE)
    assert match, key
    return match.group(1).strip()


def test_license_is_the_mit_license_pyproject_declares():
    assert PYPROJECT["license"] in ('{ text = "MIT" }', '"MIT"')
    text = (ROOT / "LICENSE").read_text()
    assert text.startswith("MIT License\n")
    assert "Permission is hereby granted, free of charge" in text


def test_citation_matches_the_package():
    """CITATION.cff names this version and the paper whose claims are checked.

    It is validated against schema 1.2.0 with ``cffconvert --validate``.
    """
    text = (ROOT / "CITATION.cff").read_text()
    assert _top_level(text, "cff-version") == "1.2.0"
    assert _top_level(text, "version") == PYPROJECT["version"] == zs.__version__
    assert _top_level(text, "license") == "MIT"
    for arxiv in ("2307.08352", "2304.10411", "2305.17333"):
        assert f"arXiv:{arxiv}" in text


def test_changelog_has_this_version_and_an_unreleased_section():
    text = (ROOT / "CHANGELOG.md").read_text()
    assert "## [Unreleased]" in text
    assert re.search(rf"^## \[{re.escape(PYPROJECT['version'])}\] - \d{{4}}-\d{{2}}-\d{{2}}$", text, re.MULTILINE)


def test_ci_workflow_runs_ci_run_on_every_supported_python():
    """The workflow mirrors .ci/run by running it; its matrix covers every minor version from requires-python on."""
    text = (ROOT / ".github" / "workflows" / "ci.yml").read_text()
    assert re.search(r"^\s+run: bash \.ci/run$", text, re.MULTILINE)
    assert os.access(ROOT / ".ci" / "run", os.X_OK)
    low = re.fullmatch(r">=\s*3\.(\d+)", PYPROJECT["requires-python"])
    assert low, PYPROJECT["requires-python"]
    matrix = re.search(r"python-version:\s*\[([^\]]*)\]", text)
    assert matrix
    versions = [v.strip().strip("\"'") for v in matrix.group(1).split(",")]
    assert versions == [f"3.{minor}" for minor in range(int(low.group(1)), NEWEST_PYTHON[1] + 1)]


CLAIMS_MD = (ROOT / "CLAIMS.md").read_text()
SECTIONS = dict(re.findall(r"^## (C\d+)\. .*?\n(.*?)(?=^## |\Z)", CLAIMS_MD, flags=re.MULTILINE | re.DOTALL))
CLAIMS_JSON = json.loads((ROOT / "paper" / "generated" / "claims.json").read_text())
CLAIMS_JSON = CLAIMS_JSON["claims"] if isinstance(CLAIMS_JSON, dict) else CLAIMS_JSON


def test_claims_document_covers_every_claim_in_order():
    assert list(SECTIONS) == [f"C{i}" for i in range(1, len(SECTIONS) + 1)]
    assert {c["id"] for c in CLAIMS_JSON} <= set(SECTIONS)
    assert "C13" in SECTIONS


@pytest.mark.parametrize("claim", CLAIMS_JSON, ids=lambda c: c["id"])
def test_claims_document_states_provenance_and_a_falsifier(claim):
    """Each claim states its provenance tag as in claims.json, what is checked, what would falsify it, and where.

    The report prints the tag; every tag used is one the document defines.
    """
    body = SECTIONS[claim["id"]]
    provenance = re.search(r"^\*\*Provenance\.\*\* `([^`]+)`$", body, re.MULTILINE)
    assert provenance
    assert provenance.group(1) == claim["provenance"]
    for tag in re.findall(r"\[\w+\]", provenance.group(1)):
        assert f"| `{tag}` |" in CLAIMS_MD
    for field in ("**Claim", "**What is checked.**", "**Falsified by.**", "**Checked by.**"):
        assert field in body, field


# Control and format characters that do not belong in a source file: C0/C1 controls (a stray \x08 or \x1b from a
# terminal paste, a form feed, a carriage return) and Unicode format characters (zero-width spaces, bidirectional
# overrides that make code read differently from how it runs). Newline everywhere, and tab in the Makefile's
# recipes, are the only ones allowed.
ALLOWED_CONTROLS = {"\n"}
TAB_FILES = {"Makefile"}


BINARY_SUFFIXES = {".png", ".pdf", ".npy", ".npz"}


def _tracked_text_files() -> list[Path]:
    try:
        out = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout: no list of tracked files")
    paths = [ROOT / name for name in out.decode().split("\0") if name]
    return [p for p in paths if p.is_file() and p.suffix not in BINARY_SUFFIXES]


def test_no_control_characters_in_source_files():
    """Every tracked text file is UTF-8 without control or format characters (tabs only in the Makefile)."""
    files = _tracked_text_files()
    assert any(p.suffix == ".py" for p in files)  # the scan saw the sources
    found = []
    for path in files:
        text = path.read_bytes().decode("utf-8")  # a file that is not UTF-8 fails here, naming itself
        allowed = ALLOWED_CONTROLS | ({"\t"} if path.name in TAB_FILES else set())
        for lineno, line in enumerate(text.splitlines(keepends=True), 1):
            bad = [ch for ch in line if unicodedata.category(ch) in ("Cc", "Cf") and ch not in allowed]
            if bad:
                found.append(f"{path.relative_to(ROOT)}:{lineno}: {', '.join(f'U+{ord(c):04X}' for c in bad)}")
    assert not found, "control characters in source files:\n" + "\n".join(found)
