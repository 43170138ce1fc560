import { describe, expect, it } from "@effect/vitest"
import { type BranchEnrollment, sampleRatioMismatch } from "../../src/stats/sample-ratio.js"

/*
 * Reference numbers from scipy 1.17:
 *
 * from scipy import stats
 * def srm(enrolled, ratios):
 *     n, total = sum(enrolled), sum(ratios)
 *     return stats.chisquare(enrolled, [n * r / total for r in ratios])
 *
 * srm([5000, 5200], [1, 1])          # 3.9215686274509802, p 0.0476703806561615
 * srm([1000, 1200], [0.5, 0.5])      # 18.181818181818183, p 2.007865612426481e-05
 * srm([135, 115], [0.5, 0.5])        # 1.6, p 0.20590321073206466
 * srm([310, 98], [0.75, 0.25])       # 0.20915032679738563, p 0.647434185701797
 * srm([500, 500, 600], [.34, .33, .33])  # 14.861853832442067, p 0.0005926379315273186
 * srm([300, 310, 290, 100], [3, 3, 3, 1])  # 0.6666666666666666, p 0.8810148425137847
 * srm([0, 505, 500], [.34, .33, .33])    # 517.7649630634705, p 3.7e-113
 *
 * GrowthBook's checkSrm tests (back-end/test/stats.test.ts) expect, to 9 decimals,
 * 0.000020079, 0.205903211, 0.647434186 and 0.000592638 for the same four examples.
 */
const branches = (
  enrolled: ReadonlyArray<number>,
  ratios: ReadonlyArray<number>,
): ReadonlyMap<string, BranchEnrollment> =>
  new Map(
    enrolled.map((count, index) => [
      `branch-${index}`,
      { enrolled: count, ratio: ratios[index] ?? 0 },
    ]),
  )

const near = (actual: number | undefined, expected: number, tolerance: number): void => {
  expect(actual).toBeDefined()
  expect(Math.abs((actual ?? Number.NaN) - expected)).toBeLessThanOrEqual(tolerance)
}

