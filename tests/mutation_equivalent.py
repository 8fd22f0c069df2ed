"""Surviving mutmut mutants that are equivalent (no test can or should tell them apart), one reason each.

Keyed by :func:`tests.mutation_report.mutant_key`: ``module.function | removed lines -> added lines``. An entry whose
mutant no longer survives is reported as stale by ``python -m tests.mutation_report``.
"""

from __future__ import annotations

__all__ = ["EQUIVALENT"]

EQUIVALENT: dict[str, str] = {
}
