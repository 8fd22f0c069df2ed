"""The fast paths of issue 6 compute the plain formulas, and ``make bench``'s quick mode writes a well-formed report.

No timing is asserted anywhere here: benchmarks are not tests. What is asserted is (i) that every fast path
(one product for all logits, in-place softmax and loss, preallocated perturbed logits, one generator per
batched step) gives the plain formula's result, bit for bit where the operations are the same and to the
derived rounding bound where they are regrouped, and (ii) that the quick benchmark runs, writes a JSON with
every field the README and the lead read, and finds the seeded run's memory flat in the number of steps
(a property of C12, not a timing).
"""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
import threading
from pathlib import Path

import mpmath
import numpy as np
import pytest
import threadpoolctl
from hypothesis import given, settings
from hypothesis import strategies as st

import zosoftmax as zs
from tests.strategies import EPS_MACH, loss_rounding
from zosoftmax import optimize
from zosoftmax.estimators import (
    _EXP_SERIES_MAX,
    _GEMV_MAX_ROWS,
    _exp_near_zero,
    _factored_quotients,
    _logits,
    _series_degree,
    _stacked_logits,
)
from zosoftmax.optimize import _directions

ROOT = Path(__file__).resolve().parents[1]
# The quick report's float64 fast path and its naive loop evaluate the same 2k losses, so they differ by the
# rounding of the quotients, u|L|/ε ≈ 1e-16 · 1 / 1e-3 = 1e-13 each, times ‖z‖ ≈ √d = 8, against ‖ĝ‖ ≳ 1e-2 at
# the quick sizes: ≲ 1e-10 relative. Any slip in the formula (ε, a sign, a dropped direction) is O(1).
SAME_FORMULA_REL = 1e-8
# The series exponential's error relative to e^v: truncation below u by the choice of degree, Horner roundings
# below 1.2u (see estimators._exp_near_zero), so 2.25u; numpy's exp (below one ulp) is within it too.
SERIES_UNITS = 2.25


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


# ------------------------------------------------------------------------------------------------ the fast paths
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
        assert got.dtype == want.dtype and np.array_equal(got, want)


def test_loss_of_float32_logits_on_a_float64_problem_is_promoted():
    """The in-place subtraction must not round a float64 target to float32 logits' precision."""
    p = zs.random_instance(5, 3, rng=2)
    Y = np.random.default_rng(3).standard_normal((4, 5)).astype(np.float32)
    got = p.loss_from_logits(Y)
    assert got.dtype == np.float64 and np.array_equal(got, _plain_loss(p, Y))


@pytest.mark.parametrize("rows", [1, 2, 3, 9])
def test_logits_are_the_product_to_rounding(rows):
    """``_logits(A, W) = W Aᵀ`` whether it takes the GEMV branch (rows <= 2) or one GEMM.

    Tolerance: the classical dot-product bound ``|fl(w·a) − w·a| <= γ_d |w|·|a|`` with ``γ_d = d u/(1 − d u)``,
    for the two summation orders (both sides are rounded), so twice that.
    """
    rng = np.random.default_rng(rows)
    n, d = 11, 37
    A, W = rng.standard_normal((n, d)), rng.standard_normal((rows, d))
    exact_order = np.array([[float(np.dot(w, a)) for a in A] for w in W])
    gamma_d = d * EPS_MACH / 2 / (1 - d * EPS_MACH / 2)  # unit roundoff u = eps_mach / 2
    tol = 2 * gamma_d * (np.abs(W) @ np.abs(A).T)
    got = _logits(A, W)
    assert got.shape == (rows, n)
    assert np.all(np.abs(got - exact_order) <= tol)
    if rows <= _GEMV_MAX_ROWS:  # the GEMV branch is NumPy's own matrix-vector product, row by row
        assert all(np.array_equal(got[i], A @ W[i]) for i in range(rows))


