import { perClientDauImpact } from "../per-client-dau-impact.js"
import { defineLinearModelStatistic } from "./linear-model-statistic.js"

/** Jetstream's per_client_dau_impact: src/stats/per-client-dau-impact.ts (no winsorizing by default). */
export const perClientDauImpactStatistic = defineLinearModelStatistic({
  name: "per_client_dau_impact",
  publishedAs: "per_client_dau_impact",
  dropHighest: 0,
  fit: perClientDauImpact,
})
