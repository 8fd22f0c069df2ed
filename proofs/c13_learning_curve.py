r"""C13 [derived]: the exact expected learning curve of ZO-GD on the local quadratic model.

On :math:`q(x) = \tfrac12 e^\top H e`, :math:`e = x - x^*`, the central estimate is exactly :math:`PHe` with
:math:`P = \frac1k\sum_j z_jz_j^\top`, so :math:`e_{t+1} = (I - \eta P_tH)e_t` and :math:`\Sigma_t = E[e_te_t^\top]`
follows :math:`\Sigma_{t+1} = \Sigma_t - \eta(H\Sigma_t + \Sigma_tH) + \eta^2E[PH\Sigma_tHP]`, with
:math:`E[q(x_t)] = \tfrac12\mathrm{tr}(H\Sigma_t)`. A prediction of the whole mean curve, not a bound
(:func:`zosoftmax.expected_gap_curve`); for softmax regression it is run on :math:`H = \nabla^2L(x^*)`.

Verified
--------
* Symbolic, every ``d`` (matrix symbols): the central difference of a quadratic is :math:`z^\top He` exactly (no
  remainder at any ε); :math:`(I - \eta PH)\Sigma(I - \eta HP)` expands to the recursion's four terms, and with
  C9's :math:`E[P] = I` (``m2 = 1``) and :math:`E[PMP] = \frac1k E[zz^\top Mzz^\top] + (1-\frac1k)M` (C9's pairing
  count holds for every symmetric ``M``) it is the recursion.
* Symbolic, fixed d = 3 (``H`` with symbolic eigenvalues and a rational rotation, ``Σ`` symbolic): the diagonal of
  the next ``Σ`` in H's eigenbasis depends only on the diagonal of ``Σ`` for Gaussian and sphere directions (why
  the library's recursion is O(d) a step there) and not for Rademacher (why it keeps the full state), and
  :math:`e^\top He = \mathrm{tr}(Hee^\top)`.
* Exact enumeration: the library's own ZO step (``spsa_gradient`` on a :class:`zosoftmax.Quadratic`) averaged
  over every Rademacher direction tuple (d = 3, k = 1 and 2) gives ``expected_gap_curve``'s one-step gap, and
  two steps for k = 1 (64 direction pairs).
* Numeric: ``expected_gap_curve`` equals the dense d×d recursion built from ``expected_pmp`` on random
  quadratics, a singular one included, for every law.
* Symbolic, every ``d``, ``k``: :math:`E[PMP]` from ``k`` independent directions is C9's k-average
  :math:`\frac1k E[zz^\top Mzz^\top] + (1-\frac1k)M`; numeric: the library's ``expected_pmp`` equals the
  lambdified symbolic formula at random symmetric ``M``.
* Statistical: the measured mean gap of ``zo_gd_batch`` on softmax instances started near :math:`x^*` lies
  within a Bonferroni ``z·SE`` of the prediction, recomputed on every run (the real-data comparison is
  ``fig_prediction``'s, with its own verdict; no committed result is read here).

Scope: the recursion for every d, k; the law-specific structure at d = 3; the softmax prediction statistically,
near :math:`x^*` (exact to second order in :math:`\|x_0 - x^*\|`).
"""

from __future__ import annotations

import itertools
import warnings
from typing import Any

import numpy as np
import sympy as sp
from scipy.stats import norm

import zosoftmax as zs

from ._common import FLOAT_RTOL, Checks, assumption, by_claim, by_step, is_zero, matrix_is_zero, result
from .c09_second_moment_matrix import DISTS, d_sym, k_sym, scalar_moments

__all__ = ["next_sigma_sym", "recursion_terms", "verify"]

FAMILY_LEVEL = 0.001  # two-sided family-wise level of the statistical check (Bonferroni over its time points)


def recursion_terms() -> Any:
    r""":math:`(I - \eta PH)\Sigma(I - \eta HP)` minus its four-term expansion, with ``d`` symbolic (matrix symbols)."""
    d = sp.Symbol("d", positive=True, integer=True)
    P, H, S = (sp.MatrixSymbol(name, d, d) for name in ("P", "H", "Sigma"))
    eta = sp.Symbol("eta", positive=True)
    eye = sp.Identity(d)
    lhs = ((eye - eta * P * H) * S * (eye - eta * H * P)).expand()
    rhs = S - eta * (P * H * S + S * H * P) + eta**2 * P * H * S * H * P
    return sp.simplify((lhs - rhs).expand())


