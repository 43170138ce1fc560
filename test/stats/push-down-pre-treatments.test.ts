import { DuckDBInstance } from "@duckdb/node-api"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import {
  type PreTreatment,
  type PreTreatmentName,
  preTreatmentOf,
} from "../../src/domain/pre-treatment-catalogue.js"
import { aggregateQueryFor } from "../../src/pipeline/aggregate-query.js"
import type { QueryResult } from "../../src/services/warehouse/warehouse.js"
import {
  duckDbCompatibilityStatements,
  toDuckDbSql,
} from "../../src/sql/dialects/duckdb-compatibility.js"
import {
  buildHistogramQuery as histogramQuery,
  type PushDownRequest,
} from "../../src/sql/push-down-query.js"
import {
  aggregateRequestOf,
  type Statistic,
  type StatisticName,
  statisticOf,
} from "../../src/stats/catalogue/statistic-catalogue.js"
import type { AggregateRequest } from "../../src/stats/catalogue/statistic-descriptor.js"
import { type ClientColumns, computeSummaryOnClients } from "../../src/stats/compute-summary.js"
import type { EstimateRow } from "../../src/stats/estimate.js"
import { applyPreTreatmentsAcrossBranches } from "../../src/stats/pre-treatments.js"
import { computeSummaryOnAggregates } from "../../src/stats/summary-on-aggregates.js"
import { histogramOf, winsorize } from "../../src/stats/value-histogram.js"
import { numbersOf } from "../support/sql-fixtures.js"

/** The builders return Either (a SqlBuildError for a request they cannot write); here, the SQL. */

/**
 * The push-down SQL with pre-treatments and winsorization, run by real DuckDB through the
 * BigQuery → DuckDB translation, then `computeSummaryOnAggregates`, gives what
 * `computeSummaryOnClients` gives on the same column read per client (NULL read as NaN).
 *
 * The table holds, per window, 400 clients in two branches, so at most 200 per branch: with
 * drop_highest 0.005 only a branch's largest value lies above its 99.5th percentile, and the
 * per-client path's winsorized histogram (which keeps a capped value apart from the values
 * capped with it) has the very entries the warehouse's GROUP BY gives. Same histogram, same
 * seed: the same rows. Values are few and distinct, so histograms are exact.
 */

let instance: DuckDBInstance

/** A BigQuery statement's rows, as the warehouse service returns them. */
const queryResult = async (bigQuerySql: string): Promise<QueryResult> => {
  const translated = toDuckDbSql(bigQuerySql)
  if (Either.isLeft(translated)) throw new Error(JSON.stringify(translated.left))
  const connection = await instance.connect()
  const result = await connection.runAndReadAll(translated.right)
  connection.closeSync()
  return { columnNames: result.columnNames(), columns: result.getColumnsJS(), cost: noCost }
}

const query = async (bigQuerySql: string) => {
  const { columnNames, columns } = await queryResult(bigQuerySql)
  return (name: string): ReadonlyArray<unknown> => columns[columnNames.indexOf(name)] ?? []
}

const noCost = { milliseconds: 0 }
const windowStart = 7
const analysisPeriodLength = 7
const metricsTable = "metrics_week"
const covariateTable = "metrics_preenrollment_week"

