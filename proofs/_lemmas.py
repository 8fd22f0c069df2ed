r"""The every-n steps of C3-C7, each reduced to an exact statement in a few scalar variables and checked.

A general-n argument about :math:`f \in \Delta_n`, a target ``b`` and a direction ``v`` uses the sums over
the index only through a handful of *weighted moments*: :math:`\sum_k f_k = 1`, :math:`\sum_k f_k\tilde v_k^j`
(:math:`\tilde v = v - \langle f, v\rangle\mathbf 1`, so the first is 0), :math:`s = \|f\|^2`,
:math:`\bar c = \langle f, c\rangle`. Each step below is either

* an identity between per-index expressions after the sums are replaced by those moments (linearity of the
  sum, done by :func:`weighted_sum` and :func:`index_sum`, exact SymPy), or
* a scalar inequality proved by an exact certificate (:func:`proofs._common.nonneg_certificate`): the
  difference equals a sum of products of hypotheses and squares.

The glue between the steps is linear algebra, checked too: the weighted sums of per-index bounds are
certificates (:func:`weighted_sum_steps`, ``n`` symbolic), and the Rayleigh quotients of C4 and C6 are
matrix-symbol identities given the spectral theorem (:func:`rayleigh_steps`; the theorem itself is a named
assumption of the step, :data:`SPECTRAL`); the triangle and Hölder inequalities and the homogeneity that join C7's
steps are index-sum certificates (:func:`m3_glue_steps`). Every hypothesis a certificate uses is listed in
:data:`HYPOTHESES` with its discharge. Every function returns a list of
``(detail, passed)`` pairs and never raises on a false statement.
"""

from __future__ import annotations

from typing import Any

import sympy as sp

from ._common import Checks, assumption, by_step, is_zero, nonneg_certificate

__all__ = [
    "GLUE",
    "HYPOTHESES",
    "SCOPE",
    "SPECTRAL",
    "beta_minus_steps",
    "beta_plus_steps",
    "hypothesis_counts",
    "index_sum",
    "m3_glue_steps",
    "m3_steps",
    "rayleigh_steps",
    "record_rayleigh",
    "record_weighted_sums",
    "sc_steps",
    "softmax_derivative_steps",
    "spectrum_steps",
    "split_steps",
    "weighted_sum",
    "weighted_sum_steps",
]

SCOPE = "every n, f in the simplex, every target b"  # rho = max b - min b throughout
Steps = list[tuple[str, bool]]

half = sp.Rational(1, 2)
# per-index symbols (the k-th entry of f, v~, c) and global symbols
f, vt, c = sp.symbols("f_k vt_k c_k", real=True)
s2, k3, m, s, cbar = sp.symbols("sigma2 kappa3 m s cbar", real=True)
rho = sp.Symbol("rho", nonnegative=True)  # the same symbol as proofs.c04_smoothness.rho
lam = sp.Symbol("lambda", real=True)  # lambda_max(S)

SPECTRAL = ("the spectral theorem (linear algebra): a real symmetric matrix is Q Lambda Q^T with Q orthogonal and "
            "Lambda real diagonal")
GLUE = {
    "beta_plus": "lambda_max(B) <= sup over unit v of v^T B v: a unit eigenvector u of lambda_max gives u^T B u = "
                 "lambda_max (matrix symbols, n symbolic), so the bound on v^T B v for every unit v (weighted sums) "
                 "bounds lambda_max(B); sigma^2 = v^T S v = w^T Lambda w = sum_j lambda_j w_j^2 <= lambda_max(S) "
                 "(v = Q w, Q^T Q = I; weighted sum over the eigen-coordinates).",
    "beta_minus": "-lambda_min(B) <= sup over unit v of -v^T B v: a unit eigenvector u of lambda_min gives -u^T B u "
                  "= -lambda_min (matrix symbols, n symbolic), so the bound on -v^T B v for every unit v (weighted "
                  "sums) bounds -lambda_min(B); sigma^2 = v^T S v <= lambda_max(S) <= min(1/2, tr S) in the "
                  "eigen-coordinates of S.",
    "sc": "||Sc||^2 = c^T S^2 c = w^T Lambda^2 w (c = Q w, Q^T Q = I) = sum_j lambda_j^2 w_j^2 <= lambda_max(S) "
          "sum_j lambda_j w_j^2 = lambda_max(S) c^T S c (weighted sum, lambda_j >= 0); ||A^T u||^2 = u^T A A^T u "
          "<= lambda_max(A A^T) ||u||^2 = ||A||^2 ||u||^2 (A^T A x = lambda x gives A A^T (A x) = lambda A x: the "
          "nonzero eigenvalues of A A^T are those of A^T A).",
    "m3": "|phi'''| <= 3 |<fdot, fddot>| + |<c - mid 1, fdddot>| (sum fdddot = 0; the triangle inequality), "
          "Hoelder with ||fdot||_inf <= ||fdot||_2 and |c_k - mid| <= range(c)/2, the triangle inequality on "
          "||fdddot||_1 (index-sum certificates, n symbolic); along x the logit direction is A h with ||A h|| <= "
          "||A|| ||h|| (the operator norm), and phi''' is cubic in the direction (homogeneity, checked).",
}