@pytest.mark.parametrize("scheme", ["central", "forward"])
def test_stacked_logits_into_a_buffer_equal_the_concatenation(scheme):
    """Writing the perturbed logits into a preallocated buffer performs the same additions: equal bits."""
    rng = np.random.default_rng(4)
    y0, AZ, eps = rng.standard_normal((3, 6)), rng.standard_normal((3, 4, 6)), 1e-3
    y = y0[:, None, :]
    if scheme == "central":
        want = np.concatenate([y + eps * AZ, y - eps * AZ], axis=1)
    else:
        want = np.concatenate([y, y + eps * AZ], axis=1)
    out = np.full((3, want.shape[1] + 1, 6), np.nan)  # a wider buffer, as _zo_run uses (one spare row)
    _stacked_logits(y0, AZ, eps, scheme, out=out[:, : want.shape[1]])
    assert np.array_equal(out[:, : want.shape[1]], want) and np.all(np.isnan(out[:, -1]))
    assert np.array_equal(_stacked_logits(y0, AZ, eps, scheme), want)


def _exact_quotients(p, y0, AZ, eps, scheme):
    """Quotients, centre losses and the magnitudes the rounding bound needs, in 50-digit arithmetic (mpmath),
    from the float inputs taken as exact."""
    with mpmath.workdps(50):
        b = [mpmath.mpf(float(v)) for v in p.b]
        w2 = [mpmath.mpf(0)] * p.n if p.w is None else [mpmath.mpf(float(v)) ** 2 for v in p.w]
        e = mpmath.mpf(float(eps))

        def point(y):
            E = [mpmath.exp(v - max(y)) for v in y]
            f = [v / mpmath.fsum(E) for v in E]
            loss = mpmath.fsum((fi - bi) ** 2 for fi, bi in zip(f, b, strict=True)) / 2 + mpmath.fsum(
                wi * v * v for wi, v in zip(w2, y, strict=True)) / 2
            cross = mpmath.fsum(abs(fi * bi) for fi, bi in zip(f, b, strict=True))
            magnitude = mpmath.fsum(fi * fi for fi in f) / 2 + cross
            return loss, magnitude

        S, k, _ = AZ.shape
        s, loss0, mag = np.empty((S, k)), np.empty(S), np.empty((S, k))
        for r in range(S):
            y = [mpmath.mpf(float(v)) for v in y0[r]]
            L0, m0 = point(y)
            loss0[r] = float(L0)
            for j in range(k):
                dz = [e * mpmath.mpf(float(v)) for v in AZ[r, j]]
                Lp, mp_ = point([a + c for a, c in zip(y, dz, strict=True)])
                if scheme == "central":
                    Lm, mm = point([a - c for a, c in zip(y, dz, strict=True)])
                    s[r, j], mag[r, j] = float((Lp - Lm) / (2 * e)), float(mp_ + mm)
                else:
                    s[r, j], mag[r, j] = float((Lp - L0) / e), float(mp_ + m0)
    return s, loss0, mag


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("w", [None, 0.9])
@pytest.mark.parametrize("scheme", ["central", "forward"])
def test_factored_quotients_are_the_two_point_quotients(dtype, w, scheme):
    r"""The batched run's quotients from the row moments of :math:`u^\pm = f_0 e^{\pm\varepsilon Az}` equal the
    exact two-point quotients (50 digits) to their derived rounding; the centre loss is ``loss_from_logits``.

    Rounding (u the unit roundoff): an entry of :math:`f_0` is off by :math:`\delta_0 = (\max|y_0 - \max y_0| + n + 1)u`
    relatively (the shift, exp, the n-term sum, the division), one of :math:`u^\pm` by
    :math:`\delta = \delta_0 + (\max|\varepsilon Az| + 2 + 2.25)u` (rounding εAz, the product or quotient, and the
    exponential: ``SERIES_UNITS`` for the series, below it for ``np.exp``). Sums of n
    such terms add :math:`(n-1)u`; so with :math:`T = \tfrac12 Q/\alpha^2 - P/\alpha`,
    :math:`|\Delta T| \le (2\delta + (n + 2)u)\,\tfrac12\|f\|^2 + 2(\delta + n u)\,(\tfrac12\|f\|^2 + \sum|f_i b_i|)
    + (2\delta + (2n + 2)u)\sum|f_i b_i|`, at most ``T_UNITS`` (δ + n u) times the exact magnitude
    :math:`\tfrac12\|f\|^2 + \sum|f_ib_i|` summed over the two points; the quotient divides by 2ε (or ε) and
    rounds twice more; the regularizer's exact difference is an n-term sum of three-fold products,
    :math:`(n + 2)u\sum_i|Az_i\, w_i^2 y_{0,i}|` (forward: plus
    :math:`(n + 3)u\,\tfrac\varepsilon2\sum_i (Az_i)^2 w_i^2`).
    """
    T_UNITS = 6  # (2δ + (n+2)u)/2 + 2(δ + nu) + (2δ + (2n+2)u) <= 6 (δ + n u) per unit of magnitude
    p = zs.random_instance(7, 3, rng=8, w=w, dtype=dtype)
    rng = np.random.default_rng(9)
    eps = 1e-3
    y0 = (3 * rng.standard_normal((5, p.n))).astype(dtype)
    AZ = (rng.standard_normal((5, 4, p.n))).astype(dtype)
    got = _factored_quotients(p, y0, AZ, eps, scheme)
    assert got is not None
    s, loss0 = got
    assert np.array_equal(loss0, p.loss_from_logits(y0))  # the centre loss, bit for bit
    want, _, mag = _exact_quotients(p, y0, AZ, eps, scheme)
    u = float(np.finfo(dtype).eps) / 2
    y = y0.astype(np.float64)
    delta0 = (np.max(y, axis=-1) - np.min(y, axis=-1) + p.n + 1) * u
    delta = delta0[:, None] + (np.max(np.abs(eps * AZ.astype(np.float64))) + 2 + SERIES_UNITS) * u
    h = 2 * eps if scheme == "central" else eps
    tol = T_UNITS * (delta + p.n * u) * mag / h + 2 * u * np.abs(want)
    if w is not None:
        w2 = p.w.astype(np.float64) ** 2
        A64 = AZ.astype(np.float64)
        tol += (p.n + 2) * u * np.einsum("skn,sn->sk", np.abs(A64), w2 * np.abs(y))
        if scheme == "forward":
            tol += (p.n + 3) * u * 0.5 * eps * np.einsum("skn,n->sk", A64 * A64, w2)
    assert np.all(np.abs(s - want) <= tol)