beforeAll(async () => {
  instance = await DuckDBInstance.create(":memory:", { threads: "1" })
  const connection = await instance.connect()
  for (const statement of duckDbCompatibilityStatements) await connection.run(statement)
  // hours: NULLs, zeros, negatives, outliers, one each of +inf, −inf and NaN; window 0 is
  // shifted so that reading the wrong window shows. clicks / impressions: a ratio with
  // NULLs and zero denominators. new_users: a segment.
  await connection.run(`
    CREATE TABLE ${metricsTable} AS
    SELECT 'c' || i AS analysis_id,
      CASE WHEN i % 2 = 0 THEN 'control' ELSE 'treatment' END AS branch,
      w AS analysis_window_start,
      i % 3 = 0 AS new_users,
      CASE
        WHEN i = 101 THEN 'inf'::DOUBLE
        WHEN i = 202 THEN '-inf'::DOUBLE
        WHEN i = 303 THEN 'nan'::DOUBLE
        WHEN i % 17 = 0 THEN NULL
        WHEN i % 11 = 0 THEN 0
        WHEN i % 29 = 0 THEN -1.5 * (i % 5 + 1)
        WHEN i % 97 = 0 THEN 5000.0 + i
        ELSE ((i * 37) % 113) / 4.0 + (i % 2) * 1.5
      END + CASE WHEN w = 0 THEN 1000 ELSE 0 END AS hours,
      CASE WHEN i % 13 = 0 THEN NULL ELSE (i * 7) % 9 END AS clicks,
      CASE WHEN i % 19 = 0 THEN NULL WHEN i % 23 = 0 THEN 0 ELSE 5 + (i * 11) % 17 END AS impressions
    FROM range(400) t(i) CROSS JOIN (VALUES (0), (7)) v(w)`)
  // The pre-period value of hours: NULLs, zeros, and some clients absent.
  await connection.run(`
    CREATE TABLE ${covariateTable} AS
    SELECT 'c' || i AS analysis_id, -7 AS analysis_window_start,
      CASE WHEN i % 19 = 0 THEN NULL WHEN i % 23 = 0 THEN 0 ELSE ((i * 53) % 89) / 2.0 END AS hours
    FROM range(400) t(i)
    WHERE i % 31 <> 0`)
  connection.closeSync()
})

afterAll(() => instance.closeSync())

const numbers = (column: ReadonlyArray<unknown>) => Float64Array.from(numbersOf(column))

/** Columns read per client, per branch in branch order; NULL becomes NaN. */
const perClient = async (
  select: ReadonlyArray<string>,
  segment: string | undefined,
): Promise<ReadonlyMap<string, ReadonlyArray<Float64Array>>> => {
  const column = await query(`
    SELECT m.branch, ${select.map((expression, index) => `${expression} AS c${index}`).join(", ")}
    FROM ${metricsTable} m
    LEFT JOIN (SELECT analysis_id, hours FROM ${covariateTable} WHERE analysis_window_start = -7) p
      USING (analysis_id)
    WHERE m.analysis_window_start = ${windowStart}${segment === undefined ? "" : ` AND m.${segment}`}
    ORDER BY m.branch, m.analysis_id`)
  const branches = column("branch").map(String)
  const values = select.map((_, index) => numbers(column(`c${index}`)))
  const byBranch = new Map<string, ReadonlyArray<Float64Array>>()
  for (const branch of new Set(branches)) {
    const rows = branches.flatMap((name, row) => (name === branch ? [row] : []))
    byBranch.set(
      branch,
      values.map((list) => Float64Array.from(rows, (row) => list[row] ?? Number.NaN)),
    )
  }
  return byBranch
}

const clientColumnsFor = async (
  statistic: Statistic,
  segment: string | undefined,
): Promise<ReadonlyMap<string, ClientColumns>> => {
  if (statistic.name === "population_ratio") {
    // No metric column for a ratio: the numerator decides rows, as in the push-down.
    const read = await perClient(["m.clicks", "m.clicks", "m.impressions"], segment)
    return new Map(
      [...read].map(([branch, [values, numerator, denominator]]) => [
        branch,
        {
          values: values ?? new Float64Array(),
          ...(numerator === undefined ? {} : { numerator }),
          ...(denominator === undefined ? {} : { denominator }),
        },
      ]),
    )
  }
  const aggregate = aggregateRequestOf(statistic)
  const adjusted = aggregate.kind === "sums" && aggregate.covariate !== undefined
  const read = await perClient(adjusted ? ["m.hours", "p.hours"] : ["m.hours"], segment)
  return new Map(
    [...read].map(([branch, [values, covariate]]) => [
      branch,
      { values: values ?? new Float64Array(), ...(covariate === undefined ? {} : { covariate }) },
    ]),
  )
}

const requestFor = (
  preTreatments: ReadonlyArray<PreTreatment>,
  segment: string | undefined,
): PushDownRequest => ({
  metricsTable,
  metric: "hours",
  ...(segment === undefined ? {} : { segment }),
  windowStart,
  preTreatments,
  analysisPeriodLength,
})

/** An aggregate from the warehouse, by the pipeline's own query and reader. */
const pushedAggregates = async (aggregate: AggregateRequest, request: PushDownRequest) => {
  const adjusted = aggregate.kind === "sums" && aggregate.covariate !== undefined
  const built = Either.getOrThrow(
    aggregateQueryFor(aggregate, request, {
      maxBuckets: 2000,
      ...(adjusted
        ? { covariate: { table: covariateTable, metric: "hours", windowStart: -7 } }
        : {}),
    }),
  )
  return built.read(await queryResult(built.sql))
}

