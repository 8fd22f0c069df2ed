r"""Tests written for mutants that survived ``make mutation`` (docs/mutation.md): each names the invariant it adds.

They are ordinary fast-tier tests; mutmut's selection (``[tool.mutmut]`` in pyproject.toml) includes this file, so a
new test here is picked up by an incremental ``mutmut run``. The proof-agreement tests of ``tests/test_proofs.py``
(the library's formulas against the proofs' symbolic results) are re-exported here, so that mutmut runs them for
bounds.py's and estimators.py's mutants; outside mutmut, ``tests/mutation_selection.py`` drops these copies.
"""

from __future__ import annotations

import math
import re
import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import zosoftmax as zs
from tests import strategies as S
from tests import test_mutation_kills_2 as _more
from tests import test_mutation_kills_3 as _more_3
from tests.test_local_model import (  # noqa: F401  (re-exported: local_model's own tests, outside mutmut's pool)
    test_local_model_in_its_eigenbasis_gives_the_same_gaussian_curve_and_threshold,
    test_local_model_is_the_hessian_on_its_range,
    test_local_model_refuses_bad_input,
)
from tests.test_proofs import (  # noqa: F401  (re-exported: mutmut runs them; the plain suite only in test_proofs)
    test_B_and_hessian_are_the_proven_formula,
    test_beta_constants_and_residual_bound_are_the_proven_ones,
    test_beta_constants_dominate_the_exact_n2_suprema,
    test_evaluations_are_the_counted_ones,
    test_gamma_is_the_proven_one,
    test_gradient_is_the_derivative,
    test_second_moment_factor_is_the_proven_one,
    test_second_moment_matrix_is_the_proven_one,
    test_third_derivative_and_bias_bounds_are_the_proven_ones,
)
from zosoftmax import bias

# The tests of tests/test_mutation_kills_2.py and _3.py, re-exported so that mutmut (whose pool names this file) runs
# them.
for _module in (_more, _more_3):
    globals().update({name: test for name, test in vars(_module).items() if name.startswith("test_")})


def _ls_slope(y: np.ndarray) -> float:
    """Least-squares slope of ``y`` against 0..n-1 in closed form (no polyfit): cov(t, y) / var(t)."""
    t = np.arange(y.size, dtype=float)
    return float(np.sum((t - t.mean()) * (y - y.mean())) / np.sum((t - t.mean()) ** 2))


# ------------------------------------------------------------------------------------- linear_rate (C11)
@given(st.floats(0.3, 0.95), st.integers(3, 8), st.floats(1.0, 1e3))
def test_linear_rate_of_the_median_of_several_runs(rho, steps, scale):
    """C11 measured side: for runs c_s rho^t the median gap is median(c) rho^t, so the fitted rate is rho.

    The shortest admissible curve (3 points) is included. Tolerance: every gap is >= 0.5 * 0.3^7 > 1e-4 and carries
    a rounding of u (2 + gap) from L* = 2, so each log is within 7e-12 and the slope within 1e-11: rel = 1e-9.
    """
    t = np.arange(steps)
    runs = np.outer([0.5, 1.0, 3.0], scale * rho**t) + 2.0  # loss_star = 2
    assert zs.linear_rate(runs, 2.0) == pytest.approx(rho, rel=1e-9)
    assert zs.linear_rate(runs[1], 2.0) == pytest.approx(rho, rel=1e-9)


def test_linear_rate_fits_only_the_prefix_above_the_floor():
    """The fit stops where the gap first falls to the floor: a plateau below it is not fitted.

    Default floor 1e-10 x the first gap (here 1e-8): a plateau at 5e-9 is cut, so the rate is the geometric 0.1 of
    the prefix; with the plateau fitted (a floor computed from another gap, or no cut) it is not. An explicit floor
    (1e-3) cuts a plateau at 1e-4 that the default would keep. Exactly 3 points above the floor are enough.
    """
    head = 100.0 * 0.1 ** np.arange(10)
    curve = np.r_[head, np.full(5, 5e-9)]
    assert zs.linear_rate(curve, 0.0) == pytest.approx(0.1, rel=1e-9)
    assert zs.linear_rate(np.r_[head[:5], np.full(5, 1e-4)], 0.0, floor=1e-3) == pytest.approx(0.1, rel=1e-9)
    assert zs.linear_rate(np.r_[head[:3], 0.0, 0.0], 0.0) == pytest.approx(0.1, rel=1e-9)
    with_plateau = math.exp(_ls_slope(np.log(curve)))
    assert abs(with_plateau - 0.1) > 1e-3  # the plateau would change the fit: the cut is what the test sees


# --------------------------------------------------------------------------- rate and iteration bounds (C11)
@given(S.instances())
def test_rate_bound_is_a_contraction_factor(p):
    """C11: 0 < rho <= 1, and rho = 1 exactly when there is no PL guarantee (mu <= 0)."""
    rho = zs.rate_bound(p, 1, "gaussian")
    assert 0.0 < rho <= 1.0
    assert (rho == 1.0) == (zs.pl_constant(p) <= 0)


@st.composite
def _pl_instances(draw):
    """Instances with a PL guarantee: a full-rank A and a regularizer w >= 1 (W^2 >= I > beta^- I)."""
    d = draw(st.integers(2, 4))  # n = d rows, at least 2
    A = np.eye(d) * draw(st.floats(0.5, 2.0)) + draw(st.floats(0.0, 0.2)) * np.ones((d, d))
    b = np.full(d, 1.0 / d)
    w = np.full(d, draw(st.floats(1.0, 2.0)))
    return zs.SoftmaxRegression(A, b, w)


