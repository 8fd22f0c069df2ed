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
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import Any

import numpy as np
import sympy as sp

__all__ = [
    "EVIDENCE_KINDS",
    "FLOAT_RTOL",
    "HYPOTHESIS_STATUSES",
    "PROVENANCES",
    "STRONG_KINDS",
    "VERDICTS",
    "Checks",
    "Hypothesis",
    "Step",
    "assumption",
    "by_claim",
    "by_kind",
    "by_step",
    "canonical_sums",
    "chain_summary",
    "fmt",
    "in_range",
    "is_zero",
    "kron_sum",
    "lambdify_flat",
    "matrix_is_zero",
    "nonneg_certificate",
    "outward",
    "propagate_citations",
    "result",
    "round_down",
    "round_up",
    "strongest",
    "tex_text",
    "tex_text_lenient",
    "weakest_of",
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
    refutes: bool = False


# How a step's hypothesis is carried: by a named step of this claim's chain (whose kind then counts), by another
# claim's verdict (its own chain carries it), or as an assumption of the claim (stated, never proved).
HYPOTHESIS_STATUSES = ("step", "claim", "assumption")


@dataclass(frozen=True)
class Hypothesis:
    """A hypothesis a step uses: ``text``, how it is carried (``status``, :data:`HYPOTHESIS_STATUSES`) and ``by``."""

    text: str
    status: str
    by: str = ""

    def as_dict(self) -> dict[str, str]:
        out = {"text": self.text, "status": self.status}
        if self.by:
            out["by"] = self.by
        return out


def by_step(text: str, step: str) -> Hypothesis:
    """A hypothesis discharged by the step named ``step`` of the same claim's chain."""
    return Hypothesis(text, "step", step)


def by_claim(text: str, claim: str) -> Hypothesis:
    """A hypothesis carried by another claim (``"C4"``): that claim's own chain says how strongly."""
    return Hypothesis(text, "claim", claim)


def assumption(text: str) -> Hypothesis:
    """A hypothesis of the claim itself (stated in its statement, never proved)."""
    return Hypothesis(text, "assumption")


@dataclass(frozen=True)
class Step:
    """One step of a claim's argument, in order: what it states (text and LaTeX), what carries it, its scope."""

    name: str
    name_tex: str
    statement: str
    statement_tex: str
    kind: str
    scope: str
    scope_tex: str
    general: bool
    hypotheses: tuple[Hypothesis, ...]
    passed: bool

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "name_tex": self.name_tex, "statement": self.statement,
                "statement_tex": self.statement_tex, "kind": self.kind, "scope": self.scope,
                "scope_tex": self.scope_tex, "covers_every_size": self.general,
                "hypotheses": [h.as_dict() for h in self.hypotheses], "passed": self.passed}


_TEX_TEXT = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
             "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}


def tex_text(text: str) -> str:
    r"""Plain words as LaTeX text: the specials escaped, nothing else (no math is guessed from ASCII)."""
    if any(ord(ch) > 127 for ch in text):
        raise ValueError(f"text must be ASCII (write math in the _tex field), got {text!r}")
    return "".join(_TEX_TEXT.get(ch, ch) for ch in text)


# Scope words that mean "every size": a step whose scope starts with one of them (and is not marked otherwise)
# covers every n (or d, k, r) it quantifies over.
_GENERAL_PREFIXES = ("every ", "any ", "all n", "all d")


