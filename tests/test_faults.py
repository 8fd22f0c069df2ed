"""Whole after faults: damaged cache entries, two runs at once, ``kill -9`` mid-run, a Dask worker lost mid-sweep.

Each fault is made to happen, not assumed away, and the outcome is compared byte for byte with an uninterrupted
run. The fast tier damages cache entries in every way it can (truncated, a changed digit, not UTF-8, another
entry's content, the pre-checksum format) and runs two processes on one cache; the slow tier runs
``python -m analysis`` the way a user does (a subprocess, cwd outside the repository) on ``fig_dimension_free``'s
quick profile (36 tasks, 33 distinct, about 0.2 s each: long enough to land a fault mid-sweep):

- SIGKILL at a point chosen when a third of the entries exist, then at two seeded random times, then an
  uninterrupted rerun; a watcher reads every visible output and cache entry while the runs go on;
- two such runs at once on one cache and one output folder;
- a ``LocalCluster`` worker process killed with SIGKILL while it is running a task.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest
from analysis import _common
from analysis._common import Runner

from zosoftmax.io import LOCKS, digest, read_entry

FIGURE = "fig_dimension_free"
OUTPUTS = (f"{FIGURE}.json", f"{FIGURE}.png", f"{FIGURE}.pdf")  # timings.json is run times: not reproducible
RUN_TIMEOUT_S = 600  # one quick run takes ~10 s alone on the 2-core VM; this bounds a hang, not the run
COMPUTED = re.compile(r"analysis\.cache: (\S+): (\d+) tasks, (\d+) computed, (\d+) from the cache")


def square(seed: int, log: str, sleep: float = 0.0) -> dict:
    """A task that appends its seed to ``log`` (so a test counts its calls) and returns plain data."""
    with open(log, "a") as fh:
        fh.write(f"{seed}\n")
    time.sleep(sleep)
    return {"seed": seed, "square": float(seed) ** 2 / 3}


def _damage(path: Path, how: str, other: Path) -> None:
    """Damage the cache entry at ``path`` in one of the ways a crash, a disk or a person can."""
    raw = path.read_bytes()
    if how == "truncated":
        path.write_bytes(raw[: len(raw) // 2])
    elif how == "empty":
        path.write_bytes(b"")
    elif how == "not-utf8":
        path.write_bytes(b"\xff\xfe" + raw[2:])
    elif how == "digit-changed":  # still valid JSON, same fields: only the checksum can tell
        entry = json.loads(raw)
        entry["result"]["square"] += 1.0
        path.write_text(json.dumps(entry))
    elif how == "another-entry":  # a sound entry, but for other parameters
        path.write_bytes(other.read_bytes())
    elif how == "old-format":  # what the cache held before entries carried a checksum: the bare result
        path.write_text(json.dumps(json.loads(raw)["result"]))
    else:
        raise AssertionError(how)


DAMAGE = {"truncated": "is not JSON", "empty": "is not JSON", "not-utf8": "is not JSON",
          "digit-changed": "fails its checksum", "another-entry": "belongs to another",
          "old-format": "is not a cache entry"}


@pytest.mark.parametrize("how", sorted(DAMAGE))
@pytest.mark.parametrize("jobs", [1, 2])
def test_a_damaged_cache_entry_is_reported_recomputed_and_never_loaded(tmp_path, caplog, how, jobs):
    log, cache = tmp_path / "calls.log", tmp_path / "cache"
    tasks = [{"seed": s, "log": str(log)} for s in range(4)]
    expected = Runner(cache_dir=cache).map(square, tasks, key="sq")
    paths = [Path(p) for p in Runner(cache_dir=cache)._paths("sq", tasks, _common._code_fingerprint())]
    _damage(paths[2], how, other=paths[1])
    log.write_text("")
    with caplog.at_level("WARNING", logger="analysis.cache"):
        again = Runner(jobs=jobs, cache_dir=cache).map(square, tasks, key="sq")
    assert again == expected  # the damaged value never reaches the result
    assert log.read_text().split() == ["2"]  # only the damaged task ran again
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert len(warnings) == 1, warnings  # reported once
    assert str(paths[2]) in warnings[0]
    assert DAMAGE[how] in warnings[0]
    found, result, problem = read_entry(paths[2], "sq", tasks[2], _common._code_fingerprint())
    assert (found, result, problem) == (True, expected[2], None)  # repaired in place


def test_cached_reports_and_recomputes_a_damaged_entry(tmp_path, caplog):
    calls = []

    def compute():
        calls.append(1)
        return {"value": 0.1 * len(calls)}

    first = _common.cached("exp", {"a": 1}, compute, cache_dir=tmp_path)
    [path] = tmp_path.glob("exp-*.json")
    path.write_bytes(path.read_bytes()[:-9])
    with caplog.at_level("WARNING", logger="analysis.cache"):
        second = _common.cached("exp", {"a": 1}, compute, cache_dir=tmp_path)
    assert first == {"value": 0.1}
    assert second == {"value": 0.2}  # recomputed (the counter moved), not the truncated text
    assert "is not JSON" in caplog.text
    assert _common.cached("exp", {"a": 1}, compute, cache_dir=tmp_path) == second
    assert len(calls) == 2


def test_a_killed_writers_temporary_file_is_removed_by_the_next_writer(tmp_path):
    """A killed writer's temporary file is removed by the next writer of that entry, never read.

    ``atomic_write_bytes`` leaves ``.NAME.*.tmp`` when killed between write and rename; the next writer of NAME
    holds NAME's lock, so no live writer owns that file.
    """
    log, cache = tmp_path / "calls.log", tmp_path / "cache"
    task = {"seed": 5, "log": str(log)}
    [path] = [Path(p) for p in Runner(cache_dir=cache)._paths("sq", [task], _common._code_fingerprint())]
    cache.mkdir()
    stale = cache / f".{path.name}.0123456789abcdef.tmp"
    stale.write_text('{"key": "sq", "res')  # half an entry
    assert Runner(cache_dir=cache).map(square, [task], key="sq") == [{"seed": 5, "square": 25 / 3}]
    assert not stale.exists()
    assert sorted(p.name for p in cache.iterdir()) == sorted([path.name, LOCKS])


def _map_in_subprocess(cache: Path, log: Path, seeds: int, sleep: float) -> subprocess.Popen:
    code = ("import sys; from analysis._common import Runner; from tests.test_faults import square; "
            f"Runner(cache_dir={str(cache)!r}).map(square, [{{'seed': s, 'log': {str(log)!r}, 'sleep': {sleep}}}"
            f" for s in range({seeds})], key='sq')")
    return subprocess.Popen([sys.executable, "-c", code], cwd=Path(__file__).resolve().parents[1])


def test_two_processes_on_one_cache_compute_each_task_once(tmp_path):
    """Two runs of the same tasks at once compute each task once, and every entry is sound.

    Under each entry's lock the second run finds the first's result (or the other way round). Without the lock
    both compute every task they reach before the other has written it (each sleeps 0.1 s: nearly all of them).
    """
    log, cache, seeds = tmp_path / "calls.log", tmp_path / "cache", 12
    procs = [_map_in_subprocess(cache, log, seeds, 0.1) for _ in range(2)]
    assert [p.wait(timeout=RUN_TIMEOUT_S) for p in procs] == [0, 0]
    assert sorted(map(int, log.read_text().split())) == list(range(seeds))
    tasks = [{"seed": s, "log": str(log), "sleep": 0.1} for s in range(seeds)]
    paths = Runner(cache_dir=cache)._paths("sq", tasks, _common._code_fingerprint())
    for task, path in zip(tasks, paths, strict=True):
        assert read_entry(path, "sq", task, _common._code_fingerprint())[0], path


# ------------------------------------------------------------------------------ python -m analysis as a user runs it
def _env() -> dict[str, str]:
    """The user's environment: the project installed in this interpreter's environment, nothing on PYTHONPATH."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    return env | _common.ONE_BLAS_THREAD | {"PYTHONHASHSEED": "0"}


