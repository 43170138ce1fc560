import { Schema } from "effect"
import {
  BootstrapSamples,
  ConfidenceInterval,
  Fraction,
  withDefault,
} from "../../domain/parameter-schemas.js"
import {
  populationRatio,
  type RatioData,
  ratioDataOf,
  winsorizePairs,
} from "../population-ratio.js"
import { defineStatistic } from "./statistic-descriptor.js"

const clientsIn = (ratio: RatioData): number =>
  ratio.kind === "sums" ? ratio.clients : ratio.counts.reduce((total, count) => total + count, 0)

/**
 * Jetstream's population_ratio: src/stats/population-ratio.ts. Its metric names the ratio;
 * the numerator and denominator are the columns read (each capped at its own per-branch
 * (1 − drop_highest)-quantile), and the numerator decides the rows the pre-treatments drop.
 */
export const populationRatioStatistic = defineStatistic({
  name: "population_ratio",
  publishedAs: "population_ratio",
  parameters: Schema.Struct({
    numerator: Schema.String,
    denominator: Schema.String,
    num_samples: BootstrapSamples,
    drop_highest: withDefault(Fraction, 0.005),
    confidence_interval: ConfidenceInterval,
  }),
  confidence: (parameters) => parameters.confidence_interval,
  aggregate: (parameters) => ({
    kind: "ratio_sums",
    numerator: parameters.numerator,
    denominator: parameters.denominator,
    winsorizeAt: 1 - parameters.drop_highest,
  }),
  fromClients: (parameters, { numerator, denominator }, maxBuckets) =>
    ratioDataOf(
      ...winsorizePairs(
        numerator ?? new Float64Array(),
        denominator ?? new Float64Array(),
        parameters.drop_highest,
      ),
      maxBuckets,
    ),
  fromPushDown: { what: "ratio data", pick: (branch) => branch.ratio },
  clientsForSpread: clientsIn,
  kernel: (parameters, ratios, { randomFor }) =>
    populationRatio(
      ratios,
      { numSamples: parameters.num_samples, confidence: parameters.confidence_interval },
      randomFor,
    ),
})
