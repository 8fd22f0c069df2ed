r"""Planted-bug (mutation) check: every known wrong-math mutant must turn the fast tier red.

Use ``python -m pytest -p tests.mutants --mutants`` (``make mutants``). It first runs the unmutated selection,
then, for each mutant, the same selection in a fresh subprocess with ``--plant NAME`` (``-x`` stops at the first
failure; ``HYPOTHESIS_PROFILE=ci``, derandomized, so every verdict is reproducible) and prints
``killed by <test>`` (the first failing test, and only if it failed an assertion: a test that errors out is
reported as an error, not a kill) or ``SURVIVED``. The exit status is non-zero if the baseline fails or any mutant
survives or errors.

The selection is the *property* files (:data:`PROPERTY_FILES`, about 20 s unmutated; the whole ``make mutants``
about 2 min), plus any file a mutant needs (:data:`EXTRA_FILES`: the C13 prediction's tests); the formula-pinning tests
(``tests/test_proofs.py``) and the figures' quick modes are left out, so a killed mutant is killed by a property,
not by a typed-in constant. ``--search-only`` also
switches off every ``@example`` (Hypothesis' explicit phase): a mutant killed then was found by the search
(strategies near the extremes and ``target()``) alone.

Planted invalid constants (issue 12): :math:`\beta^+` below its supremum, :math:`\beta^-` without the target-range
term (invalid for ball targets only: sup 5/16 > 1/4), the :math:`\sup\|Sc\|` bound 5% below the supremum of the
target's set, and :math:`M_3` below the third-derivative value attained at a known maximiser.

A mutant is planted by monkeypatching before collection. Several modules import names directly
(``bounds`` does ``from .estimators import gamma``, the package re-exports everything), so
:func:`_replace_everywhere` rebinds every module attribute that *is* the original object, in ``zosoftmax`` and in
the test package; methods are replaced on the class.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

import numpy as np

__all__ = [
    "EXTRA_FILES",
    "MUTANTS",
    "PROPERTY_FILES",
    "pytest_addoption",
    "pytest_cmdline_main",
    "pytest_collection_modifyitems",
    "pytest_configure",
]

_PREFIXES = ("zosoftmax", "tests", "proofs", "analysis")


def _replace_everywhere(original: Any, replacement: Any) -> int:
    """Rebind every module-level name bound to ``original`` (in the project's modules) to ``replacement``."""
    count = 0
    for name, mod in list(sys.modules.items()):
        if mod is None or not name.startswith(_PREFIXES):
            continue
        for attr, value in list(vars(mod).items()):
            if value is original:
                setattr(mod, attr, replacement)
                count += 1
    return count


def _gradient_scaled() -> None:
    from zosoftmax.problem import SoftmaxRegression

    orig = SoftmaxRegression.gradient
    SoftmaxRegression.gradient = lambda self, x: orig(self, x) * (1 + 1e-4)  # type: ignore[method-assign]


def _hessian_shifted() -> None:
    from zosoftmax.problem import SoftmaxRegression

    orig = SoftmaxRegression.hessian
    SoftmaxRegression.hessian = lambda self, x: orig(self, x) + 1e-4 * np.eye(self.d)  # type: ignore[method-assign]


def _estimator_scaled() -> None:
    from zosoftmax import estimators

    orig = estimators.spsa_gradient

    def spsa_gradient(*args: Any, **kwargs: Any) -> Any:
        return 1.05 * orig(*args, **kwargs)

    _replace_everywhere(orig, spsa_gradient)


def _first_direction_only() -> None:
    from zosoftmax import estimators, optimize
    from zosoftmax.problem import SoftmaxRegression

    orig = estimators.spsa_gradient

    def spsa_gradient(f: Any, x: Any, *, k: int = 1, eps: float = 1e-3, distribution: str = "gaussian",
                      scheme: str = "central", rng: Any = None, directions: Any = None) -> Any:
        if directions is None:
            d = f.d if isinstance(f, SoftmaxRegression) else np.asarray(x).shape[0]
            directions = estimators.sample_directions(k, d, distribution, rng)
        return orig(f, x, k=1, eps=eps, distribution=distribution, scheme=scheme, directions=np.asarray(directions)[:1])

    _replace_everywhere(orig, spsa_gradient)
    # ZO-GD (and its replay) likewise: only z_1 of each step, ĝ = s_1 z_1 (the update divides by len(s) = k)
    orig_descend = optimize._descend
    _replace_everywhere(orig_descend, lambda x, Z, s, lr: orig_descend(x, Z[:1], s[:1], lr))
    orig_batch = optimize._descend_batch
    _replace_everywhere(orig_batch, lambda X, Z, s, lr: orig_batch(X, Z[:, :1], s[:, :1], lr))


def _second_moment_sphere_everywhere() -> None:
    from zosoftmax import estimators

    orig = estimators.second_moment_factor
    _replace_everywhere(orig, lambda d, k, distribution: orig(d, k, "sphere"))


def _gamma_rank_is_d() -> None:
    from zosoftmax import estimators

    orig = estimators.gamma
    _replace_everywhere(orig, lambda d, k, r, distribution: orig(d, k, d, distribution))


def _gamma_rank_is_1() -> None:
    from zosoftmax import estimators

    orig = estimators.gamma
    _replace_everywhere(orig, lambda d, k, r, distribution: orig(d, k, 1.0, distribution))


def _gradient_drops_regularizer() -> None:
    from zosoftmax.problem import SoftmaxRegression

    orig = SoftmaxRegression.gradient

    def gradient(self: Any, x: Any) -> Any:
        g = orig(self, x)
        return g if self.w is None else g - self.A.T @ (self.w**2 * (self.A @ np.asarray(x, dtype=float)))

    SoftmaxRegression.gradient = gradient  # type: ignore[method-assign]


def _B_sign_of_cf_term() -> None:
    from zosoftmax.problem import SoftmaxRegression, softmax

    orig = SoftmaxRegression.B

    def B(self: Any, x: Any) -> Any:
        f = softmax(self.A @ np.asarray(x, dtype=float))
        return orig(self, x) - 2 * np.diag((f - self.b) * f)  # + diag(c∘f) written as - diag(c∘f)

    SoftmaxRegression.B = B  # type: ignore[method-assign]


def _sphere_unit_radius() -> None:
    from zosoftmax import estimators

    orig = estimators.sample_directions

    def sample_directions(k: int, d: int, distribution: str = "gaussian", rng: Any = None,
                          dtype: Any = np.float64) -> Any:
        Z = orig(k, d, distribution, rng, dtype)
        return Z / np.sqrt(d) if distribution == "sphere" else Z

    _replace_everywhere(orig, sample_directions)


def _forward_quotient_halved() -> None:
    from zosoftmax import estimators

    orig = estimators._quotients

    def _quotients(*args: Any, **kwargs: Any) -> Any:
        out = orig(*args, **kwargs)
        forward = any(isinstance(a, str) and a == "forward" for a in args) or kwargs.get("scheme") == "forward"
        return out / 2 if forward else out  # [L(x+εz) − L(x)] / (2ε): a central-scheme denominator

    _replace_everywhere(orig, _quotients)


# ------------------------------------------------- invalid constants (issue 12): below their suprema
SC_SUP = {"simplex": 8 * np.sqrt(2) / 27, "ball": 0.5520627463118869}  # n = 2 closed form / numeric (scipy)
M3_ATTAINED = 0.5714073589522375  # |phi'''| at the simplex maximiser of tests.strategies.MAXIMISERS (<= the sup)


def _target_of(arg: Any) -> Any:
    from zosoftmax.problem import SoftmaxRegression

    return arg.b if isinstance(arg, SoftmaxRegression) else np.asarray(arg, dtype=float)


def _beta_plus_below_sup() -> None:
    from zosoftmax import bounds

    orig = bounds.beta_constants
    _replace_everywhere(orig, lambda *a, **k: (0.30, orig(*a, **k)[1]))


def _beta_minus_no_range() -> None:
    from zosoftmax import bounds

    orig = bounds.beta_constants
    _replace_everywhere(orig, lambda *a, **k: (orig(*a, **k)[0], 0.25))


def _sc_bound_5pct_low() -> None:
    from zosoftmax import bounds

    orig = bounds.residual_gradient_bound

    def residual_gradient_bound(b: Any) -> float:
        t = _target_of(b)
        simplex = bool(np.all(t >= 0) and abs(float(np.sum(t)) - 1) < 1e-9)
        return 0.95 * SC_SUP["simplex" if simplex else "ball"]

    _replace_everywhere(orig, residual_gradient_bound)


def _m3_below_sup() -> None:
    from zosoftmax import bounds

    orig = bounds.third_derivative_bound
    _replace_everywhere(orig, lambda p: 0.95 * M3_ATTAINED * float(np.linalg.norm(p.A, 2)) ** 3)


def _fourth_no_trace() -> None:
    import dataclasses

    from zosoftmax import estimators

    law = estimators._LAWS["gaussian"]
    estimators._LAWS["gaussian"] = dataclasses.replace(law, fourth=lambda M: M + M.T)  # tr(M) I dropped


def _rademacher_fourth_as_gaussian() -> None:
    import dataclasses

    from zosoftmax import estimators

    estimators._LAWS["rademacher"] = dataclasses.replace(estimators._LAWS["rademacher"],
                                                         fourth=estimators._LAWS["gaussian"].fourth)


def _gap_curve_without_noise() -> None:
    from zosoftmax import prediction

    orig = prediction.expected_gap_curve

    def expected_gap_curve(problem: Any, x0: Any, **kwargs: Any) -> Any:
        return orig(problem, x0, **{**kwargs, "k": 10**9})  # the eta^2 E[PMP] noise term -> its k -> oo limit

    _replace_everywhere(orig, expected_gap_curve)


MUTANTS: dict[str, tuple[str, Callable[[], None]]] = {
    "gradient_scaled": ("SoftmaxRegression.gradient scaled by (1 + 1e-4)", _gradient_scaled),
    "hessian_shifted": ("SoftmaxRegression.hessian shifted by 1e-4 I", _hessian_shifted),
    "estimator_scaled": ("spsa_gradient output scaled by 1.05", _estimator_scaled),
    "first_direction_only": ("spsa_gradient (and the ZO-GD update) silently use only z_1 of k directions",
                             _first_direction_only),
    "second_moment_sphere": ("second_moment_factor returns the sphere value for every distribution",
                             _second_moment_sphere_everywhere),
    "gamma_rank_is_d": ("gamma ignores the effective rank (uses r = d)", _gamma_rank_is_d),
    "gamma_rank_is_1": ("gamma ignores the effective rank (uses r = 1)", _gamma_rank_is_1),
    # beyond the list: other plausible slips in the same formulas
    "gradient_drops_regularizer": ("gradient forgets the A'W^2Ax term", _gradient_drops_regularizer),
    "B_sign_of_cf_term": ("B (hence the Hessian) with -diag(c*f) instead of +diag(c*f)", _B_sign_of_cf_term),
    "forward_quotient_halved": ("forward quotient divided by 2 eps (the central denominator)",
                                _forward_quotient_halved),
    "sphere_unit_radius": ("sphere directions drawn on the unit sphere instead of radius sqrt(d)", _sphere_unit_radius),
    # issue 12: invalid constants, each to be caught by a property test (not by formula pinning)
    "beta_plus_below_sup": ("beta+ = 0.30, below its supremum (0.3081 simplex, 0.3591 ball)", _beta_plus_below_sup),
    "beta_minus_no_range": ("beta- = 1/4, without the range term (ball sup 5/16)", _beta_minus_no_range),
    "sc_bound_5pct_low": ("sup |Sc| bound 5% below the supremum of b's set", _sc_bound_5pct_low),
    "m3_below_sup": ("M3 = 0.95 x the third derivative attained at a known maximiser", _m3_below_sup),
    "fourth_no_trace": ("Gaussian E[zz'Mzz'] without its tr(M) I term (C9, C13)", _fourth_no_trace),
    "rademacher_fourth_as_gaussian": ("Rademacher fourth moment taken as the Gaussian one (C9, C13)",
                                      _rademacher_fourth_as_gaussian),
    "gap_curve_without_noise": ("expected_gap_curve drops the eta^2 E[PMP] noise (the k -> oo curve, C13)",
                                _gap_curve_without_noise),
}


def pytest_addoption(parser: Any) -> None:
    group = parser.getgroup("mutants", "planted-bug check (tests/mutants.py)")
    group.addoption("--mutants", action="store_true", help="run the fast tier once per planted bug; report survivors")
    group.addoption("--plant", default=None, choices=sorted(MUTANTS), help="plant one mutant in this session")
    group.addoption("--mutant-only", default=None, help="comma-separated subset of mutants for --mutants")
    group.addoption("--search-only", action="store_true",
                    help="switch off every @example: a kill must come from the search (strategies, target())")


def pytest_configure(config: Any) -> None:
    name = config.getoption("--plant")
    if name:
        import zosoftmax  # load every library module before rebinding
        import zosoftmax.bounds
        import zosoftmax.cli
        import zosoftmax.optimize  # noqa: F401

        MUTANTS[name][1]()
    if config.getoption("--search-only"):
        from hypothesis import Phase, settings

        settings.register_profile("search-only", settings.get_profile("ci"),
                                  phases=[Phase.generate, Phase.target, Phase.shrink])
        settings.load_profile("search-only")


_PROPERTY_FILES = ("test_derivatives", "test_moments", "test_bias", "test_descent", "test_bounds", "test_invariances")
PROPERTY_FILES = tuple(f"tests/{stem}.py" for stem in _PROPERTY_FILES)
# files a mutant needs beyond the property files: the C13 prediction's own properties
EXTRA_FILES: dict[str, tuple[str, ...]] = {"gap_curve_without_noise": ("tests/test_prediction.py",)}


def pytest_collection_modifyitems(session: Any, config: Any, items: list[Any]) -> None:
    """With a planted mutant, run the property files first (order only: every fast-tier test still runs)."""
    if config.getoption("--plant"):
        def rank(item: Any) -> int:
            stem = item.path.stem
            return _PROPERTY_FILES.index(stem) if stem in _PROPERTY_FILES else len(_PROPERTY_FILES)

        items.sort(key=rank)  # stable: pytest's order within each rank


def _child(args: list[str], env: dict[str, str]) -> tuple[int, str, float]:
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", *args],
                          capture_output=True, text=True, env=env, cwd=os.getcwd())
    return proc.returncode, proc.stdout + proc.stderr, time.perf_counter() - t0