# Every hypothesis a certificate below uses (``hypotheses`` of :func:`proofs._common.nonneg_certificate`), keyed by
# its expanded form, with how it is discharged: ``step`` (a machine-checked step of this module, named by the
# start of its text), ``claim`` (another claim's chain), ``definition`` (true of the symbol by its definition:
# a sum of squares, an absolute value, a max or min) or ``assumption`` (of the claim: the admissible targets).
# :func:`_certificate` refuses a hypothesis that is not listed, so no hypothesis is typed in unexamined.
HYPOTHESES: dict[str, tuple[str, str]] = {
    "-lo + v_k": ("definition", "lo = min_k v_k"),
    "hi - v_k": ("definition", "hi = max_k v_k"),
    "lambda_j": ("step", "v^T S v = sum f_k vt_k^2 (S is PSD, so its eigenvalues are >= 0)"),
    "lambda - lambda_j": ("definition", "lambda = lambda_max(S) >= every eigenvalue lambda_j"),
    "s_rest": ("definition", "s_rest = sum_{k != i} f_k^2, a sum of squares"),
    "bmax - fb": ("step", "weights f_k (Var_f, C6): a weighted mean of b under f is at most max b"),
    "-bmin + fb": ("step", "weights f_k (Var_f, C6): a weighted mean of b under f is at least min b"),
    "b_i - bmin": ("definition", "bmin = min_k b_k"),
    "-b_i + bmax": ("definition", "bmax = max_k b_k"),
    "-b_j + bmax": ("definition", "bmax = max_k b_k"),
    "lambda": ("step", "v^T S v = sum f_k vt_k^2 (S is PSD)"),
    "1/2 - lambda": ("step", "(hi - lo)^2/4 <= (hi^2 + lo^2)/2 (Popoviciu, lambda_max(S) <= 1/2)"),
    "sigma2": ("definition", "sigma^2 = sum_k f_k vt_k^2, a weighted sum of squares"),
    "lambda - sigma2": ("step", "the Rayleigh quotient: sigma^2 = v^T S v <= lambda_max(S), unit v (rayleigh_steps, "
                                     "weighted sums)"),
    "a": ("step", "c_i - cbar <= 1/4 + rho (a = 1/4 + rho >= 0 since rho >= 0)"),
    "f_i": ("claim", "C1: f in the simplex"),
    "f_j": ("claim", "C1: f in the simplex"),
    "1 - f_i": ("claim", "C1: f in the simplex"),
    "s": ("definition", "s = ||f||^2"),
    "rho": ("definition", "rho = max b - min b"),
    "1/2 - sigma2": ("step", "sigma^2 <= lambda_max(S) <= 1/2 (Popoviciu), in the case s <= 1/2"),
    "1/2 - s": ("step", "the case s <= 1/2 (the other case s >= 1/2 is certified too)"),
    "s - 1/2": ("step", "the case s >= 1/2 (the other case s <= 1/2 is certified too)"),
    "-s - sigma2 + 1": ("step", "sigma^2 <= lambda_max(S) <= tr S = 1 - s"),
    "V": ("definition", "V = Var_f(c), a weighted sum of squares"),
    "R**2/4 - V": ("step", "Popoviciu: Var_f <= range^2/4"),
    "R": ("definition", "R = range(c) >= 0"),
    "-R + rho + 1": ("step", "range(c) <= 1 + rho"),
    "x": ("definition", "x = |.| >= 0"),
    "y": ("definition", "y = |.| >= 0"),
    "-hi**2 - lo**2 + 1": ("definition", "hi^2 + lo^2 <= ||v||^2 = 1 for two distinct entries of a unit v"),
    "-x + sqrt(2)": ("step", "|vt_k| <= range(v) <= sqrt 2 for unit v"),
    "-sigma + sqrt(2)/2": ("step", "sigma^2 <= lambda_max(S) <= 1/2"),
    "sigma": ("definition", "sigma = sqrt(sigma^2) >= 0"),
    "sigma + sqrt(2)/2": ("definition", "sigma >= 0"),
    "1/2 - a": ("step", "|fdot_k| <= ||Sv|| and ||Sv||^2 <= lambda sigma^2 <= 1/4"),
    "b": ("definition", "b = ||fddot||_1 >= 0"),
    "1 - b": ("step", "||fddot||_1 = sum f_k |vt_k^2 - sigma^2| <= 2 sigma^2 <= 1"),
    "-R + rho/2 + 1/2": ("step", "range(c) <= 1 + rho, so max|c_k - mid| <= (1 + rho)/2"),
    "-T + 7*sqrt(2)/4": ("step", "||fdddot||_1 <= 7/(2 sqrt2)"),
}


def _certificate(expr: Any, terms: list[Any], hypotheses: tuple[Any, ...] = ()) -> bool:
    """:func:`proofs._common.nonneg_certificate`, refusing (False) any hypothesis not in :data:`HYPOTHESES`."""
    if any(str(sp.expand(sp.sympify(h))) not in HYPOTHESES for h in hypotheses):
        return False
    return nonneg_certificate(expr, terms, hypotheses)


def hypothesis_counts() -> dict[str, int]:
    """How the certificates' hypotheses are discharged: ``{status: count}`` over :data:`HYPOTHESES`."""
    out: dict[str, int] = {}
    for status, _ in HYPOTHESES.values():
        out[status] = out.get(status, 0) + 1
    return out


def weighted_sum(expr: Any, moments: dict[int, Any]) -> Any:
    r""":math:`\sum_k f_k\,p(\tilde v_k)` for a polynomial ``p`` (``expr`` = ``f_k * p(vt_k)``), by linearity.

    The power :math:`\tilde v_k^j` becomes ``moments[j]`` = :math:`\sum_k f_k\tilde v_k^j`. Coefficients may contain
    global symbols; every monomial must carry exactly one factor ``f_k``.
    """
    poly = sp.Poly(sp.expand(expr), f, vt)
    out = sp.Integer(0)
    for (pf, pv), coeff in poly.terms():
        if pf != 1:
            raise ValueError(f"every monomial must carry f_k exactly once, got f_k^{pf}")
        out += coeff * moments[pv]
    return sp.expand(out)


