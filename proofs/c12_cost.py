r"""C12 [MeZO]: a ZO step takes ``2k`` loss evaluations and :math:`O(d)` memory beyond the data.

The memory bound holds when directions come from seeds; a run replays exactly from its seeds.

Verified
--------
* Counting (the chain's steps, exact enumeration of the library's behaviour): central :math:`2k`, forward
  :math:`k+1` evaluations a step, counted through a counting loss; a seeded run of ``T`` steps is recorded by
  :math:`d + T(1 + k)` numbers (``x0``, one seed and ``k`` scalars a step), read off the library's trajectory.
  (An earlier symbolic check of the typed-in memory formula could not fail and was dropped.)
* Numeric (the library): ``evaluations``; the estimator sends exactly ``2k`` (``k + 1``) points through one call
  of a counting loss; a ``zo_gd`` run's ``forward_passes`` is :math:`t\cdot 2k`; its ``seeds`` and ``scalars``
  have ``T`` and ``T k`` entries; :func:`zosoftmax.replay` rebuilds the final iterate bit for bit for every
  distribution and scheme, and for a ``zo_gd_batch`` run.
* Scope note: within a step the library materializes the ``k`` directions (``k x d``) to use one BLAS product, so
  its working memory is :math:`O(kd)`, i.e. :math:`O(d)` for fixed ``k``; MeZO's in-place perturbation gets
  :math:`O(d)` for any ``k`` at the price of ``k`` sequential passes.

Scope: counting in general; library runs d = 6, 20 steps.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import sympy as sp

import zosoftmax as zs

from ._common import Checks, by_step, result

__all__ = ["evaluations_sym", "verify"]

k_sym, d_sym, T_sym = sp.symbols("k d T", positive=True, integer=True)


def evaluations_sym(scheme: str) -> Any:
    """Loss evaluations of one estimate: ``2k`` (central) or ``k + 1`` (forward)."""
    return 2 * k_sym if scheme == "central" else k_sym + 1


def verify(*, quick: bool = False) -> dict[str, Any]:
    """Run the checks of this claim (see the module docstring) and return its verdict dictionary.

    ``quick`` is accepted for a uniform interface (the runs here are small).
    """
    del quick
    ch = Checks()
    ok_eval = all(zs.evaluations(k, s) == int(evaluations_sym(s).subs(k_sym, k))
                  for k in range(1, 33) for s in ("central", "forward"))
    ch.add("numeric-search", "library, k = 1..32, both schemes", "library evaluations(k, scheme) == 2k / k + 1",
           ok_eval)
    calls: list[int] = []
    g = np.arange(1.0, 7.0)

    def counting(X: np.ndarray) -> np.ndarray:
        calls.append(X.shape[0])
        return X @ g

    ok_calls = True
    for k in (1, 3, 8):
        for scheme in ("central", "forward"):
            calls.clear()
            zs.spsa_gradient(counting, np.zeros(6), k=k, scheme=scheme, rng=k)
            ok_calls &= calls == [int(evaluations_sym(scheme).subs(k_sym, k))]
    ch.step(("2k evaluations", r"2k \text{ evaluations}"), "exact-enumeration",
            "library, d = 6, k in {1, 3, 8}, both schemes",
            "spsa_gradient sends exactly 2k (central) / k + 1 (forward) points through ONE call of the loss (counted)",
            ok_calls, tex=r"\#\text{evaluations} = " + sp.latex(evaluations_sym("central")) + r"\ (\text{central}),\ "
            + sp.latex(evaluations_sym("forward")) + r"\ (\text{forward})")
    p = zs.random_instance(8, 6, rng=1212, w=1.0)
    x0 = np.zeros(6)
    T, ok_run, ok_replay = 20, True, True
    for dist in ("gaussian", "sphere", "rademacher"):
        for scheme in ("central", "forward"):
            k = 3
            tr = zs.zo_gd(p, x0, steps=T, lr=0.1, k=k, distribution=dist, scheme=scheme, rng=7)
            ok_run &= np.array_equal(tr.forward_passes, np.arange(T + 1) * zs.evaluations(k, scheme))
            ok_run &= tr.seeds is not None and tr.seeds.size == T
            ok_run &= tr.scalars is not None and tr.scalars.size == T * k
            ok_replay &= np.array_equal(zs.replay(tr, p, x0), tr.x)
    trb = zs.zo_gd_batch(p, x0, runs=4, steps=T, lr=0.1, k=2, rng=8)
    ok_replay &= np.array_equal(zs.replay(trb, p, x0), trb.x)
    ch.step(("seeded record", r"d + T(1+k) \text{ numbers}"), "exact-enumeration",
            f"library runs, d = 6, T = {T}, k = 3, 3 distributions x 2 schemes",
            f"zo_gd: forward_passes = t * evaluations(k, scheme); the run is recorded by x0 (d numbers), seeds (T = "
            f"{T} entries) and scalars (T k entries): no direction is stored", ok_run,
            tex=r"\text{stored: } x_0,\ T \text{ seeds},\ Tk \text{ scalars}")
    ch.step(("exact replay", r"\text{replay} = x_T"), "exact-enumeration",
            f"library runs, d = 6, T = {T}, 3 distributions x 2 schemes and a batch of 4",
            "replay(trajectory) == final iterate, bit for bit", ok_replay, tex=r"\mathrm{replay}(x_0, \text{seeds}, "
            r"\text{scalars}) = x_T \text{ bit for bit}",
            hypotheses=(by_step("the seeded record", "seeded record"),))
    return result(
        id="C12", title="Cost: 2k evaluations, O(d) memory, exact replay", provenance="[MeZO]",
        statement="A ZO step takes 2k loss evaluations and O(d) memory beyond the data when directions come from "
                  "seeds; a run replays exactly from its seeds.",
        statement_tex=r"\text{a ZO step takes } 2k \text{ loss evaluations and } O(d) \text{ memory beyond the data "
                      r"(seeded directions); a run replays exactly from its seeds}",
        title_tex=r"Cost: $2k$ evaluations, $O(d)$ memory, exact replay",
        checks=ch, correction=None,
        key_numbers={"evaluations_central": str(evaluations_sym("central")),
                     "evaluations_forward": str(evaluations_sym("forward")), "stored_numbers_seeded": "d+T(1+k)",
                     "library_working_memory_per_step": "O(kd)"},
        summary="2k evals/step (k+1 forward); d+T(1+k) numbers stored; replay bit-exact",
    )
