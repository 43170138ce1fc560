import { Effect } from "effect"
import {
  type AnalysisBasis,
  type AnalysisWindow,
  type PreEnrollmentPeriod,
  preEnrollmentWindow,
} from "../domain/analysis-period.js"
import type { AnalysisConfiguration, Summary } from "../domain/config/analysis-configuration.js"
import { metricsTableName } from "../domain/table-names.js"
import { Warehouse } from "../services/warehouse/warehouse.js"
import { aggregateRequestOf } from "../stats/catalogue/statistic-catalogue.js"
import { computeMetricsTable, metricsFor } from "./metrics.js"

/**
 * Linear models adjust with a pre-enrollment period's metrics, read from that window's
 * table. Day 1 is due on the last enrollment date, the pre-enrollment windows the day after
 * (Jetstream's readiness): on a first run, day 1 would find no table and stay unadjusted,
 * while any rerun would adjust it. So a missing covariate table is computed here, before the
 * window's statistics — its data, days before enrollment, is complete once any window is due —
 * and a date's results do not depend on what earlier runs left.
 */

const covariatePeriodsOf = (
  summaries: ReadonlyArray<Summary>,
): ReadonlyArray<PreEnrollmentPeriod> => [
  ...new Set(
    summaries.flatMap(({ statistic }) => {
      const aggregate = aggregateRequestOf(statistic)
      return aggregate.kind === "sums" && aggregate.covariate !== undefined
        ? [aggregate.covariate.period]
        : []
    }),
  ),
]

/** Computes the covariate tables `summaries` need on `basis` that do not exist yet. */
export const ensureCovariateTables = (
  configuration: AnalysisConfiguration,
  window: AnalysisWindow,
  basis: AnalysisBasis,
  summaries: ReadonlyArray<Summary>,
) =>
  Effect.gen(function* () {
    const warehouse = yield* Warehouse
    const slug = configuration.experiment.slug
    for (const period of covariatePeriodsOf(summaries)) {
      if (period === window.period) continue
      const covariateWindow = preEnrollmentWindow(period)
      if (
        yield* warehouse.tableExists(metricsTableName(slug, basis, period, covariateWindow.index))
      ) {
        continue
      }
      const metrics = metricsFor(configuration, covariateWindow, basis)
      if (metrics.length === 0) continue
      yield* computeMetricsTable(configuration, covariateWindow, basis, metrics)
    }
  })
