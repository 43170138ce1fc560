import type { StatisticResult } from "../../domain/statistic-result.js"

/**
 * A row of statistics_<slug>_<suffix>.json as Statistics_v1.0.json types it. Where that
 * schema says `number` (ci_width, lower, upper) a value that is not a finite number is left
 * out rather than written as null, which the schema would refuse; fields that may be null
 * (parameter, comparison, comparison_to_branch) are null. `p_value` and `p_value_adjusted`
 * are Slipstream's additions (Experimenter's reader ignores fields it does not know).
 */
export interface PublishedStatistic {
  readonly segment: string
  readonly metric: string
  readonly statistic: string
  readonly parameter: number | string | null
  readonly branch: string
  readonly comparison: StatisticResult["comparison"]
  readonly comparison_to_branch: string | null
  readonly ci_width?: number
  readonly point: number
  readonly lower?: number
  readonly upper?: number
  readonly window_index: string
  readonly analysis_basis: StatisticResult["analysis_basis"]
  readonly p_value?: number
  /** `p_value` adjusted for multiple testing, on comparisons against the reference branch. */
  readonly p_value_adjusted?: number
}

const finite = (value: number | null | undefined): value is number =>
  typeof value === "number" && Number.isFinite(value)

/** Parameters are stored as text in the warehouse; numbers (deciles, grid points) go back to numbers. */
const parameterOf = (parameter: number | string | null): number | string | null => {
  if (typeof parameter !== "string" || parameter.trim() === "") return parameter
  const number = Number(parameter)
  return Number.isFinite(number) ? number : parameter
}

const rowKey = (row: PublishedStatistic): string =>
  JSON.stringify([
    row.segment,
    row.metric,
    row.statistic,
    row.parameter,
    row.branch,
    row.comparison,
    row.comparison_to_branch,
    row.analysis_basis,
    row.window_index,
  ])

/** A sort key's part: numbers before text (a parameter may be either), absent first. */
type KeyPart = number | string | undefined

const compareParts = (a: KeyPart, b: KeyPart): number => {
  if (a === b) return 0
  if (a === undefined) return -1
  if (b === undefined) return 1
  if (typeof a !== typeof b) return typeof a === "number" ? -1 : 1
  return a < b ? -1 : 1
}

/**
 * Where a row goes in the file: by window, basis, segment (`all` first), metric, statistic,
 * branch, comparison, parameter, then by every value, so that the order — and which of two
 * rows with one key is kept — depends on the rows alone, never on the order the warehouse
 * returned them in: the same rows make the same bytes.
 */
const orderOf = (row: PublishedStatistic): ReadonlyArray<KeyPart> => [
  Number.isNaN(Number(row.window_index)) ? undefined : Number(row.window_index),
  row.window_index,
  row.analysis_basis,
  row.segment === "all" ? "" : row.segment,
  row.metric,
  row.statistic,
  row.branch,
  row.comparison ?? "",
  row.comparison_to_branch ?? "",
  typeof row.parameter === "number" ? row.parameter : (row.parameter ?? ""),
  row.ci_width,
  row.point,
  row.lower,
  row.upper,
  row.p_value,
  row.p_value_adjusted,
]

const compareRows = (a: PublishedStatistic, b: PublishedStatistic): number => {
  const left = orderOf(a)
  const right = orderOf(b)
  for (let index = 0; index < left.length; index++) {
    const order = compareParts(left[index], right[index])
    if (order !== 0) return order
  }
  return 0
}

/**
 * The published rows of one period: finite points only (a row whose point is NaN has no
 * estimate to show, and the schema requires a number), no duplicate rows (of rows with one
 * key, the first in the order below is kept), ordered by window, basis, segment, metric,
 * statistic, branch, comparison, parameter (`orderOf`).
 */
export const publishedStatistics = (
  rows: ReadonlyArray<StatisticResult>,
): { readonly rows: ReadonlyArray<PublishedStatistic>; readonly dropped: number } => {
  const finiteRows: PublishedStatistic[] = []
  let dropped = 0
  for (const row of rows) {
    if (!finite(row.point)) {
      dropped++
      continue
    }
    finiteRows.push({
      segment: row.segment,
      metric: row.metric,
      statistic: row.statistic,
      parameter: parameterOf(row.parameter),
      branch: row.branch,
      comparison: row.comparison,
      comparison_to_branch: row.comparison_to_branch,
      ...(finite(row.ci_width) ? { ci_width: row.ci_width } : {}),
      point: row.point,
      ...(finite(row.lower) ? { lower: row.lower } : {}),
      ...(finite(row.upper) ? { upper: row.upper } : {}),
      window_index: row.window_index,
      analysis_basis: row.analysis_basis,
      ...(finite(row.p_value) ? { p_value: row.p_value } : {}),
      ...(finite(row.p_value_adjusted) ? { p_value_adjusted: row.p_value_adjusted } : {}),
    })
  }
  const seen = new Set<string>()
  const published = finiteRows.sort(compareRows).filter((row) => {
    const key = rowKey(row)
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
  return { rows: published, dropped }
}
