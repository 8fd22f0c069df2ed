r"""The number vocabulary of ``paper/generated/numbers.tex``.

One named macro per number, the claims table, the
corrections, the figures' verdicts and C13's generated text, all from ``paper/generated/*.json``.

``paper/main.tex`` never types a measured or derived number; it reads them through :data:`VOCABULARY`. Nothing
here depends on the machine, the commit or the time (that is :mod:`analysis._runrecord`), so ``numbers.tex`` is
the same bytes wherever the same JSON is rendered.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import FIGURE_MODULES
from ._tex import (
    EVIDENCE_WORDS,
    MISSING,
    VERDICT_COLORS,
    VERDICT_WORDS,
    fmt_number,
    fmt_pct,
    notice,
    tex_escape,
    word,
)

__all__ = ["EXTRA_FIGURES", "VOCABULARY", "Number", "handled_corrections", "included_figures", "load_sources",
           "lookup", "read_json", "render"]

# Figures the report includes that python -m analysis does not make (make bench makes fig_cost).
EXTRA_FIGURES = ("fig_cost",)


@dataclass(frozen=True)
class Number:
    r"""One named number of the report: ``\{macro}`` = the value at ``path`` of ``source``.

    ``source`` is a figure name (``fig_constants`` -> ``fig_constants.json``) or ``claims:Cn`` (that claim's
    object in ``claims.json``); ``path`` a dotted path into it (a tuple: alternatives, the first present wins, so
    a renamed key keeps working during the rename), or a function of the loaded JSON.
    """

    macro: str
    source: str
    path: str | tuple[str, ...] | Callable[[Any], Any]
    spec: str
    unit: str = ""
    doc: str = ""


def _kn(*paths: str) -> tuple[str, ...]:
    """Alternative paths under ``key_numbers`` (the current name first, then the one it replaced)."""
    return tuple(f"key_numbers.{p}" for p in paths)


def _diff(a: float, b: str | tuple[str, ...]) -> Callable[[Any], Any]:
    return lambda d: a - lookup(d, b)


def _max_key(path: str) -> Callable[[Any], Any]:
    return lambda d: max(int(k) for k in lookup(d, path))


def _len(path: str) -> Callable[[Any], Any]:
    return lambda d: len(lookup(d, path))


def _max_of(*paths: str) -> Callable[[Any], Any]:
    return lambda d: max(lookup(d, p) for p in paths)


def _min_of(*paths: str) -> Callable[[Any], Any]:
    return lambda d: min(lookup(d, p) for p in paths)


C4, C5, C6, C7 = "claims:C4", "claims:C5", "claims:C6", "claims:C7"
VOCABULARY: tuple[Number, ...] = (
    # C4-C6: the tight constants (exact for n = 2, numeric search beyond) and the general ones.
    Number("BetaPlusSimplex", C4, "key_numbers.beta_plus_simplex.exact_n2_value", "dec4up",
           doc="tight beta+ (simplex), rounded up: an upper bound"),
    Number("BetaPlusSimplexExact", C4, "key_numbers.beta_plus_simplex.exact_n2_tex", "tex"),
    Number("BetaMinusSimplex", C4, "key_numbers.beta_minus_simplex.exact_n2_value", "dec4up"),
    Number("BetaMinusSimplexExact", C4, "key_numbers.beta_minus_simplex.exact_n2_tex", "tex"),
    Number("BetaPlusBall", C4, "key_numbers.beta_plus_ball.exact_n2_value", "dec4up"),
    Number("BetaPlusBallExact", C4, "key_numbers.beta_plus_ball.exact_n2_tex", "tex"),
    Number("BetaMinusBall", C4, "key_numbers.beta_minus_ball.exact_n2_value", "dec4up"),
    Number("BetaMinusBallExact", C4, "key_numbers.beta_minus_ball.exact_n2_tex", "tex"),
    Number("BetaPlusGeneralSimplex", C4,
           _kn("beta_plus_simplex.bound_all_n", "beta_plus_simplex.proven_all_n"), "dec3up"),
    Number("BetaMinusGeneralSimplex", C4,
           _kn("beta_minus_simplex.bound_all_n", "beta_minus_simplex.proven_all_n"), "dec3up"),
    Number("BetaPlusGeneralBall", C4, _kn("beta_plus_ball.bound_all_n", "beta_plus_ball.proven_all_n"), "dec3up"),
    Number("BetaMinusGeneralBall", C4, _kn("beta_minus_ball.bound_all_n", "beta_minus_ball.proven_all_n"), "dec3up"),
    Number("BetaPlusGeneralFormula", C4,
           _kn("beta_plus_simplex.bound_all_n_formula_tex"), "tex"),
    Number("BetaMinusGeneralFormula", C4,
           _kn("beta_minus_simplex.bound_all_n_formula_tex"), "tex"),
    Number("EveryNBeta", C4, "key_numbers.beta_plus_simplex.bound_all_n_evidence", "everyn",
           doc="'for every n' where the general bound's evidence is symbolic-general or certified-interval"),
    Number("PaperOverBetaPlus", C4, "key_numbers.beta_plus_simplex.ratio_paper_over_attained", "sig3",
           doc="4 divided by the tight simplex beta+"),
    Number("PaperOverBetaGeneral", C4, lambda d: 4.0 / max(
        lookup(d, f"key_numbers.{q}.bound_all_n") for q in ("beta_plus_simplex", "beta_minus_simplex")), "sig2",
        doc="4 divided by the larger general (every n) simplex bound: how loose 4 is for every n"),
    Number("PaperOverBetaMinus", C4, "key_numbers.beta_minus_simplex.ratio_paper_over_attained", "sig3"),
    Number("CertWidthBeta", C4, lambda d: max(
        lookup(d, f"key_numbers.{q}.certified_n3_bracket")[1] - lookup(d, f"key_numbers.{q}.certified_n3_bracket")[0]
        for q in ("beta_plus_simplex", "beta_minus_simplex")), "sig1up",
        doc="width of the certified n = 3 brackets of the simplex beta+ and beta-"),
    Number("CertWidthSc", C6, lambda d: lookup(d, "key_numbers.simplex.certified_n3_bracket")[1]
           - lookup(d, "key_numbers.simplex.certified_n3_bracket")[0], "sig1up"),
    Number("SearchMaxN", C4, _max_key("key_numbers.beta_plus_simplex.numeric_sup_by_n"), "int",
           doc="largest n of the numeric search for the suprema"),
    Number("OverRegularization", C5, _diff(4.0, _kn("beta_minus_n2_simplex", "tight_beta_minus_simplex")), "dec2",
           doc="4 - beta- (simplex): how much the paper family's condition over-regularizes"),
    Number("SupScSimplex", C6, "key_numbers.simplex.exact_n2_value", "dec4up"),
    Number("SupScSimplexExact", C6, "key_numbers.simplex.exact_n2_tex", "tex"),
    Number("SupScBall", C6, "key_numbers.ball.exact_n2_value", "dec4up"),
    Number("SupScBallExact", C6, "key_numbers.ball.exact_n2_tex", "tex"),
    Number("SupScGeneralSimplex", C6, _kn("simplex.bound_all_n", "simplex.proven_all_n"), "dec3up"),
    Number("SupScGeneralBall", C6, _kn("ball.bound_all_n", "ball.proven_all_n"), "dec3up"),
    Number("EveryNSc", C6, "key_numbers.simplex.bound_all_n_evidence", "everyn"),
    Number("PaperOverSupSc", C6, "key_numbers.simplex.ratio_paper_over_attained", "sig2"),
    Number("MThreeGeneral", C7, _kn("m3_simplex.bound_all_n", "m3_simplex.proven"), "dec3up",
           doc="M3/||A||^3, general bound (simplex)"),
    Number("EveryNMThree", C7, "key_numbers.m3_simplex.bound_evidence", "everyn"),
    Number("MThreeSup", C7, lambda d: max(lookup(d, "key_numbers.m3_simplex.numeric_sup_by_n").values()), "dec4down"),
    Number("MThreeRatio", C7,
           _kn("m3_simplex.ratio_bound_over_attained", "m3_simplex.ratio_proven_over_attained"), "sig2"),
    # C8-C10: the exact factors, from the proofs' derivations.
    Number("FactorGaussian", "claims:C8", "key_numbers.gaussian_tex", "tex"),
    Number("FactorSphere", "claims:C8", "key_numbers.sphere_tex", "tex"),
    Number("FactorRademacher", "claims:C8", "key_numbers.rademacher_tex", "tex"),
    Number("GammaGaussian", "claims:C10", "key_numbers.gaussian_tex", "tex"),
    Number("GammaSphere", "claims:C10", "key_numbers.sphere_tex", "tex"),
    Number("GammaRademacherLow", "claims:C10", "key_numbers.rademacher_attained_tex", "tex"),
    Number("GammaRademacherHigh", "claims:C10", "key_numbers.rademacher_bound_tex", "tex"),
    # Experiment 1, estimator bias (C7).
    Number("BiasN", "fig_estimator_bias", "instance.n", "int"),
    Number("BiasD", "fig_estimator_bias", "instance.d", "int"),
    Number("BiasDirections", "fig_estimator_bias", lambda d: 2 ** lookup(d, "instance.d"), "int"),
    Number("BiasSlopeCentral", "fig_estimator_bias", "slopes.central_bias", "dec3"),
    Number("BiasSlopeForward", "fig_estimator_bias", "slopes.forward_bias", "dec3"),
    Number("DeviationSlopeForward", "fig_estimator_bias", "slopes.forward_deviation", "dec3"),
    Number("BiasOverBound", "fig_estimator_bias", _max_of("max_bias_to_bound_ratio.central",
                                                          "max_bias_to_bound_ratio.forward"), "sig1"),
    Number("ForwardCentralGap", "fig_estimator_bias", "forward_central_mean_max_relative_gap", "sig1"),
    # Experiment 2, second moment (C8, C9).
    Number("MomentN", "fig_second_moment", "n", "int"),
    Number("MomentD", "fig_second_moment", "d", "int"),
    Number("MomentKMax", "fig_second_moment", lambda d: max(lookup(d, "k")), "int"),
    Number("MomentMaxZ", "fig_second_moment", "max_abs_z_vs_exact", "dec1"),
    Number("MomentZThreshold", "fig_second_moment", "z_threshold", "dec2"),
    Number("MomentZMezo", "fig_second_moment", "gaussian_z_vs_mezo_k1", "dec1"),
    Number("MomentZMezoMin", "fig_second_moment", lambda d: min(lookup(d, "gaussian.z_vs_mezo")), "dec1"),
    Number("MomentRejected", "fig_second_moment", _len("mezo_rejected_at_k.gaussian"), "int"),
    Number("MomentKCount", "fig_second_moment", _len("k"), "int"),
    # Experiment 3, one-step descent (C10).
    Number("DescentN", "fig_descent", "n", "int"),
    Number("DescentD", "fig_descent", "d", "int"),
    Number("DescentK", "fig_descent", "k", "int"),
    Number("DescentZ", "fig_descent", "z_threshold", "dec2"),
    Number("DescentMinMargin", "fig_descent", "min_margin_in_se", "dec1"),
    Number("DescentCurvLo", "fig_descent", _min_of("curvature_ratio_gaussian", "curvature_ratio_sphere",
                                                   "curvature_ratio_rademacher"), "dec2"),
    Number("DescentCurvHi", "fig_descent", _max_of("curvature_ratio_gaussian", "curvature_ratio_sphere",
                                                   "curvature_ratio_rademacher"), "dec2"),
    # Experiment 4, linear convergence (C11).
    Number("ConvN", "fig_convergence", "n", "int"),
    Number("ConvD", "fig_convergence", "d", "int"),
    Number("ConvRuns", "fig_convergence", ("runs", "seeds"), "int"),
    Number("ConvAlpha", "fig_convergence", "alpha", "dec2", doc="family-wise level of the Bonferroni limits"),
    Number("ConvMaxLowerLimit", "fig_convergence", "max_lower_limit", "dec3",
           doc="largest lower confidence limit of mean gap / bound over steps and k"),
    Number("ConvTightKOne", "fig_convergence", "tightest.zo_k1.mean", "dec3"),
    Number("ConvTightKOneSE", "fig_convergence", "tightest.zo_k1.se", "dec3"),
    Number("ConvTightKOneT", "fig_convergence", "tightest.zo_k1.t", "int"),
    Number("ConvTightKFour", "fig_convergence", "tightest.zo_k4.mean", "dec3"),
    Number("ConvTightKSixteen", "fig_convergence", "tightest.zo_k16.mean", "dec3"),
    Number("ConvTightGD", "fig_convergence", "tightest.gd.mean", "dec3"),
    Number("ConvRateGD", "fig_convergence", "measured_rates.gd", "dec3"),
    Number("ConvBoundGD", "fig_convergence", "bound_rates.gd", "dec3up"),
    Number("ConvRateKOne", "fig_convergence", "measured_rates.zo_k1", "dec3"),
    Number("ConvBoundKOne", "fig_convergence", "bound_rates.zo_k1", "dec3up"),
    Number("ConvRateKSixteen", "fig_convergence", "measured_rates.zo_k16", "dec3"),
    Number("ConvBoundKSixteen", "fig_convergence", "bound_rates.zo_k16", "dec3up"),
    # Experiment 5, dimension-free iterations (C10, C11).
    Number("DimRank", "fig_dimension_free", "r_fixed", "int"),
    Number("DimMinD", "fig_dimension_free", lambda d: min(lookup(d, "dims")), "int"),
    Number("DimMaxD", "fig_dimension_free", "max_d", "int"),
    Number("DimInstances", "fig_dimension_free", "instances", "int"),
    Number("DimRuns", "fig_dimension_free", "runs", "int"),
    Number("DimLevel", "fig_dimension_free", lambda d: 100 * lookup(d, "level"), "dec1"),
    Number("DimPredSphere", "fig_dimension_free", "prediction.overhead_slope_fixed_r.sphere", "dec2"),
    Number("DimKappaSlope", "fig_dimension_free", "prediction.kappa_lower_bound_slope", "dec2"),
    Number("DimPlantedExp", "fig_dimension_free", "planted_exponent", "dec1"),
    Number("DimPlantedPred", "fig_dimension_free", "prediction.overhead_slope_planted_at_least", "dec2"),
    Number("DimSlopeGauss", "fig_dimension_free", "series.gaussian.slope_overhead.slope", "dec3"),
    Number("DimSlopeGaussLo", "fig_dimension_free", "series.gaussian.slope_overhead.lo", "dec3down"),
    Number("DimSlopeGaussHi", "fig_dimension_free", "series.gaussian.slope_overhead.hi", "dec3up"),
    Number("DimSlopeSphere", "fig_dimension_free", "series.sphere.slope_overhead.slope", "dec3"),
    Number("DimSlopeSphereLo", "fig_dimension_free", "series.sphere.slope_overhead.lo", "dec3down"),
    Number("DimSlopeSphereHi", "fig_dimension_free", "series.sphere.slope_overhead.hi", "dec3up"),
    Number("DimSlopeRad", "fig_dimension_free", "series.rademacher.slope_overhead.slope", "dec3"),
    Number("DimSlopeRadLo", "fig_dimension_free", "series.rademacher.slope_overhead.lo", "dec3down"),
    Number("DimSlopeRadHi", "fig_dimension_free", "series.rademacher.slope_overhead.hi", "dec3up"),
    Number("DimIterSlope", "fig_dimension_free", "series.gaussian.slope_iterations.slope", "dec2"),
    Number("DimPlanted", "fig_dimension_free", "planted.slope_overhead.slope", "dec3"),
    Number("DimIterSlopeLo", "fig_dimension_free", "series.gaussian.slope_iterations.lo", "dec2down"),
    Number("DimPlantedLo", "fig_dimension_free", "planted.slope_overhead.lo", "dec3down"),
    Number("DimIterSlopeHi", "fig_dimension_free", "series.gaussian.slope_iterations.hi", "dec2up"),
    Number("DimPlantedHi", "fig_dimension_free", "planted.slope_overhead.hi", "dec3up"),
    Number("DimRatioMin", "fig_dimension_free", "ratio_to_bound_min", "dec2"),
    Number("DimRatioMax", "fig_dimension_free", "ratio_to_bound_max", "dec2"),
    # Experiment 6, constants (C4-C6).
    Number("ConstPaperOverSupMax", "fig_constants", "max_paper_over_empirical", "sig3"),
    Number("ConstPaperOverSupMin", "fig_constants", lambda d: min(
        lookup(d, f"paper_constants.{q}") / lookup(d, f"{s}_{q}_empirical")
        for s in ("simplex", "ball") for q in ("beta_plus", "beta_minus", "grad")), "sig2"),
    Number("ConstGeneralOverSupMax", "fig_constants", "max_proven_over_empirical", "sig3"),
    Number("ConstGeneralOverSupMin", "fig_constants", "min_proven_over_empirical", "sig3"),
    Number("ConstSupSpread", "fig_constants", lambda d: max(
        (max(p["sup"] for p in pts) - min(p["sup"] for p in pts)) / max(p["sup"] for p in pts)
        for per_set in lookup(d, "per_n").values() for pts in per_set.values()), "sig1",
        doc="largest relative spread over n of the supremum found, over the quantities and target sets"),
    Number("ConstMaxN", "fig_constants", lambda d: max(lookup(d, "ns")), "int"),
    # Experiment 7, effective rank (C10).
    Number("RankN", "fig_effective_rank", "n", "int"),
    Number("RankD", "fig_effective_rank", "d", "int"),
    Number("RankH", "fig_effective_rank", "r_H0", "dec2"),
    Number("RankOverD", "fig_effective_rank", "r_over_d", "dec3"),
    Number("RankPencil", "fig_effective_rank", "pencil_max", "dec2"),
    Number("RankHessRange", "fig_effective_rank", lambda d: _range_words(
        lookup(d, "effective_rank_hessian_min"), lookup(d, "effective_rank_hessian_max"), 2), "text",
        doc="'at 4.74' when min and max agree to the digits shown, else 'between 4.70 and 4.74'"),
    # C16: the best k at a fixed budget (numeric searches of proofs/c16_budget.py).
    Number("BudgetSearchCases", "claims:C16", "key_numbers.search_central_clean.cases", "int"),
    Number("BudgetForwardGainPct", "claims:C16",
           lambda d: 100 * lookup(d, "key_numbers.search_forward_clean.largest_relative_gain"), "sig2"),
    Number("BudgetNoisyGainPct", "claims:C16",
           lambda d: 100 * lookup(d, "key_numbers.search_central_noisy.largest_relative_gain"), "sig2"),
    Number("BudgetNoisyCases", "claims:C16", "key_numbers.search_central_noisy.cases", "int"),
    # C16 measured: fig_budget (the best k at a budget, two thresholds, the closure; scikit-learn and a real head).
    Number("BudgetEvaluations", "fig_budget", "budget", "int"),
    Number("BudgetRuns", "fig_budget", "profile_sizes.runs", "int"),
    Number("BudgetMaxZ", "fig_budget", lambda d: max(
        abs(m["z"]) for e in _budget_entries(d) if e["prediction"]["curve_predicted"] for m in e["measured"]["rows"]),
        "dec1", doc="largest |t| (Hall's skewness-corrected) of a measured final gap against the plan where the "
                    "plan's curve is predicted to hold"),
    Number("BudgetZThreshold", "fig_budget", lambda d: _budget_entries(d)[0]["measured"]["z_threshold"], "dec2"),
    Number("BudgetBestK", "fig_budget", lambda d: _best_k_words(d, scikit=True), "prose",
           doc="planned and measured best k per scikit-learn instance and noise level, in words"),
    Number("BudgetWineFirst", "fig_budget", lambda d: _plan_ratio(d, "wine", 0, 0), "sig2",
           doc="planned final gap over the initial gap on wine, k = 1, no noise"),
    Number("BudgetWineLast", "fig_budget", lambda d: _plan_ratio(d, "wine", 0, -1), "sig2"),
    Number("BudgetWineNoisyFirst", "fig_budget", lambda d: _plan_ratio(d, "wine", 1, 0), "sig2"),
    Number("BudgetWineNoisyLast", "fig_budget", lambda d: _plan_ratio(d, "wine", 1, -1), "sig2"),
    Number("BudgetAsRatio", "fig_budget", "thresholds.prediction.ratio", "dec2",
           doc="eta_a.s. / eta* on wine, Gaussian directions, k = 1"),
    Number("BudgetAsLow", "fig_budget", lambda d: lookup(d, "thresholds.prediction.almost_sure_low")
           / lookup(d, "thresholds.prediction.max_stable_lr"), "dec2down"),
    Number("BudgetAsHigh", "fig_budget", lambda d: lookup(d, "thresholds.prediction.almost_sure_high")
           / lookup(d, "thresholds.prediction.max_stable_lr"), "dec2up"),
    Number("BudgetAsRatioRad", "fig_budget", "thresholds.prediction.rademacher.ratio", "dec2",
           doc="eta_a.s. / eta* on wine, Rademacher directions, k = 1"),
    Number("BudgetDivRuns", "fig_budget", "thresholds.measured.runs", "int"),
    Number("BudgetDivPercents", "fig_budget", lambda d: _and_list(
        f"{100 * p['diverged_fraction']:.0f}" for p in lookup(d, "thresholds.measured.points")), "prose",
        doc="percent of runs diverging at each step of the sweep, in order"),
    Number("BudgetDivMultiples", "fig_budget", lambda d: _and_list(
        f"{p['fraction_of_eta_ms']:g}" for p in lookup(d, "thresholds.measured.points")), "prose"),
    Number("ClosureRuns", "fig_budget", "closure.runs", "int"),
    Number("ClosureSteps", "fig_budget", "closure.steps", "int"),
    Number("ClosureLrFraction", "fig_budget", "closure.lr_fraction", "dec1"),
    Number("ClosureMaxSEPct", "fig_budget", lambda d: 100 * max(
        c["measured"]["largest_relative_se"] for c in lookup(d, "closure.cases").values()
        if c["prediction"]["holds_predicted"]), "sig2up", doc="largest relative SE where the closure is predicted"),
    Number("ClosureNearGapPct", "fig_budget", lambda d: 100 * _case(d, 0)["gap0_over_L0"], "sig2",
           doc="initial gap over L(x0), wine with w = 0.01 from 0"),
    Number("ClosureNearErrPct", "fig_budget", lambda d: 100 * _case(d, 0)["largest_relative_error_closure"], "sig2"),
    Number("ClosureNearLocalPct", "fig_budget", lambda d: 100 * _case(d, 0)["largest_relative_error_local"], "sig2"),
    Number("ClosureMidGapPct", "fig_budget", lambda d: 100 * _case(d, 3)["gap0_over_L0"], "sig2",
           doc="the same from 3 logit units"),
    Number("ClosureMidErrPct", "fig_budget", lambda d: 100 * _case(d, 3)["largest_relative_error_closure"], "sig2"),
    Number("ClosureMidLocalPct", "fig_budget", lambda d: 100 * _case(d, 3)["largest_relative_error_local"], "sig2"),
    Number("ClosureWeakGapWinePct", "fig_budget", lambda d: 100 * _case(d, 1)["gap0_over_L0"], "sig2"),
    Number("ClosureWeakGapBcPct", "fig_budget", lambda d: 100 * _case(d, 2)["gap0_over_L0"], "sig2"),
    Number("ClosureWeakGrowWine", "fig_budget", lambda d: _case(d, 1)["final_over_initial"], "sig2"),
    Number("ClosureWeakGrowBc", "fig_budget", lambda d: _case(d, 2)["final_over_initial"], "sig2"),
    Number("ClosureFailPct", "fig_budget", lambda d: 100 * min(
        min(_case(d, i)["largest_relative_error_closure"], _case(d, i)["largest_relative_error_local"])
        for i in (1, 2, 4)), "sig2down", doc="both predictions are off by more than this: weak w from 0, and r = 10"),
    # C16 on a real head (fig_budget's closure_head and its head instance).
    Number("HeadTokens", "fig_budget", "closure_head.tokens", "int"),
    Number("HeadDReduced", "fig_budget", "closure_head.d_reduced", "int"),
    Number("HeadRuns", "fig_budget", "closure_head.runs", "int"),
    Number("HeadSteps", "fig_budget", "closure_head.steps", "int"),
    Number("HeadHoldsPredicted", "fig_budget", lambda d: f"{lookup(d, 'closure_head.holds_up_to_predicted'):g}",
           "text"),
    Number("HeadRadii", "fig_budget", lambda d: _and_list(
        f"{c['measured']['radius']:g}" for c in lookup(d, "closure_head.cases").values()
        if c["measured"]["radius"] is not None), "prose"),
    Number("HeadWhere", "fig_budget", lambda d: _head_where(lookup(d, "closure_head")), "prose",
           doc="from which self-taught starts the closure holds on the head, in words"),
    Number("HeadNearErrPct", "fig_budget", lambda d: 100 * max(
        c["measured"]["largest_relative_error_closure"] for c in _head_cases(d, predicted=True)), "sig2",
        doc="largest relative error of the closure over the starts where it is predicted to hold"),
    Number("HeadNearLocalPct", "fig_budget", lambda d: 100 * max(
        c["measured"]["largest_relative_error_local"] for c in _head_cases(d, predicted=True)), "sig2"),
    Number("HeadNearSEPct", "fig_budget", lambda d: 100 * max(
        c["measured"]["largest_relative_se"] for c in _head_cases(d, predicted=True)), "sig2up"),
    Number("HeadErrors", "fig_budget", lambda d: _and_list(
        _pct(c["measured"]["largest_relative_error_closure"]) for c in _head_cases(d, radial=True)), "prose",
        doc="the closure's largest relative error in percent at each self-taught radius, in order"),
    Number("HeadLocalErrors", "fig_budget", lambda d: _and_list(
        _pct(c["measured"]["largest_relative_error_local"]) for c in _head_cases(d, radial=True)), "prose"),
    Number("HeadDistill", "fig_budget", lambda d: _distill_words(d), "prose",
           doc="each distillation start: its distance and the closure's and the local model's largest errors"),
    Number("HeadBudgetPlanned", "fig_budget", "head.none.prediction.best_k", "int"),
    Number("HeadBudgetMeasured", "fig_budget", lambda d: _measured_words(lookup(d, "head.none")), "prose",
           doc="what the runs measure as the best k on the head without noise, against the planned one, in words"),
    Number("HeadBudgetRunnerUp", "fig_budget", "head.none.measured.runner_up_over_best", "dec2"),
    Number("HeadBudgetRunnerUpK", "fig_budget", "head.none.measured.runner_up_k", "int"),
    Number("HeadBudgetResolutionPct", "fig_budget", lambda d: 100 * lookup(d, "head.none.measured.resolution_relative"),
           "sig2up", doc="relative difference of two k's mean final gaps that the head's runs resolve"),
    Number("HeadBudgetPlanErrPct", "fig_budget", lambda d: 100 * max(
        lookup(d, f"head.{label}.measured.largest_relative_error_plan") for label in lookup(d, "head")), "sig2"),
    Number("HeadBudgetNoisy", "fig_budget", lambda d: _best_k_words(d, scikit=False), "prose",
           doc="planned and measured best k on the head with noisy losses, in words"),
    # A real attention head (C14, C15, C13 on MiniLM).
    Number("AttnD", "fig_attention", "d", "int"),
    Number("AttnTokens", "fig_attention", "m", "int"),
    Number("AttnRankMin", "fig_attention", lambda d: lookup(d, "r_H0_range")[0], "sig2"),
    Number("AttnRankMax", "fig_attention", lambda d: lookup(d, "r_H0_range")[1], "sig2"),
    Number("AttnRankOverD", "fig_attention", "r_over_d_max", "sig2up"),
    Number("AttnEtaRatioMin", "fig_attention", lambda d: lookup(d, "eta_star_over_c11")[0], "sig2"),
    Number("AttnEtaRatioMax", "fig_attention", lambda d: lookup(d, "eta_star_over_c11")[1], "sig2"),
    Number("AttnOverheads", "fig_attention", lambda d: ", ".join(
        f"{c['measured_overhead']:.0f}" if c["measured_overhead"] else "not reached" for c in lookup(d, "cases")),
        "text", doc="the measured ZO/GD overheads of the cases, in order"),
    Number("AttnPredicted", "fig_attention", lambda d: ", ".join(
        f"{c['predicted_overhead']:.0f}" if c["predicted_overhead"] else "not reached" for c in lookup(d, "cases")),
        "text", doc="the overheads predicted by the exact curves, in order"),
    Number("AttnGammas", "fig_attention", lambda d: ", ".join(f"{c['gamma_local']:.0f}" for c in lookup(d, "cases")),
           "text", doc="gamma(r_loc) = 1 + (r_loc + 1)/k of the cases, in order"),
    Number("AttnFarWhere", "fig_attention", lambda d: (
        "at no distance measured: it fails already at the nearest start" if lookup(d, "far.within_up_to_radius") == 0
        else f"from starts up to {lookup(d, 'far.within_up_to_radius'):g} logit units from x* and stops there"),
        "text", doc="where C13's local model predicts the mean gap on a real head, in words"),
    Number("AttnFarFirst", "fig_attention", lambda d: "none of the distances measured"
           if lookup(d, "far.first_radius_outside") is None else f"{lookup(d, 'far.first_radius_outside'):g}",
           "text"),
    Number("AttnNearModelErrPct", "fig_attention",
           lambda d: 100 * lookup(d, "far.points")[0]["model_gap0_relative_error"], "sig2",
           doc="the local model's relative error (percent) of the gap at the nearest far start, before any step"),
    Number("AttnNearErrPct", "fig_attention", lambda d: 100 * lookup(d, "far.points")[0]["largest_relative_error"],
           "sig2", doc="the local model's largest relative error (percent) at the compared times, nearest start"),
    Number("AttnFarErrorPct", "fig_attention", lambda d: 100 * max(lookup(d, "far.points")[-1]["relative_errors"]),
           "sig2", doc="the local model's largest relative error (percent) from the farthest start"),
    # Cost (C12), made by make bench: absolute times depend on the machine; extrapolated points kept apart.
    Number("CostN", "fig_cost", "n", "int"),
    Number("CostK", "fig_cost", "k", "int"),
    Number("CostEvaluations", "fig_cost", "evaluations_per_step.central", "int"),
    Number("CostDMin", "fig_cost", lambda d: min(lookup(d, "d")), "int"),
    Number("CostDMax", "fig_cost", lambda d: max(lookup(d, "d")), "int"),
    Number("CostSlope", "fig_cost", "slopes_upper_half.estimate", "dec2"),
    Number("CostSlopeProduct", "fig_cost", "slopes_upper_half.product", "dec2"),
    Number("CostSlopeBackprop", "fig_cost", "slopes_upper_half.backprop", "dec2"),
    Number("CostOverBackpropMin", "fig_cost", lambda d: min(lookup(d, "estimate_over_backprop")), "sig2"),
    Number("CostOverBackpropMax", "fig_cost", lambda d: max(lookup(d, "estimate_over_backprop")), "sig2"),
)


def _budget_entries(d: Any) -> list[Any]:
    """fig_budget's (instance, noise level) entries, instances in order."""
    return [entry for name in d["instances"] for entry in d[name].values()]