@dataclass
class Checks:
    """The checks of one claim, in order, each a :class:`Record`."""

    records: list[Record] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)

    def step(self, name: str | tuple[str, str], kind: str, scope: str | tuple[str, str], statement: str,
             passed: Any, *, tex: str, hypotheses: tuple[Hypothesis, ...] = (), general: bool | None = None) -> bool:
        r"""Record a step of the claim's argument (in order) and its check; returns ``passed`` as a bool.

        ``name`` (plain, or ``(plain, LaTeX)``) is the short label the tables print, e.g.
        ``("H0 >= Hess L", r"H_0 \succeq \nabla^2 L")``; ``tex`` the statement in LaTeX (``sympy.latex`` of the
        derived expressions); ``scope`` plain or ``(plain, LaTeX)``; ``general`` whether the step covers every
        size it quantifies over (default: its scope starts with "every", "any" or "all n/d"). A prose step is
        ``kind="prose-argument"`` with ``passed=True``: it is counted and labelled, never hidden.
        """
        name_txt, name_tex = (name, tex_text(name)) if isinstance(name, str) else name
        scope_txt, scope_tex = (scope, tex_text(scope)) if isinstance(scope, str) else scope
        if any(s.name == name_txt for s in self.steps):
            raise ValueError(f"name must be unique within a claim's chain, got {name_txt!r} twice")
        if not tex:
            raise ValueError("tex must be the step's statement in LaTeX")
        ok = self.add(kind, scope_txt, statement, passed)
        if general is None:
            general = scope_txt.lower().startswith(_GENERAL_PREFIXES)
        self.steps.append(Step(name_txt, name_tex, statement, tex, kind, scope_txt, scope_tex, bool(general),
                               tuple(hypotheses), ok))
        return ok

    def add(self, kind: str, scope: str, detail: str, passed: Any) -> bool:
        """Record a check of evidence ``kind`` over ``scope``; returns ``passed`` as a bool."""
        if kind not in EVIDENCE_KINDS:
            raise ValueError(f"kind must be one of {EVIDENCE_KINDS}, got {kind!r}")
        if not scope or not detail:
            raise ValueError("scope and detail must be non-empty strings")
        self.records.append(Record(kind, scope, detail, bool(passed)))
        return bool(passed)

    def finding(self, kind: str, scope: str, detail: str, deviates: Any, passed: Any = True, *,
                refutes: bool = False) -> bool:
        """Record a computed comparison of the reconstructed statement with the derived one.

        ``deviates`` (computed, never typed in) True makes the verdict ``holds-with-correction``, or ``fails``
        when ``refutes`` (the derived statement contradicts a part of the claim as stated, rather than sharpening
        a constant); ``passed`` False (the comparison itself could not be established) makes it ``fails``.
        """
        self.add(kind, scope, detail, passed)
        rec = self.records.pop()
        self.records.append(Record(rec.kind, rec.scope, rec.detail, rec.passed, bool(deviates), True,
                                   bool(refutes)))
        return bool(deviates)

    @property
    def refuted(self) -> bool:
        return any(r.deviates and r.refutes for r in self.records)

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
                if r.refutes:
                    item["refutes_claim_as_stated"] = r.deviates
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


def _plural(n: int, word: str) -> str:
    return f"{n} {word} step" + ("" if n == 1 else "s")


