import { describe, expect, it } from "@effect/vitest"
import {
  sampleMomentsOf,
  tTest,
  welchComparison,
  welchDegreesOfFreedom,
} from "../../src/stats/t-test.js"
import { control, control3000, expectGbstats, treatment } from "../support/gbstats-t-test.js"

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

  it("proportions (test_two_sided_ttest_binom): 16/30 over 14/28, gbstats' variance p(1 − p)", () => {
    // expected=(16/30 − 0.5)/0.5, ci=(-0.47767, 0.61101), Uplift("normal", 0.06667, 0.2717),
    // pValue=0.80707. gbstats' ProportionStatistic has the variance p(1 − p) (divisor n); from
    // a 0/1 metric's sums t_test's is n/(n − 1) times that, so the moments are given here.
    const proportion = (successes: number, n: number) => {
      const p = successes / n
      return { n, mean: p, variance: p * (1 - p) }
    }
    expectGbstats(welchComparison(proportion(16, 30), proportion(14, 28), 0.95).relative, {
      point: 0.06667,
      ci: [-0.47767, 0.61101],
      stddev: 0.2717,
      pValue: 0.80707,
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