@given(_pl_instances(), st.floats(0.05, 0.95), st.floats(1e-6, 1e-2))
def test_iteration_bound_is_the_first_t_with_rho_to_the_t_times_the_gap_below_accuracy(p, frac, accuracy):
    r"""C11: the iteration bound is :math:`T = \min\{t: \rho^t\Delta_0 \le \epsilon\}`.

    :math:`\Delta_0 = L(x_0) - L^*` for any admissible :math:`L^* \le L(x_0)` (here a fraction of it), and 0
    iterations when :math:`\Delta_0 \le \epsilon` already, equality included.
    """
    x0 = np.ones(p.d)
    loss0 = p.loss(x0)
    loss_star = frac * loss0
    rho = zs.rate_bound(p, 1, "gaussian")
    assert rho < 1.0
    T = zs.iteration_bound(p, x0, 1, "gaussian", accuracy, loss_star=loss_star)
    gap0 = loss0 - loss_star
    if gap0 <= accuracy:
        assert T == 0.0
    else:
        slack = 1 + 1e-9  # the log ratio is computed in floating point: T may sit on either side of an exact tie
        assert rho**T * gap0 <= accuracy * slack
        assert rho ** (T - 1) * gap0 > accuracy / slack
    # gap equal to the accuracy: nothing to do
    assert zs.iteration_bound(p, x0, 1, "gaussian", gap0, loss_star=loss_star) == 0.0


@given(S.instances())
def test_iteration_bound_at_the_minimum_is_zero(p):
    """C11: with L* = L(x0) (x0 a minimizer) no iteration is needed, with or without a PL guarantee.

    L* may exceed the computed L(x0) by its rounding (documented: (2n + d + 2) u (|L(x0)| + |L*|)); 2u L(x0) is
    well inside it and must be accepted.
    """
    x0 = np.zeros(p.d)
    loss0 = p.loss(x0)
    assert zs.iteration_bound(p, x0, 1, "gaussian", 1e-6, loss_star=loss0) == 0.0
    assert zs.iteration_bound(p, x0, 1, "gaussian", 1e-6, loss_star=loss0 * (1 + 2 * S.EPS_MACH)) == 0.0
    if loss0 > 0:  # a gap exactly at the accuracy needs no step either, PL or not (rho = 1 would give inf)
        assert zs.iteration_bound(p, x0, 1, "gaussian", loss0 - loss0 / 2, loss_star=loss0 / 2) == 0.0


# ------------------------------------------------------------------------------------ zo_gd defaults, replay
def _small_problem(dtype=np.float64):
    A = np.array([[1.0, 0.5], [-0.3, 0.8], [0.2, -1.0]])
    return zs.SoftmaxRegression(A, np.array([0.2, 0.3, 0.5]), dtype=dtype)


def test_zo_gd_defaults_are_the_documented_ones(capfd):
    """The paper's loop by default: k = 1 direction, eps = 1e-3, Gaussian, central, and no progress output."""
    p, x0 = _small_problem(), np.array([0.3, -0.2])
    plain = zs.zo_gd(p, x0, steps=4, lr=0.05, rng=7)
    explicit = zs.zo_gd(p, x0, steps=4, lr=0.05, rng=7, k=1, eps=1e-3, distribution="gaussian", scheme="central")
    assert plain.k == 1
    assert np.array_equal(plain.x, explicit.x)
    assert capfd.readouterr().err == ""


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_replay_rebuilds_the_iterates_in_the_problem_dtype(dtype):
    """``replay`` of a run (one or several) gives its last iterate bit for bit, in the problem's dtype."""
    p, x0 = _small_problem(dtype), np.array([0.3, -0.2])
    run = zs.zo_gd(p, x0, steps=5, lr=0.05, k=2, rng=3)
    assert np.array_equal(zs.replay(run, p, x0), run.x)
    batch = zs.zo_gd_batch(p, x0, runs=3, steps=5, lr=0.05, k=2, rng=3)
    assert np.array_equal(zs.replay(batch, p, x0), batch.x)


# ------------------------------------------------------------------------------ the argument a message names
_P = _small_problem()
_X = np.array([0.3, -0.2])
_BAD_X = np.array([0.3, np.nan])
_TRAJ = zs.zo_gd(_P, _X, steps=2, lr=0.05, rng=1)
_Q = zs.Quadratic(np.eye(2), np.zeros(2))


@pytest.mark.parametrize(
    ("argname", "call"),
    [
        ("d", lambda: bias.fourth_moment_scalars(0, "gaussian")),
        ("distribution", lambda: bias.fourth_moment_scalars(3, "uniform")),
        ("x", lambda: bias.laplacian_gradient(_P, _BAD_X)),
        ("x", lambda: bias.laplacian_gradient(_P, np.zeros(3))),
        ("x", lambda: bias.third_derivative_diagonal(_P, _BAD_X)),
        ("x", lambda: bias.third_derivative_diagonal(_P, np.zeros(3))),
        ("x", lambda: zs.bias_leading_term(_P, np.zeros(3))),
        ("accuracy", lambda: zs.iteration_bound(_P, _X, 1, "gaussian", 0.0, loss_star=0.0)),
        ("x0", lambda: zs.iteration_bound(_P, _BAD_X, 1, "gaussian", 1e-3, loss_star=0.0)),
        ("losses", lambda: zs.linear_rate(np.array([1.0, np.nan, 0.5, 0.2]), 0.0)),
        ("x0", lambda: zs.replay(_TRAJ, _P, np.zeros(3))),
        ("x0", lambda: zs.replay(_TRAJ, _P, _BAD_X)),
        ("x", lambda: _Q.loss(np.zeros(3))),
        ("x", lambda: _Q.gradient(np.zeros(3))),
        ("x", lambda: _Q.loss(np.zeros((1, 2)))),
        ("trajectory", lambda: zs.replay("not a trajectory", _P, _X)),
    ],
)
def test_a_bad_argument_is_named_first_in_the_message(argname, call):
    """House rule: a ValueError *starts* with the argument's name (a match anywhere would accept any message)."""
    with pytest.raises(ValueError, match=rf"^{argname} "):
        call()


def test_linear_rate_stops_at_an_exact_zero_gap_with_a_zero_floor():
    """A run that reaches L* exactly: with floor = 0 the zero gap (log 0) is cut, the geometric prefix is fitted."""
    assert zs.linear_rate(np.array([8.0, 4.0, 2.0, 1.0, 0.0, 0.0]), 0.0, floor=0.0) == pytest.approx(0.5, rel=1e-12)


