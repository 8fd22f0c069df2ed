"""A cluster from the docs: docs/parallel.md's commands, run as written, from a directory outside the repository.

Issue 20: workers started as docs/parallel.md said failed with ``No module named 'analysis'`` and the scheduler
could not deserialize the task graph, until the repository was put on ``PYTHONPATH``. Here every process runs in
the environment where the project is installed (this interpreter's; its ``bin/`` first on ``PATH``), with
``PYTHONPATH`` unset and its working directory a temporary folder, so ``analysis``, ``proofs`` and ``zosoftmax``
can come only from the installed packages.

The blocks the tests run are the ones marked ``<!-- tested: tests/test_cluster_docs.py -->`` in
docs/parallel.md, taken from the file itself; the only change is the port: 8786 becomes a free port, so the test
never meets another scheduler on this machine. Everything listens on 127.0.0.1, every process is started in its own
session and its whole group is killed at the end, and every wait is bounded.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import select
import shlex
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "parallel.md"
MARK = "<!-- tested: tests/test_cluster_docs.py -->"
PORT = "8786"  # the documented port, replaced by a free one
FIGURE = "fig_second_moment"
N_TASKS = 21  # fig_second_moment's quick profile: 3 distributions x 7 values of k
CLIENT_TIMEOUT_S = 300  # a quick run takes ~15 s on the loaded 2-core VM; this bounds a hang


def _blocks() -> list[str]:
    """The fenced blocks that follow a test mark in docs/parallel.md, in order."""
    return re.findall(re.escape(MARK) + r"\s*```[a-z]*\n(.*?)```", DOC.read_text(), flags=re.DOTALL)


def _free_port() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return str(s.getsockname()[1])


def _env() -> dict[str, str]:
    """The user's shell: this environment's ``bin/`` first on PATH (``python``, ``dask``), no PYTHONPATH."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    return env | {"PATH": f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"}


def _split(line: str) -> tuple[dict[str, str], list[str]]:
    """A documented shell line: its leading ``NAME=value`` assignments and the command (comments dropped)."""
    words = shlex.split(line, comments=True)
    env = {}
    while words and re.fullmatch(r"[A-Z_]+=\S*", words[0]):
        name, value = words.pop(0).split("=", 1)
        env[name] = value
    return env, words


class Processes:
    """Background processes, each in its own session, all killed (whole groups) on exit."""

    def __init__(self, cwd: Path) -> None:
        self.cwd, self.procs = cwd, []

    def start(self, line: str, **kwargs) -> subprocess.Popen:
        """Start a documented line; its stderr (and stdout unless given) go to ``cwd/NAME.log``."""
        env, cmd = _split(line)
        with open(self.cwd / f"{len(self.procs)}-{Path(cmd[1]).stem}.log", "w") as log:
            proc = subprocess.Popen(cmd, cwd=self.cwd, env=_env() | env, start_new_session=True, text=True,
                                    stderr=log, **({"stdout": log} | kwargs))
        self.procs.append(proc)
        return proc

    def close(self) -> None:
        """SIGTERM every group, then SIGKILL what is left, each with a bounded wait."""
        for sig, grace in ((signal.SIGTERM, 10.0), (signal.SIGKILL, 5.0)):
            for proc in self.procs:
                if proc.poll() is None:
                    os.killpg(proc.pid, sig)
            deadline = time.monotonic() + grace
            for proc in self.procs:
                with contextlib.suppress(subprocess.TimeoutExpired):
                    proc.wait(timeout=max(0.1, deadline - time.monotonic()))
        for proc in self.procs:  # a group outlived SIGKILL only if its leader had exited: take the stragglers
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            for pipe in (proc.stdin, proc.stdout):
                if pipe is not None:
                    pipe.close()


@pytest.fixture
def processes(tmp_path) -> Iterator[Processes]:
    procs = Processes(tmp_path)
    try:
        yield procs
    finally:
        procs.close()


