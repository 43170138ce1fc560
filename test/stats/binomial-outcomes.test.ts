import { describe, expect, it } from "@effect/vitest"
import {
  binomial,
  conversionsOfHistogram,
  conversionsOfSums,
  conversionsOfValues,
} from "../../src/stats/binomial.js"
import { type Statistic, statisticOf } from "../../src/stats/catalogue/statistic-catalogue.js"
import { computeSummaryOnClients } from "../../src/stats/compute-summary.js"
import { linearModelSumsOf } from "../../src/stats/linear-model.js"
import { seededRandom } from "../../src/stats/random.js"
import { computeSummaryOnAggregates } from "../../src/stats/summary-on-aggregates.js"
import { histogramOf } from "../../src/stats/value-histogram.js"

/**
 * binomial counts 0/1 outcomes: any other value refuses the summary (it used to count values
 * above 0 as successes, so hours of 0 to 10 gave a "conversion rate" of 0.99).
 */
const statistic: Statistic = statisticOf("binomial")
const options = { seed: 1, stream: "hours", analysisPeriodLength: 7 }
const random = seededRandom(9)
/** Continuous 0–10 data, almost all positive. */
const hours = (n: number) =>
  Float64Array.from({ length: n }, () => Math.round(1000 * 10 * random.nextDouble()) / 1000)
const continuous = new Map([
  ["control", { values: hours(500) }],
  ["treatment", { values: hours(500) }],
])

describe("binomial of values other than 0 and 1", () => {
  it("is refused on the per-client path, naming the branch, how many clients and a value", () => {
    const output = computeSummaryOnClients(statistic, [], continuous, options)
    expect(output.rows).toEqual([])
    const smallest = (branch: string) =>
      Math.min(
        ...(continuous.get(branch)?.values.filter((value) => value !== 0 && value !== 1) ?? []),
      )
    expect(output.refused).toBe(
      `binomial needs values 0 or 1 (or a boolean) per client: branch control: ${continuous.get("control")?.values.filter((value) => value !== 0 && value !== 1).length} of 500 clients have other values (e.g. ${smallest("control")}); branch treatment: ${continuous.get("treatment")?.values.filter((value) => value !== 0 && value !== 1).length} of 500 clients have other values (e.g. ${smallest("treatment")})`,
    )
  })

  it("is refused alike from the push-down's exact histogram", () => {
    const aggregates = new Map(
      [...continuous].map(([branch, { values }]) => [
        branch,
        { clients: values.length, histogram: histogramOf(values) },
      ]),
    )
    const fromAggregates = computeSummaryOnAggregates(statistic, aggregates, options)
    const fromClients = computeSummaryOnClients(statistic, [], continuous, options)
    expect(fromAggregates.refused).toBeDefined()
    expect(fromAggregates).toEqual(fromClients)
  })

  it("is refused from quantile buckets and from sums that 0/1 values cannot give", () => {
    const values = hours(500)
    const bucketed = conversionsOfHistogram(histogramOf(values, 20))
    expect("notBinary" in bucketed && bucketed.notBinary).toMatch(
      /^about \d+ of 500 clients have other values \(more distinct values than the push-down lists; e\.g\. around [\d.]+\)$/,
    )
    const sums = conversionsOfSums(linearModelSumsOf(values))
    expect("notBinary" in sums && sums.notBinary).toMatch(
      /^Σy = [\d.]+ and Σy² = [\d.]+ over 500 clients, which values of 0 and 1 cannot give$/,
    )
    // Counts of events are not outcomes either, whatever their sign.
    expect(conversionsOfValues(Float64Array.of(0, 1, 2, -1))).toEqual({
      notBinary: "2 of 4 clients have other values (e.g. -1)",
    })
  })

  it("counts 0/1 (and booleans read as 0/1) on every path", () => {
    const outcomes = Float64Array.of(0, 1, 1, 0, 1)
    expect(conversionsOfValues(outcomes)).toEqual({ clients: 5, conversions: 3 })
    expect(conversionsOfHistogram(histogramOf(outcomes))).toEqual({ clients: 5, conversions: 3 })
    expect(conversionsOfSums(linearModelSumsOf(outcomes))).toEqual({ clients: 5, conversions: 3 })
    // Quantile buckets that each hold one outcome are still exact counts.
    expect(
      conversionsOfHistogram({
        values: Float64Array.of(0, 0, 1),
        counts: Float64Array.of(2, 1, 2),
        variances: Float64Array.of(0, 0, 0),
      }),
    ).toEqual({ clients: 5, conversions: 2 })
    const output = binomial(
      new Map([["control", conversionsOfValues(outcomes)]]),
      { confidence: 0.95, numSamples: 10 },
      () => seededRandom(1),
    )
    expect(output.refused).toBeUndefined()
    expect(output.rows[0]?.point).toBeCloseTo(4 / 7, 12)
  })
})
