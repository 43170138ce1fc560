import type { LoggedProblemRow } from "../problem-log.js"

/**
 * An entry of errors_<slug>.json as Experimenter's reader types it (mozilla-nimbus-schemas'
 * AnalysisError; ../shared/reference/experimenter-reader.md): `filename`, `func_name`,
 * `log_level`, `message` and `timestamp` required — one entry without them and Experimenter
 * drops the experiment's results. The place fields Slipstream adds (`analysis_date`,
 * `period`, `window_index`) are extra keys the reader ignores.
 */
export interface PublishedError {
  readonly filename: string
  readonly func_name: string
  readonly log_level: string
  readonly message: string
  readonly timestamp: string
  readonly experiment: string | null
  readonly metric: string | null
  readonly segment: string | null
  readonly statistic: string | null
  readonly analysis_basis: "enrollments" | "exposures" | null
  readonly source: null
  readonly exception: string | null
  readonly exception_type: string | null
  readonly analysis_date: string | null
  readonly period: string | null
  readonly window_index: string | null
}

/** Rows logged before the logs table had these columns name no code; say so, not nothing. */
const unrecorded = "unrecorded"

export const publishedError = (row: LoggedProblemRow): PublishedError => ({
  filename: row.filename ?? unrecorded,
  func_name: row.func_name ?? unrecorded,
  log_level: row.log_level,
  message: row.message,
  timestamp: row.timestamp.toISOString(),
  experiment: row.experiment,
  metric: row.metric,
  segment: row.segment,
  statistic: row.statistic,
  analysis_basis: row.analysis_basis,
  source: null,
  exception: row.exception,
  exception_type: row.exception_type,
  analysis_date: row.analysis_date,
  period: row.period,
  window_index: row.window_index,
})
