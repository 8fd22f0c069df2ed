r"""Tests written for the survivors of docs/mutation.md that were still unexplained: each names its invariant.

``tests/test_mutation_kills.py`` (the file in mutmut's pool) re-exports every test of this file, as it does for
``tests/test_mutation_kills_2.py``; the plain suite runs each once, here. The reference values are independent of
the code under test: Gaussian quadrature for the one-dimensional Lyapunov exponent, the exact 1-D curves in
extended range (mpmath), direct loss differences for the quotients, and the linearity of the C16 recursion
(the noise floor is additive and proportional to σ²).
"""

from __future__ import annotations

import math
import warnings

import mpmath
import numpy as np
import pytest
import scipy.integrate
import scipy.optimize

import zosoftmax as zs


# ======================================================================= problem.py: the scaled path's residual (C3)
def test_b_at_a_huge_point_is_b_of_its_softmax():
    r"""C3/C4: :math:`B` is a function of :math:`f = \mathrm{softmax}(Ax)` and :math:`b` alone, on both paths.

    Three equal rows of ``A`` and a zero row: the first three logits tie at every ``x``, so at ``x = 1000`` (the
    direct path; :math:`e^{-1000}` underflows to 0) and at ``x = 10^{308}`` (beyond the direct path's limit
    :math:`f_{\max}/4`: the power-of-two scaled path) :math:`f = (\tfrac13, \tfrac13, \tfrac13, 0)`, the same bits.
    ``B``, the residual's middle matrix, must be the same there (and not :math:`S^2` alone: :math:`c = f - b` is
    not a multiple of :math:`\mathbf 1` on the support of f).
    """
    p = zs.SoftmaxRegression(np.array([[1.0], [1.0], [1.0], [0.0]]), np.array([0.5, 0.2, 0.1, 0.2]))
    moderate, huge = np.array([1000.0]), np.array([1e308])
    np.testing.assert_array_equal(p.attention(huge), p.attention(moderate))
    f = p.attention(moderate)
    S = np.diag(f) - np.outer(f, f)
    B = p.B(moderate)
    assert np.max(np.abs(B - S @ S)) > 0.01
    np.testing.assert_array_equal(p.B(huge), B)


def test_a_regularized_head_beyond_the_direct_path_has_the_gradient_of_its_rows():
    r"""C2, C14: a head's gradient is that of its dense rows, also on the scaled path near the domain's edge.

    Keys (1, 0), two queries (1,), w = 1: at :math:`x = 4\cdot10^{153}` (beyond the direct path's limit
    :math:`\sqrt{f_{\max}}/4 = 3.4\cdot10^{153}`; the regularizer 1.6e307 is still finite) the softmax rows are
    saturated (f = (1, 0) = b: no fit term), so :math:`\nabla L = \sum_i A_i^\top W_i^2 A_i x = 2x` exactly.
    """
    K, Ht, b = np.array([[1.0], [0.0]]), np.array([[1.0], [1.0]]), np.array([[1.0, 0.0], [1.0, 0.0]])
    head = zs.AttentionRegression.from_factors(Ht, K, b, np.ones((2, 2)))
    dense = zs.SoftmaxRegression(np.array([[[1.0], [0.0]], [[1.0], [0.0]]]), b, np.ones((2, 2)))
    x = np.array([4e153])
    np.testing.assert_array_equal(head.gradient(x), 2 * x)
    np.testing.assert_array_equal(dense.gradient(x), 2 * x)


# ================================================================ estimators.py: noise and stacked rows (C7, C12, C16)
def _first_step_noise(scheme: str, k: int, runs: int, sigma: float, eps: float) -> np.ndarray:
    """(runs, k) evaluation-noise parts of the first step's quotients: the noisy batch minus the noiseless one.

    Both runs draw the same directions (the same seeds; the noise comes after the directions in each step's stream),
    so the difference is the noise's quotients up to the rounding of the noiseless ones (~1e-16, against σ/ε ~ 1).
    """
    p = zs.SoftmaxRegression(np.array([[1.0, 0.2], [-0.5, 1.0]]), np.array([0.6, 0.4]))
    kw = {"runs": runs, "steps": 1, "lr": 0.1, "k": k, "eps": eps, "scheme": scheme, "rng": 7}
    noisy = zs.zo_gd_batch(p, np.zeros(2), noise=sigma, **kw).scalars[:, 0, :]
    clean = zs.zo_gd_batch(p, np.zeros(2), **kw).scalars[:, 0, :]
    return np.asarray(noisy - clean)


