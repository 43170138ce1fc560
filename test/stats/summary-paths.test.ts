import { describe, expect, it } from "@effect/vitest"
import {
  type Statistic,
  type StatisticName,
  statisticOf,
} from "../../src/stats/catalogue/statistic-catalogue.js"
import { computeSummaryOnClients } from "../../src/stats/compute-summary.js"
import { decileLevels } from "../../src/stats/deciles.js"
import { standardNormal } from "../../src/stats/distributions.js"
import { linearModelSumsOf } from "../../src/stats/linear-model.js"
import { orderStatisticsInBands } from "../../src/stats/order-statistics.js"
import { ratioDataOf } from "../../src/stats/population-ratio.js"
import { seededRandom } from "../../src/stats/random.js"
import { computeSummaryOnAggregates } from "../../src/stats/summary-on-aggregates.js"
import { histogramOf } from "../../src/stats/value-histogram.js"

/** Two branches of integer-valued metrics with a covariate and ratio columns. */
const random = seededRandom(77)
const branchData = (shift: number) => {
  const values = Float64Array.from({ length: 3000 }, () =>
    Math.max(0, Math.round(8 + shift + 4 * standardNormal(random))),
  )
  const covariate = values.map((value) =>
    Math.max(0, Math.round(value + 2 * standardNormal(random))),
  )
  const numerator = values.map((value) => Math.floor(value / 3))
  return { values, covariate, numerator, denominator: values }
}
const clients = new Map([
  ["control", branchData(0)],
  ["treatment", branchData(1)],
])
const aggregates = new Map(
  [...clients].map(([branch, data]) => [
    branch,
    {
      clients: data.values.length,
      histogram: histogramOf(data.values),
      orderStatistics: orderStatisticsInBands(data.values, decileLevels),
      sums: linearModelSumsOf(data.values, data.covariate),
      ratio: ratioDataOf(data.numerator, data.denominator),
    },
  ]),
)

/** binomial's data: 0/1 per client (the parity of the values above). */
const binaryClients = new Map(
  [...clients].map(([branch, data]) => [branch, { values: data.values.map((value) => value % 2) }]),
)
const binaryAggregates = new Map(
  [...binaryClients].map(([branch, { values }]) => [
    branch,
    { clients: values.length, histogram: histogramOf(values) },
  ]),
)

const options = { seed: 5, stream: "metric", analysisPeriodLength: 7 }
// drop_highest 0: the aggregates are taken as already winsorized by the warehouse.
const cases: ReadonlyArray<Statistic> = (
  [
    ["bootstrap_mean", { num_samples: 500, drop_highest: 0 }],
    ["binomial", {}],
    ["deciles", { num_samples: 300 }],
    [
      "linear_model_mean",
      { drop_highest: 0, covariate_adjustment: { period: "preenrollment_week" } },
    ],
    ["per_client_dau_impact", { covariate_adjustment: { period: "preenrollment_week" } }],
    ["population_ratio", { numerator: "n", denominator: "d", num_samples: 500, drop_highest: 0 }],
    ["kernel_density_estimate", {}],
    ["empirical_cdf", {}],
    ["count", {}],
    ["sum", {}],
    ["t_test", { drop_highest: 0, confidence_interval: 0.9 }],
    ["t_test", { drop_highest: 0, covariate_adjustment: { period: "preenrollment_week" } }],
    ["t_test", { numerator: "n", denominator: "d", drop_highest: 0 }],
  ] as ReadonlyArray<readonly [StatisticName, object]>
).map(([name, parameters]) => statisticOf(name, parameters))

describe("the per-client and push-down paths", () => {
  it.each(cases.map((statistic) => [statistic.name, statistic] as const))(
    "agree for %s on the same data",
    (_name, statistic) => {
      const binary = statistic.name === "binomial"
      const fromClients = computeSummaryOnClients(
        statistic,
        [],
        binary ? binaryClients : clients,
        options,
      )
      const fromAggregates = computeSummaryOnAggregates(
        statistic,
        binary ? binaryAggregates : aggregates,
        options,
      )
      expect(fromAggregates.rows.length).toBeGreaterThan(0)
      expect(fromAggregates).toEqual(fromClients)
    },
  )

  it("says which aggregate is missing", () => {
    const output = computeSummaryOnAggregates(
      statisticOf("bootstrap_mean"),
      new Map([["control", { clients: 3 }]]),
      options,
    )
    expect(output.warnings).toEqual([
      "branch control: no value histogram was pushed down for bootstrap_mean: left out",
    ])
  })
})
