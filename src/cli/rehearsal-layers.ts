import { Effect, Layer, Option } from "effect"
import { rehearsalWarehouse } from "../services/warehouse/rehearsal.js"
import { recordStatements } from "../services/warehouse/statement-recorder.js"
import type { WarehouseError } from "../services/warehouse/warehouse.js"

/**
 * The warehouse of a rehearsal (`plan` / `validate-config` with `--sql-output-dir`): nothing
 * runs, every statement is written under `directory`. Tables are named as the engine would
 * name them; a metrics table's BOOL columns are `booleanColumns` (unless `columnsOf` knows).
 */
export const rehearsalLayer = (options: {
  readonly directory: string
  readonly qualifiedName: (table: string) => string
  readonly booleanColumns: ReadonlyArray<string>
  readonly columnsOf?: (
    table: string,
    sql: string,
  ) => Effect.Effect<ReadonlyMap<string, string> | undefined, WarehouseError>
}) => {
  const guessed = new Map(options.booleanColumns.map((name) => [name, "BOOL"]))
  return recordStatements(options.directory).pipe(
    Layer.provide(
      rehearsalWarehouse({
        qualifiedName: options.qualifiedName,
        columnsOf: (table, sql) =>
          options.columnsOf === undefined
            ? Effect.succeed(guessed)
            : options.columnsOf(table, sql).pipe(Effect.map((known) => known ?? guessed)),
      }),
    ),
  )
}

/** `project.dataset.table` on BigQuery, `main.table` as the DuckDB warehouse names it. */
export const qualifiedNameFor =
  (
    engine: "duckdb" | "bigquery",
    projectId: Option.Option<string>,
    datasetId: Option.Option<string>,
  ) =>
  (table: string): string =>
    engine === "bigquery"
      ? `${Option.getOrElse(projectId, () => "project")}.${Option.getOrElse(datasetId, () => "dataset")}.${table}`
      : `main.${table}`
