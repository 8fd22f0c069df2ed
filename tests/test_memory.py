"""C12: a seeded ZO-GD run's peak memory does not grow with its number of steps (tracemalloc, small sizes).

The directions are regenerated from per-step seeds and dropped, so the peak allocated during a run is the same
for 2 and for 8 steps; the baseline that keeps every step's directions (``benchmarks.bench_memory``) grows by
one ``(k, d)`` block per step. Sizes are chosen so that one block (``k d`` floats = 320 KB) dwarfs the per-step
records (a seed, ``k`` scalars and a loss: 48 bytes) and tracemalloc's own bookkeeping: "flat" is then a
sharp statement, and the baseline's growth of 6 blocks is far outside the allowance.
"""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest
from benchmarks.bench_memory import SHORT, peak_bytes, zo_gd_stored_directions

import zosoftmax as zs

N, D, K, LONG = 8, 10_000, 4, 8
BLOCK = K * D * 8  # bytes of one step's directions (float64)
# The records of (LONG - SHORT) more steps: int64 seeds, k float64 scalars and one float64 loss per step.
RECORDS = (LONG - SHORT) * (8 + 8 * K + 8)
SLACK = 4096  # tracemalloc's and NumPy's small allocations (array headers, tiny temporaries), far below BLOCK


@pytest.fixture
def problem() -> zs.SoftmaxRegression:
    A = np.random.default_rng(0).standard_normal((N, D)) / np.sqrt(D)
    return zs.SoftmaxRegression(A, np.full(N, 1.0 / N))


@pytest.fixture
def traced():
    tracemalloc.start()
    yield
    tracemalloc.stop()


def test_seeded_peak_is_flat_in_the_steps(problem, traced):
    """Invariant (C12): peak(LONG steps) <= peak(SHORT steps) + the per-step records (no direction is kept)."""
    x0 = np.zeros(D)
    short = peak_bytes(lambda: zs.zo_gd(problem, x0, steps=SHORT, lr=1e-2, k=K, rng=1))
    long = peak_bytes(lambda: zs.zo_gd(problem, x0, steps=LONG, lr=1e-2, k=K, rng=1))
    assert short >= BLOCK  # the measurement sees the directions at all
    assert long <= short + RECORDS + SLACK


def test_stored_directions_baseline_grows_with_the_steps(problem, traced):
    """The baseline that keeps every step's directions holds LONG blocks, SHORT at SHORT steps.

    The check above would see such growth (it is LONG - SHORT blocks, far above its allowance).
    """
    x0 = np.zeros(D)
    short = peak_bytes(lambda: zo_gd_stored_directions(problem, x0, steps=SHORT, lr=1e-2, k=K, eps=1e-3,
                                                       rng=np.random.default_rng(1)))
    long = peak_bytes(lambda: zo_gd_stored_directions(problem, x0, steps=LONG, lr=1e-2, k=K, eps=1e-3,
                                                      rng=np.random.default_rng(1)))
    assert long >= short + (LONG - SHORT) * BLOCK - SLACK
    assert (LONG - SHORT) * BLOCK - SLACK > RECORDS + SLACK  # the allowance of the flat check cannot hide one block
