import { Either } from "effect"
import type {
  AnalysisUnit,
  EnrollmentsQueryType,
  ExposureSignal,
  Segment,
} from "../domain/config/analysis-configuration.js"
import type { WindowLimit } from "../domain/config/spec-schemas.js"
import { addDays, compareDates, type IsoDate, parseIsoDate } from "../domain/dates.js"
import { dateLiteral, identifier, stringLiteral } from "./identifiers.js"
import { SqlBuildError } from "./sql-build-error.js"

/**
 * Where enrollment and exposure events live: BigQuery's tables by default, a demo warehouse's
 * in tests. Glean tables are per application, so they are functions of the app's BigQuery
 * dataset (`appDataset`); each one absent means BigQuery's (`bigQueryTelemetrySources`), so
 * settings written for Desktop alone stay valid.
 */
export interface TelemetrySources {
  /** Desktop (Normandy/Nimbus) events: event_category, event_method, event_string_value, event_map_values. */
  readonly desktopEvents: string
  /** A Glean app's events_stream table: client_id, sample_id, submission_timestamp, event_category, event_name, event_extra (JSON). */
  readonly gleanEventsStream?: (dataset: string) => string
  /** A Glean app's baseline ping table: client_info.client_id, ping_info.experiments, submission_timestamp, sample_id. */
  readonly gleanBaseline?: (dataset: string) => string
  /**
   * A FROM item (SQL, not a table name) with one row per event of a Glean ping table —
   * submission_date, app_channel, event_category, event_name, event_extra (key/value pairs).
   * Cirrus sends enrollments in its `enrollment` ping and exposures in its `events` ping,
   * both with the events nested in an array. It is SQL because DuckDB cannot bind fields of
   * BigQuery's `UNNEST(...) AS e` range variable, so a demo warehouse provides the rows flat.
   */
  readonly gleanPingEvents?: (dataset: string, ping: "enrollment" | "events") => string
}

/** The nested Glean ping table as one row per event (BigQuery's UNNEST). */
const gleanPingEventRows = (table: string): string => `(
      SELECT
        DATE(p.submission_timestamp) AS submission_date,
        p.client_info.app_channel AS app_channel,
        event.category AS event_category,
        event.name AS event_name,
        event.extra AS event_extra
      FROM ${identifier(table)} p
      CROSS JOIN UNNEST(p.events) AS event
    )`

const bigQueryGleanEventsStream = (dataset: string): string =>
  `moz-fx-data-shared-prod.${dataset}.events_stream`
const bigQueryGleanBaseline = (dataset: string): string =>
  `moz-fx-data-shared-prod.${dataset}.baseline`
const bigQueryGleanPingEvents = (dataset: string, ping: "enrollment" | "events"): string =>
  gleanPingEventRows(`moz-fx-data-shared-prod.${dataset}.${ping}`)

export const bigQueryTelemetrySources: Required<TelemetrySources> = {
  desktopEvents: "moz-fx-data-shared-prod.telemetry.events",
  gleanEventsStream: bigQueryGleanEventsStream,
  gleanBaseline: bigQueryGleanBaseline,
  gleanPingEvents: bigQueryGleanPingEvents,
}

/** The request's sources with BigQuery's for those it leaves out. */
const sourcesOf = (request: EnrollmentsQueryRequest): Required<TelemetrySources> => ({
  desktopEvents: request.sources.desktopEvents,
  gleanEventsStream: request.sources.gleanEventsStream ?? bigQueryGleanEventsStream,
  gleanBaseline: request.sources.gleanBaseline ?? bigQueryGleanBaseline,
  gleanPingEvents: request.sources.gleanPingEvents ?? bigQueryGleanPingEvents,
})

/** An app id's BigQuery dataset, as Jetstream derives it: `org.mozilla.firefox` → `org_mozilla_firefox`. */
export const appDataset = (appId: string): string =>
  appId.replaceAll(/[^a-zA-Z0-9]/g, "_").toLowerCase()

