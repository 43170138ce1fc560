import { Effect } from "effect"
import { type DemoSettings, demoTelemetryTables } from "../demo/demo-telemetry.js"
import { Warehouse, type WarehouseError } from "../services/warehouse/warehouse.js"

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
      const count = yield* warehouse.query(`SELECT COUNT(*) FROM ${table}`, `counting ${table}`)
      const rows = Number(count.columns[0]?.[0] ?? 0)
      yield* Effect.logInfo(`demo ${table}: ${rows} rows in ${cost.milliseconds} ms`)
      tables.push({ table, rows, milliseconds: cost.milliseconds })
    }
    return { tables }
  })
