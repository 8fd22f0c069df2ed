"""``make bench``'s quick mode writes a well-formed report (no timing is asserted: benchmarks are not tests)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# ------------------------------------------------------------------------------------------- the quick benchmark
@pytest.fixture(scope="module")
def quick_report(tmp_path_factory):
    out = tmp_path_factory.mktemp("bench")
    subprocess.run([sys.executable, "-m", "analysis.bench", "--quick", "--outdir", str(out)], cwd=ROOT, check=True,
                   capture_output=True, text=True)
    return out, json.loads((out / "bench.json").read_text())


def test_quick_bench_writes_a_well_formed_report(quick_report):
    from analysis import bench

    out, data = quick_report
    assert (out / "fig_cost.png").stat().st_size > 0 and (out / "fig_cost.pdf").stat().st_size > 0
    assert data["profile"] == "quick" and set(data["threads"]) == {"1", "default"}
    for res in data["threads"].values():
        assert [(r["n"], r["d"], r["k"]) for r in res["estimator"]] == [tuple(s) for s in
                                                                          bench.PROFILES["quick"]["estimator"]]
        for row in res["estimator"]:
            t = {m: row["times_s"][m]["min"] for m in bench.METHODS}
            assert all(np.isfinite(v) and v > 0 for v in t.values())
            # the ratios are the ratios of the reported times (no other numbers slipped in)
            assert row["ratios"]["fast_over_product"] == pytest.approx(t["fast"] / t["product"], rel=1e-12)
            assert row["ratios"]["naive_over_fast"] == pytest.approx(t["naive"] / t["fast"], rel=1e-12)
            assert row["ratios"]["fast_over_gradient"] == pytest.approx(t["fast"] / t["gradient"], rel=1e-12)
            prec = row["precision"]
            # same directions through both float64 paths: the same losses up to rounding
            assert 0 <= prec["naive_rel_difference_float64"] < SAME_FORMULA_REL
            # float32 costs u32 |L| / ε ≈ 6e-8 / 1e-3 relative per quotient: nonzero, and far below the
            # estimator's own relative spread sqrt((d + k + 1)/k − 1) (= 4 at d = 64, k = 4)
            assert 0 < prec["float32_rel_error"] < prec["estimator_rel_std"]
        for row in res["batch"]:
            per = row["per_seed_step_s"]
            assert row["speedup"] == pytest.approx(per["sequential"] / per["batched"], rel=1e-12)
        sw = res["sweep"]
        assert all(len(sw["times_s"][m]) == len(sw["d"]) for m in bench.SWEEP_METHODS)
    for target in data["targets"]:
        assert isinstance(target["met"], bool) and target["statement"] and target["measured"]


def test_quick_bench_finds_seeded_memory_flat_in_the_steps(quick_report):
    """C12: the seeded run regenerates its directions, so its peak does not grow with the steps; the baseline
    that keeps them holds at least ``steps · k · d`` floats more than one step's worth."""
    _, data = quick_report
    mem = data["memory"]
    assert mem["peak_seeded"] <= 1.05 * mem["peak_seeded_1_step"]
    assert mem["peak_stored"] >= mem["peak_seeded"] + (mem["steps"] - 1) * mem["bytes_one_step_directions"]
    (target,) = [t for t in data["targets"] if t["id"] == "memory_seeded"]
    assert target["met"] is True
