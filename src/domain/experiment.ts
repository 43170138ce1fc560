import { Data, Either, ParseResult, Schema } from "effect"
import { type IsoDate, parseIsoDate } from "./dates.js"

/** An experiment as Slipstream analyses it (from Experimenter's v8 API or a local file). */
export interface Experiment {
  readonly slug: string
  /** Experimenter's userFacingName. */
  readonly name?: string
  readonly appName: string
  readonly appId?: string
  /** Release channel ("release", "beta", "nightly"), when Experimenter gives one. */
  readonly channel?: string
  readonly branches: ReadonlyArray<Branch>
  readonly referenceBranch?: string
  readonly startDate?: IsoDate
  readonly endDate?: IsoDate
  readonly enrollmentEndDate?: IsoDate
  /** Days of enrollment planned, used while enrollment has no end date yet. */
  readonly proposedEnrollment?: number
  readonly isRollout: boolean
  readonly isEnrollmentPaused?: boolean
  /** Experimenter's bucketConfig.randomizationUnit: "normandy_id", "nimbus_id", "group_id", ... */
  readonly randomizationUnit?: string
  readonly outcomes: ReadonlyArray<string>
  readonly segments: ReadonlyArray<string>
}

export interface Branch {
  readonly slug: string
  /** Relative share of the population (1 and 3: a quarter and three quarters). */
  readonly ratio: number
}

/** A record of the Experimenter list that could not be read; the others still are. */
export class ExperimentRecordError extends Data.TaggedError("ExperimentRecordError")<{
  /** Position in the list, 0-based; absent for a single record or a list that is not one. */
  readonly index?: number
  readonly slug?: string
  readonly message: string
}> {}

/** Experimenter sends null for unset fields; null reads as absent. */
const Nullable = <S extends Schema.Schema.All>(schema: S) =>
  Schema.optionalWith(schema, { nullable: true, exact: true })

const NonEmptyText = Schema.String.pipe(Schema.filter((text) => text.trim() !== "" || "is empty"))

/** A date or date-time string, decoded to its UTC calendar date. */
const DateText = Schema.transformOrFail(Schema.String, Schema.String, {
  strict: true,
  decode: (text, _, ast) => {
    const date = parseIsoDate(text)
    return date === undefined
      ? ParseResult.fail(new ParseResult.Type(ast, text, `${JSON.stringify(text)} is not a date`))
      : ParseResult.succeed(date)
  },
  encode: ParseResult.succeed,
})

const SlugReference = Schema.Struct({ slug: NonEmptyText })

/** The fields of a v8 record Slipstream reads; other fields are allowed and ignored. */
const ExperimenterRecord = Schema.Struct({
  slug: NonEmptyText,
  userFacingName: Nullable(Schema.String),
  appName: Nullable(NonEmptyText),
  appId: Nullable(NonEmptyText),
  channel: Nullable(Schema.String),
  branches: Schema.Array(
    Schema.Struct({
      slug: NonEmptyText,
      ratio: Schema.optionalWith(Schema.Number.pipe(Schema.nonNegative()), {
        exact: true,
        default: () => 1,
      }),
    }),
  ).pipe(
    Schema.minItems(1, { message: () => "is empty: an experiment needs at least one branch" }),
  ),
  referenceBranch: Nullable(Schema.String),
  startDate: Nullable(DateText),
  endDate: Nullable(DateText),
  enrollmentEndDate: Nullable(DateText),
  proposedEnrollment: Nullable(Schema.Int.pipe(Schema.nonNegative())),
  isRollout: Nullable(Schema.Boolean),
  isEnrollmentPaused: Nullable(Schema.Boolean),
  bucketConfig: Nullable(Schema.Struct({ randomizationUnit: Nullable(Schema.String) })),
  outcomes: Nullable(Schema.Array(SlugReference)),
  segments: Nullable(Schema.Array(SlugReference)),
})
type ExperimenterRecord = typeof ExperimenterRecord.Type

/** Present and not blank: Experimenter sends "" for names it does not have. */
const given = (text: string | undefined): text is string => text !== undefined && text.trim() !== ""

const toExperiment = (record: ExperimenterRecord): Experiment => {
  const randomizationUnit = record.bucketConfig?.randomizationUnit
  return {
    slug: record.slug,
    ...(given(record.userFacingName) ? { name: record.userFacingName } : {}),
    // Experimenter leaves appName empty on old desktop experiments; Jetstream assumes desktop.
    appName: record.appName ?? "firefox_desktop",
    ...(record.appId === undefined ? {} : { appId: record.appId }),
    ...(given(record.channel) ? { channel: record.channel } : {}),
    branches: record.branches.map(({ slug, ratio }) => ({ slug, ratio })),
    ...(given(record.referenceBranch) ? { referenceBranch: record.referenceBranch } : {}),
    ...(record.startDate === undefined ? {} : { startDate: record.startDate }),
    ...(record.endDate === undefined ? {} : { endDate: record.endDate }),
    ...(record.enrollmentEndDate === undefined
      ? {}
      : { enrollmentEndDate: record.enrollmentEndDate }),
    ...(record.proposedEnrollment === undefined
      ? {}
      : { proposedEnrollment: record.proposedEnrollment }),
    isRollout: record.isRollout ?? false,
    ...(record.isEnrollmentPaused === undefined
      ? {}
      : { isEnrollmentPaused: record.isEnrollmentPaused }),
    ...(given(randomizationUnit) ? { randomizationUnit } : {}),
    outcomes: (record.outcomes ?? []).map(({ slug }) => slug),
    segments: (record.segments ?? []).map(({ slug }) => slug),
  }
}

