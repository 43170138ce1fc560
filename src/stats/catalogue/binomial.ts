import { Schema } from "effect"
import { ConfidenceInterval } from "../../domain/parameter-schemas.js"
import {
  type BinomialData,
  binomial,
  conversionsOfHistogram,
  conversionsOfSums,
  conversionsOfValues,
} from "../binomial.js"
import { defineStatistic } from "./statistic-descriptor.js"

/** Draws from each branch's Beta posterior: enough for stable interval ends. */
const posteriorSamples = 10_000

/**
 * Jetstream's binomial: src/stats/binomial.ts. Its Beta posterior is a complete statement
 * for any number of clients, so no branch is too small for an interval. Values must be 0 or
 * 1 (on either path); others refuse the summary.
 */
export const binomialStatistic = defineStatistic({
  name: "binomial",
  publishedAs: "binomial",
  parameters: Schema.Struct({ confidence_interval: ConfidenceInterval }),
  confidence: (parameters) => parameters.confidence_interval,
  aggregate: () => ({ kind: "histogram" }),
  fromClients: (_parameters, { values }) => conversionsOfValues(values),
  fromPushDown: {
    what: "value histogram or sufficient statistics",
    pick: (branch): BinomialData | undefined =>
      branch.histogram !== undefined
        ? conversionsOfHistogram(branch.histogram)
        : branch.sums === undefined
          ? undefined
          : conversionsOfSums(branch.sums),
  },
  kernel: (parameters, conversions, { randomFor }) =>
    binomial(
      conversions,
      { confidence: parameters.confidence_interval, numSamples: posteriorSamples },
      randomFor,
    ),
})
