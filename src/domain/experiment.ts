import { Data, Either, type ParseResult, Schema } from "effect"
import { issuesFromParseError } from "./config/schema-issues.js"
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

/** The fields of a v8 record Slipstream reads; other fields are allowed and ignored. */
const ExperimenterRecord = Schema.Struct({
  slug: Schema.String,
  userFacingName: Nullable(Schema.String),
  appName: Nullable(Schema.String),
  appId: Nullable(Schema.String),
  branches: Schema.Array(
    Schema.Struct({
      slug: Schema.String,
      ratio: Schema.optionalWith(Schema.Number, { default: () => 1 }),
    }),
  ),
  referenceBranch: Nullable(Schema.String),
  startDate: Nullable(Schema.String),
  endDate: Nullable(Schema.String),
  enrollmentEndDate: Nullable(Schema.String),
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

const dateFields = ["startDate", "endDate", "enrollmentEndDate"] as const

/** What the schema cannot say: empty slugs and branch lists, dates that are not dates. */
const problemsOf = (record: ExperimenterRecord): ReadonlyArray<string> => [
  ...(record.slug.trim() === "" ? ["slug is empty"] : []),
  ...(record.branches.length === 0 ? ["has no branches"] : []),
  ...record.branches.flatMap((branch, index) =>
    branch.slug.trim() === "" ? [`branch #${index} has an empty slug`] : [],
  ),
  ...dateFields.flatMap((field) => {
    const text = record[field]
    return text == null || parseIsoDate(text) !== undefined
      ? []
      : [`${field} ${JSON.stringify(text)} is not a date`]
  }),
]

const describeIssues = (error: ParseResult.ParseError): string =>
  issuesFromParseError(error, [])
    .map(({ path, message }) => (path === "" ? message : `${path} ${message}`))
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
  const recordError = (problem: string) =>
    new ExperimentRecordError({
      index,
      ...(slug === undefined ? {} : { slug }),
      message: `${label}: ${problem}`,
    })
  return Schema.decodeUnknownEither(ExperimenterRecord, { errors: "all" })(record).pipe(
    Either.mapLeft((error) => recordError(describeIssues(error))),
    Either.flatMap((decoded) => {
      const problems = problemsOf(decoded)
      return problems.length === 0
        ? Either.right(toExperiment(decoded))
        : Either.left(recordError(problems.join("; ")))
    }),
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
