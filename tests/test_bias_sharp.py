r"""C7, sharp: the measured bias of the two-point estimator against its exact leading term.

The leading term is :math:`\varepsilon^2\beta(x)` (:func:`zosoftmax.bias_leading_term`).

The expectation :math:`E[\hat g]` is computed without sampling: Rademacher directions by enumerating all
:math:`2^d` sign vectors; Gaussian directions by a tensor Gauss-Hermite rule (``m`` nodes per axis, exact for
polynomials of degree :math:`2m - 1`; the integrand is analytic, and a rule with 1.5 times the nodes agrees to
the rounding floor below); sphere directions (d = 2) by the trapezoidal rule on the circle (spectrally accurate
for a periodic analytic integrand).

Derived tolerance. With :math:`r(\varepsilon) = (E[\hat g] - \nabla L)/\varepsilon^2 = \beta + \varepsilon^2\gamma
+ O(\varepsilon^4)`, the error :math:`e(\varepsilon) = \|r(\varepsilon) - \beta\|` must fall like
:math:`\varepsilon^2`: :math:`e(\varepsilon_{\min}) \le 2(\varepsilon_{\min}/\varepsilon_{\max})^2\,
e(\varepsilon_{\max}) + e_{\rm round}`, the factor 2 covering the :math:`O(\varepsilon^2)` relative change of the
next term over the grid, and :math:`e_{\rm round} = 8u\max|L|\,E\|z\|/\varepsilon^3` the float64 rounding of the
quotients (``u`` the unit roundoff, 8 roundings per quotient). A wrong :math:`\beta` leaves a constant error
and fails this; the last test shows it does for a plausible wrong one.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

import zosoftmax as zs

EPS_GRID = (0.2, 0.1, 0.05, 0.025, 0.0125)
U = np.finfo(np.float64).eps / 2  # unit roundoff
CONVERGENCE_MARGIN = 2.0  # e(eps_min) <= 2 (eps_min/eps_max)^2 e(eps_max): next Taylor term's relative change


def _rule(distribution: str, d: int, m: int = 40) -> tuple[np.ndarray, np.ndarray]:
    """Directions and weights of an exact (Rademacher) or high-order (Gaussian, sphere) rule for E[.]."""
    if distribution == "rademacher":
        Z = np.array(list(itertools.product((-1.0, 1.0), repeat=d)))
        return Z, np.full(len(Z), 1.0 / len(Z))
    if distribution == "gaussian":
        t, w = np.polynomial.hermite_e.hermegauss(m)  # weight exp(-t^2/2)
        w = w / np.sqrt(2 * np.pi)
        Z = np.array(list(itertools.product(t, repeat=d)))
        return Z, np.prod(np.array(list(itertools.product(w, repeat=d))), axis=1)
    if d != 2:
        raise ValueError("the sphere rule here is the circle (d = 2)")
    th = 2 * np.pi * np.arange(2 * m) / (2 * m)
    return np.sqrt(2.0) * np.c_[np.cos(th), np.sin(th)], np.full(2 * m, 1.0 / (2 * m))


def _instance(d: int) -> tuple[zs.SoftmaxRegression, np.ndarray]:
    p = zs.random_instance(4, d, rng=3, w=0.5, singular_values=np.linspace(2.0, 1.0, d))
    return p, np.random.default_rng(4).normal(size=d)


def _scaled_bias(p: zs.SoftmaxRegression, x: np.ndarray, Z: np.ndarray, W: np.ndarray, eps: float,
                 scheme: str = "central") -> np.ndarray:
    s = zs.projected_gradients(p, x, Z, eps=eps, scheme=scheme)
    mean = (W * s) @ Z  # E[s(z) z] under the rule
    return (mean - p.gradient(x)) / eps**2  # type: ignore[no-any-return]


def _rounding_floor(p: zs.SoftmaxRegression, x: np.ndarray, Z: np.ndarray, W: np.ndarray, eps: float) -> float:
    lmax = max(abs(p.loss(x + eps * z)) for z in Z[:: max(1, len(Z) // 64)])
    return float(8 * U * lmax * (W @ np.linalg.norm(Z, axis=1)) / eps**3)


@pytest.mark.parametrize(("distribution", "d"), [("rademacher", 4), ("rademacher", 3), ("gaussian", 2),
                                                 ("sphere", 2)])
def test_bias_over_eps2_converges_to_the_leading_term(distribution: str, d: int) -> None:
    """Invariant: (E[g_hat] - grad L)/eps^2 -> beta(x) with error O(eps^2).

    The ratio of the bias to its leading term tends to 1.
    """
    p, x = _instance(d)
    Z, W = _rule(distribution, d)
    beta = zs.bias_leading_term(p, x, distribution)
    assert np.linalg.norm(beta) > 1e-2  # a non-degenerate leading term, so the ratio below means something
    errors = [float(np.linalg.norm(_scaled_bias(p, x, Z, W, e) - beta)) for e in EPS_GRID]
    e_min, e_max = EPS_GRID[-1], EPS_GRID[0]
    tol = CONVERGENCE_MARGIN * (e_min / e_max) ** 2 * errors[0] + _rounding_floor(p, x, Z, W, e_min)
    assert errors[-1] <= tol, (errors, tol)
    ratio = float(_scaled_bias(p, x, Z, W, e_min) @ beta / (beta @ beta))
    assert abs(ratio - 1) <= tol / np.linalg.norm(beta), ratio


def test_forward_scheme_has_the_same_leading_term() -> None:
    """Invariant: symmetric directions give the forward estimate the central one's mean, so the same eps^2 term."""
    p, x = _instance(3)
    Z, W = _rule("rademacher", 3)
    beta = zs.bias_leading_term(p, x, "rademacher")
    errors = [float(np.linalg.norm(_scaled_bias(p, x, Z, W, e, "forward") - beta)) for e in EPS_GRID]
    tol = CONVERGENCE_MARGIN * (EPS_GRID[-1] / EPS_GRID[0]) ** 2 * errors[0] + _rounding_floor(p, x, Z, W,
                                                                                              EPS_GRID[-1])
    assert errors[-1] <= tol


