r"""Symbolic proofs of the claims C1-C12 of ``CLAIMS.md``: one module per claim, exact SymPy.

Each module ``cNN_*.py`` exposes ``verify() -> dict`` with the claim's ``id``, ``title``, ``provenance``,
``verdict`` (``holds``, ``holds-with-correction`` or ``fails``), ``statement``, ``correction``, ``evidence``
(symbolic and numeric checks and their scope), ``key_numbers`` and a one-line ``summary``. Symbolic checks
are exact (``simplify(lhs - rhs) == 0``); numeric checks are labelled as such. ``python -m proofs``
(``make verify``) runs them all and writes ``paper/generated/claims.{json,tex}``.
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
)


def load(name: str) -> ModuleType:
    """Import the proof module ``proofs.<name>``."""
    if name not in MODULES:
        raise ValueError(f"name must be one of {', '.join(MODULES)}; got {name!r}")
    return importlib.import_module(f"{__name__}.{name}")