# moments of vt under f: sum f = 1, sum f vt = 0 (definition of vt), sigma^2, kappa_3
VT_MOMENTS = {0: sp.Integer(1), 1: sp.Integer(0), 2: s2, 3: k3}


def _D(expr: Any) -> Any:
    r"""Derivative in :math:`\tau` of a per-index expression along :math:`y + \tau v`.

    The rules are :math:`\dot f_k = f_k\tilde v_k` (C2's Jacobian :math:`S`), :math:`\dot{\tilde v}_k = -\dot m`,
    :math:`\dot m = \sigma^2`, :math:`\dot\sigma^2 = \kappa_3`, :math:`\dot c_k = \dot f_k` (each rule is
    derived from the previous ones in :func:`softmax_derivative_steps`).
    """
    return sp.expand(sp.diff(expr, f) * f * vt + sp.diff(expr, vt) * (-s2) + sp.diff(expr, c) * f * vt
                     + sp.diff(expr, s2) * k3)


def softmax_derivative_steps() -> Steps:
    r"""Every n: derivatives of :math:`f(y + \tau v)` and of :math:`\varphi = \frac12\|f - b\|^2` (C7)."""
    out: Steps = []
    # m = <f, v> = sum f_k (vt_k + m): its derivative is sum fdot_k v_k = sum f_k vt_k (vt_k + m)
    out.append(("m' = sum_k fdot_k v_k = sum_k f_k vt_k (vt_k + m) = sigma^2 (linearity, sum f vt = 0)",
                is_zero(weighted_sum(f * vt * (vt + m), VT_MOMENTS) - s2)))
    out.append(("(sigma^2)' = sum_k [fdot_k vt_k^2 + 2 f_k vt_k vt_k'] = sum_k f_k (vt_k^3 - 2 sigma^2 vt_k) = kappa3",
                is_zero(weighted_sum(f * vt * vt**2 + 2 * f * vt * (-s2), VT_MOMENTS) - k3)))
    f1 = _D(f)
    f2 = _D(f1)
    f3 = _D(f2)
    out.append(("fdot = f∘vt, fddot = f∘(vt^2 - sigma^2), fdddot = f∘(vt^3 - 3 sigma^2 vt - kappa3)",
                is_zero(f1 - f * vt) and is_zero(f2 - f * (vt**2 - s2))
                and is_zero(f3 - f * (vt**3 - 3 * s2 * vt - k3))))
    out.append(("sum_k fddot_k = 0 and sum_k fdddot_k = 0 (so <c, fdddot> = <c - t 1, fdddot> for every t)",
                is_zero(weighted_sum(f2, VT_MOMENTS)) and is_zero(weighted_sum(f3, VT_MOMENTS))))
    phi = c**2 / 2  # per-index summand of phi; c_k' = f_k'
    out.append(("phi''' = sum_k [3 fdot_k fddot_k + c_k fdddot_k] (Leibniz on c_k^2/2 with c_k' = fdot_k)",
                is_zero(_D(_D(_D(phi))) - (3 * f1 * f2 + c * f3))))
    return out


def index_sum(expr: Any, i_syms: dict[Any, Any], j_syms: dict[Any, Any], moments: dict[tuple[int, int], Any],
              dki: Any, dkj: Any, dij: Any) -> Any:
    r""":math:`\sum_k` of a polynomial in per-index symbols ``f_k, c_k`` and Kronecker deltas.

    The deltas are :math:`\delta_{ki}, \delta_{kj}`: a delta pins ``k`` to ``i`` (or ``j``; both give
    :math:`\delta_{ij}`); a free monomial :math:`f_k^p c_k^q` becomes ``moments[(p, q)]``.
    """
    poly = sp.Poly(sp.expand(expr), dki, dkj, f, c)
    out = sp.Integer(0)
    for (a, b_, p, q), coeff in poly.terms():
        mono = f**p * c**q
        if a and b_:
            out += coeff * dij * mono.subs(i_syms, simultaneous=True)
        elif a:
            out += coeff * mono.subs(i_syms, simultaneous=True)
        elif b_:
            out += coeff * mono.subs(j_syms, simultaneous=True)
        else:
            out += coeff * moments[(p, q)]
    return sp.expand(out)


