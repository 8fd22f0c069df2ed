"""The designed test selection per module for ``make mutation`` (mutmut): a pytest collection hook.

mutmut runs, per mutant, every selected test that calls the mutated function; for functions that every test calls
(``SoftmaxRegression.loss``, ``softmax``) that is the whole selection, about 80 s per surviving mutant. Inside a
mutant's run (``MUTANT_UNDER_TEST`` names ``zosoftmax.<module>.<function>__mutmut_<n>``) this hook keeps only the
files designed for that module: the properties of its own claims, the validation and guard tests, and
``tests/test_mutation_kills.py``. In mutmut's stats and clean runs it changes nothing; outside mutmut (the suite) it
drops the copies that ``tests/test_mutation_kills.py`` re-exports from files outside the pool.
"""

from __future__ import annotations

import os
import re
from typing import Any

__all__ = ["SELECTION", "pytest_collection_modifyitems"]

_COMMON = ("test_validation", "test_guards", "test_mutation_kills")
SELECTION: dict[str, tuple[str, ...]] = {
    "problem": ("test_derivatives", "test_invariances", "test_api", "test_fast_paths", "test_rows", *_COMMON),
    "estimators": ("test_moments", "test_bias", "test_fast_paths", "test_descent", "test_noise", *_COMMON),
    "bias": ("test_bias", "test_bias_sharp", "test_rows", *_COMMON),
    "bounds": ("test_bounds", "test_descent", "test_invariances", "test_rows", *_COMMON),
    "prediction": ("test_prediction", "test_moments", "test_plan", "test_thresholds", "test_closure", "test_noise",
                   "test_rows", *_COMMON),
    "optimize": ("test_optimize", "test_fast_paths", "test_descent", "test_noise", *_COMMON),
    "attention": ("test_attention_model", "test_attention_head", *_COMMON),
}


def _keep(items: list[Any], keep: Any, config: Any) -> None:
    deselected = [item for item in items if not keep(item)]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = [item for item in items if keep(item)]


def _copy(item: Any) -> bool:
    """A test collected in a file other than the one defining it: ``tests/test_mutation_kills.py`` re-exports some."""
    function = getattr(item, "function", None)
    return function is not None and function.__module__ != item.module.__name__


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    """In a mutant's run, deselect the tests outside its module's designed selection; outside mutmut, the copies.

    ``tests/test_mutation_kills.py`` re-exports tests of files outside mutmut's pool (the proof-agreement tests of
    ``tests/test_proofs.py``), so that mutmut runs them; the plain suite runs each once, where it is defined.
    """
    if "MUTANT_UNDER_TEST" not in os.environ:  # not under mutmut (it sets the variable for every run it makes)
        _keep(items, lambda item: not _copy(item), config)
        return
    match = re.match(r"zosoftmax\.(\w+)\.", os.environ.get("MUTANT_UNDER_TEST", ""))
    if match is None or match.group(1) not in SELECTION:
        return
    keep = SELECTION[match.group(1)]
    _keep(items, lambda item: item.path.stem in keep, config)
