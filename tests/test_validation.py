"""Bad input: every public function answers with a ValueError that names the argument (issue 2).

Never a silent NaN, never a bare NumPy error.
"""

from __future__ import annotations

import numpy as np
import pytest

import zosoftmax as zs

RNG = np.random.default_rng(0)
P = zs.random_instance(6, 3, rng=1, w=1.2)
X = np.zeros(3)
NAN_X = np.array([0.0, np.nan, 0.0])
INF_X = np.array([0.0, np.inf, 0.0])


def _raises(fn, argname):
    with pytest.raises(ValueError, match=rf"^{argname}\b"):  # the message starts with the argument it names
        fn()


@pytest.mark.parametrize(
    ("argname", "fn"),
    [
        ("A", lambda: zs.SoftmaxRegression(np.ones(3), np.ones(3) / 3)),
        ("A", lambda: zs.SoftmaxRegression(np.ones((1, 3)), np.ones(1))),
        ("A", lambda: zs.SoftmaxRegression(np.array([[1.0, np.nan], [0.0, 1.0]]), np.ones(2) / 2)),
        ("A", lambda: zs.SoftmaxRegression([["a", "b"], ["c", "d"]], np.ones(2) / 2)),
        ("b", lambda: zs.SoftmaxRegression(np.eye(3), np.ones(2) / 2)),
        ("b", lambda: zs.SoftmaxRegression(np.eye(3), np.array([0.5, np.inf, 0.5]))),
        ("w", lambda: zs.SoftmaxRegression(np.eye(3), np.ones(3) / 3, np.ones(4))),
        ("w", lambda: zs.SoftmaxRegression(np.eye(3), np.ones(3) / 3, np.array([1.0, np.nan, 1.0]))),
        ("dtype", lambda: zs.SoftmaxRegression(np.eye(3), np.ones(3) / 3, dtype="int32")),
        ("x", lambda: P.loss(np.zeros(4))),
        ("x", lambda: P.loss(NAN_X)),
        ("x", lambda: P.gradient(INF_X)),
        ("x", lambda: P.hessian(np.zeros((3, 1)))),
        ("x", lambda: P.B(NAN_X)),
        ("X", lambda: P.loss_batch(np.zeros(3))),
        ("X", lambda: P.loss_batch(np.zeros((2, 4)))),
        ("X", lambda: P.loss_batch(np.full((2, 3), np.nan))),
        ("Y", lambda: P.loss_from_logits(np.zeros((2, 5)))),
    ],
)
def test_problem_rejects_bad_input(argname, fn):
    _raises(fn, argname)


@pytest.mark.parametrize(
    ("argname", "kwargs"),
    [
        ("eps", {"eps": 0.0}),
        ("eps", {"eps": -1e-3}),
        ("eps", {"eps": np.nan}),
        ("k", {"k": 0}),
        ("k", {"k": 1.5}),
        ("k", {"k": True}),
        ("distribution", {"distribution": "uniform"}),
        ("scheme", {"scheme": "backward"}),
        ("rng", {"rng": "seed"}),
        ("rng", {"rng": -1}),
        ("directions", {"directions": np.zeros((2, 4))}),
        ("directions", {"directions": np.full((2, 3), np.inf)}),
        ("x", {"x": NAN_X}),
    ],
)
def test_spsa_gradient_rejects_bad_input(argname, kwargs):
    kwargs = dict(kwargs)  # a copy: popping from the parametrize dict itself broke a second run in one process (mutmut)
    x = kwargs.pop("x", X)
    _raises(lambda: zs.spsa_gradient(P, x, **kwargs), argname)


def test_spsa_gradient_rejects_bad_callables():
    _raises(lambda: zs.spsa_gradient(lambda Z: np.zeros(3), X, k=2), "f must map")  # wrong output shape
    _raises(lambda: zs.spsa_gradient(lambda Z: np.full(Z.shape[0], np.nan), X, k=2), "f returned non-finite")
    _raises(lambda: zs.spsa_gradient("not a function", X), "f must be")


