"""The stored precision of committed outputs (:func:`zosoftmax.io.canonical`): same bytes under noise, not coarser.

The rule (docs/reproducibility.md): a float is stored with ``SIGNIFICANT_DIGITS`` significant digits, after rounding
to an absolute quantum where a figure states one; exact values (ints, strings, bools, None) are untouched.
"""

from __future__ import annotations

import importlib
import json
import math
import os
import subprocess
import sys
from decimal import Decimal
from fnmatch import fnmatchcase
from pathlib import Path

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from zosoftmax.io import NOISE_BOUND, SIGNIFICANT_DIGITS, Precision, atomic_write_json, canonical

ROOT = Path(__file__).resolve().parents[1]
DIGITS = SIGNIFICANT_DIGITS
# Values of every magnitude the outputs hold (1e-300 .. 1e300), of either sign, built by map (no filter).
magnitudes = st.tuples(st.floats(1.0, 10.0, exclude_max=True), st.integers(-300, 300), st.sampled_from([1.0, -1.0]))
values = magnitudes.map(lambda m: m[2] * m[0] * 10.0 ** m[1])


def _bytes(x: object, precision: dict[str, Precision] | None = None) -> bytes:
    return json.dumps(canonical(x, precision)).encode()


def _boundary_distance(x: float, digits: int = DIGITS) -> float:
    """Distance from ``x`` to the nearest rounding boundary of ``digits`` significant digits (exact, in Decimal)."""
    d = Decimal(x)
    step = Decimal(1).scaleb(d.adjusted() - digits + 1)  # one unit in the last stored digit
    frac = (abs(d) / step) % 1  # position within the unit: a boundary at 1/2
    return float(abs(frac - Decimal("0.5")) * step)


@given(values, st.floats(-NOISE_BOUND, NOISE_BOUND))
@example(17.952067484283504, 17.952067484283603 / 17.952067484283504 - 1)  # the pooled_mean pair
@example(0.2500000000000001, -4e-16)
def test_noise_far_from_a_boundary_never_changes_the_bytes(x, delta):
    """Invariant: x and x (1 + delta), |delta| <= NOISE_BOUND, give the same bytes unless a boundary lies between.

    A rounding boundary lies between them only if ``x`` is within ``|delta x|`` of one; every other pair, which is
    all but a fraction ``<= 2 NOISE_BOUND 10^(DIGITS - 1)`` of values (the next test), stores identical bytes.
    """
    y = x * (1 + delta)
    if _boundary_distance(x) > abs(y - x):
        assert _bytes(x) == _bytes(y)


def test_noise_changes_the_bytes_of_at_most_the_stated_fraction():
    """Noise at the bound changes the bytes of the stated fraction of values, and no more.

    A value ``m 10^e`` (mantissa ``m`` uniform in [1, 10)) has stored units ``10^(e+1-DIGITS)``, so a perturbation
    ``delta x`` (one side) crosses a boundary with probability ``delta m 10^(DIGITS-1)``: ``p = 5.5e-4`` on average
    at ``delta = NOISE_BOUND``. With N = 100 000 seeded values the count is Poisson(55); above ``55 + 6 sqrt(55)``
    has probability < 1e-8, so only a rule that keeps more digits than stated fails here.
    """
    rng = np.random.default_rng(20)
    n = 100_000
    x = rng.uniform(1.0, 10.0, n) * 10.0 ** rng.integers(-20, 20, n)
    y = x * (1 + NOISE_BOUND * rng.choice([-1.0, 1.0], n))
    changed = sum(_bytes(float(a)) != _bytes(float(b)) for a, b in zip(x, y, strict=True))
    expected = NOISE_BOUND * 5.5 * 10 ** (DIGITS - 1) * n  # E[m] = 5.5
    assert changed <= expected + 6 * math.sqrt(expected)
    assert changed >= 1  # the noise does reach boundaries (P(0) = e^-55): the test measures something


@given(values)
@example(9.999995)  # rounds up into the next decade, where a stored unit is 10 times larger
def test_a_difference_above_the_precision_changes_the_bytes(x):
    """The rule can fail: x and x (1 + 2 10^(1-DIGITS)) store differently.

    Their distance exceeds the half-units of both, each at most 10^(1-DIGITS)/2 of the value.
    """
    assert _bytes(x) != _bytes(x * (1 + 2 * 10.0 ** (1 - DIGITS)))


@given(st.floats(-1e-13, 1e-13))
def test_a_quantum_folds_rounding_noise_of_a_difference_to_zero(noise):
    """A quantity that is 0 in exact arithmetic (a gap at rounding level, a null slope) stores as 0.0.

    Below the quantum, whatever its sign; above it, its digits are kept.
    """
    rule = {"gap": Precision(quantum=1e-12)}
    assert _bytes({"gap": noise}, rule) == b'{"gap": 0.0}'
    assert canonical({"gap": 3.456789e-5}, rule)["gap"] == 3.45679e-05
    assert canonical({"gap": 1.23456789e27}, rule)["gap"] == 1.23457e27  # a diverged run: the digits decide
    assert canonical({"gap": 4.4e-12}, rule)["gap"] == 4e-12  # the quantum decides


