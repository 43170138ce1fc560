import { expect, layer } from "@effect/vitest"
import { Effect } from "effect"
import { duckDbWarehouse } from "../../src/services/warehouse/duckdb.js"
import { Warehouse } from "../../src/services/warehouse/warehouse.js"
import {
  buildHistogramQuery,
  buildRatioSumsQuery,
  buildSufficientStatisticsQuery,
} from "../../src/sql/push-down-query.js"
import { linearModelSumsOf } from "../../src/stats/linear-model.js"
import { ratioDataOf } from "../../src/stats/population-ratio.js"
import { histogramFromSums, histogramOf } from "../../src/stats/value-histogram.js"
import { numbersOf } from "../support/sql-fixtures.js"

/** A metrics table of two windows; days_of_use 0–6 (low cardinality), hours continuous. */
const metricsTable = `SELECT
    'c' || i AS analysis_id,
    CASE WHEN i % 2 = 0 THEN 'control' ELSE 'treatment' END AS branch,
    i % 3 = 0 AS new_users,
    w AS analysis_window_start,
    w + 6 AS analysis_window_end,
    (i * 7 + w) % 7 AS days_of_use,
    CASE WHEN i % 11 = 0 THEN NULL ELSE (i * 37 % 1000) / 10.0 + w END AS hours
  FROM range(400) t(i) CROSS JOIN (VALUES (0), (7)) v(w)`

const columnsOf = (columns: ReadonlyArray<ReadonlyArray<unknown>>, names: ReadonlyArray<string>) =>
  Object.fromEntries(names.map((name, index) => [name, columns[index] ?? []]))
const numbers = numbersOf

