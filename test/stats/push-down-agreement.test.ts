import { DuckDBInstance } from "@duckdb/node-api"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { bootstrapMean } from "../../src/stats/bootstrap-mean.js"
import type { EstimateRow } from "../../src/stats/estimate.js"
import { linearModelMean, linearModelSumsOf } from "../../src/stats/linear-model.js"
import { seededRandom } from "../../src/stats/random.js"
import {
  histogramFromSums,
  histogramOf,
  type ValueHistogram,
  winsorize,
} from "../../src/stats/value-histogram.js"
import { numbersOf } from "../support/sql-fixtures.js"

/**
 * The statistics give the same answers from the warehouse's aggregates as from per-client
 * rows: aggregates computed by real DuckDB SQL (GROUP BY value; NTILE quantile buckets with
 * count, Σy, Σy²; sufficient statistics), rows pulled from the same table.
 */
let instance: DuckDBInstance
const query = async (sql: string) => {
  const connection = await instance.connect()
  const result = (await connection.runAndReadAll(sql)).getColumnsJS()
  connection.closeSync()
  return result
}
const numbers = (column: ReadonlyArray<unknown> | undefined) => Float64Array.from(numbersOf(column))
const strings = (column: ReadonlyArray<unknown> | undefined) => (column ?? []).map(String)

beforeAll(async () => {
  instance = await DuckDBInstance.create(":memory:", { threads: "1" })
  // 3 branches × 20k clients: days of use (0–28) and log-normal active hours with a
  // treatment effect, a pre-period covariate correlated with both.
  await query(`
    CREATE TABLE clients AS
    WITH base AS (
      SELECT i, ['control', 'treatment-a', 'treatment-b'][1 + i % 3] AS branch,
             hash(i) / 18446744073709551615.0 AS u1, hash(i + 1000003) / 18446744073709551615.0 AS u2,
             hash(i + 2000003) / 18446744073709551615.0 AS u3
      FROM range(60000) t(i)
    ), normals AS (
      SELECT *, sqrt(-2 * ln(greatest(u1, 1e-12))) * cos(2 * pi() * u2) AS z1,
                sqrt(-2 * ln(greatest(u1, 1e-12))) * sin(2 * pi() * u2) AS z2
      FROM base
    )
    SELECT branch,
           least(28, greatest(0, round(12 + 6 * z1 + CASE branch WHEN 'treatment-a' THEN 1 ELSE 0 END)))::DOUBLE AS days_of_use,
           exp(0.5 + 0.8 * z1 + CASE branch WHEN 'treatment-b' THEN 0.1 ELSE 0 END) AS active_hours,
           exp(0.5 + 0.8 * (0.8 * z1 + 0.6 * z2)) AS active_hours_pre
    FROM normals`)
})

afterAll(() => instance.closeSync())

const perClient = async (column: string) => {
  const [branches, column_] = await query(`SELECT branch, ${column} FROM clients ORDER BY branch`)
  const values = numbers(column_)
  const byBranch = new Map<string, number[]>()
  strings(branches).forEach((branch, index) => {
    const list = byBranch.get(branch) ?? []
    list.push(values[index] ?? Number.NaN)
    byBranch.set(branch, list)
  })
  return new Map([...byBranch].map(([branch, list]) => [branch, Float64Array.from(list)]))
}

const byKey = (rows: ReadonlyArray<EstimateRow>) =>
  new Map(
    rows.map((row) => [
      `${row.branch}/${row.comparison ?? ""}/${row.comparisonToBranch ?? ""}`,
      row,
    ]),
  )

const parameters = { numSamples: 4000, confidence: 0.95 }

