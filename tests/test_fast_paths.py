"""The plain paths compute the plain formulas.

In-place softmax and loss, one product for all logits, and a batched ZO step (one product for all runs) equals the
two-point formula run by run.

No timing is asserted here (benchmarks are not tests). Bit for bit where the operations are the same, to the
derived rounding bound where they are regrouped.
"""
from __future__ import annotations

import numpy as np
import pytest

import zosoftmax as zs
from tests.strategies import EPS_MACH, loss_rounding
from zosoftmax.problem import _GEMV_MAX_ROWS


# ----------------------------------------------------------------------------- the plain formulas, for reference
def _plain_softmax(Y):
    E = np.exp(Y - np.max(Y.real, axis=-1, keepdims=True))
    return E / np.sum(E, axis=-1, keepdims=True)


def _plain_loss(p, Y):
    c = _plain_softmax(np.asarray(Y)) - p.b
    out = 0.5 * np.sum(c * c, axis=-1)
    if p.w is not None:
        wy = p.w * Y
        out = out + 0.5 * np.sum(wy * wy, axis=-1)
    return out



@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("w", [None, 0.7])
def test_in_place_softmax_and_loss_are_the_plain_formula_bit_for_bit(dtype, w):
    """The in-place softmax and loss perform the plain formula's operations in the same order: equal bits."""
    p = zs.random_instance(9, 4, rng=0, w=w, dtype=dtype)
    rng = np.random.default_rng(1)
    cases = [rng.standard_normal((7, 9)).astype(dtype) * 30, rng.standard_normal(9).astype(dtype),
             rng.standard_normal((3, 9)) + 1j * rng.standard_normal((3, 9)) * 1e-20,  # complex step
             np.arange(9)]  # integer logits are promoted, as before
    for Y in cases:
        assert np.array_equal(zs.softmax(np.asarray(Y)), _plain_softmax(np.asarray(Y)))
        got, want = p.loss_from_logits(Y), _plain_loss(p, Y)
        assert got.dtype == want.dtype
        assert np.array_equal(got, want)


def test_loss_of_float32_logits_on_a_float64_problem_is_promoted():
    """The in-place subtraction must not round a float64 target to float32 logits' precision."""
    p = zs.random_instance(5, 3, rng=2)
    Y = np.random.default_rng(3).standard_normal((4, 5)).astype(np.float32)
    got = p.loss_from_logits(Y)
    assert got.dtype == np.float64
    assert np.array_equal(got, _plain_loss(p, Y))


@pytest.mark.parametrize("rows", [1, 2, 3, 9])
def test_logits_are_the_product_to_rounding(rows):
    """``p.logits(W) = W Aᵀ`` whether it takes the GEMV branch (rows <= 2) or one GEMM.

    Tolerance: the classical dot-product bound ``|fl(w·a) − w·a| <= γ_d |w|·|a|`` with ``γ_d = d u/(1 − d u)``,
    for the two summation orders (both sides are rounded), so twice that.
    """
    rng = np.random.default_rng(rows)
    n, d = 11, 37
    A, W = rng.standard_normal((n, d)), rng.standard_normal((rows, d))
    exact_order = np.array([[float(np.dot(w, a)) for a in A] for w in W])
    gamma_d = d * EPS_MACH / 2 / (1 - d * EPS_MACH / 2)  # unit roundoff u = eps_mach / 2
    tol = 2 * gamma_d * (np.abs(W) @ np.abs(A).T)
    got = zs.SoftmaxRegression(A, np.full(n, 1 / n)).logits(W)
    assert got.shape == (rows, n)
    assert np.all(np.abs(got - exact_order) <= tol)
    if rows <= _GEMV_MAX_ROWS:  # the GEMV branch is NumPy's own matrix-vector product, row by row
        assert all(np.array_equal(got[i], A @ W[i]) for i in range(rows))




