r"""Gradient descent, zeroth-order gradient descent (MeZO-style, seeded), replay and a Newton solve.

ZO-GD is :math:`x_{t+1} = x_t - \eta\,\hat g_t` with :math:`\hat g_t = \frac1k\sum_j s_{t,j} z_{t,j}` (C10-C12).
The directions of step ``t`` are regenerated from one integer seed, so a run is determined by ``x0``, the seeds
and the scalars :math:`s_{t,j}` (MeZO's memory trick, C12): :func:`replay` rebuilds the final iterate bit for bit
without evaluating the loss once. :func:`zo_gd` is the paper's loop, one step at a time; :func:`zo_gd_batch`
advances ``S`` independent runs together with one product :math:`[X; Z]A^\top` per step. Both take their
quotients from the one implementation in :mod:`zosoftmax.estimators`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

import numpy as np
from tqdm.auto import tqdm

from . import _checks
from ._checks import Array
from .estimators import _draw, _logit_quotients, evaluations, projected_gradients
from .problem import SoftmaxRegression

__all__ = [
    "DivergenceError",
    "Trajectory",
    "gd",
    "linear_rate",
    "newton",
    "replay",
    "step_directions",
    "zo_gd",
    "zo_gd_batch",
]

SEED_HIGH = 2**63 - 1  # per-step seeds are drawn uniformly from [0, 2^63 - 1)


@dataclass(frozen=True, eq=False)
class Trajectory:
    r"""The record of one run (or of ``S`` runs in a batch: a leading seed axis on every array).

    Attributes
    ----------
    losses : ndarray (steps + 1,) or (S, steps + 1)
        :math:`L(x_t)` for t = 0..steps.
    x : ndarray (d,) or (S, d)
        Final iterate.
    forward_passes : ndarray (steps + 1,)
        Cumulative loss evaluations the method needed to reach step t, per run (ZO: ``2k`` or ``k + 1``
        a step; GD and Newton: 1 a step, their backward pass and Hessian not counted).
    method : str
        ``"gd"``, ``"zo_gd"`` or ``"newton"``.
    lr : float
    k, eps, distribution, scheme :
        ZO settings (``None`` for GD and Newton).
    seeds : ndarray (steps,) or (S, steps) of int64, or None
        Per-step direction seeds (ZO only): step ``t`` draws its directions from
        ``numpy.random.default_rng(seeds[t])``, or for a batch from ``default_rng(seeds[:, t])``
        (:func:`step_directions`).
    scalars : ndarray (steps, k) or (S, steps, k), or None
        Projected gradients :math:`s_{t,j}` (ZO only).

    Notes
    -----
    C11, C12.
    """

    losses: Array
    x: Array
    forward_passes: Array
    method: str
    lr: float
    k: int | None = None
    eps: float | None = None
    distribution: str | None = None
    scheme: str | None = None
    seeds: Array | None = None
    scalars: Array | None = None

    @property
    def steps(self) -> int:
        """Number of steps ``T`` taken: the loss is recorded at ``x_0, ..., x_T``."""
        return int(self.losses.shape[-1] - 1)


def _problem(problem: Any) -> SoftmaxRegression:
    if not isinstance(problem, SoftmaxRegression):
        raise ValueError(f"problem must be a SoftmaxRegression, got {type(problem).__name__}")
    return problem


class DivergenceError(FloatingPointError):
    """A run's iterate ran away: it left float64's range, or its logits grew until ε could not move the loss."""


def _check_finite(X: Array, step: int, lr: float) -> None:
    if not np.all(np.isfinite(X)) or float(np.max(np.abs(X))) > 1e150:  # float: 1e150 does not fit a float32
        raise DivergenceError(
            f"the iterate diverged at step {step} with lr={lr:g}; use a smaller lr "
            "(zosoftmax.step_size gives the C11 step 1/(l*gamma), zosoftmax.max_stable_lr the largest stable one)")


def _diverged(step: int, lr: float, error: ValueError) -> DivergenceError:
    """The ε guard (or the loss's domain) refusing a later step: the iterate grew after an accepted first step."""
    return DivergenceError(f"the run diverged by step {step} with lr={lr:g}: its logits grew until {error}")


def _bar(steps: int, desc: str, progress: bool | None) -> Any:
    """A tqdm bar on stderr (``progress=None``: only on a terminal)."""
    return tqdm(total=steps, desc=desc, disable=None if progress is None else not progress, leave=False)


def _check_memory(runs: int, steps: int, k: int, itemsize: int) -> None:
    """Refuse a run whose records (losses, seeds, scalars) would take more than half of this machine's memory."""
    need = runs * ((steps + 1) * 8 + steps * 8 + steps * k * itemsize)
    try:
        have = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):  # pragma: no cover - platforms without sysconf
        return
    if need > have // 2:
        raise ValueError(f"runs={runs}, steps={steps}, k={k} would record {need / 2**30:.1f} GiB (losses, seeds and "
                         f"scalars), more than half of this machine's {have / 2**30:.1f} GiB: use fewer steps or runs")


