r"""Gradient descent, zeroth-order gradient descent (MeZO-style, seeded), replay and a Newton solve.

ZO-GD is :math:`x_{t+1} = x_t - \eta\,\hat g_t` with :math:`\hat g_t = \frac1k\sum_j s_{t,j} z_{t,j}`.
The directions of step ``t`` are regenerated from one integer seed, so a run is determined by ``x0``,
the seeds and the scalars :math:`s_{t,j}` (MeZO's memory trick, C12): :func:`replay` rebuilds the final
iterate bit for bit without evaluating the loss once.

:func:`zo_gd_batch` runs ``S`` independent seeds as one (S, d) batch: each step is one product
:math:`Z A^\top` serving all ``S k`` directions (the logits :math:`A x_s` are carried by the update,
:math:`A x_{t+1} = A x_t + \sum_j c_j\, A z_j`, and recomputed from ``x`` every 16 steps), and the quotients come
from the row moments of :math:`u^\pm = \mathrm{softmax}(Ax)\circ e^{\pm\varepsilon Az}`, ``k`` exponentials per run
instead of ``2k + 1`` softmaxes (so a run's scalars agree with :func:`zosoftmax.projected_gradients` to rounding,
not bit for bit). The step's directions are drawn as one (S, k, d) block from one generator seeded with the
``S`` seeds of that step. A large batch is pipelined on two threads: a worker makes the products of the steps
ahead while the caller finishes the current step, and whichever thread would wait draws directions; BLAS is held
to one thread meanwhile.
"""

from __future__ import annotations

import contextlib
import contextvars
import threading
from dataclasses import dataclass
from typing import Any

import numpy as np
import threadpoolctl
from numpy.typing import NDArray

from . import _checks
from ._io import Progress
from .estimators import _draw, _factored_quotients, _perturbed_losses, _quotients, evaluations
from .problem import SoftmaxRegression

__all__ = ["Trajectory", "gd", "zo_gd", "zo_gd_batch", "replay", "newton", "linear_rate"]

Array = NDArray[Any]
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
        Per-step direction seeds (ZO only). Step ``t`` of a batch draws the directions of all ``S`` runs
        from one generator seeded with the column ``seeds[:, t]``, ``Generator(SFC64(seeds[:, t]))`` (for ``S = 1``:
        ``Generator(SFC64(seed))``).
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
        return int(self.losses.shape[-1] - 1)


def _problem(problem: Any) -> SoftmaxRegression:
    if not isinstance(problem, SoftmaxRegression):
        raise ValueError(f"problem must be a SoftmaxRegression, got {type(problem).__name__}")
    return problem


def _check_finite(X: Array, step: int, lr: float) -> None:
    if not np.all(np.isfinite(X)) or np.max(np.abs(X)) > 1e150:
        raise FloatingPointError(
            f"the iterate diverged at step {step} with lr={lr:g}; use a smaller lr "
            "(zosoftmax.bounds.step_size gives the C11 step 1/(l*gamma))")


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
    bar = Progress(steps, "gd", progress)
    for t in range(steps):
        losses[t] = p.loss(x)
        x = x - lr * p.gradient(x)  # x_{t+1} = x_t − η ∇L(x_t)
        _check_finite(x, t + 1, lr)
        bar.update()
    bar.close()
    losses[steps] = p.loss(x)
    return Trajectory(losses=losses, x=x, forward_passes=np.arange(steps + 1, dtype=np.int64), method="gd", lr=lr)


def _directions(seeds: Array, k: int, d: int, distribution: str, dtype: Any, out: Array | None = None) -> Array:
    """Directions (S, k, d) of one step (C12: regenerated from the step's seeds, never stored across steps).

    One generator per step, ``Generator(SFC64(seeds))`` seeded (through a ``SeedSequence``) with the S run seeds
    of the step, draws the whole (S, k, d) block in one call; run ``s`` gets block ``s``. The S blocks are i.i.d.,
    so each run is distributed as an independent :func:`zo_gd` run, and for S = 1 the generator is
    ``Generator(SFC64(seed))``, the one :func:`zo_gd` uses. Written into ``out`` when given.

    SFC64 rather than numpy's default PCG64: drawing is a third of a batched step's work on the calling thread,
    and SFC64's Gaussians are 24% cheaper here (652 against 854 µs for 65536); both pass the standard
    statistical batteries (numpy's bit-generator documentation).
    """
    seeds = np.asarray(seeds, dtype=np.int64)
    out = np.empty((seeds.shape[0], k, d), dtype=dtype) if out is None else out
    return _draw(np.random.Generator(np.random.SFC64(seeds)), out, distribution)


