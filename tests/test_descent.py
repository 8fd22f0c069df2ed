r"""C10: dimension-free descent in expectation, and the factor :math:`\gamma` per distribution.

For :math:`\nabla^2 L \preceq H_0`, :math:`\|H_0\| = \ell`, :math:`\mathrm{tr}H_0 = r\ell`:

.. math:: E[L(x - \eta\hat g)] \le L(x) - \eta\|g\|^2 + \tfrac12\eta^2\,\mathrm{tr}(H_0E[\hat g\hat g^\top])
          \le L(x) - \eta\|g\|^2 + \tfrac12\eta^2\ell\gamma\|g\|^2 .

* ``gamma`` is the sup of :math:`\mathrm{tr}(HE[\hat g\hat g^\top])/(\ell\|g\|^2)`: never exceeded (``target``
  pushes toward the sup), and *attained* for Gaussian and sphere (``g`` a top eigenvector of an ``H`` of trace
  :math:`r\ell`); for Rademacher the library's value is an upper bound, at least the value of the flat-``g``
  construction.
* Quadratics: the expectation is exact (Rademacher: enumerated over actual ``spsa_gradient`` outputs).
* Softmax regression: Rademacher enumerated exactly; Gaussian and sphere by Monte Carlo on the second-order
  remainder :math:`Y = L(x-\eta\hat g) - L(x) + \eta g^\top\hat g` (mean ``E Y``; :math:`|Y| \le \frac12\eta^2
  \ell_{abs}\|\hat g\|^2`, so :math:`\sigma_Y \le \frac12\eta^2\ell_{abs}\|g\|^2 (E\|zz^\top e\|^4)^{1/2}`, exact
  eighth moments), all with the :math:`\varepsilon\to0` estimate :math:`\hat g = \frac1k\sum z_jz_j^\top g`.
"""

from __future__ import annotations

import math

import numpy as np
from hypothesis import example, given, target
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import zosoftmax as zs
from tests import strategies as S

Z_SCORE = 5.0  # P(|N(0,1)| > 5) = 5.7e-7 per Monte-Carlo check
M_DESCENT = 4000  # Monte-Carlo sample size (fast tier)


@st.composite
def psd_with_rank(draw, d_max: int = 8):
    """(H, ell, r): a random PSD H = Q diag(lam) Q' with top eigenvalue ell and trace r*ell, r in [1, d]."""
    d = draw(st.integers(1, d_max))
    lam = np.sort(draw(hnp.arrays(np.float64, d, elements=st.floats(0.0, 1.0))))[::-1].copy()
    lam[0] = 1.0
    ell = draw(st.floats(0.1, 10.0))
    Q = np.linalg.qr(np.random.default_rng(draw(S.seeds)).standard_normal((d, d)))[0]
    H = ell * (Q * lam) @ Q.T
    return (H + H.T) / 2, ell, float(lam.sum())


@given(st.integers(1, 64), st.integers(1, 16), st.floats(0.0, 1.0), st.sampled_from(["gaussian", "sphere"]),
       S.seeds)
def test_gamma_is_attained_for_gaussian_and_sphere(d, k, frac, distribution, seed):
    r"""C10: :math:`\mathrm{tr}(H\,E[\hat g\hat g^\top]) = \gamma\ell\|g\|^2` for an extreme ``H`` and ``g``.

    ``H`` has spectrum :math:`(\ell, \frac{r-1}{d-1}\ell, \dots)` (trace :math:`r\ell`) and ``g`` is its top
    eigenvector: ``gamma`` is the exact supremum, so it depends on ``r`` (not only on ``d``).
    """
    r = 1.0 + frac * (d - 1)
    lam = np.r_[1.0, np.full(d - 1, (r - 1) / max(d - 1, 1))]
    Q = np.linalg.qr(np.random.default_rng(seed).standard_normal((d, d)))[0]
    ell = 2.5
    H = ell * (Q * lam) @ Q.T
    g = 1.7 * Q[:, 0]
    value = np.trace(H @ zs.second_moment_matrix(g, k, distribution)) / (ell * (g @ g))
    assert math.isclose(value, zs.gamma(d, k, r, distribution), rel_tol=64 * d * S.EPS_MACH)


@given(st.integers(1, 32), st.integers(1, 16), st.data())
def test_gamma_rademacher_between_construction_and_bound(d, k, data):
    r"""C10 (Rademacher): ``gamma`` lies between the attained value and the Gaussian value :math:`1 + (r+1)/k`.

    For integer ``r``, ``g`` flat on ``d - r + 1`` coordinates and ``H`` = ``ell`` times (its direction plus the
    ``r - 1`` other axes) gives :math:`1 + (r + 1 - 2/(d-r+1))/k`, which ``gamma`` must not undercut; and ``gamma`` is
    at most the Gaussian value.
    """
    r = data.draw(st.integers(1, d))
    m = d - r + 1
    g = np.r_[np.ones(m), np.zeros(d - m)] / np.sqrt(m)
    H = np.outer(g, g) + np.diag(np.r_[np.zeros(m), np.ones(d - m)])  # ell = 1, trace r
    value = np.trace(H @ zs.second_moment_matrix(g, k, "rademacher"))
    gam = zs.gamma(d, k, r, "rademacher")
    assert math.isclose(value, 1 + (r + 1 - 2 / m) / k, rel_tol=64 * d * S.EPS_MACH)
    assert value <= gam * (1 + 64 * d * S.EPS_MACH)
    assert gam <= 1 + (r + 1) / k + 64 * d * S.EPS_MACH


