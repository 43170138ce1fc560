import { describe, expect, it } from "@effect/vitest"
import { binomial } from "../../src/stats/binomial.js"
import { seededRandom } from "../../src/stats/random.js"

const randomFor = (branch: string) => seededRandom(3, branch)

describe("binomial", () => {
  it("gives each branch its Beta(s + 1, f + 1) posterior mean and exact quantiles", () => {
    // scipy: beta.ppf([0.025, 0.975], 11, 91) = 0.055637223835302965, 0.17455282607711903
    const { rows } = binomial(
      new Map([["control", { clients: 100, conversions: 10 }]]),
      { confidence: 0.95, numSamples: 1000 },
      randomFor,
    )
    expect(rows).toEqual([
      {
        branch: "control",
        point: 11 / 102,
        lower: expect.closeTo(0.055637223835302965, 12),
        upper: expect.closeTo(0.17455282607711903, 12),
      },
    ])
  })

  it("works at 90%: scipy beta.ppf([0.05, 0.95], 301, 701)", () => {
    const { rows } = binomial(
      new Map([["b", { clients: 1000, conversions: 300 }]]),
      { confidence: 0.9, numSamples: 10 },
      randomFor,
    )
    expect(rows[0]?.lower).toBeCloseTo(0.27681666675639727, 12)
    expect(rows[0]?.upper).toBeCloseTo(0.324434959581339, 12)
  })

  it("compares every ordered pair by joint posterior draws", () => {
    const { rows } = binomial(
      new Map([
        ["control", { clients: 10_000, conversions: 1000 }],
        ["treatment", { clients: 10_000, conversions: 1200 }],
      ]),
      { confidence: 0.95, numSamples: 20_000 },
      randomFor,
    )
    const difference = rows.find(
      (row) => row.branch === "treatment" && row.comparison === "difference",
    )
    // Normal approximation: 0.02 ± 1.96·√(0.1·0.9/10⁴ + 0.12·0.88/10⁴) = 0.02 ± 0.00875
    expect(difference?.point).toBeCloseTo(0.02, 3)
    expect(difference?.lower).toBeCloseTo(0.02 - 0.00875, 3)
    expect(difference?.upper).toBeCloseTo(0.02 + 0.00875, 3)
    expect(rows.filter((row) => row.comparison !== undefined)).toHaveLength(4)
  })

  it("rejects impossible outcomes with a warning", () => {
    const { rows, warnings } = binomial(
      new Map([["x", { clients: 5, conversions: 6 }]]),
      { confidence: 0.95, numSamples: 10 },
      randomFor,
    )
    expect(rows).toEqual([])
    expect(warnings).toEqual([
      "branch x: 6 conversions of 5 clients is not a binomial outcome: left out",
    ])
  })
})