def _update(X: Array, Z: Array, c: Array) -> Array:
    """x + Σ_j c_j z_j, batched over runs (c = −(η/k) s): the one update shared by the run and its replay."""
    return X + np.matmul(c[:, None, :], Z)[:, 0]  # type: ignore[no-any-return]


def _zo_settings(steps: Any, lr: Any, k: Any, eps: Any, distribution: Any, scheme: Any) -> tuple[Any, ...]:
    return (_checks.positive_int(steps, "steps"), _checks.positive_float(lr, "lr"), _checks.positive_int(k, "k"),
            _checks.positive_float(eps, "eps"), _checks.choice(distribution, "distribution", _checks.DISTRIBUTIONS),
            _checks.choice(scheme, "scheme", _checks.SCHEMES))


# The logits A x_s are carried by the update, y ← y − (η/k) Σ_j s_j A z_j (A z_j is computed for the estimate anyway),
# and recomputed from x every _LOGIT_REFRESH steps, so they are never more than that many roundings away from A x_s.
_LOGIT_REFRESH = 16
# From this many direction entries S·k·d per step a batch is pipelined (see _zo_run); below it a step's product is
# short (~1 ms at 2^15 entries and n = 512) next to a thread hand-off (50-220 us on this VM).
_PIPELINE_MIN_ENTRIES = 2**15
_Z_SLOTS, _AZ_SLOTS = 4, 3  # pipelined: directions drawn up to 3 steps ahead, products made up to 2 steps ahead
_THREADED = True  # False runs the pipelined plan on the calling thread: the same calls, so the same bits (tests)
_BLAS: Any = None  # threadpoolctl.ThreadpoolController, made on first use (it scans the loaded libraries once)


def _one_blas_thread() -> Any:
    """A context in which BLAS runs on the calling thread only (threadpoolctl; process-wide while it lasts)."""
    global _BLAS
    if _BLAS is None:
        _BLAS = threadpoolctl.ThreadpoolController()
    return _BLAS.limit(limits=1, user_api="blas")


class _Ahead:
    """The directions and logits ``A z`` of the steps ahead of a pipelined batch, made beside the caller.

    A worker thread makes the products in step order, each as soon as its directions are drawn and its output
    slot is free; whichever thread would otherwise wait draws the next directions (the caller while it waits for
    a product, the worker while it waits for directions). Step ``t``'s directions go to slot ``t % _Z_SLOTS``
    once step ``t - _Z_SLOTS`` is consumed, its logits to slot ``t % _AZ_SLOTS`` once step ``t - _AZ_SLOTS`` is:
    nothing is overwritten while in use, and every draw and product is the call the plain loop makes.
    """

    def __init__(self, steps: int, draw: Any, product: Any) -> None:
        self._steps, self._draw, self._product = steps, draw, product
        self._cond = threading.Condition()
        self._drawn = [False] * steps
        self._next_draw = self._consumed = self._done = 0
        self._stop = False
        self._error: BaseException | None = None
        run = contextvars.copy_context().run  # the caller's np.errstate applies on the worker too
        self._thread = threading.Thread(target=run, args=(self._work,), name="zo_gd", daemon=True)
        self._thread.start()

    def _draw_next(self) -> bool:
        """Draw the next step whose slot is free, with the lock released meanwhile; False if there is none.
        Called with the lock held."""
        j = self._next_draw
        if j >= self._steps or j >= self._consumed + _Z_SLOTS:
            return False
        self._next_draw = j + 1
        self._cond.release()
        try:
            self._draw(j)
        finally:
            self._cond.acquire()
        self._drawn[j] = True
        self._cond.notify_all()
        return True

    def _work(self) -> None:
        try:
            for t in range(self._steps):
                with self._cond:
                    while not (self._stop or (self._drawn[t] and self._consumed > t - _AZ_SLOTS)):
                        if not self._draw_next():
                            self._cond.wait()
                    if self._stop:
                        return
                self._product(t)  # one BLAS call, outside the lock (it releases the GIL)
                with self._cond:
                    self._done = t + 1
                    self._cond.notify_all()
        except BaseException as error:  # handed to the caller by wait()
            with self._cond:
                self._error = error
                self._cond.notify_all()

    def wait(self, t: int) -> None:
        """Return once step ``t``'s logits are made, drawing ahead meanwhile; re-raise the worker's error."""
        with self._cond:
            while self._done <= t and self._error is None:
                if not self._draw_next():
                    self._cond.wait()
            if self._error is not None:
                raise self._error

    def consumed(self, t: int) -> None:
        """Step ``t``'s directions and logits are used up: their slots may be refilled."""
        with self._cond:
            self._consumed = t + 1
            self._cond.notify_all()

    def close(self) -> None:
        with self._cond:
            self._stop = True
            self._cond.notify_all()
        self._thread.join()


