"""Shared test configuration: Hypothesis profiles and strict floating point.

``HYPOTHESIS_PROFILE=ci`` (set by ``.ci/run``) is derandomized, so CI is deterministic; ``dev`` (the
default) draws fresh examples each run, which is how new counterexamples are found.
"""

from __future__ import annotations

import os

import numpy as np
import pytest
from hypothesis import HealthCheck, settings

settings.register_profile("ci", derandomize=True, max_examples=60, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow], print_blob=True)
settings.register_profile("dev", max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


@pytest.fixture(autouse=True)
def _strict_floating_point():
    """Overflow, invalid operations and division by zero raise (underflow, e.g. exp(-800) = 0, is fine)."""
    with np.errstate(over="raise", invalid="raise", divide="raise", under="ignore"):
        yield
