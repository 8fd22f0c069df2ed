"""The bit-reproducible arithmetic (:mod:`zosoftmax.reproducible`) against the plain path, and its reason to exist.

A run from a far start amplifies one changed last bit to an O(1) change of its gap (chaos); the plain path's bits
depend on the BLAS kernel and on NumPy's CPU-dispatched ``exp``, the reproducible path's on neither.
"""

from __future__ import annotations

import math
import os
import subprocess
import sys

import mpmath
import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

import zosoftmax as zs
from zosoftmax import reproducible as rp

from .test_io import KERNELS, ROOT, _kernel

U = np.finfo(np.float64).eps / 2  # unit roundoff
PRODUCT_ROUNDINGS = 8  # products(): 6 slice additions, the two scalings, and the dropped slices (below 2^-69)
EXP_ULP = 2  # exp's error: the table 2^(j/32) (1/2 ulp), Horner's sum (1/2 + O(r)), the product (1/2), and margin
# A far start where runs are chaotic: wine with w = 0.01, 30 logit units from x*, at half the local eta*
CHAOS_RADIUS, CHAOS_RUNS, CHAOS_STEPS = 30.0, 16, 200
CHAOTIC = 1e-3  # a changed last bit grows past this relative change of some gap within CHAOS_STEPS (measured 1e-1+)


@given(st.floats(-708.0, 709.0))
@example(0.0).via("exp(0) = 1 exactly")
@example(-745.0).via("the subnormal range")
@example(-0.010830424696249145).via("r at the edge of the reduction, -ln2 / 64")
def test_exp_is_within_two_ulp(x):
    """:func:`exp` is the exponential within EXP_ULP units in the last place (of the exact value, mpmath at 40 digits).

    In the subnormal range (below e^-708) math.ulp is the absolute 2^-1074 of the subnormals: the bound is in that
    unit there.
    """
    with mpmath.workdps(40):
        exact = mpmath.exp(mpmath.mpf(x))
        ref = float(exact)
        got = float(rp.exp(np.array([x]))[0])
        assert abs(mpmath.mpf(got) - exact) <= EXP_ULP * math.ulp(ref), (x, got, ref)


def test_exp_edges_and_bad_input():
    """0 -> 1 exactly, -inf and below -746 -> 0; NaN and arguments that overflow are refused by name."""
    np.testing.assert_array_equal(rp.exp(np.array([0.0, -0.0, -np.inf, -800.0])), [1.0, 1.0, 0.0, 0.0])
    for bad in (np.nan, 710.0, np.inf):
        with pytest.raises(ValueError, match="x must"):
            rp.exp(np.array([bad]))


@given(st.integers(0, 2**32 - 1), st.integers(1, 40), st.integers(0, 30))
@example(0, 1, 0).via("one term")
@example(1, 40, 30).via("large entries")
def test_products_are_the_same_bits_in_any_summation_order(seed, d, scale):
    """Permuting the inner index (another kernel's summation order) leaves every bit; accuracy as a BLAS product.

    Every slice product is a sum of integers below 2^53, exact in any order. The result is within PRODUCT_ROUNDINGS
    roundings of sum_j |x_j m_j| of the exact dot product (math.fsum): six scaled additions and the scalings.
    """
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((5, d)) * np.exp2(rng.integers(-scale - 1, scale + 1, (5, 1)))
    M = rng.standard_normal((4, d)) * np.exp2(scale)
    perm = rng.permutation(d)
    Y = rp.products(X, M)
    np.testing.assert_array_equal(rp.products(X[:, perm], M[:, perm]), Y)
    exact = np.array([[math.fsum(x * m) for m in M] for x in X])
    assert np.all(np.abs(Y - exact) <= PRODUCT_ROUNDINGS * U * (np.abs(X) @ np.abs(M).T))


def _problem(seed: int = 0) -> zs.SoftmaxRegression:
    return zs.random_instance(9, 5, rng=seed, w=0.3)


def test_the_objective_is_the_plain_one_to_rounding():
    """Logits, pullback and loss agree with :class:`zosoftmax.SoftmaxRegression` within their rounding bounds.

    A sum of d products is within gamma_d sum |a_j x_j| of the exact one, gamma_d = d u / (1 - d u), for any order:
    two orders differ by at most twice that. The loss is a sum of squares of O(1) terms: relative 1e3 u covers both
    evaluations' softmax, sums and squares (n = 9 terms, each a handful of roundings).
    """
    p = _problem()
    q = rp.ReproducibleRegression.of(p)
    X = np.random.default_rng(1).standard_normal((7, p.d)) * 3
    gamma = p.d * U / (1 - p.d * U)
    bound = 2 * gamma * (np.abs(X) @ np.abs(p.A).T)
    assert np.all(np.abs(q.logits(X) - p.logits(X)) <= bound)
    G = np.random.default_rng(2).standard_normal(p.n)
    gamma_n = p.n * U / (1 - p.n * U)
    assert np.all(np.abs(q.pullback(G) - p.pullback(G)) <= 2 * gamma_n * (np.abs(p.A).T @ np.abs(G)))
    np.testing.assert_allclose(q.loss_batch(X), p.loss_batch(X), rtol=1e3 * U, atol=0)
    assert q.loss(X[0]) == float(q.loss_batch(X[:1])[0])  # one path for a point and a batch
    # the parent's gradient through this logits and pullback: the same roundings as the loss's, then 9 more terms
    np.testing.assert_allclose(q.gradient(X[0]), p.gradient(X[0]), rtol=1e3 * U, atol=0)