def _plan_ratio(d: Any, name: str, noise: int, row: int) -> float:
    """The plan's final gap over the initial gap of ``name`` at noise level ``noise`` (0: none), row ``row`` of k."""
    entry = list(d[name].values())[noise]
    return float(entry["prediction"]["rows"][row]["gap"] / entry["gap0"])


def _case(d: Any, i: int) -> Any:
    """The measured part of fig_budget's i-th closure case on the scikit-learn instances."""
    return list(d["closure"]["cases"].values())[i]["measured"]


def _head_cases(d: Any, *, predicted: bool = False, radial: bool = False) -> list[Any]:
    return [c for c in d["closure_head"]["cases"].values()
            if (not predicted or c["prediction"]["holds_predicted"]) and (not radial or c["measured"]["radius"]
                                                                           is not None)]


def _pct(fraction: float) -> str:
    """A fraction as a percentage to two significant digits, without an exponent (1300, not 1.3e+03)."""
    text = f"{100 * fraction:.2g}"
    return f"{float(text):.0f}" if "e+" in text else text


def _and_list(items: Any) -> str:
    """``a, b and c``."""
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _head_where(head: Any) -> str:
    up_to, first = head["holds_up_to_radius"], head["first_radius_outside"]
    if first is None:
        return "from every self-taught start measured"
    if up_to == 0:
        return f"from no self-taught start measured (the nearest, {first:g} logit units away, fails)"
    return f"from self-taught starts up to {up_to:g} logit unit{'' if up_to == 1 else 's'} away and not from {first:g}"


