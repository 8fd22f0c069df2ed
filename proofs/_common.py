r"""Shared helpers of the proof modules: exact zero tests, check records, the result dictionary.

A proof module records every check it makes with :class:`Checks`: symbolic checks are exact (SymPy,
``simplify(lhs - rhs) == 0``, never a float tolerance); numeric checks are labelled as such and carry
their scope. The verdict of a claim is computed from the checks, never written by hand over them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import sympy as sp

__all__ = ["VERDICTS", "PROVENANCES", "FLOAT_RTOL", "Checks", "is_zero", "matrix_is_zero", "result", "fmt",
           "lambdify_flat"]

VERDICTS = ("holds", "holds-with-correction", "fails")
PROVENANCES = ("[paper]", "[MeZO]", "[derived]", "[paper] / [derived]", "[MeZO] / [derived]",
               "[MeZO] / [paper]", "[paper] / [MeZO]")

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


@dataclass
class Checks:
    """The checks of one claim: ``(kind, description, passed)`` with kind ``symbolic`` or ``numeric``."""

    records: list[tuple[str, str, bool]] = field(default_factory=list)

    def symbolic(self, description: str, passed: bool) -> bool:
        self.records.append(("symbolic", description, bool(passed)))
        return bool(passed)

    def numeric(self, description: str, passed: bool) -> bool:
        self.records.append(("numeric", description, bool(passed)))
        return bool(passed)

    @property
    def ok(self) -> bool:
        return all(p for _, _, p in self.records)

    def failures(self) -> list[str]:
        return [f"[{k}] {d}" for k, d, p in self.records if not p]

    def evidence(self, scope: str) -> dict[str, Any]:
        return {
            "symbolic": [("PASS: " if p else "FAIL: ") + d for k, d, p in self.records if k == "symbolic"],
            "numeric": [("PASS: " if p else "FAIL: ") + d for k, d, p in self.records if k == "numeric"],
            "scope": scope,
        }


def result(*, id: str, title: str, provenance: str, statement: str, checks: Checks, scope: str,
           verdict_if_ok: str, correction: str | None, key_numbers: dict[str, Any], summary: str) -> dict[str, Any]:
    """The claim's verdict dictionary (the ``claims.json`` schema plus ``key_numbers`` and ``summary``).

    ``verdict_if_ok`` is the verdict when every check passes (``holds`` or ``holds-with-correction``);
    any failed check makes the verdict ``fails`` and the failed checks become the counterexample.
    """
    if verdict_if_ok not in VERDICTS[:2]:
        raise ValueError(f"verdict_if_ok must be 'holds' or 'holds-with-correction', got {verdict_if_ok!r}")
    if provenance not in PROVENANCES:
        raise ValueError(f"provenance must be one of {PROVENANCES}, got {provenance!r}")
    if checks.ok:
        verdict = verdict_if_ok
    else:
        verdict = "fails"
        correction = "Counterexample / failed checks: " + "; ".join(checks.failures())
    if verdict == "holds":
        correction = None
    return {"id": id, "title": title, "provenance": provenance, "verdict": verdict, "statement": statement,
            "correction": correction, "evidence": checks.evidence(scope), "key_numbers": key_numbers,
            "summary": summary}


def fmt(x: Any, digits: int = 4) -> str:
    """A float (or SymPy number) as a short string for tables."""
    return f"{float(x):.{digits}g}"


def lambdify_flat(groups: list[Any], expr: Any) -> Any:
    """``lambdify`` over the flattened symbols of ``groups`` (matrices or symbols); the returned function
    takes one array (or scalar) per group, in order, and returns a float ndarray shaped like ``expr``."""
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