def gd(problem: SoftmaxRegression, x0: Any, *, steps: int, lr: float, progress: bool | None = False) -> Trajectory:
    r"""Gradient descent :math:`x_{t+1} = x_t - \eta\nabla L(x_t)`.

    Parameters
    ----------
    problem : SoftmaxRegression
    x0 : array_like (d,)
    steps : int >= 1
    lr : float > 0
    progress : bool or None
        Show a progress bar on stderr (``None``: only on a terminal).

    Returns
    -------
    Trajectory

    Notes
    -----
    C11 (the first-order baseline).
    """
    p = _problem(problem)
    x = _checks.as_array(x0, "x0", ndim=1, shape=(p.d,), dtype=p.dtype).copy()
    steps = _checks.positive_int(steps, "steps")
    lr = _checks.positive_float(lr, "lr")
    losses = np.empty(steps + 1)
    with _bar(steps, "gd", progress) as bar:
        for t in range(steps):
            losses[t] = p.loss(x)
            x = x - lr * p.gradient(x)  # x_{t+1} = x_t − η ∇L(x_t)
            _check_finite(x, t + 1, lr)
            bar.update()
    losses[steps] = p.loss(x)
    return Trajectory(losses=losses, x=x, forward_passes=np.arange(steps + 1, dtype=np.int64), method="gd", lr=lr)


def step_directions(seed: Any, k: int, d: int, distribution: str = "gaussian", dtype: Any = np.float64) -> Array:
    r"""The directions of one ZO-GD step, regenerated from the step's seed.

    Parameters
    ----------
    seed : int, or int array (S,)
        The step's seed (``Trajectory.seeds[t]``), or the step's column of a batch (``Trajectory.seeds[:, t]``).
    k, d, distribution, dtype :
        As in :func:`zosoftmax.sample_directions`.

    Returns
    -------
    ndarray (k, d), or (S, k, d) for a column of seeds
        Drawn from ``numpy.random.default_rng(seed)`` in one call: for a column, the ``S`` blocks are i.i.d.
        (so the runs of a batch are independent), and a column of one seed gives the directions of that seed.

    Notes
    -----
    C12: the directions are never stored across steps; a run and its replay draw them alike.
    """
    shape = (k, d) if np.ndim(seed) == 0 else (len(seed), k, d)
    return _draw(np.random.default_rng(seed), np.empty(shape, dtype=dtype), distribution)


def _zo_settings(steps: Any, lr: Any, k: Any, eps: Any, distribution: Any, scheme: Any) -> tuple[Any, ...]:
    return (_checks.positive_int(steps, "steps"), _checks.positive_float(lr, "lr"), _checks.positive_int(k, "k"),
            _checks.positive_float(eps, "eps"), _checks.choice(distribution, "distribution", _checks.DISTRIBUTIONS),
            _checks.choice(scheme, "scheme", _checks.SCHEMES))


def _descend(x: Array, Z: Array, s: Array, lr: float) -> Array:
    r""":math:`x - \eta\,\hat g` with :math:`\hat g = \frac1k\sum_j s_j z_j`.

    The update of :func:`zo_gd` and of its :func:`replay` (one expression, so the replay is bit for bit).
    """
    return x - (lr / len(s)) * (s @ Z)


