"""Guards at the public boundary of the estimator and the runs.

An ε that cannot move the loss, a run whose records would not fit in memory, and directions in the null space of ``A``
(which must not trip the guard).
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import zosoftmax as zs


@pytest.fixture
def problem():
    return zs.random_instance(16, 6, rng=2, w=0.5)


def test_an_eps_below_the_rounding_of_the_logits_is_refused_naming_eps(problem):
    """``eps = 1e-20`` cannot move the loss: refused with the smallest sensible ε, which then runs without a warning.

    ε·max|Az| is far below u·max|Ax|, every perturbed loss equals L(x), and the estimate would be exactly 0 while ‖∇L‖
    is O(1).
    """
    x = np.random.default_rng(0).standard_normal(problem.d)
    assert np.linalg.norm(problem.gradient(x)) > 0.1
    with pytest.raises(ValueError, match=r"eps=1e-20 cannot move the loss.*use eps >= ") as info:
        zs.spsa_gradient(problem, x, k=2, eps=1e-20, rng=0)
    smallest = float(str(info.value).rsplit(">= ", 1)[1])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        g = zs.spsa_gradient(problem, x, k=2, eps=smallest * 1.01, rng=0)
    assert np.linalg.norm(g) > 0
    with pytest.raises(ValueError, match="eps"):
        zs.zo_gd(problem, x, steps=2, lr=0.1, eps=1e-300, rng=0)
    with pytest.raises(ValueError, match="eps"):
        zs.zo_gd_batch(problem, x, runs=2, steps=2, lr=0.1, eps=1e-300, rng=0)


def test_a_borderline_eps_warns_and_an_ordinary_one_does_not(problem):
    """Between 8u and √u (relative to the logits) the quotient loses more than half its digits: a PrecisionWarning.

    The defaults (ε = 1e-3) and the ε of the bias experiments (down to 1e-6) stay silent.
    """
    x = np.zeros(problem.d)
    Z = zs.sample_directions(3, problem.d, rng=1)
    az = np.max(np.abs(Z @ problem.A.T))
    with pytest.warns(zs.PrecisionWarning, match="eps"):
        zs.projected_gradients(problem, x, Z, eps=1e-3 * np.sqrt(np.finfo(float).eps / 2) / az)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for eps in (1e-2, 1e-3, 1e-6):
            zs.projected_gradients(problem, x, Z, eps=eps)


def test_null_space_directions_are_fine_at_every_eps():
    """A direction with A z = 0 leaves the loss unchanged: its quotient is exactly 0 and nothing is refused."""
    A = np.zeros((4, 3))
    A[:, :2] = np.random.default_rng(3).standard_normal((4, 2))
    p = zs.SoftmaxRegression(A, np.full(4, 0.25))
    Z = np.array([[0.0, 0.0, 1.0], [0.0, 0.0, -2.0]])
    for eps in (1e-3, 1e-30):
        assert np.array_equal(zs.projected_gradients(p, np.ones(3), Z, eps=eps), np.zeros(2))


def test_a_run_whose_records_do_not_fit_is_refused_with_the_memory_it_needs(problem):
    """3.3e8 steps x 32 runs would record ~250 GiB: a ValueError with the amount, before any allocation."""
    with pytest.raises(ValueError, match=r"GiB.*runs=32, steps=330000000|runs=32, steps=330000000.*GiB"):
        zs.zo_gd_batch(problem, np.zeros(problem.d), runs=32, steps=330_000_000, lr=0.1, k=1, rng=0)
    with pytest.raises(ValueError, match="GiB"):
        zs.zo_gd(problem, np.zeros(problem.d), steps=10**13, lr=0.1, rng=0)


def test_a_run_away_iterate_is_a_divergence_error_not_an_eps_error(problem):
    """Far above the stable step the logits grow until ε cannot move the loss.

    That is reported as a DivergenceError (a FloatingPointError) naming lr, for the single loop and the batch alike; the
    same ε at a stable step raises nothing.
    """
    x0 = np.zeros(problem.d)
    for run in (lambda lr: zs.zo_gd(problem, x0, steps=400, lr=lr, k=1, rng=0),
                lambda lr: zs.zo_gd_batch(problem, x0, runs=3, steps=400, lr=lr, k=1, rng=0)):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", zs.PrecisionWarning)
            with pytest.raises(zs.DivergenceError, match="lr=500") as info:
                run(500.0)
        # the advice is a smaller step, with the functions that give one; never the eps guard's "use eps >= ..."
        assert "smaller lr" in str(info.value)
        assert "zosoftmax.max_stable_lr" in str(info.value)
        assert "zosoftmax.step_size" in str(info.value)
        assert "use eps" not in str(info.value)
        run(0.05)


def test_a_borderline_eps_warns_once_per_run_with_the_largest_advice(problem):
    """A borderline ε in every one of 17 steps gives one PrecisionWarning per run, not 17, for the loop and the batch.

    The one warning carries the largest ε any step suggested (following it clears every step), and the count. With
    lr = 1e-12 the iterate stays at x = 0 (logits below 1, so each step's advice depends on its directions only), and
    the advice of each step is that of ``projected_gradients`` with the step's directions, replayed from its seed.
    """
    x = np.zeros(problem.d)
    Z = zs.sample_directions(3, problem.d, rng=1)
    eps = 1e-3 * np.sqrt(np.finfo(float).eps / 2) / np.max(np.abs(Z @ problem.A.T))  # borderline at x = 0

    def advice(w: warnings.WarningMessage) -> float:
        return float(str(w.message).split("eps >= ")[1].split()[0])

    given = {}
    for batch in (False, True):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            if batch:
                zs.zo_gd_batch(problem, x, runs=2, steps=17, lr=1e-12, eps=eps, rng=0)
            else:
                traj = zs.zo_gd(problem, x, steps=17, lr=1e-12, eps=eps, rng=0)
        assert [w.category for w in caught] == [zs.PrecisionWarning]
        assert "(at 17 of the run's steps)" in str(caught[0].message)
        given[batch] = advice(caught[0])
    per_step = []
    for seed in traj.seeds:
        with warnings.catch_warnings(record=True) as one:
            warnings.simplefilter("always")
            zs.projected_gradients(problem, x, zs.step_directions(seed, 1, problem.d), eps=eps)
        per_step += [advice(w) for w in one]
    assert len(per_step) == 17
    assert len(set(per_step)) > 1  # the steps advise different values: which one is given matters
    assert given[False] == max(per_step)  # both printed to 2 digits from the same float


def test_float32_runs_are_silent_and_stay_float32():
    """A float32 instance runs GD, ZO-GD and its batch without a warning (warnings are errors here, overflow raises).

    The run-away bound 1e150 is not a float32: comparing a float32 iterate with it once cast the literal to float32
    (inf, "overflow encountered in cast") on every step.
    """
    p64 = zs.strongly_convex_instance(16, 8, rng=0)
    p = zs.SoftmaxRegression(p64.A, p64.b, p64.w, dtype="float32")
    lr = zs.step_size(p, 1, "gaussian")
    x0 = np.zeros(p.d)
    assert zs.zo_gd(p, x0, steps=20, lr=lr, eps=1e-2, rng=0).scalars.dtype == np.float32
    assert zs.zo_gd_batch(p, x0, runs=3, steps=20, lr=lr, eps=1e-2, rng=0).scalars.dtype == np.float32
    assert zs.gd(p, x0, steps=20, lr=lr).x.dtype == np.float32
