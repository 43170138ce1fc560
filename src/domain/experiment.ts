import { Data, Either, ParseResult, Schema } from "effect"
import { type IsoDate, parseIsoDate } from "./dates.js"

/** An experiment as Slipstream analyses it (from Experimenter's v8 API or a local file). */
export interface Experiment {
  readonly slug: string
  readonly name?: string
  readonly appName: string
  readonly appId?: string
  readonly branches: ReadonlyArray<Branch>
  readonly referenceBranch?: string
  readonly startDate?: IsoDate
  readonly endDate?: IsoDate
  readonly enrollmentEndDate?: IsoDate
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
  readonly ratio: number
}

/** A record of the Experimenter list that could not be read; the others still are. */
export class ExperimentRecordError extends Data.TaggedError("ExperimentRecordError")<{
  /** Position in the list, 0-based. */
  readonly index: number
  readonly slug?: string
  readonly message: string
}> {}

const Nullable = <S extends Schema.Schema.Any>(schema: S) =>
  Schema.optionalWith(Schema.NullOr(schema), { exact: true })

const CalendarDate = Schema.String.pipe(
  Schema.filter((text) => parseIsoDate(text) !== undefined, {
    message: (issue) => `${JSON.stringify(issue.actual)} is not a date`,
  }),
)

const NonEmptyString = Schema.String.pipe(
  Schema.filter((text) => text.trim().length > 0, { message: () => "is empty" }),
)

/** The fields of a v8 record Slipstream reads; other fields are allowed and ignored. */
const ExperimenterRecord = Schema.Struct({
  slug: NonEmptyString,
  userFacingName: Nullable(Schema.String),
  appName: Nullable(Schema.String),
  appId: Nullable(Schema.String),
  branches: Schema.NonEmptyArray(
    Schema.Struct({
      slug: NonEmptyString,
      ratio: Schema.optionalWith(Schema.Number, { default: () => 1 }),
    }),
  ).annotations({ message: () => "must list at least one branch, each with a slug" }),
  referenceBranch: Nullable(Schema.String),
  startDate: Nullable(CalendarDate),
  endDate: Nullable(CalendarDate),
  enrollmentEndDate: Nullable(CalendarDate),
  proposedEnrollment: Nullable(Schema.Number),
  isRollout: Nullable(Schema.Boolean),
  isEnrollmentPaused: Nullable(Schema.Boolean),
  bucketConfig: Nullable(Schema.Struct({ randomizationUnit: Nullable(Schema.String) })),
  outcomes: Nullable(Schema.Array(Schema.Struct({ slug: Schema.String }))),
  segments: Nullable(Schema.Array(Schema.Struct({ slug: Schema.String }))),
})
type ExperimenterRecord = typeof ExperimenterRecord.Type

const dateOf = (text: string | null | undefined): IsoDate | undefined =>
  text === null || text === undefined ? undefined : parseIsoDate(text)

const toExperiment = (record: ExperimenterRecord): Experiment => {
  const startDate = dateOf(record.startDate)
  const endDate = dateOf(record.endDate)
  const enrollmentEndDate = dateOf(record.enrollmentEndDate)
  const randomizationUnit = record.bucketConfig?.randomizationUnit
  return {
    slug: record.slug,
    ...(record.userFacingName == null ? {} : { name: record.userFacingName }),
    // Experimenter leaves appName empty for old desktop experiments; Jetstream assumes desktop.
    appName: record.appName ?? "firefox_desktop",
    ...(record.appId == null ? {} : { appId: record.appId }),
    branches: record.branches.map(({ slug, ratio }) => ({ slug, ratio })),
    ...(record.referenceBranch == null ? {} : { referenceBranch: record.referenceBranch }),
    ...(startDate === undefined ? {} : { startDate }),
    ...(endDate === undefined ? {} : { endDate }),
    ...(enrollmentEndDate === undefined ? {} : { enrollmentEndDate }),
    ...(record.proposedEnrollment == null ? {} : { proposedEnrollment: record.proposedEnrollment }),
    isRollout: record.isRollout ?? false,
    ...(record.isEnrollmentPaused == null ? {} : { isEnrollmentPaused: record.isEnrollmentPaused }),
    ...(randomizationUnit == null ? {} : { randomizationUnit }),
    outcomes: (record.outcomes ?? []).map(({ slug }) => slug),
    segments: (record.segments ?? []).map(({ slug }) => slug),
  }
}

const describeIssues = (error: ParseResult.ParseError): string =>
  ParseResult.ArrayFormatter.formatErrorSync(error)
    .map(({ path, message }) => {
      const field = path
        .map((segment) => (typeof segment === "number" ? `[${segment}]` : `.${String(segment)}`))
        .join("")
        .replace(/^\./, "")
      const text = message.replace(/^Expected (.+), actual (.+)$/s, "expected $1, got $2")
      return field === "" ? text : `${field} ${text.startsWith('"') ? `is ${text}` : text}`
    })
    .join("; ")

const slugOf = (record: unknown): string | undefined =>
  typeof record === "object" &&
  record !== null &&
  "slug" in record &&
  typeof record.slug === "string"
    ? record.slug
    : undefined

/** One Experimenter v8 record. */
export const decodeExperiment = (
  record: unknown,
  index = 0,
): Either.Either<Experiment, ExperimentRecordError> => {
  const slug = slugOf(record)
  const label = `experiment #${index}${slug === undefined ? "" : ` ("${slug}")`}`
  if (typeof record !== "object" || record === null || Array.isArray(record)) {
    return Either.left(
      new ExperimentRecordError({
        index,
        message: `${label}: expected an object, got ${JSON.stringify(record)}`,
      }),
    )
  }
  return Schema.decodeUnknownEither(ExperimenterRecord, { errors: "all" })(record).pipe(
    Either.map(toExperiment),
    Either.mapLeft(
      (error) =>
        new ExperimentRecordError({
          index,
          ...(slug === undefined ? {} : { slug }),
          message: `${label}: ${describeIssues(error)}`,
        }),
    ),
  )
}

/**
 * A list of Experimenter v8 records: the valid experiments, and one error per record that
 * is not (a null slug, no branches, a bad date, not an object). Never throws.
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
      errors: [new ExperimentRecordError({ index: 0, message: "expected a list of experiments" })],
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
