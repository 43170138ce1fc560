import { Either, type ParseResult, Schema } from "effect"
import { decodedOrThrow, Fraction, withDefault } from "./parameter-schemas.js"

/**
 * The pre-treatments a summary may name, with their parameters and defaults (Jetstream's
 * names and defaults). A configured pre-treatment is decoded once, here, into the typed
 * value the SQL builders (src/sql/pre-treatment-sql.ts) and the per-client kernels
 * (src/stats/pre-treatments.ts) read.
 */

const LogBase = Schema.Number.pipe(
  Schema.filter((value) => value > 0 && value !== 1, {
    message: () => "must be a positive number other than 1",
  }),
)

/** A pre-treatment's parameters: their schema, and the decoder of what a config writes. */
const parametersOf = <A, I>(schema: Schema.Schema<A, I>) => {
  return {
    schema,
    decode: Schema.decodeUnknownEither(schema, { errors: "all", onExcessProperty: "error" }),
  }
}

const catalogue = {
  remove_nulls: parametersOf(Schema.Struct({})),
  remove_indefinites: parametersOf(Schema.Struct({})),
  censor_highest_values: parametersOf(Schema.Struct({ fraction: withDefault(Fraction, 1 - 1e-5) })),
  censor_lowest_values: parametersOf(Schema.Struct({ fraction: withDefault(Fraction, 1e-5) })),
  censor_values_below_threshold: parametersOf(Schema.Struct({ threshold: Schema.Number })),
  censor_values_above_threshold: parametersOf(Schema.Struct({ threshold: Schema.Number })),
  normalize_over_analysis_period: parametersOf(Schema.Struct({})),
  log: parametersOf(Schema.Struct({ base: withDefault(LogBase, 10) })),
  zero_fill: parametersOf(Schema.Struct({})),
}

export type PreTreatmentName = keyof typeof catalogue

export const preTreatmentNames = Object.keys(catalogue) as ReadonlyArray<PreTreatmentName>

export const isPreTreatmentName = (name: string): name is PreTreatmentName =>
  Object.hasOwn(catalogue, name)

/** A pre-treatment with its decoded parameters, defaults filled in. */
export type PreTreatment = {
  readonly [Name in PreTreatmentName]: {
    readonly name: Name
    readonly parameters: Schema.Schema.Type<(typeof catalogue)[Name]["schema"]>
  }
}[PreTreatmentName]

/** The pre-treatment `name` with parameters as written, checked and completed with defaults. */
export const decodePreTreatment = (
  name: PreTreatmentName,
  written: unknown,
): Either.Either<PreTreatment, ParseResult.ParseError> =>
  Either.map(
    catalogue[name].decode(written),
    // The parameters are the output of `name`'s own schema; TypeScript cannot pair a name
    // with its member of the union through a lookup, so the pairing is asserted here.
    (parameters) => ({ name, parameters }) as PreTreatment,
  )

/** `decodePreTreatment` for programs that build a pre-treatment in code: an invalid one throws, naming the problem. */
export const preTreatmentOf = (name: PreTreatmentName, written: object = {}): PreTreatment =>
  decodedOrThrow(name, decodePreTreatment(name, written))
