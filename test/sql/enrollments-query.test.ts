import { describe, expect, it, layer } from "@effect/vitest"
import { Effect, Either } from "effect"
import type {
  DataSource,
  ExposureSignal,
  Segment,
} from "../../src/domain/config/analysis-configuration.js"
import { Warehouse } from "../../src/services/warehouse/warehouse.js"
import {
  appDataset,
  buildEnrollmentsQuery,
  type EnrollmentsQueryRequest,
  exposureSignalDates,
  type TelemetrySources,
} from "../../src/sql/enrollments-query.js"
import { rowObjects } from "../support/sql-fixtures.js"

const segmentSource: Segment["dataSource"] = {
  name: "clients_daily_at_enrollment",
  fromExpression: "clients_daily",
  windowStart: 0,
  windowEnd: 0,
  clientIdColumn: "client_id",
  groupIdColumn: "profile_group_id",
  submissionDateColumn: "submission_date",
}
const newUsers: Segment = {
  name: "new_users",
  dataSource: segmentSource,
  selectExpression: "LOGICAL_OR(is_new_profile)",
  windowStart: 0,
  windowEnd: 0,
}
const request: EnrollmentsQueryRequest = {
  experimentSlug: "my-exp",
  analysisUnit: "client_id",
  firstEnrollmentDate: "2020-01-01",
  lastEnrollmentDate: "2020-01-08",
  lastExposureDate: "2020-01-31",
  segments: [newUsers],
  sources: { desktopEvents: "desktop_events" },
}

/** The demo warehouse's tables: `<dataset>_events_stream`, `<dataset>_baseline`, flat ping events. */
const sources: TelemetrySources = {
  desktopEvents: "desktop_events",
  gleanEventsStream: (dataset) => `${dataset}_events_stream`,
  gleanBaseline: (dataset) => `${dataset}_baseline`,
  gleanPingEvents: (dataset, ping) => `${dataset}_${ping}_rows`,
}

const event = (
  client: string,
  date: string,
  method: string,
  slug: string,
  key: string,
  branch: string,
  sampleId = 10,
) =>
  `('${client}', DATE '${date}', 'normandy', '${method}', '${slug}', [{'key': '${key}', 'value': '${branch}'}], ${sampleId})`

const sqlText = (text: string | null) => (text === null ? "NULL::VARCHAR" : `'${text}'`)

/** A Nimbus event of a Glean events_stream (event_extra is JSON text). */
const nimbus = (
  client: string | null,
  timestamp: string,
  name: string,
  slug: string,
  branch: string,
  sampleId = 10,
  category = "nimbus_events",
) =>
  `(${sqlText(client)}, TIMESTAMP '${timestamp}:00', '${category}', '${name}', '{"experiment": "${slug}", "branch": "${branch}"}', ${sampleId})`
const eventsStream = (rows: ReadonlyArray<string>) => `SELECT * FROM (VALUES
    ${rows.join(",\n    ")}
  ) t(client_id, submission_timestamp, event_category, event_name, event_extra, sample_id)`

/** A Glean baseline ping recording one experiment's branch in ping_info.experiments. */
const baseline = (
  client: string | null,
  timestamp: string,
  slug: string,
  branch: string,
  sampleId = 10,
) =>
  `({'client_id': ${sqlText(client)}}, {'experiments': [{'key': '${slug}', 'value': {'branch': '${branch}'}}]}, TIMESTAMP '${timestamp}:00', ${sampleId})`

/** A Cirrus event, one row per event as `TelemetrySources.gleanPingEvents` gives them. */
const cirrus = (
  user: string | null,
  date: string,
  name: string,
  slug: string,
  branch: string,
  channel = "production",
  category = "cirrus_events",
) =>
  `(DATE '${date}', '${channel}', '${category}', '${name}', [{'key': 'nimbus_user_id', 'value': ${sqlText(user)}}, {'key': 'experiment', 'value': '${slug}'}, {'key': 'branch', 'value': '${branch}'}])`
const pingEvents = (rows: ReadonlyArray<string>) => `SELECT * FROM (VALUES
    ${rows.join(",\n    ")}
  ) t(submission_date, app_channel, event_category, event_name, event_extra)`