def test_a_trajectory_records_its_method_and_eps():
    run = zs.zo_gd(_P, _X, steps=2, lr=0.05, eps=2e-3, rng=1)
    assert (run.method, run.eps, run.lr) == ("zo_gd", 2e-3, 0.05)


# ------------------------------------------------------------------------- pl_constant on the row space (C5, C11)
def test_pl_constant_of_a_zero_A_is_no_guarantee():
    """A = 0: the loss is constant, the documented convention is mu = 0 (no PL guarantee) and rho = 1."""
    p = zs.SoftmaxRegression(np.zeros((3, 2)), np.array([0.2, 0.3, 0.5]))
    assert zs.pl_constant(p) == 0.0
    assert zs.rate_bound(p, 1, "gaussian") == 1.0


def _rank_one(scale: float, tail: float) -> zs.SoftmaxRegression:
    """A = scale * (u v' + tail * u2 v2'): rank one up to a tail singular value ``scale * tail``; w = 2."""
    U = np.linalg.qr(np.random.default_rng(5).standard_normal((3, 3)))[0]
    V = np.linalg.qr(np.random.default_rng(6).standard_normal((2, 2)))[0]
    A = scale * (np.outer(U[:, 0], V[:, 0]) + tail * np.outer(U[:, 1], V[:, 1]))
    return zs.SoftmaxRegression(A, np.array([0.2, 0.3, 0.5]), np.full(3, 2.0))


@pytest.mark.parametrize("scale", [1.0, 1e6])
def test_pl_constant_lives_on_the_numerical_row_space(scale):
    """C5 on row(A): a rank-one A with a regularizer has mu > 0 (its row space is one line).

    A tail singular value below NumPy's rank tolerance max(n, d) u s_max (here 1e-17 s_max) is not part of the row
    space, at any scale of A.
    """
    exact = zs.pl_constant(_rank_one(scale, 0.0))
    # on the line row(A) = span(v): mu = scale^2 u'(W^2 - beta^- I)u = scale^2 (4 - beta^-), |u| = 1, w = 2 everywhere
    assert exact == pytest.approx(scale**2 * (4.0 - zs.beta_constants(_rank_one(scale, 0.0).b)[1]), rel=1e-9)
    assert zs.pl_constant(_rank_one(scale, 1e-17)) == pytest.approx(exact, rel=1e-9)


# ----------------------------------------------------------------------------- huge x, batches (C1, the scaled path)
def test_loss_batch_at_huge_points_is_the_loss_row_by_row():
    """C1 at any finite x: a batch of huge points (each row its own power-of-two scale) gives each row's loss.

    Row 1 has logits up to 6e308 apart (their difference overflows to -inf: exp gives the exact 0, no error); row 2 is
    1e100 times smaller: shifting it by the other row's maximum would leave no finite exponential in it.
    """
    A = np.array([[1.0, 0.0], [0.0, 1.0], [-3.0, 2.0]])
    p = zs.SoftmaxRegression(A, np.array([0.2, 0.3, 0.5]))
    X = np.array([[1e308, -1e308], [0.3e200, -0.2e200]])
    batch = p.loss_batch(X)
    assert np.all(np.isfinite(batch))
    assert np.array_equal(batch, [p.loss(X[0]), p.loss(X[1])])


# ---------------------------------------------------------------------------------------- gd and the C11 step
def test_gd_trajectory_records_what_it_did(capfd):
    """gd: the final iterate (a full step from x0 for steps = 1), one gradient per step, its method and lr."""
    p, x0 = _small_problem(), np.array([0.3, -0.2])
    run = zs.gd(p, x0, steps=1, lr=0.1)
    assert np.array_equal(run.x, x0 - 0.1 * p.gradient(x0))
    assert np.array_equal(run.forward_passes, np.arange(2))
    assert run.forward_passes.dtype == np.int64
    assert (run.method, run.lr) == ("gd", 0.1)
    assert capfd.readouterr().err == ""  # no progress bar by default
    with pytest.raises(ValueError, match=r"^x0 "):
        zs.gd(p, np.zeros(3), steps=1, lr=0.1)
    assert zs.gd(_small_problem(np.float32), x0, steps=2, lr=0.1).x.dtype == np.float32


@given(S.instances(), st.integers(1, 4), S.distributions)
def test_step_size_is_one_over_ell_gamma(p, k, distribution):
    """C11: eta = 1/(l gamma) with l = ||H0||, the largest eigenvalue (not another one), gamma at r(H0)."""
    H0 = zs.hessian_upper_bound(p)
    ell = float(np.linalg.norm(H0, 2))
    gamma = zs.gamma(p.d, k, zs.effective_rank(H0), distribution)
    assert zs.step_size(p, k, distribution) == pytest.approx(1 / (ell * gamma), rel=64 * p.d * S.EPS_MACH)


def test_residual_gradient_bound_is_near_the_supremum():
    """C6: the proven sup|Sc| bound (1 + rho)/(2 sqrt 2) is within 2x of the value attained at the known maximisers.

    Measured: 0.7071 against 0.4190 (simplex, 1.69x) and 0.8536 against 0.5521 (ball, 1.55x); a bound several times
    looser would pass every ``<=`` test.
    """
    for name in ("sc_simplex", "sc_ball"):
        y, b = S.maximiser(name)
        attained = float(np.linalg.norm(zs.SoftmaxRegression(np.eye(2), b).gradient(y)))
        assert zs.residual_gradient_bound(b) <= 2.0 * attained


def test_quadratic_gradient_is_the_derivative_of_its_loss():
    """The local model q(x) = (x - x*)'H(x - x*)/2: its gradient is the central difference of its loss.

    The central difference is exact for a quadratic; its rounding is about u |q| / h = 1e-12 here, well inside 1e-7.
    """
    H = np.array([[2.0, 0.5], [0.5, 1.0]])
    q = zs.Quadratic(H, np.array([0.4, -0.1]))
    x, h = np.array([1.0, 2.0]), 1e-3
    fd = np.array([(q.loss(x + h * e) - q.loss(x - h * e)) / (2 * h) for e in np.eye(2)])
    assert np.allclose(q.gradient(x), fd, rtol=1e-7, atol=0)


