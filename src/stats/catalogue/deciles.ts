import { Schema } from "effect"
import { BootstrapSamples, ConfidenceInterval } from "../../domain/parameter-schemas.js"
import { decileLevels, deciles } from "../deciles.js"
import { orderStatisticsInBands } from "../order-statistics.js"
import { defineStatistic } from "./statistic-descriptor.js"

/** Jetstream's deciles: src/stats/deciles.ts, on the exact order statistics it draws from. */
export const decilesStatistic = defineStatistic({
  name: "deciles",
  publishedAs: "deciles",
  parameters: Schema.Struct({
    num_samples: BootstrapSamples,
    confidence_interval: ConfidenceInterval,
  }),
  confidence: (parameters) => parameters.confidence_interval,
  aggregate: () => ({ kind: "order_statistics", levels: decileLevels }),
  fromClients: (_parameters, { values }) => orderStatisticsInBands(values, decileLevels),
  fromPushDown: { what: "order statistics", pick: (branch) => branch.orderStatistics },
  clientsForSpread: (orderStatistics) => orderStatistics.n,
  kernel: (parameters, orderStatistics, { randomFor }) =>
    deciles(
      orderStatistics,
      { numSamples: parameters.num_samples, confidence: parameters.confidence_interval },
      randomFor,
    ),
})
