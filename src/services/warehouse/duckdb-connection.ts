import { type DuckDBConnection, DuckDBInstance } from "@duckdb/node-api"
import { Effect, type Scope } from "effect"
import { duckDbCompatibilityStatements } from "../../sql/dialects/duckdb-compatibility.js"
import { WarehouseError } from "./error.js"

/** A name as a DuckDB identifier. */
export const quote = (identifier: string): string => `"${identifier.replaceAll('"', '""')}"`

/** What a DuckDB call rejected with, in words. */
export const messageOf = (error: unknown): string =>
  error instanceof Error ? error.message : String(error)

/**
 * A DuckDB connection ready for Slipstream's SQL: the database at `path` (a file, created if
 * absent, or ":memory:"), the BigQuery compatibility macros installed and `schema` in use.
 * The instance and the connection are each released by the scope as soon as each exists, so a
 * setup statement that fails closes both, and a database file is never left locked until the
 * process ends.
 */
export const openDuckDb = (settings: {
  readonly path: string
  readonly schema: string
  readonly threads: number
}): Effect.Effect<DuckDBConnection, WarehouseError, Scope.Scope> =>
  Effect.gen(function* () {
    const failure = (error: unknown) =>
      new WarehouseError({
        purpose: `opening DuckDB at ${settings.path}`,
        message: messageOf(error),
        cause: error,
      })
    const instance = yield* Effect.acquireRelease(
      Effect.tryPromise({
        try: () => DuckDBInstance.create(settings.path, { threads: `${settings.threads}` }),
        catch: failure,
      }),
      (opened) => Effect.sync(() => opened.closeSync()),
    )
    const connection = yield* Effect.acquireRelease(
      Effect.tryPromise({ try: () => instance.connect(), catch: failure }),
      (opened) => Effect.sync(() => opened.closeSync()),
    )
    const setup = [
      ...duckDbCompatibilityStatements,
      `CREATE SCHEMA IF NOT EXISTS ${quote(settings.schema)}`,
      `USE ${quote(settings.schema)}`,
    ]
    for (const statement of setup) {
      yield* Effect.tryPromise({ try: () => connection.run(statement), catch: failure })
    }
    return connection
  })
