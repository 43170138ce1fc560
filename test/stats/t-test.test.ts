import { describe, expect, it } from "@effect/vitest"
import { aggregateRequestOf, statisticOf } from "../../src/stats/catalogue/statistic-catalogue.js"
import type { LinearModelSums } from "../../src/stats/linear-model.js"
import type { RatioData } from "../../src/stats/population-ratio.js"
import { toStatisticResults } from "../../src/stats/statistic-results.js"
import { computeSummaryOnAggregates } from "../../src/stats/summary-on-aggregates.js"
import {
  sampleMomentsOf,
  type TEstimate,
  testedComparison,
  tTest,
  welchComparison,
  welchDegreesOfFreedom,
} from "../../src/stats/t-test.js"
import { cupedParts, pooledTheta } from "../../src/stats/t-test-cuped.js"
import { ratioSumsOf, ratioTTest } from "../../src/stats/t-test-ratio.js"
import { validatorFor } from "../support/experimenter-reader.js"

/*
 * gbstats' own expectations: growthbook/growthbook, packages/stats/tests/frequentist/test_tests.py
 * (commit 8f1db4456915a8e7b7faf23d5632ca7219d2f469, August 2026). Its control (stat_a) and
 * treatment (stat_b) are SampleMeanStatistic(sum, sum_squares, n):
 */
const control = { n: 3407, sumY: 1396.87, sumY2: 52377.9767 }
const treatment = { n: 3461, sumY: 2422.7, sumY2: 134698.29 }
/** TestOneSided*TTest's control: the same sums over 3000 clients. */
const control3000 = { ...control, n: 3000 }

/** gbstats rounds to 5 decimals (DECIMALS = 5): equal to within half of the last digit. */
const expectGbstats = (
  actual: TEstimate | undefined,
  expected: { point: number; ci: readonly [number, number]; stddev: number; pValue: number },
  digits = 5,
) => {
  expect(actual?.point).toBeCloseTo(expected.point, digits)
  expect(actual?.lower).toBeCloseTo(expected.ci[0], digits)
  expect(actual?.upper).toBeCloseTo(expected.ci[1], digits)
  expect(actual?.standardError).toBeCloseTo(expected.stddev, digits)
  expect(actual?.pValue).toBeCloseTo(expected.pValue, digits)
}

describe("welchComparison reproduces gbstats' TwoSidedTTest", () => {
  const { difference, relative } = welchComparison(
    sampleMomentsOf(treatment),
    sampleMomentsOf(control),
    0.95,
  )

  it("absolute (test_two_sided_ttest_absolute)", () => {
    // expected=0.7 - 0.41, ci=(0.04538, 0.53462), Uplift("normal", 0.29, 0.12478), pValue=0.02016
    expectGbstats(difference, {
      point: 0.29,
      ci: [0.04538, 0.53462],
      stddev: 0.12478,
      pValue: 0.02016,
    })
  })

  it("relative (test_two_sided_ttest)", () => {
    // expected=0.70732, ci=(-0.03526, 1.44989), Uplift("normal", 0.70732, 0.37879), pValue=0.06191
    expectGbstats(relative, {
      point: 0.70732,
      ci: [-0.03526, 1.44989],
      stddev: 0.37879,
      pValue: 0.06191,
    })
  })

  it("the Welch–Satterthwaite degrees of freedom of both (scipy's ttest_ind(equal_var=False))", () => {
    // scipy.stats.ttest_ind_from_stats(0.7, √38.44, 3461, 0.41, √15.21, 3407, equal_var=False):
    // t = 2.3240227609215203, p = 0.02015840264358697; ν from the formula: 5841.742032093565.
    const nu = welchDegreesOfFreedom(sampleMomentsOf(treatment), sampleMomentsOf(control))
    expect(nu).toBeCloseTo(5841.742032093565, 8)
    expect(difference?.degreesOfFreedom).toBe(nu)
    expect(relative?.degreesOfFreedom).toBe(nu)
    expect(difference?.pValue).toBeCloseTo(0.02015840264358697, 12)
    expect((difference?.point ?? 0) / (difference?.standardError ?? 1)).toBeCloseTo(
      2.3240227609215203,
      12,
    )
  })
})

