r"""One source of truth: every symbolic result of ``proofs/`` is lambdified and compared with the library.

The proofs establish closed forms in exact arithmetic; these tests check that the library evaluates the
*same* closed forms (``second_moment_factor``, ``second_moment_matrix``, ``gamma``, ``gradient``, ``hessian``,
``B``, the β constants, ``residual_gradient_bound``, ``third_derivative_bound``, ``bias_bound``,
``direction_moment``, ``evaluations``) at random points, and that every proof module runs and returns a
verdict, equal to the committed ``paper/generated/claims.json``.

Tolerance: the two sides evaluate one closed form in different operation orders, so they agree to a few
hundred roundings: ``FLOAT_RTOL = 256 eps`` (relative).
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import numpy as np
import pytest
import sympy as sp
from proofs import MODULES, load
from proofs._common import (
    EVIDENCE_KINDS,
    FLOAT_RTOL,
    STRONG_KINDS,
    VERDICTS,
    Checks,
    lambdify_flat,
    nonneg_certificate,
    result,
    strongest,
)
from proofs._report import SCHEMA_KEYS
from proofs.c02_gradient import gradient_sym
from proofs.c03_hessian import B_formula_sym
from proofs.c04_smoothness import beta_bounds_sym, n2_exact, residual_bound_sym, rho
from proofs.c07_bias import bias_constant_sym, fourth_moment_norm_sym, third_derivative_constant_sym
from proofs.c08_second_moment import factor_sym
from proofs.c09_second_moment_matrix import DISTS, closed_form_sym, d_sym, k_sym, second_moment_matrix_sym
from proofs.c10_gamma import gamma_sym, r_sym
from proofs.c12_cost import evaluations_sym

import zosoftmax as zs

ROOT = Path(__file__).resolve().parents[1]


def close(a: object, b: object) -> bool:
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return bool(np.all(np.abs(a - b) <= FLOAT_RTOL * np.maximum(1.0, np.abs(b))))


@pytest.mark.parametrize("distribution", DISTS)
def test_second_moment_factor_is_the_proven_one(distribution: str) -> None:
    """Invariant: ``second_moment_factor(d, k, dist)`` = trace of C9's matrix per ``||g||^2`` (C8)."""
    fn = sp.lambdify((d_sym, k_sym), factor_sym(distribution))
    rng = np.random.default_rng(1)
    for d, k in rng.integers(1, 200, size=(50, 2)):
        assert close(zs.second_moment_factor(int(d), int(k), distribution), fn(int(d), int(k)))


@pytest.mark.parametrize("distribution", DISTS)
@pytest.mark.parametrize("d", [1, 2, 3, 7])
def test_second_moment_matrix_is_the_proven_one(distribution: str, d: int) -> None:
    """Invariant: ``second_moment_matrix(g, k, dist)`` = C9's exact ``(1/k)E[zz^T G zz^T] + (1 - 1/k)G``."""
    g = sp.Matrix(sp.symbols(f"g1:{d + 1}", real=True))
    fn = lambdify_flat([g, k_sym], second_moment_matrix_sym(g, distribution))
    rng = np.random.default_rng(d)
    for _ in range(10):
        gv, k = rng.normal(size=d), int(rng.integers(1, 9))
        assert close(zs.second_moment_matrix(gv, k, distribution), fn(gv, k))


def test_closed_forms_are_the_enumerated_moments_for_small_d() -> None:
    """The closed forms lambdified above are the ones C9 proves from the fourth moments (d <= 4)."""
    from proofs.c09_second_moment_matrix import fourth_moment_matrix_sym

    for d in (1, 2, 3, 4):
        g = sp.Matrix(sp.symbols(f"g1:{d + 1}", real=True))
        for dist in DISTS:
            assert sp.simplify(fourth_moment_matrix_sym(g, dist) - closed_form_sym(g, dist)) == sp.zeros(d, d)