def chain_summary(steps: list[Step]) -> dict[str, Any]:
    r"""The claim's strength from its chain: its *weakest* step, the narrowest scope, and a label.

    ``weakest``: the weakest kind over the steps (order :data:`EVIDENCE_KINDS`); ``every_size``: every step
    covers every size (only then may a table say "for every n"); ``scope``: the scopes of the steps that do not
    (the narrowest), or the general scope when all do; ``label``/``label_tex``: e.g. "symbolic-general except 1
    prose-argument step: H0 >= Hess L", the strongest kind and the steps weaker than it, by kind, with their
    names; ``counts``: steps per kind.
    """
    if not steps:
        raise ValueError("steps must list at least one step of the claim's argument")
    rank = EVIDENCE_KINDS.index
    strongest_kind = min((s.kind for s in steps), key=rank)
    weakest_kind = max((s.kind for s in steps), key=rank)
    every = all(s.general for s in steps)
    narrow = [s for s in steps if not s.general] or [s for s in steps if s.kind == weakest_kind]
    scopes = list(dict.fromkeys(s.scope for s in narrow))
    scopes_tex = list(dict.fromkeys(s.scope_tex for s in narrow))
    parts, parts_tex = [], []
    for kind in EVIDENCE_KINDS:
        weaker = [s for s in steps if s.kind == kind and kind != strongest_kind]
        if weaker and (kind == "prose-argument" or len(weaker) <= 2):  # name them
            parts.append(_plural(len(weaker), kind) + ": " + "; ".join(s.name for s in weaker))
            parts_tex.append(tex_text(_plural(len(weaker), kind)) + ": "
                             + "; ".join(f"${s.name_tex}$" for s in weaker))
        elif weaker:  # many steps of one kind (e.g. per-size checks): counted, listed in ``steps``
            parts.append(_plural(len(weaker), kind))
            parts_tex.append(tex_text(_plural(len(weaker), kind)))
    label = strongest_kind + (" except " + ", ".join(parts) if parts else "")
    label_tex = tex_text(strongest_kind) + (" except " + ", ".join(parts_tex) if parts_tex else "")
    return {"weakest": weakest_kind, "strongest_step": strongest_kind, "every_size": every,
            "scope": "; ".join(scopes), "scope_tex": "; ".join(scopes_tex), "label": label, "label_tex": label_tex,
            "counts": {k: sum(s.kind == k for s in steps) for k in EVIDENCE_KINDS if any(s.kind == k for s in steps)},
            "prose_steps": sum(s.kind == "prose-argument" for s in steps)}


def _check_hypotheses(cid: str, steps: list[Step]) -> None:
    names = {s.name for s in steps}
    for s in steps:
        for h in s.hypotheses:
            if h.status not in HYPOTHESIS_STATUSES:
                raise ValueError(f"{cid}: hypothesis status must be one of {HYPOTHESIS_STATUSES}, got {h.status!r}")
            if h.status == "step" and h.by not in names:
                raise ValueError(f"{cid}: step {s.name!r} cites a step {h.by!r} that is not in the chain")
            if h.status == "claim" and not h.by.startswith("C"):
                raise ValueError(f"{cid}: step {s.name!r} cites claim {h.by!r}; expected an id like 'C4'")


def by_kind(evidence: list[dict[str, Any]]) -> dict[str, list[str]]:
    """``{kind: [scope, ...]}`` of the passed checks, kinds strongest first, scopes in order of first use."""
    out: dict[str, list[str]] = {}
    for kind in EVIDENCE_KINDS:
        for e in evidence:
            if e["passed"] and e["kind"] == kind and e["scope"] not in out.setdefault(kind, []):
                out[kind].append(e["scope"])
    return {k: v for k, v in out.items() if v}


def _checks_as_steps(checks: Checks) -> list[Step]:
    """Every check of a module that declared no steps, as an unnamed step each (conservative: the weakest counts)."""
    return [Step(f"check {i + 1}", tex_text(f"check {i + 1}"), r.detail, r"\text{a check of the module}", r.kind,
                 r.scope, tex_text_lenient(r.scope),
                 r.scope.lower().startswith(_GENERAL_PREFIXES), (), r.passed)
            for i, r in enumerate(checks.records)]


def tex_text_lenient(text: str) -> str:
    """:func:`tex_text` for text that may hold non-ASCII characters (each becomes ``?``, visible, never a TeX error)."""
    return tex_text("".join(ch if ord(ch) < 128 else "?" for ch in text))


