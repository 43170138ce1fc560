import { Effect, Ref } from "effect"
import { noCost } from "./cost-totals.js"
import type { WarehouseError } from "./error.js"
import type { QueryResult, Warehouse } from "./warehouse.js"

/**
 * A warehouse that runs nothing: every query answers no rows, every table written exists
 * afterwards with the columns `columnsOf` says. Run under it (`Warehouse.rehearsal`, with `Warehouse.recordingStatements`), the
 * pipeline sends exactly the statements a real run would send with no data — what `plan` and
 * `validate-config` write with `--sql-output-dir`, and what `--dry-run` checks.
 */
export interface RehearsalSettings {
  /** `dataset.table` as the statements should spell it. */
  readonly qualifiedName: (table: string) => string
  /**
   * The columns (name → BigQuery type) a table written by `sql` would have, as far as they
   * can be known without running it; the pipeline reads them to find BOOL metrics.
   */
  readonly columnsOf: (
    table: string,
    sql: string,
  ) => Effect.Effect<ReadonlyMap<string, string>, WarehouseError>
}

const noRows: QueryResult = {
  columnNames: [],
  columns: [],
  cost: { milliseconds: 0 },
}

export const makeRehearsalWarehouse = (
  settings: RehearsalSettings,
): Effect.Effect<Warehouse["Type"]> =>
  Effect.gen(function* () {
    const tables = yield* Ref.make(new Map<string, ReadonlyMap<string, string>>())
    const names = Ref.get(tables).pipe(Effect.map((known) => [...known.keys()].sort()))
    return {
      dialect: "bigquery",
      query: () => Effect.succeed(noRows),
      queryDoubles: () => Effect.succeed([]),
      createTableAs: (table, sql) =>
        settings.columnsOf(table, sql).pipe(
          Effect.flatMap((columns) =>
            Ref.update(tables, (known) => new Map(known).set(table, columns)),
          ),
          Effect.as({ milliseconds: 0 }),
        ),
      tableExists: (table) => Ref.get(tables).pipe(Effect.map((known) => known.has(table))),
      columnTypes: (table) =>
        Ref.get(tables).pipe(Effect.map((known) => known.get(table) ?? new Map())),
      listTables: (prefix) =>
        names.pipe(Effect.map((all) => all.filter((name) => name.startsWith(prefix)))),
      qualifiedName: settings.qualifiedName,
      deleteTables: (prefix) =>
        Effect.gen(function* () {
          const doomed = (yield* names).filter((name) => name.startsWith(prefix))
          yield* Ref.update(tables, (known) => {
            const left = new Map(known)
            for (const name of doomed) left.delete(name)
            return left
          })
          return doomed
        }),
      costTotals: Effect.succeed(noCost),
      dryRun: () => Effect.succeed({ milliseconds: 0 }),
    }
  })
