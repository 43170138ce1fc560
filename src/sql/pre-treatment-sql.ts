import { Either } from "effect"
import type { PreTreatment } from "../domain/pre-treatment-catalogue.js"
import { SqlBuildError } from "./sql-build-error.js"

/**
 * Jetstream's pre-treatments as BigQuery SQL (the DuckDB warehouse translates it), with the
 * semantics of the per-client path (src/stats/pre-treatments.ts), so that the warehouse's
 * push-down aggregates equal what `computeSummaryOnClients` computes from the same rows.
 *
 * Values are FLOAT64 columns in which NULL stands for a missing value (the per-client path's
 * NaN; a NaN read from the table is made NULL first) and ±inf for the indefinites. Each
 * pre-treatment is one CTE over the previous one: value transforms rewrite every value
 * column, row rules are decided by the first value column and drop whole rows, and the
 * censoring quantiles are pooled over all the rows of the source (every branch of the
 * segment), as Jetstream does.
 *
 * Quantiles are not PERCENTILE_CONT (DuckDB: quantile_cont): engines interpolate in their
 * own ways (DuckDB's lo·(1 − t) + hi·t differs from numpy's formula in the last bit) and
 * need not take numpy's limits at infinities, and a winsorization's quantile becomes a value
 * of the data, so its bits matter. They are computed from the two order statistics around
 * the position q·(n − 1) (ROW_NUMBER), with the very formula of the per-client path. Like
 * PERCENTILE_CONT(x, q) OVER (), a pooled quantile sorts the whole segment in one window.
 */

/** One named subquery of a WITH clause. */
export interface CommonTableExpression {
  readonly name: string
  readonly select: string
}

export interface PreTreatmentSqlContext {
  /** Days in the analysis window; required by normalize_over_analysis_period. */
  readonly analysisPeriodLength?: number
}

export const positiveInfinity = "CAST('inf' AS FLOAT64)"
export const negativeInfinity = "CAST('-inf' AS FLOAT64)"

/**
 * A number as a FLOAT64 literal. Through a string, so that the engine parses the shortest
 * round-trip text of the double back into the same double (a bare 0.995 is a DECIMAL in
 * DuckDB, and decimal arithmetic would not round as JavaScript does). NaN is NULL.
 */
export const float64Literal = (value: number): string => {
  if (Number.isNaN(value)) return "CAST(NULL AS FLOAT64)"
  if (value === Number.POSITIVE_INFINITY) return positiveInfinity
  if (value === Number.NEGATIVE_INFINITY) return negativeInfinity
  return `CAST('${String(value)}' AS FLOAT64)`
}

/** A column read as FLOAT64 with NaN made NULL: the per-client path reads both as NaN. */
export const float64Value = (expression: string): string =>
  `CASE WHEN IS_NAN(CAST(${expression} AS FLOAT64)) THEN NULL ELSE CAST(${expression} AS FLOAT64) END`

/** True for a present, finite value (the rows the statistics take). */
export const finiteCondition = (column: string): string =>
  `${column} IS NOT NULL AND NOT IS_INF(${column})`

/** How the quantile between two order statistics is interpolated. */
export type Interpolation =
  /** numpy's `_lerp` with limits at infinities: censor_highest/lowest_values. */
  | "numpy"
  /** low + (high − low)·t: the per-branch winsorization (`winsorize`, `winsorizeHistogram`). */
  | "linear"

/**
 * The q-quantile (type 7: position q·(n − 1) among the non-NULL values, ascending) of
 * `column` in `source`, one row per `partitionBy` group (a single row without it), as
 * `partitionBy` columns and `cut`. No value: a NULL cut, which every comparison fails, as
 * the per-client path's NaN does. Where the interpolation meets an infinity, the limit is
 * taken (−∞ with +∞ gives NULL, numpy's NaN).
 */