def result(*, id: str, title: str, provenance: str, statement: str, checks: Checks, correction: str | None,
           key_numbers: dict[str, Any], summary: str, statement_tex: str | None = None,
           title_tex: str | None = None, correction_tex: str | None = None) -> dict[str, Any]:
    """The claim's verdict dictionary (the ``claims.json`` schema plus ``key_numbers`` and ``summary``).

    The verdict is computed: ``fails`` if a check failed (the failed checks become the counterexample),
    ``holds-with-correction`` if a finding deviates (``correction`` states the corrected claim), else
    ``holds`` (``correction`` is dropped); a refuting finding makes it ``fails`` with the corrected statement.
    ``steps`` lists the chain (:meth:`Checks.step`), ``chain`` its
    :func:`chain_summary`; ``*_tex`` carry the LaTeX of the statement, title and correction, so that no report
    converts text to math (a missing one prints as a red notice in the report, never as converted text).

    A module that declares no steps (one written before the chain existed) is as strong as its *weakest
    check*: every check becomes a step, which never overstates it; declaring the steps is how it says more.
    """
    if provenance not in PROVENANCES:
        raise ValueError(f"provenance must be one of {PROVENANCES}, got {provenance!r}")
    steps = checks.steps or _checks_as_steps(checks)
    _check_hypotheses(id, steps)
    if not checks.ok:
        verdict = "fails"
        correction = "Counterexample / failed checks: " + "; ".join(checks.failures())
        correction_tex = tex_text(correction)
    elif checks.refuted:  # a part of the claim is false as stated: the correction says so and restates it
        if not correction or not correction_tex or not correction.startswith("Fails as stated"):
            raise ValueError(f"{id}: a finding refutes the claim as stated; the correction must start with "
                             "'Fails as stated' and give the corrected statement (text and correction_tex)")
        verdict = "fails"
    elif checks.deviates:
        if not correction or not correction_tex:
            raise ValueError(f"{id}: a finding deviates from the reconstructed claim but no correction (text and "
                             "correction_tex) is stated")
        verdict = "holds-with-correction"
    else:
        verdict, correction, correction_tex = "holds", None, None
    evidence = checks.evidence()
    return {"id": id, "title": title, "title_tex": title_tex, "provenance": provenance, "verdict": verdict,
            "statement": statement, "statement_tex": statement_tex, "correction": correction,
            "correction_tex": correction_tex, "steps": [s.as_dict() for s in steps],
            "chain": chain_summary(steps), "evidence": evidence, "strongest": strongest(evidence),
            "evidence_by_kind": by_kind(evidence), "key_numbers": key_numbers, "summary": summary}


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



def kron_sum(summand: Any, k: sp.Symbol, n: sp.Symbol, inside: tuple[sp.Symbol, ...] = ()) -> Any:
    r"""Exact :math:`\sum_{k=1}^{n} \mathrm{summand}` for symbolic ``n``, in a canonical form.

    Kronecker deltas :math:`\delta_{ki}` are contracted by SymPy (``Sum.doit``); the free indices ``inside``
    are taken in :math:`1..n` (an assumption every index sum of the claims makes, recorded by the caller), and
    every remaining ``Sum`` is split into a product of its ``k``-free factors and the sum of the rest, so that
    two equal index expressions expand to the same polynomial in the remaining sums (compare with
    ``sp.expand(a - b) == 0``).
    """
    expr = sp.Sum(sp.expand(summand), (k, 1, n)).doit()
    return canonical_sums(in_range(expr, {s: n for s in inside}))


def in_range(expr: Any, bounds: dict[sp.Symbol, Any]) -> Any:
    """``expr`` with each ``Piecewise`` whose condition is only ``1 <= i <= bounds[i]`` replaced by its branch.

    The ranges of the free indices are the caller's assumption (an index of a sum over ``1..n`` lies in
    ``1..n``); any other ``Piecewise`` is left alone, so an unproved case split cannot vanish silently.
    """
    conds = set()
    for s, hi in bounds.items():
        conds |= {sp.Le(s, hi), sp.Ge(hi, s), sp.Ge(s, 1), sp.Le(1, s)}

    def first_true(pw: sp.Piecewise) -> Any:
        for e, c in pw.args:
            parts = set(c.args) if isinstance(c, sp.And) else {c}
            if c is sp.true or parts <= conds:
                return e
        return pw

    return sp.sympify(expr).replace(lambda e: isinstance(e, sp.Piecewise), first_true)


