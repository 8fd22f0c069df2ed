r"""Figure 1 (C7): bias of the central and forward zeroth-order estimates against the perturbation ε.

Claim C7 [MeZO]/[derived]: the central estimate's bias :math:`\|E[\hat g] - \nabla L\|` is
:math:`O(\varepsilon^2)`, the forward scheme's :math:`O(\varepsilon)`, both below the library's
:func:`zosoftmax.bias_bound`.

Everything here is exact up to rounding: with Rademacher directions in :math:`d = 8` the expectation
over :math:`z` is a mean over all :math:`2^d` sign vectors, so no Monte-Carlo noise hides the bias.
Two quantities per scheme, both log-log against ε with a fitted slope:

* the bias :math:`\|E[\hat g] - \nabla L\|` (left panel);
* the per-estimate deviation :math:`E\|(s(z) - \nabla L^\top z)\,z\|` of one direction's estimate from its
  ε → 0 limit (right panel), against :func:`zosoftmax.deviation_bound` (Jensen: it bounds the bias too;
  :func:`zosoftmax.bias_bound` is the sharper bound on the bias, :math:`O(\varepsilon^2)` for both schemes).

Finding (a correction to C7): for any direction distribution symmetric under :math:`z\to-z` (all three
here), :math:`E[z\,L(x+\varepsilon z)] = \tfrac12 E[z\,(L(x+\varepsilon z) - L(x-\varepsilon z))]` and
:math:`E[z]\,L(x) = 0`, so the forward estimate has *exactly* the central estimate's mean: its bias is
:math:`O(\varepsilon^2)` too. The :math:`O(\varepsilon)` term :math:`\tfrac\varepsilon2 z\,z^\top\nabla^2L\,z`
has mean zero; it only makes each forward estimate deviate by :math:`O(\varepsilon)` (right panel).
"""

from __future__ import annotations

import itertools
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

import zosoftmax as zs
from zosoftmax.io import Precision

from ._common import Runner, as_runner, run_figure

__all__ = ["NAME", "compute", "main", "plot"]

NAME = "fig_estimator_bias"
# Stored precision of the JSON (zosoftmax.io.canonical; docs/reproducibility.md): 6 significant digits, except
# where rounding of the losses takes a share of the digits. At the smallest eps the bias and the deviation are
# differences of quotients whose noise across BLAS kernels is up to 1e-4 of their value: 3 digits (a log-log
# plot reads 2); the slopes fitted to them (noise 3e-6) 4 digits (read as 2.001); the forward-central gap of the
# means (0 in exact arithmetic, 1e-8..1e-7 rounding noise) to 1e-6.
PRECISION = {"central.*": Precision(3), "forward.*": Precision(3), "slopes.*": Precision(4),
             "*_slope": Precision(4), "forward_central_mean_max_relative_gap": Precision(quantum=1e-6)}
N_ROWS, DIM = 6, 8  # 2^8 = 256 Rademacher directions: the expectation is an exact finite mean
INSTANCE_SEED, POINT_SEED = 1, 2
POINT_SCALE = 1.5  # x ~ 1.5 N(0, I): logits of norm ~4, far from the uniform softmax (large third derivative)
DISTRIBUTION = "rademacher"
# ε from 1e-4 (rounding of the quotients, ~1e-16 L/ε ≈ 1e-12, stays 2 decades below the smallest bias)
# to 10^-0.5 (still in the asymptotic range: the local slope moves by < 0.01 there).
EPS_RANGE = (-4.0, -0.5)
EPS_POINTS = {"quick": 8, "default": 15, "full": 29}
# Rounding: one loss evaluation (an n-term sum after exp and a division) has relative error <= (n + 4) u, so a
# quotient's error is <= 2 (n + 4) u L / ε and the mean of s(z) z is off by <= √d times that, per scheme. The
# forward and central biases may therefore differ by at most ROUNDING_TOL(ε) without contradicting E[fwd] = E[ctr].
UNIT_ROUNDOFF = float(np.finfo(np.float64).eps) / 2


def rounding_tolerance(loss: float, eps: float) -> float:
    """Largest rounding difference between the forward and the central mean estimate (both schemes' errors)."""
    return 2 * 2 * (N_ROWS + 4) * UNIT_ROUNDOFF * abs(loss) / eps * np.sqrt(DIM)


# Decision rule for an order-p claim: the fitted slope must be nearer to p than to the neighbouring orders
# p - 1 and p + 1, i.e. |slope - p| < 1/2. (Any narrower band would be a choice; this one is the boundary
# between the competing hypotheses.)
ORDER_HALF_WIDTH = 0.5