def zo_gd(problem: SoftmaxRegression, x0: Any, *, steps: int, lr: float, k: int = 1, eps: float = 1e-3,
          distribution: str = "gaussian", scheme: str = "central", rng: Any = None,
          progress: bool | None = False) -> Trajectory:
    r"""Zeroth-order gradient descent with seeded directions: the paper's algorithm, one step at a time.

    Parameters
    ----------
    problem : SoftmaxRegression
    x0 : array_like (d,)
    steps : int >= 1
    lr : float > 0
        Step :math:`\eta`; the C11 choice is :func:`zosoftmax.step_size`.
    k, eps, distribution, scheme :
        As in :func:`zosoftmax.spsa_gradient`.
    rng : numpy.random.Generator, int or None
        Source of the per-step seeds.
    progress : bool or None
        A tqdm progress bar on stderr (``None``: only on a terminal).

    Returns
    -------
    Trajectory
        With ``seeds`` (steps,) and ``scalars`` (steps, k) for :func:`replay`.

    Notes
    -----
    C10-C12. Step ``t``:

    .. math:: z_{t,1..k} \leftarrow \text{seed}_t, \qquad
              s_{t,j} = \frac{L(x_t+\varepsilon z_{t,j}) - L(x_t-\varepsilon z_{t,j})}{2\varepsilon}, \qquad
              x_{t+1} = x_t - \frac\eta k\sum_j s_{t,j} z_{t,j}

    ``losses[t]`` is :math:`L(x_t)`, recorded for the figures and not counted in ``forward_passes``.
    """
    p = _problem(problem)
    x = _checks.as_array(x0, "x0", ndim=1, shape=(p.d,), dtype=p.dtype)
    steps, lr, k, eps, distribution, scheme = _zo_settings(steps, lr, k, eps, distribution, scheme)
    _check_memory(1, steps, k, p.dtype.itemsize)
    seeds = _checks.generator(rng).integers(0, SEED_HIGH, size=steps, dtype=np.int64)
    losses, scalars = np.empty(steps + 1), np.empty((steps, k), dtype=p.dtype)
    with _bar(steps, f"zo_gd[{distribution}, k={k}]", progress) as bar:
        for t in range(steps):
            losses[t] = p.loss(x)
            Z = step_directions(seeds[t], k, p.d, distribution, p.dtype)  # regenerated from the step's seed
            try:
                scalars[t] = projected_gradients(p, x, Z, eps=eps, scheme=scheme)  # 2k (or k + 1) losses
            except ValueError as error:  # the ε guard: at t = 0 a bad ε, later a run-away iterate
                if t == 0:
                    raise
                raise _diverged(t, lr, error) from error
            x = _descend(x, Z, scalars[t], lr)  # x_{t+1} = x_t − (η/k) Σ_j s_j z_j
            _check_finite(x, t + 1, lr)
            bar.update()
    losses[steps] = p.loss(x)
    return Trajectory(losses=losses, x=x, forward_passes=np.arange(steps + 1) * evaluations(k, scheme),
                      method="zo_gd", lr=lr, k=k, eps=eps, distribution=distribution, scheme=scheme,
                      seeds=seeds, scalars=scalars)


def _starts(p: SoftmaxRegression, x0: Any, S: int) -> Array:
    """(S, d) starting iterates: ``x0`` (d,) repeated for every run, or one row per run."""
    if np.ndim(x0) == 1:
        return np.tile(_checks.as_array(x0, "x0", ndim=1, shape=(p.d,), dtype=p.dtype), (S, 1))
    return _checks.as_array(x0, "x0", ndim=2, shape=(S, p.d), dtype=p.dtype).copy()


def _descend_batch(X: Array, Z: Array, s: Array, lr: float) -> Array:
    """:func:`_descend` for (S, d) iterates, (S, k, d) directions and (S, k) scalars (batch and its replay)."""
    return X - (lr / s.shape[-1]) * np.matmul(s[:, None, :], Z)[:, 0]  # type: ignore[no-any-return]


