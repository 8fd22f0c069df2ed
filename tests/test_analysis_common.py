"""analysis/_common.py: multi-seed runs in both modes, and the atomic, code-keyed cache."""

from __future__ import annotations

import numpy as np
import pytest
from analysis import _common

import zosoftmax as zs


@pytest.mark.parametrize("sequential", [False, True])
@pytest.mark.parametrize("per_run_start", [False, True])
def test_zo_runs_shapes_and_starts(monkeypatch, sequential, per_run_start):
    """Both modes return a leading seed axis and start each run where asked (the sequential mode is the
    'before' of make bench's before/after timing)."""
    if sequential:
        monkeypatch.setenv("ZOSOFTMAX_SEQUENTIAL", "1")
    else:
        monkeypatch.delenv("ZOSOFTMAX_SEQUENTIAL", raising=False)
    p = zs.random_instance(10, 4, rng=0, w=1.3)
    x0 = np.arange(12.0).reshape(3, 4) / 10 if per_run_start else np.ones(4)
    traj = _common.zo_runs(p, x0, seeds=3, steps=4, lr=0.05, k=2, rng=5)
    assert traj.losses.shape == (3, 5) and traj.x.shape == (3, 4) and traj.seeds.shape == (3, 4)
    starts = x0 if per_run_start else np.tile(x0, (3, 1))
    np.testing.assert_allclose(traj.losses[:, 0], [p.loss(s) for s in starts], rtol=1e-13)
    if not sequential:  # a batch replays as a whole, bit for bit
        assert np.array_equal(zs.replay(traj, p, starts), traj.x)


def test_cache_resumes_and_keys_on_parameters(tmp_path):
    calls = []

    def compute():
        calls.append(1)
        return {"value": len(calls)}

    first = _common.cached("exp", {"a": 1}, compute, cache_dir=tmp_path)
    again = _common.cached("exp", {"a": 1}, compute, cache_dir=tmp_path)
    other = _common.cached("exp", {"a": 2}, compute, cache_dir=tmp_path)
    assert first == again == {"value": 1} and other == {"value": 2} and len(calls) == 2
    assert not list(tmp_path.glob("*.tmp"))  # atomic: no temporary file left behind