def test_factored_quotients_leave_the_range_to_the_stacked_losses():
    """Beyond max|εAz| = 30 the factors e^{±εAz} could overflow: ``None``, and the run uses the stacked logits."""
    p = zs.random_instance(7, 3, rng=8)
    y0 = np.zeros((2, p.n))
    AZ = np.full((2, 3, p.n), 1.0)
    assert _factored_quotients(p, y0, AZ, 1e-3, "central") is not None
    AZ[1, 2, 4] = 30.0 / 1e-3 * (1 + 1e-9)
    assert _factored_quotients(p, y0, AZ, 1e-3, "central") is None
    assert _factored_quotients(p, y0, AZ, 1e-3, "forward") is None


@settings(max_examples=60, deadline=None)
@given(a=st.floats(0.0, 0.0689), seed=st.integers(0, 2**32 - 1))
def test_series_exponential_is_exp_to_its_derived_bound(a, seed):
    """Near zero (max|v| <= 0.069) e^v is the Taylor polynomial of the lowest sufficient degree, within
    ``SERIES_UNITS`` unit roundoffs of the 40-digit exponential, entries at ±a included."""
    assert _series_degree(a) is not None  # the series path is the one checked
    rng = np.random.default_rng(seed)
    V = rng.uniform(-a, a, size=(3, 50))
    V[0, :2] = [-a, a]
    got = _exp_near_zero(V, a, out=np.empty_like(V))
    with mpmath.workdps(40):
        exact = [mpmath.exp(mpmath.mpf(float(v))) for v in V.ravel()]
        units = [float(abs(mpmath.mpf(float(g)) - e) / e) / (EPS_MACH / 2)
                 for g, e in zip(got.ravel(), exact, strict=True)]
    assert max(units) <= SERIES_UNITS, (a, max(units))