def _first_failure(output: str) -> str:
    for line in output.splitlines():
        if line.startswith(("FAILED ", "ERROR ")):
            return line.split(" - ")[0].split(" ", 1)[1]
    return "?"


_RAISED = re.compile(r"^E\s+(?:(assert)\b|([A-Za-z_][\w.]*(?:Error|Warning|Exception))\b)")


def _failure_kind(output: str) -> str:
    """``"assertion"`` if the first reported error of the failing test is an assertion, else the exception's name.

    A mutant is killed only by a property that *fails*: a test that errors out (an unrelated warning turned error,
    a crash) would make a mutant look killed whatever it planted.
    """
    for line in output.splitlines():
        m = _RAISED.match(line)
        if m:
            return "assertion" if m.group(1) or m.group(2).endswith("AssertionError") else m.group(2)
    return "?"


def pytest_cmdline_main(config: Any) -> int | None:
    if not config.getoption("--mutants"):
        return None
    env = dict(os.environ, HYPOTHESIS_PROFILE="ci", PYTHONHASHSEED="0")
    search = ["--search-only"] if config.getoption("--search-only") else []
    files = list(PROPERTY_FILES) + sorted({f for extra in EXTRA_FILES.values() for f in extra})
    rc, out, dt = _child(["-p", "tests.mutants", *search, *files], env)
    print(f"baseline (no mutant, {len(files)} files: the property tests, no formula pinning"
          f"{', no @example' if search else ''}): {'green' if rc == 0 else 'RED'} in {dt:.0f} s", flush=True)
    if rc != 0:
        print(out[-4000:])
        print("mutants: the unmutated selection must pass first")
        return 2
    only = config.getoption("--mutant-only")
    names = list(MUTANTS) if not only else only.split(",")
    survivors, errors = [], []
    for name in names:
        rc, out, dt = _child(["-p", "tests.mutants", "--plant", name, *search, *PROPERTY_FILES,
                              *EXTRA_FILES.get(name, ())], env)
        kind = _failure_kind(out) if rc == 1 else ""
        if rc == 1 and kind == "assertion":
            verdict = f"killed by {_first_failure(out)}"
        elif rc == 1:
            verdict = f"ERROR, not a failed property: {_first_failure(out)} raised {kind}"
            errors.append(name)
            print(out[-2000:])
        elif rc == 0:
            verdict = "SURVIVED"
            survivors.append(name)
        else:
            verdict = f"ERROR (pytest exit {rc})"
            errors.append(name)
            print(out[-2000:])
        print(f"{name:27s} {MUTANTS[name][0]:78s} {verdict}  [{dt:.0f} s]", flush=True)
    print(f"mutants: {len(names) - len(survivors) - len(errors)}/{len(names)} killed"
          + (f"; survived: {', '.join(survivors)}" if survivors else "")
          + (f"; errors: {', '.join(errors)}" if errors else ""))
    return 1 if survivors or errors else 0