def _exact_moments(eps: float) -> dict[str, Any]:
    """Exact (enumerated) bias and per-direction deviation of both schemes at one ε, with both C7 bounds."""
    p = zs.random_instance(N_ROWS, DIM, rng=INSTANCE_SEED)
    x = POINT_SCALE * np.random.default_rng(POINT_SEED).standard_normal(DIM)
    g = p.gradient(x)
    Z = np.array(list(itertools.product((-1.0, 1.0), repeat=DIM)))  # every Rademacher direction once
    gz = Z @ g  # the ε → 0 quotient ∇Lᵀz
    out: dict[str, Any] = {"grad_norm": float(np.linalg.norm(g)), "loss": p.loss(x)}
    for scheme in zs.SCHEMES:
        s = zs.projected_gradients(p, x, Z, eps=eps, scheme=scheme)
        mean_g = Z.T @ s / Z.shape[0]  # E[ĝ] = E[s(z) z], exact over all 2^d directions (k = 1; k > 1 same mean)
        out[scheme] = {"bias": float(np.linalg.norm(mean_g - g)),
                       "deviation": float(np.mean(np.abs(s - gz) * np.linalg.norm(Z, axis=1))),  # E|s − ∇Lᵀz| ‖z‖
                       "bound": zs.deviation_bound(p, eps, DISTRIBUTION, scheme),
                       "bias_bound": zs.bias_bound(p, eps, DISTRIBUTION, scheme)}
    return out


def _curves(eps: list[float], points: list[dict[str, Any]]) -> dict[str, Any]:
    """The per-ε results as curves per scheme, and how closely the forward and central means coincide."""
    out: dict[str, Any] = {"grad_norm": points[0]["grad_norm"], "loss": points[0]["loss"]}
    for scheme in zs.SCHEMES:
        out[scheme] = {q: [pt[scheme][q] for pt in points] for q in ("bias", "deviation", "bound", "bias_bound")}
    # the symmetry argument says the forward and central means coincide; measure how closely (rounding only)
    gaps = [abs(a - b) for a, b in zip(out["forward"]["bias"], out["central"]["bias"], strict=True)]
    out["forward_central_mean_gap"] = float(max(gap / b for gap, b in zip(gaps, out["central"]["bias"], strict=True)))
    out["forward_central_gap_within_rounding"] = all(
        gap <= rounding_tolerance(out["loss"], e) for gap, e in zip(gaps, eps, strict=True))
    return out


def _slope(eps: list[float], values: list[float]) -> float:
    """Least-squares slope of log(values) against log(ε)."""
    return float(np.polyfit(np.log(eps), np.log(values), 1)[0])


def _stated_gap(gap: float) -> str:
    """The forward-central gap of the means as stored (to 1e-6, PRECISION): rounding noise reads as a bound."""
    stored = PRECISION["forward_central_mean_max_relative_gap"].round(gap)
    return "< 1e-6, rounding" if stored == 0.0 else f"{stored:.1e}"


def compute(profile: str, runner: Runner | None = None) -> dict[str, Any]:
    """Exact bias and deviation curves, their fitted slopes and the bound check (C7).

    One task per ε, run through ``runner`` (:class:`analysis._common.Runner`).
    """
    eps = np.logspace(*EPS_RANGE, EPS_POINTS[profile]).tolist()
    res = _curves(eps, as_runner(runner).map(_exact_moments, [{"eps": e} for e in eps], key=NAME))
    slopes = {f"{scheme}_{q}": _slope(eps, res[scheme][q]) for scheme in zs.SCHEMES for q in ("bias", "deviation")}
    claimed = {"central_bias": 2, "forward_bias": 1, "central_deviation": 2, "forward_deviation": 1}
    order_ok = {key: abs(slopes[key] - claimed[key]) < ORDER_HALF_WIDTH for key in claimed}
    below = {scheme: all(m <= b for m, b in zip(res[scheme]["deviation"], res[scheme]["bound"], strict=True))
             and all(m <= b for m, b in zip(res[scheme]["bias"], res[scheme]["bias_bound"], strict=True))
             for scheme in zs.SCHEMES}  # each panel under its own bound
    ratio = {scheme: float(max(m / b for m, b in zip(res[scheme]["bias"], res[scheme]["bias_bound"], strict=True)))
             for scheme in zs.SCHEMES}
    # The figure confirms: central bias order 2, forward per-estimate deviation order 1, all under the bound.
    # The forward *bias* has order 2, not 1 (a correction: O(ε²) ⊂ O(ε), so C7's bound holds, loosely).
    confirmed = bool(order_ok["central_bias"] and order_ok["forward_deviation"] and order_ok["central_deviation"]
                     and all(below.values()))
    forward_bias_order = round(slopes["forward_bias"])
    return {
        "claim": "C7",
        "instance": {"n": N_ROWS, "d": DIM, "distribution": DISTRIBUTION, "instance_seed": INSTANCE_SEED,
                     "point_seed": POINT_SEED, "grad_norm": res["grad_norm"], "loss": res["loss"],
                     "expectation": "exact: mean over all 2^d Rademacher directions"},
        "eps": eps,
        "central": res["central"],
        "forward": res["forward"],
        "slopes": slopes,
        "claimed_orders": claimed,
        "order_matches": order_ok,
        "measured_below_bound": below,
        "max_bias_to_bound_ratio": ratio,
        "forward_central_mean_max_relative_gap": res["forward_central_mean_gap"],
        "forward_central_gap_within_rounding": res["forward_central_gap_within_rounding"],
        "central_bias_slope": slopes["central_bias"],
        "forward_bias_slope": slopes["forward_bias"],
        "forward_deviation_slope": slopes["forward_deviation"],
        "criterion": ("fitted log-log slope within 1/2 of the claimed order (nearer to it than to the neighbouring "
                      "orders) for the central bias (2), the central (2) and forward (1) per-estimate deviations, "
                      "every bias <= bias_bound and every deviation <= deviation_bound"),
        "confirmed": confirmed,
        "verdict": "holds-with-correction" if confirmed and forward_bias_order != 1 else
                   ("holds" if confirmed else "fails"),
        "correction": (f"the forward scheme's bias has order {forward_bias_order}, not 1: for directions symmetric "
                       "under z -> -z its mean equals the central scheme's exactly (max relative gap "
                       f"{_stated_gap(res['forward_central_mean_gap'])}); the O(eps) term only affects single "
                       "estimates"),
        "finding": (f"central bias slope {slopes['central_bias']:.3f}, forward bias slope "
                    f"{slopes['forward_bias']:.3f} (identical means), forward per-estimate deviation slope "
                    f"{slopes['forward_deviation']:.3f}; all below the C7 bound (bias/bound <= "
                    f"{max(ratio.values()):.1e})"),
    }


