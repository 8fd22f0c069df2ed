"""The public API: names, immutability, dtypes and the numerics promised in issue 2 (C1)."""

from __future__ import annotations

import importlib
import re

import numpy as np
import pytest

import zosoftmax as zs

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
            assert obj.__doc__ and re.search(r"\bC(1[0-2]|[1-9])\b", obj.__doc__), name


def test_instance_is_immutable():
    p = zs.random_instance(5, 3, rng=0, w=1.0)
    with pytest.raises(AttributeError):
        p.A = np.eye(3)  # frozen dataclass
    with pytest.raises(ValueError):
        p.A[0, 0] = 1.0  # read-only array
    A = np.eye(3)
    q = zs.SoftmaxRegression(A, np.ones(3) / 3)
    A[0, 0] = 5.0
    assert q.A[0, 0] == 1.0  # a private copy


def test_float64_default_and_float32_option():
    A, b = np.eye(3, dtype=np.float32), np.ones(3, dtype=np.float32) / 3
    assert zs.SoftmaxRegression(A, b).A.dtype == np.float64
    p32 = zs.SoftmaxRegression(A, b, dtype="float32")
    assert p32.A.dtype == np.float32 and p32.gradient(np.ones(3)).dtype == np.float32


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
    assert np.all(np.isfinite(p.gradient(x))) and np.all(np.isfinite(p.hessian(x)))


def test_softmax_is_shift_invariant_and_a_distribution():
    y = np.array([3.0, -1.0, 700.0, 2.0])
    f = zs.softmax(y)
    assert f.sum() == pytest.approx(1.0, abs=4 * np.finfo(float).eps) and np.all(f >= 0)
    np.testing.assert_array_equal(zs.softmax(y + 10.0), f)  # the max shift makes it exact


def test_loss_batch_matches_loss():
    p = zs.random_instance(7, 4, rng=3, w=0.5)
    X = np.random.default_rng(4).standard_normal((5, 4))
    np.testing.assert_allclose(p.loss_batch(X), [p.loss(x) for x in X], rtol=1e-14)


def test_random_instance_has_the_prescribed_spectrum():
    s = np.array([3.0, 1.0, 0.5, 0.1])
    p = zs.random_instance(10, 4, rng=5, singular_values=s)
    np.testing.assert_allclose(np.linalg.svd(p.A, compute_uv=False), s, rtol=1e-12)
    assert p.b.min() >= 0 and p.b.sum() == pytest.approx(1.0)
    assert np.array_equal(p.A, zs.random_instance(10, 4, rng=5, singular_values=s).A)
