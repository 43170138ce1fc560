import { linearModelMean } from "../linear-model.js"
import { defineLinearModelStatistic } from "./linear-model-statistic.js"

/** Jetstream's linear_model_mean (published as "mean_lm"): src/stats/linear-model.ts. */
export const linearModelMeanStatistic = defineLinearModelStatistic({
  name: "linear_model_mean",
  publishedAs: "mean_lm",
  dropHighest: 0.005,
  fit: linearModelMean,
})
