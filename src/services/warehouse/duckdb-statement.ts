import type { DuckDBConnection } from "@duckdb/node-api"
import { Effect } from "effect"
import type { CostTally } from "./cost-totals.js"
import { messageOf } from "./duckdb-connection.js"
import { WarehouseError } from "./error.js"
import type { QueryCost } from "./warehouse.js"

/** A DuckDB call on a connection, `sql` being what it runs (for errors and logs). */
export type RunStatement = <A>(
  sql: string,
  purpose: string,
  run: () => Promise<A>,
) => Effect.Effect<{ readonly result: A; readonly cost: QueryCost }, WarehouseError>

/**
 * A DuckDB call as an Effect: its rejection a WarehouseError with the first line of DuckDB's
 * message. Interrupted (Ctrl-C, SIGTERM, a timeout), it stops the statement in DuckDB too, and
 * waits until it has stopped, so the connection is free for whatever runs next.
 */
const settled = <A>(
  connection: DuckDBConnection,
  sql: string,
  purpose: string,
  run: () => Promise<A>,
): Effect.Effect<A, WarehouseError> =>
  Effect.async<A, WarehouseError>((resume) => {
    const running = run()
    running.then(
      (value) => resume(Effect.succeed(value)),
      (error) =>
        resume(
          Effect.fail(
            new WarehouseError({
              purpose,
              sql,
              message: messageOf(error).split("\n")[0] ?? "",
              cause: error,
            }),
          ),
        ),
    )
    return Effect.promise(() => {
      connection.interrupt()
      return running.then(
        () => undefined,
        () => undefined,
      )
    })
  })

/**
 * Statements on `connection`, one at a time (DuckDB parallelises inside each), each timed,
 * logged at debug level and added to `tally`.
 */
export const statementRunner = (
  connection: DuckDBConnection,
  tally: CostTally,
): Effect.Effect<RunStatement> =>
  Effect.map(
    Effect.makeSemaphore(1),
    (oneAtATime): RunStatement =>
      (sql, purpose, run) =>
        Effect.gen(function* () {
          const started = performance.now()
          const result = yield* settled(connection, sql, purpose, run)
          const cost: QueryCost = { milliseconds: Math.round(performance.now() - started) }
          yield* tally.add(cost)
          yield* Effect.logDebug("query").pipe(
            Effect.annotateLogs({ engine: "duckdb", purpose, milliseconds: cost.milliseconds }),
          )
          return { result, cost }
        }).pipe(oneAtATime.withPermits(1)),
  )
