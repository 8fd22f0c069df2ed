"""Shared test configuration: Hypothesis profiles and strict floating point.

``HYPOTHESIS_PROFILE=ci`` (set by ``.ci/run``) is derandomized, so CI is deterministic; ``dev`` (the
default) draws fresh examples each run, which is how new counterexamples are found.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from analysis import _common
from hypothesis import HealthCheck, settings
from proofs import _search

from tests.mutation_selection import pytest_collection_modifyitems  # noqa: F401  (make mutation's per-module tests)
from zosoftmax import io as _io

settings.register_profile("ci", derandomize=True, max_examples=60, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow], print_blob=True)
settings.register_profile("dev", max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


@pytest.fixture(autouse=True)
def _strict_floating_point():
    """Overflow, invalid operations and division by zero raise (underflow, e.g. exp(-800) = 0, is fine)."""
    with np.errstate(over="raise", invalid="raise", divide="raise", under="ignore"):
        yield


COMMON_KEYS = {"figure", "profile", "claim", "finding", "criterion", "confirmed"}  # every figure JSON has them


@pytest.fixture
def run_quick(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Run a figure module's quick mode into ``tmp_path`` with fresh caches (tasks, searches); return its JSON."""
    monkeypatch.setattr(_common, "CACHE", tmp_path / "cache")
    monkeypatch.setattr(_search, "CACHE", tmp_path / "search")

    def run(module: Any) -> dict[str, Any]:
        """The figure's data as computed (a JSON round trip); its JSON file must hold it at the stated precision."""
        computed = json.loads(json.dumps(module.main(["--quick", "--outdir", str(tmp_path)]), default=_io._default))
        for ext in ("png", "pdf"):
            assert (tmp_path / f"{module.NAME}.{ext}").stat().st_size > 0
        stored = _io.canonical(computed, getattr(module, "PRECISION", None))
        assert (tmp_path / f"{module.NAME}.json").read_text() == json.dumps(stored, indent=2) + "\n"
        data = computed
        assert data.keys() >= COMMON_KEYS
        assert data["figure"] == module.NAME
        assert data["profile"] == "quick"
        assert isinstance(data["confirmed"], bool)
        assert isinstance(data["finding"], str)
        assert data["finding"]
        return data

    return run
