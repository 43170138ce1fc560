import { Schema } from "effect"
import { ConfidenceInterval, optional } from "../../domain/parameter-schemas.js"
import { bayesianGaussian } from "../bayesian-gaussian.js"
import { meanComparisons } from "../t-test.js"
import { ratioComparisons } from "../t-test-ratio.js"
import {
  clientsOfMomentData,
  eachBranchMoments,
  momentAggregate,
  momentDataOfClients,
  momentParameterFields,
  momentParametersProblem,
  pickMomentData,
  ratioColumnsOf,
} from "./moment-aggregates.js"
import { defineStatistic } from "./statistic-descriptor.js"

const FiniteNumber = Schema.Number.pipe(
  Schema.filter(Number.isFinite, { message: () => "must be a finite number" }),
)
const PositiveNumber = Schema.Number.pipe(
  Schema.filter((value) => Number.isFinite(value) && value > 0, {
    message: () => "must be a positive finite number",
  }),
)

const BayesianGaussianParameters = Schema.Struct({
  ...momentParameterFields,
  /**
   * The prior on the relative uplift, N(prior_mean, prior_stddev²) (gbstats' prior_type
   * "relative"). Without prior_stddev the prior is flat (gbstats' proper = False), and
   * prior_mean, 0 unless given, has nothing to apply to: it is refused alone.
   */
  prior_mean: optional(FiniteNumber),
  prior_stddev: optional(PositiveNumber),
  confidence_interval: ConfidenceInterval,
}).pipe(
  Schema.filter(momentParametersProblem),
  Schema.filter((parameters) =>
    parameters.prior_mean !== undefined && parameters.prior_stddev === undefined
      ? "prior_mean needs prior_stddev (without it the prior is flat)"
      : true,
  ),
)

/**
 * gbstats' Gaussian Bayesian test of the mean (CUPED-adjusted with a covariate) or of a
 * ratio, from the moments t_test reads: posterior relative uplift and difference with
 * credible intervals, and the chance to beat each reference (src/stats/bayesian-gaussian.ts).
 */
export const bayesianGaussianStatistic = defineStatistic({
  name: "bayesian_gaussian",
  publishedAs: "bayesian_gaussian",
  parameters: BayesianGaussianParameters,
  withoutCovariate: ({ covariate_adjustment: _, ...parameters }) => parameters,
  confidence: (parameters) => parameters.confidence_interval,
  aggregate: momentAggregate,
  fromClients: momentDataOfClients,
  fromPushDown: { what: "sufficient statistics", pick: pickMomentData },
  clientsForSpread: clientsOfMomentData,
  kernel: (parameters, data) => {
    const { prior_stddev } = parameters
    const options = {
      confidence: parameters.confidence_interval,
      ...(prior_stddev === undefined
        ? {}
        : { prior: { mean: parameters.prior_mean ?? 0, stddev: prior_stddev } }),
    }
    if (ratioColumnsOf(parameters) !== undefined) {
      const { present, warnings } = eachBranchMoments(
        data,
        (branch) => branch.ratio,
        "ratio data",
        "bayesian_gaussian",
      )
      return bayesianGaussian(ratioComparisons(present, warnings), options, warnings)
    }
    const { present, warnings } = eachBranchMoments(
      data,
      (branch) => branch.sums,
      "sums",
      "bayesian_gaussian",
    )
    const adjusted = parameters.covariate_adjustment !== undefined
    return bayesianGaussian(meanComparisons(present, adjusted, warnings), options, warnings)
  },
})
