import { Effect, Schema } from "effect"
import { type AnalysisPeriod, analysisBases } from "../domain/analysis-period.js"
import { type StatisticResult, sampleRatioMetric } from "../domain/statistic-result.js"
import {
  statisticsTableName,
  statisticsTablePrefix,
  statisticsViewName,
} from "../domain/table-names.js"
import { decodeQueryRows } from "../services/warehouse/query-rows.js"
import { Warehouse, type WarehouseError } from "../services/warehouse/warehouse.js"
import type { Cell } from "../sql/literal-rows.js"
import {
  selectStatisticsSql,
  statisticsColumns,
  statisticsViewSql,
} from "../sql/statistics-tables.js"
import { type MultipleTestingMethod, withAdjustedPValues } from "../stats/multiple-testing.js"
import { replaceTableRows } from "./replace-table-rows.js"

/**
 * A run's results in the warehouse: a statistics table per experiment, period and window, and
 * a view per period over its windows. Every write replaces, so rerunning a date leaves the
 * same rows, never duplicates.
 */

const statisticsCells = (row: StatisticResult): ReadonlyArray<Cell> => [
  row.metric,
  row.statistic,
  row.parameter === null ? null : String(row.parameter),
  row.branch,
  row.comparison,
  row.comparison_to_branch,
  row.ci_width,
  row.point,
  row.lower,
  row.upper,
  row.segment,
  row.analysis_basis,
  row.window_index,
  row.p_value ?? null,
  row.p_value_adjusted ?? null,
]

/** A FLOAT64 cell as published: null for NULL, and for NaN or an infinity (never NaN). */
const Estimate = Schema.transform(Schema.NullOr(Schema.Number), Schema.NullOr(Schema.Number), {
  strict: true,
  decode: (value) => (value !== null && Number.isFinite(value) ? value : null),
  encode: (value) => value,
})

/** A row of a statistics table or view as it is read back. */
const StatisticsRow = Schema.Struct({
  metric: Schema.String,
  statistic: Schema.String,
  parameter: Schema.NullOr(Schema.String),
  branch: Schema.String,
  comparison: Schema.NullOr(Schema.Literal("difference", "relative_uplift", "chance_to_beat")),
  comparison_to_branch: Schema.NullOr(Schema.String),
  ci_width: Estimate,
  point: Estimate,
  lower: Estimate,
  upper: Estimate,
  segment: Schema.String,
  analysis_basis: Schema.Literal(...analysisBases),
  window_index: Schema.String,
  // Tables written before p_value (and p_value_adjusted) was published have no such column.
  p_value: Schema.optionalWith(Estimate, { default: () => null }),
  p_value_adjusted: Schema.optionalWith(Estimate, { default: () => null }),
})

/** The rows of a statistics table or view, decoded; with `exceptMetrics`, the other metrics'. */
export const readStatistics = (
  table: string,
  purpose: string,
  options: { readonly exceptMetrics?: ReadonlyArray<string> } = {},
): Effect.Effect<ReadonlyArray<StatisticResult>, WarehouseError, Warehouse> =>
  Effect.gen(function* () {
    const warehouse = yield* Warehouse
    const result = yield* warehouse.query(selectStatisticsSql(table, options), purpose)
    return yield* decodeQueryRows(StatisticsRow, result, {
      purpose,
      table,
      rowKind: "a statistics row",
    })
  })

/**
 * Writes one window's statistics (the table is replaced whole or not at all) and refreshes
 * the period's view over every window written so far. With `multipleTesting`, the p-values of
 * the whole table — the rows kept from an earlier run too — are adjusted together.
 */
export const writeStatistics = (
  slug: string,
  period: AnalysisPeriod,
  windowIndex: number,
  results: ReadonlyArray<StatisticResult>,
  options: {
    /**
     * The run computed only these metrics (`--metric`): the table keeps the other metrics'
     * rows it has, and takes these and the recomputed populations from `results`.
     */
    readonly onlyMetrics?: ReadonlyArray<string>
    readonly multipleTesting?: {
      readonly method: MultipleTestingMethod
      readonly referenceBranch: string
    }
  } = {},
): Effect.Effect<string, WarehouseError, Warehouse> =>
  Effect.gen(function* () {
    const warehouse = yield* Warehouse
    const table = statisticsTableName(slug, period, windowIndex)
    // The populations and the sample-ratio test are computed again whatever the metrics.
    const replaced = [...(options.onlyMetrics ?? []), "identity", sampleRatioMetric]
    const kept =
      options.onlyMetrics !== undefined &&
      options.onlyMetrics.length > 0 &&
      (yield* warehouse.tableExists(table))
        ? yield* readStatistics(
            table,
            `statistics of ${slug}, ${period} window ${windowIndex}, other metrics`,
            { exceptMetrics: replaced },
          )
        : []
    yield* replaceTableRows(
      table,
      statisticsColumns,
      (options.multipleTesting === undefined
        ? [...kept, ...results]
        : withAdjustedPValues(
            [...kept, ...results],
            options.multipleTesting.method,
            options.multipleTesting.referenceBranch,
          )
      ).map(statisticsCells),
      `statistics of ${slug}, ${period} window ${windowIndex}`,
      slug,
    )
    const prefix = statisticsTablePrefix(slug, period)
    const windows = (yield* warehouse.listTables(prefix)).filter((name) =>
      /^\d+$/.test(name.slice(prefix.length)),
    )
    const view = statisticsViewName(slug, period)
    // The table just written has every column; older windows may lack the newer ones. One
    // metadata lookup each (a daily period has dozens of windows: looked up a few at a time).
    const current = new Set(statisticsColumns.map(({ name }) => name))
    const windowTables = yield* Effect.forEach(
      windows,
      (window) =>
        (window === table
          ? Effect.succeed(current)
          : Effect.map(warehouse.columnTypes(window), (types) => new Set(types.keys()))
        ).pipe(Effect.map((columns) => ({ table: warehouse.qualifiedName(window), columns }))),
      { concurrency: 8 },
    )
    yield* warehouse.query(
      statisticsViewSql(warehouse.qualifiedName(view), windowTables),
      `view ${view}`,
    )
    return table
  })