@pytest.mark.parametrize(
    ("argname", "fn"),
    [
        ("k", lambda: zs.sample_directions(0, 3, "gaussian", 0)),
        ("d", lambda: zs.sample_directions(2, -1, "gaussian", 0)),
        ("distribution", lambda: zs.sample_directions(2, 3, "cauchy", 0)),
        ("d", lambda: zs.second_moment_factor(0, 1, "sphere")),
        ("k", lambda: zs.second_moment_factor(5, 0, "sphere")),
        ("distribution", lambda: zs.second_moment_factor(5, 1, "normal")),
        ("g", lambda: zs.second_moment_matrix(np.array([1.0, np.nan]), 1, "sphere")),
        ("distribution", lambda: zs.gamma(5, 1, 2.0, "uniform")),
        ("r", lambda: zs.gamma(5, 1, 0.5, "sphere")),
        ("r", lambda: zs.gamma(5, 1, 6.0, "sphere")),
        ("r", lambda: zs.gamma(5, 1, np.nan, "gaussian")),
        ("scheme", lambda: zs.evaluations(2, "backward")),
        ("power", lambda: zs.direction_moment(3, "gaussian", 3)),
    ],
)
def test_estimator_helpers_reject_bad_input(argname, fn):
    _raises(fn, argname)


@pytest.mark.parametrize(
    ("argname", "kwargs"),
    [
        ("steps", {"steps": 0}),
        ("steps", {"steps": -3}),
        ("lr", {"lr": 0.0}),
        ("lr", {"lr": -0.1}),
        ("lr", {"lr": np.inf}),
        ("k", {"k": 0}),
        ("eps", {"eps": 0.0}),
        ("distribution", {"distribution": "bernoulli"}),
        ("scheme", {"scheme": "backward"}),
        ("x0", {"x0": np.zeros(4)}),
        ("x0", {"x0": NAN_X}),
    ],
)
def test_zo_gd_rejects_bad_input(argname, kwargs):
    args = {"steps": 3, "lr": 0.1, **kwargs}
    x0 = args.pop("x0", X)
    _raises(lambda: zs.zo_gd(P, x0, **args), argname)


@pytest.mark.parametrize(
    ("argname", "fn"),
    [
        ("steps", lambda: zs.gd(P, X, steps=0, lr=0.1)),
        ("lr", lambda: zs.gd(P, X, steps=3, lr=-1.0)),
        ("x0", lambda: zs.gd(P, INF_X, steps=3, lr=0.1)),
        ("problem", lambda: zs.gd("problem", X, steps=3, lr=0.1)),
        ("runs", lambda: zs.zo_gd_batch(P, X, runs=0, steps=3, lr=0.1)),
        ("x0", lambda: zs.zo_gd_batch(P, np.zeros((2, 3)), runs=3, steps=3, lr=0.1)),
        ("trajectory", lambda: zs.replay(zs.gd(P, X, steps=2, lr=0.1), P, X)),
        ("tol", lambda: zs.newton(P, X, tol=0.0)),
        ("max_iter", lambda: zs.newton(P, X, max_iter=0)),
        ("losses", lambda: zs.linear_rate(np.array([1.0, np.nan, 0.5]), 0.0)),
        ("losses", lambda: zs.linear_rate(np.array([1.0, 0.5]), 0.0)),
    ],
)
def test_optimizers_reject_bad_input(argname, fn):
    _raises(fn, argname)