def split_steps() -> Steps:
    r"""Every n, entrywise: C3's ``B`` equals :math:`P^\top\mathrm{diag}(f\circ q)P`.

    Here :math:`P = I - \mathbf1f^\top`, :math:`q = f + c - \bar c\mathbf1`; hence
    :math:`v^\top Bv = \sum_k f_kq_k\tilde v_k^2 = \|Sv\|^2 + \sum_k f_k(c_k - \bar c)\tilde v_k^2` and
    :math:`v^\top Sv = \sum_k f_k\tilde v_k^2`.
    """
    fi, fj, ci, cj = sp.symbols("f_i f_j c_i c_j", real=True)
    dki, dkj, dij = sp.symbols("delta_ki delta_kj delta_ij", real=True)
    I_, J_ = {f: fi, c: ci}, {f: fj, c: cj}
    mom = {(1, 0): sp.Integer(1), (2, 0): s, (1, 1): cbar, (2, 1): sp.Symbol("F21"), (3, 0): sp.Symbol("F30")}

    def S(a_delta: Any, fa: Any, fb: Any, b_delta: Any) -> Any:  # S_ab = f_a delta_ab - f_a f_b
        return fa * b_delta - fa * fb

    S2 = index_sum((f * dki - fi * f) * (f * dkj - f * fj), I_, J_, mom, dki, dkj, dij)  # sum_k S_ik S_kj
    B = (S2 + dij * ci * fi - ci * fi * fj - fi * cj * fj + 2 * cbar * fi * fj - cbar * dij * fi)
    D = f * (f + c - cbar)  # D_k = f_k q_k
    PDP = index_sum((dki - fi) * D * (dkj - fj), I_, J_, mom, dki, dkj, dij)
    ok_off = is_zero((B - PDP).subs(dij, 0))
    ok_diag = is_zero((B - PDP).subs({dij: 1, fj: fi, cj: ci}))
    out: Steps = [("B_ij = (P^T diag(f∘q) P)_ij for i != j and i = j (sums over k reduced with sum f = 1, "
                   "sum f^2 = s, sum f c = cbar)", ok_off and ok_diag)]
    q = f + c - cbar
    out.append(("(Pv)_k = vt_k, (Sv)_k = f_k vt_k, so v^T B v = sum f_k q_k vt_k^2 = sum f_k^2 vt_k^2 + "
                "sum f_k (c_k - cbar) vt_k^2 = ||Sv||^2 + sum f_k (c_k - cbar) vt_k^2",
                is_zero(f * q * vt**2 - (f * vt) ** 2 - f * (c - cbar) * vt**2)))
    out.append(("v^T S v = sum f_k v_k^2 - <f,v>^2 = sum f_k vt_k^2 (= sigma^2 >= 0: S is PSD)",
                is_zero(weighted_sum(f * (vt + m) ** 2, VT_MOMENTS) - m**2 - s2)))
    return out


def spectrum_steps() -> Steps:
    r"""Every n: :math:`\lambda_{\max}(S) \le \frac12` (Popoviciu) and :math:`\le \mathrm{tr}\,S = 1 - s`.

    :math:`S^2 \preceq \lambda_{\max}(S)\,S`.
    """
    out: Steps = []
    t = sp.Symbol("t", real=True)
    # Var_f(v) = sum f (v - t)^2 - (m - t)^2 for every t (v_k = vt_k + m)
    out.append(("Var_f(v) = sum_k f_k (v_k - t)^2 - (m - t)^2 for every t (linearity)",
                is_zero(weighted_sum(f * (vt + m - t) ** 2, VT_MOMENTS) - (m - t) ** 2 - s2)))
    vk, lo, hi = sp.symbols("v_k lo hi", real=True)
    out.append(("Popoviciu: lo <= v_k <= hi gives ((hi - lo)/2)^2 - (v_k - (hi + lo)/2)^2 = (v_k - lo)(hi - v_k) "
                ">= 0, so Var_f(v) <= (hi - lo)^2/4",
                _certificate((hi - lo) ** 2 / 4 - (vk - (hi + lo) / 2) ** 2, [(1, vk - lo, hi - vk)],
                                   (vk - lo, hi - vk))))
    out.append(("(hi - lo)^2/4 <= (hi^2 + lo^2)/2 = (sum of two distinct squares)/2 <= ||v||^2/2: "
                "(hi^2 + lo^2)/2 - (hi - lo)^2/4 = (hi + lo)^2/4, so lambda_max(S) <= 1/2",
                _certificate((hi**2 + lo**2) / 2 - (hi - lo) ** 2 / 4, [(sp.Rational(1, 4), (hi + lo) ** 2)])))
    out.append(("tr S = sum f_k - sum f_k^2 = 1 - s, and lambda_max(S) <= tr S (other eigenvalues >= 0)",
                is_zero(index_sum(f - f**2, {}, {}, {(1, 0): sp.Integer(1), (2, 0): s}, *sp.symbols("a b e"))
                        - (1 - s))))
    lj = sp.Symbol("lambda_j", real=True)
    out.append(("S^2 <= lambda_max(S) S: per eigenvalue lambda_max lambda_j - lambda_j^2 = lambda_j (lambda_max - "
                "lambda_j) >= 0, so ||Su||^2 <= lambda_max(S) u^T S u",
                _certificate(lam * lj - lj**2, [(1, lj, lam - lj)], (lj, lam - lj))))
    return out


def beta_plus_steps() -> tuple[Steps, Any]:
    r"""Every n: :math:`\lambda_{\max}(B) \le \beta^+(\rho) = \frac38 + \frac\rho2`.

    Returns the steps and :math:`\beta^+(\rho)`.
    """
    fi, bi, fb, bmax, bmin, srest = sp.symbols("f_i b_i fb bmax bmin s_rest", real=True)
    a, sig = sp.symbols("a sigma2", real=True)
    target = sp.Rational(3, 8) + rho / 2
    out: Steps = []
    # c_i - cbar = f_i - b_i - (s - <f,b>); s = f_i^2 + s_rest; bmin <= b_i, <f,b> <= bmax; rho = bmax - bmin
    lhs = (fi - bi) - ((fi**2 + srest) - fb)
    out.append(("c_i - cbar <= 1/4 + rho: 1/4 + rho - (c_i - cbar) = (f_i - 1/2)^2 + s_rest + (bmax - <f,b>) + "
                "(b_i - bmin), cbar = s - <f,b>, s = f_i^2 + s_rest",
                _certificate((sp.Rational(1, 4) + rho - lhs).subs(rho, bmax - bmin),
                                   [(fi - half) ** 2, srest, bmax - fb, bi - bmin],
                                   (srest, bmax - fb, bi - bmin))))
    # v^T B v <= lambda sigma^2 + a sigma^2 with a = 1/4 + rho, sigma^2 <= lambda <= 1/2
    hyps = (lam, half - lam, sig, lam - sig, a)
    out.append(("(lambda + a) sigma^2 <= (1/2 + a)/2 for 0 <= sigma^2 <= lambda <= 1/2, a >= 0: gap = "
                "(lambda + a)(lambda - sigma^2) + (1/2 - lambda)(1/2 + a + lambda)",
                _certificate((half + a) / 2 - (lam + a) * sig,
                                   [(1, lam, lam - sig), (1, a, lam - sig), (half, half - lam), (1, half - lam, a),
                                    (1, half - lam, lam)], hyps)))
    out.append(("beta+ = (1/2 + a)/2 at a = 1/4 + rho is 3/8 + rho/2",
                is_zero(((half + a) / 2).subs(a, sp.Rational(1, 4) + rho) - target)))
    return out, target


