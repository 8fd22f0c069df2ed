"""proofs/c16_budget.py: C16's proof chain passes, declares its steps, and recomputes instead of reading outputs."""

from __future__ import annotations

import builtins
import io
import pathlib

import pytest
from proofs import c16_budget
from proofs._common import EVIDENCE_KINDS

STEPS = ("quotients of a quadratic", "noise covariance", "forward sixth moment", "one noisy step", "best k central",
         "best k forward", "best k noisy", "measured best k")


@pytest.fixture(scope="module")
def quick_result():
    return c16_budget.verify(quick=True)


def test_c16_chain_passes_in_order(quick_result):
    """Every check passes in the quick profile, and the chain is the docstring's steps in order, none unnamed."""
    res = quick_result
    assert res["id"] == "C16"
    assert res["verdict"] == "holds"
    assert all(ev["passed"] for ev in res["evidence"])
    assert tuple(s["name"] for s in res["steps"]) == STEPS
    assert all(s["kind"] in EVIDENCE_KINDS and s["scope"] and s["statement_tex"] for s in res["steps"])
    assert res["chain"]["weakest"] == "statistical-test"
    assert {s["kind"] for s in res["steps"]} == {"symbolic-general", "symbolic-fixed-size", "exact-enumeration",
                                                 "numeric-search", "statistical-test"}


def test_c16_measured_step_is_recomputed(quick_result):
    """The measured step's numbers come from the run, one level per noise setting, with the planned k measured."""
    levels = quick_result["key_numbers"]["measured"]["levels"]
    assert [lv["noise_rel"] for lv in levels] == list(c16_budget.NOISE_RELS)
    for lv in levels:
        assert {r["k"] for r in lv["rows"]} == set(c16_budget.KS)
        assert lv["confirmed"] == (lv["largest_z_planned_worse"] <= quick_result["key_numbers"]["measured"][
            "z_threshold"])


def test_c16_reads_no_committed_output(monkeypatch):
    """verify() opens nothing under paper/generated or figures: a read there raises, and verify still runs."""
    real_open = builtins.open

    def guarded(file, *args, **kwargs):
        parts = pathlib.Path(str(file)).parts
        if "generated" in parts or "figures" in parts:
            raise AssertionError(f"C16 read a committed output: {file}")
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", guarded)
    monkeypatch.setattr(io, "open", guarded)
    monkeypatch.setattr(c16_budget, "search_best_k", lambda **kw: {"cases": 1, "wins_k_gt_1": 0 if kw.get(
        "scheme", "central") == "central" and "noise_levels" not in kw else 1, "largest_relative_gain": 0.0,
        "example": None})
    res = c16_budget.verify(quick=True)
    assert [s["name"] for s in res["steps"]] == list(STEPS)
