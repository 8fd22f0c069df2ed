"""Shared plumbing for the figure scripts: profiles, the task runner, atomic cached results, deterministic saving.

Every figure script ``analysis/fig_NAME.py`` has ``NAME``, ``compute(profile, runner=None) -> dict`` (numbers
only), ``plot(data) -> Figure`` and ``main(argv)``, which calls :func:`run_figure`; optionally ``PRECISION``, the
stored precision of its noise-dominated quantities (:func:`zosoftmax.io.canonical`). Nothing here computes
mathematics: that lives in ``zosoftmax``.

The task API (how a figure's expensive work runs in parallel)
--------------------------------------------------------------
A figure's work is a list of independent tasks, each a call of a module-level function with keyword
arguments that carry everything the result depends on, seeds included::

    def _experiment(dist: str, k: int, seed: int) -> dict: ...     # module level: picklable

    def compute(profile: str, runner: Runner | None = None) -> dict:
        runner = as_runner(runner)                                  # None: serial, in this process
        tasks = [{"dist": d, "k": k, "seed": s} for d in DISTS for k in KS for s in range(seeds)]
        rows = runner.map(_experiment, tasks, key=f"{NAME}-experiment")   # results in task order

``Runner.map`` caches each task's result under ``.cache/analysis`` (keyed on ``key``, the task's parameters and
the source of ``zosoftmax`` and ``analysis``), written atomically by whichever process ran it: an interrupted
run resumes, and cluster workers on a shared filesystem reuse each other's results. Results come back as
their JSON round trip (plain lists, dicts, floats), in task order, so the figure's output is byte-identical
whether the tasks ran serially (``Runner()``), on local processes (``Runner(jobs=N)``, joblib) or on a Dask
cluster (``Runner(scheduler="tcp://HOST:8786")``). ``python -m analysis -j N`` / ``--scheduler ADDRESS``
build one runner for all figures (see docs/parallel.md).

Faults (tested in ``tests/test_faults.py``). A cache entry carries its key, parameters, code fingerprint and the
SHA-256 of its result; an entry that is truncated, corrupted or not the one asked for is reported (a warning on
the ``analysis.cache`` logger), never loaded, and recomputed. Each entry is computed and written under a
``filelock`` lock (``CACHE/.locks/``), so two runs in one clone, or two clients of one cluster, compute each task
once and never interleave their writes; a lock dies with its process, so a killed run leaves no stale lock, and
the temporary file a killed writer left is removed by the next writer of that entry. Figure outputs are written
the same way (lock, then temporary file and rename), so no partial output is ever visible.
"""

from __future__ import annotations

import argparse
import hashlib
import inspect
import io
import json
import logging
import math
import os
import sys
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import as_completed
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from joblib.externals.loky import get_reusable_executor
from matplotlib.figure import Figure
from scipy import stats
from tqdm import tqdm

import zosoftmax
from zosoftmax.io import atomic_write_bytes, atomic_write_json, canonical, locked, read_entry, write_entry

__all__ = [
    "CACHE",
    "FIGURES",
    "GENERATED",
    "PROFILES",
    "ROOT",
    "STYLE",
    "Runner",
    "add_runner_arguments",
    "as_runner",
    "band",
    "cached",
    "compute_figure",
    "pooled",
    "pooled_skewness",
    "produce",
    "run_figure",
    "runner_from_args",
    "save_figure",
    "skew_corrected_t",
    "skewness",
    "t_threshold",
    "write_figure",
]

ROOT = Path(__file__).resolve().parents[1]
FIGURES = ROOT / "figures"
GENERATED = ROOT / "paper" / "generated"
CACHE = ROOT / ".cache" / "analysis"
ONE_BLAS_THREAD = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}  # local workers' env
# python -m analysis -j N computes figures in threads of one process: transformers' lazy imports and from_pretrained
# are not thread-safe (two figures loading the model at once failed with "module 'transformers' has no attribute
# 'AutoTokenizer'"), so every figure runs the model under this lock (worker processes each have their own)
MODEL_LOCK = threading.Lock()
WORKER_IDLE_S = 300  # local worker processes outlive a pause this long (between figures, while plotting)
log = logging.getLogger("analysis.cache")  # corrupt entries (WARNING) and what each map computed (INFO)