def _analysis(out: Path, cache: Path, *extra: str, cwd: Path) -> subprocess.Popen:
    """``python -m analysis --only FIGURE --profile quick ...`` in its own process group, started in ``cwd``."""
    cmd = [sys.executable, "-m", "analysis", "--only", FIGURE, "--profile", "quick", "--outdir", str(out),
           "--cache-dir", str(cache), *extra]
    return subprocess.Popen(cmd, cwd=cwd, env=_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            start_new_session=True, text=True)


def _finish(proc: subprocess.Popen) -> str:
    """Wait for a run; return its output; the run must succeed."""
    try:
        output, _ = proc.communicate(timeout=RUN_TIMEOUT_S)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == 0, output
    return output


def _computed(output: str) -> dict[str, int]:
    """Tasks computed per key, from a run's ``analysis.cache`` INFO lines."""
    counts: dict[str, int] = {}
    for key, _, computed, _ in COMPUTED.findall(output):
        counts[key] = counts.get(key, 0) + int(computed)
    return counts


def _entries(cache: Path) -> list[Path]:
    return sorted(cache.glob(f"{FIGURE}-*.json"))


def _sound(path: Path) -> bool:
    """A visible cache entry parses and matches its own checksum (or vanished between listing and reading)."""
    try:
        entry = json.loads(path.read_bytes())
    except FileNotFoundError:
        return True
    return entry["sha256"] == digest(entry["result"])


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> dict:
    """An uninterrupted ``-j 1`` run: its outputs' bytes, its distinct cache entries and what it computed."""
    root = tmp_path_factory.mktemp("reference")
    output = _finish(_analysis(root / "out", root / "cache", "-j", "1", cwd=root))
    return {"bytes": {name: (root / "out" / name).read_bytes() for name in OUTPUTS},
            "entries": len(_entries(root / "cache")), "computed": _computed(output)}


