r"""Figure (C12): the cost of one step against the dimension d, for every way to get a gradient or an estimate.

Claim C12 [MeZO]: a ZO step takes ``2k`` loss evaluations and :math:`O(d)` memory beyond the data. For softmax
regression all ``2k`` evaluations come from one product :math:`A[x, z_1 \dots z_k]`
(:math:`A(x\pm\varepsilon z) = Ax\pm\varepsilon Az`), so a step costs :math:`O(nd(k+1))`: linear in ``d``
at fixed ``n`` and ``k``. The first-order baseline is the one a user would pick: backpropagation (torch autograd
through the same loss, the ``[attention]`` extra), :math:`O(nd)` too; coordinate-wise finite differences
(:math:`O(nd^2)`) are no longer drawn (issue 18).

Timed per ``d`` (``n = 256``, ``k = 8``, Gaussian directions, ε = 1e-3, float64), minima over interleaved,
order-rotated repetitions (:func:`benchmarks._common.interleaved`), all in this process one after another
(timings never run in parallel: they would share the cores):

* ``estimate``: :func:`zosoftmax.spsa_gradient`, sampling included;
* ``batched``: :func:`zosoftmax.zo_gd_batch` with ``S`` runs, per run-step;
* ``product``: the bare product ``A @ [x, Z.T]``, the floor of ``estimate``;
* ``naive``: ``2k`` separate loss calls (:func:`benchmarks.bench_estimator.naive_estimate`);
* ``backprop``: the gradient by torch autograd (loss forward, then backward; one torch thread, as the BLAS);
* ``gradient``: the analytic :meth:`zosoftmax.SoftmaxRegression.gradient`.

Confirmed when the fitted log-log slope of the estimate's time over the larger half of the ``d`` range is nearer
to 1 (linear) than to 2 (the finite-difference order), i.e. below 1.5. The ratio of the estimate's time to a
backpropagation step is reported at every ``d``. Absolute times depend on the machine and
its load; this figure is made by ``make bench``, not by ``make figures`` (whose outputs are byte-reproducible).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from benchmarks._common import interleaved
from benchmarks.bench_estimator import naive_estimate
from matplotlib.figure import Figure

import zosoftmax as zs

from ._common import Runner, run_figure

__all__ = ["METHODS", "NAME", "SETTINGS", "compute", "main", "plot"]

NAME = "fig_cost"
EPS, LR = 1e-3, 1e-2  # the library's default perturbation; any stable step (only time is measured)
METHODS = ("estimate", "batched", "product", "naive", "backprop", "gradient")
LABELS = {"estimate": "ZO estimate from one product", "batched": "ZO, S = {S} runs batched (per run and step)",
          "product": "the bare product A[x, Z]", "naive": "ZO naive: 2k separate loss calls",
          "backprop": "backpropagation (torch autograd)", "gradient": "analytic gradient"}
SETTINGS: dict[str, dict[str, Any]] = {
    "quick": {"n": 32, "k": 4, "d": [32, 64, 128], "S": 4, "steps": 2, "reps": 3, "min_time": 0.001},
    "default": {"n": 256, "k": 8, "d": [256, 512, 1024, 2048, 4096, 8192, 16384], "S": 32, "steps": 4, "reps": 5,
                "min_time": 0.02},
}
SETTINGS["full"] = {**SETTINGS["default"], "reps": 10}
LINEAR, QUADRATIC = 1.0, 2.0  # the orders told apart: O(d) per step against finite differences' O(d^2)


def time_point(n: int, d: int, k: int, S: int, steps: int, reps: int, min_time: float) -> dict[str, Any]:
    """Seconds per step of every method at one ``d`` (the batched run per run-step)."""
    p = zs.random_instance(n, d, rng=d)
    x = np.random.default_rng(3).standard_normal(d)
    gen = np.random.default_rng(4)
    M = np.concatenate([x[:, None], zs.sample_directions(k, d, "gaussian", gen).T], axis=1)
    fns: dict[str, Callable[[], Any]] = {
        "estimate": lambda: zs.spsa_gradient(p, x, k=k, eps=EPS, rng=gen),
        "batched": lambda: zs.zo_gd_batch(p, x, runs=S, steps=steps, lr=LR, k=k, eps=EPS, rng=0),
        "product": lambda: p.A @ M,
        "naive": lambda: naive_estimate(p, x, zs.sample_directions(k, d, "gaussian", gen), EPS),
        "gradient": lambda: p.gradient(x),
    }
    fns["backprop"] = _backprop(p, x)
    times = {name: v["min"] for name, v in interleaved(fns, reps, min_time).items()}
    times["batched"] /= S * steps  # per run-step
    return {"times_s": times}


def _backprop(p: zs.SoftmaxRegression, x: np.ndarray) -> Callable[[], Any]:
    """One gradient by torch autograd: the loss ½‖softmax(Ax) − b‖² forward, then backward (float64, one thread)."""
    import torch  # the [attention] extra; make venv installs it

    torch.set_num_threads(1)  # as the BLAS of every other method (this script runs in its own process)
    A, b = torch.from_numpy(np.array(p.A)), torch.from_numpy(np.array(p.b))

    def step() -> Any:
        xt = torch.tensor(x, requires_grad=True)
        loss = 0.5 * torch.sum((torch.softmax(A @ xt, dim=0) - b) ** 2)
        loss.backward()
        return xt.grad

    return step


def _slope(d: list[int], t: list[float]) -> float:
    """Least-squares slope of log t against log d."""
    return float(np.polyfit(np.log(d), np.log(t), 1)[0])


def compute(profile: str, runner: Runner | None = None) -> dict[str, Any]:
    """Time per step of every method against d, and the fitted orders (C12).

    ``runner`` is accepted like every figure's and not used: timings run here, one after another.
    """
    cfg = SETTINGS[profile]
    points = [time_point(cfg["n"], d, cfg["k"], cfg["S"], cfg["steps"], cfg["reps"], cfg["min_time"])
              for d in cfg["d"]]
    times = {m: [pt["times_s"][m] for pt in points] for m in METHODS}
    upper = len(cfg["d"]) // 2  # the larger half of the d range: past the fixed per-call overheads
    slopes = {m: _slope(cfg["d"][upper:], times[m][upper:]) for m in METHODS}
    linear = abs(slopes["estimate"] - LINEAR) < abs(slopes["estimate"] - QUADRATIC)
    over_backprop = [e / b for e, b in zip(times["estimate"], times["backprop"], strict=True)]
    return {
        "claim": "C12", "n": cfg["n"], "k": cfg["k"], "S": cfg["S"], "d": cfg["d"], "eps": EPS,
        "evaluations_per_step": {scheme: zs.evaluations(cfg["k"], scheme) for scheme in zs.SCHEMES},
        "times_s": times, "slopes_upper_half": slopes, "estimate_over_backprop": over_backprop,
        "criterion": ("fitted log-log slope of the estimate's time per step against d, over the larger half of the "
                      "d range, nearer to 1 (O(d)) than to 2 (finite differences' O(d^2))"),
        "confirmed": bool(linear),
        "finding": (f"one estimate (k = {cfg['k']}, {zs.evaluations(cfg['k'], 'central')} loss evaluations from one "
                    f"product) grows with slope {slopes['estimate']:.2f} in d (backpropagation: "
                    f"{slopes['backprop']:.2f}); it costs {min(over_backprop):.1f}-{max(over_backprop):.1f}x a "
                    f"backpropagation step over d = {cfg['d'][0]}-{cfg['d'][-1]}"),
    }


def plot(data: dict[str, Any]) -> Figure:
    """Time per step against d, log-log, one line (and marker) per method; extrapolated finite differences dashed.

    The key, below the axes, gives each method's fitted log-log slope over the larger half of the d range.
    """
    fig, ax = plt.subplots(figsize=(6.7, 3.1), layout="constrained")
    d = np.asarray(data["d"])
    markers = dict(zip(METHODS, "osD^vx", strict=True))
    for i, m in enumerate(METHODS):
        t = np.asarray(data["times_s"][m])
        label = f"{LABELS[m].format(S=data['S'])}: slope {data['slopes_upper_half'][m]:.2f}"
        ax.loglog(d, t, label=label, color=f"C{i}", marker=markers[m], ls="-")
    ax.set_xlabel("dimension $d$")
    ax.set_ylabel("time per step (s)")
    fig.legend(loc="outside right upper", title="log-log slope in $d$ (larger half of the $d$ range)")
    ax.set_title(f"C12: a zeroth-order step costs $O(d)$, like a backpropagation step\n"
                 f"(n = {data['n']}, k = {data['k']}, float64)")
    return fig


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Command line: ``python -m analysis.fig_cost [--quick] [--outdir DIR]`` (run by ``make bench``)."""
    return run_figure(NAME, compute, plot, argv, __doc__)


if __name__ == "__main__":
    main()