/** The Fenix fallback's dataset: the app's, else Fenix's (as mozanalysis). */
const fenixFallbackDataset = (request: EnrollmentsQueryRequest): string =>
  request.appId === undefined ? "org_mozilla_firefox" : appDataset(request.appId)

/** An analysis window in days from each client's enrollment, as the metrics query takes it. */
export interface AnalysisWindowDays {
  readonly start: number
  readonly end: number
}

export interface EnrollmentsQueryRequest {
  readonly experimentSlug: string
  readonly analysisUnit: AnalysisUnit
  /**
   * The built-in enrollment query (unless `customEnrollmentQuery` replaces it); Normandy when
   * absent, the query this builder had first.
   */
  readonly enrollmentsQueryType?: EnrollmentsQueryType
  /** The built-in exposure events; the enrollments query type when absent (as Jetstream). */
  readonly exposureQueryType?: EnrollmentsQueryType
  /** Experimenter's app id (`org.mozilla.firefox`): which Glean dataset to read. */
  readonly appId?: string
  readonly firstEnrollmentDate: IsoDate
  readonly lastEnrollmentDate: IsoDate
  /** The last date an exposure can count: exposures after enrollment ends count too. */
  readonly lastExposureDate: IsoDate
  /** A per-experiment `enrollment_query` (already rendered) replaces the built-in one. */
  readonly customEnrollmentQuery?: string
  /** Percentage of clients kept, by sample_id (0–99): downsampling for huge experiments. */
  readonly sampleSize?: number
  /** A configured exposure signal replaces the built-in exposure events. */
  readonly exposureSignal?: ExposureSignal
  /**
   * The analysis window the enrollments are for (Jetstream passes the period's last one):
   * what an exposure signal's `analysis_window_start`/`_end` limits are measured from.
   */
  readonly analysisWindow?: AnalysisWindowDays
  readonly segments: ReadonlyArray<Segment>
  readonly sources: TelemetrySources
}

const sampleFilter = (request: EnrollmentsQueryRequest, column: string): string =>
  request.sampleSize === undefined || request.sampleSize >= 100
    ? ""
    : `\n      AND ${column} < ${Math.trunc(request.sampleSize)}`

/** Glean and Cirrus tables carry client ids only (mozanalysis refuses them for other units too). */
const requireClientId = (
  request: EnrollmentsQueryRequest,
  what: string,
): Either.Either<void, SqlBuildError> =>
  request.analysisUnit === "client_id"
    ? Either.void
    : Either.left(
        new SqlBuildError({ message: `${what} support the client_id analysis unit only` }),
      )

const requireAppDataset = (
  request: EnrollmentsQueryRequest,
  what: string,
): Either.Either<string, SqlBuildError> =>
  request.appId === undefined
    ? Either.left(new SqlBuildError({ message: `${what} need the experiment's app id` }))
    : Either.right(appDataset(request.appId))

/** The request's dates, each a real `YYYY-MM-DD` day, or the first that is not. */
const requireDates = (request: EnrollmentsQueryRequest): Either.Either<void, SqlBuildError> => {
  const dates = {
    firstEnrollmentDate: request.firstEnrollmentDate,
    lastEnrollmentDate: request.lastEnrollmentDate,
    lastExposureDate: request.lastExposureDate,
  }
  const wrong = Object.entries(dates).find(([, date]) => parseIsoDate(date) !== date)
  return wrong === undefined
    ? Either.void
    : Either.left(
        new SqlBuildError({
          message: `${wrong[0]} must be a date written YYYY-MM-DD, got ${JSON.stringify(wrong[1])}`,
        }),
      )
}

/** Normandy enrollment events: each client's branch, first enrollment date and event count. */
const normandyEnrollments = (request: EnrollmentsQueryRequest): string => `SELECT
      e.${identifier(request.analysisUnit)} AS analysis_id,
      mozfun.map.get_key(e.event_map_values, 'branch') AS branch,
      MIN(e.submission_date) AS enrollment_date,
      COUNT(e.submission_date) AS num_enrollment_events
    FROM ${identifier(request.sources.desktopEvents)} e
    WHERE e.event_category = 'normandy'
      AND e.event_method = 'enroll'
      AND e.event_string_value = ${stringLiteral(request.experimentSlug)}
      AND e.submission_date BETWEEN ${dateLiteral(request.firstEnrollmentDate)} AND ${dateLiteral(request.lastEnrollmentDate)}${sampleFilter(request, "e.sample_id")}
    GROUP BY 1, 2`

