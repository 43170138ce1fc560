import { Effect } from "effect"
import { Warehouse } from "../services/warehouse/warehouse.js"
import type { Cell, ColumnSpec } from "../sql/literal-rows.js"
import { literalRowsQuery } from "../sql/literal-rows.js"
import { dropTableSql, insertRowsSql, selectAllSql } from "../sql/table-statements.js"

/** Rows per literal query: BigQuery refuses query text over 1 MB (a row is ~250 bytes). */
const rowsPerQuery = 1_000

/**
 * Replaces `table` with `rows` in one statement. More rows than one query can carry go to a
 * staging table chunk by chunk first, then replace the table in one statement: readers see
 * the old rows or the new ones, never a part.
 */
export const replaceTableRows = (
  table: string,
  columns: ReadonlyArray<ColumnSpec>,
  rows: ReadonlyArray<ReadonlyArray<Cell>>,
  purpose: string,
  slug: string,
) =>
  Effect.gen(function* () {
    const warehouse = yield* Warehouse
    const chunks: Array<ReadonlyArray<ReadonlyArray<Cell>>> = []
    for (let start = 0; start < rows.length; start += rowsPerQuery) {
      chunks.push(rows.slice(start, start + rowsPerQuery))
    }
    const [first = [], ...rest] = chunks
    if (rest.length === 0) {
      yield* warehouse.createTableAs(table, literalRowsQuery(columns, first), purpose, {
        experimentSlug: slug,
      })
      return
    }
    const staging = `${table}__staging`
    const stagingName = warehouse.qualifiedName(staging)
    const dropStaging = warehouse.query(
      dropTableSql(stagingName),
      `${purpose}: dropping ${staging}`,
    )
    yield* Effect.gen(function* () {
      yield* warehouse.createTableAs(staging, literalRowsQuery(columns, first), purpose, {
        experimentSlug: slug,
      })
      for (const chunk of rest) {
        yield* warehouse.query(insertRowsSql(stagingName, columns, chunk), purpose)
      }
      yield* warehouse.createTableAs(table, selectAllSql(stagingName), purpose, {
        experimentSlug: slug,
      })
      // Failed or interrupted (Ctrl-C, SIGTERM) part way: no staging table is left behind.
    }).pipe(Effect.onError(() => Effect.ignore(dropStaging)))
    yield* dropStaging
  })
