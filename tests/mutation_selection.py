"""The designed test selection per module for ``make mutation`` (mutmut): a pytest hook, inert outside a mutant run.

mutmut runs, per mutant, every selected test that calls the mutated function; for functions that every test calls
(``SoftmaxRegression.loss``, ``softmax``) that is the whole selection, about 80 s per surviving mutant. Inside a
mutant's run (``MUTANT_UNDER_TEST`` names ``zosoftmax.<module>.<function>__mutmut_<n>``) this hook keeps only the
files designed for that module: the properties of its own claims, the validation and guard tests, and
``tests/test_mutation_kills.py``. Outside a mutant run (the suite, mutmut's stats and clean runs) it changes nothing.
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


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    """In a mutant's run, deselect the tests outside its module's designed selection."""
    match = re.match(r"zosoftmax\.(\w+)\.", os.environ.get("MUTANT_UNDER_TEST", ""))
    if match is None or match.group(1) not in SELECTION:
        return
    keep = SELECTION[match.group(1)]
    deselected = [item for item in items if item.path.stem not in keep]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = [item for item in items if item.path.stem in keep]