class Watcher(threading.Thread):
    """Reads every visible output and cache entry every few milliseconds while a run goes on.

    A visible output must equal the reference byte for byte (so it is never partial), a visible cache entry must
    pass its checksum; ``seen`` counts the reads, ``bad`` collects the files that failed.
    """

    def __init__(self, out: Path, cache: Path, expected: dict[str, bytes]) -> None:
        super().__init__(daemon=True)
        self.out, self.cache, self.expected = out, cache, expected
        self.stop, self.seen, self.bad = threading.Event(), 0, []

    def run(self) -> None:
        """Poll until :attr:`stop` is set."""
        while not self.stop.is_set():
            for name, data in self.expected.items():
                try:
                    now = (self.out / name).read_bytes()
                except FileNotFoundError:
                    continue
                self.seen += 1
                if now != data:
                    self.bad.append(name)
            for path in _entries(self.cache):
                self.seen += 1
                if not _sound(path):
                    self.bad.append(path.name)
            time.sleep(0.005)


@pytest.mark.slow
def test_python_m_analysis_killed_with_sigkill_then_rerun_gives_the_same_bytes(tmp_path, reference):
    out, cache = tmp_path / "out", tmp_path / "cache"
    rng = np.random.default_rng(20)  # issue 20: the seeded "random points"
    watcher = Watcher(out, cache, reference["bytes"])
    watcher.start()
    kills = []
    for when in ("mid-sweep", *rng.uniform(0.0, 12.0, size=2)):  # seconds: a quick run takes ~10 s alone
        proc = _analysis(out, cache, "-j", "1", cwd=tmp_path)
        t0 = time.monotonic()
        while proc.poll() is None:
            n = len(_entries(cache))
            if (when == "mid-sweep" and n >= reference["entries"] // 3) or \
                    (when != "mid-sweep" and time.monotonic() - t0 >= when):
                break
            time.sleep(0.01)
        kills.append((when, len(_entries(cache)), proc.poll()))
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate(timeout=RUN_TIMEOUT_S)
    before = len(_entries(cache))
    output = _finish(_analysis(out, cache, "-j", "1", cwd=tmp_path))
    watcher.stop.set()
    watcher.join()
    assert kills[0][2] is None, kills  # the first kill found the run still going
    assert 0 < kills[0][1] < reference["entries"], kills  # ... mid-sweep
    assert watcher.seen > 0
    assert watcher.bad == [], (watcher.bad, kills)  # no partial output or entry was ever visible
    for name in OUTPUTS:
        assert (out / name).read_bytes() == reference["bytes"][name], name
    assert len(_entries(cache)) == reference["entries"]
    assert sum(_computed(output).values()) == reference["entries"] - before  # resumed: only what was missing ran
    assert not list(tmp_path.rglob("*.tmp"))  # the killed writers' temporaries were removed by the rerun


@pytest.mark.slow
def test_two_runs_at_once_in_one_clone_share_the_cache_and_write_the_same_bytes(tmp_path, reference):
    out, cache = tmp_path / "out", tmp_path / "cache"
    watcher = Watcher(out, cache, reference["bytes"])
    watcher.start()
    procs = [_analysis(out, cache, "-j", "1", cwd=tmp_path) for _ in range(2)]
    outputs = [_finish(p) for p in procs]
    watcher.stop.set()
    watcher.join()
    assert watcher.bad == []
    for name in OUTPUTS:
        assert (out / name).read_bytes() == reference["bytes"][name], name
    assert len(_entries(cache)) == reference["entries"]
    assert all(_sound(p) for p in _entries(cache))
    together = {k: _computed(outputs[0]).get(k, 0) + _computed(outputs[1]).get(k, 0) for k in reference["computed"]}
    assert together == reference["computed"]  # each distinct task computed once between the two runs


@pytest.mark.slow
def test_a_dask_worker_killed_mid_sweep_leaves_the_same_bytes(tmp_path, reference):
    distributed = pytest.importorskip("dask.distributed")
    out, cache = tmp_path / "out", tmp_path / "cache"
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=":0") as cluster, \
            distributed.Client(cluster.scheduler_address) as client:
        proc = _analysis(out, cache, "--scheduler", cluster.scheduler_address, cwd=tmp_path)
        victim = None
        deadline = time.monotonic() + RUN_TIMEOUT_S
        while victim is None and proc.poll() is None and time.monotonic() < deadline:
            busy = [w for w, keys in client.processing().items() if keys]
            if busy and len(_entries(cache)) >= 3:
                victim = busy[0]
                break
            time.sleep(0.02)
        assert victim is not None, "the sweep ended before a worker could be killed"
        pid = client.run(os.getpid, workers=[victim])[victim]
        done_at_kill = len(_entries(cache))
        os.kill(pid, signal.SIGKILL)
        output = _finish(proc)
        client.wait_for_workers(2, timeout=60)  # the nanny restarted it
        assert victim not in client.scheduler_info()["workers"]
    assert done_at_kill < reference["entries"]
    for name in OUTPUTS:
        assert (out / name).read_bytes() == reference["bytes"][name], name
    assert len(_entries(cache)) == reference["entries"]
    assert all(_sound(p) for p in _entries(cache))
    assert "KilledWorker" not in output


def test_a_damaged_search_entry_is_reported_and_recomputed(tmp_path, caplog):
    """``proofs._search``'s own cache (fig_constants' suprema) checks its entries the same way."""
    from proofs import _search

    def run() -> dict:
        _search._cached_search.cache_clear()  # past the in-process memo, to the disk cache
        return _search.search("beta_plus", "simplex", 3, quick=True, cache_dir=tmp_path)

    first = run()
    [path] = tmp_path.glob("beta_plus-simplex-n3-*.json")
    path.write_bytes(path.read_bytes()[:100])
    with caplog.at_level("WARNING", logger="proofs.search"):
        assert run() == first
    assert "is not JSON" in caplog.text
    assert str(path) in caplog.text
    assert json.loads(path.read_bytes())["result"] == first  # rewritten whole
