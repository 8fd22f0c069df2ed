r"""Many softmax rows sharing ``x`` (C14): the sum of the rows, the factored head, its reduction and structure.

Invariants:

* a stack of ``m`` rows is the sum of ``m`` one-row problems (loss, gradient, Hessian, ``B``), and an (n, d)
  problem equals its (1, n, d) stack bit for bit (``m = 1`` is today's problem, unchanged);
* an :class:`~zosoftmax.AttentionRegression` equals the dense stack of its rows :math:`s(k_j\otimes\tilde h_i)`;
* its reduction keeps the loss and the spectrum (plus zeros), and its :math:`H_0` is the Kronecker product
  :math:`(sK)^\top(sK)\otimes\tilde H^\top\mathrm{diag}(\beta^+)\tilde H` (C14);
* the bounds hold row by row: :math:`\sum_i A_i^\top(W_i^2-\beta^-_i)A_i \preceq \nabla^2L \preceq H_0`.

Tolerances come from the roundoff models of ``tests/strategies.py`` applied to the dense stack (both sides are
rounded, so twice the model).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import zosoftmax as zs
from tests.strategies import EPS_MACH, gradient_rounding, hessian_rounding, loss_rounding, seeds, targets


@st.composite
def row_stacks(draw: Any, m: tuple[int, int] = (1, 4)) -> tuple[zs.SoftmaxRegression, np.ndarray]:
    """A dense (m, n, d) stack with admissible targets per row, optional regularizer, and a point."""
    mm, nn, dd = draw(st.integers(*m)), draw(st.integers(2, 5)), draw(st.integers(1, 5))
    rng = np.random.default_rng(draw(seeds))
    A = rng.standard_normal((mm, nn, dd)) * draw(st.floats(0.1, 2.0))
    b = np.stack([draw(targets(nn)) for _ in range(mm)])
    w = rng.uniform(0.0, 2.0, (mm, nn)) if draw(st.booleans()) else None
    x = draw(hnp.arrays(np.float64, dd, elements=st.floats(-3.0, 3.0, allow_nan=False)))
    return zs.SoftmaxRegression(A, b, w), x


@st.composite
def heads(draw: Any, regularized: bool | None = None) -> tuple[zs.AttentionRegression, np.ndarray]:
    """A small factored head (m queries, n keys of width p, inputs of width D), targets per query, and a point."""
    mm, nn, pp, DD = (draw(st.integers(1, 4)), draw(st.integers(2, 5)), draw(st.integers(1, 3)),
                      draw(st.integers(1, 4)))
    rng = np.random.default_rng(draw(seeds))
    Ht, K = rng.standard_normal((mm, DD)), rng.standard_normal((nn, pp))
    b = np.stack([draw(targets(nn)) for _ in range(mm)])
    reg = draw(st.booleans()) if regularized is None else regularized
    w = rng.uniform(0.0, 2.0, (mm, nn)) if reg else None
    h = zs.AttentionRegression.from_factors(Ht, K, b, w, scale=draw(st.floats(0.2, 1.5)))
    x = draw(hnp.arrays(np.float64, h.d, elements=st.floats(-2.0, 2.0, allow_nan=False)))
    return h, x


def _rows_of(p: zs.SoftmaxRegression) -> list[zs.SoftmaxRegression]:
    return [zs.SoftmaxRegression(p.A[i], p.b[i], None if p.w is None else p.w[i]) for i in range(p.m)]


@given(row_stacks())
def test_a_stack_is_the_sum_of_its_rows(case):
    """L, ∇L, ∇²L of m rows sharing x are the sums of the one-row problems' (and B is the rows' B, stacked)."""
    p, x = case
    rows = _rows_of(p)
    assert abs(p.loss(x) - sum(r.loss(x) for r in rows)) <= 2 * sum(loss_rounding(r, x) for r in rows)
    g = sum(r.gradient(x) for r in rows)
    assert np.linalg.norm(p.gradient(x) - g) <= 2 * sum(gradient_rounding(r, x) for r in rows)
    H = sum(r.hessian(x) for r in rows)
    assert np.linalg.norm(p.hessian(x) - H, 2) <= 2 * sum(hessian_rounding(r) for r in rows)
    assert np.array_equal(p.B(x), np.stack([r.B(x) for r in rows]))  # the same formula on the same f, c


@given(row_stacks(m=(1, 1)))
def test_one_row_stacked_is_the_one_row_problem_bit_for_bit(case):
    """M = 1 is today's problem: an (n, d) A and its (1, n, d) stack give identical bits."""
    p, x = case
    flat = zs.SoftmaxRegression(p.A[0], p.b[0], None if p.w is None else p.w[0])
    assert p.loss(x) == flat.loss(x)
    assert np.array_equal(p.gradient(x), flat.gradient(x))
    assert np.array_equal(p.hessian(x), flat.hessian(x))
    assert np.array_equal(zs.hessian_upper_bound(p), zs.hessian_upper_bound(flat))
    assert zs.step_size(p, 2, "sphere") == zs.step_size(flat, 2, "sphere")


