import { Effect, Schema } from "effect"
import { WarehouseError } from "./error.js"
import type { QueryResult } from "./warehouse.js"

/**
 * A query's rows decoded with `row`, the schema of what the table holds: one object per row
 * keyed by column name (a column the table lacks is absent, for `Schema.optional`). A row the
 * schema refuses fails the read with a WarehouseError naming the table, the row (1-based)
 * and what is wrong with it, never a value of the wrong type further on.
 */
export const decodeQueryRows = <A, I>(
  row: Schema.Schema<A, I>,
  result: QueryResult,
  context: {
    readonly purpose: string
    /** The table or view the rows are from, as people know it. */
    readonly table: string
    /** What a row should be: "a problem row". */
    readonly rowKind: string
  },
): Effect.Effect<ReadonlyArray<A>, WarehouseError> => {
  const decode = Schema.decodeUnknownEither(row)
  const rows = result.columns[0]?.length ?? 0
  return Effect.forEach(
    Array.from({ length: rows }, (_, index) => index),
    (index) =>
      decode(
        Object.fromEntries(
          result.columnNames.map((name, column) => [name, result.columns[column]?.[index] ?? null]),
        ),
      ).pipe(
        Effect.mapError(
          (error) =>
            new WarehouseError({
              purpose: context.purpose,
              message: `row ${index + 1} of ${context.table} is not ${context.rowKind}: ${error.message}`,
              cause: error,
            }),
        ),
      ),
  )
}
