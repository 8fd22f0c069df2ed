"""The command line: ``zosoftmax run`` shows ZO-GD converging within the C11 rate (issue 2)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from zosoftmax.cli import main

SMALL = ["run", "--n", "16", "--d", "8", "--k", "2", "--steps", "200", "--seed", "3", "--no-progress"]


def test_run_json_reports_a_rate_within_the_bound(capsys):
    assert main([*SMALL, "--json"]) == 0
    res = json.loads(capsys.readouterr().out)
    assert 0 < res["rate_zo_measured"] < 1
    assert res["rate_zo_measured"] <= res["rate_bound_c11"] < 1
    assert res["bound_holds"] is True
    assert res["gap_final_zo"] < 1e-6 * res["gap_initial"]
    assert res["forward_passes"] == 200 * 2 * 2


def test_run_table(capsys):
    assert main(SMALL) == 0
    out = capsys.readouterr().out
    assert "C11 bound" in out and "holds" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--d", "32", "--n", "8"], "d must be <= n"),
        (["--reg", "-1"], "reg must be"),
        (["--k", "0"], "k must be"),
        (["--steps", "0"], "steps must be"),
        (["--eps", "0"], "eps must be"),
        (["--seed", "-2"], "seed must be"),
    ],
)
def test_bad_arguments_exit_2_with_a_message(args, message, capsys):
    assert main(["run", "--no-progress", *args]) == 2
    assert message in capsys.readouterr().err


def test_help_describes_every_option():
    out = subprocess.run([sys.executable, "-m", "zosoftmax.cli", "run", "--help"], capture_output=True, text=True,
                         check=True).stdout
    for option in ["--n", "--d", "--k", "--steps", "--distribution", "--scheme", "--eps", "--reg", "--seed", "--json"]:
        assert option in out