layer(duckDbWarehouse({ path: ":memory:", threads: 1 }))("push-down queries on DuckDB", (it) => {
  const setUp = Effect.gen(function* () {
    const warehouse = yield* Warehouse
    if (!(yield* warehouse.tableExists("metrics_week")))
      yield* warehouse.createTableAs("metrics_week", metricsTable, "fixture")
    return warehouse
  })
  /** The per-client values of one branch, window and segment, read back for comparison. */
  const clientValues = (column: string, branch: string, where = "TRUE") =>
    Effect.gen(function* () {
      const warehouse = yield* setUp
      const result = yield* warehouse.query(
        `SELECT ${column} FROM metrics_week WHERE branch = '${branch}' AND analysis_window_start = 7 AND ${column} IS NOT NULL AND ${where}`,
        "values",
      )
      return Float64Array.from(numbers(result.columns[0]))
    })

  it.effect("returns exact distinct-value counts equal to the per-client histogram", () =>
    Effect.gen(function* () {
      const warehouse = yield* setUp
      const result = yield* warehouse.query(
        buildHistogramQuery(
          {
            metricsTable: "metrics_week",
            metric: "days_of_use",
            segment: "new_users",
            windowStart: 7,
          },
          100,
        ),
        "histogram",
      )
      const rows = columnsOf(result.columns, result.columnNames)
      const control = (rows.branch ?? [])
        .map((branch, index) => ({ branch, index }))
        .filter(({ branch }) => branch === "control")
      expect(control.every(({ index }) => rows.kind?.[index] === "value")).toBe(true)
      const pushed = {
        values: Float64Array.from(
          control.map(({ index }) => numbers(rows.value)[index] ?? Number.NaN),
        ),
        counts: Float64Array.from(
          control.map(({ index }) => numbers(rows.clients)[index] ?? Number.NaN),
        ),
      }
      expect(pushed).toEqual(
        histogramOf(yield* clientValues("days_of_use", "control", "new_users")),
      )
    }),
  )

  it.effect("falls back to quantile buckets beyond the bound, with the per-client totals", () =>
    Effect.gen(function* () {
      const warehouse = yield* setUp
      const result = yield* warehouse.query(
        buildHistogramQuery({ metricsTable: "metrics_week", metric: "hours", windowStart: 7 }, 20),
        "histogram",
      )
      const rows = columnsOf(result.columns, result.columnNames)
      const treatment = (rows.branch ?? []).flatMap((branch, index) =>
        branch === "treatment" ? [index] : [],
      )
      expect(treatment).toHaveLength(20)
      expect(treatment.every((index) => rows.kind?.[index] === "bucket")).toBe(true)
      const pick = (name: string) =>
        Float64Array.from(treatment.map((index) => numbers(rows[name])[index] ?? Number.NaN))
      const buckets = histogramFromSums(pick("clients"), pick("total"), pick("squares"))
      const values = yield* clientValues("hours", "treatment")
      const total = values.reduce((sum, value) => sum + value, 0)
      expect(buckets.counts.reduce((sum, count) => sum + count, 0)).toBe(values.length)
      expect(
        buckets.values.reduce((sum, mean, index) => sum + mean * (buckets.counts[index] ?? 0), 0),
      ).toBeCloseTo(total, 6)
      // Nulls are left out: of the 200 odd i < 400 (treatment), the 18 odd multiples of 11 have none.
      expect(values.length).toBe(182)
    }),
  )

  it.effect("returns the sufficient statistics of the per-client values, with a covariate", () =>
    Effect.gen(function* () {
      const warehouse = yield* setUp
      const result = yield* warehouse.query(
        buildSufficientStatisticsQuery(
          { metricsTable: "metrics_week", metric: "hours", windowStart: 7 },
          { table: "metrics_week", metric: "days_of_use", windowStart: 0 },
        ),
        "sums",
      )
      const rows = columnsOf(result.columns, result.columnNames)
      const [n, sumY, sumY2, sumX, sumX2, sumXY] = [
        "n",
        "sum_y",
        "sum_y2",
        "sum_x",
        "sum_x2",
        "sum_xy",
      ].map((name) => numbers(rows[name])[0])
      const y = yield* clientValues("hours", "control")
      const x = yield* clientValues("days_of_use", "control", "hours IS NOT NULL").pipe(
        Effect.flatMap(() =>
          Effect.gen(function* () {
            const paired = yield* (yield* setUp).query(
              `SELECT p.days_of_use FROM metrics_week m JOIN metrics_week p USING (analysis_id)
               WHERE m.branch = 'control' AND m.analysis_window_start = 7 AND p.analysis_window_start = 0 AND m.hours IS NOT NULL`,
              "covariate",
            )
            return Float64Array.from(numbers(paired.columns[0]))
          }),
        ),
      )
      const expected = linearModelSumsOf(y, x)
      expect(n).toBe(expected.n)
      expect(sumY).toBeCloseTo(expected.sumY, 6)
      expect(sumY2).toBeCloseTo(expected.sumY2, 4)
      expect(sumX).toBeCloseTo(expected.sumX ?? Number.NaN, 6)
      expect(sumX2).toBeCloseTo(expected.sumX2 ?? Number.NaN, 6)
      expect(sumXY).toBeCloseTo(expected.sumXY ?? Number.NaN, 4)
    }),
  )

  it.effect("returns the ratio sums, cross term included, equal to the per-client ones", () =>
    Effect.gen(function* () {
      const warehouse = yield* setUp
      const result = yield* warehouse.query(
        buildRatioSumsQuery(
          { metricsTable: "metrics_week", segment: "new_users", windowStart: 7 },
          "hours",
          "days_of_use",
        ),
        "ratio sums",
      )
      const rows = columnsOf(result.columns, result.columnNames)
      const pick = (name: string) => numbers(rows[name])[0] ?? Number.NaN
      const paired = yield* warehouse.query(
        "SELECT hours, days_of_use FROM metrics_week WHERE branch = 'control' AND analysis_window_start = 7 AND new_users AND hours IS NOT NULL",
        "pairs",
      )
      const expected = ratioDataOf(
        Float64Array.from(numbers(paired.columns[0])),
        Float64Array.from(numbers(paired.columns[1])),
        0,
      )
      if (expected.kind !== "sums") throw new Error("expected sums")
      expect(pick("clients")).toBe(expected.clients)
      expect(pick("sum_numerator")).toBeCloseTo(expected.sumNumerator, 6)
      expect(pick("sum_denominator")).toBeCloseTo(expected.sumDenominator, 6)
      expect(pick("sum_numerator_squares")).toBeCloseTo(expected.sumNumeratorSquares, 4)
      expect(pick("sum_denominator_squares")).toBeCloseTo(expected.sumDenominatorSquares, 6)
      expect(pick("sum_products")).toBeCloseTo(expected.sumProducts, 4)
    }),
  )
})
