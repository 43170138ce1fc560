import { Schema } from "effect"
import { sum as compensatedSum } from "simple-statistics"
import { sum } from "../count-sum.js"
import { defineStatistic } from "./statistic-descriptor.js"

/** Jetstream's sum: the metric summed over a branch's clients. */
export const sumStatistic = defineStatistic({
  name: "sum",
  publishedAs: "sum",
  parameters: Schema.Struct({}),
  aggregate: () => ({ kind: "sums" }),
  // Kahan-Babuška summation: a million per-client values add up without drifting in the last digits.
  fromClients: (_parameters, { values }) => compensatedSum(Array.from(values)),
  fromPushDown: { what: "sufficient statistics", pick: (branch) => branch.sums?.sumY },
  kernel: (_parameters, totals) => sum(totals),
})