def _distill_words(d: Any) -> str:
    parts = []
    for c in d["closure_head"]["cases"].values():
        m = c["measured"]
        if m["teacher"] is None:
            continue
        holds = "holds" if m["holds"] else "fails"
        parts.append(f"student {m['student'][0]}.{m['student'][1]} and teacher {m['teacher'][0]}.{m['teacher'][1]} "
                     f"({m['logit_distance']:.2g} logit units away): the closure {holds}, largest error "
                     f"{_pct(m['largest_relative_error_closure'])} percent (local model "
                     f"{_pct(m['largest_relative_error_local'])} percent)")
    return "; ".join(parts)


def _measured_words(entry: Any) -> str:
    meas = entry["measured"]
    if meas["best_k"] == entry["prediction"]["best_k"]:
        return "the runs measure the same k as best"
    return (f"the runs measure k = {meas['best_k']} as best, {meas['planned_minus_best_z']:.1f} standard errors better "
            f"than the planned one ({'within' if meas['best_resolved'] else 'beyond'} what they resolve)")


def _best_k_words(d: Any, *, scikit: bool) -> str:
    """Planned and measured best k: on the scikit-learn instances (all levels), or on the head with noise."""
    display = {"breast_cancer": "breast cancer"}
    scikit_entries = [e for name in d["instances"] if name != "head" for e in d[name].values()]
    ks = {e["prediction"]["best_k"] for e in scikit_entries} | {e["measured"]["best_k"] for e in scikit_entries}
    if scikit and len(ks) == 1:
        return f"planned and measured alike, {ks.pop()}, on every instance, with and without noise"
    parts = []
    for name in d["instances"]:
        if (name == "head") is scikit:
            continue
        for i, entry in enumerate(d[name].values()):
            if not scikit and i == 0:
                continue
            noise = "with noise" if i else "without noise"
            planned, meas = entry["prediction"]["best_k"], entry["measured"]
            where = f"{display.get(name, name)} {noise}" if scikit else "with noisy losses"
            same = "measured too" if meas["best_k"] == planned else (
                f"measured {meas['best_k']}, {meas['planned_minus_best_z']:.1f} standard errors better")
            parts.append(f"{where}: planned {planned}, {same}")
    return "; ".join(parts)