def zo_gd_batch(problem: SoftmaxRegression, x0: Any, *, runs: int, steps: int, lr: float, k: int = 1,
                eps: float = 1e-3, distribution: str = "gaussian", scheme: str = "central", rng: Any = None,
                progress: bool | None = False) -> Trajectory:
    r"""``S = runs`` independent ZO-GD runs advanced together, one BLAS product per step.

    Parameters
    ----------
    problem : SoftmaxRegression
    x0 : array_like (d,) or (S, d)
        A common start or one start per run.
    runs : int >= 1
        Number of independent runs ``S``.
    steps, lr, k, eps, distribution, scheme, rng, progress :
        As in :func:`zo_gd`.

    Returns
    -------
    Trajectory
        Every array has a leading axis of length ``S``; ``forward_passes`` is per run.

    Raises
    ------
    ValueError
        Also when the records (``S (steps + 1)`` losses, ``S steps`` seeds, ``S steps k`` scalars) would take more
        than half of this machine's memory, with the amount.

    Notes
    -----
    C11, C12. Each step is :func:`zo_gd`'s step for every run, with the logits of the iterates and of all ``S k``
    directions from one product :math:`[X; Z]A^\top` (C12: :math:`A(x\pm\varepsilon z) = Ax\pm\varepsilon Az`).
    Step ``t`` draws the (S, k, d) directions of all runs from one generator seeded with the column
    ``seeds[:, t]`` (i.i.d. blocks: each run is distributed exactly as a :func:`zo_gd` run, and ``runs=1`` draws the
    directions of :func:`zo_gd` with the same ``rng``); the batch is replayed as a whole (:func:`replay`).
    """
    p = _problem(problem)
    S = _checks.positive_int(runs, "runs")
    X = _starts(p, x0, S)
    steps, lr, k, eps, distribution, scheme = _zo_settings(steps, lr, k, eps, distribution, scheme)
    _check_memory(S, steps, k, p.dtype.itemsize)
    seeds = _checks.generator(rng).integers(0, SEED_HIGH, size=(S, steps), dtype=np.int64)
    losses, scalars = np.empty((S, steps + 1)), np.empty((S, steps, k), dtype=p.dtype)
    with _bar(steps, f"zo_gd[{distribution}, k={k}, runs={S}]", progress) as bar:
        for t in range(steps):
            Z = step_directions(seeds[:, t], k, p.d, distribution, p.dtype)  # (S, k, d), one generator a step
            Y = np.concatenate([X, Z.reshape(S * k, p.d)]) @ p.A.T  # one product: A x_s and every A z_{s,j}
            y0, AZ = Y[:S], Y[S:].reshape(S, k, p.n)
            try:  # the quotients of projected_gradients, and L(x_t) from the same batched loss call
                scalars[:, t], losses[:, t] = _logit_quotients(p, y0, AZ, eps, scheme, center=True)
            except ValueError as error:  # the ε guard: at t = 0 a bad ε, later a run-away iterate
                if t == 0:
                    raise
                raise _diverged(t, lr, error) from error
            X = _descend_batch(X, Z, scalars[:, t], lr)
            _check_finite(X, t + 1, lr)
            bar.update()
    losses[:, steps] = p.loss_from_logits(X @ p.A.T)
    return Trajectory(losses=losses, x=X, forward_passes=np.arange(steps + 1) * evaluations(k, scheme),
                      method="zo_gd", lr=lr, k=k, eps=eps, distribution=distribution, scheme=scheme,
                      seeds=seeds, scalars=scalars)


def replay(trajectory: Trajectory, problem: SoftmaxRegression, x0: Any) -> Array:
    r"""Rebuild a ZO run's final iterate from ``x0``, its seeds and its scalars, bit for bit.

    Parameters
    ----------
    trajectory : Trajectory
        From :func:`zo_gd` or :func:`zo_gd_batch`.
    problem : SoftmaxRegression
        Only its ``d`` and ``dtype`` are used: replay evaluates no loss.
    x0 : array_like (d,) or (S, d)

    Returns
    -------
    ndarray (d,) or (S, d)

    Notes
    -----
    C12: memory :math:`O(d)` per run plus one seed and ``k`` scalars a step.
    """
    p = _problem(problem)
    if not isinstance(trajectory, Trajectory) or trajectory.seeds is None or trajectory.scalars is None:
        raise ValueError("trajectory must be a ZO Trajectory (from zo_gd or zo_gd_batch) with seeds and scalars")
    k, lr, dist = int(trajectory.k or 1), trajectory.lr, str(trajectory.distribution)
    if trajectory.seeds.ndim == 1:
        x = _checks.as_array(x0, "x0", ndim=1, shape=(p.d,), dtype=p.dtype)
        for seed, s in zip(trajectory.seeds, trajectory.scalars, strict=True):
            x = _descend(x, step_directions(seed, k, p.d, dist, p.dtype), s, lr)
        return x
    X = _starts(p, x0, trajectory.seeds.shape[0])
    for seeds, s in zip(trajectory.seeds.T, trajectory.scalars.transpose(1, 0, 2), strict=True):
        X = _descend_batch(X, step_directions(seeds, k, p.d, dist, p.dtype), s, lr)
    return X