# quick: what the test suite runs (seconds); default: `make reproduce` (< 10 min for all figures on 2 cores);
# full: `make figures-full` (more seeds, larger d). Scripts read the keys they need and may add their own.
PROFILES: dict[str, dict[str, Any]] = {
    "quick": {"seeds": 4, "scale": 0.1},
    "default": {"seeds": 20, "scale": 1.0},
    "full": {"seeds": 50, "scale": 2.0},
}

STYLE = Path(__file__).resolve().parent / "paper.mplstyle"  # the one style of every figure: printed size, >= 7 pt
plt.style.use(STYLE)


def pooled(chunks: list[dict[str, Any]]) -> tuple[np.ndarray, np.ndarray, int]:
    """Mean, standard error and count over the runs of all chunks (Chan et al.'s pairwise update of means and M2).

    Each chunk is ``{"runs", "mean", "m2"}`` per step: a figure splits one curve's runs into tasks and pools them here.
    """
    total = sum(int(c["runs"]) for c in chunks)
    mean = sum(int(c["runs"]) * np.asarray(c["mean"]) for c in chunks) / total
    m2 = sum(np.asarray(c["m2"]) + int(c["runs"]) * (np.asarray(c["mean"]) - mean) ** 2 for c in chunks)
    return mean, np.sqrt(m2 / (total - 1) / total), total


def pooled_skewness(chunks: list[dict[str, Any]]) -> np.ndarray:
    r"""Sample skewness :math:`\hat\gamma = m_3 / m_2^{3/2}` (central moments over ``n``) of all runs of all chunks.

    Each chunk is ``{"runs", "mean", "m2", "m3"}``, ``m3`` the sum of cubed deviations from the chunk's mean. About the
    pooled mean :math:`\bar x`, a chunk with mean :math:`\bar x_c` and :math:`\delta_c = \bar x_c - \bar x`
    contributes :math:`\sum (x - \bar x)^3 = M_{3,c} + 3\delta_c M_{2,c} + n_c\delta_c^3` (and
    :math:`M_{2,c} + n_c\delta_c^2` to the squares).
    """
    total = sum(int(c["runs"]) for c in chunks)
    mean = sum(int(c["runs"]) * np.asarray(c["mean"]) for c in chunks) / total
    m2 = m3 = 0.0
    for c in chunks:
        n, delta, c2 = int(c["runs"]), np.asarray(c["mean"]) - mean, np.asarray(c["m2"])
        m2 = m2 + c2 + n * delta ** 2
        m3 = m3 + np.asarray(c["m3"]) + 3 * delta * c2 + n * delta ** 3
    with np.errstate(invalid="ignore", divide="ignore"):  # all runs equal (m2 = 0): skewness 0, no correction
        gamma = np.where(m2 > 0, (m3 / total) / np.maximum(m2 / total, np.finfo(np.float64).tiny) ** 1.5, 0.0)
    return np.asarray(gamma, dtype=np.float64)


def skewness(values: Any) -> float:
    r"""Sample skewness :math:`m_3 / m_2^{3/2}` (central moments over ``n``) of one sample; 0 when all values are equal.

    :func:`pooled_skewness` is the same statistic for runs that come in chunks.
    """
    dev = np.asarray(values, dtype=np.float64) - np.mean(values)
    return float(np.mean(dev ** 3) / np.mean(dev ** 2) ** 1.5) if np.any(dev != 0) else 0.0


def skew_corrected_t(mean: Any, se: Any, skewness: Any, runs: int, expected: Any) -> np.ndarray:
    r"""Hall's (1992) skewness-corrected Student statistic of a sample mean against its exact expectation.

    With :math:`t = (\bar x - \mu)/\mathrm{SE}` (SE from the sample standard deviation), :math:`n` runs and sample
    skewness :math:`\hat\gamma`,

    .. math:: T = t + \frac{\hat\gamma\,t^2}{3\sqrt n} + \frac{\hat\gamma^2 t^3}{27\,n}
              + \frac{\hat\gamma}{6\sqrt n},

    monotone in :math:`t` (:math:`dT/dt = (1 + \hat\gamma t/(3\sqrt n))^2`), and :math:`N(0, 1)` up to
    :math:`O(1/n)` where the plain :math:`t` is off by :math:`O(\hat\gamma/\sqrt n)`: ZO-GD's gaps are skewed (a
    sum of squared Gaussian projections), and the plain z-test over 24 runs rejected a correct curve about 20 times
    as often as its nominal level (docs/power.md). P. Hall, "On the removal of skewness by transformation", J. R.
    Statist. Soc. B 54 (1992) 221-228. Compared with :func:`t_threshold`, Student's quantile: at
    :math:`\hat\gamma = 0` the statistic is the plain t, whose quantile that is (exact for normal runs); the
    correction's level is measured, not exact (docs/power.md).
    """
    t = (np.asarray(mean, dtype=np.float64) - np.asarray(expected, dtype=np.float64)) / np.asarray(se, np.float64)
    g, root = np.asarray(skewness, dtype=np.float64), math.sqrt(runs)
    return np.asarray(t + g * t ** 2 / (3 * root) + g ** 2 * t ** 3 / (27 * runs) + g / (6 * root))