@pytest.mark.parametrize(("scheme", "variance", "correlation"), [
    ("central", lambda s, e: s**2 / (2 * e**2), 0.0),  # (ξ⁺_j − ξ⁻_j)/(2ε): 2k independent evaluations
    ("forward", lambda s, e: 2 * s**2 / e**2, 0.5),  # (ξ_j − ξ_0)/ε: the shared ξ_0 gives correlation 1/2
])
def test_the_noise_of_the_quotients_has_the_law_of_its_evaluations(scheme, variance, correlation):
    r"""C16: the quotients' noise is that of 2k (central) or k + 1 (forward) independent N(0, σ²) evaluations.

    Central: :math:`\nu_j = (\xi^+_j - \xi^-_j)/(2\varepsilon)`, variance :math:`\sigma^2/(2\varepsilon^2)`,
    independent across ``j``; forward: :math:`\nu_j = (\xi_j - \xi_0)/\varepsilon`, variance
    :math:`2\sigma^2/\varepsilon^2` and correlation 1/2 between directions. With m = 4000 runs the sample variance's
    relative error has SE :math:`\sqrt{2/m}` = 0.022 and a correlation's SE is at most :math:`1/\sqrt m` = 0.016;
    both are checked at z = 5.
    """
    m, z, sigma, eps = 4000, 5.0, 0.3, 0.1
    nu = _first_step_noise(scheme, 2, m, sigma, eps)
    v = variance(sigma, eps)
    assert abs(np.var(nu, axis=0) / v - 1).max() <= z * math.sqrt(2 / m)
    r = float(np.corrcoef(nu[:, 0], nu[:, 1])[0, 1])
    assert abs(r - correlation) <= z / math.sqrt(m)


@pytest.mark.parametrize("k", [2, 3])
def test_projected_gradients_of_several_rows_are_the_loss_differences(k):
    r"""C7, C12 for a problem of m = 2 softmax rows: the quotients are the loss differences along each direction.

    :math:`s_j = [L(x + \varepsilon z_j) - L(x - \varepsilon z_j)]/(2\varepsilon)` and
    :math:`[L(x + \varepsilon z_j) - L(x)]/\varepsilon`, from :meth:`loss` point by point; ``k = m`` included (the
    directions' axis and the rows' axis have the same length there). Tolerance: each loss is O(1) and rounded to
    a few ulps, so a quotient carries ~1e-15 / ε = 1e-12.
    """
    rng = np.random.default_rng(3)
    A = rng.normal(size=(2, 3, 4))
    b = rng.dirichlet(np.ones(3), size=2)
    p = zs.SoftmaxRegression(A, b)
    x, Z, eps = rng.normal(size=4), rng.normal(size=(k, 4)), 1e-3
    central = [(p.loss(x + eps * z) - p.loss(x - eps * z)) / (2 * eps) for z in Z]
    forward = [(p.loss(x + eps * z) - p.loss(x)) / eps for z in Z]
    np.testing.assert_allclose(zs.projected_gradients(p, x, Z, eps=eps), central, rtol=0, atol=1e-11)
    np.testing.assert_allclose(zs.projected_gradients(p, x, Z, eps=eps, scheme="forward"), forward, rtol=0,
                               atol=1e-11)


# ======================================================================= prediction.py: Quadratic's validation (C13)
@pytest.mark.parametrize("scale", [1e-6, 1.0, 1e6])
def test_a_quadratic_tells_rounding_asymmetry_from_real_asymmetry_at_every_scale(scale):
    r"""``Quadratic`` accepts ``H`` symmetric up to rounding (1e-12 of max|H|) and refuses more, at every scale.

    :math:`H = s\,[[2, 1], [1 + \delta, 2]]`: :math:`\delta = 10^{-14}` (a rounding residue) is accepted and
    symmetrized, :math:`\delta = 10^{-7}` (not rounding) is refused, naming ``H``; both relative to the scale ``s``.
    """
    def H(delta: float) -> np.ndarray:
        return scale * np.array([[2.0, 1.0], [1.0 + delta, 2.0]])

    q = zs.Quadratic(H(1e-14), np.zeros(2))
    np.testing.assert_array_equal(q.H, q.H.T)
    with pytest.raises(ValueError, match=r"^H must be symmetric"):
        zs.Quadratic(H(1e-7), np.zeros(2))


def test_a_quadratic_stores_float64_copies_from_any_real_input():
    """``H`` and ``x_star`` of float32 or integer dtype are stored as float64 (the eigendecomposition's precision)."""
    for H, xs in ((np.diag([2.0, 1.0]).astype(np.float32), np.array([1.0, -1.0], dtype=np.float32)),
                  (np.diag([2, 1]), np.array([1, -1]))):
        q = zs.Quadratic(H, xs)
        assert q.H.dtype == np.float64
        assert q.x_star.dtype == np.float64
        np.testing.assert_array_equal(q.H, np.diag([2.0, 1.0]))
        np.testing.assert_array_equal(q.x_star, [1.0, -1.0])