@given(psd_with_rank(d_max=16), st.integers(1, 8), S.distributions, S.unit_vectors(16))
def test_gamma_is_never_exceeded(Hlr, k, distribution, v):
    r"""C10: ``gamma(d, k, r)`` bounds the second-order descent term for every admissible ``H`` and ``g``.

    :math:`\mathrm{tr}(H\,E[\hat g\hat g^\top]) \le \gamma(d, k, r)\,\ell\,\|g\|^2` for every PSD ``H`` with
    :math:`\|H\| = \ell`, :math:`\mathrm{tr}H = r\ell`, every ``g``; ``target`` pushes the ratio toward 1.
    """
    H, ell, r = Hlr
    d = H.shape[0]
    g = np.resize(v, d) + 1e-3 * (np.arange(d) == 0)
    gam = zs.gamma(d, k, r, distribution)
    ratio = np.trace(H @ zs.second_moment_matrix(g, k, distribution)) / (ell * (g @ g) * gam)
    target(float(ratio), label="descent ratio tr(HM)/(ell gamma |g|^2)")
    assert ratio <= 1 + 64 * d * S.EPS_MACH, f"tr(HM) / (ell gamma |g|^2) = {ratio:.6f} > 1"


def _quadratic(H, c):
    return lambda X: 0.5 * np.sum((X @ H) * X, axis=1) + X @ c


@given(psd_with_rank(d_max=8), st.integers(1, 2), st.floats(-2.0, 1.0).map(lambda t: 10.0**t), S.seeds)
def test_descent_on_quadratics_rademacher_enumerated(Hlr, k, eta_scale, seed):
    r"""C10 (quadratics, Rademacher, exact).

    Over all direction sets (:math:`2^d`, or :math:`4^d` for ``k = 2``),
    :math:`E[q(x-\eta\hat g)] = q - \eta\|g\|^2 + \frac12\eta^2\mathrm{tr}(H\,E[\hat g\hat g^\top])`
    (``second_moment_matrix``) :math:`\le q - \eta\|g\|^2 + \frac12\eta^2\ell\gamma\|g\|^2`.
    """
    H, ell, r = Hlr
    d = H.shape[0]
    if k == 2:
        d = min(d, 4)
        H, r = H[:d, :d], float(np.trace(H[:d, :d])) / float(np.linalg.eigvalsh(H[:d, :d])[-1])
        ell = float(np.linalg.eigvalsh(H)[-1])
    rng = np.random.default_rng(seed)
    c, x = rng.standard_normal(d), rng.standard_normal(d)
    q = _quadratic(H, c)
    g = H @ x + c
    gam = zs.gamma(d, k, min(max(r, 1.0), d), "rademacher")
    eta = eta_scale / (ell * gam)
    Z = S.rademacher_signs(d)
    sets = [z[None] for z in Z] if k == 1 else [np.stack((a, b)) for a in Z for b in Z]
    X = np.stack([x - eta * zs.spsa_gradient(q, x, k=k, eps=0.5, distribution="rademacher", directions=D)
                  for D in sets])
    mean_after = q(X).mean()
    q0 = q(x[None])[0]
    exact = q0 - eta * (g @ g) + 0.5 * eta**2 * np.trace(H @ zs.second_moment_matrix(g, k, "rademacher"))
    bound = q0 - eta * (g @ g) + 0.5 * eta**2 * ell * gam * (g @ g)
    scale = abs(q0) + (np.linalg.norm(H, 2) * (np.linalg.norm(x) + 1) + np.linalg.norm(c)) * (np.linalg.norm(x) + 1)
    rounding = 64 * (d * d + 1) * S.EPS_MACH * (scale + eta * (g @ g) * d)
    assert abs(mean_after - exact) <= rounding
    target(float((mean_after - q0 + eta * (g @ g)) / (0.5 * eta**2 * ell * gam * (g @ g))), label="quadratic descent")
    assert mean_after <= bound + rounding


def _descent_terms(p, x, k, distribution):
    H0 = zs.hessian_upper_bound(p)
    ell = zs.smoothness_bound(p)
    r = zs.effective_rank(H0)
    return ell, zs.gamma(p.d, k, r, distribution)


def _pinned_softmax() -> zs.SoftmaxRegression:
    """At n = 2 with b = (0, 1), the C4 maximizer t = (9 + sqrt 33)/24: the most curved point of the family."""
    return zs.SoftmaxRegression(np.eye(2), np.array([0.0, 1.0]))