def _range_words(lo: float, hi: float, decimals: int) -> str:
    a, b = f"{lo:.{decimals}f}", f"{hi:.{decimals}f}"
    return f"at {a}" if a == b else f"between {a} and {b}"


def lookup(data: Any, path: str | tuple[str, ...]) -> Any:
    """The value at dotted ``path`` in nested dicts (KeyError when absent); a tuple: the first path present."""
    if isinstance(path, tuple):
        for alternative in path:
            try:
                return lookup(data, alternative)
            except KeyError:
                continue
        raise KeyError(path[0] if path else "")
    for part in path.split("."):
        if not isinstance(data, dict) or part not in data:
            raise KeyError(path)
        data = data[part]
    return data


def _source(sources: dict[str, Any], name: str) -> Any:
    if name.startswith("claims:"):
        claims = sources.get("claims")
        cid = name.split(":", 1)[1]
        if isinstance(claims, list):
            for c in claims:
                if isinstance(c, dict) and c.get("id") == cid:
                    return c
        return None
    return sources.get(name)


def _number(num: Number, sources: dict[str, Any]) -> str:
    data = _source(sources, num.source)
    shown = num.path[0] if isinstance(num.path, tuple) else num.path
    label = num.source.replace("claims:", "claims.json ") + (f": {shown}" if isinstance(shown, str) else "")
    if data is None:
        return notice(label)
    try:
        value = num.path(data) if callable(num.path) else lookup(data, num.path)
        body = fmt_number(value, num.spec)
    except (KeyError, TypeError, ValueError, ZeroDivisionError):
        return notice(label)
    if num.spec == "prose":  # running text: outside math, so that it breaks across lines
        return body + num.unit
    return f"\\ensuremath{{{body}{num.unit}}}"



