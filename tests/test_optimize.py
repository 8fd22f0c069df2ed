"""Estimator formula, optimizers and replay (issue 2; claims C7, C11, C12)."""

from __future__ import annotations

import numpy as np
import pytest

import zosoftmax as zs

EPS_MACH = np.finfo(np.float64).eps


def _instance(seed=0, n=12, d=5, w=1.3):
    return zs.random_instance(n, d, rng=seed, w=w)


# ------------------------------------------------------------------------------------------ the estimator
@pytest.mark.parametrize("scheme", ["central", "forward"])
@pytest.mark.parametrize("batched_callable", [False, True])
def test_estimator_is_the_two_point_formula(scheme, batched_callable):
    """ĝ = (1/k) Σ_j [L(x+εz_j) − L(x−εz_j)]/(2ε) z_j (or the forward quotient), for explicit directions."""
    p = _instance(1)
    rng = np.random.default_rng(2)
    x, Z, eps = rng.standard_normal(p.d), rng.standard_normal((3, p.d)), 1e-3
    f = p.loss_batch if batched_callable else p
    est = zs.spsa_gradient(f, x, directions=Z, eps=eps, scheme=scheme)
    if scheme == "central":
        quotients = [(p.loss(x + eps * z) - p.loss(x - eps * z)) / (2 * eps) for z in Z]
    else:
        quotients = [(p.loss(x + eps * z) - p.loss(x)) / eps for z in Z]
    manual = sum(q * z for q, z in zip(quotients, Z, strict=True)) / len(Z)
    # Both sides evaluate the same losses in a different operation order: each loss is off by at most a
    # few ulps of |L| (plus the regrouping A(x+εz) = Ax + εAz, of order ε_mach ‖A‖‖x‖ ‖w‖²‖Ax‖); the
    # quotient divides that by ε and the average multiplies by max ‖z_j‖.
    scale = max(p.loss(x), float(np.max(np.abs(p.A @ x)) * np.max(p.w) ** 2 * np.linalg.norm(p.A, 2)), 1.0)
    tol = 64 * EPS_MACH * scale / eps * np.max(np.linalg.norm(Z, axis=1)) * np.max(np.linalg.norm(Z, axis=1))
    np.testing.assert_allclose(est, manual, rtol=0, atol=tol)


@pytest.mark.parametrize(("scheme", "rows"), [("central", 8), ("forward", 5)])
def test_callable_is_called_once_with_all_points(scheme, rows):
    p = _instance(3)
    calls = []

    def f(X):
        calls.append(X.shape)
        return p.loss_batch(X)

    zs.spsa_gradient(f, np.zeros(p.d), k=4, scheme=scheme, rng=0)
    assert calls == [(rows, p.d)]
    assert zs.evaluations(4, scheme) == rows


def test_estimator_is_reproducible_from_its_seed():
    p = _instance(4)
    a = zs.spsa_gradient(p, np.ones(p.d), k=3, rng=11, distribution="sphere")
    b = zs.spsa_gradient(p, np.ones(p.d), k=3, rng=np.random.default_rng(11), distribution="sphere")
    assert np.array_equal(a, b)


@pytest.mark.parametrize("distribution", zs.DISTRIBUTIONS)
def test_direction_samplers(distribution):
    Z = zs.sample_directions(500, 7, distribution, rng=0)
    assert Z.shape == (500, 7)
    if distribution == "sphere":
        np.testing.assert_allclose(np.linalg.norm(Z, axis=1), np.sqrt(7), rtol=1e-14)
    if distribution == "rademacher":
        assert set(np.unique(Z)) == {-1.0, 1.0}
    assert np.array_equal(Z, zs.sample_directions(500, 7, distribution, rng=0))


# ------------------------------------------------------------------------------------------- replay, C12
@pytest.mark.parametrize("distribution", zs.DISTRIBUTIONS)
@pytest.mark.parametrize("scheme", ["central", "forward"])
def test_replay_is_bit_exact(distribution, scheme):
    """C12: x0, the per-step seeds and the k scalars per step determine the run bit for bit."""
    p = _instance(5)
    x0 = np.random.default_rng(6).standard_normal(p.d)
    traj = zs.zo_gd(p, x0, steps=40, lr=0.05, k=3, distribution=distribution, scheme=scheme, rng=7)
    assert traj.seeds.shape == (40,)
    assert traj.scalars.shape == (40, 3)
    assert np.array_equal(zs.replay(traj, p, x0), traj.x)
    assert not np.array_equal(x0, traj.x)


def test_replay_of_a_batch_is_bit_exact_and_runs_are_independent():
    p = _instance(8)
    x0 = np.zeros(p.d)
    traj = zs.zo_gd_batch(p, x0, runs=4, steps=25, lr=0.05, k=2, distribution="rademacher", rng=9)
    assert traj.losses.shape == (4, 26)
    assert traj.x.shape == (4, p.d)
    assert traj.scalars.shape == (4, 25, 2)
    assert np.array_equal(zs.replay(traj, p, x0), traj.x)
    assert len({tuple(row) for row in traj.x}) == 4  # four different runs