def test_defaults_are_the_central_scheme_and_gaussian_directions():
    """The documented defaults: central differences (2k evaluations) and Gaussian directions for the bias bounds."""
    p = _small_problem()
    assert zs.evaluations(3) == zs.evaluations(3, "central") == 6
    for bound in (zs.deviation_bound, zs.bias_bound):
        assert bound(p, 1e-2) == bound(p, 1e-2, "gaussian", "central")


def test_a_batch_trajectory_records_what_it_did():
    """zo_gd_batch: its method, eps, scheme and the forward passes per step (k + 1 for the forward scheme)."""
    run = zs.zo_gd_batch(_P, _X, runs=2, steps=3, lr=0.05, k=2, eps=2e-3, scheme="forward", rng=1)
    assert (run.method, run.eps, run.scheme) == ("zo_gd", 2e-3, "forward")
    assert np.array_equal(run.forward_passes, np.arange(4) * 3)
    single = zs.zo_gd(_P, _X, steps=3, lr=0.05, k=2, scheme="forward", rng=1)
    assert single.scheme == "forward"
    assert np.array_equal(single.forward_passes, np.arange(4) * 3)


# ----------------------------------------------------------------------------------- the local quadratic model (C13)
@pytest.mark.parametrize(
    ("argname", "H", "x_star"),
    [
        ("H", np.ones((2, 3)), np.zeros(2)),
        ("H", np.zeros((0, 0)), np.zeros(0)),
        ("H", np.array([[1.0, 0.5], [0.0, 1.0]]), np.zeros(2)),
        ("H", np.array([[1.0, 0.0], [0.0, -1e-3]]), np.zeros(2)),
        ("H", np.array([[1.0, np.nan], [np.nan, 1.0]]), np.zeros(2)),
        ("H", np.ones(2), np.zeros(2)),
        ("x_star", np.eye(2), np.zeros(3)),
        ("x_star", np.eye(2), np.array([0.0, np.inf])),
    ],
)
def test_quadratic_rejects_a_bad_model(argname, H, x_star):
    """H must be a non-empty, square, symmetric, PSD, finite matrix and x* a finite vector of its size."""
    with pytest.raises(ValueError, match=rf"^{argname} "):
        zs.Quadratic(H, x_star)


def test_quadratic_accepts_a_symmetric_psd_h_up_to_rounding_and_is_read_only():
    """Asymmetry at 1e-14 of max|H| and an eigenvalue -1e-17 are rounding; the stored H, x* are read-only copies."""
    H = np.array([[2.0, 1.0 + 2e-14], [1.0, 0.5]])  # eigenvalues 2.5 and ~0 (singular), asymmetric by 1e-14 relative
    x_star = np.array([1.0, -1.0])
    q = zs.Quadratic(H, x_star)
    assert np.array_equal(q.H, q.H.T)
    assert not q.H.flags.writeable
    assert not q.x_star.flags.writeable
    x_star[0] = 5.0
    assert q.x_star[0] == 1.0
    assert q.loss(q.x_star) == 0.0
    assert q.loss(q.x_star + np.array([1.0, 0.0])) == pytest.approx(1.0, rel=1e-12)  # e'He/2 = H_11/2


# ------------------------------------------------------------------------------------------------------ newton
def test_newton_starts_where_it_is_told_and_stops_at_the_minimum():
    """newton: the first loss is L(x0) (zeros by default), the last gradient is below tol * max(1, |grad L(x0)|)."""
    p = zs.SoftmaxRegression(_P.A, _P.b, np.full(3, 0.5))
    x0 = np.array([2.0, -1.0])
    run = zs.newton(p, x0)
    assert run.losses[0] == p.loss(x0)
    assert zs.newton(p).losses[0] == p.loss(np.zeros(2))
    g0 = max(1.0, float(np.linalg.norm(p.gradient(x0))))
    assert np.linalg.norm(p.gradient(run.x)) <= 1e-13 * g0
    assert run.losses[-1] <= run.losses[0]
    assert np.all(np.diff(run.losses) <= 0)  # damped: the loss never increases


# ============================================================================== prediction.py (C13, C15, C16)
_QP = zs.Quadratic(np.diag([1.0, 0.25]), np.array([0.5, -1.0]))  # lambda = 1, 1/4; x* = (0.5, -1)
_FLAT = zs.Quadratic(np.zeros((2, 2)), np.zeros(2))  # H = 0: no direction feeds back
_X0P = np.array([1.5, 1.0])
# A softmax instance whose Hessian is exactly 0 at x_sat = (1000,): logits (1000, 0) give f = (1, 0) to the last bit
# (exp(-1000) underflows to 0), b = f, so c = 0 and S = diag(f) - ff' = 0: B = 0 and no regularizer.
_SAT = zs.SoftmaxRegression(np.array([[1.0], [0.0]]), np.array([1.0, 0.0]))
_X_SAT = np.array([1000.0])