@pytest.mark.parametrize("a", [0.0, 1e-12, 1e-6, 1e-3, 0.01, 0.05, 0.0689])
def test_series_degree_is_the_lowest_that_reaches_the_roundoff(a):
    """Degree M: a^(M+1)/(M+1)! <= u e^(-2a) (40 digits) and degree M - 1 does not reach it."""
    M = _series_degree(a)
    assert M is not None and M <= _EXP_SERIES_MAX
    with mpmath.workdps(40):
        bound = mpmath.mpf(2) ** -53 * mpmath.exp(-2 * mpmath.mpf(a))
        tail = lambda m: mpmath.mpf(a) ** (m + 1) / mpmath.factorial(m + 1)  # noqa: E731
        assert tail(M) <= bound
        assert M == 0 or tail(M - 1) > bound


def test_series_exponential_leaves_float32_and_wide_ranges_to_numpy():
    """Beyond degree 8 (max|v| > 0.069) and in float32 the exponential is numpy's own, bit for bit."""
    assert _series_degree(0.07) is None
    V = np.linspace(-0.07, 0.07, 101)
    assert np.array_equal(_exp_near_zero(V, 0.07, out=np.empty_like(V)), np.exp(V))
    V32 = np.linspace(-0.01, 0.01, 101, dtype=np.float32)
    assert np.array_equal(_exp_near_zero(V32, 0.01, out=np.empty_like(V32)), np.exp(V32))


@pytest.mark.parametrize("distribution", zs.DISTRIBUTIONS)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_step_directions_of_one_run_are_those_of_zo_gd(distribution, dtype):
    """S = 1: the step's block generator is ``Generator(SFC64(seed))``, so the directions are ``sample_directions``'s
    (which is why ``zo_gd_batch(seeds=1)`` is the ``zo_gd`` run, bit for bit)."""
    seed = 2**62 + 12345  # a seed above 2^32 takes two 32-bit words: both constructions must agree
    got = _directions(np.array([seed]), 3, 17, distribution, dtype)
    want = zs.sample_directions(3, 17, distribution, np.random.Generator(np.random.SFC64(seed)), dtype=dtype)
    assert got.dtype == want.dtype and np.array_equal(got[0], want)


@pytest.mark.parametrize("distribution", zs.DISTRIBUTIONS)
def test_step_directions_of_a_batch_are_one_block_per_step(distribution):
    """S > 1: one generator seeded with the step's S seeds draws the (S, k, d) block; replay redraws it."""
    seeds = np.array([5, 6, 7, 8])
    Z = _directions(seeds, 2, 9, distribution, np.float64)
    want = zs.sample_directions(8, 9, distribution, np.random.Generator(np.random.SFC64(seeds))).reshape(4, 2, 9)
    assert np.array_equal(Z, want)
    assert np.array_equal(_directions(seeds, 2, 9, distribution, np.float64), Z)  # regenerated, not stored
    assert len({Z[s].tobytes() for s in range(4)}) == 4  # every run its own directions
    if distribution != "gaussian":
        assert np.allclose(np.sum(Z * Z, axis=-1), 9.0)  # |z|^2 = d exactly for sphere and Rademacher


