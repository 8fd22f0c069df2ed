r"""Slow tier: the power of the fast tier's C8/C9 Monte-Carlo criteria, measured over 200 fresh seeds.

``tests/power.py`` computes, per statistic, law and dimension, the false rejections under the exact null, a
calibration at ``z = 2`` and the power against the planted error; ``python -m tests.power`` writes the same table to
docs/power.md. About 30 s on one core.
"""

from __future__ import annotations

import pytest
from scipy import stats

from tests import power

pytestmark = pytest.mark.slow

ALPHA_CAL = 1e-4  # two-sided level of each calibration interval: about 30 rows, family-wise < 0.3%


@pytest.fixture(scope="module")
def rows():
    return power.compute()


def test_no_false_rejection_under_the_exact_null(rows):
    """At the criterion's own z = 5 (nominal 5.7e-7 per check) no seed of 200 may reject the exact mean."""
    assert all(r["seeds"] >= 200 for r in rows)
    assert [r for r in rows if r["null_rejections"]] == []


def test_the_standard_deviation_is_calibrated(rows):
    """At z = 2 the rejection count is binomial(200, 4.55%): inside its central 1 - 1e-4 interval.

    Far fewer rejections would mean an inflated sigma (a loose tolerance), far more a sigma too small.
    """
    for r in rows:
        if r["calibration_rejections"] is None:
            continue
        lo, hi = stats.binom.interval(1 - ALPHA_CAL, r["seeds"], r["calibration_nominal"])
        assert lo <= r["calibration_rejections"] <= hi, r


def test_power_against_every_planted_error_is_at_least_0_9(rows):
    """Each planted error (tests/power.py PLANTED) is rejected on at least 90% of the seeds."""
    planted = [r for r in rows if "power" in r]
    assert len(planted) == 2 * 3 * len(power.MC_DIMS)
    assert [(r["statistic"], r["distribution"], r["d"], r["power"]) for r in planted if r["power"] < 0.9] == []


def test_power_at_the_smallest_effect_is_near_0_9(rows):
    """The reported smallest effect (z + 1.28) SE is rejected with probability 0.9: binomial interval at 200 seeds."""
    lo, hi = stats.binom.interval(1 - ALPHA_CAL, 200, 0.9)
    for r in rows:
        if r["power_at_smallest_effect"] is not None:
            assert lo / 200 <= r["power_at_smallest_effect"] <= hi / 200, r
