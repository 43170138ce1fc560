import { describe, expect, layer, it as plainIt } from "@effect/vitest"
import { Effect, Either } from "effect"
import {
  decodePreTreatment,
  type PreTreatment,
  preTreatmentOf,
} from "../../src/domain/pre-treatment-catalogue.js"
import { Warehouse } from "../../src/services/warehouse/warehouse.js"
import { toDuckDbSql } from "../../src/sql/dialects/duckdb-compatibility.js"
import { float64Literal, quantileSelect } from "../../src/sql/pre-treatment-sql.js"
import {
  buildHistogramQuery as histogramQuery,
  buildRatioSumsQuery as ratioSumsQuery,
  buildSufficientStatisticsQuery as sufficientStatisticsQuery,
} from "../../src/sql/push-down-query.js"
import { linearModelSumsOf } from "../../src/stats/linear-model.js"
import { ratioDataOf, winsorizePairs } from "../../src/stats/population-ratio.js"
import { applyPreTreatmentsAcrossBranches } from "../../src/stats/pre-treatments.js"
import { quantileOfSorted } from "../../src/stats/quantile.js"
import { seededRandom } from "../../src/stats/random.js"
import { histogramFromSums, histogramOf } from "../../src/stats/value-histogram.js"
import { numbersOf } from "../support/sql-fixtures.js"

/** The builders return Either (a SqlBuildError for a request they cannot write); here, the SQL. */
const buildHistogramQuery = (...args: Parameters<typeof histogramQuery>) =>
  Either.getOrThrow(histogramQuery(...args))
const buildSufficientStatisticsQuery = (...args: Parameters<typeof sufficientStatisticsQuery>) =>
  Either.getOrThrow(sufficientStatisticsQuery(...args))
const buildRatioSumsQuery = (...args: Parameters<typeof ratioSumsQuery>) =>
  Either.getOrThrow(ratioSumsQuery(...args))

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