const fixture = {
  desktop_events: `SELECT * FROM (VALUES
    ${[
      event("c1", "2020-01-01", "enroll", "my-exp", "branch", "control"),
      event("c1", "2020-01-02", "enroll", "my-exp", "branch", "control"),
      event("c2", "2020-01-08", "enroll", "my-exp", "branch", "treatment", 80),
      event("c3", "2020-01-09", "enroll", "my-exp", "branch", "treatment"),
      event("c4", "2020-01-03", "enroll", "other-exp", "branch", "control"),
      event("c2", "2020-01-20", "exposure", "my-exp", "branchSlug", "treatment", 80),
      event("c2", "2020-01-21", "expose", "my-exp", "branchSlug", "treatment", 80),
      event("c1", "2020-01-05", "exposure", "my-exp", "branchSlug", "treatment"),
    ].join(",\n    ")}
  ) t(client_id, submission_date, event_category, event_method, event_string_value, event_map_values, sample_id)`,
  clients_daily: `SELECT * FROM (VALUES
    ('c1', DATE '2020-01-01', true), ('c2', DATE '2020-01-07', true), ('c2', DATE '2020-01-08', false)
  ) t(client_id, submission_date, is_new_profile)`,
  org_mozilla_fenix_events_stream: eventsStream([
    nimbus("g1", "2020-01-02 10:00", "enrollment", "my-exp", "control"),
    nimbus("g1", "2020-01-03 09:00", "enrollment", "my-exp", "control"),
    nimbus("g1", "2020-01-05 12:00", "exposure", "my-exp", "control"),
    nimbus("g1", "2020-01-06 12:00", "expose", "my-exp", "control"),
    nimbus("g2", "2020-01-08 23:30", "enrollment", "my-exp", "treatment"),
    nimbus("g2", "2020-01-07 08:00", "exposure", "my-exp", "treatment"),
    nimbus("g2", "2020-01-20 08:00", "exposure", "my-exp", "treatment"),
    nimbus("g2", "2020-02-02 08:00", "exposure", "my-exp", "treatment"),
    nimbus("g3", "2020-01-09 00:10", "enrollment", "my-exp", "treatment"),
    nimbus("g4", "2020-01-03 00:10", "enrollment", "other-exp", "control"),
    nimbus("g5", "2020-01-04 00:10", "enrollment", "my-exp", "control", 80),
    nimbus("g5", "2020-01-05 00:10", "exposure", "my-exp", "treatment", 80),
    nimbus(null, "2020-01-04 00:10", "enrollment", "my-exp", "control"),
    nimbus("g7", "2020-01-04 00:10", "enrollment", "my-exp", "control", 10, "other_events"),
  ]),
  org_mozilla_firefox_baseline: `SELECT * FROM (VALUES
    ${[
      baseline("f1", "2020-01-01 08:00", "my-exp", "control"),
      baseline("f1", "2020-01-03 08:00", "my-exp", "control"),
      baseline("f1", "2020-01-10 08:00", "my-exp", "control"),
      baseline("f2", "2019-12-28 08:00", "my-exp", "treatment"),
      baseline("f2", "2020-01-02 08:00", "my-exp", "treatment"),
      baseline("f3", "2019-12-20 08:00", "my-exp", "treatment"),
      baseline("f3", "2020-01-05 08:00", "my-exp", "treatment", 70),
      baseline("f4", "2020-01-04 08:00", "other-exp", "control"),
      baseline(null, "2020-01-06 08:00", "my-exp", "control"),
    ].join(",\n    ")}
  ) t(client_info, ping_info, submission_timestamp, sample_id)`,
  org_mozilla_firefox_events_stream: eventsStream([
    nimbus("f1", "2020-01-12 08:00", "exposure", "my-exp", "control"),
    nimbus("f3", "2020-01-06 08:00", "exposure", "my-exp", "control"),
  ]),
  monitor_cirrus_enrollment_rows: pingEvents([
    cirrus("u1", "2020-01-02", "enrollment", "my-exp", "control"),
    cirrus("u1", "2020-01-03", "enrollment", "my-exp", "control"),
    cirrus("u2", "2020-01-05", "enrollment", "my-exp", "treatment"),
    cirrus("u3", "2020-01-04", "enrollment", "my-exp", "treatment", "staging"),
    cirrus("u4", "2020-01-04", "enrollment", "my-exp", "treatment", "production", "nimbus_events"),
    cirrus("u5", "2020-01-04", "enrollment", "other-exp", "treatment"),
    cirrus(null, "2020-01-04", "enrollment", "my-exp", "treatment"),
  ]),
  monitor_cirrus_events_rows: pingEvents([
    cirrus("u1", "2020-01-01", "exposure", "my-exp", "control"),
    cirrus("u2", "2020-01-10", "exposure", "my-exp", "treatment"),
    cirrus("u2", "2020-01-11", "expose", "my-exp", "treatment"),
  ]),
  // num_chars_typed >= 5 is the exposure signal; c9 is not enrolled.
  urlbar_sessions: `SELECT * FROM (VALUES
    ('c1', DATE '2020-01-01', 7), ('c1', DATE '2020-01-03', 2),
    ('c1', DATE '2020-01-04', 9), ('c1', DATE '2020-01-04', 8),
    ('c2', DATE '2020-01-07', 10), ('c2', DATE '2020-01-15', 6), ('c2', DATE '2020-01-25', 6),
    ('c9', DATE '2020-01-02', 9)
  ) t(client_id, submission_date, num_chars_typed)`,
}