@pytest.mark.parametrize("scheme", ["central", "forward"])
@pytest.mark.parametrize("w", [None, 1.3])
def test_a_batched_step_is_the_plain_two_point_formula(scheme, w):
    """One step of ``zo_gd_batch`` equals, run by run, ``x − (η/k) Σ_j s_j z_j`` from separate ``loss`` calls.

    The batch makes one product and one batched loss call for all runs; ``s_j`` comes from separate ``loss`` calls at
    ``x ± εz_j`` (or ``x + εz_j`` and ``x``), to rounding; the recorded loss is ``loss(x0)``.

    Tolerance: each loss is off by at most ``loss_rounding`` (the shared error model: sums, exp and the
    rounding of ``Ax`` and of ``x ± εz``), so a quotient by ``2·loss_rounding/(2ε)`` (central) or
    ``2·loss_rounding/ε`` (forward), and the update by ``η · max|Δs| · max_j ‖z_j‖_∞``.
    """
    p = zs.random_instance(10, 6, rng=5, w=w)
    S, k, eps, lr = 3, 4, 1e-3, 0.05
    X0 = np.random.default_rng(6).standard_normal((S, p.d))
    traj = zs.zo_gd_batch(p, X0, runs=S, steps=1, lr=lr, k=k, eps=eps, scheme=scheme, rng=7)
    Z = zs.step_directions(traj.seeds[:, 0], k, p.d)
    for s in range(S):
        x = X0[s]
        points = [x + eps * z for z in Z[s]] + [x - eps * z for z in Z[s]] + [x]
        rounding = max(loss_rounding(p, np.array(points)), loss_rounding(p, x))
        if scheme == "central":
            quot = np.array([(p.loss(x + eps * z) - p.loss(x - eps * z)) / (2 * eps) for z in Z[s]])
            tol_s = 2 * rounding / (2 * eps)
        else:
            quot = np.array([(p.loss(x + eps * z) - p.loss(x)) / eps for z in Z[s]])
            tol_s = 2 * rounding / eps
        assert np.all(np.abs(traj.scalars[s, 0] - quot) <= tol_s)
        x1 = x - lr * (Z[s].T @ quot) / k
        assert np.all(np.abs(traj.x[s] - x1) <= lr * tol_s * np.max(np.abs(Z[s])) + 4 * EPS_MACH * np.abs(x1))
        assert abs(traj.losses[s, 0] - p.loss(x)) <= 2 * loss_rounding(p, x)




@pytest.mark.parametrize("scheme", ["central", "forward"])
@pytest.mark.parametrize("distribution", zs.DISTRIBUTIONS)
def test_a_run_is_projected_gradients_at_its_iterates_bit_for_bit(scheme, distribution):
    """Invariant (C12, one implementation of the quotient).

    The scalars of a ``zo_gd`` run are ``projected_gradients`` at the replayed iterates, along ``step_directions`` of
    the recorded seeds, bit for bit, and each recorded loss is ``loss`` of its iterate, bit for bit.
    """
    p = zs.random_instance(12, 5, rng=3, w=0.8)
    x0 = np.random.default_rng(4).standard_normal(p.d)
    traj = zs.zo_gd(p, x0, steps=6, lr=0.1, k=3, eps=1e-3, distribution=distribution, scheme=scheme, rng=5)
    x = x0
    for t in range(traj.steps):
        Z = zs.step_directions(traj.seeds[t], 3, p.d, distribution)
        s = zs.projected_gradients(p, x, Z, eps=1e-3, scheme=scheme)
        assert np.array_equal(s, traj.scalars[t])
        assert traj.losses[t] == p.loss(x)
        x = x - (traj.lr / 3) * (s @ Z)
    assert np.array_equal(x, traj.x)
    assert traj.losses[-1] == p.loss(x)


@pytest.mark.parametrize("distribution", zs.DISTRIBUTIONS)
def test_step_directions_are_regenerated_and_a_column_is_iid_blocks(distribution):
    """C12: a step's directions are a function of its seed (regenerated, not stored).

    A column of S seeds gives S blocks from one generator, the first of which, for S = 1, is the single seed's.
    """
    one = zs.step_directions(123, 3, 7, distribution)
    assert np.array_equal(one, zs.step_directions(123, 3, 7, distribution))
    assert np.array_equal(zs.step_directions(np.array([123]), 3, 7, distribution)[0], one)
    col = zs.step_directions(np.array([5, 6, 7]), 3, 7, distribution)
    assert col.shape == (3, 3, 7)
    assert not np.array_equal(col[0], col[1])
    want = zs.sample_directions(9, 7, distribution, np.random.default_rng(np.array([5, 6, 7])))
    assert np.array_equal(col.reshape(9, 7), want)
