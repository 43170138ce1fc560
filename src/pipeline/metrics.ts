import { Effect } from "effect"
import type { AnalysisBasis, AnalysisWindow } from "../domain/analysis-period.js"
import type { AnalysisConfiguration, Metric } from "../domain/config/analysis-configuration.js"
import { addDays } from "../domain/dates.js"
import { enrollmentsTableName, metricsTableName } from "../domain/table-names.js"
import { Warehouse, WarehouseError } from "../services/warehouse/warehouse.js"
import { buildMetricsQuery } from "../sql/metrics-query.js"

/** The metrics of a period computed on a basis: those with a data source and that basis. */
export const metricsFor = (
  configuration: AnalysisConfiguration,
  window: AnalysisWindow,
  basis: AnalysisBasis,
  only?: ReadonlyArray<string>,
): ReadonlyArray<Metric> =>
  configuration.periods[window.period].metrics.filter(
    (metric) =>
      metric.dataSource !== undefined &&
      metric.analysisBases.includes(basis) &&
      (only === undefined || only.length === 0 || only.includes(metric.name)),
  )

/** A metric left out of its window's table because its SQL failed on its own. */
export interface FailedMetric {
  readonly metric: string
  readonly error: WarehouseError
}

export interface MetricsTable {
  readonly table: string
  readonly failed: ReadonlyArray<FailedMetric>
}

/**
 * Writes `<slug>_<basis>_<period>_<window>`: one row per client of the basis with the
 * window's metrics (only the window being analysed: earlier windows have their own tables).
 * The data read spans the first enrollment's window start to the last enrollment's (or,
 * on the exposures basis, the last exposure's) window end. When the query fails, each metric
 * is checked alone (a dry run) and the table is written without those that fail: one broken
 * metric definition does not cost the others.
 */
export const computeMetricsTable = (
  configuration: AnalysisConfiguration,
  window: AnalysisWindow,
  basis: AnalysisBasis,
  metrics: ReadonlyArray<Metric>,
): Effect.Effect<MetricsTable, WarehouseError, Warehouse> =>
  Effect.gen(function* () {
    const warehouse = yield* Warehouse
    const { experiment, schedule } = configuration
    const table = metricsTableName(experiment.slug, basis, window.period, window.index)
    const purpose = `${window.period} ${window.index} metrics of ${experiment.slug} (${basis})`
    const { startDate, lastEnrollmentDate, endDate } = schedule
    if (startDate === undefined || lastEnrollmentDate === undefined) {
      return yield* new WarehouseError({
        purpose,
        message: "the experiment has no enrollment period",
      })
    }
    const lastAnchor = basis === "exposures" && endDate !== undefined ? endDate : lastEnrollmentDate
    const queryFor = (selected: ReadonlyArray<Metric>) =>
      buildMetricsQuery({
        experimentSlug: experiment.slug,
        enrollmentsTable: enrollmentsTableName(experiment.slug),
        windows: [{ start: window.start, end: window.end }],
        basis,
        analysisUnit: configuration.analysisUnit,
        metrics: selected,
        firstDateDataRequired: addDays(startDate, window.start),
        lastDateDataRequired: addDays(lastAnchor, window.end),
      })
    const write = (selected: ReadonlyArray<Metric>) =>
      warehouse.createTableAs(table, queryFor(selected), purpose, {
        experimentSlug: experiment.slug,
      })
    return yield* write(metrics).pipe(
      Effect.as({ table, failed: [] }),
      Effect.catchAll((error) =>
        Effect.gen(function* () {
          const checked = yield* Effect.forEach(metrics, (metric) =>
            warehouse.dryRun(queryFor([metric]), `checking metric ${metric.name}`).pipe(
              Effect.as(undefined),
              Effect.catchAll((failure) => Effect.succeed({ metric: metric.name, error: failure })),
            ),
          )
          const failed = checked.filter((entry): entry is FailedMetric => entry !== undefined)
          const working = metrics.filter(
            ({ name }) => !failed.some(({ metric }) => metric === name),
          )
          if (failed.length === 0 || working.length === 0) return yield* error
          yield* write(working)
          return { table, failed }
        }),
      ),
    )
  })
