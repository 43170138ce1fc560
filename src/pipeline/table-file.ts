import { randomUUID } from "node:crypto"
import * as Path from "node:path"
import { Data, Effect, Schema } from "effect"
import { didYouMean } from "../domain/config/config-issue.js"
import { decodeQueryRows } from "../services/warehouse/query-rows.js"
import { Warehouse, type WarehouseError } from "../services/warehouse/warehouse.js"
import {
  branchColumnsSql,
  firstNonNumberSql,
  tableFileReader,
  tableFileViewSql,
} from "../sql/table-file-query.js"
import { type BranchColumns, type BranchTable, branchTableOf } from "./branch-table.js"

export type { BranchColumns, BranchTable } from "./branch-table.js"

/** A per-client table file that cannot be read as asked. */
export class TableFileError extends Data.TaggedError("TableFileError")<{
  readonly file: string
  readonly message: string
}> {}

/**
 * A view of the file in the warehouse for as long as the scope lasts, under a name of its own
 * (two files read at once in one warehouse do not meet).
 */
const fileView = (file: string, reader: string) =>
  Effect.acquireRelease(
    Effect.gen(function* () {
      const warehouse = yield* Warehouse
      const view = `table_file_${randomUUID().replaceAll("-", "")}`
      yield* warehouse.query(
        tableFileViewSql(warehouse.qualifiedName(view), reader),
        `reading ${Path.basename(file)}`,
      )
      return view
    }),
    (view) => Effect.ignore(Effect.flatMap(Warehouse, (warehouse) => warehouse.deleteTables(view))),
  )

const NonNumber = Schema.Struct({ row_number: Schema.BigIntFromSelf, value: Schema.String })

/**
 * Reads a CSV or Parquet file of one row per client through the warehouse (an embedded
 * DuckDB, whose readers read the file): the branch column and the named numeric columns
 * (booleans read as 0/1), split by branch. A missing column or a value that is not a number
 * is an error naming the column (and the row). Rows whose branch is NULL, empty or blank
 * belong to no branch: they are left out and counted.
 */
export const readBranchTable = (
  file: string,
  branchColumn: string,
  columns: ReadonlyArray<string>,
): Effect.Effect<BranchTable, TableFileError, Warehouse> =>
  Effect.scoped(
    Effect.gen(function* () {
      const fail = (message: string) => new TableFileError({ file, message })
      const reader = tableFileReader(file)
      if (reader === undefined) {
        return yield* fail(
          `${Path.basename(file)} is neither CSV (.csv, .tsv) nor Parquet (.parquet)`,
        )
      }
      const warehouse = yield* Warehouse
      const view = yield* fileView(file, reader)
      const available = [...(yield* warehouse.columnTypes(view)).keys()]
      for (const column of [branchColumn, ...columns]) {
        if (!available.includes(column)) {
          return yield* fail(
            `no column "${column}"${didYouMean(column, available)}; the file has ${available.join(", ")}`,
          )
        }
      }
      for (const column of columns) {
        const purpose = `checking column ${column} of ${Path.basename(file)}`
        const [bad] = yield* decodeQueryRows(
          NonNumber,
          yield* warehouse.query(firstNonNumberSql(view, column), purpose),
          { purpose, table: Path.basename(file), rowKind: "a row number and its value" },
        )
        if (bad !== undefined) {
          return yield* fail(
            `column "${column}", row ${bad.row_number}: ${JSON.stringify(bad.value)} is not a number`,
          )
        }
      }
      const result = yield* warehouse.query(
        branchColumnsSql(view, branchColumn, columns),
        `reading ${Path.basename(file)}`,
      )
      return branchTableOf(result.columns, columns)
    }),
  ).pipe(
    Effect.catchTag("WarehouseError", (error: WarehouseError) =>
      Effect.fail(new TableFileError({ file, message: error.message })),
    ),
  )

/** `readBranchTable`'s columns by branch (rows without a branch left out). */
export const readBranchColumns = (
  file: string,
  branchColumn: string,
  columns: ReadonlyArray<string>,
): Effect.Effect<BranchColumns, TableFileError, Warehouse> =>
  Effect.map(readBranchTable(file, branchColumn, columns), ({ branches }) => branches)