@pytest.mark.parametrize("distribution", DISTS)
def test_gamma_is_the_proven_one(distribution: str) -> None:
    """Invariant: ``gamma`` = C10's exact sup (Gaussian, sphere) or proven bound (Rademacher)."""
    fn = sp.lambdify((d_sym, k_sym, r_sym), gamma_sym(distribution))
    rng = np.random.default_rng(2)
    for _ in range(50):
        d, k = int(rng.integers(1, 300)), int(rng.integers(1, 50))
        r = float(rng.uniform(1, d))
        assert close(zs.gamma(d, k, r, distribution), fn(d, k, r))


def test_gradient_is_the_derivative() -> None:
    """Invariant: the library gradient = SymPy's derivative of L (n = 3, d = 2), at random points (C2)."""
    o, g = gradient_sym(3, 2)
    fn = lambdify_flat([o["A"], o["b"], o["w"], o["x"], o["u"]], g)
    rng = np.random.default_rng(3)
    for _ in range(10):
        A, b, w, x = rng.normal(size=(3, 2)), rng.dirichlet(np.ones(3)), rng.uniform(0, 2, 3), rng.normal(size=2)
        p = zs.SoftmaxRegression(A, b, w)
        assert close(p.gradient(x), fn(A, b, w, x, np.exp(A @ x)).ravel())


@pytest.mark.parametrize("n", [2, 3, 5])
def test_B_and_hessian_are_the_proven_formula(n: int) -> None:
    """Invariant: the library ``B`` and ``hessian`` equal C3's ``B`` and ``A^T(B + W^2)A`` at random points.

    C3's formulas are proved equal to the second derivative.
    """
    f = sp.Matrix(sp.symbols(f"f1:{n + 1}", real=True))
    b = sp.Matrix(sp.symbols(f"b1:{n + 1}", real=True))
    fnB = lambdify_flat([f, b], B_formula_sym(f, b))
    rng = np.random.default_rng(n)
    for _ in range(10):
        d = int(rng.integers(1, 5))
        A, bv, w, x = rng.normal(size=(n, d)), rng.normal(size=n), rng.uniform(0, 2, n), rng.normal(size=d)
        p = zs.SoftmaxRegression(A, bv, w)
        Bsym = fnB(zs.softmax(A @ x), bv)
        assert close(p.B(x), Bsym)
        assert close(p.hessian(x), A.T @ (Bsym + np.diag(w**2)) @ A)


def test_beta_constants_and_residual_bound_are_the_proven_ones() -> None:
    """Invariant: ``beta_constants`` and ``residual_gradient_bound`` are C4's and C6's proven constants in ρ.

    ``beta_constants(b)`` = C4's proven ``(3/8 + ρ/2, 1/4 + ρ/2)`` and ``residual_gradient_bound(b)`` = C6's
    ``sqrt(1/2)(1 + ρ)/2``, as functions of ρ = max b - min b.
    """
    bp, bm = (sp.lambdify(rho, e) for e in beta_bounds_sym())
    rb = sp.lambdify(rho, residual_bound_sym())
    rng = np.random.default_rng(4)
    for _ in range(50):
        b = rng.normal(size=int(rng.integers(2, 9))) * rng.uniform(0, 2)
        r = float(np.max(b) - np.min(b))
        assert close(zs.beta_constants(b), (bp(r), bm(r)))
        assert close(zs.residual_gradient_bound(b), rb(r))


@pytest.mark.parametrize("bset", ["simplex", "ball"])
def test_beta_constants_dominate_the_exact_n2_suprema(bset: str) -> None:
    """Validity (a too-small β breaks smoothness).

    The library constants at the set's largest range are at least the exact n = 2 suprema of C4 and C6.
    """
    b = np.array([1.0, 0.0]) if bset == "simplex" else np.array([1.0, -1.0]) / math.sqrt(2)
    beta_plus, beta_minus = zs.beta_constants(b)
    assert beta_plus >= float(n2_exact("beta_plus", bset)[0])
    assert beta_minus >= float(n2_exact("beta_minus", bset)[0])
    assert zs.residual_gradient_bound(b) >= float(n2_exact("sc", bset)[0])