def test_a_quadratic_allows_a_negative_eigenvalue_of_100_roundings_and_no_more():
    r"""The PSD check allows :math:`\lambda_{\min} \ge -100\,\mathrm{tol}`, :math:`\mathrm{tol} = d\,u\,\lambda_{\max}`.

    ``H = diag(λ, 1)``, d = 2: tol = 2 eps = :math:`2^{-51}` (exact). :math:`\lambda = -100\cdot2^{-51}` (exactly at the
    allowance: ``eigh`` of a diagonal matrix returns its entries) is accepted and dropped from the range;
    :math:`-100.5\cdot2^{-51}` is refused, naming ``H``.
    """
    tol = 2.0**-51
    lam, _, _ = zs.local_model(zs.Quadratic(np.diag([-100 * tol, 1.0]), np.zeros(2)))
    np.testing.assert_array_equal(lam, [1.0])
    with pytest.raises(ValueError, match=r"^H must be positive semidefinite"):
        zs.Quadratic(np.diag([-100.5 * tol, 1.0]), np.zeros(2))


def test_a_quadratic_drops_eigenvalues_up_to_its_tolerance_and_keeps_a_tiny_scale():
    r"""The range of ``H``: eigenvalues above :math:`\mathrm{tol} = d\,u\,\lambda_{\max}` (relative), the rest dropped.

    ``diag(2^{-51}, 1)``: exactly at tol, dropped; ``diag(2^{-50}, 1)``: kept. At a tiny scale (``1e-20 diag(1, 2)``)
    nothing is dropped (the tolerance is relative), so the threshold scales exactly: :math:`\eta^*(cH) = \eta^*(H)/c`.
    """
    assert zs.local_model(zs.Quadratic(np.diag([2.0**-51, 1.0]), np.zeros(2)))[0].tolist() == [1.0]
    assert zs.local_model(zs.Quadratic(np.diag([2.0**-50, 1.0]), np.zeros(2)))[0].tolist() == [2.0**-50, 1.0]
    tiny = zs.Quadratic(1e-20 * np.diag([1.0, 2.0]), np.zeros(2))
    np.testing.assert_allclose(zs.local_model(tiny)[0], [1e-20, 2e-20], rtol=1e-15)
    ref = zs.max_stable_lr(zs.Quadratic(np.diag([1.0, 2.0]), np.zeros(2)))
    assert zs.max_stable_lr(tiny) == pytest.approx(ref * 1e20, rel=1e-12)


# ================================================================ prediction.py: the exact curves' scaling (C13, C16)
def _one_dimensional_curve(h: float, s0: float, steps: int, lr: float, law: str) -> np.ndarray:
    r"""The exact 1-D curve (k = 1), mpmath: :math:`\mathrm{gap}_t = \tfrac12 h s_0\,\rho^t`: no overflow, no underflow.

    :math:`\rho = E(1 - \eta h z^2)^2`: :math:`(1 - u)^2 + 2u^2` for a Gaussian z (:math:`Ez^4 = 3`),
    :math:`(1 - u)^2` for a Rademacher one (:math:`z^2 = 1`), :math:`u = \eta h`. Rounded once to float64 at the end
    (``inf`` beyond its range, 0 or a subnormal below).
    """
    mpmath.mp.prec = 120
    u = mpmath.mpf(lr) * mpmath.mpf(h)
    rho = (1 - u) ** 2 + (2 * u**2 if law == "gaussian" else 0)
    fmax = mpmath.mpf(float(np.finfo(np.float64).max))
    out = [mpmath.mpf(h) * mpmath.mpf(s0) / 2 * rho**t for t in range(steps + 1)]
    return np.array([math.inf if v > fmax else float(v) for v in out])


@pytest.mark.parametrize("eps", [None, 0.1])
@pytest.mark.parametrize("law", ["gaussian", "rademacher"])
def test_a_one_dimensional_curve_follows_its_geometric_law_into_the_subnormals_and_reaches_zero(law, eps):
    r"""C13 in 1-D: :math:`\mathrm{gap}_t = \mathrm{gap}_0\,\rho^t` exactly (:func:`_one_dimensional_curve`).

    h = 2, :math:`\eta h = 1/3` (:math:`\rho = 2/3` Gaussian, 4/9 Rademacher), started at :math:`e_0 = 10^{-150}`
    (:math:`\mathrm{gap}_0 = 10^{-300}`): the state is kept in a rescaled form, so every value is the correctly
    rounded :math:`\mathrm{gap}_0\rho^t` through the subnormals, and exactly 0 once that is below half the smallest
    subnormal. (A state left on the subnormal grid would stall at one grid step, where :math:`\rho s` rounds back to
    :math:`s`.) A central ε without noise is the same curve (nothing is injected). The final underflow is the
    curve's own business: it must not raise even where the caller makes underflow an error. Tolerance: one
    subnormal step (:math:`2^{-1074}`, the final rounding) plus 1e-12 relative.
    """
    steps, h, lr = 140, 2.0, 1.0 / 6.0
    with np.errstate(under="raise"):
        curve = zs.expected_gap_curve(zs.Quadratic(np.array([[h]]), np.zeros(1)), [1e-150], steps=steps, lr=lr,
                                      distribution=law, eps=eps)
    ref = _one_dimensional_curve(h, 1e-150**2, steps, lr, law)
    assert ref[-1] == 0.0  # the tail runs through the subnormals to 0
    assert np.any((ref > 0) & (ref < np.finfo(np.float64).tiny))
    np.testing.assert_allclose(curve, ref, rtol=1e-12, atol=2.0**-1074)
    assert curve[-1] == 0.0