describe("sampleRatioMismatch", () => {
  it("matches the textbook chi-square of 5000 / 5200 clients at 1 : 1", () => {
    const { test, warnings } = sampleRatioMismatch(
      new Map([
        ["control", { enrolled: 5000, ratio: 1 }],
        ["treatment", { enrolled: 5200, ratio: 1 }],
      ]),
    )
    expect(warnings).toEqual([])
    near(test?.statistic, 3.9215686274509802, 1e-12)
    expect(test?.degreesOfFreedom).toBe(1)
    near(test?.pValue, 0.0476703806561615, 1e-12)
    expect(test?.expected).toEqual(
      new Map([
        ["control", 5100],
        ["treatment", 5100],
      ]),
    )
  })

  it("matches scipy.stats.chisquare and GrowthBook's checkSrm examples", () => {
    const cases: ReadonlyArray<
      readonly [ReadonlyArray<number>, ReadonlyArray<number>, number, number, number]
    > = [
      [[1000, 1200], [0.5, 0.5], 18.181818181818183, 2.007865612426481e-5, 0.000020079],
      [[135, 115], [0.5, 0.5], 1.6, 0.20590321073206466, 0.205903211],
      [[310, 98], [0.75, 0.25], 0.20915032679738563, 0.647434185701797, 0.647434186],
      [[500, 500, 600], [0.34, 0.33, 0.33], 14.861853832442067, 0.0005926379315273186, 0.000592638],
    ]
    for (const [enrolled, ratios, statistic, pValue, growthBook] of cases) {
      const { test } = sampleRatioMismatch(branches(enrolled, ratios))
      near(test?.statistic, statistic, 1e-10)
      expect(test?.degreesOfFreedom).toBe(enrolled.length - 1)
      near(test?.pValue, pValue, 1e-12)
      expect(Number((test?.pValue ?? Number.NaN).toFixed(9))).toBe(growthBook)
    }
  })

  it("takes ratios on any scale", () => {
    const { test } = sampleRatioMismatch(branches([300, 310, 290, 100], [3, 3, 3, 1]))
    near(test?.statistic, 0.6666666666666666, 1e-12)
    expect(test?.degreesOfFreedom).toBe(3)
    near(test?.pValue, 0.8810148425137847, 1e-12)
    expect(test?.expected.get("branch-3")).toBe(100)
    expect(
      sampleRatioMismatch(branches([300, 310, 290, 100], [0.3, 0.3, 0.3, 0.1])).test?.pValue,
    ).toBeCloseTo(0.8810148425137847, 12)
  })

  it("gives p = 1 when the split is exactly the configured one", () => {
    const { test } = sampleRatioMismatch(branches([500, 500], [0.5, 0.5]))
    expect(test?.statistic).toBe(0)
    expect(test?.pValue).toBe(1)
  })

  it("keeps a branch with a ratio but no clients in the test (GrowthBook used to skip it)", () => {
    const { test, warnings } = sampleRatioMismatch(branches([0, 505, 500], [0.34, 0.33, 0.33]))
    expect(warnings).toEqual([])
    near(test?.statistic, 517.7649630634705, 1e-9)
    expect(test?.degreesOfFreedom).toBe(2)
    expect(test?.pValue).toBeLessThan(1e-15)
    const allInOne = sampleRatioMismatch(branches([1000, 0], [0.5, 0.5])).test
    expect(allInOne?.statistic).toBe(1000)
    expect(allInOne?.pValue).toBeLessThan(1e-15)
  })

  it("leaves out a branch with ratio 0 and no clients, degrees of freedom included", () => {
    const { test, warnings } = sampleRatioMismatch(branches([1000, 1200, 0], [0.5, 0.5, 0]))
    expect(warnings).toEqual([])
    near(test?.statistic, 18.181818181818183, 1e-10)
    expect(test?.degreesOfFreedom).toBe(1)
    near(test?.pValue, 2.007865612426481e-5, 1e-12)
    expect(test?.expected.get("branch-2")).toBe(0)
  })

  it("finds a certain mismatch when a branch with ratio 0 has clients (GrowthBook skips it)", () => {
    const { test, warnings } = sampleRatioMismatch(branches([1000, 1200, 900], [0.5, 0.5, 0]))
    expect(test?.statistic).toBe(Number.POSITIVE_INFINITY)
    expect(test?.pValue).toBe(0)
    expect(test?.degreesOfFreedom).toBe(1)
    expect(warnings).toEqual(["branch branch-2 has ratio 0 but 900 enrolled clients"])
  })

  it("finds a certain mismatch even with one branch left to test (GrowthBook returns p = 1)", () => {
    const { test, warnings } = sampleRatioMismatch(branches([1000, 900, 800], [1, 0, 0]))
    expect(test?.pValue).toBe(0)
    expect(test?.degreesOfFreedom).toBe(0)
    expect(warnings).toHaveLength(2)
  })

  it("does not test without clients, with fewer than two ratios above 0, or with invalid input", () => {
    expect(sampleRatioMismatch(branches([0, 0], [0.5, 0.5]))).toEqual({
      warnings: ["no client enrolled: sample ratio not tested"],
    })
    expect(sampleRatioMismatch(branches([1000, 0], [1, 0]))).toEqual({
      warnings: ["fewer than two branches with a ratio above 0: sample ratio not tested"],
    })
    expect(sampleRatioMismatch(branches([1000, 900], [0, 0]))).toEqual({
      warnings: ["no branch has a ratio above 0: sample ratio not tested"],
    })
    expect(sampleRatioMismatch(branches([1000], [1]))).toEqual({
      warnings: ["fewer than two branches with a ratio above 0: sample ratio not tested"],
    })
    expect(sampleRatioMismatch(branches([1000, -1], [0.5, 0.5]))).toEqual({
      warnings: [
        "branch branch-1: -1 enrolled at ratio 0.5 is not a valid input",
        "sample ratio not tested",
      ],
    })
    expect(sampleRatioMismatch(branches([1000, 900], [0.5, Number.NaN])).test).toBeUndefined()
  })
})