def test_third_derivative_and_bias_bounds_are_the_proven_ones() -> None:
    """Invariant: ``third_derivative_bound``, ``deviation_bound`` and ``bias_bound`` are C7's formulas.

    ``third_derivative_bound = ||A||^3 (3/2 + 7(1+ρ)/(4√2))``, ``deviation_bound`` = ``ε² M3 E||z||^4/6`` (central),
    ``(ε/2) ℓ (E||z||^4)^{3/4}`` (forward), with C7's moments, and ``bias_bound`` = the central form for both schemes
    (capped by the forward deviation form).
    """
    m3 = sp.lambdify(rho, third_derivative_constant_sym())
    rng = np.random.default_rng(5)
    for _ in range(10):
        n, d = int(rng.integers(2, 7)), int(rng.integers(1, 7))
        p = zs.random_instance(n, d, rng=rng, w=float(rng.uniform(0, 1)))
        normA = float(np.linalg.norm(p.A, 2))
        M3 = zs.third_derivative_bound(p)
        assert close(M3, normA**3 * m3(zs.target_range(p.b)))
        eps = float(rng.uniform(1e-4, 1e-1))
        for dist in DISTS:
            m4 = float(fourth_moment_norm_sym(dist).subs(d_sym, d))
            assert close(zs.direction_moment(d, dist, 4), m4)
            central = eps**2 * M3 * float(bias_constant_sym("central", dist).subs(d_sym, d))
            forward = eps * zs.smoothness_bound(p) * float(bias_constant_sym("forward", dist).subs(d_sym, d))
            assert close(zs.deviation_bound(p, eps, dist, "central"), central)
            assert close(zs.deviation_bound(p, eps, dist, "forward"), forward)
            assert close(zs.bias_bound(p, eps, dist, "central"), central)
            assert close(zs.bias_bound(p, eps, dist, "forward"), min(central, forward))  # E[fwd] = E[central]


def test_evaluations_are_the_counted_ones() -> None:
    """Invariant: ``evaluations(k, scheme)`` = ``2k`` / ``k + 1`` (C12)."""
    for k in range(1, 50):
        for scheme in ("central", "forward"):
            assert zs.evaluations(k, scheme) == int(evaluations_sym(scheme).subs(k_sym, k))


def test_every_proof_module_runs_and_matches_the_committed_report() -> None:
    """Each ``verify(quick=True)`` runs and returns the schema, a committed verdict, and typed evidence.

    The quick profile has fewer n in the numeric searches. The verdict is in the allowed set and equal to the committed
    ``claims.json`` (a regression in the library or in a proof changes a verdict and turns this red).
    """
    committed = {c["id"]: c for c in json.loads((ROOT / "paper" / "generated" / "claims.json").read_text())}
    assert sorted(committed) == sorted(f"C{i}" for i in range(1, len(MODULES) + 1))
    for name in MODULES:
        res = load(name).verify(quick=True)
        assert res["verdict"] in VERDICTS
        assert set(SCHEMA_KEYS) <= set(res)
        assert res["verdict"] != "fails" or res["correction"].startswith("Fails as stated"), res["correction"]
        assert res["verdict"] == committed[res["id"]]["verdict"], res["id"]
        assert res["evidence"]
        assert all(e["kind"] in EVIDENCE_KINDS and e["scope"] and e["detail"]
                                       for e in res["evidence"])
        assert res["strongest"] == strongest(res["evidence"])
        assert res["steps"]
        assert res["chain"]["weakest"] in EVIDENCE_KINDS
        assert res["chain"]["weakest"] == committed[res["id"]]["chain"]["weakest"], res["id"]
        assert all(st["statement_tex"] for st in res["steps"])
        assert res["statement_tex"]
        assert res["title_tex"]


