import { describe, expect, it } from "@effect/vitest"
import { decileLevels, deciles } from "../../src/stats/deciles.js"
import { orderStatisticsInBands } from "../../src/stats/order-statistics.js"
import { seededRandom } from "../../src/stats/random.js"

const bands = (values: Float64Array) => orderStatisticsInBands(values, decileLevels)
const randomFor = (branch: string) => seededRandom(5, branch)
const uniform = (from: number, count: number) =>
  Float64Array.from({ length: count }, (_, index) => from + index)

describe("deciles", () => {
  it("leaves out the relative uplifts at deciles where the reference is 0, without a warning", () => {
    // Control: 70% zeros, so its deciles up to 0.7 are 0 in some draw; treatment has no zeros.
    const control = Float64Array.from({ length: 1000 }, (_, index) => (index < 700 ? 0 : index))
    const treatment = Float64Array.from({ length: 1000 }, (_, index) => index + 1)
    const output = deciles(
      new Map([
        ["control", bands(control)],
        ["treatment", bands(treatment)],
      ]),
      { numSamples: 200, confidence: 0.95 },
      randomFor,
    )
    expect(output.warnings).toEqual([])
    const uplifts = output.rows.filter(
      (row) => row.comparison === "relative_uplift" && row.comparisonToBranch === "control",
    )
    expect(uplifts.map((row) => row.parameter)).toEqual([0.8, 0.9])
  })

  it("bootstraps each decile around the sample quantile", () => {
    const { rows } = deciles(
      new Map([["b", bands(uniform(1, 10_000))]]),
      { numSamples: 5000, confidence: 0.95 },
      randomFor,
    )
    const median = rows.find((row) => row.parameter === 0.5)
    // Rank ~ Binomial(9999, 0.5): sd 50 ranks → 95% interval ≈ 5000 ± 98.
    expect(median?.point).toBeCloseTo(5000.5, -1)
    expect(median?.lower).toBeGreaterThan(5000 - 130)
    expect(median?.lower).toBeLessThan(5000 - 70)
    expect(rows.filter((row) => row.comparison === undefined).map((row) => row.parameter)).toEqual([
      0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9,
    ])
  })

  it("finds a shift of the whole distribution in every decile", () => {
    const { rows } = deciles(
      new Map([
        ["control", bands(uniform(0, 5000))],
        ["treatment", bands(uniform(1000, 5000))],
      ]),
      { numSamples: 2000, confidence: 0.95 },
      randomFor,
    )
    const differences = rows.filter(
      (row) => row.branch === "treatment" && row.comparison === "difference",
    )
    expect(differences).toHaveLength(9)
    for (const difference of differences) {
      expect(difference.point).toBeGreaterThan(900)
      expect(difference.point).toBeLessThan(1100)
    }
  })
})

describe("deciles at production size", () => {
  // Values 0, 1, ..., n − 1: the value at rank r is r, so each decile's draws are exactly
  // Binomial(n − 1, q) and the interval is the binomial's, known to the rank. Quantile
  // buckets (2,000 of 500 values each at this n) would move every bound by up to 250.
  const n = 1_000_000
  const ranks = Float64Array.from({ length: n }, (_, index) => index)
  const numSamples = 20_000

  it("draws every decile from the exact order statistics: points and bounds of Binomial(n − 1, q)", () => {
    const { rows } = deciles(
      new Map([["b", bands(ranks)]]),
      { numSamples, confidence: 0.95 },
      randomFor,
    )
    for (const level of decileLevels) {
      const row = rows.find((candidate) => candidate.parameter === level)
      const mean = level * (n - 1)
      const sd = Math.sqrt((n - 1) * level * (1 - level))
      // Monte Carlo error: of the mean sd/√S; of a 2.5% quantile √(p(1 − p)/S)/φ(1.96)·sd.
      const boundError = (Math.sqrt((0.025 * 0.975) / numSamples) / 0.05845) * sd
      expect(Math.abs((row?.point ?? 0) - mean)).toBeLessThan(4 * (sd / Math.sqrt(numSamples)))
      expect(Math.abs((row?.lower ?? 0) - (mean - 1.959964 * sd))).toBeLessThan(4 * boundError + 1)
      expect(Math.abs((row?.upper ?? 0) - (mean + 1.959964 * sd))).toBeLessThan(4 * boundError + 1)
    }
  })

  it("reads only about √n values per decile, and gives what all the values give", () => {
    const random = seededRandom(8)
    const hours = Float64Array.from({ length: 200_000 }, () => Math.exp(2 * random.nextDouble()))
    const banded = bands(hours)
    expect(banded.values.length).toBeLessThan(9 * (16 * Math.sqrt(200_000 * 0.25) + 25))
    const everything = {
      n: hours.length,
      values: Float64Array.from(hours).sort(),
      firstRanks: Float64Array.from({ length: hours.length }, (_, index) => index),
      lastRanks: Float64Array.from({ length: hours.length }, (_, index) => index),
    }
    const parameters = { numSamples: 2000, confidence: 0.9 }
    expect(deciles(new Map([["b", banded]]), parameters, randomFor)).toEqual(
      deciles(new Map([["b", everything]]), parameters, randomFor),
    )
  })
})