def test_exact_values_stay_exact_and_paths_select_the_rule():
    """Ints, bools, strings (rationals, symbolic expressions), None stay as they are; NaN and inf too.

    The first matching pattern wins, and list positions are not part of the path.
    """
    data = {"n": 2**70, "ok": True, "sup": "8*sqrt(2)/27", "r": "5/16", "none": None, "nan": math.nan,
            "inf": -math.inf, "a": {"se": [0.123456789, np.float64(2.0) / 3]}, "zero": -0.0,
            "arr": np.array([1 / 3, 2 / 3]), "i": np.int64(7)}
    out = canonical(data, {"a.se": Precision(2), "*": Precision(4)})
    assert out["n"] == 2**70
    assert out["ok"] is True
    assert (out["sup"], out["r"]) == ("8*sqrt(2)/27", "5/16")
    assert out["none"] is None
    assert math.isnan(out["nan"])
    assert out["inf"] == -math.inf
    assert out["a"]["se"] == [0.12, 0.67]
    assert out["arr"] == [0.3333, 0.6667]
    assert type(out["i"]) is int
    assert out["i"] == 7
    assert math.copysign(1.0, out["zero"]) == 1.0  # -0.0 folds to 0.0: its sign is noise
    assert canonical(out) == canonical(canonical(out))  # idempotent


@pytest.mark.parametrize(("kwargs", "name"), [({"digits": 0}, "digits"), ({"digits": 18}, "digits"),
                                              ({"digits": 2.0}, "digits"), ({"quantum": 3e-12}, "quantum"),
                                              ({"quantum": -1e-3}, "quantum"), ({"quantum": math.inf}, "quantum")])
def test_precision_rejects_bad_arguments_by_name(kwargs, name):
    with pytest.raises(ValueError, match=name):
        Precision(**kwargs)


def test_atomic_write_json_stores_what_canonical_returns(tmp_path):
    """The writer adds nothing: the bytes of a canonical object are its JSON dump (what a committed file holds)."""
    path = tmp_path / "out.json"
    atomic_write_json(path, canonical({"x": 0.1 + 0.2, "t": [1, 2.0]}))
    assert path.read_text() == '{\n  "x": 0.3,\n  "t": [\n    1,\n    2.0\n  ]\n}\n'


# ---------------------------------------------------------------------------------- another machine, emulated
KERNELS = ("SkylakeX", "Sandybridge")  # OpenBLAS kernels with different GEMM blocking (FMA vs no FMA)
FIGURES = ("fig_descent", "fig_second_moment")  # cheap, and their raw JSON differs between kernels


def _kernel(coretype: str) -> str | None:
    """The OpenBLAS kernel NumPy runs under ``OPENBLAS_CORETYPE=coretype`` (None: not OpenBLAS)."""
    code = ("import numpy, threadpoolctl; print(*[i.get('architecture') for i in threadpoolctl.threadpool_info() "
            "if i['internal_api'] == 'openblas'][:1])")
    env = {**os.environ, "OPENBLAS_CORETYPE": coretype}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout
    return out.strip() or None


def test_two_blas_kernels_write_identical_bytes(tmp_path):
    """The quick profile of two figures under two OpenBLAS kernels (another machine, emulated) writes the same JSON.

    Their raw JSON differs between these kernels (up to 6e-11 relative, and 0 against -1.8e-15 for a bound that is
    a difference of near-equal terms: docs/reproducibility.md); the stored ones do not.
    """
    pytest.importorskip("threadpoolctl")
    kernels = [_kernel(k) for k in KERNELS]
    if None in kernels or kernels[0] == kernels[1]:
        pytest.skip(f"this NumPy cannot switch OpenBLAS kernels (got {kernels})")
    outs = []
    for coretype in KERNELS:
        out = tmp_path / coretype
        env = {**os.environ, "OPENBLAS_CORETYPE": coretype, "OPENBLAS_NUM_THREADS": "1"}
        subprocess.run([sys.executable, "-m", "analysis", "--profile", "quick", "-j", "1", "--only", *FIGURES,
                        "--outdir", str(out), "--cache-dir", str(tmp_path / f"cache-{coretype}")],
                       cwd=ROOT, env=env, check=True, capture_output=True)
        outs.append(out)
    for name in FIGURES:
        assert (outs[0] / f"{name}.json").read_bytes() == (outs[1] / f"{name}.json").read_bytes(), name


def _paths(obj, path=""):
    """Every float's path in a JSON value as canonical() names it (keys joined by '.', list positions left out)."""
    if isinstance(obj, dict):
        for key, value in obj.items():
            yield from _paths(value, f"{path}.{key}" if path else str(key))
    elif isinstance(obj, list):
        for value in obj:
            yield from _paths(value, path)
    elif isinstance(obj, float):
        yield path


@pytest.mark.parametrize("name", ["fig_attention", "fig_budget", "fig_constants", "fig_convergence", "fig_descent",
                                  "fig_dimension_free", "fig_effective_rank", "fig_estimator_bias", "fig_prediction"])
def test_every_precision_override_names_a_stored_value(name):
    """A PRECISION pattern that matches no path is a rule that silently does nothing (fig_attention's did, once).

    Checked on the committed output of each figure (its paths do not depend on the run); a misspelt pattern, e.g.
    ``far.points.*.se`` for the path ``far.points.se``, is red here.
    """
    module = importlib.import_module(f"analysis.{name}")
    root = Path(__file__).resolve().parents[1]
    paths = set(_paths(json.loads((root / "paper" / "generated" / f"{name}.json").read_text())))
    for pattern in module.PRECISION:
        assert any(fnmatchcase(p, pattern) for p in paths), f"{name}: PRECISION pattern {pattern!r} matches nothing"
    assert not any(fnmatchcase(p, "far.points.*.se") for p in paths)  # the planted misspelling matches nothing
