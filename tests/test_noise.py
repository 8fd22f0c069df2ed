r"""C16's first part: ZO-GD on noisy losses, exactly.

Three layers, each able to fail:

1. **Reproducibility**: ``zo_gd(..., noise=σ)`` and ``zo_gd_batch(..., noise=σ)`` are determined by their seeds
   (the noise comes from the step's generator after its directions), a batch of one run is the plain run, and
   :func:`zosoftmax.replay` rebuilds the final iterate bit for bit from the recorded (noisy) scalars.
2. **Exact moments**: :func:`zosoftmax.direction_sixth_moment` against exact enumeration (Rademacher) and the
   one-step covariance of the noisy estimate against its definition by enumeration.
3. **Monte Carlo with power**: the measured noise floor (the mean gap over a window of late steps, per run) matches
   the predicted one within :math:`z\,\hat\sigma/\sqrt{\text{runs}}` on a quadratic and on a softmax instance, and
   planted errors in the noise term are rejected by the same statistic.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from scipy.stats import norm

import zosoftmax as zs
from zosoftmax import prediction

RUNS = 4000
STEPS, WINDOW = 80, slice(40, 81)  # the floor window: per-run time average over t = 40..80
# Two-sided family-wise level 1e-3 over the comparisons of one test (Bonferroni): |z| above Z_CRIT rejects. The
# statistic is (mean over runs of each run's window average − the predicted window average) / (σ̂/√runs), σ̂ the
# sample standard deviation over the independent runs of their window averages (a valid SE whatever the
# correlation within a run).
ALPHA = 1e-3


def z_crit(points: int) -> float:
    """Two-sided Bonferroni critical value for ``points`` comparisons at family-wise level ``ALPHA``."""
    return float(norm.isf(ALPHA / (2 * points)))


def floor_z(gaps: np.ndarray, predicted: np.ndarray) -> float:
    r""":math:`(\bar m - \bar p)/(\hat\sigma_m/\sqrt{S})`, :math:`m_s` the window average of run ``s``."""
    m = gaps[:, WINDOW].mean(axis=1)
    return float((m.mean() - predicted[WINDOW].mean()) / (m.std(ddof=1) / math.sqrt(m.size)))


def _quadratic() -> tuple[zs.Quadratic, np.ndarray]:
    g = np.random.default_rng(0)
    lam = np.array([4.0, 2.0, 1.0, 0.5, 0.25, 0.0])  # spread spectrum with a null direction
    V, _ = np.linalg.qr(g.standard_normal((lam.size, lam.size)))
    H = (V * lam) @ V.T
    x_star = g.standard_normal(lam.size)
    return zs.Quadratic(0.5 * (H + H.T), x_star), x_star + g.standard_normal(lam.size) / math.sqrt(lam.size)


def simulate_noisy(q: zs.Quadratic, x0, *, runs: int, steps: int, lr: float, k: int, distribution: str, rng: int,
                   eps: float, scheme: str, sigma: float) -> np.ndarray:
    """Runs on ``q`` with N(0, σ²) added to every loss value (independent of the library's noise code)."""
    gen = np.random.default_rng(rng)
    d = q.d
    X = np.tile(np.asarray(x0, dtype=float), (runs, 1))
    losses = np.empty((runs, steps + 1))
    for t in range(steps + 1):
        losses[:, t] = q(X)
        if t == steps:
            break
        Z = zs.sample_directions(runs * k, d, distribution, gen).reshape(runs, k, d)
        plus = q((X[:, None, :] + eps * Z).reshape(-1, d)).reshape(runs, k) + sigma * gen.standard_normal((runs, k))
        if scheme == "central":
            minus = q((X[:, None, :] - eps * Z).reshape(-1, d)).reshape(runs, k)
            s = (plus - minus - sigma * gen.standard_normal((runs, k))) / (2 * eps)
        else:
            center = q(X) + sigma * gen.standard_normal(runs)  # one L(x) shared by the k directions
            s = (plus - center[:, None]) / eps
        X = X - lr * np.einsum("rk,rkd->rd", s, Z) / k
    return losses


def _planted_curve(q, x0, *, steps, lr, k, distribution, scheme, sigma, eps, plant) -> np.ndarray:
    """The predicted curve with the injected covariance replaced by ``plant(lam, V, ...)``."""
    lam, V, xs = prediction._local_model(q, None, None)
    e = V.T @ (np.asarray(x0) - xs)
    Q = plant(lam, V, q.d, k, distribution, scheme, sigma, eps)
    inject = None if Q is None else lr**2 * Q
    if distribution == "rademacher":
        return prediction._rademacher_curve(lam, V, e, steps, lr, k, inject)
    return prediction._diagonal_curve(lam, e * e, steps, lr, k, prediction._invariant_constant(q.d, distribution),
                                      inject)


def _scaled_noise(factor_of_k):
    """A wrong noise variance: the right one's noise part times ``factor_of_k(k)`` (the ε-term kept)."""
    def plant(lam, V, d, k, dist, scheme, sigma, eps):
        with_noise = prediction._injected(lam, V, d, k, dist, scheme, sigma, eps)
        without = prediction._injected(lam, V, d, k, dist, scheme, 0.0, eps)
        base = 0 * with_noise if without is None else without
        return base + factor_of_k(k) * (with_noise - base)
    return plant


def _no_eps_term(lam, V, d, k, dist, scheme, sigma, eps):
    """C13's old forward model: the finite-ε term left out (noise kept)."""
    return prediction._injected(lam, V, d, k, dist, "central", sigma * 2.0, eps) if sigma else None


# (scheme, sigma, eps, planted errors that must be rejected)
CASES = {
    "central noise": ("central", 1e-2, 1e-2, {"sigma^2/eps^2 (no 1/2 of the central quotient)":
                                             _scaled_noise(lambda k: 2.0)}),
    "forward noise": ("forward", 1e-2, 1e-2, {"xi_0 shared as if fully correlated in g (k + 1 instead of 2)":
                                             _scaled_noise(lambda k: (k + 1) / 2.0),
                                             "xi_0 ignored (1 instead of 2)": _scaled_noise(lambda k: 0.5)}),
    "forward eps term": ("forward", 0.0, 0.5, {"eps term left out (C13)": _no_eps_term}),
}


@pytest.mark.parametrize("case", list(CASES))
@pytest.mark.parametrize("law", ["gaussian", "rademacher"])
def test_noise_floor_on_a_quadratic_matches_and_planted_errors_die(case, law):
    """4000 noisy runs at 0.5 η*, k = 4: the floor matches the prediction; each planted error is rejected."""
    scheme, sigma, eps, planted = CASES[case]
    q, x0 = _quadratic()
    k = 4
    lr = 0.5 * zs.max_stable_lr(q, k, law)
    predicted = zs.expected_gap_curve(q, x0, steps=STEPS, lr=lr, k=k, distribution=law, scheme=scheme, noise=sigma,
                                      eps=eps)
    assert predicted[-1] > 0.2 * predicted[0]  # a floor, not a converged curve: the noise term is what is tested
    gaps = simulate_noisy(q, x0, runs=RUNS, steps=STEPS, lr=lr, k=k, distribution=law, rng=17, eps=eps,
                          scheme=scheme, sigma=sigma)
    crit = z_crit(1 + len(planted))
    z = floor_z(gaps, predicted)
    assert abs(z) <= crit, f"z = {z:.2f} beyond {crit:.2f}"
    for name, plant in planted.items():
        wrong = _planted_curve(q, x0, steps=STEPS, lr=lr, k=k, distribution=law, scheme=scheme, sigma=sigma,
                               eps=eps, plant=plant)
        assert abs(floor_z(gaps, wrong)) > crit, f"planted error survived: {name}"


def test_noise_floor_on_softmax_from_the_minimizer():
    r"""zo_gd_batch with noisy losses from :math:`x^*`: the measured floor matches the local model's.

    Started at :math:`x^*` the whole gap is the noise floor. Model error: the floor's excursions have
    :math:`\|e\| \sim \sqrt{2\,\mathrm{gap}/\lambda_{\min}}`, so the cubic term changes the gap by a relative
    :math:`O(M_3\|e\|/\lambda_{\min})`, below 1e-2 here and far below the SE; the central bias at ε = 1e-3 is
    :math:`O(\varepsilon^2)` per estimate. Both schemes; a planted factor-2 error in the noise variance dies.
    """
    p = zs.strongly_convex_instance(8, 4, rng=1)
    sol = zs.newton(p)
    x_star, loss_star = sol.x, float(sol.losses[-1])
    k, sigma, eps = 2, 1e-6, 1e-3
    lr = 0.5 * zs.max_stable_lr(p, k, "gaussian", x_star=x_star)
    for scheme in zs.SCHEMES:
        predicted = zs.expected_gap_curve(p, x_star, steps=STEPS, lr=lr, k=k, x_star=x_star, noise=sigma, eps=eps,
                                          scheme=scheme)
        traj = zs.zo_gd_batch(p, x_star, runs=RUNS, steps=STEPS, lr=lr, k=k, eps=eps, rng=3, noise=sigma,
                              scheme=scheme)
        gaps = traj.losses - loss_star
        z = floor_z(gaps, predicted)
        assert abs(z) <= z_crit(4), f"{scheme}: z = {z:.2f}"
        assert predicted[WINDOW].mean() > 1e3 * 1e-16 * abs(loss_star)  # the floor is far above the losses' rounding
        wrong = zs.expected_gap_curve(p, x_star, steps=STEPS, lr=lr, k=k, x_star=x_star, noise=sigma * math.sqrt(2),
                                      eps=eps, scheme=scheme)
        assert abs(floor_z(gaps, wrong)) > z_crit(4), f"{scheme}: a doubled noise variance was not rejected"


# ------------------------------------------------------------------------------------------- exact layers
def test_sixth_moment_rademacher_by_enumeration():
    """E[(zᵀHz)² zzᵀ] over all 2^d sign vectors equals the closed form (d = 5, a random symmetric H)."""
    d = 5
    g = np.random.default_rng(4)
    A = g.standard_normal((d, d))
    H = A + A.T
    Z = np.array(list(itertools.product([-1.0, 1.0], repeat=d)))
    quad = np.einsum("ni,ij,nj->n", Z, H, Z)
    exact = np.einsum("n,ni,nj->ij", quad**2, Z, Z) / len(Z)
    np.testing.assert_allclose(zs.direction_sixth_moment(H, "rademacher"), exact, rtol=1e-12, atol=1e-10)


def test_sixth_moment_invariant_laws_scale():
    """Sphere = d²/((d+2)(d+4)) × Gaussian; the Gaussian trace is E[(zᵀHz)²‖z‖²] = (d+4)((trH)² + 2trH²) (χ²)."""
    d = 4
    H = np.diag([3.0, 1.0, 0.5, 0.0])
    gauss = zs.direction_sixth_moment(H, "gaussian")
    np.testing.assert_allclose(zs.direction_sixth_moment(H, "sphere"), d * d / ((d + 2) * (d + 4)) * gauss)
    t, t2 = np.trace(H), np.trace(H @ H)
    assert math.isclose(np.trace(gauss), (d + 4) * (t * t + 2 * t2), rel_tol=1e-14)
    with pytest.raises(ValueError, match="H"):
        zs.direction_sixth_moment(np.ones((2, 3)), "gaussian")


def test_one_step_noise_covariance_by_enumeration():
    r"""One step from a fixed :math:`e` with Rademacher directions (d = 3, k = 2), enumerated exactly.

    The noise is Gaussian, so its part is integrated in closed form per direction tuple: for the forward scheme
    :math:`E_\xi[\hat g\hat g^\top] = m m^\top + \frac{\sigma^2}{k^2\varepsilon^2}(\sum_j z_jz_j^\top +
    (\sum_j z_j)(\sum_j z_j)^\top)` with :math:`m` the noiseless estimate; the predicted next gap then equals the
    enumerated one.
    """
    d, k, sigma, eps, lr = 3, 2, 0.3, 0.2, 0.1
    H = np.array([[2.0, 0.5, 0.0], [0.5, 1.0, 0.3], [0.0, 0.3, 0.5]])
    q = zs.Quadratic(H, np.zeros(d))
    e = np.array([0.7, -0.4, 1.1])
    signs = list(itertools.product([-1.0, 1.0], repeat=d))
    for scheme in zs.SCHEMES:
        total = 0.0
        for combo in itertools.product(signs, repeat=k):
            Z = np.array(combo)
            m = zs.spsa_gradient(q, e, directions=Z, eps=eps, scheme=scheme)
            if scheme == "central":
                noise_cov = sigma**2 / (2 * eps**2 * k**2) * Z.T @ Z
            else:
                s = Z.sum(axis=0)
                noise_cov = sigma**2 / (k**2 * eps**2) * (Z.T @ Z + np.outer(s, s))
            x1 = e - lr * m
            total += q.loss(x1) + 0.5 * lr**2 * float(np.sum(H * noise_cov))
        enumerated = total / len(signs) ** k
        predicted = zs.expected_gap_curve(q, e, steps=1, lr=lr, k=k, distribution="rademacher", scheme=scheme,
                                          noise=sigma, eps=eps)[1]
        assert math.isclose(predicted, enumerated, rel_tol=1e-12), (scheme, predicted, enumerated)


# ------------------------------------------------------------------------------------------- reproducibility
def test_noisy_runs_reproduce_and_replay_bit_for_bit():
    p = zs.strongly_convex_instance(6, 3, rng=0)
    kw = {"steps": 12, "lr": 0.05, "k": 3, "eps": 1e-3, "noise": 1e-3}
    for scheme in zs.SCHEMES:
        a = zs.zo_gd(p, np.zeros(3), rng=9, scheme=scheme, **kw)
        b = zs.zo_gd(p, np.zeros(3), rng=9, scheme=scheme, **kw)
        np.testing.assert_array_equal(a.scalars, b.scalars)
        np.testing.assert_array_equal(zs.replay(a, p, np.zeros(3)), a.x)
        clean = zs.zo_gd(p, np.zeros(3), rng=9, scheme=scheme, **{**kw, "noise": 0.0})
        np.testing.assert_array_equal(clean.seeds, a.seeds)  # same directions, the noise drawn after them
        assert not np.array_equal(clean.scalars, a.scalars)
        assert a.noise == 1e-3
        assert clean.noise == 0.0
        batch = zs.zo_gd_batch(p, np.zeros(3), runs=1, rng=9, scheme=scheme, **kw)
        np.testing.assert_allclose(batch.scalars[0], a.scalars, rtol=1e-9, atol=1e-12)  # a batch of one is the run
        many = zs.zo_gd_batch(p, np.zeros(3), runs=4, rng=2, scheme=scheme, **kw)
        np.testing.assert_array_equal(zs.replay(many, p, np.zeros(3)), many.x)


def test_noise_is_validated():
    p = zs.strongly_convex_instance(6, 3, rng=0)
    q, x0 = _quadratic()
    for bad in (-1.0, float("nan"), float("inf"), True, "1"):
        with pytest.raises(ValueError, match="noise"):
            zs.zo_gd(p, np.zeros(3), steps=2, lr=0.1, noise=bad)
        with pytest.raises(ValueError, match="noise"):
            zs.zo_gd_batch(p, np.zeros(3), runs=2, steps=2, lr=0.1, noise=bad)
        with pytest.raises(ValueError, match="noise"):
            zs.expected_gap_curve(q, x0, steps=2, lr=0.1, noise=bad, eps=1e-2)
    with pytest.raises(ValueError, match="eps"):
        zs.expected_gap_curve(q, x0, steps=2, lr=0.1, noise=1e-2)
    with pytest.raises(ValueError, match="eps"):
        zs.expected_gap_curve(q, x0, steps=2, lr=0.1, noise=1e-2, eps=0.0)
