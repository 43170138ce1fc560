import { identifier } from "./identifiers.js"
import { type Cell, type ColumnSpec, literalRowsQuery } from "./literal-rows.js"

/**
 * Statements on a whole table, shared by the tables Slipstream keeps (statistics, logs,
 * configuration hashes). Names are as the caller gives them: qualified
 * (`warehouse.qualifiedName`) where the statement must not depend on a default dataset.
 */

/** Creates the table with `columns` and no rows unless it exists, in one statement. */
export const createTableUnlessExistsSql = (
  table: string,
  columns: ReadonlyArray<ColumnSpec>,
): string => `CREATE TABLE IF NOT EXISTS ${identifier(table)} AS\n${literalRowsQuery(columns, [])}`

/** Appends rows whose cells are in the table's column order. */
export const insertRowsSql = (
  table: string,
  columns: ReadonlyArray<ColumnSpec>,
  rows: ReadonlyArray<ReadonlyArray<Cell>>,
): string => `INSERT INTO ${identifier(table)}\n${literalRowsQuery(columns, rows)}`

/** Every row and column of a table or view. */
export const selectAllSql = (table: string): string => `SELECT * FROM ${identifier(table)}`

export const dropTableSql = (table: string): string => `DROP TABLE IF EXISTS ${identifier(table)}`

export const countRowsSql = (table: string): string => `SELECT COUNT(*) FROM ${identifier(table)}`

/** A table written from a query, as the one statement it amounts to. */
export const createOrReplaceTableSql = (table: string, query: string): string =>
  `CREATE OR REPLACE TABLE ${identifier(table)} AS\n${query}`
