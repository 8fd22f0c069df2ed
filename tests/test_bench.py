"""``make bench``'s parts in their quick modes: the C12 cost figure and the benchmark runner's report.

No timing is asserted (benchmarks are not tests): what is asserted is that the figure's and the report's numbers
are the ones they say they are (ratios of the reported times, slopes of the reported curves, the loss-evaluation
count of C12), and that every target carries a boolean verdict.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from analysis import fig_cost
from benchmarks import bench_estimator, bench_memory
from benchmarks.__main__ import scripts

ROOT = Path(__file__).resolve().parents[1]


def test_fig_cost_quick(run_quick):
    """C12: 2k (central) and k + 1 (forward) evaluations per step; the reported slopes are those of the times."""
    data = run_quick(fig_cost)
    assert data["claim"] == "C12"
    k = data["k"]
    assert data["evaluations_per_step"] == {"central": 2 * k, "forward": k + 1}
    upper = len(data["d"]) // 2
    for m in fig_cost.METHODS:
        t = data["times_s"][m]
        assert len(t) == len(data["d"])
        assert all(math.isfinite(v) and v > 0 for v in t)
        refit = float(np.polyfit(np.log(data["d"][upper:]), np.log(t[upper:]), 1)[0])
        assert data["slopes_upper_half"][m] == pytest.approx(refit, rel=1e-12)
    ratios = np.asarray(data["times_s"]["estimate"]) / np.asarray(data["times_s"]["backprop"])
    np.testing.assert_allclose(data["estimate_over_backprop"], ratios, rtol=1e-12)
    slope = data["slopes_upper_half"]["estimate"]
    assert data["confirmed"] is (abs(slope - 1) < abs(slope - 2))


@pytest.fixture(scope="module")
def quick_report(tmp_path_factory):
    out = tmp_path_factory.mktemp("bench") / "results.json"
    subprocess.run([sys.executable, "-m", "benchmarks", "--quick", "--only", "bench_estimator", "bench_memory",
                    "--out", str(out)], cwd=ROOT, check=False, capture_output=True, text=True)
    return json.loads(out.read_text())


def test_runner_finds_the_scripts():
    names = scripts()
    assert names[:3] == ["bench_attention", "bench_estimator", "bench_memory"]
    assert names[-1] == "figures_vs"


def test_quick_bench_report_is_well_formed(quick_report):
    data = quick_report
    assert data["profile"] == "quick"
    assert set(data["results"]) == {"bench_estimator", "bench_memory"}
    assert set(data["results"]["bench_estimator"]) == set(bench_estimator.THREADS)
    for res in data["results"]["bench_estimator"].values():
        cases = [(c["n"], c["d"], c["k"]) for c in res["estimator"]]
        assert cases == [tuple(c) for c in bench_estimator.PROFILES["quick"]["estimator"]]
        for c in res["estimator"]:
            t = {m: v["min"] for m, v in c["times_s"].items()}
            assert all(math.isfinite(v) and v > 0 for v in t.values())
            floor = min(t["product_A_M"], t["product_M_AT"])  # the faster layout of the one product
            assert c["ratios"]["estimate_over_product"] == pytest.approx(t["estimate"] / floor, rel=1e-12)
            assert c["ratios"]["naive_over_estimate"] == pytest.approx(t["naive"] / t["estimate"], rel=1e-12)
        b = res["batch"]
        assert b["speedup"] == pytest.approx(b["per_run_step_s"]["one_after_another"] / b["per_run_step_s"]["batched"])
    (mem,) = data["results"]["bench_memory"].values()
    m = mem["memory"]
    assert m["seeded_growth_over_steps"] == pytest.approx(m["peak_seeded"] / m["peak_seeded_short"], rel=1e-12)
    assert m["steps"] == bench_memory.PROFILES["quick"]["steps"]
    for tg in data["targets"]:
        assert isinstance(tg["met"], bool)
        assert tg["statement"]
        assert tg["bound"][:2] in ("<=", ">=")
        assert tg["met"] is (tg["measured"] <= float(tg["bound"][3:]) if tg["bound"].startswith("<=")
                             else tg["measured"] >= float(tg["bound"][3:]))
    assert [tg["id"] for tg in data["targets"]] == ["memory_seeded_flat"]  # the 2048 case is not in quick


@pytest.mark.slow
def test_figures_vs_runs_both_checkouts():
    """``figures_vs`` in its quick profile against HEAD itself.

    Both fresh checkouts run every figure, the times and ratios are the reported ones, and HEAD's per-figure seconds
    cover every figure module (about 20 s).
    """
    from analysis import FIGURE_MODULES
    from benchmarks import figures_vs

    res = figures_vs.run("quick", jobs=[2], base="HEAD")
    assert set(res["times_s"]) == {"base", "head_j2"}
    assert all(len(v) == 1 and v[0] > 0 for v in res["times_s"].values())
    assert res["ratio_over_base"]["head_j2"] == pytest.approx(res["min_s"]["head_j2"] / res["min_s"]["base"])
    (figures,) = res["figure_compute_s"]["head_j2"]
    assert set(figures) == set(FIGURE_MODULES)
    (tg,) = res["targets"]
    assert tg["met"] is (tg["measured"] <= figures_vs.RATIO)
