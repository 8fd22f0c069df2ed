r"""Tests written for mutants that survived ``make mutation`` (docs/mutation.md): each names the invariant it adds.

They are ordinary fast-tier tests; mutmut's selection (``[tool.mutmut]`` in pyproject.toml) includes this file, so a
new test here is picked up by an incremental ``mutmut run``.
"""

from __future__ import annotations
