import { Context, Data, type Effect } from "effect"
import type { CostTotals } from "./cost-totals.js"

/** A warehouse query or table operation that failed, with the SQL's purpose in words. */
export class WarehouseError extends Data.TaggedError("WarehouseError")<{
  /** What the query was for: "enrollments of my-experiment", "dry run", ... */
  readonly purpose: string
  readonly message: string
  /** The SQL, for logs and for people debugging a metric definition. */
  readonly sql?: string
}> {}

/** What a query cost, logged for every query (bytes and slot-ms on BigQuery). */
export interface QueryCost {
  readonly milliseconds: number
  readonly bytesProcessed?: number
  readonly bytesBilled?: number
  readonly slotMilliseconds?: number
}

/** Query results as columns (cheaper than row objects); BIGINT/INT64 come back as bigint. */
export interface QueryResult {
  readonly columnNames: ReadonlyArray<string>
  readonly columns: ReadonlyArray<ReadonlyArray<unknown>>
  readonly cost: QueryCost
}

export interface TableOptions {
  /** Labels the table with the experiment it belongs to (BigQuery labels). */
  readonly experimentSlug?: string
}

/**
 * Where every per-row computation runs: DuckDB embedded, or BigQuery. SQL comes in the
 * engine's dialect (`dialect`), written by src/sql; table names are bare names inside the
 * engine's configured dataset (a DuckDB schema, a BigQuery dataset).
 */
export class Warehouse extends Context.Tag("slipstream/Warehouse")<
  Warehouse,
  {
    readonly dialect: "duckdb" | "bigquery"
    /** Runs a query and reads its result. */
    readonly query: (sql: string, purpose: string) => Effect.Effect<QueryResult, WarehouseError>
    /** Writes a query's result into `table`, replacing what was there (write-truncate). */
    readonly createTableAs: (
      table: string,
      sql: string,
      purpose: string,
      options?: TableOptions,
    ) => Effect.Effect<QueryCost, WarehouseError>
    readonly tableExists: (table: string) => Effect.Effect<boolean, WarehouseError>
    /** Each column of `table` with its type as the engine names it (BOOLEAN, DOUBLE, FLOAT64, ...). */
    readonly columnTypes: (
      table: string,
    ) => Effect.Effect<ReadonlyMap<string, string>, WarehouseError>
    /** The names of the tables (and views) starting with `prefix`, sorted. */
    readonly listTables: (prefix: string) => Effect.Effect<ReadonlyArray<string>, WarehouseError>
    /**
     * `table` with its dataset (`project.dataset.table`, `schema.table`), for SQL that outlives
     * the query's default dataset: a view's body is resolved when the view is read.
     */
    readonly qualifiedName: (table: string) => string
    /** Deletes the tables whose names start with `prefix` (an experiment's tables). */
    readonly deleteTables: (prefix: string) => Effect.Effect<ReadonlyArray<string>, WarehouseError>
    /** The summed cost of every query so far (for the run's closing totals). */
    readonly costTotals: Effect.Effect<CostTotals>
    /** Checks a query without running it; bytes it would process where the engine says. */
    readonly dryRun: (sql: string, purpose: string) => Effect.Effect<QueryCost, WarehouseError>
  }
>() {}