def test_gaussian_term_does_not_fit_rademacher_directions() -> None:
    """Power: the Gaussian leading term used for Rademacher directions leaves an error that does not shrink with eps.

    That term has no T_aaa correction, so the convergence test above would fail for it.
    """
    p, x = _instance(4)
    Z, W = _rule("rademacher", 4)
    wrong = zs.bias_leading_term(p, x, "gaussian")
    errors = [float(np.linalg.norm(_scaled_bias(p, x, Z, W, e) - wrong)) for e in EPS_GRID]
    tol = CONVERGENCE_MARGIN * (EPS_GRID[-1] / EPS_GRID[0]) ** 2 * errors[0] + _rounding_floor(p, x, Z, W,
                                                                                              EPS_GRID[-1])
    assert errors[-1] > tol


def test_gauss_hermite_rule_is_converged() -> None:
    """The quadrature is not the error source: 40 and 60 nodes per axis agree to the rounding floor."""
    p, x = _instance(2)
    eps = EPS_GRID[-1]
    a = _scaled_bias(p, x, *_rule("gaussian", 2, 40), eps)
    Z, W = _rule("gaussian", 2, 60)
    b = _scaled_bias(p, x, Z, W, eps)
    assert np.linalg.norm(a - b) <= 2 * _rounding_floor(p, x, Z, W, eps)


def test_leading_term_pieces_match_finite_differences_of_the_hessian() -> None:
    """Independent reference: grad tr(Hess L) and the diagonal third derivatives by finite differences.

    Central differences of the library Hessian (error h^2/6 * sup|L^(5)| * ||A||^5 ~ 1e-8 * 32 at h = 1e-4, plus
    rounding u/h ~ 1e-12).
    """
    p, x = _instance(3)
    h = 1e-4
    tol = 1e-6  # h^2 * 32 * (derivative constants of order 1) with a margin of 3
    E = np.eye(3)
    lap = np.array([(np.trace(p.hessian(x + h * e)) - np.trace(p.hessian(x - h * e))) / (2 * h) for e in E])
    diag = np.array([(p.hessian(x + h * e)[a, a] - p.hessian(x - h * e)[a, a]) / (2 * h) for a, e in enumerate(E)])
    from zosoftmax.bias import laplacian_gradient, third_derivative_diagonal

    assert np.max(np.abs(laplacian_gradient(p, x) - lap)) <= tol
    assert np.max(np.abs(third_derivative_diagonal(p, x) - diag)) <= tol


def test_bad_input_is_refused() -> None:
    p, x = _instance(2)
    with pytest.raises(ValueError, match="distribution"):
        zs.bias_leading_term(p, x, "cauchy")
    with pytest.raises(ValueError, match="x"):
        zs.bias_leading_term(p, np.zeros(3))
    with pytest.raises(ValueError, match="problem"):
        zs.bias_leading_term("not a problem", x)  # type: ignore[arg-type]
