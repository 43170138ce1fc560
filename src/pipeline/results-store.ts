import { Effect } from "effect"
import type { AnalysisPeriod } from "../domain/analysis-period.js"
import type { IsoDate } from "../domain/dates.js"
import { type StatisticResult, sampleRatioMetric } from "../domain/statistic-result.js"
import {
  configHashesTable,
  statisticsTableName,
  statisticsTablePrefix,
  statisticsViewName,
} from "../domain/table-names.js"
import { Warehouse, type WarehouseError } from "../services/warehouse/warehouse.js"
import { identifier, stringLiteral } from "../sql/identifiers.js"
import { type Cell, type ColumnSpec, literalRowsQuery } from "../sql/literal-rows.js"

/**
 * Where a run's results live in the warehouse: statistics tables per window and a view per
 * period, the configuration hashes (the logs table is problem-log.ts's). Every write replaces or deletes before
 * it appends, so rerunning a date leaves the same rows, never duplicates.
 */

export const statisticsColumns: ReadonlyArray<ColumnSpec> = [
  { name: "metric", type: "STRING" },
  { name: "statistic", type: "STRING" },
  { name: "parameter", type: "STRING" },
  { name: "branch", type: "STRING" },
  { name: "comparison", type: "STRING" },
  { name: "comparison_to_branch", type: "STRING" },
  { name: "ci_width", type: "FLOAT64" },
  { name: "point", type: "FLOAT64" },
  { name: "lower", type: "FLOAT64" },
  { name: "upper", type: "FLOAT64" },
  { name: "segment", type: "STRING" },
  { name: "analysis_basis", type: "STRING" },
  { name: "window_index", type: "STRING" },
  { name: "p_value", type: "FLOAT64" },
]

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
]

/** Rows per literal query: BigQuery refuses query text over 1 MB (a row is ~250 bytes). */
const rowsPerQuery = 1_000

/**
 * Replaces `table` with `rows` in one statement. More rows than one query can carry go to a
 * staging table chunk by chunk first, then replace the table in one statement: readers see
 * the old rows or the new ones, never a part.
 */
const replaceWithRows = (
  table: string,
  columns: ReadonlyArray<ColumnSpec>,
  rows: ReadonlyArray<ReadonlyArray<Cell>>,
  purpose: string,
  slug: string,
) =>
  Effect.gen(function* () {
    const warehouse = yield* Warehouse
    const chunks: Array<ReadonlyArray<ReadonlyArray<Cell>>> = []
    for (let start = 0; start < rows.length; start += rowsPerQuery) {
      chunks.push(rows.slice(start, start + rowsPerQuery))
    }
    const [first = [], ...rest] = chunks
    if (rest.length === 0) {
      yield* warehouse.createTableAs(table, literalRowsQuery(columns, first), purpose, {
        experimentSlug: slug,
      })
      return
    }
    const staging = `${table}__staging`
    const stagingName = identifier(warehouse.qualifiedName(staging))
    const dropStaging = warehouse.query(
      `DROP TABLE IF EXISTS ${stagingName}`,
      `${purpose}: dropping ${staging}`,
    )
    yield* Effect.gen(function* () {
      yield* warehouse.createTableAs(staging, literalRowsQuery(columns, first), purpose, {
        experimentSlug: slug,
      })
      for (const chunk of rest) {
        yield* warehouse.query(
          `INSERT INTO ${stagingName}\n${literalRowsQuery(columns, chunk)}`,
          purpose,
        )
      }
      yield* warehouse.createTableAs(table, `SELECT * FROM ${stagingName}`, purpose, {
        experimentSlug: slug,
      })
      // Failed or interrupted (Ctrl-C, SIGTERM) part way: no staging table is left behind.
    }).pipe(Effect.onError(() => Effect.ignore(dropStaging)))
    yield* dropStaging
  })

const textOrNull = (value: unknown): string | null =>
  value === null || value === undefined ? null : String(value)
const numberOrNull = (value: unknown): number | null => {
  const parsed =
    typeof value === "bigint" ? Number(value) : typeof value === "number" ? value : Number.NaN
  return Number.isFinite(parsed) ? parsed : null
}

