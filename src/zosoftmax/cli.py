r"""Command line: ``zosoftmax run`` runs GD and ZO-GD on an instance and compares the measured rate with C11.

``zosoftmax plan`` chooses ``k`` and the step size for a budget of loss evaluations on the exact curve (C16).

The instance is either generated (``--n``, ``--d``, ``--seed``) or read from files (``--A``, ``--b`` and
``--w`` or ``--reg``); :func:`run` is the same computation as a function returning a dict (the ``--json``
output).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import warnings
from pathlib import Path
from typing import Any

import numpy as np

from . import __version__
from ._checks import Array
from .bounds import (
    bias_bound,
    effective_rank,
    hessian_upper_bound,
    pl_constant,
    rate_bound,
    smoothness_bound,
    step_size,
)
from .estimators import DISTRIBUTIONS, SCHEMES, gamma, projected_gradients, sample_directions
from .instances import regularized, strongly_convex_instance
from .optimize import gd, linear_rate, newton, zo_gd
from .prediction import max_stable_lr
from .problem import SoftmaxRegression

__all__ = ["load_array", "main", "run", "target_set"]

# A fitted rate needs this many points of the gap curve above its floor. Two points fit any curve exactly and
# three leave one degree of freedom, so one noisy ZO step would decide the verdict; with 10 points the fit has
# 8 degrees of freedom and a single step moves the fitted slope by a fraction of the per-step noise.
MIN_RATE_POINTS = 10
# The fit stops where the gap falls below max(FIT_FLOOR * initial gap, ROUNDING_MARGIN * rounding of the gap).
FIT_FLOOR = 1e-9
ROUNDING_MARGIN = 1e3  # rounding then moves log(gap) by at most 1e-3
# Directions for measuring the bias of a violated run: BIAS_BATCHES batches of BIAS_BATCH directions each.
BIAS_BATCHES, BIAS_BATCH = 20, 100
# A target read from a file is admissible (CLAIMS.md: the simplex, b >= 0 with sum 1, or the unit ball, ||b||_2 <= 1)
# up to this slack: a probability vector written to text with 7 significant digits per entry is off by < 1e-6
# in sum for n up to 20, and a ball target by < 1e-6 relative in its norm.
TARGET_SLACK = 1e-6
# Exit statuses (listed in `zosoftmax run --help`).
EXIT_HOLDS, EXIT_VIOLATED, EXIT_BAD_INPUT, EXIT_NOT_MEASURED = 0, 1, 2, 3
# The CLI's ZO-GD defaults are MeZO's setting (sphere directions, a few of them, a small eps); the library's zo_gd,
# expected_gap_curve and max_stable_lr default to the paper's (gaussian, k = 1, eps = 1e-3). Stated in --help and in
# the table.
CLI_DEFAULTS = {"distribution": "sphere", "k": 4, "eps": 1e-4}
API_DEFAULTS = {"distribution": "gaussian", "k": 1, "eps": 1e-3}


def _check_reg(reg: Any) -> float:
    if isinstance(reg, bool) or not isinstance(reg, (int, float)) or not math.isfinite(reg) or reg <= 0:
        raise ValueError(f"reg must be a finite number > 0 (w_i^2 = beta^- + reg), got {reg!r}")
    return float(reg)


def _gap_rounding(problem: SoftmaxRegression, *losses: float) -> float:
    """Rounding of a difference of computed losses: each carries a relative error of order (2n + d) u."""
    u = float(np.finfo(problem.dtype).eps)
    return (2 * problem.n + problem.d + 2) * u * sum(abs(v) for v in losses)


def _points_above(gaps: Array, floor: float) -> int:
    below = np.nonzero(gaps <= floor)[0]
    return int(below[0]) if below.size else int(gaps.size)


def _measured_bias(problem: SoftmaxRegression, x: Array, eps: float, distribution: str, scheme: str,
                   seed: int) -> tuple[float, float]:
    r"""``(‖b̂‖, SE)``: the bias :math:`E[\hat g] - \nabla L(x)` measured with common random numbers.

    Each direction contributes :math:`(s_\varepsilon(z) - \nabla L^\top z)\,z`, whose mean is exactly the bias
    (:math:`E[zz^\top] = I`) and whose spread is that of the finite-difference error alone, not that of the
    estimate; the standard error of the norm is from the spread of ``BIAS_BATCHES`` batch means.
    """
    g = problem.gradient(x)
    Z = sample_directions(BIAS_BATCHES * BIAS_BATCH, problem.d, distribution, seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a borderline eps was already reported for the run itself
        s = projected_gradients(problem, x, Z, eps=eps, scheme=scheme)
    dev = (s - Z @ g)[:, None] * Z  # (s(z) − ∇Lᵀz) z, mean = bias
    means = dev.reshape(BIAS_BATCHES, BIAS_BATCH, -1).mean(axis=1)
    bias = means.mean(axis=0)
    se = float(np.sqrt(np.sum(means.var(axis=0, ddof=1)) / BIAS_BATCHES))
    return float(np.linalg.norm(bias)), se


def _why_violated(problem: SoftmaxRegression, x: Array, eps: float, distribution: str, scheme: str,
                  seed: int, floor_reached: bool) -> dict[str, Any]:
    """Diagnose a measured rate above the C11 bound: the estimate's bias at the final iterate, or chance."""
    bias, se = _measured_bias(problem, x, eps, distribution, scheme, seed)
    grad = float(np.linalg.norm(problem.gradient(x)))
    bound = bias_bound(problem, eps, distribution, scheme)
    out: dict[str, Any] = {"bias_measured": bias, "bias_se": se, "bias_bound_c7": bound, "grad_norm_final": grad}
    if bias > 3 * se and bias >= 0.5 * grad:
        out["cause"] = "bias"
        out["message"] = (
            f"the estimate is biased at eps={eps:g}: at the final iterate the measured bias |E[g_hat] - grad L| = "
            f"{bias:.3g} (+- {se:.2g}; C7 bound {bound:.3g}) is comparable to |grad L| = {grad:.3g}, so ZO-GD "
            f"stops at a floor where the two cancel. C11 is the eps -> 0 statement (the central estimate is then "
            f"unbiased); the bias bound falls as eps^2: use a smaller --eps.")
    else:
        out["cause"] = "chance"
        out["message"] = (
            f"not the bias (measured {bias:.3g} +- {se:.2g} against |grad L| = {grad:.3g} at the final iterate): "
            "C11 bounds the expected gap E[L(x_t)] - L*, and the rate fitted to one run fluctuates around it"
            + (" (and this run stopped early at the rounding floor)" if floor_reached else "")
            + ". Try more --steps or other --seed values.")
    return out