@pytest.mark.parametrize("law", ["gaussian", "rademacher"])
@pytest.mark.parametrize("s0", [
    1e149,  # above the ceiling 2^1000 / growth (3.6e140 Gaussian, 2.1e140 Rademacher), below 1e150: scaled first
    1e-11,  # in range; after one step ~1e149, again between the ceiling and 1e150: scaled down before the next
])
def test_a_curve_with_a_huge_step_is_exact_until_it_leaves_the_float_range(law, s0):
    r"""C13 with :math:`\eta h = 10^{80}` (one step grows the state ~1e160-fold): no overflow, exact values.

    The state is scaled by a power of two whenever it exceeds :math:`2^{1000}/\mathrm{growth}`, so that one more
    step stays finite; the values follow the exact 1-D curve and are ``inf`` beyond float64's range.
    :math:`h = 10^{80}`, lr = 1, :math:`e_0^2 = s_0`. Tolerance 1e-13 relative (a few roundings a step).
    """
    h, lr, steps = 1e80, 1.0, 3
    with pytest.warns(zs.UnstableStepWarning):
        curve = zs.expected_gap_curve(zs.Quadratic(np.array([[h]]), np.zeros(1)), [math.sqrt(s0)], steps=steps,
                                      lr=lr, distribution=law)
    ref = _one_dimensional_curve(h, math.sqrt(s0) ** 2, steps, lr, law)
    assert np.isfinite(ref[0])
    assert np.isinf(ref[-1])
    np.testing.assert_allclose(curve, ref, rtol=1e-13)


@pytest.mark.parametrize("law", ["gaussian", "rademacher"])
@pytest.mark.parametrize("size", [1e-160, 1.0, 1e80])
def test_the_noise_floor_adds_to_the_noiseless_curve_from_any_start(law, size):
    r"""C16: the noisy curve from :math:`x_0` is the noiseless one from :math:`x_0` plus the noisy one from :math:`x^*`.

    The recursion is linear in :math:`\Sigma` with an additive :math:`\eta^2 Q` (superposition).
    Starts of size 1e-160 (the state below the rescaling floor), 1 and 1e80 (a state of 1e160, kept scaled down):
    the injection must enter in the state's own scale. Tolerance 1e-10 relative (1500 steps of a few roundings each).
    """
    q = zs.Quadratic(np.array([[2.0, 0.5], [0.5, 1.0]]), np.zeros(2))
    x0 = size * np.array([1.0, -0.7])
    kw = {"steps": 1500, "lr": 0.2, "k": 2, "distribution": law}
    noisy = zs.expected_gap_curve(q, x0, noise=0.5, eps=0.1, **kw)
    clean = zs.expected_gap_curve(q, x0, **kw)  # from 1e-160: a subnormal gap (~1e-320)
    floor = zs.expected_gap_curve(q, q.x_star, noise=0.5, eps=0.1, **kw)
    assert clean[-1] <= 1e-3 * floor[-1]  # the noiseless part has decayed below the floor: both parts matter
    np.testing.assert_allclose(noisy, clean + floor, rtol=1e-10, atol=1e-319)


@pytest.mark.parametrize("law", ["gaussian", "rademacher"])
def test_the_noise_floor_is_proportional_to_sigma_squared_down_to_the_subnormals(law):
    r"""C16: from :math:`x^*` the curve is :math:`\eta^2\sum_j \mathcal M^j(Q)`, and :math:`Q \propto \sigma^2`.

    With :math:`\sigma = 10^{-155}` the floor is ~1e-311 (subnormal): it must still be :math:`\sigma^2` times the floor
    of :math:`\sigma = 1`. A subnormal near 1e-311 carries ~11 significant digits: tolerance 1e-9 relative.
    """
    q = zs.Quadratic(np.array([[2.0, 0.5], [0.5, 1.0]]), np.array([0.3, -0.2]))
    kw = {"steps": 60, "lr": 0.25, "k": 1, "distribution": law, "eps": 1.0}
    tiny = zs.expected_gap_curve(q, q.x_star, noise=1e-155, **kw)
    unit = zs.expected_gap_curve(q, q.x_star, noise=1.0, **kw)
    assert 0.0 < tiny[-1] < np.finfo(np.float64).tiny
    np.testing.assert_allclose(tiny, unit * 1e-155 * 1e-155, rtol=1e-9)