def canonical_sums(expr: Any) -> Any:
    """``expr`` with every ``Sum`` split term by term into (factors free of its index) x Sum(the rest), expanded."""
    def split(s: sp.Sum) -> Any:
        if len(s.limits) > 1:  # a multiple sum: the innermost limit first, each split in turn
            return split(sp.Sum(canonical_sums(sp.Sum(s.function, s.limits[0])), *s.limits[1:]))
        (idx, lo, hi), = s.limits
        out = sp.Integer(0)
        for term in sp.Add.make_args(sp.expand(s.function)):
            free, bound = [], []
            for fac in sp.Mul.make_args(term):
                (bound if idx in fac.free_symbols else free).append(fac)
            out += sp.Mul(*free) * (sp.Sum(sp.Mul(*bound), (idx, lo, hi)) if bound else (hi - lo + 1))
        return out

    return sp.expand(sp.sympify(expr).replace(lambda e: isinstance(e, sp.Sum), split))


def outward(lo: float, hi: float, digits: int) -> tuple[str, str]:
    """``[lo, hi]`` printed with ``digits`` decimals, rounded outward (``lo`` down, ``hi`` up): still a bracket."""
    if not lo <= hi:
        raise ValueError(f"lo must be <= hi, got lo={lo!r}, hi={hi!r}")
    scale = Decimal(1).scaleb(-digits)
    down = Decimal(repr(float(lo))).quantize(scale, rounding=ROUND_FLOOR)
    up = Decimal(repr(float(hi))).quantize(scale, rounding=ROUND_CEILING)
    return f"{down:.{digits}f}", f"{up:.{digits}f}"


def round_up(x: float, digits: int) -> str:
    """An upper bound ``x`` printed with ``digits`` decimals, rounded up (a printed bound stays a bound)."""
    return outward(x, x, digits)[1]


def round_down(x: float, digits: int) -> str:
    """A lower bound ``x`` printed with ``digits`` decimals, rounded down."""
    return outward(x, x, digits)[0]


def weakest_of(checks: Checks, names: tuple[str, ...]) -> str:
    """The weakest kind among the steps ``names`` of ``checks`` (the strength of a sub-chain, e.g. a general bound)."""
    kinds = [s.kind for s in checks.steps if s.name in names]
    if len(kinds) != len(names):
        raise ValueError(f"names must all be steps of the chain, got {names!r}")
    return max(kinds, key=EVIDENCE_KINDS.index)


def propagate_citations(results: list[dict[str, Any]]) -> None:
    """Add to each claim's ``chain`` the claims its steps cite (transitively) and the weakest kind through them.

    A step whose hypothesis is carried by another claim is only as strong as that claim's chain, so
    ``chain["cited_claims"]`` lists them, ``chain["weaker_cited_claims"]`` those whose chain is weaker than the
    claim's own, and ``chain["weakest_with_cited"]`` is the weakest kind over the claim's own steps and theirs
    (``proofs.__main__`` calls this on the whole report before writing it).
    """
    by_id = {r["id"]: r for r in results}

    def cited(cid: str, seen: set[str]) -> set[str]:
        out: set[str] = set()
        for st in by_id[cid].get("steps", []):
            for h in st.get("hypotheses", []):
                other = h.get("by", "")
                if h.get("status") == "claim" and other in by_id and other not in seen:
                    seen.add(other)
                    out |= {other} | cited(other, seen)
        return out

    for r in results:
        claims = sorted(cited(r["id"], {r["id"]}), key=lambda s: int(s[1:]))
        kinds = [r["chain"]["weakest"], *(by_id[c]["chain"]["weakest"] for c in claims)]
        own = EVIDENCE_KINDS.index(r["chain"]["weakest"])
        r["chain"]["cited_claims"] = claims
        r["chain"]["weaker_cited_claims"] = [c for c in claims
                                             if EVIDENCE_KINDS.index(by_id[c]["chain"]["weakest"]) > own]
        r["chain"]["weakest_with_cited"] = max(kinds, key=EVIDENCE_KINDS.index)
