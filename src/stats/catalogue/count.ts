import { Schema } from "effect"
import { count } from "../count-sum.js"
import { defineStatistic } from "./statistic-descriptor.js"

/** Jetstream's count: clients per branch after the pre-treatments. */
export const countStatistic = defineStatistic({
  name: "count",
  publishedAs: "count",
  parameters: Schema.Struct({}),
  aggregate: () => ({ kind: "sums" }),
  fromClients: (_parameters, { values }) => values.length,
  fromPushDown: { what: "client count", pick: (branch) => branch.clients },
  kernel: (_parameters, clients) => count(clients),
})
