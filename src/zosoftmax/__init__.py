r"""zosoftmax: zeroth-order optimization of softmax regression, verified.

The objective, its derivatives and the constants of the convergence theory of zeroth-order (ZO)
methods for softmax regression, claim by claim (``CLAIMS.md``, C1-C12).
"""

from .bias import bias_leading_term
from .bounds import (
    beta_constants,
    bias_bound,
    deviation_bound,
    effective_rank,
    hessian_lower_bound,
    hessian_upper_bound,
    iteration_bound,
    pl_constant,
    rate_bound,
    residual_gradient_bound,
    smoothness_bound,
    step_size,
    strong_convexity_bound,
    target_range,
    third_derivative_bound,
)
from .datasets import load_instance
from .estimators import (
    DISTRIBUTIONS,
    SCHEMES,
    PrecisionWarning,
    direction_fourth_moment,
    direction_moment,
    direction_sixth_moment,
    evaluations,
    expected_pmp,
    gamma,
    projected_gradients,
    sample_directions,
    second_moment_factor,
    second_moment_matrix,
    spsa_gradient,
)
from .instances import random_instance, regularized, strongly_convex_instance
from .optimize import DivergenceError, Trajectory, gd, linear_rate, newton, replay, step_directions, zo_gd, zo_gd_batch
from .prediction import (
    Plan,
    Quadratic,
    UnstableStepWarning,
    almost_sure_lr,
    expected_gap_curve,
    lyapunov_exponent,
    max_stable_lr,
    plan,
)
from .problem import SoftmaxRegression, softmax

__version__ = "0.1.0"

__all__ = [
    "DISTRIBUTIONS",
    "SCHEMES",
    "DivergenceError",
    "Plan",
    "PrecisionWarning",
    "Quadratic",
    "SoftmaxRegression",
    "Trajectory",
    "UnstableStepWarning",
    "almost_sure_lr",
    "beta_constants",
    "bias_bound",
    "bias_leading_term",
    "deviation_bound",
    "direction_fourth_moment",
    "direction_moment",
    "direction_sixth_moment",
    "effective_rank",
    "evaluations",
    "expected_gap_curve",
    "expected_pmp",
    "gamma",
    "gd",
    "hessian_lower_bound",
    "hessian_upper_bound",
    "iteration_bound",
    "linear_rate",
    "load_instance",
    "lyapunov_exponent",
    "max_stable_lr",
    "newton",
    "pl_constant",
    "plan",
    "projected_gradients",
    "random_instance",
    "rate_bound",
    "regularized",
    "replay",
    "residual_gradient_bound",
    "sample_directions",
    "second_moment_factor",
    "second_moment_matrix",
    "smoothness_bound",
    "softmax",
    "spsa_gradient",
    "step_directions",
    "step_size",
    "strong_convexity_bound",
    "strongly_convex_instance",
    "target_range",
    "third_derivative_bound",
    "zo_gd",
    "zo_gd_batch",
]