@pytest.mark.parametrize("scheme", ["central", "forward"])
@pytest.mark.parametrize("w", [None, 1.3])
def test_a_batched_step_is_the_plain_two_point_formula(scheme, w):
    """One step of ``zo_gd_batch`` (one product, one batched loss call for all runs) equals, run by run,
    ``x − (η/k) Σ_j s_j z_j`` with ``s_j`` from separate ``loss`` calls at ``x ± εz_j`` (or ``x + εz_j`` and
    ``x``), to rounding; the recorded loss is ``loss(x0)``.

    Tolerance: each loss is off by at most ``loss_rounding`` (the shared error model: sums, exp and the
    rounding of ``Ax`` and of ``x ± εz``), so a quotient by ``2·loss_rounding/(2ε)`` (central) or
    ``2·loss_rounding/ε`` (forward), and the update by ``η · max|Δs| · max_j ‖z_j‖_∞``.
    """
    p = zs.random_instance(10, 6, rng=5, w=w)
    S, k, eps, lr = 3, 4, 1e-3, 0.05
    X0 = np.random.default_rng(6).standard_normal((S, p.d))
    traj = zs.zo_gd_batch(p, X0, seeds=S, steps=1, lr=lr, k=k, eps=eps, scheme=scheme, rng=7)
    Z = _directions(traj.seeds[:, 0], k, p.d, "gaussian", p.dtype)
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
def test_the_worker_thread_changes_no_bit(monkeypatch, scheme):
    """A pipelined batch makes the calls of the plain loop, the product on a worker thread: on the calling thread
    alone (``_THREADED = False``) and unpipelined it gives the same bits, and replay still rebuilds the run."""
    p = zs.random_instance(9, 6, rng=3, w=0.5)
    X0 = np.random.default_rng(4).standard_normal((5, p.d))
    kw = dict(seeds=5, steps=20, lr=0.05, k=3, scheme=scheme, distribution="sphere", rng=11)
    monkeypatch.setattr(optimize, "_PIPELINE_MIN_ENTRIES", 1)
    threaded = zs.zo_gd_batch(p, X0, **kw)
    monkeypatch.setattr(optimize, "_THREADED", False)
    inline = zs.zo_gd_batch(p, X0, **kw)
    monkeypatch.setattr(optimize, "_PIPELINE_MIN_ENTRIES", 2**62)
    plain = zs.zo_gd_batch(p, X0, **kw)
    for name in ("losses", "x", "scalars", "seeds"):
        assert np.array_equal(getattr(threaded, name), getattr(inline, name)), name
        assert np.array_equal(getattr(threaded, name), getattr(plain, name)), name
    assert np.array_equal(zs.replay(threaded, p, X0), threaded.x)


def _blas_threads() -> list[int]:
    return [lib["num_threads"] for lib in threadpoolctl.threadpool_info() if lib["user_api"] == "blas"]


@pytest.mark.parametrize("fail", [False, True])
def test_a_pipelined_batch_holds_blas_to_one_thread_and_restores_it(monkeypatch, fail):
    """While a pipelined batch runs, BLAS is held to one thread (the worker thread is the second core); after it,
    and after an error inside it, the caller's setting is back and no worker is left running."""
    p = zs.random_instance(9, 6, rng=3)
    monkeypatch.setattr(optimize, "_PIPELINE_MIN_ENTRIES", 1)
    seen: list[list[int]] = []
    real = optimize._quotients_and_losses

    def spy(*args, **kwargs):
        seen.append(_blas_threads())
        if fail and len(seen) == 3:
            raise FloatingPointError("planted")
        return real(*args, **kwargs)

    monkeypatch.setattr(optimize, "_quotients_and_losses", spy)
    before = _blas_threads()
    with threadpoolctl.threadpool_limits(2, user_api="blas"):
        outer = _blas_threads()
        assert outer, "threadpoolctl finds no BLAS: nothing to check"
        if fail:
            with pytest.raises(FloatingPointError, match="planted"):
                zs.zo_gd_batch(p, np.zeros(p.d), seeds=4, steps=5, lr=0.05, k=2, rng=1)
        else:
            zs.zo_gd_batch(p, np.zeros(p.d), seeds=4, steps=5, lr=0.05, k=2, rng=1)
        assert _blas_threads() == outer
    assert _blas_threads() == before
    assert seen and all(threads == [1] * len(outer) for threads in seen)
    assert not [t for t in threading.enumerate() if t.name.startswith("zo_gd")]