# ======================================================================= prediction.py: the Lyapunov exponent (C16)
def _log_moments(u: float) -> tuple[float, float]:
    r""":math:`E\log|1 - uZ^2|` and :math:`\mathrm{Var}\log|1 - uZ^2|` for :math:`Z \sim N(0, 1)`, by quadrature.

    The integrand has a log singularity at :math:`z = 1/\sqrt u` (integrable): it is split there.
    """
    root = 1.0 / math.sqrt(u)

    def moment(p: int) -> float:
        def f(z: float) -> float:
            return math.log(abs(1.0 - u * z * z)) ** p * math.exp(-z * z / 2) * math.sqrt(2 / math.pi)
        return sum(scipy.integrate.quad(f, a, b, limit=200)[0] for a, b in ((0, root), (root, math.inf)))

    m1 = moment(1)
    return m1, moment(2) - m1**2


# 1-D model H = (h): the chain is f ← (1 − ηh z²) f, so the exponent is E log|1 − ηhz²| with no transient.
_H1 = 2.0
_Q1 = zs.Quadratic(np.array([[_H1]]), np.zeros(1))


@pytest.mark.parametrize("steps", [5, 200])
def test_the_lyapunov_exponent_of_a_one_dimensional_model_is_its_quadrature(steps):
    r"""C16 in 1-D: :math:`\gamma = E\log|1 - \eta h z^2|` exactly, and the reported SE is :math:`\sigma/\sqrt{RT}`.

    In one dimension the direction of ``f`` never changes, so a chain's average of T log-growths is unbiased for
    every T: at T = 5 (no burn-in, the start's normalization counts) as at T = 200. With R = 4000 chains the estimate
    is within z = 4 exact standard errors of the quadrature value, and the reported SE within 15% of the exact one:
    the chains' means have kurtosis κ ≈ 5.3 (T = 5) and 3.1 (T = 200), so the SE's relative error has SD
    :math:`\sqrt{(\kappa - 1)/(4R)}` <= 1.7%, and 15% is ~9 of them.
    """
    lr, runs = 0.25, 4000
    mean, var = _log_moments(lr * _H1)
    se_exact = math.sqrt(var / (runs * steps))
    gam, se = zs.lyapunov_exponent(_Q1, lr, runs=runs, steps=steps, rng=11)
    assert abs(gam - mean) <= 4 * se_exact
    assert se == pytest.approx(se_exact, rel=0.15)


def test_the_lyapunov_standard_error_needs_two_chains():
    """One chain has no standard error (``inf``); two have a finite positive one, the half-distance of the two."""
    gam1, se1 = zs.lyapunov_exponent(_Q1, 0.25, runs=1, steps=20)
    assert math.isfinite(gam1)
    assert se1 == math.inf
    _, se2 = zs.lyapunov_exponent(_Q1, 0.25, runs=2, steps=20)
    assert 0 < se2 < math.inf


def test_distinct_seeds_give_distinct_chains():
    """The chains' seed is drawn from 2^63 values: 60 different ``rng`` give 60 different estimates (no collision)."""
    values = {zs.lyapunov_exponent(_Q1, 0.25, runs=2, steps=1, rng=seed) for seed in range(60)}
    assert len(values) == 60


def _sign_change(problem, eta: float, shift: float, width: float, **kw) -> bool:
    r"""Whether :math:`\hat\gamma + \mathrm{shift}\cdot\mathrm{SE}` goes from < 0 to > 0 across ``eta``.

    Evaluated at :math:`\eta(1 \mp \mathrm{width})` on the same chains (the same ``rng``, runs and steps).
    """
    lo, hi = (zs.lyapunov_exponent(problem, eta * (1 + sgn * width), **kw) for sgn in (-1, 1))
    return lo[0] + shift * lo[1] < 0 < hi[0] + shift * hi[1]


@pytest.mark.parametrize("z", [3.0, 10.0])
def test_almost_sure_lr_returns_the_roots_of_its_band_and_covers_the_exact_threshold(z):
    r"""C16 in 1-D: ``(lr, low, high)`` are the roots of :math:`\hat\gamma` and :math:`\hat\gamma \pm z\,\mathrm{SE}`.

    Each is checked on the same chains (``lyapunov_exponent`` with the same ``rng``, runs and steps): the function
    changes sign across ±0.1% of it (the root finder's tolerance is 1e-4 of the mean-square threshold, ~1e-4 of
    the root). ``low < lr < high``, and the exact threshold (the root of the quadrature
    :math:`E\log|1 - \eta h z^2| = 0`, :math:`\eta h = 2.4212`) lies in ``[low, high]``. ``z = 10`` makes the
    band wide: the search doubles past :math:`2\eta^*` and halves the lower end back below the band's root.
    """
    kw = {"runs": 64, "steps": 400, "rng": 5}
    lr, low, high = zs.almost_sure_lr(_Q1, z=z, **kw)
    assert low < lr < high
    exact = scipy.optimize.brentq(lambda u: _log_moments(u)[0], 1.5, 4.0, xtol=1e-10) / _H1
    assert low <= exact <= high
    for eta, shift in ((lr, 0.0), (low, z), (high, -z)):
        assert _sign_change(_Q1, eta, shift, 1e-3, **kw), (eta, shift)