def _client(block: str, address: str, cwd: Path) -> str:
    """Run the block's ``python -m analysis`` line against ``address``; it must succeed. Return its output."""
    [line] = [ln for ln in block.splitlines() if _split(ln)[1][:3] == ["python", "-m", "analysis"]]
    env, cmd = _split(line.replace(f"tcp://127.0.0.1:{PORT}", address))
    out = subprocess.run(cmd, cwd=cwd, env=_env() | env, capture_output=True, text=True, timeout=CLIENT_TIMEOUT_S)
    assert out.returncode == 0, out.stdout + out.stderr
    return out.stdout + out.stderr


def _check_outputs(cwd: Path, output: str, reference: bytes) -> None:
    """The sweep wrote the figure (same bytes as ``-j 1``), and the workers computed every task."""
    assert (cwd / "zosoftmax-try" / f"{FIGURE}.json").read_bytes() == reference
    assert len(list((cwd / "zosoftmax-try" / "cache").glob(f"{FIGURE}-*.json"))) == N_TASKS  # the workers wrote them
    assert f"{FIGURE}: {N_TASKS} tasks, {N_TASKS} computed" in output


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> bytes:
    """The figure's JSON from ``-j 1`` in this process."""
    from analysis.__main__ import main

    out = tmp_path_factory.mktemp("reference")
    assert main(["--only", FIGURE, "--profile", "quick", "-j", "1", "--outdir", str(out),
                 "--cache-dir", str(out / "cache")]) == 0
    return (out / f"{FIGURE}.json").read_bytes()


def test_the_docs_mark_the_blocks_this_file_runs():
    blocks = _blocks()
    assert len(blocks) == 2
    assert "dask scheduler" in blocks[0]
    assert "dask worker" in blocks[0]
    assert "LocalCluster(" in blocks[1]


def test_installed_packages_import_from_any_directory(tmp_path):
    """``analysis``, ``proofs`` and ``zosoftmax`` import from outside the repository, with no PYTHONPATH.

    They come from this checkout (the editable install), and the figures' style file is found.
    """
    code = ("import analysis, proofs, zosoftmax, json; from analysis import _common; "
            "print(json.dumps([analysis.__file__, proofs.__file__, zosoftmax.__file__, _common.STYLE.is_file()]))")
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=_env(), capture_output=True, text=True,
                         timeout=120, check=True)
    files = json.loads(out.stdout)
    assert files[:3] == [str(ROOT / "analysis" / "__init__.py"), str(ROOT / "proofs" / "__init__.py"),
                         str(ROOT / "src" / "zosoftmax" / "__init__.py")]
    assert files[3] is True
    for module in ("analysis", "proofs"):
        run = subprocess.run([sys.executable, "-m", module, "--help"], cwd=tmp_path, env=_env(),
                             capture_output=True, text=True, timeout=120)
        assert run.returncode == 0, run.stderr
        assert f"python -m {module}" in run.stdout


@pytest.mark.slow
def test_scheduler_and_workers_started_by_hand_outside_the_repository(tmp_path, processes, reference):
    block = _blocks()[0]
    port = _free_port()
    lines = [ln.replace(PORT, port) for ln in block.splitlines() if ln.strip() and not ln.startswith("#")]
    servers = [ln for ln in lines if _split(ln)[1][:1] == ["dask"]]
    assert [_split(ln)[1][:2] for ln in servers] == [["dask", "scheduler"], ["dask", "worker"]]
    for line in servers:
        processes.start(line)
    output = _client(block, f"tcp://127.0.0.1:{port}", tmp_path)
    _check_outputs(tmp_path, output, reference)


@pytest.mark.slow
def test_local_cluster_script_outside_the_repository(tmp_path, processes, reference):
    (tmp_path / "local_cluster.py").write_text(_blocks()[1])
    cluster = processes.start(f"python {tmp_path / 'local_cluster.py'}", stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE)
    assert select.select([cluster.stdout], [], [], CLIENT_TIMEOUT_S)[0], "the script printed no address"
    address = cluster.stdout.readline().strip()  # the script prints the scheduler's address first
    assert re.fullmatch(r"tcp://127\.0\.0\.1:\d+", address), address
    output = _client(_blocks()[0], address, tmp_path)
    _check_outputs(tmp_path, output, reference)
    cluster.stdin.write("\n")  # "press enter to stop the cluster"
    cluster.stdin.flush()
    assert cluster.wait(timeout=60) == 0