describe("push-down aggregates agree with per-client rows", () => {
  it("bootstrap_mean on a distinct-value histogram from GROUP BY equals the per-client path", async () => {
    const [branchColumn, valueColumn, countColumn] = await query(
      "SELECT branch, days_of_use, COUNT(*) FROM clients GROUP BY ALL ORDER BY branch, days_of_use",
    )
    const [branches, values, counts] = [
      strings(branchColumn),
      numbers(valueColumn),
      numbers(countColumn),
    ]
    const histograms = new Map<string, { values: number[]; counts: number[] }>()
    branches.forEach((branch, index) => {
      const entry = histograms.get(branch) ?? { values: [], counts: [] }
      entry.values.push(values[index] ?? 0)
      entry.counts.push(counts[index] ?? 0)
      histograms.set(branch, entry)
    })
    const pushedDown = new Map<string, ValueHistogram>(
      [...histograms].map(([branch, entry]) => [
        branch,
        { values: Float64Array.from(entry.values), counts: Float64Array.from(entry.counts) },
      ]),
    )
    const rows = new Map(
      [...(await perClient("days_of_use"))].map(([branch, list]) => [branch, histogramOf(list)]),
    )
    const randomFor = (branch: string) => seededRandom(1, branch)
    // Same histogram, same seed: identical results, not merely close ones.
    expect(bootstrapMean(pushedDown, parameters, randomFor)).toEqual(
      bootstrapMean(rows, parameters, randomFor),
    )
    const uplift = byKey(bootstrapMean(pushedDown, parameters, randomFor).rows).get(
      "treatment-a/difference/control",
    )
    expect(uplift?.lower).toBeGreaterThan(0.6)
    expect(uplift?.upper).toBeLessThan(1.4)
  })

  it("bootstrap_mean on NTILE quantile buckets (count, Σy, Σy²) agrees with the exact bootstrap within Monte Carlo error", async () => {
    // As the push-down does: winsorize at the 99.5th percentile per branch (numpy's linear
    // interpolation is QUANTILE_CONT), then bucket.
    const [branchColumn, countColumn, sumColumn, squareColumn] = await query(`
      WITH capped AS (
        SELECT branch, LEAST(active_hours, QUANTILE_CONT(active_hours, 0.995) OVER (PARTITION BY branch)) AS value
        FROM clients
      )
      SELECT branch, COUNT(*), SUM(value), SUM(value * value)
      FROM (SELECT branch, value, NTILE(200) OVER (PARTITION BY branch ORDER BY value) AS bucket FROM capped)
      GROUP BY branch, bucket ORDER BY branch, bucket`)
    const [branches, counts, sums, squares] = [
      strings(branchColumn),
      numbers(countColumn),
      numbers(sumColumn),
      numbers(squareColumn),
    ]
    const buckets = new Map<string, { counts: number[]; sums: number[]; squares: number[] }>()
    branches.forEach((branch, index) => {
      const entry = buckets.get(branch) ?? { counts: [], sums: [], squares: [] }
      entry.counts.push(counts[index] ?? 0)
      entry.sums.push(sums[index] ?? 0)
      entry.squares.push(squares[index] ?? 0)
      buckets.set(branch, entry)
    })
    const pushedDown = new Map(
      [...buckets].map(([branch, entry]) => [
        branch,
        histogramFromSums(
          Float64Array.from(entry.counts),
          Float64Array.from(entry.sums),
          Float64Array.from(entry.squares),
        ),
      ]),
    )
    const exact = new Map(
      [...(await perClient("active_hours"))].map(([branch, list]) => [
        branch,
        histogramOf(winsorize(list, 0.995), 1_000_000),
      ]),
    )
    const bucketed = byKey(
      bootstrapMean(pushedDown, { ...parameters, numSamples: 1000 }, (branch) =>
        seededRandom(2, branch),
      ).rows,
    )
    const reference = byKey(
      bootstrapMean(exact, { ...parameters, numSamples: 1000 }, (branch) => seededRandom(3, branch))
        .rows,
    )
    for (const [key, row] of reference) {
      const other = bucketed.get(key)
      const width = (row.upper ?? 0) - (row.lower ?? 0)
      // Bounds of a 95% interval from 1000 draws wander by about 5% of the width.
      expect(Math.abs((other?.lower ?? 0) - (row.lower ?? 0))).toBeLessThan(0.15 * width)
      expect(Math.abs((other?.upper ?? 0) - (row.upper ?? 0))).toBeLessThan(0.15 * width)
    }
  })

  it("linear_model_mean from SQL sufficient statistics equals the per-client fit", async () => {
    const [branches, n, sumY, sumY2, sumX, sumX2, sumXY] = await query(`
      SELECT branch, COUNT(*), SUM(active_hours), SUM(active_hours * active_hours), SUM(active_hours_pre),
             SUM(active_hours_pre * active_hours_pre), SUM(active_hours * active_hours_pre)
      FROM clients GROUP BY branch ORDER BY branch`)
    const pushedDown = new Map(
      strings(branches).map((branch, index) => [
        branch,
        {
          n: numbers(n)[index] ?? 0,
          sumY: numbers(sumY)[index] ?? 0,
          sumY2: numbers(sumY2)[index] ?? 0,
          sumX: numbers(sumX)[index] ?? 0,
          sumX2: numbers(sumX2)[index] ?? 0,
          sumXY: numbers(sumXY)[index] ?? 0,
        },
      ]),
    )
    const y = await perClient("active_hours")
    const x = await perClient("active_hours_pre")
    const rows = new Map(
      [...y].map(([branch, values]) => [branch, linearModelSumsOf(values, x.get(branch))]),
    )
    const fromSql = byKey(linearModelMean(pushedDown, { confidence: 0.95 }).rows)
    const fromRows = byKey(linearModelMean(rows, { confidence: 0.95 }).rows)
    expect(fromSql.size).toBe(3 + 6 * 2)
    for (const [key, row] of fromRows) {
      expect(fromSql.get(key)?.point).toBeCloseTo(row.point, 9)
      expect(fromSql.get(key)?.lower).toBeCloseTo(row.lower ?? Number.NaN, 9)
    }
  })
})
