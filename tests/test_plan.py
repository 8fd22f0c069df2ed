r"""The query-budget planner (:func:`zosoftmax.plan`, C16) and ``zosoftmax plan``.

Exact layer: the planned gap is the exact curve's value at the planned ``(k, lr, steps)``; each row's ``lr`` is a
local minimum of that curve within the stable range; the steps are what the budget buys. Measured layer: on a
quadratic, the measured mean final gap at the planned ``k`` agrees with the plan within z·SE, and the plan's
ranking of ``k`` is what the runs measure where the predicted gaps differ by more than the runs resolve.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from scipy.stats import norm

import zosoftmax as zs
from tests.strategies import spread_quadratic
from zosoftmax import cli


@pytest.mark.parametrize("law", zs.DISTRIBUTIONS)
@pytest.mark.parametrize(("scheme", "noise"), [("central", 0.0), ("central", 1e-2), ("forward", 1e-2)])
def test_plan_is_the_exact_curve_and_locally_optimal(law, scheme, noise):
    q, x0 = spread_quadratic()
    budget, eps = 200, 1e-2
    p = zs.plan(q, x0, budget=budget, distribution=law, scheme=scheme, noise=noise, eps=eps, ks=(1, 2, 4, 8))
    assert [row["k"] for row in p.table] == [1, 2, 4, 8]
    assert p.gap == min(row["gap"] for row in p.table)
    for row in p.table:
        k, lr = int(row["k"]), row["lr"]
        assert row["steps"] == budget // zs.evaluations(k, scheme)
        assert 0 < lr < row["max_stable_lr"] == zs.max_stable_lr(q, k, law)

        def gap(eta: float, k: int = k, steps: int = int(row["steps"])) -> float:
            return float(zs.expected_gap_curve(q, x0, steps=steps, lr=eta, k=k, distribution=law, scheme=scheme,
                                               noise=noise, eps=eps)[-1])
        # the planner's vectorized recursion is the library's curve (same arithmetic, another loop order)
        assert math.isclose(gap(lr), row["gap"], rel_tol=1e-9)
        for f in (0.97, 1.03):
            if f * lr < row["max_stable_lr"]:
                assert gap(f * lr) >= row["gap"] * (1 - 1e-9), f"k={k}: lr*{f} beats the plan"


def test_plan_without_noise_prefers_one_direction_central_and_more_forward():
    """C16's noiseless pattern on this quadratic: central k = 1; forward amortizes L(x) over k, so k > 1 wins."""
    q, x0 = spread_quadratic()
    assert zs.plan(q, x0, budget=400, scheme="central").k == 1
    assert zs.plan(q, x0, budget=400, scheme="forward").k > 1


def _final_gaps(q, x0, *, runs, steps, lr, k, law, rng, eps, scheme, sigma) -> np.ndarray:
    gen = np.random.default_rng(rng)
    d = q.d
    X = np.tile(x0, (runs, 1))
    for _ in range(steps):
        Z = zs.sample_directions(runs * k, d, law, gen).reshape(runs, k, d)
        plus = q((X[:, None, :] + eps * Z).reshape(-1, d)).reshape(runs, k) + sigma * gen.standard_normal((runs, k))
        if scheme == "central":
            minus = q((X[:, None, :] - eps * Z).reshape(-1, d)).reshape(runs, k) + sigma * gen.standard_normal(
                (runs, k))
            s = (plus - minus) / (2 * eps)
        else:
            s = (plus - (q(X) + sigma * gen.standard_normal(runs))[:, None]) / eps
        X = X - lr / k * np.einsum("rk,rkd->rd", s, Z)
    return q(X)


def test_planned_gap_is_measured():
    """4000 runs at the planned (k, lr) for each row: measured mean final gap within a Bonferroni z·SE of the plan."""
    q, x0 = spread_quadratic()
    sigma, eps = 1e-2, 1e-2
    p = zs.plan(q, x0, budget=120, noise=sigma, eps=eps, ks=(1, 4))
    crit = float(norm.isf(1e-3 / (2 * len(p.table))))
    for row in p.table:
        g = _final_gaps(q, x0, runs=4000, steps=int(row["steps"]), lr=row["lr"], k=int(row["k"]), law="gaussian",
                        rng=int(row["k"]), eps=eps, scheme="central", sigma=sigma)
        z = (g.mean() - row["gap"]) / (g.std(ddof=1) / math.sqrt(g.size))
        assert abs(z) <= crit, f"k={row['k']}: z = {z:.2f}"


def test_plan_validation_and_cli(capsys):
    q, x0 = spread_quadratic()
    with pytest.raises(ValueError, match="budget"):
        zs.plan(q, x0, budget=0)
    with pytest.raises(ValueError, match="budget"):
        zs.plan(q, x0, budget=1)  # no k affords a step of 2 evaluations
    with pytest.raises(ValueError, match="noise"):
        zs.plan(q, x0, budget=10, noise=-1.0)
    with pytest.raises(ValueError, match="x0"):
        zs.plan(q, np.zeros(2), budget=10)
    assert cli.main(["plan", "--n", "12", "--d", "4", "--budget", "200", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["k"] in [row["k"] for row in out["table"]]
    assert out["gap"] == min(row["gap"] for row in out["table"])
    assert cli.main(["plan", "--n", "12", "--d", "4", "--budget", "200"]) == 0
    text = capsys.readouterr().out
    assert "the mean gap converges below it" in text
    assert cli.main(["plan", "--budget", "0"]) == 2
    assert "budget" in capsys.readouterr().err
