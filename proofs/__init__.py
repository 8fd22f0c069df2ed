r"""Machine-checked proofs of the claims C1-C16 of ``CLAIMS.md``: one module per claim, exact SymPy.

Each module ``cNN_*.py`` exposes ``verify(*, quick=False) -> dict`` with the claim's ``id``, ``title``,
``provenance``, a computed ``verdict`` (``holds``, ``holds-with-correction`` or ``fails``), ``statement``,
``correction`` (each with its LaTeX: ``title_tex``, ``statement_tex``, ``correction_tex``), the claim's proof
chain ``steps`` (declared with ``Checks.step``: statement and LaTeX, kind, scope, hypotheses each carried by a
named step, another claim or an assumption) and its strength ``chain`` (the *weakest* step, the narrowest scope,
a label such as "symbolic-general except 1 prose-argument step: ..."), typed ``evidence`` (every check, a list
of ``{"kind", "scope", "detail", "passed"}``, ``kind`` one of ``proofs._common.EVIDENCE_KINDS``),
``strongest`` and ``evidence_by_kind``, ``key_numbers`` and a one-line ``summary``. A new claim's module only
declares its steps; the report, the README and ``make verify``'s regression check follow from them.
The every-n steps of C3-C7 are reduced to a few scalar variables and checked exactly in
``proofs/_lemmas.py``. ``python -m proofs`` (``make verify``) runs them all, writes
``paper/generated/claims.{json,tex}`` and exits 1 when a check errors, a verdict differs from the committed
report or a chain weakens (``--update`` accepts it); ``quick=True`` / ``--quick`` is the test tier's smaller profile.
"""

from __future__ import annotations

import importlib
from types import ModuleType

__all__ = ["MODULES", "load"]

MODULES = (
    "c01_well_defined",
    "c02_gradient",
    "c03_hessian",
    "c04_smoothness",
    "c05_strong_convexity",
    "c06_gradient_bound",
    "c07_bias",
    "c08_second_moment",
    "c09_second_moment_matrix",
    "c10_gamma",
    "c11_rate",
    "c12_cost",
    "c13_learning_curve",
    "c14_attention",
    "c15_overhead",
    "c16_budget",
)


def load(name: str) -> ModuleType:
    """Import the proof module ``proofs.<name>``."""
    if name not in MODULES:
        raise ValueError(f"name must be one of {', '.join(MODULES)}; got {name!r}")
    return importlib.import_module(f"{__name__}.{name}")
