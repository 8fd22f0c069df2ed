"""proofs/c16_budget.py (not yet registered in proofs.MODULES: the lead numbers the claims when merging)."""

from __future__ import annotations

from proofs import c16_budget


def test_c16_checks_pass_except_the_missing_figure_json():
    """Every symbolic, enumerated and searched check of C16 passes in the quick profile.

    Only the statistical check may fail here, and only because fig_budget's JSON is not committed yet.
    """
    res = c16_budget.verify(quick=True)
    assert res["id"] == "C16"
    for ev in res["evidence"]:
        if ev["kind"] == "statistical-test" and "missing" in ev["detail"]:
            continue
        assert ev["passed"], ev
    kinds = {ev["kind"] for ev in res["evidence"]}
    assert {"symbolic-general", "symbolic-fixed-size", "exact-enumeration", "numeric-search"} <= kinds
