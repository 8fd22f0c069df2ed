r"""Metamorphic tests for the invariances the mathematics guarantees (C1-C6).

* Permuting the rows of ``(A, b, w)`` together relabels the softmax entries: ``L``, ``\nabla L``,
  ``\nabla^2 L`` and every bound are unchanged and ``B`` is conjugated by the permutation.
* Adding a constant to every logit leaves ``f`` unchanged (C1); with a column of ones in ``A`` this is a move of
  ``x`` along which the unregularized loss is constant (so its gradient and Hessian annihilate that axis).
* ``A -> cA``, ``x -> x/c`` leaves the logits, hence ``L``, unchanged (the regularizer too, as it is
  :math:`\tfrac12\|w\circ Ax\|^2`); the chain rule scales the gradient by ``c`` and the Hessian by ``c^2``.

Tolerances: both sides are evaluations of the same sums in a different order, so they differ by roundoff
only (the error models of ``tests.strategies``), never by a modelling error.
"""

from __future__ import annotations

import numpy as np
from hypothesis import example, given
from hypothesis import strategies as st

import zosoftmax as zs
from tests import strategies as S


@given(S.instance_and_point(), st.data())
def test_row_permutation_invariance(case, data):
    """Invariant: permuting rows of (A, b, w) together changes neither L, nor its derivatives, nor the bounds."""
    p, x = case
    perm = np.asarray(data.draw(st.permutations(range(p.n))))
    q = zs.SoftmaxRegression(p.A[perm], p.b[perm], None if p.w is None else p.w[perm])
    assert abs(q.loss(x) - p.loss(x)) <= 2 * S.loss_rounding(p, x)
    assert np.linalg.norm(q.gradient(x) - p.gradient(x)) <= 2 * S.gradient_rounding(p, x)
    assert np.linalg.norm(q.hessian(x) - p.hessian(x), 2) <= 2 * S.hessian_rounding(p)
    assert np.allclose(q.B(x), p.B(x)[np.ix_(perm, perm)], rtol=0, atol=S.round_units(p) * S.EPS_MACH)
    assert zs.beta_constants(q.b) == zs.beta_constants(p.b)
    assert np.isclose(zs.third_derivative_bound(q), zs.third_derivative_bound(p), rtol=1e-12, atol=0)
    assert np.isclose(zs.smoothness_bound(q), zs.smoothness_bound(p), rtol=1e-10, atol=0)


@given(S.logits(6), st.floats(-1e3, 1e3))
@example(np.array([1e3, 0.0, -1e3, 5.0, 0.0, 0.0]), 1e3)
def test_softmax_shift_invariance(y, shift):
    """Invariant (C1): softmax(y + t 1) = softmax(y), including saturated logits (entries in [0, 1], sum 1)."""
    f, g = zs.softmax(y), zs.softmax(y + shift)
    assert np.all((f >= 0) & (f <= 1))
    assert abs(f.sum() - 1) <= 6 * S.EPS_MACH
    # both are exp(y_i - max y) normalized; the shift perturbs y_i - max y by <= 2 ulp(|y| + |t|)
    rounding = 4 * S.EPS_MACH * (np.max(np.abs(y)) + abs(shift) + 1)
    assert np.allclose(f, g, rtol=4 * rounding + 8 * S.EPS_MACH, atol=1e-300)


@given(S.instances(regularized=False), st.data())
def test_loss_invariant_along_the_ones_direction(p, data):
    r"""Invariant (C1): with a column of ones in ``A``, the unregularized loss is constant along :math:`e_d`.

    ``Ax + t1`` is ``A(x + te_d)``; hence :math:`\partial_d L = \mathbf 1^\top Sc = 0` and
    :math:`\nabla^2L\,e_d = A^\top B\mathbf 1 = 0`.
    """
    A = np.c_[p.A, np.ones(p.n)]
    q = zs.SoftmaxRegression(A, p.b)
    x = data.draw(S.points(q))
    t = data.draw(st.floats(-50.0, 50.0))
    e = np.eye(q.d)[-1]
    assert abs(q.loss(x + t * e) - q.loss(x)) <= 2 * S.loss_rounding(q, x + abs(t) * e)
    assert abs(q.gradient(x)[-1]) <= S.gradient_rounding(q, x)
    assert np.linalg.norm(q.hessian(x) @ e) <= np.sqrt(q.n) * S.hessian_rounding(q)


@given(S.instance_and_point(saturate=False), st.floats(-1.0, 1.0).map(lambda t: float(10.0**t)))
def test_scaling_A_against_x(case, c):
    """Invariant: L_{cA}(x/c) = L_A(x); gradient_{cA}(x/c) = c gradient_A(x); Hessian_{cA}(x/c) = c^2 Hessian_A(x)."""
    p, x = case
    q = zs.SoftmaxRegression(c * p.A, p.b, p.w)
    xs = x / c
    assert abs(q.loss(xs) - p.loss(x)) <= 2 * (S.loss_rounding(p, x) + S.loss_rounding(q, xs))
    assert np.linalg.norm(q.gradient(xs) - c * p.gradient(x)) <= 2 * (
        S.gradient_rounding(q, xs) + c * S.gradient_rounding(p, x))
    assert np.linalg.norm(q.hessian(xs) - c**2 * p.hessian(x), 2) <= 2 * (
        S.hessian_rounding(q) + c**2 * S.hessian_rounding(p))


@given(S.instance_and_point())
def test_batched_and_complex_paths_agree_with_loss(case):
    """Invariant: loss_batch, loss_from_logits (real, and complex with zero imaginary part) and loss agree."""
    p, x = case
    X = np.stack([x, -x, 0 * x])
    batch = p.loss_batch(X)
    single = np.array([p.loss(r) for r in X])
    # X @ A.T and A @ x may sum in different orders (BLAS): equal up to one evaluation's roundoff each
    assert np.all(np.abs(batch - single) <= 2 * np.array([S.loss_rounding(p, r) for r in X]))
    z = p.loss_from_logits((p.A @ x).astype(complex))
    assert np.imag(z) == 0
    assert abs(np.real(z) - p.loss(x)) <= S.loss_rounding(p, x)


@given(S.instance_and_point(), S.distributions, st.sampled_from(zs.SCHEMES), S.eps_values, S.seeds)
def test_estimator_same_through_logits_and_through_a_callable(case, distribution, scheme, eps, seed):
    r"""Invariant (C12): the one-product logit path of ``spsa_gradient`` gives the generic callable path's estimate.

    On a ``SoftmaxRegression``, :math:`A(x \pm \varepsilon z) = Ax \pm \varepsilon Az`; the generic path calls
    ``loss_batch`` at the perturbed points. They agree up to the roundoff of the quotients,
    :math:`2\delta_L/\varepsilon`.
    """
    p, x = case
    Z = zs.sample_directions(3, p.d, distribution, np.random.default_rng(seed))
    eps = S.resolvable_eps(p, x, Z, eps)
    a = zs.spsa_gradient(p, x, k=3, eps=eps, scheme=scheme, directions=Z)
    b = zs.spsa_gradient(p.loss_batch, x, k=3, eps=eps, scheme=scheme, directions=Z)
    delta_l = S.loss_rounding(p, np.vstack([x + eps * Z, x - eps * Z, x[None]]))
    assert np.linalg.norm(a - b) <= 2 * (2 * delta_l / eps) * np.max(np.linalg.norm(Z, axis=1))