@pytest.mark.parametrize("z", [3.0, 10.0])
def test_almost_sure_lr_scales_as_one_over_the_curvature(z):
    r"""C16: :math:`\eta_{\rm a.s.}(cH) = \eta_{\rm a.s.}(H)/c`: the chains see :math:`\eta` only in :math:`\eta H`.

    The interval's ends alike, up to the root finder's tolerance (1e-4 of η*): rel 1e-3. ``z = 10``: the search
    doubles and halves (as in the test above), at curvatures 1e-2 and 1e2 times the reference.
    """
    kw = {"runs": 16, "steps": 200, "rng": 2, "z": z}
    ref = np.array(zs.almost_sure_lr(_Q1, **kw))
    for c in (1e-2, 1e2):
        got = np.array(zs.almost_sure_lr(zs.Quadratic(c * _Q1.H, np.zeros(1)), **kw))
        np.testing.assert_allclose(got * c, ref, rtol=1e-3)


@pytest.mark.parametrize(("law", "H"), [("gaussian", np.array([[2.0]])), ("sphere", np.diag([2.0, 0.0, 0.0]))])
def test_almost_sure_lr_of_an_uninformative_sample_is_the_documented_search(law, H):
    r"""C16: the search starts at :math:`\eta^*` (:func:`max_stable_lr`), doubles until :math:`\hat\gamma - zSE > 0`.

    With 2 chains of 1 step (``rng = 0``) the standard error is as large as the estimate, and the band
    :math:`\hat\gamma + z\,SE` is positive at every step tried: it has no root, and ``low`` is the search's floor,
    the bracket's lower end :math:`\eta^* 2^{j-1}` halved down to the first power of two below 1e-3 of it
    (:math:`2^{-10}`), exactly. The bracket index ``j`` and the band's sign are computed here with
    :func:`lyapunov_exponent` on the same chains. ``high`` is still a root of :math:`\hat\gamma - z\,SE`. The sphere
    case has d = 3 and rank 1: :math:`\eta^*` is that of the sphere in d = 3 (its constant depends on d, not r).
    """
    q, z = zs.Quadratic(H, np.zeros(H.shape[0])), 3.0
    kw = {"runs": 2, "steps": 1, "rng": 0}

    def band(eta: float, shift: float) -> float:
        g, se = zs.lyapunov_exponent(q, eta, 1, law, **kw)
        return g + shift * se

    j = 1
    while band(zs.max_stable_lr(q, 1, law) * 2.0**j, -z) <= 0:
        j += 1
    lo = zs.max_stable_lr(q, 1, law) * 2.0 ** (j - 1)
    assert all(band(lo * 2.0**-i, z) > 0 for i in range(11))  # the uninformative case: no root down to the floor
    lr, low, high = zs.almost_sure_lr(q, 1, law, z=z, **kw)
    assert low == lo * 2.0**-10
    assert low < lr < high
    assert _sign_change(q, high, -z, 1e-3, distribution=law, **kw)


def test_almost_sure_lr_defaults_and_x_star():
    """The documented defaults (k = 1, Gaussian, rng = 0, z = 3) are the explicit call, bit for bit; ``x_star`` is used.

    The model is taken at ``x_star``: at a point where the Hessian is exactly 0 there is no threshold.
    """
    kw = {"runs": 4, "steps": 30}
    assert zs.almost_sure_lr(_Q1, **kw) == zs.almost_sure_lr(_Q1, 1, "gaussian", rng=0, z=3.0, **kw)
    sat = zs.SoftmaxRegression(np.array([[1.0], [0.0]]), np.array([1.0, 0.0]))  # H(1000) = 0 exactly
    assert zs.almost_sure_lr(sat, x_star=np.array([1000.0]), **kw) == (math.inf, math.inf, math.inf)
    assert math.isfinite(zs.almost_sure_lr(sat, x_star=np.array([0.0]), **kw)[0])


# ======================================================================= prediction.py: the local model and its guards
# A 1-D softmax problem with two local minima (x = -2.27 and x = 0.023) and a local maximum between them (x = -0.51).
_TWO = zs.SoftmaxRegression(np.array([[-3.223], [2.619], [-3.841]]), np.array([0.001, 0.392, 0.607]))


def test_the_default_minimizer_is_newtons_from_x0():
    r"""C13: without ``x_star`` the model is taken at Newton's minimizer from ``x0`` (documented), not from 0.

    ``_TWO`` has two local minima; from ``x0 = -2.5`` Newton reaches the left one, from 0 the right one. The curve
    from ``x0`` is the curve with ``x_star`` the left minimizer, and differs from the one at the right minimizer.
    """
    x0 = np.array([-2.5])
    left, right = zs.newton(_TWO, x0).x, zs.newton(_TWO).x
    assert abs(left[0] - right[0]) > 1.0
    kw = {"steps": 5, "lr": 0.1}
    curve = zs.expected_gap_curve(_TWO, x0, **kw)
    np.testing.assert_array_equal(curve, zs.expected_gap_curve(_TWO, x0, x_star=left, **kw))
    assert not np.allclose(curve, zs.expected_gap_curve(_TWO, x0, x_star=right, **kw))