@given(S.instance_and_point(d=(1, 6)), st.integers(1, 2), st.floats(-1.0, 0.5).map(lambda t: 10.0**t))
@example((_pinned_softmax(), np.log(np.array([(9 + np.sqrt(33)) / 24, (15 - np.sqrt(33)) / 24]))), 1, 1.0)
def test_descent_on_softmax_rademacher_enumerated(case, k, eta_scale):
    r"""C10 on softmax regression with :math:`H_0 = A^\top(\beta^+I + W^2)A` (Rademacher, exact expectation).

    Over all direction sets of the :math:`\varepsilon\to0` estimate:
    :math:`E[L(x-\eta\hat g)] \le L - \eta\|g\|^2 + \frac12\eta^2\ell\gamma\|g\|^2` with :math:`\eta = s/(\ell\gamma)`,
    ``s`` from 0.1 to 3.
    """
    p, x = case
    d = p.d if k == 1 else min(p.d, 4)
    if d < p.d:
        x = x.copy()
        p = zs.SoftmaxRegression(p.A[:, :d], p.b, p.w)
        x = x[:d]
    g = p.gradient(x)
    ell, gam = _descent_terms(p, x, k, "rademacher")
    eta = eta_scale / (ell * gam)
    Z = S.rademacher_signs(d)
    G = np.stack([z * (z @ g) for z in Z]) if k == 1 else np.stack(
        [(a * (a @ g) + b * (b @ g)) / 2 for a in Z for b in Z])
    L0 = p.loss(x)
    after = p.loss_batch(x - eta * G)
    gg = float(g @ g)
    rounding = 2 * S.loss_rounding(p, np.vstack([x - eta * G, x[None]])) + eta * d * S.gradient_rounding(p, x) * (
        np.linalg.norm(g) * d)
    excess = after.mean() - L0 + eta * gg
    target(float((excess - rounding) / max(0.5 * eta**2 * ell * gam * gg, 1e-300)), label="softmax descent ratio")
    charge = 0.5 * eta**2 * ell * gam * gg
    assert after.mean() <= L0 - eta * gg + charge + rounding, f"excess / curvature charge = {excess / charge:.4f} > 1"


def check_softmax_descent_monte_carlo(p, x, distribution, eta_scale, seed, m):
    r"""C10 on softmax regression by Monte Carlo (``k = 1``, :math:`\varepsilon\to0` estimate).

    The mean of the second-order remainder ``Y`` is at most :math:`\frac12\eta^2\ell\gamma\|g\|^2 + z\sigma_Y/\sqrt m`.

    Returns the ratio of the measured mean to the bound (for ``target``).
    """
    d = p.d
    g = p.gradient(x)
    gg = float(g @ g)
    ell, gam = _descent_terms(p, x, 1, distribution)
    eta = eta_scale / (ell * gam)
    rng = np.random.default_rng(seed)
    lam_low = float(np.linalg.eigvalsh(zs.hessian_lower_bound(p))[0])
    ell_abs = max(ell, -lam_low)  # |second-order remainder| <= eta^2/2 * ell_abs * |ĝ|^2
    sigma = 0.5 * eta**2 * ell_abs * gg * math.sqrt(S.norm4_of_estimate_moment(distribution, d))
    total, rounding = 0.0, 0.0
    for start in range(0, m, 50_000):
        Z = zs.sample_directions(min(50_000, m - start), d, distribution, rng)
        G = Z * (Z @ g)[:, None]  # ĝ = z z'g
        total += float(np.sum(p.loss_batch(x - eta * G) - p.loss(x) + eta * (G @ g)))
        rounding = max(rounding, 4 * S.loss_rounding(p, np.vstack([x - eta * G, x[None]])))
    bound = 0.5 * eta**2 * ell * gam * gg
    tol = Z_SCORE * sigma / math.sqrt(m) + rounding
    assert total / m <= bound + tol, f"remainder / bound = {total / m / bound:.4g}"
    return (total / m - rounding) / max(bound, 1e-300)


@given(S.instance_and_point(regularized=False, d=(1, 6)), st.sampled_from(["gaussian", "sphere"]),
       st.floats(-1.0, 0.5).map(lambda t: 10.0**t), S.seeds)
def test_descent_on_softmax_monte_carlo(case, distribution, eta_scale, seed):
    r"""C10 on softmax regression (Gaussian, sphere; ``k = 1``; Monte Carlo on the second-order remainder ``Y``).

    :math:`\bar Y \le \frac12\eta^2\ell\gamma\|g\|^2 + z\sigma_Y/\sqrt m` with the exact bound on :math:`\sigma_Y` of
    the module docstring.
    """
    p, x = case
    ratio = check_softmax_descent_monte_carlo(p, x, distribution, eta_scale, seed, M_DESCENT)
    target(float(ratio), label="softmax MC descent ratio")
