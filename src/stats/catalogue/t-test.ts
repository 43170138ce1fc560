import { Schema } from "effect"
import {
  ConfidenceInterval,
  CovariateAdjustment,
  Fraction,
  optional,
  withDefault,
} from "../../domain/parameter-schemas.js"
import { type LinearModelSums, linearModelSumsOf } from "../linear-model.js"
import { type RatioData, ratioDataOf, winsorizePairs } from "../population-ratio.js"
import type { StatisticOutput } from "../sample-summary.js"
import { type TestOptions, tTest } from "../t-test.js"
import { ratioSumsOf, ratioTTest } from "../t-test-ratio.js"
import { winsorize } from "../value-histogram.js"
import { defineStatistic } from "./statistic-descriptor.js"

/** gbstats' sequential_tuning_parameter: any positive number of clients. */
const SequentialTuning = Schema.Number.pipe(
  Schema.filter((value) => Number.isFinite(value) && value > 0, {
    message: () => "must be a positive number (clients of a comparison's two branches)",
  }),
)

const TTestParameters = Schema.Struct({
  /**
   * Each branch's values above its (1 − drop_highest)-quantile are capped there (a ratio's
   * numerator and denominator each at its own). 0 unless given: the test is of the mean
   * itself, as gbstats' (GrowthBook caps in the metric's definition, not in the test), so its
   * numbers match gbstats' on the same sums; Jetstream's 0.005 of bootstrap_mean and
   * linear_model_mean is one setting away.
   */
  drop_highest: withDefault(Fraction, 0),
  /** CUPED on the metric's pre-enrollment value, θ pooled over each comparison's branches. */
  covariate_adjustment: optional(CovariateAdjustment),
  /** Both given: the test is of the ratio Σnumerator/Σdenominator, as population_ratio's. */
  numerator: optional(Schema.String),
  denominator: optional(Schema.String),
  confidence_interval: ConfidenceInterval,
  /**
   * Always-valid intervals and p-values on the comparisons (gbstats'
   * SequentialTwoSidedTTest): they may be looked at every day and the experiment stopped
   * when they exclude 0, at the price of being wider than the fixed-horizon test's.
   */
  sequential: withDefault(Schema.Boolean, false),
  /** The clients of a comparison's two branches where the sequential interval is tightest. */
  sequential_tuning: withDefault(SequentialTuning, 5000),
}).pipe(
  Schema.filter((parameters) => {
    const ratioColumns = [parameters.numerator, parameters.denominator]
    if (ratioColumns.filter((column) => column !== undefined).length === 1) {
      return "numerator and denominator are given together, or neither"
    }
    if (ratioColumns[0] !== undefined && parameters.covariate_adjustment !== undefined) {
      return "covariate_adjustment does not apply to a ratio (numerator, denominator)"
    }
    return true
  }),
)
type TTestParameters = typeof TTestParameters.Type

/** The level, and the sequential boundary when asked for. */
const testOptionsOf = (parameters: TTestParameters): TestOptions => ({
  confidence: parameters.confidence_interval,
  ...(parameters.sequential ? { sequential: { tuning: parameters.sequential_tuning } } : {}),
})

/** The ratio's columns, when the parameters make the test a ratio's. */
const ratioOf = ({ numerator, denominator }: TTestParameters) =>
  numerator === undefined || denominator === undefined ? undefined : { numerator, denominator }

/**
 * A branch's aggregate: the sums of the mean's test, or the ratio data of a ratio's. Both may
 * be pushed down; the parameters say which the kernel reads.
 */
interface TTestData {
  readonly sums?: LinearModelSums
  readonly ratio?: RatioData
}

/** Each branch's `A`, or a warning leaving the branch out: the descriptor's rule, per kind. */
const eachBranch = <A>(
  data: ReadonlyMap<string, TTestData>,
  pick: (branch: TTestData) => A | undefined,
  what: string,
): { readonly present: ReadonlyMap<string, A>; readonly warnings: ReadonlyArray<string> } => {
  const present = new Map<string, A>()
  const warnings: string[] = []
  for (const [branch, aggregate] of data) {
    const picked = pick(aggregate)
    if (picked === undefined) {
      warnings.push(`branch ${branch}: no ${what} was pushed down for t_test: left out`)
    } else present.set(branch, picked)
  }
  return { present, warnings }
}

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
  aggregate: (parameters) => {
    const winsorizeAt = 1 - parameters.drop_highest
    const ratio = ratioOf(parameters)
    if (ratio !== undefined) return { kind: "ratio_sums", ...ratio, winsorizeAt }
    return {
      kind: "sums",
      winsorizeAt,
      ...(parameters.covariate_adjustment === undefined
        ? {}
        : { covariate: parameters.covariate_adjustment }),
    }
  },
  fromClients: (parameters, { values, covariate, numerator, denominator }, maxBuckets) =>
    ratioOf(parameters) === undefined
      ? {
          sums: linearModelSumsOf(
            winsorize(values, 1 - parameters.drop_highest),
            parameters.covariate_adjustment === undefined ? undefined : covariate,
          ),
        }
      : {
          // As the warehouse returns it (pairs up to a bound), so both paths sum alike.
          ratio: ratioDataOf(
            ...winsorizePairs(
              numerator ?? new Float64Array(),
              denominator ?? new Float64Array(),
              parameters.drop_highest,
            ),
            maxBuckets,
          ),
        },
  fromPushDown: {
    what: "sufficient statistics",
    pick: ({ sums, ratio }) =>
      sums === undefined && ratio === undefined
        ? undefined
        : { ...(sums === undefined ? {} : { sums }), ...(ratio === undefined ? {} : { ratio }) },
  },
  // Either aggregate counts the branch's clients; the kernel reads the one its parameters ask for.
  clientsForSpread: ({ sums, ratio }) =>
    sums?.n ?? (ratio === undefined ? 0 : ratioSumsOf(ratio).clients),
  kernel: (parameters, data) => {
    const options = testOptionsOf(parameters)
    if (ratioOf(parameters) !== undefined) {
      const { present, warnings } = eachBranch(data, (branch) => branch.ratio, "ratio data")
      return withWarnings(warnings, ratioTTest(present, options))
    }
    const { present, warnings } = eachBranch(data, (branch) => branch.sums, "sums")
    return withWarnings(
      warnings,
      tTest(present, { ...options, adjusted: parameters.covariate_adjustment !== undefined }),
    )
  },
})
