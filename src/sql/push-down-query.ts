import { Either } from "effect"
import type { PreTreatment } from "../domain/pre-treatment-catalogue.js"
import { bandMarginRanks, bandStandardDeviations } from "../stats/rank-bands.js"
import { identifier } from "./identifiers.js"
import {
  type CommonTableExpression,
  finiteCondition,
  float64Literal,
  float64Value,
  preTreatmentSteps,
  quantileSelect,
  withClause,
} from "./pre-treatment-sql.js"
import type { SqlBuildError } from "./sql-build-error.js"

/**
 * Aggregates the statistics read instead of per-client rows (DESIGN.md, "Push-down"), per
 * branch, over the per-client metrics table of one window. `segment` names a boolean column
 * of the enrollments (absent: every client, the segment "all").
 *
 * The rows go through what the per-client path (`computeSummaryOnClients`) does to them, in
 * its order: the pre-treatments, on NULLs included (a NaN in the table counts as NULL);
 * then every row with a NULL or infinite value in any column it reads is left out; then,
 * with `winsorizeAt`, each branch's values are capped at their `winsorizeAt`-quantile.
 */
export interface PushDownRequest {
  readonly metricsTable: string
  readonly metric: string
  readonly segment?: string
  /** Window of the metrics table to read (its analysis_window_start). */
  readonly windowStart: number
  /** Jetstream's pre-treatments, applied in order to the segment's values pooled over branches (quantiles over all branches together). */
  readonly preTreatments?: ReadonlyArray<PreTreatment>
  /** Days in the analysis window, for normalize_over_analysis_period (required when that pre-treatment is present). */
  readonly analysisPeriodLength?: number
  /**
   * Per-branch winsorization at this quantile after the pre-treatments (1 − drop_highest of
   * the statistics that winsorize: their `AggregateRequest.winsorizeAt`); absent or >= 1: none.
   */
  readonly winsorizeAt?: number
  /**
   * Columns of the metrics table that are BOOL (a metric like `COUNT(x) > 0`): read as 0/1,
   * since BigQuery cannot cast BOOL to FLOAT64 directly.
   */
  readonly booleanColumns?: ReadonlyArray<string>
}

/** Where a covariate adjustment's values are: a metric's column in a pre-period metrics table. */
export interface CovariateSource {
  readonly table: string
  readonly metric: string
  readonly windowStart: number
}

/** A metrics-table column (under an optional table alias) as the FLOAT64 the statistics read. */
const columnValue = (
  request: Pick<PushDownRequest, "booleanColumns">,
  column: string,
  alias = "",
): string => {
  const reference = `${alias}${identifier(column)}`
  return float64Value(
    request.booleanColumns?.includes(column) === true ? `CAST(${reference} AS INT64)` : reference,
  )
}

const segmentFilter = (segment: string | undefined, alias = ""): string =>
  segment === undefined ? "" : `\n      AND ${alias}${identifier(segment)}`

/**
 * The CTEs from `source` (keys `branch` and FLOAT64 `columns`, NaN already NULL): the pre-treatments,
 * then rows finite in every column, then each of `winsorized` capped per branch; the last
 * CTE is `client_values`. A SqlBuildError when a pre-treatment lacks what it needs.
 */
const prepare = (
  request: Omit<PushDownRequest, "metric">,
  source: string,
  columns: ReadonlyArray<string>,
  winsorized: ReadonlyArray<string>,
): Either.Either<ReadonlyArray<CommonTableExpression>, SqlBuildError> =>
  Either.map(
    preTreatmentSteps({
      source: "source_values",
      keys: ["branch"],
      columns,
      preTreatments: request.preTreatments ?? [],
      context:
        request.analysisPeriodLength === undefined
          ? {}
          : { analysisPeriodLength: request.analysisPeriodLength },
    }),
    ({ steps, result }) => winsorizedSteps(request, source, columns, winsorized, steps, result),
  )