def plot(data: dict[str, Any]) -> Figure:
    r"""Two log-log panels: bias and per-estimate deviation against ε, with the C7 bound lines; one key below.

    Where the forward and central bias bounds coincide (both :math:`O(\varepsilon^2)`) the key says so and the
    two line styles interleave on one line.
    """
    eps = np.asarray(data["eps"])
    fig, axes = plt.subplots(1, 2, figsize=(6.7, 3.0), sharex=True, layout="constrained")
    style = {"central": ("C0", "o", "--", 3.5), "forward": ("C1", "s", ":", 6)}  # colour, marker, bound, size
    same = np.isclose(data["central"]["bias_bound"], data["forward"]["bias_bound"], rtol=1e-9, atol=0.0)
    upto = f" for $\\varepsilon$ < {eps[np.argmin(same)]:.2g}" if not same.all() else ""  # where they part
    slope = data["slopes"]
    for scheme in ("central", "forward"):
        color, marker, ls, ms = style[scheme]
        face = color if scheme == "central" else "none"
        for ax, q, bound in ((axes[0], "bias", "bias_bound"), (axes[1], "deviation", "bound")):
            ax.loglog(eps, data[scheme][q], marker=marker, ls="-", color=color, ms=ms, mfc=face,
                      label=None if q == "deviation" else f"{scheme}: slopes "
                      f"{slope[f'{scheme}_bias']:.2f} (bias), {slope[f'{scheme}_deviation']:.2f} (deviation)")
            ax.loglog(eps, data[scheme][bound], ls=ls, color=color, lw=1.4, label=None if q == "deviation" else
                      r"C7 bounds, central: bias, deviation $O(\varepsilon^2)$" if scheme == "central" else
                      f"C7 bounds, forward: bias $O(\\varepsilon^2)$ (= central's{upto}), dev. $O(\\varepsilon)$")
    for ax in axes:
        ax.set_xlabel(r"perturbation $\varepsilon$ (units of $x$)")
    axes[0].set_ylabel(r"bias $\|E[\hat g]-\nabla L(x)\|$")
    axes[1].set_ylabel(r"deviation $E\,\|(s(z)-\nabla L^\top z)\,z\|$")
    axes[0].set_title("exact mean: forward = central (symmetric $z$)")
    axes[1].set_title(r"one estimate's deviation from its $\varepsilon\to0$ limit")
    fig.legend(*axes[0].get_legend_handles_labels(), loc="outside lower center", ncol=2)
    inst = data["instance"]
    fig.suptitle(f"C7: the bias of both schemes is $O(\\varepsilon^2)$; Rademacher directions enumerated exactly "
                 f"(n = {inst['n']}, d = {inst['d']})")
    return fig


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Command line: ``python -m analysis.fig_estimator_bias [--quick] [--outdir DIR]``."""
    return run_figure(NAME, compute, plot, argv, __doc__)


if __name__ == "__main__":
    main()
