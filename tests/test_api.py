"""The public API: names, immutability, dtypes and the numerics promised in issue 2 (C1)."""

from __future__ import annotations

import importlib
import re
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import zosoftmax as zs
from tests.strategies import instances

MODULES = ["problem", "estimators", "optimize", "bounds", "instances"]


def test_public_names_exist_and_are_reexported():
    for name in zs.__all__:
        assert hasattr(zs, name), name
    for module in MODULES:
        mod = importlib.import_module(f"zosoftmax.{module}")
        for name in mod.__all__:
            assert getattr(zs, name) is getattr(mod, name), f"{module}.{name} not re-exported"


def test_every_public_callable_has_a_docstring_naming_its_claim():
    for name in zs.__all__:
        obj = getattr(zs, name)
        if callable(obj) and not isinstance(obj, type):
            assert obj.__doc__, name
            assert re.search(r"\bC(1[0-6]|[1-9])\b", obj.__doc__), name  # C14-C15 the lead's, C16 noise and budget


def test_instance_is_immutable():
    p = zs.random_instance(5, 3, rng=0, w=1.0)
    with pytest.raises(AttributeError):
        p.A = np.eye(3)  # frozen dataclass
    with pytest.raises(ValueError, match="read-only"):
        p.A[0, 0] = 1.0  # read-only array
    A = np.eye(3)
    q = zs.SoftmaxRegression(A, np.ones(3) / 3)
    A[0, 0] = 5.0
    assert q.A[0, 0] == 1.0  # a private copy


def test_float64_default_and_float32_option():
    A, b = np.eye(3, dtype=np.float32), np.ones(3, dtype=np.float32) / 3
    assert zs.SoftmaxRegression(A, b).A.dtype == np.float64
    p32 = zs.SoftmaxRegression(A, b, dtype="float32")
    assert p32.A.dtype == np.float32
    assert p32.gradient(np.ones(3)).dtype == np.float32


@pytest.mark.parametrize("scale", [1.0, 1e2, 1e3, 1e5])
def test_loss_is_finite_and_accurate_for_huge_logits(scale):
    """C1: finite for logits |Ax| up to 1e3 and beyond, no overflow (the conftest makes overflow raise).

    Reference: with logits (s, 0, -s) the softmax is (1, e^{-s}, e^{-2s}) / (1 + e^{-s} + e^{-2s}), which for
    s ≥ 40 is (1, 0, 0) to double precision, so L = ½((1 − b₁)² + b₂² + b₃²) exactly.
    """
    b = np.array([0.2, 0.3, 0.5])
    p = zs.SoftmaxRegression(np.array([[1.0], [0.0], [-1.0]]), b)
    x = np.array([scale])
    f = zs.softmax(p.A @ x)
    expected = 0.5 * ((f[0] - b[0]) ** 2 + (f[1] - b[1]) ** 2 + (f[2] - b[2]) ** 2)
    assert np.isfinite(p.loss(x))
    assert p.loss(x) == pytest.approx(expected, rel=4 * np.finfo(float).eps)
    if scale >= 40:
        assert p.loss(x) == pytest.approx(0.5 * (0.8**2 + 0.3**2 + 0.5**2), rel=4 * np.finfo(float).eps)
    assert np.all(np.isfinite(p.gradient(x)))
    assert np.all(np.isfinite(p.hessian(x)))


def test_softmax_is_shift_invariant_and_a_distribution():
    y = np.array([3.0, -1.0, 700.0, 2.0])
    f = zs.softmax(y)
    assert f.sum() == pytest.approx(1.0, abs=4 * np.finfo(float).eps)
    assert np.all(f >= 0)
    np.testing.assert_array_equal(zs.softmax(y + 10.0), f)  # the max shift makes it exact


def test_loss_batch_matches_loss():
    p = zs.random_instance(7, 4, rng=3, w=0.5)
    X = np.random.default_rng(4).standard_normal((5, 4))
    np.testing.assert_allclose(p.loss_batch(X), [p.loss(x) for x in X], rtol=1e-14)


def test_random_instance_has_the_prescribed_spectrum():
    s = np.array([3.0, 1.0, 0.5, 0.1])
    p = zs.random_instance(10, 4, rng=5, singular_values=s)
    np.testing.assert_allclose(np.linalg.svd(p.A, compute_uv=False), s, rtol=1e-12)
    assert p.b.min() >= 0
    assert p.b.sum() == pytest.approx(1.0)
    assert np.array_equal(p.A, zs.random_instance(10, 4, rng=5, singular_values=s).A)


FMAX = float(np.finfo(np.float64).max)
U = float(np.finfo(np.float64).eps)


@settings(max_examples=40)
@given(instances(regularized=False),
       st.data())
@example(zs.random_instance(6, 3, rng=1), None)  # the reported case: loss(np.full(3, 1e308)) was NaN
@example(zs.SoftmaxRegression(np.array([[0.06164991, 0.26837679, 0.08335729], [-0.00724411, 0.00057923, 0.15447941]]),
                              np.array([0.5, 0.5])), np.full(3, 0.29215332))  # f ≈ b: L = 3.8e-4, c cancels