def next_sigma_sym(H: sp.Matrix, Sigma: sp.Matrix, eta: Any, k: Any, distribution: str) -> sp.Matrix:
    r"""One step of the recursion in the coordinate basis, exact, from C9's derived moments."""
    d = H.shape[0]
    M = H * Sigma * H
    mom = {key: v.subs(d_sym, d) for key, v in scalar_moments(distribution).items()}
    fourth = mom["m22"] * (2 * M + M.trace() * sp.eye(d)) + (mom["m4"] - 3 * mom["m22"]) * sp.diag(
        *[M[i, i] for i in range(d)])
    return Sigma - eta * (H * Sigma + Sigma * H) + eta**2 * (fourth / k + (1 - sp.Integer(1) / k) * M)


def _symbolic(ch: Checks) -> None:
    d = sp.Symbol("d", positive=True, integer=True)
    e, z = sp.MatrixSymbol("e", d, 1), sp.MatrixSymbol("z", d, 1)
    Hm = sp.MatrixSymbol("H", d, d)
    eps = sp.Symbol("epsilon", positive=True)
    diff = ((e + eps * z).T * Hm * (e + eps * z) - (e - eps * z).T * Hm * (e - eps * z)).expand()
    ch.step(("exact quotient", r"\tfrac{q(e+\varepsilon z)-q(e-\varepsilon z)}{2\varepsilon} = z^\top He"),
            "symbolic-general", "every d (matrix symbols)",
           "central difference of a quadratic: (e + eps z)^T H (e + eps z) - (e - eps z)^T H (e - eps z) = "
           "2 eps (e^T H z + z^T H e), which is 4 eps z^T H e for symmetric H: the quotient is z^T H e exactly, at "
           "every eps", isinstance(sp.simplify((diff - 2 * eps * (e.T * Hm * z + z.T * Hm * e)).expand()),
                                   sp.ZeroMatrix),
            tex=sp.latex(diff) + " = " + sp.latex(2 * eps * (e.T * Hm * z + z.T * Hm * e)),
            hypotheses=(assumption("q(e) = e^T H e / 2 with H symmetric (the local quadratic model)"),))
    ch.step(("recursion terms", r"(I-\eta PH)\Sigma(I-\eta HP)"), "symbolic-general", "every d (matrix symbols)",
            "(I - eta P H) Sigma (I - eta H P) = Sigma - eta (P H Sigma + Sigma H P) + eta^2 P H Sigma H P",
            isinstance(recursion_terms(), sp.ZeroMatrix),
            tex=r"(I-\eta PH)\Sigma(I-\eta HP) = \Sigma - \eta(PH\Sigma + \Sigma HP) + \eta^2PH\Sigma HP",
            hypotheses=(by_step("e_{t+1} = (I - eta P H) e_t", "exact quotient"),))
    ok = all(is_zero(scalar_moments(dist)["m2"] - 1) for dist in DISTS)
    # E[PMP] over k i.i.d. directions: k diagonal pairs (j = l) and k(k - 1) independent pairs (j != l), each a
    # product E[zz^T] M E[zz^T] = m2^2 M; the result must be C9's k-average (1/k) F + (1 - 1/k) m2^2 M.
    F, Ms, m2 = sp.symbols("F M m2", real=True)  # F = E[zz^T M zz^T]; the algebra is linear in the matrices
    pairs = (k_sym * F + k_sym * (k_sym - 1) * m2**2 * Ms) / k_sym**2
    ch.step(("E[PMP] is C9's k-average", r"E[PMP] = \tfrac1kE[zz^\top Mzz^\top] + (1-\tfrac1k)M"),
            "symbolic-general", "every d, k, all three laws",
            "E[P] = m2 I = I (C9's derived m2 = 1 for all three laws), so E[P H Sigma] = H Sigma; P = (1/k) sum_j z_j "
            "z_j^T gives E[PMP] = (1/k^2)(k E[zz^T M zz^T] + k(k-1) m2^2 M) = (1/k) E[zz^T M zz^T] + (1 - 1/k) M, "
            "C9's k-average with M = H Sigma H", ok and is_zero(pairs.subs(m2, 1) - (F / k_sym + (1 - 1 / k_sym) * Ms)),
            tex=sp.latex(pairs) + " = " + sp.latex(F / k_sym + (1 - 1 / k_sym) * Ms) + r"\quad (m_2 = 1)",
            hypotheses=(by_claim("E[zz^T M zz^T] per law (pairing rule) and m2 = 1", "C9"),
                        assumption("the k directions are independent")))
    # H = Q diag(l) Q^T with a rational rotation Q (Cayley transform of a skew matrix), Sigma = Q S Q^T with S
    # symbolic: the recursion in H's eigenbasis is S -> Q^T Sigma' Q.
    K = sp.Matrix([[0, 1, 2], [-1, 0, 3], [-2, -3, 0]]) / 5
    Q = (sp.eye(3) - K) * (sp.eye(3) + K).inv()
    lam = list(sp.symbols("l1:4", positive=True))
    S = sp.Matrix(3, 3, lambda i, j: sp.Symbol(f"S{min(i, j)}{max(i, j)}", real=True))
    eta = sp.Symbol("eta", positive=True)
    off = [S[0, 1], S[0, 2], S[1, 2]]
    ok_rotation = matrix_is_zero(Q.T * Q - sp.eye(3))
    for dist in DISTS:
        nxt = Q.T * next_sigma_sym(Q * sp.diag(*lam) * Q.T, Q * S * Q.T, eta, k_sym, dist) * Q
        coupled = any(not is_zero(sp.diff(nxt[i, i], v)) for i in range(3) for v in off)
        if dist == "rademacher":
            ch.add("symbolic-fixed-size", "d = 3, H = Q diag(l) Q^T (rational rotation Q), symbolic Sigma, k",
                   "Rademacher: in H's eigenbasis the diagonal of the next Sigma depends on its off-diagonal "
                   "(diag(M) is taken in the coordinate basis): the recursion needs the full state",
                   ok_rotation and coupled)
        else:
            ch.add("symbolic-fixed-size", "d = 3, H = Q diag(l) Q^T (rational rotation Q), symbolic Sigma, k",
                   f"{dist}: in H's eigenbasis the diagonal of the next Sigma depends only on the diagonal of "
                   "Sigma (O(d) a step)", ok_rotation and not coupled)
    ch.step(("gap is a trace", r"e^\top He = \mathrm{tr}(Hee^\top)"), "symbolic-general", "every d (matrix symbols)",
            "gap = e^T H e / 2 = tr(H e e^T)/2 (entrywise sums with d symbolic), so E[gap] = tr(H Sigma)/2",
            _trace_identity(), tex=r"e^\top He = \mathrm{tr}(Hee^\top),\ E[q(x_t)] = \tfrac12\mathrm{tr}(H\Sigma_t)",
            hypotheses=(by_step("Sigma_t", "recursion terms"),))