/** A JSON value as a person reads it in a message: `null`, `"2019-13-01"`, `a list`. */
const describeValue = (value: unknown): string => {
  if (Array.isArray(value)) return "a list"
  if (typeof value === "object" && value !== null) return "an object"
  const text = JSON.stringify(value) ?? String(value)
  return text.length > 60 ? `${text.slice(0, 57)}...` : text
}

/** Schema's names of expected types, in words. */
const describeExpected = (expected: string): string => {
  if (expected === "string") return "a string"
  if (expected === "number") return "a number"
  if (expected === "boolean") return "true or false"
  if (expected === "an integer") return "a whole number"
  if (expected.startsWith("ReadonlyArray")) return "a list"
  if (expected.startsWith("Struct") || expected.startsWith("{")) return "an object"
  return expected
}

const pathText = (path: ReadonlyArray<PropertyKey>): string =>
  path
    .map((segment, position) =>
      typeof segment === "number"
        ? `[${segment}]`
        : `${position === 0 ? "" : "."}${String(segment)}`,
    )
    .join("")

/**
 * One phrase per offending field: `startDate "2019-13-01" is not a date`, `slug is null,
 * expected a string`. A nullable field that fails also reports "Expected null"; that
 * alternative is dropped, since null is never what is wrong.
 */
const describeParseError = (error: ParseResult.ParseError): string =>
  ParseResult.ArrayFormatter.formatErrorSync(error)
    .filter((issue) => !/^Expected (null|undefined), actual /.test(issue.message))
    .map((issue) => {
      const field = pathText(issue.path)
      const mismatch = /^Expected (.+), actual (.+)$/s.exec(issue.message)
      const problem =
        mismatch === null
          ? issue.message
          : `is ${mismatch[2] ?? "something else"}, expected ${describeExpected(mismatch[1] ?? "")}`
      return field === "" ? problem : `${field} ${problem}`
    })
    .join("; ")

const slugOf = (record: unknown): string | undefined =>
  typeof record === "object" &&
  record !== null &&
  "slug" in record &&
  typeof record.slug === "string" &&
  record.slug.trim() !== ""
    ? record.slug
    : undefined

/**
 * One Experimenter v8 record: the experiment, or an error naming every offending field.
 * `index` is the record's position in its list, for messages (`experiment #3 ("foo"): ...`).
 */
export const decodeExperiment = (
  record: unknown,
  index?: number,
): Either.Either<Experiment, ExperimentRecordError> => {
  const slug = slugOf(record)
  const label = `experiment${index === undefined ? "" : ` #${index}`}${slug === undefined ? "" : ` ("${slug}")`}`
  const recordError = (problem: string) =>
    new ExperimentRecordError({
      ...(index === undefined ? {} : { index }),
      ...(slug === undefined ? {} : { slug }),
      message: `${label}: ${problem}`,
    })
  if (typeof record !== "object" || record === null || Array.isArray(record)) {
    return Either.left(recordError(`a record must be an object, got ${describeValue(record)}`))
  }
  return Schema.decodeUnknownEither(ExperimenterRecord, { errors: "all" })(record).pipe(
    Either.mapLeft((error) => recordError(describeParseError(error))),
    Either.map(toExperiment),
  )
}

/**
 * A list of Experimenter v8 records (`/api/v8/experiments/`): the valid experiments, and one
 * error per record that is not (a null slug, no branches, a bad date, not an object).
 * A value that is not a list is a single error. Never throws.
 */
export const decodeExperiments = (
  json: unknown,
): {
  readonly experiments: ReadonlyArray<Experiment>
  readonly errors: ReadonlyArray<ExperimentRecordError>
} => {
  if (!Array.isArray(json)) {
    return {
      experiments: [],
      errors: [
        new ExperimentRecordError({
          message: `the experiments must be a list of records, got ${describeValue(json)}`,
        }),
      ],
    }
  }
  const experiments: Experiment[] = []
  const errors: ExperimentRecordError[] = []
  json.forEach((record: unknown, index) => {
    const decoded = decodeExperiment(record, index)
    if (Either.isRight(decoded)) experiments.push(decoded.right)
    else errors.push(decoded.left)
  })
  return { experiments, errors }
}