def test_batch_of_one_is_the_single_run():
    p = _instance(10)
    x0 = np.ones(p.d)
    single = zs.zo_gd(p, x0, steps=15, lr=0.05, k=2, rng=12)
    batch = zs.zo_gd_batch(p, x0, runs=1, steps=15, lr=0.05, k=2, rng=12)
    # runs=1 draws zo_gd's directions; k = 2: both take the logits of [x, z_1, z_2] from one 3-row product, so the
    # steps agree bit for bit; the recorded loss is A x by a matrix-vector product in zo_gd and a row of the
    # product in the batch: a few roundings of the logits apart, 4 eps_mach relative.
    assert np.array_equal(batch.x[0], single.x)
    assert np.array_equal(batch.scalars[0], single.scalars)
    assert np.allclose(batch.losses[0], single.losses, rtol=4 * EPS_MACH, atol=0)


@pytest.mark.parametrize(("scheme", "per_step"), [("central", 8), ("forward", 5)])
def test_forward_passes_count_the_estimator_evaluations(scheme, per_step):
    """C12: 2k (central) or k + 1 (forward) loss evaluations per step."""
    p = _instance(11)
    traj = zs.zo_gd(p, np.zeros(p.d), steps=6, lr=0.05, k=4, scheme=scheme, rng=0)
    assert np.array_equal(traj.forward_passes, per_step * np.arange(7))


def test_recorded_losses_are_the_losses_of_the_iterates():
    p = _instance(12)
    x0 = np.ones(p.d)
    traj = zs.zo_gd(p, x0, steps=5, lr=0.05, k=2, rng=0)
    assert traj.losses[0] == pytest.approx(p.loss(x0), rel=1e-14)
    assert traj.losses[-1] == pytest.approx(p.loss(traj.x), rel=1e-14)


# --------------------------------------------------------------------------------------- convergence, C11
def test_gd_contracts_every_step_at_the_strongly_convex_rate():
    """With step 1/l, L(x_{t+1}) − L* ≤ (1 − μ/l)(L(x_t) − L*) at every step (deterministic theorem)."""
    p = _instance(13, n=20, d=6)
    ell, mu = zs.smoothness_bound(p), zs.strong_convexity_bound(p)
    assert mu > 0
    x0 = np.random.default_rng(0).standard_normal(p.d) * 3
    star = zs.newton(p, x0).losses[-1]
    gaps = zs.gd(p, x0, steps=60, lr=1 / ell).losses - star
    rounding = 16 * EPS_MACH * abs(star)  # the gaps are differences of O(|L*|) numbers
    assert np.all(gaps[1:] <= (1 - mu / ell) * gaps[:-1] + rounding)


def test_newton_reaches_a_stationary_point():
    p = _instance(14, n=30, d=8)
    traj = zs.newton(p, np.full(p.d, 2.0))
    g0 = np.linalg.norm(p.gradient(np.full(p.d, 2.0)))
    assert np.linalg.norm(p.gradient(traj.x)) <= 1e-10 * g0
    assert np.all(np.diff(traj.losses) < 0)


# C11 itself (the mean gap against the bound at every step, with the power to reject a bound 5-10% too low at
# t = 1, where it is nearly tight) is tested in test_fig_convergence.py; a fitted median rate here could not fail.


def test_linear_rate_recovers_a_geometric_sequence():
    losses = 3.0 + 5.0 * 0.9 ** np.arange(50)
    assert zs.linear_rate(losses, 3.0) == pytest.approx(0.9, rel=1e-10)


def test_iteration_bound_is_finite_with_pl_and_infinite_without():
    p = _instance(16, n=20, d=6, w=1.4)
    x0 = np.ones(p.d)
    star = zs.newton(p, x0).losses[-1]
    T = zs.iteration_bound(p, x0, 2, "sphere", 1e-8, loss_star=star)
    rho = zs.rate_bound(p, 2, "sphere")
    gap0 = p.loss(x0) - star
    assert 0 < T < np.inf
    assert gap0 * rho**T <= 1e-8 < gap0 * rho ** (T - 1)  # the smallest such T
    unreg = zs.random_instance(20, 6, rng=16)
    assert zs.iteration_bound(unreg, x0, 2, "sphere", 1e-30, loss_star=zs.newton(unreg, x0).losses[-1]) == np.inf


@pytest.mark.parametrize("rank", [2, 5])
def test_pl_inequality_holds_for_rank_deficient_data(rank):
    """C11 with μ = pl_constant: ‖∇L(x)‖² ≥ 2μ (L(x) − L*) at random points, A of rank r < d."""
    d = 12
    s = np.r_[np.linspace(1.0, 0.6, rank), np.zeros(d - rank)]
    p = zs.random_instance(16, d, rng=rank, singular_values=s, w=1.5)
    mu = zs.pl_constant(p)
    assert mu > 0  # no strong convexity, but PL
    assert zs.strong_convexity_bound(p) <= 1e-12
    star = zs.newton(p, np.zeros(d)).losses[-1]
    rng = np.random.default_rng(0)
    for _ in range(20):
        x = rng.standard_normal(d) * rng.choice([0.1, 1.0, 5.0])
        g = p.gradient(x)
        rounding = 16 * EPS_MACH * max(abs(star), 1.0) * 2 * mu  # L(x) − L* is a difference of O(|L*|) numbers
        assert g @ g >= 2 * mu * (p.loss(x) - star) - rounding
