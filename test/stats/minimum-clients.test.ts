import { describe, expect, it } from "@effect/vitest"
import {
  statisticOf as decodedStatistic,
  type StatisticName,
} from "../../src/stats/catalogue/statistic-catalogue.js"
import { type ClientColumns, computeSummaryOnClients } from "../../src/stats/compute-summary.js"
import { decileLevels } from "../../src/stats/deciles.js"
import { standardNormal } from "../../src/stats/distributions.js"
import type { EstimateRow } from "../../src/stats/estimate.js"
import { linearModelSumsOf } from "../../src/stats/linear-model.js"
import { orderStatisticsInBands } from "../../src/stats/order-statistics.js"
import { ratioDataOf } from "../../src/stats/population-ratio.js"
import { seededRandom } from "../../src/stats/random.js"
import { computeSummaryOnAggregates } from "../../src/stats/summary-on-aggregates.js"
import { histogramOf } from "../../src/stats/value-histogram.js"

/**
 * A branch of one client has no spread: the bootstrap gave it a [1, 1] interval and its
 * difference from control an interval that missed 0 ("significant") with nothing behind it.
 * It keeps its estimates, without bounds, and a warning names it with its count.
 */
const random = seededRandom(3)
const control = Float64Array.from({ length: 400 }, () => 3 + standardNormal(random))
const columnsOf = (values: Float64Array): ClientColumns => ({
  values,
  covariate: values.map((value) => value + standardNormal(random)),
  numerator: values,
  denominator: values.map(() => 2),
})
const branches = (solo: Float64Array) =>
  new Map([
    ["control", columnsOf(control)],
    ["solo", columnsOf(solo)],
  ])
const aggregatesOf = (data: ReadonlyMap<string, ClientColumns>) =>
  new Map(
    [...data].map(([branch, columns]) => [
      branch,
      {
        clients: columns.values.length,
        histogram: histogramOf(columns.values),
        orderStatistics: orderStatisticsInBands(columns.values, decileLevels),
        sums: linearModelSumsOf(columns.values, columns.covariate),
        ratio: ratioDataOf(
          columns.numerator ?? new Float64Array(),
          columns.denominator ?? new Float64Array(),
        ),
      },
    ]),
  )
const options = { seed: 2, stream: "metric", analysisPeriodLength: 7 }
const statisticOf = (name: StatisticName, parameters: object = {}) =>
  decodedStatistic(name, parameters)
const warning =
  "branch solo has 1 client, fewer than the 2 an interval needs: its estimates and the comparisons with it have no bounds"
const involvesSolo = (row: EstimateRow) =>
  row.branch === "solo" || row.comparisonToBranch === "solo"

describe("a branch with fewer than 2 clients", () => {
  it.each([
    statisticOf("bootstrap_mean", { num_samples: 300, drop_highest: 0 }),
    statisticOf("deciles", { num_samples: 200 }),
    statisticOf("linear_model_mean", { drop_highest: 0 }),
    statisticOf("per_client_dau_impact"),
    statisticOf("population_ratio", {
      numerator: "n",
      denominator: "d",
      num_samples: 300,
      drop_highest: 0,
    }),
  ])("has no interval claim for $name, on both paths, and a warning naming it", (statistic) => {
    const data = branches(Float64Array.of(1))
    const fromClients = computeSummaryOnClients(statistic, [], data, options)
    expect(fromClients.warnings).toContain(warning)
    const soloRows = fromClients.rows.filter(involvesSolo)
    expect(soloRows.length).toBeGreaterThan(0)
    for (const row of soloRows) {
      expect(row.lower).toBeUndefined()
      expect(row.upper).toBeUndefined()
      expect(row.pValue).toBeUndefined()
      expect(Number.isFinite(row.point)).toBe(true)
    }
    // control's own estimate (where the statistic has one) keeps its interval.
    for (const row of fromClients.rows.filter((row) => !involvesSolo(row))) {
      expect(row.lower).toBeLessThan(row.upper ?? Number.NaN)
    }
    const fromAggregates = computeSummaryOnAggregates(statistic, aggregatesOf(data), options)
    expect(fromAggregates.warnings).toContain(warning)
    expect(fromAggregates.rows.filter(involvesSolo).every((row) => row.lower === undefined)).toBe(
      true,
    )
  })

  it("keeps intervals from two clients on, and binomial's posterior for one", () => {
    const two = computeSummaryOnClients(
      statisticOf("bootstrap_mean", { num_samples: 300, drop_highest: 0 }),
      [],
      branches(Float64Array.of(1, 2)),
      options,
    )
    expect(two.warnings).toEqual([])
    expect(two.rows.every((row) => row.lower !== undefined)).toBe(true)
    // Beta(2, 1) for one converted client: a wide interval, not a made-up one.
    const one = computeSummaryOnClients(
      statisticOf("binomial"),
      [],
      new Map([
        ["control", { values: Float64Array.from(control, (value) => (value > 3 ? 1 : 0)) }],
        ["solo", { values: Float64Array.of(1) }],
      ]),
      options,
    )
    expect(one.warnings).toEqual([])
    const solo = one.rows.find((row) => row.branch === "solo" && row.comparison === undefined)
    expect(solo?.lower).toBeCloseTo(Math.sqrt(0.025), 6)
    expect(solo?.upper).toBeCloseTo(Math.sqrt(0.975), 6)
  })
})
