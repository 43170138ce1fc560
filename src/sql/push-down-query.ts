import { identifier } from "./identifiers.js"

/**
 * Aggregates the statistics read instead of per-client rows (DESIGN.md, "Push-down"), per
 * branch, over the per-client metrics table of one window. `segment` names a boolean column
 * of the enrollments (absent: every client, the segment "all"). Null metric values are left
 * out, as remove_nulls would.
 */
export interface PushDownRequest {
  readonly metricsTable: string
  readonly metric: string
  readonly segment?: string
  /** Window of the metrics table to read (its analysis_window_start). */
  readonly windowStart: number
}

const clientValues = (request: PushDownRequest, extra = ""): string =>
  `SELECT branch, CAST(${identifier(request.metric)} AS FLOAT64) AS value${extra}
    FROM ${identifier(request.metricsTable)}
    WHERE analysis_window_start = ${Math.trunc(request.windowStart)}
      AND ${identifier(request.metric)} IS NOT NULL${request.segment === undefined ? "" : `\n      AND ${identifier(request.segment)}`}`

/**
 * Distinct values with their counts, for branches with at most `maxBuckets` distinct values;
 * equal-count quantile buckets (NTILE) with count, Σy and Σy² for the others. One row per
 * (branch, bucket): kind 'value' or 'bucket', value (the distinct value; NULL for buckets),
 * clients, total, squares.
 */
export const buildHistogramQuery = (request: PushDownRequest, maxBuckets: number): string => {
  const bound = Math.max(1, Math.trunc(maxBuckets))
  return `WITH client_values AS (
    ${clientValues(request)}
  ),
  cardinality AS (
    SELECT branch, COUNT(DISTINCT value) AS distinct_values FROM client_values GROUP BY branch
  ),
  bucketed AS (
    SELECT v.branch, v.value, NTILE(${bound}) OVER (PARTITION BY v.branch ORDER BY v.value) AS bucket
    FROM client_values v JOIN cardinality c USING (branch)
    WHERE c.distinct_values > ${bound}
  )
SELECT v.branch, 'value' AS kind, v.value, COUNT(*) AS clients, SUM(v.value) AS total, SUM(v.value * v.value) AS squares
FROM client_values v JOIN cardinality c USING (branch)
WHERE c.distinct_values <= ${bound}
GROUP BY v.branch, v.value
UNION ALL
SELECT branch, 'bucket' AS kind, NULL AS value, COUNT(*) AS clients, SUM(value) AS total, SUM(value * value) AS squares
FROM bucketed
GROUP BY branch, bucket
ORDER BY 1, 2, 3, 5`
}

/**
 * n, Σy, Σy² per branch — and with a covariate (the pre-period value of a metric, from
 * `covariateTable` joined on analysis_id), Σx, Σx², Σxy over the clients having both.
 */
export const buildSufficientStatisticsQuery = (
  request: PushDownRequest,
  covariate?: { readonly table: string; readonly metric: string; readonly windowStart: number },
): string => {
  if (covariate === undefined) {
    return `SELECT branch, COUNT(*) AS n, SUM(value) AS sum_y, SUM(value * value) AS sum_y2
FROM (
    ${clientValues(request)}
)
GROUP BY branch
ORDER BY branch`
  }
  return `SELECT y.branch, COUNT(*) AS n, SUM(y.value) AS sum_y, SUM(y.value * y.value) AS sum_y2,
  SUM(x.value) AS sum_x, SUM(x.value * x.value) AS sum_x2, SUM(x.value * y.value) AS sum_xy
FROM (
    ${clientValues(request, ", analysis_id")}
) y
JOIN (
    SELECT analysis_id, CAST(${identifier(covariate.metric)} AS FLOAT64) AS value
    FROM ${identifier(covariate.table)}
    WHERE analysis_window_start = ${Math.trunc(covariate.windowStart)} AND ${identifier(covariate.metric)} IS NOT NULL
) x USING (analysis_id)
GROUP BY y.branch
ORDER BY y.branch`
}

/**
 * The sums a ratio of two metrics needs per branch (population_ratio's normal limit):
 * clients, Σnumerator, Σdenominator, their squares and the cross term Σnumerator·denominator,
 * over clients having both values.
 */
export const buildRatioSumsQuery = (
  request: Omit<PushDownRequest, "metric">,
  numerator: string,
  denominator: string,
): string => {
  const n = identifier(numerator)
  const d = identifier(denominator)
  return `SELECT branch, COUNT(*) AS clients, SUM(n) AS sum_numerator, SUM(d) AS sum_denominator,
  SUM(n * n) AS sum_numerator_squares, SUM(d * d) AS sum_denominator_squares, SUM(n * d) AS sum_products
FROM (
    SELECT branch, CAST(${n} AS FLOAT64) AS n, CAST(${d} AS FLOAT64) AS d
    FROM ${identifier(request.metricsTable)}
    WHERE analysis_window_start = ${Math.trunc(request.windowStart)}
      AND ${n} IS NOT NULL AND ${d} IS NOT NULL${request.segment === undefined ? "" : `\n      AND ${identifier(request.segment)}`}
)
GROUP BY branch
ORDER BY branch`
}