@pytest.mark.parametrize("fail_at", [0, 1, 3, 6])
def test_an_error_in_a_draw_reaches_the_caller_and_stops_the_worker(monkeypatch, fail_at):
    """Directions are drawn by whichever thread is idle: an error in any draw (on the worker or on the caller)
    is raised by ``zo_gd_batch`` itself, and no worker thread is left waiting."""
    p = zs.random_instance(9, 6, rng=3)
    monkeypatch.setattr(optimize, "_PIPELINE_MIN_ENTRIES", 1)
    real = optimize._directions

    def failing(seeds, *args, **kwargs):
        if np.array_equal(seeds, plan[:, fail_at]):
            raise MemoryError("planted")
        return real(seeds, *args, **kwargs)

    plan = np.random.default_rng(1).integers(0, optimize.SEED_HIGH, size=(4, 8), dtype=np.int64)  # zo_gd_batch's
    monkeypatch.setattr(optimize, "_directions", failing)
    raised: list[BaseException] = []

    def call() -> None:  # on a thread of its own, so that a lost error shows as a hang we can time out
        try:
            zs.zo_gd_batch(p, np.zeros(p.d), seeds=4, steps=8, lr=0.05, k=2, rng=1)
        except BaseException as error:
            raised.append(error)

    caller = threading.Thread(target=call, daemon=True)
    caller.start()
    caller.join(20)  # the whole run takes milliseconds
    assert not caller.is_alive(), "zo_gd_batch hangs after a failed draw"
    assert len(raised) == 1 and isinstance(raised[0], MemoryError) and "planted" in str(raised[0])
    assert not [t for t in threading.enumerate() if t.name.startswith("zo_gd")]


def test_carried_logits_keep_the_losses_those_of_the_iterates():
    r"""``losses[t]`` is read off logits carried by the update, :math:`y \leftarrow y + A(\sum_j c_j z_j)` computed
    as :math:`y + \sum_j c_j (Az_j)`, and recomputed from x every ``_LOGIT_REFRESH`` steps: it is
    :math:`L(x_t)` of the replayed iterate to the drift of at most ``_LOGIT_REFRESH`` updates.

    Drift per update, entrywise (u the unit roundoff, :math:`c = -\eta s/k`, :math:`|A|` the entrywise
    absolute value): the product ``Az`` is off by :math:`d u |A||z|`, the two k-term updates of y and x by
    :math:`(k + 1) u (|y_{t+1}| + |c|\,|Az|)` and :math:`|A|\,(k + 1) u (|x_{t+1}| + |c|\,|z|)`; so
    :math:`|y_t - Ax_t| \le e := R\,\max_t(\ldots)` with R = ``_LOGIT_REFRESH``, and the loss is off by
    :math:`\sum_i |\partial L/\partial y_i|\, e_i + |\partial^2 L|\,\|e\|^2` plus its own rounding; the gradient
    :math:`\partial L/\partial y = f\circ c - f\langle f, c\rangle + w^2 y` is bounded by its value at the point plus
    :math:`(3 + \|w\|_\infty^2)\|e\|_\infty` (the Hessian's size, ``B`` below 3 in norm).
    """
    p = zs.random_instance(12, 8, rng=5, w=0.4)
    x0 = np.random.default_rng(6).standard_normal(p.d)
    k, lr, steps = 3, 0.2, 3 * optimize._LOGIT_REFRESH + 5
    traj = zs.zo_gd(p, x0, steps=steps, lr=lr, k=k, rng=2)
    u = EPS_MACH / 2
    absA = np.abs(p.A)
    R = optimize._LOGIT_REFRESH
    w2 = 0.0 if p.w is None else p.w**2
    for t in range(1, steps + 1):
        xt = zs.replay(dataclasses.replace(traj, seeds=traj.seeds[:t], scalars=traj.scalars[:t]), p, x0)
        worst = np.zeros(p.n)
        for tau in range(max(0, t - R), t):  # every update since the last refresh, bounded by the largest
            Z = _directions(traj.seeds[tau:tau + 1], k, p.d, "gaussian", p.dtype)[0]
            c = np.abs(lr * traj.scalars[tau] / k)
            aAz = absA @ np.abs(Z).T  # |A||z_j|, (n, k)
            step = (p.d * u * aAz @ c + (k + 1) * u * (np.abs(p.A @ xt) + aAz @ c)
                    + (k + 1) * u * absA @ (np.abs(xt) + np.abs(Z).T @ c))
            worst = np.maximum(worst, step)
        e = R * worst
        y = p.A @ xt
        f = zs.softmax(y)
        cf = f - p.b
        gy = np.abs(f * cf - f * (f @ cf) + w2 * y) + (3 + np.max(w2)) * np.max(e)
        tol = gy @ e + (3 + np.max(w2)) * np.max(e) ** 2 * p.n + 2 * loss_rounding(p, xt)
        assert abs(traj.losses[t] - p.loss(xt)) <= tol, t


