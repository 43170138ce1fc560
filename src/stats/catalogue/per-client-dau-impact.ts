import { perClientDauImpact } from "../per-client-dau-impact.js"
import {
  linearModelAggregate,
  linearModelParameters,
  linearModelSumsOfClients,
} from "./linear-model-parameters.js"
import { defineStatistic } from "./statistic-descriptor.js"

/** Jetstream's per_client_dau_impact: src/stats/per-client-dau-impact.ts (no winsorizing by default). */
export const perClientDauImpactStatistic = defineStatistic({
  name: "per_client_dau_impact",
  publishedAs: "per_client_dau_impact",
  parameters: linearModelParameters(0),
  confidence: (parameters) => parameters.confidence_interval,
  aggregate: linearModelAggregate,
  fromClients: (parameters, columns) => linearModelSumsOfClients(parameters, columns),
  fromPushDown: { what: "sufficient statistics", pick: (branch) => branch.sums },
  clientsForSpread: (sums) => sums.n,
  kernel: (parameters, sums) =>
    perClientDauImpact(sums, { confidence: parameters.confidence_interval }),
})