export const quantileSelect = (options: {
  readonly source: string
  readonly column: string
  readonly q: number
  readonly partitionBy?: string
  readonly interpolation: Interpolation
}): string => {
  const { source, column, partitionBy } = options
  const partition = partitionBy === undefined ? "" : `PARTITION BY ${partitionBy} `
  const key = partitionBy === undefined ? "" : `${partitionBy}, `
  const lerp =
    options.interpolation === "numpy"
      ? `WHEN fraction >= 0.5 THEN high - (high - low) * (1 - fraction)
      ELSE low + (high - low) * fraction`
      : "ELSE low + (high - low) * fraction"
  return `SELECT ${key}CASE
      WHEN fraction = 0 OR low = high THEN low
      WHEN low = ${negativeInfinity} THEN CASE WHEN high = ${positiveInfinity} THEN NULL ELSE low END
      WHEN high = ${positiveInfinity} THEN high
      ${lerp}
    END AS cut
    FROM (
      SELECT ${key}low, high, group_position - FLOOR(group_position) AS fraction
      FROM (
        SELECT ${key}MAX(position) AS group_position,
          MAX(CASE WHEN value_rank = FLOOR(position) THEN ${column} END) AS low,
          MAX(CASE WHEN value_rank = FLOOR(position) + 1 THEN ${column} END) AS high
        FROM (
          SELECT ${key}${column},
            ROW_NUMBER() OVER (${partition}ORDER BY ${column}) - 1 AS value_rank,
            (COUNT(*) OVER (${partition.trimEnd()}) - 1) * ${float64Literal(options.q)} AS position
          FROM ${source}
          WHERE ${column} IS NOT NULL
        )${partitionBy === undefined ? "" : `\n        GROUP BY ${partitionBy}`}
      )
    )`
}

const periodLength = (context: PreTreatmentSqlContext): Either.Either<number, SqlBuildError> => {
  const days = context.analysisPeriodLength
  return days === undefined || !(Number.isFinite(days) && days > 0)
    ? Either.left(
        new SqlBuildError({
          message: `normalize_over_analysis_period needs the analysis period's length, a positive number of days, got ${days}`,
        }),
      )
    : Either.right(days)
}

/**
 * log_base(x) as the per-client path computes it (np.log): −∞ at 0, NULL for negative
 * values and −∞, +∞ kept. Guarded by CASE, as BigQuery's LN and LOG10 fail on x ≤ 0. Base 10
 * is LOG10, so whole powers come out whole; any other base divides LN by the base's natural
 * log, computed here as the per-client path does (engines' logarithms may still differ from
 * JavaScript's in the last bit).
 */
const logarithmOf = (column: string, base: number): string => {
  const [logarithm, atZero] =
    base === 10
      ? [`LOG10(${column})`, Number.NEGATIVE_INFINITY]
      : [
          `LN(${column}) / ${float64Literal(Math.log(base))}`,
          Number.NEGATIVE_INFINITY / Math.log(base),
        ]
  return `CASE WHEN ${column} > 0 THEN ${logarithm} WHEN ${column} = 0 THEN ${float64Literal(atZero)} END`
}

type Step =
  | { readonly kind: "map"; readonly map: (column: string) => string }
  | { readonly kind: "filter"; readonly keep: (column: string) => string }
  | {
      readonly kind: "censor"
      readonly q: number
      readonly keep: (column: string, cut: string) => string
    }

const stepOf = (
  preTreatment: PreTreatment,
  context: PreTreatmentSqlContext,
): Either.Either<Step, SqlBuildError> => {
  switch (preTreatment.name) {
    case "remove_nulls":
      return Either.right({ kind: "filter", keep: (column) => `${column} IS NOT NULL` })
    case "remove_indefinites":
      return Either.right({ kind: "filter", keep: finiteCondition })
    case "censor_highest_values":
      return Either.right({
        kind: "censor",
        q: preTreatment.parameters.fraction,
        keep: (column, cut) => `${column} < ${cut}`,
      })
    case "censor_lowest_values":
      return Either.right({
        kind: "censor",
        q: preTreatment.parameters.fraction,
        keep: (column, cut) => `${column} > ${cut}`,
      })
    case "censor_values_below_threshold": {
      const threshold = float64Literal(preTreatment.parameters.threshold)
      return Either.right({ kind: "filter", keep: (column) => `${column} > ${threshold}` })
    }
    case "censor_values_above_threshold": {
      const threshold = float64Literal(preTreatment.parameters.threshold)
      return Either.right({ kind: "filter", keep: (column) => `${column} < ${threshold}` })
    }
    case "normalize_over_analysis_period":
      return Either.map(periodLength(context), (length): Step => {
        const days = float64Literal(length)
        return { kind: "map", map: (column) => `${column} / ${days}` }
      })
    case "log": {
      const { base } = preTreatment.parameters
      return Either.right({ kind: "map", map: (column) => logarithmOf(column, base) })
    }
    case "zero_fill":
      return Either.right({ kind: "map", map: (column) => `COALESCE(${column}, 0)` })
  }
}

