import { linearModelMean } from "../linear-model.js"
import {
  linearModelAggregate,
  linearModelParameters,
  linearModelSumsOfClients,
} from "./linear-model-parameters.js"
import { defineStatistic } from "./statistic-descriptor.js"

/** Jetstream's linear_model_mean (published as "mean_lm"): src/stats/linear-model.ts. */
export const linearModelMeanStatistic = defineStatistic({
  name: "linear_model_mean",
  publishedAs: "mean_lm",
  parameters: linearModelParameters(0.005),
  confidence: (parameters) => parameters.confidence_interval,
  aggregate: linearModelAggregate,
  fromClients: (parameters, columns) => linearModelSumsOfClients(parameters, columns),
  fromPushDown: { what: "sufficient statistics", pick: (branch) => branch.sums },
  clientsForSpread: (sums) => sums.n,
  kernel: (parameters, sums) =>
    linearModelMean(sums, { confidence: parameters.confidence_interval }),
})
