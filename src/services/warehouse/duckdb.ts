import { Effect, Either, type Scope } from "effect"
import { toDuckDbSql } from "../../sql/dialects/duckdb-compatibility.js"
import { makeCostTally } from "./cost-totals.js"
import { messageOf, openDuckDb, quote } from "./duckdb-connection.js"
import { WarehouseError } from "./error.js"
import type { QueryCost, QueryResult, Warehouse } from "./warehouse.js"

export interface DuckDbSettings {
  /** A database file (created if absent), or ":memory:". */
  readonly path: string
  /** The schema Slipstream's tables go into (a BigQuery dataset's counterpart). */
  readonly schema?: string
  /** DuckDB worker threads; 1 makes sums of doubles bit-identical between runs. */
  readonly threads?: number
}

export const defaultDuckDbPath = "./slipstream.duckdb"

const literal = (text: string): string => `'${text.replaceAll("'", "''")}'`

/** The DuckDB warehouse (`Warehouse.duckDb`), open for the scope's lifetime. */
export const makeDuckDbWarehouse = (
  settings: DuckDbSettings,
): Effect.Effect<Warehouse["Type"], WarehouseError, Scope.Scope> =>
  Effect.gen(function* () {
    const schema = settings.schema ?? "main"
    const connection = yield* openDuckDb({
      path: settings.path,
      schema,
      threads: settings.threads ?? 2,
    })

    const translate = (sql: string, purpose: string) =>
      Either.match(toDuckDbSql(sql), {
        onLeft: (constructs) =>
          Effect.fail(
            new WarehouseError({
              purpose,
              sql,
              message: `DuckDB cannot run ${constructs.map(({ construct, reason }) => `${construct} (${reason})`).join(", ")}`,
            }),
          ),
        onRight: (translated) => Effect.succeed(translated),
      })

    // One connection runs one statement at a time; DuckDB parallelises inside each.
    const oneAtATime = yield* Effect.makeSemaphore(1)
    const tally = makeCostTally()
    const timed = <A>(sql: string, purpose: string, run: () => Promise<A>) =>
      Effect.gen(function* () {
        const started = performance.now()
        const result = yield* Effect.async<A, WarehouseError>((resume) => {
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
                  }),
                ),
              ),
          )
          // Interrupted (Ctrl-C, SIGTERM, a timeout): stop the statement in DuckDB too, and
          // wait until it has stopped, so the connection is free for whatever runs next.
          return Effect.promise(() => {
            connection.interrupt()
            return running.then(
              () => undefined,
              () => undefined,
            )
          })
        })
        const cost: QueryCost = { milliseconds: Math.round(performance.now() - started) }
        yield* tally.add(cost)
        yield* Effect.logDebug("query").pipe(
          Effect.annotateLogs({ engine: "duckdb", purpose, milliseconds: cost.milliseconds }),
        )
        return { result, cost }
      }).pipe(oneAtATime.withPermits(1))

    const query = (sql: string, purpose: string): Effect.Effect<QueryResult, WarehouseError> =>
      Effect.gen(function* () {
        const translated = yield* translate(sql, purpose)
        const { result, cost } = yield* timed(translated, purpose, () =>
          connection.runAndReadAll(translated),
        )
        return { columnNames: result.columnNames(), columns: result.getColumnsJS(), cost }
      })

    const createTableAs = (table: string, sql: string, purpose: string) =>
      Effect.gen(function* () {
        const translated = yield* translate(sql, purpose)
        const statement = `CREATE OR REPLACE TABLE ${quote(schema)}.${quote(table)} AS ${translated}`
        return (yield* timed(statement, purpose, () => connection.run(statement))).cost
      })

    /** Tables and views of the schema, sorted by name. */
    const relations = (purpose: string) =>
      timed("information_schema.tables", purpose, () =>
        connection.runAndReadAll(
          `SELECT table_name, table_type FROM information_schema.tables WHERE table_schema = ${literal(schema)} ORDER BY table_name`,
        ),
      ).pipe(
        Effect.map(({ result }) => {
          const [names = [], types = []] = result.getColumnsJS()
          return names.map((name, row) => ({
            name: String(name),
            kind: types[row] === "VIEW" ? "VIEW" : "TABLE",
          }))
        }),
      )

    const tableExists = (table: string) =>
      relations(`checking for table ${table}`).pipe(
        Effect.map((found) => found.some(({ name }) => name === table)),
      )

    const columnTypes = (table: string) =>
      timed("information_schema.columns", `columns of ${table}`, () =>
        connection.runAndReadAll(
          `SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = ${literal(schema)} AND table_name = ${literal(table)} ORDER BY ordinal_position`,
        ),
      ).pipe(
        Effect.map(({ result }) => {
          const [names = [], types = []] = result.getColumnsJS()
          return new Map(names.map((name, row) => [String(name), String(types[row])]))
        }),
      )

    const listTables = (prefix: string) =>
      relations(`listing tables ${prefix}*`).pipe(
        Effect.map((found) =>
          found.filter(({ name }) => name.startsWith(prefix)).map(({ name }) => name),
        ),
      )

    const deleteTables = (prefix: string) =>
      Effect.gen(function* () {
        const purpose = `deleting tables ${prefix}*`
        const doomed = (yield* relations(purpose)).filter(({ name }) => name.startsWith(prefix))
        for (const { name, kind } of doomed) {
          const statement = `DROP ${kind} IF EXISTS ${quote(schema)}.${quote(name)}`
          yield* timed(statement, purpose, () => connection.run(statement))
        }
        return doomed.map(({ name }) => name)
      })

    const dryRun = (sql: string, purpose: string) =>
      Effect.gen(function* () {
        const translated = yield* translate(sql, purpose)
        return (yield* timed(translated, purpose, () => connection.run(`EXPLAIN ${translated}`)))
          .cost
      })

    return {
      dialect: "duckdb",
      query,
      createTableAs,
      tableExists,
      columnTypes,
      listTables,
      qualifiedName: (table) => `${schema}.${table}`,
      costTotals: tally.read,
      deleteTables,
      dryRun,
    }
  })
