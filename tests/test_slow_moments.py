r"""Slow tier: the C8/C9 Monte-Carlo checks of ``test_moments.py`` at ``m = 2e6`` and larger ``d``.

With :math:`z = 5` and :math:`m = 2\cdot10^6` the tolerance on :math:`E\|\hat g\|^2/\|g\|^2` is
:math:`5\sigma/\sqrt m \approx 0.0035\,\sigma`, e.g. 0.07 at d = 64 (Gaussian), against the gap of 2 between the
Gaussian and the sphere factor: the distributions are separated at every ``k <= 8``.
"""

from __future__ import annotations

import pytest

from tests.test_moments import check_second_moments_monte_carlo

pytestmark = pytest.mark.slow

M_SLOW = 2_000_000


@pytest.mark.parametrize("distribution", ["gaussian", "sphere"])
@pytest.mark.parametrize("d", [1, 3, 8, 32, 64])
def test_second_moments_large_monte_carlo(distribution, d):
    """C8, C9 at 2e6 samples (see ``check_second_moments_monte_carlo``)."""
    check_second_moments_monte_carlo(distribution, d, M_SLOW, seed=2000 + d)
