import type { AnalysisUnit, Segment } from "../domain/config/analysis-configuration.js"
import type { IsoDate } from "../domain/dates.js"
import { dateLiteral, identifier, stringLiteral } from "./identifiers.js"

/** Where enrollment and exposure events live: BigQuery's tables, or a demo warehouse's. */
export interface TelemetrySources {
  /** Desktop (Normandy/Nimbus) events: event_category, event_method, event_string_value, event_map_values. */
  readonly desktopEvents: string
}

export const bigQueryTelemetrySources: TelemetrySources = {
  desktopEvents: "moz-fx-data-shared-prod.telemetry.events",
}

export interface EnrollmentsQueryRequest {
  readonly experimentSlug: string
  readonly analysisUnit: AnalysisUnit
  readonly firstEnrollmentDate: IsoDate
  readonly lastEnrollmentDate: IsoDate
  /** The last date an exposure can count: exposures after enrollment ends count too. */
  readonly lastExposureDate: IsoDate
  /** A per-experiment `enrollment_query` (already rendered) replaces the built-in one. */
  readonly customEnrollmentQuery?: string
  /** Percentage of clients kept, by sample_id (0–99): downsampling for huge experiments. */
  readonly sampleSize?: number
  readonly segments: ReadonlyArray<Segment>
  readonly sources: TelemetrySources
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
      AND e.submission_date BETWEEN ${dateLiteral(request.firstEnrollmentDate)} AND ${dateLiteral(request.lastEnrollmentDate)}${
        request.sampleSize === undefined || request.sampleSize >= 100
          ? ""
          : `\n      AND e.sample_id < ${Math.trunc(request.sampleSize)}`
      }
    GROUP BY 1, 2`

/**
 * Normandy exposure events of enrolled clients in their own branch, on or after their
 * enrollment date and until `lastExposureDate` — unlike mozanalysis, which stops at the end of
 * enrollment and so misses clients first exposed later.
 */
const normandyExposures = (request: EnrollmentsQueryRequest): string => `SELECT
      re.analysis_id,
      re.branch,
      MIN(x.submission_date) AS exposure_date,
      COUNT(x.submission_date) AS num_exposure_events
    FROM raw_enrollments re
    JOIN ${identifier(request.sources.desktopEvents)} x
      ON x.${identifier(request.analysisUnit)} = re.analysis_id
      AND mozfun.map.get_key(x.event_map_values, 'branchSlug') = re.branch
      AND x.submission_date >= re.enrollment_date
    WHERE x.event_category = 'normandy'
      AND x.event_method IN ('exposure', 'expose')
      AND x.event_string_value = ${stringLiteral(request.experimentSlug)}
      AND x.submission_date BETWEEN ${dateLiteral(request.firstEnrollmentDate)} AND ${dateLiteral(request.lastExposureDate)}
    GROUP BY 1, 2`

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
 * num_exposure_events (NULL and 0 for clients never exposed).
 */
export const buildEnrollmentsQuery = (request: EnrollmentsQueryRequest): string => {
  const segments = [...request.segments].sort((a, b) => a.name.localeCompare(b.name))
  const ctes = [
    `raw_enrollments AS (\n    ${request.customEnrollmentQuery ?? normandyEnrollments(request)}\n  )`,
    `exposures AS (\n    ${normandyExposures(request)}\n  )`,
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