const urlbarSessions: DataSource = {
  name: "urlbar_sessions",
  fromExpression: "urlbar_sessions",
  experimentsColumnType: "none",
  clientIdColumn: "client_id",
  groupIdColumn: "profile_group_id",
  submissionDateColumn: "submission_date",
  analysisUnits: ["client_id"],
  joins: [],
}
const typedUrlbar = (
  window: Pick<ExposureSignal, "windowStart" | "windowEnd">,
): ExposureSignal => ({
  name: "typed_urlbar_session",
  dataSource: urlbarSessions,
  selectExpression: "num_chars_typed >= 5",
  ...window,
})

const isoDate = (value: unknown): string | null =>
  value instanceof Date ? value.toISOString().slice(0, 10) : null

const rowsBy = rowObjects

layer(Warehouse.duckDb({ path: ":memory:", threads: 1 }))("enrollments query on DuckDB", (it) => {
  const enrollments = (changes: Partial<EnrollmentsQueryRequest>) =>
    Effect.gen(function* () {
      const warehouse = yield* Warehouse
      if (!(yield* warehouse.tableExists("desktop_events"))) {
        for (const [table, select] of Object.entries(fixture))
          yield* warehouse.createTableAs(table, select, table)
      }
      const result = yield* warehouse.query(
        yield* buildEnrollmentsQuery({ ...request, ...changes }),
        "enrollments",
      )
      return rowsBy(result.columns, result.columnNames)
        .map(
          (row): Record<string, unknown> => ({
            ...row,
            enrollment_date: isoDate(row.enrollment_date),
            exposure_date: isoDate(row.exposure_date),
          }),
        )
        .sort((a, b) => String(a.analysis_id).localeCompare(String(b.analysis_id)))
    })

  it.effect("gives one row per client and branch with enrollment, segments and exposures", () =>
    Effect.gen(function* () {
      const rows = yield* enrollments({})
      expect(
        rows.map(
          ({ analysis_id, branch, num_enrollment_events, new_users, num_exposure_events }) => ({
            analysis_id,
            branch,
            num_enrollment_events,
            new_users,
            num_exposure_events,
          }),
        ),
      ).toEqual([
        // c1's exposure is in another branch than its enrollment: not counted.
        {
          analysis_id: "c1",
          branch: "control",
          num_enrollment_events: 2n,
          new_users: true,
          num_exposure_events: 0n,
        },
        // c2 enrolled on the last enrollment day and was exposed after enrollment ended: counted.
        {
          analysis_id: "c2",
          branch: "treatment",
          num_enrollment_events: 1n,
          new_users: false,
          num_exposure_events: 2n,
        },
      ])
      expect(rows[0]?.enrollment_date).toBe("2020-01-01")
      expect(rows[1]?.exposure_date).toBe("2020-01-20")
    }),
  )

  it.effect("downsamples by sample_id and accepts a custom enrollment query", () =>
    Effect.gen(function* () {
      expect((yield* enrollments({ sampleSize: 50 })).map((row) => row.analysis_id)).toEqual(["c1"])
      const custom = yield* enrollments({
        segments: [],
        customEnrollmentQuery:
          "SELECT client_id AS analysis_id, 'treatment' AS branch, MIN(submission_date) AS enrollment_date, COUNT(*) AS num_enrollment_events FROM clients_daily GROUP BY 1",
      })
      expect(
        custom.map(({ analysis_id, num_exposure_events }) => [analysis_id, num_exposure_events]),
      ).toEqual([
        ["c1", 1n],
        ["c2", 2n],
      ])
    }),
  )

  /** Each row as [id, branch, enrollment date, enrollment events, exposure date, exposure events]. */
  const outcomes = (changes: Partial<EnrollmentsQueryRequest>) =>
    Effect.map(enrollments({ segments: [], sources, ...changes }), (rows) =>
      rows.map((row) => [
        row.analysis_id,
        row.branch,
        row.enrollment_date,
        Number(row.num_enrollment_events),
        row.exposure_date,
        Number(row.num_exposure_events),
      ]),
    )

  it.effect(
    "reads Glean nimbus_events enrollments and exposures from the app's events_stream",
    () =>
      Effect.gen(function* () {
        const glean = { enrollmentsQueryType: "glean-event", appId: "org.mozilla.fenix" } as const
        expect(yield* outcomes(glean)).toEqual([
          // Two enrollment events; `exposure` and the older `expose` both count.
          ["g1", "control", "2020-01-02", 2, "2020-01-05", 2],
          // Enrolled late on the last day; the exposure before enrollment (01-07) and the one
          // after lastExposureDate (02-02) do not count, the one after enrollment ended does.
          ["g2", "treatment", "2020-01-08", 1, "2020-01-20", 1],
          // Its exposure is in the other branch.
          ["g5", "control", "2020-01-04", 1, null, 0],
          // g3 enrolled after enrollment ended, g4 in another experiment, g7's event is not a
          // nimbus_events one, and a NULL client_id is dropped.
        ])
        expect((yield* outcomes({ ...glean, sampleSize: 50 })).map(([id]) => id)).toEqual([
          "g1",
          "g2",
        ])
      }),
  )

  it.effect("falls back to baseline pings' experiments for Fenix, dropping early enrollees", () =>
    Effect.gen(function* () {
      expect(yield* outcomes({ enrollmentsQueryType: "fenix-fallback" })).toEqual([
        // Pings on 01-01 and 01-03 (01-10 is after enrollment); exposed on 01-12.
        ["f1", "control", "2020-01-01", 2, "2020-01-12", 1],
        // Its 2019-12-20 ping is before the week-long lookback, so it enrolled on 01-05; its
        // exposure is in the other branch.
        ["f3", "treatment", "2020-01-05", 1, null, 0],
        // f2 was in the experiment on 2019-12-28, within the lookback: enrolled early, dropped.
        // f4 is in another experiment, and a NULL client id is dropped.
      ])
      expect(
        (yield* outcomes({ enrollmentsQueryType: "fenix-fallback", sampleSize: 50 })).map(
          ([id]) => id,
        ),
      ).toEqual(["f1"])
    }),
  )

  it.effect("reads Cirrus enrollment and exposure events by nimbus_user_id, production only", () =>
    Effect.gen(function* () {
      const rows = yield* outcomes({
        enrollmentsQueryType: "cirrus",
        appId: "monitor.cirrus",
        // Ignored: the ping's sample_id is the Cirrus server's.
        sampleSize: 1,
      })
      expect(rows).toEqual([
        // Two enrollment events; its exposure on 01-01 precedes its enrollment.
        ["u1", "control", "2020-01-02", 2, null, 0],
        ["u2", "treatment", "2020-01-05", 1, "2020-01-10", 2],
        // u3 enrolled on staging, u4's event is not a cirrus_events one, u5 is in another
        // experiment, and an event without nimbus_user_id is dropped.
      ])
    }),
  )

  it.effect("takes exposures from a configured exposure signal instead of exposure events", () =>
    Effect.gen(function* () {
      // Without a window, the signal reads from the first enrollment date to lastExposureDate.
      expect(yield* outcomes({ exposureSignal: typedUrlbar({}) })).toEqual([
        // Rows, not days: 01-01 and twice 01-04 qualify (01-03 typed too few characters).
        ["c1", "control", "2020-01-01", 2, "2020-01-01", 3],
        // 01-07 is before its enrollment; its Normandy exposure events no longer count.
        ["c2", "treatment", "2020-01-08", 1, "2020-01-15", 2],
      ])
      // analysis_window_end of the window [0, 9] is the last enrollment date + 9: 01-17.
      const untilWindowEnd = yield* outcomes({
        exposureSignal: typedUrlbar({ windowEnd: "analysis_window_end" }),
        analysisWindow: { start: 0, end: 9 },
      })
      expect(untilWindowEnd.map((row) => row[5])).toEqual([3, 1])
      // Days 3 to enrollment_end: 01-04 to 01-08.
      const duringEnrollment = yield* outcomes({
        exposureSignal: typedUrlbar({ windowStart: 3, windowEnd: "enrollment_end" }),
      })
      expect(duringEnrollment).toEqual([
        ["c1", "control", "2020-01-01", 2, "2020-01-04", 2],
        ["c2", "treatment", "2020-01-08", 1, null, 0],
      ])
    }),
  )
})

