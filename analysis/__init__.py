"""Figure scripts: one per figure, each ``compute()`` / ``plot()`` / ``main()``; ``python -m analysis`` runs all."""

FIGURE_MODULES = (
    "fig_estimator_bias",
    "fig_second_moment",
    "fig_descent",
    "fig_convergence",
    "fig_dimension_free",
    "fig_constants",
    "fig_effective_rank",
    "fig_prediction",
    "fig_attention",
    "fig_budget",
)
