import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import type { StatisticResult } from "../../src/domain/statistic-result.js"
import { writeStatistics } from "../../src/pipeline/statistics-tables.js"
import { Warehouse } from "../../src/services/warehouse/warehouse.js"
import { statisticsColumns } from "../../src/sql/statistics-tables.js"
import { fakeBigQuery } from "../support/fake-bigquery.js"
import { statisticRow } from "../support/statistic-row.js"

process.env.METADATA_SERVER_DETECTION = "none"

const row = (index: number): StatisticResult =>
  statisticRow({
    statistic: "deciles",
    parameter: index / 10_000,
    window_index: "2",
    point: index,
    lower: index - 1,
    upper: Number.NaN,
  })

/** What the real BigQuery client sends when a window's statistics are written. */
describe("statistics tables on BigQuery", () => {
  it.scoped(
    "stage more rows than one query carries, replace the table in one job, and unite the windows in a qualified view",
    () =>
      Effect.gen(function* () {
        const fake = yield* fakeBigQuery
        fake.answer(() => true, { fields: [], rows: [] })
        // Window 1 was written by a version that had no p-value columns.
        const columnsBefore = statisticsColumns.filter(({ name }) => !name.startsWith("p_value"))
        fake.addTable("analysis", "statistics_my_exp_week_1", columnsBefore)
        fake.addTable("analysis", "statistics_my_exp_week_10", statisticsColumns)
        fake.addTable("analysis", "statistics_my_exp_week_2", statisticsColumns)
        fake.addTable("analysis", "statistics_my_exp_weekly")
        const rows = Array.from({ length: 1_500 }, (_, index) => row(index))
        const table = yield* writeStatistics("My-Exp", "week", 2, rows).pipe(
          Effect.provide(
            Warehouse.bigQuery({
              projectId: "p",
              datasetId: "analysis",
              apiEndpoint: fake.endpoint,
            }),
          ),
        )
        expect(table).toBe("statistics_my_exp_week_2")
        const jobs = fake.requests
          .filter(({ method, path }) => method === "POST" && path.endsWith("/jobs"))
          .map(({ body }) => {
            const query = (body as { configuration: { query: Record<string, unknown> } })
              .configuration.query
            return {
              sql: String(query.query),
              destination: (query.destinationTable as { tableId?: string } | undefined)?.tableId,
              writeDisposition: query.writeDisposition,
            }
          })
        expect(
          jobs.map(({ destination, writeDisposition }) => [destination, writeDisposition]),
        ).toEqual([
          ["statistics_my_exp_week_2__staging", "WRITE_TRUNCATE"],
          [undefined, undefined],
          ["statistics_my_exp_week_2", "WRITE_TRUNCATE"],
          [undefined, undefined],
          [undefined, undefined],
        ])
        expect(jobs[0]?.sql).toMatch(
          /^SELECT \* FROM UNNEST\(ARRAY<STRUCT<`metric` STRING, `statistic` STRING, `parameter` STRING/,
        )
        expect(jobs[0]?.sql.split("\n").length).toBe(1_000 + 2)
        expect(jobs[0]?.sql).toContain(
          "('active_hours', 'deciles', '0.0001', 'control', NULL, NULL, 0.95, 1, 0, NULL, 'all', 'enrollments', '2', NULL, NULL)",
        )
        expect(jobs[1]?.sql).toMatch(
          /^INSERT INTO `p\.analysis\.statistics_my_exp_week_2__staging`\nSELECT \* FROM UNNEST/,
        )
        expect(jobs[2]?.sql).toBe("SELECT * FROM `p.analysis.statistics_my_exp_week_2__staging`")
        expect(jobs[3]?.sql).toBe(
          "DROP TABLE IF EXISTS `p.analysis.statistics_my_exp_week_2__staging`",
        )
        // Windows 1, 2 and 10, column by column, what window 1 lacks as NULL; not the staging
        // table, not the view itself.
        const columns = statisticsColumns.map(({ name }) => `\`${name}\``).join(", ")
        const columnsOfWindow1 = columns.replace(
          "`p_value`, `p_value_adjusted`",
          "CAST(NULL AS FLOAT64) AS `p_value`, CAST(NULL AS FLOAT64) AS `p_value_adjusted`",
        )
        expect(jobs[4]?.sql).toBe(
          [
            "CREATE OR REPLACE VIEW `p.analysis.statistics_my_exp_weekly` AS",
            `SELECT ${columnsOfWindow1} FROM \`p.analysis.statistics_my_exp_week_1\``,
            "UNION ALL",
            `SELECT ${columns} FROM \`p.analysis.statistics_my_exp_week_10\``,
            "UNION ALL",
            `SELECT ${columns} FROM \`p.analysis.statistics_my_exp_week_2\``,
          ].join("\n"),
        )
      }),
  )
})