def beta_minus_steps() -> tuple[Steps, Any]:
    r"""Every n: :math:`-\lambda_{\min}(B) \le \beta^-(\rho) = \frac14 + \frac\rho2`."""
    fi, bi, fb, bmax, bmin = sp.symbols("f_i b_i fb bmax bmin", real=True)
    sig = sp.Symbol("sigma2", real=True)
    target = sp.Rational(1, 4) + rho / 2
    out: Steps = []
    q_i = 2 * fi - bi - (s - fb)  # q_i = f_i + c_i - cbar
    out.append(("-q_i <= s + rho: s + rho + q_i = 2 f_i + (bmax - b_i) + (<f,b> - bmin)",
                _certificate((s + rho + q_i).subs(rho, bmax - bmin), [(2, fi), bmax - bi, fb - bmin],
                                   (fi, bmax - bi, fb - bmin))))
    base = (s, rho, sig)
    out.append(("s <= 1/2: (s + rho) sigma^2 <= 1/4 + rho/2 for sigma^2 <= 1/2; gap = (s + rho)(1/2 - sigma^2) + "
                "(1/2 - s)/2",
                _certificate(target - (s + rho) * sig,
                                   [(1, s, half - sig), (1, rho, half - sig), (half, half - s)],
                                   (*base, half - sig, half - s))))
    out.append(("s >= 1/2: (s + rho) sigma^2 <= 1/4 + rho/2 for sigma^2 <= 1 - s; gap = (s + rho)(1 - s - sigma^2) "
                "+ (s - 1/2)^2 + rho (s - 1/2)",
                _certificate(target - (s + rho) * sig,
                                   [(1, s, 1 - s - sig), (1, rho, 1 - s - sig), (s - half) ** 2, (1, rho, s - half)],
                                   (*base, 1 - s - sig, s - half))))
    return out, target


def sc_steps() -> tuple[Steps, Any]:
    r"""Every n: :math:`\|Sc\|^2 \le (1+\rho)^2/8`; returns the steps and the bound on :math:`\|Sc\|`."""
    fi, fj, bi, bj, bmax, bmin = sp.symbols("f_i f_j b_i b_j bmax bmin", real=True)
    R, V = sp.symbols("R V", real=True)
    out: Steps = []
    out.append(("range(c) <= 1 + rho: 1 + rho - (c_i - c_j) = (1 - f_i) + f_j + (b_i - bmin) + (bmax - b_j)",
                _certificate((1 + rho - ((fi - bi) - (fj - bj))).subs(rho, bmax - bmin),
                                   [1 - fi, fj, bi - bmin, bmax - bj], (1 - fi, fj, bi - bmin, bmax - bj))))
    hyps = (lam, half - lam, V, R**2 / 4 - V, R, 1 + rho - R, rho)
    out.append(("||Sc||^2 <= lambda Var_f(c) <= (1/2)(R^2/4) <= (1 + rho)^2/8 for lambda <= 1/2, Var <= R^2/4, "
                "R = range(c) <= 1 + rho: gap = lambda (R^2/4 - V) + (1/2 - lambda) R^2/4 "
                "+ (1 + rho - R)(1 + rho + R)/8",
                _certificate((1 + rho) ** 2 / 8 - lam * V,
                                   [(1, lam, R**2 / 4 - V), (sp.Rational(1, 4), half - lam, R**2),
                                    (sp.Rational(1, 8), 1 + rho - R), (sp.Rational(1, 8), 1 + rho - R, rho),
                                    (sp.Rational(1, 8), 1 + rho - R, R)], hyps)))
    return out, sp.sqrt((1 + rho) ** 2 / 8)