def newton(problem: SoftmaxRegression, x0: Any = None, *, tol: float = 1e-13, max_iter: int = 100) -> Trajectory:
    r"""Damped Newton's method to machine precision; its last loss is the reference :math:`L^*`.

    Parameters
    ----------
    problem : SoftmaxRegression
    x0 : array_like (d,), optional
        Start (zeros by default).
    tol : float > 0
        Stop when :math:`\|\nabla L\| \le` ``tol`` :math:`\cdot\max(1, \|\nabla L(x_0)\|)` or when no step
        decreases the loss any more.
    max_iter : int

    Returns
    -------
    Trajectory

    Notes
    -----
    C11 (:math:`L^*` for the convergence figures). Steps :math:`-(H + \lambda I)^{-1} g` with
    Levenberg-Marquardt :math:`\lambda` raised until :math:`H + \lambda I \succ 0` and the loss decreases.
    """
    p = _problem(problem)
    x = np.zeros(p.d) if x0 is None else _checks.as_array(x0, "x0", ndim=1, shape=(p.d,), dtype=np.float64).copy()
    tol = _checks.positive_float(tol, "tol")
    max_iter = _checks.positive_int(max_iter, "max_iter")
    losses = [p.loss(x)]
    g0 = max(1.0, float(np.linalg.norm(p.gradient(x))))
    for _ in range(max_iter):
        g, H = p.gradient(x), p.hessian(x)
        if np.linalg.norm(g) <= tol * g0:
            break
        lam, improved = 0.0, False
        scale = max(1e-300, float(np.max(np.abs(np.diag(H)))))
        for _ in range(60):
            try:
                step = np.linalg.solve(H + lam * np.eye(p.d), -g)
                np.linalg.cholesky(H + lam * np.eye(p.d))
            except np.linalg.LinAlgError:
                lam = max(2 * lam, 1e-12 * scale)
                continue
            candidate = x + step
            loss = p.loss(candidate)
            if loss < losses[-1] or (loss == losses[-1] and np.linalg.norm(step) <= 1e-15 * (1 + np.linalg.norm(x))):
                x, improved = candidate, True
                losses.append(loss)
                break
            lam = max(4 * lam, 1e-12 * scale)
        if not improved:
            break
    losses_arr = np.asarray(losses)
    return Trajectory(losses=losses_arr, x=x, forward_passes=np.arange(losses_arr.size), method="newton", lr=1.0)


def linear_rate(losses: Any, loss_star: float, *, floor: float | None = None) -> float:
    r"""Fitted per-step contraction of :math:`L(x_t) - L^*` (least squares on :math:`\log` of the gap).

    Parameters
    ----------
    losses : array_like (T,) or (S, T)
        A loss curve (or several: the median gap over runs is fitted).
    loss_star : float
    floor : float, optional
        Only the prefix before the gap first falls below ``floor`` is fitted (default:
        :math:`10^{-10}` of the initial gap, well above the float64 rounding floor of the losses).

    Returns
    -------
    float
        :math:`\exp(\text{slope})`, comparable to :func:`zosoftmax.rate_bound`.

    Notes
    -----
    C11 (the measured side of the rate comparison).
    """
    L = _checks.as_array(losses, "losses", ndim=np.ndim(losses))
    gaps = L - float(loss_star)
    if gaps.ndim == 2:
        gaps = np.median(gaps, axis=0)
    if gaps.ndim != 1 or gaps.size < 3:
        raise ValueError(f"losses must be a curve of at least 3 points, got shape {L.shape}")
    floor = 1e-10 * gaps[0] if floor is None else float(floor)
    below = np.nonzero(gaps <= max(floor, 0.0))[0]
    end = int(below[0]) if below.size else gaps.size
    if end < 3:
        raise ValueError("fewer than 3 points above the floor: lower 'floor' or use more steps")
    t = np.arange(end)
    slope = np.polyfit(t, np.log(gaps[:end]), 1)[0]
    return float(np.exp(slope))
