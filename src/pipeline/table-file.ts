import * as Path from "node:path"
import { DuckDBInstance } from "@duckdb/node-api"
import { Data, Effect } from "effect"
import { didYouMean } from "../domain/config/config-issue.js"

/** A per-client table file that cannot be read as asked. */
export class TableFileError extends Data.TaggedError("TableFileError")<{
  readonly file: string
  readonly message: string
}> {}

/** Numeric columns per branch; SQL NULL reads as NaN. */
export type BranchColumns = ReadonlyMap<string, ReadonlyMap<string, Float64Array>>

/** A table's rows by branch, and the rows left out because their branch cell is empty. */
export interface BranchTable {
  readonly branches: BranchColumns
  /** Rows whose branch is NULL, empty or blank: in no branch. */
  readonly withoutBranch: {
    readonly rows: number
    /** The first of them, 1-based as the data rows are counted (the header is not a row). */
    readonly firstRow?: number
  }
}

const quoteIdentifier = (name: string): string => `"${name.replaceAll('"', '""')}"`
const quoteLiteral = (text: string): string => `'${text.replaceAll("'", "''")}'`

const readerFor = (file: string): string | undefined => {
  const name = file.toLowerCase()
  if (name.endsWith(".parquet")) return `read_parquet(${quoteLiteral(file)})`
  if (/\.(csv|tsv)(\.gz)?$/.test(name)) return `read_csv_auto(${quoteLiteral(file)})`
  return undefined
}

/**
 * Reads a CSV or Parquet file of one row per client through an in-memory DuckDB: the branch
 * column and the named numeric columns (booleans read as 0/1), split by branch. A missing
 * column or a value that is not a number is an error naming the column (and the row). Rows
 * whose branch is NULL, empty or blank belong to no branch: they are left out and counted.
 */
export const readBranchTable = (
  file: string,
  branchColumn: string,
  columns: ReadonlyArray<string>,
): Effect.Effect<BranchTable, TableFileError> =>
  Effect.scoped(
    Effect.gen(function* () {
      const fail = (message: string) => new TableFileError({ file, message })
      const reader = readerFor(file)
      if (reader === undefined) {
        return yield* Effect.fail(
          fail(`${Path.basename(file)} is neither CSV (.csv, .tsv) nor Parquet (.parquet)`),
        )
      }
      const connection = yield* Effect.acquireRelease(
        Effect.tryPromise({
          try: async () => {
            const instance = await DuckDBInstance.create(":memory:")
            const connection = await instance.connect()
            await connection.run("SET autoinstall_known_extensions=false")
            return { instance, connection }
          },
          catch: (error) => fail(`cannot start DuckDB: ${String(error)}`),
        }),
        ({ instance, connection }) =>
          Effect.sync(() => {
            connection.closeSync()
            instance.closeSync()
          }),
      ).pipe(Effect.map(({ connection }) => connection))
      const query = (sql: string) =>
        Effect.tryPromise({
          try: () => connection.runAndReadAll(sql),
          catch: (error) =>
            fail(error instanceof Error ? (error.message.split("\n")[0] ?? "") : String(error)),
        })

      const available =
        (yield* query(`DESCRIBE SELECT * FROM ${reader}`)).getColumnsJS()[0]?.map(String) ?? []
      for (const column of [branchColumn, ...columns]) {
        if (!available.includes(column)) {
          return yield* Effect.fail(
            fail(
              `no column "${column}"${didYouMean(column, available)}; the file has ${available.join(", ")}`,
            ),
          )
        }
      }
      for (const column of columns) {
        const bad = (yield* query(
          `SELECT row_number, value FROM (SELECT ROW_NUMBER() OVER () AS row_number, CAST(${quoteIdentifier(column)} AS VARCHAR) AS value, TRY_CAST(${quoteIdentifier(column)} AS DOUBLE) AS number FROM ${reader}) WHERE value IS NOT NULL AND number IS NULL LIMIT 1`,
        )).getColumnsJS()
        const row = bad[0]?.[0]
        if (row !== undefined) {
          return yield* Effect.fail(
            fail(
              `column "${column}", row ${String(row)}: ${JSON.stringify(bad[1]?.[0])} is not a number`,
            ),
          )
        }
      }
      const selected = [
        `CAST(${quoteIdentifier(branchColumn)} AS VARCHAR)`,
        ...columns.map((column) => `TRY_CAST(${quoteIdentifier(column)} AS DOUBLE)`),
      ]
      const result = (yield* query(`SELECT ${selected.join(", ")} FROM ${reader}`)).getColumnsJS()
      const branchValues = result[0] ?? []
      const rowsByBranch = new Map<string, number[]>()
      let withoutBranch = 0
      let firstWithoutBranch: number | undefined
      branchValues.forEach((branch, row) => {
        const key = branch === null ? "" : String(branch)
        if (key.trim() === "") {
          withoutBranch++
          firstWithoutBranch ??= row + 1
          return
        }
        const rows = rowsByBranch.get(key) ?? []
        rows.push(row)
        rowsByBranch.set(key, rows)
      })
      const byBranch = new Map<string, ReadonlyMap<string, Float64Array>>()
      for (const [branch, rows] of [...rowsByBranch].sort(([a], [b]) => a.localeCompare(b))) {
        byBranch.set(
          branch,
          new Map(
            columns.map((column, index) => {
              const values = result[index + 1] ?? []
              return [
                column,
                Float64Array.from(rows, (row) => {
                  const value = values[row]
                  return typeof value === "number" ? value : Number.NaN
                }),
              ]
            }),
          ),
        )
      }
      return {
        branches: byBranch,
        withoutBranch: {
          rows: withoutBranch,
          ...(firstWithoutBranch === undefined ? {} : { firstRow: firstWithoutBranch }),
        },
      }
    }),
  )

/** `readBranchTable`'s columns by branch (rows without a branch left out). */
export const readBranchColumns = (
  file: string,
  branchColumn: string,
  columns: ReadonlyArray<string>,
): Effect.Effect<BranchColumns, TableFileError> =>
  Effect.map(readBranchTable(file, branchColumn, columns), ({ branches }) => branches)