def test_bad_input_is_refused_by_name():
    """float32 problems and non-problems are refused; ``digits`` must be a positive int."""
    p = _problem()
    with pytest.raises(ValueError, match="dtype must be float64"):
        rp.ReproducibleRegression(p.A, p.b, p.w, dtype="float32")
    with pytest.raises(ValueError, match="problem must be a SoftmaxRegression"):
        rp.ReproducibleRegression.of("wine")
    with pytest.raises(ValueError, match="digits"):
        rp.rounded([1.0], 0)


def test_rounded_keeps_the_stated_digits():
    """10 significant digits: the first 10 stay, a last-bit difference disappears away from a boundary."""
    x = np.array([math.pi, -1.0 / 3.0, 2.5e-7, 0.0])
    np.testing.assert_array_equal(rp.rounded(x), [3.141592654, -0.3333333333, 2.5e-7, 0.0])
    np.testing.assert_array_equal(rp.rounded(np.nextafter(x[:2], 10.0)), rp.rounded(x[:2]))
    assert rp.rounded(x, 3)[0] == 3.14


def _chaotic_start() -> tuple[zs.SoftmaxRegression, np.ndarray, float]:
    p = zs.load_instance("wine", w=0.01)
    x_star = rp.rounded(zs.newton(p).x)
    v = np.random.default_rng(11).standard_normal(p.d)
    v /= np.max(np.abs(rp.ReproducibleRegression.of(p).logits(v)))
    lr = float(rp.rounded(0.5 * zs.max_stable_lr(p, 1, "gaussian", x_star=x_star)))
    return p, rp.rounded(x_star + CHAOS_RADIUS * v), lr


def _losses(p: zs.SoftmaxRegression, x0: np.ndarray, lr: float) -> np.ndarray:
    return zs.zo_gd_batch(p, x0, runs=CHAOS_RUNS, steps=CHAOS_STEPS, lr=lr, eps=1e-4, rng=3).losses


def test_another_cpus_exp_changes_a_chaotic_run_but_not_the_reproducible_one(monkeypatch):
    """Emulate a CPU whose ``exp`` differs in the last bit (NumPy's AVX-512 code against the C library's).

    The plain run's gaps move by more than CHAOTIC (the power of the test: the chaos is real); the reproducible run,
    which calls no ``numpy.exp``, keeps every bit.
    """
    p, x0, lr = _chaotic_start()
    q = rp.ReproducibleRegression.of(p)
    plain, repro = _losses(p, x0, lr), _losses(q, x0, lr)
    exp = np.exp

    def other_exp(x, out=None):  # one ulp up where the last bit of the input is set: about half the entries
        y = exp(x)
        y = np.where(np.asarray(x).view(np.int64) & 1 == 1, np.nextafter(y, np.inf), y)
        if out is None:
            return y
        out[...] = y
        return out

    monkeypatch.setattr(np, "exp", other_exp)
    assert np.max(np.abs(_losses(p, x0, lr) / plain - 1)) > CHAOTIC
    np.testing.assert_array_equal(_losses(q, x0, lr), repro)


CROSS_KERNEL = """
import sys, numpy as np, zosoftmax as zs
from tests.test_reproducible import _chaotic_start, _losses
p, x0, lr = _chaotic_start()
np.save(sys.argv[1], np.stack([_losses(p, x0, lr), _losses(zs.ReproducibleRegression.of(p), x0, lr)]))
"""


@pytest.mark.slow
def test_two_blas_kernels_give_a_chaotic_run_the_same_bits_only_when_reproducible(tmp_path):
    """Under two OpenBLAS kernels (another machine, emulated) a plain chaotic run differs, a reproducible one not."""
    kernels = [_kernel(k) for k in KERNELS]
    if None in kernels or kernels[0] == kernels[1]:
        pytest.skip(f"this NumPy cannot switch OpenBLAS kernels (got {kernels})")
    runs = []
    for coretype in KERNELS:
        out = tmp_path / f"{coretype}.npy"
        env = {**os.environ, "OPENBLAS_CORETYPE": coretype, "OPENBLAS_NUM_THREADS": "1"}
        subprocess.run([sys.executable, "-c", CROSS_KERNEL, str(out)], cwd=ROOT, env=env, check=True)
        runs.append(np.load(out))
    assert np.max(np.abs(runs[0][0] / runs[1][0] - 1)) > CHAOTIC  # plain: the kernels' last bits, amplified
    np.testing.assert_array_equal(runs[0][1], runs[1][1])