/** Nimbus `enrollment` events of a Glean app's events_stream (mozanalysis' glean-event query). */
const gleanEventEnrollments = (request: EnrollmentsQueryRequest) =>
  Either.gen(function* () {
    yield* requireClientId(request, "Glean enrollments")
    const table = sourcesOf(request).gleanEventsStream(
      yield* requireAppDataset(request, "Glean enrollments"),
    )
    return `SELECT
      e.client_id AS analysis_id,
      JSON_VALUE(e.event_extra, '$.branch') AS branch,
      DATE(MIN(e.submission_timestamp)) AS enrollment_date,
      COUNT(e.submission_timestamp) AS num_enrollment_events
    FROM ${identifier(table)} e
    WHERE e.client_id IS NOT NULL
      AND DATE(e.submission_timestamp) BETWEEN ${dateLiteral(request.firstEnrollmentDate)} AND ${dateLiteral(request.lastEnrollmentDate)}
      AND e.event_category = 'nimbus_events'
      AND e.event_name = 'enrollment'
      AND JSON_VALUE(e.event_extra, '$.experiment') = ${stringLiteral(request.experimentSlug)}${sampleFilter(request, "e.sample_id")}
    GROUP BY 1, 2`
  })

/**
 * For apps that sent no enrollment events: the branch each baseline ping's
 * ping_info.experiments records. Pings from a week before enrollment starts are read too, and
 * clients already in the experiment then are dropped (HAVING): they enrolled before the
 * experiment's start (testers, earlier launches), as in mozanalysis.
 */
const fenixFallbackEnrollments = (request: EnrollmentsQueryRequest) =>
  Either.gen(function* () {
    yield* requireClientId(request, "Fenix fallback enrollments")
    const branch = `mozfun.map.get_key(b.ping_info.experiments, ${stringLiteral(request.experimentSlug)}).branch`
    return `SELECT
      b.client_info.client_id AS analysis_id,
      ${branch} AS branch,
      DATE(MIN(b.submission_timestamp)) AS enrollment_date,
      COUNT(b.submission_timestamp) AS num_enrollment_events
    FROM ${identifier(sourcesOf(request).gleanBaseline(fenixFallbackDataset(request)))} b
    WHERE b.client_info.client_id IS NOT NULL
      AND DATE(b.submission_timestamp) BETWEEN ${dateLiteral(addDays(request.firstEnrollmentDate, -7))} AND ${dateLiteral(request.lastEnrollmentDate)}
      AND ${branch} IS NOT NULL${sampleFilter(request, "b.sample_id")}
    GROUP BY 1, 2
    HAVING DATE(MIN(b.submission_timestamp)) >= ${dateLiteral(request.firstEnrollmentDate)}`
  })

/**
 * Cirrus (server-side Nimbus) enrollment events of production, by nimbus_user_id. No
 * sample_size: the ping's sample_id describes the Cirrus server, not the user (mozanalysis
 * ignores it too).
 */
const cirrusEnrollments = (request: EnrollmentsQueryRequest) =>
  Either.gen(function* () {
    yield* requireClientId(request, "Cirrus enrollments")
    const events = sourcesOf(request).gleanPingEvents(
      yield* requireAppDataset(request, "Cirrus enrollments"),
      "enrollment",
    )
    return `SELECT
      mozfun.map.get_key(e.event_extra, 'nimbus_user_id') AS analysis_id,
      mozfun.map.get_key(e.event_extra, 'branch') AS branch,
      MIN(e.submission_date) AS enrollment_date,
      COUNT(e.submission_date) AS num_enrollment_events
    FROM ${events} e
    WHERE mozfun.map.get_key(e.event_extra, 'nimbus_user_id') IS NOT NULL
      AND e.submission_date BETWEEN ${dateLiteral(request.firstEnrollmentDate)} AND ${dateLiteral(request.lastEnrollmentDate)}
      AND e.event_category = 'cirrus_events'
      AND e.event_name = 'enrollment'
      AND mozfun.map.get_key(e.event_extra, 'experiment') = ${stringLiteral(request.experimentSlug)}
      AND e.app_channel = 'production'
    GROUP BY 1, 2`
  })

