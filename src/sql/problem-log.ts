import type { AnalysisPeriod } from "../domain/analysis-period.js"
import { identifier, stringLiteral } from "./identifiers.js"
import { type Cell, type ColumnSpec, literalRowsQuery } from "./literal-rows.js"
import { createTableUnlessExistsSql } from "./table-statements.js"

/**
 * The statements of the shared `logs` table, where every run's problems go: one row per
 * problem, replaced by what a rerun recomputes. Tables are qualified by the caller
 * (`warehouse.qualifiedName`), as a shared table outlives any one query's default dataset.
 */

/** The columns in table order; the last four came later and are added to older tables. */
export const problemLogColumns: ReadonlyArray<ColumnSpec> = [
  { name: "timestamp", type: "TIMESTAMP" },
  { name: "experiment", type: "STRING" },
  { name: "analysis_date", type: "STRING" },
  { name: "metric", type: "STRING" },
  { name: "statistic", type: "STRING" },
  { name: "segment", type: "STRING" },
  { name: "analysis_basis", type: "STRING" },
  { name: "period", type: "STRING" },
  { name: "message", type: "STRING" },
  { name: "exception_type", type: "STRING" },
  { name: "log_level", type: "STRING" },
  { name: "window_index", type: "STRING" },
  { name: "exception", type: "STRING" },
  { name: "filename", type: "STRING" },
  { name: "func_name", type: "STRING" },
]

/** Creates the table unless it exists, in one statement (experiments run concurrently). */
export const createProblemLogSql = (table: string): string =>
  createTableUnlessExistsSql(table, problemLogColumns)

/** Adds a column a table made by an earlier version lacks. */
export const addProblemLogColumnSql = (table: string, column: ColumnSpec): string =>
  `ALTER TABLE ${identifier(table)} ADD COLUMN IF NOT EXISTS ${identifier(column.name)} ${column.type}`

/** Appends rows (cells in `problemLogColumns` order), naming the columns: order-proof. */
export const insertProblemsSql = (table: string, rows: ReadonlyArray<ReadonlyArray<Cell>>) =>
  `INSERT INTO ${identifier(table)} (${problemLogColumns.map(({ name }) => identifier(name)).join(", ")})\n${literalRowsQuery(problemLogColumns, rows)}`

/** What a run recomputes, and so whose earlier problems it replaces. */
export type ProblemScope =
  | {
      /** Problems of the experiment as a whole (configuration, enrollments). */
      readonly kind: "experiment"
      readonly experiment: string
    }
  | {
      /** Problems of one window; with `metrics`, only theirs and those of no metric. */
      readonly kind: "window"
      readonly experiment: string
      readonly period: AnalysisPeriod
      readonly windowIndex: number
      /**
       * The date the window is computed for. Rows of older versions have no window index;
       * as at most one window of a period is due on a date, period and date name it.
       */
      readonly analysisDate: string
      readonly metrics?: ReadonlyArray<string>
    }

const scopeCondition = (scope: ProblemScope): string => {
  const experiment = `experiment = ${stringLiteral(scope.experiment)}`
  if (scope.kind === "experiment") return `${experiment} AND period IS NULL`
  const window = `${experiment} AND period = ${stringLiteral(scope.period)} AND (window_index = ${stringLiteral(String(scope.windowIndex))} OR (window_index IS NULL AND analysis_date = ${stringLiteral(scope.analysisDate)}))`
  if (scope.metrics === undefined || scope.metrics.length === 0) return window
  return `${window} AND (metric IS NULL OR metric IN (${scope.metrics.map(stringLiteral).join(", ")}))`
}

export const deleteProblemsSql = (table: string, scope: ProblemScope): string =>
  `DELETE FROM ${identifier(table)} WHERE ${scopeCondition(scope)}`

/**
 * An experiment's problems (or those of one scope), oldest first. Problems logged at the same
 * time — a window's, written together — are ordered by their place and then by every other
 * column, so the same rows always come back in the same order (and make the same errors file).
 */
export const selectProblemsSql = (table: string, of: string | ProblemScope): string => {
  const condition =
    typeof of === "string" ? `experiment = ${stringLiteral(of)}` : scopeCondition(of)
  const order = [
    "timestamp",
    "period",
    "window_index",
    "metric",
    "statistic",
    "message",
    ...problemLogColumns
      .map(({ name }) => name)
      .filter(
        (name) =>
          !["timestamp", "period", "window_index", "metric", "statistic", "message"].includes(name),
      ),
  ]
  return `SELECT ${problemLogColumns.map(({ name }) => identifier(name)).join(", ")} FROM ${identifier(table)} WHERE ${condition} ORDER BY ${order.map(identifier).join(", ")}`
}