/** The rows of a statistics table or view, as the warehouse stored them. */
export const readStatistics = (view: string, purpose: string, where = "TRUE") =>
  Effect.gen(function* () {
    const warehouse = yield* Warehouse
    const result = yield* warehouse.query(
      `SELECT * FROM ${identifier(view)} WHERE ${where}`,
      purpose,
    )
    const column = (name: string) => result.columns[result.columnNames.indexOf(name)] ?? []
    return (result.columns[0] ?? []).map(
      (_, row): StatisticResult => ({
        metric: String(column("metric")[row]),
        statistic: String(column("statistic")[row]),
        parameter: textOrNull(column("parameter")[row]),
        branch: String(column("branch")[row]),
        comparison: textOrNull(column("comparison")[row]) as StatisticResult["comparison"],
        comparison_to_branch: textOrNull(column("comparison_to_branch")[row]),
        ci_width: numberOrNull(column("ci_width")[row]),
        point: numberOrNull(column("point")[row]),
        lower: numberOrNull(column("lower")[row]),
        upper: numberOrNull(column("upper")[row]),
        segment: String(column("segment")[row]),
        analysis_basis: String(column("analysis_basis")[row]) as StatisticResult["analysis_basis"],
        window_index: String(column("window_index")[row]),
        p_value: numberOrNull(column("p_value")[row]),
      }),
    )
  })

/**
 * Writes one window's statistics (the table is replaced whole or not at all) and refreshes
 * the period's view over every window written so far.
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
            `metric NOT IN (${replaced.map(stringLiteral).join(", ")})`,
          )
        : []
    yield* replaceWithRows(
      table,
      statisticsColumns,
      [...kept, ...results].map(statisticsCells),
      `statistics of ${slug}, ${period} window ${windowIndex}`,
      slug,
    )
    const prefix = statisticsTablePrefix(slug, period)
    const windows = (yield* warehouse.listTables(prefix)).filter((name) =>
      /^\d+$/.test(name.slice(prefix.length)),
    )
    const view = statisticsViewName(slug, period)
    const body = windows
      .map((name) => `SELECT * FROM ${identifier(warehouse.qualifiedName(name))}`)
      .join("\nUNION ALL\n")
    yield* warehouse.query(
      `CREATE OR REPLACE VIEW ${identifier(warehouse.qualifiedName(view))} AS\n${body}`,
      `view ${view}`,
    )
    return table
  })

/**
 * Creates a shared table from its columns when it does not exist yet, in one statement:
 * experiments run concurrently, and a check then a create could let one replace the table
 * another has just written rows to.
 */
const ensureTable = (table: string, columns: ReadonlyArray<ColumnSpec>) =>
  Effect.gen(function* () {
    const warehouse = yield* Warehouse
    yield* warehouse.query(
      `CREATE TABLE IF NOT EXISTS ${identifier(warehouse.qualifiedName(table))} AS\n${literalRowsQuery(columns, [])}`,
      `creating ${table} unless it exists`,
    )
  })

const configHashColumns: ReadonlyArray<ColumnSpec> = [
  { name: "experiment", type: "STRING" },
  { name: "config_hash", type: "STRING" },
  { name: "analysis_date", type: "STRING" },
]

/** Stores the hash of the configuration an experiment's results were computed with. */
export const recordConfigHash = (
  experiment: string,
  hash: string,
  date: IsoDate,
): Effect.Effect<void, WarehouseError, Warehouse> =>
  Effect.gen(function* () {
    const warehouse = yield* Warehouse
    yield* ensureTable(configHashesTable, configHashColumns)
    yield* warehouse.query(
      `DELETE FROM ${identifier(configHashesTable)} WHERE experiment = ${stringLiteral(experiment)}`,
      `replacing the configuration hash of ${experiment}`,
    )
    yield* warehouse.query(
      `INSERT INTO ${identifier(configHashesTable)}\n${literalRowsQuery(configHashColumns, [[experiment, hash, date]])}`,
      `recording the configuration hash of ${experiment}`,
    )
  })

/** The stored configuration hash of every experiment analysed so far. */
export const storedConfigHashes = (): Effect.Effect<
  ReadonlyMap<string, string>,
  WarehouseError,
  Warehouse
> =>
  Effect.gen(function* () {
    const warehouse = yield* Warehouse
    if (!(yield* warehouse.tableExists(configHashesTable))) return new Map()
    const result = yield* warehouse.query(
      `SELECT experiment, config_hash FROM ${identifier(configHashesTable)}`,
      "reading configuration hashes",
    )
    const [experiments = [], hashes = []] = result.columns
    return new Map(experiments.map((experiment, row) => [String(experiment), String(hashes[row])]))
  })