/** The aggregates the pipeline pushes down for the statistic. */
const pushedDown = (statistic: Statistic, request: PushDownRequest) =>
  pushedAggregates(aggregateRequestOf(statistic), request)

const histogramsOf = (request: PushDownRequest) => pushedAggregates({ kind: "histogram" }, request)

const options = { seed: 11, stream: "hours/week/1" }

const bothPaths = async (
  statistic: Statistic,
  preTreatments: ReadonlyArray<PreTreatment>,
  segment?: string,
) => {
  const aggregates = await pushedDown(statistic, requestFor(preTreatments, segment))
  const fromWarehouse = computeSummaryOnAggregates(statistic, aggregates, options)
  const fromClients = computeSummaryOnClients(
    statistic,
    preTreatments,
    await clientColumnsFor(statistic, segment),
    // Ratio sums, as the push-down returns, rather than exact pairs.
    {
      ...options,
      analysisPeriodLength,
      maxBuckets: statistic.name === "population_ratio" ? 0 : 2000,
    },
  )
  return {
    fromWarehouse: fromWarehouse.rows,
    fromClients: fromClients.rows,
    refusals: [fromWarehouse.refused, fromClients.refused] as const,
  }
}

/** hours are not 0/1: both paths refuse binomial, in the same words. */
const expectSameRefusal = (refusals: readonly [string | undefined, string | undefined]) => {
  expect(refusals[0]).toMatch(/^binomial needs values 0 or 1 \(or a boolean\) per client: branch /)
  expect(refusals[1]).toBe(refusals[0])
}

/** Equal rows up to rounding (sums in another order; LN/LOG10 of another library). */
const expectCloseRows = (
  actual: ReadonlyArray<EstimateRow>,
  expected: ReadonlyArray<EstimateRow>,
) => {
  expect(actual.length).toBe(expected.length)
  actual.forEach((row, index) => {
    const other = expected[index] ?? row
    expect(Object.keys(row).sort()).toEqual(Object.keys(other).sort())
    for (const [key, value] of Object.entries(row)) {
      const wanted: unknown = Reflect.get(other, key)
      if (typeof value === "number" && typeof wanted === "number" && Number.isFinite(wanted)) {
        expect(Math.abs(value - wanted), `${row.branch} ${key}`).toBeLessThanOrEqual(
          1e-9 * Math.max(1, Math.abs(wanted)),
        )
      } else {
        expect(value, `${row.branch} ${key}`).toEqual(wanted)
      }
    }
  })
}

const treatment = (name: PreTreatmentName, parameters: object = {}) =>
  preTreatmentOf(name, parameters)

/** Each pre-treatment alone, and chains as configs write them. */
const chains: ReadonlyArray<readonly [string, ReadonlyArray<PreTreatment>]> = [
  ["none", []],
  ["remove_nulls", [treatment("remove_nulls")]],
  ["remove_indefinites", [treatment("remove_indefinites")]],
  ["censor_highest_values", [treatment("censor_highest_values")]],
  ["censor_highest_values 0.9", [treatment("censor_highest_values", { fraction: 0.9 })]],
  ["censor_lowest_values", [treatment("censor_lowest_values")]],
  ["censor_lowest_values 0.1", [treatment("censor_lowest_values", { fraction: 0.1 })]],
  [
    "censor_values_below_threshold 0",
    [treatment("censor_values_below_threshold", { threshold: 0 })],
  ],
  [
    "censor_values_above_threshold 25.5",
    [treatment("censor_values_above_threshold", { threshold: 25.5 })],
  ],
  ["normalize_over_analysis_period", [treatment("normalize_over_analysis_period")]],
  ["log", [treatment("log")]],
  ["log base 2", [treatment("log", { base: 2 })]],
  ["zero_fill", [treatment("zero_fill")]],
  [
    "remove_nulls, censor_highest_values 0.999",
    [treatment("remove_nulls"), treatment("censor_highest_values", { fraction: 0.999 })],
  ],
  ["zero_fill, log", [treatment("zero_fill"), treatment("log")]],
  [
    "zero_fill, log, remove_indefinites",
    [treatment("zero_fill"), treatment("log"), treatment("remove_indefinites")],
  ],
  [
    // The lower quantile falls among the −∞ of log 0: the limit, −∞, as numpy gives.
    "zero_fill, log, censor_lowest_values 0.05",
    [
      treatment("zero_fill"),
      treatment("log"),
      treatment("censor_lowest_values", { fraction: 0.05 }),
    ],
  ],
  [
    "normalize, remove_nulls, censor_highest_values 0.99",
    [
      treatment("normalize_over_analysis_period"),
      treatment("remove_nulls"),
      treatment("censor_highest_values", { fraction: 0.99 }),
    ],
  ],
]