describe("welchComparison reproduces gbstats' one-sided tests, as a two-sided 90% test", () => {
  /*
   * TestOneSidedGreaterTTest / TestOneSidedLesserTTest (alpha 0.05, n_a = 3000) give their
   * values unrounded. A one-sided 95% bound is the two-sided 90% interval's bound on that side,
   * and with a positive estimate the two-sided p-value is twice the "greater" one.
   */
  const { difference, relative } = welchComparison(
    sampleMomentsOf(treatment),
    sampleMomentsOf(control3000),
    0.9,
  )

  it("absolute (test_one_sided_ttest_absolute)", () => {
    // greater: ci=(0.020791480063255735, inf), pValue=0.03554272489873023;
    // lesser: ci=(-inf, 0.44796185327007765); Uplift(mean=0.23437666666666668, stddev=0.12983081254184736)
    expectGbstats(
      difference,
      {
        point: 0.23437666666666668,
        ci: [0.020791480063255735, 0.44796185327007765],
        stddev: 0.12983081254184736,
        pValue: 2 * 0.03554272489873023,
      },
      10,
    )
  })

  it("relative (test_one_sided_ttest)", () => {
    // greater: ci=(-0.045136675850396046, inf), pValue=0.06558262868467746;
    // lesser: ci=(-inf, 1.0518588475628676); Uplift(mean=0.5033610858562358, stddev=0.3334122146400735)
    expectGbstats(
      relative,
      {
        point: 0.5033610858562358,
        ci: [-0.045136675850396046, 1.0518588475628676],
        stddev: 0.3334122146400735,
        pValue: 2 * 0.06558262868467746,
      },
      10,
    )
  })
})

describe("tTest", () => {
  const sums = new Map([
    ["control", control],
    ["treatment", treatment],
  ])
  const output = tTest(sums, { confidence: 0.95 })

  it("gives each branch its mean with the one-sample t interval", () => {
    // scipy: m ± stats.t.ppf(0.975, n - 1) * sqrt(s2 / n)
    const [controlRow, treatmentRow] = output.rows
    expect(controlRow).toMatchObject({ branch: "control", point: 0.41 })
    expect(controlRow?.lower).toBeCloseTo(0.27899707585976097, 12)
    expect(controlRow?.upper).toBeCloseTo(0.541002924140239, 12)
    expect(treatmentRow?.lower).toBeCloseTo(0.4933711636797061, 12)
    expect(treatmentRow?.upper).toBeCloseTo(0.9066288363202938, 12)
    expect(controlRow?.pValue).toBeUndefined()
  })

  it("compares every ordered pair, each comparison row with a p-value", () => {
    const comparisons = output.rows.filter((row) => row.comparison !== undefined)
    expect(comparisons.map((row) => [row.branch, row.comparison, row.comparisonToBranch])).toEqual([
      ["treatment", "difference", "control"],
      ["treatment", "relative_uplift", "control"],
      ["control", "difference", "treatment"],
      ["control", "relative_uplift", "treatment"],
    ])
    for (const row of comparisons) expect(row.pValue).toBeGreaterThan(0)
    const [difference, relative, reverseDifference, reverseRelative] = comparisons
    expect(difference?.lower).toBeCloseTo(0.04538, 5)
    expect(relative?.upper).toBeCloseTo(1.44989, 5)
    expect(relative?.pValue).toBeCloseTo(0.06191, 5)
    // Swapped: the same Welch test (scipy p = 0.02015840264358697); the relative one is
    // gbstats' formula with treatment as baseline (numpy): −0.41428571428571426 ± ...,
    // p = 0.001439925231217193.
    expect(reverseDifference?.point).toBeCloseTo(-0.29, 12)
    expect(reverseDifference?.pValue).toBeCloseTo(0.02015840264358697, 12)
    expect(reverseRelative?.point).toBeCloseTo(-0.41428571428571426, 12)
    expect(reverseRelative?.lower).toBeCloseTo(-0.6690351448408457, 10)
    expect(reverseRelative?.upper).toBeCloseTo(-0.15953628373058282, 10)
    expect(reverseRelative?.pValue).toBeCloseTo(0.001439925231217193, 10)
    expect(output.warnings).toEqual([])
  })

  it("divides by |reference mean|, as gbstats, so a negative reference keeps the sign of D", () => {
    const negative = tTest(
      new Map([
        ["control", { n: 4, sumY: -8, sumY2: 20 }],
        ["treatment", { n: 4, sumY: -4, sumY2: 8 }],
      ]),
      { confidence: 0.95 },
    )
    const relative = negative.rows.find(
      (row) => row.comparison === "relative_uplift" && row.branch === "treatment",
    )
    expect(relative?.point).toBeCloseTo(0.5, 12)
  })

  it("leaves out what it cannot estimate, and says so", () => {
    const odd = tTest(
      new Map([
        ["control", { n: 5, sumY: 0, sumY2: 10 }],
        ["constant", { n: 3, sumY: 6, sumY2: 12 }],
        ["also-constant", { n: 2, sumY: 4, sumY2: 8 }],
        ["empty", { n: 0, sumY: 0, sumY2: 0 }],
        ["broken", { n: 3, sumY: Number.POSITIVE_INFINITY, sumY2: 1 }],
      ]),
      { confidence: 0.95 },
    )
    expect(odd.rows.map((row) => row.branch).slice(0, 3)).toEqual([
      "control",
      "constant",
      "also-constant",
    ])
    // A constant branch's own interval has zero width.
    expect(odd.rows[1]).toMatchObject({ point: 2, lower: 2, upper: 2 })
    // Two constant branches: a point, no interval, no p-value.
    const constantPair = odd.rows.find(
      (row) =>
        row.branch === "constant" &&
        row.comparisonToBranch === "also-constant" &&
        row.comparison === "difference",
    )
    expect(constantPair).toEqual({
      branch: "constant",
      comparisonToBranch: "also-constant",
      comparison: "difference",
      point: 0,
    })
    // A zero reference mean: no relative uplift over control.
    expect(
      odd.rows.filter(
        (row) => row.comparisonToBranch === "control" && row.comparison === "relative_uplift",
      ),
    ).toEqual([])
    expect(odd.warnings).toEqual([
      "branch empty has no clients: left out",
      "branch broken: its sums are not finite (NaN or ∞ in the data): left out",
      "relative uplift of constant over control not computed: the reference mean is 0",
      "relative uplift of also-constant over control not computed: the reference mean is 0",
      "difference of also-constant over constant: no variation to test (standard error 0): no interval or p-value",
      "relative_uplift of also-constant over constant: no variation to test (standard error 0): no interval or p-value",
      "difference of constant over also-constant: no variation to test (standard error 0): no interval or p-value",
      "relative_uplift of constant over also-constant: no variation to test (standard error 0): no interval or p-value",
    ])
  })

  it("refuses a confidence outside (0, 1)", () => {
    expect(tTest(sums, { confidence: 1 }).rows).toEqual([])
  })
})

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
      "covariate sums missing for control: covariate dropped, unadjusted test",
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

