import type { DuckDBConnection } from "@duckdb/node-api"
import { Effect, Either, type Scope } from "effect"
import { toDuckDbSql } from "../../sql/dialects/duckdb-compatibility.js"
import { makeCostTally } from "./cost-totals.js"
import { openDuckDb, quote } from "./duckdb-connection.js"
import { doubleColumnsOf } from "./duckdb-doubles.js"
import { type RunStatement, statementRunner } from "./duckdb-statement.js"
import { WarehouseError } from "./error.js"
import type { QueryResult, Warehouse } from "./warehouse.js"

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

/** BigQuery-style SQL as DuckDB runs it; a construct it cannot run fails the query, named. */
const translated = (sql: string, purpose: string): Effect.Effect<string, WarehouseError> =>
  Either.match(toDuckDbSql(sql), {
    onLeft: (constructs) =>
      Effect.fail(
        new WarehouseError({
          purpose,
          sql,
          message: `DuckDB cannot run ${constructs.map(({ construct, reason }) => `${construct} (${reason})`).join(", ")}`,
        }),
      ),
    onRight: (translation) => Effect.succeed(translation),
  })

interface Relation {
  readonly name: string
  readonly kind: "TABLE" | "VIEW"
}

/** What the schema's catalog (information_schema) tells about its tables and views. */
const schemaCatalog = (connection: DuckDBConnection, schema: string, timed: RunStatement) => ({
  /** Tables and views of the schema, sorted by name. */
  relations: (purpose: string): Effect.Effect<ReadonlyArray<Relation>, WarehouseError> =>
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
    ),

  columnTypes: (table: string): Effect.Effect<ReadonlyMap<string, string>, WarehouseError> =>
    timed("information_schema.columns", `columns of ${table}`, () =>
      connection.runAndReadAll(
        `SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = ${literal(schema)} AND table_name = ${literal(table)} ORDER BY ordinal_position`,
      ),
    ).pipe(
      Effect.map(({ result }) => {
        const [names = [], types = []] = result.getColumnsJS()
        return new Map(names.map((name, row) => [String(name), String(types[row])]))
      }),
    ),
})

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
    const tally = yield* makeCostTally
    const timed = yield* statementRunner(connection, tally)
    const catalog = schemaCatalog(connection, schema, timed)

    const query = (sql: string, purpose: string): Effect.Effect<QueryResult, WarehouseError> =>
      Effect.gen(function* () {
        const duckDbSql = yield* translated(sql, purpose)
        const { result, cost } = yield* timed(duckDbSql, purpose, () =>
          connection.runAndReadAll(duckDbSql),
        )
        return { columnNames: result.columnNames(), columns: result.getColumnsJS(), cost }
      })

    const queryDoubles = (sql: string, purpose: string) =>
      Effect.gen(function* () {
        const duckDbSql = yield* translated(sql, purpose)
        const { result } = yield* timed(duckDbSql, purpose, () => connection.run(duckDbSql))
        return doubleColumnsOf(result)
      })

    const createTableAs = (table: string, sql: string, purpose: string) =>
      Effect.gen(function* () {
        const duckDbSql = yield* translated(sql, purpose)
        const statement = `CREATE OR REPLACE TABLE ${quote(schema)}.${quote(table)} AS ${duckDbSql}`
        return (yield* timed(statement, purpose, () => connection.run(statement))).cost
      })

    const deleteTables = (prefix: string) =>
      Effect.gen(function* () {
        const purpose = `deleting tables ${prefix}*`
        const doomed = (yield* catalog.relations(purpose)).filter(({ name }) =>
          name.startsWith(prefix),
        )
        for (const { name, kind } of doomed) {
          const statement = `DROP ${kind} IF EXISTS ${quote(schema)}.${quote(name)}`
          yield* timed(statement, purpose, () => connection.run(statement))
        }
        return doomed.map(({ name }) => name)
      })

    const dryRun = (sql: string, purpose: string) =>
      Effect.gen(function* () {
        const duckDbSql = yield* translated(sql, purpose)
        return (yield* timed(duckDbSql, purpose, () => connection.run(`EXPLAIN ${duckDbSql}`))).cost
      })

    return {
      dialect: "duckdb",
      query,
      queryDoubles,
      createTableAs,
      tableExists: (table) =>
        catalog
          .relations(`checking for table ${table}`)
          .pipe(Effect.map((found) => found.some(({ name }) => name === table))),
      columnTypes: catalog.columnTypes,
      listTables: (prefix) =>
        catalog
          .relations(`listing tables ${prefix}*`)
          .pipe(
            Effect.map((found) =>
              found.filter(({ name }) => name.startsWith(prefix)).map(({ name }) => name),
            ),
          ),
      qualifiedName: (table) => `${schema}.${table}`,
      costTotals: tally.read,
      deleteTables,
      dryRun,
    }
  })