def _trace_identity() -> bool:
    """e^T H e = tr(H e e^T) as index sums with d symbolic."""
    d = sp.Symbol("d", positive=True, integer=True)
    i, j = sp.symbols("i j", integer=True, positive=True)
    e, H = sp.IndexedBase("e", real=True), sp.IndexedBase("H", real=True)
    quad = sp.Sum(sp.Sum(e[i] * H[i, j] * e[j], (j, 1, d)), (i, 1, d))
    trace = sp.Sum(sp.Sum(H[i, j] * (e[j] * e[i]), (j, 1, d)), (i, 1, d))  # (H ee^T)_ii = sum_j H_ij e_j e_i
    return bool(sp.simplify(quad - trace) == 0)


def _expected_pmp(ch: Checks) -> None:
    """The library's expected_pmp against the symbolic formula (C9's moments), lambdified at random points."""
    d = 3
    M = sp.Matrix(d, d, lambda i, j: sp.Symbol(f"M{i}{j}", real=True))
    rng = np.random.default_rng(1315)
    worst = 0.0
    for dist in DISTS:
        mom = {key: v.subs(d_sym, d) for key, v in scalar_moments(dist).items()}
        sym = mom["m22"] * (M + M.T + M.trace() * sp.eye(d)) + (mom["m4"] - 3 * mom["m22"]) * sp.diag(
            *[M[i, i] for i in range(d)])
        sym = sym / k_sym + (1 - 1 / k_sym) * mom["m2"] ** 2 * M
        fn = sp.lambdify([*M, k_sym], sym, "numpy")
        for _ in range(10):
            Mv = rng.standard_normal((d, d))
            Mv = Mv + Mv.T  # the recursion's M = H Sigma H is symmetric
            k = int(rng.integers(1, 6))
            ref = np.asarray(fn(*Mv.ravel(), k), dtype=float)
            worst = max(worst, float(np.max(np.abs(zs.expected_pmp(Mv, k, dist) - ref))) / max(1.0, np.abs(ref).max()))
    ch.add("numeric-search", "library float64, d = 3, 10 random symmetric M per law, k in 1..5",
           f"library expected_pmp == the lambdified symbolic E[PMP] (C9's moments), rel. error <= {FLOAT_RTOL:.1e}",
           worst <= FLOAT_RTOL)