# ------------------------------------------------------------------------------------------------ claims


def _prov(text: str) -> str:
    tags = re.findall(r"\[(\w+)\]", str(text))
    return "/\\allowbreak ".join(f"\\prov{{{t}}}" for t in tags) if tags else tex_escape(text)


def _tex_field(c: dict[str, Any], key: str) -> str:
    """A claim's LaTeX field as the proofs wrote it, or a red notice (never a conversion of the plain text)."""
    value = c.get(key)
    return value if isinstance(value, str) and value else notice(f"claims.json {c.get('id', '?')}: {key}")


def weakest_link(c: dict[str, Any]) -> tuple[str, str]:
    """``(label, scope)`` in LaTeX: the chain's weakest-link label and its narrowest scope ("every size" marked)."""
    chain = c.get("chain")
    if not isinstance(chain, dict) or chain.get("weakest") not in EVIDENCE_WORDS:
        return notice(f"claims.json {c.get('id', '?')}: chain"), "--"
    scope = chain.get("scope_tex") or tex_escape(chain.get("scope") or "")
    if chain.get("every_size"):
        scope += r" (every step covers every size)"
    label = str(chain.get("label_tex") or notice("claims.json: chain label"))
    weaker = chain.get("weaker_cited_claims") or []
    if weaker:  # a cited claim's chain is weaker than this claim's own steps: say so, and how weak
        label += (f"; through {', '.join(tex_escape(c) for c in weaker)}: "
                  f"{tex_escape(str(chain.get('weakest_with_cited')))}")
    return label, scope or "--"