@pytest.mark.parametrize("c", [1.0, 1e-5])
def test_local_model_refuses_a_maximum_at_every_scale(c):
    r"""``local_model`` refuses an ``x_star`` where the Hessian has an eigenvalue below :math:`-\sqrt u\lambda_{\max}`.

    At ``_TWO``'s local maximum the (1-D) Hessian is -0.33: refused, naming ``x_star``, also for the same problem with
    ``A`` scaled by c = 1e-5 (the Hessian scales by :math:`c^2`: the test is relative).
    """
    xm = scipy.optimize.brentq(lambda t: _TWO.gradient(np.array([t]))[0], -2.0, -0.1) / c
    p = zs.SoftmaxRegression(c * _TWO.A, _TWO.b)
    with pytest.raises(ValueError, match=r"^x_star must be a minimizer"):
        zs.local_model(p, x_star=np.array([xm]))


def test_local_model_scales_with_the_problem():
    r"""C13: for :math:`A \to cA` and :math:`x^* \to x^*/c` the Hessian scales by :math:`c^2`, all of its range kept.

    c = 1e-10: the eigenvalues are ~1e-20, far below 1 in absolute terms; the tolerance is relative to
    :math:`\lambda_{\max}`. rtol 1e-12 (two Hessians' roundings).
    """
    rng = np.random.default_rng(4)
    A, b, x = rng.normal(size=(4, 3)), rng.dirichlet(np.ones(4)), rng.normal(size=3)
    ref, _, _ = zs.local_model(zs.SoftmaxRegression(A, b, np.ones(4)), x_star=x)
    lam, _, _ = zs.local_model(zs.SoftmaxRegression(1e-10 * A, b, np.ones(4)), x_star=x / 1e-10)
    assert ref.size == 3
    np.testing.assert_allclose(lam, 1e-20 * ref, rtol=1e-12)


@pytest.mark.parametrize("head", [False, True])
@pytest.mark.parametrize(("ratio", "rank"), [(15.0, 1), (100.0, 2)])
def test_local_model_drops_eigenvalues_up_to_mn_roundings(ratio, rank, head):
    r"""C13: eigenvalues up to :math:`\max(mn, d)\,u\,\lambda_{\max}` are rounding, dropped; larger ones kept.

    One softmax row of n = 50 logits, d = 2, a second column of ``A`` scaled so that the Hessian's small eigenvalue is
    ``ratio`` u λ_max: 15 (below mn = 50 roundings: dropped, and not a reason to refuse ``x_star``) or 100 (kept).
    The ratio is set from the exact scaling of that eigenvalue with the column's square (checked within 20%). The
    same as an attention head (one query of width 1, the columns as keys: C14's reduced coordinates, m n = 50 rows).
    """
    rng = np.random.default_rng(0)
    n, u = 50, np.finfo(np.float64).eps
    a1, a2 = rng.normal(size=n), rng.normal(size=n)

    def small(e2: float) -> tuple[zs.SoftmaxRegression, float]:
        A, b, w = np.column_stack([a1, e2 * a2]), np.full(n, 1.0 / n), np.ones(n)
        p = (zs.AttentionRegression.from_factors(np.ones((1, 1)), A, b[None, :], w[None, :]) if head
             else zs.SoftmaxRegression(A, b, w))
        lam = np.linalg.eigvalsh(p.hessian(np.zeros(2)))
        return p, float(lam[0] / lam[-1] / u)

    _, unit = small(1e-7)
    p, got = small(1e-7 * math.sqrt(ratio / unit))
    assert got == pytest.approx(ratio, rel=0.2)
    lam, V, x_star = zs.local_model(p, x_star=np.zeros(2, dtype=np.float32))
    assert lam.size == rank
    assert lam.dtype == V.dtype == x_star.dtype == np.float64  # the local model is float64 throughout


def test_a_step_beyond_1e100_curvatures_is_refused_and_one_at_it_is_not():
    r"""``expected_gap_curve`` refuses :math:`\eta\lambda_{\max} > 10^{100}` (one step would leave float64), naming lr.

    h = 4: :math:`\eta = 10^{100}/4` (exactly :math:`10^{100}` curvatures, binary scaling is exact) is accepted, with
    the unstable-step warning; :math:`10^{101}/4` is refused.
    """
    q = zs.Quadratic(np.array([[4.0]]), np.zeros(1))
    with pytest.warns(zs.UnstableStepWarning):
        curve = zs.expected_gap_curve(q, [1.0], steps=2, lr=1e100 / 4)
    assert curve[0] == 2.0
    with pytest.raises(ValueError, match=r"^lr="):
        zs.expected_gap_curve(q, [1.0], steps=2, lr=1e101 / 4)


