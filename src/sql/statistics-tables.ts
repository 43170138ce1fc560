import { identifier, stringLiteral } from "./identifiers.js"
import type { ColumnSpec } from "./literal-rows.js"

/**
 * The statistics tables (one per experiment, period and window) and the view per period that
 * unites a period's windows: published rows, in Jetstream's columns (p_value and
 * p_value_adjusted added).
 */

export const statisticsColumns: ReadonlyArray<ColumnSpec> = [
  { name: "metric", type: "STRING" },
  { name: "statistic", type: "STRING" },
  { name: "parameter", type: "STRING" },
  { name: "branch", type: "STRING" },
  { name: "comparison", type: "STRING" },
  { name: "comparison_to_branch", type: "STRING" },
  { name: "ci_width", type: "FLOAT64" },
  { name: "point", type: "FLOAT64" },
  { name: "lower", type: "FLOAT64" },
  { name: "upper", type: "FLOAT64" },
  { name: "segment", type: "STRING" },
  { name: "analysis_basis", type: "STRING" },
  { name: "window_index", type: "STRING" },
  { name: "p_value", type: "FLOAT64" },
  { name: "p_value_adjusted", type: "FLOAT64" },
]

/** The rows of a statistics table or view; with `exceptMetrics`, the other metrics' only. */
export const selectStatisticsSql = (
  table: string,
  options: { readonly exceptMetrics?: ReadonlyArray<string> } = {},
): string => {
  const condition =
    options.exceptMetrics === undefined
      ? "TRUE"
      : `metric NOT IN (${options.exceptMetrics.map(stringLiteral).join(", ")})`
  return `SELECT * FROM ${identifier(table)} WHERE ${condition}`
}

/** A window's table in the view: its name, qualified, and the columns it has. */
export interface WindowTable {
  readonly table: string
  readonly columns: ReadonlySet<string>
}

/**
 * The view of a period over its windows' tables (names qualified: a view outlives its
 * query). Each table is selected column by column, in `statisticsColumns`' order, a column it
 * lacks as NULL: a window written by an older version (before p_value, say) still unites with
 * the new ones.
 */
export const statisticsViewSql = (
  view: string,
  windowTables: ReadonlyArray<WindowTable>,
): string => {
  const selectWindow = ({ table, columns }: WindowTable) => {
    const selected = statisticsColumns.map(({ name, type }) =>
      columns.has(name) ? identifier(name) : `CAST(NULL AS ${type}) AS ${identifier(name)}`,
    )
    return `SELECT ${selected.join(", ")} FROM ${identifier(table)}`
  }
  return `CREATE OR REPLACE VIEW ${identifier(view)} AS\n${windowTables.map(selectWindow).join("\nUNION ALL\n")}`
}