def run(problem: SoftmaxRegression | None = None, *, n: int = 64, d: int = 32, k: int = 4, steps: int = 500,
        distribution: str = "sphere", scheme: str = "central", eps: float = 1e-4, reg: float = 1.0, seed: int = 0,
        progress: bool | None = None) -> dict[str, Any]:
    r"""Run GD (step :math:`1/\ell`) and ZO-GD (step :math:`1/(\ell\gamma)`) and compare their rates with C11.

    Parameters
    ----------
    problem : SoftmaxRegression, optional
        The instance (e.g. from files, :func:`zosoftmax.regularized`); default a generated one,
        :func:`zosoftmax.strongly_convex_instance` ``(n, d, rng=seed, margin=reg)``. Any shape the API accepts
        is accepted, ``d > n`` included: ``A`` then has rank ``< d`` and :math:`\mu` is the PL constant on its
        row space (:func:`zosoftmax.pl_constant`), which is what C11 needs.
    n, d, reg :
        The generated instance (ignored with ``problem``).
    k, steps, distribution, scheme, eps :
        ZO-GD's settings; ``steps >= MIN_RATE_POINTS - 1`` so that a rate can be fitted.
    seed : int >= 0
        Seeds the instance (``seed``), the start :math:`x_0` (``seed + 1``) and the directions (``seed + 2``).

    Returns
    -------
    dict
        ``n, d, ell, mu, kappa`` (:math:`\ell/\mu`, ``None`` without a PL guarantee), ``effective_rank``
        (:math:`r(H_0)`), ``gamma``, ``lr``, ``rate_bound_c11`` (:math:`1 - \mu/(\ell\gamma)`),
        ``rate_zo_measured`` (``None`` when fewer than ``MIN_RATE_POINTS`` points lie above the fit's floor),
        ``verdict`` (``holds``, ``violated``, ``not measured``), gaps with ``gap_rounding`` (gaps within it are
        reported as 0), and ``why`` for a violated verdict.

    Notes
    -----
    C11 (measured against the bound), C5 (the regularization margin), C7 (the bias behind a violation).
    """
    steps = int(steps)
    if steps < MIN_RATE_POINTS - 1:
        raise ValueError(f"steps={steps} is too few to measure a rate: the fit needs at least {MIN_RATE_POINTS} "
                         f"points of the loss curve (steps >= {MIN_RATE_POINTS - 1}), because with fewer a single "
                         "random step decides the verdict")
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    if problem is None:
        problem = strongly_convex_instance(n, d, rng=seed, margin=_check_reg(reg))
    p = problem
    ell, mu = smoothness_bound(p), pl_constant(p)
    r = effective_rank(hessian_upper_bound(p))
    lr = step_size(p, k, distribution)
    x0 = np.random.default_rng(seed + 1).standard_normal(p.d)
    star = float(newton(p, x0).losses[-1])
    zo = zo_gd(p, x0, steps=steps, lr=lr, k=k, eps=eps, distribution=distribution, scheme=scheme, rng=seed + 2,
               progress=progress)
    gd_traj = gd(p, x0, steps=steps, lr=1.0 / ell, progress=progress)
    gap0 = float(zo.losses[0]) - star
    floor = max(FIT_FLOOR * gap0, ROUNDING_MARGIN * _gap_rounding(p, star, star))

    def rate(losses: Array) -> tuple[float | None, int]:
        points = _points_above(losses - star, floor)
        if points < MIN_RATE_POINTS:
            return None, points
        return linear_rate(losses, star, floor=floor), points

    zo_rate, zo_points = rate(zo.losses)
    gd_rate, gd_points = rate(gd_traj.losses)
    bound = rate_bound(p, k, distribution)

    def gap(loss: float) -> float:
        value = loss - star
        return 0.0 if abs(value) <= _gap_rounding(p, loss, star) else value  # below rounding: 0

    verdict = "not measured" if zo_rate is None else ("holds" if zo_rate <= bound else "violated")
    res: dict[str, Any] = {
        "n": p.n, "d": p.d, "k": k, "steps": steps, "distribution": distribution, "scheme": scheme, "eps": eps,
        "seed": seed, "ell": ell, "mu": mu, "kappa": ell / mu if mu > 0 else None, "effective_rank": r,
        "gamma": gamma(p.d, k, r, distribution), "lr": lr, "loss_star": star,
        "gap_initial": gap0, "gap_final_zo": gap(float(zo.losses[-1])), "gap_final_gd": gap(float(gd_traj.losses[-1])),
        "gap_rounding": _gap_rounding(p, float(zo.losses[-1]), star),
        "rate_zo_measured": zo_rate, "rate_zo_points": zo_points, "rate_bound_c11": bound,
        "rate_gd_measured": gd_rate, "rate_gd_points": gd_points, "rate_gd_bound": 1.0 - mu / ell if mu > 0 else 1.0,
        "bound_vacuous": bool(bound >= 1.0), "verdict": verdict, "bound_holds": verdict == "holds",
        "forward_passes": int(zo.forward_passes[-1]),
    }
    if verdict == "violated":
        res["why"] = _why_violated(p, zo.x, eps, distribution, scheme, seed + 3, zo_points <= steps)
    return res