def t_threshold(alpha: float, runs: int) -> float:
    """Two-sided threshold of one comparison at level ``alpha``: Student's t quantile, ``runs - 1`` d.o.f."""
    return float(stats.t.isf(alpha / 2, runs - 1))


def band(values: Any, axis: int = 0) -> dict[str, list[float]]:
    """Median and 10-90% band over ``axis`` (the seeds)."""
    v = np.asarray(values, dtype=float)
    q10, med, q90 = np.quantile(v, [0.1, 0.5, 0.9], axis=axis)
    return {"median": med.tolist(), "q10": q10.tolist(), "q90": q90.tolist()}


def _code_fingerprint() -> str:
    """Hash of the library's and the analysis scripts' sources: a code change invalidates every cached result."""
    digest = hashlib.sha256()
    for folder in (Path(zosoftmax.__file__).parent, Path(__file__).parent):
        for path in sorted(folder.glob("*.py")):
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def cached(key: str, params: dict[str, Any], compute: Callable[[], Any], cache_dir: Path | None = None) -> Any:
    """Return the cached result of ``compute()`` for (key, params, code), computing it if absent.

    The cache key covers the parameters and the source of ``zosoftmax`` and of ``analysis/`` (so a
    stale result never survives a code change). Results are written atomically under the entry's lock, so an
    interrupted run loses only the experiment in flight and the next run resumes after the last finished one;
    an entry that fails :func:`zosoftmax.io.read_entry`'s checks is reported and recomputed.
    """
    fingerprint = _code_fingerprint()
    path = _cache_path(key, params, CACHE if cache_dir is None else cache_dir, fingerprint)
    with locked(path):
        found, result, problem = read_entry(path, key, params, fingerprint)
        if found:
            return result
        if problem is not None:
            log.warning("cache entry %s %s: recomputing it", path, problem)
        result = compute()
        write_entry(path, key, params, fingerprint, result)
        return result


def _discard(path: str, key: str, params: dict[str, Any], fingerprint: str) -> None:
    """Remove the entry at ``path`` if, under its lock, it is still not sound (another run may have repaired it)."""
    with locked(path):
        found, _, problem = read_entry(path, key, params, fingerprint)
        if not found and problem is not None:
            os.unlink(path)


def save_figure(fig: Figure, name: str, outdir: Path) -> list[Path]:
    """Write ``NAME.png`` and ``NAME.pdf`` deterministically (no timestamps) and atomically."""
    paths = []
    for ext, meta in (("png", {"Software": None}), ("pdf", {"CreationDate": None, "ModDate": None, "Producer": None})):
        buf = io.BytesIO()
        fig.savefig(buf, format=ext, metadata=meta, bbox_inches="tight")
        path = outdir / f"{name}.{ext}"
        with locked(path):
            atomic_write_bytes(path, buf.getvalue())
        paths.append(path)
    plt.close(fig)
    return paths


def compute_figure(name: str, compute: Callable[..., dict[str, Any]], *, profile: str = "default",
                   runner: Runner | None = None) -> dict[str, Any]:
    """One figure's data: ``compute(profile, runner=runner)``, with ``figure`` and ``profile`` filled in."""
    if profile not in PROFILES:
        raise ValueError(f"profile must be one of {sorted(PROFILES)}, got {profile!r}")
    if "runner" in inspect.signature(compute).parameters:
        data = compute(profile, runner=as_runner(runner))
    else:  # a figure not yet converted to tasks computes in this process
        data = compute(profile)
    data.setdefault("figure", name)
    data.setdefault("profile", profile)
    return data