@pytest.mark.parametrize(
    ("argname", "fn"),
    [
        ("lr", lambda: zs.lyapunov_exponent(_QP, 0.0)),
        ("k", lambda: zs.lyapunov_exponent(_QP, 0.1, 0)),
        ("distribution", lambda: zs.lyapunov_exponent(_QP, 0.1, 1, "cauchy")),
        ("runs", lambda: zs.lyapunov_exponent(_QP, 0.1, runs=0)),
        ("steps", lambda: zs.lyapunov_exponent(_QP, 0.1, steps=0)),
        ("k", lambda: zs.almost_sure_lr(_QP, 0)),
        ("distribution", lambda: zs.almost_sure_lr(_QP, 1, "cauchy")),
        ("runs", lambda: zs.almost_sure_lr(_QP, runs=0)),
        ("steps", lambda: zs.almost_sure_lr(_QP, steps=0)),
        ("z", lambda: zs.almost_sure_lr(_QP, z=0.0)),
        ("k", lambda: zs.max_stable_lr(_QP, 0)),
        ("distribution", lambda: zs.max_stable_lr(_QP, 1, "cauchy")),
        ("sense", lambda: zs.max_stable_lr(_QP, sense="typical")),
        ("steps", lambda: zs.gd_gap_curve(_QP, _X0P, steps=0, lr=0.1)),
        ("lr", lambda: zs.gd_gap_curve(_QP, _X0P, steps=2, lr=-0.1)),
        ("problem", lambda: zs.gd_gap_curve("a problem", _X0P, steps=2, lr=0.1)),
        ("x0", lambda: zs.gd_gap_curve(_QP, np.zeros(3), steps=2, lr=0.1)),
        ("x0", lambda: zs.gd_gap_curve(_QP, np.array([0.0, np.nan]), steps=2, lr=0.1)),
        ("x_star", lambda: zs.gd_gap_curve(_QP, _X0P, steps=2, lr=0.1, x_star=np.zeros(2))),
        ("steps", lambda: zs.expected_gap_curve(_QP, _X0P, steps=0, lr=0.1)),
        ("lr", lambda: zs.expected_gap_curve(_QP, _X0P, steps=2, lr=0.0)),
        ("k", lambda: zs.expected_gap_curve(_QP, _X0P, steps=2, lr=0.1, k=0)),
        ("distribution", lambda: zs.expected_gap_curve(_QP, _X0P, steps=2, lr=0.1, distribution="cauchy")),
        ("scheme", lambda: zs.expected_gap_curve(_QP, _X0P, steps=2, lr=0.1, scheme="backward")),
        ("model", lambda: zs.expected_gap_curve(_QP, _X0P, steps=2, lr=0.1, model="global")),
        ("noise", lambda: zs.expected_gap_curve(_QP, _X0P, steps=2, lr=0.1, noise=-1.0, eps=1e-3)),
        ("eps", lambda: zs.expected_gap_curve(_QP, _X0P, steps=2, lr=0.1, noise=1.0)),
        ("eps", lambda: zs.expected_gap_curve(_QP, _X0P, steps=2, lr=0.1, eps=0.0)),
        ("problem", lambda: zs.expected_gap_curve("a problem", _X0P, steps=2, lr=0.1)),
        ("x0", lambda: zs.expected_gap_curve(_QP, np.zeros(3), steps=2, lr=0.1)),
        ("budget", lambda: zs.plan(_QP, _X0P, budget=0)),
        ("budget", lambda: zs.plan(_QP, _X0P, budget=1)),
        ("distribution", lambda: zs.plan(_QP, _X0P, budget=8, distribution="cauchy")),
        ("scheme", lambda: zs.plan(_QP, _X0P, budget=8, scheme="backward")),
        ("eps", lambda: zs.plan(_QP, _X0P, budget=8, eps=0.0)),
        ("problem", lambda: zs.plan("a problem", _X0P, budget=8)),
        ("x0", lambda: zs.plan(_QP, np.zeros(3), budget=8)),
        ("ks", lambda: zs.plan(_QP, _X0P, budget=8, ks=[1, 0])),
        ("H", lambda: zs.Quadratic(np.ones((2, 3)), np.zeros(2))),
        ("x_star", lambda: zs.Quadratic(np.eye(2), np.zeros(3))),
    ],
)
def test_prediction_names_the_bad_argument_first(argname, fn):
    """House rule: a ValueError starts with the argument it names (each entry point of prediction.py)."""
    with pytest.raises(ValueError, match=rf"^{argname}\b"):  # the message starts with the argument
        fn()


def _gd_gaps(q: zs.Quadratic, x0: np.ndarray, steps: int, lr: float) -> np.ndarray:
    """The gaps q(x_t) of gradient descent itself, x_{t+1} = x_t - lr grad q(x_t) (the iteration, not the formula)."""
    x, out = x0.copy(), []
    for _ in range(steps + 1):
        out.append(q.loss(x))
        x = x - lr * q.gradient(x)
    return np.array(out)


@pytest.mark.parametrize("lr", [0.3, 1.5, 2.5])
def test_gd_gap_curve_is_the_loss_of_gradient_descent(lr):
    r"""C13/C15 baseline: the closed form is the loss along GD's iterates, t = 0..steps (steps + 1 values).

    ``lr = 2.5`` is above :math:`2/\lambda_{\max} = 2` (the gap grows). Rounding: each step multiplies by
    :math:`(1 - \eta\lambda)^2` with relative error a few u per step, 12 steps: rel 1e-12 is far above it.
    """
    got = zs.gd_gap_curve(_QP, _X0P, steps=12, lr=lr)
    assert got.shape == (13,)
    np.testing.assert_allclose(got, _gd_gaps(_QP, _X0P, 12, lr), rtol=1e-12, atol=0)


def test_gd_gap_curve_leaves_floats_range_as_the_math_under_any_errstate():
    r"""Past float64's range the curve's terms are 0 (underflow) or inf (overflow), whatever the caller's errstate.

    :math:`\lambda = (1, 1/4)`, :math:`\eta = 12`: the factors :math:`(1-\eta\lambda)^2 = 121` and :math:`4` per step:
    at t = 600 both overflow; with :math:`\eta = 0.5` the factors :math:`1/4` and :math:`(7/8)^2` underflow one term.
    """
    with np.errstate(over="raise", under="raise"):
        grow = zs.gd_gap_curve(_QP, _X0P, steps=600, lr=12.0)
        shrink = zs.gd_gap_curve(_QP, _X0P, steps=600, lr=0.5)
    assert math.isinf(grow[-1])
    assert np.all(np.isfinite(grow[:10]))
    assert np.all(np.isfinite(shrink))
    assert shrink[-1] > 0


def test_the_local_model_is_centred_at_the_x_star_given():
    r"""An explicit ``x_star`` is the model's centre: started there, GD's model gap is 0 at every step.

    With a regularizer the Hessian is positive definite everywhere, so any point is accepted as a centre; the true
    minimizer (``x_star=None``: Newton's) is another point, from which the gap at ``x0`` is not 0.
    """
    p = zs.SoftmaxRegression(np.array([[1.0, 0.5], [-0.3, 0.8], [0.2, -1.0]]), np.array([0.2, 0.3, 0.5]),
                             np.full(3, 1.0))
    z = np.array([0.7, -0.4])
    assert np.all(zs.gd_gap_curve(p, z, steps=3, lr=0.1, x_star=z) == 0.0)
    assert zs.gd_gap_curve(p, z, steps=3, lr=0.1)[0] > 0.0


