/**
 * Golden files of the BigQuery SQL the builders generate (test/sql/golden/*.sql): the text
 * sent to BigQuery, which no test here can run, is pinned byte for byte so any change to it is
 * seen in review. After an intended change, rewrite them and read the diff:
 *
 *   UPDATE_GOLDEN=1 npx vitest run test/sql/golden.test.ts
 */
import { readFileSync, writeFileSync } from "node:fs"
import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import type { ExposureSignal, Segment } from "../../src/domain/config/analysis-configuration.js"
import {
  bigQueryTelemetrySources,
  type EnrollmentsQueryRequest,
  buildEnrollmentsQuery as enrollmentsQuery,
} from "../../src/sql/enrollments-query.js"
import { buildMetricsQuery } from "../../src/sql/metrics-query.js"
import {
  buildHistogramQuery as histogramQuery,
  buildOrderStatisticsQuery as orderStatisticsQuery,
} from "../../src/sql/push-down-query.js"
import { decileLevels } from "../../src/stats/deciles.js"
import { dataSourceFixture, metricFixture } from "../support/sql-fixtures.js"

const dataSource = dataSourceFixture

/** The builders return Either (a SqlBuildError for a request they cannot write); here, the SQL. */
const buildEnrollmentsQuery = (request: EnrollmentsQueryRequest) =>
  Either.getOrThrow(enrollmentsQuery(request))
const buildHistogramQuery = (...args: Parameters<typeof histogramQuery>) =>
  Either.getOrThrow(histogramQuery(...args))
const buildOrderStatisticsQuery = (...args: Parameters<typeof orderStatisticsQuery>) =>
  Either.getOrThrow(orderStatisticsQuery(...args))
const metric = metricFixture

const clientsDaily = dataSource("clients_daily", "mozdata.telemetry.clients_daily", "simple")

const newOrResurrected: Segment = {
  name: "new_or_resurrected",
  dataSource: {
    name: "clients_last_seen",
    fromExpression: "mozdata.telemetry.clients_last_seen",
    windowStart: 0,
    windowEnd: 0,
    clientIdColumn: "client_id",
    groupIdColumn: "profile_group_id",
    submissionDateColumn: "submission_date",
  },
  selectExpression: "LOGICAL_OR(COALESCE(days_since_seen, 28) >= 28)",
  windowStart: 0,
  windowEnd: 0,
}

const enrollments: EnrollmentsQueryRequest = {
  experimentSlug: "my-experiment",
  analysisUnit: "client_id",
  enrollmentsQueryType: "normandy",
  firstEnrollmentDate: "2024-03-01",
  lastEnrollmentDate: "2024-03-08",
  lastExposureDate: "2024-04-05",
  sampleSize: 10,
  segments: [newOrResurrected],
  sources: bigQueryTelemetrySources,
}

const typedUrlbarSession: ExposureSignal = {
  name: "typed_urlbar_session",
  dataSource: dataSource(
    "urlbar_terminal_typed_sessions",
    "mozdata.firefox_desktop.urlbar_events",
    "none",
  ),
  selectExpression: "num_chars_typed >= 5",
  windowStart: "enrollment_start",
  windowEnd: "analysis_window_end",
}

const golden: ReadonlyArray<readonly [string, string]> = [
  ["enrollments-normandy", buildEnrollmentsQuery(enrollments)],
  [
    "enrollments-glean-event",
    buildEnrollmentsQuery({
      ...enrollments,
      enrollmentsQueryType: "glean-event",
      appId: "org.mozilla.firefox",
      segments: [],
    }),
  ],
  [
    "enrollments-fenix-fallback",
    buildEnrollmentsQuery({
      ...enrollments,
      enrollmentsQueryType: "fenix-fallback",
      appId: "org.mozilla.firefox",
      segments: [],
    }),
  ],
  [
    "enrollments-cirrus",
    buildEnrollmentsQuery({
      ...enrollments,
      enrollmentsQueryType: "cirrus",
      appId: "monitor.cirrus",
      segments: [],
    }),
  ],
  [
    "enrollments-exposure-signal",
    buildEnrollmentsQuery({
      ...enrollments,
      exposureSignal: typedUrlbarSession,
      analysisWindow: { start: 0, end: 27 },
      segments: [],
    }),
  ],
  [
    "metrics-weekly",
    buildMetricsQuery({
      experimentSlug: "my-experiment",
      enrollmentsTable: "enrollments_my_experiment",
      windows: [
        { start: 0, end: 6 },
        { start: 7, end: 13 },
      ],
      basis: "enrollments",
      analysisUnit: "client_id",
      metrics: [
        metric("active_hours", clientsDaily, "COALESCE(SUM(active_hours_sum), 0)"),
        metric("days_of_use", clientsDaily, "COUNT(submission_date)"),
        metric(
          "ad_clicks",
          dataSource(
            "mobile_search_clients_engines_sources_daily",
            "mozdata.search.mobile",
            "none",
          ),
          "COALESCE(SUM(ad_click), 0)",
        ),
      ],
      firstDateDataRequired: "2024-03-01",
      lastDateDataRequired: "2024-03-21",
    }),
  ],
  [
    "push-down-histogram",
    buildHistogramQuery(
      {
        metricsTable: "statistics_my_experiment_week_2",
        metric: "active_hours",
        segment: "new_or_resurrected",
        windowStart: 7,
      },
      1000,
    ),
  ],
  [
    "push-down-order-statistics",
    buildOrderStatisticsQuery(
      {
        metricsTable: "statistics_my_experiment_week_2",
        metric: "active_hours",
        segment: "new_or_resurrected",
        windowStart: 7,
      },
      decileLevels,
    ),
  ],
]

describe("generated BigQuery SQL", () => {
  it.each(golden)("%s matches its golden file", (name, sql) => {
    const file = new URL(`golden/${name}.sql`, import.meta.url)
    const text = `${sql}\n`
    if (process.env.UPDATE_GOLDEN === "1") writeFileSync(file, text)
    expect(readFileSync(file, "utf8")).toBe(text)
  })
})