def test_committed_report_has_typed_evidence_and_honest_words() -> None:
    """Invariant: every committed claim carries evidence of the allowed kinds and a computed ``strongest``.

    The words "proven", "tight" and "for every n/d" appear in a claim's own texts only when evidence of a strong kind
    (symbolic-general, certified-interval) backs it, and "tight" never (the n >= 3 suprema are numeric-search).
    """
    claims = json.loads((ROOT / "paper" / "generated" / "claims.json").read_text())
    for c in claims:
        assert c["evidence"], c["id"]
        assert all(e["kind"] in EVIDENCE_KINDS for e in c["evidence"]), c["id"]
        assert c["strongest"] == strongest(c["evidence"]), c["id"]
        refuted = any(e.get("refutes_claim_as_stated") for e in c["evidence"])
        assert all(e["passed"] for e in c["evidence"]) == (c["verdict"] != "fails" or refuted), c["id"]
        assert (c["verdict"] == "fails" and refuted) == str(c["correction"] or "").startswith("Fails as stated")
        # the chain: every step typed, its hypotheses carried; "for every size" only if every step covers it
        chain, steps = c["chain"], c["steps"]
        assert chain["weakest"] == max((st["kind"] for st in steps), key=EVIDENCE_KINDS.index), c["id"]
        assert chain["every_size"] == all(st["covers_every_size"] for st in steps), c["id"]
        assert chain["prose_steps"] == sum(st["kind"] == "prose-argument" for st in steps), c["id"]
        for st in steps:
            assert all(h["status"] in ("step", "claim", "assumption") for h in st["hypotheses"]), c["id"]
            if st["kind"] == "prose-argument":
                assert st["name"] in chain["label"], (c["id"], st["name"])  # prose is named, never hidden
        texts = " ".join(str(c.get(k) or "") for k in ("title", "correction", "summary")).lower()
        assert "tight" not in texts, c["id"]
        if re.search(r"proven|for every [nd]\b", texts):
            assert set(c["evidence_by_kind"]) & set(STRONG_KINDS), c["id"]


def test_a_failed_check_or_a_deviating_finding_changes_the_verdict() -> None:
    """The verdict is computed from the checks, never typed in.

    All pass -> holds (a correction text is dropped); a deviating finding -> holds-with-correction; a failed check ->
    fails, naming it.
    """
    kw = {"id": "C9", "title": "t", "provenance": "[derived]", "statement": "s", "key_numbers": {}, "summary": "x",
          "statement_tex": "s", "title_tex": "t", "correction_tex": "text"}
    ch = Checks()
    ch.step("an identity", "symbolic-general", "every d", "an identity", True, tex="a = a")
    assert result(checks=ch, correction="text", **kw)["verdict"] == "holds"
    assert result(checks=ch, correction="text", **kw)["correction"] is None
    ch.finding("symbolic-general", "every d", "differs from the reconstructed claim", deviates=True)
    assert result(checks=ch, correction="text", **kw)["verdict"] == "holds-with-correction"
    ch.add("numeric-search", "n <= 8", "a bound that broke", False)
    res = result(checks=ch, correction="text", **kw)
    assert res["verdict"] == "fails"
    assert "a bound that broke" in res["correction"]
    assert res["strongest"] == {"kind": "symbolic-general", "scope": "every d"}
    with pytest.raises(ValueError, match="kind"):
        ch.add("proof-by-intimidation", "all", "x", True)
    refuted = Checks()
    refuted.step("a half", "symbolic-general", "every d", "the half that holds", True, tex="x")
    refuted.finding("symbolic-general", "every d", "the other half is false", deviates=True, refutes=True)
    with pytest.raises(ValueError, match="Fails as stated"):
        result(checks=refuted, correction="text", **kw)
    res = result(checks=refuted, correction="Fails as stated: one half. Corrected: the other.",
                 **{**kw, "correction_tex": "Fails as stated"})
    assert res["verdict"] == "fails"
    assert res["evidence"][-1]["refutes_claim_as_stated"] is True