const statistics: ReadonlyArray<Statistic> = (
  [
    ["bootstrap_mean", { num_samples: 500 }],
    ["bootstrap_mean", { num_samples: 500, drop_highest: 0 }],
    ["deciles", { num_samples: 300 }],
    ["binomial", {}],
    ["linear_model_mean", { covariate_adjustment: { period: "preenrollment_week" } }],
    ["linear_model_mean", { drop_highest: 0.05 }],
    ["per_client_dau_impact", {}],
    ["empirical_cdf", {}],
    ["kernel_density_estimate", {}],
    ["count", {}],
    ["sum", {}],
    ["population_ratio", { numerator: "clicks", denominator: "impressions", num_samples: 500 }],
    [
      "population_ratio",
      { numerator: "clicks", denominator: "impressions", num_samples: 500, drop_highest: 0.05 },
    ],
  ] as ReadonlyArray<readonly [StatisticName, object]>
).map(([name, parameters]) => statisticOf(name, parameters))

const describeStatistic = (statistic: Statistic) =>
  `${statistic.name}${Object.keys(statistic.parameters).length === 0 ? "" : ` ${JSON.stringify(statistic.parameters)}`}`

/** Same histogram or same order of addition, same seed, no logarithm: the very same rows. */
const isExact = (statistic: Statistic, preTreatments: ReadonlyArray<PreTreatment>) =>
  !preTreatments.some(({ name }) => name === "log") &&
  [
    "bootstrap_mean",
    "deciles",
    "binomial",
    "empirical_cdf",
    "kernel_density_estimate",
    "count",
  ].includes(statistic.name)

describe("push-down with pre-treatments equals the per-client path", () => {
  const cases = chains.flatMap(([chain, preTreatments]) =>
    statistics.map(
      (statistic) => [chain, describeStatistic(statistic), statistic, preTreatments] as const,
    ),
  )
  it.each(cases)("[%s] %s", async (_chain, _name, statistic, preTreatments) => {
    const { fromWarehouse, fromClients, refusals } = await bothPaths(statistic, preTreatments)
    if (statistic.name === "binomial") return expectSameRefusal(refusals)
    expect(fromClients.length).toBeGreaterThan(0)
    if (isExact(statistic, preTreatments)) expect(fromWarehouse).toEqual(fromClients)
    else expectCloseRows(fromWarehouse, fromClients)
  })

  const inSegment = new Set([
    "none",
    "remove_nulls, censor_highest_values 0.999",
    "zero_fill, log, remove_indefinites",
    "normalize, remove_nulls, censor_highest_values 0.99",
  ])
  it.each(
    chains
      .filter(([chain]) => inSegment.has(chain))
      .flatMap(([chain, preTreatments]) =>
        statistics.map(
          (statistic) => [chain, describeStatistic(statistic), statistic, preTreatments] as const,
        ),
      ),
  )("in the segment new_users: [%s] %s", async (_chain, _name, statistic, preTreatments) => {
    const { fromWarehouse, fromClients, refusals } = await bothPaths(
      statistic,
      preTreatments,
      "new_users",
    )
    if (statistic.name === "binomial") return expectSameRefusal(refusals)
    expect(fromClients.length).toBeGreaterThan(0)
    if (isExact(statistic, preTreatments)) expect(fromWarehouse).toEqual(fromClients)
    else expectCloseRows(fromWarehouse, fromClients)
  })
})