describe("the t_test statistic", () => {
  it("defaults to no winsorizing and 95% intervals, and asks for the sums", () => {
    const statistic = statisticOf("t_test")
    expect(statistic.parameters).toEqual({ drop_highest: 0, confidence_interval: 0.95 })
    expect(() => statisticOf("t_test", { covariate_adjustment: {} })).toThrow(
      /covariate_adjustment/,
    )
  })

  it("asks for the ratio's sums given numerator and denominator, both or neither", () => {
    const ratio = { numerator: "n", denominator: "d" }
    expect(aggregateRequestOf(statisticOf("t_test", { ...ratio, drop_highest: 0.01 }))).toEqual({
      kind: "ratio_sums",
      ...ratio,
      winsorizeAt: 0.99,
    })
    expect(() => statisticOf("t_test", { numerator: "n" })).toThrow(/together/)
    expect(() =>
      statisticOf("t_test", {
        ...ratio,
        covariate_adjustment: { period: "preenrollment_week" },
      }),
    ).toThrow(/does not apply to a ratio/)
  })

  it("asks for the covariate's sums too when adjusted", () => {
    const covariate_adjustment = { period: "preenrollment_days28", metric: "pre_m" }
    expect(aggregateRequestOf(statisticOf("t_test", { covariate_adjustment }))).toEqual({
      kind: "sums",
      winsorizeAt: 1,
      covariate: covariate_adjustment,
    })
  })

  it("publishes rows named t_test with p_value on every comparison, valid for Experimenter", () => {
    const statistic = statisticOf("t_test", { confidence_interval: 0.9 })
    const output = computeSummaryOnAggregates(
      statistic,
      new Map([
        ["control", { clients: control.n, sums: control }],
        ["treatment", { clients: treatment.n, sums: treatment }],
      ]),
      { seed: 1, stream: "m" },
    )
    const published = toStatisticResults(output.rows, {
      metric: "m",
      statistic: "t_test",
      segment: "all",
      analysisBasis: "enrollments",
      windowIndex: 1,
      confidence: 0.9,
    })
    expect(published).toHaveLength(6)
    for (const row of published) {
      expect(row.statistic).toBe("t_test")
      expect(row.ci_width).toBe(0.9)
      if (row.comparison !== null) expect(typeof row.p_value).toBe("number")
      else expect(row).not.toHaveProperty("p_value")
    }
    const validate = validatorFor("Statistics_v1.0.json")
    expect(validate(published), JSON.stringify(validate.errors)).toBe(true)
  })

  it("drops the bounds of a branch below 2 clients, with the catalogue's warning", () => {
    const output = computeSummaryOnAggregates(
      statisticOf("t_test"),
      new Map([
        ["control", { clients: control.n, sums: control }],
        ["single", { clients: 1, sums: { n: 1, sumY: 3, sumY2: 9 } }],
      ]),
      { seed: 1, stream: "m" },
    )
    const single = output.rows.filter(
      (row) => row.branch === "single" || row.comparisonToBranch === "single",
    )
    expect(single.length).toBe(5)
    for (const row of single) {
      expect(row.lower).toBeUndefined()
      expect(row.pValue).toBeUndefined()
    }
    expect(output.warnings.some((warning) => warning.includes("branch single has 1 client"))).toBe(
      true,
    )
  })
})