def _quotients_and_losses(p: SoftmaxRegression, y0: Array, AZ: Array, eps: float, scheme: str,
                          scratch: tuple[Array, Array]) -> tuple[Array, Array]:
    """(S, k) quotients and (S,) losses at ``y0``: factored (k exponentials a run) or, beyond its range, stacked."""
    got = _factored_quotients(p, y0, AZ, eps, scheme, scratch)
    if got is not None:
        return got
    k = AZ.shape[-2]
    m = 2 * k if scheme == "central" else k + 1
    values = _perturbed_losses(p, y0, AZ, eps, scheme, center=True)  # (S, 2k+1) | (S, k+1)
    return _quotients(values[:, :m], k, eps, scheme), values[:, m] if scheme == "central" else values[:, 0]


def _zo_run(p: SoftmaxRegression, X: Array, seeds: Array, lr: float, k: int, eps: float, distribution: str,
            scheme: str, progress: bool | None) -> tuple[Array, Array, Array]:
    """``S`` runs from the (S, d) starts ``X`` with the (S, steps) seeds: (losses, final X, scalars).

    The directions of a step, and their logits ``A z``, do not depend on the iterate. A large batch (S > 1 and
    S·k·d >= ``_PIPELINE_MIN_ENTRIES``) is therefore pipelined on two threads (:class:`_Ahead`): while the caller
    computes step t's quotients and update, a worker makes the products of the steps after it (one BLAS call each,
    which releases the GIL) as soon as their directions are drawn, and either thread draws when it would otherwise
    wait. Working ahead, the worker does not sit out a thread wake-up (tens of microseconds on this VM) between
    products. BLAS runs on one thread meanwhile (:func:`_one_blas_thread`), so the two threads use two cores
    instead of competing with BLAS's own helper threads. The calls, and so every bit of the result, are those of
    the plain loop. A single run keeps one direction buffer (C12 memory).
    """
    S, steps = seeds.shape
    n, d = p.n, p.d
    losses = np.empty((S, steps + 1))
    scalars = np.empty((S, steps, k), dtype=p.dtype)
    AT = p.A.T
    pipelined = S > 1 and S * k * d >= _PIPELINE_MIN_ENTRIES
    Zs = [np.empty((S * k, d), dtype=p.dtype) for _ in range(_Z_SLOTS if pipelined else 1)]
    AZs = [np.empty((S * k, n), dtype=p.dtype) for _ in range(_AZ_SLOTS if pipelined else 1)]
    scratch = (np.empty((S, k, n), dtype=p.dtype), np.empty((S, k, n), dtype=p.dtype))

    def draw(t: int) -> None:
        _directions(seeds[:, t], k, d, distribution, p.dtype, out=Zs[t % len(Zs)].reshape(S, k, d))

    def product(t: int) -> None:  # one BLAS product for all S·k directions of step t
        np.matmul(Zs[t % len(Zs)], AT, out=AZs[t % len(AZs)])

    bar = Progress(steps, f"zo_gd[{distribution},k={k}" + (f",S={S}]" if S > 1 else "]"), progress)
    with contextlib.ExitStack() as stack:
        stack.callback(bar.close)
        ahead = None
        if pipelined:
            stack.enter_context(_one_blas_thread())
            if _THREADED:
                ahead = _Ahead(steps, draw, product)
                stack.callback(ahead.close)  # on an error too: the worker stops before BLAS is restored
        y0 = X @ AT  # the logits A x_s
        for t in range(steps):
            if ahead is None:
                draw(t)
                product(t)
            else:
                ahead.wait(t)
            Z, AZ = Zs[t % len(Zs)].reshape(S, k, d), AZs[t % len(AZs)].reshape(S, k, n)
            if t and t % _LOGIT_REFRESH == 0:
                y0 = X @ AT  # A x_s afresh
            s, losses[:, t] = _quotients_and_losses(p, y0, AZ, eps, scheme, scratch)
            scalars[:, t] = s
            c = (-lr / k) * scalars[:, t]  # x ← x − (η/k) Σ_j s_j z_j, and y = A x with it
            X = _update(X, Z, c)
            y0 = _update(y0, AZ, c)
            if ahead is not None:
                ahead.consumed(t)
            _check_finite(X, t + 1, lr)
            bar.update()
        losses[:, steps] = p.loss_from_logits(X @ AT)
    return losses, X, scalars


