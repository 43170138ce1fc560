import { describe, expect, it } from "@effect/vitest"
import type { RatioData } from "../../src/stats/population-ratio.js"
import { ratioSumsOf, ratioTTest } from "../../src/stats/t-test-ratio.js"

describe("the ratio t-test reproduces gbstats' RatioStatistic test", () => {
  /*
   * packages/stats/tests/test_gbstats.py (same commit), RATIO_STATISTICS_DF,
   * test_get_metric_dfs_frequentist_ratio: frequentist, relative, baseline "zero". main_* are
   * Σm, Σm²; denominator_* Σd, Σd²; main_denominator_sum_product Σm·d. Rounded to 9 decimals.
   */
  const sums = (
    clients: number,
    [sumNumerator, sumNumeratorSquares]: readonly [number, number],
    [sumDenominator, sumDenominatorSquares]: readonly [number, number],
    sumProducts: number,
  ): RatioData => ({
    kind: "sums",
    clients,
    sumNumerator,
    sumNumeratorSquares,
    sumDenominator,
    sumDenominatorSquares,
    sumProducts,
  })
  const output = ratioTTest(
    new Map([
      ["zero", sums(100, [270, 848.79], [510, 810], -900)],
      ["one", sums(120, [300, 869], [500, 800], -905)],
    ]),
    { confidence: 0.95 },
  )

  it("test_get_metric_dfs_frequentist_ratio: the ratios, relative uplift and p-value", () => {
    // cr = 0.529411765 and 0.6; expected = 0.133333333, pValue = 0.610663339
    expect(output.rows[0]?.point).toBeCloseTo(0.529411765, 8)
    expect(output.rows[1]?.point).toBeCloseTo(0.6, 12)
    const relative = output.rows.find(
      (row) => row.branch === "one" && row.comparison === "relative_uplift",
    )
    expect(relative?.point).toBeCloseTo(0.133333333, 8)
    expect(relative?.pValue).toBeCloseTo(0.610663339, 8)
    expect(output.warnings).toEqual([])
  })

  it("sums distinct pairs as the sums they stand for", () => {
    const pairs: RatioData = {
      kind: "pairs",
      numerators: Float64Array.of(1, 3),
      denominators: Float64Array.of(2, 5),
      counts: Float64Array.of(2, 1),
    }
    expect(ratioSumsOf(pairs)).toEqual({
      clients: 3,
      sumNumerator: 5,
      sumDenominator: 9,
      sumNumeratorSquares: 11,
      sumDenominatorSquares: 33,
      sumProducts: 19,
    })
  })

  it("leaves out a branch whose denominators sum to 0, and says so", () => {
    const zero = ratioTTest(
      new Map([
        ["zero", sums(100, [270, 848.79], [0, 0], 0)],
        ["one", sums(120, [300, 869], [500, 800], -905)],
      ]),
      { confidence: 0.95 },
    )
    expect(zero.rows.map((row) => row.branch)).toEqual(["one"])
    expect(zero.warnings).toEqual(["branch zero: its denominators sum to 0, no ratio: left out"])
  })
})
