import { describe, expect, it, layer } from "@effect/vitest"
import { Effect } from "effect"
import { Warehouse } from "../../src/services/warehouse/warehouse.js"
import { buildMetricsQuery, type MetricsQueryRequest } from "../../src/sql/metrics-query.js"
import { dataSourceFixture, metricFixture, rowObjects } from "../support/sql-fixtures.js"

const source = dataSourceFixture
const metric = metricFixture

const clientsDaily = source("clients_daily", "clients_daily", "simple")
const events = source("events", "events", "none")
const request: MetricsQueryRequest = {
  experimentSlug: "my-exp",
  enrollmentsTable: "enrollments_my_exp",
  windows: [{ start: 0, end: 6 }],
  basis: "enrollments",
  analysisUnit: "client_id",
  metrics: [
    metric("active_hours", clientsDaily, "COALESCE(SUM(active_hours), 0)"),
    metric("days_of_use", clientsDaily, "COUNT(ds.submission_date)"),
    metric("clicks", events, "COALESCE(SUM(n), 0)"),
  ],
  firstDateDataRequired: "2020-01-01",
  lastDateDataRequired: "2020-01-31",
}

// Three clients enrolled on 2020-01-01 (c3 on 01-02); c2 exposed on 01-03; c3 never active.
const fixture = [
  `CREATE TABLE enrollments_my_exp AS SELECT * FROM (VALUES
    ('c1', 'control', DATE '2020-01-01', 1, NULL::DATE, 0),
    ('c2', 'treatment', DATE '2020-01-01', 1, DATE '2020-01-03', 2),
    ('c3', 'treatment', DATE '2020-01-02', 1, NULL::DATE, 0)
  ) t(analysis_id, branch, enrollment_date, num_enrollment_events, exposure_date, num_exposure_events)`,
  `CREATE TABLE clients_daily AS SELECT client_id, submission_date, active_hours,
      CASE WHEN tagged THEN [{'key': 'my-exp', 'value': branch}] ELSE [] END AS experiments
    FROM (VALUES
      ('c1', DATE '2020-01-01', 5.0, false, 'control'),   -- day 0 without the experiment: not counted
      ('c1', DATE '2020-01-02', 1.0, true, 'control'),
      ('c1', DATE '2020-01-07', 2.0, true, 'control'),
      ('c1', DATE '2020-01-08', 4.0, true, 'control'),    -- day 7: second week
      ('c2', DATE '2020-01-01', 3.0, true, 'treatment'),  -- day 0 with the experiment: counted
      ('c2', DATE '2020-01-04', 1.5, true, 'control'),    -- contradicts the enrollment
      ('c2', DATE '2020-01-10', 7.0, true, 'treatment'),
      ('c9', DATE '2020-01-02', 9.0, true, 'control')     -- not enrolled
    ) t(client_id, submission_date, active_hours, tagged, branch)`,
  `CREATE TABLE events AS SELECT * FROM (VALUES
      ('c1', DATE '2020-01-01', 2), ('c1', DATE '2020-01-03', 3), ('c2', DATE '2020-01-09', 4)
    ) t(client_id, submission_date, n)`,
]

const rowsBy = rowObjects

layer(Warehouse.duckDb({ path: ":memory:", threads: 1 }))(
  "per-client metrics query on DuckDB",
  (it) => {
    const setUp = Effect.gen(function* () {
      const warehouse = yield* Warehouse
      if (yield* warehouse.tableExists("clients_daily")) return warehouse
      for (const [index, statement] of fixture.entries()) {
        const [, table = "", select = ""] = /CREATE TABLE (\w+) AS (.*)/s.exec(statement) ?? []
        yield* warehouse.createTableAs(table, select, `fixture ${index}`)
      }
      return warehouse
    })

    const run = (changes: Partial<MetricsQueryRequest>) =>
      Effect.gen(function* () {
        const warehouse = yield* setUp
        const result = yield* warehouse.query(
          buildMetricsQuery({ ...request, ...changes }),
          "metrics",
        )
        return [...rowsBy(result.columns, result.columnNames)].sort((a, b) =>
          `${a.analysis_id}${a.analysis_window_start}`.localeCompare(
            `${b.analysis_id}${b.analysis_window_start}`,
          ),
        )
      })

    it.effect(
      "computes each client's metrics over the window, zeros for clients without activity",
      () =>
        Effect.gen(function* () {
          const rows = yield* run({})
          expect(
            rows.map(({ analysis_id, active_hours, days_of_use, clicks }) => ({
              analysis_id,
              active_hours,
              days_of_use,
              clicks,
            })),
          ).toEqual([
            // c1: day 0 untagged is dropped (5.0); 01-02 and 01-07 fall in [0, 6]; events have no experiments column.
            { analysis_id: "c1", active_hours: 3, days_of_use: 2n, clicks: 5n },
            { analysis_id: "c2", active_hours: 4.5, days_of_use: 2n, clicks: 0n },
            { analysis_id: "c3", active_hours: 0, days_of_use: 0n, clicks: 0n },
          ])
        }),
    )

    it.effect("flags data that contradicts the enrolled branch", () =>
      Effect.gen(function* () {
        const rows = yield* run({})
        expect(
          rows.map((row) => [
            row.analysis_id,
            row.clients_daily_has_contradictory_branch,
            row.clients_daily_has_non_enrolled_data,
          ]),
        ).toEqual([
          ["c1", false, false],
          ["c2", true, false],
          ["c3", false, false],
        ])
        expect(rows[0]).not.toHaveProperty("events_has_contradictory_branch")
      }),
    )

    it.effect("computes several windows in one query without multiplying sums", () =>
      Effect.gen(function* () {
        const rows = yield* run({
          windows: [
            { start: 0, end: 6 },
            { start: 7, end: 13 },
          ],
        })
        expect(
          rows.map(({ analysis_id, analysis_window_start, active_hours }) => [
            analysis_id,
            analysis_window_start,
            active_hours,
          ]),
        ).toEqual([
          ["c1", 0, 3],
          ["c1", 7, 4],
          ["c2", 0, 4.5],
          ["c2", 7, 7],
          ["c3", 0, 0],
          ["c3", 7, 0],
        ])
      }),
    )

    it.effect("anchors windows on the exposure date and keeps exposed clients only", () =>
      Effect.gen(function* () {
        const rows = yield* run({ basis: "exposures", windows: [{ start: 0, end: 3 }] })
        // c2 exposed 01-03: 01-04 (1.5) counts, 01-01 (before exposure) does not; 01-10 is day 7.
        expect(rows.map(({ analysis_id, active_hours }) => [analysis_id, active_hours])).toEqual([
          ["c2", 1.5],
        ])
      }),
    )

    it("writes the same text for the same request, data sources and metrics in sorted order", () => {
      const text = buildMetricsQuery(request)
      expect(buildMetricsQuery({ ...request, metrics: [...request.metrics].reverse() })).toBe(text)
      expect(text.indexOf("`ds_clients_daily` AS")).toBeLessThan(text.indexOf("`ds_events` AS"))
    })
  },
)

describe("buildMetricsQuery", () => {
  it("quotes names so a hostile slug or metric name cannot break out", () => {
    const text = buildMetricsQuery({
      ...request,
      experimentSlug: "x'; DROP TABLE t; --",
      metrics: [metric("bad`name", clientsDaily, "1")],
    })
    expect(text).toContain("mozfun.map.get_key(ds.experiments, 'x\\'; DROP TABLE t; --')")
    expect(text).toContain("`badname`")
  })
})