def m3_steps() -> tuple[Steps, Any]:
    r"""Every n: :math:`\sup_{\|v\|=1}|\varphi'''| \le \frac32 + \frac{7(1+\rho)}{4\sqrt2}`.

    The bound is C7's :math:`M_3/\|A\|^3`.
    """
    out: Steps = softmax_derivative_steps()
    x, y, hi, lo = sp.symbols("x y hi lo", real=True)
    sg = sp.Symbol("sigma", real=True)  # sigma = sqrt(sigma^2) in [0, 1/sqrt 2]
    r2 = sp.sqrt(2)
    out.append(("|fdot_k| <= ||Sv|| and ||Sv||^2 <= lambda sigma^2 <= 1/4 (0 <= sigma^2 <= lambda <= 1/2)",
                _certificate(sp.Rational(1, 4) - lam * s2, [(1, lam, lam - s2), (1, half - lam, lam),
                                                                  (half, half - lam)],
                                   (lam, half - lam, s2, lam - s2))))
    out.append(("||fddot||_1 = sum f_k |vt_k^2 - sigma^2| <= sum f_k (vt_k^2 + sigma^2) = 2 sigma^2 <= 1: "
                "(x + y)^2 - (x - y)^2 = 4xy for x, y >= 0",
                _certificate((x + y) ** 2 - (x - y) ** 2, [(4, x, y)], (x, y))
                and is_zero(weighted_sum(f * (vt**2 + s2), VT_MOMENTS) - 2 * s2)))
    out.append(("|vt_k| <= range(v) <= sqrt 2 for unit v: 2 - (hi - lo)^2 = 2 (1 - hi^2 - lo^2) + (hi + lo)^2",
                _certificate(2 - (hi - lo) ** 2, [(2, 1 - hi**2 - lo**2), (hi + lo) ** 2], (1 - hi**2 - lo**2,))))
    absv, mu1 = sp.symbols("absvt_k mu1", real=True)
    out.append(("sum f_k |vt_k| <= sigma: sigma^2 - (sum f |vt|)^2 = sum f_k (|vt_k| - mu1)^2 >= 0 (|vt_k|^2 = vt_k^2)",
                is_zero(weighted_sum((f * (vt - mu1) ** 2), {0: 1, 1: mu1, 2: s2, 3: k3}) - (s2 - mu1**2))))
    del absv
    out.append(("sum f|vt|^3 <= sqrt2 sigma^2 and |kappa3| <= sum f|vt|^3: sqrt2 vt_k^2 - |vt_k|^3 = vt_k^2 "
                "(sqrt2 - |vt_k|) >= 0",
                _certificate(r2 * x**2 - x**3, [(1, x**2, r2 - x)], (r2 - x,))))
    T = 2 * r2 * sg**2 + 3 * sg**3  # ||fdddot||_1 <= 2 sqrt2 sigma^2 + 3 sigma^3
    t_max = 7 / (2 * r2)
    out.append(("||fdddot||_1 <= sum f|vt|^3 + 3 sigma^2 sum f|vt| + |kappa3| <= 2 sqrt2 sigma^2 + 3 sigma^3 <= "
                "7/(2 sqrt2) for 0 <= sigma <= 1/sqrt2",
                _certificate(t_max - T, [(2 * r2, 1 / r2 - sg, 1 / r2 + sg),
                                               (3, 1 / r2 - sg, sp.Rational(1, 2)), (3 / r2, 1 / r2 - sg, sg),
                                               (3, 1 / r2 - sg, sg**2)],
                                   (1 / r2 - sg, sg, 1 / r2 + sg))))
    a_, b_, R, Tm = sp.symbols("a b R T", real=True)
    bound = sp.Rational(3, 2) + (1 + rho) / 2 * t_max
    out.append(("|phi'''| <= 3 a b + R T <= 3/2 + (1 + rho)/2 * 7/(2 sqrt2) for a = ||fdot||_inf <= 1/2, b = "
                "||fddot||_1 <= 1, R = max|c_k - mid| <= (1 + rho)/2, T = ||fdddot||_1 <= 7/(2 sqrt2)",
                _certificate(bound - 3 * a_ * b_ - R * Tm,
                                   [(3, half - a_), (3, a_, 1 - b_), (1, (1 + rho) / 2 - R, t_max), (1, R, t_max - Tm)],
                                   (a_, half - a_, b_, 1 - b_, R, (1 + rho) / 2 - R, t_max - Tm))))
    return out, sp.nsimplify(bound)


def m3_glue_steps() -> Steps:
    r"""Every n (index sums, ``n`` symbolic): the glue joining C7's per-index steps into :math:`|\varphi'''| \le M_3`.

    The triangle inequality :math:`|\sum_k t_k| \le \sum_k|t_k|` (both signs, with :math:`|t_k| \mp t_k \ge 0`),
    Hölder :math:`\sum_k|x_k||y_k| \le X\sum_k|y_k|` for :math:`|x_k| \le X`, :math:`\dot f_i^2 \le \|\dot f\|^2`
    (the other squares), and the homogeneity :math:`\varphi'''_{av} = a^3\varphi'''_v` (so a logit direction
    :math:`Ah = \|Ah\|\,v` gives :math:`|D^3L[h,h,h]| = \|Ah\|^3|\varphi'''_v| \le \|A\|^3\sup_v|\varphi'''_v|`).
    """
    from ._common import canonical_sums, kron_sum

    n = sp.Symbol("n", integer=True, positive=True)
    k, i = sp.symbols("k i", integer=True, positive=True)
    t_, x_ = sp.IndexedBase("t", real=True), sp.IndexedBase("x", real=True)
    g_, y_ = sp.IndexedBase("g", nonnegative=True), sp.IndexedBase("absy", nonnegative=True)
    X = sp.Symbol("X", real=True)
    out: Steps = []

    def total(expr: Any) -> Any:
        return canonical_sums(sp.Sum(expr, (k, 1, n)))

    ok = True
    for sign in (1, -1):  # |t_k| = sign t_k + g_k with g_k = |t_k| - sign t_k >= 0 (definition of |.|)
        gap = total(sign * t_[k] + g_[k]) - sign * total(t_[k])
        ok &= sp.expand(gap - total(g_[k])) == 0 and bool(gap.is_nonnegative)
    out.append(("triangle inequality: sum_k |t_k| -+ sum_k t_k = sum_k (|t_k| -+ t_k) >= 0, so |sum_k t_k| <= "
                "sum_k |t_k| (n symbolic; |t| -+ t >= 0 by definition)", ok))
    gap = X * total(y_[k]) - total((X - g_[k]) * y_[k])  # |x_k| = X - g_k <= X, weights |y_k| >= 0
    out.append(("Hoelder: X sum_k |y_k| - sum_k |x_k| |y_k| = sum_k g_k |y_k| >= 0 for |x_k| = X - g_k <= X "
                "(n symbolic), so |<x, y>| <= ||x||_inf ||y||_1",
                sp.expand(gap - total(g_[k] * y_[k])) == 0 and bool(gap.is_nonnegative)))
    rest = kron_sum(x_[k] ** 2 * (1 - sp.KroneckerDelta(k, i)), k, n, inside=(i,))
    out.append(("||x||_inf <= ||x||_2: sum_k x_k^2 - x_i^2 = sum_k (1 - delta_ki) x_k^2, the squares of the other "
                "entries (n symbolic)", sp.expand(rest - total(x_[k] ** 2) + x_[i] ** 2) == 0))
    a = sp.Symbol("a", positive=True)
    phi3_ = _D(_D(_D(c**2 / 2)))
    scaled = phi3_.subs({vt: a * vt, s2: a**2 * s2, k3: a**3 * k3}, simultaneous=True)
    out.append(("homogeneity: with v -> a v (vt -> a vt, sigma^2 -> a^2 sigma^2, kappa3 -> a^3 kappa3) the summand "
                "of phi''' scales by a^3, so phi'''_{A h} = ||A h||^3 phi'''_{v} for v = A h/||A h||",
                is_zero(scaled - a**3 * phi3_)))
    return out