def _enumerated(ch: Checks) -> None:
    rng = np.random.default_rng(1313)
    d = 3
    B = rng.standard_normal((d, d))
    quad = zs.Quadratic(B @ B.T + 0.1 * np.eye(d), rng.standard_normal(d))
    x0 = quad.x_star + rng.standard_normal(d)
    eta = 0.5 / float(np.linalg.eigvalsh(quad.H)[-1])
    signs = np.array(list(itertools.product((-1.0, 1.0), repeat=d)))

    def gap(x: Any) -> float:
        return float(quad(np.asarray(x)[None])[0])

    def step(x: Any, Z: Any) -> Any:
        return x - eta * zs.spsa_gradient(quad, x, eps=0.3, directions=Z)

    for k, steps in ((1, 1), (2, 1), (1, 2)):
        tuples = list(itertools.product(range(len(signs)), repeat=k * steps))
        total = 0.0
        for tup in tuples:
            x = x0
            for t in range(steps):
                x = step(x, signs[list(tup[t * k:(t + 1) * k])])
            total += gap(x)
        measured = total / len(tuples)
        predicted = float(zs.expected_gap_curve(quad, x0, steps=steps, lr=eta, k=k, distribution="rademacher")[-1])
        ch.add("exact-enumeration", f"Rademacher d = 3, k = {k}, {steps} step(s), all {len(tuples)} direction "
               "tuples, library float64", f"mean gap of the library's ZO steps {measured:.12g} = predicted "
               f"{predicted:.12g}", abs(measured - predicted) <= 64 * FLOAT_RTOL * max(gap(x0), 1e-300))


def _dense(ch: Checks) -> None:
    rng = np.random.default_rng(1314)
    worst = 0.0
    for dist, d, rank in itertools.product(DISTS, (2, 5), (None, 1)):
        B = rng.standard_normal((d, d if rank is None else rank))
        quad = zs.Quadratic(B @ B.T, rng.standard_normal(d))
        e0 = rng.standard_normal(d)
        eta = 0.3 / float(np.linalg.eigvalsh(quad.H)[-1])
        k = int(rng.integers(1, 4))
        curve = zs.expected_gap_curve(quad, quad.x_star + e0, steps=12, lr=eta, k=k, distribution=dist)
        Sig = np.outer(e0, e0)
        for t in range(13):
            ref = 0.5 * float(np.trace(quad.H @ Sig))
            worst = max(worst, abs(curve[t] - ref) / max(curve[0], 1e-300))
            Sig = Sig - eta * (quad.H @ Sig + Sig @ quad.H) + eta**2 * zs.expected_pmp(quad.H @ Sig @ quad.H, k, dist)
            Sig = 0.5 * (Sig + Sig.T)
    ch.add("numeric-search", "library float64, d in {2, 5}, full rank and rank 1, k in 1..3, all laws, 12 steps",
           f"expected_gap_curve == the dense d x d recursion with expected_pmp, rel. error <= {1e4 * FLOAT_RTOL:.1e}",
           worst <= 1e4 * FLOAT_RTOL)


