import { identifier, stringLiteral } from "./identifiers.js"
import type { ColumnSpec } from "./literal-rows.js"

/** The shared table of the configuration hash each experiment's results were computed with. */

export const configHashColumns: ReadonlyArray<ColumnSpec> = [
  { name: "experiment", type: "STRING" },
  { name: "config_hash", type: "STRING" },
  { name: "analysis_date", type: "STRING" },
]

export const deleteConfigHashSql = (table: string, experiment: string): string =>
  `DELETE FROM ${identifier(table)} WHERE experiment = ${stringLiteral(experiment)}`

export const selectConfigHashesSql = (table: string): string =>
  `SELECT experiment, config_hash FROM ${identifier(table)}`