def test_the_chain_is_as_strong_as_its_weakest_step() -> None:
    """``chain_summary``: weakest kind, narrowest scope, prose steps named; "every size" only if all steps cover it.

    Hypotheses must cite a step of the chain, another claim, or be an assumption of the claim.
    """
    from proofs._common import assumption, by_step, chain_summary

    ch = Checks()
    ch.step("identity", "symbolic-general", "every n", "a = a", True, tex="a = a")
    assert chain_summary(ch.steps)["label"] == "symbolic-general"
    assert chain_summary(ch.steps)["every_size"] is True
    ch.step(("H0 >= Hess L", r"H_0 \succeq \nabla^2L"), "prose-argument", "every n", "argued in words", True,
            tex="H_0", hypotheses=(by_step("a = a", "identity"), assumption("rank A = d")))
    summary = chain_summary(ch.steps)
    assert summary["weakest"] == "prose-argument"
    assert summary["label"] == "symbolic-general except 1 prose-argument step: H0 >= Hess L"
    assert summary["label_tex"] == r"symbolic-general except 1 prose-argument step: $H_0 \succeq \nabla^2L$"
    assert summary["prose_steps"] == 1
    assert summary["every_size"] is True
    ch.step("n = 2 value", "symbolic-fixed-size", "n = 2", "exact at n = 2", True, tex="x")
    summary = chain_summary(ch.steps)
    assert summary["every_size"] is False
    assert summary["scope"] == "n = 2"  # the narrowest step's scope
    assert "1 symbolic-fixed-size step: n = 2 value" in summary["label"]
    bad = Checks()
    bad.step("s", "symbolic-general", "every n", "x", True, tex="x", hypotheses=(by_step("?", "no such step"),))
    with pytest.raises(ValueError, match="not in the chain"):
        result(id="C1", title="t", provenance="[paper]", statement="s", checks=bad, correction=None,
               key_numbers={}, summary="x", statement_tex="s", title_tex="t")
    with pytest.raises(ValueError, match="ASCII"):
        ch.step("x", "symbolic-general", "every n \u2264 3", "x", True, tex="x")


def test_a_claim_is_no_stronger_than_the_claims_it_cites() -> None:
    """``propagate_citations``: a step carried by another claim inherits that claim's weakest link, transitively."""
    from proofs._common import by_claim, propagate_citations

    def claim(cid: str, kind: str, cites: str | None) -> dict:
        ch = Checks()
        hyps = (by_claim("a fact", cites),) if cites else ()
        ch.step("s", kind, "every n", "x", True, tex="x", hypotheses=hyps)
        return result(id=cid, title="t", provenance="[derived]", statement="s", checks=ch, correction=None,
                      key_numbers={}, summary="x", statement_tex="s", title_tex="t")

    results = [claim("C1", "prose-argument", None), claim("C2", "symbolic-general", "C1"),
               claim("C3", "symbolic-general", "C2")]
    propagate_citations(results)
    c3 = results[2]["chain"]
    assert c3["cited_claims"] == ["C2", "C1"] or c3["cited_claims"] == ["C1", "C2"]
    assert c3["weaker_cited_claims"] == ["C1"]
    assert c3["weakest"] == "symbolic-general"
    assert c3["weakest_with_cited"] == "prose-argument"
    committed = json.loads((ROOT / "paper" / "generated" / "claims.json").read_text())
    by_id = {c["id"]: c for c in committed}
    for c in committed:  # the committed report is consistent with its own citations
        kinds = [c["chain"]["weakest"], *(by_id[o]["chain"]["weakest"] for o in c["chain"]["cited_claims"])]
        assert c["chain"]["weakest_with_cited"] == max(kinds, key=EVIDENCE_KINDS.index), c["id"]


def test_a_module_without_steps_is_as_strong_as_its_weakest_check() -> None:
    """A proof module written before the chain (no ``Checks.step``) still reports, conservatively.

    Each check is a step, so its weakest check is its weakest link; its missing LaTeX stays missing (the report
    shows a notice).
    """
    ch = Checks()
    ch.add("symbolic-general", "every n", "an identity", True)
    ch.add("numeric-search", "n <= 8", "a search", True)
    res = result(id="C14", title="t", provenance="[derived]", statement="s", checks=ch, correction=None,
                 key_numbers={}, summary="x")
    assert res["chain"]["weakest"] == "numeric-search"
    assert res["chain"]["every_size"] is False
    assert res["title_tex"] is None
    assert len(res["steps"]) == 2


