import { Effect } from "effect"
import { type DemoSettings, demoTelemetryTables } from "../demo/demo-telemetry.js"
import { analysisPeriods } from "../domain/analysis-period.js"
import { configHashesTable, logsTable } from "../domain/table-names.js"
import { Warehouse, type WarehouseError } from "../services/warehouse/warehouse.js"
import { countRowsSql, dropTableSql } from "../sql/table-statements.js"

export interface DemoDataSummary {
  readonly tables: ReadonlyArray<{
    readonly table: string
    readonly rows: number
    readonly milliseconds: number
  }>
}

/** Writes the demo warehouse (replacing its tables), logging each table as it is made. */
export const createDemoData = (
  settings: DemoSettings,
): Effect.Effect<DemoDataSummary, WarehouseError, Warehouse> =>
  Effect.gen(function* () {
    const warehouse = yield* Warehouse
    const tables: Array<DemoDataSummary["tables"][number]> = []
    for (const { table, sql } of demoTelemetryTables(settings)) {
      const cost = yield* warehouse.createTableAs(table, sql, `demo table ${table}`)
      const count = yield* warehouse.query(countRowsSql(table), `counting ${table}`)
      const rows = Number(count.columns[0]?.[0] ?? 0)
      yield* Effect.logInfo(`demo ${table}: ${rows} rows in ${cost.milliseconds} ms`)
      tables.push({ table, rows, milliseconds: cost.milliseconds })
    }
    return { tables }
  })

/** Prefixes of Slipstream's tables (and views) that only Slipstream writes. */
const resultPrefixes = ["statistics_", "enrollments_"] as const

/** `<slug>_<basis>_<period>_<window>`: per-client metrics (table-names.ts, metricsTableName). */
const metricsTablePattern = new RegExp(
  `_(?:enrollments|exposures)_(?:${analysisPeriods.join("|")})_\\d+$`,
)

/**
 * Whether a table is one of Slipstream's results, computed from the telemetry: statistics
 * tables and views, enrollments, per-client metrics, the problems log and the configuration
 * hashes (with a staging table a killed write may have left).
 */
export const isResultTable = (name: string): boolean => {
  const table = name.replace(/__staging$/, "")
  return (
    table === logsTable ||
    table === configHashesTable ||
    resultPrefixes.some((prefix) => table.startsWith(prefix)) ||
    metricsTablePattern.test(table)
  )
}

/** The tables of Slipstream's results in the warehouse, sorted. */
export const resultTables: Effect.Effect<
  ReadonlyArray<string>,
  WarehouseError,
  Warehouse
> = Effect.gen(function* () {
  const tables = yield* (yield* Warehouse).listTables("")
  return tables.filter(isResultTable)
})

/**
 * Deletes Slipstream's results (`resultTables`): new telemetry under old results would
 * publish statistics of data that is no longer there. Returns the tables deleted.
 */
export const deleteResultTables: Effect.Effect<
  ReadonlyArray<string>,
  WarehouseError,
  Warehouse
> = Effect.gen(function* () {
  const warehouse = yield* Warehouse
  const all = yield* warehouse.listTables("")
  const doomed = all.filter(isResultTable)
  for (const prefix of resultPrefixes) yield* warehouse.deleteTables(prefix)
  for (const table of doomed.filter(
    (name) => !resultPrefixes.some((prefix) => name.startsWith(prefix)),
  )) {
    // deleteTables takes a prefix: by name only where no other table starts with the name.
    const alone = all.every((other) => other === table || !other.startsWith(table))
    if (alone) yield* warehouse.deleteTables(table)
    else yield* warehouse.query(dropTableSql(warehouse.qualifiedName(table)), `deleting ${table}`)
  }
  return doomed
})
