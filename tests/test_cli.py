"""The command line: ``zosoftmax run`` on generated instances and on the user's own files (C11, C7, C1).

Exit status 0 (bound holds), 1 (violated, with the reason), 2 (bad arguments or data, the message naming the
argument), 3 (not measured); numbers in the output agree with the library's functions on the same instance.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import numpy as np
import pytest

import zosoftmax as zs
from zosoftmax import cli
from zosoftmax.cli import MIN_RATE_POINTS, main

SMALL = ["run", "--n", "16", "--d", "8", "--k", "2", "--steps", "200", "--seed", "3", "--no-progress"]
FAST = ["--k", "2", "--steps", "60", "--no-progress", "--json"]  # for own-data runs


def _json(capsys, argv, status=0):
    assert main(argv) == status
    return json.loads(capsys.readouterr().out)


def test_run_json_reports_a_rate_within_the_bound(capsys):
    res = _json(capsys, [*SMALL, "--json"])
    assert 0 < res["rate_zo_measured"] < 1
    assert res["rate_zo_measured"] <= res["rate_bound_c11"] < 1
    assert res["verdict"] == "holds"
    assert res["bound_holds"] is True
    assert res["gap_final_zo"] < 1e-6 * res["gap_initial"]
    assert res["forward_passes"] == 200 * 2 * 2
    p = zs.strongly_convex_instance(16, 8, rng=3, margin=1.0)  # the documented generated instance
    assert res["ell"] == zs.smoothness_bound(p)
    assert res["mu"] == zs.pl_constant(p)
    assert res["kappa"] == pytest.approx(res["ell"] / res["mu"], rel=1e-15)
    assert res["rate_bound_c11"] == zs.rate_bound(p, 2, "sphere")


def test_run_table(capsys):
    assert main(SMALL) == 0
    out = capsys.readouterr().out
    assert "C11 bound" in out
    assert "holds" in out
    assert "VIOLATED" not in out


def test_gaps_below_rounding_print_as_zero_with_a_note(capsys):
    """GD at rate ~0.63 reaches L* to rounding within 200 steps.

    At seed 1 its computed final gap is the negative rounding residue -3.5e-18 (|.| below the (2n + d + 2)u rounding of
    the two losses, 4e-16). It is reported as 0, with a note giving the rounding level; gaps above it are kept.
    """
    argv = [*SMALL[:-3], "--seed", "1", "--no-progress"]
    p = zs.strongly_convex_instance(16, 8, rng=1, margin=1.0)
    x0 = np.random.default_rng(2).standard_normal(8)  # the CLI's start: seed + 1
    raw = zs.gd(p, x0, steps=200, lr=1 / zs.smoothness_bound(p)).losses[-1] - zs.newton(p, x0).losses[-1]
    res = _json(capsys, [*argv, "--json"])
    assert raw < 0  # the case of the report: a negative gap below rounding
    assert abs(raw) <= res["gap_rounding"]
    assert res["gap_final_gd"] == 0.0
    assert res["gap_final_zo"] > res["gap_rounding"] > 0
    assert main(argv) == 0
    gap_line, note = capsys.readouterr().out.splitlines()[2:4]
    assert "GD final 0 " in gap_line + " "
    assert all(float(v) >= 0 for v in re.findall(r"final (\S+)", gap_line))
    assert "below the rounding" in note


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--n", "1"], "n must be at least 2"),
        (["--reg", "-1"], "reg must be"),
        (["--k", "0"], "k must be"),
        (["--steps", "0"], "too few to measure a rate"),
        (["--steps", str(MIN_RATE_POINTS - 2)], "too few to measure a rate"),
        (["--eps", "0"], "eps must be"),
        (["--eps", "1e-300"], "eps=1e-300 cannot move the loss"),  # the library's guard, through the CLI
        (["--seed", "-2"], "seed must be"),
        (["--w", "w.npy"], "--w needs --A and --b"),
    ],
)
def test_bad_arguments_exit_2_with_a_message(args, message, capsys):
    assert main(["run", "--no-progress", *args]) == 2
    err = capsys.readouterr().err
    assert err.startswith("zosoftmax: error: ")
    assert message in err


def test_steps_at_the_minimum_give_a_rate(capsys):
    """MIN_RATE_POINTS - 1 steps give exactly MIN_RATE_POINTS points: the smallest run that is fitted."""
    res = _json(capsys, ["run", "--n", "16", "--d", "8", "--steps", str(MIN_RATE_POINTS - 1), "--no-progress",
                         "--json"])
    assert res["rate_zo_points"] == MIN_RATE_POINTS
    assert res["rate_zo_measured"] is not None


def test_a_rate_from_too_few_points_is_not_measured(capsys):
    """With d = 1 and a large margin, kappa ~ 1, both methods reach the fit's floor within 2 steps.

    No rate is fitted to fewer than MIN_RATE_POINTS points: the verdict is 'not measured', with its own exit status
    3 (not 0 like a pass), never a 3-point 'holds'.
    """
    res = _json(capsys, ["run", "--n", "4", "--d", "1", "--reg", "1000", "--steps", "50", "--no-progress", "--json"],
                status=3)
    assert res["rate_zo_points"] < MIN_RATE_POINTS
    assert res["rate_gd_points"] < MIN_RATE_POINTS
    assert res["rate_zo_measured"] is None
    assert res["rate_gd_measured"] is None
    assert res["verdict"] == "not measured"
    assert main(["run", "--n", "4", "--d", "1", "--reg", "1000", "--steps", "50", "--no-progress"]) == 3
    out = capsys.readouterr().out
    assert "ZO not measured" in out
    assert "holds" not in out


def test_any_value_error_of_the_library_exits_2(monkeypatch, capsys):
    """The CLI boundary: whatever ValueError the library raises is printed as the error and exits 2, no traceback."""
    def refuse(*args, **kwargs):
        raise ValueError("eps must be sensible (planted)")

    monkeypatch.setattr(cli, "zo_gd", refuse)
    assert main(["run", "--no-progress", "--n", "8", "--d", "2", "--steps", "20"]) == 2
    assert capsys.readouterr().err == "zosoftmax: error: eps must be sensible (planted)\n"


@pytest.mark.parametrize(("n", "d"), [(3, 5), (4, 4), (1, 3)])
def test_api_and_cli_accept_the_same_instances(n, d, capsys):
    """random_instance(3, 5) is valid in the API, so the CLI runs it too.

    With d > n, A has rank n < d and L is not strongly convex, but PL on the row space of A (mu = pl_constant > 0),
    which is what C11 needs.
    """
    try:
        zs.random_instance(n, d, rng=0)
        api_ok = True
    except ValueError:
        api_ok = False
    status = main(["run", "--n", str(n), "--d", str(d), "--steps", "100", "--no-progress", "--json"])
    out = capsys.readouterr()
    assert (status != 2) == api_ok
    if api_ok:
        res = json.loads(out.out)
        assert res["d"] == d
        assert res["mu"] > 0
        assert res["verdict"] == "holds"


def test_a_large_eps_is_violated_and_the_output_says_why(capsys):
    """At eps = 10 the central estimate's bias stalls ZO-GD, the rate exceeds the bound, and the output says why.

    The O(eps^2) bias (C7) is comparable to the gradient near x*, ZO-GD stalls at a floor and the fitted rate exceeds
    the eps -> 0 bound. Exit 1; the reason is the measured bias, significantly above zero (> 3 standard errors), printed
    next to the gradient norm and the C7 bound.
    """
    argv = ["run", "--n", "16", "--d", "8", "--eps", "10", "--steps", "300", "--no-progress"]
    res = _json(capsys, [*argv, "--json"], status=1)
    why = res["why"]
    assert res["verdict"] == "violated"
    assert res["rate_zo_measured"] > res["rate_bound_c11"]
    assert why["cause"] == "bias"
    assert why["bias_measured"] > 3 * why["bias_se"]
    assert why["bias_measured"] >= 0.5 * why["grad_norm_final"]
    assert why["bias_measured"] <= why["bias_bound_c7"]  # C7's bound holds even here
    assert main(argv) == 1
    out = capsys.readouterr().out
    assert "VIOLATED" in out
    assert "why" in out
    assert "biased at eps=10" in out
    assert "smaller --eps" in out


def test_help_is_plain_text_and_describes_every_option():
    """--help is plain text (no reStructuredText markup) that fits an 80-column terminal."""
    env = {**os.environ, "COLUMNS": "80"}
    for argv in (["--help"], ["run", "--help"]):
        out = subprocess.run([sys.executable, "-m", "zosoftmax.cli", *argv], capture_output=True, text=True,
                             check=True, env=env).stdout
        for rst in ("``", ":math:", ":func:", ".. "):
            assert rst not in out, (argv, rst)
        assert max(len(line) for line in out.splitlines()) <= 80
    for option in ["--n", "--d", "--k", "--steps", "--distribution", "--scheme", "--eps", "--reg", "--seed", "--json",
                   "--A", "--b", "--w", ".npz:KEY", "exit status", "3 not measured", "x0", "unit ball",
                   "zo_gd's is gaussian", "zo_gd's is 1", "zo_gd's\nis 1e-3"]:
        assert option in out or option.replace("\n", " ") in " ".join(out.split()), option


# ------------------------------------------------------------------------------------------------ own data
@pytest.fixture(scope="module")
def data():
    """A small instance's A, b, w (the user's own data in these tests)."""
    p = zs.random_instance(12, 4, rng=21, w=0.9)
    return p.A, p.b, p.w


def _write(path, arr, fmt):
    if fmt == "npy":
        np.save(path, arr)
    elif fmt == "npz":
        np.savez(path, arr)
    else:
        np.savetxt(path, arr if arr.ndim == 2 else arr[:, None], delimiter=",", fmt="%.17g")  # exact round trip
    return str(path)


@pytest.mark.parametrize("fmt", ["npy", "npz", "csv"])
def test_own_data_in_each_format(fmt, data, tmp_path, capsys):
    """--A/--b/--reg in each format.

    The JSON has n, d, l, mu, kappa, r(H0), the C11 bound and the measured rate, each equal to the library's value on
    the same instance (zs.regularized(A, b, margin=R): w_i^2 = beta^- + R).
    """
    A, b, _ = data
    fa, fb = _write(tmp_path / f"A.{fmt}", A, fmt), _write(tmp_path / f"b.{fmt}", b, fmt)
    res = _json(capsys, ["run", "--A", fa, "--b", fb, "--reg", "0.5", *FAST])
    p = zs.regularized(A, b, margin=0.5)
    assert (res["n"], res["d"]) == (12, 4)
    assert res["ell"] == zs.smoothness_bound(p)
    assert res["mu"] == zs.pl_constant(p)
    assert res["kappa"] == res["ell"] / res["mu"]
    assert res["effective_rank"] == zs.effective_rank(zs.hessian_upper_bound(p))
    assert res["rate_bound_c11"] == zs.rate_bound(p, 2, "sphere")
    assert 0 < res["rate_zo_measured"] <= res["rate_bound_c11"]
    assert res["data"] == {"A": fa, "b": fb, "w": None, "reg": 0.5, "target_set": "simplex"}


def test_own_weights_and_the_formats_agree(data, tmp_path, capsys):
    """--w FILE uses the weights as given; .npy, .npz and .csv of the same arrays give the same results."""
    A, b, w = data
    results = []
    for fmt in ("npy", "npz", "csv"):
        files = [_write(tmp_path / f"{name}.{fmt}", arr, fmt) for name, arr in (("A", A), ("b", b), ("w", w))]
        res = _json(capsys, ["run", "--A", files[0], "--b", files[1], "--w", files[2], *FAST])
        results.append({key: value for key, value in res.items() if key != "data"})
    assert results[0] == results[1] == results[2]
    assert results[0]["mu"] == zs.pl_constant(zs.SoftmaxRegression(A, b, w))


def test_own_data_without_a_pl_constant_has_a_vacuous_bound(data, tmp_path, capsys):
    """With w = 0 (no PL constant) the C11 bound is vacuous, and the output says so.

    The lower Hessian bound is -beta^- A^T A, no PL constant (mu <= 0), kappa undefined (null), the C11 bound is 1 and
    says nothing; the output says so instead of printing a plain 'holds'.
    """
    A, b, _ = data
    files = [_write(tmp_path / f"{name}.npy", arr, "npy") for name, arr in (("A", A), ("b", b), ("w", 0 * b))]
    argv = ["run", "--A", files[0], "--b", files[1], "--w", files[2], *FAST]
    res = _json(capsys, argv)
    assert res["mu"] <= 0
    assert res["kappa"] is None
    assert res["rate_bound_c11"] == 1.0
    assert res["bound_vacuous"] is True
    assert main(argv[:-1]) == 0
    assert "vacuous: no PL constant" in capsys.readouterr().out


def test_npz_first_array_or_a_named_key(data, tmp_path, capsys):
    """An .npz holding several arrays: FILE.npz is the first stored, FILE.npz:KEY the named one."""
    A, b, _ = data
    f = tmp_path / "both.npz"
    np.savez(f, A=A, b=b)
    res = _json(capsys, ["run", "--A", str(f), "--b", f"{f}:b", *FAST])
    assert (res["n"], res["d"]) == A.shape
    assert np.array_equal(cli.load_array(f"{f}:A", "--A", 2), A)
    assert np.array_equal(cli.load_array(str(f), "--A", 2), A)


@pytest.mark.parametrize(
    ("setup", "argname", "message"),
    [
        (lambda d: ("missing.npy", "b.npy"), "--A", "no such file"),
        (lambda d: ("A.npy", "missing.csv"), "--b", "no such file"),
        (lambda d: ("A.txt", "b.npy"), "--A", "must be a .npy, .npz or .csv file"),
        (lambda d: ("garbage.csv", "b.npy"), "--A", "cannot read"),
        (lambda d: ("empty.csv", "b.npy"), "--A", "cannot read"),
        (lambda d: ("corrupt.npy", "b.npy"), "--A", "cannot read"),
        (lambda d: ("A.npz:nokey", "b.npy"), "--A", "no array named 'nokey'"),
        (lambda d: ("b.npy", "b.npy"), "--A", "expected a matrix"),
        (lambda d: ("A.npy", "A.npy"), "--b", "expected a vector"),
        (lambda d: ("A.npy", "short.npy"), "--b", "expected 12 entries"),
        (lambda d: ("nan.csv", "b.npy"), "--A", "NaN or inf"),
        (lambda d: ("text.npy", "b.npy"), "--A", "expected real numbers"),
        (lambda d: ("row.npy", "b1.npy"), "--A", "at least 2 rows"),
    ],
)
def test_bad_own_data_exits_2_naming_the_argument(setup, argname, message, data, tmp_path, capsys, monkeypatch):
    A, b, _ = data
    monkeypatch.chdir(tmp_path)
    np.save("A.npy", A)
    np.savez("A.npz", A=A)
    np.save("b.npy", b)
    np.save("short.npy", b[:-1])
    np.save("row.npy", A[:1])
    np.save("b1.npy", b[:1])
    np.save("text.npy", np.array([["a", "b"], ["c", "d"]]))
    (tmp_path / "A.txt").write_text("1,2\n3,4\n")
    (tmp_path / "garbage.csv").write_text("x,y\n1,2\n")
    (tmp_path / "empty.csv").write_text("")
    (tmp_path / "corrupt.npy").write_bytes(b"\x93NUMPY not really")
    (tmp_path / "nan.csv").write_text("1,2\nnan,4\n")
    fa, fb = setup(data)
    assert main(["run", "--A", fa, "--b", fb, *FAST]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"zosoftmax: error: {argname}: "), err
    assert message in err, err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--A", "A.npy"], "--b is missing"),
        (["--b", "b.npy"], "--A is missing"),
        (["--A", "A.npy", "--b", "b.npy", "--n", "12"], "--n and --d describe a generated instance"),
        (["--A", "A.npy", "--b", "b.npy", "--w", "short.npy"], "--w: expected 12 entries"),
    ],
)
def test_inconsistent_own_data_options_exit_2(argv, message, data, tmp_path, capsys, monkeypatch):
    A, b, _ = data
    monkeypatch.chdir(tmp_path)
    np.save("A.npy", A)
    np.save("b.npy", b)
    np.save("short.npy", b[:-1])
    assert main(["run", *argv, *FAST]) == 2
    assert message in capsys.readouterr().err


def test_w_and_reg_are_exclusive(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["run", "--A", "A.npy", "--b", "b.npy", "--w", "w.npy", "--reg", "1"])
    assert exc.value.code == 2
    assert "not allowed with argument" in capsys.readouterr().err


@pytest.mark.parametrize(("b", "admissible"), [
    (np.full(12, 1 / 12), "simplex"),
    (np.r_[1.0, np.zeros(11)], "simplex"),
    (np.r_[-0.5, 0.5, np.zeros(10)], "ball"),
    (np.arange(12.0) % 3, None),  # raw class labels: ||b|| = 3.7, sum 12
    (np.r_[-1e-3, 1.001, np.zeros(10)], None),  # a negative entry and ||b|| > 1
])
def test_a_target_outside_both_admissible_sets_exits_2_naming_them(b, admissible, data, tmp_path, capsys):
    """--b must be a probability vector (the simplex) or lie in the unit ball, the two sets the claims assume.

    Raw labels used to run, print 'holds' and exit 0: now refused with exit 2, the message naming --b, its norm and
    both sets; an admissible b runs and the JSON says which set it is in.
    """
    A = data[0]
    fa, fb = _write(tmp_path / "A.npy", A, "npy"), _write(tmp_path / "b.npy", b, "npy")
    status = main(["run", "--A", fa, "--b", fb, *FAST])
    captured = capsys.readouterr()
    if admissible is None:
        assert status == 2
        for part in ("--b", "probability vector", "unit ball", "||b||_2 =", "CLAIMS.md"):
            assert part in captured.err
    else:
        assert status in (0, 3)  # a measured or unmeasured rate; never refused
        assert json.loads(captured.out)["data"]["target_set"] == admissible


def test_the_table_states_which_defaults_differ_from_the_library(capsys):
    """A run at the CLI's defaults says so, with zo_gd's; a run at the library's values prints no such note."""
    assert main([*SMALL[:5], "--steps", "60", "--seed", "3", "--no-progress"]) in (0, 3)
    out = capsys.readouterr().out
    assert "distribution=sphere, k=4, eps=0.0001: the CLI's defaults; the library's zo_gd defaults to " \
           "distribution=gaussian, k=1, eps=0.001" in out
    argv = [*SMALL[:5], "--k", "1", "--distribution", "gaussian", "--eps", "1e-3", "--steps", "60", "--no-progress"]
    assert main(argv) in (0, 3)
    assert "the CLI's defaults" not in capsys.readouterr().out


def test_an_npz_of_several_arrays_hints_at_the_key(data, tmp_path, capsys):
    """--b Ab.npz on an archive of A and b takes A (the first), a matrix: the error suggests Ab.npz:b."""
    A, b, _ = data
    f = tmp_path / "Ab.npz"
    np.savez(f, A=A, b=b)
    assert main(["run", "--A", f"{f}:A", "--b", str(f), *FAST]) == 2
    err = capsys.readouterr().err
    assert f"e.g. {f}:b" in err
    assert "arrays A, b" in err