const builtInEnrollments = (
  request: EnrollmentsQueryRequest,
): Either.Either<string, SqlBuildError> => {
  switch (request.enrollmentsQueryType ?? "normandy") {
    case "normandy":
      return Either.right(normandyEnrollments(request))
    case "glean-event":
      return gleanEventEnrollments(request)
    case "fenix-fallback":
      return fenixFallbackEnrollments(request)
    case "cirrus":
      return cirrusEnrollments(request)
  }
}

/** How an exposure event table records the client, branch, date and experiment. */
interface ExposureEvents {
  readonly from: string
  readonly analysisId: string
  readonly branch: string
  readonly date: string
  readonly filters: ReadonlyArray<string>
}

/**
 * Exposure events of enrolled clients in their own branch, on or after their enrollment date
 * and until `lastExposureDate` — unlike mozanalysis, which stops at the end of enrollment and
 * so misses clients first exposed later.
 */
const exposuresOf = (request: EnrollmentsQueryRequest, events: ExposureEvents): string => `SELECT
      re.analysis_id,
      re.branch,
      MIN(${events.date}) AS exposure_date,
      COUNT(${events.date}) AS num_exposure_events
    FROM raw_enrollments re
    JOIN ${events.from} x
      ON ${events.analysisId} = re.analysis_id
      AND ${events.branch} = re.branch
      AND ${events.date} >= re.enrollment_date
    WHERE ${[
      ...events.filters,
      `${events.date} BETWEEN ${dateLiteral(request.firstEnrollmentDate)} AND ${dateLiteral(request.lastExposureDate)}`,
    ].join("\n      AND ")}
    GROUP BY 1, 2`

const normandyExposureEvents = (request: EnrollmentsQueryRequest): ExposureEvents => ({
  from: identifier(request.sources.desktopEvents),
  analysisId: `x.${identifier(request.analysisUnit)}`,
  branch: "mozfun.map.get_key(x.event_map_values, 'branchSlug')",
  date: "x.submission_date",
  filters: [
    "x.event_category = 'normandy'",
    "x.event_method IN ('exposure', 'expose')",
    `x.event_string_value = ${stringLiteral(request.experimentSlug)}`,
  ],
})

/** Nimbus `exposure` (and the older `expose`) events of a Glean app's events_stream. */
const gleanExposureEvents = (
  request: EnrollmentsQueryRequest,
  dataset: string,
): Either.Either<ExposureEvents, SqlBuildError> =>
  Either.map(requireClientId(request, "Glean exposures"), () => ({
    from: identifier(sourcesOf(request).gleanEventsStream(dataset)),
    analysisId: "x.client_id",
    branch: "JSON_VALUE(x.event_extra, '$.branch')",
    date: "DATE(x.submission_timestamp)",
    filters: [
      "x.event_category = 'nimbus_events'",
      "x.event_name IN ('exposure', 'expose')",
      `JSON_VALUE(x.event_extra, '$.experiment') = ${stringLiteral(request.experimentSlug)}`,
    ],
  }))

/** Cirrus `exposure`/`expose` events of its Glean `events` ping, by nimbus_user_id. */
const cirrusExposureEvents = (request: EnrollmentsQueryRequest) =>
  Either.gen(function* () {
    yield* requireClientId(request, "Cirrus exposures")
    return {
      from: sourcesOf(request).gleanPingEvents(
        yield* requireAppDataset(request, "Cirrus exposures"),
        "events",
      ),
      analysisId: "mozfun.map.get_key(x.event_extra, 'nimbus_user_id')",
      branch: "mozfun.map.get_key(x.event_extra, 'branch')",
      date: "x.submission_date",
      filters: [
        "x.event_category = 'cirrus_events'",
        "x.event_name IN ('exposure', 'expose')",
        `mozfun.map.get_key(x.event_extra, 'experiment') = ${stringLiteral(request.experimentSlug)}`,
      ],
    } satisfies ExposureEvents
  })

