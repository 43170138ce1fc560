import { identifier, stringLiteral } from "./identifiers.js"

/**
 * Rows computed in Node (statistics, logs) as a query the warehouse can store: BigQuery has
 * no VALUES clause and DuckDB cannot expand an array of structs the same way, so each
 * dialect gets its own form of the same rows. Non-finite numbers are written as NULL.
 */
export type ColumnType = "STRING" | "FLOAT64" | "INT64" | "BOOL" | "TIMESTAMP"

export interface ColumnSpec {
  readonly name: string
  readonly type: ColumnType
}

export type Cell = string | number | boolean | null

const duckDbType: Readonly<Record<ColumnType, string>> = {
  STRING: "VARCHAR",
  FLOAT64: "DOUBLE",
  INT64: "BIGINT",
  BOOL: "BOOLEAN",
  TIMESTAMP: "TIMESTAMP",
}

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

const rowLiteral = (columns: ReadonlyArray<ColumnSpec>, row: ReadonlyArray<Cell>): string =>
  `(${columns.map((column, index) => cellLiteral(row[index] ?? null, column.type)).join(", ")})`

const emptyRows = (columns: ReadonlyArray<ColumnSpec>, typeName: (type: ColumnType) => string) =>
  `SELECT ${columns.map(({ name, type }) => `CAST(NULL AS ${typeName(type)}) AS ${identifier(name)}`).join(", ")} LIMIT 0`

/** A query returning `rows` with `columns`, written in the warehouse's dialect. */
export const literalRowsQuery = (
  dialect: "bigquery" | "duckdb",
  columns: ReadonlyArray<ColumnSpec>,
  rows: ReadonlyArray<ReadonlyArray<Cell>>,
): string => {
  if (dialect === "bigquery") {
    if (rows.length === 0) return emptyRows(columns, (type) => type)
    const struct = columns.map(({ name, type }) => `${identifier(name)} ${type}`).join(", ")
    return `SELECT * FROM UNNEST(ARRAY<STRUCT<${struct}>>[\n  ${rows.map((row) => rowLiteral(columns, row)).join(",\n  ")}\n])`
  }
  if (rows.length === 0) return emptyRows(columns, (type) => duckDbType[type])
  const names = columns.map((_, index) => `c${index}`)
  const casts = columns
    .map(({ name, type }, index) => `CAST(c${index} AS ${duckDbType[type]}) AS ${identifier(name)}`)
    .join(", ")
  return `SELECT ${casts} FROM (VALUES\n  ${rows.map((row) => rowLiteral(columns, row)).join(",\n  ")}\n) AS v(${names.join(", ")})`
}
