r"""Shared helpers of the proof modules: exact zero tests, nonnegativity certificates, typed evidence, the result.

Every check a proof module makes is recorded with :class:`Checks` as typed evidence
``{"kind", "scope", "detail", "passed"}``: ``kind`` (one of :data:`EVIDENCE_KINDS`) says what carries the
check, ``scope`` for which n, d, k and distributions it holds. Symbolic checks are exact (SymPy,
``simplify(lhs - rhs) == 0``, never a float tolerance). The verdict of a claim is computed from the checks:
any failed check makes it ``fails``; a *finding* (a computed comparison of the reconstructed statement with
the derived one) that deviates makes it ``holds-with-correction``; otherwise ``holds``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import sympy as sp

__all__ = [
    "EVIDENCE_KINDS",
    "FLOAT_RTOL",
    "PROVENANCES",
    "STRONG_KINDS",
    "VERDICTS",
    "Checks",
    "by_kind",
    "fmt",
    "is_zero",
    "lambdify_flat",
    "matrix_is_zero",
    "nonneg_certificate",
    "result",
    "strongest",
]

VERDICTS = ("holds", "holds-with-correction", "fails")
PROVENANCES = ("[paper]", "[MeZO]", "[derived]", "[paper] / [derived]", "[MeZO] / [derived]",
               "[MeZO] / [paper]", "[paper] / [MeZO]")
# Strongest first. symbolic-general: an exact SymPy argument with the size (n, d, k) symbolic or covering every
# size by a reduction to a few scalar variables; certified-interval: rigorous interval arithmetic on a compact
# domain; symbolic-fixed-size: exact SymPy at explicit sizes; exact-enumeration: an expectation computed over every
# outcome of a finite law; numeric-search: float64 evaluations at random or adversarially searched points;
# statistical-test: Monte-Carlo with a confidence level; prose-argument: a step argued in words only.
EVIDENCE_KINDS = ("symbolic-general", "certified-interval", "symbolic-fixed-size", "exact-enumeration",
                  "numeric-search", "statistical-test", "prose-argument")
STRONG_KINDS = ("symbolic-general", "certified-interval")  # the only kinds that may carry "proven"/"for every n"

# Relative tolerance for comparing two float64 evaluations of one closed form computed in different
# orders (library vs lambdified SymPy): a few hundred roundings of size eps = 2.2e-16 at most.
FLOAT_RTOL = 256 * np.finfo(np.float64).eps


def is_zero(expr: Any) -> bool:
    """Exact test ``simplify(expr) == 0`` (SymPy); never a float tolerance.

    Polynomials are expanded in SymPy's sparse polynomial ring (exact and much faster than ``expand``);
    rational functions are brought to a canonical ``cancel`` form; anything else goes to ``simplify``.
    """
    expr = sp.sympify(expr)
    if expr == 0:
        return True
    syms = sorted(expr.free_symbols, key=str)
    if syms and expr.is_polynomial(*syms):
        return bool(sp.Poly(expr, *syms).is_zero)
    num, _ = sp.fraction(sp.together(expr))  # a rational function is 0 iff its numerator polynomial is 0
    nsyms = sorted(num.free_symbols, key=str)
    if nsyms and num.is_polynomial(*nsyms) and sp.Poly(num, *nsyms).is_zero:
        return True
    reduced = sp.cancel(sp.together(expr))  # exact for rational functions: the canonical form of 0 is 0
    if reduced == 0:
        return True
    return bool(sp.simplify(reduced) == 0)


def matrix_is_zero(M: Any) -> bool:
    """Exact entrywise :func:`is_zero` of a SymPy matrix."""
    return all(is_zero(e) for e in sp.Matrix(M))


def nonneg_certificate(expr: Any, terms: list[Any], hypotheses: tuple[Any, ...] = ()) -> bool:
    r"""Exact certificate that ``expr >= 0`` wherever every expression in ``hypotheses`` is ``>= 0``.

    ``terms`` is a list of products, each a tuple ``(coefficient, factor, factor, ...)`` (or a bare
    expression, a one-factor product with coefficient 1). The certificate holds when ``expr`` minus the sum
    of the products is identically 0 (exact SymPy) and every coefficient is a non-negative number and every
    factor is a hypothesis or non-negative by SymPy's assumptions alone (a square of a real expression, a
    symbol declared non-negative, a positive constant). This is a sum-of-squares / sign argument in the few
    scalar variables a general-n step reduces to. Returns False (never raises) when any part fails, so an
    invalid inequality turns the check red.
    """
    hyps = [sp.expand(sp.sympify(h)) for h in hypotheses]
    total = sp.Integer(0)
    for term in terms:
        coeff, *factors = term if isinstance(term, tuple) else (1, term)
        coeff = sp.sympify(coeff)
        if not (coeff.is_number and bool(coeff >= 0)):
            return False
        prod = coeff
        for fac in factors:
            fac = sp.sympify(fac)
            if not (sp.expand(fac) in hyps or bool(fac.is_nonnegative)):
                return False
            prod *= fac
        total += prod
    return is_zero(sp.expand(sp.sympify(expr) - total))


@dataclass(frozen=True)
class Record:
    """One check: its evidence ``kind``, ``scope``, ``detail`` and outcome; ``deviates`` marks a finding."""

    kind: str
    scope: str
    detail: str
    passed: bool
    deviates: bool = False
    finding: bool = False


@dataclass
class Checks:
    """The checks of one claim, in order, each a :class:`Record`."""

    records: list[Record] = field(default_factory=list)

    def add(self, kind: str, scope: str, detail: str, passed: Any) -> bool:
        """Record a check of evidence ``kind`` over ``scope``; returns ``passed`` as a bool."""
        if kind not in EVIDENCE_KINDS:
            raise ValueError(f"kind must be one of {EVIDENCE_KINDS}, got {kind!r}")
        if not scope or not detail:
            raise ValueError("scope and detail must be non-empty strings")
        self.records.append(Record(kind, scope, detail, bool(passed)))
        return bool(passed)

    def finding(self, kind: str, scope: str, detail: str, deviates: Any, passed: Any = True) -> bool:
        """Record a computed comparison of the reconstructed statement with the derived one.

        ``deviates`` (computed, never typed in) True makes the verdict ``holds-with-correction``; ``passed``
        False (the comparison itself could not be established) makes it ``fails``.
        """
        self.add(kind, scope, detail, passed)
        rec = self.records.pop()
        self.records.append(Record(rec.kind, rec.scope, rec.detail, rec.passed, bool(deviates), True))
        return bool(deviates)

    @property
    def ok(self) -> bool:
        return all(r.passed for r in self.records)

    @property
    def deviates(self) -> bool:
        return any(r.deviates for r in self.records)

    def failures(self) -> list[str]:
        return [f"[{r.kind}, {r.scope}] {r.detail}" for r in self.records if not r.passed]

    def evidence(self) -> list[dict[str, Any]]:
        """The ``evidence`` list of ``claims.json``."""
        out = []
        for r in self.records:
            item: dict[str, Any] = {"kind": r.kind, "scope": r.scope, "detail": r.detail, "passed": r.passed}
            if r.finding:
                item["deviates_from_reconstructed_claim"] = r.deviates
            out.append(item)
        return out


def strongest(evidence: list[dict[str, Any]]) -> dict[str, Any]:
    """The strongest evidence kind among the *passed* checks and the union of its scopes (in order)."""
    passed = [e for e in evidence if e["passed"]]
    if not passed:
        return {"kind": None, "scope": ""}
    kind = min((e["kind"] for e in passed), key=EVIDENCE_KINDS.index)
    scopes: list[str] = []
    for e in passed:
        if e["kind"] == kind and e["scope"] not in scopes:
            scopes.append(e["scope"])
    return {"kind": kind, "scope": "; ".join(scopes)}


def by_kind(evidence: list[dict[str, Any]]) -> dict[str, list[str]]:
    """``{kind: [scope, ...]}`` of the passed checks, kinds strongest first, scopes in order of first use."""
    out: dict[str, list[str]] = {}
    for kind in EVIDENCE_KINDS:
        for e in evidence:
            if e["passed"] and e["kind"] == kind and e["scope"] not in out.setdefault(kind, []):
                out[kind].append(e["scope"])
    return {k: v for k, v in out.items() if v}


def result(*, id: str, title: str, provenance: str, statement: str, checks: Checks, correction: str | None,
           key_numbers: dict[str, Any], summary: str) -> dict[str, Any]:
    """The claim's verdict dictionary (the ``claims.json`` schema plus ``key_numbers`` and ``summary``).

    The verdict is computed: ``fails`` if a check failed (the failed checks become the counterexample),
    ``holds-with-correction`` if a finding deviates (``correction`` states the corrected claim), else
    ``holds`` (``correction`` is dropped).
    """
    if provenance not in PROVENANCES:
        raise ValueError(f"provenance must be one of {PROVENANCES}, got {provenance!r}")
    if not checks.ok:
        verdict = "fails"
        correction = "Counterexample / failed checks: " + "; ".join(checks.failures())
    elif checks.deviates:
        if not correction:
            raise ValueError(f"{id}: a finding deviates from the reconstructed claim but no correction is stated")
        verdict = "holds-with-correction"
    else:
        verdict, correction = "holds", None
    evidence = checks.evidence()
    return {"id": id, "title": title, "provenance": provenance, "verdict": verdict, "statement": statement,
            "correction": correction, "evidence": evidence, "strongest": strongest(evidence),
            "evidence_by_kind": by_kind(evidence),
            "key_numbers": key_numbers, "summary": summary}


def fmt(x: Any, digits: int = 4) -> str:
    """A float (or SymPy number) as a short string for tables."""
    return f"{float(x):.{digits}g}"


def lambdify_flat(groups: list[Any], expr: Any) -> Any:
    """``lambdify`` over the flattened symbols of ``groups`` (matrices or symbols).

    The returned function takes one array (or scalar) per group, in order, and returns a float ndarray shaped like
    ``expr``.
    """
    sizes, flat = [], []
    for g in groups:
        syms = list(sp.Matrix(g)) if isinstance(g, (sp.MatrixBase, list, tuple)) else [g]
        sizes.append(len(syms))
        flat.extend(syms)
    fn = sp.lambdify(flat, expr, "numpy")

    def call(*values: Any) -> np.ndarray:
        if len(values) != len(groups):
            raise ValueError(f"expected {len(groups)} arguments, got {len(values)}")
        args: list[Any] = []
        for v, m in zip(values, sizes, strict=True):
            arr = np.ravel(np.asarray(v, dtype=float))
            if arr.size != m:
                raise ValueError(f"argument of size {arr.size} where {m} symbols were expected")
            args.extend(arr.tolist())
        return np.asarray(fn(*args), dtype=float)

    return call