# ---------------------------------------------------------------------------------------------------- files
def load_array(spec: str, arg: str, ndim: int) -> Array:
    """Read a real array from ``.npy``, ``.npz`` (``FILE.npz`` or ``FILE.npz:KEY``) or ``.csv``.

    Parameters
    ----------
    spec : str
        The path; for ``.npz`` optionally ``:KEY`` after it (default: the archive's first array, in the order
        ``numpy.savez`` stored them).
    arg : str
        The command-line argument (``--A``), named in every error.
    ndim : {1, 2}
        A vector (a ``.csv`` of one row or one column is read as one) or a matrix.

    Returns
    -------
    ndarray, float64

    Raises
    ------
    ValueError
        The file is missing or unreadable, not numeric, of the wrong dimension or not finite.

    Notes
    -----
    C1 (the instance of the user's own data).
    """
    path_str, key, names = spec, None, []
    lower = spec.lower()
    if ".npz:" in lower:
        cut = lower.rindex(".npz:") + 4
        path_str, key = spec[:cut], spec[cut + 1:]
    path = Path(path_str)
    suffix = path.suffix.lower()
    if suffix not in (".npy", ".npz", ".csv"):
        raise ValueError(f"{arg}: {path_str!r} must be a .npy, .npz or .csv file")
    if not path.is_file():
        raise ValueError(f"{arg}: no such file: {path_str}")
    try:
        if suffix == ".npy":
            arr = np.load(path, allow_pickle=False)
        elif suffix == ".npz":
            with np.load(path, allow_pickle=False) as archive:
                names = list(archive.files)
                if not names:
                    raise ValueError("the archive holds no array")
                if key is not None and key not in names:
                    raise ValueError(f"no array named {key!r} (it holds {', '.join(names)})")
                arr = archive[key if key is not None else names[0]]
        else:
            with warnings.catch_warnings():
                warnings.simplefilter("error")  # an empty file is an error here, not a warning
                arr = np.loadtxt(path, delimiter=",", ndmin=2, dtype=np.float64, comments="#")
            if ndim == 1 and 1 in arr.shape:
                arr = arr.ravel()
    except ValueError as exc:
        raise ValueError(f"{arg}: cannot read {path_str}: {exc}") from exc
    except (OSError, EOFError, UserWarning) as exc:
        raise ValueError(f"{arg}: cannot read {path_str}: {exc}") from exc
    if arr.dtype == object or not (np.issubdtype(arr.dtype, np.integer) or np.issubdtype(arr.dtype, np.floating)):
        raise ValueError(f"{arg}: {path_str} holds {arr.dtype} values; expected real numbers")
    if arr.ndim != ndim:
        what = "a vector (one row or one column)" if ndim == 1 else "a matrix (rows x columns)"
        hint = ""
        if suffix == ".npz" and key is None and len(names) > 1:  # the first array was taken: name the right one
            fits = [name for name in names if name != names[0]]
            with np.load(path, allow_pickle=False) as archive:
                fits = [name for name in fits if archive[name].ndim == ndim] or fits
            hint = (f" (the first of the archive's arrays {', '.join(names)}; name another with "
                    f"{path_str}:KEY, e.g. {path_str}:{fits[0]})")
        raise ValueError(f"{arg}: {path_str} holds an array of shape {arr.shape}{hint}; expected {what}")
    out: Array = arr.astype(np.float64)
    if not np.all(np.isfinite(out)):
        raise ValueError(f"{arg}: {path_str} contains NaN or inf entries")
    return out