def test_loss_is_finite_for_every_finite_x_without_a_regularizer(p, data):
    """Invariant (C1): without a regularizer L, ∇L and ∇²L are finite at every finite x, and L is bounded.

    0 ≤ L ≤ ½(1 + ‖b‖)² (‖f − b‖ ≤ ‖f‖ + ‖b‖ ≤ 1 + ‖b‖), up to the whole float64 range of x.
    """
    if data is None or isinstance(data, np.ndarray):
        x = np.full(p.d, 1e308) if data is None else data
    else:
        x = data.draw(hnp.arrays(np.float64, p.d, elements=st.floats(-FMAX, FMAX, allow_nan=False,
                                                                        allow_infinity=False)))
    L = p.loss(x)
    assert 0.0 <= L <= 0.5 * (1 + np.linalg.norm(p.b)) ** 2 * (1 + 4 * U)
    assert np.all(np.isfinite(p.gradient(x)))
    assert np.all(np.isfinite(p.hessian(x)))
    # The batch scales row by row and its matrix product rounds differently from A @ x. Each of f and b enters
    # c = f - b with an absolute error of a few u (and f moves by at most max|Δy| <= d u max(|A||x|) through the
    # logits, ‖S‖ <= 1/2), so L = ½‖c‖² moves by ‖c‖ times that, plus its own relative rounding: with
    # ‖c‖ = sqrt(2L), (2n + d + 2)u [L + sqrt(2L)(1 + ‖b‖)(1 + max(|A||x|))]. A relative bound alone is wrong
    # where f ≈ b (L small, c a cancellation: found by Hypothesis at L = 3.8e-4).
    with np.errstate(over="ignore"):  # |A||x| beyond float64 (x ~ 1e308): no finer statement than the bound above
        scale = 1.0 + float(np.max(np.abs(p.A) @ np.abs(x)))
        tol = (np.inf if not np.isfinite(scale)
               else (2 * p.n + p.d + 2) * U * (L + np.sqrt(2 * L) * (1 + np.linalg.norm(p.b)) * scale))
    assert abs(p.loss_batch(np.stack([x, np.zeros(p.d)]))[0] - L) <= tol


@pytest.mark.parametrize("sign", [1.0, -1.0])
def test_loss_at_the_edge_of_float64_is_the_vertex_value(sign):
    """C1 at x = ±1e308·v: the logits' differences overflow float64, yet the softmax is exactly a vertex.

    Their gaps are ≥ 1e307, so the softmax is the vertex e_i, i = argmax ±(Av), exactly (e^{-1e307} = 0), and L = ½‖e_i
    − b‖² to the rounding of that sum (4u).
    """
    p = zs.random_instance(6, 3, rng=1)
    v = np.array([1.0, 0.75, 0.5])
    x = sign * 1e308 * v
    assert np.max(np.abs(x)) > p._x_direct  # beyond the direct evaluation: the scaled path is exercised
    Av = sign * (p.A @ v)
    assert np.sort(Av)[-1] - np.sort(Av)[-2] > 0.1  # a clear argmax, so the vertex is the exact softmax
    e = np.zeros(p.n)
    e[np.argmax(Av)] = 1.0
    assert p.loss(x) == pytest.approx(0.5 * np.sum((e - p.b) ** 2), rel=4 * U)
    np.testing.assert_array_equal(p.gradient(x), np.zeros(p.d))  # S = diag(e) − eeᵀ = 0 at a vertex


def test_scaled_and_direct_logits_give_the_same_loss():
    """The scaled evaluation (y = s·A(x/s), s a power of two) rounds exactly as the direct one.

    Multiplying by a power of two commutes with rounding, so where A x does not overflow both paths agree to 4u
    (subnormal x/s).
    """
    p = zs.random_instance(5, 2, rng=7)
    rng = np.random.default_rng(8)
    for _ in range(20):
        x = rng.standard_normal(2)
        x = x / np.max(np.abs(x)) * (1.5 * p._x_direct)  # above the direct-evaluation threshold: the scaled path
        y = p.A @ x  # finite here: |y| <= ||A||_inf max|x| = 1.5 fmax / 4
        assert p.loss(x) == pytest.approx(float(p.loss_from_logits(y)), rel=4 * U, abs=0)


def _exact_regularizer(p, x):
    """½‖diag(w) A x‖² in exact rational arithmetic (no overflow, no rounding)."""
    y = [sum(Fraction(float(a)) * Fraction(float(xj)) for a, xj in zip(row, x, strict=True)) for row in p.A]
    return sum(Fraction(float(wi)) ** 2 * yi**2 for wi, yi in zip(p.w, y, strict=True)) / 2


@pytest.mark.parametrize("w", [0.7, 1e-3])
def test_regularized_loss_domain_is_exactly_where_the_regularizer_fits_in_float64(w):
    """C1 with a regularizer: L ≥ ½‖diag(w)Ax‖², a real number that float64 cannot hold above fmax.

    Both sides of the boundary t* = √(fmax / R(v)) (R(v) exact, rationally): at 0.99 t* the loss is finite and equals
    the exact regularizer plus the fit term to (2n + d + 2)u; at 1.01 t* it raises a ValueError naming x.
    """
    p = zs.random_instance(4, 2, rng=3, w=w)
    v = np.array([0.6, -0.8])
    t_star = float(np.sqrt(FMAX) / np.sqrt(float(_exact_regularizer(p, v))))
    x_in, x_out = 0.99 * t_star * v, 1.01 * t_star * v
    reg = float(_exact_regularizer(p, x_in))
    assert abs(p.loss(x_in) - reg) <= (2 * p.n + p.d + 2) * U * reg + 0.5 * (1 + np.linalg.norm(p.b)) ** 2
    assert np.all(np.isfinite(p.gradient(x_in)))
    with pytest.raises(ValueError, match=r"x is outside the domain .* regularizer"):
        p.loss(x_out)
    with pytest.raises(ValueError, match=r"X is outside the domain"):
        p.loss_batch(x_out[None, :])
    with pytest.raises(ValueError, match=r"Y is outside the domain"):
        p.loss_from_logits(p.A @ x_out)
