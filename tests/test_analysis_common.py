"""analysis/_common.py: the task runner (serial, joblib processes), its per-task cache, and the figure driver.

The Dask path of the same runner is tested against a real local cluster in ``tests/test_dask.py``.
"""

from __future__ import annotations

import json
import math
import os

import numpy as np
import pytest
from analysis import _common
from analysis._common import Runner
from scipy import stats

import zosoftmax as zs
from zosoftmax.io import canonical


def draw(seed: int, n: int) -> dict:
    """A task: NumPy results of its own seed (arrays and scalars, a tuple), to be returned as plain JSON data."""
    v = np.random.default_rng(seed).standard_normal(n)
    return {"v": v, "sum": np.float64(v.sum()), "n": np.int64(n), "pair": (seed, n)}


def fail_on(seed: int, bad: int, log: str) -> int:
    """A task that logs its call and fails for ``seed == bad`` while ``log + ".stop"`` exists.

    The failure is an interruption from outside (not a parameter), so the resumed run has the same cache keys.
    """
    with open(log, "a") as fh:
        fh.write(f"{seed}\n")
    if seed == bad and os.path.exists(log + ".stop"):
        raise RuntimeError(f"task {seed} interrupted")
    return seed * seed


TASKS = [{"seed": s, "n": 3} for s in range(5)]


def test_serial_results_are_plain_json_in_task_order(tmp_path):
    """Results are the JSON round trip of each task's return value (lists, Python numbers), in task order."""
    out = Runner(cache_dir=tmp_path).map(draw, TASKS, key="draw")
    assert out == json.loads(json.dumps([draw(**t) | {"v": draw(**t)["v"].tolist()} for t in TASKS],
                                        default=lambda o: o.item()))
    assert out[2]["pair"] == [2, 3]
    assert type(out[2]["n"]) is int
    assert type(out[2]["sum"]) is float


def test_processes_give_identical_results(tmp_path):
    """Joblib processes (results arrive in any order) return exactly the serial results, in task order."""
    serial = Runner(cache_dir=False).map(draw, TASKS, key="draw")
    parallel = Runner(jobs=2, cache_dir=tmp_path).map(draw, TASKS, key="draw")
    assert parallel == serial
    assert json.dumps(parallel) == json.dumps(serial)  # byte for byte once written
    assert len(list(tmp_path.glob("draw-*.json"))) == len(TASKS)  # the workers wrote through the cache


def test_a_failing_task_fails_only_its_own_map(tmp_path):
    """Two maps share the worker processes from two threads (as ``python -m analysis`` computes figures).

    One map's failing task raises its own error there, and the other map still returns all its results.
    """
    from concurrent.futures import ThreadPoolExecutor

    log = tmp_path / "calls.log"
    (tmp_path / "calls.log.stop").touch()
    runner = Runner(jobs=2, cache_dir=False)
    with ThreadPoolExecutor(2) as pool:
        good = pool.submit(runner.map, draw, [{"seed": s, "n": 200} for s in range(8)], key="good")
        bad = pool.submit(runner.map, fail_on, [{"seed": s, "bad": 3, "log": str(log)} for s in range(8)], key="bad")
        with pytest.raises(RuntimeError, match="task 3 interrupted"):
            bad.result()
        assert good.result() == Runner(cache_dir=False).map(draw, [{"seed": s, "n": 200} for s in range(8)], key="g")


def test_cache_resumes_an_interrupted_run(tmp_path):
    """A run that fails at task 3 keeps tasks 0-2; the same run again computes only tasks 3 and 4."""
    log = tmp_path / "calls.log"
    stop = tmp_path / "calls.log.stop"
    stop.touch()
    tasks = [{"seed": s, "bad": 3, "log": str(log)} for s in range(5)]
    with pytest.raises(RuntimeError, match="task 3 interrupted"):
        Runner(cache_dir=tmp_path / "cache").map(fail_on, tasks, key="sq")
    assert log.read_text().split() == ["0", "1", "2", "3"]
    stop.unlink()
    # the same tasks again: 0-2 come from the cache, only 3 and 4 run
    assert Runner(cache_dir=tmp_path / "cache").map(fail_on, tasks, key="sq") == [0, 1, 4, 9, 16]
    assert log.read_text().split() == ["0", "1", "2", "3", "3", "4"]
    assert not list((tmp_path / "cache").glob(".*.tmp"))  # atomic: no temporary file left behind