@given(heads())
def test_a_factored_head_is_its_dense_rows(case):
    """AttentionRegression's two-product logits and its pullback are the dense rows s(k_j ⊗ h~_i) (C14)."""
    h, x = case
    dense = zs.SoftmaxRegression(h.A, h.b, h.w)
    assert h.A.shape == (h.m, h.n, h.d)
    assert abs(h.loss(x) - dense.loss(x)) <= 2 * loss_rounding(dense, x)
    assert np.linalg.norm(h.gradient(x) - dense.gradient(x)) <= 2 * gradient_rounding(dense, x)
    H = dense.hessian(x)
    assert np.linalg.norm(h.hessian(x) - H, 2) <= 2 * hessian_rounding(dense)
    v = np.random.default_rng(0).standard_normal(h.d)
    # Hv from the S(Su) identity against the dense Hessian times v: |H| <= 2 ||A||² (1 + |w|²) bounds the rounding
    assert np.linalg.norm(h.hessian_vector(x, v) - H @ v) <= 2 * hessian_rounding(dense) * np.linalg.norm(v)
    X = np.stack([x, -x, 0.5 * x])
    assert np.allclose(h.loss_batch(X), dense.loss_batch(X), rtol=0, atol=2 * loss_rounding(dense, X))


def test_a_planted_kronecker_order_error_is_detected():
    """Power: the column-major vec(W~) instead of row-major changes the logits (the factored-vs-dense test fails)."""
    rng = np.random.default_rng(3)
    h = zs.AttentionRegression.from_factors(rng.standard_normal((3, 4)), rng.standard_normal((5, 2)),
                                            np.full((3, 5), 0.2), scale=0.5)
    x = rng.standard_normal(h.d)
    wrong = np.einsum("ja,ic->ijca", h.scaled_keys, h.queries).reshape(h.m, h.n, h.d)  # vec in the wrong order
    assert np.max(np.abs(wrong @ x - h.logits(x))) > 1e-3
    assert np.max(np.abs(h.A @ x - h.logits(x))) <= 1e-12


@given(heads())
def test_the_reduction_keeps_the_loss_and_the_spectrum(case):
    """L(x) = L'(project x), L(embed z) = L'(z), and the Gram spectrum is the reduced one plus d − d' zeros (C14)."""
    h, x = case
    red = h.reduce()
    q = red.problem
    dense = zs.SoftmaxRegression(h.A, h.b, h.w)
    assert abs(h.loss(x) - q.loss(red.project(x))) <= 4 * loss_rounding(dense, x)
    z = red.project(x)
    assert abs(h.loss(red.embed(z)) - q.loss(z)) <= 4 * loss_rounding(dense, x)
    V = np.random.default_rng(1).uniform(0.1, 2.0, h.logit_shape)
    full, small = np.linalg.eigvalsh(h.gram(V)), np.linalg.eigvalsh(q.gram(V))
    padded = np.sort(np.r_[small, np.zeros(h.d - q.d)])
    scale = float(full[-1]) if full[-1] > 0 else 1.0
    assert np.max(np.abs(full - padded)) <= 64 * h.d * EPS_MACH * scale  # eigvalsh's backward error, both sides


@given(heads(regularized=False))
def test_the_upper_bound_of_a_head_is_a_kronecker_product(case):
    """C14: H0 = (sK)ᵀ(sK) ⊗ H~ᵀ diag(β⁺) H~, so its spectrum, ℓ and r(H0) come from the two small factors."""
    h, _ = case
    H0 = zs.hessian_upper_bound(h)  # the dense sum Σ_i A_iᵀ β⁺_i A_i
    lam = np.linalg.eigvalsh(H0)
    kron = zs.upper_spectrum(h)
    tol = 64 * h.d * EPS_MACH * float(lam[-1])
    assert np.max(np.abs(lam - kron)) <= tol
    assert zs.smoothness_bound(h) == pytest.approx(float(lam[-1]), rel=0, abs=tol)
    assert zs.effective_rank(h) == pytest.approx(zs.effective_rank(H0), rel=64 * h.d * EPS_MACH)


@given(row_stacks(), st.integers(0, 10**6))
def test_the_bounds_hold_row_by_row(case, seed):
    """Σ A_iᵀ(W_i² − β⁻_i)A_i ⪯ ∇²L(x) ⪯ H0 = Σ A_iᵀ(β⁺_i + W_i²)A_i, with per-row β (C4, C5, C14)."""
    p, x = case
    H = p.hessian(x)
    tol = 4 * hessian_rounding(p) * p.m
    assert np.linalg.eigvalsh(zs.hessian_upper_bound(p) - H)[0] >= -tol
    assert np.linalg.eigvalsh(H - zs.hessian_lower_bound(p))[0] >= -tol
    bp, bm = zs.row_beta_constants(p)
    assert bp.shape == bm.shape == (p.m,)


