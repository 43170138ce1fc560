import { Schema } from "effect"
import {
  BootstrapSamples,
  ConfidenceInterval,
  Fraction,
  withDefault,
} from "../../domain/parameter-schemas.js"
import { bootstrapMean } from "../bootstrap-mean.js"
import { totalCount, winsorizedHistogramOf } from "../value-histogram.js"
import { defineStatistic } from "./statistic-descriptor.js"

const BootstrapMeanParameters = Schema.Struct({
  num_samples: BootstrapSamples,
  /** Each branch's values above its (1 − drop_highest)-quantile are capped there. */
  drop_highest: withDefault(Fraction, 0.005),
  confidence_interval: ConfidenceInterval,
})

/** Jetstream's bootstrap_mean (published as "mean"): src/stats/bootstrap-mean.ts. */
export const bootstrapMeanStatistic = defineStatistic({
  name: "bootstrap_mean",
  publishedAs: "mean",
  parameters: BootstrapMeanParameters,
  confidence: (parameters) => parameters.confidence_interval,
  aggregate: (parameters) => ({ kind: "histogram", winsorizeAt: 1 - parameters.drop_highest }),
  fromClients: (parameters, { values }, maxBuckets) =>
    winsorizedHistogramOf(values, 1 - parameters.drop_highest, maxBuckets),
  fromPushDown: { what: "value histogram", pick: (branch) => branch.histogram },
  clientsForSpread: totalCount,
  kernel: (parameters, histograms, { randomFor }) =>
    bootstrapMean(
      histograms,
      { numSamples: parameters.num_samples, confidence: parameters.confidence_interval },
      randomFor,
    ),
})