def test_certificate_hypotheses_are_in_the_ledger() -> None:
    """Every hypothesis of the every-n certificates has a recorded discharge; an unlisted one is refused."""
    from proofs import _lemmas as L

    assert all(status in ("step", "claim", "definition", "assumption") for status, _ in L.HYPOTHESES.values())
    half, lam, sig = sp.Rational(1, 2), sp.Symbol("lambda", real=True), sp.Symbol("sigma2", real=True)
    terms = [(1, lam, lam - sig), (1, half - lam, lam), (half, half - lam)]
    good = sp.Rational(1, 4) - lam * sig
    assert L._certificate(good, terms, (lam, half - lam, sig, lam - sig))
    unlisted = sp.Symbol("zeta", real=True)
    assert not L._certificate(good + unlisted, [*terms, unlisted], (lam, half - lam, sig, lam - sig, unlisted))


def test_weighted_sum_glue_can_fail() -> None:
    """The weighted-sum certificates of C4/C6 need non-negative weights and gaps: a signed weight is rejected."""
    from proofs._common import canonical_sums
    from proofs._lemmas import weighted_sum_steps

    assert all(ok for _, ok in weighted_sum_steps())
    n, k = sp.Symbol("n", integer=True, positive=True), sp.Symbol("k", integer=True, positive=True)
    g, v = sp.IndexedBase("g", nonnegative=True), sp.IndexedBase("v", real=True)
    signed = canonical_sums(sp.Sum(v[k] * g[k], (k, 1, n)))  # a weight v_k of either sign
    assert signed.is_nonnegative is not True


def test_rayleigh_and_m3_glue_pass_and_can_fail() -> None:
    """The matrix-symbol and index-sum glue of C4, C6 and C7 passes, and a wrong rewrite or identity is refused.

    The Rayleigh steps rest on rewrites (Q^T Q = I, B u = lambda u): without the orthogonality rule v^T B v is not
    w^T Lambda w; the third derivative along a direction v scaled by a scales by a^3, so a square scaling is refused.
    """
    from proofs import _lemmas as L

    assert all(ok for _, ok in L.rayleigh_steps())
    assert all(ok for _, ok in L.m3_glue_steps())
    n = sp.Symbol("n", integer=True, positive=True)
    Q, Lam, B = (sp.MatrixSymbol(name, n, n) for name in ("Q", "Lambda", "B"))
    w = sp.MatrixSymbol("w", n, 1)
    quad = L._matmul_rewrite((Q * w).T * B * (Q * w), {(B,): (Q, Lam, Q.T)}) - w.T * Lam * w
    assert not L._vanishes(quad)  # Q^T Q = I not applied: not an identity
    assert L._vanishes(L._matmul_rewrite(quad, {(Q.T, Q): ()}))
    a = sp.Symbol("a", positive=True)
    phi3 = L._D(L._D(L._D(L.c**2 / 2)))
    scaled = phi3.subs({L.vt: a * L.vt, L.s2: a**2 * L.s2, L.k3: a**3 * L.k3}, simultaneous=True)
    assert L.is_zero(scaled - a**3 * phi3)
    assert not L.is_zero(scaled - a**2 * phi3)


def test_index_sums_and_outward_rounding_can_fail() -> None:
    """``kron_sum`` (C1, C3's every-n steps) tells a wrong index identity from a right one; bounds round outward."""
    from proofs._common import canonical_sums, kron_sum, outward, round_up

    n = sp.Symbol("n", integer=True, positive=True)
    k, i = sp.symbols("k i", integer=True, positive=True)
    f = sp.IndexedBase("f", real=True)
    total = kron_sum(sp.KroneckerDelta(k, i) * f[k] + f[k] ** 2, k, n, (i,))
    assert sp.expand(total - (f[i] + canonical_sums(sp.Sum(f[k] ** 2, (k, 1, n))))) == 0
    assert sp.expand(total - (2 * f[i] + canonical_sums(sp.Sum(f[k] ** 2, (k, 1, n))))) != 0
    assert outward(0.123449, 0.123451, 4) == ("0.1234", "0.1235")  # nearest would give 0.1234, 0.1235 too
    assert outward(0.12341, 0.12341, 4) == ("0.1234", "0.1235")  # a point: down and up
    assert round_up(0.7071067811865476, 3) == "0.708"  # sqrt(1/2): nearest would print 0.707 < the bound
    with pytest.raises(ValueError, match="lo must be"):
        outward(1.0, 0.0, 2)


