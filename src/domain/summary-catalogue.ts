import { Schema } from "effect"

/**
 * The statistics and pre-treatments a summary may name, with their parameters
 * (Jetstream's names and defaults; `confidence_interval` is accepted by every statistic
 * that reports intervals, at any level, where Jetstream only knows 0.95 and 0.99).
 */

const Fraction = Schema.Number.pipe(
  Schema.filter((value) => value >= 0 && value <= 1, {
    message: () => "must be a number between 0 and 1",
  }),
)
const OpenFraction = Schema.Number.pipe(
  Schema.filter((value) => value > 0 && value < 1, {
    message: () => "must be a number strictly between 0 and 1",
  }),
)
/** A positive integer at most `max`: a bound that keeps one summary from exhausting memory or time. */
const BoundedPositiveInteger = (max: number, why: string) =>
  Schema.Number.pipe(
    Schema.filter((value) => Number.isInteger(value) && value > 0 && value <= max, {
      message: () =>
        `must be a positive integer of at most ${max.toLocaleString("en-US")} (${why})`,
    }),
  )
/** Bootstrap draws: 10,000 by default; a million take about a minute per summary already. */
const NumSamples = BoundedPositiveInteger(1_000_000, "bootstrap samples")
/** Grid points of a curve: Jetstream uses 256; each point is a published row. */
const GridSize = BoundedPositiveInteger(100_000, "points of the curve, each a published row")
const PreEnrollmentPeriod = Schema.Literal("preenrollment_week", "preenrollment_days28")

const optional = <S extends Schema.Schema.Any>(schema: S) =>
  Schema.optionalWith(schema, { exact: true })

const CovariateAdjustment = Schema.Struct({
  period: PreEnrollmentPeriod,
  metric: optional(Schema.String),
})

const linearModelParameters = {
  drop_highest: optional(Fraction),
  covariate_adjustment: optional(CovariateAdjustment),
  confidence_interval: optional(OpenFraction),
}

export const statisticParameterSchemas = {
  bootstrap_mean: Schema.Struct({
    num_samples: optional(NumSamples),
    drop_highest: optional(Fraction),
    confidence_interval: optional(OpenFraction),
  }),
  binomial: Schema.Struct({ confidence_interval: optional(OpenFraction) }),
  deciles: Schema.Struct({
    num_samples: optional(NumSamples),
    confidence_interval: optional(OpenFraction),
  }),
  linear_model_mean: Schema.Struct(linearModelParameters),
  per_client_dau_impact: Schema.Struct(linearModelParameters),
  population_ratio: Schema.Struct({
    numerator: Schema.String,
    denominator: Schema.String,
    num_samples: optional(NumSamples),
    drop_highest: optional(Fraction),
    confidence_interval: optional(OpenFraction),
  }),
  kernel_density_estimate: Schema.Struct({
    bandwidth: optional(Schema.Literal("scott", "silverman", "normal_reference")),
    adjust: optional(Schema.Number),
    kernel: optional(Schema.Literal("gaussian", "gau")),
    grid_size: optional(GridSize),
    log_space: optional(Schema.Boolean),
  }),
  empirical_cdf: Schema.Struct({
    grid_size: optional(GridSize),
    log_space: optional(Schema.Boolean),
  }),
  count: Schema.Struct({}),
  sum: Schema.Struct({}),
} as const

export type StatisticName = keyof typeof statisticParameterSchemas
export const statisticNames = Object.keys(statisticParameterSchemas) as ReadonlyArray<StatisticName>

export const isStatisticName = (name: string): name is StatisticName =>
  Object.hasOwn(statisticParameterSchemas, name)

export const preTreatmentParameterSchemas = {
  remove_nulls: Schema.Struct({}),
  remove_indefinites: Schema.Struct({}),
  censor_highest_values: Schema.Struct({ fraction: optional(Fraction) }),
  censor_lowest_values: Schema.Struct({ fraction: optional(Fraction) }),
  censor_values_below_threshold: Schema.Struct({ threshold: Schema.Number }),
  censor_values_above_threshold: Schema.Struct({ threshold: Schema.Number }),
  normalize_over_analysis_period: Schema.Struct({}),
  log: Schema.Struct({
    base: optional(
      Schema.Number.pipe(
        Schema.filter((value) => value > 0 && value !== 1, {
          message: () => "must be a positive number other than 1",
        }),
      ),
    ),
  }),
  zero_fill: Schema.Struct({}),
} as const

export type PreTreatmentName = keyof typeof preTreatmentParameterSchemas
export const preTreatmentNames = Object.keys(
  preTreatmentParameterSchemas,
) as ReadonlyArray<PreTreatmentName>

export const isPreTreatmentName = (name: string): name is PreTreatmentName =>
  Object.hasOwn(preTreatmentParameterSchemas, name)

/** A parameter value as TOML can write it for a statistic or pre-treatment. */
export type SummaryParameterValue =
  | string
  | number
  | boolean
  | { readonly [key: string]: string | number | boolean }

export type SummaryParameters = { readonly [key: string]: SummaryParameterValue }
