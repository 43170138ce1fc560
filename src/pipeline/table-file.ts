import { randomUUID } from "node:crypto"
import * as Path from "node:path"
import { Data, Effect, Schema } from "effect"
import { didYouMean } from "../domain/config/config-issue.js"
import { decodeQueryRows } from "../services/warehouse/query-rows.js"
import { Warehouse, type WarehouseError } from "../services/warehouse/warehouse.js"
import {
  branchSizesSql,
  branchValuesSql,
  firstNonNumberSql,
  firstRowWithoutBranchSql,
  readColumnName,
  tableFileReader,
  tableFileRowsSql,
  tableFileViewSql,
} from "../sql/table-file-query.js"
import {
  type BranchColumns,
  type BranchTable,
  isNamedBranch,
  sortedBranches,
} from "./branch-table.js"

export type { BranchColumns, BranchTable } from "./branch-table.js"

/** A per-client table file that cannot be read as asked. */
export class TableFileError extends Data.TaggedError("TableFileError")<{
  readonly file: string
  readonly message: string
  /** The warehouse's error, when reading the file failed there. */
  readonly cause?: WarehouseError
}> {}

/**
 * A name of its own for the file's tables in the warehouse (two files read at once in one
 * warehouse do not meet), for as long as the scope lasts: the release deletes every table and
 * view whose name starts with it.
 */
const fileTablesName = Effect.acquireRelease(
  Effect.sync(() => `table_file_${randomUUID().replaceAll("-", "")}`),
  (name) => Effect.ignore(Effect.flatMap(Warehouse, (warehouse) => warehouse.deleteTables(name))),
)

/**
 * Why the file's rows could not be read, when a column is missing: a view of the file shows
 * which columns it has.
 */
const missingColumn = (
  file: string,
  reader: string,
  view: string,
  wanted: ReadonlyArray<string>,
): Effect.Effect<string | undefined, WarehouseError, Warehouse> =>
  Effect.gen(function* () {
    const warehouse = yield* Warehouse
    yield* warehouse.query(
      tableFileViewSql(warehouse.qualifiedName(view), reader),
      `reading ${Path.basename(file)}`,
    )
    const available = [...(yield* warehouse.columnTypes(view)).keys()]
    const missing = wanted.find((column) => !available.includes(column))
    return missing === undefined
      ? undefined
      : `no column "${missing}"${didYouMean(missing, available)}; the file has ${available.join(", ")}`
  })

const NonNumber = Schema.Struct({ row_number: Schema.BigIntFromSelf, value: Schema.String })

/**
 * Reads a CSV or Parquet file of one row per client through the warehouse (an embedded
 * DuckDB, whose readers read the file): the branch column and the named numeric columns
 * (booleans read as 0/1), split by branch. A missing column or a value that is not a number
 * is an error naming the column (and the row). Rows whose branch is NULL, empty or blank
 * belong to no branch: they are left out and counted.
 *
 * The file is parsed once, into a table of the columns needed; each branch's values are then
 * read from it alone, so no branch name is read row by row.
 */
export const readBranchTable = (
  file: string,
  branchColumn: string,
  columns: ReadonlyArray<string>,
): Effect.Effect<BranchTable, TableFileError, Warehouse> =>
  Effect.scoped(
    Effect.gen(function* () {
      const fail = (message: string) => new TableFileError({ file, message })
      const name = Path.basename(file)
      const reader = tableFileReader(file)
      if (reader === undefined) {
        return yield* fail(`${name} is neither CSV (.csv, .tsv) nor Parquet (.parquet)`)
      }
      const warehouse = yield* Warehouse
      const rows = yield* fileTablesName
      yield* warehouse
        .createTableAs(rows, tableFileRowsSql(reader, branchColumn, columns), `reading ${name}`)
        .pipe(
          Effect.catchTag("WarehouseError", (error) =>
            Effect.flatMap(
              missingColumn(file, reader, `${rows}_columns`, [branchColumn, ...columns]),
              (missing) => Effect.fail(missing === undefined ? error : fail(missing)),
            ),
          ),
        )
      const purpose = `reading ${name}`
      const sizes = yield* warehouse.query(branchSizesSql(rows, columns.length), purpose)
      for (const [index, column] of columns.entries()) {
        const nonNumbers = sizes.columns[index + 2] ?? []
        if (nonNumbers.every((count) => Number(count) === 0)) continue
        const checking = `checking column ${column} of ${name}`
        const [bad] = yield* decodeQueryRows(
          NonNumber,
          yield* warehouse.query(firstNonNumberSql(rows, readColumnName(index)), checking),
          { purpose: checking, table: name, rowKind: "a row number and its value" },
        )
        if (bad !== undefined) {
          return yield* fail(
            `column "${column}", row ${bad.row_number}: ${JSON.stringify(bad.value)} is not a number`,
          )
        }
      }
      return yield* branchesOf(rows, purpose, sizes.columns, columns)
    }),
  ).pipe(
    Effect.catchTag("WarehouseError", (error: WarehouseError) =>
      Effect.fail(new TableFileError({ file, message: error.message, cause: error })),
    ),
  )

/** The rows table `rows` split by branch, given its branches and their sizes (`sizes`). */
const branchesOf = (
  rows: string,
  purpose: string,
  [keys = [], counts = []]: ReadonlyArray<ReadonlyArray<unknown>>,
  columns: ReadonlyArray<string>,
) =>
  Effect.gen(function* () {
    const warehouse = yield* Warehouse
    const withoutBranch = keys.reduce<number>(
      (total, key, index) => (isNamedBranch(key) ? total : total + Number(counts[index])),
      0,
    )
    // Blank names (NULL is matched apart): which rows they are is read only if there are any.
    const blanks = keys.filter(
      (key): key is string => typeof key === "string" && !isNamedBranch(key),
    )
    const firstRow =
      withoutBranch === 0
        ? undefined
        : (yield* warehouse.query(firstRowWithoutBranchSql(rows, blanks), purpose)).columns[0]?.[0]
    const branches = new Map<string, ReadonlyMap<string, Float64Array>>()
    for (const branch of sortedBranches(keys.filter(isNamedBranch))) {
      const values = yield* warehouse.queryDoubles(
        branchValuesSql(rows, branch, columns.length),
        purpose,
      )
      branches.set(
        branch,
        new Map(columns.map((column, index) => [column, values[index] ?? new Float64Array(0)])),
      )
    }
    return {
      branches,
      withoutBranch: {
        rows: withoutBranch,
        ...(firstRow === undefined || firstRow === null ? {} : { firstRow: Number(firstRow) }),
      },
    }
  })

/** `readBranchTable`'s columns by branch (rows without a branch left out). */
export const readBranchColumns = (
  file: string,
  branchColumn: string,
  columns: ReadonlyArray<string>,
): Effect.Effect<BranchColumns, TableFileError, Warehouse> =>
  Effect.map(readBranchTable(file, branchColumn, columns), ({ branches }) => branches)
