import { identifier, stringLiteral } from "./identifiers.js"

/**
 * Rows computed in Node (statistics, logs) as a query a warehouse can store, written in
 * BigQuery's dialect like every statement the pipeline sends (the DuckDB warehouse translates
 * it): a typed array of structs, unnested (BigQuery has no VALUES clause), or typed NULLs
 * and LIMIT 0 for no rows. Non-finite numbers are written as NULL.
 */
export type ColumnType = "STRING" | "FLOAT64" | "INT64" | "BOOL" | "TIMESTAMP"

export interface ColumnSpec {
  readonly name: string
  readonly type: ColumnType
}

export type Cell = string | number | boolean | null

/** `2026-11-25T10:00:00.000Z` → `2026-11-25 10:00:00.000`, the text both engines cast. */
const timestampText = (iso: string): string => iso.replace("T", " ").replace(/Z$/, "")

const cellLiteral = (cell: Cell, type: ColumnType): string => {
  if (cell === null) return "NULL"
  switch (type) {
    case "STRING":
      return stringLiteral(String(cell))
    case "FLOAT64":
    case "INT64": {
      const value = Number(cell)
      if (!Number.isFinite(value)) return "NULL"
      return type === "INT64" ? `${Math.trunc(value)}` : `${value}`
    }
    case "BOOL":
      return cell === true ? "TRUE" : "FALSE"
    case "TIMESTAMP":
      return `CAST(${stringLiteral(timestampText(String(cell)))} AS TIMESTAMP)`
  }
}

/** A row as a struct: a tuple, or `STRUCT(x)` for one column (`(x)` is just `x`). */
const rowLiteral = (columns: ReadonlyArray<ColumnSpec>, row: ReadonlyArray<Cell>): string => {
  const cells = columns.map((column, index) => cellLiteral(row[index] ?? null, column.type))
  return `${cells.length === 1 ? "STRUCT" : ""}(${cells.join(", ")})`
}

/** A BigQuery query returning `rows` with `columns`. */
export const literalRowsQuery = (
  columns: ReadonlyArray<ColumnSpec>,
  rows: ReadonlyArray<ReadonlyArray<Cell>>,
): string => {
  if (rows.length === 0) {
    return `SELECT ${columns.map(({ name, type }) => `CAST(NULL AS ${type}) AS ${identifier(name)}`).join(", ")} LIMIT 0`
  }
  const struct = columns.map(({ name, type }) => `${identifier(name)} ${type}`).join(", ")
  return `SELECT * FROM UNNEST(ARRAY<STRUCT<${struct}>>[\n  ${rows.map((row) => rowLiteral(columns, row)).join(",\n  ")}\n])`
}
