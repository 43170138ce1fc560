import { Schema } from "effect"
import {
  ConfidenceInterval,
  CovariateAdjustment,
  Fraction,
  optional,
  withDefault,
} from "../../domain/parameter-schemas.js"
import { linearModelSumsOf } from "../linear-model.js"
import { tTest } from "../t-test.js"
import { winsorize } from "../value-histogram.js"
import { defineStatistic } from "./statistic-descriptor.js"

const TTestParameters = Schema.Struct({
  /**
   * Each branch's values above its (1 − drop_highest)-quantile are capped there. 0 unless
   * given: the test is of the mean itself, as gbstats' (GrowthBook caps in the metric's
   * definition, not in the test), so its numbers match gbstats' on the same sums; Jetstream's
   * 0.005 of bootstrap_mean and linear_model_mean is one setting away.
   */
  drop_highest: withDefault(Fraction, 0),
  /** CUPED on the metric's pre-enrollment value, θ pooled over each comparison's branches. */
  covariate_adjustment: optional(CovariateAdjustment),
  confidence_interval: ConfidenceInterval,
})

/** Welch's t-test on the mean, absolute and relative, with p-values: src/stats/t-test.ts. */
export const tTestStatistic = defineStatistic({
  name: "t_test",
  publishedAs: "t_test",
  parameters: TTestParameters,
  confidence: (parameters) => parameters.confidence_interval,
  aggregate: (parameters) => ({
    kind: "sums",
    winsorizeAt: 1 - parameters.drop_highest,
    ...(parameters.covariate_adjustment === undefined
      ? {}
      : { covariate: parameters.covariate_adjustment }),
  }),
  fromClients: (parameters, { values, covariate }) =>
    linearModelSumsOf(
      winsorize(values, 1 - parameters.drop_highest),
      parameters.covariate_adjustment === undefined ? undefined : covariate,
    ),
  fromPushDown: { what: "sufficient statistics", pick: (branch) => branch.sums },
  clientsForSpread: (sums) => sums.n,
  kernel: (parameters, sums) =>
    tTest(sums, {
      confidence: parameters.confidence_interval,
      adjusted: parameters.covariate_adjustment !== undefined,
    }),
})