def test_certified_bracket_ends_round_outward() -> None:
    """``float_outward``: the float below (above) the exact value, never the nearest one on the wrong side."""
    from proofs._certify import float_outward

    for x in (sp.sqrt(2), sp.Rational(1, 3), sp.Rational(55, 1152) * sp.sqrt(33) - sp.Rational(13, 384)):
        assert sp.Rational(float_outward(x, down=True)) < x < sp.Rational(float_outward(x, down=False))


def test_nonneg_certificates_can_fail() -> None:
    """The certificate checker rejects wrong certificates: the every-n steps of C4-C7 are checks that can fail.

    Rejected: a wrong constant, a factor that is not a hypothesis, a negative coefficient and a non-identity.
    """
    s, rho_, sig = sp.symbols("s rho_ sigma2", real=True)
    half = sp.Rational(1, 2)
    terms = [(1, s, half - sig), (1, rho_, half - sig), (half, half - s)]
    hyps = (s, rho_, sig, half - sig, half - s)
    good = sp.Rational(1, 4) + rho_ / 2 - (s + rho_) * sig
    assert nonneg_certificate(good, terms, hyps)
    assert not nonneg_certificate(good - sp.Rational(1, 100), terms, hyps)  # beta- a little too small
    assert not nonneg_certificate(sp.Rational(1, 4) + rho_ / 4 - (s + rho_) * sig, terms, hyps)  # no range term
    assert not nonneg_certificate(good, terms, hyps[:-1])  # 1/2 - s not a hypothesis
    assert not nonneg_certificate(-good, [(-1, *t[1:]) if isinstance(t, tuple) else t for t in terms], hyps)


def test_every_n_steps_all_pass_and_give_the_library_constants() -> None:
    """The machine-checked every-n chains (proofs/_lemmas.py) pass, and their constants are the library's."""
    from proofs import _lemmas as L

    for fn in (L.softmax_derivative_steps, L.split_steps, L.spectrum_steps):
        assert all(ok for _, ok in fn())
    rng = np.random.default_rng(6)
    for fn, lib in ((L.beta_plus_steps, lambda b: zs.beta_constants(b)[0]),
                    (L.beta_minus_steps, lambda b: zs.beta_constants(b)[1]),
                    (L.sc_steps, zs.residual_gradient_bound)):
        steps, target = fn()
        assert all(ok for _, ok in steps)
        f = sp.lambdify(L.rho, target)
        for _ in range(20):
            b = rng.normal(size=int(rng.integers(2, 9))) * rng.uniform(0, 2)
            assert close(lib(b), f(float(np.ptp(b))))
    steps, m3 = L.m3_steps()
    assert all(ok for _, ok in steps)
    f = sp.lambdify(L.rho, m3)
    for _ in range(10):
        p = zs.random_instance(3, 2, rng=rng)
        assert close(zs.third_derivative_bound(p), np.linalg.norm(p.A, 2) ** 3 * f(zs.target_range(p.b)))


def _claims_copy(tmp_path: Path, cid: str, verdict: str) -> Path:
    claims = json.loads((ROOT / "paper" / "generated" / "claims.json").read_text())
    for c in claims:
        if c["id"] == cid:
            c["verdict"] = verdict
    (tmp_path / "claims.json").write_text(json.dumps(claims))
    return tmp_path / "claims.json"