describe("buildEnrollmentsQuery", () => {
  it("is deterministic and escapes the slug", () => {
    const text = Either.getOrThrow(buildEnrollmentsQuery({ ...request, experimentSlug: "a'b" }))
    expect(Either.getOrThrow(buildEnrollmentsQuery({ ...request, experimentSlug: "a'b" }))).toBe(
      text,
    )
    expect(text).toContain("e.event_string_value = 'a\\'b'")
  })

  it("refuses a date that is not YYYY-MM-DD with a SqlBuildError naming it", () => {
    const built = buildEnrollmentsQuery({ ...request, lastEnrollmentDate: "2020-01-08' OR 1=1" })
    expect(Either.isLeft(built) && built.left._tag).toBe("SqlBuildError")
    expect(Either.isLeft(built) && built.left.message).toContain("lastEnrollmentDate")
  })
})

describe("exposureSignalDates", () => {
  const dateRange = (
    window: Pick<ExposureSignal, "windowStart" | "windowEnd">,
    analysisWindow?: { start: number; end: number },
  ) =>
    exposureSignalDates(
      analysisWindow === undefined ? request : { ...request, analysisWindow },
      typedUrlbar(window),
    )
  const dates = (
    window: Pick<ExposureSignal, "windowStart" | "windowEnd">,
    analysisWindow?: { start: number; end: number },
  ) => Either.getOrThrow(dateRange(window, analysisWindow))

  it("resolves integers from the first enrollment date and named limits as Jetstream", () => {
    expect(dates({})).toEqual({ start: "2020-01-01", end: "2020-01-31" })
    expect(dates({ windowStart: -2, windowEnd: 0 })).toEqual({
      start: "2019-12-30",
      end: "2020-01-01",
    })
    expect(dates({ windowStart: "enrollment_start", windowEnd: "enrollment_end" })).toEqual({
      start: "2020-01-01",
      end: "2020-01-08",
    })
    expect(
      dates(
        { windowStart: "analysis_window_start", windowEnd: "analysis_window_end" },
        { start: 7, end: 13 },
      ),
    ).toEqual({ start: "2020-01-15", end: "2020-01-21" })
  })

  it("never reads past lastExposureDate and needs the window for analysis_window limits", () => {
    expect(dates({ windowEnd: 90 }).end).toBe("2020-01-31")
    const withoutWindow = dateRange({ windowEnd: "analysis_window_end" })
    expect(Either.isLeft(withoutWindow) && withoutWindow.left.message).toContain(
      "needs the analysis window",
    )
  })
})

describe("built-in query requirements", () => {
  it("refuses Glean and Cirrus queries without an app id or for profile groups", () => {
    const withoutAppId = buildEnrollmentsQuery({ ...request, enrollmentsQueryType: "glean-event" })
    expect(Either.isLeft(withoutAppId) && withoutAppId.left.message).toBe(
      "Glean enrollments need the experiment's app id",
    )
    const forProfileGroups = buildEnrollmentsQuery({
      ...request,
      enrollmentsQueryType: "cirrus",
      appId: "monitor.cirrus",
      analysisUnit: "profile_group_id",
    })
    expect(Either.isLeft(forProfileGroups) && forProfileGroups.left._tag).toBe("SqlBuildError")
    expect(appDataset("org.mozilla.ios.FirefoxBeta")).toBe("org_mozilla_ios_firefoxbeta")
  })
})