def zo_gd(problem: SoftmaxRegression, x0: Any, *, steps: int, lr: float, k: int = 1, eps: float = 1e-3,
          distribution: str = "gaussian", scheme: str = "central", rng: Any = None,
          progress: bool | None = False) -> Trajectory:
    r"""Zeroth-order gradient descent with seeded directions.

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

    Returns
    -------
    Trajectory
        With ``seeds`` (steps,) and ``scalars`` (steps, k) for :func:`replay`.

    Notes
    -----
    C10-C12. :math:`x_{t+1} = x_t - \eta\,\frac1k\sum_j s_{t,j} z_{t,j}`; ``losses[t]`` is read off the
    logits :math:`Ax_t` the estimate uses anyway (carried by the update and recomputed every 16 steps, so within
    16 updates' rounding of :math:`L(x_t)`), and is not counted in ``forward_passes``.
    """
    p = _problem(problem)
    x = _checks.as_array(x0, "x0", ndim=1, shape=(p.d,), dtype=p.dtype)
    steps, lr, k, eps, distribution, scheme = _zo_settings(steps, lr, k, eps, distribution, scheme)
    seeds = _checks.generator(rng).integers(0, SEED_HIGH, size=(1, steps), dtype=np.int64)
    losses, X, scalars = _zo_run(p, x[None, :].copy(), seeds, lr, k, eps, distribution, scheme, progress)
    return Trajectory(losses=losses[0], x=X[0], forward_passes=np.arange(steps + 1) * evaluations(k, scheme),
                      method="zo_gd", lr=lr, k=k, eps=eps, distribution=distribution, scheme=scheme,
                      seeds=seeds[0], scalars=scalars[0])


def _starts(p: SoftmaxRegression, x0: Any, S: int) -> Array:
    """(S, d) starting iterates: ``x0`` (d,) repeated for every run, or one row per run."""
    if np.ndim(x0) == 1:
        return np.tile(_checks.as_array(x0, "x0", ndim=1, shape=(p.d,), dtype=p.dtype), (S, 1))
    return _checks.as_array(x0, "x0", ndim=2, shape=(S, p.d), dtype=p.dtype).copy()


def zo_gd_batch(problem: SoftmaxRegression, x0: Any, *, seeds: int, steps: int, lr: float, k: int = 1,
                eps: float = 1e-3, distribution: str = "gaussian", scheme: str = "central", rng: Any = None,
                progress: bool | None = False) -> Trajectory:
    r"""``S = seeds`` independent ZO-GD runs advanced together, one BLAS product per step.

    Parameters
    ----------
    problem : SoftmaxRegression
    x0 : array_like (d,) or (S, d)
        A common start or one start per run.
    seeds : int >= 1
        Number of independent runs ``S``.
    steps, lr, k, eps, distribution, scheme, rng, progress :
        As in :func:`zo_gd`.

    Returns
    -------
    Trajectory
        Every array has a leading axis of length ``S``; ``forward_passes`` is per run.

    Notes
    -----
    C11, C12. Each run is distributed exactly as a :func:`zo_gd` run; the product :math:`ZA^\top` with
    ``S k`` rows replaces ``S`` products with ``k`` rows. Step ``t`` draws the
    directions of all runs as one (S, k, d) block from ``Generator(SFC64(seeds[:, t]))`` (i.i.d. blocks, so the runs
    are independent); ``seeds=1`` is therefore bit for bit the :func:`zo_gd` run with the same ``rng``, and a
    run of the batch is replayed with the whole batch (:func:`replay`), not alone.

    From ``S k d >= 2**15`` direction entries per step the run uses a second thread for the products, and BLAS is
    held to one thread, process-wide, while it runs (restored afterwards, also on an error): BLAS calls that other
    threads of the program make meanwhile run single-threaded.
    """
    p = _problem(problem)
    S = _checks.positive_int(seeds, "seeds")
    X = _starts(p, x0, S)
    steps, lr, k, eps, distribution, scheme = _zo_settings(steps, lr, k, eps, distribution, scheme)
    step_seeds = _checks.generator(rng).integers(0, SEED_HIGH, size=(S, steps), dtype=np.int64)
    losses, X, scalars = _zo_run(p, X, step_seeds, lr, k, eps, distribution, scheme, progress)
    return Trajectory(losses=losses, x=X, forward_passes=np.arange(steps + 1) * evaluations(k, scheme),
                      method="zo_gd", lr=lr, k=k, eps=eps, distribution=distribution, scheme=scheme,
                      seeds=step_seeds, scalars=scalars)


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
    batched = trajectory.seeds.ndim == 2
    seeds = trajectory.seeds if batched else trajectory.seeds[None, :]
    scalars = trajectory.scalars if batched else trajectory.scalars[None]
    S = seeds.shape[0]
    X = _starts(p, x0, S)
    k = int(trajectory.k or 1)
    Z = np.empty((S, k, p.d), dtype=p.dtype)
    for t in range(seeds.shape[1]):
        _directions(seeds[:, t], k, p.d, str(trajectory.distribution), p.dtype, out=Z)
        X = _update(X, Z, (-trajectory.lr / k) * scalars[:, t])
    return X if batched else X[0]


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