def test_newton_and_the_exact_curve_on_a_head_agree_with_the_dense_problem():
    """The reduced solve and the reduced local model give the dense problem's minimum and learning curve."""
    rng = np.random.default_rng(7)
    b = zs.softmax(rng.standard_normal((3, 4)))
    h = zs.AttentionRegression.from_factors(rng.standard_normal((3, 3)), rng.standard_normal((4, 2)), b, scale=0.8)
    dense = zs.SoftmaxRegression(h.A, h.b)
    x0 = 0.1 * rng.standard_normal(h.d)
    sh, sd = zs.newton(h, x0), zs.newton(dense, x0)
    assert sh.losses[-1] == pytest.approx(sd.losses[-1], abs=1e-14)
    assert np.linalg.norm(h.gradient(sh.x)) <= 1e-10
    ch = zs.expected_gap_curve(h, x0, steps=50, lr=0.5, k=2, x_star=sh.x)
    cd = zs.expected_gap_curve(dense, x0, steps=50, lr=0.5, k=2, x_star=sh.x)
    assert np.allclose(ch, cd, rtol=1e-9, atol=1e-300)


def test_zo_runs_on_a_head_and_replay_bit_for_bit():
    """The estimator and the batched runs use the factored logits; a head's run replays exactly (C12, C14)."""
    rng = np.random.default_rng(11)
    h = zs.AttentionRegression.from_factors(rng.standard_normal((4, 3)), rng.standard_normal((5, 2)),
                                            zs.softmax(rng.standard_normal((4, 5))), scale=0.6)
    dense = zs.SoftmaxRegression(h.A, h.b)
    x = rng.standard_normal(h.d)
    Z = rng.standard_normal((3, h.d))
    sh = zs.projected_gradients(h, x, Z, eps=1e-3)
    sd = zs.projected_gradients(dense, x, Z, eps=1e-3)
    assert np.allclose(sh, sd, rtol=0, atol=4 * loss_rounding(dense, x) / 1e-3)  # two losses' rounding over 2ε
    run = zs.zo_gd_batch(h, x, runs=3, steps=20, lr=0.1, k=2, rng=5)
    assert np.array_equal(zs.replay(run, h, x), run.x)
    one = zs.zo_gd(h, x, steps=10, lr=0.1, k=2, rng=5)
    assert np.array_equal(zs.replay(one, h, x), one.x)


def test_bad_head_input_names_the_argument():
    with pytest.raises(ValueError, match="queries"):
        zs.AttentionRegression.from_factors(np.ones(3), np.ones((2, 2)), np.full((3, 2), 0.5))
    with pytest.raises(ValueError, match="b"):
        zs.AttentionRegression.from_factors(np.ones((3, 2)), np.ones((2, 2)), np.full((2, 2), 0.5))
    with pytest.raises(ValueError, match="scale"):
        zs.AttentionRegression.from_factors(np.ones((3, 2)), np.ones((2, 2)), np.full((3, 2), 0.5), scale=0.0)
    big = zs.AttentionRegression.from_factors(np.ones((300, 400)), np.ones((300, 64)), np.full((300, 300), 1 / 300))
    with pytest.raises(ValueError, match="dense rows"):
        _ = big.A
    with pytest.raises(ValueError, match="A must be"):
        zs.SoftmaxRegression(np.ones((2, 2, 2, 2)), np.ones(2))


@given(st.integers(1, 6), st.integers(0, 10**6))
def test_gd_gap_curve_is_gradient_descent_on_the_quadratic(d, seed):
    """gd_gap_curve equals ½ eᵀHe along x_{t+1} = x_t − ηH(x_t − x*), iterated by hand (C13, C15)."""
    rng = np.random.default_rng(seed)
    Q = rng.standard_normal((d, d))
    H = Q @ Q.T + 0.1 * np.eye(d)
    q = zs.Quadratic(H, rng.standard_normal(d))
    x = rng.standard_normal(d)
    lr = 1.0 / float(np.linalg.eigvalsh(H)[-1])
    curve = zs.gd_gap_curve(q, x, steps=30, lr=lr)
    lam = np.linalg.eigvalsh(H)
    gap0 = float(curve[0])
    for t in range(31):
        e = x - q.x_star
        # the hand iterate carries a rounding of relative size ~eps of ‖e0‖ per step, which the gap sees at most
        # λ_max/λ_min-amplified (a mode that has converged keeps its rounding): a few eps of κ gap0, plus the form's own
        tol = 64 * d * EPS_MACH * (0.5 * e @ H @ e + (t + 1) * lam[-1] / lam[0] * gap0)
        assert abs(curve[t] - 0.5 * e @ H @ e) <= tol
        x = x - lr * H @ e


@given(row_stacks(m=(2, 3)))
def test_the_bias_leading_term_of_a_stack_is_the_sum_of_its_rows(case):
    """C7 on m rows: the third derivative (and so the bias's ε² term) is the sum of the rows' (C14)."""
    p, x = case
    rows = _rows_of(p)
    for dist in ("gaussian", "rademacher"):
        total = sum(zs.bias_leading_term(r, x, dist) for r in rows)
        got = zs.bias_leading_term(p, x, dist)
        # the same per-row arithmetic summed in the same order: equal up to the order of the final additions
        assert np.allclose(got, total, rtol=1e-12, atol=1e-12 * (1 + np.max(np.abs(total))))