def target_set(b: Array) -> str:
    r"""The admissible set of CLAIMS.md that the target ``b`` lies in: ``"simplex"`` or ``"ball"``.

    Raises
    ------
    ValueError
        ``b`` is in neither (raw class labels, say, with :math:`\|b\|_2 = 15.8`): every claim's constants assume one
        of them, so a verdict on such a ``b`` would check nothing. The message names ``--b`` and both sets.

    Notes
    -----
    C4-C6 (the constants for simplex and ball targets), within ``TARGET_SLACK``.
    """
    total, norm, low = float(np.sum(b)), float(np.linalg.norm(b)), float(np.min(b))
    if low >= 0 and abs(total - 1.0) <= TARGET_SLACK:
        return "simplex"
    if norm <= 1.0 + TARGET_SLACK:
        return "ball"
    raise ValueError(
        f"--b: the target is neither a probability vector (b >= 0 with sum 1: min {low:.3g}, sum {total:.6g}) nor in "
        f"the unit ball (||b||_2 = {norm:.4g} > 1). The claims (CLAIMS.md) assume one of these two admissible sets; "
        "rescale it (b / sum(b) for nonnegative scores, b / ||b||_2 otherwise), or for class labels use one row of "
        "one-hot targets")


def _instance_from_files(args: argparse.Namespace) -> SoftmaxRegression:
    A = load_array(args.A, "--A", 2)
    b = load_array(args.b, "--b", 1)
    n = A.shape[0]
    if n < 2:
        raise ValueError(f"--A: needs at least 2 rows (softmax over one entry is constant), got shape {A.shape}")
    if b.shape != (n,):
        raise ValueError(f"--b: expected {n} entries (one per row of --A), got {b.size}")
    target_set(b)
    if args.w is not None:
        w = load_array(args.w, "--w", 1)
        if w.shape != (n,):
            raise ValueError(f"--w: expected {n} entries (one per row of --A), got {w.size}")
        return SoftmaxRegression(A, b, w)
    return regularized(A, b, margin=_check_reg(1.0 if args.reg is None else args.reg))


# ------------------------------------------------------------------------------------------------- output
def _fmt_gap(value: float) -> str:
    return "0" if value == 0.0 else f"{value:.3e}"