const builtInExposureEvents = (
  request: EnrollmentsQueryRequest,
): Either.Either<ExposureEvents, SqlBuildError> => {
  const type = request.exposureQueryType ?? request.enrollmentsQueryType ?? "normandy"
  switch (type) {
    case "normandy":
      return Either.right(normandyExposureEvents(request))
    case "glean-event":
      return Either.flatMap(requireAppDataset(request, "Glean exposures"), (dataset) =>
        gleanExposureEvents(request, dataset),
      )
    case "fenix-fallback":
      return gleanExposureEvents(request, fenixFallbackDataset(request))
    case "cirrus":
      return cirrusExposureEvents(request)
  }
}

/**
 * The submission dates an exposure signal reads, as absolute dates. Integers count days from
 * the first enrollment date; `enrollment_start`/`_end` are the first/last enrollment dates;
 * `analysis_window_start`/`_end` are the last enrollment date plus the analysis window's
 * start/end (when the last-enrolled client enters/leaves the window) — all as Jetstream. Unlike
 * mozanalysis, an absent end reads until `lastExposureDate` (not the last enrollment date) so
 * late exposures count, `window_end = 0` means the first enrollment day (mozanalysis reads 0
 * as absent), and no end goes past `lastExposureDate`.
 */
export const exposureSignalDates = (
  request: EnrollmentsQueryRequest,
  signal: ExposureSignal,
): Either.Either<{ readonly start: IsoDate; readonly end: IsoDate }, SqlBuildError> => {
  const resolve = (limit: WindowLimit): Either.Either<IsoDate, SqlBuildError> => {
    if (typeof limit === "number") {
      return Either.right(addDays(request.firstEnrollmentDate, Math.trunc(limit)))
    }
    switch (limit) {
      case "enrollment_start":
        return Either.right(request.firstEnrollmentDate)
      case "enrollment_end":
        return Either.right(request.lastEnrollmentDate)
      case "analysis_window_start":
      case "analysis_window_end": {
        const window = request.analysisWindow
        if (window === undefined) {
          return Either.left(
            new SqlBuildError({
              message: `exposure signal ${signal.name} uses ${limit}, which needs the analysis window`,
            }),
          )
        }
        const offset = limit === "analysis_window_start" ? window.start : window.end
        return Either.right(addDays(request.lastEnrollmentDate, Math.trunc(offset)))
      }
    }
  }
  return Either.gen(function* () {
    const start =
      signal.windowStart === undefined
        ? request.firstEnrollmentDate
        : yield* resolve(signal.windowStart)
    const end =
      signal.windowEnd === undefined ? request.lastExposureDate : yield* resolve(signal.windowEnd)
    return {
      start,
      end: compareDates(end, request.lastExposureDate) > 0 ? request.lastExposureDate : end,
    }
  })
}

/**
 * A configured exposure signal: the rows of its data source within its window where its
 * select expression (a row-level condition) holds, on or after the client's enrollment date.
 * exposure_date is the first such row's date and num_exposure_events the number of such rows
 * (one a day for daily tables), as mozanalysis. The signal knows no branch, so it counts for
 * whichever branch the client enrolled in.
 */