layer(Warehouse.duckDb({ path: ":memory:", threads: 1 }))("push-down queries on DuckDB", (it) => {
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

const preTreatment = (name: PreTreatment["name"], parameters: object = {}): PreTreatment =>
  preTreatmentOf(name, parameters)

describe("push-down SQL with pre-treatments", () => {
  const request = {
    metricsTable: "metrics_week",
    metric: "hours",
    segment: "new_users",
    windowStart: 7,
    analysisPeriodLength: 7,
  }

  plainIt("reads NULLs and NaNs alike, pre-treats them, then keeps finite values only", () => {
    const sql = buildHistogramQuery(
      { ...request, preTreatments: [preTreatment("zero_fill"), preTreatment("log")] },
      100,
    )
    expect(sql).toContain(
      "CASE WHEN IS_NAN(CAST(`hours` AS FLOAT64)) THEN NULL ELSE CAST(`hours` AS FLOAT64) END AS value",
    )
    expect(sql).not.toContain("IS NOT NULL\n      AND `new_users`")
    expect(sql).toContain(`pre_treatment_1 AS (
    -- zero_fill
    SELECT branch, COALESCE(value, 0) AS value
    FROM source_values
  ),
  pre_treatment_2 AS (
    -- log
    SELECT branch, CASE WHEN value > 0 THEN LOG10(value) WHEN value = 0 THEN CAST('-inf' AS FLOAT64) END AS value
    FROM pre_treatment_1
  ),
  client_values AS (
    SELECT * FROM pre_treatment_2
    WHERE value IS NOT NULL AND NOT IS_INF(value)
  ),`)
  })

  plainIt(
    "reads a BOOL metric as 0/1 through INT64, which BigQuery can cast, unlike BOOL to FLOAT64",
    () => {
      const sql = buildHistogramQuery(
        { ...request, metric: "retained", booleanColumns: ["retained"] },
        100,
      )
      expect(sql).toContain(
        "CASE WHEN IS_NAN(CAST(CAST(`retained` AS INT64) AS FLOAT64)) THEN NULL ELSE CAST(CAST(`retained` AS INT64) AS FLOAT64) END AS value",
      )
      expect(buildHistogramQuery({ ...request, booleanColumns: ["retained"] }, 100)).not.toContain(
        "INT64",
      )
    },
  )

  plainIt("pools censoring quantiles over branches and winsorizes per branch", () => {
    const sql = buildHistogramQuery(
      {
        ...request,
        preTreatments: [preTreatment("censor_highest_values", { fraction: 0.999 })],
        winsorizeAt: 0.995,
      },
      100,
    )
    expect(sql).toContain("(COUNT(*) OVER () - 1) * CAST('0.999' AS FLOAT64) AS position")
    expect(sql).toContain(
      "SELECT * FROM source_values WHERE value < (SELECT cut FROM pre_treatment_1_cut)",
    )
    expect(sql).toContain(
      "(COUNT(*) OVER (PARTITION BY branch) - 1) * CAST('0.995' AS FLOAT64) AS position",
    )
    expect(sql).toContain("SELECT branch, LEAST(v.value, value_cut.cut) AS value")
    // No winsorization at or beyond the maximum.
    expect(buildHistogramQuery({ ...request, winsorizeAt: 1 }, 100)).not.toContain("value_cut")
  })

  plainIt("writes thresholds, bases and periods as FLOAT64 literals that round-trip", () => {
    const sql = buildSufficientStatisticsQuery({
      ...request,
      preTreatments: [
        preTreatment("normalize_over_analysis_period"),
        preTreatment("censor_values_below_threshold", { threshold: 0.1 }),
        preTreatment("censor_values_above_threshold", { threshold: 1e21 }),
        preTreatment("log", { base: 0.5 }),
      ],
    })
    expect(sql).toContain("SELECT branch, value / CAST('7' AS FLOAT64) AS value")
    expect(sql).toContain("WHERE value > CAST('0.1' AS FLOAT64)")
    expect(sql).toContain("WHERE value < CAST('1e+21' AS FLOAT64)")
    // log₀.₅ 0 = −∞ / ln 0.5 = +∞.
    expect(sql).toContain(
      `CASE WHEN value > 0 THEN LN(value) / ${float64Literal(Math.log(0.5))} WHEN value = 0 THEN CAST('inf' AS FLOAT64) END AS value`,
    )
  })

  plainIt("transforms a covariate with the metric and rows by the metric alone", () => {
    const sql = buildSufficientStatisticsQuery(
      { ...request, preTreatments: [preTreatment("zero_fill"), preTreatment("remove_nulls")] },
      { table: "metrics_pre", metric: "hours", windowStart: -7 },
    )
    expect(sql).toContain("LEFT JOIN (")
    expect(sql).toContain(
      "SELECT branch, COALESCE(value, 0) AS value, COALESCE(covariate, 0) AS covariate",
    )
    expect(sql).toContain("SELECT * FROM pre_treatment_1 WHERE value IS NOT NULL")
    expect(sql).toContain("AND covariate IS NOT NULL AND NOT IS_INF(covariate)")
  })

  plainIt("translates for DuckDB", () => {
    const translated = toDuckDbSql(
      buildRatioSumsQuery(
        { ...request, preTreatments: [preTreatment("remove_indefinites")], winsorizeAt: 0.995 },
        "hours",
        "days_of_use",
      ),
    )
    expect(Either.isRight(translated)).toBe(true)
    const sql = Either.getOrElse(translated, () => "")
    expect(sql).toContain("isinf(numerator)")
    expect(sql).toContain('isnan(CAST("hours" AS DOUBLE))')
    expect(sql).not.toMatch(/IS_INF|IS_NAN|FLOAT64/)
  })

  plainIt(
    "cannot be given a threshold censor without its threshold: the catalogue refuses it",
    () => {
      const decoded = decodePreTreatment("censor_values_above_threshold", {})
      expect(Either.isLeft(decoded) && decoded.left.message).toMatch(/threshold/)
    },
  )
})

/** numpy's quantile (linear, with its `_lerp`), NULLs skipped, limits at infinities. */
const numpyQuantile = (values: ReadonlyArray<number>, q: number): number => {
  const sorted = values.filter((value) => !Number.isNaN(value)).sort((a, b) => a - b)
  const n = sorted.length
  if (n === 0) return Number.NaN
  const position = (n - 1) * q
  const below = Math.floor(position)
  const t = position - below
  const a = sorted[below] ?? Number.NaN
  const b = sorted[Math.min(below + 1, n - 1)] ?? Number.NaN
  if (t === 0 || a === b) return a
  if (a === Number.NEGATIVE_INFINITY) return b === Number.POSITIVE_INFINITY ? Number.NaN : a
  if (b === Number.POSITIVE_INFINITY) return b
  return t >= 0.5 ? b - (b - a) * (1 - t) : a + (b - a) * t
}

layer(Warehouse.duckDb({ path: ":memory:", threads: 1 }))("SQL quantiles on DuckDB", (it) => {
  const cutOf = (values: ReadonlyArray<number>, q: number, interpolation: "numpy" | "linear") =>
    Effect.gen(function* () {
      const warehouse = yield* Warehouse
      // NaN is written as NULL; an empty sample as one NULL row.
      const rows = (values.length === 0 ? [Number.NaN] : values).map(
        (value) => `SELECT ${float64Literal(value)} AS value`,
      )
      const result = yield* warehouse.query(
        `WITH sample AS (${rows.join(" UNION ALL ")})\n${quantileSelect({ source: "sample", column: "value", q, interpolation })}`,
        "quantile",
      )
      const cut = result.columns[0]?.[0]
      return cut === null ? Number.NaN : Number(cut)
    })

  it.effect(
    "gives numpy's and the winsorization's quantiles to the bit, unlike quantile_cont",
    () =>
      Effect.gen(function* () {
        const warehouse = yield* Warehouse
        const random = seededRandom(3)
        let numpyIsNotLinear = 0
        let nativeDiffers = 0
        for (let trial = 0; trial < 60; trial++) {
          const values = Array.from(
            { length: 3 + Math.floor(random.nextDouble() * 40) },
            () => Math.round((random.nextDouble() - 0.3) * 1e6) / 7,
          )
          const q = 0.5 + random.nextDouble() / 2
          const numpy = numpyQuantile(values, q)
          const linear = quantileOfSorted(Float64Array.from(values).sort(), q)
          if (numpy !== linear) numpyIsNotLinear++
          expect(yield* cutOf(values, q, "numpy")).toBe(numpy)
          expect(yield* cutOf(values, q, "linear")).toBe(linear)
          const native = yield* warehouse.query(
            `SELECT quantile_cont(value, '${q}'::DOUBLE) FROM (VALUES ${values.map((value) => `('${value}'::DOUBLE)`).join(", ")}) t(value)`,
            "native quantile",
          )
          if (native.columns[0]?.[0] !== numpy || native.columns[0]?.[0] !== linear) nativeDiffers++
        }
        expect(numpyIsNotLinear).toBeGreaterThan(0)
        expect(nativeDiffers).toBeGreaterThan(0)
      }),
  )

  it.effect(
    "takes the limit where an infinity meets the interpolation, and NULL for −∞ with +∞",
    () =>
      Effect.gen(function* () {
        const inf = Number.POSITIVE_INFINITY
        const cases: ReadonlyArray<readonly [ReadonlyArray<number>, number]> = [
          [[-inf, 1, 2, 3], 0.1],
          [[-inf, -inf, 1, 2], 0.2],
          [[1, 2, inf], 0.9],
          [[1, inf, inf], 0.9],
          [[-inf, inf], 0.5],
          [[Number.NaN, 1, 2], 0.5],
          [[], 0.5],
        ]
        for (const [values, q] of cases) {
          expect(yield* cutOf(values, q, "numpy")).toBe(numpyQuantile(values, q))
        }
      }),
  )
})

layer(Warehouse.duckDb({ path: ":memory:", threads: 1 }))(
  "pre-treated push-down through the DuckDB warehouse",
  (it) => {
    it.effect("equals the per-client pre-treatments and winsorized ratio sums", () =>
      Effect.gen(function* () {
        const warehouse = yield* Warehouse
        yield* warehouse.createTableAs("metrics_week", metricsTable, "fixture")
        const preTreatments = [
          preTreatment("zero_fill"),
          preTreatment("censor_highest_values", { fraction: 0.98 }),
        ]
        const result = yield* warehouse.query(
          buildRatioSumsQuery(
            { metricsTable: "metrics_week", windowStart: 7, preTreatments, winsorizeAt: 0.9 },
            "hours",
            "days_of_use",
          ),
          "ratio sums",
        )
        const rows = columnsOf(result.columns, result.columnNames)
        const read = yield* warehouse.query(
          "SELECT branch, hours, days_of_use FROM metrics_week WHERE analysis_window_start = 7 ORDER BY branch",
          "pairs",
        )
        const branches = (read.columns[0] ?? []).map(String)
        const [hours, days] = [numbers(read.columns[1]), numbers(read.columns[2])]
        const columnsFor = (branch: string) => {
          const rowsOf = branches.flatMap((name, row) => (name === branch ? [row] : []))
          const pick = (list: ReadonlyArray<number>) =>
            Float64Array.from(rowsOf, (row) => list[row] ?? Number.NaN)
          return [pick(hours), pick(hours), pick(days)]
        }
        const treated = applyPreTreatmentsAcrossBranches(
          new Map(["control", "treatment"].map((branch) => [branch, columnsFor(branch)])),
          preTreatments,
          { analysisPeriodLength: 7 },
        )
        ;["control", "treatment"].forEach((branch, index) => {
          const [, numerators = new Float64Array(), denominators = new Float64Array()] =
            treated.get(branch) ?? []
          const expected = ratioDataOf(...winsorizePairs(numerators, denominators, 0.1), 0)
          if (expected.kind !== "sums") throw new Error("expected sums")
          const at = (name: string) => numbers(rows[name])[index] ?? Number.NaN
          expect(rows.branch?.[index]).toBe(branch)
          expect(at("clients")).toBe(expected.clients)
          expect(at("sum_numerator")).toBeCloseTo(expected.sumNumerator, 6)
          expect(at("sum_denominator")).toBeCloseTo(expected.sumDenominator, 6)
          expect(at("sum_products")).toBeCloseTo(expected.sumProducts, 4)
        })
      }),
    )
  },
)