def test_a_flat_model_has_exponent_zero_and_no_threshold():
    r"""C16 on :math:`H = 0`: nothing feeds back, the Lyapunov exponent is exactly 0 with 0 error, no step is unstable.

    For a Quadratic, and for a softmax instance at a point where its Hessian is exactly 0 (``_SAT``, ``_X_SAT``): the
    exponent there is that of the model at the ``x_star`` given, not at Newton's minimizer.
    """
    assert zs.lyapunov_exponent(_FLAT, 0.5) == (0.0, 0.0)
    assert zs.lyapunov_exponent(_SAT, 0.5, x_star=_X_SAT) == (0.0, 0.0)
    assert zs.almost_sure_lr(_FLAT) == (math.inf, math.inf, math.inf)
    assert zs.max_stable_lr(_FLAT) == math.inf
    assert np.all(zs.expected_gap_curve(_FLAT, _X0P, steps=3, lr=0.5) == 0.0)


def test_a_one_eigenvalue_model_has_a_negative_exponent_below_the_threshold():
    r"""C16 with r = 1 (one positive eigenvalue of H): below :math:`\eta^*` the Lyapunov exponent is < 0.

    By Jensen :math:`2\gamma \le \log\rho < 0` for :math:`\eta < \eta^*`; at :math:`\eta = \eta^*/2` with 64 chains of
    200 steps the estimate is negative by many standard errors (a random sign would pass half the time, not always).
    """
    one = zs.Quadratic(np.diag([2.0, 0.0]), np.zeros(2))
    eta = 0.5 * zs.max_stable_lr(one)
    gam, se = zs.lyapunov_exponent(one, eta, runs=64, steps=200)
    assert gam + 5 * se < 0


def test_lyapunov_defaults_are_one_gaussian_direction_and_seed_zero():
    """The documented defaults k = 1, Gaussian and rng = 0: the default call is the explicit one, bit for bit."""
    kw = {"runs": 3, "steps": 20}
    assert zs.lyapunov_exponent(_QP, 0.3, **kw) == zs.lyapunov_exponent(_QP, 0.3, 1, "gaussian", rng=0, **kw)
    assert zs.lyapunov_exponent(_QP, 0.3, **kw) != zs.lyapunov_exponent(_QP, 0.3, 2, **kw)


def test_the_domain_message_quotes_a_bound_that_is_inside_the_domain():
    r"""The out-of-domain message's advice is right: every point with max|w_i y_i| below the quoted value has a loss.

    :math:`\tfrac12\|w\circ y\|^2 \le \tfrac{mn}2\max|w_iy_i|^2`, so below :math:`\sqrt{f_{\max}/(mn)}` the
    regularizer is at most :math:`f_{\max}/2`: representable. The quoted number is read from the message.
    """
    p = zs.SoftmaxRegression(np.eye(3), np.full(3, 1 / 3), np.ones(3))
    with pytest.raises(ValueError, match=r"^x ") as info:
        p.loss(np.full(3, 1e200))
    bound = float(re.search(r"below ([0-9.e+]+)", str(info.value)).group(1))
    assert np.isfinite(p.loss(np.full(3, 0.999 * bound)))