def write_figure(name: str, data: dict[str, Any], plot: Callable[[dict[str, Any]], Figure],
                 outdir: Path | None = None) -> dict[str, Any]:
    """Write ``NAME.png|pdf`` (``plot(data)``) to ``figures/`` and ``NAME.json`` to ``paper/generated/``.

    ``outdir`` receives all three files instead. Plotting happens here, in the calling thread only (matplotlib
    is not thread-safe). Both the JSON and the plot are made from ``canonical(data, PRECISION)``: every float at
    its stated precision (6 significant digits unless the figure module's ``PRECISION`` says otherwise;
    :func:`zosoftmax.io.canonical`, docs/reproducibility.md), so that another machine writes the same bytes.
    Returns that stored data.
    """
    data = canonical(data, getattr(sys.modules.get(plot.__module__), "PRECISION", None))
    save_figure(plot(data), name, FIGURES if outdir is None else outdir)
    path = (GENERATED if outdir is None else outdir) / f"{name}.json"
    with locked(path):
        atomic_write_json(path, data)
    print(f"{name}: {data.get('finding', '')} [confirmed={data.get('confirmed')}]", file=sys.stderr)
    return data


def produce(name: str, compute: Callable[..., dict[str, Any]], plot: Callable[[dict[str, Any]], Figure], *,
            profile: str = "default", runner: Runner | None = None, outdir: Path | None = None) -> dict[str, Any]:
    """:func:`compute_figure` then :func:`write_figure`: one figure, computed with ``runner``, written.

    Returns the data as computed (the files hold it at its stored precision, :func:`write_figure`).
    """
    data = compute_figure(name, compute, profile=profile, runner=runner)
    write_figure(name, data, plot, outdir)
    return data


def add_runner_arguments(parser: argparse.ArgumentParser, jobs: int | None = None) -> None:
    """``-j N`` (default ``jobs``; ``None``: all cores), ``--scheduler ADDRESS``, ``--cache-dir DIR``."""
    parser.add_argument("-j", "--jobs", type=int, default=jobs,
                        help=f"local worker processes (default: {'all cores' if jobs is None else jobs}; "
                             "1: in this process)")
    parser.add_argument("--scheduler", default=None, metavar="ADDRESS",
                        help="run the tasks on this Dask scheduler (tcp://HOST:PORT; needs the [dask] extra)")
    parser.add_argument("--cache-dir", type=Path, default=None,
                        help="task result cache (default: .cache/analysis; on a cluster, a shared filesystem)")


def runner_from_args(args: argparse.Namespace) -> Runner:
    """The :class:`Runner` that :func:`add_runner_arguments`' options ask for (with a progress bar)."""
    return Runner(jobs=args.jobs, scheduler=args.scheduler, cache_dir=args.cache_dir, progress=True)


def run_figure(name: str, compute: Callable[..., dict[str, Any]], plot: Callable[[dict[str, Any]], Figure],
               argv: list[str] | None = None, doc: str | None = None) -> dict[str, Any]:
    """Command-line driver shared by every figure script.

    ``--profile {quick,default,full}`` (``--quick`` is short for the first), ``--outdir DIR`` writes
    ``DIR/NAME.png|pdf`` and ``DIR/NAME.json`` instead of ``figures/`` and ``paper/generated/``; ``-j N``,
    ``--scheduler ADDRESS`` and ``--cache-dir DIR`` choose where the tasks run (:class:`Runner`). Without
    ``-j`` or ``--scheduler`` a single figure runs its tasks in this process.
    """
    parser = argparse.ArgumentParser(prog=f"python -m analysis.{name}", description=doc)
    parser.add_argument("--profile", choices=sorted(PROFILES), default="default")
    parser.add_argument("--quick", action="store_true", help="the fast profile the tests run")
    parser.add_argument("--outdir", type=Path, default=None, help="write figure and JSON here")
    add_runner_arguments(parser, jobs=1)
    args = parser.parse_args(argv)
    profile = "quick" if args.quick else args.profile
    with runner_from_args(args) as runner:
        return produce(name, compute, plot, profile=profile, runner=runner, outdir=args.outdir)


# ------------------------------------------------------------------------------------------------ the task runner
def _cache_path(key: str, params: dict[str, Any], cache_dir: Path, fingerprint: str) -> Path:
    """Where the result of (key, params) under the code ``fingerprint`` is cached."""
    blob = json.dumps({"key": key, "params": params, "code": fingerprint}, sort_keys=True, default=str)
    return cache_dir / f"{key}-{hashlib.sha256(blob.encode()).hexdigest()[:16]}.json"


