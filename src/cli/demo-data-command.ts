import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import { Console, Effect } from "effect"
import { createDemoData } from "../pipeline/demo-data.js"
import { defaultDuckDbPath, duckDbWarehouse } from "../services/warehouse/duckdb.js"
import { setExitCode } from "./exit-code.js"
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

export const demoDataCommand = Command.make("demo-data", { clients, seed, db }, (options) =>
  createDemoData({ clients: options.clients, seed: options.seed }).pipe(
    Effect.tap(({ tables }) =>
      Console.log(
        tables
          .map(({ table, rows, milliseconds }) => `${table}\t${rows} rows\t${milliseconds} ms`)
          .join("\n"),
      ),
    ),
    Effect.provide(duckDbWarehouse({ path: options.db })),
    Effect.catchAll((error) =>
      Console.error(`slipstream demo-data: ${error.purpose}: ${error.message}`).pipe(
        Effect.zipRight(setExitCode(1)),
      ),
    ),
  ),
).pipe(
  Command.withDescription(
    "Write a deterministic demo warehouse (DuckDB): enrollment and exposure events and daily client activity for the demo experiments of config/demo/experiments.json, with known injected effects.",
  ),
)
