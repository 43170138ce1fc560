import { identifier, stringLiteral } from "./identifiers.js"

/**
 * Reading a per-client table file (CSV or Parquet) in an embedded DuckDB warehouse: the file
 * read once into a table of the columns needed, then queries on that table (and, when that
 * read fails, a view over the file for its columns). The file readers are DuckDB's; the rest is
 * written in BigQuery's dialect like every statement (the DuckDB warehouse translates it).
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

/** The name, in `tableFileRowsSql`'s table, of the `index`-th column read. */
export const readColumnName = (index: number): string => `column_${index}`

/**
 * The rows of the file, in its order, as a table's body: `branch`, the branch column as text,
 * then each of `columns` as the file holds it, named by `readColumnName` (a column may be read
 * twice, or be the branch column too). Only these columns are converted.
 */
export const tableFileRowsSql = (
  reader: string,
  branchColumn: string,
  columns: ReadonlyArray<string>,
): string => {
  const selected = [
    `CAST(${identifier(branchColumn)} AS STRING) AS branch`,
    ...columns.map((column, index) => `${identifier(column)} AS ${readColumnName(index)}`),
  ]
  return `SELECT ${selected.join(", ")} FROM ${reader}`
}

/**
 * The first row (`row_number`, 1-based in the file's order) whose `column` holds something
 * that is not a number, as text (`value`); no row when every value is a number or NULL.
 */
export const firstNonNumberSql = (table: string, column: string): string =>
  `SELECT row_number, value FROM (SELECT ROW_NUMBER() OVER () AS row_number, CAST(${identifier(column)} AS STRING) AS value, SAFE_CAST(${identifier(column)} AS FLOAT64) AS number FROM ${identifier(table)}) WHERE value IS NOT NULL AND number IS NULL LIMIT 1`

/**
 * Each distinct `branch` of the rows table (NULL included) with its number of rows
 * (`row_count`) and, for each of the `columns` columns read, the number of its values that
 * are not numbers (`non_numbers_0`, ...).
 */
export const branchSizesSql = (table: string, columns: number): string => {
  const nonNumbers = Array.from({ length: columns }, (_, index) => {
    const column = readColumnName(index)
    return `COUNT(CASE WHEN ${column} IS NOT NULL AND SAFE_CAST(${column} AS FLOAT64) IS NULL THEN 1 END) AS non_numbers_${index}`
  })
  return `SELECT ${["branch", "COUNT(*) AS row_count", ...nonNumbers].join(", ")} FROM ${identifier(table)} GROUP BY branch`
}

/** The columns read, as FLOAT64 (NULL where there is none), of one branch's rows in order. */
export const branchValuesSql = (table: string, branch: string, columns: number): string => {
  const selected = Array.from(
    { length: columns },
    (_, index) => `SAFE_CAST(${readColumnName(index)} AS FLOAT64)`,
  )
  return `SELECT ${selected.join(", ")} FROM ${identifier(table)} WHERE branch = ${stringLiteral(branch)}`
}

/**
 * The first row (1-based, as `first_row`) whose branch is NULL or one of `blanks`; NULL when
 * there is none.
 */
export const firstRowWithoutBranchSql = (table: string, blanks: ReadonlyArray<string>): string =>
  `SELECT MIN(row_number) AS first_row FROM (SELECT ROW_NUMBER() OVER () AS row_number, branch FROM ${identifier(table)}) WHERE branch IS NULL${blanks.length === 0 ? "" : ` OR branch IN (${blanks.map(stringLiteral).join(", ")})`}`
