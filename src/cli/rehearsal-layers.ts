import { Effect, Layer, Option } from "effect"
import { Warehouse } from "../services/warehouse/warehouse.js"

/**
 * The warehouse of a rehearsal (`plan` / `validate-config` with `--sql-output-dir` or
 * `--dry-run`): nothing runs; with `directory`, every statement is written there. Tables are
 * named as the engine would name them; a metrics table's BOOL columns are what `columnsOf`
 * says (the analyser's reading of the statement), else `booleanColumns`.
 */
export const rehearsalLayer = (options: {
  readonly directory: Option.Option<string>
  readonly qualifiedName: (table: string) => string
  readonly booleanColumns: ReadonlyArray<string>
  readonly columnsOf?: (table: string) => Effect.Effect<ReadonlyMap<string, string> | undefined>
}) => {
  const guessed: ReadonlyMap<string, string> = new Map(
    options.booleanColumns.map((name) => [name, "BOOL"]),
  )
  const warehouse = Warehouse.rehearsal({
    qualifiedName: options.qualifiedName,
    columnsOf: (table) =>
      options.columnsOf === undefined
        ? Effect.succeed(guessed)
        : options
            .columnsOf(options.qualifiedName(table))
            .pipe(Effect.map((known) => known ?? guessed)),
  })
  return Option.match(options.directory, {
    onNone: () => warehouse,
    onSome: (directory) => Warehouse.recordingStatements(directory).pipe(Layer.provide(warehouse)),
  })
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