def weighted_sum_steps() -> Steps:
    r"""Every n (index sums, ``n`` a symbol): the weighted-sum glue of C4, C6 and C7 as certificates.

    A per-index bound :math:`a_k \le A` summed with weights :math:`w_k \ge 0` gives
    :math:`\sum_k w_ka_k \le A\sum_kw_k`: with :math:`a_k = A - g_k`, :math:`g_k \ge 0`, the gap is
    :math:`\sum_k w_kg_k \ge 0`, a sum of products of non-negative symbols (SymPy's assumptions on the index
    sum). It carries beta+ (weights :math:`f_k\tilde v_k^2`, :math:`a_k = c_k - \bar c`), beta- (same weights,
    :math:`a_k = -q_k`), the variance bound of C6 (weights :math:`f_k`) and, over the eigen-coordinates
    :math:`u_j^2` of ``S``, :math:`\|Su\|^2 = \sum_j\lambda_j^2u_j^2 \le \lambda_{\max}\sum_j\lambda_ju_j^2`.
    """
    from ._common import canonical_sums

    n = sp.Symbol("n", integer=True, positive=True)
    k = sp.Symbol("k", integer=True, positive=True)
    fk, gk = sp.IndexedBase("f", nonnegative=True), sp.IndexedBase("g", nonnegative=True)
    vk = sp.IndexedBase("v", real=True)
    A = sp.Symbol("A", real=True)
    out: Steps = []
    for name, weight in (("f_k vt_k^2 (beta+, beta-)", fk[k] * vk[k] ** 2), ("f_k (Var_f, C6)", fk[k]),
                         ("u_j^2 lambda_j (S^2 <= lambda_max S)", fk[k] * vk[k] ** 2)):
        gap = canonical_sums(A * sp.Sum(weight, (k, 1, n)) - sp.Sum(weight * (A - gk[k]), (k, 1, n)))
        ok = sp.expand(gap - canonical_sums(sp.Sum(weight * gk[k], (k, 1, n)))) == 0 and bool(gap.is_nonnegative)
        out.append((f"weights {name}: A sum_k w_k - sum_k w_k a_k = sum_k w_k g_k >= 0 for a_k = A - g_k <= A, "
                    "w_k >= 0, n symbolic", ok))
    return out


def _matmul_rewrite(expr: Any, rules: dict[tuple[Any, ...], tuple[Any, ...]]) -> Any:
    r"""``expr`` (a sum of matrix products) with every run of adjacent factors ``key`` replaced by ``rules[key]``.

    A rule is a hypothesis written as a rewrite (``(Q.T, Q): ()`` for :math:`Q^\top Q = I`, ``(B, u): (lam, u)``
    for :math:`Bu = \lambda u`); the products are expanded first and rewritten until no rule applies.
    """
    expr = sp.expand(expr)
    terms = expr.args if isinstance(expr, sp.MatAdd) else (expr,)
    out = []
    for term in terms:
        mats = []
        for fac in (term.args if isinstance(term, sp.MatMul) else (term,)):  # B**2 is B, B
            power = isinstance(fac, sp.MatPow) and fac.exp.is_Integer and int(fac.exp) > 0
            mats.extend([fac.base] * int(fac.exp) if power else [fac])
        changed = True
        while changed:
            changed = False
            for key, rep in rules.items():
                hits = [i for i in range(len(mats) - len(key) + 1) if tuple(mats[i:i + len(key)]) == key]
                if hits:
                    mats[hits[0]:hits[0] + len(key)] = list(rep)
                    changed = True
                    break
        out.append(sp.MatMul(*mats).doit())
    return sp.expand(sp.MatAdd(*out).doit()) if len(out) > 1 else out[0]


def _vanishes(expr: Any) -> bool:
    """A matrix expression is identically zero (SymPy's canonical sum of products cancels to a zero matrix)."""
    return bool(expr == 0 or isinstance(sp.expand(expr), sp.ZeroMatrix))


