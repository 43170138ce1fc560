import type { FileSystem } from "@effect/platform/FileSystem"
import { Context, Effect, Layer } from "effect"
import type { SqlAnalyzer } from "../sql-analyzer.js"
import type { BigQuerySettings } from "./bigquery.js"
import type { CostTotals } from "./cost-totals.js"
import type { DuckDbSettings } from "./duckdb.js"
import type { WarehouseError } from "./error.js"
import { makeRehearsalWarehouse, type RehearsalSettings } from "./rehearsal.js"
import { checkingStatements, type StatementCatalog } from "./statement-checker.js"
import { recordingStatements } from "./statement-recorder.js"

export { WarehouseError } from "./error.js"

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
    /**
     * Runs a query of numeric columns and reads each as doubles (integers converted; NULL, or
     * anything not a number, as NaN): many values, a branch's per-client values, without a
     * JavaScript value for each.
     */
    readonly queryDoubles: (
      sql: string,
      purpose: string,
    ) => Effect.Effect<ReadonlyArray<Float64Array>, WarehouseError>
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
>() {
  /**
   * The embedded warehouse: DuckDB in this process, over a file or memory. BigQuery-style SQL
   * from metric definitions runs through the compatibility rewrite; a construct DuckDB cannot
   * run fails the query with that construct named. Tables are created with CREATE OR REPLACE,
   * one statement, so an interrupted run leaves the previous table or the new one, never half.
   */
  static readonly duckDb = (settings: DuckDbSettings): Layer.Layer<Warehouse, WarehouseError> =>
    Layer.scoped(
      Warehouse,
      // Each engine's module (and its client library) loads only when a run picks it.
      Effect.promise(() => import("./duckdb.js")).pipe(
        Effect.flatMap(({ makeDuckDbWarehouse }) => makeDuckDbWarehouse(settings)),
      ),
    )

  /** BigQuery through the official client, every query a job; see bigquery.ts. */
  static readonly bigQuery = (settings: BigQuerySettings): Layer.Layer<Warehouse> =>
    Layer.effect(
      Warehouse,
      Effect.promise(() => import("./bigquery.js")).pipe(
        Effect.flatMap(({ makeBigQueryWarehouse }) => makeBigQueryWarehouse(settings)),
      ),
    )

  /**
   * A warehouse that runs nothing and answers no rows; the pipeline run under it sends what it
   * would send without data (`plan`, `validate-config --dry-run`); see rehearsal.ts.
   */
  static readonly rehearsal = (settings: RehearsalSettings): Layer.Layer<Warehouse> =>
    Layer.effect(Warehouse, makeRehearsalWarehouse(settings))

  /** The warehouse below, with every statement written to `directory` as sent (`--sql-output-dir`). */
  static readonly recordingStatements = (
    directory: string,
  ): Layer.Layer<Warehouse, never, Warehouse | FileSystem> =>
    Layer.effect(
      Warehouse,
      Effect.flatMap(Warehouse, (inner) => recordingStatements(inner, directory)),
    )

  /** The warehouse below, with every statement checked by GoogleSQL's analyser first. */
  static readonly checkingStatements = (
    catalog: StatementCatalog,
    mode: "parse" | "analyze",
  ): Layer.Layer<Warehouse, never, Warehouse | SqlAnalyzer> =>
    Layer.effect(
      Warehouse,
      Effect.flatMap(Warehouse, (inner) => checkingStatements(inner, catalog, mode)),
    )
}