def _statistical(ch: Checks, quick: bool) -> dict[str, Any]:
    runs = 1000 if quick else 3000
    times = (1, 5, 20)
    z = float(norm.ppf(1 - FAMILY_LEVEL / (2 * len(times) * 2)))  # Bonferroni over times x laws
    worst = 0.0
    for dist, seed in (("gaussian", 1), ("rademacher", 2)):
        p = zs.strongly_convex_instance(12, 4, rng=seed, margin=0.5)
        x_star = zs.newton(p).x
        loss_star = p.loss(x_star)
        x0 = x_star + 0.05 * np.random.default_rng(seed).standard_normal(p.d)
        lr = 0.5 * zs.max_stable_lr(p, 1, dist)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", zs.PrecisionWarning)
            traj = zs.zo_gd_batch(p, x0, runs=runs, steps=max(times), lr=lr, k=1, eps=1e-4, distribution=dist,
                                  rng=seed)
        pred = zs.expected_gap_curve(p, x0, steps=max(times), lr=lr, k=1, distribution=dist, x_star=x_star)
        for t in times:
            gaps = traj.losses[:, t] - loss_star
            se = float(np.std(gaps, ddof=1)) / np.sqrt(runs)
            worst = max(worst, abs(float(np.mean(gaps)) - pred[t]) / se)
    ch.step(("softmax near x*", r"E[L(x_t)] - L^* \approx \tfrac12\mathrm{tr}(H\Sigma_t)"), "statistical-test",
            f"softmax n = 12, d = 4, start 0.05 from x*, k = 1, Gaussian and Rademacher, {runs} runs, t in {times}",
            f"measured mean gap within z*SE of the prediction: max |z| = {worst:.2f} <= {z:.2f} (family-wise level "
            f"{FAMILY_LEVEL}); recomputed here (fig_prediction reports the real-data runs)", worst <= z,
            tex=rf"\max_t |z_t| = {worst:.2f} \le {z:.2f}",
            hypotheses=(assumption("x_0 near x* and eps small: the local quadratic model H = Hess L(x*) is exact "
                                   "to second order in ||x_0 - x*|| and eps (as both -> 0)"),))
    out: dict[str, Any] = {"near_x_star_max_abs_z": round(float(worst), 3), "z_threshold": round(z, 3)}
    return out


def verify(*, quick: bool = False) -> dict[str, Any]:
    """Run the checks of this claim (see the module docstring) and return its verdict dictionary."""
    ch = Checks()
    _symbolic(ch)
    _enumerated(ch)
    _dense(ch)
    _expected_pmp(ch)
    numbers = _statistical(ch, quick)
    return result(
        id="C13", title="Exact expected learning curve of ZO-GD", provenance="[derived]",
        statement="On the local quadratic model H = Hess L(x*), E[L(x_t)] - L* = tr(H Sigma_t)/2 with Sigma_0 = "
                  "e_0 e_0^T and Sigma_{t+1} = Sigma_t - eta (H Sigma_t + Sigma_t H) + eta^2 E[P H Sigma_t H P]: "
                  "a prediction of the whole mean learning curve, exact on quadratics, to second order near x* "
                  "(as ||x_0 - x*|| -> 0 and eps -> 0).",
        statement_tex=r"E[L(x_t)] - L^* = \tfrac12\mathrm{tr}(H\Sigma_t),\ \Sigma_{t+1} = \Sigma_t - \eta(H\Sigma_t + "
                      r"\Sigma_tH) + \eta^2E[PH\Sigma_tHP],\ H = \nabla^2L(x^*): \text{exact on quadratics, to second "
                      r"order near } x^* \text{ (as } \|x_0 - x^*\| \to 0,\ \varepsilon \to 0)",
        title_tex=r"Exact expected learning curve on the local quadratic model",
        checks=ch, correction=None, key_numbers=numbers,
        summary="recursion symbolic for every d, k; law structure at d = 3; enumerated; statistically near x* "
                "(recomputed)",
    )