describe("the pushed-down values", () => {
  /** The per-client path's values after pre-treatments and its finite-row filter. */
  const treatedValues = async (preTreatments: ReadonlyArray<PreTreatment>) => {
    const read = await perClient(["m.hours"], undefined)
    const treated = applyPreTreatmentsAcrossBranches(read, preTreatments, { analysisPeriodLength })
    return new Map(
      [...treated].map(([branch, [values]]) => [
        branch,
        (values ?? new Float64Array()).filter(Number.isFinite),
      ]),
    )
  }

  it("are winsorized per branch at the per-client path's threshold, to the bit", async () => {
    // drop_highest 0.05 caps about ten values per branch: the warehouse's histogram is the
    // per-client winsorized one with the capped values counted together.
    const preTreatments = [
      treatment("remove_nulls"),
      treatment("censor_lowest_values", { fraction: 0.02 }),
    ]
    const expected = await treatedValues(preTreatments)
    const pushed = await histogramsOf({
      metricsTable,
      metric: "hours",
      windowStart,
      preTreatments,
      winsorizeAt: 0.95,
    })
    for (const [branch, values] of expected) {
      const capped = histogramOf(winsorize(values, 0.95))
      expect(capped.counts.at(-1)).toBeGreaterThan(5)
      expect(pushed.get(branch)?.histogram).toEqual(capped)
    }
  })

  it("leave out NULL, NaN and ±inf after the pre-treatments, and read the right window", async () => {
    const expected = await treatedValues([])
    const pushed = await histogramsOf({ metricsTable, metric: "hours", windowStart })
    for (const [branch, values] of expected) {
      expect(values.every(Number.isFinite)).toBe(true)
      expect(values.every((value) => value < 1000 || value > 5000)).toBe(true)
      expect(pushed.get(branch)?.histogram).toEqual(histogramOf(values))
    }
  })

  it("keep NULLs through zero_fill and lose them to the censors, as the per-client path", async () => {
    const counts = async (preTreatments: ReadonlyArray<PreTreatment>) => {
      const pushed = await histogramsOf({
        metricsTable,
        metric: "hours",
        windowStart,
        preTreatments,
      })
      return [...pushed.values()].reduce((total, { clients }) => total + clients, 0)
    }
    // 400 clients, 24 of them NULL (i % 17 = 0), one NaN, one +inf, one −inf.
    expect(await counts([])).toBe(400 - 24 - 3)
    expect(await counts([treatment("zero_fill")])).toBe(400 - 2)
    // A censor drops NULL rows (a comparison with NULL fails) before zero_fill can fill them.
    const censor = treatment("censor_values_above_threshold", { threshold: 1e9 })
    expect(await counts([censor, treatment("zero_fill")])).toBe(400 - 24 - 3)
    expect(await counts([treatment("zero_fill"), censor])).toBe(400 - 2)
    const logged = await treatedValues([treatment("zero_fill"), treatment("log")])
    expect(await counts([treatment("zero_fill"), treatment("log")])).toBe(
      [...logged.values()].reduce((total, values) => total + values.length, 0),
    )
  })

  it("refuse normalize_over_analysis_period without the period's length, as a SqlBuildError", () => {
    const built = histogramQuery(
      {
        metricsTable,
        metric: "hours",
        windowStart,
        preTreatments: [treatment("normalize_over_analysis_period")],
      },
      2000,
    )
    expect(Either.isLeft(built) && built.left._tag).toBe("SqlBuildError")
    expect(Either.isLeft(built) && built.left.message).toMatch(/analysis period/)
  })
})

describe("the winsorization a statistic asks of the warehouse", () => {
  it("is at 1 − drop_highest, with each statistic's default drop_highest", () => {
    const q = (name: StatisticName, parameters: object = {}) => {
      const aggregate = aggregateRequestOf(statisticOf(name, parameters))
      return "winsorizeAt" in aggregate ? aggregate.winsorizeAt : undefined
    }
    expect(q("bootstrap_mean")).toBe(1 - 0.005)
    expect(q("bootstrap_mean", { drop_highest: 0.01 })).toBe(1 - 0.01)
    expect(q("bootstrap_mean", { drop_highest: 0 })).toBe(1)
    expect(q("linear_model_mean")).toBe(1 - 0.005)
    expect(q("per_client_dau_impact")).toBe(1)
    expect(q("per_client_dau_impact", { drop_highest: 0.1 })).toBe(1 - 0.1)
    expect(q("population_ratio", { numerator: "a", denominator: "b" })).toBe(1 - 0.005)
    for (const name of ["deciles", "binomial", "empirical_cdf", "count", "sum"] as const) {
      expect(q(name)).toBeUndefined()
    }
  })
})