def _claims_table(claims: Any) -> str:
    r"""The body of ``\ClaimsTable{caption}``: one longtable, its caption the macro's argument.

    The evidence column is the claim's *weakest* link (its chain's weakest step), not its strongest check.
    """
    if not isinstance(claims, list):
        return (r"\begin{center}\captionof{table}{#1}\label{tab:claims}" + notice("claims.json (run make verify)")
                + r"\end{center}")
    rows = []
    for c in claims:
        cid = str(c.get("id", "?"))
        verdict = str(c.get("verdict", ""))
        color = VERDICT_COLORS.get(verdict, "red")
        label, scope = weakest_link(c)
        rows.append(f"{tex_escape(cid)} & {_tex_field(c, 'title_tex')} & {_prov(c.get('provenance', ''))} & "
                    f"\\textcolor{{{color}}}{{{VERDICT_WORDS.get(verdict, 'no verdict')}}} & {label} & {scope} \\\\")
    head = r"& claim & provenance & verdict & weakest link & its scope \\"
    return ("\\begin{longtable}{@{}l>{\\raggedright\\arraybackslash}p{0.22\\linewidth}"
            ">{\\raggedright\\arraybackslash}p{0.09\\linewidth}>{\\raggedright\\arraybackslash}p{0.10\\linewidth}"
            ">{\\raggedright\\arraybackslash}p{0.25\\linewidth}>{\\raggedright\\arraybackslash}p{0.22\\linewidth}@{}}"
            "\\caption{#1}\\label{tab:claims}\\\\ \\toprule " + head + " \\midrule\\endfirsthead \\toprule " + head
            + " \\midrule\\endhead "
            "\\bottomrule\\endlastfoot " + "\n".join(rows) + " \\end{longtable}")


def _corrections(claims: Any, handled: set[str]) -> list[str]:
    r"""``\Correction`` (guarded by the verdicts) and ``\OtherCorrections`` (the unhandled ones, converted)."""
    corrected = {}
    if isinstance(claims, list):
        corrected = {str(c.get("id")): c for c in claims if isinstance(c, dict) and c.get("correction")
                     and (c.get("verdict") == "holds-with-correction"
                          or str(c.get("correction")).startswith("Fails as stated"))}
    lines = [r"\newcommand{\IfCorrected}[3]{\ifcsname zo@corrected@#1\endcsname#2\else#3\fi}"]
    lines += [f"\\expandafter\\def\\csname zo@corrected@{cid}\\endcsname{{}}" for cid in corrected]
    if not isinstance(claims, list):
        lines.append(r"\newcommand{\Correction}[2]{\item[#1] " + MISSING + "{claims.json (run make verify)}}")
        lines.append(r"\newcommand{\OtherCorrections}{}")
        return lines
    lines.append(r"\newcommand{\Correction}[2]{\IfCorrected{#1}{\item[#1] #2}{\item[#1] \textcolor{red}"
                 r"{[out of date: the checks no longer correct #1, remove this paragraph]}}}")
    others = [f"\\item[{tex_escape(cid)}] {_tex_field(c, 'correction_tex')}" for cid, c in corrected.items()
              if cid not in handled]
    lines.append(r"\newcommand{\OtherCorrections}{" + "\n".join(others) + "}")
    return lines