def test_cache_keys_on_key_and_parameters(tmp_path):
    """Same key and parameters: read back; another key or parameter: computed; ``cache=False``: nothing written."""
    log = tmp_path / "calls.log"
    runner = Runner(cache_dir=tmp_path / "cache")
    t = {"seed": 2, "bad": -1, "log": str(log)}
    assert runner.map(fail_on, [t], key="a") == runner.map(fail_on, [t], key="a") == [4]
    assert runner.map(fail_on, [t], key="b") == [4]  # another key: computed again
    assert runner.map(fail_on, [{**t, "seed": 3}], key="a") == [9]
    assert log.read_text().split() == ["2", "2", "3"]
    assert Runner(cache_dir=False).map(fail_on, [t], key="a") == [4]  # no cache: computed, nothing written
    assert runner.map(fail_on, [t], key="c", cache=False) == [4]
    assert len(list((tmp_path / "cache").glob("*.json"))) == 3


def test_cached_function_resumes(tmp_path):
    """``cached`` computes once per (key, parameters)."""
    calls = []

    def compute():
        calls.append(1)
        return {"value": len(calls)}

    first = _common.cached("exp", {"a": 1}, compute, cache_dir=tmp_path)
    again = _common.cached("exp", {"a": 1}, compute, cache_dir=tmp_path)
    other = _common.cached("exp", {"a": 2}, compute, cache_dir=tmp_path)
    assert first == again == {"value": 1}
    assert other == {"value": 2}
    assert len(calls) == 2


def test_runner_rejects_what_cannot_travel(tmp_path):
    """Lambdas and local functions (not picklable), unsafe keys, bad ``jobs`` and non-JSON results are refused."""
    runner = Runner(cache_dir=tmp_path)
    with pytest.raises(ValueError, match="func must be a module-level function"):
        runner.map(lambda seed: seed, [{"seed": 1}], key="x")

    def local(seed: int) -> int:
        return seed

    with pytest.raises(ValueError, match="func must be a module-level function"):
        runner.map(local, [{"seed": 1}], key="x")
    with pytest.raises(ValueError, match="key must be"):
        runner.map(draw, TASKS, key="a/b")
    with pytest.raises(ValueError, match="jobs must be"):
        Runner(jobs=0)
    with pytest.raises(TypeError, match="plain JSON-able"):
        Runner(cache_dir=False).map(zs.random_instance, [{"n": 3, "d": 2, "rng": 0}], key="p")
    assert Runner(jobs=None).jobs >= 1
    assert Runner(jobs=-1).jobs == Runner(jobs=None).jobs


def test_produce_writes_figure_and_json(tmp_path):
    """A figure's compute gets the runner; a compute without that parameter (not yet converted) still runs."""
    import matplotlib.pyplot as plt

    seen = {}

    def compute(profile, runner=None):
        seen["runner"] = runner
        return {"claim": "C0", "profile": profile, "values": runner.map(draw, TASKS[:2], key="draw")}

    def plot(data):
        fig, ax = plt.subplots()
        ax.plot([0, 1])
        return fig

    runner = Runner(cache_dir=False)
    data = _common.produce("fig_test", compute, plot, profile="quick", runner=runner, outdir=tmp_path)
    assert seen["runner"] is runner
    assert data["figure"] == "fig_test"
    stored = json.loads((tmp_path / "fig_test.json").read_text())
    assert stored == canonical(data)  # the data as computed, stored at the stated precision
    raw_sum = float(np.random.default_rng(0).standard_normal(3).sum())  # task 0: seed 0, n = 3
    assert data["values"][0]["sum"] == raw_sum != stored["values"][0]["sum"]
    assert (tmp_path / "fig_test.png").stat().st_size > 0
    assert (tmp_path / "fig_test.pdf").stat().st_size > 0
    old = _common.produce("fig_old", lambda profile: {"profile": profile}, plot, profile="quick", outdir=tmp_path)
    assert old == {"profile": "quick", "figure": "fig_old"}
    with pytest.raises(ValueError, match="profile must be"):
        _common.produce("fig_old", lambda profile: {}, plot, profile="huge", outdir=tmp_path)


