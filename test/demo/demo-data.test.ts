import { readFileSync } from "node:fs"
import * as NodeContext from "@effect/platform-node/NodeContext"
import { expect, layer } from "@effect/vitest"
import { Effect, Either } from "effect"
import { demoExperiments } from "../../src/demo/demo-calendar.js"
import { demoTelemetrySources } from "../../src/demo/demo-telemetry.js"
import { resolveAnalysisConfiguration } from "../../src/domain/config/resolve-analysis.js"
import { addDays } from "../../src/domain/dates.js"
import { decodeExperiments } from "../../src/domain/experiment.js"
import { createDemoData } from "../../src/pipeline/demo-data.js"
import { ConfigRepository } from "../../src/services/config-repository.js"
import { Warehouse } from "../../src/services/warehouse/warehouse.js"
import { buildEnrollmentsQuery } from "../../src/sql/enrollments-query.js"
import { buildMetricsQuery } from "../../src/sql/metrics-query.js"

const { experiments } = decodeExperiments(
  JSON.parse(readFileSync(new URL("../../config/demo/experiments.json", import.meta.url), "utf8")),
)
const rowsOf = (columns: ReadonlyArray<ReadonlyArray<unknown>>) =>
  (columns[0] ?? []).map((_, row) =>
    columns.map((column) => {
      const value = column[row]
      return typeof value === "bigint" ? Number(value) : value
    }),
  )

layer(Warehouse.duckDb({ path: ":memory:", threads: 1 }))("the demo warehouse", (it) => {
  const generated = Effect.gen(function* () {
    const warehouse = yield* Warehouse
    if (!(yield* warehouse.tableExists("clients_daily")))
      yield* createDemoData({ clients: 20_000, seed: 7 })
    return warehouse
  })

  it.effect(
    "matches the Experimenter records of config/demo and is the same for the same seed",
    () =>
      Effect.gen(function* () {
        expect(experiments.map((experiment) => experiment.slug)).toEqual(
          demoExperiments.map((experiment) => experiment.slug),
        )
        const warehouse = yield* generated
        const checksum = (table: string) =>
          warehouse.query(
            `SELECT COUNT(*), SUM(hash(COLUMNS(*)))::VARCHAR FROM ${table}`,
            "checksum",
          )
        const first = rowsOf((yield* checksum("clients_daily")).columns)
        yield* createDemoData({ clients: 20_000, seed: 7 })
        expect(rowsOf((yield* checksum("clients_daily")).columns)).toEqual(first)
      }),
  )

  it.effect(
    "enrolls per branch exactly the generator's ground truth, through the enrollments query",
    () =>
      Effect.gen(function* () {
        const warehouse = yield* generated
        for (const experiment of demoExperiments) {
          const lastEnrollmentDate = addDays(experiment.startDate, experiment.enrollmentPeriod)
          const sql = yield* buildEnrollmentsQuery({
            experimentSlug: experiment.slug,
            analysisUnit: "client_id",
            firstEnrollmentDate: experiment.startDate,
            lastEnrollmentDate,
            lastExposureDate: experiment.lastDate,
            segments: [],
            sources: demoTelemetrySources,
          })
          const counted = yield* warehouse.query(
            `SELECT branch, COUNT(*), SUM(num_exposure_events > 0) FROM (${sql}) GROUP BY branch ORDER BY branch`,
            "enrollments",
          )
          const truth = yield* warehouse.query(
            `SELECT branch, COUNT(*), COUNT(exposure_date) FILTER (WHERE exposure_date <= last_date) FROM demo_clients
           WHERE experiment = '${experiment.slug}' GROUP BY branch ORDER BY branch`,
            "truth",
          )
          expect(rowsOf(counted.columns)).toEqual(rowsOf(truth.columns))
        }
      }),
  )

  it.effect(
    "computes each client's weekly metrics as a direct recomputation from the raw rows, and shows the injected effect",
    () =>
      Effect.gen(function* () {
        const warehouse = yield* generated
        const repository = yield* ConfigRepository
        const experiment = experiments[0]
        if (experiment === undefined) throw new Error("no demo experiment")
        const configuration = resolveAnalysisConfiguration({
          collection: repository.collection,
          experiment,
        })
        if (Either.isLeft(configuration)) throw new Error(JSON.stringify(configuration.left))
        const enrollments = yield* buildEnrollmentsQuery({
          experimentSlug: experiment.slug,
          analysisUnit: "client_id",
          firstEnrollmentDate: "2026-09-01",
          lastEnrollmentDate: "2026-09-08",
          lastExposureDate: "2026-10-12",
          segments: configuration.right.segments,
          sources: demoTelemetrySources,
        })
        yield* warehouse.createTableAs("enrollments_demo", enrollments, "enrollments")
        const metrics = buildMetricsQuery({
          experimentSlug: experiment.slug,
          enrollmentsTable: "enrollments_demo",
          windows: [{ start: 0, end: 6 }],
          basis: "enrollments",
          analysisUnit: "client_id",
          metrics: configuration.right.periods.week.metrics,
          firstDateDataRequired: "2026-09-01",
          lastDateDataRequired: "2026-10-12",
        })
        yield* warehouse.createTableAs("metrics_demo_week_1", metrics, "weekly metrics")
        const mismatches = yield* warehouse.query(
          `SELECT COUNT(*) FROM metrics_demo_week_1 m
         JOIN (
           SELECT e.analysis_id, COALESCE(SUM(d.active_hours_sum), 0) AS hours, COUNT(d.submission_date) AS days
           FROM enrollments_demo e LEFT JOIN clients_daily d
             ON d.client_id = e.analysis_id AND d.submission_date BETWEEN e.enrollment_date AND e.enrollment_date + 6
           GROUP BY e.analysis_id
         ) direct USING (analysis_id)
         WHERE abs(m.active_hours - direct.hours) > 1e-9 OR m.days_of_use != direct.days`,
          "recomputation",
        )
        expect(rowsOf(mismatches.columns)).toEqual([[0]])
        const means = yield* warehouse.query(
          "SELECT branch, AVG(active_hours), AVG(uri_count) FROM metrics_demo_week_1 GROUP BY branch ORDER BY branch",
          "means",
        )
        const byBranch = new Map(
          rowsOf(means.columns).map(([branch, ...values]) => [branch, values.map(Number)]),
        )
        expect([...byBranch.keys()]).toEqual(["control", "treatment"])
        const [controlHours = 0, controlUris = 0] = byBranch.get("control") ?? []
        const [treatmentHours = 0, treatmentUris = 0] = byBranch.get("treatment") ?? []
        // Injected: +8% active hours, no change in URIs (sampling noise of ±3% at this size).
        expect(treatmentHours / controlHours - 1).toBeGreaterThan(0.03)
        expect(treatmentHours / controlHours - 1).toBeLessThan(0.13)
        expect(Math.abs(treatmentUris / controlUris - 1)).toBeLessThan(0.04)
      }).pipe(
        Effect.provide(ConfigRepository.fromDirectories([])),
        Effect.provide(NodeContext.layer),
      ),
  )
})