def _verdict_counts(claims: Any) -> list[str]:
    if not isinstance(claims, list):
        return [f"\\newcommand{{\\{m}}}{{{notice('claims.json')}}}" for m in
                ("NumClaims", "NumHold", "NumCorrected", "NumFail", "FailVerb")]
    count = {v: sum(1 for c in claims if c.get("verdict") == v) for v in VERDICT_COLORS}

    def count_word(n: int) -> str:
        return "none" if n == 0 else word(n)

    return [f"\\newcommand{{\\NumClaims}}{{{word(len(claims))}}}",
            f"\\newcommand{{\\NumHold}}{{{count_word(count['holds'])}}}",
            f"\\newcommand{{\\NumCorrected}}{{{count_word(count['holds-with-correction'])}}}",
            f"\\newcommand{{\\NumFail}}{{{count_word(count['fails'])}}}",
            f"\\newcommand{{\\FailVerb}}{{{'fails' if count['fails'] == 1 else 'fail'}}}"]


# ------------------------------------------------------------------------------------------------ figures


def _figures(figures: dict[str, Any], included: list[str]) -> list[str]:
    r"""``\FigInclude``, ``\FigVerdict``, and the experiments counted from the figures ``main.tex`` includes."""
    lines = [
        # column width; a tall figure is capped at 0.72 of the text height so that it and its caption fit a page
        r"\newcommand{\FigInclude}[1]{\IfFileExists{../figures/#1.pdf}{\includegraphics[width=\linewidth,"
        r"height=0.72\textheight,keepaspectratio]"
        r"{../figures/#1.pdf}}{\fbox{\NotGenerated{figure \detokenize{#1} (run make figures)}}}}",
        r"\newcommand{\FigVerdict}[1]{\ifcsname zo@verdict@#1\endcsname\csname zo@verdict@#1\endcsname"
        r"\else\NotGenerated{\detokenize{#1}.json (run make figures)}\fi}",
    ]
    for name, data in figures.items():
        if not isinstance(data, dict):
            continue
        confirmed = data.get("confirmed")
        verdict = (r"\textcolor{green!45!black}{confirmed}" if confirmed is True else
                r"\textcolor{red}{not confirmed}" if confirmed is False else notice(name + ": confirmed"))
        lines.append(f"\\expandafter\\def\\csname zo@verdict@{name}\\endcsname{{{verdict}}}")
    n = len(included)
    lines.append(f"\\newcommand{{\\NumExperiments}}{{{word(n)}}}")
    verdicts = [figures.get(name, {}).get("confirmed") if isinstance(figures.get(name), dict) else None
                for name in included]
    ok, bad, absent = verdicts.count(True), verdicts.count(False), sum(v is None for v in verdicts)
    if n and ok == n:
        sentence = "Every experiment confirmed its prediction"
    else:
        sentence = f"{word(ok).capitalize()} of the {word(n)} experiments confirmed their prediction"
        if bad:
            sentence += f", {word(bad)} did not"
        if absent:
            sentence += f", and {word(absent)} {'was' if absent == 1 else 'were'} not run"
    lines.append(f"\\newcommand{{\\ExperimentsConfirmed}}{{{sentence}}}")
    return lines


INSTANCE_NAMES = {"breast_cancer": "breast cancer", "digits": "digits", "wine": "wine", "iris": "iris",
                  "synthetic": "synthetic", "wine_weak": "wine with a weak regularizer (no worst-case guarantee)"}


def _names(names: list[str]) -> str:
    words = [INSTANCE_NAMES.get(n, n.replace("_", " ")) for n in names]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1] if words else "none"


def _prediction(data: Any) -> list[str]:
    r"""C13's generated text: result, table, and the abstract's and conclusion's sentences.

    ``\PredictionResult`` (the result, in words, from the numbers), ``\PredictionTable``, and the sentences
    ``\PredictionAbstract`` and ``\PredictionConclusion``, each claiming only what fig_prediction's verdict says.
    """
    concl = (r"\newcommand{\PredictionConclusion}{Section~\ref{sec:prediction} compares the worst-case guarantee "
             r"with the exact expected learning curve of the local quadratic model on real data.}")
    neutral = (r"\newcommand{\PredictionAbstract}{We also compare the exact expected learning curve of ZO gradient "
               r"descent on the local quadratic model with measured runs on real data.}")
    if not isinstance(data, dict):
        return [r"\newcommand{\PredictionResult}{" + notice("fig_prediction.json (run make figures)") + "}",
                r"\newcommand{\PredictionTable}{}", neutral, concl]
    try:
        names = list(data["instances"])
        per = [data[n] for n in names]
        z = float(data["z_threshold"])
        counts = sorted({len(c["compared_times"]) for c in per})  # each instance's own tested times
        times = (word(counts[0]) if len(counts) == 1 else
                 f"{word(counts[0])} to {word(counts[-1])}")
        worst = max(c["max_abs_z"] for c in per)
        rel = max(c["max_relative_error"] for c in per)
        vac = [n for n, c in zip(names, per, strict=True) if c["bound_vacuous"]]
        ratios = [c["max_stable_over_step_size"] for c in per]
        model0 = max(abs(c["model_gap0"] / c["gap0"] - 1) for c in per)
        gaps0 = [c["gap0"] for c in per]
        within = all(c["within"] for c in per)
        sweeps_ok = bool(data["sweeps_separate"])
        runs, steps = per[0]["runs"], per[0]["steps"]
        sweep_steps = data["profile_sizes"]["sweep_steps"]
        grows = max(f for f in data["sweep_fractions"])
    except (KeyError, TypeError, ValueError, ZeroDivisionError):
        return [r"\newcommand{\PredictionResult}{" + notice("fig_prediction.json: result") + "}",
                r"\newcommand{\PredictionTable}{}", neutral, concl]
    n_word = word(len(names))
    separates = ("shrinks below and grows above the predicted threshold" if sweeps_ok else
                 "does not separate at the predicted threshold")
    vac_text = (f"On {_names(vac)} the worst-case bound is vacuous: after {steps:,} steps it still allows "
                f"{fmt_pct(min(data[n]['bound_final_over_gap0'] for n in vac))} or more of the initial gap, while the "
                f"measured mean gap fell to {fmt_pct(max(data[n]['measured_final_over_gap0'] for n in vac))} or less. "
                ) if vac else "On no instance is the worst-case bound vacuous. "
    result = (
        f"On {'all ' if len(names) > 2 else ''}{n_word} instances ({_names(names)}; {runs} runs of {steps:,} steps "
        f"each, from $x_0=0$), the measured mean gap {'lies' if within else 'does not lie'} within the Bonferroni "
        f"band of the prediction at every one of its {times} tested times"
        f"{'' if within else ' on ' + _names([n for n, c in zip(names, per, strict=True) if not c['within']])}: the "
        f"largest standardized deviation (Student's $t$ with Hall's skewness correction, since a run's gap is "
        f"skewed) is ${worst:.2f}$ against a threshold of ${z:.2f}$, and the largest relative "
        f"error {fmt_pct(rel)}. {vac_text}"
        f"The largest stable step is ${min(ratios):.1f}$--${max(ratios):.1f}$ times the guarantee's step "
        f"$1/(\\ell\\gamma)$, and in the sweep ({sweep_steps} steps per point, step sizes up to ${grows:g}\\,\\eta^*$) "
        f"the measured gap {separates}. "
        f"These runs start at $x_0=0$, where the initial gap is already small "
        f"(${fmt_number(min(gaps0), 'sig1')}$ to ${fmt_number(max(gaps0), 'sig1')}$) and the local model's gap agrees "
        f"with the true one to a relative ${fmt_number(max(model0, 1e-300), 'sig1')}$: they test the model near $x^*$. "
        + _far_sentence(data.get("far"))
    )
    header = (r"instance & $n$ & $d$ & rank & $\ell$ & $\mu$ & $\kappa$ & $r(H_0)$ & bound at $T$ & largest rel.\ error"
              r" & $\eta^*\ell\gamma$ \\")
    rows = []
    for name, c in zip(names, per, strict=True):
        mu = c["mu"]
        kappa = c["kappa"]
        cells = [INSTANCE_NAMES.get(name, name.replace("_", " ")), f"{c['n']:,}".replace(",", "{,}"), str(c["d"]),
                 str(c["rank"]), f"${fmt_number(c['ell'], 'sig3')}$",
                 f"${fmt_number(mu, 'sig2')}$" if mu > 0 else r"$\le0$",
                 f"${fmt_number(kappa, 'sig2')}$" if isinstance(kappa, (int, float)) and math.isfinite(kappa)
                 else r"$\infty$", f"${c['effective_rank_H0']:.1f}$",
                 f"${fmt_number(c['bound_final_over_gap0'], 'sig2')}$" + (" (vacuous)" if c["bound_vacuous"] else ""),
                 fmt_pct(c["max_relative_error"]), f"${c['max_stable_over_step_size']:.1f}$"]
        rows.append(" & ".join(cells) + r" \\")
    table = (r"\begin{center}\setlength{\tabcolsep}{3.5pt}\begin{tabular}{@{}lrrrrrrrlrr@{}}\toprule " + header
             + r" \midrule " + " ".join(rows) + r" \bottomrule\end{tabular}\par\smallskip"
             r"\parbox{\linewidth}{\footnotesize Bound at $T$: the worst-case bound \eqref{eq:rate} after the last "
             r"step, "
             r"over the initial gap; largest relative error: between the measured mean and the prediction at the "
             r"tested times; $\eta^*\ell\gamma$: the largest stable step over the guarantee's step.}\end{center}")
    abstract = neutral
    if within and data.get("confirmed") is True and vac:
        concl = (r"\newcommand{\PredictionConclusion}{The worst-case guarantee is vacuous on real data with a badly "
                 r"conditioned $A$; there the exact expected learning curve of the local quadratic model predicts "
                 r"what the runs do, within sampling error.}")
    if within and data.get("confirmed") is True:
        abstract = (r"\newcommand{\PredictionAbstract}{Beyond worst-case bounds, the exact expected learning curve "
                    r"of ZO gradient descent on the local quadratic model predicts the mean loss of measured runs "
                    r"within sampling error"
                    + (", on real data where the worst-case guarantee is vacuous" if vac else "") + ".}")
    return [f"\\newcommand{{\\PredictionResult}}{{{result}}}", f"\\newcommand{{\\PredictionTable}}{{{table}}}",
            abstract, concl]


