import { describe, expect, it } from "@effect/vitest"
import type { LinearModelSums } from "../../src/stats/linear-model.js"
import { testedComparison, tTest } from "../../src/stats/t-test.js"
import { cupedParts, pooledTheta } from "../../src/stats/t-test-cuped.js"
import { control, treatment } from "../support/gbstats-t-test.js"

describe("CUPED reproduces gbstats' regression-adjusted tests", () => {
  /*
   * packages/stats/tests/test_gbstats.py (same commit), RA_STATISTICS_DF, test_analyze_metric_df_ra:
   * frequentist, relative, baseline "zero". main_* are Σy, Σy²; covariate_* Σx, Σx²;
   * main_covariate_sum_product Σxy. gbstats rounds these to 9 decimals.
   */
  const zero = { n: 3001, sumY: 300, sumY2: 600, sumX: 210, sumX2: 415, sumXY: -20 }
  const one = { n: 3000, sumY: 222, sumY2: 555, sumX: 120, sumX2: 405, sumXY: -10 }
  const output = tTest(
    new Map([
      ["zero", zero],
      ["one", one],
    ]),
    { confidence: 0.95, adjusted: true },
  )
  const unadjusted = tTest(
    new Map([
      ["control", control],
      ["treatment", treatment],
    ]),
    { confidence: 0.95 },
  )

  it("test_analyze_metric_df_ra: relative uplift and p-value, branch means unadjusted", () => {
    // cr = stats.mean = 0.099966678 and 0.074; expected = -0.281707154, pValue = 0.003732549
    expect(output.rows[0]).toMatchObject({ branch: "zero" })
    expect(output.rows[0]?.point).toBeCloseTo(0.099966678, 8)
    expect(output.rows[1]?.point).toBeCloseTo(0.074, 12)
    const relative = output.rows.find(
      (row) => row.branch === "one" && row.comparison === "relative_uplift",
    )
    expect(relative?.point).toBeCloseTo(-0.281707154, 8)
    expect(relative?.pValue).toBeCloseTo(0.003732549, 8)
    expect(output.warnings).toEqual([])
  })

  it("adjusts: the difference is not the unadjusted one", () => {
    const difference = output.rows.find(
      (row) => row.branch === "one" && row.comparison === "difference",
    )
    expect(difference?.point).not.toBeCloseTo(0.074 - 300 / 3001, 4)
  })

  it("test_sequential_test_runs_ra: θ pooled over the pair, relative uplift and its stddev", () => {
    /*
     * packages/stats/tests/frequentist/test_tests.py, TestSequentialTTest: pre (Σx, Σx²),
     * post (Σy, Σy²), post_pre_sum_of_products 1. Its uplift (mean 0.50338, stddev 0.33341)
     * is the fixed-horizon test's; only its interval and p-value are sequential.
     */
    const a = { n: 3000, sumY: 1396.87, sumY2: 52377.9767, sumX: 16.87, sumX2: 527.9767, sumXY: 1 }
    const b = { n: 3461, sumY: 2422.7, sumY2: 134698.29, sumX: 22.7, sumX2: 1348.29, sumXY: 1 }
    const theta = pooledTheta(b, a)
    expect(theta).toBeDefined()
    const { relative } = testedComparison(cupedParts(b, a, theta ?? 0), 0.95)
    expect(relative?.point).toBeCloseTo(0.50338, 5)
    expect(relative?.standardError).toBeCloseTo(0.33341, 5)
  })

  it("is unadjusted, with a warning, when a branch has no covariate sums", () => {
    const partial = tTest(
      new Map<string, LinearModelSums>([
        ["control", control],
        ["treatment", { ...treatment, sumX: 1, sumX2: 2, sumXY: 3 }],
      ]),
      { confidence: 0.95, adjusted: true },
    )
    expect(partial.rows).toEqual(unadjusted.rows)
    expect(partial.warnings).toEqual([
      "covariate sums missing for control: covariate dropped, unadjusted comparisons",
    ])
  })

  it("compares unadjusted, with a warning, when the covariate does not vary over the pair", () => {
    const constant = (sums: typeof control) => ({
      ...sums,
      sumX: 3 * sums.n,
      sumX2: 9 * sums.n,
      sumXY: 3 * sums.sumY,
    })
    const flat = tTest(
      new Map([
        ["control", constant(control)],
        ["treatment", constant(treatment)],
      ]),
      { confidence: 0.95, adjusted: true },
    )
    expect(flat.rows).toEqual(unadjusted.rows)
    expect(flat.warnings).toEqual([
      "treatment over control: the covariate or the metric does not vary: unadjusted comparison",
      "control over treatment: the covariate or the metric does not vary: unadjusted comparison",
    ])
  })
})
