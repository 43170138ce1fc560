import { identifier, stringLiteral } from "./identifiers.js"

/**
 * Reading a per-client table file (CSV or Parquet) in an embedded DuckDB warehouse: a view
 * over the file, then queries on the view. The file readers are DuckDB's; the rest is written
 * in BigQuery's dialect like every statement (the DuckDB warehouse translates it).
 */

/** DuckDB's reader of the file, by its extension; undefined for any other kind of file. */
export const tableFileReader = (file: string): string | undefined => {
  const name = file.toLowerCase()
  if (name.endsWith(".parquet")) return `read_parquet(${stringLiteral(file)})`
  if (/\.(csv|tsv)(\.gz)?$/.test(name)) return `read_csv_auto(${stringLiteral(file)})`
  return undefined
}

/** A view of every row and column of the file that `reader` reads. */
export const tableFileViewSql = (view: string, reader: string): string =>
  `CREATE OR REPLACE VIEW ${identifier(view)} AS SELECT * FROM ${reader}`

/**
 * The first row (`row_number`, 1-based in the file's order) whose `column` holds something
 * that is not a number, as text (`value`); no row when every value is a number or NULL.
 */
export const firstNonNumberSql = (view: string, column: string): string =>
  `SELECT row_number, value FROM (SELECT ROW_NUMBER() OVER () AS row_number, CAST(${identifier(column)} AS STRING) AS value, SAFE_CAST(${identifier(column)} AS FLOAT64) AS number FROM ${identifier(view)}) WHERE value IS NOT NULL AND number IS NULL LIMIT 1`

/** The branch column as text, then each numeric column as FLOAT64 (NULL where there is none). */
export const branchColumnsSql = (
  view: string,
  branchColumn: string,
  columns: ReadonlyArray<string>,
): string => {
  const selected = [
    `CAST(${identifier(branchColumn)} AS STRING)`,
    ...columns.map((column) => `SAFE_CAST(${identifier(column)} AS FLOAT64)`),
  ]
  return `SELECT ${selected.join(", ")} FROM ${identifier(view)}`
}