def test_closure_curve_stops_at_inf_once_its_mean_path_runs_away():
    """The closure's curve is finite up to the step where the mean path leaves float range, and inf after it.

    On a quadratic with lr = 40 (40 times 2/lambda_max) the mean m_t - x* grows 39-fold a step and passes 1e150 near
    t = 95: every value before is finite, every value after is inf (none is left unset or overwritten).
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", zs.UnstableStepWarning)
        with np.errstate(over="raise", invalid="raise"):
            out = zs.expected_gap_curve(_QP, _X0P, steps=200, lr=40.0, model="closure")
    assert out.shape == (201,)
    finite = np.isfinite(out)
    first_inf = int(np.argmin(finite))
    assert 10 < first_inf < 200
    assert np.all(finite[:first_inf])
    assert np.all(np.isinf(out[first_inf:]))
    assert np.all(np.diff(out[:first_inf]) > 0)  # the gap grows at every step on the way


def test_the_planner_works_under_any_errstate_when_its_gaps_underflow():
    r"""C16: the planner's gaps may fall below float64's range (exactly 0, as the math rounds): no underflow error.

    :math:`\lambda = (1, 1/2)`, 6000 evaluations: the best gap is about :math:`10^{-400}`, which underflows to 0.
    """
    with np.errstate(under="raise"):
        best = zs.plan(zs.Quadratic(np.diag([1.0, 0.5]), np.zeros(2)), np.ones(2), budget=6000)
    assert 0.0 <= best.gap < 1e-300


# ==================================================================================== optimize.py (C11, C12)
def test_a_run_away_zo_gd_run_blames_the_step_not_eps():
    """A run whose first step is accepted and whose logits then outgrow eps reports the guard's finding and lr advice.

    lr = 1e16 throws x to ~1e15 in one step: the logits' rounding (u * 1e15 ~ 0.1) swamps eps * |Az| ~ 1.5e-3. The
    message quotes what the guard saw (the loss cannot move) without the guard's own advice (a larger eps).
    """
    with pytest.raises(zs.DivergenceError, match=r"^the run diverged by step 1 with lr=1e\+16") as info:
        zs.zo_gd(_P, np.zeros(2), steps=3, lr=1e16, rng=0)
    message = str(info.value)
    assert "its logits grew until eps=0.001 cannot move the loss in floating point" in message
    assert "use eps >=" not in message
    assert "use a smaller lr" in message


def test_gd_records_one_loss_per_iterate():
    """gd: losses[t] = L(x_t) for t = 0..steps, steps + 1 values (the last is the loss at the returned x)."""
    run = zs.gd(_P, _X, steps=3, lr=0.1)
    assert run.losses.shape == (4,)
    assert run.losses[-1] == _P.loss(run.x)
    assert run.losses[0] == _P.loss(_X)


# ============================================================================== problem.py (C1, C14)
def test_attention_is_the_softmax_of_each_row():
    r"""C14: ``attention(x)`` is :math:`\mathrm{softmax}(A_ix)` per row (rows sum to 1), at moderate and huge ``x``."""
    A = np.stack([_P.A, -_P.A])
    p = zs.SoftmaxRegression(A, np.tile(_P.b, (2, 1)))
    for x in (_X, np.array([3e300, -1e300])):
        f = p.attention(x)
        assert f.shape == (2, 3)
        np.testing.assert_allclose(f.sum(axis=1), 1.0, rtol=4 * S.EPS_MACH)
        if np.max(np.abs(x)) < 1e3:
            np.testing.assert_allclose(f, zs.softmax(np.einsum("mnd,d->mn", A, x)), rtol=4 * S.EPS_MACH)
    with pytest.raises(ValueError, match=r"^x "):
        p.attention(np.zeros(3))


# ==================================================================================== attention.py (C14)
@pytest.fixture(scope="module")
def bundled_model():
    """The bundled model, loaded once (skipped without the ``[attention]`` extra)."""
    pytest.importorskip("transformers", reason="the [attention] extra is not installed")
    pytest.importorskip("torch", reason="the [attention] extra is not installed")
    from zosoftmax import attention

    return attention.load_model()


def test_attention_head_runs_the_model_on_its_own_text(bundled_model):
    r"""C14: ``attention_head(text=...)`` is the head of ``run_model(text)``: one query and one key per token.

    "the cat sat" is 5 tokens with [CLS] and [SEP]. With a regularizer ``w`` the self-taught head still fits its
    targets exactly (c = 0 at the pretrained x), so its loss there is the regularizer alone,
    :math:`\tfrac12\|w\circ y\|^2` (rounding: a sum of 25 products, rel 1e-12 is far above it).
    """
    from zosoftmax import attention

    w = np.full((5, 5), 0.5)
    p, x = zs.attention_head(1, 2, "the cat sat", model=bundled_model, w=w)
    ref, x_ref = zs.attention_head(1, 2, model=attention.run_model("the cat sat", model=bundled_model))
    assert (p.m, p.n) == (5, 5)
    assert np.array_equal(p.b, ref.b)
    assert np.array_equal(x, x_ref)
    assert np.array_equal(p.w, w)
    y = p.logits(x)
    assert p.loss(x) == pytest.approx(0.5 * float(np.sum((w * y) ** 2)), rel=1e-12)


def test_attention_head_passes_the_model_and_the_token_limit_on(bundled_model, tmp_path):
    """``model`` and ``max_tokens`` reach ``run_model``: a directory that is no model and a text over the limit fail.

    The default limit is 128 tokens, [CLS] and [SEP] included: 126 words of one token each fit, 127 do not.
    """
    with pytest.raises(ValueError, match=r"^model "):
        zs.attention_head(0, 0, "the cat", model=tmp_path)
    with pytest.raises(ValueError, match=r"^text has 7 tokens"):
        zs.attention_head(0, 0, "the cat sat on the", model=bundled_model, max_tokens=4)
    with pytest.raises(ValueError, match=r"^text has 129 tokens"):
        zs.attention_head(0, 0, " ".join(["a"] * 127), model=bundled_model)
    assert zs.attention_head(0, 0, " ".join(["a"] * 126), model=bundled_model)[0].m == 128


# ======================================================================================== bounds.py (C5, C11, C14)
def _head(m: int, D: int) -> zs.AttentionRegression:
    """A small factored head: m queries of width D, n = 4 keys of width p = 2, w = 2 (W^2 - beta^- I > 0)."""
    rng = np.random.default_rng(11)
    b = rng.dirichlet(np.ones(4), size=m)
    return zs.AttentionRegression.from_factors(rng.standard_normal((m, D)), rng.standard_normal((4, 2)), b,
                                               np.full((m, 4), 2.0))


def test_strong_convexity_of_a_head_is_that_of_its_dense_rows():
    r"""C5 + C14: mu of a head is :math:`\lambda_{\min}` of its dense lower bound, computed on the reduced space.

    m = 3 queries of width D = 2 span all of :math:`\mathbb R^D`: the reduction keeps every direction and mu > 0 is
    the dense problem's (rel 1e-10: two eigensolvers of one 4x4 spectrum). m = 1 < D = 2: the reduction drops
    directions in which the loss is flat, so there is no guarantee, mu = 0 exactly (the dense one is 0 up to rounding).
    """
    for m, D in ((3, 2), (1, 2)):
        head = _head(m, D)
        dense = zs.SoftmaxRegression(head.A, head.b, head.w)
        mu_dense = float(np.linalg.eigvalsh(zs.hessian_lower_bound(dense))[0])
        mu = zs.strong_convexity_bound(head)
        if m >= D:
            assert mu > 0
            assert mu == pytest.approx(mu_dense, rel=1e-10)
        else:
            assert mu == 0.0
            assert abs(mu_dense) < 1e-12


def test_iteration_bound_without_a_pl_guarantee_is_infinite():
    """C11: rho = 1 exactly when mu <= 0 (no regularizer, d > rank): no finite iteration count reaches the accuracy."""
    p = zs.SoftmaxRegression(np.array([[1.0, 1.0], [0.0, 0.0], [-1.0, -1.0]]), np.array([0.2, 0.3, 0.5]))
    assert zs.rate_bound(p, 1, "gaussian") == 1.0
    assert zs.iteration_bound(p, np.array([1.0, 1.0]), 1, "gaussian", 1e-6, loss_star=0.0) == math.inf


# ==================================================================================== attention.py (HeadArrays)
def test_head_arrays_logits_check_the_query_weights(bundled_model):
    """``HeadArrays.logits(Wq)`` validates ``Wq`` by name and shape; the pretrained ``Wq`` gives the default logits."""
    from zosoftmax import attention

    arr = attention.run_model("the cat", model=bundled_model).head(0, 0)
    np.testing.assert_array_equal(arr.logits(arr.Wq), arr.logits())
    with pytest.raises(ValueError, match=r"^Wq "):
        arr.logits(np.zeros((2, 2)))
    with pytest.raises(ValueError, match=r"^Wq "):
        arr.logits(np.full(arr.Wq.shape, np.nan))


@pytest.mark.parametrize("regularized", [True, False])
def test_upper_spectrum_of_a_head_is_the_dense_spectrum_without_its_zeros(regularized):
    r"""C10 + C14: a head's :math:`H_0` has the dense :math:`H_0`'s eigenvalues, less the zeros of flat directions.

    m = 1 query of width D = 2 (rank 1), p = 2: two of the four dense eigenvalues are zero (to rounding, 1e-12 of the
    largest) and ``upper_spectrum`` returns the other two (rel 1e-10: two eigensolvers of one spectrum); with and
    without a regularizer (the reduced and the Kronecker path).
    """
    head = _head(1, 2)
    if not regularized:
        head = zs.AttentionRegression.from_factors(head.queries, head.keys, head.b)
    dense = np.linalg.eigvalsh(zs.hessian_upper_bound(zs.SoftmaxRegression(head.A, head.b, head.w)))
    lam = zs.upper_spectrum(head)
    top = dense[-1]
    np.testing.assert_allclose(np.sort(lam)[-2:], dense[-2:], rtol=1e-10)
    assert np.all(np.abs(dense[:-2]) <= 1e-12 * top)
    assert np.all(np.abs(np.sort(lam)[:-2]) <= 1e-12 * top)


@pytest.mark.parametrize("scale", [1e150, 3e153])
def test_euler_relation_of_the_regularizer_at_huge_x(scale):
    r"""C1, C2 far out: the regularizer dominates, and for a form homogeneous of degree 2, :math:`x^\top\nabla L = 2L`.

    :math:`L = \tfrac12\|c\|^2 + \tfrac12\|WAx\|^2` with :math:`\|c\|^2 \le 2` and
    :math:`|x^\top A^\top Sc| \le \|Ax\|/2`, so at :math:`|x| \sim 10^{150}` the relation holds to a relative
    :math:`10^{-150}`, far below rounding: rel 1e-12. ``3e153`` is beyond ``max|x|`` formed directly (the gradient's
    and the loss's power-of-two scaled paths), ``1e150`` below it; unequal weights w tell w^2 from 2w and w^3.
    """
    p = zs.SoftmaxRegression(_P.A, _P.b, np.array([0.5, 1.5, 1.0]))
    x = scale * np.array([1.0, -0.5])
    assert float(x @ p.gradient(x)) == pytest.approx(2 * p.loss(x), rel=1e-12)


def test_pl_constant_of_a_head_is_that_of_its_dense_rows():
    r"""C5 + C11 + C14: a head's PL constant lives on its reduced coordinates, the dense problem's on its row space.

    m = 1 query of width D = 2: the dense rows have rank 2 of d = 4, and both computations give one positive mu
    (rel 1e-10: two eigensolvers of one spectrum), while the strong-convexity bound is 0.
    """
    head = _head(1, 2)
    mu = zs.pl_constant(head)
    assert mu > 0
    assert mu == pytest.approx(zs.pl_constant(zs.SoftmaxRegression(head.A, head.b, head.w)), rel=1e-10)


@pytest.mark.parametrize(
    ("config", "says"),
    [
        ([1, 2], "model must be a BERT-family directory"),
        ({"model_type": "gpt2"}, "model must be a BERT-family directory"),
        ({"model_type": "bert", "is_decoder": True}, "model must be a bidirectional BERT encoder"),
        ({"model_type": "bert", "position_embedding_type": "relative_key"}, "model must be a bidirectional BERT"),
        ({"model_type": "bert"}, "model must hold its weights"),
    ],
)
def test_a_model_directory_is_checked_before_anything_loads(tmp_path, config, says):
    """C14: a model directory whose config.json is no dict, not BERT, a decoder or relative positions is refused."""
    import json

    pytest.importorskip("transformers", reason="the [attention] extra is not installed")
    from zosoftmax import attention

    (tmp_path / "config.json").write_text(json.dumps(config))
    with pytest.raises(ValueError, match=rf"^{says}"):
        attention.load_model(tmp_path)


def test_the_model_runs_in_float64_with_a_128_token_default_limit(bundled_model):
    """C14's dtype contract: the loaded model's weights are float64 (its attention is compared at 1e-10 with autograd).

    ``run_model``'s default limit is 128 tokens, [CLS] and [SEP] included: 127 one-token words are refused.
    """
    import torch

    from zosoftmax import attention

    assert {p.dtype for p in bundled_model.module.parameters()} == {torch.float64}
    with pytest.raises(ValueError, match=r"^text has 129 tokens"):
        attention.run_model(" ".join(["a"] * 127), model=bundled_model)


def test_a_forward_records_the_token_ids_and_the_models_own_scale(bundled_model):
    r"""C14: a forward keeps the tokenizer's ids (int64) with their tokens, and the model's own attention scale.

    The scale is the one the model's attention applies, bit for bit (transformers' :math:`d_{\rm head}^{-1/2}`, one ulp
    away from :math:`1/\sqrt{d_{\rm head}}` at :math:`d_{\rm head} = 32`); a head's arrays carry their layer, head and
    tokens.
    """
    from zosoftmax import attention

    text = "The cat sat on the mat."
    fwd = attention.run_model(text, model=bundled_model)
    ids = bundled_model.tokenizer(text, add_special_tokens=True)["input_ids"]
    assert fwd.input_ids.dtype == np.int64
    assert fwd.input_ids.tolist() == ids
    assert fwd.tokens == tuple(bundled_model.tokenizer.convert_ids_to_tokens(ids))
    assert fwd.scale == bundled_model.module.encoder.layer[0].attention.self.scaling
    head = fwd.head(2, 5)
    assert (head.layer, head.head, head.tokens) == (2, 5, fwd.tokens)
