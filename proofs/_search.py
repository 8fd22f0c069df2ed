r"""Adversarial numeric search (labelled numeric, not a proof) for the suprema of C4-C7.

Reduction used by every search: ``B``, ``Sc`` and the third derivative along ``v`` are affine in ``b``, so
:math:`\lambda_{\max}(B)`, :math:`-\lambda_{\min}(B)`, :math:`\|Sc\|` and :math:`|\varphi_3|` are convex in
``b`` and their suprema over a compact convex target set are attained at its extreme points: the vertices
:math:`e_j` of the simplex (by permutation equivariance, :math:`e_1` suffices) and the unit sphere for the
ball (``b = θ/‖θ‖``). The search is over the logits ``y`` (and ``θ``, and the unit direction ``v`` for
:math:`\varphi_3`): ``POPULATION`` random starts of every logit scale, each improved by a batched (1+1)
evolution strategy, and the best ``N_STARTS`` polished by scipy's L-BFGS-B. The objective is evaluated with
the split :math:`B = P^\top\mathrm{diag}(f\circ q)P` proved in C3 (fast, batched); the reported value at
the maximizer is recomputed with the library's ``SoftmaxRegression.B`` / ``gradient``.

One function, one cache: :func:`search` is what the proofs (C4, C6, C7) and the figure ``fig_constants``
both read. Its results are kept in memory and on disk (``.cache/search``, one JSON per search, keyed on the
arguments and the source of this module and of ``zosoftmax``, written atomically), so a search run by
``make figures`` is not run again by ``make verify``, and the other way round. The quick profile (the test
suite's: fewer n, a smaller search) is an explicit ``quick=True`` argument.
"""

from __future__ import annotations

import hashlib
import json
import logging
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
from scipy.optimize import minimize

import zosoftmax as zs
from zosoftmax.io import locked, read_entry, write_entry

__all__ = ["CACHE", "N_VALUES", "QUANTITIES", "SETS", "n_values", "phi3", "samples", "search", "search_table"]

N_VALUES = tuple(range(2, 9))
SETS = ("simplex", "ball")
QUANTITIES = ("beta_plus", "beta_minus", "sc", "phi3")
POPULATION = 96   # random starting points per (quantity, set, n)
ES_STEPS = 120    # batched (1+1)-ES steps per point
N_STARTS = 2      # best points polished by L-BFGS-B
QUICK_N_VALUES = (2, 3)  # the quick profile's n (the test suite's)
log = logging.getLogger("proofs.search")  # a damaged cache entry is reported here
CACHE = Path(__file__).resolve().parents[1] / ".cache" / "search"  # one JSON per search (see the module docstring)


def n_values(quick: bool = False) -> tuple[int, ...]:
    """The n of the numeric searches: 2..8, or (2, 3) in the quick profile."""
    return QUICK_N_VALUES if quick else N_VALUES


