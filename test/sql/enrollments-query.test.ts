import { describe, expect, it, layer } from "@effect/vitest"
import { Effect } from "effect"
import type { Segment } from "../../src/domain/config/analysis-configuration.js"
import { duckDbWarehouse } from "../../src/services/warehouse/duckdb.js"
import { Warehouse } from "../../src/services/warehouse/warehouse.js"
import {
  buildEnrollmentsQuery,
  type EnrollmentsQueryRequest,
} from "../../src/sql/enrollments-query.js"

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
}

const isoDate = (value: unknown): string | null =>
  value instanceof Date ? value.toISOString().slice(0, 10) : null

const rowsBy = (
  columns: ReadonlyArray<ReadonlyArray<unknown>>,
  names: ReadonlyArray<string>,
): ReadonlyArray<Record<string, unknown>> =>
  (columns[0] ?? []).map((_, row) =>
    Object.fromEntries(names.map((name, index) => [name, columns[index]?.[row]])),
  )

layer(duckDbWarehouse({ path: ":memory:", threads: 1 }))("enrollments query on DuckDB", (it) => {
  const enrollments = (changes: Partial<EnrollmentsQueryRequest>) =>
    Effect.gen(function* () {
      const warehouse = yield* Warehouse
      if (!(yield* warehouse.tableExists("desktop_events"))) {
        for (const [table, select] of Object.entries(fixture))
          yield* warehouse.createTableAs(table, select, table)
      }
      const result = yield* warehouse.query(
        buildEnrollmentsQuery({ ...request, ...changes }),
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
})

describe("buildEnrollmentsQuery", () => {
  it("is deterministic and escapes the slug", () => {
    const text = buildEnrollmentsQuery({ ...request, experimentSlug: "a'b" })
    expect(buildEnrollmentsQuery({ ...request, experimentSlug: "a'b" })).toBe(text)
    expect(text).toContain("e.event_string_value = 'a\\'b'")
  })
})