/** `prepare`'s CTEs after the pre-treatments' `steps`, whose last relation is `result`. */
const winsorizedSteps = (
  request: Omit<PushDownRequest, "metric">,
  source: string,
  columns: ReadonlyArray<string>,
  winsorized: ReadonlyArray<string>,
  steps: ReadonlyArray<CommonTableExpression>,
  result: string,
): ReadonlyArray<CommonTableExpression> => {
  const q = request.winsorizeAt
  const winsorizing = q !== undefined && q < 1
  const finite: CommonTableExpression = {
    name: winsorizing ? "finite_values" : "client_values",
    select: `SELECT * FROM ${result}\n    WHERE ${columns.map(finiteCondition).join("\n      AND ")}`,
  }
  const head = [{ name: "source_values", select: source }, ...steps, finite]
  if (!winsorizing) return head
  const cuts = winsorized.map((column) => ({
    name: `${column}_cut`,
    select: quantileSelect({
      source: "finite_values",
      column,
      q,
      partitionBy: "branch",
      interpolation: "linear",
    }),
  }))
  const capped = columns.map((column) =>
    winsorized.includes(column)
      ? `LEAST(v.${column}, ${column}_cut.cut) AS ${column}`
      : `v.${column} AS ${column}`,
  )
  const joins = winsorized.map((column) => `\n    JOIN ${column}_cut USING (branch)`).join("")
  return [
    ...head,
    ...cuts,
    {
      name: "client_values",
      select: `-- winsorized per branch at the ${q}-quantile\n    SELECT branch, ${capped.join(", ")}\n    FROM finite_values v${joins}`,
    },
  ]
}

const sourceValues = (request: PushDownRequest): string =>
  `SELECT branch, ${columnValue(request, request.metric)} AS value
    FROM ${identifier(request.metricsTable)}
    WHERE analysis_window_start = ${Math.trunc(request.windowStart)}${segmentFilter(request.segment)}`

/**
 * Distinct values with their counts, for branches with at most `maxBuckets` distinct values;
 * equal-count quantile buckets (NTILE) with count, Σy and Σy² for the others. One row per
 * (branch, bucket): kind 'value' or 'bucket', value (the distinct value; NULL for buckets),
 * clients, total, squares, bucket (NULL for values). Rows come in value or bucket order, never
 * by their float sums, whose last bits vary with the engine's parallel summing: a seeded
 * bootstrap then sees the same histogram in the same order on every run.
 */
export const buildHistogramQuery = (
  request: PushDownRequest,
  maxBuckets: number,
): Either.Either<string, SqlBuildError> => {
  const bound = Math.max(1, Math.trunc(maxBuckets))
  return Either.map(
    prepare(request, sourceValues(request), ["value"], ["value"]),
    (steps) => `${withClause([
      ...steps,
      {
        name: "cardinality",
        select:
          "SELECT branch, COUNT(DISTINCT value) AS distinct_values FROM client_values GROUP BY branch",
      },
      {
        name: "bucketed",
        select: `SELECT v.branch, v.value, NTILE(${bound}) OVER (PARTITION BY v.branch ORDER BY v.value) AS bucket
    FROM client_values v JOIN cardinality c USING (branch)
    WHERE c.distinct_values > ${bound}`,
      },
    ])}
SELECT v.branch, 'value' AS kind, v.value, COUNT(*) AS clients, SUM(v.value) AS total, SUM(v.value * v.value) AS squares, NULL AS bucket
FROM client_values v JOIN cardinality c USING (branch)
WHERE c.distinct_values <= ${bound}
GROUP BY v.branch, v.value
UNION ALL
SELECT branch, 'bucket' AS kind, NULL AS value, COUNT(*) AS clients, SUM(value) AS total, SUM(value * value) AS squares, bucket
FROM bucketed
GROUP BY branch, bucket
ORDER BY 1, 2, 3, 7`,
  )
}

/**
 * The order statistics a quantile bootstrap reads (src/stats/rank-bands.ts): per branch, the
 * values at the 0-based ranks within the rank band of any of `levels`, as runs of equal
 * values — one row per (branch, value): value, first_rank, last_rank (inclusive), and the
 * branch's clients. About √n rows per level for continuous values, a handful for discrete
 * ones; exact at any n, where quantile buckets have the resolution of the buckets. The band
 * here is one rank wider on each side than the kernel's, so that the engine's float
 * arithmetic can only return more than is read, never less.
 */