def rayleigh_steps() -> Steps:
    r"""Every n (matrix symbols of size ``n``): the Rayleigh-quotient glue of C4 and C6, given the spectral theorem.

    With :math:`B = Q\Lambda Q^\top`, :math:`Q^\top Q = I` (the spectral theorem, an assumption of the step):
    a unit eigenvector gives :math:`u^\top Bu = \lambda` (so a bound on :math:`v^\top Bv` over unit ``v`` bounds
    every eigenvalue); :math:`v = Qw` gives :math:`v^\top Bv = w^\top\Lambda w = \sum_j\lambda_jw_j^2`,
    :math:`v^\top B^2v = \sum_j\lambda_j^2w_j^2` and :math:`\|v\| = \|w\|` (so the weighted sums of
    :func:`weighted_sum_steps` bound them by :math:`\lambda_{\max}`); :math:`A^\top Ax = \lambda x` gives
    :math:`AA^\top(Ax) = \lambda Ax` (so :math:`\|A^\top\| = \|A\|`).
    """
    from ._common import canonical_sums, kron_sum

    n = sp.Symbol("n", integer=True, positive=True)
    Q, Lam, B = (sp.MatrixSymbol(name, n, n) for name in ("Q", "Lambda", "B"))
    A = sp.MatrixSymbol("A", n, sp.Symbol("d", integer=True, positive=True))
    u, w = sp.MatrixSymbol("u", n, 1), sp.MatrixSymbol("w", n, 1)
    x = sp.MatrixSymbol("x", A.shape[1], 1)
    ev = sp.Symbol("lambda_u", real=True)
    orth, spec = {(Q.T, Q): ()}, {(B,): (Q, Lam, Q.T)}
    out: Steps = []
    out.append(("eigenpair: B u = lambda u gives u^T B u = lambda u^T u = lambda for a unit u (matrix symbols, "
                "n symbolic)", _vanishes(_matmul_rewrite(u.T * B * u, {(B, u): (ev, u)}) - ev * (u.T * u))))
    v = Q * w
    quad = _matmul_rewrite(_matmul_rewrite(v.T * B * v, spec), orth) - w.T * Lam * w
    sq = _matmul_rewrite(_matmul_rewrite(v.T * B * B * v, spec), orth) - w.T * Lam * Lam * w
    norm = _matmul_rewrite(v.T * v, orth) - w.T * w
    out.append(("eigen-coordinates: B = Q Lambda Q^T, Q^T Q = I, v = Q w give v^T B v = w^T Lambda w, "
                "v^T B^2 v = w^T Lambda^2 w, v^T v = w^T w (matrix symbols, n symbolic)",
                all(_vanishes(e) for e in (quad, sq, norm))))
    i, j = sp.symbols("i j", integer=True, positive=True)
    lam_i, w_i = sp.IndexedBase("lambda", real=True), sp.IndexedBase("w", real=True)
    for power in (1, 2):
        inner = kron_sum(w_i[i] * lam_i[i] ** power * sp.KroneckerDelta(i, j) * w_i[j], j, n, inside=(i,))
        diag = canonical_sums(sp.Sum(inner, (i, 1, n)))
        out.append((f"w^T Lambda^{power} w = sum_i sum_j w_i lambda_i^{power} delta_ij w_j = sum_j lambda_j^{power} "
                    "w_j^2 (Kronecker deltas contracted, n symbolic)",
                    sp.expand(diag - canonical_sums(sp.Sum(lam_i[i] ** power * w_i[i] ** 2, (i, 1, n)))) == 0))
    gram = _matmul_rewrite(A * A.T * (A * x), {(A.T, A, x): (ev, x)}) - ev * (A * x)
    out.append(("A^T A x = lambda x gives A A^T (A x) = lambda (A x): lambda_max(A A^T) = lambda_max(A^T A) = "
                "||A||^2, so ||A^T u||^2 = u^T A A^T u <= ||A||^2 ||u||^2 (matrix symbols)", _vanishes(gram)))
    return out


def record_weighted_sums(ch: Checks, statement: str, per_index: str) -> None:
    """Record :func:`weighted_sum_steps` as checks and as the chain step ``weighted sums`` (after ``per_index``)."""
    sums = weighted_sum_steps()
    for detail, ok in sums:
        ch.add("symbolic-general", "every n (index sums, n symbolic)", detail, ok)
    ch.step(("weighted sums", r"\textstyle\sum_k w_ka_k \le A\sum_k w_k"), "symbolic-general",
            "every n (index sums, n symbolic)", statement, all(ok for _, ok in sums),
            tex=r"A\textstyle\sum_k w_k - \sum_k w_k(A - g_k) = \sum_k w_kg_k \ge 0",
            hypotheses=(by_step("per-index bounds", per_index),))


def record_rayleigh(ch: Checks, glue: list[tuple[str, str, str, str]]) -> None:
    """Record :func:`rayleigh_steps` as checks, then a chain step per ``(name, name_tex, statement, tex)`` of ``glue``.

    Each step is symbolic-general over every n: its algebra is the checks, its hypotheses the ``weighted sums`` step
    and the spectral theorem (:data:`SPECTRAL`, an assumption: a theorem of linear algebra, not proved here).
    """
    ray = rayleigh_steps()
    for detail, ok in ray:
        ch.add("symbolic-general", "every n (matrix symbols, n symbolic)", detail, ok)
    for name, name_tex, statement, tex in glue:
        ch.step((name, name_tex), "symbolic-general", SCOPE, statement, all(ok for _, ok in ray), tex=tex,
                hypotheses=(by_step("the bound for every unit v", "weighted sums"), assumption(SPECTRAL)))
