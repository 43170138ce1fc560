/**
 * Benchmark of the warehouse SQL on the embedded DuckDB: for the demo warehouse at 100k and
 * 1M clients, the time of one experiment's per-client metrics query for a week window and of
 * a plain full scan of the same raw table (clients_daily), and their ratio. Aim: the metrics
 * query within 3× of one full scan. Databases are generated into a temporary folder.
 */
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect } from "effect"
import { demoExperiments } from "../src/demo/demo-calendar.js"
import { demoTelemetrySources } from "../src/demo/demo-telemetry.js"
import { addDays } from "../src/domain/dates.js"
import { createDemoData } from "../src/pipeline/demo-data.js"
import { Warehouse } from "../src/services/warehouse/warehouse.js"
import { buildEnrollmentsQuery } from "../src/sql/enrollments-query.js"
import { buildMetricsQuery } from "../src/sql/metrics-query.js"
import { dataSourceFixture, metricFixture } from "../test/support/sql-fixtures.js"

const clientsDaily = dataSourceFixture("clients_daily", "clients_daily")
const metric = (name: string, selectExpression: string) =>
  metricFixture(name, clientsDaily, selectExpression)
const metrics = [
  metric("active_hours", "COALESCE(SUM(active_hours_sum), 0)"),
  metric("uri_count", "COALESCE(SUM(uri_count), 0)"),
  metric("search_count", "COALESCE(SUM(search_count), 0)"),
  metric("days_of_use", "COUNT(submission_date)"),
]
const experiment = demoExperiments[0]
if (experiment === undefined) throw new Error("no demo experiment")
const lastEnrollmentDate = addDays(experiment.startDate, experiment.enrollmentPeriod)

const measure = (clients: number) =>
  Effect.gen(function* () {
    const warehouse = yield* Warehouse
    const generated = yield* createDemoData({ clients, seed: 1 })
    const rows = generated.tables.find(({ table }) => table === "clients_daily")?.rows ?? 0
    yield* warehouse.createTableAs(
      "enrollments_bench",
      yield* buildEnrollmentsQuery({
        experimentSlug: experiment.slug,
        analysisUnit: "client_id",
        firstEnrollmentDate: experiment.startDate,
        lastEnrollmentDate,
        lastExposureDate: experiment.lastDate,
        segments: [],
        sources: demoTelemetrySources,
      }),
      "enrollments",
    )
    const scan = yield* warehouse.createTableAs(
      "full_scan",
      "SELECT COUNT(*) AS n, SUM(active_hours_sum) AS hours, SUM(uri_count) AS uris, SUM(search_count) AS searches, COUNT(DISTINCT client_id) AS clients FROM clients_daily",
      "full scan",
    )
    const query = yield* warehouse.createTableAs(
      "metrics_bench_week",
      buildMetricsQuery({
        experimentSlug: experiment.slug,
        enrollmentsTable: "enrollments_bench",
        windows: [{ start: 0, end: 6 }],
        basis: "enrollments",
        analysisUnit: "client_id",
        metrics,
        firstDateDataRequired: experiment.startDate,
        lastDateDataRequired: addDays(lastEnrollmentDate, 6),
      }),
      "weekly metrics",
    )
    return {
      clients,
      "clients_daily rows": rows,
      "full scan ms": scan.milliseconds,
      "week metrics ms": query.milliseconds,
      ratio: Number((query.milliseconds / Math.max(1, scan.milliseconds)).toFixed(2)),
    }
  })

const results = []
for (const clients of (process.argv[2] ?? "100000,1000000").split(",").map(Number)) {
  const folder = mkdtempSync(join(tmpdir(), "slipstream-bench-"))
  results.push(
    await Effect.runPromise(
      measure(clients).pipe(
        Effect.provide(Warehouse.duckDb({ path: join(folder, "bench.duckdb") })),
      ),
    ),
  )
  rmSync(folder, { recursive: true, force: true })
}
console.log(
  `one experiment's per-client metrics (4 metrics, week 1) vs a full scan of clients_daily — DuckDB, 2 threads`,
)
console.table(results)