def _run_task(func: Callable[..., Any], task: dict[str, Any], path: str | None, key: str = "",
              fingerprint: str = "") -> tuple[Any, bool]:
    """Run one task where it lands (this process, a joblib worker or a Dask worker) and write it through the cache.

    Returns ``(result, computed)``: ``computed`` is false when the entry at ``path`` was found sound under its lock
    (another run or client computed it meanwhile). The result is its JSON round trip, so a fresh result and a
    cached one are the same objects (lists, not tuples; Python floats, not NumPy scalars): the figure's output
    cannot depend on which it got. A damaged entry found here is reported on this process's log and overwritten.
    """
    if path is None:
        return json.loads(json.dumps(func(**task), default=_json_default)), True
    with locked(path):
        found, result, problem = read_entry(path, key, task, fingerprint)
        if found:
            return result, False
        if problem is not None:
            log.warning("cache entry %s %s: recomputing it", path, problem)
        result = json.loads(json.dumps(func(**task), default=_json_default))
        write_entry(path, key, task, fingerprint, result)
        return result, True


def _json_default(obj: Any) -> Any:
    if isinstance(obj, np.ndarray | np.generic):
        return obj.tolist()
    raise TypeError(f"a task must return plain JSON-able data, got {type(obj).__name__}")


class Runner:
    """Runs a figure's independent tasks: in this process, on local joblib processes, or on a Dask cluster.

    Parameters
    ----------
    jobs : int, optional
        Local worker processes (joblib's loky process pool); 1 (the default) runs every task in this process,
        ``None`` or ``-1`` uses ``os.cpu_count()``. Ignored when ``scheduler`` is given.
    scheduler : str, optional
        Address of a ``dask.distributed`` scheduler (``tcp://HOST:8786``); the tasks run on its workers,
        which import ``analysis`` and ``zosoftmax`` as installed packages (the same commit, ``pip install -e .``;
        any working directory, docs/parallel.md) and, for the cache to be shared, see ``cache_dir`` (a shared
        filesystem with working file locks).
    cache_dir : Path, optional
        Where each task's result is cached; default: ``analysis._common.CACHE`` read at call time.
        ``False`` disables the cache.
    progress : bool
        A tqdm bar over each task list (on stderr).

    Notes
    -----
    :meth:`map` returns results in task order whichever way they ran, each the JSON round trip of the task's
    return value, and every task carries its own seed: the outputs are byte-identical across modes.
    Use as a context manager (``with Runner(jobs=2) as runner: ...``) so a Dask client is closed.
    """

    def __init__(self, jobs: int | None = 1, scheduler: str | None = None, cache_dir: Path | bool | None = None,
                 progress: bool = False) -> None:
        if jobs is not None and (not isinstance(jobs, int) or jobs == 0 or jobs < -1):
            raise ValueError(f"jobs must be a positive int, -1 or None (all cores), got {jobs!r}")
        self.jobs = (os.cpu_count() or 1) if jobs in (None, -1) else jobs
        self.scheduler = scheduler
        self.cache_dir = cache_dir
        self.progress = progress
        self._client: Any = None

    def __enter__(self) -> Runner:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the Dask client, if one was opened."""
        if self._client is not None:
            self._client.close()
            self._client = None

    @property
    def parallel(self) -> bool:
        """Whether tasks run elsewhere (worker processes or a cluster) rather than in the calling thread."""
        return self.scheduler is not None or self.jobs > 1

    def __repr__(self) -> str:
        where = f"scheduler={self.scheduler!r}" if self.scheduler else f"jobs={self.jobs}"
        return f"Runner({where})"

    def map(self, func: Callable[..., Any], tasks: list[dict[str, Any]], *, key: str, cache: bool = True) -> list[Any]:
        """``[func(**task) for task in tasks]``, each result cached under ``key`` and the task's parameters.

        Parameters
        ----------
        func : callable
            A module-level (picklable) function of keyword arguments returning plain JSON-able data
            (dicts, lists, numbers, strings; NumPy arrays and scalars are converted).
        tasks : list of dict
            One keyword-argument dict per task, JSON-able; it is the task's cache key together with ``key``
            and the code fingerprint of ``zosoftmax`` and ``analysis``, so it must determine the result
            (pass seeds explicitly).
        key : str
            A name for the experiment (file-name safe), e.g. ``"fig_descent-gaussian"``.
        cache : bool
            ``False``: do not cache here (for a function that caches its own results, such as the proofs'
            search: one computation, one cache).

        Returns
        -------
        list
            The results in the order of ``tasks``.
        """
        if not callable(func) or "<locals>" in getattr(func, "__qualname__", "<locals>") or \
                getattr(func, "__name__", "") == "<lambda>":
            raise ValueError(f"func must be a module-level function (picklable), got {func!r}")
        if not key or any(ch in key for ch in "/\\\0"):
            raise ValueError(f"key must be a non-empty file-name-safe string, got {key!r}")
        tasks = list(tasks)
        fingerprint = _code_fingerprint() if cache else ""
        paths = self._paths(key, tasks, fingerprint) if cache else [None] * len(tasks)
        results: list[Any] = [None] * len(tasks)
        todo = []
        for i, path in enumerate(paths):
            found, result, problem = (False, None, None) if path is None else \
                read_entry(path, key, tasks[i], fingerprint)
            if found:
                results[i] = result
                continue
            if problem is not None:  # reported once, here, and removed: the task then finds no entry
                log.warning("cache entry %s %s: recomputing it", path, problem)
                _discard(path, key, tasks[i], fingerprint)
            todo.append(i)
        bar = tqdm(total=len(tasks), initial=len(tasks) - len(todo), desc=key, unit="task", leave=False,
                   disable=not self.progress or not tasks, file=sys.stderr)
        computed = 0
        with bar:
            for i, (result, fresh) in self._execute(func, [tasks[i] for i in todo], [paths[i] for i in todo], todo,
                                                    key, fingerprint):
                results[i] = result
                computed += fresh
                bar.update()
        log.info("%s: %d tasks, %d computed, %d from the cache", key, len(tasks), computed, len(tasks) - computed)
        return results

    def _paths(self, key: str, tasks: list[dict[str, Any]], fingerprint: str) -> list[str | None]:
        cache_dir = CACHE if self.cache_dir is None or self.cache_dir is True else self.cache_dir
        if cache_dir is False:
            return [None] * len(tasks)
        return [str(_cache_path(key, task, Path(cache_dir), fingerprint)) for task in tasks]

    def _execute(self, func: Callable[..., Any], tasks: list[dict[str, Any]], paths: list[str | None],
                 index: list[int], key: str, fingerprint: str) -> Iterator[tuple[int, tuple[Any, bool]]]:
        """Yield ``(index, (result, computed))`` as tasks finish (in any order)."""
        if not tasks:
            return
        n = len(tasks)
        if self.scheduler is not None:
            from dask.distributed import as_completed as dask_completed  # the optional extra [dask]

            client = self._dask_client()
            futures = client.map(_run_task, [func] * n, tasks, paths, [key] * n, [fingerprint] * n, pure=False)
            position = {f.key: i for f, i in zip(futures, index, strict=True)}
            for future in dask_completed(futures, loop=client.loop):
                yield position[future.key], future.result()
        elif self.jobs == 1 or n == 1:
            for i, task, path in zip(index, tasks, paths, strict=True):
                yield i, _run_task(func, task, path, key, fingerprint)
        else:
            # joblib's process pool (loky), shared by every map and thread; one BLAS thread per worker process, as
            # on Dask workers: the parallelism is across tasks. A failing task fails its own future only.
            executor = get_reusable_executor(max_workers=self.jobs, timeout=WORKER_IDLE_S, env=ONE_BLAS_THREAD)
            futures = {executor.submit(_run_task, func, task, path, key, fingerprint): i
                       for i, task, path in zip(index, tasks, paths, strict=True)}
            try:
                for future in as_completed(futures):
                    yield futures[future], future.result()
            finally:
                for future in futures:
                    future.cancel()  # after a failure: the tasks not started yet

    def _dask_client(self) -> Any:
        if self._client is None:
            from dask.distributed import Client

            self._client = Client(self.scheduler, set_as_default=False)
        return self._client


def as_runner(runner: Runner | None) -> Runner:
    """``runner``, or a serial in-process :class:`Runner` (what the tests' quick mode uses) if ``None``."""
    return Runner() if runner is None else runner