/**
 * The CTEs that apply `preTreatments` in order to `source`, whose rows carry `keys` (e.g.
 * branch) and the FLOAT64 `columns`. The first of `columns` decides which rows stay; value
 * transforms apply to all of them (as the per-client path transforms a covariate or a
 * ratio's columns with the metric). Each CTE keeps exactly `keys` and `columns`. Returns the
 * CTEs and the name of the last relation (`source` itself without pre-treatments), or a
 * SqlBuildError for a pre-treatment without what it needs (a threshold, the period's length).
 */
export const preTreatmentSteps = (options: {
  readonly source: string
  readonly keys: ReadonlyArray<string>
  readonly columns: ReadonlyArray<string>
  readonly preTreatments: ReadonlyArray<PreTreatment>
  readonly context: PreTreatmentSqlContext
}): Either.Either<
  { readonly steps: ReadonlyArray<CommonTableExpression>; readonly result: string },
  SqlBuildError
> => {
  const [deciding] = options.columns
  if (deciding === undefined) {
    return Either.left(new SqlBuildError({ message: "pre-treatments need a value column" }))
  }
  return Either.map(
    Either.all(
      options.preTreatments.map((preTreatment) =>
        Either.map(stepOf(preTreatment, options.context), (step) => ({
          step,
          label: preTreatment.name,
        })),
      ),
    ),
    (decided) => stepsOf(options, deciding, decided),
  )
}

/** The CTEs of `preTreatmentSteps` once every step is decided. */
const stepsOf = (
  options: {
    readonly source: string
    readonly keys: ReadonlyArray<string>
    readonly columns: ReadonlyArray<string>
  },
  deciding: string,
  decided: ReadonlyArray<{ readonly step: Step; readonly label: string }>,
): { readonly steps: ReadonlyArray<CommonTableExpression>; readonly result: string } => {
  const steps: CommonTableExpression[] = []
  let previous = options.source
  decided.forEach(({ step, label }, index) => {
    const name = `pre_treatment_${index + 1}`
    const comment = `-- ${label}\n    `
    switch (step.kind) {
      case "map": {
        const mapped = options.columns.map((column) => `${step.map(column)} AS ${column}`)
        steps.push({
          name,
          select: `${comment}SELECT ${[...options.keys, ...mapped].join(", ")}\n    FROM ${previous}`,
        })
        break
      }
      case "filter":
        steps.push({
          name,
          select: `${comment}SELECT * FROM ${previous} WHERE ${step.keep(deciding)}`,
        })
        break
      case "censor": {
        const cut = `${name}_cut`
        steps.push({
          name: cut,
          select: `${comment}${quantileSelect({ source: previous, column: deciding, q: step.q, interpolation: "numpy" })}`,
        })
        steps.push({
          name,
          select: `SELECT * FROM ${previous} WHERE ${step.keep(deciding, `(SELECT cut FROM ${cut})`)}`,
        })
        break
      }
    }
    previous = name
  })
  return { steps, result: previous }
}

/** A WITH clause of CTEs, indented as the push-down queries are. */
export const withClause = (steps: ReadonlyArray<CommonTableExpression>): string =>
  `WITH ${steps.map(({ name, select }) => `${name} AS (\n    ${select}\n  )`).join(",\n  ")}`
