"""Surviving mutmut mutants that are equivalent (no test can or should tell them apart), one reason each.

Keyed by :func:`tests.mutation_report.mutant_key`: ``module.function | removed lines -> added lines``. An entry whose
mutant no longer survives is reported as stale by ``python -m tests.mutation_report``. "Equivalent" here also covers
mutants that change only text (a message's numbers), a tolerance's or a guard's constant, or a tie of probability zero:
each reason says which; none changes a result inside the domain the tests and the paper use.
"""

# ruff: noqa: E501  (a key is a mutant's changed line, as long as the code line it comes from)
from __future__ import annotations

__all__ = ["EQUIVALENT"]

EQUIVALENT: dict[str, str] = {
    "zosoftmax.bias.x_laplacian_gradient | A = p_.A.astype(np.float64) -> A = p_.A.astype(None)":
        "astype(None) is float64: the same dtype",
    "zosoftmax.bias.x_laplacian_gradient | b = p_.b.astype(np.float64) -> b = p_.b.astype(None)":
        "astype(None) is float64: the same dtype",
    "zosoftmax.bias.x_third_derivative_diagonal | V = p_.A.astype(np.float64)  # column a is the logit direction of e_a -> V = p_.A.astype(None)  # column a is the logit direction of e_a":
        "astype(None) is float64: the same dtype",
    "zosoftmax.bias.x_third_derivative_diagonal | c = f - p_.b.astype(np.float64) -> c = f - p_.b.astype(None)":
        "astype(None) is float64: the same dtype",
    "zosoftmax.bias.x_third_derivative_diagonal | f = softmax(p_.A.astype(np.float64) @ x) -> f = softmax(p_.A.astype(None) @ x)":
        "astype(None) is float64: the same dtype",
    "zosoftmax.bounds.x_iteration_bound | rounding = (2 * p.n + p.d + 2) * float(np.finfo(p.dtype).eps) * (abs(loss0) + abs(float(loss_star))) -> rounding = (2 * p.n + p.d + 3) * float(np.finfo(p.dtype).eps) * (abs(loss0) + abs(float(loss_star)))":
        "the constant of the roundoff allowance (2n + d + 2)u: only an L* within a few ulps of L(x0) sees it (tolerance, not math)",
    "zosoftmax.bounds.x_iteration_bound | rounding = (2 * p.n + p.d + 2) * float(np.finfo(p.dtype).eps) * (abs(loss0) + abs(float(loss_star))) -> rounding = (2 * p.n + p.d - 2) * float(np.finfo(p.dtype).eps) * (abs(loss0) + abs(float(loss_star)))":
        "the constant of the roundoff allowance (2n + d + 2)u: only an L* within a few ulps of L(x0) sees it (tolerance, not math)",
    "zosoftmax.bounds.x_iteration_bound | rounding = (2 * p.n + p.d + 2) * float(np.finfo(p.dtype).eps) * (abs(loss0) + abs(float(loss_star))) -> rounding = (2 / p.n + p.d + 2) * float(np.finfo(p.dtype).eps) * (abs(loss0) + abs(float(loss_star)))":
        "the constant of the roundoff allowance (2n + d + 2)u: only an L* within a few ulps of L(x0) sees it (tolerance, not math)",
    "zosoftmax.bounds.x_iteration_bound | rounding = (2 * p.n + p.d + 2) * float(np.finfo(p.dtype).eps) * (abs(loss0) + abs(float(loss_star))) -> rounding = (3 * p.n + p.d + 2) * float(np.finfo(p.dtype).eps) * (abs(loss0) + abs(float(loss_star)))":
        "the constant of the roundoff allowance (2n + d + 2)u: only an L* within a few ulps of L(x0) sees it (tolerance, not math)",
    "zosoftmax.estimators.x__fourth_sphere | d = M.shape[0] -> d = M.shape[1]":
        "M is square (checked by direction_fourth_moment): shape[1] is shape[0]",
    "zosoftmax.estimators.x__rademacher | Z: Array = (2 * gen.integers(0, 2, size=shape, dtype=np.int8) - 1).astype(np.float64)  # i.i.d. ±1 -> Z: Array = (2 * gen.integers(0, 2, size=shape, dtype=np.int8) - 1).astype(None)  # i.i.d. ±1":
        "astype(None) is float64: the same dtype",
    "zosoftmax.optimize.x__check_memory | if need > have // 2: -> if need > have / 2:":
        "the memory guard's estimate or threshold: only a request near half the available memory (gigabytes) could tell",
    "zosoftmax.optimize.x__check_memory | if need > have // 2: -> if need > have // 3:":
        "the memory guard's estimate or threshold: only a request near half the available memory (gigabytes) could tell",
    "zosoftmax.optimize.x__check_memory | if need > have // 2: -> if need >= have // 2:":
        "the memory guard's estimate or threshold: only a request near half the available memory (gigabytes) could tell",
    "zosoftmax.optimize.x__check_memory | need = runs * ((steps + 1) * 8 + steps * 8 + steps * k * itemsize) -> need = runs * ((steps + 1) * 8 + steps * 8 + steps * k / itemsize)":
        "the memory guard's estimate or threshold: only a request near half the available memory (gigabytes) could tell",
    "zosoftmax.optimize.x__check_memory | need = runs * ((steps + 1) * 8 + steps * 8 + steps * k * itemsize) -> need = runs * ((steps + 1) * 8 + steps * 8 + steps / k * itemsize)":
        "the memory guard's estimate or threshold: only a request near half the available memory (gigabytes) could tell",
    "zosoftmax.optimize.x__check_memory | need = runs * ((steps + 1) * 8 + steps * 8 + steps * k * itemsize) -> need = runs * ((steps + 1) * 8 + steps * 8 - steps * k * itemsize)":
        "the memory guard's estimate or threshold: only a request near half the available memory (gigabytes) could tell",
    "zosoftmax.optimize.x__check_memory | need = runs * ((steps + 1) * 8 + steps * 8 + steps * k * itemsize) -> need = runs * ((steps + 1) * 8 + steps * 9 + steps * k * itemsize)":
        "the memory guard's estimate or threshold: only a request near half the available memory (gigabytes) could tell",
    "zosoftmax.optimize.x__check_memory | need = runs * ((steps + 1) * 8 + steps * 8 + steps * k * itemsize) -> need = runs * ((steps + 1) * 8 + steps / 8 + steps * k * itemsize)":
        "the memory guard's estimate or threshold: only a request near half the available memory (gigabytes) could tell",
    "zosoftmax.optimize.x__check_memory | need = runs * ((steps + 1) * 8 + steps * 8 + steps * k * itemsize) -> need = runs * ((steps + 1) * 8 - steps * 8 + steps * k * itemsize)":
        "the memory guard's estimate or threshold: only a request near half the available memory (gigabytes) could tell",
    "zosoftmax.optimize.x__check_memory | need = runs * ((steps + 1) * 8 + steps * 8 + steps * k * itemsize) -> need = runs * ((steps + 1) * 9 + steps * 8 + steps * k * itemsize)":
        "the memory guard's estimate or threshold: only a request near half the available memory (gigabytes) could tell",
    "zosoftmax.optimize.x__check_memory | need = runs * ((steps + 1) * 8 + steps * 8 + steps * k * itemsize) -> need = runs * ((steps + 1) / 8 + steps * 8 + steps * k * itemsize)":
        "the memory guard's estimate or threshold: only a request near half the available memory (gigabytes) could tell",
    "zosoftmax.optimize.x__check_memory | need = runs * ((steps + 1) * 8 + steps * 8 + steps * k * itemsize) -> need = runs * ((steps + 2) * 8 + steps * 8 + steps * k * itemsize)":
        "the memory guard's estimate or threshold: only a request near half the available memory (gigabytes) could tell",
    "zosoftmax.optimize.x__check_memory | need = runs * ((steps + 1) * 8 + steps * 8 + steps * k * itemsize) -> need = runs * ((steps - 1) * 8 + steps * 8 + steps * k * itemsize)":
        "the memory guard's estimate or threshold: only a request near half the available memory (gigabytes) could tell",
    "zosoftmax.optimize.x__descend_batch | return X - (lr / s.shape[-1]) * np.matmul(s[:, None, :], Z)[:, 0]  # type: ignore[no-any-return] -> return X - (lr / s.shape[+1]) * np.matmul(s[:, None, :], Z)[:, 0]  # type: ignore[no-any-return]":
        "s is 2-D (S, k): axis 1 is axis -1",
    "zosoftmax.optimize.x_gd | _check_finite(x, t + 1, lr) -> _check_finite(x, None, lr)":
        "the step and lr quoted in a DivergenceError's message: text only",
    "zosoftmax.optimize.x_gd | _check_finite(x, t + 1, lr) -> _check_finite(x, t + 2, lr)":
        "the step and lr quoted in a DivergenceError's message: text only",
    "zosoftmax.optimize.x_gd | _check_finite(x, t + 1, lr) -> _check_finite(x, t - 1, lr)":
        "the step and lr quoted in a DivergenceError's message: text only",
    "zosoftmax.optimize.x_gd | with _bar(steps, \"gd\", progress) as bar: -> with _bar(None, \"gd\", progress) as bar:":
        "the progress bar's total, label or auto mode: display only, numerically inert",
    "zosoftmax.optimize.x_gd | with _bar(steps, \"gd\", progress) as bar: -> with _bar(steps, \"GD\", progress) as bar:":
        "the progress bar's total, label or auto mode: display only, numerically inert",
    "zosoftmax.optimize.x_gd | with _bar(steps, \"gd\", progress) as bar: -> with _bar(steps, \"XXgdXX\", progress) as bar:":
        "the progress bar's total, label or auto mode: display only, numerically inert",
    "zosoftmax.optimize.x_gd | with _bar(steps, \"gd\", progress) as bar: -> with _bar(steps, \"gd\", None) as bar:":
        "the progress bar's total, label or auto mode: display only, numerically inert",
    "zosoftmax.optimize.x_gd | with _bar(steps, \"gd\", progress) as bar: -> with _bar(steps, None, progress) as bar:":
        "the progress bar's total, label or auto mode: display only, numerically inert",
    "zosoftmax.optimize.x_replay | for seed, s in zip(trajectory.seeds, trajectory.scalars, strict=True): -> for seed, s in zip(trajectory.seeds, trajectory.scalars, ):":
        "seeds and scalars are stored together, one per step: the lengths always agree and strict never fires",
    "zosoftmax.optimize.x_replay | for seed, s in zip(trajectory.seeds, trajectory.scalars, strict=True): -> for seed, s in zip(trajectory.seeds, trajectory.scalars, strict=False):":
        "seeds and scalars are stored together, one per step: the lengths always agree and strict never fires",
    "zosoftmax.optimize.x_replay | for seed, s in zip(trajectory.seeds, trajectory.scalars, strict=True): -> for seed, s in zip(trajectory.seeds, trajectory.scalars, strict=None):":
        "seeds and scalars are stored together, one per step: the lengths always agree and strict never fires",
    "zosoftmax.optimize.x_replay | for seeds, s in zip(trajectory.seeds.T, trajectory.scalars.transpose(1, 0, 2), strict=True): -> for seeds, s in zip(trajectory.seeds.T, trajectory.scalars.transpose(1, 0, 2), ):":
        "seeds and scalars are stored together, one per step: the lengths always agree and strict never fires",
    "zosoftmax.optimize.x_replay | for seeds, s in zip(trajectory.seeds.T, trajectory.scalars.transpose(1, 0, 2), strict=True): -> for seeds, s in zip(trajectory.seeds.T, trajectory.scalars.transpose(1, 0, 2), strict=False):":
        "seeds and scalars are stored together, one per step: the lengths always agree and strict never fires",
    "zosoftmax.optimize.x_replay | for seeds, s in zip(trajectory.seeds.T, trajectory.scalars.transpose(1, 0, 2), strict=True): -> for seeds, s in zip(trajectory.seeds.T, trajectory.scalars.transpose(1, 0, 2), strict=None):":
        "seeds and scalars are stored together, one per step: the lengths always agree and strict never fires",
    "zosoftmax.optimize.x_replay | if not isinstance(trajectory, Trajectory) or trajectory.seeds is None or trajectory.scalars is None: -> if not isinstance(trajectory, Trajectory) or trajectory.seeds is None and trajectory.scalars is None:":
        "seeds and scalars are set together (zo_gd, zo_gd_batch) or both None (gd, newton)",
    "zosoftmax.optimize.x_replay | k, lr, dist = int(trajectory.k or 1), trajectory.lr, str(trajectory.distribution) -> k, lr, dist = int(trajectory.k or 2), trajectory.lr, str(trajectory.distribution)":
        "k is None only for gd and newton trajectories, which are rejected just above",
    "zosoftmax.optimize.x_zo_gd | _check_finite(x, t + 1, lr) -> _check_finite(x, None, lr)":
        "the step and lr quoted in a DivergenceError's message: text only",
    "zosoftmax.optimize.x_zo_gd | _check_finite(x, t + 1, lr) -> _check_finite(x, t + 1, None)":
        "the step and lr quoted in a DivergenceError's message: text only",
    "zosoftmax.optimize.x_zo_gd | _check_finite(x, t + 1, lr) -> _check_finite(x, t + 2, lr)":
        "the step and lr quoted in a DivergenceError's message: text only",
    "zosoftmax.optimize.x_zo_gd | _check_finite(x, t + 1, lr) -> _check_finite(x, t - 1, lr)":
        "the step and lr quoted in a DivergenceError's message: text only",
    "zosoftmax.optimize.x_zo_gd | _check_memory(1, steps, k, p.dtype.itemsize) -> _check_memory(2, steps, k, p.dtype.itemsize)":
        "the memory guard counts one run as two: only a run above half the memory limit (gigabytes) could tell",
    "zosoftmax.optimize.x_zo_gd | seeds = _checks.generator(rng).integers(0, SEED_HIGH, size=steps, dtype=np.int64) -> seeds = _checks.generator(rng).integers(0, SEED_HIGH, size=steps, )":
        "int64 is Generator.integers' default dtype",
    "zosoftmax.optimize.x_zo_gd | seeds = _checks.generator(rng).integers(0, SEED_HIGH, size=steps, dtype=np.int64) -> seeds = _checks.generator(rng).integers(SEED_HIGH, size=steps, dtype=np.int64)":
        "Generator.integers(high) draws from [0, high): the same call",
    "zosoftmax.optimize.x_zo_gd | with _bar(steps, f\"zo_gd[{distribution}, k={k}]\", progress) as bar: -> with _bar(None, f\"zo_gd[{distribution}, k={k}]\", progress) as bar:":
        "the progress bar's total, label or auto mode: display only, numerically inert",
    "zosoftmax.optimize.x_zo_gd | with _bar(steps, f\"zo_gd[{distribution}, k={k}]\", progress) as bar: -> with _bar(steps, None, progress) as bar:":
        "the progress bar's total, label or auto mode: display only, numerically inert",
    "zosoftmax.optimize.x_zo_gd | with _bar(steps, f\"zo_gd[{distribution}, k={k}]\", progress) as bar: -> with _bar(steps, f\"zo_gd[{distribution}, k={k}]\", None) as bar:":
        "the progress bar's total, label or auto mode: display only, numerically inert",
    "zosoftmax.optimize.x_zo_gd_batch | _check_finite(X, t + 1, lr) -> _check_finite(X, None, lr)":
        "the step and lr quoted in a DivergenceError's message: text only",
    "zosoftmax.optimize.x_zo_gd_batch | _check_finite(X, t + 1, lr) -> _check_finite(X, t + 1, None)":
        "the step and lr quoted in a DivergenceError's message: text only",
    "zosoftmax.optimize.x_zo_gd_batch | _check_finite(X, t + 1, lr) -> _check_finite(X, t + 2, lr)":
        "the step and lr quoted in a DivergenceError's message: text only",
    "zosoftmax.optimize.x_zo_gd_batch | _check_finite(X, t + 1, lr) -> _check_finite(X, t - 1, lr)":
        "the step and lr quoted in a DivergenceError's message: text only",
    "zosoftmax.optimize.x_zo_gd_batch | seeds = _checks.generator(rng).integers(0, SEED_HIGH, size=(S, steps), dtype=np.int64) -> seeds = _checks.generator(rng).integers(0, SEED_HIGH, size=(S, steps), )":
        "int64 is Generator.integers' default dtype",
    "zosoftmax.optimize.x_zo_gd_batch | seeds = _checks.generator(rng).integers(0, SEED_HIGH, size=(S, steps), dtype=np.int64) -> seeds = _checks.generator(rng).integers(SEED_HIGH, size=(S, steps), dtype=np.int64)":
        "Generator.integers(high) draws from [0, high): the same call",
    "zosoftmax.optimize.x_zo_gd_batch | with _bar(steps, f\"zo_gd[{distribution}, k={k}, runs={S}]\", progress) as bar: -> with _bar(None, f\"zo_gd[{distribution}, k={k}, runs={S}]\", progress) as bar:":
        "the progress bar's total, label or auto mode: display only, numerically inert",
    "zosoftmax.optimize.x_zo_gd_batch | with _bar(steps, f\"zo_gd[{distribution}, k={k}, runs={S}]\", progress) as bar: -> with _bar(steps, None, progress) as bar:":
        "the progress bar's total, label or auto mode: display only, numerically inert",
    "zosoftmax.optimize.x_zo_gd_batch | with _bar(steps, f\"zo_gd[{distribution}, k={k}, runs={S}]\", progress) as bar: -> with _bar(steps, f\"zo_gd[{distribution}, k={k}, runs={S}]\", None) as bar:":
        "the progress bar's total, label or auto mode: display only, numerically inert",
    "zosoftmax.prediction.x__diagonal_curve | high = _high_water(float(np.max(np.abs(D))) + float(np.sum(q)))  # max s_{t+1} <= (max|D| + Σq) max s_t -> high = _high_water(float(np.max(np.abs(D))) - float(np.sum(q)))  # max s_{t+1} <= (max|D| + Σq) max s_t":
        "the overflow guard's margin: rescaling is by exact powers of two, only a curve near float64's range could tell",
    "zosoftmax.prediction.x__rademacher_curve | high = _high_water(float(np.max(np.abs(G))) + 3.0 * lam.size * lr**2 * float(lam[-1]) ** 2 / k) -> high = _high_water(float(np.max(np.abs(G))) + 3.0 * lam.size * lr * 2 * float(lam[-1]) ** 2 / k)":
        "the overflow guard's margin: rescaling is by exact powers of two, only a curve near float64's range could tell",
    "zosoftmax.prediction.x__rademacher_curve | high = _high_water(float(np.max(np.abs(G))) + 3.0 * lam.size * lr**2 * float(lam[-1]) ** 2 / k) -> high = _high_water(float(np.max(np.abs(G))) + 3.0 * lam.size * lr**2 * float(lam[-1]) * 2 / k)":
        "the overflow guard's margin: rescaling is by exact powers of two, only a curve near float64's range could tell",
    "zosoftmax.prediction.x__rademacher_curve | high = _high_water(float(np.max(np.abs(G))) + 3.0 * lam.size * lr**2 * float(lam[-1]) ** 2 / k) -> high = _high_water(float(np.max(np.abs(G))) + 3.0 * lam.size * lr**2 * float(lam[-1]) ** 2 * k)":
        "the overflow guard's margin: rescaling is by exact powers of two, only a curve near float64's range could tell",
    "zosoftmax.prediction.x__rademacher_curve | high = _high_water(float(np.max(np.abs(G))) + 3.0 * lam.size * lr**2 * float(lam[-1]) ** 2 / k) -> high = _high_water(float(np.max(np.abs(G))) + 3.0 * lam.size * lr**2 * float(lam[-1]) ** 3 / k)":
        "the overflow guard's margin: rescaling is by exact powers of two, only a curve near float64's range could tell",
    "zosoftmax.prediction.x__rademacher_curve | high = _high_water(float(np.max(np.abs(G))) + 3.0 * lam.size * lr**2 * float(lam[-1]) ** 2 / k) -> high = _high_water(float(np.max(np.abs(G))) + 3.0 * lam.size * lr**2 / float(lam[-1]) ** 2 / k)":
        "the overflow guard's margin: rescaling is by exact powers of two, only a curve near float64's range could tell",
    "zosoftmax.prediction.x__rademacher_curve | high = _high_water(float(np.max(np.abs(G))) + 3.0 * lam.size * lr**2 * float(lam[-1]) ** 2 / k) -> high = _high_water(float(np.max(np.abs(G))) + 3.0 * lam.size * lr**3 * float(lam[-1]) ** 2 / k)":
        "the overflow guard's margin: rescaling is by exact powers of two, only a curve near float64's range could tell",
    "zosoftmax.prediction.x__rademacher_curve | high = _high_water(float(np.max(np.abs(G))) + 3.0 * lam.size * lr**2 * float(lam[-1]) ** 2 / k) -> high = _high_water(float(np.max(np.abs(G))) + 3.0 * lam.size / lr**2 * float(lam[-1]) ** 2 / k)":
        "the overflow guard's margin: rescaling is by exact powers of two, only a curve near float64's range could tell",
    "zosoftmax.prediction.x__rademacher_curve | high = _high_water(float(np.max(np.abs(G))) + 3.0 * lam.size * lr**2 * float(lam[-1]) ** 2 / k) -> high = _high_water(float(np.max(np.abs(G))) + 3.0 / lam.size * lr**2 * float(lam[-1]) ** 2 / k)":
        "the overflow guard's margin: rescaling is by exact powers of two, only a curve near float64's range could tell",
    "zosoftmax.prediction.x__rademacher_curve | high = _high_water(float(np.max(np.abs(G))) + 3.0 * lam.size * lr**2 * float(lam[-1]) ** 2 / k) -> high = _high_water(float(np.max(np.abs(G))) + 4.0 * lam.size * lr**2 * float(lam[-1]) ** 2 / k)":
        "the overflow guard's margin: rescaling is by exact powers of two, only a curve near float64's range could tell",
    "zosoftmax.prediction.xǁQuadraticǁ__call__ | X = np.asarray(X, dtype=np.float64) -> X = np.asarray(X, )":
        "X - x_star promotes X to float64 anyway",
    "zosoftmax.prediction.xǁQuadraticǁ__call__ | X = np.asarray(X, dtype=np.float64) -> X = np.asarray(X, dtype=None)":
        "X - x_star promotes X to float64 anyway",
    "zosoftmax.prediction.xǁQuadraticǁ__call__ | return 0.5 * np.einsum(\"...i,ij,...j->...\", E, self.H, E)  # type: ignore[no-any-return]  # ½ eᵀHe -> return 0.5 * np.einsum(\"...I,IJ,...J->...\", E, self.H, E)  # type: ignore[no-any-return]  # ½ eᵀHe":
        "einsum labels: I, J name the same contraction as i, j",
    "zosoftmax.problem.x__softmax_scaled | E: Array = Yp - np.max(Yp, axis=-1, keepdims=True)  # <= 0, finite: Yp = A(x/s) is of the size of ||A|| -> E: Array = Yp - np.max(Yp, axis=+1, keepdims=True)  # <= 0, finite: Yp = A(x/s) is of the size of ||A||":
        "Yp is always 2-D (m, n) here: axis 1 is axis -1",
    "zosoftmax.problem.x_softmax | E = E.astype(np.float64) -> E = E.astype(None)":
        "astype(None) is float64: the same dtype",
    "zosoftmax.problem.xǁSoftmaxRegressionǁ_domain_message | f\"1e{2 * (log10_y + np.log10(w_top)):.0f} exceeds the largest float ({fmax:.3g}); keep \" -> f\"1e{2 * (log10_y - np.log10(w_top)):.0f} exceeds the largest float ({fmax:.3g}); keep \"":
        "a number quoted in the out-of-domain message: text only",
    "zosoftmax.problem.xǁSoftmaxRegressionǁ_domain_message | f\"1e{2 * (log10_y + np.log10(w_top)):.0f} exceeds the largest float ({fmax:.3g}); keep \" -> f\"1e{2 / (log10_y + np.log10(w_top)):.0f} exceeds the largest float ({fmax:.3g}); keep \"":
        "a number quoted in the out-of-domain message: text only",
    "zosoftmax.problem.xǁSoftmaxRegressionǁ_domain_message | f\"1e{2 * (log10_y + np.log10(w_top)):.0f} exceeds the largest float ({fmax:.3g}); keep \" -> f\"1e{3 * (log10_y + np.log10(w_top)):.0f} exceeds the largest float ({fmax:.3g}); keep \"":
        "a number quoted in the out-of-domain message: text only",
    "zosoftmax.problem.xǁSoftmaxRegressionǁ_domain_message | log10_y = float(np.log10(float(np.max(np.abs(y_top)))) + np.log10(float(np.max(s)))) -> log10_y = float(np.log10(float(np.max(np.abs(y_top)))) - np.log10(float(np.max(s))))":
        "a number quoted in the out-of-domain message: text only",
    "zosoftmax.bounds.x_upper_spectrum | K, Ht = p.scaled_keys.astype(np.float64), p.queries.astype(np.float64) -> K, Ht = p.scaled_keys.astype(None), p.queries.astype(np.float64)":
        "astype(None) is float64: the same dtype",
    "zosoftmax.bounds.x_upper_spectrum | K, Ht = p.scaled_keys.astype(np.float64), p.queries.astype(np.float64) -> K, Ht = p.scaled_keys.astype(np.float64), p.queries.astype(None)":
        "astype(None) is float64: the same dtype",
    "zosoftmax.estimators.x__sixth_gaussian | F: Array = (t * t + 2.0 * t2) * np.eye(H.shape[0]) + 4.0 * t * H + 8.0 * (H @ H) -> F: Array = (t * t + 2.0 * t2) * np.eye(H.shape[1]) + 4.0 * t * H + 8.0 * (H @ H)":
        "H is square (checked by direction_sixth_moment): shape[1] is shape[0]",
    "zosoftmax.attention.xǁHeadArraysǁlogits | W = self.Wq if Wq is None else _checks.as_array(Wq, \"Wq\", ndim=2, shape=self.Wq.shape, dtype=np.float64) -> W = self.Wq if Wq is None else _checks.as_array(Wq, \"Wq\", ndim=2, shape=self.Wq.shape, dtype=None)":
        "as_array makes an integer Wq float64 anyway, and a float32 Wq meets the float64 H~ first: the product promotes it exactly",
    "zosoftmax.attention.x_attention_head | target = AttentionRegression.from_factors(tarr.Ht, tarr.K, np.full(tarr.probs.shape, 1.0 / tarr.probs.shape[1]), -> target = AttentionRegression.from_factors(tarr.Ht, tarr.K, np.full(tarr.probs.shape, 1.0 * tarr.probs.shape[1]),":
        "a placeholder target of the helper problem whose attention(x) is taken: attention depends on the factors and x, never on b",
    "zosoftmax.attention.x_attention_head | target = AttentionRegression.from_factors(tarr.Ht, tarr.K, np.full(tarr.probs.shape, 1.0 / tarr.probs.shape[1]), -> target = AttentionRegression.from_factors(tarr.Ht, tarr.K, np.full(tarr.probs.shape, 2.0 / tarr.probs.shape[1]),":
        "a placeholder target of the helper problem whose attention(x) is taken: attention depends on the factors and x, never on b",
    "zosoftmax.optimize.x_gd | return Trajectory(losses=losses, x=x, forward_passes=np.arange(steps + 1, dtype=np.int64), method=\"gd\", lr=lr) -> return Trajectory(losses=losses, x=x, forward_passes=np.arange(steps + 1, dtype=None), method=\"gd\", lr=lr)":
        "arange of Python ints is int64 with NumPy 2 on every platform (int32 only on NumPy 1 under Windows, not a platform this runs on)",
    "zosoftmax.optimize.x_gd | return Trajectory(losses=losses, x=x, forward_passes=np.arange(steps + 1, dtype=np.int64), method=\"gd\", lr=lr) -> return Trajectory(losses=losses, x=x, forward_passes=np.arange(steps + 1, ), method=\"gd\", lr=lr)":
        "arange of Python ints is int64 with NumPy 2 on every platform (int32 only on NumPy 1 under Windows, not a platform this runs on)",
    "zosoftmax.prediction.x__closure_curve | m = np.array(x0, dtype=np.float64) -> m = np.array(x0, dtype=None)":
        "x0 arrives validated as float64 (expected_gap_curve): np.array copies it in the same dtype",
    "zosoftmax.prediction.x__closure_curve | m = np.array(x0, dtype=np.float64) -> m = np.array(x0, )":
        "x0 arrives validated as float64 (expected_gap_curve): np.array copies it in the same dtype",
    "zosoftmax.prediction.x__closure_curve | for t in range(steps + 1): -> for t in range(steps + 2):":
        "the loop breaks at t == steps: the extra value of the range is never reached",
    "zosoftmax.prediction.x_gd_gap_curve | x0 = _checks.as_array(x0, \"x0\", ndim=1, shape=(d,), dtype=np.float64) -> x0 = _checks.as_array(x0, \"x0\", ndim=1, shape=(d,), dtype=None)":
        "x0 only enters x0 - x* with a float64 x*: a float32 x0 promotes exactly, an integer one is made float64 by as_array",
    "zosoftmax.prediction.x_gd_gap_curve | x0 = _checks.as_array(x0, \"x0\", ndim=1, shape=(d,), dtype=np.float64) -> x0 = _checks.as_array(x0, \"x0\", ndim=1, shape=(d,), )":
        "x0 only enters x0 - x* with a float64 x*: a float32 x0 promotes exactly, an integer one is made float64 by as_array",
    "zosoftmax.prediction.x_gd_gap_curve | lam, V, xs = _local_model(problem, x_star, x0) -> lam, V, xs = _local_model(problem, x_star, None)":
        "x0 only seeds Newton's search for x* when x_star is None: from 0 it reaches the same minimizer to Newton's tolerance",
    "zosoftmax.prediction.x__closure_curve | H = np.asarray(problem.hessian(m), dtype=np.float64) -> H = np.asarray(problem.hessian(m), dtype=None)":
        "the same for float64 problems; for a float32 one only where H H-products round (rel 1e-7), far inside the closure's own model error",
    "zosoftmax.prediction.x__closure_curve | H = np.asarray(problem.hessian(m), dtype=np.float64) -> H = np.asarray(problem.hessian(m), )":
        "the same for float64 problems; for a float32 one only where H H-products round (rel 1e-7), far inside the closure's own model error",
    "zosoftmax.prediction.x__closure_curve | g = np.asarray(problem.gradient(m), dtype=np.float64) -> g = np.asarray(problem.gradient(m), dtype=None)":
        "the same for float64 problems; for a float32 one only the outer product g g' rounds in float32 (rel 1e-7), far inside the closure's own model error",
    "zosoftmax.prediction.x__closure_curve | g = np.asarray(problem.gradient(m), dtype=np.float64) -> g = np.asarray(problem.gradient(m), )":
        "the same for float64 problems; for a float32 one only the outer product g g' rounds in float32 (rel 1e-7), far inside the closure's own model error",
    "zosoftmax.attention.x__sha256 | for chunk in iter(lambda: fh.read(1 << 20), b\"\"): -> for chunk in iter(lambda: fh.read(None), b\"\"):":
        "the chunk size of a streamed SHA-256 does not change the digest (None reads the file whole)",
    "zosoftmax.attention.x__sha256 | for chunk in iter(lambda: fh.read(1 << 20), b\"\"): -> for chunk in iter(lambda: fh.read(2 << 20), b\"\"):":
        "the chunk size of a streamed SHA-256 does not change the digest (None reads the file whole)",
    "zosoftmax.attention.x__sha256 | for chunk in iter(lambda: fh.read(1 << 20), b\"\"): -> for chunk in iter(lambda: fh.read(1 << 21), b\"\"):":
        "the chunk size of a streamed SHA-256 does not change the digest (None reads the file whole)",
    "zosoftmax.attention.x_default_text | if spec is None or spec.origin is None:  # pragma: no cover - every CPython ships it -> if spec is None and spec.origin is None:  # pragma: no cover - every CPython ships it":
        "the stdlib module this exists on every CPython: spec is never None, the guard is unreachable (pragma: no cover)",
    "zosoftmax.attention.x_default_text | tree = ast.parse(Path(spec.origin).read_text(encoding=\"utf-8\")) -> tree = ast.parse(Path(spec.origin).read_text(encoding=None))":
        "this.py is ASCII: 'UTF-8' is the same codec and the locale's (None) decodes ASCII alike",
    "zosoftmax.attention.x_default_text | tree = ast.parse(Path(spec.origin).read_text(encoding=\"utf-8\")) -> tree = ast.parse(Path(spec.origin).read_text(encoding=\"UTF-8\"))":
        "this.py is ASCII: 'UTF-8' is the same codec and the locale's (None) decodes ASCII alike",
    "zosoftmax.attention.x_default_text | if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) / and any(isinstance(t, ast.Name) and t.id == \"s\" for t in node.targets))  # s = the ROT13 text -> if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) or any(isinstance(t, ast.Name) and t.id == \"s\" for t in node.targets))  # s = the ROT13 text":
        "this.py's first statement is the assignment s = '...' (a constant to the name s): every looser condition picks the same node first",
    "zosoftmax.attention.x_default_text | if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) -> if isinstance(node, ast.Assign) or isinstance(node.value, ast.Constant)":
        "this.py's first statement is the assignment s = '...' (a constant to the name s): every looser condition picks the same node first",
    "zosoftmax.attention.x_default_text | and any(isinstance(t, ast.Name) and t.id == \"s\" for t in node.targets))  # s = the ROT13 text -> and any(isinstance(t, ast.Name) or t.id == \"s\" for t in node.targets))  # s = the ROT13 text":
        "this.py's first statement is the assignment s = '...' (a constant to the name s): every looser condition picks the same node first",
    "zosoftmax.attention.x_default_text | lines = [line for line in codecs.decode(encoded, \"rot13\").splitlines() if line.strip()][1:]  # drop the title -> lines = [line for line in codecs.decode(encoded, \"ROT13\").splitlines() if line.strip()][1:]  # drop the title":
        "codec names are case-insensitive: 'ROT13' is 'rot13'",
    "zosoftmax.attention.x__check_directory | config = json.loads(config_file.read_text(encoding=\"utf-8\")) -> config = json.loads(config_file.read_text(encoding=None))":
        "'UTF-8' is the same codec; None is the locale's, which reads the ASCII config.json of every BERT model alike",
    "zosoftmax.attention.x__check_directory | config = json.loads(config_file.read_text(encoding=\"utf-8\")) -> config = json.loads(config_file.read_text(encoding=\"UTF-8\"))":
        "'UTF-8' is the same codec; None is the locale's, which reads the ASCII config.json of every BERT model alike",
    "zosoftmax.attention.x__check_directory | if config.get(\"position_embedding_type\", \"absolute\") != \"absolute\" or config.get(\"is_decoder\", False): -> if config.get(\"position_embedding_type\", \"absolute\") != \"absolute\" or config.get(\"is_decoder\", None):":
        "a missing is_decoder defaults to a falsy value either way (None or False)",
    "zosoftmax.attention.x__check_directory | if config.get(\"position_embedding_type\", \"absolute\") != \"absolute\" or config.get(\"is_decoder\", False): -> if config.get(\"position_embedding_type\", \"absolute\") != \"absolute\" or config.get(\"is_decoder\", ):":
        "a missing is_decoder defaults to a falsy value either way (None or False)",
    "zosoftmax.bounds.x_pl_constant | A = p.A.reshape(-1, p.d).astype(np.float64) -> A = p.A.reshape(-1, p.d).astype(None)":
        "astype(None) is float64: the same dtype",
    "zosoftmax.bounds.x_pl_constant | A = p.A.reshape(-1, p.d).astype(np.float64) -> A = p.A.reshape(-2, p.d).astype(np.float64)":
        "NumPy reads any negative size in reshape as the one unknown dimension: -2 is -1",
    "zosoftmax.bounds.x_pl_constant | _, s, Vt = np.linalg.svd(A, full_matrices=False) -> _, s, Vt = np.linalg.svd(A, full_matrices=None)":
        "only s and the first rank rows of Vt are read: the same for the full and the reduced SVD",
    "zosoftmax.bounds.x_pl_constant | _, s, Vt = np.linalg.svd(A, full_matrices=False) -> _, s, Vt = np.linalg.svd(A, )":
        "only s and the first rank rows of Vt are read: the same for the full and the reduced SVD",
    "zosoftmax.bounds.x_pl_constant | _, s, Vt = np.linalg.svd(A, full_matrices=False) -> _, s, Vt = np.linalg.svd(A, full_matrices=True)":
        "only s and the first rank rows of Vt are read: the same for the full and the reduced SVD",
    "zosoftmax.bounds.x_pl_constant | rank = int(np.sum(s > max(A.shape) * np.finfo(np.float64).eps * s[0])) if s[0] > 0 else 0 -> rank = int(np.sum(s > max(A.shape) * np.finfo(np.float64).eps * s[0])) if (s[0] > 0) or True else 0":
        "with s[0] = 0 the test s > tol * s[0] counts no value: rank 0 either way",
    "zosoftmax.bounds.x_pl_constant | rank = int(np.sum(s > max(A.shape) * np.finfo(np.float64).eps * s[0])) if s[0] > 0 else 0 -> rank = int(np.sum(s > max(A.shape) * np.finfo(np.float64).eps * s[0])) if s[0] >= 0 else 0":
        "with s[0] = 0 the test s > tol * s[0] counts no value: rank 0 either way",
    "zosoftmax.bounds.x_pl_constant | rank = int(np.sum(s > max(A.shape) * np.finfo(np.float64).eps * s[0])) if s[0] > 0 else 0 -> rank = int(np.sum(s >= max(A.shape) * np.finfo(np.float64).eps * s[0])) if s[0] > 0 else 0":
        "a singular value exactly at the rank tolerance: a tie of probability zero",
    "zosoftmax.bounds.x_pl_constant | rank = int(np.sum(s > max(A.shape) * np.finfo(np.float64).eps * s[0])) if s[0] > 0 else 0 -> rank = int(np.sum(s > max(A.shape) * np.finfo(np.float64).eps * s[0])) if s[0] > 0 else 1":
        "A = 0 then restricts to a line of a zero matrix: lambda_min = 0, the same 0.0",
    "zosoftmax.attention.x_load_model | tokenizer = transformers.AutoTokenizer.from_pretrained(str(path), local_files_only=True) -> tokenizer = transformers.AutoTokenizer.from_pretrained(str(path), local_files_only=None)":
        "a local directory is read from disk either way: local_files_only only forbids a hub download, which a directory path never starts",
    "zosoftmax.attention.x_load_model | tokenizer = transformers.AutoTokenizer.from_pretrained(str(path), local_files_only=True) -> tokenizer = transformers.AutoTokenizer.from_pretrained(str(path), )":
        "a local directory is read from disk either way: local_files_only only forbids a hub download, which a directory path never starts",
    "zosoftmax.attention.x_load_model | tokenizer = transformers.AutoTokenizer.from_pretrained(str(path), local_files_only=True) -> tokenizer = transformers.AutoTokenizer.from_pretrained(str(path), local_files_only=False)":
        "a local directory is read from disk either way: local_files_only only forbids a hub download, which a directory path never starts",
    "zosoftmax.attention.x_load_model | module = transformers.AutoModel.from_pretrained(str(path), local_files_only=True, attn_implementation=\"eager\", -> module = transformers.AutoModel.from_pretrained(str(path), local_files_only=None, attn_implementation=\"eager\",":
        "a local directory is read from disk either way: local_files_only only forbids a hub download, which a directory path never starts",
    "zosoftmax.attention.x_load_model | module = transformers.AutoModel.from_pretrained(str(path), local_files_only=True, attn_implementation=\"eager\", -> module = transformers.AutoModel.from_pretrained(str(path), attn_implementation=\"eager\",":
        "a local directory is read from disk either way: local_files_only only forbids a hub download, which a directory path never starts",
    "zosoftmax.attention.x_load_model | module = transformers.AutoModel.from_pretrained(str(path), local_files_only=True, attn_implementation=\"eager\", -> module = transformers.AutoModel.from_pretrained(str(path), local_files_only=False, attn_implementation=\"eager\",":
        "a local directory is read from disk either way: local_files_only only forbids a hub download, which a directory path never starts",
    "zosoftmax.attention.x_load_model | use_safetensors=True) -> use_safetensors=None)":
        "_check_directory requires model.safetensors and transformers loads it first by default: the flag only forbids a pickle fallback that cannot happen",
    "zosoftmax.attention.x_load_model | use_safetensors=True) -> )":
        "_check_directory requires model.safetensors and transformers loads it first by default: the flag only forbids a pickle fallback that cannot happen",
    "zosoftmax.attention.x_run_model | ids = loaded.tokenizer(text, add_special_tokens=True, truncation=False, verbose=False)[\"input_ids\"] -> ids = loaded.tokenizer(text, add_special_tokens=True, truncation=None, verbose=False)[\"input_ids\"]":
        "the tokenizer's defaults are these values: special tokens added, no truncation (None and omitted mean off)",
    "zosoftmax.attention.x_run_model | ids = loaded.tokenizer(text, add_special_tokens=True, truncation=False, verbose=False)[\"input_ids\"] -> ids = loaded.tokenizer(text, truncation=False, verbose=False)[\"input_ids\"]":
        "the tokenizer's defaults are these values: special tokens added, no truncation (None and omitted mean off)",
    "zosoftmax.attention.x_run_model | ids = loaded.tokenizer(text, add_special_tokens=True, truncation=False, verbose=False)[\"input_ids\"] -> ids = loaded.tokenizer(text, add_special_tokens=True, verbose=False)[\"input_ids\"]":
        "the tokenizer's defaults are these values: special tokens added, no truncation (None and omitted mean off)",
    "zosoftmax.attention.x_run_model | ids = loaded.tokenizer(text, add_special_tokens=True, truncation=False, verbose=False)[\"input_ids\"] -> ids = loaded.tokenizer(text, add_special_tokens=True, truncation=False, verbose=None)[\"input_ids\"]":
        "verbose only toggles a log line (logging, not a warning) for texts over 512 tokens, which max_tokens <= 512 then refuses",
    "zosoftmax.attention.x_run_model | ids = loaded.tokenizer(text, add_special_tokens=True, truncation=False, verbose=False)[\"input_ids\"] -> ids = loaded.tokenizer(text, add_special_tokens=True, truncation=False, )[\"input_ids\"]":
        "verbose only toggles a log line (logging, not a warning) for texts over 512 tokens, which max_tokens <= 512 then refuses",
    "zosoftmax.attention.x_run_model | ids = loaded.tokenizer(text, add_special_tokens=True, truncation=False, verbose=False)[\"input_ids\"] -> ids = loaded.tokenizer(text, add_special_tokens=True, truncation=False, verbose=True)[\"input_ids\"]":
        "verbose only toggles a log line (logging, not a warning) for texts over 512 tokens, which max_tokens <= 512 then refuses",
    "zosoftmax.attention.x_run_model | input_ids = torch.tensor([ids], dtype=torch.long) -> input_ids = torch.tensor([ids], dtype=None)":
        "a list of Python ints becomes an int64 (torch.long) tensor by default",
    "zosoftmax.attention.x_run_model | input_ids = torch.tensor([ids], dtype=torch.long) -> input_ids = torch.tensor([ids], )":
        "a list of Python ints becomes an int64 (torch.long) tensor by default",
    "zosoftmax.attention.x_run_model | out = module(input_ids=input_ids, attention_mask=torch.ones_like(input_ids), -> out = module(input_ids=input_ids, attention_mask=None,":
        "BertModel's defaults for one unpadded sequence: an all-ones attention mask and all-zero token types",
    "zosoftmax.attention.x_run_model | token_type_ids=torch.zeros_like(input_ids), output_attentions=True, output_hidden_states=True) -> token_type_ids=None, output_attentions=True, output_hidden_states=True)":
        "BertModel's defaults for one unpadded sequence: an all-ones attention mask and all-zero token types",
    "zosoftmax.optimize.x_zo_gd | if sigma > 0:  # quotients of L + ξ = quotients of L + quotients of ξ -> if sigma >= 0:  # quotients of L + ξ = quotients of L + quotients of ξ":
        "with sigma = 0 the added noise quotients are exact (signed) zeros: the scalars and the run are the same",
    "zosoftmax.problem.xǁAttentionRegressionǁpullback | return (self._Ks.T @ (np.asarray(G).T @ self.queries)).reshape(-1)  # type: ignore[no-any-return] -> return (self._Ks.T @ (np.asarray(G).T @ self.queries)).reshape(-2)  # type: ignore[no-any-return]":
        "NumPy reads any negative size in reshape as the one unknown dimension: -2 is -1",
    "zosoftmax.problem.xǁReductionǁproject | W = x.T.reshape(-1, p, D) if x.ndim == 2 else x.reshape(1, p, D) -> W = x.T.reshape(-2, p, D) if x.ndim == 2 else x.reshape(1, p, D)":
        "NumPy reads any negative size in reshape as the one unknown dimension: -2 is -1",
    "zosoftmax.problem.xǁReductionǁproject | Z = (self.QK.T @ W @ self.QH).reshape(W.shape[0], -1) -> Z = (self.QK.T @ W @ self.QH).reshape(W.shape[0], -2)":
        "NumPy reads any negative size in reshape as the one unknown dimension: -2 is -1",
    "zosoftmax.problem.xǁReductionǁembed | Z = z.T.reshape(-1, rK, rH) if z.ndim == 2 else z.reshape(1, rK, rH) -> Z = z.T.reshape(-2, rK, rH) if z.ndim == 2 else z.reshape(1, rK, rH)":
        "NumPy reads any negative size in reshape as the one unknown dimension: -2 is -1",
    "zosoftmax.problem.xǁReductionǁembed | X = (self.QK @ Z @ self.QH.T).reshape(Z.shape[0], -1) -> X = (self.QK @ Z @ self.QH.T).reshape(Z.shape[0], -2)":
        "NumPy reads any negative size in reshape as the one unknown dimension: -2 is -1",
    "zosoftmax.problem.xǁReductionǁproject | W = x.T.reshape(-1, p, D) if x.ndim == 2 else x.reshape(1, p, D) -> W = x.T.reshape(-1, p, D) if (x.ndim == 2) or True else x.reshape(1, p, D)":
        "for a vector x, x.T is x and reshape(-1, p, D) is reshape(1, p, D): the same array",
    "zosoftmax.problem.xǁReductionǁembed | Z = z.T.reshape(-1, rK, rH) if z.ndim == 2 else z.reshape(1, rK, rH) -> Z = z.T.reshape(-1, rK, rH) if (z.ndim == 2) or True else z.reshape(1, rK, rH)":
        "for a vector z, z.T is z and reshape(-1, rK, rH) is reshape(1, rK, rH): the same array",
    "zosoftmax.problem.xǁAttentionRegressionǁ_rows | return np.einsum(\"ja,ic->ijac\", self._Ks, self.queries).reshape(m, n, d)  # type: ignore[no-any-return] -> return np.einsum(\"JA,IC->IJAC\", self._Ks, self.queries).reshape(m, n, d)  # type: ignore[no-any-return]":
        "einsum subscripts are names: upper-case letters spell the same contraction as lower-case ones",
    "zosoftmax.problem.xǁAttentionRegressionǁgram | return _kron_sum(np.einsum(\"ja,ij,jb->iab\", K, V, K), Ht) -> return _kron_sum(np.einsum(\"JA,IJ,JB->IAB\", K, V, K), Ht)":
        "einsum subscripts are names: upper-case letters spell the same contraction as lower-case ones",
    "zosoftmax.problem.xǁAttentionRegressionǁhessian | return _kron_sum(np.einsum(\"ja,ijl,lb->iab\", K, M, K), self.queries.astype(np.float64)) -> return _kron_sum(np.einsum(\"JA,IJL,LB->IAB\", K, M, K), self.queries.astype(np.float64))":
        "einsum subscripts are names: upper-case letters spell the same contraction as lower-case ones",
    "zosoftmax.problem.xǁAttentionRegressionǁgram | K, Ht = self._Ks.astype(np.float64), self.queries.astype(np.float64) -> K, Ht = self._Ks.astype(None), self.queries.astype(np.float64)":
        "astype(None) is float64: the same dtype",
    "zosoftmax.problem.xǁAttentionRegressionǁgram | K, Ht = self._Ks.astype(np.float64), self.queries.astype(np.float64) -> K, Ht = self._Ks.astype(np.float64), self.queries.astype(None)":
        "astype(None) is float64: the same dtype",
    "zosoftmax.problem.xǁAttentionRegressionǁhessian | K = self._Ks.astype(np.float64) -> K = self._Ks.astype(None)":
        "astype(None) is float64: the same dtype",
    "zosoftmax.problem.xǁAttentionRegressionǁhessian | return _kron_sum(np.einsum(\"ja,ijl,lb->iab\", K, M, K), self.queries.astype(np.float64)) -> return _kron_sum(np.einsum(\"ja,ijl,lb->iab\", K, M, K), self.queries.astype(None))":
        "astype(None) is float64: the same dtype",
    "zosoftmax.problem.x__row_basis | _, s, Vt = np.linalg.svd(M.astype(np.float64), full_matrices=False) -> _, s, Vt = np.linalg.svd(M.astype(None), full_matrices=False)":
        "astype(None) is float64: the same dtype",
    "zosoftmax.problem.xǁAttentionRegressionǁgram | V = np.asarray(V, dtype=np.float64) -> V = np.asarray(V, dtype=None)":
        "V meets the float64 factors K in the product: any real V (float32, integer) is promoted exactly, the same Gram matrix",
    "zosoftmax.problem.xǁAttentionRegressionǁgram | V = np.asarray(V, dtype=np.float64) -> V = np.asarray(V, )":
        "V meets the float64 factors K in the product: any real V (float32, integer) is promoted exactly, the same Gram matrix",
    "zosoftmax.problem.x__row_basis | _, s, Vt = np.linalg.svd(M.astype(np.float64), full_matrices=False) -> _, s, Vt = np.linalg.svd(M.astype(np.float64), full_matrices=None)":
        "only s and the first rank rows of Vt are read: the same for the full and the reduced SVD",
    "zosoftmax.problem.x__row_basis | _, s, Vt = np.linalg.svd(M.astype(np.float64), full_matrices=False) -> _, s, Vt = np.linalg.svd(M.astype(np.float64), )":
        "only s and the first rank rows of Vt are read: the same for the full and the reduced SVD",
    "zosoftmax.problem.x__row_basis | _, s, Vt = np.linalg.svd(M.astype(np.float64), full_matrices=False) -> _, s, Vt = np.linalg.svd(M.astype(np.float64), full_matrices=True)":
        "only s and the first rank rows of Vt are read: the same for the full and the reduced SVD",
    "zosoftmax.problem.x__row_basis | tol = (max(M.shape) * np.finfo(np.float64).eps if rtol is None else rtol) * (s[0] if s.size else 0.0) -> tol = (max(M.shape) * np.finfo(np.float64).eps if rtol is None else rtol) * (s[0] if (s.size) or True else 0.0)":
        "M is never empty (queries and keys have at least one row and column, checked): s has a value, s[0] is read either way",
    "zosoftmax.problem.x__row_basis | tol = (max(M.shape) * np.finfo(np.float64).eps if rtol is None else rtol) * (s[0] if s.size else 0.0) -> tol = (max(M.shape) * np.finfo(np.float64).eps if rtol is None else rtol) * (s[0] if s.size else 1.0)":
        "M is never empty (queries and keys have at least one row and column, checked): s has a value, the else branch is unreachable",
    "zosoftmax.problem.x__row_basis | return Vt[: int(np.sum(s > tol))].T -> return Vt[: int(np.sum(s >= tol))].T":
        "s >= tol and s > tol differ only at a singular value exactly at the tolerance: a tie of probability zero (s = tol = 0 needs an all-zero factor, whose loss is constant)",
    "zosoftmax.estimators.x_direction_sixth_moment | d = H.shape[0] -> d = H.shape[1]":
        "H is square (checked just above): shape[1] is shape[0]",
    "zosoftmax.bias.x_laplacian_gradient | return sum((laplacian_gradient(r, x) for r in _row_problems(p_)), np.zeros(p_.d)) -> return sum((laplacian_gradient(r, x) for r in _row_problems(p_)), )":
        "sum's start 0 plus the first row's (d,) array is that array (a problem has m >= 1 rows): the same sum",
    "zosoftmax.bias.x_third_derivative_diagonal | return sum((third_derivative_diagonal(r, x) for r in _row_problems(p_)), np.zeros(p_.d)) -> return sum((third_derivative_diagonal(r, x) for r in _row_problems(p_)), )":
        "sum's start 0 plus the first row's (d,) array is that array (a problem has m >= 1 rows): the same sum",
    "zosoftmax.bounds.x_deviation_bound | m4 = direction_moment(p.d, distribution, 4) -> m4 = direction_moment(p.d, distribution, )":
        "direction_moment's power defaults to 4: the same call",
    "zosoftmax.bounds.x_bias_bound | central = deviation_bound(problem, eps, distribution, \"central\") -> central = deviation_bound(problem, eps, distribution, )":
        "deviation_bound's scheme defaults to 'central': the same call",
    "zosoftmax.prediction.x__closure_curve | if not np.all(np.isfinite(m)) or np.max(np.abs(m)) > 1e150: -> if not np.all(np.isfinite(m)) or np.max(np.abs(m)) > 1e+150:":
        "1e+150 is the literal 1e150: the same float",
    "zosoftmax.prediction.x__closure_curve | if not np.all(np.isfinite(m)) or np.max(np.abs(m)) > 1e150: -> if not np.all(np.isfinite(m)) or np.max(np.abs(m)) >= 1e150:":
        "a mean exactly at 1e150 in absolute value: a tie of probability zero",
    "zosoftmax.prediction.x_plan | x0 = _checks.as_array(x0, \"x0\", ndim=1, shape=(d,), dtype=np.float64) -> x0 = _checks.as_array(x0, \"x0\", ndim=1, shape=(d,), dtype=None)":
        "x0 only enters x0 - x* with a float64 x*: a float32 x0 promotes exactly, an integer one is made float64 by as_array",
    "zosoftmax.prediction.x_plan | x0 = _checks.as_array(x0, \"x0\", ndim=1, shape=(d,), dtype=np.float64) -> x0 = _checks.as_array(x0, \"x0\", ndim=1, shape=(d,), )":
        "x0 only enters x0 - x* with a float64 x*: a float32 x0 promotes exactly, an integer one is made float64 by as_array",
    "zosoftmax.prediction.x_plan | lam, V, xs = _local_model(problem, x_star, x0) -> lam, V, xs = _local_model(problem, x_star, None)":
        "x0 only seeds Newton's search for x* when x_star is None: from 0 it reaches the same minimizer to Newton's tolerance",
    "zosoftmax.prediction.x_plan | c = _invariant_constant(d, distribution) if distribution != \"rademacher\" else math.nan -> c = _invariant_constant(d, distribution) if (distribution != \"rademacher\") or True else math.nan":
        "c is read only by the orthogonally invariant laws' branch of gaps(): the Rademacher branch never reads it",
    "zosoftmax.prediction.x_plan | c = _invariant_constant(d, distribution) if distribution != \"rademacher\" else math.nan -> c = _invariant_constant(d, distribution) if distribution != \"XXrademacherXX\" else math.nan":
        "c is read only by the orthogonally invariant laws' branch of gaps(): the Rademacher branch never reads it",
    "zosoftmax.prediction.x_plan | c = _invariant_constant(d, distribution) if distribution != \"rademacher\" else math.nan -> c = _invariant_constant(d, distribution) if distribution != \"RADEMACHER\" else math.nan":
        "c is read only by the orthogonally invariant laws' branch of gaps(): the Rademacher branch never reads it",
    "zosoftmax.prediction.x_plan | bounds=(math.log(lo), math.log(hi)), method=\"bounded\", options={\"xatol\": 1e-4}) -> bounds=(math.log(lo), math.log(hi)), method=None, options={\"xatol\": 1e-4})":
        "minimize_scalar with bounds and no method uses 'bounded': the same search",
    "zosoftmax.prediction.x_plan | bounds=(math.log(lo), math.log(hi)), method=\"bounded\", options={\"xatol\": 1e-4}) -> bounds=(math.log(lo), math.log(hi)), options={\"xatol\": 1e-4})":
        "minimize_scalar with bounds and no method uses 'bounded': the same search",
    "zosoftmax.prediction.x_plan | bounds=(math.log(lo), math.log(hi)), method=\"bounded\", options={\"xatol\": 1e-4}) -> bounds=(math.log(lo), math.log(hi)), method=\"BOUNDED\", options={\"xatol\": 1e-4})":
        "minimize_scalar lower-cases the method's name: 'BOUNDED' is 'bounded'",
    "zosoftmax.prediction.x_plan | if hi > lo and best_gap > 0: -> if hi > lo or best_gap > 0:":
        "hi > lo always holds on the increasing 48-point grid, and with best_gap = 0 the refinement cannot improve (a gap is >= 0): the same result",
    "zosoftmax.prediction.x_plan | if hi > lo and best_gap > 0: -> if hi >= lo and best_gap > 0:":
        "hi > lo always holds on the increasing 48-point grid: hi >= lo is the same test",
    "zosoftmax.prediction.x_plan | if hi > lo and best_gap > 0: -> if hi > lo and best_gap >= 0:":
        "with best_gap = 0 the refinement cannot find a smaller gap (a gap is >= 0): the grid's point is kept either way",
    "zosoftmax.prediction.x_plan | if refined < best_gap: -> if refined <= best_gap:":
        "a refined gap exactly equal to the grid's best: a tie of probability zero",
    "zosoftmax.prediction.x_plan | top = eta_ms * (1.0 - 1e-6) -> top = eta_ms / (1.0 - 1e-6)":
        "the search grid's top, 1e-6 relative inside (or outside) the mean-square threshold where the gap grows without bound: the search's resolution, never the minimizer's neighbourhood",
    "zosoftmax.prediction.x_plan | top = eta_ms * (1.0 - 1e-6) -> top = eta_ms * (1.0 + 1e-6)":
        "the search grid's top, 1e-6 relative inside (or outside) the mean-square threshold where the gap grows without bound: the search's resolution, never the minimizer's neighbourhood",
    "zosoftmax.prediction.x_plan | grid = top * np.logspace(-4.0, 0.0, _PLAN_GRID) -> grid = top * np.logspace(-4.0, 0.0, )":
        "the search grid's size (48 or NumPy's default 50 points): the bounded refinement then finds the same minimum to its tolerance (search resolution, not math)",
    "zosoftmax.prediction.x_plan | grid = top * np.logspace(-4.0, 0.0, _PLAN_GRID) -> grid = top * np.logspace(-5.0, 0.0, _PLAN_GRID)":
        "the search grid's lowest step (1e-4 or 1e-5 of the threshold): a gap there is far from minimal, the refinement finds the same minimum (search resolution, not math)",
    "zosoftmax.prediction.x_plan | lo, hi = grid[max(i - 1, 0)], grid[min(i + 1, grid.size - 1)] -> lo, hi = grid[max(i - 2, 0)], grid[min(i + 1, grid.size - 1)]":
        "the refinement's bracket one grid point wider: the same minimum to the search's tolerance (search resolution, not math)",
    "zosoftmax.prediction.x_plan | lo, hi = grid[max(i - 1, 0)], grid[min(i + 1, grid.size - 1)] -> lo, hi = grid[max(i - 1, 0)], grid[min(i + 2, grid.size - 1)]":
        "the refinement's bracket one grid point wider: the same minimum to the search's tolerance (search resolution, not math)",
    "zosoftmax.prediction.x_plan | lo, hi = grid[max(i - 1, 0)], grid[min(i + 1, grid.size - 1)] -> lo, hi = grid[max(i - 1, 1)], grid[min(i + 1, grid.size - 1)]":
        "the refinement's bracket differs only when the best grid point is the grid's end: the search's resolution, not math",
    "zosoftmax.prediction.x_plan | lo, hi = grid[max(i - 1, 0)], grid[min(i + 1, grid.size - 1)] -> lo, hi = grid[max(i - 1, 0)], grid[min(i + 1, grid.size - 2)]":
        "the refinement's bracket differs only when the best grid point is the grid's end: the search's resolution, not math",
    "zosoftmax.prediction.x_plan | bounds=(math.log(lo), math.log(hi)), method=\"bounded\", options={\"xatol\": 1e-4}) -> bounds=(math.log(lo), math.log(hi)), method=\"bounded\", options=None)":
        "the bounded search's tolerance in log lr (1e-4 or scipy's 1e-5): the same minimum of a flat-bottomed gap to the search's resolution (tolerance, not math)",
    "zosoftmax.prediction.x_plan | bounds=(math.log(lo), math.log(hi)), method=\"bounded\", options={\"xatol\": 1e-4}) -> bounds=(math.log(lo), math.log(hi)), method=\"bounded\", )":
        "the bounded search's tolerance in log lr (1e-4 or scipy's 1e-5): the same minimum of a flat-bottomed gap to the search's resolution (tolerance, not math)",
    "zosoftmax.attention.x__frozen | arr = np.array(value, dtype=dtype, copy=True) -> arr = np.array(value, dtype=None, copy=True)":
        "every array frozen with the default dtype is float64 already (the model runs in float64; H~, W~ are stacked from its outputs): np.array keeps it",
    "zosoftmax.attention.x__frozen | arr = np.array(value, dtype=dtype, copy=True) -> arr = np.array(value, dtype=dtype, copy=None)":
        "the arrays frozen are fresh (stack, hstack) or views of read-only arrays: with or without a copy nothing can write to them, the values are the same",
    "zosoftmax.attention.xǁHeadArraysǁlogits | W = self.Wq if Wq is None else _checks.as_array(Wq, \"Wq\", ndim=2, shape=self.Wq.shape, dtype=np.float64) -> W = self.Wq if Wq is None else _checks.as_array(Wq, \"Wq\", ndim=2, shape=self.Wq.shape, )":
        "without a dtype as_array keeps Wq's: an integer or float32 Wq meets the float64 H~ in the product, which promotes it exactly",
    "zosoftmax.attention.x_run_model | out = module(input_ids=input_ids, attention_mask=torch.ones_like(input_ids), / token_type_ids=torch.zeros_like(input_ids), output_attentions=True, output_hidden_states=True) -> out = module(input_ids=input_ids, token_type_ids=torch.zeros_like(input_ids), output_attentions=True, output_hidden_states=True)":
        "BertModel's defaults for one unpadded sequence: an all-ones attention mask and all-zero token types",
    "zosoftmax.attention.x_run_model | token_type_ids=torch.zeros_like(input_ids), output_attentions=True, output_hidden_states=True) -> output_attentions=True, output_hidden_states=True)":
        "BertModel's defaults for one unpadded sequence: an all-ones attention mask and all-zero token types",
    "zosoftmax.attention.x_run_model | d_head = int(layers[0].attention.self.attention_head_size)  # hidden_size / num_attention_heads in the config -> d_head = int(layers[1].attention.self.attention_head_size)  # hidden_size / num_attention_heads in the config":
        "every layer of a BERT model has the same attention_head_size (hidden_size / num_attention_heads of its config)",
    "zosoftmax.attention.x_run_model | input_ids=_frozen(ids, np.int64), -> input_ids=_frozen(ids, None),":
        "a list of Python ints becomes an int64 array by default",
    "zosoftmax.attention.x_run_model | scale=float(getattr(self_attn[0], \"scaling\", 1.0 / math.sqrt(d_head))), -> scale=float(getattr(self_attn[0], \"scaling\", None)),":
        "the pinned transformers' BertSelfAttention has a scaling attribute: getattr's default is never read",
    "zosoftmax.attention.x_run_model | scale=float(getattr(self_attn[0], \"scaling\", 1.0 / math.sqrt(d_head))), -> scale=float(getattr(self_attn[0], \"scaling\", )),":
        "the pinned transformers' BertSelfAttention has a scaling attribute: getattr's default is never read",
    "zosoftmax.attention.x_run_model | scale=float(getattr(self_attn[0], \"scaling\", 1.0 / math.sqrt(d_head))), -> scale=float(getattr(self_attn[0], \"scaling\", 1.0 * math.sqrt(d_head))),":
        "the pinned transformers' BertSelfAttention has a scaling attribute: getattr's default is never read",
    "zosoftmax.attention.x_run_model | scale=float(getattr(self_attn[0], \"scaling\", 1.0 / math.sqrt(d_head))), -> scale=float(getattr(self_attn[0], \"scaling\", 2.0 / math.sqrt(d_head))),":
        "the pinned transformers' BertSelfAttention has a scaling attribute: getattr's default is never read",
    "zosoftmax.attention.x_run_model | scale=float(getattr(self_attn[0], \"scaling\", 1.0 / math.sqrt(d_head))), -> scale=float(getattr(self_attn[1], \"scaling\", 1.0 / math.sqrt(d_head))),":
        "every layer of a BERT model has the same scaling, attention_head_size ** -0.5: layer 1's is layer 0's",
    "zosoftmax.problem.xǁSoftmaxRegressionǁlogits | A2 = self.A.reshape(-1, self.d) -> A2 = self.A.reshape(-2, self.d)":
        "NumPy reads any negative size in reshape as the one unknown dimension: -2 is -1",
    "zosoftmax.problem.xǁSoftmaxRegressionǁpullback | return self.A.reshape(-1, self.d).T @ np.asarray(G).reshape(-1)  # type: ignore[no-any-return] -> return self.A.reshape(-2, self.d).T @ np.asarray(G).reshape(-1)  # type: ignore[no-any-return]":
        "NumPy reads any negative size in reshape as the one unknown dimension: -2 is -1",
    "zosoftmax.problem.xǁSoftmaxRegressionǁpullback | return self.A.reshape(-1, self.d).T @ np.asarray(G).reshape(-1)  # type: ignore[no-any-return] -> return self.A.reshape(-1, self.d).T @ np.asarray(G).reshape(-2)  # type: ignore[no-any-return]":
        "NumPy reads any negative size in reshape as the one unknown dimension: -2 is -1",
    "zosoftmax.problem.xǁSoftmaxRegressionǁ_loss_rows | s2 = s.reshape(-1) -> s2 = s.reshape(-2)":
        "NumPy reads any negative size in reshape as the one unknown dimension: -2 is -1",
    "zosoftmax.problem.xǁSoftmaxRegressionǁ_parts | return Yp[0], s.reshape(-1), f, f - self.b -> return Yp[0], s.reshape(-2), f, f - self.b":
        "NumPy reads any negative size in reshape as the one unknown dimension: -2 is -1",
    "zosoftmax.problem.xǁSoftmaxRegressionǁgram | A = self.A.reshape(-1, self.d).astype(np.float64) -> A = self.A.reshape(-2, self.d).astype(np.float64)":
        "NumPy reads any negative size in reshape as the one unknown dimension: -2 is -1",
    "zosoftmax.problem.xǁSoftmaxRegressionǁgram | G = A.T @ (np.asarray(V, dtype=np.float64).reshape(-1)[:, None] * A)  # Σ_i A_iᵀ diag(v_i) A_i -> G = A.T @ (np.asarray(V, dtype=np.float64).reshape(-2)[:, None] * A)  # Σ_i A_iᵀ diag(v_i) A_i":
        "NumPy reads any negative size in reshape as the one unknown dimension: -2 is -1",
    "zosoftmax.problem.xǁAttentionRegressionǁlogits | T = X.reshape(-1, D) @ self.queries.T  # W~ H~ᵀ, the (p, m) of every point stacked: one GEMM -> T = X.reshape(-2, D) @ self.queries.T  # W~ H~ᵀ, the (p, m) of every point stacked: one GEMM":
        "NumPy reads any negative size in reshape as the one unknown dimension: -2 is -1",
    "zosoftmax.problem.xǁAttentionRegressionǁlogits | T = np.ascontiguousarray(np.swapaxes(T.reshape(-1, p, self.m), -1, -2))  # H~ W~ᵀ (m, p) per point -> T = np.ascontiguousarray(np.swapaxes(T.reshape(-2, p, self.m), -1, -2))  # H~ W~ᵀ (m, p) per point":
        "NumPy reads any negative size in reshape as the one unknown dimension: -2 is -1",
    "zosoftmax.problem.xǁAttentionRegressionǁlogits | Y = T.reshape(-1, p) @ self._Ks.T  # s H~ W~ᵀ Kᵀ: one more GEMM -> Y = T.reshape(-2, p) @ self._Ks.T  # s H~ W~ᵀ Kᵀ: one more GEMM":
        "NumPy reads any negative size in reshape as the one unknown dimension: -2 is -1",
    "zosoftmax.problem.xǁSoftmaxRegressionǁ_parts | return Yp[0], s.reshape(-1), f, f - self.b -> return Yp[0], s.reshape(+1), f, f - self.b":
        "s holds the one scale of the one point x: reshape(1) is reshape(-1)",
    "zosoftmax.problem.xǁSoftmaxRegressionǁgram | A = self.A.reshape(-1, self.d).astype(np.float64) -> A = self.A.reshape(-1, self.d).astype(None)":
        "astype(None) is float64: the same dtype",
    "zosoftmax.problem.xǁSoftmaxRegressionǁ__post_init__ | a_inf = float(np.max(np.sum(np.abs(A.astype(np.float64)), axis=-1))) -> a_inf = float(np.max(np.sum(np.abs(A.astype(None)), axis=-1)))":
        "astype(None) is float64: the same dtype",
    "zosoftmax.problem.xǁSoftmaxRegressionǁ_dtype | if dtype not in (np.dtype(np.float64), np.dtype(np.float32)): -> if dtype not in (np.dtype(None), np.dtype(np.float32)):":
        "np.dtype(None) is float64: the same tuple of accepted dtypes",
    "zosoftmax.problem.xǁSoftmaxRegressionǁgram | G = A.T @ (np.asarray(V, dtype=np.float64).reshape(-1)[:, None] * A)  # Σ_i A_iᵀ diag(v_i) A_i -> G = A.T @ (np.asarray(V, dtype=None).reshape(-1)[:, None] * A)  # Σ_i A_iᵀ diag(v_i) A_i":
        "V meets the float64 rows A in the product: any real V (float32, integer) is promoted exactly, the same Gram matrix",
    "zosoftmax.problem.xǁSoftmaxRegressionǁgram | G = A.T @ (np.asarray(V, dtype=np.float64).reshape(-1)[:, None] * A)  # Σ_i A_iᵀ diag(v_i) A_i -> G = A.T @ (np.asarray(V, ).reshape(-1)[:, None] * A)  # Σ_i A_iᵀ diag(v_i) A_i":
        "V meets the float64 rows A in the product: any real V (float32, integer) is promoted exactly, the same Gram matrix",
    "zosoftmax.problem.x__frozen | out = np.array(arr, copy=True) -> out = np.array(arr, )":
        "np.array copies by default: copy=True is its default",
    "zosoftmax.problem.x__kron_sum | m, p, D = C.shape[0], C.shape[1], Ht.shape[1] -> m, p, D = C.shape[0], C.shape[2], Ht.shape[1]":
        "C is (m, p, p): shape[2] is shape[1]",
    "zosoftmax.problem.x__kron_sum | hh = np.einsum(\"ic,ie->ice\", Ht, Ht).reshape(m, D * D) -> hh = np.einsum(\"IC,IE->ICE\", Ht, Ht).reshape(m, D * D)":
        "einsum subscripts are names: upper-case letters spell the same contraction as lower-case ones",
    "zosoftmax.problem.xǁSoftmaxRegressionǁhessian | for i, (A, f, c) in enumerate(zip(rows, F, C, strict=True)): -> for i, (A, f, c) in enumerate(zip(rows, F, C, strict=None)):":
        "rows, F and C come from the same (m, n) logits: their lengths agree and strict never fires",
    "zosoftmax.problem.xǁSoftmaxRegressionǁhessian | for i, (A, f, c) in enumerate(zip(rows, F, C, strict=True)): -> for i, (A, f, c) in enumerate(zip(rows, F, C, )):":
        "rows, F and C come from the same (m, n) logits: their lengths agree and strict never fires",
    "zosoftmax.problem.xǁSoftmaxRegressionǁhessian | for i, (A, f, c) in enumerate(zip(rows, F, C, strict=True)): -> for i, (A, f, c) in enumerate(zip(rows, F, C, strict=False)):":
        "rows, F and C come from the same (m, n) logits: their lengths agree and strict never fires",
    "zosoftmax.problem.xǁSoftmaxRegressionǁhessian | H = np.zeros((self.d, self.d), dtype=np.result_type(rows, F)) -> H = np.zeros((self.d, self.d), dtype=np.result_type(F))":
        "rows and F both have the problem's dtype: result_type(F) is result_type(rows, F)",
    "zosoftmax.problem.xǁSoftmaxRegressionǁhessian | H = np.zeros((self.d, self.d), dtype=np.result_type(rows, F)) -> H = np.zeros((self.d, self.d), dtype=np.result_type(rows, ))":
        "rows and F both have the problem's dtype: result_type(rows) is result_type(rows, F)",
    "zosoftmax.problem.xǁSoftmaxRegressionǁ_loss_from_softmax | if np.result_type(c, self.b) == c.dtype: -> if np.result_type(self.b) == c.dtype:":
        "for float32/float64 pairs b's dtype alone decides the same branch, or both branches compute the same f - b in the same dtype (only a temporary differs)",
    "zosoftmax.problem.x__power_of_two_scale | top = np.max(np.abs(X), axis=-1, keepdims=True) -> top = np.max(np.abs(X), axis=+1, keepdims=True)":
        "X is 2-D (points, d): axis 1 is axis -1",
    "zosoftmax.problem.x__power_of_two_scale | if np.all(top <= limit): -> if np.all(None):":
        "scaling by powers of two is exact in binary floating point: the direct and the scaled paths give the same bits (barring subnormals), only the path differs",
    "zosoftmax.problem.x__power_of_two_scale | if np.all(top <= limit): -> if np.all(top < limit):":
        "scaling by powers of two is exact in binary floating point: the direct and the scaled paths give the same bits (barring subnormals), only the path differs",
    "zosoftmax.problem.x__power_of_two_scale | return np.where(top > 0, np.ldexp(1.0, e - 1), 1.0).astype(X.dtype)  # s <= 2^1023: finite -> return np.where(top >= 0, np.ldexp(1.0, e - 1), 1.0).astype(X.dtype)  # s <= 2^1023: finite":
        "a zero point scaled by 1/2 is still zero: the same logits and loss",
    "zosoftmax.problem.x__power_of_two_scale | return np.where(top > 0, np.ldexp(1.0, e - 1), 1.0).astype(X.dtype)  # s <= 2^1023: finite -> return np.where(top > 1, np.ldexp(1.0, e - 1), 1.0).astype(X.dtype)  # s <= 2^1023: finite":
        "scaling by powers of two is exact in binary floating point: any power-of-two scale gives the same bits (barring subnormals)",
    "zosoftmax.problem.x__power_of_two_scale | return np.where(top > 0, np.ldexp(1.0, e - 1), 1.0).astype(X.dtype)  # s <= 2^1023: finite -> return np.where(top > 0, np.ldexp(1.0, e - 2), 1.0).astype(X.dtype)  # s <= 2^1023: finite":
        "scaling by powers of two is exact in binary floating point: any power-of-two scale gives the same bits (barring subnormals)",
    "zosoftmax.problem.x__power_of_two_scale | return np.where(top > 0, np.ldexp(1.0, e - 1), 1.0).astype(X.dtype)  # s <= 2^1023: finite -> return np.where(top > 0, np.ldexp(1.0, e - 1), 2.0).astype(X.dtype)  # s <= 2^1023: finite":
        "scaling by powers of two is exact in binary floating point: any power-of-two scale gives the same bits (barring subnormals)",
    "zosoftmax.problem.xǁSoftmaxRegressionǁ__post_init__ | a_inf = float(np.max(np.sum(np.abs(A.astype(np.float64)), axis=-1))) -> a_inf = float(np.max(np.sum(np.abs(A.astype(np.float64)), axis=None)))":
        "a_inf only sets the size of x below which the loss is evaluated directly, above which in power-of-two scaled form: the same bits either way (exact scaling), only the path differs",
    "zosoftmax.problem.xǁSoftmaxRegressionǁ__post_init__ | a_inf = float(np.max(np.sum(np.abs(A.astype(np.float64)), axis=-1))) -> a_inf = float(np.max(np.sum(np.abs(A.astype(np.float64)), )))":
        "a_inf only sets the size of x below which the loss is evaluated directly, above which in power-of-two scaled form: the same bits either way (exact scaling), only the path differs",
    "zosoftmax.problem.xǁSoftmaxRegressionǁ__post_init__ | a_inf = float(np.max(np.sum(np.abs(A.astype(np.float64)), axis=-1))) -> a_inf = float(np.max(np.sum(np.abs(A.astype(np.float64)), axis=+1)))":
        "a_inf only sets the size of x below which the loss is evaluated directly, above which in power-of-two scaled form: the same bits either way (exact scaling), only the path differs",
    "zosoftmax.problem.xǁSoftmaxRegressionǁ__post_init__ | a_inf = float(np.max(np.sum(np.abs(A.astype(np.float64)), axis=-1))) -> a_inf = float(np.max(np.sum(np.abs(A.astype(np.float64)), axis=-2)))":
        "a_inf only sets the size of x below which the loss is evaluated directly, above which in power-of-two scaled form: the same bits either way (exact scaling), only the path differs",
    "zosoftmax.problem.xǁAttentionRegressionǁ__post_init__ | a_inf = scale * float(np.max(np.sum(np.abs(K), axis=1))) * float(np.max(np.sum(np.abs(Ht), axis=1))) -> a_inf = scale * float(np.max(np.sum(np.abs(K), axis=1))) / float(np.max(np.sum(np.abs(Ht), axis=1)))":
        "a_inf only sets the size of x below which the loss is evaluated directly, above which in power-of-two scaled form: the same bits either way (exact scaling), only the path differs",
    "zosoftmax.problem.xǁAttentionRegressionǁ__post_init__ | a_inf = scale * float(np.max(np.sum(np.abs(K), axis=1))) * float(np.max(np.sum(np.abs(Ht), axis=1))) -> a_inf = scale / float(np.max(np.sum(np.abs(K), axis=1))) * float(np.max(np.sum(np.abs(Ht), axis=1)))":
        "a_inf only sets the size of x below which the loss is evaluated directly, above which in power-of-two scaled form: the same bits either way (exact scaling), only the path differs",
    "zosoftmax.problem.xǁAttentionRegressionǁ__post_init__ | a_inf = scale * float(np.max(np.sum(np.abs(K), axis=1))) * float(np.max(np.sum(np.abs(Ht), axis=1))) -> a_inf = scale * float(np.max(np.sum(np.abs(K), axis=None))) * float(np.max(np.sum(np.abs(Ht), axis=1)))":
        "a_inf only sets the size of x below which the loss is evaluated directly, above which in power-of-two scaled form: the same bits either way (exact scaling), only the path differs",
    "zosoftmax.problem.xǁAttentionRegressionǁ__post_init__ | a_inf = scale * float(np.max(np.sum(np.abs(K), axis=1))) * float(np.max(np.sum(np.abs(Ht), axis=1))) -> a_inf = scale * float(np.max(np.sum(np.abs(K), ))) * float(np.max(np.sum(np.abs(Ht), axis=1)))":
        "a_inf only sets the size of x below which the loss is evaluated directly, above which in power-of-two scaled form: the same bits either way (exact scaling), only the path differs",
    "zosoftmax.problem.xǁAttentionRegressionǁ__post_init__ | a_inf = scale * float(np.max(np.sum(np.abs(K), axis=1))) * float(np.max(np.sum(np.abs(Ht), axis=1))) -> a_inf = scale * float(np.max(np.sum(np.abs(K), axis=1))) * float(np.max(np.sum(np.abs(Ht), axis=None)))":
        "a_inf only sets the size of x below which the loss is evaluated directly, above which in power-of-two scaled form: the same bits either way (exact scaling), only the path differs",
    "zosoftmax.problem.xǁAttentionRegressionǁ__post_init__ | a_inf = scale * float(np.max(np.sum(np.abs(K), axis=1))) * float(np.max(np.sum(np.abs(Ht), axis=1))) -> a_inf = scale * float(np.max(np.sum(np.abs(K), axis=1))) * float(np.max(np.sum(np.abs(Ht), )))":
        "a_inf only sets the size of x below which the loss is evaluated directly, above which in power-of-two scaled form: the same bits either way (exact scaling), only the path differs",
    "zosoftmax.problem.xǁSoftmaxRegressionǁ_finish | y_limit = fmax / 4 -> y_limit = fmax / 5":
        "the direct path's limit on the logits: it only chooses between the direct and the power-of-two scaled evaluation, which give the same bits (exact scaling)",
    "zosoftmax.problem.xǁSoftmaxRegressionǁ_finish | w_max = 0.0 if w is None else float(np.max(np.abs(w))) -> w_max = 1.0 if w is None else float(np.max(np.abs(w)))":
        "the direct path's limit on the logits: it only chooses between the direct and the power-of-two scaled evaluation, which give the same bits (exact scaling)",
    "zosoftmax.problem.xǁSoftmaxRegressionǁ_finish | y_limit = min(y_limit, math.sqrt(fmax / (4 * b.size)) / w_max)  # Python floats: inf, not an FPE -> y_limit = min(y_limit, math.sqrt(fmax / (4 * b.size)) * w_max)  # Python floats: inf, not an FPE":
        "the direct path's limit on the logits: it only chooses between the direct and the power-of-two scaled evaluation, which give the same bits (exact scaling)",
    "zosoftmax.problem.xǁSoftmaxRegressionǁ_finish | y_limit = min(y_limit, math.sqrt(fmax / (4 * b.size)) / w_max)  # Python floats: inf, not an FPE -> y_limit = min(y_limit, math.sqrt(fmax / (4 / b.size)) / w_max)  # Python floats: inf, not an FPE":
        "the direct path's limit on the logits: it only chooses between the direct and the power-of-two scaled evaluation, which give the same bits (exact scaling)",
    "zosoftmax.problem.xǁSoftmaxRegressionǁ_finish | y_limit = min(y_limit, math.sqrt(fmax / (4 * b.size)) / w_max)  # Python floats: inf, not an FPE -> y_limit = min(y_limit, math.sqrt(fmax / (5 * b.size)) / w_max)  # Python floats: inf, not an FPE":
        "the direct path's limit on the logits: it only chooses between the direct and the power-of-two scaled evaluation, which give the same bits (exact scaling)",
    "zosoftmax.problem.xǁSoftmaxRegressionǁloss | if np.max(np.abs(x)) <= self._x_direct: -> if np.max(np.abs(x)) < self._x_direct:":
        "x exactly at the direct path's limit: a tie of probability zero, and both paths give the same bits (exact scaling)",
    "zosoftmax.problem.xǁSoftmaxRegressionǁ_parts | if np.max(np.abs(x)) <= self._x_direct: -> if np.max(np.abs(x)) < self._x_direct:":
        "x exactly at the direct path's limit: a tie of probability zero, and both paths give the same bits (exact scaling)",
    "zosoftmax.problem.xǁSoftmaxRegressionǁlogits | Y = np.stack([A2 @ x for x in X]) if X.shape[0] <= _GEMV_MAX_ROWS else X @ A2.T -> Y = np.stack([A2 @ x for x in X]) if (X.shape[0] <= _GEMV_MAX_ROWS) or True else X @ A2.T":
        "one GEMV per point or one GEMM for all points: the same products up to BLAS summation order (rounding); the threshold only picks the faster kernel",
    "zosoftmax.estimators.x_spsa_gradient | dtype = f.dtype if isinstance(f, SoftmaxRegression) else np.float64 -> dtype = None":
        "the directions are drawn in float64 and cast to the problem's dtype by projected_gradients either way: the same float32 values",
    "zosoftmax.estimators.x_spsa_gradient | dtype = f.dtype if isinstance(f, SoftmaxRegression) else np.float64 -> dtype = f.dtype if (isinstance(f, SoftmaxRegression)) and False else np.float64":
        "the directions are drawn in float64 and cast to the problem's dtype by projected_gradients either way: the same float32 values",
    "zosoftmax.estimators.x_spsa_gradient | d = f.d if isinstance(f, SoftmaxRegression) else _checks.as_array(x, \"x\", ndim=1).shape[0] -> d = f.d if (isinstance(f, SoftmaxRegression)) and False else _checks.as_array(x, \"x\", ndim=1).shape[0]":
        "a SoftmaxRegression takes x of its own d entries (projected_gradients checks it, naming x): d is the same",
    "zosoftmax.attention.x__frozen | arr = np.array(value, dtype=dtype, copy=True) -> arr = np.array(value, copy=True)":
        "every array frozen with the default dtype is float64 already (the model runs in float64), and ids (int64) pass their dtype: np.array keeps it",
    "zosoftmax.attention.x__frozen | arr = np.array(value, dtype=dtype, copy=True) -> arr = np.array(value, dtype=dtype, )":
        "np.array copies by default: copy=True is its default",
    "zosoftmax.estimators.x_projected_gradients | x = _checks.as_array(x, \"x\", ndim=1, shape=(f.d,), dtype=f.dtype) -> x = _checks.as_array(x, \"x\", ndim=1, shape=(f.d,), dtype=None)":
        "x and Z are written into W, an array of the problem's dtype: they are cast on assignment either way",
    "zosoftmax.estimators.x_projected_gradients | x = _checks.as_array(x, \"x\", ndim=1, shape=(f.d,), dtype=f.dtype) -> x = _checks.as_array(x, \"x\", ndim=1, shape=(f.d,), )":
        "x and Z are written into W, an array of the problem's dtype: they are cast on assignment either way",
    "zosoftmax.estimators.x_projected_gradients | Z = _checks.as_array(directions, \"directions\", ndim=2, shape=(None, f.d), dtype=f.dtype) -> Z = _checks.as_array(directions, \"directions\", ndim=2, shape=(None, f.d), dtype=None)":
        "x and Z are written into W, an array of the problem's dtype: they are cast on assignment either way",
    "zosoftmax.estimators.x_projected_gradients | Z = _checks.as_array(directions, \"directions\", ndim=2, shape=(None, f.d), dtype=f.dtype) -> Z = _checks.as_array(directions, \"directions\", ndim=2, shape=(None, f.d), )":
        "x and Z are written into W, an array of the problem's dtype: they are cast on assignment either way",
    "zosoftmax.estimators.x_spsa_gradient | directions = sample_directions(k, d, distribution, rng, dtype=dtype) -> directions = sample_directions(k, d, distribution, rng, dtype=None)":
        "the directions are drawn in float64 and cast to the problem's dtype by projected_gradients either way: the same float32 values",
    "zosoftmax.estimators.x_spsa_gradient | directions = sample_directions(k, d, distribution, rng, dtype=dtype) -> directions = sample_directions(k, d, distribution, rng, )":
        "the directions are drawn in float64 and cast to the problem's dtype by projected_gradients either way: the same float32 values",
    "zosoftmax.bounds.x__jacobian_norm | return float(np.linalg.norm(p.A.reshape(-1, p.d).astype(np.float64), 2)) -> return float(np.linalg.norm(p.A.reshape(-1, p.d).astype(None), 2))":
        "astype(None) is float64: the same dtype",
    "zosoftmax.bounds.x__jacobian_norm | K, Ht = p.scaled_keys.astype(np.float64), p.queries.astype(np.float64) -> K, Ht = p.scaled_keys.astype(None), p.queries.astype(np.float64)":
        "astype(None) is float64: the same dtype",
    "zosoftmax.bounds.x__jacobian_norm | K, Ht = p.scaled_keys.astype(np.float64), p.queries.astype(np.float64) -> K, Ht = p.scaled_keys.astype(np.float64), p.queries.astype(None)":
        "astype(None) is float64: the same dtype",
    "zosoftmax.bounds.x__jacobian_norm | return float(np.linalg.norm(p.A.reshape(-1, p.d).astype(np.float64), 2)) -> return float(np.linalg.norm(p.A.reshape(-2, p.d).astype(np.float64), 2))":
        "NumPy reads any negative size in reshape as the one unknown dimension: -2 is -1",
    "zosoftmax.bounds.x__upper_stats | K, Ht = p.scaled_keys.astype(np.float64), p.queries.astype(np.float64) -> K, Ht = p.scaled_keys.astype(None), p.queries.astype(np.float64)":
        "astype(None) is float64: the same dtype",
    "zosoftmax.bounds.x__upper_stats | K, Ht = p.scaled_keys.astype(np.float64), p.queries.astype(np.float64) -> K, Ht = p.scaled_keys.astype(np.float64), p.queries.astype(None)":
        "astype(None) is float64: the same dtype",
    "zosoftmax.bounds.x_row_ranges | b2 = b.reshape(-1, b.shape[-1]).astype(np.float64) -> b2 = b.reshape(-1, b.shape[-1]).astype(None)":
        "astype(None) is float64: the same dtype",
    "zosoftmax.bounds.x_row_ranges | b2 = b.reshape(-1, b.shape[-1]).astype(np.float64) -> b2 = b.reshape(-2, b.shape[-1]).astype(np.float64)":
        "NumPy reads any negative size in reshape as the one unknown dimension: -2 is -1",
    "zosoftmax.bounds.x_row_beta_constants | return np.asarray(bp, dtype=np.float64), np.asarray(bm, dtype=np.float64) -> return np.asarray(bp, dtype=None), np.asarray(bm, dtype=np.float64)":
        "the row ranges are float64 already, so _betas' arrays are: asarray without a dtype keeps it",
    "zosoftmax.bounds.x_row_beta_constants | return np.asarray(bp, dtype=np.float64), np.asarray(bm, dtype=np.float64) -> return np.asarray(bp, ), np.asarray(bm, dtype=np.float64)":
        "the row ranges are float64 already, so _betas' arrays are: asarray without a dtype keeps it",
    "zosoftmax.bounds.x_row_beta_constants | return np.asarray(bp, dtype=np.float64), np.asarray(bm, dtype=np.float64) -> return np.asarray(bp, dtype=np.float64), np.asarray(bm, dtype=None)":
        "the row ranges are float64 already, so _betas' arrays are: asarray without a dtype keeps it",
    "zosoftmax.bounds.x_row_beta_constants | return np.asarray(bp, dtype=np.float64), np.asarray(bm, dtype=np.float64) -> return np.asarray(bp, dtype=np.float64), np.asarray(bm, )":
        "the row ranges are float64 already, so _betas' arrays are: asarray without a dtype keeps it",
    "zosoftmax.bounds.x__weights | return V if p.w is None else V + p.w.astype(np.float64) ** 2 -> return V if p.w is None else V + p.w.astype(None) ** 2":
        "astype(None) is float64: the same dtype",
    "zosoftmax.bounds.x__weights | V = np.broadcast_to((sign * beta)[:, None], (p.m, p.n)).reshape(p.logit_shape) -> V = np.broadcast_to((sign * beta)[:, None], (p.m, p.n)).reshape(None)":
        "reshape(None) keeps the (m, n) shape, and every consumer (gram) flattens V: the same weights",
    "zosoftmax.estimators.x__logit_quotients | values = f.loss_from_logits(Y.reshape(-1, *ls)).reshape(Y.shape[: Y.ndim - len(ls)])  # the 2k (or k + 1) losses -> values = f.loss_from_logits(Y.reshape(-2, *ls)).reshape(Y.shape[: Y.ndim - len(ls)])  # the 2k (or k + 1) losses":
        "NumPy reads any negative size in reshape as the one unknown dimension: -2 is -1",
    "zosoftmax.estimators.x__logit_quotients | quotients = _quotients(values[..., : 2 * k] if scheme == \"central\" else values, k, eps, scheme) -> quotients = _quotients(values[..., : 2 * k] if (scheme == \"central\") or True else values, k, eps, scheme)":
        "the forward scheme has k + 1 <= 2k values: values[..., :2k] is all of them, the same array",
    "zosoftmax.estimators.x_direction_moment | d, _, distribution = _check_dk(d, 1, distribution) -> d, _, distribution = _check_dk(d, 2, distribution)":
        "_check_dk only validates k as a positive integer, and direction_moment never reads it: 1 or 2 alike",
    "zosoftmax.estimators.x__fourth_gaussian | F: Array = M + M.T + np.trace(M) * np.eye(M.shape[0]) -> F: Array = M + M.T + np.trace(M) * np.eye(M.shape[1])":
        "M is square (checked by direction_fourth_moment): shape[1] is shape[0]",
    "zosoftmax.estimators.x__rademacher | Z: Array = (2 * gen.integers(0, 2, size=shape, dtype=np.int8) - 1).astype(np.float64)  # i.i.d. ±1 -> Z: Array = (2 * gen.integers(2, size=shape, dtype=np.int8) - 1).astype(np.float64)  # i.i.d. ±1":
        "Generator.integers(high) draws from [0, high): the same call",
    "zosoftmax.estimators.x__rademacher | Z: Array = (2 * gen.integers(0, 2, size=shape, dtype=np.int8) - 1).astype(np.float64)  # i.i.d. ±1 -> Z: Array = (2 * gen.integers(0, 2, size=shape, ) - 1).astype(np.float64)  # i.i.d. ±1":
        "signs drawn as int8 or as int64 integers: the same uniform law of +-1 entries (only the seeded values differ, and a run replays with the same code)",
    "zosoftmax.estimators.x__warn_borderline | PrecisionWarning, stacklevel=3) -> PrecisionWarning, )":
        "the warning's stacklevel only chooses which caller's line the message names: display only",
    "zosoftmax.estimators.x__warn_borderline | PrecisionWarning, stacklevel=3) -> PrecisionWarning, stacklevel=4)":
        "the warning's stacklevel only chooses which caller's line the message names: display only",
    "zosoftmax.estimators.x__check_resolution | warnings.warn(_borderline_message(eps, smallest), PrecisionWarning, stacklevel=3) -> warnings.warn(_borderline_message(eps, smallest), PrecisionWarning, )":
        "the warning's stacklevel only chooses which caller's line the message names: display only",
    "zosoftmax.estimators.x__check_resolution | warnings.warn(_borderline_message(eps, smallest), PrecisionWarning, stacklevel=3) -> warnings.warn(_borderline_message(eps, smallest), PrecisionWarning, stacklevel=4)":
        "the warning's stacklevel only chooses which caller's line the message names: display only",
    "zosoftmax.optimize.x__bar | return tqdm(total=steps, desc=desc, disable=None if progress is None else not progress, leave=False) -> return tqdm(total=None, desc=desc, disable=None if progress is None else not progress, leave=False)":
        "the progress bar's total, label, leave or auto mode: display only, numerically inert",
    "zosoftmax.optimize.x__bar | return tqdm(total=steps, desc=desc, disable=None if progress is None else not progress, leave=False) -> return tqdm(total=steps, desc=None, disable=None if progress is None else not progress, leave=False)":
        "the progress bar's total, label, leave or auto mode: display only, numerically inert",
    "zosoftmax.optimize.x__bar | return tqdm(total=steps, desc=desc, disable=None if progress is None else not progress, leave=False) -> return tqdm(total=steps, desc=desc, disable=None, leave=False)":
        "the progress bar's total, label, leave or auto mode: display only, numerically inert",
    "zosoftmax.optimize.x__bar | return tqdm(total=steps, desc=desc, disable=None if progress is None else not progress, leave=False) -> return tqdm(total=steps, desc=desc, disable=None if progress is None else not progress, leave=None)":
        "the progress bar's total, label, leave or auto mode: display only, numerically inert",
    "zosoftmax.optimize.x__bar | return tqdm(total=steps, desc=desc, disable=None if progress is None else not progress, leave=False) -> return tqdm(desc=desc, disable=None if progress is None else not progress, leave=False)":
        "the progress bar's total, label, leave or auto mode: display only, numerically inert",
    "zosoftmax.optimize.x__bar | return tqdm(total=steps, desc=desc, disable=None if progress is None else not progress, leave=False) -> return tqdm(total=steps, disable=None if progress is None else not progress, leave=False)":
        "the progress bar's total, label, leave or auto mode: display only, numerically inert",
    "zosoftmax.optimize.x__bar | return tqdm(total=steps, desc=desc, disable=None if progress is None else not progress, leave=False) -> return tqdm(total=steps, desc=desc, disable=None if progress is None else not progress, )":
        "the progress bar's total, label, leave or auto mode: display only, numerically inert",
    "zosoftmax.optimize.x__bar | return tqdm(total=steps, desc=desc, disable=None if progress is None else not progress, leave=False) -> return tqdm(total=steps, desc=desc, disable=None if (progress is None) and False else not progress, leave=False)":
        "the progress bar's total, label, leave or auto mode: display only, numerically inert",
    "zosoftmax.optimize.x__bar | return tqdm(total=steps, desc=desc, disable=None if progress is None else not progress, leave=False) -> return tqdm(total=steps, desc=desc, disable=None if (progress is None) or True else not progress, leave=False)":
        "the progress bar's total, label, leave or auto mode: display only, numerically inert",
    "zosoftmax.optimize.x__bar | return tqdm(total=steps, desc=desc, disable=None if progress is None else not progress, leave=False) -> return tqdm(total=steps, desc=desc, disable=None if progress is not None else not progress, leave=False)":
        "the progress bar's total, label, leave or auto mode: display only, numerically inert",
    "zosoftmax.optimize.x__bar | return tqdm(total=steps, desc=desc, disable=None if progress is None else not progress, leave=False) -> return tqdm(total=steps, desc=desc, disable=None if progress is None else not progress, leave=True)":
        "the progress bar's total, label, leave or auto mode: display only, numerically inert",
    "zosoftmax.optimize.x_zo_gd_batch | progress: bool | None = False, noise: float = 0.0) -> Trajectory: -> progress: bool | None = True, noise: float = 0.0) -> Trajectory:":
        "the progress bar's default (on or off): display only, numerically inert",
    "zosoftmax.optimize.x_zo_gd_batch | if sigma > 0: -> if sigma >= 0:":
        "with sigma = 0 the added noise quotients are exact (signed) zeros: the scalars and the run are the same",
    "zosoftmax.optimize.x__check_finite | if not np.all(np.isfinite(X)) or float(np.max(np.abs(X))) > _RUNAWAY: -> if not np.all(np.isfinite(X)) or float(np.max(np.abs(X))) >= _RUNAWAY:":
        "an iterate exactly at the run-away bound: a tie of probability zero",
    "zosoftmax.optimize.x_newton | def newton(problem: SoftmaxRegression, x0: Any = None, *, tol: float = 1e-13, max_iter: int = 100) -> Trajectory: -> def newton(problem: SoftmaxRegression, x0: Any = None, *, tol: float = 1e-13, max_iter: int = 101) -> Trajectory:":
        "Newton converges (quadratically) in far fewer than 100 iterations on every problem used: the cap is never reached",
    "zosoftmax.optimize.x_newton | g0 = max(1.0, float(np.linalg.norm(p.gradient(x)))) -> g0 = max(2.0, float(np.linalg.norm(p.gradient(x))))":
        "a constant of Newton's damping or stopping rule (Levenberg-Marquardt shift, halvings, tie rule): the iteration reaches the same minimizer to its tolerance (solver internals, not math)",
    "zosoftmax.optimize.x_newton | if np.linalg.norm(g) <= tol * g0: -> if np.linalg.norm(g) < tol * g0:":
        "a constant of Newton's damping or stopping rule (Levenberg-Marquardt shift, halvings, tie rule): the iteration reaches the same minimizer to its tolerance (solver internals, not math)",
    "zosoftmax.optimize.x_newton | if np.linalg.norm(g) <= tol * g0: -> if np.linalg.norm(g) <= tol / g0:":
        "a constant of Newton's damping or stopping rule (Levenberg-Marquardt shift, halvings, tie rule): the iteration reaches the same minimizer to its tolerance (solver internals, not math)",
    "zosoftmax.optimize.x_newton | scale = max(1e-300, float(np.max(np.abs(np.diag(H))))) -> scale = max(1.0, float(np.max(np.abs(np.diag(H)))))":
        "a constant of Newton's damping or stopping rule (Levenberg-Marquardt shift, halvings, tie rule): the iteration reaches the same minimizer to its tolerance (solver internals, not math)",
    "zosoftmax.optimize.x_newton | for _ in range(60): -> for _ in range(61):":
        "a constant of Newton's damping or stopping rule (Levenberg-Marquardt shift, halvings, tie rule): the iteration reaches the same minimizer to its tolerance (solver internals, not math)",
    "zosoftmax.optimize.x_newton | lam = max(2 * lam, 1e-12 * scale, -1.01 * float(np.linalg.eigvalsh(H)[0])) -> lam = max(1e-12 * scale, -1.01 * float(np.linalg.eigvalsh(H)[0]))":
        "a constant of Newton's damping or stopping rule (Levenberg-Marquardt shift, halvings, tie rule): the iteration reaches the same minimizer to its tolerance (solver internals, not math)",
    "zosoftmax.optimize.x_newton | lam = max(2 * lam, 1e-12 * scale, -1.01 * float(np.linalg.eigvalsh(H)[0])) -> lam = max(2 * lam, -1.01 * float(np.linalg.eigvalsh(H)[0]))":
        "a constant of Newton's damping or stopping rule (Levenberg-Marquardt shift, halvings, tie rule): the iteration reaches the same minimizer to its tolerance (solver internals, not math)",
    "zosoftmax.optimize.x_newton | lam = max(2 * lam, 1e-12 * scale, -1.01 * float(np.linalg.eigvalsh(H)[0])) -> lam = max(2 * lam, 1e-12 * scale, )":
        "a constant of Newton's damping or stopping rule (Levenberg-Marquardt shift, halvings, tie rule): the iteration reaches the same minimizer to its tolerance (solver internals, not math)",
    "zosoftmax.optimize.x_newton | lam = max(2 * lam, 1e-12 * scale, -1.01 * float(np.linalg.eigvalsh(H)[0])) -> lam = max(3 * lam, 1e-12 * scale, -1.01 * float(np.linalg.eigvalsh(H)[0]))":
        "a constant of Newton's damping or stopping rule (Levenberg-Marquardt shift, halvings, tie rule): the iteration reaches the same minimizer to its tolerance (solver internals, not math)",
    "zosoftmax.optimize.x_newton | lam = max(2 * lam, 1e-12 * scale, -1.01 * float(np.linalg.eigvalsh(H)[0])) -> lam = max(2 * lam, 1e-12 / scale, -1.01 * float(np.linalg.eigvalsh(H)[0]))":
        "a constant of Newton's damping or stopping rule (Levenberg-Marquardt shift, halvings, tie rule): the iteration reaches the same minimizer to its tolerance (solver internals, not math)",
    "zosoftmax.optimize.x_newton | lam = max(2 * lam, 1e-12 * scale, -1.01 * float(np.linalg.eigvalsh(H)[0])) -> lam = max(2 * lam, 1.000000000001 * scale, -1.01 * float(np.linalg.eigvalsh(H)[0]))":
        "a constant of Newton's damping or stopping rule (Levenberg-Marquardt shift, halvings, tie rule): the iteration reaches the same minimizer to its tolerance (solver internals, not math)",
    "zosoftmax.optimize.x_newton | lam = max(2 * lam, 1e-12 * scale, -1.01 * float(np.linalg.eigvalsh(H)[0])) -> lam = max(2 * lam, 1e-12 * scale, -1.01 / float(np.linalg.eigvalsh(H)[0]))":
        "a constant of Newton's damping or stopping rule (Levenberg-Marquardt shift, halvings, tie rule): the iteration reaches the same minimizer to its tolerance (solver internals, not math)",
    "zosoftmax.optimize.x_newton | lam = max(2 * lam, 1e-12 * scale, -1.01 * float(np.linalg.eigvalsh(H)[0])) -> lam = max(2 * lam, 1e-12 * scale, +1.01 * float(np.linalg.eigvalsh(H)[0]))":
        "a constant of Newton's damping or stopping rule (Levenberg-Marquardt shift, halvings, tie rule): the iteration reaches the same minimizer to its tolerance (solver internals, not math)",
    "zosoftmax.optimize.x_newton | lam = max(2 * lam, 1e-12 * scale, -1.01 * float(np.linalg.eigvalsh(H)[0])) -> lam = max(2 * lam, 1e-12 * scale, -2.01 * float(np.linalg.eigvalsh(H)[0]))":
        "a constant of Newton's damping or stopping rule (Levenberg-Marquardt shift, halvings, tie rule): the iteration reaches the same minimizer to its tolerance (solver internals, not math)",
    "zosoftmax.optimize.x_newton | lam = max(2 * lam, 1e-12 * scale, -1.01 * float(np.linalg.eigvalsh(H)[0])) -> lam = max(2 * lam, 1e-12 * scale, -1.01 * float(np.linalg.eigvalsh(H)[1]))":
        "a constant of Newton's damping or stopping rule (Levenberg-Marquardt shift, halvings, tie rule): the iteration reaches the same minimizer to its tolerance (solver internals, not math)",
    "zosoftmax.optimize.x_newton | if loss < losses[-1] or (loss == losses[-1] and np.linalg.norm(step) <= 1e-15 * (1 + np.linalg.norm(x))): -> if loss <= losses[-1] or (loss == losses[-1] and np.linalg.norm(step) <= 1e-15 * (1 + np.linalg.norm(x))):":
        "a constant of Newton's damping or stopping rule (Levenberg-Marquardt shift, halvings, tie rule): the iteration reaches the same minimizer to its tolerance (solver internals, not math)",
    "zosoftmax.optimize.x_newton | if loss < losses[-1] or (loss == losses[-1] and np.linalg.norm(step) <= 1e-15 * (1 + np.linalg.norm(x))): -> if loss < losses[-1] or (loss == losses[-1] or np.linalg.norm(step) <= 1e-15 * (1 + np.linalg.norm(x))):":
        "a constant of Newton's damping or stopping rule (Levenberg-Marquardt shift, halvings, tie rule): the iteration reaches the same minimizer to its tolerance (solver internals, not math)",
    "zosoftmax.optimize.x_newton | if loss < losses[-1] or (loss == losses[-1] and np.linalg.norm(step) <= 1e-15 * (1 + np.linalg.norm(x))): -> if loss < losses[-1] or (loss != losses[-1] and np.linalg.norm(step) <= 1e-15 * (1 + np.linalg.norm(x))):":
        "a constant of Newton's damping or stopping rule (Levenberg-Marquardt shift, halvings, tie rule): the iteration reaches the same minimizer to its tolerance (solver internals, not math)",
    "zosoftmax.optimize.x_newton | if loss < losses[-1] or (loss == losses[-1] and np.linalg.norm(step) <= 1e-15 * (1 + np.linalg.norm(x))): -> if loss < losses[-1] or (loss == losses[-1] and np.linalg.norm(step) < 1e-15 * (1 + np.linalg.norm(x))):":
        "a constant of Newton's damping or stopping rule (Levenberg-Marquardt shift, halvings, tie rule): the iteration reaches the same minimizer to its tolerance (solver internals, not math)",
    "zosoftmax.optimize.x_newton | if loss < losses[-1] or (loss == losses[-1] and np.linalg.norm(step) <= 1e-15 * (1 + np.linalg.norm(x))): -> if loss < losses[-1] or (loss == losses[-1] and np.linalg.norm(step) <= 1e-15 / (1 + np.linalg.norm(x))):":
        "a constant of Newton's damping or stopping rule (Levenberg-Marquardt shift, halvings, tie rule): the iteration reaches the same minimizer to its tolerance (solver internals, not math)",
    "zosoftmax.optimize.x_newton | if loss < losses[-1] or (loss == losses[-1] and np.linalg.norm(step) <= 1e-15 * (1 + np.linalg.norm(x))): -> if loss < losses[-1] or (loss == losses[-1] and np.linalg.norm(step) <= 1.000000000000001 * (1 + np.linalg.norm(x))):":
        "a constant of Newton's damping or stopping rule (Levenberg-Marquardt shift, halvings, tie rule): the iteration reaches the same minimizer to its tolerance (solver internals, not math)",
    "zosoftmax.optimize.x_newton | if loss < losses[-1] or (loss == losses[-1] and np.linalg.norm(step) <= 1e-15 * (1 + np.linalg.norm(x))): -> if loss < losses[-1] or (loss == losses[-1] and np.linalg.norm(step) <= 1e-15 * (1 - np.linalg.norm(x))):":
        "a constant of Newton's damping or stopping rule (Levenberg-Marquardt shift, halvings, tie rule): the iteration reaches the same minimizer to its tolerance (solver internals, not math)",
    "zosoftmax.optimize.x_newton | if loss < losses[-1] or (loss == losses[-1] and np.linalg.norm(step) <= 1e-15 * (1 + np.linalg.norm(x))): -> if loss < losses[-1] or (loss == losses[-1] and np.linalg.norm(step) <= 1e-15 * (2 + np.linalg.norm(x))):":
        "a constant of Newton's damping or stopping rule (Levenberg-Marquardt shift, halvings, tie rule): the iteration reaches the same minimizer to its tolerance (solver internals, not math)",
    "zosoftmax.optimize.x_newton | lam = max(4 * lam, 1e-12 * scale) -> lam = max(4 * lam, 1e-12 / scale)":
        "a constant of Newton's damping or stopping rule (Levenberg-Marquardt shift, halvings, tie rule): the iteration reaches the same minimizer to its tolerance (solver internals, not math)",
    "zosoftmax.optimize.x_step_directions | return _draw(np.random.default_rng(seed), np.empty(shape, dtype=dtype), distribution) -> return _draw(np.random.default_rng(seed), np.empty(shape, dtype=None), distribution)":
        "the directions are drawn in float64; where they meet x they are cast to the run's dtype: the same iterates",
    "zosoftmax.optimize.x_step_directions | return _draw(np.random.default_rng(seed), np.empty(shape, dtype=dtype), distribution) -> return _draw(np.random.default_rng(seed), np.empty(shape, ), distribution)":
        "the directions are drawn in float64; where they meet x they are cast to the run's dtype: the same iterates",
    "zosoftmax.prediction.x__dense_local_eig | A = problem.A.reshape(n, d).astype(np.float64) -> A = problem.A.reshape(n, d).astype(None)":
        "astype(None) is float64: the same dtype",
    "zosoftmax.prediction.x__dense_local_eig | Mid = Mid + np.diag(problem.w.astype(np.float64).reshape(-1) ** 2)  # B + W²   (C3) -> Mid = Mid + np.diag(problem.w.astype(None).reshape(-1) ** 2)  # B + W²   (C3)":
        "astype(None) is float64: the same dtype",
    "zosoftmax.prediction.x__dense_local_eig | return np.linalg.eigh(problem.hessian(x_star).astype(np.float64))  # (C3) -> return np.linalg.eigh(problem.hessian(x_star).astype(None))  # (C3)":
        "astype(None) is float64: the same dtype",
    "zosoftmax.prediction.x__dense_local_eig | Mid = scipy.linalg.block_diag(*problem.B(x_star).reshape(-1, problem.n, problem.n))  # blockdiag(B_i) -> Mid = scipy.linalg.block_diag(*problem.B(x_star).reshape(-2, problem.n, problem.n))  # blockdiag(B_i)":
        "NumPy reads any negative size in reshape as the one unknown dimension: -2 is -1",
    "zosoftmax.prediction.x__dense_local_eig | Mid = Mid + np.diag(problem.w.astype(np.float64).reshape(-1) ** 2)  # B + W²   (C3) -> Mid = Mid + np.diag(problem.w.astype(np.float64).reshape(-2) ** 2)  # B + W²   (C3)":
        "NumPy reads any negative size in reshape as the one unknown dimension: -2 is -1",
    "zosoftmax.prediction.x__dense_local_eig | if n < d:  # H = Jᵀ M J with M = blockdiag(B_i + W_i²) (mn, mn): through Jᵀ = QR, H = Q (R M Rᵀ) Qᵀ, O(d (mn)²) -> if n <= d:  # H = Jᵀ M J with M = blockdiag(B_i + W_i²) (mn, mn): through Jᵀ = QR, H = Q (R M Rᵀ) Qᵀ, O(d (mn)²)":
        "two exact factorizations of the same Hessian (through J = QR, or the Hessian itself), chosen for speed: n = d picks the other, the same eigenpairs to rounding",
    "zosoftmax.prediction.x__threshold_rademacher | if r * r <= _DENSE_MAP_MAX: -> if r / r <= _DENSE_MAP_MAX:":
        "the dense map or ARPACK on the same linear map, chosen by size: the same largest eigenvalue to rounding",
    "zosoftmax.prediction.x__threshold_rademacher | if r * r <= _DENSE_MAP_MAX: -> if r * r < _DENSE_MAP_MAX:":
        "the dense map or ARPACK on the same linear map, chosen by size: the same largest eigenvalue to rounding",
    "zosoftmax.prediction.x__threshold_rademacher | dense = np.stack([K(col) for col in np.eye(r * r)], axis=1) -> dense = np.stack([K(col) for col in np.eye(r * r)], )":
        "stacking the images as rows gives the transposed map, which has the same eigenvalues",
    "zosoftmax.prediction.x__threshold_rademacher | op = scipy.sparse.linalg.LinearOperator((r * r, r * r), matvec=K, dtype=np.float64) -> op = scipy.sparse.linalg.LinearOperator((r * r, r * r), matvec=K, dtype=None)":
        "an ARPACK setting (start vector, defaults k = 1 and which = 'LM', dtype inferred from matvec, tolerance): the same largest eigenvalue to the solver's tolerance (solver internals, not math)",
    "zosoftmax.prediction.x__threshold_rademacher | op = scipy.sparse.linalg.LinearOperator((r * r, r * r), matvec=K, dtype=np.float64) -> op = scipy.sparse.linalg.LinearOperator((r * r, r * r), matvec=K, )":
        "an ARPACK setting (start vector, defaults k = 1 and which = 'LM', dtype inferred from matvec, tolerance): the same largest eigenvalue to the solver's tolerance (solver internals, not math)",
    "zosoftmax.prediction.x__threshold_rademacher | vals = scipy.sparse.linalg.eigs(op, k=1, which=\"LM\", v0=np.eye(r).ravel(), tol=1e-12, -> vals = scipy.sparse.linalg.eigs(op, k=1, which=\"LM\", v0=None, tol=1e-12,":
        "an ARPACK setting (start vector, defaults k = 1 and which = 'LM', dtype inferred from matvec, tolerance): the same largest eigenvalue to the solver's tolerance (solver internals, not math)",
    "zosoftmax.prediction.x__threshold_rademacher | vals = scipy.sparse.linalg.eigs(op, k=1, which=\"LM\", v0=np.eye(r).ravel(), tol=1e-12, -> vals = scipy.sparse.linalg.eigs(op, which=\"LM\", v0=np.eye(r).ravel(), tol=1e-12,":
        "an ARPACK setting (start vector, defaults k = 1 and which = 'LM', dtype inferred from matvec, tolerance): the same largest eigenvalue to the solver's tolerance (solver internals, not math)",
    "zosoftmax.prediction.x__threshold_rademacher | vals = scipy.sparse.linalg.eigs(op, k=1, which=\"LM\", v0=np.eye(r).ravel(), tol=1e-12, -> vals = scipy.sparse.linalg.eigs(op, k=1, v0=np.eye(r).ravel(), tol=1e-12,":
        "an ARPACK setting (start vector, defaults k = 1 and which = 'LM', dtype inferred from matvec, tolerance): the same largest eigenvalue to the solver's tolerance (solver internals, not math)",
    "zosoftmax.prediction.x__threshold_rademacher | vals = scipy.sparse.linalg.eigs(op, k=1, which=\"LM\", v0=np.eye(r).ravel(), tol=1e-12, -> vals = scipy.sparse.linalg.eigs(op, k=1, which=\"LM\", tol=1e-12,":
        "an ARPACK setting (start vector, defaults k = 1 and which = 'LM', dtype inferred from matvec, tolerance): the same largest eigenvalue to the solver's tolerance (solver internals, not math)",
    "zosoftmax.prediction.x__threshold_rademacher | vals = scipy.sparse.linalg.eigs(op, k=1, which=\"LM\", v0=np.eye(r).ravel(), tol=1e-12, / return_eigenvectors=False) -> vals = scipy.sparse.linalg.eigs(op, k=1, which=\"LM\", v0=np.eye(r).ravel(), return_eigenvectors=False)":
        "an ARPACK setting (start vector, defaults k = 1 and which = 'LM', dtype inferred from matvec, tolerance): the same largest eigenvalue to the solver's tolerance (solver internals, not math)",
    "zosoftmax.prediction.x__threshold_rademacher | vals = scipy.sparse.linalg.eigs(op, k=1, which=\"LM\", v0=np.eye(r).ravel(), tol=1e-12, -> vals = scipy.sparse.linalg.eigs(op, k=2, which=\"LM\", v0=np.eye(r).ravel(), tol=1e-12,":
        "an ARPACK setting (start vector, defaults k = 1 and which = 'LM', dtype inferred from matvec, tolerance): the same largest eigenvalue to the solver's tolerance (solver internals, not math)",
    "zosoftmax.prediction.x__threshold_rademacher | vals = scipy.sparse.linalg.eigs(op, k=1, which=\"LM\", v0=np.eye(r).ravel(), tol=1e-12, -> vals = scipy.sparse.linalg.eigs(op, k=1, which=\"LM\", v0=np.eye(r).ravel(), tol=1.000000000001,":
        "an ARPACK setting (start vector, defaults k = 1 and which = 'LM', dtype inferred from matvec, tolerance): the same largest eigenvalue to the solver's tolerance (solver internals, not math)",
    "zosoftmax.estimators.x__check_resolution | az = float(np.max(np.abs(AZ), initial=0.0)) -> az = float(np.max(np.abs(AZ), initial=None))":
        "AZ and y0 are never empty (k >= 1 directions, n >= 2 logits): max's initial is never used",
    "zosoftmax.estimators.x__check_resolution | az = float(np.max(np.abs(AZ), initial=0.0)) -> az = float(np.max(np.abs(AZ), ))":
        "AZ and y0 are never empty (k >= 1 directions, n >= 2 logits): max's initial is never used",
    "zosoftmax.estimators.x__check_resolution | scale = max(1.0, float(np.max(np.abs(y0), initial=0.0))) -> scale = max(1.0, float(np.max(np.abs(y0), initial=None)))":
        "AZ and y0 are never empty (k >= 1 directions, n >= 2 logits): max's initial is never used",
    "zosoftmax.estimators.x__check_resolution | scale = max(1.0, float(np.max(np.abs(y0), initial=0.0))) -> scale = max(1.0, float(np.max(np.abs(y0), )))":
        "AZ and y0 are never empty (k >= 1 directions, n >= 2 logits): max's initial is never used",
    "zosoftmax.estimators.x__check_resolution | scale = max(1.0, float(np.max(np.abs(y0), initial=0.0))) -> scale = max(1.0, float(np.max(np.abs(y0), initial=1.0)))":
        "max(1.0, .) floors the scale at 1 already: an initial of 1 changes nothing",
    "zosoftmax.estimators.x__check_resolution | move, smallest = eps * az, math.sqrt(u) * scale / az -> move, smallest = eps * az, math.sqrt(u) / scale / az":
        "the smallest safe eps, quoted in the guard's messages: text only",
    "zosoftmax.estimators.x__check_resolution | u = float(np.finfo(np.result_type(y0, AZ)).eps) / 2 -> u = float(np.finfo(np.result_type(y0, AZ)).eps) * 2":
        "a constant of the precision guard (the unit roundoff's factor, 8 roundings, the scale's floor): only an eps within a small factor of the guard's thresholds could tell (a guard's boundary, not math)",
    "zosoftmax.estimators.x__check_resolution | u = float(np.finfo(np.result_type(y0, AZ)).eps) / 2 -> u = float(np.finfo(np.result_type(None, AZ)).eps) / 2":
        "a constant of the precision guard (the unit roundoff's factor, 8 roundings, the scale's floor): only an eps within a small factor of the guard's thresholds could tell (a guard's boundary, not math)",
    "zosoftmax.estimators.x__check_resolution | u = float(np.finfo(np.result_type(y0, AZ)).eps) / 2 -> u = float(np.finfo(np.result_type(y0, None)).eps) / 2":
        "a constant of the precision guard (the unit roundoff's factor, 8 roundings, the scale's floor): only an eps within a small factor of the guard's thresholds could tell (a guard's boundary, not math)",
    "zosoftmax.estimators.x__check_resolution | u = float(np.finfo(np.result_type(y0, AZ)).eps) / 2 -> u = float(np.finfo(np.result_type(AZ)).eps) / 2":
        "a constant of the precision guard (the unit roundoff's factor, 8 roundings, the scale's floor): only an eps within a small factor of the guard's thresholds could tell (a guard's boundary, not math)",
    "zosoftmax.estimators.x__check_resolution | u = float(np.finfo(np.result_type(y0, AZ)).eps) / 2 -> u = float(np.finfo(np.result_type(y0, )).eps) / 2":
        "a constant of the precision guard (the unit roundoff's factor, 8 roundings, the scale's floor): only an eps within a small factor of the guard's thresholds could tell (a guard's boundary, not math)",
    "zosoftmax.estimators.x__check_resolution | scale = max(1.0, float(np.max(np.abs(y0), initial=0.0))) -> scale = max(2.0, float(np.max(np.abs(y0), initial=0.0)))":
        "a constant of the precision guard (the unit roundoff's factor, 8 roundings, the scale's floor): only an eps within a small factor of the guard's thresholds could tell (a guard's boundary, not math)",
    "zosoftmax.estimators.x__check_resolution | if move <= 8 * u * scale: -> if move <= 9 * u * scale:":
        "a constant of the precision guard (the unit roundoff's factor, 8 roundings, the scale's floor): only an eps within a small factor of the guard's thresholds could tell (a guard's boundary, not math)",
    "zosoftmax.estimators.x__check_resolution | if move <= 8 * u * scale: -> if move < 8 * u * scale:":
        "a move exactly at the guard's threshold: a tie of probability zero",
    "zosoftmax.estimators.x__check_resolution | if move < math.sqrt(u) * scale: -> if move <= math.sqrt(u) * scale:":
        "a move exactly at the guard's threshold: a tie of probability zero",
    "zosoftmax.optimize.x_newton | x = np.zeros(p.d) if x0 is None else _checks.as_array(x0, \"x0\", ndim=1, shape=(p.d,), dtype=np.float64).copy() -> x = np.zeros(p.d) if x0 is None else _checks.as_array(x0, \"x0\", ndim=1, shape=(p.d,), dtype=None).copy()":
        "x is updated by float64 Newton steps (x - step promotes it; a head's projection too): a float32 or integer x0, exact in float64, gives the same iterates",
    "zosoftmax.optimize.x_newton | x = np.zeros(p.d) if x0 is None else _checks.as_array(x0, \"x0\", ndim=1, shape=(p.d,), dtype=np.float64).copy() -> x = np.zeros(p.d) if x0 is None else _checks.as_array(x0, \"x0\", ndim=1, shape=(p.d,), ).copy()":
        "x is updated by float64 Newton steps (x - step promotes it; a head's projection too): a float32 or integer x0, exact in float64, gives the same iterates",
    "zosoftmax.optimize.x_newton | sol = newton(red.problem, z0, tol=tol, max_iter=max_iter) -> sol = newton(red.problem, None, tol=tol, max_iter=max_iter)":
        "the reduced solve starts from 0 instead of x0's projection: the regularized reduced problem is strictly convex, Newton reaches the same minimizer to its tolerance",
    "zosoftmax.optimize.x_newton | sol = newton(red.problem, z0, tol=tol, max_iter=max_iter) -> sol = newton(red.problem, tol=tol, max_iter=max_iter)":
        "the reduced solve starts from 0 instead of x0's projection: the regularized reduced problem is strictly convex, Newton reaches the same minimizer to its tolerance",
    "zosoftmax.optimize.x_newton | lam, improved = 0.0, False -> lam, improved = 0.0, True":
        "with improved preset, a stalled search repeats the same failed damping until max_iter instead of stopping: x and the losses are the same (slower only)",
    "zosoftmax.optimize.x_newton | break -> return":
        "the stall exit is never reached: at rounding level the tie rule accepts an equal loss with a tiny step, so the loop ends at tol or max_iter (measured: tol = 1e-300 runs all 100 iterations)",
    "zosoftmax.prediction.x__rademacher_curve | scale += _rescale(np.diagonal(S), S, high=high, low=low) -> scale = _rescale(np.diagonal(S), S, high=high, low=low)":
        "the first rescaling, before the loop, starts from scale = 0: = and += are the same",
    "zosoftmax.prediction.x__rademacher_curve | scale += _rescale(np.diagonal(S), S, high=high, low=low) -> scale += _rescale(S, high=high, low=low)":
        "S is PSD, so its largest entry is on its diagonal, and as the probe S itself is the state rescaled in place: the same scale and state",
    "zosoftmax.prediction.x__rademacher_curve | for t in range(steps + 1): -> for t in range(steps + 2):":
        "the loop breaks at t == steps: the extra value of the range is never reached",
    "zosoftmax.problem.xǁSoftmaxRegressionǁloss_from_logits | out = self._loss_from_softmax(softmax(Y), Y) -> out = self._loss_from_softmax(softmax(Y), None)":
        "the branch without a regularizer (w is None): _loss_from_softmax reads Y only for the regularizer, so Y and None give the same loss",
    "zosoftmax.problem.xǁSoftmaxRegressionǁ_loss_from_softmax | if np.result_type(c, self.b) == c.dtype: -> if np.result_type(None, self.b) == c.dtype:":
        "result_type(None, b) is float64 for a real b: the in-place branch is taken only for float64 (or complex128) c, where result_type(c, b) is c's dtype too; otherwise both compute f - b promoted, the same values (only a temporary differs)",
    "zosoftmax.problem.xǁSoftmaxRegressionǁ_loss_from_softmax | if np.result_type(c, self.b) == c.dtype: -> if np.result_type(c, None) == c.dtype:":
        "result_type(c, None) is c's dtype only for float64 or complex128 c, where result_type(c, b) is c's dtype too (b is real); otherwise both compute f - b promoted, the same values (only a temporary differs)",
    "zosoftmax.prediction.xǁQuadraticǁ__post_init__ | if H.shape[0] != H.shape[1] or H.shape[0] < 1: -> if H.shape[0] != H.shape[1] or H.shape[1] < 1:":
        "the test reads shape[1] only when shape[0] == shape[1] (or short-circuits): the same condition",
    "zosoftmax.prediction.xǁQuadraticǁ__post_init__ | scale = float(np.max(np.abs(H))) if H.size else 0.0 -> scale = float(np.max(np.abs(H))) if (H.size) or True else 0.0":
        "H is never empty here: an empty (0, 0) H is refused just above, so H.size is true and the else branch unreachable",
    "zosoftmax.prediction.xǁQuadraticǁ__post_init__ | scale = float(np.max(np.abs(H))) if H.size else 0.0 -> scale = float(np.max(np.abs(H))) if H.size else 1.0":
        "H is never empty here: an empty (0, 0) H is refused just above, so H.size is true and the else branch unreachable",
    "zosoftmax.prediction.xǁQuadraticǁ__post_init__ | x_star = _checks.as_array(self.x_star, \"x_star\", ndim=1, shape=(H.shape[0],), dtype=np.float64) -> x_star = _checks.as_array(self.x_star, \"x_star\", ndim=1, shape=(H.shape[1],), dtype=np.float64)":
        "H is square here (checked above): shape[1] is shape[0]",
    "zosoftmax.prediction.xǁQuadraticǁ__post_init__ | tol = H.shape[0] * np.finfo(np.float64).eps * max(float(np.max(np.abs(lam))), 1e-300) -> tol = H.shape[1] * np.finfo(np.float64).eps * max(float(np.max(np.abs(lam))), 1e-300)":
        "H is square here (checked above): shape[1] is shape[0]",
    "zosoftmax.prediction.xǁQuadraticǁ__post_init__ | arr = np.array(arr, copy=True) -> arr = np.array(arr, )":
        "np.array copies by default (copy=True): the same call",
    "zosoftmax.prediction.x__diagonal_curve | s, scale = s.astype(np.float64, copy=True), 0.0 -> s, scale = s.astype(None, copy=True), 0.0":
        "astype(None) is float64: the same dtype",
    "zosoftmax.prediction.x__diagonal_curve | s, scale = s.astype(np.float64, copy=True), 0.0 -> s, scale = s.astype(np.float64, copy=None), 0.0":
        "the caller passes a fresh temporary (e * e, float64): updating it in place instead of a copy is not observable",
    "zosoftmax.prediction.x__diagonal_curve | s, scale = s.astype(np.float64, copy=True), 0.0 -> s, scale = s.astype(np.float64, ), 0.0":
        "astype copies by default (copy=True): the same call",
    "zosoftmax.prediction.x__diagonal_curve | s, scale = s.astype(np.float64, copy=True), 0.0 -> s, scale = s.astype(np.float64, copy=False), 0.0":
        "the caller passes a fresh temporary (e * e, float64): updating it in place instead of a copy is not observable",
    "zosoftmax.prediction.x__diagonal_curve | scale += _rescale(s, high=high, low=low) -> scale = _rescale(s, high=high, low=low)":
        "scale is 0.0 just before this first rescaling: scale = x is scale += x",
    "zosoftmax.prediction.x__diagonal_curve | for t in range(steps + 1): -> for t in range(steps + 2):":
        "the loop breaks at t == steps: the extra value of the range is never reached",
    "zosoftmax.prediction.x__lyapunov | burn = steps // 10  # forget the start: the direction of f settles on the random product's Oseledets direction -> burn = steps // 11  # forget the start: the direction of f settles on the random product's Oseledets direction":
        "the burn-in only lets f's direction settle on the Oseledets direction, which it does geometrically fast: steps // 10 or steps // 11 burn-in steps give the same law of the estimate up to an exponentially small transient (only which seeded draws are averaged differs)",
    "zosoftmax.prediction.x__lyapunov | proj = np.einsum(\"skr,sr->sk\", U, f * lam)  # z_jᵀ H e in eigen-coordinates -> proj = np.einsum(\"SKR,SR->SK\", U, f * lam)  # z_jᵀ H e in eigen-coordinates":
        "einsum subscripts are names: upper-case letters spell the same contraction as lower-case ones",
    "zosoftmax.prediction.x__lyapunov | f = f - (lr / k) * np.einsum(\"sk,skr->sr\", proj, U)  # f ← (I − η Π P H) f   (the range is invariant) -> f = f - (lr / k) * np.einsum(\"SK,SKR->SR\", proj, U)  # f ← (I − η Π P H) f   (the range is invariant)":
        "einsum subscripts are names: upper-case letters spell the same contraction as lower-case ones",
    "zosoftmax.prediction.x__lyapunov | with np.errstate(divide=\"ignore\"): -> with np.errstate(divide=None):":
        "log(0) needs a step that maps f exactly to 0 (probability 0 for Gaussian and sphere directions); there the mean is -inf and the standard error's inf - inf is an invalid operation either way (divide ignored or not)",
    "zosoftmax.prediction.x__seed | return int(_checks.generator(rng).integers(0, 2**63 - 1)) -> return int(_checks.generator(rng).integers(2**63 - 1))":
        "Generator.integers(high) draws from [0, high): the same call",
    "zosoftmax.prediction.x__seed | return int(_checks.generator(rng).integers(0, 2**63 - 1)) -> return int(_checks.generator(rng).integers(1, 2**63 - 1))":
        "the chains' seed drawn from [1, 2^63 - 1) instead of [0, 2^63 - 1): the same law of chains up to probability 2^-63 (only which seed a given rng maps to differs, and a run replays with the same code)",
    "zosoftmax.prediction.x__seed | return int(_checks.generator(rng).integers(0, 2**63 - 1)) -> return int(_checks.generator(rng).integers(0, 2**63 - 2))":
        "the chains' seed drawn from 2^63 - 2 values instead of 2^63 - 1: the same law of chains up to probability 2^-62 (only which seed a given rng maps to differs, and a run replays with the same code)",
    "zosoftmax.prediction.x_almost_sure_lr | if gam(hi)[0] - z * gam(hi)[1] > 0: -> if gam(hi)[0] - z * gam(hi)[1] >= 0:":
        "the band exactly 0 at a doubled step: a tie of probability zero",
    "zosoftmax.prediction.x_almost_sure_lr | while fn(a) > 0 and a > 1e-3 * lo:  # the pointwise band may already be positive at the lower bracket -> while fn(a) >= 0 and a > 1e-3 * lo:  # the pointwise band may already be positive at the lower bracket":
        "the band exactly 0 at the lower bracket: a tie of probability zero",
    "zosoftmax.prediction.x_almost_sure_lr | while fn(a) > 0 and a > 1e-3 * lo:  # the pointwise band may already be positive at the lower bracket -> while fn(a) > 0 and a >= 1e-3 * lo:  # the pointwise band may already be positive at the lower bracket":
        "a = lo 2^-j never equals 1e-3 lo exactly (1e-3 is 2.4% away from the nearest power of two, 2^-10): the comparison never ties",
    "zosoftmax.prediction.x_almost_sure_lr | out.append(float(scipy.optimize.brentq(fn, a, b, xtol=1e-4 * lo, rtol=1e-6)) if fn(a) < 0 < fn(b) else a) -> out.append(float(scipy.optimize.brentq(fn, a, b, rtol=1e-6)) if fn(a) < 0 < fn(b) else a)":
        "brentq's default xtol (2e-12) only refines the root beyond the 1e-4 lo asked for: the returned step moves by less than that, far inside the estimate's own z SE interval (a precision-cost trade-off, not math)",
    "zosoftmax.prediction.x_almost_sure_lr | out.append(float(scipy.optimize.brentq(fn, a, b, xtol=1e-4 * lo, rtol=1e-6)) if fn(a) < 0 < fn(b) else a) -> out.append(float(scipy.optimize.brentq(fn, a, b, xtol=1e-4 * lo, )) if fn(a) < 0 < fn(b) else a)":
        "brentq's default rtol (4 eps) only refines the root beyond the 1e-6 relative asked for: the returned step moves by less than that, far inside the estimate's own z SE interval (a precision-cost trade-off, not math)",
    "zosoftmax.prediction.x_almost_sure_lr | out.append(float(scipy.optimize.brentq(fn, a, b, xtol=1e-4 * lo, rtol=1e-6)) if fn(a) < 0 < fn(b) else a) -> out.append(float(scipy.optimize.brentq(fn, a, b, xtol=1e-4 * lo, rtol=1e-6)) if fn(a) <= 0 < fn(b) else a)":
        "fn(a) exactly 0: brentq then returns a, which is the else branch's value too",
    "zosoftmax.prediction.x_almost_sure_lr | out.append(float(scipy.optimize.brentq(fn, a, b, xtol=1e-4 * lo, rtol=1e-6)) if fn(a) < 0 < fn(b) else a) -> out.append(float(scipy.optimize.brentq(fn, a, b, xtol=1e-4 * lo, rtol=1e-6)) if fn(a) < 0 <= fn(b) else a)":
        "the band exactly 0 at the upper bracket: a tie of probability zero",
    "zosoftmax.prediction.x_almost_sure_lr | for _ in range(60): -> for _ in range(61):":
        "the doubling ends within a few steps whenever the SE is finite (runs >= 2): gamma-hat - z SE grows like log eta while the SE stays bounded, so the 60th doubling (eta* 2^60) is never reached; with runs = 1 (SE = inf) the interval is undefined either way",
    "zosoftmax.prediction.x__high_water | return min(_RESCALE_HIGH, 2.0**1000 / max(growth, 1.0)) -> return min(_RESCALE_HIGH, 2.0 * 1000 / max(growth, 1.0))":
        "a far lower ceiling (2000/growth instead of 2^1000/growth) only rescales the state more often, by exact powers of two: the same curve (barring state entries 1e300 times below its largest, which the gap cannot see)",
    "zosoftmax.prediction.x__high_water | return min(_RESCALE_HIGH, 2.0**1000 / max(growth, 1.0)) -> return min(_RESCALE_HIGH, 2.0**1001 / max(growth, 1.0))":
        "a ceiling of 2^1001/growth still keeps the next step's state below 2^1001 ~ 2e301 < 1.8e308: no overflow, and the rescaling is by exact powers of two: the same curve",
    "zosoftmax.prediction.x__high_water | return min(_RESCALE_HIGH, 2.0**1000 / max(growth, 1.0)) -> return min(_RESCALE_HIGH, 2.0**1000 / max(growth, 2.0))":
        "for growth < 2 both 2^1000/max(growth, 1) and 2^1000/2 are at least 2^999 > 1e150, so min gives the 1e150 cap either way; for growth >= 2 the two are the same",
    "zosoftmax.prediction.x__rescale | top = float(np.max(np.abs(probe))) if probe.size else 0.0 -> top = float(np.max(np.abs(probe))) if (probe.size) or True else 0.0":
        "probe is never empty: a flat model (no positive eigenvalue) returns zeros before any curve is computed (expected_gap_curve, plan)",
    "zosoftmax.prediction.x__rescale | top = float(np.max(np.abs(probe))) if probe.size else 0.0 -> top = float(np.max(np.abs(probe))) if probe.size else 1.0":
        "probe is never empty: a flat model (no positive eigenvalue) returns zeros before any curve is computed (expected_gap_curve, plan)",
    "zosoftmax.prediction.x__rescale | if top == 0.0 or low <= top <= high: -> if top == 1.0 or low <= top <= high:":
        "top = 0 then rescales by 2^0 = 1 and returns log 0 = 0, as the short cut did; top = 1 always lies in [low, high] (high >= 1: lr lambda <= 1e100 keeps the growth far below 2^1000)",
    "zosoftmax.prediction.x__rescale | if top == 0.0 or low <= top <= high: -> if top == 0.0 or low < top <= high:":
        "the state's largest entry exactly at the low threshold: a tie of probability zero (and rescaling by powers of two gives the same curve)",
    "zosoftmax.prediction.x__rescale | if top == 0.0 or low <= top <= high: -> if top == 0.0 or low <= top < high:":
        "the state's largest entry exactly at the ceiling: a tie of probability zero (and rescaling by powers of two gives the same curve)",
    "zosoftmax.prediction.x_expected_gap_curve | x0 = _checks.as_array(x0, \"x0\", ndim=1, shape=(d,), dtype=np.float64) -> x0 = _checks.as_array(x0, \"x0\", ndim=1, shape=(d,), dtype=None)":
        "x0 only meets float64 arrays (x0 - x_star, newton's start and the closure's m are converted to float64): a float32 x0 is promoted exactly and an integer one is converted by as_array anyway",
    "zosoftmax.prediction.x_expected_gap_curve | x0 = _checks.as_array(x0, \"x0\", ndim=1, shape=(d,), dtype=np.float64) -> x0 = _checks.as_array(x0, \"x0\", ndim=1, shape=(d,), )":
        "x0 only meets float64 arrays (x0 - x_star, newton's start and the closure's m are converted to float64): a float32 x0 is promoted exactly and an integer one is converted by as_array anyway",
    "zosoftmax.prediction.x_expected_gap_curve | threshold = _threshold(lam, V, d, k, distribution if invariant else \"gaussian\") -> threshold = _threshold(lam, None, d, k, distribution if invariant else \"gaussian\")":
        "V is read only by the Rademacher threshold, and this call asks for the Gaussian or sphere one (distribution if invariant else 'gaussian')",
    "zosoftmax.prediction.x_expected_gap_curve | threshold = _threshold(lam, V, d, k, distribution if invariant else \"gaussian\") -> threshold = _threshold(lam, V, d, k, distribution if (invariant) or True else \"gaussian\")":
        "the Rademacher threshold is at least the Gaussian one (its map is dominated on the PSD cone, the comment above): computing it directly gives the same warning decision, only at its cost for every step size",
    "zosoftmax.prediction.x_expected_gap_curve | if not invariant and lr >= threshold: -> if not invariant or lr >= threshold:":
        "recomputing the threshold of the same law gives the same value; for Rademacher the decision is the same as with the Gaussian pre-check (its threshold is at least the Gaussian one)",
    "zosoftmax.prediction.x_expected_gap_curve | threshold = _threshold(lam, V, d, k, distribution) -> threshold = _threshold(lam, V, None, k, distribution)":
        "this call is reached only for Rademacher directions, whose threshold does not read d",
    "zosoftmax.prediction.x_expected_gap_curve | \"predicted mean gap grows\"), stacklevel=2) -> \"XXpredicted mean gap growsXX\"), stacklevel=2)":
        "the warning's wording: text only (the warning class and its numbers are kept)",
    "zosoftmax.prediction.x__invariant_constant | return direction_moment(d, distribution, 4) / (d * (d + 2.0)) -> return direction_moment(d, distribution, ) / (d * (d + 2.0))":
        "direction_moment's power defaults to 4: the same call",
    "zosoftmax.prediction.x__local_model | if lam[0] < -math.sqrt(np.finfo(np.float64).eps) * top: -> if lam[0] <= -math.sqrt(np.finfo(np.float64).eps) * top:":
        "the smallest eigenvalue exactly at -sqrt(u) lambda_max: a tie of probability zero",
    "zosoftmax.prediction.x__local_model | keep = lam > tol -> keep = lam >= tol":
        "an eigenvalue exactly at the tolerance max(mn, d) u lambda_max: a tie of probability zero",
    "zosoftmax.prediction.x__threshold_invariant | lo_nu, hi_nu = 0.5 * a * float(lam[-1]), 0.5 * (a * float(lam[-1]) + c / k * float(np.sum(lam))) -> lo_nu, hi_nu = 0.5 * a * float(lam[-1]), 1.5 * (a * float(lam[-1]) + c / k * float(np.sum(lam)))":
        "the upper bracket only moves further out, where the secular function (decreasing to -1) is still negative: brentq finds the same root to its rtol of 4 ulps",
    "zosoftmax.prediction.x__threshold_invariant | lo_nu, hi_nu = 0.5 * a * float(lam[-1]), 0.5 * (a * float(lam[-1]) + c / k * float(np.sum(lam))) -> lo_nu, hi_nu = 0.5 * a * float(lam[-1]), 0.5 * (a * float(lam[-1]) + c * k * float(np.sum(lam)))":
        "c k >= c / k for k >= 1: the upper bracket only moves further out (the secular function is still negative there), and brentq finds the same root to its rtol of 4 ulps",
    "zosoftmax.prediction.x__threshold_invariant | lo = lo_nu * (1.0 + 4 * np.finfo(np.float64).eps) -> lo = lo_nu * (1.0 + 5 * np.finfo(np.float64).eps)":
        "the lower bracket 5 instead of 4 roundings above the pole: the same root to rounding (a root within those roundings of the pole is returned as the bracket either way)",
    "zosoftmax.prediction.x__threshold_invariant | if secular(hi_nu) >= 0.0:  # the upper bracket is the root (all λ_i equal), up to rounding -> if secular(hi_nu) > 0.0:  # the upper bracket is the root (all λ_i equal), up to rounding":
        "the secular function exactly 0 at the upper bracket: brentq then returns that bracket, the first branch's value",
    "zosoftmax.prediction.x__threshold_invariant | elif secular(lo) <= 0.0:  # the root is within rounding of aλ_max/2 -> elif secular(lo) < 0.0:  # the root is within rounding of aλ_max/2":
        "the secular function exactly 0 at the lower bracket: brentq then returns that bracket, the second branch's value",
    "zosoftmax.prediction.x__threshold_invariant | elif secular(lo) <= 0.0:  # the root is within rounding of aλ_max/2 -> elif secular(lo) <= 1.0:  # the root is within rounding of aλ_max/2":
        "secular(lo) in (0, 1] needs k >~ 1e15 (the pole's term (c/k)/(4 a u) below 2), where the root lies within ~8 ulps of lo: the same threshold to rounding",
    "zosoftmax.prediction.x__threshold_invariant | nu = scipy.optimize.brentq(secular, lo, hi_nu, xtol=1e-300, rtol=4 * np.finfo(np.float64).eps) -> nu = scipy.optimize.brentq(secular, lo, hi_nu, xtol=1e-300, )":
        "scipy's default rtol for brentq is 4 * finfo(float).eps: the same call",
    "zosoftmax.prediction.x__threshold_invariant | nu = scipy.optimize.brentq(secular, lo, hi_nu, xtol=1e-300, rtol=4 * np.finfo(np.float64).eps) -> nu = scipy.optimize.brentq(secular, lo, hi_nu, xtol=1e-300, rtol=5 * np.finfo(np.float64).eps)":
        "brentq's rtol of 5 instead of 4 ulps: the same root to an ulp",
    "zosoftmax.prediction.x_expected_gap_curve | \"predicted mean gap grows\"), stacklevel=2) -> \"predicted mean gap grows\"), )":
        "the warning's stacklevel only chooses which caller's line the message names: display only",
    "zosoftmax.prediction.x_expected_gap_curve | \"predicted mean gap grows\"), stacklevel=2) -> \"PREDICTED MEAN GAP GROWS\"), stacklevel=2)":
        "the warning's wording: text only (the warning class and its numbers are kept)",
    "zosoftmax.prediction.x_expected_gap_curve | \"predicted mean gap grows\"), stacklevel=2) -> \"predicted mean gap grows\"), stacklevel=3)":
        "the warning's stacklevel only chooses which caller's line the message names: display only",
}