def _print_table(res: dict[str, Any]) -> None:
    kappa = "none (mu <= 0)" if res["kappa"] is None else f"{res['kappa']:.4g}"
    print(f"instance  n={res['n']} d={res['d']}  l={res['ell']:.4g}  mu={res['mu']:.4g}  kappa={kappa}  "
          f"r(H0)={res['effective_rank']:.3g}")
    print(f"ZO-GD     k={res['k']} {res['distribution']}/{res['scheme']} eps={res['eps']:g}  "
          f"gamma={res['gamma']:.4g}  lr=1/(l*gamma)={res['lr']:.4g}  steps={res['steps']}  "
          f"forward passes={res['forward_passes']}")
    print(f"gap       initial {res['gap_initial']:.3e}  ZO final {_fmt_gap(res['gap_final_zo'])}  "
          f"GD final {_fmt_gap(res['gap_final_gd'])}")
    if 0.0 in (res["gap_final_zo"], res["gap_final_gd"]):
        print(f"          (0: the gap is below the rounding of the losses, {res['gap_rounding']:.1e})")
    bound = res["rate_bound_c11"]
    if res["rate_zo_measured"] is None:
        print(f"rate      ZO not measured: only {res['rate_zo_points']} points of the gap lie above the fit's floor "
              f"(at least {MIN_RATE_POINTS} needed); C11 bound {bound:.6f}")
    else:
        verdict = "holds" if res["verdict"] == "holds" else "VIOLATED"
        print(f"rate      ZO measured {res['rate_zo_measured']:.6f}  <=  C11 bound {bound:.6f}: {verdict}"
              + ("  (vacuous: no PL constant, mu <= 0)" if res["bound_vacuous"] else ""))
    if "why" in res:
        print(f"why       {res['why']['message']}")
    gd_rate = res["rate_gd_measured"]
    gd_text = "not measured (converged within a few steps)" if gd_rate is None else f"measured {gd_rate:.6f}"
    print(f"          (GD, step 1/l: {gd_text}, bound 1-mu/l {res['rate_gd_bound']:.6f})")
    at_default = [name for name, value in CLI_DEFAULTS.items() if res[name] == value]
    if at_default:
        print("defaults  (" + ", ".join(f"{name}={CLI_DEFAULTS[name]:g}" if name == "eps" else
                                        f"{name}={CLI_DEFAULTS[name]}" for name in at_default)
              + ": the CLI's defaults; the library's zo_gd defaults to "
              + ", ".join(f"{name}={API_DEFAULTS[name]:g}" if name == "eps" else f"{name}={API_DEFAULTS[name]}"
                          for name in at_default) + ")")


DESCRIPTION = """\
Run gradient descent (step 1/l) and zeroth-order gradient descent (step
1/(l*gamma)) on a softmax-regression instance, fit the linear rate of the gap
L(x_t) - L* (L* from Newton's method) and compare it with the C11 bound
1 - mu/(l*gamma).

The instance is generated (--n, --d, --seed) or read from your files (--A FILE
--b FILE, with --w FILE or --reg R). Unless --w gives the weights, w_i^2 =
beta^- + R (default R = 1), where beta^- bounds the negative curvature of the
softmax part (C5), so that the instance is strongly convex. Both methods start
from x0, a standard normal vector of d entries drawn with seed --seed + 1 (the
instance uses --seed, the directions --seed + 2).

The target b must be admissible for the claims (CLAIMS.md): a probability
vector (b >= 0, sum 1: the simplex) or a vector in the unit ball
(||b||_2 <= 1); any other b is refused (exit status 2).

Defaults: the CLI runs MeZO's setting, --distribution sphere, --k 4,
--eps 1e-4; the library's zo_gd, expected_gap_curve and max_stable_lr default
to gaussian directions, k = 1, eps = 1e-3. The table says which were used."""

