r"""The exact expected learning curve costs less than one ZO run of the same length (C13, issue 13's speed target).

:func:`zosoftmax.expected_gap_curve` for Gaussian and sphere directions carries the diagonal of :math:`\Sigma_t` in the
Hessian's eigenbasis, :math:`O(r)` a step after one eigendecomposition (here through a QR of :math:`A^\top`,
:math:`O(d n^2)`, since ``n < d``); one run of :func:`zosoftmax.zo_gd` costs two (n, d) matrix-vector products a
step. Both at ``d = 4096`` and ``steps = 10^4`` (default profile), timed in the same process (minimum over
interleaved repetitions). Target: ``time(curve) / time(one run) <= 1``, for each of the two laws.

The instance is built with a known minimizer (``b = softmax(A x_true)``, no regularizer, so :math:`L(x_{true}) = 0
= L^*`) and ``x_star = x_true`` is passed: the curve's timing includes the model (the Hessian's middle matrix, the
QR and the eigendecomposition) but not a Newton solve, which a user pays once per instance, not per curve (and which
the run's gap needs as well).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

import zosoftmax as zs

from ._common import bench_main, interleaved, target

__all__ = ["PROFILES", "THREADS", "instance", "main", "run"]

THREADS = ("1",)
PROFILES: dict[str, dict[str, int]] = {"quick": {"n": 32, "d": 256, "steps": 500, "reps": 2},
                                       "default": {"n": 256, "d": 4096, "steps": 10_000, "reps": 3}}
LAWS = ("gaussian", "sphere")
LR_FRACTION = 0.5  # of max_stable_lr: a converging curve, the setting a user would predict


def instance(n: int, d: int, seed: int = 0) -> tuple[zs.SoftmaxRegression, np.ndarray]:
    """A softmax instance with a known minimizer: ``b = softmax(A x_true)``, ``w = None`` (so L(x_true) = 0)."""
    gen = np.random.default_rng(seed)
    A = gen.standard_normal((n, d)) / math.sqrt(d)  # rows of norm ~1
    x_true = gen.standard_normal(d)
    return zs.SoftmaxRegression(A, zs.softmax(A @ x_true)), x_true


def run(profile: str) -> dict[str, Any]:
    """Seconds of one expected_gap_curve (each law) and of one zo_gd run of the same length; their ratios."""
    prof = PROFILES[profile]
    n, d, steps, reps = prof["n"], prof["d"], prof["steps"], prof["reps"]
    p, x_star = instance(n, d)
    x0 = x_star + np.random.default_rng(1).standard_normal(d) / math.sqrt(d)
    lr = {law: LR_FRACTION * zs.max_stable_lr(p, 1, law, x_star=x_star) for law in LAWS}
    fns = {f"curve_{law}": (lambda law=law: zs.expected_gap_curve(p, x0, steps=steps, lr=lr[law], k=1,
                                                                   distribution=law, x_star=x_star))
           for law in LAWS}
    fns["zo_run"] = lambda: zs.zo_gd(p, x0, steps=steps, lr=lr["gaussian"], k=1, rng=2)
    times = interleaved(fns, reps=reps, min_time=0.0)
    ratios = {law: times[f"curve_{law}"]["min"] / times["zo_run"]["min"] for law in LAWS}
    return {"n": n, "d": d, "steps": steps, "k": 1, "lr": lr, "seconds": times, "ratio_curve_over_run": ratios,
            "targets": [target(f"prediction_{law}", f"expected_gap_curve ({law}, d = {d}, {steps} steps) / one "
                               f"zo_gd run of the same length", ratios[law], "<=", 1.0) for law in LAWS]}


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """``python -m benchmarks.bench_prediction [--quick] [--out FILE]``."""
    return bench_main(run, argv, __doc__)


if __name__ == "__main__":
    main()
