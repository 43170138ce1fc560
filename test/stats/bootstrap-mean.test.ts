import { describe, expect, it } from "@effect/vitest"
import { bootstrapMean, bootstrapMeanSamples } from "../../src/stats/bootstrap-mean.js"
import { statisticOf } from "../../src/stats/catalogue/statistic-catalogue.js"
import { computeSummaryOnClients } from "../../src/stats/compute-summary.js"
import { standardNormal } from "../../src/stats/distributions.js"
import type { EstimateRow } from "../../src/stats/estimate.js"
import { seededRandom } from "../../src/stats/random.js"
import { histogramOf, winsorize } from "../../src/stats/value-histogram.js"

const parameters = { numSamples: 4000, confidence: 0.95 }
const randomFor = (seed: number) => (branch: string) => seededRandom(seed, branch)

/** Days of use, 0..28: a low-cardinality metric with a known mean per branch. */
const daysOfUse = (clients: number, mean: number, seed: number): Float64Array => {
  const random = seededRandom(seed)
  return Float64Array.from({ length: clients }, () =>
    Math.max(0, Math.min(28, Math.round(mean + 6 * standardNormal(random)))),
  )
}

const stats = (values: Float64Array) => {
  const mean = values.reduce((total, value) => total + value, 0) / values.length
  const variance = values.reduce((total, value) => total + (value - mean) ** 2, 0) / values.length
  return { mean, variance }
}

const row = (
  rows: ReadonlyArray<EstimateRow>,
  branch: string,
  comparison?: string,
  reference?: string,
) =>
  rows.find(
    (candidate) =>
      candidate.branch === branch &&
      candidate.comparison === comparison &&
      candidate.comparisonToBranch === reference,
  )