def test_cli_computes_figures_concurrently_with_the_serial_output(tmp_path):
    """``python -m analysis -j 2`` writes the same bytes as ``-j 1``.

    With ``-j 2`` the figures are computed concurrently and their tasks run on worker processes; with ``-j 1`` one
    figure after another, every task in this process.
    """
    from analysis.__main__ import main

    names = ["fig_estimator_bias", "fig_descent"]
    for jobs in ("1", "2"):
        assert main(["--only", *names, "--profile", "quick", "-j", jobs, "--outdir", str(tmp_path / jobs),
                     "--cache-dir", str(tmp_path / f"cache{jobs}")]) == 0
    for name in names:
        for ext in ("json", "png", "pdf"):
            assert (tmp_path / "1" / f"{name}.{ext}").read_bytes() == (tmp_path / "2" / f"{name}.{ext}").read_bytes()


def test_figures_never_run_the_model_at_once(monkeypatch):
    """fig_attention and fig_budget load and run the model under ``_common.MODEL_LOCK``.

    ``python -m analysis -j N`` computes figures in threads, and transformers' lazy imports are not thread-safe (two
    figures loading the model at once failed). A fake ``run_model`` records its time; called from both figures'
    forward functions in two threads, the two calls never overlap (without the lock they do: the fake sleeps).
    """
    import threading
    import time as _time

    from analysis import fig_attention, fig_budget

    import zosoftmax as zs

    spans: list[tuple[float, float]] = []

    def fake_run_model(*args, **kwargs):
        t0 = _time.monotonic()
        _time.sleep(0.3)
        spans.append((t0, _time.monotonic()))

    monkeypatch.setattr(zs, "run_model", fake_run_model)
    threads = [threading.Thread(target=f.__wrapped__) for f in (fig_attention._forward, fig_budget._head_forward)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    first, second = sorted(spans)
    assert first[1] <= second[0]  # one after the other


def test_hall_statistic_corrects_the_skewed_mean():
    """Hall's skewness-corrected t (the figures' statistic against an exact mean) on exponential samples (skewness 2).

    Exact pieces: zero skewness gives Student's t; the statistic is monotone in t. Measured: at n = 48 and level 1%
    (Student's quantile), 40 000 samples (SE of a 1% rate: 0.05%), the plain t rejects the true mean at 2.4% and Hall's
    at 1.2%; the test asks Hall's excess over the level to be under a third of the plain one (a planted
    "correction" of zero fails it).
    """
    n, level = 48, 0.01
    t = np.linspace(-6, 6, 121)
    np.testing.assert_allclose(_common.skew_corrected_t(t, 1.0, 0.0, n, 0.0), t, rtol=0, atol=1e-15)
    assert np.all(np.diff(_common.skew_corrected_t(t, 1.0, 2.0, n, 0.0)) > 0)
    x = np.random.default_rng(5).exponential(size=(40_000, n))
    mean, se = x.mean(axis=1), x.std(axis=1, ddof=1) / math.sqrt(n)
    dev = x - mean[:, None]
    skew = (dev ** 3).mean(axis=1) / (dev ** 2).mean(axis=1) ** 1.5
    q = _common.t_threshold(level, n)
    assert math.isclose(q, float(stats.t.isf(level / 2, n - 1)), rel_tol=1e-15)
    plain = np.mean(np.abs((mean - 1.0) / se) > q)
    hall = np.mean(np.abs(_common.skew_corrected_t(mean, se, skew, n, 1.0)) > q)
    assert plain - level > 0.01, plain  # the skewed mean misleads the plain t (measured 2.4%)
    assert abs(hall - level) < (plain - level) / 3, (hall, plain)