const signalExposures = (
  request: EnrollmentsQueryRequest,
  signal: ExposureSignal,
): Either.Either<string, SqlBuildError> => {
  const source = signal.dataSource
  const id =
    request.analysisUnit === "profile_group_id" ? source.groupIdColumn : source.clientIdColumn
  const date = `ds.${identifier(source.submissionDateColumn)}`
  return Either.map(
    exposureSignalDates(request, signal),
    ({ start, end }) => `SELECT
      re.analysis_id,
      re.branch,
      MIN(s.submission_date) AS exposure_date,
      COUNT(s.submission_date) AS num_exposure_events
    FROM raw_enrollments re
    JOIN (
      SELECT ds.${identifier(id)} AS analysis_id, ${date} AS submission_date
      FROM ${source.fromExpression} ds
      WHERE ${date} BETWEEN ${dateLiteral(start)} AND ${dateLiteral(end)}
        AND (${signal.selectExpression})
    ) s
      ON s.analysis_id = re.analysis_id
      AND s.submission_date >= re.enrollment_date
    GROUP BY 1, 2`,
  )
}

/** A segment's flag per client: its select expression over its window around enrollment. */
const segmentQuery = (segment: Segment, analysisUnit: AnalysisUnit): string => {
  const source = segment.dataSource
  const id = analysisUnit === "profile_group_id" ? source.groupIdColumn : source.clientIdColumn
  const bound = (limit: Segment["windowStart"], fallback: number) =>
    typeof limit === "number" ? limit : fallback
  return `${identifier(`segment_${segment.name}`)} AS (
    SELECT re.analysis_id, re.branch, COALESCE(${segment.selectExpression}, FALSE) AS ${identifier(segment.name)}
    FROM raw_enrollments re
    LEFT JOIN ${source.fromExpression} ds
      ON ds.${identifier(id)} = re.analysis_id
      AND ds.${identifier(source.submissionDateColumn)} BETWEEN DATE_ADD(re.enrollment_date, INTERVAL ${bound(segment.windowStart, 0)} DAY)
        AND DATE_ADD(re.enrollment_date, INTERVAL ${bound(segment.windowEnd, 0)} DAY)
    GROUP BY 1, 2
  )`
}

/**
 * The enrollments table: one row per (analysis_id, branch) with analysis_id, branch,
 * enrollment_date, num_enrollment_events, one boolean per segment, exposure_date and
 * num_exposure_events (NULL and 0 for clients never exposed). A SqlBuildError for a request
 * config validation should have refused: a Glean or Cirrus query without an app id or for
 * profile groups, an `analysis_window_*` signal limit without the analysis window, a date
 * that is not `YYYY-MM-DD`.
 */
export const buildEnrollmentsQuery = (
  request: EnrollmentsQueryRequest,
): Either.Either<string, SqlBuildError> =>
  Either.gen(function* () {
    yield* requireDates(request)
    const enrollments = request.customEnrollmentQuery ?? (yield* builtInEnrollments(request))
    const exposures =
      request.exposureSignal === undefined
        ? exposuresOf(request, yield* builtInExposureEvents(request))
        : yield* signalExposures(request, request.exposureSignal)
    return enrollmentsSelect(request, enrollments, exposures)
  })

/** The enrollments table's query from its enrollments and exposures subqueries. */
const enrollmentsSelect = (
  request: EnrollmentsQueryRequest,
  enrollments: string,
  exposures: string,
): string => {
  const segments = [...request.segments].sort((a, b) => a.name.localeCompare(b.name))
  const ctes = [
    `raw_enrollments AS (\n    ${enrollments}\n  )`,
    `exposures AS (\n    ${exposures}\n  )`,
    ...segments.map((segment) => segmentQuery(segment, request.analysisUnit)),
  ]
  const segmentColumns = segments.map(
    (segment) =>
      `,\n  COALESCE(${identifier(`segment_${segment.name}`)}.${identifier(segment.name)}, FALSE) AS ${identifier(segment.name)}`,
  )
  const segmentJoins = segments.map(
    (segment) => `\nLEFT JOIN ${identifier(`segment_${segment.name}`)} USING (analysis_id, branch)`,
  )
  return `WITH ${ctes.join(",\n  ")}
SELECT
  re.analysis_id,
  re.branch,
  re.enrollment_date,
  re.num_enrollment_events${segmentColumns.join("")},
  x.exposure_date,
  COALESCE(x.num_exposure_events, 0) AS num_exposure_events
FROM raw_enrollments re
LEFT JOIN exposures x USING (analysis_id, branch)${segmentJoins.join("")}`
}
