import { Console, Effect } from "effect"
import { createDemoData, deleteResultTables, resultTables } from "../pipeline/demo-data.js"
import { Warehouse } from "../services/warehouse/warehouse.js"
import type { DemoDataOptions } from "./commands/demo-data.js"
import { setExitCode } from "./exit-code.js"
import { UsageError } from "./layers.js"

// What `slipstream demo-data` does; its flags are in commands/demo-data.ts.

/** A few table names, then how many more. */
const someOf = (tables: ReadonlyArray<string>): string =>
  tables.length <= 3
    ? tables.join(", ")
    : `${tables.slice(0, 3).join(", ")} and ${tables.length - 3} more`

export const demoDataHandler = (options: DemoDataOptions) =>
  Effect.gen(function* () {
    // New telemetry under old results would leave statistics of data that is gone.
    const results = yield* resultTables
    if (results.length > 0 && !options.replace) {
      return yield* new UsageError({
        message: `${options.db} already holds Slipstream results (${someOf(results)}): give --replace to delete them with the telemetry, or another --db`,
      })
    }
    if (results.length > 0) {
      const deleted = yield* deleteResultTables
      yield* Console.error(`deleted ${deleted.length} result tables: ${someOf(deleted)}`)
    }
    const { tables } = yield* createDemoData({ clients: options.clients, seed: options.seed })
    yield* Console.log(
      tables
        .map(({ table, rows, milliseconds }) => `${table}\t${rows} rows\t${milliseconds} ms`)
        .join("\n"),
    )
  }).pipe(
    Effect.provide(Warehouse.duckDb({ path: options.db })),
    Effect.catchTags({
      UsageError: (error) =>
        Console.error(`slipstream demo-data: ${error.message}`).pipe(
          Effect.zipRight(setExitCode(2)),
        ),
      WarehouseError: (error) =>
        Console.error(`slipstream demo-data: ${error.purpose}: ${error.message}`).pipe(
          Effect.zipRight(setExitCode(1)),
        ),
    }),
  )