@pytest.mark.parametrize(
    ("argname", "fn"),
    [
        ("problem", lambda: zs.smoothness_bound(np.eye(3))),
        ("H", lambda: zs.effective_rank(np.ones((2, 3)))),
        ("H", lambda: zs.effective_rank(np.array([[1.0, 2.0], [0.0, 1.0]]))),
        ("H", lambda: zs.effective_rank(-np.eye(3))),
        ("eps", lambda: zs.bias_bound(P, 0.0)),
        ("scheme", lambda: zs.bias_bound(P, 1e-3, "gaussian", "sideways")),
        ("accuracy", lambda: zs.iteration_bound(P, X, 1, "sphere", 0.0, loss_star=0.0)),
        ("x0", lambda: zs.iteration_bound(P, np.zeros(2), 1, "sphere", 1e-6, loss_star=0.0)),
        ("loss_star", lambda: zs.iteration_bound(P, X, 1, "sphere", 1e-6, loss_star=np.nan)),
        ("loss_star", lambda: zs.iteration_bound(P, X, 1, "sphere", 1e-6, loss_star="0")),
        ("loss_star", lambda: zs.iteration_bound(P, X, 1, "sphere", 1e-6, loss_star=P.loss(X) + 1e-6)),
        ("b", lambda: zs.beta_constants(np.array([[[0.5, 0.5]]]))),  # (n,) or (m, n) only
        ("n", lambda: zs.random_instance(1, 3, rng=0)),
        ("rng", lambda: zs.random_instance(4, 3, rng=None)),
        ("singular_values", lambda: zs.random_instance(4, 3, rng=0, singular_values=[1.0, 2.0])),
        ("singular_values", lambda: zs.random_instance(4, 3, rng=0, singular_values=[1.0, -2.0, 1.0])),
    ],
)
def test_bounds_and_instances_reject_bad_input(argname, fn):
    _raises(fn, argname)


def test_divergence_is_an_error_not_a_nan():
    """A step far above 2/l makes the iterate blow up: the run stops with an explanation, never NaN."""
    with pytest.raises(FloatingPointError, match="diverged"):
        zs.gd(P, X, steps=2000, lr=1e3)


def test_iteration_bound_needs_loss_star_and_computes_no_optimization():
    """bounds.py computes bounds only: L* is the caller's (a required keyword), never a Newton solve inside."""
    with pytest.raises(TypeError, match="loss_star"):
        zs.iteration_bound(P, X, 1, "sphere", 1e-6)  # type: ignore[call-arg]
    star = zs.newton(P, X).losses[-1]
    assert zs.iteration_bound(P, X, 1, "sphere", 1e-6, loss_star=star) == zs.iteration_bound(
        P, X, 1, "sphere", 1e-6, loss_star=float(star))
    assert zs.iteration_bound(P, X, 1, "sphere", 1e-6, loss_star=P.loss(X)) == 0.0  # already there


def test_beta_constants_take_the_problem_like_their_siblings():
    """Sibling functions take the same argument: the problem (the target-only constants also accept b itself)."""
    assert zs.beta_constants(P) == zs.beta_constants(P.b)
    assert zs.target_range(P) == zs.target_range(P.b) == np.ptp(P.b)
    assert zs.residual_gradient_bound(P) == zs.residual_gradient_bound(P.b)
    for fn in (zs.beta_constants, zs.target_range, zs.residual_gradient_bound):
        _raises(lambda fn=fn: fn("problem"), "b")


@pytest.mark.parametrize(
    ("argname", "fn"),
    [
        ("x", lambda: P.loss(np.full(3, 1e160))),
        ("x", lambda: zs.random_instance(6, 3, rng=1, w=30.0).gradient(np.full(3, 1e308))),  # Aᵀ W² A x > fmax
        ("X", lambda: P.loss_batch(np.full((2, 3), 1e160))),
        ("Y", lambda: P.loss_from_logits(np.full(6, 1e160))),
        ("Y", lambda: P.loss_from_logits(np.array([0.0, np.nan, 0, 0, 0, 0]))),
    ],
)
def test_loss_outside_its_float_domain_is_a_named_error(argname, fn):
    """With a regularizer, ½‖diag(w)Ax‖² beyond the largest float is a ValueError naming the argument, not inf."""
    with pytest.raises(ValueError, match=rf"^{argname} (is outside the domain|must be finite)"):
        fn()
