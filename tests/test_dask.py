"""One figure through a real Dask cluster (a scheduler and two worker processes on 127.0.0.1) equals the local run.

``python -m analysis --only fig_second_moment --profile quick --scheduler ADDRESS`` against the same command with
``-j 1``, each with its own fresh cache: the figure's JSON (and PNG) must be byte-identical, and the scheduler
must have run every task on its workers (so the comparison is not between two local runs). Skipped only when
``dask.distributed`` is not installed (it is in the ``test`` extra).
"""

from __future__ import annotations

import pytest

distributed = pytest.importorskip("dask.distributed")

from analysis import fig_second_moment  # noqa: E402
from analysis.__main__ import main  # noqa: E402

import zosoftmax as zs  # noqa: E402

FIGURE = fig_second_moment.NAME
N_TASKS = len(zs.DISTRIBUTIONS) * len(fig_second_moment.KS)  # one task per (distribution, k)


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=":0") as cl:  # ":0": a free port (None still binds 8787)
        yield cl


def test_figure_on_dask_equals_local_run(cluster, tmp_path):
    args = ["--only", FIGURE, "--profile", "quick"]
    assert main([*args, "-j", "1", "--outdir", str(tmp_path / "local"), "--cache-dir", str(tmp_path / "c1")]) == 0
    assert main([*args, "--scheduler", cluster.scheduler_address, "--outdir", str(tmp_path / "dask"),
                 "--cache-dir", str(tmp_path / "c2")]) == 0
    with distributed.Client(cluster.scheduler_address) as client:  # what the worker processes executed
        executed = client.run(lambda dask_worker: dask_worker.state.executed_count)
    assert len(executed) == 2
    assert sum(executed.values()) == N_TASKS
    assert len(list((tmp_path / "c2").glob(f"{FIGURE}-*.json"))) == N_TASKS  # written by the workers
    for ext in ("json", "png"):
        local = (tmp_path / "local" / f"{FIGURE}.{ext}").read_bytes()
        assert local == (tmp_path / "dask" / f"{FIGURE}.{ext}").read_bytes(), ext