def test_verify_exits_nonzero_on_a_changed_verdict_and_update_accepts_it(tmp_path: Path) -> None:
    """``python -m proofs`` fails (exit 1, nothing written) when a verdict differs from the committed report.

    A change in either direction fails; ``--update`` accepts it and rewrites only what ran (``--only`` merges).
    """
    from proofs.__main__ import main

    path = _claims_copy(tmp_path, "C12", "fails")  # committed says fails, the code says holds
    before = path.read_text()
    assert main(["--only", "C12", "--outdir", str(tmp_path)]) == 1
    assert path.read_text() == before
    assert not (tmp_path / "claims.tex").exists()
    assert main(["--only", "C12", "--quick", "--outdir", str(tmp_path)]) == 1
    assert main(["--only", "C12", "--update", "--outdir", str(tmp_path)]) == 0
    after = {c["id"]: c for c in json.loads(path.read_text())}
    assert after["C12"]["verdict"] == "holds"
    assert len(after) == len(MODULES)
    assert after["C4"]["verdict"] == "holds-with-correction"  # untouched entries kept
    assert main(["--only", "C12", "--outdir", str(tmp_path)]) == 0  # now it matches
    _claims_copy(tmp_path, "C12", "holds")
    assert main(["--only", "C12", "--quick", "--outdir", str(tmp_path)]) == 0


def test_verify_exits_nonzero_when_a_chain_weakens(tmp_path: Path) -> None:
    """A committed chain stronger than the computed one (or covering every size where it no longer does) is exit 1."""
    from proofs.__main__ import main

    claims = json.loads((ROOT / "paper" / "generated" / "claims.json").read_text())
    for c in claims:
        if c["id"] == "C12":  # committed: exact-enumeration; pretend it was symbolic-general for every size
            c["chain"] = {**c["chain"], "weakest": "symbolic-general", "every_size": True}
    (tmp_path / "claims.json").write_text(json.dumps(claims))
    assert main(["--only", "C12", "--quick", "--outdir", str(tmp_path)]) == 1
    assert main(["--only", "C12", "--update", "--outdir", str(tmp_path)]) == 0
    assert main(["--only", "C12", "--quick", "--outdir", str(tmp_path)]) == 0


def test_verify_exits_nonzero_when_a_check_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A proof module that raises makes the exit status 1 and writes nothing, even with ``--update``."""
    from proofs import c12_cost
    from proofs.__main__ import main

    def broken(*, quick: bool = False) -> dict:
        raise RuntimeError("planted")

    _claims_copy(tmp_path, "C12", "holds")
    monkeypatch.setattr(c12_cost, "verify", broken)
    assert main(["--only", "C12", "--update", "--outdir", str(tmp_path)]) == 1
    assert not (tmp_path / "claims.tex").exists()
    with pytest.raises(SystemExit) as exc:
        main(["--quick", "--update"])
    assert exc.value.code == 2


@pytest.mark.parametrize("quantity", ["beta_plus", "beta_minus", "sc"])
def test_certified_n3_bracket_holds_and_a_lower_constant_is_refused(quantity: str) -> None:
    """The n = 3 (simplex targets) certificate of C4/C6 succeeds just above the n = 2 sup and fails just below.

    It succeeds at the n = 2 sup + 1e-6 and fails, with a counterexample corner, at the n = 2 sup - 1e-5: the
    exact-rational branch and bound can fail.
    """
    from fractions import Fraction

    from proofs import _certify as C

    value = n2_exact(quantity, "simplex")[0]
    res = C.certify_n3(quantity, value)
    assert res["certified"]
    assert 0 < res["upper"] - res["lower"] <= float(C.WIDTH)
    if quantity == "sc":
        polys = C.n3_polynomials("sc_squared", C.rational_above(sp.nsimplify(value) ** 2) - Fraction(1, 10**5))
    else:
        polys = C.n3_polynomials(quantity, C.rational_above(value) - Fraction(1, 10**5))
    assert not all(C.certify_positive(p, max_boxes=5000)[0] for p in polys)


def test_no_claim_module_reads_a_committed_output() -> None:
    """The claim modules recompute their evidence: none names paper/generated or figures, or reads a JSON file.

    (``proofs/__main__.py`` and ``proofs/_report.py`` write and compare the report; they are not claim modules.)
    """
    for name in MODULES:
        source = (ROOT / "proofs" / f"{name}.py").read_text(encoding="utf-8")
        for banned in ('"generated"', '"figures"', "json.load", "read_text("):
            assert banned not in source, (name, banned)