describe("bootstrapMean", () => {
  it("centres on the sample mean with the Bayesian bootstrap's spread σ/√(n+1)", () => {
    const values = daysOfUse(5000, 12, 1)
    const { mean, variance } = stats(values)
    const samples = bootstrapMeanSamples(histogramOf(values), 20_000, seededRandom(9))
    const drawn = stats(samples)
    const standardError = Math.sqrt(variance / (values.length + 1))
    expect(Math.abs(drawn.mean - mean)).toBeLessThan((5 * standardError) / Math.sqrt(20_000))
    expect(Math.abs(Math.sqrt(drawn.variance) / standardError - 1)).toBeLessThan(0.03)
  })

  it("finds an injected effect: rows per branch and per ordered pair, both directions", () => {
    const branches = new Map([
      ["control", histogramOf(daysOfUse(20_000, 10, 2))],
      ["treatment", histogramOf(daysOfUse(20_000, 11, 3))],
    ])
    const { rows, warnings } = bootstrapMean(branches, parameters, randomFor(1))
    expect(warnings).toEqual([])
    expect(rows).toHaveLength(2 + 2 * 2)
    const uplift = row(rows, "treatment", "difference", "control")
    expect(uplift?.lower).toBeGreaterThan(0.7)
    expect(uplift?.upper).toBeLessThan(1.3)
    const reverse = row(rows, "control", "difference", "treatment")
    expect(reverse?.point).toBeCloseTo(-(uplift?.point ?? 0), 1)
    const relative = row(rows, "treatment", "relative_uplift", "control")
    expect(relative?.point).toBeGreaterThan(0.07)
    expect(relative?.point).toBeLessThan(0.13)
  })

  it("is reproducible with a seed and independent of branch order", () => {
    const a = histogramOf(daysOfUse(1000, 10, 4))
    const b = histogramOf(daysOfUse(1000, 10, 5))
    const first = bootstrapMean(
      new Map([
        ["a", a],
        ["b", b],
      ]),
      parameters,
      randomFor(7),
    ).rows
    const again = bootstrapMean(
      new Map([
        ["b", b],
        ["a", a],
      ]),
      parameters,
      randomFor(7),
    ).rows
    const other = bootstrapMean(
      new Map([
        ["a", a],
        ["b", b],
      ]),
      parameters,
      randomFor(8),
    ).rows
    const byKey = (rows: ReadonlyArray<EstimateRow>) =>
      new Map(
        rows.map((entry) => [
          `${entry.branch}/${entry.comparison}/${entry.comparisonToBranch}`,
          entry,
        ]),
      )
    expect(byKey(again)).toEqual(byKey(first))
    expect(byKey(other)).not.toEqual(byKey(first))
  })

  it("works at any confidence level: a 50% interval sits inside the 99% one", () => {
    const branches = new Map([["only", histogramOf(daysOfUse(2000, 10, 6))]])
    const narrow = bootstrapMean(branches, { ...parameters, confidence: 0.5 }, randomFor(1)).rows[0]
    const wide = bootstrapMean(branches, { ...parameters, confidence: 0.99 }, randomFor(1)).rows[0]
    expect(narrow?.lower).toBeGreaterThan(wide?.lower ?? Number.NaN)
    expect(narrow?.upper).toBeLessThan(wide?.upper ?? Number.NaN)
  })

  it("agrees between exact distinct values and quantile buckets within Monte Carlo error", () => {
    // Heavy-tailed continuous values: 5,000 distinct.
    const random = seededRandom(11)
    const values = Float64Array.from({ length: 5000 }, () => Math.exp(1 + standardNormal(random)))
    const exact = bootstrapMeanSamples(histogramOf(values, 1_000_000), 2000, seededRandom(1))
    const bucketed = bootstrapMeanSamples(histogramOf(values, 100), 2000, seededRandom(2))
    const e = stats(exact)
    const b = stats(bucketed)
    const standardError = Math.sqrt(e.variance)
    expect(Math.abs(e.mean - b.mean)).toBeLessThan(0.1 * standardError)
    expect(Math.abs(Math.sqrt(b.variance) / standardError - 1)).toBeLessThan(0.08)
  })

  it("draws the same distribution when neighbouring buckets of one value are one bucket", () => {
    // Gamma(200) + Gamma(200) is Gamma(400) in law: the merged zeros weigh as the two did.
    const split = {
      values: Float64Array.from([0, 0, 4, 10]),
      counts: Float64Array.from([200, 200, 150, 50]),
      variances: Float64Array.from([0, 0, 1, 9]),
    }
    const merged = {
      values: Float64Array.from([0, 4, 10]),
      counts: Float64Array.from([400, 150, 50]),
      variances: Float64Array.from([0, 1, 9]),
    }
    const draws = 40_000
    const a = stats(bootstrapMeanSamples(split, draws, seededRandom(3)))
    const b = stats(bootstrapMeanSamples(merged, draws, seededRandom(4)))
    // Mean 1.833; sd of the draws ≈ 0.13. Standard errors: of the mean sd/√draws, of the
    // variance about variance·√(2/draws).
    expect(Math.abs(a.mean - b.mean)).toBeLessThan(4 * Math.sqrt((2 * a.variance) / draws))
    expect(Math.abs(a.variance / b.variance - 1)).toBeLessThan(4 * Math.sqrt(4 / draws))
    expect(a.mean).toBeCloseTo(1100 / 600, 2)
  })

  it("leaves out an empty branch and says so; a zero reference mean yields no relative uplift", () => {
    const zeros = histogramOf(new Float64Array(100))
    const ones = histogramOf(Float64Array.from(Array(100).fill(1)))
    const empty = histogramOf(new Float64Array(0))
    const { rows, warnings } = bootstrapMean(
      new Map([
        ["zero", zeros],
        ["one", ones],
        ["empty", empty],
      ]),
      parameters,
      randomFor(1),
    )
    expect(warnings).toEqual([
      "branch empty has no clients: left out",
      "relative uplift of one over zero not computed: the reference is 0",
    ])
    expect(row(rows, "one", "difference", "zero")?.point).toBeCloseTo(1, 12)
    expect(row(rows, "zero", "relative_uplift", "one")?.point).toBeCloseTo(-1, 12)
  })
})

describe("bootstrap_mean on per-client values beyond the bucket bound", () => {
  it("winsorizes the values themselves, not the buckets: the point is the exact winsorized mean", () => {
    // 200,000 heavy-tailed values fall into 2,000 buckets. Capping at a bucket's mean moved
    // every branch's point by ~7% of the interval's width; capping the values first leaves
    // only the Monte Carlo error of the point (about sd/√S).
    const random = seededRandom(21)
    const values = Float64Array.from({ length: 200_000 }, () =>
      random.nextDouble() < 0.4 ? 0 : Math.exp(1 + 1.5 * standardNormal(random)),
    )
    const numSamples = 4000
    const output = computeSummaryOnClients(
      statisticOf("bootstrap_mean", { num_samples: numSamples }),
      [],
      new Map([["b", { values }]]),
      { seed: 1, stream: "hours", analysisPeriodLength: 1 },
    )
    const winsorized = stats(winsorize(values, 0.995))
    const only = output.rows[0]
    const bootstrapSd = Math.sqrt(winsorized.variance / (values.length + 1))
    expect(Math.abs((only?.point ?? 0) - winsorized.mean)).toBeLessThan(
      4 * (bootstrapSd / Math.sqrt(numSamples)),
    )
    // The 95% interval: mean ± 1.96 sd of the Dirichlet-weighted mean, to Monte Carlo error.
    const width = (only?.upper ?? 0) - (only?.lower ?? 0)
    expect(Math.abs(width / (2 * 1.959964 * bootstrapSd) - 1)).toBeLessThan(0.05)
  })
})