def samples(full: int, quick: bool = False) -> int:
    """A random-sample count: ``full``, or an eighth of it in the quick profile."""
    return max(1, full // 8) if quick else full


def _unpack(P: np.ndarray, n: int, bset: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Split parameters (..., dim) into logits y, target b (extreme point of ``bset``) and the rest."""
    y = P[..., :n]
    if bset == "simplex":
        b = np.zeros((*P.shape[:-1], n))
        b[..., 0] = 1.0
        rest = P[..., n:]
    else:
        th = P[..., n:2 * n]
        b = th / np.maximum(np.linalg.norm(th, axis=-1, keepdims=True), 1e-300)
        rest = P[..., 2 * n:]
    return y, b, rest


def phi3(f: np.ndarray, b: np.ndarray, v: np.ndarray) -> np.ndarray:
    r"""Third derivative at 0 of :math:`\tau\mapsto\tfrac12\|\mathrm{softmax}(y+\tau v)-b\|^2`, batched.

    From the identities proved in C7: :math:`3\langle\dot f,\ddot f\rangle + \langle c,\dddot f\rangle` with
    :math:`\dot f = f\circ\tilde v`, :math:`\ddot f = f\circ(\tilde v^2-\sigma^2)`,
    :math:`\dddot f = f\circ(\tilde v^3 - 3\sigma^2\tilde v - \kappa_3)`.
    """
    vt = v - np.sum(f * v, axis=-1, keepdims=True)
    s2 = np.sum(f * vt**2, axis=-1, keepdims=True)
    k3 = np.sum(f * vt**3, axis=-1, keepdims=True)
    fd, fdd, fddd = f * vt, f * (vt**2 - s2), f * (vt**3 - 3 * s2 * vt - k3)
    return np.sum(3 * fd * fdd + (f - b) * fddd, axis=-1)  # type: ignore[no-any-return]


def _values(quantity: str, n: int, bset: str, P: np.ndarray) -> np.ndarray:
    """The quantity at each row of ``P`` (M, dim), batched (B from the split proved in C3)."""
    y, b, rest = _unpack(P, n, bset)
    f = zs.softmax(y)
    if quantity == "phi3":
        v = rest / np.maximum(np.linalg.norm(rest, axis=-1, keepdims=True), 1e-300)
        return np.abs(phi3(f, b, v))
    c = f - b
    cbar = np.sum(f * c, axis=-1, keepdims=True)
    if quantity == "sc":
        return np.linalg.norm(f * (c - cbar), axis=-1)  # type: ignore[no-any-return]  # Sc = f∘(c − c̄)
    fq = f * (f + c - cbar)  # B = diag(f∘q) − (f∘q)fᵀ − f(f∘q)ᵀ + <f,q> ffᵀ  (C3)
    Bm = (fq[:, :, None] * np.eye(n) - fq[:, :, None] * f[:, None, :] - f[:, :, None] * fq[:, None, :]
          + np.sum(fq, axis=-1)[:, None, None] * f[:, :, None] * f[:, None, :])
    ev = np.linalg.eigvalsh(Bm)
    return ev[:, -1] if quantity == "beta_plus" else -ev[:, 0]  # type: ignore[no-any-return]


def _dim(quantity: str, n: int, bset: str) -> int:
    return n + (n if bset == "ball" else 0) + (n if quantity == "phi3" else 0)


def _library_value(quantity: str, n: int, bset: str, p: np.ndarray) -> float:
    y, b, rest = _unpack(p, n, bset)
    prob = zs.SoftmaxRegression(np.eye(n), b)
    if quantity == "beta_plus":
        return float(np.linalg.eigvalsh(prob.B(y))[-1])
    if quantity == "beta_minus":
        return float(-np.linalg.eigvalsh(prob.B(y))[0])
    if quantity == "sc":
        return float(np.linalg.norm(prob.gradient(y)))  # A = I, no regularizer: gradient = S c
    v = rest / np.linalg.norm(rest)
    return float(abs(phi3(zs.softmax(y), b, v)))


def search(quantity: str, bset: str, n: int, seed: int = 0, quick: bool = False,
           cache_dir: str | Path | None = None) -> dict[str, Any]:
    r"""Numeric sup of ``quantity`` over f (logits), b in ``bset`` (extreme points), v (``phi3`` only).

    Parameters
    ----------
    quantity : {"beta_plus", "beta_minus", "sc", "phi3"}
        :math:`\lambda_{\max}(B)`, :math:`-\lambda_{\min}(B)`, :math:`\|Sc\|` or :math:`|\varphi_3|`.
    bset : {"simplex", "ball"}
        The admissible targets (searched at their extreme points).
    n : int
        Softmax width, >= 2.
    seed : int
        Seed of the search's random starts and steps.
    quick : bool
        The quick profile (the test suite's): half the population and half the evolution steps.
    cache_dir : path, optional
        Where the result is cached on disk (default :data:`CACHE`); a folder shared by the workers of a cluster.

    Returns
    -------
    dict
        ``{"value", "f", "b"}``: the library-evaluated value at the best point found, and that point.

    Notes
    -----
    Numeric evidence for the suprema of C4 (``beta_plus``, ``beta_minus``), C6 (``sc``) and C7 (``phi3``).
    """
    if quantity not in QUANTITIES or bset not in SETS:
        raise ValueError(f"quantity must be in {QUANTITIES} and bset in {SETS}, got {quantity!r}, {bset!r}")
    if not isinstance(n, int | np.integer) or n < 2:
        raise ValueError(f"n must be an integer >= 2, got {n!r}")
    folder = str(CACHE if cache_dir is None else cache_dir)
    return _cached_search(quantity, bset, int(n), int(seed), bool(quick), folder)


def _fingerprint() -> str:
    """Hash of this module's and the library's sources: a code change invalidates every cached search."""
    digest = hashlib.sha256(Path(__file__).read_bytes())
    for path in sorted(Path(zs.__file__).parent.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


@cache
def _cached_search(quantity: str, bset: str, n: int, seed: int, quick: bool, cache_dir: str) -> dict[str, Any]:
    """:func:`_search` through the disk cache (and, by ``functools.cache``, once per process)."""
    code = _fingerprint()
    params = {"quantity": quantity, "bset": bset, "n": n, "seed": seed, "quick": quick, "code": code}
    digest = hashlib.sha256(json.dumps(params, sort_keys=True).encode()).hexdigest()[:16]
    path = Path(cache_dir) / f"{quantity}-{bset}-n{n}-{digest}.json"
    with locked(path):  # one search per entry, however many runs or workers ask for it at once
        found, result, problem = read_entry(path, "search", params, code)
        if found:
            return result  # type: ignore[no-any-return]
        if problem is not None:  # truncated, corrupted or misplaced: reported, never loaded
            log.warning("cache entry %s %s: recomputing it", path, problem)
        result = _search(quantity, bset, n, seed, quick)
        write_entry(path, "search", params, code, result)
        return result


def _search(quantity: str, bset: str, n: int, seed: int, quick_profile: bool) -> dict[str, Any]:
    """The search itself (uncached): see :func:`search`."""
    rng = np.random.default_rng([seed, n, QUANTITIES.index(quantity), SETS.index(bset)])
    dim = _dim(quantity, n, bset)
    pop, steps = (POPULATION // 2, ES_STEPS // 2) if quick_profile else (POPULATION, ES_STEPS)
    P = rng.normal(size=(pop, dim))
    P[:, :n] *= rng.uniform(0.5, 6.0, size=(pop, 1))  # logits of every scale: flat to near-vertex f
    val = _values(quantity, n, bset, P)
    sigma = np.ones((pop, 1))
    for _ in range(steps):
        Q = P + sigma * rng.normal(size=P.shape)
        new = _values(quantity, n, bset, Q)
        better = new > val
        P[better], val[better] = Q[better], new[better]
        sigma = np.clip(np.where(better[:, None], sigma * 1.5, sigma * 0.85), 1e-4, 3.0)

    def neg(p: np.ndarray) -> float:
        return -float(_values(quantity, n, bset, p[None, :])[0])

    best_val, best_p = -np.inf, P[int(np.argmax(val))]
    for p0 in P[np.argsort(-val)[:N_STARTS]]:
        res = minimize(neg, p0, method="L-BFGS-B")
        for cand in (res.x, p0):
            v = -neg(cand)
            if v > best_val:
                best_val, best_p = v, cand
    y, b, _ = _unpack(best_p, n, bset)
    return {"value": _library_value(quantity, n, bset, best_p), "f": zs.softmax(y).tolist(), "b": b.tolist()}


def search_table(quantity: str, bset: str, quick: bool = False) -> dict[int, float]:
    """``{n: numeric sup}`` for n in :func:`n_values` (``quick``: the quick profile's n and search)."""
    return {n: search(quantity, bset, n, quick=quick)["value"] for n in n_values(quick)}
