"""Command line: ``zosoftmax run`` generates an instance, runs GD and ZO-GD and compares rates with C11."""

from __future__ import annotations

import argparse
import json
import math
import sys
from typing import Any

import numpy as np

from . import __version__
from .bounds import (
    beta_constants,
    effective_rank,
    hessian_upper_bound,
    rate_bound,
    smoothness_bound,
    step_size,
    strong_convexity_bound,
)
from .estimators import DISTRIBUTIONS, SCHEMES, gamma
from .instances import random_instance
from .optimize import gd, linear_rate, newton, zo_gd
from .problem import SoftmaxRegression

__all__ = ["main", "run"]


def run(n: int = 64, d: int = 32, k: int = 4, steps: int = 500, distribution: str = "sphere",
        scheme: str = "central", eps: float = 1e-4, reg: float = 1.0, seed: int = 0,
        progress: bool | None = None) -> dict[str, Any]:
    """Run GD and ZO-GD (step 1/(l*gamma)) on a regularized instance; return the measured and bound rates.

    The instance has ``w_i^2 = beta^- + reg`` so that C5 guarantees ``mu >= reg * sigma_min(A)^2 > 0``.
    """
    if not (isinstance(reg, (int, float)) and math.isfinite(reg) and reg > 0):
        raise ValueError(f"reg must be a finite number > 0 (w_i^2 = beta^- + reg), got {reg!r}")
    base = random_instance(n, d, rng=seed)
    _, beta_minus = beta_constants(base.b)
    problem = SoftmaxRegression(base.A, base.b, np.full(n, math.sqrt(beta_minus + reg)))
    ell, mu = smoothness_bound(problem), strong_convexity_bound(problem)
    r = effective_rank(hessian_upper_bound(problem))
    lr = step_size(problem, k, distribution)
    x0 = np.random.default_rng(seed + 1).standard_normal(d)
    star = newton(problem, x0).losses[-1]
    gd_traj = gd(problem, x0, steps=steps, lr=1.0 / ell, progress=progress)
    zo = zo_gd(problem, x0, steps=steps, lr=lr, k=k, eps=eps, distribution=distribution, scheme=scheme,
               rng=seed + 2, progress=progress)
    floor = 1e-9 * (zo.losses[0] - star)
    zo_rate, gd_rate = linear_rate(zo.losses, star, floor=floor), linear_rate(gd_traj.losses, star, floor=floor)
    bound = rate_bound(problem, k, distribution)
    return {
        "n": n, "d": d, "k": k, "steps": steps, "distribution": distribution, "scheme": scheme, "eps": eps,
        "seed": seed, "ell": ell, "mu": mu, "effective_rank": r, "gamma": gamma(d, k, r, distribution),
        "lr": lr, "loss_star": float(star),
        "gap_initial": float(zo.losses[0] - star), "gap_final_zo": float(zo.losses[-1] - star),
        "gap_final_gd": float(gd_traj.losses[-1] - star),
        "rate_zo_measured": zo_rate, "rate_bound_c11": bound, "rate_gd_measured": gd_rate,
        "rate_gd_bound": 1.0 - mu / ell,
        "bound_holds": bool(zo_rate <= bound), "forward_passes": int(zo.forward_passes[-1]),
    }


def _print_table(res: dict[str, Any]) -> None:
    print(f"instance  n={res['n']} d={res['d']} seed={res['seed']}  l={res['ell']:.4g}  mu={res['mu']:.4g}  "
          f"r={res['effective_rank']:.3g}")
    print(f"ZO-GD     k={res['k']} {res['distribution']}/{res['scheme']} eps={res['eps']:g}  "
          f"gamma={res['gamma']:.4g}  lr=1/(l*gamma)={res['lr']:.4g}  steps={res['steps']}  "
          f"forward passes={res['forward_passes']}")
    print(f"gap       initial {res['gap_initial']:.3e}  ZO final {res['gap_final_zo']:.3e}  "
          f"GD final {res['gap_final_gd']:.3e}")
    print(f"rate      ZO measured {res['rate_zo_measured']:.6f}  <=  C11 bound {res['rate_bound_c11']:.6f}: "
          f"{'holds' if res['bound_holds'] else 'VIOLATED'}")
    print(f"          (GD, step 1/l: measured {res['rate_gd_measured']:.6f}, bound 1-mu/l {res['rate_gd_bound']:.6f})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="zosoftmax", description=__doc__)
    parser.add_argument("--version", action="version", version=f"zosoftmax {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("run", help="run GD and ZO-GD on a seeded instance and compare with the C11 rate",
                       description="Generate a regularized instance (w_i^2 = beta^- + reg), run GD (step 1/l) and "
                       "ZO-GD (step 1/(l*gamma)), fit the linear rate of L(x_t) - L* (L* from Newton) and print "
                       "it next to the C11 bound 1 - mu/(l*gamma).")
    p.add_argument("--n", type=int, default=64, help="rows of A (softmax width), >= 2 (default 64)")
    p.add_argument("--d", type=int, default=32, help="columns of A (dimension of x), <= n (default 32)")
    p.add_argument("--k", type=int, default=4, help="directions per ZO estimate (default 4)")
    p.add_argument("--steps", type=int, default=500, help="iterations of each method (default 500)")
    p.add_argument("--distribution", choices=DISTRIBUTIONS, default="sphere",
                   help="direction distribution (default sphere, MeZO's)")
    p.add_argument("--scheme", choices=SCHEMES, default="central", help="finite-difference scheme (default central)")
    p.add_argument("--eps", type=float, default=1e-4, help="perturbation scale epsilon (default 1e-4)")
    p.add_argument("--reg", type=float, default=1.0, help="regularization margin: w_i^2 = beta^- + reg (default 1)")
    p.add_argument("--seed", type=int, default=0, help="seed of the instance and the run (default 0)")
    p.add_argument("--json", action="store_true", help="print the results as JSON instead of a table")
    p.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    args = parser.parse_args(argv)
    try:
        if args.d > args.n:
            raise ValueError(f"d must be <= n so that A has full column rank (C5); got n={args.n}, d={args.d}")
        if args.seed < 0:
            raise ValueError(f"seed must be a non-negative integer, got {args.seed}")
        res = run(n=args.n, d=args.d, k=args.k, steps=args.steps, distribution=args.distribution,
                  scheme=args.scheme, eps=args.eps, reg=args.reg, seed=args.seed,
                  progress=False if args.no_progress else None)
    except ValueError as exc:
        print(f"zosoftmax: error: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(res, indent=2))
    else:
        _print_table(res)
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