def _far_sentence(far: Any) -> str:
    """Where, far from x*, the local model stops predicting: the distance experiment of fig_prediction, in words."""
    try:
        points = sorted(far["points"], key=lambda f: f["radius"])
        radii = [f["radius"] for f in points]
        first = far["first_radius_outside"]
        upto = far["within_up_to_radius"]
        name = INSTANCE_NAMES.get(far["instance"], far["instance"].replace("_", " "))
    except (KeyError, TypeError):
        return notice("fig_prediction.json: far")
    head = (f"To find where it stops, runs on {name} start at $x^*+rv$, with $v$ a fixed random direction scaled so "
            f"that $r$ is the largest change of a logit, for $r$ from ${radii[0]:g}$ to ${radii[-1]:g}$. ")
    if first is None:
        return head + "At every distance the measured mean stays within the Bonferroni band of the prediction."
    worst = max(max(f["relative_errors"]) for f in points if f["radius"] == first)
    within = f"up to $r={upto:g}$" if upto > 0 else "at none of the distances"
    between = f", so the local model stops describing the run between $r={upto:g}$ and $r={first:g}$" if upto else ""
    return (head + f"The measured mean stays within the Bonferroni band of the prediction {within} and first leaves "
            f"it at $r={first:g}$, where it is up to ${fmt_number(worst + 1, 'sig2')}$ times the prediction{between}.")



# ------------------------------------------------------------------------------------------------ render


def read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def included_figures(main_tex: Path) -> list[str]:
    r"""The figures ``main.tex`` includes (``\Fig{NAME}...``), in order of appearance."""
    try:
        text = main_tex.read_text(encoding="utf-8")
    except OSError:
        return []
    names: list[str] = []
    for name in re.findall(r"^\\Fig\{(fig_\w+)\}", text, flags=re.M):
        if name not in names:
            names.append(name)
    return names


def load_sources(generated: Path, figures: list[str] | tuple[str, ...] = ()) -> dict[str, Any]:
    """Every JSON the report reads, by name (``None`` where absent or unreadable)."""
    names = list(dict.fromkeys([*FIGURE_MODULES, *EXTRA_FIGURES, *figures]))
    sources = {name: read_json(generated / f"{name}.json") for name in names}
    sources["claims"] = read_json(generated / "claims.json")
    sources["timings"] = read_json(generated / "timings.json")
    return sources


def handled_corrections(main_tex: Path) -> set[str]:
    r"""Claim ids that ``main.tex`` writes a ``\Correction{Cn}{...}`` paragraph for."""
    try:
        text = main_tex.read_text(encoding="utf-8")
    except OSError:
        return set()
    return set(re.findall(r"\\Correction\{(C\d+)\}", text))


def render(generated: Path, *, main_tex: Path | None = None) -> str:
    """The whole ``numbers.tex`` for the JSON files under ``generated`` and the report ``main_tex``.

    ``main_tex`` (default: ``generated/../main.tex``) says which figures the report includes (the count of
    experiments) and which corrections it writes by hand. The output depends on the JSON files only (the run
    record is :func:`analysis._runrecord.render_run_record`'s).
    """
    main_tex = main_tex if main_tex is not None else generated.parent / "main.tex"
    included = included_figures(main_tex)
    sources = load_sources(generated, included)
    figures = {name: sources[name] for name in dict.fromkeys([*FIGURE_MODULES, *EXTRA_FIGURES, *included])}
    lines = [
        "% Generated by analysis/report.py from paper/generated/*.json: do not edit.",
        r"\providecommand{\NotGenerated}[1]{\textcolor{red}{\textbf{[not generated: #1]}}}",
    ]
    for num in VOCABULARY:
        lines.append(f"\\newcommand{{\\{num.macro}}}{{{_number(num, sources)}}}")
    lines += _figures(figures, included)
    lines.append(f"\\newcommand{{\\ClaimsTable}}[1]{{{_claims_table(sources['claims'])}}}")
    lines += _verdict_counts(sources["claims"])
    lines += _corrections(sources["claims"], handled_corrections(main_tex))
    lines += _prediction(sources.get("fig_prediction"))
    return "\n".join(lines) + "\n"

