import { describe, expect, it } from "@effect/vitest"
import { deciles } from "../../src/stats/deciles.js"
import { seededRandom } from "../../src/stats/random.js"
import { histogramOf } from "../../src/stats/value-histogram.js"

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
        ["control", histogramOf(control)],
        ["treatment", histogramOf(treatment)],
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
      new Map([["b", histogramOf(uniform(1, 10_000))]]),
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
        ["control", histogramOf(uniform(0, 5000))],
        ["treatment", histogramOf(uniform(1000, 5000))],
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
