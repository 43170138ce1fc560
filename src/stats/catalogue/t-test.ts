import { Schema } from "effect"
import { ConfidenceInterval, withDefault } from "../../domain/parameter-schemas.js"
import type { StatisticOutput } from "../sample-summary.js"
import { type TestOptions, tTest } from "../t-test.js"
import { ratioTTest } from "../t-test-ratio.js"
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

/** gbstats' sequential_tuning_parameter: any positive number of clients. */
const SequentialTuning = Schema.Number.pipe(
  Schema.filter((value) => Number.isFinite(value) && value > 0, {
    message: () => "must be a positive number (clients of a comparison's two branches)",
  }),
)

/**
 * drop_highest is 0 unless given: the test is of the mean itself, as gbstats' (GrowthBook caps
 * in the metric's definition, not in the test), so its numbers match gbstats' on the same
 * sums; Jetstream's 0.005 of bootstrap_mean and linear_model_mean is one setting away.
 */
const TTestParameters = Schema.Struct({
  ...momentParameterFields,
  confidence_interval: ConfidenceInterval,
  /**
   * Always-valid intervals and p-values on the comparisons (gbstats'
   * SequentialTwoSidedTTest): they may be looked at every day and the experiment stopped
   * when they exclude 0, at the price of being wider than the fixed-horizon test's.
   */
  sequential: withDefault(Schema.Boolean, false),
  /** The clients of a comparison's two branches where the sequential interval is tightest. */
  sequential_tuning: withDefault(SequentialTuning, 5000),
}).pipe(Schema.filter(momentParametersProblem))
type TTestParameters = typeof TTestParameters.Type

/** The level, and the sequential boundary when asked for. */
const testOptionsOf = (parameters: TTestParameters): TestOptions => ({
  confidence: parameters.confidence_interval,
  ...(parameters.sequential ? { sequential: { tuning: parameters.sequential_tuning } } : {}),
})

const withWarnings = (warnings: ReadonlyArray<string>, output: StatisticOutput) => ({
  ...output,
  warnings: [...warnings, ...output.warnings],
})

/**
 * Welch's t-test on the mean (CUPED-adjusted with a covariate) or on a ratio, absolute and
 * relative, with p-values, at a fixed horizon or always valid (`sequential`):
 * src/stats/t-test.ts, t-test-cuped.ts, t-test-ratio.ts, sequential.ts.
 */
export const tTestStatistic = defineStatistic({
  name: "t_test",
  publishedAs: "t_test",
  // Always-valid intervals are not fixed-horizon ones: rows say which they are.
  publishedVariant: (parameters) => (parameters.sequential ? "t_test_sequential" : undefined),
  parameters: TTestParameters,
  withoutCovariate: ({ covariate_adjustment: _, ...parameters }) => parameters,
  confidence: (parameters) => parameters.confidence_interval,
  aggregate: momentAggregate,
  fromClients: momentDataOfClients,
  fromPushDown: { what: "sufficient statistics", pick: pickMomentData },
  // Either aggregate counts the branch's clients; the kernel reads the one its parameters ask for.
  clientsForSpread: clientsOfMomentData,
  kernel: (parameters, data) => {
    const options = testOptionsOf(parameters)
    if (ratioColumnsOf(parameters) !== undefined) {
      const { present, warnings } = eachBranchMoments(
        data,
        (branch) => branch.ratio,
        "ratio data",
        "t_test",
      )
      return withWarnings(warnings, ratioTTest(present, options))
    }
    const { present, warnings } = eachBranchMoments(data, (branch) => branch.sums, "sums", "t_test")
    return withWarnings(
      warnings,
      tTest(present, { ...options, adjusted: parameters.covariate_adjustment !== undefined }),
    )
  },
})