def test_the_unstable_step_warning_is_issued_at_the_threshold_itself():
    """At or above :func:`max_stable_lr` of the directions' own law (documented: "at or above"): it warns there."""
    q = zs.Quadratic(np.diag([1.0, 0.25]), np.zeros(2))
    with pytest.warns(zs.UnstableStepWarning):
        zs.expected_gap_curve(q, [1.0, 1.0], steps=2, lr=zs.max_stable_lr(q))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        zs.expected_gap_curve(q, [1.0, 1.0], steps=2, lr=0.999 * zs.max_stable_lr(q))
        # Rademacher directions follow their own threshold (1.6 here), above the Gaussian one (0.64): no warning at
        # the Gaussian threshold itself
        zs.expected_gap_curve(q, [1.0, 1.0], steps=2, lr=zs.max_stable_lr(q), distribution="rademacher")


def test_the_threshold_of_very_many_directions_is_the_single_mode_limit():
    r"""C13: as :math:`k \to \infty` the secular equation's root tends to :math:`2/(a\lambda_{\max})`, a -> 1.

    ``k = 10**16``: the root is within rounding of the pole :math:`a\lambda_{\max}/2` (the other mode's term is
    ~1e-16): :math:`\eta^* = 2/\lambda_{\max}` to a few ulps (rel 1e-14). H = diag(1, 2).
    """
    q = zs.Quadratic(np.diag([1.0, 2.0]), np.zeros(2))
    assert zs.max_stable_lr(q, 10**16) == pytest.approx(1.0, rel=1e-14)


def test_max_stable_lr_defaults_and_its_almost_sure_arguments():
    """Defaults k = 1, Gaussian (as ``direction_moment``'s power 4); the almost-sure sense gets ``x_star`` and ``rng``.

    At a point where the Hessian is exactly 0 (``x_star`` given) there is no threshold; ``rng = 1`` is passed on: the
    almost-sure value is :func:`almost_sure_lr`'s for the same ``rng`` (distinct seeds give distinct chains: above).
    """
    q = zs.Quadratic(np.diag([1.0, 0.25]), np.zeros(2))
    assert zs.max_stable_lr(q) == zs.max_stable_lr(q, 1, "gaussian")
    assert zs.max_stable_lr(q) != zs.max_stable_lr(q, 2)
    assert zs.direction_moment(5, "sphere") == zs.direction_moment(5, "sphere", 4) == 25.0
    sat = zs.SoftmaxRegression(np.array([[1.0], [0.0]]), np.array([1.0, 0.0]))  # H(1000) = 0 exactly
    assert zs.max_stable_lr(sat, sense="almost-sure", x_star=np.array([1000.0])) == math.inf
    assert zs.max_stable_lr(_Q1, sense="almost-sure", rng=1) == zs.almost_sure_lr(_Q1, rng=1)[0]


_QP2 = zs.Quadratic(np.diag([1.0, 0.25]), np.zeros(2))


@pytest.mark.parametrize(("argname", "call"), [
    ("k", lambda: zs.max_stable_lr(_QP2, 0)),
    ("distribution", lambda: zs.max_stable_lr(_QP2, 1, "cauchy")),
    ("sense", lambda: zs.max_stable_lr(_QP2, sense="typical")),
    ("x_star", lambda: zs.local_model(_TWO, x_star=np.zeros(2))),
    ("steps", lambda: zs.expected_gap_curve(_QP2, [1.0, 1.0], steps=0, lr=0.1)),
    ("lr", lambda: zs.expected_gap_curve(_QP2, [1.0, 1.0], steps=1, lr=0.0)),
    ("k", lambda: zs.expected_gap_curve(_QP2, [1.0, 1.0], steps=1, lr=0.1, k=0)),
    ("distribution", lambda: zs.expected_gap_curve(_QP2, [1.0, 1.0], steps=1, lr=0.1, distribution="cauchy")),
    ("scheme", lambda: zs.expected_gap_curve(_QP2, [1.0, 1.0], steps=1, lr=0.1, scheme="backward")),
    ("model", lambda: zs.expected_gap_curve(_QP2, [1.0, 1.0], steps=1, lr=0.1, model="global")),
    ("x0", lambda: zs.expected_gap_curve(_QP2, [1.0], steps=1, lr=0.1)),
    ("eps", lambda: zs.expected_gap_curve(_QP2, [1.0, 1.0], steps=1, lr=0.1, noise=0.1, eps=-1.0)),
])
def test_a_bad_argument_of_the_prediction_is_named_first_in_its_message(argname, call):
    """House rule: a ValueError *starts* with the argument's name."""
    with pytest.raises(ValueError, match=rf"^{argname} "):
        call()