EPILOG = """\
files: .npy; .npz (the first array stored, or FILE.npz:KEY for a named one);
.csv (comma-separated numbers, lines starting with # are comments; for b and w
one row or one column). A is n x d with n >= 2; b and w have n entries. d may
exceed n: A then has rank < d and L is not strongly convex, but it satisfies
the PL inequality on the row space of A with the constant mu printed, which is
all C11 needs.

exit status: 0 the bound holds, 1 the measured rate violates the bound (the
output says why), 2 bad arguments or data (the message names the argument),
3 not measured (too few points of the gap above the fit's floor: try more
--steps or a smaller --reg)."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="zosoftmax", description="Zeroth-order optimization of softmax "
                                     "regression: run the verified algorithm and compare it with its bound.")
    parser.add_argument("--version", action="version", version=f"zosoftmax {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("run", help="run GD and ZO-GD and compare the measured rate with the C11 bound",
                       description=DESCRIPTION, epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    gen = p.add_argument_group("generated instance")
    gen.add_argument("--n", type=int, default=None, help="rows of A (softmax width), >= 2 (default 64)")
    gen.add_argument("--d", type=int, default=None, help="columns of A (dimension of x), >= 1 (default 32)")
    gen.add_argument("--seed", type=int, default=0, help="seed of the instance, the start and the directions "
                     "(default 0)")
    own = p.add_argument_group("your own data")
    own.add_argument("--A", metavar="FILE", help="the data matrix A (n x d)")
    own.add_argument("--b", metavar="FILE", help="the target b (n entries)")
    reg = own.add_mutually_exclusive_group()
    reg.add_argument("--w", metavar="FILE", help="the regularization weights w (n entries)")
    reg.add_argument("--reg", type=float, default=None, metavar="R", help="regularization margin R > 0: "
                     "w_i^2 = beta^- + R (default 1)")
    zo = p.add_argument_group("ZO-GD")
    zo.add_argument("--k", type=int, default=4, help="directions per ZO estimate (default 4; zo_gd's is 1)")
    zo.add_argument("--steps", type=int, default=500, help=f"iterations of each method, >= {MIN_RATE_POINTS - 1} "
                    "(default 500)")
    zo.add_argument("--distribution", choices=DISTRIBUTIONS, default="sphere",
                    help="direction distribution (default sphere, MeZO's; zo_gd's is gaussian)")
    zo.add_argument("--scheme", choices=SCHEMES, default="central", help="finite-difference scheme (default central)")
    zo.add_argument("--eps", type=float, default=1e-4, help="perturbation scale epsilon (default 1e-4; zo_gd's "
                    "is 1e-3)")
    out = p.add_argument_group("output")
    out.add_argument("--json", action="store_true", help="print the results as JSON instead of a table")
    out.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    a = sub.add_parser("attention", help="the theory's constants on one head of the pretrained all-MiniLM-L6-v2 "
                       "(needs the [attention] extra)",
                       description="One head of all-MiniLM-L6-v2 as softmax regression (C14): its smoothness l, "
                       "effective rank r(H0), the C11 step and the largest step at which the mean gap converges.",
                       epilog="exit status: 0 done, 2 bad arguments or data, or the [attention] extra missing "
                       "(pip install -e '.[attention]').")
    a.add_argument("--layer", type=int, required=True, help="layer, 0-based")
    a.add_argument("--head", type=int, required=True, help="head, 0-based")
    a.add_argument("--text", metavar="FILE", default=None, help="a UTF-8 text file (default: the first eight "
                   "aphorisms of the Zen of Python, 55 tokens)")
    a.add_argument("--teacher", type=_pair, default=None, metavar="LAYER,HEAD",
                   help="target: this head's attention (distillation); default: the head's own")
    a.add_argument("--k", type=int, default=1, help="directions per ZO estimate (default 1)")
    a.add_argument("--distribution", choices=DISTRIBUTIONS, default="gaussian", help="(default gaussian)")
    a.add_argument("--json", action="store_true", help="print the results as JSON")
    _plan_parser(sub)
    return parser


def attention(layer: int, head: int, text: str | None = None, *, teacher: tuple[int, int] | None = None,
              k: int = 1, distribution: str = "gaussian") -> dict[str, Any]:
    r"""The theory's constants on one pretrained head (all-MiniLM-L6-v2): the ``zosoftmax attention`` command.

    Returns
    -------
    dict
        The head's sizes, :math:`L(x_\mathrm{pretrained})` and :math:`L^*`, :math:`\ell`, :math:`r(H_0)` and
        :math:`r(H_0)/d` (C14, from the Kronecker factors), the C11 step :math:`1/(\ell\gamma)` and the mean-square
        threshold :math:`\eta^*` of the local model at the minimizer (C13: the mean gap converges below it).

    Notes
    -----
    C14, C15.
    """
    from .attention import attention_head  # the extra's module; torch is imported inside it, lazily

    problem, x_pre = attention_head(layer, head, text, teacher=teacher)
    x_star, loss_star = x_pre, problem.loss(x_pre)
    if teacher is not None:
        sol = newton(problem, x_pre)
        x_star, loss_star = sol.x, float(sol.losses[-1])
    ell, r = smoothness_bound(problem), effective_rank(problem)
    c11 = step_size(problem, k, distribution)
    eta_star = max_stable_lr(problem, k, distribution, x_star=x_star)
    return {"command": "attention", "layer": layer, "head": head, "teacher": None if teacher is None else list(teacher),
            "m": problem.m, "n": problem.n, "d": problem.d, "k": k, "distribution": distribution,
            "loss_pretrained": problem.loss(x_pre), "loss_star": loss_star, "ell": ell, "r_H0": r,
            "r_over_d": r / problem.d, "gamma": gamma(problem.d, k, r, distribution), "c11_step": c11,
            "max_stable_lr": eta_star, "max_stable_over_c11": eta_star / c11}


def _print_attention(res: dict[str, Any]) -> None:
    teacher = "itself" if res["teacher"] is None else "head {}.{}".format(*res["teacher"])
    print(f"head {res['layer']}.{res['head']} of all-MiniLM-L6-v2, target: the attention of {teacher}")
    print(f"  m = n = {res['m']} tokens, d = {res['d']}; L(x_pretrained) = {res['loss_pretrained']:.6g}, "
          f"L* = {res['loss_star']:.6g}")
    print(f"  C14: l = {res['ell']:.6g}, r(H0) = {res['r_H0']:.4g} (r/d = {res['r_over_d']:.2e}), "
          f"gamma = {res['gamma']:.4g} ({res['distribution']}, k = {res['k']})")
    print(f"  C11 step 1/(l gamma) = {res['c11_step']:.4g}; largest step at which the mean gap converges "
          f"(eta*, local model) = {res['max_stable_lr']:.4g}: {res['max_stable_over_c11']:.0f} x the C11 step")


def _pair(value: str) -> tuple[int, int]:
    try:
        layer, head = (int(v) for v in value.split(","))
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"expected LAYER,HEAD (two integers), got {value!r}") from exc
    return layer, head



# ------------------------------------------------------------------------------------------------- plan (C16)
PLAN_DESCRIPTION = """\
Choose the number of directions k and the step size for a budget of loss
evaluations, on the exact expected learning curve of ZO-GD on the instance's
local quadratic model (C13, C16), with noisy losses if --noise is given. For
each k the step is searched below the mean-square threshold max_stable_lr:
the mean gap converges below it. A typical single run stays stable somewhat
above it (the almost-sure threshold, zosoftmax.almost_sure_lr)."""


def _plan_parser(sub: Any) -> None:
    p = sub.add_parser("plan", help="choose k and the step size for a budget of loss evaluations",
                       description=PLAN_DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter)
    gen = p.add_argument_group("instance (generated, or your files as for `run`)")
    gen.add_argument("--n", type=int, default=None, help="rows of A, >= 2 (default 64)")
    gen.add_argument("--d", type=int, default=None, help="columns of A, >= 1 (default 32)")
    gen.add_argument("--seed", type=int, default=0, help="seed of the generated instance (default 0)")
    gen.add_argument("--A", metavar="FILE", help="the data matrix A (n x d)")
    gen.add_argument("--b", metavar="FILE", help="the target b (n entries)")
    reg = gen.add_mutually_exclusive_group()
    reg.add_argument("--w", metavar="FILE", help="the regularization weights w (n entries)")
    reg.add_argument("--reg", type=float, default=None, metavar="R", help="regularization margin R > 0 (default 1)")
    zo = p.add_argument_group("ZO-GD")
    zo.add_argument("--budget", type=int, required=True, help="loss evaluations allowed")
    zo.add_argument("--distribution", choices=DISTRIBUTIONS, default="gaussian", help="default gaussian")
    zo.add_argument("--scheme", choices=SCHEMES, default="central", help="default central")
    zo.add_argument("--noise", type=float, default=0.0, help="standard deviation of each loss evaluation's "
                    "noise (default 0)")
    zo.add_argument("--eps", type=float, default=1e-3, help="perturbation scale epsilon (default 1e-3)")
    p.add_argument("--json", action="store_true", help="print the plan as JSON instead of a table")


def _plan_cli(args: argparse.Namespace) -> dict[str, Any]:
    from .prediction import plan  # local: the run command does not need it

    if args.A is None and args.b is None:
        if args.w is not None:
            raise ValueError("--w needs --A and --b (the weights of your own data)")
        if isinstance(args.seed, bool) or args.seed < 0:
            raise ValueError(f"--seed must be a non-negative integer, got {args.seed!r}")
        problem = strongly_convex_instance(64 if args.n is None else args.n, 32 if args.d is None else args.d,
                                           rng=args.seed, margin=_check_reg(1.0 if args.reg is None else args.reg))
    elif args.A is None or args.b is None:
        raise ValueError(f"{'--A' if args.A is None else '--b'} is missing: your own data needs both --A and --b")
    else:
        problem = _instance_from_files(args)
    res = plan(problem, np.zeros(problem.d), budget=args.budget, distribution=args.distribution, scheme=args.scheme,
               noise=args.noise, eps=args.eps)
    return {"n": problem.n, "d": problem.d, "budget": res.budget, "distribution": args.distribution,
            "scheme": args.scheme, "noise": args.noise, "eps": args.eps, "x0": "zeros", "k": res.k, "lr": res.lr,
            "steps": res.steps, "gap": res.gap, "table": [dict(row) for row in res.table]}


def _print_plan(res: dict[str, Any]) -> None:
    print(f"instance  n={res['n']} d={res['d']}  x0 = 0  budget={res['budget']} loss evaluations  "
          f"{res['distribution']}/{res['scheme']} noise={res['noise']:g} eps={res['eps']:g}")
    print("    k   steps          lr   max_stable_lr   predicted gap")
    for row in res["table"]:
        mark = "  <- best" if row["k"] == res["k"] else ""
        print(f"{row['k']:5d} {row['steps']:7d} {row['lr']:11.4g} {row['max_stable_lr']:15.4g} "
              f"{row['gap']:15.4e}{mark}")
    print("max_stable_lr is the mean-square threshold: the mean gap converges below it.")


def _main(args: argparse.Namespace) -> dict[str, Any]:
    if args.command == "attention":
        text = None
        if args.text is not None:
            try:
                text = Path(args.text).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                raise ValueError(f"--text: cannot read {args.text!r} as UTF-8 text ({exc})") from exc
        return attention(args.layer, args.head, text, teacher=args.teacher, k=args.k, distribution=args.distribution)
    progress = False if args.no_progress else None
    settings = {"k": args.k, "steps": args.steps, "distribution": args.distribution, "scheme": args.scheme,
                "eps": args.eps, "seed": args.seed, "progress": progress}
    if args.A is None and args.b is None:
        if args.w is not None:
            raise ValueError("--w needs --A and --b (the weights of your own data)")
        return run(n=64 if args.n is None else args.n, d=32 if args.d is None else args.d,
                   reg=1.0 if args.reg is None else args.reg, **settings)
    if args.A is None or args.b is None:
        raise ValueError(f"{'--A' if args.A is None else '--b'} is missing: your own data needs both --A and --b")
    if args.n is not None or args.d is not None:
        raise ValueError("--n and --d describe a generated instance; with --A the shape is the file's")
    problem = _instance_from_files(args)
    res = run(problem, **settings)
    res["data"] = {"A": args.A, "b": args.b, "w": args.w, "reg": None if args.w else (args.reg or 1.0),
                   "target_set": target_set(problem.b)}
    return res


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``zosoftmax``; returns the exit status (0 holds, 1 violated, 2 bad input, 3 not measured)."""
    args = _parser().parse_args(argv)
    if args.command == "plan":
        try:
            res = _plan_cli(args)
        except ValueError as exc:
            print(f"zosoftmax: error: {exc}", file=sys.stderr)
            return 2
        if args.json:
            print(json.dumps(res, indent=2))
        else:
            _print_plan(res)
        return 0
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            res = _main(args)
    except (ValueError, ImportError) as exc:  # the library's errors name the argument (or the extra to install)
        print(f"zosoftmax: error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    for message in dict.fromkeys(str(w.message) for w in caught):
        print(f"zosoftmax: warning: {message}", file=sys.stderr)
    if args.json:
        print(json.dumps(res, indent=2))
    elif args.command == "attention":
        _print_attention(res)
    else:
        _print_table(res)
    if args.command == "attention":
        return EXIT_HOLDS
    return {"holds": EXIT_HOLDS, "violated": EXIT_VIOLATED, "not measured": EXIT_NOT_MEASURED}[res["verdict"]]


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
