import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import { Console, Effect } from "effect"
import { createDemoData, deleteResultTables, resultTables } from "../pipeline/demo-data.js"
import { defaultDuckDbPath, duckDbWarehouse } from "../services/warehouse/duckdb.js"
import { setExitCode } from "./exit-code.js"
import { UsageError } from "./layers.js"
import { between } from "./run-options.js"

const clients = Options.integer("clients").pipe(
  Options.withDefault(100_000),
  between("clients", 1, 10_000_000, "rows of generated telemetry, about 40 per client"),
  Options.withDescription("how many clients to generate"),
)
const seed = Options.integer("seed").pipe(
  Options.withDefault(1),
  Options.withDescription("the same seed writes the same telemetry"),
)
const db = Options.text("db").pipe(
  Options.withDefault(defaultDuckDbPath),
  Options.withDescription("the DuckDB database file to write (created if absent)"),
)

const replace = Options.boolean("replace").pipe(
  Options.withDescription(
    "when the database holds Slipstream results (statistics, metrics, enrollments, logs), delete them with the old telemetry instead of refusing",
  ),
)

/** A few table names, then how many more. */
const someOf = (tables: ReadonlyArray<string>): string =>
  tables.length <= 3
    ? tables.join(", ")
    : `${tables.slice(0, 3).join(", ")} and ${tables.length - 3} more`

export const demoDataCommand = Command.make(
  "demo-data",
  { clients, seed, db, replace },
  (options) =>
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
      Effect.provide(duckDbWarehouse({ path: options.db })),
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
    ),
).pipe(
  Command.withDescription(
    "Write a deterministic demo warehouse (DuckDB): enrollment and exposure events and daily client activity for the demo experiments of config/demo/experiments.json, with known injected effects. Refuses (exit 2) a database that holds Slipstream results, unless --replace.",
  ),
)
