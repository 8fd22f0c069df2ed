r"""The public local model (C13, C14): :func:`zosoftmax.local_model`, and no private library name used outside src.

* ``local_model`` returns the positive eigenpairs of :math:`\nabla^2L(x^*)`: :math:`V\,\mathrm{diag}(\lambda)V^\top`
  is the Hessian (dense instance) up to rounding, the columns of ``V`` are orthonormal, and on
  ``Quadratic(diag(lam), 0)`` Gaussian curves and thresholds equal those on the problem (as its docstring says);
* ``analysis/``, ``proofs/`` and ``benchmarks/`` import only public names of ``zosoftmax``: a planted private import
  is found by the same scan.
"""

from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
import pytest

import zosoftmax as zs

ROOT = Path(__file__).resolve().parents[1]
# Rounding of an eigendecomposition of a (d, d) matrix with entries O(1): a few hundred ulps of lambda_max at d = 8.
EIG_RTOL = 1e-12


def test_local_model_is_the_hessian_on_its_range():
    p = zs.random_instance(12, 8, rng=3, w=0.5)
    x_star = zs.newton(p).x
    lam, V, xs = zs.local_model(p, x_star)
    H = p.hessian(x_star)
    np.testing.assert_allclose(V @ np.diag(lam) @ V.T, H, atol=EIG_RTOL * float(lam[-1]) * p.d)
    np.testing.assert_allclose(V.T @ V, np.eye(lam.size), atol=EIG_RTOL * p.d)
    assert np.all(lam > 0)
    assert np.all(np.diff(lam) >= 0)
    np.testing.assert_array_equal(xs, x_star)


def test_local_model_in_its_eigenbasis_gives_the_same_gaussian_curve_and_threshold():
    p = zs.random_instance(12, 8, rng=4, w=0.3)
    x_star = zs.newton(p).x
    lam, V, _ = zs.local_model(p, x_star)
    model = zs.Quadratic(np.diag(lam), np.zeros(lam.size))
    x0 = x_star + 0.1 * np.random.default_rng(0).standard_normal(p.d)
    lr = 0.5 * zs.max_stable_lr(p, 2, "gaussian", x_star=x_star)
    np.testing.assert_allclose(zs.max_stable_lr(model, 2, "gaussian"), 2 * lr, rtol=EIG_RTOL)
    np.testing.assert_allclose(zs.expected_gap_curve(model, V.T @ (x0 - x_star), steps=30, lr=lr, k=2),
                               zs.expected_gap_curve(p, x0, steps=30, lr=lr, k=2, x_star=x_star), rtol=1e-9)


def test_local_model_refuses_bad_input():
    q = zs.Quadratic(np.diag([1.0, 2.0]), np.zeros(2))
    with pytest.raises(ValueError, match="x_star"):
        zs.local_model(q, np.zeros(2))
    with pytest.raises(ValueError, match="problem"):
        zs.local_model(np.eye(2))
    p = zs.random_instance(6, 4, rng=1, w=0.5)
    with pytest.raises(ValueError, match="x_star"):
        zs.local_model(p, np.zeros(3))


def private_imports(source: str) -> list[str]:
    """Names starting with ``_`` that ``source`` takes from ``zosoftmax``.

    ``from zosoftmax.x import _y``, ``import zosoftmax._x``, or an attribute ``zs._y`` / ``zosoftmax.x._y``.
    """
    found = []
    aliases = {"zosoftmax"}
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "zosoftmax":
            found += [f"{node.module}.{a.name}" for a in node.names if a.name.startswith("_")]
            found += [node.module for part in node.module.split(".") if part.startswith("_")]
        elif isinstance(node, ast.Import):
            for a in node.names:
                if a.name.split(".")[0] == "zosoftmax":
                    aliases.add(a.asname or a.name)
                    found += [a.name for part in a.name.split(".") if part.startswith("_")]
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__"):
            base = node.value
            while isinstance(base, ast.Attribute):
                base = base.value
            if isinstance(base, ast.Name) and base.id in aliases:
                found.append(f"{base.id}...{node.attr}")
    return found


def test_analysis_proofs_and_benchmarks_use_only_public_names():
    offenders = {}
    for folder in ("analysis", "proofs", "benchmarks"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            names = private_imports(path.read_text(encoding="utf-8"))
            if names:
                offenders[str(path.relative_to(ROOT))] = names
    assert not offenders, f"private zosoftmax names used outside src: {offenders}"


@pytest.mark.parametrize("planted", [
    "from zosoftmax.prediction import _local_model\n",
    "import zosoftmax as zs\nzs.prediction._local_model(p, None, None)\n",
    "import zosoftmax._checks\n",
    "from zosoftmax import _checks\n",
])
def test_the_scan_finds_a_planted_private_import(planted):
    assert private_imports(planted)
    assert not private_imports(planted.replace("_local_model", "local_model").replace("_checks", "io"))