export const buildOrderStatisticsQuery = (
  request: PushDownRequest,
  levels: ReadonlyArray<number>,
): Either.Either<string, SqlBuildError> => {
  const inBand = levels.map((level) => {
    const q = float64Literal(level)
    const spread = float64Literal(level * (1 - level))
    return `ABS(value_rank - ${q} * (clients - 1)) <= ${bandStandardDeviations} * SQRT(${spread} * (clients - 1)) + ${bandMarginRanks + 2}`
  })
  return Either.map(
    prepare(request, sourceValues(request), ["value"], ["value"]),
    (steps) => `${withClause([
      ...steps,
      {
        name: "ranked",
        select: `SELECT branch, value,
      ROW_NUMBER() OVER (PARTITION BY branch ORDER BY value) - 1 AS value_rank,
      COUNT(*) OVER (PARTITION BY branch) AS clients
    FROM client_values`,
      },
    ])}
SELECT branch, value, MIN(value_rank) AS first_rank, MAX(value_rank) AS last_rank, MAX(clients) AS clients
FROM ranked
WHERE ${inBand.join("\n  OR ")}
GROUP BY branch, value
ORDER BY branch, value`,
  )
}

/**
 * n, Σy, Σy² per branch — and with a covariate (the pre-period value of a metric, from
 * `covariate.table` joined on analysis_id), Σx, Σx², Σxy over the clients having both. The
 * covariate goes through the pre-treatments' value transforms with the metric (as on the
 * per-client path, where it is a column aligned with the metric); rows are decided by the
 * metric, and only the metric is winsorized.
 */
export const buildSufficientStatisticsQuery = (
  request: PushDownRequest,
  covariate?: CovariateSource,
): Either.Either<string, SqlBuildError> => {
  if (covariate === undefined) {
    return Either.map(
      prepare(request, sourceValues(request), ["value"], ["value"]),
      (steps) => `${withClause(steps)}
SELECT branch, COUNT(*) AS n, SUM(value) AS sum_y, SUM(value * value) AS sum_y2
FROM client_values
GROUP BY branch
ORDER BY branch`,
    )
  }
  const source = `SELECT m.branch, ${columnValue(request, request.metric, "m.")} AS value,
      ${columnValue(request, covariate.metric, "p.")} AS covariate
    FROM ${identifier(request.metricsTable)} m
    LEFT JOIN (
      SELECT analysis_id, ${identifier(covariate.metric)}
      FROM ${identifier(covariate.table)}
      WHERE analysis_window_start = ${Math.trunc(covariate.windowStart)}
    ) p USING (analysis_id)
    WHERE m.analysis_window_start = ${Math.trunc(request.windowStart)}${segmentFilter(request.segment, "m.")}`
  return Either.map(
    prepare(request, source, ["value", "covariate"], ["value"]),
    (steps) => `${withClause(steps)}
SELECT branch, COUNT(*) AS n, SUM(value) AS sum_y, SUM(value * value) AS sum_y2,
  SUM(covariate) AS sum_x, SUM(covariate * covariate) AS sum_x2, SUM(covariate * value) AS sum_xy
FROM client_values
GROUP BY branch
ORDER BY branch`,
  )
}

/**
 * The sums a ratio of two metrics needs per branch (population_ratio's normal limit):
 * clients, Σnumerator, Σdenominator, their squares and the cross term Σnumerator·denominator,
 * over clients having both values. The summary's metric is not read (a ratio's metric is
 * usually derived, with no column of its own): the pre-treatments transform both columns
 * and decide rows by the numerator, as the per-client path does when its values are the
 * numerator column; `winsorizeAt` caps each column at its own per-branch quantile, as
 * population_ratio's per-client path does.
 */
export const buildRatioSumsQuery = (
  request: Omit<PushDownRequest, "metric">,
  numerator: string,
  denominator: string,
): Either.Either<string, SqlBuildError> => {
  const source = `SELECT branch, ${columnValue(request, numerator)} AS numerator,
      ${columnValue(request, denominator)} AS denominator
    FROM ${identifier(request.metricsTable)}
    WHERE analysis_window_start = ${Math.trunc(request.windowStart)}${segmentFilter(request.segment)}`
  const columns = ["numerator", "denominator"]
  return Either.map(
    prepare(request, source, columns, columns),
    (steps) => `${withClause(steps)}
SELECT branch, COUNT(*) AS clients, SUM(numerator) AS sum_numerator, SUM(denominator) AS sum_denominator,
  SUM(numerator * numerator) AS sum_numerator_squares, SUM(denominator * denominator) AS sum_denominator_squares,
  SUM(numerator * denominator) AS sum_products
FROM client_values
GROUP BY branch
ORDER BY branch`,
  )
}