# ------------------------------------------------------------------------------------------- the quick benchmark
@pytest.fixture(scope="module")
def quick_report(tmp_path_factory):
    out = tmp_path_factory.mktemp("bench")
    subprocess.run([sys.executable, "-m", "analysis.bench", "--quick", "--outdir", str(out)], cwd=ROOT, check=True,
                   capture_output=True, text=True)
    return out, json.loads((out / "bench.json").read_text())


def test_quick_bench_writes_a_well_formed_report(quick_report):
    from analysis import bench

    out, data = quick_report
    assert (out / "fig_cost.png").stat().st_size > 0 and (out / "fig_cost.pdf").stat().st_size > 0
    assert data["profile"] == "quick" and set(data["threads"]) == {"1", "default"}
    for res in data["threads"].values():
        assert [(r["n"], r["d"], r["k"]) for r in res["estimator"]] == [tuple(s) for s in
                                                                          bench.PROFILES["quick"]["estimator"]]
        for row in res["estimator"]:
            t = {m: row["times_s"][m]["min"] for m in bench.METHODS}
            assert all(np.isfinite(v) and v > 0 for v in t.values())
            # the ratios are the ratios of the reported times (no other numbers slipped in)
            assert row["ratios"]["fast_over_product"] == pytest.approx(t["fast"] / t["product"], rel=1e-12)
            assert row["ratios"]["naive_over_fast"] == pytest.approx(t["naive"] / t["fast"], rel=1e-12)
            assert row["ratios"]["fast_over_gradient"] == pytest.approx(t["fast"] / t["gradient"], rel=1e-12)
            prec = row["precision"]
            # same directions through both float64 paths: the same losses up to rounding
            assert 0 <= prec["naive_rel_difference_float64"] < SAME_FORMULA_REL
            # float32 costs u32 |L| / ε ≈ 6e-8 / 1e-3 relative per quotient: nonzero, and far below the
            # estimator's own relative spread sqrt((d + k + 1)/k − 1) (= 4 at d = 64, k = 4)
            assert 0 < prec["float32_rel_error"] < prec["estimator_rel_std"]
        for row in res["batch"]:
            per = row["per_seed_step_s"]
            assert row["speedup"] == pytest.approx(per["sequential"] / per["batched"], rel=1e-12)
        sw = res["sweep"]
        assert all(len(sw["times_s"][m]) == len(sw["d"]) for m in bench.SWEEP_METHODS)
    for target in data["targets"]:
        assert isinstance(target["met"], bool) and target["statement"] and target["measured"]


def test_quick_bench_finds_seeded_memory_flat_in_the_steps(quick_report):
    """C12: the seeded run regenerates its directions, so its peak does not grow with the steps; the baseline
    that keeps them holds at least ``steps · k · d`` floats more than one step's worth."""
    _, data = quick_report
    mem = data["memory"]
    assert mem["peak_seeded"] <= 1.05 * mem["peak_seeded_1_step"]
    assert mem["peak_stored"] >= mem["peak_seeded"] + (mem["steps"] - 1) * mem["bytes_one_step_directions"]
    (target,) = [t for t in data["targets"] if t["id"] == "memory_seeded"]
    assert target["met"] is True
