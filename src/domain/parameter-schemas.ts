import { Either, ParseResult, Schema } from "effect"
import { preEnrollmentPeriods } from "./analysis-period.js"

/**
 * Schemas of the parameters statistics and pre-treatments take in TOML (Jetstream's names),
 * shared by their catalogues. A parameter with a default decodes to its value when absent,
 * so what a kernel receives is complete and typed.
 */

export const Fraction = Schema.Number.pipe(
  Schema.filter((value) => value >= 0 && value <= 1, {
    message: () => "must be a number between 0 and 1",
  }),
)

export const OpenFraction = Schema.Number.pipe(
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

/** Bootstrap draws: a million take about a minute per summary already. */
export const NumSamples = BoundedPositiveInteger(1_000_000, "bootstrap samples")

/** Grid points of a curve: each point is a published row. */
export const GridSize = BoundedPositiveInteger(100_000, "points of the curve, each a published row")

const PreEnrollmentPeriod = Schema.Literal(...preEnrollmentPeriods)

/** linear_model_mean's covariate: the same metric (or `metric`) in a pre-enrollment period. */
export const CovariateAdjustment = Schema.Struct({
  period: PreEnrollmentPeriod,
  metric: Schema.optionalWith(Schema.String, { exact: true }),
})
export type CovariateAdjustment = Schema.Schema.Type<typeof CovariateAdjustment>

/** A parameter that may be left out, and is then absent from the decoded value too. */
export const optional = <S extends Schema.Schema.Any>(schema: S) =>
  Schema.optionalWith(schema, { exact: true })

/** A parameter that may be left out, and then decodes to `value`. */
export const withDefault = <S extends Schema.Schema.Any>(schema: S, value: Schema.Schema.Type<S>) =>
  Schema.optionalWith(schema, { exact: true, default: () => value })

/** The level of a statistic's intervals: any level in (0, 1), 0.95 unless given. */
export const ConfidenceInterval = withDefault(OpenFraction, 0.95)

/** Bootstrap draws per branch: 10,000 unless given (Jetstream's default). */
export const BootstrapSamples = withDefault(NumSamples, 10_000)

/** A decoded value, for programs that build one in code: a failure throws, naming `what`. */
export const decodedOrThrow = <A>(
  what: string,
  decoded: Either.Either<A, ParseResult.ParseError>,
): A =>
  Either.getOrThrowWith(
    decoded,
    (error) => new RangeError(`${what}: ${ParseResult.TreeFormatter.formatErrorSync(error)}`),
  )
