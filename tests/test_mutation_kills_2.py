r"""More tests written for mutants that survived ``make mutation`` (docs/mutation.md): each names its invariant.

``tests/test_mutation_kills.py`` (the file in mutmut's pool) re-exports every test of this file, so that mutmut runs
them for the mutants of every module; the plain suite runs each once, here (``tests/mutation_selection.py`` drops the
copies outside mutmut).
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

import zosoftmax as zs
import zosoftmax.problem as problem_module

# Rounding of a product of two small (<= 4 x 4) factors with O(1) entries, compared along two summation orders
# (one batched GEMM against one GEMV per column): a few ulps of the O(1) entries.
PRODUCT_ATOL = 1e-13


def _head(m: int = 3, n: int = 4, D: int = 3, p: int = 2, *, seed: int = 0, scale: float = 1.0,
          keys: np.ndarray | None = None, queries: np.ndarray | None = None,
          dtype: str = "float64") -> zs.AttentionRegression:
    rng = np.random.default_rng(seed)
    Ht = rng.normal(size=(m, D)) if queries is None else queries
    K = rng.normal(size=(n, p)) if keys is None else keys
    b = rng.dirichlet(np.ones(K.shape[0]), size=Ht.shape[0])
    return zs.AttentionRegression.from_factors(Ht, K, b, scale=scale, dtype=dtype)


# ======================================================================= problem.py: a head's reduction (C14)
def test_a_reduction_maps_the_columns_of_a_matrix_one_by_one():
    r"""C14: ``project`` and ``embed`` act on each column of a (d, r) or (d', r) array as on a vector.

    ``project`` then ``embed`` is the orthogonal projection onto the reduced space (idempotent), and ``project`` of an
    ``embed`` is the identity (orthonormal bases). m = 2 queries of width D = 3: a proper reduction, d' < d.
    """
    p = _head(m=2, n=4, D=3, p=3)
    red = p.reduce()
    assert red.problem.d < p.d
    X = np.random.default_rng(1).normal(size=(p.d, 3))
    Z = red.project(X)
    assert Z.shape == (red.problem.d, 3)
    E = red.embed(Z)
    assert E.shape == (p.d, 3)
    for j in range(3):
        np.testing.assert_allclose(Z[:, j], red.project(X[:, j]), rtol=0, atol=PRODUCT_ATOL)
        np.testing.assert_allclose(E[:, j], red.embed(Z[:, j]), rtol=0, atol=PRODUCT_ATOL)
    np.testing.assert_allclose(red.project(E), Z, rtol=0, atol=PRODUCT_ATOL)


def test_reduce_drops_the_directions_below_its_rtol():
    r"""C14: ``reduce(rtol)`` keeps the singular directions of both factors above ``rtol`` times the largest.

    Keys and queries each with singular values (1, 1e-6): the default tolerance keeps both (d' = 4), rtol = 1e-3 keeps
    one of each (d' = 1), in the key and in the query factor alike.
    """
    keys = np.array([[1.0, 0.0], [0.0, 1e-6], [0.0, 0.0]])
    queries = np.array([[1.0, 0.0], [0.0, 1e-6]])
    p = _head(keys=keys, queries=queries)
    assert p.reduce().problem.d == 4
    red = p.reduce(rtol=1e-3)
    assert (red.QK.shape[1], red.QH.shape[1], red.problem.d) == (1, 1, 1)


@pytest.mark.parametrize("scale", [1e-8, 1.0, 1e8])
def test_the_reduced_dimension_is_the_numerical_rank_at_every_scale(scale):
    r"""C14: the reduction's rank is relative to the factor's largest singular value: the same at every ``scale``.

    Keys of rank 2 in p = 3 columns (a column the sum of the other two, so the third singular value is a rounding
    residue, not zero): :math:`r_K = 2` for keys scaled by 1e-8, 1 or 1e8.
    """
    rng = np.random.default_rng(2)
    G = rng.normal(size=(5, 2))
    keys = np.column_stack([G[:, 0], G[:, 1], 0.3 * G[:, 0] + 0.7 * G[:, 1]])
    red = _head(keys=keys, scale=scale, D=2).reduce()
    assert red.QK.shape[1] == 2
    assert red.QH.shape[1] == 2


def test_a_head_forms_its_dense_rows_up_to_the_limit_and_not_above(monkeypatch):
    r"""C14: the dense (m, n, d) rows are formed when they have at most ``DENSE_ROWS_MAX`` entries, refused above.

    At the limit the rows are the head's: :math:`A_i x` is row ``i`` of the logits.
    """
    p = _head(m=2, n=3, D=2, p=2)  # m n d = 2 * 3 * 4 = 24 entries
    monkeypatch.setattr(problem_module, "DENSE_ROWS_MAX", 24)
    A = p.A
    x = np.random.default_rng(3).normal(size=p.d)
    np.testing.assert_allclose(np.einsum("ijk,k->ij", A, x), p.logits(x), rtol=0, atol=PRODUCT_ATOL)
    monkeypatch.setattr(problem_module, "DENSE_ROWS_MAX", 23)
    with pytest.raises(ValueError, match="dense rows"):
        _ = p.A


def test_a_float32_head_reduces_to_a_float32_problem():
    """C14: the reduced problem is the same problem in other coordinates, in the same dtype."""
    red = _head(dtype="float32").reduce()
    assert red.problem.dtype == np.float32


@pytest.mark.parametrize("rows", [1, 3])
def test_hessian_vector_is_the_hessian_times_v(rows):
    r"""C3: the Hessian-vector product is the Hessian times ``v``, for one softmax row and for several.

    Every contraction runs over the n entries of a row: a (n,) or a (m, n) array. Rounding: sums of d n = 12 terms
    of O(1): 1e-13 absolute.
    """
    rng = np.random.default_rng(11)
    A = rng.normal(size=(4, 3)) if rows == 1 else rng.normal(size=(rows, 4, 3))
    b = rng.dirichlet(np.ones(4)) if rows == 1 else rng.dirichlet(np.ones(4), size=rows)
    p = zs.SoftmaxRegression(A, b, np.full(b.shape, 0.5))
    x, v = rng.normal(size=3), rng.normal(size=3)
    np.testing.assert_allclose(p.hessian_vector(x, v), p.hessian(x) @ v, rtol=0, atol=1e-13)


# ============================================================= the argument a message names (house rule)
_P = zs.SoftmaxRegression(np.array([[1.0, 0.5], [-0.3, 1.0], [0.2, -0.4]]), np.array([0.5, 0.3, 0.2]))
_X = np.array([0.3, -0.2])
_BAD = np.array([0.3, np.nan])


@pytest.mark.parametrize(
    ("argname", "call"),
    [
        ("v", lambda: _P.hessian_vector(_X, _BAD)),
        ("v", lambda: _P.hessian_vector(_X, np.zeros(3))),
        ("H", lambda: zs.effective_rank(np.zeros(3))),
        ("scheme", lambda: zs.deviation_bound(_P, 1e-3, "gaussian", "backward")),
        ("H", lambda: zs.direction_sixth_moment(np.zeros(3), "gaussian")),
        ("distribution", lambda: zs.direction_sixth_moment(np.eye(2), "uniform")),
        ("k", lambda: zs.expected_pmp(np.eye(2), 0, "gaussian")),
        ("k", lambda: zs.evaluations(0, "central")),
        ("M", lambda: zs.direction_fourth_moment(np.zeros(3), "gaussian")),
        ("M", lambda: zs.direction_fourth_moment(np.zeros((2, 3)), "gaussian")),
        ("distribution", lambda: zs.direction_fourth_moment(np.eye(2), "uniform")),
        ("k", lambda: zs.spsa_gradient(_P, _X, k=0, directions=np.eye(2))),
        ("distribution", lambda: zs.spsa_gradient(_P, _X, distribution="uniform", directions=np.eye(2))),
        ("queries", lambda: zs.AttentionRegression.from_factors(np.zeros(3), np.ones((3, 2)), np.full((1, 3), 0.5))),
        ("keys", lambda: zs.AttentionRegression.from_factors(np.ones((1, 2)), np.zeros(3), np.full((1, 3), 0.5))),
        ("scale", lambda: zs.AttentionRegression.from_factors(np.ones((1, 2)), np.ones((3, 2)), np.full((1, 3), 0.5),
                                                              scale=-1.0)),
    ],
)
def test_a_bad_argument_is_named_first_in_its_message(argname, call):
    """House rule: a ValueError *starts* with the argument's name."""
    with pytest.raises(ValueError, match=rf"^{argname} "):
        call()


# ========================================================================= bounds.py (C4, C7, C10)
def test_upper_spectrum_of_a_dense_problem_is_that_of_h0():
    r"""C10: the spectrum of :math:`H_0` has :math:`\ell` as its largest value and :math:`\mathrm{tr}\,H_0` as sum."""
    p = zs.random_instance(6, 4, rng=7, w=0.3)
    lam = zs.upper_spectrum(p)
    H0 = zs.hessian_upper_bound(p)
    assert lam.shape == (p.d,)
    assert np.all(np.diff(lam) >= 0)
    # eigenvalues of a 4 x 4 symmetric matrix with entries O(1): rounding of a few ulps of its norm
    assert lam[-1] == pytest.approx(zs.smoothness_bound(p), rel=1e-12)
    assert float(np.sum(lam)) == pytest.approx(float(np.trace(H0)), rel=1e-12)


@pytest.mark.parametrize("scale", [1e-6, 1.0, 1e6])
def test_effective_rank_is_scale_invariant_and_accepts_rounding(scale):
    r"""C10: :math:`r(cH) = r(H)`, and rounding-level asymmetry or negative eigenvalues are accepted at every scale.

    At the rounding level of :math:`\|H\|` at every scale (1e-13 and -1e-11 relative: inside the 1e-10 relative
    tolerances).
    """
    H = np.diag([2.0, 1.0, 0.0])
    H[0, 2] = 1e-13 * 2.0  # asymmetric by 1e-13 of the norm
    H[2, 2] = -1e-11 * 2.0  # a negative eigenvalue 1e-11 of the norm
    assert zs.effective_rank(scale * H) == pytest.approx(zs.effective_rank(H), rel=1e-12)
    assert zs.effective_rank(H) == pytest.approx((3.0 - 2e-11) / 2.0, rel=1e-12)


@pytest.mark.parametrize("H", [
    np.array([[1.0, 0.5 + 1e-8], [0.5, 1.0]]),  # entries 0.5 apart by 2e-8 relative: not rounding
    1e-6 * np.array([[1.0, 1e-3], [0.0, 1.0]]),  # a small matrix asymmetric by 1e-3 of its norm
    np.array([[1.0, 1.5e-12], [0.0, 1.0]]),  # asymmetric by 1.5e-12: above the 1e-12 absolute floor at norm 1
    np.zeros((2, 2)),  # no norm: r = tr/||H|| undefined
    np.diag([1.0, -0.5]),  # indefinite
])
def test_effective_rank_refuses_a_matrix_that_is_not_symmetric_psd_and_non_zero(H):
    """C10: the effective rank is defined for a symmetric PSD H != 0 only; anything else is a ValueError naming H."""
    with pytest.raises(ValueError, match=r"^H must be"):
        zs.effective_rank(H)


def test_effective_rank_accepts_an_eigenvalue_exactly_at_its_tolerance():
    """C10: the PSD check tolerates eigenvalues down to -1e-10 of the largest, that value included."""
    assert zs.effective_rank(np.diag([1.0, -1e-10])) == pytest.approx(1.0 - 1e-10, rel=1e-15)


def test_bias_bound_caps_only_the_forward_scheme_at_a_large_eps():
    r"""C7: at a large ε the bias bound of the forward scheme is its forward form, that of the central scheme is not.

    The forward form :math:`\frac\varepsilon2\ell(E\|z\|^4)^{3/4}` is below the central
    :math:`\frac{\varepsilon^2}6M_3E\|z\|^4`; the forward scheme's bias bound takes it, the central's does not.
    """
    p = zs.random_instance(4, 3, rng=8, w=0.5)
    eps = 10.0
    central = zs.deviation_bound(p, eps, "gaussian", "central")
    forward = zs.deviation_bound(p, eps, "gaussian", "forward")
    assert forward < central
    assert zs.bias_bound(p, eps, "gaussian", "central") == central
    assert zs.bias_bound(p, eps, "gaussian", "forward") == forward


# ====================================================================== estimators.py: dtypes (C9, C16)
def test_moment_maps_are_computed_in_float64_from_any_real_input():
    r"""C9, C16: a float32 (or integer) matrix gives the float64 result of the same values, exactly."""
    M = np.array([[2.0, 0.5, -1.0], [0.5, 1.0, 0.25], [-1.0, 0.25, 3.0]])  # exact in float32
    for dist in ("gaussian", "sphere", "rademacher"):
        ref = zs.direction_sixth_moment(M, dist)
        got = zs.direction_sixth_moment(M.astype(np.float32), dist)
        assert got.dtype == np.float64
        np.testing.assert_array_equal(got, ref)
        ref = zs.expected_pmp(M, 3, dist)
        got = zs.expected_pmp(M.astype(np.float32), 3, dist)
        assert got.dtype == np.float64
        np.testing.assert_array_equal(got, ref)


# ======================================================================== prediction.py (C13, C16)
_Q2 = zs.Quadratic(np.diag([1.0, 0.25]), np.zeros(2))  # lambda = 1, 1/4; x* = 0
_QP = zs.Quadratic(np.diag([1.0, 0.25]), np.array([0.5, -1.0]))  # lambda = 1, 1/4; x* = (0.5, -1)


def _closure(steps: int, k: int) -> np.ndarray:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", zs.UnstableStepWarning)
        with np.errstate(over="raise", invalid="raise"):
            return zs.expected_gap_curve(_Q2, np.ones(2), steps=steps, lr=40.0, k=k, model="closure")


@pytest.mark.parametrize("k", [1, 2, 10**6])
def test_closure_curve_is_causal_and_inf_once_it_runs_away(k):
    r"""C13: the closure's curve is causal, and inf from its first non-finite value on.

    The value at step t depends on steps 0..t only: a run of s steps is the first s + 1 values of a longer run.

    lr = 40 on :math:`\lambda = (1, 1/4)` (20 times 2/λ_max): the mean :math:`m_t = ((-39)^t, (-9)^t)` runs away. With
    k = 1 or 2 the covariance outgrows the mean and the gap overflows first (with k = 2 through an inf - inf in the
    covariance: no floating-point error may reach the caller, here under errstate(invalid="raise")); with k = 10^6
    the covariance stays near :math:`m_t^2/k` and the mean's guard cuts the curve, from the first t with
    :math:`39^t > 10^{150}`: t = 95.
    """
    out = _closure(200, k)
    first_inf = int(np.argmin(np.isfinite(out)))
    assert 10 < first_inf < 200
    assert np.all(np.isinf(out[first_inf:]))
    if k == 10**6:
        assert first_inf == math.ceil(150 / math.log10(39.0))
    np.testing.assert_array_equal(_closure(first_inf - 1, k), out[:first_inf])


def test_the_plan_of_a_flat_model_has_a_row_for_every_affordable_k():
    """C16: with H = 0 every step is stable, the gap stays 0: each affordable k is a row (lr inf, gap 0), k = 1 wins."""
    from zosoftmax.prediction import PLAN_KS

    budget = 20
    best = zs.plan(zs.Quadratic(np.zeros((2, 2)), np.zeros(2)), np.ones(2), budget=budget)
    ks = [k for k in PLAN_KS if 2 * k <= budget]
    assert list(best.table) == [{"k": k, "steps": budget // (2 * k), "lr": math.inf, "gap": 0.0,
                                 "max_stable_lr": math.inf} for k in ks]
    assert (best.k, best.lr, best.steps, best.gap) == (1, math.inf, budget // 2, 0.0)


def test_the_plan_is_its_best_table_row_and_a_budget_of_one_step_buys_it():
    """C16: the Plan's k, lr, steps and gap are its table's row of smallest gap; its budget is the one asked for.

    A budget of exactly one step's evaluations buys that step. A one-eigenvalue model is not flat: its gap is > 0.
    """
    for budget, ks in ((2, (1,)), (40, None)):
        best = zs.plan(_QP, np.array([1.5, 1.0]), budget=budget, ks=ks)
        row = min(best.table, key=lambda r: r["gap"])
        assert (best.k, best.lr, best.steps, best.gap) == (row["k"], row["lr"], row["steps"], row["gap"])
        assert best.budget == budget
        assert best.gap > 0.0
    assert zs.plan(zs.Quadratic(np.array([[2.0]]), np.zeros(1)), np.ones(1), budget=20).gap > 0.0


def test_the_plan_defaults_to_eps_1e_3_and_depends_on_x0_only_through_x0_minus_x_star():
    """C16: ``eps`` defaults to 1e-3, and the plan depends on x0 only through x0 - x*.

    ``eps`` enters the forward scheme's ε-term; translating the model and x0 together changes nothing: the plan sees e =
    x0 - x* only.
    """
    x0 = np.array([1.5, 1.0])
    assert zs.plan(_QP, x0, budget=40, scheme="forward") == zs.plan(_QP, x0, budget=40, scheme="forward", eps=1e-3)
    centred = zs.Quadratic(np.diag([1.0, 0.25]), np.zeros(2))
    assert zs.plan(_QP, x0, budget=40) == zs.plan(centred, x0 - np.array([0.5, -1.0]), budget=40)


def test_the_plan_of_a_problem_is_the_plan_of_its_local_model_at_the_x_star_given():
    r"""C13, C16: the plan of a problem is the plan of its local quadratic model at the ``x_star`` given.

    The planner works on that model (here not at Newton's minimizer), so its plan is that of ``Quadratic(V diag(λ) Vᵀ,
    x_star)``; the gaps agree to the eigendecomposition's rounding (its bounded search then moves the step by at most
    its tolerance, where the gap is flat: rel 1e-6).
    """
    p = zs.random_instance(6, 3, rng=9, w=2.0)
    xs = zs.newton(p).x + 0.3
    lam, V, _ = zs.local_model(p, xs)
    x0 = xs + np.array([0.5, -0.4, 0.2])
    got = zs.plan(p, x0, budget=24, x_star=xs)
    want = zs.plan(zs.Quadratic(V @ np.diag(lam) @ V.T, xs), x0, budget=24)
    assert got.k == want.k
    assert got.gap == pytest.approx(want.gap, rel=1e-6)


@pytest.mark.parametrize("regularized", [False, True])
def test_a_heads_bounds_are_those_of_its_dense_rows(regularized):
    r"""C14: a head's :math:`\|A\|`, :math:`M_3`, :math:`\ell` and effective rank are those of its dense rows.

    Computed from its Kronecker factors or its reduction, they equal those of the same problem with its dense
    (m, n, d) rows.

    Rounding: spectral quantities of (d, d) = (6, 6) matrices with O(1) entries, formed along two summation orders:
    rel 1e-12.
    """
    rng = np.random.default_rng(12)
    m, n = 3, 4
    w = rng.uniform(0.5, 1.5, size=(m, n)) if regularized else None
    head = zs.AttentionRegression.from_factors(rng.normal(size=(m, 3)), rng.normal(size=(n, 2)),
                                               rng.dirichlet(np.ones(n), size=m), w, scale=0.7)
    dense = zs.SoftmaxRegression(head.A, head.b, w)
    for bound in (zs.third_derivative_bound, zs.smoothness_bound, zs.effective_rank):
        assert bound(head) == pytest.approx(bound(dense), rel=1e-12)


def test_row_ranges_are_each_rows_own():
    """C14: each softmax row's target range max_j b_ij - min_j b_ij, not a range across rows."""
    b = np.array([[0.7, 0.2, 0.1], [0.3, 0.3, 0.4]])
    np.testing.assert_allclose(zs.row_ranges(b), [0.6, 0.1], rtol=1e-15)
    assert zs.target_range(b) == pytest.approx(0.6, rel=1e-15)


# ==================================================================== problem.py: dtypes, shapes, huge points
def test_a_float32_problem_computes_in_float32_on_both_paths():
    """The dtype contract (C1-C3): a float32 problem's loss, Hessian and a float32 head's factors stay float32.

    Both loss paths: a point of size 1e30 (direct) and one of 1e38, beyond the direct path's limit (there the logits
    are formed in a power-of-two scaled form).
    """
    rng = np.random.default_rng(13)
    p = zs.SoftmaxRegression(rng.normal(size=(4, 3)), np.full(4, 0.25), dtype="float32")
    X = np.array([[0.1, 0.2, 0.3], [1e30, 2e30, -1e30], [1e38, -2e38, 1e38]], dtype=np.float32)
    assert p.loss_batch(X).dtype == np.float32
    assert p.loss_batch(X.astype(np.float64)).dtype == np.float32  # X is taken in the problem's dtype
    assert p.loss_from_logits(p.logits(X[:2])).dtype == np.float32
    assert p.hessian(X[0]).dtype == np.float32
    h = zs.AttentionRegression.from_factors(rng.normal(size=(2, 3)), rng.normal(size=(3, 2)), np.full((2, 3), 1 / 3),
                                            dtype="float32", scale=0.5)
    assert (h.queries.dtype, h.keys.dtype, h.scaled_keys.dtype) == (np.float32,) * 3
    assert h.loss_batch(np.ones((2, h.d), dtype=np.float32)).dtype == np.float32


@pytest.mark.parametrize("A", [np.ones((3, 0)), np.ones((2, 3, 0)), np.ones((0, 3, 2)), np.ones((1, 2))])
def test_a_problem_needs_two_logits_and_one_column_per_row(A):
    """C1: every softmax row has n >= 2 entries and x has d >= 1 entries, with m >= 1 rows."""
    b = np.full(A.shape[:-1], 0.5)
    with pytest.raises(ValueError, match=r"^A must have at least 2 rows and 1 column"):
        zs.SoftmaxRegression(A, b)


@pytest.mark.parametrize(("queries", "keys"), [
    (np.ones((0, 2)), np.ones((3, 2))), (np.ones((2, 0)), np.ones((3, 2))),
    (np.ones((2, 2)), np.ones((1, 2))), (np.ones((2, 2)), np.ones((3, 0))),
])
def test_a_head_needs_a_query_two_keys_and_nonempty_widths(queries, keys):
    """C14: queries (m >= 1, D >= 1) and keys (n >= 2, p >= 1); any empty side is refused, naming both shapes."""
    with pytest.raises(ValueError, match=r"^queries must be \(m >= 1, D >= 1\) and keys"):
        zs.AttentionRegression.from_factors(queries, keys, np.full((queries.shape[0], keys.shape[0]), 0.5))


def test_a_head_keeps_read_only_copies_of_its_factors_and_a_float_scale():
    """C14: the factors are read-only copies (a later change of the caller's arrays changes nothing); scale a float."""
    Ht, K = np.array([[1.0, 0.5], [0.2, -1.0]]), np.array([[0.3, 1.0], [-0.5, 0.1], [1.0, 1.0]])
    h = zs.AttentionRegression.from_factors(Ht, K, np.full((2, 3), 1 / 3), scale=2)
    x = np.linspace(-1.0, 1.0, h.d)
    before = h.logits(x)
    Ht[0, 0], K[0, 0] = 9.0, 9.0
    np.testing.assert_array_equal(h.logits(x), before)
    assert not h.queries.flags.writeable
    assert not h.keys.flags.writeable
    assert type(h.scale) is float
    assert h.scale == 2.0
    np.testing.assert_array_equal(h.scaled_keys, 2.0 * h.keys)


def test_softmax_of_logits_at_both_ends_of_the_float_range_is_exact():
    """C1: logits +-1e308 (whose difference overflows) give the one-hot softmax, under errstate(over="raise")."""
    with np.errstate(over="raise"):
        np.testing.assert_array_equal(zs.softmax(np.array([1e308, -1e308])), [1.0, 0.0])


def test_loss_from_logits_includes_the_regularizer():
    """C1: loss_from_logits(A x) is loss(x), the regularizer 1/2 ||w o y||^2 included, for one row and for several."""
    rng = np.random.default_rng(14)
    for shape in ((4, 3), (2, 4, 3)):
        b = rng.dirichlet(np.ones(4), size=shape[:-2] or None)
        p = zs.SoftmaxRegression(rng.normal(size=shape), b, np.full(b.shape, 0.7))
        x = rng.normal(size=3)
        assert float(p.loss_from_logits(p.logits(x))) == pytest.approx(p.loss(x), rel=1e-14)


def test_loss_batch_of_several_rows_at_huge_and_zero_points_is_the_loss_point_by_point():
    """C1: the batched loss of a multi-row problem at huge points (and at 0) is its loss point by point.

    Points beyond the direct path's limit, regularized; the scaled path's power-of-two scales broadcast over the (m,
    n) logits of a point.
    """
    rng = np.random.default_rng(15)
    p = zs.SoftmaxRegression(rng.normal(size=(2, 4, 3)), rng.dirichlet(np.ones(4), size=2), np.full((2, 4), 1e-160))
    X = np.array([[0.0, 0.0, 0.0], [5e307, -2e307, 3e307], [1.0, 2.0, -1.0]])
    assert np.max(np.abs(X)) > p._x_direct
    np.testing.assert_allclose(p.loss_batch(X), [p.loss(x) for x in X], rtol=1e-14)


# ====================================================================== estimators.py: spsa_gradient (C7, C12)
def test_spsa_gradient_defaults_and_its_batched_callable_form():
    """C12: defaults k = 1 and eps = 1e-3; a batched callable loss gives the problem's estimate from the same draw.

    The directions default to ``sample_directions(k, d, distribution, rng)`` in the problem's dtype (float32 here,
    float64 for a callable, which takes d from x). Rounding of the callable's quotients: u L / eps ~ 1e-13, 1e-10 abs.
    """
    rng = np.random.default_rng(16)
    p = zs.SoftmaxRegression(rng.normal(size=(4, 3)), rng.dirichlet(np.ones(4)), np.full(4, 0.5))
    x = rng.normal(size=3)
    np.testing.assert_array_equal(zs.spsa_gradient(p, x, rng=0), zs.spsa_gradient(p, x, k=1, eps=1e-3, rng=0))
    np.testing.assert_allclose(zs.spsa_gradient(p.loss_batch, x, k=3, rng=5), zs.spsa_gradient(p, x, k=3, rng=5),
                               rtol=0, atol=1e-10)
    p32 = zs.SoftmaxRegression(p.A, p.b, p.w, dtype="float32")
    Z = zs.sample_directions(2, 3, "gaussian", 7, dtype=np.float32)
    assert Z.dtype == np.float32
    np.testing.assert_array_equal(zs.spsa_gradient(p32, x, k=2, rng=7), zs.spsa_gradient(p32, x, k=2, directions=Z))
    assert zs.spsa_gradient(p32, x, k=2, directions=Z.astype(np.float64)).dtype == np.float32
    with pytest.raises(ValueError, match=r"^x "):
        zs.spsa_gradient(p.loss_batch, np.zeros((2, 3)))


def test_projected_gradients_defaults_dtype_and_named_arguments():
    """C12: eps defaults to 1e-3, a float32 problem's projected gradients are float32, bad arguments are named.

    Float32 from float64 inputs; a bad x or bad directions are named first, for a problem and for a batched callable.
    """
    rng = np.random.default_rng(17)
    p = zs.SoftmaxRegression(rng.normal(size=(4, 3)), rng.dirichlet(np.ones(4)), np.full(4, 0.5))
    x, Z = rng.normal(size=3), rng.normal(size=(2, 3))
    for scheme in ("central", "forward"):
        np.testing.assert_array_equal(zs.projected_gradients(p, x, Z, scheme=scheme),
                                      zs.projected_gradients(p, x, Z, eps=1e-3, scheme=scheme))
        p32 = zs.SoftmaxRegression(p.A, p.b, p.w, dtype="float32")
        assert zs.projected_gradients(p32, x, Z, eps=1e-2, scheme=scheme).dtype == np.float32
    for f in (p, p.loss_batch):
        with pytest.raises(ValueError, match=r"^x "):
            zs.projected_gradients(f, np.zeros((1, 3)), Z)
        with pytest.raises(ValueError, match=r"^directions "):
            zs.projected_gradients(f, x, np.zeros((2, 4)))
    with pytest.raises(ValueError, match=r"^x "):
        zs.projected_gradients(p, np.zeros(4), Z)


@pytest.mark.parametrize("d", [1, 4])
def test_gamma_accepts_its_rounding_allowance_and_refuses_what_is_not_a_rank(d):
    r"""C10: gamma accepts r in [1 - 1e-9 d, d + 1e-9 d] (clipped to [1, d]) and refuses what is not a rank.

    The ends are included (tr/‖H‖ carries rounding); a bool, a string or inf is refused, naming r.
    """
    slack = 1e-9 * d
    for r, edge in ((1 - slack, 1.0), (d + slack, float(d)), (d + 0.5 * slack, float(d))):
        assert zs.gamma(d, 2, r, "gaussian") == zs.gamma(d, 2, edge, "gaussian")
    for bad in (True, "2", math.inf):
        with pytest.raises(ValueError, match=r"^r "):
            zs.gamma(d, 2, bad, "gaussian")


@pytest.mark.parametrize("c", [0.5, 3.0])
def test_bounds_scale_with_a_as_the_math_says(c):
    r"""C4, C7, C10 (metamorphic, scaling A against x): the bounds scale with powers of c.

    With :math:`A \to cA`, :math:`\|A\| \to c\|A\|`,
    :math:`M_3 \to c^3 M_3`, :math:`\ell \to c^2\ell` and :math:`\mu \to c^2\mu`; the effective rank is unchanged.

    (``random_instance`` normalizes :math:`\|A\| = 1`, where every power of it is 1.) Rounding: rel 1e-12.
    """
    rng = np.random.default_rng(18)
    A, b, w = rng.normal(size=(6, 3)), rng.dirichlet(np.ones(6)), np.full(6, 2.0)
    p, q = zs.SoftmaxRegression(A, b, w), zs.SoftmaxRegression(c * A, b, w)
    assert zs.third_derivative_bound(q) == pytest.approx(c**3 * zs.third_derivative_bound(p), rel=1e-12)
    assert zs.smoothness_bound(q) == pytest.approx(c**2 * zs.smoothness_bound(p), rel=1e-12)
    assert zs.pl_constant(q) == pytest.approx(c**2 * zs.pl_constant(p), rel=1e-12)
    assert zs.effective_rank(q) == pytest.approx(zs.effective_rank(p), rel=1e-12)


def test_direction_moment_defaults_to_the_fourth():
    """C7, C8: direction_moment's power defaults to 4, E||z||^4 (the bias bounds' moment)."""
    for dist in ("gaussian", "sphere", "rademacher"):
        assert zs.direction_moment(5, dist) == zs.direction_moment(5, dist, 4)


# ======================================================================== optimize.py: newton, batches (C11, C14)
def test_newton_on_a_head_solves_in_reduced_coordinates_and_keeps_the_flat_part():
    r"""C14: Newton on a head solves in the reduced coordinates and keeps x0's flat part.

    On a head with d' = 6 < d = 9 it reaches a stationary point, moves x only inside the reduced space (the flat
    part :math:`x - \Pi x` of x0 is kept), and records a Newton trajectory (lr 1, one pass per iterate).

    Rounding: the gradient at the minimizer, 1e-12 (tol 1e-13 relative to max(1, ||grad L(x0)||)); projections 1e-13.
    """
    rng = np.random.default_rng(19)
    h = zs.AttentionRegression.from_factors(rng.normal(size=(2, 3)), rng.normal(size=(4, 3)),
                                            rng.dirichlet(np.ones(4), size=2), np.full((2, 4), 0.5))
    red = h.reduce()
    assert red.problem.d < h.d
    x0 = rng.normal(size=h.d)
    t = zs.newton(h, x0)
    assert np.linalg.norm(h.gradient(t.x)) < 1e-12
    flat = lambda x: x - red.embed(red.project(x))  # noqa: E731
    np.testing.assert_allclose(flat(t.x), flat(x0), rtol=0, atol=PRODUCT_ATOL)
    assert (t.method, t.lr) == ("newton", 1.0)
    np.testing.assert_array_equal(t.forward_passes, np.arange(t.losses.size))
    assert t.losses.size > 1
    with pytest.raises(ValueError, match=r"^x0 "):
        zs.newton(h, np.zeros(h.d + 1))
    # the reduced solve obeys the caller's max_iter and tol, and runs in float64 from a float32 start
    assert zs.newton(h, x0, max_iter=1).losses.size == 2
    assert zs.newton(h, x0, tol=1e-3).losses.size < t.losses.size
    assert zs.newton(h, x0.astype(np.float32)).x.dtype == np.float64


def test_a_batch_run_records_its_noise_and_defaults_to_one_direction():
    """C12: zo_gd_batch defaults to k = 1 and records the noise it added.

    Its starts are checked and kept in the problem's dtype (float32 here).
    """
    rng = np.random.default_rng(20)
    p = zs.SoftmaxRegression(rng.normal(size=(4, 2)), rng.dirichlet(np.ones(4)))
    run = zs.zo_gd_batch(p, np.zeros(2), runs=2, steps=3, lr=0.1, rng=0, noise=0.01)
    same = zs.zo_gd_batch(p, np.zeros(2), runs=2, steps=3, lr=0.1, k=1, rng=0, noise=0.01)
    np.testing.assert_array_equal(run.x, same.x)
    assert run.k == 1
    assert run.noise == 0.01
    p32 = zs.SoftmaxRegression(p.A, p.b, dtype="float32")
    assert zs.zo_gd_batch(p32, np.zeros(2), runs=2, steps=2, lr=0.1, rng=0).x.dtype == np.float32
    assert zs.zo_gd_batch(p32, np.zeros((2, 2)), runs=2, steps=2, lr=0.1, rng=0).x.dtype == np.float32
    for bad in (np.zeros(3), np.zeros((3, 2))):
        with pytest.raises(ValueError, match=r"^x0 "):
            zs.zo_gd_batch(p, bad, runs=2, steps=2, lr=0.1, rng=0)


def test_the_local_model_of_several_regularized_rows_is_their_hessian():
    r"""C13, C14: the local model of several regularized rows is their Hessian.

    For m = 2 rows with mn = 6 < d = 8 (the factored path) and mn = 6 >= d = 4 (the dense path), with a regularizer,
    :math:`V\,\mathrm{diag}(\lambda)V^\top` is the Hessian at x*. Rounding: 1e-12 of λ_max per entry.
    """
    rng = np.random.default_rng(21)
    for d in (8, 4):
        p = zs.SoftmaxRegression(rng.normal(size=(2, 3, d)), rng.dirichlet(np.ones(3), size=2),
                                 rng.uniform(0.5, 1.5, size=(2, 3)))
        xs = rng.normal(size=d)  # any point where the Hessian is PSD serves as the model's centre
        lam, V, _ = zs.local_model(p, xs)
        np.testing.assert_allclose(V @ np.diag(lam) @ V.T, p.hessian(xs), rtol=0, atol=1e-12 * float(lam[-1]) * d)


def test_a_one_dimensional_rademacher_curve_is_gradient_descent_far_below_floats_scale():
    r"""C13: in d = 1 the Rademacher curve is gradient descent's, far below float64's scale.

    A Rademacher direction is :math:`z = \pm1`, so :math:`zz^\top = 1` and the ZO step is the GD step: the exact
    curve is :math:`\tfrac12\lambda(1-\eta\lambda)^{2t}e^2`, here down to 1e-240.
    Rounding: 400 products, rel 1e-12.
    """
    q = zs.Quadratic(np.array([[2.0]]), np.zeros(1))
    x0 = np.array([3.0])
    for k in (1, 3):
        zo = zs.expected_gap_curve(q, x0, steps=400, lr=0.25, k=k, distribution="rademacher")
        np.testing.assert_allclose(zo, zs.gd_gap_curve(q, x0, steps=400, lr=0.25), rtol=1e-12)
    assert 0.0 < zo[-1] < 1e-200
    tiny = np.array([1e-100])  # a start whose state (1e-200) is rescaled before the first step
    np.testing.assert_allclose(zs.expected_gap_curve(q, tiny, steps=100, lr=0.25, distribution="rademacher"),
                               zs.gd_gap_curve(q, tiny, steps=100, lr=0.25), rtol=1e-12)


def test_the_precision_guard_compares_eps_times_az_with_the_logits_rounding():
    r"""C7: the precision guard compares the logits' move with their rounding.

    The move is :math:`\varepsilon\max|Az|`, the rounding :math:`u\max(1, \max|Ax|)`.

    With :math:`\max|Az| \approx 200`: eps = 1e-7 at x = 0 moves the logits by 2e-5, far above :math:`\sqrt u`: no
    warning; at logits of size 1e3 a move of 1e-6 is below :math:`\sqrt u \cdot 10^3` (borderline: warned); eps = 1e-20
    is within 8 roundings: refused, naming eps.
    """
    rng = np.random.default_rng(22)
    p = zs.SoftmaxRegression(100.0 * rng.normal(size=(4, 3)), rng.dirichlet(np.ones(4)))
    Z = rng.normal(size=(2, 3))
    az = float(np.max(np.abs(p.logits(Z))))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        zs.projected_gradients(p, np.zeros(3), Z, eps=1e-7)
    x = np.linalg.lstsq(p.A, np.full(4, 1e3), rcond=None)[0]
    assert np.max(np.abs(p.A @ x)) > 500.0
    with pytest.warns(zs.PrecisionWarning):
        zs.projected_gradients(p, x, Z, eps=1e-6 / az)
    with pytest.raises(ValueError, match=r"^eps=1e-20 cannot move the loss"):
        zs.projected_gradients(p, np.zeros(3), Z, eps=1e-20)
